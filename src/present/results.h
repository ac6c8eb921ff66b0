/*
 * results.h - a results directory read back: sweep.csv, ceilings.csv,
 * hierarchy.csv and machine.json, each validated in full (a malformed or
 * truncated file is bad input: file:line, exit 2) and digested into rows
 * that plot, compare and report all draw from.  Reading only: nothing here
 * writes into the directory.
 *
 * What is kept: every sweep row that ran and passed verification (failed
 * rows are counted, not drawn), the ceilings tkprofile draws (compute peaks
 * in GFLOP/s, L1/L2/L3/DRAM in GB/s), the hierarchy measurements (latency in
 * ns, bandwidths in GB/s), and machine.json (its root stays loaded for the
 * report, which shows more of it than the charts do).
 */
#ifndef TKP_PRESENT_RESULTS_H
#define TKP_PRESENT_RESULTS_H

#include <limits.h>
#include <stddef.h>

#include <jansson.h>

#include "csv.h"

#define TKP_RES_MAXNAMES 32

/* One sweep.csv row that ran and passed verification. */
typedef struct tkp_res_row {
	int kern, dt, src; /* indices into the name tables; src -1: not counted */
	double size;       /* n when m = n = k, else (m·n·k)^(1/3) */
	int block, threads;
	double gflops, flops, ai_model, ai_dram; /* ai_dram NAN when not counted */
	double cpu_util;                         /* NAN when not recorded */
	double gflops_lo, gflops_hi;             /* at the median time ± its MAD (the
						  * fastest run at most); gflops when
						  * unknown */
	double miss[3];                          /* l1_dcm, l2_dcm, l3_tcm or NAN */
	double ai_l2, ai_l3;                     /* per-level intensity or NAN
						  * (NAN too in older files) */
	double counted_fraction;                 /* NAN: not counted, or an older
						  * file (whole runs) */
	size_t m, n, k;                          /* the shape as run */
} tkp_res_row;

/* One ceiling of ceilings.csv that charts can draw. */
typedef struct tkp_res_ceil {
	int peak;      /* 1: compute (GFLOP/s), 0: memory level (GB/s) */
	int level;     /* memory: 0 L1, 1 L2, 2 L3, 3 DRAM */
	const char *dtype, *isa;
	int threads, measured;
	double value;
} tkp_res_ceil;

/* One hierarchy.csv measurement. */
typedef struct tkp_res_hrow {
	const char *test;
	int latency; /* 1: ns per access, 0: GB/s */
	int threads;
	double bytes, value;
} tkp_res_hrow;

typedef struct tkp_results {
	const char *cmd;        /* for messages: "tkprofile: CMD: ..." */
	char dir[PATH_MAX];
	char resname[256];      /* the directory's last component */
	tkp_csv *sweep, *ceil, *hier; /* NULL when the file is absent */
	tkp_res_row *rows;
	size_t nrows;
	int nonsquare;          /* some row has m, n, k not all equal */
	const char *kname[TKP_RES_MAXNAMES], *dtname[TKP_RES_MAXNAMES], *srcname[TKP_RES_MAXNAMES];
	int nk, ndt, nsrc;      /* f64 comes before f32 in dtname */
	int kstyle[TKP_RES_MAXNAMES]; /* colour and marker of each kernel: its ladder rank */
	tkp_res_ceil *ceils;
	size_t nceil;
	tkp_res_hrow *hrows;
	size_t nh;
	size_t unverified;      /* rows left out: failed verification */
	/* machine.json */
	json_t *json;           /* its root; NULL when there is none */
	int have_json;
	char machine[512];      /* "CPU · host HOST" */
	char when[128];         /* its date, "YYYY-mm-dd HH:MM:SSZ", or "undated" */
	char host[256], cpu[256], date[64], version[64];
	int schema;             /* machine.json "schema"; 0 absent */
	char status[2048];      /* counter status: the whole reason and fix */
	int counters_known, counters_avail, cores;
	double cache_rep[3], cache_meas[3]; /* L1d, L2, L3 bytes; NAN unknown */
	double line_bytes;      /* the L1d cache line (machine.json), else 64 */
	/* machine.json counters.check: the counter check run before the
	 * sweep.  check_line: "cycles pass, l1_dcm off (why), ..." ("" when
	 * none ran); check_off: the metrics that failed, left out of the
	 * charts (their cells in rows of that source read as NAN). */
	char check_line[1024];
	char check_off[128];
} tkp_results;

/* Compute and memory ceiling names by level index. */
extern const char *const tkp_res_level_name[4];

/*
 * Reads and validates every file of dir into *r (zeroed first; the
 * command name cmd is used in messages).  Returns 0, or prints
 * "tkprofile: CMD: file:line: why" and returns TKP_PR_USAGE (malformed
 * input, or no sweep.csv, ceilings.csv or hierarchy.csv: not a results
 * directory) or TKP_PR_FAIL (out of memory).  Call tkp_results_free
 * either way.
 */
int tkp_results_load(const char *cmd, const char *dir, tkp_results *r);
void tkp_results_free(tkp_results *r);

/* Bytes per element of a dtype name (f64/double 8, f32/float 4), else 0. */
int tkp_res_dt_bytes(const char *dt);
/* A kernel's rank on the ladder naive, simd, blocked, threaded, blas, tuned
 * (100 for others), for stable colours and orders. */
int tkp_res_ladder_rank(const char *kernel);
/* Kernel indices of r in ladder order into order[r->nk]. */
void tkp_res_kernel_order(const tkp_results *r, int *order);
/* Index of a kernel / dtype name in r, or -1. */
int tkp_res_kernel_index(const tkp_results *r, const char *name);
int tkp_res_dtype_index(const tkp_results *r, const char *name);

/* A point (x, best y) and the row it came from. */
typedef struct tkp_res_pt {
	double x, y;
	size_t row;
} tkp_res_pt;
/* Sorts by x and keeps the highest y per x; returns the new count. */
size_t tkp_res_pt_best(tkp_res_pt *p, size_t n);
/* Best GFLOP/s per size of kernel k, dtype dt (any block, any threads);
 * counted: only rows with counters.  out holds r->nrows points. */
size_t tkp_res_best_by_size(const tkp_results *r, int k, int dt, int counted, tkp_res_pt *out);
/* Sorts v ascending and drops duplicates; returns the new count. */
int tkp_res_distinct(double *v, int n);

/* The most threads any sweep row used (1 when none). */
int tkp_res_max_threads(const tkp_results *r);
/* The thread count of the ceilings to draw: the largest in ceilings.csv not
 * above want, else the smallest there is (0: no ceilings). */
int tkp_res_ceil_threads(const tkp_results *r, int want);
/* A reported ceiling is used only when no measured one stands beside it. */
int tkp_res_ceil_usable(const tkp_results *r, const tkp_res_ceil *c);
/* The highest compute ceiling of dtype at t threads (t 0: any), or NULL. */
const tkp_res_ceil *tkp_res_best_peak(const tkp_results *r, const char *dtype, int t);
/* Bandwidth of memory level lv at t threads (t 0: the highest over thread
 * counts; *at gets their number when not NULL), or NAN. */
double tkp_res_level_bw(const tkp_results *r, int lv, int t, int *at);
/* 1 if the sweep ran dtype. */
int tkp_res_has_dtype(const tkp_results *r, const char *dtype);
/* Cache size of level lv (0 L1d, 1 L2, 2 L3): measured, else reported, else
 * NAN; *measured says which when not NULL. */
double tkp_res_cache(const tkp_results *r, int lv, int *measured);
/* A ceilings.csv value by ceiling name and unit at one thread (or with no
 * thread count), measured preferred over reported; NAN when absent.  For
 * the rows charts do not draw: latencies ("L1", "ns"), sizes ("bytes"). */
double tkp_res_ceiling_raw(const tkp_results *r, const char *name, const char *unit);
/*
 * Load latency (ns) of memory level lv (0 L1, 1 L2, 2 L3, 3 DRAM): the
 * probe's figure from ceilings.csv when there, else derived from
 * hierarchy.csv's latency rows at 1 thread: the median of the working sets
 * well inside the level (above 1.5 times the level below, up to half of
 * this level; DRAM: above twice the last cache).  NAN when neither gives one.
 */
double tkp_res_level_latency(const tkp_results *r, int lv);

/* machine.json helpers: a string member or NULL, a number member or NAN. */
const char *tkp_res_json_str(json_t *o, const char *key);
double tkp_res_json_num(json_t *o, const char *key);

#endif
