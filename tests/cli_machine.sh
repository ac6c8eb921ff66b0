#!/bin/sh
# cli_machine.sh - `tkprofile machine`: the quick probe writes machine.json,
# ceilings.csv and hierarchy.csv with DESIGN.md's headers and a summary; a
# second run reuses the cached probe; bad thread lists and output paths are
# refused with a message, exit 2 and nothing written.
. "$(dirname "$0")/setup.sh"

# Keep the probe cache inside the test's temp dir.
XDG_CACHE_HOME=$TMP/cache
export XDG_CACHE_HOME

out=$TMP/m1
expect_exit 0 "machine --quick --out DIR" "$TKP_BIN" machine --quick --out "$out"
grep_out 'peak GFLOP/s' "summary lists the peaks"
grep_out '^L1 ' "summary lists L1"
grep_out '^DRAM ' "summary lists DRAM"
for f in machine.json ceilings.csv hierarchy.csv; do
	check "writes $f" test -s "$out/$f"
done

if [ -s "$out/ceilings.csv" ]; then
	check "ceilings.csv header" test "$(head -n 1 "$out/ceilings.csv")" = "ceiling,dtype,isa,threads,value,unit,source"
	check "ceilings.csv: every row has 7 fields" test "$(awk -F, 'NF != 7' "$out/ceilings.csv" | wc -l)" -eq 0
	check "ceilings.csv: scalar f64 peak, 1 thread" grep -Eq '^peak,f64,scalar,1,[0-9.e+]+,GFLOP/s,measured$' "$out/ceilings.csv"
	check "ceilings.csv: f32 peaks" grep -Eq '^peak,f32,[a-z0-9]+,1,[0-9.e+]+,GFLOP/s,measured$' "$out/ceilings.csv"
	check "ceilings.csv: L1 bandwidth" grep -Eq '^L1,f64,[a-z0-9]+,1,[0-9.e+]+,GB/s,measured$' "$out/ceilings.csv"
	check "ceilings.csv: DRAM bandwidth" grep -Eq '^DRAM,f64,[a-z0-9]+,1,[0-9.e+]+,GB/s,measured$' "$out/ceilings.csv"
	check "ceilings.csv: DRAM latency" grep -Eq '^DRAM,,,1,[0-9.e+]+,ns,measured$' "$out/ceilings.csv"
	check "ceilings.csv: a measured L1 size" grep -Eq '^L1,,,,[0-9]+,bytes,measured$' "$out/ceilings.csv"
	check "ceilings.csv: sources are measured or reported" \
		test "$(tail -n +2 "$out/ceilings.csv" | awk -F, '$7 != "measured" && $7 != "reported"' | wc -l)" -eq 0
else
	skip "ceilings.csv contents" "no ceilings.csv"
fi

if [ -s "$out/hierarchy.csv" ]; then
	check "hierarchy.csv header" test "$(head -n 1 "$out/hierarchy.csv")" = "test,threads,bytes,value,unit"
	check "hierarchy.csv: latency from 4 KiB" grep -q '^latency,1,4096,[0-9.e+]*,ns$' "$out/hierarchy.csv"
	check "hierarchy.csv: read and triad rows" sh -c "grep -q '^read,1,' '$out/hierarchy.csv' && grep -q '^triad,1,' '$out/hierarchy.csv'"
	check "hierarchy.csv: working sets reach 32 MiB" \
		test "$(awk -F, '$1 == "latency" && $3 >= 33554432' "$out/hierarchy.csv" | wc -l)" -ge 1
	check "hierarchy.csv: values are positive" \
		test "$(tail -n +2 "$out/hierarchy.csv" | awk -F, '!($4 > 0)' | wc -l)" -eq 0
fi

if [ -s "$out/machine.json" ]; then
	for key in schema tkprofile_version host cpu_model vendor isa isa_path cores threads_per_core \
		memory_bytes caches reported_bytes measured_bytes line_bytes assoc shared_by_cores os compiler \
		cflags counters papi_version available status metrics event encoding raw date probe quick seconds; do
		check "machine.json has \"$key\"" grep -q "\"$key\":" "$out/machine.json"
	done
	check "machine.json: a fresh probe" grep -q '"reused": false' "$out/machine.json"
	# Where nothing can be counted, the status carries the whole reason
	# and fix that `tkprofile counters` gives (it was once cut at 512
	# bytes, mid-word)
	if "$TKP_BIN" counters 2>/dev/null | grep -q '^0 of 6 metrics' &&
		fix=$("$TKP_BIN" counters 2>/dev/null | sed -n 's/^    fix: //p' | head -n 1) && [ -n "$fix" ]; then
		tail=$(printf '%s' "$fix" | tail -c 40)
		check "machine.json: the counters status ends with the whole fix" grep -qF "$tail\"" "$out/machine.json"
	else
		skip "machine.json: the counters status ends with the whole fix" "some metric can be counted here, or no fix is given"
	fi
fi

# The same directory again: refused, nothing touched.
sum1=$(cat "$out"/*.csv | cksum)
expect_exit 2 "an --out that holds results is refused" "$TKP_BIN" machine --quick --out "$out"
grep_out 'already holds results' "says why"
check "the earlier files are untouched" test "$(cat "$out"/*.csv | cksum)" = "$sum1"

# A second directory: the recent probe is reused.
expect_exit 0 "machine --quick again reuses the probe" "$TKP_BIN" machine --quick --out "$TMP/m2"
grep_out 'reusing' "says it reuses the probe"
check "reused hierarchy.csv is the same" cmp -s "$out/hierarchy.csv" "$TMP/m2/hierarchy.csv"
check "reused machine.json says so" grep -q '"reused": true' "$TMP/m2/machine.json"

# Bad input: one line, exit 2, nothing written.
n=0
for bad in 0 abc , 1:3:x0 -1 "" 99999 1.5; do
	n=$((n + 1))
	expect_exit 2 "--threads '$bad' is refused" "$TKP_BIN" machine --quick --threads "$bad" --out "$TMP/bad$n"
	grep_out 'threads' "--threads '$bad': the message names the option"
	check "--threads '$bad': nothing written" test ! -e "$TMP/bad$n"
done
# A sweep's results directory without a probe takes one (how its roofline
# gets drawn later); one that has a probe is refused, untouched.
printf '[sweep]\nkernels = naive\nsizes = 16\ndtype = f64\nprobe = none\n' >"$TMP/np.prof"
expect_exit 0 "a sweep with probe = none" "$TKP_BIN" sweep --profile "$TMP/np.prof" --no-plots --quiet --out "$TMP/np"
check "it has no probe" test ! -e "$TMP/np/ceilings.csv"
expect_exit 0 "machine --out into that sweep's directory" "$TKP_BIN" machine --quick --out "$TMP/np"
grep_out "added to the sweep in" "says it added the probe"
check "the probe's files are there" test -s "$TMP/np/machine.json" -a -s "$TMP/np/ceilings.csv" -a -s "$TMP/np/hierarchy.csv"
check "the sweep's rows are untouched" test "$(grep -c '^naive,' "$TMP/np/sweep.csv")" -eq 1
sum_np=$(cat "$TMP/np/ceilings.csv" | cksum)
expect_exit 2 "machine --out into it again" "$TKP_BIN" machine --quick --out "$TMP/np"
grep_out "already holds results; refusing to overwrite them \(it has machine.json" "names the probe it has"
check "the first probe is untouched" test "$(cat "$TMP/np/ceilings.csv" | cksum)" = "$sum_np"

# The list takes sweep's forms: a range with ncpu, repeats folded.
expect_exit 0 "--threads 1:ncpu:+1,1 (a range with ncpu)" "$TKP_BIN" machine --quick --reprobe --quiet --threads 1:ncpu:+1,1 --out "$TMP/m3"
ncpu=$(getconf _NPROCESSORS_ONLN)
check "one peak row per thread count, 1 to ncpu" test "$(awk -F, '$1 == "peak" && $2 == "f64" && $7 == "measured" { print $4 }' "$TMP/m3/ceilings.csv" | sort -un | wc -l)" -eq "$ncpu"
expect_exit 2 "--out under a file is refused" "$TKP_BIN" machine --quick --out /dev/null/x
grep_out 'out' "--out under a file: says so"
: >"$TMP/afile"
expect_exit 2 "--out naming a file is refused" "$TKP_BIN" machine --quick --out "$TMP/afile"
check "--out naming a file: left alone" test ! -s "$TMP/afile"
expect_exit 2 "an unknown option is refused" "$TKP_BIN" machine --bogus
expect_exit 2 "a stray argument is refused" "$TKP_BIN" machine stray
expect_exit 0 "machine --help" "$TKP_BIN" machine --help
grep_out '^usage: tkprofile machine' "--help prints the usage"

# A reused probe whose multi-thread peak did not scale is flagged in the
# summary (it was warned about only when it ran): the cached f64 2-thread
# peaks are set to 0.9x the 1-thread ones (below what a disturbed probe
# reads, so they are the lowest), then the probe is reused.
cached=$(ls -d "$XDG_CACHE_HOME"/tkprofile/*/ceilings.csv 2>/dev/null | head -n 1)
if [ -n "$cached" ] && awk -F, '$1 == "peak" && $4 == 2' "$cached" | grep -q .; then
	awk -F, 'BEGIN { OFS = "," } $1 == "peak" && $4 == 1 { one[$2 "," $3] = $5 }
		$1 == "peak" && $4 == 2 && $2 == "f64" && (($2 "," $3) in one) { $5 = one[$2 "," $3] * 0.9 } { print }' \
		"$cached" >"$cached.new" && mv "$cached.new" "$cached"
	expect_exit 0 "machine reuses a probe that did not scale" "$TKP_BIN" machine --quick --threads 1,2 --out "$TMP/lowscale"
	# (under a parallel `make check` other peaks may be low too: any order)
	grep_out "^\(low scaling: " "the summary has a low-scaling note"
	grep_out "paths on 2 threads are 0.90x(-[0-9.]*x)? their 1-thread peaks" "the summary flags it"
	grep_out "tkprofile machine --reprobe" "and says how to measure again"
	expect_exit 0 "a sweep reuses that probe" "$TKP_BIN" sweep --kernels naive --sizes 8 --dtype f64 --no-plots --out "$TMP/lowsweep"
	grep_out "sweep: the reused probe.s .* on [0-9]+ threads (is|are)" "the sweep warns about a reused probe"
	grep_out "paths on 2 threads are 0.90x(-[0-9.]*x)? their 1-thread peaks" "the sweep warns about it too"
else
	skip "a sweep reuses that probe" "no 2-thread probe cached here"
	skip "the sweep warns about a reused probe" "no 2-thread probe cached here"
	skip "the sweep warns about it too" "no 2-thread probe cached here"
	skip "machine reuses a probe that did not scale" "no 2-thread probe cached here (one CPU?)"
	skip "the summary has a low-scaling note" "no 2-thread probe cached here"
	skip "the summary flags it" "no 2-thread probe cached here"
	skip "and says how to measure again" "no 2-thread probe cached here"
fi

done_testing
