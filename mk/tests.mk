# mk/tests.mk - tests/: unit tests (C, TAP, one library module each) and
# CLI tests (sh, TAP, one command or concern each), with their fixtures.
# tests/README.md says what each checks and how to run one.  A test that
# needs something absent prints `ok N # SKIP why`.

# ---- unit tests (C) ----------------------------------------------------------
check_PROGRAMS += tests/test_stats tests/test_csv tests/test_profile tests/test_verify \
	tests/test_kernels tests/test_measure tests/test_knee tests/test_chase tests/test_probe \
	tests/test_sim tests/test_groups_pfm tests/test_groups tests/example_region
tests_test_stats_SOURCES = tests/test_stats.c
tests_test_stats_LDADD = libtkpcore.la
tests_test_csv_SOURCES = tests/test_csv.c
tests_test_csv_LDADD = libtkpcore.la
tests_test_profile_SOURCES = tests/test_profile.c
tests_test_profile_LDADD = libtkpcore.la
tests_test_verify_SOURCES = tests/test_verify.c
tests_test_verify_LDADD = libtkpcore.la
# every registered kernel against naive on awkward shapes, every ISA path
tests_test_kernels_SOURCES = tests/test_kernels.c
tests_test_kernels_LDADD = libtkpcore.la
tests_test_measure_SOURCES = tests/test_measure.c
tests_test_measure_LDADD = libtkpcore.la
tests_test_knee_SOURCES = tests/test_knee.c
tests_test_knee_LDADD = libtkpcore.la
tests_test_chase_SOURCES = tests/test_chase.c
tests_test_chase_LDADD = libtkpcore.la
tests_test_probe_SOURCES = tests/test_probe.c
tests_test_probe_LDADD = libtkpcore.la
tests_test_sim_SOURCES = tests/test_sim.c
tests_test_sim_LDADD = libtkpcore.la
# every native event in the group files against libpfm4's tables, each CPU
# model forced in turn (LIBPFM_FORCE_PMU); skips without libpfm4-dev
tests_test_groups_pfm_SOURCES = tests/test_groups_pfm.c
tests_test_groups_pfm_LDADD = $(INIH_LIBS) $(PFM_LIBS)
# weighted sums and raw entries in group files: parsing, FILE:LINE errors,
# and the order candidates are offered in (a fake resolver)
tests_test_groups_SOURCES = tests/test_groups.c
tests_test_groups_LDADD = libtkpcore.la
# the example profiles a user's own loop through the public API only
tests_example_region_SOURCES = tests/example_region.c
tests_example_region_LDADD = libtkprofile.la
TESTS += tests/test_stats tests/test_csv tests/test_profile tests/test_verify \
	tests/test_kernels tests/test_measure tests/test_knee tests/test_chase tests/test_probe \
	tests/test_sim tests/test_groups_pfm tests/test_groups tests/example_region

# The PAPI path, tested for real with software-defined events (libsde),
# which work on machines without a PMU.
if HAVE_SDE
check_PROGRAMS += tests/test_counters_sde
tests_test_counters_sde_SOURCES = tests/test_counters_sde.c
tests_test_counters_sde_LDADD = libtkpcore.la $(SDE_LIBS)
TESTS += tests/test_counters_sde
# the counter check's arithmetic and verdicts, right and wrong counts fed
# through SDE counters
check_PROGRAMS += tests/test_check_sde
tests_test_check_sde_SOURCES = tests/test_check_sde.c
tests_test_check_sde_LDADD = libtkpcore.la $(SDE_LIBS)
TESTS += tests/test_check_sde
# weighted sums and raw entries of group files, counted through PAPI
check_PROGRAMS += tests/test_groups_sde
tests_test_groups_sde_SOURCES = tests/test_groups_sde.c
tests_test_groups_sde_LDADD = libtkpcore.la $(SDE_LIBS)
TESTS += tests/test_groups_sde
endif

# ---- CLI tests (sh) ----------------------------------------------------------
# lib_abi: the library exports exactly what include/tkprofile.h declares.
# cli_report renders report.html in headless Chromium and cli_slurm starts a
# single-node Slurm on localhost; each SKIPs, saying why, without them.
# cli_faults: write errors, memory, signals, hostile paths and inputs.
# cli_disturb: CPU hogs pinned beside a run (disturbed repetitions).
# cli_check: counters --check, under valgrind on both CPUs for about a
# minute: listed early, so that it does not run beside cli_disturb.
cli_tests = tests/cli_basic.sh tests/cli_badinput.sh tests/cli_run.sh tests/cli_sweep.sh \
	tests/cli_counters.sh tests/cli_check.sh tests/cli_machine.sh tests/cli_tune.sh tests/cli_sim.sh \
	tests/cli_plot.sh tests/cli_compare.sh tests/cli_report.sh tests/cli_slurm.sh \
	tests/cli_faults.sh tests/cli_userk.sh tests/lib_abi.sh tests/cli_disturb.sh
TESTS += $(cli_tests)
dist_check_SCRIPTS += $(cli_tests)

# ---- fixtures ------------------------------------------------------------------
# results directories that plot, compare and report read, and a real
# callgrind output file (naive 8x8x8 under the cache simulator) for test_sim
EXTRA_DIST += \
	tests/README.md \
	tests/data/results-fixture/sweep.csv \
	tests/data/results-fixture/ceilings.csv \
	tests/data/results-fixture/hierarchy.csv \
	tests/data/results-fixture/machine.json \
	tests/data/results-levels/sweep.csv \
	tests/data/results-levels/ceilings.csv \
	tests/data/results-levels/machine.json \
	tests/data/results-crowded/sweep.csv \
	tests/data/results-crowded/ceilings.csv \
	tests/data/results-crowded/machine.json \
	tests/data/results-minimal/sweep.csv \
	tests/data/results-minimal/machine.json \
	tests/data/callgrind.out.fixture
