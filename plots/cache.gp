# cache.gp - cache behaviour: misses per 1000 FLOP vs matrix size, one
# panel per level (L1 data, L2 data, L3 total), one line per kernel and
# dtype, from hardware counters (PAPI) or simulated counts (valgrind).
# Without counts the chart says so, and how to get them.
# Every size with counts is drawn; a level counted with no miss at all is a
# marker on the panel's floor (a log axis has no 0).  The downward arrows at
# the top of a panel: the size at which a kernel's working set outgrows that
# cache (rules in the line under the legend).
# Data (cache.dat): one block per series, columns size, L1, L2, L3 misses
# per 1000 FLOP (NaN where not counted or 0), then per level 1 where counted
# with no miss (else NaN).  Variables: have[3] (level counted), ylo[3]/yhi[3],
# xtv/xtl (tics), xlab, srcs (where counts came from), csize[3] (cache sizes),
# ncross/crn/crl/crs (crossing size, level, series).

set label 900 'Cache misses per 1000 FLOP vs matrix size' @title_at
if (exists('message')) {
	@msg_chart
} else {
	set label 903 'counts: ' . srcs . '; FLOP = 2·m·n·k; each kernel at its fastest counted configuration' at screen 0.5, 0.914 center font ',12' textcolor rgb '#404040' front
	array lvname[3] = ['L1 data misses', 'L2 data misses', 'L3 (last level) misses']
	array lvevent[3] = ['l1_dcm', 'l2_dcm', 'l3_tcm']
	set multiplot
	set logscale x 2
	set logscale y 10
	set xrange [xmin:xmax]
	@set_xtics
	set format y '%g'
	set xtics font ',11'
	set tmargin at screen 0.82
	set bmargin at screen 0.31
	set xlabel xlab font ',12'
	unset key
	do for [lv=1:3] {
		left = 0.07 + (lv - 1) * 0.315
		set lmargin at screen left
		set rmargin at screen left + 0.25
		set yrange [ylo[lv]:yhi[lv]]
		set label 910 lvname[lv] . ' (' . lvevent[lv] . ')' at graph 0.5, 1.075 center font ',13' textcolor rgb '#202020' front
		set label 912 'cache ' . csize[lv] at graph 0.5, 1.03 center font ',10' textcolor rgb '#606060' front
		unset arrow
		do for [j=1:ncross] {
			if (crl[j] == lv) {
				set arrow 200+j from first crn[j], graph 1 to first crn[j], graph 0.9 head filled size screen 0.008,30 lw 2.2 lc rgb scolor[crs[j]] front
			}
		}
		if (lv == 1) {
			set ylabel 'misses per 1000 FLOP, log scale'
		} else {
			unset ylabel
		}
		if (have[lv]) {
			unset label 911
			if (allzero[lv]) {
				set label 911 "no misses at any size:\nevery working set fits" at graph 0.5, 0.55 center font ',12' textcolor rgb '#606060'
			}
			plot for [i=1:ns] datafile index i-1 using 1:(column(lv + 1)) with linespoints lw 2 pt spt[i] ps 1.3 lc rgb scolor[i] dt sdt[i] notitle, \
			     for [i=1:ns] datafile index i-1 using ($1 * (1 + 0.025 * (i - (ns + 1) / 2.0))):(column(lv + 4) > 0 ? ylo[lv] * 1.2 : NaN) with points pt (spt[i] - spt[i] % 2) ps 1.5 lw 1.5 lc rgb scolor[i] notitle
		} else {
			set label 911 "not counted on this machine\n(no such event in the counter group)" at graph 0.5, 0.5 center font ',12' textcolor rgb '#606060'
			plot NaN notitle
		}
		if (lv == 1) {
			unset label 900
			unset label 901
			unset label 902
			unset label 903
		}
	}

	# the legend, shared: a plot of nothing across the bottom strip
	unset label
	unset border
	unset tics
	unset xlabel
	unset ylabel
	unset grid
	unset logscale
	set lmargin at screen 0.03
	set rmargin at screen 0.97
	set tmargin at screen 0.2
	set bmargin at screen 0.115
	set xrange [0:1]
	set yrange [0:1]
	set key center center horizontal maxrows 3 width 2 samplen 3
	set label 920 "open marker on a panel's floor: counted, zero misses at that size;   arrow at the top: the size where the kernel's working set outgrows that cache —\nnaive: L1 n·line (B's column walk), L2/L3 n²·sizeof (B per row of C);  simd: n²·sizeof;  blocked, threaded: L1 3·b²·sizeof (tiles), L2/L3 2·n·b·sizeof (panels of A, C);  others: 3·n²·sizeof" at screen 0.5, 0.085 center font ',10' textcolor rgb '#404040'
	plot for [i=1:ns] NaN with linespoints lw 2 pt spt[i] ps 1.3 lc rgb scolor[i] dt sdt[i] title sname[i]
	unset multiplot
}
