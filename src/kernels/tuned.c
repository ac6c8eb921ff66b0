/*
 * tuned.c - the top rung: a BLIS-style GEMM (packing, register-blocked
 * micro-kernels, five cache loops, pthreads) meant to match the tuned
 * library (the blas kernel) on the machine it runs on.
 *
 * C = A·B, all row-major, C overwritten.  Vectors run along the rows of C
 * (the n direction), so the micro-kernel broadcasts elements of A and loads
 * vectors of B.  The loops, named as in BLIS by the dimension they cut
 * (I: rows of C, J: columns, P: k), outermost first:
 *
 *   (panels of ≤ PANEL_COLS columns, so the packed B stays bounded)
 *   PC  k by KC               pack B[KC×panel] into NR-col slivers
 *   IC  rows of C by MC       pack A[MC×KC] into MR-row slivers  (L2/L3)
 *   JC  columns by NC         a KC×NC block of packed B          (L2)
 *   IR  rows by MR            A sliver KC×MR stays in L1
 *   JR  columns by NR         B slivers stream from L2; micro-kernel
 *
 * B is packed once per k block and read back, contiguous, by every IC
 * block: packing it again for each IC block (the first version) read B
 * from memory m/MC times, which cost 10-15% at n ≥ 3072 and far more when
 * neighbours compete for memory bandwidth.
 *
 * This is BLIS's order for the transposed problem (C^T = B^T·A^T in its
 * column-major terms): the broadcast operand's sliver lives in L1, the
 * vector operand's block in L2.  KC is set so that an A sliver fills half
 * of L1, NC so that a B block fills half of L2, MC so that an A panel
 * stays in cache (see tuned_blocking; this VM reports a 508 MB L3, so an
 * implausible L3 size is replaced by 32 MB).  MR and NR come from the
 * registers (table `paths` below); a large KC keeps C's traffic low (one
 * read and write of a C tile per KC steps).  The caller may ask for other
 * MC/KC/NC (tkp_gemm's mc, kc, nc): `tkprofile tune` measures better ones
 * and saves them, and src/lib/tuning.c resolves them (profile, tuning
 * file, environment) outside the kernel, which reads no settings of its
 * own but the two placement switches below.
 *
 * Not every shape runs these loops (choose_mode, crossovers measured):
 * small problems and up to 24 rows (where the L1d has 8 ways or fewer,
 * one row tile, or 16 rows on one thread where they spread over its sets:
 * direct_rows) pack nothing, small ones and up to 64 rows against a
 * small B only B, or nothing where A and B stay in L2 read in place
 * (in_place; tuned_small.c, with a micro-kernel that reads A in place,
 * one instance per row count), a narrow C of any height one or the other
 * (narrow), and up to 256 rows against a large B pack A once and B block
 * by block (stream_part).  A C at most half a vector wide runs dot
 * products along k instead (dot_pays; tuned_dot.c), B packed transposed.
 *
 * Edges: packing pads A and B slivers with zeros, so the micro-kernel
 * always runs full tiles and writes only the valid part of a partial one;
 * there is no second, slow code path for sizes that are not multiples.
 *
 * Threads: C is cut into nt disjoint rectangles (rows in MR multiples, or
 * columns in NR multiples, whichever makes less packing work repeated, see
 * tkp_gemm_tuned_isa); no element of C is written by two threads.  With
 * rows split the team packs each B panel once, together, and waits at two
 * spinning barriers per k block (gemm_part): 2-thread ratios against
 * OpenBLAS went from 1.01 to 1.04 on average over ten shapes on Zen 3
 * (1024 f32: 0.99 to 1.03); only where the members share a cache,
 * though (share_b), else each packs its own.  With columns split each
 * member runs the five loops alone with its own buffers, packing all of
 * A, which the split makes the smaller operand.  The members beyond the caller are kept in
 * a pool between calls (team_pooled: starting them per call cost more
 * than they gained below n ≈ 512) and pinned as in threaded.c
 * (TKP_TUNED_NOPIN=1 in the environment leaves placement to the
 * scheduler, to compare); a pooled team takes its rows or columns in
 * chunks, in turn, so that a member the host slows costs a chunk, not
 * half the call.  Below ~4 Mflop per thread fewer threads run, unless
 * the pooled workers are still spinning after a job: then down to ~0.75
 * Mflop each, with nobody pinned per call (awake_team).
 *
 * Packing buffers are kept across calls in one arena (2 MB aligned, huge
 * pages advised) guarded by a mutex: a call that finds it busy (another
 * thread calling tuned at the same time) allocates its own for that call.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bigpages.h"
#include "kernels.h"
#include "pin.h"
#include "tuned_small.h"

#ifdef TKP_HAVE_X86_SIMD
#include <immintrin.h>
#endif

typedef void (*ukr_fn)(size_t kc, const void *a, const void *b, void *c, size_t ldc, int acc,
		       size_t mr, size_t nr);
typedef void (*pack_a_fn)(size_t mc, size_t kc, const void *a, size_t lda, void *out);
typedef void (*pack_b_fn)(size_t kc, size_t nc, const void *b, size_t ldb, void *out);

/* ---- micro-kernels and packing, one instance per path and dtype -------- */

#ifdef TKP_HAVE_X86_SIMD
/*
 * Transposes for packing A (the broadcast operand): a full sliver is MR
 * rows of A read along k and written k-major, MR elements per k step.
 * Scalar, that is one load and one store per element; in 8×8 (f32) or 4×4
 * (f64) register transposes it is about a fifth of the instructions, which
 * matters when n is small relative to k (A is packed once per n columns).
 */
#define TKP_AVX_ATTR __attribute__((target("avx2,fma")))

/* 8 rows × 8 columns of f32 at a (row stride lda) into out[c·ldo + r]. */
TKP_AVX_ATTR static inline void tr8x8_ps(const float *a, size_t lda, float *out, size_t ldo)
{
	__m256 r0 = _mm256_loadu_ps(a), r1 = _mm256_loadu_ps(a + lda);
	__m256 r2 = _mm256_loadu_ps(a + 2 * lda), r3 = _mm256_loadu_ps(a + 3 * lda);
	__m256 r4 = _mm256_loadu_ps(a + 4 * lda), r5 = _mm256_loadu_ps(a + 5 * lda);
	__m256 r6 = _mm256_loadu_ps(a + 6 * lda), r7 = _mm256_loadu_ps(a + 7 * lda);
	__m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
	__m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
	__m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
	__m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
	__m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
	__m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);
	__m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee);
	__m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);

	_mm256_storeu_ps(out + 0 * ldo, _mm256_permute2f128_ps(u0, u4, 0x20));
	_mm256_storeu_ps(out + 1 * ldo, _mm256_permute2f128_ps(u1, u5, 0x20));
	_mm256_storeu_ps(out + 2 * ldo, _mm256_permute2f128_ps(u2, u6, 0x20));
	_mm256_storeu_ps(out + 3 * ldo, _mm256_permute2f128_ps(u3, u7, 0x20));
	_mm256_storeu_ps(out + 4 * ldo, _mm256_permute2f128_ps(u0, u4, 0x31));
	_mm256_storeu_ps(out + 5 * ldo, _mm256_permute2f128_ps(u1, u5, 0x31));
	_mm256_storeu_ps(out + 6 * ldo, _mm256_permute2f128_ps(u2, u6, 0x31));
	_mm256_storeu_ps(out + 7 * ldo, _mm256_permute2f128_ps(u3, u7, 0x31));
}

/* 4 rows × 8 columns of f32 into out[c·ldo + r]. */
TKP_AVX_ATTR static inline void tr4x8_ps(const float *a, size_t lda, float *out, size_t ldo)
{
	__m256 r0 = _mm256_loadu_ps(a), r1 = _mm256_loadu_ps(a + lda);
	__m256 r2 = _mm256_loadu_ps(a + 2 * lda), r3 = _mm256_loadu_ps(a + 3 * lda);
	__m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
	__m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
	__m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
	__m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);

	_mm_storeu_ps(out + 0 * ldo, _mm256_castps256_ps128(u0));
	_mm_storeu_ps(out + 1 * ldo, _mm256_castps256_ps128(u1));
	_mm_storeu_ps(out + 2 * ldo, _mm256_castps256_ps128(u2));
	_mm_storeu_ps(out + 3 * ldo, _mm256_castps256_ps128(u3));
	_mm_storeu_ps(out + 4 * ldo, _mm256_extractf128_ps(u0, 1));
	_mm_storeu_ps(out + 5 * ldo, _mm256_extractf128_ps(u1, 1));
	_mm_storeu_ps(out + 6 * ldo, _mm256_extractf128_ps(u2, 1));
	_mm_storeu_ps(out + 7 * ldo, _mm256_extractf128_ps(u3, 1));
}

/* 4 rows × 4 columns of f64 into out[c·ldo + r]. */
TKP_AVX_ATTR static inline void tr4x4_pd(const double *a, size_t lda, double *out, size_t ldo)
{
	__m256d r0 = _mm256_loadu_pd(a), r1 = _mm256_loadu_pd(a + lda);
	__m256d r2 = _mm256_loadu_pd(a + 2 * lda), r3 = _mm256_loadu_pd(a + 3 * lda);
	__m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
	__m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);

	_mm256_storeu_pd(out + 0 * ldo, _mm256_permute2f128_pd(t0, t2, 0x20));
	_mm256_storeu_pd(out + 1 * ldo, _mm256_permute2f128_pd(t1, t3, 0x20));
	_mm256_storeu_pd(out + 2 * ldo, _mm256_permute2f128_pd(t0, t2, 0x31));
	_mm256_storeu_pd(out + 3 * ldo, _mm256_permute2f128_pd(t1, t3, 0x31));
}
#endif /* TKP_HAVE_X86_SIMD */

/* tuned_ukr.h for each path and dtype: ukr_avx512_f64, pack_a_avx2_f32, ... */
#define TUNED_TEMPLATE "tuned_ukr.h"
#include "tuned_paths.h"
#undef TUNED_TEMPLATE

/* ---- the table: one row per path and dtype ------------------------------ */

/*
 * MR/NR are fixed by the micro-kernel; MC/KC/NC come from the call
 * (tkp_gemm's mc, kc, nc), 0 meaning "from the cache sizes"
 * (tuned_blocking).
 */
struct path {
	tkp_isa isa;
	tkp_dtype dt;
	ukr_fn ukr;
	pack_a_fn pack_a;
	pack_b_fn pack_b;
	size_t mr, nr;
	tkp_sukr_fn sukr; /* the unpacked micro-kernel, same MR × NR */
	int sim_twin;     /* the simulation's twin of the path (isa.c) */
	size_t wide, vl; /* sukr's widest strip, where it pays (0: none); lanes */
	tkp_dukr_fn dukr; /* the dot-product micro-kernel (tuned_dot.c) */
	tkp_pbt_fn pbt;   /* and its pack of B, transposed, */
	tkp_pbt_vec_fn pbt_vec; /* at which widths vectors at a time */
	tkp_kukr_fn kukr;   /* the short-k kernel (tuned_small_ukr.h) */
	tkp_kcols_fn kcols; /* and its strips' columns at kc steps */
	size_t run_acc;     /* small problems' wide tiles' accumulators (path_tile) */
	size_t run_mr;      /* and their NR strips' tiles' rows */
};

static const struct path paths[] = {
	{TKP_ISA_GENERIC, TKP_F32, ukr_generic_f32, pack_a_generic_f32, pack_b_generic_f32, 4, 8,
	 tkp_tuned_sukr_generic_f32, 0, 0, 1, tkp_tuned_dukr_generic_f32, tkp_tuned_pbt_generic_f32,
	 tkp_tuned_pbt_vec_generic_f32, tkp_tuned_kukr_generic_f32,
	 tkp_tuned_kcols_generic_f32, 0, 0},
	{TKP_ISA_GENERIC, TKP_F64, ukr_generic_f64, pack_a_generic_f64, pack_b_generic_f64, 4, 8,
	 tkp_tuned_sukr_generic_f64, 0, 0, 1, tkp_tuned_dukr_generic_f64, tkp_tuned_pbt_generic_f64,
	 tkp_tuned_pbt_vec_generic_f64, tkp_tuned_kukr_generic_f64,
	 tkp_tuned_kcols_generic_f64, 0, 0},
#ifdef TKP_HAVE_X86_SIMD
	{TKP_ISA_AVX2, TKP_F32, ukr_avx2_f32, pack_a_avx2_f32, pack_b_avx2_f32, 6, 16,
	 tkp_tuned_sukr_avx2_f32, 0, 0, 8, tkp_tuned_dukr_avx2_f32, tkp_tuned_pbt_avx2_f32,
	 tkp_tuned_pbt_vec_avx2_f32, tkp_tuned_kukr_avx2_f32,
	 tkp_tuned_kcols_avx2_f32, 0, 0},
	{TKP_ISA_AVX2, TKP_F64, ukr_avx2_f64, pack_a_avx2_f64, pack_b_avx2_f64, 6, 8,
	 tkp_tuned_sukr_avx2_f64, 0, 0, 4, tkp_tuned_dukr_avx2_f64, tkp_tuned_pbt_avx2_f64,
	 tkp_tuned_pbt_vec_avx2_f64, tkp_tuned_kukr_avx2_f64,
	 tkp_tuned_kcols_avx2_f64, 0, 0},
	{TKP_ISA_AVX2, TKP_F32, ukr_avx2sim_f32, pack_a_avx2sim_f32, pack_b_avx2sim_f32, 6, 16,
	 tkp_tuned_sukr_avx2sim_f32, 1, 0, 8, tkp_tuned_dukr_avx2sim_f32, tkp_tuned_pbt_avx2sim_f32,
	 tkp_tuned_pbt_vec_avx2sim_f32, tkp_tuned_kukr_avx2sim_f32,
	 tkp_tuned_kcols_avx2sim_f32, 0, 0},
	{TKP_ISA_AVX2, TKP_F64, ukr_avx2sim_f64, pack_a_avx2sim_f64, pack_b_avx2sim_f64, 6, 8,
	 tkp_tuned_sukr_avx2sim_f64, 1, 0, 4, tkp_tuned_dukr_avx2sim_f64, tkp_tuned_pbt_avx2sim_f64,
	 tkp_tuned_pbt_vec_avx2sim_f64, tkp_tuned_kukr_avx2sim_f64,
	 tkp_tuned_kcols_avx2sim_f64, 0, 0},
	{TKP_ISA_AVX512, TKP_F32, ukr_avx512_f32, pack_a_avx512_f32, pack_b_avx512_f32, 12, 32,
	 tkp_tuned_sukr_avx512_f32, 0, 64, 16, tkp_tuned_dukr_avx512_f32, tkp_tuned_pbt_avx512_f32,
	 tkp_tuned_pbt_vec_avx512_f32, tkp_tuned_kukr_avx512_f32,
	 tkp_tuned_kcols_avx512_f32, 20, 6},
	{TKP_ISA_AVX512, TKP_F64, ukr_avx512_f64, pack_a_avx512_f64, pack_b_avx512_f64, 8, 24,
	 tkp_tuned_sukr_avx512_f64, 0, 32, 8, tkp_tuned_dukr_avx512_f64, tkp_tuned_pbt_avx512_f64,
	 tkp_tuned_pbt_vec_avx512_f64, tkp_tuned_kukr_avx512_f64,
	 tkp_tuned_kcols_avx512_f64, 20, 0},
#endif
};

static size_t cache_size(int level, size_t dflt, size_t lo, size_t hi)
{
	long v = -1;

	switch (level) {
#ifdef _SC_LEVEL1_DCACHE_SIZE
	case 1: v = sysconf(_SC_LEVEL1_DCACHE_SIZE); break;
	case 2: v = sysconf(_SC_LEVEL2_CACHE_SIZE); break;
	case 3: v = sysconf(_SC_LEVEL3_CACHE_SIZE); break;
#endif
	default: break;
	}
	/* Outside [lo, hi] is a VM or sysfs making it up. */
	return v >= (long)lo && (size_t)v <= hi ? (size_t)v : dflt;
}

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

static size_t round_down(size_t x, size_t to, size_t min)
{
	x = x / to * to;
	return x < min ? min : x;
}

/* Cache sizes, the ISA the CPU runs and the path for each simulation
 * twin setting, ISA and dtype, found once (a small call has no time to
 * look them up: see tuned_run). */
static struct {
	pthread_once_t once;
	atomic_int ready; /* sys_init has run */
	size_t l1, l2, l3;
	long l1_ways; /* the L1d's associativity, 0 when unknown */
	tkp_isa isa;
	const struct path *by[2][TKP_ISA_AVX512 + 1][TKP_F64 + 1];
} sys = {.once = PTHREAD_ONCE_INIT};

static void sys_init(void)
{
	/* the twin stands in for the AVX2 path only, when the simulation
	 * asks for it (tkp_isa_sim_twin) */
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		const struct path *p = &paths[i];

		if (p->isa == TKP_ISA_AVX2)
			sys.by[p->sim_twin][p->isa][p->dt] = p;
		else if (!p->sim_twin)
			sys.by[0][p->isa][p->dt] = sys.by[1][p->isa][p->dt] = p;
	}
	sys.isa = tkp_isa_supported();
	sys.l1 = cache_size(1, 32 << 10, 8 << 10, 1 << 20);
	sys.l2 = cache_size(2, 512 << 10, 64 << 10, 16 << 20);
	sys.l3 = cache_size(3, 32 << 20, 1 << 20, 128 << 20);
#ifdef _SC_LEVEL1_DCACHE_ASSOC
	sys.l1_ways = sysconf(_SC_LEVEL1_DCACHE_ASSOC);
#endif
	if (sys.l1_ways < 0)
		sys.l1_ways = 0;
	atomic_store_explicit(&sys.ready, 1, memory_order_release);
}

/* sys filled in (the flag first: a call to pthread_once is a few cycles
 * of a small call) */
static void sys_need(void)
{
	if (!atomic_load_explicit(&sys.ready, memory_order_acquire))
		pthread_once(&sys.once, sys_init);
}

static const struct path *path_for(tkp_isa isa, tkp_dtype dt)
{
	sys_need();
	if ((unsigned)isa > TKP_ISA_AVX512 || (unsigned)dt > TKP_F64)
		return NULL;
	return sys.by[tkp_isa_sim_twin() != 0][isa][dt];
}

/*
 * MC/KC/NC for a path: those asked for (want, 0 = derive) or from the
 * caches: the A sliver (KC×MR) half of L1, a B block (KC×NC) half of L2,
 * an A panel (MC×KC) 1.5 × L2 (at most a quarter of L3).  The A panel is
 * re-read for every JC block, so it must stay in cache; each IC block
 * re-reads and re-packs B, so MC should be as large as that allows.
 * Measured at n = 3072 f64 on this VM (Zen 5, 1 MB L2, L3 shared with
 * other tenants): MC = 2728 (a quarter of a nominal 32 MB L3) 41-63
 * GFLOP/s, MC = 384-512 70-73, MC = 128 53 (B re-packed too often).
 * Smaller blocks, to keep more of the A panel and the B block in L2,
 * were no better (f32, 1 thread, against these, bench/abi -B, 21-31
 * rounds): KC 128-256 with MC 504-1020 read 0.955-1.005 at 2048³ and
 * 4096³ (C's tiles read and written once per KC: 8-16 passes over C
 * instead of 4; 1024³, whose C stays in L3, 0.98-1.03), MC 504 KC 512
 * NC 128 +1.2% at 2048³ and -0.4% at 4096³ over both orders, MC 512
 * alone -0.3% and +0.6% at 2048³: within what abi resolves.
 */
static void tuned_blocking(const struct path *pa, const size_t want[3], size_t *mc, size_t *kc,
			   size_t *nc)
{
	size_t es = pa->dt == TKP_F32 ? sizeof(float) : sizeof(double);

	sys_need();
	*kc = want[1] ? want[1] : round_down(sys.l1 / 2 / (pa->mr * es), 16, 16);
	*nc = want[2] ? round_down(want[2], pa->nr, pa->nr)
		      : round_down(sys.l2 / 2 / (*kc * es), pa->nr, pa->nr);
	*mc = want[0] ? round_down(want[0], pa->mr, pa->mr)
		      : round_down(min_sz(sys.l2 * 3 / 2, sys.l3 / 4) / (*kc * es), pa->mr, pa->mr);
}

/*
 * The unpacked paths' view of a path (tuned_small.h) for g.  A small
 * problem (every dimension at most RUN_MAX) runs its wide strips of
 * several tiles on the path's run_acc accumulators: on AVX-512, 20 of the
 * full tile's 24 (5 rows of 4 vectors, 6 of 3).  With all 24, tuned kept
 * pace with OpenBLAS only while the host was quiet: in phases (tens of
 * milliseconds to minutes) that slowed OpenBLAS by ~5%, f32's 6-row tiles
 * of 4 vectors lost another 4% and 5-row ones did not.  Zen 5 VM, 1
 * thread, bare tilings against OpenBLAS in one process, 30-40 rounds over
 * 4-5 minutes, median / tenth percentile of the rounds, 24 against 20: f32
 * 64³ 1.012/0.966 against 1.018/1.005, 64×64×32 1.033/0.989 against
 * 1.040/1.029, 64×64×96 1.000/0.989 against 1.008/0.997, 3-vector strips
 * 96³ 0.997/0.972 against 1.004/0.975, 96×96×64 1.006/0.970 against
 * 1.010/1.005.  f64 gained less: 64³ 1.000/0.959 against 1.008/0.963,
 * 64×64×32 1.017/0.944 against 1.026/0.960, 32³ 1.020/0.968 against
 * 1.018/0.983, 96³ 1.008/0.995 against 1.008/0.999 (4 rows held 0.997 at
 * k ≤ 64 but fell to 0.991/0.964 at 64×64×96).  Past 96, where tuned is
 * 1.2-1.5 ahead, all 24 did as well in f32 and 1-3% better in f64
 * (64×64×128 1.137 against 1.103, 128×128×64 1.49-1.52 against
 * 1.43-1.48, 128³ 1.45-1.47 against 1.41-1.43, on a variant of the
 * micro-kernel that addressed A's rows by offsets, not kept), so larger
 * problems keep them all.
 *
 * Their full NR strips of more than MR rows run on even tiles of run_mr
 * rows: f32 on AVX-512 as 6 × 2 vectors, not 12 × 2, whose loop kept its
 * 12 row pointers of A only by spilling 8 of them, reloaded at every step
 * (none at 7 rows, 2 a step at 8-9 rows).  Bare tilings as above, 40 and
 * 30 rounds, 12, 8 and 6 rows: f32 32³ 0.973/0.902, 0.932/0.921
 * and 1.077/1.051 (the route before, 12 + 12 + 8 rows, 0.989/0.938),
 * 32×32×64 0.988/0.946, 0.980/0.975 and 1.055/1.045, 32×32×96
 * 0.996/0.935, 0.994/0.946 and 1.039/1.035.
 *
 * Columns that make whole NR strips run as NR strips on full tiles, no
 * wide ones, where the path's full tile runs as it is (run_mr 0: f64 on
 * AVX-512, 8 × 3 vectors).  Bare tilings as above, 60 rounds in a minute,
 * median of the rounds where OpenBLAS ran slow / where it did not, NR
 * strips against wide (4 vectors, 5 rows): f64 96³ 1.008/1.006 against
 * 0.996/1.007, 96×96×64 0.993/1.009 against 0.984/1.010, 48×96×96
 * 1.011/1.008 against 0.998/1.013, 96×96×32 0.992/1.015 against
 * 0.983/1.017.
 */
enum { RUN_MAX = 96 };

static struct tkp_tuned_tile path_tile(const struct path *pa, const tkp_gemm *g)
{
	int small = g->m <= RUN_MAX && g->n <= RUN_MAX && g->k <= RUN_MAX;
	struct tkp_tuned_tile t = {pa->sukr, pa->mr, pa->nr, pa->wide, pa->vl, pa->kukr, pa->kcols,
				   0, 0};

	if (!small)
		return t;
	t.run_acc = pa->run_acc;
	t.run_mr = pa->run_mr;
	if (!pa->run_mr && g->n % pa->nr == 0)
		t.wide = 0;
	return t;
}

/* ---- one thread's share: the five loops --------------------------------- */

struct plan {
	const tkp_gemm *g;
	const struct path *pa;
	size_t es, mc, kc, nc;
	tkp_tuned_mode mode; /* never TKP_TUNED_AUTO here */
	size_t k0, k1;       /* the k run: all of it, but for tkp_gemm_tuned_kblock */
	int a_whole;         /* the stream path: A packed whole (stream_part) */
	int cols_outer;      /* ... and each B sliver runs down all rows
				(stream_blocking) */
	int pool_held;       /* awake_team took the pool for this call */
	int awake;           /* ... and its workers stay where they are pinned,
				the caller unpinned (no pinning system calls) */
};

static size_t round_up(size_t x, size_t to)
{
	return (x + to - 1) / to * to;
}

/* Columns of B packed at once: a KC × PANEL_COLS panel (12 MB in f64 at
 * KC 384) is packed once per k block and read back by every IC block. */
enum { PANEL_COLS = 4096 };

/*
 * The block to cut total into as many blocks as blk would (ceil(total /
 * blk)), but of even sizes: a multiple of unit, never above blk when blk
 * is one.  With the cache-derived KC, k = 1024 went 336+336+336+16 in f64:
 * the last block paid a whole extra pass of loads and stores of C for 16
 * steps of k (1-3% of the call); 256 × 4 pays none.
 */
static size_t balance(size_t total, size_t blk, size_t unit)
{
	size_t nb, b;

	if (total <= blk)
		return blk;
	nb = (total + blk - 1) / blk;
	b = round_up((total + nb - 1) / nb, unit);
	return b < blk ? b : blk;
}

/*
 * The direct path's blocks (its own: MC/KC/NC are the packed path's).  B
 * within half of L2 (every problem up to SMALL_MAX where L2 is 256 KB or
 * more): all of k at once.  A larger B, which few rows (m <= DIRECT_M)
 * and a short k (short_k) get here with, is read from memory once,
 * STREAM_KC rows at a time (L3_KC where it stays in L3, below): as that
 * many streams, each running along a row of B, which the hardware
 * prefetchers follow.  A
 * whole k block, as the packed path has it (384 rows of f64: 384 streams a
 * page apart), left them behind even with a software prefetch 8 rows
 * ahead.  Xeon (family 6 model 167 as the VM reports it, AVX-512, 2 MB
 * L2), 1 thread, f64 tuned/OpenBLAS same run, m×4096×4096, kc = 384 with
 * the prefetch vs 8 / 16 / 24 / 32 / 48 without: m = 1 0.50 vs 1.48 /
 * 1.52 / 1.56 / 1.50 / 1.09, m = 4 0.53 vs 1.63 / 1.50 / 1.44 / 1.28 /
 * 1.03, m = 16 (B packed then) 0.82 vs 1.04 / 1.14 / 1.26 / 1.17 / 1.10.
 * Where there are several k blocks, columns go in blocks whose C (rows ×
 * nc) stays in half of L2 across them.  With one (B within half of L2),
 * each element of C is written once whatever nc is, and blocks narrower
 * than C only cut its strips short: tuned/OpenBLAS with C's columns in
 * blocks / whole, Zen 5, 1 thread, same process, two runs: f32
 * 8192×100×32 1.12-1.15 / 1.21-1.24 (32-column blocks: A read four times,
 * not twice), 3000×120×64 0.99-1.12 / 1.14, 1500×200×64 1.09-1.10 /
 * 1.11-1.13, 2000×300×40 1.15-1.17 / 1.13-1.15; f64 3000×150×64 1.46-1.47
 * / 1.48-1.55, 2000×180×50 1.34-1.50 / 1.48.
 */
enum { STREAM_KC = 16 };

/*
 * But a B within half of L3 comes from there, not from memory, and there
 * short blocks only cost: each writes C again, and each call of the
 * micro-kernel has kc steps to pay for its set-up.  Zen 5 VM (32 MB L3),
 * 1 thread, tuned/OpenBLAS with blocks of 16 / 32 / 64 steps of k, same
 * process, three runs: f32 1×535×867 0.73-0.86 / 0.84-0.93 / 0.95-1.06,
 * 4×1000×1000 1.92-2.04 / 2.25-2.35 / 2.29-2.64, 16×1000×1000 1.20-1.43 /
 * 1.36-1.43 / 1.55-1.66; f64 1×535×867 0.75-0.82 / 0.92-1.00 / 1.08-1.22;
 * two runs 16 / 64: f32 4×1400×1400 1.86-1.97 / 2.29-2.33, 16×2000×1500
 * 1.28-1.29 / 1.45-1.65, f64 8×1000×1000 1.66-1.67 / 2.01-2.29; even at B
 * 16 MB (f32 1×2000×2000 2.48-2.65 / 2.57-2.75).  From memory 16 stays
 * ahead: f32 1×4096×4096 1.99-2.14 / 1.86-1.96 / 1.81-1.88, f64 1.60-1.65 /
 * 1.40-1.50 / 1.44-1.56.
 */
enum { L3_KC = 64 };

/*
 * And where one tile of the strips the direct path takes holds all the
 * rows (m ≤ 6 on AVX-512, and 7-8 in f64: tkp_tuned_strip_max), no block
 * of B is read twice: each strip of it passes once, through that one
 * tile, so blocks of k buy nothing and cost as above.  All of k in one
 * block then, strips 192-256 bytes wide along the rows of B, which the
 * prefetchers follow.  Zen 5 VM, 1 thread, tuned/OpenBLAS L3_KC / all of
 * k, same process, two runs: f32 1×1000×500 0.85-0.91 / 0.98-1.01,
 * 1×2048×1024 2.10-2.67 / 3.02-3.28, 3×2048×1024 2.86-3.03 / 4.80-5.48,
 * 6×700×2000 3.39-3.61 / 4.30-4.41; f64 1×1000×500 0.82-0.88 / 0.89-0.96,
 * 4×2048×1024 1.46-1.74 / 1.66-2.09, 5×2048×1024 1.68-1.89 / 1.93-2.60:
 * ahead in 68 of 72 pairs at m = 1..6 (k = 500-2000), more than 5% behind
 * only at f64 k = 2000 (2×700×2000 2.33 / 2.56 but 1.99 / 1.76, 3×700×2000
 * 2.77 / 2.54).  f64 7-8 rows as one 8 × 3-vector tile: ahead in 12 of 14
 * pairs (7×2000×800 2.47 / 3.30, 8×3000×600 1.94-2.00 / 2.26-2.28; behind
 * at 8×1400×1400 2.04 / 1.86, 2.04 / 2.13 in the other run, and 8×1000×500
 * 2.19 / 2.16, 2.04 / 2.22), where as two tiles of 4 rows, each reading
 * the strip, they were behind (8×1000×500 2.00-2.06 / 1.30-1.63).  Not on
 * AVX2, whose strips are a line wide and left the prefetchers behind
 * (TKP_ISA=avx2, f64 4×2048×1024 0.80-0.80 / 0.68-0.70).
 */
static int one_tile(const struct plan *pl)
{
	const struct path *pa = pl->pa;
	struct tkp_tuned_tile tile = path_tile(pa, pl->g);
	size_t m = pl->g->m, w;

	if (!pa->wide || m > pa->mr)
		return 0;
	w = tkp_tuned_strip_max(&tile, m);
	return !w || m * w <= pa->mr * pa->nr;
}

static void direct_blocking(const struct plan *pl, size_t *kc, size_t *nc)
{
	const tkp_gemm *g = pl->g;
	size_t half = sys.l2 / 2; /* (sys: path_for) */
	size_t b_bytes = g->k * g->n * pl->es;
	int in_l3 = b_bytes <= sys.l3 / 2;

	/* (k·n and m·n elements are B and C, in memory: the products cannot
	 * overflow; no division on a small call, a few percent of 16³) */
	if (b_bytes <= half || (in_l3 && one_tile(pl)))
		*kc = g->k;
	else
		*kc = in_l3 ? L3_KC : STREAM_KC;
	*nc = g->n;
	if (*kc < g->k && g->m * g->n * pl->es > half)
		*nc = round_down(half / (pl->es * g->m), pl->pa->nr, pl->pa->nr);
}

/*
 * Whether the dot path's kernel prefetches A's rows a tile ahead (see
 * tuned_dot_ukr.h): where C has more than one column and A is past a
 * quarter of L3, so mostly read from memory.  A single column's tile is
 * 16 rows on AVX-512 (8 on AVX2), as many streams as the prefetchers
 * need, and the prefetches only took load slots: Zen 5 VM, 1 thread,
 * tuned/OpenBLAS without / with, same process, two runs: f32 2059×1×441
 * 1.00-1.18 / 0.78-0.82, f64 20000×1×500 4.33-4.39 / 3.72-3.93.  Four
 * columns from memory wanted them (f32 20000×4×1000 3.07-3.18 /
 * 4.08-4.54), but from L2 or L3, where a smaller A comes from on repeated
 * calls, they cost more than they brought: builds alternating, two runs,
 * past L2 / past a quarter of L3, f64 59×2×2732 (A 1.3 MB) 0.90-0.93 /
 * 1.22-1.26, 59×4×2732 1.25 / 1.37-1.55; f64 200×2×1000, 300×2×1500, f32
 * 100×2×5000, 200×4×2000, 800×4×2000 and 2000×2×500 even (0.83-4.09
 * either way).  A prefetch along the same rows instead lost up to half
 * from memory (f64 2000×4×2000 5.0 / 2.6).
 */
static int dot_pf(const struct plan *pl)
{
	/* (sys: path_for; doubles, as m·k·es may pass a size_t in theory) */
	double a_bytes = (double)pl->g->m * (double)pl->g->k * (double)pl->es;

	return pl->g->n > 1 && a_bytes > (double)sys.l3 / 4;
}

/*
 * The dot path's k block: all of k where the packed Bt (n × kc) fits in
 * half of L1, where it stays while a tile's rows of A stream past it;
 * else as many steps as fit, but no fewer than DOT_KC_MIN (each block
 * costs a sum across the lanes and a read and write per element of C).
 * Where the kernel prefetches (dot_pf), the next tile's rows of A, as
 * many steps long, share that half of L1 with Bt: prefetched a whole
 * block ahead beside a Bt that filled it, they were evicted before use.
 * Zen 5 VM, 1 thread, tuned/OpenBLAS Bt alone / with the next tile's
 * rows, same process, the prefetch on wherever A was past L2: f64 n = 4
 * (kc 768 / 384) 59×4×2732 0.95 / 1.25, 200×4×1000 0.85 / 1.20,
 * 2000×4×2000 (A from memory) 3.64 / 5.04, but 20000×4×1000 4.48 / 4.19;
 * f64 n = 2 (1536 / 304) 59×2×2732 0.69 / 0.82, 1000×2×2000 3.43 / 4.21;
 * f32 n = 2 (3072 / 608) 100×2×5000 0.86 / 1.09, 2000×2×2000 4.05 /
 * 5.17; n = 4 (1536 / 768) 200×4×2000 2.84 / 3.88, 1000×4×2000 2.42 /
 * 3.23.
 */
enum { DOT_KC_MIN = 256 };

static size_t dot_kc(const struct plan *pl)
{
	const struct path *pa = pl->pa;
	/* (n is 0 only where the path is forced) */
	size_t n = pl->g->n ? pl->g->n : 1, rows = 0, kc;

	if (dot_pf(pl))
		rows = tkp_tuned_dot_rows(pa->mr, pa->nr / pa->vl, pa->vl,
					  min_sz(n, TKP_TUNED_DOT_NR));
	kc = sys.l1 / 2 / ((n + rows) * pl->es); /* (sys: path_for) */
	kc = kc < DOT_KC_MIN ? DOT_KC_MIN : kc & ~(size_t)15;
	return kc < pl->g->k ? kc : pl->g->k;
}

/* ---- a team sharing one packed B panel ------------------------------------ */

/*
 * With rows split, every member needs all of B.  Packed privately, B is
 * read and written nt times and nt panels compete for the shared L3; so
 * the members pack one panel together, each its share of the slivers,
 * wait for each other, compute their rows against it, and wait again
 * before the next k block overwrites it (BLIS shares B the same way).
 * The waits spin: members are pinned one per CPU, and a k block is
 * milliseconds of work against a wait of a microsecond or so; past a few
 * thousand spins (more members than free CPUs) a waiter yields its CPU.
 *
 * Sharing pays only where the members share a cache that holds the panel
 * (share_b): each IC chunk reads the whole panel again, and the slivers
 * another member wrote come from its cache.  On a Zen 5 VM whose two
 * vCPUs report no cache topology (and whose core-to-core round trip of
 * 130-380 ns says they may not share one), 2 threads, GFLOP/s shared vs
 * private, interleaved in one process: f64 4096³ 142 vs 164 (OpenBLAS
 * 163), 512³ 166 vs 186, f32 512³ 307 vs 371, 1024³ 360 vs 399, 2048³
 * 395 vs 405; only a short k, where packing is most of the work, went
 * the other way (4096×4096×64 f64 181 vs 176).  On Zen 3 with both CPUs
 * in one L3, sharing was ahead (tuned/OpenBLAS over ten shapes 1.042 vs
 * 1.014).
 */
struct shared_b {
	char *bpack;
	int nt;
	atomic_int arrived; /* members at the current barrier */
	atomic_int phase;   /* barriers passed */
	atomic_int go;      /* 0: wait, 1: work, -1: the team could not be formed */
	/* Pooled teams (team_pooled): rows handed out, at most chunk at a
	 * time, per k block from ctr[block parity], instead of each member's
	 * i0..i1 (take_rows). */
	size_t chunk;         /* 0: fixed shares */
	atomic_size_t ctr[2]; /* the next row, for even and odd k blocks */
};

/*
 * Whether a team on cpus (tkp_pin_plan's, NULL or -1 when unpinned) shares
 * one B panel: where sysfs says they share a last-level cache.  Unknown
 * counts as not shared: a private panel costs at most a second packing of
 * B (a few % at short k), a shared one across caches up to a sixth of the
 * call.  Teams of more than PRIVATE_B_MAX share whatever the caches: each
 * private panel is up to 12 MB (f64, KC 384) and B's reads from memory
 * grow with their number (BLIS would share within each cache; measured
 * here on 2 CPUs only).  TKP_TUNED_PRIVATE_B=1 / 0 in the environment
 * forces either, to compare.
 */
enum { PRIVATE_B_MAX = 4 };

static int share_b(const int *cpus, int nt)
{
	const char *force = getenv("TKP_TUNED_PRIVATE_B");

	if (force && *force)
		return strcmp(force, "0") == 0;
	return nt > PRIVATE_B_MAX || (cpus && tkp_pin_share_llc(cpus, nt));
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* One turn of a wait: a pause while it is short, the CPU given up once it
 * has lasted a few thousand turns (more members than free CPUs). */
static void spin_pause(unsigned spins)
{
	if (spins < 4096)
		cpu_relax();
	else
		sched_yield();
}

static void team_wait(struct shared_b *t)
{
	int ph = atomic_load_explicit(&t->phase, memory_order_acquire);

	if (atomic_fetch_add_explicit(&t->arrived, 1, memory_order_acq_rel) == t->nt - 1) {
		atomic_store_explicit(&t->arrived, 0, memory_order_relaxed);
		atomic_store_explicit(&t->phase, ph + 1, memory_order_release);
		return;
	}
	for (unsigned spins = 0; atomic_load_explicit(&t->phase, memory_order_acquire) == ph; spins++)
		spin_pause(spins);
}

/*
 * One IC block: rows ic .. ic+mc of A packed (k block pc .. pc+kc) and
 * multiplied by the packed B panel of columns jp .. jp+np, in NC blocks.
 * What lost or did nothing here (f32 and f64 2048³ at least, 1 thread,
 * bench/abi, Zen 5 VM):
 * - prefetching the next A sliver while the JR loop runs, a share of its
 *   lines before each micro-kernel call: 0.97-1.007 into L2, 0.96-0.98
 *   into L1 (1024³-4096³);
 * - packing the next IC block's A while this one runs, into a second
 *   buffer, a sliver before each IR step or all at once: 0.955-0.975.
 *   The JC blocks that packed nothing ran 4-15% slower (rdtsc around
 *   each, f32, one run of each build): the VM's L3 holds about 9 MB
 *   (`tkprofile machine`'s latency knee, against 32 MB reported), so a
 *   block packed a whole IC block before it is read seems to be back in
 *   memory by then;
 * - JC blocks in alternate directions from one IC block to the next, IR
 *   steps likewise, IC blocks from one k block to the next (the blocks
 *   used last first): 0.985-1.015, both orders, 1 and 2 threads;
 * - B panels of 1024 or 2048 columns instead of PANEL_COLS (4096³ too):
 *   within ±3%.
 */
static void ic_block(const struct plan *pl, size_t pc, size_t kc, size_t jp, size_t np, size_t ncb,
		     size_t ic, size_t mc, char *apack, const char *bpack)
{
	const tkp_gemm *g = pl->g;
	const struct path *pa = pl->pa;
	size_t es = pl->es, mr = pa->mr, nr = pa->nr;
	char *c = g->c;

	pa->pack_a(mc, kc, (const char *)g->a + (ic * g->k + pc) * es, g->k, apack);
	for (size_t jc = jp; jc < jp + np; jc += ncb) { /* JC */
		size_t nc = min_sz(ncb, jp + np - jc);
		const char *bblk = bpack + (jc - jp) * kc * es;

		for (size_t ir = 0; ir < mc; ir += mr) { /* IR */
			const char *as = apack + ir * kc * es;
			char *crow = c + ((ic + ir) * g->n + jc) * es;
			size_t mrr = min_sz(mr, mc - ir);

			for (size_t jr = 0; jr < nc; jr += nr) /* JR */
				pa->ukr(kc, as, bblk + jr * kc * es, crow + jr * es, g->n, pc > 0, mrr,
					min_sz(nr, nc - jr));
		}
	}
}

/*
 * The next rows of a k block for a member of a team of nt: from *ctr,
 * a share of what is left (a half of an even share: left / (2·nt)) but at
 * most chunk and at least TAKE_MIN_TILES·MR rows (or chunk, if less); *h
 * the rows taken.  Every member waits at the end of the block for the
 * last to finish, so the last chunks must be small: with fixed chunks of
 * chunk rows (an eighth of the rows on 2 threads) the waits took 2-6% of
 * the members' time at 2048³-4096³ (f32 and f64, 2 threads, this VM,
 * whose two vCPUs seldom run at the same speed), with shrinking ones of
 * at least 8·MR rows up to 3.5% at f32 2048³ (0.7-3.5%, each member's
 * time in that wait over 20 calls, six readings; each k block's last
 * chunk, 96 rows, lasts about 1 ms there), with 2·MR 0.4-0.8% (fourteen
 * readings).  bench/abi, 2 threads, 2·MR against 8·MR in both orders,
 * 31-41 rounds: f32 2048³ +2.5% and +2.5%, 1024³ +4.9% and +5.3%, 768³
 * +0.5% and +4.6%, 512³ +1.1% and +0.4%; f64 2048³ +1.2% and 0.0%,
 * 1024³ -1.2% and -0.7%, 512³ +0.4% and +0.5%.  A chunk of MR rows read
 * within 3% of 2·MR.  (The wait after packing, each member its share of
 * the panel, stays under 0.7%.)
 */
enum { TAKE_MIN_TILES = 2 };

static size_t take_rows(atomic_size_t *ctr, size_t m, size_t chunk, int nt, size_t mr, size_t *h)
{
	size_t cur = atomic_load_explicit(ctr, memory_order_relaxed), sz;

	*h = 0;
	do {
		if (cur >= m)
			return cur;
		sz = round_up((m - cur) / (2 * (size_t)nt), mr);
		/* the floor first: chunk (at most MC, the A buffer) is the cap */
		sz = min_sz(min_sz(sz < TAKE_MIN_TILES * mr ? TAKE_MIN_TILES * mr : sz, chunk), m - cur);
	} while (!atomic_compare_exchange_weak_explicit(ctr, &cur, cur + sz, memory_order_relaxed,
						       memory_order_relaxed));
	*h = sz;
	return cur;
}

/* The stream path's A packed whole up to this many bytes per member (m =
 * 64 f64: k up to 16384), block by block beyond. */
enum { STREAM_A_MAX = 8 << 20 };

/*
 * Where the stream path's last two row tiles start, evened out (m when
 * they are not): where tkp_tuned_tile_rows, which its loop follows,
 * halves them.  A tile of r < MR rows keeps r·NV accumulators, and
 * under TKP_TUNED_FMA_CHAINS it waits on its own FMAs: m = 8 as 6 + 2
 * rows ran the 2-row tile at half speed, where 4 + 4 keep both pipes
 * full (f32 32×4096×4096, 5·6 + 2 rows against 4·6 + 4 + 4: 0.94-0.95
 * of OpenBLAS against 1.00-1.15 in three interleaved pairs of runs).  So
 * MR + r rows go as two tiles of about half each, each in its own
 * (zero-padded) A sliver: the slivers are as many as before (the
 * unpacked paths cut their tiles the same way: tuned_small.c).
 */
static size_t even_tail(size_t m, const struct path *pa)
{
	size_t r = m % pa->mr;

	return r && m > pa->mr && tkp_tuned_thin(r, pa->nr, pa->vl) ? m - r - pa->mr : m;
}

/* A's rows [0, m) of a k block, kb wide, into MR-row slivers, the last
 * two as even_tail cuts them. */
static void stream_pack_a(const struct plan *pl, size_t m, size_t kb, const char *a, char *out)
{
	const struct path *pa = pl->pa;
	size_t cut = even_tail(m, pa), h = (m - cut + 1) / 2, lda = pl->g->k, es = pl->es;

	pa->pack_a(cut, kb, a, lda, out);
	if (cut < m) {
		pa->pack_a(h, kb, a + cut * lda * es, lda, out + cut * kb * es);
		pa->pack_a(m - cut - h, kb, a + (cut + h) * lda * es, lda, out + (cut + pa->mr) * kb * es);
	}
}

/*
 * One k block's tiles (kb deep, C's rows [0, m) and columns [0, nb) from
 * c): each tile from its own A sliver (stream_pack_a).  Row tiles outer
 * (an A sliver in L1 along the block's B slivers in L2), or with
 * pl->cols_outer B slivers outer (a B sliver in L1 down all the rows'
 * slivers in L2): stream_blocking.
 */
static void stream_tiles(const struct plan *pl, size_t kb, size_t m, size_t nb, const char *as,
			 const char *bpack, char *c, int acc)
{
	const struct path *pa = pl->pa;
	size_t es = pl->es, mr = pa->mr, nr = pa->nr, ldc = pl->g->n, t;
/* the tile at row ir (A sliver sl) and column jr, t rows high */
#define STREAM_TILE()                                                                      \
	pa->ukr(kb, as + sl * kb * es, bpack + jr * kb * es, c + (ir * ldc + jr) * es, ldc, acc, \
		t, min_sz(nr, nb - jr))

	if (!pl->cols_outer) {
		for (size_t ir = 0, sl = 0; ir < m; ir += t, sl += mr) {
			t = tkp_tuned_tile_rows(m - ir, mr, nr, pa->vl);
			for (size_t jr = 0; jr < nb; jr += nr)
				STREAM_TILE();
		}
		return;
	}
	for (size_t jr = 0; jr < nb; jr += nr)
		for (size_t ir = 0, sl = 0; ir < m; ir += t, sl += mr) {
			t = tkp_tuned_tile_rows(m - ir, mr, nr, pa->vl);
			STREAM_TILE();
		}
#undef STREAM_TILE
}

/*
 * Few rows against a large B (choose_mode): A's rows packed once, all k
 * blocks one after another (*a_ready set, so that the member's next
 * column chunk finds them packed), or block by block where A whole would
 * pass STREAM_A_MAX (pl->a_whole 0); B block by block into bpack as the
 * skinny path packs it; the tiles of each block as stream_tiles and
 * stream_blocking have them.  With the packed path's blocks and order
 * (each A sliver along the block's B slivers, KC×NC 336×96 f64):
 * m×4096×4096 f64 1 thread, tuned/OpenBLAS, one process, medians
 * of 15 interleaved calls, against the skinny path (A read in place): m =
 * 32 0.99 vs 0.95, 48 0.95 vs 0.87, 64 0.98 vs 0.91 (f32 1.52 vs 1.47);
 * A packed per block instead of whole 1-4% behind, slivers of B outside
 * with those blocks 1-3% (with page-long B rows they win:
 * stream_blocking).  Copying B was still a third of the time (a
 * profile: 15% of the samples against the micro-kernel's 33%;
 * OpenBLAS's copy and kernel 14% and 32%).
 * Prefetching the next block's rows of B from inside the micro-kernel,
 * a line every 1-4 k steps, made the copy a third faster and the
 * micro-kernel a fifth slower: 0.86-0.93 of OpenBLAS against 0.98-0.99.
 */
static void stream_part(const struct plan *pl, size_t kc, size_t nc, size_t i0, size_t i1,
			size_t j0, size_t j1, char *apack, char *bpack, int *a_ready)
{
	const tkp_gemm *g = pl->g;
	const struct path *pa = pl->pa;
	const char *a = g->a, *b = g->b;
	char *c = g->c;
	size_t es = pl->es, m = i1 - i0, mp = round_up(m, pa->mr);

	if (pl->a_whole && !*a_ready) {
		for (size_t pc = 0; pc < g->k; pc += kc)
			stream_pack_a(pl, m, min_sz(kc, g->k - pc), a + (i0 * g->k + pc) * es,
				      apack + pc * mp * es);
		*a_ready = 1;
	}
	for (size_t jc = j0; jc < j1; jc += nc) {
		size_t nb = min_sz(nc, j1 - jc);

		for (size_t pc = 0; pc < g->k; pc += kc) {
			size_t kb = min_sz(kc, g->k - pc);
			const char *as = pl->a_whole ? apack + pc * mp * es : apack;

			if (!pl->a_whole)
				stream_pack_a(pl, m, kb, a + (i0 * g->k + pc) * es, apack);
			pa->pack_b(kb, nb, b + (pc * g->n + jc) * es, g->n, bpack);
			stream_tiles(pl, kb, m, nb, as, bpack, c + (i0 * g->n + jc) * es, pc > 0);
		}
	}
}

/*
 * The stream path's blocks for few rows: B block rows a page long.  The
 * packed path's NC (half of L2 over KC) makes each row of a B block a
 * short stretch of memory (96 columns, 768 bytes f64, on Zen 3), and the
 * hardware prefetchers, which learn a stream from its first misses and
 * stop at a 4 KB page, hardly start on it; B comes from memory here, so
 * that is most of the call.  A page per row (NC 512 f64, 1024 f32) with
 * KC cut to keep the block in half of L2 (64 on a 512 KB L2) lets them
 * run, at the price of C's tile read and written every KC steps, which
 * costs as much as B's reads once m passes KC/2.  m×4096×4096 1 thread
 * on Zen 3, tuned/OpenBLAS, medians of 9-21 interleaved calls, KC×NC
 * 336×96 vs 64×512: f64 m = 8 0.88 vs 0.98, 12 1.12 vs 1.17, 16 0.99
 * vs 1.01, 24 0.97 vs 1.06, 32 0.99 vs 1.02, 48 1.02 vs 0.99; f32 16
 * 0.97 vs 1.04, 64 0.97 vs 0.95; in bench/gemm (medians of 3 runs,
 * before and after) f64 m = 8 0.94 -> 1.08, 16 0.99 -> 1.08, f32 8 0.88
 * -> 1.04, 16 0.92 -> 1.00; with m up to KC/4 instead, m = 24 and 32
 * read 2-5% lower.
 *
 * More rows keep the page-long rows but turn the block around: KC so
 * that a B sliver (KC × NR) fills two thirds of L1 (336 on Zen 3's 32 KB),
 * and each sliver runs down all the rows (cols_outer) while A's slivers,
 * a few hundred KB at most (m ≤ STREAM_M), come from L2.  B's block then
 * need not fit L2: it is read once from where pack_b left it, and A's
 * MR elements a step from L2 are fewer bytes than B's NR.  Same harness,
 * KC×NC 336×96 rows outer vs 336×1024 slivers outer, tuned and OpenBLAS
 * GFLOP/s: f64 m = 48 36.6 vs 38.9 (OpenBLAS 36.4-36.8), 64 38.6 vs 40.4
 * (38.8), 128 40.6 vs 42.0 (40.9), 256 39.9 vs 42.5 (42.8); f32 48 75.6
 * vs 78.0 (78.3), 64 79.0 vs 81.6 (82.3-82.6), 128 85.8 vs 87.4 (88.0),
 * 256 91.2 vs 90.4 (92.0); m = 16 and 32 with slivers outer read 3-8%
 * lower, so those keep the rows outer.  Like the direct path's, these
 * blocks come from the caches whatever MC, KC and NC the caller passes: those
 * are the packed loops' (tkp_tuning_apply always passes them, and
 * `tkprofile tune` measures them on the packed path).
 */
static void stream_blocking(struct plan *pl)
{
	size_t es = pl->es, nr = pl->pa->nr;
	size_t nc = round_down(4096 / es, nr, nr);
	size_t kc = round_down(sys.l2 / 2 / (nc * es), 16, 16); /* (sys: path_for) */

	pl->nc = nc;
	if (pl->g->m <= kc / 2) {
		pl->kc = kc;
		return;
	}
	pl->kc = round_down(sys.l1 * 2 / 3 / (nr * es), 16, 16);
	pl->cols_outer = 1;
}

/*
 * C[i0:i1][j0:j1] = A[i0:i1][:]·B[:][j0:j1]; apack/bpack sized by
 * part_bytes.  Alone (t NULL) this packs each B panel itself; member tid
 * of team t packs its share of the panel's slivers into the team's bpack
 * and waits for the others around the k block (j0, j1: all columns).
 * *a_ready: the member's A is packed already (stream path only).
 */
static void gemm_part(const struct plan *pl, struct shared_b *t, int tid, size_t i0, size_t i1,
		      size_t j0, size_t j1, char *apack, char *bpack, int *a_ready)
{
	const tkp_gemm *g = pl->g;
	const struct path *pa = pl->pa;
	const char *b = g->b;
	size_t es = pl->es, mr = pa->mr, nr = pa->nr, blk = 0;
	/* this part's blocks, evened out over its own rows and columns */
	size_t kcb = balance(g->k, pl->kc, 4), mcb = balance(i1 - i0, pl->mc, mr);

	struct tkp_tuned_tile tile = path_tile(pa, g);

	if (pl->mode == TKP_TUNED_DIRECT) {
		size_t dkc, dnc;

		direct_blocking(pl, &dkc, &dnc);
		tkp_tuned_direct(g, &tile, dkc, dnc, i0, i1, j0, j1);
		return;
	}
	if (pl->mode == TKP_TUNED_DOT) {
		tkp_tuned_dot(g, &tile, pa->dukr, pa->pbt, dot_kc(pl), dot_pf(pl), bpack, i0, i1, j0,
			      j1);
		return;
	}
	if (pl->mode == TKP_TUNED_STREAM) {
		stream_part(pl, kcb, balance(j1 - j0, pl->nc, nr), i0, i1, j0, j1, apack, bpack,
			    a_ready);
		return;
	}
	if (pl->mode == TKP_TUNED_SKINNY) {
		tkp_tuned_skinny(g, &tile, kcb, balance(j1 - j0, pl->nc, nr), pa->pack_b, bpack, i0, i1,
				 j0, j1);
		return;
	}
	for (size_t jp = j0; jp < j1; jp += PANEL_COLS) { /* column panels */
		size_t np = min_sz(PANEL_COLS, j1 - jp), ncb = balance(np, pl->nc, nr);
		size_t ns = (np + nr - 1) / nr; /* NR-column slivers */
		size_t s0 = t ? ns * (size_t)tid / (size_t)t->nt : 0;
		size_t s1 = t ? ns * (size_t)(tid + 1) / (size_t)t->nt : ns;

		for (size_t pc = pl->k0; pc < pl->k1; pc += kcb) { /* PC */
			size_t kc = min_sz(kcb, g->k - pc);

			/* B[pc:pc+kc][jp:jp+np] into contiguous NR-column slivers
			 * (slivers s0 .. s1 of them here): the JC block at jc
			 * starts (jc-jp)·kc in. */
			if (s1 > s0)
				pa->pack_b(kc, min_sz(s1 * nr, np) - s0 * nr, b + (pc * g->n + jp + s0 * nr) * es,
					   g->n, bpack + s0 * nr * kc * es);
			if (t)
				team_wait(t); /* the panel is whole */
			if (t && t->chunk) {
				/* rows chunk by chunk; member 0 readies the next
				 * block's counter, which the last block used */
				atomic_size_t *ctr = &t->ctr[blk & 1];

				if (tid == 0)
					atomic_store_explicit(&t->ctr[(blk + 1) & 1], 0, memory_order_relaxed);
				for (size_t ic, h; (ic = take_rows(ctr, g->m, t->chunk, t->nt, mr, &h)) < g->m;)
					ic_block(pl, pc, kc, jp, np, ncb, ic, h, apack, bpack);
			} else {
				for (size_t ic = i0; ic < i1; ic += mcb) /* IC */
					ic_block(pl, pc, kc, jp, np, ncb, ic, min_sz(mcb, i1 - ic), apack, bpack);
			}
			blk++;
			if (t)
				team_wait(t); /* nobody reads it any more */
		}
	}
}

/* Packing bytes for one thread's rows × cols, each buffer page-rounded. */
static void part_bytes(const struct plan *pl, size_t rows, size_t cols, size_t *abytes,
		       size_t *bbytes)
{
	size_t kc = min_sz(pl->kc, pl->g->k), es = pl->es;
	int blocks = pl->mode == TKP_TUNED_SKINNY || pl->mode == TKP_TUNED_STREAM;
	size_t bcols = blocks ? min_sz(pl->nc, cols) : min_sz(PANEL_COLS, cols);
	size_t arows = pl->mode == TKP_TUNED_STREAM ? rows : min_sz(pl->mc, rows);
	size_t akc = pl->a_whole ? pl->g->k : kc;

	/* the direct path packs nothing, the skinny one only B, NC at a time,
	 * the dot path only B (transposed); the stream path all of its rows
	 * of A, whole or one k block */
	*abytes = pl->mode == TKP_TUNED_DIRECT || pl->mode == TKP_TUNED_SKINNY ||
			  pl->mode == TKP_TUNED_DOT
			  ? 0
			  : round_up(round_up(arows, pl->pa->mr) * akc * es, 4096);
	*bbytes = pl->mode == TKP_TUNED_DIRECT ? 0 : round_up(round_up(bcols, pl->pa->nr) * kc * es, 4096);
	/* the dot path: B transposed, rows of kc rounded up to 16 elements */
	if (pl->mode == TKP_TUNED_DOT)
		*bbytes = round_up(cols * round_up(dot_kc(pl), 16) * es, 4096);
}

/* ---- packing arena ------------------------------------------------------- */

static struct {
	pthread_mutex_t lock;
	void *buf;
	size_t size;
} arena = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

/*
 * The arena is a fresh mapping on big pages (bigpages.c), never the heap:
 * memory malloc got back from a freed operand is already faulted in 4 KB
 * pages.  bench/gemm's f64 4096³ on 1 thread read 101 GFLOP/s in a fresh
 * process and 72 after 2048³'s calls had freed their matrices into the
 * heap (B's 12 MB panel then on 4 KB pages), OpenBLAS 78 both times.
 */
static void *arena_alloc(size_t size)
{
	return tkp_bigpages_alloc(size, 1);
}

static void arena_release(void *p, size_t size)
{
	tkp_bigpages_free(p, size);
}

/* The cached arena (lock held, *mine = 0) or, when another call holds it, a
 * private one (*mine = 1); NULL when out of memory. */
static void *arena_get(size_t size, int *mine)
{
	if (pthread_mutex_trylock(&arena.lock) != 0) {
		*mine = 1;
		return arena_alloc(size);
	}
	*mine = 0;
	if (arena.size < size) {
		arena_release(arena.buf, arena.size);
		arena.buf = arena_alloc(size);
		arena.size = arena.buf ? round_up(size, TKP_BIGPAGE) : 0;
	}
	if (!arena.buf)
		pthread_mutex_unlock(&arena.lock);
	return arena.buf;
}

/* Gives back what arena_get(size, ...) returned. */
static void arena_put(void *p, int mine, size_t size)
{
	if (mine)
		arena_release(p, size);
	else
		pthread_mutex_unlock(&arena.lock);
}

__attribute__((destructor)) static void arena_free(void)
{
	arena_release(arena.buf, arena.size);
	arena.buf = NULL;
	arena.size = 0;
}

/* ---- the team ------------------------------------------------------------ */

struct member {
	const struct plan *pl;
	size_t i0, i1, j0, j1;
	char *apack, *bpack;
	pthread_t tid;
	int cpu;              /* CPU to pin to, or -1 */
	int id;               /* index in the team */
	struct shared_b *sb;  /* the shared B panel, or NULL: alone */
	atomic_size_t *next;  /* columns (rows: by_rows) handed out: the next one, or NULL */
	size_t chunk;         /* columns (rows) taken at a time from *next */
	int by_rows;          /* *next hands out rows i0 .. i1, all of j0 .. j1 each */
	int a_ready;          /* the stream path's A packed (stream_part) */
};

/* Member w's part; a member of a team that shares its B panel waits until
 * the team is formed (go 1) and does nothing if it could not be (go -1). */
static void member_run(struct member *w)
{
	while (w->sb && atomic_load_explicit(&w->sb->go, memory_order_acquire) == 0)
		sched_yield();
	if (w->next && w->by_rows) {
		for (size_t i; (i = atomic_fetch_add_explicit(w->next, w->chunk, memory_order_relaxed)) < w->i1;)
			gemm_part(w->pl, NULL, 0, i, min_sz(i + w->chunk, w->i1), w->j0, w->j1, w->apack,
				  w->bpack, &w->a_ready);
		return;
	}
	if (w->next) {
		for (size_t j; (j = atomic_fetch_add_explicit(w->next, w->chunk, memory_order_relaxed)) < w->j1;)
			gemm_part(w->pl, NULL, 0, w->i0, w->i1, j, min_sz(j + w->chunk, w->j1), w->apack,
				  w->bpack, &w->a_ready);
		return;
	}
	if (!w->sb || atomic_load_explicit(&w->sb->go, memory_order_acquire) > 0)
		gemm_part(w->pl, w->sb, w->id, w->i0, w->i1, w->j0, w->j1, w->apack, w->bpack,
			  &w->a_ready);
}

/* Named worker_main like threaded.c's: simulated counters (src/lib/sim.c)
 * switch collection on in worker threads by that name (the simulation
 * child runs teams started per call, never the pool). */
static void *worker_main(void *arg)
{
	struct member *w = arg;

	tkp_pin_self(w->cpu);
	member_run(w);
	return NULL;
}

/* Waits, spinning then yielding, until *n is 0. */
static void spin_until_zero(atomic_int *n)
{
	for (unsigned spins = 0; atomic_load_explicit(n, memory_order_acquire) != 0; spins++)
		spin_pause(spins);
}

/*
 * The team started for this call: nt - 1 threads created, member 0 run
 * here, all joined.  C is complete whatever the machine allows: the parts
 * of members that could not start run here, and a team that shares its B
 * panel, which needs every member, is called off and this thread does all
 * of it.
 */
static void team_per_call(struct member *w, int nt, struct shared_b *sb)
{
	int made = 1;

	for (; made < nt; made++)
		if (pthread_create(&w[made].tid, NULL, worker_main, &w[made]) != 0)
			break;
	tkp_pin_self(w[0].cpu);
	if (sb && made == nt) {
		atomic_store_explicit(&sb->go, 1, memory_order_release);
		member_run(&w[0]);
	} else {
		if (sb)
			atomic_store_explicit(&sb->go, -1, memory_order_release);
		for (int t = 0; t < nt; t++)
			if (t == 0 || t >= made || sb)
				gemm_part(w[0].pl, NULL, 0, w[t].i0, w[t].i1, w[t].j0, w[t].j1,
					  w[sb ? 0 : t].apack, w[t].bpack, &w[sb ? 0 : t].a_ready);
	}
	for (int t = 1; t < made; t++)
		pthread_join(w[t].tid, NULL);
}

/* ---- the pool: workers kept between calls -------------------------------- */

/*
 * Starting the team per call cost more than the work it shared below n ≈
 * 512 on this VM (2 vCPUs, f64, bench/gemm): 2 threads ran 256³ at 26.6
 * GFLOP/s against 57.9 on one (OpenBLAS, which keeps its threads, 45.5
 * and 47.3), and 512³ gained 1.14× where OpenBLAS gained 1.35×.  So the
 * members beyond the caller are kept: worker i waits for a job in its
 * slot, spinning for POOL_SPIN_NS (back-to-back calls find it awake; a
 * longer spin would take a CPU from whatever runs between calls), then
 * sleeping on the condition variable.  A worker is pinned when it starts
 * (first_cpu), again when a job names another CPU, and given its starting
 * mask back for a job that names none (a caller with fewer CPUs than
 * members, TKP_TUNED_NOPIN).  One
 * call uses the pool at a time (the lock); a call that finds it busy, the
 * simulation child (valgrind runs threads one at a time, and counts
 * worker_main's) and a process whose pool could not grow start their team
 * per call.  After fork the child has no workers: it starts its own.
 */
enum { POOL_MAX = 64, POOL_SPIN_NS = 200000 };
/* (awake_team) */
enum { SLEEPING_FLOP = 4000000, AWAKE_FLOP = 750000, NUDGE_NS = 1000000 };
#define AWAKE_MAX_FLOP 64e6

static struct {
	pthread_mutex_t lock; /* held by the call the pool serves */
	pthread_mutex_t mu;   /* with cv: workers sleeping */
	pthread_cond_t cv;
	pthread_once_t once;
	int n;                                 /* workers started */
	struct member *_Atomic slot[POOL_MAX]; /* worker i's job, or NULL */
	atomic_int pending;                    /* jobs not finished */
	atomic_int spinning[POOL_MAX];         /* worker i spins for a job */
	atomic_int cpu[POOL_MAX];              /* the CPU worker i is pinned to, or -1 */
	unsigned nudges;                       /* (mu) pool_nudge's calls */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
	  .mu = PTHREAD_MUTEX_INITIALIZER,
	  .cv = PTHREAD_COND_INITIALIZER,
	  .once = PTHREAD_ONCE_INIT};

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

/* Worker i's next job: spinning a while, then asleep until one comes or
 * pool_nudge sets it spinning again. */
static struct member *pool_next(int i)
{
	struct member *job;

	for (;;) {
		double until = mono_ns() + POOL_SPIN_NS;
		unsigned seen;

		atomic_store_explicit(&pool.spinning[i], 1, memory_order_relaxed);
		for (unsigned spins = 1;; spins++) {
			if ((job = atomic_load_explicit(&pool.slot[i], memory_order_acquire))) {
				atomic_store_explicit(&pool.spinning[i], 0, memory_order_relaxed);
				return job;
			}
			cpu_relax();
			if (spins % 64 == 0 && mono_ns() > until)
				break;
		}
		pthread_mutex_lock(&pool.mu);
		atomic_store_explicit(&pool.spinning[i], 0, memory_order_relaxed);
		seen = pool.nudges;
		while (!(job = atomic_load_explicit(&pool.slot[i], memory_order_acquire)) &&
		       pool.nudges == seen)
			pthread_cond_wait(&pool.cv, &pool.mu);
		pthread_mutex_unlock(&pool.mu);
		if (job)
			return job;
	}
}

/* The sleeping workers back to spinning (awake_team) */
static void pool_nudge(void)
{
	pthread_mutex_lock(&pool.mu);
	pool.nudges++;
	pthread_cond_broadcast(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
}

static void *pool_main(void *arg)
{
	int i = (int)(intptr_t)arg, pinned = atomic_load_explicit(&pool.cpu[i], memory_order_relaxed);
	tkp_pin_saved own; /* the mask it started with, for unpinned jobs */

	tkp_pin_save(&own);
	tkp_pin_self(pinned); /* (pool_take's choice) */
	for (;;) {
		struct member *job = pool_next(i);

		if (job->cpu >= 0 && job->cpu != pinned)
			tkp_pin_self(pinned = job->cpu);
		else if (job->cpu < 0 && pinned >= 0 && !job->pl->awake) {
			tkp_pin_restore(&own);
			pinned = -1;
		}
		atomic_store_explicit(&pool.cpu[i], pinned, memory_order_relaxed);
		member_run(job);
		atomic_store_explicit(&pool.slot[i], NULL, memory_order_relaxed);
		atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_acq_rel);
	}
	return NULL;
}

static void pool_after_fork(void)
{
	pthread_mutex_init(&pool.lock, NULL);
	pthread_mutex_init(&pool.mu, NULL);
	pthread_cond_init(&pool.cv, NULL);
	pool.n = 0;
	pool.nudges = 0;
	for (int i = 0; i < POOL_MAX; i++) {
		atomic_init(&pool.slot[i], NULL);
		atomic_init(&pool.spinning[i], 0);
		atomic_init(&pool.cpu[i], -1);
	}
	atomic_init(&pool.pending, 0);
}

static void pool_init(void)
{
	(void)pthread_atfork(NULL, NULL, pool_after_fork);
}

/*
 * The CPU new worker i is pinned to from the start: the i-th of this
 * thread's CPUs other than the one it runs on (-1: none, or
 * TKP_TUNED_NOPIN).  A worker free to run anywhere was started, and later
 * woken, on its caller's CPU, and spun there beside it (awake_team).
 */
static int first_cpu(int i)
{
	cpu_set_t set;
	int here = sched_getcpu(), seen = 0;

	if (getenv("TKP_TUNED_NOPIN") || sched_getaffinity(0, sizeof set, &set) != 0)
		return -1;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && c != here && seen++ == i)
			return c;
	return -1;
}

/* The pool, locked, with at least want workers; 0 when it cannot serve
 * this call (busy, too small and unable to grow). */
static int pool_take(int want)
{
	pthread_once(&pool.once, pool_init);
	if (want > POOL_MAX || pthread_mutex_trylock(&pool.lock) != 0)
		return 0;
	while (pool.n < want) {
		pthread_t tid;

		atomic_store_explicit(&pool.cpu[pool.n], first_cpu(pool.n), memory_order_relaxed);
		if (pthread_create(&tid, NULL, pool_main, (void *)(intptr_t)pool.n) != 0) {
			pthread_mutex_unlock(&pool.lock);
			return 0;
		}
		pthread_detach(tid);
		pool.n++;
	}
	return 1;
}

/*
 * Members 1 .. nt-1 to the pool's workers, member 0 here, then the wait
 * for the others (pool locked by pool_take; unlocked here).  A team that
 * splits columns (the direct, skinny and stream paths; the stream path
 * packs its A once per member, before its first chunk) takes them
 * POOL_CHUNKS per member at a time, in turn, rather than a fixed share
 * each: a worker woken late, or a vCPU the host takes away for a while,
 * then costs its chunk, not half the call.  So does a direct-path team
 * that splits the rows of a narrow C (team_pooled), and a team sharing
 * its B panel (rows split, packed path) takes rows the same way within
 * each k block, in shrinking chunks (take_rows)
 * (f64 2T, loaded VM, same runs, tuned/OpenBLAS, fixed shares vs
 * chunks: 512³ 1.47 / 0.98 vs 0.92 / 1.07, 768³ 0.79 / 0.99 vs 1.11 /
 * 1.12, 1024³ 0.86 / 1.06 vs 1.33 / 1.13).  f64, 2 threads, this VM with
 * the other vCPU busy (load 3.9), fixed shares -> chunks, tuned/OpenBLAS
 * same run: m×4096×4096 m = 4 0.92 -> 1.21, m = 16 0.83 -> 1.25, m = 64
 * 0.83 -> 1.06; 160³-256³ within the noise (0.89-1.45 either way).
 */
enum { POOL_CHUNKS = 4 };

/* The chunk for nt members, total elements in units of unit each:
 * POOL_CHUNKS per member, whole units. */
static size_t pool_chunk(size_t total, size_t unit, int nt)
{
	size_t units = (total + unit - 1) / unit;

	return (units + (size_t)nt * POOL_CHUNKS - 1) / ((size_t)nt * POOL_CHUNKS) * unit;
}

/* Members w[0 .. nt-1] take chunks of rows (by_rows) or columns, all up
 * to end, from *next. */
static void hand_out(struct member *w, int nt, atomic_size_t *next, size_t chunk, int by_rows,
		     size_t end)
{
	atomic_init(next, 0);
	for (int t = 0; t < nt; t++) {
		w[t].next = next;
		w[t].chunk = chunk;
		w[t].by_rows = by_rows;
		if (by_rows)
			w[t].i1 = end;
		else
			w[t].j1 = end;
	}
}

static void team_pooled(struct member *w, int nt, struct shared_b *sb)
{
	const struct plan *pl = w[0].pl;
	const tkp_gemm *g = pl->g;
	atomic_size_t next;

	if (!sb && pl->mode != TKP_TUNED_PACKED && w[0].i0 == 0 && w[0].i1 == g->m)
		hand_out(w, nt, &next, pool_chunk(g->n, pl->pa->nr, nt), 0, g->n);
	/* Rows split (a narrow C): rows the same way, on the direct path
	 * only, where a chunk costs nothing (the skinny path would pack B
	 * again for each).  2 threads, the other vCPU busy, tuned GFLOP/s
	 * fixed shares -> chunks, three runs each: f32 3000×24×1000 63-76
	 * -> 83-93, f64 3000×12×1000 28-31 -> 30-36, 2000×16×300 37-42 ->
	 * 42-47; quiet, within 4% either way. */
	else if (pl->mode == TKP_TUNED_DIRECT && w[0].j0 == 0 && w[0].j1 == g->n)
		hand_out(w, nt, &next, pool_chunk(g->m, pl->pa->mr, nt), 1, g->m);
	if (sb) {
		size_t mr = pl->pa->mr;

		/* rows the same way, at most MC at a time (the A panel) */
		sb->chunk = min_sz(pool_chunk(g->m, mr, nt), round_down(pl->mc, mr, mr));
		atomic_store_explicit(&sb->go, 1, memory_order_relaxed);
	}
	atomic_store_explicit(&pool.pending, nt - 1, memory_order_relaxed);
	for (int t = 1; t < nt; t++)
		atomic_store_explicit(&pool.slot[t - 1], &w[t], memory_order_release);
	pthread_mutex_lock(&pool.mu);
	pthread_cond_broadcast(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	tkp_pin_self(w[0].cpu);
	member_run(&w[0]);
	spin_until_zero(&pool.pending);
	pthread_mutex_unlock(&pool.lock);
}

/* Runs the team w[0 .. nt-1] to completion, member 0 on this thread. */
static void team_launch(struct member *w, int nt, struct shared_b *sb)
{
	if (w[0].pl->pool_held)
		team_pooled(w, nt, sb); /* (awake_team took the pool) */
	else if (nt > 1 && !tkp_isa_sim_twin() && pool_take(nt - 1))
		team_pooled(w, nt, sb);
	else
		team_per_call(w, nt, sb);
}

/*
 * Which loops run this shape.  Crossovers measured on this VM (Xeon,
 * family 6 model 207, AVX-512, 48 KB L1d, 2 MB L2; 1 thread, medians of
 * interleaved calls of the three, GFLOP/s f64 / f32):
 *   - nothing packed against only B packed: 128³ 60 vs 55 / 121 vs 118,
 *     144³ 58 vs 62 / 112 vs 99, 160³ 54 vs 61 / 115 vs 121: the direct
 *     path while every dimension is at most SMALL_MAX = 128;
 *   - only B packed against the five packed loops: ahead from 16³ to 768³
 *     (256³ 58 vs 51 / 140 vs 123) on a loaded machine, so up to
 *     BONLY_MAX = 256 in every dimension (not checked further) and for
 *     any shape with at most SKINNY_M = 64 rows, where the packed loops
 *     lose (m×4096×4096, m = 4 .. 64: 0.37-0.72 of OpenBLAS packed,
 *     0.75-1.23 with only B packed; but see the stream path below, which
 *     packs A once, not per panel);
 *   - with few rows packing B does not pay either (each element is
 *     used a few times) once B is read in short k blocks (direct_blocking):
 *     on a Xeon VM (family 6 model 167 as reported, 2 vCPUs, 2 MB L2,
 *     OpenBLAS SAPPHIRERAPIDS), tuned/OpenBLAS same run, m×4096×4096,
 *     nothing packed vs B packed, f64 1 thread / 2 threads: m = 16 1.12 /
 *     1.11 vs 0.82 / 1.11, m = 20 0.96 / 1.11 vs 0.79 / 1.00, m = 24
 *     0.91 / 0.89 vs 0.81 / 0.89, m = 32 0.90 / 0.81 vs 0.80 / 0.92 (f32
 *     ahead either way, 1.5-3.2): the direct path up to DIRECT_M = 24
 *     rows.  With a 384-row k block it lost from m = 6 (the bound was 4).
 *   - from there up to STREAM_M = 256 rows, where B is larger than half
 *     of L2 (read from memory), A packed once and B block by block
 *     (stream_part) against only B packed and the packed loops, same
 *     machine and process, tuned/OpenBLAS, 1 thread: f64 m×4096×4096 m =
 *     32 1.01 vs 0.98 / 0.59, 64 1.00 vs 0.85 / 0.68, 128 0.98 vs 0.76 /
 *     0.78, 192 0.99 vs - / 0.85, 256 1.00 vs - / 0.89, but 512 0.90 vs
 *     0.95 packed (f32 256 1.02 vs 0.95 / 0.93, 512 1.09 either way);
 *     f64 200×4096×512 1.14 vs 0.88 / 0.91, 100×2000×2000 1.03 vs 0.95
 *     / 0.88; 2 threads f64 m×4096×4096 m = 64 1.08 vs 1.02 / 0.88, 256
 *     1.05 vs 0.92 / 0.93.  Even (within 0.07) at 64×256×16384, where
 *     the packed loops read a narrow B in long k blocks.  At m = 16-24
 *     nothing packed stays ahead (m = 16 1.17 vs 1.05 streamed).
 */
enum { SMALL_MAX = 128, BONLY_MAX = 256, SKINNY_M = 64, DIRECT_M = 24, STREAM_M = 256 };

/*
 * The most rows the direct path takes outside the small problems: DIRECT_M
 * (measured on 12-way L1ds), but one row tile (MR rows) where the L1d has
 * 8 ways or fewer.  With a row stride of C a multiple of 4 KB (n = 1024,
 * 4096, ...) the rows of its tiles all fall in one L1 set, and each tile
 * after the first finds C's lines gone; the direct path reads and
 * writes C once per 16 steps of k (STREAM_KC) where B is large (64 where
 * it stays in L3, but once per call on rows one tile holds: one_tile),
 * once per call where k is short, the skinny path once
 * per KC.  Zen 3 VM (32 KB
 * 8-way L1d, 512 KB L2), 1 thread, GFLOP/s direct / B packed / OpenBLAS,
 * same process: 16×1024×16 f64 18.7 / 35.5 / 21.8 but 16×1000×16 41.6 /
 * 35.8 / 24.4; m×4096×4096 f64 m = 4 14.4 / 12.5 / 10.6, m = 6 19.3 /
 * 17.0 / 11.3, m = 8 16.0 / 18.2 / 20.2, m = 16 16.6 / 24.7 / 26.4, m =
 * 24 15.7 / 28.5 / 30.5 (f32: m = 6 35.5 / 30.1 / 25.6, m = 16 31.8 /
 * 53.5 / 57.9).  Copying the strip of B, or A's rows, to a contiguous
 * buffer did not rescue the direct path there (16.6 -> 18.5 at m = 16).
 *
 * Where the rows spread over the sets (a stride that is no multiple of
 * DIRECT_SPREAD) and over few pages (below DIRECT_STRIDE_MAX: each row of
 * B and C streamed is a page of its own beyond it), one thread takes up to
 * DIRECT_M8 rows: same VM, builds alternating, tuned/OpenBLAS two runs
 * each, MR rows -> 16, f32 m×n×1500 and m×n×4000, m = 8, 12, 16, n =
 * 700, 1000, 2000, 3000: 0.94-1.14 -> 0.93-1.44 (20 of 24 shapes ahead in
 * both runs, most by 10-30%), f64 (n up to 2000) 0.93-1.40 -> 0.99-1.70.
 * On 2 threads (columns split) the same shapes read lower in two runs of
 * three (f32 8×700×3000 70-82 GFLOP/s -> 53-89), so teams keep MR rows.
 */
enum { DIRECT_M8 = 16, DIRECT_SPREAD = 2048, DIRECT_STRIDE_MAX = 16 << 10 };

/* Whether rows n elements apart (C's, and B's read in place) spread
 * over the L1d's sets, each on a page of its own at most. */
static int spreads(const tkp_gemm *g, size_t es)
{
	size_t stride = g->n * es;

	return stride % DIRECT_SPREAD != 0 && stride < DIRECT_STRIDE_MAX;
}

static size_t direct_rows(const struct path *pa, const tkp_gemm *g, size_t es)
{
	if (sys.l1_ways <= 0 || sys.l1_ways > 8) /* (sys: path_for) */
		return DIRECT_M;
	return g->threads <= 1 && spreads(g, es) ? DIRECT_M8 : pa->mr;
}

/*
 * Whether a shape that would pack only B (the skinny path) runs faster
 * with nothing packed: B within half of L2 (the direct path then takes
 * all of k at once, in strips up to the path's widest, which the skinny
 * path takes only for its last columns), A within L2 (read in place once
 * per strip), and
 * B's rows spread over the L1d's sets (on Zen 3's 8-way L1d, 16×1024×16
 * f64 ran at half the speed of B packed).  Zen 5 VM (48 KB 12-way L1d,
 * 1 MB L2), 1 thread, tuned/OpenBLAS nothing packed / B packed, same
 * process: f32 m ≤ 64 against B of 75-400 KB 1.00-1.50 / 0.80-1.15
 * (32×600×32 1.00 / 0.80, 64×1500×64 1.46 / 1.26), but B of 600-800 KB
 * (past half of L2) 0.87-1.03 / 1.00-1.04; cubes of 144-224 in f64 and
 * 144-255 in f32 (which the rule takes on AVX-512) 1.41-2.06 / 1.26-1.39
 * and 1.09-1.24 / 0.99-1.18 (the Xeon of choose_mode's note, with 2 MB
 * of L2, had f64 144³ and 160³ the other way); f32 narrow C, 100-1500
 * rows, n = 74-400, k = 16-200, 0.85-1.43 / 0.65-1.19, ahead in 45
 * shapes of 48 (250×74×64 1.39 / 1.10), even at A 1.2 MB; f64 ahead or
 * even in 56 of 60 (250×150×64 1.54 / 1.46, 64×250×64 1.45 / 1.25; the
 * other four with B past half of L2).  Zen 3 (8-way L1d, 512 KB L2):
 * 1415×52×437 f32 (A 2.4 MB) 69 / 85 GFLOP/s.
 */
static int in_place(const tkp_gemm *g, size_t es)
{
	/* (sys: path_for; A's size in doubles, m·k may be large) */
	return g->k * g->n * es <= sys.l2 / 2 &&
	       (double)g->m * (double)g->k * (double)es <= (double)sys.l2 && spreads(g, es);
}

/*
 * A narrow C: at most NARROW_SLIVERS slivers of NR columns in f64, twice
 * as many in f32, however many rows.  Packing A costs a copy of A, which
 * each element repays over only n FMAs where n is narrow.  Read in place
 * instead (the direct and skinny paths), A is read once per strip of
 * columns, so beyond two strips only while it stays in L3.  Zen 3 VM
 * (32 KB L1d, 512 KB L2, 32 MB L3 as reported), 1 thread, same process,
 * GFLOP/s packed / nothing packed / only B packed: f32 2000×n×k (k =
 * 256..2000), n = 16: 42-47 / 90-98 / 95-96, n = 64: 77-79 / 96-98 (k =
 * 2000: 41, B past half of L2) / 94-96, n = 128: 86-87 / 95 (k = 256) /
 * 93-97, n = 256: 91 / - / 92-95; f64 n = 16: 32 / 43-47 / 41-46, n =
 * 64: 41-43 / 45 / 42-47, n = 128: 45 / 43 / 42-46.  f64 65-128 columns
 * came out even either way (a byte of A read in place feeds half as many
 * FMAs as in f32), f32 168-300 columns ahead with only B packed in 5
 * shapes of 6 (tuned/OpenBLAS 1.03-1.09 against 0.95-1.06).  But
 * 20000×128×256 (A 10-20 MB, 8 strips) 83 / 50 / 57 f32 and 44 / 19 / 21
 * f64, while 20000×16×1000 (one or two strips) 46 / 74 / 50 f32, 25 / 30
 * / 20 f64.
 *
 * Nothing is packed where B fits in half of L2 and either the rows are
 * few (packing B would not pay: 10×20×2999 f32 67 against 23 with B
 * packed, 24×41×216 77 / 55) or C is at most two slivers wide (A read in
 * place at most twice: 295×9×759 f32 54 / 46, 1000×32×1000 99 / 97); with
 * more strips A read in place per strip lost to B packed (1415×52×437 f32
 * 69 / 85, 542×25×1021 f64 27 / 36), as it did where B is larger (only B
 * packed: 200×16×8000 f32 94 against 45 on the stream path, f64 40 / 29).
 *
 * A past half of L3 is still read in place where the skinny path's k
 * blocks of it, one per strip, come to at most L3 in all (strips × m ×
 * KC): each block is read from memory once and from L3 by the other
 * strips, while packing A would copy all of it.  Zen 5 VM, 1 thread,
 * tuned/OpenBLAS packed / B only, same process: f32 1728×68×2526
 * 0.84-0.89 / 1.06-1.16 (a random scan's find), 2500×80×2500 0.91-0.97 /
 * 1.11-1.23, 3000×72×8000 1.01-1.06 / 1.23-1.30, 3000×128×3000 1.10-1.16
 * / 1.13-1.25; f64 1500×56×1500 1.10-1.26 / 1.56-1.82, 1200×64×4000
 * 1.44-1.51 / 1.69-1.92, 1000×190×3000 1.40-1.54 / 1.54-1.65; 2 threads
 * f32 2500×80×2500 1.40 / 1.89, f64 2000×96×2000 1.56 / 1.83.  With more
 * (4000×250×3000 f32: 64 MB of blocks, 1.10 / 1.04; 8000×500×1000 1.08 /
 * 0.94; f64 4000×150×1000 1.34 / 1.26) A stays packed.
 *
 * Strips are the skinny path's (skinny_strips: a thin last sliver joins
 * the one before it in a wide tail).  At two, A read in place twice, even
 * from memory, beat packing it: Zen 5 VM, 1 thread, same process,
 * tuned/OpenBLAS packed / B only, f32 20000×68×k (k = 1000-3000),
 * 20000×80×3000 and 30000×68×2000 1.01-1.19 / 1.23-1.38 (ahead in 10 of
 * 10), 6000×68 and 6000×80 0.93-1.05 / 1.16-1.39; f64 6000×50 and 6000×56,
 * 20000×50 and 20000×56 at k = 1000-3000 1.20-1.31 / 1.34-1.79; 2 threads
 * f32 20000×68×2000 1.36 / 1.78, f64 6000×50×1000 1.53 / 2.28.  At three
 * from memory B only was ahead in 5 of 6 f32 shapes (8000×100 and
 * 20000×100) but in 6 of 12 in f64 (n = 68-76), so the rule stops at two.
 */
enum { NARROW_SLIVERS = 8 };

/* The skinny path's strips of n columns: NR slivers, the last two as one
 * where they make a wide tail (tuned_small.h) */
static size_t skinny_strips(const struct path *pa, size_t n)
{
	return (n + pa->nr - 1) / pa->nr - (tkp_tuned_wide_tail(n, pa->nr, pa->wide) ? 1 : 0);
}

static int narrow(const tkp_gemm *g, const struct path *pa, size_t es)
{
	size_t mc, kc, nc, strips = skinny_strips(pa, g->n);

	if (g->n > NARROW_SLIVERS * (es == sizeof(float) ? 2 : 1) * pa->nr)
		return 0;
	if (strips <= 2)
		return 1;
	/* (sys: path_for; doubles, as m·k·es may pass a size_t in theory) */
	if ((double)g->m * (double)g->k * (double)es <= (double)sys.l3 / 2)
		return 1;
	tuned_blocking(pa, (const size_t[3]){g->mc, g->kc, g->nc}, &mc, &kc, &nc);
	return (double)strips * (double)g->m * (double)min_sz(g->k, kc) * (double)es <=
	       (double)sys.l3;
}

/*
 * A C at most half a vector wide, with k long enough to pay for a sum
 * across the lanes per element of C: the dot path.  Vectors along C's
 * rows leave at least half of their lanes empty there (15 of 16 at n = 1
 * in f32); vectors along k fill them all, but each element of C then
 * costs its share of a sum across lanes, which k repays by 8 steps per
 * column up to a quarter of a vector, VL per column beyond (where the
 * other paths fill a quarter to a half of their lanes), but no more than
 * 12 (f32 on AVX-512, m = 64-2000, n = 5-8, k = 96, B transposed vectors
 * at a time: dot ahead in 20 cells of 20, 0.40-2.01 / 0.55-2.27; n = 5,
 * k = 64: 5 of 5, 0.44-0.49 / 0.49-0.56).  B's transpose costs about an
 * instruction per element of B where it goes element by element (where
 * it goes vectors at a time: dot_pays_vec), each of which feeds m FMAs
 * of a vector's lanes: so at least DOT_ROWS_PER_COL rows per column of C,
 * but for one column, whose transpose is itself (same process,
 * tuned/OpenBLAS unpacked / dot path, f32: 8×4×64 0.91 / 0.46, 16×4×64
 * 0.66 / 0.48, 24×4×64 0.50 / 0.49, 32×4×64 0.45 / 0.56, 16×2×64 0.55 /
 * 0.82, 8×2×64 0.80 / 0.80; f64 16×4×64 0.90 / 0.69, 32×4×64 0.74 / 0.85,
 * 16×2×64 0.63 / 0.87).  Zen 5 VM, 1 thread, tuned/OpenBLAS unpacked /
 * dot path, same process, m = 64, 256, 1000 (OpenBLAS's own speed varies
 * threefold over these shapes, hence the wide ranges):
 *   f32 n = 1, k = 32-512: 0.15-0.29 / 0.72-1.26; n = 2, k = 16-512
 *   0.16-0.95 / 0.78-3.68, at k = 8 0.72-0.80 / 0.62-0.69; n = 4, k =
 *   32-128 0.24-0.52 / 0.51-0.76 (OpenBLAS's small-matrix kernel at
 *   66-167 GFLOP/s), k = 512 0.21-0.99 / 0.70-3.19, k = 24 0.69-0.94 /
 *   0.73-0.81;
 *   f32 n = 5-8, k = 96-192: 0.37-1.81 / 0.47-3.01 (but m = 64, n = 7,
 *   k = 125 0.78 / 0.72), k = 32-64 0.46-1.04 / 0.40-0.69;
 *   f64 n = 2, k = 8-64: 0.37-0.80 / 0.84-1.21; n = 3-4, k = 24-64:
 *   0.45-0.95 / 0.66-1.40, k = 16 0.70-1.08 / 0.63-1.04; n = 6 (past
 *   half a vector) 0.93-2.85 / 0.55-2.47.
 * The AVX2 path (VL 8 in f32, 4 in f64) agrees: f32 n = 1-3, k ≥ 32
 * 0.16-1.39 / 0.61-4.18, n = 4, k ≥ 64 0.23-0.91 / 0.38-1.98; f64 n = 2,
 * k ≥ 16 0.31-1.78 / 0.63-3.68.  (These figures predate the transposes
 * vectors at a time, which the 12 above and dot_pays_vec rest on.)
 */
enum { DOT_ROWS_PER_COL = 8 };

/*
 * On AVX-512 B's transpose runs vectors at a time (tuned_dot_ukr.h's
 * pack: log2(n) permutes per vector of B at 2, 4 and 8 columns, about n
 * at 3 and 5-7), so the dot path pays on fewer rows too, down to one,
 * where k is long enough: 16 steps per column at 2, 4 and 8 columns and
 * where the other paths fill at most a quarter of a vector, 32 at 5-6
 * columns in f32 (3 in f64), 64 at 7.  Zen 5 VM, 1 thread, tuned/OpenBLAS
 * unpacked / dot path, same process, m = 1..48, at k from there to 4096
 * (the grids in the notes on issue 19): f32 n = 2 0.18-1.23 / 0.95-3.53
 * (dot ahead in all 66 cells), n = 3 0.28-1.22 / 0.77-4.33 (55 of 55),
 * n = 4 0.23-1.23 / 0.75-2.60 (63 of 64), n = 5 0.44-1.04 / 1.01-1.83 (36
 * of 36), n = 6 0.40-1.42 / 0.86-3.86 (65 of 69), n = 7 0.66-1.11 /
 * 0.85-1.35 (18 of 18), n = 8 0.49-1.68 / 0.87-2.74 (116 of 117); f64 n =
 * 2 0.33-1.35 / 0.81-2.78 (146 of 146), n = 3 0.50-1.50 / 1.01-2.18 (94
 * of 94), n = 4 0.57-1.51 / 1.16-1.93 (27 of 27).  Below those k the
 * unpacked path was ahead in about half the cells.  The AVX2 path
 * transposes only 2 and 4 columns in f32, 2 in f64 that way (pbt_vec),
 * with the same 16 steps per column (TKP_ISA=avx2 on the Zen 5 VM,
 * m = 1..48, k to 4096: f32 n = 2 0.16-1.25 / 0.71-2.46, dot ahead in 59
 * of 60; n = 4 0.21-1.04 / 0.51-1.56, 50 of 50; f64 n = 2 0.28-1.27 /
 * 0.63-1.81, 58 of 60; but f32 n = 3, B transposed element by element,
 * 0.25-0.98 / 0.26-1.02, 28 of 50, 0.47-0.49 of the unpacked speed on
 * one row).
 */
static int dot_pays_vec(const tkp_gemm *g, const struct path *pa)
{
	size_t n = g->n, steps = (n & (n - 1)) == 0 || 4 * n <= pa->vl ? 16 : n <= 6 ? 32 : 64;

	return pa->pbt_vec(n) && g->k >= steps * n;
}

static int dot_pays(const tkp_gemm *g, const struct path *pa)
{
	size_t n = g->n, vl = pa->vl;

	if (n < 1 || 2 * n > vl)
		return 0;
	return (g->k >= (4 * n <= vl ? 8 : vl < 12 ? vl : 12) * n &&
		(n == 1 || g->m >= DOT_ROWS_PER_COL * n)) ||
	       dot_pays_vec(g, pa);
}

/*
 * A short k (at most DIRECT_K steps): each element of C takes a few FMAs
 * and is written once, so the call is mostly the writing of C, and packing
 * A and B, with the packed micro-kernel's prefetches of C per tile, is
 * pure overhead; the direct path also masks the right edge where the
 * packed one goes through a stack tile.  Zen 5 VM (48 KB L1d, 1 MB L2),
 * 1 thread, same process, tuned/OpenBLAS packed / direct: f32 300×600×k,
 * k = 1-4 0.46-0.47 / 0.63-0.72, k = 6-32 0.82-1.04 / 1.13-1.25;
 * 1000×1000×k and 2000×2000×k, k = 1-32, 0.82-4.47 / 0.95-5.47 (ahead in
 * 17 of 17); 3000×500, 200×3000, 4000×1000, 1000×4000: ahead in 34 of 34;
 * but k = 48 mixed (200×3000×48 1.12 / 1.02, 1000×4000×48 1.40 / 1.21)
 * and past 64 the packed path ahead in most (2000×2000×96 1.11 / 0.72).
 * f64 ahead where C is within twice L2 (300×600×k, k = 1-32: 0.78-1.47 /
 * 0.89-1.63, 10 of 10), but past it ahead in only 47 of 65 and more than
 * 5% behind in 11 (4000×1000×2 1.91 / 1.46, 1000×4000×32 1.66 / 1.29).
 * Those were C of 32 MB, past half of L3, where C is written to memory:
 * with the short-k kernel (tuned_small_ukr.h) there the packed path stays
 * ahead in both dtypes, and below it the direct path leads in f64 too.
 * Same process, k = 1-32, packed / direct: f64 843×633 (4 MB) 0.76-2.44
 * / 1.16-4.37, ahead in 7 of 7, 1200×700 and 700×2500 in 11 of 12,
 * 3000×500 and 500×3000 in 13 of 14, 1400×1400 (15.7 MB) in 5 of 6; past
 * it f64 1700×1700, 2000×2000, 4000×1000, 1000×4000 behind in 18 of 27
 * (2000×2000×1 2.17 / 1.83), f32 2500×2500 to 6000×2000 behind in 23 of
 * 28 (3000×3000×2 3.07 / 2.56).  Hence C within half of L3, either dtype.
 * On 2 threads the in-L3 f64 shapes were mixed (direct ahead in 11 of 15).
 * Rows apart by a multiple of DIRECT_SPREAD bytes stay on the other paths
 * (spreads).
 */
enum { DIRECT_K = 32 };

static int short_k(const tkp_gemm *g, size_t es)
{
	/* (sys: path_for; C's size in doubles: m·n·es may be large) */
	double c_bytes = (double)g->m * (double)g->n * (double)es;

	return g->k <= DIRECT_K && spreads(g, es) && c_bytes <= (double)sys.l3 / 2;
}

/* Every dimension at most SMALL_MAX: the direct path by size alone (unless
 * the dot path's) */
static int all_small(const tkp_gemm *g)
{
	return g->m <= SMALL_MAX && g->n <= SMALL_MAX && g->k <= SMALL_MAX;
}

static tkp_tuned_mode choose_mode(const tkp_gemm *g, const struct path *pa)
{
	size_t es = g->dtype == TKP_F32 ? sizeof(float) : sizeof(double);

	if (dot_pays(g, pa))
		return TKP_TUNED_DOT;
	if (all_small(g) || g->m <= direct_rows(pa, g, es) || short_k(g, es))
		return TKP_TUNED_DIRECT;
	/* (sys: path_for, before every call here; k·n elements are B, in
	 * memory, so the product cannot overflow) */
	if (narrow(g, pa, es))
		return g->k * g->n * es <= sys.l2 / 2 &&
				       (g->m <= SKINNY_M || g->n <= 2 * pa->nr || in_place(g, es))
			       ? TKP_TUNED_DIRECT
			       : TKP_TUNED_SKINNY;
	if (g->m <= STREAM_M && g->k * g->n * es > sys.l2 / 2)
		return TKP_TUNED_STREAM;
	if (g->m <= SKINNY_M || (g->m <= BONLY_MAX && g->n <= BONLY_MAX && g->k <= BONLY_MAX))
		return in_place(g, es) ? TKP_TUNED_DIRECT : TKP_TUNED_SKINNY;
	return TKP_TUNED_PACKED;
}

/*
 * The grid for nt threads: *tm × *tn parts, rows split in MR units or
 * columns in NR units, whichever packs less twice.  Each member packs all
 * of B when rows are split (k·n each), all of A once per column panel when
 * columns are (m·k·panels): at 500×4000×2000 f64 the row split had both
 * threads pack all 64 MB of B, 0.85-0.93 of OpenBLAS on 2 threads.  The
 * direct and skinny paths pack no A and the stream path's few rows once
 * per member: their columns are split (but see the narrow C below); the
 * dot path's rows are, its C being a few columns.  Members beyond the
 * work get nothing.
 */
static void choose_grid(const struct plan *pl, size_t nt, size_t *tm, size_t *tn)
{
	const tkp_gemm *g = pl->g;
	size_t rows_u = (g->m + pl->pa->mr - 1) / pl->pa->mr;
	size_t cols_u = (g->n + pl->pa->nr - 1) / pl->pa->nr;
	size_t panels = ((g->n + nt - 1) / nt + PANEL_COLS - 1) / PANEL_COLS;
	int by_cols = pl->mode != TKP_TUNED_PACKED || (double)g->m * (double)panels < (double)g->n;

	/* the dot path: rows, each member reading its share of A (its C is
	 * narrower than a vector where it is chosen) */
	if (pl->mode == TKP_TUNED_DOT)
		by_cols = 0;

	/* A narrow C with many rows (A read in place, once per strip): rows,
	 * so that each member reads its share of A, not all of it (2 threads,
	 * same minutes, tuned GFLOP/s columns / rows: f32 3000×24×1000
	 * 122-142 / 162-166, 2000×64×2000 160-176 / 180-189, f64 239×53×792
	 * 62-63 / 77-79, 542×25×1021 55-60 / 64-69) */
	if ((pl->mode == TKP_TUNED_DIRECT || pl->mode == TKP_TUNED_SKINNY) && g->m > SKINNY_M &&
	    narrow(g, pl->pa, pl->es))
		by_cols = 0;

	if (by_cols ? cols_u < nt && rows_u > cols_u : rows_u < nt && cols_u > rows_u)
		by_cols = !by_cols; /* too few units that way */
	*tm = by_cols ? 1 : min_sz(nt, rows_u);
	*tn = by_cols ? min_sz(nt, cols_u) : 1;
}

/* The call for plan pl (its mode and blocks set) on nt threads: buffers,
 * the grid, the team.  Not inlined, so that its set-up stays off the small
 * calls that never get here (tuned_run). */
static __attribute__((noinline)) int tuned_team(struct plan *pl, int nt)
{
	const tkp_gemm *g = pl->g;
	const struct path *pa = pl->pa;
	struct member one, *w = &one;
	size_t rows_u, cols_u, tm, tn, abytes, bbytes, per, bufsize;
	char *buf = NULL;
	int mine = 0, err = 0;
	tkp_pin_saved saved = {0};
	struct shared_b team_b, *sb = NULL;
	int *cpus = NULL;

	rows_u = (g->m + pa->mr - 1) / pa->mr;
	cols_u = (g->n + pa->nr - 1) / pa->nr;
	choose_grid(pl, (size_t)nt, &tm, &tn);
	nt = (int)(tm * tn);
	/* (each member's rows × k, at most STREAM_A_MAX bytes: A whole) */
	pl->a_whole = pl->mode == TKP_TUNED_STREAM &&
		      (rows_u + tm - 1) / tm * pa->mr * g->k * pl->es <= STREAM_A_MAX;
	part_bytes(pl, (rows_u + tm - 1) / tm * pa->mr, (cols_u + tn - 1) / tn * pa->nr, &abytes,
		   &bbytes);
	if (nt > 1 && !pl->awake && !getenv("TKP_TUNED_NOPIN") &&
	    (cpus = malloc((size_t)nt * sizeof *cpus)))
		tkp_pin_plan(&saved, nt, cpus); /* (no memory: run unpinned) */
	/* Rows split: one B panel for the team where it shares a cache */
	if (nt > 1 && tn == 1 && pl->mode == TKP_TUNED_PACKED && share_b(cpus, nt)) {
		sb = &team_b;
		atomic_init(&sb->arrived, 0);
		atomic_init(&sb->phase, 0);
		atomic_init(&sb->go, 0);
		atomic_init(&sb->ctr[0], 0);
		atomic_init(&sb->ctr[1], 0);
		sb->chunk = 0;
		sb->nt = nt;
	}
	/* buffers: [A, B] per member, or [B] then A per member */
	per = sb ? abytes : abytes + bbytes;
	/* (the direct path needs none: a page, so that buf is never NULL) */
	bufsize = per * (size_t)nt + (sb ? bbytes : 0) + (per ? 0 : 4096);
	buf = arena_get(bufsize, &mine);
	if (!buf) {
		err = TKP_ENOMEM;
		goto fail;
	}
	if (sb)
		sb->bpack = buf;
	if (nt > 1) {
		w = calloc((size_t)nt, sizeof *w);
		if (!w) {
			err = TKP_ENOMEM;
			goto fail;
		}
	}
	for (int t = 0; t < nt; t++) {
		size_t ti = (size_t)t / tn, tj = (size_t)t % tn;

		w[t] = (struct member){
			.pl = pl,
			.i0 = min_sz(rows_u * ti / tm * pa->mr, g->m),
			.i1 = min_sz(rows_u * (ti + 1) / tm * pa->mr, g->m),
			.j0 = min_sz(cols_u * tj / tn * pa->nr, g->n),
			.j1 = min_sz(cols_u * (tj + 1) / tn * pa->nr, g->n),
			.apack = sb ? buf + bbytes + per * (size_t)t : buf + per * (size_t)t,
			.bpack = sb ? buf : buf + per * (size_t)t + abytes,
			.cpu = -1,
			.id = t,
			.sb = sb,
		};
	}
	for (int t = 0; cpus && t < nt; t++)
		w[t].cpu = cpus[t];
	for (int t = 1; pl->awake && t < nt; t++)
		w[t].cpu = atomic_load_explicit(&pool.cpu[t - 1], memory_order_relaxed);
	team_launch(w, nt, sb);
	pl->pool_held = 0; /* (team_pooled let it go) */
fail:
	if (pl->pool_held)
		pthread_mutex_unlock(&pool.lock);
	tkp_pin_restore(&saved);
	free(cpus);
	if (w != &one)
		free(w);
	if (buf)
		arena_put(buf, mine, bufsize);
	return err;
}

/* The dot path on one thread: Bt's buffer straight from the arena, not
 * through tuned_team, whose set-up (grid, buffers' sizes, the member)
 * took a third of a 32×1×256 f32 call (30.9 -> 46.1 GFLOP/s without it,
 * OpenBLAS 46.8-62.9, Zen 5). */
static int dot_alone(const struct plan *pl)
{
	const tkp_gemm *g = pl->g;
	const struct path *pa = pl->pa;
	struct tkp_tuned_tile tile = path_tile(pa, g);
	size_t kc = dot_kc(pl), bytes = g->n * round_up(kc, 16) * pl->es;
	int mine;
	char *bt;

	if (!bytes) /* (k or n 0: only where the path is forced) */
		return 0;
	bt = arena_get(bytes, &mine);
	if (!bt)
		return TKP_ENOMEM;
	tkp_tuned_dot(g, &tile, pa->dukr, pa->pbt, kc, dot_pf(pl), bt, 0, g->m, 0, g->n);
	arena_put(bt, mine, bytes);
	return 0;
}

/*
 * Threads for a call below SLEEPING_FLOP per thread.  Waking a sleeping
 * pooled worker costs tens of microseconds (starting one, the simulation
 * child's way, more): below ~4 Mflop each fewer threads finished sooner
 * (f64 2 threads against 1 at about 8 Mflop: 160³ 62.0 vs 59.8 GFLOP/s,
 * 128×128×256 65.7 vs 63.0, loaded VM).  A worker still spinning after
 * its last job (POOL_SPIN_NS) takes one within a microsecond, so down to
 * AWAKE_FLOP each a team of spinning workers pays, if it costs no system
 * calls: the workers stay on the CPUs they are pinned to and the caller
 * is not pinned, when it runs on none of theirs (else the usual pinning,
 * as for a worker not pinned yet).  Calls that come back to back (within
 * NUDGE_NS) while the workers sleep set them spinning for the next one.
 * tuned_run asks up to AWAKE_MAX_FLOP a call (beyond that the pinning
 * calls' microseconds are noise), where no system call gained f64 160³
 * on 2 threads 55-67 -> 69-72 GFLOP/s (Zen 3 VM, builds alternating).
 * Returns the team's size; with 2 or more the pool is held (pl->pool_held).
 */
static atomic_ulong small_teams; /* (tkp_tuned_small_teams) */

/* Whether pooled workers 0 .. n-1 are pinned (a CPU of their own) */
static int pinned_all(int n)
{
	for (int i = 0; i < n; i++)
		if (atomic_load_explicit(&pool.cpu[i], memory_order_relaxed) < 0)
			return 0;
	return 1;
}

/*
 * Whether pooled workers 0 .. n-1 are pinned, none to CPU here.  Only
 * such workers are woken to spin: a worker free to run anywhere woke on
 * the caller's CPU and spun there, beside the call it was meant to help
 * (a 128³ f64 call on 2 threads took 360 µs instead of 100 alone, in
 * every call of one process out of three).
 */
static int placed(int n, int here)
{
	for (int i = 0; i < n; i++) {
		int c = atomic_load_explicit(&pool.cpu[i], memory_order_relaxed);

		if (c < 0 || c == here)
			return 0;
	}
	return here >= 0;
}

/* Whether a call of flop runs alone whatever threads it asks for: too few
 * for two members (AWAKE_FLOP each) even of a team already awake */
static int alone(double flop)
{
	return flop < 2.0 * AWAKE_FLOP;
}

static int awake_team(struct plan *pl, int nt, double flop)
{
	static _Atomic double last; /* when such a call last came */
	int want = flop / AWAKE_FLOP < nt ? (int)(flop / AWAKE_FLOP) : nt, k = 1;
	double now;
	int back, here;

	/* Too small for two before the clock is read: its 30-40 ns were a
	 * third of a 16³ call asking for 2 threads (Zen 5 VM, f64 16³ 1
	 * thread 86 GFLOP/s, 2 threads 60; OpenBLAS 75 and 68). */
	if (alone(flop))
		return 1;
	now = mono_ns();
	back = now - atomic_exchange_explicit(&last, now, memory_order_relaxed) < NUDGE_NS;
	if (tkp_isa_sim_twin() || !pool_take(want - 1))
		return 1;
	here = sched_getcpu();
	while (k < want && atomic_load_explicit(&pool.spinning[k - 1], memory_order_relaxed))
		k++;
	if (k < 2 && back && !placed(want - 1, here) && pinned_all(want - 1)) {
		k = want; /* asleep, one on this CPU: a pinned team moves us off it */
	} else if (k < 2) {
		if (back && placed(want - 1, here))
			pool_nudge();
		pthread_mutex_unlock(&pool.lock);
		return 1;
	}
	pl->pool_held = 1;
	pl->awake = placed(k - 1, here);
	if (flop < (double)k * SLEEPING_FLOP)
		atomic_fetch_add_explicit(&small_teams, 1, memory_order_relaxed);
	return k;
}

unsigned long tkp_tuned_small_teams(void)
{
	return atomic_load_explicit(&small_teams, memory_order_relaxed);
}

/*
 * A problem that choose_mode sends to the direct path by its size alone
 * (every dimension at most SMALL_MAX, C too wide for the dot path) and
 * direct_blocking runs in one block (B within half of L2), on one thread
 * (asked for, or all it would get): the route the three would take, found
 * without them, for the calls where their few tens of cycles show.  Zen 5
 * VM, 1 thread, same process, medians of 400 batches, with / without,
 * three runs: f64 8³ 1.12-1.13, 16³ 1.05-1.06, 24³ 1.02-1.05, 32³ 1.01;
 * f32 16³ 1.06-1.07, 24³ 1.03, 32³ 1.02-1.03, 64³ 1.00.
 */
static int small_direct(const tkp_gemm *g, const struct path *pa, size_t es, int nt)
{
	/* (sys: path_for) */
	return all_small(g) && 2 * g->n > pa->vl && g->k * g->n * es <= sys.l2 / 2 &&
	       (nt == 1 || alone(2.0 * (double)g->m * (double)g->n * (double)g->k));
}

/*
 * Plans for small_direct's problems, one per shape (tuned_small.h): such
 * a call replays the micro-kernel calls recorded the first time its shape
 * came, instead of choosing strips and tiles again: the route to the
 * micro-kernel took 40-60 cycles of the time-stamp counter, a fifth of a
 * 16³ f64 call whose micro-kernel calls alone took 207-225.  Zen 5 VM, 1 thread, tuned/OpenBLAS
 * per call (medians of 401 batches), builds alternating, three rounds,
 * before → after: f64 16³ 0.83-0.91 → 0.96-1.02, 32³ 0.96-0.97 →
 * 1.00-1.03, 7×33×5 0.90-0.93 → 1.29-1.34; f32 16³ 0.88-0.92 →
 * 1.07-1.08, 32³ 0.86-0.90 → 1.01, 48³ 1.04-1.06 → 1.09-1.11; 64³ and
 * 96³ within 2% either way.  (With it, tuned_run calls path_for and the
 * plan straight from the entry points.)
 *
 * PLAN_SLOTS slots; a shape may sit in the PLAN_PROBES slots from its
 * hash on, and takes the first free one for the rest of the process (a
 * shape that finds them all taken runs as before).  A slot's state goes
 * empty → making → ready once; its plan is read only when ready, and
 * never changes after.
 */
enum { PLAN_SLOTS = 64, PLAN_PROBES = 2, SLOT_EMPTY = 0, SLOT_MAKING, SLOT_READY };
static struct plan_slot {
	atomic_int state;
	int ok; /* a plan was made (else the shape runs without one) */
	const struct path *pa;
	size_t m, n, k;
	struct tkp_tuned_plan plan;
} plan_slots[PLAN_SLOTS];

/* The first of the PLAN_PROBES slots where g's shape on path pa may be */
static size_t plan_hash(const tkp_gemm *g, const struct path *pa)
{
	size_t h = g->m * 0x9e3779b1u ^ g->n * 0x85ebca77u ^ g->k * 0xc2b2ae3du ^
		   (size_t)(pa - paths) * 0x27d4eb2fu;

	return (h ^ h >> 17) % PLAN_SLOTS;
}

/* Makes the plan for g on pa in slot s, which this call has taken */
static const struct tkp_tuned_plan *plan_make(struct plan_slot *s, const tkp_gemm *g,
					      const struct path *pa)
{
	struct tkp_tuned_tile tile = path_tile(pa, g);
	int rc = tkp_tuned_plan_make(&s->plan, g, &tile), ok = rc == 0;

	if (rc == -2) { /* (another plan being made: the slot free again) */
		atomic_store_explicit(&s->state, SLOT_EMPTY, memory_order_release);
		return NULL;
	}
	/* (a shape without a plan keeps its slot, and runs as before) */
	s->pa = pa;
	s->m = g->m;
	s->n = g->n;
	s->k = g->k;
	s->ok = ok;
	atomic_store_explicit(&s->state, SLOT_READY, memory_order_release);
	return ok ? &s->plan : NULL;
}

/* The plan for g's shape on path pa, made now where one of its slots is
 * free; NULL where there is none */
static const struct tkp_tuned_plan *plan_for(const tkp_gemm *g, const struct path *pa)
{
	size_t h = plan_hash(g, pa);

	for (size_t i = 0; i < PLAN_PROBES; i++) {
		struct plan_slot *s = &plan_slots[(h + i) % PLAN_SLOTS];
		int state = atomic_load_explicit(&s->state, memory_order_acquire);

		if (state == SLOT_READY && s->pa == pa && s->m == g->m && s->n == g->n &&
		    s->k == g->k)
			return s->ok ? &s->plan : NULL;
		if (state == SLOT_EMPTY &&
		    atomic_compare_exchange_strong_explicit(&s->state, &state, SLOT_MAKING,
							    memory_order_acquire,
							    memory_order_relaxed))
			return plan_make(s, g, pa);
	}
	return NULL;
}

/* small_direct's problem g on path pa: by its plan, or where it has none
 * as tkp_tuned_direct chooses */
static void small_run(const tkp_gemm *g, const struct path *pa)
{
	const struct tkp_tuned_plan *plan = plan_for(g, pa);
	struct tkp_tuned_tile tile;

	if (plan) {
		tkp_tuned_plan_run(plan, g);
		return;
	}
	tile = path_tile(pa, g);
	tkp_tuned_direct(g, &tile, g->k, g->n, 0, g->m, 0, g->n);
}

/* tuned_run past the small problems: the mode, the threads, the path */
static __attribute__((noinline)) int tuned_route(const tkp_gemm *g, const struct path *pa,
						 tkp_tuned_mode mode, size_t k0, size_t k1, int nt)
{
	struct plan pl = {.g = g, .pa = pa, .k0 = k0, .k1 = k1};
	double flop;

	pl.es = g->dtype == TKP_F32 ? sizeof(float) : sizeof(double);
	pl.mode = mode == TKP_TUNED_AUTO ? choose_mode(g, pa) : mode;
	if (nt > 1) {
		int k;

		flop = 2.0 * (double)g->m * (double)g->n * (double)g->k;
		if (flop < AWAKE_MAX_FLOP && ((k = awake_team(&pl, nt, flop)) > 1 || flop < 2.0 * SLEEPING_FLOP))
			nt = k;
		else if ((double)nt * SLEEPING_FLOP > flop)
			nt = (int)(flop / SLEEPING_FLOP);
	}
	/* Alone and packing nothing: no buffers, no team, and not the packed
	 * path's blocking, whose divisions cost a few percent of a small call
	 * (16³ f32 1.05 -> 1.13-1.22 of OpenBLAS, 32³ f64 0.85 -> 0.93). */
	if (pl.mode == TKP_TUNED_DIRECT && nt == 1) {
		struct tkp_tuned_tile tile = path_tile(pa, g);
		size_t dkc, dnc;

		direct_blocking(&pl, &dkc, &dnc);
		tkp_tuned_direct(g, &tile, dkc, dnc, 0, g->m, 0, g->n);
		return 0;
	}
	/* The dot path alone: B's transpose in the arena, no team either */
	if (pl.mode == TKP_TUNED_DOT && nt == 1)
		return dot_alone(&pl);
	tuned_blocking(pa, (const size_t[3]){g->mc, g->kc, g->nc}, &pl.mc, &pl.kc, &pl.nc);
	if (pl.mode == TKP_TUNED_STREAM)
		stream_blocking(&pl);
	return tuned_team(&pl, nt);
}

int tkp_tuned_plans_forget(void)
{
	int held = 0;

	for (size_t i = 0; i < PLAN_SLOTS; i++) {
		struct plan_slot *s = &plan_slots[i];

		held += atomic_load_explicit(&s->state, memory_order_acquire) == SLOT_READY && s->ok;
		atomic_store_explicit(&s->state, SLOT_EMPTY, memory_order_release);
	}
	return held;
}

/*
 * The call over k in [k0, k1) (k0 a multiple of the packed path's k
 * block; the direct, skinny and dot paths ignore the range).  A small call on
 * one thread packs nothing and needs no buffers, team or pinning: it
 * returns before tuned_team.  A 16³ f64 call spent 60-90 ns of ~250
 * outside the micro-kernel (its calls alone, same process, interleaved),
 * much of it zeroing tuned_team's saved CPU mask (a rep stos), reading
 * the CPU's features and searching the path table; with those out of its
 * way (sys holds them) 30-40 ns, and 16³ f64 went from 0.97 to 1.15 of
 * OpenBLAS (bench/gemm, 1 thread).
 */
static int tuned_run(const tkp_gemm *g, tkp_isa isa, tkp_tuned_mode mode, size_t k0, size_t k1)
{
	const struct path *pa = path_for(isa, g->dtype);
	int nt = g->threads > 0 ? g->threads : 1;

	if (!pa || isa > sys.isa) /* (path_for read sys) */
		return TKP_ENOTSUP;
	if (mode == TKP_TUNED_AUTO && small_direct(g, pa, g->dtype == TKP_F32 ? 4 : 8, nt)) {
		small_run(g, pa);
		return 0;
	}
	return tuned_route(g, pa, mode, k0, k1, nt);
}

int tkp_gemm_tuned_mode(const tkp_gemm *g, tkp_isa isa, tkp_tuned_mode mode)
{
	return tuned_run(g, isa, mode, 0, g->k);
}

int tkp_gemm_tuned_kblock(const tkp_gemm *g)
{
	tkp_isa isa = tkp_isa_current();
	const struct path *pa = path_for(isa, g->dtype);
	size_t mc, kc, nc, kcb;

	if (!pa || choose_mode(g, pa) != TKP_TUNED_PACKED)
		return tkp_gemm_tuned(g);
	tuned_blocking(pa, (const size_t[3]){g->mc, g->kc, g->nc}, &mc, &kc, &nc);
	kcb = balance(g->k, kc, 4);
	return tuned_run(g, isa, TKP_TUNED_PACKED, 0, kcb < g->k ? kcb : g->k);
}

/* (tuned_run straight from the entry points: each call between them and
 * the micro-kernel shows in a 16³ call) */
int tkp_gemm_tuned_isa(const tkp_gemm *g, tkp_isa isa)
{
	return tuned_run(g, isa, TKP_TUNED_AUTO, 0, g->k);
}

int tkp_gemm_tuned(const tkp_gemm *g)
{
	return tuned_run(g, tkp_isa_current(), TKP_TUNED_AUTO, 0, g->k);
}

void tkp_tuned_blocking(tkp_dtype dt, tkp_isa isa, const size_t want[3], size_t out[5])
{
	static const size_t none[3] = {0, 0, 0};
	const struct path *pa = path_for(isa, dt);

	if (!pa) {
		memset(out, 0, 5 * sizeof *out);
		return;
	}
	tuned_blocking(pa, want ? want : none, &out[0], &out[1], &out[2]);
	out[3] = pa->mr;
	out[4] = pa->nr;
}
