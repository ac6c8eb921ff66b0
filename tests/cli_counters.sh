#!/bin/sh
# cli_counters.sh - `tkprofile counters`: tells the truth about this machine
# (checked against PAPI's own papi_component_avail where installed), stops
# at malformed group files with FILE:LINE (exit 2), and at unknown events
# with the nearest known name (exit 2).
. "$(dirname "$0")/setup.sh"

papi=no
if "$TKP_BIN" --version | grep -q 'features:.* papi'; then papi=yes; fi

expect_exit 0 "tkprofile counters" "$TKP_BIN" counters
grep_out '^METRIC +COUNTED +PASS +GROUP +WHY NOT +EVENT' "prints the metric table"
for m in cycles instructions l1_dcm l2_dcm l3_tcm fp_ops; do
	grep_out "^$m +(yes|no) " "lists $m"
done
grep_out '^[0-9]+ of 6 metrics can be counted here, in [0-9]+ pass' "says how many metrics, in how many passes"
cp "$TMP/out" "$TMP/table"

if grep -qE '^[a-z0-9_]+ +no ' "$TMP/table"; then
	# Every metric that cannot be counted points to a numbered reason.
	if grep -E '^[a-z0-9_]+ +no ' "$TMP/table" | grep -qvE ' \[[0-9]+\] '; then
		not_ok "every uncounted metric has a reason" "$(cat "$TMP/table")"
	else
		ok "every uncounted metric has a reason"
	fi
	grep_out '^\[1\] .' "the reason is spelled out"
	grep_out '^    fix: .' "with the fix"
else
	skip "every uncounted metric has a reason" "every metric can be counted here"
	skip "the reason is spelled out" "every metric can be counted here"
	skip "with the fix" "every metric can be counted here"
fi

if [ "$papi" = yes ]; then
	grep_out '^PAPI [0-9]+\.[0-9]+' "prints PAPI's version"
	grep_out '^  perf_event +(enabled|disabled)' "prints the perf_event component's status"
	reason=""
	if command -v papi_component_avail >/dev/null 2>&1; then
		reason=$(papi_component_avail 2>/dev/null | awk '
			/^Name: +perf_event / { f = 1; next }
			/^Name:/ { f = 0 }
			f && /Disabled:/ { sub(/.*Disabled: */, ""); print; exit }')
	fi
	if [ -n "$reason" ]; then
		if grep -qF "$reason" "$TMP/table"; then ok "gives PAPI's own reason: $reason"
		else not_ok "gives PAPI's own reason: $reason" "$(cat "$TMP/table")"; fi
		grep_out '^Nothing can be counted here' "says that nothing can be counted, and what still works"
	elif [ -d /sys/bus/event_source/devices ] &&
		! ls /sys/bus/event_source/devices | grep -qE '^(cpu|cpu_core|cpu_atom|armv[78].*|arm_.*|riscv.*)$'; then
		# perf_event enabled, but the kernel lists no CPU PMU (a VM
		# without a vPMU): that is the reason given, once, not "no such
		# event" per metric
		grep_out '^\[1\] .*exposes no CPU PMU' "names the missing CPU PMU (enabled perf_event, no hardware events)"
		if grep -q '^\[2\]' "$TMP/table"; then
			not_ok "one reason for every metric" "$(cat "$TMP/table")"
		else
			ok "one reason for every metric"
		fi
		grep_out '^Nothing can be counted here' "says that nothing can be counted, and what still works"
	elif command -v papi_component_avail >/dev/null 2>&1; then
		skip "gives PAPI's own reason" "perf_event is enabled here"
		skip "says that nothing can be counted" "perf_event is enabled here"
	else
		skip "gives PAPI's own reason" "papi_component_avail (papi-tools) is not installed"
		skip "says that nothing can be counted" "papi_component_avail (papi-tools) is not installed"
	fi
else
	grep_out 'built without PAPI' "says PAPI is not built in"
fi
if [ -r /proc/sys/kernel/perf_event_paranoid ]; then
	grep_out "perf_event_paranoid = $(cat /proc/sys/kernel/perf_event_paranoid)" "shows kernel.perf_event_paranoid"
else
	skip "shows kernel.perf_event_paranoid" "/proc/sys/kernel/perf_event_paranoid is not readable"
fi

expect_exit 0 "counters --help" "$TKP_BIN" counters --help
grep_out '^usage: tkprofile counters' "prints the usage"

# Malformed group files: FILE:LINE, exit 2.
mkdir "$TMP/g1" "$TMP/g2" "$TMP/g3"
printf '# test\n[cycles]\nevents = PAPI_TOT_CYC\n\n[l1_dcn]\nevents = PAPI_L1_DCM\n' >"$TMP/g1/bad.ini"
expect_exit 2 "a group file with an unknown metric" "$TKP_BIN" counters --groups "$TMP/g1"
grep_out "bad\.ini:5: unknown metric 'l1_dcn' \(did you mean 'l1_dcm'\?\)" "FILE:LINE and the nearest metric"
printf '[cycles]\nevents = PAPI_TOT_CYC\nevnets = PAPI_TOT_INS\n' >"$TMP/g2/bad.ini"
expect_exit 2 "a group file with an unknown key" "$TKP_BIN" counters --groups "$TMP/g2"
grep_out "bad\.ini:3: \[cycles\] unknown key 'evnets' \(did you mean 'events'\?\)" "FILE:LINE and the nearest key"
printf '[cycles]\nevents = PAPI_TOT_CYC\nnot an assignment\n' >"$TMP/g3/bad.ini"
expect_exit 2 "a group file with a line that is not key = value" "$TKP_BIN" counters --groups "$TMP/g3"
grep_out "bad\.ini:3: expected 'key = value'" "FILE:LINE of the bad line"
expect_exit 2 "a groups directory that does not exist" "$TKP_BIN" counters --groups "$TMP/none"
expect_exit 2 "an unknown option" "$TKP_BIN" counters --bogus

# Unknown events: the nearest name, exit 2.
if [ "$papi" = yes ]; then
	expect_exit 2 "an unknown event in --events" "$TKP_BIN" counters --events PAPI_TOT_CYC,PAPI_TOT_CYK
	grep_out "unknown event 'PAPI_TOT_CYK' \(did you mean 'PAPI_TOT_CYC'\?\)" "suggests the nearest event"
	expect_exit 0 "--events with known events" "$TKP_BIN" counters --events PAPI_TOT_CYC,PAPI_L1_DCM
	grep_out '^(yes|no) +[-0-9]+ +(-|\[[0-9]+\]) +PAPI_L1_DCM$' "one row per event"
else
	skip "an unknown event in --events" "built without PAPI"
	skip "suggests the nearest event" "built without PAPI"
	skip "--events with known events" "built without PAPI"
	skip "one row per event" "built without PAPI"
fi
expect_exit 2 "a malformed event name" "$TKP_BIN" counters --events 'PAPI TOT CYC'

done_testing
