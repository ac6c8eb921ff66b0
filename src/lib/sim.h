/*
 * sim.h - simulated cache counters: one kernel run replayed under
 * valgrind's cache simulator (callgrind), for machines without a PMU.
 *
 * How: for each configuration the tkprofile binary itself is started as a
 * child, `valgrind --tool=callgrind --cache-sim=yes --collect-atstart=no
 * --toggle-collect=tkp_gemm_<kernel> ... tkprofile run --sim-child ...`,
 * which allocates and fills A and B as a measured run does (same seed) and
 * calls the kernel twice: a warm-up, whose costs are dumped apart, and the call
 * that is counted (no repetitions, no verification; counts are per run, as
 * with hardware counters).  Collection is toggled on for the kernel
 * function (callees included) and,
 * in worker threads, for the threaded kernel's thread entry, so the counts
 * cover the kernel's work only.  valgrind simulates two levels (L1 and a
 * last level, "LL"), so a configuration is simulated twice, with LL = L2
 * and with LL = L3 (at once when there are two CPUs):
 *
 *   instructions = Ir                  (either run)
 *   l1_dcm       = D1mr + D1mw         (either run: the L1 model is the same)
 *   l2_dcm       = DLmr + DLmw         (LL = L2)
 *   l3_tcm       = ILmr + DLmr + DLmw  (LL = L3)
 *
 * cycles and fp_ops are not simulated (NAN).  ai_dram, which needs fp_ops
 * with hardware counters, is flops_model / (l3_tcm × line) for simulated
 * rows: GEMM's model FLOPs are exact.
 *
 * Limits, stated where they show: valgrind runs the guest as a CPU without
 * AVX-512 (its cpuid reports AVX2 at most), so the simulated run of a SIMD
 * kernel takes the AVX2 path even where the timed run took AVX-512 (as
 * its simulation twin, isa.c: the same addresses, run 13x faster); threads
 * share one simulated cache hierarchy (valgrind runs them one at a time),
 * and a library's own threads (OpenBLAS's pool) cannot be followed, so a
 * library kernel is simulated on one thread, all of its work counted;
 * the caches are modelled as LRU, write-allocate, without prefetchers; and
 * valgrind needs a power-of-two number of sets, so geometries are rounded
 * (tkp_sim_geometry.note says how).  Counts are deterministic: the same
 * configuration gives the same numbers run after run (valgrind is started
 * without address-space randomisation, so the matrices fall in the same
 * cache sets).  With threads, instructions repeat exactly and misses to a
 * few in 10^4: valgrind serialises the threads, and where one blocks in a
 * system call (creation, join) the hand-over depends on real time.
 */
#ifndef TKP_SIM_H
#define TKP_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "machine.h"
#include "tkprofile.h"

/* One simulated cache: valgrind's --I1/--D1/--LL=size,assoc,line. */
typedef struct tkp_sim_cache {
	long long size; /* bytes; 0: no such level (not simulated) */
	int assoc;
	int line;
} tkp_sim_cache;

typedef struct tkp_sim_geometry {
	tkp_sim_cache i1, d1, l2, l3;
	char note[512]; /* what was assumed or rounded; "" when nothing */
} tkp_sim_geometry;

/*
 * The geometry to simulate for machine m (its reported cache sizes, the
 * measured ones where none are reported), each level rounded to what
 * valgrind accepts: line a power of two ≥ 16 (else 64), unknown
 * associativity taken as 8 (16 for L3), and the number of sets rounded
 * down to a power of two by shrinking the size.  A level m lacks is left
 * at size 0 (L1 data: 32 KiB 8-way assumed).  Never fails.
 */
void tkp_sim_geometry_from_machine(const tkp_machine *m, tkp_sim_geometry *g);

/* "48 KiB 12-way" style text for one level into buf. */
void tkp_sim_cache_text(const tkp_sim_cache *c, char *buf, size_t len);

/* Event totals of one callgrind output file. */
typedef struct tkp_sim_counts {
	double ir, dr, dw, i1mr, d1mr, d1mw, ilmr, dlmr, dlmw;
} tkp_sim_counts;

/*
 * Parses a callgrind output file: the `events:` header and the `totals:`
 * (else `summary:`) line; trailing events callgrind leaves out are 0.  If
 * fn is not NULL, *fn_seen says whether a function of that name appears in
 * the file (as a function with costs or a callee: either way it ran while
 * collecting).  TKP_ENOENT/TKP_EIO when unreadable, TKP_EPARSE when not a
 * callgrind file with cache events; err gets "path: what".
 */
int tkp_sim_parse(const char *path, tkp_sim_counts *out, const char *fn, int *fn_seen,
		  char *err, size_t errlen);

typedef struct tkp_sim tkp_sim;

typedef struct tkp_sim_opts {
	const char *exe;      /* the tkprofile binary to run as the child (required) */
	const char *valgrind; /* NULL: "valgrind" found in PATH */
	double timeout_s;     /* per simulation; 0: none */
	int parallel;         /* run the LL=L2 and LL=L3 simulations at once */
	volatile int *stop;   /* if set and raised, running simulations are killed */
	int no_sample;        /* 1: simulate every configuration whole (no slices) */
} tkp_sim_opts;

/*
 * Prepares simulations: finds valgrind, checks that it runs, makes a
 * private temporary directory.  geo NULL: the geometry of this machine
 * (tkp_machine_describe).  TKP_ENOTSUP when valgrind is missing or broken
 * (why says so and how to install it), TKP_EINVAL, TKP_EIO, TKP_ENOMEM.
 */
int tkp_sim_open(tkp_sim **out, const tkp_sim_opts *o, const tkp_sim_geometry *geo,
		 char *why, size_t whylen);
void tkp_sim_close(tkp_sim *s);
/* valgrind's version ("valgrind-3.19.0") and the geometry simulated. */
const char *tkp_sim_version(const tkp_sim *s);
const tkp_sim_geometry *tkp_sim_geometry_of(const tkp_sim *s);

/* Sampling on (1, the default) or off (0: every configuration whole). */
void tkp_sim_set_sample(tkp_sim *s, int on);

/*
 * The row slices simulated for a configuration (see sim.c's opening
 * comment): *m1 = 0 when it is simulated whole; else the counted slices
 * are the first *m1 rows of C and, when *m2 > 0, the first *m2 rows too
 * (two slices, extrapolated to m).  g gives the cache sizes the slices
 * must keep their operands' relation to.  blocked and threaded are
 * sampled by column panels instead (*m1 = 0 here for them).
 */
void tkp_sim_slices(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		    int threads, const tkp_sim_geometry *g, size_t *m1, size_t *m2);

/*
 * Simulates one configuration and writes the simulated metrics into
 * r->counters (the others become NAN), counter_source = TKP_SRC_SIM and
 * ai_dram, ai_l2, ai_l3 and counted_fraction (the share of C counted,
 * rows or columns; 1 when simulated whole); the timing and model columns of r are
 * left alone.  When a
 * threaded kernel's workers were not seen by the simulation,
 * r->counter_flags gets TKP_CF_CALLER_ONLY.  Returns 0; TKP_ECOUNTERS with why (valgrind's last
 * words) when a simulation failed or timed out; TKP_EINTR when stopped.
 * On failure r is untouched.
 */
int tkp_sim_run(tkp_sim *s, const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
		int block, int threads, uint64_t seed, tkp_result *r, char *why, size_t whylen);

/*
 * The child's side (`tkprofile run --sim-child [--sim-rows M1,M2,FLUSH]`):
 * allocates and fills A and B from seed exactly as tkp_measure_kernel does
 * and runs the kernel: a warm-up, tkp_sim_child_mark(), and the counted
 * call.  With rows (NULL: whole) and rows[0] = M1 > 0 the calls compute
 * only the first rows of C (the same addresses as in the whole problem):
 * a warm-up over max(M1, M2) rows, FLUSH bytes of other memory read and B
 * read again (as the rest of a whole call would leave the caches), M1
 * rows counted, and when M2 > 0 the flush again, a mark and M2 rows.
 * With cols (`--sim-cols J0,J1,J2`; NULL: none), for blocked and threaded
 * only: A, B and C read once, the kernel's column range entry over
 * columns [J0, J1) as the warm-up, the mark, and [J1, J2) counted.
 * Returns the kernel's result, TKP_EINVAL or TKP_ENOMEM.
 */
int tkp_sim_child(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		  int threads, uint64_t seed, const size_t rows[3], const size_t cols[3]);
/* Parses "J0,J1,J2" (--sim-cols) into cols; -1 unless J0 < J1 < J2. */
int tkp_sim_cols_parse(const char *s, size_t cols[3]);
/*
 * Runs `exe args...` (this binary, another command: the counter check's
 * child) under callgrind with LL = L2 and LL = L3, collecting only the
 * function named toggle and its callees, and writes instructions, l1_dcm,
 * l2_dcm and l3_tcm into vals (the others NAN; a level the geometry lacks
 * NAN too).  Whole, never sampled.  0, TKP_ECOUNTERS (why: valgrind's
 * last words), TKP_EINTR, TKP_EINVAL.
 */
int tkp_sim_run_cmd(tkp_sim *s, const char *toggle, char *const args[], double vals[TKP_M_COUNT],
		    char *why, size_t whylen);
/* Parses "M1,M2,FLUSH" into rows; -1 when malformed or M1 is 0. */
int tkp_sim_rows_parse(const char *s, size_t rows[3]);
/* Does nothing; where the simulation zeroes the warm-up's costs. */
void tkp_sim_child_mark(void);

#endif
