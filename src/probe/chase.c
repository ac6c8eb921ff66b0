/*
 * chase.c - load-to-use latency by a randomised pointer chase.
 *
 * The working set is cut into 64-byte nodes (one cache line each) linked
 * into a single cycle in random order (Sattolo's algorithm), and one thread
 * follows the links: each load's address comes from the previous load, so
 * nothing overlaps, and the random order defeats the prefetchers (a stride
 * prefetcher sees no stride; a spatial one fetches lines the walk will not
 * need for a long time).
 *
 * The cycle visits the working set 2 MiB block by 2 MiB block (blocks in
 * random order, the 32768 lines of a block in random order): a fully
 * random walk over more than the TLB's reach pays a page walk on nearly
 * every load, and in a VM whose host maps guest memory with 4 KiB pages
 * (nested paging) that is a ~100 ns two-dimensional walk, which put a
 * false "L3" knee at 4-6 MB on the development VM.  Within a 2 MiB block
 * the walk needs at most 512 TLB entries, which second-level TLBs hold,
 * and the staircase shows the caches.  Randomising within 4 KiB pages
 * instead is not enough: the spatial prefetchers learn a page after a
 * few lines and DRAM latency drops to half its value.  The walk runs on a
 * pinned worker so it keeps its caches.
 */
#include "config.h"

#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "bigpages.h"
#include "probe.h"
#include "util.h"

#define NODE 64
/* The walk stays in one 2 MiB block (a huge page) until it has visited all
 * of it: see the top of the file. */
#define BLOCK ((size_t)2 << 20)

/* Sattolo: like Fisher-Yates but j < i strictly, which yields a uniformly
 * random cyclic permutation: following v[i] from any i visits all n. */
static void sattolo(uint32_t *v, size_t n, tkp_rng *rng)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (uint32_t)i;
	for (i = n - 1; i > 0 && n > 1; i--) {
		size_t j = (size_t)(tkp_rng_next(rng) % i);
		uint32_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

int tkp_chase_build(void *base, size_t n, size_t stride, size_t block, uint64_t seed, void **start)
{
	uint32_t *bnext = NULL, *lnext = NULL;
	size_t nblocks, b;
	tkp_rng rng;
	char *p = base;
	int rc = TKP_ENOMEM;

	*start = NULL;
	if (!base || n == 0 || stride < sizeof(void *) || n > UINT32_MAX)
		return TKP_EINVAL;
	if (block == 0 || block > n)
		block = n;
	nblocks = (n + block - 1) / block;
	if (!(bnext = malloc(nblocks * sizeof *bnext)) || !(lnext = malloc(block * sizeof *lnext)))
		goto fail;
	tkp_rng_seed(&rng, seed);
	/* A random cycle through the blocks, and in each block a random cycle
	 * through its nodes, entered at its node 0 and left from the node
	 * that would close the block's cycle, towards the next block's node
	 * 0: one cycle through all n nodes, each block walked whole. */
	sattolo(bnext, nblocks, &rng);
	for (b = 0; b < nblocks; b++) {
		size_t first = b * block, len = n - first < block ? n - first : block, cur = 0, k;
		char *exit_to = p + (size_t)bnext[b] * block * stride;
		sattolo(lnext, len, &rng);
		for (k = 0; k + 1 < len; k++) {
			*(void **)(p + (first + cur) * stride) = p + (first + lnext[cur]) * stride;
			cur = lnext[cur];
		}
		*(void **)(p + (first + cur) * stride) = exit_to;
	}
	*start = base;
	rc = 0;
fail:
	free(lnext);
	free(bnext);
	return rc;
}

__attribute__((noinline)) void *tkp_chase_walk(void *p, uint64_t steps)
{
	void **q = p;

	while (steps >= 16) {
#define STEP q = (void **)*q;
		STEP STEP STEP STEP STEP STEP STEP STEP
		STEP STEP STEP STEP STEP STEP STEP STEP
#undef STEP
		steps -= 16;
	}
	while (steps--)
		q = (void **)*q;
	return q;
}

struct tkp_chase {
	tkp_team *team; /* one pinned worker */
	size_t max_bytes;
	char *buf;
	int failed;
};

typedef struct chase_job {
	tkp_chase *c;
	size_t n, block;
	uint64_t seed;
	double min_time;
	int samples;
	double ns;
	int rc;
} chase_job;

static void alloc_worker(void *arg, int tid, int n)
{
	tkp_chase *c = arg;

	(void)tid;
	(void)n;
	if (!(c->buf = tkp_bigpages_alloc(c->max_bytes, 1)))
		c->failed = 1;
	else
		memset(c->buf, 0, c->max_bytes);
}

/* Runs on the pinned worker: build, warm, calibrate, time. */
static void chase_worker(void *arg, int tid, int nt)
{
	chase_job *j = arg;
	void *p;
	uint64_t steps;
	double t = 0, best = INFINITY;
	int s;

	(void)tid;
	(void)nt;
	if ((j->rc = tkp_chase_build(j->c->buf, j->n, NODE, j->block, j->seed, &p)) != 0)
		return;
	/* The build wrote every node in address order, so a set that fits is
	 * mostly cached; one more walk (bounded: 16 MiB worth, beyond that the
	 * calibration walks finish the job) settles it. */
	p = tkp_chase_walk(p, j->n < (1u << 18) ? j->n : (1u << 18));
	steps = 1u << 14;
	for (;;) {
		double t0 = tkp_timer_now();
		p = tkp_chase_walk(p, steps);
		t = tkp_timer_now() - t0;
		if (t >= j->min_time / 4 || steps > (1ull << 40))
			break;
		steps *= t > 0 && j->min_time / 4 / t < 16 ? 2 : 16;
	}
	if (t > 0)
		steps = (uint64_t)((double)steps * j->min_time / t) + 1;
	for (s = 0; s < (j->samples > 0 ? j->samples : 1); s++) {
		double t0 = tkp_timer_now();
		p = tkp_chase_walk(p, steps);
		t = tkp_timer_now() - t0;
		if (t > 0 && t * 1e9 / (double)steps < best)
			best = t * 1e9 / (double)steps;
	}
	/* Keep p alive: the walk is its own result. */
	__asm__ __volatile__("" : : "r"(p) : "memory");
	j->ns = best;
}

int tkp_chase_open(tkp_chase **out, size_t max_bytes, int cpu)
{
	tkp_chase *c;
	int rc;

	*out = NULL;
	if (max_bytes < NODE)
		return TKP_EINVAL;
	if (!(c = calloc(1, sizeof *c)))
		return TKP_ENOMEM;
	c->max_bytes = max_bytes;
	if (cpu < 0) {
		/* The first CPU the process may use. */
		cpu_set_t set;
		CPU_ZERO(&set);
		cpu = 0;
		if (sched_getaffinity(0, sizeof set, &set) == 0)
			while (cpu < CPU_SETSIZE - 1 && !CPU_ISSET(cpu, &set))
				cpu++;
	}
	if ((rc = tkp_team_open(&c->team, 1, &cpu)) != 0) {
		free(c);
		return rc;
	}
	tkp_team_run(c->team, alloc_worker, c);
	if (c->failed) {
		tkp_team_close(c->team);
		free(c);
		return TKP_ENOMEM;
	}
	*out = c;
	return 0;
}

int tkp_chase_measure(tkp_chase *c, size_t bytes, double min_time, int samples, double *ns)
{
	chase_job j;

	*ns = NAN;
	if (!c || min_time <= 0)
		return TKP_EINVAL;
	if (bytes > c->max_bytes)
		return TKP_ERANGE;
	memset(&j, 0, sizeof j);
	j.c = c;
	j.n = bytes / NODE ? bytes / NODE : 1;
	j.seed = 0x9e3779b97f4a7c15ull ^ bytes;
	j.block = BLOCK / NODE;
	j.min_time = min_time;
	j.samples = samples;
	tkp_team_run(c->team, chase_worker, &j);
	if (j.rc)
		return j.rc;
	*ns = j.ns;
	return isfinite(j.ns) ? 0 : TKP_EIO;
}

void tkp_chase_close(tkp_chase *c)
{
	if (!c)
		return;
	tkp_bigpages_free(c->buf, c->max_bytes);
	tkp_team_close(c->team);
	free(c);
}
