/*
 * userkernel.h - a student's own kernels (`--kernel-file`): loading
 * (userkernel.c) and running them isolated in a child (userkernel_run.c).
 *
 * A user kernel is a C source, compiled here with the system compiler into
 * a shared object, or a shared object given as it is; either defines
 * `int tkp_kernel(const tkp_gemm *g)` (include/tkprofile_kernel.h states
 * the contract).  Loading registers it as a runtime row of the kernel
 * registry, named after the file's base name, so tkp_kernel_find and the
 * sweep see it like a built-in.  The row calls the kernel through a tiny
 * wrapper object that defines tkp_gemm_<name>, the function a simulation
 * toggles its collection on (sim.h), so simulated counts work for user
 * kernels as for built-ins.  The simulated child (`run --sim-child`)
 * loads the same objects from TKP_USER_KERNELS (tkp_userk_export_env).
 */
#ifndef TKP_USERKERNEL_H
#define TKP_USERKERNEL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "tkprofile.h"

/* The flags a C file is compiled with when neither CFLAGS nor an option
 * says otherwise; -fPIC -shared and the include directory are always
 * added. */
#define TKP_USERK_DEFAULT_CFLAGS "-O2 -march=native"

/* How C files are compiled. */
typedef struct tkp_userk_build {
	const char *cc;     /* NULL: $CC, else "cc" */
	const char *cflags; /* NULL: $CFLAGS, else TKP_USERK_DEFAULT_CFLAGS */
	const char *incdir; /* the directory of tkprofile_kernel.h (required for .c) */
	const char *outdir; /* where objects and compiler logs go (exists) */
} tkp_userk_build;

/* One loaded kernel. */
typedef struct tkp_userk {
	tkp_kernel row;           /* the registry's runtime row */
	char name[32];
	char desc[128];
	char path[PATH_MAX];      /* the file given, made absolute */
	char so[PATH_MAX];        /* the shared object loaded (the file itself for a .so) */
	char wrap[PATH_MAX];      /* the wrapper object ("" when none could be built) */
	int is_c;                 /* 1: compiled here from C */
	char command[2048];       /* the compile command ("" for a .so) */
	char cc_version[256];     /* the compiler's first --version line ("" for a .so) */
	char cflags[512];         /* the flags chosen (CFLAGS or the default) */
} tkp_userk;

/*
 * Loads path (a .c is compiled into b->outdir first) and registers it.
 * Bad input, each with err naming the file and what was expected:
 * TKP_ENOENT (missing or not a regular file), TKP_EINVAL (neither C nor a
 * shared object, a base name that is no identifier of 1 to 31
 * characters), TKP_EEXIST (a built-in's name, or another user kernel's),
 * TKP_EPARSE (the compiler failed: err ends with its output as printed),
 * TKP_ENOTSUP (a shared object for another machine), TKP_ENOENT (no
 * tkp_kernel symbol, or the object does not load: dlerror's words).
 * *out (may be NULL) gets the loaded kernel.
 */
int tkp_userk_load(const char *path, const tkp_userk_build *b, const tkp_userk **out, char *err,
		   size_t errlen);

/* The user kernel behind registry row k, or NULL for a built-in. */
const tkp_userk *tkp_userk_of(const tkp_kernel *k);
/* Number of loaded kernels, and the i-th. */
size_t tkp_userk_count(void);
const tkp_userk *tkp_userk_at(size_t i);

/* Sets TKP_USER_KERNELS to the loaded objects, for the children a
 * simulation starts (call before the counters open: they copy the
 * environment).  TKP_ENOMEM. */
int tkp_userk_export_env(void);
/* Loads the objects TKP_USER_KERNELS names (the simulated child): 0 when
 * it is unset; else as tkp_userk_load. */
int tkp_userk_load_env(char *err, size_t errlen);

/* ---- running isolated (userkernel_run.c) -------------------------------- */

/* How an isolated run ended. */
typedef struct tkp_userk_outcome {
	int crashed;   /* 1: killed by a signal (sig) or exited without an answer */
	int sig;       /* the signal, 0 when none */
	int timed_out; /* 1: killed at its time limit */
	double limit_s;
	char what[256]; /* "killed by SIGSEGV (Segmentation fault)", "ran past its 10 s time limit" */
} tkp_userk_outcome;

/*
 * The time limit of one configuration: floor_s plus runs × the time of one
 * run at a thousandth of the peak (flops / (peak_gflops·1e-3·1e9)), plus
 * min_time_s.  peak_gflops ≤ 0 or NAN: 10 GFLOP/s assumed.
 */
double tkp_userk_time_limit(double flops, int runs, double peak_gflops, double min_time_s,
			    double floor_s);

/*
 * Measures k as tkp_measure_kernel does (o's counters included), in a
 * forked child that sends the result back through a pipe, waiting at most
 * limit_s seconds.  Returns what tkp_measure_kernel returned (*r filled
 * when 0); 1 when the child crashed or ran past the limit (oc->crashed or
 * oc->timed_out, oc->what says which, naming the signal or the limit);
 * TKP_EINTR when o->stop was raised (the child is killed); TKP_EIO when
 * no child could be started.
 */
int tkp_userk_measure(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
		      int block, int threads, const tkp_measure_opts *o, double limit_s,
		      tkp_result *r, tkp_userk_outcome *oc);

/* The first wrong element of a check against naive. */
typedef struct tkp_userk_wrong {
	size_t m, n, k; /* the shape */
	size_t i, j;    /* C[i][j] */
	double got, want;
} tkp_userk_wrong;

/*
 * Checks k against the naive kernel on awkward shapes (1×1×1, primes,
 * thin and flat; C starts as NaN, so every element must be written; block
 * 4 and 3 threads where the kernel takes them), in a forked child.  Returns
 * 0 when every element matched, TKP_EVERIFY with *w the first wrong
 * element, the kernel's error (TKP_ENOTSUP: it does not handle dt), 1 when
 * it crashed or ran past limit_s (oc says which), TKP_EINTR when stopped.
 */
int tkp_userk_check(const tkp_kernel *k, tkp_dtype dt, double limit_s, volatile int *stop,
		    tkp_userk_wrong *w, tkp_userk_outcome *oc);

#endif
