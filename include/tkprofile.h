/*
 * tkprofile.h - the public API of libtkprofile.
 *
 * libtkprofile measures compute kernels the way the tkprofile driver does:
 * a timer (CLOCK_MONOTONIC, plus TSC cycles where present), hardware
 * counters through PAPI when the machine exposes them, CPU utilisation and
 * RSS growth.  Two ways in:
 *
 *   - regions around your own code (tkp_region_begin / tkp_region_end),
 *     accumulated per name inside a session, like LIKWID's marker API;
 *   - running one of the registered matrix-multiplication kernels by name
 *     (tkp_kernel_find, tkp_measure_kernel).
 *
 * Conventions: every function returns 0 on success or a negative TKP_E*
 * code; tkp_strerror() turns a code into text.  The library never prints
 * and never exits.  Values that were not measured are NAN (use isnan()),
 * never 0.
 *
 * ABI promise (libtkprofile.so.1).  The library exports exactly the
 * functions declared here, nothing else (the build makes its export list
 * from this file).  Within one soname these stay as they are: every
 * function's name, arguments and meaning, every enum value, and the fields
 * of every struct here in their order.  Structs grow only at the end:
 *
 *   - Structs you fill and hand in (tkp_gemm, tkp_measure_opts) end with
 *     `size`: 0, or sizeof as tkp_measure_opts_init sets it, both mean
 *     this header's layout.  Fields added later go after `size`, and the
 *     library reads only the fields your `size` says you have (0 being
 *     this layout), so a program built now keeps working with later
 *     libraries of this soname; zero-initialise (designated initialisers,
 *     or the init function) so that `size` is never garbage.  A size the
 *     library does not know (a program built against a newer header) is
 *     TKP_EINVAL.
 *   - Structs the library fills (tkp_result, tkp_region_stats) are sized
 *     by your compiler: tkp_measure_kernel and tkp_session_region are
 *     macros passing sizeof *out to the exported *_sized function, which
 *     writes no more than that.
 *   - Structs the library owns (tkp_kernel, returned by pointer) and the
 *     opaque handles (tkp_counters, tkp_session) may grow at any time:
 *     never allocate or copy them yourself.
 *   - The metric arrays (counters[TKP_M_COUNT], the values of
 *     tkp_counters_stop) keep TKP_M_COUNT = 6 cells: metrics added later
 *     come as fields at the end, not as longer arrays.
 *
 * Versions follow libtool's -version-info CURRENT:REVISION:AGE rule: a
 * release that only adds (a function, a field at the end, an enum value)
 * raises CURRENT and AGE, and the soname stays; one that removes or
 * changes anything above raises CURRENT and sets AGE to 0, which changes
 * the soname.  TKP_VERSION_STRING is the package's version, not the ABI's.
 */
#ifndef TKPROFILE_H
#define TKPROFILE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TKP_VERSION_STRING "0.1.0"

/* ---- errors ---------------------------------------------------------- */

enum tkp_error {
	TKP_OK = 0,
	TKP_EINVAL = -1,    /* bad argument */
	TKP_ENOMEM = -2,    /* allocation failed or would not fit */
	TKP_EIO = -3,       /* read or write failed (errno says more) */
	TKP_ENOTSUP = -4,   /* not available on this machine or build */
	TKP_ENOENT = -5,    /* no such kernel, region, file or event */
	TKP_EPARSE = -6,    /* malformed input file */
	TKP_ECOUNTERS = -7, /* counters could not be set up or read */
	TKP_EVERIFY = -8,   /* kernel result failed verification */
	TKP_ERANGE = -9,    /* number out of range */
	TKP_EEXIST = -10,   /* refusing to overwrite existing results */
	TKP_EINTR = -11,    /* interrupted */
};

/* Text for a TKP_E* code; never NULL. */
const char *tkp_strerror(int err);

/* The library version, e.g. "0.1.0". */
const char *tkp_version(void);

/* ---- data types and kernels ------------------------------------------ */

typedef enum tkp_dtype { TKP_F32 = 0, TKP_F64 = 1 } tkp_dtype;

/* "f32"/"f64", and sizeof one element; "?" and 0 for a value that is no
 * tkp_dtype. */
const char *tkp_dtype_name(tkp_dtype t);
size_t tkp_dtype_size(tkp_dtype t);
/* Parses "f32"/"f64" (also "float"/"double"); TKP_EINVAL otherwise, or
 * when s or out is NULL. */
int tkp_dtype_parse(const char *s, tkp_dtype *out);

/*
 * One GEMM problem: C = A·B, all row-major and dense
 * (A is m×k with row stride k, B is k×n with stride n, C is m×n with
 * stride n).  C is overwritten, not accumulated into.
 */
typedef struct tkp_gemm {
	tkp_dtype dtype;
	size_t m, n, k;
	const void *a, *b;
	void *c;
	int block;   /* tile edge for kernels that take one; 0 = default */
	int threads; /* worker threads for kernels that take them; 0 = 1 */
	/* The tuned kernel's cache blocking in elements (MC rows of A, KC
	 * of k, NC columns of B; MC and NC are rounded down to the
	 * micro-kernel's MR and NR); 0 = derive from the cache sizes.
	 * tkp_measure_kernel fills them from the resolved tuning (a
	 * profile's tuned_mc/kc/nc, the `tkprofile tune --save` file,
	 * TKP_TUNED_MC/KC/NC); other kernels ignore them, and so does
	 * tuned on small problems and on a few rows against a large B,
	 * which it blocks by the cache sizes. */
	size_t mc, kc, nc;
	size_t size; /* 0 or sizeof(tkp_gemm): the layout above (see the top) */
} tkp_gemm;

/* Capability bits of a kernel. */
enum tkp_kernel_caps {
	TKP_CAP_BLOCK = 1u << 0,    /* uses tkp_gemm.block */
	TKP_CAP_THREADS = 1u << 1,  /* uses tkp_gemm.threads */
	TKP_CAP_SIMD = 1u << 2,     /* has AVX2/AVX-512 paths chosen at run time */
	TKP_CAP_EXTERNAL = 1u << 3, /* calls a library (BLAS) */
	TKP_CAP_REFERENCE = 1u << 4 /* the reference the others are checked against */
};

typedef int (*tkp_kernel_fn)(const tkp_gemm *g);

typedef struct tkp_kernel {
	const char *name; /* short, stable: used in CSV and on the command line */
	const char *desc; /* one line */
	tkp_kernel_fn fn;
	unsigned caps;
	/* NULL if always runnable; otherwise returns NULL when runnable here or
	 * a reason it is not ("built without CBLAS: configure --with-blas"). */
	const char *(*unavailable)(void);
} tkp_kernel;

/* The registry: kernels in ladder order (naive first). */
size_t tkp_kernel_count(void);
const tkp_kernel *tkp_kernel_at(size_t i);
/* NULL if there is no kernel of that name. */
const tkp_kernel *tkp_kernel_find(const char *name);
/* NULL when the kernel can run on this machine and build, else why not
 * (k NULL: "no kernel given"). */
const char *tkp_kernel_why_unavailable(const tkp_kernel *k);
/* Runs k on g after checking arguments (g->size included); returns the
 * kernel's result.  Kernels receive a tkp_gemm of this header's layout. */
int tkp_kernel_run(const tkp_kernel *k, const tkp_gemm *g);
/* The tile edge a blocked kernel uses when asked for block 0: the largest
 * multiple of 16 whose b×b tile of the dtype fits the L1 data cache. */
int tkp_kernel_default_block(tkp_dtype dt);

/* The instruction-set path SIMD kernels take on this CPU: "avx512",
 * "avx2" or "generic"; TKP_ISA in the environment overrides (downwards
 * only: asking for avx512 on an AVX2-only CPU gives avx2). */
const char *tkp_isa_name(void);

/* ---- metrics and results --------------------------------------------- */

/* Counter metrics, in sweep.csv's column order. */
enum tkp_metric {
	TKP_M_CYCLES = 0,
	TKP_M_INSTRUCTIONS,
	TKP_M_L1_DCM,
	TKP_M_L2_DCM,
	TKP_M_L3_TCM,
	TKP_M_FP_OPS,
	TKP_M_COUNT
};
/* CSV column name of a metric ("cycles", "l1_dcm", ...). */
const char *tkp_metric_name(int metric);

/* Where counter values came from. */
typedef enum tkp_counter_source {
	TKP_SRC_NONE = 0, /* not measured */
	TKP_SRC_PAPI,     /* hardware (or software-defined) counters via PAPI */
	TKP_SRC_SIM       /* simulated (valgrind) */
} tkp_counter_source;
const char *tkp_counter_source_name(tkp_counter_source s);

/* One measured configuration: the columns of sweep.csv. */
typedef struct tkp_result {
	char kernel[32];
	tkp_dtype dtype;
	size_t m, n, k;
	int block, threads;
	int reps;           /* timed repetitions (warm-up not counted), in calls:
	                     * a call too short to time alone is timed in
	                     * batches, each batch counting its calls */
	double time_s;      /* median */
	double time_s_min;
	double time_s_mad;  /* median absolute deviation */
	double gflops;      /* flops_model / time_s / 1e9 */
	double counters[TKP_M_COUNT]; /* per repetition; NAN = not measured */
	double flops_model, bytes_model, ai_model, ai_dram;
	double cpu_util;     /* CPU / wall / threads, 0..1: the calling thread's
	                      * CPU time on 1 thread, the process's on more */
	double rss_delta_mb; /* growth of the peak RSS over the run */
	tkp_counter_source counter_source;
	int verified;        /* 1 passed, 0 failed, -1 not checked */
	double max_rel_err;  /* NAN when not checked */
	double tsc_cycles;   /* median TSC ticks per repetition; NAN without TSC */
	int counter_flags;   /* TKP_CF_* */
	/* Fields added later go here (see the ABI promise at the top). */
	/* Intensity per memory level, FLOP per byte across each boundary:
	 * FLOPs (fp_ops where counted, else flops_model) over the lines that
	 * missed the level above it times the line size: ai_l2 across L1-L2
	 * (l1_dcm), ai_l3 across L2-L3 (l2_dcm); ai_dram above is L3-DRAM
	 * (l3_tcm).  NAN where that level's misses were not counted. */
	double ai_l2, ai_l3;
	/* The share of the problem the counts come from: 1 for a whole run,
	 * less when a simulation counted a slice and scaled the counts to the
	 * whole; NAN when nothing was counted. */
	double counted_fraction;
	/* Of the reps, those timed while another program took the CPU from
	 * the kernel's threads (lost over 5% of wall time × threads, with an
	 * involuntary switch on more than one thread; 0 on a clean row).
	 * They are left out of time_s, time_s_min, time_s_mad and tsc_cycles
	 * and made up for, within a bound; when every one was disturbed
	 * (disturbed == reps) those figures come from them. */
	int disturbed;
} tkp_result;

/* counter_flags bits */
enum {
	TKP_CF_PASSES_DISAGREE = 1, /* the reference event of the passes differs by > 10% */
	TKP_CF_CALLER_ONLY = 2      /* counts cover the calling thread only (a library's
				     * thread pool started before the counters) */
};

/* Fills the model columns (flops, bytes, ai) of r from dtype, m, n, k
 * (nothing for NULL). */
void tkp_result_model(tkp_result *r);

/* ---- measuring a registered kernel ------------------------------------ */

typedef struct tkp_measure_opts {
	double min_time_s; /* keep repeating until this much was timed (0.2) */
	int min_reps;      /* at least this many timed runs (3) */
	int max_reps;      /* at most this many calls (1000); min_reps
	                    * batches of a call too short to time alone
	                    * may hold more */
	int warmup;        /* untimed runs first (1) */
	int verify;        /* 1: check C with Freivalds' test after the runs */
	uint64_t seed;     /* for the input matrices and the check vectors */
	struct tkp_counters *counters; /* NULL: no counters */
	volatile int *stop;            /* if set and non-zero, stop repeating */
	size_t size; /* sizeof(tkp_measure_opts), set by the init function; 0 = the
		      * layout above (see the ABI promise at the top) */
} tkp_measure_opts;

/* The defaults above, size included (nothing for NULL). */
void tkp_measure_opts_init(tkp_measure_opts *o);

/*
 * Bytes that measuring this configuration allocates (A, B, C and the
 * verification vectors), or 0 on overflow: callers refuse a configuration
 * before allocating when this exceeds the memory they allow.
 */
size_t tkp_measure_bytes(tkp_dtype dt, size_t m, size_t n, size_t k);

/*
 * Allocates and fills A and B, runs kernel k with the given shape, block
 * and threads (warm-up, then adaptive repetitions), counts (one run per
 * counter pass), verifies C, and fills *r.  When *o->stop is raised the
 * repetitions end after the current one (at least one timed run is always
 * made) and no counting runs follow.  Returns 0, TKP_EINVAL, TKP_ENOMEM,
 * TKP_ENOTSUP (kernel unavailable) or the kernel's or counters' error.
 * A failed verification is not an error: r->verified says it.  block 0 is
 * the kernel's default tile edge (recorded in r->block); a block for a
 * kernel that takes none, or threads above 1 for a single-threaded one, is
 * TKP_EINVAL, as is a dtype that is neither TKP_F32 nor TKP_F64.  o NULL:
 * the defaults; a size of *o or *r the library does not know is
 * TKP_EINVAL.  A macro, so that the library learns sizeof *r (the ABI
 * promise at the top): call it as a function.
 */
#define tkp_measure_kernel(k, dt, m, n, kk, block, threads, o, r)                      \
	tkp_measure_kernel_sized((k), (dt), (m), (n), (kk), (block), (threads), (o), (r), \
				 sizeof *(r))
int tkp_measure_kernel_sized(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n,
			     size_t kk, int block, int threads,
			     const tkp_measure_opts *o, tkp_result *r, size_t rsize);

/* ---- counters --------------------------------------------------------- */

typedef struct tkp_counters tkp_counters;

typedef enum tkp_counter_mode {
	TKP_COUNTERS_NONE = 0,
	TKP_COUNTERS_AUTO, /* PAPI where the events work, else none */
	TKP_COUNTERS_PAPI  /* PAPI or fail */
} tkp_counter_mode;

/*
 * Opens the counter layer.  groups_dir holds the group files (NULL: the
 * installed default).  On success *out may count nothing (mode NONE, or
 * AUTO on a machine without counters): tkp_counters_why() then says why.
 * With TKP_COUNTERS_PAPI and no usable counters, returns TKP_ECOUNTERS and
 * writes the reason into why.
 */
int tkp_counters_open(tkp_counters **out, tkp_counter_mode mode,
		      const char *groups_dir, char *why, size_t whylen);
void tkp_counters_close(tkp_counters *c);
/* Number of passes needed to count every metric (0 when counting none). */
int tkp_counters_passes(const tkp_counters *c);
/* Empty string when every metric is counted, else why some are not. */
const char *tkp_counters_why(const tkp_counters *c);
/* Start counting pass p on the calling thread (and the threads it creates). */
int tkp_counters_start(tkp_counters *c, int pass);
/* Stop pass p and add its counts into values[TKP_M_COUNT] (NAN cells of
 * metrics not in this pass are left alone). */
int tkp_counters_stop(tkp_counters *c, int pass, double *values);

/* ---- sessions and regions (profile your own code) --------------------- */

typedef struct tkp_session tkp_session;

#define TKP_REGION_NAME_MAX 64 /* a region's name, its NUL included */

typedef struct tkp_region_stats {
	char name[TKP_REGION_NAME_MAX]; /* a copy: valid after the session changes */
	long calls;
	double time_s;   /* total wall time inside the region */
	double counters[TKP_M_COUNT]; /* totals; NAN = not measured */
	tkp_counter_source counter_source;
	/* Fields added later go here (see the ABI promise at the top). */
} tkp_region_stats;

/* Opens a session; counters may be NULL (timer only).  The session does not
 * own the counters.  A session belongs to the thread that opened it: begin
 * and end from another thread are refused (TKP_EINVAL), since counters
 * count per thread and the region table is not locked; give each thread
 * its own session (and counters).  Closing twice is a double free, as
 * with free(). */
int tkp_session_open(tkp_session **out, tkp_counters *counters);
void tkp_session_close(tkp_session *s);
/* Regions nest by name but not recursively (TKP_EINVAL for a region begun
 * again before it ends); names are 1 to TKP_REGION_NAME_MAX - 1 bytes
 * (TKP_EINVAL otherwise).  Counters (the first pass of the set) count the
 * outermost active region only: one event set cannot run twice at once,
 * so regions nested inside it report NAN counters.  end of a region never
 * begun: TKP_ENOENT; of one not active: TKP_EINVAL. */
int tkp_region_begin(tkp_session *s, const char *name);
int tkp_region_end(tkp_session *s, const char *name);
/* Results: number of regions, and region i's totals.  tkp_session_region
 * is a macro passing sizeof *out (the ABI promise at the top); a size the
 * library does not know is TKP_EINVAL. */
size_t tkp_session_nregions(const tkp_session *s);
#define tkp_session_region(s, i, out) tkp_session_region_sized((s), (i), (out), sizeof *(out))
int tkp_session_region_sized(const tkp_session *s, size_t i, tkp_region_stats *out,
			     size_t outsize);

/* ---- timer ------------------------------------------------------------ */

/* Seconds from CLOCK_MONOTONIC. */
double tkp_timer_now(void);

#ifdef __cplusplus
}
#endif
#endif
