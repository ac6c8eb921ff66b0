/*
 * main.c - the tkprofile driver: global options and the subcommand table.
 *
 * Each subcommand lives in its own src/cli/cmd_<name>.c; this file only
 * dispatches, prints help, and makes sure what was written to stdout really
 * reached it (a full disk or a closed pipe must not exit 0).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "present.h"

typedef struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
} cmd_struct;

static const cmd_struct commands[] = {
	{"sweep", cmd_sweep, cmd_sweep_usage, "sweep sizes, blocks and threads across the kernels"},
	{"run", cmd_run, cmd_run_usage, "measure one kernel configuration"},
	{"machine", cmd_machine, cmd_machine_usage, "probe topology, ceilings and the memory hierarchy"},
	{"counters", cmd_counters, cmd_counters_usage, "which metrics this machine can count, and why not"},
	{"kernels", cmd_kernels, cmd_kernels_usage, "the kernel table and what this CPU can run"},
	{"tune", cmd_tune, cmd_tune_usage, "find the tuned kernel's cache blocking for this machine (and save it)"},
	{"plot", cmd_plot, cmd_plot_usage, "(re)draw a results directory's charts from its CSV"},
	{"compare", cmd_compare, cmd_compare_usage, "put machines' results side by side"},
	{"report", cmd_report, cmd_report_usage, "write a results directory's report (Markdown and HTML)"},
	{"new-kernel", cmd_new_kernel, cmd_new_kernel_usage, "write NAME.c, a kernel of your own to start from"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cmd_struct *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void tkp_cli_print_usage(const char *cmd)
{
	const cmd_struct *c = find_command(cmd);

	if (c)
		fputs(c->usage, stdout);
}

static void print_main_help(FILE *fp)
{
	fprintf(fp,
		"usage: tkprofile <command> [options]\n"
		"\n"
		"Profiles matrix-multiplication kernels with timers and hardware counters,\n"
		"writes tidy CSV and draws roofline and cache charts.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp,
		"  %-10s %s\n"
		"\n"
		"options:\n"
		"  -h, --help     this help; `tkprofile help COMMAND` or `tkprofile COMMAND --help`\n"
		"  -V, --version  version and build configuration\n"
		"\n"
		"Start with `tkprofile sweep` (about 5 minutes) or `tkprofile sweep --profile quick`.\n"
		"Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 130 interrupted.\n"
		"See tkprofile(1).\n",
		"help", "help on a command");
}

static void print_version(void)
{
	printf("tkprofile %s\n", PACKAGE_VERSION);
	printf("features:");
#ifdef TKP_HAVE_PAPI
	printf(" papi");
#endif
#ifdef TKP_HAVE_HWLOC
	printf(" hwloc");
#endif
#ifdef TKP_HAVE_CBLAS
	printf(" cblas");
#endif
#ifdef TKP_HAVE_X86_SIMD
	printf(" x86-simd");
#endif
	printf("\nisa path: %s\n", tkp_isa_name());
	printf("data: %s\n", tkp_cli_datadir());
}

/* Exit status after making sure stdout was written: buffered output can
 * fail only at the final flush (ENOSPC, EIO, EPIPE). */
static int finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "tkprofile: error writing standard output: %s\n", strerror(errno));
		return rc ? rc : TKP_EXIT_FAIL;
	}
	return rc;
}

static int dispatch(int argc, char **argv)
{
	const cmd_struct *c;

	/* A file-size limit (ulimit -f) must make write() fail with EFBIG, to be
	 * reported with the file's name like a full disk, not kill us with
	 * SIGXFSZ half-way through a file. */
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		print_main_help(stderr);
		return TKP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_main_help(stdout);
		return finish(0);
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		if (argc > 2) {
			fprintf(stderr, "tkprofile: --version: unexpected argument '%s'\n", argv[2]);
			return TKP_EXIT_USAGE;
		}
		print_version();
		return finish(0);
	}
	if (!strcmp(argv[1], "help")) {
		if (argc > 3) {
			fprintf(stderr, "tkprofile: help: unexpected argument '%s' (one command at most)\n",
				argv[3]);
			return TKP_EXIT_USAGE;
		}
		if (argc < 3 || !strcmp(argv[2], "help")) {
			print_main_help(stdout);
			return finish(0);
		}
		if (!(c = find_command(argv[2]))) {
			fprintf(stderr, "tkprofile: help: unknown command '%s' (see `tkprofile --help`)\n",
				argv[2]);
			return TKP_EXIT_USAGE;
		}
		fputs(c->usage, stdout);
		return finish(0);
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "tkprofile: unknown option '%s' (see `tkprofile --help`)\n", argv[1]);
		return TKP_EXIT_USAGE;
	}
	if (!(c = find_command(argv[1]))) {
		fprintf(stderr, "tkprofile: unknown command '%s' (expected one of:", argv[1]);
		for (size_t i = 0; i < NCOMMANDS; i++)
			fprintf(stderr, " %s", commands[i].name);
		fprintf(stderr, ", help)\n");
		return TKP_EXIT_USAGE;
	}
	if (tkp_cli_wants_help(argc - 1, argv + 1)) {
		fputs(c->usage, stdout);
		return finish(0);
	}
	tkp_cli_check_env(c->name);
	/* the presentation layer (plot, report, compare; sweep's charts) follows
	 * our data directory, interrupts and --quiet */
	tkp_pr_init(tkp_cli_datadir, &tkp_cli_interrupted, &tkp_cli_quiet);
	return finish(c->fn(argc - 1, argv + 1));
}

int main(int argc, char **argv)
{
	int rc = dispatch(argc, argv);
	struct rlimit as;

	/* Under an address-space limit (ulimit -v) too small for OpenBLAS's
	 * buffers, its worker threads retry mmap forever, and its exit handler
	 * joins them: exit() would never return.  The blas kernel refuses
	 * such calls now (blas.c); this stays as the second line of defence
	 * (OpenBLAS called by other code of a program linking us does not
	 * reach here, but ours might by another path).  Everything is written
	 * and flushed by now, so leave without the exit handlers. */
	if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
		fflush(NULL);
		_exit(rc);
	}
	return rc;
}
