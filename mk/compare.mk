# mk/compare.mk - `tkprofile report` (the command; the report itself and
# the comparison are the presentation layer's, mk/present.mk), the compare
# chart scripts, and the Slurm scripts that run sweeps across a cluster.
# (cmd_compare.c itself is listed in Makefile.am with the other commands.)
tkprofile_SOURCES += src/cli/cmd_report.c

dist_plots_DATA += \
	plots/compare_hierarchy.gp \
	plots/compare_roofline.gp \
	plots/compare_perf.gp \
	plots/compare_speedup.gp

# sbatch scripts: installed executable beside the profiles
slurmdir = $(pkgdatadir)/profiles/slurm
dist_slurm_SCRIPTS = profiles/slurm/sweep-array.sbatch profiles/slurm/compare.sbatch

# cli_report renders report.html in headless Chromium and cli_slurm starts a
# single-node Slurm on localhost; each SKIPs, saying why, without them.
TESTS += tests/cli_compare.sh tests/cli_report.sh tests/cli_slurm.sh
dist_check_SCRIPTS += tests/cli_compare.sh tests/cli_report.sh tests/cli_slurm.sh
