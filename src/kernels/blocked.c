/*
 * blocked.c - the cache-blocked rung: C, A and B cut into b×b tiles.
 *
 * The simd kernel streams all of B from memory once per row of C.  Here the
 * loops run over tiles instead (BLIS's JC, PC, IC with NC = KC = MC = b), so
 * a b×b tile of B is loaded once and reused from cache by every row tile
 * of A, and a tile of C stays in cache while the k dimension is swept.  The
 * default b (tkp_kernel_default_block) makes the packed B tile fill L1;
 * the block-size sweep shows what other sizes do.  Sizes need not be
 * multiples of b: edge tiles are just smaller.  Inside a tile the
 * register-blocked update from simd_rows.c does the work (JR/IR loops).
 *
 * The tile of B is copied ("packed", as BLIS does) into a contiguous buffer
 * before the IC loop reuses it.  Without that, its rows are n elements
 * apart, and when n·sizeof is a multiple of 4 KiB (n = 512, 1024, ...) every
 * row lands in the same few L1 sets: the tile evicts itself and the kernel
 * runs at half speed on exactly the sizes sweeps like best.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "simd_rows.h"

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

size_t tkp_blocked_pack_bytes(const tkp_gemm *g, size_t b)
{
	return min_sz(b, g->k) * min_sz(b, g->n) * tkp_elem_size(g->dtype);
}

void tkp_blocked_part(const tkp_gemm *g, tkp_isa isa, size_t b, size_t i0, size_t i1,
		      size_t j0, size_t j1, void *pack)
{
	size_t es = tkp_elem_size(g->dtype), n = g->n, k = g->k;
	const char *A = g->a, *B = g->b;
	char *C = g->c, *Bt = pack;
	tkp_tile_fn tile = tkp_simd_tile_fn(g->dtype, isa);

	/* The tiles accumulate into C, which the caller wants overwritten. */
	for (size_t i = i0; i < i1; i++)
		memset(C + (i * n + j0) * es, 0, (j1 - j0) * es);

	for (size_t jc = j0; jc < j1; jc += b) {         /* JC: column panel of B and C */
		size_t nb = min_sz(b, j1 - jc);

		for (size_t pc = 0; pc < k; pc += b) {   /* PC: one tile of B, packed */
			size_t kb = min_sz(b, k - pc);

			for (size_t p = 0; p < kb; p++)
				memcpy(Bt + p * nb * es, B + ((pc + p) * n + jc) * es, nb * es);
			for (size_t ic = i0; ic < i1; ic += b) /* IC: every row tile reuses it */
				tile(min_sz(b, i1 - ic), nb, kb, A + (ic * k + pc) * es, k, Bt, nb,
				     C + (ic * n + jc) * es, n);
		}
	}
}

/* Columns [j0, j1) of C, all rows: the whole call, or a column slice. */
static int blocked_cols(const tkp_gemm *g, tkp_isa isa, size_t j0, size_t j1)
{
	size_t b = (size_t)tkp_kernel_block_for(TKP_CAP_BLOCK, g->dtype, g->block);
	void *pack;

	if (!tkp_simd_isa_ok(isa))
		return TKP_ENOTSUP;
	pack = malloc(tkp_blocked_pack_bytes(g, b));
	if (!pack)
		return TKP_ENOMEM;
	tkp_blocked_part(g, isa, b, 0, g->m, j0, j1 < g->n ? j1 : g->n, pack);
	free(pack);
	return 0;
}

int tkp_gemm_blocked_isa(const tkp_gemm *g, tkp_isa isa)
{
	return blocked_cols(g, isa, 0, g->n);
}

int tkp_gemm_blocked_cols(const tkp_gemm *g, size_t j0, size_t j1)
{
	return blocked_cols(g, tkp_isa_current(), j0, j1);
}

int tkp_gemm_blocked(const tkp_gemm *g)
{
	return tkp_gemm_blocked_isa(g, tkp_isa_current());
}
