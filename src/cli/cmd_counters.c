/*
 * cmd_counters.c - `tkprofile counters`: which metrics this machine can
 * count, with which event and in which pass, and for those it cannot, why
 * and what would fix it; then PAPI's version and the state of its
 * components.  It opens the counter layer exactly as a sweep does (mode
 * auto, the same group files), so what it says is what a sweep will do.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "check.h"
#include "counters.h"
#include "util.h"

const char cmd_counters_usage[] =
	"usage: tkprofile counters [--groups DIR] [--events LIST] [-v]\n"
	"       tkprofile counters --check [--quick] [--counters SRC]\n"
	"\n"
	"For each metric of the counter groups (profiles/groups/*.ini): the event\n"
	"chosen on this machine, whether it can be counted and in which pass, and if\n"
	"it cannot, why (PAPI's component status, kernel.perf_event_paranoid, no such\n"
	"event on this CPU) and what would fix it.  Then PAPI's version and the state\n"
	"of its components.  Exits 0 whenever it could find out, whatever the answer.\n"
	"\n"
	"  --groups DIR    read the group files from DIR\n"
	"                  (default: the data directory's profiles/groups)\n"
	"  --events LIST   check these events instead of the groups: comma-separated\n"
	"                  PAPI presets or native names (PAPI_TOT_CYC,PAPI_L1_DCM)\n"
	"  -v, --verbose   also show each metric's description and the events tried\n"
	"  --check         run known-answer micro-kernels (a fixed instruction loop, a\n"
	"                  chain of dependent adds for cycles, FP adds and FMAs per dtype\n"
	"                  and vector width, line walks over buffers sized from the\n"
	"                  caches) and compare each count with what it must be: expected,\n"
	"                  measured, ratio, verdict and tolerance, and what a failure\n"
	"                  means; then a verdict per metric, kept for `tkprofile counters`\n"
	"  --quick         with --check: the short form a sweep runs first (about 2 s)\n"
	"  --counters SRC  with --check: auto (default), papi or sim (exact: every\n"
	"                  ratio 1.00 for what valgrind simulates; no AVX-512 there)\n"
	"  -h, --help      this help\n"
	"\n"
	"Exit status: 0 (whatever can be counted; --check: every counted metric\n"
	"passed), 1 runtime failure or a counted metric off, 2 bad input.\n";

#define CMD "counters"

/* --check or --check-child SPEC anywhere: the counter check's commands
 * (counters_check.c); -1 when neither. */
static int check_dispatch(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--check-child")) {
			/* hidden: the simulator's child, one kernel of the check */
			if (i + 1 >= argc || argc != 3)
				return tkp_cli_usage(CMD, "--check-child: expected one SPEC");
			return tkp_check_child(argv[i + 1]) ? tkp_cli_usage(CMD, "--check-child '%s': expected "
										"a kernel this CPU runs", argv[i + 1])
							    : TKP_EXIT_OK;
		}
		if (!strcmp(argv[i], "--check"))
			return tkp_cli_counters_check(argc, argv);
	}
	return -1;
}

/* Distinct reasons, numbered for the table's WHY NOT column. */
struct notes {
	int n;
	const char *cause[TKP_COUNTERS_MAX_SLOTS];
	const char *fix[TKP_COUNTERS_MAX_SLOTS];
};

static int note_of(struct notes *nt, const char *cause, const char *fix)
{
	int i;

	for (i = 0; i < nt->n; i++)
		if (!strcmp(nt->cause[i], cause) && !strcmp(nt->fix[i], fix))
			return i + 1;
	nt->cause[nt->n] = cause;
	nt->fix[nt->n] = fix;
	return ++nt->n;
}

/* The value of --opt VALUE or --opt=VALUE at argv[*i]; NULL if argv[*i]
 * is not opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt, int *missing)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

/* Per counted metric or event: the event chosen and what it encodes to
 * (perf_event type and config, per term for weighted sums), so that a
 * count can be traced to the hardware event behind it. */
static void print_encodings(const tkp_counters *c)
{
	int i, head = 0;

	for (i = 0; i < tkp_counters_nslots(c); i++) {
		tkp_counter_slot s;

		if (tkp_counters_slot(c, i, &s) || !s.countable)
			continue;
		if (!head++)
			printf("\nevents chosen and their encodings:\n");
		printf("  %-13s %s%s\n", s.name, s.event, s.raw ? "  (raw encoding: nothing named counts here)" : "");
		printf("  %-13s = %s\n", "", s.encoding[0] ? s.encoding : "encoding unknown");
	}
}

static void print_components(void)
{
	char name[128], status[1024], ver[64];
	int i, rc;

	if (tkp_counters_papi_version(ver, sizeof ver) == TKP_ENOTSUP)
		return; /* the table's reasons already say so */
	printf("\nPAPI components:\n");
	for (i = 0; (rc = tkp_counters_component(i, name, sizeof name, status, sizeof status)) != TKP_ENOENT; i++) {
		printf("  %-18s %s\n", name, status);
		if (rc)
			break;
	}
}

int cmd_counters(int argc, char **argv)
{
	const char *groups = NULL, *events = NULL;
	char dirbuf[PATH_MAX], why[4096], ver[64];
	tkp_counters_opts o;
	tkp_counters *c = NULL;
	struct notes nt = {0};
	int i, rc, verbose = 0, counted = 0, par;

	if ((rc = check_dispatch(argc, argv)) >= 0)
		return rc;
	for (i = 1; i < argc; i++) {
		const char *v;
		int missing = 0;

		if ((v = opt_value(argc, argv, &i, "--groups", &missing)))
			groups = v;
		else if ((v = opt_value(argc, argv, &i, "--events", &missing)))
			events = v;
		else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (missing)
			return tkp_cli_usage(CMD, "%s: expected a value", argv[i]);
		else if (argv[i][0] == '-')
			return tkp_cli_usage(CMD, "unknown option '%s' (see `tkprofile counters --help`)", argv[i]);
		else
			return tkp_cli_usage(CMD, "unexpected argument '%s'", argv[i]);
	}
	if (groups && events)
		return tkp_cli_usage(CMD, "--groups and --events exclude each other");
	if (!groups && !events) {
		tkp_fmt(dirbuf, sizeof dirbuf, "%s/profiles/groups", tkp_cli_datadir());
		groups = dirbuf;
	}

	tkp_counters_opts_init(&o);
	o.mode = TKP_COUNTERS_AUTO;
	o.groups_dir = groups;
	o.events = events;
	rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
	if (rc == TKP_EPARSE || rc == TKP_ENOENT || rc == TKP_EINVAL)
		return tkp_cli_usage(CMD, "%s", why[0] ? why : tkp_strerror(rc));
	if (rc)
		return tkp_cli_fail(CMD, "%s", why[0] ? why : tkp_strerror(rc));

	if (tkp_counters_papi_version(ver, sizeof ver) == TKP_ENOTSUP)
		printf("PAPI: none in this build\n");
	else
		printf("PAPI %s\n", ver);
	if (events)
		printf("events: %s\n\n", events);
	else
		printf("group files: %s\n\n", groups);

	if (events)
		printf("%-8s %-5s %-8s %s\n", "COUNTED", "PASS", "WHY NOT", "EVENT");
	else
		printf("%-13s %-8s %-5s %-7s %-8s %s\n", "METRIC", "COUNTED", "PASS", "GROUP", "WHY NOT", "EVENT");
	for (i = 0; i < tkp_counters_nslots(c); i++) {
		tkp_counter_slot s;
		char pass[16] = "-", whynot[16] = "-";

		tkp_counters_slot(c, i, &s);
		if (s.countable) {
			counted++;
			tkp_fmt(pass, sizeof pass, "%d", s.pass + 1);
		} else {
			tkp_fmt(whynot, sizeof whynot, "[%d]", note_of(&nt, s.cause, s.fix));
		}
		if (events)
			printf("%-8s %-5s %-8s %s\n", s.countable ? "yes" : "no", pass, whynot, s.name);
		else
			printf("%-13s %-8s %-5s %-7s %-8s %s\n", s.name, s.countable ? "yes" : "no", pass,
			       s.group[0] ? s.group : "-", whynot, s.event[0] ? s.event : "-");
	}
	print_encodings(c);
	printf("\n%d of %d %s can be counted here, in %d pass%s (the kernel runs once per pass).\n", counted,
	       tkp_counters_nslots(c), events ? "events" : "metrics", tkp_counters_passes(c),
	       tkp_counters_passes(c) == 1 ? "" : "es");
	for (i = 0; i < nt.n; i++) {
		printf("\n[%d] %s\n", i + 1, nt.cause[i]);
		if (nt.fix[i][0])
			printf("    fix: %s\n", nt.fix[i]);
	}
	if (verbose) {
		printf("\n");
		for (i = 0; i < tkp_counters_nslots(c); i++) {
			tkp_counter_slot s;

			tkp_counters_slot(c, i, &s);
			printf("%s%s%s\n", s.name, s.desc[0] ? ": " : "", s.desc);
			if (s.tried[0])
				printf("    tried: %s\n", s.tried);
		}
	}
	if (!events)
		tkp_cli_check_show_saved();
	print_components();
	par = tkp_counters_paranoid();
	if (par != -100)
		printf("kernel.perf_event_paranoid = %d (2 and below allow counting your own user-space code)\n", par);
	if (!tkp_counters_passes(c))
		printf("\nNothing can be counted here: sweeps still measure time, model FLOPs and bytes\n"
		       "and the machine's ceilings; counter cells stay empty (counter_source=none).\n");
	tkp_counters_close(c);
	return TKP_EXIT_OK;
}
