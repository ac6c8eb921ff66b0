# mk/probe.mk - machine description (src/lib/machine.c) and the empirical
# probe (src/probe/): ceilings, bandwidth and latency staircase.
libtkpcore_la_SOURCES += \
	src/lib/machine.c src/lib/machine.h \
	src/probe/probe.h \
	src/probe/probe.c \
	src/probe/team.c \
	src/probe/flops.c \
	src/probe/stream.c \
	src/probe/chase.c \
	src/probe/knee.c
tkprofile_SOURCES += src/cli/cmd_machine.c

check_PROGRAMS += tests/test_knee tests/test_chase tests/test_probe
tests_test_probe_SOURCES = tests/test_probe.c
tests_test_probe_LDADD = libtkpcore.la
tests_test_knee_SOURCES = tests/test_knee.c
tests_test_knee_LDADD = libtkpcore.la
tests_test_chase_SOURCES = tests/test_chase.c
tests_test_chase_LDADD = libtkpcore.la
TESTS += tests/test_knee tests/test_chase tests/test_probe tests/cli_machine.sh
dist_check_SCRIPTS += tests/cli_machine.sh

# Ours against likwid-bench, side by side (make bench runs the bench/ scripts).
EXTRA_DIST += bench/ceilings.sh
