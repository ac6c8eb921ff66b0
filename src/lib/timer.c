/*
 * timer.c - CLOCK_MONOTONIC time, TSC ticks, CPU time and RSS.
 *
 * CLOCK_MONOTONIC is the timer of record (vDSO, ~20 ns per read, immune to
 * wall-clock steps).  The TSC is read beside it because a cycles figure is
 * useful when the PMU is absent, as in VMs; it ticks at the nominal clock,
 * not the core clock, so it is reported as TSC ticks, never as "cycles".
 */
#include "config.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "timer.h"
#include "tkprofile.h"

double tkp_timer_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int tkp_tsc_available(void)
{
#if defined(__x86_64__)
	static int cached = -1;

	if (cached < 0) {
		/* Only an invariant TSC counts intervals reliably; the kernel
		 * exports the flags it trusts in /proc/cpuinfo. */
		FILE *fp = fopen("/proc/cpuinfo", "r");
		char line[4096];

		cached = 0;
		while (fp && fgets(line, sizeof line, fp))
			if (!strncmp(line, "flags", 5)) {
				cached = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
				break;
			}
		if (fp)
			fclose(fp);
	}
	return cached;
#else
	return 0;
#endif
}

uint64_t tkp_tsc_read(void)
{
#if defined(__x86_64__)
	return __rdtsc();
#else
	return 0;
#endif
}

/* The CPU-time clocks count to the nanosecond (the scheduler's runtime of
 * each thread); getrusage, the fallback, advances in ticks on some kernels,
 * 4-10 ms, which is noise below a few tenths of a second. */
double tkp_cpu_time(void)
{
	struct rusage ru;
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

double tkp_thread_cpu_time(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return NAN;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long tkp_nivcsw(int thread)
{
	struct rusage ru;

#ifdef RUSAGE_THREAD
	if (getrusage(thread ? RUSAGE_THREAD : RUSAGE_SELF, &ru) != 0)
		return -1;
#else
	if (thread || getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
#endif
	return ru.ru_nivcsw;
}

int tkp_cpus_usable(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int n = online > 0 ? (int)online : 1;
#ifdef CPU_COUNT
	cpu_set_t set;

	/* taskset or a batch system's cgroup may give us fewer than are online */
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0 && CPU_COUNT(&set) < n)
		n = CPU_COUNT(&set);
#endif
	return n;
}

double tkp_cpus_busy_s(void)
{
	unsigned long long v[8];
	double busy = 0, hz = (double)sysconf(_SC_CLK_TCK);
	char line[512];
	int cpu, any = 0;
	FILE *f;
#ifdef CPU_COUNT
	cpu_set_t set;
	int have_set = sched_getaffinity(0, sizeof set, &set) == 0;
#else
	int have_set = 0;
#endif

	if (!(hz > 0) || !(f = fopen("/proc/stat", "r")))
		return NAN;
	while (fgets(line, sizeof line, f)) {
		/* cpuN user nice system idle iowait irq softirq steal ...: all
		 * but idle and iowait were someone's (guest time is in user);
		 * not the "cpu  " line, the sum of all (%d would skip its blanks) */
		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9' ||
		    sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]) != 9)
			continue;
#ifdef CPU_COUNT
		if (have_set && (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &set)))
			continue;
#else
		(void)have_set;
#endif
		busy += (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz;
		any = 1;
	}
	fclose(f);
	return any ? busy : NAN;
}

/* The cost of one timed interval's bookkeeping: two clock reads and two TSC
 * reads, as the measurement makes them.  The smallest of many tries is the
 * cost itself (larger ones were interrupted); measured once and cached. */
double tkp_timer_cost(void)
{
	static double cached = -1;

	if (cached < 0) {
		double best = INFINITY;

		for (int i = 0; i < 200; i++) {
			double t0 = tkp_timer_now(), t1;
			uint64_t s0 = tkp_tsc_read(), s1 = tkp_tsc_read();
			(void)s0, (void)s1;
			t1 = tkp_timer_now();
			if (t1 - t0 < best)
				best = t1 - t0;
		}
		/* a coarse clock can read 0 for the pair: take its step, 1 ns at least */
		cached = best > 1e-9 ? best : 1e-9;
	}
	return cached;
}

uint64_t tkp_rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *fp = fopen("/proc/self/statm", "r");
	long page = sysconf(_SC_PAGESIZE);

	if (!fp)
		return 0;
	if (fscanf(fp, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(fp);
	return (uint64_t)resident * (uint64_t)(page > 0 ? page : 4096);
}
