/*
 * verify.h - cheap checks that a kernel computed C = A·B.
 */
#ifndef TKP_VERIFY_H
#define TKP_VERIFY_H

#include <stdint.h>

#include "tkprofile.h"

/*
 * Freivalds' check, O(m·k + k·n + m·n): with a random vector x, compares
 * C·x against A·(B·x), both in double.  The error of each row is divided by
 * the row's magnitude bound (|A|·(|B|·|x|)), which is what a correct
 * summation's rounding error scales with, so *max_rel_err is comparable
 * across sizes and kernels.  Returns 1 when max_rel_err ≤ tolerance
 * (16·√(k+2)·ε of the dtype: see verify.c), 0 when not, TKP_ENOMEM on allocation failure.
 */
int tkp_verify_freivalds(const tkp_gemm *g, uint64_t seed, double *max_rel_err);

/* The tolerance tkp_verify_freivalds uses for this dtype and inner size. */
double tkp_verify_tolerance(tkp_dtype dt, size_t k);

/* Bytes of scratch Freivalds needs (three double vectors). */
size_t tkp_verify_bytes(size_t m, size_t n, size_t k);

#endif
