/* test_stats.c - median, min and MAD on known samples. */
#include "config.h"

#include <math.h>

#include "stats.h"
#include "tap.h"

int main(void)
{
	double odd[] = {5, 1, 4, 2, 3};
	double even[] = {4, 1, 3, 2};
	double tail[] = {1.0, 1.1, 0.9, 1.0, 50.0}; /* one preempted run */
	double one[] = {7};

	ok(tkp_stats_median(odd, 5) == 3, "median of an odd sample");
	ok(tkp_stats_median(even, 4) == 2.5, "median of an even sample averages the middle two");
	ok(odd[0] == 5 && odd[1] == 1, "median leaves its input unsorted");
	ok(tkp_stats_min(odd, 5) == 1, "minimum");
	ok(tkp_stats_median(tail, 5) == 1.0, "median ignores a long-tail outlier");
	ok(fabs(tkp_stats_mad(tail, 5) - 0.1) < 1e-12, "MAD ignores a long-tail outlier (0.1)");
	ok(tkp_stats_mad(odd, 5) == 1, "MAD of 1..5 is 1");
	ok(tkp_stats_median(one, 1) == 7 && tkp_stats_mad(one, 1) == 0, "single sample");
	ok(isnan(tkp_stats_median(one, 0)) && isnan(tkp_stats_min(one, 0)) && isnan(tkp_stats_mad(one, 0)),
	   "empty sample gives NAN, not 0");
	return tap_done();
}
