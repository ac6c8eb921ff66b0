/*
 * counters.c - hardware counters through PAPI, with passes and an honest
 * fallback.
 *
 * What is counted comes from group files (profiles/groups/NAME.ini, INI read
 * with inih): one [section] per metric, `events = A, B, C` to try in order
 * (PAPI presets first, then native events of the CPUs whose presets are
 * missing), optional `events_f32`/`events_f64` lists tried first for that
 * dtype, and a `description`.  For each metric the first event that PAPI
 * knows, whose component is enabled and that can be added to an event set
 * is chosen; events that cannot share an event set are split into passes
 * (see counters.h).  Every reason an event is not counted is kept, with
 * the fix, so `tkprofile counters` and the sweep header can say exactly
 * why: PAPI's component "disabled reason", kernel.perf_event_paranoid,
 * whether the kernel exposes a CPU PMU at all (virtual machines often do
 * not), whether the CPU has that preset.
 *
 * Built without PAPI (no TKP_HAVE_PAPI), every mode but PAPI opens and
 * counts nothing, saying so; group files are still read and checked.
 *
 * The library never prints: PAPI is initialised quietly, errors are text
 * in the counter set.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>
#ifdef TKP_HAVE_PAPI
#include <papi.h>
#endif

#include "counters.h"
#include "util.h"

#define NAME_LEN 256
#define TEXT_LEN 768
#define LIST_LEN 1536
#define GROUP_LEN 64
#define MAX_EV (TKP_COUNTERS_MAX_SLOTS + 1)
#define MAX_CAUSES 8

/* The events keys of a group section: index 0 is `events`, 1 and 2 the
 * dtype-specific lists (TKP_F32 + 1, TKP_F64 + 1). */
static const char *const ev_keys[3] = {"events", "events_f32", "events_f64"};

struct slot {
	char name[NAME_LEN];
	int metric;
	char group[GROUP_LEN];
	char desc[256];
	char cand[3][LIST_LEN]; /* candidate lists, as in the group file */
	char event[NAME_LEN];
	char tried[LIST_LEN];
	int code;
	int cidx;
	int countable;
	int pass;
	char why[TEXT_LEN * 2];
	char cause[TEXT_LEN]; /* why, less the event names, when one cause */
	char fix[TEXT_LEN];
};

struct pass {
	int es;              /* PAPI event set */
	int cidx;            /* its component */
	int n;               /* events in it */
	int slot[MAX_EV];    /* slot of each event */
	int home[MAX_EV];    /* 1: the slot's counts come from this event */
	int metric[MAX_EV];  /* metric it adds to (home events only); -1 */
	int ref_pos;         /* position of the reference event; -1 */
	int inherit;         /* 1: PAPI_INHERIT set; 0: process-wide component */
	double last_ref;
	long long raw[MAX_EV];
};

struct tkp_counters {
	tkp_counter_mode mode;
	int events_mode;
	int max_per_pass;
	int ref_slot;
	int nslots;
	struct slot slot[TKP_COUNTERS_MAX_SLOTS];
	int npass;
	struct pass pass[TKP_COUNTERS_MAX_PASSES];
	int running; /* pass running, or -1 */
	pthread_t owner;
	char why[4096];
	char fix[TEXT_LEN];
	char err[TEXT_LEN];
};

/* ---- small helpers ----------------------------------------------------- */

/* Appends to buf (NUL-terminated, of size len), truncating. */
static void cat(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int is_dir(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Case-insensitive Levenshtein distance (bounded inputs). */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int row[NAME_LEN + 1];

	if (la > NAME_LEN || lb > NAME_LEN)
		return INT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int up = row[j], best;

			best = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The nearest name seen so far, for "did you mean" hints. */
struct nearest {
	const char *want;
	char best[NAME_LEN];
	int dist;
};

static void nearest_init(struct nearest *n, const char *want)
{
	n->want = want;
	n->best[0] = '\0';
	n->dist = INT_MAX;
}

static void nearest_try(struct nearest *n, const char *cand)
{
	int d;

	if (!cand || !*cand || !strcasecmp(cand, n->want))
		return;
	d = edit_distance(n->want, cand);
	if (d < n->dist) {
		n->dist = d;
		tkp_strlcpy(n->best, cand, sizeof n->best);
	}
}

/* " (did you mean 'X'?)" when X is close enough to be a typo, else "". */
static const char *nearest_hint(const struct nearest *n, char *buf, size_t len)
{
	int limit = (int)strlen(n->want) / 3;

	if (limit < 2)
		limit = 2;
	if (n->best[0] && n->dist <= limit)
		tkp_fmt(buf, len, " (did you mean '%s'?)", n->best);
	else if (len)
		buf[0] = '\0';
	return buf;
}

static int metric_index(const char *name)
{
	int m;

	for (m = 0; m < TKP_M_COUNT; m++)
		if (!strcmp(name, tkp_metric_name(m)))
			return m;
	return -1;
}

/* Splits a comma-separated list in place; returns the number of tokens
 * (trimmed, empty ones kept as "" so callers can reject them). */
static int split_list(char *s, char **tok, int max)
{
	int n = 0;
	char *p = s;

	if (!*trim(s))
		return 0;
	for (;;) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (n < max)
			tok[n++] = trim(p);
		if (!comma)
			break;
		p = comma + 1;
	}
	return n;
}

/* An event name: letters, digits and _ : . = + - / @ (PAPI presets,
 * libpfm4 "pmu::EVENT:UMASK:mod=1", component events "sde:::lib::name"). */
static int event_name_ok(const char *s, char *bad)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_:.=+-/@", *s)) {
			*bad = *s;
			return 0;
		}
	return 1;
}

/* ---- the machine, without PAPI ---------------------------------------- */

int tkp_counters_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = -100;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -100;
		fclose(f);
	}
	return v;
}

#ifdef TKP_HAVE_PAPI
/* 1 if the kernel exposes a CPU PMU to perf_event, 0 if it does not, -1 if
 * sysfs cannot tell. */
static int core_pmu_present(void)
{
	static const char *const names[] = {"cpu", "cpu_core", "cpu_atom"};
	DIR *d = opendir("/sys/bus/event_source/devices");
	struct dirent *e;
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!strcmp(e->d_name, names[i]))
				found = 1;
		if (!strncmp(e->d_name, "armv8", 5) || !strncmp(e->d_name, "armv7", 5) ||
		    !strncmp(e->d_name, "arm_", 4) || !strncmp(e->d_name, "riscv", 5))
			found = 1;
	}
	closedir(d);
	return found;
}

/* 1 when /proc/cpuinfo shows the hypervisor flag. */
static int cpuinfo_hypervisor(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int hv = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "flags", 5)) {
			hv = strstr(line, " hypervisor") != NULL;
			break;
		}
	fclose(f);
	return hv;
}

/* The fix for a permission problem, with the current level. */
static void paranoid_fix(char *buf, size_t len)
{
	int p = tkp_counters_paranoid();

	if (p == -100)
		tkp_fmt(buf, len, "sudo sysctl kernel.perf_event_paranoid=1 (or run with CAP_PERFMON)");
	else
		tkp_fmt(buf, len, "sudo sysctl kernel.perf_event_paranoid=1 (it is %d; or run with CAP_PERFMON)", p);
}
#endif

/* ---- group files ------------------------------------------------------- */

/* One metric's definition in a group file. */
struct gdef {
	int defined;
	char group[GROUP_LEN];
	char file[PATH_MAX];
	int line;
	char desc[256];
	char ev[3][LIST_LEN];
};

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
	struct gdef def[TKP_M_COUNT];
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
	s = trim(line);
	if (*s == '[' && g->nsect < (int)(sizeof g->sect / sizeof g->sect[0])) {
		char *end = strchr(s, ']');

		if (end) {
			*end = '\0';
			tkp_strlcpy(g->sect[g->nsect].name, trim(s + 1), NAME_LEN);
			g->sect[g->nsect].line = g->line;
			g->nsect++;
		}
	}
	free(line);
	return str;
}

static int ghandler(void *user, const char *section, const char *name, const char *value)
{
	struct gparse *g = user;
	struct nearest nr;
	char hint[NAME_LEN + 32];
	int m, k, i;

	if (!*section) {
		gerr(g, g->line, "'%s' outside a [metric] section", name);
		return 0;
	}
	m = metric_index(section);
	if (m < 0)
		return 0; /* reported at the section's line after parsing */
	for (k = 0; k < 3; k++)
		if (!strcmp(name, ev_keys[k]))
			break;
	if (k < 3) {
		char tmp[LIST_LEN], *tok[64], *v, *e, bad = 0;
		int n;

		/* A list may go on over indented continuation lines, each a
		 * fragment here: a comma may end one or start the next. */
		tkp_strlcpy(tmp, value, sizeof tmp);
		v = trim(tmp);
		if (*v == ',')
			v = trim(v + 1);
		e = v + strlen(v);
		if (e > v && e[-1] == ',')
			e[-1] = '\0';
		n = split_list(v, tok, 64);
		if (!n) {
			gerr(g, g->line, "[%s] %s: empty event list", section, name);
			return 0;
		}
		for (i = 0; i < n; i++) {
			if (!*tok[i]) {
				gerr(g, g->line, "[%s] %s: empty event name in the list", section, name);
				return 0;
			}
			if (!event_name_ok(tok[i], &bad)) {
				gerr(g, g->line, "[%s] %s: bad character '%c' in event name '%s'", section, name,
				     bad, tok[i]);
				return 0;
			}
			if (strlen(g->def[m].ev[k]) + strlen(tok[i]) + 3 >= LIST_LEN) {
				gerr(g, g->line, "[%s] %s: event list too long", section, name);
				return 0;
			}
			cat(g->def[m].ev[k], LIST_LEN, "%s%s", g->def[m].ev[k][0] ? ", " : "", tok[i]);
		}
		return 1;
	}
	if (!strcmp(name, "description")) {
		cat(g->def[m].desc, sizeof g->def[m].desc, "%s%s", g->def[m].desc[0] ? " " : "", value);
		return 1;
	}
	nearest_init(&nr, name);
	for (k = 0; k < 3; k++)
		nearest_try(&nr, ev_keys[k]);
	nearest_try(&nr, "description");
	gerr(g, g->line, "[%s] unknown key '%s'%s; keys: events, events_f32, events_f64, description",
	     section, name, nearest_hint(&nr, hint, sizeof hint));
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
	/* Section-level checks, at the section's own line. */
	for (i = 0; i < g->nsect; i++) {
		const char *name = g->sect[i].name;
		int m = metric_index(name);

		if (m < 0) {
			struct nearest nr;
			char hint[NAME_LEN + 32];
			int k;

			nearest_init(&nr, name);
			for (k = 0; k < TKP_M_COUNT; k++)
				nearest_try(&nr, tkp_metric_name(k));
			gerr(g, g->sect[i].line,
			     "unknown metric '%s'%s; metrics: cycles, instructions, l1_dcm, l2_dcm, l3_tcm, fp_ops",
			     name, nearest_hint(&nr, hint, sizeof hint));
			continue;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(g->sect[j].name, name))
				gerr(g, g->sect[i].line, "metric '%s' defined twice (first at line %d)", name,
				     g->sect[j].line);
		/* Only when nothing else is wrong: a misspelt key or a bad
		 * event name also leaves the list empty, and says more. */
		if (!g->err_line && !g->def[m].ev[0][0] && !g->def[m].ev[1][0] && !g->def[m].ev[2][0])
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

/* Where the group files are when the caller does not say. */
static const char *default_groups_dir(char *buf, size_t len)
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
static int load_groups(const char *dir, const char *groups, struct gdef def[TKP_M_COUNT], char *why,
		       size_t whylen)
{
	struct dirent **ents = NULL;
	struct gparse *g;
	char names[64][GROUP_LEN], list[LIST_LEN], *tok[64];
	int n, ng = 0, i, m, rc = 0, nsel;

	memset(def, 0, sizeof(struct gdef) * TKP_M_COUNT);
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
		nsel = split_list(list, tok, 64);
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
			struct nearest nr;
			char hint[NAME_LEN + 32], avail[LIST_LEN] = "";

			nearest_init(&nr, tok[i]);
			for (j = 0; j < ng; j++) {
				nearest_try(&nr, names[j]);
				cat(avail, sizeof avail, "%s%s", j ? ", " : "", names[j]);
			}
			tkp_fmt(why, whylen, "unknown counter group '%s'%s; groups in %s: %s", tok[i],
				nearest_hint(&nr, hint, sizeof hint), dir, avail);
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

/* ---- the counter set, shared parts -------------------------------------- */

void tkp_counters_opts_init(tkp_counters_opts *o)
{
	memset(o, 0, sizeof *o);
	o->mode = TKP_COUNTERS_AUTO;
	o->dtype = -1;
	o->ref = -1;
}

static tkp_counters *counters_new(tkp_counter_mode mode)
{
	tkp_counters *c = calloc(1, sizeof *c);
	int i;

	if (!c)
		return NULL;
	c->mode = mode;
	c->running = -1;
	c->ref_slot = -1;
	for (i = 0; i < TKP_COUNTERS_MAX_SLOTS; i++) {
		c->slot[i].pass = -1;
		c->slot[i].metric = -1;
	}
	return c;
}

/* Slots for the six metrics from the group definitions. */
static void slots_from_groups(tkp_counters *c, const struct gdef def[TKP_M_COUNT], const char *groups)
{
	int m, k;

	c->nslots = TKP_M_COUNT;
	for (m = 0; m < TKP_M_COUNT; m++) {
		struct slot *s = &c->slot[m];

		tkp_strlcpy(s->name, tkp_metric_name(m), sizeof s->name);
		s->metric = m;
		if (!def[m].defined) {
			tkp_fmt(s->why, sizeof s->why, "no group file %s defines [%s]",
				groups && *groups ? "selected here" : "in the groups directory", s->name);
			tkp_fmt(s->fix, sizeof s->fix, "add a [%s] section to a group file, or select a group that has one",
				s->name);
			continue;
		}
		tkp_strlcpy(s->group, def[m].group, sizeof s->group);
		tkp_strlcpy(s->desc, def[m].desc, sizeof s->desc);
		for (k = 0; k < 3; k++)
			tkp_strlcpy(s->cand[k], def[m].ev[k], sizeof s->cand[k]);
	}
	c->ref_slot = TKP_M_CYCLES;
}

/* Slots for an explicit event list; TKP_EINVAL with why on bad input. */
static int slots_from_events(tkp_counters *c, const char *events, char *why, size_t whylen)
{
	char list[LIST_LEN * 2], *tok[TKP_COUNTERS_MAX_SLOTS + 1], bad = 0;
	int n, i, j;

	c->events_mode = 1;
	if (strlen(events) >= sizeof list) {
		tkp_fmt(why, whylen, "event list too long");
		return TKP_EINVAL;
	}
	tkp_strlcpy(list, events, sizeof list);
	n = split_list(list, tok, TKP_COUNTERS_MAX_SLOTS + 1);
	if (!n) {
		tkp_fmt(why, whylen, "empty event list");
		return TKP_EINVAL;
	}
	if (n > TKP_COUNTERS_MAX_SLOTS) {
		tkp_fmt(why, whylen, "more than %d events", TKP_COUNTERS_MAX_SLOTS);
		return TKP_EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!event_name_ok(tok[i], &bad)) {
			if (!*tok[i])
				tkp_fmt(why, whylen, "empty event name in the list");
			else
				tkp_fmt(why, whylen, "bad character '%c' in event name '%s'", bad, tok[i]);
			return TKP_EINVAL;
		}
		if (strlen(tok[i]) >= NAME_LEN) {
			tkp_fmt(why, whylen, "event name too long: %.40s...", tok[i]);
			return TKP_EINVAL;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(tok[i], tok[j])) {
				tkp_fmt(why, whylen, "event '%s' listed twice", tok[i]);
				return TKP_EINVAL;
			}
		tkp_strlcpy(c->slot[i].name, tok[i], NAME_LEN);
		tkp_strlcpy(c->slot[i].cand[0], tok[i], LIST_LEN);
	}
	c->nslots = n;
	return 0;
}

/* Every slot: not counted, for this reason. */
static void slots_all_why(tkp_counters *c, const char *why, const char *fix)
{
	int i;

	for (i = 0; i < c->nslots; i++)
		if (!c->slot[i].why[0]) {
			tkp_strlcpy(c->slot[i].why, why, sizeof c->slot[i].why);
			tkp_strlcpy(c->slot[i].fix, fix, sizeof c->slot[i].fix);
		}
}

/* c->why from the slots: "" when all are counted. */
static void summarise(tkp_counters *c, const char *common_why, const char *common_fix)
{
	int i, counted = 0, missing = 0;

	c->why[0] = '\0';
	c->fix[0] = '\0';
	for (i = 0; i < c->nslots; i++) {
		if (c->slot[i].countable)
			counted++;
		else
			missing++;
	}
	if (!missing)
		return;
	if (!counted && common_why && *common_why) {
		tkp_fmt(c->why, sizeof c->why, "no counters: %s", common_why);
		if (common_fix && *common_fix) {
			cat(c->why, sizeof c->why, "; fix: %s", common_fix);
			tkp_strlcpy(c->fix, common_fix, sizeof c->fix);
		}
		return;
	}
	tkp_fmt(c->why, sizeof c->why, counted ? "not counted here: " : "no counters: ");
	for (i = 0; i < c->nslots; i++) {
		struct slot *s = &c->slot[i];

		if (s->countable)
			continue;
		cat(c->why, sizeof c->why, "%s (%s%s%s)%s", s->name, s->why, s->fix[0] ? "; fix: " : "", s->fix,
		    --missing ? "; " : "");
		if (!c->fix[0] && s->fix[0])
			tkp_strlcpy(c->fix, s->fix, sizeof c->fix);
	}
}

#ifdef TKP_HAVE_PAPI
/* ======================================================================== */
/* PAPI                                                                     */
/* ======================================================================== */

static pthread_once_t papi_once = PTHREAD_ONCE_INIT;
static int papi_ok;
static char papi_err[TEXT_LEN];

/* What the CPU component (perf_event) can do here, and why not. */
static struct {
	int cidx;    /* -1: PAPI has no perf_event component */
	int enabled;
	char reason[TEXT_LEN];
	char fix[TEXT_LEN];
} cpu;

static void diagnose_cpu(void)
{
	const PAPI_component_info_t *ci;
	const PAPI_hw_info_t *hw = PAPI_get_hardware_info();
	int par = tkp_counters_paranoid(), pmu, virt;
	char vendor[PAPI_MAX_STR_LEN] = "", pfix[TEXT_LEN];

	cpu.cidx = PAPI_get_component_index("perf_event");
	if (cpu.cidx < 0 || !(ci = PAPI_get_component_info(cpu.cidx))) {
		cpu.cidx = -1;
		tkp_fmt(cpu.reason, sizeof cpu.reason, "this PAPI has no perf_event component (CPU counters)");
		tkp_fmt(cpu.fix, sizeof cpu.fix, "install a PAPI built with perf_event support (Debian: libpapi-dev)");
		return;
	}
	pmu = core_pmu_present();
	/* PAPI can enable the component where the kernel has perf_event but
	 * no CPU PMU (a KVM guest without a virtual PMU: only software,
	 * tracepoint and breakpoint PMUs are listed); every hardware event
	 * then fails as "no such event", which reads like a group-file
	 * problem.  Name the real cause instead. */
	if (!ci->disabled && pmu != 0) {
		cpu.enabled = 1;
		return;
	}
	virt = (hw && hw->virtualized) || cpuinfo_hypervisor();
	if (hw && hw->virtualized) {
		size_t h;

		tkp_strlcpy(vendor, hw->virtual_vendor_string, sizeof vendor);
		trim(vendor);
		/* CPUID's hypervisor signature is 12 bytes: "bhyve bhyve ",
		 * "KVMKVMKVM": show the name once. */
		h = strlen(vendor) / 2;
		if (h && vendor[h] == ' ' && !strncmp(vendor, vendor + h + 1, h))
			vendor[h] = '\0';
		/* ... and "KVMKVMKVM" too: a name repeated without spaces */
		for (size_t p = 1, len = strlen(vendor); p <= len / 2; p++)
			if (len % p == 0 && !strncmp(vendor, vendor + p, len - p)) {
				vendor[p] = '\0';
				break;
			}
	}
	paranoid_fix(pfix, sizeof pfix);
	if (ci->disabled)
		tkp_fmt(cpu.reason, sizeof cpu.reason, "PAPI's perf_event component is disabled (\"%s\")",
			ci->disabled_reason);
	else
		tkp_fmt(cpu.reason, sizeof cpu.reason, "PAPI's perf_event component is enabled, but has no hardware events");
	if (ci->disabled == PAPI_EPERM || strstr(ci->disabled_reason, "paranoid") ||
	    strstr(ci->disabled_reason, "ermission")) {
		cat(cpu.reason, sizeof cpu.reason, ": the kernel refuses unprivileged counting (kernel.perf_event_paranoid=%d)",
		    par);
		tkp_strlcpy(cpu.fix, pfix, sizeof cpu.fix);
		return;
	}
	if (pmu == 0 && virt) {
		cat(cpu.reason, sizeof cpu.reason,
		    ": the kernel exposes no CPU PMU (no cpu in /sys/bus/event_source/devices) in this virtual machine%s%s%s",
		    vendor[0] ? " (" : "", vendor, vendor[0] ? ")" : "");
		tkp_fmt(cpu.fix, sizeof cpu.fix,
			"no PMU exposed in this virtual machine: run on bare metal or enable the vPMU (KVM/QEMU: "
			"-cpu host with pmu=on; clouds: an instance type that exposes it); --counters sim "
			"simulates the cache counts meanwhile");
	} else if (pmu == 0) {
		cat(cpu.reason, sizeof cpu.reason, ": the kernel exposes no CPU PMU (no cpu in /sys/bus/event_source/devices)");
		tkp_fmt(cpu.fix, sizeof cpu.fix,
			"use a kernel with perf_event support for this CPU (see dmesg | grep -i perf), or run on another machine");
	} else if (pmu == 1 && hw) {
		cat(cpu.reason, sizeof cpu.reason,
		    ": the kernel has a CPU PMU but PAPI's libpfm4 does not know this CPU (%s, family %d model %d)",
		    hw->vendor_string, hw->cpuid_family, hw->cpuid_model);
		tkp_fmt(cpu.fix, sizeof cpu.fix, "upgrade libpfm4 and PAPI to releases that support this CPU");
	} else {
		tkp_fmt(cpu.fix, sizeof cpu.fix, "see papi_component_avail for details");
	}
	if (par != -100)
		cat(cpu.reason, sizeof cpu.reason, "; kernel.perf_event_paranoid=%d", par);
	if (par > 2)
		cat(cpu.fix, sizeof cpu.fix, "; and %s", pfix);
	else
		cat(cpu.fix, sizeof cpu.fix, "; then, if PAPI reports permission errors: %s", pfix);
}

static void papi_init(void)
{
	int r = PAPI_is_initialized();

	if (r == PAPI_NOT_INITED) {
		r = PAPI_library_init(PAPI_VER_CURRENT);
		if (r != PAPI_VER_CURRENT) {
			if (r > 0)
				tkp_fmt(papi_err, sizeof papi_err,
					"PAPI library version %d.%d differs from the headers tkprofile was built with (%d.%d): rebuild tkprofile",
					PAPI_VERSION_MAJOR(r), PAPI_VERSION_MINOR(r),
					PAPI_VERSION_MAJOR(PAPI_VER_CURRENT), PAPI_VERSION_MINOR(PAPI_VER_CURRENT));
			else
				tkp_fmt(papi_err, sizeof papi_err, "PAPI_library_init failed: %s", PAPI_strerror(r));
			return;
		}
	}
	papi_ok = 1;
	diagnose_cpu();
}

static int papi_ready(void)
{
	pthread_once(&papi_once, papi_init);
	return papi_ok;
}

/* What to do about a PAPI error, as text. */
static void papi_advice(int e, char *why, size_t wl, char *fix, size_t fl)
{
	char pfix[TEXT_LEN];

	switch (e) {
	case PAPI_ECNFLCT:
	case PAPI_EMULPASS:
		tkp_fmt(why, wl, "conflicts with counters in use (%s)", e == PAPI_ECNFLCT ? "PAPI_ECNFLCT" : "PAPI_EMULPASS");
		tkp_fmt(fix, fl, "tkprofile already runs conflicting events in separate passes; if this event conflicts on its own, free the counter: sudo sysctl kernel.nmi_watchdog=0, stop other perf users");
		break;
	case PAPI_ENOCNTR:
		tkp_fmt(why, wl, "not enough hardware counters (PAPI_ENOCNTR)");
		tkp_fmt(fix, fl, "tkprofile splits events into passes; if one event needs more counters than are free: sudo sysctl kernel.nmi_watchdog=0, or pick a simpler event in the group file");
		break;
	case PAPI_EPERM:
		paranoid_fix(pfix, sizeof pfix);
		tkp_fmt(why, wl, "the kernel refused access (PAPI_EPERM)");
		tkp_fmt(fix, fl, "%s", pfix);
		break;
	case PAPI_ENOEVNT:
		tkp_fmt(why, wl, "no such event on this CPU (PAPI_ENOEVNT)");
		tkp_fmt(fix, fl, "list this CPU's events with papi_avail and papi_native_avail, and put one in the group file");
		break;
	case PAPI_ENOTPRESET:
		tkp_fmt(why, wl, "not a PAPI preset (PAPI_ENOTPRESET)");
		tkp_fmt(fix, fl, "list the presets with papi_avail");
		break;
	case PAPI_ECMP:
	case PAPI_ENOSUPP:
		tkp_fmt(why, wl, "not supported by its PAPI component (%s)", PAPI_strerror(e));
		tkp_fmt(fix, fl, "pick another event in the group file");
		break;
	case PAPI_EISRUN:
		tkp_fmt(why, wl, "another event set is already counting on this thread (PAPI_EISRUN)");
		tkp_fmt(fix, fl, "stop the other counter set first: one pass counts at a time per thread");
		break;
	case PAPI_ESYS:
		tkp_fmt(why, wl, "a system call failed (%s)", strerror(errno));
		tkp_fmt(fix, fl, "check dmesg and papi_component_avail");
		break;
	default:
		tkp_fmt(why, wl, "%s (PAPI error %d)", PAPI_strerror(e), e);
		tkp_fmt(fix, fl, "see papi_component_avail");
		break;
	}
}

/* Why PAPI_event_name_to_code failed; *unknown: the name is not an event
 * (a typo), as opposed to an event that cannot be looked up here. */
static void explain_unresolved(const char *name, int r, char *why, size_t wl, char *fix, size_t fl,
			       int *unknown)
{
	int qualified = strstr(name, ":::") != NULL;
	int preset = !strncasecmp(name, "PAPI_", 5);

	*unknown = 0;
	if (!qualified && !preset && cpu.cidx >= 0 && !cpu.enabled) {
		/* The same text as for presets, so the causes group. */
		tkp_strlcpy(why, cpu.reason, wl);
		tkp_strlcpy(fix, cpu.fix, fl);
		return;
	}
	*unknown = 1;
	if (preset) { /* PAPI says ENOTPRESET or ENOSUPP for unknown presets */
		tkp_fmt(why, wl, "not a PAPI preset");
		tkp_fmt(fix, fl, "list the presets with papi_avail");
		return;
	}
	tkp_fmt(why, wl, "no such event on this machine");
	tkp_fmt(fix, fl, "list this machine's events with papi_avail and papi_native_avail");
}

/* Names PAPI knows here (presets, native events of enabled components)
 * and the events of the default group files, for "did you mean". */
static void suggest_event(const char *name, char *hint, size_t len)
{
	struct nearest nr;
	char ev[PAPI_MAX_STR_LEN], dirbuf[PATH_MAX];
	const char *dir;
	struct gdef *def;
	int code, cidx, ncmp = PAPI_num_components();

	nearest_init(&nr, name);
	code = PAPI_PRESET_MASK;
	if (PAPI_enum_event(&code, PAPI_ENUM_FIRST) == PAPI_OK)
		do {
			if (PAPI_event_code_to_name(code, ev) == PAPI_OK)
				nearest_try(&nr, ev);
		} while (PAPI_enum_event(&code, PAPI_ENUM_EVENTS) == PAPI_OK);
	for (cidx = 0; cidx < ncmp; cidx++) {
		const PAPI_component_info_t *ci = PAPI_get_component_info(cidx);

		if (!ci || ci->disabled)
			continue;
		code = PAPI_NATIVE_MASK;
		if (PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cidx) != PAPI_OK)
			continue;
		do {
			if (PAPI_event_code_to_name(code, ev) == PAPI_OK)
				nearest_try(&nr, ev);
		} while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cidx) == PAPI_OK);
	}
	if ((dir = default_groups_dir(dirbuf, sizeof dirbuf)) && (def = calloc(TKP_M_COUNT, sizeof *def))) {
		char w[TEXT_LEN];
		int m, k, i, n;

		if (!load_groups(dir, NULL, def, w, sizeof w))
			for (m = 0; m < TKP_M_COUNT; m++)
				for (k = 0; k < 3; k++) {
					char tmp[LIST_LEN], *tok[64];

					tkp_strlcpy(tmp, def[m].ev[k], sizeof tmp);
					n = split_list(tmp, tok, 64);
					for (i = 0; i < n; i++)
						nearest_try(&nr, tok[i]);
				}
		free(def);
	}
	nearest_hint(&nr, hint, len);
}

/* ---- passes ------------------------------------------------------------ */

static void pass_free(struct pass *p)
{
	if (p->es != PAPI_NULL) {
		PAPI_cleanup_eventset(p->es);
		PAPI_destroy_eventset(&p->es);
	}
	p->es = PAPI_NULL;
	p->n = 0;
}

/* A new, empty event set for component cidx, inheriting where the
 * component can.  0, or a PAPI error. */
static int pass_create(struct pass *p, int cidx)
{
	PAPI_option_t opt;
	const PAPI_component_info_t *ci = PAPI_get_component_info(cidx);
	int r;

	memset(p, 0, sizeof *p);
	p->es = PAPI_NULL;
	p->cidx = cidx;
	p->ref_pos = -1;
	p->last_ref = NAN;
	if ((r = PAPI_create_eventset(&p->es)) != PAPI_OK) {
		p->es = PAPI_NULL;
		return r;
	}
	if ((r = PAPI_assign_eventset_component(p->es, cidx)) != PAPI_OK)
		goto fail;
	/* Inherit before any event is added: perf_event opens the events as
	 * they are added, with the inherit flag of that moment. */
	memset(&opt, 0, sizeof opt);
	opt.inherit.eventset = p->es;
	opt.inherit.inherit = PAPI_INHERIT_ALL;
	r = PAPI_set_opt(PAPI_INHERIT, &opt);
	if (r == PAPI_OK)
		p->inherit = 1;
	else if ((r == PAPI_ECMP || r == PAPI_ENOSUPP) && ci && !ci->inherit)
		p->inherit = 0; /* process-wide component (SDE): nothing to inherit */
	else
		goto fail;
	return 0;
fail:
	pass_free(p);
	return r;
}

static int pass_add(struct pass *p, int code, int slot, int home, int metric)
{
	int r;

	if (p->n >= MAX_EV)
		return PAPI_ENOCNTR;
	if ((r = PAPI_add_event(p->es, code)) != PAPI_OK)
		return r;
	p->slot[p->n] = slot;
	p->home[p->n] = home;
	p->metric[p->n] = home ? metric : -1;
	p->n++;
	return 0;
}

static int pass_may_take(const tkp_counters *c, const struct pass *p)
{
	return !c->max_per_pass || p->n < c->max_per_pass;
}

/*
 * Puts slot si's event into a pass: an existing one of its component with
 * room, else a new one (with the reference event first when it fits).
 * Returns 0, or the PAPI error of adding it to a pass of its own.
 */
static int place(tkp_counters *c, int si)
{
	struct slot *s = &c->slot[si];
	struct slot *ref = c->ref_slot >= 0 && c->ref_slot != si ? &c->slot[c->ref_slot] : NULL;
	struct pass *p;
	int i, r, try_ref;

	for (i = 0; i < c->npass; i++) {
		p = &c->pass[i];
		if (p->cidx != s->cidx || !pass_may_take(c, p))
			continue;
		r = pass_add(p, s->code, si, 1, s->metric);
		if (!r) {
			s->pass = i;
			return 0;
		}
		/* Conflicts and full sets send it to the next pass; anything
		 * else is about the event itself, which the new pass shows. */
	}
	if (c->npass >= TKP_COUNTERS_MAX_PASSES)
		return PAPI_ENOCNTR;
	p = &c->pass[c->npass];
	try_ref = ref && ref->countable && ref->cidx == s->cidx && (!c->max_per_pass || c->max_per_pass >= 2);
	for (;;) {
		if ((r = pass_create(p, s->cidx)))
			return r;
		if (try_ref && !pass_add(p, ref->code, c->ref_slot, 0, -1))
			p->ref_pos = 0;
		r = pass_add(p, s->code, si, 1, s->metric);
		if (!r)
			break;
		pass_free(p);
		if (!try_ref)
			return r;
		try_ref = 0; /* maybe it conflicts with the reference: alone */
	}
	if (si == c->ref_slot)
		p->ref_pos = p->n - 1;
	s->pass = c->npass++;
	return 0;
}

/* A failed candidate's cause, grouped with others of the same cause. */
struct causes {
	int n;
	struct {
		char names[LIST_LEN];
		char why[TEXT_LEN];
		char fix[TEXT_LEN];
	} c[MAX_CAUSES];
};

static void causes_add(struct causes *cs, const char *name, const char *why, const char *fix)
{
	int i;

	for (i = 0; i < cs->n; i++)
		if (!strcmp(cs->c[i].why, why)) {
			cat(cs->c[i].names, LIST_LEN, ", %s", name);
			return;
		}
	if (cs->n == MAX_CAUSES)
		return;
	tkp_strlcpy(cs->c[cs->n].names, name, LIST_LEN);
	tkp_strlcpy(cs->c[cs->n].why, why, TEXT_LEN);
	tkp_strlcpy(cs->c[cs->n].fix, fix, TEXT_LEN);
	cs->n++;
}

/*
 * Chooses slot si's event from its candidates and places it.  Returns 0
 * (chosen or not countable, s->why says), or TKP_ENOENT with why when in
 * events mode the name is not an event at all.
 */
static int choose(tkp_counters *c, int si, int dtype, char *why, size_t whylen)
{
	struct slot *s = &c->slot[si];
	struct causes *cs = calloc(1, sizeof *cs);
	int order[2] = {dtype >= 0 ? dtype + 1 : -1, 0}, o, i;

	if (!cs)
		return TKP_ENOMEM;
	for (o = 0; o < 2 && !s->countable; o++) {
		char tmp[LIST_LEN], *tok[64];
		int n;

		if (order[o] < 0)
			continue;
		tkp_strlcpy(tmp, s->cand[order[o]], sizeof tmp);
		n = split_list(tmp, tok, 64);
		for (i = 0; i < n; i++) {
			char w[TEXT_LEN], f[TEXT_LEN];
			const PAPI_component_info_t *ci;
			int r, unknown;

			cat(s->tried, sizeof s->tried, "%s%s", s->tried[0] ? ", " : "", tok[i]);
			/* A CPU event where the CPU component has nothing to
			 * count with is not looked up: the reason is known, and
			 * PAPI 7.0's native lookup leaks its strdup'd names when
			 * the kernel then refuses the event (LeakSanitizer, KVM
			 * guest without a vPMU).  Presets and other components'
			 * events (COMPONENT:::NAME) are looked up as usual. */
			if (cpu.cidx >= 0 && !cpu.enabled && strncasecmp(tok[i], "PAPI_", 5) &&
			    !strstr(tok[i], ":::")) {
				causes_add(cs, tok[i], cpu.reason, cpu.fix);
				continue;
			}
			r = PAPI_event_name_to_code(tok[i], &s->code);
			if (r != PAPI_OK) {
				explain_unresolved(tok[i], r, w, sizeof w, f, sizeof f, &unknown);
				if (unknown && c->events_mode) {
					char hint[NAME_LEN + 32];

					suggest_event(tok[i], hint, sizeof hint);
					tkp_fmt(why, whylen, "unknown event '%s'%s: %s", tok[i], hint, w);
					free(cs);
					return TKP_ENOENT;
				}
				causes_add(cs, tok[i], w, f);
				continue;
			}
			s->cidx = PAPI_get_event_component(s->code);
			ci = PAPI_get_component_info(s->cidx);
			if (s->cidx == cpu.cidx && !cpu.enabled) {
				causes_add(cs, tok[i], cpu.reason, cpu.fix);
				continue;
			}
			if (ci && ci->disabled) {
				if (s->cidx == cpu.cidx) {
					causes_add(cs, tok[i], cpu.reason, cpu.fix);
				} else {
					tkp_fmt(w, sizeof w, "PAPI's %s component is disabled (\"%s\")", ci->name,
						ci->disabled_reason);
					causes_add(cs, tok[i], w, "see papi_component_avail");
				}
				continue;
			}
			if (PAPI_query_event(s->code) != PAPI_OK) {
				const PAPI_hw_info_t *hw = PAPI_get_hardware_info();

				if (cpu.cidx >= 0 && !cpu.enabled) {
					/* no CPU counters at all: that is the reason */
					tkp_strlcpy(w, cpu.reason, sizeof w);
					tkp_strlcpy(f, cpu.fix, sizeof f);
				} else if (!strncasecmp(tok[i], "PAPI_", 5)) {
					tkp_fmt(w, sizeof w, "PAPI has no %s preset for this CPU (%s, family %d model %d)",
						tok[i], hw ? hw->vendor_string : "?", hw ? hw->cpuid_family : 0,
						hw ? hw->cpuid_model : 0);
					tkp_fmt(f, sizeof f, "list a native event of this CPU (papi_native_avail) after it in the group file");
				} else {
					papi_advice(PAPI_ENOEVNT, w, sizeof w, f, sizeof f);
				}
				causes_add(cs, tok[i], w, f);
				continue;
			}
			r = place(c, si);
			if (r) {
				papi_advice(r, w, sizeof w, f, sizeof f);
				causes_add(cs, tok[i], w, f);
				continue;
			}
			s->countable = 1;
			tkp_strlcpy(s->event, tok[i], sizeof s->event);
			break;
		}
	}
	if (!s->countable) {
		s->pass = -1;
		if (cs->n == 1)
			tkp_strlcpy(s->cause, cs->c[0].why, sizeof s->cause);
		for (i = 0; i < cs->n; i++) {
			cat(s->why, sizeof s->why, "%s%s: %s", i ? "; " : "", cs->c[i].names, cs->c[i].why);
			if (!s->fix[0])
				tkp_strlcpy(s->fix, cs->c[i].fix, sizeof s->fix);
		}
	}
	free(cs);
	return 0;
}

/* Drops pass pi (its slots become not countable with why/fix). */
static void pass_drop(tkp_counters *c, int pi, const char *why, const char *fix)
{
	int i;

	for (i = 0; i < c->pass[pi].n; i++) {
		struct slot *s = &c->slot[c->pass[pi].slot[i]];

		if (!c->pass[pi].home[i])
			continue;
		s->countable = 0;
		s->pass = -1;
		tkp_fmt(s->why, sizeof s->why, "%s: %s", s->event, why);
		tkp_strlcpy(s->cause, why, sizeof s->cause);
		tkp_strlcpy(s->fix, fix, sizeof s->fix);
		s->event[0] = '\0';
	}
	pass_free(&c->pass[pi]);
	memmove(&c->pass[pi], &c->pass[pi + 1], sizeof c->pass[0] * (size_t)(c->npass - pi - 1));
	c->npass--;
	for (i = 0; i < c->nslots; i++)
		if (c->slot[i].pass > pi)
			c->slot[i].pass--;
}

/* Starts and stops every pass once, so that "countable" means counted:
 * some kernels refuse at start what they accepted at open. */
static void verify_passes(tkp_counters *c)
{
	int pi = 0;

	while (pi < c->npass) {
		struct pass *p = &c->pass[pi];
		char w[TEXT_LEN], f[TEXT_LEN];
		int r = PAPI_start(p->es);

		if (r == PAPI_OK)
			r = PAPI_stop(p->es, p->raw);
		if (r == PAPI_OK) {
			pi++;
			continue;
		}
		papi_advice(r, w, sizeof w, f, sizeof f);
		pass_drop(c, pi, w, f);
	}
	/* A dropped first pass may have held the reference's home. */
	if (c->ref_slot >= 0 && !c->slot[c->ref_slot].countable) {
		for (pi = 0; pi < c->npass; pi++)
			c->pass[pi].ref_pos = -1;
	}
}

static int open_papi(tkp_counters *c, const tkp_counters_opts *o, char *why, size_t whylen)
{
	int i, rc;

	if (!papi_ready()) {
		slots_all_why(c, papi_err, "reinstall PAPI (libpapi-dev) and rebuild tkprofile");
		summarise(c, papi_err, "reinstall PAPI (libpapi-dev) and rebuild tkprofile");
		return 0;
	}
	c->max_per_pass = o->max_per_pass > 0 ? o->max_per_pass : 0;
	if (c->events_mode)
		c->ref_slot = o->ref >= 0 && o->ref < c->nslots ? o->ref : -1;
	/* The reference first, so that it is in every pass that can take it. */
	if (c->ref_slot >= 0 && !c->slot[c->ref_slot].why[0])
		if ((rc = choose(c, c->ref_slot, o->dtype, why, whylen)))
			return rc;
	for (i = 0; i < c->nslots; i++) {
		struct slot *s = &c->slot[i];

		if (i == c->ref_slot || s->why[0])
			continue;
		if ((rc = choose(c, i, o->dtype, why, whylen)))
			return rc;
	}
	verify_passes(c);
	/* When nothing is counted because the CPU component is off, say that
	 * once rather than per metric. */
	for (i = 0; i < c->nslots; i++)
		if (c->slot[i].countable || !strstr(c->slot[i].why, cpu.reason[0] ? cpu.reason : "\x01"))
			break;
	if (i == c->nslots && !cpu.enabled)
		summarise(c, cpu.reason, cpu.fix);
	else
		summarise(c, NULL, NULL);
	return 0;
}

static void close_papi(tkp_counters *c)
{
	int i;

	if (c->running >= 0) {
		long long junk[MAX_EV];

		PAPI_stop(c->pass[c->running].es, junk);
		c->running = -1;
	}
	for (i = 0; i < c->npass; i++)
		pass_free(&c->pass[i]);
	c->npass = 0;
}

static void set_err(tkp_counters *c, const char *what, int r)
{
	char w[TEXT_LEN], f[TEXT_LEN];

	papi_advice(r, w, sizeof w, f, sizeof f);
	tkp_fmt(c->err, sizeof c->err, "%s: %s; fix: %s", what, w, f);
}

int tkp_counters_start(tkp_counters *c, int pass)
{
	int r;

	if (!c || pass < 0 || pass >= c->npass || c->running >= 0)
		return c && c->npass == 0 ? TKP_ENOTSUP : TKP_EINVAL;
	if ((r = PAPI_start(c->pass[pass].es)) != PAPI_OK) {
		set_err(c, "PAPI_start", r);
		return TKP_ECOUNTERS;
	}
	c->running = pass;
	c->owner = pthread_self();
	return 0;
}

/* Stops the running pass into p->raw. */
static int stop_raw(tkp_counters *c, int pass)
{
	struct pass *p;
	int r;

	if (!c || pass < 0 || pass >= c->npass || c->running != pass || !pthread_equal(c->owner, pthread_self()))
		return c && c->npass == 0 ? TKP_ENOTSUP : TKP_EINVAL;
	p = &c->pass[pass];
	r = PAPI_stop(p->es, p->raw);
	c->running = -1;
	if (r != PAPI_OK) {
		set_err(c, "PAPI_stop", r);
		return TKP_ECOUNTERS;
	}
	if (p->ref_pos >= 0)
		p->last_ref = (double)p->raw[p->ref_pos];
	return 0;
}

int tkp_counters_stop(tkp_counters *c, int pass, double *values)
{
	const struct pass *p;
	int i, r = stop_raw(c, pass);

	if (r)
		return r;
	if (!values)
		return 0;
	p = &c->pass[pass];
	for (i = 0; i < p->n; i++) {
		int m = p->metric[i];

		if (m < 0)
			continue;
		if (isnan(values[m]))
			values[m] = 0;
		values[m] += (double)p->raw[i];
	}
	return 0;
}

int tkp_counters_stop_slots(tkp_counters *c, int pass, double *vals)
{
	const struct pass *p;
	int i, r = stop_raw(c, pass);

	if (r)
		return r;
	if (!vals)
		return 0;
	p = &c->pass[pass];
	for (i = 0; i < p->n; i++) {
		if (!p->home[i])
			continue;
		if (isnan(vals[p->slot[i]]))
			vals[p->slot[i]] = 0;
		vals[p->slot[i]] += (double)p->raw[i];
	}
	return 0;
}

static int read_raw(tkp_counters *c, int pass)
{
	int r;

	if (!c || pass < 0 || pass >= c->npass || c->running != pass || !pthread_equal(c->owner, pthread_self()))
		return c && c->npass == 0 ? TKP_ENOTSUP : TKP_EINVAL;
	if ((r = PAPI_read(c->pass[pass].es, c->pass[pass].raw)) != PAPI_OK) {
		set_err(c, "PAPI_read", r);
		return TKP_ECOUNTERS;
	}
	return 0;
}

int tkp_counters_read(tkp_counters *c, int pass, double *values)
{
	const struct pass *p;
	int i, r = read_raw(c, pass);

	if (r)
		return r;
	p = &c->pass[pass];
	for (i = 0; i < p->n; i++)
		if (p->home[i] && c->slot[p->slot[i]].metric >= 0)
			values[c->slot[p->slot[i]].metric] = (double)p->raw[i];
	return 0;
}

int tkp_counters_read_slots(tkp_counters *c, int pass, double *vals)
{
	const struct pass *p;
	int i, r = read_raw(c, pass);

	if (r)
		return r;
	p = &c->pass[pass];
	for (i = 0; i < p->n; i++)
		if (p->home[i])
			vals[p->slot[i]] = (double)p->raw[i];
	return 0;
}

int tkp_counters_papi_version(char *buf, size_t len)
{
	int v;

	if (!papi_ready()) {
		tkp_fmt(buf, len, "%d.%d.%d.%d (not initialised)", PAPI_VERSION_MAJOR(PAPI_VER_CURRENT),
			PAPI_VERSION_MINOR(PAPI_VER_CURRENT), PAPI_VERSION_REVISION(PAPI_VER_CURRENT),
			PAPI_VERSION_INCREMENT(PAPI_VER_CURRENT));
		return TKP_ECOUNTERS;
	}
	v = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
	tkp_fmt(buf, len, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v), PAPI_VERSION_REVISION(v),
		PAPI_VERSION_INCREMENT(v));
	return 0;
}

int tkp_counters_component(int i, char *name, size_t nlen, char *status, size_t slen)
{
	const PAPI_component_info_t *ci;

	if (!papi_ready()) {
		tkp_strlcpy(name, "papi", nlen);
		tkp_strlcpy(status, papi_err, slen);
		return i == 0 ? TKP_ECOUNTERS : TKP_ENOENT;
	}
	if (i < 0 || i >= PAPI_num_components() || !(ci = PAPI_get_component_info(i)))
		return TKP_ENOENT;
	tkp_strlcpy(name, ci->name, nlen);
	if (!ci->disabled)
		tkp_strlcpy(status, "enabled", slen);
	else if (ci->disabled == PAPI_EDELAY_INIT)
		tkp_fmt(status, slen, "initialised on first use (\"%s\")", ci->disabled_reason);
	else
		tkp_fmt(status, slen, "disabled: %s", ci->disabled_reason);
	if (!ci->disabled && ci->num_cntrs > 0)
		cat(status, slen, ", %d counters", ci->num_cntrs);
	return 0;
}

void tkp_counters_machine_status(char *buf, size_t len)
{
	if (!papi_ready()) {
		tkp_fmt(buf, len, "unavailable: %s", papi_err);
		return;
	}
	if (cpu.enabled) {
		const PAPI_component_info_t *ci = PAPI_get_component_info(cpu.cidx);

		tkp_fmt(buf, len, "available: PAPI perf_event component enabled, %d hardware counters",
			ci ? ci->num_cntrs : 0);
		return;
	}
	tkp_fmt(buf, len, "unavailable: %s; fix: %s", cpu.reason, cpu.fix);
}

#else /* !TKP_HAVE_PAPI */
/* ======================================================================== */
/* built without PAPI                                                       */
/* ======================================================================== */

#define NO_PAPI_WHY "built without PAPI"
#define NO_PAPI_FIX "install libpapi-dev and re-run ./configure --with-papi"

static int open_papi(tkp_counters *c, const tkp_counters_opts *o, char *why, size_t whylen)
{
	slots_all_why(c, NO_PAPI_WHY, NO_PAPI_FIX);
	summarise(c, NO_PAPI_WHY, NO_PAPI_FIX);
	return 0;
}

static void close_papi(tkp_counters *c)
{
}

int tkp_counters_start(tkp_counters *c, int pass)
{
	return c ? TKP_ENOTSUP : TKP_EINVAL;
}

int tkp_counters_stop(tkp_counters *c, int pass, double *values)
{
	return c ? TKP_ENOTSUP : TKP_EINVAL;
}

int tkp_counters_stop_slots(tkp_counters *c, int pass, double *vals)
{
	return c ? TKP_ENOTSUP : TKP_EINVAL;
}

int tkp_counters_read(tkp_counters *c, int pass, double *values)
{
	return c ? TKP_ENOTSUP : TKP_EINVAL;
}

int tkp_counters_read_slots(tkp_counters *c, int pass, double *vals)
{
	return c ? TKP_ENOTSUP : TKP_EINVAL;
}

int tkp_counters_papi_version(char *buf, size_t len)
{
	tkp_strlcpy(buf, "none", len);
	return TKP_ENOTSUP;
}

int tkp_counters_component(int i, char *name, size_t nlen, char *status, size_t slen)
{
	if (i)
		return TKP_ENOENT;
	tkp_strlcpy(name, "papi", nlen);
	tkp_fmt(status, slen, NO_PAPI_WHY ": " NO_PAPI_FIX);
	return TKP_ENOTSUP;
}

void tkp_counters_machine_status(char *buf, size_t len)
{
	tkp_fmt(buf, len, "unavailable: " NO_PAPI_WHY "; fix: " NO_PAPI_FIX);
}
#endif /* TKP_HAVE_PAPI */

/* ---- public entry points ------------------------------------------------- */

int tkp_counters_open_opts(tkp_counters **out, const tkp_counters_opts *o, char *why, size_t whylen)
{
	tkp_counters *c;
	char dirbuf[PATH_MAX], tmp[TEXT_LEN];
	const char *dir;
	struct gdef *def = NULL;
	int rc = 0;

	if (!out || !o)
		return TKP_EINVAL;
	*out = NULL;
	if (why && whylen)
		why[0] = '\0';
	if (!why) {
		why = tmp;
		whylen = sizeof tmp;
	}
	if (o->mode != TKP_COUNTERS_NONE && o->mode != TKP_COUNTERS_AUTO && o->mode != TKP_COUNTERS_PAPI) {
		tkp_fmt(why, whylen, "unknown counter mode %d", (int)o->mode);
		return TKP_EINVAL;
	}
	if (!(c = counters_new(o->mode)))
		return TKP_ENOMEM;
	if (o->events) {
		if ((rc = slots_from_events(c, o->events, why, whylen)))
			goto fail;
	} else if (o->mode != TKP_COUNTERS_NONE) {
		if (!(dir = o->groups_dir) && !(dir = default_groups_dir(dirbuf, sizeof dirbuf))) {
			tkp_fmt(why, whylen, "no counter group directory: set TKP_DATADIR, install tkprofile, or pass the groups directory");
			rc = TKP_ENOENT;
			goto fail;
		}
		if (!(def = calloc(TKP_M_COUNT, sizeof *def))) {
			rc = TKP_ENOMEM;
			goto fail;
		}
		if ((rc = load_groups(dir, o->groups, def, why, whylen)))
			goto fail;
		slots_from_groups(c, def, o->groups);
		free(def);
		def = NULL;
	} else {
		int m;

		c->nslots = TKP_M_COUNT;
		for (m = 0; m < TKP_M_COUNT; m++) {
			tkp_strlcpy(c->slot[m].name, tkp_metric_name(m), NAME_LEN);
			c->slot[m].metric = m;
		}
	}
	if (o->mode == TKP_COUNTERS_NONE) {
		int i;

		for (i = 0; i < c->nslots; i++) {
			tkp_strlcpy(c->slot[i].why, "counters disabled (mode none)", sizeof c->slot[i].why);
			c->slot[i].fix[0] = '\0';
		}
		tkp_strlcpy(c->why, "counters disabled (mode none)", sizeof c->why);
	} else {
		if ((rc = open_papi(c, o, why, whylen)))
			goto fail;
		if (o->mode == TKP_COUNTERS_PAPI && c->npass == 0) {
			tkp_strlcpy(why, c->why, whylen);
			rc = TKP_ECOUNTERS;
			goto fail;
		}
	}
	tkp_strlcpy(why, c->why, whylen);
	*out = c;
	return 0;
fail:
	free(def);
	tkp_counters_close(c);
	return rc;
}

int tkp_counters_open(tkp_counters **out, tkp_counter_mode mode, const char *groups_dir, char *why,
		      size_t whylen)
{
	tkp_counters_opts o;

	tkp_counters_opts_init(&o);
	o.mode = mode;
	o.groups_dir = groups_dir;
	return tkp_counters_open_opts(out, &o, why, whylen);
}

int tkp_counters_open_events(tkp_counters **out, tkp_counter_mode mode, const char *events, int max_per_pass,
			     char *why, size_t whylen)
{
	tkp_counters_opts o;

	if (!events)
		return TKP_EINVAL;
	tkp_counters_opts_init(&o);
	o.mode = mode;
	o.events = events;
	o.max_per_pass = max_per_pass;
	return tkp_counters_open_opts(out, &o, why, whylen);
}

void tkp_counters_close(tkp_counters *c)
{
	if (!c)
		return;
	close_papi(c);
	free(c);
}

int tkp_counters_passes(const tkp_counters *c)
{
	return c ? c->npass : 0;
}

const char *tkp_counters_why(const tkp_counters *c)
{
	return c ? c->why : "no counter set";
}

const char *tkp_counters_fix(const tkp_counters *c)
{
	return c ? c->fix : "";
}

const char *tkp_counters_last_error(const tkp_counters *c)
{
	return c ? c->err : "";
}

tkp_counter_source tkp_counters_source(const tkp_counters *c)
{
	return c && c->npass > 0 ? TKP_SRC_PAPI : TKP_SRC_NONE;
}

int tkp_counters_has(const tkp_counters *c, int metric)
{
	int i;

	if (!c || metric < 0 || metric >= TKP_M_COUNT)
		return 0;
	for (i = 0; i < c->nslots; i++)
		if (c->slot[i].metric == metric)
			return c->slot[i].countable;
	return 0;
}

int tkp_counters_nslots(const tkp_counters *c)
{
	return c ? c->nslots : 0;
}

int tkp_counters_slot(const tkp_counters *c, int i, tkp_counter_slot *out)
{
	const struct slot *s;

	if (!c || i < 0 || i >= c->nslots)
		return TKP_ENOENT;
	s = &c->slot[i];
	out->name = s->name;
	out->metric = s->metric;
	out->group = s->group;
	out->desc = s->desc;
	out->event = s->event;
	out->tried = s->tried;
	out->countable = s->countable;
	out->pass = s->pass;
	out->why = s->why;
	out->cause = s->cause[0] ? s->cause : s->why;
	out->fix = s->fix;
	return 0;
}

int tkp_counters_pass_size(const tkp_counters *c, int pass)
{
	return c && pass >= 0 && pass < c->npass ? c->pass[pass].n : -1;
}

int tkp_counters_inherits(const tkp_counters *c, int pass)
{
	return c && pass >= 0 && pass < c->npass ? c->pass[pass].inherit : -1;
}

double tkp_counters_pass_ref(const tkp_counters *c, int pass)
{
	return c && pass >= 0 && pass < c->npass ? c->pass[pass].last_ref : NAN;
}

int tkp_counters_check_passes(const tkp_counters *c, double tol)
{
	double lo = INFINITY, hi = -INFINITY;
	int i, n = 0;

	if (!c)
		return 0;
	for (i = 0; i < c->npass; i++) {
		double v = c->pass[i].last_ref;

		if (isnan(v))
			continue;
		n++;
		if (v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	if (n < 2)
		return 0;
	if (lo <= 0)
		return hi > 0 ? TKP_CF_PASSES_DISAGREE : 0;
	return (hi - lo) / lo > tol ? TKP_CF_PASSES_DISAGREE : 0;
}
