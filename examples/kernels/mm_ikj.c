/*
 * mm_ikj.c - the first fix: swap the two inner loops (i-k-j).  Now the
 * inner loop walks a row of B and a row of C, both at unit stride, so
 * every cache line fetched is used whole and the compiler can vectorise
 * the inner loop.  Same arithmetic, often several times faster.
 * `restrict` promises the compiler that the row of C and the row of B do
 * not overlap: without it, gcc -O2 keeps the loop scalar.
 *
 *   tkprofile run --kernel-file examples/kernels/mm_ikj.c --size 256
 */
#include <tkprofile_kernel.h>

const char tkp_kernel_desc[] = "student's i-k-j loop: unit-stride inner loop";

#define IKJ(T)                                                        \
	do {                                                          \
		const T *a = g->a, *b = g->b;                         \
		T *c = g->c;                                          \
		for (size_t i = 0; i < g->m; i++) {                   \
			T *restrict ci = c + i * g->n;                        \
			for (size_t j = 0; j < g->n; j++)             \
				ci[j] = 0;                            \
			for (size_t p = 0; p < g->k; p++) {           \
				const T aip = a[i * g->k + p];        \
				const T *restrict bp = b + p * g->n;          \
				for (size_t j = 0; j < g->n; j++)     \
					ci[j] += aip * bp[j];         \
			}                                             \
		}                                                     \
	} while (0)

int tkp_kernel(const tkp_gemm *g)
{
	if (g->dtype == TKP_F64)
		IKJ(double);
	else if (g->dtype == TKP_F32)
		IKJ(float);
	else
		return TKP_ENOTSUP;
	return 0;
}
