# compare_roofline.gp - hierarchical rooflines overlaid (tkprofile compare):
# attainable GFLOP/s vs arithmetic intensity, log-log, one panel per dtype.
# Each machine has one colour: its compute peak (solid), L1 (dashed), L2
# (dash-dot) and DRAM (dotted) bandwidth lines, and its kernels at their
# largest size, each marked at its intensity per memory level (square L2,
# triangle L3, disc DRAM; an arrow to the right edge: that level counted no
# misses) and at the model's (ring), joined at its GFLOP/s and named at its
# leftmost mark.  Under the plot: what the marks are, then each machine's
# ceilings with their values, in its colour.
# Data (compare_roofline.dat): one block per series: AI, GFLOP/s, point type.
# Variables: nm/mname/mcolor/mlab (machines and their ceilings); npanel/
# pname/ptitle/plm/prm/ptop/pbot (panels); ns/sp/scolor/sname/slx/sly/szero
# (series); nseg/segx1/segy1/segx2/segy2/segp/segm/segkind (1 peak, 2 L1,
# 3 DRAM, 4 L2); xmin..ymax; note.

set label 900 'Rooflines compared: attainable performance vs arithmetic intensity, per memory level' @title_at
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
				kdt = (segkind[i] == 1) ? 1 : (segkind[i] == 2 ? 2 : (segkind[i] == 4 ? 4 : 3))
				klw = (segkind[i] == 1) ? 2.6 : 1.8
				set arrow 100+i from segx1[i], segy1[i] to segx2[i], segy2[i] nohead lw klw dt kdt lc rgb mcolor[segm[i]] back
			}
		}
		do for [i=1:ns] {
			if (sp[i] == p) {
				# named above its leftmost mark, the text running into the panel
				if (log(slx[i] / xmin) / log(xmax / xmin) > 0.7) {
					set label 300+i sname[i] at slx[i], sly[i] right offset character 0.5, 0.75 font ',9' textcolor rgb scolor[i] front
				} else {
					set label 300+i sname[i] at slx[i], sly[i] left offset character -0.5, 0.75 font ',9' textcolor rgb scolor[i] front
				}
				if (szero[i] > 0) {
					set arrow 600+i from xmax/6, sly[i] to xmax, sly[i] head filled size screen 0.012,25 lw 1.4 lc rgb scolor[i] front
				}
			} else {
				unset label 300+i
			}
		}
		set label 910 ptitle[p] at graph 0.5, 1.035 center font ',12' textcolor rgb '#202020' front
		plot NaN notitle, \
		     for [i=1:ns] datafile index i-1 using 1:(sp[i] == p ? $2 : NaN) with lines lw 1.4 dt sdash[i] lc rgb scolor[i] notitle, \
		     for [i=1:ns] datafile index i-1 using 1:(sp[i] == p ? $2 : NaN):3 with points pt variable ps 1.5 lw 1.4 lc rgb scolor[i] notitle
		if (p == 1) {
			unset label 900
			unset label 901
			unset label 902
			unset label 903
		}
	}

	# under the panels: what the marks are, then each machine's ceilings
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
	set tmargin at screen 0.2
	set bmargin at screen 0.165
	set xrange [0:1]
	set yrange [0:1]
	mstep = (nm > 5) ? 0.11 / nm : 0.026
	do for [i=1:nm] {
		set label 960+i '━━  ' . mlab[i] at screen 0.085, 0.135 - (i-1)*mstep left font (nm > 5 ? ',9' : ',11') textcolor rgb mcolor[i] front
	}
	set key center center horizontal maxrows 1 width 1 samplen 1 font ',11'
	plot NaN with points pt 5 ps 1.4 lc rgb '#404040' title 'L2 traffic', \
	     NaN with points pt 9 ps 1.4 lc rgb '#404040' title 'L3 traffic', \
	     NaN with points pt 7 ps 1.4 lc rgb '#404040' title 'DRAM traffic', \
	     NaN with points pt 6 ps 1.4 lc rgb '#404040' title 'model (compulsory)', \
	     NaN with vectors head filled lc rgb '#404040' title (nzero > 0 ? 'no misses there' : '')
	unset multiplot
}
