/*
 * tkprofile_kernel.h - the contract of a user kernel, for
 * `tkprofile run --kernel-file FILE` and `tkprofile sweep --kernel-file FILE`.
 *
 * A user kernel is a C file (tkprofile compiles it) or a shared object
 * (C++, Fortran or Rust with a C ABI) that defines
 *
 *     int tkp_kernel(const tkp_gemm *g);
 *
 * computing C = A·B for g->dtype: A is g->m × g->k, B is g->k × g->n, C is
 * g->m × g->n, all row-major and dense (row strides k, n and n).  C is to be
 * overwritten, not accumulated into.  Return 0, or a TKP_E* code: TKP_ENOTSUP
 * for a dtype the kernel does not handle (its rows of that dtype are then
 * skipped, not failed).  The kernel is named after the file's base name
 * (mm_ikj.c -> mm_ikj), which must not be a built-in kernel's.
 *
 * Optional, each read once when the file is loaded:
 *
 *     const char tkp_kernel_desc[] = "one line: what it does";
 *     const unsigned tkp_kernel_caps = TKP_CAP_BLOCK | TKP_CAP_THREADS;
 *
 * TKP_CAP_BLOCK: the kernel reads g->block (a tile edge; sweeps pass their
 * block list, and 0 never reaches it: it gets the default edge then).
 * TKP_CAP_THREADS: it reads g->threads (sweeps pass their thread list).
 * Without tkp_kernel_caps a kernel takes neither (block 0, threads 1).
 * g->mc, kc, nc are for the tuned built-in; ignore them.
 *
 * Before it is timed, a user kernel is checked against the naive kernel on
 * awkward shapes (1×1×1, primes, thin and flat) in both dtypes it handles;
 * a wrong result is reported with the first wrong element and its rows are
 * marked unverified.  It runs in a child process: a crash (SIGSEGV,
 * SIGBUS, SIGFPE, abort) or a run past its time limit fails only its own
 * rows.  A kernel needs no function of libtkprofile and is not linked
 * against it.
 *
 * This header stands alone: it repeats the types a kernel uses from
 * tkprofile.h (tkp_dtype, the TKP_E* codes, tkp_gemm, the capability
 * bits) with the same values and layout (tests/cli_userk.sh compares
 * them), because tkprofile.h's `tkp_kernel` is a type, which a file
 * defining the function tkp_kernel cannot also see.  So a kernel file
 * includes this header, not tkprofile.h.
 */
#ifndef TKPROFILE_KERNEL_H
#define TKPROFILE_KERNEL_H

#ifdef TKPROFILE_H
#error "a kernel file includes tkprofile_kernel.h, not tkprofile.h: its tkp_kernel type clashes with the function tkp_kernel"
#endif

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* As in tkprofile.h. */
enum tkp_error {
	TKP_OK = 0,
	TKP_EINVAL = -1,
	TKP_ENOMEM = -2,
	TKP_EIO = -3,
	TKP_ENOTSUP = -4, /* return this for a dtype the kernel does not handle */
	TKP_ENOENT = -5,
	TKP_EPARSE = -6,
	TKP_ECOUNTERS = -7,
	TKP_EVERIFY = -8,
	TKP_ERANGE = -9,
	TKP_EEXIST = -10,
	TKP_EINTR = -11,
};

typedef enum tkp_dtype { TKP_F32 = 0, TKP_F64 = 1 } tkp_dtype;

/* One GEMM problem, C = A·B, as in tkprofile.h. */
typedef struct tkp_gemm {
	tkp_dtype dtype;
	size_t m, n, k;
	const void *a, *b;
	void *c;
	int block;   /* tile edge, for a kernel with TKP_CAP_BLOCK (never 0 then) */
	int threads; /* worker threads, for a kernel with TKP_CAP_THREADS; 0 = 1 */
	size_t mc, kc, nc; /* the tuned built-in's blocking: ignore */
	size_t size;
} tkp_gemm;

enum tkp_kernel_caps {
	TKP_CAP_BLOCK = 1u << 0,
	TKP_CAP_THREADS = 1u << 1,
	TKP_CAP_SIMD = 1u << 2,
	TKP_CAP_EXTERNAL = 1u << 3,
	TKP_CAP_REFERENCE = 1u << 4
};

/* The kernel: 0, or a negative TKP_E* code (TKP_ENOTSUP: dtype not handled). */
int tkp_kernel(const tkp_gemm *g);
/* Optional: a one-line description (shown by `tkprofile kernels`). */
extern const char tkp_kernel_desc[];
/* Optional: TKP_CAP_BLOCK and/or TKP_CAP_THREADS (other bits are ignored). */
extern const unsigned tkp_kernel_caps;

#ifdef __cplusplus
}
#endif
#endif
