/*
 * tuned_small.c - the tuned kernel's paths for problems where packing
 * cannot pay for itself: small m, n, k (nothing packed) and few rows
 * against a large B (only B packed, block by block).
 *
 * Packing copies an operand once so that the micro-kernel reads it
 * contiguously many times.  Below ~100 in every dimension the operands
 * already sit in L1/L2 and each packed element is read only a few times,
 * so the copies are a large share of the call (tuned reached 43-55% of
 * OpenBLAS at n = 32-64 on Zen 5, which packs nothing there).  With few
 * rows (m ≤ 64, an ML batch against a weight matrix) A is tiny and B is
 * read once from memory: packing A is wasted, and the packed path's
 * zero-padded MR-row slivers spend up to 7/8 of the FMAs on padding
 * (m = 1 with MR = 8).  The micro-kernel here (tuned_small_ukr.h) reads A
 * and B in place, has an instance per row count 1..MR, and masks the
 * columns of a partial tile, so no padding is computed at all.
 *
 * Which path runs is tuned.c's decision (tkp_gemm_tuned_isa, by shape);
 * the tiles (MR × NR) are the packed path's, so that B packed by tuned.c's
 * pack_b is read here as it is.
 */
#include "config.h"

#include "tuned_small.h"

#ifdef TKP_HAVE_X86_SIMD
#include <immintrin.h>
#endif

typedef void (*sukr_fn)(size_t mr, size_t nr, size_t kc, const void *a, size_t lda,
			const void *b, size_t ldb, void *c, size_t ldc, int acc, size_t pf);

#define FN2(x, s) x##_##s
#define FN1(x, s) FN2(x, s)

/* portable: scalars, MR×NR = 4×8; a "mask" is whether the element is in */
#define ATTR
#define VL 1
#define MR 4
#define NV 8
#define VLOADU(p) (*(p))
#define VSTOREU(p, v) (*(p) = (v))
#define VSET1(x) (x)
#define VFMA(a, b, c) ((a) * (b) + (c))
#define VADD(a, b) ((a) + (b))
#define VZERO() 0
#define MASK_T int
#define VMASK(rem) ((rem) > 0)
#define VLOADM(p, m) ((m) ? *(p) : 0)
#define VSTOREM(p, m, v) ((m) ? (void)(*(p) = (v)) : (void)0)
#define T float
#define V float
#define FN(x) FN1(x, generic_f32)
#include "tuned_small_ukr.h"
#undef T
#undef V
#undef FN
#define T double
#define V double
#define FN(x) FN1(x, generic_f64)
#include "tuned_small_ukr.h"
#undef T
#undef V
#undef FN
#undef ATTR
#undef VL
#undef MR
#undef NV
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VFMA
#undef VADD
#undef VZERO
#undef MASK_T
#undef VMASK
#undef VLOADM
#undef VSTOREM

#ifdef TKP_HAVE_X86_SIMD
/* AVX2+FMA, 6×2 vectors as in tuned.c; masks are vectors of all-ones
 * lanes (vmaskmov), built by comparing the lane index with rem. */
#define ATTR __attribute__((target("avx2,fma")))
#define MR 6
#define NV 2
#define MASK_T __m256i
#define T double
#define V __m256d
#define VL 4
#define VLOADU(p) _mm256_loadu_pd(p)
#define VSTOREU(p, v) _mm256_storeu_pd((p), (v))
#define VSET1(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define VADD(a, b) _mm256_add_pd((a), (b))
#define VZERO() _mm256_setzero_pd()
#define VMASK(rem) _mm256_cmpgt_epi64(_mm256_set1_epi64x(rem), _mm256_setr_epi64x(0, 1, 2, 3))
#define VLOADM(p, m) _mm256_maskload_pd((p), (m))
#define VSTOREM(p, m, v) _mm256_maskstore_pd((p), (m), (v))
#define FN(x) FN1(x, avx2_f64)
#include "tuned_small_ukr.h"
#undef T
#undef V
#undef VL
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VFMA
#undef VADD
#undef VZERO
#undef VMASK
#undef VLOADM
#undef VSTOREM
#undef FN
#define T float
#define V __m256
#define VL 8
#define VLOADU(p) _mm256_loadu_ps(p)
#define VSTOREU(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VADD(a, b) _mm256_add_ps((a), (b))
#define VZERO() _mm256_setzero_ps()
#define VMASK(rem)                                                                          \
	_mm256_cmpgt_epi32(_mm256_set1_epi32((int)(rem)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define VLOADM(p, m) _mm256_maskload_ps((p), (m))
#define VSTOREM(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define FN(x) FN1(x, avx2_f32)
#include "tuned_small_ukr.h"
#undef T
#undef V
#undef VL
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VFMA
#undef VADD
#undef VZERO
#undef VMASK
#undef VLOADM
#undef VSTOREM
#undef FN
#undef ATTR
#undef MR
#undef NV
#undef MASK_T

/* AVX-512: f64 8×3 vectors, f32 12×2, as in tuned.c; k-masks. */
#define ATTR __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma")))
#define MR 8
#define NV 3
#define MASK_T __mmask8
#define T double
#define V __m512d
#define VL 8
#define VLOADU(p) _mm512_loadu_pd(p)
#define VSTOREU(p, v) _mm512_storeu_pd((p), (v))
#define VSET1(x) _mm512_set1_pd(x)
#define VFMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define VADD(a, b) _mm512_add_pd((a), (b))
#define VZERO() _mm512_setzero_pd()
#define VMASK(rem) ((rem) >= 8 ? (__mmask8)0xff : (rem) <= 0 ? (__mmask8)0 : (__mmask8)((1u << (rem)) - 1))
#define VLOADM(p, m) _mm512_maskz_loadu_pd((m), (p))
#define VSTOREM(p, m, v) _mm512_mask_storeu_pd((p), (m), (v))
#define FN(x) FN1(x, avx512_f64)
#include "tuned_small_ukr.h"
#undef T
#undef V
#undef VL
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VFMA
#undef VADD
#undef VZERO
#undef VMASK
#undef VLOADM
#undef VSTOREM
#undef FN
#undef MR
#undef NV
#undef MASK_T
#define MR 12
#define NV 2
#define MASK_T __mmask16
#define T float
#define V __m512
#define VL 16
#define VLOADU(p) _mm512_loadu_ps(p)
#define VSTOREU(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VADD(a, b) _mm512_add_ps((a), (b))
#define VZERO() _mm512_setzero_ps()
#define VMASK(rem)                                                                          \
	((rem) >= 16 ? (__mmask16)0xffff : (rem) <= 0 ? (__mmask16)0 : (__mmask16)((1u << (rem)) - 1))
#define VLOADM(p, m) _mm512_maskz_loadu_ps((m), (p))
#define VSTOREM(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define FN(x) FN1(x, avx512_f32)
#include "tuned_small_ukr.h"
#undef T
#undef V
#undef VL
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VFMA
#undef VADD
#undef VZERO
#undef VMASK
#undef VLOADM
#undef VSTOREM
#undef FN
#undef ATTR
#undef MR
#undef NV
#undef MASK_T
#endif /* TKP_HAVE_X86_SIMD */

/* One row per path and dtype; MR/NR as tuned.c's table. */
static const struct spath {
	tkp_isa isa;
	tkp_dtype dt;
	sukr_fn ukr;
	size_t mr, nr;
} spaths[] = {
	{TKP_ISA_GENERIC, TKP_F32, sukr_generic_f32, 4, 8},
	{TKP_ISA_GENERIC, TKP_F64, sukr_generic_f64, 4, 8},
#ifdef TKP_HAVE_X86_SIMD
	{TKP_ISA_AVX2, TKP_F32, sukr_avx2_f32, 6, 16},
	{TKP_ISA_AVX2, TKP_F64, sukr_avx2_f64, 6, 8},
	{TKP_ISA_AVX512, TKP_F32, sukr_avx512_f32, 12, 32},
	{TKP_ISA_AVX512, TKP_F64, sukr_avx512_f64, 8, 24},
#endif
};

static const struct spath *spath_for(tkp_isa isa, tkp_dtype dt)
{
	for (size_t i = 0; i < sizeof spaths / sizeof spaths[0]; i++)
		if (spaths[i].isa == isa && spaths[i].dt == dt)
			return &spaths[i];
	return NULL;
}

int tkp_tuned_small_tile(tkp_isa isa, tkp_dtype dt, size_t *mr, size_t *nr)
{
	const struct spath *sp = spath_for(isa, dt);

	*mr = sp ? sp->mr : 0;
	*nr = sp ? sp->nr : 0;
	return sp ? 0 : -1;
}

enum { PF_ROWS = 8 };

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

/*
 * Loop order: k blocks, then NR-column strips, then MR-row tiles, so that
 * a strip of B (kc × NR) is read from L1 by every tile of rows after the
 * first; A (small here) is re-read from L1/L2 once per strip.
 */
void tkp_tuned_direct(const tkp_gemm *g, tkp_isa isa, size_t kc, size_t i0, size_t i1,
		      size_t j0, size_t j1)
{
	const struct spath *sp = spath_for(isa, g->dtype);
	size_t es = g->dtype == TKP_F32 ? 4 : 8;
	const char *a = g->a, *b = g->b;
	char *c = g->c;
	/* B out of cache (few rows against a large B): PF_ROWS rows ahead */
	size_t pf = g->k * g->n * es > (1u << 20) ? PF_ROWS * g->n : 0;

	if (!sp || !kc)
		return;
	for (size_t pc = 0; pc < g->k; pc += kc) {
		size_t kb = min_sz(kc, g->k - pc);

		for (size_t jr = j0; jr < j1; jr += sp->nr)
			for (size_t ir = i0; ir < i1; ir += sp->mr)
				sp->ukr(min_sz(sp->mr, i1 - ir), min_sz(sp->nr, j1 - jr), kb,
					a + (ir * g->k + pc) * es, g->k, b + (pc * g->n + jr) * es,
					g->n, c + (ir * g->n + jr) * es, g->n, pc > 0, pf);
	}
}

/*
 * Loop order: nc-column blocks, k blocks (B's kc × nc block packed, so it
 * is read from memory in long contiguous rows, once), MR-row tiles (A's
 * mr × kc sliver in L1), NR-column slivers of the packed block (from L2).
 * C's m × nc block stays in cache across the k blocks.
 */
void tkp_tuned_skinny(const tkp_gemm *g, tkp_isa isa, size_t kc, size_t nc, tkp_pack_b_fn pack_b,
		      void *bpack, size_t i0, size_t i1, size_t j0, size_t j1)
{
	const struct spath *sp = spath_for(isa, g->dtype);
	size_t es = g->dtype == TKP_F32 ? 4 : 8;
	const char *a = g->a, *b = g->b;
	char *c = g->c, *bp = bpack;

	if (!sp || !kc || !nc)
		return;
	for (size_t jc = j0; jc < j1; jc += nc) {
		size_t nb = min_sz(nc, j1 - jc);

		for (size_t pc = 0; pc < g->k; pc += kc) {
			size_t kb = min_sz(kc, g->k - pc);

			pack_b(kb, nb, b + (pc * g->n + jc) * es, g->n, bp);
			for (size_t ir = i0; ir < i1; ir += sp->mr)
				for (size_t jr = 0; jr < nb; jr += sp->nr)
					sp->ukr(min_sz(sp->mr, i1 - ir), min_sz(sp->nr, nb - jr), kb,
						a + (ir * g->k + pc) * es, g->k, bp + jr * kb * es,
						sp->nr, c + (ir * g->n + jc + jr) * es, g->n, pc > 0, 0);
		}
	}
}
