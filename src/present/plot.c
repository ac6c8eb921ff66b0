/*
 * plot.c - a results directory's charts (tkp_present_plot): `tkprofile
 * plot DIR`, the end of a sweep, and `tkprofile report` when charts are
 * missing.
 *
 * Everything is read and validated first (results.c: a malformed or
 * truncated file is bad input, file:line and exit 2, before anything is
 * drawn); then every chart of the registry (charts.c) is prepared and drawn
 * by gnuplot.c, which runs gnuplot without a shell in a private temporary
 * directory inside DIR/plots/ and renames images into place only when
 * gnuplot succeeded, so a failed or interrupted run leaves the previous
 * chart.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>

#include "charts.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "present.h"
#include "results.h"

/* Draws every chart of c into g; counts as tkp_gp_draw does. */
static int draw_all(tkp_gp *g, tkp_results *c, int fmts, int *nfiles, int *nfail)
{
	int rc = 0;

	for (size_t ci = 0; ci < tkp_ncharts && !rc; ci++) {
		const tkp_chart_def *ch = &tkp_charts[ci];
		FILE *v, *d;
		if (tkp_gp_begin(g, ch->name, c->machine, c->when, c->resname, &v, &d)) {
			(*nfail)++;
			continue;
		}
		rc = tkp_gp_finish(g, ch->name, ch->prepare(c, v, d), v, d, fmts, nfiles, nfail);
	}
	return rc;
}

int tkp_present_plot(const char *cmd, const char *dir, int fmts, int quiet)
{
	tkp_results c;
	tkp_gp g;
	char plots[PATH_MAX];
	int rc, nfiles = 0, nfail = 0;

	/* 1. everything is read and checked before anything is drawn */
	if ((rc = tkp_results_load(cmd, dir, &c)))
		goto out;
	if (c.unverified)
		tkp_pr_warn(cmd, "%zu row%s of sweep.csv failed verification and %s left out of the "
				 "charts",
			    c.unverified, c.unverified == 1 ? "" : "s", c.unverified == 1 ? "is" : "are");

	/* 2. gnuplot, the scripts, a private working directory inside DIR/plots */
	if (tkp_path_join(plots, sizeof plots, c.dir, "plots")) {
		rc = tkp_pr_usage(cmd, "%s: path too long", dir);
		goto out;
	}
	if ((rc = tkp_gp_open(&g, cmd, plots)) == TKP_GP_ABSENT) {
		tkp_pr_warn(cmd, "gnuplot not found on PATH: charts not drawn (the CSV files are "
				 "intact); install it (Debian: apt-get install gnuplot-nox) and run "
				 "`tkprofile plot DIR`");
		rc = 0;
		goto out;
	}
	if (rc) {
		tkp_gp_close(&g);
		goto out;
	}

	/* 3. one gnuplot run per chart and format */
	rc = draw_all(&g, &c, fmts, &nfiles, &nfail);
	if (!rc) {
		rc = nfail ? TKP_PR_FAIL : 0;
		if (!quiet)
			tkp_pr_note("tkprofile: %s: %d chart file%s in %s%s", cmd, nfiles,
				    nfiles == 1 ? "" : "s", g.outdir, nfail ? " (some failed, see above)" : "");
	}
	tkp_gp_close(&g);
out:
	tkp_results_free(&c);
	return rc;
}
