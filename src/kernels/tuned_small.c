/*
 * tuned_small.c - the tuned kernel's paths for problems where packing
 * cannot pay for itself: small m, n, k and very few rows against a large
 * B (nothing packed), a few more rows (only B packed, block by block).
 *
 * Packing copies an operand once so that the micro-kernel reads it
 * contiguously many times.  Below ~100 in every dimension the operands
 * already sit in L1/L2 and each packed element is read only a few times,
 * so the copies are a large share of the call (tuned reached 43-55% of
 * OpenBLAS at n = 32-64 on Zen 5, which packs nothing there).  With few
 * rows (m ≤ 64, an ML batch against a weight matrix) A is tiny and B is
 * read once from memory: packing A is wasted, and the packed path's
 * zero-padded MR-row slivers spend up to 7/8 of the FMAs on padding
 * (m = 1 with MR = 8); with up to ~24 rows each element of B is used too
 * few times for packing it to pay either.  The micro-kernel here
 * (tuned_small_ukr.h) reads A and B in place, has an instance per row
 * count 1..MR, and masks the columns of a partial tile, so no padding is
 * computed at all.
 *
 * Which path runs is tuned.c's decision (tkp_gemm_tuned_isa, by shape),
 * and so is the micro-kernel (its table of paths): the tiles (MR × NR)
 * are the packed path's, so that B packed by tuned.c's pack_b is read
 * here as it is.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>

#include "tuned_small.h"

#ifdef TKP_HAVE_X86_SIMD
#include <immintrin.h>
#endif

/* tuned_small_ukr.h for each path and dtype: tkp_tuned_sukr_avx512_f64, ... */
#define TUNED_TEMPLATE "tuned_small_ukr.h"
#include "tuned_paths.h"
#undef TUNED_TEMPLATE

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

/*
 * The width of the next column strip with rem columns left: NR, but when
 * the last two strips would be a full one and a thin one, two of about
 * half as many vectors (line: elements per 64 bytes): n = 32 in f64 (NR
 * 24) as 16 + 16, not 24 + 8, whose one-vector strip does one FMA per
 * broadcast of A and runs at half the speed (0.93-0.94 of OpenBLAS at 32³
 * f64 before, 0.95-0.96 after, interleaved, loaded machine).  A thin
 * strip left at the end stays (f32 100³: 32+32+32+4 columns, 0.89).
 *
 * Up to wide columns left (the widest strip the rows take,
 * tkp_tuned_strip_max; 0
 * for none) go as one; with prefer set (all of k in one block: a small
 * problem, a short k, or a few rows against a B in L3) wide strips go
 * first, unless they would leave a thin one, and between one and two
 * widest strips' worth as two about even ones.
 * Alternate runs, same minutes, tuned/OpenBLAS 1 thread, NR strips first
 * against wide: 64³ f64 0.98/0.98 -> 1.06/1.01 (32+32, not 24+24+16), 96³
 * f64 1.02/1.08 ->
 * 1.06/1.11, 96³ f32 0.96/0.97 -> 1.05/1.05 (48+48); but m = 4 rows
 * against a streamed 4096 × 4096 B lost 10% (f64 1.57/1.52 -> 1.42/1.39),
 * hence prefer only where B is not streamed.  With f32's 64-column strip
 * 96³ as 64+32 read 1.03/1.03 against 1.06/1.05 as 48+48 (and 64³ 0.93
 * -> 1.01 as one strip), hence the halves.
 */
static size_t strip_width(size_t rem, size_t nr, size_t line, size_t wide, int prefer)
{
	size_t half;

	/* (line is a power of two: rounding up to it needs no division) */
	if (prefer && wide && rem > wide && rem < 2 * wide) {
		half = (rem / 2 + line - 1) & ~(line - 1);
		if (rem - half >= nr)
			return half;
	}
	if (prefer && wide && rem >= wide && (rem == wide || rem - wide >= nr))
		return wide;
	if (rem > nr && rem <= wide)
		return rem;
	if (rem <= nr || rem >= 2 * nr)
		return min_sz(rem, nr);
	half = (rem / 2 + line - 1) & ~(line - 1);
	return min_sz(half, nr);
}

/*
 * x / d (d ≥ 1) and *rem = x % d by subtraction, for the quotients of a
 * strip's few vectors and rows (a few tens at most where the shape
 * chooses this path): a divide instruction costs 26-88 cycles on
 * Skylake-class cores.  A profile of 32³ f64 calls (Xeon VM): the code
 * around the micro-kernel (tkp_tuned_direct) took 2.5% of the samples,
 * mostly at wide_strip's five divides, against the micro-kernel's 46%;
 * 1.7% with them gone.
 */
static size_t div_small(size_t x, size_t d, size_t *rem)
{
	size_t q = 0;

	for (; x >= d; x -= d)
		q++;
	*rem = x;
	return q;
}

/* The rows a strip of vecs vectors takes per tile: as many accumulators
 * as the full MR × NV tile */
static size_t strip_rows(const struct tkp_tuned_tile *sp, size_t vecs)
{
	size_t r;

	return div_small(sp->mr * div_small(sp->nr, sp->vl, &r), vecs, &r);
}

/*
 * The rows per tile where a wide strip's rows take two tiles or more: as
 * many as hold the full tile's accumulators, or sp->run_acc of them where
 * set (tuned.c: small problems).
 */
static size_t run_rows(const struct tkp_tuned_tile *sp, size_t vecs)
{
	size_t r, rows;

	if (!sp->run_acc)
		return strip_rows(sp, vecs);
	rows = div_small(sp->run_acc, vecs, &r);
	return rows ? rows : 1;
}

/* w columns of nrows rows of C (ap and cp at its first row) in tiles of
 * at most wrows rows, as even as their number allows (32 rows on 6 at
 * most: 6, 6, 5, 5, 5, 5, not a 2-row tail with a third of the
 * accumulators) */
static void even_tiles(const struct tkp_tuned_tile *sp, size_t nrows, size_t wrows, size_t w,
		       size_t kb, const char *ap, size_t lda, const char *bp, size_t ldb, char *cp,
		       size_t ldc, size_t es, int acc)
{
	size_t r, tiles, base, extra;

	if (!nrows)
		return;
	tiles = div_small(nrows + wrows - 1, wrows, &r);
	base = div_small(nrows, tiles, &extra);
	/* the extra tiles of base + 1 rows first, then those of base */
	if (extra)
		sp->ukr(extra, base + 1, w, kb, ap, lda, bp, ldb, cp, ldc, acc);
	if (tiles > extra)
		sp->ukr(tiles - extra, base, w, kb, ap + extra * (base + 1) * lda * es, lda, bp,
			ldb, cp + extra * (base + 1) * ldc * es, ldc, acc);
}

/*
 * A wide strip: w columns of nrows rows of C, in one tile where the rows
 * keep to the full tile's accumulators (MR·NV vectors), else in even
 * tiles of run_rows rows at most.  Such a tile loads fewer operands per
 * FMA than the full one: 32³ f64 as 6/5 × 32 tiles took 1148-1154 ns
 * against 1276-1308 as 8 × 16 (AVX-512, intrinsics, best of 30, three
 * runs); 64³ f32 as 6/5 × 64 (4 vectors) 4673/4622 ns against 5237/5237
 * as 12 × 32 and OpenBLAS's 5107/5081 (best of 300 interleaved, two
 * runs).
 */
static void wide_strip(const struct tkp_tuned_tile *sp, size_t nrows, size_t w, size_t kb,
		       const char *ap, size_t lda, const char *bp, size_t ldb, char *cp, size_t ldc,
		       size_t es, int acc)
{
	size_t r, vecs = div_small(w + sp->vl - 1, sp->vl, &r);

	even_tiles(sp, nrows, nrows > strip_rows(sp, vecs) ? run_rows(sp, vecs) : nrows, w, kb, ap,
		   lda, bp, ldb, cp, ldc, es, acc);
}

/*
 * The widest strip for rows rows of C: the path's widest (sp->wide, 0 for
 * none wider than NR), but none (NR strips) where the rows fit one full
 * tile and the wide strip's tiles, two or more, would each hold fewer
 * accumulators than that one: f64 on AVX-512, 7-8 rows as one 8 × 3-vector
 * tile instead of 4 + 4 rows × 4 vectors.  Zen 5 VM, 1 thread,
 * tuned/OpenBLAS wide / NR, same process: f64 7×3590×21 1.16 / 1.33,
 * 7×2000×40 0.96 / 1.06, 7×256×256 1.44 / 1.95, 8×3590×21 0.87 / 0.96,
 * 8×256×256 0.98 / 1.22, 8×100×100 0.98 / 1.02, even at 64-1000 columns
 * otherwise (but 7×1000×1000 2.50 / 2.31).  f32 on AVX-512 keeps its
 * wide strips there (8 rows: 4 + 4 × 4 vectors against 8 × 2, as many
 * accumulators): narrower ones lost, 8×64×64 0.96 / 0.79.
 */
size_t tkp_tuned_strip_max(const struct tkp_tuned_tile *sp, size_t rows)
{
	size_t r, nv = div_small(sp->nr, sp->vl, &r), wv, wrows, tiles;

	if (!sp->wide || rows > sp->mr)
		return sp->wide;
	wv = div_small(sp->wide + sp->vl - 1, sp->vl, &r);
	wrows = strip_rows(sp, wv);
	if (rows <= wrows)
		return sp->wide;
	tiles = div_small(rows + wrows - 1, wrows, &r);
	return rows * nv > div_small(rows + tiles - 1, tiles, &r) * wv ? 0 : sp->wide;
}

/*
 * The height of the row tiles for rows rows: MR, but when the rows make
 * one full tile and a thin one, two tiles of about half as many rows.  A
 * thin tile has too few accumulators (rows × vectors) to cover the FMA
 * latency, worst on a one-vector strip.  Bare micro-kernel calls, best of
 * 30 interleaved: f32 16³ (MR 12) as 8 + 8 rows 91 ns against 99 as
 * 12 + 4, f32 20³ 276 against 299, f64 14³ 155 against 159, f64 12³ 99
 * against 94 (about even).  With more tiles an even split did not pay
 * (f32 64³ as 11 × 5 + 9: 4442 ns against 4119 as 12 × 5 + 4), so the rule
 * stops at two, where it needs no division either.
 */
static size_t tile_height(size_t rows, size_t mr)
{
	return rows > mr && rows < 2 * mr ? (rows + 1) / 2 : mr;
}

/*
 * The next run of row tiles of one height, rem rows left, tiles of h (as
 * tkp_tuned_tile_rows gives them): its height in *t, its number of tiles
 * returned, so that one micro-kernel call runs them all.
 */
static size_t tile_run(size_t rem, size_t h, size_t nr, size_t vl, size_t *t)
{
	size_t count = 1;

	*t = tkp_tuned_tile_rows(rem, h, nr, vl);
	for (rem -= *t; rem && tkp_tuned_tile_rows(rem, h, nr, vl) == *t; rem -= *t)
		count++;
	return count;
}

/*
 * A k block of at most TKP_TUNED_KREG_K steps: the short-k kernel, which
 * holds a strip of B in registers, on KREG_ROWS rows at a time across all
 * the strips of C's columns, so that each row's lines of C are written
 * close together in time.  Strip by strip down all the rows, a C past L2
 * was written in column halves far apart: f64 4000×64×1 and ×2 (two
 * strips, C 2 MB) ran at 0.63-0.67 of OpenBLAS, with rows in blocks of
 * 16-128 at 0.88-1.01 (f64 2000×64×2 too), 64 about the best (Zen 5,
 * 1 thread, same process; one call per strip of 64 rows makes its loads
 * of B a few percent).
 */
enum { KREG_ROWS = 64 };

/* (B and C share their row stride, n, as they do in tkp_tuned_direct) */
static void short_k_block(const struct tkp_tuned_tile *sp, size_t kb, size_t rows, size_t cols,
			  const char *a, size_t lda, const char *b, char *c, size_t n, size_t es,
			  int acc)
{
	size_t w = sp->kcols(kb);

	for (size_t i = 0; i < rows; i += KREG_ROWS) {
		size_t h = min_sz(KREG_ROWS, rows - i);

		for (size_t j = 0; j < cols; j += w)
			sp->kukr(h, min_sz(cols - j, w), kb, a + i * lda * es, lda, b + j * es, n,
				 c + (i * n + j) * es, n, acc);
	}
}

/*
 * One block of tkp_tuned_direct: kb steps of k on rows × cols of C (a, b
 * and c at the block's first row, step and column; A's row stride lda, B's
 * and C's n), as strips of columns down all the rows (the widest strip
 * wide, prefer as in strip_width; acc: add to C).
 */
static void direct_block(const struct tkp_tuned_tile *sp, size_t kb, size_t rows, size_t cols,
			 const char *a, size_t lda, const char *b, char *c, size_t n, size_t es,
			 size_t wide, int prefer, int acc)
{
	const size_t nr = sp->nr, h = tile_height(rows, sp->mr), line = es == 4 ? 16 : 8;

	for (size_t jr = 0, w; jr < cols; jr += w) {
		const char *ap = a, *bp = b + jr * es;
		char *cp = c + jr * es;

		w = strip_width(cols - jr, nr, line, wide, prefer);
		if (w > nr) {
			wide_strip(sp, rows, w, kb, ap, lda, bp, n, cp, n, es, acc);
			continue;
		}
		if (sp->run_mr && rows > sp->mr && w > nr - sp->vl) {
			/* (a small problem's full NR strip: tkp_tuned_tile) */
			even_tiles(sp, rows, sp->run_mr, w, kb, ap, lda, bp, n, cp, n, es, acc);
			continue;
		}
		for (size_t ir = 0, t, q; ir < rows;
		     ir += q * t, ap += q * t * lda * es, cp += q * t * n * es) {
			q = tile_run(rows - ir, h, nr, sp->vl, &t);
			sp->ukr(q, t, w, kb, ap, lda, bp, n, cp, n, acc);
		}
	}
}

/*
 * Loop order: nc-column blocks, k blocks, then NR-column strips, then
 * MR-row tiles, so that a strip of B (kc × NR) is read from L1 by every
 * tile of rows after the first; A (small here) is re-read from L1/L2 once
 * per strip, and C's block (its rows × nc) stays in cache across the k
 * blocks.  With a short kc (tuned.c's choice for a large B, unless one
 * tile holds all the rows) B is read from memory or L3 as kc streams that
 * each run along a row of B, which the hardware prefetchers follow.  A k
 * block of up to TKP_TUNED_KREG_K steps goes to the short-k kernel instead
 * (short_k_block).
 */
void tkp_tuned_direct(const tkp_gemm *g, const struct tkp_tuned_tile *sp, size_t kc, size_t nc,
		      size_t i0, size_t i1, size_t j0, size_t j1)
{
	/* (g's fields in locals: the calls below would make the compiler
	 * load them again after each) */
	const size_t es = g->dtype == TKP_F32 ? 4 : 8, k = g->k, n = g->n;
	const char *a = g->a, *b = g->b;
	char *c = g->c;
	size_t wide;

	if (!kc || !nc)
		return;
	wide = tkp_tuned_strip_max(sp, i1 - i0);
	for (size_t jc = j0; jc < j1; jc += nc) {
		size_t je = min_sz(j1, jc + nc);

		for (size_t pc = 0; pc < k; pc += kc) {
			size_t kb = min_sz(kc, k - pc);
			const char *ap = a + (i0 * k + pc) * es, *bp = b + (pc * n + jc) * es;
			char *cp = c + (i0 * n + jc) * es;

			if (kb <= TKP_TUNED_KREG_K && sp->kcols(kb))
				/* (a short k: B's strips held in registers) */
				short_k_block(sp, kb, i1 - i0, je - jc, ap, k, bp, cp, n, es, pc > 0);
			else
				direct_block(sp, kb, i1 - i0, je - jc, ap, k, bp, cp, n, es, wide,
					     kc >= k, pc > 0);
		}
	}
}

/*
 * Plans.  The recorders below stand in for the micro-kernels while
 * tkp_tuned_direct runs on a problem: they note each call instead of
 * computing it.  A micro-kernel call has no room for a context, so the
 * plan being made is a static one, under plan_lock.  The lock is only
 * tried: a call that finds it taken runs without a plan this time (and
 * a child forked while another thread held it never waits on it).
 */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct tkp_tuned_plan *p;
	const char *a, *b;
	const char *c;
	size_t lda, ldb;
	int bad;
} rec;

static void rec_call(size_t tiles, size_t mr, size_t nr, size_t kc, const void *a, size_t lda,
		     const void *b, size_t ldb, const void *c, size_t ldc, int acc)
{
	struct tkp_tuned_plan *p = rec.p;
	size_t ao = (size_t)((const char *)a - rec.a), bo = (size_t)((const char *)b - rec.b);
	size_t co = (size_t)((const char *)c - rec.c);

	if (p->ncalls == TKP_TUNED_PLAN_CALLS || lda != rec.lda || ldb != rec.ldb ||
	    ldc != rec.ldb || (ao | bo | co | kc) > UINT_MAX) {
		rec.bad = 1;
		return;
	}
	p->call[p->ncalls++] = (struct tkp_tuned_call){(unsigned)tiles, (unsigned)mr, (unsigned)nr,
						       (unsigned)kc, acc != 0, (unsigned)ao,
						       (unsigned)bo, (unsigned)co};
}

static TKP_TUNED_SUKR(rec_ukr)
{
	if (tiles) /* (none is no call: the micro-kernel would do nothing) */
		rec_call(tiles, mr, nr, kc, a, lda, b, ldb, c, ldc, acc);
}

static TKP_TUNED_KUKR(rec_kukr)
{
	rec_call(0, mr, nr, kc, a, lda, b, ldb, c, ldc, acc);
}

int tkp_tuned_plan_make(struct tkp_tuned_plan *p, const tkp_gemm *g,
			const struct tkp_tuned_tile *t)
{
	struct tkp_tuned_tile r = *t;
	int bad;

	r.ukr = rec_ukr;
	r.kukr = rec_kukr;
	p->ukr = t->ukr;
	p->kukr = t->kukr;
	p->ncalls = 0;
	if (pthread_mutex_trylock(&plan_lock) != 0)
		return -2;
	rec.p = p;
	rec.a = g->a;
	rec.b = g->b;
	rec.c = g->c;
	rec.lda = g->k;
	rec.ldb = g->n;
	rec.bad = 0;
	tkp_tuned_direct(g, &r, g->k, g->n, 0, g->m, 0, g->n);
	bad = rec.bad;
	pthread_mutex_unlock(&plan_lock);
	return bad ? -1 : 0;
}

void tkp_tuned_plan_run(const struct tkp_tuned_plan *p, const tkp_gemm *g)
{
	const char *a = g->a, *b = g->b;
	char *c = g->c;
	const size_t k = g->k, n = g->n;

	for (const struct tkp_tuned_call *x = p->call; x < p->call + p->ncalls; x++)
		if (x->tiles)
			p->ukr(x->tiles, x->mr, x->nr, x->kc, a + x->ao, k, b + x->bo, n, c + x->co,
			       n, (int)x->acc);
		else
			p->kukr(x->mr, x->nr, x->kc, a + x->ao, k, b + x->bo, n, c + x->co, n,
				(int)x->acc);
}

/*
 * Loop order: nc-column blocks, k blocks (B's kc × nc block packed, so it
 * is read from memory in long contiguous rows, once), NR-column slivers of
 * the packed block (one in L1, read by every row tile), MR-row tiles (A's
 * few rows, m × kc, from L1/L2).  C's m × nc block stays in cache across
 * the k blocks.  Row tiles inside: with few rows the sliver is reused from
 * L1 instead of the whole block from L2 once per tile (m×4096×4096 f64,
 * interleaved, loaded machine: m = 16 0.62-0.80 of OpenBLAS -> 0.87-0.91,
 * m = 64 0.64-0.85 -> 0.81-0.83).
 *
 * A block's last columns, where they make a wide tail
 * (tkp_tuned_wide_tail), run as one wide strip with B read in place.
 * Zen 5 VM, 1 thread, tuned/OpenBLAS, NR slivers / wide tail, same
 * process: f32 4000×68×k, k = 64-1000, 0.97-1.19 / 1.10-1.32, 20000×36×k
 * 1.00-1.33 / 1.22-1.69, 4000×100×256 0.73 / 1.26; f64 4000×28×k 1.31-1.79
 * / 1.71-2.29, 20000×52×k 1.46-1.78 / 1.58-1.99; even where the partial
 * sliver is a whole vector (f64 n = 200: 24 × 8 + 8, 0.96-1.05 of the
 * slivers' speed).
 */
void tkp_tuned_skinny(const tkp_gemm *g, const struct tkp_tuned_tile *sp, size_t kc, size_t nc,
		      tkp_pack_b_fn pack_b, void *bpack, size_t i0, size_t i1, size_t j0, size_t j1)
{
	size_t es = g->dtype == TKP_F32 ? 4 : 8, k = g->k, n = g->n;
	const char *a = (const char *)g->a + i0 * k * es, *b = g->b;
	char *c = g->c, *bp = bpack;

	if (!kc || !nc)
		return;
	for (size_t jc = j0; jc < j1; jc += nc) {
		size_t nb = min_sz(nc, j1 - jc), tail = tkp_tuned_wide_tail(nb, sp->nr, sp->wide);
		size_t np = nb - tail; /* the columns packed */

		for (size_t pc = 0; pc < k; pc += kc) {
			size_t kb = min_sz(kc, k - pc);

			if (tail)
				wide_strip(sp, i1 - i0, tail, kb, a + pc * es, k,
					   b + (pc * n + jc + np) * es, n,
					   c + (i0 * n + jc + np) * es, n, es, pc > 0);
			if (!np)
				continue;
			pack_b(kb, np, b + (pc * n + jc) * es, n, bp);
			for (size_t jr = 0; jr < np; jr += sp->nr)
				for (size_t ir = i0, t, q; ir < i1; ir += q * t) {
					q = tile_run(i1 - ir, sp->mr, sp->nr, sp->vl, &t);
					sp->ukr(q, t, min_sz(sp->nr, np - jr), kb,
						a + ((ir - i0) * k + pc) * es, k,
						bp + jr * kb * es, sp->nr,
						c + (ir * n + jc + jr) * es, n, pc > 0);
				}
		}
	}
}
