/*
 * measure.c - one measured configuration: allocate, warm up, repeat until
 * the timing is trustworthy, count, verify.
 *
 * Order of work, and why:
 *   1. inputs are allocated 64-byte aligned (from 4 MB up on 2 MB pages,
 *      alloc_matrix says why) and filled from a seeded generator, so runs
 *      are reproducible and SIMD loads are aligned;
 *   2. warm-up runs (untimed) fault in the pages and warm the caches and
 *      branch predictors: the first run of a kernel is always slower;
 *   3. timed repetitions continue until both min_reps runs and min_time_s
 *      seconds are reached (capped at max_reps): short kernels get many
 *      runs, long ones at least three, and the median is robust.  A call
 *      so short that the timer's own cost would be over 1% of it is timed
 *      in batches (see batch_size); times and counts stay per call.  Each
 *      timed sample also reads the CPU time and involuntary context
 *      switches of the kernel's threads: a sample another program
 *      disturbed (stats.h's rule) is left out of the median and made up
 *      for by another one, within a bound (timed_samples);
 *   4. counters are read in runs of their own, one per pass, so their
 *      start/stop cost never lands inside the timed runs;
 *   5. C is verified last with Freivalds' check, outside all timing.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bigpages.h"
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

/*
 * A matrix of count elements, 64-byte aligned; a large one on big pages
 * (bigpages.c: with 4 KB pages, spells of slow TLB misses on a VM's host
 * made every kernel's time swing by a third from call to call) unless
 * big is 0.  Freed with free_matrix and the same count and big.
 */
static void *alloc_matrix(size_t count, size_t es, int big)
{
	size_t bytes = count * es;
	void *p = NULL;

	if (big && tkp_bigpages_worth(bytes))
		return tkp_bigpages_alloc(bytes, 1);
	/* round up so aligned_alloc's size is a multiple of the alignment */
	bytes = (bytes + 63) & ~(size_t)63;
	if (posix_memalign(&p, 64, bytes) != 0)
		return NULL;
	return p;
}

static void free_matrix(void *p, size_t count, size_t es, int big)
{
	if (big && tkp_bigpages_worth(count * es))
		tkp_bigpages_free(p, count * es);
	else
		free(p);
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

/* The timed samples of one configuration.  A sample is one timed interval
 * of `batch` calls; time and tsc hold its figures per call. */
typedef struct samples {
	double *time, *tsc;
	unsigned char *dist; /* 1: another program disturbed that sample */
	int n, cap, clean, ndist;
	long batch;
	double clean_wall; /* seconds timed in clean samples */
	double min_lost;   /* the least share of CPU a sample lost (threads > 1) */
} samples;

/*
 * Calls per timed sample.  One, unless a call is shorter than 100 times the
 * timer's own cost (two clock and two TSC reads): then as many as make a
 * sample last 200 times that cost, so the timer stays under 1% of what is
 * timed with a factor 2 to spare (a 32^3 GEMM in OpenBLAS takes ~1 µs, the
 * reads ~50 ns).  The warm-up's time (warm_s, the process's CPU time over
 * it warm_cpu) says whether to look closer (a first call is slower than
 * the rest, never faster); looking closer times three calls, the fastest
 * counting.  A warm-up of a millisecond or more is a long call only where
 * the process ran for half of it at least: preempted under a parallel
 * `make check`, the warm-up of a 4x4x4 call (~100 ns) once took that long,
 * and its calls were timed one at a time.  The batch is capped so that the
 * calls of every sample still fit an int.
 */
static int batch_size(const tkp_kernel *k, const tkp_gemm *g, double warm_s, double warm_cpu,
		      int cap, long *batch)
{
	double cost = tkp_timer_cost(), best = warm_s;
	long most = INT_MAX / (cap > 0 ? cap : 1);
	int rc = 0;

	*batch = 1;
	if (warm_s >= 1e-3 && warm_cpu >= warm_s / 2)
		return 0;
	for (int i = 0; i < 3 && !rc; i++) {
		double t0 = tkp_timer_now();
		rc = k->fn(g);
		if (tkp_timer_now() - t0 < best || i == 0)
			best = tkp_timer_now() - t0;
	}
	if (rc || best >= 100 * cost)
		return rc;
	*batch = (long)ceil(200 * cost / (best > 1e-9 ? best : 1e-9));
	if (*batch > most)
		*batch = most > 0 ? most : 1;
	return 0;
}

static double kernel_cpu(int one)
{
	return one ? tkp_thread_cpu_time() : tkp_cpu_time();
}

/* The row as a whole (threads > 1): other tasks' CPU time on our CPUs over
 * the samples, from busy0/proc0/wall0 taken before them; when they took the
 * CPUs (stats.h), every sample is disturbed. */
static void row_check(samples *s, int threads, int cpus, double busy0, double proc0, double wall0)
{
	double wall = tkp_timer_now() - wall0;
	double others = (tkp_cpus_busy_s() - busy0) - (tkp_cpu_time() - proc0);

	if (!tkp_stats_others_took(others, wall, threads, cpus))
		return;
	for (int i = 0; i < s->n; i++)
		s->dist[i] = 1;
	s->ndist = s->n;
	s->clean = 0;
	s->clean_wall = 0;
}

/*
 * The timed samples.  Repeats until min_reps samples and min_time_s seconds
 * came out clean, or s->cap samples were made.  A disturbed sample does
 * not count towards that, so it is made up for; the making up stops once
 * both 2·min_reps samples were disturbed and the loop has run 3·min_time_s
 * (the budget twice more), whichever comes later, and at s->cap samples in
 * all (max_reps calls; at least min_reps samples).  CPU time and switches are those of the calling
 * thread on one thread (getrusage RUSAGE_THREAD: a library's idle pool
 * spinning beside it is not the kernel), else of the process, whose
 * threads include the kernel's and a BLAS's own workers.  TKP_DISTURB=off
 * in the environment turns the detection off (benchmarks of it).
 */
static int timed_samples(const tkp_kernel *k, const tkp_gemm *g, const tkp_measure_opts *o,
			 int threads, samples *s)
{
	int one = threads == 1, cpus = tkp_cpus_usable(), rc = 0;
	double start = tkp_timer_now();
	/* bench/disturb.sh's "before" column: what the figures were without */
	const char *env = getenv("TKP_DISTURB");
	int detect = !env || strcmp(env, "off");
	double busy0 = tkp_cpus_busy_s(), proc0 = tkp_cpu_time(), wall0 = tkp_timer_now();

	while (s->n < s->cap) {
		tkp_rep_sample smp;
		double c0, t0, t1, lost;
		long v0, v1;
		uint64_t s0, s1;

		if (stopped(o) && s->n > 0)
			break;
		c0 = kernel_cpu(one);
		v0 = tkp_nivcsw(one);
		t0 = tkp_timer_now();
		s0 = tkp_tsc_read();
		for (long b = 0; b < s->batch && !rc; b++)
			rc = k->fn(g);
		s1 = tkp_tsc_read();
		t1 = tkp_timer_now();
		smp.cpu_s = kernel_cpu(one) - c0;
		v1 = tkp_nivcsw(one);
		if (rc)
			return rc;
		smp.wall_s = t1 - t0;
		smp.nivcsw = v0 >= 0 && v1 >= 0 ? v1 - v0 : -1;
		lost = tkp_stats_lost(&smp, threads);
		if (s->n == 0 || lost < s->min_lost)
			s->min_lost = lost;
		s->dist[s->n] = (unsigned char)(detect && tkp_stats_disturbed(&smp, threads, cpus, s->min_lost));
		s->time[s->n] = (t1 - t0) / (double)s->batch;
		s->tsc[s->n] = (double)(s1 - s0) / (double)s->batch;
		if (s->dist[s->n++])
			s->ndist++;
		else
			s->clean++, s->clean_wall += t1 - t0;
		if (s->clean >= o->min_reps && s->clean_wall >= o->min_time_s)
			break;
		if (s->ndist >= 2 * o->min_reps && tkp_timer_now() - start >= 3 * o->min_time_s)
			break;
	}
	if (detect && !one)
		row_check(s, threads, cpus, busy0, proc0, wall0);
	return 0;
}

/* The row's timing columns from the samples: the clean ones, or every one
 * when none came out clean (the row then says disturbed == reps). */
static void summarise(samples *s, tkp_result *r)
{
	int n = 0;

	for (int i = 0; i < s->n; i++)
		if (!s->clean || !s->dist[i]) {
			s->time[n] = s->time[i];
			s->tsc[n++] = s->tsc[i];
		}
	r->reps = (int)(s->n * s->batch);
	r->disturbed = (int)(s->ndist * s->batch);
	r->time_s = tkp_stats_median(s->time, (size_t)n);
	r->time_s_min = tkp_stats_min(s->time, (size_t)n);
	r->time_s_mad = tkp_stats_mad(s->time, (size_t)n);
	r->gflops = r->time_s > 0 ? r->flops_model / r->time_s / 1e9 : NAN;
	if (tkp_tsc_available())
		r->tsc_cycles = tkp_stats_median(s->tsc, (size_t)n);
}

/* r for one configuration before it is measured: what ran, the model's
 * columns, and every measured cell "not measured". */
static void result_init(tkp_result *r, const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n,
			size_t kk, int block, int threads)
{
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
}

int tkp_measure_kernel_sized(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
			     int block, int threads, const tkp_measure_opts *opts, tkp_result *r,
			     size_t rsize)
{
	tkp_measure_opts defaults;
	const tkp_measure_opts *o = opts;
	void *a = NULL, *b = NULL, *c = NULL;
	samples sm = {0};
	size_t es = tkp_dtype_size(dt);
	uint64_t rss0;
	double cpu0, wall0, warm0, wcpu0;
	int one;
	int rc = 0;
	int big = tkp_bigpages_operands();
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

	result_init(r, k, dt, m, n, kk, block, threads);

	rss0 = tkp_rss_bytes();
	sm.cap = o->max_reps;
	a = alloc_matrix(m * kk, es, big);
	b = alloc_matrix(kk * n, es, big);
	c = alloc_matrix(m * n, es, big);
	sm.time = malloc((size_t)sm.cap * sizeof *sm.time);
	sm.tsc = malloc((size_t)sm.cap * sizeof *sm.tsc);
	sm.dist = malloc((size_t)sm.cap);
	if (!a || !b || !c || !sm.time || !sm.tsc || !sm.dist) {
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
	warm0 = tkp_timer_now();
	wcpu0 = tkp_cpu_time();
	for (int w = 0; w < o->warmup; w++)
		if ((rc = k->fn(&g)) != 0)
			goto fail;
	if ((rc = batch_size(k, &g, o->warmup ? tkp_timer_now() - warm0 : 0,
			     tkp_cpu_time() - wcpu0, sm.cap, &sm.batch)))
		goto fail;
	/* max_reps counts calls; min_reps samples are made whatever the batch */
	sm.cap = (int)(o->max_reps / sm.batch);
	if (sm.cap < o->min_reps)
		sm.cap = o->min_reps;

	/* One thread: that thread's own CPU time, since other threads of the
	 * process are not the kernel's (OpenBLAS's pool spins for a while after
	 * each call and at start-up: single-threaded rows read ~2.0 with the
	 * process's time).  More: the process's, which holds the workers. */
	one = r->threads == 1;
	cpu0 = one ? tkp_thread_cpu_time() : tkp_cpu_time();
	wall0 = tkp_timer_now();
	if ((rc = timed_samples(k, &g, o, r->threads, &sm)) != 0)
		goto fail;
	{
		double wall = tkp_timer_now() - wall0;
		double cpu = (one ? tkp_thread_cpu_time() : tkp_cpu_time()) - cpu0;
		/* the clocks count nanoseconds, but a run of a few microseconds
		 * is mostly the clock reads themselves */
		r->cpu_util = wall >= 1e-3 && isfinite(cpu) ? cpu / wall / r->threads : NAN;
	}
	summarise(&sm, r);

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
	free_matrix(a, m * kk, es, big);
	free_matrix(b, kk * n, es, big);
	free_matrix(c, m * n, es, big);
	free(sm.time);
	free(sm.tsc);
	free(sm.dist);
	return rc;
}
