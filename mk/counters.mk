# mk/counters.mk - the counter layer of src/lib: one interface
# (counters.c) over the counter sources (source_papi.c, source_sim.c in
# mk/sim.mk, source_none.c), group files (groups.c), name suggestions
# (suggest.c) and the CPU's diagnosis (pmu.c); the counter group files,
# `tkprofile counters`, their tests, and the overhead benchmark (make bench).
libtkpcore_la_SOURCES += src/lib/counters.c src/lib/counters.h src/lib/source.h \
	src/lib/groups.c src/lib/groups.h src/lib/suggest.c src/lib/suggest.h \
	src/lib/pmu.c src/lib/pmu.h src/lib/source_none.c
if HAVE_PAPI
libtkpcore_la_SOURCES += src/lib/source_papi.c
endif
tkprofile_SOURCES += src/cli/cmd_counters.c
dist_groups_DATA += profiles/groups/core.ini profiles/groups/cache.ini profiles/groups/flops.ini

TESTS += tests/cli_counters.sh
dist_check_SCRIPTS += tests/cli_counters.sh

# The PAPI path is tested for real with software-defined events (libsde),
# which work on machines without a PMU.
if HAVE_SDE
check_PROGRAMS += tests/test_counters_sde
tests_test_counters_sde_SOURCES = tests/test_counters_sde.c
tests_test_counters_sde_LDADD = libtkpcore.la $(SDE_LIBS)
TESTS += tests/test_counters_sde
endif

# Cost of one region begin/end pair next to PAPI_start/PAPI_stop; built and
# run by `make bench` only.
EXTRA_PROGRAMS += bench/overhead
bench_overhead_SOURCES = bench/overhead.c
if HAVE_SDE
bench_sde_cppflags = -DTKP_BENCH_SDE=1
bench_sde_libs = $(SDE_LIBS)
else
bench_sde_cppflags =
bench_sde_libs =
endif
bench_overhead_CPPFLAGS = $(AM_CPPFLAGS) $(bench_sde_cppflags)
bench_overhead_LDADD = libtkpcore.la $(bench_sde_libs)

.PHONY: bench bench-overhead
bench: bench-overhead
bench-overhead: bench/overhead$(EXEEXT)
	./bench/overhead$(EXEEXT)

# Every native event in the group files against libpfm4's tables, each CPU
# model forced in turn (LIBPFM_FORCE_PMU); skips without libpfm4-dev.
check_PROGRAMS += tests/test_groups_pfm
tests_test_groups_pfm_SOURCES = tests/test_groups_pfm.c
tests_test_groups_pfm_LDADD = $(INIH_LIBS) $(PFM_LIBS)
TESTS += tests/test_groups_pfm
