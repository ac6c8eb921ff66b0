# mk/lib.mk - src/lib: libtkprofile's own modules, built into the
# convenience library libtkpcore (Makefile.am) with the kernels and the
# probe.  The counter layer is one interface (counters.c) over the counter
# sources (source_papi.c, source_sim.c, source_none.c), with the group
# files (groups.c), event-name suggestions (suggest.c) and the CPU's
# diagnosis (pmu.c) beside it; sim.c runs valgrind's cache simulation for
# the sim source.  The group files it reads are installed with it.
libtkpcore_la_SOURCES += \
	src/lib/util.c src/lib/util.h \
	src/lib/timer.c src/lib/timer.h \
	src/lib/stats.c src/lib/stats.h \
	src/lib/verify.c src/lib/verify.h \
	src/lib/measure.c src/lib/measure.h \
	src/lib/region.c \
	src/lib/csv.c src/lib/csv.h \
	src/lib/profile.c src/lib/profile.h \
	src/lib/tuning.c src/lib/tuning.h \
	src/lib/fsutil.c src/lib/fsutil.h \
	src/lib/machine.c src/lib/machine.h \
	src/lib/counters.c src/lib/counters.h src/lib/source.h \
	src/lib/groups.c src/lib/groups.h \
	src/lib/suggest.c src/lib/suggest.h \
	src/lib/pmu.c src/lib/pmu.h \
	src/lib/source_none.c \
	src/lib/source_sim.c src/lib/sim.c src/lib/sim.h \
	src/lib/check.c src/lib/check_kernels.c src/lib/check.h \
	src/lib/userkernel.c src/lib/userkernel_run.c src/lib/userkernel.h
if HAVE_PAPI
libtkpcore_la_SOURCES += src/lib/source_papi.c
endif

dist_groups_DATA += profiles/groups/core.ini profiles/groups/cache.ini profiles/groups/flops.ini
# libpfm4 (when its headers are installed): the raw config of the event
# chosen per metric, for `tkprofile counters` and machine.json (pmu.c)
libtkpcore_la_LIBADD += $(PFM_LIBS)
