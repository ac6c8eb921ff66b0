/*
 * compare_metrics.c - the metrics of a comparison (tkp_cmp_metrics): one
 * line of the table, and rows of compare.csv, per quantity, a value per
 * machine: cache sizes, bandwidth and latency per level, peaks, best
 * GFLOP/s per kernel, speed-ups over naive.  Derived here once, written by
 * compare_table.c and compare_report.c alike.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "gnuplot.h"
#include "results.h"
#include "util.h"

static tkp_cmp_metric *add_metric(tkp_cmp_mlist *l)
{
	tkp_cmp_metric *m;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 32;
		tkp_cmp_metric *v = realloc(l->v, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	m = &l->v[l->n++];
	memset(m, 0, sizeof *m);
	m->size = NAN;
	for (int i = 0; i < TKP_CMP_MAXM; i++) {
		m->v[i] = NAN;
		m->at[i] = NAN;
	}
	return m;
}

/* A metric named name (and the rest) when any machine has it (any), else
 * none: *out is NULL.  Returns TKP_ENOMEM, else 0. */
static int new_metric(tkp_cmp_mlist *l, int any, tkp_cmp_metric **out, const char *metric,
		      const char *unit, int kind)
{
	*out = NULL;
	if (!any)
		return 0;
	if (!(*out = add_metric(l)))
		return TKP_ENOMEM;
	(*out)->metric = metric;
	(*out)->unit = unit;
	(*out)->kind = kind;
	return 0;
}

static const char *const cache_name[3] = {"L1d", "L2", "L3"};

/* Cache sizes (measured), bandwidths and latencies per level. */
static int level_metrics(const tkp_cmp *c, tkp_cmp_mlist *l)
{
	tkp_cmp_metric *m;
	int any;

	for (int lv = 0; lv < 3; lv++) {
		any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= isfinite(c->m[i].r.cache_meas[lv]);
		if (new_metric(l, any, &m, "cache_bytes", "bytes", 1))
			return TKP_ENOMEM;
		if (!m)
			continue;
		tkp_fmt(m->name, sizeof m->name, "%s size (measured)", cache_name[lv]);
		m->level = cache_name[lv];
		for (int i = 0; i < c->nm; i++)
			m->v[i] = c->m[i].r.cache_meas[lv];
	}
	for (int lv = 0; lv < 4; lv++) {
		any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= isfinite(tkp_res_level_bw(&c->m[i].r, lv, 0, NULL));
		if (new_metric(l, any, &m, "bandwidth", "GB/s", 0))
			return TKP_ENOMEM;
		if (!m)
			continue;
		tkp_fmt(m->name, sizeof m->name, "%s bandwidth, GB/s", tkp_res_level_name[lv]);
		m->level = tkp_res_level_name[lv];
		for (int i = 0; i < c->nm; i++)
			m->v[i] = tkp_res_level_bw(&c->m[i].r, lv, 0, &m->threads[i]);
	}
	for (int lv = 0; lv < 4; lv++) {
		any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= isfinite(tkp_res_level_latency(&c->m[i].r, lv));
		if (new_metric(l, any, &m, "latency", "ns", 3))
			return TKP_ENOMEM;
		if (!m)
			continue;
		tkp_fmt(m->name, sizeof m->name, "%s latency, ns", tkp_res_level_name[lv]);
		m->level = tkp_res_level_name[lv];
		for (int i = 0; i < c->nm; i++) {
			m->v[i] = tkp_res_level_latency(&c->m[i].r, lv);
			m->threads[i] = isfinite(m->v[i]) ? 1 : 0;
		}
	}
	return 0;
}

/* The compute peak per dtype, the best over thread counts. */
static int peak_metrics(const tkp_cmp *c, tkp_cmp_mlist *l)
{
	static const char *const dts[2] = {"f64", "f32"};
	tkp_cmp_metric *m;

	for (int d = 0; d < 2; d++) {
		int any = 0;
		for (int i = 0; i < c->nm; i++)
			any |= tkp_res_best_peak(&c->m[i].r, dts[d], 0) != NULL;
		if (new_metric(l, any, &m, "peak", "GFLOP/s", 0))
			return TKP_ENOMEM;
		if (!m)
			continue;
		tkp_fmt(m->name, sizeof m->name, "peak %s, GFLOP/s", dts[d]);
		m->dtype = dts[d];
		for (int i = 0; i < c->nm; i++) {
			const tkp_res_ceil *p = tkp_res_best_peak(&c->m[i].r, dts[d], 0);
			if (p) {
				m->v[i] = p->value;
				m->threads[i] = p->threads;
				tkp_strlcpy(m->isas[i], p->isa, sizeof m->isas[i]);
			}
		}
	}
	return 0;
}

/* Every (kernel, dtype) any machine ran, in ladder order, f64 before f32
 * (stable); returns their count. */
static int all_kernels(const tkp_cmp *c, const char **kn, const char **dn, int max)
{
	int rank[TKP_CMP_MAXK * 2], n = 0;

	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		for (int k = 0; k < r->nk; k++)
			for (int dt = 0; dt < r->ndt; dt++) {
				int j;
				double one;
				if (tkp_cmp_sizes_of(r, r->kname[k], r->dtname[dt], &one, 1) == 0)
					continue; /* not run in this dtype */
				for (j = 0; j < n; j++)
					if (!strcmp(kn[j], r->kname[k]) && !strcmp(dn[j], r->dtname[dt]))
						break;
				if (j < n || n == max)
					continue;
				kn[n] = r->kname[k];
				dn[n] = r->dtname[dt];
				rank[n++] = tkp_res_ladder_rank(r->kname[k]);
			}
	}
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
	return n;
}

/* Best GFLOP/s of kernel/dtype on machine i into m: over the sizes every
 * machine ran (common), or over all its sizes. */
static void best_on(const tkp_cmp *c, int i, const tkp_cmp_kd *common, const char *kernel,
		    const char *dtype, tkp_cmp_metric *m)
{
	const tkp_results *r = &c->m[i].r;
	double sz[64];
	int ns = common ? common->nsizes : tkp_cmp_sizes_of(r, kernel, dtype, sz, 64);

	for (int x = 0; x < ns; x++) {
		const tkp_res_row *row = NULL;
		double size = common ? common->sizes[x] : sz[x];
		double g = tkp_cmp_gflops_at(r, kernel, dtype, size, &row);
		if (isfinite(g) && (isnan(m->v[i]) || g > m->v[i])) {
			m->v[i] = g;
			m->at[i] = size;
			m->threads[i] = row ? row->threads : 0;
		}
	}
}

/* Best GFLOP/s per kernel (any machine's): over the sizes every machine
 * ran, or over all sizes for kernels that have none in common (marked *). */
static int best_metrics(const tkp_cmp *c, tkp_cmp_mlist *l)
{
	const char *kn[TKP_CMP_MAXK * 2], *dn[TKP_CMP_MAXK * 2];
	int n = all_kernels(c, kn, dn, TKP_CMP_MAXK * 2);
	tkp_cmp_metric *m;

	for (int q = 0; q < n; q++) {
		const tkp_cmp_kd *common = NULL;
		for (int e = 0; e < c->nkd; e++)
			if (!strcmp(c->kds[e].kernel, kn[q]) && !strcmp(c->kds[e].dtype, dn[q]))
				common = &c->kds[e];
		if (new_metric(l, 1, &m, "best_gflops", "GFLOP/s", 0))
			return TKP_ENOMEM;
		tkp_fmt(m->name, sizeof m->name, "best %s %s, GFLOP/s%s", kn[q], dn[q],
			common ? "" : " *");
		m->kernel = kn[q];
		m->dtype = dn[q];
		for (int i = 0; i < c->nm; i++)
			best_on(c, i, common, kn[q], dn[q], m);
	}
	return 0;
}

/* Speed-up over naive at the largest size all ran both at. */
static int speedup_metrics(const tkp_cmp *c, tkp_cmp_mlist *l)
{
	tkp_cmp_metric *m;

	for (int q = 0; q < c->nkd; q++) {
		const tkp_cmp_kd *e = &c->kds[q];
		double size = tkp_cmp_naive_size(c, e);
		if (isnan(size))
			continue;
		if (new_metric(l, 1, &m, "speedup", "x", 2))
			return TKP_ENOMEM;
		tkp_fmt(m->name, sizeof m->name, "speed-up %s %s at n=%g", e->kernel, e->dtype, size);
		m->kernel = e->kernel;
		m->dtype = e->dtype;
		m->size = size;
		for (int i = 0; i < c->nm; i++)
			m->v[i] = tkp_cmp_speedup_at(&c->m[i].r, e, size);
	}
	return 0;
}

int tkp_cmp_metrics(const tkp_cmp *c, tkp_cmp_mlist *l)
{
	int rc;

	if ((rc = level_metrics(c, l)) || (rc = peak_metrics(c, l)) || (rc = best_metrics(c, l)) ||
	    (rc = speedup_metrics(c, l)))
		return rc;
	return 0;
}

void tkp_cmp_fmt_metric(const tkp_cmp_metric *m, int i, char *buf, size_t size)
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

void tkp_cmp_fmt_ratio(const tkp_cmp_metric *m, int i, char *buf, size_t size)
{
	buf[0] = '\0';
	if (i == 0)
		return;
	if (!isfinite(m->v[i]) || !isfinite(m->v[0]) || m->v[0] == 0)
		tkp_strlcpy(buf, "", size);
	else
		tkp_fmt(buf, size, "%.2fx", m->v[i] / m->v[0]);
}

void tkp_cmp_fmt_cell(const tkp_cmp_metric *m, int i, char *buf, size_t size)
{
	char v[64], ratio[32];

	tkp_cmp_fmt_metric(m, i, v, sizeof v);
	tkp_cmp_fmt_ratio(m, i, ratio, sizeof ratio);
	if (ratio[0])
		tkp_fmt(buf, size, "%s (%s)", v, ratio);
	else
		tkp_strlcpy(buf, v, size);
}
