/*
 * check.h - the counter check (`tkprofile counters --check`): known-answer
 * micro-kernels run under the counter set a sweep would use, each count
 * compared with what the kernel must produce, and a verdict per metric.
 *
 * A check is a list of items.  An item is one kernel run (instructions,
 * a dependent add chain for cycles, an FP loop of one dtype, width and
 * operation, or a line walk over a buffer sized from the machine's
 * caches) and the one metric it checks, with the count expected by
 * construction and a tolerance.  The measured count gives the ratio and
 * the verdict: pass, off (with what the deviation means, in words), not
 * counted (the source cannot count that metric: not a failure) or skipped
 * (the kernel cannot run here: no AVX-512, too little memory).
 *
 * Counting: an in-process source (papi) runs each kernel after a warm-up,
 * between start and stop of the pass that counts the item's metric; a source that counts apart
 * (sim) runs each item in a child, `tkprofile counters --check-child
 * SPEC`, under valgrind, collecting only tkp_check_counted.
 */
#ifndef TKP_CHECK_H
#define TKP_CHECK_H

#include <stddef.h>

#include "counters.h"
#include "machine.h"

#define TKP_CHECK_MAX_ITEMS 40
/* Operations in the body of each assembly loop (check_kernels.c). */
#define TKP_CHECK_BODY 8

typedef enum tkp_check_kind {
	TKP_CHK_INS = 0, /* instructions: a fixed-body loop */
	TKP_CHK_CHAIN,   /* cycles: a chain of dependent integer adds */
	TKP_CHK_FP,      /* FLOPs: dbits, width, fma */
	TKP_CHK_WALK     /* cache misses: a line walk over bytes, rounds times */
} tkp_check_kind;

typedef enum tkp_check_verdict {
	TKP_CHECK_NONE = 0,   /* not run yet */
	TKP_CHECK_PASS,
	TKP_CHECK_OFF,        /* counted, and wrong */
	TKP_CHECK_NOTCOUNTED, /* the source cannot count this metric */
	TKP_CHECK_SKIPPED     /* the kernel cannot run here */
} tkp_check_verdict;

typedef struct tkp_check_item {
	char name[48];    /* "f64 256-bit fma", "L2 stream 16 MiB" */
	int metric;       /* TKP_M_* checked */
	tkp_check_kind kind;
	int dbits, width, fma; /* FP: 32 or 64; 0 (scalar), 128, 256, 512 */
	size_t bytes;     /* WALK: the buffer */
	int line;         /* WALK: line size */
	long iters;       /* loop iterations, or WALK rounds */
	double expected;  /* by construction; 0: about none */
	double accesses;  /* WALK: lines read in the counted run */
	double tol;       /* relative; for expected 0, a share of accesses */
	double measured;  /* NAN: not counted */
	double ratio;     /* NAN when expected is 0 or nothing measured */
	double tsc;       /* CHAIN: TSC ticks of the counted run (0: unknown) */
	tkp_check_verdict verdict;
	char meaning[256]; /* off: what it means; not counted/skipped: why */
} tkp_check_item;

typedef struct tkp_check {
	int quick;
	int n;
	tkp_check_item item[TKP_CHECK_MAX_ITEMS];
	/* per metric: the worst verdict of its items (NONE: no item) */
	tkp_check_verdict metric[TKP_M_COUNT];
	char metric_why[TKP_M_COUNT][256]; /* off: the first off item's meaning */
} tkp_check;

/*
 * The items for machine m (cache sizes and line from it; defaults where it
 * says nothing).  quick: the short form run before a sweep (under 2 s on
 * a CPU).  sim: sized for the simulator (exact LRU: buffers twice the
 * cache, not four times, and no AVX-512, which valgrind cannot run).
 * mem_limit: the largest buffer allowed (0: no limit); larger ones are
 * skipped, saying so.
 */
void tkp_check_plan(tkp_check *ck, const tkp_machine *m, int quick, int sim, size_t mem_limit);

/*
 * Runs every item of ck with counter set c and judges it (tkp_check_judge),
 * then the per-metric verdicts.  An in-process source runs the kernels
 * here; one that counts apart runs them in children (the sim source:
 * exe is then this program, run as `exe counters --check-child SPEC`).
 * hook, when set, is called instead of each kernel (between start and
 * stop), so tests can feed known counts (software-defined events).
 * Returns 0, TKP_ECOUNTERS (why says what failed), TKP_ENOMEM, TKP_EINTR.
 */
typedef void (*tkp_check_hook)(const tkp_check_item *it, void *arg);
int tkp_check_run(tkp_check *ck, tkp_counters *c, tkp_check_hook hook, void *arg, char *why,
		  size_t whylen);

/* Verdict and meaning of one item from expected and measured (NAN:
 * not counted, with meaning the reason to keep). */
void tkp_check_judge(tkp_check_item *it);
/* The per-metric verdicts from the items' (worst wins: off, pass, not
 * counted; skipped items do not vote).  An FP item reading 0 while
 * another precision or width counts gets that meaning first. */
void tkp_check_summarise(tkp_check *ck);

/* "pass", "off", "not counted", "skipped", "-" */
const char *tkp_check_verdict_name(tkp_check_verdict v);
/* The inverse ("-" and unknown: NONE). */
tkp_check_verdict tkp_check_verdict_parse(const char *s);
/* The tolerance as text ("±2%", "≤1% of reads") into buf. */
const char *tkp_check_tol_text(const tkp_check_item *it, char *buf, size_t len);

/* The child's argument for item it ("walk,0,0,0,BYTES,LINE,ROUNDS"). */
void tkp_check_spec(const tkp_check_item *it, char *buf, size_t len);
/*
 * The child's side (`tkprofile counters --check-child SPEC`): sets the
 * item up, runs its warm-up, then the counted run inside
 * tkp_check_counted (the function the simulator collects).  TKP_EINVAL
 * for a malformed SPEC or a kernel this CPU lacks, TKP_ENOMEM.
 */
int tkp_check_child(const char *spec);

/* ---- the kernels (check_kernels.c) -------------------------------------- */

int tkp_check_kernels_here(void);  /* 1 on x86-64, where the kernels exist */
int tkp_check_cpu_has(int width, int fma);
void tkp_check_ins_loop(long iters);   /* (TKP_CHECK_BODY + 2) instructions per iteration */
void tkp_check_chain_loop(long iters); /* TKP_CHECK_BODY dependent adds per iteration */
int tkp_check_fp_loop(int dbits, int width, int fma, long iters);
unsigned tkp_check_walk(const volatile unsigned char *buf, size_t nlines, size_t step, int line,
			long rounds);

#endif
