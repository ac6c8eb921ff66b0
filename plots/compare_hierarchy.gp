# compare_hierarchy.gp - memory hierarchies side by side (tkprofile compare):
# load latency (top, ns per access) and bandwidth (bottom, GB/s) vs
# working-set size, log2 x, one colour per machine.  Bandwidth is drawn at
# 1 thread (solid) and at the most threads measured (dashed).  Each
# machine's measured cache sizes are ticks in its colour along the top of
# the latency panel.
# Data (compare_hierarchy.dat): one block per series, columns bytes, value.
# Variables: machines nm/mname/mcolor; series ns/sname/sm (machine)/
# spanel (1 latency, 2 bandwidth)/sdt; marks nmk/mkval/mkm/mklab;
# xmin/xmax; tics xtv/xtl; note.

set label 900 'Memory hierarchies compared: latency and bandwidth vs working set' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set multiplot
	set logscale x 2
	set logscale y 10
	set xrange [xmin:xmax]
	set format y '%g'
	set lmargin at screen 0.085
	set rmargin at screen 0.74
	set key at screen 0.755, graph 1 left top vertical Left reverse width -2

	# top: latency, with each machine's cache sizes as ticks at the top
	set tmargin at screen 0.875
	set bmargin at screen 0.56
	@set_xtics_bare
	unset xlabel
	set ylabel 'latency (ns per load), log'
	do for [i=1:nmk] {
		set arrow 100+i from first mkval[i], graph 1 to first mkval[i], graph 0.9 nohead lw 3 lc rgb mcolor[mkm[i]] front
		set label 100+i mklab[i] at first mkval[i], graph 0.87 center font ',10' textcolor rgb mcolor[mkm[i]] front
	}
	nlat = 0
	do for [i=1:ns] { if (spanel[i] == 1) { nlat = nlat + 1 } }
	if (nlat > 0) {
		plot for [i=1:ns] datafile index i-1 using 1:(spanel[i] == 1 ? $2 : NaN) with linespoints lw 2 pt 7 ps 0.6 lc rgb mcolor[sm[i]] dt sdt[i] title (spanel[i] == 1 ? sname[i] . ' latency' : '')
	} else {
		set label 199 'no latency measurements' at graph 0.5, 0.5 center font ',13'
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
		unset arrow 100+i
		unset label 100+i
	}
	set tmargin at screen 0.52
	set bmargin at screen 0.145
	@set_xtics
	set xlabel 'working set (bytes), log scale'
	set ylabel 'bandwidth (GB/s), log'
	if (ns - nlat > 0) {
		plot for [i=1:ns] datafile index i-1 using 1:(spanel[i] == 2 ? $2 : NaN) with linespoints lw 2 pt 7 ps 0.6 lc rgb mcolor[sm[i]] dt sdt[i] title (spanel[i] == 2 ? sname[i] : '')
	} else {
		set label 199 'no bandwidth measurements' at graph 0.5, 0.5 center font ',13'
		set yrange [1:100]
		plot NaN notitle
	}
	unset multiplot
}
