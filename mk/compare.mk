# mk/compare.mk - `tkprofile compare` and `tkprofile report`, the modules
# they share with `tkprofile plot` (results.c: a results directory read back
# and validated; gnuplot.c: running the chart scripts safely), the compare
# chart scripts, and the Slurm scripts that run sweeps across a cluster.
tkprofile_SOURCES += \
	src/cli/results.c src/cli/results.h \
	src/cli/gnuplot.c src/cli/gnuplot.h
tkprofile_SOURCES += \
	src/cli/report.h src/cli/doc.c \
	src/cli/cmd_report.c
