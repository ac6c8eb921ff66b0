/*
 * probe.h - the empirical machine probe: what this machine really does, as
 * opposed to what it reports.
 *
 *   team.c    a team of worker threads pinned one per CPU, run in lock-step
 *   flops.c   peak FMA throughput per dtype, ISA path and thread count
 *   stream.c  read-only and triad bandwidth for a given working set
 *   chase.c   load-to-use latency by a randomised pointer chase
 *   knee.c    cache sizes and plateaus from a latency-vs-size curve
 *   probe.c   the whole probe, and ceilings.csv / hierarchy.csv
 *
 * Everything here returns 0 or a negative TKP_E* code and never prints.
 * Measurements repeat a timed run until it lasts at least min_time seconds
 * and keep the best of `samples` such runs (highest throughput, lowest
 * latency): a ceiling is what the machine can reach, and on a shared
 * machine the slow runs are the ones that were disturbed.
 */
#ifndef TKP_PROBE_H
#define TKP_PROBE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "tkprofile.h"
#include "kernels.h"
#include "machine.h"

/* ---- pinned thread team (team.c) --------------------------------------- */

typedef struct tkp_team tkp_team;
/* Work for one thread of the team: tid in [0, nthreads). */
typedef void (*tkp_team_fn)(void *arg, int tid, int nthreads);

/*
 * Starts nthreads workers, worker i pinned to cpus[i] (cpus NULL or a
 * failed pin: unpinned, see tkp_team_pinned).  The calling thread is never
 * pinned, so the rest of the program keeps its affinity.
 */
int tkp_team_open(tkp_team **out, int nthreads, const int *cpus);
/* Runs fn on every worker at once and returns when all have finished. */
int tkp_team_run(tkp_team *t, tkp_team_fn fn, void *arg);
int tkp_team_size(const tkp_team *t);
/* 1 when every worker is pinned to its CPU. */
int tkp_team_pinned(const tkp_team *t);
void tkp_team_close(tkp_team *t);

/* Memory for working sets: tkp_bigpages_alloc (src/kernels/bigpages.h),
 * huge pages for the latency staircase so that TLB misses stay out of it,
 * ordinary ones for the bandwidth loops, as likwid-bench's arrays get
 * (bench/ceilings.sh puts the two side by side). */

/* ---- peak compute (flops.c) -------------------------------------------- */

/* "scalar", "avx2", "avx512": the ISA column of ceilings.csv. */
const char *tkp_probe_isa_name(tkp_isa isa);

/*
 * Peak FMA throughput of the team in GFLOP/s with dtype dt on ISA path isa
 * (TKP_ISA_GENERIC: scalar FMA).  Each thread keeps TKP_PEAK_ACC independent
 * accumulators in registers (two FMA pipes × 4-cycle latency need 8; 12
 * also covers 5-cycle FMAs), so the chain latency never limits throughput.
 * TKP_ENOTSUP when the CPU or build lacks the path.
 */
#define TKP_PEAK_ACC 12
int tkp_probe_peak(tkp_team *team, tkp_dtype dt, tkp_isa isa, double min_time, int samples,
		   double *gflops);

/* ---- bandwidth (stream.c) ---------------------------------------------- */

typedef enum tkp_bw_test {
	TKP_BW_READ = 0, /* sum of one array: 8 bytes per element loaded */
	TKP_BW_TRIAD,    /* a = b + s·c: 24 bytes per element (STREAM's count,
			  * write-allocate traffic not counted) */
} tkp_bw_test;
const char *tkp_bw_test_name(tkp_bw_test t);

typedef struct tkp_bw tkp_bw;
/*
 * Buffers for working sets up to max_bytes in total, split evenly over the
 * team's threads; each thread allocates and touches its own part (local
 * pages, faults taken before any timing).  isa: the vector path of the
 * kernels (the best one by default).
 */
int tkp_bw_open(tkp_bw **out, tkp_team *team, size_t max_bytes, tkp_isa isa);
/*
 * Bandwidth in GB/s (1e9 bytes/s) of test over a working set of `bytes` in
 * total (all arrays, all threads).  *actual gets the working set really
 * used (each thread's arrays are whole multiples of 64 bytes).
 */
int tkp_bw_measure(tkp_bw *b, tkp_bw_test test, size_t bytes, double min_time, int samples,
		   double *gbs, size_t *actual);
void tkp_bw_close(tkp_bw *b);

/* ---- latency (chase.c) ------------------------------------------------- */

/*
 * Links n nodes of `stride` bytes at base into one cycle in random order
 * (Sattolo's algorithm: every node is visited exactly once before the walk
 * returns to its start), the first pointer of each node pointing to the
 * next node.  With block > 0 (nodes) the cycle walks all of one block of
 * `block` consecutive nodes, in random order, before it moves on to the
 * next block (blocks in random order too; 0: one block).  *start gets the
 * first node.  TKP_ENOMEM when the index arrays cannot be allocated.
 */
int tkp_chase_build(void *base, size_t n, size_t stride, size_t block, uint64_t seed, void **start);
/* Follows steps pointers from p; returns where it ended. */
void *tkp_chase_walk(void *p, uint64_t steps);

typedef struct tkp_chase tkp_chase;
/* A buffer for chases over up to max_bytes, 64-byte nodes, walked by a
 * worker pinned to cpu (-1: the first CPU this process may use). */
int tkp_chase_open(tkp_chase **out, size_t max_bytes, int cpu);
/* Nanoseconds per dependent load over a working set of bytes. */
int tkp_chase_measure(tkp_chase *c, size_t bytes, double min_time, int samples, double *ns);
void tkp_chase_close(tkp_chase *c);

/* ---- knees (knee.c) ---------------------------------------------------- */

#define TKP_KNEE_MAX 8
/* Plateaus of a curve that rises with the working set. */
typedef struct tkp_knees {
	int nlevels;                    /* plateaus found (caches + memory) */
	double level[TKP_KNEE_MAX];     /* each plateau's value (median) */
	double size[TKP_KNEE_MAX];      /* bytes where level i ends; the last is NAN */
	size_t first[TKP_KNEE_MAX];     /* index range of the plateau's points */
	size_t last[TKP_KNEE_MAX];
	int tail;                       /* 1: the last level is the largest points of
					 * a curve still rising, not a plateau */
} tkp_knees;

/*
 * Finds the plateaus and knees of value(bytes), n points with bytes
 * increasing and value > 0 (latency in ns).  The curve is smoothed in
 * log-log (running median of three), points whose local slope is below
 * 0.25 (value grows < 28% per doubling) are flat, runs of flat points are
 * plateaus, and plateaus less than 1.5x apart are merged (noise, TLB steps;
 * real cache levels are 3x or more apart).
 * A cache size is where the curve crosses the geometric midpoint between
 * two plateaus, interpolated between points (see knee.c for why).
 * nlevels may be 0 (no plateau at all).  TKP_EINVAL for fewer than 4 or
 * more than 4096 points, non-increasing sizes or values that are not > 0.
 */
int tkp_knee_detect(const double *bytes, const double *value, size_t n, tkp_knees *out);

/*
 * Matches measured cache sizes (ascending, nk of them) to reported ones
 * (ascending, finite, nr of them): assign[i] gets the reported index for
 * measured size i, or -1.  min(nk, nr) pairs are made, order-preserving,
 * minimising the total |log(measured/reported)|: a spurious extra knee (a
 * TLB step) is left out, a reported level without a knee stays unmeasured,
 * and a reported size that is wrong (a VM's) still gets its knee when the
 * counts agree.  With nr == 0 every assign[i] is -1.
 */
void tkp_knee_match(const double *measured, int nk, const double *reported, int nr, int *assign);

/* ---- the whole probe (probe.c) ------------------------------------------ */

#define TKP_PROBE_MAX_THREADS 64

typedef struct tkp_probe_opts {
	int quick;                             /* ≤ 10 s instead of ≤ 60 s */
	int nthreads;                          /* 0: 1, 2, 4, ... and all cores */
	int threads[TKP_PROBE_MAX_THREADS];    /* thread counts, each ≤ CPUs */
	size_t max_bytes;                      /* largest working set; 0: default */
	volatile sig_atomic_t *stop;           /* non-zero: stop (TKP_EINTR) */
	/* Called before each stage with a short description (may be NULL). */
	void (*progress)(void *ctx, const char *what);
	void *ctx;
} tkp_probe_opts;
void tkp_probe_opts_init(tkp_probe_opts *o);

/* One row of hierarchy.csv. */
typedef struct tkp_probe_point {
	int test; /* TKP_PROBE_LATENCY or TKP_BW_* + 1 */
	int threads;
	double bytes, value;
} tkp_probe_point;
enum { TKP_PROBE_LATENCY = 0, TKP_PROBE_READ = 1, TKP_PROBE_TRIAD = 2 };

/* One peak row. */
typedef struct tkp_peak_row {
	tkp_dtype dtype;
	tkp_isa isa;
	int threads;
	double gflops;
} tkp_peak_row;

/* One memory level (L1, L2, L3, ..., DRAM) as measured. */
typedef struct tkp_probe_level {
	char name[8];                       /* "L1", "L2", "L3", "DRAM" */
	double measured_bytes;              /* NAN for DRAM */
	double reported_bytes;              /* NAN when not reported */
	double latency_ns;                  /* plateau latency (1 thread) */
	double read_gbs[TKP_PROBE_MAX_THREADS]; /* plateau read bandwidth, per
						 * entry of threads[]; NAN if none */
} tkp_probe_level;

typedef struct tkp_probe {
	int quick;
	double seconds;
	size_t max_bytes;
	tkp_isa bw_isa;                         /* vector path of the stream kernels */
	int nthreads;
	int threads[TKP_PROBE_MAX_THREADS];
	int pinned;                             /* every team was pinned */
	/* The worst multi-thread peak against threads × the 1-thread peak of
	 * the same dtype and path after the rechecks (1 when none), and its
	 * thread count: well below 1, the CPUs were not all free (other
	 * processes, a hypervisor taking a vCPU away). */
	double peak_scaling;
	int peak_scaling_threads;
	tkp_probe_point *points;
	size_t npoints, cappoints;
	tkp_peak_row *peaks;
	size_t npeaks, cappeaks;
	int nlevels;
	tkp_probe_level levels[TKP_KNEE_MAX];
} tkp_probe;

/*
 * Runs the probe on this machine (m: reported caches, CPUs to pin to).
 * Returns TKP_EINVAL for bad options (a thread count above the CPUs this
 * process may use), TKP_ENOMEM, TKP_EINTR when *stop was raised.
 */
int tkp_probe_run(const tkp_machine *m, const tkp_probe_opts *o, tkp_probe **out);
void tkp_probe_free(tkp_probe *p);

/* Copies the measured cache sizes into m->caches (adding levels that were
 * measured but not reported) and the probe's quick/seconds. */
void tkp_probe_apply(const tkp_probe *p, tkp_machine *m);

/* A multi-thread peak below this share of threads × the 1-thread peak is
 * measured again, and warned about if it stays there (probe.c). */
#define TKP_PROBE_SCALING_LOW 0.75
/* Peak row i against threads × the 1-thread peak of its dtype and path;
 * NAN for 1-thread rows and rows without a 1-thread partner. */
double tkp_probe_peak_scaling(const tkp_probe *p, size_t i);
/* Sets p->peak_scaling and p->peak_scaling_threads from the peak rows: the
 * lowest tkp_probe_peak_scaling (1 and 0 when there is none). */
void tkp_probe_worst_scaling(tkp_probe *p);

/* One compute peak measured again, the full probe's way (its sample time
 * and count, every round, the best kept), with `threads` workers pinned to
 * m's CPUs: for a ceiling a kernel went above.  TKP_EINVAL for threads
 * outside 1..TKP_PROBE_MAX_THREADS, TKP_ENOTSUP for a path this CPU lacks. */
int tkp_probe_peak_again(const tkp_machine *m, tkp_dtype dt, tkp_isa isa, int threads,
			 double *gflops);

/* ceilings.csv and hierarchy.csv (DESIGN.md), written atomically. */
int tkp_probe_write_ceilings(const tkp_probe *p, const char *path);
int tkp_probe_write_hierarchy(const tkp_probe *p, const char *path);

#define TKP_CEILINGS_HEADER "ceiling,dtype,isa,threads,value,unit,source"
#define TKP_HIERARCHY_HEADER "test,threads,bytes,value,unit"

#endif
