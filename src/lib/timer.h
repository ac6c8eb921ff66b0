/*
 * timer.h - clocks and process figures around a measured run: monotonic
 * time, TSC ticks, CPU time and resident memory.
 */
#ifndef TKP_TIMER_H
#define TKP_TIMER_H

#include <stdint.h>

/* 1 when the TSC is usable for interval counts on this machine (x86-64 with
 * an invariant TSC, as cpuinfo's constant_tsc/nonstop_tsc say). */
int tkp_tsc_available(void);
/* TSC ticks (0 where unavailable). */
uint64_t tkp_tsc_read(void);
/* Process CPU time, user + system, in seconds (all threads). */
double tkp_cpu_time(void);
/* CPU time of the calling thread alone, in seconds. */
double tkp_thread_cpu_time(void);
/* Resident set size now, in bytes (0 if unknown). */
uint64_t tkp_rss_bytes(void);

#endif
