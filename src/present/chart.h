/*
 * chart.h - the chart digest that `tkprofile plot` and `tkprofile compare`
 * share: where a roofline point lies, which bandwidth ceilings a machine
 * has, the roofline's log axes and its bandwidth segments on them, and the
 * working-set axis of the memory-hierarchy charts.
 *
 * Both commands digest their data in C so that the gnuplot scripts only
 * draw (see gnuplot.h); what they compute the same way lives here, so a
 * roofline of one machine and the comparison of several agree on their
 * axes and ceilings.  Only numbers and gnuplot variables: what a chart
 * shows and how it is labelled stays in its command.
 */
#ifndef TKP_CLI_CHART_H
#define TKP_CLI_CHART_H

#include <stdio.h>

#include "results.h"

/* A kernel point's arithmetic intensity (FLOP/byte): the counted one
 * (fp_ops over L3 misses × 64 B) where the row has it, else the model's
 * compulsory traffic.  *counted says which (1 counted, 0 model).  Not
 * positive when the row has neither: callers skip such points. */
double tkp_chart_intensity(const tkp_res_row *r, int *counted);

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
