/*
 * compare_report.c - a comparison's report.md and report.html
 * (tkp_cmp_write_report): the machines, the side-by-side table with
 * ratios, the overlay charts of the registry with their captions, each
 * machine's summary and ceilings (report_sections.c, as in its own
 * report), and how to reproduce every measurement and the comparison.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charts.h"
#include "compare.h"
#include "doc.h"
#include "fsutil.h"
#include "present.h"
#include "report.h"
#include "results.h"
#include "util.h"

/* A machine.json string member of r, or "?". */
static const char *json_or(const tkp_results *r, const char *key)
{
	const char *s = r->json ? tkp_res_json_str(r->json, key) : NULL;

	return s ? s : "?";
}

static void machines_table(tkp_doc *d, const tkp_cmp *c)
{
	static const char *const head[] = {"machine", "CPU", "cores", "measured", "results directory",
					   "tkprofile"};

	tkp_doc_heading(d, 2, "Machines");
	tkp_doc_table(d, 6, head, "llrlll");
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
		tkp_doc_row(d, cells);
	}
	tkp_doc_table_end(d);
}

/* The metrics, a column per machine.  Returns 0 or TKP_ENOMEM. */
static int side_by_side(tkp_doc *d, const tkp_cmp *c, const tkp_cmp_mlist *l)
{
	const char **head = calloc((size_t)c->nm + 1, sizeof *head);
	const char **cells = calloc((size_t)c->nm + 1, sizeof *cells);
	char(*cb)[96] = calloc((size_t)c->nm + 1, sizeof *cb);
	char align[TKP_CMP_MAXM + 2];

	tkp_doc_heading(d, 2, "Side by side");
	if (!head || !cells || !cb) {
		free(head);
		free(cells);
		free(cb);
		return TKP_ENOMEM;
	}
	head[0] = "";
	for (int i = 0; i < c->nm; i++)
		head[i + 1] = c->m[i].label;
	memset(align, 'r', sizeof align);
	align[0] = 'l';
	align[c->nm + 1] = '\0';
	tkp_doc_table(d, c->nm + 1, head, align);
	for (int i = 0; i <= c->nm; i++)
		cells[i] = cb[i];
	tkp_strlcpy(cb[0], "CPU", sizeof cb[0]);
	for (int i = 0; i < c->nm; i++)
		tkp_strlcpy(cb[i + 1], c->m[i].r.cpu[0] ? c->m[i].r.cpu : "?", sizeof cb[i + 1]);
	tkp_doc_row(d, cells);
	for (int q = 0; q < l->n; q++) {
		tkp_strlcpy(cb[0], l->v[q].name, sizeof cb[0]);
		for (int i = 0; i < c->nm; i++)
			tkp_cmp_fmt_cell(&l->v[q], i, cb[i + 1], sizeof cb[i + 1]);
		tkp_doc_row(d, cells);
	}
	tkp_doc_table_end(d);
	free(head);
	free(cells);
	free(cb);
	return 0;
}

/* The overlays of the registry, in their order. */
static void charts(tkp_doc *d)
{
	tkp_doc_heading(d, 2, "Charts");
	for (int rank = 1; tkp_chart_overlay_at(rank); rank++) {
		const tkp_chart_def *ch = tkp_chart_overlay_at(rank);
		char rel[64];
		tkp_fmt(rel, sizeof rel, "plots/%s.png", ch->overlay_name);
		tkp_doc_heading(d, 3, "%s", ch->overlay_title);
		tkp_doc_image(d, rel, ch->overlay_title, ch->overlay_caption,
			      "gnuplot was not available or the chart failed (see the messages "
			      "of tkprofile compare)");
	}
}

static void each_machine(tkp_doc *d, const tkp_cmp *c)
{
	tkp_doc_heading(d, 2, "Each machine");
	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		tkp_doc_heading(d, 3, "%s", c->m[i].label);
		tkp_doc_para(d, TKP_DOC_BOLD "%s" TKP_DOC_END " · measured %s · results in " TKP_DOC_CODE
				"%s" TKP_DOC_END " (its own report: report.html there)",
			     r->machine, r->when, r->dir);
		tkp_report_summary(d, r, 4);
		tkp_doc_heading(d, 4, "Ceilings");
		tkp_report_ceilings(d, r);
	}
}

/* The comparison's command, each machine's and the versions. */
static void reproduce(tkp_doc *d, const tkp_cmp *c, const char *command)
{
	static const char *const head[] = {"machine", "tkprofile", "compiler", "flags", "OS"};

	tkp_doc_heading(d, 2, "How to reproduce");
	tkp_doc_para(d, "This comparison: " TKP_DOC_CODE "%s" TKP_DOC_END
			" (the directories hold everything it reads; nothing is re-run).",
		     command);
	for (int i = 0; i < c->nm; i++) {
		const tkp_cmp_machine *m = &c->m[i];
		char path[PATH_MAX], q[PATH_MAX + 16];
		if (tkp_path_join(path, sizeof path, m->r.dir, "plan.prof") || !tkp_path_exists(path)) {
			tkp_doc_item(d, "%s: no plan.prof in %s (not made by tkprofile sweep)", m->label,
				     m->r.dir);
			continue;
		}
		tkp_shell_quote(q, sizeof q, path);
		if (m->command[0])
			tkp_doc_item(d, "%s: measured with " TKP_DOC_CODE "%s" TKP_DOC_END
					"; again with the same plan: " TKP_DOC_CODE
					"tkprofile sweep --profile %s" TKP_DOC_END,
				     m->label, m->command, q);
		else
			tkp_doc_item(d, "%s: again with the same plan: " TKP_DOC_CODE
					"tkprofile sweep --profile %s" TKP_DOC_END,
				     m->label, q);
	}
	tkp_doc_list_end(d);
	tkp_doc_heading(d, 3, "Versions");
	tkp_doc_table(d, 5, head, "lllll");
	for (int i = 0; i < c->nm; i++) {
		const tkp_results *r = &c->m[i].r;
		const char *cells[5] = {c->m[i].label, r->version[0] ? r->version : "?",
					json_or(r, "compiler"), json_or(r, "cflags"), json_or(r, "os")};
		tkp_doc_row(d, cells);
	}
	tkp_doc_table_end(d);
	tkp_doc_para(d, "Compared by tkprofile %s.", PACKAGE_VERSION);
}

int tkp_cmp_write_report(const tkp_cmp *c, const tkp_cmp_mlist *l, const char *command)
{
	tkp_doc d;
	char title[1024], buf[4096];

	tkp_cmp_who(c, buf, sizeof buf);
	tkp_fmt(title, sizeof title, "tkprofile compare: %s", buf);
	if (tkp_doc_open(&d, c->cmd, c->out, title))
		return tkp_pr_fail(c->cmd, "out of memory");
	tkp_doc_para(&d, "%d machines side by side; ratios are to " TKP_DOC_BOLD "%s" TKP_DOC_END
			 ", the first.  Nothing was re-run: every figure comes from the results "
			 "directories below.",
		     c->nm, c->m[0].label);
	machines_table(&d, c);
	if (side_by_side(&d, c, l)) {
		tkp_doc_free(&d);
		return tkp_pr_fail(c->cmd, "out of memory");
	}
	tkp_doc_para(&d, "Ratios in parentheses: the machine's value / %s's (for latency, lower is "
			 "better).  Bandwidths and peaks are the best over thread counts; best GFLOP/s "
			 "is over the sizes every machine ran (* where there is none: over all sizes).  "
			 "The same figures, one per row, are in " TKP_DOC_CODE "compare.csv" TKP_DOC_END ".",
		     c->m[0].label);
	charts(&d);
	each_machine(&d, c);
	reproduce(&d, c, command);
	return tkp_doc_commit(&d);
}
