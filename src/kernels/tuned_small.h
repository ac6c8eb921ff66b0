/*
 * tuned_small.h - the tuned kernel's paths that pack less (tuned_small.c),
 * for tuned.c, which chooses among them by shape (private to
 * src/kernels/).
 */
#ifndef TKP_TUNED_SMALL_H
#define TKP_TUNED_SMALL_H

#include <stddef.h>

#include "kernels.h"

/* tuned.c's B packing: B[0:kc][0:nc] (row stride ldb) into NR-column
 * slivers of kc × NR, zero-padded. */
typedef void (*tkp_pack_b_fn)(size_t kc, size_t nc, const void *b, size_t ldb, void *out);

/*
 * The unpacked micro-kernel (tuned_small_ukr.h), one per path and dtype:
 * C[0:mr][0:nr] (+)= A[0:mr][0:kc]·B[0:kc][0:nr] for 1 ≤ mr ≤ MR,
 * 1 ≤ nr ≤ NR, A and B read in place with row strides lda, ldb; acc: add
 * to C.  It runs tiles such tiles down the rows, one under the other (A
 * and C advanced by mr rows after each), in one call.
 */
#define TKP_TUNED_SUKR(name)                                                                \
	void name(size_t tiles, size_t mr, size_t nr, size_t kc, const void *a, size_t lda,  \
		  const void *b, size_t ldb, void *c, size_t ldc, int acc)
typedef TKP_TUNED_SUKR((*tkp_sukr_fn));
TKP_TUNED_SUKR(tkp_tuned_sukr_generic_f32);
TKP_TUNED_SUKR(tkp_tuned_sukr_generic_f64);
#ifdef TKP_HAVE_X86_SIMD
TKP_TUNED_SUKR(tkp_tuned_sukr_avx2_f32);
TKP_TUNED_SUKR(tkp_tuned_sukr_avx2_f64);
TKP_TUNED_SUKR(tkp_tuned_sukr_avx2sim_f32); /* the simulation twin (isa.c) */
TKP_TUNED_SUKR(tkp_tuned_sukr_avx2sim_f64);
TKP_TUNED_SUKR(tkp_tuned_sukr_avx512_f32);
TKP_TUNED_SUKR(tkp_tuned_sukr_avx512_f64);
#endif

/*
 * The short-k kernel (tuned_small_ukr.h), one per path and dtype, with
 * TKP_TUNED_SUKR's arguments but no tiles, and mr any number of rows:
 * C[0:mr][0:nr] (+)= A[0:mr][0:kc]·B[0:kc][0:nr] for 1 ≤ nr ≤ kcols(kc),
 * B held in registers for all the rows; kcols(kc) is 0 where the path has
 * no such kernel for kc steps (always past TKP_TUNED_KREG_K).
 */
enum { TKP_TUNED_KREG_K = 8 };
#define TKP_TUNED_KUKR(name)                                                                \
	void name(size_t mr, size_t nr, size_t kc, const void *a, size_t lda, const void *b, \
		  size_t ldb, void *c, size_t ldc, int acc)
typedef TKP_TUNED_KUKR((*tkp_kukr_fn));
typedef size_t (*tkp_kcols_fn)(size_t kc);
#define TKP_TUNED_KREG(sfx)                                                                 \
	TKP_TUNED_KUKR(tkp_tuned_kukr_##sfx);                                               \
	size_t tkp_tuned_kcols_##sfx(size_t kc)
TKP_TUNED_KREG(generic_f32);
TKP_TUNED_KREG(generic_f64);
#ifdef TKP_HAVE_X86_SIMD
TKP_TUNED_KREG(avx2_f32);
TKP_TUNED_KREG(avx2_f64);
TKP_TUNED_KREG(avx2sim_f32);
TKP_TUNED_KREG(avx2sim_f64);
TKP_TUNED_KREG(avx512_f32);
TKP_TUNED_KREG(avx512_f64);
#endif
#undef TKP_TUNED_KREG
/* Independent accumulators a micro-kernel needs to keep its FMA pipes
 * busy: two pipes × four cycles of latency on the x86 cores measured. */
enum { TKP_TUNED_FMA_CHAINS = 8 };

/* Whether a tile of rows rows, NR = nr columns of vl lanes, has too few
 * accumulators to keep the FMA pipes busy. */
static inline int tkp_tuned_thin(size_t rows, size_t nr, size_t vl)
{
	return rows * nr < TKP_TUNED_FMA_CHAINS * vl;
}

/*
 * The next row tile's height, rem rows left, tiles of h: h, but where the
 * rows after it would make a thin tile, the last two of about half each
 * (6 + 2 rows as 4 + 4); no division on the way.  Zen 3, 1 thread,
 * tuned/OpenBLAS, old and new builds alternating: f64 32³ 1.55-1.73 ->
 * 1.80-1.86, 128³ 1.07 -> 1.08, f32 32³ 1.80-1.88 -> 1.96-2.11, the
 * skinny path's f32 8×256×256 1.18-1.21 -> 1.38-1.40 and f64 8×160×160
 * 0.99-1.03 -> 1.07 (the stream path's: tuned.c, even_tail).
 */
static inline size_t tkp_tuned_tile_rows(size_t rem, size_t h, size_t nr, size_t vl)
{
	return rem > h && tkp_tuned_thin(rem - h, nr, vl) ? (rem + 1) / 2 : rem < h ? rem : h;
}

/*
 * The skinny path's last strip where it is wider than NR (0: none): the
 * columns' partial NR sliver and the full one before it, where they fit
 * the path's widest strip (wide, 0 for none).  Alone, the partial sliver
 * would cost as much as a full one, on a tile with as few accumulators as
 * its vectors: f32 n = 68 (NR 32) as 32 + 36 instead of 32 + 32 + 4.
 */
static inline size_t tkp_tuned_wide_tail(size_t cols, size_t nr, size_t wide)
{
	size_t rest = cols % nr;

	return rest && cols > nr && rest + nr <= wide ? rest + nr : 0;
}

/* A path's unpacked micro-kernel and its tile (tuned.c's MR × NR), the
 * widest strip it takes (0: none wider than NR; a strip of v vectors of
 * vl lanes runs on at most MR·NR / (v·vl) rows, as many accumulators);
 * its short-k kernel and the columns of that kernel's strips at kc steps
 * (kcols(kc), 0: not for kc); for small problems (tuned.c's path_tile),
 * the accumulators of each tile where a wide strip's rows take several
 * (run_acc; 0: as many as the full tile: tuned_small.c's run_rows) and
 * the rows of each where a full NR strip's rows take more than MR (run_mr;
 * 0: MR, the last two evened where thin, tkp_tuned_tile_rows). */
struct tkp_tuned_tile {
	tkp_sukr_fn ukr;
	size_t mr, nr;
	size_t wide, vl;
	tkp_kukr_fn kukr;
	tkp_kcols_fn kcols;
	size_t run_acc, run_mr;
};


/* The widest strip the direct path takes for rows rows of C (0: none
 * wider than NR; tuned_small.c) */
size_t tkp_tuned_strip_max(const struct tkp_tuned_tile *sp, size_t rows);

/*
 * C[i0:i1][j0:j1] = A[i0:i1][:]·B[:][j0:j1] with nothing packed: the
 * micro-kernel reads A and B in place, columns in blocks of nc, k in
 * blocks of kc.  For problems whose operands stay in L1/L2 anyway, where
 * packing is pure overhead, for few rows against a large B, read once
 * from memory in short k blocks (from L3 in one, where one tile holds all
 * the rows), and for a short k on any number of rows
 * (k blocks of up to TKP_TUNED_KREG_K steps by t->kukr).
 */
void tkp_tuned_direct(const tkp_gemm *g, const struct tkp_tuned_tile *t, size_t kc, size_t nc,
		      size_t i0, size_t i1, size_t j0, size_t j1);

/*
 * A plan: the micro-kernel calls tkp_tuned_direct makes for one small
 * problem in one block (all of k, all columns), recorded once and then
 * replayed for every call of that shape, so that such a call spends no
 * time choosing its strips and tiles.  Each call is one of t->ukr (tiles
 * ≥ 1) or t->kukr (tiles 0) with A's, B's and C's byte offsets from the
 * first element; the strides are always k, n and n.
 */
struct tkp_tuned_call {
	unsigned tiles, mr, nr, kc, acc;
	unsigned ao, bo, co;
};
enum { TKP_TUNED_PLAN_CALLS = 16 };
struct tkp_tuned_plan {
	tkp_sukr_fn ukr;
	tkp_kukr_fn kukr;
	unsigned ncalls;
	struct tkp_tuned_call call[TKP_TUNED_PLAN_CALLS];
};

/* Records g's calls through t (tkp_tuned_direct, one block) into *p
 * without computing anything: 0, -1 where they do not fit a plan (more
 * than TKP_TUNED_PLAN_CALLS, offsets past 4 GB), -2 where another thread
 * is making one (try again later).  Thread-safe. */
int tkp_tuned_plan_make(struct tkp_tuned_plan *p, const tkp_gemm *g,
			const struct tkp_tuned_tile *t);

/* C = A·B for g by the plan made for its shape */
void tkp_tuned_plan_run(const struct tkp_tuned_plan *p, const tkp_gemm *g);

/*
 * The same rectangle with only B packed, block by block (kc × nc, by
 * pack_b, into bpack of kc·round_up(nc, NR) elements), A read in place:
 * for few rows (m ≤ 64) against a large B, which is streamed from memory
 * once and never packed whole, and for a narrow C on any number of rows;
 * A's rows need no packing.  A block's last columns, where they make a
 * wide tail (tkp_tuned_wide_tail), run as one wide strip on B in place.
 */
void tkp_tuned_skinny(const tkp_gemm *g, const struct tkp_tuned_tile *t, size_t kc, size_t nc,
		      tkp_pack_b_fn pack_b, void *bpack, size_t i0, size_t i1, size_t j0, size_t j1);

/*
 * The dot-product micro-kernel (tuned_dot_ukr.h), one per path and dtype:
 * C[0:mr][0:nr] (+)= A[0:mr][0:kc]·Bt[0:nr][0:kc]^T, A and Bt (B
 * transposed) read along k with row strides lda, ldbt; 1 ≤ nr ≤
 * TKP_TUNED_DOT_NR, 1 ≤ mr ≤ tkp_tuned_dot_rows(...); pf: prefetch the
 * next mr rows of A as it goes (A read from memory).
 */
#define TKP_TUNED_DUKR(name)                                                                \
	void name(size_t mr, size_t nr, size_t kc, const void *a, size_t lda, const void *bt, \
		  size_t ldbt, void *c, size_t ldc, int acc, int pf)
typedef TKP_TUNED_DUKR((*tkp_dukr_fn));
TKP_TUNED_DUKR(tkp_tuned_dukr_generic_f32);
TKP_TUNED_DUKR(tkp_tuned_dukr_generic_f64);
#ifdef TKP_HAVE_X86_SIMD
TKP_TUNED_DUKR(tkp_tuned_dukr_avx2_f32);
TKP_TUNED_DUKR(tkp_tuned_dukr_avx2_f64);
TKP_TUNED_DUKR(tkp_tuned_dukr_avx2sim_f32);
TKP_TUNED_DUKR(tkp_tuned_dukr_avx2sim_f64);
TKP_TUNED_DUKR(tkp_tuned_dukr_avx512_f32);
TKP_TUNED_DUKR(tkp_tuned_dukr_avx512_f64);
#endif

/*
 * The dot path's pack (tuned_dot_ukr.h), one per path and dtype:
 * Bt[j][p] = B[p][j] for j < cols, p < kb, B's row stride ldb, Bt's
 * ldbt (vectors at a time where ldb = cols and the path's pbt_vec below
 * says so).
 */
#define TKP_TUNED_PBT(name)                                                                 \
	void name(size_t kb, size_t cols, const void *b, size_t ldb, void *bt, size_t ldbt)
typedef TKP_TUNED_PBT((*tkp_pbt_fn));
TKP_TUNED_PBT(tkp_tuned_pbt_generic_f32);
TKP_TUNED_PBT(tkp_tuned_pbt_generic_f64);
#ifdef TKP_HAVE_X86_SIMD
TKP_TUNED_PBT(tkp_tuned_pbt_avx2_f32);
TKP_TUNED_PBT(tkp_tuned_pbt_avx2_f64);
TKP_TUNED_PBT(tkp_tuned_pbt_avx2sim_f32);
TKP_TUNED_PBT(tkp_tuned_pbt_avx2sim_f64);
TKP_TUNED_PBT(tkp_tuned_pbt_avx512_f32);
TKP_TUNED_PBT(tkp_tuned_pbt_avx512_f64);
#endif

/* Whether a path's pack above transposes cols columns vectors at a time
 * (AVX-512: 2 to VL/2; AVX2: 2 or 4 in f32, 2 in f64; else never), which
 * makes the dot path pay on few rows (tuned.c's dot_pays_vec) */
typedef int (*tkp_pbt_vec_fn)(size_t cols);
int tkp_tuned_pbt_vec_generic_f32(size_t cols);
int tkp_tuned_pbt_vec_generic_f64(size_t cols);
#ifdef TKP_HAVE_X86_SIMD
int tkp_tuned_pbt_vec_avx2_f32(size_t cols);
int tkp_tuned_pbt_vec_avx2_f64(size_t cols);
int tkp_tuned_pbt_vec_avx2sim_f32(size_t cols);
int tkp_tuned_pbt_vec_avx2sim_f64(size_t cols);
int tkp_tuned_pbt_vec_avx512_f32(size_t cols);
int tkp_tuned_pbt_vec_avx512_f64(size_t cols);
#endif

enum { TKP_TUNED_DOT_NR = 4 };

/* The rows of a dot-product tile of nr columns on a path whose packed
 * tile is mr × nv vectors of vl lanes: one accumulator per element, 16
 * where there are 32 vector registers (a 24-vector packed tile), else 8,
 * enough chains for the FMA pipes either way. */
static inline size_t tkp_tuned_dot_rows(size_t mr, size_t nv, size_t vl, size_t nr)
{
	size_t acc = vl > 1 && mr * nv >= 24 ? 16 : 8;

	return (acc + nr - 1) / nr;
}

/*
 * C[i0:i1][j0:j1] = A[i0:i1][:]·B[:][j0:j1] as dot products along k (a C
 * narrower than a vector): for each block of kc steps, B's columns are
 * packed transposed by pbt into bt ((j1 - j0) rows of round_up(kc, 16)
 * elements), then dukr runs the tiles, TKP_TUNED_DOT_NR columns at a time,
 * prefetching A's rows a tile ahead where pf is set.
 */
void tkp_tuned_dot(const tkp_gemm *g, const struct tkp_tuned_tile *t, tkp_dukr_fn dukr,
		   tkp_pbt_fn pbt, size_t kc, int pf, void *bt, size_t i0, size_t i1, size_t j0,
		   size_t j1);

#endif
