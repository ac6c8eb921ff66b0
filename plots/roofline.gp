# roofline.gp - the roofline: attainable GFLOP/s vs arithmetic intensity,
# log-log.  Compute ceilings (per dtype and ISA path) are horizontal lines,
# bandwidth ceilings (L1, L2, L3, DRAM) diagonal ones, all measured by
# `tkprofile machine` and labelled; each kernel and dtype is one marker and
# colour, one point per matrix size.  Points whose intensity was counted
# (fp_ops over L3 misses × 64 B) rather than modelled are ringed when both
# kinds are on the chart; the x label says which.
# Data (roofline.dat): one block per series, columns AI, GFLOP/s, counted.
# Variables: segments segx1/segy1/segx2/segy2/segkind (1 compute, 2 memory,
# 3 a 1-thread compute roof under multi-thread ceilings, dashed)
# with labels lab at labx/laby; ranges xmin..ymax; xlab; ringed.

# (a macro: defined outside the if block, whose macros expand on entry)
roof_plot = "plot for [i=1:ns] datafile index i-1 using 1:2 with points ps 1.6 pt spt[i] lc rgb scolor[i] title sname[i], " . \
	"for [i=1:ns*ringed] datafile index i-1 using 1:($3 > 0 ? $2 : NaN) with points pt 6 ps 2.8 lw 1.2 lc rgb '#000000' title (i == 1 ? 'counted AI' : '')"

set label 900 'Roofline: attainable performance vs arithmetic intensity' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set logscale xy 10
	set xrange [xmin:xmax]
	set yrange [ymin:ymax]
	set format x '%g'
	set format y '%g'
	set mxtics 10
	set mytics 10
	set xlabel xlab
	set ylabel 'performance (GFLOP/s), log scale'
	# compute ceilings are named on the right axis, where no data can hide them
	if (nroof > 0) {
		set logscale y2 10
		set y2range [ymin:ymax]
		set y2tics () nomirror out scale 0.6 font ',12' textcolor rgb '#303030'
		set border 11
		set rmargin at screen 0.75
	} else {
		set rmargin at screen 0.96
	}
	# the legend goes under the plot
	set bmargin at screen 0.25
	set key at screen 0.5, 0.152 center top horizontal maxrows 3 width 1 samplen 1
	do for [i=1:nseg] {
		if (segkind[i] == 2) {
			set arrow 100+i from segx1[i], segy1[i] to segx2[i], segy2[i] nohead lw 2 lc rgb '#8c8c8c' back
		} else {
			set arrow 100+i from segx1[i], segy1[i] to segx2[i], segy2[i] nohead lw 2.6 lc rgb '#303030' back
			if (segkind[i] == 3) {
				set arrow 100+i dt 2 lw 2
			}
			set y2tics add (lab[i] segy1[i])
		}
	}
	# A first pass into a scratch file finds the plot area, so that the
	# bandwidth labels can be turned to lie along their (45°-ish) lines.
	set output 'roofline.dryrun'
	@roof_plot
	slope = ((GPVAL_TERM_YMAX - GPVAL_TERM_YMIN) / log10(ymax / ymin)) / ((GPVAL_TERM_XMAX - GPVAL_TERM_XMIN) / log10(xmax / xmin))
	angle = atan(slope) * 180 / pi
	do for [i=1:nseg] {
		if (segkind[i] == 2) {
			# beside the line: above it, or below when another line is close above
			set label 100+i lab[i] at labx[i], laby[i] left rotate by angle offset character -0.8*labside[i]*sin(angle*pi/180), 0.8*labside[i]*cos(angle*pi/180) font ',12' textcolor rgb '#606060' front
		}
	}
	set output outfile
	@roof_plot
}
