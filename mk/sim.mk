# mk/sim.mk - simulated counters through valgrind's cache simulator (src/lib/sim.c),
# the sim counter source (src/lib/source_sim.c).
# `--counters sim` replays each configuration once in a child tkprofile
# (`run --sim-child`) under callgrind; the tests need valgrind for the
# simulations themselves and skip those checks (saying so) without it.
libtkpcore_la_SOURCES += src/lib/sim.c src/lib/sim.h src/lib/source_sim.c

check_PROGRAMS += tests/test_sim
tests_test_sim_SOURCES = tests/test_sim.c
tests_test_sim_LDADD = libtkpcore.la
TESTS += tests/test_sim tests/cli_sim.sh
dist_check_SCRIPTS += tests/cli_sim.sh

# A real callgrind output file (naive 8x8x8 under the cache simulator),
# parsed by test_sim.
EXTRA_DIST += tests/data/callgrind.out.fixture
