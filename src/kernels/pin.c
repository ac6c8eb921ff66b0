/*
 * pin.c - one CPU per team member, from the caller's affinity mask (see
 * pin.h for why).
 */
#include "config.h"

#include <pthread.h>
#include <unistd.h>

#include "pin.h"

void tkp_pin_plan(tkp_pin_saved *s, int nt, int *cpus)
{
	s->have = 0;
	for (int i = 0; i < nt; i++)
		cpus[i] = -1;
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
	{
		long online = sysconf(_SC_NPROCESSORS_ONLN);
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
