/*
 * pmu.c - diagnosis of the CPU's counters: the reason hardware events
 * cannot be counted here and the fix, named as precisely as the machine
 * lets us (permissions, a virtual machine without a vPMU, a kernel without
 * perf_event support for the CPU, a libpfm4 too old for it), so that a
 * "no such event" never reads like a group-file problem.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TKP_HAVE_PAPI
#include <papi.h>
#endif
#ifdef TKP_HAVE_PFM
#include <perfmon/pfmlib_perf_event.h>
#endif

#include "counters.h"
#include "pmu.h"
#include "util.h"

#define TEXT_LEN TKP_CTR_TEXT_LEN

int tkp_counters_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = -100;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -100;
		fclose(f);
	}
	return v;
}


/* The fix for a permission problem, with the current level. */
void tkp_pmu_paranoid_fix(char *buf, size_t len)
{
	int p = tkp_counters_paranoid();

	if (p == -100)
		tkp_fmt(buf, len, "sudo sysctl kernel.perf_event_paranoid=1 (or run with CAP_PERFMON)");
	else
		tkp_fmt(buf, len, "sudo sysctl kernel.perf_event_paranoid=1 (it is %d; or run with CAP_PERFMON)", p);
}

#ifdef TKP_HAVE_PFM
/* One native event's perf_event type and config, appended to buf. */
static int encode_native(const char *name, char *buf, size_t len)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	int r;

	memset(&attr, 0, sizeof attr);
	memset(&arg, 0, sizeof arg);
	arg.size = sizeof arg;
	arg.attr = &attr;
	/* PAPI has initialised libpfm4 already when it resolved the name;
	 * without PAPI this is the first call (and harmless when repeated). */
	pfm_initialize();
	r = pfm_get_os_event_encoding(name, PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (r != PFM_SUCCESS) {
		tkp_ctr_cat(buf, len, "%s: %s", name, pfm_strerror(r));
		return -1;
	}
	tkp_ctr_cat(buf, len, "type=%u config=%#llx", attr.type, (unsigned long long)attr.config);
	return 0;
}
#endif

int tkp_pmu_encode(const char *name, char *buf, size_t len)
{
	buf[0] = '\0';
#ifndef TKP_HAVE_PFM
	(void)name;
	tkp_fmt(buf, len, "unknown (built without libpfm4-dev)");
	return -1;
#else
#ifdef TKP_HAVE_PAPI
	if (!strncmp(name, "PAPI_", 5)) {
		PAPI_event_info_t info;
		int code, i, bad = 0;

		if (PAPI_event_name_to_code(name, &code) != PAPI_OK || PAPI_get_event_info(code, &info) != PAPI_OK ||
		    info.count == 0) {
			tkp_fmt(buf, len, "%s: not a preset PAPI can map here", name);
			return -1;
		}
		for (i = 0; i < (int)info.count; i++) {
			tkp_ctr_cat(buf, len, "%s%s ", i ? ", " : "", info.name[i]);
			bad |= encode_native(info.name[i], buf, len);
		}
		return bad ? -1 : 0;
	}
#endif
	return encode_native(name, buf, len);
#endif
}

#ifdef TKP_HAVE_PAPI


/* 1 if the kernel exposes a CPU PMU to perf_event, 0 if it does not, -1 if
 * sysfs cannot tell. */
static int core_pmu_present(void)
{
	static const char *const names[] = {"cpu", "cpu_core", "cpu_atom"};
	DIR *d = opendir("/sys/bus/event_source/devices");
	struct dirent *e;
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!strcmp(e->d_name, names[i]))
				found = 1;
		if (!strncmp(e->d_name, "armv8", 5) || !strncmp(e->d_name, "armv7", 5) ||
		    !strncmp(e->d_name, "arm_", 4) || !strncmp(e->d_name, "riscv", 5))
			found = 1;
	}
	closedir(d);
	return found;
}

/* 1 when /proc/cpuinfo shows the hypervisor flag. */
static int cpuinfo_hypervisor(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int hv = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "flags", 5)) {
			hv = strstr(line, " hypervisor") != NULL;
			break;
		}
	fclose(f);
	return hv;
}


void tkp_pmu_diagnose(tkp_pmu_state *cpu)
{
	const PAPI_component_info_t *ci;
	const PAPI_hw_info_t *hw = PAPI_get_hardware_info();
	int par = tkp_counters_paranoid(), pmu, virt;
	char vendor[PAPI_MAX_STR_LEN] = "", pfix[TEXT_LEN];

	cpu->cidx = PAPI_get_component_index("perf_event");
	if (cpu->cidx < 0 || !(ci = PAPI_get_component_info(cpu->cidx))) {
		cpu->cidx = -1;
		tkp_fmt(cpu->reason, sizeof cpu->reason, "this PAPI has no perf_event component (CPU counters)");
		tkp_fmt(cpu->fix, sizeof cpu->fix, "install a PAPI built with perf_event support (Debian: libpapi-dev)");
		return;
	}
	pmu = core_pmu_present();
	/* PAPI can enable the component where the kernel has perf_event but
	 * no CPU PMU (a KVM guest without a virtual PMU: only software,
	 * tracepoint and breakpoint PMUs are listed); every hardware event
	 * then fails as "no such event", which reads like a group-file
	 * problem.  Name the real cause instead. */
	if (!ci->disabled && pmu != 0) {
		cpu->enabled = 1;
		return;
	}
	virt = (hw && hw->virtualized) || cpuinfo_hypervisor();
	if (hw && hw->virtualized) {
		size_t h;

		tkp_strlcpy(vendor, hw->virtual_vendor_string, sizeof vendor);
		tkp_trim(vendor);
		/* CPUID's hypervisor signature is 12 bytes: "bhyve bhyve ",
		 * "KVMKVMKVM": show the name once. */
		h = strlen(vendor) / 2;
		if (h && vendor[h] == ' ' && !strncmp(vendor, vendor + h + 1, h))
			vendor[h] = '\0';
		/* ... and "KVMKVMKVM" too: a name repeated without spaces */
		for (size_t p = 1, len = strlen(vendor); p <= len / 2; p++)
			if (len % p == 0 && !strncmp(vendor, vendor + p, len - p)) {
				vendor[p] = '\0';
				break;
			}
	}
	tkp_pmu_paranoid_fix(pfix, sizeof pfix);
	if (ci->disabled)
		tkp_fmt(cpu->reason, sizeof cpu->reason, "PAPI's perf_event component is disabled (\"%s\")",
			ci->disabled_reason);
	else
		tkp_fmt(cpu->reason, sizeof cpu->reason, "PAPI's perf_event component is enabled, but has no hardware events");
	if (ci->disabled == PAPI_EPERM || strstr(ci->disabled_reason, "paranoid") ||
	    strstr(ci->disabled_reason, "ermission")) {
		tkp_ctr_cat(cpu->reason, sizeof cpu->reason, ": the kernel refuses unprivileged counting (kernel.perf_event_paranoid=%d)",
		    par);
		tkp_strlcpy(cpu->fix, pfix, sizeof cpu->fix);
		return;
	}
	if (pmu == 0 && virt) {
		tkp_ctr_cat(cpu->reason, sizeof cpu->reason,
		    ": the kernel exposes no CPU PMU (no cpu in /sys/bus/event_source/devices) in this virtual machine%s%s%s",
		    vendor[0] ? " (" : "", vendor, vendor[0] ? ")" : "");
		tkp_fmt(cpu->fix, sizeof cpu->fix,
			"no PMU exposed in this virtual machine: run on bare metal or enable the vPMU (KVM/QEMU: "
			"-cpu host with pmu=on; clouds: an instance type that exposes it); --counters sim "
			"simulates the cache counts meanwhile");
	} else if (pmu == 0) {
		tkp_ctr_cat(cpu->reason, sizeof cpu->reason, ": the kernel exposes no CPU PMU (no cpu in /sys/bus/event_source/devices)");
		tkp_fmt(cpu->fix, sizeof cpu->fix,
			"use a kernel with perf_event support for this CPU (see dmesg | grep -i perf), or run on another machine");
	} else if (pmu == 1 && hw) {
		tkp_ctr_cat(cpu->reason, sizeof cpu->reason,
		    ": the kernel has a CPU PMU but PAPI's libpfm4 does not know this CPU (%s, family %d model %d)",
		    hw->vendor_string, hw->cpuid_family, hw->cpuid_model);
		tkp_fmt(cpu->fix, sizeof cpu->fix, "upgrade libpfm4 and PAPI to releases that support this CPU");
	} else {
		tkp_fmt(cpu->fix, sizeof cpu->fix, "see papi_component_avail for details");
	}
	if (par != -100)
		tkp_ctr_cat(cpu->reason, sizeof cpu->reason, "; kernel.perf_event_paranoid=%d", par);
	if (par > 2)
		tkp_ctr_cat(cpu->fix, sizeof cpu->fix, "; and %s", pfix);
	else
		tkp_ctr_cat(cpu->fix, sizeof cpu->fix, "; then, if PAPI reports permission errors: %s", pfix);
}
#endif
