/*
 * source_papi.c - the papi counter source: hardware (and software-defined)
 * counters through PAPI, counted in this process, pass by pass.
 *
 * For each slot the first candidate event that PAPI knows, whose component
 * is enabled and that can be added to an event set is chosen; events that
 * cannot share an event set are split into passes (see counters.h).  Every
 * reason an event is not counted is kept, with the fix, so `tkprofile
 * counters` and the sweep header can say exactly why: PAPI's component
 * "disabled reason", and pmu.c's diagnosis of the CPU.  Compiled only with
 * PAPI; without it the registry says why this source is absent.
 *
 * PAPI is initialised once, quietly; errors are text in the counter set.
 */
#include "config.h"

#ifdef TKP_HAVE_PAPI /* else the registry says why this source is absent */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <papi.h>

#include "counters.h"
#include "groups.h"
#include "pmu.h"
#include "source.h"
#include "suggest.h"
#include "util.h"

#define NAME_LEN TKP_CTR_NAME_LEN
#define TEXT_LEN TKP_CTR_TEXT_LEN
#define LIST_LEN TKP_CTR_LIST_LEN
#define MAX_EV TKP_CTR_MAX_EV
#define MAX_CAUSES 8

static pthread_once_t papi_once = PTHREAD_ONCE_INIT;
static int papi_ok;
static char papi_err[TEXT_LEN];

/* What the CPU component (perf_event) can do here, and why not. */
static tkp_pmu_state cpu;
/* The CPU raw encodings in the group files are matched against. */
static tkp_cpu_id cpu_id;

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
	tkp_pmu_diagnose(&cpu);
	{
		const PAPI_hw_info_t *hw = PAPI_get_hardware_info();

		if (hw)
			tkp_cpu_id_set(&cpu_id, hw->vendor_string, hw->cpuid_family, hw->cpuid_model);
	}
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
		tkp_pmu_paranoid_fix(pfix, sizeof pfix);
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
/* Names PAPI knows here (presets, native events of enabled components)
 * and the events of the default group files, for "did you mean". */
static void suggest_event(const char *name, char *hint, size_t len)
{
	tkp_nearest nr;
	char ev[PAPI_MAX_STR_LEN];
	int code, cidx, ncmp = PAPI_num_components();

	tkp_nearest_init(&nr, name);
	code = PAPI_PRESET_MASK;
	if (PAPI_enum_event(&code, PAPI_ENUM_FIRST) == PAPI_OK)
		do {
			if (PAPI_event_code_to_name(code, ev) == PAPI_OK)
				tkp_nearest_try(&nr, ev);
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
				tkp_nearest_try(&nr, ev);
		} while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cidx) == PAPI_OK);
	}
	tkp_nearest_try_group_events(&nr);
	tkp_nearest_hint(&nr, hint, len);
}

/* ---- passes ------------------------------------------------------------ */

static void pass_free(struct tkp_ctr_pass *p)
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
static int pass_create(struct tkp_ctr_pass *p, int cidx)
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

static int pass_add(struct tkp_ctr_pass *p, int code, int slot, int home, double weight)
{
	int r;

	if (p->n >= MAX_EV)
		return PAPI_ENOCNTR;
	if ((r = PAPI_add_event(p->es, code)) != PAPI_OK)
		return r;
	p->slot[p->n] = slot;
	p->home[p->n] = home;
	p->weight[p->n] = weight;
	p->n++;
	return 0;
}

/* Adds every term of slot s to pass p, or none: a weighted sum is counted
 * in one pass, so that its terms see the same run. */
static int pass_add_terms(struct tkp_ctr_pass *p, const struct tkp_ctr_slot *s, int si)
{
	int i, r = 0;

	for (i = 0; i < s->nterm; i++)
		if ((r = pass_add(p, s->codes[i], si, 1, s->weights[i])))
			break;
	if (!r)
		return 0;
	while (i-- > 0) {
		PAPI_remove_event(p->es, s->codes[i]);
		p->n--;
	}
	return r;
}

/* Whether pass p may take `need` more events under the max_per_pass knob. */
static int pass_may_take(const tkp_counters *c, const struct tkp_ctr_pass *p, int need)
{
	return !c->max_per_pass || p->n + need <= c->max_per_pass;
}

/*
 * Puts slot si's event into a pass: an existing one of its component with
 * room, else a new one (with the reference event first when it fits).
 * Returns 0, or the PAPI error of adding it to a pass of its own.
 */
static int place(tkp_counters *c, int si)
{
	struct tkp_ctr_slot *s = &c->slot[si];
	struct tkp_ctr_slot *ref = c->ref_slot >= 0 && c->ref_slot != si ? &c->slot[c->ref_slot] : NULL;
	struct tkp_ctr_pass *p;
	int i, r, try_ref;

	for (i = 0; i < c->npass; i++) {
		p = &c->pass[i];
		if (p->cidx != s->cidx || !pass_may_take(c, p, s->nterm))
			continue;
		r = pass_add_terms(p, s, si);
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
	try_ref = ref && ref->countable && ref->nterm == 1 && ref->cidx == s->cidx &&
		  (!c->max_per_pass || c->max_per_pass >= s->nterm + 1);
	for (;;) {
		if ((r = pass_create(p, s->cidx)))
			return r;
		if (try_ref && !pass_add(p, ref->code, c->ref_slot, 0, 1))
			p->ref_pos = 0;
		r = pass_add_terms(p, s, si);
		if (!r)
			break;
		pass_free(p);
		if (!try_ref)
			return r;
		try_ref = 0; /* maybe it conflicts with the reference: alone */
	}
	if (si == c->ref_slot && s->nterm == 1)
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
			tkp_ctr_cat(cs->c[i].names, LIST_LEN, ", %s", name);
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
 * Looks up one event of a candidate: 0 with *code and *cidx when PAPI can
 * count it here, else why and fix; *unknown: the name is no event at all.
 */
static int resolve_term(const char *name, int *code, int *cidx, char *w, size_t wl, char *f, size_t fl,
			int *unknown)
{
	const PAPI_component_info_t *ci;
	int r;

	*unknown = 0;
	/* A CPU event where the CPU component has nothing to count with is
	 * not looked up: the reason is known, and PAPI 7.0's native lookup
	 * leaks its strdup'd names when the kernel then refuses the event
	 * (LeakSanitizer, KVM guest without a vPMU).  Presets and other
	 * components' events (COMPONENT:::NAME) are looked up as usual. */
	if (cpu.cidx >= 0 && !cpu.enabled && strncasecmp(name, "PAPI_", 5) && !strstr(name, ":::"))
		goto cpu_off;
	r = PAPI_event_name_to_code(name, code);
	if (r != PAPI_OK) {
		explain_unresolved(name, r, w, wl, f, fl, unknown);
		return -1;
	}
	*cidx = PAPI_get_event_component(*code);
	ci = PAPI_get_component_info(*cidx);
	if (*cidx == cpu.cidx && !cpu.enabled)
		goto cpu_off;
	if (ci && ci->disabled) {
		if (*cidx == cpu.cidx)
			goto cpu_off;
		tkp_fmt(w, wl, "PAPI's %s component is disabled (\"%s\")", ci->name, ci->disabled_reason);
		tkp_fmt(f, fl, "see papi_component_avail");
		return -1;
	}
	if (PAPI_query_event(*code) == PAPI_OK)
		return 0;
	if (cpu.cidx >= 0 && !cpu.enabled)
		goto cpu_off; /* no CPU counters at all: that is the reason */
	if (!strncasecmp(name, "PAPI_", 5)) {
		const PAPI_hw_info_t *hw = PAPI_get_hardware_info();

		tkp_fmt(w, wl, "PAPI has no %s preset for this CPU (%s, family %d model %d)", name,
			hw ? hw->vendor_string : "?", hw ? hw->cpuid_family : 0, hw ? hw->cpuid_model : 0);
		tkp_fmt(f, fl, "list a native event of this CPU (papi_native_avail) after it in the group file");
	} else {
		papi_advice(PAPI_ENOEVNT, w, wl, f, fl);
	}
	return -1;
cpu_off:
	tkp_strlcpy(w, cpu.reason, wl);
	tkp_strlcpy(f, cpu.fix, fl);
	return -1;
}

/* What a candidate's events encode to, for `tkprofile counters` and
 * machine.json: "config=0x..." per event, weighted for sums. */
static void describe_encoding(const tkp_gcand *g, char *buf, size_t len)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < g->nterm; i++) {
		char e[TEXT_LEN];

		if (g->raw)
			tkp_fmt(e, sizeof e, "raw config=%#llx", g->term[i].config);
		else if (strstr(g->term[i].name, ":::"))
			tkp_strlcpy(e, "a PAPI component's event (no perf_event encoding)", sizeof e);
		else if (tkp_pmu_encode(g->term[i].name, e, sizeof e))
			tkp_strlcpy(e, "?", sizeof e);
		tkp_ctr_cat(buf, len, "%s%s", i ? " + " : "", e);
		if (g->nterm > 1)
			tkp_ctr_cat(buf, len, " *%g", g->term[i].weight);
	}
}

/* The search for one slot's event, through tkp_groups_choose. */
struct choice {
	tkp_counters *c;
	int si;
	struct causes *cs;
	char *why;
	size_t whylen;
	int rc;
};

/* Tries candidate g for the slot: 0 when it is counted (or the search
 * must stop: ch->rc), 1 to go on with the next. */
static int try_cand(const tkp_gcand *g, void *arg)
{
	struct choice *ch = arg;
	tkp_counters *c = ch->c;
	struct tkp_ctr_slot *s = &c->slot[ch->si];
	char w[TEXT_LEN], f[TEXT_LEN];
	int i, r, unknown, cidx = -1;

	tkp_ctr_cat(s->tried, sizeof s->tried, "%s%s", s->tried[0] ? ", " : "", g->text);
	for (i = 0; i < g->nterm; i++) {
		if (resolve_term(g->term[i].name, &s->codes[i], &cidx, w, sizeof w, f, sizeof f, &unknown)) {
			if (unknown && c->events_mode) {
				char hint[NAME_LEN + 32];

				suggest_event(g->term[i].name, hint, sizeof hint);
				tkp_fmt(ch->why, ch->whylen, "unknown event '%s'%s: %s", g->term[i].name, hint, w);
				ch->rc = TKP_ENOENT;
				return 0;
			}
			causes_add(ch->cs, g->term[i].name, w, f);
			return 1;
		}
		if (i && cidx != s->cidx) {
			causes_add(ch->cs, g->text, "the terms of a sum are counted by different PAPI components",
				   "sum events of one component");
			return 1;
		}
		s->cidx = cidx;
		s->weights[i] = g->term[i].weight;
	}
	s->nterm = g->nterm;
	s->code = s->codes[0];
	if ((r = place(c, ch->si))) {
		papi_advice(r, w, sizeof w, f, sizeof f);
		causes_add(ch->cs, g->text, w, f);
		return 1;
	}
	s->countable = 1;
	s->raw = g->raw;
	tkp_strlcpy(s->event, g->text, sizeof s->event);
	describe_encoding(g, s->encoding, sizeof s->encoding);
	return 0;
}

/*
 * Chooses slot si's event from its candidates and places it: the named
 * events first, then raw encodings valid on this CPU.  Returns 0 (chosen
 * or not countable, s->why says), or TKP_ENOENT with why when in events
 * mode the name is not an event at all.
 */
static int choose(tkp_counters *c, int si, int dtype, char *why, size_t whylen)
{
	struct tkp_ctr_slot *s = &c->slot[si];
	struct choice ch = {c, si, calloc(1, sizeof(struct causes)), why, whylen, 0};
	int i, skipped = 0;

	if (!ch.cs)
		return TKP_ENOMEM;
	tkp_groups_choose(s->cand, dtype, &cpu_id, try_cand, &ch, &skipped);
	if (ch.rc) {
		free(ch.cs);
		return ch.rc;
	}
	if (!s->countable) {
		s->pass = -1;
		if (ch.cs->n == 1)
			tkp_strlcpy(s->cause, ch.cs->c[0].why, sizeof s->cause);
		for (i = 0; i < ch.cs->n; i++) {
			tkp_ctr_cat(s->why, sizeof s->why, "%s%s: %s", i ? "; " : "", ch.cs->c[i].names,
				    ch.cs->c[i].why);
			if (!s->fix[0])
				tkp_strlcpy(s->fix, ch.cs->c[i].fix, sizeof s->fix);
		}
		if (skipped)
			tkp_ctr_cat(s->why, sizeof s->why, " (%d raw encoding%s in the group file for other CPUs)",
				    skipped, skipped > 1 ? "s" : "");
	}
	free(ch.cs);
	return 0;
}

/* Drops pass pi (its slots become not countable with why/fix). */
static void pass_drop(tkp_counters *c, int pi, const char *why, const char *fix)
{
	int i;

	for (i = 0; i < c->pass[pi].n; i++) {
		struct tkp_ctr_slot *s = &c->slot[c->pass[pi].slot[i]];

		if (!c->pass[pi].home[i] || !s->countable)
			continue; /* a reference copy, or a sum's slot dropped already */
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
		struct tkp_ctr_pass *p = &c->pass[pi];
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

static int papi_plan(tkp_counters *c, const tkp_counters_opts *o, char *why, size_t whylen)
{
	int i, rc;

	if (!papi_ready()) {
		tkp_ctr_slots_all_why(c, papi_err, "reinstall PAPI (libpapi-dev) and rebuild tkprofile");
		tkp_ctr_summarise(c, papi_err, "reinstall PAPI (libpapi-dev) and rebuild tkprofile");
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
		struct tkp_ctr_slot *s = &c->slot[i];

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
		tkp_ctr_summarise(c, cpu.reason, cpu.fix);
	else
		tkp_ctr_summarise(c, NULL, NULL);
	return 0;
}

static void papi_close(tkp_counters *c)
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

static int papi_start(tkp_counters *c, int pass)
{
	int r = PAPI_start(c->pass[pass].es);

	if (r != PAPI_OK) {
		set_err(c, "PAPI_start", r);
		return TKP_ECOUNTERS;
	}
	return 0;
}

static int papi_stop(tkp_counters *c, int pass)
{
	int r = PAPI_stop(c->pass[pass].es, c->pass[pass].raw);

	if (r != PAPI_OK) {
		set_err(c, "PAPI_stop", r);
		return TKP_ECOUNTERS;
	}
	return 0;
}

static int papi_read(tkp_counters *c, int pass)
{
	int r = PAPI_read(c->pass[pass].es, c->pass[pass].raw);

	if (r != PAPI_OK) {
		set_err(c, "PAPI_read", r);
		return TKP_ECOUNTERS;
	}
	return 0;
}

/* ---- the machine ------------------------------------------------------- */

static int papi_version(char *buf, size_t len)
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

static int papi_component(int i, char *name, size_t nlen, char *status, size_t slen)
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
		tkp_ctr_cat(status, slen, ", %d counters", ci->num_cntrs);
	return 0;
}

static void papi_machine_status(char *buf, size_t len)
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

const tkp_source_ops tkp_source_papi = {
	.name = "papi",
	.id = TKP_SRC_PAPI,
	.groups = 1,
	.plan = papi_plan,
	.start = papi_start,
	.stop = papi_stop,
	.read = papi_read,
	.close = papi_close,
	.version = papi_version,
	.component = papi_component,
	.machine_status = papi_machine_status,
};

#endif /* TKP_HAVE_PAPI */
