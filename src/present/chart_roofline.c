/*
 * chart_roofline.c - the hierarchical roofline, for one results directory
 * (plots/roofline.gp) and overlaid for several machines
 * (plots/compare_roofline.gp): attainable GFLOP/s against arithmetic
 * intensity, log-log, one panel per dtype; compute ceilings horizontal,
 * bandwidth ceilings (L1, L2, L3, DRAM) diagonal.
 *
 * Each kernel is drawn at its largest size (chart.c's tkp_chart_largest_row,
 * the row bound.c judges) with a mark at its intensity across every
 * boundary it has counts for — L2 (L1 misses), L3 (L2 misses), DRAM (L3
 * misses) — and a hollow mark at the model's compulsory intensity, all
 * joined at its GFLOP/s: the leftmost mark sits on the roof it meets
 * first, its bound.  A level counted with no misses has no finite
 * intensity: its mark is an arrow at the right edge, and so is one far
 * past every ridge point (dir_cap).  A row without counts
 * has only the model's mark, and the panel's title says so.
 *
 * Layout is decided here, in C, which knows the panels' place on the page
 * (it sets their margins): segment ends, the compute labels (inside the
 * panel at its right edge, stacked so that none overlaps another or leaves
 * the panel: roof_stack), the bandwidth labels and the angle that lays
 * them along their lines.  The scripts only draw.
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

#define MAXP 2                 /* panels: f64, f32 */
#define MAXSEG (TKP_CMP_MAXM * 16)
#define MAXKS (TKP_CMP_MAXM * TKP_CMP_MAXK * MAXP)
#define PAGE_W 1280.0          /* the PNG (the PDF has the same shape) */
#define PAGE_H 800.0
#define PANEL_TOP 0.84
#define PANEL_BOT 0.30
#define TEXT_PX 16.0           /* a label's height at font 11 */

/* Point types of the marks: L2, L3, DRAM filled, the model hollow. */
static const int mark_pt[4] = {0, 5, 9, 7};
#define MODEL_PT 6

typedef struct roof_box {
	double xmin, xmax, ymin, ymax;
} roof_box;

/* Ceiling segments: ends, kind (1 compute, 2 memory, 3 a 1-thread compute
 * roof under multi-thread ceilings), panel, machine (compare), and the
 * label's place: x, y, alignment (1 right, 0 left along the line), text. */
typedef struct roof_segs {
	double x1[MAXSEG], y1[MAXSEG], x2[MAXSEG], y2[MAXSEG], kind[MAXSEG], m[MAXSEG], p[MAXSEG];
	double lx[MAXSEG], ly[MAXSEG], side[MAXSEG];
	char lab[MAXSEG][200];
	int n;
} roof_segs;

/* One kernel's marks in one panel. */
typedef struct roof_kmarks {
	int panel, color;             /* color: kernel style, or machine (compare) */
	char name[200];
	double y, x[4], model;        /* x[lv]: level lv's intensity (1..3), NAN none */
	int zero[4], counted;
	int hasfb;                    /* not counted; a smaller counted size follows */
	int fallback;                 /* that smaller counted size (dashed, no legend entry) */
} roof_kmarks;

/* The panels: their dtypes and place on the page. */
typedef struct roof_panels {
	char name[MAXP][200], title[MAXP][200];
	double lm[MAXP], rm[MAXP];
	int n;
} roof_panels;

static void panels_place(roof_panels *pn)
{
	double w = (0.895 - 0.075 * (pn->n - 1)) / (pn->n ? pn->n : 1);

	for (int p = 0; p < pn->n; p++) {
		pn->lm[p] = 0.075 + p * (w + 0.075);
		pn->rm[p] = pn->lm[p] + w;
	}
}

/* Kernel row w's marks into s; widens b. */
static void kernel_marks(const tkp_results *r, const tkp_res_row *w, roof_kmarks *s, roof_box *b)
{
	s->y = w->gflops;
	s->model = w->ai_model;
	s->counted = tkp_chart_row_counted(w);
	for (int lv = 1; lv <= 3; lv++) {
		double x = tkp_chart_level_ai(r, w, lv);
		s->zero[lv] = x == INFINITY;
		s->x[lv] = isfinite(x) && x > 0 ? x : NAN;
		if (isfinite(s->x[lv]))
			b->xmin = fmin(b->xmin, s->x[lv]), b->xmax = fmax(b->xmax, s->x[lv]);
	}
	if (s->model > 0)
		b->xmin = fmin(b->xmin, s->model), b->xmax = fmax(b->xmax, s->model);
	b->ymin = fmin(b->ymin, s->y);
	b->ymax = fmax(b->ymax, s->y);
}

static int dbl2_cmp(const void *a, const void *b)
{
	const double *p = a, *q = b;

	return p[0] < q[0] ? -1 : p[0] > q[0];
}

/* Kernel s's block: its marks left to right (x, GFLOP/s, point type), a
 * level without traffic at the right edge xedge. */
static void marks_write(FILE *d, const roof_kmarks *s, double xedge)
{
	double m[8][2];
	int n = 0;

	for (int lv = 1; lv <= 3; lv++) {
		if (isfinite(s->x[lv]))
			m[n][0] = s->x[lv], m[n++][1] = mark_pt[lv];
		else if (s->zero[lv])
			m[n][0] = xedge, m[n++][1] = mark_pt[lv];
	}
	if (s->model > 0)
		m[n][0] = s->model, m[n++][1] = MODEL_PT;
	qsort(m, (size_t)n, sizeof m[0], dbl2_cmp);
	for (int i = 0; i < n; i++)
		fprintf(d, "%.10g %.10g %d\n", m[i][0], s->y, (int)m[i][1]);
	if (!n)
		fputs("NaN NaN 7\n", d);
	tkp_gp_end_block(d);
}

/* The series arrays: panel, colour, name, the leftmost mark (compare
 * labels the kernel there) and the zero-traffic arrows (to the right
 * edge). */
static void marks_vars(FILE *v, const roof_kmarks *s, int ns, const char *const *colors)
{
	static double sp[MAXKS], lx[MAXKS], ly[MAXKS], za[MAXKS], dash[MAXKS];
	static char nm[MAXKS][200];

	for (int i = 0; i < ns; i++) {
		sp[i] = s[i].panel + 1;
		lx[i] = s[i].model > 0 ? s[i].model : INFINITY;
		for (int lv = 1; lv <= 3; lv++)
			if (isfinite(s[i].x[lv]))
				lx[i] = fmin(lx[i], s[i].x[lv]);
		ly[i] = s[i].y;
		za[i] = s[i].zero[1] || s[i].zero[2] || s[i].zero[3];
		dash[i] = s[i].fallback ? 2 : 1;
		memcpy(nm[i], s[i].name, sizeof nm[i]);
		if (s[i].fallback)
			nm[i][0] = '\0';
	}
	fprintf(v, "ns = %d\narray scolor[%d]\n", ns, ns ? ns : 1);
	for (int i = 0; i < ns; i++)
		fprintf(v, "scolor[%d] = '%s'\n", i + 1, colors[i]);
	tkp_gp_num_array(v, "sp", sp, ns);
	tkp_gp_num_array(v, "slx", lx, ns);
	tkp_gp_num_array(v, "sly", ly, ns);
	tkp_gp_num_array(v, "szero", za, ns);
	tkp_gp_num_array(v, "sdash", dash, ns);
	tkp_gp_str_array(v, "sname", nm, ns);
}

static void roof_write_segs(FILE *v, roof_segs *sg, int machines)
{
	tkp_gp_num_array(v, "segx1", sg->x1, sg->n);
	tkp_gp_num_array(v, "segy1", sg->y1, sg->n);
	tkp_gp_num_array(v, "segx2", sg->x2, sg->n);
	tkp_gp_num_array(v, "segy2", sg->y2, sg->n);
	tkp_gp_num_array(v, "segp", sg->p, sg->n);
	if (machines)
		tkp_gp_num_array(v, "segm", sg->m, sg->n);
	tkp_gp_num_array(v, "segkind", sg->kind, sg->n);
	tkp_gp_num_array(v, "labx", sg->lx, sg->n);
	tkp_gp_num_array(v, "laby", sg->ly, sg->n);
	tkp_gp_num_array(v, "labside", sg->side, sg->n);
	tkp_gp_str_array(v, "lab", sg->lab, sg->n);
}

static void roof_write_box(FILE *v, const roof_box *b, const roof_panels *pn)
{
	/* the angle of a bandwidth line (slope 1 in log-log) on the page */
	double w = (pn->rm[0] - pn->lm[0]) * PAGE_W, h = (PANEL_TOP - PANEL_BOT) * PAGE_H;
	double slope = (h / log10(b->ymax / b->ymin)) / (w / log10(b->xmax / b->xmin));

	tkp_gp_set_num(v, "xmin", b->xmin);
	tkp_gp_set_num(v, "xmax", b->xmax);
	tkp_gp_set_num(v, "ymin", b->ymin);
	tkp_gp_set_num(v, "ymax", b->ymax);
	tkp_gp_set_num(v, "angle", atan(slope) * 180 / M_PI);
	tkp_gp_set_num(v, "ptop", PANEL_TOP);
	tkp_gp_set_num(v, "pbot", PANEL_BOT);
	fprintf(v, "npanel = %d\n", pn->n);
	tkp_gp_str_array(v, "pname", (char(*)[200])pn->name, pn->n);
	tkp_gp_str_array(v, "ptitle", (char(*)[200])pn->title, pn->n);
	tkp_gp_num_array(v, "plm", pn->lm, pn->n);
	tkp_gp_num_array(v, "prm", pn->rm, pn->n);
}

/* The marks a label must not cover: every mark of panel p's kernels (an
 * arrow for a level without traffic at xedge). */
typedef struct roof_obst {
	const roof_kmarks *s;
	int ns, p;
	double xedge;
} roof_obst;

/* How many marks of the panel a label from x0 to x1 centred at height y
 * (half-height hy, as a factor) would cover (a mark's half-size: mx, my). */
static int label_hits(const roof_obst *o, double x0, double x1, double y, double hy, double mx, double my)
{
	int hits = 0;

	for (int i = 0; o && i < o->ns; i++) {
		const roof_kmarks *k = &o->s[i];
		if (k->panel != o->p || !(k->y > y / hy / my && k->y < y * hy * my))
			continue;
		for (int lv = 0; lv <= 3; lv++) {
			double mxp = lv ? (isfinite(k->x[lv]) ? k->x[lv] : k->zero[lv] ? o->xedge : NAN) : k->model;
			hits += mxp > x0 / mx && mxp < x1 * mx;
		}
	}
	return hits;
}

/* A label's place: its left end x at height y, and the marks it covers. */
typedef struct label_spot {
	double x, y;
	int hits;
} label_spot;

/* The place from `start` to `last` (stepping right) where the label covers
 * the fewest marks, if fewer than best's (the first such, from the left). */
static void label_scan(const roof_obst *o, double start, double last, double room, double y, double hy,
		       double mx, double my, label_spot *best)
{
	double step = last > start ? fmax(pow(last / start, 1.0 / 16), 1.01) : 2;

	for (double x = start; x <= last * 1.0001; x *= step) {
		int h = label_hits(o, x, x * room, y, hy, mx, my);
		if (h < best->hits)
			*best = (label_spot){x, y, h};
		if (!h)
			return;
	}
}

/* The labels of the compute segments s0..s1-1 of one panel, w pixels wide
 * (sorted from the top): left-aligned just right of where the lowest
 * bandwidth line bwlow meets it (clear of the diagonals and their labels),
 * but never so far right that the text leaves the panel; each just above
 * its line unless the label above is too close, then pushed down (below
 * its line if need be), and never above the top: none overlaps another.
 * Compute-bound kernels' marks sit on and under these lines: a label that
 * would cover one slides right, or goes below its line, or else left over
 * the diagonals on its own line (the text box is opaque), wherever it
 * covers the fewest marks, in that order of preference. */
static void roof_stack(roof_segs *sg, int s0, int s1, const roof_box *b, double w, double bwlow,
		       const roof_obst *o)
{
	double ppd = (PANEL_TOP - PANEL_BOT) * PAGE_H / log10(b->ymax / b->ymin);
	double ppdx = w / log10(b->xmax / b->xmin);
	double up = pow(10, 0.62 * TEXT_PX / ppd), sep = pow(10, 1.1 * TEXT_PX / ppd);
	double hy = pow(10, 0.5 * TEXT_PX / ppd), my = pow(10, 6 / ppd), mx = pow(10, 8 / ppdx);
	double prev = b->ymax / up * sep;

	for (int s = s0; s < s1; s++) {
		double y = fmin(sg->y1[s] * up, prev / sep), below;
		double room = pow(10, (0.5 * TEXT_PX * (double)strlen(sg->lab[s]) + 12) / ppdx);
		label_spot best;
		if (y < sg->y1[s] * sqrt(up)) /* would sit on its line: below it */
			y = fmin(sg->y1[s] / up, prev / sep);
		/* right of every diagonal at that height, where it can */
		double start = bwlow > 0 ? fmax(sg->x1[s], sg->y1[s] / bwlow) : sg->x1[s];
		double x0 = fmax(b->xmin * 1.05, fmin(start * 1.12, b->xmax / room));
		double last = fmax(x0, b->xmax / room);
		best = (label_spot){x0, y, label_hits(o, x0, x0 * room, y, hy, mx, my)};
		below = fmin(sg->y1[s] / up, prev / sep);
		label_scan(o, x0, last, room, y, hy, mx, my, &best);
		if (best.hits && below < y)
			label_scan(o, x0, last, room, below, hy, mx, my, &best);
		if (best.hits)
			label_scan(o, fmax(b->xmin, sg->x1[s]) * 1.05, x0, room, y, hy, mx, my, &best);
		sg->lx[s] = best.x;
		sg->ly[s] = best.y;
		sg->side[s] = 1;
		prev = best.y;
	}
}

/* ---- one results directory ---------------------------------------------------- */

/* A compute roof of one dtype: ceilings within 4% share a line and label. */
typedef struct roof {
	double value;
	char label[200];
	int n, all_one;
} roof;

typedef struct roofs {
	roof pk[32];
	int n, any_one;
	double max, min;
} roofs;

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

/* Adds ceiling e to the roofs: to one within 4%, or as a new one; its
 * label names the ISA paths ("avx512 1T, avx2"). */
static void roof_add(roofs *rf, const tkp_res_ceil *e, int one)
{
	char part[64];
	int j;
	roof *p;

	for (j = 0; j < rf->n; j++)
		if (fabs(rf->pk[j].value - e->value) <= 0.04 * rf->pk[j].value)
			break;
	if (j == rf->n) {
		if (rf->n == 32)
			return;
		memset(&rf->pk[j], 0, sizeof rf->pk[j]);
		rf->pk[j].value = e->value;
		rf->pk[j].all_one = 1;
		rf->n++;
	}
	p = &rf->pk[j];
	p->all_one &= one;
	rf->any_one |= one;
	tkp_fmt(part, sizeof part, "%s%s%s", p->n++ ? ", " : "", e->isa, one ? " 1T" : "");
	if (strlen(p->label) + strlen(part) < 60)
		strcat(p->label, part);
}

/* The compute ceilings of dtype dn at tc threads (and its best 1-thread
 * peak), merged, sorted from the top, labelled "87.3 GFLOP/s  avx512". */
static void roof_peaks(const tkp_results *c, const char *dn, int tc, roofs *rf)
{
	memset(rf, 0, sizeof *rf);
	rf->min = INFINITY;
	for (size_t i = 0; i < c->nceil; i++) {
		const tkp_res_ceil *e = &c->ceils[i];
		int best1 = best_one_thread(c, e, tc);
		if (e->peak && (e->threads == tc || best1) && tkp_res_ceil_usable(c, e) &&
		    !strcmp(e->dtype, dn))
			roof_add(rf, e, e->threads != tc);
	}
	qsort(rf->pk, (size_t)rf->n, sizeof *rf->pk, roof_cmp);
	for (int j = 0; j < rf->n; j++) {
		char val[32], tmp[200];
		tkp_gp_fmt_val(val, sizeof val, rf->pk[j].value);
		tkp_fmt(tmp, sizeof tmp, "%s GFLOP/s  %s", val, rf->pk[j].label);
		memcpy(rf->pk[j].label, tmp, sizeof tmp);
		rf->max = fmax(rf->max, rf->pk[j].value);
		rf->min = fmin(rf->min, rf->pk[j].value);
	}
}

/* Panel p's compute lines: from the top memory line (bwtop) to the right
 * edge, labelled inside the panel (roof_stack). */
static void roof_compute_segs(const roofs *rf, const double bw[4], double bwtop, const roof_box *b,
			      int p, const roof_panels *pn, roof_segs *sg, const roof_obst *o)
{
	int s0 = sg->n;
	double bwlow = INFINITY;

	for (int lv = 0; lv < 4; lv++)
		if (isfinite(bw[lv]))
			bwlow = fmin(bwlow, bw[lv]);

	for (int j = 0; j < rf->n && sg->n < MAXSEG; j++) {
		int s = sg->n++;
		sg->x1[s] = bwtop > 0 ? fmax(b->xmin, rf->pk[j].value / bwtop) : b->xmin;
		sg->y1[s] = sg->y2[s] = rf->pk[j].value;
		sg->x2[s] = b->xmax;
		sg->kind[s] = rf->pk[j].all_one ? 3 : 1; /* 3: only 1-thread roofs, dashed */
		sg->p[s] = p + 1;
		memcpy(sg->lab[s], rf->pk[j].label, sizeof sg->lab[s]);
	}
	roof_stack(sg, s0, sg->n, b, (pn->rm[p] - pn->lm[p]) * PAGE_W, isfinite(bwlow) ? bwlow : 0, o);
}

/* Panel p's memory lines up to its top compute line (or the top),
 * labelled along the line a little right of its start, in order of
 * bandwidth: a label close to the previous line's slides further along
 * its own line, and goes below it, so the two do not overlap. */
static void roof_bw_segs(const double bw[4], double top, const roof_box *b, int p, roof_segs *sg)
{
	double prev_bw = 0, shift = 1;
	int ord[4] = {0, 1, 2, 3};

	for (int i = 1; i < 4; i++)
		for (int j = i; j > 0; j--)
			if (isfinite(bw[ord[j]]) && (!isfinite(bw[ord[j - 1]]) || bw[ord[j]] > bw[ord[j - 1]])) {
				int t = ord[j];
				ord[j] = ord[j - 1];
				ord[j - 1] = t;
			}
	for (int oi = 0; oi < 4 && sg->n < MAXSEG; oi++) {
		int lv = ord[oi], s = sg->n;
		double seg[4];
		char val[32];
		if (!isfinite(bw[lv]))
			continue;
		shift = prev_bw > 0 && prev_bw / bw[lv] < 1.6 ? shift * 3.5 : 1;
		prev_bw = bw[lv];
		if (!tkp_chart_bw_segment(bw[lv], top, b->xmin, b->xmax, b->ymin, seg))
			continue;
		sg->x1[s] = seg[0], sg->y1[s] = seg[1], sg->x2[s] = seg[2], sg->y2[s] = seg[3];
		sg->lx[s] = fmin(seg[0] * 1.3 * shift, seg[2] / 3);
		sg->ly[s] = bw[lv] * sg->lx[s];
		sg->side[s] = shift > 1 ? -1 : 1; /* close to the line above: label below */
		sg->kind[s] = 2;
		sg->p[s] = p + 1;
		tkp_gp_fmt_val(val, sizeof val, bw[lv]);
		tkp_fmt(sg->lab[s], sizeof sg->lab[s], "%s %s GB/s", tkp_res_level_name[lv], val);
		sg->n++;
	}
}

/* The panels of one results directory: the dtypes it ran, else those its
 * ceilings have. */
static void dir_panels(const tkp_results *c, roof_panels *pn)
{
	static const char *const dts[] = {"f64", "f32"};

	memset(pn, 0, sizeof *pn);
	for (int i = 0; i < 2; i++)
		if (c->nrows ? tkp_res_has_dtype(c, dts[i]) : tkp_res_best_peak(c, dts[i], 0) != NULL)
			tkp_strlcpy(pn->name[pn->n++], dts[i], sizeof pn->name[0]);
	if (!pn->n)
		tkp_strlcpy(pn->name[pn->n++], c->ndt ? c->dtname[0] : "", sizeof pn->name[0]);
	panels_place(pn);
}

/* Panel p's title: the dtype and where its kernels' intensities come
 * from: "f64 · counts: simulated (sampled: naive 12.5%); model only: simd". */
static void dir_panel_title(const tkp_results *c, roof_panels *pn, int p, const roof_kmarks *s,
			    int ns, const long *rows)
{
	char srcs[80] = "", smp[120] = "", model[120] = "", all[400];
	int nm = 0, nc = 0, nsm = 0;
	double lo = INFINITY, hi = 0;

	for (int i = 0; i < ns; i++) {
		const tkp_res_row *w = &c->rows[rows[i]];
		const char *base;
		if (s[i].panel != p)
			continue;
		if (s[i].hasfb)
			continue; /* its counted size follows */
		if (!s[i].counted) {
			tkp_fmt(model + strlen(model), sizeof model - strlen(model), "%s%s", nm++ ? ", " : "",
				c->kname[w->kern]);
			continue;
		}
		base = !strcmp(c->srcname[w->src], "sim") ? "simulated"
		       : !strcmp(c->srcname[w->src], "papi") ? "PAPI" : c->srcname[w->src];
		if (!strstr(srcs, base))
			tkp_fmt(srcs + strlen(srcs), sizeof srcs - strlen(srcs), "%s%s", nc++ ? ", " : "", base);
		if (isfinite(w->counted_fraction) && w->counted_fraction < 1) {
			tkp_fmt(smp + strlen(smp), sizeof smp - strlen(smp), "%s%s %.3g%%", nsm++ ? ", " : "",
				c->kname[w->kern], 100 * w->counted_fraction);
			lo = fmin(lo, w->counted_fraction), hi = fmax(hi, w->counted_fraction);
		}
	}
	/* one kernel sampled: named; more: how many and the range, or the
	 * title runs into the next panel's (a panel is ~60 characters wide) */
	if (nsm > 1)
		tkp_fmt(smp, sizeof smp, "%d kernels, %.2g-%.2g%% counted", nsm, 100 * lo, 100 * hi);
	tkp_fmt(all, sizeof all, "%s", pn->name[p]);
	if (nc)
		tkp_fmt(all + strlen(all), sizeof all - strlen(all), " · counts: %s%s%s%s", srcs,
			nsm ? " (sampled: " : "", smp, nsm ? ")" : "");
	if (nm)
		tkp_fmt(all + strlen(all), sizeof all - strlen(all), nc ? "; model only: %s"
									: " · no counts: model intensity only",
			nc ? model : "");
	tkp_strlcpy(pn->title[p], all, sizeof pn->title[p]);
}

/* The roofline being filled for one results directory. */
typedef struct dir_roof {
	roof_panels pn;
	roofs rf[MAXP];
	roof_kmarks s[2 * TKP_RES_MAXNAMES * MAXP];
	long rows[2 * TKP_RES_MAXNAMES * MAXP];
	const char *colors[2 * TKP_RES_MAXNAMES * MAXP];
	roof_segs sg;
	roof_box box;
	int ns, nzero, ncounted;
} dir_roof;

/* Kernel k's series in panel p: its largest size, and when that has no
 * counts, its largest counted size beside it. */
static void dir_kernel(const tkp_results *c, dir_roof *x, int p, int k, int dt)
{
	long row = tkp_chart_largest_row(c, k, dt), fb;

	for (int pass = 0; pass < 2 && row >= 0; pass++) {
		roof_kmarks *s = &x->s[x->ns];
		const tkp_res_row *w = &c->rows[row];
		memset(s, 0, sizeof *s);
		s->panel = p;
		kernel_marks(c, w, s, &x->box);
		if (pass) /* one legend entry: the kernel's, naming both sizes */
			tkp_fmt(x->s[x->ns - 1].name, sizeof s->name, "%s (n = %.0f; dashed: counts at n = %.0f)",
				c->kname[k], c->rows[x->rows[x->ns - 1]].size, w->size);
		else
			tkp_fmt(s->name, sizeof s->name, "%s (n = %.0f)", c->kname[k], w->size);
		s->fallback = pass;
		x->colors[x->ns] = tkp_chart_kernel_color(c->kstyle[k]);
		x->rows[x->ns++] = row;
		x->nzero += s->zero[1] || s->zero[2] || s->zero[3];
		x->ncounted += s->counted;
		if (pass || s->counted || (fb = tkp_chart_largest_counted_row(c, k, dt)) < 0)
			break;
		s->hasfb = 1;
		row = fb;
	}
}

/* Every kernel's marks, panel by panel, in ladder order. */
static void dir_marks(const tkp_results *c, dir_roof *x)
{
	int order[TKP_RES_MAXNAMES];

	tkp_res_kernel_order(c, order);
	for (int p = 0; p < x->pn.n; p++) {
		int dt = tkp_res_dtype_index(c, x->pn.name[p]);
		for (int ki = 0; ki < c->nk && dt >= 0; ki++)
			dir_kernel(c, x, p, order[ki], dt);
		dir_panel_title(c, &x->pn, p, x->s, x->ns, x->rows);
	}
}

/* Intensities far right of every ridge point bound nothing: a level with
 * a few misses in a call whose data stays in a big cache (the simulated
 * 160 MiB L3 here: DRAM intensities of 10^5-10^6 FLOP/byte) would stretch
 * the axis over eight decades and squeeze every other mark into the left
 * third.  Past 100x the largest ridge point or model intensity a mark goes
 * to the right edge, as a level without traffic does. */
static void dir_cap(dir_roof *x, const double bw[4])
{
	double far = 0, cap;

	for (int p = 0; p < x->pn.n; p++)
		for (int lv = 0; lv < 4 && x->rf[p].n; lv++)
			if (isfinite(bw[lv]) && bw[lv] > 0)
				far = fmax(far, x->rf[p].max / bw[lv]);
	for (int i = 0; i < x->ns; i++)
		if (x->s[i].model > 0)
			far = fmax(far, x->s[i].model);
	if (!(far > 0))
		return;
	cap = 100 * far;
	x->box.xmax = 0;
	x->nzero = 0;
	for (int i = 0; i < x->ns; i++) {
		roof_kmarks *s = &x->s[i];
		for (int lv = 1; lv <= 3; lv++) {
			if (s->x[lv] > cap)
				s->x[lv] = NAN, s->zero[lv] = 1;
			if (isfinite(s->x[lv]))
				x->box.xmax = fmax(x->box.xmax, s->x[lv]);
		}
		if (s->model > 0)
			x->box.xmax = fmax(x->box.xmax, s->model);
		x->nzero += s->zero[1] || s->zero[2] || s->zero[3];
	}
}

/* The axes: the marks, the ridge points and the roofs of every panel. */
static void dir_extent(dir_roof *x, const double bw[4], double bwtop)
{
	roof_box *b = &x->box;
	int any = 0;

	for (int p = 0; p < x->pn.n; p++) {
		const roofs *rf = &x->rf[p];
		for (int lv = 0; lv < 4 && rf->n; lv++)
			if (isfinite(bw[lv]))
				b->xmin = fmin(b->xmin, rf->min / bw[lv]), b->xmax = fmax(b->xmax, rf->max / bw[lv]);
		if (rf->n)
			b->ymin = fmin(b->ymin, rf->min), b->ymax = fmax(b->ymax, rf->max), any = 1;
	}
	if (!(b->xmax > 0))
		b->xmin = 0.1, b->xmax = 100;
	if (!x->ns && bwtop > 0 && !any)
		b->ymin = bwtop * b->xmin, b->ymax = bwtop * b->xmax;
	if (!(b->ymax > 0))
		b->ymin = 1, b->ymax = 100;
	if (x->nzero)
		b->xmax *= 4; /* room for the arrows of levels without traffic */
	tkp_chart_roof_axes(&b->xmin, &b->xmax, &b->ymin, &b->ymax);
}

/* The line under the title: which ceilings, what the marks are. */
static void dir_note(const tkp_results *c, FILE *v, const dir_roof *x, int tc)
{
	char note[400];
	int one = x->rf[0].any_one || x->rf[1].any_one;

	if (!c->nceil)
		tkp_fmt(note, sizeof note, "no ceilings.csv: run tkprofile machine --out <this "
					   "results directory> to draw the roofs");
	else if (!c->nrows)
		tkp_fmt(note, sizeof note, "ceilings with %d thread%s; no sweep.csv: no kernel points",
			tc, tc == 1 ? "" : "s");
	else
		tkp_fmt(note, sizeof note, "ceilings with %d thread%s%s; each kernel at its largest size, "
					   "its marks joined at its GFLOP/s: the leftmost meets its bound",
			tc, tc == 1 ? "" : "s", one ? " (1T: a 1-thread peak)" : "");
	tkp_res_peak_note(c, note, sizeof note);
	tkp_gp_set_str(v, "note", note);
	fprintf(v, "nzero = %d\nncounted = %d\n", x->nzero, x->ncounted);
}

int tkp_chart_roofline(tkp_results *c, FILE *v, FILE *d)
{
	static dir_roof x;
	int tc = tkp_res_ceil_threads(c, c->nrows ? tkp_res_max_threads(c) : 1 << 30);
	double bw[4], bwtop = 0;

	if (!c->nrows && !c->nceil) {
		tkp_chart_msg_no_rows(c, v);
		return 0;
	}
	memset(&x, 0, sizeof x);
	x.box = (roof_box){INFINITY, 0, INFINITY, 0};
	dir_panels(c, &x.pn);
	for (int p = 0; p < x.pn.n; p++)
		roof_peaks(c, x.pn.name[p], tc, &x.rf[p]);
	tkp_chart_level_bws(c, tc, bw, &bwtop);
	dir_marks(c, &x);
	dir_cap(&x, bw);
	dir_extent(&x, bw, bwtop);
	for (int i = 0; i < x.ns; i++)
		marks_write(d, &x.s[i], x.box.xmax / 1.12);
	for (int p = 0; p < x.pn.n; p++) {
		roof_obst o = {x.s, x.ns, p, x.box.xmax / 1.12};
		roof_compute_segs(&x.rf[p], bw, bwtop, &x.box, p, &x.pn, &x.sg, &o);
		roof_bw_segs(bw, x.rf[p].n ? x.rf[p].max : x.box.ymax, &x.box, p, &x.sg);
	}
	fprintf(v, "nseg = %d\n", x.sg.n);
	roof_write_segs(v, &x.sg, 0);
	marks_vars(v, x.s, x.ns, x.colors);
	roof_write_box(v, &x.box, &x.pn);
	dir_note(c, v, &x, tc);
	return 0;
}

/* ---- several machines (compare) ----------------------------------------------- */

/* The overlay being filled: one series per machine, kernel and dtype
 * (colour the machine; the kernel named at its leftmost mark), and each
 * machine's ceilings per panel. */
typedef struct cmp_roof {
	const tkp_cmp *c;
	roof_panels pn;
	roof_kmarks s[MAXKS];
	const char *colors[MAXKS];
	int ns, nzero, any_ceil, nfb;
	char mlab[TKP_CMP_MAXM][200];
	roof_box box;
	roof_segs sg;
} cmp_roof;

/* Machine i's kernels in every panel. */
static void cmp_marks(cmp_roof *x, int i)
{
	const tkp_results *r = &x->c->m[i].r;
	int order[TKP_RES_MAXNAMES];

	tkp_res_kernel_order(r, order);
	for (int p = 0; p < x->pn.n; p++) {
		int dt = tkp_res_dtype_index(r, x->pn.name[p]);
		for (int ki = 0; ki < r->nk && dt >= 0 && x->ns < MAXKS; ki++) {
			long row = tkp_chart_largest_row(r, order[ki], dt), fb;
			roof_kmarks *s = &x->s[x->ns];
			if (row < 0)
				continue;
			memset(s, 0, sizeof *s);
			s->panel = p;
			kernel_marks(r, &r->rows[row], s, &x->box);
			tkp_strlcpy(s->name, r->kname[order[ki]], sizeof s->name);
			x->colors[x->ns++] = tkp_chart_machine_color(i);
			x->nzero += s->zero[1] || s->zero[2] || s->zero[3];
			/* no counts at the largest size: the largest counted one
			 * dashed beside it, as in one directory's roofline */
			if (s->counted || x->ns >= MAXKS || (fb = tkp_chart_largest_counted_row(r, order[ki], dt)) < 0)
				continue;
			s = &x->s[x->ns];
			memset(s, 0, sizeof *s);
			s->panel = p;
			s->fallback = 1;
			kernel_marks(r, &r->rows[fb], s, &x->box);
			x->colors[x->ns++] = tkp_chart_machine_color(i);
			x->nzero += s->zero[1] || s->zero[2] || s->zero[3];
			x->nfb++;
		}
	}
}

/* Machine i's ceilings in panel p: its peak of that dtype and its L1, L2
 * and DRAM bandwidths at the thread count its kernels used at most; the
 * ends are set once the axes are known (cmp_resolve). */
static void cmp_ceilings(cmp_roof *x, int i, int p, int tc, const double bw[4])
{
	const tkp_res_ceil *q = tkp_res_best_peak(&x->c->m[i].r, x->pn.name[p], tc);
	double top = q ? q->value : NAN, bwtop = 0;
	roof_segs *sg = &x->sg;

	for (int l = 0; l < 4; l++)
		if (isfinite(bw[l]))
			bwtop = fmax(bwtop, bw[l]);
	if (q && sg->n < MAXSEG) {
		sg->x1[sg->n] = bwtop > 0 ? top / bwtop : NAN;
		sg->y1[sg->n] = sg->y2[sg->n] = top;
		sg->x2[sg->n] = NAN; /* to xmax, set below */
		sg->m[sg->n] = i + 1;
		sg->p[sg->n] = p + 1;
		sg->kind[sg->n++] = 1;
		x->box.ymin = fmin(x->box.ymin, top);
		x->box.ymax = fmax(x->box.ymax, top);
	}
	for (int l = 0; l < 4 && sg->n < MAXSEG; l++) {
		if (l == 2 || !isfinite(bw[l]))
			continue;
		sg->x1[sg->n] = NAN; /* from xmin */
		sg->y1[sg->n] = bw[l];
		sg->x2[sg->n] = top > 0 ? top / bw[l] : NAN;
		sg->y2[sg->n] = top;
		sg->m[sg->n] = i + 1;
		sg->p[sg->n] = p + 1;
		sg->kind[sg->n++] = l == 0 ? 2 : l == 1 ? 4 : 3;
		if (top > 0)
			x->box.xmin = fmin(x->box.xmin, top / bw[l]), x->box.xmax = fmax(x->box.xmax, top / bw[l]);
	}
}

/* Machine i's legend line: its peaks and bandwidths. */
static void cmp_legend(cmp_roof *x, int i, int tc, const double bw[4])
{
	const tkp_results *r = &x->c->m[i].r;
	char *lab = x->mlab[i];
	size_t n, size = sizeof x->mlab[i];
	int any = 0;

	n = (size_t)snprintf(lab, size, "%s:", x->c->m[i].label);
	for (int p = 0; p < x->pn.n && n < size; p++) {
		const tkp_res_ceil *q = tkp_res_best_peak(r, x->pn.name[p], tc);
		if (q)
			n += (size_t)snprintf(lab + n, size - n, "%s %s %.3g GFLOP/s", any++ ? "," : " peak",
					      x->pn.name[p], q->value);
	}
	for (int l = 0; l < 4 && n < size; l++)
		if (l != 2 && isfinite(bw[l]))
			n += (size_t)snprintf(lab + n, size - n, "%s %s %.3g GB/s", any++ ? ";" : "",
					      tkp_res_level_name[l], bw[l]);
	if (!any)
		tkp_fmt(lab, size, "%s (no ceilings)", x->c->m[i].label);
	else if (n < size)
		snprintf(lab + n, size - n, " (%d thread%s)", tc, tc == 1 ? "" : "s");
	x->any_ceil |= any;
}

/* The axes, then every segment's ends on them. */
static void cmp_resolve(cmp_roof *x)
{
	roof_box *b = &x->box;
	roof_segs *sg = &x->sg;

	if (!(b->xmax > 0))
		b->xmin = 0.1, b->xmax = 100;
	/* room left of the ridges, so that each bandwidth line shows its slope */
	for (int s = 0; s < sg->n; s++)
		if (sg->kind[s] != 1 && isfinite(sg->x2[s]))
			b->xmin = fmin(b->xmin, sg->x2[s] / 8);
	if (!(b->ymax > 0))
		b->ymin = 1, b->ymax = 100;
	if (x->nzero)
		b->xmax *= 4;
	tkp_chart_roof_axes(&b->xmin, &b->xmax, &b->ymin, &b->ymax);
	for (int s = 0; s < sg->n; s++) {
		if (sg->kind[s] == 1) { /* compute: from the ridge (or the left edge) to the right */
			sg->x1[s] = isfinite(sg->x1[s]) ? fmax(b->xmin, sg->x1[s]) : b->xmin;
			sg->x2[s] = b->xmax;
		} else { /* memory: from the bottom edge to the top peak (y2), or the top */
			double seg[4];
			tkp_chart_bw_segment(sg->y1[s], isfinite(sg->x2[s]) ? sg->y2[s] : b->ymax, b->xmin,
					     b->xmax, b->ymin, seg);
			sg->x1[s] = seg[0], sg->y1[s] = seg[1], sg->x2[s] = seg[2], sg->y2[s] = seg[3];
		}
		sg->lx[s] = sg->ly[s] = NAN;
		sg->side[s] = 0;
		sg->lab[s][0] = '\0';
	}
}

int tkp_chart_roofline_cmp(const tkp_cmp *c, FILE *v, FILE *d)
{
	static cmp_roof x;

	memset(&x, 0, sizeof x);
	x.c = c;
	x.box = (roof_box){INFINITY, 0, INFINITY, 0};
	for (int i = 0; i < c->nm && x.pn.n < MAXP; i++)
		for (int k = 0; k < 2; k++) {
			const char *dn = k ? "f32" : "f64";
			int have = 0;
			for (int j = 0; j < x.pn.n; j++)
				have |= !strcmp(x.pn.name[j], dn);
			if (!have && tkp_res_has_dtype(&c->m[i].r, dn) && x.pn.n < MAXP)
				tkp_strlcpy(x.pn.name[x.pn.n++], dn, sizeof x.pn.name[0]);
		}
	if (!x.pn.n)
		tkp_strlcpy(x.pn.name[x.pn.n++], "f64", sizeof x.pn.name[0]);
	panels_place(&x.pn);
	for (int p = 0; p < x.pn.n; p++)
		tkp_fmt(x.pn.title[p], sizeof x.pn.title[p], "%s", x.pn.name[p]);
	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		int tc = tkp_res_ceil_threads(r, r->nrows ? tkp_res_max_threads(r) : 1 << 30);
		double bw[4], bwtop;
		cmp_marks(&x, i);
		tkp_chart_level_bws(r, tc, bw, &bwtop);
		for (int p = 0; p < x.pn.n; p++)
			cmp_ceilings(&x, i, p, tc, bw);
		cmp_legend(&x, i, tc, bw);
	}
	if (!x.ns && !x.any_ceil) {
		tkp_gp_message(v, "No kernel points and no ceilings on any of these machines:\n"
				  "their results directories hold neither sweep.csv rows nor\n"
				  "ceilings.csv.  Run tkprofile sweep on each machine.");
		return 0;
	}
	cmp_resolve(&x);
	for (int i = 0; i < x.ns; i++)
		marks_write(d, &x.s[i], x.box.xmax / 1.12);
	tkp_cmp_gp_machines(c, v);
	fprintf(v, "nseg = %d\nnzero = %d\n", x.sg.n, x.nzero);
	roof_write_segs(v, &x.sg, 1);
	marks_vars(v, x.s, x.ns, x.colors);
	tkp_gp_str_array(v, "mlab", x.mlab, c->nm);
	roof_write_box(v, &x.box, &x.pn);
	tkp_gp_set_str(v, "note", x.nfb ? "colour: machine; kernels (named) at their largest size, dashed at "
					  "the largest with counts; lines: peak, L1 dashed, L2 dash-dot, DRAM dotted"
					: "colour: machine; each kernel (named) at its largest size, its marks "
					  "joined at its GFLOP/s; lines: peak, L1 dashed, L2 dash-dot, DRAM dotted");
	return 0;
}
