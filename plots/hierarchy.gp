# hierarchy.gp - the memory-hierarchy staircase: load latency (top, ns per
# access, pointer chase) and bandwidth (bottom, GB/s, read and triad per
# thread count) vs working-set size, log2 x.  Cache sizes are marked:
# measured (solid, named in the top panel) and as reported by the system
# (dotted, named in the bottom panel) when they differ: dashed lines are
# the multi-thread series.
# Data (hierarchy.dat): one block per series, columns bytes, value; spanel
# says which panel (1 latency, 2 bandwidth).  Variables: mkval/mkdt/mklab
# (marks), xmin/xmax, xtv/xtl (tics), note.

set label 900 'Memory hierarchy: latency and bandwidth vs working set' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set multiplot
	set logscale x 2
	set logscale y 10
	set xrange [xmin:xmax]
	set format y '%g'
	set lmargin at screen 0.085
	set rmargin at screen 0.80
	set key at screen 0.815, graph 1 left top vertical Left reverse

	# top: latency
	set tmargin at screen 0.875
	set bmargin at screen 0.56
	@set_xtics_bare
	unset xlabel
	set ylabel 'latency (ns per load), log'
	do for [i=1:nmk] {
		mdt = (mkdt[i] == 1) ? 1 : 3
		set arrow 100+i from first mkval[i], graph 0 to first mkval[i], graph 1 nohead lw 1.5 lc rgb '#707070' dt mdt back
		if (mkdt[i] == 1) {
			set label 100+i mklab[i] at first mkval[i], graph 0.96 right rotate by 90 offset character -0.7, 0 font ',11' textcolor rgb '#404040' front
		}
	}
	nlat = 0
	do for [i=1:ns] { if (spanel[i] == 1) { nlat = nlat + 1 } }
	if (nlat > 0) {
		plot for [i=1:ns] datafile index i-1 using 1:(spanel[i] == 1 ? $2 : NaN) with linespoints lw 2 pt 7 ps 0.7 lc rgb scolor[i] dt sdt[i] title (spanel[i] == 1 ? sname[i] : '')
	} else {
		set label 199 'no latency measurements in hierarchy.csv' at graph 0.5, 0.5 center font ',13'
		set yrange [1:100]
		plot NaN notitle
		unset label 199
		set autoscale y
	}

	# bottom: bandwidth
	unset label 900
	unset label 901
	unset label 902
	unset label 903
	do for [i=1:nmk] {
		unset label 100+i
		if (mkdt[i] != 1) {
			set label 100+i mklab[i] at first mkval[i], graph 0.04 left rotate by 90 offset character 1.1, 0 font ',11' textcolor rgb '#404040' front
		}
	}
	set tmargin at screen 0.52
	set bmargin at screen 0.145
	@set_xtics
	set xlabel 'working set (bytes), log scale'
	set ylabel 'bandwidth (GB/s), log'
	nbw = ns - nlat
	if (nbw > 0) {
		plot for [i=1:ns] datafile index i-1 using 1:(spanel[i] == 2 ? $2 : NaN) with linespoints lw 2 pt 7 ps 0.7 lc rgb scolor[i] dt sdt[i] title (spanel[i] == 2 ? sname[i] : '')
	} else {
		set label 199 'no bandwidth measurements in hierarchy.csv' at graph 0.5, 0.5 center font ',13'
		set yrange [1:100]
		plot NaN notitle
	}
	unset multiplot
}
