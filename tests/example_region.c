/*
 * example_region.c - profiling your own code with libtkprofile.
 *
 * Wrap a region of your program in tkp_region_begin/end; the session adds
 * up calls, time and (where the machine has them) hardware counters per
 * region name.  Build: cc example.c $(pkg-config --cflags --libs tkprofile)
 *
 * As a test it also checks that the figures add up.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkprofile.h"

#define N 200000

static int other_rc;

static void *other_thread(void *arg)
{
	other_rc = tkp_region_begin(arg, "elsewhere");
	return NULL;
}

static double saxpy_sum(const double *x, double *y, double a)
{
	double s = 0;

	for (int i = 0; i < N; i++) {
		y[i] += a * x[i];
		s += y[i];
	}
	return s;
}

int main(void)
{
	double *x = malloc(N * sizeof *x), *y = calloc(N, sizeof *y), sink = 0;
	tkp_counters *ctr = NULL;
	tkp_session *s = NULL;
	tkp_region_stats st;
	char why[256];
	int fails = 0, n = 0;

	for (int i = 0; i < N; i++)
		x[i] = i * 1e-6;
	/* AUTO: hardware counters where they work, timer only elsewhere */
	if (tkp_counters_open(&ctr, TKP_COUNTERS_AUTO, NULL, why, sizeof why) != 0)
		ctr = NULL;
	if (tkp_session_open(&s, ctr) != 0)
		return 1;

	for (int rep = 0; rep < 10; rep++) {
		tkp_region_begin(s, "saxpy");
		sink += saxpy_sum(x, y, 0.5);
		tkp_region_end(s, "saxpy");
	}
	tkp_region_begin(s, "once");
	sink += saxpy_sum(x, y, 2.0);
	tkp_region_end(s, "once");

	printf("# region  calls  time_ms  cycles  instructions  (sink %g)\n", sink);
	for (size_t i = 0; i < tkp_session_nregions(s); i++) {
		tkp_session_region(s, i, &st);
		printf("# %-7s %5ld %8.3f %s %s\n", st.name, st.calls, st.time_s * 1e3,
		       isnan(st.counters[TKP_M_CYCLES]) ? "-" : "counted",
		       tkp_counter_source_name(st.counter_source));
	}
	if (!ctr || tkp_counters_passes(ctr) == 0)
		printf("# counters: %s\n", ctr ? tkp_counters_why(ctr) : why);

	/* TAP: the API's promises */
#define CHECK(cond, what) (printf("%sok %d - %s\n", (cond) ? "" : "not ", ++n, what), fails += !(cond))
	tkp_session_region(s, 0, &st);
	CHECK(st.calls == 10, "region 'saxpy' counted 10 calls");
	CHECK(st.time_s > 0 && st.time_s < 1, "its time is positive and below a second");
	CHECK(tkp_counters_passes(ctr) > 0 || isnan(st.counters[TKP_M_L1_DCM]),
	      "unmeasured counters are NAN, not 0");
	CHECK(tkp_region_end(s, "nope") == TKP_ENOENT, "ending a region never begun is an error");
	CHECK(tkp_region_begin(s, "r") == 0 && tkp_region_begin(s, "r") == TKP_EINVAL &&
	      tkp_region_end(s, "r") == 0, "a recursive begin is refused");
	CHECK(tkp_session_nregions(s) == 3, "three regions recorded");
	{
		/* the stats are a copy: they outlive the region table's growth */
		tkp_region_stats first;
		char nm[16];
		int grown = 1;

		tkp_session_region(s, 0, &first);
		for (int i = 0; i < 40; i++) {
			snprintf(nm, sizeof nm, "r%d", i);
			grown &= tkp_region_begin(s, nm) == 0 && tkp_region_end(s, nm) == 0;
		}
		CHECK(grown && tkp_session_nregions(s) == 43 && !strcmp(first.name, "saxpy"),
		      "region stats keep their name after 40 more regions");
	}
	{
		/* a session belongs to the thread that opened it */
		pthread_t th;
		int rc = -1;
		if (pthread_create(&th, NULL, other_thread, s) == 0 && pthread_join(th, NULL) == 0)
			rc = other_rc;
		CHECK(rc == TKP_EINVAL, "another thread's begin is refused (TKP_EINVAL)");
	}
	CHECK(tkp_region_begin(s, NULL) == TKP_EINVAL && tkp_region_end(s, NULL) == TKP_EINVAL,
	      "a NULL name is TKP_EINVAL for begin and end alike");
	/* tkp_session_region passes sizeof st; a size the library does not
	 * know (a newer header than the library) is refused, not overrun */
	CHECK(tkp_session_region_sized(s, 0, &st, sizeof st - 1) == TKP_EINVAL &&
	      tkp_session_region(s, 0, &st) == 0, "stats of a size the library does not know are refused");
	printf("1..%d\n", n);
	tkp_session_close(s);
	tkp_counters_close(ctr);
	free(x);
	free(y);
	return fails ? 1 : 0;
}
