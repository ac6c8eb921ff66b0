# compare_roofline.gp - rooflines overlaid (tkprofile compare): attainable
# GFLOP/s vs arithmetic intensity, log-log.  Each machine has one colour:
# its compute peaks (solid), L1 (dashed) and DRAM (dotted) bandwidth lines
# and its kernels' best points per size; the marker says the kernel (filled
# f64, open f32).  Under the plot: the kernel markers, then each machine's
# ceilings with their values, in its colour.
# Data (compare_roofline.dat): one block per series, columns AI, GFLOP/s.
# Variables: nm/mname/mcolor/mlab (machines and their ceilings); ns/sname/
# scol/spt (series); nseg/segx1/segy1/segx2/segy2/segm/segkind (1 peak,
# 2 L1, 3 DRAM); nkl/klab/kpt (kernel legend); xmin..ymax; note.

set label 900 'Rooflines compared: attainable performance vs arithmetic intensity' @title_at
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
	set xlabel 'arithmetic intensity (FLOP/byte), log scale'
	set ylabel 'performance (GFLOP/s), log scale'
	set rmargin at screen 0.97
	set bmargin at screen 0.31
	# the kernels' markers in the key, one row; each machine's ceilings in its
	# colour under it, one line each
	set key at screen 0.5, 0.218 center top horizontal maxrows 1 width 1 samplen 1 font ',12'
	mstep = (nm > 5) ? 0.14 / nm : 0.028
	do for [i=1:nm] {
		set label 960+i '━━  ' . mlab[i] at screen 0.085, 0.165 - (i-1)*mstep left font (nm > 5 ? ',9' : ',12') textcolor rgb mcolor[i] front
	}
	do for [i=1:nseg] {
		kdt = (segkind[i] == 1) ? 1 : (segkind[i] == 2 ? 2 : 3)
		klw = (segkind[i] == 1) ? 2.6 : 1.8
		set arrow 100+i from segx1[i], segy1[i] to segx2[i], segy2[i] nohead lw klw dt kdt lc rgb mcolor[segm[i]] back
	}
	plot for [i=1:nkl] NaN with points pt kpt[i] ps 1.4 lc rgb '#404040' title klab[i], \
	     for [i=1:ns] datafile index i-1 using 1:2 with points ps 1.5 pt spt[i] lc rgb scol[i] notitle
}
