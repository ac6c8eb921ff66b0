#!/bin/sh
# cli_disturb.sh - disturbed repetitions, end to end: a CPU hog pinned to
# the kernel's CPU (one per CPU for 2 threads) must leave the row flagged
# (disturbed > 0) or its figure within 10% of a quiet run measured here;
# a quiet run is not flagged.  `make check` runs tests in parallel, so the
# quiet runs are retried, and each hog run is paired with a quiet one just
# before it (the other tests' load is alike in both).  The rule itself is
# tested on made-up samples in test_measure.c.
. "$(dirname "$0")/setup.sh"

hogs=""
stop_hogs() {
	for h in $hogs; do kill "$h" 2>/dev/null || :; done
	for h in $hogs; do wait "$h" 2>/dev/null || :; done
	hogs=""
}
trap 'stop_hogs; rm -rf "$TMP"' EXIT
hog() { taskset -c "$1" sh -c 'while :; do :; done' & hogs="$hogs $!"; }

# the row's gflops and disturbed (last two printed cells)
row() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["gflops"], $c["disturbed"], $c["reps"] }' "$1"; }

# run_on CPUS OUT ARGS...: tkprofile run pinned to CPUS, csv into OUT
run_on() {
	_cpus=$1 _out=$2; shift 2
	taskset -c "$_cpus" "$TKP_BIN" run --counters none --format csv "$@" >"$_out" 2>"$TMP/err"
}

# ceiling_check: a kernel above its compute ceiling: the sweep measures
# that peak again once (a higher figure replaces it), and the report
# flags what stays above.  Needs no taskset.
ceiling_check() {
	printf '[sweep]\nkernels = simd\nsizes = 64,96\ndtype = f64\ncounters = none\nprobe = none\nmin_time = 0.02\n' \
		>"$TMP/p.prof"
	expect_exit 0 "a sweep without a probe" "$TKP_BIN" sweep --profile "$TMP/p.prof" --out "$TMP/rc" --no-plots --quiet
	printf 'ceiling,dtype,isa,threads,value,unit,source\npeak,f64,scalar,1,0.001,GFLOP/s,measured\n' \
		>"$TMP/rc/ceilings.csv"
	printf 'test,threads,bytes,value,unit\n' >"$TMP/rc/hierarchy.csv"
	head -n 2 "$TMP/rc/sweep.csv" >"$TMP/s" && cat "$TMP/s" >"$TMP/rc/sweep.csv"
	expect_exit 0 "--resume: one row more" "$TKP_BIN" sweep --out "$TMP/rc" --resume --no-plots
	grep_out "simd f64 t1 reached .* above the f64 scalar 1-thread peak \(0.0\); measured again" \
		"the peak a kernel went above is measured again, and said so"
	peak=$(awk -F, '$1 == "peak" { print $5 }' "$TMP/rc/ceilings.csv")
	if awk -v p="$peak" 'BEGIN { exit !(p > 0.5) }'; then ok "the higher figure replaces it ($peak GFLOP/s)"
	else not_ok "the higher figure replaces it" "$(cat "$TMP/rc/ceilings.csv")"; fi
	best=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["gflops"] > b { b = $c["gflops"] } END { print b }' \
		"$TMP/rc/sweep.csv")
	if awk -v p="$peak" -v b="$best" 'BEGIN { exit !(b > p) }'; then
		grep_md() { grep -q "CEILING TOO LOW: simd f64" "$TMP/rc/report.md" && grep -q "(ceiling too low)" "$TMP/rc/report.md"; }
		want="flagged"
	else
		grep_md() { ! grep -qi "ceiling too low" "$TMP/rc/report.md"; }
		want="not flagged"
	fi
	if grep_md; then ok "the report: a kernel at $best GFLOP/s against a $peak peak is $want"
	else not_ok "the report: a kernel at $best GFLOP/s against a $peak peak is $want" "$(grep -i "peak" "$TMP/rc/report.md" | head -5)"; fi
}

if ! command -v taskset >/dev/null 2>&1; then
	skip "disturbance end to end" "no taskset"
	ceiling_check
	done_testing
	exit $?
fi
cpus=$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' | sed 's/-/ /' |
	awk '{ if (NF == 2) for (i = $1; i <= $2; i++) print i; else print $1 }' | head -n 2 | tr '\n' ' ')
set -- $cpus
c0=$1
c1=${2:-}

# --- JSON and table name the column
expect_exit 0 "run --format json" "$TKP_BIN" run --kernel naive --size 32 --counters none \
	--min-time 0.01 --format json
grep_out '"disturbed": [0-9]+' "run --format json has \"disturbed\""
expect_exit 0 "run (table)" "$TKP_BIN" run --kernel naive --size 32 --counters none --min-time 0.01
grep_out '^  disturbed ' "the run table has a disturbed line"

# --- quiet: not flagged (retried: other tests share the CPUs)
quiet_ok=0 tries=0
while [ $tries -lt 6 ] && [ $quiet_ok -eq 0 ]; do
	tries=$((tries + 1))
	run_on "$c0" "$TMP/q.csv" --kernel naive --size 160 --min-time 0.3 || :
	set -- $(row "$TMP/q.csv") x x
	[ "$2" = 0 ] && quiet_ok=1 || sleep 1
done
if [ $quiet_ok = 1 ]; then
	ok "a quiet run is not flagged (try $tries)"
else
	load=$(cut -d' ' -f1 /proc/loadavg)
	if awk -v l="$load" 'BEGIN { exit !(l >= 1.0) }'; then
		skip "a quiet run is not flagged" "the machine stayed busy (load $load) in $tries tries"
	else
		not_ok "a quiet run is not flagged" "$(cat "$TMP/q.csv") load $load"
	fi
fi

# pair LABEL CPUS NHOG ARGS...: quiet run, then the same with a hog on each
# of the first NHOG CPUs; ok when the hog run is flagged or within 10%
pair() {
	_label=$1 _cpus=$2 _nh=$3; shift 3
	_args="$*" _try=0 _res=""  # no spaces inside any argument
	while [ $_try -lt 3 ]; do
		_try=$((_try + 1))
		run_on "$_cpus" "$TMP/a.csv" $_args || :
		hog "$c0"
		[ "$_nh" -lt 2 ] || hog "$c1"
		sleep 0.2
		run_on "$_cpus" "$TMP/b.csv" $_args || :
		stop_hogs
		_res="quiet $(row "$TMP/a.csv"); hogged $(row "$TMP/b.csv")"
		# gflops disturbed reps, quiet then hogged
		set -- $(row "$TMP/a.csv") x
		_qg=$1
		set -- $(row "$TMP/b.csv") x x
		if [ "$_qg" != x ] && [ "$1" != x ] &&
		   awk -v q="$_qg" -v h="$1" -v d="$2" 'BEGIN { exit !(d > 0 || (h >= 0.9 * q && h <= 1.1 * q)) }'
		then
			ok "$_label: flagged or within 10% of quiet ($_res, try $_try)"
			return 0
		fi
	done
	not_ok "$_label: flagged or within 10% of quiet" "$_res"
}

pair "1 thread, a hog on its CPU" "$c0" 1 --kernel naive --size 160 --min-time 0.3
if [ -n "$c1" ]; then
	pair "2 threads, a hog on each CPU" "$c0,$c1" 2 --kernel threaded --threads 2 --size 256 --min-time 0.3
	# the hog run itself, to see the rule fire: with a hog on each CPU the
	# threads lose about half their CPU
	hog "$c0"; hog "$c1"; sleep 0.2
	run_on "$c0,$c1" "$TMP/h.csv" --kernel threaded --threads 2 --size 256 --min-time 0.3 || :
	stop_hogs
	set -- $(row "$TMP/h.csv") 0 0
	if [ "$2" -gt 0 ]; then ok "2 threads under two hogs: $2 of $3 repetitions flagged"
	else not_ok "2 threads under two hogs: flagged" "$(cat "$TMP/h.csv")"; fi
	# oversubscribed on purpose: more threads than the CPUs it may use
	run_on "$c0" "$TMP/o.csv" --kernel threaded --threads 2 --size 128 --min-time 0.1 || :
	set -- $(row "$TMP/o.csv") x x
	if [ "$2" = 0 ]; then ok "2 threads on 1 CPU (oversubscribed on purpose) are not flagged"
	else not_ok "2 threads on 1 CPU are not flagged" "$(cat "$TMP/o.csv")"; fi
else
	skip "2 threads, a hog on each CPU" "one usable CPU"
fi

# --- a sweep beside a hog on its CPU: the disturbed rows are named in the
# progress lines, summary.txt and the report
printf '[sweep]\nkernels = naive\nsizes = 128,160\ndtype = f64\ncounters = none\nprobe = none\nmin_time = 0.1\n' \
	>"$TMP/h.prof"
hog "$c0"
sleep 0.2
expect_exit 0 "a sweep beside a hog" taskset -c "$c0" "$TKP_BIN" sweep --profile "$TMP/h.prof" \
	--out "$TMP/hs" --no-plots
stop_hogs
ndist=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["disturbed"] > 0 { n++ } END { print n + 0 }' \
	"$TMP/hs/sweep.csv")
if [ "$ndist" -gt 0 ]; then ok "beside a hog, $ndist of 2 rows are disturbed"
else not_ok "beside a hog, rows are disturbed" "$(cat "$TMP/hs/sweep.csv")"; fi
if [ "$(grep -cE '^\[[0-9]+/2\] naive f64 (128|160): .*(disturbed [0-9]+/[0-9]+ reps|DISTURBED throughout)' "$TMP/out")" = "$ndist" ] &&
   [ "$(grep -cE '^  naive f64 (128x128x128|160x160x160) t1: ' "$TMP/hs/summary.txt")" = "$ndist" ] &&
   grep -q "Disturbed by another program .*: $ndist row" "$TMP/hs/report.md"; then
	ok "the progress lines, summary.txt and the report name each disturbed row"
else
	not_ok "the progress lines, summary.txt and the report name each disturbed row" \
		"$(grep -i disturb "$TMP/out" "$TMP/hs/summary.txt" "$TMP/hs/report.md" | head)"
fi

ceiling_check
done_testing
