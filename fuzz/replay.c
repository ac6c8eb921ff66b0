/*
 * replay.c - runs a fuzz harness over files, without libFuzzer: the
 * regression test of the fuzzers in `make check` (tests/fuzz_replay_NAME,
 * built with the project's compiler and flags, sanitizers included in the
 * ASan/UBSan CI build).
 *
 * With no arguments it replays every file of fuzz/corpus/NAME (the seeds)
 * and fuzz/regress/NAME (inputs that once crashed a harness or broke one of
 * its checks: each stays here after the fix) under $TKP_SRCDIR; with
 * arguments, the files or directories given.  One TAP line per input: an
 * input that crashes kills the program, which the TAP driver reports.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef TKP_FUZZ_NAME
#error TKP_FUZZ_NAME (the harness: csv, profile, groups) must be defined
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_tests;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!fp) {
		printf("not ok %d - %s: %s\n", ++n_tests, path, strerror(errno));
		return;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (!nb)
				abort();
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		if (!got)
			break;
		n += got;
	}
	fclose(fp);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	printf("ok %d - %s: %s (%zu bytes)\n", ++n_tests, TKP_FUZZ_NAME, path, n);
}

/* Every regular file of dir, by name; 0 if dir does not exist. */
static void replay_dir(const char *dir, int must_exist)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, cap = 0;

	if (!d) {
		if (must_exist)
			printf("not ok %d - %s: %s\n", ++n_tests, dir, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (nn == cap) {
			char **nv = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
			if (!nv)
				abort();
			names = nv;
		}
		if (!(names[nn] = malloc(strlen(dir) + strlen(e->d_name) + 2)))
			abort();
		sprintf(names[nn++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof *names, cmp_str);
	for (size_t i = 0; i < nn; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
				replay_dir(argv[i], 1);
			else
				replay_file(argv[i]);
		}
	} else {
		const char *src = getenv("TKP_SRCDIR");
		char dir[4096];

		if (!src || !*src)
			src = TKP_SRCDIR;
		snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", src, TKP_FUZZ_NAME);
		replay_dir(dir, 1);
		snprintf(dir, sizeof dir, "%s/fuzz/regress/%s", src, TKP_FUZZ_NAME);
		replay_dir(dir, 0);
	}
	printf("1..%d\n", n_tests);
	return 0;
}
