/*
 * cmd_report.c - `tkprofile report DIR`: a results directory's report.md
 * and self-contained report.html.  Parses the options; the report is the
 * presentation layer's (src/present/report.c), the same the sweep writes.
 */
#include "config.h"

#include <string.h>

#include "cli.h"
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
	const char *dir = NULL;
	int quiet = 0, plots = 1, opts = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
			quiet = 1;
		} else if (opts && !strcmp(a, "--no-plots")) {
			plots = 0;
		} else if (opts && a[0] == '-' && a[1]) {
			return tkp_cli_usage("report", "unknown option '%s' (see `tkprofile report --help`)",
					     a);
		} else if (dir) {
			return tkp_cli_usage("report", "one results directory expected, got '%s' and '%s'",
					     dir, a);
		} else {
			dir = a;
		}
	}
	if (!dir)
		return tkp_cli_usage("report", "expected a results directory: tkprofile report DIR");
	if (quiet)
		tkp_cli_quiet = 1;
	tkp_cli_catch_signals();
	return tkp_present_report("report", dir, 0, NULL, plots, quiet);
}
