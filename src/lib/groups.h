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
 * dtype-specific lists (TKP_F32 + 1, TKP_F64 + 1). */
extern const char *const tkp_groups_ev_keys[3];

/* One metric's definition in a group file. */
typedef struct tkp_gdef {
	int defined;
	char group[TKP_CTR_GROUP_LEN];
	char file[PATH_MAX];
	int line;
	char desc[256];
	char ev[3][TKP_CTR_LIST_LEN];
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

/* An event name: letters, digits and _ : . = + - / @ (PAPI presets,
 * libpfm4 "pmu::EVENT:UMASK:mod=1", component events "sde:::lib::name");
 * 0 with *bad the first other character (unchanged for ""). */
int tkp_groups_event_name_ok(const char *s, char *bad);

/* ---- text helpers of the counter layer ------------------------------- */

/* Appends to buf (NUL-terminated, of size len), truncating. */
void tkp_ctr_cat(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Splits a comma-separated list in place; returns the number of tokens
 * (trimmed, empty ones kept as "" so callers can reject them), at most max. */
int tkp_ctr_split_list(char *s, char **tok, int max);

#endif
