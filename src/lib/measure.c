/*
 * measure.c - one measured configuration: allocate, warm up, repeat until
 * the timing is trustworthy, count, verify.
 *
 * Order of work, and why:
 *   1. inputs are allocated 64-byte aligned and filled from a seeded
 *      generator, so runs are reproducible and SIMD loads are aligned;
 *   2. warm-up runs (untimed) fault in the pages and warm the caches and
 *      branch predictors: the first run of a kernel is always slower;
 *   3. timed repetitions continue until both min_reps runs and min_time_s
 *      seconds are reached (capped at max_reps): short kernels get many
 *      runs, long ones at least three, and the median is robust;
 *   4. counters are read in runs of their own, one per pass, so their
 *      start/stop cost never lands inside the timed runs;
 *   5. C is verified last with Freivalds' check, outside all timing.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "kernels.h"
#include "measure.h"
#include "stats.h"
#include "timer.h"
#include "tuning.h"
#include "util.h"
#include "verify.h"

void tkp_measure_opts_init(tkp_measure_opts *o)
{
	if (!o)
		return;
	memset(o, 0, sizeof *o);
	o->min_time_s = 0.2;
	o->min_reps = 3;
	o->max_reps = 1000;
	o->warmup = 1;
	o->verify = 1;
	o->seed = 42;
	o->size = sizeof *o;
}

void tkp_result_model(tkp_result *r)
{
	double m, n, k, es;

	if (!r)
		return;
	m = (double)r->m, n = (double)r->n, k = (double)r->k;
	es = (double)tkp_dtype_size(r->dtype);

	r->flops_model = 2.0 * m * n * k;
	r->bytes_model = (m * k + k * n + 2.0 * m * n) * es;
	r->ai_model = r->flops_model / r->bytes_model;
}

/* Multiplies with overflow check; 0 on overflow. */
static size_t mul_ok(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? 0 : r;
}

size_t tkp_measure_bytes(tkp_dtype dt, size_t m, size_t n, size_t k)
{
	size_t es = tkp_dtype_size(dt), a, b, c, total;

	a = mul_ok(mul_ok(m, k), es);
	b = mul_ok(mul_ok(k, n), es);
	c = mul_ok(mul_ok(m, n), es);
	if (!a || !b || !c)
		return 0;
	total = a + b;
	if (total < a || total + c < total)
		return 0;
	total += c;
	/* verification vectors and alignment slack */
	if (total + tkp_verify_bytes(m, n, k) + 3 * 64 < total)
		return 0;
	return total + tkp_verify_bytes(m, n, k) + 3 * 64;
}

int tkp_line_bytes(void)
{
	long l = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);

	return l >= 16 && l <= 1024 ? (int)l : 64;
}

void tkp_result_intensity(tkp_result *r, int line)
{
	static const int miss[3] = {TKP_M_L1_DCM, TKP_M_L2_DCM, TKP_M_L3_TCM};
	double *ai[3] = {&r->ai_l2, &r->ai_l3, &r->ai_dram};
	double flops = r->counters[TKP_M_FP_OPS];
	int any = 0;

	if (!(flops > 0))
		flops = r->flops_model;
	for (int i = 0; i < 3; i++) {
		double lines = r->counters[miss[i]];

		*ai[i] = lines > 0 && flops > 0 ? flops / (lines * line) : NAN;
	}
	for (int i = 0; i < TKP_M_COUNT; i++)
		any |= !isnan(r->counters[i]);
	if (any && isnan(r->counted_fraction))
		r->counted_fraction = 1;
}

static void *alloc_matrix(size_t count, size_t es)
{
	size_t bytes = count * es;
	void *p = NULL;

	/* round up so aligned_alloc's size is a multiple of the alignment */
	bytes = (bytes + 63) & ~(size_t)63;
	if (posix_memalign(&p, 64, bytes) != 0)
		return NULL;
	return p;
}

static void fill(void *p, tkp_dtype dt, size_t count, tkp_rng *rng)
{
	if (dt == TKP_F32) {
		float *f = p;
		for (size_t i = 0; i < count; i++)
			f[i] = (float)tkp_rng_unit(rng);
	} else {
		double *d = p;
		for (size_t i = 0; i < count; i++)
			d[i] = tkp_rng_unit(rng);
	}
}

static int stopped(const tkp_measure_opts *o)
{
	return o->stop && *o->stop;
}

/* Runs the counted passes: one kernel run per pass.  The counter layer keeps
 * a reference event (cycles) in every pass it can, so that passes can be
 * checked against each other: a spread over 10% means the runs were not
 * alike (frequency change, preemption) and the row is flagged rather than
 * trusted silently. */
static int count_passes(const tkp_kernel *k, const tkp_gemm *g, tkp_counters *ctr, tkp_result *r)
{
	int passes = tkp_counters_passes(ctr), rc = 0;

	if (passes <= 0)
		return 0;
	for (int p = 0; p < passes; p++) {
		int src;
		if ((rc = tkp_counters_start(ctr, p)) != 0)
			return rc;
		rc = k->fn(g);
		/* stop adds this pass's metrics into the NAN-initialised cells */
		src = tkp_counters_stop(ctr, p, r->counters);
		if (rc || src)
			return rc ? rc : src;
	}
	if (tkp_counters_check_passes(ctr, 0.10))
		r->counter_flags |= TKP_CF_PASSES_DISAGREE;
	/* A library's own thread pool (OpenBLAS) exists before the counters
	 * start, so inherited counting misses its workers. */
	if ((k->caps & TKP_CAP_EXTERNAL) && g->threads > 1)
		r->counter_flags |= TKP_CF_CALLER_ONLY;
	r->counter_source = tkp_counters_source(ctr);
	return 0;
}

int tkp_measure_kernel_sized(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
			     int block, int threads, const tkp_measure_opts *opts, tkp_result *r,
			     size_t rsize)
{
	tkp_measure_opts defaults;
	const tkp_measure_opts *o = opts;
	void *a = NULL, *b = NULL, *c = NULL;
	double *times = NULL, *tsc = NULL;
	size_t es = tkp_dtype_size(dt);
	uint64_t rss0;
	double cpu0, wall0, wall_sum = 0;
	int one;
	int rc = 0, reps = 0, cap;
	tkp_rng rng;
	tkp_gemm g;

	if (!o) {
		tkp_measure_opts_init(&defaults);
		o = &defaults;
	}
	/* one layout so far (include/tkprofile.h's ABI promise): a later one
	 * would measure into a whole tkp_result and copy rsize bytes out */
	if (rsize != sizeof *r || (o->size && o->size != sizeof *o))
		return TKP_EINVAL;
	if (!k || !r || m == 0 || n == 0 || kk == 0 || block < 0 || threads < 0 || o->min_reps < 1 ||
	    o->max_reps < o->min_reps || o->warmup < 0 || !(o->min_time_s >= 0) ||
	    (dt != TKP_F32 && dt != TKP_F64))
		return TKP_EINVAL;
	/* What the row records is what ran: no block or thread count for a
	 * kernel that takes none, and the default block by its value. */
	if ((block && !(k->caps & TKP_CAP_BLOCK)) || (threads > 1 && !(k->caps & TKP_CAP_THREADS)))
		return TKP_EINVAL;
	block = tkp_kernel_block_for(k->caps, dt, block);
	if (tkp_kernel_why_unavailable(k))
		return TKP_ENOTSUP;
	if (tkp_measure_bytes(dt, m, n, kk) == 0)
		return TKP_ENOMEM;

	memset(r, 0, sizeof *r);
	tkp_strlcpy(r->kernel, k->name, sizeof r->kernel);
	r->dtype = dt;
	r->m = m;
	r->n = n;
	r->k = kk;
	r->block = block;
	r->threads = threads ? threads : 1;
	for (int i = 0; i < TKP_M_COUNT; i++)
		r->counters[i] = NAN;
	r->ai_dram = r->ai_l2 = r->ai_l3 = r->counted_fraction = NAN;
	r->max_rel_err = r->tsc_cycles = NAN;
	r->verified = -1;
	r->counter_source = TKP_SRC_NONE;
	tkp_result_model(r);

	rss0 = tkp_rss_bytes();
	cap = o->max_reps;
	a = alloc_matrix(m * kk, es);
	b = alloc_matrix(kk * n, es);
	c = alloc_matrix(m * n, es);
	times = malloc((size_t)cap * sizeof *times);
	tsc = malloc((size_t)cap * sizeof *tsc);
	if (!a || !b || !c || !times || !tsc) {
		rc = TKP_ENOMEM;
		goto fail;
	}
	tkp_rng_seed(&rng, o->seed);
	fill(a, dt, m * kk, &rng);
	fill(b, dt, kk * n, &rng);
	memset(c, 0, m * n * es);

	g = (tkp_gemm){.dtype = dt, .m = m, .n = n, .k = kk, .a = a, .b = b, .c = c,
		       .block = block, .threads = threads};
	tkp_tuning_apply(&g);
	for (int w = 0; w < o->warmup; w++)
		if ((rc = k->fn(&g)) != 0)
			goto fail;

	/* One thread: that thread's own CPU time, since other threads of the
	 * process are not the kernel's (OpenBLAS's pool spins for a while after
	 * each call and at start-up: single-threaded rows read ~2.0 with the
	 * process's time).  More: the process's, which holds the workers. */
	one = r->threads == 1;
	cpu0 = one ? tkp_thread_cpu_time() : tkp_cpu_time();
	wall0 = tkp_timer_now();
	while (reps < cap) {
		double t0, t1;
		uint64_t s0, s1;

		if (stopped(o) && reps > 0)
			break;
		t0 = tkp_timer_now();
		s0 = tkp_tsc_read();
		rc = k->fn(&g);
		s1 = tkp_tsc_read();
		t1 = tkp_timer_now();
		if (rc)
			goto fail;
		times[reps] = t1 - t0;
		tsc[reps] = (double)(s1 - s0);
		wall_sum += t1 - t0;
		reps++;
		if (reps >= o->min_reps && wall_sum >= o->min_time_s)
			break;
	}
	{
		double wall = tkp_timer_now() - wall0;
		double cpu = (one ? tkp_thread_cpu_time() : tkp_cpu_time()) - cpu0;
		/* the clocks count nanoseconds, but a run of a few microseconds
		 * is mostly the clock reads themselves */
		r->cpu_util = wall >= 1e-3 && isfinite(cpu) ? cpu / wall / r->threads : NAN;
	}
	r->reps = reps;
	r->time_s = tkp_stats_median(times, (size_t)reps);
	r->time_s_min = tkp_stats_min(times, (size_t)reps);
	r->time_s_mad = tkp_stats_mad(times, (size_t)reps);
	r->gflops = r->time_s > 0 ? r->flops_model / r->time_s / 1e9 : NAN;
	if (tkp_tsc_available())
		r->tsc_cycles = tkp_stats_median(tsc, (size_t)reps);

	if (o->counters && !stopped(o)) {
		if ((rc = count_passes(k, &g, o->counters, r)) != 0)
			goto fail;
		if (r->counter_source != TKP_SRC_NONE)
			tkp_result_intensity(r, tkp_line_bytes());
	}
	{
		uint64_t rss1 = tkp_rss_bytes();
		r->rss_delta_mb = rss1 >= rss0 ? (double)(rss1 - rss0) / (1024.0 * 1024.0) : 0;
	}
	if (o->verify) {
		int v = tkp_verify_freivalds(&g, o->seed + 1, &r->max_rel_err);
		if (v < 0) {
			rc = v;
			goto fail;
		}
		r->verified = v;
	}
	rc = 0;
fail:
	free(a);
	free(b);
	free(c);
	free(times);
	free(tsc);
	return rc;
}
