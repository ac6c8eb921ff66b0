/*
 * compare_table.c - a comparison as text: the table printed on stdout
 * and kept as compare.txt (tkp_cmp_write_table), and the same figures
 * tidy, one row per machine and metric, with the ratio to the first
 * machine, in compare.csv (tkp_cmp_write_csv).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "csv.h"
#include "fsutil.h"
#include "pmsg.h"
#include "util.h"

/* ---- compare.csv ---------------------------------------------------------- */

/* The columns that say which machine a row is of: machine, host,
 * cpu_model, date, dir, each followed by its separator. */
static void csv_machine(FILE *fp, const tkp_cmp *c, int i)
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

/* GFLOP/s at every common size: the data behind compare_perf. */
static void csv_gflops(FILE *fp, const tkp_cmp *c)
{
	for (int q = 0; q < c->nkd; q++) {
		const tkp_cmp_kd *e = &c->kds[q];
		for (int x = 0; x < e->nsizes; x++) {
			double g0 = tkp_cmp_gflops_at(&c->m[0].r, e->kernel, e->dtype, e->sizes[x], NULL);
			for (int i = 0; i < c->nm; i++) {
				const tkp_res_row *row = NULL;
				double g = tkp_cmp_gflops_at(&c->m[i].r, e->kernel, e->dtype, e->sizes[x], &row);
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
}

int tkp_cmp_write_csv(const tkp_cmp *c, const tkp_cmp_mlist *l)
{
	static const char *const cols[] = {"machine", "host", "cpu_model", "date", "dir", "metric",
					   "level", "kernel", "dtype", "isa", "size", "threads",
					   "value", "unit", "ratio", NULL};
	char path[PATH_MAX];
	tkp_afile f;
	FILE *fp;

	if (tkp_path_join(path, sizeof path, c->out, "compare.csv") || tkp_afile_open(&f, path))
		return tkp_pr_fail(c->cmd, "%s: %s", path, strerror(errno));
	fp = f.fp;
	for (int i = 0; cols[i]; i++) {
		if (i)
			tkp_csv_sep(fp);
		tkp_csv_put_str(fp, cols[i]);
	}
	tkp_csv_eol(fp);
	for (int q = 0; q < l->n; q++) {
		const tkp_cmp_metric *m = &l->v[q];
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
	csv_gflops(fp, c);
	if (ferror(fp)) {
		tkp_afile_abort(&f);
		return tkp_pr_fail(c->cmd, "%s: %s", path, strerror(errno));
	}
	if (tkp_afile_commit(&f))
		return tkp_pr_fail(c->cmd, "%s: %s", path, strerror(errno));
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

void tkp_cmp_write_table(const tkp_cmp *c, const tkp_cmp_mlist *l, FILE *fp)
{
	int lw = 26, cw[TKP_CMP_MAXM];
	char buf[160];

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
		const tkp_cmp_metric *m = &l->v[q];
		pad(fp, m->name, lw, 0);
		for (int i = 0; i < c->nm; i++) {
			tkp_cmp_fmt_cell(m, i, buf, sizeof buf);
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
