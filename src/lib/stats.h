/*
 * stats.h - robust summaries of repeated timings.
 *
 * Median and MAD rather than mean and standard deviation: timings on shared
 * machines have a long right tail (preemption, frequency dips) that would
 * drag a mean; the median and the median absolute deviation ignore it.
 */
#ifndef TKP_STATS_H
#define TKP_STATS_H

#include <stddef.h>

/* Median of x[0..n) (sorts a copy; x is not changed).  NAN when n == 0. */
double tkp_stats_median(const double *x, size_t n);
/* Smallest value; NAN when n == 0. */
double tkp_stats_min(const double *x, size_t n);
/* Median absolute deviation from the median (unscaled); NAN when n == 0. */
double tkp_stats_mad(const double *x, size_t n);

#endif
