/*
 * tuned_dot.c - the tuned kernel's path for a C narrower than a vector:
 * each element of C a dot product along k.
 *
 * The other paths run their vectors along C's rows, n lanes of VL doing
 * work; at n = 1 or 2 that is one or two lanes of 16 in f32 on AVX-512,
 * and tuned ran 1000×1×256 and 1000×2×256 at a fifth of OpenBLAS's speed
 * (which takes its matrix-vector routine there).  Here the vectors run
 * along k: a row of A (read in place, contiguous) against a row of Bt, B
 * transposed, which is packed once per block of k (n·kc elements, small
 * next to A; vectors at a time on AVX-512, and at 2 and 4 columns on
 * AVX2, so that even one row of A repays it), and the lanes are summed
 * once per element of C at the end.
 *
 * Which path runs is tuned.c's decision (choose_mode), and so is the
 * micro-kernel (its table of paths).
 */
#include "config.h"

#include "tuned_small.h"

#ifdef TKP_HAVE_X86_SIMD
#include <immintrin.h>
#endif

/* tuned_dot_ukr.h for each path and dtype: tkp_tuned_dukr_avx512_f64, ... */
#define TUNED_TEMPLATE "tuned_dot_ukr.h"
#include "tuned_paths.h"
#undef TUNED_TEMPLATE

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

/*
 * Loop order: k blocks (Bt's block packed, n·kc elements within half of
 * L1: tuned.c's dot_kc), row tiles, then column groups of up to
 * TKP_TUNED_DOT_NR, each running all kb steps: a tile's rows of A stream
 * in once from wherever A is and stay in L1 for the groups after the
 * first (groups outside, 20000×8×1000 f32 read A from memory twice:
 * 32 GFLOP/s against 64 on the direct path).  Every group runs on the
 * first's rows, which the narrower last group has the instance for.
 */
void tkp_tuned_dot(const tkp_gemm *g, const struct tkp_tuned_tile *t, tkp_dukr_fn dukr,
		   tkp_pbt_fn pbt, size_t kc, int pf, void *btv, size_t i0, size_t i1, size_t j0,
		   size_t j1)
{
	const size_t es = g->dtype == TKP_F32 ? sizeof(float) : sizeof(double), k = g->k, n = g->n;
	const char *a = g->a, *b = g->b;
	char *c = g->c, *bt = btv;
	size_t h;

	if (!kc || j1 <= j0) /* (no columns: only where the path is forced) */
		return;
	h = tkp_tuned_dot_rows(t->mr, t->nr / t->vl, t->vl, min_sz(TKP_TUNED_DOT_NR, j1 - j0));
	for (size_t pc = 0; pc < k; pc += kc) {
		size_t kb = min_sz(kc, k - pc), ldbt = (kb + 15) & ~(size_t)15;

		/* (a single column of B is its own transpose: 32×1×256 f32 ran
		 * at 46 GFLOP/s with it packed, element by element, 86 without) */
		if (n > 1)
			pbt(kb, j1 - j0, b + (pc * n + j0) * es, n, bt, ldbt);
		for (size_t ir = i0, r; ir < i1; ir += r) {
			r = min_sz(h, i1 - ir);
			for (size_t jr = j0, w; jr < j1; jr += w) {
				const char *bp = n > 1 ? bt + (jr - j0) * ldbt * es : b + pc * es;

				w = min_sz(TKP_TUNED_DOT_NR, j1 - jr);
				dukr(r, w, kb, a + (ir * k + pc) * es, k, bp, ldbt,
				     c + (ir * n + jr) * es, n, pc > 0, pf);
			}
		}
	}
}
