/*
 * fsutil.h - files that are never torn: write to a temporary name in the
 * same directory, fsync, rename.  Plus mkdir -p and small file reads.
 */
#ifndef TKP_FSUTIL_H
#define TKP_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

/* An output file being written atomically. */
typedef struct tkp_afile {
	FILE *fp;
	char path[4096];
	char tmp[4096];
} tkp_afile;

/* Opens path.tmp.XXXXXX for writing beside path. */
int tkp_afile_open(tkp_afile *f, const char *path);
/* Flushes, fsyncs and renames onto path; on any failure removes the
 * temporary file and returns TKP_EIO with errno set. */
int tkp_afile_commit(tkp_afile *f);
/* Removes the temporary file (on error paths). */
void tkp_afile_abort(tkp_afile *f);

/* Writes the whole of data to path atomically. */
int tkp_write_file(const char *path, const void *data, size_t len);
/* Reads a whole file (NUL-terminated, at most max bytes); caller frees. */
int tkp_read_file(const char *path, size_t max, char **out, size_t *len);

/* mkdir -p with mode 0777 (umask applies).  Returns TKP_EIO with errno. */
int tkp_mkdirs(const char *path);
/* 1 if path exists (any type), 0 otherwise. */
int tkp_path_exists(const char *path);
/* Joins dir and name into buf; TKP_ERANGE if it does not fit. */
int tkp_path_join(char *buf, size_t size, const char *dir, const char *name);

#endif
