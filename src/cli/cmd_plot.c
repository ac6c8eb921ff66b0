/*
 * cmd_plot.c - `tkprofile plot DIR`: draw a results directory's charts.
 * Parses the options; the drawing is the presentation layer's
 * (src/present/plot.c, and the chart registry, charts.c).
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "present.h"

const char cmd_plot_usage[] =
	"usage: tkprofile plot DIR [--format LIST] [--quiet]\n"
	"\n"
	"(Re)draws the charts of a results directory from its files (sweep.csv,\n"
	"ceilings.csv, hierarchy.csv, machine.json) into DIR/plots/; kernels are\n"
	"never re-run, so results measured elsewhere can be plotted here.\n"
	"\n"
	"charts (one file per chart and format):\n"
	"  roofline   GFLOP/s vs arithmetic intensity, compute and bandwidth ceilings\n"
	"  perf       GFLOP/s vs matrix size per kernel, with the peak\n"
	"  speedup    speed-up over the naive kernel vs size\n"
	"  blocksize  GFLOP/s vs block size, L1/L2 fits marked\n"
	"  threads    speed-up and parallel efficiency vs threads\n"
	"  hierarchy  latency and bandwidth vs working set, cache sizes marked\n"
	"  cache      cache misses per 1000 FLOP vs size (needs counters)\n"
	"A chart the data cannot fill says what to run to fill it.\n"
	"\n"
	"options:\n"
	"  --format LIST  comma-separated: png (1280x800), pdf, svg (default png,pdf)\n"
	"  -q, --quiet    no progress notes\n"
	"\n"
	"Needs gnuplot (Debian: apt-get install gnuplot-nox); without it the command\n"
	"says so and exits 0, leaving the CSV as it is.  Each gnuplot run is stopped\n"
	"after TKP_PLOT_TIMEOUT seconds (default 60).\n"
	"Exit codes: 0 ok, 1 a chart failed, 2 bad usage or malformed input files.\n";

int cmd_plot(int argc, char **argv)
{
	const char *dir;
	int quiet = 0, fmts = TKP_PRESENT_FORMATS, rc, n;
	const tkp_cli_arg args[] = {
		{.name = "--quiet", .alias = "-q", .flag = &quiet, .set = 1},
		{.name = "--format", .parse = tkp_gp_parse_formats, .out = &fmts,
		 .missing = "--format: expected a list such as png,pdf"},
		{.name = NULL},
	};

	if ((rc = tkp_cli_parse_args("plot", argc, argv, args, &dir, 1, &n)))
		return rc;
	if (!n)
		return tkp_cli_usage("plot", "expected a results directory: tkprofile plot DIR");
	if (quiet)
		tkp_cli_quiet = 1;
	tkp_cli_catch_signals();
	return tkp_present_plot("plot", dir, fmts, quiet);
}
