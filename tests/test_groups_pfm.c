/*
 * test_groups_pfm.c - every native event named in profiles/groups, checked
 * against the installed libpfm4's event tables.
 *
 * PAPI resolves native names ("skl::L2_RQSTS:MISS") through libpfm4, and a
 * misspelt name in a group file would only show on a machine with that CPU,
 * as a metric that silently stays empty.  libpfm4 encodes a CPU model's
 * events on any machine when LIBPFM_FORCE_PMU names the model, so each PMU
 * model the groups name is checked in a child process of its own (the
 * variable is read once, at pfm_initialize): every name must encode, and a
 * deliberately misspelt one must not (the check can fail).  Generic perf::
 * events are checked without forcing (forcing hides that PMU).  A model
 * this libpfm4 does not know (Debian 12's 4.13 has no Zen 5 tables) is
 * listed as a SKIP with the names left unchecked.  PAPI presets (PAPI_*)
 * are PAPI's to resolve and are not checked here.  The terms of weighted
 * sums are events each.  The Zen 5 raw encodings (raw keys, "AMD 1Ah ...:
 * rHEX") are cross-checked against the encoding libpfm4 gives the Zen 5
 * events named in the same section and dtype, when the installed libpfm4
 * knows Zen 5 (else each is a SKIP).
 *
 * Usage: test_groups_pfm [DIR]  (default: $TKP_SRCDIR/profiles/groups)
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#ifdef TKP_HAVE_PFM
#include <ini.h>
#include <perfmon/pfmlib_perf_event.h>

#define MAX_EVENTS 512

struct event {
	char file[64];
	char section[64];
	char key[16]; /* the dtype suffix of its key: "", "_f32", "_f64" */
	char name[256];
	char pmu[64];
	int encoded;  /* 1 when libpfm4 encoded it; config then set */
	unsigned long long config;
};

static struct event events[MAX_EVENTS];
static int nevents;
static const char *cur_file;

/* A Zen 5 raw term of a raw list. */
struct rawcfg {
	char file[64];
	char section[64];
	char key[16];
	unsigned long long config;
};

static struct rawcfg raws[64];
static int nraws;
static int raw_zen5; /* the raw entry being read is for AMD family 1Ah */

#define ZEN5 "amd64_fam1ah_zen5"

/* Adds the terms (rHEX[*W]) of the Zen 5 entries of a raw list value. */
static void add_raws(const char *section, const char *key, const char *value)
{
	char buf[4096], *save = NULL;

	snprintf(buf, sizeof buf, "%s", value);
	for (char *ent = strtok_r(buf, ",", &save); ent; ent = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(ent, ':'), *save2 = NULL, *terms = ent;

		if (colon) {
			*colon = '\0';
			raw_zen5 = strstr(ent, "AMD") && strstr(ent, "1Ah");
			terms = colon + 1;
		}
		for (char *t = strtok_r(terms, "+ \t\r\n", &save2); t && raw_zen5; t = strtok_r(NULL, "+ \t\r\n", &save2)) {
			struct rawcfg *r;

			if ((t[0] != 'r' && t[0] != 'R') || nraws == 64)
				continue;
			t[strcspn(t, "*")] = '\0';
			r = &raws[nraws++];
			snprintf(r->file, sizeof r->file, "%s", cur_file);
			snprintf(r->section, sizeof r->section, "%s", section);
			snprintf(r->key, sizeof r->key, "%s", key);
			r->config = strtoull(t + 1, NULL, 16);
		}
	}
}

/* Adds each "pmu::EVENT..." token of a comma-separated events value; the
 * terms of a weighted sum ("A*1 + B*2") are events each, without weight. */
static void add_names(const char *section, const char *key, const char *value)
{
	char buf[4096], *save = NULL;

	snprintf(buf, sizeof buf, "%s", value);
	for (char *t = strtok_r(buf, ",+ \t\r\n", &save); t; t = strtok_r(NULL, ",+ \t\r\n", &save)) {
		const char *sep = strstr(t, "::");
		struct event *e;

		t[strcspn(t, "*")] = '\0';
		if (!sep || sep == t || nevents == MAX_EVENTS)
			continue;
		e = &events[nevents++];
		snprintf(e->file, sizeof e->file, "%s", cur_file);
		snprintf(e->section, sizeof e->section, "%s", section);
		snprintf(e->key, sizeof e->key, "%s", key);
		snprintf(e->name, sizeof e->name, "%s", t);
		snprintf(e->pmu, sizeof e->pmu, "%.*s", (int)(sep - t), t);
	}
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	(void)user;
	if (!strncmp(name, "events", 6))
		add_names(section, name + 6, value);
	else if (!strncmp(name, "raw", 3))
		add_raws(section, name + 3, value);
	return 1;
}

/* Reads every *.ini of dir; returns the number of files read, -1 on error. */
static int read_groups(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[8192];
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".ini"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		cur_file = de->d_name;
		if (ini_parse(path, on_key, NULL) != 0) {
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	return n;
}

/* 1 if libpfm4 has a table for PMU model name (present or not). */
static int pmu_known(const char *name, int *present)
{
	pfm_pmu_info_t info;
	int i;

	pfm_for_all_pmus(i) {
		memset(&info, 0, sizeof info);
		info.size = sizeof info;
		if (pfm_get_pmu_info(i, &info) == PFM_SUCCESS && !strcmp(info.name, name)) {
			*present = info.is_present;
			return 1;
		}
	}
	return 0;
}

/* pfm's result for encoding name as a perf_event attribute; the config. */
static int encode(const char *name, unsigned long long *config)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;

	memset(&attr, 0, sizeof attr);
	memset(&arg, 0, sizeof arg);
	arg.size = sizeof arg;
	arg.attr = &attr;
	*config = 0;
	int rc = pfm_get_os_event_encoding(name, PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (rc == PFM_SUCCESS)
		*config = attr.config;
	return rc;
}

/*
 * The child for one PMU model: forces it (unless perf), then writes one
 * line per event of that model to fd: "ok CONFIG", "bad WHY", and last the
 * misspelt control, or a single "unknown" / "absent" line.
 */
static void check_pmu(const char *pmu, int fd)
{
	FILE *out = fdopen(fd, "w");
	unsigned long long config;
	char bad[300];
	int present = 0, rc, last = -1;

	if (strcmp(pmu, "perf"))
		setenv("LIBPFM_FORCE_PMU", pmu, 1);
	if (!out || pfm_initialize() != PFM_SUCCESS)
		_exit(3);
	if (!pmu_known(pmu, &present)) {
		fprintf(out, "unknown\n");
		fclose(out);
		_exit(0);
	}
	if (!present) {
		fprintf(out, "absent\n");
		fclose(out);
		_exit(0);
	}
	for (int i = 0; i < nevents; i++) {
		if (strcmp(events[i].pmu, pmu))
			continue;
		rc = encode(events[i].name, &config);
		if (rc == PFM_SUCCESS)
			fprintf(out, "ok %#llx\n", config);
		else
			fprintf(out, "bad %s\n", pfm_strerror(rc));
		last = i;
	}
	/* the control: the event's first name with a letter appended */
	snprintf(bad, sizeof bad, "%s", events[last].name);
	char *colon = strchr(strstr(bad, "::") + 2, ':');
	if (colon)
		*colon = '\0';
	strncat(bad, "Q", sizeof bad - strlen(bad) - 1);
	rc = encode(bad, &config);
	fprintf(out, "%s %s\n", rc == PFM_SUCCESS ? "accepted" : "refused", bad);
	fclose(out);
	_exit(0);
}

/* Reads the child's lines for pmu and prints the TAP checks. */
static void report_pmu(const char *pmu, FILE *in)
{
	char line[512];

	if (!fgets(line, sizeof line, in)) {
		tap_ok(0, "libpfm4 with LIBPFM_FORCE_PMU=%s: the check did not run", pmu);
		return;
	}
	if (!strncmp(line, "unknown", 7) || !strncmp(line, "absent", 6)) {
		char why[160];

		snprintf(why, sizeof why, "the installed libpfm4 %s PMU model %s",
			 line[0] == 'u' ? "has no tables for" : "cannot force", pmu);
		for (int i = 0; i < nevents; i++)
			if (!strcmp(events[i].pmu, pmu)) {
				char what[400];

				snprintf(what, sizeof what, "%s [%s]: %s not validated", events[i].file,
					 events[i].section, events[i].name);
				tap_skip(why, what);
			}
		return;
	}
	for (int i = 0; i < nevents; i++) {
		if (strcmp(events[i].pmu, pmu))
			continue;
		line[strcspn(line, "\n")] = '\0';
		events[i].encoded = tap_ok(!strncmp(line, "ok ", 3), "%s [%s]: %s encodes (%s)", events[i].file,
					   events[i].section, events[i].name, line);
		if (events[i].encoded)
			events[i].config = strtoull(line + 3, NULL, 16);
		if (!fgets(line, sizeof line, in))
			line[0] = '\0';
	}
	line[strcspn(line, "\n")] = '\0';
	tap_ok(!strncmp(line, "refused ", 8), "libpfm4 refuses a misspelt %s event (%s)", pmu, line);
}

/* Each Zen 5 raw term must be the encoding of a Zen 5 event named in the
 * same section and dtype (when libpfm4 knows Zen 5). */
static void cross_check_raws(void)
{
	int known = 0;

	for (int i = 0; i < nevents; i++)
		known |= !strcmp(events[i].pmu, ZEN5) && events[i].encoded;
	for (int r = 0; r < nraws; r++) {
		const struct rawcfg *rc = &raws[r];
		char what[400];
		int j;

		snprintf(what, sizeof what, "%.63s [%.63s] raw%.15s: r%llx is what libpfm4 encodes a Zen 5 event named there to",
			 rc->file, rc->section, rc->key, rc->config);
		if (!known) {
			tap_skip("the installed libpfm4 has no " ZEN5 " tables to compare with", what);
			continue;
		}
		for (j = 0; j < nevents; j++)
			if (!strcmp(events[j].pmu, ZEN5) && events[j].encoded && events[j].config == rc->config &&
			    !strcmp(events[j].file, rc->file) && !strcmp(events[j].section, rc->section) &&
			    !strcmp(events[j].key, rc->key))
				break;
		tap_ok(j < nevents, "%s (%s)", what, j < nevents ? events[j].name : "none matches");
	}
}

int main(int argc, char **argv)
{
	char dir[4096];
	const char *src = getenv("TKP_SRCDIR");

	if (argc > 1)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else
		snprintf(dir, sizeof dir, "%s/profiles/groups", src ? src : TKP_SRCDIR);
	int nfiles = read_groups(dir);
	if (!tap_ok(nfiles > 0 && nevents > 0, "%s: %d group files, %d native event names", dir,
		    nfiles, nevents))
		return tap_done();
	for (int i = 0; i < nevents; i++) {
		int seen = 0, fd[2], status;
		pid_t pid;

		for (int j = 0; j < i && !seen; j++)
			seen = !strcmp(events[j].pmu, events[i].pmu);
		if (seen)
			continue;
		if (pipe(fd) || (pid = fork()) < 0) {
			tap_ok(0, "%s: %s", events[i].pmu, strerror(errno));
			continue;
		}
		if (pid == 0) {
			close(fd[0]);
			check_pmu(events[i].pmu, fd[1]);
		}
		close(fd[1]);
		FILE *in = fdopen(fd[0], "r");
		report_pmu(events[i].pmu, in);
		fclose(in);
		waitpid(pid, &status, 0);
		tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: the checking child exited 0",
		       events[i].pmu);
	}
	tap_ok(nraws >= 6, "%d Zen 5 raw terms in the group files", nraws);
	cross_check_raws();
	return tap_done();
}

#else /* !TKP_HAVE_PFM */

int main(void)
{
	tap_skip("built without libpfm4 (apt-get install libpfm4-dev, then ./configure)",
		 "group events against libpfm4's tables");
	return tap_done();
}

#endif
