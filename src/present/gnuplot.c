/*
 * gnuplot.c - running gnuplot on tkprofile's chart scripts, and writing the
 * variables and data files they read (gnuplot.h).  Shared by `tkprofile
 * plot` and `tkprofile compare`.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmsg.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "util.h"

/* ---- writing variables -------------------------------------------------- */


/* Writes s as a gnuplot single-quoted string: '' for a quote, control
 * characters as spaces, at most max bytes (cut at a UTF-8 boundary). */
void tkp_gp_str(FILE *fp, const char *s, size_t max)
{
	size_t n = 0;

	fputc('\'', fp);
	for (; s && *s && n < max; s++, n++) {
		unsigned char ch = (unsigned char)*s;
		if (n + 1 == max && (ch & 0xC0) == 0x80)
			break;
		if (ch == '\'')
			fputs("''", fp);
		else if (ch < 0x20 || ch == 0x7f)
			fputc(' ', fp);
		else
			fputc(ch, fp);
	}
	fputc('\'', fp);
}

void tkp_gp_set_str(FILE *fp, const char *var, const char *s)
{
	fprintf(fp, "%s = ", var);
	tkp_gp_str(fp, s, 400);
	fputc('\n', fp);
}

void tkp_gp_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.10g", v);
	else
		fputs("NaN", fp);
}

void tkp_gp_set_num(FILE *fp, const char *var, double v)
{
	fprintf(fp, "%s = ", var);
	tkp_gp_num(fp, v);
	fputc('\n', fp);
}

/* One line of a message: "message = 'text'" or "message = message . "\n" . 'text'". */
static void gp_message_line(FILE *fp, int *line, const char *s, size_t len)
{
	char part[512];

	if (len >= sizeof part)
		len = sizeof part - 1;
	memcpy(part, s, len);
	part[len] = '\0';
	fputs((*line)++ ? "message = message . \"\\n\" . " : "message = ", fp);
	tkp_gp_str(fp, part, sizeof part);
	fputc('\n', fp);
}

/* A message chart: the script draws `message` instead of data.  Lines
 * longer than fit on the chart are wrapped at spaces (UTF-8 aware), the
 * continuation indented like the line plus two. */
void tkp_gp_message(FILE *fp, const char *fmt, ...)
{
	enum { WIDTH = 84 };
	char buf[2048], cont[WIDTH + 600];
	va_list ap;
	const char *p, *nl;
	int line = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (p = buf;; p = nl + 1) {
		size_t len, indent = 0, hang;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		while (indent < len && p[indent] == ' ')
			indent++;
		hang = indent + 2 < 40 ? indent + 2 : 40;
		for (;;) {
			size_t chars = 0, cut = 0, i;
			for (i = 0; i < len; i++) {
				if (((unsigned char)p[i] & 0xC0) != 0x80)
					chars++;
				if (chars > WIDTH)
					break;
				if (p[i] == ' ' && i > indent)
					cut = i;
			}
			if (i >= len || !cut) {
				gp_message_line(fp, &line, p, len);
				break;
			}
			gp_message_line(fp, &line, p, cut);
			/* the rest, indented, in a buffer of its own (p may point into
			 * it already: the rest starts after the indent, so memmove) */
			{
				size_t rest = len - cut - 1;
				if (rest > sizeof cont - hang - 1)
					rest = sizeof cont - hang - 1;
				memmove(cont + hang, p + cut + 1, rest);
				memset(cont, ' ', hang);
				p = cont;
				len = hang + rest;
				indent = hang;
			}
		}
		if (!nl)
			break;
	}
}

/* Bytes as "32 KiB", "1 MiB", "508 MiB" (at most 3 significant digits). */
void tkp_gp_fmt_bytes(char *buf, size_t size, double b)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	if (b == floor(b) || b >= 100)
		tkp_fmt(buf, size, "%.0f %s", b, unit[u]);
	else
		tkp_fmt(buf, size, "%.3g %s", b, unit[u]);
}

/* 3 significant digits, no exponent for the ranges we plot. */
void tkp_gp_fmt_val(char *buf, size_t size, double v)
{
	if (v >= 100)
		tkp_fmt(buf, size, "%.0f", v);
	else
		tkp_fmt(buf, size, "%.3g", v);
}

/* Log-axis range ends: the nearest 1, 2 or 5 × 10^k below / above v. */
double tkp_gp_dec_floor(double v)
{
	double d = pow(10, floor(log10(v) + 1e-9));

	return v >= 5 * d ? 5 * d : v >= 2 * d ? 2 * d : d;
}

double tkp_gp_dec_ceil(double v)
{
	double d = pow(10, floor(log10(v) + 1e-9));

	return v <= d * (1 + 1e-9) ? d : v <= 2 * d ? 2 * d : v <= 5 * d ? 5 * d : 10 * d;
}


/* An array of numbers and one of strings, both of length n (at least 1). */
void tkp_gp_num_array(FILE *fp, const char *name, const double *v, int n)
{
	fprintf(fp, "array %s[%d]\n", name, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		fprintf(fp, "%s[%d] = ", name, i + 1);
		tkp_gp_num(fp, v[i]);
		fputc('\n', fp);
	}
}

void tkp_gp_str_array(FILE *fp, const char *name, char (*v)[200], int n)
{
	fprintf(fp, "array %s[%d]\n", name, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		fprintf(fp, "%s[%d] = ", name, i + 1);
		tkp_gp_str(fp, v[i], 190);
		fputc('\n', fp);
	}
}

void tkp_gp_end_block(FILE *dat)
{
	fputs("\n\n", dat);
}

/* Tics on a log2 axis: the given values when there are few, else powers of

 * two (sizes) inside [lo, hi]. */
void tkp_gp_size_tics(FILE *fp, const char *name, const double *vals, int n, double lo, double hi,
		      int bytes)
{
	double tv[64];
	char tl[64][200];
	int m = 0;

	if (n > 0 && n <= 10) {
		for (int i = 0; i < n && m < 64; i++)
			tv[m++] = vals[i];
	} else {
		int step = log2(hi / lo) > 14 ? 2 : 1;
		for (double e = ceil(log2(lo)); e <= floor(log2(hi)) && m < 64; e += step)
			tv[m++] = pow(2, e);
	}
	for (int i = 0; i < m; i++) {
		if (bytes)
			tkp_gp_fmt_bytes(tl[i], sizeof tl[i], tv[i]);
		else
			tkp_gp_fmt_val(tl[i], sizeof tl[i], tv[i]);
	}
	fprintf(fp, "%sv_n = %d\n", name, m);
	{
		char nm[64];
		tkp_fmt(nm, sizeof nm, "%sv", name);
		tkp_gp_num_array(fp, nm, tv, m);
		tkp_fmt(nm, sizeof nm, "%sl", name);
		tkp_gp_str_array(fp, nm, tl, m);
	}
}

/* ---- running gnuplot -------------------------------------------------- */


/* The gnuplot executable on PATH, or 0 when there is none. */
static int find_gnuplot(char *out, size_t size)
{
	const char *path = getenv("PATH"), *p, *e;
	char def[256];

	if (!path) {
		size_t n = confstr(_CS_PATH, def, sizeof def);
		path = n > 0 && n <= sizeof def ? def : "/usr/bin:/bin";
	}
	for (p = path;; p = e + 1) {
		struct stat st;
		size_t len;
		e = strchr(p, ':');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0)
			tkp_fmt(out, size, "./gnuplot");
		else if (len < size - 9)
			tkp_fmt(out, size, "%.*s/gnuplot", (int)len, p);
		else
			out[0] = '\0';
		if (out[0] && stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 1;
		if (!e)
			return 0;
	}
}

static double plot_timeout(void)
{
	const char *s = getenv("TKP_PLOT_TIMEOUT");
	double t;

	if (s && *s && tkp_parse_double(s, &t) == 0 && t > 0)
		return t;
	return 60;
}

/* Last lines of the file (at most about 1500 bytes), for messages. */
static void file_tail(const char *path, char *buf, size_t size)
{
	char *data = NULL;
	size_t len = 0, start;

	buf[0] = '\0';
	if (tkp_read_file(path, 1 << 20, &data, &len) || !len) {
		free(data);
		return;
	}
	while (len && (data[len - 1] == '\n' || data[len - 1] == ' '))
		data[--len] = '\0';
	start = len > size - 1 ? len - (size - 1) : 0;
	while (start > 0 && start < len && data[start - 1] != '\n')
		start++;
	tkp_strlcpy(buf, data + start, size);
	free(data);
}

/* In the child: gnuplot with stdin from /dev/null, stdout and stderr into
 * fd, in the private directory, in a process group of its own.  Does not
 * return. */
static void exec_gnuplot(const tkp_gp *c, int fd, char **argv)
{
	int in = open("/dev/null", O_RDONLY);

	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	setpgid(0, 0); /* a timeout kills gnuplot and anything it started */
	if (in < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || chdir(c->tmp) != 0) {
		dprintf(fd, "tkprofile: cannot set up gnuplot: %s\n", strerror(errno));
		_exit(127);
	}
	unsetenv("DISPLAY"); /* never an X11 window, whatever ~/.gnuplot says */
	execv(c->exe, argv);
	dprintf(2, "tkprofile: cannot run %s: %s\n", c->exe, strerror(errno));
	_exit(127);
}

/* Runs gnuplot in c->tmp with -e setup, the chart's variables file, then
 * common.gp and the chart's script.  Returns 0, or prints why and returns
 * TKP_PR_FAIL, TKP_GP_HUNG or TKP_PR_INTR (interrupted: nothing printed). */
static int run_gnuplot(tkp_gp *c, const char *chart, const char *fmt, const char *outname)
{
	char setup[256], vars[64], common[PATH_MAX], script[PATH_MAX], errpath[PATH_MAX];
	char tail[1600];
	char *argv[8];
	double limit = plot_timeout(), t0;
	struct timespec now;
	pid_t pid;
	int status = 0, fd;

	tkp_fmt(setup, sizeof setup, "fmt = '%s'; outfile = '%s'", fmt, outname);
	tkp_fmt(vars, sizeof vars, "%s.vars.gp", chart);
	tkp_fmt(common, sizeof common, "%s/common.gp", c->scripts);
	tkp_fmt(script, sizeof script, "%s/%s.gp", c->scripts, chart);
	tkp_fmt(errpath, sizeof errpath, "%s/gnuplot.err", c->tmp);
	argv[0] = "gnuplot";
	argv[1] = "-e";
	argv[2] = setup;
	argv[3] = vars;
	argv[4] = common;
	argv[5] = script;
	argv[6] = NULL;
	if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return tkp_pr_fail(c->cmd, "%s: %s", errpath, strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd);
		return tkp_pr_fail(c->cmd, "cannot start gnuplot: %s", strerror(errno));
	}
	if (pid == 0)
		exec_gnuplot(c, fd, argv);
	close(fd);
	setpgid(pid, pid);
	clock_gettime(CLOCK_MONOTONIC, &now);
	t0 = (double)now.tv_sec + now.tv_nsec * 1e-9;
	for (;;) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (tkp_pr_interrupted() || (double)now.tv_sec + now.tv_nsec * 1e-9 - t0 >= limit) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			if (tkp_pr_interrupted())
				return TKP_PR_INTR;
			tkp_pr_fail(c->cmd, "%s.%s: gnuplot did not finish in %g s and was stopped "
					     "(TKP_PLOT_TIMEOUT sets the limit)",
				     chart, fmt, limit);
			return TKP_GP_HUNG;
		}
		nanosleep(&ts, NULL);
	}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		file_tail(errpath, tail, sizeof tail);
		if (status != -1 && WIFSIGNALED(status))
			return tkp_pr_fail(c->cmd, "%s.%s: gnuplot was killed by signal %d%s%s", chart,
					    fmt, WTERMSIG(status), tail[0] ? ":\n" : "", tail);
		return tkp_pr_fail(c->cmd, "%s.%s: gnuplot failed (exit %d)%s%s", chart, fmt,
				    status == -1 ? -1 : WEXITSTATUS(status), tail[0] ? ":\n" : "",
				    tail);
	}
	return 0;
}

/* fsyncs tmp/name and renames it to plots/final; 0 or prints and fails. */
static int install_image(tkp_gp *c, const char *name, const char *final)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct stat st;
	int fd;

	if (tkp_path_join(from, sizeof from, c->tmp, name) ||
	    tkp_path_join(to, sizeof to, c->outdir, final))
		return tkp_pr_fail(c->cmd, "%s: path too long", c->outdir);
	if (stat(from, &st) != 0 || st.st_size == 0)
		return tkp_pr_fail(c->cmd, "%s: gnuplot exited cleanly but wrote no image", final);
	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fsync(fd) != 0) {
			int e = errno;
			close(fd);
			return tkp_pr_fail(c->cmd, "%s: %s", to, strerror(e));
		}
		close(fd);
	}
	if (rename(from, to) != 0)
		return tkp_pr_fail(c->cmd, "%s: %s", to, strerror(errno));
	return 0;
}

/* Removes the temporary directory and everything in it (flat). */
static void remove_tmp(tkp_gp *c)
{
	DIR *dp;
	struct dirent *e;

	if (!c->tmp[0])
		return;
	if (getenv("TKP_PLOT_KEEP")) { /* debugging the scripts: keep their inputs */
		tkp_pr_warn(c->cmd, "TKP_PLOT_KEEP: gnuplot's inputs kept in %s", c->tmp);
		return;
	}
	if ((dp = opendir(c->tmp))) {
		while ((e = readdir(dp))) {
			char p[PATH_MAX];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (!tkp_path_join(p, sizeof p, c->tmp, e->d_name))
				unlink(p);
		}
		closedir(dp);
	}
	rmdir(c->tmp);
	c->tmp[0] = '\0';
}

/* Temporary directories left by a plot that was killed (an hour old: not
 * one that a concurrent plot of the same directory is using). */
static void remove_stale(tkp_gp *c)
{
	DIR *dp = opendir(c->outdir);
	struct dirent *e;
	time_t now = time(NULL);

	while (dp && (e = readdir(dp))) {
		struct stat st;
		char p[PATH_MAX];
		if (strncmp(e->d_name, ".tmp-plot-", 10) || tkp_path_join(p, sizeof p, c->outdir, e->d_name) ||
		    lstat(p, &st) || !S_ISDIR(st.st_mode) || now - st.st_mtime < 3600)
			continue;
		tkp_strlcpy(c->tmp, p, sizeof c->tmp);
		remove_tmp(c);
	}
	if (dp)
		closedir(dp);
}

int tkp_gp_parse_formats(const char *cmd, const char *s, int *fmts)
{
	char buf[128], *tok, *save = NULL;

	*fmts = 0;
	if (tkp_strlcpy(buf, s, sizeof buf) >= sizeof buf)
		return tkp_pr_usage(cmd, "--format '%s': expected a list of png, pdf, svg", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "png"))
			*fmts |= TKP_GP_PNG;
		else if (!strcmp(tok, "pdf"))
			*fmts |= TKP_GP_PDF;
		else if (!strcmp(tok, "svg"))
			*fmts |= TKP_GP_SVG;
		else
			return tkp_pr_usage(cmd, "--format '%s': unknown format '%s'; expected png, pdf "
						  "or svg",
					     s, tok);
	}
	if (!*fmts)
		return tkp_pr_usage(cmd, "--format '%s': expected a list of png, pdf, svg", s);
	return 0;
}

int tkp_gp_open(tkp_gp *g, const char *cmd, const char *outdir)
{
	char probe[PATH_MAX], tmpl[PATH_MAX];

	memset(g, 0, sizeof *g);
	g->cmd = cmd;
	if (!find_gnuplot(g->exe, sizeof g->exe))
		return TKP_GP_ABSENT;
	tkp_fmt(probe, sizeof probe, "%s/plots", tkp_pr_datadir());
	if (!realpath(probe, g->scripts) ||
	    (tkp_fmt(probe, sizeof probe, "%s/common.gp", g->scripts), access(probe, R_OK) != 0))
		return tkp_pr_fail(cmd, "gnuplot scripts not found in %s/plots (set TKP_DATADIR to the "
					 "directory that holds plots/)",
				    tkp_pr_datadir());
	if (tkp_strlcpy(g->outdir, outdir, sizeof g->outdir) >= sizeof g->outdir - 64)
		return tkp_pr_fail(cmd, "%s: path too long", outdir);
	if (tkp_mkdirs(g->outdir))
		return tkp_pr_fail(cmd, "%s: %s", outdir, strerror(errno));
	remove_stale(g);
	tkp_fmt(tmpl, sizeof tmpl, "%s/.tmp-plot-XXXXXX", g->outdir);
	if (!mkdtemp(tmpl))
		return tkp_pr_fail(cmd, "%s: cannot create a temporary directory: %s", g->outdir,
				    strerror(errno));
	tkp_strlcpy(g->tmp, tmpl, sizeof g->tmp);
	return 0;
}

void tkp_gp_close(tkp_gp *g)
{
	remove_tmp(g);
}

int tkp_gp_begin(tkp_gp *g, const char *chart, const char *machine, const char *when,
		 const char *results, FILE **vars, FILE **data)
{
	char vpath[PATH_MAX], dpath[PATH_MAX], name[64];
	FILE *v, *d;

	*vars = *data = NULL;
	tkp_fmt(name, sizeof name, "%s.vars.gp", chart);
	if (tkp_path_join(vpath, sizeof vpath, g->tmp, name))
		return tkp_pr_fail(g->cmd, "%s: path too long", g->tmp);
	tkp_fmt(name, sizeof name, "%s.dat", chart);
	if (tkp_path_join(dpath, sizeof dpath, g->tmp, name))
		return tkp_pr_fail(g->cmd, "%s: path too long", g->tmp);
	if (!(v = fopen(vpath, "w")))
		return tkp_pr_fail(g->cmd, "%s: %s", vpath, strerror(errno));
	if (!(d = fopen(dpath, "w"))) {
		fclose(v);
		return tkp_pr_fail(g->cmd, "%s: %s", dpath, strerror(errno));
	}
	fprintf(v, "# %s: written by tkprofile %s for plots/%s.gp\n", chart, g->cmd, chart);
	tkp_gp_set_str(v, "machine", machine);
	tkp_gp_set_str(v, "when", when);
	tkp_gp_set_str(v, "results", results);
	tkp_gp_set_str(v, "version", "tkprofile " PACKAGE_VERSION);
	fprintf(v, "datafile = '%s.dat'\n", chart);
	*vars = v;
	*data = d;
	return 0;
}

int tkp_gp_end(tkp_gp *g, FILE *v, FILE *d)
{
	/* gnuplot cannot read an empty file as data; a comment is enough */
	fputs("# end\n", d);
	if (ferror(v) | ferror(d) | (fclose(v) != 0) | (fclose(d) != 0))
		return tkp_pr_fail(g->cmd, "%s: %s", g->tmp, strerror(errno));
	return 0;
}

void tkp_gp_abort(FILE *v, FILE *d)
{
	if (v)
		fclose(v);
	if (d)
		fclose(d);
}

int tkp_gp_draw(tkp_gp *g, const char *chart, int fmts, int *nfiles, int *nfail)
{
	static const struct {
		int bit;
		const char *ext;
	} formats[] = {{TKP_GP_PNG, "png"}, {TKP_GP_PDF, "pdf"}, {TKP_GP_SVG, "svg"}};
	int rc, worst = 0;

	for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
		char out[80];
		if (!(fmts & formats[f].bit))
			continue;
		if (tkp_pr_interrupted())
			return TKP_PR_INTR;
		tkp_fmt(out, sizeof out, "%s.%s", chart, formats[f].ext);
		rc = run_gnuplot(g, chart, formats[f].ext, out);
		if (rc == TKP_PR_INTR || rc == TKP_GP_HUNG)
			return rc;
		if (!rc)
			rc = install_image(g, out, out);
		if (rc) {
			(*nfail)++;
			worst = TKP_PR_FAIL;
		} else {
			(*nfiles)++;
		}
	}
	return worst;
}

int tkp_gp_finish(tkp_gp *g, const char *chart, int fill_rc, FILE *v, FILE *d, int fmts,
		  int *nfiles, int *nfail)
{
	int rc;

	if (fill_rc) {
		tkp_gp_abort(v, d);
		tkp_pr_fail(g->cmd, "%s: %s", chart, tkp_strerror(fill_rc));
		(*nfail)++;
		return 0;
	}
	if (tkp_gp_end(g, v, d)) {
		(*nfail)++;
		return 0;
	}
	rc = tkp_gp_draw(g, chart, fmts, nfiles, nfail);
	if (rc == TKP_PR_INTR)
		return TKP_PR_INTR;
	if (rc == TKP_GP_HUNG) { /* a gnuplot that hangs once hangs every time */
		tkp_pr_warn(g->cmd, "the remaining charts were not drawn");
		return TKP_PR_FAIL;
	}
	return 0;
}
