#!/bin/sh
# bench/disturb.sh - what another program does to a `tkprofile run`, and
# what tkprofile says about it (issue 17), side by side per scenario:
#
#   quiet      the run alone (its `disturbed` column should read 0)
#   before     the same run with CPU-bound programs (hogs) beside it and
#              the detection off (TKP_DISTURB=off): what tkprofile
#              reported before it looked, a figure nothing flagged
#   reported   the same with the detection on: its figure, and how many
#              of its repetitions it found disturbed (all of them: the
#              figure is from disturbed runs and the row says so; fewer:
#              those were left out and made up for)
#
# and each figure against the quiet one.  A scenario passes when the
# reported figure is within 10% of the quiet one or the row is flagged.
# Scenarios: blas N=512 1 thread with a hog on every CPU; the same with
# one hog pinned to the kernel's CPU; blas N=1024 with a thread per CPU
# and a hog on every CPU.  Hogs are shell busy-loops, started just before
# and stopped just after each disturbed run; the load average is printed
# before and after (the quiet figures only mean "quiet" at load < 1).
#
# Usage: bench/disturb.sh [TKPROFILE]   (default ./tkprofile)
#   MIN_TIME=seconds per run (default 0.5)
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are unset for these runs only (as
# make bench does), so OpenBLAS runs its best kernels for this CPU.
set -eu

TKP=${1:-./tkprofile}
MIN_TIME=${MIN_TIME:-0.5}
ncpu=$(getconf _NPROCESSORS_ONLN)
hogs=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tkp-disturb.XXXXXX")

stop_hogs() {
	for h in $hogs; do kill "$h" 2>/dev/null || :; done
	for h in $hogs; do wait "$h" 2>/dev/null || :; done
	hogs=""
}
trap 'stop_hogs; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# hog CPU: a busy loop pinned to CPU ("any": unpinned)
hog() {
	if [ "$1" = any ]; then sh -c 'while :; do :; done' &
	else taskset -c "$1" sh -c 'while :; do :; done' &
	fi
	hogs="$hogs $!"
}

# run OUT [env...] -- ARGS: one tkprofile run, gflops disturbed reps into OUT
run() {
	_out=$1; shift
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@" --counters none --min-time "$MIN_TIME" \
		--format csv 2>/dev/null |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
			 NR == 2 { print $c["gflops"], $c["disturbed"], $c["reps"] }' >"$_out"
}

# scenario LABEL HOGS PIN -- ARGS: HOGS "every" (one per CPU) or "one"
# (pinned to CPU 0, the run pinned there too when PIN is "pin")
scenario() {
	_label=$1 _hogs=$2 _pin=$3; shift 4
	_pre=""
	[ "$_pin" = pin ] && _pre="taskset -c 0"
	run "$tmp/q" $_pre "$TKP" run "$@"
	if [ "$_hogs" = every ]; then
		_i=0
		while [ $_i -lt "$ncpu" ]; do hog any; _i=$((_i + 1)); done
	else
		hog 0
	fi
	sleep 0.3
	run "$tmp/b" TKP_DISTURB=off $_pre "$TKP" run "$@"
	run "$tmp/r" $_pre "$TKP" run "$@"
	stop_hogs
	read qg qd qr <"$tmp/q"
	read bg bd br <"$tmp/b"
	read rg rd rr <"$tmp/r"
	awk -v l="$_label" -v qg="$qg" -v qd="$qd" -v qr="$qr" -v bg="$bg" -v rg="$rg" -v rd="$rd" \
		-v rr="$rr" 'BEGIN {
		flag = rd == 0 ? "clean" : (rd >= rr ? "FLAGGED all " rr : "left out " rd "/" rr)
		ok = (rd > 0 || (rg >= 0.9 * qg && rg <= 1.1 * qg)) ? "ok" : "NOT OK"
		printf "%-34s %8.2f %3s/%-4s %8.2f %5.2f %8.2f %5.2f  %-18s %s\n", l, qg, qd, qr, bg,
		       bg / qg, rg, rg / qg, flag, ok }'
}

echo "tkprofile disturbance bench: $("$TKP" --version 2>/dev/null | head -n 1), $ncpu CPUs," \
	"min-time $MIN_TIME s"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-34s %8s %8s %8s %5s %8s %5s  %-18s %s\n" "scenario" "quiet" "dist/reps" "before" \
	"/q" "reported" "/q" "detection" "verdict"
scenario "blas 512 t1, hog on every CPU" every nopin -- --kernel blas --size 512 --threads 1
scenario "blas 512 t1, hog on its CPU" one pin -- --kernel blas --size 512 --threads 1
if [ "$ncpu" -ge 2 ]; then
	scenario "blas 1024 t$ncpu, hog on every CPU" every nopin -- --kernel blas --size 1024 \
		--threads "$ncpu"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "GFLOP/s; /q: against the quiet run; dist/reps: the quiet run's disturbed repetitions."
