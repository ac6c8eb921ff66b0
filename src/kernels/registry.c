/*
 * registry.c - the one table of kernels.
 *
 * The CLI, the sweep, `tkprofile kernels` and the tests all iterate this
 * table; adding a kernel is one file plus one row here.  Rows are in ladder
 * order, naive (the reference) first.  Kernels loaded at run time (a
 * student's --kernel-file, src/lib/userkernel.c) are runtime rows after the
 * table: tkp_kernel_register adds them, and count, at and find see them
 * like the built-in rows, which they never replace.
 */
#include "config.h"

#include <string.h>

#include "kernels.h"

static const tkp_kernel table[] = {
	{"naive", "i-j-k triple loop, the reference (the seed's baseline)",
	 tkp_gemm_naive, TKP_CAP_REFERENCE, NULL},
	{"simd", "i-k-j loop with AVX-512/AVX2 rows chosen at run time (the seed's vectorised)",
	 tkp_gemm_simd, TKP_CAP_SIMD, NULL},
	{"blocked", "b x b cache tiles, register-blocked SIMD tile update (the seed's blocked)",
	 tkp_gemm_blocked, TKP_CAP_BLOCK | TKP_CAP_SIMD, NULL},
	{"threaded", "blocked + SIMD over pthreads, one block of C per thread at a time",
	 tkp_gemm_threaded, TKP_CAP_BLOCK | TKP_CAP_THREADS | TKP_CAP_SIMD, NULL},
	{"tuned", "BLIS-style: packed panels, register-blocked micro-kernels, cache blocking, pthreads",
	 tkp_gemm_tuned, TKP_CAP_THREADS | TKP_CAP_SIMD, NULL},
	{"blas", "cblas_sgemm/cblas_dgemm (OpenBLAS): the tuned-library reference",
	 tkp_gemm_blas, TKP_CAP_EXTERNAL | TKP_CAP_THREADS, tkp_blas_unavailable},
};

#define NBUILTIN (sizeof table / sizeof table[0])

/* Runtime rows: pointers to rows their loader owns and keeps alive. */
static const tkp_kernel *runtime[TKP_KERNEL_MAX_RUNTIME];
static size_t nruntime;

int tkp_kernel_register(const tkp_kernel *k)
{
	if (!k || !k->name || !k->fn)
		return TKP_EINVAL;
	if (tkp_kernel_find(k->name))
		return TKP_EEXIST;
	if (nruntime == TKP_KERNEL_MAX_RUNTIME)
		return TKP_ENOMEM;
	runtime[nruntime++] = k;
	return 0;
}

int tkp_kernel_is_builtin(const tkp_kernel *k)
{
	return k && k >= table && k < table + NBUILTIN;
}

size_t tkp_kernel_count(void)
{
	return NBUILTIN + nruntime;
}

const tkp_kernel *tkp_kernel_at(size_t i)
{
	if (i < NBUILTIN)
		return &table[i];
	return i < tkp_kernel_count() ? runtime[i - NBUILTIN] : NULL;
}

const tkp_kernel *tkp_kernel_find(const char *name)
{
	for (size_t i = 0; name && i < tkp_kernel_count(); i++)
		if (!strcmp(tkp_kernel_at(i)->name, name))
			return tkp_kernel_at(i);
	return NULL;
}

const char *tkp_kernel_why_unavailable(const tkp_kernel *k)
{
	if (!k)
		return "no kernel given";
	return k->unavailable ? k->unavailable() : NULL;
}

int tkp_kernel_run(const tkp_kernel *k, const tkp_gemm *g)
{
	if (!k || !g || !g->a || !g->b || !g->c || g->m == 0 || g->n == 0 || g->k == 0 ||
	    (g->dtype != TKP_F32 && g->dtype != TKP_F64) || g->block < 0 || g->threads < 0 ||
	    (g->size && g->size != sizeof *g))
		return TKP_EINVAL;
	if (tkp_kernel_why_unavailable(k))
		return TKP_ENOTSUP;
	return k->fn(g);
}
