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

/* The chart being filled. */
typedef struct schart {
	tkp_results *c;
	FILE *d;
	int naive, ns, nsz, ndropped;
	double dropped[16]; /* sizes a kernel ran at and naive did not */
	tkp_series s[TKP_CHART_MAXSERIES];
	tkp_chart_buf buf;
	double ymin, ymax;
} schart;

/* The series of kernel k in dtype dt: its speed-up over naive at each size
 * both ran at. */
static void speedup_series(void *ctx, int k, int dt)
{
	schart *x = ctx;
	tkp_results *c = x->c;
	tkp_res_pt *p = x->buf.p, *q = x->buf.q;
	size_t n, nn, w = 0, j = 0;
	char sz[32], f[32];

	if (k == x->naive)
		return;
	n = tkp_res_best_by_size(c, k, dt, 0, p);
	nn = tkp_res_best_by_size(c, x->naive, dt, 0, q);
	for (size_t i = 0; i < n; i++) {
		while (j < nn && q[j].x < p[i].x)
			j++;
		if (j < nn && q[j].x == p[i].x && q[j].y > 0) {
			p[w] = p[i];
			p[w++].y = p[i].y / q[j].y;
		} else if (x->ndropped < 16) {
			x->dropped[x->ndropped++] = p[i].x; /* naive did not run there */
		}
	}
	if (!w)
		return;
	tkp_chart_series_style(c, &x->s[x->ns], k, dt);
	tkp_gp_fmt_val(sz, sizeof sz, p[w - 1].x);
	tkp_gp_fmt_val(f, sizeof f, p[w - 1].y);
	tkp_fmt(x->s[x->ns].name, sizeof x->s[x->ns].name, "%s %s: ×%s at n=%s", c->kname[k],
		c->dtname[dt], f, sz);
	x->ns++;
	for (size_t i = 0; i < w; i++) {
		fprintf(x->d, "%.10g %.10g\n", p[i].x, p[i].y);
		x->ymin = fmin(x->ymin, p[i].y);
		x->ymax = fmax(x->ymax, p[i].y);
		x->buf.x[x->nsz++] = p[i].x;
	}
	tkp_gp_end_block(x->d);
}

/* The note: what a speed-up is, and the sizes some kernel ran but naive
 * did not (its max_size), which are not on the chart. */
static void speedup_note(schart *x, FILE *v)
{
	char note[300], list[160] = "";
	size_t n = 0;
	int nd = tkp_res_distinct(x->dropped, x->ndropped);

	for (int i = 0; i < nd && n < sizeof list; i++) {
		char v1[32];
		tkp_gp_fmt_val(v1, sizeof v1, x->dropped[i]);
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", v1);
	}
	tkp_fmt(note, sizeof note, "speed-up = naive time / kernel time at the same size (best "
				   "block size and thread count)%s%s%s",
		nd ? "; naive did not run n = " : "", list, nd ? ", not shown" : "");
	tkp_gp_set_str(v, "note", note);
}

int tkp_chart_speedup(tkp_results *c, FILE *v, FILE *d)
{
	static schart x;

	memset(&x, 0, sizeof x);
	if (tkp_chart_buf_get(c, &x.buf))
		return TKP_ENOMEM;
	x.c = c;
	x.d = d;
	x.naive = tkp_res_kernel_index(c, "naive");
	x.ymin = x.ymax = 1;
	if (!c->nrows) {
		tkp_chart_msg_no_rows(c, v);
		goto out;
	}
	if (x.naive >= 0)
		tkp_chart_each_kd(c, speedup_series, &x);
	if (x.naive < 0) {
		tkp_gp_message(v, "No naive rows in sweep.csv: speed-ups are measured against the naive\n"
			      "kernel at the same size and dtype.  To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels naive,simd,blocked,threaded,blas --sizes 128,256,512");
	} else if (!x.ns) {
		tkp_gp_message(v, "No other kernel ran at a size and dtype the naive kernel ran at.\n"
			      "To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels naive,simd,blocked,threaded,blas --sizes 128,256,512");
	} else {
		tkp_chart_write_series(v, x.s, x.ns);
		tkp_gp_set_num(v, "ymin", tkp_gp_dec_floor(x.ymin / 1.3));
		tkp_gp_set_num(v, "ymax", tkp_gp_dec_ceil(x.ymax * 1.5));
		tkp_chart_size_axis(v, x.buf.x, x.nsz, tkp_chart_size_label(c));
		speedup_note(&x, v);
	}
out:
	tkp_chart_buf_free(&x.buf);
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
