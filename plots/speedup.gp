# speedup.gp - speed-up over the naive kernel (same size and dtype) vs
# matrix size, one line per kernel and dtype: the seed's summary, drawn.
# The legend gives each kernel's speed-up at its largest size.
# Data (speedup.dat): one block per series, columns size, speed-up.

set label 900 'Speed-up over the naive kernel' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set logscale x 2
	set logscale y 10
	set xrange [xmin:xmax]
	set yrange [ymin:ymax]
	@set_xtics
	set format y '%g×'
	set xlabel xlab
	set ylabel 'speed-up over naive (same size and dtype), log scale'
	set arrow 101 from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb '#5a5a5a' dt 2 back
	set label 101 'naive = 1×' at graph 0.985, first 1.25 right font ',12' textcolor rgb '#404040' front
	plot for [i=1:ns] datafile index i-1 using 1:2 with linespoints lw 2.2 pt spt[i] ps 1.4 lc rgb scolor[i] dt sdt[i] title sname[i]
}
