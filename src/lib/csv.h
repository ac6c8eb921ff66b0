/*
 * csv.h - RFC 4180 CSV: writing fields for sweep.csv, ceilings.csv and the
 * others, and reading them back (plot, compare, resume).
 *
 * Writing: fields are quoted only when they hold a comma, quote, CR or LF;
 * numbers are written with enough digits to round-trip (%.17g) and NAN is
 * an empty cell ("not measured").  Reading: one header line, then rows that
 * must have exactly as many fields as the header; errors say file:line.
 */
#ifndef TKP_CSV_H
#define TKP_CSV_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as one field (quoted if needed). */
int tkp_csv_put_str(FILE *fp, const char *s);
/* Writes a number; NAN (or isnan) writes an empty cell; inf is refused and
 * written empty too, since no column may hold it. */
int tkp_csv_put_num(FILE *fp, double v);
/* Writes an integer. */
int tkp_csv_put_int(FILE *fp, long long v);
/* Separator and end of record ("\n"). */
int tkp_csv_sep(FILE *fp);
int tkp_csv_eol(FILE *fp);

/* A table read back. */
typedef struct tkp_csv {
	size_t ncols, nrows;
	char **header;   /* ncols names */
	char ***rows;    /* nrows × ncols strings ("" for empty cells) */
	size_t *lineno;  /* source line of each row, for messages */
	char path[1024];
} tkp_csv;

/* Reads path.  On TKP_EPARSE/TKP_EIO, err gets "path:line: what" (or
 * "path: why").  Limits: 1 MiB per field, 100000 columns, 10 million rows;
 * NUL bytes are refused. */
int tkp_csv_read(const char *path, tkp_csv **out, char *err, size_t errlen);
void tkp_csv_free(tkp_csv *t);
/* Column index by header name, or -1. */
int tkp_csv_col(const tkp_csv *t, const char *name);
/* Checks every name exists; on failure err gets "path: missing column X". */
int tkp_csv_require(const tkp_csv *t, const char *const *names, char *err, size_t errlen);
/* Cell as a number: 0 and *out set; 1 when empty (not measured);
 * TKP_EPARSE when not a finite number. */
int tkp_csv_num(const tkp_csv *t, size_t row, int col, double *out);

/* ---- sweep.csv ------------------------------------------------------------ */
#include "tkprofile.h"

/* sweep.csv's columns, in order (DESIGN.md); NULL-terminated: the ones
 * every file has, then the ones added since, which follow them in this
 * order and which readers do not require (older files lack them). */
extern const char *const tkp_sweep_columns[];
extern const char *const tkp_sweep_columns_added[];
/* How many of tkp_sweep_columns_added the header of t has, as the run that
 * follows the required columns (an older file: fewer). */
int tkp_csv_sweep_added(const tkp_csv *t);
/* Writes the header line, every column. */
int tkp_csv_sweep_header(FILE *fp);
/* Writes one result as a row; block 0 (kernel takes none) is an empty cell,
 * unmeasured values are empty cells.  _n writes only the first nadded of
 * the added columns, to append to an older file under its own header. */
int tkp_csv_sweep_row(FILE *fp, const tkp_result *r);
int tkp_csv_sweep_row_n(FILE *fp, const tkp_result *r, int nadded);
/* Fills *r from row `row` of a table read back (resume, plot); columns are
 * found by name.  TKP_EPARSE with err "file:line: ..." on a bad cell. */
int tkp_csv_sweep_parse(const tkp_csv *t, size_t row, tkp_result *r, char *err, size_t errlen);

#endif
