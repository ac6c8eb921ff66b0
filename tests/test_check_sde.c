/*
 * test_check_sde.c - the counter check's arithmetic and verdicts (check.h)
 * through the real PAPI path, with software-defined events standing in
 * for the hardware: each metric of a group file is an SDE counter, and the
 * check's hook, called between start and stop instead of each kernel,
 * adds to the counter of the item's metric the count a scenario says.
 *
 * Scenario "right": every count as expected (exactly, or within the
 * tolerance): every item passes, with the ratio measured/expected.
 * Scenario "wrong": the faults counter tools are known for — packed FP
 * instructions counted unweighted, FMAs counted once, L1 misses reading 0
 * (a VM without a vPMU), misses where none should be, cycles at another
 * clock — each reported off, with the words that say what it means, and
 * the metric off; instructions within 2% still pass.
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

#include "check.h"
#include "counters.h"
#include "tap.h"

#define EV(x) "sde:::tkp_chk::" x

static long long cnt[TKP_M_COUNT];
static int wrong;

static void register_counters(void)
{
	papi_handle_t h = papi_sde_init("tkp_chk");
	static const char *const names[TKP_M_COUNT] = {"cyc", "ins", "l1", "l2", "l3", "flops"};

	for (int i = 0; i < TKP_M_COUNT; i++)
		papi_sde_register_counter(h, names[i], PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &cnt[i]);
}

/* The count the scenario gives item it. */
static double scenario(const tkp_check_item *it)
{
	int lanes = it->width ? it->width / it->dbits : 1;

	if (!wrong)
		return it->expected > 0 ? it->expected : it->accesses / 1000; /* 0.1%: about none */
	switch (it->metric) {
	case TKP_M_INSTRUCTIONS:
		return it->expected * 1.01; /* within 2% */
	case TKP_M_CYCLES:
		return it->expected * 1.3;
	case TKP_M_L1_DCM:
		return 0;
	case TKP_M_L2_DCM:
		return it->expected > 0 ? it->expected : it->accesses / 2;
	case TKP_M_FP_OPS:
		if (it->fma)
			return it->expected / 2;
		return it->expected / lanes;
	}
	return it->expected;
}

static void hook(const tkp_check_item *it, void *arg)
{
	(void)arg;
	__atomic_fetch_add(&cnt[it->metric], (long long)scenario(it), __ATOMIC_RELAXED);
}

static const tkp_check_item *find(const tkp_check *ck, const char *name)
{
	for (int i = 0; i < ck->n; i++)
		if (!strcmp(ck->item[i].name, name))
			return &ck->item[i];
	return NULL;
}

static void expect_off(const tkp_check *ck, const char *name, const char *words)
{
	const tkp_check_item *it = find(ck, name);

	if (!it) {
		tap_skip("no such item on this CPU", name);
		return;
	}
	ok(it->verdict == TKP_CHECK_OFF && strstr(it->meaning, words),
	   "%s: off (ratio %.3f), \"%s\" (got %s: %s)", name, it->ratio, words,
	   tkp_check_verdict_name(it->verdict), it->meaning);
}

static int run(tkp_counters *c, tkp_check *ck)
{
	tkp_machine m;
	char why[512];

	memset(&m, 0, sizeof m);
	m.ncaches = 3;
	for (int i = 0; i < 3; i++) {
		m.caches[i].depth = i + 1;
		m.caches[i].line_bytes = 64;
		m.caches[i].measured_bytes = NAN;
	}
	m.caches[0].reported_bytes = 32768;
	m.caches[1].reported_bytes = 1 << 20;
	m.caches[2].reported_bytes = 8 << 20;
	tkp_check_plan(ck, &m, 1, 0, 0);
	return tkp_check_run(ck, c, hook, NULL, why, sizeof why);
}

static void test_right(tkp_counters *c, tkp_check *ck)
{
	int all = 1, exact = 1;

	wrong = 0;
	if (!ok(run(c, ck) == 0, "the check runs on SDE counters"))
		return;
	for (int i = 0; i < ck->n; i++) {
		const tkp_check_item *it = &ck->item[i];
		if (it->verdict == TKP_CHECK_SKIPPED)
			continue;
		all &= it->verdict == TKP_CHECK_PASS;
		exact &= it->measured == floor(scenario(it)) &&
			 (it->expected > 0 ? it->ratio == it->measured / it->expected : isnan(it->ratio));
		if (it->verdict != TKP_CHECK_PASS)
			diag("%s: %s %s", it->name, tkp_check_verdict_name(it->verdict), it->meaning);
	}
	ok(all, "right counts: every item passes");
	ok(exact, "measured is the count added, ratio measured/expected (none for about-none items)");
	for (int m = 0; m < TKP_M_COUNT; m++)
		ok(ck->metric[m] == TKP_CHECK_PASS, "right counts: %s passes", tkp_metric_name(m));
}

static void test_wrong(tkp_counters *c, tkp_check *ck)
{
	wrong = 1;
	if (!ok(run(c, ck) == 0, "the check runs again"))
		return;
	ok(find(ck, "fixed loop")->verdict == TKP_CHECK_PASS, "instructions 1%% over: within ±2%%, pass");
	expect_off(ck, "dependent adds", "another clock");
	expect_off(ck, "f32 256-bit add", "counts packed instructions, not FLOPs: weights missing");
	expect_off(ck, "f64 128-bit add", "weights missing");
	expect_off(ck, "f64 scalar fma", "about half");
	expect_off(ck, "f32 256-bit fma", "about half");
	expect_off(ck, "L1 stream 2 MiB", "reads 0: counters virtualised away");
	expect_off(ck, "L2 resident 512 KiB", "misses where none should be");
	ok(find(ck, "f64 scalar add")->verdict == TKP_CHECK_PASS, "scalar adds weigh 1: pass");
	ok(find(ck, "L2 stream 2 MiB")->verdict == TKP_CHECK_PASS, "L2 stream right: pass");
	ok(ck->metric[TKP_M_FP_OPS] == TKP_CHECK_OFF && strstr(ck->metric_why[TKP_M_FP_OPS], "weights missing"),
	   "fp_ops off, saying why: %s", ck->metric_why[TKP_M_FP_OPS]);
	ok(ck->metric[TKP_M_L1_DCM] == TKP_CHECK_OFF, "l1_dcm off");
	ok(ck->metric[TKP_M_L2_DCM] == TKP_CHECK_OFF, "l2_dcm off (one of its items is)");
	ok(ck->metric[TKP_M_INSTRUCTIONS] == TKP_CHECK_PASS, "instructions pass");
	ok(ck->metric[TKP_M_L3_TCM] == TKP_CHECK_PASS, "l3_tcm passes");
}

/* The verdicts alone, without PAPI: not counted is no failure. */
static void test_judge(void)
{
	tkp_check ck;
	tkp_check_item *it;

	memset(&ck, 0, sizeof ck);
	ck.n = 2;
	it = &ck.item[0];
	it->metric = TKP_M_CYCLES;
	it->expected = 100;
	it->tol = 0.15;
	it->measured = NAN;
	snprintf(it->meaning, sizeof it->meaning, "not simulated");
	tkp_check_judge(it);
	ok(it->verdict == TKP_CHECK_NOTCOUNTED && !strcmp(it->meaning, "not simulated"),
	   "NAN: not counted, the reason kept");
	it = &ck.item[1];
	it->metric = TKP_M_CYCLES;
	it->kind = TKP_CHK_CHAIN;
	it->expected = 100;
	it->tol = 0.15;
	it->measured = 114;
	tkp_check_judge(it);
	ok(it->verdict == TKP_CHECK_PASS && fabs(it->ratio - 1.14) < 1e-12, "114 of 100 within 15%%: pass");
	tkp_check_summarise(&ck);
	ok(ck.metric[TKP_M_CYCLES] == TKP_CHECK_PASS, "a pass beside a not counted: the metric passes");
	ok(ck.metric[TKP_M_L1_DCM] == TKP_CHECK_NONE, "a metric without items: no verdict");
	/* f64 counted, f32 read 0: one precision only */
	memset(&ck, 0, sizeof ck);
	ck.n = 2;
	for (int i = 0; i < 2; i++) {
		it = &ck.item[i];
		it->metric = TKP_M_FP_OPS;
		it->kind = TKP_CHK_FP;
		it->dbits = i ? 32 : 64;
		it->width = 256;
		it->expected = 1000;
		it->tol = 0.02;
		it->measured = i ? 0 : 1000;
		tkp_check_judge(it);
	}
	tkp_check_summarise(&ck);
	ok(ck.item[1].verdict == TKP_CHECK_OFF && strstr(ck.item[1].meaning, "reads 0 for f32 while f64 counts") &&
	   ck.metric[TKP_M_FP_OPS] == TKP_CHECK_OFF && strstr(ck.metric_why[TKP_M_FP_OPS], "one precision only"),
	   "f32 reads 0 beside a counted f64: \"%s\"", ck.item[1].meaning);
	ok(tkp_check_verdict_parse("off") == TKP_CHECK_OFF && tkp_check_verdict_parse("x") == TKP_CHECK_NONE,
	   "verdict names parse back");
}

int main(void)
{
	char dir[] = "/tmp/tkp-chk.XXXXXX", path[256], why[1024];
	tkp_counters_opts o;
	tkp_counters *c = NULL;
	tkp_check *ck = calloc(1, sizeof *ck);
	FILE *f;

	test_judge();
	register_counters();
	if (!mkdtemp(dir) || !ck)
		return 1;
	snprintf(path, sizeof path, "%s/sde.ini", dir);
	f = fopen(path, "w");
	fputs("[cycles]\nevents = " EV("cyc") "\n[instructions]\nevents = " EV("ins") "\n"
	      "[l1_dcm]\nevents = " EV("l1") "\n[l2_dcm]\nevents = " EV("l2") "\n"
	      "[l3_tcm]\nevents = " EV("l3") "\n[fp_ops]\nevents = " EV("flops") "\n", f);
	fclose(f);
	tkp_counters_opts_init(&o);
	o.mode = TKP_COUNTERS_PAPI;
	o.groups_dir = dir;
	if (ok(tkp_counters_open_opts(&c, &o, why, sizeof why) == 0, "six SDE metrics open (%s)", why)) {
		test_right(c, ck);
		test_wrong(c, ck);
	}
	tkp_counters_close(c);
	unlink(path);
	rmdir(dir);
	free(ck);
	return tap_done();
}
