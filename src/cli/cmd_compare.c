/*
 * cmd_compare.c - `tkprofile compare DIR DIR... [--out DIR]`: machines side
 * by side.  Parses the options and checks --out; the comparison (checks,
 * metrics, compare.csv, the table, the overlay charts, the report) is the
 * presentation layer's (src/present/compare*.c, compare.h).
 */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_args.h"
#include "present.h"
#include "util.h"

const char cmd_compare_usage[] =
	"usage: tkprofile compare DIR DIR... [--out DIR] [--format LIST] [--allow-mixed] [--quiet]\n"
	"\n"
	"Puts two or more results directories (machines, or runs of one machine)\n"
	"side by side; nothing is re-run.  Writes into --out DIR (default\n"
	"compare-<YYYYmmdd-HHMMSS>; never into a directory that holds files):\n"
	"  compare.csv   one row per machine and metric, with the ratio to the first\n"
	"  compare.txt   the table printed here: CPU, measured cache sizes, bandwidth\n"
	"                and latency per level, peak GFLOP/s, best GFLOP/s per kernel\n"
	"                and speed-ups over naive, each with its ratio to the first\n"
	"  plots/        compare_hierarchy (latency and bandwidth vs working set),\n"
	"                compare_roofline (every machine's ceilings and kernels),\n"
	"                compare_perf (GFLOP/s per kernel at the sizes all ran),\n"
	"                compare_speedup (speed-up over naive per machine)\n"
	"  report.md, report.html   the comparison and each machine's summary\n"
	"\n"
	"Machines are named by host (machine.json); equal hosts by date, then by\n"
	"directory.  The first directory is the reference for the ratios.\n"
	"\n"
	"options:\n"
	"  -o, --out DIR    where to write (must not exist, or be empty)\n"
	"  --format LIST    chart formats: png, pdf, svg (default png,pdf)\n"
	"  --allow-mixed    compare results written by different tkprofile versions\n"
	"                   or with different CSV columns (the columns all have are used)\n"
	"  -q, --quiet      only the table and errors\n"
	"\n"
	"Exit codes: 0 ok, 1 a file or chart could not be written, 2 bad usage, a\n"
	"directory that is not a results directory, schemas or versions that differ,\n"
	"or nothing in common to compare.\n";

#define MAXM 32

/* What marks a directory as holding a comparison already. */
static const char *const compare_files[] = {"compare.csv", "compare.txt", "report.md", NULL};

int cmd_compare(int argc, char **argv)
{
	const char *dirs[MAXM], *out = NULL;
	char outbuf[PATH_MAX];
	int nd, rc;
	tkp_present_cmp_opts o = {.fmts = TKP_PRESENT_FORMATS, .argc = argc, .argv = argv,
				  .make_out = tkp_cli_make_out};
	const tkp_cli_arg args[] = {
		{.name = "--quiet", .alias = "-q", .flag = &o.quiet, .set = 1},
		{.name = "--allow-mixed", .flag = &o.allow_mixed, .set = 1},
		{.name = "--out", .alias = "-o", .str = &out},
		{.name = "--format", .parse = tkp_gp_parse_formats, .out = &o.fmts},
		{.name = NULL},
	};

	if ((rc = tkp_cli_parse_args("compare", argc, argv, args, dirs, MAXM, &nd)))
		return rc;
	if (nd < 2)
		return tkp_cli_usage("compare", "expected two or more results directories: tkprofile "
						"compare DIR DIR... [--out DIR]");
	if (!out) {
		time_t now = time(NULL);
		char stamp[32];
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
		tkp_fmt(outbuf, sizeof outbuf, "compare-%s", stamp);
		out = outbuf;
	}
	if ((rc = tkp_cli_check_out("compare", out, compare_files, NULL, 0)))
		return rc;
	if (o.quiet)
		tkp_cli_quiet = 1;
	tkp_cli_catch_signals();
	o.dirs = dirs;
	o.ndirs = nd;
	o.out = out;
	return tkp_present_compare("compare", &o);
}
