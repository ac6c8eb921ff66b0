/*
 * mm_bt.c - another fix for the column walk: transpose B once into a
 * scratch buffer (Bt, n x k), then every C[i][j] is a dot product of two
 * rows, both unit stride.  The transpose costs k*n copies, small next to
 * the m*n*k multiply-adds.  Shows the price of a memory allocation too.
 *
 *   tkprofile run --kernel-file examples/kernels/mm_bt.c --size 256
 */
#include <stdlib.h>

#include <tkprofile_kernel.h>

const char tkp_kernel_desc[] = "student's B-transposed loop: dot products of rows";

#define BT(T)                                                           \
	do {                                                            \
		const T *a = g->a, *b = g->b;                           \
		T *c = g->c, *bt = malloc(g->k * g->n * sizeof(T));     \
		if (!bt)                                                \
			return TKP_ENOMEM;                              \
		for (size_t p = 0; p < g->k; p++) /* Bt[j][p] = B[p][j] */ \
			for (size_t j = 0; j < g->n; j++)               \
				bt[j * g->k + p] = b[p * g->n + j];     \
		for (size_t i = 0; i < g->m; i++)                       \
			for (size_t j = 0; j < g->n; j++) {             \
				T sum = 0;                              \
				for (size_t p = 0; p < g->k; p++)       \
					sum += a[i * g->k + p] * bt[j * g->k + p]; \
				c[i * g->n + j] = sum;                  \
			}                                               \
		free(bt);                                               \
	} while (0)

int tkp_kernel(const tkp_gemm *g)
{
	if (g->dtype == TKP_F64)
		BT(double);
	else if (g->dtype == TKP_F32)
		BT(float);
	else
		return TKP_ENOTSUP;
	return 0;
}
