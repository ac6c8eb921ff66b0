/*
 * cmd_compare.c - `tkprofile compare DIR DIR... [--out DIR]`.
 *
 * Not built yet (issue 8): it refuses clearly rather than pretending.
 */
#include "config.h"

#include "cli.h"

const char cmd_compare_usage[] =
	"usage: tkprofile compare DIR DIR... [--out DIR]\n"
	"\n"
	"Puts two or more results directories (machines) side by side: overlaid\n"
	"memory-hierarchy staircases and rooflines, compare.csv and a ratio table.\n"
	"\n"
	"Not available in this version yet.\n";

int cmd_compare(int argc, char **argv)
{
	return tkp_cli_fail("compare", "not available in this version yet (planned); "
				       "plot each directory with `tkprofile plot DIR` meanwhile");
}
