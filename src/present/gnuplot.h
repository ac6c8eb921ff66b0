/*
 * gnuplot.h - running gnuplot for tkprofile's charts (plot and compare),
 * and writing what its scripts read.
 *
 * A chart is plots/common.gp + plots/<chart>.gp, fed a variables file
 * <chart>.vars.gp and a data file <chart>.dat that the command writes.
 * gnuplot runs (fork/exec, no shell) with its working directory set to a
 * private temporary directory inside the output directory, where every file
 * it reads or writes has a fixed plain name; the script paths travel
 * through argv.  So output directories whose names hold spaces, quotes,
 * `;`, `$(...)`, backticks or newlines all work, and nothing in them is
 * ever parsed by gnuplot.  Images are renamed into place only when gnuplot
 * succeeded and wrote a non-empty file, so a failed or interrupted run
 * leaves the previous chart.  Each run is stopped after TKP_PLOT_TIMEOUT
 * seconds (default 60); TKP_PLOT_KEEP keeps the temporary directory.
 */
#ifndef TKP_PRESENT_GNUPLOT_H
#define TKP_PRESENT_GNUPLOT_H

#include <limits.h>
#include <stdio.h>

enum { TKP_GP_PNG = 1, TKP_GP_PDF = 2, TKP_GP_SVG = 4 };

/* tkp_gp_draw's answer when gnuplot hung: a gnuplot that hangs once hangs
 * every time, so the caller stops drawing. */
#define TKP_GP_HUNG (-1)
/* tkp_gp_open's answer when gnuplot is not installed. */
#define TKP_GP_ABSENT (-2)

typedef struct tkp_gp {
	const char *cmd;         /* for messages */
	char exe[PATH_MAX];      /* gnuplot */
	char scripts[PATH_MAX];  /* the real path of the data directory's plots/ */
	char outdir[PATH_MAX];   /* where images are installed */
	char tmp[PATH_MAX];      /* the private working directory, "" when none */
} tkp_gp;

/* Parses --format's value ("png,pdf") into TKP_GP_* bits; prints and
 * returns TKP_PR_USAGE when it is not a list of png, pdf, svg. */
int tkp_gp_parse_formats(const char *cmd, const char *s, int *fmts);

/*
 * Prepares to draw into outdir: finds gnuplot on PATH and the scripts
 * (tkp_pr_datadir()/plots/common.gp), creates outdir, removes temporary
 * directories an hour old that a killed run left there, and makes a fresh
 * private one.  Returns 0; TKP_GP_ABSENT when gnuplot is not installed
 * (nothing printed, nothing created: the caller says what that means for
 * it); or an exit code after printing why.  Call tkp_gp_close after a 0.
 */
int tkp_gp_open(tkp_gp *g, const char *cmd, const char *outdir);
/* Removes the private directory (unless TKP_PLOT_KEEP is set). */
void tkp_gp_close(tkp_gp *g);

/* Opens <chart>.vars.gp and <chart>.dat in the private directory and
 * writes the variables every chart has: machine, when, results, version,
 * datafile.  Prints and returns an exit code on failure. */
int tkp_gp_begin(tkp_gp *g, const char *chart, const char *machine, const char *when,
		 const char *results, FILE **vars, FILE **data);
/* Ends both files (a data file is never empty); an exit code or 0. */
int tkp_gp_end(tkp_gp *g, FILE *vars, FILE *data);
/* Closes both without checking (error paths). */
void tkp_gp_abort(FILE *vars, FILE *data);

/*
 * Draws chart in every format of fmts from its inputs (tkp_gp_begin/end)
 * and installs each image as outdir/<chart>.<ext>; *nfiles and *nfail
 * count images made and failed.  Returns 0 when all were made,
 * TKP_PR_FAIL when one failed (printed), TKP_PR_INTR when interrupted
 * (nothing printed), TKP_GP_HUNG when gnuplot was stopped by the timeout
 * (printed).
 */
int tkp_gp_draw(tkp_gp *g, const char *chart, int fmts, int *nfiles, int *nfail);

/*
 * The rest of one chart after tkp_gp_begin, once the command has written
 * its variables and data; fill_rc is what that writing returned.  On a
 * fill error closes both files and prints why; else ends them and draws
 * (tkp_gp_end, tkp_gp_draw).  *nfiles and *nfail count as for tkp_gp_draw,
 * a failure here counting in *nfail.  Returns 0 to go on with the next
 * chart; TKP_PR_INTR when interrupted; TKP_PR_FAIL when gnuplot hung
 * (printed: the caller draws no further chart).
 */
int tkp_gp_finish(tkp_gp *g, const char *chart, int fill_rc, FILE *vars, FILE *data, int fmts,
		  int *nfiles, int *nfail);

/* ---- writing variables -------------------------------------------------- */

/* s as a gnuplot single-quoted string ('' for a quote, control characters
 * as spaces, at most max bytes cut at a UTF-8 boundary). */
void tkp_gp_str(FILE *fp, const char *s, size_t max);
void tkp_gp_set_str(FILE *fp, const char *var, const char *s);
/* A number, NaN when not finite. */
void tkp_gp_num(FILE *fp, double v);
void tkp_gp_set_num(FILE *fp, const char *var, double v);
/* Arrays of length n (at least 1 is declared). */
void tkp_gp_num_array(FILE *fp, const char *name, const double *v, int n);
void tkp_gp_str_array(FILE *fp, const char *name, char (*v)[200], int n);
/* The end of a data block (two blank lines: the next `index`). */
void tkp_gp_end_block(FILE *dat);
/* A chart without data: `message`, wrapped to fit, drawn instead. */
void tkp_gp_message(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Tics on a log2 axis, NAMEv_n / NAMEv[] / NAMEl[]: the values given when
 * there are at most 10, else powers of two in [lo, hi]; labelled as bytes
 * or as plain values. */
void tkp_gp_size_tics(FILE *fp, const char *name, const double *vals, int n, double lo, double hi,
		      int bytes);

/* ---- numbers as labels (charts and tables alike) -------------------------- */

/* Bytes as "32 KiB", "1 MiB", "508 MiB" (at most 3 significant digits). */
void tkp_gp_fmt_bytes(char *buf, size_t size, double b);
/* 3 significant digits, no exponent for the ranges we plot. */
void tkp_gp_fmt_val(char *buf, size_t size, double v);
/* Log-axis range ends: the nearest 1, 2 or 5 × 10^k below / above v. */
double tkp_gp_dec_floor(double v);
double tkp_gp_dec_ceil(double v);

#endif
