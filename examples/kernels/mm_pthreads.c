/*
 * mm_pthreads.c - the seed's parallel version with POSIX threads: the
 * rows of C are split into g->threads contiguous bands, one per thread,
 * each computed with the i-k-j loop.  Bands never overlap, so no locks;
 * every thread reads all of B.  Sweeps pass their thread list.
 *
 *   tkprofile run --kernel-file examples/kernels/mm_pthreads.c --size 512 --threads 2
 */
#include <pthread.h>

#include <tkprofile_kernel.h>

const char tkp_kernel_desc[] = "student's i-k-j over pthreads, one band of rows each";
const unsigned tkp_kernel_caps = TKP_CAP_THREADS;

typedef struct band {
	const tkp_gemm *g;
	size_t i0, i1; /* rows [i0, i1) of C */
} band;

#define IKJ_ROWS(T)                                                   \
	do {                                                          \
		const T *a = g->a, *b = g->b;                         \
		T *c = g->c;                                          \
		for (size_t i = w->i0; i < w->i1; i++) {              \
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

static void *work(void *arg)
{
	const band *w = arg;
	const tkp_gemm *g = w->g;

	if (g->dtype == TKP_F64)
		IKJ_ROWS(double);
	else
		IKJ_ROWS(float);
	return NULL;
}

int tkp_kernel(const tkp_gemm *g)
{
	enum { MAXT = 256 };
	size_t t = g->threads > 0 ? (size_t)g->threads : 1;
	pthread_t tid[MAXT];
	band bands[MAXT];

	if (g->dtype != TKP_F64 && g->dtype != TKP_F32)
		return TKP_ENOTSUP;
	if (t > MAXT)
		t = MAXT;
	if (t > g->m) /* no empty bands */
		t = g->m;
	size_t started = 1;
	for (size_t i = 0; i < t; i++)
		bands[i] = (band){g, g->m * i / t, g->m * (i + 1) / t};
	/* thread 0's band runs on the calling thread; if a thread cannot be
	 * made, the calling thread does that band itself */
	for (size_t i = 1; i < t; i++, started++)
		if (pthread_create(&tid[i], NULL, work, &bands[i]))
			break;
	for (size_t i = started; i < t; i++)
		work(&bands[i]);
	work(&bands[0]);
	for (size_t i = 1; i < started; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
