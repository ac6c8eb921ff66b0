# mk/probe.mk - src/probe: the empirical probe behind `tkprofile machine`:
# compute ceilings (flops.c), bandwidth per level (stream.c), the latency
# staircase (chase.c) and the cache sizes read off it (knee.c), run on a
# pinned team of threads (team.c).
libtkpcore_la_SOURCES += \
	src/probe/probe.h \
	src/probe/probe.c \
	src/probe/team.c \
	src/probe/flops.c \
	src/probe/stream.c \
	src/probe/chase.c \
	src/probe/knee.c
