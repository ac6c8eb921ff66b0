#!/bin/sh
# bench/sim_sample.sh - sampled simulation checked two ways (slow: run it
# by hand, ~10 min on 2 cores; make check runs a bounded few of part 1).
#
#   1. Sampled against whole simulation for every kernel × dtype × threads
#      (1 and 2) at n = 256 (tuned and blas also at 1024) with the
#      simulated hierarchy scaled down in
#      proportion (16 KiB L1, 64 KiB L2, 512 KiB L3): tests/test_sim with
#      TKP_SIM_VALIDATE=all prints the relative error per level and fails
#      a row above 10%.  TKP_SIM_VSIZE and TKP_SIM_VBLOCK set another n or
#      block for every row.
#   2. The textbook relations at n = 1024 f64 under sampled simulation on
#      this machine's own caches: naive's L1 misses per FLOP more than 10×
#      blocked's, blocked's ai_l2 above naive's; with each simulation's
#      wall time.
#
# Usage: bench/sim_sample.sh [1|2]   (both parts by default), from the
# build directory after `make` (part 1 builds tests/test_sim).
set -u
part=${1:-all}
fail=0

if [ "$part" = all ] || [ "$part" = 1 ]; then
	make -s tests/test_sim >/dev/null || exit 1
	echo "== sampled vs whole simulation, every kernel x dtype x threads"
	TKP_SIM_VALIDATE=${TKP_SIM_VALIDATE:-all} ./tests/test_sim | grep -E '^(# |not ok|ok .*SKIP)' || true
	TKP_SIM_VALIDATE=${TKP_SIM_VALIDATE:-all} ./tests/test_sim >/dev/null 2>&1 || fail=1
	# tuned's two row slices and blas whole with its thin warm-up at n =
	# 1024, where the default sweep samples them (~8 min)
	echo "== the same for tuned and blas at n = 1024"
	TKP_SIM_VALIDATE=tuned,blas TKP_SIM_VSIZE=1024 ./tests/test_sim >"${TMPDIR:-/tmp}/sim_sample.$$" 2>&1 || fail=1
	grep -E '^(# |not ok)' "${TMPDIR:-/tmp}/sim_sample.$$"
	rm -f "${TMPDIR:-/tmp}/sim_sample.$$"
fi

# one simulated row: kernel dtype size -> "l1_dcm ai_l2 flops counted_fraction"
sim_row() {
	./tkprofile run -k "$1" -d "$2" -s "$3" -c sim -f csv 2>/dev/null |
		awk -F, '
			NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
			{ printf "%s %s %s %s\n", $col["l1_dcm"], $col["ai_l2"], $col["flops_model"], $col["counted_fraction"] }'
}

if [ "$part" = all ] || [ "$part" = 2 ]; then
	echo "== textbook relations at n = 1024 f64, sampled simulation"
	for k in naive blocked; do
		s=$(date +%s)
		r=$(sim_row "$k" f64 1024)
		e=$(date +%s)
		echo "$k $r $((e - s))" | awk '{ printf "%-8s L1 misses/kFLOP %8.3f  ai_l2 %8.2f  counted %.3f  (%d s)\n",
			$1, 1000 * $2 / $4, $3, $5, $6 }'
		eval "row_$k=\"$r\""
	done
	# shellcheck disable=SC2154
	echo "$row_naive $row_blocked" | awk '{
		ratio = ($1 / $3) / ($5 / $7)
		printf "naive/blocked L1 misses per FLOP: %.1f (want > 10): %s\n", ratio, (ratio > 10 ? "ok" : "FAIL")
		printf "ai_l2 blocked %.2f > naive %.2f: %s\n", $6, $2, ($6 > $2 ? "ok" : "FAIL")
		exit !(ratio > 10 && $6 > $2) }' || fail=1
fi
exit $fail
