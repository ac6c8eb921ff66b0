#!/bin/sh
# cli_compare.sh - `tkprofile compare DIR DIR...`: two machines made from
# the fixture (the second twice as fast, with other caches and host), read
# back from compare.csv and the printed table; machines with equal hosts
# told apart; the charts (PNG 1280x800 and PDF, nothing else) and the
# report; what cannot be compared (not a results directory, the same one
# twice, CSV columns, machine.json schemas or tkprofile versions that
# differ, nothing in common) refused with exit 2 and nothing written; an
# --out that holds results never written into.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

FIXTURE="$TKP_SRCDIR/tests/data/results-fixture"
MINIMAL="$TKP_SRCDIR/tests/data/results-minimal"
CHARTS="compare_hierarchy compare_roofline compare_perf compare_speedup"

copy() {
	rm -rf "$2"
	cp -R "$1" "$2"
	chmod -R u+w "$2"
}

have_gnuplot=yes
command -v gnuplot >/dev/null 2>&1 || have_gnuplot=no
NOGP="gnuplot not installed (apt-get install gnuplot-nox)"

# A field of compare.csv: csv_value FILE MACHINE METRIC LEVEL KERNEL DTYPE COLUMN.
# RFC 4180 fields (quoted, with commas) split by a small awk parser.
CSV_AWK='
function csvsplit(line, f,    n, i, ch, q, cur) {
	n = 0; q = 0; cur = ""
	for (i = 1; i <= length(line); i++) {
		ch = substr(line, i, 1)
		if (q) {
			if (ch == "\"") { if (substr(line, i + 1, 1) == "\"") { cur = cur ch; i++ } else q = 0 }
			else cur = cur ch
		} else if (ch == "\"") q = 1
		else if (ch == ",") { f[++n] = cur; cur = "" }
		else cur = cur ch
	}
	f[++n] = cur
	return n
}'
csv_value() {
	awk -v m="$2" -v me="$3" -v lv="$4" -v k="$5" -v dt="$6" -v col="$7" "$CSV_AWK"'
		{ n = csvsplit($0, f) }
		NR == 1 { for (i = 1; i <= n; i++) c[f[i]] = i; next }
		f[c["machine"]] == m && f[c["metric"]] == me && f[c["level"]] == lv &&
			f[c["kernel"]] == k && f[c["dtype"]] == dt { print f[c[col]]; exit }' "$1"
}
# The number of fields of each row that has not n: csv_bad FILE N
csv_bad() {
	awk -v want="$2" "$CSV_AWK"'{ if (csvsplit($0, f) != want) print }' "$1" | head -3
}

# ---- two machines: the fixture and a twice-as-fast "node2" ------------------
copy "$FIXTURE" "$TMP/a"
copy "$FIXTURE" "$TMP/b"
awk -F, -v OFS=, 'NR > 1 { $12 = $12 * 2 } { print }' "$FIXTURE/sweep.csv" >"$TMP/b/sweep.csv"
sed -e 's/"host": "vm"/"host": "node2"/' -e 's/"measured_bytes": 32768/"measured_bytes": 49152/' \
	-e 's/"cpu_model": "[^"]*"/"cpu_model": "Other CPU 9000"/' "$FIXTURE/machine.json" >"$TMP/b/machine.json"
awk -F, -v OFS=, 'NR > 1 && $1 == "DRAM" { $5 = $5 * 1.5 } { print }' "$FIXTURE/ceilings.csv" >"$TMP/b/ceilings.csv"

(cd "$TMP" && "$TKP_BIN" compare a b --out cmp >"$TMP/out" 2>"$TMP/err")
rc=$?
[ $rc -eq 0 ] && ok "compare two results directories (exit 0)" || not_ok "compare two results directories: exit $rc" "$(cat "$TMP/err")"
C="$TMP/cmp/compare.csv"
missing=""
for f in compare.csv compare.txt report.md report.html; do
	[ -s "$TMP/cmp/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "compare.csv, compare.txt, report.md, report.html written" ||
	not_ok "compare.csv, compare.txt, report.md, report.html written" "missing or empty:$missing"
head -1 "$C" | grep -qx 'machine,host,cpu_model,date,dir,metric,level,kernel,dtype,isa,size,threads,value,unit,ratio' &&
	ok "compare.csv: its header" || not_ok "compare.csv: its header" "$(head -1 "$C")"
cols=$(head -1 "$C" | awk -F, '{ print NF }')
bad=$(csv_bad "$C" "$cols")
[ -z "$bad" ] && ok "compare.csv: every row has $cols fields" || not_ok "compare.csv: every row has $cols fields" "$bad"
cmp -s "$TMP/out" "$TMP/cmp/compare.txt" && ok "compare.txt is the table printed" || not_ok "compare.txt is the table printed"

# machines named by host, in order; the CPU from machine.json
[ "$(csv_value "$C" node2 peak "" "" f64 cpu_model)" = "Other CPU 9000" ] && ok "machines named by host, CPU from machine.json" ||
	not_ok "machines named by host, CPU from machine.json" "$(grep node2 "$C" | head -2)"

# ratios: best GFLOP/s doubled, DRAM bandwidth x1.5, L1d 32 -> 48 KiB, peaks equal
v=$(csv_value "$C" node2 best_gflops "" blocked f64 ratio)
[ "$v" = 2 ] && ok "best blocked f64 GFLOP/s: ratio 2 to the first" || not_ok "best blocked f64: ratio 2" "got '$v'"
best=$(awk -F, 'NR > 1 && $1 == "blocked" && $2 == "f64" && $26 == 1 && $12 > b { b = $12 } END { print b }' "$FIXTURE/sweep.csv")
v=$(csv_value "$C" vm best_gflops "" blocked f64 value)
awk -v a="$v" -v b="$best" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }' && ok "best blocked f64 GFLOP/s is sweep.csv's ($best)" || not_ok "best blocked f64 GFLOP/s is sweep.csv's ($best)" "got '$v'"
v=$(csv_value "$C" node2 bandwidth DRAM "" "" ratio)
[ "$v" = 1.5 ] && ok "DRAM bandwidth: ratio 1.5" || not_ok "DRAM bandwidth: ratio 1.5" "got '$v'"
[ "$(csv_value "$C" vm bandwidth DRAM "" "" threads)" = 2 ] && ok "bandwidth: the best over thread counts, threads named" ||
	not_ok "bandwidth: the best over thread counts" "$(grep 'bandwidth,DRAM' "$C")"
v=$(csv_value "$C" node2 cache_bytes L1d "" "" value)
[ "$v" = 49152 ] && [ "$(csv_value "$C" node2 cache_bytes L1d "" "" ratio)" = 1.5 ] &&
	ok "measured L1d size and its ratio" || not_ok "measured L1d size and its ratio" "got '$v'"
[ "$(csv_value "$C" node2 peak "" "" f64 ratio)" = 1 ] && ok "equal peaks: ratio 1" || not_ok "equal peaks: ratio 1"
[ -n "$(csv_value "$C" vm latency DRAM "" "" value)" ] && ok "latency per level (DRAM) from the hierarchy" ||
	not_ok "latency per level (DRAM) from the hierarchy"
# speed-ups are the same on both (every kernel twice as fast): ratio 1
v=$(csv_value "$C" node2 speedup "" blas f64 ratio)
[ "$v" = 1 ] && ok "speed-up over naive: same on both (ratio 1)" || not_ok "speed-up over naive: same on both" "got '$v'"
n=$(grep -c ',gflops,' "$C" || :)
[ "$n" -gt 20 ] && ok "GFLOP/s at every common size ($n rows)" || not_ok "GFLOP/s at every common size" "$n rows"

# the printed table
grep -q '^CPU  *AMD EPYC 9R45 (Zen 5, 2 vCPU)  *Other CPU 9000$' "$TMP/out" && ok "table: a CPU row" ||
	not_ok "table: a CPU row" "$(grep '^CPU' "$TMP/out")"
grep -qE '^best blocked f64, GFLOP/s +[0-9.]+ +[0-9.]+ \(2\.00x\)$' "$TMP/out" && ok "table: best GFLOP/s with its ratio" ||
	not_ok "table: best GFLOP/s with its ratio" "$(grep '^best blocked f64' "$TMP/out")"
grep -qE '^L1d size \(measured\) +32 KiB +48 KiB \(1\.50x\)$' "$TMP/out" && ok "table: measured cache sizes" ||
	not_ok "table: measured cache sizes" "$(grep '^L1d' "$TMP/out")"
missing=""
for r in "L1 bandwidth" "DRAM latency" "peak f64" "speed-up simd f64 at n=1024"; do
	grep -q "^$r" "$TMP/out" || missing="$missing '$r'"
done
[ -z "$missing" ] && ok "table: bandwidth, latency, peak and speed-up rows" ||
	not_ok "table: bandwidth, latency, peak and speed-up rows" "no row$missing in: $(cat "$TMP/out")"

# charts and report
if [ $have_gnuplot = yes ]; then
	bad=""
	for c in $CHARTS; do
		f="$TMP/cmp/plots/$c.png"
		[ "$(od -An -tx1 -j16 -N8 "$f" 2>/dev/null | tr -d ' \n')" = 0000050000000320 ] || bad="$bad $c.png"
		[ "$(head -c 5 "$TMP/cmp/plots/$c.pdf" 2>/dev/null)" = "%PDF-" ] || bad="$bad $c.pdf"
	done
	n=$(ls -A "$TMP/cmp/plots" | wc -l)
	[ -z "$bad" ] && [ "$n" -eq 8 ] && ok "4 charts as PNG (1280x800) and PDF, nothing else in plots/" ||
		not_ok "4 charts as PNG and PDF, nothing else" "bad:$bad; $(ls -A "$TMP/cmp/plots")"
	n=$(grep -o 'src="data:image/png;base64,' "$TMP/cmp/report.html" | wc -l)
	[ "$n" -eq 4 ] && ok "report.html inlines the 4 charts" || not_ok "report.html inlines the 4 charts" "found $n"
else
	skip "4 charts as PNG and PDF" "$NOGP"
	skip "report.html inlines the 4 charts" "$NOGP"
fi
grep -q '^## Machines$' "$TMP/cmp/report.md" && grep -q '^### node2$' "$TMP/cmp/report.md" &&
	grep -q '^| best blocked f64, GFLOP/s | [0-9.]* | [0-9.]* (2.00x) |$' "$TMP/cmp/report.md" &&
	ok "report.md: machines, the ratio table, each machine's section" ||
	not_ok "report.md: machines, the ratio table, each machine's section"
grep -q 'This comparison: `tkprofile compare a b --out cmp`' "$TMP/cmp/report.md" &&
	ok "report.md: the compare command to reproduce" || not_ok "report.md: the compare command to reproduce"
if grep -qiE '<script|<link|src="(https?:)?//' "$TMP/cmp/report.html"; then
	not_ok "compare's report.html references nothing outside itself"
else
	ok "compare's report.html references nothing outside itself"
fi

# ---- machines with little in common -------------------------------------------
copy "$MINIMAL" "$TMP/m"
expect_exit 0 "compare with a machine that has no hierarchy or ceilings" "$TKP_BIN" compare "$TMP/a" "$TMP/m" --out "$TMP/cmp2"
grep -q ',laptop_01,.*,best_gflops,,simd,f64,' "$TMP/cmp2/compare.csv" && ok "the common kernels are compared" ||
	not_ok "the common kernels are compared" "$(cat "$TMP/cmp2/compare.csv" | head)"
grep -q '^DRAM bandwidth, GB/s  *61  *-$' "$TMP/cmp2/compare.txt" && ok "what one machine lacks shows as -" ||
	not_ok "what one machine lacks shows as -" "$(grep DRAM "$TMP/cmp2/compare.txt")"

# ---- equal hosts: told apart by date, then directory ---------------------------
copy "$FIXTURE" "$TMP/run1"
copy "$FIXTURE" "$TMP/run2"
sed 's/"date": "2025-11-25T04:30:12Z"/"date": "2025-11-26T09:00:00Z"/' "$FIXTURE/machine.json" >"$TMP/run2/machine.json"
expect_exit 0 "compare two runs of one host" "$TKP_BIN" compare "$TMP/run1" "$TMP/run2" --out "$TMP/cmp3"
grep -q '^vm 2025-11-25,' "$TMP/cmp3/compare.csv" && grep -q '^vm 2025-11-26,' "$TMP/cmp3/compare.csv" &&
	ok "equal hosts: named by the date of their results" || not_ok "equal hosts: named by date" "$(cut -d, -f1 "$TMP/cmp3/compare.csv" | sort -u)"
copy "$FIXTURE" "$TMP/run3"
expect_exit 0 "compare two runs of one host at the same time" "$TKP_BIN" compare "$TMP/run1" "$TMP/run3" --out "$TMP/cmp4"
grep -q '^vm (run1),' "$TMP/cmp4/compare.csv" && grep -q '^vm (run3),' "$TMP/cmp4/compare.csv" &&
	ok "equal hosts and dates: named by directory" || not_ok "equal hosts and dates: named by directory" "$(cut -d, -f1 "$TMP/cmp4/compare.csv" | sort -u)"

# ---- the default --out: compare-<date>, in the current directory ------------------
mkdir "$TMP/cwd"
(cd "$TMP/cwd" && "$TKP_BIN" compare --quiet "$TMP/a" "$TMP/b" >/dev/null 2>&1)
d=$(ls "$TMP/cwd")
case $d in
compare-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]) [ -s "$TMP/cwd/$d/compare.csv" ] &&
	ok "default --out: compare-YYYYmmdd-HHMMSS ($d)" || not_ok "default --out" "$d" ;;
*) not_ok "default --out: compare-YYYYmmdd-HHMMSS" "got '$d'" ;;
esac

# ---- refused: exit 2, nothing written ---------------------------------------------
refused() { # refused "what" PATTERN ARGS...: exit 2, the message, no --out made
	_what=$1 _pat=$2
	shift 2
	rm -rf "$TMP/no"
	expect_exit 2 "$_what" "$TKP_BIN" compare "$@" --out "$TMP/no"
	grep_out "$_pat" "$_what: says why"
	[ ! -e "$TMP/no" ] && ok "$_what: nothing written" || not_ok "$_what: nothing written"
}
mkdir "$TMP/empty"
refused "a directory that is not a results directory" "empty: no sweep\.csv.*not a results directory" "$TMP/a" "$TMP/empty"
refused "a directory that does not exist" "nosuch" "$TMP/a" "$TMP/nosuch"
refused "the same directory twice" "same results directory" "$TMP/a" "$TMP/a/"
copy "$FIXTURE" "$TMP/cols"
cut -d, -f1-23,25- "$FIXTURE/sweep.csv" >"$TMP/cols/sweep.csv"
refused "sweep.csv with other columns" "sweep\.csv schemas differ: .*cols/sweep\.csv lacks 'rss_delta_mb'" "$TMP/a" "$TMP/cols"
expect_exit 0 "--allow-mixed: other columns compared anyway" "$TKP_BIN" compare --allow-mixed "$TMP/a" "$TMP/cols" --out "$TMP/mixed"
copy "$FIXTURE" "$TMP/v1"
copy "$FIXTURE" "$TMP/v2"
sed 's/^{/{\n  "schema": 1,\n  "tkprofile_version": "0.1.0",/' "$FIXTURE/machine.json" >"$TMP/v1/machine.json"
sed 's/^{/{\n  "schema": 1,\n  "tkprofile_version": "0.2.0",/' "$FIXTURE/machine.json" >"$TMP/v2/machine.json"
refused "results of two tkprofile versions" "different tkprofile versions: .*v1 by 0\.1\.0, .*v2 by 0\.2\.0" "$TMP/v1" "$TMP/v2"
expect_exit 0 "--allow-mixed: two versions compared anyway" "$TKP_BIN" compare --allow-mixed "$TMP/v1" "$TMP/v2" --out "$TMP/mixed2"
sed 's/"schema": 1/"schema": 2/' "$TMP/v1/machine.json" >"$TMP/v2/machine.json"
refused "machine.json schemas that differ" "machine\.json schemas differ: .*schema 1, .*schema 2" "$TMP/v1" "$TMP/v2"
mkdir "$TMP/honly"
cp "$FIXTURE/hierarchy.csv" "$TMP/honly/"
refused "nothing in common" "nothing in common to compare" "$TMP/m" "$TMP/honly"
expect_exit 2 "one directory" "$TKP_BIN" compare "$TMP/a"
expect_exit 2 "an unknown option" "$TKP_BIN" compare --colour "$TMP/a" "$TMP/b"
expect_exit 2 "an unknown chart format" "$TKP_BIN" compare --format gif "$TMP/a" "$TMP/b"

# --out that holds results: refused, untouched
cp "$TMP/cmp/compare.csv" "$TMP/keep.csv"
expect_exit 2 "--out that holds results" "$TKP_BIN" compare "$TMP/a" "$TMP/b" --out "$TMP/cmp"
grep_out "already holds results; refusing to overwrite" "--out that holds results: says so"
cmp -s "$TMP/keep.csv" "$TMP/cmp/compare.csv" && ok "--out that holds results: untouched" || not_ok "--out that holds results: untouched"
expect_exit 2 "--out a results directory being compared" "$TKP_BIN" compare "$TMP/a" "$TMP/b" --out "$TMP/a"
mkdir "$TMP/emptyout"
expect_exit 0 "--out an empty directory" "$TKP_BIN" compare --quiet "$TMP/a" "$TMP/b" --out "$TMP/emptyout"

# ---- no gnuplot: the table, the CSV and the report, a notice -----------------------
mkdir "$TMP/nogp"
expect_exit 0 "no gnuplot: not an error" env PATH="$TMP/nogp" "$TKP_BIN" compare "$TMP/a" "$TMP/b" --out "$TMP/cmp5"
grep_out "gnuplot not found.*apt-get install gnuplot-nox" "no gnuplot: the notice says how to install it"
[ -s "$TMP/cmp5/compare.csv" ] && [ "$(grep -c 'not drawn' "$TMP/cmp5/report.md")" -eq 4 ] &&
	ok "no gnuplot: compare.csv written, the report says the charts are missing" ||
	not_ok "no gnuplot: compare.csv and the report" "$(ls -A "$TMP/cmp5")"

expect_exit 0 "compare --help" "$TKP_BIN" compare --help
grep_out "compare.csv" "compare --help describes compare.csv"

# ---- hierarchical rooflines overlaid: a results directory with the added
# columns (ai_l2, ai_l3, counted_fraction) beside an older one (its marks
# per level from its misses): a panel per dtype, both machines' L2 marks
if [ $have_gnuplot = yes ]; then
	copy "$TKP_SRCDIR/tests/data/results-levels" "$TMP/lvl"
	copy "$FIXTURE" "$TMP/old"
	(cd "$TMP" && TKP_PLOT_KEEP=1 "$TKP_BIN" compare lvl old --allow-mixed --out cmplv >"$TMP/out" 2>&1) &&
		ok "compare a per-level directory with an older one" || not_ok "compare a per-level directory with an older one" "$(cat "$TMP/out")"
	kv=$(ls -d "$TMP/cmplv/plots"/.tmp-plot-*/compare_roofline.vars.gp 2>/dev/null | head -n 1)
	kd="${kv%.vars.gp}.dat"
	new=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 256 { printf "%.6g", $28 }' "$TMP/lvl/sweep.csv")
	old=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 1024 && $25 == "papi" { printf "%.6g", $19 / ($15 * 64) }' "$FIXTURE/sweep.csv")
	l2=$(awk '$3 == 5 { printf "%.6g\n", $1 }' "$kd" 2>/dev/null)
	if [ -n "$kv" ] && grep -q '^npanel = 2$' "$kv" && printf '%s\n' "$l2" | grep -qx "$new" &&
		printf '%s\n' "$l2" | grep -qx "$old" && grep -q "^sname\[1\] = 'naive'" "$kv"; then
		ok "compare roofline: a panel per dtype; naive's L2 marks from both (ai_l2 $new, older $old)"
	else
		not_ok "compare roofline: naive's L2 marks from both" "want $new and $old; have: $(echo $l2)"
	fi
	# a largest size without counts: its largest counted size dashed beside
	# it, as in one directory's roofline, and the note says what dashed is
	awk -F, -v OFS=, '$1 == "blocked" && $2 == "f64" && $4 == 256 { for (i = 13; i <= 18; i++) $i = ""; $22 = ""; $25 = "none"; $28 = $29 = $30 = "" } { print }' \
		"$TKP_SRCDIR/tests/data/results-levels/sweep.csv" >"$TMP/lvl/sweep.csv"
	(cd "$TMP" && TKP_PLOT_KEEP=1 "$TKP_BIN" compare lvl old --allow-mixed --out cmpfb >"$TMP/out" 2>&1)
	kv=$(ls -d "$TMP/cmpfb/plots"/.tmp-plot-*/compare_roofline.vars.gp 2>/dev/null | head -n 1)
	want=$(awk -F, '$1 == "blocked" && $2 == "f64" && $4 == 128 { printf "%.6g", $28 }' "$TMP/lvl/sweep.csv")
	if [ -n "$kv" ] && grep -q '^sdash\[[0-9]*\] = 2$' "$kv" && grep -q "^note = '.*dashed at the largest with counts" "$kv" &&
		awk '$3 == 5 { printf "%.6g\n", $1 }' "${kv%.vars.gp}.dat" | grep -qx "$want"; then
		ok "compare roofline: blocked's largest counted size (ai_l2 $want) dashed beside its uncounted largest"
	else
		not_ok "compare roofline: the largest counted size dashed beside an uncounted largest" "$(cat "$TMP/out"; grep -E '^(sdash|note)' "$kv" 2>&1)"
	fi
	rm -rf "$TMP/lvl" "$TMP/old" "$TMP/cmplv" "$TMP/cmpfb"
else
	skip "compare a per-level directory with an older one" "$NOGP"
	skip "compare roofline: naive's L2 marks from both" "$NOGP"
fi

done_testing
