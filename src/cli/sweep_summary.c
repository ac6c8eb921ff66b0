/*
 * sweep_summary.c - the table a sweep ends with (summary.txt): best GFLOP/s
 * per kernel and dtype, where it was reached, and the speed-up over naive
 * at the largest size naive ran, as the seed's summary had; then the rows,
 * verification failures, skipped and failed configurations.  Built from
 * sweep.csv, so rows of a resumed sweep count too.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bound.h"
#include "cli.h"
#include "csv.h"
#include "fsutil.h"
#include "profile.h"
#include "sweep.h"
#include "util.h"

typedef struct best_row {
	char kernel[32];
	tkp_dtype dtype;
	double best;
	tkp_result at;
} best_row;

/* The rows another program disturbed (sweep.csv's disturbed > 0), ten at
 * most by name: those it disturbed throughout have figures too slow. */
static void disturbed_rows(FILE *mem, const tkp_csv *t)
{
	size_t n = 0, all = 0;
	char err[256];
	tkp_result r;

	for (size_t i = 0; i < t->nrows; i++) {
		if (tkp_csv_sweep_parse(t, i, &r, err, sizeof err) || r.disturbed <= 0)
			continue;
		if (!n++)
			fprintf(mem, "Disturbed by another program (the CPU time the kernel's threads lost; "
				     "those repetitions are left out, unless all were):\n");
		all += r.disturbed >= r.reps;
		if (n <= 10)
			fprintf(mem, "  %s %s %zux%zux%zu t%d: %s%d of %d repetitions%s\n", r.kernel,
				tkp_dtype_name(r.dtype), r.m, r.n, r.k, r.threads,
				r.disturbed >= r.reps ? "ALL, " : "", r.disturbed, r.reps,
				r.disturbed >= r.reps ? ": its figures are too slow" : "");
	}
	if (n > 10)
		fprintf(mem, "  ... and %zu more (sweep.csv's disturbed column)\n", n - 10);
	if (all)
		fprintf(mem, "%zu row%s disturbed throughout: measure %s again on a quieter machine.\n",
			all, all == 1 ? "" : "s", all == 1 ? "it" : "them");
}

/* What bounds each kernel (src/present/bound.c), when the results
 * directory can be read back; the summary stands without it. */
static void summary_bounds(FILE *mem, const char *dir)
{
	tkp_bound_write("sweep", dir, mem);
}

int tkp_sweep_write_summary(const char *csv_path, const char *dir, int partial, size_t skipped,
			    size_t failed, char *err, size_t errlen)
{
	tkp_csv *t = NULL;
	char *buf = NULL, path[PATH_MAX];
	size_t len = 0;
	FILE *mem;
	int rc;

	if ((rc = tkp_csv_read(csv_path, &t, err, errlen)))
		return rc;
	if (!(mem = open_memstream(&buf, &len))) {
		tkp_csv_free(t);
		return TKP_ENOMEM;
	}
	fprintf(mem, "tkprofile %s sweep summary: %s\n", PACKAGE_VERSION, dir);
	if (partial)
		fprintf(mem, "PARTIAL: the sweep was interrupted; resume with "
			     "`tkprofile sweep --out DIR --resume`\n");
	for (int d = 0; d < 2; d++) {
		tkp_dtype dt = d ? TKP_F64 : TKP_F32;
		best_row rows[TKP_PLAN_MAX_KERNELS];
		int nrows = 0;
		size_t common = 0; /* largest max-dim size that naive and others share */
		tkp_result r;

		for (size_t i = 0; i < t->nrows; i++) {
			int j;
			if (tkp_csv_sweep_parse(t, i, &r, err, errlen) || r.dtype != dt)
				continue;
			for (j = 0; j < nrows && strcmp(rows[j].kernel, r.kernel); j++)
				;
			if (j == nrows) {
				if (nrows == TKP_PLAN_MAX_KERNELS)
					continue;
				memset(&rows[j], 0, sizeof rows[j]);
				tkp_strlcpy(rows[j].kernel, r.kernel, sizeof rows[j].kernel);
				rows[j].best = -1;
				nrows++;
			}
			if (r.gflops > rows[j].best) {
				rows[j].best = r.gflops;
				rows[j].at = r;
			}
		}
		if (!nrows)
			continue;
		/* the largest size naive ran at (square or not, by FLOPs) */
		{
			double bestf = -1;
			for (size_t i = 0; i < t->nrows; i++) {
				if (tkp_csv_sweep_parse(t, i, &r, err, errlen) || r.dtype != dt ||
				    strcmp(r.kernel, "naive"))
					continue;
				if (r.flops_model > bestf) {
					bestf = r.flops_model;
					common = i + 1;
				}
			}
		}
		fprintf(mem, "\n%s: best GFLOP/s per kernel", tkp_dtype_name(dt));
		if (common) {
			tkp_result nr;
			tkp_csv_sweep_parse(t, common - 1, &nr, err, errlen);
			fprintf(mem, "; speed-up over naive at %zux%zux%zu\n", nr.m, nr.n, nr.k);
		} else {
			fprintf(mem, " (naive not run: no speed-ups)\n");
		}
		fprintf(mem, "  %-10s %10s  %-24s %10s\n", "kernel", "GFLOP/s", "at (size block threads)",
			"speed-up");
		for (int j = 0; j < nrows; j++) {
			char at[64], sp[32] = "-";
			const tkp_result *a = &rows[j].at;
			tkp_fmt(at, sizeof at, "%zux%zux%zu %s t%d", a->m, a->n, a->k,
				a->block > 0 ? "" : "-", a->threads);
			if (a->block > 0)
				tkp_fmt(at, sizeof at, "%zux%zux%zu b%d t%d", a->m, a->n, a->k, a->block,
					a->threads);
			if (common) {
				tkp_result nr, kr;
				double tk = INFINITY;
				tkp_csv_sweep_parse(t, common - 1, &nr, err, errlen);
				for (size_t i = 0; i < t->nrows; i++)
					if (!tkp_csv_sweep_parse(t, i, &kr, err, errlen) && kr.dtype == dt &&
					    !strcmp(kr.kernel, rows[j].kernel) && kr.m == nr.m &&
					    kr.n == nr.n && kr.k == nr.k && kr.time_s < tk)
						tk = kr.time_s;
				if (isfinite(tk) && tk > 0)
					tkp_fmt(sp, sizeof sp, "%.1fx", nr.time_s / tk);
			}
			fprintf(mem, "  %-10s %10.2f  %-24s %10s\n", rows[j].kernel, rows[j].best, at, sp);
		}
	}
	{
		size_t bad = 0;
		tkp_result r;
		for (size_t i = 0; i < t->nrows; i++)
			if (!tkp_csv_sweep_parse(t, i, &r, err, errlen) && r.verified == 0)
				bad++;
		fprintf(mem, "\n%zu row%s in sweep.csv", t->nrows, t->nrows == 1 ? "" : "s");
		if (bad)
			fprintf(mem, ", %zu FAILED verification", bad);
		if (skipped)
			fprintf(mem, ", %zu configurations skipped (see above)", skipped);
		if (failed)
			fprintf(mem, ", %zu configurations FAILED to run (not in sweep.csv; "
				     "`--resume` tries them again)", failed);
		fprintf(mem, ".\n");
	}
	disturbed_rows(mem, t);
	tkp_csv_free(t);
	summary_bounds(mem, dir);
	if (fclose(mem)) {
		free(buf);
		return TKP_ENOMEM;
	}
	fputs(buf, stdout);
	rc = tkp_path_join(path, sizeof path, dir, "summary.txt");
	if (!rc && tkp_write_file(path, buf, len)) {
		tkp_fmt(err, errlen, "%s: %s", path, strerror(errno));
		rc = TKP_EIO;
	}
	free(buf);
	return rc;
}

