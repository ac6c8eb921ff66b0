/*
 * chart_cache.c - cache behaviour (plots/cache.gp): misses per 1000 FLOP
 * against matrix size, one panel per level (L1, L2, L3), one series per
 * kernel, dtype and counter source.  Without counts the chart says why
 * (machine.json's counter status) and what to run.
 *
 * Every size of the sweep with counts is drawn.  A level counted with no
 * miss at all is not left out (log axes cannot show 0): it gets a marker on
 * the panel's floor.  Each panel marks, per kernel, the matrix size at which
 * its working set outgrows that cache (machine.json's size, measured where
 * measured): cache_cross says which rule each kernel's loops follow.
 *
 * Layout: C computes the values, which panels have data, each panel's
 * range, the crossings and the size axis; the script draws.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gnuplot.h"
#include "present.h"
#include "results.h"
#include "util.h"

/* The chart being filled. */
typedef struct cchart {
	tkp_results *c;
	FILE *d;
	tkp_series s[TKP_CHART_MAXSERIES];
	int ns, have[3], nsz, sampled, nx;
	tkp_chart_buf buf;
	tkp_res_pt *p;
	double *sizes, ymin[3], ymax[3];
	double xn[3 * TKP_CHART_MAXSERIES], xl[3 * TKP_CHART_MAXSERIES], xs[3 * TKP_CHART_MAXSERIES];
} cchart;

/*
 * The matrix size n at which kernel `kernel` (dtype of es bytes, block b)
 * outgrows a cache of `cache` bytes at level lv (0 L1, 1 L2, 2 L3), by the
 * rule its loops follow; NAN when no size does (the blocked kernel's tiles
 * fit L1 at every n).  The rules (the chart's caption says them):
 *   naive (ijk):   L1: the column walk of B needs n lines (n·line);
 *                  L2, L3: all of B is reused per row of C (n²·sizeof)
 *   simd:          B is streamed per row of C (n²·sizeof) at every level
 *   blocked, threaded:  L1: three b×b tiles (3·b²·sizeof, not n);
 *                  L2, L3: the b-wide panels of A and C (2·n·b·sizeof)
 *   others:        the three matrices (3·n²·sizeof)
 */
static double cache_cross(const char *kernel, int lv, double cache, double line, double es, int b)
{
	if (!strcmp(kernel, "naive"))
		return lv == 0 ? cache / line : sqrt(cache / es);
	if (!strcmp(kernel, "simd"))
		return sqrt(cache / es);
	if (!strcmp(kernel, "blocked") || !strcmp(kernel, "threaded")) {
		if (b <= 0)
			return NAN;
		if (lv == 0)
			return 3.0 * b * b * es > cache ? b : NAN;
		return cache / (2.0 * b * es);
	}
	return sqrt(cache / (3 * es));
}

/* Series x->ns's crossings (its row w: dtype and block) at each level. */
static void cache_crossings(cchart *x, const tkp_res_row *w)
{
	const tkp_results *c = x->c;
	double es = tkp_res_dt_bytes(c->dtname[w->dt]);

	for (int lv = 0; lv < 3 && es > 0; lv++) {
		double sz = tkp_res_cache(c, lv, NULL);
		double n = sz > 0 ? cache_cross(c->kname[w->kern], lv, sz, c->line_bytes, es, w->block) : NAN;
		if (!isfinite(n) || x->nx >= 3 * TKP_CHART_MAXSERIES)
			continue;
		x->xn[x->nx] = n;
		x->xl[x->nx] = lv + 1;
		x->xs[x->nx++] = x->ns + 1;
	}
}

/* One size of a series: size, misses per 1000 FLOP per level (NaN: not
 * counted, or none), then per level 1 where counted with no miss at all
 * (drawn on the floor), else NaN. */
static void cache_point(cchart *x, const tkp_res_row *r)
{
	fprintf(x->d, "%.10g", r->size);
	for (int lv = 0; lv < 3; lv++) {
		double y = r->miss[lv] / (r->flops / 1000.0);
		if (isfinite(y))
			x->have[lv] = 1;
		if (isfinite(y) && y > 0) {
			fprintf(x->d, " %.10g", y);
			x->ymin[lv] = fmin(x->ymin[lv], y);
			x->ymax[lv] = fmax(x->ymax[lv], y);
		} else {
			fputs(" NaN", x->d);
		}
	}
	for (int lv = 0; lv < 3; lv++)
		fputs(r->miss[lv] == 0 ? " 1" : " NaN", x->d);
	fputc('\n', x->d);
	x->sizes[x->nsz++] = r->size;
	x->sampled |= isfinite(r->counted_fraction) && r->counted_fraction < 1;
}

/* The series of kernel k, dtype dt, counter source sr: misses per 1000
 * FLOP at each size (its best row), NaN for a level not counted. */
static void cache_series_src(cchart *x, int k, int dt, int sr)
{
	tkp_results *c = x->c;
	size_t n = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		const tkp_res_row *r = &c->rows[i];
		if (r->kern == k && r->dt == dt && r->src == sr && r->flops > 0 &&
		    (isfinite(r->miss[0]) || isfinite(r->miss[1]) || isfinite(r->miss[2]))) {
			x->p[n].x = r->size;
			x->p[n].y = r->gflops;
			x->p[n++].row = i;
		}
	}
	n = tkp_res_pt_best(x->p, n);
	if (!n)
		return;
	tkp_chart_series_kd(c, &x->s[x->ns], k, dt);
	if (c->nsrc > 1) /* say which counters each series is from */
		tkp_fmt(x->s[x->ns].name, sizeof x->s[x->ns].name, "%s %s (%s)", c->kname[k],
			c->dtname[dt], c->srcname[sr]);
	cache_crossings(x, &c->rows[x->p[n - 1].row]);
	x->ns++;
	for (size_t i = 0; i < n; i++)
		cache_point(x, &c->rows[x->p[i].row]);
	tkp_gp_end_block(x->d);
}

/* The series of kernel k, dtype dt: one per counter source. */
static void cache_series(void *ctx, int k, int dt)
{
	cchart *x = ctx;

	for (int sr = 0; sr < x->c->nsrc && x->ns < TKP_CHART_MAXSERIES; sr++)
		cache_series_src(x, k, dt, sr);
}

/* The message when no row has miss counts: why, and what to run. */
static void cache_no_counts(const tkp_results *c, FILE *v)
{
	char st[1200];

	if (!c->nrows) {
		tkp_chart_msg_no_rows(c, v);
		return;
	}
	if (c->status[0]) {
		/* the reason; its fix (long, and about the machine that
		 * measured, not this one) is what `tkprofile counters` gives */
		int n, fix;
		const char *why = tkp_present_counters_reason(c->status, &n, &fix);
		tkp_fmt(st, sizeof st, "Why (machine.json): %.*s", n, why);
	} else {
		tkp_fmt(st, sizeof st, "(no counter status recorded in machine.json)");
	}
	if (c->counters_known && c->counters_avail) {
		tkp_gp_message(v,
			   "No cache-miss counts: this sweep ran without counters (every row of\n"
			   "sweep.csv has counter_source=none), although this machine has them.\n"
			   "%s\n"
			   " \n"
			   "To fill this chart run:\n"
			   "  tkprofile sweep --counters papi\n"
			   "  (tkprofile counters says which metrics this machine can count)",
			   st);
		return;
	}
	tkp_gp_message(v,
		   "No cache-miss counts: the machine that ran this sweep exposed no\n"
		   "hardware counters to tkprofile (every row of sweep.csv has\n"
		   "counter_source=none).\n"
		   "%s\n"
		   " \n"
		   "To get them:\n"
		   "  tkprofile counters    on that machine: what it can count, and the fix\n"
		   "  tkprofile sweep --counters sim    simulated counts (valgrind), on any machine",
		   st);
}

/* The crossings (size, level, series) inside the size axis, and each
 * level's cache size in words ("48 KiB measured"). */
static void cache_marks(cchart *x, FILE *v)
{
	char csz[3][200];
	int w = 0;
	double lo = x->sizes[0] / 1.25, hi = x->sizes[x->nsz - 1] * 1.25;

	for (int i = 0; i < x->nx; i++)
		if (x->xn[i] >= lo && x->xn[i] <= hi) {
			x->xn[w] = x->xn[i], x->xl[w] = x->xl[i], x->xs[w++] = x->xs[i];
		}
	fprintf(v, "ncross = %d\n", w);
	tkp_gp_num_array(v, "crn", x->xn, w);
	tkp_gp_num_array(v, "crl", x->xl, w);
	tkp_gp_num_array(v, "crs", x->xs, w);
	for (int lv = 0; lv < 3; lv++) {
		int meas = 0;
		double b = tkp_res_cache(x->c, lv, &meas);
		char t[64];
		if (!(b > 0)) {
			tkp_fmt(csz[lv], sizeof csz[lv], "size unknown: no marks");
			continue;
		}
		tkp_gp_fmt_bytes(t, sizeof t, b);
		tkp_fmt(csz[lv], sizeof csz[lv], "%s %s", t, meas ? "measured" : "reported");
	}
	tkp_gp_str_array(v, "csize", csz, 3);
}

/* The panels' ranges, the size axis and the counter sources named. */
static void cache_axes(cchart *x, FILE *v)
{
	const tkp_results *c = x->c;
	char srcs[200] = "";

	for (int sr = 0; sr < c->nsrc; sr++) {
		size_t n = strlen(srcs);
		snprintf(srcs + n, sizeof srcs - n, "%s%s", n ? ", " : "",
			 !strcmp(c->srcname[sr], "papi")  ? "PAPI hardware counters"
			 : !strcmp(c->srcname[sr], "sim") ? "simulated (valgrind cache model)"
							  : c->srcname[sr]);
	}
	fprintf(v, "array have[3] = [%d, %d, %d]\n", x->have[0], x->have[1], x->have[2]);
	fprintf(v, "array allzero[3] = [%d, %d, %d]\n", x->have[0] && !(x->ymax[0] > 0),
		x->have[1] && !(x->ymax[1] > 0), x->have[2] && !(x->ymax[2] > 0));
	for (int lv = 0; lv < 3; lv++) {
		if (!(x->ymax[lv] > 0)) /* not counted, or no miss at any size */
			x->ymin[lv] = 0.1, x->ymax[lv] = 10;
		x->ymin[lv] = tkp_gp_dec_floor(x->ymin[lv] / 1.5);
		x->ymax[lv] = tkp_gp_dec_ceil(x->ymax[lv] * 1.5);
	}
	tkp_gp_num_array(v, "ylo", x->ymin, 3);
	tkp_gp_num_array(v, "yhi", x->ymax, 3);
	tkp_chart_size_axis(v, x->sizes, x->nsz,
			    c->nonsquare ? "matrix size (m·n·k)^(1/3)" : "matrix size n (m = n = k)");
	if (x->sampled && strlen(srcs) + 40 < sizeof srcs)
		strcat(srcs, "; some rows sampled, counts scaled");
	tkp_gp_set_str(v, "srcs", srcs);
	cache_marks(x, v);
}

int tkp_chart_cache(tkp_results *c, FILE *v, FILE *d)
{
	static cchart x;

	memset(&x, 0, sizeof x);
	if (tkp_chart_buf_get(c, &x.buf))
		return TKP_ENOMEM;
	x.c = c;
	x.d = d;
	x.p = x.buf.p;
	x.sizes = x.buf.x;
	x.ymin[0] = x.ymin[1] = x.ymin[2] = INFINITY;
	tkp_chart_each_kd(c, cache_series, &x);
	if (!x.ns) {
		cache_no_counts(c, v);
	} else {
		tkp_chart_write_series(v, x.s, x.ns);
		cache_axes(&x, v);
	}
	tkp_chart_buf_free(&x.buf);
	return 0;
}

const char *tkp_chart_cache_notice(const tkp_results *r)
{
	if (r->nrows && !r->nsrc)
		return "No row of this sweep has counters (counter_source=none), so there are no "
		       "misses to draw: the chart says why, and how to get hardware or simulated "
		       "counts.";
	return NULL;
}
