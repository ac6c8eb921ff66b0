#!/bin/sh
# cli_check.sh - `tkprofile counters --check`: against the simulator
# (exact: every ratio counted is 1.00, what it cannot count listed as not
# counted, AVX-512 skipped), its verdicts shown by plain `tkprofile
# counters` afterwards, the forced-PMU path (perf_event enabled, opening
# fails: the real cause named, not "no such event"), and bad input.
. "$(dirname "$0")/setup.sh"

XDG_CACHE_HOME="$TMP/cache"
export XDG_CACHE_HOME

# ---- the simulator: exact ----------------------------------------------------
if ! command -v valgrind >/dev/null 2>&1 || ! valgrind --version >/dev/null 2>&1; then
	for w in "passes under sim" "every counted ratio is 1.00" "not counted is not failed" \
		"AVX-512 skipped under sim" "counters shows the verdicts"; do
		skip "$w" "valgrind absent"
	done
else
	expect_exit 0 "counters --check --quick --counters sim" "$TKP_BIN" counters --check --quick --counters sim
	cp "$TMP/out" "$TMP/sim"
	for m in instructions l1_dcm l2_dcm l3_tcm; do
		grep_out "^  $m +pass" "$m passes under sim"
	done
	# every item with a ratio: 1.00, pass
	bad=$(grep -E '^(instructions|l1_dcm|l2_dcm|l3_tcm) ' "$TMP/sim" | grep -vE ' (1\.00|-)  pass ' || true)
	rows=$(grep -cE '^(instructions|l1_dcm|l2_dcm|l3_tcm) .* 1\.00  pass' "$TMP/sim" || true)
	if [ -z "$bad" ] && [ "$rows" -ge 4 ]; then ok "every counted ratio is 1.00 ($rows rows)"
	else not_ok "every counted ratio is 1.00 ($rows rows)" "$bad$(cat "$TMP/sim")"; fi
	grep_out '^  cycles +not counted: not simulated' "not counted is not failed: cycles, with why"
	grep_out '^  fp_ops +not counted' "fp_ops not counted"
	grep_out '^fp_ops +f64 512-bit fma .* skipped' "AVX-512 skipped under sim"
	grep_out '^\[[0-9]\] valgrind cannot run AVX-512' "and says why"
	grep_out '^4 metrics pass, 0 off' "the summary line"
	expect_exit 0 "counters afterwards" "$TKP_BIN" counters
	grep_out '^Last counter check \(sim, ' "counters shows the last check"
	grep_out '^  l2_dcm +pass' "with each metric's verdict"
fi

# ---- hardware counters that cannot open ---------------------------------------
if ! "$TKP_BIN" --version | grep -q 'features:.* papi'; then
	skip "forced PMU: the real cause" "built without PAPI"
elif ls /sys/bus/event_source/devices 2>/dev/null | grep -qE '^(cpu|cpu_core)$'; then
	skip "forced PMU: the real cause" "this machine has a CPU PMU"
else
	expect_exit 1 "forced Zen 3 PMU, --counters papi" env LIBPFM_FORCE_PMU=amd64_fam19h_zen3 \
		"$TKP_BIN" counters --check --quick --counters papi
	grep_out 'no CPU PMU|perf_event_open|perf_event' "names the real cause"
	if grep -qi 'no such event' "$TMP/out"; then not_ok "not \"no such event\"" "$(cat "$TMP/out")"
	else ok "not \"no such event\""; fi
	expect_exit 0 "auto without counters: every metric not counted" "$TKP_BIN" counters --check --quick
	grep_out '^  instructions +not counted: .*PMU' "not counted, with the cause"
	grep_out '^0 metrics pass, 0 off' "nothing failed"
fi

# ---- a sweep's check, read back: failed metrics left out of the charts ----------
FIXTURE="$TKP_SRCDIR/tests/data/results-fixture"
cp -R "$FIXTURE" "$TMP/res"
chmod -R u+w "$TMP/res"
sed 's/^  "counters": {/  "counters": { "check": { "source": "papi", "quick": true, "date": "2026-01-01T00:00:00Z", "seconds": 1.5, "metrics": { "cycles": "pass", "instructions": "pass", "l1_dcm": "off", "l2_dcm": "pass", "l3_tcm": "pass", "fp_ops": "pass" }, "why": { "l1_dcm": "L1 stream 4 MiB: reads 0: counters virtualised away" } },/' \
	"$FIXTURE/machine.json" >"$TMP/res/machine.json"
expect_exit 0 "report on a sweep whose l1_dcm failed the check" "$TKP_BIN" report --no-plots "$TMP/res"
grep_out 'l1_dcm failed the counter check before the sweep .*left out of the charts' "a note says l1_dcm is left out"
if grep -qE 'counter check.*l1\\?_dcm off \(L1 stream 4 MiB: reads 0.*left out of the charts: l1\\?_dcm' "$TMP/res/report.md"; then
	ok "the report says which metrics passed and which were left out"
else
	not_ok "the report says which metrics passed and which were left out" "$(grep -i 'counter' "$TMP/res/report.md")"
fi
if command -v gnuplot >/dev/null 2>&1; then
	# the fixture has no ai_l2 column: naive's L2 mark comes from l1_dcm,
	# and goes with it
	l1=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 1024 && $25 == "papi" { printf "%.6g", $19 / ($15 * 64) }' "$FIXTURE/sweep.csv")
	TKP_PLOT_KEEP=1 expect_exit 0 "plot it" "$TKP_BIN" plot --format png "$TMP/res"
	d=$(dirname "$(ls -d "$TMP/res/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)")
	if [ -f "$d/roofline.dat" ] && ! awk 'NF == 0 { exit } $3 == 5 { printf "%.6g\n", $1 }' "$d/roofline.dat" | grep -qx "$l1"; then
		ok "roofline: no mark from the failed l1_dcm ($l1)"
	else
		not_ok "roofline: no mark from the failed l1_dcm ($l1)" "$(head -n 5 "$d/roofline.dat" 2>&1)"
	fi
	cmp -s "$FIXTURE/sweep.csv" "$TMP/res/sweep.csv" && ok "sweep.csv untouched: the cells stay" || not_ok "sweep.csv untouched"
	# with the ai_l2 column (results-levels): that column is l1_dcm's
	# traffic (L1 to L2) and goes with it too; ai_l3 (from l2_dcm) stays
	LV="$TKP_SRCDIR/tests/data/results-levels"
	cp -R "$LV" "$TMP/lv" && chmod -R u+w "$TMP/lv"
	sed 's/^  "counters": {/  "counters": { "check": { "source": "sim", "metrics": { "l1_dcm": "off", "l2_dcm": "pass" } },/' \
		"$LV/machine.json" >"$TMP/lv/machine.json"
	l2=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 256 { printf "%.6g", $28 }' "$LV/sweep.csv")
	l3=$(awk -F, '$1 == "naive" && $2 == "f64" && $4 == 256 { printf "%.6g", $29 }' "$LV/sweep.csv")
	TKP_PLOT_KEEP=1 expect_exit 0 "plot a per-level directory whose l1_dcm failed" "$TKP_BIN" plot --format png "$TMP/lv"
	d=$(dirname "$(ls -d "$TMP/lv/plots"/.tmp-plot-*/roofline.vars.gp 2>/dev/null | head -n 1)")
	marks=$(awk 'NF == 0 { exit } { print $3, sprintf("%.6g", $1) }' "$d/roofline.dat" 2>/dev/null)
	if [ -n "$marks" ] && ! printf '%s\n' "$marks" | grep -qx "5 $l2" && printf '%s\n' "$marks" | grep -qx "9 $l3"; then
		ok "roofline: ai_l2 ($l2) leaves with the failed l1_dcm, ai_l3 ($l3) stays"
	else
		not_ok "roofline: ai_l2 leaves with the failed l1_dcm, ai_l3 stays" "want no 5 $l2, a 9 $l3: $marks"
	fi
else
	skip "roofline: no mark from the failed l1_dcm" "gnuplot not installed"
	skip "sweep.csv untouched" "gnuplot not installed"
fi

# ---- bad input ------------------------------------------------------------------
expect_exit 2 "--check with an unknown option" "$TKP_BIN" counters --check --bogus
grep_out "'--bogus'" "names the option"
expect_exit 2 "--check --counters bogus" "$TKP_BIN" counters --check --counters bogus
expect_exit 2 "--check-child with a malformed spec" "$TKP_BIN" counters --check-child 'walk,1'
"$TKP_BIN" counters --help >"$TMP/out" 2>&1 || true
grep_out '^  --check ' "--help describes --check"

done_testing
