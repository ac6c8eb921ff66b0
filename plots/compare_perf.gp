# compare_perf.gp - GFLOP/s per kernel per machine (tkprofile compare):
# small multiples, one panel per kernel and dtype, GFLOP/s vs matrix size
# at the sizes every machine ran, one colour per machine.  The machines are
# named once, in colour, under the panels.
# Data (compare_perf.dat): block (panel-1)*nm + machine: columns size,
# GFLOP/s (NaN where a machine has no value).
# Variables: nm/mname/mcolor; np/ptitle/pxmin/pxmax/pymax; ncol/nrow; note.

set label 900 'Performance per kernel, machines compared' @title_at
if (exists('message')) {
	@msg_chart
} else {
	unset label 901
	set key off
	set logscale x 2
	set format x '%g'
	set format y '%g'
	set grid xtics ytics
	# the machines, in their colours, along the bottom
	do for [i=1:nm] {
		set label 950+i '■ ' . mname[i] at screen 0.085 + (i-1) * (0.88/nm), 0.075 left font ',13' textcolor rgb mcolor[i] front
	}
	set label 949 machine . '   ·   ' . when at screen 0.012, 0.022 left font ',11' textcolor rgb '#505050' front
	set multiplot layout nrow, ncol margins 0.075, 0.975, 0.165, 0.845 spacing 0.07, 0.13
	do for [p=1:np] {
		set title ptitle[p] font ',14' offset 0, -0.4
		set xrange [pxmin[p]:pxmax[p]]
		set yrange [0:pymax[p]]
		set xlabel 'matrix size n' font ',11' offset 0, 0.4
		set ylabel 'GFLOP/s' font ',11'
		plot for [i=1:nm] datafile index (p-1)*nm + i-1 using 1:2 with linespoints lw 2.2 pt 7 ps 1.1 lc rgb mcolor[i] notitle
		unset label 900
		unset label 903
		unset label 949
		unset label 902
		do for [i=1:nm] { unset label 950+i }
	}
	unset multiplot
}
