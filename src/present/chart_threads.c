/*
 * chart_threads.c - thread scaling (plots/threads.gp): speed-up over the
 * fewest threads and parallel efficiency at the largest size run with
 * several thread counts.
 *
 * Layout: C picks the size per kernel and computes both curves and the
 * y range; the script lays out the two panels and the ideal line.
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

/* Threads list to suggest in messages: 1,2,4,... up to the cores. */
static void thread_list(const tkp_results *c, char *buf, size_t size)
{
	int cores = c->cores > 0 ? c->cores : 4;
	size_t n = 0;

	buf[0] = '\0';
	for (int t = 1; t <= cores && n + 12 < size; t *= 2)
		n += (size_t)snprintf(buf + n, size - n, "%s%d", n ? "," : "", t);
	if (cores > 1 && (cores & (cores - 1)) && n + 12 < size)
		snprintf(buf + n, size - n, ",%d", cores);
}

int tkp_chart_threads(tkp_results *c, FILE *v, FILE *d)
{
	int order[TKP_RES_MAXNAMES], ns = 0, tmaxall = 1, tmin_all = 1 << 30;
	tkp_series s[TKP_CHART_MAXSERIES];
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p);
	double *sz = malloc((c->nrows + 1) * sizeof *sz), ymax = 1;
	char tl[64];

	if (!p || !sz) {
		free(p);
		free(sz);
		return TKP_ENOMEM;
	}
	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki], nsz = 0;
			size_t n = 0;
			for (size_t i = 0; i < c->nrows; i++)
				if (c->rows[i].kern == k && c->rows[i].dt == dt)
					sz[nsz++] = c->rows[i].size;
			nsz = tkp_res_distinct(sz, nsz);
			/* the largest size that was run with several thread counts */
			for (int si = nsz - 1; si >= 0; si--) {
				n = 0;
				for (size_t i = 0; i < c->nrows; i++) {
					const tkp_res_row *r = &c->rows[i];
					if (r->kern == k && r->dt == dt && r->size == sz[si]) {
						p[n].x = r->threads > 0 ? r->threads : 1;
						p[n].y = r->gflops;
						p[n++].row = i;
					}
				}
				n = tkp_res_pt_best(p, n);
				if (n >= 2) {
					char szs[32];
					tkp_chart_series_style(c, &s[ns], k, dt);
					tkp_gp_fmt_val(szs, sizeof szs, sz[si]);
					tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s, n=%s", c->kname[k],
						c->dtname[dt], szs);
					ns++;
					break;
				}
				n = 0;
			}
			if (!n)
				continue;
			for (size_t i = 0; i < n; i++) {
				double sp = p[i].y / p[0].y;
				fprintf(d, "%.10g %.10g %.10g\n", p[i].x, sp, 100.0 * sp * p[0].x / p[i].x);
				ymax = fmax(ymax, fmax(sp, p[i].x / p[0].x));
				if ((int)p[i].x > tmaxall)
					tmaxall = (int)p[i].x;
			}
			if ((int)p[0].x < tmin_all)
				tmin_all = (int)p[0].x;
			tkp_gp_end_block(d);
		}
	if (!ns) {
		thread_list(c, tl, sizeof tl);
		tkp_gp_message(v, "This sweep ran every kernel with one thread count.\n"
			      "To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels threaded,blas --sizes 1024 --threads %s",
			   tl);
		goto done;
	}
	tkp_chart_write_series(v, s, ns);
	fprintf(v, "cores = %d\ntmax = %d\ntmin = %d\n", c->cores, tmaxall, tmin_all);
	tkp_gp_set_num(v, "ymax", ceil(ymax * 1.15 + 0.2));
	tkp_gp_set_str(v, "splab",
		   tmin_all == 1 ? "speed-up over 1 thread" : "speed-up over the fewest threads measured");
done:
	free(p);
	free(sz);
	return 0;
}
