/*
 * counters.c - the counter interface: counter sets, whatever the source.
 *
 * Opening a set makes its slots (the six metrics from the group files, or
 * an explicit event list), picks the source from the registry below and
 * lets it plan: decide what can be counted, why not and the fix, and pack
 * passes.  Counting goes through the source's operations; the raw counts
 * of a pass become metric or slot values here, in one place for every
 * source.  The sources themselves are source_papi.c, source_sim.c and
 * source_none.c; group files are groups.c, name suggestions suggest.c, the
 * CPU's diagnosis pmu.c.
 *
 * The library never prints: errors are text in the counter set.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "groups.h"
#include "source.h"
#include "util.h"

#define NAME_LEN TKP_CTR_NAME_LEN
#define TEXT_LEN TKP_CTR_TEXT_LEN
#define LIST_LEN TKP_CTR_LIST_LEN

/* ---- the registry ------------------------------------------------------ */

static const struct {
	const char *name;
	const tkp_source_ops *ops; /* NULL: absent from this build */
	const char *why, *fix;     /* why absent, and how to get it */
} sources[] = {
#ifdef TKP_HAVE_PAPI
	{"papi", &tkp_source_papi, "", ""},
#else
	{"papi", NULL, "built without PAPI", "install libpapi-dev and re-run ./configure --with-papi"},
#endif
	{"sim", &tkp_source_sim, "", ""},
	{"none", &tkp_source_none, "", ""},
};

const tkp_source_ops *tkp_source_find(const char *name, const char **why, const char **fix)
{
	for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
		if (!strcmp(sources[i].name, name)) {
			if (why)
				*why = sources[i].why;
			if (fix)
				*fix = sources[i].fix;
			return sources[i].ops;
		}
	if (why)
		*why = NULL;
	if (fix)
		*fix = NULL;
	return NULL;
}

/* The source that answers machine-level questions: PAPI's, else none's
 * (which says why PAPI is absent). */
static const tkp_source_ops *machine_source(void)
{
	const tkp_source_ops *p = tkp_source_find("papi", NULL, NULL);

	return p ? p : &tkp_source_none;
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
static void slots_from_groups(tkp_counters *c, const tkp_gdef def[TKP_M_COUNT], const char *groups)
{
	int m, k;

	c->nslots = TKP_M_COUNT;
	for (m = 0; m < TKP_M_COUNT; m++) {
		struct tkp_ctr_slot *s = &c->slot[m];

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
		for (k = 0; k < TKP_GROUPS_NKEYS; k++)
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
	n = tkp_ctr_split_list(list, tok, TKP_COUNTERS_MAX_SLOTS + 1);
	if (!n) {
		tkp_fmt(why, whylen, "empty event list");
		return TKP_EINVAL;
	}
	if (n > TKP_COUNTERS_MAX_SLOTS) {
		tkp_fmt(why, whylen, "more than %d events", TKP_COUNTERS_MAX_SLOTS);
		return TKP_EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!tkp_groups_event_name_ok(tok[i], &bad)) {
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
void tkp_ctr_slots_all_why(tkp_counters *c, const char *why, const char *fix)
{
	int i;

	for (i = 0; i < c->nslots; i++)
		if (!c->slot[i].why[0]) {
			tkp_strlcpy(c->slot[i].why, why, sizeof c->slot[i].why);
			tkp_strlcpy(c->slot[i].fix, fix, sizeof c->slot[i].fix);
		}
}

/* c->why from the slots: "" when all are counted. */
void tkp_ctr_summarise(tkp_counters *c, const char *common_why, const char *common_fix)
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
			tkp_ctr_cat(c->why, sizeof c->why, "; fix: %s", common_fix);
			tkp_strlcpy(c->fix, common_fix, sizeof c->fix);
		}
		return;
	}
	tkp_fmt(c->why, sizeof c->why, counted ? "not counted here: " : "no counters: ");
	for (i = 0; i < c->nslots; i++) {
		struct tkp_ctr_slot *s = &c->slot[i];

		if (s->countable)
			continue;
		tkp_ctr_cat(c->why, sizeof c->why, "%s (%s%s%s)%s", s->name, s->why, s->fix[0] ? "; fix: " : "", s->fix,
		    --missing ? "; " : "");
		if (!c->fix[0] && s->fix[0])
			tkp_strlcpy(c->fix, s->fix, sizeof c->fix);
	}
}

/* ---- opening ------------------------------------------------------------ */

/* The slots for o: an explicit event list; the metrics of the group files
 * (groups); else the six metrics by name, for sources that read no group
 * files. */
static int make_slots(tkp_counters *c, const tkp_counters_opts *o, int groups, char *why, size_t whylen)
{
	char dirbuf[PATH_MAX];
	const char *dir;
	tkp_gdef *def;
	int rc, m;

	if (o->events)
		return slots_from_events(c, o->events, why, whylen);
	if (!groups) {
		c->nslots = TKP_M_COUNT;
		for (m = 0; m < TKP_M_COUNT; m++) {
			tkp_strlcpy(c->slot[m].name, tkp_metric_name(m), NAME_LEN);
			c->slot[m].metric = m;
		}
		return 0;
	}
	if (!(dir = o->groups_dir) && !(dir = tkp_groups_default_dir(dirbuf, sizeof dirbuf))) {
		tkp_fmt(why, whylen, "no counter group directory: set TKP_DATADIR, install tkprofile, or pass the groups directory");
		return TKP_ENOENT;
	}
	if (!(def = calloc(TKP_M_COUNT, sizeof *def)))
		return TKP_ENOMEM;
	if (!(rc = tkp_groups_load(dir, o->groups, def, why, whylen)))
		slots_from_groups(c, def, o->groups);
	free(def);
	return rc;
}

/* 1 when c counts something: passes in process, or configurations apart. */
static int counts(const tkp_counters *c)
{
	return c && (c->npass > 0 || c->ops->count);
}

static int open_source(tkp_counters **out, const tkp_source_ops *ops, const tkp_counters_opts *o,
		       char *why, size_t whylen)
{
	tkp_counters *c;
	int rc;

	if (!(c = counters_new(o->mode)))
		return TKP_ENOMEM;
	c->ops = ops;
	c->max_size = o->max_size;
	if ((rc = make_slots(c, o, ops->groups && o->mode != TKP_COUNTERS_NONE, why, whylen)) ||
	    (rc = ops->plan(c, o, why, whylen))) {
		tkp_counters_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* The source for a name; an absent one (papi in a build without PAPI) is
 * the none source, which says why. */
static int pick_source(const char *name, const tkp_source_ops **ops, char *why, size_t whylen)
{
	const char *w;

	if ((*ops = tkp_source_find(name, &w, NULL)))
		return 0;
	if (w) {
		*ops = &tkp_source_none;
		return 0;
	}
	tkp_fmt(why, whylen, "unknown counter source '%s'; sources: papi, sim, none", name);
	return TKP_EINVAL;
}

int tkp_counters_open_opts(tkp_counters **out, const tkp_counters_opts *o, char *why, size_t whylen)
{
	const tkp_source_ops *ops;
	tkp_counters *c = NULL;
	char tmp[TEXT_LEN];
	int rc;

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
	if ((rc = pick_source(o->source ? o->source : o->mode == TKP_COUNTERS_NONE ? "none" : "papi",
			      &ops, why, whylen)) ||
	    (rc = open_source(&c, ops, o, why, whylen)))
		return rc;
	if (o->fallback && !counts(c)) {
		tkp_counters *f = NULL;
		if ((rc = pick_source(o->fallback, &ops, why, whylen)) ||
		    (rc = open_source(&f, ops, o, why, whylen))) {
			/* the fallback cannot work here (valgrind missing): the
			 * first set stands, counting nothing, saying both whys */
			if (rc != TKP_ENOTSUP) {
				tkp_counters_close(c);
				return rc;
			}
			tkp_fmt(c->why + strlen(c->why), sizeof c->why - strlen(c->why),
				"; no simulation either: %s", why);
		} else {
			tkp_counters_close(c);
			c = f;
		}
	}
	if (o->mode == TKP_COUNTERS_PAPI && !counts(c)) {
		tkp_strlcpy(why, c->why, whylen);
		tkp_counters_close(c);
		return TKP_ECOUNTERS;
	}
	tkp_strlcpy(why, c->why, whylen);
	*out = c;
	return 0;
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
	if (c->ops && c->ops->close)
		c->ops->close(c);
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
	return counts(c) ? c->ops->id : TKP_SRC_NONE;
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
	const struct tkp_ctr_slot *s;

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
	out->encoding = s->encoding;
	out->raw = s->raw;
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

/* ---- counting in process: one pass at a time ---------------------------- */

int tkp_counters_start(tkp_counters *c, int pass)
{
	int r;

	if (!c || pass < 0 || pass >= c->npass || c->running >= 0)
		return c && c->npass == 0 ? TKP_ENOTSUP : TKP_EINVAL;
	if ((r = c->ops->start(c, pass)))
		return r;
	c->running = pass;
	c->owner = pthread_self();
	return 0;
}

/* How the raw counts of a pass are taken and delivered. */
enum { GET_STOP = 1, GET_SLOTS = 2 };

/*
 * Stops (GET_STOP) or reads the running pass and delivers its counts: a
 * stop adds them into the cells (a NAN cell becomes the count), a read
 * writes them; in metric space (cells indexed by TKP_M_*) or, with
 * GET_SLOTS, in slot space.  Only the events that are their slot's home
 * count: the reference copies in other passes do not.
 */
static int get(tkp_counters *c, int pass, double *vals, int how)
{
	const struct tkp_ctr_pass *p;
	int i, r;

	if (!c || pass < 0 || pass >= c->npass || c->running != pass || !pthread_equal(c->owner, pthread_self()))
		return c && c->npass == 0 ? TKP_ENOTSUP : TKP_EINVAL;
	p = &c->pass[pass];
	if (how & GET_STOP) {
		r = c->ops->stop(c, pass);
		c->running = -1;
		if (r)
			return r;
		if (p->ref_pos >= 0)
			c->pass[pass].last_ref = (double)p->raw[p->ref_pos];
	} else if ((r = c->ops->read(c, pass))) {
		return r;
	}
	/* A read writes the pass's cells, a stop adds to them; a weighted
	 * sum's terms all add into their slot's cell. */
	for (i = 0; vals && i < p->n; i++) {
		int cell = (how & GET_SLOTS) ? p->slot[i] : c->slot[p->slot[i]].metric;

		if (p->home[i] && cell >= 0 && (!(how & GET_STOP) || isnan(vals[cell])))
			vals[cell] = 0;
	}
	for (i = 0; vals && i < p->n; i++) {
		int cell = (how & GET_SLOTS) ? p->slot[i] : c->slot[p->slot[i]].metric;

		if (p->home[i] && cell >= 0)
			vals[cell] += (double)p->raw[i] * (p->weight[i] > 0 ? p->weight[i] : 1);
	}
	return 0;
}

int tkp_counters_stop(tkp_counters *c, int pass, double *values)
{
	return get(c, pass, values, GET_STOP);
}

int tkp_counters_stop_slots(tkp_counters *c, int pass, double *vals)
{
	return get(c, pass, vals, GET_STOP | GET_SLOTS);
}

int tkp_counters_read(tkp_counters *c, int pass, double *values)
{
	return get(c, pass, values, 0);
}

int tkp_counters_read_slots(tkp_counters *c, int pass, double *vals)
{
	return get(c, pass, vals, GET_SLOTS);
}

/* ---- counting apart: a whole configuration ------------------------------ */

int tkp_counters_apart(const tkp_counters *c, const tkp_counters_job *j)
{
	size_t big;

	if (!c || !j || !c->ops->count)
		return 0;
	big = j->m > j->n ? j->m : j->n;
	if (j->k > big)
		big = j->k;
	return !c->max_size || big <= c->max_size;
}

int tkp_counters_count(tkp_counters *c, const tkp_counters_job *j, tkp_result *r, char *why,
		       size_t whylen)
{
	if (!tkp_counters_apart(c, j))
		return 0;
	return c->ops->count(c, j, r, why, whylen);
}

void tkp_counters_about_get(const tkp_counters *c, tkp_counters_about *a)
{
	memset(a, 0, sizeof *a);
	a->source = c ? c->ops->name : "none";
	a->counts = counts(c);
	a->apart = c && c->ops->count;
	a->max_size = c ? c->max_size : 0;
	a->adjective = a->gerund = a->runner = "";
	a->off = !c || c->mode == TKP_COUNTERS_NONE;
	if (c && c->ops->about)
		c->ops->about(c, a);
}

/* ---- the machine --------------------------------------------------------- */

int tkp_counters_papi_version(char *buf, size_t len)
{
	return machine_source()->version(buf, len);
}

int tkp_counters_component(int i, char *name, size_t nlen, char *status, size_t slen)
{
	return machine_source()->component(i, name, nlen, status, slen);
}

void tkp_counters_machine_status(char *buf, size_t len)
{
	machine_source()->machine_status(buf, len);
}
