/*
 * compare.c - `tkprofile compare`'s run (tkp_present_compare): two or more
 * results directories read (any machines, any dates; nothing is re-run),
 * each validated as `tkprofile plot` does, and checked comparable: the
 * same directory is not given twice, machine.json schemas agree, the CSV
 * files have the same columns and were written by the same tkprofile
 * version (allow_mixed accepts differences), and the machines have
 * something in common (a kernel run at the same size, a memory-hierarchy
 * probe, or ceilings).  Then it writes into a new directory (never over
 * results): compare.txt (also printed), compare.csv, the overlay charts of
 * the registry and the report.  compare.h says which file does what.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "charts.h"
#include "compare.h"
#include "csv.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "present.h"
#include "results.h"
#include "util.h"

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

static int check_compatible(const tkp_cmp *c, int allow_mixed)
{
	const tkp_cmp_machine *a = &c->m[0];

	for (int i = 0; i < c->nm; i++)
		for (int j = 0; j < i; j++) {
			char pi[PATH_MAX], pj[PATH_MAX];
			if (realpath(c->m[i].r.dir, pi) && realpath(c->m[j].r.dir, pj) && !strcmp(pi, pj))
				return tkp_pr_usage(c->cmd, "'%s' and '%s' are the same results directory",
						     c->m[j].r.dir, c->m[i].r.dir);
		}
	for (int i = 1; i < c->nm; i++) {
		const tkp_cmp_machine *b = &c->m[i];
		const char *files[3] = {"sweep.csv", "ceilings.csv", "hierarchy.csv"};
		const tkp_csv *ta[3] = {a->r.sweep, a->r.ceil, a->r.hier};
		const tkp_csv *tb[3] = {b->r.sweep, b->r.ceil, b->r.hier};
		if (a->r.schema && b->r.schema && a->r.schema != b->r.schema)
			return tkp_pr_usage(c->cmd, "machine.json schemas differ: %s/machine.json has "
						     "schema %d, %s/machine.json schema %d; compare results "
						     "of one schema (re-run the older sweep)",
					     a->r.dir, a->r.schema, b->r.dir, b->r.schema);
		if (!allow_mixed && a->r.version[0] && b->r.version[0] &&
		    strcmp(a->r.version, b->r.version))
			return tkp_pr_usage(c->cmd, "results written by different tkprofile versions: %s "
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
				return tkp_pr_usage(c->cmd, "%s schemas differ: %s/%s %s (written by different "
							     "tkprofile versions?); --allow-mixed uses the "
							     "columns both have",
						     files[f], b->r.dir, files[f], what);
			}
		}
	}
	return 0;
}

int tkp_cmp_sizes_of(const tkp_results *r, const char *kernel, const char *dtype, double *out,
		     int max)
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
double tkp_cmp_gflops_at(const tkp_results *r, const char *kernel, const char *dtype, double size,
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
double tkp_cmp_naive_size(const tkp_cmp *c, const tkp_cmp_kd *e)
{
	const tkp_cmp_kd *nv = NULL;
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
double tkp_cmp_speedup_at(const tkp_results *r, const tkp_cmp_kd *e, double size)
{
	double gk = tkp_cmp_gflops_at(r, e->kernel, e->dtype, size, NULL),
	       gn = tkp_cmp_gflops_at(r, "naive", e->dtype, size, NULL);

	return gk > 0 && gn > 0 ? gk / gn : NAN;
}

static int kd_cmp(const void *a, const void *b)
{
	const tkp_cmp_kd *p = a, *q = b;
	int d = strcmp(p->dtype, q->dtype);

	if (p->rank != q->rank)
		return p->rank - q->rank;
	if (d)
		return -d; /* f64 before f32 */
	return strcmp(p->kernel, q->kernel);
}

/* Finds what every machine has: (kernel, dtype) pairs and their common
 * sizes, hierarchy, ceilings. */
static void find_common(tkp_cmp *c)
{
	const tkp_results *a = &c->m[0].r;

	c->nkd = 0;
	for (int k = 0; k < a->nk; k++)
		for (int dt = 0; dt < a->ndt && c->nkd < (int)(sizeof c->kds / sizeof c->kds[0]); dt++) {
			tkp_cmp_kd *e = &c->kds[c->nkd];
			double s[64];
			e->kernel = a->kname[k];
			e->dtype = a->dtname[dt];
			e->rank = tkp_res_ladder_rank(e->kernel);
			e->nsizes = tkp_cmp_sizes_of(a, e->kernel, e->dtype, e->sizes, 64);
			for (int i = 1; i < c->nm && e->nsizes; i++) {
				int n = tkp_cmp_sizes_of(&c->m[i].r, e->kernel, e->dtype, s, 64), w = 0;
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
static void name_machines(tkp_cmp *c)
{
	for (int i = 0; i < c->nm; i++) {
		tkp_cmp_machine *m = &c->m[i];
		tkp_strlcpy(m->label, m->r.host[0] ? m->r.host : m->r.resname, sizeof m->label);
	}
	for (int pass = 0; pass < 4; pass++) {
		int dup[TKP_CMP_MAXM] = {0}, any = 0;
		for (int i = 0; i < c->nm; i++)
			for (int j = 0; j < c->nm; j++)
				if (i != j && !strcmp(c->m[i].label, c->m[j].label))
					dup[i] = any = 1;
		if (!any)
			break;
		for (int i = 0; i < c->nm; i++) {
			tkp_cmp_machine *m = &c->m[i];
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

/* ---- for the outputs ------------------------------------------------------- */

void tkp_cmp_gp_machines(const tkp_cmp *c, FILE *v)
{
	fprintf(v, "nm = %d\narray mname[%d]\narray mcolor[%d]\n", c->nm, c->nm, c->nm);
	for (int i = 0; i < c->nm; i++) {
		fprintf(v, "mname[%d] = ", i + 1);
		tkp_gp_str(v, c->m[i].label, 120);
		fprintf(v, "; mcolor[%d] = '%s'\n", i + 1, tkp_chart_machine_color(i));
	}
}

/* The charts' footer: what is compared. */
void tkp_cmp_who(const tkp_cmp *c, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->nm && n + 4 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " vs " : "", c->m[i].label);
}

/* The overlays of the registry, in their order, into c->out/plots. */
static int draw_charts(const tkp_cmp *c)
{
	tkp_gp g;
	char plots[PATH_MAX], who[600], when[64];
	int rc, nfiles = 0, nfail = 0;
	time_t now = time(NULL);

	strftime(when, sizeof when, "compared %Y-%m-%d %H:%M", localtime(&now));
	tkp_cmp_who(c, who, sizeof who);
	if (tkp_path_join(plots, sizeof plots, c->out, "plots"))
		return tkp_pr_fail(c->cmd, "%s: path too long", c->out);
	if ((rc = tkp_gp_open(&g, c->cmd, plots)) == TKP_GP_ABSENT) {
		tkp_pr_warn(c->cmd, "gnuplot not found on PATH: charts not drawn (compare.csv is "
				     "written); install it (Debian: apt-get install gnuplot-nox) and "
				     "compare again into a new --out");
		return 0;
	}
	if (rc)
		return rc;
	rc = 0;
	for (int rank = 1; tkp_chart_overlay_at(rank) && !rc; rank++) {
		const tkp_chart_def *ch = tkp_chart_overlay_at(rank);
		FILE *v, *d;
		if (tkp_gp_begin(&g, ch->overlay_name, who, when, "", &v, &d)) {
			nfail++;
			continue;
		}
		rc = tkp_gp_finish(&g, ch->overlay_name, ch->overlay(c, v, d), v, d, c->fmts, &nfiles,
				   &nfail);
	}
	tkp_gp_close(&g);
	if (!rc && !c->quiet)
		tkp_pr_note("tkprofile: %s: %d chart file%s in %s%s", c->cmd, nfiles,
			     nfiles == 1 ? "" : "s", plots, nfail ? " (some failed, see above)" : "");
	return rc ? rc : nfail ? TKP_PR_FAIL : 0;
}

/* ---- the run -------------------------------------------------------------------- */

/* Reads every directory, checks they can be compared and finds what they
 * share.  Prints why not and returns an exit code. */
static int load_all(tkp_cmp *c, const tkp_present_cmp_opts *o)
{
	int rc;

	if (!(c->m = calloc((size_t)o->ndirs, sizeof *c->m)))
		return tkp_pr_fail(c->cmd, "out of memory");
	for (int i = 0; i < o->ndirs; i++) {
		c->nm = i + 1;
		if ((rc = tkp_results_load(c->cmd, o->dirs[i], &c->m[i].r)))
			return rc;
		tkp_present_command(c->m[i].r.dir, c->m[i].command, sizeof c->m[i].command);
	}
	if ((rc = check_compatible(c, o->allow_mixed)))
		return rc;
	find_common(c);
	if (!c->nkd && !c->all_hier && !c->all_ceil) {
		char msg[4096];
		size_t n = 0;
		for (int i = 0; i < c->nm && n + 8 < sizeof msg; i++) {
			char h[1024];
			holdings(&c->m[i].r, h, sizeof h);
			n += (size_t)snprintf(msg + n, sizeof msg - n, "\n  %s: %s", c->m[i].r.dir, h);
		}
		return tkp_pr_usage(c->cmd, "nothing in common to compare: no kernel ran at the same "
					    "size and dtype on every machine, and not all have "
					    "hierarchy.csv or ceilings.csv:%s",
				    msg);
	}
	name_machines(c);
	return 0;
}

/* The table on stdout and in compare.txt. */
static int write_text(const tkp_cmp *c, const tkp_cmp_mlist *l)
{
	char path[PATH_MAX], *table = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&table, &tlen);
	int rc = 0;

	if (!mem)
		return tkp_pr_fail(c->cmd, "out of memory");
	tkp_cmp_write_table(c, l, mem);
	if (fclose(mem)) {
		free(table);
		return tkp_pr_fail(c->cmd, "out of memory");
	}
	fputs(table, stdout);
	fflush(stdout);
	if (tkp_path_join(path, sizeof path, c->out, "compare.txt") ||
	    tkp_write_file(path, table, tlen))
		rc = tkp_pr_fail(c->cmd, "%s: %s", path, strerror(errno));
	free(table);
	return rc;
}

/* Writes every output into the new directory o->out. */
static int write_all(tkp_cmp *c, const tkp_cmp_mlist *l, const tkp_present_cmp_opts *o)
{
	char command[8192];
	int rc, rrc;

	if (tkp_strlcpy(c->out, o->out, sizeof c->out) >= sizeof c->out - 64)
		return tkp_pr_usage(c->cmd, "--out '%.40s...': path too long", o->out);
	if ((rc = o->make_out(c->cmd, c->out)))
		return rc;
	if ((rc = write_text(c, l)) || (rc = tkp_cmp_write_csv(c, l)))
		return rc;
	rc = draw_charts(c);
	if (rc == TKP_PR_INTR)
		return rc;
	tkp_shell_command(command, sizeof command, o->argc, o->argv);
	if ((rrc = tkp_cmp_write_report(c, l, command)))
		rc = rrc;
	if (!c->quiet)
		tkp_pr_note("tkprofile: %s: compare.csv, compare.txt and report.html in %s", c->cmd,
			    c->out);
	return rc;
}

int tkp_present_compare(const char *cmd, const tkp_present_cmp_opts *o)
{
	static tkp_cmp c;
	tkp_cmp_mlist l = {NULL, 0, 0};
	int rc;

	memset(&c, 0, sizeof c);
	c.cmd = cmd;
	c.fmts = o->fmts;
	c.quiet = o->quiet;
	/* 1. read and check everything before writing anything */
	if ((rc = load_all(&c, o)))
		goto done;
	if ((rc = tkp_cmp_metrics(&c, &l))) {
		rc = tkp_pr_fail(cmd, "%s", tkp_strerror(rc));
		goto done;
	}
	/* 2. the new directory and its files */
	rc = write_all(&c, &l, o);
done:
	for (int i = 0; i < c.nm; i++)
		tkp_results_free(&c.m[i].r);
	free(c.m);
	free(l.v);
	return rc;
}
