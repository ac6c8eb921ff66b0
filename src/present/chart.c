/*
 * chart.c - the chart digest shared by `tkprofile plot` and `tkprofile
 * compare` (chart.h): roofline points, ceilings and axes, and the
 * hierarchy charts' working-set axis.  One machine's roofline and the
 * comparison of several must agree on these; keeping them in one place
 * means a change of rounding or of a ceiling's extent reaches both.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "chart.h"
#include "gnuplot.h"
#include "results.h"

double tkp_chart_intensity(const tkp_res_row *r, int *counted)
{
	*counted = isfinite(r->ai_dram) && r->ai_dram > 0;
	return *counted ? r->ai_dram : r->ai_model;
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
