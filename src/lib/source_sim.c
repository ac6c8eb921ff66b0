/*
 * source_sim.c - the sim counter source: valgrind's cache simulation
 * (sim.c) behind the counter interface.  It counts each configuration
 * apart, out of this process, after its timed runs: the tkprofile binary
 * replays it as a child (`run --sim-child`) under callgrind.  It counts
 * instructions and the L1, L2 and L3 misses; cycles and FLOPs are not
 * simulated.  Counts are deterministic, so a repeated configuration may
 * take the counts of its first simulation.
 */
#include "config.h"

#include <string.h>

#include "counters.h"
#include "sim.h"
#include "source.h"
#include "util.h"

static int sim_plan(tkp_counters *c, const tkp_counters_opts *o, char *why, size_t whylen)
{
	tkp_sim *s = NULL;
	int rc, i;

	rc = tkp_sim_open(&s, &o->sim, NULL, why, whylen);
	/* valgrind missing or broken, or no binary to replay: the source is
	 * unavailable here (a usage problem, not a failed run) */
	if (rc == TKP_ENOTSUP || rc == TKP_EINVAL)
		return TKP_ENOTSUP;
	if (rc)
		return rc;
	c->priv = s;
	for (i = 0; i < c->nslots; i++) {
		struct tkp_ctr_slot *sl = &c->slot[i];

		if (sl->metric == TKP_M_CYCLES || sl->metric == TKP_M_FP_OPS || sl->metric < 0) {
			tkp_strlcpy(sl->why, "not simulated (valgrind's cache simulation counts instructions "
					     "and cache misses)", sizeof sl->why);
			continue;
		}
		sl->countable = 1;
		tkp_strlcpy(sl->event, "callgrind", sizeof sl->event);
	}
	tkp_ctr_summarise(c, NULL, NULL);
	return 0;
}

static int sim_count(tkp_counters *c, const tkp_counters_job *j, tkp_result *r, char *why,
		     size_t whylen)
{
	return tkp_sim_run(c->priv, j->kernel, j->dtype, j->m, j->n, j->k, j->block, j->threads,
			   j->seed, r, why, whylen);
}

static void sim_about(const tkp_counters *c, tkp_counters_about *a)
{
	const tkp_sim_geometry *g = tkp_sim_geometry_of(c->priv);
	char c1[64], c2[64], c3[64];

	a->repeatable = 1;
	a->adjective = "simulated";
	a->gerund = "simulating";
	a->runner = "valgrind";
	tkp_fmt(a->tool, sizeof a->tool, "%s callgrind", tkp_sim_version(c->priv));
	tkp_sim_cache_text(&g->d1, c1, sizeof c1);
	tkp_sim_cache_text(&g->l2, c2, sizeof c2);
	tkp_sim_cache_text(&g->l3, c3, sizeof c3);
	tkp_fmt(a->model, sizeof a->model, "L1d %s, L2 %s, L3 %s", c1, c2, c3);
	tkp_strlcpy(a->note, g->note, sizeof a->note);
}

static void sim_close(tkp_counters *c)
{
	tkp_sim_close(c->priv);
	c->priv = NULL;
}

const tkp_source_ops tkp_source_sim = {
	.name = "sim",
	.id = TKP_SRC_SIM,
	.groups = 0,
	.plan = sim_plan,
	.count = sim_count,
	.about = sim_about,
	.close = sim_close,
};

void tkp_counters_sim_sample(tkp_counters *c, int on)
{
	if (c && c->ops == &tkp_source_sim)
		tkp_sim_set_sample(c->priv, on);
}

int tkp_counters_sim_cmd(tkp_counters *c, const char *toggle, char *const args[],
			 double vals[TKP_M_COUNT], char *why, size_t whylen)
{
	if (!c || c->ops != &tkp_source_sim)
		return TKP_ENOTSUP;
	return tkp_sim_run_cmd(c->priv, toggle, args, vals, why, whylen);
}
