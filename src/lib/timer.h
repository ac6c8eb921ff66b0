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
/* Involuntary context switches so far (another runnable task, or a yield
 * that switched, took the CPU): of the calling thread when thread is
 * non-zero (RUSAGE_THREAD), else of the whole process, threads that
 * ended included.  -1 when unknown. */
long tkp_nivcsw(int thread);
/* CPUs this process may run on: the online ones, fewer when its affinity
 * mask (taskset, a batch system) says so; at least 1. */
int tkp_cpus_usable(void);
/* CPU time every task (this process's included, the kernel's interrupt
 * work and a hypervisor's steal too) has had so far on the CPUs this
 * process may use, in seconds, from /proc/stat: a resolution of one clock
 * tick (10 ms), so only for intervals of a tenth of a second and more.
 * NAN where /proc/stat cannot be read. */
double tkp_cpus_busy_s(void);
/* Seconds the measurement's own bookkeeping adds to one timed interval (two
 * clock and two TSC reads; the smallest of 200 tries, cached; >= 1 ns). */
double tkp_timer_cost(void);
/* Resident set size now, in bytes (0 if unknown). */
uint64_t tkp_rss_bytes(void);

#endif
