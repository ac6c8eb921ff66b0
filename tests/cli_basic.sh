#!/bin/sh
# cli_basic.sh - help, version, the kernel table, and the help contract:
# `tkprofile help X` and `tkprofile X --help` print the same.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

expect_exit 0 "--help" "$TKP_BIN" --help
grep_out "usage: tkprofile" "--help shows usage"
expect_exit 0 "--version" "$TKP_BIN" --version
grep_out "^tkprofile [0-9]" "--version prints the version"
expect_exit 2 "no command is a usage error" "$TKP_BIN"

for c in sweep run machine counters kernels plot compare; do
	"$TKP_BIN" help "$c" >"$TMP/a" 2>&1 || true
	"$TKP_BIN" "$c" --help >"$TMP/b" 2>&1 || true
	if [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b" && grep -q "usage: tkprofile $c" "$TMP/a"; then
		ok "help $c and $c --help agree"
	else
		not_ok "help $c and $c --help agree" "$(diff "$TMP/a" "$TMP/b" | head)"
	fi
done

expect_exit 0 "kernels" "$TKP_BIN" kernels
grep_out "^naive +yes" "kernels lists naive as runnable"
for k in simd blocked threaded blas; do
	grep_out "^$k " "kernels lists $k"
done
grep_out "SIMD path on this CPU: (avx512|avx2|generic)" "kernels shows the SIMD path"
TKP_ISA=generic "$TKP_BIN" kernels >"$TMP/out" 2>&1
grep_out "SIMD path on this CPU: generic" "TKP_ISA=generic lowers the path"
grep_out "lowered by TKP_ISA" "and says so"
TKP_ISA=bogus "$TKP_BIN" kernels >"$TMP/out" 2>&1
grep_out "TKP_ISA='bogus': expected avx512, avx2 or generic; ignored" "a bad TKP_ISA is named"
if grep -q "lowered by TKP_ISA" "$TMP/out"; then not_ok "a bad TKP_ISA lowers nothing"; else ok "a bad TKP_ISA lowers nothing"; fi
# OpenBLAS on kernels older than the CPU (a CPU it does not know takes its
# Prescott ones) is named where blas is listed or run; its AVX2 ones are not
"$TKP_BIN" kernels >"$TMP/out" 2>&1
if ! grep -q "^blas  *yes" "$TMP/out"; then
	for t in "kernels names OpenBLAS's Prescott kernels" "run -k blas names them" "no note with its Haswell kernels"; do
		skip "$t" "no blas kernel in this build"
	done
elif ! grep -Eq "SIMD path on this CPU: (avx512|avx2)" "$TMP/out"; then
	for t in "kernels names OpenBLAS's Prescott kernels" "run -k blas names them" "no note with its Haswell kernels"; do
		skip "$t" "no AVX2 on this CPU: Prescott's kernels are its own"
	done
else
	OPENBLAS_CORETYPE=Prescott "$TKP_BIN" kernels >"$TMP/out" 2>&1
	grep_out "note: OpenBLAS runs its Prescott kernels .*OPENBLAS_CORETYPE=(Haswell|SkylakeX)" "kernels names OpenBLAS's Prescott kernels"
	OPENBLAS_CORETYPE=Prescott "$TKP_BIN" run -k blas -s 8 -c none >"$TMP/out" 2>&1
	grep_out "^tkprofile: run: OpenBLAS runs its Prescott kernels" "run -k blas names them"
	OPENBLAS_CORETYPE=Haswell "$TKP_BIN" kernels >"$TMP/out" 2>&1
	if grep -q "OpenBLAS runs its" "$TMP/out"; then not_ok "no note with its Haswell kernels" "$(cat "$TMP/out")"; else ok "no note with its Haswell kernels"; fi
fi
TKP_PLOT_TIMEOUT=-1 "$TKP_BIN" kernels >"$TMP/out" 2>&1
grep_out "TKP_PLOT_TIMEOUT='-1': expected seconds above 0; using 60" "a bad TKP_PLOT_TIMEOUT is named"

# help's own corners
expect_exit 0 "help help" "$TKP_BIN" help help
grep_out "usage: tkprofile <command>" "help help is the main help"
expect_exit 2 "help with two commands" "$TKP_BIN" help run sweep
grep_out "help: unexpected argument 'sweep'" "names the extra argument"
expect_exit 2 "--version with an argument" "$TKP_BIN" --version now

# stdout write errors are reported, not swallowed
if [ -w /dev/full ]; then
	expect_exit 1 "a full stdout is an error" sh -c '"$TKP_BIN" kernels >/dev/full'
	grep_out "error writing standard output" "the write error is named"
else
	skip "a full stdout is an error" "/dev/full not available"
fi
done_testing
