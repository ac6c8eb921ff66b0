#!/bin/sh
# fuzz/run.sh SECONDS [NAME...] - runs each libFuzzer harness (built by
# `make fuzz`) for SECONDS over its seed corpus and regressions, one after
# the other, and prints per harness the executions, the corpus reached and
# whether anything was found.  NAMEs: csv, profile, groups (default: all).
#
# Run from the build directory (where fuzz/fuzz_NAME is), or set
# FUZZ_BUILDDIR.  New inputs go to a scratch corpus, fuzz/out/NAME/corpus
# (never into the repository); a crash or a failed check is saved as
# fuzz/out/NAME/crash-* and printed as hex, and the script exits 1.  To keep
# it as a regression test: copy it into fuzz/regress/NAME/ in the source
# tree, fix the bug, and `make check` replays it from then on.
#
# Environment: FUZZ_BUILDDIR (default .), FUZZ_TIMEOUT (seconds for one
# input before it counts as a hang, default 10), FUZZ_RSS_MB (default 2048).
set -eu

if [ $# -lt 1 ]; then
	echo "usage: fuzz/run.sh SECONDS [csv|profile|groups ...]" >&2
	exit 2
fi
secs=$1
shift
case $secs in '' | *[!0-9]*) echo "fuzz/run.sh: SECONDS must be a whole number, got '$secs'" >&2; exit 2 ;; esac
names=${*:-csv profile groups}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILDDIR:-.}
status=0

for name in $names; do
	bin=$build/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "fuzz/run.sh: $bin not built (run: make fuzz)" >&2
		exit 2
	fi
	out=$build/fuzz/out/$name
	mkdir -p "$out/corpus"
	log=$out/fuzz.log
	# Seeds and regressions are read-only inputs; new finds go to $out/corpus.
	set -- "$out/corpus" "$srcdir/fuzz/corpus/$name"
	[ -d "$srcdir/fuzz/regress/$name" ] && set -- "$@" "$srcdir/fuzz/regress/$name"
	start=$(date +%s)
	set +e
	"$bin" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
		-print_final_stats=1 -artifact_prefix="$out/" "$@" >"$log" 2>&1
	rc=$?
	set -e
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*corp: \([0-9]*\).*/cov \1, features \2, corpus \3/p')
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $name: ${execs:-?} executions in ${took}s (${rate:-?}/s), ${cov:-?}: nothing found"
	else
		status=1
		echo "fuzz $name: FOUND A PROBLEM after ${execs:-?} executions (exit $rc); log: $log"
		grep -E 'ERROR|SUMMARY|runtime error|^fuzz:|Test unit written' "$log" | head -n 20 | sed 's/^/    /'
		for f in "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*; do
			[ -f "$f" ] || continue
			echo "    input $f ($(wc -c <"$f") bytes):"
			od -An -c "$f" | head -n 8 | sed 's/^/      /'
		done
		echo "    keep it: cp <input> $srcdir/fuzz/regress/$name/ ; fix ; make check"
		echo "---- last lines of $log"
		tail -n 40 "$log"
	fi
done
exit $status
