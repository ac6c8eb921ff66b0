/*
 * overhead.c - what one region begin/end pair costs, next to calling
 * PAPI_start/PAPI_stop directly (`make bench`).
 *
 * Measured: an empty region with the timer only; the same region with
 * counters (PAPI hardware events where this machine has them, else PAPI's
 * software-defined events as a stand-in); the counter layer's own
 * tkp_counters_start/stop; and PAPI_start/PAPI_stop on an event set with
 * the same events.  Prints ns per pair for each, ours against PAPI's and
 * the ratio; the goal is a region + counters costing at most 1.10 times
 * PAPI's own start/stop.
 *
 * Each figure is the best of several rounds of many pairs, the rounds of
 * all variants interleaved, because the machines are shared and noisy.
 * SDE start/stop are cheap (no system call), so the SDE ratio is the
 * pessimistic one: with hardware counters PAPI_start/stop are ioctl()s
 * costing microseconds and our fixed cost disappears in them.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef TKP_HAVE_PAPI
#include <papi.h>
#endif
#ifdef TKP_BENCH_SDE
#include <sde_lib.h>
#endif

#include "counters.h"
#include "tkprofile.h"

#define PAIRS 20000
#define ROUNDS 15

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ns per begin/end pair of an empty region. */
static double bench_region(tkp_session *s)
{
	double t0 = now();
	int i;

	for (i = 0; i < PAIRS; i++) {
		tkp_region_begin(s, "r");
		tkp_region_end(s, "r");
	}
	return (now() - t0) / PAIRS * 1e9;
}

static double bench_layer(tkp_counters *c)
{
	double v[TKP_M_COUNT], t0 = now();
	int i;

	for (i = 0; i < PAIRS; i++) {
		tkp_counters_start(c, 0);
		tkp_counters_stop(c, 0, v);
	}
	return (now() - t0) / PAIRS * 1e9;
}

#ifdef TKP_HAVE_PAPI
static double bench_papi(int es)
{
	long long v[TKP_COUNTERS_MAX_SLOTS + 1];
	double t0 = now();
	int i;

	for (i = 0; i < PAIRS; i++) {
		PAPI_start(es);
		PAPI_stop(es, v);
	}
	return (now() - t0) / PAIRS * 1e9;
}

/* What a hand-written timed region costs: PAPI_start/stop and two clock
 * reads, as tkp_region_begin/end do. */
static double bench_papi_timed(int es)
{
	long long v[TKP_COUNTERS_MAX_SLOTS + 1];
	volatile double sink = 0;
	double t0 = now();
	int i;

	for (i = 0; i < PAIRS; i++) {
		double a;

		PAPI_start(es);
		a = now();
		sink += now() - a;
		PAPI_stop(es, v);
	}
	(void)sink;
	return (now() - t0) / PAIRS * 1e9;
}

/* A plain PAPI event set with the events of c's first pass (the reference
 * first, as the layer adds it), inheriting when the layer's pass does. */
static int papi_set_like(tkp_counters *c, char *names, size_t len)
{
	PAPI_option_t opt;
	int es = PAPI_NULL, i, first = 1;

	names[0] = '\0';
	if (PAPI_create_eventset(&es) != PAPI_OK)
		return PAPI_NULL;
	for (i = 0; i < tkp_counters_nslots(c); i++) {
		tkp_counter_slot s;
		int code;

		tkp_counters_slot(c, i, &s);
		if (s.pass != 0 || PAPI_event_name_to_code(s.event, &code) != PAPI_OK)
			continue;
		if (first) {
			PAPI_assign_eventset_component(es, PAPI_get_event_component(code));
			if (tkp_counters_inherits(c, 0) == 1) {
				memset(&opt, 0, sizeof opt);
				opt.inherit.eventset = es;
				opt.inherit.inherit = PAPI_INHERIT_ALL;
				PAPI_set_opt(PAPI_INHERIT, &opt);
			}
			first = 0;
		}
		if (PAPI_add_event(es, code) == PAPI_OK) {
			size_t n = strlen(names);

			snprintf(names + n, len - n, "%s%s", n ? "," : "", s.event);
		}
	}
	return es;
}
#endif

static void compare(const char *what, tkp_counters *c)
{
	double region[ROUNDS], layer[ROUNDS], timer[ROUNDS], papi[ROUNDS], ptimed[ROUNDS];
	double br = INFINITY, bl = INFINITY, bt = INFINITY, bp = INFINITY, bpt = INFINITY;
	tkp_session *plain = NULL, *counted = NULL;
	char names[2048] = "";
	int r, es = -1;

	tkp_session_open(&plain, NULL);
	tkp_session_open(&counted, c);
#ifdef TKP_HAVE_PAPI
	es = papi_set_like(c, names, sizeof names);
#endif
	for (r = 0; r < ROUNDS; r++) {
		timer[r] = bench_region(plain);
		region[r] = bench_region(counted);
		layer[r] = bench_layer(c);
#ifdef TKP_HAVE_PAPI
		papi[r] = bench_papi(es);
		ptimed[r] = bench_papi_timed(es);
#else
		papi[r] = ptimed[r] = NAN;
#endif
	}
	for (r = 0; r < ROUNDS; r++) {
		bt = fmin(bt, timer[r]);
		br = fmin(br, region[r]);
		bl = fmin(bl, layer[r]);
		bp = fmin(bp, papi[r]);
		bpt = fmin(bpt, ptimed[r]);
	}
	printf("\n%s; events: %s (pass 1 of %d)\n", what, names, tkp_counters_passes(c));
	printf("  %-44s %9.1f ns\n", "ours: region begin/end, timer only", bt);
	printf("  %-44s %9.1f ns\n", "ours: region begin/end with counters", br);
	printf("  %-44s %9.1f ns\n", "ours: tkp_counters_start/stop", bl);
	printf("  %-44s %9.1f ns\n", "theirs: PAPI_start/PAPI_stop", bp);
	printf("  %-44s %9.1f ns\n", "theirs: PAPI_start/stop + 2 clock reads", bpt);
	printf("  %-44s %9.3f (%+.1f%%; goal <= 1.10)\n", "ratio region+counters / PAPI", br / bp,
	       100 * (br / bp - 1));
	printf("  %-44s %9.3f (%+.1f%%)\n", "ratio region+counters / PAPI + clock", br / bpt,
	       100 * (br / bpt - 1));
	printf("  %-44s %9.3f (%+.1f%%)\n", "ratio tkp_counters_start/stop / PAPI", bl / bp, 100 * (bl / bp - 1));
#ifdef TKP_HAVE_PAPI
	if (es >= 0) {
		PAPI_cleanup_eventset(es);
		PAPI_destroy_eventset(&es);
	}
#endif
	tkp_session_close(plain);
	tkp_session_close(counted);
}

int main(void)
{
	tkp_counters *c = NULL;
	tkp_session *plain = NULL;
	char why[4096];
	double best = INFINITY;
	int r, measured = 0;

	printf("overhead: %d pairs per round, best of %d rounds, ns per begin/end pair\n", PAIRS, ROUNDS);
	tkp_session_open(&plain, NULL);
	for (r = 0; r < ROUNDS; r++)
		best = fmin(best, bench_region(plain));
	tkp_session_close(plain);
	printf("  %-44s %9.1f ns\n", "ours: region begin/end, timer only", best);

	/* Hardware counters, as a sweep would open them. */
	if (!tkp_counters_open(&c, TKP_COUNTERS_AUTO, NULL, why, sizeof why) && tkp_counters_passes(c) > 0) {
		compare("PAPI hardware counters", c);
		measured = 1;
	} else {
		printf("\nhardware counters: none here (%s)\n", c ? tkp_counters_why(c) : why);
	}
	tkp_counters_close(c);
	c = NULL;

#ifdef TKP_BENCH_SDE
	{
		static long long a, b;
		papi_handle_t h = papi_sde_init("tkp_bench");

		papi_sde_register_counter(h, "a", PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &a);
		papi_sde_register_counter(h, "b", PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &b);
		if (!tkp_counters_open_events(&c, TKP_COUNTERS_PAPI, "sde:::tkp_bench::a,sde:::tkp_bench::b", 0, why,
					      sizeof why)) {
			compare("PAPI software-defined events (stand-in for hardware counters)", c);
			measured = 1;
		} else {
			printf("\nSDE: %s\n", why);
		}
		tkp_counters_close(c);
	}
#else
	printf("\nSDE: not built with libsde; no stand-in comparison\n");
#endif
	if (!measured)
		printf("\nno PAPI event set could be measured here: only the timer-only figure is meaningful\n");
	return 0;
}
