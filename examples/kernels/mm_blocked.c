/*
 * mm_blocked.c - the seed's cache-blocked version: work on b x b tiles so
 * that the tiles of A, B and C being combined stay in cache (3*b*b
 * elements: b = 64 doubles is 96 KiB, about L2; sweeps try their block
 * list).  Inside a tile, the i-k-j order of mm_ikj.c.  Edges: the last
 * tile of a dimension is cut short (the MIN below), so any size works.
 *
 *   tkprofile run --kernel-file examples/kernels/mm_blocked.c --size 512 --block 64
 */
#include <string.h>

#include <tkprofile_kernel.h>

const char tkp_kernel_desc[] = "student's cache-blocked i-k-j on b x b tiles";
/* reads g->block: sweeps pass their block list (0 never arrives) */
const unsigned tkp_kernel_caps = TKP_CAP_BLOCK;

#define MIN(x, y) ((x) < (y) ? (x) : (y))

#define BLOCKED(T)                                                              \
	do {                                                                    \
		const T *a = g->a, *b = g->b;                                   \
		T *c = g->c;                                                    \
		size_t bs = g->block > 0 ? (size_t)g->block : 64;               \
		memset(c, 0, g->m * g->n * sizeof(T));                          \
		for (size_t i0 = 0; i0 < g->m; i0 += bs)                        \
			for (size_t p0 = 0; p0 < g->k; p0 += bs)                \
				for (size_t j0 = 0; j0 < g->n; j0 += bs)        \
					for (size_t i = i0; i < MIN(i0 + bs, g->m); i++) \
						for (size_t p = p0; p < MIN(p0 + bs, g->k); p++) { \
							const T aip = a[i * g->k + p];  \
							T *restrict ci = c + i * g->n;  \
							const T *restrict bp = b + p * g->n; \
							for (size_t j = j0; j < MIN(j0 + bs, g->n); j++) \
								ci[j] += aip * bp[j];   \
						}                                       \
	} while (0)

int tkp_kernel(const tkp_gemm *g)
{
	if (g->dtype == TKP_F64)
		BLOCKED(double);
	else if (g->dtype == TKP_F32)
		BLOCKED(float);
	else
		return TKP_ENOTSUP;
	return 0;
}
