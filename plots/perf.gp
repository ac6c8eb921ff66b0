# perf.gp - GFLOP/s vs matrix size, one line per kernel and dtype, the
# compute peak of each dtype as a dashed line.  Data (perf.dat): one block
# per series, columns size, GFLOP/s (best over block sizes and threads),
# and GFLOP/s at its median time + and - its MAD (the error bar).

set label 900 'Performance vs matrix size, per kernel' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set logscale x 2
	set logscale y 10
	set xrange [xmin:xmax]
	set yrange [ymin:ymax]
	@set_xtics
	set format y '%g'
	set mytics 10
	set xlabel xlab
	set ylabel 'performance (GFLOP/s), log scale'
	do for [i=1:npk] {
		set arrow 100+i from graph 0, first pkval[i] to graph 1, first pkval[i] nohead lw 2 lc rgb '#303030' dt 2 back
		set label 100+i pklab[i] at graph 0.985, first pkval[i]*1.2 right font ',12' textcolor rgb '#303030' boxed front
	}
	# the bars first, so that the markers are drawn over their centres
	plot for [i=1:ns] datafile index i-1 using 1:2:3:4 with yerrorbars lw 1.2 pt 0 lc rgb scolor[i] notitle, \
		for [i=1:ns] datafile index i-1 using 1:2 with linespoints lw 2.2 pt spt[i] ps 1.4 lc rgb scolor[i] dt sdt[i] title sname[i]
}
