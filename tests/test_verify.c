/* test_verify.c - Freivalds' check accepts correct products and rejects a
 * single wrong element, in both dtypes. */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "tap.h"
#include "util.h"
#include "verify.h"

static void fill(void *p, tkp_dtype dt, size_t n, tkp_rng *r)
{
	for (size_t i = 0; i < n; i++) {
		if (dt == TKP_F32)
			((float *)p)[i] = (float)tkp_rng_unit(r);
		else
			((double *)p)[i] = tkp_rng_unit(r);
	}
}

static void check(tkp_dtype dt, size_t m, size_t n, size_t k)
{
	size_t es = tkp_dtype_size(dt);
	void *a = malloc(m * k * es), *b = malloc(k * n * es), *c = malloc(m * n * es);
	tkp_gemm g = {.dtype = dt, .m = m, .n = n, .k = k, .a = a, .b = b, .c = c};
	const tkp_kernel *naive = tkp_kernel_find("naive");
	double err;
	tkp_rng r;
	int v;

	tkp_rng_seed(&r, 7);
	fill(a, dt, m * k, &r);
	fill(b, dt, k * n, &r);
	tkp_kernel_run(naive, &g);
	v = tkp_verify_freivalds(&g, 1, &err);
	ok(v == 1, "%s %zux%zux%zu: correct product passes (err %.3g, tol %.3g)", tkp_dtype_name(dt), m,
	   n, k, err, tkp_verify_tolerance(dt, k));
	/* one element missing one product term (an off-by-one in a k loop):
	 * the smallest bug a kernel makes, far above rounding */
	{
		size_t i = m / 2, j = n / 3, p = k - 1;
		if (dt == TKP_F32)
			((float *)c)[i * n + j] -= ((float *)a)[i * k + p] * ((float *)b)[p * n + j];
		else
			((double *)c)[i * n + j] -= ((double *)a)[i * k + p] * ((double *)b)[p * n + j];
	}
	v = tkp_verify_freivalds(&g, 1, &err);
	ok(v == (k > 1 || m * n > 0 ? 0 : 1), "%s %zux%zux%zu: one element missing a product term fails (err %.3g)",
	   tkp_dtype_name(dt), m, n, k, err);
	if (dt == TKP_F32)
		((float *)c)[0] = NAN;
	else
		((double *)c)[0] = NAN;
	v = tkp_verify_freivalds(&g, 1, &err);
	ok(v == 0 && isinf(err), "%s: a NaN in C fails with infinite error", tkp_dtype_name(dt));
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	check(TKP_F64, 1, 1, 1);
	check(TKP_F64, 67, 129, 31);
	check(TKP_F32, 67, 129, 31);
	check(TKP_F32, 200, 3, 500);
	ok(tkp_verify_tolerance(TKP_F32, 100) > tkp_verify_tolerance(TKP_F64, 100),
	   "f32 tolerance is looser than f64's");
	ok(tkp_verify_tolerance(TKP_F64, 1000) > tkp_verify_tolerance(TKP_F64, 10),
	   "tolerance grows with k");
	return tap_done();
}
