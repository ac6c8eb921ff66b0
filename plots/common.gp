# common.gp - what every tkprofile chart shares: the terminal (PNG 1280x800,
# PDF, SVG), fonts, grid, and the footer naming the machine and the date.
#
# `tkprofile plot DIR` runs, in a private temporary directory,
#     gnuplot -e "fmt = 'png'; outfile = 'perf.png'" perf.vars.gp common.gp perf.gp
# where perf.vars.gp (written by tkprofile) sets the data file name, the
# series (sname, scolor, spt, sdt arrays), ranges and the strings machine,
# when, results, version; a chart with nothing to draw gets `message`
# instead, and the script draws that text in place of an empty frame.
# Text is never enhanced (noenhanced): kernel and host names are shown as
# they are, underscores included.

if (!exists('fmt')) fmt = 'png'
if (!exists('outfile')) outfile = 'chart.' . fmt
if (!exists('machine')) machine = 'unknown machine'
if (!exists('when')) when = ''
if (!exists('results')) results = ''
if (!exists('version')) version = 'tkprofile'

if (fmt eq 'pdf') {
	set terminal pdfcairo size 10in,6.25in font 'Sans,13' fontscale 0.55 linewidth 1.0 pointscale 0.65 rounded noenhanced
} else {
	if (fmt eq 'svg') {
		set terminal svg size 1280,800 font 'Sans,13' linewidth 1.4 rounded noenhanced background '#ffffff'
	} else {
		set terminal pngcairo size 1280,800 font 'Sans,13' linewidth 1.4 rounded noenhanced background '#ffffff'
	}
}
set output outfile
set encoding utf8

set border 3 lw 1 lc rgb '#404040'
set tics nomirror out scale 0.6 textcolor rgb '#202020'
set grid xtics ytics lw 0.6 lc rgb '#d8d8d8' dt 1
set xlabel font ',13' textcolor rgb '#202020'
set ylabel font ',13' textcolor rgb '#202020'
set key outside right top vertical Left reverse noopaque samplen 2.5 spacing 1.15 width 1 font ',12' textcolor rgb '#202020'
set datafile missing 'NaN'
# labels drawn over data get a white background (`boxed`)
set style textbox opaque noborder margins 2,1
set style data linespoints
set pointsize 1.3
set tmargin at screen 0.875
set bmargin at screen 0.145
set lmargin at screen 0.085

# the footer: machine and date left, tool and results directory right
set label 901 machine . (when ne '' ? '   ·   ' . when : '') at screen 0.012, 0.022 left font ',11' textcolor rgb '#505050' front
set label 902 version . (results ne '' ? '   ·   ' . results : '') at screen 0.988, 0.022 right font ',11' textcolor rgb '#808080' front
# the title (each script: set label 900 'Title' @title_at) and the line under it
title_at = "at screen 0.5, 0.958 center font ',18' textcolor rgb '#101010' front"
if (exists('note') && note ne '') {
	set label 903 note at screen 0.5, 0.914 center font ',12' textcolor rgb '#404040' front
}

# A chart without data: the message, left-aligned in the middle, no frame.
msg_chart = "unset border; unset tics; unset key; unset grid; unset xlabel; unset ylabel; " . \
	"set label 910 message at screen 0.12, 0.70 left font ',15' textcolor rgb '#202020'; " . \
	"plot [0:1][0:1] NaN notitle"

# Tics on a log axis: the values in xtv[], labelled xtl[] (from the vars file).
set_xtics = "set xtics (); do for [i=1:xtv_n] { set xtics add (xtl[i] xtv[i]) }"
# The same tics without labels (upper panels sharing the x axis).
set_xtics_bare = "set xtics (); do for [i=1:xtv_n] { set xtics add ('' xtv[i]) }"
