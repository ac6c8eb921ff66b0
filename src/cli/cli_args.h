/*
 * cli_args.h - the arguments of the commands that take results
 * directories (plot, report, compare): options from a table, positional
 * directories, and the same messages for the same mistakes.
 *
 * Accepted: "--" (what follows is positional), each option by its name or
 * alias, a value as the next argument or, for a long name, after '='
 * ("--format=png").  "-" alone is positional.
 */
#ifndef TKP_CLI_ARGS_H
#define TKP_CLI_ARGS_H

typedef struct tkp_cli_arg {
	const char *name;  /* "--quiet" */
	const char *alias; /* "-q", or NULL */
	/* an option without a value stores set into *flag */
	int *flag, set;
	/* an option with a value: the string kept in *str, or parsed by parse
	 * into *out (parse prints why not and returns an exit code) */
	const char **str;
	int (*parse)(const char *cmd, const char *val, int *out);
	int *out;
	/* the message when its value is missing; NULL: "option 'X' needs a value" */
	const char *missing;
} tkp_cli_arg;

/*
 * Parses argv[1..argc-1] by args (ended by a row whose name is NULL),
 * keeping at most maxpos positional arguments in pos (*npos of them).
 * Prints and returns TKP_EXIT_USAGE for an unknown option, a missing value
 * or too many positional arguments; an option's parse error as it returned
 * it; else 0.
 */
int tkp_cli_parse_args(const char *cmd, int argc, char **argv, const tkp_cli_arg *args,
		       const char **pos, int maxpos, int *npos);

#endif
