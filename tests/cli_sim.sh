#!/bin/sh
# cli_sim.sh - `--counters sim` (valgrind's cache model) from the command
# line: refused with the install line when valgrind is missing; with it,
# `run` fills the cache columns with counter_source=sim, and a sweep
# simulates the rows up to sim_max_size only, saying which, and saves the
# cap in plan.prof.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

col() { # col NAME FILE: value of column NAME in the first data row
	awk -F, -v want="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==want) c=i} NR==2{print $c}' "$2"
}

# ---- without valgrind: a clear refusal, exit 2, nothing written
mkdir "$TMP/nobin"
expect_exit 2 "run --counters sim without valgrind" env PATH="$TMP/nobin" "$TKP_BIN" run --kernel naive --size 16 --counters sim
grep_out "valgrind not found.*apt-get install valgrind" "the message names the install line"
expect_exit 2 "sweep --counters sim without valgrind" env PATH="$TMP/nobin" "$TKP_BIN" sweep --kernels naive --sizes 16 --counters sim --no-plots --out "$TMP/nov"
if [ -e "$TMP/nov" ]; then not_ok "no results directory made"; else ok "no results directory made"; fi

# ---- bad values
expect_exit 2 "--counters papi,sim is refused" "$TKP_BIN" run --kernel naive --size 16 --counters papi,sim
grep_out "expected auto, papi, sim, auto,sim or none" "the message lists the choices"
printf '[sweep]\nsim_max_size = 0\n' >"$TMP/zero.prof"
expect_exit 2 "sim_max_size = 0 is refused" "$TKP_BIN" sweep --profile "$TMP/zero.prof" --out "$TMP/z"
grep_out "zero.prof:2: sim_max_size = 0: .*at least 1" "with file and line"

if ! command -v valgrind >/dev/null 2>&1; then
	skip "simulated runs" "valgrind not installed (apt-get install valgrind)"
	done_testing
	exit $?
fi

# ---- run
expect_exit 0 "run naive 64 --counters sim" "$TKP_BIN" run --kernel naive --size 64 --counters sim --format csv --min-time 0.01
grep -v '^tkprofile:' "$TMP/out" >"$TMP/run.csv"
if [ "$(col counter_source "$TMP/run.csv")" = sim ]; then ok "counter_source=sim"; else not_ok "counter_source=sim" "$(cat "$TMP/run.csv")"; fi
filled=yes
for c in instructions l1_dcm l2_dcm l3_tcm; do
	case $(col $c "$TMP/run.csv") in ''|*[!0-9]*) filled="no ($c)" ;; esac
done
if [ "$filled" = yes ]; then ok "instructions, l1_dcm, l2_dcm, l3_tcm filled"; else not_ok "simulated columns filled: $filled" "$(cat "$TMP/run.csv")"; fi
if [ -z "$(col cycles "$TMP/run.csv")" ] && [ -z "$(col fp_ops "$TMP/run.csv")" ]; then ok "cycles and fp_ops empty (not simulated)"; else not_ok "cycles and fp_ops empty" "$(cat "$TMP/run.csv")"; fi
if [ "$(col verified "$TMP/run.csv")" = 1 ] && [ -n "$(col time_s "$TMP/run.csv")" ]; then ok "timing and verification from the native run"; else not_ok "timing and verification kept" "$(cat "$TMP/run.csv")"; fi

expect_exit 0 "run --counters auto,sim" "$TKP_BIN" run --kernel blocked --size 32 --counters auto,sim --format csv --min-time 0.01
grep -v '^tkprofile:' "$TMP/out" >"$TMP/auto.csv"
case $(col counter_source "$TMP/auto.csv") in
papi|sim) ok "auto,sim: papi where it counts, else sim ($(col counter_source "$TMP/auto.csv"))" ;;
*) not_ok "auto,sim gives papi or sim" "$(cat "$TMP/auto.csv")" ;;
esac
expect_exit 0 "run table --counters sim" "$TKP_BIN" run --kernel simd --size 32 --counters sim --min-time 0.01
grep_out "counters +sim \(valgrind-[0-9.]+ callgrind" "the table names valgrind and the simulated caches"

# a stripped binary: the kernel functions cannot be found by name
if command -v strip >/dev/null 2>&1 && cp "$TKP_BIN" "$TMP/tkp-stripped" && strip "$TMP/tkp-stripped"; then
	expect_exit 1 "a stripped tkprofile" "$TMP/tkp-stripped" run --kernel naive --size 16 --counters sim --min-time 0.01
	grep_out "collected nothing in tkp_gemm_naive .*stripped" "says the symbols are missing"
else
	skip "a stripped tkprofile" "no strip(1)"
fi

# ---- sweep: simulated up to the cap, the rest without counters
cat >"$TMP/s.prof" <<'EOF'
[sweep]
kernels = naive,blocked
sizes = 32,64
blocks = 16
counters = sim
sim_max_size = 32
min_time = 0.01
probe = none
EOF
expect_exit 0 "sweep with sim_max_size = 32" "$TKP_BIN" sweep --profile "$TMP/s.prof" --out "$TMP/sw" --no-plots
grep_out "simulating sizes <= 32 \(2 configurations" "the sweep says which rows it simulates"
grep_out "simulated 2 of 2 configurations" "and how many it did"
if awk -F, 'NR>1 && (($3==32) != ($25=="sim")) {bad=1} NR>1 && $25=="sim" && $15=="" {bad=1} END{exit bad}' "$TMP/sw/sweep.csv"; then
	ok "rows up to 32 are sim with l1_dcm, the 64 rows none"
else
	not_ok "rows up to the cap simulated, others not" "$(cat "$TMP/sw/sweep.csv")"
fi
if grep -q '^sim_max_size = 32$' "$TMP/sw/plan.prof"; then ok "plan.prof keeps sim_max_size"; else not_ok "plan.prof keeps sim_max_size" "$(cat "$TMP/sw/plan.prof")"; fi

done_testing
