/*
 * cli.h - what the subcommands of the tkprofile driver share.
 *
 * One subcommand per file: src/cli/cmd_<name>.c defines
 *   int cmd_<name>(int argc, char **argv);   argv[0] is the command name
 *   extern const char cmd_<name>_usage[];    its --help text
 * and main.c's table dispatches to it.  `tkprofile help X` and
 * `tkprofile X --help` both print the usage text.  Only the CLI prints;
 * messages go through the helpers below so they read
 * "tkprofile: <command>: <what>: <why>".
 */
#ifndef TKP_CLI_H
#define TKP_CLI_H

#include <stddef.h>
#include <signal.h>

#include "pmsg.h"
#include "tkprofile.h"

/* Exit codes (DESIGN.md's CLI contract). */
enum { TKP_EXIT_OK = 0, TKP_EXIT_FAIL = 1, TKP_EXIT_USAGE = 2, TKP_EXIT_INTR = 130 };

#define TKP_CMD(name)                              \
	int cmd_##name(int argc, char **argv);     \
	extern const char cmd_##name##_usage[]
TKP_CMD(sweep);
TKP_CMD(run);
TKP_CMD(machine);
TKP_CMD(counters);
TKP_CMD(kernels);
TKP_CMD(tune);
TKP_CMD(plot);
TKP_CMD(compare);
TKP_CMD(report);
TKP_CMD(new_kernel);

/* "tkprofile: CMD: message\n" on stderr.  Returns TKP_EXIT_USAGE /
 * TKP_EXIT_FAIL so callers can `return tkp_cli_usage(...)`.  One set of
 * message functions serves the commands and the presentation layer below
 * them: pmsg.h's, under the CLI's names.  tkp_cli_note: an informational
 * line on stderr unless tkp_cli_quiet (main hands it to tkp_pr_init). */
#define tkp_cli_usage tkp_pr_usage
#define tkp_cli_fail tkp_pr_fail
#define tkp_cli_warn tkp_pr_warn
#define tkp_cli_note tkp_pr_note
extern int tkp_cli_quiet;
_Static_assert((int)TKP_EXIT_FAIL == (int)TKP_PR_FAIL &&
		       (int)TKP_EXIT_USAGE == (int)TKP_PR_USAGE &&
		       (int)TKP_EXIT_INTR == (int)TKP_PR_INTR,
	       "the presentation layer returns the CLI's exit codes");

/* Warns (stderr, once per command) about TKP_* settings the program would
 * ignore: a TKP_ISA that is not a path or is above what the CPU runs, a
 * TKP_PLOT_TIMEOUT that is not positive seconds, and broken tuned-kernel
 * settings (tkp_tuned_config_check).  They are not command-line input, so
 * they do not stop the command; but ignored without a word, a typo looks
 * like a slow machine. */
void tkp_cli_check_env(const char *cmd);

/* The message and exit code (TKP_EXIT_USAGE) for what getopt_long returned
 * as c, ':' or '?', at argv[optind - 1]: a missing value, a value given to
 * an option that takes none ("--quick=yes"), or an unknown option.  opts
 * is the command's option table. */
struct option;
int tkp_cli_bad_option(const char *cmd, int c, char **argv, int optind,
		       const struct option *opts);

/* Prints the usage text of a command to stdout (for --help). */
void tkp_cli_print_usage(const char *cmd);
/* 1 if argv has -h or --help before any "--". */
int tkp_cli_wants_help(int argc, char **argv);

/*
 * Where the data files (profiles/, profiles/groups/, plots/) are: the source
 * tree when this binary is the one built there (so ./tkprofile works before
 * `make install`), $TKP_DATADIR when set, else the installed pkgdatadir.
 */
const char *tkp_cli_datadir(void);

/* Set by SIGINT/SIGTERM handlers (tkp_cli_catch_signals): the count of
 * signals received.  Long commands stop after the current run on the first,
 * at once on the second. */
extern volatile sig_atomic_t tkp_cli_interrupted;
void tkp_cli_catch_signals(void);

/* Parses an int option value within [lo, hi]; on error prints
 * "CMD: --OPT: expected ..." and returns -1. */
int tkp_cli_int_opt(const char *cmd, const char *opt, const char *val, long lo, long hi, int *out);

/*
 * The --out directory of a command that writes results (sweep, machine,
 * compare), checked before anything is measured or created.  Refused with
 * "tkprofile: CMD: --out 'DIR': why" and TKP_EXIT_USAGE: an empty or too
 * long path, a file in the way, a parent that is not a writable directory,
 * an existing directory that is not writable or holds one of result_names
 * (NULL-terminated, or NULL), and, unless others_ok, one that holds any
 * file: a typo'd --out must not scatter results among a user's own files,
 * nor overwrite an earlier run.  others_ok is for writing into results
 * that are there already (sweep --resume; machine into a sweep without a
 * probe).  resume_hint, when not NULL, is added to the refusal of a
 * directory holding one of result_names.  Creates nothing; returns 0 when
 * DIR may be used.
 */
int tkp_cli_check_out(const char *cmd, const char *dir, const char *const *result_names,
		      const char *resume_hint, int others_ok);
/* Creates the --out directory (and its parents).  On failure prints
 * "--out 'DIR': cannot create it: why" and returns TKP_EXIT_USAGE (another
 * --out is the fix), or TKP_EXIT_FAIL for a full disk or an I/O error. */
int tkp_cli_make_out(const char *cmd, const char *dir);

/* ---- machine_into.c: the probe's files into a results directory ---- */

/* The files a probe writes: machine.json, ceilings.csv, hierarchy.csv. */
extern const char *const tkp_cli_probe_files[];
/* Machine description and ceilings into dir (created if needed), from a
 * recent cached probe of this host when allowed, else by probing: used by
 * `machine` and by sweep.  quick: the short probe; reprobe: ignore the
 * cache; threads/nthreads: the thread counts to probe (NULL, 0: 1, 2, 4,
 * ... and all cores).  Returns an exit code; prints its own notes (unless
 * quiet). */
int tkp_cli_machine_into(const char *cmd, const char *dir, int quick, int reprobe, int quiet,
			 const int *threads, int nthreads);
/* A --threads list as sweep takes it (counts, ranges 1:8:x2, ncpu), each
 * from 1 to max, sorted and without repeats; err says what was wrong. */
int tkp_cli_parse_threads(const char *s, int max, int *out, int *n, char *err, size_t errlen);
/* Bytes as "48 KiB", "1.5 MiB", ... */
void tkp_cli_human_bytes(char *buf, size_t size, double b);
struct tkp_csv;
/* The value of ceilings.csv's row (ceiling, dtype, isa, threads, unit,
 * source); NAN when absent.  Empty strings / threads 0 match empty cells. */
double tkp_cli_ceiling(const struct tkp_csv *t, const char *name, const char *dtype, const char *isa,
		       int threads, const char *unit, const char *source);
/* The multi-thread peaks of ceilings.csv below TKP_PROBE_SCALING_LOW of
 * linear scaling, one clause per thread count ("f32 avx2 on 2 threads is
 * 1.24x its 1-thread peak; 6 paths on 16 threads are 8.35x-9.13x their
 * 1-thread peaks (lowest f64 scalar)") into buf; returns how many peaks. */
int tkp_cli_low_scaling(const struct tkp_csv *t, const int *threads, int nthreads, char *buf,
			size_t len);


/* Opens the counter source for a --counters value ("auto", "papi", "none",
 * "sim", "auto,sim"): the same calls then count with any of them
 * (counters.h).  stop, when raised, kills a configuration being counted
 * apart (a simulation); max_size: the largest dimension such a source
 * counts (0: any).  Children that count apart are this program
 * (/proc/self/exe).  A source that cannot work here (valgrind missing):
 * the message with the install line, TKP_EXIT_USAGE.  Prints its errors;
 * returns an exit code, 0 on success. */
int tkp_cli_open_counters(const char *cmd, const char *mode, volatile int *stop, size_t max_size,
			  tkp_counters **out);

/* Why ctr counts nothing, in brief for a progress line or a table cell:
 * the reason without its fix (tkp_counters_why's text up to "; fix:"),
 * and a pointer to `tkprofile counters`, which gives the fix; "" when
 * counting was turned off (--counters none).  The full
 * text stays in machine.json and the report.  buf is used. */
const char *tkp_cli_counters_brief(const tkp_counters *ctr, char *buf, size_t len);
/* The reason alone in a counters status text (tkp_counters_why's, or
 * machine.json's): without its "no counters: " and its "; fix: ..." tail.
 * Returns where it starts; *len is its length, *has_fix whether a fix
 * followed. */
const char *tkp_cli_counters_reason(const char *why, int *len, int *has_fix);

/* ---- counters_check.c: the counter check ---- */

/* `tkprofile counters --check [--quick] [--counters SRC]`: an exit code. */
int tkp_cli_counters_check(int argc, char **argv);
/* Before a sweep that counts with PAPI: the quick check, one opening line
 * (unless quiet), a warning per failed metric, the verdicts into
 * dir/machine.json and the host's cache.  Other sources: nothing.
 * Returns an exit code (0 also when a metric failed). */
int tkp_cli_sweep_check(const char *dir, tkp_counters *c, int quiet);
/* The last check's verdicts (host cache), for `tkprofile counters`. */
void tkp_cli_check_show_saved(void);
/* $XDG_CACHE_HOME/tkprofile/<host> or ~/.cache/tkprofile/<host>; -1 if
 * neither is known. */
int tkp_cli_cache_dir(char *buf, size_t size);

/* Seconds one simulation (valgrind) may take before it is killed. */
#define TKP_CLI_SIM_TIMEOUT_S 600

/* Warns when threads is above the online CPUs: the threads then take
 * turns on them, and the times show it.  Allowed (an honest measurement),
 * but rarely meant. */
void tkp_cli_warn_oversubscribed(const char *cmd, int threads);
/* Warns when OpenBLAS runs kernels older than this CPU's SIMD path (a CPU
 * it does not know), naming the OPENBLAS_CORETYPE that picks better ones. */
void tkp_cli_warn_blas_core(const char *cmd);

/* Memory a configuration may use: MemAvailable (or 90% of physical memory
 * when /proc/meminfo is absent). */
unsigned long long tkp_cli_mem_available(void);
/* The text to add to an "out of memory" for configuration failures: under
 * an address-space limit (ulimit -v) " (the address-space limit, ulimit
 * -v, is N MiB)", which is usually the cause; else "".  buf is used. */
const char *tkp_cli_enomem_hint(char *buf, size_t len);
/* 0 when the configuration fits; otherwise, if say, prints how much it needs
 * and how much there is, and returns TKP_EXIT_USAGE. */
int tkp_cli_check_fits(const char *cmd, tkp_dtype dt, size_t m, size_t n, size_t k, int say);

#endif
