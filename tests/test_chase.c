/*
 * test_chase.c - the pointer chase (src/probe/chase.c): the links form one
 * cycle that visits every node exactly once, whole blocks at a time, in an
 * order that is not sequential; and a short latency measurement works.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "tap.h"

/* Follows n links from start: every node seen once, back at start after n,
 * and (block > 0) each block finished before the next is entered. */
static int check_cycle(size_t n, size_t stride, size_t block, uint64_t seed, int *blocks_whole)
{
	char *base = calloc(n, stride);
	unsigned char *seen = calloc(n, 1);
	void *start, *p;
	size_t i, cur_block = (size_t)-1, left_in_block = 0;
	int good = 1;

	*blocks_whole = 1;
	if (!base || !seen || tkp_chase_build(base, n, stride, block, seed, &start) != 0) {
		free(base);
		free(seen);
		return 0;
	}
	p = start;
	for (i = 0; i < n && good; i++) {
		size_t idx = (size_t)((char *)p - base) / stride;
		if ((char *)p < base || idx >= n || ((char *)p - base) % stride || seen[idx]) {
			good = 0;
			break;
		}
		seen[idx] = 1;
		if (block) {
			size_t b = idx / block;
			if (b != cur_block) {
				if (left_in_block)
					*blocks_whole = 0;
				cur_block = b;
				left_in_block = (n - b * block < block ? n - b * block : block);
			}
			left_in_block--;
		}
		p = *(void **)p;
	}
	good = good && p == start;
	for (i = 0; i < n && good; i++)
		good = seen[i];
	free(base);
	free(seen);
	return good;
}

int main(void)
{
	static const size_t sizes[] = {1, 2, 3, 7, 64, 1000, 4099, 32768 + 5, 100000};
	static const size_t blocks[] = {0, 1, 7, 64, 32768};
	size_t i, j;

	for (i = 0; i < sizeof sizes / sizeof *sizes; i++)
		for (j = 0; j < sizeof blocks / sizeof *blocks; j++) {
			int whole;
			int good = check_cycle(sizes[i], 64, blocks[j], 1234 + i, &whole);
			ok(good && whole, "n=%zu block=%zu: one cycle, every node once, blocks walked whole", sizes[i],
			   blocks[j]);
		}
	{
		int whole;
		ok(check_cycle(5000, sizeof(void *), 0, 99, &whole), "stride of one pointer: one cycle");
	}

	/* Random, not sequential: few links go to the next node. */
	{
		size_t n = 10000, seq = 0;
		char *base = calloc(n, 64);
		void *start, *p;
		if (base && tkp_chase_build(base, n, 64, 0, 5, &start) == 0) {
			p = start;
			for (i = 0; i < n; i++) {
				void *q = *(void **)p;
				seq += (char *)q == (char *)p + 64;
				p = q;
			}
			ok(seq < n / 100, "links are random (%zu of %zu go to the next node)", seq, n);
			ok(tkp_chase_walk(start, n) == start, "tkp_chase_walk(n) returns to the start");
			ok(tkp_chase_walk(start, 3 * n + 17) == tkp_chase_walk(start, 17), "the walk is periodic with period n");
		} else {
			ok(0, "build for randomness check");
		}
		free(base);
	}
	{
		char buf[64 * 4];
		void *s;
		ok(tkp_chase_build(buf, 0, 64, 0, 1, &s) == TKP_EINVAL, "n = 0: EINVAL");
		ok(tkp_chase_build(buf, 4, 4, 0, 1, &s) == TKP_EINVAL, "stride below a pointer: EINVAL");
	}

	/* A short real measurement: an L1-sized chase costs a few ns at most. */
	{
		tkp_chase *c;
		double ns = NAN;
		if (tkp_chase_open(&c, 1 << 20, -1) == 0) {
			ok(tkp_chase_measure(c, 16384, 0.002, 2, &ns) == 0 && ns > 0.05 && ns < 200,
			   "16 KiB chase: %.2f ns per load", ns);
			ok(tkp_chase_measure(c, 2 << 20, 0.002, 1, &ns) == TKP_ERANGE, "beyond the buffer: ERANGE");
			tkp_chase_close(c);
		} else {
			ok(0, "tkp_chase_open 1 MiB");
		}
	}
	return tap_done();
}
