/*
 * test_counters_sde.c - the PAPI path of the counter layer, tested for real
 * with PAPI's software-defined events (libsde).
 *
 * The development machines have no PMU, so the test registers its own
 * counters (sde:::tkp_test::*), increments them by known amounts and
 * checks that event sets, start/stop/read, passes, accumulation across
 * passes and the pass agreement check give exactly those counts.  It also
 * checks the honest fallback: a hardware event that cannot be counted here
 * stays NAN with the right reason, never 0, never a crash.
 *
 * What the thread test proves: SDE counters are process-wide memory, so
 * worker threads created after start are counted whatever the event set
 * does; the test proves the layer loses none of their increments, not that
 * the kernel's PAPI_INHERIT works.  The inherit test proper needs a PMU: it
 * counts instructions retired by a worker thread created after start, and
 * SKIPs where no hardware event can be counted.
 */
#include "config.h"

#include <math.h>
#include <papi.h>
#include <pthread.h>
#include <sde_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counters.h"
#include "tap.h"

#define EV(x) "sde:::tkp_test::" x

static long long cnt_a, cnt_b, cnt_c, cnt_d, cnt_e, cnt_cyc, cnt_ins, cnt_flops, cnt_flops32;
static char tmpdir[256];

static void add(long long *c, long long v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

static void register_counters(void)
{
	papi_handle_t h = papi_sde_init("tkp_test");
	struct {
		const char *name;
		long long *p;
	} t[] = {{"A", &cnt_a}, {"B", &cnt_b}, {"C", &cnt_c}, {"D", &cnt_d}, {"E", &cnt_e},
		 {"cyc", &cnt_cyc}, {"ins", &cnt_ins}, {"flops", &cnt_flops}, {"flops32", &cnt_flops32}};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		papi_sde_register_counter(h, t[i].name, PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, t[i].p);
}

static void nans(double *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		v[i] = NAN;
}

/* Writes a group file into the temp dir; returns its path. */
static const char *write_group(const char *dir, const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/%s.ini", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* The perf_event component's disabled reason, or NULL when enabled. */
static const char *cpu_disabled_reason(void)
{
	int cidx = PAPI_get_component_index("perf_event");
	const PAPI_component_info_t *ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;

	return ci && ci->disabled ? ci->disabled_reason : NULL;
}

static void test_basic(void)
{
	tkp_counters *c = NULL;
	tkp_counter_slot s;
	char why[1024];
	double v[3];
	int rc, i;

	rc = tkp_counters_open_events(&c, TKP_COUNTERS_PAPI, EV("A") "," EV("B") "," EV("C"), 0, why, sizeof why);
	if (!ok(rc == 0 && c, "open three SDE events (rc %d: %s)", rc, why))
		return;
	ok(tkp_counters_passes(c) == 1, "three SDE events fit one pass (%d)", tkp_counters_passes(c));
	ok(tkp_counters_nslots(c) == 3, "three slots");
	for (i = 0; i < 3; i++) {
		tkp_counters_slot(c, i, &s);
		ok(s.countable && s.pass == 0 && !strcmp(s.event, s.name) && !s.why[0],
		   "slot %d (%s) countable in pass 0", i, s.name);
	}
	ok(tkp_counters_source(c) == TKP_SRC_PAPI, "source is papi");
	ok(tkp_counters_inherits(c, 0) == 0, "SDE pass says it does not inherit (process-wide component)");

	cnt_a = 100; /* before start: not counted */
	ok(tkp_counters_start(c, 0) == 0, "start pass 0");
	ok(tkp_counters_start(c, 0) == TKP_EINVAL, "a second start is refused");
	add(&cnt_a, 5);
	add(&cnt_b, 7);
	nans(v, 3);
	rc = tkp_counters_read_slots(c, 0, v);
	ok(rc == 0 && v[0] == 5 && v[1] == 7 && v[2] == 0, "read while running: 5 7 0 (got %g %g %g)", v[0], v[1],
	   v[2]);
	add(&cnt_a, 1);
	nans(v, 3);
	rc = tkp_counters_stop_slots(c, 0, v);
	ok(rc == 0 && v[0] == 6 && v[1] == 7 && v[2] == 0, "stop: exactly 6 7 0, pre-start value excluded (got %g %g %g)",
	   v[0], v[1], v[2]);
	ok(tkp_counters_stop_slots(c, 0, v) == TKP_EINVAL, "stop without start is refused");
	add(&cnt_a, 50); /* between runs: not counted */
	tkp_counters_start(c, 0);
	add(&cnt_a, 4);
	add(&cnt_c, 3);
	tkp_counters_stop_slots(c, 0, v);
	ok(v[0] == 10 && v[1] == 7 && v[2] == 3, "stop adds into the cells: 10 7 3 (got %g %g %g)", v[0], v[1],
	   v[2]);
	ok(tkp_counters_start(c, 1) == TKP_EINVAL, "start of a pass that does not exist is refused");
	tkp_counters_close(c);
}

/* Runs every pass of c once around the "kernel" (a += ka, b..e += 1..4). */
static void run_passes(tkp_counters *c, double *v, long long ka, int bad_pass)
{
	int p;

	for (p = 0; p < tkp_counters_passes(c); p++) {
		tkp_counters_start(c, p);
		add(&cnt_a, p == bad_pass ? 2 * ka : ka);
		add(&cnt_b, 1);
		add(&cnt_c, 2);
		add(&cnt_d, 3);
		add(&cnt_e, 4);
		tkp_counters_stop_slots(c, p, v);
	}
}

static void test_passes(void)
{
	tkp_counters_opts o;
	tkp_counters *c = NULL;
	tkp_counter_slot s;
	char why[1024];
	double v[5];
	int rc, p, i, ok_sizes = 1, ok_refs = 1;

	tkp_counters_opts_init(&o);
	o.mode = TKP_COUNTERS_PAPI;
	o.events = EV("A") "," EV("B") "," EV("C") "," EV("D") "," EV("E");
	o.max_per_pass = 2;
	o.ref = 0;
	rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
	if (!ok(rc == 0 && c, "open 5 events, at most 2 per pass, A as reference (rc %d: %s)", rc, why))
		return;
	ok(tkp_counters_passes(c) == 4, "split into 4 passes: A+B, A+C, A+D, A+E (got %d)", tkp_counters_passes(c));
	for (p = 0; p < tkp_counters_passes(c); p++)
		ok_sizes &= tkp_counters_pass_size(c, p) == 2;
	ok(ok_sizes, "every pass holds the reference and one event");
	for (i = 0; i < 5; i++) {
		tkp_counters_slot(c, i, &s);
		if (s.pass != (i == 0 ? 0 : i - 1))
			ok_sizes = 0;
	}
	ok(ok_sizes, "home passes: A,B in 0, C in 1, D in 2, E in 3");

	nans(v, 5);
	run_passes(c, v, 10, -1);
	ok(v[0] == 10 && v[1] == 1 && v[2] == 2 && v[3] == 3 && v[4] == 4,
	   "summed over passes, each counted once: 10 1 2 3 4 (got %g %g %g %g %g)", v[0], v[1], v[2], v[3], v[4]);
	for (p = 0; p < tkp_counters_passes(c); p++)
		ok_refs &= tkp_counters_pass_ref(c, p) == 10;
	ok(ok_refs, "the reference counted 10 in every pass");
	ok(tkp_counters_check_passes(c, 0.10) == 0, "passes agree");
	nans(v, 5);
	run_passes(c, v, 10, 2);
	ok(tkp_counters_check_passes(c, 0.10) == TKP_CF_PASSES_DISAGREE,
	   "a pass whose reference differs by 100%% is flagged");
	ok(v[0] == 10, "the reference's value still comes from its home pass only (%g)", v[0]);
	tkp_counters_close(c);

	o.max_per_pass = 1;
	rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
	ok(rc == 0 && tkp_counters_passes(c) == 5 && tkp_counters_pass_size(c, 4) == 1,
	   "one event per pass: 5 passes, no room for the reference");
	nans(v, 5);
	run_passes(c, v, 10, -1);
	ok(v[0] == 10 && v[4] == 4, "still exact: 10 ... 4 (got %g %g)", v[0], v[4]);
	ok(isnan(tkp_counters_pass_ref(c, 1)) && tkp_counters_check_passes(c, 0.10) == 0,
	   "no reference, no agreement check (not a false alarm)");
	tkp_counters_close(c);
}

struct worker {
	int n;
};

static void *worker_sde(void *arg)
{
	int i;

	for (i = 0; i < ((struct worker *)arg)->n; i++)
		add(&cnt_a, 1);
	return NULL;
}

static void test_threads_sde(void)
{
	tkp_counters *c = NULL;
	pthread_t t[4];
	struct worker w = {1000};
	char why[1024];
	double v[1] = {NAN};
	int i;

	if (tkp_counters_open_events(&c, TKP_COUNTERS_PAPI, EV("A"), 0, why, sizeof why))
		return (void)ok(0, "open for the thread test: %s", why);
	tkp_counters_start(c, 0);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker_sde, &w);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	i = tkp_counters_stop_slots(c, 0, v);
	ok(i == 0 && v[0] == 4000,
	   "4 workers created after start, 1000 increments each: 4000 (got %g; SDE counters are process-wide)",
	   v[0]);
	tkp_counters_close(c);
}

static void *worker_spin(void *arg)
{
	volatile long x = 0;
	long i;

	for (i = 0; i < 20 * 1000 * 1000; i++)
		x += i;
	return NULL;
}

/* PAPI_INHERIT for real: needs an instruction counter. */
static void test_threads_pmu(void)
{
	tkp_counters *c = NULL;
	pthread_t t;
	char why[1024];
	double v[1] = {NAN};
	int rc;

	rc = tkp_counters_open_events(&c, TKP_COUNTERS_AUTO, "PAPI_TOT_INS", 0, why, sizeof why);
	if (rc || tkp_counters_passes(c) == 0) {
		char reason[1100];

		snprintf(reason, sizeof reason, "no hardware counter here: %s", c ? tkp_counters_why(c) : why);
		skip(reason, "instructions of a worker thread created after start are counted (PAPI_INHERIT)");
		skip(reason, "the hardware pass is created with PAPI_INHERIT");
		tkp_counters_close(c);
		return;
	}
	ok(tkp_counters_inherits(c, 0) == 1, "the hardware pass is created with PAPI_INHERIT");
	tkp_counters_start(c, 0);
	pthread_create(&t, NULL, worker_spin, NULL);
	pthread_join(t, NULL);
	tkp_counters_stop_slots(c, 0, v);
	/* The worker retires > 20M instructions (a load, add, store, compare
	 * and branch per iteration); the main thread only creates and joins. */
	ok(v[0] > 20e6, "instructions of a worker thread created after start are counted (%g > 2e7)", v[0]);
	tkp_counters_close(c);
}

/* Metric mode from a group file: SDE stand-ins, plus a hardware event. */
static void test_metrics(void)
{
	char dir[300], why[2048];
	tkp_counters_opts o;
	tkp_counters *c = NULL;
	tkp_counter_slot s;
	const char *reason = cpu_disabled_reason();
	double v[TKP_M_COUNT];
	int rc, p, l1_countable;

	snprintf(dir, sizeof dir, "%s/metrics", tmpdir);
	write_group(dir, "test",
		    "# SDE stand-ins for the metrics\n"
		    "[cycles]\n"
		    "events = " EV("cyc") "\n"
		    "[instructions]\n"
		    "description = retired\n"
		    "events = amd64_k7::NOT_AN_EVENT,\n"
		    "\t" EV("ins") "\n"
		    "[l1_dcm]\n"
		    "events = PAPI_L1_DCM\n"
		    "[fp_ops]\n"
		    "events = " EV("flops") "\n"
		    "events_f32 = " EV("flops32") "\n");
	tkp_counters_opts_init(&o);
	o.mode = TKP_COUNTERS_PAPI;
	o.groups_dir = dir;
	o.max_per_pass = 2;
	rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
	if (!ok(rc == 0 && c, "open metrics from a group file (rc %d: %s)", rc, why))
		return;
	tkp_counters_slot(c, TKP_M_INSTRUCTIONS, &s);
	ok(!strcmp(s.group, "test") && !strcmp(s.desc, "retired") && strstr(s.tried, "NOT_AN_EVENT") &&
	   !strcmp(s.event, EV("ins")),
	   "slot records group, description, the events tried (%s) and the one chosen", s.tried);
	tkp_counters_slot(c, TKP_M_L1_DCM, &s);
	l1_countable = s.countable;
	ok(tkp_counters_passes(c) == 2, "cycles, instructions, fp_ops at 2 per pass, cycles in each: 2 passes (%d)",
	   tkp_counters_passes(c));
	ok(tkp_counters_has(c, TKP_M_CYCLES) && tkp_counters_has(c, TKP_M_FP_OPS) && !tkp_counters_has(c, TKP_M_L2_DCM),
	   "has cycles and fp_ops, not l2_dcm");

	nans(v, TKP_M_COUNT);
	for (p = 0; p < tkp_counters_passes(c); p++) {
		tkp_counters_start(c, p);
		add(&cnt_cyc, 1000);
		add(&cnt_ins, 500);
		add(&cnt_flops, 64);
		add(&cnt_flops32, 32);
		tkp_counters_stop(c, p, v);
	}
	ok(v[TKP_M_CYCLES] == 1000, "cycles counted once though in every pass: 1000 (got %g)", v[TKP_M_CYCLES]);
	ok(v[TKP_M_FP_OPS] == 64, "fp_ops 64 (got %g)", v[TKP_M_FP_OPS]);
	ok(v[TKP_M_INSTRUCTIONS] == 500, "instructions from the second listed event: 500 (got %g)", v[TKP_M_INSTRUCTIONS]);
	ok(isnan(v[TKP_M_L2_DCM]) && isnan(v[TKP_M_L3_TCM]), "metrics no group defines stay NAN");
	tkp_counters_slot(c, TKP_M_L2_DCM, &s);
	ok(!s.countable && strstr(s.why, "[l2_dcm]"), "l2_dcm says no group defines it: %s", s.why);
	if (l1_countable) {
		skip("this machine can count PAPI_L1_DCM", "an uncountable hardware event stays NAN");
		skip("this machine can count PAPI_L1_DCM", "and says why");
	} else {
		tkp_counters_slot(c, TKP_M_L1_DCM, &s);
		ok(isnan(v[TKP_M_L1_DCM]) && !tkp_counters_has(c, TKP_M_L1_DCM),
		   "PAPI_L1_DCM cannot be counted here: the cell stays NAN, not 0");
		ok(s.why[0] && s.fix[0] && (!reason || strstr(s.why, reason)),
		   "and the slot says why, with PAPI's reason, and the fix: %s / %s", s.why, s.fix);
		ok(strstr(tkp_counters_why(c), "l1_dcm") != NULL, "the set's why names l1_dcm: %s", tkp_counters_why(c));
	}
	tkp_counters_close(c);

	o.dtype = TKP_F32;
	rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
	tkp_counters_slot(c, TKP_M_FP_OPS, &s);
	ok(rc == 0 && !strcmp(s.event, EV("flops32")), "dtype f32 prefers events_f32 (%s)", s.event);
	nans(v, TKP_M_COUNT);
	for (p = 0; p < tkp_counters_passes(c); p++) {
		tkp_counters_start(c, p);
		add(&cnt_flops32, 32);
		tkp_counters_stop(c, p, v);
	}
	ok(v[TKP_M_FP_OPS] == 32, "f32 fp_ops 32 (got %g)", v[TKP_M_FP_OPS]);
	tkp_counters_close(c);
}

/* The real groups on this machine: AUTO opens with nothing, PAPI fails. */
static void test_fallback(void)
{
	char why[2048], dir[512];
	const char *src = getenv("TKP_SRCDIR");
	const char *reason = cpu_disabled_reason();
	tkp_counters *c = NULL;
	double v[TKP_M_COUNT];
	int rc, m, all_nan = 1;

	snprintf(dir, sizeof dir, "%s/profiles/groups", src ? src : TKP_SRCDIR);
	rc = tkp_counters_open(&c, TKP_COUNTERS_AUTO, dir, why, sizeof why);
	if (!ok(rc == 0 && c, "AUTO with the shipped groups opens (rc %d: %s)", rc, why))
		return;
	if (tkp_counters_passes(c) > 0) {
		skip("this machine has hardware counters", "AUTO without counters: zero passes and the reason");
		skip("this machine has hardware counters", "PAPI mode without counters fails with the reason");
		tkp_counters_close(c);
		return;
	}
	ok(tkp_counters_source(c) == TKP_SRC_NONE && tkp_counters_why(c)[0] &&
	   (!reason || strstr(tkp_counters_why(c), reason)) && strstr(tkp_counters_why(c), "fix:"),
	   "AUTO without counters: zero passes, why gives PAPI's reason and the fix: %s", tkp_counters_why(c));
	nans(v, TKP_M_COUNT);
	ok(tkp_counters_start(c, 0) == TKP_ENOTSUP && tkp_counters_stop(c, 0, v) == TKP_ENOTSUP,
	   "start/stop on a set with no passes say not supported");
	for (m = 0; m < TKP_M_COUNT; m++)
		all_nan &= isnan(v[m]) && !tkp_counters_has(c, m);
	ok(all_nan, "every metric stays NAN");
	tkp_counters_close(c);
	rc = tkp_counters_open(&c, TKP_COUNTERS_PAPI, dir, why, sizeof why);
	ok(rc == TKP_ECOUNTERS && !c && why[0], "PAPI mode without counters fails with the reason: %s", why);
}

static void test_bad_input(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"[l1_dcn]\nevents = PAPI_L1_DCM\n", ":1: unknown metric 'l1_dcn' (did you mean 'l1_dcm'?)"},
		{"# c\n[cycles]\nevent = PAPI_TOT_CYC\n", ":3: [cycles] unknown key 'event' (did you mean 'events'?)"},
		{"[cycles]\nevents = PAPI_TOT_CYC\nthis line is wrong\n", ":3: expected 'key = value'"},
		{"[cycles]\ndescription = no events\n", ":1: [cycles] lists no events"},
		{"[cycles]\nevents = PAPI_TOT_CYC,, PAPI_TOT_INS\n", ":2: [cycles] events: empty event name"},
		{"[cycles]\nevents = PAPI TOT CYC\n", ":2: [cycles] events: bad character ' '"},
		{"events = PAPI_TOT_CYC\n", ":1: 'events' outside a [metric] section"},
		{"[cycles]\nevents = A\n[cycles]\nevents = B\n", ":3: metric 'cycles' defined twice (first at line 1)"},
		{"[cycles\nevents = A\n", ":1: expected"},
	};
	char dir[300], why[1024];
	tkp_counters *c = NULL;
	size_t i;
	int rc;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(dir, sizeof dir, "%s/bad%zu", tmpdir, i);
		write_group(dir, "broken", bad[i].text);
		rc = tkp_counters_open(&c, TKP_COUNTERS_AUTO, dir, why, sizeof why);
		ok(rc == TKP_EPARSE && !c && strstr(why, "broken.ini") && strstr(why, bad[i].want),
		   "malformed group %zu: file:line error (%s)", i, why);
	}
	rc = tkp_counters_open_events(&c, TKP_COUNTERS_AUTO, "PAPI_TOT_CYK", 0, why, sizeof why);
	ok(rc == TKP_ENOENT && !c && strstr(why, "did you mean 'PAPI_TOT_CYC'"), "unknown preset: suggestion (%s)",
	   why);
	rc = tkp_counters_open_events(&c, TKP_COUNTERS_AUTO, EV("A") "," EV("A"), 0, why, sizeof why);
	ok(rc == TKP_EINVAL && strstr(why, "twice"), "an event listed twice is refused (%s)", why);
	snprintf(dir, sizeof dir, "%s/metrics", tmpdir);
	{
		tkp_counters_opts o;

		tkp_counters_opts_init(&o);
		o.groups_dir = dir;
		o.groups = "tset";
		rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
		ok(rc == TKP_ENOENT && strstr(why, "did you mean 'test'"), "unknown group: suggestion (%s)", why);
	}
	rc = tkp_counters_open(&c, TKP_COUNTERS_NONE, NULL, why, sizeof why);
	ok(rc == 0 && tkp_counters_passes(c) == 0 && strstr(tkp_counters_why(c), "counters disabled (mode none)"),
	   "mode NONE counts nothing and says so");
	tkp_counters_close(c);
}

static void *stop_elsewhere(void *arg)
{
	double v[1];

	return (void *)(long)tkp_counters_stop_slots(arg, 0, v);
}

static void test_wrong_thread(void)
{
	tkp_counters *c = NULL;
	pthread_t t;
	void *res;
	double v[1] = {NAN};
	char why[512];

	tkp_counters_open_events(&c, TKP_COUNTERS_PAPI, EV("B"), 0, why, sizeof why);
	tkp_counters_start(c, 0);
	pthread_create(&t, NULL, stop_elsewhere, c);
	pthread_join(t, &res);
	ok((long)res == TKP_EINVAL, "stop from another thread than start is refused");
	ok(tkp_counters_stop_slots(c, 0, v) == 0, "stop on the starting thread works");
	tkp_counters_close(c);
}

int main(void)
{
	char ver[64];

	snprintf(tmpdir, sizeof tmpdir, "%s/tkp-sde.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	register_counters();
	tkp_counters_papi_version(ver, sizeof ver);
	diag("PAPI %s", ver);
	test_basic();
	test_passes();
	test_threads_sde();
	test_threads_pmu();
	test_metrics();
	test_fallback();
	test_bad_input();
	test_wrong_thread();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
	}
	return tap_done();
}
