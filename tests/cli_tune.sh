#!/bin/sh
# cli_tune.sh - `tkprofile tune`: the sweep prints a best blocking, --save
# writes the tuning file (keeping other paths' lines), --show reads it back
# the way runs and sweeps resolve it, and bad options exit 2; a sweep
# takes the blocking from a profile's tuned_* keys over the environment and
# the file, and records what it ran in plan.prof.  Tiny sizes: this checks
# the plumbing, not the tuning.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

conf="$TMP/cfg/tkprofile/tuned.conf"
export XDG_CONFIG_HOME="$TMP/cfg"
unset TKP_TUNED_CONF TKP_TUNED_MC TKP_TUNED_KC TKP_TUNED_NC || :

expect_exit 0 "tune --show without a file" "$TKP_BIN" tune --show
grep_out "f64: MC=[1-9][0-9]* KC=[1-9][0-9]* NC=[1-9][0-9]*" "--show prints the blocking"
grep_out "tuning file: $conf" "--show names \$XDG_CONFIG_HOME/tkprofile/tuned.conf"

mkdir -p "$TMP/cfg/tkprofile"
echo "otherpath f64 1 2 3" >"$conf"
expect_exit 0 "tune --quick --size 64 --dtype f64 --save" "$TKP_BIN" tune --quick --size 64 --dtype f64 --save
grep_out "^# best f64: MC=[0-9]+ KC=[0-9]+ NC=[0-9]+" "tune prints the best"
path=$("$TKP_BIN" kernels | sed -n 's/^SIMD path on this CPU: \([a-z0-9]*\).*/\1/p')
best=$(sed -n 's/^# best f64: MC=\([0-9]*\) KC=\([0-9]*\) NC=\([0-9]*\).*/\1 \2 \3/p' "$TMP/out")
if grep -qx "$path f64 $best" "$conf" && grep -qx "otherpath f64 1 2 3" "$conf"; then
	ok "--save wrote '$path f64 $best' and kept the other line"
else
	not_ok "--save wrote the file" "$(cat "$conf")"
fi

# A hand-written line is what the kernel uses (MC/NC round to MR/NR;
# 72 and 48 are multiples of every path's f64 MR and NR: 4, 6, 8 and 8, 24).
printf '# comment\n%s f64 72 96 48\ngarbage line\n' "$path" >"$conf"
expect_exit 0 "tune --show with a file" "$TKP_BIN" tune --show
grep_out "f64: MC=72 KC=96 NC=48" "tuned reads the saved blocking"
grep_out "tune: tuned kernel settings: .*:3: 'garbage line': expected 'PATH DTYPE MC KC NC'" \
	"a line it cannot read is named with its line number"
expect_exit 0 "run tuned with the saved blocking" "$TKP_BIN" run --kernel tuned --size 131x77x301 \
	--counters none --min-time 0.01 --format csv
grep_out "^tuned,f64,131,77,301,.*,1,[0-9.e-]*,,,,[0-9]*$" "and still verifies"
TKP_TUNED_KC=32 expect_exit 0 "TKP_TUNED_KC overrides the file" "$TKP_BIN" tune --show
grep_out "f64: MC=72 KC=32 NC=48" "environment wins over the file"

# A sweep records the blocking it ran: the file's, the environment's over
# it, and a profile's keys over both (the variable it overrides is named).
# 48 is a multiple of every path's f64 MR and NR too.
printf '[sweep]\nkernels = tuned\nsizes = 40x24x56\ncounters = none\nprobe = none\nmin_time = 0.01\n' \
	>"$TMP/t.prof"
tuned_keys() { grep '^tuned_' "$1/plan.prof" | tr '\n' ' '; }
expect_exit 0 "sweep with the saved blocking" "$TKP_BIN" sweep --profile "$TMP/t.prof" --out "$TMP/s1" --no-plots
got=$(tuned_keys "$TMP/s1")
if [ "$got" = "tuned_mc = 72 tuned_kc = 96 tuned_nc = 48 " ]; then
	ok "plan.prof records the file's blocking"
else
	not_ok "plan.prof records the file's blocking" "$got"
fi
TKP_TUNED_KC=32 expect_exit 0 "sweep with TKP_TUNED_KC=32" "$TKP_BIN" sweep --profile "$TMP/t.prof" \
	--out "$TMP/s2" --no-plots
got=$(tuned_keys "$TMP/s2")
if [ "$got" = "tuned_mc = 72 tuned_kc = 32 tuned_nc = 48 " ]; then
	ok "the environment overrides the file, and plan.prof says so"
else
	not_ok "the environment overrides the file, and plan.prof says so" "$got"
fi
printf 'tuned_kc = 64\ntuned_mc = 48\n' >>"$TMP/t.prof"
TKP_TUNED_KC=32 expect_exit 0 "sweep with tuned_kc = 64 in the profile" "$TKP_BIN" sweep \
	--profile "$TMP/t.prof" --out "$TMP/s3" --no-plots
grep_out "sweep: TKP_TUNED_KC=32 is ignored: the plan sets tuned_kc = 64" "the overridden variable is named"
grep_out "^  tuned " "and the tuned row is measured"
got=$(tuned_keys "$TMP/s3")
if [ "$got" = "tuned_mc = 48 tuned_kc = 64 tuned_nc = 48 " ]; then
	ok "the profile's keys are used over both and recorded"
else
	not_ok "the profile's keys are used over both and recorded" "$got"
fi
expect_exit 0 "sweep --resume of it" "$TKP_BIN" sweep --out "$TMP/s3" --resume --no-plots
got=$(tuned_keys "$TMP/s3")
if [ "$got" = "tuned_mc = 48 tuned_kc = 64 tuned_nc = 48 " ]; then
	ok "--resume keeps the recorded blocking"
else
	not_ok "--resume keeps the recorded blocking" "$got"
fi
# The simulated child is handed the parent's blocking (hidden option).
expect_exit 0 "run --sim-child --sim-tuned 48,64,48" "$TKP_BIN" run --kernel tuned --size 40x24x56 \
	--sim-child --sim-tuned 48,64,48
expect_exit 2 "run --sim-child --sim-tuned 48,64" "$TKP_BIN" run --kernel tuned --size 8 \
	--sim-child --sim-tuned 48,64
grep_out "run: --sim-tuned '48,64': expected MC,KC,NC" "is refused, named"
printf 'tuned_nc = f16:8\n' >>"$TMP/t.prof"
expect_exit 2 "a profile with tuned_nc = f16:8" "$TKP_BIN" sweep --profile "$TMP/t.prof" --out "$TMP/s4"
grep_out "tuned_nc = f16:8: 'f16:8': expected a whole number from 1 to 16777216, or f32:N,f64:N" \
	"is named with what was expected"

TKP_TUNED_MC=abc expect_exit 0 "a malformed TKP_TUNED_MC" "$TKP_BIN" tune --show
grep_out "TKP_TUNED_MC='abc': expected a whole number from 1 to 16777216; ignored" "is named, not silently ignored"
TKP_TUNED_CONF="$TMP" expect_exit 0 "TKP_TUNED_CONF naming a directory" "$TKP_BIN" tune --show
grep_out "tuned kernel settings: .*: Is a directory; ignored" "is named"
TKP_TUNED_CONF="$TMP/none.conf" expect_exit 0 "TKP_TUNED_CONF naming no file" "$TKP_BIN" tune --show
grep_out "TKP_TUNED_CONF='.*none.conf': No such file or directory; ignored" "is named"

expect_exit 2 "tune --dtype f16" "$TKP_BIN" tune --dtype f16
expect_exit 2 "tune --size 3" "$TKP_BIN" tune --size 3
expect_exit 2 "tune --save --show" "$TKP_BIN" tune --save --show
expect_exit 2 "tune extra argument" "$TKP_BIN" tune now
expect_exit 0 "tune --help" "$TKP_BIN" tune --help
grep_out "^usage: tkprofile tune" "--help prints the usage"

done_testing
