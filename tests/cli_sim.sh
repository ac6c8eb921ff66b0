#!/bin/sh
# cli_sim.sh - `--counters sim` (valgrind's cache model) from the command
# line: refused with the install line when valgrind is missing; with it,
# `run` fills the cache columns with counter_source=sim, and a sweep
# simulates the rows up to sim_max_size only, saying which, and saves the
# cap in plan.prof; only the charts' configuration of each kernel × size ×
# dtype is simulated; large ones on a slice of their rows (--no-sample:
# whole), within 10% of the whole simulation.
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
grep_out "simulating sizes <= 32, large ones on a slice of their rows \(2 configurations" "the sweep says which rows it simulates"
grep_out "simulated 2 of 2 configurations" "and how many it did"
if awk -F, 'NR>1 && (($3==32) != ($25=="sim")) {bad=1} NR>1 && $25=="sim" && $15=="" {bad=1} END{exit bad}' "$TMP/sw/sweep.csv"; then
	ok "rows up to 32 are sim with l1_dcm, the 64 rows none"
else
	not_ok "rows up to the cap simulated, others not" "$(cat "$TMP/sw/sweep.csv")"
fi
if grep -q '^sim_max_size = 32$' "$TMP/sw/plan.prof"; then ok "plan.prof keeps sim_max_size"; else not_ok "plan.prof keeps sim_max_size" "$(cat "$TMP/sw/plan.prof")"; fi

# ---- only the charts' configuration of each kernel × size × dtype is
# simulated: the default block and the most threads; the others stay empty
cat >"$TMP/p.prof" <<'PROF'
[sweep]
kernels = blocked,threaded
sizes = 32
blocks = 8,auto
threads = 1,2
counters = sim
min_time = 0.01
probe = none
PROF
expect_exit 0 "sweep with block and thread variants" "$TKP_BIN" sweep --profile "$TMP/p.prof" --out "$TMP/pv" --no-plots
grep_out "\(2 configurations: each kernel × size × dtype at its default block and most threads" "says which it simulates"
sims=$(awk -F, 'NR>1 && $25=="sim" {print $1 "/" $6 "/" $7}' "$TMP/pv/sweep.csv" | sort | tr '\n' ' ')
dflt=$(awk -F, 'NR>1 && $1=="blocked" && $6!=8 {print $6; exit}' "$TMP/pv/sweep.csv")
if [ "$sims" = "blocked/$dflt/1 threaded/$dflt/2 " ]; then ok "simulated: blocked and threaded at the default block, threaded on 2 threads ($sims)"; else not_ok "one simulated row per kernel, the default block and most threads" "$sims / $(cat "$TMP/pv/sweep.csv")"; fi
if grep -q '^sim_sample = on$' "$TMP/pv/plan.prof"; then ok "plan.prof records sim_sample = on"; else not_ok "plan.prof records sim_sample" "$(cat "$TMP/pv/plan.prof")"; fi

# ---- sampling: a large configuration is simulated on a slice of its rows
# (counted_fraction < 1), --no-sample simulates it whole; they agree
expect_exit 0 "run naive 256 --counters sim (sampled)" "$TKP_BIN" run --kernel naive --size 256 --counters sim --format csv --min-time 0
grep -v '^tkprofile:' "$TMP/out" >"$TMP/s256.csv"
expect_exit 0 "run naive 256 --counters sim --no-sample" "$TKP_BIN" run --kernel naive --size 256 --counters sim --format csv --min-time 0 --no-sample
grep -v '^tkprofile:' "$TMP/out" >"$TMP/w256.csv"
fs=$(col counted_fraction "$TMP/s256.csv"); fw=$(col counted_fraction "$TMP/w256.csv")
if awk -v s="$fs" -v w="$fw" 'BEGIN{exit !(s > 0 && s < 0.5 && w == 1)}'; then ok "counted_fraction $fs sampled, $fw whole"; else not_ok "counted_fraction below 1 sampled, 1 whole" "$fs / $fw"; fi
l1s=$(col l1_dcm "$TMP/s256.csv"); l1w=$(col l1_dcm "$TMP/w256.csv")
if awk -v s="$l1s" -v w="$l1w" 'BEGIN{d=(s-w)/w; exit !(d < 0.10 && d > -0.10)}'; then ok "sampled l1_dcm within 10% of whole ($l1s vs $l1w)"; else not_ok "sampled l1_dcm within 10% of whole" "$l1s vs $l1w"; fi
printf '[sweep]\nsim_sample = maybe\n' >"$TMP/ss.prof"
expect_exit 2 "sim_sample = maybe is refused" "$TKP_BIN" sweep --profile "$TMP/ss.prof" --out "$TMP/ss"
grep_out "ss.prof:2: sim_sample = maybe: .*expected on or off" "with file and line"

done_testing
