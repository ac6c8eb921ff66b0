/*
 * stream.c - bandwidth vs working set: a read-only sum and the STREAM
 * triad (a = b + s·c), each thread of a pinned team on its own arrays.
 *
 * The kernels are written for the widest vector path the CPU has, because
 * a narrower one measures the core's load throughput, not the cache's: in
 * L1 a Zen 5 core can load two 64-byte vectors per cycle, which only
 * AVX-512 code can ask for.  The read kernel keeps eight independent sums
 * (loads fold into the adds, two per cycle × add latency 3 → six in
 * flight), unrolled to eight vectors per iteration so loop overhead stays
 * below the load rate.  Bytes are counted as the kernel names them: read
 * 8 per element, triad 24 (two loads and a store; the write-allocate read
 * of a is not counted, as in STREAM and likwid-bench).
 *
 * The arrays are in ordinary pages (no huge-page request), like the arrays
 * of the kernels the roofline is drawn for: on the development VM, 2 MiB
 * pages make working sets of 64-256 KiB read ~20% slower from L2 than
 * 4 KiB pages do (and no faster anywhere else), so huge pages would give
 * a ceiling the kernels never see.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(TKP_HAVE_X86_SIMD)
#include <immintrin.h>
#endif

#include "bigpages.h"
#include "probe.h"

#define LINE_DOUBLES 8 /* 64 bytes: arrays are whole numbers of these */

typedef double (*read_fn)(const double *a, size_t n, long passes);
typedef void (*triad_fn)(double *a, const double *b, const double *c, double s, size_t n,
			 long passes);

/* ---- generic ----------------------------------------------------------------- */

static __attribute__((noinline)) double read_generic(const double *a, size_t n, long passes)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;

	for (long p = 0; p < passes; p++) {
		for (size_t i = 0; i < n; i += 8) {
			s0 += a[i];
			s1 += a[i + 1];
			s2 += a[i + 2];
			s3 += a[i + 3];
			s4 += a[i + 4];
			s5 += a[i + 5];
			s6 += a[i + 6];
			s7 += a[i + 7];
		}
		__asm__ __volatile__("" ::: "memory");
	}
	return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}

static __attribute__((noinline)) void triad_generic(double *a, const double *b, const double *c,
						    double s, size_t n, long passes)
{
	for (long p = 0; p < passes; p++) {
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] + s * c[i];
		/* Every pass must really store: tell the compiler memory is
		 * looked at in between. */
		__asm__ __volatile__("" ::: "memory");
	}
}

#if defined(TKP_HAVE_X86_SIMD)
/* ---- AVX2 ------------------------------------------------------------------------ */

static __attribute__((noinline, target("avx2,fma"))) double read_avx2(const double *a, size_t n,
								       long passes)
{
	__m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0,
		s7 = s0;
	double t[4];

	for (long p = 0; p < passes; p++) {
		size_t i = 0;
		for (; i + 32 <= n; i += 32) {
			s0 = _mm256_add_pd(s0, _mm256_load_pd(a + i));
			s1 = _mm256_add_pd(s1, _mm256_load_pd(a + i + 4));
			s2 = _mm256_add_pd(s2, _mm256_load_pd(a + i + 8));
			s3 = _mm256_add_pd(s3, _mm256_load_pd(a + i + 12));
			s4 = _mm256_add_pd(s4, _mm256_load_pd(a + i + 16));
			s5 = _mm256_add_pd(s5, _mm256_load_pd(a + i + 20));
			s6 = _mm256_add_pd(s6, _mm256_load_pd(a + i + 24));
			s7 = _mm256_add_pd(s7, _mm256_load_pd(a + i + 28));
		}
		for (; i < n; i += 8) {
			s0 = _mm256_add_pd(s0, _mm256_load_pd(a + i));
			s1 = _mm256_add_pd(s1, _mm256_load_pd(a + i + 4));
		}
	}
	s0 = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)),
			   _mm256_add_pd(_mm256_add_pd(s4, s5), _mm256_add_pd(s6, s7)));
	_mm256_storeu_pd(t, s0);
	return t[0] + t[1] + t[2] + t[3];
}

static __attribute__((noinline, target("avx2,fma"))) void
triad_avx2(double *a, const double *b, const double *c, double s, size_t n, long passes)
{
	const __m256d vs = _mm256_set1_pd(s);

	for (long p = 0; p < passes; p++) {
		size_t i = 0;
		for (; i + 16 <= n; i += 16) {
			_mm256_store_pd(a + i, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i), _mm256_load_pd(b + i)));
			_mm256_store_pd(a + i + 4, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i + 4), _mm256_load_pd(b + i + 4)));
			_mm256_store_pd(a + i + 8, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i + 8), _mm256_load_pd(b + i + 8)));
			_mm256_store_pd(a + i + 12, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i + 12), _mm256_load_pd(b + i + 12)));
		}
		for (; i < n; i += 4)
			_mm256_store_pd(a + i, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i), _mm256_load_pd(b + i)));
		__asm__ __volatile__("" ::: "memory");
	}
}

/* ---- AVX-512 ---------------------------------------------------------------------- */

static __attribute__((noinline, target("avx512f"))) double read_avx512(const double *a, size_t n,
									long passes)
{
	__m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0,
		s7 = s0;

	for (long p = 0; p < passes; p++) {
		size_t i = 0;
		for (; i + 64 <= n; i += 64) {
			s0 = _mm512_add_pd(s0, _mm512_load_pd(a + i));
			s1 = _mm512_add_pd(s1, _mm512_load_pd(a + i + 8));
			s2 = _mm512_add_pd(s2, _mm512_load_pd(a + i + 16));
			s3 = _mm512_add_pd(s3, _mm512_load_pd(a + i + 24));
			s4 = _mm512_add_pd(s4, _mm512_load_pd(a + i + 32));
			s5 = _mm512_add_pd(s5, _mm512_load_pd(a + i + 40));
			s6 = _mm512_add_pd(s6, _mm512_load_pd(a + i + 48));
			s7 = _mm512_add_pd(s7, _mm512_load_pd(a + i + 56));
		}
		for (; i < n; i += 8)
			s0 = _mm512_add_pd(s0, _mm512_load_pd(a + i));
	}
	s0 = _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)),
			   _mm512_add_pd(_mm512_add_pd(s4, s5), _mm512_add_pd(s6, s7)));
	return _mm512_reduce_add_pd(s0);
}

static __attribute__((noinline, target("avx512f"))) void
triad_avx512(double *a, const double *b, const double *c, double s, size_t n, long passes)
{
	const __m512d vs = _mm512_set1_pd(s);

	for (long p = 0; p < passes; p++) {
		size_t i = 0;
		for (; i + 32 <= n; i += 32) {
			_mm512_store_pd(a + i, _mm512_fmadd_pd(vs, _mm512_load_pd(c + i), _mm512_load_pd(b + i)));
			_mm512_store_pd(a + i + 8, _mm512_fmadd_pd(vs, _mm512_load_pd(c + i + 8), _mm512_load_pd(b + i + 8)));
			_mm512_store_pd(a + i + 16, _mm512_fmadd_pd(vs, _mm512_load_pd(c + i + 16), _mm512_load_pd(b + i + 16)));
			_mm512_store_pd(a + i + 24, _mm512_fmadd_pd(vs, _mm512_load_pd(c + i + 24), _mm512_load_pd(b + i + 24)));
		}
		for (; i < n; i += 8)
			_mm512_store_pd(a + i, _mm512_fmadd_pd(vs, _mm512_load_pd(c + i), _mm512_load_pd(b + i)));
		__asm__ __volatile__("" ::: "memory");
	}
}
#endif /* TKP_HAVE_X86_SIMD */

const char *tkp_bw_test_name(tkp_bw_test t)
{
	return t == TKP_BW_TRIAD ? "triad" : "read";
}

/* ---- the team's buffers and jobs -------------------------------------------------- */

struct tkp_bw {
	tkp_team *team;
	int n;
	size_t per_thread;                   /* bytes allocated per thread */
	double *buf[TKP_PROBE_MAX_THREADS];
	int failed;                          /* a thread could not allocate */
	read_fn read;
	triad_fn triad;
};

typedef struct bw_job {
	tkp_bw *b;
	tkp_bw_test test;
	size_t elems;   /* per array per thread */
	size_t stagger; /* elements between triad arrays beyond elems */
	long passes;
	double t0[TKP_PROBE_MAX_THREADS], t1[TKP_PROBE_MAX_THREADS];
	volatile double sink[TKP_PROBE_MAX_THREADS];
} bw_job;

static void alloc_worker(void *arg, int tid, int n)
{
	tkp_bw *b = arg;
	double *p;
	size_t i, count = b->per_thread / sizeof(double);

	(void)n;
	if (!(p = tkp_bigpages_alloc(b->per_thread, 0))) {
		b->failed = 1;
		return;
	}
	/* Written once from the pinned worker (tkp_bigpages_alloc has
	 * faulted the pages in already, on its node): nothing faults while
	 * timing, and the sums see ordinary numbers. */
	for (i = 0; i < count; i++)
		p[i] = 1.0 + (double)(i & 1023) * 1e-6;
	b->buf[tid] = p;
}

static void free_worker(void *arg, int tid, int n)
{
	tkp_bw *b = arg;

	(void)n;
	tkp_bigpages_free(b->buf[tid], b->per_thread);
	b->buf[tid] = NULL;
}

static void bw_worker(void *arg, int tid, int n)
{
	bw_job *j = arg;
	double *a = j->b->buf[tid];

	(void)n;
	j->t0[tid] = tkp_timer_now();
	if (j->test == TKP_BW_READ) {
		j->sink[tid] = j->b->read(a, j->elems, j->passes);
	} else {
		size_t off = j->elems + j->stagger;
		j->b->triad(a, a + off, a + 2 * off, 0.5, j->elems, j->passes);
	}
	j->t1[tid] = tkp_timer_now();
}

int tkp_bw_open(tkp_bw **out, tkp_team *team, size_t max_bytes, tkp_isa isa)
{
	tkp_bw *b;
	int n = tkp_team_size(team);

	*out = NULL;
	if (n < 1 || n > TKP_PROBE_MAX_THREADS || max_bytes < 4096)
		return TKP_EINVAL;
	if (!(b = calloc(1, sizeof *b)))
		return TKP_ENOMEM;
	b->team = team;
	b->n = n;
	/* Room for three staggered arrays of max_bytes/3/n each. */
	b->per_thread = (max_bytes / (size_t)n + 4 * 64 * 3 + 4095) / 4096 * 4096;
	b->read = read_generic;
	b->triad = triad_generic;
#if defined(TKP_HAVE_X86_SIMD)
	if (isa > tkp_isa_supported())
		isa = tkp_isa_supported();
	if (isa == TKP_ISA_AVX512) {
		b->read = read_avx512;
		b->triad = triad_avx512;
	} else if (isa == TKP_ISA_AVX2) {
		b->read = read_avx2;
		b->triad = triad_avx2;
	}
#else
	(void)isa;
#endif
	tkp_team_run(team, alloc_worker, b);
	if (b->failed) {
		tkp_bw_close(b);
		return TKP_ENOMEM;
	}
	*out = b;
	return 0;
}

void tkp_bw_close(tkp_bw *b)
{
	if (!b)
		return;
	tkp_team_run(b->team, free_worker, b);
	free(b);
}

static double job_time(const bw_job *j, int n)
{
	double a = j->t0[0], z = j->t1[0];
	int i;

	for (i = 1; i < n; i++) {
		if (j->t0[i] < a)
			a = j->t0[i];
		if (j->t1[i] > z)
			z = j->t1[i];
	}
	return z - a;
}

int tkp_bw_measure(tkp_bw *b, tkp_bw_test test, size_t bytes, double min_time, int samples,
		   double *gbs, size_t *actual)
{
	bw_job *j;
	int arrays = test == TKP_BW_TRIAD ? 3 : 1, s;
	size_t per_elem = test == TKP_BW_TRIAD ? 24 : 8;
	double t = 0, moved, best = 0;

	*gbs = NAN;
	if (actual)
		*actual = 0;
	if (!b || min_time <= 0)
		return TKP_EINVAL;
	if (bytes > (b->per_thread - 4 * 64 * 3) * (size_t)b->n)
		return TKP_ERANGE;
	if (!(j = calloc(1, sizeof *j)))
		return TKP_ENOMEM;
	j->b = b;
	j->test = test;
	j->elems = bytes / (size_t)b->n / (size_t)arrays / sizeof(double) / LINE_DOUBLES * LINE_DOUBLES;
	if (j->elems < LINE_DOUBLES)
		j->elems = LINE_DOUBLES;
	/* Triad's arrays a bit apart, so that a[i], b[i], c[i] do not share
	 * their cache set and 4 KiB alias (store-to-load false dependencies). */
	j->stagger = 3 * LINE_DOUBLES;
	moved = (double)j->elems * (double)per_elem * b->n;
	if (actual)
		*actual = j->elems * sizeof(double) * (size_t)arrays * (size_t)b->n;

	/* Calibrate: about a millisecond first, then scale to min_time.  A
	 * calibration run that already lasted min_time is a sample (large
	 * working sets, where one pass is longer than a sample). */
	j->passes = (long)(1e6 / moved) + 1;
	s = samples > 0 ? samples : 1;
	for (;;) {
		tkp_team_run(b->team, bw_worker, j);
		t = job_time(j, b->n);
		if (t >= min_time && moved * (double)j->passes / t / 1e9 > best) {
			best = moved * (double)j->passes / t / 1e9;
			s--;
		}
		if (t >= min_time / 4 || j->passes > (1L << 40))
			break;
		j->passes *= t > 0 && min_time / 4 / t < 16 ? 2 : 16;
	}
	if (t > 0 && t < min_time)
		j->passes = (long)((double)j->passes * min_time / t) + 1;
	for (; s > 0; s--) {
		tkp_team_run(b->team, bw_worker, j);
		t = job_time(j, b->n);
		if (t > 0 && moved * (double)j->passes / t / 1e9 > best)
			best = moved * (double)j->passes / t / 1e9;
	}
	free(j);
	*gbs = best;
	return best > 0 ? 0 : TKP_EIO;
}
