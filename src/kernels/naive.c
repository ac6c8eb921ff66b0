/*
 * naive.c - the i-j-k triple loop: the baseline of the ladder and the
 * reference every other kernel is tested against.
 *
 * It is the seed's Module 03 matmul in C: for each C[i][j], a dot product of
 * row i of A with column j of B.  The inner loop walks B down a column (stride
 * n elements), which is what makes it slow on large matrices: every step
 * touches a new cache line.  Keep it that way; it is the lesson.  The sum is
 * accumulated in the dtype itself (no wider accumulator) so its rounding is
 * the textbook one; tests scale their tolerance with k.
 */
#include "kernels.h"

#define NAIVE_BODY(T)                                                  \
	do {                                                           \
		const T *A = g->a, *B = g->b;                          \
		T *C = g->c;                                           \
		for (size_t i = 0; i < g->m; i++)                      \
			for (size_t j = 0; j < g->n; j++) {            \
				T sum = 0;                             \
				for (size_t p = 0; p < g->k; p++)      \
					sum += A[i * g->k + p] * B[p * g->n + j]; \
				C[i * g->n + j] = sum;                 \
			}                                              \
	} while (0)

int tkp_gemm_naive(const tkp_gemm *g)
{
	if (g->dtype == TKP_F32)
		NAIVE_BODY(float);
	else
		NAIVE_BODY(double);
	return 0;
}
