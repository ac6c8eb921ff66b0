/*
 * chart_blocksize.c - GFLOP/s against the tile edge for the kernels that
 * take a block size (plots/blocksize.gp), with marks where three b×b tiles
 * of a dtype fill L1 and L2 (3·b²·sizeof = cache size).
 *
 * Layout: C chooses the series (up to four sizes per kernel, dtype and
 * thread count, coloured by size), computes the marks and their rows, the
 * x range and tics; the script places the marks' labels by row and draws.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gnuplot.h"
#include "results.h"
#include "util.h"

enum { MAXS = 48, PER = 4 };

/* The chart being filled. */
typedef struct bchart {
	tkp_results *c;
	FILE *d;
	tkp_series s[MAXS];
	int ns, sthr[MAXS], multi_t;
	tkp_chart_buf buf;
	double *blocks, *sz; /* x values drawn (and marks); sizes of one kernel */
	int nb;
	tkp_res_pt *p;
	double ymax, sizecolor[PER * 4];
	int nsizecolor;
} bchart;

/* Best GFLOP/s per block size of kernel k, dtype dt at size and threads
 * into b->p; returns the count. */
static size_t block_points(bchart *b, int k, int dt, double size, int threads)
{
	size_t n = 0;

	for (size_t i = 0; i < b->c->nrows; i++) {
		const tkp_res_row *r = &b->c->rows[i];
		if (r->kern == k && r->dt == dt && r->block > 0 && r->size == size &&
		    r->threads == threads) {
			b->p[n].x = r->block;
			b->p[n].y = r->gflops;
			b->p[n++].row = i;
		}
	}
	return tkp_res_pt_best(b->p, n);
}

/* One series: its style (colour by size), name and data block. */
static void block_series(bchart *b, int k, int dt, double size, int threads, size_t n)
{
	tkp_results *c = b->c;
	tkp_series *s = &b->s[b->ns];
	int ci = 0;
	char szs[32];

	while (ci < b->nsizecolor && b->sizecolor[ci] != size)
		ci++;
	if (ci == b->nsizecolor && b->nsizecolor < PER * 4)
		b->sizecolor[b->nsizecolor++] = size;
	tkp_chart_series_style(c, s, k, dt);
	s->color = tkp_chart_size_color(ci);
	tkp_gp_fmt_val(szs, sizeof szs, size);
	tkp_fmt(s->name, sizeof s->name, "%s %s, n=%s", c->kname[k], c->dtname[dt], szs);
	b->sthr[b->ns] = threads;
	if (b->ns && b->sthr[b->ns] != b->sthr[0])
		b->multi_t = 1;
	b->ns++;
	for (size_t i = 0; i < n; i++) {
		fprintf(b->d, "%.10g %.10g\n", b->p[i].x, b->p[i].y);
		b->blocks[b->nb++] = b->p[i].x;
		b->ymax = fmax(b->ymax, b->p[i].y);
	}
	tkp_gp_end_block(b->d);
}

/* The series of kernel k in dtype dt: per thread count, the PER largest
 * sizes that ran at two block sizes or more. */
static void block_kernel(void *ctx, int k, int dt)
{
	bchart *b = ctx;
	tkp_results *c = b->c;
	int nsz = 0, nt = 0;
	double tl[64];

	for (size_t i = 0; i < c->nrows; i++) {
		const tkp_res_row *r = &c->rows[i];
		if (r->kern == k && r->dt == dt && r->block > 0) {
			b->sz[nsz++] = r->size;
			if (nt < 64)
				tl[nt++] = r->threads;
		}
	}
	nsz = tkp_res_distinct(b->sz, nsz);
	nt = tkp_res_distinct(tl, nt);
	for (int ti = 0; ti < nt; ti++) {
		int kept = 0;
		for (int si = nsz - 1; si >= 0 && kept < PER && b->ns < MAXS; si--) {
			size_t n = block_points(b, k, dt, b->sz[si], (int)tl[ti]);
			if (n < 2)
				continue;
			kept++;
			block_series(b, k, dt, b->sz[si], (int)tl[ti], n);
		}
	}
}

/* Cache size of level lv: measured, else reported; NAN unknown. */
static double cache_size(const tkp_results *c, int lv)
{
	return isfinite(c->cache_meas[lv]) ? c->cache_meas[lv] : c->cache_rep[lv];
}

/* The marks: 3·b²·sizeof = L1, L2 (the largest tile edge whose three tiles
 * fit), one row of labels per dtype drawn. */
static void block_marks(bchart *b, FILE *v)
{
	tkp_results *c = b->c;
	double mk[2 * TKP_RES_MAXNAMES], mkrow[2 * TKP_RES_MAXNAMES];
	char mklab[2 * TKP_RES_MAXNAMES][200];
	int nmk = 0, nrow = 0;

	for (int dt = 0; dt < c->ndt; dt++) {
		int bytes = tkp_res_dt_bytes(c->dtname[dt]), used = 0;
		for (int i = 0; i < b->ns; i++)
			if (b->s[i].dt == (bytes == 4 ? 2 : 1))
				used = 1;
		if (!bytes || !used)
			continue;
		nrow++;
		for (int lv = 0; lv < 2; lv++) {
			double L = cache_size(c, lv);
			if (!isfinite(L) || L <= 0)
				continue;
			mk[nmk] = sqrt(L / (3.0 * bytes));
			mkrow[nmk] = nrow;
			tkp_fmt(mklab[nmk], sizeof mklab[nmk], "%s %s: b≈%.0f", lv ? "L2" : "L1",
				c->dtname[dt], mk[nmk]);
			b->blocks[b->nb++] = mk[nmk];
			nmk++;
		}
	}
	tkp_gp_num_array(v, "mkval", mk, nmk);
	tkp_gp_num_array(v, "mkrow", mkrow, nmk);
	tkp_gp_str_array(v, "mklab", mklab, nmk);
	fprintf(v, "nmk = %d\n", nmk);
}

/* The x range over the blocks and marks, tics at the block sizes measured. */
static void block_axis(bchart *b, FILE *v)
{
	tkp_results *c = b->c;
	int n = tkp_res_distinct(b->blocks, b->nb), nb = 0;
	double lo = b->blocks[0], hi = b->blocks[n - 1];

	tkp_gp_set_num(v, "xmin", lo / 1.3);
	tkp_gp_set_num(v, "xmax", hi * 1.3);
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].block > 0)
			b->blocks[nb++] = c->rows[i].block;
	n = tkp_res_distinct(b->blocks, nb);
	tkp_gp_size_tics(v, "xt", b->blocks, n, lo, hi, 0);
}

/* The note: what colour and line style mean, and the cache sizes marked. */
static void block_note(const tkp_results *c, FILE *v)
{
	/* the line styles only where both dtypes are drawn */
	const char *styles = c->ndt > 1 ? "; solid f64, dashed f32" : "";
	char note[300] = "", tmp[400];

	for (int lv = 0; lv < 2; lv++) {
		double L = cache_size(c, lv);
		char cs[32];
		size_t n = strlen(note);
		if (!isfinite(L) || L <= 0)
			continue;
		tkp_gp_fmt_bytes(cs, sizeof cs, L);
		snprintf(note + n, sizeof note - n, "%s%s %s%s", n ? ", " : "", lv ? "L2" : "L1", cs,
			 isfinite(c->cache_meas[lv]) ? " measured" : " reported");
	}
	if (note[0])
		tkp_fmt(tmp, sizeof tmp, "colour: matrix size%s; marks: 3 b×b tiles fill the cache (%s)",
			styles, note);
	else
		tkp_fmt(tmp, sizeof tmp, "colour: matrix size%s (no cache sizes in machine.json: cache "
					 "fits not marked)", styles);
	tkp_gp_set_str(v, "note", tmp);
}

int tkp_chart_blocksize(tkp_results *c, FILE *v, FILE *d)
{
	static bchart b;

	memset(&b, 0, sizeof b);
	if (tkp_chart_buf_get(c, &b.buf))
		return TKP_ENOMEM;
	b.c = c;
	b.d = d;
	b.blocks = b.buf.x;
	b.sz = b.buf.y;
	b.p = b.buf.p;
	tkp_chart_each_kd(c, block_kernel, &b);
	for (int i = 0; b.multi_t && i < b.ns; i++) { /* name the threads only when they differ */
		size_t n = strlen(b.s[i].name);
		snprintf(b.s[i].name + n, sizeof b.s[i].name - n, ", %d thread%s", b.sthr[i],
			 b.sthr[i] == 1 ? "" : "s");
	}
	if (!b.ns) {
		tkp_gp_message(v, "This sweep did not vary the block size: every blocked kernel ran\n"
			      "with one block size per matrix size.  To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels blocked --sizes 512,1024 "
			      "--blocks 16,24,32,48,64,96,128,192,256");
	} else {
		tkp_chart_write_series(v, b.s, b.ns);
		block_marks(&b, v);
		block_axis(&b, v);
		tkp_gp_set_num(v, "ymax", b.ymax * 1.15);
		block_note(c, v);
	}
	tkp_chart_buf_free(&b.buf);
	return 0;
}
