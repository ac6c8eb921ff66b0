/*
 * suggest.h - "did you mean" for names typed by people: the nearest of the
 * names seen, by case-insensitive edit distance, when close enough to be a
 * typo (group names, metric names, keys of group files, event names).
 */
#ifndef TKP_SUGGEST_H
#define TKP_SUGGEST_H

#include <stddef.h>

#include "groups.h"

/* The nearest name seen so far. */
typedef struct tkp_nearest {
	const char *want;
	char best[TKP_CTR_NAME_LEN];
	int dist;
} tkp_nearest;

void tkp_nearest_init(tkp_nearest *n, const char *want);
/* Considers cand (NULL, "" and want itself are ignored). */
void tkp_nearest_try(tkp_nearest *n, const char *cand);
/* " (did you mean 'X'?)" when X is close enough to be a typo, else "";
 * returns buf. */
const char *tkp_nearest_hint(const tkp_nearest *n, char *buf, size_t len);
/* Considers every event the default group files list (a source adds the
 * names it knows itself). */
void tkp_nearest_try_group_events(tkp_nearest *n);

#endif
