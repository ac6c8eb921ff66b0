/*
 * cli_args.c - the arguments of the commands that read results
 * directories (cli_args.h).  One loop, so plot, report and compare accept
 * and refuse their arguments alike.
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "cli_args.h"

/* The option row a names (the "--name=" part of "--name=value" too), or
 * NULL; *val gets what follows '='. */
static const tkp_cli_arg *find_arg(const tkp_cli_arg *args, const char *a, const char **val)
{
	*val = NULL;
	for (const tkp_cli_arg *o = args; o->name; o++) {
		size_t n = strlen(o->name);
		if (!strcmp(a, o->name) || (o->alias && !strcmp(a, o->alias)))
			return o;
		if (!o->flag && !strncmp(a, o->name, n) && a[n] == '=') {
			*val = a + n + 1;
			return o;
		}
	}
	return NULL;
}

/* Stores val for o. */
static int take_value(const char *cmd, const tkp_cli_arg *o, const char *val)
{
	if (o->str) {
		*o->str = val;
		return 0;
	}
	return o->parse(cmd, val, o->out);
}

/* A positional argument: kept, unless there is no room for it. */
static int take_positional(const char *cmd, const char *a, const char **pos, int maxpos, int *npos)
{
	if (*npos < maxpos) {
		pos[(*npos)++] = a;
		return 0;
	}
	if (maxpos == 1)
		return tkp_cli_usage(cmd, "one results directory expected, got '%s' and '%s'", pos[0], a);
	return tkp_cli_usage(cmd, "at most %d results directories", maxpos);
}

int tkp_cli_parse_args(const char *cmd, int argc, char **argv, const tkp_cli_arg *args,
		       const char **pos, int maxpos, int *npos)
{
	int opts = 1, rc;

	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		const tkp_cli_arg *o = opts ? find_arg(args, a, &val) : NULL;
		if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (o && o->flag) {
			*o->flag = o->set;
		} else if (o) {
			if (!val && i + 1 >= argc)
				return o->missing ? tkp_cli_usage(cmd, "%s", o->missing)
						  : tkp_cli_usage(cmd, "option '%s' needs a value", a);
			if ((rc = take_value(cmd, o, val ? val : argv[++i])))
				return rc;
		} else if (opts && a[0] == '-' && a[1]) {
			return tkp_cli_usage(cmd, "unknown option '%s' (see `tkprofile %s --help`)", a, cmd);
		} else if ((rc = take_positional(cmd, a, pos, maxpos, npos))) {
			return rc;
		}
	}
	return 0;
}
