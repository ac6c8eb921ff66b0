/*
 * region.c - sessions and named regions around users' own code, in the
 * spirit of LIKWID's marker API: begin/end pairs accumulate time (and
 * counters, when the session has them) per region name.
 *
 * Limits: a session is used from the thread that opened it (regions are
 * not locked, and counters count per thread; other threads are refused);
 * counters count only the outermost active region, because one PAPI event
 * set cannot be started twice; regions are found by linear search, which is
 * cheaper than hashing for the handful of regions a program marks.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "timer.h"
#include "util.h"

#define REGION_NAME_MAX TKP_REGION_NAME_MAX

typedef struct region {
	char name[REGION_NAME_MAX];
	long calls;
	double time_s;
	double t0;
	int active;
	int counting; /* this region started the counters */
	double counters[TKP_M_COUNT];
	tkp_counter_source source;
} region;

struct tkp_session {
	tkp_counters *ctr;
	region *r;
	size_t n, cap;
	int counting; /* some region holds the counters */
	pthread_t owner; /* the thread that opened it */
};

int tkp_session_open(tkp_session **out, tkp_counters *counters)
{
	tkp_session *s;

	if (!out)
		return TKP_EINVAL;
	if (!(s = calloc(1, sizeof *s)))
		return TKP_ENOMEM;
	s->ctr = counters && tkp_counters_passes(counters) > 0 ? counters : NULL;
	s->owner = pthread_self();
	*out = s;
	return 0;
}

void tkp_session_close(tkp_session *s)
{
	if (!s)
		return;
	if (s->counting) {
		double junk[TKP_M_COUNT];
		tkp_counters_stop(s->ctr, 0, junk);
	}
	free(s->r);
	free(s);
}

static region *find(tkp_session *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->r[i].name, name))
			return &s->r[i];
	return NULL;
}

int tkp_region_begin(tkp_session *s, const char *name)
{
	region *r;

	if (!s || !name || !*name || strlen(name) >= REGION_NAME_MAX ||
	    !pthread_equal(pthread_self(), s->owner))
		return TKP_EINVAL;
	if (!(r = find(s, name))) {
		if (s->n == s->cap) {
			size_t nc = s->cap ? s->cap * 2 : 8;
			region *nr = realloc(s->r, nc * sizeof *nr);
			if (!nr)
				return TKP_ENOMEM;
			s->r = nr;
			s->cap = nc;
		}
		r = &s->r[s->n++];
		memset(r, 0, sizeof *r);
		tkp_strlcpy(r->name, name, sizeof r->name);
		for (int i = 0; i < TKP_M_COUNT; i++)
			r->counters[i] = NAN;
	}
	if (r->active)
		return TKP_EINVAL; /* recursive begin of the same region */
	r->active = 1;
	if (s->ctr && !s->counting) {
		int rc = tkp_counters_start(s->ctr, 0);
		if (rc) {
			r->active = 0;
			return rc;
		}
		s->counting = r->counting = 1;
	}
	/* the clock is read last, so the counter start is outside the region */
	r->t0 = tkp_timer_now();
	return 0;
}

int tkp_region_end(tkp_session *s, const char *name)
{
	double t1 = tkp_timer_now();
	region *r;

	if (!s || !name || !pthread_equal(pthread_self(), s->owner))
		return TKP_EINVAL;
	if (!(r = find(s, name)))
		return TKP_ENOENT;
	if (!r->active)
		return TKP_EINVAL;
	r->active = 0;
	r->calls++;
	r->time_s += t1 - r->t0;
	if (r->counting) {
		double v[TKP_M_COUNT];
		int rc;

		for (int i = 0; i < TKP_M_COUNT; i++)
			v[i] = NAN;
		r->counting = s->counting = 0;
		if ((rc = tkp_counters_stop(s->ctr, 0, v)) != 0)
			return rc;
		for (int i = 0; i < TKP_M_COUNT; i++)
			if (!isnan(v[i]))
				r->counters[i] = (isnan(r->counters[i]) ? 0 : r->counters[i]) + v[i];
		r->source = tkp_counters_source(s->ctr);
	}
	return 0;
}

size_t tkp_session_nregions(const tkp_session *s)
{
	return s ? s->n : 0;
}

int tkp_session_region_sized(const tkp_session *s, size_t i, tkp_region_stats *out,
			     size_t outsize)
{
	/* one layout so far (include/tkprofile.h's ABI promise) */
	if (!s || !out || i >= s->n || outsize != sizeof *out)
		return TKP_EINVAL;
	tkp_strlcpy(out->name, s->r[i].name, sizeof out->name);
	out->calls = s->r[i].calls;
	out->time_s = s->r[i].time_s;
	memcpy(out->counters, s->r[i].counters, sizeof out->counters);
	out->counter_source = s->r[i].source;
	return 0;
}
