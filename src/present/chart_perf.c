/*
 * chart_perf.c - GFLOP/s against matrix size (plots/perf.gp), and its
 * compare overlay, one panel per kernel with a line per machine
 * (plots/compare_perf.gp).
 *
 * Layout: C chooses the series, their styles, the axes' ranges and tics and
 * the panels' grid (ncol, nrow); the scripts place the legend and draw.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "compare.h"
#include "gnuplot.h"
#include "results.h"
#include "util.h"

int tkp_chart_perf(tkp_results *c, FILE *v, FILE *d)
{
	int order[TKP_RES_MAXNAMES], ns = 0, tmax = tkp_res_max_threads(c), tc = tkp_res_ceil_threads(c, tmax);
	tkp_series s[TKP_CHART_MAXSERIES];
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p);
	double *sizes = malloc((c->nrows + 1) * sizeof *sizes);
	double ymin = INFINITY, ymax = 0, pk[TKP_RES_MAXNAMES];
	char pklab[TKP_RES_MAXNAMES][200];
	int npk = 0, nsz = 0;

	if (!p || !sizes)
		goto nomem;
	if (!c->nrows) {
		tkp_chart_msg_no_rows(c, v);
		goto done;
	}
	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki];
			size_t n = tkp_res_best_by_size(c, k, dt, 0, p);
			if (!n)
				continue;
			tkp_chart_series_kd(c, &s[ns], k, dt);
			ns++;
			for (size_t i = 0; i < n; i++) {
				const tkp_res_row *w = &c->rows[p[i].row];
				fprintf(d, "%.10g %.10g %.10g %.10g\n", p[i].x, p[i].y, w->gflops_lo, w->gflops_hi);
				ymin = fmin(ymin, w->gflops_lo);
				ymax = fmax(ymax, w->gflops_hi);
				sizes[nsz++] = p[i].x;
			}
			tkp_gp_end_block(d);
		}
	for (int dt = 0; dt < c->ndt; dt++) {
		const tkp_res_ceil *r = tkp_res_best_peak(c, c->dtname[dt], tc);
		char val[32];
		if (!r)
			continue;
		pk[npk] = r->value;
		tkp_gp_fmt_val(val, sizeof val, r->value);
		tkp_fmt(pklab[npk], sizeof pklab[npk], "%s peak (%s, %d thread%s): %s GFLOP/s", r->dtype,
			r->isa, r->threads, r->threads == 1 ? "" : "s", val);
		ymax = fmax(ymax, r->value);
		npk++;
	}
	tkp_chart_write_series(v, s, ns);
	tkp_gp_num_array(v, "pkval", pk, npk);
	tkp_gp_str_array(v, "pklab", pklab, npk);
	fprintf(v, "npk = %d\n", npk);
	tkp_gp_set_num(v, "ymin", tkp_gp_dec_floor(ymin / 1.3));
	tkp_gp_set_num(v, "ymax", tkp_gp_dec_ceil(ymax * 1.8));
	tkp_chart_size_axis(v, sizes, nsz, tkp_chart_size_label(c));
	tkp_gp_set_str(v, "note", npk ? "best GFLOP/s per kernel and size over block sizes and thread "
					"counts; bars: median time ± its MAD"
				  : "best GFLOP/s per kernel and size; bars: median time ± its MAD (no "
				    "ceilings.csv: peak not drawn)");
done:
	free(p);
	free(sizes);
	return 0;
nomem:
	free(p);
	free(sizes);
	return TKP_ENOMEM;
}

int tkp_chart_perf_cmp(const tkp_cmp *c, FILE *v, FILE *d)
{
	enum { MAXP = 9 };
	int np = 0;
	char ptitle[MAXP][200];
	double pxmin[MAXP], pxmax[MAXP], pymax[MAXP];

	if (!c->nkd) {
		tkp_gp_message(v, "These machines ran no kernel at a size and dtype they all share.\n"
				  "To fill this chart run the same sizes on each, for example:\n"
				  "  tkprofile sweep --profile quick");
		return 0;
	}
	for (int q = 0; q < c->nkd && np < MAXP; q++) {
		const tkp_cmp_kd *e = &c->kds[q];
		double ym = 0;
		for (int i = 0; i < c->nm; i++) {
			for (int x = 0; x < e->nsizes; x++) {
				double g = tkp_cmp_gflops_at(&c->m[i].r, e->kernel, e->dtype, e->sizes[x], NULL);
				fprintf(d, "%.10g %.10g\n", e->sizes[x], g);
				if (isfinite(g))
					ym = fmax(ym, g);
			}
			tkp_gp_end_block(d);
		}
		tkp_fmt(ptitle[np], sizeof ptitle[np], "%s %s", e->kernel, e->dtype);
		pxmin[np] = e->sizes[0] / 1.3;
		pxmax[np] = e->sizes[e->nsizes - 1] * 1.3;
		pymax[np] = ym > 0 ? ym * 1.15 : 1;
		np++;
	}
	tkp_cmp_gp_machines(c, v);
	fprintf(v, "np = %d\n", np);
	tkp_gp_str_array(v, "ptitle", ptitle, np);
	tkp_gp_num_array(v, "pxmin", pxmin, np);
	tkp_gp_num_array(v, "pxmax", pxmax, np);
	tkp_gp_num_array(v, "pymax", pymax, np);
	fprintf(v, "ncol = %d\nnrow = %d\n", np <= 3 ? np : np == 4 ? 2 : 3, np <= 3 ? 1 : np <= 6 ? 2 : 3);
	if (c->nkd > MAXP) {
		char note[200];
		tkp_fmt(note, sizeof note, "best GFLOP/s at the sizes every machine ran; the first %d of "
					   "%d kernels shown (all are in compare.csv)",
			MAXP, c->nkd);
		tkp_gp_set_str(v, "note", note);
	} else {
		tkp_gp_set_str(v, "note", "best GFLOP/s (over block sizes and threads) at the sizes every "
					  "machine ran; one colour per machine");
	}
	return 0;
}
