/*
 * flops.c - peak floating-point throughput: FMA chains with no memory
 * traffic at all.
 *
 * Each kernel updates TKP_PEAK_ACC = 12 independent accumulators with
 * acc = acc·m + c (one FMA each, 2 FLOPs per lane): modern cores have two
 * FMA pipes with a latency of 4 (Zen 4/5, Skylake-X and later), so at
 * least 8 chains must be in flight to keep both pipes busy; 12 leaves room
 * for 5- and 6-cycle FMAs.  m < 1 keeps the values bounded away from
 * overflow and from denormals (which would be slow), whatever the run
 * length.  The scalar path is kept scalar on purpose (an empty asm pins
 * each accumulator to its own register, so the compiler cannot pack them
 * into vectors): it is the ceiling of code that does not vectorise.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#if defined(TKP_HAVE_X86_SIMD)
#include <immintrin.h>
#endif

#include "probe.h"

#define REP12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

typedef double (*peak_fn)(long iters);

/* ---- scalar ------------------------------------------------------------------ */

/* Portable: a*b + c, which GNU C contracts to an FMA where the target has
 * one (aarch64, POWER, ...). */
#define SCALAR_KERNEL(NAME, T)                                                  \
	static __attribute__((noinline)) double NAME(long iters)                  \
	{                                                                         \
		const T m = (T)0.9999999, c = (T)1e-7;                            \
		T a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8,  \
		  a8 = 9, a9 = 10, a10 = 11, a11 = 12;                             \
		for (long i = 0; i < iters; i++) {                                \
			REP12(SCALAR_STEP)                                         \
			SCALAR_BARRIER                                             \
		}                                                                 \
		return (double)(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + \
				a10 + a11);                                       \
	}
#define SCALAR_STEP(j) a##j = a##j * m + c;
#define SCALAR_BARRIER
SCALAR_KERNEL(peak_scalar_f64_generic, double)
SCALAR_KERNEL(peak_scalar_f32_generic, float)
#undef SCALAR_STEP
#undef SCALAR_BARRIER

#if defined(TKP_HAVE_X86_SIMD)
/* x86 with FMA3: explicit scalar FMAs (vfmadd231sd/ss), each accumulator
 * held in its own xmm register by the empty asm. */
#define SCALAR_STEP(j) a##j = __builtin_fma(a##j, m, c);
#define SCALAR_BARRIER                                                          \
	__asm__("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5), \
		"+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10), "+x"(a11));
__attribute__((target("fma"))) SCALAR_KERNEL(peak_scalar_f64_fma, double)
#undef SCALAR_STEP
#define SCALAR_STEP(j) a##j = __builtin_fmaf(a##j, m, c);
__attribute__((target("fma"))) SCALAR_KERNEL(peak_scalar_f32_fma, float)
#undef SCALAR_STEP
#undef SCALAR_BARRIER

/* ---- AVX2 + FMA3 and AVX-512F -------------------------------------------------- */

/* Horizontal sums for the AVX2 kernels' results (only keep them alive). */
__attribute__((target("avx2"))) static inline double red256d(__m256d v)
{
	double t[4];
	_mm256_storeu_pd(t, v);
	return t[0] + t[1] + t[2] + t[3];
}
__attribute__((target("avx2"))) static inline float red256s(__m256 v)
{
	float t[8];
	_mm256_storeu_ps(t, v);
	return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}


#define VEC_KERNEL(NAME, TGT, VT, SET1, ADD, RED)                                \
	static __attribute__((noinline, target(TGT))) double NAME(long iters)    \
	{                                                                         \
		const VT m = SET1(0.9999999), c = SET1(1e-7);                     \
		VT a0 = SET1(1), a1 = SET1(2), a2 = SET1(3), a3 = SET1(4),        \
		   a4 = SET1(5), a5 = SET1(6), a6 = SET1(7), a7 = SET1(8),        \
		   a8 = SET1(9), a9 = SET1(10), a10 = SET1(11), a11 = SET1(12);   \
		for (long i = 0; i < iters; i++) {                                \
			REP12(VEC_STEP)                                            \
		}                                                                 \
		a0 = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7))); \
		a8 = ADD(ADD(a8, a9), ADD(a10, a11));                             \
		return (double)RED(ADD(a0, a8));                                  \
	}
#define VEC_STEP(j) a##j = VFMA(a##j, m, c);

#define VFMA _mm256_fmadd_pd
VEC_KERNEL(peak_avx2_f64, "avx2,fma", __m256d, _mm256_set1_pd, _mm256_add_pd, red256d)
#undef VFMA
#define VFMA _mm256_fmadd_ps
VEC_KERNEL(peak_avx2_f32, "avx2,fma", __m256, _mm256_set1_ps, _mm256_add_ps, red256s)
#undef VFMA
#define VFMA _mm512_fmadd_pd
VEC_KERNEL(peak_avx512_f64, "avx512f", __m512d, _mm512_set1_pd, _mm512_add_pd, _mm512_reduce_add_pd)
#undef VFMA
#define VFMA _mm512_fmadd_ps
VEC_KERNEL(peak_avx512_f32, "avx512f", __m512, _mm512_set1_ps, _mm512_add_ps, _mm512_reduce_add_ps)
#undef VFMA
#undef VEC_STEP
#endif /* TKP_HAVE_X86_SIMD */

const char *tkp_probe_isa_name(tkp_isa isa)
{
	switch (isa) {
	case TKP_ISA_AVX2: return "avx2";
	case TKP_ISA_AVX512: return "avx512";
	default: return "scalar";
	}
}

/* The kernel for dt and isa and its FLOPs per iteration; NULL if none. */
static peak_fn pick(tkp_dtype dt, tkp_isa isa, double *flops_per_iter)
{
	int f64 = dt == TKP_F64;

	if (isa > tkp_isa_supported())
		return NULL;
	switch (isa) {
	case TKP_ISA_GENERIC:
		*flops_per_iter = 2.0 * TKP_PEAK_ACC;
#if defined(TKP_HAVE_X86_SIMD)
		__builtin_cpu_init();
		if (__builtin_cpu_supports("fma"))
			return f64 ? peak_scalar_f64_fma : peak_scalar_f32_fma;
#endif
		return f64 ? peak_scalar_f64_generic : peak_scalar_f32_generic;
#if defined(TKP_HAVE_X86_SIMD)
	case TKP_ISA_AVX2:
		*flops_per_iter = 2.0 * TKP_PEAK_ACC * (f64 ? 4 : 8);
		return f64 ? peak_avx2_f64 : peak_avx2_f32;
	case TKP_ISA_AVX512:
		*flops_per_iter = 2.0 * TKP_PEAK_ACC * (f64 ? 8 : 16);
		return f64 ? peak_avx512_f64 : peak_avx512_f32;
#endif
	default:
		return NULL;
	}
}

typedef struct peak_job {
	peak_fn fn;
	long iters;
	double t0[TKP_PROBE_MAX_THREADS], t1[TKP_PROBE_MAX_THREADS];
	volatile double sink[TKP_PROBE_MAX_THREADS];
} peak_job;

static void peak_worker(void *arg, int tid, int n)
{
	peak_job *j = arg;

	(void)n;
	j->t0[tid] = tkp_timer_now();
	j->sink[tid] = j->fn(j->iters);
	j->t1[tid] = tkp_timer_now();
}

/* Wall time of one team run: first start to last finish. */
static double job_time(const double *t0, const double *t1, int n)
{
	double a = t0[0], b = t1[0];
	int i;

	for (i = 1; i < n; i++) {
		if (t0[i] < a)
			a = t0[i];
		if (t1[i] > b)
			b = t1[i];
	}
	return b - a;
}

int tkp_probe_peak(tkp_team *team, tkp_dtype dt, tkp_isa isa, double min_time, int samples,
		   double *gflops)
{
	peak_job *j;
	double per_iter = 0, t, best = 0;
	int n = tkp_team_size(team), s;

	*gflops = NAN;
	if (n < 1 || n > TKP_PROBE_MAX_THREADS || min_time <= 0)
		return TKP_EINVAL;
	if (!(j = calloc(1, sizeof *j)))
		return TKP_ENOMEM;
	if (!(j->fn = pick(dt, isa, &per_iter))) {
		free(j);
		return TKP_ENOTSUP;
	}
	/* Calibrate (this also warms the vector units up to full speed). */
	j->iters = 1000;
	for (;;) {
		tkp_team_run(team, peak_worker, j);
		t = job_time(j->t0, j->t1, n);
		if (t >= min_time / 4 || j->iters > (1L << 40))
			break;
		j->iters *= t > 0 && min_time / 4 / t < 16 ? 2 : 16;
	}
	if (t > 0)
		j->iters = (long)((double)j->iters * min_time / t) + 1;
	for (s = 0; s < (samples > 0 ? samples : 1); s++) {
		tkp_team_run(team, peak_worker, j);
		t = job_time(j->t0, j->t1, n);
		if (t > 0 && per_iter * (double)j->iters * n / t / 1e9 > best)
			best = per_iter * (double)j->iters * n / t / 1e9;
	}
	free(j);
	*gflops = best;
	return best > 0 ? 0 : TKP_EIO;
}
