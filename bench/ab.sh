#!/bin/sh
# bench/ab.sh - a kernel of git revision REV against this tree's build, both
# in one process (bench/abi: why one process, and what it prints).
#
# Usage: bench/ab.sh [-r ROUNDS] [-t THREADS] [-k KERNEL] [-A|-B MC:KC:NC] REV [f32:MxNxK ...]
#
# Builds REV's libtkprofile in a temporary git worktree (bootstrap,
# configure, make: a few minutes), this tree's libtkprofile and bench/abi,
# then runs bench/abi with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (as
# make bench does).  Run it on a quiet machine and keep its output in a
# file: anything that starts beside it disturbs it.
set -eu
cd "$(dirname "$0")/.."

usage="usage: bench/ab.sh [-r ROUNDS] [-t THREADS] [-k KERNEL] [-A|-B MC:KC:NC] REV [f32:MxNxK ...]"
opts=""
while [ $# -gt 0 ]; do
	case $1 in
	-r | -t | -k | -A | -B)
		[ $# -ge 2 ] || { echo "bench/ab.sh: $1: expected a value" >&2; exit 2; }
		opts="$opts $1 $2"
		shift 2
		;;
	-*)
		echo "$usage" >&2
		exit 2
		;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
rev=$1
shift
git rev-parse --verify --quiet "$rev^{commit}" >/dev/null ||
	{ echo "bench/ab.sh: '$rev': expected a git revision of this repository" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tkp-ab.XXXXXX")
cleanup() {
	git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true
	git worktree prune
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

jobs=$(nproc 2>/dev/null || echo 2)
echo "bench/ab.sh: building $rev in $tmp/src (log: $tmp/build.log)" >&2
git worktree add --detach --quiet "$tmp/src" "$rev"
if ! (cd "$tmp/src" && ./bootstrap && ./configure && make -j"$jobs" libtkprofile.la) \
	>"$tmp/build.log" 2>&1; then
	tail -20 "$tmp/build.log" >&2
	echo "bench/ab.sh: $rev did not build" >&2
	exit 1
fi
echo "bench/ab.sh: building this tree" >&2
make -j"$jobs" libtkprofile.la bench/abi >"$tmp/here.log" 2>&1 ||
	{ tail -20 "$tmp/here.log" >&2; echo "bench/ab.sh: this tree did not build" >&2; exit 1; }
# two files: dlopen hands back the library already loaded from the same file
cp "$tmp/src/.libs/libtkprofile.so" "$tmp/old.so"
cp .libs/libtkprofile.so "$tmp/new.so"
echo "bench/ab.sh: old = $rev ($(git rev-parse --short "$rev")), new = this tree" >&2
# shellcheck disable=SC2086
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./bench/abi $opts "$tmp/old.so" "$tmp/new.so" "$@"
