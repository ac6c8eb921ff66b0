/*
 * bigpages.c - large arrays on 2 MB pages where the system grants them
 * (and, for the probe's bandwidth loops, 2 MB aligned on ordinary pages).
 *
 * Why: on the Zen 5 VM of issue 19, the host goes through spells in which
 * a TLB miss costs far more than usual (nested paging: a miss walks the
 * guest's page tables and the host's).  In those spells a 2048³ f64 GEMM
 * whose operands sat on 4 KB pages ran 20-35% slower and swung from call
 * to call, the tuned kernel (65-106 GFLOP/s) and OpenBLAS (62-91) alike,
 * while the same calls on operands on 2 MB pages, interleaved in the same
 * process, held steady (tuned 105-106, OpenBLAS 90-92).  Each of A, B and
 * C on big pages helped on its own; only all three removed the swings.
 *
 * Huge pages come only from memory that has not been touched yet: THP in
 * `madvise` mode (Debian's default) never backs heap memory that malloc
 * already faulted in 4 KB pages, and madvise does not change pages that
 * exist.  So every array here is a fresh anonymous mapping, trimmed to a
 * 2 MB boundary and advised before its first touch.  Where THP is off or
 * memory is fragmented the kernel falls back to 4 KB pages silently: the
 * arrays work either way, only the TLB reach differs.
 */
#include "config.h"

#include "bigpages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Operands from this size up go on big pages: 4 MB outgrows the first
 * level of the TLB many times over, and rounding up to 2 MB adds at most
 * half of it to what the process holds. */
enum { OPERAND_MIN = 4 << 20 };

#ifdef MAP_POPULATE
#define POPULATE MAP_POPULATE
#else
#define POPULATE 0
#endif

static size_t round_big(size_t bytes)
{
	return (bytes + TKP_BIGPAGE - 1) & ~(TKP_BIGPAGE - 1);
}

void *tkp_bigpages_alloc(size_t bytes, int huge)
{
	char *p, *a;
	size_t lead;

	if (bytes == 0 || bytes > SIZE_MAX - 2 * TKP_BIGPAGE)
		return NULL;
	bytes = round_big(bytes);
	/* One granule more than asked, so that an aligned start fits.
	 * Without huge pages the kernel faults everything in at once
	 * (MAP_POPULATE: several times faster than touching 4 KB pages one
	 * by one, and done by the calling thread, so the pages are its
	 * node's); huge pages must be asked for before the first fault. */
	p = mmap(NULL, bytes + TKP_BIGPAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | (huge ? 0 : POPULATE), -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + TKP_BIGPAGE - 1) & ~(uintptr_t)(TKP_BIGPAGE - 1));
	lead = (size_t)(a - p);
	if (lead)
		munmap(p, lead);
	munmap(a + bytes, TKP_BIGPAGE - lead);
#ifdef MADV_HUGEPAGE
	if (huge)
		(void)madvise(a, bytes, MADV_HUGEPAGE);
#endif
	return a;
}

void tkp_bigpages_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, round_big(bytes));
}

int tkp_bigpages_operands(void)
{
	const char *env = getenv("TKP_OPERAND_PAGES");

	return !(env && !strcmp(env, "4k"));
}

int tkp_bigpages_worth(size_t bytes)
{
	return bytes >= OPERAND_MIN;
}
