/*
 * profile.c - reading, overriding, saving and expanding sweep plans.
 *
 * Profiles are parsed with inih.  Two things inih leaves to us: inline `#`
 * comments (its inline prefix is `;` only) and lines longer than its 200-byte
 * buffer, which it would split silently; both are handled before a value is
 * used, so a bad line is always reported with its file:line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernels.h"
#include "fsutil.h"
#include "profile.h"
#include "util.h"

#define DIM_MAX 2147483647u /* a dimension must fit an int for BLAS */
#define INI_LINE_MAX 199    /* inih's buffer is 200 bytes with the NUL */

void tkp_plan_defaults(tkp_plan *p)
{
	char err[128];

	memset(p, 0, sizeof *p);
	for (size_t i = 0; i < tkp_kernel_count() && p->nkernels < TKP_PLAN_MAX_KERNELS; i++)
		tkp_strlcpy(p->kernels[p->nkernels++], tkp_kernel_at(i)->name, 32);
	tkp_parse_sizes("64:512:x2", &p->sizes, err, sizeof err);
	p->blocks.n = 1;
	p->blocks.v[0] = 0;
	p->threads.n = 1;
	p->threads.v[0] = 1;
	p->ndtypes = 1;
	p->dtypes[0] = TKP_F64;
	p->budget_s = 0;
	tkp_strlcpy(p->counters, "auto", sizeof p->counters);
	p->sim_max_size = TKP_PLAN_SIM_MAX_SIZE;
	p->sim_sample = 1;
	p->min_time_s = 0.2;
	p->min_reps = 3;
	p->max_reps = 1000;
	tkp_strlcpy(p->probe, "quick", sizeof p->probe);
	p->seed = 42;
}

/* ---- list parsers ------------------------------------------------------ */

static int parse_dim(const char *s, uint64_t *out, char *err, size_t errlen)
{
	int rc;

	if (*s == '-') {
		tkp_fmt(err, errlen, "'%s': sizes must be positive integers", s);
		return TKP_EINVAL;
	}
	rc = tkp_parse_u64(s, DIM_MAX, 0, out);
	if (rc == TKP_ERANGE) {
		tkp_fmt(err, errlen, "'%s': too large (a dimension is at most %u)", s, DIM_MAX);
		return rc;
	}
	if (rc) {
		tkp_fmt(err, errlen, "'%s': expected a positive integer", s);
		return rc;
	}
	if (*out == 0) {
		tkp_fmt(err, errlen, "'%s': sizes must be at least 1", s);
		return TKP_EINVAL;
	}
	return 0;
}

int tkp_parse_shape(const char *s, tkp_shape *out, char *err, size_t errlen)
{
	char buf[128], *x1, *x2;
	uint64_t m, n, k;
	int rc;

	if (tkp_strlcpy(buf, s, sizeof buf) >= sizeof buf) {
		tkp_fmt(err, errlen, "'%.40s...': size too long", s);
		return TKP_EINVAL;
	}
	x1 = strchr(buf, 'x');
	if (!x1) {
		if ((rc = parse_dim(tkp_trim(buf), &m, err, errlen)))
			return rc;
		*out = (tkp_shape){m, m, m};
		return 0;
	}
	*x1++ = '\0';
	x2 = strchr(x1, 'x');
	if (!x2 || strchr(x2 + 1, 'x')) {
		tkp_fmt(err, errlen, "'%s': expected N or MxNxK", s);
		return TKP_EINVAL;
	}
	*x2++ = '\0';
	if ((rc = parse_dim(tkp_trim(buf), &m, err, errlen)) || (rc = parse_dim(tkp_trim(x1), &n, err, errlen)) ||
	    (rc = parse_dim(tkp_trim(x2), &k, err, errlen))) {
		/* name the whole shape, not only the bad part of it */
		char part[256];
		tkp_strlcpy(part, err, sizeof part);
		tkp_fmt(err, errlen, "'%s': %s", s, part);
		return rc;
	}
	*out = (tkp_shape){m, n, k};
	return 0;
}

/* Splits "a:b:xF" / "a:b:+S" into its parts; 0 if s is not a range. */
static int split_range(char *s, char **a, char **b, char **step)
{
	char *c1 = strchr(s, ':'), *c2;

	if (!c1)
		return 0;
	*c1 = '\0';
	c2 = strchr(c1 + 1, ':');
	if (!c2)
		return -1;
	*c2 = '\0';
	*a = tkp_trim(s);
	*b = tkp_trim(c1 + 1);
	*step = tkp_trim(c2 + 1);
	return 1;
}

/* Expands a range into values via emit(); geometric ×F (F ≥ 2 integer or a
 * real > 1) or arithmetic +S. */
static int expand_range(const char *orig, uint64_t lo, uint64_t hi, const char *step,
			int (*emit)(void *, uint64_t), void *ud, char *err, size_t errlen)
{
	double f;
	uint64_t s;

	if (lo > hi) {
		tkp_fmt(err, errlen, "'%s': range start is above its end", orig);
		return TKP_EINVAL;
	}
	if (step[0] == 'x' || step[0] == '*') {
		if (tkp_parse_double(step + 1, &f) || !(f > 1.0) || f > 1e6) {
			tkp_fmt(err, errlen, "'%s': expected a factor above 1 after 'x'", orig);
			return TKP_EINVAL;
		}
		for (double v = (double)lo; v <= (double)hi * (1 + 1e-12); v *= f) {
			int rc = emit(ud, (uint64_t)llround(v));
			if (rc)
				return rc;
			if ((uint64_t)llround(v * f) == (uint64_t)llround(v))
				v += 1; /* factor too small to move: step by one */
		}
		return 0;
	}
	if (step[0] == '+') {
		if (tkp_parse_u64(step + 1, DIM_MAX, 0, &s) || s == 0) {
			tkp_fmt(err, errlen, "'%s': expected a positive step after '+'", orig);
			return TKP_EINVAL;
		}
		for (uint64_t v = lo; v <= hi; v += s) {
			int rc = emit(ud, v);
			if (rc)
				return rc;
			if (hi - v < s)
				break;
		}
		return 0;
	}
	tkp_fmt(err, errlen, "'%s': expected a range a:b:xF or a:b:+S", orig);
	return TKP_EINVAL;
}

struct size_emit {
	tkp_size_list *out;
	char *err;
	size_t errlen;
};

static int emit_size(void *ud, uint64_t v)
{
	struct size_emit *e = ud;

	if (e->out->n >= TKP_PLAN_MAX_SIZES) {
		tkp_fmt(e->err, e->errlen, "more than %d sizes", TKP_PLAN_MAX_SIZES);
		return TKP_ERANGE;
	}
	e->out->v[e->out->n++] = (tkp_shape){v, v, v};
	return 0;
}

/* Calls fn on each comma-separated, trimmed, non-empty item. */
static int for_each_item(const char *s, int (*fn)(void *, char *), void *ud, char *err,
			 size_t errlen)
{
	char *copy, *save = NULL, *tok;
	int rc = 0, any = 0;

	if (!(copy = strdup(s)))
		return TKP_ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *t = tkp_trim(tok);
		if (!*t)
			continue;
		any = 1;
		if ((rc = fn(ud, t)))
			break;
	}
	free(copy);
	if (!rc && !any) {
		tkp_fmt(err, errlen, "empty list");
		rc = TKP_EINVAL;
	}
	return rc;
}

static int size_item(void *ud, char *t)
{
	struct size_emit *e = ud;
	char orig[128], *a, *b, *st;
	uint64_t lo, hi;
	int r, rc;

	tkp_strlcpy(orig, t, sizeof orig);
	r = split_range(t, &a, &b, &st);
	if (r < 0) {
		tkp_fmt(e->err, e->errlen, "'%s': expected a range a:b:xF or a:b:+S", orig);
		return TKP_EINVAL;
	}
	if (r == 0) {
		tkp_shape sh;
		if ((rc = tkp_parse_shape(t, &sh, e->err, e->errlen)))
			return rc;
		if (e->out->n >= TKP_PLAN_MAX_SIZES) {
			tkp_fmt(e->err, e->errlen, "more than %d sizes", TKP_PLAN_MAX_SIZES);
			return TKP_ERANGE;
		}
		e->out->v[e->out->n++] = sh;
		return 0;
	}
	if (strchr(a, 'x') || strchr(b, 'x')) {
		tkp_fmt(e->err, e->errlen, "'%s': ranges take square sizes only (e.g. 64:1024:x2); "
					   "list MxNxK shapes one by one", orig);
		return TKP_EINVAL;
	}
	if ((rc = parse_dim(a, &lo, e->err, e->errlen)) || (rc = parse_dim(b, &hi, e->err, e->errlen)))
		return rc;
	return expand_range(orig, lo, hi, st, emit_size, e, e->err, e->errlen);
}

int tkp_parse_sizes(const char *s, tkp_size_list *out, char *err, size_t errlen)
{
	struct size_emit e = {out, err, errlen};

	out->n = 0;
	return for_each_item(s, size_item, &e, err, errlen);
}

struct int_emit {
	tkp_int_list *out;
	int lo, hi, allow_auto;
	char *err;
	size_t errlen;
};

static int emit_int(void *ud, uint64_t v)
{
	struct int_emit *e = ud;

	if (v < (uint64_t)e->lo || v > (uint64_t)e->hi) {
		tkp_fmt(e->err, e->errlen, "%llu: expected %d to %d", (unsigned long long)v, e->lo, e->hi);
		return TKP_ERANGE;
	}
	for (int i = 0; i < e->out->n; i++)
		if (e->out->v[i] == (int)v)
			return 0; /* duplicates would only repeat configurations */
	if (e->out->n >= TKP_PLAN_MAX_INTS) {
		tkp_fmt(e->err, e->errlen, "more than %d values", TKP_PLAN_MAX_INTS);
		return TKP_ERANGE;
	}
	e->out->v[e->out->n++] = (int)v;
	return 0;
}

static int ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)(n > TKP_MAX_THREADS ? TKP_MAX_THREADS : n) : 1;
}

static int int_value(struct int_emit *e, const char *t, uint64_t *v)
{
	int rc;

	if (!strcmp(t, "ncpu")) {
		*v = (uint64_t)ncpu();
		return 0;
	}
	if (*t == '-') {
		tkp_fmt(e->err, e->errlen, "'%s': expected %d to %d", t, e->lo, e->hi);
		return TKP_EINVAL;
	}
	rc = tkp_parse_u64(t, UINT32_MAX, 0, v);
	if (rc == TKP_ERANGE || (!rc && (*v < (uint64_t)e->lo || *v > (uint64_t)e->hi))) {
		tkp_fmt(e->err, e->errlen, "'%s': expected %d to %d", t, e->lo, e->hi);
		return TKP_ERANGE;
	}
	if (rc)
		tkp_fmt(e->err, e->errlen, "'%s': expected an integer%s", t,
			e->allow_auto ? " or 'auto'" : "");
	return rc;
}

static int int_item(void *ud, char *t)
{
	struct int_emit *e = ud;
	char orig[128], *a, *b, *st;
	uint64_t lo, hi;
	int r, rc;

	if (e->allow_auto && !strcmp(t, "auto")) {
		for (int i = 0; i < e->out->n; i++)
			if (e->out->v[i] == 0)
				return 0;
		if (e->out->n >= TKP_PLAN_MAX_INTS)
			return TKP_ERANGE;
		e->out->v[e->out->n++] = 0;
		return 0;
	}
	tkp_strlcpy(orig, t, sizeof orig);
	r = split_range(t, &a, &b, &st);
	if (r < 0) {
		tkp_fmt(e->err, e->errlen, "'%s': expected a range a:b:xF or a:b:+S", orig);
		return TKP_EINVAL;
	}
	if (r == 0) {
		if ((rc = int_value(e, t, &lo)))
			return rc;
		return emit_int(e, lo);
	}
	if ((rc = int_value(e, a, &lo)) || (rc = int_value(e, b, &hi)))
		return rc;
	return expand_range(orig, lo, hi, st, emit_int, e, e->err, e->errlen);
}

int tkp_parse_ints(const char *s, int lo, int hi, int allow_auto, tkp_int_list *out, char *err,
		   size_t errlen)
{
	/* into a copy: a list that fails to parse leaves *out as it was */
	tkp_int_list tmp = {.n = 0};
	struct int_emit e = {&tmp, lo, hi, allow_auto, err, errlen};
	int rc = for_each_item(s, int_item, &e, err, errlen);

	if (!rc)
		*out = tmp;
	return rc;
}

/* ---- keys -------------------------------------------------------------- */

struct kernels_emit {
	tkp_plan *p;
	char *err;
	size_t errlen;
};

/* Closest registered kernel name, for "did you mean". */
static const char *nearest_kernel(const char *name)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;

	for (size_t i = 0; i < tkp_kernel_count(); i++) {
		const char *k = tkp_kernel_at(i)->name;
		size_t la = strlen(name), lb = strlen(k), d[64], prev, tmp;
		if (la >= 63 || lb >= 63)
			continue;
		/* Levenshtein distance, one row */
		for (size_t j = 0; j <= lb; j++)
			d[j] = j;
		for (size_t a = 1; a <= la; a++) {
			prev = d[0];
			d[0] = a;
			for (size_t j = 1; j <= lb; j++) {
				tmp = d[j];
				d[j] = (name[a - 1] == k[j - 1]) ? prev
					: 1 + (prev < d[j] ? (prev < d[j - 1] ? prev : d[j - 1])
							   : (d[j] < d[j - 1] ? d[j] : d[j - 1]));
				prev = tmp;
			}
		}
		if (d[lb] < bestd) {
			bestd = d[lb];
			best = k;
		}
	}
	return bestd <= 3 ? best : NULL;
}

static int kernel_item(void *ud, char *t)
{
	struct kernels_emit *e = ud;

	if (!strcmp(t, "all")) {
		for (size_t i = 0; i < tkp_kernel_count(); i++) {
			int dup = 0;
			for (int j = 0; j < e->p->nkernels; j++)
				dup |= !strcmp(e->p->kernels[j], tkp_kernel_at(i)->name);
			if (!dup && e->p->nkernels < TKP_PLAN_MAX_KERNELS)
				tkp_strlcpy(e->p->kernels[e->p->nkernels++], tkp_kernel_at(i)->name, 32);
		}
		return 0;
	}
	if (!tkp_kernel_find(t)) {
		const char *near = nearest_kernel(t);
		char names[256] = "";
		for (size_t i = 0; i < tkp_kernel_count(); i++) {
			if (i)
				strncat(names, ",", sizeof names - strlen(names) - 1);
			strncat(names, tkp_kernel_at(i)->name, sizeof names - strlen(names) - 1);
		}
		if (near)
			tkp_fmt(e->err, e->errlen, "unknown kernel '%s' (did you mean '%s'?)", t, near);
		else
			tkp_fmt(e->err, e->errlen, "unknown kernel '%s' (expected one of %s)", t, names);
		return TKP_ENOENT;
	}
	for (int j = 0; j < e->p->nkernels; j++)
		if (!strcmp(e->p->kernels[j], t))
			return 0;
	if (e->p->nkernels >= TKP_PLAN_MAX_KERNELS)
		return TKP_ERANGE;
	tkp_strlcpy(e->p->kernels[e->p->nkernels++], t, 32);
	return 0;
}

static int dtype_item(void *ud, char *t)
{
	struct kernels_emit *e = ud;
	tkp_dtype d;

	if (!strcmp(t, "both")) {
		e->p->ndtypes = 2;
		e->p->dtypes[0] = TKP_F32;
		e->p->dtypes[1] = TKP_F64;
		return 0;
	}
	if (tkp_dtype_parse(t, &d)) {
		tkp_fmt(e->err, e->errlen, "unknown dtype '%s' (expected f32, f64 or both)", t);
		return TKP_EINVAL;
	}
	for (int i = 0; i < e->p->ndtypes; i++)
		if (e->p->dtypes[i] == d)
			return 0;
	e->p->dtypes[e->p->ndtypes++] = d;
	return 0;
}

static tkp_plan_kernel *kopt(tkp_plan *p, const char *name)
{
	for (int i = 0; i < p->nkopts; i++)
		if (!strcmp(p->kopts[i].name, name))
			return &p->kopts[i];
	if (p->nkopts >= TKP_PLAN_MAX_KERNELS)
		return NULL;
	memset(&p->kopts[p->nkopts], 0, sizeof p->kopts[0]);
	tkp_strlcpy(p->kopts[p->nkopts].name, name, 32);
	return &p->kopts[p->nkopts++];
}

static int parse_seconds(const char *v, double lo, double hi, double *out, char *err, size_t errlen)
{
	double d;

	if (tkp_parse_double(v, &d) || d < lo || d > hi) {
		tkp_fmt(err, errlen, "'%s': expected seconds from %g to %g", v, lo, hi);
		return TKP_EINVAL;
	}
	*out = d;
	return 0;
}

static int parse_one_int(const char *v, int lo, int hi, int *out, char *err, size_t errlen)
{
	uint64_t u;

	if (*v == '-' || tkp_parse_u64(v, (uint64_t)hi, 0, &u) || u < (uint64_t)lo) {
		tkp_fmt(err, errlen, "'%s': expected an integer from %d to %d", v, lo, hi);
		return TKP_EINVAL;
	}
	*out = (int)u;
	return 0;
}

/*
 * tuned_mc/kc/nc = N (every dtype) or f32:N,f64:N (per dtype), N from 1 to
 * 2^24, as TKP_TUNED_MC/KC/NC take: component i of tuned[dtype].
 */
static int parse_tuned(const char *value, size_t tuned[2][3], int i, char *err, size_t errlen)
{
	char buf[64], *save = NULL, *t;
	size_t v[2] = {0, 0};
	int items = 0, plain = 0;

	if (tkp_strlcpy(buf, value, sizeof buf) >= sizeof buf)
		goto bad;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(t = tkp_trim(t), ':');
		uint64_t n;
		tkp_dtype dt;

		if (colon)
			*colon = '\0';
		if ((colon && tkp_dtype_parse(tkp_trim(t), &dt)) ||
		    tkp_parse_u64(tkp_trim(colon ? colon + 1 : t), 1u << 24, 0, &n) || n == 0)
			goto bad;
		items++;
		plain |= !colon;
		if (colon)
			v[dt == TKP_F64] = n;
		else
			v[0] = v[1] = n;
	}
	/* one number alone, or dtype:number items */
	if (!items || (plain && items > 1))
		goto bad;
	for (int d = 0; d < 2; d++)
		if (v[d])
			tuned[d][i] = v[d];
	return 0;
bad:
	tkp_fmt(err, errlen, "'%s': expected a whole number from 1 to %u, or f32:N,f64:N", value,
		1u << 24);
	return TKP_EINVAL;
}

/* Whether one name of a kernel_files list survives the trip through
 * plan.prof: written alone on its line as "kernel_files = NAME", a name
 * that starts with ';' or '#', or has one after a space, reads back with
 * a comment cut off, one with spaces around it reads back trimmed, and an
 * empty one is no name at all; and the line must fit inih's buffer. */
#define KERNEL_FILES_KEY "kernel_files = "
enum { KERNEL_FILE_MAX = INI_LINE_MAX - (sizeof KERNEL_FILES_KEY - 1) };

static int file_name_writable(const char *name, size_t len)
{
	if (len == 0 || len > KERNEL_FILE_MAX || isspace((unsigned char)name[0]) ||
	    isspace((unsigned char)name[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((name[i] == ';' || name[i] == '#') && (i == 0 || isspace((unsigned char)name[i - 1])))
			return 0;
	return 1;
}

/* kernel_files: the list of files (the CLI loads and checks them).  Lines
 * repeating the key in a profile arrive joined, as a list (the loader's
 * handler joins them). */
static int add_kernel_files(tkp_plan *p, const char *value, char *err, size_t errlen)
{
	for (const char *s = value, *end;; s = end + 1) {
		size_t n = strcspn(s, ",");

		end = s + n;
		if (!file_name_writable(s, n)) {
			tkp_fmt(err, errlen,
				"'%.*s' in '%s': expected FILE[,FILE...] (C sources or shared "
				"objects; a name neither empty nor starting with ';' or '#', no "
				"';' or '#' after a space, no spaces around it, at most %d "
				"characters)",
				(int)n, s, value, (int)KERNEL_FILE_MAX);
			return TKP_EINVAL;
		}
		if (!*end)
			break;
	}
	if (strlen(value) + 1 > sizeof p->kernel_files) {
		tkp_fmt(err, errlen, "too many kernel files (at most %zu characters in all)",
			sizeof p->kernel_files - 1);
		return TKP_ERANGE;
	}
	tkp_strlcpy(p->kernel_files, value, sizeof p->kernel_files);
	return 0;
}

int tkp_plan_set(tkp_plan *p, const char *section, const char *key, const char *value, char *err,
		 size_t errlen)
{
	struct kernels_emit ke = {p, err, errlen};

	if (!strcmp(section, "sweep")) {
		if (!strcmp(key, "kernels")) {
			int saved = p->nkernels, rc;
			p->nkernels = 0;
			rc = for_each_item(value, kernel_item, &ke, err, errlen);
			if (rc)
				p->nkernels = saved;
			return rc;
		}
		if (!strcmp(key, "sizes"))
			return tkp_parse_sizes(value, &p->sizes, err, errlen);
		if (!strcmp(key, "blocks"))
			return tkp_parse_ints(value, 1, 1 << 20, 1, &p->blocks, err, errlen);
		if (!strcmp(key, "threads"))
			return tkp_parse_ints(value, 1, TKP_MAX_THREADS, 0, &p->threads, err, errlen);
		if (!strcmp(key, "dtype") || !strcmp(key, "dtypes")) {
			int saved = p->ndtypes, rc;
			p->ndtypes = 0;
			rc = for_each_item(value, dtype_item, &ke, err, errlen);
			if (rc)
				p->ndtypes = saved;
			return rc;
		}
		if (!strcmp(key, "budget"))
			return parse_seconds(value, 0, 1e7, &p->budget_s, err, errlen);
		if (!strcmp(key, "min_time"))
			return parse_seconds(value, 0, 3600, &p->min_time_s, err, errlen);
		if (!strcmp(key, "min_reps"))
			return parse_one_int(value, 1, 1000000, &p->min_reps, err, errlen);
		if (!strcmp(key, "max_reps"))
			return parse_one_int(value, 1, 1000000, &p->max_reps, err, errlen);
		if (!strcmp(key, "counters")) {
			/* validated by the counter layer's parser in the CLI; here
			 * only the vocabulary */
			char buf[32], *save = NULL, *t;
			if (tkp_strlcpy(buf, value, sizeof buf) >= sizeof buf)
				goto bad_counters;
			for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
				if (strcmp(tkp_trim(t), "auto") && strcmp(tkp_trim(t), "papi") &&
				    strcmp(tkp_trim(t), "sim") && strcmp(tkp_trim(t), "none"))
					goto bad_counters;
			tkp_strlcpy(p->counters, value, sizeof p->counters);
			return 0;
		bad_counters:
			tkp_fmt(err, errlen, "'%s': expected auto, papi, sim, auto,sim or none", value);
			return TKP_EINVAL;
		}
		if (!strcmp(key, "sim_max_size")) {
			uint64_t v;
			int rc;
			if ((rc = parse_dim(value, &v, err, errlen)))
				return rc;
			p->sim_max_size = v;
			return 0;
		}
		if (!strcmp(key, "sim_sample")) {
			if (strcmp(value, "on") && strcmp(value, "off")) {
				tkp_fmt(err, errlen, "'%s': expected on or off", value);
				return TKP_EINVAL;
			}
			p->sim_sample = !strcmp(value, "on");
			return 0;
		}
		if (!strcmp(key, "probe")) {
			if (strcmp(value, "quick") && strcmp(value, "full") && strcmp(value, "none")) {
				tkp_fmt(err, errlen, "'%s': expected quick, full or none", value);
				return TKP_EINVAL;
			}
			tkp_strlcpy(p->probe, value, sizeof p->probe);
			return 0;
		}
		if (!strcmp(key, "seed")) {
			uint64_t s;
			if (tkp_parse_u64(value, UINT64_MAX, 0, &s)) {
				tkp_fmt(err, errlen, "'%s': expected a non-negative integer", value);
				return TKP_EINVAL;
			}
			p->seed = s;
			return 0;
		}
		if (!strcmp(key, "kernel_files"))
			return add_kernel_files(p, value, err, errlen);
		if (!strcmp(key, "kernel_timeout"))
			return parse_seconds(value, 0, 86400, &p->kernel_timeout_s, err, errlen);
		if (!strncmp(key, "tuned_", 6))
			for (int i = 0; i < 3; i++)
				if (!strcmp(key + 6, (const char *const[3]){"mc", "kc", "nc"}[i]))
					return parse_tuned(value, p->tuned, i, err, errlen);
		tkp_fmt(err, errlen, "unknown key '%s' in [sweep] (expected kernels, sizes, blocks, threads, "
			"dtype, budget, counters, sim_max_size, sim_sample, min_time, min_reps, max_reps, probe, "
			"seed, tuned_mc, tuned_kc, tuned_nc, kernel_files, kernel_timeout)", key);
		return TKP_EINVAL;
	}
	if (!strncmp(section, "kernel.", 7)) {
		const char *kname = section + 7;
		tkp_plan_kernel *ko;
		int rc;

		if (!tkp_kernel_find(kname)) {
			const char *near = nearest_kernel(kname);
			tkp_fmt(err, errlen, "unknown kernel '%s' in section [%s]%s%s%s", kname, section,
				near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
			return TKP_ENOENT;
		}
		if (!(ko = kopt(p, kname)))
			return TKP_ERANGE;
		if (!strcmp(key, "max_size")) {
			uint64_t v;
			if ((rc = parse_dim(value, &v, err, errlen)))
				return rc;
			ko->max_size = v;
			return 0;
		}
		if (!strcmp(key, "sizes")) {
			if ((rc = tkp_parse_sizes(value, &ko->sizes, err, errlen)))
				return rc;
			ko->has_sizes = 1;
			return 0;
		}
		if (!strcmp(key, "blocks")) {
			if ((rc = tkp_parse_ints(value, 1, 1 << 20, 1, &ko->blocks, err, errlen)))
				return rc;
			ko->has_blocks = 1;
			return 0;
		}
		if (!strcmp(key, "threads")) {
			if ((rc = tkp_parse_ints(value, 1, TKP_MAX_THREADS, 0, &ko->threads, err, errlen)))
				return rc;
			ko->has_threads = 1;
			return 0;
		}
		tkp_fmt(err, errlen, "unknown key '%s' in [%s] (expected max_size, sizes, blocks, threads)",
			key, section);
		return TKP_EINVAL;
	}
	tkp_fmt(err, errlen, "unknown section [%s] (expected [sweep] or [kernel.NAME])", section);
	return TKP_EINVAL;
}

/* ---- loading ----------------------------------------------------------- */

struct load_ctx {
	tkp_plan *p;
	char msg[512];
	int failed;
	/* the previous key, so an indented continuation line (inih calls the
	 * handler again with the same key) appends to its list */
	char section[64], key[64];
	char value[8192];
};

static int plan_ini_handler(void *ud, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = ud;
	char v[256], *mark, err[400];

	if (c->failed)
		return 0;
	tkp_strlcpy(v, value, sizeof v);
	/* inline comments: inih only knows `;` after a space, and only on a
	 * key's own line, not on an indented continuation line; cut `#` (at
	 * the start or after a space) and `;` (after a space) on both kinds of
	 * line, so a value reads the same however the profile wraps it */
	for (mark = v; (mark = strpbrk(mark, "#;")); mark++)
		if ((mark == v && *mark == '#') || (mark > v && isspace((unsigned char)mark[-1]))) {
			*mark = '\0';
			break;
		}
	if (!*section) {
		tkp_fmt(c->msg, sizeof c->msg, "'%s' outside a section (start with [sweep])", name);
		c->failed = 1;
		return 0;
	}
	if (!strcmp(c->section, section) && !strcmp(c->key, name)) {
		size_t used = strlen(c->value);
		if (used + 1 + strlen(tkp_trim(v)) >= sizeof c->value) {
			tkp_fmt(c->msg, sizeof c->msg, "%s: value longer than %zu characters", name,
				sizeof c->value - 1);
			c->failed = 1;
			return 0;
		}
		c->value[used] = ',';
		tkp_strlcpy(c->value + used + 1, tkp_trim(v), sizeof c->value - used - 1);
	} else {
		tkp_strlcpy(c->section, section, sizeof c->section);
		tkp_strlcpy(c->key, name, sizeof c->key);
		tkp_strlcpy(c->value, tkp_trim(v), sizeof c->value);
	}
	if (tkp_plan_set(c->p, section, name, c->value, err, sizeof err)) {
		tkp_fmt(c->msg, sizeof c->msg, "%s = %s: %s", name, tkp_trim(v), err);
		c->failed = 1;
		return 0;
	}
	return 1;
}

/* Checks what inih would misread: NUL bytes, over-long lines. */
static int precheck(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
	size_t line = 1, col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch == '\n') {
			line++;
			col = 0;
			continue;
		}
		if (ch == '\0' || (ch < 0x20 && ch != '\t' && ch != '\r')) {
			tkp_fmt(err, errlen, "%s:%zu: binary data (control byte 0x%02x): not a profile", path,
				line, ch);
			return TKP_EPARSE;
		}
		if (++col > INI_LINE_MAX) {
			tkp_fmt(err, errlen, "%s:%zu: line longer than %d characters", path, line,
				INI_LINE_MAX);
			return TKP_EPARSE;
		}
	}
	return 0;
}

int tkp_plan_load(tkp_plan *p, const char *path, char *err, size_t errlen)
{
	struct load_ctx c = {.p = p};
	char *data = NULL;
	size_t len = 0;
	int rc, line;

	rc = tkp_read_file(path, 1 << 20, &data, &len);
	if (rc) {
		tkp_fmt(err, errlen, "%s: %s", path, rc == TKP_ERANGE ? "larger than 1 MiB: not a profile"
								 : strerror(errno));
		return rc == TKP_ERANGE ? TKP_EPARSE : TKP_EIO;
	}
	if ((rc = precheck(path, data, len, err, errlen))) {
		free(data);
		return rc;
	}
	line = ini_parse_string(data, plan_ini_handler, &c);
	free(data);
	if (line == 0)
		return 0;
	if (line < 0) {
		tkp_fmt(err, errlen, "%s: out of memory", path);
		return TKP_ENOMEM;
	}
	if (c.failed)
		tkp_fmt(err, errlen, "%s:%d: %s", path, line, c.msg);
	else
		tkp_fmt(err, errlen, "%s:%d: syntax error: expected 'key = value', '[section]' or a # comment",
			path, line);
	return TKP_EPARSE;
}

/* ---- saving ------------------------------------------------------------ */

/* Writes one item of a list after the key's "key = " (col: the column
 * reached), continuing on an indented line (inih's multi-line values,
 * which the loader appends) before a line would pass 150 characters, so
 * none reaches inih's 200-byte buffer. */
static void write_item(FILE *fp, int *col, int first, const char *item)
{
	if (!first && *col + (int)strlen(item) > 150) {
		fputs("\n    ", fp);
		*col = 4;
	} else if (!first) {
		fputc(',', fp);
		(*col)++;
	}
	fputs(item, fp);
	*col += (int)strlen(item);
}

static void write_sizes(FILE *fp, const tkp_size_list *s)
{
	int col = 8;

	for (int i = 0; i < s->n; i++) {
		const tkp_shape *sh = &s->v[i];
		char item[80];
		if (sh->m == sh->n && sh->n == sh->k)
			tkp_fmt(item, sizeof item, "%zu", sh->m);
		else
			tkp_fmt(item, sizeof item, "%zux%zux%zu", sh->m, sh->n, sh->k);
		write_item(fp, &col, i == 0, item);
	}
}

/* (a block or thread list: up to 64 numbers, 700 characters, wrapped) */
static void write_ints(FILE *fp, const tkp_int_list *l)
{
	int col = 10;

	for (int i = 0; i < l->n; i++) {
		char item[16];
		if (l->v[i] == 0)
			tkp_strlcpy(item, "auto", sizeof item);
		else
			tkp_fmt(item, sizeof item, "%d", l->v[i]);
		write_item(fp, &col, i == 0, item);
	}
}

/* Shortest of %.15g / %.17g that reads back as the same double. */
static const char *num(char *buf, size_t len, double v)
{
	tkp_fmt(buf, len, "%.15g", v);
	if (strtod(buf, NULL) != v)
		tkp_fmt(buf, len, "%.17g", v);
	return buf;
}

/* The tuned kernel's blocking for the plan's dtypes, where set: one value
 * when they agree, else f32:N,f64:N. */
static void write_tuned(FILE *fp, const tkp_plan *p)
{
	static const char *const keys[3] = {"tuned_mc", "tuned_kc", "tuned_nc"};

	for (int i = 0; i < 3; i++) {
		size_t first = p->tuned[p->dtypes[0] == TKP_F64][i];
		int same = 1, any = 0;

		for (int d = 0; d < p->ndtypes; d++) {
			size_t v = p->tuned[p->dtypes[d] == TKP_F64][i];
			same &= v == first;
			any |= v != 0;
		}
		if (!any)
			continue;
		fprintf(fp, "%s = ", keys[i]);
		if (same)
			fprintf(fp, "%zu\n", first);
		else
			for (int d = 0, o = 0; d < p->ndtypes; d++) {
				size_t v = p->tuned[p->dtypes[d] == TKP_F64][i];
				if (v)
					fprintf(fp, "%s%s:%zu", o++ ? "," : "", tkp_dtype_name(p->dtypes[d]), v);
				if (d == p->ndtypes - 1)
					fputc('\n', fp);
			}
	}
}

/* One kernel_files line per file (a line of a profile holds 199 bytes). */
static void write_kernel_files(FILE *fp, const tkp_plan *p)
{
	const char *s = p->kernel_files;

	while (*s) {
		size_t n = strcspn(s, ",");
		fprintf(fp, KERNEL_FILES_KEY "%.*s\n", (int)n, s);
		s += n + (s[n] == ',');
	}
	if (p->kernel_timeout_s > 0)
		fprintf(fp, "kernel_timeout = %.17g\n", p->kernel_timeout_s);
}

int tkp_plan_write(const tkp_plan *p, FILE *fp)
{
	char b1[32], b2[32];

	fprintf(fp, "# plan.prof - the effective plan of this sweep (profile + options);\n"
		    "# `tkprofile sweep --out DIR --resume` continues it.\n[sweep]\nkernels = ");
	/* user kernels come back through kernel_files, loaded before they run */
	for (int i = 0, o = 0; i < p->nkernels; i++)
		if (tkp_kernel_is_builtin(tkp_kernel_find(p->kernels[i])))
			fprintf(fp, "%s%s", o++ ? "," : "", p->kernels[i]);
	fprintf(fp, "\n");
	write_kernel_files(fp, p);
	fprintf(fp, "sizes = ");
	write_sizes(fp, &p->sizes);
	fprintf(fp, "\nblocks = ");
	write_ints(fp, &p->blocks);
	fprintf(fp, "\nthreads = ");
	write_ints(fp, &p->threads);
	fprintf(fp, "\ndtype = ");
	for (int i = 0; i < p->ndtypes; i++)
		fprintf(fp, "%s%s", i ? "," : "", tkp_dtype_name(p->dtypes[i]));
	fprintf(fp, "\nbudget = %s\ncounters = %s\nsim_max_size = %zu\nsim_sample = %s\nmin_time = %s\n"
		    "min_reps = %d\nmax_reps = %d\nprobe = %s\nseed = %llu\n",
		num(b1, sizeof b1, p->budget_s), p->counters, p->sim_max_size, p->sim_sample ? "on" : "off", num(b2, sizeof b2, p->min_time_s), p->min_reps, p->max_reps, p->probe,
		(unsigned long long)p->seed);
	write_tuned(fp, p);
	for (int i = 0; i < p->nkopts; i++) {
		const tkp_plan_kernel *k = &p->kopts[i];
		fprintf(fp, "\n[kernel.%s]\n", k->name);
		if (k->max_size)
			fprintf(fp, "max_size = %zu\n", k->max_size);
		if (k->has_sizes) {
			fprintf(fp, "sizes = ");
			write_sizes(fp, &k->sizes);
			fprintf(fp, "\n");
		}
		if (k->has_blocks) {
			fprintf(fp, "blocks = ");
			write_ints(fp, &k->blocks);
			fprintf(fp, "\n");
		}
		if (k->has_threads) {
			fprintf(fp, "threads = ");
			write_ints(fp, &k->threads);
			fprintf(fp, "\n");
		}
	}
	return ferror(fp) ? TKP_EIO : 0;
}

/* ---- expansion --------------------------------------------------------- */

static size_t shape_max(const tkp_shape *s)
{
	size_t m = s->m > s->n ? s->m : s->n;

	return m > s->k ? m : s->k;
}

int tkp_plan_capped(const tkp_plan_kernel *ko, const tkp_shape *s)
{
	return ko && ko->max_size && shape_max(s) > ko->max_size;
}

static int cmp_shape(const void *a, const void *b)
{
	const tkp_shape *x = a, *y = b;
	double vx = (double)x->m * (double)x->n * (double)x->k;
	double vy = (double)y->m * (double)y->n * (double)y->k;

	return (vx > vy) - (vx < vy);
}

int tkp_plan_expand(const tkp_plan *p, tkp_config **out, size_t *n)
{
	tkp_config *v = NULL;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	*n = 0;
	for (int d = 0; d < p->ndtypes; d++)
		for (int ki = 0; ki < p->nkernels; ki++) {
			const tkp_kernel *k = tkp_kernel_find(p->kernels[ki]);
			const tkp_plan_kernel *ko = NULL;
			tkp_size_list sizes;
			const tkp_int_list *blocks = &p->blocks, *threads = &p->threads;
			static const tkp_int_list one = {1, {1}}, none = {1, {0}};

			if (!k)
				continue;
			for (int i = 0; i < p->nkopts; i++)
				if (!strcmp(p->kopts[i].name, k->name))
					ko = &p->kopts[i];
			sizes = ko && ko->has_sizes ? ko->sizes : p->sizes;
			if (ko && ko->has_blocks)
				blocks = &ko->blocks;
			if (ko && ko->has_threads)
				threads = &ko->threads;
			if (!(k->caps & TKP_CAP_BLOCK))
				blocks = &none;
			if (!(k->caps & TKP_CAP_THREADS))
				threads = &one;
			qsort(sizes.v, (size_t)sizes.n, sizeof sizes.v[0], cmp_shape);
			for (int s = 0; s < sizes.n; s++) {
				if (tkp_plan_capped(ko, &sizes.v[s]))
					continue;
				for (int b = 0; b < blocks->n; b++) {
					int rb = tkp_kernel_block_for(k->caps, p->dtypes[d], blocks->v[b]), dup = 0;

					/* 'auto' that comes out as a size also listed
					 * (blocks = 32,64,auto) is one configuration */
					for (int b2 = 0; b2 < b; b2++)
						dup |= tkp_kernel_block_for(k->caps, p->dtypes[d], blocks->v[b2]) == rb;
					if (dup)
						continue;
					for (int t = 0; t < threads->n; t++) {
						tkp_config *c;
						if (cnt == cap) {
							size_t nc = cap ? cap * 2 : 64;
							tkp_config *nv = realloc(v, nc * sizeof *nv);
							if (!nv) {
								free(v);
								return TKP_ENOMEM;
							}
							v = nv;
							cap = nc;
						}
						c = &v[cnt++];
						c->kernel = k;
						c->dtype = p->dtypes[d];
						c->m = sizes.v[s].m;
						c->n = sizes.v[s].n;
						c->k = sizes.v[s].k;
						c->block = rb;
						c->threads = threads->v[t];
					}
				}
			}
		}
	*out = v;
	*n = cnt;
	return 0;
}
