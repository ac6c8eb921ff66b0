# threads.gp - thread scaling: speed-up over one thread (left) and
# parallel efficiency (right) vs threads, per kernel and dtype at the
# largest size that was run with several thread counts; the ideal is drawn
# for reference and the machine's core count marked.
# Data (threads.dat): one block per series, columns threads, speed-up,
# efficiency (%).  Variables: tmax, tmin, cores (0 unknown), ymax, splab.

set label 900 'Thread scaling: speed-up and parallel efficiency' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set label 903 'each kernel at the largest size run with several thread counts (best block size)' at screen 0.5, 0.914 center font ',12' textcolor rgb '#404040' front
	xhi = (cores > tmax ? cores : tmax) + 0.5
	set multiplot
	set tmargin at screen 0.87
	set bmargin at screen 0.27
	set xrange [0.5:xhi]
	set xtics 1 nomirror
	set xlabel 'threads'
	unset key
	if (cores > 0) {
		set arrow 201 from first cores, graph 0 to first cores, graph 1 nohead lw 1.4 lc rgb '#909090' dt 4 back
		set label 201 sprintf('%d cores', cores) at first cores, graph 0.97 right offset character -0.5, 0 font ',11' textcolor rgb '#505050' front
	}

	set lmargin at screen 0.085
	set rmargin at screen 0.485
	set yrange [0:ymax]
	set ylabel splab
	set format y '%g×'
	plot x / tmin with lines lw 1.6 lc rgb '#909090' dt 2 notitle, \
	     for [i=1:ns] datafile index i-1 using 1:2 with linespoints lw 2.2 pt spt[i] ps 1.5 lc rgb scolor[i] dt sdt[i] notitle

	# title and footer are drawn once
	unset label 900
	unset label 901
	unset label 902
	unset label 903
	set lmargin at screen 0.585
	set rmargin at screen 0.975
	set yrange [0:119]
	set ylabel 'parallel efficiency (%)'
	set format y '%g%%'
	plot 100 with lines lw 1.6 lc rgb '#909090' dt 2 notitle, \
	     for [i=1:ns] datafile index i-1 using 1:3 with linespoints lw 2.2 pt spt[i] ps 1.5 lc rgb scolor[i] dt sdt[i] notitle

	# the legend, shared: a plot of nothing across the bottom strip
	unset arrow
	unset label
	unset border
	unset tics
	unset xlabel
	unset ylabel
	unset grid
	set lmargin at screen 0.03
	set rmargin at screen 0.97
	set tmargin at screen 0.165
	set bmargin at screen 0.06
	set xrange [0:1]
	set yrange [0:1]
	set key center center horizontal maxrows 3 width 2 samplen 3
	plot NaN with lines lw 1.6 lc rgb '#909090' dt 2 title 'ideal', \
	     for [i=1:ns] NaN with linespoints lw 2.2 pt spt[i] ps 1.5 lc rgb scolor[i] dt sdt[i] title sname[i]
	unset multiplot
}
