/*
 * pin.h - pinning a team of threads, one CPU each, for the parallel kernels.
 *
 * Left to the scheduler, two threads on a 2-vCPU VM spent long stretches on
 * one CPU (each at ~60% of its pinned speed), so the threaded and tuned
 * kernels pin every member, caller included, for the duration of a call and
 * give the caller its own mask back afterwards.  Pinning is a measurement
 * nicety, not a requirement: every failure leaves threads unpinned.
 */
#ifndef TKP_PIN_H
#define TKP_PIN_H

#include "config.h"

#include <sched.h>

/* The caller's affinity mask, saved by tkp_pin_plan. */
typedef struct tkp_pin_saved {
	int have;
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
	cpu_set_t set;
#endif
} tkp_pin_saved;

/*
 * Plans a team of nt members (member 0 is the caller): cpus[i] gets one CPU
 * each from the caller's mask, which is saved in *s.  All stay -1 (and s->have
 * 0) when nt < 2, when the mask has fewer CPUs than members (two pinned
 * threads sharing a CPU would serialise), or when the build cannot pin.
 */
void tkp_pin_plan(tkp_pin_saved *s, int nt, int *cpus);
/* Saves the calling thread's mask in *s (s->have 0 when it cannot). */
void tkp_pin_save(tkp_pin_saved *s);
/* Pins the calling thread to cpu; a no-op for cpu < 0. */
void tkp_pin_self(int cpu);
/* Gives the caller back the mask tkp_pin_plan saved (if it saved one). */
void tkp_pin_restore(const tkp_pin_saved *s);
/*
 * 1 when the n CPUs in cpus all share one last-level cache, as Linux's
 * sysfs describes it (cpuN/cache/indexI: the highest level, its
 * shared_cpu_list); 0 when any does not, is -1 (not pinned) or has no such
 * description (a VM may expose none).  Read once per CPU and kept.
 */
int tkp_pin_share_llc(const int *cpus, int n);

#endif
