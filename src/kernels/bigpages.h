/*
 * bigpages.h - large arrays on 2 MB pages where the system grants them:
 * the tuned kernel's packing arena, the operands measure.c and
 * bench/gemm allocate (see bigpages.c for why) and the probe's working
 * sets.
 */
#ifndef TKP_BIGPAGES_H
#define TKP_BIGPAGES_H

#include <stddef.h>

/* The granule: mappings are aligned to it and sized in multiples of it. */
#define TKP_BIGPAGE ((size_t)2 << 20)

/* A fresh zero-filled mapping of at least bytes (> 0), TKP_BIGPAGE
 * aligned.  huge: transparent huge pages advised, no page touched yet
 * (touch them from the thread that will use them); else ordinary 4 KB
 * pages, faulted in now by the calling thread.  NULL when it cannot be
 * mapped. */
void *tkp_bigpages_alloc(size_t bytes, int huge);

/* Unmaps what tkp_bigpages_alloc(bytes, ...) returned (NULL: nothing). */
void tkp_bigpages_free(void *p, size_t bytes);

/* Whether operands go on big pages at all: not where TKP_OPERAND_PAGES=4k
 * in the environment asks for 4 KB pages (to compare).  Read it once per
 * set of operands, so that each is freed as it was allocated. */
int tkp_bigpages_operands(void);

/* Whether an operand of bytes is large enough to gain from big pages. */
int tkp_bigpages_worth(size_t bytes);

#endif
