/*
 * simd.c - the vectorised rung: the i-k-j loop order with SIMD rows.
 *
 * Naive's inner loop walks down a column of B; swapping the loops to i-k-j
 * makes it walk along rows instead: broadcast A[i][p] and FMA it into row i
 * of C against row p of B, both contiguous, so each step is one vector
 * load of B and an FMA, and the row of C stays in L1.  There is no cache
 * blocking here on purpose (that is the next rung): on matrices larger than
 * the caches B streams from memory once per row of C, which is what the
 * blocked kernel fixes.  The vector code is shared (simd_rows.c) and picked
 * at run time: AVX-512, AVX2+FMA or portable C.
 */
#include "config.h"

#include <string.h>

#include "kernels.h"
#include "simd_rows.h"

int tkp_gemm_simd_isa(const tkp_gemm *g, tkp_isa isa)
{
	size_t es = tkp_elem_size(g->dtype);
	const char *a = g->a;
	char *c = g->c;
	tkp_row_fn row;

	if (!tkp_simd_isa_ok(isa))
		return TKP_ENOTSUP;
	row = tkp_simd_row_fn(g->dtype, isa);
	for (size_t i = 0; i < g->m; i++) {
		char *ci = c + i * g->n * es;

		/* C is overwritten, not accumulated into; the row is about to be
		 * read from L1 anyway, so zeroing it first costs next to nothing. */
		memset(ci, 0, g->n * es);
		row(g->k, g->n, a + i * g->k * es, g->b, g->n, ci);
	}
	return 0;
}

int tkp_gemm_simd(const tkp_gemm *g)
{
	return tkp_gemm_simd_isa(g, tkp_isa_current());
}
