/*
 * source.h - the counter sources behind the one counter interface
 * (counters.h), as Redis's ae has one ops table and one file per backend.
 *
 * A counter set (tkp_counters) is a list of slots, the metrics or events
 * asked for, each saying whether it can be counted and if not why and what
 * would fix it; and the source that counts them.  A source is one row of
 * the registry (counters.c): its name and its operations.
 *
 *   plan   decides what can be counted (slot by slot, with why and fix)
 *          and packs the countable slots into passes; it may open what the
 *          source needs (PAPI event sets, valgrind's working directory).
 *   start, stop, read
 *          count in this process, one pass at a time (papi).  stop and read
 *          leave the raw counts in the pass's raw[]; counters.c turns them
 *          into metric or slot values, once for every source.
 *   count  counts one whole configuration apart, out of this process,
 *          after its timed runs (sim: the configuration replayed under
 *          valgrind).  A source has either start/stop/read or count.
 *   about  says what the source is, for headers and tables.
 *   close  frees what plan opened.
 *
 * Machine-level questions (version, components, status) are operations too,
 * so that a build without PAPI answers them from the registry's reason why
 * PAPI is absent, without a stub copy of the PAPI source.
 */
#ifndef TKP_SOURCE_H
#define TKP_SOURCE_H

#include <pthread.h>
#include <stdint.h>

#include "counters.h"
#include "groups.h"

#define TKP_CTR_MAX_EV (TKP_COUNTERS_MAX_SLOTS + 1)

struct tkp_ctr_slot {
	char name[TKP_CTR_NAME_LEN];
	int metric;
	char group[TKP_CTR_GROUP_LEN];
	char desc[256];
	char cand[TKP_GROUPS_NKEYS][TKP_CTR_LIST_LEN]; /* candidate lists, as in the group file */
	char event[TKP_CTR_NAME_LEN];
	char tried[TKP_CTR_LIST_LEN];
	int code;                              /* the first term's event */
	int nterm;                             /* events summed (weighted sum: > 1) */
	int codes[TKP_GROUPS_MAX_TERMS];
	double weights[TKP_GROUPS_MAX_TERMS];
	int raw;                               /* 1: a raw encoding was chosen */
	char encoding[TKP_CTR_TEXT_LEN];       /* what the chosen event encodes to ("" unknown) */
	int cidx;
	int countable;
	int pass;
	char why[TKP_CTR_TEXT_LEN * 2];
	char cause[TKP_CTR_TEXT_LEN]; /* why, less the event names, when one cause */
	char fix[TKP_CTR_TEXT_LEN];
};

struct tkp_ctr_pass {
	int es;                     /* the source's handle (a PAPI event set) */
	int cidx;                   /* its component */
	int n;                      /* events in it */
	int slot[TKP_CTR_MAX_EV];   /* slot of each event */
	int home[TKP_CTR_MAX_EV];   /* 1: the slot's counts come from this event */
	double weight[TKP_CTR_MAX_EV]; /* its weight in the slot's sum (1 but for sums) */
	int ref_pos;                /* position of the reference event; -1 */
	int inherit;                /* 1: PAPI_INHERIT set; 0: process-wide component */
	double last_ref;
	long long raw[TKP_CTR_MAX_EV];
};

typedef struct tkp_source_ops tkp_source_ops;

struct tkp_counters {
	const tkp_source_ops *ops;
	void *priv; /* the source's own state */
	tkp_counter_mode mode;
	int events_mode;
	int max_per_pass;
	int ref_slot;
	size_t max_size; /* apart sources: the largest dimension counted; 0: any */
	int nslots;
	struct tkp_ctr_slot slot[TKP_COUNTERS_MAX_SLOTS];
	int npass;
	struct tkp_ctr_pass pass[TKP_COUNTERS_MAX_PASSES];
	int running; /* pass running, or -1 */
	pthread_t owner;
	char why[4096];
	char fix[TKP_CTR_TEXT_LEN];
	char err[TKP_CTR_TEXT_LEN];
};

struct tkp_source_ops {
	const char *name;      /* as in --counters: "papi", "sim", "none" */
	tkp_counter_source id; /* what rows counted by it say */
	int groups;            /* 1: its slots come from the group files */
	int (*plan)(tkp_counters *c, const tkp_counters_opts *o, char *why, size_t whylen);
	int (*start)(tkp_counters *c, int pass);
	int (*stop)(tkp_counters *c, int pass);
	int (*read)(tkp_counters *c, int pass);
	int (*count)(tkp_counters *c, const tkp_counters_job *j, tkp_result *r, char *why,
		     size_t whylen);
	void (*about)(const tkp_counters *c, tkp_counters_about *a);
	void (*close)(tkp_counters *c);
	/* the machine, for `tkprofile counters` and machine.json */
	int (*version)(char *buf, size_t len);
	int (*component)(int i, char *name, size_t nlen, char *status, size_t slen);
	void (*machine_status)(char *buf, size_t len);
};

/* The sources (source_<name>.c).  papi is compiled only with PAPI. */
extern const tkp_source_ops tkp_source_papi;
extern const tkp_source_ops tkp_source_sim;
extern const tkp_source_ops tkp_source_none;

/*
 * The registry: the source of that name, or NULL when unknown or absent
 * from this build.  *why and *fix (when not NULL) get, for an absent one,
 * why and how to get it; NULL for an unknown name; "" for a present one.
 */
const tkp_source_ops *tkp_source_find(const char *name, const char **why, const char **fix);

/* ---- shared by the sources (counters.c) -------------------------------- */

/* Every slot without a reason yet: not counted, for this reason. */
void tkp_ctr_slots_all_why(tkp_counters *c, const char *why, const char *fix);
/* c->why and c->fix from the slots ("" when all are counted); common_why,
 * when every slot failed, says it once instead of per slot. */
void tkp_ctr_summarise(tkp_counters *c, const char *common_why, const char *common_fix);

#endif
