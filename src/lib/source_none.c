/*
 * source_none.c - the none counter source: counts nothing and says why.
 *
 * Two cases: counting turned off on request (mode none, `--counters none`),
 * and a source asked for that this build lacks (papi without PAPI), where
 * the registry's reason and fix become every slot's.  It also answers the
 * machine-level questions in a build without PAPI.
 */
#include "config.h"

#include <string.h>

#include "counters.h"
#include "source.h"
#include "util.h"

#define OFF_WHY "counters disabled (mode none)"

static int none_plan(tkp_counters *c, const tkp_counters_opts *o, char *why, size_t whylen)
{
	const char *w, *f;
	int i;

	(void)why;
	(void)whylen;
	if (o->mode == TKP_COUNTERS_NONE) {
		for (i = 0; i < c->nslots; i++) {
			tkp_strlcpy(c->slot[i].why, OFF_WHY, sizeof c->slot[i].why);
			c->slot[i].fix[0] = '\0';
		}
		tkp_strlcpy(c->why, OFF_WHY, sizeof c->why);
		return 0;
	}
	/* the source asked for is absent from this build: say why */
	tkp_source_find(o->source ? o->source : "papi", &w, &f);
	if (!w || !f)
		w = f = "";
	tkp_ctr_slots_all_why(c, w, f);
	tkp_ctr_summarise(c, w, f);
	return 0;
}

/* The machine without PAPI: what the registry says about it. */
static void papi_absent(const char **w, const char **f)
{
	tkp_source_find("papi", w, f);
}

static int none_version(char *buf, size_t len)
{
	tkp_strlcpy(buf, "none", len);
	return TKP_ENOTSUP;
}

static int none_component(int i, char *name, size_t nlen, char *status, size_t slen)
{
	const char *w, *f;

	if (i)
		return TKP_ENOENT;
	papi_absent(&w, &f);
	tkp_strlcpy(name, "papi", nlen);
	tkp_fmt(status, slen, "%s: %s", w, f);
	return TKP_ENOTSUP;
}

static void none_machine_status(char *buf, size_t len)
{
	const char *w, *f;

	papi_absent(&w, &f);
	tkp_fmt(buf, len, "unavailable: %s; fix: %s", w, f);
}

const tkp_source_ops tkp_source_none = {
	.name = "none",
	.id = TKP_SRC_NONE,
	.groups = 1,
	.plan = none_plan,
	.version = none_version,
	.component = none_component,
	.machine_status = none_machine_status,
};
