#!/bin/sh
# cli_faults.sh - what a user keeps when things go wrong (issue 7):
#   - write errors: a full stdout (/dev/full), a file-size limit (ulimit -f:
#     EFBIG, not death by SIGXFSZ), a full disk (a small tmpfs, when root):
#     a message naming the file and the cause, non-zero exit, earlier files
#     intact, never a torn row in sweep.csv, and --resume finishes the plan;
#   - memory: a configuration that cannot fit is refused before anything is
#     allocated or created; an allocation failure mid-sweep (ulimit -v) is
#     recorded as failed and the sweep goes on;
#   - signals: SIGTERM like SIGINT; a second signal stops at once;
#   - hostile paths for --out, --profile and `plot DIR` (spaces, quotes, ;,
#     $(...), backticks, a leading -, newlines): always used as paths;
#   - malformed sweep.csv given to `plot` and to `sweep --resume`, and
#     garbage profiles and group files: FILE:LINE, exit 2, nothing written.
# tests/README.md lists every bad input tried, here and elsewhere.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"
cd "$TMP"

# Mounts made here are unmounted before the temporary directory goes.
MOUNTS=""
cleanup() {
	for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

HAVE_GNUPLOT=yes
command -v gnuplot >/dev/null 2>&1 || HAVE_GNUPLOT=no
FIXTURE="$TKP_SRCDIR/tests/data/results-fixture"

# Small, fast plans: naive only, no probe, no counters, one timed run.
plan() { # plan FILE SIZES [KEY=VALUE...]: writes a profile
	_f=$1 _s=$2
	shift 2
	{
		printf '[sweep]\nkernels = naive\nsizes = %s\ndtype = f64\nmin_time = 0\n' "$_s"
		printf 'min_reps = 1\nmax_reps = 1\nprobe = none\ncounters = none\n'
		for _kv in "$@"; do printf '%s\n' "$_kv" | sed 's/=/ = /'; done
	} >"$_f"
}
plan small.prof 4:64:+4          # 16 configurations
plan many.prof 1:200:+1          # 200 tiny ones: sweep.csv grows to ~45 kB

# csv_valid FILE: a header (27 columns or more) and whole rows only: every
# line as many fields as the header, the
# file ends with a newline (a torn last row would not).
csv_valid() {
	[ -s "$1" ] || return 1
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || return 1
	[ "$(head -n 1 "$1" | cut -d, -f1-3)" = "kernel,dtype,m" ] || return 1
	awk -F, 'NR == 1 { n = NF; if (n < 27) bad = 1 } NF != n { bad = 1 } END { exit bad }' "$1"
}
rows() { echo $(($(wc -l <"$1") - 1)); }
keys() { awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 "," $7 }' "$1" | sort; }
check_csv() { # check_csv FILE "what"
	if csv_valid "$1"; then ok "$2: sweep.csv valid, no torn row ($(rows "$1") rows)"
	else not_ok "$2: sweep.csv valid, no torn row" "$(tail -c 300 "$1" 2>&1)"; fi
}
no_tmp_files() { # no_tmp_files DIR "what"
	_left=$(find "$1" -name '*.tmp.*' 2>/dev/null | head -n 3)
	if [ -z "$_left" ]; then ok "$2: no temporary files left"; else not_ok "$2: no temporary files left" "$_left"; fi
}

# The reference: the whole small plan, uninterrupted.
expect_exit 0 "reference sweep" "$TKP_BIN" sweep --profile ./small.prof --out ref --no-plots --quiet
expect_exit 0 "reference sweep (many)" "$TKP_BIN" sweep --profile ./many.prof --out refmany --no-plots --quiet

# ==== write errors ==========================================================

# ---- standard output on a full device
if [ -w /dev/full ]; then
	for fmt in csv json table; do
		expect_exit 1 "run --format $fmt >/dev/full" sh -c \
			'"$TKP_BIN" run --kernel naive --size 8 --counters none --min-time 0 --format '"$fmt"' >/dev/full'
		grep_out "error writing standard output: No space left on device" "run --format $fmt >/dev/full: names stdout and the cause"
	done
	expect_exit 1 "sweep with its summary to /dev/full" sh -c \
		'"$TKP_BIN" sweep --profile ./small.prof --out fullout --no-plots >/dev/full'
	grep_out "error writing standard output: No space left on device" "sweep >/dev/full: names stdout and the cause"
	check_csv fullout/sweep.csv "sweep >/dev/full"
	if [ "$(keys fullout/sweep.csv)" = "$(keys ref/sweep.csv)" ] && [ -s fullout/summary.txt ]; then
		ok "sweep >/dev/full: every row and summary.txt written"
	else
		not_ok "sweep >/dev/full: every row and summary.txt written"
	fi
else
	for t in "run >/dev/full" "sweep >/dev/full"; do skip "$t" "/dev/full is not writable here"; done
fi

# ---- RLIMIT_FSIZE (ulimit -f): write() fails with EFBIG; tkprofile must
# ignore SIGXFSZ, whose default action would kill it half-way through a row.
# The limit is in 512- or 1024-byte blocks (dash / bash): 8 blocks is far
# below the ~45 kB of sweep.csv and above plan.prof.
expect_exit 1 "ulimit -f 8: sweep stops at the file-size limit" sh -c \
	'ulimit -f 8 && exec "$TKP_BIN" sweep --profile ./many.prof --out fsize --no-plots --quiet'
grep_out "fsize/sweep\.csv: File too large" "ulimit -f: the message names sweep.csv and EFBIG"
check_csv fsize/sweep.csv "ulimit -f"
n=$(rows fsize/sweep.csv)
if [ "$n" -gt 0 ] && [ "$n" -lt 200 ]; then ok "ulimit -f: the rows before the limit are kept ($n)"; else not_ok "ulimit -f: the rows before the limit are kept" "$n rows"; fi
expect_exit 0 "ulimit -f: --resume without the limit finishes the plan" "$TKP_BIN" sweep --out fsize --resume --no-plots --quiet
if [ "$(keys fsize/sweep.csv)" = "$(keys refmany/sweep.csv)" ]; then ok "ulimit -f: resumed to exactly the plan's configurations"
else not_ok "ulimit -f: resumed to exactly the plan's configurations" "$(rows fsize/sweep.csv) rows"; fi

# A limit below plan.prof (256 sizes: over 1 kB): the first file fails.  The
# messages go to a file under the same limit, so the limit is one block,
# not 0, leaving them room.
plan wide.prof 1:256:+1
expect_exit 1 "ulimit -f 1: the first file (plan.prof) cannot be written" sh -c \
	'ulimit -f 1 && exec "$TKP_BIN" sweep --profile ./wide.prof --out fsize1 --no-plots --quiet'
grep_out "fsize1/plan\.prof: File too large" "ulimit -f 1: names plan.prof and EFBIG"
no_tmp_files fsize1 "ulimit -f 1"
head -c 4096 /dev/zero >over.csv
expect_exit 1 "ulimit -f 1: run's CSV appended to a file over the limit" sh -c \
	'ulimit -f 1 && exec "$TKP_BIN" run --kernel naive --size 8 --counters none --min-time 0 --format csv >>over.csv'
grep_out "error writing standard output: File too large" "ulimit -f 1: run names stdout and EFBIG"

# ---- a full disk: a small tmpfs (root only)
if [ "$(id -u)" != 0 ]; then
	skip "full disk (tmpfs)" "mounting a tmpfs needs root"
elif ! mkdir mnt || ! mount -t tmpfs -o size=16k,mode=0755 tkp-faults mnt 2>mount.err; then
	skip "full disk (tmpfs)" "mount -t tmpfs not permitted here: $(head -n 1 mount.err 2>/dev/null)"
else
	MOUNTS="$TMP/mnt"
	# 16 kB: plan.prof and a few dozen rows fit, then ENOSPC mid-sweep.
	expect_exit 1 "tmpfs: the disk fills up mid-sweep" "$TKP_BIN" sweep --profile ./many.prof --out mnt/r --no-plots --quiet
	grep_out "mnt/r/sweep\.csv: No space left on device \(every earlier row is intact\)" "tmpfs: the message names sweep.csv and ENOSPC"
	check_csv mnt/r/sweep.csv "tmpfs"
	n=$(rows mnt/r/sweep.csv)
	if [ "$n" -gt 0 ] && [ "$n" -lt 200 ]; then ok "tmpfs: the rows before the disk filled are kept ($n)"; else not_ok "tmpfs: rows kept" "$n rows"; fi
	no_tmp_files mnt/r "tmpfs"
	# earlier files intact: the directory, moved to a disk with room, resumes
	cp -R mnt/r moved
	expect_exit 0 "tmpfs: moved to a disk with room, --resume finishes" "$TKP_BIN" sweep --out moved --resume --no-plots --quiet
	if [ "$(keys moved/sweep.csv)" = "$(keys refmany/sweep.csv)" ]; then ok "tmpfs: resumed to exactly the plan's configurations"
	else not_ok "tmpfs: resumed to exactly the plan's configurations" "$(rows moved/sweep.csv) rows"; fi

	# a disk full from the start: nothing half-written
	dd if=/dev/zero of=mnt/filler bs=1024 count=64 2>/dev/null || true
	expect_exit 1 "tmpfs full: sweep" "$TKP_BIN" sweep --profile ./small.prof --out mnt/r2 --no-plots --quiet
	grep_out "mnt/r2/plan\.prof: No space left on device" "tmpfs full: names plan.prof and ENOSPC"
	grep_out "removed mnt/r2: nothing was measured into it" "tmpfs full: says it removed the directory it made"
	if [ -e mnt/r2 ]; then not_ok "tmpfs full: no empty results directory left" "$(ls -la mnt/r2)"
	else ok "tmpfs full: no empty results directory left"; fi
	# ... but a directory that was there before is the user's: kept
	mkdir mnt/mine
	expect_exit 1 "tmpfs full: sweep into an existing empty directory" "$TKP_BIN" sweep --profile ./small.prof --out mnt/mine --no-plots --quiet
	if [ -d mnt/mine ] && [ -z "$(ls -A mnt/mine)" ]; then ok "tmpfs full: the existing directory is kept, empty"
	else not_ok "tmpfs full: the existing directory is kept, empty" "$(ls -la mnt/mine 2>&1)"; fi

	# plot on a full disk: the charts fail, the CSV stays
	if [ "$HAVE_GNUPLOT" = yes ] && mkdir mnt2 && mount -t tmpfs -o size=256k,mode=0755 tkp-faults mnt2 2>mount.err; then
		MOUNTS="$MOUNTS $TMP/mnt2"
		cp -R "$FIXTURE" mnt2/fx && chmod -R u+w mnt2/fx
		dd if=/dev/zero of=mnt2/filler bs=1024 count=1024 2>/dev/null || true
		expect_exit 1 "tmpfs full: plot" "$TKP_BIN" plot mnt2/fx
		grep_out "mnt2/fx/plots.*: No space left on device" "tmpfs full: plot names the file and ENOSPC"
		if cmp -s "$FIXTURE/sweep.csv" mnt2/fx/sweep.csv && cmp -s "$FIXTURE/hierarchy.csv" mnt2/fx/hierarchy.csv; then
			ok "tmpfs full: plot leaves the CSV intact"
		else
			not_ok "tmpfs full: plot leaves the CSV intact"
		fi
		no_tmp_files mnt2/fx "tmpfs full: plot"
	else
		skip "tmpfs full: plot" "gnuplot is not installed or the second tmpfs could not be mounted"
	fi
fi

# ==== memory ================================================================

# Refused before anything is allocated or created, even under an address
# space limit that would make the allocation itself fail.
expect_exit 2 "a size that cannot fit is refused up front" "$TKP_BIN" sweep --profile ./small.prof --sizes 16,3000000 --out huge
grep_out "size 3000000x3000000x3000000 f64 needs [0-9.]+ GiB" "the refusal says how much it needs"
if [ -e huge ]; then not_ok "nothing created for a plan that cannot fit"; else ok "nothing created for a plan that cannot fit"; fi

# An allocation failure mid-sweep: under ulimit -v 256 MiB, size 4000 (3 ×
# 122 MiB) passes the MemAvailable check but cannot be allocated; it is
# recorded as failed and the sweep goes on.
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2>/dev/null || echo 0)
if ! (ulimit -v 262144 && OPENBLAS_NUM_THREADS=1 "$TKP_BIN" --version) >/dev/null 2>&1; then
	skip "allocation failure mid-sweep (ulimit -v)" "this build cannot run under ulimit -v (a sanitizer reserves more address space)"
elif [ "${avail_kb:-0}" -lt 1048576 ]; then
	skip "allocation failure mid-sweep (ulimit -v)" "less than 1 GiB available: size 4000 would be refused up front"
else
	plan oom.prof "16,32,4000,64" "kernels=naive,blocked"
	expect_exit 0 "ulimit -v: the sweep goes on past allocation failures" sh -c \
		'ulimit -v 262144 && OPENBLAS_NUM_THREADS=1 exec "$TKP_BIN" sweep --profile ./oom.prof --out oom --no-plots'
	grep_out "naive f64 4000: out of memory \(the address-space limit, ulimit -v, is 256 MiB\); recorded as failed, continuing" \
		"ulimit -v: naive 4000 named as failed, with the limit"
	grep_out "blocked f64 4000 b[0-9]+: out of memory \(the address-space limit.*; recorded as failed, continuing" "ulimit -v: blocked 4000 named as failed"
	check_csv oom/sweep.csv "ulimit -v"
	if [ "$(keys oom/sweep.csv | cut -d, -f1,3 | tr '\n' ' ')" = "blocked,16 blocked,32 blocked,64 naive,16 naive,32 naive,64 " ]; then
		ok "ulimit -v: every configuration that fits has its row, after the failure too"
	else
		not_ok "ulimit -v: every configuration that fits has its row" "$(keys oom/sweep.csv)"
	fi
	if grep -q "2 configurations FAILED" oom/summary.txt; then ok "ulimit -v: summary.txt records the failures"
	else not_ok "ulimit -v: summary.txt records the failures" "$(cat oom/summary.txt)"; fi
fi

# OpenBLAS under such a limit: refused by its own buffer's size, never the
# hang it used to be (its threads retried a 128 MiB mmap forever).  Its
# default thread pool this time (no OPENBLAS_NUM_THREADS), and a time limit
# on the whole sweep so that a hang fails the test instead of stalling it.
# The limit is 32 MiB above the least tkprofile starts under: how much it
# maps before its first call varies between machines and runs (a fixed
# 256 MiB let OpenBLAS's buffer fit once), 32 MiB never holds the buffer.
blas_lim=""
if "$TKP_BIN" kernels | grep -q '^blas  *yes' && command -v timeout >/dev/null 2>&1; then
	l=262144
	while [ $l -ge 32768 ] && (ulimit -v $l && "$TKP_BIN" --version) >/dev/null 2>&1; do
		blas_lim=$((l + 32768))
		l=$((l - 16384))
	done
fi
if ! "$TKP_BIN" kernels | grep -q '^blas  *yes'; then
	skip "ulimit -v: blas refused, no hang" "the blas kernel cannot run here (built without CBLAS)"
elif ! command -v timeout >/dev/null 2>&1; then
	skip "ulimit -v: blas refused, no hang" "no timeout(1) to bound a hang"
elif [ -z "$blas_lim" ] || [ "$blas_lim" -gt 262144 ]; then
	skip "ulimit -v: blas refused, no hang" "this build cannot run under ulimit -v 256 MiB"
else
	export blas_lim
	plan oomblas.prof "16,32" "kernels=naive,blas"
	expect_exit 0 "ulimit -v: a sweep with blas finishes" timeout 120 sh -c \
		'ulimit -v $blas_lim && exec "$TKP_BIN" sweep --profile ./oomblas.prof --out oomblas --no-plots'
	grep_out "blas f64 16 t[0-9]+: out of memory \(the address-space limit, ulimit -v, is $((blas_lim / 1024)) MiB\); recorded as failed" \
		"ulimit -v: blas refused as out of memory, with the limit"
	if [ "$(keys oomblas/sweep.csv | cut -d, -f1,3 | tr '\n' ' ')" = "naive,16 naive,32 " ]; then
		ok "ulimit -v: the other kernel's rows are all there"
	else
		not_ok "ulimit -v: the other kernel's rows are all there" "$(keys oomblas/sweep.csv)"
	fi
	expect_exit 1 "ulimit -v: run --kernel blas fails, no hang" timeout 60 sh -c \
		'ulimit -v $blas_lim && exec "$TKP_BIN" run --kernel blas --size 64'
	grep_out "blas 64x64x64: out of memory \(the address-space limit" "ulimit -v: run says why"
fi

# ==== signals ===============================================================

# wait_rows FILE N: until FILE has N lines (at most ~20 s)
wait_rows() {
	_i=0
	while [ "$(awk 'END { print NR }' "$1" 2>/dev/null || echo 0)" -lt "$2" ] && [ $_i -lt 400 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

# ---- SIGTERM, like SIGINT: stop after the current run, exit 130, resume
plan paced.prof 1:100:+1 "min_time=0.03" "max_reps=100000"
"$TKP_BIN" sweep --profile ./paced.prof --out term --no-plots --quiet >term.log 2>&1 &
pid=$!
wait_rows term/sweep.csv 4
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
if [ "$rc" = 130 ]; then ok "SIGTERM: exit 130"; else not_ok "SIGTERM: exit 130 (got $rc)" "$(cat term.log)"; fi
check_csv term/sweep.csv "SIGTERM"
if grep -q PARTIAL term/summary.txt 2>/dev/null; then ok "SIGTERM: summary marked partial"; else not_ok "SIGTERM: summary marked partial"; fi
expect_exit 0 "SIGTERM: --resume finishes the plan" "$TKP_BIN" sweep --out term --resume --no-plots --quiet
if [ "$(keys term/sweep.csv | wc -l)" -eq 100 ] && [ "$(keys term/sweep.csv | uniq | wc -l)" -eq 100 ]; then
	ok "SIGTERM: resumed to the plan's 100 configurations, none twice"
else
	not_ok "SIGTERM: resumed to the plan's 100 configurations" "$(rows term/sweep.csv) rows"
fi

# ---- a second signal stops at once, in the middle of a long run (naive
# 2048: seconds per run on any machine), leaving the finished rows whole
plan long.prof "8,16,2048" "min_reps=3" "max_reps=3"
for sig in INT TERM; do
	d=second$sig
	"$TKP_BIN" sweep --profile ./long.prof --out $d --no-plots --quiet >$d.log 2>&1 &
	pid=$!
	wait_rows $d/sweep.csv 3
	sleep 0.5
	kill -$sig $pid
	sleep 0.3
	t0=$(date +%s)
	kill -$sig $pid
	_i=0
	while kill -0 $pid 2>/dev/null && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
	took=$(($(date +%s) - t0))
	kill -KILL $pid 2>/dev/null || true
	set +e; wait $pid; rc=$?; set -e
	want=130
	[ $sig = TERM ] && want=143
	if [ "$rc" = $want ] && [ "$took" -le 3 ]; then
		ok "second SIG$sig: stops at once (${took}s, killed by SIG$sig: $rc)"
	else
		not_ok "second SIG$sig: stops at once" "exit $rc after ${took}s; $(cat $d.log)"
	fi
	if grep -q "interrupt again to stop at once" $d.log; then ok "second SIG$sig: the first one said how to stop at once"; else not_ok "second SIG$sig: first message" "$(cat $d.log)"; fi
	check_csv $d/sweep.csv "second SIG$sig"
	if [ "$(rows $d/sweep.csv)" = 2 ]; then ok "second SIG$sig: the finished rows are kept"; else not_ok "second SIG$sig: the finished rows are kept" "$(rows $d/sweep.csv) rows"; fi
done

# ==== hostile paths =========================================================

odd="sp ace 'single' \"double\" ;semi \$(touch pwned1) \`touch pwned2\` |pipe &amp *star"
nl="new
line"
for name in "$odd" "$nl" "-weird"; do
	what=$(printf '%s' "$name" | tr '\n' '^')
	expect_exit 0 "--out '$what'" "$TKP_BIN" sweep --profile ./small.prof --out "$name" --no-plots --quiet
	if [ "$(keys "$name/sweep.csv" 2>/dev/null)" = "$(keys ref/sweep.csv)" ] && [ -s "$name/plan.prof" ]; then
		ok "--out '$what': the results are in that very directory"
	else
		not_ok "--out '$what': the results are in that very directory" "$(ls -A)"
	fi
	expect_exit 0 "--out '$what' --resume" "$TKP_BIN" sweep --out "$name" --resume --no-plots --quiet
	grep_out "0 configurations left to run|^$" "--out '$what' --resume: nothing left to run"
done
expect_exit 0 "--out=-weird2 (attached)" "$TKP_BIN" sweep --profile ./small.prof --out=-weird2 --no-plots --quiet
if [ -s ./-weird2/sweep.csv ]; then ok "--out=-weird2: used as the path"; else not_ok "--out=-weird2: used as the path" "$(ls -A)"; fi
expect_exit 0 "-o -weird3 (short option)" "$TKP_BIN" sweep --profile ./small.prof -o -weird3 --no-plots --quiet
if [ -s ./-weird3/sweep.csv ]; then ok "-o -weird3: used as the path"; else not_ok "-o -weird3: used as the path" "$(ls -A)"; fi

# profiles with hostile names (and one with neither a / nor .prof)
for name in "./$odd.prof" "-p.prof" "$nl.prof" "plainname"; do
	what=$(printf '%s' "$name" | tr '\n' '^')
	cp -- small.prof "$name"
	rm -rf pout
	expect_exit 0 "--profile '$what'" "$TKP_BIN" sweep --profile "$name" --out pout --no-plots --quiet
	if [ "$(keys pout/sweep.csv 2>/dev/null)" = "$(keys ref/sweep.csv)" ]; then ok "--profile '$what': read as a file"
	else not_ok "--profile '$what': read as a file"; fi
done

# plot DIR, and the charts the sweep draws into a hostile --out
if [ "$HAVE_GNUPLOT" = yes ]; then
	expect_exit 0 "plot -- -weird" "$TKP_BIN" plot --quiet -- -weird
	expect_exit 0 "plot ./-weird" "$TKP_BIN" plot --quiet ./-weird
	if [ -s ./-weird/plots/perf.png ]; then ok "plot -weird: charts drawn there"; else not_ok "plot -weird: charts drawn there" "$(ls -A ./-weird)"; fi
	rm -rf "$odd"
	expect_exit 0 "sweep with charts into '$odd'" "$TKP_BIN" sweep --profile ./small.prof --out "$odd" --quiet
	if [ -s "$odd/plots/perf.png" ] && [ -s "$odd/plots/roofline.pdf" ]; then ok "sweep's charts drawn into the hostile --out"
	else not_ok "sweep's charts drawn into the hostile --out" "$(ls -A "$odd" "$odd/plots" 2>&1)"; fi
	expect_exit 0 "plot a directory whose name has a newline" "$TKP_BIN" plot --quiet "$nl"
else
	skip "plot hostile directories" "gnuplot is not installed"
fi
expect_exit 2 "plot -weird (an unknown option, not a path)" "$TKP_BIN" plot -weird
if [ -z "$(find "$TMP" -name 'pwned*')" ] && [ ! -e pwned1 ] && [ ! -e pwned2 ]; then
	ok "nothing in any path was executed"
else
	not_ok "nothing in any path was executed" "$(find "$TMP" -name 'pwned*')"
fi

# ==== malformed sweep.csv: plot and --resume ================================

# corrupt KIND SRC DST: writes a broken copy of sweep.csv SRC to DST
corrupt() {
	_src=$2 _dst=$3
	_h=$(head -n 1 "$_src")
	case $1 in
	torn) { head -n 3 "$_src"; sed -n 4p "$_src" | cut -c1-40 | tr -d '\n'; } >"$_dst" ;;
	short) { head -n 3 "$_src"; sed -n 4p "$_src" | cut -d, -f1-26; } >"$_dst" ;;
	long) { head -n 3 "$_src"; sed -n 4p "$_src" | sed 's/$/,extra/'; } >"$_dst" ;;
	nocol) cut -d, -f1-11,13- "$_src" >"$_dst" ;;                         # no gflops
	renamed) sed '1s/,gflops,/,gflop,/' "$_src" >"$_dst" ;;
	huge) { head -n 3 "$_src"; printf '"'; head -c 1100000 /dev/zero | tr '\0' x; printf '"'; sed -n 4p "$_src" | cut -d, -f2- | sed 's/^/,/'; } >"$_dst" ;;
	nan) awk -F, -v OFS=, 'NR == 4 { $12 = "nan" } 1' "$_src" >"$_dst" ;;          # gflops
	inf) awk -F, -v OFS=, 'NR == 4 { $12 = "inf" } 1' "$_src" >"$_dst" ;;
	minusinf) awk -F, -v OFS=, 'NR == 4 { $12 = "-inf" } 1' "$_src" >"$_dst" ;;
	overflow) awk -F, -v OFS=, 'NR == 4 { $12 = "1e999" } 1' "$_src" >"$_dst" ;;
	nantime) awk -F, -v OFS=, 'NR == 4 { $9 = "NaN" } 1' "$_src" >"$_dst" ;;        # time_s
	negsize) awk -F, -v OFS=, 'NR == 4 { $3 = "-5" } 1' "$_src" >"$_dst" ;;
	bigblock) awk -F, -v OFS=, 'NR == 4 { $6 = "1e300" } 1' "$_src" >"$_dst" ;;
	verified) awk -F, -v OFS=, 'NR == 4 { $26 = "2" } 1' "$_src" >"$_dst" ;;
	dtype) awk -F, -v OFS=, 'NR == 4 { $2 = "f16" } 1' "$_src" >"$_dst" ;;
	quote) { head -n 3 "$_src"; printf '"naive,f64,4\n'; } >"$_dst" ;;
	binary) { head -n 3 "$_src"; printf 'naive,\000\001\002\377garbage\n'; } >"$_dst" ;;
	crlf_garbage) { head -n 3 "$_src"; printf '\r\r\r,,,\r\n'; } >"$_dst" ;;
	esac
}
# plot reads only the columns it draws, and draws any dtype name and any
# verified value but the failing ones ("0", "no", ...): time_s, dtype and
# verified are --resume's business.
KINDS="torn short long nocol renamed huge nan inf minusinf overflow negsize bigblock quote binary crlf_garbage"
RESUME_ONLY="nantime verified dtype"
for kind in $KINDS $RESUME_ONLY; do
	# --resume: FILE:LINE, exit 2, sweep.csv left as it was
	rm -rf rs
	cp -R ref rs
	corrupt $kind ref/sweep.csv rs/sweep.csv
	cp rs/sweep.csv broken.csv
	expect_exit 2 "--resume, sweep.csv $kind" "$TKP_BIN" sweep --out rs --resume --no-plots --quiet
	grep_out "rs/sweep\.csv:[0-9]+: " "--resume, sweep.csv $kind: FILE:LINE"
	if cmp -s broken.csv rs/sweep.csv && [ ! -e rs/summary.txt.new ]; then ok "--resume, sweep.csv $kind: left as it was"
	else not_ok "--resume, sweep.csv $kind: left as it was"; fi
	case " $RESUME_ONLY " in *" $kind "*) continue ;; esac
	# plot: FILE:LINE, exit 2, nothing drawn
	rm -rf pl
	cp -R "$FIXTURE" pl
	chmod -R u+w pl
	corrupt $kind "$FIXTURE/sweep.csv" pl/sweep.csv
	expect_exit 2 "plot, sweep.csv $kind" "$TKP_BIN" plot pl
	grep_out "pl/sweep\.csv:[0-9]+: " "plot, sweep.csv $kind: FILE:LINE"
	if [ -e pl/plots ] && [ -n "$(ls -A pl/plots)" ]; then not_ok "plot, sweep.csv $kind: nothing drawn"; else ok "plot, sweep.csv $kind: nothing drawn"; fi
done
# an empty sweep.csv (the header's write failed on a full disk): --resume
# starts the plan from the beginning
rm -rf rs && cp -R ref rs && : >rs/sweep.csv
expect_exit 0 "--resume with an empty sweep.csv runs the whole plan" "$TKP_BIN" sweep --out rs --resume --no-plots --quiet
if [ "$(keys rs/sweep.csv)" = "$(keys ref/sweep.csv)" ]; then ok "--resume, empty sweep.csv: every configuration"; else not_ok "--resume, empty sweep.csv: every configuration"; fi

# ==== garbage profiles and group files ======================================

badprof() { # badprof FILE "what" PATTERN: sweep --profile FILE: exit 2, FILE:LINE, nothing created
	rm -rf bp
	expect_exit 2 "profile: $2" "$TKP_BIN" sweep --profile "$1" --out bp
	grep_out "$3" "profile: $2: the message says '$3'"
	if [ -e bp ]; then not_ok "profile: $2: nothing created"; else ok "profile: $2: nothing created"; fi
}
printf '[sweep]\nsizes = 64\n\377\376\001\002\033[31m\n' >garbage.prof
badprof ./garbage.prof "binary garbage" "garbage\.prof:3: binary data \(control byte 0x01\)"
printf '[sweep]\nsizes = 64\nkernels = naive\000blocked\n' >nul.prof
badprof ./nul.prof "a NUL byte" "nul\.prof:3: binary data \(control byte 0x00\)"
{ printf '[sweep]\nsizes = '; head -c 100000 /dev/zero | tr '\0' 8; printf '\n'; } >long.prof
badprof ./long.prof "a 100000-character line" "long\.prof:2: line longer than 199 characters"
{ printf '[sweep]\n# '; head -c 198 /dev/zero | tr '\0' x; printf '\nkernels = naive\n'; } >edge200.prof
badprof ./edge200.prof "a 200-character comment line" "edge200\.prof:2: line longer than 199"
{ printf '[sweep]\n# '; head -c 197 /dev/zero | tr '\0' x; printf '\n'; cat small.prof | sed 1d; } >edge199.prof
expect_exit 0 "profile: a 199-character line is fine" "$TKP_BIN" sweep --profile ./edge199.prof --out e199 --no-plots --quiet
{ printf '[sweep]\n'; head -c 2000000 /dev/zero | tr '\0' '#' | fold -w 100; } >big.prof
badprof ./big.prof "a 2 MB file" "big\.prof: larger than 1 MiB"
printf '[sweep]\n\303\251t\303\251 = 1\n' >utf8.prof
badprof ./utf8.prof "a non-ASCII key" "utf8\.prof:2: .*unknown key"
printf '[sweep\nsizes = 64\n' >bracket.prof
badprof ./bracket.prof "an unclosed section" "bracket\.prof:1: "
badprof /dev/zero "/dev/zero" "/dev/zero: larger than 1 MiB"
badprof "$TMP" "a directory" "Is a directory"
sed 's/$/\r/' small.prof >crlf.prof
expect_exit 0 "profile: CRLF line ends are fine" "$TKP_BIN" sweep --profile ./crlf.prof --out crlf --no-plots --quiet

mkdir g1 g2 g3
printf '[cycles]\nevents = PAPI_TOT_CYC\n\377\376\001\002garbage\n' >g1/garbage.ini
expect_exit 2 "group file: binary garbage" "$TKP_BIN" counters --groups g1
grep_out "g1/garbage\.ini:3: " "group file: binary garbage: FILE:LINE"
{ printf '[cycles]\nevents = '; head -c 100000 /dev/zero | tr '\0' A; printf '\n'; } >g2/long.ini
expect_exit 2 "group file: a 100000-character line" "$TKP_BIN" counters --groups g2
grep_out "g2/long\.ini:2: line too long" "group file: long line: FILE:LINE"
# A NUL byte: refused at its line (the reader once cut the line there and
# read on)
printf '[cycles]\nevents = PAPI_TOT_CYC\000PAPI_TOT_INS\n' >g3/nul.ini
expect_exit 2 "group file: a NUL byte" "$TKP_BIN" counters --groups g3
grep_out "g3/nul\.ini:2: NUL byte at column 22" "group file: a NUL byte: FILE:LINE and column"

done_testing
