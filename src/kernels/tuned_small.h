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

/* The unpacked micro-kernel's tile on path isa for dtype dt: *mr, *nr;
 * -1 (and zeros) for a path or dtype this build lacks. */
int tkp_tuned_small_tile(tkp_isa isa, tkp_dtype dt, size_t *mr, size_t *nr);

/*
 * C[i0:i1][j0:j1] = A[i0:i1][:]·B[:][j0:j1] with nothing packed: the
 * micro-kernel reads A and B in place, k in blocks of kc.  For problems
 * whose operands stay in L1/L2 anyway, where packing is pure overhead.
 */
void tkp_tuned_direct(const tkp_gemm *g, tkp_isa isa, size_t kc, size_t i0, size_t i1,
		      size_t j0, size_t j1);

/*
 * The same rectangle with only B packed, block by block (kc × nc, by
 * pack_b, into bpack of kc·round_up(nc, NR) elements), A read in place:
 * for few rows (m ≤ 64) against a large B, which is streamed from memory
 * once and never packed whole; A's few rows need no packing.
 */
void tkp_tuned_skinny(const tkp_gemm *g, tkp_isa isa, size_t kc, size_t nc, tkp_pack_b_fn pack_b,
		      void *bpack, size_t i0, size_t i1, size_t j0, size_t j1);

#endif
