# tests/setup.sh - sourced by every CLI test (sh, TAP).
#
# Gives: set -eu; $TMP, a fresh temp dir removed on exit; $TKP_BIN, the
# tkprofile under test; $TKP_SRCDIR; TAP helpers:
#   ok "what"                 count a pass
#   not_ok "what" [detail]    count a failure (the script goes on)
#   check "what" CMD...       ok if CMD succeeds, not_ok otherwise
#   skip "what" "reason"      a check that cannot run here
#   expect_exit N "what" CMD  run CMD (stdout+stderr to $TMP/out), ok if it
#                             exits N
#   done_testing              print the plan; exit 1 if anything failed
set -eu

: "${TKP_BIN:=$(cd "$(dirname "$0")/.." && pwd)/tkprofile}"
: "${TKP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
export TKP_BIN TKP_SRCDIR

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tkp-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

_tap_n=0
_tap_fail=0

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
not_ok() {
	_tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1))
	echo "not ok $_tap_n - $1"
	if [ $# -gt 1 ]; then printf '%s\n' "$2" | sed 's/^/# /'; fi
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
check() {
	_what=$1; shift
	if "$@" >"$TMP/check.out" 2>&1; then ok "$_what"; else not_ok "$_what" "$(tail -n 20 "$TMP/check.out")"; fi
}
expect_exit() {
	_want=$1; _what=$2; shift 2
	set +e
	"$@" >"$TMP/out" 2>&1 </dev/null
	_rc=$?
	set -e
	if [ "$_rc" -eq "$_want" ]; then ok "$_what (exit $_rc)"
	else not_ok "$_what: expected exit $_want, got $_rc" "$(tail -n 20 "$TMP/out")"; fi
}
# grep_out PATTERN "what": ok if the last expect_exit output matches.
grep_out() {
	if grep -qE -- "$1" "$TMP/out"; then ok "$2"; else not_ok "$2" "$(tail -n 20 "$TMP/out")"; fi
}
done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
