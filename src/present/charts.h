/*
 * charts.h - the chart registry: one row per chart (charts.c), one
 * chart_<name>.c per chart beside its plots/<name>.gp (and, when it has a
 * compare overlay, plots/compare_<name>.gp).
 *
 * A row names the chart, the function that prepares it for one results
 * directory (`plot`, sweep's charts), its title and caption in the report,
 * and, where the chart has one, the function that prepares its overlay of
 * several machines (`compare`) with its own title and caption.  plot,
 * report and compare iterate this table, so adding a chart is one
 * chart_<name>.c, one plots/<name>.gp and one row (and its lines in
 * mk/present.mk, which lists the scripts too).
 *
 * A prepare function writes the script's variables into vars and its data
 * into data (gnuplot.h: tkp_gp_begin has written the variables every chart
 * has); a chart that cannot be filled writes tkp_gp_message instead.  It
 * returns 0 or a negative TKP_E* code (TKP_ENOMEM).
 */
#ifndef TKP_PRESENT_CHARTS_H
#define TKP_PRESENT_CHARTS_H

#include <stddef.h>
#include <stdio.h>

#include "compare.h"
#include "results.h"

typedef int (*tkp_chart_prep_fn)(tkp_results *r, FILE *vars, FILE *data);
typedef int (*tkp_chart_overlay_fn)(const tkp_cmp *c, FILE *vars, FILE *data);

typedef struct tkp_chart_def {
	const char *name;             /* plots/<name>.gp draws plots/<name>.png|pdf|svg */
	tkp_chart_prep_fn prepare;    /* one results directory */
	const char *title, *caption;  /* in that directory's report */
	/* the caption when the chart is only a notice of why it is empty
	 * (NULL: never), so the report does not describe what is not drawn */
	const char *(*notice)(const tkp_results *r);
	const char *overlay_name;     /* compare: plots/<overlay_name>.gp; NULL: no overlay */
	tkp_chart_overlay_fn overlay;
	int overlay_rank;             /* order among compare's charts, from 1 */
	const char *overlay_title, *overlay_caption;
} tkp_chart_def;

extern const tkp_chart_def tkp_charts[];
extern const size_t tkp_ncharts;

/* The chart with the given overlay rank (1, 2, ...), or NULL past the last. */
const tkp_chart_def *tkp_chart_overlay_at(int rank);

/* ---- the charts (chart_<name>.c) -------------------------------------------- */

int tkp_chart_roofline(tkp_results *r, FILE *vars, FILE *data);
int tkp_chart_roofline_cmp(const tkp_cmp *c, FILE *vars, FILE *data);
int tkp_chart_perf(tkp_results *r, FILE *vars, FILE *data);
int tkp_chart_perf_cmp(const tkp_cmp *c, FILE *vars, FILE *data);
int tkp_chart_speedup(tkp_results *r, FILE *vars, FILE *data);
int tkp_chart_speedup_cmp(const tkp_cmp *c, FILE *vars, FILE *data);
int tkp_chart_blocksize(tkp_results *r, FILE *vars, FILE *data);
int tkp_chart_threads(tkp_results *r, FILE *vars, FILE *data);
int tkp_chart_hierarchy(tkp_results *r, FILE *vars, FILE *data);
int tkp_chart_hierarchy_cmp(const tkp_cmp *c, FILE *vars, FILE *data);
int tkp_chart_cache(tkp_results *r, FILE *vars, FILE *data);
const char *tkp_chart_cache_notice(const tkp_results *r);

#endif
