/*
 * counters.h - private side of the counter layer (the public calls are in
 * tkprofile.h: tkp_counters_open/close/passes/why/start/stop).
 *
 * A counter set is a list of slots.  Opened from group files (the public
 * tkp_counters_open), the slots are the six metrics in tkp_metric order,
 * each with the events its group lists; opened from an explicit event list
 * (tkp_counters_open_events, `tkprofile counters --events`), each slot is
 * one requested event.  Every slot records the event chosen on this
 * machine, whether it can be counted, and if not why and what would fix
 * it.  Countable slots are packed into passes (PAPI event sets): events
 * that PAPI refuses to put in one set (PAPI_ECNFLCT, PAPI_ENOCNTR, another
 * component, or the max_per_pass knob) go to the next pass.  No
 * multiplexing, no scaling.  A reference event (cycles in metric mode) is
 * added to every pass when it fits, so the caller can check that the runs
 * of different passes agree; it is attributed to its first pass only, so
 * summing passes never counts it twice.
 *
 * Threads: every pass is created with PAPI_INHERIT, so the counts include
 * the threads the measured thread creates after tkp_counters_start (the
 * kernel folds a child's counts into the parent's counter, live children
 * included when it is read).  Threads that existed before start (thread
 * pools created earlier) are NOT counted.  Components that cannot inherit
 * (PAPI's SDE: software counters that are process-wide already) are used
 * without it; tkp_counters_inherits() says which.
 *
 * start/stop/read must be called on the thread that called start.
 *
 * Sources: a counter set counts through one source of the registry
 * (source.h): papi (in process, by passes, as above), sim (valgrind's cache
 * simulation: each configuration counted apart, out of process, with
 * tkp_counters_count) or none (nothing, saying why).  Callers use the same
 * calls for all three: measure the configuration with the set (a source
 * without passes counts nothing there), then tkp_counters_count it (a
 * source that counted in process does nothing there).
 */
#ifndef TKP_COUNTERS_H
#define TKP_COUNTERS_H

#include <stddef.h>

#include "sim.h"
#include "tkprofile.h"

/* Limits of one counter set. */
#define TKP_COUNTERS_MAX_SLOTS 32
#define TKP_COUNTERS_MAX_PASSES 16

/* PAPI's version string ("7.0.0.0") into buf; TKP_ENOTSUP when built
 * without PAPI. */
int tkp_counters_papi_version(char *buf, size_t len);

/* The source the values of this counter set come from (NONE when it counts
 * nothing). */
tkp_counter_source tkp_counters_source(const tkp_counters *c);

/* Which metrics are counted (1) or not (0). */
int tkp_counters_has(const tkp_counters *c, int metric);

/* ---- opening with options --------------------------------------------- */

typedef struct tkp_counters_opts {
	tkp_counter_mode mode;
	/* Directory of group files (*.ini).  NULL: $TKP_DATADIR/profiles/groups,
	 * else the installed pkgdatadir's, else the source tree's. */
	const char *groups_dir;
	/* Comma-separated group names (file names without .ini), in priority
	 * order; NULL or "": every group file in the directory, by name. */
	const char *groups;
	/* Comma-separated event names: when set, the slots are these events
	 * and no group file is read. */
	const char *events;
	/* -1, or TKP_F32/TKP_F64: metrics whose group gives events_f32 or
	 * events_f64 try that list before `events` (e.g. Intel's PAPI_SP_OPS
	 * versus PAPI_DP_OPS). */
	int dtype;
	/* At most this many events per pass (0: as many as PAPI accepts).
	 * Forces splits; the tests use it to exercise passes. */
	int max_per_pass;
	/* Events mode only: index of the event repeated in every pass as the
	 * reference (-1: none).  Metric mode always uses cycles. */
	int ref;
	/* The source by name ("papi", "sim", "none"); NULL: none for mode
	 * NONE, else papi (none, saying why, in a build without PAPI). */
	const char *source;
	/* A source to open instead when the first counts nothing ("sim" for
	 * --counters auto,sim); NULL: none. */
	const char *fallback;
	/* sim: how to run the simulations (exe required). */
	tkp_sim_opts sim;
	/* Sources that count configurations apart: the largest dimension
	 * they count (0: any); larger ones are left uncounted. */
	size_t max_size;
} tkp_counters_opts;

/* mode AUTO, default groups dir, all groups, dtype -1, no limits, ref -1. */
void tkp_counters_opts_init(tkp_counters_opts *o);

/*
 * Opens a counter set as tkp_counters_open does, with options.  Returns 0,
 * TKP_ENOMEM, TKP_EPARSE (malformed group file: why is "FILE:LINE: what"),
 * TKP_ENOENT (no groups directory, unknown group, or an event name PAPI does
 * not know: why names it and suggests the nearest known name), TKP_EINVAL,
 * or TKP_ECOUNTERS (mode PAPI and nothing can be counted: why says why).
 */
int tkp_counters_open_opts(tkp_counters **out, const tkp_counters_opts *o, char *why,
			   size_t whylen);

/* Shorthand: a counter set for an explicit comma-separated event list. */
int tkp_counters_open_events(tkp_counters **out, tkp_counter_mode mode, const char *events,
			     int max_per_pass, char *why, size_t whylen);

/* ---- counting a configuration apart --------------------------------- */

/* One configuration, as measured. */
typedef struct tkp_counters_job {
	const tkp_kernel *kernel;
	tkp_dtype dtype;
	size_t m, n, k;
	int block, threads;
	uint64_t seed;
} tkp_counters_job;

/* 1 when c counts configuration j apart with tkp_counters_count (an
 * out-of-process source, j within its max_size); 0 otherwise. */
int tkp_counters_apart(const tkp_counters *c, const tkp_counters_job *j);

/*
 * Counts configuration j apart and writes the counted metrics into
 * r->counters (the others NAN), r->counter_source and ai_dram; timing and
 * model columns are left alone.  Does nothing and returns 0 when
 * tkp_counters_apart() is 0 (in-process sources counted during the timed
 * runs).  TKP_ECOUNTERS with why when counting failed, TKP_EINTR when
 * stopped; r is then untouched.
 */
int tkp_counters_count(tkp_counters *c, const tkp_counters_job *j, tkp_result *r, char *why,
		       size_t whylen);

/* Sources that simulate (sim): sample large configurations (on = 1, the
 * default) or simulate them whole (0).  Others: nothing. */
void tkp_counters_sim_sample(tkp_counters *c, int on);

/* Sources that simulate (sim): runs `exe args...` (this program) apart,
 * counting only the function toggle (tkp_sim_run_cmd), into vals.
 * TKP_ENOTSUP for other sources. */
int tkp_counters_sim_cmd(tkp_counters *c, const char *toggle, char *const args[],
			 double vals[TKP_M_COUNT], char *why, size_t whylen);

/* What a counter set's source is, for headers and tables. */
typedef struct tkp_counters_about {
	const char *source;    /* its name: "papi", "sim", "none" */
	int counts;            /* 1 when it counts something */
	int apart;             /* 1 when it counts configurations apart (after the timed runs) */
	int repeatable;        /* 1 when counting a configuration again gives the same counts */
	size_t max_size;       /* apart: the largest dimension counted; 0: any */
	const char *adjective; /* how rows it counted are labelled ("simulated"); "" */
	const char *gerund;    /* what counting apart is called ("simulating"); "" */
	const char *runner;    /* the program that counts apart ("valgrind"); "" */
	char tool[128];        /* the tool and version ("valgrind-3.19.0 callgrind"); "" */
	char model[256];       /* what is modelled ("L1d 48 KiB 12-way, L2 ..., L3 ..."); "" */
	char note[512];        /* what was assumed or rounded; "" */
	int off;               /* 1: counting was turned off on request (mode none) */
} tkp_counters_about;

/* Fills *a for c (c NULL: as for mode none). */
void tkp_counters_about_get(const tkp_counters *c, tkp_counters_about *a);

/* ---- what was chosen, and why not ------------------------------------- */

typedef struct tkp_counter_slot {
	const char *name;  /* metric name ("l1_dcm") or the event as requested */
	int metric;        /* TKP_M_*, or -1 in events mode */
	const char *group; /* group file (name without .ini) it came from; "" */
	const char *desc;  /* the group's description; "" */
	const char *event; /* the event chosen on this machine; "" when none */
	const char *tried; /* the events tried, comma-separated */
	int countable;
	int pass;          /* pass that counts it; -1 */
	const char *why;   /* why it cannot be counted; "" when countable */
	const char *cause; /* why, without the names of the events tried when
			    * they all failed for one reason (for grouping) */
	const char *fix;   /* what would fix it; "" when nothing obvious */
	const char *encoding; /* what the event chosen encodes to ("type=4 config=0x1c7",
			       * per term for sums); "" when none or unknown */
	int raw;           /* 1: the event chosen is a raw encoding (last resort) */
} tkp_counter_slot;

int tkp_counters_nslots(const tkp_counters *c);
/* Slot i (pointers stay valid until tkp_counters_close); TKP_ENOENT past
 * the end. */
int tkp_counters_slot(const tkp_counters *c, int i, tkp_counter_slot *out);
/* The fix for tkp_counters_why()'s reason ("" when none); the why text
 * already ends with it, this is for callers that print it apart. */
const char *tkp_counters_fix(const tkp_counters *c);
/* Number of events in pass p (the reference copy included); -1 if no
 * such pass. */
int tkp_counters_pass_size(const tkp_counters *c, int pass);
/* 1 if pass p was created with PAPI_INHERIT (worker threads counted by
 * the kernel), 0 if its component counts process-wide and cannot inherit,
 * -1 if no such pass. */
int tkp_counters_inherits(const tkp_counters *c, int pass);

/* ---- counting, slot by slot ------------------------------------------- */

/* Like tkp_counters_stop, in slot space: adds the counts of the slots whose
 * home is pass p into vals[nslots] (a NAN cell becomes the count). */
int tkp_counters_stop_slots(tkp_counters *c, int pass, double *vals);
/* While pass p runs: the counts since start, written (not added) into the
 * cells of the slots of pass p; metric space and slot space. */
int tkp_counters_read(tkp_counters *c, int pass, double *values);
int tkp_counters_read_slots(tkp_counters *c, int pass, double *vals);
/* The reference event's count in the last stop of pass p; NAN when the
 * pass has no reference or has not been stopped. */
double tkp_counters_pass_ref(const tkp_counters *c, int pass);
/* TKP_CF_PASSES_DISAGREE when the last stops of the passes' reference
 * counts differ by more than tol (0.10 = 10%) of the smallest; else 0
 * (also when fewer than two passes have a reference). */
int tkp_counters_check_passes(const tkp_counters *c, double tol);
/* Text of the last start/stop/read failure of c ("" when none). */
const char *tkp_counters_last_error(const tkp_counters *c);

/* ---- the machine ------------------------------------------------------- */

/*
 * Component i of PAPI (0-based): its name and a status line ("enabled",
 * "disabled: <PAPI's disabled reason>").  TKP_ENOENT past the last,
 * TKP_ENOTSUP without PAPI, TKP_ECOUNTERS when PAPI failed to initialise
 * (status then says why).
 */
int tkp_counters_component(int i, char *name, size_t nlen, char *status, size_t slen);
/* One line on the state of hardware counters on this machine, for
 * machine.json and sweep headers: "available" or the reason and fix. */
void tkp_counters_machine_status(char *buf, size_t len);
/* kernel.perf_event_paranoid, or -100 when it cannot be read. */
int tkp_counters_paranoid(void);

#endif
