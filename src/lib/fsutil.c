/*
 * fsutil.c - atomic file output and directory helpers.
 *
 * Every result file tkprofile writes goes through tkp_afile: a temporary file
 * beside the target, fsync, rename.  A crash, a full disk or an interrupt
 * then leaves either the old file or the new one, never half of one.
 * (sweep.csv is the exception: it grows row by row, each row flushed, so an
 * interrupted sweep keeps its finished rows.)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "util.h"

int tkp_path_join(char *buf, size_t size, const char *dir, const char *name)
{
	int n;

	if (!dir || !*dir)
		n = snprintf(buf, size, "%s", name);
	else
		n = snprintf(buf, size, "%s%s%s", dir,
			     dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return n < 0 || (size_t)n >= size ? TKP_ERANGE : 0;
}

int tkp_afile_open(tkp_afile *f, const char *path)
{
	int fd;

	memset(f, 0, sizeof *f);
	if (snprintf(f->path, sizeof f->path, "%s", path) >= (int)sizeof f->path ||
	    snprintf(f->tmp, sizeof f->tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof f->tmp) {
		errno = ENAMETOOLONG;
		return TKP_EIO;
	}
	fd = mkstemp(f->tmp);
	if (fd < 0)
		return TKP_EIO;
	/* mkstemp makes 0600; results are meant to be shared like any file. */
	{
		mode_t um = umask(0);
		umask(um);
		(void)fchmod(fd, 0666 & ~um);
	}
	f->fp = fdopen(fd, "w");
	if (!f->fp) {
		int e = errno;
		close(fd);
		unlink(f->tmp);
		errno = e;
		return TKP_EIO;
	}
	return 0;
}

int tkp_afile_commit(tkp_afile *f)
{
	int e = 0;

	if (!f->fp)
		return TKP_EIO;
	if (fflush(f->fp) != 0 || ferror(f->fp))
		e = errno ? errno : EIO;
	if (!e && fsync(fileno(f->fp)) != 0 && errno != EINVAL && errno != EROFS)
		e = errno;
	if (fclose(f->fp) != 0 && !e)
		e = errno ? errno : EIO;
	f->fp = NULL;
	if (!e && rename(f->tmp, f->path) != 0)
		e = errno;
	if (e) {
		unlink(f->tmp);
		errno = e;
		return TKP_EIO;
	}
	return 0;
}

void tkp_afile_abort(tkp_afile *f)
{
	int e = errno;

	if (f->fp) {
		fclose(f->fp);
		f->fp = NULL;
	}
	if (f->tmp[0])
		unlink(f->tmp);
	errno = e;
}

int tkp_write_file(const char *path, const void *data, size_t len)
{
	tkp_afile f;

	if (tkp_afile_open(&f, path) != 0)
		return TKP_EIO;
	if (len && fwrite(data, 1, len, f.fp) != len) {
		tkp_afile_abort(&f);
		return TKP_EIO;
	}
	return tkp_afile_commit(&f);
}

int tkp_read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = TKP_EIO;

	if (!fp)
		return TKP_EIO;
	for (;;) {
		size_t got;
		if (n + 4096 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 8192;
			if (!(nb = realloc(buf, cap))) {
				rc = TKP_ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (n > max) {
			errno = EFBIG;
			rc = TKP_ERANGE;
			goto fail;
		}
		if (got == 0)
			break;
	}
	if (ferror(fp))
		goto fail;
	fclose(fp);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
fail:
	fclose(fp);
	free(buf);
	return rc;
}

int tkp_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n;

	if (!path || !*path || (n = strlen(path)) >= sizeof buf) {
		errno = path && *path ? ENAMETOOLONG : EINVAL;
		return TKP_EIO;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return TKP_EIO;
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0) {
		struct stat st;
		if (errno != EEXIST || stat(buf, &st) != 0)
			return TKP_EIO;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return TKP_EIO;
		}
	}
	return 0;
}

int tkp_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}
