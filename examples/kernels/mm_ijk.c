/*
 * mm_ijk.c - the seed's baseline: the triple loop you wrote first
 * (Module 03's matmul), i-j-k order.  For every C[i][j] it walks a row of
 * A (unit stride) and a column of B (stride n): each step of the inner
 * loop touches a new cache line of B once n is large, which is why this
 * is the slowest rung.
 *
 *   tkprofile run --kernel-file examples/kernels/mm_ijk.c --size 256
 */
#include <tkprofile_kernel.h>

const char tkp_kernel_desc[] = "student's i-j-k triple loop (the seed's baseline)";

/* One body for both element types: T is float or double. */
#define IJK(T)                                                              \
	do {                                                                \
		const T *a = g->a, *b = g->b;                               \
		T *c = g->c;                                                \
		for (size_t i = 0; i < g->m; i++)                           \
			for (size_t j = 0; j < g->n; j++) {                 \
				T sum = 0; /* C is overwritten, not added to */ \
				for (size_t p = 0; p < g->k; p++)           \
					sum += a[i * g->k + p] * b[p * g->n + j]; \
				c[i * g->n + j] = sum;                      \
			}                                                   \
	} while (0)

int tkp_kernel(const tkp_gemm *g)
{
	if (g->dtype == TKP_F64)
		IJK(double);
	else if (g->dtype == TKP_F32)
		IJK(float);
	else
		return TKP_ENOTSUP;
	return 0;
}
