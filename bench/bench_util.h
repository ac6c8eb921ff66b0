/*
 * bench_util.h - what the bench/ programs that compare two GEMMs share
 * (gemm.c, abi.c): the clock, sorting, the operands' contents and the
 * check of one result against the other.  Header only: each program
 * stays one file plus this.
 */
#ifndef TKP_BENCH_UTIL_H
#define TKP_BENCH_UTIL_H

#include <math.h>
#include <stddef.h>
#include <time.h>

/* seconds on the monotonic clock */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* qsort's comparison of doubles, ascending */
static inline int bench_cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* count elements of es bytes (4: float, 8: double) at p: a fixed
 * scatter of values in [-1, 1), shifted by salt */
static inline void bench_fill(void *p, size_t count, size_t es, unsigned salt)
{
	for (size_t i = 0; i < count; i++) {
		double v = (double)((i * 2654435761u + salt) % 1000) / 500.0 - 1.0;

		if (es == 4)
			((float *)p)[i] = (float)v;
		else
			((double *)p)[i] = v;
	}
}

/* the largest difference between x and y relative to x's largest
 * magnitude; infinite where either holds a NaN */
static inline double bench_rel_diff(const void *x, const void *y, size_t count, size_t es)
{
	double worst = 0, scale = 0;

	for (size_t i = 0; i < count; i++) {
		double a = es == 4 ? ((const float *)x)[i] : ((const double *)x)[i];
		double b = es == 4 ? ((const float *)y)[i] : ((const double *)y)[i];

		scale = fmax(scale, fabs(a));
		if (a - b != a - b)
			return INFINITY;
		worst = fmax(worst, fabs(a - b));
	}
	return scale > 0 ? worst / scale : worst;
}

#endif
