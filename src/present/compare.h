/*
 * compare.h - `tkprofile compare`'s work, machines side by side: what it
 * reads (two or more results directories, checked compatible), what they
 * have in common, the metrics derived from them, and what it writes from
 * those (compare.txt and the table on stdout, compare.csv, the overlay
 * charts of the chart registry, report.md/html).
 *
 *   compare.c          loading, compatibility checks, what all machines share,
 *                      naming, and tkp_present_compare, which runs it all
 *   compare_metrics.c  the metrics (one line of the table each)
 *   compare_table.c    the printed table (compare.txt) and compare.csv
 *   compare_report.c   report.md and report.html
 *   chart_<name>.c     the overlays (tkp_chart_<name>_cmp), in the registry
 *
 * Machines are named by host (machine.json); equal hosts are told apart by
 * the date of their results, then by directory name.  One colour per
 * machine on every chart, in the order given; ratios are to the first.
 */
#ifndef TKP_PRESENT_COMPARE_H
#define TKP_PRESENT_COMPARE_H

#include <limits.h>
#include <stdio.h>

#include "results.h"

#define TKP_CMP_MAXM 32
#define TKP_CMP_MAXK TKP_RES_MAXNAMES

typedef struct tkp_cmp_machine {
	tkp_results r;
	char label[160];
	char command[4096]; /* the sweep command recorded in its directory, or "" */
} tkp_cmp_machine;

/* A (kernel, dtype) pair present on every machine, by name. */
typedef struct tkp_cmp_kd {
	const char *kernel, *dtype;
	double sizes[64]; /* sizes every machine ran it at, ascending */
	int nsizes;
	int rank;
} tkp_cmp_kd;

typedef struct tkp_cmp {
	const char *cmd;
	tkp_cmp_machine *m;
	int nm;
	tkp_cmp_kd kds[TKP_CMP_MAXK * 2];
	int nkd;
	int all_hier, all_ceil;
	char out[PATH_MAX];
	int fmts, quiet;
} tkp_cmp;

/* Sizes kernel/dtype ran at on machine r (best row per size), ascending;
 * at most max. */
int tkp_cmp_sizes_of(const tkp_results *r, const char *kernel, const char *dtype, double *out,
		     int max);
/* Best GFLOP/s of kernel/dtype at size on r (any block, threads), or NAN;
 * *row gets the row when not NULL. */
double tkp_cmp_gflops_at(const tkp_results *r, const char *kernel, const char *dtype, double size,
			 const tkp_res_row **row);
/* The largest size at which every machine ran both e and the naive kernel
 * in e's dtype: where speed-ups are compared.  NAN when there is none, and
 * for naive itself. */
double tkp_cmp_naive_size(const tkp_cmp *c, const tkp_cmp_kd *e);
/* e's speed-up over naive at size on r (best GFLOP/s of each), NAN unless
 * both ran there. */
double tkp_cmp_speedup_at(const tkp_results *r, const tkp_cmp_kd *e, double size);

/* The machines of an overlay chart: nm, mname[], mcolor[]. */
void tkp_cmp_gp_machines(const tkp_cmp *c, FILE *v);
/* "A vs B vs C": the charts' footer and the report's title. */
void tkp_cmp_who(const tkp_cmp *c, char *buf, size_t size);

/* ---- metrics (compare_metrics.c) ------------------------------------------ */

/* One line of the comparison: a value per machine. */
typedef struct tkp_cmp_metric {
	char name[96];      /* row label */
	const char *metric; /* compare.csv metric */
	const char *level, *kernel, *dtype, *unit;
	double size;        /* NAN: not per size */
	int kind;           /* 0 number, 1 bytes, 2 speed-up (x), 3 ns */
	double v[TKP_CMP_MAXM];
	int threads[TKP_CMP_MAXM]; /* 0: not applicable */
	double at[TKP_CMP_MAXM];   /* size of the best run, NAN none */
	char isas[TKP_CMP_MAXM][32];
} tkp_cmp_metric;

typedef struct tkp_cmp_mlist {
	tkp_cmp_metric *v;
	int n, cap;
} tkp_cmp_mlist;

/* Every metric of the comparison, in table order, appended to l (free
 * l->v).  Returns 0 or TKP_ENOMEM. */
int tkp_cmp_metrics(const tkp_cmp *c, tkp_cmp_mlist *l);
/* A metric's value on machine i as the table shows it ("-" when none). */
void tkp_cmp_fmt_metric(const tkp_cmp_metric *m, int i, char *buf, size_t size);
/* "1.23x", its ratio to the first machine ("" for the first and when
 * either is missing). */
void tkp_cmp_fmt_ratio(const tkp_cmp_metric *m, int i, char *buf, size_t size);
/* "value (ratio)" or "value": one cell of the table or the report. */
void tkp_cmp_fmt_cell(const tkp_cmp_metric *m, int i, char *buf, size_t size);

/* ---- outputs ----------------------------------------------------------------- */

/* The table printed on stdout and kept as compare.txt (compare_table.c). */
void tkp_cmp_write_table(const tkp_cmp *c, const tkp_cmp_mlist *l, FILE *fp);
/* c->out/compare.csv, atomically; prints and returns an exit code on
 * failure (compare_table.c). */
int tkp_cmp_write_csv(const tkp_cmp *c, const tkp_cmp_mlist *l);
/* c->out/report.md and report.html (compare_report.c); command is how
 * this comparison was run.  Prints and returns an exit code on failure. */
int tkp_cmp_write_report(const tkp_cmp *c, const tkp_cmp_mlist *l, const char *command);

#endif
