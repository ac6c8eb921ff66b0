# blocksize.gp - GFLOP/s vs block (tile) size b for several matrix sizes,
# with the block sizes where three b×b tiles (3·b²·sizeof) just fill the L1
# and the L2 cache marked (measured sizes when the probe found them).
# Data (blocksize.dat): one block per series (kernel, dtype, size), columns
# b, GFLOP/s.  Variables: mkval/mklab (the marks), ranges, xtv/xtl (tics).

set label 900 'GFLOP/s vs block size' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set logscale x 2
	set xrange [xmin:xmax]
	set yrange [0:ymax]
	@set_xtics
	set xlabel 'block size b (tile edge, elements), log scale'
	set ylabel 'performance (GFLOP/s)'
	do for [i=1:nmk] {
		mdt = (strstrt(mklab[i], 'f32') > 0) ? 2 : 4
		set arrow 100+i from first mkval[i], graph 0 to first mkval[i], graph 1 nohead lw 1.6 lc rgb '#707070' dt mdt back
		# near the floor, where GFLOP/s rarely goes, one row per dtype
		set label 100+i mklab[i] at first mkval[i], graph (0.075 * mkrow[i] - 0.035) center font ',11' textcolor rgb '#303030' boxed front
	}
	plot for [i=1:ns] datafile index i-1 using 1:2 with linespoints lw 2.2 pt spt[i] ps 1.4 lc rgb scolor[i] dt sdt[i] title sname[i]
}
