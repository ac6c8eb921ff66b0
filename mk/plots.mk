# mk/plots.mk - gnuplot chart scripts (plots/*.gp) and `tkprofile plot`.
# The scripts are installed into $(pkgdatadir)/plots; common.gp is loaded
# before each chart's own script.  The fixture results directories under
# tests/data/ are what the CLI test plots.
tkprofile_SOURCES += src/cli/cmd_plot.c

dist_plots_DATA += \
	plots/common.gp \
	plots/roofline.gp \
	plots/perf.gp \
	plots/speedup.gp \
	plots/blocksize.gp \
	plots/threads.gp \
	plots/hierarchy.gp \
	plots/cache.gp

TESTS += tests/cli_plot.sh
dist_check_SCRIPTS += tests/cli_plot.sh
EXTRA_DIST += \
	tests/data/results-fixture/sweep.csv \
	tests/data/results-fixture/ceilings.csv \
	tests/data/results-fixture/hierarchy.csv \
	tests/data/results-fixture/machine.json \
	tests/data/results-minimal/sweep.csv \
	tests/data/results-minimal/machine.json
