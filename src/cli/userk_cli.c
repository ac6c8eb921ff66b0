/*
 * userk_cli.c - `--kernel-file` in the commands: loading the files and
 * saying what went wrong (the compiler's output as it printed it), the
 * check against naive once per kernel and dtype, measuring a
 * configuration in a child (src/lib/userkernel_run.c), and the files a
 * sweep keeps about its user kernels in DIR/kernels/: a copy of each
 * file, kernels.txt (compiler, version, flags: the report's
 * reproducibility section reads it) and failed.csv (configurations that
 * crashed or hung, which --resume does not retry unless asked).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "fsutil.h"
#include "kernels.h"
#include "userk_cli.h"
#include "userkernel.h"
#include "util.h"

static char tmpdir[PATH_MAX];

/* The state of the check of one kernel and dtype: 0 not yet, else
 * tkp_cli_userk_checked's answer + 10. */
static signed char checked[TKP_KERNEL_MAX_RUNTIME][2];

/* Removes the temporary directory and what was built in it (flat). */
static void cleanup(void)
{
	char p[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;

	if (!tmpdir[0] || !(d = opendir(tmpdir)))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			tkp_fmt(p, sizeof p, "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/* Where tkprofile_kernel.h is: the source tree's for the binary in the
 * build tree, else the installed one. */
static const char *include_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("TKP_INCLUDEDIR");

	if (env && *env)
		return env;
	if (!strcmp(tkp_cli_datadir(), TKP_SRCDIR)) {
		tkp_fmt(dir, sizeof dir, "%s/include", TKP_SRCDIR);
		return dir;
	}
	return TKP_INCLUDEDIR;
}

int tkp_cli_userk_load(const char *cmd, const char *list)
{
	const char *t = getenv("TMPDIR");
	char *copy, *f, *save = NULL, err[64 * 1024 + 2048];
	tkp_userk_build b = {0};
	int rc = 0;

	if (!list || !*list)
		return 0;
	if (!tmpdir[0]) {
		tkp_fmt(tmpdir, sizeof tmpdir, "%s/tkp-kernels.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpdir)) {
			tmpdir[0] = '\0';
			return tkp_cli_fail(cmd, "temporary directory: %s", strerror(errno));
		}
		atexit(cleanup);
	}
	b.incdir = include_dir();
	b.outdir = tmpdir;
	if (!(copy = strdup(list)))
		return tkp_cli_fail(cmd, "out of memory");
	for (f = strtok_r(copy, ",", &save); f && !rc; f = strtok_r(NULL, ",", &save)) {
		const tkp_userk *u;
		while (*f == ' ')
			f++;
		if (tkp_userk_load(f, &b, &u, err, sizeof err)) {
			/* the compiler's words as it printed them, after ours */
			char *nl = strchr(err, '\n');
			if (nl) {
				*nl = '\0';
				tkp_cli_usage(cmd, "--kernel-file %s", err);
				fputs(nl + 1, stderr);
			} else {
				tkp_cli_usage(cmd, "--kernel-file %s", err);
			}
			rc = TKP_EXIT_USAGE;
		} else if (u->is_c) {
			tkp_cli_note("tkprofile: %s: compiled %s: %s", cmd, u->name, u->command);
		}
	}
	free(copy);
	if (!rc && tkp_userk_export_env())
		rc = tkp_cli_fail(cmd, "out of memory");
	return rc;
}

int tkp_cli_userk_is(const tkp_kernel *k)
{
	return tkp_userk_of(k) != NULL;
}

static int user_index(const tkp_kernel *k)
{
	for (size_t i = 0; i < tkp_userk_count(); i++)
		if (&tkp_userk_at(i)->row == k)
			return (int)i;
	return -1;
}

int tkp_cli_userk_checked(const char *cmd, const tkp_kernel *k, tkp_dtype dt, double limit_s,
			  volatile int *stop)
{
	int ui = user_index(k), rc, ans;
	tkp_userk_wrong w;
	tkp_userk_outcome oc;

	if (ui < 0 || (dt != TKP_F32 && dt != TKP_F64))
		return 1;
	if (checked[ui][dt])
		return checked[ui][dt] - 10;
	rc = tkp_userk_check(k, dt, limit_s, stop, &w, &oc);
	if (rc == TKP_EINTR)
		return -2;
	if (rc == 0) {
		ans = 1;
	} else if (rc == TKP_ENOTSUP) {
		tkp_cli_note("tkprofile: %s: %s does not handle %s (it returned TKP_ENOTSUP)%s", cmd,
			     k->name, tkp_dtype_name(dt), strcmp(cmd, "sweep") ? "" : ": its rows are skipped");
		ans = -1;
	} else if (rc == TKP_EVERIFY) {
		tkp_cli_warn(cmd, "%s %s is wrong: C[%zu][%zu] = %.17g, expected %.17g (naive), for "
				  "m×n×k = %zux%zux%zu; %s marked unverified",
			     k->name, tkp_dtype_name(dt), w.i, w.j, w.got, w.want, w.m, w.n, w.k,
			     strcmp(cmd, "sweep") ? "its result is" : "its rows are");
		ans = 0;
	} else if (rc == 1) {
		tkp_cli_warn(cmd, "%s %s %s while checked against naive on small awkward shapes; its "
				  "rows are marked unverified", k->name, tkp_dtype_name(dt), oc.what);
		ans = 0;
	} else {
		tkp_cli_warn(cmd, "%s %s: returned %d (%s) while checked against naive; its rows are "
				  "marked unverified", k->name, tkp_dtype_name(dt), rc, tkp_strerror(rc));
		ans = 0;
	}
	checked[ui][dt] = (signed char)(ans + 10);
	return ans;
}

int tkp_cli_userk_measure(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
			  int block, int threads, const tkp_measure_opts *o, double limit_s,
			  tkp_result *r, char *what, size_t whatlen)
{
	tkp_userk_outcome oc;
	int ui = user_index(k);
	int rc = tkp_userk_measure(k, dt, m, n, kk, block, threads, o, limit_s, r, &oc);

	what[0] = '\0';
	if (rc == 1)
		tkp_strlcpy(what, oc.what, whatlen);
	if (rc == 0 && ui >= 0 && (dt == TKP_F32 || dt == TKP_F64) && checked[ui][dt] == 10)
		r->verified = 0;
	return rc;
}

double tkp_cli_userk_limit(double timeout_s, double flops, int runs, double peak_gflops,
			   double min_time_s)
{
	if (timeout_s > 0)
		return timeout_s;
	return tkp_userk_time_limit(flops, runs, peak_gflops, min_time_s, TKP_USERK_FLOOR_S);
}

double tkp_cli_userk_peak(const char *dir, tkp_dtype dt)
{
	char path[PATH_MAX], err[256];
	tkp_csv *t = NULL;
	double best = NAN;
	int cc, cd, cv;

	if (!dir || tkp_path_join(path, sizeof path, dir, "ceilings.csv") || !tkp_path_exists(path) ||
	    tkp_csv_read(path, &t, err, sizeof err))
		return NAN;
	cc = tkp_csv_col(t, "ceiling");
	cd = tkp_csv_col(t, "dtype");
	cv = tkp_csv_col(t, "value");
	for (size_t r = 0; cc >= 0 && cd >= 0 && cv >= 0 && r < t->nrows; r++) {
		double v;
		if (!strcmp(t->rows[r][cc], "peak") && !strcmp(t->rows[r][cd], tkp_dtype_name(dt)) &&
		    !tkp_csv_num(t, r, cv, &v) && v > 0 && !(v <= best))
			best = v;
	}
	tkp_csv_free(t);
	return best;
}

/* Copies file src to dst. */
static int copy_file(const char *src, const char *dst)
{
	char *data = NULL;
	size_t n = 0;
	int rc = tkp_read_file(src, 16 << 20, &data, &n);

	if (!rc)
		rc = tkp_write_file(dst, data, n);
	free(data);
	return rc;
}

int tkp_cli_userk_record(const char *cmd, const char *dir)
{
	char kd[PATH_MAX], p[PATH_MAX];
	FILE *fp;

	if (!tkp_userk_count())
		return 0;
	if (tkp_path_join(kd, sizeof kd, dir, "kernels") || tkp_mkdirs(kd) ||
	    tkp_path_join(p, sizeof p, kd, "kernels.txt") || !(fp = fopen(p, "w")))
		return tkp_cli_fail(cmd, "%s/kernels: %s", dir, strerror(errno));
	fprintf(fp, "# user kernels (--kernel-file): how each was built; copies of the files beside\n");
	for (size_t i = 0; i < tkp_userk_count(); i++) {
		const tkp_userk *u = tkp_userk_at(i);
		const char *base = strrchr(u->path, '/');
		char dst[PATH_MAX + 64];

		base = base ? base + 1 : u->path;
		fprintf(fp, "\n[%s]\nfile = %s\ncopy = kernels/%s\ndescription = %s\ncaps = %s%s%s\n",
			u->name, u->path, base, u->desc, u->row.caps & TKP_CAP_BLOCK ? "block" : "",
			(u->row.caps & TKP_CAP_BLOCK) && (u->row.caps & TKP_CAP_THREADS) ? "," : "",
			u->row.caps & TKP_CAP_THREADS ? "threads" : (u->row.caps ? "" : "none"));
		if (u->is_c)
			fprintf(fp, "compiler = %s\nflags = %s\ncommand = %s\n", u->cc_version, u->cflags,
				u->command);
		else
			fprintf(fp, "compiler = (a shared object, built elsewhere)\n");
		tkp_fmt(dst, sizeof dst, "%s/%s", kd, base);
		if (copy_file(u->path, dst))
			tkp_cli_warn(cmd, "%s: not copied into %s", u->path, kd);
	}
	if (fclose(fp))
		return tkp_cli_fail(cmd, "%s: %s", p, strerror(errno));
	return 0;
}

static void config_key(const tkp_config *c, char *buf, size_t len)
{
	tkp_fmt(buf, len, "%s,%s,%zu,%zu,%zu,%d,%d,", c->kernel->name, tkp_dtype_name(c->dtype), c->m,
		c->n, c->k, c->block, c->threads);
}

void tkp_cli_userk_failed(const char *dir, const tkp_config *c, const char *what)
{
	char p[PATH_MAX], key[256];
	int isnew;
	FILE *fp;

	if (!dir || tkp_path_join(p, sizeof p, dir, "kernels/failed.csv"))
		return;
	isnew = !tkp_path_exists(p);
	if (!(fp = fopen(p, "a")))
		return;
	if (isnew)
		fputs("kernel,dtype,m,n,k,block,threads,failure\n", fp);
	config_key(c, key, sizeof key);
	fputs(key, fp);
	tkp_csv_put_str(fp, what);
	fputc('\n', fp);
	fclose(fp);
}

int tkp_cli_userk_failed_before(const char *dir, const tkp_config *c)
{
	char p[PATH_MAX], key[256], *text = NULL, *line, *save = NULL;
	size_t n;
	int found = 0;

	if (!dir || tkp_path_join(p, sizeof p, dir, "kernels/failed.csv") || !tkp_path_exists(p) ||
	    tkp_read_file(p, 16 << 20, &text, &n))
		return 0;
	config_key(c, key, sizeof key);
	for (line = strtok_r(text, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save))
		found = !strncmp(line, key, strlen(key));
	free(text);
	return found;
}

void tkp_cli_userk_plan(tkp_plan *p)
{
	size_t used = 0;

	p->kernel_files[0] = '\0';
	for (size_t i = 0; i < tkp_userk_count(); i++) {
		const tkp_userk *u = tkp_userk_at(i);
		int have = 0;

		if (used + strlen(u->path) + 2 < sizeof p->kernel_files) {
			tkp_fmt(p->kernel_files + used, sizeof p->kernel_files - used, "%s%s",
				used ? "," : "", u->path);
			used = strlen(p->kernel_files);
		}
		for (int j = 0; j < p->nkernels; j++)
			have |= !strcmp(p->kernels[j], u->name);
		if (!have && p->nkernels < TKP_PLAN_MAX_KERNELS)
			tkp_strlcpy(p->kernels[p->nkernels++], u->name, sizeof p->kernels[0]);
	}
}

/* Kernels that ran past their limit in this sweep: their other
 * configurations are not tried (each would cost the limit again). */
static unsigned char hung[TKP_KERNEL_MAX_RUNTIME];

int tkp_cli_userk_sweep_one(const tkp_cli_userk_ctx *x, const tkp_config *c, const char *label,
			    tkp_result *r)
{
	int ui = user_index(c->kernel), rc, runs;
	double limit, flops = 2.0 * (double)c->m * (double)c->n * (double)c->k;
	const char *cr = x->tty ? "\r\033[K" : "";
	char what[256];

	if (ui >= 0 && hung[ui]) {
		tkp_cli_note("%stkprofile: sweep: skipped %s: %s ran past its time limit earlier", cr,
			     label, c->kernel->name);
		return TKP_USERK_SKIPPED;
	}
	if (!x->retry_failed && tkp_cli_userk_failed_before(x->dir, c)) {
		tkp_cli_note("%stkprofile: sweep: skipped %s: it failed before (kernels/failed.csv; "
			     "--retry-failed tries again)", cr, label);
		return TKP_USERK_SKIPPED;
	}
	rc = tkp_cli_userk_checked("sweep", c->kernel, c->dtype,
				   x->timeout_s > 0 ? x->timeout_s : TKP_USERK_FLOOR_S, x->mo->stop);
	if (rc == -2)
		return TKP_EINTR;
	if (rc == -1)
		return TKP_USERK_SKIPPED;
	runs = x->mo->warmup + x->mo->min_reps + x->passes + 1;
	limit = tkp_cli_userk_limit(x->timeout_s, flops, runs, tkp_cli_userk_peak(x->dir, c->dtype),
				    x->mo->min_time_s);
	rc = tkp_cli_userk_measure(c->kernel, c->dtype, c->m, c->n, c->k, c->block, c->threads, x->mo,
				   limit, r, what, sizeof what);
	if (rc == 1) {
		if (strstr(what, "time limit") && ui >= 0)
			hung[ui] = 1;
		tkp_cli_warn("sweep", "%s%s: %s; recorded as failed (kernels/failed.csv), continuing", cr,
			     label, what);
		tkp_cli_userk_failed(x->dir, c, what);
		return TKP_USERK_FAILED;
	}
	return rc;
}

void tkp_cli_userk_finish(const char *dir)
{
	char p[PATH_MAX];

	if (tkp_userk_count() && !tkp_path_join(p, sizeof p, dir, "kernels/failed.csv") &&
	    tkp_path_exists(p))
		tkp_cli_note("tkprofile: sweep: user-kernel configurations that crashed or hung are listed "
			     "in %s: --resume skips them, --resume --retry-failed runs them again", p);
}
