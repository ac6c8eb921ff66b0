#!/bin/sh
# cli_run.sh - `tkprofile run` for every kernel the registry lists: CSV with
# sweep.csv's header, JSON with the same keys, verified results, and empty
# counter cells (never 0) when counters are off.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

header="kernel,dtype,m,n,k,block,threads,reps,time_s,time_s_min,time_s_mad,gflops,cycles,instructions,l1_dcm,l2_dcm,l3_tcm,fp_ops,flops_model,bytes_model,ai_model,ai_dram,cpu_util,rss_delta_mb,counter_source,verified,max_rel_err,ai_l2,ai_l3,counted_fraction,disturbed"

col() { # col NAME FILE: value of column NAME in the first data row
	awk -F, -v want="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==want) c=i} NR==2{print $c}' "$2"
}

kernels=$("$TKP_BIN" kernels | awk 'NR>1 && $2=="yes" {print $1}')
for k in $kernels; do
	for dt in f32 f64; do
		t=""
		"$TKP_BIN" kernels | grep -q "^$k .*threads" && t="--threads 2"
		# shellcheck disable=SC2086
		expect_exit 0 "run $k $dt 67x129x31 csv" "$TKP_BIN" run --kernel "$k" --size 67x129x31 --dtype $dt $t \
			--format csv --counters none --min-time 0.01
		grep -v '^#' "$TMP/out" >"$TMP/row.csv"
		if [ "$(head -n 1 "$TMP/row.csv")" = "$header" ]; then ok "$k $dt: sweep.csv header"; else not_ok "$k $dt: sweep.csv header" "$(head -n 1 "$TMP/row.csv")"; fi
		if [ "$(col verified "$TMP/row.csv")" = 1 ]; then ok "$k $dt: verified"; else not_ok "$k $dt: verified" "$(cat "$TMP/row.csv")"; fi
		if [ "$(col counter_source "$TMP/row.csv")" = none ] && [ -z "$(col l1_dcm "$TMP/row.csv")" ] && [ -z "$(col cycles "$TMP/row.csv")" ]; then
			ok "$k $dt: counters off: source none, cells empty"
		else
			not_ok "$k $dt: counters off: source none, cells empty" "$(cat "$TMP/row.csv")"
		fi
		if [ "$(col m "$TMP/row.csv"),$(col n "$TMP/row.csv"),$(col k "$TMP/row.csv")" = "67,129,31" ] &&
			[ "$(col flops_model "$TMP/row.csv")" = "$((2 * 67 * 129 * 31))" ]; then
			ok "$k $dt: shape and flops_model"
		else
			not_ok "$k $dt: shape and flops_model" "$(cat "$TMP/row.csv")"
		fi
	done
done

expect_exit 0 "run json" "$TKP_BIN" run --kernel naive --size 16 --format json --counters none --min-time 0.01
for key in kernel gflops l3_tcm ai_dram counter_source verified max_rel_err; do
	grep_out "\"$key\":" "json has key $key"
done
grep_out '"l1_dcm": null' "json: unmeasured counter is null"

expect_exit 0 "run table" "$TKP_BIN" run --kernel naive --size 1 --min-time 0.01
grep_out "verified +yes" "table says verified"
grep_out "counters +none \(" "table says why counters are missing"
# settings that measure something other than what was likely meant: said
expect_exit 0 "a block larger than the problem" "$TKP_BIN" run --kernel blocked --size 8 --block 100 --counters none --min-time 0.01 --format csv
grep_out "block 100 is larger than the whole problem \(8x8x8\)" "is warned about"
cpus=$(getconf _NPROCESSORS_ONLN)
expect_exit 0 "more threads than CPUs" "$TKP_BIN" run --kernel threaded --size 16 --threads $((cpus + 1)) --counters none --min-time 0.01 --format csv
grep_out "threads $((cpus + 1)) is more than the $cpus online CPUs" "is warned about"
expect_exit 0 "as many threads as CPUs" "$TKP_BIN" run --kernel threaded --size 16 --threads "$cpus" --counters none --min-time 0.01 --format csv
if grep -q "more than the" "$TMP/out"; then not_ok "as many threads as CPUs: no warning"; else ok "as many threads as CPUs: no warning"; fi
# Without counters the table gives the reason in brief and points at
# `tkprofile counters` for the fix (the whole fix made a 600-character cell)
"$TKP_BIN" run --kernel naive --size 8 --min-time 0.01 >"$TMP/out" 2>&1 || true
if grep -Eq "counters +none \(" "$TMP/out" && "$TKP_BIN" counters 2>/dev/null | grep -q '^    fix: '; then
	grep_out "counters +none \(.*; \`tkprofile counters\` says how to fix it\)" "no counters: the reason, and where the fix is"
	if grep -q "; fix: " "$TMP/out"; then not_ok "no counters: the fix itself is left to tkprofile counters"; else ok "no counters: the fix itself is left to tkprofile counters"; fi
else
	skip "no counters: the reason, and where the fix is" "counters work here, or need no fix"
	skip "no counters: the fix itself is left to tkprofile counters" "counters work here, or need no fix"
fi
done_testing
