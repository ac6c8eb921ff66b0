/*
 * chart.h - the layout every chart shares (chart_<name>.c use it): the
 * palettes and markers, the series a legend lists, the matrix-size axis,
 * the message of a chart without rows; and the digest one machine's charts
 * and the comparison of several must agree on: where a roofline point lies,
 * which bandwidth ceilings a machine has, the roofline's log axes and its
 * bandwidth segments on them, and the working-set axis of the
 * memory-hierarchy charts.
 *
 * Charts digest their data in C so that the gnuplot scripts only draw (see
 * gnuplot.h); what they compute or style the same way lives here, once.
 * What a chart shows and how it is labelled stays in its chart_<name>.c.
 */
#ifndef TKP_PRESENT_CHART_H
#define TKP_PRESENT_CHART_H

#include <stdio.h>

#include "results.h"

/* ---- palettes and markers ------------------------------------------------ */

/* Colour of a kernel by its style (tkp_results.kstyle: its ladder rank),
 * stable across charts; also the fallback colour of other series. */
const char *tkp_chart_kernel_color(int style);
/* Filled gnuplot point type of a kernel style (the open one is one less). */
int tkp_chart_marker(int style);
/* Colour of the i-th machine of a comparison (colour-blind safe first). */
const char *tkp_chart_machine_color(int i);
/* Colour of the i-th matrix size on the block-size chart. */
const char *tkp_chart_size_color(int i);

/* ---- series: what a chart's legend lists ---------------------------------- */

/* Room for a series per kernel and dtype. */
#define TKP_CHART_MAXSERIES (TKP_RES_MAXNAMES * TKP_RES_MAXNAMES)

typedef struct tkp_series {
	char name[200];
	const char *color;
	int pt, dt;
} tkp_series;

/* Colour, marker and dash of kernel k in dtype dt (f32 open and dashed). */
void tkp_chart_series_style(const tkp_results *c, tkp_series *s, int k, int dt);
/* The same, named "kernel dtype". */
void tkp_chart_series_kd(const tkp_results *c, tkp_series *s, int k, int dt);
/* ns, sname[], scolor[], spt[], sdt[] for the script. */
void tkp_chart_write_series(FILE *fp, const tkp_series *s, int n);

/* Calls fn(ctx, k, dt) for every kernel k of c in ladder order (its
 * stable colours and legend order) and, within it, every dtype dt. */
void tkp_chart_each_kd(const tkp_results *c, void (*fn)(void *ctx, int k, int dt), void *ctx);

/* Work space of a chart: two point arrays and two value arrays, each with
 * room for a value per sweep row and 16 more. */
typedef struct tkp_chart_buf {
	tkp_res_pt *p, *q;
	double *x, *y;
} tkp_chart_buf;

/* Allocates b for c's rows.  Returns 0, or TKP_ENOMEM with nothing held. */
int tkp_chart_buf_get(const tkp_results *c, tkp_chart_buf *b);
void tkp_chart_buf_free(tkp_chart_buf *b);

/* ---- axes and messages ------------------------------------------------------ */

/* The matrix-size axis label: square or (m·n·k)^(1/3). */
const char *tkp_chart_size_label(const tkp_results *c);
/* The x axis against matrix size: tics at the nsz sizes drawn (sorted and
 * made distinct in place, so nsz > 0), a little room each side, xlab. */
void tkp_chart_size_axis(FILE *v, double *sizes, int nsz, const char *xlab);
/* The message of a chart that needs sweep.csv rows and has none. */
void tkp_chart_msg_no_rows(const tkp_results *c, FILE *v);

/* A row's intensity (FLOP/byte) across the boundary that memory level lv
 * (1 L2, 2 L3, 3 DRAM: tkp_res_level_name) serves: ai_l2, ai_l3, ai_dram,
 * or in a file without those columns FLOPs / (misses × line).  INFINITY
 * when the level was counted with zero misses (no traffic: the roof of
 * that level binds nothing); NAN when not counted (or lv 0: L1 traffic is
 * not counted). */
double tkp_chart_level_ai(const tkp_results *c, const tkp_res_row *r, int lv);
/* 1 when row r has a miss count at some level. */
int tkp_chart_row_counted(const tkp_res_row *r);
/* The row that stands for kernel k, dtype dt at its largest size (by
 * FLOPs): the fastest counted configuration there, else the fastest.
 * -1 when the kernel did not run in dt. */
long tkp_chart_largest_row(const tkp_results *c, int k, int dt);
/* The row of kernel k, dtype dt at its largest counted size (its fastest
 * counted configuration there), or -1: what the roofline draws and the
 * bound is judged by beside a largest size that has no counts (a sweep
 * simulates sizes up to its sim_max_size only). */
long tkp_chart_largest_counted_row(const tkp_results *c, int k, int dt);
/* Where row r's intensities come from, for labels: "PAPI", "simulated",
 * "simulated, sampled at 6.3%" or "model" (no counts). */
void tkp_chart_source(const tkp_results *c, const tkp_res_row *r, char *buf, size_t size);

/* The bandwidth ceilings of the four levels (tkp_res_level_name) at t
 * threads into bw[4], NAN where not measured; *bwtop gets the highest
 * (0 when none).  Returns how many levels were measured. */
int tkp_chart_level_bws(const tkp_results *r, int t, double bw[4], double *bwtop);

/* The roofline's axes from the extent of its points and ceilings: widened
 * about their middle to at least two decades each way (so that a log axis
 * has labelled tics), then rounded out to 1, 2 or 5 × 10^k with room for
 * the ceilings' labels (more above, where they are written). */
void tkp_chart_roof_axes(double *xmin, double *xmax, double *ymin, double *ymax);

/* A bandwidth ceiling bw on those axes: from where it leaves the bottom
 * edge ymin (or the left edge xmin) up to where it meets the compute line
 * at height top (or the right edge xmax).  seg gets x1, y1, x2, y2.
 * Returns 0 when nothing of it is in view (x2 <= x1), else 1. */
int tkp_chart_bw_segment(double bw, double top, double xmin, double xmax, double ymin,
			 double seg[4]);

/* The working-set (bytes) x axis of a hierarchy chart whose data spans
 * [lo, hi]: xmin, xmax and byte-labelled tics xt at powers of 4 (of 2 for
 * a range of at most 2^10). */
void tkp_chart_ws_axis(FILE *v, double lo, double hi);

#endif
