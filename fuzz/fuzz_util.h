/*
 * fuzz_util.h - what the fuzz harnesses share: the input as a file.
 *
 * The parsers under test read files by path (tkp_csv_read, tkp_plan_load,
 * the group files of a directory), so each input is written to a file in
 * a private temporary directory made once per process.  A memfd path
 * (/proc/self/fd/N) would do for the CSV reader and the profile parser, but
 * the group-file parser scans a directory for *.ini, so all three use one
 * mechanism.  Everything here is test scaffolding: on a setup failure it
 * aborts, which libFuzzer reports (and which never happens in practice).
 */
#ifndef TKP_FUZZ_UTIL_H
#define TKP_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The private directory, made on first use and removed at exit. */
static char fuzz_dir[64];
static char fuzz_file_path[128];

static void fuzz_cleanup(void)
{
	if (fuzz_file_path[0])
		unlink(fuzz_file_path);
	if (fuzz_dir[0])
		rmdir(fuzz_dir);
}

/* Writes data to DIR/name (replacing it) and returns its path. */
static const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	FILE *fp;

	if (!fuzz_dir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/tkp-fuzz.XXXXXX", t && *t && strlen(t) < 40 ? t : "/tmp");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
	}
	snprintf(fuzz_file_path, sizeof fuzz_file_path, "%s/%s", fuzz_dir, name);
	if (!(fp = fopen(fuzz_file_path, "wb")))
		abort();
	if (size && fwrite(data, 1, size, fp) != size)
		abort();
	if (fclose(fp))
		abort();
	return fuzz_file_path;
}

/* A check of the harness: on failure says which, then aborts (which
 * libFuzzer reports as a crash and saves the input). */
#define FUZZ_CHECK(cond)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz: check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* The error text a parser returned must be a terminated string that names
 * the file (every message is "FILE:LINE: what" or "FILE: why"). */
static void fuzz_check_err(const char *err, size_t errlen, const char *must_hold)
{
	if (!memchr(err, '\0', errlen))
		abort();
	if (must_hold && !strstr(err, must_hold)) {
		fprintf(stderr, "fuzz: error message '%s' does not name '%s'\n", err, must_hold);
		abort();
	}
}

#endif
