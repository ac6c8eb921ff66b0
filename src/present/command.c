/*
 * command.c - commands as text (shell quoting) and the command recorded
 * with a results directory (command.h, present.h).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "fsutil.h"
#include "present.h"
#include "util.h"

#define CMD_FILE "command.txt"
/* How report.md has carried the command since before command.txt. */
#define CMD_MARK "<!-- tkprofile-command: "

void tkp_shell_quote(char *buf, size_t size, const char *s)
{
	size_t n = 0;
	int plain = *s != '\0';

	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+@%-",
			    *p))
			plain = 0;
	if (plain) {
		tkp_strlcpy(buf, s, size);
		return;
	}
	if (size < 3) {
		if (size)
			buf[0] = '\0';
		return;
	}
	buf[n++] = '\'';
	for (; *s && n + 6 < size; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

void tkp_shell_command(char *buf, size_t size, int argc, char **argv)
{
	size_t n;

	tkp_strlcpy(buf, "tkprofile", size);
	for (int i = 0; i < argc && (n = strlen(buf)) + 2 < size; i++) {
		char q[4096];
		tkp_shell_quote(q, sizeof q, argv[i]);
		tkp_fmt(buf + n, size - n, " %s", q);
	}
}

int tkp_command_save(const char *cmd, const char *dir, const char *command)
{
	char path[PATH_MAX];
	tkp_afile f;

	if (tkp_path_join(path, sizeof path, dir, CMD_FILE))
		return tkp_pr_fail(cmd, "%s: path too long", dir);
	if (tkp_afile_open(&f, path))
		return tkp_pr_fail(cmd, "%s: %s", path, strerror(errno));
	for (const char *p = command; *p; p++) /* one line, whatever argv held */
		fputc((unsigned char)*p < 0x20 ? ' ' : *p, f.fp);
	fputc('\n', f.fp);
	if (ferror(f.fp)) {
		int e = errno;
		tkp_afile_abort(&f);
		return tkp_pr_fail(cmd, "%s: %s", path, strerror(e));
	}
	if (tkp_afile_commit(&f))
		return tkp_pr_fail(cmd, "%s: %s", path, strerror(errno));
	return 0;
}

void tkp_command_mark(FILE *md, const char *command)
{
	fputs(CMD_MARK, md);
	for (const char *p = command; *p; p++) {
		if ((unsigned char)*p < 0x20)
			fputc(' ', md);
		else if (p[0] == '-' && p[1] == '-' && p[2] == '>')
			fputs("--\\", md), p++;
		else
			fputc(*p, md);
	}
	fputs(" -->\n\n", md);
}

/* The text of dir/name, or NULL; free it. */
static char *read_text(const char *dir, const char *name, size_t max)
{
	char path[PATH_MAX], *data = NULL;
	size_t len;

	if (tkp_path_join(path, sizeof path, dir, name) || tkp_read_file(path, max, &data, &len))
		return NULL;
	return data;
}

void tkp_present_command(const char *dir, char *buf, size_t size)
{
	char *data, *p, *e;

	buf[0] = '\0';
	if ((data = read_text(dir, CMD_FILE, 64 << 10))) {
		tkp_fmt(buf, size, "%.*s", (int)strcspn(data, "\n"), data);
		free(data);
		if (buf[0])
			return;
	}
	/* results written before command.txt: the comment in report.md */
	if (!(data = read_text(dir, "report.md", 4 << 20)))
		return;
	if ((p = strstr(data, CMD_MARK)) && (e = strstr(p, " -->\n"))) {
		p += strlen(CMD_MARK);
		tkp_fmt(buf, size, "%.*s", (int)(e - p), p);
	}
	free(data);
}
