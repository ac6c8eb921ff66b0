/*
 * report.c - a results directory's report (tkp_present_report): the
 * coursework-ready write-up as report.md and a self-contained report.html,
 * written by the sweep at its end and by `tkprofile report DIR`.
 *
 * The report says what was measured and on what: the machine (from
 * machine.json), its ceilings (ceilings.csv and the hierarchy's latencies),
 * the summary table with speed-ups over naive (from sweep.csv, like
 * summary.txt), every chart of the registry with its caption, and how to
 * reproduce the run: the command as it was typed (the sweep passes it and
 * it is kept in command.txt), the plan it ran (plan.prof, which `tkprofile
 * sweep --profile` loads back to the same plan) and the versions.  The
 * sections are report_sections.c's, shared with the comparison's report.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "charts.h"
#include "command.h"
#include "doc.h"
#include "fsutil.h"
#include "present.h"
#include "report.h"
#include "results.h"
#include "util.h"

/* The charts section: every chart of the registry, captioned, or the
 * line saying how to draw it.  Returns how many were inlined. */
static int report_charts(tkp_doc *d, const tkp_results *r)
{
	char q[PATH_MAX + 16], hint[2 * PATH_MAX + 128];
	int shown = 0;

	tkp_shell_quote(q, sizeof q, r->dir);
	tkp_fmt(hint, sizeof hint, "draw it with " TKP_DOC_CODE "tkprofile plot %s" TKP_DOC_END
				   " (needs gnuplot), then " TKP_DOC_CODE "tkprofile report %s" TKP_DOC_END,
		q, q);
	tkp_doc_heading(d, 2, "Charts");
	for (size_t i = 0; i < tkp_ncharts; i++) {
		const tkp_chart_def *ch = &tkp_charts[i];
		const char *notice = ch->notice ? ch->notice(r) : NULL;
		char rel[64];
		tkp_fmt(rel, sizeof rel, "plots/%s.png", ch->name);
		tkp_doc_heading(d, 3, "%s", ch->title);
		/* a chart that is only a notice is captioned as one, not as if it
		 * showed its data */
		shown += tkp_doc_image(d, rel, ch->title, notice ? notice : ch->caption, hint);
	}
	return shown;
}

/* Writes the report of dir; command: how the results were made, or NULL
 * for the one recorded there. */
static int report_dir(const char *cmd, const char *dir, const char *command, int quiet)
{
	tkp_results r;
	tkp_doc d;
	char title[512], kept[8192];
	int rc, shown;

	if ((rc = tkp_results_load(cmd, dir, &r)))
		goto out;
	if (!command) {
		tkp_present_command(r.dir, kept, sizeof kept);
		command = kept[0] ? kept : NULL;
	}
	tkp_fmt(title, sizeof title, "tkprofile report: %s", r.resname[0] ? r.resname : r.dir);
	if (tkp_doc_open(&d, cmd, r.dir, title)) {
		rc = tkp_pr_fail(cmd, "out of memory");
		goto out;
	}
	if (command)
		tkp_command_mark(d.md, command);
	tkp_doc_para(&d, TKP_DOC_BOLD "%s" TKP_DOC_END " · measured %s · tkprofile %s", r.machine,
		     r.when, r.version[0] ? r.version : PACKAGE_VERSION);
	tkp_doc_heading(&d, 2, "Summary");
	tkp_report_summary(&d, &r, 3);
	tkp_report_bounds(&d, &r);
	tkp_doc_heading(&d, 2, "GFLOP/s by size");
	tkp_report_by_size(&d, &r, 3);
	tkp_doc_heading(&d, 2, "Machine");
	tkp_report_machine(&d, &r);
	tkp_doc_heading(&d, 2, "Ceilings");
	tkp_report_ceilings(&d, &r);
	shown = report_charts(&d, &r);
	tkp_doc_heading(&d, 2, "How to reproduce");
	tkp_report_reproduce(&d, &r, command, 3);
	rc = tkp_doc_commit(&d);
	if (!rc && !quiet)
		tkp_pr_note("tkprofile: %s: report in %s/report.html and report.md (%d of %zu charts)",
			    cmd, r.dir, shown, tkp_ncharts);
out:
	tkp_results_free(&r);
	return rc;
}

/* Whether a chart of the registry is missing from dir/plots (or empty). */
static int charts_missing(const char *dir)
{
	for (size_t i = 0; i < tkp_ncharts; i++) {
		char rel[64], p[PATH_MAX];
		struct stat st;
		tkp_fmt(rel, sizeof rel, "plots/%s.png", tkp_charts[i].name);
		if (tkp_path_join(p, sizeof p, dir, rel) || stat(p, &st) != 0 || st.st_size == 0)
			return 1;
	}
	return 0;
}

int tkp_present_report(const char *cmd, const char *dir, int argc, char **argv, int draw_missing,
		       int quiet)
{
	char command[8192];
	int prc = 0, rc;

	/* charts missing from plots/ are drawn first (all of them: one gnuplot
	 * pass is cheap, and they then agree with each other) */
	if (draw_missing && charts_missing(dir)) {
		prc = tkp_present_plot(cmd, dir, TKP_PRESENT_FORMATS, quiet);
		if (prc == TKP_PR_USAGE || prc == TKP_PR_INTR)
			return prc;
	}
	if (!(argc > 0 && argv))
		return (rc = report_dir(cmd, dir, NULL, quiet)) ? rc : prc;
	tkp_shell_command(command, sizeof command, argc, argv);
	if ((rc = report_dir(cmd, dir, command, quiet)))
		return rc;
	/* kept as data: later reports and comparisons read it back */
	return tkp_command_save(cmd, dir, command) ? TKP_PR_FAIL : prc;
}
