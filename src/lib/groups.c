/*
 * groups.c - the counter group files (profiles/groups/NAME.ini, INI read
 * with inih): one [section] per metric, `events = A, B, C` to try in order
 * (PAPI presets first, then native events of the CPUs whose presets are
 * missing), optional `events_f32`/`events_f64` lists tried first for that
 * dtype, and a `description`.  Errors keep the first problem of a file,
 * at its line, with a suggestion where a name looks misspelt.  Which of
 * the events can be counted is the counter source's business, not this
 * file's.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "groups.h"
#include "suggest.h"
#include "util.h"

#define NAME_LEN TKP_CTR_NAME_LEN
#define TEXT_LEN TKP_CTR_TEXT_LEN
#define LIST_LEN TKP_CTR_LIST_LEN
#define GROUP_LEN TKP_CTR_GROUP_LEN

const char *const tkp_groups_ev_keys[TKP_GROUPS_NKEYS] = {"events", "events_f32", "events_f64",
								 "raw",    "raw_f32",    "raw_f64"};

/* ---- text helpers ------------------------------------------------------- */

void tkp_ctr_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

static int is_dir(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int tkp_groups_metric_index(const char *name)
{
	int m;

	for (m = 0; m < TKP_M_COUNT; m++)
		if (!strcmp(name, tkp_metric_name(m)))
			return m;
	return -1;
}

/* Splits a comma-separated list in place; returns the number of tokens
 * (trimmed, empty ones kept as "" so callers can reject them). */
int tkp_ctr_split_list(char *s, char **tok, int max)
{
	int n = 0;
	char *p = s;

	if (!*tkp_trim(s))
		return 0;
	for (;;) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (n < max)
			tok[n++] = tkp_trim(p);
		if (!comma)
			break;
		p = comma + 1;
	}
	return n;
}

/* An event name: letters, digits and _ : . = - / @ (PAPI presets,
 * libpfm4 "pmu::EVENT:UMASK:mod=1", component events "sde:::lib::name");
 * not + or *, which make weighted sums. */
int tkp_groups_event_name_ok(const char *s, char *bad)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_:.=-/@", *s)) {
			*bad = *s;
			return 0;
		}
	return 1;
}

/* ---- candidates: weighted sums and raw encodings ----------------------- */

void tkp_cpu_id_set(tkp_cpu_id *id, const char *vendor_string, int family, int model)
{
	memset(id, 0, sizeof *id);
	if (vendor_string && strstr(vendor_string, "AMD"))
		tkp_strlcpy(id->vendor, "AMD", sizeof id->vendor);
	else if (vendor_string && strstr(vendor_string, "Intel"))
		tkp_strlcpy(id->vendor, "Intel", sizeof id->vendor);
	id->family = family;
	id->model = model;
}

/* A hex number with an optional h suffix ("1Ah", "4F"); -1 when not. */
static long parse_hex(const char *s)
{
	char *end;
	long v;

	if (!isxdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 16);
	if ((*end == 'h' || *end == 'H') && !end[1])
		end++;
	return *end || v > 0xffff ? -1 : v;
}

/* One term, NAME or NAME*WEIGHT (raw: rHEX or rHEX*WEIGHT), into *out;
 * need_w: the weight is required (every term of a sum has one). */
static int parse_term(char *t, int raw, int need_w, tkp_gterm *out, char *err, size_t el)
{
	char *star = strchr(t, '*'), *name, *end, bad = 0;

	if (star)
		*star = '\0';
	name = tkp_trim(t);
	out->weight = 1;
	if (!*name) {
		tkp_fmt(err, el, "empty term%s", star ? " before '*'" : " in a sum");
		return -1;
	}
	if (star) {
		char *w = tkp_trim(star + 1);

		out->weight = strtod(w, &end);
		if (!*w || *end || !isfinite(out->weight) || out->weight <= 0 || out->weight > 1e9) {
			tkp_fmt(err, el, "weight '%s' of %s: expected a positive number (as in %s*2)", w, name, name);
			return -1;
		}
	} else if (need_w) {
		tkp_fmt(err, el, "term '%s' has no weight: every term of a sum is NAME*WEIGHT", name);
		return -1;
	}
	if (raw) {
		if ((name[0] != 'r' && name[0] != 'R') || !isxdigit((unsigned char)name[1]) || strlen(name) > 17 ||
		    (out->config = strtoull(name + 1, &end, 16), *end)) {
			tkp_fmt(err, el, "raw term '%s': expected r and the perf_event config in hex (as in r8f03)", name);
			return -1;
		}
		tkp_fmt(out->name, sizeof out->name, "perf_raw::r%llx", out->config);
		return 0;
	}
	if (!tkp_groups_event_name_ok(name, &bad)) {
		tkp_fmt(err, el, "bad character '%c' in event name '%s'", bad, name);
		return -1;
	}
	if (strlen(name) >= sizeof out->name) {
		tkp_fmt(err, el, "event name too long: %.40s...", name);
		return -1;
	}
	tkp_strlcpy(out->name, name, sizeof out->name);
	return 0;
}

/* The terms of s ("A*1 + B*2", or one event) appended to *out. */
static int parse_terms(char *s, int raw, int need_w, tkp_gcand *out, char *err, size_t el)
{
	char *p = s, *plus;
	int sum = strchr(s, '+') != NULL;

	do {
		if ((plus = strchr(p, '+')))
			*plus = '\0';
		if (out->nterm == TKP_GROUPS_MAX_TERMS) {
			tkp_fmt(err, el, "more than %d terms in a sum", TKP_GROUPS_MAX_TERMS);
			return -1;
		}
		if (parse_term(p, raw, need_w || sum, &out->term[out->nterm], err, el))
			return -1;
		out->nterm++;
		if (plus)
			p = plus + 1;
	} while (plus);
	return 0;
}

/* The CPU part of a raw entry: "AMD 1Ah 00-4F 60-7F". */
static int parse_cpu(char *s, tkp_gcand *out, char *err, size_t el)
{
	char *save = NULL, *t = strtok_r(s, " \t", &save);

	if (!t || (strcasecmp(t, "AMD") && strcasecmp(t, "Intel"))) {
		tkp_fmt(err, el, "expected the CPU first, as in 'AMD 1Ah 00-4F: r76' (vendor AMD or Intel)");
		return -1;
	}
	tkp_strlcpy(out->vendor, toupper((unsigned char)t[1]) == 'M' ? "AMD" : "Intel", sizeof out->vendor);
	t = strtok_r(NULL, " \t", &save);
	if (!t || (out->family = (int)parse_hex(t)) < 0) {
		tkp_fmt(err, el, "family '%s': expected hex, as in 1Ah", t ? t : "");
		return -1;
	}
	while ((t = strtok_r(NULL, " \t", &save))) {
		char *dash = strchr(t, '-');
		long lo, hi;

		if (dash)
			*dash = '\0';
		lo = parse_hex(t);
		hi = dash ? parse_hex(dash + 1) : lo;
		if (lo < 0 || hi < lo || out->nrange == 8) {
			tkp_fmt(err, el, "model range '%s%s%s': expected hex LO-HI, as in 00-4F (at most 8)", t,
				dash ? "-" : "", dash ? dash + 1 : "");
			return -1;
		}
		out->lo[out->nrange] = (int)lo;
		out->hi[out->nrange++] = (int)hi;
	}
	return 0;
}

/* A candidate; need_w: every term must be weighted (part of a sum). */
static int parse_cand(const char *s, int raw, int need_w, tkp_gcand *out, char *err, size_t errlen)
{
	char buf[TKP_CTR_TEXT_LEN], *terms = buf, *colon;

	memset(out, 0, sizeof *out);
	tkp_strlcpy(out->text, s, sizeof out->text);
	tkp_strlcpy(buf, s, sizeof buf);
	out->raw = raw;
	if (raw) {
		if (!(colon = strchr(buf, ':'))) {
			tkp_fmt(err, errlen, "'%s': expected 'CPU: TERMS', as in 'AMD 1Ah 00-4F: r76'", s);
			return -1;
		}
		*colon = '\0';
		terms = colon + 1;
		if (parse_cpu(buf, out, err, errlen))
			return -1;
	}
	return parse_terms(terms, raw, need_w, out, err, errlen);
}

int tkp_groups_parse_cand(const char *s, int raw, tkp_gcand *out, char *err, size_t errlen)
{
	return parse_cand(s, raw, 0, out, err, errlen);
}

int tkp_groups_raw_matches(const tkp_gcand *c, const tkp_cpu_id *cpu)
{
	int i;

	if (!c->raw || !cpu || !cpu->vendor[0] || strcmp(c->vendor, cpu->vendor) || c->family != cpu->family)
		return 0;
	for (i = 0; i < c->nrange; i++)
		if (cpu->model >= c->lo[i] && cpu->model <= c->hi[i])
			return 1;
	return c->nrange == 0;
}

int tkp_groups_choose(char cand[TKP_GROUPS_NKEYS][TKP_CTR_LIST_LEN], int dtype, const tkp_cpu_id *cpu,
		      tkp_groups_try_fn try_fn, void *arg, int *skipped)
{
	int order[4] = {dtype >= 0 ? dtype + 1 : -1, 0, dtype >= 0 ? TKP_GROUPS_RAW + dtype + 1 : -1,
			TKP_GROUPS_RAW};
	tkp_gcand *c = malloc(sizeof *c);
	int o, i, n, chosen = 0;

	if (skipped)
		*skipped = 0;
	for (o = 0; c && o < 4 && !chosen; o++) {
		char tmp[TKP_CTR_LIST_LEN], *tok[64], err[TKP_CTR_TEXT_LEN];

		if (order[o] < 0)
			continue;
		tkp_strlcpy(tmp, cand[order[o]], sizeof tmp);
		n = tkp_ctr_split_list(tmp, tok, 64);
		for (i = 0; i < n && !chosen; i++) {
			if (tkp_groups_parse_cand(tok[i], o >= 2, c, err, sizeof err))
				continue; /* the group file was checked when it was read */
			if (o >= 2 && !tkp_groups_raw_matches(c, cpu)) {
				if (skipped)
					++*skipped;
				continue;
			}
			chosen = !try_fn(c, arg);
		}
	}
	free(c);
	return chosen;
}

/* ---- the machine, without PAPI ---------------------------------------- */

struct gsect {
	char name[NAME_LEN];
	int line;
};

struct gparse {
	const char *path;
	FILE *f;
	int line;
	struct gsect sect[64];
	int nsect;
	tkp_gdef def[TKP_M_COUNT];
	int open[TKP_M_COUNT][TKP_GROUPS_NKEYS]; /* line of a sum going on next line; 0 */
	int err_line;
	char err[TEXT_LEN];
};

static void gerr(struct gparse *g, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void gerr(struct gparse *g, int line, const char *fmt, ...)
{
	va_list ap;

	if (g->err_line && g->err_line <= line)
		return; /* keep the first error in the file */
	g->err_line = line;
	va_start(ap, fmt);
	vsnprintf(g->err, sizeof g->err, fmt, ap);
	va_end(ap);
}

/* inih reader: one whole line per call, so line numbers stay exact, and
 * section headers are noted with their line (inih does not report them). */
static char *greader(char *str, int num, void *stream)
{
	struct gparse *g = stream;
	char *line = NULL, *s;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, g->f);

	if (n < 0) {
		free(line);
		return NULL;
	}
	g->line++;
	{
		/* getline counts past a NUL byte, which the string functions
		 * below would silently cut the line at */
		char *nul = memchr(line, '\0', (size_t)n);

		if (nul) {
			gerr(g, g->line, "NUL byte at column %td: a group file is text", nul - line + 1);
			n = nul - line;
		}
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (num < 3) {
		free(line);
		return NULL;
	}
	if (n > num - 2) {
		gerr(g, g->line, "line too long (%zd characters, at most %d): split the event list over several lines",
		     n, num - 2);
		line[num - 2] = '\0';
	}
	snprintf(str, (size_t)num, "%s\n", line);
	s = tkp_trim(line);
	if (*s == '[' && g->nsect < (int)(sizeof g->sect / sizeof g->sect[0])) {
		char *end = strchr(s, ']');

		if (end) {
			*end = '\0';
			tkp_strlcpy(g->sect[g->nsect].name, tkp_trim(s + 1), NAME_LEN);
			g->sect[g->nsect].line = g->line;
			g->nsect++;
		}
	}
	free(line);
	return str;
}

/*
 * One line of an events or raw list: candidates separated by commas, each
 * checked here so that an error names this line.  A list goes on over
 * indented continuation lines, each a fragment here: a comma may end one
 * or start the next, and a sum ending in '+' goes on with the next line's
 * first term.
 */
static int add_fragment(struct gparse *g, const char *section, int m, int k, const char *value)
{
	const char *key = tkp_groups_ev_keys[k];
	char tmp[LIST_LEN], *tok[64], *v, *e, err[TEXT_LEN];
	tkp_gcand *c = malloc(sizeof *c);
	int n, i, cont = g->open[m][k], raw = k >= TKP_GROUPS_RAW, rc = 0;

	if (!c)
		return 0;
	tkp_strlcpy(tmp, value, sizeof tmp);
	v = tkp_trim(tmp);
	if (*v == ',' || *v == '+') {
		cont |= *v == '+';
		v = tkp_trim(v + 1);
	}
	e = v + strlen(v);
	g->open[m][k] = e > v && e[-1] == '+' ? g->line : 0;
	if (e > v && (e[-1] == ',' || e[-1] == '+'))
		e[-1] = '\0';
	n = tkp_ctr_split_list(v, tok, 64);
	if (!n) {
		gerr(g, g->line, "[%s] %s: empty %s", section, key, cont ? "term after '+'" : "event list");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char t[LIST_LEN];
		int bad, need_w = (i == 0 && cont) || (i == n - 1 && g->open[m][k]);

		if (!*tok[i]) {
			gerr(g, g->line, "[%s] %s: empty event name in the list", section, key);
			goto out;
		}
		tkp_strlcpy(t, tok[i], sizeof t);
		if (i == 0 && cont) { /* the rest of a sum: terms only */
			memset(c, 0, sizeof *c);
			bad = parse_terms(t, raw, 1, c, err, sizeof err);
		} else {
			bad = parse_cand(t, raw, need_w, c, err, sizeof err);
		}
		if (bad) {
			gerr(g, g->line, "[%s] %s: %s", section, key, err);
			goto out;
		}
		if (strlen(g->def[m].ev[k]) + strlen(tok[i]) + 4 >= LIST_LEN) {
			gerr(g, g->line, "[%s] %s: event list too long", section, key);
			goto out;
		}
		tkp_ctr_cat(g->def[m].ev[k], LIST_LEN, "%s%s", !g->def[m].ev[k][0] ? "" : i == 0 && cont ? " + " : ", ",
			    tok[i]);
	}
	rc = 1;
out:
	free(c);
	return rc;
}

static int ghandler(void *user, const char *section, const char *name, const char *value)
{
	struct gparse *g = user;
	tkp_nearest nr;
	char hint[NAME_LEN + 32];
	int m, k;

	if (!*section) {
		gerr(g, g->line, "'%s' outside a [metric] section", name);
		return 0;
	}
	m = tkp_groups_metric_index(section);
	if (m < 0)
		return 0; /* reported at the section's line after parsing */
	for (k = 0; k < TKP_GROUPS_NKEYS; k++)
		if (!strcmp(name, tkp_groups_ev_keys[k]))
			break;
	if (k < TKP_GROUPS_NKEYS)
		return add_fragment(g, section, m, k, value);
	if (!strcmp(name, "description")) {
		tkp_ctr_cat(g->def[m].desc, sizeof g->def[m].desc, "%s%s", g->def[m].desc[0] ? " " : "", value);
		return 1;
	}
	tkp_nearest_init(&nr, name);
	for (k = 0; k < TKP_GROUPS_NKEYS; k++)
		tkp_nearest_try(&nr, tkp_groups_ev_keys[k]);
	tkp_nearest_try(&nr, "description");
	gerr(g, g->line, "[%s] unknown key '%s'%s; keys: events, events_f32, events_f64, raw, raw_f32, raw_f64, description",
	     section, name, tkp_nearest_hint(&nr, hint, sizeof hint));
	return 0;
}

/* Parses one group file into g->def; 0, or TKP_EPARSE/TKP_EIO with why. */
static int parse_group(const char *path, const char *group, struct gparse *g, char *why, size_t whylen)
{
	int r, i, j;

	memset(g, 0, sizeof *g);
	g->path = path;
	if (!(g->f = fopen(path, "r"))) {
		tkp_fmt(why, whylen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? TKP_ENOENT : TKP_EIO;
	}
	r = ini_parse_stream(greader, g, ghandler, g);
	fclose(g->f);
	g->f = NULL;
	if (r == -2) {
		tkp_fmt(why, whylen, "%s: out of memory", path);
		return TKP_ENOMEM;
	}
	for (i = 0; i < TKP_M_COUNT * TKP_GROUPS_NKEYS; i++)
		if (g->open[i / TKP_GROUPS_NKEYS][i % TKP_GROUPS_NKEYS])
			gerr(g, g->open[i / TKP_GROUPS_NKEYS][i % TKP_GROUPS_NKEYS],
			     "[%s] %s: the sum ends in '+' with no term after it", tkp_metric_name(i / TKP_GROUPS_NKEYS),
			     tkp_groups_ev_keys[i % TKP_GROUPS_NKEYS]);
	/* Section-level checks, at the section's own line. */
	for (i = 0; i < g->nsect; i++) {
		const char *name = g->sect[i].name;
		int m = tkp_groups_metric_index(name);

		if (m < 0) {
			tkp_nearest nr;
			char hint[NAME_LEN + 32];
			int k;

			tkp_nearest_init(&nr, name);
			for (k = 0; k < TKP_M_COUNT; k++)
				tkp_nearest_try(&nr, tkp_metric_name(k));
			gerr(g, g->sect[i].line,
			     "unknown metric '%s'%s; metrics: cycles, instructions, l1_dcm, l2_dcm, l3_tcm, fp_ops",
			     name, tkp_nearest_hint(&nr, hint, sizeof hint));
			continue;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(g->sect[j].name, name))
				gerr(g, g->sect[i].line, "metric '%s' defined twice (first at line %d)", name,
				     g->sect[j].line);
		/* Only when nothing else is wrong: a misspelt key or a bad
		 * event name also leaves the list empty, and says more. */
		if (!g->err_line && !g->def[m].ev[0][0] && !g->def[m].ev[1][0] && !g->def[m].ev[2][0] &&
		    !g->def[m].ev[3][0] && !g->def[m].ev[4][0] && !g->def[m].ev[5][0])
			gerr(g, g->sect[i].line, "[%s] lists no events: add a line 'events = PAPI_..., ...'", name);
		g->def[m].defined = 1;
		g->def[m].line = g->sect[i].line;
		tkp_strlcpy(g->def[m].group, group, sizeof g->def[m].group);
		tkp_strlcpy(g->def[m].file, path, sizeof g->def[m].file);
	}
	if (r > 0 && (!g->err_line || r < g->err_line))
		gerr(g, r, "expected 'key = value', '[metric]' or a # comment");
	if (g->err_line) {
		tkp_fmt(why, whylen, "%s:%d: %s", path, g->err_line, g->err);
		return TKP_EPARSE;
	}
	return 0;
}

static int ini_name(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 4 && e->d_name[0] != '.' && !strcmp(e->d_name + n - 4, ".ini");
}

const char *tkp_groups_default_dir(char *buf, size_t len)
{
	const char *d = getenv("TKP_DATADIR");

	if (d && *d) {
		tkp_fmt(buf, len, "%s/profiles/groups", d);
		if (is_dir(buf))
			return buf;
	}
#ifdef TKP_PKGDATADIR
	tkp_fmt(buf, len, "%s/profiles/groups", TKP_PKGDATADIR);
	if (is_dir(buf))
		return buf;
#endif
#ifdef TKP_SRCDIR
	tkp_fmt(buf, len, "%s/profiles/groups", TKP_SRCDIR);
	if (is_dir(buf))
		return buf;
#endif
	return NULL;
}

/*
 * Reads the selected group files of dir into def[] (the first group that
 * defines a metric wins).  0, or a TKP_E* code with why.
 */
int tkp_groups_load(const char *dir, const char *groups, tkp_gdef def[TKP_M_COUNT], char *why,
		    size_t whylen)
{
	struct dirent **ents = NULL;
	struct gparse *g;
	char names[64][GROUP_LEN], list[LIST_LEN], *tok[64];
	int n, ng = 0, i, m, rc = 0, nsel;

	memset(def, 0, sizeof(tkp_gdef) * TKP_M_COUNT);
	n = scandir(dir, &ents, ini_name, alphasort);
	if (n < 0) {
		tkp_fmt(why, whylen, "group directory %s: %s", dir, strerror(errno));
		return TKP_ENOENT;
	}
	for (i = 0; i < n; i++) {
		if (ng < 64) {
			size_t l = strlen(ents[i]->d_name) - 4;

			if (l >= GROUP_LEN)
				l = GROUP_LEN - 1;
			memcpy(names[ng], ents[i]->d_name, l);
			names[ng][l] = '\0';
			ng++;
		}
		free(ents[i]);
	}
	free(ents);
	if (!ng) {
		tkp_fmt(why, whylen, "no group files (*.ini) in %s", dir);
		return TKP_ENOENT;
	}
	if (groups && *groups) {
		tkp_strlcpy(list, groups, sizeof list);
		nsel = tkp_ctr_split_list(list, tok, 64);
	} else {
		nsel = ng;
		for (i = 0; i < ng; i++)
			tok[i] = names[i];
	}
	if (!(g = malloc(sizeof *g)))
		return TKP_ENOMEM;
	for (i = 0; i < nsel && !rc; i++) {
		char path[PATH_MAX];
		int j, found = 0;

		for (j = 0; j < ng; j++)
			found |= !strcmp(names[j], tok[i]);
		if (!found) {
			tkp_nearest nr;
			char hint[NAME_LEN + 32], avail[LIST_LEN] = "";

			tkp_nearest_init(&nr, tok[i]);
			for (j = 0; j < ng; j++) {
				tkp_nearest_try(&nr, names[j]);
				tkp_ctr_cat(avail, sizeof avail, "%s%s", j ? ", " : "", names[j]);
			}
			tkp_fmt(why, whylen, "unknown counter group '%s'%s; groups in %s: %s", tok[i],
				tkp_nearest_hint(&nr, hint, sizeof hint), dir, avail);
			rc = TKP_ENOENT;
			break;
		}
		tkp_fmt(path, sizeof path, "%s/%s.ini", dir, tok[i]);
		if ((rc = parse_group(path, tok[i], g, why, whylen)))
			break;
		for (m = 0; m < TKP_M_COUNT; m++)
			if (g->def[m].defined && !def[m].defined)
				def[m] = g->def[m];
	}
	free(g);
	return rc;
}

