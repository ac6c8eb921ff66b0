/*
 * present.h - what the commands (src/cli) call in the presentation layer
 * (src/present/): drawing a results directory's charts, writing its
 * report, comparing results directories, and the command recorded with
 * results.  sweep, plot, report and compare all come here, so none of
 * them calls another command's code.
 *
 * Each function prints its own messages ("tkprofile: CMD: ...", cmd being
 * the command's name) and returns an exit code (pmsg.h: TKP_PR_*, the CLI
 * contract's values).  Call tkp_pr_init first (pmsg.h).
 */
#ifndef TKP_PRESENT_H
#define TKP_PRESENT_H

#include <stddef.h>

#include "gnuplot.h"
#include "pmsg.h"

/* The chart formats drawn unless --format says otherwise. */
#define TKP_PRESENT_FORMATS (TKP_GP_PNG | TKP_GP_PDF)

/* Draws every chart of the registry for results directory dir into
 * dir/plots/ in fmts (TKP_GP_* bits).  Reads and checks every file first;
 * without gnuplot warns and returns 0. */
int tkp_present_plot(const char *cmd, const char *dir, int fmts, int quiet);

/* Writes dir/report.md and report.html.  argc/argv: the command that made
 * the results (argv[0] its name), recorded in dir/command.txt and shown in
 * the report; 0/NULL keeps the one recorded before (tkp_present_command).
 * draw_missing: first draw the charts when one is missing from plots/
 * (the drawing's failure is returned when the report is written). */
int tkp_present_report(const char *cmd, const char *dir, int argc, char **argv, int draw_missing,
		       int quiet);

/* What `tkprofile compare` was asked. */
typedef struct tkp_present_cmp_opts {
	const char *const *dirs; /* the results directories, the first the reference */
	int ndirs;
	const char *out;         /* the new directory, checked by the caller */
	int fmts, quiet, allow_mixed;
	int argc;                /* the command line, for the report */
	char **argv;
	/* creates out once everything is read and checked; prints why not and
	 * returns an exit code on failure */
	int (*make_out)(const char *cmd, const char *dir);
} tkp_present_cmp_opts;

/* Compares the directories into o->out: compare.txt (also printed),
 * compare.csv, the overlay charts and the report. */
int tkp_present_compare(const char *cmd, const tkp_present_cmp_opts *o);

/* The command that made the results in dir: dir/command.txt, or for
 * directories written before that file existed, the one report.md
 * recorded.  "" when neither says. */
void tkp_present_command(const char *dir, char *buf, size_t size);

/* "tkprofile ARGS...", each argument shell-quoted as needed. */
void tkp_shell_command(char *buf, size_t size, int argc, char **argv);
/* Shell-quotes s (single quotes when it holds anything but [A-Za-z0-9_./:=,+@%-]). */
void tkp_shell_quote(char *buf, size_t size, const char *s);

/* The reason alone in a counters status text (tkp_counters_why's, or
 * machine.json's): without its "no counters: " and its "; fix: ..." tail.
 * Returns where it starts; *len is its length, *has_fix whether a fix
 * followed. */
const char *tkp_present_counters_reason(const char *why, int *len, int *has_fix);

#endif
