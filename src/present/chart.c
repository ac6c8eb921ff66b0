/*
 * chart.c - the layout and digest every chart shares (chart.h): palettes,
 * series, the size axis, roofline points, ceilings and axes, and the
 * hierarchy charts' working-set axis.  One machine's charts and the
 * comparison of several must agree on these; keeping them in one place
 * means a change of colour, rounding or of a ceiling's extent reaches all.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "gnuplot.h"
#include "results.h"
#include "util.h"

/* ---- palettes and markers ------------------------------------------------ */

/* Kernels in ladder order (their kstyle) get stable colours and markers on
 * every chart. */
static const char *const palette[] = {"#5a5a5a", "#0072b2", "#009e73", "#d55e00", "#cc79a7",
				      "#e69f00", "#56b4e9", "#8c564b", "#17becf", "#7f3c8d"};
#define NPALETTE (sizeof palette / sizeof palette[0])
static const int filled_pt[] = {7, 5, 9, 11, 13, 15};
#define NPT (sizeof filled_pt / sizeof filled_pt[0])
/* One colour per machine, in order (colour-blind safe first). */
static const char *const mcolor[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
				     "#e69f00", "#56b4e9", "#5a5a5a", "#8c564b"};
#define NCOLOR (sizeof mcolor / sizeof mcolor[0])
/* Matrix sizes on the block-size chart. */
static const char *const size_palette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
					   "#e69f00", "#56b4e9", "#8c564b", "#5a5a5a"};
#define NSIZECOLOR (sizeof size_palette / sizeof size_palette[0])

const char *tkp_chart_kernel_color(int style)
{
	return palette[(size_t)style % NPALETTE];
}

int tkp_chart_marker(int style)
{
	return filled_pt[(size_t)style % NPT];
}

const char *tkp_chart_machine_color(int i)
{
	return mcolor[(size_t)i % NCOLOR];
}

const char *tkp_chart_size_color(int i)
{
	return size_palette[(size_t)i % NSIZECOLOR];
}

/* ---- series ------------------------------------------------------------------ */

void tkp_chart_series_style(const tkp_results *c, tkp_series *s, int k, int dt)
{
	int f32 = tkp_res_dt_bytes(c->dtname[dt]) == 4, st = c->kstyle[k];

	s->color = tkp_chart_kernel_color(st);
	s->pt = tkp_chart_marker(st) - (f32 ? 1 : 0);
	s->dt = f32 ? 2 : dt == 0 ? 1 : 1 + dt % 4;
}

void tkp_chart_series_kd(const tkp_results *c, tkp_series *s, int k, int dt)
{
	tkp_chart_series_style(c, s, k, dt);
	tkp_fmt(s->name, sizeof s->name, "%s %s", c->kname[k], c->dtname[dt]);
}

void tkp_chart_write_series(FILE *fp, const tkp_series *s, int n)
{
	int m = n > 0 ? n : 1;

	fprintf(fp, "ns = %d\narray sname[%d]\narray scolor[%d]\narray spt[%d]\narray sdt[%d]\n", n,
		m, m, m, m);
	for (int i = 0; i < n; i++) {
		fprintf(fp, "sname[%d] = ", i + 1);
		tkp_gp_str(fp, s[i].name, 120);
		fprintf(fp, "; scolor[%d] = '%s'; spt[%d] = %d; sdt[%d] = %d\n", i + 1, s[i].color,
			i + 1, s[i].pt, i + 1, s[i].dt);
	}
}

void tkp_chart_each_kd(const tkp_results *c, void (*fn)(void *ctx, int k, int dt), void *ctx)
{
	int order[TKP_RES_MAXNAMES];

	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++)
			fn(ctx, order[ki], dt);
}

int tkp_chart_buf_get(const tkp_results *c, tkp_chart_buf *b)
{
	size_t n = c->nrows + 16;

	b->p = malloc(n * sizeof *b->p);
	b->q = malloc(n * sizeof *b->q);
	b->x = malloc(n * sizeof *b->x);
	b->y = malloc(n * sizeof *b->y);
	if (b->p && b->q && b->x && b->y)
		return 0;
	tkp_chart_buf_free(b);
	return TKP_ENOMEM;
}

void tkp_chart_buf_free(tkp_chart_buf *b)
{
	free(b->p);
	free(b->q);
	free(b->x);
	free(b->y);
	memset(b, 0, sizeof *b);
}

/* ---- axes and messages ------------------------------------------------------ */

const char *tkp_chart_size_label(const tkp_results *c)
{
	return c->nonsquare ? "matrix size (m·n·k)^(1/3), log scale"
			    : "matrix size n (m = n = k), log scale";
}

void tkp_chart_size_axis(FILE *v, double *sizes, int nsz, const char *xlab)
{
	nsz = tkp_res_distinct(sizes, nsz);
	tkp_gp_set_num(v, "xmin", sizes[0] / 1.25);
	tkp_gp_set_num(v, "xmax", sizes[nsz - 1] * 1.25);
	tkp_gp_size_tics(v, "xt", sizes, nsz, sizes[0], sizes[nsz - 1], 0);
	tkp_gp_set_str(v, "xlab", xlab);
}

void tkp_chart_msg_no_rows(const tkp_results *c, FILE *v)
{
	if (!c->sweep)
		tkp_gp_message(v, "No sweep.csv in this results directory: nothing measured yet.\n"
			      "To fill this chart run:\n  tkprofile sweep --profile quick");
	else if (!c->sweep->nrows)
		tkp_gp_message(v, "sweep.csv has no rows yet: the sweep stopped before its first\n"
			      "configuration finished.  To continue it run:\n"
			      "  tkprofile sweep --out <this results directory> --resume");
	else
		tkp_gp_message(v, "sweep.csv has no rows to draw: %zu failed verification, the others\n"
			      "have no GFLOP/s (not run).  Check the kernels with:\n"
			      "  tkprofile run --kernel NAME --size 256",
			   c->unverified);
}

/* ---- the roofline's digest ---------------------------------------------------- */

double tkp_chart_level_ai(const tkp_results *c, const tkp_res_row *r, int lv)
{
	double col, miss;

	if (lv < 1 || lv > 3 || r->src < 0)
		return NAN;
	col = lv == 1 ? r->ai_l2 : lv == 2 ? r->ai_l3 : r->ai_dram;
	miss = r->miss[lv - 1];
	if (isfinite(col) && col > 0)
		return col;
	if (!isfinite(miss) || miss < 0)
		return NAN;
	if (miss == 0)
		return INFINITY; /* counted, no traffic: the cell is empty, not 0 */
	/* an older sweep.csv (no ai_l2, ai_l3): from the misses, model FLOPs */
	return r->flops > 0 ? r->flops / (miss * c->line_bytes) : NAN;
}

int tkp_chart_row_counted(const tkp_res_row *r)
{
	return r->src >= 0 &&
	       (isfinite(r->miss[0]) || isfinite(r->miss[1]) || isfinite(r->miss[2]));
}

long tkp_chart_largest_row(const tkp_results *c, int k, int dt)
{
	long best = -1;
	double top = -1;

	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].kern == k && c->rows[i].dt == dt)
			top = fmax(top, c->rows[i].flops);
	for (size_t i = 0; i < c->nrows; i++) {
		const tkp_res_row *r = &c->rows[i];
		int better;
		if (r->kern != k || r->dt != dt || r->flops != top)
			continue;
		if (best < 0) {
			best = (long)i;
			continue;
		}
		/* counts beat speed: the marks need intensities */
		better = tkp_chart_row_counted(r) - tkp_chart_row_counted(&c->rows[best]);
		if (better > 0 || (better == 0 && r->gflops > c->rows[best].gflops))
			best = (long)i;
	}
	return best;
}

long tkp_chart_largest_counted_row(const tkp_results *c, int k, int dt)
{
	long best = -1;

	for (size_t i = 0; i < c->nrows; i++) {
		const tkp_res_row *r = &c->rows[i], *b = best < 0 ? NULL : &c->rows[best];
		if (r->kern != k || r->dt != dt || !tkp_chart_row_counted(r))
			continue;
		if (!b || r->flops > b->flops || (r->flops == b->flops && r->gflops > b->gflops))
			best = (long)i;
	}
	return best;
}

void tkp_chart_source(const tkp_results *c, const tkp_res_row *r, char *buf, size_t size)
{
	const char *s = tkp_chart_row_counted(r) ? c->srcname[r->src] : NULL;

	if (!s)
		tkp_fmt(buf, size, "model");
	else if (strcmp(s, "sim"))
		tkp_fmt(buf, size, "%s", !strcmp(s, "papi") ? "PAPI" : s);
	else if (isfinite(r->counted_fraction) && r->counted_fraction < 1)
		tkp_fmt(buf, size, "simulated, sampled at %.3g%%", 100 * r->counted_fraction);
	else
		tkp_fmt(buf, size, "simulated");
}

int tkp_chart_level_bws(const tkp_results *r, int t, double bw[4], double *bwtop)
{
	int n = 0;

	*bwtop = 0;
	for (int lv = 0; lv < 4; lv++) {
		bw[lv] = tkp_res_level_bw(r, lv, t, NULL);
		if (isfinite(bw[lv])) {
			n++;
			*bwtop = fmax(*bwtop, bw[lv]);
		}
	}
	return n;
}

void tkp_chart_roof_axes(double *xmin, double *xmax, double *ymin, double *ymax)
{
	if (*xmax / *xmin < 100) {
		double mid = sqrt(*xmin * *xmax);
		*xmin = mid / 10;
		*xmax = mid * 10;
	}
	if (*ymax / *ymin < 100) {
		double mid = sqrt(*ymin * *ymax);
		*ymin = fmin(*ymin, mid / 10);
		*ymax = fmax(*ymax, mid * 10);
	}
	*xmin = tkp_gp_dec_floor(*xmin / 1.5);
	*xmax = tkp_gp_dec_ceil(*xmax * 1.5);
	*ymin = tkp_gp_dec_floor(*ymin / 1.5);
	*ymax = tkp_gp_dec_ceil(*ymax * 2.5);
}

int tkp_chart_bw_segment(double bw, double top, double xmin, double xmax, double ymin,
			 double seg[4])
{
	double x1 = fmax(xmin, ymin / bw), x2 = fmin(xmax, top / bw);

	seg[0] = x1;
	seg[1] = bw * x1;
	seg[2] = x2;
	seg[3] = bw * x2;
	return !(x2 <= x1);
}

void tkp_chart_ws_axis(FILE *v, double lo, double hi)
{
	double tv[64]; /* powers of 4 keep a wide range's labels apart */
	int m = 0, step = log2(hi / lo) > 10 ? 2 : 1;

	tkp_gp_set_num(v, "xmin", lo / 1.15);
	tkp_gp_set_num(v, "xmax", hi * 1.15);
	for (double e = ceil(log2(lo)); e <= floor(log2(hi)) && m < 64; e++)
		if (((long)e % step) == 0)
			tv[m++] = pow(2, e);
	tkp_gp_size_tics(v, "xt", tv, m, lo, hi, 1);
}
