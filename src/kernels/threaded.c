/*
 * threaded.c - the parallel rung: the blocked kernel run by a team of
 * pthreads over disjoint blocks of C.
 *
 * Each call creates its team once (threads-1 workers; the calling thread is
 * the last member) and joins it before returning, so no thread outlives the
 * call and nothing is shared between calls.  C is cut into a grid of
 * blocks, whole b×b tiles each, about four per thread so that a thread
 * slowed by a noisy neighbour does not hold the rest up; threads take the
 * next block from an atomic counter.  A block of C belongs to exactly one
 * thread, which computes it completely (zeroing, every k), so threads never
 * write the same memory and need no locks; pthread_join publishes their
 * results to the caller.  More threads than blocks is allowed: the extra
 * threads find the counter exhausted and return.
 *
 * When the caller may run on at least as many CPUs as there are threads,
 * every member is pinned to its own CPU for the call (the caller gets its
 * own affinity mask back afterwards).  Left to the scheduler, two threads
 * on this 2-vCPU VM spent long stretches on one CPU: each ran at ~60% of
 * its pinned speed.  Pinning failures are ignored: pinning is a
 * measurement nicety, not a requirement.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernels.h"
#include "pin.h"
#include "simd_rows.h"

/* Blocks of C per thread: enough slack to even out uneven progress, few
 * enough that each block still reuses its tiles of A and B. */
enum { BLOCKS_PER_THREAD = 4 };

struct team {
	const tkp_gemm *g;
	tkp_isa isa;
	size_t b;          /* tile edge */
	size_t bm, bn;     /* block of C: bm rows × bn columns */
	size_t nbn;        /* blocks per row of the grid */
	size_t c0, ncb;    /* the column blocks worked on: c0, c0+1, ... */
	size_t nblocks;
	atomic_size_t next; /* next block to take */
	atomic_int stop;    /* set when the team could not be formed */
};


struct worker {
	struct team *team;
	pthread_t tid;
	int cpu;    /* CPU to pin to, or -1 */
	void *pack; /* this thread's scratch for packed tiles of B */
};

static size_t div_up(size_t x, size_t y)
{
	return (x + y - 1) / y;
}

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

static void team_work(struct team *t, void *pack)
{
	for (;;) {
		size_t blk, i0, j0;

		if (atomic_load_explicit(&t->stop, memory_order_relaxed))
			return;
		blk = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed);
		if (blk >= t->nblocks)
			return;
		i0 = blk / t->ncb * t->bm;
		j0 = (t->c0 + blk % t->ncb) * t->bn;
		tkp_blocked_part(t->g, t->isa, t->b, i0, min_sz(i0 + t->bm, t->g->m), j0,
				 min_sz(j0 + t->bn, t->g->n), pack);
	}
}

/* The name is known to simulated counters (src/lib/sim.c), which switch
 * collection on in worker threads by it; tuned.c's entry has it too. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	tkp_pin_self(w->cpu);
	team_work(w->team, w->pack);
	return NULL;
}

/*
 * Splits C into about BLOCKS_PER_THREAD·nt blocks of whole tiles: column
 * panels first, since a block spanning all of m reuses each packed tile of
 * B for every row tile, as the blocked kernel does (row panels made every
 * thread re-pack all of B: 1.35× on 2 threads against 1.75×); rows too when
 * there are too few column tiles, e.g. a tall narrow C.
 */
static void team_grid(struct team *t, int nt)
{
	size_t want = (size_t)nt * BLOCKS_PER_THREAD;
	size_t rt = div_up(t->g->m, t->b), ct = div_up(t->g->n, t->b);
	size_t cols_per = ct >= want ? ct / want : 1;
	size_t nbn = div_up(ct, cols_per);
	size_t rows_per = nbn >= want ? rt : div_up(rt, div_up(want, nbn));

	t->bm = rows_per * t->b;
	t->bn = cols_per * t->b;
	t->nbn = div_up(t->g->n, t->bn);
	t->c0 = 0;
	t->ncb = t->nbn;
	t->nblocks = div_up(t->g->m, t->bm) * t->nbn;
}

/* The grid's column blocks holding columns [j0, j1) (all, for the whole). */
static void team_cols(struct team *t, size_t j0, size_t j1)
{
	t->c0 = min_sz(j0 / t->bn, t->nbn);
	t->ncb = div_up(min_sz(j1, t->g->n), t->bn);
	t->ncb = t->ncb > t->c0 ? t->ncb - t->c0 : 0;
	t->nblocks = div_up(t->g->m, t->bm) * t->ncb;
}

size_t tkp_threaded_col_unit(const tkp_gemm *g)
{
	int nt = g->threads > 0 ? g->threads : 1;
	struct team t = {.g = g, .b = (size_t)tkp_kernel_block_for(TKP_CAP_BLOCK, g->dtype, g->block)};
	size_t nbm;

	team_grid(&t, nt);
	nbm = div_up(g->m, t.bm);
	return t.bn * div_up((size_t)nt, nbm);
}

/* Columns [j0, j1) of C by the team (the whole call: 0, n). */
static int team_run(const tkp_gemm *g, tkp_isa isa, size_t j0, size_t j1)
{
	int nt = g->threads > 0 ? g->threads : 1;
	struct team t = {
		.g = g,
		.isa = isa,
		.b = (size_t)tkp_kernel_block_for(TKP_CAP_BLOCK, g->dtype, g->block),
	};
	struct worker *w = NULL;
	tkp_pin_saved saved = {0};
	int *cpus = NULL;
	char *packs = NULL;
	size_t pack_sz;
	int made = 0, caller_cpu = -1, err = 0;

	if (!tkp_simd_isa_ok(isa))
		return TKP_ENOTSUP;
	team_grid(&t, nt);
	team_cols(&t, j0, j1);
	atomic_init(&t.next, 0);
	atomic_init(&t.stop, 0);

	/* One scratch area per thread, each on its own cache lines. */
	pack_sz = (tkp_blocked_pack_bytes(g, t.b) + 63) / 64 * 64;
	packs = malloc(pack_sz * (size_t)nt);
	if (!packs) {
		err = TKP_ENOMEM;
		goto fail;
	}
	if (nt > 1) {
		w = calloc((size_t)nt - 1, sizeof *w);
		cpus = malloc((size_t)nt * sizeof *cpus);
		if (!w || !cpus) {
			err = TKP_ENOMEM;
			goto fail;
		}
		tkp_pin_plan(&saved, nt, cpus);
		caller_cpu = cpus[0];
		for (int i = 0; i < nt - 1; i++)
			w[i].cpu = cpus[i + 1];
	}
	for (; made < nt - 1; made++) {
		w[made].team = &t;
		w[made].pack = packs + pack_sz * (size_t)(made + 1);
		if (pthread_create(&w[made].tid, NULL, worker_main, &w[made]) != 0) {
			/* A smaller team than asked would time the wrong thing:
			 * stop the ones already running and report it. */
			atomic_store(&t.stop, 1);
			err = TKP_ENOMEM;
			goto fail;
		}
	}
	tkp_pin_self(caller_cpu);
	team_work(&t, packs);

fail:
	for (int i = 0; i < made; i++)
		pthread_join(w[i].tid, NULL);
	tkp_pin_restore(&saved);
	free(cpus);
	free(w);
	free(packs);
	return err;
}

int tkp_gemm_threaded_isa(const tkp_gemm *g, tkp_isa isa)
{
	return team_run(g, isa, 0, g->n);
}

int tkp_gemm_threaded_cols(const tkp_gemm *g, size_t j0, size_t j1)
{
	return team_run(g, tkp_isa_current(), j0, j1);
}

int tkp_gemm_threaded(const tkp_gemm *g)
{
	return tkp_gemm_threaded_isa(g, tkp_isa_current());
}
