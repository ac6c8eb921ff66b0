/*
 * bound.h - what bounds each kernel (bound.c): the roof a kernel meets
 * first at its largest size, judged from its intensity at every memory
 * level it has counts for, or from the model's compulsory traffic.  The
 * roofline draws the same marks; the report and the sweep summary quote
 * the sentence.
 */
#ifndef TKP_PRESENT_BOUND_H
#define TKP_PRESENT_BOUND_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"

/* The roofs a kernel can be bound by. */
enum { TKP_BOUND_COMPUTE = 0, TKP_BOUND_L1, TKP_BOUND_L2, TKP_BOUND_L3, TKP_BOUND_DRAM,
       TKP_BOUND_NONE };

typedef struct tkp_bound {
	long row;          /* the row judged (tkp_chart_largest_row), -1: none */
	long counts_row;   /* the row whose intensities judge it: row, or where row
			    * has no counts, the largest counted size's (-1: none) */
	int roof;          /* TKP_BOUND_*: the lowest roof at the row's intensities */
	double roof_gflops; /* that roof's height there */
	double ai, bw;     /* a memory roof's intensity and bandwidth (NAN: compute) */
	int bw_threads;    /* the thread count that bandwidth was measured with */
	double pct;        /* the row's GFLOP/s as % of the roof */
	int model;         /* 1: no counts, the model's intensity against DRAM */
	int zero[4];       /* memory levels counted with no traffic at all */
	char peak[96];     /* the compute roof: "87.3 GFLOP/s (avx512, 1 thread)" */
	char source[64];   /* tkp_chart_source */
} tkp_bound;

/* Name of a TKP_BOUND_* roof: "compute", "L1", ... */
const char *tkp_bound_name(int roof);

/* Judges kernel k in dtype dt of c.  Returns 0 (b filled) or -1 when the
 * kernel did not run in dt or no roof could be judged (no ceilings). */
int tkp_bound_judge(const tkp_results *c, int k, int dt, tkp_bound *b);

/* The one sentence a report can quote, e.g. "naive f64 at n = 1024 is
 * bound by L2 bandwidth: 73.4 GB/s × 0.25 FLOP/byte = 18.4 GFLOP/s; it
 * reaches 9.6% of it (1.76 GFLOP/s; counts simulated, sampled at 6.3%)." */
void tkp_bound_sentence(const tkp_results *c, int k, int dt, const tkp_bound *b, char *buf,
			size_t size);

/*
 * The "What bounds each kernel" lines of results directory dir into out,
 * one per kernel and dtype in ladder order, each "  " + sentence; for the
 * sweep summary (src/cli).  cmd names the command in messages.  Returns
 * 0, or an exit code (pmsg.h) when dir cannot be read.
 */
int tkp_bound_write(const char *cmd, const char *dir, FILE *out);

#endif
