/*
 * profile.h - sweep profiles (*.prof) and the sweep plan they describe.
 *
 * A profile is an INI file (inih; `#` comments, also after a value):
 *
 *   [sweep]
 *   kernels  = naive,simd,blocked,threaded,blas
 *   sizes    = 64:1024:x2, 1000x3000x17     # N, MxNxK, ranges a:b:xF, a:b:+S
 *   blocks   = auto                          # tile edges, or auto
 *   threads  = 1,ncpu                        # ncpu = online CPUs
 *   dtype    = f64                           # f32, f64 or both
 *   budget   = 300                           # seconds; 0 = none
 *   counters = auto                          # auto | papi | sim | auto,sim | none
 *   sim_max_size = 128                       # simulate (sim) only max(m,n,k) ≤ this
 *   sim_sample = on                          # on: large ones on a slice of rows; off: whole
 *   min_time = 0.2                           # seconds timed per config
 *   min_reps = 3
 *   max_reps = 1000
 *   probe    = quick                         # machine probe: quick|full|none
 *   seed     = 42
 *   tuned_mc = 96                            # the tuned kernel's MC, KC, NC:
 *   tuned_kc = f32:512,f64:256               # one for every dtype, or per dtype
 *   kernel_files = mm_ikj.c,mm_bt.so         # your own kernels (a line per file also)
 *   kernel_timeout = 0                       # seconds per user-kernel config; 0 = derived
 *
 *   [kernel.naive]                           # per-kernel overrides
 *   max_size = 512                           # skip larger max(m,n,k)
 *   blocks = …   threads = …   sizes = …
 *
 * Command-line options set the same keys (tkp_plan_set), so a profile and
 * the options given after it make one effective plan; tkp_plan_write saves
 * it as plan.prof, which loads back to the same plan.
 */
#ifndef TKP_PROFILE_H
#define TKP_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tkprofile.h"

#define TKP_PLAN_MAX_SIZES 256
#define TKP_PLAN_MAX_INTS 64
#define TKP_PLAN_MAX_KERNELS 32
/* Default sim_max_size: simulation (valgrind) costs about a second per
 * configuration to start plus ~100× the native run time. */
#define TKP_PLAN_SIM_MAX_SIZE 128
#define TKP_MAX_THREADS 4096
#define TKP_PLAN_KERNEL_FILES_MAX 4096

typedef struct tkp_shape {
	size_t m, n, k;
} tkp_shape;

typedef struct tkp_int_list {
	int n;
	int v[TKP_PLAN_MAX_INTS]; /* 0 in a block list means "auto" */
} tkp_int_list;

typedef struct tkp_size_list {
	int n;
	tkp_shape v[TKP_PLAN_MAX_SIZES];
} tkp_size_list;

typedef struct tkp_plan_kernel {
	char name[32];
	size_t max_size; /* 0 = no cap */
	int has_sizes, has_blocks, has_threads;
	tkp_size_list sizes;
	tkp_int_list blocks, threads;
} tkp_plan_kernel;

typedef struct tkp_plan {
	int nkernels;
	char kernels[TKP_PLAN_MAX_KERNELS][32];
	tkp_size_list sizes;
	tkp_int_list blocks, threads;
	int ndtypes;
	tkp_dtype dtypes[2];
	double budget_s;
	char counters[32];
	size_t sim_max_size; /* --counters sim: largest max(m,n,k) simulated */
	int sim_sample;      /* 1: simulate large configurations on a slice (sim.c) */
	double min_time_s;
	int min_reps, max_reps;
	char probe[16];
	uint64_t seed;
	/* the tuned kernel's blocking, [dtype][MC, KC, NC], 0 = not set
	 * (src/lib/tuning.c resolves it; plan.prof records what ran) */
	size_t tuned[2][3];
	int nkopts;
	tkp_plan_kernel kopts[TKP_PLAN_MAX_KERNELS];
	/* user kernels (--kernel-file): comma-separated files, loaded by the
	 * CLI; repeated lines of a profile make one list); their
	 * time limit per configuration, 0 = derived from FLOPs and the peak */
	char kernel_files[TKP_PLAN_KERNEL_FILES_MAX];
	double kernel_timeout_s;
} tkp_plan;

/* One configuration of the expanded plan. */
typedef struct tkp_config {
	const tkp_kernel *kernel;
	tkp_dtype dtype;
	size_t m, n, k;
	int block;   /* effective tile edge; 0 when the kernel takes none */
	int threads; /* 1 when the kernel takes none */
} tkp_config;

/* The built-in defaults (every kernel, sizes 64:512:x2, f64, auto). */
void tkp_plan_defaults(tkp_plan *p);

/* Loads a profile file over *p.  On error err gets "file:line: message"
 * (TKP_EPARSE) or "file: why" (TKP_EIO). */
int tkp_plan_load(tkp_plan *p, const char *path, char *err, size_t errlen);

/* Sets one key as a profile line would ("sweep"/"kernels", "kernel.naive"/
 * "max_size", ...).  On error err says what was expected (no location: the
 * caller prefixes file:line or the option name). */
int tkp_plan_set(tkp_plan *p, const char *section, const char *key, const char *value,
		 char *err, size_t errlen);

/* Writes the plan as a profile that tkp_plan_load reads back. */
int tkp_plan_write(const tkp_plan *p, FILE *fp);

/* Parsers shared with the command line. */
int tkp_parse_sizes(const char *s, tkp_size_list *out, char *err, size_t errlen);
int tkp_parse_shape(const char *s, tkp_shape *out, char *err, size_t errlen);
/* Ints ≥ lo and ≤ hi, with ranges; `auto` (→ 0) when allow_auto, `ncpu`. */
int tkp_parse_ints(const char *s, int lo, int hi, int allow_auto, tkp_int_list *out,
		   char *err, size_t errlen);

/* 1 when kernel options ko (NULL: none) leave shape s out of the plan:
 * its largest dimension is above ko's max_size. */
int tkp_plan_capped(const tkp_plan_kernel *ko, const tkp_shape *s);

/* Expands the plan into configurations in run order: dtype, kernel, then
 * size ascending (so a kernel's small sizes predict its large ones), then
 * block and threads.  Caller frees *out. */
int tkp_plan_expand(const tkp_plan *p, tkp_config **out, size_t *n);

#endif
