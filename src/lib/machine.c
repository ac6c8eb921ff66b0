/*
 * machine.c - describing this machine (CPU, ISA, topology, reported caches,
 * OS, compiler, counters) and machine.json.
 *
 * Sources, best first: hwloc (when built with it), Linux sysfs
 * (/sys/devices/system/cpu), cpuid (x86), sysconf.  What they report is
 * kept as "reported"; in VMs it is often wrong (hwloc reports a 508 MB L3
 * on the development VMs), which is why machine.json also carries the
 * sizes the probe measured.  Nothing here prints.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#ifdef TKP_HAVE_HWLOC
#include <hwloc.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "counters.h"
#include "fsutil.h"
#include "kernels.h"
#include "machine.h"
#include "util.h"

#ifndef TKP_CC
#define TKP_CC "cc"
#endif
#ifndef TKP_CFLAGS
#define TKP_CFLAGS ""
#endif

/* ---- small helpers ------------------------------------------------------ */

static void trim(char *s)
{
	size_t n = strlen(s);
	char *p = s;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (*p && isspace((unsigned char)*p))
		p++;
	if (p != s)
		memmove(s, p, strlen(p) + 1);
}

/* Reads the first line of a small file into buf; 0 or -1. */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	int rc = -1;

	if (!fp)
		return -1;
	if (fgets(buf, (int)size, fp)) {
		trim(buf);
		rc = 0;
	}
	fclose(fp);
	return rc;
}

/* "0-3,8,10-11" → number of CPUs listed (and the lowest in *first). */
static int cpulist_count(const char *s, int *first)
{
	int count = 0, lo, hi, n;

	if (first)
		*first = -1;
	while (*s) {
		if (sscanf(s, "%d%n", &lo, &n) != 1)
			break;
		s += n;
		hi = lo;
		if (*s == '-') {
			s++;
			if (sscanf(s, "%d%n", &hi, &n) != 1)
				break;
			s += n;
		}
		if (hi >= lo)
			count += hi - lo + 1;
		if (first && (*first < 0 || lo < *first))
			*first = lo;
		if (*s == ',')
			s++;
		else
			break;
	}
	return count;
}

/* Value of "key : value" lines in /proc/cpuinfo (first match). */
static int cpuinfo_field(const char *key, char *buf, size_t size)
{
	FILE *fp = fopen("/proc/cpuinfo", "r");
	char *line = NULL;
	size_t cap = 0, klen = strlen(key);
	int rc = -1;

	if (!fp)
		return -1;
	while (getline(&line, &cap, fp) > 0) {
		char *colon;
		if (strncmp(line, key, klen) != 0 || !(colon = strchr(line, ':')))
			continue;
		/* The key must be the whole name before the colon. */
		if (!isspace((unsigned char)line[klen]) && line[klen] != ':')
			continue;
		tkp_strlcpy(buf, colon + 1, size);
		trim(buf);
		rc = 0;
		break;
	}
	free(line);
	fclose(fp);
	return rc;
}

static tkp_cache_info *cache_slot(tkp_machine *m, int depth)
{
	int i;

	for (i = 0; i < m->ncaches; i++)
		if (m->caches[i].depth == depth)
			return &m->caches[i];
	if (m->ncaches >= TKP_MACHINE_MAX_CACHES || depth < 1 || depth > TKP_MACHINE_MAX_CACHES)
		return NULL;
	/* Keep the array sorted by depth. */
	for (i = m->ncaches; i > 0 && m->caches[i - 1].depth > depth; i--)
		m->caches[i] = m->caches[i - 1];
	m->ncaches++;
	memset(&m->caches[i], 0, sizeof m->caches[i]);
	m->caches[i].depth = depth;
	m->caches[i].reported_bytes = NAN;
	m->caches[i].measured_bytes = NAN;
	tkp_fmt(m->caches[i].level, sizeof m->caches[i].level, depth == 1 ? "L1d" : "L%d", depth);
	return &m->caches[i];
}

/* ---- CPU model, vendor, ISA flags ---------------------------------------- */

static void describe_cpu(tkp_machine *m)
{
	char buf[4096];

	if (cpuinfo_field("model name", m->cpu_model, sizeof m->cpu_model) != 0)
		cpuinfo_field("Model", m->cpu_model, sizeof m->cpu_model);
	if (cpuinfo_field("vendor_id", m->vendor, sizeof m->vendor) != 0)
		cpuinfo_field("CPU implementer", m->vendor, sizeof m->vendor);
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned r[12], a, b, c, d;
		if (!m->vendor[0] && __get_cpuid(0, &a, &b, &c, &d)) {
			memcpy(buf, &b, 4);
			memcpy(buf + 4, &d, 4);
			memcpy(buf + 8, &c, 4);
			buf[12] = '\0';
			tkp_strlcpy(m->vendor, buf, sizeof m->vendor);
		}
		if (!m->cpu_model[0] && __get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000004u) {
			__get_cpuid(0x80000002u, &r[0], &r[1], &r[2], &r[3]);
			__get_cpuid(0x80000003u, &r[4], &r[5], &r[6], &r[7]);
			__get_cpuid(0x80000004u, &r[8], &r[9], &r[10], &r[11]);
			memcpy(buf, r, 48);
			buf[48] = '\0';
			trim(buf);
			tkp_strlcpy(m->cpu_model, buf, sizeof m->cpu_model);
		}
	}
#endif
	/* The SIMD-relevant flags only: the full list is a hundred words
	 * nobody reads in a report. */
	if (cpuinfo_field("flags", buf, sizeof buf) == 0 || cpuinfo_field("Features", buf, sizeof buf) == 0) {
		static const char *const prefixes[] = {"sse", "ssse", "avx", "fma", "f16c", "bmi",
						       "amx", "asimd", "sve", "fphp", "neon"};
		char *save = NULL, *tok;
		size_t used = 0, i;
		for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
			for (i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
				if (!strncmp(tok, prefixes[i], strlen(prefixes[i])))
					break;
			if (i == sizeof prefixes / sizeof *prefixes)
				continue;
			if (used + strlen(tok) + 2 >= sizeof m->isa)
				break;
			used += (size_t)snprintf(m->isa + used, sizeof m->isa - used, "%s%s", used ? " " : "", tok);
		}
	}
#ifdef TKP_HAVE_X86_SIMD
	if (!m->isa[0]) {
		__builtin_cpu_init();
		tkp_fmt(m->isa, sizeof m->isa, "%s%s%s%s%s%s%s",
			__builtin_cpu_supports("sse4.2") ? "sse4_2 " : "",
			__builtin_cpu_supports("avx") ? "avx " : "",
			__builtin_cpu_supports("avx2") ? "avx2 " : "",
			__builtin_cpu_supports("fma") ? "fma " : "",
			__builtin_cpu_supports("avx512f") ? "avx512f " : "",
			__builtin_cpu_supports("avx512dq") ? "avx512dq " : "",
			__builtin_cpu_supports("avx512vl") ? "avx512vl" : "");
		trim(m->isa);
	}
#endif
	tkp_strlcpy(m->isa_path, tkp_isa_name(), sizeof m->isa_path);
}

/* ---- topology: hwloc ------------------------------------------------------ */

#ifdef TKP_HAVE_HWLOC
static int describe_hwloc(tkp_machine *m, const cpu_set_t *allowed)
{
	hwloc_topology_t topo;
	static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
						 HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE};
	int ncores, npus, i, depth, n = 0, second = 0, rest[TKP_MACHINE_MAX_CPUS];
	hwloc_obj_t obj;
	const char *s;

	if (hwloc_topology_init(&topo) != 0)
		return -1;
	if (hwloc_topology_load(topo) != 0) {
		hwloc_topology_destroy(topo);
		return -1;
	}
	ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	if (ncores > 0) {
		m->cores = ncores;
		m->threads_per_core = npus >= ncores ? npus / ncores : 1;
	}
	for (depth = 0; depth < 4; depth++) {
		tkp_cache_info *c;
		obj = hwloc_get_obj_by_type(topo, types[depth], 0);
		if (!obj || !obj->attr || obj->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION)
			continue;
		if (!(c = cache_slot(m, depth + 1)))
			continue;
		c->reported_bytes = (double)obj->attr->cache.size;
		c->line_bytes = (int)obj->attr->cache.linesize;
		c->assoc = obj->attr->cache.associativity;
		c->shared_by_cores = hwloc_get_nbobjs_inside_cpuset_by_type(topo, obj->cpuset, HWLOC_OBJ_CORE);
	}
	if ((obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0))) {
		if (!m->cpu_model[0] && (s = hwloc_obj_get_info_by_name(obj, "CPUModel")))
			tkp_strlcpy(m->cpu_model, s, sizeof m->cpu_model);
		if (!m->vendor[0] && (s = hwloc_obj_get_info_by_name(obj, "CPUVendor")))
			tkp_strlcpy(m->vendor, s, sizeof m->vendor);
	}
	/* Pinning order: the first allowed PU of each core, then the others. */
	for (i = 0; i < ncores; i++) {
		hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, i);
		hwloc_obj_t pu = NULL;
		int taken = 0;
		while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, pu))) {
			int os = (int)pu->os_index;
			if (os < 0 || os >= CPU_SETSIZE || !CPU_ISSET(os, allowed))
				continue;
			if (!taken && n < TKP_MACHINE_MAX_CPUS) {
				m->pin_cpus[n++] = os;
				taken = 1;
			} else if (second < TKP_MACHINE_MAX_CPUS) {
				rest[second++] = os;
			}
		}
	}
	m->ncores_allowed = n;
	for (i = 0; i < second && n < TKP_MACHINE_MAX_CPUS; i++)
		m->pin_cpus[n++] = rest[i];
	m->ncpus_allowed = n;
	hwloc_topology_destroy(topo);
	tkp_strlcpy(m->topology_source, "hwloc", sizeof m->topology_source);
	return 0;
}
#endif

/* ---- topology: sysfs ------------------------------------------------------ */

static void pin_order_sysfs(tkp_machine *m, const cpu_set_t *allowed)
{
	int rest[TKP_MACHINE_MAX_CPUS], n = 0, second = 0, cpu, i;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		char path[128], buf[256];
		int first = cpu;
		if (!CPU_ISSET(cpu, allowed))
			continue;
		tkp_fmt(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
		if (read_line(path, buf, sizeof buf) == 0)
			cpulist_count(buf, &first);
		/* One CPU per core first: the lowest-numbered sibling stands
		 * for its core. */
		if (first == cpu || first < 0) {
			if (n < TKP_MACHINE_MAX_CPUS)
				m->pin_cpus[n++] = cpu;
		} else if (second < TKP_MACHINE_MAX_CPUS) {
			rest[second++] = cpu;
		}
	}
	m->ncores_allowed = n;
	for (i = 0; i < second && n < TKP_MACHINE_MAX_CPUS; i++)
		m->pin_cpus[n++] = rest[i];
	m->ncpus_allowed = n;
}

static void describe_sysfs_topology(tkp_machine *m)
{
	char buf[256];
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int tpc = 1;

	if (read_line("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", buf, sizeof buf) == 0)
		tpc = cpulist_count(buf, NULL);
	if (tpc < 1)
		tpc = 1;
	if (m->cores <= 0 && online > 0) {
		m->threads_per_core = tpc;
		m->cores = (int)(online / tpc);
		if (m->cores < 1)
			m->cores = 1;
	}
}

static int describe_sysfs_caches(tkp_machine *m)
{
	int idx, found = 0;

	for (idx = 0; idx < 16; idx++) {
		char base[128], path[192], buf[256];
		int level, shared, first;
		double size;
		char unit = 0;
		tkp_cache_info *c;

		tkp_fmt(base, sizeof base, "/sys/devices/system/cpu/cpu0/cache/index%d", idx);
		tkp_fmt(path, sizeof path, "%s/level", base);
		if (read_line(path, buf, sizeof buf) != 0)
			break;
		level = atoi(buf);
		tkp_fmt(path, sizeof path, "%s/type", base);
		if (read_line(path, buf, sizeof buf) != 0 || !strcmp(buf, "Instruction"))
			continue;
		tkp_fmt(path, sizeof path, "%s/size", base);
		if (read_line(path, buf, sizeof buf) != 0 || sscanf(buf, "%lf%c", &size, &unit) < 1)
			continue;
		if (unit == 'K')
			size *= 1024;
		else if (unit == 'M')
			size *= 1024 * 1024;
		else if (unit == 'G')
			size *= 1024.0 * 1024 * 1024;
		if (!(c = cache_slot(m, level)))
			continue;
		c->reported_bytes = size;
		tkp_fmt(path, sizeof path, "%s/coherency_line_size", base);
		if (read_line(path, buf, sizeof buf) == 0)
			c->line_bytes = atoi(buf);
		tkp_fmt(path, sizeof path, "%s/ways_of_associativity", base);
		if (read_line(path, buf, sizeof buf) == 0)
			c->assoc = atoi(buf);
		tkp_fmt(path, sizeof path, "%s/shared_cpu_list", base);
		if (read_line(path, buf, sizeof buf) == 0 && (shared = cpulist_count(buf, &first)) > 0)
			c->shared_by_cores = (shared + m->threads_per_core - 1) / (m->threads_per_core > 0 ? m->threads_per_core : 1);
		found++;
	}
	return found;
}

/* ---- caches: cpuid ----------------------------------------------------------- */

static int describe_cpuid_caches(tkp_machine *m)
{
	int found = 0;
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d, leaf = 4, max;
	unsigned i;

	if (!__get_cpuid(0, &max, &b, &c, &d))
		return 0;
	/* AMD (and Hygon) describe caches in 0x8000001D (with TOPOEXT); Intel
	 * in leaf 4.  Same register layout. */
	if (b == 0x68747541u /* "Auth" */ || b == 0x6f677948u /* "Hygo" */) {
		unsigned emax = 0;
		if (!__get_cpuid(0x80000000u, &emax, &b, &c, &d) || emax < 0x8000001Du)
			return 0;
		leaf = 0x8000001Du;
	} else if (max < 4) {
		return 0;
	}
	for (i = 0; i < 16; i++) {
		unsigned type, level, ways, parts, line, sets, sharing;
		tkp_cache_info *ci;
		__cpuid_count(leaf, i, a, b, c, d);
		type = a & 0x1f;
		if (type == 0)
			break;
		if (type == 2) /* instruction */
			continue;
		level = (a >> 5) & 0x7;
		sharing = ((a >> 14) & 0xfff) + 1;
		line = (b & 0xfff) + 1;
		parts = ((b >> 12) & 0x3ff) + 1;
		ways = ((b >> 22) & 0x3ff) + 1;
		sets = c + 1;
		if (!(ci = cache_slot(m, (int)level)))
			continue;
		ci->reported_bytes = (double)ways * parts * line * sets;
		ci->line_bytes = (int)line;
		ci->assoc = (a & (1u << 9)) ? -1 : (int)ways;
		ci->shared_by_cores = (int)((sharing + (unsigned)m->threads_per_core - 1) /
					    (unsigned)(m->threads_per_core > 0 ? m->threads_per_core : 1));
		found++;
	}
#endif
	return found;
}

static int describe_sysconf_caches(tkp_machine *m)
{
	int found = 0;
#ifdef _SC_LEVEL1_DCACHE_SIZE
	static const int names[3][3] = {
		{_SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL1_DCACHE_LINESIZE, _SC_LEVEL1_DCACHE_ASSOC},
		{_SC_LEVEL2_CACHE_SIZE, _SC_LEVEL2_CACHE_LINESIZE, _SC_LEVEL2_CACHE_ASSOC},
		{_SC_LEVEL3_CACHE_SIZE, _SC_LEVEL3_CACHE_LINESIZE, _SC_LEVEL3_CACHE_ASSOC}};
	int i;

	for (i = 0; i < 3; i++) {
		long size = sysconf(names[i][0]);
		tkp_cache_info *c;
		if (size <= 0 || !(c = cache_slot(m, i + 1)))
			continue;
		c->reported_bytes = (double)size;
		c->line_bytes = (int)(sysconf(names[i][1]) > 0 ? sysconf(names[i][1]) : 0);
		c->assoc = (int)(sysconf(names[i][2]) > 0 ? sysconf(names[i][2]) : 0);
		found++;
	}
#endif
	return found;
}

/* ---- the rest ------------------------------------------------------------- */

static void describe_os(tkp_machine *m)
{
	struct utsname u;
	char pretty[256] = "";
	FILE *fp = fopen("/etc/os-release", "r");

	if (fp) {
		char line[512];
		while (fgets(line, sizeof line, fp)) {
			if (!strncmp(line, "PRETTY_NAME=", 12)) {
				char *v = line + 12;
				trim(v);
				if (*v == '"') {
					v++;
					if (*v && v[strlen(v) - 1] == '"')
						v[strlen(v) - 1] = '\0';
				}
				tkp_strlcpy(pretty, v, sizeof pretty);
				break;
			}
		}
		fclose(fp);
	}
	if (uname(&u) == 0)
		tkp_fmt(m->os, sizeof m->os, "%s %s %s%s%s%s", u.sysname, u.release, u.machine,
			pretty[0] ? " (" : "", pretty, pretty[0] ? ")" : "");
	else
		tkp_strlcpy(m->os, pretty[0] ? pretty : "unknown", sizeof m->os);
}

static int set(json_t *o, const char *key, json_t *v);
static void get_str(json_t *o, const char *key, char *buf, size_t size);

/* The event chosen for each metric and its encoding, from an open set. */
static void chosen_events(tkp_machine *m, const tkp_counters *c)
{
	int i;

	for (i = 0; i < tkp_counters_nslots(c); i++) {
		tkp_counter_slot s;

		if (tkp_counters_slot(c, i, &s) || s.metric < 0 || s.metric >= TKP_M_COUNT || !s.countable)
			continue;
		tkp_strlcpy(m->counter_event[s.metric], s.event, sizeof m->counter_event[0]);
		tkp_strlcpy(m->counter_encoding[s.metric], s.encoding, sizeof m->counter_encoding[0]);
		m->counter_raw[s.metric] = s.raw;
	}
}

/* machine.json "counters"."metrics": per metric the event chosen (null
 * when none), its encoding and whether it is a raw one. */
static json_t *chosen_json(const tkp_machine *m)
{
	json_t *o = json_object();
	int k, bad = !o;

	for (k = 0; o && k < TKP_M_COUNT; k++) {
		json_t *e = json_object();

		if (!e) {
			bad = 1;
			break;
		}
		bad |= set(e, "event", m->counter_event[k][0] ? json_string(m->counter_event[k]) : json_null());
		bad |= set(e, "encoding", m->counter_encoding[k][0] ? json_string(m->counter_encoding[k]) : json_null());
		bad |= set(e, "raw", json_boolean(m->counter_raw[k]));
		bad |= set(o, tkp_metric_name(k), e);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Reads "counters"."metrics" back (absent in files of older versions). */
static void chosen_read(tkp_machine *m, json_t *ctr)
{
	json_t *o = json_object_get(ctr, "metrics");
	int k;

	for (k = 0; json_is_object(o) && k < TKP_M_COUNT; k++) {
		json_t *e = json_object_get(o, tkp_metric_name(k));

		if (!json_is_object(e))
			continue;
		get_str(e, "event", m->counter_event[k], sizeof m->counter_event[k]);
		get_str(e, "encoding", m->counter_encoding[k], sizeof m->counter_encoding[k]);
		m->counter_raw[k] = json_is_true(json_object_get(e, "raw"));
	}
}

static void describe_counters(tkp_machine *m, const char *groups_dir)
{
	tkp_counters *c = NULL;
	char why[512] = "";
	const char *w;

	if (tkp_counters_papi_version(m->papi_version, sizeof m->papi_version) != 0)
		m->papi_version[0] = '\0';
	if (tkp_counters_open(&c, TKP_COUNTERS_AUTO, groups_dir, why, sizeof why) != 0 || !c) {
		m->counters_available = 0;
		tkp_strlcpy(m->counters_status, why[0] ? why : "counters could not be opened",
			    sizeof m->counters_status);
		return;
	}
	m->counters_available = tkp_counters_passes(c) > 0;
	chosen_events(m, c);
	w = tkp_counters_why(c);
	tkp_strlcpy(m->counters_status, w && *w ? w : "all metrics counted", sizeof m->counters_status);
	tkp_counters_close(c);
}

static void iso_date(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

long long tkp_machine_date_epoch(const char *date)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof tm);
	if (!date || sscanf(date, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n == 0 || date[n] != '\0')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

int tkp_machine_describe(tkp_machine *m, const char *groups_dir)
{
	cpu_set_t allowed;
	int cpu;

	memset(m, 0, sizeof *m);
	m->probe_seconds = NAN;
	m->probe_max_bytes = NAN;
	tkp_strlcpy(m->version, tkp_version(), sizeof m->version);
	tkp_strlcpy(m->host, tkp_hostname(), sizeof m->host);
	describe_cpu(m);
	describe_os(m);
	tkp_fmt(m->compiler, sizeof m->compiler, "%s (%s)", TKP_CC,
#ifdef __VERSION__
		__VERSION__
#else
		"unknown version"
#endif
	);
	tkp_strlcpy(m->cflags, TKP_CFLAGS, sizeof m->cflags);
	trim(m->cflags);
	iso_date(m->date, sizeof m->date);
	{
		long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
		if (pages > 0 && psize > 0)
			m->memory_bytes = (uint64_t)pages * (uint64_t)psize;
	}

	CPU_ZERO(&allowed);
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);
		for (cpu = 0; cpu < online && cpu < CPU_SETSIZE; cpu++)
			CPU_SET(cpu, &allowed);
	}

#ifdef TKP_HAVE_HWLOC
	if (describe_hwloc(m, &allowed) == 0 && m->ncpus_allowed > 0 && m->ncaches > 0)
		goto counters;
	m->ncaches = 0;
#endif
	describe_sysfs_topology(m);
	pin_order_sysfs(m, &allowed);
	if (describe_sysfs_caches(m) > 0)
		tkp_strlcpy(m->topology_source, "sysfs", sizeof m->topology_source);
	else if (describe_cpuid_caches(m) > 0)
		tkp_strlcpy(m->topology_source, "cpuid", sizeof m->topology_source);
	else if (describe_sysconf_caches(m) > 0)
		tkp_strlcpy(m->topology_source, "sysconf", sizeof m->topology_source);
	else
		tkp_strlcpy(m->topology_source, "none", sizeof m->topology_source);
#ifdef TKP_HAVE_HWLOC
counters:
#endif
	if (m->threads_per_core < 1)
		m->threads_per_core = 1;
	if (m->cores < 1)
		m->cores = m->ncores_allowed > 0 ? m->ncores_allowed : 1;
	if (m->ncpus_allowed == 0) {
		m->pin_cpus[0] = 0;
		m->ncpus_allowed = m->ncores_allowed = 1;
	}
	describe_counters(m, groups_dir);
	return 0;
}

/* ---- machine.json ------------------------------------------------------------- */

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Whole numbers of bytes print as integers. */
static json_t *bytes_or_null(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v >= 0 && v < 9e15 && v == floor(v))
		return json_integer((json_int_t)v);
	return json_real(v);
}

static int set(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new(o, key, v) : -1;
}

int tkp_machine_write_json(const tkp_machine *m, const char *path)
{
	json_t *root = json_object(), *isa = json_array(), *caches = json_array(), *ctr = json_object();
	json_t *probe = NULL;
	char *text = NULL, flags[sizeof m->isa], *save = NULL, *tok;
	int rc = TKP_ENOMEM, i, bad = 0;

	if (!root || !isa || !caches || !ctr) {
		json_decref(isa);
		json_decref(caches);
		json_decref(ctr);
		goto fail;
	}
	tkp_strlcpy(flags, m->isa, sizeof flags);
	for (tok = strtok_r(flags, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		bad |= json_array_append_new(isa, json_string(tok));
	for (i = 0; i < m->ncaches; i++) {
		const tkp_cache_info *c = &m->caches[i];
		json_t *o = json_object();
		if (!o) {
			bad = 1;
			break;
		}
		bad |= set(o, "level", json_string(c->level));
		bad |= set(o, "reported_bytes", bytes_or_null(c->reported_bytes));
		bad |= set(o, "measured_bytes", bytes_or_null(c->measured_bytes));
		bad |= set(o, "line_bytes", c->line_bytes > 0 ? json_integer(c->line_bytes) : json_null());
		bad |= set(o, "assoc", c->assoc != 0 ? json_integer(c->assoc) : json_null());
		bad |= set(o, "shared_by_cores", c->shared_by_cores > 0 ? json_integer(c->shared_by_cores) : json_null());
		bad |= json_array_append_new(caches, o);
	}
	bad |= set(ctr, "papi_version", m->papi_version[0] ? json_string(m->papi_version) : json_null());
	bad |= set(ctr, "available", json_boolean(m->counters_available));
	bad |= set(ctr, "status", json_string(m->counters_status));
	{
		json_t *chosen = chosen_json(m);

		bad |= !chosen || set(ctr, "metrics", chosen);
	}
	if (m->probed) {
		json_t *th = json_array();
		if (!(probe = json_object()) || !th) {
			json_decref(th);
			bad = 1;
		} else {
			for (i = 0; i < m->probe_nthreads; i++)
				bad |= json_array_append_new(th, json_integer(m->probe_threads[i]));
			bad |= set(probe, "quick", json_boolean(m->probe_quick));
			bad |= set(probe, "seconds", num_or_null(m->probe_seconds));
			bad |= set(probe, "threads", th);
			bad |= set(probe, "max_bytes", bytes_or_null(m->probe_max_bytes));
			bad |= set(probe, "date", json_string(m->probe_date[0] ? m->probe_date : m->date));
			bad |= set(probe, "reused", json_boolean(m->probe_reused));
		}
	}

	bad |= set(root, "schema", json_integer(1));
	bad |= set(root, "tkprofile_version", json_string(m->version));
	bad |= set(root, "host", json_string(m->host));
	bad |= set(root, "cpu_model", json_string(m->cpu_model));
	bad |= set(root, "vendor", json_string(m->vendor));
	bad |= set(root, "isa", isa);
	bad |= set(root, "isa_path", json_string(m->isa_path));
	bad |= set(root, "cores", json_integer(m->cores));
	bad |= set(root, "threads_per_core", json_integer(m->threads_per_core));
	bad |= set(root, "memory_bytes", json_integer((json_int_t)m->memory_bytes));
	bad |= set(root, "caches", caches);
	bad |= set(root, "topology_source", json_string(m->topology_source));
	bad |= set(root, "os", json_string(m->os));
	bad |= set(root, "compiler", json_string(m->compiler));
	bad |= set(root, "cflags", json_string(m->cflags));
	bad |= set(root, "counters", ctr);
	bad |= set(root, "date", json_string(m->date));
	bad |= set(root, "probe", probe ? probe : json_null());
	if (bad)
		goto fail;
	if (!(text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		goto fail;
	{
		size_t len = strlen(text);
		char *nl = realloc(text, len + 2);
		if (!nl)
			goto fail;
		text = nl;
		text[len] = '\n';
		text[len + 1] = '\0';
		rc = tkp_write_file(path, text, len + 1);
	}
fail:
	free(text);
	json_decref(root);
	return rc;
}

static void get_str(json_t *o, const char *key, char *buf, size_t size)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		tkp_strlcpy(buf, json_string_value(v), size);
}

static double get_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

int tkp_machine_read_json(const char *path, tkp_machine *m, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root, *v, *probe;
	size_t i;

	memset(m, 0, sizeof *m);
	m->probe_seconds = NAN;
	m->probe_max_bytes = NAN;
	if (!tkp_path_exists(path)) {
		tkp_fmt(err, errlen, "%s: no such file", path);
		return TKP_ENOENT;
	}
	if (!(root = json_load_file(path, 0, &je))) {
		tkp_fmt(err, errlen, "%s:%d: %s", path, je.line, je.text);
		return TKP_EPARSE;
	}
	if (!json_is_object(root) || !json_is_integer(json_object_get(root, "schema"))) {
		tkp_fmt(err, errlen, "%s: not a tkprofile machine.json (no \"schema\")", path);
		json_decref(root);
		return TKP_EPARSE;
	}
	get_str(root, "tkprofile_version", m->version, sizeof m->version);
	get_str(root, "host", m->host, sizeof m->host);
	get_str(root, "cpu_model", m->cpu_model, sizeof m->cpu_model);
	get_str(root, "vendor", m->vendor, sizeof m->vendor);
	get_str(root, "isa_path", m->isa_path, sizeof m->isa_path);
	get_str(root, "os", m->os, sizeof m->os);
	get_str(root, "compiler", m->compiler, sizeof m->compiler);
	get_str(root, "cflags", m->cflags, sizeof m->cflags);
	get_str(root, "date", m->date, sizeof m->date);
	get_str(root, "topology_source", m->topology_source, sizeof m->topology_source);
	if (json_is_array(v = json_object_get(root, "isa"))) {
		size_t used = 0;
		for (i = 0; i < json_array_size(v); i++) {
			const char *f = json_string_value(json_array_get(v, i));
			if (f && used + strlen(f) + 2 < sizeof m->isa)
				used += (size_t)snprintf(m->isa + used, sizeof m->isa - used, "%s%s", used ? " " : "", f);
		}
	}
	m->cores = json_integer_value(json_object_get(root, "cores"));
	m->threads_per_core = json_integer_value(json_object_get(root, "threads_per_core"));
	m->memory_bytes = (uint64_t)json_integer_value(json_object_get(root, "memory_bytes"));
	if (json_is_array(v = json_object_get(root, "caches"))) {
		for (i = 0; i < json_array_size(v) && m->ncaches < TKP_MACHINE_MAX_CACHES; i++) {
			json_t *o = json_array_get(v, i);
			tkp_cache_info *c = &m->caches[m->ncaches];
			if (!json_is_object(o))
				continue;
			memset(c, 0, sizeof *c);
			get_str(o, "level", c->level, sizeof c->level);
			c->depth = c->level[0] == 'L' ? atoi(c->level + 1) : m->ncaches + 1;
			c->reported_bytes = get_num(o, "reported_bytes");
			c->measured_bytes = get_num(o, "measured_bytes");
			c->line_bytes = (int)json_integer_value(json_object_get(o, "line_bytes"));
			c->assoc = (int)json_integer_value(json_object_get(o, "assoc"));
			c->shared_by_cores = (int)json_integer_value(json_object_get(o, "shared_by_cores"));
			m->ncaches++;
		}
	}
	if (json_is_object(v = json_object_get(root, "counters"))) {
		get_str(v, "papi_version", m->papi_version, sizeof m->papi_version);
		m->counters_available = json_is_true(json_object_get(v, "available"));
		get_str(v, "status", m->counters_status, sizeof m->counters_status);
		chosen_read(m, v);
	}
	if (json_is_object(probe = json_object_get(root, "probe"))) {
		m->probed = 1;
		m->probe_quick = json_is_true(json_object_get(probe, "quick"));
		m->probe_seconds = get_num(probe, "seconds");
		m->probe_max_bytes = get_num(probe, "max_bytes");
		get_str(probe, "date", m->probe_date, sizeof m->probe_date);
		m->probe_reused = json_is_true(json_object_get(probe, "reused"));
		if (json_is_array(v = json_object_get(probe, "threads")))
			for (i = 0; i < json_array_size(v) && m->probe_nthreads < 64; i++)
				m->probe_threads[m->probe_nthreads++] = (int)json_integer_value(json_array_get(v, i));
	}
	json_decref(root);
	return 0;
}
