/*
 * report_sections.c - the sections of a report (report.h): the machine,
 * its ceilings, the summary and by-size tables, how to reproduce.  A
 * results directory's report and a comparison's use the same ones.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bound.h"
#include "ceiling_flag.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "present.h"
#include "report.h"
#include "results.h"
#include "util.h"

static void row2(tkp_doc *d, const char *k, const char *v)
{
	const char *cells[2] = {k, v};

	tkp_doc_row(d, cells);
}

/* One row per cache of machine.json: sizes reported and measured (and how
 * far apart), line size, associativity, sharing. */
static void machine_caches(tkp_doc *d, json_t *j)
{
	json_t *caches = json_object_get(j, "caches");
	char buf[2048], a[64], b[64];

	if (json_is_array(caches)) {
		size_t i;
		json_t *e;
		json_array_foreach(caches, i, e) {
			const char *lv = tkp_res_json_str(e, "level");
			double rep = tkp_res_json_num(e, "reported_bytes"),
			       meas = tkp_res_json_num(e, "measured_bytes"),
			       line = tkp_res_json_num(e, "line_bytes"), assoc = tkp_res_json_num(e, "assoc"),
			       shared = tkp_res_json_num(e, "shared_by_cores");
			char key[64];
			size_t n;
			if (!lv)
				continue;
			if (rep > 0)
				tkp_gp_fmt_bytes(a, sizeof a, rep);
			if (meas > 0)
				tkp_gp_fmt_bytes(b, sizeof b, meas);
			tkp_fmt(buf, sizeof buf, "%s%s%s%s%s", rep > 0 ? a : "", rep > 0 ? " reported" : "",
				rep > 0 && meas > 0 ? ", " : "", meas > 0 ? b : "",
				meas > 0 ? " measured (latency knee)" : "");
			if (!(rep > 0) && !(meas > 0))
				tkp_strlcpy(buf, "size unknown", sizeof buf);
			n = strlen(buf);
			if (rep > 0 && meas > 0 && (rep / meas > 2 || meas / rep > 2))
				n += (size_t)snprintf(buf + n, sizeof buf - n,
						      " — %.0fx apart: a VM's made-up size, a cache "
						      "shared with other tenants or the TLB's reach can "
						      "each move the knee",
						      rep > meas ? rep / meas : meas / rep);
			if (line > 0)
				n += (size_t)snprintf(buf + n, sizeof buf - n, "; %.0f B lines", line);
			if (assoc > 0 && n < sizeof buf)
				n += (size_t)snprintf(buf + n, sizeof buf - n, ", %.0f-way", assoc);
			if (shared > 0 && n < sizeof buf)
				snprintf(buf + n, sizeof buf - n, ", shared by %.0f core%s", shared,
					 shared == 1 ? "" : "s");
			tkp_fmt(key, sizeof key, "%s cache", lv);
			row2(d, key, buf);
		}
	}
}

/* The ISA path the kernels use and the CPU's flags. */
static void machine_isa(tkp_doc *d, json_t *j)
{
	const char *path = tkp_res_json_str(j, "isa_path");
	json_t *isa, *e;
	char buf[2048];
	size_t n = 0, i;

	buf[0] = '\0';
	isa = json_object_get(j, "isa");
	if (json_is_array(isa))
		json_array_foreach(isa, i, e)
			if (json_is_string(e) && n + 2 < sizeof buf)
				n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? " " : "",
						      json_string_value(e));
	if (path) {
		char t[2300];
		tkp_fmt(t, sizeof t, "kernels use the %s path%s%s", path, buf[0] ? "; CPU flags: " : "",
			buf);
		row2(d, "ISA", t);
	} else if (buf[0]) {
		row2(d, "ISA", buf);
	}
}

/* The counters' status and library, and the probe that measured the
 * ceilings. */
static void machine_counters(tkp_doc *d, const tkp_results *r)
{
	json_t *j = r->json, *ctr, *probe;
	char buf[2048];

	ctr = json_object_get(j, "counters");
	if (r->status[0] || json_is_object(ctr)) {
		const char *pv = json_is_object(ctr) ? tkp_res_json_str(ctr, "papi_version") : NULL;
		if (!pv)
			pv = tkp_res_json_str(j, "papi_version");
		tkp_fmt(buf, sizeof buf, "%s%s%s",
			!r->counters_known ? "unknown" : r->counters_avail ? "available" : "not available",
			r->status[0] ? ": " : "", r->status);
		row2(d, "counters", buf);
		if (pv) {
			tkp_fmt(buf, sizeof buf, "PAPI %s", pv);
			row2(d, "counter library", buf);
		}
		if (r->check_line[0]) {
			tkp_fmt(buf, sizeof buf, "%s%s%s%s", r->check_line, r->check_off[0] ? "; left out of the "
											      "charts: " : "",
				r->check_off, r->check_off[0] ? " (cells kept in sweep.csv)" : "");
			row2(d, "counter check", buf);
		}
	}
	probe = json_object_get(j, "probe");
	if (json_is_object(probe)) {
		json_t *q = json_object_get(probe, "quick"), *re = json_object_get(probe, "reused");
		double secs = tkp_res_json_num(probe, "seconds");
		const char *pd = tkp_res_json_str(probe, "date");
		tkp_fmt(buf, sizeof buf, "%s probe", json_is_true(q) ? "quick" : "full");
		if (isfinite(secs))
			tkp_fmt(buf + strlen(buf), sizeof buf - strlen(buf), ", %.1f s", secs);
		if (pd)
			tkp_fmt(buf + strlen(buf), sizeof buf - strlen(buf), ", run %s", pd);
		if (json_is_true(re))
			tkp_fmt(buf + strlen(buf), sizeof buf - strlen(buf),
				" (reused: a recent probe of this host)");
		row2(d, "ceilings measured by", buf);
	}
}

void tkp_report_machine(tkp_doc *d, const tkp_results *r)
{
	static const char *const head[] = {"", "as described in machine.json"};
	json_t *j = r->json;
	char buf[2048];

	if (!j) {
		tkp_doc_para(d, "No machine.json in this results directory: the machine is not "
				"described.  " TKP_DOC_CODE "tkprofile machine --out DIR" TKP_DOC_END
				" writes it.");
		return;
	}
	tkp_doc_table(d, 2, head, "ll");
	tkp_fmt(buf, sizeof buf, "%s%s%s%s", r->cpu[0] ? r->cpu : "unknown",
		tkp_res_json_str(j, "vendor") ? " (" : "",
		tkp_res_json_str(j, "vendor") ? tkp_res_json_str(j, "vendor") : "",
		tkp_res_json_str(j, "vendor") ? ")" : "");
	row2(d, "CPU", buf);
	row2(d, "host", r->host[0] ? r->host : "unknown");
	{
		double tpc = tkp_res_json_num(j, "threads_per_core");
		if (r->cores > 0) {
			tkp_fmt(buf, sizeof buf, "%d core%s", r->cores, r->cores == 1 ? "" : "s");
			if (tpc >= 1)
				tkp_fmt(buf + strlen(buf), sizeof buf - strlen(buf), ", %.0f thread%s per core",
					tpc, tpc == 1 ? "" : "s");
			row2(d, "cores", buf);
		}
	}
	{
		double mem = tkp_res_json_num(j, "memory_bytes");
		if (mem > 0) {
			tkp_gp_fmt_bytes(buf, sizeof buf, mem);
			row2(d, "memory", buf);
		}
	}
	machine_caches(d, j);
	machine_isa(d, j);
	if (tkp_res_json_str(j, "os"))
		row2(d, "OS", tkp_res_json_str(j, "os"));
	if (tkp_res_json_str(j, "compiler")) {
		const char *fl = tkp_res_json_str(j, "cflags");
		tkp_fmt(buf, sizeof buf, "%s%s" TKP_DOC_CODE "%s" TKP_DOC_END, tkp_res_json_str(j, "compiler"),
			fl && *fl ? ", " : "", fl && *fl ? fl : "");
		if (!(fl && *fl))
			tkp_strlcpy(buf, tkp_res_json_str(j, "compiler"), sizeof buf);
		row2(d, "compiler", buf);
	}
	machine_counters(d, r);
	row2(d, "described", r->when);
	tkp_doc_table_end(d);
}

/* Thread counts of the usable ceilings (peak or memory), ascending. */
static int ceiling_threads(const tkp_results *r, int peak, int *out, int max)
{
	int n = 0;

	for (size_t i = 0; i < r->nceil; i++) {
		const tkp_res_ceil *c = &r->ceils[i];
		int j;
		if (c->peak != peak || !tkp_res_ceil_usable(r, c))
			continue;
		for (j = 0; j < n && out[j] != c->threads; j++)
			;
		if (j == n && n < max)
			out[n++] = c->threads;
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && out[j] < out[j - 1]; j--) {
			int t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

enum { MAXT = 8 };

/* A table of the ceilings: its header and one row's cells. */
typedef struct ctable {
	int th[MAXT], nt;
	char hdr[MAXT + 6][64], cell[MAXT + 6][96];
	const char *head[MAXT + 6], *cells[MAXT + 6];
	char align[MAXT + 8];
} ctable;

/* The best usable compute ceiling of dtype and ISA path at t threads, or NULL. */
static const tkp_res_ceil *best_at(const tkp_results *r, const tkp_res_ceil *c, int t)
{
	const tkp_res_ceil *best = NULL;

	for (size_t q = 0; q < r->nceil; q++) {
		const tkp_res_ceil *e = &r->ceils[q];
		if (e->peak && e->threads == t && !strcmp(e->dtype, c->dtype) && !strcmp(e->isa, c->isa) &&
		    tkp_res_ceil_usable(r, e) && (!best || e->value > best->value))
			best = e;
	}
	return best;
}

/* Compute: one row per dtype and ISA path, one column per thread count. */
static void ceilings_compute(tkp_doc *d, const tkp_results *r, ctable *t)
{
	const char *seen_dt[64], *seen_isa[64];
	int nseen = 0, nt = t->nt;

	tkp_strlcpy(t->hdr[0], "dtype", sizeof t->hdr[0]);
	tkp_strlcpy(t->hdr[1], "ISA path", sizeof t->hdr[1]);
	for (int j = 0; j < nt; j++)
		tkp_fmt(t->hdr[2 + j], sizeof t->hdr[2 + j], "%d thread%s", t->th[j],
			t->th[j] == 1 ? "" : "s");
	tkp_fmt(t->align, sizeof t->align, "ll%.*s", nt, "rrrrrrrr");
	tkp_doc_para(d, "Compute peaks (GFLOP/s) per dtype and ISA path, as measured by "
			TKP_DOC_CODE "tkprofile machine" TKP_DOC_END ":");
	tkp_doc_table(d, 2 + nt, t->head, t->align);
	for (size_t i = 0; i < r->nceil; i++) {
		const tkp_res_ceil *c = &r->ceils[i];
		int k;
		if (!c->peak || !tkp_res_ceil_usable(r, c))
			continue;
		for (k = 0; k < nseen; k++)
			if (!strcmp(seen_dt[k], c->dtype) && !strcmp(seen_isa[k], c->isa))
				break;
		if (k < nseen || nseen == 64)
			continue;
		seen_dt[nseen] = c->dtype;
		seen_isa[nseen++] = c->isa;
		tkp_strlcpy(t->cell[0], c->dtype, sizeof t->cell[0]);
		tkp_strlcpy(t->cell[1], c->isa, sizeof t->cell[1]);
		for (int j = 0; j < nt; j++) {
			const tkp_res_ceil *best = best_at(r, c, t->th[j]);
			char *cell = t->cell[2 + j];
			if (best) {
				tkp_gp_fmt_val(cell, sizeof t->cell[2 + j], best->value);
				if (!best->measured)
					tkp_strlcpy(cell + strlen(cell), " (reported)",
						    sizeof t->cell[2 + j] - strlen(cell));
			} else {
				tkp_strlcpy(cell, "-", sizeof t->cell[2 + j]);
			}
		}
		tkp_doc_row(d, t->cells);
	}
	tkp_doc_table_end(d);
}

/* Memory level lv's row: sizes, latency, bandwidth per thread count.
 * Returns whether any of it is known. */
static int memory_row(const tkp_results *r, ctable *t, int lv)
{
	double ns = tkp_res_level_latency(r, lv);
	int any = isfinite(ns);

	tkp_strlcpy(t->cell[0], tkp_res_level_name[lv], sizeof t->cell[0]);
	tkp_strlcpy(t->cell[1], "-", sizeof t->cell[1]);
	tkp_strlcpy(t->cell[2], "-", sizeof t->cell[2]);
	if (lv < 3 && isfinite(r->cache_meas[lv]))
		tkp_gp_fmt_bytes(t->cell[1], sizeof t->cell[1], r->cache_meas[lv]), any = 1;
	if (lv < 3 && isfinite(r->cache_rep[lv]))
		tkp_gp_fmt_bytes(t->cell[2], sizeof t->cell[2], r->cache_rep[lv]), any = 1;
	if (isfinite(ns))
		tkp_fmt(t->cell[3], sizeof t->cell[3], "%.3g ns", ns);
	else
		tkp_strlcpy(t->cell[3], "-", sizeof t->cell[3]);
	for (int j = 0; j < t->nt; j++) {
		double bw = tkp_res_level_bw(r, lv, t->th[j], NULL);
		if (isfinite(bw)) {
			tkp_gp_fmt_val(t->cell[4 + j], sizeof t->cell[4 + j], bw);
			any = 1;
		} else {
			tkp_strlcpy(t->cell[4 + j], "-", sizeof t->cell[4 + j]);
		}
	}
	return any;
}

/* Memory: one row per level. */
static void ceilings_memory(tkp_doc *d, const tkp_results *r, ctable *t)
{
	int any = t->nt > 0, nt = t->nt;

	for (int lv = 0; lv < 4 && !any; lv++)
		any = isfinite(tkp_res_level_latency(r, lv)) ||
		      (lv < 3 && isfinite(tkp_res_cache(r, lv, NULL)));
	if (!any)
		return;
	tkp_strlcpy(t->hdr[0], "level", sizeof t->hdr[0]);
	tkp_strlcpy(t->hdr[1], "size measured", sizeof t->hdr[1]);
	tkp_strlcpy(t->hdr[2], "size reported", sizeof t->hdr[2]);
	tkp_strlcpy(t->hdr[3], "latency", sizeof t->hdr[3]);
	for (int j = 0; j < nt; j++)
		tkp_fmt(t->hdr[4 + j], sizeof t->hdr[4 + j], "bandwidth, %d thread%s", t->th[j],
			t->th[j] == 1 ? "" : "s");
	tkp_fmt(t->align, sizeof t->align, "lrrr%.*s", nt, "rrrrrrrr");
	tkp_doc_para(d, "Memory levels: sizes where the latency curve steps (measured) and as the "
			"system reports them, load latency (pointer chase, 1 thread) and "
			"bandwidth (GB/s) per thread count:");
	tkp_doc_table(d, 4 + nt, t->head, t->align);
	for (int lv = 0; lv < 4; lv++)
		if (memory_row(r, t, lv))
			tkp_doc_row(d, t->cells);
	tkp_doc_table_end(d);
}

void tkp_report_ceilings(tkp_doc *d, const tkp_results *r)
{
	static ctable t;

	for (int i = 0; i < MAXT + 6; i++) {
		t.head[i] = t.hdr[i];
		t.cells[i] = t.cell[i];
	}
	if (!r->nceil)
		tkp_doc_para(d, "No ceilings were measured here (%s): " TKP_DOC_CODE
				"tkprofile machine --out DIR" TKP_DOC_END " measures them.",
			     r->ceil ? "ceilings.csv holds none" : "no ceilings.csv");
	t.nt = ceiling_threads(r, 1, t.th, MAXT);
	if (t.nt)
		ceilings_compute(d, r, &t);
	t.nt = ceiling_threads(r, 0, t.th, MAXT);
	ceilings_memory(d, r, &t);
}

/* Best GFLOP/s of kernel k, dtype dt at shape (m, n, k) over blocks and
 * threads, or 0. */
static double gflops_at(const tkp_results *r, int k, int dt, const tkp_res_row *shape)
{
	double best = 0;

	for (size_t i = 0; i < r->nrows; i++) {
		const tkp_res_row *w = &r->rows[i];
		if (w->kern == k && w->dt == dt && w->m == shape->m && w->n == shape->n &&
		    w->k == shape->k && w->gflops > best)
			best = w->gflops;
	}
	return best;
}

/* Orders shapes by FLOPs, then m, n, k. */
static int shape_cmp(const void *a, const void *b)
{
	const tkp_res_row *x = *(const tkp_res_row *const *)a, *y = *(const tkp_res_row *const *)b;

	if (x->flops != y->flops)
		return x->flops < y->flops ? -1 : 1;
	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* The distinct shapes dtype dt ran at, in FLOP order, into shapes;
 * returns their count. */
static size_t dtype_shapes(const tkp_results *r, int dt, const tkp_res_row **shapes)
{
	size_t ns = 0;

	for (size_t i = 0; i < r->nrows; i++) {
		const tkp_res_row *w = &r->rows[i];
		size_t j;
		if (w->dt != dt)
			continue;
		for (j = 0; j < ns; j++)
			if (shapes[j]->m == w->m && shapes[j]->n == w->n && shapes[j]->k == w->k)
				break;
		if (j == ns)
			shapes[ns++] = w;
	}
	qsort(shapes, ns, sizeof *shapes, shape_cmp);
	return ns;
}

enum { MAXCOLS = 12 };

/* The table of dtype dt: a column per shape (the first MAXCOLS), a row
 * per kernel that ran at one of them. */
static void by_size_table(tkp_doc *d, const tkp_results *r, int dt, const tkp_res_row **shapes,
			  size_t ns, int level)
{
	int order[TKP_RES_MAXNAMES];
	size_t shown = ns < MAXCOLS ? ns : MAXCOLS;
	char head_s[MAXCOLS + 1][48], align[MAXCOLS + 2];
	const char *head[MAXCOLS + 1];

	tkp_res_kernel_order(r, order);
	tkp_doc_heading(d, level, "%s", r->dtname[dt]);
	tkp_strlcpy(head_s[0], "kernel", sizeof head_s[0]);
	align[0] = 'l';
	for (size_t j = 0; j < shown; j++) {
		const tkp_res_row *w = shapes[j];
		if (w->m == w->n && w->n == w->k)
			tkp_fmt(head_s[j + 1], sizeof head_s[j + 1], "%zu", w->m);
		else
			tkp_fmt(head_s[j + 1], sizeof head_s[j + 1], "%zux%zux%zu", w->m, w->n, w->k);
		align[j + 1] = 'r';
	}
	align[shown + 1] = '\0';
	for (size_t j = 0; j <= shown; j++)
		head[j] = head_s[j];
	tkp_doc_table(d, (int)shown + 1, head, align);
	for (int ki = 0; ki < r->nk; ki++) {
		int k = order[ki], any = 0;
		char cell_s[MAXCOLS + 1][32];
		const char *cells[MAXCOLS + 1];
		tkp_strlcpy(cell_s[0], r->kname[k], sizeof cell_s[0]);
		for (size_t j = 0; j < shown; j++) {
			double g = gflops_at(r, k, dt, shapes[j]);
			if (g > 0) {
				tkp_fmt(cell_s[j + 1], sizeof cell_s[j + 1], "%.2f", g);
				any = 1;
			} else {
				tkp_strlcpy(cell_s[j + 1], "-", sizeof cell_s[j + 1]);
			}
		}
		for (size_t j = 0; j <= shown; j++)
			cells[j] = cell_s[j];
		if (any)
			tkp_doc_row(d, cells);
	}
	tkp_doc_table_end(d);
	if (shown < ns)
		tkp_doc_para(d, "The first %zu of %zu shapes; sweep.csv has every one.", shown, ns);
}

/* Rows that asked for several threads but kept about one busy (cpu_util
 * is per thread): a library or kernel that does not split a small
 * problem, or CPUs taken by other work. */
static void by_size_busy(tkp_doc *d, const tkp_results *r)
{
	char list[600];
	size_t n = 0;
	int nrows = 0;

	list[0] = '\0';
	for (size_t i = 0; i < r->nrows; i++) {
		const tkp_res_row *w = &r->rows[i];
		if (w->threads < 2 || !(w->cpu_util * w->threads < 1.2))
			continue;
		nrows++;
		if (n < sizeof list - 80)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s %s %zux%zux%zu on %d "
									 "threads (%.2f CPUs busy)",
					      n ? ", " : "", r->kname[w->kern], r->dtname[w->dt], w->m,
					      w->n, w->k, w->threads, w->cpu_util * w->threads);
	}
	if (nrows)
		tkp_doc_para(d, "%d row%s asked for several threads but kept about one CPU busy "
				"(cpu_util × threads below 1.2): %s%s.  The kernel or its library "
				"ran them on fewer threads (small problems are often not split), "
				"or other work held the CPUs.",
			     nrows, nrows == 1 ? "" : "s", list, n >= sizeof list - 80 ? ", ..." : "");
}

/* Per dtype, GFLOP/s of every kernel at every shape it ran (best over
 * blocks and threads): the numbers a write-up quotes, which the summary's
 * one best per kernel does not give. */
void tkp_report_by_size(tkp_doc *d, const tkp_results *r, int level)
{
	const tkp_res_row **shapes = malloc((r->nrows + 1) * sizeof *shapes);

	if (!shapes || !r->nrows) {
		free(shapes);
		return;
	}
	for (int dt = 0; dt < r->ndt; dt++) {
		size_t ns = dtype_shapes(r, dt, shapes);
		if (ns)
			by_size_table(d, r, dt, shapes, ns, level);
	}
	tkp_doc_para(d, "GFLOP/s, the best over block sizes and thread counts at each size (median "
			"time of its repetitions); \"-\": not run (a kernel's max_size, or not in the "
			"plan).");
	by_size_busy(d, r);
	free(shapes);
}


/* The rows to read with care: those another program disturbed (sweep.csv's
 * disturbed column, ten by name), and a kernel above its compute ceiling
 * (ceiling_flag.c), which says the ceiling is too low. */
static void report_flags(tkp_doc *d, const tkp_results *r)
{
	const tkp_csv *t = r->sweep;
	int cd = t ? tkp_csv_col(t, "disturbed") : -1, cr = t ? tkp_csv_col(t, "reps") : -1;
	char list[1024] = "";
	size_t n = 0, all = 0, at = 0;
	int c[5] = {-1, -1, -1, -1, -1};
	tkp_res_above a;
	static const char *const key[5] = {"kernel", "dtype", "m", "n", "threads"};

	for (int j = 0; t && j < 5; j++)
		if ((c[j] = tkp_csv_col(t, key[j])) < 0)
			cd = -1;

	for (size_t i = 0; cd >= 0 && cr >= 0 && i < t->nrows; i++) {
		double dist, reps;
		if (tkp_csv_num(t, i, cd, &dist) || tkp_csv_num(t, i, cr, &reps) || !(dist > 0))
			continue;
		all += dist >= reps;
		if (n++ < 10 && at < sizeof list)
			at += (size_t)snprintf(list + at, sizeof list - at, "%s%s %s %sx%s t%s (%s%.0f of %.0f)",
					       n > 1 ? "; " : "", t->rows[i][c[0]], t->rows[i][c[1]],
					       t->rows[i][c[2]], t->rows[i][c[3]], t->rows[i][c[4]],
					       dist >= reps ? "all, " : "", dist, reps);
	}
	if (n)
		tkp_doc_para(d, "Disturbed by another program (its threads lost over 5%% of their CPU "
				"time; those repetitions are left out of the times unless all were): %zu "
				"row%s: %s%s.%s", n, n == 1 ? "" : "s", list, n > 10 ? "; ..." : "",
			     all ? "  Rows disturbed in every repetition have figures too slow: measure "
				   "them again on a quieter machine." : "");
	if (tkp_res_above_peak(r, -1, &a))
		tkp_doc_para(d, "CEILING TOO LOW: %s %s reached %.1f GFLOP/s, %.0f%% of the %s %s "
				"%d-thread peak (%.1f GFLOP/s).  No kernel outruns the machine: that peak "
				"was measured low (a disturbed or quick probe; the sweep measures a ceiling "
				"a kernel passes once more).  Re-measure it with tkprofile machine "
				"--reprobe on a quiet machine.",
			     r->kname[a.row->kern], r->dtname[a.row->dt], a.row->gflops, 100 * a.ratio,
			     a.peak->dtype, a.peak->isa, a.peak->threads, a.peak->value);
}

void tkp_report_summary(tkp_doc *d, const tkp_results *r, int level)
{
	int order[TKP_RES_MAXNAMES], naive = tkp_res_kernel_index(r, "naive");

	if (!r->nrows) {
		tkp_doc_para(d, "%s", !r->sweep ? "No sweep.csv: no kernels were measured here."
					       : "sweep.csv has no rows that ran and passed verification.");
		return;
	}
	tkp_res_kernel_order(r, order);
	for (int dt = 0; dt < r->ndt; dt++) {
		const tkp_res_row *ref = NULL;
		char refs[64] = "", hsp[96];
		const char *head[5] = {"kernel", "best GFLOP/s", "at (size, block, threads)", "of peak", hsp};
		/* the largest shape naive ran (by FLOPs): speed-ups are measured there */
		for (size_t i = 0; naive >= 0 && i < r->nrows; i++)
			if (r->rows[i].kern == naive && r->rows[i].dt == dt &&
			    (!ref || r->rows[i].flops > ref->flops))
				ref = &r->rows[i];
		if (ref)
			tkp_fmt(refs, sizeof refs, "%zux%zux%zu", ref->m, ref->n, ref->k);
		tkp_fmt(hsp, sizeof hsp, ref ? "speed-up over naive at %s" : "speed-up (naive not run)", refs);
		tkp_doc_heading(d, level, "%s", r->dtname[dt]);
		tkp_doc_table(d, 5, head, "lrlrr");
		for (int ki = 0; ki < r->nk; ki++) {
			int k = order[ki];
			const tkp_res_row *best = NULL;
			const tkp_res_ceil *pk;
			char g[32], at[96], pct[32] = "-", sp[32] = "-";
			const char *cells[5];
			for (size_t i = 0; i < r->nrows; i++)
				if (r->rows[i].kern == k && r->rows[i].dt == dt &&
				    (!best || r->rows[i].gflops > best->gflops))
					best = &r->rows[i];
			if (!best)
				continue;
			tkp_fmt(g, sizeof g, "%.2f", best->gflops);
			tkp_fmt(at, sizeof at, "%zux%zux%zu", best->m, best->n, best->k);
			if (best->block > 0)
				tkp_fmt(at + strlen(at), sizeof at - strlen(at), ", b%d", best->block);
			tkp_fmt(at + strlen(at), sizeof at - strlen(at), ", %d thread%s", best->threads,
				best->threads == 1 ? "" : "s");
			pk = tkp_res_best_peak(r, r->dtname[dt], tkp_res_ceil_threads(r, best->threads));
			if (pk && pk->value > 0)
				tkp_fmt(pct, sizeof pct, "%.0f%%%s", 100.0 * best->gflops / pk->value,
					best->gflops > pk->value ? " (ceiling too low)" : "");
			if (ref) {
				double gk = gflops_at(r, k, dt, ref), gn = gflops_at(r, naive, dt, ref);
				if (gk > 0 && gn > 0)
					tkp_fmt(sp, sizeof sp, "%.1fx", gk / gn);
			}
			cells[0] = r->kname[k];
			cells[1] = g;
			cells[2] = at;
			cells[3] = pct;
			cells[4] = sp;
			tkp_doc_row(d, cells);
		}
		tkp_doc_table_end(d);
	}
	{
		char buf[256] = "", ctr[400] = "";
		size_t nrows = r->sweep ? r->sweep->nrows : 0;
		if (r->unverified)
			tkp_fmt(buf, sizeof buf, "  %zu row%s FAILED verification and %s left out.",
				r->unverified, r->unverified == 1 ? "" : "s",
				r->unverified == 1 ? "is" : "are");
		if (nrows && !r->nsrc)
			tkp_fmt(ctr, sizeof ctr, "  No row has counters (counter_source=none): cycles, "
						 "instructions, l1_dcm, l2_dcm, l3_tcm, fp_ops and ai_dram "
						 "are empty throughout; the machine's counters row below "
						 "says why.");
		tkp_doc_para(d, "%zu row%s in sweep.csv.  \"best GFLOP/s\" is each kernel's best over "
				"every size, block and thread count it ran; the speed-up compares the "
				"kernels at the one size in its column's header, so the two columns can be "
				"at different sizes.  \"of peak\" is against the compute ceiling of the "
				"same dtype at the thread count of the best run.%s%s",
			     nrows, nrows == 1 ? "" : "s", buf, ctr);
	}
	report_flags(d, r);
}

/* One row of the bounds table and its sentence into items; returns 1 when
 * the kernel could be judged. */
static int bounds_row(tkp_doc *d, const tkp_results *r, int k, int dt, char (*items)[600])
{
	tkp_bound b;
	const tkp_res_row *w;
	char at[64], roof[32], pct[32], from[160];
	const char *cells[7];

	if (tkp_bound_judge(r, k, dt, &b))
		return 0;
	tkp_fmt(from, sizeof from, "%s", b.source);
	w = &r->rows[b.row];
	tkp_fmt(at, sizeof at, "%zux%zux%zu", w->m, w->n, w->k);
	tkp_fmt(roof, sizeof roof, "%.3g", b.roof_gflops);
	tkp_fmt(pct, sizeof pct, b.pct >= 10 ? "%.0f%%" : "%.2g%%", b.pct);
	cells[0] = r->kname[k];
	cells[1] = r->dtname[dt];
	cells[2] = at;
	cells[3] = tkp_bound_name(b.roof);
	cells[4] = roof;
	cells[5] = pct;
	if (!b.model && b.counts_row != b.row) { /* counted at a smaller size */
		const tkp_res_row *cr = &r->rows[b.counts_row];
		tkp_fmt(from, sizeof from, "%s (at %zux%zux%zu)", b.source, cr->m, cr->n, cr->k);
	}
	cells[6] = b.model ? "model (no counts)" : from;
	tkp_doc_row(d, cells);
	tkp_bound_sentence(r, k, dt, &b, *items, sizeof *items);
	return 1;
}

void tkp_report_bounds(tkp_doc *d, const tkp_results *r)
{
	static const char *const head[] = {"kernel", "dtype",	"at",	    "bound",
					   "roof GFLOP/s", "reached", "intensities from"};
	static char items[TKP_RES_MAXNAMES * 2][600];
	int order[TKP_RES_MAXNAMES], n = 0;

	if (!r->nrows || !r->nceil)
		return;
	tkp_doc_heading(d, 2, "What bounds each kernel");
	tkp_res_kernel_order(r, order);
	tkp_doc_table(d, 7, head, "lllllrl");
	for (int ki = 0; ki < r->nk; ki++)
		for (int dt = 0; dt < r->ndt && n < TKP_RES_MAXNAMES * 2; dt++)
			n += bounds_row(d, r, order[ki], dt, &items[n]);
	tkp_doc_table_end(d);
	for (int i = 0; i < n; i++)
		tkp_doc_item(d, "%s", items[i]);
	tkp_doc_list_end(d);
	tkp_doc_para(d, "Each kernel at its largest size (its fastest configuration with counts "
			"there; a size beyond the simulated ones by the intensities of the largest "
			"counted size, as the roofline draws it): a memory level allows at most its bandwidth × the kernel's intensity "
			"across it (FLOP per byte of L1 misses for L2, of L2 misses for L3, of L3 "
			"misses for DRAM); the compute peak allows its own figure; the lowest roof is "
			"the bound, the one the roofline chart shows the kernel meeting first.  L1 "
			"traffic is not counted, so the L1 roof is not judged; without counts only the "
			"model's compulsory traffic against DRAM is.");
}

/* User kernels (--kernel-file): how each was built, from kernels/kernels.txt,
 * and the configurations that crashed or hung (kernels/failed.csv). */
static void user_kernels(tkp_doc *d, const tkp_results *r, int level)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;

	if (!tkp_path_join(path, sizeof path, r->dir, "kernels/kernels.txt") &&
	    !tkp_read_file(path, 1 << 20, &text, &len)) {
		tkp_doc_heading(d, level, "Your kernels (kernels/kernels.txt)");
		tkp_doc_para(d, "Kernels given with " TKP_DOC_CODE "--kernel-file" TKP_DOC_END
				": the file, the compiler, its version and the flags each was built with; "
				"copies of the files are in kernels/.");
		tkp_doc_pre(d, text);
	}
	free(text);
	text = NULL;
	if (!tkp_path_join(path, sizeof path, r->dir, "kernels/failed.csv") &&
	    !tkp_read_file(path, 1 << 20, &text, &len)) {
		tkp_doc_heading(d, level, "Configurations that failed (kernels/failed.csv)");
		tkp_doc_para(d, "These crashed or ran past their time limit and have no row in sweep.csv; "
				TKP_DOC_CODE "--resume" TKP_DOC_END " skips them unless given "
				TKP_DOC_CODE "--retry-failed" TKP_DOC_END ".");
		tkp_doc_pre(d, text);
	}
	free(text);
}

void tkp_report_reproduce(tkp_doc *d, const tkp_results *r, const char *command, int level)
{
	static const char *const head[] = {"component", "version"};
	char path[PATH_MAX], q[PATH_MAX + 16];
	char *plan = NULL;
	size_t len = 0;
	int have_plan;

	tkp_shell_quote(q, sizeof q, r->dir);
	have_plan = !tkp_path_join(path, sizeof path, r->dir, "plan.prof") &&
		    !tkp_read_file(path, 1 << 20, &plan, &len);
	if (command && *command)
		tkp_doc_para(d, "Measured with " TKP_DOC_CODE "%s" TKP_DOC_END ".", command);
	if (have_plan) {
		char pq[PATH_MAX + 16];
		tkp_shell_quote(pq, sizeof pq, path);
		tkp_doc_para(d, "To measure again with exactly this plan (the profile with every option "
				"applied, saved as plan.prof): " TKP_DOC_CODE
				"tkprofile sweep --profile %s --out NEW_DIR" TKP_DOC_END
				"; then compare the two with " TKP_DOC_CODE "tkprofile compare %s NEW_DIR" TKP_DOC_END ".",
			     pq, q);
	}
	tkp_doc_para(d, "To redraw the charts: " TKP_DOC_CODE "tkprofile plot %s" TKP_DOC_END
			"; to rewrite this report: " TKP_DOC_CODE "tkprofile report %s" TKP_DOC_END ".",
		     q, q);
	if (have_plan) {
		tkp_doc_heading(d, level, "plan.prof");
		tkp_doc_pre(d, plan);
	}
	free(plan);
	user_kernels(d, r, level);
	tkp_doc_heading(d, level, "Versions");
	tkp_doc_table(d, 2, head, "ll");
	row2(d, "tkprofile that measured", r->version[0] ? r->version : "unknown (no machine.json)");
	row2(d, "tkprofile that wrote this report", PACKAGE_VERSION);
	if (r->json) {
		json_t *ctr = json_object_get(r->json, "counters");
		const char *pv = json_is_object(ctr) ? tkp_res_json_str(ctr, "papi_version") : NULL;
		if (tkp_res_json_str(r->json, "compiler"))
			row2(d, "compiler", tkp_res_json_str(r->json, "compiler"));
		if (tkp_res_json_str(r->json, "cflags"))
			row2(d, "compiler flags", tkp_res_json_str(r->json, "cflags"));
		if (tkp_res_json_str(r->json, "os"))
			row2(d, "operating system", tkp_res_json_str(r->json, "os"));
		if (pv)
			row2(d, "PAPI", pv);
		if (r->schema)
			tkp_fmt(q, sizeof q, "%d", r->schema), row2(d, "machine.json schema", q);
	}
	tkp_doc_table_end(d);
}
