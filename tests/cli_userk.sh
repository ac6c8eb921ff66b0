#!/bin/sh
# cli_userk.sh - your own kernels (--kernel-file, issue 18):
#   - every example in examples/kernels runs through `run` and verifies,
#     and a small sweep puts them beside the built-ins in sweep.csv;
#   - a wrong kernel (off by one in k) is caught with its first wrong
#     element, shape and dtype, and its rows are unverified;
#   - a crashing and a hanging kernel in one sweep fail only their own
#     rows (the signal and the time limit named), the others' rows are
#     intact, and --resume does not retry them unless --retry-failed;
#   - bad input: a missing file, neither C nor a shared object, a compile
#     error (the compiler's text passed through), no tkp_kernel, a .so for
#     another machine, a built-in's name: one message naming the file,
#     exit 2, nothing written;
#   - new-kernel writes a template that runs; a .so kernel loads; the
#     kernel header's types match tkprofile.h's.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"
# Under AddressSanitizer (CI's sanitizer build) ASan would catch the
# crashing kernel's SIGSEGV itself and abort; leave SIGSEGV to the kernel
# so the child dies of it as it does in a plain build.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
export ASAN_OPTIONS
cd "$TMP"

EX="$TKP_SRCDIR/examples/kernels"
CC=${CC:-cc}
if ! command -v "$CC" >/dev/null 2>&1; then
	skip "user kernels" "no C compiler ($CC) to build them"
	done_testing
	exit 0
fi
# portable flags: the tests need no particular CPU, and stay quick
CFLAGS="-O1"
export CFLAGS

# ---- every example, through run ------------------------------------------
for f in "$EX"/*.c; do
	n=$(basename "$f" .c)
	extra=""
	case $n in *blocked*) extra="--block 16" ;; *pthreads*) extra="--threads 2" ;; esac
	# shellcheck disable=SC2086
	expect_exit 0 "run --kernel-file $n" "$TKP_BIN" run --kernel-file "$f" --size 37x41x29 \
		--counters none --min-time 0 --format csv $extra
	if awk -F, -v n="$n" '$1 == n && $26 == 1 { ok = 1 } END { exit !ok }' "$TMP/out"; then
		ok "$n: its row is named $n and verified"
	else
		not_ok "$n: its row is named $n and verified" "$(cat "$TMP/out")"
	fi
done

# ---- test kernels ----------------------------------------------------------
kernel() { # kernel NAME BODY-BEFORE-THE-LOOP INNER-P-BOUND
	cat >"$1.c" <<EOF
#include <tkprofile_kernel.h>
#include <stdlib.h>
int tkp_kernel(const tkp_gemm *g)
{
	const double *a = g->a, *b = g->b;
	double *c = g->c;
	if (g->dtype != TKP_F64)
		return TKP_ENOTSUP;
	$2
	for (size_t i = 0; i < g->m; i++)
		for (size_t j = 0; j < g->n; j++) {
			double s = 0;
			for (size_t p = 0; $3; p++)
				s += a[i * g->k + p] * b[p * g->n + j];
			c[i * g->n + j] = s;
		}
	return 0;
}
EOF
}
kernel mm_wrong ";" "p + 1 < g->k"
kernel mm_crash "if (g->m >= 96) { volatile double *z = (double *)16; *z = 1; }" "p < g->k"
kernel mm_abort "if (g->m >= 96) abort();" "p < g->k"
kernel mm_hang "if (g->m >= 96) for (volatile int x = 0;;) x++;" "p < g->k"
kernel mm_good ";" "p < g->k"

expect_exit 0 "run a wrong kernel" "$TKP_BIN" run --kernel-file mm_wrong.c --size 32 --counters none --min-time 0
grep_out "mm_wrong f64 is wrong: C\[0\]\[0\] = .*expected .*1x1x1" "a wrong kernel: the first wrong element, shape and dtype"
grep_out "verified +NO" "a wrong kernel's row is not verified"
expect_exit 1 "run a kernel without f32" "$TKP_BIN" run --kernel-file mm_good.c --size 16 --dtype f32 --counters none --min-time 0
grep_out "mm_good does not handle f32 \(it returned TKP_ENOTSUP\)" "run says the kernel does not handle the dtype"
expect_exit 1 "run a crashing kernel" "$TKP_BIN" run --kernel-file mm_crash.c --size 100 --counters none --min-time 0
grep_out "mm_crash f64 100x100x100: crashed: killed by SIGSEGV" "run names the signal"
expect_exit 1 "run a hanging kernel" "$TKP_BIN" run --kernel-file mm_hang.c --size 100 --counters none --min-time 0 --kernel-timeout 1
grep_out "ran past its 1 s time limit" "run names the time limit"

# what a kernel prints (a student's debugging) arrives, once per process
kernel mm_print "static int once; if (!once++) printf(\"debug %zu\\n\", g->m);" "p < g->k"
sed 's/#include <stdlib.h>/#include <stdio.h>/' mm_print.c >mm_print.tmp && mv mm_print.tmp mm_print.c
expect_exit 0 "a kernel that prints" "$TKP_BIN" run --kernel-file mm_print.c --size 32 --counters none --min-time 0
if [ "$(grep -c '^debug 1$' "$TMP/out")" = 1 ] && [ "$(grep -c '^debug 32$' "$TMP/out")" = 1 ]; then
	ok "what the kernel prints arrives once (check and measurement)"
else
	not_ok "what the kernel prints arrives once" "$(cat "$TMP/out")"
fi

# ---- one sweep: crash, abort, hang and wrong beside correct kernels --------
expect_exit 0 "a sweep with crashing, hanging and wrong kernels" "$TKP_BIN" sweep --kernels naive \
	--sizes 32,100 --dtype f64 --counters none --min-time 0 --no-plots --quiet --kernel-timeout 2 \
	--kernel-file mm_good.c,mm_wrong.c,mm_crash.c,mm_abort.c,mm_hang.c,"$EX/mm_ikj.c" --out s
cp "$TMP/out" sweep.out
grep_out "mm_crash f64 100: crashed: killed by SIGSEGV" "the crash is named with its signal"
grep_out "mm_abort f64 100: crashed: killed by SIGABRT" "abort is named"
grep_out "mm_hang f64 100: ran past its 2 s time limit" "the hang is named with its limit"
rows() { awk -F, -v k="$1" -v v="$2" '$1 == k && $26 == v' s/sweep.csv | wc -l | tr -d ' '; }
for k in naive mm_good mm_ikj; do
	if [ "$(rows $k 1)" = 2 ]; then ok "$k: both rows there and verified"
	else not_ok "$k: both rows there and verified" "$(cat s/sweep.csv)"; fi
done
for k in mm_crash mm_abort mm_hang; do
	if [ "$(rows $k 1)" = 1 ] && [ "$(grep -c "^$k," s/sweep.csv)" = 1 ] &&
		grep -q "^$k,f64,100,100,100," s/kernels/failed.csv; then
		ok "$k: only its failing row is missing, and recorded in kernels/failed.csv"
	else
		not_ok "$k: only its failing row is missing" "$(cat s/sweep.csv s/kernels/failed.csv)"
	fi
done
if [ "$(rows mm_wrong 0)" = 2 ]; then ok "a wrong kernel's rows are marked unverified"
else not_ok "a wrong kernel's rows are marked unverified" "$(cat s/sweep.csv)"; fi
check "kernels.txt records the compiler, its version and flags" \
	grep -q "^flags = -O1$" s/kernels/kernels.txt
check "kernels.txt has the compiler's version" grep -q "^compiler = ." s/kernels/kernels.txt
check "the kernel files are copied" test -f s/kernels/mm_good.c
check "plan.prof keeps the kernel files" grep -q "^kernel_files = .*mm_hang.c$" s/plan.prof

n0=$(wc -l <s/sweep.csv)
expect_exit 0 "--resume does not retry crashed kernels" "$TKP_BIN" sweep --out s --resume --no-plots
grep_out "skipped mm_crash f64 100: it failed before" "--resume says why it skips them"
if [ "$(wc -l <s/sweep.csv)" = "$n0" ]; then ok "--resume adds no rows"
else not_ok "--resume adds no rows" "$(cat s/sweep.csv)"; fi
# every configuration it runs fails again: exit 1
expect_exit 1 "--resume --retry-failed tries them again" "$TKP_BIN" sweep --out s --resume --no-plots \
	--retry-failed
grep_out "mm_crash f64 100: crashed: killed by SIGSEGV" "--retry-failed runs the crashing kernel again"

# ---- bad input: one message naming the file, exit 2, nothing written -------
bad() { # bad WHAT PATTERN FILE
	rm -rf b
	expect_exit 2 "$1" "$TKP_BIN" sweep --kernels naive --sizes 16 --counters none --no-plots \
		--kernel-file "$3" --out b
	grep_out "$2" "$1: says so, naming the file"
	if [ -e b ]; then not_ok "$1: nothing written" "$(ls -R b)"; else ok "$1: nothing written"; fi
}
bad "a missing file" "nosuch.c: No such file" nosuch.c
printf 'hello\n' >notes.txt
bad "a text file" "notes.txt: neither a C source" notes.txt
printf 'int tkp_kernel(const tkp_gemm *g) { return oops; }\n' >mm_broken.c
bad "a compile error" "mm_broken.c: does not compile" mm_broken.c
grep_out "'oops' undeclared|oops" "the compiler's own text is passed through"
printf '#include <tkprofile_kernel.h>\nint not_the_kernel(void) { return 0; }\n' >mm_nosym.c
bad "no tkp_kernel" "mm_nosym.c: defines no tkp_kernel" mm_nosym.c
cp mm_good.c naive.c
bad "a built-in's name" "naive.c: kernel name 'naive' is a built-in" naive.c
# an ELF shared object for another machine: the header of one (aarch64 on
# x86-64, x86-64 elsewhere), enough for the check that comes first
if [ "$(uname -m)" = aarch64 ]; then em='\076\000'; else em='\267\000'; fi
{ printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000'; printf "$em"; \
  head -c 100 /dev/zero; } >mm_other.so
bad "a .so for another machine" "mm_other.so: a shared object for .*not for this machine" mm_other.so
expect_exit 2 "run: --kernel and --kernel-file together" "$TKP_BIN" run --kernel naive \
	--kernel-file mm_good.c --size 8

# ---- a shared object, new-kernel, the header ------------------------------
if "$CC" -O1 -fPIC -shared -I"$TKP_SRCDIR/include" -o mm_so.so mm_good.c 2>cc.err; then
	expect_exit 0 "a shared object as --kernel-file" "$TKP_BIN" run --kernel-file mm_so.so --size 20 \
		--counters none --min-time 0 --format csv
	grep_out "^mm_so,f64,20,20,20,.*,1,[^,]*(,[^,]*){4}$" "its row is named after the file and verified"
else
	skip "a shared object as --kernel-file" "$CC cannot build one: $(head -1 cc.err)"
fi
expect_exit 0 "new-kernel writes a template" "$TKP_BIN" new-kernel mm_mine
expect_exit 0 "the template runs and verifies" "$TKP_BIN" run --kernel-file mm_mine.c --size 24 \
	--counters none --min-time 0
grep_out "verified +yes" "the template's result is right"
expect_exit 2 "new-kernel does not overwrite" "$TKP_BIN" new-kernel mm_mine
expect_exit 2 "new-kernel refuses a built-in's name" "$TKP_BIN" new-kernel blocked
cat >layout.c <<'EOF'
#include <stdio.h>
#include <stddef.h>
#include HDR
int main(void)
{
	printf("%zu %zu %zu %zu %zu %zu %d %d %d %d\n", sizeof(tkp_gemm), offsetof(tkp_gemm, a),
	       offsetof(tkp_gemm, block), offsetof(tkp_gemm, threads), offsetof(tkp_gemm, mc),
	       offsetof(tkp_gemm, size), TKP_F64, TKP_ENOTSUP, TKP_CAP_BLOCK, TKP_CAP_THREADS);
	return 0;
}
EOF
if "$CC" -I"$TKP_SRCDIR/include" -DHDR='<tkprofile.h>' -o l1 layout.c &&
	"$CC" -I"$TKP_SRCDIR/include" -DHDR='<tkprofile_kernel.h>' -o l2 layout.c &&
	[ "$(./l1)" = "$(./l2)" ]; then
	ok "tkprofile_kernel.h's types match tkprofile.h's"
else
	not_ok "tkprofile_kernel.h's types match tkprofile.h's"
fi

done_testing
