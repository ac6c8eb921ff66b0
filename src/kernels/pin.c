/*
 * pin.c - one CPU per team member, from the caller's affinity mask (see
 * pin.h for why).
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pin.h"

/*
 * CPUs online, read once per process: sysconf reads a sysfs file, and on
 * a Zen 3 VM that made tkp_pin_plan 9.4 µs of a team call's set-up (0.6
 * with the count kept; plan, pin and restore together 17 -> 8-12 µs),
 * against ~125 µs of work in a 2-thread call at 160³ f64.
 */
static long cpus_online(void)
{
	static atomic_long online;
	long n = atomic_load_explicit(&online, memory_order_relaxed);

	if (n <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		atomic_store_explicit(&online, n, memory_order_relaxed);
	}
	return n;
}

void tkp_pin_plan(tkp_pin_saved *s, int nt, int *cpus)
{
	s->have = 0;
	for (int i = 0; i < nt; i++)
		cpus[i] = -1;
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
	{
		long online = cpus_online();
		int next = 0;

		if (nt < 2 || online < nt ||
		    pthread_getaffinity_np(pthread_self(), sizeof s->set, &s->set) != 0 ||
		    CPU_COUNT(&s->set) < nt)
			return;
		s->have = 1;
		for (int cpu = 0; cpu < CPU_SETSIZE && next < nt; cpu++)
			if (CPU_ISSET(cpu, &s->set))
				cpus[next++] = cpu;
	}
#endif
}

void tkp_pin_save(tkp_pin_saved *s)
{
	s->have = 0;
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
	s->have = pthread_getaffinity_np(pthread_self(), sizeof s->set, &s->set) == 0;
#endif
}

void tkp_pin_self(int cpu)
{
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
#else
	(void)cpu;
#endif
}

void tkp_pin_restore(const tkp_pin_saved *s)
{
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
	if (s->have)
		(void)pthread_setaffinity_np(pthread_self(), sizeof s->set, &s->set);
#else
	(void)s;
#endif
}

/* Reads one small sysfs file into buf (at most n - 1 characters); 0 on
 * success. */
static int read_small(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got;

	if (!f)
		return -1;
	got = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[got] = '\0';
	return got ? 0 : -1;
}

/*
 * The last-level cache of cpu, named by the first CPU of its
 * shared_cpu_list (a list starts with its lowest CPU, so CPUs sharing a
 * cache get the same name); -1 when sysfs does not describe it.
 */
static int llc_of(int cpu)
{
	char path[96], buf[256];
	int best_level = 0, id = -1;

	for (int i = 0; i < 16; i++) {
		int level, first;

		snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/level", cpu,
			 i);
		if (read_small(path, buf, sizeof buf) != 0)
			break;
		level = atoi(buf);
		snprintf(path, sizeof path,
			 "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list", cpu, i);
		if (level <= best_level || read_small(path, buf, sizeof buf) != 0 ||
		    sscanf(buf, "%d", &first) != 1)
			continue;
		best_level = level;
		id = first;
	}
	return id;
}

/* Per CPU: 0 not read yet, 1 not described, id + 2 otherwise.  Two
 * threads may both read a CPU the first time; they store the same. */
enum { LLC_CPUS = 1024 };
static atomic_int llc_ids[LLC_CPUS];

int tkp_pin_share_llc(const int *cpus, int n)
{
	int first = -1;

	for (int i = 0; i < n; i++) {
		int c = cpus[i], v;

		if (c < 0 || c >= LLC_CPUS)
			return 0;
		v = atomic_load_explicit(&llc_ids[c], memory_order_relaxed);
		if (v == 0) {
			v = llc_of(c) + 2;
			atomic_store_explicit(&llc_ids[c], v, memory_order_relaxed);
		}
		if (v == 1 || (first >= 0 && v != first))
			return 0;
		first = v;
	}
	return n > 0;
}
