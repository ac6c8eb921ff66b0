/*
 * stats.c - median, minimum and MAD of a sample, and whether a timed sample
 * was disturbed by another program (the rule is in stats.h).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of a scratch array that may be reordered. */
static double median_inplace(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp_double);
	return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

double tkp_stats_median(const double *x, size_t n)
{
	double *tmp, m;

	if (n == 0)
		return NAN;
	if (!(tmp = malloc(n * sizeof *tmp)))
		return NAN;
	memcpy(tmp, x, n * sizeof *tmp);
	m = median_inplace(tmp, n);
	free(tmp);
	return m;
}

double tkp_stats_min(const double *x, size_t n)
{
	double m;

	if (n == 0)
		return NAN;
	m = x[0];
	for (size_t i = 1; i < n; i++)
		if (x[i] < m)
			m = x[i];
	return m;
}

double tkp_stats_mad(const double *x, size_t n)
{
	double *dev, med, mad;

	if (n == 0)
		return NAN;
	med = tkp_stats_median(x, n);
	if (!(dev = malloc(n * sizeof *dev)))
		return NAN;
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(x[i] - med);
	mad = median_inplace(dev, n);
	free(dev);
	return mad;
}

double tkp_stats_lost(const tkp_rep_sample *s, int threads)
{
	double could;

	if (!s || !(s->wall_s > 0) || !isfinite(s->cpu_s) || threads < 1)
		return 0;
	could = s->wall_s * threads;
	return could > s->cpu_s ? (could - s->cpu_s) / could : 0;
}

int tkp_stats_others_took(double others_s, double wall_s, int threads, int cpus)
{
	double spare;

	if (threads < 2 || threads > cpus || !(wall_s >= TKP_DISTURB_ROW_MIN_S) || !isfinite(others_s))
		return 0;
	spare = (double)(cpus - threads) * wall_s;
	return others_s - spare > TKP_DISTURB_LOST_MT * threads * wall_s;
}

int tkp_stats_disturbed(const tkp_rep_sample *s, int threads, int cpus, double base)
{
	double could, lost;

	if (!s || !(s->wall_s > 0) || !isfinite(s->cpu_s) || threads < 1)
		return 0;
	if (threads > cpus)
		return 0;
	if (threads == 1 || !(base > 0) || !(base < 1))
		base = 0;
	/* A row idles by itself at most as much as one thread working while
	 * the others wait: more than that in its best sample, and the CPUs
	 * were taken in every sample (cli_disturb under a load of 12: 97%
	 * lost in each, base 0.97, nothing flagged). */
	if (base > 1.0 - 1.0 / threads)
		base = 1.0 - 1.0 / threads;
	could = s->wall_s * threads;
	/* what was lost beyond what the row loses by itself */
	lost = could - s->cpu_s - base * could;
	if (!(lost > (threads == 1 ? TKP_DISTURB_LOST : TKP_DISTURB_LOST_MT) * could) ||
	    !(lost >= TKP_DISTURB_FLOOR_S))
		return 0;
	return threads == 1 || s->nivcsw > 0;
}
