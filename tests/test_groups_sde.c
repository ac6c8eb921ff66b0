/*
 * test_groups_sde.c - weighted sums and raw entries of the group files
 * through the real PAPI path, with PAPI's software-defined events (libsde)
 * standing in for hardware ones: a metric that is a weighted sum reads
 * exactly the sum of its counts times their weights (stop and read, over
 * several passes), its terms share one pass, a sum with an unknown term is
 * not counted and names the term, and a raw entry is tried only after the
 * named events failed, only on the CPU it names (this machine's, taken
 * from PAPI), and fails here with the CPU's real reason.
 */
#include "config.h"

#include <math.h>
#include <papi.h>
#include <sde_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counters.h"
#include "tap.h"

#define EV(x) "sde:::tkp_sum::" x

static long long cnt_x, cnt_y, cnt_z, cnt_cyc;

static void add(long long *c, long long v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

static void register_counters(void)
{
	papi_handle_t h = papi_sde_init("tkp_sum");

	papi_sde_register_counter(h, "X", PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &cnt_x);
	papi_sde_register_counter(h, "Y", PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &cnt_y);
	papi_sde_register_counter(h, "Z", PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &cnt_z);
	papi_sde_register_counter(h, "cyc", PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &cnt_cyc);
}

/* The CPU line of a raw entry for this machine, from PAPI. */
static void this_cpu(char *buf, size_t len)
{
	const PAPI_hw_info_t *hw;

	if (PAPI_is_initialized() == PAPI_NOT_INITED)
		PAPI_library_init(PAPI_VER_CURRENT);
	hw = PAPI_get_hardware_info();
	snprintf(buf, len, "%s %Xh %02X-%02X", hw && strstr(hw->vendor_string, "AMD") ? "AMD" : "Intel",
		 hw ? hw->cpuid_family : 0, hw ? hw->cpuid_model : 0, hw ? hw->cpuid_model : 0);
}

static void test_sums(const char *dir)
{
	char text[2048], why[2048], cpu[64];
	tkp_counters_opts o;
	tkp_counters *c = NULL;
	tkp_counter_slot s;
	double v[TKP_M_COUNT], r[TKP_M_COUNT];
	int rc, p, i;

	this_cpu(cpu, sizeof cpu);
	snprintf(text, sizeof text,
		 "[cycles]\n"
		 "events = " EV("cyc") "\n"
		 "[fp_ops]\n"
		 "events = " EV("X") "*2 +\n"
		 "\t" EV("Y") "*8\n"
		 "[l1_dcm]\n"
		 "events = " EV("X") "*1 + PAPI_NOPE_OPS*2, " EV("Z") "*0.5\n"
		 "[l2_dcm]\n"
		 "events = amd64_k7::NOT_AN_EVENT\n"
		 /* CPUs no machine with AVX runs: AMD K10, Intel P5 (a Zen 5,
		  * family 1Ah model 02, was once in this line's list) */
		 "raw = AMD 10h 00-4F 60-7F: r76, Intel 5h: r3c\n"
		 "[l3_tcm]\n"
		 "events = amd64_k7::NOT_AN_EVENT\n"
		 "raw = %s: r412e\n",
		 cpu);
	mkdir(dir, 0700);
	snprintf(why, sizeof why, "%s/sums.ini", dir);
	if (!tap_ok(!tap_write_file(why, text), "write %s", why))
		return;
	tkp_counters_opts_init(&o);
	o.mode = TKP_COUNTERS_PAPI;
	o.groups_dir = dir;
	o.max_per_pass = 3;
	rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
	if (!tap_ok(rc == 0 && c, "open a group file with sums and raw entries (rc %d: %s)", rc, why))
		return;
	tkp_counters_slot(c, TKP_M_FP_OPS, &s);
	tap_ok(s.countable && !strcmp(s.event, EV("X") "*2 + " EV("Y") "*8") && !s.raw,
	       "fp_ops: the sum over two lines is the event chosen (%s)", s.event);
	tap_ok(strstr(s.encoding, "component") != NULL, "a component event's encoding says it has none (%s)",
	       s.encoding);
	p = s.pass;
	tkp_counters_slot(c, TKP_M_L1_DCM, &s);
	tap_ok(s.countable && !strcmp(s.event, EV("Z") "*0.5") && strstr(s.tried, "PAPI_NOPE_OPS*2, "),
	       "l1_dcm: a sum with an unknown term is passed over for the next (tried: %s)", s.tried);
	tap_ok(tkp_counters_pass_size(c, p) == 3 && s.pass != p,
	       "the sum's two terms share a pass with the reference (%d events), l1_dcm goes to the next",
	       tkp_counters_pass_size(c, p));

	for (i = 0; i < TKP_M_COUNT; i++)
		v[i] = r[i] = NAN;
	for (p = 0; p < tkp_counters_passes(c); p++) {
		tkp_counters_start(c, p);
		add(&cnt_cyc, 1000);
		add(&cnt_x, 3);
		add(&cnt_y, 5);
		add(&cnt_z, 10);
		tkp_counters_read(c, p, r);
		tkp_counters_stop(c, p, v);
	}
	tap_ok(r[TKP_M_FP_OPS] == 46, "fp_ops read while its pass runs: 46 (%g)", r[TKP_M_FP_OPS]);
	tap_ok(v[TKP_M_FP_OPS] == 2 * 3 + 8 * 5, "fp_ops = 2 X + 8 Y = 46 (%g)", v[TKP_M_FP_OPS]);
	tap_ok(v[TKP_M_L1_DCM] == 5, "l1_dcm = 0.5 Z = 5 (%g)", v[TKP_M_L1_DCM]);
	tap_ok(v[TKP_M_CYCLES] == 1000, "cycles, a lone event, unweighted (%g)", v[TKP_M_CYCLES]);

	tkp_counters_slot(c, TKP_M_L2_DCM, &s);
	tap_ok(!s.countable && !strstr(s.tried, "r76") && !strstr(s.tried, "r3c") &&
		       strstr(s.why, "2 raw encodings in the group file for other CPUs"),
	       "l2_dcm: raw entries for other CPUs are not tried, and said so (%s)", s.why);
	tkp_counters_slot(c, TKP_M_L3_TCM, &s);
	tap_ok(!s.countable && strstr(s.tried, "NOT_AN_EVENT, ") && strstr(s.tried, "r412e") &&
		       strstr(s.why, "perf_raw::r412e"),
	       "l3_tcm: this CPU's raw entry is tried after the named event, and why it fails is named (%s)",
	       s.why);
	tkp_counters_close(c);
}

int main(void)
{
	char dir[256], cmd[300];

	snprintf(dir, sizeof dir, "%s/tkp-gsde.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	register_counters();
	test_sums(dir);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
