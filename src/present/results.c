/*
 * results.c - reading a results directory back for plot, compare and report
 * (results.h).  Every file is validated in full before anyone draws from
 * it, so a truncated or hand-edited CSV is reported with its file and line
 * instead of turning into a wrong chart.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pmsg.h"
#include "present.h"
#include "fsutil.h"
#include "results.h"
#include "util.h"

const char *const tkp_res_level_name[4] = {"L1", "L2", "L3", "DRAM"};

/* Kernels in ladder order get stable colours, markers and rows. */
static const char *const ladder[] = {"naive", "simd", "blocked", "threaded", "blas", "tuned"};
#define NLADDER ((int)(sizeof ladder / sizeof ladder[0]))

/* ---- small helpers ---------------------------------------------------- */

int tkp_res_dt_bytes(const char *dt)
{
	if (!strcmp(dt, "f64") || !strcmp(dt, "double"))
		return 8;
	if (!strcmp(dt, "f32") || !strcmp(dt, "float"))
		return 4;
	return 0;
}

static int name_index(const char **tab, int *n, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(tab[i], s))
			return i;
	if (*n == TKP_RES_MAXNAMES)
		return -1;
	tab[*n] = s;
	return (*n)++;
}

int tkp_res_ladder_rank(const char *k)
{
	for (int i = 0; i < NLADDER; i++)
		if (!strcmp(ladder[i], k))
			return i;
	return 100;
}

int tkp_res_kernel_index(const tkp_results *r, const char *name)
{
	for (int i = 0; i < r->nk; i++)
		if (!strcmp(r->kname[i], name))
			return i;
	return -1;
}

int tkp_res_dtype_index(const tkp_results *r, const char *name)
{
	for (int i = 0; i < r->ndt; i++)
		if (!strcmp(r->dtname[i], name))
			return i;
	return -1;
}

void tkp_res_kernel_order(const tkp_results *c, int *order)
{
	for (int i = 0; i < c->nk; i++)
		order[i] = i;
	for (int i = 1; i < c->nk; i++) /* insertion sort: stable, tiny */
		for (int j = i; j > 0 && tkp_res_ladder_rank(c->kname[order[j]]) <
					     tkp_res_ladder_rank(c->kname[order[j - 1]]);
		     j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

/* ---- points: best value per x ----------------------------------------- */

static int pt_cmp(const void *a, const void *b)
{
	const tkp_res_pt *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y > q->y ? -1 : 1;
	return 0;
}

size_t tkp_res_pt_best(tkp_res_pt *p, size_t n)
{
	size_t w = 0;

	qsort(p, n, sizeof *p, pt_cmp);
	for (size_t i = 0; i < n; i++)
		if (w == 0 || p[i].x != p[w - 1].x)
			p[w++] = p[i];
	return w;
}

size_t tkp_res_best_by_size(const tkp_results *c, int k, int dt, int counted, tkp_res_pt *out)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		const tkp_res_row *r = &c->rows[i];
		if (r->kern != k || r->dt != dt || (counted && r->src < 0))
			continue;
		out[n].x = r->size;
		out[n].y = r->gflops;
		out[n].row = i;
		n++;
	}
	return tkp_res_pt_best(out, n);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int tkp_res_distinct(double *v, int n)
{
	int w = 0;

	qsort(v, (size_t)n, sizeof *v, dbl_cmp);
	for (int i = 0; i < n; i++)
		if (w == 0 || v[i] != v[w - 1])
			v[w++] = v[i];
	return w;
}

/* ---- ceilings ------------------------------------------------------------ */

int tkp_res_max_threads(const tkp_results *c)
{
	int t = 1;

	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].threads > t)
			t = c->rows[i].threads;
	return t;
}

int tkp_res_ceil_threads(const tkp_results *c, int want)
{
	int best = 0, least = 0;

	for (size_t i = 0; i < c->nceil; i++) {
		int t = c->ceils[i].threads;
		if (t <= want && t > best)
			best = t;
		if (!least || t < least)
			least = t;
	}
	return best ? best : least;
}

int tkp_res_ceil_usable(const tkp_results *c, const tkp_res_ceil *r)
{
	if (r->measured)
		return 1;
	for (size_t i = 0; i < c->nceil; i++) {
		const tkp_res_ceil *q = &c->ceils[i];
		if (q->measured && q->peak == r->peak && q->level == r->level &&
		    q->threads == r->threads && !strcmp(q->dtype, r->dtype) && !strcmp(q->isa, r->isa))
			return 0;
	}
	return 1;
}

const tkp_res_ceil *tkp_res_best_peak(const tkp_results *c, const char *dtype, int t)
{
	const tkp_res_ceil *best = NULL;

	for (size_t i = 0; i < c->nceil; i++) {
		const tkp_res_ceil *r = &c->ceils[i];
		if (r->peak && (!t || r->threads == t) && !strcmp(r->dtype, dtype) &&
		    tkp_res_ceil_usable(c, r) && (!best || r->value > best->value))
			best = r;
	}
	return best;
}

double tkp_res_level_bw(const tkp_results *c, int lv, int t, int *at)
{
	double v = NAN;

	for (size_t i = 0; i < c->nceil; i++) {
		const tkp_res_ceil *r = &c->ceils[i];
		if (!r->peak && r->level == lv && (!t || r->threads == t) && tkp_res_ceil_usable(c, r) &&
		    (isnan(v) || r->value > v)) {
			v = r->value;
			if (at)
				*at = r->threads;
		}
	}
	return v;
}

int tkp_res_has_dtype(const tkp_results *c, const char *dtype)
{
	return tkp_res_dtype_index(c, dtype) >= 0;
}

double tkp_res_cache(const tkp_results *c, int lv, int *measured)
{
	if (lv < 0 || lv > 2)
		return NAN;
	if (measured)
		*measured = isfinite(c->cache_meas[lv]);
	return isfinite(c->cache_meas[lv]) ? c->cache_meas[lv] : c->cache_rep[lv];
}

double tkp_res_ceiling_raw(const tkp_results *c, const char *name, const char *unit)
{
	const tkp_csv *t = c->ceil;
	int cc, cu, cs, ct;
	double best = NAN;
	int best_measured = 0;

	if (!t)
		return NAN;
	cc = tkp_csv_col(t, "ceiling");
	cu = tkp_csv_col(t, "unit");
	cs = tkp_csv_col(t, "source");
	ct = tkp_csv_col(t, "threads");
	for (size_t i = 0; i < t->nrows; i++) {
		double v, th;
		int measured = strcmp(t->rows[i][cs], "reported") != 0;
		if (strcmp(t->rows[i][cc], name) || strcmp(t->rows[i][cu], unit) ||
		    tkp_csv_num(t, i, tkp_csv_col(t, "value"), &v) || !(v > 0))
			continue;
		if (tkp_csv_num(t, i, ct, &th) == 0 && th != 1)
			continue; /* one thread (or unstated) only */
		if (isnan(best) || (measured && !best_measured)) {
			best = v;
			best_measured = measured;
		}
	}
	return best;
}

double tkp_res_level_latency(const tkp_results *c, int lv)
{
	double lo, hi, v[256], size[3];
	int n = 0;

	if (lv >= 0 && lv < 4) { /* the probe's own figure, when ceilings.csv has it */
		double ns = tkp_res_ceiling_raw(c, tkp_res_level_name[lv], "ns");
		if (isfinite(ns))
			return ns;
	}
	for (int i = 0; i < 3; i++)
		size[i] = tkp_res_cache(c, i, NULL);
	if (lv < 0 || lv > 3)
		return NAN;
	if (lv == 3) {
		if (!isfinite(size[2]))
			return NAN;
		lo = 2 * size[2];
		hi = INFINITY;
	} else {
		if (!isfinite(size[lv]) || (lv > 0 && !isfinite(size[lv - 1])))
			return NAN;
		lo = lv ? size[lv - 1] * 1.5 : 0;
		hi = size[lv] / 2;
	}
	for (size_t i = 0; i < c->nh && n < 256; i++) {
		const tkp_res_hrow *h = &c->hrows[i];
		if (h->latency && h->threads == 1 && h->bytes > lo && h->bytes <= hi)
			v[n++] = h->value;
	}
	if (!n)
		return NAN;
	qsort(v, (size_t)n, sizeof *v, dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- reading and validating the inputs -------------------------------- */

/* Reads DIR/name; -1 when absent, 0 when read, TKP_PR_USAGE (printed)
 * when malformed. */
static int load_csv(tkp_results *c, const char *name, const char *const *cols, tkp_csv **out)
{
	char path[PATH_MAX], err[PATH_MAX + 256];
	struct stat st;

	*out = NULL;
	if (tkp_path_join(path, sizeof path, c->dir, name))
		return tkp_pr_usage(c->cmd, "%s: path too long", c->dir);
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return -1;
		return tkp_pr_usage(c->cmd, "%s: %s", path, strerror(errno));
	}
	if (tkp_csv_read(path, out, err, sizeof err))
		return tkp_pr_usage(c->cmd, "%s", err);
	if (tkp_csv_require(*out, cols, err, sizeof err))
		return tkp_pr_usage(c->cmd, "%s", err);
	return 0;
}

/* A numeric cell: 0 ok (or empty when allowed: *out NAN), else prints
 * file:line and returns TKP_PR_USAGE. */
static int cell(tkp_results *c, const tkp_csv *t, size_t r, const char *col, int empty_ok, double lo,
		double *out)
{
	int ci = tkp_csv_col(t, col), rc = tkp_csv_num(t, r, ci, out);

	if (rc == 1) {
		*out = NAN;
		if (empty_ok)
			return 0;
		return tkp_pr_usage(c->cmd, "%s:%zu: column '%s' is empty; expected a number",
				     t->path, t->lineno[r], col);
	}
	if (rc || *out < lo)
		return tkp_pr_usage(c->cmd, "%s:%zu: column '%s': '%s' is not a %snumber", t->path,
				     t->lineno[r], col, t->rows[r][ci],
				     lo > 0 ? "positive " : lo == 0 ? "non-negative " : "");
	return 0;
}

/* A column added to sweep.csv since its first version: NAN when the file
 * predates it (or the cell is empty). */
static int added_cell(tkp_results *c, const tkp_csv *t, size_t r, const char *col, double *out)
{
	*out = NAN;
	return tkp_csv_col(t, col) < 0 ? 0 : cell(c, t, r, col, 1, 0, out);
}

static int unverified(const char *s)
{
	return !strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "fail") ||
	       !strcmp(s, "failed") || !strcmp(s, "FAIL");
}

/* The spread of row r's run times, as GFLOP/s (gflops_lo, gflops_hi),
 * and its cpu_util; read leniently: charts draw what they can, and a file
 * without these columns (compare --allow-mixed) just has no spread. */
static void row_spread(const tkp_csv *t, size_t r, tkp_res_row *w)
{
	double ts = NAN, mad = NAN, tmin = NAN;

	if (tkp_csv_num(t, r, tkp_csv_col(t, "time_s"), &ts) || tkp_csv_num(t, r, tkp_csv_col(t, "time_s_mad"), &mad) ||
	    tkp_csv_num(t, r, tkp_csv_col(t, "time_s_min"), &tmin))
		ts = NAN;
	if (tkp_csv_num(t, r, tkp_csv_col(t, "cpu_util"), &w->cpu_util) || !(w->cpu_util >= 0))
		w->cpu_util = NAN;
	w->gflops_lo = w->gflops_hi = w->gflops;
	if (isfinite(ts) && isfinite(mad) && isfinite(tmin) && ts > 0 && mad >= 0 && tmin > 0 &&
	    tmin <= ts) {
		double fast = ts - mad > tmin ? ts - mad : tmin;
		w->gflops_lo = w->gflops * ts / (ts + mad);
		w->gflops_hi = w->gflops * ts / fast;
	}
}

/* Styles and orders fixed once the rows are read. */
static void order_names(tkp_results *c)
{
	/* kernels of the ladder keep their colour whatever else was run */
	for (int k = 0, extra = 0; k < c->nk; k++) {
		int r = tkp_res_ladder_rank(c->kname[k]);
		c->kstyle[k] = r < 100 ? r : NLADDER + extra++;
	}
	/* f64 before f32 on every chart (the usual case first) */
	if (c->ndt == 2 && !strcmp(c->dtname[0], "f32") && !strcmp(c->dtname[1], "f64")) {
		const char *x = c->dtname[0];
		c->dtname[0] = c->dtname[1];
		c->dtname[1] = x;
		for (size_t i = 0; i < c->nrows; i++)
			c->rows[i].dt = 1 - c->rows[i].dt;
	}
}

static int parse_sweep(tkp_results *c)
{
	static const char *const cols[] = {"kernel", "dtype",	"m",	  "n",	     "k",
					   "block",  "threads", "gflops", "l1_dcm", "l2_dcm",
					   "l3_tcm", "flops_model", "ai_model", "ai_dram",
					   "counter_source", "verified", NULL};
	static const char *const miss[] = {"l1_dcm", "l2_dcm", "l3_tcm"};
	const tkp_csv *t;
	int ck, cd, cs, cv, rc = load_csv(c, "sweep.csv", cols, &c->sweep);

	if (rc)
		return rc;
	t = c->sweep;
	ck = tkp_csv_col(t, "kernel");
	cd = tkp_csv_col(t, "dtype");
	cs = tkp_csv_col(t, "counter_source");
	cv = tkp_csv_col(t, "verified");
	if (!(c->rows = calloc(t->nrows + 1, sizeof *c->rows)))
		return tkp_pr_fail(c->cmd, "out of memory");
	for (size_t r = 0; r < t->nrows; r++) {
		tkp_res_row *w = &c->rows[c->nrows];
		double m, n, k, blk, thr;
		const char *src = t->rows[r][cs];
		if (!t->rows[r][ck][0] || !t->rows[r][cd][0])
			return tkp_pr_usage(c->cmd, "%s:%zu: empty kernel or dtype", t->path,
					     t->lineno[r]);
		if ((rc = cell(c, t, r, "m", 0, 1, &m)) || (rc = cell(c, t, r, "n", 0, 1, &n)) ||
		    (rc = cell(c, t, r, "k", 0, 1, &k)) || (rc = cell(c, t, r, "block", 1, 0, &blk)) ||
		    (rc = cell(c, t, r, "threads", 1, 0, &thr)) ||
		    (rc = cell(c, t, r, "gflops", 1, 0, &w->gflops)) ||
		    (rc = cell(c, t, r, "flops_model", 1, 0, &w->flops)) ||
		    (rc = cell(c, t, r, "ai_model", 1, 0, &w->ai_model)) ||
		    (rc = cell(c, t, r, "ai_dram", 1, 0, &w->ai_dram)))
			return rc;
		for (int lv = 0; lv < 3; lv++)
			if ((rc = cell(c, t, r, miss[lv], 1, 0, &w->miss[lv])))
				return rc;
		if ((rc = added_cell(c, t, r, "ai_l2", &w->ai_l2)) ||
		    (rc = added_cell(c, t, r, "ai_l3", &w->ai_l3)) ||
		    (rc = added_cell(c, t, r, "counted_fraction", &w->counted_fraction)))
			return rc;
		if (blk > 1e9 || thr > 1e6 || m > 1e12 || n > 1e12 || k > 1e12)
			return tkp_pr_usage(c->cmd, "%s:%zu: size, block or threads out of range",
					     t->path, t->lineno[r]);
		if (unverified(t->rows[r][cv])) {
			c->unverified++;
			continue;
		}
		if (!isfinite(w->gflops) || w->gflops <= 0)
			continue; /* not run (skipped or failed): nothing to draw */
		if (!isfinite(w->flops))
			w->flops = 2.0 * m * n * k;
		if (!isfinite(w->ai_model)) {
			int sz = tkp_res_dt_bytes(t->rows[r][cd]);
			w->ai_model = sz ? 2.0 * m * n * k / ((m * k + k * n + 2 * m * n) * sz) : NAN;
		}
		w->kern = name_index(c->kname, &c->nk, t->rows[r][ck]);
		w->dt = name_index(c->dtname, &c->ndt, t->rows[r][cd]);
		w->src = !src[0] || !strcmp(src, "none") ? -1 : name_index(c->srcname, &c->nsrc, src);
		if (w->kern < 0 || w->dt < 0 || (w->src < 0 && src[0] && strcmp(src, "none")))
			return tkp_pr_usage(c->cmd, "%s:%zu: more than %d distinct kernels, dtypes "
						     "or counter sources",
					     t->path, t->lineno[r], TKP_RES_MAXNAMES);
		if (w->src < 0)
			for (int lv = 0; lv < 3; lv++)
				w->miss[lv] = NAN;
		row_spread(t, r, w);
		w->block = isfinite(blk) ? (int)blk : 0;
		w->threads = isfinite(thr) && thr >= 1 ? (int)thr : 1;
		w->m = (size_t)m;
		w->n = (size_t)n;
		w->k = (size_t)k;
		if (m == n && n == k) {
			w->size = n;
		} else {
			w->size = cbrt(m * n * k);
			c->nonsquare = 1;
		}
		c->nrows++;
	}
	order_names(c);
	return 0;
}

static int parse_ceilings(tkp_results *c)
{
	static const char *const cols[] = {"ceiling", "dtype", "isa",	 "threads",
					   "value",   "unit",  "source", NULL};
	int rc = load_csv(c, "ceilings.csv", cols, &c->ceil);
	const tkp_csv *t;
	int cc, cd, ci, cu, cs;

	if (rc)
		return rc;
	t = c->ceil;
	cc = tkp_csv_col(t, "ceiling");
	cd = tkp_csv_col(t, "dtype");
	ci = tkp_csv_col(t, "isa");
	cu = tkp_csv_col(t, "unit");
	cs = tkp_csv_col(t, "source");
	if (!(c->ceils = calloc(t->nrows + 1, sizeof *c->ceils)))
		return tkp_pr_fail(c->cmd, "out of memory");
	for (size_t r = 0; r < t->nrows; r++) {
		tkp_res_ceil *w = &c->ceils[c->nceil];
		const char *name = t->rows[r][cc], *unit = t->rows[r][cu];
		double thr, val;
		if ((rc = cell(c, t, r, "threads", 1, 0, &thr)) || (rc = cell(c, t, r, "value", 0, 0, &val)))
			return rc;
		if (!(val > 0))
			continue;
		w->value = val;
		w->threads = isfinite(thr) && thr >= 1 ? (int)thr : 1;
		w->dtype = t->rows[r][cd];
		w->isa = t->rows[r][ci];
		w->measured = strcmp(t->rows[r][cs], "reported") != 0;
		if (!strcmp(name, "peak") && !strcmp(unit, "GFLOP/s")) {
			w->peak = 1;
		} else if (!strcmp(unit, "GB/s") &&
			   (!strcmp(name, "L1") || !strcmp(name, "L1d") || !strcmp(name, "L2") ||
			    !strcmp(name, "L3") || !strcmp(name, "DRAM"))) {
			w->level = name[1] == '1' ? 0 : name[1] == '2' ? 1 : name[1] == '3' ? 2 : 3;
		} else {
			continue; /* sizes, latencies, ceilings we do not draw */
		}
		c->nceil++;
	}
	return 0;
}

static int parse_hierarchy(tkp_results *c)
{
	static const char *const cols[] = {"test", "threads", "bytes", "value", "unit", NULL};
	int rc = load_csv(c, "hierarchy.csv", cols, &c->hier);
	const tkp_csv *t;
	int ct, cu;

	if (rc)
		return rc;
	t = c->hier;
	ct = tkp_csv_col(t, "test");
	cu = tkp_csv_col(t, "unit");
	if (!(c->hrows = calloc(t->nrows + 1, sizeof *c->hrows)))
		return tkp_pr_fail(c->cmd, "out of memory");
	for (size_t r = 0; r < t->nrows; r++) {
		tkp_res_hrow *w = &c->hrows[c->nh];
		const char *unit = t->rows[r][cu];
		double thr;
		if ((rc = cell(c, t, r, "threads", 1, 0, &thr)) ||
		    (rc = cell(c, t, r, "bytes", 0, 1, &w->bytes)) ||
		    (rc = cell(c, t, r, "value", 1, 0, &w->value)))
			return rc;
		if (!(w->value > 0) || !t->rows[r][ct][0])
			continue;
		if (!strcmp(unit, "ns"))
			w->latency = 1;
		else if (strcmp(unit, "GB/s"))
			continue;
		w->test = t->rows[r][ct];
		w->threads = isfinite(thr) && thr >= 1 ? (int)thr : 1;
		c->nh++;
	}
	return 0;
}

const char *tkp_res_json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

double tkp_res_json_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* No machine.json: the machine unknown, the date that of the newest file
 * read. */
static void undescribed(tkp_results *c)
{
	time_t now = time(NULL);
	char when[64];
	struct stat st;

	for (int i = 0; i < 3; i++) {
		const tkp_csv *t = i == 0 ? c->sweep : i == 1 ? c->ceil : c->hier;
		if (t && stat(t->path, &st) == 0) {
			now = st.st_mtime;
			break;
		}
	}
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&now));
	tkp_fmt(c->when, sizeof c->when, "%s", when);
	tkp_fmt(c->machine, sizeof c->machine, "unknown machine (no machine.json)");
}

/* machine.json's cache sizes (reported and measured) and counter status. */
static void machine_caches_counters(tkp_results *c, json_t *root)
{
	json_t *caches, *ctr;

	caches = json_object_get(root, "caches");
	if (json_is_array(caches)) {
		size_t i;
		json_t *e;
		json_array_foreach(caches, i, e) {
			const char *lv = tkp_res_json_str(e, "level");
			int idx = !lv ? -1 : !strcmp(lv, "L1d") || !strcmp(lv, "L1") ? 0 : !strcmp(lv, "L2") ? 1 : !strcmp(lv, "L3") ? 2 : -1;
			double rep = tkp_res_json_num(e, "reported_bytes"), meas = tkp_res_json_num(e, "measured_bytes");
			if (idx < 0)
				continue;
			if (rep > 0)
				c->cache_rep[idx] = rep;
			if (meas > 0)
				c->cache_meas[idx] = meas;
			if (idx == 0 && tkp_res_json_num(e, "line_bytes") >= 8 &&
			    tkp_res_json_num(e, "line_bytes") <= 4096)
				c->line_bytes = tkp_res_json_num(e, "line_bytes");
		}
	}
	ctr = json_object_get(root, "counters");
	if (json_is_object(ctr)) {
		const char *s = tkp_res_json_str(ctr, "status");
		json_t *a = json_object_get(ctr, "available");
		if (s)
			tkp_strlcpy(c->status, s, sizeof c->status);
		if (json_is_boolean(a)) {
			c->counters_known = 1;
			c->counters_avail = json_is_true(a);
		}
	}
}

static int load_machine(tkp_results *c)
{
	char path[PATH_MAX];
	const char *host, *cpu, *date, *ver;
	json_error_t jerr;
	json_t *root;
	struct stat st;

	for (int i = 0; i < 3; i++)
		c->cache_rep[i] = c->cache_meas[i] = NAN;
	if (tkp_path_join(path, sizeof path, c->dir, "machine.json"))
		return tkp_pr_usage(c->cmd, "%s: path too long", c->dir);
	if (stat(path, &st) != 0) {
		undescribed(c);
		return 0;
	}
	if (!(root = json_load_file(path, 0, &jerr)))
		return tkp_pr_usage(c->cmd, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return tkp_pr_usage(c->cmd, "%s:1: expected a JSON object", path);
	}
	c->json = root;
	c->have_json = 1;
	host = tkp_res_json_str(root, "host");
	cpu = tkp_res_json_str(root, "cpu_model");
	date = tkp_res_json_str(root, "date");
	ver = tkp_res_json_str(root, "tkprofile_version");
	{
		double s = tkp_res_json_num(root, "schema");
		c->schema = isfinite(s) && s >= 1 && s < 1e6 ? (int)s : 0;
	}
	tkp_strlcpy(c->host, host && *host ? host : "", sizeof c->host);
	tkp_strlcpy(c->cpu, cpu && *cpu ? cpu : "", sizeof c->cpu);
	tkp_strlcpy(c->date, date && *date ? date : "", sizeof c->date);
	tkp_strlcpy(c->version, ver && *ver ? ver : "", sizeof c->version);
	tkp_fmt(c->machine, sizeof c->machine, "%s · host %s", cpu && *cpu ? cpu : "unknown CPU",
		host && *host ? host : "unknown");
	tkp_strlcpy(c->when, date && *date ? date : "undated", sizeof c->when);
	/* ISO 8601 reads better with a space than with the T */
	if (strlen(c->when) > 10 && c->when[10] == 'T')
		c->when[10] = ' ';
	{
		double cores = tkp_res_json_num(root, "cores");
		json_t *o = json_object_get(root, "cores");
		if (json_is_object(o)) /* {"physical": …, "logical": …} */
			cores = isfinite(tkp_res_json_num(o, "logical")) ? tkp_res_json_num(o, "logical")
									 : tkp_res_json_num(o, "physical");
		c->cores = isfinite(cores) && cores >= 1 && cores < 1e6 ? (int)cores : 0;
	}
	machine_caches_counters(c, root);
	return 0;
}

/* One metric that failed the counter check: its values in rows of the
 * checked source become NAN, with the intensities derived from it.  Level
 * lv's misses are the traffic across the boundary below it (l1_dcm: L1 to
 * L2, ai_l2; l2_dcm: ai_l3; l3_tcm: ai_dram, as chart.c's
 * tkp_chart_level_ai reads them); counted FLOPs are every intensity's
 * numerator. */
static void drop_metric(tkp_results *c, const char *metric, int src)
{
	static const char *const miss[] = {"l1_dcm", "l2_dcm", "l3_tcm"};
	int flops = !strcmp(metric, "fp_ops");

	for (size_t i = 0; i < c->nrows; i++) {
		tkp_res_row *w = &c->rows[i];
		double *ai[3] = {&w->ai_l2, &w->ai_l3, &w->ai_dram};
		if (w->src != src)
			continue;
		for (int lv = 0; lv < 3; lv++)
			if (flops || !strcmp(metric, miss[lv])) {
				if (!flops)
					w->miss[lv] = NAN;
				*ai[lv] = NAN;
			}
	}
}

/* machine.json's counter check (counters.check, written by the sweep):
 * the line for the report, and the failed metrics left out of the charts,
 * with a note. */
static void drop_failed(tkp_results *c)
{
	json_t *chk = json_object_get(json_object_get(c->json, "counters"), "check");
	json_t *met = json_object_get(chk, "metrics"), *why = json_object_get(chk, "why"), *v;
	const char *src = tkp_res_json_str(chk, "source"), *key;
	size_t n = 0, o = 0;
	int si = -1;

	if (!json_is_object(met) || !src)
		return;
	for (int i = 0; i < c->nsrc; i++)
		if (!strcmp(c->srcname[i], src))
			si = i;
	json_object_foreach(met, key, v) {
		const char *verdict = json_string_value(v), *w = tkp_res_json_str(why, key);
		int off = verdict && !strcmp(verdict, "off");
		if (!verdict || n >= sizeof c->check_line - 1)
			continue;
		n += (size_t)snprintf(c->check_line + n, sizeof c->check_line - n, "%s%s %s%s%s%s",
				      n ? ", " : "", key, verdict, off && w ? " (" : "", off && w ? w : "",
				      off && w ? ")" : "");
		if (off && o < sizeof c->check_off - 1) {
			o += (size_t)snprintf(c->check_off + o, sizeof c->check_off - o, "%s%s", o ? ", " : "", key);
			if (si >= 0)
				drop_metric(c, key, si);
		}
	}
	if (c->check_off[0])
		tkp_pr_note("tkprofile: %s: %s failed the counter check before the sweep (machine.json): "
			    "left out of the charts; the cells stay in sweep.csv", c->cmd, c->check_off);
}

int tkp_results_load(const char *cmd, const char *dir, tkp_results *c)
{
	struct stat st;
	int rc;

	memset(c, 0, sizeof *c);
	c->cmd = cmd;
	c->line_bytes = 64;
	for (int i = 0; i < 3; i++)
		c->cache_rep[i] = c->cache_meas[i] = NAN;
	if (!dir || !*dir)
		return tkp_pr_usage(cmd, "expected a results directory");
	if (tkp_strlcpy(c->dir, dir, sizeof c->dir) >= sizeof c->dir - 64)
		return tkp_pr_usage(cmd, "%s: path too long", dir);
	if (stat(dir, &st) != 0)
		return tkp_pr_usage(cmd, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return tkp_pr_usage(cmd, "%s: not a directory; expected a results directory", dir);
	{
		const char *b = dir + strlen(dir), *e;
		while (b > dir && b[-1] == '/')
			b--;
		e = b;
		while (b > dir && b[-1] != '/')
			b--;
		tkp_fmt(c->resname, sizeof c->resname, "%.*s", (int)(e - b), b);
	}
	/* everything is read and checked before anything is drawn */
	if ((rc = parse_sweep(c)) > 0 || (rc = parse_ceilings(c)) > 0 || (rc = parse_hierarchy(c)) > 0)
		return rc;
	if (!c->sweep && !c->ceil && !c->hier)
		return tkp_pr_usage(cmd, "%s: no sweep.csv, ceilings.csv or hierarchy.csv: not a "
					  "results directory (tkprofile sweep --out DIR makes one)",
				     dir);
	if ((rc = load_machine(c)))
		return rc;
	drop_failed(c);
	return 0;
}

void tkp_results_free(tkp_results *c)
{
	tkp_csv_free(c->sweep);
	tkp_csv_free(c->ceil);
	tkp_csv_free(c->hier);
	free(c->rows);
	free(c->ceils);
	free(c->hrows);
	if (c->json)
		json_decref(c->json);
	c->sweep = c->ceil = c->hier = NULL;
	c->rows = NULL;
	c->ceils = NULL;
	c->hrows = NULL;
	c->json = NULL;
}

const char *tkp_present_counters_reason(const char *why, int *len, int *has_fix)
{
	const char *fix;

	if (!strncmp(why, "no counters: ", 13))
		why += 13;
	fix = strstr(why, "; fix: ");
	*len = fix ? (int)(fix - why) : (int)strlen(why);
	*has_fix = fix != NULL;
	return why;
}
