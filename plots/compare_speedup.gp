# compare_speedup.gp - speed-up over naive per machine (tkprofile compare):
# one group of bars per kernel and dtype, one bar per machine, rising from
# the naive = 1× line (log scale), its value written above it.  Each group
# is measured at the largest size every machine ran both kernels at.
# Data (compare_speedup.dat): one block per group: x, speed-up, xlow, xhigh,
# ylow, yhigh, colour (0xRRGGBB) per machine, in machine order.
# Variables: nm/mname/mcolor; ng/glab; ymin/ymax; note.

set label 900 'Speed-up over the naive kernel, machines compared' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set logscale y 10
	set xrange [0.4:ng + 0.6]
	set yrange [ymin:ymax]
	set format y '%g×'
	set ylabel 'speed-up over naive (same size and dtype), log scale'
	set xtics () scale 0 font ',12'
	do for [g=1:ng] { set xtics add (glab[g] g) }
	set grid noxtics ytics
	set style fill solid 0.85 noborder
	set bmargin at screen 0.2
	set key at screen 0.5, 0.09 center top horizontal samplen 1.5 font ',12'
	set arrow 101 from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb '#5a5a5a' dt 2 back
	set label 101 'naive = 1×' at graph 0.005, first 0.87 left font ',11' textcolor rgb '#404040' front
	plot for [i=1:nm] NaN with boxes lc rgb mcolor[i] title mname[i], \
	     for [g=1:ng] datafile index g-1 using 1:2:3:4:5:6:7 with boxxyerror lc rgb variable notitle, \
	     for [g=1:ng] datafile index g-1 using 1:($2 * 1.12):(sprintf('%.3g×', $2)) with labels font ',10' textcolor rgb '#202020' notitle
}
