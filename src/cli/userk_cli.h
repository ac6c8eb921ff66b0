/*
 * userk_cli.h - `--kernel-file` for run and sweep (userk_cli.c): loading
 * the files with messages, the check against naive, the isolated
 * measurement, the record in the results directory and the crashed
 * configurations that --resume does not retry.
 */
#ifndef TKP_USERK_CLI_H
#define TKP_USERK_CLI_H

#include <stddef.h>

#include "profile.h"
#include "tkprofile.h"

/* Floor of a user kernel's time limit per configuration, seconds. */
#define TKP_USERK_FLOOR_S 10.0

/*
 * Loads the comma-separated files of list (compiling C files into a
 * private temporary directory, removed at exit), registers them and
 * exports them for simulated children.  Bad input: the message (a
 * compiler's output as printed) and TKP_EXIT_USAGE; else 0.
 */
int tkp_cli_userk_load(const char *cmd, const char *list);

/* 1 when k is a user kernel. */
int tkp_cli_userk_is(const tkp_kernel *k);

/*
 * The check against naive on awkward shapes for k and dt, once per pair
 * (said on stderr when it fails, with the first wrong element): 1 passed
 * (or k is a built-in), 0 wrong or crashed in the check (its rows are
 * unverified), -1 the kernel does not handle dt (TKP_ENOTSUP: skip),
 * -2 stopped.
 */
int tkp_cli_userk_checked(const char *cmd, const tkp_kernel *k, tkp_dtype dt, double limit_s,
			  volatile int *stop);

/*
 * Measures one configuration of user kernel k isolated (tkp_userk_measure)
 * with limit_s.  Returns 0 (*r filled; verified forced to 0 when the check
 * failed), the measurement's TKP_E* error, 1 when the kernel crashed or
 * ran past the limit (what says which), TKP_EINTR when stopped.
 */
int tkp_cli_userk_measure(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
			  int block, int threads, const tkp_measure_opts *o, double limit_s,
			  tkp_result *r, char *what, size_t whatlen);

/* The time limit of a configuration: timeout_s when above 0, else derived
 * from its model FLOPs and peak_gflops (tkp_userk_time_limit). */
double tkp_cli_userk_limit(double timeout_s, double flops, int runs, double peak_gflops,
			   double min_time_s);
/* The largest measured or reported peak of dtype dt in dir/ceilings.csv;
 * NAN when there is none. */
double tkp_cli_userk_peak(const char *dir, tkp_dtype dt);

/* Writes dir/kernels/: a copy of each kernel file given, and kernels.txt
 * (file, compiler, version, flags, command, capabilities).  0 or
 * TKP_EXIT_FAIL (said). */
int tkp_cli_userk_record(const char *cmd, const char *dir);

/* Appends a failed configuration to dir/kernels/failed.csv (kernel,
 * dtype, m, n, k, block, threads, failure), so that --resume skips it. */
void tkp_cli_userk_failed(const char *dir, const tkp_config *c, const char *what);
/* 1 when dir/kernels/failed.csv lists configuration c. */
int tkp_cli_userk_failed_before(const char *dir, const tkp_config *c);

/* Adds the loaded kernels to plan p: their names to its kernels (after the
 * built-ins) and their absolute paths as its kernel_files (plan.prof keeps
 * them for --resume). */
void tkp_cli_userk_plan(tkp_plan *p);

/* What a sweep hands tkp_cli_userk_sweep_one. */
typedef struct tkp_cli_userk_ctx {
	const char *dir;              /* the results directory */
	const tkp_measure_opts *mo;   /* the sweep's, counters and stop included */
	int passes;                   /* counter passes per configuration */
	double timeout_s;             /* the plan's kernel_timeout (0: derived) */
	int retry_failed;             /* --retry-failed */
	int tty;                      /* stderr is a terminal (clear the progress line) */
} tkp_cli_userk_ctx;

enum { TKP_USERK_SKIPPED = 2, TKP_USERK_FAILED = 3 };

/*
 * One configuration of a user kernel in a sweep: skipped (TKP_USERK_SKIPPED,
 * said) when the kernel hung earlier in this sweep, when kernels/failed.csv
 * lists it (unless retry_failed), or when the kernel does not handle the
 * dtype; else checked (once per kernel and dtype) and measured isolated.
 * Returns 0 (*r filled), TKP_USERK_FAILED (crashed or hung: said and
 * recorded), TKP_EINTR, or the measurement's TKP_E* error.
 */
int tkp_cli_userk_sweep_one(const tkp_cli_userk_ctx *x, const tkp_config *c, const char *label,
			    tkp_result *r);

/* After a sweep: where its failed user-kernel configurations are listed
 * and what --resume does with them (nothing when none failed). */
void tkp_cli_userk_finish(const char *dir);

#endif
