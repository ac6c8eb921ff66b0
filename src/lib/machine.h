/*
 * machine.h - what a machine says about itself: CPU, ISA, topology, caches
 * as reported (hwloc, else sysfs, else cpuid, else sysconf), OS, compiler,
 * counter status; and machine.json, which also carries the cache sizes the
 * probe measured (src/probe fills measured_bytes; this module only stores
 * them, so the library does not depend on the probe).
 */
#ifndef TKP_MACHINE_H
#define TKP_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "tkprofile.h"

#define TKP_MACHINE_MAX_CACHES 6
#define TKP_MACHINE_MAX_CPUS 1024

/* One data (or unified) cache level. */
typedef struct tkp_cache_info {
	char level[8];         /* "L1d", "L2", "L3", "L4" */
	int depth;             /* 1, 2, 3, ... */
	double reported_bytes; /* NAN: not reported */
	double measured_bytes; /* NAN: not measured, or no knee found */
	int line_bytes;        /* 0: unknown */
	int assoc;             /* ways; 0 unknown, -1 fully associative */
	int shared_by_cores;   /* 0: unknown */
} tkp_cache_info;

typedef struct tkp_machine {
	char version[32];        /* tkprofile version that wrote it */
	char host[256];
	char cpu_model[256];
	char vendor[64];
	char isa[1024];          /* space-separated feature flags */
	char isa_path[16];       /* "avx512", "avx2", "generic" */
	int cores;               /* physical cores of the machine */
	int threads_per_core;
	uint64_t memory_bytes;
	int ncaches;
	tkp_cache_info caches[TKP_MACHINE_MAX_CACHES];
	char os[256];
	char compiler[256];
	char cflags[1024];
	char papi_version[64];   /* "" when built without PAPI */
	int counters_available;
	char counters_status[1536]; /* why and the fix: a few sentences */
	/* per metric (tkp_metric order): the event chosen and what it encodes
	 * to ("" when not counted); machine.json "counters"."metrics" */
	char counter_event[TKP_M_COUNT][256];
	char counter_encoding[TKP_M_COUNT][512];
	int counter_raw[TKP_M_COUNT];
	char date[32];           /* ISO 8601 UTC, when described */
	char topology_source[16];/* "hwloc", "sysfs", "cpuid", "sysconf" */

	/* The CPUs this process may run on, one per physical core first
	 * (pinning order for the probe); ncores_allowed of them are the
	 * one-per-core ones. */
	int ncpus_allowed;
	int ncores_allowed;
	int pin_cpus[TKP_MACHINE_MAX_CPUS];

	/* The probe's own record (machine.json "probe"). */
	int probed;              /* 0: no probe ran; "probe" is null */
	int probe_quick;
	double probe_seconds;
	int probe_nthreads;
	int probe_threads[64];
	double probe_max_bytes;
	char probe_date[32];     /* when the probe ran (ISO 8601 UTC) */
	int probe_reused;        /* 1: copied from an earlier probe of this host */
} tkp_machine;

/*
 * Describes this machine into *m.  groups_dir is passed to the counter
 * layer (NULL: its default) to say whether counters work and why not.
 * Never fails for lack of information: unknown fields stay empty/0/NAN.
 */
int tkp_machine_describe(tkp_machine *m, const char *groups_dir);

/* Writes machine.json (DESIGN.md keys) atomically.  TKP_EIO with errno. */
int tkp_machine_write_json(const tkp_machine *m, const char *path);

/*
 * Reads back a machine.json written by tkp_machine_write_json (for reuse of
 * a cached probe and for summaries).  Fields absent from the file stay
 * zero/NAN.  TKP_ENOENT when missing, TKP_EPARSE when not such a file; err
 * gets "path:line: what".
 */
int tkp_machine_read_json(const char *path, tkp_machine *m, char *err, size_t errlen);

/* Seconds since the epoch of an ISO 8601 UTC date ("2025-01-31T12:00:00Z");
 * -1 when malformed. */
long long tkp_machine_date_epoch(const char *date);

#endif
