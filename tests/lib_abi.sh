#!/bin/sh
# lib_abi.sh - the library boundary: libtkprofile.so exports exactly the
# functions include/tkprofile.h declares (no internals such as
# tkp_strlcpy, and nothing declared missing), and the library example
# (tests/example_region.c) needs no other function of ours.
#
# The header is read here with grep and sed, not with mk/exports.awk that
# makes the export list, so a fault in either shows as a difference.
. "${TKP_SRCDIR:-$(dirname "$0")/..}/tests/setup.sh"

: "${TKP_BUILDDIR:=$(dirname "$TKP_BIN")}"
so="$TKP_BUILDDIR/.libs/libtkprofile.so"
hdr="$TKP_SRCDIR/include/tkprofile.h"
LC_ALL=C
export LC_ALL

# Declared functions: comment lines and trailing comments dropped, then
# every tkp_NAME followed by '(' (a function-pointer typedef has ')(').
sed -e 's:/\*.*\*/::g' -e '/^[ \t]*\/\*/d' -e '/^[ \t]*\*/d' -e '/^[ \t]*#/d' "$hdr" |
	grep -o 'tkp_[A-Za-z0-9_]*[ \t]*(' | sed 's/[ \t]*($//' | sort -u >"$TMP/declared"
n=$(wc -l <"$TMP/declared")
if [ "$n" -ge 20 ]; then
	ok "include/tkprofile.h declares $n functions"
else
	not_ok "include/tkprofile.h declares functions" "found only $n: $(cat "$TMP/declared")"
fi

if ! command -v nm >/dev/null 2>&1; then
	skip "exports match the header" "nm (binutils) is not installed"
elif [ ! -f "$so" ]; then
	skip "exports match the header" "no shared library at $so (configured --disable-shared?)"
else
	# Every defined dynamic symbol, functions and data alike, except the
	# ones the toolchain adds (_init, _fini, __bss_start, ...).
	nm -D --defined-only "$so" | awk '{print $NF}' | sed 's/@.*//' |
		grep -v -e '^_' -e '^$' | sort -u >"$TMP/exported"
	extra=$(comm -23 "$TMP/exported" "$TMP/declared")
	missing=$(comm -13 "$TMP/exported" "$TMP/declared")
	if [ -z "$extra" ]; then
		ok "libtkprofile.so exports nothing the header does not declare"
	else
		not_ok "libtkprofile.so exports functions the header does not declare" "$extra"
	fi
	if [ -z "$missing" ]; then
		ok "libtkprofile.so exports every function the header declares"
	else
		not_ok "libtkprofile.so lacks functions the header declares" "$missing"
	fi
	# The example is linked against libtkprofile.la (Makefile.am): every
	# tkp_ function it calls must come from the public list.
	ex="$TKP_BUILDDIR/tests/.libs/example_region"
	[ -f "$ex" ] || ex="$TKP_BUILDDIR/tests/.libs/lt-example_region"
	if [ ! -f "$ex" ]; then
		skip "the example uses the public API only" "no dynamically linked tests/example_region"
	else
		nm -D --undefined-only "$ex" | awk '{print $NF}' | sed 's/@.*//' | grep '^tkp_' |
			sort -u >"$TMP/used" || :
		outside=$(comm -23 "$TMP/used" "$TMP/declared")
		if [ -s "$TMP/used" ] && [ -z "$outside" ]; then
			ok "tests/example_region calls $(wc -l <"$TMP/used") public functions and nothing else"
		else
			not_ok "tests/example_region uses the public API only" \
				"outside the header: ${outside:-none}; used: $(cat "$TMP/used")"
		fi
	fi
fi

done_testing
