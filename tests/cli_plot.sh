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
if [ "$have_gnuplot" = yes ]; then
	copy "$FIXTURE" "$TMP/roof1"
	TKP_PLOT_KEEP=1 expect_exit 0 "plot with the inputs kept" "$TKP_BIN" plot --format png "$TMP/roof1"
	vars=$(ls -d "$TMP/roof1/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)
	f64_1t=$(awk -F, '$1 == "peak" && $2 == "f64" && $4 == 1 && $7 == "measured" && $5 + 0 > b { b = $5 + 0 } END { print b }' "$TMP/roof1/ceilings.csv")
	if [ -n "$vars" ] && grep -q "^lab\[[0-9]*\] = '112 GFLOP/s  f64 avx2, f64 avx512 1T'" "$vars"; then
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
	if grep -q "^lab\[[0-9]*\] = '108 GFLOP/s  f64 avx512 1T'" "$vars2" 2>/dev/null && [ "${n3:-0}" -ge 1 ]; then
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
done_testing
