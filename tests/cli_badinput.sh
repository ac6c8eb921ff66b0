#!/bin/sh
# cli_badinput.sh - every bad input gets one clear line naming the input and
# what was expected, exit 2, and leaves no files behind.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

bad() { # bad "what" "pattern" args...
	_w=$1; _p=$2; shift 2
	expect_exit 2 "$_w" "$TKP_BIN" "$@"
	grep_out "$_p" "$_w: message says '$_p'"
	_lines=$(wc -l <"$TMP/out")
	if [ "$_lines" -le 2 ]; then ok "$_w: short message"; else not_ok "$_w: short message" "$(cat "$TMP/out")"; fi
}

bad "unknown command" "unknown command 'swep'" swep
bad "unknown global option" "unknown option '--frob'" --frob
bad "unknown run option" "unknown option '--frob'" run --frob
bad "unknown kernel" "unknown kernel 'naiv' \(did you mean 'naive'\?\)" run --kernel naiv --size 8
bad "size 0" "sizes must be at least 1" run --kernel naive --size 0
bad "negative size" "positive" run --kernel naive --size -3
bad "non-numeric size" "expected a positive integer" run --kernel naive --size big
bad "overflowing size" "too large" run --kernel naive --size 99999999999999999999
bad "size too big for memory" "needs [0-9.]+ GiB" run --kernel naive --size 2000000
bad "block 0" "--block '0': expected an integer from 1" run --kernel blocked --size 8 --block 0
bad "threads 0" "--threads '0': expected an integer from 1 to 4096" run --kernel threaded --size 8 --threads 0
bad "threads absurd" "--threads '5000'" run --kernel threaded --size 8 --threads 5000
bad "missing --size" "--size is required" run --kernel naive
bad "bad dtype" "--dtype 'f16': expected f32 or f64" run --kernel naive --size 8 --dtype f16
bad "bad format" "--format 'xml'" run --kernel naive --size 8 --format xml
bad "block on a blockless kernel" "takes no block size" run --kernel naive --size 8 --block 4

cd "$TMP"
bad "sweep: size 0" "--sizes: '0': sizes must be at least 1" sweep --sizes 0 --out r1
bad "sweep: unknown kernel" "unknown kernel 'fast'" sweep --kernels fast --out r2
bad "sweep: block 0" "--blocks: '0': expected 1 to" sweep --blocks 0 --out r3
bad "sweep: threads absurd" "--threads" sweep --threads 9999 --out r4
bad "sweep: no such profile" "--profile 'nope': no such profile" sweep --profile nope --out r5
bad "sweep: size too big for memory" "needs [0-9.]+ GiB" sweep --sizes 3000000 --kernels blocked --out r6
printf '[sweep]\nsizes = 64\nkernels = naive, quick\n' >bad.prof
bad "sweep: malformed profile" "bad.prof:3: kernels = naive, quick: unknown kernel 'quick'" sweep --profile ./bad.prof --out r7
printf '[sweep]\n\000\001garbage\n' >bin.prof
bad "sweep: binary profile" "bin.prof:2: binary data" sweep --profile ./bin.prof --out r8
chmod 000 bad.prof
if [ "$(id -u)" != 0 ]; then
	bad "sweep: unreadable profile" "bad.prof: Permission denied" sweep --profile ./bad.prof --out r9
else
	skip "sweep: unreadable profile" "root reads any file"
fi
chmod 644 bad.prof
mkdir ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
	bad "sweep: unwritable --out" "not writable" sweep --profile quick --out ro/x
else
	skip "sweep: unwritable --out" "root writes anywhere"
fi
touch afile
bad "sweep: --out is a file" "exists and is not a directory" sweep --sizes 8 --kernels naive --out afile
bad "sweep: --resume without --out" "--resume needs --out" sweep --resume
bad "sweep: --resume on a non-results dir" "holds no plan.prof" sweep --resume --out ro

# nothing was left behind by any of the above
left=$(ls -A | grep -v -e '^bad.prof$' -e '^bin.prof$' -e '^ro$' -e '^afile$' -e '^out$' -e '^check.out$' || true)
if [ -z "$left" ] && [ -z "$(ls -A ro)" ]; then ok "bad input left no files"; else not_ok "bad input left no files" "$left"; fi

# a directory that holds results is never overwritten
mkdir done && echo "kernel" >done/sweep.csv
bad "sweep: --out holds results" "already holds results; refusing to overwrite" sweep --sizes 8 --kernels naive --out done
if [ "$(cat done/sweep.csv)" = "kernel" ]; then ok "earlier results untouched"; else not_ok "earlier results untouched"; fi
mkdir probed && echo "{}" >probed/machine.json
bad "machine: --out holds results" "already holds results; refusing to overwrite" machine --quick --out probed

# a directory that holds other files is refused too: a mistyped --out must
# not scatter results among them
mkdir mine && echo "notes" >mine/notes.txt
bad "sweep: --out holds other files" "--out 'mine' is not empty \(it holds 'notes.txt'\)" sweep --sizes 8 --kernels naive --out mine
bad "machine: --out holds other files" "--out 'mine' is not empty" machine --quick --out mine
if [ "$(ls -A mine)" = "notes.txt" ]; then ok "other files untouched, nothing added"; else not_ok "other files untouched, nothing added" "$(ls -A mine)"; fi
mkdir empty
expect_exit 0 "sweep: an empty --out is used" "$TKP_BIN" sweep --sizes 8 --kernels naive --dtype f64 --no-plots --quiet --out empty
if [ -s empty/sweep.csv ]; then ok "sweep: wrote into the empty --out"; else not_ok "sweep: wrote into the empty --out"; fi

# an --out that cannot be made: usage errors (exit 2) naming --out
bad "sweep: --out ''" "--out '': expected a directory path" sweep --sizes 8 --kernels naive --out ''
bad "machine: --out ''" "--out '': expected a directory path" machine --quick --out ''
bad "sweep: --out under /proc" "--out '/proc/tkp-no': cannot (create it|be created)" sweep --sizes 8 --kernels naive --no-plots --out /proc/tkp-no
bad "machine: --out under /proc" "--out '/proc/tkp-no': cannot (create it|be created)" machine --quick --out /proc/tkp-no

# a directory named like a built-in profile does not hide it
mkdir quick
expect_exit 0 "sweep: --profile quick beside a directory 'quick'" "$TKP_BIN" sweep --profile quick --kernels naive --sizes 8 --dtype f64 --no-plots --quiet --out qdir
if grep -q '^sizes *= *8$' qdir/plan.prof && grep -q '^probe *= *quick' qdir/plan.prof; then ok "the built-in quick profile was used"; else not_ok "the built-in quick profile was used" "$(cat qdir/plan.prof)"; fi
mkdir notaprofile
bad "sweep: --profile naming a directory" "--profile notaprofile: Is a directory" sweep --profile notaprofile --out np

# sizes the kernels' max_size leaves out are named, never dropped silently
bad "sweep: every size above max_size" "every size is above its kernel's max_size \(naive above 1024: 2048\)" sweep --kernels naive --sizes 2048 --out capped
expect_exit 0 "sweep: some sizes above max_size" "$TKP_BIN" sweep --kernels naive,simd --sizes 8,2048 --dtype f64 --no-plots --out capped2
grep_out "left out by the kernels' max_size: naive above 1024: 2048; simd above 1024: 2048" "sweep: the sizes left out are named"
if [ "$(grep -c '^naive\|^simd' capped2/sweep.csv)" = 2 ]; then ok "sweep: the other sizes ran"; else not_ok "sweep: the other sizes ran" "$(cat capped2/sweep.csv)"; fi

# tune follows the other commands' option conventions
bad "tune: unknown option" "tune: unknown option '--bogus'" tune --bogus
bad "tune: -q is not --quick" "tune: unknown option '-q'" tune -q
bad "tune: threads absurd" "--threads '5000': expected an integer from 1 to 4096" tune --threads 5000
bad "tune: size too small" "--size '8': expected an integer from 16 to 16384" tune --size 8
bad "tune: missing value" "option '--size' needs a value" tune --size
bad "tune: --dtype f16" "--dtype 'f16': expected f32, f64 or both" tune --dtype f16

# a value given to an option that takes none is said as such
bad "machine --quick=yes" "option '--quick' takes no value" machine --quick=yes
bad "sweep --resume=1" "option '--resume' takes no value" sweep --resume=1
bad "tune --save=1" "option '--save' takes no value" tune --save=1
done_testing
