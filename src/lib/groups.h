/*
 * groups.h - the counter group files (profiles/groups/NAME.ini): one
 * [section] per metric, the events to try in order, and a description.
 * Parsed with inih; every error names FILE:LINE.  Also the few text helpers
 * the counter layer's files share (appending, splitting lists).
 */
#ifndef TKP_GROUPS_H
#define TKP_GROUPS_H

#include <limits.h>
#include <stddef.h>

#include "tkprofile.h"

#define TKP_CTR_NAME_LEN 256
#define TKP_CTR_TEXT_LEN 768
#define TKP_CTR_LIST_LEN 1536
#define TKP_CTR_GROUP_LEN 64

/* The events keys of a group section: index 0 is `events`, 1 and 2 the
 * dtype-specific lists (TKP_F32 + 1, TKP_F64 + 1); 3, 4 and 5 the same for
 * raw encodings (`raw`, `raw_f32`, `raw_f64`), tried only when no named
 * event of the slot can be counted. */
#define TKP_GROUPS_NKEYS 6
#define TKP_GROUPS_RAW 3
extern const char *const tkp_groups_ev_keys[TKP_GROUPS_NKEYS];

/* One metric's definition in a group file. */
typedef struct tkp_gdef {
	int defined;
	char group[TKP_CTR_GROUP_LEN];
	char file[PATH_MAX];
	int line;
	char desc[256];
	char ev[TKP_GROUPS_NKEYS][TKP_CTR_LIST_LEN];
} tkp_gdef;

/* Where the group files are when the caller does not say:
 * $TKP_DATADIR/profiles/groups, the installed pkgdatadir's, the source
 * tree's; NULL when none exists.  buf is used. */
const char *tkp_groups_default_dir(char *buf, size_t len);

/*
 * Reads the selected group files of dir (groups: comma-separated names in
 * priority order; NULL or "": every *.ini by name) into def[] (the first
 * group that defines a metric wins).  0, or TKP_ENOENT (no directory,
 * unknown group: why suggests the nearest), TKP_EPARSE ("FILE:LINE: what"),
 * TKP_EIO, TKP_ENOMEM with why.
 */
int tkp_groups_load(const char *dir, const char *groups, tkp_gdef def[TKP_M_COUNT], char *why,
		    size_t whylen);

/* The metric index of a metric name ("l1_dcm"), or -1. */
int tkp_groups_metric_index(const char *name);

/* An event name: letters, digits and _ : . = - / @ (PAPI presets,
 * libpfm4 "pmu::EVENT:UMASK:mod=1", component events "sde:::lib::name";
 * + and * make weighted sums); 0 with *bad the first other character
 * (unchanged for ""). */
int tkp_groups_event_name_ok(const char *s, char *bad);

/* ---- candidates: weighted sums and raw encodings --------------------- */

/*
 * A candidate of an events list is one event ("PAPI_TOT_CYC") or a weighted
 * sum, every term NAME*WEIGHT ("skx::FP_ARITH_INST_RETIRED:SCALAR_DOUBLE*1
 * + skx::FP_ARITH_INST_RETIRED:128B_PACKED_DOUBLE*2"): the metric is the
 * sum of each event's count times its weight.  A raw candidate names the
 * CPUs it is valid for, then its terms as perf_event raw configs in hex:
 * "AMD 1Ah 00-4F 60-7F: r8f03*1 + raf03*1" (vendor AMD or Intel, family in
 * hex with h, model ranges in hex; no ranges: every model of the family).
 */
#define TKP_GROUPS_MAX_TERMS 8

typedef struct tkp_gterm {
	char name[TKP_CTR_NAME_LEN]; /* as PAPI takes it; raw: "perf_raw::r8f03" */
	double weight;               /* 1 for a lone event */
	unsigned long long config;   /* raw terms: the perf_event config */
} tkp_gterm;

typedef struct tkp_gcand {
	char text[TKP_CTR_TEXT_LEN]; /* as written in the group file */
	int raw;                     /* 1: raw encodings (text starts with the CPU) */
	char vendor[16];             /* raw: the CPU it is valid for */
	int family;
	int nrange;                  /* raw: model ranges; 0: every model */
	int lo[8], hi[8];
	int nterm;
	tkp_gterm term[TKP_GROUPS_MAX_TERMS];
} tkp_gcand;

/* The CPU raw candidates are matched against. */
typedef struct tkp_cpu_id {
	char vendor[16]; /* "AMD", "Intel", or "" when unknown */
	int family, model;
} tkp_cpu_id;

/* Fills *id from a CPUID vendor string ("AuthenticAMD", "GenuineIntel")
 * and the display family and model. */
void tkp_cpu_id_set(tkp_cpu_id *id, const char *vendor_string, int family, int model);

/* Parses candidate s (raw: an entry of a raw list) into *out; 0, or -1
 * with err saying what is wrong ("weight 'x' of NAME: expected ..."). */
int tkp_groups_parse_cand(const char *s, int raw, tkp_gcand *out, char *err, size_t errlen);

/* 1 when raw candidate *c is valid on cpu (vendor, family, model range). */
int tkp_groups_raw_matches(const tkp_gcand *c, const tkp_cpu_id *cpu);

/* Tries one candidate: 0 when it is chosen (the search stops), else not. */
typedef int (*tkp_groups_try_fn)(const tkp_gcand *c, void *arg);

/*
 * Offers a slot's candidates (cand[TKP_GROUPS_NKEYS], the lists of a
 * tkp_gdef) to try, in order: the dtype's list (dtype TKP_F32/TKP_F64,
 * or -1), `events`, then, only when none of those was chosen, the raw
 * entries valid on cpu (the dtype's raw list first); raw entries for
 * other CPUs are never offered (cpu NULL: none are).  Returns 1 when a
 * candidate was chosen, 0 when none was; *skipped (may be NULL) counts
 * the raw entries passed over as meant for another CPU.
 */
int tkp_groups_choose(char cand[TKP_GROUPS_NKEYS][TKP_CTR_LIST_LEN], int dtype, const tkp_cpu_id *cpu,
		      tkp_groups_try_fn try_fn, void *arg, int *skipped);

/* ---- text helpers of the counter layer ------------------------------- */

/* Appends to buf (NUL-terminated, of size len), truncating. */
void tkp_ctr_cat(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Splits a comma-separated list in place; returns the number of tokens
 * (trimmed, empty ones kept as "" so callers can reject them), at most max. */
int tkp_ctr_split_list(char *s, char **tok, int max);

#endif
