/*
 * chart_speedup.c - speed-up over the naive kernel against matrix size
 * (plots/speedup.gp), and its compare overlay, one bar per machine per
 * kernel at the largest size all ran both at (plots/compare_speedup.gp).
 *
 * Layout: C computes the speed-ups, the bars' extents and colours, the
 * axes and the notes; the scripts only draw them.
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

int tkp_chart_speedup(tkp_results *c, FILE *v, FILE *d)
{
	int order[TKP_RES_MAXNAMES], ns = 0, naive = -1, nsz = 0, ndropped = 0;
	double dropped[16];
	tkp_series s[TKP_CHART_MAXSERIES];
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p), *q = malloc((c->nrows + 1) * sizeof *q);
	double *sizes = malloc((c->nrows + 1) * sizeof *sizes);
	double ymin = 1, ymax = 1;

	if (!p || !q || !sizes) {
		free(p);
		free(q);
		free(sizes);
		return TKP_ENOMEM;
	}
	for (int k = 0; k < c->nk; k++)
		if (!strcmp(c->kname[k], "naive"))
			naive = k;
	if (!c->nrows) {
		tkp_chart_msg_no_rows(c, v);
		goto done;
	}
	tkp_res_kernel_order(c, order);
	for (int ki = 0; naive >= 0 && ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki];
			size_t n, nn, w = 0, j = 0;
			if (k == naive)
				continue;
			n = tkp_res_best_by_size(c, k, dt, 0, p);
			nn = tkp_res_best_by_size(c, naive, dt, 0, q);
			for (size_t i = 0; i < n; i++) {
				while (j < nn && q[j].x < p[i].x)
					j++;
				if (j < nn && q[j].x == p[i].x && q[j].y > 0) {
					p[w] = p[i];
					p[w++].y = p[i].y / q[j].y;
				} else if (ndropped < 16) {
					dropped[ndropped++] = p[i].x; /* naive did not run there */
				}
			}
			if (!w)
				continue;
			tkp_chart_series_style(c, &s[ns], k, dt);
			{
				char sz[32], x[32];
				tkp_gp_fmt_val(sz, sizeof sz, p[w - 1].x);
				tkp_gp_fmt_val(x, sizeof x, p[w - 1].y);
				tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s: ×%s at n=%s", c->kname[k],
					c->dtname[dt], x, sz);
			}
			ns++;
			for (size_t i = 0; i < w; i++) {
				fprintf(d, "%.10g %.10g\n", p[i].x, p[i].y);
				ymin = fmin(ymin, p[i].y);
				ymax = fmax(ymax, p[i].y);
				sizes[nsz++] = p[i].x;
			}
			tkp_gp_end_block(d);
		}
	if (naive < 0) {
		tkp_gp_message(v, "No naive rows in sweep.csv: speed-ups are measured against the naive\n"
			      "kernel at the same size and dtype.  To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels naive,simd,blocked,threaded,blas --sizes 128,256,512");
		goto done;
	}
	if (!ns) {
		tkp_gp_message(v, "No other kernel ran at a size and dtype the naive kernel ran at.\n"
			      "To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels naive,simd,blocked,threaded,blas --sizes 128,256,512");
		goto done;
	}
	tkp_chart_write_series(v, s, ns);
	tkp_gp_set_num(v, "ymin", tkp_gp_dec_floor(ymin / 1.3));
	tkp_gp_set_num(v, "ymax", tkp_gp_dec_ceil(ymax * 1.5));
	tkp_chart_size_axis(v, sizes, nsz, tkp_chart_size_label(c));
	{
		/* sizes some kernel ran but naive did not (its max_size): not on
		 * the chart, and the chart says so */
		char note[300], list[160] = "";
		size_t n = 0;
		int nd = tkp_res_distinct(dropped, ndropped);
		for (int i = 0; i < nd && n < sizeof list; i++) {
			char v1[32];
			tkp_gp_fmt_val(v1, sizeof v1, dropped[i]);
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", v1);
		}
		tkp_fmt(note, sizeof note, "speed-up = naive time / kernel time at the same size (best "
					   "block size and thread count)%s%s%s",
			nd ? "; naive did not run n = " : "", list, nd ? ", not shown" : "");
		tkp_gp_set_str(v, "note", note);
	}
done:
	free(p);
	free(q);
	free(sizes);
	return 0;
}

int tkp_chart_speedup_cmp(const tkp_cmp *c, FILE *v, FILE *d)
{
	enum { MAXG = 16 };
	int ng = 0;
	char glab[MAXG][200];
	double ymin = 1, ymax = 1;

	for (int q = 0; q < c->nkd && ng < MAXG; q++) {
		const tkp_cmp_kd *e = &c->kds[q];
		double size = tkp_cmp_naive_size(c, e);
		if (isnan(size))
			continue;
		/* group ng: one bar per machine, centred on ng + 1 */
		for (int i = 0; i < c->nm; i++) {
			double w = 0.8 / c->nm, x = ng + 1 - 0.4 + w * (i + 0.5);
			double sp = tkp_cmp_speedup_at(&c->m[i].r, e, size);
			/* the last column: the machine's colour as 0xRRGGBB (lc rgb variable) */
			fprintf(d, "%.10g %.10g %.10g %.10g %.10g %.10g %ld\n", x, sp, x - w * 0.45,
				x + w * 0.45, isfinite(sp) ? fmin(1, sp) : NAN,
				isfinite(sp) ? fmax(1, sp) : NAN, strtol(tkp_chart_machine_color(i) + 1, NULL, 16));
			if (isfinite(sp)) {
				ymin = fmin(ymin, sp);
				ymax = fmax(ymax, sp);
			}
		}
		tkp_gp_end_block(d);
		tkp_fmt(glab[ng], sizeof glab[ng], "%s %s\\nn=%g", e->kernel, e->dtype, size);
		ng++;
	}
	if (!ng) {
		tkp_gp_message(v, "No speed-ups to compare: the machines share no size at which both\n"
				  "the naive kernel and another kernel ran.  To fill this chart run\n"
				  "the same sizes on each machine, for example:\n"
				  "  tkprofile sweep --kernels naive,simd,blocked,threaded,blas --sizes 128,256");
		return 0;
	}
	tkp_cmp_gp_machines(c, v);
	fprintf(v, "ng = %d\n", ng);
	/* group labels hold a newline: written as double-quoted strings */
	fprintf(v, "array glab[%d]\n", ng);
	for (int g = 0; g < ng; g++) {
		char *nl = strstr(glab[g], "\\n");
		*nl = '\0';
		fprintf(v, "glab[%d] = ", g + 1);
		tkp_gp_str(v, glab[g], 190);
		fputs(" . \"\\n\" . ", v);
		tkp_gp_str(v, nl + 2, 190);
		fputc('\n', v);
	}
	tkp_gp_set_num(v, "ymin", tkp_gp_dec_floor(ymin / 1.5));
	tkp_gp_set_num(v, "ymax", tkp_gp_dec_ceil(ymax * 2));
	tkp_gp_set_str(v, "note", "speed-up = naive time / kernel time at the same size, on each "
				  "machine (best block size and thread count)");
	return 0;
}
