/*
 * team.c - worker threads pinned one per CPU, run in lock-step.
 *
 * The probe runs the same kernel on every worker at once: the team starts
 * its workers once (each pins itself, then allocates and touches its own
 * buffers inside the jobs, so pages are local to it) and then runs jobs
 * between two barriers.  The calling thread only waits; it is never pinned,
 * so the sweep that called the probe keeps its own affinity.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

struct tkp_team {
	int n;
	int started;
	int pinned_count;
	int quit;
	int state; /* 0 starting, 1 running, 2 abandoned (a worker failed to start) */
	pthread_cond_t cond;
	tkp_team_fn fn;
	void *arg;
	pthread_barrier_t start, done;
	pthread_mutex_t lock;
	pthread_t *tids;
	int *cpus;
};

typedef struct worker_arg {
	tkp_team *t;
	int id;
} worker_arg;

static void *worker(void *p)
{
	tkp_team *t = ((worker_arg *)p)->t;
	int id = ((worker_arg *)p)->id;

	free(p);
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
	if (t->cpus && t->cpus[id] >= 0 && t->cpus[id] < CPU_SETSIZE) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(t->cpus[id], &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0) {
			pthread_mutex_lock(&t->lock);
			t->pinned_count++;
			pthread_mutex_unlock(&t->lock);
		}
	}
#endif
	pthread_mutex_lock(&t->lock);
	while (t->state == 0)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
	if (t->state != 1)
		return NULL;
	for (;;) {
		pthread_barrier_wait(&t->start);
		if (t->quit)
			break;
		t->fn(t->arg, id, t->n);
		pthread_barrier_wait(&t->done);
	}
	return NULL;
}

static void noop(void *arg, int tid, int n)
{
	(void)arg;
	(void)tid;
	(void)n;
}

int tkp_team_open(tkp_team **out, int nthreads, const int *cpus)
{
	tkp_team *t;
	int i, rc = TKP_ENOMEM;

	*out = NULL;
	if (nthreads < 1 || nthreads > 4096)
		return TKP_EINVAL;
	if (!(t = calloc(1, sizeof *t)))
		return TKP_ENOMEM;
	t->n = nthreads;
	if (!(t->tids = calloc((size_t)nthreads, sizeof *t->tids)))
		goto fail_alloc;
	if (cpus) {
		if (!(t->cpus = malloc((size_t)nthreads * sizeof *t->cpus)))
			goto fail_alloc;
		memcpy(t->cpus, cpus, (size_t)nthreads * sizeof *t->cpus);
	}
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	for (i = 0; i < nthreads; i++) {
		worker_arg *a = malloc(sizeof *a);
		if (!a) {
			rc = TKP_ENOMEM;
			goto fail_threads;
		}
		a->t = t;
		a->id = i;
		if (pthread_create(&t->tids[i], NULL, worker, a) != 0) {
			free(a);
			rc = TKP_ENOMEM;
			goto fail_threads;
		}
		t->started++;
	}
	/* Workers plus the caller meet at each barrier. */
	if (pthread_barrier_init(&t->start, NULL, (unsigned)nthreads + 1) != 0)
		goto fail_threads;
	if (pthread_barrier_init(&t->done, NULL, (unsigned)nthreads + 1) != 0) {
		pthread_barrier_destroy(&t->start);
		goto fail_threads;
	}
	pthread_mutex_lock(&t->lock);
	t->state = 1;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	/* One empty job: every worker has pinned itself once it returns. */
	tkp_team_run(t, noop, NULL);
	*out = t;
	return 0;

fail_threads:
	/* The workers started so far wait for the go: tell them to leave. */
	pthread_mutex_lock(&t->lock);
	t->state = 2;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	for (i = 0; i < t->started; i++)
		pthread_join(t->tids[i], NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
fail_alloc:
	free(t->cpus);
	free(t->tids);
	free(t);
	return rc;
}

int tkp_team_run(tkp_team *t, tkp_team_fn fn, void *arg)
{
	if (!t || !fn)
		return TKP_EINVAL;
	t->fn = fn;
	t->arg = arg;
	pthread_barrier_wait(&t->start);
	pthread_barrier_wait(&t->done);
	return 0;
}

int tkp_team_size(const tkp_team *t)
{
	return t ? t->n : 0;
}

int tkp_team_pinned(const tkp_team *t)
{
	/* Stable once tkp_team_open's first job has run. */
	return t && t->cpus && t->pinned_count == t->n;
}

void tkp_team_close(tkp_team *t)
{
	int i;

	if (!t)
		return;
	t->quit = 1;
	pthread_barrier_wait(&t->start);
	for (i = 0; i < t->n; i++)
		pthread_join(t->tids[i], NULL);
	pthread_barrier_destroy(&t->done);
	pthread_barrier_destroy(&t->start);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t->cpus);
	free(t->tids);
	free(t);
}
