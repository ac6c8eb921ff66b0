/*
 * cmd_compare.c - `tkprofile compare DIR DIR... [--out DIR]`: machines side
 * by side.
 *
 * Reads two or more results directories (any machines, any dates; nothing
 * is re-run), each validated like `tkprofile plot` does, and checks they
 * can be compared: the same directory is not given twice, machine.json
 * schemas agree, the CSV files have the same columns and were written by
 * the same tkprofile version (--allow-mixed accepts differences), and the
 * machines have something in common (a kernel run at the same size, a
 * memory-hierarchy probe, or ceilings).  Then it writes into a new
 * directory (never over results):
 *
 *   compare.csv   tidy: one row per machine and metric (cache sizes,
 *                 bandwidth and latency per level, peaks, best GFLOP/s per
 *                 kernel, GFLOP/s and speed-ups at common sizes), with the
 *                 ratio to the first machine;
 *   compare.txt   the table printed on stdout;
 *   plots/compare_{hierarchy,roofline,perf,speedup}.png|pdf;
 *   report.md, report.html   the comparison and each machine's summary.
 *
 * Machines are named by host (machine.json); equal hosts are told apart by
 * the date of their results, then by directory name.  One colour per
 * machine on every chart, in the order given; ratios are to the first.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chart.h"
#include "cli.h"
#include "csv.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "doc.h"
#include "results.h"
#include "util.h"

const char cmd_compare_usage[] =
	"usage: tkprofile compare DIR DIR... [--out DIR] [--format LIST] [--allow-mixed] [--quiet]\n"
	"\n"
	"Puts two or more results directories (machines, or runs of one machine)\n"
	"side by side; nothing is re-run.  Writes into --out DIR (default\n"
	"compare-<YYYYmmdd-HHMMSS>; never into a directory that holds files):\n"
	"  compare.csv   one row per machine and metric, with the ratio to the first\n"
	"  compare.txt   the table printed here: CPU, measured cache sizes, bandwidth\n"
	"                and latency per level, peak GFLOP/s, best GFLOP/s per kernel\n"
	"                and speed-ups over naive, each with its ratio to the first\n"
	"  plots/        compare_hierarchy (latency and bandwidth vs working set),\n"
	"                compare_roofline (every machine's ceilings and kernels),\n"
	"                compare_perf (GFLOP/s per kernel at the sizes all ran),\n"
	"                compare_speedup (speed-up over naive per machine)\n"
	"  report.md, report.html   the comparison and each machine's summary\n"
	"\n"
	"Machines are named by host (machine.json); equal hosts by date, then by\n"
	"directory.  The first directory is the reference for the ratios.\n"
	"\n"
	"options:\n"
	"  -o, --out DIR    where to write (must not exist, or be empty)\n"
	"  --format LIST    chart formats: png, pdf, svg (default png,pdf)\n"
	"  --allow-mixed    compare results written by different tkprofile versions\n"
	"                   or with different CSV columns (the columns all have are used)\n"
	"  -q, --quiet      only the table and errors\n"
	"\n"
	"Exit codes: 0 ok, 1 a file or chart could not be written, 2 bad usage, a\n"
	"directory that is not a results directory, schemas or versions that differ,\n"
	"or nothing in common to compare.\n";

#define MAXM 32
#define MAXK TKP_RES_MAXNAMES

/* One colour per machine, in order (colour-blind safe first). */
static const char *const mcolor[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
				     "#e69f00", "#56b4e9", "#5a5a5a", "#8c564b"};
#define NCOLOR (sizeof mcolor / sizeof mcolor[0])
/* Kernel markers by ladder rank (filled; the open one is one less). */
static const int kmarker[] = {7, 5, 9, 11, 13, 15};
#define NMARKER (sizeof kmarker / sizeof kmarker[0])

typedef struct machine {
	tkp_results r;
	char label[160];
	char command[4096]; /* the sweep command its report recorded, or "" */
} machine;

/* A (kernel, dtype) pair present on every machine, by name. */
typedef struct kd {
	const char *kernel, *dtype;
	double sizes[64]; /* sizes every machine ran it at, ascending */
	int nsizes;
	int rank;
} kd;

typedef struct cctx {
	const char *cmd;
	machine *m;
	int nm;
	kd kds[MAXK * 2];
	int nkd;
	int all_hier, all_ceil;
	char out[PATH_MAX];
	int fmts, quiet;
} cctx;

static const char *const compare_charts[] = {"compare_hierarchy", "compare_roofline", "compare_perf",
					     "compare_speedup"};
#define NCCHARTS (sizeof compare_charts / sizeof compare_charts[0])

/* ---- checks ------------------------------------------------------------- */

/* Columns of a that b lacks, as "'x', 'y'" (empty when none). */
static void missing_cols(const tkp_csv *a, const tkp_csv *b, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->ncols && n + 4 < size; i++)
		if (tkp_csv_col(b, a->header[i]) < 0)
			n += (size_t)snprintf(buf + n, size - n, "%s'%s'", n ? ", " : "", a->header[i]);
}

static int check_compatible(cctx *c, int allow_mixed)
{
	const machine *a = &c->m[0];

	for (int i = 0; i < c->nm; i++)
		for (int j = 0; j < i; j++) {
			char pi[PATH_MAX], pj[PATH_MAX];
			if (realpath(c->m[i].r.dir, pi) && realpath(c->m[j].r.dir, pj) && !strcmp(pi, pj))
				return tkp_cli_usage(c->cmd, "'%s' and '%s' are the same results directory",
						     c->m[j].r.dir, c->m[i].r.dir);
		}
	for (int i = 1; i < c->nm; i++) {
		const machine *b = &c->m[i];
		const char *files[3] = {"sweep.csv", "ceilings.csv", "hierarchy.csv"};
		const tkp_csv *ta[3] = {a->r.sweep, a->r.ceil, a->r.hier};
		const tkp_csv *tb[3] = {b->r.sweep, b->r.ceil, b->r.hier};
		if (a->r.schema && b->r.schema && a->r.schema != b->r.schema)
			return tkp_cli_usage(c->cmd, "machine.json schemas differ: %s/machine.json has "
						     "schema %d, %s/machine.json schema %d; compare results "
						     "of one schema (re-run the older sweep)",
					     a->r.dir, a->r.schema, b->r.dir, b->r.schema);
		if (!allow_mixed && a->r.version[0] && b->r.version[0] &&
		    strcmp(a->r.version, b->r.version))
			return tkp_cli_usage(c->cmd, "results written by different tkprofile versions: %s "
						     "by %s, %s by %s; measurements may not be comparable "
						     "(--allow-mixed compares them anyway)",
					     a->r.dir, a->r.version, b->r.dir, b->r.version);
		for (int f = 0; f < 3; f++) {
			char extra[1024], lacks[1024];
			if (!ta[f] || !tb[f] || allow_mixed)
				continue;
			missing_cols(tb[f], ta[f], extra, sizeof extra);
			missing_cols(ta[f], tb[f], lacks, sizeof lacks);
			if (extra[0] || lacks[0]) {
				char what[2200];
				size_t n = 0;
				what[0] = '\0';
				if (extra[0])
					n = (size_t)snprintf(what, sizeof what, "has %s, which %s/%s lacks", extra,
							     a->r.dir, files[f]);
				if (lacks[0])
					snprintf(what + n, sizeof what - n, "%slacks %s", n ? "; and it " : "",
						 lacks);
				return tkp_cli_usage(c->cmd, "%s schemas differ: %s/%s %s (written by different "
							     "tkprofile versions?); --allow-mixed uses the "
							     "columns both have",
						     files[f], b->r.dir, files[f], what);
			}
		}
	}
	return 0;
}

/* Sizes kernel/dtype ran at on machine r (best row per size), ascending. */
static int sizes_of(const tkp_results *r, const char *kernel, const char *dtype, double *out, int max)
{
	int k = tkp_res_kernel_index(r, kernel), dt = tkp_res_dtype_index(r, dtype), n = 0;

	if (k < 0 || dt < 0)
		return 0;
	for (size_t i = 0; i < r->nrows && n < max; i++)
		if (r->rows[i].kern == k && r->rows[i].dt == dt)
			out[n++] = r->rows[i].size;
	return tkp_res_distinct(out, n);
}

/* Best GFLOP/s of kernel/dtype at size on r (any block, threads), or NAN;
 * *row gets the row when not NULL. */
static double gflops_at(const tkp_results *r, const char *kernel, const char *dtype, double size,
			const tkp_res_row **row)
{
	int k = tkp_res_kernel_index(r, kernel), dt = tkp_res_dtype_index(r, dtype);
	double best = NAN;

	if (k < 0 || dt < 0)
		return NAN;
	for (size_t i = 0; i < r->nrows; i++) {
		const tkp_res_row *w = &r->rows[i];
		if (w->kern == k && w->dt == dt && w->size == size && (isnan(best) || w->gflops > best)) {
			best = w->gflops;
			if (row)
				*row = w;
		}
	}
	return best;
}

/* The largest size at which every machine ran both e and the naive kernel
 * in e's dtype: where speed-ups are compared.  NAN when there is none, and
 * for naive itself. */
static double naive_size(const cctx *c, const kd *e)
{
	const kd *nv = NULL;
	double size = NAN;

	if (!strcmp(e->kernel, "naive"))
		return NAN;
	for (int p = 0; p < c->nkd; p++)
		if (!strcmp(c->kds[p].kernel, "naive") && !strcmp(c->kds[p].dtype, e->dtype))
			nv = &c->kds[p];
	for (int x = 0; nv && x < e->nsizes; x++)
		for (int y = 0; y < nv->nsizes; y++)
			if (nv->sizes[y] == e->sizes[x])
				size = e->sizes[x];
	return size;
}

/* e's speed-up over naive at size on r (best GFLOP/s of each), NAN unless
 * both ran there. */
static double speedup_at(const tkp_results *r, const kd *e, double size)
{
	double gk = gflops_at(r, e->kernel, e->dtype, size, NULL),
	       gn = gflops_at(r, "naive", e->dtype, size, NULL);

	return gk > 0 && gn > 0 ? gk / gn : NAN;
}

static int kd_cmp(const void *a, const void *b)
{
	const kd *p = a, *q = b;
	int d = strcmp(p->dtype, q->dtype);

	if (p->rank != q->rank)
		return p->rank - q->rank;
	if (d)
		return -d; /* f64 before f32 */
	return strcmp(p->kernel, q->kernel);
}

/* Finds what every machine has: (kernel, dtype) pairs and their common
 * sizes, hierarchy, ceilings. */
static void find_common(cctx *c)
{
	const tkp_results *a = &c->m[0].r;

	c->nkd = 0;
	for (int k = 0; k < a->nk; k++)
		for (int dt = 0; dt < a->ndt && c->nkd < (int)(sizeof c->kds / sizeof c->kds[0]); dt++) {
			kd *e = &c->kds[c->nkd];
			double s[64];
			e->kernel = a->kname[k];
			e->dtype = a->dtname[dt];
			e->rank = tkp_res_ladder_rank(e->kernel);
			e->nsizes = sizes_of(a, e->kernel, e->dtype, e->sizes, 64);
			for (int i = 1; i < c->nm && e->nsizes; i++) {
				int n = sizes_of(&c->m[i].r, e->kernel, e->dtype, s, 64), w = 0;
				for (int x = 0; x < e->nsizes; x++)
					for (int y = 0; y < n; y++)
						if (s[y] == e->sizes[x]) {
							e->sizes[w++] = e->sizes[x];
							break;
						}
				e->nsizes = w;
			}
			if (e->nsizes)
				c->nkd++;
		}
	qsort(c->kds, (size_t)c->nkd, sizeof c->kds[0], kd_cmp);
	c->all_hier = c->all_ceil = 1;
	for (int i = 0; i < c->nm; i++) {
		if (!c->m[i].r.nh)
			c->all_hier = 0;
		if (!c->m[i].r.nceil)
			c->all_ceil = 0;
	}
}

/* What a machine holds, for the "nothing in common" message. */
static void holdings(const tkp_results *r, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < r->nk && n + 40 < size; k++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "kernels ", r->kname[k]);
	if (r->nrows && n + 40 < size) {
		double s[256];
		int m = 0;
		for (size_t i = 0; i < r->nrows && m < 256; i++)
			s[m++] = r->rows[i].size;
		m = tkp_res_distinct(s, m);
		n += (size_t)snprintf(buf + n, size - n, " at sizes %g..%g", s[0], s[m - 1]);
	}
	if (!r->nrows && n + 20 < size)
		n += (size_t)snprintf(buf + n, size - n, "no kernel rows");
	snprintf(buf + n, size - n, "; %s; %s", r->nh ? "has hierarchy.csv" : "no hierarchy.csv",
		 r->nceil ? "has ceilings.csv" : "no ceilings.csv");
}

/* Unique display names: the host; hosts that are equal get the day of their
 * results, then the time (to the minute, then the second), then the
 * directory's name; whatever is still equal is numbered. */
static void name_machines(cctx *c)
{
	for (int i = 0; i < c->nm; i++) {
		machine *m = &c->m[i];
		tkp_strlcpy(m->label, m->r.host[0] ? m->r.host : m->r.resname, sizeof m->label);
	}
	for (int pass = 0; pass < 4; pass++) {
		int dup[MAXM] = {0}, any = 0;
		for (int i = 0; i < c->nm; i++)
			for (int j = 0; j < c->nm; j++)
				if (i != j && !strcmp(c->m[i].label, c->m[j].label))
					dup[i] = any = 1;
		if (!any)
			break;
		for (int i = 0; i < c->nm; i++) {
			machine *m = &c->m[i];
			const char *base = m->r.host[0] ? m->r.host : m->r.resname, *w = m->r.when;
			int dated = m->r.date[0] && strlen(w) >= 19;
			if (!dup[i])
				continue;
			if (pass == 0 && dated)
				tkp_fmt(m->label, sizeof m->label, "%s %.10s", base, w);
			else if (pass == 1 && dated)
				tkp_fmt(m->label, sizeof m->label, "%s %.5s", base, w + 11);
			else if (pass == 2 && dated)
				tkp_fmt(m->label, sizeof m->label, "%s %.8s", base, w + 11);
			else if (pass == 3 || !dated)
				tkp_fmt(m->label, sizeof m->label, "%s (%s)", base, m->r.resname);
		}
	}
	for (int i = 0; i < c->nm; i++) {
		size_t n = strlen(c->m[i].label);
		for (int j = 0; j < i; j++)
			if (!strcmp(c->m[i].label, c->m[j].label)) {
				tkp_fmt(c->m[i].label + n, sizeof c->m[i].label - n, " #%d", i + 1);
				break;
			}
	}
}

/* ---- the metrics ---------------------------------------------------------- */

/* One line of the comparison: a value per machine. */
typedef struct metric {
	char name[96];      /* row label */
	const char *metric; /* compare.csv metric */
	const char *level, *kernel, *dtype, *unit;
	char isa[32];
	double size;        /* NAN: not per size */
	int kind;           /* 0 number, 1 bytes, 2 speed-up (x), 3 ns */
	double v[MAXM];
	int threads[MAXM];  /* 0: not applicable */
	double at[MAXM];    /* size of the best run, NAN none */
	char isas[MAXM][32];
} metric;

typedef struct mlist {
	metric *v;
	int n, cap;
} mlist;

static metric *add_metric(mlist *l)
{
	metric *m;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 32;
		metric *v = realloc(l->v, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	m = &l->v[l->n++];
	memset(m, 0, sizeof *m);
	m->size = NAN;
	for (int i = 0; i < MAXM; i++) {
		m->v[i] = NAN;
		m->at[i] = NAN;
	}
	return m;
}

static const char *const cache_name[3] = {"L1d", "L2", "L3"};

static int build_metrics(cctx *c, mlist *l)
{
	metric *m;
	const char *dts[2] = {"f64", "f32"};

	for (int lv = 0; lv < 3; lv++) {
		int any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= isfinite(c->m[i].r.cache_meas[lv]);
		if (!any)
			continue;
		if (!(m = add_metric(l)))
			return TKP_ENOMEM;
		tkp_fmt(m->name, sizeof m->name, "%s size (measured)", cache_name[lv]);
		m->metric = "cache_bytes";
		m->level = cache_name[lv];
		m->unit = "bytes";
		m->kind = 1;
		for (int i = 0; i < c->nm; i++)
			m->v[i] = c->m[i].r.cache_meas[lv];
	}
	for (int lv = 0; lv < 4; lv++) {
		int any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= isfinite(tkp_res_level_bw(&c->m[i].r, lv, 0, NULL));
		if (!any)
			continue;
		if (!(m = add_metric(l)))
			return TKP_ENOMEM;
		tkp_fmt(m->name, sizeof m->name, "%s bandwidth, GB/s", tkp_res_level_name[lv]);
		m->metric = "bandwidth";
		m->level = tkp_res_level_name[lv];
		m->unit = "GB/s";
		for (int i = 0; i < c->nm; i++)
			m->v[i] = tkp_res_level_bw(&c->m[i].r, lv, 0, &m->threads[i]);
	}
	for (int lv = 0; lv < 4; lv++) {
		int any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= isfinite(tkp_res_level_latency(&c->m[i].r, lv));
		if (!any)
			continue;
		if (!(m = add_metric(l)))
			return TKP_ENOMEM;
		tkp_fmt(m->name, sizeof m->name, "%s latency, ns", tkp_res_level_name[lv]);
		m->metric = "latency";
		m->level = tkp_res_level_name[lv];
		m->unit = "ns";
		m->kind = 3;
		for (int i = 0; i < c->nm; i++) {
			m->v[i] = tkp_res_level_latency(&c->m[i].r, lv);
			m->threads[i] = isfinite(m->v[i]) ? 1 : 0;
		}
	}
	for (int d = 0; d < 2; d++) {
		int any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= tkp_res_best_peak(&c->m[i].r, dts[d], 0) != NULL;
		if (!any)
			continue;
		if (!(m = add_metric(l)))
			return TKP_ENOMEM;
		tkp_fmt(m->name, sizeof m->name, "peak %s, GFLOP/s", dts[d]);
		m->metric = "peak";
		m->dtype = dts[d];
		m->unit = "GFLOP/s";
		for (int i = 0; i < c->nm; i++) {
			const tkp_res_ceil *p = tkp_res_best_peak(&c->m[i].r, dts[d], 0);
			if (p) {
				m->v[i] = p->value;
				m->threads[i] = p->threads;
				tkp_strlcpy(m->isas[i], p->isa, sizeof m->isas[i]);
			}
		}
	}
	/* best GFLOP/s per kernel (any machine's): over the sizes every machine
	 * ran, or over all sizes for kernels that have none in common */
	{
		const char *kn[MAXK * 2], *dn[MAXK * 2];
		int rank[MAXK * 2], n = 0;
		for (int i = 0; i < c->nm; i++) {
			const tkp_results *r = &c->m[i].r;
			for (int k = 0; k < r->nk; k++)
				for (int dt = 0; dt < r->ndt; dt++) {
					int j;
					double one;
					if (sizes_of(r, r->kname[k], r->dtname[dt], &one, 1) == 0)
						continue; /* not run in this dtype */
					for (j = 0; j < n; j++)
						if (!strcmp(kn[j], r->kname[k]) && !strcmp(dn[j], r->dtname[dt]))
							break;
					if (j < n || n == MAXK * 2)
						continue;
					kn[n] = r->kname[k];
					dn[n] = r->dtname[dt];
					rank[n++] = tkp_res_ladder_rank(r->kname[k]);
				}
		}
		/* ladder order, f64 before f32, stable */
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && (rank[j] < rank[j - 1] ||
						  (rank[j] == rank[j - 1] && strcmp(dn[j], dn[j - 1]) > 0));
			     j--) {
				const char *tk = kn[j], *td = dn[j];
				int tr = rank[j];
				kn[j] = kn[j - 1];
				dn[j] = dn[j - 1];
				rank[j] = rank[j - 1];
				kn[j - 1] = tk;
				dn[j - 1] = td;
				rank[j - 1] = tr;
			}
		for (int q = 0; q < n; q++) {
			const kd *common = NULL;
			for (int e = 0; e < c->nkd; e++)
				if (!strcmp(c->kds[e].kernel, kn[q]) && !strcmp(c->kds[e].dtype, dn[q]))
					common = &c->kds[e];
			if (!(m = add_metric(l)))
				return TKP_ENOMEM;
			tkp_fmt(m->name, sizeof m->name, "best %s %s, GFLOP/s%s", kn[q], dn[q],
				common ? "" : " *");
			m->metric = "best_gflops";
			m->kernel = kn[q];
			m->dtype = dn[q];
			m->unit = "GFLOP/s";
			for (int i = 0; i < c->nm; i++) {
				const tkp_results *r = &c->m[i].r;
				double sz[64];
				int ns = common ? common->nsizes : sizes_of(r, kn[q], dn[q], sz, 64);
				for (int x = 0; x < ns; x++) {
					const tkp_res_row *row = NULL;
					double size = common ? common->sizes[x] : sz[x];
					double g = gflops_at(r, kn[q], dn[q], size, &row);
					if (isfinite(g) && (isnan(m->v[i]) || g > m->v[i])) {
						m->v[i] = g;
						m->at[i] = size;
						m->threads[i] = row ? row->threads : 0;
					}
				}
			}
		}
	}
	/* speed-up over naive at the largest size all ran both at */
	for (int q = 0; q < c->nkd; q++) {
		const kd *e = &c->kds[q];
		double size = naive_size(c, e);
		if (isnan(size))
			continue;
		if (!(m = add_metric(l)))
			return TKP_ENOMEM;
		tkp_fmt(m->name, sizeof m->name, "speed-up %s %s at n=%g", e->kernel, e->dtype, size);
		m->metric = "speedup";
		m->kernel = e->kernel;
		m->dtype = e->dtype;
		m->unit = "x";
		m->kind = 2;
		m->size = size;
		for (int i = 0; i < c->nm; i++)
			m->v[i] = speedup_at(&c->m[i].r, e, size);
	}
	return 0;
}

static void fmt_metric(const metric *m, int i, char *buf, size_t size)
{
	double v = m->v[i];

	if (!isfinite(v)) {
		tkp_strlcpy(buf, "-", size);
		return;
	}
	switch (m->kind) {
	case 1: tkp_gp_fmt_bytes(buf, size, v); break;
	case 2: tkp_fmt(buf, size, "%.1fx", v); break;
	default: tkp_gp_fmt_val(buf, size, v); break;
	}
}

/* "×1.23" style ratio to the first machine ("" for the first, "-" when
 * either is missing). */
static void fmt_ratio(const metric *m, int i, char *buf, size_t size)
{
	buf[0] = '\0';
	if (i == 0)
		return;
	if (!isfinite(m->v[i]) || !isfinite(m->v[0]) || m->v[0] == 0)
		tkp_strlcpy(buf, "", size);
	else
		tkp_fmt(buf, size, "%.2fx", m->v[i] / m->v[0]);
}

/* ---- compare.csv ---------------------------------------------------------- */

/* The columns that say which machine a row is of: machine, host,
 * cpu_model, date, dir, each followed by its separator. */
static void csv_machine(FILE *fp, const cctx *c, int i)
{
	const tkp_results *r = &c->m[i].r;

	tkp_csv_put_str(fp, c->m[i].label);
	tkp_csv_sep(fp);
	tkp_csv_put_str(fp, r->host);
	tkp_csv_sep(fp);
	tkp_csv_put_str(fp, r->cpu);
	tkp_csv_sep(fp);
	tkp_csv_put_str(fp, r->date);
	tkp_csv_sep(fp);
	tkp_csv_put_str(fp, r->dir);
	tkp_csv_sep(fp);
}

static int write_csv(cctx *c, const mlist *l)
{
	static const char *const cols[] = {"machine", "host", "cpu_model", "date", "dir", "metric",
					   "level", "kernel", "dtype", "isa", "size", "threads",
					   "value", "unit", "ratio", NULL};
	char path[PATH_MAX];
	tkp_afile f;
	FILE *fp;

	if (tkp_path_join(path, sizeof path, c->out, "compare.csv") || tkp_afile_open(&f, path))
		return tkp_cli_fail(c->cmd, "%s: %s", path, strerror(errno));
	fp = f.fp;
	for (int i = 0; cols[i]; i++) {
		if (i)
			tkp_csv_sep(fp);
		tkp_csv_put_str(fp, cols[i]);
	}
	tkp_csv_eol(fp);
	for (int q = 0; q < l->n; q++) {
		const metric *m = &l->v[q];
		for (int i = 0; i < c->nm; i++) {
			double size = isfinite(m->size) ? m->size : m->at[i];
			if (!isfinite(m->v[i]))
				continue;
			csv_machine(fp, c, i);
			tkp_csv_put_str(fp, m->metric);
			tkp_csv_sep(fp);
			tkp_csv_put_str(fp, m->level ? m->level : "");
			tkp_csv_sep(fp);
			tkp_csv_put_str(fp, m->kernel ? m->kernel : "");
			tkp_csv_sep(fp);
			tkp_csv_put_str(fp, m->dtype ? m->dtype : "");
			tkp_csv_sep(fp);
			tkp_csv_put_str(fp, m->isas[i]);
			tkp_csv_sep(fp);
			tkp_csv_put_num(fp, size);
			tkp_csv_sep(fp);
			if (m->threads[i] > 0)
				tkp_csv_put_int(fp, m->threads[i]);
			tkp_csv_sep(fp);
			tkp_csv_put_num(fp, m->v[i]);
			tkp_csv_sep(fp);
			tkp_csv_put_str(fp, m->unit);
			tkp_csv_sep(fp);
			tkp_csv_put_num(fp, isfinite(m->v[0]) && m->v[0] != 0 ? m->v[i] / m->v[0] : NAN);
			tkp_csv_eol(fp);
		}
	}
	/* GFLOP/s at every common size: the data behind compare_perf */
	for (int q = 0; q < c->nkd; q++) {
		const kd *e = &c->kds[q];
		for (int x = 0; x < e->nsizes; x++) {
			double g0 = gflops_at(&c->m[0].r, e->kernel, e->dtype, e->sizes[x], NULL);
			for (int i = 0; i < c->nm; i++) {
				const tkp_res_row *row = NULL;
				double g = gflops_at(&c->m[i].r, e->kernel, e->dtype, e->sizes[x], &row);
				csv_machine(fp, c, i);
				tkp_csv_put_str(fp, "gflops");
				tkp_csv_sep(fp);
				tkp_csv_sep(fp);
				tkp_csv_put_str(fp, e->kernel);
				tkp_csv_sep(fp);
				tkp_csv_put_str(fp, e->dtype);
				tkp_csv_sep(fp);
				tkp_csv_sep(fp);
				tkp_csv_put_num(fp, e->sizes[x]);
				tkp_csv_sep(fp);
				if (row)
					tkp_csv_put_int(fp, row->threads);
				tkp_csv_sep(fp);
				tkp_csv_put_num(fp, g);
				tkp_csv_sep(fp);
				tkp_csv_put_str(fp, "GFLOP/s");
				tkp_csv_sep(fp);
				tkp_csv_put_num(fp, g0 > 0 ? g / g0 : NAN);
				tkp_csv_eol(fp);
			}
		}
	}
	if (ferror(fp)) {
		tkp_afile_abort(&f);
		return tkp_cli_fail(c->cmd, "%s: %s", path, strerror(errno));
	}
	if (tkp_afile_commit(&f))
		return tkp_cli_fail(c->cmd, "%s: %s", path, strerror(errno));
	return 0;
}

/* ---- the printed table ---------------------------------------------------- */

/* Display width of a UTF-8 string (code points). */
static int width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static void pad(FILE *fp, const char *s, int w, int right)
{
	int n = width(s);

	if (right)
		for (int i = n; i < w; i++)
			fputc(' ', fp);
	fputs(s, fp);
	if (!right)
		for (int i = n; i < w; i++)
			fputc(' ', fp);
}

static void write_table(cctx *c, const mlist *l, FILE *fp)
{
	int lw = 26, cw[MAXM];
	char buf[160], ratio[32];

	for (int q = 0; q < l->n; q++)
		if (width(l->v[q].name) + 2 > lw)
			lw = width(l->v[q].name) + 2;
	for (int i = 0; i < c->nm; i++) {
		cw[i] = 18;
		if (width(c->m[i].label) + 2 > cw[i])
			cw[i] = width(c->m[i].label) + 2;
		if (width(c->m[i].r.cpu) + 2 > cw[i])
			cw[i] = width(c->m[i].r.cpu) + 2 > 40 ? 40 : width(c->m[i].r.cpu) + 2;
	}
	fprintf(fp, "tkprofile compare: %d machines; ratios are to %s\n\n", c->nm, c->m[0].label);
	pad(fp, "", lw, 0);
	for (int i = 0; i < c->nm; i++)
		pad(fp, c->m[i].label, cw[i], 1);
	fputc('\n', fp);
	pad(fp, "CPU", lw, 0);
	for (int i = 0; i < c->nm; i++) {
		tkp_fmt(buf, sizeof buf, "%.*s", cw[i] - 2, c->m[i].r.cpu[0] ? c->m[i].r.cpu : "?");
		pad(fp, buf, cw[i], 1);
	}
	fputc('\n', fp);
	pad(fp, "cores", lw, 0);
	for (int i = 0; i < c->nm; i++) {
		if (c->m[i].r.cores > 0)
			tkp_fmt(buf, sizeof buf, "%d", c->m[i].r.cores);
		else
			tkp_strlcpy(buf, "?", sizeof buf);
		pad(fp, buf, cw[i], 1);
	}
	fputc('\n', fp);
	pad(fp, "measured", lw, 0);
	for (int i = 0; i < c->nm; i++) {
		tkp_fmt(buf, sizeof buf, "%.16s", c->m[i].r.when);
		pad(fp, buf, cw[i], 1);
	}
	fputc('\n', fp);
	for (int q = 0; q < l->n; q++) {
		const metric *m = &l->v[q];
		pad(fp, m->name, lw, 0);
		for (int i = 0; i < c->nm; i++) {
			char v[64];
			fmt_metric(m, i, v, sizeof v);
			fmt_ratio(m, i, ratio, sizeof ratio);
			if (ratio[0])
				tkp_fmt(buf, sizeof buf, "%s (%s)", v, ratio);
			else
				tkp_strlcpy(buf, v, sizeof buf);
			pad(fp, buf, cw[i], 1);
		}
		fputc('\n', fp);
	}
	fputc('\n', fp);
	for (int i = 0; i < c->nm; i++)
		fprintf(fp, "%s: %s (%s)\n", c->m[i].label, c->m[i].r.dir,
			c->m[i].r.cpu[0] ? c->m[i].r.cpu : "unknown CPU");
	fprintf(fp, "\nRatios: each machine's value / %s's (for latency lower is better).\n"
		    "Bandwidth and peaks: the best over thread counts.  Best GFLOP/s: over the sizes\n"
		    "every machine ran (* where none is common: over all sizes).\n",
		c->m[0].label);
}

/* ---- charts ---------------------------------------------------------------- */

static void write_machines(cctx *c, FILE *v)
{
	fprintf(v, "nm = %d\narray mname[%d]\narray mcolor[%d]\n", c->nm, c->nm, c->nm);
	for (int i = 0; i < c->nm; i++) {
		fprintf(v, "mname[%d] = ", i + 1);
		tkp_gp_str(v, c->m[i].label, 120);
		fprintf(v, "; mcolor[%d] = '%s'\n", i + 1, mcolor[i % NCOLOR]);
	}
}

/* The charts' footer: what is compared. */
static void chart_who(cctx *c, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->nm && n + 4 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " vs " : "", c->m[i].label);
}

static int chart_hierarchy(cctx *c, FILE *v, FILE *d)
{
	enum { MAXS = MAXM * 3 };
	int ns = 0, nmk = 0, sm[MAXS], spanel[MAXS], sdt[MAXS];
	char sname[MAXS][200], mklab[MAXM * 3][200];
	double lo = INFINITY, hi = 0, mk[MAXM * 3], mkm[MAXM * 3];

	if (!c->all_hier) {
		char who[512] = "";
		size_t n = 0;
		for (int i = 0; i < c->nm; i++)
			if (!c->m[i].r.nh)
				n += (size_t)snprintf(who + n, sizeof who - n, "%s%s", n ? ", " : "",
						      c->m[i].label);
		tkp_gp_message(v, "No memory-hierarchy measurements (hierarchy.csv) for %s.\n"
				  "To fill this chart, sweep on that machine with the machine probe\n"
				  "(profile key probe = quick or full, not none) and compare again.",
			       who);
		return 0;
	}
	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		const char *bwtest = NULL;
		int tmax = 1;
		for (size_t h = 0; h < r->nh; h++)
			if (!r->hrows[h].latency) {
				if (!bwtest || (!strcmp(r->hrows[h].test, "read") && strcmp(bwtest, "read")))
					bwtest = r->hrows[h].test;
				if (r->hrows[h].threads > tmax)
					tmax = r->hrows[h].threads;
			}
		/* latency at 1 thread; bandwidth (read) at 1 thread and at the most */
		for (int s = 0; s < 3 && ns < MAXS; s++) {
			const char *test = s == 0 ? "latency" : bwtest;
			int th = s == 2 ? tmax : 1, n = 0;
			tkp_res_pt *p;
			if (!test || (s == 2 && tmax == 1))
				continue;
			if (!(p = malloc((r->nh + 1) * sizeof *p)))
				return TKP_ENOMEM;
			for (size_t h = 0; h < r->nh; h++) {
				const tkp_res_hrow *w = &r->hrows[h];
				if ((s == 0) != (w->latency != 0) || w->threads != th ||
				    (s > 0 && strcmp(w->test, test)))
					continue;
				p[n].x = w->bytes;
				p[n].y = s == 0 ? -w->value : w->value; /* latency: the lowest */
				p[n++].row = h;
			}
			n = (int)tkp_res_pt_best(p, (size_t)n);
			if (n) {
				for (int k = 0; k < n; k++) {
					fprintf(d, "%.10g %.10g\n", p[k].x, s == 0 ? -p[k].y : p[k].y);
					lo = fmin(lo, p[k].x);
					hi = fmax(hi, p[k].x);
				}
				tkp_gp_end_block(d);
				sm[ns] = i;
				spanel[ns] = s == 0 ? 1 : 2;
				sdt[ns] = s == 2 ? 2 : 1;
				if (s == 0)
					tkp_fmt(sname[ns], sizeof sname[ns], "%s", c->m[i].label);
				else
					tkp_fmt(sname[ns], sizeof sname[ns], "%s, %d thread%s%s%s", c->m[i].label,
						th, th == 1 ? "" : "s", strcmp(test, "read") ? ", " : "",
						strcmp(test, "read") ? test : "");
				ns++;
			}
			free(p);
		}
	}
	for (int i = 0; i < c->nm; i++)
		for (int lv = 0; lv < 3; lv++) {
			double b = c->m[i].r.cache_meas[lv];
			if (isfinite(b) && b >= lo && b <= hi && nmk < MAXM * 3) {
				mk[nmk] = b;
				mkm[nmk] = i + 1;
				tkp_strlcpy(mklab[nmk], cache_name[lv], sizeof mklab[nmk]);
				nmk++;
			}
		}
	write_machines(c, v);
	fprintf(v, "ns = %d\narray sname[%d]\narray sm[%d]\narray spanel[%d]\narray sdt[%d]\n", ns,
		ns ? ns : 1, ns ? ns : 1, ns ? ns : 1, ns ? ns : 1);
	for (int s = 0; s < ns; s++) {
		fprintf(v, "sname[%d] = ", s + 1);
		tkp_gp_str(v, sname[s], 190);
		fprintf(v, "; sm[%d] = %d; spanel[%d] = %d; sdt[%d] = %d\n", s + 1, sm[s] + 1, s + 1,
			spanel[s], s + 1, sdt[s]);
	}
	fprintf(v, "nmk = %d\n", nmk);
	tkp_gp_num_array(v, "mkval", mk, nmk);
	tkp_gp_num_array(v, "mkm", mkm, nmk);
	tkp_gp_str_array(v, "mklab", mklab, nmk);
	tkp_chart_ws_axis(v, lo, hi);
	tkp_gp_set_str(v, "note", "one colour per machine; read bandwidth solid at 1 thread, dashed at "
				  "the most threads; ticks: measured cache sizes");
	return 0;
}

static int chart_roofline(cctx *c, FILE *v, FILE *d)
{
	enum { MAXS = MAXM * MAXK };
	int ns = 0, nseg = 0, npts = 0, nkl = 0;
	static char sname[MAXS][200];
	int scol[MAXS], spt[MAXS];
	double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
	double sx1[MAXM * 8], sy1[MAXM * 8], sx2[MAXM * 8], sy2[MAXM * 8], sm[MAXM * 8], sk[MAXM * 8];
	char mlab[MAXM][200], klab[MAXK][200];
	double kpt[MAXK];
	int krank[MAXK], any_ceil = 0, any_f32 = 0;

	/* points: colour the machine, marker the kernel */
	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		int order[MAXK];
		tkp_res_pt *p = malloc((r->nrows + 1) * sizeof *p);
		if (!p)
			return TKP_ENOMEM;
		tkp_res_kernel_order(r, order);
		for (int ki = 0; ki < r->nk; ki++)
			for (int dt = 0; dt < r->ndt && ns < MAXS; dt++) {
				int k = order[ki], rank = tkp_res_ladder_rank(r->kname[k]), np = 0;
				int f32 = tkp_res_dt_bytes(r->dtname[dt]) == 4, j;
				size_t n = tkp_res_best_by_size(r, k, dt, 0, p);
				char kl[200];
				if (!n)
					continue;
				for (size_t q = 0; q < n; q++) {
					const tkp_res_row *w = &r->rows[p[q].row];
					int counted;
					double x = tkp_chart_intensity(w, &counted);
					if (!(x > 0) || !(w->gflops > 0))
						continue;
					fprintf(d, "%.10g %.10g\n", x, w->gflops);
					xmin = fmin(xmin, x);
					xmax = fmax(xmax, x);
					ymin = fmin(ymin, w->gflops);
					ymax = fmax(ymax, w->gflops);
					np++;
				}
				tkp_gp_end_block(d);
				npts += np;
				scol[ns] = i;
				spt[ns] = kmarker[(rank < 100 ? rank : 5) % NMARKER] - f32;
				tkp_fmt(sname[ns], sizeof sname[ns], "%s %s %s", c->m[i].label, r->kname[k],
					r->dtname[dt]);
				ns++;
				/* the kernel legend: one entry per kernel, filled marker */
				tkp_fmt(kl, sizeof kl, "%s", r->kname[k]);
				if (f32)
					any_f32 = 1;
				for (j = 0; j < nkl; j++)
					if (!strcmp(klab[j], kl))
						break;
				if (j == nkl && nkl < MAXK) {
					tkp_strlcpy(klab[nkl], kl, sizeof klab[nkl]);
					kpt[nkl] = kmarker[(rank < 100 ? rank : 5) % NMARKER];
					krank[nkl++] = rank;
				}
			}
		free(p);
	}
	/* ceilings: each machine's peaks (dtypes it ran) and its L1 and DRAM
	 * bandwidths, at the thread count its kernels used at most */
	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		int tc = tkp_res_ceil_threads(r, r->nrows ? tkp_res_max_threads(r) : 1 << 30), nl = 0;
		double pk[4], top = 0, bwtop = 0, bw[4];
		char pl[4][64];
		size_t n = 0;
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
		mlab[i][0] = '\0';
		if (!nl && !(bwtop > 0)) {
			tkp_fmt(mlab[i], sizeof mlab[i], "%s (no ceilings)", c->m[i].label);
			continue;
		}
		any_ceil = 1;
		n = (size_t)snprintf(mlab[i], sizeof mlab[i], "%s:", c->m[i].label);
		for (int j = 0; j < nl && n < sizeof mlab[i]; j++) {
			n += (size_t)snprintf(mlab[i] + n, sizeof mlab[i] - n, "%s %s", j ? "," : " peak", pl[j]);
			sx1[nseg] = bwtop > 0 ? pk[j] / bwtop : NAN;
			sy1[nseg] = sy2[nseg] = pk[j];
			sx2[nseg] = NAN; /* to xmax, set below */
			sm[nseg] = i + 1;
			sk[nseg++] = 1;
			ymin = fmin(ymin, pk[j]);
			ymax = fmax(ymax, pk[j]);
		}
		for (int l = 0; l < 4; l += 3) { /* L1 and DRAM */
			if (!isfinite(bw[l]))
				continue;
			if (n < sizeof mlab[i])
				n += (size_t)snprintf(mlab[i] + n, sizeof mlab[i] - n, "%s %s %.3g GB/s",
						      nl || l ? ";" : "", tkp_res_level_name[l], bw[l]);
			sx1[nseg] = NAN; /* from xmin */
			sy1[nseg] = bw[l];
			sx2[nseg] = top > 0 ? top / bw[l] : NAN;
			sy2[nseg] = top;
			sm[nseg] = i + 1;
			sk[nseg++] = l == 0 ? 2 : 3;
			if (top > 0) {
				xmin = fmin(xmin, top / bw[l]);
				xmax = fmax(xmax, top / bw[l]);
			}
		}
		if (n < sizeof mlab[i])
			snprintf(mlab[i] + n, sizeof mlab[i] - n, " (%d thread%s)", tc, tc == 1 ? "" : "s");
	}
	if (!npts && !any_ceil) {
		tkp_gp_message(v, "No kernel points and no ceilings on any of these machines:\n"
				  "their results directories hold neither sweep.csv rows nor\n"
				  "ceilings.csv.  Run tkprofile sweep on each machine.");
		return 0;
	}
	if (!(xmax > 0)) {
		xmin = 0.1;
		xmax = 100;
	}
	/* room left of the ridges, so that each bandwidth line shows its slope */
	for (int s = 0; s < nseg; s++)
		if (sk[s] != 1 && isfinite(sx2[s]))
			xmin = fmin(xmin, sx2[s] / 8);
	if (!(ymax > 0)) {
		ymin = 1;
		ymax = 100;
	}
	tkp_chart_roof_axes(&xmin, &xmax, &ymin, &ymax);
	for (int s = 0; s < nseg; s++) {
		if (sk[s] == 1) { /* compute: from the ridge (or the left edge) to the right */
			sx1[s] = isfinite(sx1[s]) ? fmax(xmin, sx1[s]) : xmin;
			sx2[s] = xmax;
		} else { /* memory: from the bottom edge to the top peak (sy2), or the top */
			double seg[4];
			tkp_chart_bw_segment(sy1[s], isfinite(sx2[s]) ? sy2[s] : ymax, xmin, xmax, ymin, seg);
			sx1[s] = seg[0];
			sy1[s] = seg[1];
			sx2[s] = seg[2];
			sy2[s] = seg[3];
		}
	}
	/* kernels in ladder order in the legend */
	for (int i = 1; i < nkl; i++)
		for (int j = i; j > 0 && krank[j] < krank[j - 1]; j--) {
			char t[200];
			double tp = kpt[j];
			int tr = krank[j];
			memcpy(t, klab[j], sizeof t);
			memcpy(klab[j], klab[j - 1], sizeof t);
			memcpy(klab[j - 1], t, sizeof t);
			kpt[j] = kpt[j - 1];
			kpt[j - 1] = tp;
			krank[j] = krank[j - 1];
			krank[j - 1] = tr;
		}
	write_machines(c, v);
	fprintf(v, "ns = %d\narray sname[%d]\narray scol[%d]\narray spt[%d]\n", ns, ns ? ns : 1,
		ns ? ns : 1, ns ? ns : 1);
	for (int s = 0; s < ns; s++) {
		fprintf(v, "sname[%d] = ", s + 1);
		tkp_gp_str(v, sname[s], 190);
		fprintf(v, "; scol[%d] = '%s'; spt[%d] = %d\n", s + 1, mcolor[scol[s] % NCOLOR], s + 1,
			spt[s]);
	}
	fprintf(v, "nseg = %d\n", nseg);
	tkp_gp_num_array(v, "segx1", sx1, nseg);
	tkp_gp_num_array(v, "segy1", sy1, nseg);
	tkp_gp_num_array(v, "segx2", sx2, nseg);
	tkp_gp_num_array(v, "segy2", sy2, nseg);
	tkp_gp_num_array(v, "segm", sm, nseg);
	tkp_gp_num_array(v, "segkind", sk, nseg);
	tkp_gp_str_array(v, "mlab", mlab, c->nm);
	fprintf(v, "nkl = %d\n", nkl);
	tkp_gp_str_array(v, "klab", klab, nkl);
	tkp_gp_num_array(v, "kpt", kpt, nkl);
	tkp_gp_set_num(v, "xmin", xmin);
	tkp_gp_set_num(v, "xmax", xmax);
	tkp_gp_set_num(v, "ymin", ymin);
	tkp_gp_set_num(v, "ymax", ymax);
	tkp_gp_set_str(v, "note", any_f32 ? "colour: machine; marker: kernel (filled f64, open f32); "
					    "lines: compute peaks, L1 (dashed) and DRAM (dotted) bandwidth"
					  : "colour: machine; marker: kernel; lines: each machine's compute "
					    "peaks (solid), L1 (dashed) and DRAM (dotted) bandwidth");
	return 0;
}

static int chart_perf(cctx *c, FILE *v, FILE *d)
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
		const kd *e = &c->kds[q];
		double ym = 0;
		for (int i = 0; i < c->nm; i++) {
			for (int x = 0; x < e->nsizes; x++) {
				double g = gflops_at(&c->m[i].r, e->kernel, e->dtype, e->sizes[x], NULL);
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
	write_machines(c, v);
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

static int chart_speedup(cctx *c, FILE *v, FILE *d)
{
	enum { MAXG = 16 };
	int ng = 0;
	char glab[MAXG][200];
	double ymin = 1, ymax = 1;

	for (int q = 0; q < c->nkd && ng < MAXG; q++) {
		const kd *e = &c->kds[q];
		double size = naive_size(c, e);
		if (isnan(size))
			continue;
		/* group ng: one bar per machine, centred on ng + 1 */
		for (int i = 0; i < c->nm; i++) {
			double w = 0.8 / c->nm, x = ng + 1 - 0.4 + w * (i + 0.5);
			double sp = speedup_at(&c->m[i].r, e, size);
			/* the last column: the machine's colour as 0xRRGGBB (lc rgb variable) */
			fprintf(d, "%.10g %.10g %.10g %.10g %.10g %.10g %ld\n", x, sp, x - w * 0.45,
				x + w * 0.45, isfinite(sp) ? fmin(1, sp) : NAN,
				isfinite(sp) ? fmax(1, sp) : NAN, strtol(mcolor[i % NCOLOR] + 1, NULL, 16));
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
	write_machines(c, v);
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

typedef int (*cchart_fn)(cctx *, FILE *, FILE *);
static const cchart_fn cchart_fns[NCCHARTS] = {chart_hierarchy, chart_roofline, chart_perf,
					       chart_speedup};

static int draw_charts(cctx *c, int *drawn)
{
	tkp_gp g;
	char plots[PATH_MAX], who[600], when[64];
	int rc, nfiles = 0, nfail = 0;
	time_t now = time(NULL);

	*drawn = 0;
	strftime(when, sizeof when, "compared %Y-%m-%d %H:%M", localtime(&now));
	chart_who(c, who, sizeof who);
	if (tkp_path_join(plots, sizeof plots, c->out, "plots"))
		return tkp_cli_fail(c->cmd, "%s: path too long", c->out);
	if ((rc = tkp_gp_open(&g, c->cmd, plots)) == TKP_GP_ABSENT) {
		tkp_cli_warn(c->cmd, "gnuplot not found on PATH: charts not drawn (compare.csv is "
				     "written); install it (Debian: apt-get install gnuplot-nox) and "
				     "compare again into a new --out");
		return 0;
	}
	if (rc)
		return rc;
	rc = 0;
	for (size_t ci = 0; ci < NCCHARTS && !rc; ci++) {
		FILE *v, *d;
		int crc;
		if (tkp_gp_begin(&g, compare_charts[ci], who, when, "", &v, &d)) {
			nfail++;
			continue;
		}
		crc = cchart_fns[ci](c, v, d);
		rc = tkp_gp_finish(&g, compare_charts[ci], crc, v, d, c->fmts, &nfiles, &nfail);
	}
	tkp_gp_close(&g);
	*drawn = nfiles;
	if (!rc && !c->quiet)
		tkp_cli_note("tkprofile: %s: %d chart file%s in %s%s", c->cmd, nfiles,
			     nfiles == 1 ? "" : "s", plots, nfail ? " (some failed, see above)" : "");
	return rc ? rc : nfail ? TKP_EXIT_FAIL : 0;
}

/* ---- the report ------------------------------------------------------------ */

static const struct {
	const char *name, *title, *caption;
} ccaptions[NCCHARTS] = {
	{"compare_hierarchy", "Memory hierarchies",
	 "Load latency (top) and bandwidth (bottom) against working set, one colour per machine: "
	 "where each machine's steps fall are its cache sizes (ticks: measured)."},
	{"compare_roofline", "Rooflines",
	 "Every machine's compute peaks and L1/DRAM bandwidths in its colour, with its kernels' best "
	 "points per size (marker: kernel)."},
	{"compare_perf", "GFLOP/s per kernel",
	 "GFLOP/s against matrix size per kernel, one line per machine, at the sizes every machine "
	 "ran."},
	{"compare_speedup", "Speed-up over naive",
	 "Speed-up of each kernel over the naive kernel on each machine, at the largest size all "
	 "ran both at."},
};

static int write_report(cctx *c, const mlist *l, const char *command)
{
	tkp_doc d;
	char title[1024], buf[4096];
	int shown = 0;

	chart_who(c, buf, sizeof buf);
	tkp_fmt(title, sizeof title, "tkprofile compare: %s", buf);
	if (tkp_doc_open(&d, c->cmd, c->out, title))
		return tkp_cli_fail(c->cmd, "out of memory");
	tkp_doc_para(&d, "%d machines side by side; ratios are to " TKP_DOC_BOLD "%s" TKP_DOC_END
			 ", the first.  Nothing was re-run: every figure comes from the results "
			 "directories below.",
		     c->nm, c->m[0].label);

	tkp_doc_heading(&d, 2, "Machines");
	{
		static const char *const head[] = {"machine", "CPU", "cores", "measured", "results directory",
						   "tkprofile"};
		tkp_doc_table(&d, 6, head, "llrlll");
		for (int i = 0; i < c->nm; i++) {
			const tkp_results *r = &c->m[i].r;
			char cores[16], dir[PATH_MAX + 8];
			const char *cells[6];
			tkp_fmt(cores, sizeof cores, r->cores > 0 ? "%d" : "?", r->cores);
			tkp_fmt(dir, sizeof dir, TKP_DOC_CODE "%s" TKP_DOC_END, r->dir);
			cells[0] = c->m[i].label;
			cells[1] = r->cpu[0] ? r->cpu : "unknown";
			cells[2] = cores;
			cells[3] = r->when;
			cells[4] = dir;
			cells[5] = r->version[0] ? r->version : "?";
			tkp_doc_row(&d, cells);
		}
		tkp_doc_table_end(&d);
	}

	tkp_doc_heading(&d, 2, "Side by side");
	{
		const char **head = calloc((size_t)c->nm + 1, sizeof *head);
		const char **cells = calloc((size_t)c->nm + 1, sizeof *cells);
		char(*cb)[96] = calloc((size_t)c->nm + 1, sizeof *cb);
		char align[MAXM + 2];
		if (!head || !cells || !cb) {
			free(head);
			free(cells);
			free(cb);
			tkp_doc_free(&d);
			return tkp_cli_fail(c->cmd, "out of memory");
		}
		head[0] = "";
		for (int i = 0; i < c->nm; i++)
			head[i + 1] = c->m[i].label;
		memset(align, 'r', sizeof align);
		align[0] = 'l';
		align[c->nm + 1] = '\0';
		tkp_doc_table(&d, c->nm + 1, head, align);
		for (int i = 0; i <= c->nm; i++)
			cells[i] = cb[i];
		tkp_strlcpy(cb[0], "CPU", sizeof cb[0]);
		for (int i = 0; i < c->nm; i++)
			tkp_strlcpy(cb[i + 1], c->m[i].r.cpu[0] ? c->m[i].r.cpu : "?", sizeof cb[i + 1]);
		tkp_doc_row(&d, cells);
		for (int q = 0; q < l->n; q++) {
			const metric *m = &l->v[q];
			tkp_strlcpy(cb[0], m->name, sizeof cb[0]);
			for (int i = 0; i < c->nm; i++) {
				char v[64], ratio[32];
				fmt_metric(m, i, v, sizeof v);
				fmt_ratio(m, i, ratio, sizeof ratio);
				if (ratio[0])
					tkp_fmt(cb[i + 1], sizeof cb[i + 1], "%s (%s)", v, ratio);
				else
					tkp_strlcpy(cb[i + 1], v, sizeof cb[i + 1]);
			}
			tkp_doc_row(&d, cells);
		}
		tkp_doc_table_end(&d);
		free(head);
		free(cells);
		free(cb);
	}
	tkp_doc_para(&d, "Ratios in parentheses: the machine's value / %s's (for latency, lower is "
			 "better).  Bandwidths and peaks are the best over thread counts; best GFLOP/s "
			 "is over the sizes every machine ran (* where there is none: over all sizes).  "
			 "The same figures, one per row, are in " TKP_DOC_CODE "compare.csv" TKP_DOC_END ".",
		     c->m[0].label);

	tkp_doc_heading(&d, 2, "Charts");
	for (size_t i = 0; i < NCCHARTS; i++) {
		char rel[64];
		tkp_fmt(rel, sizeof rel, "plots/%s.png", ccaptions[i].name);
		tkp_doc_heading(&d, 3, "%s", ccaptions[i].title);
		shown += tkp_doc_image(&d, rel, ccaptions[i].title, ccaptions[i].caption,
				       "gnuplot was not available or the chart failed (see the messages "
				       "of tkprofile compare)");
	}

	tkp_doc_heading(&d, 2, "Each machine");
	for (int i = 0; i < c->nm; i++) {
		tkp_results *r = &c->m[i].r;
		tkp_doc_heading(&d, 3, "%s", c->m[i].label);
		tkp_doc_para(&d, TKP_DOC_BOLD "%s" TKP_DOC_END " · measured %s · results in " TKP_DOC_CODE
				 "%s" TKP_DOC_END " (its own report: report.html there)",
			     r->machine, r->when, r->dir);
		tkp_report_summary(&d, r, 4);
		tkp_doc_heading(&d, 4, "Ceilings");
		tkp_report_ceilings(&d, r);
	}

	tkp_doc_heading(&d, 2, "How to reproduce");
	tkp_doc_para(&d, "This comparison: " TKP_DOC_CODE "%s" TKP_DOC_END
			 " (the directories hold everything it reads; nothing is re-run).",
		     command);
	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		char path[PATH_MAX], q[PATH_MAX + 16];
		if (!tkp_path_join(path, sizeof path, r->dir, "plan.prof") && tkp_path_exists(path)) {
			tkp_shell_quote(q, sizeof q, path);
			if (c->m[i].command[0])
				tkp_doc_item(&d, "%s: measured with " TKP_DOC_CODE "%s" TKP_DOC_END
						 "; again with the same plan: " TKP_DOC_CODE
						 "tkprofile sweep --profile %s" TKP_DOC_END,
					     c->m[i].label, c->m[i].command, q);
			else
				tkp_doc_item(&d, "%s: again with the same plan: " TKP_DOC_CODE
						 "tkprofile sweep --profile %s" TKP_DOC_END,
					     c->m[i].label, q);
		} else {
			tkp_doc_item(&d, "%s: no plan.prof in %s (not made by tkprofile sweep)",
				     c->m[i].label, r->dir);
		}
	}
	tkp_doc_list_end(&d);
	{
		static const char *const head[] = {"machine", "tkprofile", "compiler", "flags", "OS"};
		tkp_doc_heading(&d, 3, "Versions");
		tkp_doc_table(&d, 5, head, "lllll");
		for (int i = 0; i < c->nm; i++) {
			const tkp_results *r = &c->m[i].r;
			const char *cells[5];
			cells[0] = c->m[i].label;
			cells[1] = r->version[0] ? r->version : "?";
			cells[2] = r->json && tkp_res_json_str(r->json, "compiler") ? tkp_res_json_str(r->json, "compiler") : "?";
			cells[3] = r->json && tkp_res_json_str(r->json, "cflags") ? tkp_res_json_str(r->json, "cflags") : "?";
			cells[4] = r->json && tkp_res_json_str(r->json, "os") ? tkp_res_json_str(r->json, "os") : "?";
			tkp_doc_row(&d, cells);
		}
		tkp_doc_table_end(&d);
		tkp_doc_para(&d, "Compared by tkprofile %s.", PACKAGE_VERSION);
	}
	(void)shown;
	return tkp_doc_commit(&d);
}

/* The sweep command recorded in a results directory's report.md. */
static void recorded_command(const char *dir, char *buf, size_t size)
{
	char path[PATH_MAX], *data = NULL, *p, *e;
	size_t len;
	static const char mark[] = "<!-- tkprofile-command: ";

	buf[0] = '\0';
	if (tkp_path_join(path, sizeof path, dir, "report.md") ||
	    tkp_read_file(path, 4 << 20, &data, &len))
		return;
	if ((p = strstr(data, mark)) && (e = strstr(p, " -->\n"))) {
		p += strlen(mark);
		tkp_fmt(buf, size, "%.*s", (int)(e - p), p);
	}
	free(data);
}

/* ---- the command ------------------------------------------------------------ */


/* What marks a directory as holding a comparison already. */
static const char *const compare_files[] = {"compare.csv", "compare.txt", "report.md", NULL};

int cmd_compare(int argc, char **argv)
{
	static cctx c;
	const char *dirs[MAXM], *out = NULL;
	char outbuf[PATH_MAX], command[8192];
	int nd = 0, opts = 1, allow_mixed = 0, rc = 0, drawn = 0;
	mlist l = {NULL, 0, 0};
	FILE *mem = NULL;
	char *table = NULL;
	size_t tlen = 0;

	memset(&c, 0, sizeof c);
	c.cmd = "compare";
	c.fmts = TKP_GP_PNG | TKP_GP_PDF;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
			c.quiet = 1;
		} else if (opts && !strcmp(a, "--allow-mixed")) {
			allow_mixed = 1;
		} else if (opts && (!strcmp(a, "-o") || !strcmp(a, "--out"))) {
			if (i + 1 >= argc)
				return tkp_cli_usage("compare", "option '%s' needs a value", a);
			out = argv[++i];
		} else if (opts && !strncmp(a, "--out=", 6)) {
			out = a + 6;
		} else if (opts && !strncmp(a, "--format=", 9)) {
			if ((rc = tkp_gp_parse_formats("compare", a + 9, &c.fmts)))
				return rc;
		} else if (opts && !strcmp(a, "--format")) {
			if (i + 1 >= argc)
				return tkp_cli_usage("compare", "option '--format' needs a value");
			if ((rc = tkp_gp_parse_formats("compare", argv[++i], &c.fmts)))
				return rc;
		} else if (opts && a[0] == '-' && a[1]) {
			return tkp_cli_usage("compare", "unknown option '%s' (see `tkprofile compare "
							"--help`)",
					     a);
		} else {
			if (nd == MAXM)
				return tkp_cli_usage("compare", "at most %d results directories", MAXM);
			dirs[nd++] = a;
		}
	}
	if (nd < 2)
		return tkp_cli_usage("compare", "expected two or more results directories: tkprofile "
						"compare DIR DIR... [--out DIR]");
	if (!out) {
		time_t now = time(NULL);
		char stamp[32];
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
		tkp_fmt(outbuf, sizeof outbuf, "compare-%s", stamp);
		out = outbuf;
	}
	if ((rc = tkp_cli_check_out("compare", out, compare_files, NULL, 0)))
		return rc;
	if (c.quiet)
		tkp_cli_quiet = 1;
	tkp_cli_catch_signals();
	tkp_shell_command(command, sizeof command, argc, argv);

	/* 1. read and check everything before writing anything */
	if (!(c.m = calloc((size_t)nd, sizeof *c.m)))
		return tkp_cli_fail("compare", "out of memory");
	for (int i = 0; i < nd; i++) {
		c.nm = i + 1;
		if ((rc = tkp_results_load("compare", dirs[i], &c.m[i].r)))
			goto done;
		recorded_command(c.m[i].r.dir, c.m[i].command, sizeof c.m[i].command);
	}
	if ((rc = check_compatible(&c, allow_mixed)))
		goto done;
	find_common(&c);
	if (!c.nkd && !c.all_hier && !c.all_ceil) {
		char msg[4096];
		size_t n = 0;
		for (int i = 0; i < c.nm && n + 8 < sizeof msg; i++) {
			char h[1024];
			holdings(&c.m[i].r, h, sizeof h);
			n += (size_t)snprintf(msg + n, sizeof msg - n, "\n  %s: %s", c.m[i].r.dir, h);
		}
		rc = tkp_cli_usage("compare", "nothing in common to compare: no kernel ran at the same "
					      "size and dtype on every machine, and not all have "
					      "hierarchy.csv or ceilings.csv:%s",
				   msg);
		goto done;
	}
	name_machines(&c);
	if ((rc = build_metrics(&c, &l))) {
		rc = tkp_cli_fail("compare", "%s", tkp_strerror(rc));
		goto done;
	}

	/* 2. the new directory and its files */
	if (tkp_strlcpy(c.out, out, sizeof c.out) >= sizeof c.out - 64) {
		rc = tkp_cli_usage("compare", "--out '%.40s...': path too long", out);
		goto done;
	}
	if ((rc = tkp_cli_make_out("compare", c.out)))
		goto done;
	if (!(mem = open_memstream(&table, &tlen))) {
		rc = tkp_cli_fail("compare", "out of memory");
		goto done;
	}
	write_table(&c, &l, mem);
	if (fclose(mem)) {
		mem = NULL;
		rc = tkp_cli_fail("compare", "out of memory");
		goto done;
	}
	mem = NULL;
	fputs(table, stdout);
	fflush(stdout);
	{
		char path[PATH_MAX];
		if (tkp_path_join(path, sizeof path, c.out, "compare.txt") ||
		    tkp_write_file(path, table, tlen)) {
			rc = tkp_cli_fail("compare", "%s: %s", path, strerror(errno));
			goto done;
		}
	}
	if ((rc = write_csv(&c, &l)))
		goto done;
	rc = draw_charts(&c, &drawn);
	if (rc == TKP_EXIT_INTR)
		goto done;
	{
		int rrc = write_report(&c, &l, command);
		if (rrc)
			rc = rrc;
	}
	if (!c.quiet)
		tkp_cli_note("tkprofile: compare: compare.csv, compare.txt and report.html in %s", c.out);
done:
	for (int i = 0; i < c.nm; i++)
		tkp_results_free(&c.m[i].r);
	free(c.m);
	free(l.v);
	free(table);
	return rc;
}
