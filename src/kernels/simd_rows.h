/*
 * simd_rows.h - vector building blocks shared by the simd, blocked and
 * threaded kernels (private to src/kernels/).
 *
 * One implementation of the inner loops per ISA path and dtype lives in
 * simd_rows.c; the kernels pick one with tkp_simd_row_fn/tkp_simd_tile_fn
 * and stay dtype-agnostic themselves.  Matrices are row-major with explicit
 * leading dimensions (elements, not bytes), so a tile is just a pointer
 * into the full matrix.  Both routines accumulate into C; callers zero it.
 */
#ifndef TKP_SIMD_ROWS_H
#define TKP_SIMD_ROWS_H

#include <stddef.h>

#include "kernels.h"

/* c[0:n] += Σ_{p<k} a[p]·B[p][0:n], B with row stride ldb: the i-k-j update
 * of one row of C. */
typedef void (*tkp_row_fn)(size_t k, size_t n, const void *a, const void *b, size_t ldb,
			   void *c);

/* C[0:m][0:n] += A[0:m][0:k]·B[0:k][0:n] with row strides lda, ldb, ldc:
 * one cache tile, register-blocked; any sizes ≥ 1. */
typedef void (*tkp_tile_fn)(size_t m, size_t n, size_t k, const void *a, size_t lda,
			    const void *b, size_t ldb, void *c, size_t ldc);

/* The routine for a dtype and path.  A path this build lacks gives the
 * portable one; the caller must have checked tkp_simd_isa_ok(isa), since a
 * path the CPU lacks would die of SIGILL. */
tkp_row_fn tkp_simd_row_fn(tkp_dtype dt, tkp_isa isa);
tkp_tile_fn tkp_simd_tile_fn(tkp_dtype dt, tkp_isa isa);

/* Bytes per element; kernels do their own pointer arithmetic in bytes so
 * that one loop nest serves both dtypes. */
static inline size_t tkp_elem_size(tkp_dtype dt)
{
	return dt == TKP_F32 ? sizeof(float) : sizeof(double);
}

/* 1 if this CPU and build can run path isa. */
int tkp_simd_isa_ok(tkp_isa isa);

#endif
