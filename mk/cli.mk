# mk/cli.mk - src/cli: the tkprofile command.  main.c dispatches from its
# table to one cmd_<name>.c per subcommand, each option parsing plus calls
# into the library and the presentation layer; cli_util.c and cli_args.c
# hold what the commands share, sweep_summary.c the sweep's closing table,
# sweep_recheck.c the second measurement of a ceiling a kernel went above.
# The man page, the shipped profiles and the Slurm scripts are installed
# with it.
tkprofile_SOURCES += \
	src/cli/main.c src/cli/cli.h \
	src/cli/cli_util.c \
	src/cli/cli_args.c src/cli/cli_args.h \
	src/cli/cmd_run.c \
	src/cli/cmd_sweep.c src/cli/sweep.h src/cli/sweep_summary.c src/cli/sweep_recheck.c \
	src/cli/cmd_machine.c src/cli/machine_into.c \
	src/cli/cmd_counters.c src/cli/counters_check.c \
	src/cli/cmd_kernels.c \
	src/cli/cmd_tune.c \
	src/cli/cmd_plot.c \
	src/cli/cmd_report.c \
	src/cli/cmd_compare.c \
	src/cli/cmd_new_kernel.c \
	src/cli/userk_cli.c src/cli/userk_cli.h

dist_man_MANS = doc/tkprofile.1
dist_profiles_DATA = profiles/quick.prof profiles/default.prof profiles/full.prof
# sbatch scripts: installed executable beside the profiles
slurmdir = $(pkgdatadir)/profiles/slurm
dist_slurm_SCRIPTS = profiles/slurm/sweep-array.sbatch profiles/slurm/compare.sbatch
