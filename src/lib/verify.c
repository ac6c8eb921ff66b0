/*
 * verify.c - Freivalds' randomised check of a GEMM result.
 *
 * Recomputing A·B with the reference kernel would cost as much as the run
 * itself (more, for naive at large sizes); a matrix-vector check costs
 * O(n²) and catches any wrong element with probability ~1 for a real-valued
 * random vector.  Everything is accumulated in double so an f32 result is
 * judged against f32's rounding, not the checker's.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "util.h"
#include "verify.h"

double tkp_verify_tolerance(tkp_dtype dt, size_t k)
{
	double eps = dt == TKP_F32 ? FLT_EPSILON : DBL_EPSILON;

	/* The worst-case bound on a dot product's error is k·u·Σ|a||b|, but
	 * with inputs of random sign (ours are uniform in [-1,1]) rounding
	 * errors add like a random walk, ~√k·u, in any summation order.  The
	 * worst case would hide real bugs in f32: at k=500, k·u is as large
	 * as one missing product term.  16·√(k+2)·u is ~100× the errors seen
	 * from correct kernels and still catches a single dropped term. */
	return 16.0 * sqrt((double)k + 2.0) * eps;
}

size_t tkp_verify_bytes(size_t m, size_t n, size_t k)
{
	return (n + 2 * k + 3 * m) * sizeof(double);
}

#define ELEM(p, i) (g->dtype == TKP_F32 ? (double)((const float *)(p))[i] : ((const double *)(p))[i])

int tkp_verify_freivalds(const tkp_gemm *g, uint64_t seed, double *max_rel_err)
{
	size_t m = g->m, n = g->n, k = g->k;
	double *x, *y, *ya, *z, *za, *w, worst = 0;
	tkp_rng rng;
	int rc = TKP_ENOMEM;

	x = malloc(n * sizeof *x);
	y = malloc(k * sizeof *y);
	ya = malloc(k * sizeof *ya);
	z = malloc(m * sizeof *z);
	za = malloc(m * sizeof *za);
	w = malloc(m * sizeof *w);
	if (!x || !y || !ya || !z || !za || !w)
		goto fail;
	tkp_rng_seed(&rng, seed ^ 0x5eedf00dull);
	for (size_t j = 0; j < n; j++)
		x[j] = tkp_rng_unit(&rng);
	/* y = B·x and ya = |B|·|x| */
	for (size_t p = 0; p < k; p++) {
		double s = 0, sa = 0;
		for (size_t j = 0; j < n; j++) {
			double b = ELEM(g->b, p * n + j);
			s += b * x[j];
			sa += fabs(b) * fabs(x[j]);
		}
		y[p] = s;
		ya[p] = sa;
	}
	/* z = A·y, za = |A|·ya, w = C·x */
	for (size_t i = 0; i < m; i++) {
		double s = 0, sa = 0, sw = 0;
		for (size_t p = 0; p < k; p++) {
			double a = ELEM(g->a, i * k + p);
			s += a * y[p];
			sa += fabs(a) * ya[p];
		}
		for (size_t j = 0; j < n; j++)
			sw += ELEM(g->c, i * n + j) * x[j];
		z[i] = s;
		za[i] = sa;
		w[i] = sw;
	}
	for (size_t i = 0; i < m; i++) {
		double err = fabs(z[i] - w[i]);
		double rel = za[i] > 0 ? err / za[i] : err;
		if (!(rel <= worst)) /* also catches NaN */
			worst = isnan(rel) ? INFINITY : rel;
	}
	*max_rel_err = worst;
	rc = worst <= tkp_verify_tolerance(g->dtype, k);
fail:
	free(x);
	free(y);
	free(ya);
	free(z);
	free(za);
	free(w);
	return rc;
}
