/*
 * pmsg.c - messages and run-time hooks of the presentation layer (pmsg.h).
 * The text of a message is the CLI's ("tkprofile: CMD: ..."), so a user
 * cannot tell which layer printed it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "pmsg.h"

static const char *(*datadir_fn)(void);
static volatile sig_atomic_t *interrupted_flag;
static const int *quiet_flag;

void tkp_pr_init(const char *(*datadir)(void), volatile sig_atomic_t *interrupted,
		 const int *quiet)
{
	datadir_fn = datadir;
	interrupted_flag = interrupted;
	quiet_flag = quiet;
}

const char *tkp_pr_datadir(void)
{
	return datadir_fn ? datadir_fn() : TKP_PKGDATADIR;
}

int tkp_pr_interrupted(void)
{
	return interrupted_flag && *interrupted_flag;
}

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

int tkp_pr_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return TKP_PR_USAGE;
}

int tkp_pr_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return TKP_PR_FAIL;
}

void tkp_pr_warn(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
}

void tkp_pr_note(const char *fmt, ...)
{
	va_list ap;

	if (quiet_flag && *quiet_flag)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
