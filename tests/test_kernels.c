/*
 * test_kernels.c - every kernel in the registry against the naive
 * reference, on the shapes that break tiled and vectorised code.
 *
 * The table is iterated, so a kernel added with one registry row is tested
 * here without touching this file; one that cannot run in this build or on
 * this CPU is skipped with the reason the registry gives.  Shapes are the
 * awkward ones: 1×1×1, dot and outer products, primes, sizes that are not
 * multiples of the block, block 1 and blocks larger than the matrix, more
 * threads than rows.  C is filled with NaN before each run, so a kernel
 * that accumulates into C instead of overwriting it fails, and guard
 * elements after C catch writes past its end.
 *
 * Tolerance: for one element, both the kernel and the reference are
 * within γ_k·Σ_p |a_ip||b_pj| of the exact sum (γ_k ≈ k·eps/2 for any
 * summation order, with or without FMA), so they differ by at most
 * k·eps·Σ|a||b|; we allow twice that.
 */
#include "config.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bigpages.h"
#include "kernels.h"
#include "pin.h"
#include "tap.h"

enum { GUARD = 16 };

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: fixed seed, so a failure reproduces. */
static double rng_unit(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0;
}

/* A problem with its own buffers: inputs in [-1, 1], the reference C by
 * naive, and sum |a||b| per element for the error bound. */
struct problem {
	tkp_dtype dt;
	size_t m, n, k;
	void *a, *b, *c, *ref;
	double *absprod;
};

static const char *dt_name(int dt)
{
	return dt == TKP_F32 ? "f32" : "f64";
}

static double elem(tkp_dtype dt, const void *p, size_t i)
{
	return dt == TKP_F32 ? ((const float *)p)[i] : ((const double *)p)[i];
}

static void set_elem(tkp_dtype dt, void *p, size_t i, double v)
{
	if (dt == TKP_F32)
		((float *)p)[i] = (float)v;
	else
		((double *)p)[i] = v;
}

static void problem_free(struct problem *p)
{
	free(p->a);
	free(p->b);
	free(p->c);
	free(p->ref);
	free(p->absprod);
}

static int problem_init(struct problem *p, tkp_dtype dt, size_t m, size_t n, size_t k)
{
	size_t es = dt == TKP_F32 ? sizeof(float) : sizeof(double);
	tkp_gemm g;

	memset(p, 0, sizeof *p);
	p->dt = dt;
	p->m = m;
	p->n = n;
	p->k = k;
	p->a = malloc(m * k * es);
	p->b = malloc(k * n * es);
	p->c = malloc((m * n + GUARD) * es);
	p->ref = malloc(m * n * es);
	p->absprod = calloc(m * n, sizeof *p->absprod);
	if (!p->a || !p->b || !p->c || !p->ref || !p->absprod)
		goto fail;
	for (size_t i = 0; i < m * k; i++)
		set_elem(dt, p->a, i, 2 * rng_unit() - 1);
	for (size_t i = 0; i < k * n; i++)
		set_elem(dt, p->b, i, 2 * rng_unit() - 1);
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t q = 0; q < k; q++)
				p->absprod[i * n + j] += fabs(elem(dt, p->a, i * k + q)) *
							 fabs(elem(dt, p->b, q * n + j));
	g = (tkp_gemm){.dtype = dt, .m = m, .n = n, .k = k, .a = p->a, .b = p->b, .c = p->ref};
	if (tkp_gemm_naive(&g) != 0)
		goto fail;
	return 0;
fail:
	problem_free(p);
	return -1;
}

/* Fills C with NaN and the guard after it with a sentinel. */
static void poison(struct problem *p)
{
	for (size_t i = 0; i < p->m * p->n; i++)
		set_elem(p->dt, p->c, i, NAN);
	for (size_t i = 0; i < GUARD; i++)
		set_elem(p->dt, p->c, p->m * p->n + i, 12345.0);
}

/* Largest error relative to the bound (≤ 1 passes); NaN or a touched guard
 * gives +inf. */
static double check(const struct problem *p)
{
	double eps = p->dt == TKP_F32 ? FLT_EPSILON : DBL_EPSILON, worst = 0;

	for (size_t i = 0; i < GUARD; i++)
		if (elem(p->dt, p->c, p->m * p->n + i) != 12345.0)
			return INFINITY;
	for (size_t i = 0; i < p->m * p->n; i++) {
		double got = elem(p->dt, p->c, i), want = elem(p->dt, p->ref, i);
		double bound = 2.0 * (double)p->k * eps * p->absprod[i] + DBL_MIN;
		double r = fabs(got - want) / bound;

		if (isnan(got))
			return INFINITY;
		if (r > worst)
			worst = r;
	}
	return worst;
}

struct shape {
	size_t m, n, k;
	int block, threads;
	const char *why;
};

/* block/threads 0 = the kernel's default; they are only applied to kernels
 * whose caps say they use them (others run the shape once). */
static const struct shape shapes[] = {
	{1, 1, 1, 0, 0, "1x1x1"},
	{1, 1, 37, 0, 0, "dot product"},
	{17, 23, 1, 0, 0, "k=1 (outer product)"},
	{67, 129, 31, 0, 0, "primes"},
	{31, 67, 129, 0, 0, "primes, k largest"},
	{100, 100, 100, 16, 0, "block 16 does not divide 100"},
	{100, 100, 100, 33, 0, "block 33"},
	{100, 100, 100, 64, 0, "block 64"},
	{200, 3, 5, 0, 0, "tall and skinny"},
	{3, 200, 5, 0, 0, "short and wide"},
	{13, 11, 7, 1, 0, "block 1"},
	{20, 21, 19, 256, 0, "block larger than the matrix"},
	{3, 40, 17, 0, 8, "more threads than rows"},
	{1, 1, 5, 4, 8, "1x1 with 8 threads"},
	{70, 45, 39, 8, 1, "threads 1"},
	{70, 45, 39, 8, 2, "threads 2"},
	{70, 45, 39, 8, 3, "threads 3"},
	{70, 45, 39, 8, 4, "threads 4"},
	{70, 45, 39, 8, 5, "threads 5"},
	{70, 45, 39, 8, 6, "threads 6"},
	{70, 45, 39, 8, 7, "threads 7"},
	{70, 45, 39, 8, 8, "threads 8"},
	{130, 150, 140, 0, 2, "default block, 2 threads"},
	/* the tuned kernel's unpacked and B-only paths: every row count
	 * 1..MR+1 of each path (MR 4, 6, 8, 12), columns NR±1 (NR 8, 16,
	 * 24, 32) and odd, k 1..33 and long, skinny m against wide B */
	{2, 3, 7, 0, 0, "2x3x7"},
	{3, 7, 2, 0, 0, "3x7x2"},
	{5, 9, 15, 0, 0, "MR+1 (generic), NR+1 (generic)"},
	{7, 15, 17, 0, 0, "MR-1 (AVX-512 f64), NR-1 (AVX2 f32)"},
	{9, 23, 31, 0, 0, "MR+1 (AVX-512 f64), NR-1 (AVX-512 f64)"},
	{11, 25, 33, 0, 0, "MR-1 (AVX-512 f32), NR+1 (AVX-512 f64)"},
	{13, 31, 3, 0, 0, "MR+1 (AVX-512 f32), NR-1 (AVX-512 f32)"},
	{15, 33, 17, 0, 0, "15x33x17, NR+1 (AVX-512 f32)"},
	{17, 17, 1, 0, 0, "17x17x1, NR+1 (AVX2 f32)"},
	{31, 7, 33, 0, 0, "31x7x33"},
	{18, 29, 40, 0, 0, "18 rows: a 6-row bottom edge under MR 12 (AVX-512 f32)"},
	/* wide strips (AVX-512: f64 25..32 columns on 6 rows, f32 33..48 on 8
	 * and 49..64 on 6) */
	{32, 32, 32, 0, 0, "wide strip f64, rows 6+6+5+5+5+5"},
	{17, 48, 9, 0, 0, "wide strip f32, rows 6+6+5"},
	{7, 56, 5, 0, 0, "24 columns then a wide 32 (f64)"},
	{13, 64, 20, 0, 0, "wide strips first: f64 32+32, f32 64 on rows 5+4+4"},
	{64, 64, 64, 0, 0, "f32 64 columns on 6 rows: 6x9 + 5 + 5"},
	{11, 60, 9, 0, 0, "f32 60 columns: 4 vectors, the last masked"},
	{7, 50, 33, 0, 0, "f32 50 columns: 4 vectors, the last 2 lanes"},
	{9, 96, 7, 0, 0, "wide strips first: f64 32x3, f32 48+48"},
	{10, 112, 3, 0, 0, "halves: f32 64+48; f64 32+32 then 24+24"},
	{45, 72, 50, 0, 0, "f64 72 columns as 3 NR strips (small: no wide ones), rows 8x5 + 5"},
	{33, 1, 15, 0, 0, "one column"},
	{1, 513, 257, 0, 0, "one row, wide"},
	{5, 1000, 3, 0, 0, "skinny, k=3"},
	/* a short k (tuned: B's strip held in registers, 64 rows a call) */
	{150, 70, 3, 0, 0, "k=3: rows 64+64+22, 70 columns (a masked last strip)"},
	{70, 100, 7, 0, 0, "k=7: 3-vector strips on AVX-512 (f32 48+48+4, f64 24x4+4)"},
	{5, 37, 8, 0, 0, "k=8: the short-k kernel's last k (AVX-512)"},
	{9, 41, 9, 0, 0, "k=9: past it"},
	{1030, 1000, 4, 0, 2, "k=4, 2 threads (8 Mflop: columns split)"},
	{8, 300, 40, 0, 0, "8 rows, k=40: f64 one 8-row tile (NR strips), f32 wide 4+4"},
	{9, 4100, 66, 0, 1, "k=66, 9 rows: blocks of 64 then one of 2 added to C"},
	{66, 2001, 67, 0, 1, "k=67: a last block of 3 added to C, 66 rows, the last strip masked"},
	{9, 4100, 71, 0, 1, "k=71, 9 rows: a last block of 7 added to C (3-vector strips)"},
	{5, 4100, 70, 0, 1, "k=70, B in L3, 5 rows: one tile, all of k in one block (AVX-512)"},
	{64, 37, 700, 0, 0, "64 rows, long k"},
	{16, 520, 520, 0, 2, "skinny, 2 threads"},
	{24, 1100, 150, 0, 1, "24 rows: tuned's last direct row count"},
	{25, 1100, 150, 0, 2, "25 rows: tuned's first B-only row count, 2 threads"},
	{3, 1100, 1300, 0, 2, "3 rows, 2 threads"},
	{3, 1020, 1300, 0, 1, "3 rows, B in L3: one k block (AVX-512); last 60 columns a strip"},
	{13, 1100, 700, 0, 1, "13 rows, B in k blocks, 1 thread: tuned packs nothing (8-way L1d too)"},
	/* narrow C, more rows than the skinny path's (tuned: nothing or
	 * only B packed, rows split among threads: enough work, over 4
	 * Mflop per thread, that the threads asked for all run) */
	{700, 9, 1000, 0, 3, "narrow: 9 columns on 700 rows, 3 threads"},
	{400, 37, 500, 0, 2, "narrow: 37 columns (B packed where NR is 8 or 16), 2 threads"},
	{300, 200, 90, 0, 2, "200 columns: narrow in f32 on AVX2, not in f64"},
	{130, 100, 600, 0, 2, "skinny wide tail (f32 32+32+36, f64 24x3+28), k blocks, 2 threads"},
	/* A and B within L2 read in place (tuned: nothing packed where the
	 * skinny path packed B) */
	{300, 70, 240, 0, 2, "in place: 70 columns, rows split (f32; f64 on AVX-512, 1 MB L2)"},
	{64, 500, 128, 0, 2, "in place: 64 rows, columns split (AVX2 f32, AVX-512 f64)"},
	{2000, 100, 40, 0, 2, "in place, C past half of L2 in one column block"},
	/* a C at most half a vector wide (tuned: dot products along k, k's
	 * last vector masked; A from memory prefetched a tile ahead) */
	{203, 3, 129, 0, 0, "dot: 3 columns, k one past a vector multiple"},
	{50, 1, 7000, 0, 0, "dot: one column, k in two blocks"},
	{45, 4, 2000, 0, 1, "dot: 4 columns, k in two blocks (f32 on AVX-512)"},
	{3000, 2, 1000, 0, 2, "dot: A 12-24 MB (past L3/4 on 32 MB: prefetched), rows split"},
	/* few rows (AVX-512: B transposed vectors at a time, 2 to 8 columns
	 * in f32, 2 to 4 in f64; a tile of at most 4 elements runs several
	 * sets of accumulators) */
	{1, 2, 300, 0, 0, "dot on one row, 2 columns"},
	{3, 5, 500, 0, 0, "dot: 5 columns on 3 rows (f32)"},
	{2, 6, 250, 0, 0, "dot: 6 columns, 4 + 2 on 2 rows (f32)"},
	{6, 8, 600, 0, 0, "dot: 8 columns, half a vector (f32)"},
	{80, 6, 80, 0, 0, "dot: 6 columns, 13 steps of k each (f32 on AVX-512)"},
	{7, 4, 3001, 0, 0, "dot: 4 columns, the last k block ending mid-vector"},
};

/* Whether running kernel k on s differs from running it on an earlier
 * shape of the same size only in parameters the kernel ignores. */
static int redundant(const tkp_kernel *k, size_t si)
{
	const struct shape *s = &shapes[si];

	for (size_t j = 0; j < si; j++) {
		const struct shape *t = &shapes[j];

		if (t->m == s->m && t->n == s->n && t->k == s->k &&
		    ((k->caps & TKP_CAP_BLOCK) == 0 || t->block == s->block) &&
		    ((k->caps & TKP_CAP_THREADS) == 0 || t->threads == s->threads))
			return 1;
	}
	return 0;
}

/*
 * Each shape's problem in each dtype, made once and shared by every run
 * on it (their C poisoned before each): the inputs' reference (naive,
 * and the bound's sum of |a|·|b|), made again for every run, took most
 * of this test's time (TKP_TEST_QUICK under ThreadSanitizer 432 s,
 * 139 s made once; plain 28.7 s, 7.8 s), and the CI's TSan stage had
 * passed its budget.  Freed at the end (shape_problems_free).
 */
static struct problem shape_probs[TKP_F64 + 1][sizeof shapes / sizeof shapes[0]];
static int shape_made[TKP_F64 + 1][sizeof shapes / sizeof shapes[0]];

static struct problem *shape_problem(int dt, size_t si)
{
	const struct shape *s = &shapes[si];

	if (!shape_made[dt][si]) {
		if (problem_init(&shape_probs[dt][si], (tkp_dtype)dt, s->m, s->n, s->k) != 0)
			return NULL;
		shape_made[dt][si] = 1;
	}
	poison(&shape_probs[dt][si]);
	return &shape_probs[dt][si];
}

static void shape_problems_free(void)
{
	for (int dt = TKP_F32; dt <= TKP_F64; dt++)
		for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
			if (shape_made[dt][si]) {
				problem_free(&shape_probs[dt][si]);
				shape_made[dt][si] = 0;
			}
}

/* TKP_TEST_QUICK (the CI's TSan stage, where large shapes take minutes):
 * they are left to the plain and ASan runs of make check. */
static int quick_run(void)
{
	const char *q = getenv("TKP_TEST_QUICK");

	return q && *q;
}

/* Under TKP_TEST_QUICK the shapes of more multiply-adds than the
 * largest the TSan stage ran before (2000×100×40, 8 M) are left out too:
 * with 66×2001×67 and 66×2001×71 among the shapes the CI's TSan stage
 * took 426 s, against 220 before them. */
enum { QUICK_FMA_MAX = 8500000 };

static int quick_skips(const struct shape *s)
{
	return quick_run() && (double)s->m * (double)s->n * (double)s->k > QUICK_FMA_MAX;
}

static void test_registry_kernels(void)
{
	if (quick_run())
		skip("TKP_TEST_QUICK is set", "shapes of over 8.5 M multiply-adds, every kernel");
	for (size_t ki = 0; ki < tkp_kernel_count(); ki++) {
		const tkp_kernel *k = tkp_kernel_at(ki);
		const char *why = tkp_kernel_why_unavailable(k);

		if (why) {
			skip(why, k->name);
			continue;
		}
		for (int dt = TKP_F32; dt <= TKP_F64; dt++)
			for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
				const struct shape *s = &shapes[si];
				struct problem *p;
				tkp_gemm g;
				int rc;
				double err;

				if (redundant(k, si) || quick_skips(s))
					continue;
				if (!(p = shape_problem(dt, si))) {
					ok(0, "%s: out of memory", k->name);
					continue;
				}
				g = (tkp_gemm){.dtype = (tkp_dtype)dt, .m = s->m, .n = s->n,
					       .k = s->k, .a = p->a, .b = p->b, .c = p->c,
					       .block = s->block, .threads = s->threads};
				rc = tkp_kernel_run(k, &g);
				err = rc == 0 ? check(p) : INFINITY;
				ok(rc == 0 && err <= 1.0,
				   "%s %s m=%zu n=%zu k=%zu block=%d threads=%d (%s): rc %d, "
				   "error %.3g of bound",
				   k->name, dt_name(dt), s->m, s->n, s->k,
				   s->block, s->threads, s->why, rc, err);
			}
	}
}

/* The tuned kernel's blocking check_fn passes ({MC, KC, NC}; 0 = from the
 * cache sizes). */
static size_t tuned_blk[3];

/* TKP_SANITIZER (set by the CI's sanitizer stages) names ThreadSanitizer */
static int under_tsan(void)
{
	const char *san = getenv("TKP_SANITIZER");

	return san && strstr(san, "thread");
}

/* Runs one kernel function on every shape in both dtypes; what names it. */
static void check_fn(int (*fn)(const tkp_gemm *, tkp_isa), tkp_isa isa, const char *what)
{
	int bad = 0, runs = 0;
	double worst = 0;

	for (int dt = TKP_F32; dt <= TKP_F64; dt++)
		for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
			const struct shape *s = &shapes[si];
			struct problem *p;
			tkp_gemm g;
			double err;

			if (quick_skips(s))
				continue;
			if (!(p = shape_problem(dt, si))) {
				bad++;
				continue;
			}
			g = (tkp_gemm){.dtype = (tkp_dtype)dt, .m = s->m, .n = s->n, .k = s->k,
				       .a = p->a, .b = p->b, .c = p->c, .block = s->block,
				       .threads = s->threads, .mc = tuned_blk[0], .kc = tuned_blk[1],
				       .nc = tuned_blk[2]};
			err = fn(&g, isa) == 0 ? check(p) : INFINITY;
			if (!(err <= 1.0)) {
				diag("%s %s m=%zu n=%zu k=%zu block=%d threads=%d: error %.3g of bound",
				     what, dt_name(dt), s->m, s->n, s->k, s->block, s->threads, err);
				bad++;
			}
			if (err > worst)
				worst = err;
			runs++;
		}
	ok(bad == 0, "%s: %d runs, %d wrong, worst error %.3g of bound", what, runs, bad, worst);
}

/* The tuned kernel with each of its loop structures forced, whatever
 * the shape would choose.  The packed loops run with one B panel shared
 * by a team that splits rows (private_b "0") or one panel per member
 * ("1"), whatever the caches say (share_b in tuned.c). */
static int tuned_packed_b(const tkp_gemm *g, tkp_isa isa, const char *private_b)
{
	int rc;

	setenv("TKP_TUNED_PRIVATE_B", private_b, 1);
	rc = tkp_gemm_tuned_mode(g, isa, TKP_TUNED_PACKED);
	unsetenv("TKP_TUNED_PRIVATE_B");
	return rc;
}

static int tuned_packed(const tkp_gemm *g, tkp_isa isa)
{
	return tuned_packed_b(g, isa, "1");
}

static int tuned_packed_shared(const tkp_gemm *g, tkp_isa isa)
{
	return tuned_packed_b(g, isa, "0");
}

static int tuned_direct(const tkp_gemm *g, tkp_isa isa)
{
	return tkp_gemm_tuned_mode(g, isa, TKP_TUNED_DIRECT);
}

static int tuned_skinny(const tkp_gemm *g, tkp_isa isa)
{
	return tkp_gemm_tuned_mode(g, isa, TKP_TUNED_SKINNY);
}

static int tuned_stream(const tkp_gemm *g, tkp_isa isa)
{
	return tkp_gemm_tuned_mode(g, isa, TKP_TUNED_STREAM);
}

static int tuned_dot(const tkp_gemm *g, tkp_isa isa)
{
	return tkp_gemm_tuned_mode(g, isa, TKP_TUNED_DOT);
}

/* Every ISA path of every SIMD kernel, not just the one this process
 * chose: TKP_ISA is read once, so the paths are called directly. */
static void test_isa_paths(void)
{
	static const char *const isa_names[] = {"generic", "avx2", "avx512"};
	static const struct {
		const char *name;
		int (*fn)(const tkp_gemm *, tkp_isa);
		int threads; /* starts threads */
	} fns[] = {
		{"simd", tkp_gemm_simd_isa, 0},
		{"blocked", tkp_gemm_blocked_isa, 0},
		{"threaded", tkp_gemm_threaded_isa, 1},
		{"tuned", tkp_gemm_tuned_isa, 1},
		{"tuned (packed)", tuned_packed, 1},
		{"tuned (packed, B shared)", tuned_packed_shared, 1},
		{"tuned (direct)", tuned_direct, 1},
		{"tuned (skinny)", tuned_skinny, 1},
		{"tuned (stream)", tuned_stream, 1},
		{"tuned (dot)", tuned_dot, 1},
	};
	char what[64];

	ok(tkp_isa_current() <= tkp_isa_supported(), "current path %s is one the CPU runs",
	   isa_names[tkp_isa_current()]);
	for (int isa = TKP_ISA_GENERIC; isa <= TKP_ISA_AVX512; isa++)
		for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
			snprintf(what, sizeof what, "%s on the %s path", fns[f].name, isa_names[isa]);
			if ((tkp_isa)isa > tkp_isa_supported()) {
				float one = 1, out = 0;
				tkp_gemm g = {.dtype = TKP_F32, .m = 1, .n = 1, .k = 1,
					      .a = &one, .b = &one, .c = &out};

				skip("this CPU or build has no such path", what);
				ok(fns[f].fn(&g, (tkp_isa)isa) == TKP_ENOTSUP,
				   "%s is refused with TKP_ENOTSUP", what);
				continue;
			}
			/* a kernel that starts no threads has no race for TSan
			 * to find (a sixth of this test's minutes under it) */
			if (!fns[f].threads && under_tsan()) {
				skip("ThreadSanitizer run: the kernel starts no threads", what);
				continue;
			}
			check_fn(fns[f].fn, (tkp_isa)isa, what);
		}
	/* tuned with tiny cache blocks, so that the small shapes cross every
	 * MC, KC and NC boundary and hit partial panels in all five loops. */
	for (int isa = TKP_ISA_GENERIC; isa <= (int)tkp_isa_supported(); isa++) {
		size_t eff[5];

		tuned_blk[0] = 1;
		tuned_blk[1] = 5;
		tuned_blk[2] = 1;
		tkp_tuned_blocking(TKP_F64, (tkp_isa)isa, tuned_blk, eff);
		ok(eff[0] == eff[3] && eff[1] == 5 && eff[2] == eff[4],
		   "tuned on the %s path takes MC=1 KC=5 NC=1 as MR=%zu KC=%zu NR=%zu", isa_names[isa],
		   eff[0], eff[1], eff[2]);
		/* fns[3..]: tuned as chosen, and each loop structure forced */
		for (size_t f = 3; f < sizeof fns / sizeof fns[0]; f++) {
			snprintf(what, sizeof what, "%s on the %s path, MC=MR KC=5 NC=NR",
				 fns[f].name, isa_names[isa]);
			check_fn(fns[f].fn, (tkp_isa)isa, what);
		}
		memset(tuned_blk, 0, sizeof tuned_blk);
	}
	/* a team sharing its B panel with an A panel of one MR (MC=1) and a
	 * long k block: no chunk of rows may pass MC, or it is packed past
	 * the member's A buffer (a shrinking-chunk floor of 8·MR once did) */
	for (int dt = TKP_F32; dt <= TKP_F64; dt++) {
		struct problem p;
		double err = INFINITY;

		if (problem_init(&p, (tkp_dtype)dt, 203, 70, 1100) == 0) {
			tkp_gemm g = {.dtype = (tkp_dtype)dt, .m = 203, .n = 70, .k = 1100, .a = p.a,
				      .b = p.b, .c = p.c, .threads = 2, .mc = 1, .kc = 512};

			poison(&p);
			err = tuned_packed_shared(&g, tkp_isa_supported()) == 0 ? check(&p) : INFINITY;
			problem_free(&p);
		}
		ok(err <= 1.0, "tuned %s 203x70x1100 on 2 threads, MC=MR KC=512: error %.3g of bound",
		   dt_name(dt), err);
	}
	{
		size_t eff[5] = {1, 1, 1, 1, 1};

		tkp_tuned_blocking((tkp_dtype)7, TKP_ISA_GENERIC, NULL, eff);
		ok(!eff[0] && !eff[1] && !eff[2] && !eff[3] && !eff[4],
		   "tkp_tuned_blocking gives zeros for a bad dtype");
	}
}

/* The stream path with more of A per member than it packs whole (8 MB):
 * A packed k block by k block instead, on every path, alone and on two
 * threads (9 columns: rows split where NR > 9, columns where NR is 8). */
static void test_stream_long_k(void)
{
	enum { M = 65, N = 9, K = 33000 };
	static const char *const isa_names[] = {"generic", "avx2", "avx512"};

	if (quick_run()) {
		skip("TKP_TEST_QUICK is set", "tuned (stream) with A packed block by block");
		return;
	}
	for (int isa = TKP_ISA_GENERIC; isa <= (int)tkp_isa_supported(); isa++)
		for (int dt = TKP_F32; dt <= TKP_F64; dt++)
			for (int t = 1; t <= 2; t++) {
				struct problem p;
				double err = INFINITY;

				if (problem_init(&p, (tkp_dtype)dt, M, N, K) == 0) {
					tkp_gemm g = {.dtype = (tkp_dtype)dt, .m = M, .n = N, .k = K,
						      .a = p.a, .b = p.b, .c = p.c, .threads = t};

					poison(&p);
					err = tkp_gemm_tuned_mode(&g, (tkp_isa)isa, TKP_TUNED_STREAM) == 0
						      ? check(&p)
						      : INFINITY;
					problem_free(&p);
				}
				ok(err <= 1.0, "tuned (stream) %s %dx%dx%d on the %s path, %d thread%s: error %.3g of bound",
				   dt_name(dt), M, N, K, isa_names[isa], t, t > 1 ? "s" : "", err);
			}
}

/* ---- the tuned kernel's team: pooled, per call, concurrent, forked ---- */

/* One tuned f64 run of p with t threads: 1 when C is right. */
/*
 * The tuned kernel's plans (tuned.c): a small problem's micro-kernel
 * calls are recorded the first time its shape comes and replayed after,
 * so each call below is on operands of its own, at other addresses: a
 * plan that kept one call's pointers, or replayed another shape's calls,
 * writes the wrong C.  plan_wrong runs shape m×n×k rounds times on path
 * isa, a fresh problem each time, and counts the wrong results.
 */
/* Whether the tuned kernel on path isa gets p right (C poisoned first) */
static int plan_right(struct problem *p, tkp_isa isa)
{
	tkp_gemm g = {.dtype = p->dt, .m = p->m, .n = p->n, .k = p->k, .a = p->a, .b = p->b,
		      .c = p->c, .threads = 1};

	poison(p);
	return tkp_gemm_tuned_isa(&g, isa) == 0 && check(p) <= 1.0;
}

static int plan_wrong(tkp_dtype dt, size_t m, size_t n, size_t k, tkp_isa isa, int rounds)
{
	int wrong = 0;

	for (int r = 0; r < rounds; r++) {
		struct problem p;

		if (problem_init(&p, dt, m, n, k) != 0)
			return rounds;
		wrong += !plan_right(&p, isa);
		problem_free(&p);
	}
	return wrong;
}

/* A run of shapes no other test uses (m×n×k from i: many plan slots, k
 * from 3 to 40 so that some plans hold short-k calls) */
static void plan_shape(int i, size_t *m, size_t *n, size_t *k)
{
	*m = 1 + (size_t)(i * 37) % 97;
	*n = 9 + (size_t)(i * 53) % 113;
	*k = 3 + (size_t)(i * 29) % 38;
}

/* A thread's share of the race: RACE_SHAPES new shapes, two problems each
 * (made before the race: problem_init's generator is not thread-safe) */
enum { RACE_SHAPES = 40 };
struct plan_racer {
	struct problem p[RACE_SHAPES][2];
	int made, wrong;
};

static void plan_racer_init(struct plan_racer *r)
{
	r->made = r->wrong = 0;
	for (int i = 0; i < RACE_SHAPES; i++) {
		size_t m, n, k;

		plan_shape(200 + i, &m, &n, &k);
		for (int j = 0; j < 2; j++)
			r->made += problem_init(&r->p[i][j], TKP_F64, m, n, k) == 0;
	}
}

static void *plan_racer_main(void *arg)
{
	struct plan_racer *r = arg;

	for (int i = 0; i < RACE_SHAPES; i++)
		for (int j = 0; j < 2; j++)
			r->wrong += !plan_right(&r->p[i][j], tkp_isa_current());
	return NULL;
}

static void plan_racer_free(struct plan_racer *r)
{
	for (int i = 0; i < RACE_SHAPES; i++)
		for (int j = 0; j < 2; j++)
			problem_free(&r->p[i][j]);
}

static void test_tuned_plans(void)
{
	static const size_t fixed[][3] = {
		{16, 16, 16}, {32, 32, 32}, {64, 64, 64}, {96, 96, 96}, {128, 128, 128},
		{1, 100, 128}, {7, 33, 5}, {5, 17, 3}, {37, 90, 61}, {100, 127, 9},
		{24, 24, 20}, {24, 24, 21}, {24, 24, 22}, {24, 24, 23}, /* only k differs */
	};
	const size_t nfixed = sizeof fixed / sizeof fixed[0];
	int wrong = 0, made = 1, many = 0, raced, held;
	pthread_t tid;
	static struct plan_racer two[2];

	for (int isa = TKP_ISA_GENERIC; isa <= (int)tkp_isa_supported(); isa++) {
		tkp_tuned_plans_forget();
		for (int dt = TKP_F32; dt <= TKP_F64; dt++)
			for (size_t i = 0; i < nfixed; i++)
				wrong += plan_wrong((tkp_dtype)dt, fixed[i][0], fixed[i][1],
						    fixed[i][2], (tkp_isa)isa, 3);
		held = tkp_tuned_plans_forget();
		made = made && held >= 1 && held <= (int)(2 * nfixed);
	}
	ok(wrong == 0 && made, "tuned plans: %zu small shapes, 3 calls each on fresh operands, "
			       "every path and dtype: %d wrong, plans made on every path: %s",
	   nfixed, wrong, made ? "yes" : "no");
	/* a shape whose calls outnumber what a plan holds runs without one */
	wrong = plan_wrong(TKP_F64, 126, 128, 40, TKP_ISA_GENERIC, 3);
	held = tkp_tuned_plans_forget();
	ok(wrong == 0 && held == 0, "tuned plans: 126x128x40 f64 generic, too many calls for a "
				    "plan: %d wrong, %d plans made", wrong, held);
	/* shapes alike but for one dimension, more of them than slots, so that
	 * some find their slots held by a shape that differs only there */
	for (size_t x = 1; x <= 128; x++) {
		many += plan_wrong(TKP_F64, 24, 24, x, tkp_isa_current(), 2);
		many += plan_wrong(TKP_F64, 24, 8 + x, 24, tkp_isa_current(), 2);
		many += plan_wrong(TKP_F64, x, 24, 24, tkp_isa_current(), 2);
	}
	for (int i = 0; i < 200; i++) {
		size_t m, n, k;

		plan_shape(i, &m, &n, &k);
		many += plan_wrong(i % 2 ? TKP_F64 : TKP_F32, m, n, k, tkp_isa_current(), 2);
	}
	ok(many == 0, "tuned plans: 584 shapes, more than the slots hold, twice each: %d wrong",
	   many);
	/* two threads making the same new plans at once */
	tkp_tuned_plans_forget();
	plan_racer_init(&two[0]);
	plan_racer_init(&two[1]);
	raced = pthread_create(&tid, NULL, plan_racer_main, &two[1]) == 0;
	plan_racer_main(&two[0]);
	if (raced)
		pthread_join(tid, NULL);
	ok(raced && two[0].made + two[1].made == 4 * RACE_SHAPES && two[0].wrong == 0 &&
		   two[1].wrong == 0,
	   "tuned plans: two threads on the same %d new shapes at once: %d + %d wrong",
	   RACE_SHAPES, two[0].wrong, two[1].wrong);
	plan_racer_free(&two[0]);
	plan_racer_free(&two[1]);
}

static int tuned_right(struct problem *p, int t)
{
	tkp_gemm g = {.dtype = p->dt, .m = p->m, .n = p->n, .k = p->k,
		      .a = p->a, .b = p->b, .c = p->c, .threads = t};

	poison(p);
	return tkp_gemm_tuned(&g) == 0 && check(p) <= 1.0;
}

struct caller {
	struct problem p;
	int right;
};

static void *caller_main(void *arg)
{
	struct caller *c = arg;

	c->right = 0;
	for (int i = 0; i < 20; i++)
		c->right += tuned_right(&c->p, 2 + i % 2);
	return NULL;
}

/* A forked child's tuned call on 2 threads (the parent's pool workers do
 * not exist there): 1 when it exits 0 within 60 s. */
static int forked_right(struct problem *p)
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(tuned_right(p, 2) ? 0 : 1);
	for (int i = 0; i < 6000; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (r < 0)
			return 0;
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 0;
}

/*
 * The tuned kernel keeps its team's workers between calls (tuned.c's
 * pool) and starts them per call when the pool is busy or in the
 * simulation child: thread counts that grow and shrink from call to call,
 * two callers at once (one of them finds the pool busy), a forked child,
 * and the per-call team (simulation twin on; the generic path has no
 * twin, so its results are real) all give C right.
 */
/*
 * 2-thread calls of about 2 Mflop, below the 4 Mflop per thread where a
 * sleeping worker is worth waking: back to back, where the first ones
 * run alone and set the pooled worker spinning and later ones take it
 * (awake_team), and each right after a 16 Mflop call, whose worker is
 * still spinning.  Every result is checked; that the second kind ran on
 * two threads is checked where a second CPU lets the worker spin (under
 * load the caller may share the worker's CPU: then a pinned team moves
 * it, so back-to-back calls are not counted).
 */
static void test_awake_team(void)
{
	for (int dt = TKP_F32; dt <= TKP_F64; dt++) {
		struct problem p, big;
		unsigned long teams = 0;
		int right = 0, pairs = 40;

		if (problem_init(&p, (tkp_dtype)dt, 97, 101, 103) != 0) {
			ok(0, "awake team: out of memory");
			continue;
		}
		if (problem_init(&big, (tkp_dtype)dt, 200, 200, 200) != 0) {
			problem_free(&p);
			ok(0, "awake team: out of memory");
			continue;
		}
		for (int i = 0; i < 2 * pairs; i++) {
			tkp_gemm g = {.dtype = (tkp_dtype)dt, .m = 97, .n = 101, .k = 103, .a = p.a,
				      .b = p.b, .c = p.c, .threads = 2};
			tkp_gemm gb = {.dtype = (tkp_dtype)dt, .m = 200, .n = 200, .k = 200, .a = big.a,
				       .b = big.b, .c = big.c, .threads = 2};
			unsigned long before;

			poison(&p); /* (first: the worker spins 200 µs after the 200³ call) */
			if (i >= pairs && tkp_gemm_tuned(&gb) != 0)
				continue;
			before = tkp_tuned_small_teams();
			right += tkp_gemm_tuned(&g) == 0 && check(&p) <= 1.0;
			teams += i >= pairs && tkp_tuned_small_teams() > before;
		}
		ok(right == 2 * pairs, "tuned %s 97x101x103 on 2 threads, %d calls back to back, %d after a "
		   "200³ call: %d right", dt_name(dt), pairs, pairs, right);
		if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || getenv("TKP_SANITIZER"))
			skip("one CPU, or a sanitizer's pace (CI: 11-18 of 40)",
			     "small calls after a large one ran on two threads");
		else
			ok(teams >= (unsigned long)pairs / 4, "%s: %lu of the %d small calls after a 200³ call "
			   "ran on two threads", dt_name(dt), teams, pairs);
		problem_free(&big);
		problem_free(&p);
	}
}

static void test_tuned_team(void)
{
	static const int counts[] = {2, 3, 1, 4, 2, 2, 5, 1, 2};
	struct caller two[2];
	pthread_t tid;
	int right = 0, started;

	if (problem_init(&two[0].p, TKP_F64, 200, 203, 190) != 0 ||
	    problem_init(&two[1].p, TKP_F64, 37, 700, 301) != 0) {
		ok(0, "tuned team: out of memory");
		return;
	}
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		right += tuned_right(&two[0].p, counts[i]);
	ok(right == (int)(sizeof counts / sizeof counts[0]),
	   "tuned 200x203x190 f64 on 2, 3, 1, 4, 2, 2, 5, 1, 2 threads in turn: %d of %zu right",
	   right, sizeof counts / sizeof counts[0]);
	started = pthread_create(&tid, NULL, caller_main, &two[1]) == 0;
	caller_main(&two[0]);
	if (started)
		pthread_join(tid, NULL);
	ok(started && two[0].right == 20 && two[1].right == 20,
	   "two callers at once, 20 calls each on 2-3 threads: %d and %d right", two[0].right,
	   started ? two[1].right : -1);
	/* ThreadSanitizer refuses threads started in a child forked from a
	 * multi-threaded process (it dies: "not supported"), which is what
	 * this checks */
	if (under_tsan())
		skip("ThreadSanitizer cannot start threads after a multi-threaded fork",
		     "tuned on 2 threads in a child forked after pooled calls");
	else
		ok(forked_right(&two[1].p), "tuned on 2 threads in a child forked after pooled calls");
	test_awake_team();
	tkp_isa_set_sim_twin(1);
	check_fn(tkp_gemm_tuned_isa, TKP_ISA_GENERIC, "tuned, generic path, teams started per call");
	tkp_isa_set_sim_twin(0);
	problem_free(&two[0].p);
	problem_free(&two[1].p);
}

/*
 * tkp_pin_share_llc, which decides whether a team shares its B panel: an
 * unpinned member or one past the table never shares; one CPU, alone or
 * twice, shares with itself exactly where sysfs describes its caches
 * (a VM may not: then every team packs its own B).
 */
static void test_share_llc(void)
{
	static const int unpinned[] = {0, -1}, past[] = {0, 5000}, one[] = {0}, twice[] = {0, 0};
	int described = access("/sys/devices/system/cpu/cpu0/cache/index0/shared_cpu_list", R_OK) == 0;

	ok(!tkp_pin_share_llc(unpinned, 2) && !tkp_pin_share_llc(past, 2) &&
	       !tkp_pin_share_llc(one, 0),
	   "an unpinned CPU, a CPU past the table and no CPUs share no cache");
	ok(tkp_pin_share_llc(one, 1) == described && tkp_pin_share_llc(twice, 2) == described,
	   "CPU 0 shares a last-level cache with itself: %d (sysfs describes its caches: %d)",
	   tkp_pin_share_llc(one, 1), described);
}

/*
 * bigpages.c, which holds the tuned kernel's packing arena and the
 * measured operands: a mapping of its own, aligned to 2 MB, zero-filled,
 * writable to its last byte, advised for huge pages where the kernel has
 * transparent huge pages (smaps names the advice "hg"), or aligned on
 * ordinary pages; 0 bytes is no mapping, and freeing NULL is harmless.
 */
static void test_bigpages(void)
{
	size_t bytes = (5u << 20) + 123;
	unsigned char *p = tkp_bigpages_alloc(bytes, 1);
	int zero = 1, advised = 0;
	char line[256], want[32];
	FILE *fp;

	ok(p && (uintptr_t)p % TKP_BIGPAGE == 0, "a 5 MB array starts on a 2 MB boundary");
	if (!p)
		return;
	for (size_t i = 0; i < bytes; i += 4096)
		zero &= p[i] == 0;
	p[0] = 1;
	p[bytes - 1] = 2;
	ok(zero && p[0] == 1 && p[bytes - 1] == 2, "it is zero-filled and writable to its last byte");
	snprintf(want, sizeof want, "%lx-", (unsigned long)(uintptr_t)p);
	fp = access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) == 0
		     ? fopen("/proc/self/smaps", "r")
		     : NULL;
	for (int in = 0; fp && fgets(line, sizeof line, fp);) {
		if (strchr(line, '-') && strchr(line, ' ') && isxdigit((unsigned char)line[0]))
			in = !strncmp(line, want, strlen(want));
		else if (in && !strncmp(line, "VmFlags:", 8))
			advised |= strstr(line, " hg") != NULL;
	}
	if (fp) {
		fclose(fp);
		ok(advised, "smaps shows the mapping advised for huge pages (hg)");
	} else {
		skip("no transparent huge pages or no /proc/self/smaps", "the mapping is advised (hg)");
	}
	tkp_bigpages_free(p, bytes);
	tkp_bigpages_free(NULL, bytes);
	p = tkp_bigpages_alloc(bytes, 0);
	ok(p && (uintptr_t)p % TKP_BIGPAGE == 0 && p[0] == 0 && p[bytes - 1] == 0,
	   "on ordinary pages too (the probe's bandwidth loops): 2 MB aligned, zero-filled");
	tkp_bigpages_free(p, bytes);
	ok(tkp_bigpages_alloc(0, 1) == NULL && tkp_bigpages_alloc(SIZE_MAX, 0) == NULL,
	   "no mapping for 0 bytes or for more than the address space");
}

/*
 * Large non-square problems: sizes past the tuned kernel's MC, KC and NC
 * (so every loop runs more than once and ends on a partial block), a
 * k-tiny one, an n-tiny one (threads split columns or idle), both dtypes,
 * and every thread count 1..8 for kernels that take threads.  The
 * reference is computed once per problem.
 */
static void test_large_shapes(void)
{
	static const struct {
		size_t m, n, k;
	} big[] = {
		{1000, 3000, 17},
		{4097, 5, 4097},
		{5, 4097, 300},
		{515, 517, 1031},
		/* f64 B and C each over 1 MB: tuned's direct path reads B 16
		 * rows at a time and, on one thread, C in column blocks (where
		 * L2 is 2 MB or less) */
		{23, 6000, 41},
		/* a narrow C whose B is past half of L2: tuned packs only B,
		 * rows split among threads */
		{600, 45, 3000},
	};

	if (quick_run()) {
		skip("TKP_TEST_QUICK is set", "large non-square shapes");
		return;
	}
	for (size_t bi = 0; bi < sizeof big / sizeof big[0]; bi++)
		for (int dt = TKP_F32; dt <= TKP_F64; dt++) {
			struct problem p;

			if (problem_init(&p, (tkp_dtype)dt, big[bi].m, big[bi].n, big[bi].k) != 0) {
				ok(0, "%zux%zux%zu: out of memory", big[bi].m, big[bi].n, big[bi].k);
				continue;
			}
			for (size_t ki = 0; ki < tkp_kernel_count(); ki++) {
				const tkp_kernel *k = tkp_kernel_at(ki);
				int tmax = k->caps & TKP_CAP_THREADS ? 8 : 1;

				if (tkp_kernel_why_unavailable(k) || (k->caps & TKP_CAP_REFERENCE))
					continue;
				/* The other rungs are checked on the small shapes;
				 * here only what is fast at this size. */
				if (strcmp(k->name, "tuned") && strcmp(k->name, "blas") &&
				    strcmp(k->name, "threaded"))
					continue;
				for (int t = 1; t <= tmax; t++) {
					tkp_gemm g = {.dtype = (tkp_dtype)dt, .m = p.m, .n = p.n,
						      .k = p.k, .a = p.a, .b = p.b, .c = p.c,
						      .threads = t};
					int rc;
					double err;

					poison(&p);
					rc = tkp_kernel_run(k, &g);
					err = rc == 0 ? check(&p) : INFINITY;
					ok(rc == 0 && err <= 1.0,
					   "%s %s m=%zu n=%zu k=%zu threads=%d: rc %d, error %.3g of bound",
					   k->name, dt_name(dt), p.m, p.n, p.k, t, rc, err);
				}
			}
			problem_free(&p);
		}
}

/* The reference itself, against sums in long double. */
static void test_naive(void)
{
	struct problem p;
	double eps[2] = {FLT_EPSILON, DBL_EPSILON};

	for (int dt = TKP_F32; dt <= TKP_F64; dt++) {
		int bad = 0;

		if (problem_init(&p, (tkp_dtype)dt, 23, 19, 41) != 0) {
			ok(0, "naive %s: out of memory", dt_name(dt));
			continue;
		}
		for (size_t i = 0; i < p.m; i++)
			for (size_t j = 0; j < p.n; j++) {
				long double exact = 0;

				for (size_t q = 0; q < p.k; q++)
					exact += (long double)elem(p.dt, p.a, i * p.k + q) *
						 elem(p.dt, p.b, q * p.n + j);
				if (fabsl(elem(p.dt, p.ref, i * p.n + j) - exact) >
				    (long double)p.k * eps[dt] * p.absprod[i * p.n + j])
					bad++;
			}
		ok(bad == 0, "naive %s agrees with long double sums (%d elements off)", dt_name(dt),
		   bad);
		problem_free(&p);
	}
}

static void test_registry(void)
{
	size_t n = tkp_kernel_count();
	int names_ok = 1;

	ok(n >= 1 && !strcmp(tkp_kernel_at(0)->name, "naive") &&
		   (tkp_kernel_at(0)->caps & TKP_CAP_REFERENCE),
	   "naive is first and is the reference");
	ok(tkp_kernel_at(n) == NULL, "tkp_kernel_at past the end is NULL");
	ok(tkp_kernel_find("no-such-kernel") == NULL && tkp_kernel_find(NULL) == NULL,
	   "unknown names are not found");
	for (size_t i = 0; i < n; i++) {
		const tkp_kernel *k = tkp_kernel_at(i);

		if (!k->name || !k->desc || !k->fn || tkp_kernel_find(k->name) != k)
			names_ok = 0;
	}
	ok(names_ok, "every row has a name, a description and a function, and names are unique");
	for (const char *const *want = (const char *const[]){"simd", "blocked", "threaded", "tuned",
							      "blas", NULL};
	     *want; want++)
		ok(tkp_kernel_find(*want) != NULL, "kernel %s is registered", *want);
}

static void test_arguments(void)
{
	double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4];
	const tkp_gemm good = {.dtype = TKP_F64, .m = 2, .n = 2, .k = 2, .a = a, .b = b, .c = c};
	const tkp_kernel *naive = tkp_kernel_find("naive");

	for (size_t i = 0; i < tkp_kernel_count(); i++) {
		const tkp_kernel *k = tkp_kernel_at(i);
		tkp_gemm g[10];
		int all = 1;

		for (int j = 0; j < 10; j++)
			g[j] = good;
		g[0].m = 0;
		g[1].n = 0;
		g[2].k = 0;
		g[3].a = NULL;
		g[4].b = NULL;
		g[5].c = NULL;
		g[6].block = -1;
		g[7].threads = -1;
		g[8].dtype = (tkp_dtype)7;
		g[9].size = sizeof g[9] - 1;
		for (int j = 0; j < 10; j++)
			if (tkp_kernel_run(k, &g[j]) != TKP_EINVAL)
				all = 0;
		ok(all, "%s: zero sizes, NULL matrices, negative block or threads, bad dtype and a "
			"struct size it does not know give TKP_EINVAL", k->name);
		if (tkp_kernel_why_unavailable(k))
			ok(tkp_kernel_run(k, &good) == TKP_ENOTSUP, "%s: unavailable gives TKP_ENOTSUP",
			   k->name);
	}
	ok(tkp_kernel_run(NULL, &good) == TKP_EINVAL && tkp_kernel_run(naive, NULL) == TKP_EINVAL,
	   "NULL kernel or problem gives TKP_EINVAL");
}

int main(void)
{
	test_tuned_plans(); /* first: the plan slots are all free */
	test_registry();
	test_arguments();
	test_naive();
	test_registry_kernels();
	test_isa_paths();
	test_stream_long_k();
	test_tuned_team();
	test_share_llc();
	test_bigpages();
	test_large_shapes();
	shape_problems_free();
	return tap_done();
}
