# mk/present.mk - the presentation layer (src/present/): results directories
# read back, gnuplot run safely, the chart registry (charts.c, one
# chart_<name>.c per chart beside plots/<name>.gp), the report and the
# comparison.  Used by the commands sweep, plot, report and compare
# (src/cli), which parse their options and call it (present.h); it calls
# only the library.  Linked into tkprofile, with the gnuplot scripts
# (plots/, installed into $(pkgdatadir)/plots; common.gp is loaded before
# each chart's own script).
tkprofile_SOURCES += \
	src/present/present.h \
	src/present/pmsg.c src/present/pmsg.h \
	src/present/results.c src/present/results.h \
	src/present/gnuplot.c src/present/gnuplot.h \
	src/present/chart.c src/present/chart.h \
	src/present/bound.c src/present/bound.h \
	src/present/charts.c src/present/charts.h \
	src/present/chart_roofline.c \
	src/present/chart_perf.c \
	src/present/chart_speedup.c \
	src/present/chart_blocksize.c \
	src/present/chart_threads.c \
	src/present/chart_hierarchy.c \
	src/present/chart_cache.c \
	src/present/plot.c \
	src/present/doc.c src/present/doc.h \
	src/present/report.c src/present/report.h \
	src/present/report_sections.c \
	src/present/ceiling_flag.c src/present/ceiling_flag.h \
	src/present/command.c src/present/command.h \
	src/present/compare.c src/present/compare.h \
	src/present/compare_metrics.c \
	src/present/compare_table.c \
	src/present/compare_report.c

dist_plots_DATA += \
	plots/common.gp \
	plots/roofline.gp \
	plots/perf.gp \
	plots/speedup.gp \
	plots/blocksize.gp \
	plots/threads.gp \
	plots/hierarchy.gp \
	plots/cache.gp \
	plots/compare_hierarchy.gp \
	plots/compare_roofline.gp \
	plots/compare_perf.gp \
	plots/compare_speedup.gp
