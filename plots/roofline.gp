# roofline.gp - the hierarchical roofline: attainable GFLOP/s vs arithmetic
# intensity, log-log, one panel per dtype.  Compute ceilings (per ISA path)
# are horizontal lines, bandwidth ceilings (L1, L2, L3, DRAM) diagonal ones,
# all measured by `tkprofile machine` and labelled.  Each kernel, at its
# largest size, is marked at its intensity across every level it has counts
# for (square L2, triangle L3, disc DRAM; an arrow at the right edge: that
# level counted no misses) and at the model's compulsory intensity (ring),
# the marks joined at its GFLOP/s: the leftmost one meets its bound.
# Data (roofline.dat): one block per kernel and panel: AI, GFLOP/s, point type.
# Variables (every placement decided by tkprofile): npanel, pname, ptitle,
# plm/prm (panel margins), ptop/pbot; segments segx1/segy1/segx2/segy2/segp/
# segkind (1 compute, 2 memory, 3 a 1-thread compute roof, dashed) with labels
# lab at labx/laby (labside: above or below a memory line), angle (of the
# memory lines on the page); series ns/sp/scolor/sname/sly/szero/sdash (2: a
# kernel's largest counted size beside a largest size without counts,
# dashed, no legend entry of its own); xmin..ymax.

set label 900 'Roofline: attainable performance vs arithmetic intensity, per memory level' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set multiplot
	set logscale xy 10
	set xrange [xmin:xmax]
	set yrange [ymin:ymax]
	set format x '%g'
	set format y '%g'
	set mxtics 10
	set mytics 10
	set xlabel 'arithmetic intensity (FLOP/byte), log scale' font ',12'
	set tmargin at screen ptop
	set bmargin at screen pbot
	unset key
	do for [p=1:npanel] {
		set lmargin at screen plm[p]
		set rmargin at screen prm[p]
		if (p == 1) {
			set ylabel 'performance (GFLOP/s), log scale'
		} else {
			unset ylabel
		}
		unset arrow
		do for [i=1:nseg] {
			if (segp[i] == p) {
				if (segkind[i] == 2) {
					set arrow 100+i from segx1[i], segy1[i] to segx2[i], segy2[i] nohead lw 2 lc rgb '#8c8c8c' back
					set label 100+i lab[i] at labx[i], laby[i] left rotate by angle offset character -0.8*labside[i]*sin(angle*pi/180), 0.8*labside[i]*cos(angle*pi/180) font (npanel > 1 ? ',10' : ',11') textcolor rgb '#606060' back
				} else {
					set arrow 100+i from segx1[i], segy1[i] to segx2[i], segy2[i] nohead lw 2.6 lc rgb '#303030' back
					if (segkind[i] == 3) {
						set arrow 100+i dt 2 lw 2
					}
					set label 100+i lab[i] at labx[i], laby[i] left font ',11' textcolor rgb '#303030' boxed back
				}
			} else {
				unset label 100+i
			}
		}
		# levels counted without a single miss: an arrow to the right edge
		do for [i=1:ns] {
			if (sp[i] == p && szero[i] > 0) {
				set arrow 400+i from xmax/6, sly[i] to xmax, sly[i] head filled size screen 0.012,25 lw 1.4 lc rgb scolor[i] front
			}
		}
		set label 910 ptitle[p] at graph 0.5, 1.035 center font ',12' textcolor rgb '#202020' front
		plot NaN notitle, \
		     for [i=1:ns] datafile index i-1 using 1:(sp[i] == p ? $2 : NaN) with lines lw 1.6 dt sdash[i] lc rgb scolor[i] notitle, \
		     for [i=1:ns] datafile index i-1 using 1:(sp[i] == p ? $2 : NaN):3 with points pt variable ps 1.7 lw 1.5 lc rgb scolor[i] notitle
		if (p == 1) {
			unset label 900
			unset label 901
			unset label 902
			unset label 903
		}
	}

	# the legend, shared: kernels by colour, then what each mark is
	unset label
	unset arrow
	unset border
	unset tics
	unset xlabel
	unset ylabel
	unset grid
	unset logscale
	set lmargin at screen 0.03
	set rmargin at screen 0.97
	set tmargin at screen 0.19
	set bmargin at screen 0.045
	set xrange [0:1]
	set yrange [0:1]
	set key center center horizontal maxrows 4 width 1 samplen 2 font ',11'
	plot for [i=1:ns] NaN with lines lw 2.5 lc rgb scolor[i] title (sp[i] == 1 ? sname[i] : ''), \
	     NaN with points pt 5 ps 1.5 lc rgb '#404040' title 'L2 traffic (L1 misses)', \
	     NaN with points pt 9 ps 1.5 lc rgb '#404040' title 'L3 traffic (L2 misses)', \
	     NaN with points pt 7 ps 1.5 lc rgb '#404040' title 'DRAM traffic (L3 misses)', \
	     NaN with points pt 6 ps 1.5 lc rgb '#404040' title 'model: compulsory traffic', \
	     NaN with vectors head filled lc rgb '#404040' title (nzero > 0 ? 'no misses at that level, or far off the chart (edge)' : '')
	unset multiplot
}
