/*
 * blas.c - the reference point: the same product through CBLAS
 * (cblas_sgemm/cblas_dgemm), normally OpenBLAS.
 *
 * It is on the ladder as "what a tuned library gets on this machine", the
 * ceiling the hand-written rungs are compared against.  Without CBLAS at
 * configure time the kernel is still listed, and says how to get it.
 *
 * Thread count: OpenBLAS has a global thread setting, which we set to the
 * requested count on every call (so a sweep over threads means what it
 * says).  The setter is declared weak: with another CBLAS (netlib, BLIS's
 * CBLAS layer) the symbol is absent, the pointer is NULL and the library
 * runs its own way.
 */
#include "config.h"

#include <limits.h>

#include "kernels.h"

#ifdef TKP_HAVE_CBLAS
#include <cblas.h>

extern void openblas_set_num_threads(int num_threads) __attribute__((weak));

int tkp_gemm_blas(const tkp_gemm *g)
{
	/* CBLAS takes int sizes (LP64 builds); refuse what would wrap. */
	if (g->m > INT_MAX || g->n > INT_MAX || g->k > INT_MAX)
		return TKP_ERANGE;
	if (openblas_set_num_threads)
		openblas_set_num_threads(g->threads > 0 ? g->threads : 1);
	if (g->dtype == TKP_F32)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)g->m, (int)g->n,
			    (int)g->k, 1.0f, g->a, (int)g->k, g->b, (int)g->n, 0.0f, g->c,
			    (int)g->n);
	else
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)g->m, (int)g->n,
			    (int)g->k, 1.0, g->a, (int)g->k, g->b, (int)g->n, 0.0, g->c,
			    (int)g->n);
	return 0;
}

const char *tkp_blas_unavailable(void)
{
	return NULL;
}

#else

int tkp_gemm_blas(const tkp_gemm *g)
{
	(void)g;
	return TKP_ENOTSUP;
}

const char *tkp_blas_unavailable(void)
{
	return "built without CBLAS: install libopenblas-dev and re-run ./configure --with-blas";
}

#endif
