/*
 * cli_util.c - messages, signals and lookups shared by the subcommands.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

int tkp_cli_quiet;
volatile sig_atomic_t tkp_cli_interrupted;

static void vmsg(const char *cmd, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (cmd && *cmd)
		fprintf(stderr, "tkprofile: %s: ", cmd);
	else
		fprintf(stderr, "tkprofile: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int tkp_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return TKP_EXIT_USAGE;
}

int tkp_cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return TKP_EXIT_FAIL;
}

void tkp_cli_warn(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
}

void tkp_cli_note(const char *fmt, ...)
{
	va_list ap;

	if (tkp_cli_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

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

int tkp_cli_open_counters(const char *cmd, const char *mode, tkp_counters **out)
{
	char why[4096], groups[PATH_MAX];
	tkp_counter_mode m;
	int rc;

	*out = NULL;
	if (!strcmp(mode, "none"))
		m = TKP_COUNTERS_NONE;
	else if (!strcmp(mode, "auto"))
		m = TKP_COUNTERS_AUTO;
	else if (!strcmp(mode, "papi"))
		m = TKP_COUNTERS_PAPI;
	else if (strstr(mode, "sim"))
		return tkp_cli_usage(cmd, "--counters %s: simulated counters (valgrind) are not "
					  "available in this version; use auto, papi or none", mode);
	else
		return tkp_cli_usage(cmd, "--counters '%s': expected auto, papi or none", mode);
	if (m == TKP_COUNTERS_NONE)
		return 0;
	tkp_fmt(groups, sizeof groups, "%s/profiles/groups", tkp_cli_datadir());
	rc = tkp_counters_open(out, m, groups, why, sizeof why);
	if (rc == TKP_EPARSE || rc == TKP_ENOENT || rc == TKP_EINVAL)
		return tkp_cli_usage(cmd, "%s", why);
	if (rc)
		return tkp_cli_fail(cmd, "counters: %s", why[0] ? why : tkp_strerror(rc));
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
