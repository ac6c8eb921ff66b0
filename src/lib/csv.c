/*
 * csv.c - RFC 4180 writer and reader.
 *
 * The writer is what every result file goes through, so it is strict about
 * "not measured": NAN becomes an empty cell, never 0.  The reader exists so
 * that plot, compare and resume can read files written on other machines;
 * it is strict too (every row as wide as the header, no NUL bytes, bounded
 * field sizes) because those files arrive by copy and may be truncated.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fsutil.h"
#include "util.h"

#define CSV_MAX_FIELD (1u << 20)
#define CSV_MAX_COLS 100000u
#define CSV_MAX_ROWS 10000000u

int tkp_csv_put_str(FILE *fp, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n"))
		return fputs(s, fp) < 0 ? TKP_EIO : 0;
	if (fputc('"', fp) == EOF)
		return TKP_EIO;
	for (; *s; s++) {
		if (*s == '"' && fputc('"', fp) == EOF)
			return TKP_EIO;
		if (fputc(*s, fp) == EOF)
			return TKP_EIO;
	}
	return fputc('"', fp) == EOF ? TKP_EIO : 0;
}

int tkp_csv_put_num(FILE *fp, double v)
{
	if (!isfinite(v))
		return 0;
	/* Integral values print without exponent up to 2^53 (counter totals). */
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return fprintf(fp, "%.0f", v) < 0 ? TKP_EIO : 0;
	return fprintf(fp, "%.17g", v) < 0 ? TKP_EIO : 0;
}

int tkp_csv_put_int(FILE *fp, long long v)
{
	return fprintf(fp, "%lld", v) < 0 ? TKP_EIO : 0;
}

int tkp_csv_sep(FILE *fp)
{
	return fputc(',', fp) == EOF ? TKP_EIO : 0;
}

int tkp_csv_eol(FILE *fp)
{
	return fputc('\n', fp) == EOF ? TKP_EIO : 0;
}

/* ---- reader ------------------------------------------------------------ */

typedef struct strbuf {
	char *s;
	size_t n, cap;
} strbuf;

static int sb_putc(strbuf *b, char c)
{
	if (b->n + 2 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		char *ns = realloc(b->s, nc);
		if (!ns)
			return TKP_ENOMEM;
		b->s = ns;
		b->cap = nc;
	}
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
	return 0;
}

static char *sb_take(strbuf *b)
{
	char *s = b->s ? b->s : strdup("");

	b->s = NULL;
	b->n = b->cap = 0;
	return s;
}

typedef struct record {
	char **f;
	size_t n, cap;
} record;

static int rec_push(record *r, char *s)
{
	if (!s)
		return TKP_ENOMEM;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		char **nf;
		if (nc > CSV_MAX_COLS + 1)
			nc = CSV_MAX_COLS + 1;
		if (r->n >= nc) {
			free(s);
			return TKP_ERANGE;
		}
		if (!(nf = realloc(r->f, nc * sizeof *nf))) {
			free(s);
			return TKP_ENOMEM;
		}
		r->f = nf;
		r->cap = nc;
	}
	r->f[r->n++] = s;
	return 0;
}

static void rec_free(record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
	r->f = NULL;
	r->n = r->cap = 0;
}

void tkp_csv_free(tkp_csv *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->header && i < t->ncols; i++)
		free(t->header[i]);
	free(t->header);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ncols; i++)
			free(t->rows[r][i]);
		free(t->rows[r]);
	}
	free(t->rows);
	free(t->lineno);
	free(t);
}

/* Reads one record starting at *pp.  Returns 1 with the record, 0 at end
 * of input, or an error with *why set.  *line advances over newlines. */
static int read_record(const char **pp, const char *end, size_t *line, record *rec,
		       const char **why)
{
	const char *p = *pp;
	strbuf fld = {0};
	int rc;

	if (p >= end)
		return 0;
	for (;;) {
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				if (p >= end) {
					*why = "unterminated quoted field (file truncated?)";
					rc = TKP_EPARSE;
					goto fail;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						p += 2;
						if ((rc = sb_putc(&fld, '"')))
							goto fail;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n')
					(*line)++;
				if ((rc = sb_putc(&fld, *p++)))
					goto fail;
				if (fld.n > CSV_MAX_FIELD) {
					*why = "field longer than 1 MiB";
					rc = TKP_EPARSE;
					goto fail;
				}
			}
			if (p < end && *p != ',' && *p != '\n' && *p != '\r') {
				*why = "text after a closing quote";
				rc = TKP_EPARSE;
				goto fail;
			}
		} else {
			while (p < end && *p != ',' && *p != '\n' && *p != '\r') {
				if (*p == '"') {
					*why = "quote inside an unquoted field";
					rc = TKP_EPARSE;
					goto fail;
				}
				if ((rc = sb_putc(&fld, *p++)))
					goto fail;
				if (fld.n > CSV_MAX_FIELD) {
					*why = "field longer than 1 MiB";
					rc = TKP_EPARSE;
					goto fail;
				}
			}
		}
		if ((rc = rec_push(rec, sb_take(&fld)))) {
			*why = rc == TKP_ERANGE ? "more than 100000 columns" : "out of memory";
			if (rc == TKP_ERANGE)
				rc = TKP_EPARSE;
			goto fail;
		}
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		break;
	}
	*pp = p;
	return 1;
fail:
	free(fld.s);
	return rc;
}

int tkp_csv_read(const char *path, tkp_csv **out, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0, line = 1, cap = 0;
	const char *p, *end, *why = NULL;
	tkp_csv *t = NULL;
	record rec = {0};
	int rc;

	*out = NULL;
	rc = tkp_read_file(path, (size_t)1 << 32, &data, &len);
	if (rc) {
		tkp_fmt(err, errlen, "%s: %s", path, rc == TKP_ENOMEM ? "out of memory" : strerror(errno));
		return rc;
	}
	if (memchr(data, '\0', len)) {
		size_t off = (size_t)((char *)memchr(data, '\0', len) - data);
		for (size_t i = 0; i < off; i++)
			line += data[i] == '\n';
		tkp_fmt(err, errlen, "%s:%zu: NUL byte: not a CSV text file", path, line);
		free(data);
		return TKP_EPARSE;
	}
	if (!(t = calloc(1, sizeof *t))) {
		free(data);
		tkp_fmt(err, errlen, "%s: out of memory", path);
		return TKP_ENOMEM;
	}
	tkp_strlcpy(t->path, path, sizeof t->path);
	p = data;
	end = data + len;
	rc = read_record(&p, end, &line, &rec, &why);
	if (rc <= 0 || (rec.n == 1 && !rec.f[0][0])) {
		if (rc == 0 || rc == 1)
			why = "empty file: expected a header line";
		rc = TKP_EPARSE;
		goto fail;
	}
	t->ncols = rec.n;
	t->header = rec.f;
	rec.f = NULL;
	rec.n = rec.cap = 0;
	for (size_t i = 0; i < t->ncols; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(t->header[i], t->header[j])) {
				why = "duplicate column name in header";
				rc = TKP_EPARSE;
				goto fail;
			}
	line++;
	for (;;) {
		size_t start = line;
		rc = read_record(&p, end, &line, &rec, &why);
		if (rc == 0)
			break;
		if (rc < 0) {
			line = start;
			goto fail;
		}
		if (rec.n == 1 && !rec.f[0][0]) { /* blank line */
			rec_free(&rec);
			line++;
			continue;
		}
		if (rec.n != t->ncols) {
			static char msg[96];
			snprintf(msg, sizeof msg, "%zu fields, header has %zu%s", rec.n, t->ncols,
				 p >= end && rec.n < t->ncols ? " (file truncated?)" : "");
			why = msg;
			line = start;
			rc = TKP_EPARSE;
			goto fail;
		}
		if (t->nrows == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char ***nr;
			size_t *nl;
			if (nc > CSV_MAX_ROWS) {
				why = "more than 10 million rows";
				rc = TKP_EPARSE;
				goto fail;
			}
			nr = realloc(t->rows, nc * sizeof *nr);
			if (nr)
				t->rows = nr;
			nl = realloc(t->lineno, nc * sizeof *nl);
			if (nl)
				t->lineno = nl;
			if (!nr || !nl) {
				why = "out of memory";
				rc = TKP_ENOMEM;
				goto fail;
			}
			cap = nc;
		}
		t->rows[t->nrows] = rec.f;
		t->lineno[t->nrows++] = start;
		rec.f = NULL;
		rec.n = rec.cap = 0;
		line++;
	}
	free(data);
	*out = t;
	return 0;
fail:
	tkp_fmt(err, errlen, "%s:%zu: %s", path, line, why ? why : "malformed CSV");
	rec_free(&rec);
	free(data);
	tkp_csv_free(t);
	return rc;
}

int tkp_csv_col(const tkp_csv *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->header[i], name))
			return (int)i;
	return -1;
}

int tkp_csv_require(const tkp_csv *t, const char *const *names, char *err, size_t errlen)
{
	for (; *names; names++)
		if (tkp_csv_col(t, *names) < 0) {
			tkp_fmt(err, errlen, "%s:1: missing column '%s'", t->path, *names);
			return TKP_EPARSE;
		}
	return 0;
}

int tkp_csv_num(const tkp_csv *t, size_t row, int col, double *out)
{
	const char *s;

	if (row >= t->nrows || col < 0 || (size_t)col >= t->ncols)
		return TKP_EINVAL;
	s = t->rows[row][col];
	if (!*s)
		return 1;
	return tkp_parse_double(s, out) ? TKP_EPARSE : 0;
}

/* ---- sweep.csv ------------------------------------------------------------ */

const char *const tkp_sweep_columns[] = {
	"kernel", "dtype", "m", "n", "k", "block", "threads", "reps",
	"time_s", "time_s_min", "time_s_mad", "gflops",
	"cycles", "instructions", "l1_dcm", "l2_dcm", "l3_tcm", "fp_ops",
	"flops_model", "bytes_model", "ai_model", "ai_dram",
	"cpu_util", "rss_delta_mb", "counter_source", "verified", "max_rel_err", NULL};
const char *const tkp_sweep_columns_added[] = {"ai_l2", "ai_l3", "counted_fraction", "disturbed",
						NULL};

enum { NADDED = sizeof tkp_sweep_columns_added / sizeof tkp_sweep_columns_added[0] - 1 };

int tkp_csv_sweep_added(const tkp_csv *t)
{
	int n = 0;

	while (n < NADDED && tkp_csv_col(t, tkp_sweep_columns_added[n]) >= 0)
		n++;
	return n;
}

int tkp_csv_sweep_header(FILE *fp)
{
	for (int i = 0; tkp_sweep_columns[i]; i++) {
		if (i && tkp_csv_sep(fp))
			return TKP_EIO;
		if (tkp_csv_put_str(fp, tkp_sweep_columns[i]))
			return TKP_EIO;
	}
	for (int i = 0; i < NADDED; i++)
		if (tkp_csv_sep(fp) || tkp_csv_put_str(fp, tkp_sweep_columns_added[i]))
			return TKP_EIO;
	return tkp_csv_eol(fp);
}

int tkp_csv_sweep_row(FILE *fp, const tkp_result *r)
{
	return tkp_csv_sweep_row_n(fp, r, NADDED);
}

/* The added columns' cells, the first n of them. */
static int put_added(FILE *fp, const tkp_result *r, int n)
{
	const double v[NADDED] = {r->ai_l2, r->ai_l3, r->counted_fraction, r->disturbed};
	int rc = 0;

	for (int i = 0; i < n && i < NADDED; i++) {
		rc |= tkp_csv_sep(fp);
		rc |= tkp_csv_put_num(fp, v[i]);
	}
	return rc;
}

int tkp_csv_sweep_row_n(FILE *fp, const tkp_result *r, int nadded)
{
	int rc = 0;

#define SEP() (rc |= tkp_csv_sep(fp))
	rc |= tkp_csv_put_str(fp, r->kernel);
	SEP();
	rc |= tkp_csv_put_str(fp, tkp_dtype_name(r->dtype));
	SEP();
	rc |= tkp_csv_put_int(fp, (long long)r->m);
	SEP();
	rc |= tkp_csv_put_int(fp, (long long)r->n);
	SEP();
	rc |= tkp_csv_put_int(fp, (long long)r->k);
	SEP();
	if (r->block > 0)
		rc |= tkp_csv_put_int(fp, r->block);
	SEP();
	rc |= tkp_csv_put_int(fp, r->threads);
	SEP();
	rc |= tkp_csv_put_int(fp, r->reps);
	SEP();
	rc |= tkp_csv_put_num(fp, r->time_s);
	SEP();
	rc |= tkp_csv_put_num(fp, r->time_s_min);
	SEP();
	rc |= tkp_csv_put_num(fp, r->time_s_mad);
	SEP();
	rc |= tkp_csv_put_num(fp, r->gflops);
	for (int i = 0; i < TKP_M_COUNT; i++) {
		SEP();
		rc |= tkp_csv_put_num(fp, r->counters[i]);
	}
	SEP();
	rc |= tkp_csv_put_num(fp, r->flops_model);
	SEP();
	rc |= tkp_csv_put_num(fp, r->bytes_model);
	SEP();
	rc |= tkp_csv_put_num(fp, r->ai_model);
	SEP();
	rc |= tkp_csv_put_num(fp, r->ai_dram);
	SEP();
	rc |= tkp_csv_put_num(fp, r->cpu_util);
	SEP();
	rc |= tkp_csv_put_num(fp, r->rss_delta_mb);
	SEP();
	rc |= tkp_csv_put_str(fp, tkp_counter_source_name(r->counter_source));
	SEP();
	if (r->verified >= 0)
		rc |= tkp_csv_put_int(fp, r->verified);
	SEP();
	rc |= tkp_csv_put_num(fp, r->max_rel_err);
#undef SEP
	rc |= put_added(fp, r, nadded);
	rc |= tkp_csv_eol(fp);
	return rc ? TKP_EIO : 0;
}

static int cell_num(const tkp_csv *t, size_t row, const char *name, int required, double *out,
		    char *err, size_t errlen)
{
	int col = tkp_csv_col(t, name), rc;

	*out = NAN;
	if (col < 0) {
		tkp_fmt(err, errlen, "%s:1: missing column '%s'", t->path, name);
		return TKP_EPARSE;
	}
	rc = tkp_csv_num(t, row, col, out);
	if (rc == 1 && !required)
		return 0;
	if (rc) {
		tkp_fmt(err, errlen, "%s:%zu: column '%s': expected a %snumber, got '%.40s'", t->path,
			t->lineno[row], name, required ? "" : "finite ", t->rows[row][col]);
		*out = NAN;
		return TKP_EPARSE;
	}
	return 0;
}

int tkp_csv_sweep_parse(const tkp_csv *t, size_t row, tkp_result *r, char *err, size_t errlen)
{
	int ck = tkp_csv_col(t, "kernel"), cd = tkp_csv_col(t, "dtype");
	int cs = tkp_csv_col(t, "counter_source");
	double v;
	int rc;

	if ((rc = tkp_csv_require(t, tkp_sweep_columns, err, errlen)))
		return rc;
	memset(r, 0, sizeof *r);
	if (tkp_strlcpy(r->kernel, t->rows[row][ck], sizeof r->kernel) >= sizeof r->kernel ||
	    !r->kernel[0]) {
		tkp_fmt(err, errlen, "%s:%zu: column 'kernel': expected a kernel name", t->path,
			t->lineno[row]);
		return TKP_EPARSE;
	}
	if (tkp_dtype_parse(t->rows[row][cd], &r->dtype)) {
		tkp_fmt(err, errlen, "%s:%zu: column 'dtype': expected f32 or f64, got '%.20s'", t->path,
			t->lineno[row], t->rows[row][cd]);
		return TKP_EPARSE;
	}
#define NUM(name, req, dst)                                                   \
	do {                                                                  \
		if ((rc = cell_num(t, row, name, req, &v, err, errlen)))      \
			return rc;                                            \
		dst;                                                          \
	} while (0)
#define DIM(name, dst)                                                                      \
	do {                                                                                \
		NUM(name, 1, (void)0);                                                      \
		if (v < 1 || v > 2147483647.0 || v != floor(v)) {                          \
			tkp_fmt(err, errlen, "%s:%zu: column '%s': expected a positive integer", \
				t->path, t->lineno[row], name);                             \
			return TKP_EPARSE;                                                  \
		}                                                                           \
		dst = (size_t)v;                                                            \
	} while (0)
/* An integer cell from lo to hi, or empty (empty_v); never a value that
 * would overflow the int it goes into. */
#define INT(name, lo, hi, empty_v, dst)                                                     \
	do {                                                                                \
		NUM(name, 0, (void)0);                                                      \
		if (isnan(v)) {                                                             \
			dst = (empty_v);                                                    \
			break;                                                              \
		}                                                                           \
		if (v < (lo) || v > (hi) || v != floor(v)) {                                \
			tkp_fmt(err, errlen, "%s:%zu: column '%s': expected an integer from %d " \
				"to %d or an empty cell", t->path, t->lineno[row], name,    \
				(int)(lo), (int)(hi));                                      \
			return TKP_EPARSE;                                                  \
		}                                                                           \
		dst = (int)v;                                                               \
	} while (0)
	DIM("m", r->m);
	DIM("n", r->n);
	DIM("k", r->k);
	INT("block", 0, 1 << 20, 0, r->block);
	DIM("threads", r->threads);
	INT("reps", 0, 2147483647, 0, r->reps);
	NUM("time_s", 1, r->time_s = v);
	NUM("time_s_min", 0, r->time_s_min = v);
	NUM("time_s_mad", 0, r->time_s_mad = v);
	NUM("gflops", 1, r->gflops = v);
	for (int i = 0; i < TKP_M_COUNT; i++)
		NUM(tkp_metric_name(i), 0, r->counters[i] = v);
	NUM("flops_model", 0, r->flops_model = v);
	NUM("bytes_model", 0, r->bytes_model = v);
	NUM("ai_model", 0, r->ai_model = v);
	NUM("ai_dram", 0, r->ai_dram = v);
	NUM("cpu_util", 0, r->cpu_util = v);
	NUM("rss_delta_mb", 0, r->rss_delta_mb = v);
	INT("verified", 0, 1, -1, r->verified);
	NUM("max_rel_err", 0, r->max_rel_err = v);
	r->ai_l2 = r->ai_l3 = r->counted_fraction = NAN;
	if (tkp_csv_col(t, "ai_l2") >= 0)
		NUM("ai_l2", 0, r->ai_l2 = v);
	if (tkp_csv_col(t, "ai_l3") >= 0)
		NUM("ai_l3", 0, r->ai_l3 = v);
	if (tkp_csv_col(t, "counted_fraction") >= 0)
		NUM("counted_fraction", 0, r->counted_fraction = v);
	if (tkp_csv_col(t, "disturbed") >= 0)
		INT("disturbed", 0, 2147483647, 0, r->disturbed);
#undef NUM
#undef DIM
#undef INT
	r->counter_source = !strcmp(t->rows[row][cs], "papi") ? TKP_SRC_PAPI
			    : !strcmp(t->rows[row][cs], "sim") ? TKP_SRC_SIM : TKP_SRC_NONE;
	r->tsc_cycles = NAN;
	return 0;
}
