#!/bin/sh
# cli_plot.sh - `tkprofile plot DIR`: every chart drawn from the fixture
# results directory (PNG 1280x800 and PDF, nothing else left in plots/),
# charts without data drawn as messages, no gnuplot (a notice, exit 0, CSV
# intact), malformed or truncated inputs (file:line, exit 2, nothing drawn),
# results directories with hostile names, and a gnuplot that fails or hangs.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

FIXTURE="$TKP_SRCDIR/tests/data/results-fixture"
MINIMAL="$TKP_SRCDIR/tests/data/results-minimal"
CHARTS="roofline perf speedup blocksize threads hierarchy cache"

# A writable copy of a fixture (distcheck's source tree is read-only).
copy() {
	rm -rf "$2"
	cp -R "$1" "$2"
	chmod -R u+w "$2"
}

# The bytes of a file as hex, from offset $2, $3 bytes.
hexbytes() {
	od -An -tx1 -j"$2" -N"$3" "$1" | tr -d ' \n'
}

# Checks DIR/plots holds exactly the charts in the formats given, each a
# non-empty file of the right kind; PNGs are 1280x800.
check_charts() {
	_dir=$1 _what=$2
	shift 2
	_bad="" _want=""
	for _c in $CHARTS; do
		for _e in "$@"; do
			_f="$_dir/plots/$_c.$_e"
			_want="$_want$_c.$_e
"
			if [ ! -s "$_f" ]; then
				_bad="$_bad missing or empty: $_c.$_e;"
				continue
			fi
			case $_e in
			png)
				[ "$(hexbytes "$_f" 0 8)" = 89504e470d0a1a0a ] || _bad="$_bad $_c.png: not a PNG;"
				# IHDR: width and height, big-endian, at offset 16
				[ "$(hexbytes "$_f" 16 8)" = 0000050000000320 ] ||
					_bad="$_bad $_c.png: not 1280x800 ($(hexbytes "$_f" 16 8));"
				;;
			pdf) [ "$(head -c 5 "$_f")" = "%PDF-" ] || _bad="$_bad $_c.pdf: not a PDF;" ;;
			svg) grep -q '<svg' "$_f" || _bad="$_bad $_c.svg: not an SVG;" ;;
			esac
		done
	done
	# nothing else: no temporary files or directories left behind
	_have=$(ls -A "$_dir/plots" | sort)
	_want=$(printf '%s' "$_want" | sort)
	[ "$_have" = "$_want" ] || _bad="$_bad unexpected files in plots/: $(echo $_have);"
	if [ -z "$_bad" ]; then ok "$_what"; else not_ok "$_what" "$_bad"; fi
}

have_gnuplot=yes
command -v gnuplot >/dev/null 2>&1 || have_gnuplot=no
NOGP="gnuplot not installed (apt-get install gnuplot-nox)"

# ---- the fixture: every chart ------------------------------------------
copy "$FIXTURE" "$TMP/res"
if [ $have_gnuplot = yes ]; then
	expect_exit 0 "plot the fixture" "$TKP_BIN" plot "$TMP/res"
	check_charts "$TMP/res" "every chart as PNG (1280x800) and PDF, nothing else in plots/" png pdf
	# plotting again replaces the charts in place
	expect_exit 0 "plot the same directory again" "$TKP_BIN" plot --quiet "$TMP/res"
	check_charts "$TMP/res" "charts replaced, no leftovers" png pdf
	copy "$FIXTURE" "$TMP/svg"
	expect_exit 0 "--format svg,png" "$TKP_BIN" plot --format svg,png "$TMP/svg"
	check_charts "$TMP/svg" "SVG and PNG charts" svg png
else
	for t in "plot the fixture" "charts" "plot again" "charts again" "--format svg" "svg charts"; do
		skip "$t" "$NOGP"
	done
fi
if cmp -s "$FIXTURE/sweep.csv" "$TMP/res/sweep.csv" && cmp -s "$FIXTURE/ceilings.csv" "$TMP/res/ceilings.csv" &&
	cmp -s "$FIXTURE/hierarchy.csv" "$TMP/res/hierarchy.csv"; then
	ok "plot leaves the CSV files as they were"
else
	not_ok "plot leaves the CSV files as they were"
fi

# ---- a sweep without blocks, threads, counters, ceilings or hierarchy ---
copy "$MINIMAL" "$TMP/min"
if [ $have_gnuplot = yes ]; then
	expect_exit 0 "plot a results directory with little in it" "$TKP_BIN" plot "$TMP/min"
	grep_out "failed verification" "rows that failed verification are reported"
	check_charts "$TMP/min" "every chart drawn, those without data as a message" png pdf
else
	skip "plot a results directory with little in it" "$NOGP"
	skip "rows that failed verification are reported" "$NOGP"
	skip "every chart drawn, those without data as a message" "$NOGP"
fi

# ---- no gnuplot: a notice, exit 0, the CSV intact ------------------------
mkdir "$TMP/nogp"
copy "$FIXTURE" "$TMP/res2"
expect_exit 0 "no gnuplot on PATH: not an error" env PATH="$TMP/nogp" "$TKP_BIN" plot "$TMP/res2"
grep_out "gnuplot.*apt-get install gnuplot-nox" "no gnuplot: the notice says how to install it"
if [ "$(grep -c gnuplot "$TMP/out")" -eq 1 ] && [ ! -e "$TMP/res2/plots" ] &&
	cmp -s "$FIXTURE/sweep.csv" "$TMP/res2/sweep.csv"; then
	ok "no gnuplot: one notice, no plots/, CSV intact"
else
	not_ok "no gnuplot: one notice, no plots/, CSV intact" "$(cat "$TMP/out")"
fi

# ---- malformed or truncated input: file:line, exit 2, nothing drawn ------
bad() { # bad FILE "what" PATTERN: the copy in $TMP/bad has FILE broken
	expect_exit 2 "$2" "$TKP_BIN" plot "$TMP/bad"
	grep_out "$3" "$2: the message names the file and line"
	if [ -e "$TMP/bad/plots" ]; then not_ok "$2: nothing drawn"; else ok "$2: nothing drawn"; fi
	copy "$FIXTURE" "$TMP/bad"
}
copy "$FIXTURE" "$TMP/bad"
head -c 3000 "$FIXTURE/sweep.csv" >"$TMP/bad/sweep.csv"
bad sweep.csv "truncated sweep.csv" "sweep\.csv:[0-9]+: .*truncated"
sed '7s/^\([^,]*,[^,]*,\)[0-9]*/\1x12/' "$FIXTURE/sweep.csv" >"$TMP/bad/sweep.csv"
bad sweep.csv "a size that is not a number" "sweep\.csv:7: column 'm'"
printf 'kernel,dtype,m\nnaive,f64,"64\n' >"$TMP/bad/sweep.csv"
bad sweep.csv "an unterminated quote" "sweep\.csv:2: unterminated"
cut -d, -f1-4 "$FIXTURE/ceilings.csv" >"$TMP/bad/ceilings.csv"
bad ceilings.csv "ceilings.csv without its value column" "ceilings\.csv:1: missing column 'value'"
head -c 1000 "$FIXTURE/hierarchy.csv" >"$TMP/bad/hierarchy.csv"
bad hierarchy.csv "truncated hierarchy.csv" "hierarchy\.csv:[0-9]+: "
head -c 200 "$FIXTURE/machine.json" >"$TMP/bad/machine.json"
bad machine.json "truncated machine.json" "machine\.json:[0-9]+:"
: >"$TMP/bad/sweep.csv"
bad sweep.csv "an empty sweep.csv" "sweep\.csv:1: empty file"

mkdir "$TMP/empty"
expect_exit 2 "a directory with no results" "$TKP_BIN" plot "$TMP/empty"
grep_out "not a results directory" "no results: says so"
expect_exit 2 "a results directory that does not exist" "$TKP_BIN" plot "$TMP/nonexistent"
expect_exit 2 "no directory given" "$TKP_BIN" plot
expect_exit 2 "two directories" "$TKP_BIN" plot "$TMP/res" "$TMP/res2"
expect_exit 2 "an unknown format" "$TKP_BIN" plot --format gif "$TMP/res2"
expect_exit 2 "an unknown option" "$TKP_BIN" plot --colour "$TMP/res2"

# ---- hostile directory names: drawn, nothing executed --------------------
odd1="$TMP/res dir 'single' \"double\" ;semi \$(touch pwned1) \`touch pwned2\` @at %s"
odd2="$TMP/new
line"
for d in "$odd1" "$odd2"; do
	copy "$FIXTURE" "$d"
done
if [ $have_gnuplot = yes ]; then
	(cd "$TMP" && "$TKP_BIN" plot --quiet "$odd1" >"$TMP/out" 2>&1) && ok "a path with quotes, spaces, \$(...) and backticks" ||
		not_ok "a path with quotes, spaces, \$(...) and backticks" "$(cat "$TMP/out")"
	check_charts "$odd1" "odd path: every chart drawn" png pdf
	(cd "$TMP" && "$TKP_BIN" plot --quiet "$odd2" >"$TMP/out" 2>&1) && ok "a path with a newline" ||
		not_ok "a path with a newline" "$(cat "$TMP/out")"
	check_charts "$odd2" "newline path: every chart drawn" png pdf
	if [ -e "$TMP/pwned1" ] || [ -e "$TMP/pwned2" ] || [ -e pwned1 ] || [ -e pwned2 ]; then
		not_ok "nothing in the path was executed"
	else
		ok "nothing in the path was executed"
	fi
else
	for t in "odd path" "odd path charts" "newline path" "newline path charts" "nothing executed"; do
		skip "$t" "$NOGP"
	done
fi

# ---- a gnuplot that fails or hangs --------------------------------------
mkdir "$TMP/fakebin"
cat >"$TMP/fakebin/gnuplot" <<'EOF'
#!/bin/sh
echo 'gnuplot> plot x' >&2
echo '"roofline.gp" line 12: undefined variable: nosuchvariable' >&2
exit 1
EOF
chmod +x "$TMP/fakebin/gnuplot"
copy "$FIXTURE" "$TMP/res3"
expect_exit 1 "gnuplot fails: exit 1" env PATH="$TMP/fakebin:$PATH" "$TKP_BIN" plot "$TMP/res3"
grep_out "roofline\.png: gnuplot failed" "gnuplot fails: which chart"
grep_out "undefined variable: nosuchvariable" "gnuplot fails: its stderr is shown"
if [ -z "$(ls -A "$TMP/res3/plots")" ]; then ok "gnuplot fails: no partial files"; else
	not_ok "gnuplot fails: no partial files" "$(ls -A "$TMP/res3/plots")"; fi

cat >"$TMP/fakebin/gnuplot" <<'EOF'
#!/bin/sh
sleep 60
EOF
copy "$FIXTURE" "$TMP/res4"
start=$(date +%s)
expect_exit 1 "gnuplot hangs: stopped" env TKP_PLOT_TIMEOUT=1 PATH="$TMP/fakebin:$PATH" "$TKP_BIN" plot "$TMP/res4"
took=$(($(date +%s) - start))
grep_out "did not finish in 1 s" "gnuplot hangs: the timeout is named"
if [ "$took" -le 20 ] && [ -z "$(ls -A "$TMP/res4/plots")" ]; then
	ok "gnuplot hangs: gives up at once (${took}s), leaves nothing"
else
	not_ok "gnuplot hangs: gives up at once, leaves nothing" "took ${took}s; $(ls -A "$TMP/res4/plots")"
fi

# The roofline of multi-thread ceilings also draws each dtype's best
# 1-thread peak, the roof most rungs run under: labelled "1T", on a dashed
# line of its own, or on the line of a roof within 4% of it (here f64
# avx512 1T, 108, shares 112's line: two labels there would overprint).
# Each dtype has its panel, so the labels name the ISA paths only.
if [ "$have_gnuplot" = yes ]; then
	copy "$FIXTURE" "$TMP/roof1"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot with the inputs kept" "$TKP_BIN" plot --format png "$TMP/roof1"
	vars=$(ls -d "$TMP/roof1/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)
	f64_1t=$(awk -F, '$1 == "peak" && $2 == "f64" && $4 == 1 && $7 == "measured" && $5 + 0 > b { b = $5 + 0 } END { print b }' "$TMP/roof1/ceilings.csv")
	if [ -n "$vars" ] && grep -q "^lab\[[0-9]*\] = '112 GFLOP/s  avx2, avx512 1T'" "$vars"; then
		ok "roofline: the best 1-thread f64 peak ($f64_1t) is labelled 1T, on the 2-thread roof within 4%"
	else
		not_ok "roofline: the best 1-thread f64 peak ($f64_1t) is labelled 1T" "$(grep -E '^(lab|segkind)' "$vars" 2>/dev/null)"
	fi
	# without the 2-thread rows, the 1-thread peaks are roofs of their own, dashed
	awk -F, '!($1 == "peak" && $4 == 2 && ($3 == "avx512" || $3 == "avx2"))' "$FIXTURE/ceilings.csv" >"$TMP/roof1/ceilings.csv"
	rm -rf "$TMP/roof1/plots"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot without the 2-thread SIMD peaks" "$TKP_BIN" plot --format png "$TMP/roof1"
	vars2=$(ls -d "$TMP/roof1/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)
	n3=$(grep -c '^segkind\[[0-9]*\] = 3$' "$vars2" 2>/dev/null || true)
	if grep -q "^lab\[[0-9]*\] = '108 GFLOP/s  avx512 1T'" "$vars2" 2>/dev/null && [ "${n3:-0}" -ge 1 ]; then
		ok "roofline: a 1-thread peak alone is a dashed roof ($n3)"
	else
		not_ok "roofline: a 1-thread peak alone is a dashed roof" "$(grep -E '^(lab|segkind)' "$vars2" 2>/dev/null)"
	fi
	# the fixture's naive stops at 1024; the others ran 2048 too
	if grep -q "^note = '.*naive did not run n = 2048, not shown'" "$(dirname "$vars2")/speedup.vars.gp"; then
		ok "speedup: the sizes naive did not run are named as not shown"
	else
		not_ok "speedup: the sizes naive did not run are named as not shown" "$(grep '^note' "$(dirname "$vars2")/speedup.vars.gp")"
	fi
	# perf: each point carries its spread, median time ± MAD, around it
	bad=$(awk 'NF && $1 !~ /^#/ { if (NF != 4 || !($3 <= $2 && $2 <= $4 && $3 > 0)) { print NR ": " $0; exit } }' "$(dirname "$vars2")/perf.dat")
	spread=$(awk 'NF == 4 && $4 > $3 { n++ } END { print n + 0 }' "$(dirname "$vars2")/perf.dat")
	if [ -z "$bad" ] && [ "$spread" -gt 0 ]; then ok "perf: every point has its bar (low <= GFLOP/s <= high; $spread with a spread)"
	else not_ok "perf: every point has its bar" "${bad:-no point has a spread}"; fi
	rm -rf "$TMP/roof1"
else
	skip "perf: every point has its bar" "gnuplot not installed"
	skip "speedup: the sizes naive did not run are named as not shown" "gnuplot not installed"
	skip "roofline: the best 1-thread f64 peak is a dashed roof of its own" "gnuplot not installed"
fi
# ---- compute labels clear of the kernels' marks ----------------------------
# tests/data/results-crowded: a quick simulated sweep of a 2-vCPU Xeon, whose
# compute-bound kernels sit on and just under the roofs: the 22.5 GFLOP/s
# scalar label and the f32 avx2 label were laid over three marks.  A mark
# within half a text line of a label's height must lie left or right of its
# text (its width from the panel's pixels per decade, as chart_roofline.c
# lays it out; blocks in the .dat are two blank lines apart).
if [ "$have_gnuplot" = yes ]; then
	copy "$TKP_SRCDIR/tests/data/results-crowded" "$TMP/crowd"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot the crowded fixture" "$TKP_BIN" plot --format png "$TMP/crowd"
	cv=$(ls -d "$TMP/crowd/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)
	hit=$(awk -F' = ' -v dat="${cv%.vars.gp}.dat" '
		/^segp\[/ { split($1, a, /[][]/); p[a[2]] = $2 } /^segkind\[/ { split($1, a, /[][]/); k[a[2]] = $2 }
		/^labx\[/ { split($1, a, /[][]/); lx[a[2]] = $2 } /^laby\[/ { split($1, a, /[][]/); ly[a[2]] = $2 }
		/^lab\[/ { split($1, a, /[][]/); t = $2; gsub(/^.|.$/, "", t); ln[a[2]] = length(t) }
		/^sp\[/ { split($1, a, /[][]/); sp[a[2]] = $2 } /^plm\[/ { split($1, a, /[][]/); lm[a[2]] = $2 }
		/^prm\[/ { split($1, a, /[][]/); rm[a[2]] = $2 } /^xmin = / { x0 = $2 } /^xmax = / { x1 = $2 }
		/^ymin = / { y0 = $2 } /^ymax = / { y1 = $2 }
		END {
			b = 1; e = 0
			while ((getline line < dat) > 0) {
				if (line == "") { if (++e == 2) { b++; e = 0 } continue }
				split(line, f, " "); if (f[1] != "NaN") { n++; mx[n] = f[1]; my[n] = f[2]; mp[n] = sp[b] }
			}
			ppd = (0.84 - 0.30) * 800 / (log(y1 / y0) / log(10)); h = 10 ^ (8 / ppd)
			for (i in lx) {
				if (k[i] == 2) continue
				w = 10 ^ ((8 * ln[i] + 12) / ((rm[p[i]] - lm[p[i]]) * 1280 / (log(x1 / x0) / log(10))))
				for (j = 1; j <= n; j++)
					if (mp[j] == p[i] && my[j] > ly[i] / h && my[j] < ly[i] * h && mx[j] > lx[i] && mx[j] < lx[i] * w)
						print "label " i " covers mark " mx[j] "," my[j]
			}
			if (!n || !length(lx)) print "no marks or no labels"
		}' "$cv")
	if [ -n "$cv" ] && [ -z "$hit" ]; then
		ok "roofline: no compute label covers a kernel's mark"
	else
		not_ok "roofline: no compute label covers a kernel's mark" "$hit"
	fi
	rm -rf "$TMP/crowd"
fi

# ---- the hierarchical roofline and the cache chart, per memory level -----
# tests/data/results-levels: simulated counts with the added columns (ai_l2,
# ai_l3, counted_fraction), f64 and f32, three sizes; naive's largest size
# sampled (12.5%) and without a single L3 miss; simd without counts.
LEVELS="$TKP_SRCDIR/tests/data/results-levels"
if [ "$have_gnuplot" = yes ]; then
	copy "$LEVELS" "$TMP/lv"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot the per-level fixture" "$TKP_BIN" plot --format png "$TMP/lv"
	kept=$(dirname "$(ls -d "$TMP/lv/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)")
	# the first block is naive f64 (f64's panel, ladder order) at n = 256
	row=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 256 { print $28, $29, $21, $12 }' "$LEVELS/sweep.csv")
	marks=$(awk 'NF == 0 { exit } { print }' "$kept/roofline.dat")
	got=$(printf '%s\n' "$marks" | awk -v want="$row" 'BEGIN { split(want, w, " ") }
		$3 == 5 && ($1 - w[1]) ^ 2 < (1e-6 * w[1]) ^ 2 { l2 = 1 }
		$3 == 9 && ($1 - w[2]) ^ 2 < (1e-6 * w[2]) ^ 2 { l3 = 1 }
		$3 == 6 && $1 == w[3] { m = 1 }
		$3 == 7 && $1 > 1000 { edge = 1 }
		$2 != w[4] { y = 1 }
		END { print l2 + 0, l3 + 0, m + 0, edge + 0, y + 0 }')
	if [ "$got" = "1 1 1 1 0" ]; then
		ok "roofline: naive f64 marked at sweep.csv's ai_l2, ai_l3, its model AI and (no L3 miss) the right edge, all at its GFLOP/s"
	else
		not_ok "roofline: naive f64's marks per level" "want ai_l2 ai_l3 ai_model gflops = $row; l2 l3 model edge off-y = $got; marks: $marks"
	fi
	vars="$kept/roofline.vars.gp"
	if grep -q '^npanel = 2$' "$vars" && grep -q "^pname\[2\] = 'f32'" "$vars" &&
		grep -q "^ptitle\[1\] = 'f64 · counts: simulated (sampled: naive 12.5%); model only: simd'" "$vars" &&
		grep -q '^szero\[1\] = 1$' "$vars" && grep -q '^nzero = [1-9]' "$vars"; then
		ok "roofline: a panel per dtype, titled with where the counts came from; no-traffic levels flagged"
	else
		not_ok "roofline: a panel per dtype, titled with where the counts came from" "$(grep -E '^(npanel|pname|ptitle|szero|nzero)' "$vars")"
	fi
	# compute labels inside their panel, none within a text line of another
	over=$(awk -F' = ' '/^segp\[/ { split($1, a, /[][]/); p[a[2]] = $2 } /^segkind\[/ { split($1, a, /[][]/); k[a[2]] = $2 }
		/^laby\[/ { split($1, a, /[][]/); y[a[2]] = $2 } /^ymin = / { lo = $2 } /^ymax = / { hi = $2 }
		END { for (i in y) { if (k[i] == 2) continue; if (y[i] > hi || y[i] < lo) print "outside: " i
			for (j in y) if (j != i && k[j] != 2 && p[i] == p[j] && y[i] / y[j] < 1.12 && y[i] >= y[j]) print "close: " i " " j } }' "$vars")
	if [ -z "$over" ]; then ok "roofline: compute labels inside the panel, apart"; else not_ok "roofline: compute labels inside the panel, apart" "$over"; fi
	# cache: every size, zero counts kept (a floor flag), crossings marked
	blk=$(awk 'NF == 0 { exit } { print }' "$kept/cache.dat")
	if [ "$(printf '%s\n' "$blk" | awk 'NF == 7' | wc -l)" -eq 3 ] &&
		printf '%s\n' "$blk" | awk '$1 == 64 && $3 == "NaN" && $6 == 1 { f = 1 } END { exit !f }'; then
		ok "cache: naive f64 at every size, its zero L2 count at n = 64 flagged for the floor"
	else
		not_ok "cache: naive f64 at every size, zero L2 flagged" "$blk"
	fi
	# blocked b = 64: three 64x64 f64 tiles (96 KiB) outgrow the 32 KiB L1 from n = 64
	if awk -F' = ' '/^crn\[/ { split($1, a, /[][]/); n[a[2]] = $2 } /^crl\[/ { split($1, a, /[][]/); l[a[2]] = $2 }
		END { for (j in n) if (n[j] == 64 && l[j] == 1) f = 1; exit !f }' "$kept/cache.vars.gp"; then
		ok "cache: the size where blocked's tiles outgrow L1 is marked"
	else
		not_ok "cache: the size where blocked's tiles outgrow L1 is marked" "$(grep -E '^(ncross|crn|crl|crs)' "$kept/cache.vars.gp")"
	fi
	# a largest size without counts (simulation limited to small sizes):
	# the largest counted size is drawn beside it, dashed, in one legend entry
	awk -F, -v OFS=, '$1 == "blocked" && $2 == "f64" && $4 == 256 { for (i = 13; i <= 18; i++) $i = ""; $22 = ""; $25 = "none"; $28 = $29 = $30 = "" } { print }' \
		"$LEVELS/sweep.csv" >"$TMP/lv/sweep.csv"
	rm -rf "$TMP/lv/plots"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot with blocked's largest size uncounted" "$TKP_BIN" plot --format png "$TMP/lv"
	kv=$(ls -d "$TMP/lv/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)
	want=$(awk -F, '$1 == "blocked" && $2 == "f64" && $4 == 128 { printf "%.6g", $28 }' "$LEVELS/sweep.csv")
	if grep -q "^sname\[[0-9]*\] = 'blocked (n = 256; dashed: counts at n = 128)'" "$kv" && grep -q '^sdash\[[0-9]*\] = 2$' "$kv" &&
		awk '$3 == 5 { printf "%.6g\n", $1 }' "${kv%.vars.gp}.dat" | grep -qx "$want"; then
		ok "roofline: blocked's largest counted size (n = 128, ai_l2 $want) drawn dashed beside its uncounted n = 256"
	else
		not_ok "roofline: blocked's largest counted size drawn beside its uncounted largest" "$(grep -E '^(sname|sdash)' "$kv")"
	fi
	# a DRAM intensity far past every ridge point (one L3 miss in a call whose
	# data stays in a big simulated L3) goes to the right edge as an arrow,
	# and the axis stays within 100x the farthest ridge or model intensity
	awk -F, -v OFS=, '$1 == "blocked" && $2 == "f64" && $4 == 256 { $17 = 1; $22 = $19 / 64 } { print }' \
		"$LEVELS/sweep.csv" >"$TMP/lv/sweep.csv"
	rm -rf "$TMP/lv/plots"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot with a DRAM intensity of 5e5" "$TKP_BIN" plot --format png "$TMP/lv"
	kv=$(ls -d "$TMP/lv/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)
	far=$(awk '$3 == 7 && $1 > 1e5' "${kv%.vars.gp}.dat" 2>/dev/null)
	if [ -n "$kv" ] && [ -z "$far" ] && awk -F' = ' '/^xmax = / { x = $2 } END { exit !(x > 0 && x < 1e5) }' "$kv"; then
		ok "roofline: a DRAM intensity far off the chart is an arrow at the edge, the axis stays short"
	else
		not_ok "roofline: a DRAM intensity far off the chart" "$(grep '^xmax' "$kv" 2>&1) $far"
	fi
	# an older results directory (no ai_l2/ai_l3 columns) still gets its
	# per-level marks, from the misses and machine.json's line size
	copy "$FIXTURE" "$TMP/old"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot an older results directory" "$TKP_BIN" plot --format png "$TMP/old"
	oldd=$(dirname "$(ls -d "$TMP/old/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)")
	l1=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 1024 && $25 == "papi" { printf "%.6g", $19 / ($15 * 64) }' "$FIXTURE/sweep.csv")
	if awk 'NF == 0 { exit } $3 == 5 { printf "%.6g\n", $1 }' "$oldd/roofline.dat" | grep -qx "$l1"; then
		ok "older sweep.csv: naive's L2 mark from l1_dcm × 64 B ($l1 FLOP/byte)"
	else
		not_ok "older sweep.csv: naive's L2 mark from l1_dcm × 64 B" "want $l1; $(head -n 5 "$oldd/roofline.dat")"
	fi
	rm -rf "$TMP/lv" "$TMP/old"
else
	for t in "per-level fixture" "naive's marks" "panels" "labels apart" "cache sizes" "cache crossings" "uncounted plot" "counted fallback" "older plot" "older marks"; do
		skip "$t" "$NOGP"
	done
fi
# the chart scripts draw only what tkprofile wrote from the CSV: no shell,
# no pipe, no file of their own
if grep -nE "system *\(|\`|[\"']<|^[[:space:]]*(load|call|stats)[[:space:]]|plot +['\"]" "$TKP_SRCDIR"/plots/*.gp | grep -vE '^[^:]*:[0-9]+:[[:space:]]*#' >"$TMP/gpread"; then
	not_ok "chart scripts read only tkprofile's data" "$(cat "$TMP/gpread")"
else
	ok "chart scripts read only tkprofile's data (no shell, pipe or file of their own)"
fi
done_testing
