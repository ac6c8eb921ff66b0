/*
 * pmu.h - why a machine can or cannot count with its CPU's performance
 * monitoring unit: kernel.perf_event_paranoid, whether the kernel exposes
 * a CPU PMU at all (virtual machines often do not), whether PAPI's
 * perf_event component is enabled and knows the CPU; each reason with the
 * fix a user can apply.
 */
#ifndef TKP_PMU_H
#define TKP_PMU_H

#include <stddef.h>

#include "groups.h"

/* What the CPU component (perf_event) can do here, and why not. */
typedef struct tkp_pmu_state {
	int cidx;    /* PAPI component index; -1: PAPI has no perf_event component */
	int enabled; /* 1: CPU events can be counted */
	char reason[TKP_CTR_TEXT_LEN];
	char fix[TKP_CTR_TEXT_LEN];
} tkp_pmu_state;

/* The fix for a permission problem, with the current paranoid level. */
void tkp_pmu_paranoid_fix(char *buf, size_t len);

/*
 * What event `name` encodes to for perf_event, as libpfm4 (the library
 * PAPI resolves names with) says: "type=4 config=0x1c7"; a PAPI preset:
 * its native events' encodings, comma-separated.  0, or -1 with buf
 * saying why not (built without libpfm4-dev, or unknown here).
 */
int tkp_pmu_encode(const char *name, char *buf, size_t len);

#ifdef TKP_HAVE_PAPI
/* Fills *cpu from PAPI's component table (PAPI initialised) and the
 * kernel's view of the machine. */
void tkp_pmu_diagnose(tkp_pmu_state *cpu);
#endif

#endif
