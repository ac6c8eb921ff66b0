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

/*
 * Disturbance: whether another program took the CPU from a timed sample.
 *
 * A sample is one timed interval (a batch of kernel calls) with the CPU time
 * the kernel's threads got over it and the involuntary context switches
 * meanwhile.  The kernel's threads could have had wall × threads of CPU;
 * what they did not get ("lost") went to someone else, or to waiting.  A
 * sample is disturbed when it lost more than TKP_DISTURB_LOST of that (5%:
 * a timer tick costs ~1-5 µs per 1-4 ms, 0.1-0.5%, and a kernel worker
 * preempting for a few µs in a 100 ms run is far below it, while sharing a
 * CPU with a busy program costs 30-50%; 5% is also the error above which a
 * figure stops being worth quoting) and at least TKP_DISTURB_FLOOR_S
 * (50 µs: below that a short sample was hit by one interrupt or kernel
 * worker, which the median already ignores; a busy program's time slice is
 * 0.75-3 ms).  On one thread that is the whole rule: a computing thread
 * never waits on its own, so every lost microsecond was taken (preemption,
 * or a hypervisor's steal, which counts no switch).  On more threads, the
 * kernel's threads may also wait for each other (one finished its share
 * early), which loses CPU with voluntary switches only; so there at least
 * one involuntary switch must have happened too, and the loss is counted
 * above base, the share the row's least-losing sample lost: small
 * problems on several threads idle by design (threaded 128³ on 2 threads
 * keeps 56% of 2 CPUs busy on a quiet VM, and its barriers' sched_yield
 * counts as involuntary switches), which is no disturbance; a program
 * taking a CPU costs a sample more than the row's best.  base is at most
 * 1 - 1/threads, one thread working while the others wait: a program that
 * takes the CPUs during every sample of a multi-thread row raises the best
 * sample's loss too, and only beyond that bound does it show here; a
 * smaller loss in every sample is the row check's (TKP_DISTURB_ROW_MIN_S
 * below: other tasks' CPU time over the whole row).  More threads than
 * usable CPUs (oversubscribed on purpose) take turns by design: never
 * disturbed.
 */
#define TKP_DISTURB_LOST 0.05
/* On several threads the loss must pass base by this much: small problems'
 * idle share varies from call to call by more than 5% (threaded 128³ on 2
 * threads: 0.52-0.56 of 2 CPUs busy from row to row, wider from call to
 * call), while a program holding one of two CPUs for a whole sample costs
 * it 50%. */
#define TKP_DISTURB_LOST_MT 0.20
#define TKP_DISTURB_FLOOR_S 50e-6
/* A multi-thread row as a whole: what other tasks ran on the CPUs the
 * process may use while its samples were timed (from /proc/stat, whose
 * 10 ms ticks need TKP_DISTURB_ROW_MIN_S of samples).  Samples alone miss
 * a program that takes the CPUs during every one of them: each loses as
 * much as the least-losing one (blas 1024 on 2 threads beside a hog on
 * each CPU: 49% of the quiet figure, every sample "clean").  Others may
 * use the CPUs the kernel leaves free; beyond those, more than
 * TKP_DISTURB_LOST_MT of the kernel's wall × threads flags every sample. */
#define TKP_DISTURB_ROW_MIN_S 0.1

/* Whether other tasks took the CPUs from a multi-thread row: others_s
 * seconds of CPU went to them over wall_s seconds of the row's samples
 * (threads of the kernel, cpus usable).  0 for one thread (the samples
 * see that), for more threads than CPUs and for too short a row. */
int tkp_stats_others_took(double others_s, double wall_s, int threads, int cpus);

typedef struct tkp_rep_sample {
	double wall_s; /* the timed interval */
	double cpu_s;  /* CPU time the kernel's threads got over it; NAN unknown */
	long nivcsw;   /* involuntary context switches over it; < 0 unknown */
} tkp_rep_sample;

/* 1 when sample s of a kernel on `threads` threads, with `cpus` usable
 * CPUs, was disturbed by another program (the rule above), else 0 (also
 * when it cannot be told: no CPU time, or no switch count on threads > 1).
 * base: on threads > 1, the share of wall × threads the row's least-losing
 * sample so far lost (tkp_stats_lost; 0 for none yet); unused on 1. */
int tkp_stats_disturbed(const tkp_rep_sample *s, int threads, int cpus, double base);
/* The share of wall × threads that sample s did not get (0 when unknown). */
double tkp_stats_lost(const tkp_rep_sample *s, int threads);

#endif
