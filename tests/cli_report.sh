#!/bin/sh
# cli_report.sh - `tkprofile report DIR`: report.md and a self-contained
# report.html from the fixture results directory: every section, the
# summary's numbers as sweep.csv has them, every chart inlined (the bytes of
# plots/*.png, base64), nothing fetched, text from the data escaped; the
# command of the sweep kept across reports (command.txt, or an older
# report.md's record); bad input (exit 2, nothing written); and the page
# rendered by headless Chromium, which must load every image (SKIP where
# Chromium is absent).
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

FIXTURE="$TKP_SRCDIR/tests/data/results-fixture"
MINIMAL="$TKP_SRCDIR/tests/data/results-minimal"
CHARTS="roofline perf speedup blocksize threads hierarchy cache"

copy() {
	rm -rf "$2"
	cp -R "$1" "$2"
	chmod -R u+w "$2"
}

have_gnuplot=yes
command -v gnuplot >/dev/null 2>&1 || have_gnuplot=no
NOGP="gnuplot not installed (apt-get install gnuplot-nox)"

# ---- a sweep whose rows have no counters says so, and its cache chart's
# caption says it is only a notice -------------------------------------------
copy "$FIXTURE" "$TMP/noctr"
awk -F, 'BEGIN { OFS = "," } NR > 1 { $25 = "none"; for (i = 13; i <= 18; i++) $i = ""; $22 = "" } { print }' \
	"$FIXTURE/sweep.csv" >"$TMP/noctr/sweep.csv"
expect_exit 0 "report on rows without counters" "$TKP_BIN" report "$TMP/noctr"
if grep -qF 'No row has counters (counter\_source=none): cycles, instructions' "$TMP/noctr/report.md"; then
	ok "the summary names the empty counter columns"
else
	not_ok "the summary names the empty counter columns" "$(sed -n '/^## Summary/,/^## Machine/p' "$TMP/noctr/report.md" | tail -3)"
fi
if [ "$have_gnuplot" = no ]; then skip "the cache chart's caption says it only explains" "$NOGP"
elif grep -q "^No row of this sweep has counters" "$TMP/noctr/report.md"; then ok "the cache chart's caption says it only explains"
else not_ok "the cache chart's caption says it only explains" "$(grep -A3 'Cache behaviour' "$TMP/noctr/report.md")"; fi

# ---- rows that asked for 2 threads but kept one CPU busy are named --------
copy "$FIXTURE" "$TMP/fewthr"
awk -F, 'BEGIN { OFS = "," } NR > 1 && $7 == 2 && !done { $23 = 0.5; done = 1; print $1 " " $2 " " $3 "x" $4 "x" $5 >"/dev/stderr" } { print }' \
	"$FIXTURE/sweep.csv" >"$TMP/fewthr/sweep.csv" 2>"$TMP/fewthr.row"
set -- $(cat "$TMP/fewthr.row")
expect_exit 0 "report on a row that kept one of 2 threads busy" "$TKP_BIN" report --no-plots "$TMP/fewthr"
if grep -q "asked for several threads but kept about one CPU busy.*$1 $2 $3 on 2 threads (1.00 CPUs busy)" "$TMP/fewthr/report.md"; then
	ok "the report names it ($1 $2 $3)"
else
	not_ok "the report names it ($1 $2 $3)" "$(grep 'several threads' "$TMP/fewthr/report.md")"
fi
set --

# ---- the fixture: every section -----------------------------------------
copy "$FIXTURE" "$TMP/res"
expect_exit 0 "report on the fixture" "$TKP_BIN" report "$TMP/res"
if [ -s "$TMP/res/report.md" ] && [ -s "$TMP/res/report.html" ]; then ok "report.md and report.html written"
else not_ok "report.md and report.html written" "$(ls -la "$TMP/res")"; fi
md="$TMP/res/report.md"
# GFLOP/s by size: each cell the best over blocks and threads in sweep.csv
row_want=$(awk -F, 'NR > 1 && $1 == "blocked" && $2 == "f64" && $3 == $4 && $4 == $5 && $26 == 1 {
		if (!($3 in b) || $12 + 0 > b[$3]) b[$3] = $12 + 0; seen[$3] = 1 }
	END { n = 0; for (s in seen) sz[++n] = s + 0
		for (i = 2; i <= n; i++) for (j = i; j > 1 && sz[j - 1] > sz[j]; j--) { t = sz[j]; sz[j] = sz[j - 1]; sz[j - 1] = t }
		line = "| blocked |"; for (i = 1; i <= n; i++) line = line sprintf(" %.2f |", b[sz[i]]); print line }' "$FIXTURE/sweep.csv")
got=$(sed -n '/^## GFLOP\/s by size/,/^## Machine/p' "$md" | sed -n '/^### f64/,/^### /p' | grep '^| blocked |' | head -n 1)
case $got in
"$row_want"*) ok "GFLOP/s by size: blocked f64 is the best per size in sweep.csv" ;;
*) not_ok "GFLOP/s by size: blocked f64 is the best per size in sweep.csv" "want $row_want; got $got" ;;
esac
if grep -q "No row has counters" "$md"; then not_ok "rows with counters: no 'No row has counters'"
else ok "rows with counters: no 'No row has counters'"; fi
html="$TMP/res/report.html"
missing=""
for h in "## Summary" "## Machine" "## Ceilings" "## Charts" "## How to reproduce" "### Versions"; do
	grep -qxF "$h" "$md" || missing="$missing [$h]"
done
if [ -z "$missing" ]; then ok "report.md has every section"; else not_ok "report.md has every section" "missing:$missing"; fi
grep -q "AMD EPYC 9R45 (Zen 5, 2 vCPU)" "$md" && grep -q "32 KiB measured" "$md" &&
	ok "the machine comes from machine.json (CPU, measured L1d)" ||
	not_ok "the machine comes from machine.json" "$(sed -n '/## Machine/,/## Ceilings/p' "$md")"

# the summary: best GFLOP/s per kernel as sweep.csv has it (verified rows),
# and the speed-up over naive at the largest size naive ran
best=$(awk -F, 'NR > 1 && $1 == "blocked" && $2 == "f64" && $26 == 1 && $12 > b { b = $12 } END { printf "%.2f", b }' "$FIXTURE/sweep.csv")
if grep -q "^| blocked | $best |" "$md"; then ok "summary: best blocked f64 GFLOP/s is sweep.csv's ($best)"
else not_ok "summary: best blocked f64 GFLOP/s is sweep.csv's ($best)" "$(grep '^| blocked' "$md")"; fi
sp=$(awk -F, 'NR > 1 && $2 == "f64" && $26 == 1 && $3 == 1024 && $4 == 1024 && $5 == 1024 {
	if ($1 == "naive") n = $12; if ($1 == "blas" && $12 > b) b = $12 }
	END { printf "%.1fx", b / n }' "$FIXTURE/sweep.csv")
if grep "^| blas |" "$md" | head -1 | grep -q "| $sp |\$"; then ok "summary: blas speed-up over naive at 1024 is $sp"
else not_ok "summary: blas speed-up over naive at 1024 is $sp" "$(grep '^| blas' "$md")"; fi
grep -q "speed-up over naive at 1024x1024x1024" "$md" && ok "summary: says where speed-ups are measured" ||
	not_ok "summary: says where speed-ups are measured"

# ceilings: peaks per thread count, memory levels with latency
grep -q "^| f64 | avx512 | 108 | 221 |" "$md" && ok "ceilings: the f64 avx512 peaks at 1 and 2 threads" ||
	not_ok "ceilings: the f64 avx512 peaks" "$(sed -n '/## Ceilings/,/## Charts/p' "$md")"
grep -q "^| DRAM | - | - | .* ns | 37 | 61 |" "$md" && ok "ceilings: DRAM latency and bandwidth per thread count" ||
	not_ok "ceilings: DRAM latency and bandwidth" "$(grep '^| DRAM' "$md")"

# charts: inlined, the same bytes as plots/*.png
if [ $have_gnuplot = yes ]; then
	n=$(grep -o 'src="data:image/png;base64,' "$html" | wc -l)
	[ "$n" -eq 7 ] && ok "report.html inlines all 7 charts" || not_ok "report.html inlines all 7 charts" "found $n"
	n=$(grep -c '^!\[.*\](plots/[a-z]*\.png)$' "$md" || :)
	[ "$n" -eq 7 ] && ok "report.md links all 7 charts" || not_ok "report.md links all 7 charts" "found $n"
	# the first inlined image decodes to plots/roofline.png exactly
	sed -n 's/.*src="data:image\/png;base64,\([^"]*\)".*/\1/p' "$html" | head -1 | base64 -d >"$TMP/first.png" 2>/dev/null || :
	if cmp -s "$TMP/first.png" "$TMP/res/plots/roofline.png"; then ok "the inlined roofline is plots/roofline.png byte for byte"
	else not_ok "the inlined roofline is plots/roofline.png byte for byte"; fi
	bad=""
	for c in $CHARTS; do
		grep -q "^!\[.*\](plots/$c.png)" "$md" || bad="$bad $c"
	done
	[ -z "$bad" ] && ok "every chart has its entry" || not_ok "every chart has its entry" "missing:$bad"
else
	for t in "7 charts inlined" "7 charts linked" "inlined bytes" "every chart"; do skip "$t" "$NOGP"; done
fi
n=$(grep -c '^<figcaption>' "$html" || :)
[ "$n" -eq "$(grep -c 'data:image/png' "$html")" ] && ok "every chart has a caption" ||
	not_ok "every chart has a caption" "$n captions"

# self-contained: no scripts, no links out, a policy that allows none
if grep -qiE '<script|<link|<iframe|src="(https?:)?//|url\(' "$html"; then
	not_ok "report.html references nothing outside itself" "$(grep -oiE '<script|<link|<iframe|src="(https?:)?//[^"]*|url\([^)]*' "$html" | head -3)"
else
	ok "report.html references nothing outside itself"
fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'; img-src data:" "$html" &&
	ok "report.html forbids fetching anything (CSP)" || not_ok "report.html forbids fetching anything (CSP)"
grep -q '^<html lang="en">' "$html" && tail -1 "$html" | grep -q '^</html>$' &&
	ok "report.html is a whole document" || not_ok "report.html is a whole document"

# ---- a second report keeps the files' other contents ---------------------
cp "$TMP/res/sweep.csv" "$TMP/sweep.before"
expect_exit 0 "report again" "$TKP_BIN" report --quiet "$TMP/res"
[ ! -s "$TMP/out" ] && ok "--quiet: nothing printed" || not_ok "--quiet: nothing printed" "$(cat "$TMP/out")"
cmp -s "$TMP/sweep.before" "$TMP/res/sweep.csv" && ok "report leaves sweep.csv as it was" ||
	not_ok "report leaves sweep.csv as it was"
ls -A "$TMP/res" | grep -q '\.tmp' && not_ok "no temporary files left" "$(ls -A "$TMP/res")" ||
	ok "no temporary files left"

# ---- the command that made the results is kept ---------------------------
copy "$FIXTURE" "$TMP/cmd"
printf '# old report\n<!-- tkprofile-command: tkprofile sweep --profile quick --out results/x -->\n' >"$TMP/cmd/report.md"
expect_exit 0 "report where an earlier report recorded the command" "$TKP_BIN" report --no-plots "$TMP/cmd"
grep -q 'Measured with `tkprofile sweep --profile quick --out results/x`' "$TMP/cmd/report.md" &&
	grep -q '<code>tkprofile sweep --profile quick --out results/x</code>' "$TMP/cmd/report.html" &&
	ok "the recorded command is shown again" || not_ok "the recorded command is shown again" "$(grep -i measured "$TMP/cmd/report.md")"
# the sweep keeps it as data, command.txt, which later reports read first
(cd "$TMP" && "$TKP_BIN" sweep --sizes 8 --kernels naive --dtype f64 --no-plots --quiet --out sw >/dev/null 2>&1)
grep -qx 'tkprofile sweep --sizes 8 --kernels naive --dtype f64 --no-plots --quiet --out sw' "$TMP/sw/command.txt" &&
	ok "the sweep records its command in command.txt" || not_ok "the sweep records its command in command.txt" "$(cat "$TMP/sw/command.txt" 2>&1)"
printf 'tkprofile sweep --profile full --out results/y\n' >"$TMP/cmd/command.txt"
expect_exit 0 "report where command.txt holds the command" "$TKP_BIN" report --no-plots "$TMP/cmd"
grep -q 'Measured with `tkprofile sweep --profile full --out results/y`' "$TMP/cmd/report.md" &&
	ok "command.txt comes before an older report's record" || not_ok "command.txt comes before an older report's record" "$(grep -i measured "$TMP/cmd/report.md")"

# ---- --no-plots and a directory without charts ---------------------------
copy "$MINIMAL" "$TMP/min"
expect_exit 0 "--no-plots: report without charts" "$TKP_BIN" report --no-plots "$TMP/min"
n=$(grep -c 'not drawn' "$TMP/min/report.md" || :)
[ "$n" -eq 7 ] && [ ! -e "$TMP/min/plots" ] && ok "--no-plots: 7 charts said to be missing, none drawn" ||
	not_ok "--no-plots: 7 charts said to be missing, none drawn" "$n; $(ls -A "$TMP/min")"
grep -q 'FAILED verification' "$TMP/min/report.md" && ok "rows that failed verification are reported" ||
	not_ok "rows that failed verification are reported"
grep -q 'No ceilings were measured' "$TMP/min/report.md" && ok "no ceilings: says so and what to run" ||
	not_ok "no ceilings: says so and what to run"
if [ $have_gnuplot = yes ]; then
	copy "$MINIMAL" "$TMP/min2"
	expect_exit 0 "charts missing: drawn first" "$TKP_BIN" report "$TMP/min2"
	[ -s "$TMP/min2/plots/perf.png" ] && [ "$(grep -c 'data:image/png' "$TMP/min2/report.html")" -eq 7 ] &&
		ok "charts missing: drawn and inlined" || not_ok "charts missing: drawn and inlined"
else
	skip "charts missing: drawn first" "$NOGP"
	skip "charts missing: drawn and inlined" "$NOGP"
fi

# ---- text from the data is escaped ---------------------------------------
copy "$MINIMAL" "$TMP/esc"
sed 's/^simd,/"<img src=x onerror=alert(1)>|*k_1*",/' "$MINIMAL/sweep.csv" >"$TMP/esc/sweep.csv"
sed 's/"laptop_01"/"<b>host<\/b> \&amp;"/' "$MINIMAL/machine.json" >"$TMP/esc/machine.json"
expect_exit 0 "report on data holding markup" "$TKP_BIN" report --no-plots "$TMP/esc"
if grep -q '<img src=x' "$TMP/esc/report.html" || grep -q '<b>host' "$TMP/esc/report.html"; then
	not_ok "HTML: markup from the data is escaped" "$(grep -n 'img src=x\|<b>host' "$TMP/esc/report.html" | head -3)"
elif grep -q '&lt;img src=x onerror=alert(1)&gt;|\*k_1\*' "$TMP/esc/report.html" && grep -q '&lt;b&gt;host' "$TMP/esc/report.html"; then
	ok "HTML: markup from the data is escaped"
else
	not_ok "HTML: markup from the data is escaped" "$(grep -n 'onerror\|host' "$TMP/esc/report.html" | head -3)"
fi
grep -qF '| \<img src=x onerror=alert(1)\>\|\*k\_1\* |' "$TMP/esc/report.md" &&
	ok "Markdown: the kernel name stays one table cell, literally" ||
	not_ok "Markdown: the kernel name stays one table cell" "$(grep -n onerror "$TMP/esc/report.md")"

# ---- bad input: exit 2, nothing written ----------------------------------
mkdir "$TMP/empty"
expect_exit 2 "a directory with no results" "$TKP_BIN" report "$TMP/empty"
grep_out "not a results directory" "no results: says so"
[ -z "$(ls -A "$TMP/empty")" ] && ok "no results: nothing written" || not_ok "no results: nothing written"
copy "$FIXTURE" "$TMP/bad"
head -c 3000 "$FIXTURE/sweep.csv" >"$TMP/bad/sweep.csv"
expect_exit 2 "truncated sweep.csv" "$TKP_BIN" report --no-plots "$TMP/bad"
grep_out "sweep\.csv:[0-9]+: " "truncated sweep.csv: file and line"
[ ! -e "$TMP/bad/report.md" ] && [ ! -e "$TMP/bad/report.html" ] && ok "truncated sweep.csv: no report" ||
	not_ok "truncated sweep.csv: no report"
expect_exit 2 "no directory" "$TKP_BIN" report
expect_exit 2 "two directories" "$TKP_BIN" report "$TMP/res" "$TMP/min"
expect_exit 2 "an unknown option" "$TKP_BIN" report --pdf "$TMP/res"
expect_exit 2 "a directory that does not exist" "$TKP_BIN" report "$TMP/nonexistent"
expect_exit 0 "report --help" "$TKP_BIN" report --help
grep_out "report.html" "report --help describes the report"
"$TKP_BIN" help report >"$TMP/help2"
cmp -s "$TMP/out" "$TMP/help2" && ok "help report = report --help" || not_ok "help report = report --help"

# ---- a hostile directory name ----------------------------------------------
odd="$TMP/odd 'q' \"d\" \$(touch pwned) \`touch pwned2\` <b>&"
copy "$FIXTURE" "$odd"
(cd "$TMP" && "$TKP_BIN" report --no-plots "$odd" >"$TMP/out" 2>&1) && [ -s "$odd/report.html" ] &&
	ok "a directory named with quotes, \$(...), backticks and <b>&" ||
	not_ok "a directory named with quotes, \$(...), backticks and <b>&" "$(cat "$TMP/out")"
[ ! -e "$TMP/pwned" ] && [ ! -e "$TMP/pwned2" ] && ok "nothing in the name was executed" ||
	not_ok "nothing in the name was executed"
grep -q "tkprofile plot '$TMP/odd '\\\\''q'\\\\'' " "$odd/report.md" &&
	ok "commands in the report quote the directory for the shell" ||
	not_ok "commands in the report quote the directory for the shell" "$(grep -m1 'tkprofile plot' "$odd/report.md")"

# ---- headless Chromium: the page loads with every image ------------------
CHROMIUM=""
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then CHROMIUM=$b; break; fi
done
NOCHR="Chromium not installed (Debian: apt-get install chromium)"
if [ -z "$CHROMIUM" ]; then
	for t in "screenshot" "screenshot size" "screenshot content" "dump-dom" "images loaded"; do skip "$t" "$NOCHR"; done
elif [ $have_gnuplot = no ]; then
	for t in "screenshot" "screenshot size" "screenshot content" "dump-dom" "images loaded"; do skip "$t" "$NOGP"; done
else
	chromium_run() { # chromium_run USERDIR ARGS...: headless, offline, bounded
		_ud=$1
		shift
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--disable-dev-shm-usage --user-data-dir="$_ud" "$@"
	}
	if chromium_run "$TMP/ud1" --screenshot="$TMP/shot.png" --window-size=1280,2000 \
		"file://$html" >"$TMP/chr.log" 2>&1 && [ -s "$TMP/shot.png" ]; then
		ok "Chromium renders report.html to a screenshot"
	else
		not_ok "Chromium renders report.html to a screenshot" "$(tail -5 "$TMP/chr.log")"
	fi
	# IHDR: 1280 x 2000
	if [ "$(od -An -tx1 -j16 -N8 "$TMP/shot.png" 2>/dev/null | tr -d ' \n')" = "00000500000007d0" ]; then
		ok "the screenshot is 1280x2000"
	else
		not_ok "the screenshot is 1280x2000" "$(od -An -tx1 -j16 -N8 "$TMP/shot.png" 2>/dev/null)"
	fi
	# a blank or error page compresses to a few KiB; text, tables and a chart do not
	sz=$(wc -c <"$TMP/shot.png")
	[ "$sz" -gt 60000 ] && ok "the screenshot shows content ($sz bytes)" ||
		not_ok "the screenshot shows content" "$sz bytes"
	# the same page, with a script allowed to count the images that loaded
	sed -e "s/default-src 'none';/default-src 'none'; script-src 'unsafe-inline';/" \
		-e 's|</body>|<script>window.addEventListener("load", function () { var im = document.images, ok = 0; for (var i = 0; i < im.length; i++) if (im[i].complete \&\& im[i].naturalWidth === 1280 \&\& im[i].src.indexOf("data:image/png;base64,") === 0) ok++; var p = document.createElement("p"); p.id = "tkp-check"; p.textContent = "TKP-IMAGES " + ok + " of " + im.length; document.body.appendChild(p); });</script></body>|' \
		"$html" >"$TMP/check.html"
	if chromium_run "$TMP/ud2" --virtual-time-budget=10000 --dump-dom "file://$TMP/check.html" \
		>"$TMP/dom.html" 2>"$TMP/chr.log"; then
		ok "Chromium dumps the DOM"
	else
		not_ok "Chromium dumps the DOM" "$(tail -5 "$TMP/chr.log")"
	fi
	if grep -q 'TKP-IMAGES 7 of 7' "$TMP/dom.html"; then ok "all 7 charts loaded (1280 px wide each)"
	else not_ok "all 7 charts loaded" "$(grep -o 'TKP-IMAGES[^<]*' "$TMP/dom.html" || echo 'no marker')"; fi
fi

# ---- what bounds each kernel (src/present/bound.c) ------------------------
# results-levels: naive f64 at n = 256 moves FLOPs / ai_l2 bytes from L2
# (1-thread L2 bandwidth 177 GB/s): that roof is below L3's, DRAM has no
# traffic, and compute is far above; blocked f64 reaches the compute roof
# first; simd has no counts: the model's intensity against DRAM.
copy "$TKP_SRCDIR/tests/data/results-levels" "$TMP/lv"
expect_exit 0 "report of the per-level fixture" "$TKP_BIN" report "$TMP/lv"
lvmd="$TMP/lv/report.md"
pct=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 256 { r = 177 * $28; printf "%.0f%%", 100 * $12 / r }' "$TMP/lv/sweep.csv")
if grep -q '^## What bounds each kernel' "$lvmd" &&
	grep -q "^- naive f64 at n = 256 is bound by L2 bandwidth: 177 GB/s (1 thread) × .* it reaches $pct of it (0.9 GFLOP/s; counts simulated, sampled at 12.5%; no traffic at DRAM)\.$" "$lvmd"; then
	ok "bound: naive f64 is L2-bound, $pct of that roof, sampled at 12.5%, no DRAM traffic"
else
	not_ok "bound: naive f64 is L2-bound" "want $pct; $(grep -A 12 '^## What bounds' "$lvmd")"
fi
if grep -q '^- blocked f64 at n = 256 is bound by compute: the 108 GFLOP/s avx512 peak (1 thread); it reaches 37% of it (40 GFLOP/s; counts simulated)\.$' "$lvmd" &&
	grep -q '^- simd f64 at n = 256 is bound by compute: .*no counts: the model' "$lvmd" &&
	grep -q '^| naive | f64 | 256x256x256 | L2 | ' "$lvmd"; then
	ok "bound: blocked f64 compute-bound; simd judged by the model; the table agrees"
else
	not_ok "bound: blocked f64 compute-bound; simd by the model" "$(grep -E '^(- |\| (naive|blocked|simd) \| f64)' "$lvmd")"
fi
# a largest size beyond the simulated ones (blocked f64 at 512, no counts)
# is judged by the largest counted size's intensities, and says so
copy "$TKP_SRCDIR/tests/data/results-levels" "$TMP/lv2"
awk -F, -v OFS=, '$1 == "blocked" && $2 == "f64" && $4 == 256 {
	$3 = $4 = $5 = 512; $12 = 41; for (i = 13; i <= 18; i++) $i = ""; $22 = ""; $25 = "none"
	$19 = 2 * 512 ^ 3; $20 = 3 * 512 ^ 2 * 8; $21 = $19 / $20; $9 = $10 = $19 / 41e9
	$28 = $29 = $30 = ""; print }' "$TMP/lv2/sweep.csv" >"$TMP/lv2/extra"
cat "$TMP/lv2/extra" >>"$TMP/lv2/sweep.csv"
expect_exit 0 "report with an uncounted largest size" "$TKP_BIN" report "$TMP/lv2"
if grep -q '^- blocked f64 at n = 512 is bound by compute: .*(41 GFLOP/s; counts at n = 256: simulated)\.$' "$TMP/lv2/report.md" &&
	grep -q '^| blocked | f64 | 512x512x512 | compute | .* | simulated (at 256x256x256) |$' "$TMP/lv2/report.md"; then
	ok "bound: an uncounted largest size is judged by the largest counted size, named"
else
	not_ok "bound: an uncounted largest size" "$(grep -E '^(- blocked|\| blocked)' "$TMP/lv2/report.md")"
fi
# a kernel above its roof: one of the two figures is off, and the sentence says so
copy "$TKP_SRCDIR/tests/data/results-levels" "$TMP/lv3"
awk -F, -v OFS=, 'NR > 1 && $1 == "naive" && $2 == "f64" && $4 == 256 { $12 = 2 * 177 * $28 } { print }' \
	"$TKP_SRCDIR/tests/data/results-levels/sweep.csv" >"$TMP/lv3/sweep.csv"
expect_exit 0 "report with a kernel above its roof" "$TKP_BIN" report "$TMP/lv3"
if grep -q '^- naive f64 at n = 256 is bound by L2 bandwidth: .* it reaches 200% of it .* Above its roof: the probe.s bandwidth reads low' "$TMP/lv3/report.md" &&
	! grep -q '^- blocked f64 .*Above its roof' "$TMP/lv3/report.md"; then
	ok "bound: a kernel at 200% of its roof is called out, one below it is not"
else
	not_ok "bound: a kernel above its roof" "$(grep -E '^- (naive|blocked) f64' "$TMP/lv3/report.md")"
fi
# an older directory without ceilings has no roofs to judge: no section
copy "$MINIMAL" "$TMP/nob"
expect_exit 0 "report without ceilings.csv" "$TKP_BIN" report "$TMP/nob"
if grep -q 'What bounds' "$TMP/nob/report.md"; then not_ok "no ceilings: no bounds section"; else ok "no ceilings: no bounds section"; fi
# the sweep summary quotes the same sentences as the report (one source)
expect_exit 0 "a tiny sweep" "$TKP_BIN" sweep --kernels naive --sizes 32 --dtype f64 --threads 1 --min-time 0 --counters none --no-plots --quiet --out "$TMP/tiny"
sent=$(grep '^- naive f64 at n = 32 is bound by' "$TMP/tiny/report.md" | sed 's/^- //')
if [ -n "$sent" ] && grep -qF "  $sent" "$TMP/tiny/summary.txt" && grep -q '^What bounds each kernel' "$TMP/tiny/summary.txt"; then
	ok "summary.txt says what bounds each kernel, in the report's words"
else
	not_ok "summary.txt says what bounds each kernel, in the report's words" "report: $sent; summary: $(tail -n 4 "$TMP/tiny/summary.txt")"
fi

done_testing
