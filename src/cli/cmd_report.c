/*
 * cmd_report.c - `tkprofile report DIR`: a results directory's report.md
 * and self-contained report.html.  Parses the options; the report is the
 * presentation layer's (src/present/report.c), the same the sweep writes.
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "present.h"

const char cmd_report_usage[] =
	"usage: tkprofile report DIR [--no-plots] [--quiet]\n"
	"\n"
	"Writes DIR/report.md and DIR/report.html from a results directory: the\n"
	"machine, its ceilings, the summary table with speed-ups over naive, every\n"
	"chart with a caption of what it shows, and how to reproduce the run (the\n"
	"command, plan.prof, versions).  report.html is one self-contained page:\n"
	"charts inlined as PNG, CSS inline, nothing fetched from the network.\n"
	"Every sweep writes its report at the end; run this after re-plotting or\n"
	"on results copied from elsewhere.\n"
	"\n"
	"options:\n"
	"  --no-plots    use the charts in DIR/plots as they are; by default charts\n"
	"                missing there are drawn first (needs gnuplot)\n"
	"  -q, --quiet   no progress notes\n"
	"\n"
	"Exit codes: 0 ok, 1 the report or a chart could not be written,\n"
	"2 bad usage or malformed input files.\n";

int cmd_report(int argc, char **argv)
{
	const char *dir;
	int quiet = 0, plots = 1, rc, n;
	const tkp_cli_arg args[] = {
		{.name = "--quiet", .alias = "-q", .flag = &quiet, .set = 1},
		{.name = "--no-plots", .flag = &plots, .set = 0},
		{.name = NULL},
	};

	if ((rc = tkp_cli_parse_args("report", argc, argv, args, &dir, 1, &n)))
		return rc;
	if (!n)
		return tkp_cli_usage("report", "expected a results directory: tkprofile report DIR");
	if (quiet)
		tkp_cli_quiet = 1;
	tkp_cli_catch_signals();
	return tkp_present_report("report", dir, 0, NULL, plots, quiet);
}
