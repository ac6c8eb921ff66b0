#!/bin/sh
# cli_slurm.sh - profiles/slurm/sweep-array.sbatch and compare.sbatch on a
# real, single-node Slurm that the test starts on localhost (munged,
# slurmctld and slurmd with a private configuration, state and ports under
# $TMP; stopped at the end): a job array of two tasks sweeps (a tiny
# profile) into results/<host>-<date>, one task at a time on the node
# (--exclusive), and the dependent job compares them.  SKIPs, saying why,
# without Slurm (Debian: apt-get install slurm-wlm munge), without root
# (slurmd must run as root), or when the daemons do not come up.
# Also, everywhere: the scripts' syntax, and their errors when run by hand.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

SWEEP="$TKP_SRCDIR/profiles/slurm/sweep-array.sbatch"
COMPARE="$TKP_SRCDIR/profiles/slurm/compare.sbatch"

# ---- everywhere: the scripts parse, and fail clearly by hand --------------------
check "sweep-array.sbatch is valid bash" bash -n "$SWEEP"
check "compare.sbatch is valid bash" bash -n "$COMPARE"
grep -q '^#SBATCH --exclusive$' "$SWEEP" && grep -q '^#SBATCH --array=' "$SWEEP" &&
	ok "sweep-array.sbatch: a job array of exclusive tasks" || not_ok "sweep-array.sbatch: a job array of exclusive tasks"
mkdir "$TMP/hand"
expect_exit 2 "compare.sbatch without the array's job id" sh -c "cd '$TMP/hand' && bash '$COMPARE'"
grep_out "usage: sbatch --dependency=afterany:JOBID" "compare.sbatch: says how to submit it"
expect_exit 2 "compare.sbatch with nothing recorded" sh -c "cd '$TMP/hand' && bash '$COMPARE' 42"
grep_out "0 results directories recorded in results/slurm-42" "compare.sbatch: says nothing was recorded"
expect_exit 2 "sweep-array.sbatch without tkprofile" sh -c "cd '$TMP/hand' && TKPROFILE=/nonexistent/tkprofile bash '$SWEEP'"
grep_out "not found on .*set TKPROFILE" "sweep-array.sbatch: says tkprofile is missing"

# ---- a single-node Slurm on localhost -----------------------------------------------
why=""
for c in sbatch squeue sinfo slurmctld slurmd munged munge; do
	command -v "$c" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
	command -v "$c" >/dev/null 2>&1 || { why="$c not installed (Debian: apt-get install slurm-wlm munge)"; break; }
done
if [ -z "$why" ] && [ "$(id -u)" -ne 0 ]; then why="slurmd must run as root to start jobs; not root"; fi

PIDS=""
stop_slurm() {
	for p in $PIDS; do kill "$p" 2>/dev/null || :; done
	for p in $PIDS; do
		n=0
		while kill -0 "$p" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
		kill -9 "$p" 2>/dev/null || :
	done
	PIDS=""
}
trap 'stop_slurm; rm -rf "$TMP"' EXIT

SL="$TMP/slurm"
if [ -z "$why" ]; then
	mkdir -p "$SL/state" "$SL/spool" "$SL/log" "$SL/munge" "$TMP/work"
	chmod 700 "$SL/munge"
	dd if=/dev/urandom of="$SL/munge/munge.key" bs=1024 count=1 2>/dev/null
	chmod 600 "$SL/munge/munge.key"
	munged -F -f --socket="$SL/munge/sock" --key-file="$SL/munge/munge.key" \
		--log-file="$SL/log/munged.log" --pid-file="$SL/munge/munged.pid" \
		--seed-file="$SL/munge/seed" >"$SL/log/munged.out" 2>&1 &
	PIDS="$!"
	node=$(hostname -s)
	port=$((20000 + $$ % 20000))
	cat >"$SL/slurm.conf" <<EOF
ClusterName=tkptest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$SL/munge/sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$SL/state
SlurmdSpoolDir=$SL/spool
SlurmctldPidFile=$SL/slurmctld.pid
SlurmdPidFile=$SL/slurmd.pid
SlurmctldLogFile=$SL/log/slurmctld.log
SlurmdLogFile=$SL/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=tkp Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
	SLURM_CONF="$SL/slurm.conf"
	export SLURM_CONF
	n=0
	until munge -S "$SL/munge/sock" -n </dev/null >/dev/null 2>&1 || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
	slurmctld -D -i >"$SL/log/slurmctld.out" 2>&1 &
	PIDS="$PIDS $!"
	slurmd -D >"$SL/log/slurmd.out" 2>&1 &
	PIDS="$PIDS $!"
	n=0
	until sinfo -h -o %T 2>/dev/null | grep -qx idle || [ $n -ge 60 ]; do sleep 0.5; n=$((n + 1)); done
	if ! sinfo -h -o %T 2>/dev/null | grep -qx idle; then
		why="the single-node Slurm did not come up: $(cat "$SL/log/slurmctld.out" "$SL/log/slurmctld.log" \
			"$SL/log/slurmd.out" "$SL/log/slurmd.log" "$SL/log/munged.out" 2>/dev/null | grep -i 'error\|fatal' | head -1)"
	fi
fi

if [ -n "$why" ]; then
	for t in "submit the sweep array" "submit the dependent compare" "jobs finish" "one results directory per task" \
		"tasks one at a time on the node" "task records" "compare over the array's results" "the compare report"; do
		skip "$t" "$why"
	done
	done_testing
	exit $?
fi
ok "a single-node Slurm is up on localhost ($(sinfo -h -o '%P %D %T'))"

cat >"$TMP/work/tiny.prof" <<'EOF'
# tiny.prof - a sweep of a second or two: the test is about Slurm, not the kernels
[sweep]
kernels = naive,simd
sizes = 32,64
threads = 1
dtype = f64
probe = quick
min_time = 0.01
EOF
cd "$TMP/work"
jid=$(TKPROFILE="$TKP_BIN" TKP_PROFILE="$TMP/work/tiny.prof" TKP_SWEEP_ARGS="--quiet" \
	sbatch --parsable --array=0-1 "$SWEEP" 2>"$TMP/sb.err") || jid=""
case $jid in
[0-9]*) ok "submit the sweep array (job $jid)" ;;
*) not_ok "submit the sweep array" "$(cat "$TMP/sb.err")" ;;
esac
cid=$(TKPROFILE="$TKP_BIN" sbatch --parsable --dependency="afterany:$jid" "$COMPARE" "$jid" 2>"$TMP/sb.err") || cid=""
case $cid in
[0-9]*) ok "submit the dependent compare (job $cid)" ;;
*) not_ok "submit the dependent compare" "$(cat "$TMP/sb.err")" ;;
esac
n=0
while [ -n "$(squeue -h 2>/dev/null)" ] && [ $n -lt 600 ]; do sleep 0.5; n=$((n + 1)); done
if [ -z "$(squeue -h 2>/dev/null)" ]; then ok "the jobs finish ($((n / 2)) s)"
else not_ok "the jobs finish" "$(squeue)"; fi

host=$(hostname -s)
dirs=$(ls -d results/"$host"-[0-9]*-[0-9]* 2>/dev/null | wc -l)
bad=""
for d in results/"$host"-[0-9]*; do
	[ -s "$d/sweep.csv" ] && [ -s "$d/machine.json" ] && [ -s "$d/report.html" ] || bad="$bad $d"
done
[ "$dirs" -eq 2 ] && [ -z "$bad" ] && ok "one results directory per task: results/$host-<date>, each whole" ||
	not_ok "one results directory per task" "$(ls -R results 2>&1 | head -20); bad:$bad; $(cat tkp-sweep-*.out 2>/dev/null | tail -20)"
# exclusive: the second task started when the first had ended
s0=$(sed -n 's/.* task 0 .* started \([^:]*:[^:]*:[0-9]*Z\).*/\1/p' "tkp-sweep-${jid}_0.out" 2>/dev/null)
e0=$(sed -n 's/.* task 0 .* ended \([^:]*:[^:]*:[0-9]*Z\).*/\1/p' "tkp-sweep-${jid}_0.out" 2>/dev/null)
s1=$(sed -n 's/.* task 1 .* started \([^:]*:[^:]*:[0-9]*Z\).*/\1/p' "tkp-sweep-${jid}_1.out" 2>/dev/null)
e1=$(sed -n 's/.* task 1 .* ended \([^:]*:[^:]*:[0-9]*Z\).*/\1/p' "tkp-sweep-${jid}_1.out" 2>/dev/null)
if [ -n "$s0" ] && [ -n "$e1" ] && { [ ! "$s1" \< "$e0" ] || [ ! "$s0" \< "$e1" ]; }; then
	ok "tasks one at a time on the node (task 0 $s0..$e0, task 1 $s1..$e1)"
else
	not_ok "tasks one at a time on the node" "task 0 $s0..$e0, task 1 $s1..$e1; $(cat tkp-sweep-*.out 2>/dev/null | tail)"
fi
[ -s "results/slurm-$jid/task-00000.dir" ] && [ -s "results/slurm-$jid/task-00001.dir" ] &&
	ok "each task records its results directory" || not_ok "each task records its results directory" "$(ls -A "results/slurm-$jid" 2>&1)"
C="results/compare-$jid/compare.csv"
if [ -s "$C" ] && [ "$(cut -d, -f1 "$C" | sed 1d | sort -u | wc -l)" -eq 2 ]; then
	ok "compare over the array's results: 2 machines in compare.csv"
else
	not_ok "compare over the array's results" "$(cat "tkp-compare-$cid.out" 2>/dev/null | tail -20)"
fi
grep -q "tkp-compare: 2 machines: results/$host-" "tkp-compare-$cid.out" 2>/dev/null && [ -s "results/compare-$jid/report.html" ] &&
	ok "the compare job's log and report" || not_ok "the compare job's log and report" "$(cat "tkp-compare-$cid.out" 2>/dev/null | tail)"
cd "$TKP_SRCDIR" 2>/dev/null || cd /
stop_slurm
done_testing
