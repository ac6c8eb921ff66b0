/*
 * sweep_recheck.c - a compute ceiling a kernel went above, measured again
 * once at the end of a sweep.
 *
 * No kernel outruns the machine's peak, so a row above its ceiling means
 * the ceiling came out low (a quick probe, or a probe another program
 * disturbed).  Each such peak (dtype, ISA path, thread count: the one the
 * report compares the row with) is measured again the full probe's way; a
 * higher figure replaces it in ceilings.csv.  What stays above is flagged
 * by the report and the roofline (src/present/ceiling_flag.c).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "fsutil.h"
#include "machine.h"
#include "probe.h"
#include "sweep.h"
#include "util.h"

enum { C_CEIL, C_DTYPE, C_ISA, C_THREADS, C_VALUE, C_SOURCE, C_N };

/* The ceilings.csv row the report compares result r with: the highest
 * measured peak of its dtype at the most threads not above its own (else
 * the fewest there are); -1 when there is none. */
static long peak_for(const tkp_csv *c, const int *col, const tkp_result *r)
{
	int best_t = 0, least = 0;
	long at = -1;
	double v, best = -1;

	for (size_t i = 0; i < c->nrows; i++) {
		int t = atoi(c->rows[i][col[C_THREADS]]);
		if (t <= r->threads && t > best_t)
			best_t = t;
		if (t > 0 && (!least || t < least))
			least = t;
	}
	if (!best_t)
		best_t = least;
	for (size_t i = 0; i < c->nrows; i++) {
		char *const *w = c->rows[i];
		if (strcmp(w[col[C_CEIL]], "peak") || strcmp(w[col[C_DTYPE]], tkp_dtype_name(r->dtype)) ||
		    strcmp(w[col[C_SOURCE]], "measured") || atoi(w[col[C_THREADS]]) != best_t ||
		    tkp_csv_num(c, i, col[C_VALUE], &v) || !(v >= best))
			continue; /* >=: on a tie the later row, the wider path (the file's order) */
		best = v;
		at = (long)i;
	}
	return at;
}

/* The fastest verified row above each peak: above[i] for ceilings row i
 * (0 when none is), *which the kernel's name. */
static int rows_above(const tkp_csv *s, const tkp_csv *c, const int *col, double *above,
		      char (*which)[48])
{
	char err[256];
	tkp_result r;
	int n = 0;

	for (size_t i = 0; i < s->nrows; i++) {
		long p;
		double v;
		if (tkp_csv_sweep_parse(s, i, &r, err, sizeof err) || r.verified == 0 ||
		    !(r.gflops > 0) || (p = peak_for(c, col, &r)) < 0 ||
		    tkp_csv_num(c, (size_t)p, col[C_VALUE], &v) || !(r.gflops > v) ||
		    !(r.gflops > above[p]))
			continue;
		n += above[p] == 0;
		above[p] = r.gflops;
		tkp_fmt(which[p], sizeof which[p], "%s %s t%d", r.kernel, tkp_dtype_name(r.dtype), r.threads);
	}
	return n;
}

/* ceilings.csv again, row i's value from value[i] where that is set. */
static int rewrite(const char *path, const tkp_csv *c, const int *col, const double *value)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int rc = 0;

	if (!m)
		return TKP_ENOMEM;
	for (size_t j = 0; j < c->ncols; j++)
		rc |= (j && tkp_csv_sep(m)) | tkp_csv_put_str(m, c->header[j]);
	rc |= tkp_csv_eol(m);
	for (size_t i = 0; i < c->nrows; i++) {
		for (size_t j = 0; j < c->ncols; j++) {
			rc |= j ? tkp_csv_sep(m) : 0;
			if ((int)j == col[C_VALUE] && value[i] > 0)
				rc |= tkp_csv_put_num(m, value[i]);
			else
				rc |= tkp_csv_put_str(m, c->rows[i][j]);
		}
		rc |= tkp_csv_eol(m);
	}
	if (fclose(m) || rc)
		rc = TKP_EIO;
	if (!rc && tkp_write_file(path, buf, len))
		rc = TKP_EIO;
	free(buf);
	return rc;
}

/* Measures peak row i again; its new value into *v when higher (else 0). */
static void measure_again(const tkp_machine *m, const tkp_csv *c, const int *col, size_t i,
			  double seen, const char *who, double *v)
{
	static const char *const isas[] = {"scalar", "avx2", "avx512"};
	char *const *w = c->rows[i];
	double old = 0, now = 0;
	tkp_dtype dt;
	int isa = -1, rc;

	for (int k = 0; k < 3; k++)
		if (!strcmp(w[col[C_ISA]], isas[k]))
			isa = k;
	*v = 0;
	tkp_csv_num(c, i, col[C_VALUE], &old);
	if (isa < 0 || tkp_dtype_parse(w[col[C_DTYPE]], &dt))
		return;
	rc = tkp_probe_peak_again(m, dt, (tkp_isa)isa, atoi(w[col[C_THREADS]]), &now);
	if (rc) {
		tkp_cli_warn("sweep", "%s peak %s %s t%s: could not measure it again: %s", who,
			     w[col[C_DTYPE]], w[col[C_ISA]], w[col[C_THREADS]], tkp_strerror(rc));
		return;
	}
	tkp_cli_note("tkprofile: sweep: %s reached %.1f GFLOP/s, above the %s %s %s-thread peak "
		     "(%.1f); measured again: %.1f GFLOP/s%s", who, seen, w[col[C_DTYPE]],
		     w[col[C_ISA]], w[col[C_THREADS]], old, now,
		     now > old ? (now >= seen ? " (kept)" : " (kept; still below the kernel: the "
							    "report says the ceiling is too low)")
			       : " (no higher: the report says the ceiling is too low)");
	if (now > old)
		*v = now;
}

int tkp_sweep_recheck_peaks(const char *dir)
{
	static const char *const names[C_N] = {"ceiling", "dtype", "isa", "threads", "value", "source"};
	char sp[PATH_MAX], cp[PATH_MAX], err[512], (*which)[48] = NULL;
	tkp_csv *s = NULL, *c = NULL;
	double *above = NULL, *value = NULL;
	int col[C_N], rc = 0, changed = 0;
	tkp_machine m;

	if (tkp_path_join(sp, sizeof sp, dir, "sweep.csv") || tkp_path_join(cp, sizeof cp, dir, "ceilings.csv") ||
	    !tkp_path_exists(cp) || tkp_csv_read(sp, &s, err, sizeof err) ||
	    tkp_csv_read(cp, &c, err, sizeof err))
		goto fail; /* nothing to compare: plot and report say what is missing */
	for (int j = 0; j < C_N; j++)
		if ((col[j] = tkp_csv_col(c, names[j])) < 0)
			goto fail;
	above = calloc(c->nrows + 1, sizeof *above);
	value = calloc(c->nrows + 1, sizeof *value);
	which = calloc(c->nrows + 1, sizeof *which);
	if (!above || !value || !which) {
		rc = TKP_ENOMEM;
		goto fail;
	}
	if (!rows_above(s, c, col, above, which))
		goto fail;
	tkp_machine_describe(&m, NULL);
	for (size_t i = 0; i < c->nrows && !tkp_cli_interrupted; i++)
		if (above[i] > 0) {
			measure_again(&m, c, col, i, above[i], which[i], &value[i]);
			changed |= value[i] > 0;
		}
	if (changed && (rc = rewrite(cp, c, col, value)))
		tkp_cli_warn("sweep", "%s: %s; the ceilings measured first are kept", cp, strerror(errno));
fail:
	tkp_csv_free(s);
	tkp_csv_free(c);
	free(above);
	free(value);
	free(which);
	return rc;
}
