/*
 * tap.h - a minimal TAP producer for the C unit tests.
 *
 * Each test program prints "1..N" at the end (plan(0) / done_testing style),
 * one "ok N - what" or "not ok N - what" per check, and exits non-zero when
 * any check failed.  A check that needs something absent is skip()ed with a
 * reason, never passed silently.
 */
#ifndef TKP_TAP_H
#define TKP_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline void tap_skip(const char *reason, const char *what)
{
	tap_n++;
	printf("ok %d - %s # SKIP %s\n", tap_n, what, reason);
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Prints the plan and returns the exit status for main(). */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/* Writes text into the file at path (a fixture); 0, or -1 when it
 * cannot be written. */
static inline int tap_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return -1;
	bad = fputs(text, f) < 0;
	return fclose(f) != 0 || bad ? -1 : 0;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define skip(reason, ...) tap_skip(reason, __VA_ARGS__)
#define diag(...) tap_diag(__VA_ARGS__)

#endif
