/*
 * pmsg.h - the presentation layer's messages, exit codes and the two
 * things it needs to know about the program that runs it.
 *
 * The presentation layer (src/present/) is not the library: it may print
 * notes, warnings and errors ("tkprofile: CMD: what: why") and it returns
 * exit codes.  It sits below src/cli and includes nothing from there, so
 * the message functions live here, once, and the CLI uses these same ones
 * under its own names (cli.h).  What only the CLI owns it hands down once
 * at start (tkp_pr_init): the data directory, the interrupt flag its
 * signal handlers raise and its --quiet flag.  Without tkp_pr_init nothing
 * is interrupted, notes are printed, and the data directory is the
 * installed one.
 */
#ifndef TKP_PRESENT_PMSG_H
#define TKP_PRESENT_PMSG_H

#include <signal.h>

/* Exit codes, the CLI contract's values (DESIGN.md). */
enum { TKP_PR_OK = 0, TKP_PR_FAIL = 1, TKP_PR_USAGE = 2, TKP_PR_INTR = 130 };

/* What the program that runs the presentation layer gives it: datadir
 * returns where plots/ is; interrupted counts SIGINT/SIGTERM received;
 * quiet, when set, silences tkp_pr_note.  Pointers are kept, not copied. */
void tkp_pr_init(const char *(*datadir)(void), volatile sig_atomic_t *interrupted,
		 const int *quiet);

/* Where the data files (plots/) are. */
const char *tkp_pr_datadir(void);
/* Nonzero once the user asked to stop. */
int tkp_pr_interrupted(void);

/* "tkprofile: CMD: message\n" on stderr (stdout flushed first).  Return
 * TKP_PR_USAGE / TKP_PR_FAIL so callers can `return tkp_pr_usage(...)`. */
int tkp_pr_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tkp_pr_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tkp_pr_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An informational line on stderr, unless quiet. */
void tkp_pr_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
