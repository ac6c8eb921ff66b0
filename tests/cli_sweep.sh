#!/bin/sh
# cli_sweep.sh - the quick sweep end to end, an interrupted sweep resumed to
# the same set of configurations as an uninterrupted one, and the results
# directory's contract (DESIGN.md).
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"
cd "$TMP"

# --- the quick profile, whole (budget lifted so no row is skipped on a slow
# machine: the check is "every kernel × size × dtype of the profile")
expect_exit 0 "sweep --profile quick" "$TKP_BIN" sweep --profile quick --budget 0 --out "q r" --quiet
cp "$TMP/out" quick.log
for f in sweep.csv plan.prof summary.txt; do
	if [ -s "q r/$f" ]; then ok "quick: $f written"; else not_ok "quick: $f written"; fi
done
grep_out "best GFLOP/s per kernel" "the summary is printed"
if ls "q r" | grep -q 'tmp\.'; then not_ok "no temporary files left"; else ok "no temporary files left"; fi

# expected configurations: kernel × size × dtype from the profile (naive
# capped at 256); runnable kernels only
runnable=$("$TKP_BIN" kernels | awk 'NR>1 && $2=="yes" {print $1}')
missing=""
for k in naive simd blocked threaded blas; do
	echo "$runnable" | grep -qx "$k" || continue
	for n in 64 128 256 512; do
		[ "$k" = naive ] && [ "$n" -gt 256 ] && continue
		awk -F, -v k="$k" -v n="$n" 'NR>1 && $1==k && $2=="f64" && $3==n && $4==n && $5==n && $26==1 {f=1} END{exit !f}' "q r/sweep.csv" ||
			missing="$missing $k/$n"
	done
done
if [ -z "$missing" ]; then ok "a verified row for every kernel x size x dtype"; else not_ok "a verified row for every kernel x size x dtype" "missing:$missing"; fi
if awk -F, 'NR>1 && $1=="naive" && $3>256 {f=1} END{exit !f}' "q r/sweep.csv"; then not_ok "naive's max_size respected"; else ok "naive's max_size respected"; fi
if awk -F, 'NR>1 && $1=="blocked" {b[$6]=1} END{n=0; for (x in b) n++; exit !(n>=3)}' "q r/sweep.csv"; then ok "blocked swept several block sizes"; else not_ok "blocked swept several block sizes"; fi
if awk -F, 'NR>1 && $25!="none" && $25!="papi" && $25!="sim" {f=1} END{exit f}' "q r/sweep.csv"; then ok "counter_source is papi, sim or none"; else not_ok "counter_source is papi, sim or none"; fi
if awk -F, 'NR>1 && $25=="none" && ($13!="" || $15!="") {f=1} END{exit f}' "q r/sweep.csv"; then ok "no counter cell filled when source is none"; else not_ok "no counter cell filled when source is none"; fi
fields=$(awk -F, '{print NF}' "q r/sweep.csv" | sort -u)
if [ "$fields" = 31 ]; then ok "every row has 31 fields"; else not_ok "every row has 31 fields" "$fields"; fi

# --- resume: a sweep run in two parts ends with the same configurations
plan="--kernels naive,blocked --sizes 16:128:x2 --blocks 8,auto --dtype f32,f64 --min-time 0 --no-plots"
# shellcheck disable=SC2086
expect_exit 0 "reference sweep" "$TKP_BIN" sweep $plan --out whole --quiet
# shellcheck disable=SC2086
"$TKP_BIN" sweep $plan --min-time 0.3 --out part --quiet >part.log 2>&1 &
pid=$!
i=0
while [ "$(awk "END{print NR}" part/sweep.csv 2>/dev/null || echo 0)" -lt 3 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
if [ "$rc" = 130 ]; then ok "SIGINT: exit 130"; else not_ok "SIGINT: exit 130 (got $rc)" "$(cat part.log)"; fi
fields=$(awk -F, '{print NF}' part/sweep.csv | sort -u)
if [ "$fields" = 31 ]; then ok "interrupted sweep.csv is valid (no torn row)"; else not_ok "interrupted sweep.csv is valid" "$fields"; fi
if grep -q PARTIAL part/summary.txt; then ok "summary marked partial"; else not_ok "summary marked partial"; fi
before=$(($(wc -l <part/sweep.csv) - 1))
expect_exit 0 "--resume finishes the plan" "$TKP_BIN" sweep --out part --resume --quiet --no-plots
key() { awk -F, 'NR>1 {print $1","$2","$3","$4","$5","$6","$7}' "$1" | sort; }
if [ "$(key part/sweep.csv)" = "$(key whole/sweep.csv)" ]; then
	ok "resumed sweep has exactly the uninterrupted sweep's configurations ($before done before)"
else
	not_ok "resumed sweep has exactly the uninterrupted sweep's configurations" "$(diff "$(key part/sweep.csv)" "$(key whole/sweep.csv)" 2>&1 | head)"
fi
expect_exit 2 "--resume refuses plan options" "$TKP_BIN" sweep --out part --resume --sizes 8

# --- resume of a sweep written before the added columns (ai_l2, ai_l3,
# counted_fraction, disturbed): the rows it appends keep to the file's own header
mkdir old
cp whole/plan.prof old/
awk -F, -v OFS=, 'NR <= 4 { NF = 27; print }' whole/sweep.csv >old/sweep.csv
expect_exit 0 "--resume of an older sweep.csv" "$TKP_BIN" sweep --out old --resume --quiet --no-plots
fields=$(awk -F, '{print NF}' old/sweep.csv | sort -u)
if [ "$fields" = 27 ]; then ok "rows appended to an older sweep.csv have its 27 fields"; else not_ok "rows appended to an older sweep.csv have its 27 fields" "$fields"; fi
if [ "$(key old/sweep.csv)" = "$(key whole/sweep.csv)" ]; then ok "the older sweep is completed"; else not_ok "the older sweep is completed"; fi
expect_exit 0 "an older sweep.csv plots" "$TKP_BIN" plot old --format svg

# --- budget: configurations predicted over it are skipped, and said so
expect_exit 0 "tiny budget" "$TKP_BIN" sweep --kernels naive --sizes 64:1024:x2 --budget 0.5 --min-time 0 --out budget --no-plots
grep_out "skipped naive f64 1024.*budget" "the skipped configuration is named"
if awk -F, 'NR>1 && $3==1024 {f=1} END{exit f}' budget/sweep.csv; then ok "the over-budget size was not run"; else not_ok "the over-budget size was not run"; fi
done_testing
