/*
 * chart_roofline.c - the roofline, for one results directory
 * (plots/roofline.gp) and overlaid for several machines
 * (plots/compare_roofline.gp): attainable GFLOP/s against arithmetic
 * intensity, log-log, compute ceilings horizontal and bandwidth ceilings
 * diagonal, each kernel's best point per size.
 *
 * Both are prepared here, from the same pieces: the points (roof_points),
 * the ceiling segments (roof_segs, cut to the axes by chart.c's
 * tkp_chart_bw_segment), and the axes (chart.c's tkp_chart_roof_axes), so
 * one machine's roofline and the comparison agree.
 *
 * Layout: every placement is decided here, in C: segment ends, where each
 * ceiling's label sits (compute labels on the right axis; bandwidth labels
 * a little right of the line's start, slid further along when the line
 * above is close, and then put below it: roof_bw_segs), and which side of
 * its line a label goes.  The script decides only what needs the
 * terminal's plot area, which C does not know: the angle that lays a
 * bandwidth label along its line.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceiling_flag.h"
#include "chart.h"
#include "charts.h"
#include "compare.h"
#include "gnuplot.h"
#include "results.h"
#include "util.h"

/* ---- pieces both rooflines use --------------------------------------------- */

/* What the axes must show: the points' and ceilings' extent. */
typedef struct roof_box {
	double xmin, xmax, ymin, ymax;
} roof_box;

#define MAXSEG (TKP_CMP_MAXM * 8)

/* Ceiling segments: ends, kind (1 compute, 2 memory, 3 a 1-thread compute
 * roof under multi-thread ceilings; compare: 1 peak, 2 L1, 3 DRAM), the
 * machine (compare), and the label's place (one results directory). */
typedef struct roof_segs {
	double x1[MAXSEG], y1[MAXSEG], x2[MAXSEG], y2[MAXSEG], kind[MAXSEG], m[MAXSEG];
	double lx[MAXSEG], ly[MAXSEG], side[MAXSEG];
	char lab[MAXSEG][200];
	int n;
} roof_segs;

/* Writes the n best points p of one series (tkp_res_best_by_size) as a
 * data block: intensity, GFLOP/s and, when counted_col, whether the
 * intensity was counted.  Points without either are left out.  Widens box;
 * adds the counted ones to *ncounted (when not NULL).  Returns how many
 * points were written. */
static int roof_points(const tkp_results *r, const tkp_res_pt *p, size_t n, FILE *d,
		       int counted_col, roof_box *box, int *ncounted)
{
	int np = 0;

	for (size_t i = 0; i < n; i++) {
		const tkp_res_row *w = &r->rows[p[i].row];
		int counted;
		double x = tkp_chart_intensity(w, &counted);
		if (!(x > 0) || !(w->gflops > 0))
			continue;
		if (counted_col)
			fprintf(d, "%.10g %.10g %d\n", x, w->gflops, counted);
		else
			fprintf(d, "%.10g %.10g\n", x, w->gflops);
		if (ncounted)
			*ncounted += counted;
		np++;
		box->xmin = fmin(box->xmin, x);
		box->xmax = fmax(box->xmax, x);
		box->ymin = fmin(box->ymin, w->gflops);
		box->ymax = fmax(box->ymax, w->gflops);
	}
	tkp_gp_end_block(d);
	return np;
}

/* segx1..segy2 (and segm, for compare), segkind, and (one results
 * directory) the labels' places labx, laby, labside and texts lab. */
static void roof_write_segs(FILE *v, roof_segs *sg, int machines, int labels)
{
	tkp_gp_num_array(v, "segx1", sg->x1, sg->n);
	tkp_gp_num_array(v, "segy1", sg->y1, sg->n);
	tkp_gp_num_array(v, "segx2", sg->x2, sg->n);
	tkp_gp_num_array(v, "segy2", sg->y2, sg->n);
	if (machines)
		tkp_gp_num_array(v, "segm", sg->m, sg->n);
	tkp_gp_num_array(v, "segkind", sg->kind, sg->n);
	if (!labels)
		return;
	tkp_gp_num_array(v, "labx", sg->lx, sg->n);
	tkp_gp_num_array(v, "laby", sg->ly, sg->n);
	tkp_gp_num_array(v, "labside", sg->side, sg->n);
	tkp_gp_str_array(v, "lab", sg->lab, sg->n);
}

static void roof_write_box(FILE *v, const roof_box *b)
{
	tkp_gp_set_num(v, "xmin", b->xmin);
	tkp_gp_set_num(v, "xmax", b->xmax);
	tkp_gp_set_num(v, "ymin", b->ymin);
	tkp_gp_set_num(v, "ymax", b->ymax);
}

/* ---- one results directory ---------------------------------------------------- */

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

/* The roofs of one results directory at tc threads. */
typedef struct roofs {
	roof pk[64];
	int n, any_one;
	double max, min;
} roofs;

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

/* Whether ceiling e is the best usable 1-thread peak of its dtype: drawn
 * beside multi-thread ceilings (tc > 1), since most rungs of the ladder
 * run on one thread and are judged against that roof. */
static int best_one_thread(const tkp_results *c, const tkp_res_ceil *e, int tc)
{
	if (!(tc > 1 && e->peak && e->threads == 1 && tkp_res_ceil_usable(c, e)))
		return 0;
	for (size_t i = 0; i < c->nceil; i++) {
		const tkp_res_ceil *o = &c->ceils[i];
		if (o->peak && o->threads == 1 && !strcmp(o->dtype, e->dtype) &&
		    tkp_res_ceil_usable(c, o) && o->value > e->value)
			return 0;
	}
	return 1;
}

/* The compute ceilings at tc threads, for the dtypes measured (and the
 * best 1-thread peaks), merged, sorted from the top and labelled. */
static void roof_peaks(const tkp_results *c, int tc, roofs *rf)
{
	memset(rf, 0, sizeof *rf);
	rf->min = INFINITY;
	for (size_t i = 0; i < c->nceil && rf->n < 60; i++) {
		const tkp_res_ceil *r = &c->ceils[i];
		int j, best1 = best_one_thread(c, r, tc);
		if (!r->peak || (r->threads != tc && !best1) || !tkp_res_ceil_usable(c, r) ||
		    (c->nrows && !tkp_res_has_dtype(c, r->dtype)))
			continue;
		/* roofs within 4% share a line and a label, whatever their
		 * thread counts: two labels there would print over each other */
		for (j = 0; j < rf->n; j++)
			if (fabs(rf->pk[j].value - r->value) <= 0.04 * rf->pk[j].value)
				break;
		if (j == rf->n) {
			rf->pk[j].value = r->value;
			rf->pk[j].all_one = 1;
			rf->n++;
		}
		if (rf->pk[j].n < 8) {
			roof *p = &rf->pk[j];
			p->dt[p->n] = r->dtype;
			p->one[p->n] = r->threads != tc;
			p->isa[p->n++] = r->isa;
			p->all_one &= r->threads != tc;
		}
	}
	qsort(rf->pk, (size_t)rf->n, sizeof *rf->pk, roof_cmp);
	for (int j = 0; j < rf->n; j++) {
		char val[32], tmp[200];
		for (int m = 0; m < rf->pk[j].n; m++)
			rf->any_one |= rf->pk[j].one[m];
		roof_label(&rf->pk[j]);
		tkp_gp_fmt_val(val, sizeof val, rf->pk[j].value);
		tkp_fmt(tmp, sizeof tmp, "%s GFLOP/s  %s", val, rf->pk[j].label);
		memcpy(rf->pk[j].label, tmp, sizeof tmp);
		rf->max = fmax(rf->max, rf->pk[j].value);
		rf->min = fmin(rf->min, rf->pk[j].value);
	}
}

/* The compute lines: from where they meet the top memory line (bwtop) to
 * the right edge, labelled on the right axis. */
static void roof_compute_segs(const roofs *rf, double bwtop, const roof_box *b, roof_segs *sg)
{
	for (int j = 0; j < rf->n && sg->n < 60; j++) {
		int s = sg->n++;
		sg->x1[s] = bwtop > 0 ? fmax(b->xmin, rf->pk[j].value / bwtop) : b->xmin;
		sg->y1[s] = sg->y2[s] = rf->pk[j].value;
		sg->x2[s] = b->xmax;
		sg->lx[s] = b->xmax / 1.1;
		sg->ly[s] = rf->pk[j].value * 1.22;
		sg->kind[s] = rf->pk[j].all_one ? 3 : 1; /* 3: only 1-thread roofs, dashed */
		sg->side[s] = 1;
		memcpy(sg->lab[s], rf->pk[j].label, sizeof sg->lab[s]);
	}
}

/* The memory lines up to the top compute line (or the top), labelled in
 * order of bandwidth: a label close to the previous line's slides further
 * along its own line, and goes below it, so the two do not overlap. */
static void roof_bw_segs(const double bw[4], double top, const roof_box *b, roof_segs *sg)
{
	double prev_bw = 0, shift = 1;
	int order_lv[4] = {0, 1, 2, 3};

	for (int i = 1; i < 4; i++)
		for (int j = i; j > 0; j--) {
			double x = bw[order_lv[j]], y = bw[order_lv[j - 1]];
			if (isfinite(x) && (!isfinite(y) || x > y)) {
				int t = order_lv[j];
				order_lv[j] = order_lv[j - 1];
				order_lv[j - 1] = t;
			}
		}
	for (int oi = 0; oi < 4; oi++) {
		int lv = order_lv[oi], s = sg->n;
		double seg[4];
		char val[32];
		if (!isfinite(bw[lv]))
			continue;
		shift = prev_bw > 0 && prev_bw / bw[lv] < 1.6 ? shift * 3.5 : 1;
		prev_bw = bw[lv];
		if (!tkp_chart_bw_segment(bw[lv], top, b->xmin, b->xmax, b->ymin, seg))
			continue;
		sg->x1[s] = seg[0];
		sg->y1[s] = seg[1];
		sg->x2[s] = seg[2];
		sg->y2[s] = seg[3];
		/* label a little right of the start, just above the line */
		sg->lx[s] = fmin(seg[0] * 1.3 * shift, seg[2] / 3);
		sg->ly[s] = bw[lv] * sg->lx[s];
		sg->side[s] = shift > 1 ? -1 : 1; /* close to the line above: label below */
		sg->kind[s] = 2;
		tkp_gp_fmt_val(val, sizeof val, bw[lv]);
		tkp_fmt(sg->lab[s], sizeof sg->lab[s], "%s %s GB/s", tkp_res_level_name[lv], val);
		sg->n++;
	}
}

/* The axes: the points, the ridge points and the roofs. */
static void roof_extent(roof_box *b, const roofs *rf, const double bw[4], int nbw, double bwtop,
			int npts)
{
	for (int lv = 0; lv < 4; lv++)
		if (isfinite(bw[lv]) && rf->n) {
			b->xmin = fmin(b->xmin, rf->min / bw[lv]);
			b->xmax = fmax(b->xmax, rf->max / bw[lv]);
		}
	if (!npts && !(b->xmax > 0)) { /* ceilings without points or ridges */
		b->xmin = 0.1;
		b->xmax = 100;
	}
	if (rf->n) {
		b->ymin = fmin(b->ymin, rf->min);
		b->ymax = fmax(b->ymax, rf->max);
	}
	if (!npts && nbw && !rf->n)
		b->ymin = fmin(b->ymin, bwtop * b->xmin), b->ymax = fmax(b->ymax, bwtop * b->xmax);
	tkp_chart_roof_axes(&b->xmin, &b->xmax, &b->ymin, &b->ymax);
}

/* The x label (what the intensities are) and the note (which ceilings). */
static void roof_texts(const tkp_results *c, FILE *v, int npts, int ncounted, const roofs *rf,
		       int nbw, int tc)
{
	char note[300];

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
	if (!c->nceil)
		tkp_fmt(note, sizeof note, "no ceilings.csv: run tkprofile machine --out <this "
					   "results directory> to draw the roofs");
	else if (!rf->n && !nbw)
		tkp_fmt(note, sizeof note, "ceilings.csv holds no usable ceilings");
	else if (!c->nrows)
		tkp_fmt(note, sizeof note, "ceilings with %d thread%s; no sweep.csv: no kernel points",
			tc, tc == 1 ? "" : "s");
	else if (tc > 1 && rf->any_one)
		tkp_fmt(note, sizeof note, "ceilings measured with %d threads; 1T: a 1-thread "
					   "peak (dashed when alone); points: best GFLOP/s per kernel "
					   "and size",
			tc);
	else
		tkp_fmt(note, sizeof note, "ceilings measured with %d thread%s; points: best "
					   "GFLOP/s per kernel and size",
			tc, tc == 1 ? "" : "s");
	tkp_res_peak_note(c, note, sizeof note);
	tkp_gp_set_str(v, "note", note);
}

int tkp_chart_roofline(tkp_results *c, FILE *v, FILE *d)
{
	static roofs rf;
	static roof_segs sg;
	static tkp_series s[TKP_CHART_MAXSERIES];
	int order[TKP_RES_MAXNAMES], ns = 0, nbw, ncounted = 0, npts = 0;
	int tc = tkp_res_ceil_threads(c, c->nrows ? tkp_res_max_threads(c) : 1 << 30);
	double bw[4], bwtop = 0;
	roof_box box = {INFINITY, 0, INFINITY, 0};
	tkp_res_pt *p = malloc((c->nrows + 1) * sizeof *p);

	if (!p)
		return TKP_ENOMEM;
	if (!c->nrows && !c->nceil) {
		tkp_chart_msg_no_rows(c, v);
		free(p);
		return 0;
	}
	roof_peaks(c, tc, &rf);
	nbw = tkp_chart_level_bws(c, tc, bw, &bwtop);
	tkp_res_kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			size_t n = tkp_res_best_by_size(c, order[ki], dt, 0, p);
			if (!n)
				continue;
			tkp_chart_series_kd(c, &s[ns++], order[ki], dt);
			npts += roof_points(c, p, n, d, 1, &box, &ncounted);
		}
	free(p);
	roof_extent(&box, &rf, bw, nbw, bwtop, npts);
	sg.n = 0;
	roof_compute_segs(&rf, bwtop, &box, &sg);
	roof_bw_segs(bw, rf.n ? rf.max : box.ymax, &box, &sg);
	fprintf(v, "nseg = %d\nnroof = %d\n", sg.n, rf.n);
	roof_write_segs(v, &sg, 0, 1);
	tkp_chart_write_series(v, s, ns);
	/* points whose intensity was counted are ringed (column 3) */
	fprintf(v, "ringed = %d\n", ncounted > 0 && ncounted < npts);
	roof_write_box(v, &box);
	roof_texts(c, v, npts, ncounted, &rf, nbw, tc);
	return 0;
}

/* ---- several machines (compare) ----------------------------------------------- */

enum { CMAXS = TKP_CMP_MAXM * TKP_CMP_MAXK };

/* The overlay being filled: series (colour the machine, marker the
 * kernel), the kernel legend, each machine's ceilings and their label. */
typedef struct cmp_roof {
	const tkp_cmp *c;
	FILE *d;
	char sname[CMAXS][200];
	int scol[CMAXS], spt[CMAXS], ns, npts, any_ceil, any_f32;
	char mlab[TKP_CMP_MAXM][200], klab[TKP_CMP_MAXK][200];
	double kpt[TKP_CMP_MAXK];
	int krank[TKP_CMP_MAXK], nkl;
	roof_box box;
	roof_segs sg;
} cmp_roof;

/* Kernel k of machine i in the legend: one entry per kernel, filled
 * marker. */
static void cmp_kernel_legend(cmp_roof *x, const char *kernel, int rank)
{
	int j;

	for (j = 0; j < x->nkl; j++)
		if (!strcmp(x->klab[j], kernel))
			break;
	if (j == x->nkl && x->nkl < TKP_CMP_MAXK) {
		tkp_strlcpy(x->klab[x->nkl], kernel, sizeof x->klab[x->nkl]);
		x->kpt[x->nkl] = tkp_chart_marker(rank < 100 ? rank : 5);
		x->krank[x->nkl++] = rank;
	}
}

/* Machine i's points: one series per kernel and dtype. */
static int cmp_points(cmp_roof *x, int i)
{
	const tkp_results *r = &x->c->m[i].r;
	int order[TKP_CMP_MAXK];
	tkp_res_pt *p = malloc((r->nrows + 1) * sizeof *p);

	if (!p)
		return TKP_ENOMEM;
	tkp_res_kernel_order(r, order);
	for (int ki = 0; ki < r->nk; ki++)
		for (int dt = 0; dt < r->ndt && x->ns < CMAXS; dt++) {
			int k = order[ki], rank = tkp_res_ladder_rank(r->kname[k]);
			int f32 = tkp_res_dt_bytes(r->dtname[dt]) == 4;
			size_t n = tkp_res_best_by_size(r, k, dt, 0, p);
			if (!n)
				continue;
			x->npts += roof_points(r, p, n, x->d, 0, &x->box, NULL);
			x->scol[x->ns] = i;
			x->spt[x->ns] = tkp_chart_marker(rank < 100 ? rank : 5) - f32;
			tkp_fmt(x->sname[x->ns], sizeof x->sname[x->ns], "%s %s %s", x->c->m[i].label,
				r->kname[k], r->dtname[dt]);
			x->ns++;
			if (f32)
				x->any_f32 = 1;
			cmp_kernel_legend(x, r->kname[k], rank);
		}
	free(p);
	return 0;
}

/* Machine i's ceilings: its peaks (dtypes it ran) and its L1 and DRAM
 * bandwidths, at the thread count its kernels used at most; their ends are
 * set once the axes are known (cmp_resolve).  Its legend line says them. */
static void cmp_ceilings(cmp_roof *x, int i)
{
	const tkp_results *r = &x->c->m[i].r;
	int tc = tkp_res_ceil_threads(r, r->nrows ? tkp_res_max_threads(r) : 1 << 30), nl = 0;
	double pk[4], top = 0, bwtop = 0, bw[4];
	char pl[4][64], *lab = x->mlab[i];
	size_t n, size = sizeof x->mlab[i];
	roof_segs *sg = &x->sg;

	for (int dt = 0; dt < 2; dt++) {
		const char *dn = dt ? "f32" : "f64";
		const tkp_res_ceil *q;
		if (r->nrows && !tkp_res_has_dtype(r, dn))
			continue;
		if (!(q = tkp_res_best_peak(r, dn, tc)))
			continue;
		pk[nl] = q->value;
		tkp_fmt(pl[nl], sizeof pl[nl], "%s %.3g GFLOP/s (%s)", dn, q->value, q->isa);
		top = fmax(top, q->value);
		nl++;
	}
	tkp_chart_level_bws(r, tc, bw, &bwtop);
	lab[0] = '\0';
	if (!nl && !(bwtop > 0)) {
		tkp_fmt(lab, size, "%s (no ceilings)", x->c->m[i].label);
		return;
	}
	x->any_ceil = 1;
	n = (size_t)snprintf(lab, size, "%s:", x->c->m[i].label);
	for (int j = 0; j < nl && n < size; j++) {
		n += (size_t)snprintf(lab + n, size - n, "%s %s", j ? "," : " peak", pl[j]);
		sg->x1[sg->n] = bwtop > 0 ? pk[j] / bwtop : NAN;
		sg->y1[sg->n] = sg->y2[sg->n] = pk[j];
		sg->x2[sg->n] = NAN; /* to xmax, set below */
		sg->m[sg->n] = i + 1;
		sg->kind[sg->n++] = 1;
		x->box.ymin = fmin(x->box.ymin, pk[j]);
		x->box.ymax = fmax(x->box.ymax, pk[j]);
	}
	for (int l = 0; l < 4; l += 3) { /* L1 and DRAM */
		if (!isfinite(bw[l]))
			continue;
		if (n < size)
			n += (size_t)snprintf(lab + n, size - n, "%s %s %.3g GB/s", nl || l ? ";" : "",
					      tkp_res_level_name[l], bw[l]);
		sg->x1[sg->n] = NAN; /* from xmin */
		sg->y1[sg->n] = bw[l];
		sg->x2[sg->n] = top > 0 ? top / bw[l] : NAN;
		sg->y2[sg->n] = top;
		sg->m[sg->n] = i + 1;
		sg->kind[sg->n++] = l == 0 ? 2 : 3;
		if (top > 0) {
			x->box.xmin = fmin(x->box.xmin, top / bw[l]);
			x->box.xmax = fmax(x->box.xmax, top / bw[l]);
		}
	}
	if (n < size)
		snprintf(lab + n, size - n, " (%d thread%s)", tc, tc == 1 ? "" : "s");
}

/* The axes, then every segment's ends on them. */
static void cmp_resolve(cmp_roof *x)
{
	roof_box *b = &x->box;
	roof_segs *sg = &x->sg;

	if (!(b->xmax > 0)) {
		b->xmin = 0.1;
		b->xmax = 100;
	}
	/* room left of the ridges, so that each bandwidth line shows its slope */
	for (int s = 0; s < sg->n; s++)
		if (sg->kind[s] != 1 && isfinite(sg->x2[s]))
			b->xmin = fmin(b->xmin, sg->x2[s] / 8);
	if (!(b->ymax > 0)) {
		b->ymin = 1;
		b->ymax = 100;
	}
	tkp_chart_roof_axes(&b->xmin, &b->xmax, &b->ymin, &b->ymax);
	for (int s = 0; s < sg->n; s++) {
		if (sg->kind[s] == 1) { /* compute: from the ridge (or the left edge) to the right */
			sg->x1[s] = isfinite(sg->x1[s]) ? fmax(b->xmin, sg->x1[s]) : b->xmin;
			sg->x2[s] = b->xmax;
		} else { /* memory: from the bottom edge to the top peak (y2), or the top */
			double seg[4];
			tkp_chart_bw_segment(sg->y1[s], isfinite(sg->x2[s]) ? sg->y2[s] : b->ymax, b->xmin,
					     b->xmax, b->ymin, seg);
			sg->x1[s] = seg[0];
			sg->y1[s] = seg[1];
			sg->x2[s] = seg[2];
			sg->y2[s] = seg[3];
		}
	}
}

/* Kernels in ladder order in the legend (stable). */
static void cmp_sort_legend(cmp_roof *x)
{
	for (int i = 1; i < x->nkl; i++)
		for (int j = i; j > 0 && x->krank[j] < x->krank[j - 1]; j--) {
			char t[200];
			double tp = x->kpt[j];
			int tr = x->krank[j];
			memcpy(t, x->klab[j], sizeof t);
			memcpy(x->klab[j], x->klab[j - 1], sizeof t);
			memcpy(x->klab[j - 1], t, sizeof t);
			x->kpt[j] = x->kpt[j - 1];
			x->kpt[j - 1] = tp;
			x->krank[j] = x->krank[j - 1];
			x->krank[j - 1] = tr;
		}
}

static void cmp_write(cmp_roof *x, FILE *v)
{
	int ns = x->ns;

	tkp_cmp_gp_machines(x->c, v);
	fprintf(v, "ns = %d\narray sname[%d]\narray scol[%d]\narray spt[%d]\n", ns, ns ? ns : 1,
		ns ? ns : 1, ns ? ns : 1);
	for (int s = 0; s < ns; s++) {
		fprintf(v, "sname[%d] = ", s + 1);
		tkp_gp_str(v, x->sname[s], 190);
		fprintf(v, "; scol[%d] = '%s'; spt[%d] = %d\n", s + 1,
			tkp_chart_machine_color(x->scol[s]), s + 1, x->spt[s]);
	}
	fprintf(v, "nseg = %d\n", x->sg.n);
	roof_write_segs(v, &x->sg, 1, 0);
	tkp_gp_str_array(v, "mlab", x->mlab, x->c->nm);
	fprintf(v, "nkl = %d\n", x->nkl);
	tkp_gp_str_array(v, "klab", x->klab, x->nkl);
	tkp_gp_num_array(v, "kpt", x->kpt, x->nkl);
	roof_write_box(v, &x->box);
	tkp_gp_set_str(v, "note", x->any_f32 ? "colour: machine; marker: kernel (filled f64, open f32); "
					      "lines: compute peaks, L1 (dashed) and DRAM (dotted) bandwidth"
					    : "colour: machine; marker: kernel; lines: each machine's compute "
					      "peaks (solid), L1 (dashed) and DRAM (dotted) bandwidth");
}

int tkp_chart_roofline_cmp(const tkp_cmp *c, FILE *v, FILE *d)
{
	static cmp_roof x;

	memset(&x, 0, sizeof x);
	x.c = c;
	x.d = d;
	x.box = (roof_box){INFINITY, 0, INFINITY, 0};
	for (int i = 0; i < c->nm; i++)
		if (cmp_points(&x, i))
			return TKP_ENOMEM;
	for (int i = 0; i < c->nm; i++)
		cmp_ceilings(&x, i);
	if (!x.npts && !x.any_ceil) {
		tkp_gp_message(v, "No kernel points and no ceilings on any of these machines:\n"
				  "their results directories hold neither sweep.csv rows nor\n"
				  "ceilings.csv.  Run tkprofile sweep on each machine.");
		return 0;
	}
	cmp_resolve(&x);
	cmp_sort_legend(&x);
	cmp_write(&x, v);
	return 0;
}
