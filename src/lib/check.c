/*
 * check.c - the counter check (check.h): the items for a machine, their
 * runs under a counter set, and the verdicts in numbers and in words.
 *
 * What each item expects, and why that is exact:
 *   instructions  (TKP_CHECK_BODY + 2) per iteration of an assembly loop
 *                 (check_kernels.c); the call around it adds a few dozen.
 *   cycles        TKP_CHECK_BODY per iteration of a chain of dependent
 *                 integer adds (latency 1 everywhere); the TSC ticks of the
 *                 same run are kept to show core clock against TSC.
 *   fp_ops        iterations × TKP_CHECK_BODY × lanes (width / dtype bits;
 *                 1 for scalar) × 2 for FMA.
 *   misses        a walk that reads one byte of every line once, each step
 *                 4099 lines on (mod the line count, coprime with it), so
 *                 no stride or stream prefetcher follows it: over a buffer
 *                 four times a cache (twice in the simulator, whose LRU
 *                 needs no margin), after a warm-up walk in the same order,
 *                 every line misses that cache once; over a buffer half its
 *                 size, walked again and again, about none.  The L1 and L2
 *                 walks' buffers are given transparent huge pages where the
 *                 kernel allows, so that page walks (whose loads are cache
 *                 traffic too) stay rare.
 * Tolerances: 2% for instructions and FLOPs (exact but for the call and
 * PAPI's own code around the run), 15% for cycles and misses (clock
 * changes, interrupts, replacement that is not quite LRU); an "about none"
 * item passes below 2% of its reads.  Under the simulator, which is exact,
 * 0.5% (and 0.05% of the reads).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "check.h"
#include "util.h"

#define STEP_LINES 4099
#define TOL_EXACT 0.02
#define TOL_LOOSE 0.15
#define TOL_NONE 0.02
#define TOL_SIM 0.005

/* ---- the plan ------------------------------------------------------------------ */

/* Bytes of the cache of that depth (reported, else measured; 0 unknown). */
static double cache_bytes(const tkp_machine *m, int depth, int *line)
{
	for (int i = 0; m && i < m->ncaches; i++) {
		const tkp_cache_info *c = &m->caches[i];
		if (c->depth != depth)
			continue;
		if (line && c->line_bytes > 0)
			*line = c->line_bytes;
		if (!isnan(c->reported_bytes) && c->reported_bytes > 0)
			return c->reported_bytes;
		if (!isnan(c->measured_bytes) && c->measured_bytes > 0)
			return c->measured_bytes;
	}
	return 0;
}

static tkp_check_item *add(tkp_check *ck, tkp_check_kind kind, int metric, double tol)
{
	tkp_check_item *it = &ck->item[ck->n++];

	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->metric = metric;
	it->tol = tol;
	it->measured = NAN;
	it->ratio = NAN;
	return it;
}

static void size_text(double b, char *buf, size_t len)
{
	if (b >= 1 << 30)
		tkp_fmt(buf, len, "%.3g GiB", b / (1 << 30));
	else if (b >= 1 << 20)
		tkp_fmt(buf, len, "%.3g MiB", b / (1 << 20));
	else
		tkp_fmt(buf, len, "%.3g KiB", b / 1024);
}

/* A walk item: stream (rounds 1, one miss per line) or resident. */
static void add_walk(tkp_check *ck, int metric, const char *level, double bytes, int line, int stream,
		     size_t mem_limit)
{
	tkp_check_item *it = add(ck, TKP_CHK_WALK, metric, stream ? TOL_LOOSE : TOL_NONE);
	char sz[32];
	double lines;

	it->line = line;
	it->bytes = (size_t)(bytes / 4096) * 4096;
	if (it->bytes < 4096)
		it->bytes = 4096;
	lines = (double)(it->bytes / (size_t)line);
	/* resident: about a million reads (a few hundred thousand quick) */
	it->iters = stream ? 1 : (long)fmax(1, (ck->quick ? 3e5 : 3e6) / lines);
	it->accesses = lines * (double)it->iters;
	it->expected = stream ? lines : 0;
	size_text((double)it->bytes, sz, sizeof sz);
	tkp_fmt(it->name, sizeof it->name, "%s %s %s", level, stream ? "stream" : "resident", sz);
	if (mem_limit && it->bytes > mem_limit) {
		it->verdict = TKP_CHECK_SKIPPED;
		tkp_fmt(it->meaning, sizeof it->meaning, "a %s buffer is more than the memory allowed", sz);
	}
}

static void add_caches(tkp_check *ck, const tkp_machine *m, int sim, size_t mem_limit)
{
	int line = 64, l3line = 64;
	double l1 = cache_bytes(m, 1, &line), l2 = cache_bytes(m, 2, NULL), l3 = cache_bytes(m, 3, &l3line);
	double far = sim || ck->quick ? 2 : 4; /* streams: buffer = far × cache */

	if (l1 <= 0)
		l1 = 32 * 1024;
	if (l2 <= 0)
		l2 = 1 << 20;
	add_walk(ck, TKP_M_L1_DCM, "L1", far * l2, line, 1, mem_limit);
	add_walk(ck, TKP_M_L1_DCM, "L1", l1 / 2, line, 0, mem_limit);
	add_walk(ck, TKP_M_L2_DCM, "L2", far * l2, line, 1, mem_limit);
	add_walk(ck, TKP_M_L2_DCM, "L2", l2 / 2, line, 0, mem_limit);
	if (l3 <= 0) {
		tkp_check_item *it = add(ck, TKP_CHK_WALK, TKP_M_L3_TCM, TOL_LOOSE);
		tkp_strlcpy(it->name, "L3", sizeof it->name);
		it->verdict = TKP_CHECK_SKIPPED;
		tkp_strlcpy(it->meaning, "no L3 described on this machine", sizeof it->meaning);
		return;
	}
	add_walk(ck, TKP_M_L3_TCM, "L3", far * l3, line, 1, mem_limit);
	/* resident in L3 but not in L2: at most half the L3 */
	add_walk(ck, TKP_M_L3_TCM, "L3", fmin(l3 / 2, 4 * l2), line, 0, mem_limit);
}

static void add_fp(tkp_check *ck, int sim)
{
	static const int widths[] = {0, 128, 256, 512};
	long iters = ck->quick ? 100000 : 1000000;

	for (int fma = 0; fma < 2; fma++)
		for (int d = 0; d < 2; d++)
			for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
				tkp_check_item *it = add(ck, TKP_CHK_FP, TKP_M_FP_OPS, TOL_EXACT);
				int lanes = widths[w] ? widths[w] / (d ? 64 : 32) : 1;

				it->dbits = d ? 64 : 32;
				it->width = widths[w];
				it->fma = fma;
				it->iters = iters;
				it->expected = (double)iters * TKP_CHECK_BODY * lanes * (fma ? 2 : 1);
				if (widths[w])
					tkp_fmt(it->name, sizeof it->name, "f%d %d-bit %s", it->dbits, widths[w],
						fma ? "fma" : "add");
				else
					tkp_fmt(it->name, sizeof it->name, "f%d scalar %s", it->dbits,
						fma ? "fma" : "add");
				if (sim && widths[w] == 512) {
					it->verdict = TKP_CHECK_SKIPPED;
					tkp_strlcpy(it->meaning, "valgrind cannot run AVX-512", sizeof it->meaning);
				} else if (!tkp_check_cpu_has(widths[w], fma)) {
					it->verdict = TKP_CHECK_SKIPPED;
					tkp_fmt(it->meaning, sizeof it->meaning, "this CPU has no %s",
						widths[w] == 512 ? "AVX-512F" : fma ? "FMA" : "AVX");
				}
			}
}

void tkp_check_plan(tkp_check *ck, const tkp_machine *m, int quick, int sim, size_t mem_limit)
{
	tkp_check_item *it;

	memset(ck, 0, sizeof *ck);
	ck->quick = quick != 0;
	it = add(ck, TKP_CHK_INS, TKP_M_INSTRUCTIONS, TOL_EXACT);
	it->iters = quick ? 2000000 : 20000000;
	it->expected = (double)it->iters * (TKP_CHECK_BODY + 2);
	tkp_strlcpy(it->name, "fixed loop", sizeof it->name);
	it = add(ck, TKP_CHK_CHAIN, TKP_M_CYCLES, TOL_LOOSE);
	it->iters = quick ? 2000000 : 20000000;
	it->expected = (double)it->iters * TKP_CHECK_BODY;
	tkp_strlcpy(it->name, "dependent adds", sizeof it->name);
	add_caches(ck, m, sim, mem_limit);
	add_fp(ck, sim);
	/* the simulator is exact: a tolerance that shows it */
	for (int i = 0; sim && i < ck->n; i++)
		ck->item[i].tol = ck->item[i].expected > 0 ? TOL_SIM : TOL_SIM / 10;
	if (!tkp_check_kernels_here())
		for (int i = 0; i < ck->n; i++)
			if (ck->item[i].kind != TKP_CHK_WALK) {
				ck->item[i].verdict = TKP_CHECK_SKIPPED;
				tkp_strlcpy(ck->item[i].meaning, "no known-answer kernel for this architecture",
					    sizeof ck->item[i].meaning);
			}
}

/* ---- verdicts ------------------------------------------------------------------- */

static int near(double ratio, double target, double tol)
{
	return fabs(ratio - target) <= tol * target;
}

/* What an FP ratio off 1 means. */
static const char *fp_meaning(const tkp_check_item *it, double r)
{
	int lanes = it->width ? it->width / it->dbits : 1;

	/* an add loop has one FLOP type: its half is a missing weight */
	if (!it->fma && lanes > 1 && near(r, 1.0 / lanes, 0.05))
		return "counts packed instructions, not FLOPs: weights missing";
	if (near(r, 0.5, 0.05))
		return it->fma ? "about half: FMA counted as one FLOP, or one of two FLOP types "
				 "(multiply, add) counted"
			       : "about half: one of two FLOP types counted";
	if (it->fma && lanes > 1 && near(r, 0.5 / lanes, 0.05))
		return "counts packed instructions, not FLOPs: weights missing";
	if (it->fma && lanes > 1 && near(r, 1.0 / lanes, 0.05))
		return "counts instructions with FMA as 2, not FLOPs: vector-width weights missing";
	if (near(r, 2, 0.05))
		return "about twice: counted twice (an FMA weight applied to adds, or two events summed)";
	return "FLOPs off: the event does not count this dtype and width as FLOPs";
}

static const char *walk_meaning(const tkp_check_item *it, double r)
{
	if (it->expected == 0)
		return "misses where none should be: the event counts other traffic (prefetches, "
		       "another level), or the buffer does not stay in this cache";
	if (r < 1)
		return "fewer misses than lines read: prefetches hidden from the event, or the cache is "
		       "larger than machine.json says";
	return "more misses than lines read: the event also counts prefetches, page walks or "
	       "other levels";
}

static const char *meaning_of(const tkp_check_item *it)
{
	double r = it->ratio;

	if (it->expected > 0 && it->measured == 0)
		return "reads 0: counters virtualised away (a VM without a virtual PMU?) or the event "
		       "never fires";
	switch (it->kind) {
	case TKP_CHK_INS:
		return r < 1 ? "fewer instructions than retired: the event misses some (another "
			       "counting domain, or multiplexed and unscaled)"
			     : "more instructions than retired: the event counts the kernel's too, or "
			       "something else";
	case TKP_CHK_CHAIN:
		return "not this thread's core cycles: the event counts at another clock (reference "
		       "or TSC cycles while the core ran faster or slower), another thread, or is "
		       "multiplexed";
	case TKP_CHK_FP:
		return fp_meaning(it, r);
	case TKP_CHK_WALK:
		return walk_meaning(it, r);
	}
	return "off";
}

void tkp_check_judge(tkp_check_item *it)
{
	if (it->verdict == TKP_CHECK_SKIPPED)
		return;
	it->ratio = NAN;
	if (isnan(it->measured)) {
		it->verdict = TKP_CHECK_NOTCOUNTED;
		return;
	}
	if (it->expected > 0) {
		it->ratio = it->measured / it->expected;
		it->verdict = fabs(it->ratio - 1) <= it->tol ? TKP_CHECK_PASS : TKP_CHECK_OFF;
	} else {
		it->verdict = it->measured <= it->tol * it->accesses ? TKP_CHECK_PASS : TKP_CHECK_OFF;
	}
	if (it->verdict == TKP_CHECK_OFF)
		tkp_strlcpy(it->meaning, meaning_of(it), sizeof it->meaning);
	else
		it->meaning[0] = '\0';
}

/* An FP item that reads 0 while others count: which precision or width
 * the event leaves out says more than "reads 0". */
static void fp_zero_meaning(tkp_check *ck, tkp_check_item *z)
{
	int other_dt = 0, other_w = 0;

	for (int i = 0; i < ck->n; i++) {
		const tkp_check_item *it = &ck->item[i];
		if (it->kind != TKP_CHK_FP || isnan(it->measured) || it->measured <= 0)
			continue;
		other_dt |= it->dbits != z->dbits && it->width == z->width;
		other_w |= it->dbits == z->dbits && it->width != z->width;
	}
	if (other_dt)
		tkp_fmt(z->meaning, sizeof z->meaning, "reads 0 for f%d while f%d counts: the event counts one "
			"precision only (Intel: PAPI_DP_OPS counts f64, PAPI_SP_OPS f32)", z->dbits,
			z->dbits == 64 ? 32 : 64);
	else if (other_w)
		tkp_fmt(z->meaning, sizeof z->meaning, "reads 0 for %s%s while other widths count: the event "
			"does not count this vector width", z->width ? "" : "scalar",
			z->width == 0 ? "" : z->width == 128 ? "128-bit" : z->width == 256 ? "256-bit" : "512-bit");
}

void tkp_check_summarise(tkp_check *ck)
{
	for (int i = 0; i < ck->n; i++)
		if (ck->item[i].kind == TKP_CHK_FP && ck->item[i].verdict == TKP_CHECK_OFF &&
		    ck->item[i].measured == 0)
			fp_zero_meaning(ck, &ck->item[i]);
	for (int m = 0; m < TKP_M_COUNT; m++) {
		ck->metric[m] = TKP_CHECK_NONE;
		ck->metric_why[m][0] = '\0';
	}
	for (int i = 0; i < ck->n; i++) {
		const tkp_check_item *it = &ck->item[i];
		tkp_check_verdict *v = &ck->metric[it->metric];

		if (it->verdict == TKP_CHECK_OFF && *v != TKP_CHECK_OFF) {
			*v = TKP_CHECK_OFF;
			tkp_fmt(ck->metric_why[it->metric], sizeof ck->metric_why[0], "%s: %s", it->name,
				it->meaning);
		} else if (it->verdict == TKP_CHECK_PASS && *v != TKP_CHECK_OFF) {
			*v = TKP_CHECK_PASS;
		} else if (it->verdict == TKP_CHECK_NOTCOUNTED && *v == TKP_CHECK_NONE) {
			*v = TKP_CHECK_NOTCOUNTED;
			tkp_strlcpy(ck->metric_why[it->metric], it->meaning, sizeof ck->metric_why[0]);
		}
	}
}

static const char *const verdict_names[] = {"-", "pass", "off", "not counted", "skipped"};

const char *tkp_check_verdict_name(tkp_check_verdict v)
{
	return (unsigned)v < sizeof verdict_names / sizeof verdict_names[0] ? verdict_names[v] : "-";
}

tkp_check_verdict tkp_check_verdict_parse(const char *s)
{
	for (size_t i = 1; s && i < sizeof verdict_names / sizeof verdict_names[0]; i++)
		if (!strcmp(s, verdict_names[i]))
			return (tkp_check_verdict)i;
	return TKP_CHECK_NONE;
}

const char *tkp_check_tol_text(const tkp_check_item *it, char *buf, size_t len)
{
	if (it->expected > 0)
		tkp_fmt(buf, len, "±%g%%", it->tol * 100);
	else
		tkp_fmt(buf, len, "≤%g%% of reads", it->tol * 100);
	return buf;
}

/* ---- running ---------------------------------------------------------------------- */

/* A walk's buffer: page-aligned, huge pages asked for, written once (fill)
 * so that every line is a line of its own in physical memory. */
static unsigned char *walk_buffer(const tkp_check_item *it, int fill)
{
	unsigned char *b = NULL;

	if (posix_memalign((void **)&b, 1 << 21, it->bytes))
		return NULL;
#ifdef MADV_HUGEPAGE
	/* huge pages for the L1 and L2 walks, whose page tables would
	 * otherwise be traffic of the same order as the lines; not for the
	 * L3 walk, whose page tables stay in L3, and where the kernel's
	 * compaction for hundreds of MiB took 3.4 s of a 2 s budget (a
	 * KVM guest, defrag = madvise) against 0.55 s without */
	if (it->bytes >= (1u << 22) && it->bytes <= (64u << 20))
		madvise(b, it->bytes, MADV_HUGEPAGE);
#endif
	if (fill)
		memset(b, 1, it->bytes);
	return b;
}

/* The walk's step: about STEP_LINES, coprime with nlines. */
static size_t walk_step(size_t nlines)
{
	size_t s = nlines > 3 * STEP_LINES ? STEP_LINES : nlines / 3 + 1;

	for (;; s++) {
		size_t a = nlines, b = s;
		while (b) {
			size_t t = a % b;
			a = b;
			b = t;
		}
		if (a == 1)
			return s;
	}
}

static void warm_up(const tkp_check_item *it, const unsigned char *buf)
{
	if (it->kind == TKP_CHK_WALK) {
		size_t nl = it->bytes / (size_t)it->line;
		tkp_check_walk(buf, nl, walk_step(nl), it->line, 1);
	}
}

/* The counted run; the simulator collects this function and its callees. */
__attribute__((noinline)) void tkp_check_counted(const tkp_check_item *it, const unsigned char *buf);
__attribute__((noinline)) void tkp_check_counted(const tkp_check_item *it, const unsigned char *buf)
{
	size_t nl;

	switch (it->kind) {
	case TKP_CHK_INS:
		tkp_check_ins_loop(it->iters);
		break;
	case TKP_CHK_CHAIN:
		tkp_check_chain_loop(it->iters);
		break;
	case TKP_CHK_FP:
		tkp_check_fp_loop(it->dbits, it->width, it->fma, it->iters);
		break;
	case TKP_CHK_WALK:
		nl = it->bytes / (size_t)it->line;
		tkp_check_walk(buf, nl, walk_step(nl), it->line, it->iters);
		break;
	}
	__asm__ volatile("" ::: "memory");
}

static unsigned long long tsc(void)
{
#if defined(__x86_64__)
	return __rdtsc();
#else
	return 0;
#endif
}

/* One item counted in this process, in the pass of its metric. */
static int run_here(tkp_check_item *it, tkp_counters *c, tkp_check_hook hook, void *arg, double *vals,
		    char *why, size_t whylen)
{
	unsigned char *buf = NULL;
	tkp_counter_slot s;
	unsigned long long t0;
	int rc = 0;

	if (it->kind == TKP_CHK_WALK && !hook && !(buf = walk_buffer(it, 1))) {
		tkp_fmt(why, whylen, "%s: out of memory", it->name);
		return TKP_ENOMEM;
	}
	/* the pass that counts the item's metric only: a walk over gigabytes
	 * is not repeated for passes that do not need it */
	if (tkp_counters_slot(c, it->metric, &s) || s.pass < 0) {
		tkp_fmt(why, whylen, "%s: %s is counted in no pass", it->name, tkp_metric_name(it->metric));
		free(buf);
		return TKP_ECOUNTERS;
	}
	if (!hook)
		warm_up(it, buf);
	if ((rc = tkp_counters_start(c, s.pass)))
		goto fail;
	t0 = tsc();
	if (hook)
		hook(it, arg);
	else
		tkp_check_counted(it, buf);
	it->tsc = (double)(tsc() - t0);
	if ((rc = tkp_counters_stop(c, s.pass, vals)))
		goto fail;
	free(buf);
	return 0;
fail:
	tkp_fmt(why, whylen, "%s: %s", it->name, tkp_counters_last_error(c));
	free(buf);
	return TKP_ECOUNTERS;
}

/* One item counted apart, in a child (the simulator). */
static int run_apart(tkp_check_item *it, tkp_counters *c, double *vals, char *why, size_t whylen)
{
	char spec[128];
	char *args[] = {"counters", "--check-child", spec, NULL};

	tkp_check_spec(it, spec, sizeof spec);
	return tkp_counters_sim_cmd(c, "tkp_check_counted", args, vals, why, whylen);
}

int tkp_check_run(tkp_check *ck, tkp_counters *c, tkp_check_hook hook, void *arg, char *why,
		  size_t whylen)
{
	tkp_counters_about a;
	int rc;

	tkp_counters_about_get(c, &a);
	for (int i = 0; i < ck->n; i++) {
		tkp_check_item *it = &ck->item[i];
		double vals[TKP_M_COUNT];
		tkp_counter_slot s;

		if (it->verdict == TKP_CHECK_SKIPPED)
			continue;
		it->measured = NAN;
		if (!c || !tkp_counters_has(c, it->metric)) {
			/* metric mode: slot i is metric i */
			if (c && tkp_counters_slot(c, it->metric, &s) == 0 && s.cause && s.cause[0])
				tkp_strlcpy(it->meaning, s.cause, sizeof it->meaning);
			else
				tkp_strlcpy(it->meaning, "no counter source counts it here", sizeof it->meaning);
			tkp_check_judge(it);
			continue;
		}
		for (int m = 0; m < TKP_M_COUNT; m++)
			vals[m] = NAN;
		rc = a.apart && !hook ? run_apart(it, c, vals, why, whylen)
				      : run_here(it, c, hook, arg, vals, why, whylen);
		if (rc)
			return rc;
		it->measured = vals[it->metric];
		tkp_check_judge(it);
	}
	tkp_check_summarise(ck);
	return 0;
}

/* ---- the child ------------------------------------------------------------------------ */

static const char *const kind_names[] = {"ins", "chain", "fp", "walk"};

void tkp_check_spec(const tkp_check_item *it, char *buf, size_t len)
{
	tkp_fmt(buf, len, "%s,%d,%d,%d,%zu,%d,%ld", kind_names[it->kind], it->dbits, it->width, it->fma,
		it->bytes, it->line, it->iters);
}

int tkp_check_child(const char *spec)
{
	tkp_check_item it;
	char kind[16];
	unsigned char *buf = NULL;
	int k, n = 0;

	memset(&it, 0, sizeof it);
	if (!spec || sscanf(spec, "%15[a-z],%d,%d,%d,%zu,%d,%ld%n", kind, &it.dbits, &it.width, &it.fma,
			    &it.bytes, &it.line, &it.iters, &n) != 7 || spec[n] || it.iters <= 0)
		return TKP_EINVAL;
	for (k = 0; k < 4 && strcmp(kind, kind_names[k]); k++)
		;
	if (k == 4)
		return TKP_EINVAL;
	it.kind = (tkp_check_kind)k;
	if (it.kind == TKP_CHK_FP && !tkp_check_cpu_has(it.width, it.fma))
		return TKP_EINVAL;
	if (it.kind == TKP_CHK_WALK) {
		if (it.line < 8 || it.bytes < (size_t)it.line)
			return TKP_EINVAL;
		/* not filled: the simulator caches virtual addresses, and
		 * writing a buffer of gigabytes under it takes long */
		if (!(buf = walk_buffer(&it, 0)))
			return TKP_ENOMEM;
	}
	warm_up(&it, buf);
	tkp_check_counted(&it, buf);
	free(buf);
	return 0;
}
