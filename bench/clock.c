/*
 * clock.c - the core clock while a core is busy, measured (`make bench`;
 * bench/ceilings.sh uses it).
 *
 * A chain of dependent integer additions retires one per cycle on every
 * x86-64 core of the last fifteen years (latency 1, and each needs the
 * previous result), whatever the turbo or the hypervisor does to the
 * frequency: additions per second is the clock.  The TSC would not do: it
 * ticks at a fixed rate (2.45 GHz on the Zen 3 VMs here, which run at about
 * 3 GHz).  ceilings.sh turns the clock into hardware limits (FMA pipes ×
 * lanes, load ports × vector bytes) to show how close each side of its
 * comparison comes to them.
 *
 * Prints one line, "GHz <value>", the best of 15 rounds of about 20 ms
 * each, on the CPU the scheduler gives it (taskset to choose one).
 * Elsewhere than x86-64 it prints "GHz 0" and exits 77.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#if defined(__x86_64__)
/* 100 dependent adds per iteration: the loop's own increment and branch
 * run beside them on other ports and do not lengthen the chain. */
#define ADD10 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t" \
	      "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
enum { ADDS_PER_ITER = 100 };

static unsigned long chain(long iters)
{
	unsigned long x = 0;

	for (long i = 0; i < iters; i++)
		__asm__ volatile(ADD10 ADD10 ADD10 ADD10 ADD10 ADD10 ADD10 ADD10 ADD10 ADD10 : "+r"(x));
	return x;
}

int main(void)
{
	long iters = 1000;
	double best = 0;

	/* grow the round to ~20 ms, then keep the fastest of 15 */
	while (1) {
		double t0 = now();
		chain(iters);
		if (now() - t0 > 0.02 || iters > (1L << 40))
			break;
		iters *= 2;
	}
	for (int r = 0; r < 15; r++) {
		double t0 = now(), t;
		unsigned long x = chain(iters);
		t = now() - t0;
		if (x != (unsigned long)iters * ADDS_PER_ITER) {
			fprintf(stderr, "clock: the chain computed %lu, expected %lu\n", x,
				(unsigned long)iters * ADDS_PER_ITER);
			return 1;
		}
		if (t > 0 && (double)iters * ADDS_PER_ITER / t > best)
			best = (double)iters * ADDS_PER_ITER / t;
	}
	printf("GHz %.3f\n", best / 1e9);
	return 0;
}
#else
int main(void)
{
	printf("GHz 0\n");
	return 77;
}
#endif
