/*
 * knee.c - cache sizes from a latency-vs-working-set curve.
 *
 * A pointer chase over a working set that fits a cache level costs that
 * level's latency; the curve is a staircase of plateaus joined by rises.
 * Real curves are noisy (shared machines, a preempted sample), the rises
 * are smeared over a factor of two or more (set conflicts with physically
 * indexed caches, non-LRU replacement, victim L3s) and plateaus can creep
 * (TLB reach).  So, in log(latency) against log2(bytes):
 *
 *   1. smooth with a running median of three (kills single outliers
 *      without moving edges);
 *   2. call a point flat when the local slope is below FLAT_SLOPE;
 *   3. runs of flat points are plateaus (one point can be one: a quick
 *      probe samples a short L3 plateau two or three times, and the central
 *      slope already marks the points next to a rise as not flat);
 *      neighbouring plateaus whose levels differ by less than MERGE_RATIO
 *      are one plateau (a noisy point or a small TLB step split it, or a
 *      noisy point in a slow rise looked flat; the levels of real caches
 *      are three or more times apart);
 *   3b. a level too short or too steep to have flat points (a small,
 *      contended L3) shows as a dip in slope between two steep rises: it
 *      becomes a plateau too (see below);
 *   4. the knee is where the curve leaves a plateau: where it first
 *      climbs LEAVE_RATIO above the plateau's last flat point (interpolated
 *      between points).  A random chase misses from the capacity on (a
 *      sharp, LRU-like step starts there; random replacement adds misses
 *      as 1 - capacity/size), so the onset is the size, while the middle
 *      of the rise sits past it by as much as the rise is smeared.  And
 *      the onset needs nothing of the next level: the midpoint needs that
 *      level's plateau, and a quick probe that missed a short L3 put a
 *      1 MiB L2's knee at 2.9 MiB, halfway to DRAM.  1.6× is clear of
 *      the noise and creep of a plateau and of early conflict misses
 *      (the L2 plateau of a Xeon VM here crept 43% over its last 1.6
 *      doublings, 5.4 to 7.75 ns from 444 KiB to 1.36 MiB; a
 *      1 MiB L2 of an earlier VM read 1.5× its level from 700 KiB on),
 *      and below the midpoint of the smallest step (levels differ ≥ 3×,
 *      midpoint ≥ 1.73×);
 *   5. a curve still rising at its largest point ends in a "tail" level
 *      (the largest point's value), so memory is there even when the
 *      sweep stopped before its plateau.
 *
 * The level of a plateau is the median of its raw points.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

#define FLAT_SLOPE 0.25   /* ln(value) per doubling: < 28% growth per doubling */
#define MERGE_RATIO 1.5   /* plateaus closer than this are one level */
#define LEAVE_RATIO 1.6   /* a plateau is left where latency is this much above its end */
#define MAX_POINTS 4096

static double med3(double a, double b, double c)
{
	if (a > b) {
		double t = a;
		a = b;
		b = t;
	}
	/* now a <= b */
	if (c <= a)
		return a;
	if (c >= b)
		return b;
	return c;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of v[first..last] (copied; at most MAX_POINTS). */
static double median_range(const double *v, size_t first, size_t last)
{
	double tmp[MAX_POINTS];
	size_t n = last - first + 1;

	memcpy(tmp, v + first, n * sizeof *tmp);
	qsort(tmp, n, sizeof *tmp, cmp_double);
	return n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
}

typedef struct run {
	size_t first, last;
	double level; /* ln, median of raw points */
} run;

/* Merges neighbouring runs that are the same level (the gap between them
 * joins in), and a run below its predecessor (latency does not fall with a
 * larger working set: that is noise).  Returns the new count. */
static size_t merge_levels(run *runs, size_t nruns, const double *y)
{
	size_t r;

	for (r = 1; r < nruns;) {
		if (runs[r].level - runs[r - 1].level < log(MERGE_RATIO)) {
			runs[r - 1].last = runs[r].last;
			runs[r - 1].level = median_range(y, runs[r - 1].first, runs[r - 1].last);
			memmove(&runs[r], &runs[r + 1], (nruns - r - 1) * sizeof *runs);
			nruns--;
			if (r > 1)
				r--; /* the merged level may now be close to its left neighbour */
		} else {
			r++;
		}
	}
	return nruns;
}

/* log2(bytes) where the smoothed curve ys first climbs LEAVE_RATIO above
 * its value at `last` (the plateau's last flat point), searching up to
 * `next` (the next plateau's first point, at log-level `next_level`). */
static double leave_point(const double *x, const double *ys, size_t last, size_t next, double next_level)
{
	double at = ys[last] + log(LEAVE_RATIO);
	size_t j;

	/* a plateau that crept most of the way up leaves at the midpoint */
	if (at > 0.5 * (ys[last] + next_level))
		at = 0.5 * (ys[last] + next_level);
	for (j = last + 1; j <= next; j++)
		if (ys[j] >= at) {
			double f = (at - ys[j - 1]) / (ys[j] - ys[j - 1]);
			return x[j - 1] + f * (x[j] - x[j - 1]);
		}
	/* smoothing hid the crossing: between the runs */
	return 0.5 * (x[last] + x[next]);
}

int tkp_knee_detect(const double *bytes, const double *value, size_t n, tkp_knees *out)
{
	double x[MAX_POINTS], y[MAX_POINTS], ys[MAX_POINTS], sl[MAX_POINTS];
	run runs[MAX_POINTS / 2 + 1];
	size_t i, nruns = 0, r;
	int k;

	memset(out, 0, sizeof *out);
	for (k = 0; k < TKP_KNEE_MAX; k++)
		out->size[k] = out->level[k] = NAN;
	if (!bytes || !value || n < 4 || n > MAX_POINTS)
		return TKP_EINVAL;
	for (i = 0; i < n; i++) {
		if (!(bytes[i] > 0) || !isfinite(bytes[i]) || !(value[i] > 0) || !isfinite(value[i]))
			return TKP_EINVAL;
		if (i && !(bytes[i] > bytes[i - 1]))
			return TKP_EINVAL;
		x[i] = log2(bytes[i]);
		y[i] = log(value[i]);
	}

	/* 1. Running median of three; the ends are kept. */
	ys[0] = y[0];
	ys[n - 1] = y[n - 1];
	for (i = 1; i + 1 < n; i++)
		ys[i] = med3(y[i - 1], y[i], y[i + 1]);

	/* 2-3. Runs of flat points. */
	for (i = 0; i < n; i++) {
		size_t lo = i ? i - 1 : 0, hi = i + 1 < n ? i + 1 : n - 1;
		double slope = sl[i] = (ys[hi] - ys[lo]) / (x[hi] - x[lo]);
		int flat = slope < FLAT_SLOPE;

		if (!flat)
			continue;
		if (nruns && runs[nruns - 1].last + 1 == i)
			runs[nruns - 1].last = i;
		else
			runs[nruns++] = (run){i, i, 0};
	}
	for (r = 0; r < nruns; r++)
		runs[r].level = median_range(y, runs[r].first, runs[r].last);
	nruns = merge_levels(runs, nruns, y);

	/* 3b. Shelves: a level whose points rise too fast to count as flat
	 * (a small L3 shared with busy neighbours) still shows as a dip in the
	 * slope between two steeper rises.  A rise between two plateaus at
	 * least MERGE_RATIO² apart whose slope falls below half its peak, at a
	 * level MERGE_RATIO away from both, holds a level there.  (A single
	 * smeared rise has its gentlest slope next to a plateau, at nearly the
	 * plateau's level, so it gets none.) */
	for (r = 0; r + 1 < nruns && nruns < MAX_POINTS / 2;) {
		size_t a = runs[r].last + 1, b = runs[r + 1].first, j, jm = a, lo, hi;
		double smax = -INFINITY, smin = INFINITY;

		if (b < a + 3 || runs[r + 1].level - runs[r].level < 2 * log(MERGE_RATIO)) {
			r++;
			continue;
		}
		for (j = a; j < b; j++) {
			if (sl[j] > smax)
				smax = sl[j];
			if (sl[j] < smin) {
				smin = sl[j];
				jm = j;
			}
		}
		if (!(smin < 0.5 * smax) || ys[jm] - runs[r].level < log(MERGE_RATIO) ||
		    runs[r + 1].level - ys[jm] < log(MERGE_RATIO)) {
			r++;
			continue;
		}
		for (lo = jm; lo > a && sl[lo - 1] < 0.5 * smax && fabs(ys[lo - 1] - ys[jm]) < 0.5 * log(MERGE_RATIO); lo--)
			;
		for (hi = jm; hi + 1 < b && sl[hi + 1] < 0.5 * smax && fabs(ys[hi + 1] - ys[jm]) < 0.5 * log(MERGE_RATIO); hi++)
			;
		memmove(&runs[r + 2], &runs[r + 1], (nruns - r - 1) * sizeof *runs);
		runs[r + 1] = (run){lo, hi, median_range(y, lo, hi)};
		nruns++;
		r += 2; /* one shelf per rise: two would be noise in one level */
	}

	nruns = merge_levels(runs, nruns, y);

	/* 5. A tail still rising past the last plateau. */
	if (nruns && runs[nruns - 1].last < n - 1 && ys[n - 1] - runs[nruns - 1].level >= log(MERGE_RATIO)) {
		runs[nruns] = (run){n - 1, n - 1, ys[n - 1]};
		nruns++;
		out->tail = 1;
	}
	if (nruns > TKP_KNEE_MAX) {
		/* Keep the largest steps: merge the pair of neighbours closest in
		 * level until it fits. */
		while (nruns > TKP_KNEE_MAX) {
			size_t best = 1;
			for (r = 2; r < nruns; r++)
				if (runs[r].level - runs[r - 1].level < runs[best].level - runs[best - 1].level)
					best = r;
			runs[best - 1].last = runs[best].last;
			runs[best - 1].level = median_range(y, runs[best - 1].first, runs[best - 1].last);
			memmove(&runs[best], &runs[best + 1], (nruns - best - 1) * sizeof *runs);
			nruns--;
		}
		out->tail = 0;
	}

	/* 4. Knees: where each plateau is left. */
	out->nlevels = (int)nruns;
	for (r = 0; r < nruns; r++) {
		out->level[r] = exp(runs[r].level);
		out->first[r] = runs[r].first;
		out->last[r] = runs[r].last;
		if (r + 1 < nruns)
			out->size[r] = exp2(leave_point(x, ys, runs[r].last, runs[r + 1].first,
							runs[r + 1].level));
	}
	return 0;
}

/* ---- matching measured knees to reported cache levels ---------------------- */

#define INF_COST 1e300

/* Least cost of pairing `left` more knees from m[i..] with reported r[j..],
 * order preserved; choice[] records the pairs of the best solution. */
static double best_match(const double *m, int nk, const double *r, int nr, int i, int j, int left,
			 int *assign)
{
	double best = INF_COST, c;
	int tmp[TKP_KNEE_MAX], k;

	if (left == 0) {
		for (k = i; k < nk; k++)
			assign[k] = -1;
		return 0;
	}
	if (nk - i < left || nr - j < left)
		return INF_COST;
	/* pair i with j */
	c = fabs(log(m[i] / r[j])) + best_match(m, nk, r, nr, i + 1, j + 1, left - 1, tmp);
	if (c < best) {
		best = c;
		assign[i] = j;
		memcpy(assign + i + 1, tmp + i + 1, (size_t)(nk - i - 1) * sizeof *assign);
	}
	/* leave knee i unpaired */
	if (nk - i - 1 >= left) {
		c = best_match(m, nk, r, nr, i + 1, j, left, tmp);
		if (c < best) {
			best = c;
			assign[i] = -1;
			memcpy(assign + i + 1, tmp + i + 1, (size_t)(nk - i - 1) * sizeof *assign);
		}
	}
	/* leave reported j unpaired */
	if (nr - j - 1 >= left) {
		c = best_match(m, nk, r, nr, i, j + 1, left, tmp);
		if (c < best) {
			best = c;
			memcpy(assign + i, tmp + i, (size_t)(nk - i) * sizeof *assign);
		}
	}
	return best;
}

void tkp_knee_match(const double *measured, int nk, const double *reported, int nr, int *assign)
{
	int i, left;

	if (nk > TKP_KNEE_MAX)
		nk = TKP_KNEE_MAX;
	for (i = 0; i < nk; i++)
		assign[i] = -1;
	if (nk <= 0 || nr <= 0)
		return;
	if (nr > TKP_KNEE_MAX)
		nr = TKP_KNEE_MAX;
	left = nk < nr ? nk : nr;
	best_match(measured, nk, reported, nr, 0, 0, left, assign);
}
