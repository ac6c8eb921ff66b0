# mk/present.mk - the presentation layer (src/present/): results directories
# read back, gnuplot run safely, the chart registry and the report.  Used by
# the commands sweep, plot, report and compare (src/cli), which parse their
# options and call it; it calls only the library.  Linked into tkprofile.
tkprofile_SOURCES += \
	src/present/pmsg.c src/present/pmsg.h \
	src/present/results.c src/present/results.h \
	src/present/gnuplot.c src/present/gnuplot.h \
	src/present/chart.c src/present/chart.h \
	src/present/doc.c src/present/doc.h
