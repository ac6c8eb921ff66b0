/*
 * cmd_plot.c - `tkprofile plot DIR`: draw a results directory's charts.
 *
 * Reads sweep.csv, ceilings.csv, hierarchy.csv and machine.json, each
 * validated in full first (a malformed or truncated file is bad input:
 * file:line and exit 2, before anything is drawn), digests them into a small
 * data file and a variables file per chart, and runs gnuplot on
 * plots/common.gp + plots/<chart>.gp once per output format.  The digest is
 * done here, in C, so that the scripts only draw: series are grouped
 * (kernel × dtype; best GFLOP/s over block sizes and thread counts), speed-ups
 * and misses per 1000 FLOP are computed, ceilings chosen and their end points
 * placed, and a chart without data gets a message saying what to run.
 *
 * Reading and validating the directory is results.c's (shared with compare
 * and report); the digest compare does alike (the roofline's axes and
 * bandwidth segments, the hierarchy's axis) is chart.c's; running gnuplot
 * safely is gnuplot.c's: gnuplot runs without a shell in a private
 * temporary directory inside DIR/plots/, paths never reach its parser, and
 * images are renamed into place only when gnuplot succeeded, so a failed or
 * interrupted run leaves the previous chart.
 * Text that comes from the data (kernel names, CPU model, host) is written
 * into gnuplot single-quoted strings, where only '' is special (no backquote
 * or macro expansion happens inside them); control characters become spaces.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "results.h"
#include "util.h"

const char cmd_plot_usage[] =
	"usage: tkprofile plot DIR [--format LIST] [--quiet]\n"
	"\n"
	"(Re)draws the charts of a results directory from its files (sweep.csv,\n"
	"ceilings.csv, hierarchy.csv, machine.json) into DIR/plots/; kernels are\n"
	"never re-run, so results measured elsewhere can be plotted here.\n"
	"\n"
	"charts (one file per chart and format):\n"
	"  roofline   GFLOP/s vs arithmetic intensity, compute and bandwidth ceilings\n"
	"  perf       GFLOP/s vs matrix size per kernel, with the peak\n"
	"  speedup    speed-up over the naive kernel vs size\n"
	"  blocksize  GFLOP/s vs block size, L1/L2 fits marked\n"
	"  threads    speed-up and parallel efficiency vs threads\n"
	"  hierarchy  latency and bandwidth vs working set, cache sizes marked\n"
	"  cache      cache misses per 1000 FLOP vs size (needs counters)\n"
	"A chart the data cannot fill says what to run to fill it.\n"
	"\n"
	"options:\n"
	"  --format LIST  comma-separated: png (1280x800), pdf, svg (default png,pdf)\n"
	"  -q, --quiet    no progress notes\n"
	"\n"
	"Needs gnuplot (Debian: apt-get install gnuplot-nox); without it the command\n"
	"says so and exits 0, leaving the CSV as it is.  Each gnuplot run is stopped\n"
	"after TKP_PLOT_TIMEOUT seconds (default 60).\n"
	"Exit codes: 0 ok, 1 a chart failed, 2 bad usage or malformed input files.\n";

/* ---- chart styles --------------------------------------------------- */

#define MAXNAMES TKP_RES_MAXNAMES

static const char *const chart_names[] = {"roofline", "perf",	 "speedup", "blocksize",
					  "threads",  "hierarchy", "cache"};
#define NCHARTS (sizeof chart_names / sizeof chart_names[0])

/* Kernels in ladder order (their kstyle) get stable colours and markers on
 * every chart. */
static const char *const palette[] = {"#5a5a5a", "#0072b2", "#009e73", "#d55e00", "#cc79a7",
				      "#e69f00", "#56b4e9", "#8c564b", "#17becf", "#7f3c8d"};
#define NPALETTE (sizeof palette / sizeof palette[0])
static const int filled_pt[] = {7, 5, 9, 11, 13, 15};
#define NPT (sizeof filled_pt / sizeof filled_pt[0])

/* ---- series: what a chart's legend lists ------------------------------ */

typedef struct series {
	char name[200];
	const char *color;
	int pt, dt;
} series;

static void series_style(const tkp_results *c, series *s, int k, int dt)
{
	int f32 = tkp_res_dt_bytes(c->dtname[dt]) == 4, st = c->kstyle[k];

	s->color = palette[st % NPALETTE];
	s->pt = filled_pt[st % NPT] - (f32 ? 1 : 0);
	s->dt = f32 ? 2 : dt == 0 ? 1 : 1 + dt % 4;
}

/* The series of kernel k in dtype dt, named "kernel dtype". */
static void series_kd(const tkp_results *c, series *s, int k, int dt)
{
	series_style(c, s, k, dt);
	tkp_fmt(s->name, sizeof s->name, "%s %s", c->kname[k], c->dtname[dt]);
}

static void write_series(FILE *fp, const series *s, int n)
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

static const char *size_label(const tkp_results *c)
{
	return c->nonsquare ? "matrix size (m·n·k)^(1/3), log scale"
			    : "matrix size n (m = n = k), log scale";
}

/* The x axis against matrix size: tics at the nsz sizes drawn (sorted and
 * made distinct in place, so nsz > 0), a little room each side, xlab. */
static void size_axis(FILE *v, double *sizes, int nsz, const char *xlab)
{
	nsz = tkp_res_distinct(sizes, nsz);
	tkp_gp_set_num(v, "xmin", sizes[0] / 1.25);
	tkp_gp_set_num(v, "xmax", sizes[nsz - 1] * 1.25);
	tkp_gp_size_tics(v, "xt", sizes, nsz, sizes[0], sizes[nsz - 1], 0);
	tkp_gp_set_str(v, "xlab", xlab);
}

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

/* ---- the charts ------------------------------------------------------- */

/* The message of a chart that needs sweep.csv rows and has none. */
static void msg_no_rows(const tkp_results *c, FILE *v)
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

static int chart_perf(tkp_results *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, tmax = tkp_res_max_threads(c), tc = tkp_res_ceil_threads(c, tmax);
	series s[MAXNAMES * MAXNAMES];
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p);
	double *sizes = malloc((c->nrows + 1) * sizeof *sizes);
	double ymin = INFINITY, ymax = 0, pk[MAXNAMES];
	char pklab[MAXNAMES][200];
	int npk = 0, nsz = 0;

	if (!p || !sizes)
		goto nomem;
	if (!c->nrows) {
		msg_no_rows(c, v);
		goto done;
	}
	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki];
			size_t n = tkp_res_best_by_size(c, k, dt, 0, p);
			if (!n)
				continue;
			series_kd(c, &s[ns], k, dt);
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
	write_series(v, s, ns);
	tkp_gp_num_array(v, "pkval", pk, npk);
	tkp_gp_str_array(v, "pklab", pklab, npk);
	fprintf(v, "npk = %d\n", npk);
	tkp_gp_set_num(v, "ymin", tkp_gp_dec_floor(ymin / 1.3));
	tkp_gp_set_num(v, "ymax", tkp_gp_dec_ceil(ymax * 1.8));
	size_axis(v, sizes, nsz, size_label(c));
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

static int chart_speedup(tkp_results *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, naive = -1, nsz = 0, ndropped = 0;
	double dropped[16];
	series s[MAXNAMES * MAXNAMES];
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
		msg_no_rows(c, v);
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
			series_style(c, &s[ns], k, dt);
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
	write_series(v, s, ns);
	tkp_gp_set_num(v, "ymin", tkp_gp_dec_floor(ymin / 1.3));
	tkp_gp_set_num(v, "ymax", tkp_gp_dec_ceil(ymax * 1.5));
	size_axis(v, sizes, nsz, size_label(c));
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

static int chart_blocksize(tkp_results *c, FILE *v, FILE *d)
{
	enum { MAXS = 48, PER = 4 };
	int order[MAXNAMES], ns = 0, nb = 0, nmk = 0, multi_t = 0, sthr[MAXS];
	series s[MAXS];
	double *blocks = malloc((c->nrows + 16) * sizeof *blocks);
	double *sz = malloc((c->nrows + 1) * sizeof *sz);
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p);
	double ymax = 0, mk[2 * MAXNAMES], mkrow[2 * MAXNAMES], sizecolor[PER * 4];
	char note[300] = "";
	int nrow = 0;
	char mklab[2 * MAXNAMES][200];
	int nsizecolor = 0;
	static const char *const size_palette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
						   "#e69f00", "#56b4e9", "#8c564b", "#5a5a5a"};

	if (!blocks || !sz || !p) {
		free(blocks);
		free(sz);
		free(p);
		return TKP_ENOMEM;
	}
	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki], nsz = 0;
			double tl[64];
			int nt = 0;
			for (size_t i = 0; i < c->nrows; i++) {
				const tkp_res_row *r = &c->rows[i];
				if (r->kern == k && r->dt == dt && r->block > 0) {
					sz[nsz++] = r->size;
					if (nt < 64)
						tl[nt++] = r->threads;
				}
			}
			nsz = tkp_res_distinct(sz, nsz);
			nt = tkp_res_distinct(tl, nt);
			for (int ti = 0; ti < nt; ti++) {
				int kept = 0;
				for (int si = nsz - 1; si >= 0 && kept < PER && ns < MAXS; si--) {
					size_t n = 0;
					for (size_t i = 0; i < c->nrows; i++) {
						const tkp_res_row *r = &c->rows[i];
						if (r->kern == k && r->dt == dt && r->block > 0 &&
						    r->size == sz[si] && r->threads == (int)tl[ti]) {
							p[n].x = r->block;
							p[n].y = r->gflops;
							p[n++].row = i;
						}
					}
					n = tkp_res_pt_best(p, n);
					if (n < 2)
						continue;
					kept++;
					{
						int ci = 0;
						char szs[32];
						while (ci < nsizecolor && sizecolor[ci] != sz[si])
							ci++;
						if (ci == nsizecolor && nsizecolor < PER * 4)
							sizecolor[nsizecolor++] = sz[si];
						series_style(c, &s[ns], k, dt);
						s[ns].color = size_palette[ci % 8];
						tkp_gp_fmt_val(szs, sizeof szs, sz[si]);
						tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s, n=%s",
							c->kname[k], c->dtname[dt], szs);
						sthr[ns] = (int)tl[ti];
						if (ns && sthr[ns] != sthr[0])
							multi_t = 1;
					}
					ns++;
					for (size_t i = 0; i < n; i++) {
						fprintf(d, "%.10g %.10g\n", p[i].x, p[i].y);
						blocks[nb++] = p[i].x;
						ymax = fmax(ymax, p[i].y);
					}
					tkp_gp_end_block(d);
				}
			}
		}
	for (int i = 0; multi_t && i < ns; i++) { /* name the threads only when they differ */
		size_t n = strlen(s[i].name);
		snprintf(s[i].name + n, sizeof s[i].name - n, ", %d thread%s", sthr[i],
			 sthr[i] == 1 ? "" : "s");
	}
	if (!ns) {
		tkp_gp_message(v, "This sweep did not vary the block size: every blocked kernel ran\n"
			      "with one block size per matrix size.  To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels blocked --sizes 512,1024 "
			      "--blocks 16,24,32,48,64,96,128,192,256");
		goto done;
	}
	/* 3·b²·sizeof = L1, L2: the largest tile edge whose three tiles fit. */
	for (int dt = 0; dt < c->ndt; dt++) {
		int bytes = tkp_res_dt_bytes(c->dtname[dt]), used = 0;
		for (int i = 0; i < ns; i++)
			if (s[i].dt == (bytes == 4 ? 2 : 1))
				used = 1;
		if (!bytes || !used)
			continue;
		nrow++;
		for (int lv = 0; lv < 2; lv++) {
			double L = isfinite(c->cache_meas[lv]) ? c->cache_meas[lv] : c->cache_rep[lv];
			if (!isfinite(L) || L <= 0)
				continue;
			mk[nmk] = sqrt(L / (3.0 * bytes));
			mkrow[nmk] = nrow;
			tkp_fmt(mklab[nmk], sizeof mklab[nmk], "%s %s: b≈%.0f", lv ? "L2" : "L1",
				c->dtname[dt], mk[nmk]);
			blocks[nb++] = mk[nmk];
			nmk++;
		}
	}
	for (int lv = 0; lv < 2; lv++) {
		double L = isfinite(c->cache_meas[lv]) ? c->cache_meas[lv] : c->cache_rep[lv];
		char cs[32];
		size_t n = strlen(note);
		if (!isfinite(L) || L <= 0)
			continue;
		tkp_gp_fmt_bytes(cs, sizeof cs, L);
		snprintf(note + n, sizeof note - n, "%s%s %s%s", n ? ", " : "", lv ? "L2" : "L1", cs,
			 isfinite(c->cache_meas[lv]) ? " measured" : " reported");
	}
	write_series(v, s, ns);
	tkp_gp_num_array(v, "mkval", mk, nmk);
	tkp_gp_num_array(v, "mkrow", mkrow, nmk);
	tkp_gp_str_array(v, "mklab", mklab, nmk);
	fprintf(v, "nmk = %d\n", nmk);
	{
		double lo, hi;
		int n = tkp_res_distinct(blocks, nb);
		lo = blocks[0];
		hi = blocks[n - 1];
		tkp_gp_set_num(v, "xmin", lo / 1.3);
		tkp_gp_set_num(v, "xmax", hi * 1.3);
		/* tics at the block sizes measured, not at the marks */
		nb = 0;
		for (size_t i = 0; i < c->nrows; i++)
			if (c->rows[i].block > 0)
				blocks[nb++] = c->rows[i].block;
		n = tkp_res_distinct(blocks, nb);
		tkp_gp_size_tics(v, "xt", blocks, n, lo, hi, 0);
	}
	tkp_gp_set_num(v, "ymax", ymax * 1.15);
	{
		/* the line styles only where both dtypes are drawn */
		const char *styles = c->ndt > 1 ? "; solid f64, dashed f32" : "";
		char tmp[400];
		if (note[0])
			tkp_fmt(tmp, sizeof tmp, "colour: matrix size%s; marks: 3 b×b tiles fill the cache (%s)",
				styles, note);
		else
			tkp_fmt(tmp, sizeof tmp, "colour: matrix size%s (no cache sizes in machine.json: cache "
						 "fits not marked)", styles);
		tkp_gp_set_str(v, "note", tmp);
	}
done:
	free(blocks);
	free(sz);
	free(p);
	return 0;
}

static int chart_threads(tkp_results *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, tmaxall = 1, tmin_all = 1 << 30;
	series s[MAXNAMES * MAXNAMES];
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
					series_style(c, &s[ns], k, dt);
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
	write_series(v, s, ns);
	fprintf(v, "cores = %d\ntmax = %d\ntmin = %d\n", c->cores, tmaxall, tmin_all);
	tkp_gp_set_num(v, "ymax", ceil(ymax * 1.15 + 0.2));
	tkp_gp_set_str(v, "splab",
		   tmin_all == 1 ? "speed-up over 1 thread" : "speed-up over the fewest threads measured");
done:
	free(p);
	free(sz);
	return 0;
}

static int chart_hierarchy(tkp_results *c, FILE *v, FILE *d)
{
	enum { MAXS = 32 };
	series s[MAXS];
	int ns = 0, panel[MAXS], nmk = 0, nb = 0;
	const char *tests[MAXS];
	int thr[MAXS];
	double lo = INFINITY, hi = 0, mk[8], mkstyle[8], *b;
	char mklab[8][200], off[400] = "";
	static const char *const cache_name[] = {"L1d", "L2", "L3"};

	if (!c->nh) {
		tkp_gp_message(v, "No hierarchy.csv in this results directory: the memory-hierarchy\n"
			      "probe has not run here.  To fill this chart run:\n"
			      "  tkprofile machine --out <this results directory>\n"
			      "  tkprofile plot <this results directory>");
		return 0;
	}
	if (!(b = malloc((c->nh + 1) * sizeof *b)))
		return TKP_ENOMEM;
	memset(s, 0, sizeof s);
	/* series: latency tests first, then bandwidth; one per test × threads */
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < c->nh; i++) {
			const tkp_res_hrow *h = &c->hrows[i];
			int j;
			if (h->latency != pass)
				continue;
			for (j = 0; j < ns; j++)
				if (!strcmp(tests[j], h->test) && thr[j] == h->threads)
					break;
			if (j < ns || ns == MAXS)
				continue;
			tests[ns] = h->test;
			thr[ns] = h->threads;
			panel[ns] = pass ? 1 : 2;
			ns++;
		}
	for (int j = 0; j < ns; j++) {
		size_t n = 0;
		int tcount = 0, tpos = 0;
		tkp_res_pt *p = malloc((c->nh + 1) * sizeof *p);
		if (!p) {
			free(b);
			return TKP_ENOMEM;
		}
		for (int q = 0; q < ns; q++)
			if (!strcmp(tests[q], tests[j])) {
				if (q < j)
					tpos++;
				tcount++;
			}
		for (size_t i = 0; i < c->nh; i++) {
			const tkp_res_hrow *h = &c->hrows[i];
			if (!strcmp(h->test, tests[j]) && h->threads == thr[j]) {
				p[n].x = h->bytes;
				p[n].y = h->value;
				p[n++].row = i;
			}
		}
		/* one value per working set (the best: noise only slows things down,
		 * except latency, where the lowest is the best) */
		if (panel[j] == 1)
			for (size_t i = 0; i < n; i++)
				p[i].y = -p[i].y;
		n = tkp_res_pt_best(p, n);
		for (size_t i = 0; i < n; i++) {
			double y = panel[j] == 1 ? -p[i].y : p[i].y;
			fprintf(d, "%.10g %.10g\n", p[i].x, y);
			lo = fmin(lo, p[i].x);
			hi = fmax(hi, p[i].x);
			b[nb++] = p[i].x;
		}
		tkp_gp_end_block(d);
		free(p);
		s[j].pt = 7;
		s[j].dt = 1 + tpos % 5;
		s[j].color = !strcmp(tests[j], "latency") ? "#d55e00"
			     : !strcmp(tests[j], "read")  ? "#0072b2"
			     : !strcmp(tests[j], "triad") ? "#009e73"
							  : palette[(5 + j) % NPALETTE];
		if (tcount > 1 || thr[j] > 1)
			tkp_fmt(s[j].name, sizeof s[j].name, "%s, %d thread%s", tests[j], thr[j],
				thr[j] == 1 ? "" : "s");
		else
			tkp_fmt(s[j].name, sizeof s[j].name, "%s", tests[j]);
	}
	free(b);
	write_series(v, s, ns);
	fprintf(v, "array spanel[%d]\n", ns);
	for (int j = 0; j < ns; j++)
		fprintf(v, "spanel[%d] = %d\n", j + 1, panel[j]);
	/* cache sizes: measured (solid) and reported (dotted) */
	for (int lv = 0; lv < 3; lv++) {
		double m = c->cache_meas[lv], r = c->cache_rep[lv];
		char ms[32], rs[32];
		int same = isfinite(m) && isfinite(r) && fabs(m - r) <= 0.03 * r;
		if (isfinite(m))
			tkp_gp_fmt_bytes(ms, sizeof ms, m);
		if (isfinite(r))
			tkp_gp_fmt_bytes(rs, sizeof rs, r);
		if (isfinite(m) && m >= lo && m <= hi) {
			mk[nmk] = m;
			mkstyle[nmk] = 1;
			tkp_fmt(mklab[nmk++], 200, "%s %s", cache_name[lv], ms);
		}
		if (isfinite(r) && !same) {
			if (r >= lo && r <= hi) {
				mk[nmk] = r;
				mkstyle[nmk] = 2;
				tkp_fmt(mklab[nmk++], 200, "%s %s", cache_name[lv], rs);
			} else {
				size_t n = strlen(off);
				snprintf(off + n, sizeof off - n, "%s%s %s", n ? ", " : "",
					 cache_name[lv], rs);
			}
		}
	}
	if (!c->have_json) {
		tkp_gp_set_str(v, "note", "no machine.json: cache sizes not marked");
	} else {
		char tmp[600];
		int nrep = 0;
		for (int i = 0; i < nmk; i++)
			nrep += mkstyle[i] == 2;
		tkp_fmt(tmp, sizeof tmp, "cache sizes: solid as measured (latency knees)%s%s%s%s",
			nrep ? "; dotted as reported by the system" : "", off[0] ? " (reported, off scale: " : "",
			off, off[0] ? ")" : "");
		tkp_gp_set_str(v, "note", tmp);
	}
	tkp_gp_num_array(v, "mkval", mk, nmk);
	tkp_gp_num_array(v, "mkdt", mkstyle, nmk);
	tkp_gp_str_array(v, "mklab", mklab, nmk);
	fprintf(v, "nmk = %d\n", nmk);
	tkp_chart_ws_axis(v, lo, hi);
	return 0;
}

static int chart_cache(tkp_results *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, have[3] = {0, 0, 0}, nsz = 0, multi_src = c->nsrc > 1;
	series s[MAXNAMES * MAXNAMES];
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p);
	double *sizes = malloc((c->nrows + 1) * sizeof *sizes);
	double ymin[3] = {INFINITY, INFINITY, INFINITY}, ymax[3] = {0, 0, 0};
	char srcs[200] = "";

	if (!p || !sizes) {
		free(p);
		free(sizes);
		return TKP_ENOMEM;
	}
	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++)
			for (int sr = 0; sr < c->nsrc; sr++) {
				int k = order[ki];
				size_t n = 0;
				if (ns == (int)(sizeof s / sizeof s[0]))
					break;
				for (size_t i = 0; i < c->nrows; i++) {
					const tkp_res_row *r = &c->rows[i];
					if (r->kern == k && r->dt == dt && r->src == sr && r->flops > 0 &&
					    (isfinite(r->miss[0]) || isfinite(r->miss[1]) ||
					     isfinite(r->miss[2]))) {
						p[n].x = r->size;
						p[n].y = r->gflops;
						p[n++].row = i;
					}
				}
				n = tkp_res_pt_best(p, n);
				if (!n)
					continue;
				series_kd(c, &s[ns], k, dt);
				if (multi_src) /* say which counters each series is from */
					tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s (%s)", c->kname[k],
						c->dtname[dt], c->srcname[sr]);
				ns++;
				for (size_t i = 0; i < n; i++) {
					const tkp_res_row *r = &c->rows[p[i].row];
					fprintf(d, "%.10g", r->size);
					for (int lv = 0; lv < 3; lv++) {
						double y = r->miss[lv] / (r->flops / 1000.0);
						if (isfinite(y) && y > 0) {
							fprintf(d, " %.10g", y);
							have[lv] = 1;
							ymin[lv] = fmin(ymin[lv], y);
							ymax[lv] = fmax(ymax[lv], y);
						} else {
							fputs(" NaN", d);
						}
					}
					fputc('\n', d);
					sizes[nsz++] = r->size;
				}
				tkp_gp_end_block(d);
			}
	for (int sr = 0; sr < c->nsrc; sr++) {
		size_t n = strlen(srcs);
		snprintf(srcs + n, sizeof srcs - n, "%s%s", n ? ", " : "",
			 !strcmp(c->srcname[sr], "papi")  ? "PAPI hardware counters"
			 : !strcmp(c->srcname[sr], "sim") ? "simulated (valgrind cache model)"
							  : c->srcname[sr]);
	}
	if (!ns) {
		char st[1200];
		if (!c->nrows) {
			msg_no_rows(c, v);
			goto done;
		}
		if (c->status[0]) {
			/* the reason; its fix (long, and about the machine that
			 * measured, not this one) is what `tkprofile counters` gives */
			int n, fix;
			const char *why = tkp_cli_counters_reason(c->status, &n, &fix);
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
			goto done;
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
		goto done;
	}
	write_series(v, s, ns);
	fprintf(v, "array have[3] = [%d, %d, %d]\n", have[0], have[1], have[2]);
	for (int lv = 0; lv < 3; lv++) {
		if (!have[lv])
			ymin[lv] = 0.1, ymax[lv] = 10;
		ymin[lv] = tkp_gp_dec_floor(ymin[lv] / 1.5);
		ymax[lv] = tkp_gp_dec_ceil(ymax[lv] * 1.5);
	}
	tkp_gp_num_array(v, "ylo", ymin, 3);
	tkp_gp_num_array(v, "yhi", ymax, 3);
	size_axis(v, sizes, nsz, c->nonsquare ? "matrix size (m·n·k)^(1/3)" : "matrix size n (m = n = k)");
	tkp_gp_set_str(v, "srcs", srcs);
done:
	free(p);
	free(sizes);
	return 0;
}

/* Compute ceilings merged when within 4% of each other (one line, one
 * label naming all of them). */
typedef struct roof {
	double value;
	char label[200];
	const char *dt[8], *isa[8];
	int one[8]; /* this member is a 1-thread peak under multi-thread ceilings */
	int n;
	int all_one; /* every member is: the line is drawn dashed */
} roof;

/* "f64/f32 scalar", "f64 avx512, f32 avx2 1T": dtypes grouped by ISA and
 * thread count (1T: the 1-thread peak under multi-thread ceilings). */
static void roof_label(roof *r)
{
	size_t n = 0;
	int done[8] = {0};

	r->label[0] = '\0';
	for (int i = 0; i < r->n; i++) {
		if (done[i])
			continue;
		n += (size_t)snprintf(r->label + n, sizeof r->label - n, "%s%s", n ? ", " : "", r->dt[i]);
		for (int j = i + 1; j < r->n && n < sizeof r->label; j++)
			if (!done[j] && !strcmp(r->isa[j], r->isa[i]) && r->one[j] == r->one[i]) {
				n += (size_t)snprintf(r->label + n, sizeof r->label - n, "/%s", r->dt[j]);
				done[j] = 1;
			}
		if (n < sizeof r->label)
			n += (size_t)snprintf(r->label + n, sizeof r->label - n, " %s%s", r->isa[i],
					      r->one[i] ? " 1T" : "");
		if (n >= sizeof r->label)
			break;
	}
}

static int roof_cmp(const void *a, const void *b)
{
	const roof *p = a, *q = b;

	return p->value < q->value ? 1 : p->value > q->value ? -1 : 0;
}

static int chart_roofline(tkp_results *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, npk = 0, nbw = 0, any_one = 0, tmax = tkp_res_max_threads(c);
	int tc = tkp_res_ceil_threads(c, c->nrows ? tmax : 1 << 30), ncounted = 0, npts = 0;
	series s[MAXNAMES * MAXNAMES];
	roof pk[64];
	double bw[4], xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0, bwtop = 0, pkmax = 0;
	double pkmin = INFINITY;
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p);

	if (!p)
		return TKP_ENOMEM;
	if (!c->nrows && !c->nceil) {
		msg_no_rows(c, v);
		free(p);
		return 0;
	}
	/* compute ceilings at tc threads, for the dtypes measured; and, when
	 * tc > 1, the best 1-thread peak of each dtype, since most rungs of the
	 * ladder run on one thread and are judged against that roof */
	for (size_t i = 0; i < c->nceil && npk < 60; i++) {
		const tkp_res_ceil *r = &c->ceils[i];
		int j, best1 = 0;
		if (tc > 1 && r->peak && r->threads == 1 && tkp_res_ceil_usable(c, r)) {
			best1 = 1;
			for (size_t i2 = 0; i2 < c->nceil; i2++) {
				const tkp_res_ceil *o = &c->ceils[i2];
				if (o->peak && o->threads == 1 && !strcmp(o->dtype, r->dtype) &&
				    tkp_res_ceil_usable(c, o) && o->value > r->value)
					best1 = 0;
			}
		}
		if (!r->peak || (r->threads != tc && !best1) || !tkp_res_ceil_usable(c, r) ||
		    (c->nrows && !tkp_res_has_dtype(c, r->dtype)))
			continue;
		/* roofs within 4% share a line and a label, whatever their
		 * thread counts: two labels there would print over each other */
		for (j = 0; j < npk; j++)
			if (fabs(pk[j].value - r->value) <= 0.04 * pk[j].value)
				break;
		if (j == npk) {
			pk[npk].value = r->value;
			pk[npk].n = 0;
			pk[npk].all_one = 1;
			npk++;
		}
		if (pk[j].n < 8) {
			pk[j].dt[pk[j].n] = r->dtype;
			pk[j].one[pk[j].n] = r->threads != tc;
			pk[j].isa[pk[j].n++] = r->isa;
			pk[j].all_one &= r->threads != tc;
		}
	}
	qsort(pk, (size_t)npk, sizeof *pk, roof_cmp);
	for (int j = 0; j < npk; j++)
		for (int m = 0; m < pk[j].n; m++)
			any_one |= pk[j].one[m];
	for (int j = 0; j < npk; j++) {
		char val[32], tmp[200];
		roof_label(&pk[j]);
		tkp_gp_fmt_val(val, sizeof val, pk[j].value);
		tkp_fmt(tmp, sizeof tmp, "%s GFLOP/s  %s", val, pk[j].label);
		memcpy(pk[j].label, tmp, sizeof tmp);
		pkmax = fmax(pkmax, pk[j].value);
		pkmin = fmin(pkmin, pk[j].value);
	}
	nbw = tkp_chart_level_bws(c, tc, bw, &bwtop);
	/* points */
	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki];
			size_t n = tkp_res_best_by_size(c, k, dt, 0, p);
			if (!n)
				continue;
			series_kd(c, &s[ns], k, dt);
			ns++;
			for (size_t i = 0; i < n; i++) {
				const tkp_res_row *r = &c->rows[p[i].row];
				int counted;
				double x = tkp_chart_intensity(r, &counted);
				if (!(x > 0) || !(r->gflops > 0))
					continue;
				fprintf(d, "%.10g %.10g %d\n", x, r->gflops, counted);
				ncounted += counted;
				npts++;
				xmin = fmin(xmin, x);
				xmax = fmax(xmax, x);
				ymin = fmin(ymin, r->gflops);
				ymax = fmax(ymax, r->gflops);
			}
			tkp_gp_end_block(d);
		}
	/* ranges: the points and the ridge points */
	for (int lv = 0; lv < 4; lv++)
		if (isfinite(bw[lv]) && npk) {
			xmin = fmin(xmin, pkmin / bw[lv]);
			xmax = fmax(xmax, pkmax / bw[lv]);
		}
	if (!npts && !(xmax > 0)) { /* ceilings without points or ridges */
		xmin = 0.1;
		xmax = 100;
	}
	if (npk) {
		ymin = fmin(ymin, pkmin);
		ymax = fmax(ymax, pkmax);
	}
	if (!npts && nbw && !npk)
		ymin = fmin(ymin, bwtop * xmin), ymax = fmax(ymax, bwtop * xmax);
	tkp_chart_roof_axes(&xmin, &xmax, &ymin, &ymax);
	/* ceiling segments: compute lines from where they meet the top memory
	 * line; memory lines up to the top compute line */
	{
		double sx1[64], sy1[64], sx2[64], sy2[64], lx[64], ly[64], sk[64], side[64];
		char lab[64][200];
		int nseg = 0;
		for (int j = 0; j < npk && nseg < 60; j++) {
			sx1[nseg] = bwtop > 0 ? fmax(xmin, pk[j].value / bwtop) : xmin;
			sy1[nseg] = sy2[nseg] = pk[j].value;
			sx2[nseg] = xmax;
			lx[nseg] = xmax / 1.1;
			ly[nseg] = pk[j].value * 1.22;
			sk[nseg] = pk[j].all_one ? 3 : 1; /* 3: only 1-thread roofs, dashed */
			side[nseg] = 1;
			memcpy(lab[nseg], pk[j].label, sizeof lab[nseg]);
			nseg++;
		}
		double prev_bw = 0, shift = 1;
		int order_lv[4] = {0, 1, 2, 3};
		/* labels in order of bandwidth; one close to the previous line's
		 * slides further along its own line, so the two do not overlap */
		for (int i = 1; i < 4; i++)
			for (int j = i; j > 0; j--) {
				double a = bw[order_lv[j]], b = bw[order_lv[j - 1]];
				if (isfinite(a) && (!isfinite(b) || a > b)) {
					int t = order_lv[j];
					order_lv[j] = order_lv[j - 1];
					order_lv[j - 1] = t;
				}
			}
		for (int oi = 0; oi < 4; oi++) {
			int lv = order_lv[oi];
			double top = npk ? pkmax : ymax, seg[4];
			char val[32];
			if (!isfinite(bw[lv]))
				continue;
			shift = prev_bw > 0 && prev_bw / bw[lv] < 1.6 ? shift * 3.5 : 1;
			prev_bw = bw[lv];
			if (!tkp_chart_bw_segment(bw[lv], top, xmin, xmax, ymin, seg))
				continue;
			sx1[nseg] = seg[0];
			sy1[nseg] = seg[1];
			sx2[nseg] = seg[2];
			sy2[nseg] = seg[3];
			/* label a little right of the start, just above the line */
			lx[nseg] = fmin(seg[0] * 1.3 * shift, seg[2] / 3);
			ly[nseg] = bw[lv] * lx[nseg];
			side[nseg] = shift > 1 ? -1 : 1; /* close to the line above: label below */
			sk[nseg] = 2;
			tkp_gp_fmt_val(val, sizeof val, bw[lv]);
			tkp_fmt(lab[nseg], sizeof lab[nseg], "%s %s GB/s", tkp_res_level_name[lv], val);
			nseg++;
		}
		fprintf(v, "nseg = %d\nnroof = %d\n", nseg, npk);
		tkp_gp_num_array(v, "segx1", sx1, nseg);
		tkp_gp_num_array(v, "segy1", sy1, nseg);
		tkp_gp_num_array(v, "segx2", sx2, nseg);
		tkp_gp_num_array(v, "segy2", sy2, nseg);
		tkp_gp_num_array(v, "segkind", sk, nseg);
		tkp_gp_num_array(v, "labx", lx, nseg);
		tkp_gp_num_array(v, "laby", ly, nseg);
		tkp_gp_num_array(v, "labside", side, nseg);
		tkp_gp_str_array(v, "lab", lab, nseg);
	}
	write_series(v, s, ns);
	/* points whose intensity was counted are ringed (column 3) */
	fprintf(v, "ringed = %d\n", ncounted > 0 && ncounted < npts);
	tkp_gp_set_num(v, "xmin", xmin);
	tkp_gp_set_num(v, "xmax", xmax);
	tkp_gp_set_num(v, "ymin", ymin);
	tkp_gp_set_num(v, "ymax", ymax);
	if (!npts)
		tkp_gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale");
	else if (ncounted == npts)
		tkp_gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale: counted, "
				      "fp_ops / (L3 misses × 64 B)");
	else if (ncounted)
		tkp_gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale: ringed points counted "
				      "(fp_ops / (L3 misses × 64 B)), others model");
	else
		tkp_gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale: model, compulsory "
				      "traffic (m·k + k·n + 2·m·n)·sizeof");
	{
		char note[300];
		if (!c->nceil)
			tkp_fmt(note, sizeof note, "no ceilings.csv: run tkprofile machine --out <this "
						   "results directory> to draw the roofs");
		else if (!npk && !nbw)
			tkp_fmt(note, sizeof note, "ceilings.csv holds no usable ceilings");
		else if (!c->nrows)
			tkp_fmt(note, sizeof note, "ceilings with %d thread%s; no sweep.csv: no kernel points",
				tc, tc == 1 ? "" : "s");
		else if (tc > 1 && any_one)
			tkp_fmt(note, sizeof note, "ceilings measured with %d threads; 1T: a 1-thread "
						   "peak (dashed when alone); points: best GFLOP/s per kernel "
						   "and size",
				tc);
		else
			tkp_fmt(note, sizeof note, "ceilings measured with %d thread%s; points: best "
						   "GFLOP/s per kernel and size",
				tc, tc == 1 ? "" : "s");
		tkp_gp_set_str(v, "note", note);
	}
	free(p);
	return 0;
}

typedef int (*chart_fn)(tkp_results *, FILE *, FILE *);
static const chart_fn chart_fns[NCHARTS] = {chart_roofline, chart_perf,	   chart_speedup,
					    chart_blocksize, chart_threads, chart_hierarchy,
					    chart_cache};


/* ---- drawing ------------------------------------------------------------ */

static int plot_dir(const char *cmd, const char *dir, int quiet, int fmts)
{
	tkp_results c;
	tkp_gp g;
	char plots[PATH_MAX];
	int rc, nfiles = 0, nfail = 0;

	/* 1. everything is read and checked before anything is drawn */
	if ((rc = tkp_results_load(cmd, dir, &c)))
		goto out;
	if (c.unverified)
		tkp_cli_warn(cmd, "%zu row%s of sweep.csv failed verification and %s left out of the "
				  "charts",
			     c.unverified, c.unverified == 1 ? "" : "s", c.unverified == 1 ? "is" : "are");

	/* 2. gnuplot, the scripts, a private working directory inside DIR/plots */
	if (tkp_path_join(plots, sizeof plots, c.dir, "plots")) {
		rc = tkp_cli_usage(cmd, "%s: path too long", dir);
		goto out;
	}
	if ((rc = tkp_gp_open(&g, cmd, plots)) == TKP_GP_ABSENT) {
		tkp_cli_warn(cmd, "gnuplot not found on PATH: charts not drawn (the CSV files are "
				  "intact); install it (Debian: apt-get install gnuplot-nox) and run "
				  "`tkprofile plot DIR`");
		rc = 0;
		goto out;
	}
	if (rc) {
		tkp_gp_close(&g);
		goto out;
	}

	/* 3. one gnuplot run per chart and format */
	for (size_t ci = 0; ci < NCHARTS && !rc; ci++) {
		FILE *v, *d;
		int crc;
		if (tkp_gp_begin(&g, chart_names[ci], c.machine, c.when, c.resname, &v, &d)) {
			nfail++;
			continue;
		}
		crc = chart_fns[ci](&c, v, d);
		rc = tkp_gp_finish(&g, chart_names[ci], crc, v, d, fmts, &nfiles, &nfail);
	}
	if (!rc) {
		rc = nfail ? TKP_EXIT_FAIL : 0;
		if (!quiet)
			tkp_cli_note("tkprofile: %s: %d chart file%s in %s%s", cmd, nfiles,
				     nfiles == 1 ? "" : "s", g.outdir, nfail ? " (some failed, see above)" : "");
	}
	tkp_gp_close(&g);
out:
	tkp_results_free(&c);
	return rc;
}

int tkp_cli_plot_dir(const char *cmd, const char *dir, int quiet)
{
	return plot_dir(cmd, dir, quiet, TKP_GP_PNG | TKP_GP_PDF);
}

int cmd_plot(int argc, char **argv)
{
	const char *dir = NULL;
	int quiet = 0, fmts = TKP_GP_PNG | TKP_GP_PDF, rc, opts = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
			quiet = 1;
		} else if (opts && !strncmp(a, "--format=", 9)) {
			if ((rc = tkp_gp_parse_formats("plot", a + 9, &fmts)))
				return rc;
		} else if (opts && !strcmp(a, "--format")) {
			if (i + 1 >= argc)
				return tkp_cli_usage("plot", "--format: expected a list such as png,pdf");
			if ((rc = tkp_gp_parse_formats("plot", argv[++i], &fmts)))
				return rc;
		} else if (opts && a[0] == '-' && a[1]) {
			return tkp_cli_usage("plot", "unknown option '%s' (see `tkprofile plot --help`)",
					     a);
		} else if (dir) {
			return tkp_cli_usage("plot", "one results directory expected, got '%s' and '%s'",
					     dir, a);
		} else {
			dir = a;
		}
	}
	if (!dir)
		return tkp_cli_usage("plot", "expected a results directory: tkprofile plot DIR");
	if (quiet)
		tkp_cli_quiet = 1;
	tkp_cli_catch_signals();
	return plot_dir("plot", dir, quiet, fmts);
}
