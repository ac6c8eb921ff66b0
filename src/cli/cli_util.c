/*
 * cli_util.c - messages, signals and lookups shared by the subcommands.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "kernels.h"
#include "counters.h"
#include "present.h"
#include "tuning.h"
#include "util.h"

int tkp_cli_quiet;
volatile sig_atomic_t tkp_cli_interrupted;

int tkp_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

const char *tkp_cli_datadir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("TKP_DATADIR");
	char exe[PATH_MAX], build[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	if (env && *env) {
		tkp_strlcpy(dir, env, sizeof dir);
		return dir;
	}
	/* The binary in the build tree uses the source tree's files, so
	 * ./tkprofile works before (and without) `make install`. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		if (realpath(TKP_BUILDDIR, build) && !strcmp(exe, build)) {
			tkp_strlcpy(dir, TKP_SRCDIR, sizeof dir);
			return dir;
		}
	}
	tkp_strlcpy(dir, TKP_PKGDATADIR, sizeof dir);
	return dir;
}

static void on_signal(int sig)
{
	static const char msg[] = "\ntkprofile: interrupted: finishing the current run "
				  "(interrupt again to stop at once)\n";

	if (tkp_cli_interrupted++ == 0) {
		ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)w;
		return;
	}
	/* second signal: stop now with the default action */
	signal(sig, SIG_DFL);
	raise(sig);
}

void tkp_cli_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int tkp_cli_int_opt(const char *cmd, const char *opt, const char *val, long lo, long hi, int *out)
{
	uint64_t v;

	if (!val || *val == '-' || tkp_parse_u64(val, (uint64_t)hi, 0, &v) || (long)v < lo) {
		tkp_cli_usage(cmd, "%s '%s': expected an integer from %ld to %ld", opt, val ? val : "",
			      lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Sets the mode and source of a --counters value: auto (papi where it
 * counts, else none, saying why), papi (papi or an error), sim, auto,sim
 * (papi where it counts, else sim), none.  -1 when it is none of them. */
static int counters_opts(const char *mode, tkp_counters_opts *o)
{
	char buf[64], *save = NULL, *t;
	int has_auto = 0, has_papi = 0, has_sim = 0, n = 0;

	if (tkp_strlcpy(buf, mode, sizeof buf) >= sizeof buf)
		return -1;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++) {
		while (*t == ' ')
			t++;
		t[strcspn(t, " ")] = '\0';
		if (!strcmp(t, "auto"))
			has_auto = 1;
		else if (!strcmp(t, "papi"))
			has_papi = 1;
		else if (!strcmp(t, "none"))
			continue;
		else if (!strcmp(t, "sim"))
			has_sim = 1;
		else
			return -1;
	}
	if (n == 1) {
		o->mode = has_auto || has_sim ? TKP_COUNTERS_AUTO
			  : has_papi	      ? TKP_COUNTERS_PAPI
					      : TKP_COUNTERS_NONE;
		o->source = has_sim ? "sim" : NULL;
		return 0;
	}
	if (n == 2 && has_auto && has_sim) {
		o->mode = TKP_COUNTERS_AUTO;
		o->fallback = "sim";
		return 0;
	}
	return -1;
}

int tkp_cli_open_counters(const char *cmd, const char *mode, volatile int *stop, size_t max_size,
			  tkp_counters **out)
{
	char why[4096], groups[PATH_MAX], exe[PATH_MAX];
	tkp_counters_opts o;
	ssize_t n;
	int rc;

	*out = NULL;
	tkp_counters_opts_init(&o);
	if (counters_opts(mode, &o))
		return tkp_cli_usage(cmd, "--counters '%s': expected auto, papi, sim, auto,sim or none", mode);
	tkp_fmt(groups, sizeof groups, "%s/profiles/groups", tkp_cli_datadir());
	o.groups_dir = groups;
	/* a source that counts apart replays configurations in this program */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	o.sim.exe = exe;
	o.sim.timeout_s = TKP_CLI_SIM_TIMEOUT_S;
	o.sim.parallel = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	o.sim.stop = stop;
	o.max_size = max_size;
	rc = tkp_counters_open_opts(out, &o, why, sizeof why);
	if (rc == TKP_EPARSE || rc == TKP_ENOENT || rc == TKP_EINVAL)
		return tkp_cli_usage(cmd, "%s", why);
	if (rc == TKP_ENOTSUP) /* the source cannot work here (valgrind missing) */
		return tkp_cli_usage(cmd, "--counters %s: %s", mode, why);
	if (rc == TKP_ECOUNTERS)
		return tkp_cli_fail(cmd, "counters: %s", why[0] ? why : tkp_strerror(rc));
	if (rc)
		return tkp_cli_fail(cmd, "--counters %s: %s", mode, why[0] ? why : tkp_strerror(rc));
	return 0;
}

unsigned long long tkp_cli_mem_available(void)
{
	FILE *fp = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	while (fp && fgets(line, sizeof line, fp))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (fp)
		fclose(fp);
	if (kb)
		return kb * 1024ull;
	if (pages > 0 && psz > 0)
		return (unsigned long long)pages * (unsigned long long)psz / 10 * 9;
	return 1ull << 32;
}

const char *tkp_cli_enomem_hint(char *buf, size_t len)
{
	struct rlimit as;

	if (getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur == RLIM_INFINITY)
		return "";
	snprintf(buf, len, " (the address-space limit, ulimit -v, is %llu MiB)",
		 (unsigned long long)as.rlim_cur >> 20);
	return buf;
}

int tkp_cli_check_fits(const char *cmd, tkp_dtype dt, size_t m, size_t n, size_t k, int say)
{
	size_t need = tkp_measure_bytes(dt, m, n, k);
	unsigned long long avail = tkp_cli_mem_available();

	if (need && need <= avail)
		return 0;
	if (say) {
		if (!need)
			tkp_cli_usage(cmd, "size %zux%zux%zu %s: the matrices' size overflows memory "
					   "arithmetic; expected far smaller sizes",
				      m, n, k, tkp_dtype_name(dt));
		else
			tkp_cli_usage(cmd, "size %zux%zux%zu %s needs %.1f GiB for A, B and C; "
					   "this machine has %.1f GiB available",
				      m, n, k, tkp_dtype_name(dt), (double)need / (1 << 30),
				      (double)avail / (1 << 30));
	}
	return TKP_EXIT_USAGE;
}

/* ---- the --out directory ------------------------------------------------------ */

/* The first entry of dir other than . and .., into name; 0 when empty. */
static int first_entry(const char *dir, char *name, size_t len)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!dp)
		return -1;
	while (!found && (e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			tkp_strlcpy(name, e->d_name, len);
			found = 1;
		}
	closedir(dp);
	return found;
}

int tkp_cli_check_out(const char *cmd, const char *dir, const char *const *result_names,
		      const char *resume_hint, int others_ok)
{
	struct stat st;
	char parent[PATH_MAX], name[256], *slash;
	int i, r;

	if (!*dir)
		return tkp_cli_usage(cmd, "--out '': expected a directory path, got an empty string");
	if (strlen(dir) >= PATH_MAX - 32)
		return tkp_cli_usage(cmd, "--out '%.40s...': path too long", dir);
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return tkp_cli_usage(cmd, "--out '%s': exists and is not a directory", dir);
		if (access(dir, W_OK | X_OK) != 0)
			return tkp_cli_usage(cmd, "--out '%s': not writable: %s", dir, strerror(errno));
		for (i = 0; result_names && result_names[i]; i++)
			if (!tkp_path_join(parent, sizeof parent, dir, result_names[i]) &&
			    tkp_path_exists(parent))
				return tkp_cli_usage(cmd, "--out '%s' already holds results; refusing to "
							  "overwrite them (it has %s: %s)",
						     dir, result_names[i],
						     resume_hint ? resume_hint : "choose another --out");
		if (others_ok)
			return 0;
		if ((r = first_entry(dir, name, sizeof name)) < 0)
			return tkp_cli_usage(cmd, "--out '%s': %s", dir, strerror(errno));
		if (r > 0)
			return tkp_cli_usage(cmd, "--out '%s' is not empty (it holds '%s'); results go "
						  "into a new or empty directory: choose another --out",
					     dir, name);
		return 0;
	}
	if (errno != ENOENT)
		return tkp_cli_usage(cmd, "--out '%s': %s", dir, strerror(errno));
	/* the nearest existing ancestor must be a writable directory */
	tkp_strlcpy(parent, dir, sizeof parent);
	for (;;) {
		size_t n = strlen(parent);
		while (n > 1 && parent[n - 1] == '/')
			parent[--n] = '\0';
		slash = strrchr(parent, '/');
		if (!slash)
			tkp_strlcpy(parent, ".", sizeof parent);
		else if (slash == parent)
			parent[1] = '\0';
		else
			*slash = '\0';
		if (stat(parent, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return tkp_cli_usage(cmd, "--out '%s': cannot be created: '%s' is not a directory",
						     dir, parent);
			if (access(parent, W_OK | X_OK) != 0)
				return tkp_cli_usage(cmd, "--out '%s': cannot be created in '%s': %s", dir,
						     parent, strerror(errno));
			return 0;
		}
		if (errno != ENOENT)
			return tkp_cli_usage(cmd, "--out '%s': cannot be created: '%s': %s", dir, parent,
					     strerror(errno));
		if (!strcmp(parent, ".") || !strcmp(parent, "/"))
			return 0;
	}
}

int tkp_cli_make_out(const char *cmd, const char *dir)
{
	int e;

	if (tkp_mkdirs(dir) == 0)
		return 0;
	e = errno;
	if (e == ENOSPC || e == EIO || e == ENOMEM || e == EDQUOT)
		return tkp_cli_fail(cmd, "--out '%s': cannot create it: %s", dir, strerror(e));
	return tkp_cli_usage(cmd, "--out '%s': cannot create it: %s", dir, strerror(e));
}

/* ---- the environment ------------------------------------------------------------ */

void tkp_cli_check_env(const char *cmd)
{
	static const char *const isas[] = {"generic", "avx2", "avx512"};
	const char *e = getenv("TKP_ISA");
	char why[600];
	double t;

	if (e && *e) {
		int want = -1;
		for (int i = 0; i < 3; i++)
			if (!strcmp(e, isas[i]))
				want = i;
		if (!strcmp(e, "scalar"))
			want = TKP_ISA_GENERIC;
		if (want < 0)
			tkp_cli_warn(cmd, "TKP_ISA='%s': expected avx512, avx2 or generic; ignored", e);
		else if (want > (int)tkp_isa_supported())
			tkp_cli_warn(cmd, "TKP_ISA=%s: this CPU runs %s at most; the kernels use that", e,
				     isas[tkp_isa_supported()]);
	}
	e = getenv("TKP_PLOT_TIMEOUT");
	if (e && *e && (tkp_parse_double(e, &t) != 0 || !(t > 0)))
		tkp_cli_warn(cmd, "TKP_PLOT_TIMEOUT='%s': expected seconds above 0; using 60", e);
	if (tkp_tuned_config_check(why, sizeof why))
		tkp_cli_warn(cmd, "tuned kernel settings: %s; ignored", why);
}

/* ---- option errors -------------------------------------------------------------- */

int tkp_cli_bad_option(const char *cmd, int c, char **argv, int optind, const struct option *opts)
{
	const char *a = argv[optind - 1], *eq;

	if (c == ':')
		return tkp_cli_usage(cmd, "option '%s' needs a value", a);
	if (a[0] == '-' && a[1] == '-' && (eq = strchr(a, '='))) {
		size_t n = (size_t)(eq - a - 2);
		for (int i = 0; opts[i].name; i++)
			if (strlen(opts[i].name) == n && !strncmp(opts[i].name, a + 2, n) &&
			    opts[i].has_arg == no_argument)
				return tkp_cli_usage(cmd, "option '--%s' takes no value", opts[i].name);
	}
	return tkp_cli_usage(cmd, "unknown option '%s' (see `tkprofile %s --help`)", a, cmd);
}

const char *tkp_cli_counters_reason(const char *why, int *len, int *has_fix)
{
	return tkp_present_counters_reason(why, len, has_fix);
}

const char *tkp_cli_counters_brief(const tkp_counters *ctr, char *buf, size_t len)
{
	const char *why = ctr ? tkp_counters_why(ctr) : "";
	tkp_counters_about a;
	int n, fix;

	tkp_counters_about_get(ctr, &a);
	if (a.off) /* turned off on request: nothing to explain */
		return "";

	if (!*why)
		return "";
	why = tkp_cli_counters_reason(why, &n, &fix);
	tkp_fmt(buf, len, "%.*s%s", n, why, fix ? "; `tkprofile counters` says how to fix it" : "");
	return buf;
}

void tkp_cli_warn_blas_core(const char *cmd)
{
	char weak[320];

	if (tkp_blas_weak_core(weak, sizeof weak))
		tkp_cli_warn(cmd, "%s", weak);
}

void tkp_cli_warn_oversubscribed(const char *cmd, int threads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus > 0 && threads > cpus)
		tkp_cli_warn(cmd, "--threads %d is more than the %ld online CPUs: the threads take turns "
				  "on them, and the time shows it",
			     threads, cpus);
}
