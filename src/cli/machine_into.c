/*
 * machine_into.c - a machine description and its measured ceilings into a
 * results directory: machine.json, ceilings.csv and hierarchy.csv.  Used by
 * `tkprofile machine` (which then prints a summary of them) and by the
 * sweep, which puts the same three files into its own results.
 *
 * A probe takes 5-30 s, so a recent one of the same host is reused: it is
 * cached in $XDG_CACHE_HOME/tkprofile/<host>/ (default ~/.cache/...) and
 * used again when it is less than 24 hours old and was made by the same
 * tkprofile build (version, compiler, flags) on the same CPU model with the
 * same vector path and thread counts, and is not a quick probe standing in
 * for a full one.  --reprobe measures again.  machine.json is always
 * written fresh (date, counter status); its "probe" object says whether the
 * measurements were reused and when they were made.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "fsutil.h"
#include "machine.h"
#include "probe.h"
#include "profile.h"
#include "util.h"

#define CACHE_MAX_AGE_S (24 * 3600)

const char *const tkp_cli_probe_files[] = {"machine.json", "ceilings.csv", "hierarchy.csv", NULL};

/* A --threads list as sweep takes it (counts, ranges 1:8:x2, ncpu), each
 * from 1 to max, sorted and without repeats; err says what was wrong. */
int tkp_cli_parse_threads(const char *s, int max, int *out, int *n, char *err, size_t errlen)
{
	tkp_int_list l;
	int i, j;

	*n = 0;
	if (tkp_parse_ints(s, 1, max, 0, &l, err, errlen) != 0)
		return -1;
	for (int k = 0; k < l.n; k++) {
		int v = l.v[k];
		for (i = 0; i < *n && out[i] != v; i++)
			;
		if (i < *n)
			continue;
		if (*n >= TKP_PROBE_MAX_THREADS) {
			tkp_fmt(err, errlen, "more than %d thread counts", TKP_PROBE_MAX_THREADS);
			return -1;
		}
		/* insertion sort */
		for (j = *n; j > 0 && out[j - 1] > v; j--)
			out[j] = out[j - 1];
		out[j] = v;
		(*n)++;
	}
	if (*n == 0) {
		tkp_fmt(err, errlen, "expected at least one thread count");
		return -1;
	}
	return 0;
}

static void default_threads(const tkp_machine *m, int *out, int *n)
{
	int t, cores = m->ncores_allowed > 0 ? m->ncores_allowed : 1;

	if (cores > TKP_PROBE_MAX_THREADS)
		cores = TKP_PROBE_MAX_THREADS;
	*n = 0;
	for (t = 1; t < cores; t *= 2)
		out[(*n)++] = t;
	out[(*n)++] = cores;
}

int tkp_cli_cache_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/tkprofile/%s", xdg, tkp_hostname());
	else if (home && *home)
		n = snprintf(buf, size, "%s/.cache/tkprofile/%s", home, tkp_hostname());
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

void tkp_cli_human_bytes(char *buf, size_t size, double b)
{
	if (!isfinite(b))
		tkp_fmt(buf, size, "-");
	else if (b >= 1024.0 * 1024 * 1024)
		tkp_fmt(buf, size, "%.1f GiB", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024.0 * 1024)
		tkp_fmt(buf, size, "%.1f MiB", b / (1024.0 * 1024));
	else if (b >= 1024)
		tkp_fmt(buf, size, "%.1f KiB", b / 1024);
	else
		tkp_fmt(buf, size, "%.0f B", b);
}

static void age_text(char *buf, size_t size, long long s)
{
	if (s < 120)
		tkp_fmt(buf, size, "%lld s", s);
	else if (s < 7200)
		tkp_fmt(buf, size, "%lld min", s / 60);
	else
		tkp_fmt(buf, size, "%.1f h", (double)s / 3600);
}

static int copy_file(const char *from, const char *to)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = tkp_read_file(from, (size_t)256 << 20, &data, &len)) != 0)
		return rc;
	rc = tkp_write_file(to, data, len);
	free(data);
	return rc;
}

/* ---- the cache ------------------------------------------------------------------ */

/* Whether the cached probe in cdir can stand in for a probe now: *c gets
 * its machine.json.  why gets the reason when not (for --reprobe hints). */
static int cache_usable(const char *cdir, const tkp_machine *m, int quick, const int *threads,
			int nthreads, tkp_machine *c, char *why, size_t whylen)
{
	char path[PATH_MAX], err[512];
	long long when, now = (long long)time(NULL);
	size_t i;
	int t;

	for (i = 0; tkp_cli_probe_files[i]; i++)
		if (tkp_path_join(path, sizeof path, cdir, tkp_cli_probe_files[i]) || !tkp_path_exists(path)) {
			tkp_fmt(why, whylen, "no earlier probe");
			return 0;
		}
	tkp_path_join(path, sizeof path, cdir, "machine.json");
	if (tkp_machine_read_json(path, c, err, sizeof err) != 0 || !c->probed) {
		tkp_fmt(why, whylen, "earlier probe unreadable");
		return 0;
	}
	when = tkp_machine_date_epoch(c->probe_date[0] ? c->probe_date : c->date);
	if (when < 0 || now - when > CACHE_MAX_AGE_S || when - now > 300) {
		tkp_fmt(why, whylen, "earlier probe older than 24 h");
		return 0;
	}
	if (strcmp(c->host, m->host) || strcmp(c->cpu_model, m->cpu_model) || strcmp(c->version, m->version) ||
	    strcmp(c->compiler, m->compiler) || strcmp(c->cflags, m->cflags) || strcmp(c->isa_path, m->isa_path)) {
		tkp_fmt(why, whylen, "earlier probe by another build, CPU or ISA path");
		return 0;
	}
	if (c->probe_quick && !quick) {
		tkp_fmt(why, whylen, "earlier probe was a quick one");
		return 0;
	}
	if (c->probe_nthreads != nthreads) {
		tkp_fmt(why, whylen, "earlier probe used other thread counts");
		return 0;
	}
	for (t = 0; t < nthreads; t++)
		if (c->probe_threads[t] != threads[t]) {
			tkp_fmt(why, whylen, "earlier probe used other thread counts");
			return 0;
		}
	return 1;
}

/* ---- doing it ------------------------------------------------------------------------ */

typedef struct note_ctx {
	const char *cmd;
	int quiet;
} note_ctx;

static void on_progress(void *ctx, const char *what)
{
	note_ctx *n = ctx;

	if (!n->quiet)
		tkp_cli_note("tkprofile: %s: probing %s", n->cmd, what);
}

/* The three files into dir (created if needed): from the cache when
 * allowed, else by probing.  Returns an exit code. */
int tkp_cli_machine_into(const char *cmd, const char *dir, int quick, int reprobe, int quiet,
			const int *threads_in, int nthreads_in)
{
	tkp_machine m, c;
	tkp_probe_opts o;
	tkp_probe *p = NULL;
	char groups[PATH_MAX], cdir[PATH_MAX], path[PATH_MAX], from[PATH_MAX], why[256] = "";
	int threads[TKP_PROBE_MAX_THREADS], nthreads, rc, t;
	size_t i;
	note_ctx nc = {cmd, quiet};

	tkp_fmt(groups, sizeof groups, "%s/profiles/groups", tkp_cli_datadir());
	tkp_machine_describe(&m, groups);
	if (nthreads_in > 0) {
		nthreads = nthreads_in;
		memcpy(threads, threads_in, (size_t)nthreads * sizeof *threads);
	} else {
		default_threads(&m, threads, &nthreads);
	}
	if ((rc = tkp_cli_make_out(cmd, dir)) != 0)
		return rc;

	/* A recent probe of this host? */
	if (!reprobe && tkp_cli_cache_dir(cdir, sizeof cdir) == 0 &&
	    cache_usable(cdir, &m, quick, threads, nthreads, &c, why, sizeof why)) {
		long long age = (long long)time(NULL) - tkp_machine_date_epoch(c.probe_date[0] ? c.probe_date : c.date);
		char agebuf[32];
		int k;
		for (i = 1; tkp_cli_probe_files[i]; i++) {
			if (tkp_path_join(from, sizeof from, cdir, tkp_cli_probe_files[i]) ||
			    tkp_path_join(path, sizeof path, dir, tkp_cli_probe_files[i]) || copy_file(from, path) != 0)
				goto probe; /* unreadable cache: measure instead */
		}
		/* machine.json fresh, with the cached measurements */
		for (k = 0; k < m.ncaches; k++) {
			int j;
			for (j = 0; j < c.ncaches; j++)
				if (c.caches[j].depth == m.caches[k].depth)
					m.caches[k].measured_bytes = c.caches[j].measured_bytes;
		}
		for (k = 0; k < c.ncaches; k++) { /* measured, not reported */
			int j;
			for (j = 0; j < m.ncaches && m.caches[j].depth != c.caches[k].depth; j++)
				;
			if (j == m.ncaches && m.ncaches < TKP_MACHINE_MAX_CACHES && isfinite(c.caches[k].measured_bytes)) {
				m.caches[m.ncaches] = c.caches[k];
				m.caches[m.ncaches].reported_bytes = NAN;
				m.ncaches++;
			}
		}
		m.probed = 1;
		m.probe_quick = c.probe_quick;
		m.probe_seconds = c.probe_seconds;
		m.probe_max_bytes = c.probe_max_bytes;
		m.probe_nthreads = c.probe_nthreads;
		memcpy(m.probe_threads, c.probe_threads, sizeof m.probe_threads);
		tkp_strlcpy(m.probe_date, c.probe_date[0] ? c.probe_date : c.date, sizeof m.probe_date);
		m.probe_reused = 1;
		if (tkp_path_join(path, sizeof path, dir, "machine.json") || tkp_machine_write_json(&m, path) != 0)
			return tkp_cli_fail(cmd, "%s: %s", path, strerror(errno));
		age_text(agebuf, sizeof agebuf, age);
		if (!quiet)
			tkp_cli_note("tkprofile: %s: reusing the %sprobe of %s from %s (%s ago, cached in %s); "
				     "--reprobe measures again",
				     cmd, c.probe_quick ? "quick " : "", m.host, m.probe_date, agebuf, cdir);
		{
			/* it was warned about when it ran, not since: its ceilings
			 * go into every chart of the next 24 hours */
			tkp_csv *ct = NULL;
			char low[400], err[256];
			if (strcmp(cmd, "machine") && /* machine's summary says it */
			    !tkp_path_join(path, sizeof path, dir, "ceilings.csv") &&
			    tkp_csv_read(path, &ct, err, sizeof err) == 0 &&
			    tkp_cli_low_scaling(ct, m.probe_threads, m.probe_nthreads, low, sizeof low))
				tkp_cli_warn(cmd, "the reused probe's %s: other work held a CPU while it ran; "
						  "--reprobe on a quiet machine measures again",
					     low);
			if (ct)
				tkp_csv_free(ct);
		}
		return TKP_EXIT_OK;
	}

probe:
	if (!quiet)
		tkp_cli_note("tkprofile: %s: probing this machine (%s, %s)%s%s%s", cmd,
			     quick ? "quick, about 7 s" : "about 30 s", m.cpu_model[0] ? m.cpu_model : "unknown CPU",
			     why[0] && !reprobe ? " [" : "", why[0] && !reprobe ? why : "", why[0] && !reprobe ? "]" : "");
	tkp_probe_opts_init(&o);
	o.quick = quick;
	o.nthreads = nthreads;
	memcpy(o.threads, threads, (size_t)nthreads * sizeof *threads);
	o.stop = &tkp_cli_interrupted;
	o.progress = on_progress;
	o.ctx = &nc;
	if ((rc = tkp_probe_run(&m, &o, &p)) != 0) {
		if (rc == TKP_EINTR || tkp_cli_interrupted) {
			tkp_cli_warn(cmd, "machine probe interrupted; nothing written");
			return TKP_EXIT_INTR;
		}
		if (rc == TKP_EINVAL)
			return tkp_cli_usage(cmd, "machine probe: bad thread counts for this machine "
						  "(at most %d CPUs may be used)", m.ncpus_allowed);
		return tkp_cli_fail(cmd, "machine probe: %s", tkp_strerror(rc));
	}
	tkp_probe_apply(p, &m);
	tkp_strlcpy(m.probe_date, m.date, sizeof m.probe_date);
	if (!p->pinned && !quiet)
		tkp_cli_warn(cmd, "could not pin the probe's threads to CPUs; figures may be low");
	if (p->peak_scaling < TKP_PROBE_SCALING_LOW && p->peak_scaling_threads > 1)
		tkp_cli_warn(cmd, "the %d-thread FLOP/s peak is only %.2f of %d times the 1-thread one, "
				  "measured again and still low: other work or the hypervisor held a CPU; "
				  "re-run `tkprofile machine --reprobe` when the machine is quiet",
			     p->peak_scaling_threads, p->peak_scaling, p->peak_scaling_threads);
	rc = TKP_EXIT_OK;
	if ((t = tkp_path_join(path, sizeof path, dir, "machine.json")) || (t = tkp_machine_write_json(&m, path)) ||
	    (t = tkp_path_join(path, sizeof path, dir, "ceilings.csv")) || (t = tkp_probe_write_ceilings(p, path)) ||
	    (t = tkp_path_join(path, sizeof path, dir, "hierarchy.csv")) || (t = tkp_probe_write_hierarchy(p, path))) {
		rc = tkp_cli_fail(cmd, "%s: %s", path, t == TKP_EIO ? strerror(errno) : tkp_strerror(t));
		goto done;
	}
	/* Keep a copy for the next sweep (best effort). */
	if (tkp_cli_cache_dir(cdir, sizeof cdir) == 0) {
		int bad = tkp_mkdirs(cdir) != 0;
		for (i = 0; tkp_cli_probe_files[i] && !bad; i++)
			bad = tkp_path_join(from, sizeof from, dir, tkp_cli_probe_files[i]) ||
			      tkp_path_join(path, sizeof path, cdir, tkp_cli_probe_files[i]) || copy_file(from, path) != 0;
		if (bad && !quiet)
			tkp_cli_note("tkprofile: %s: could not keep a copy of the probe in %s: %s", cmd, cdir,
				     strerror(errno));
	}
done:
	tkp_probe_free(p);
	return rc;
}

/* Value of the ceilings.csv row (ceiling, dtype, isa, threads, unit,
 * source); NAN when absent.  Empty strings / threads 0 match empty cells. */
double tkp_cli_ceiling(const tkp_csv *t, const char *name, const char *dtype, const char *isa, int threads,
		      const char *unit, const char *source)
{
	int cc = tkp_csv_col(t, "ceiling"), cd = tkp_csv_col(t, "dtype"), ci = tkp_csv_col(t, "isa"),
	    ct = tkp_csv_col(t, "threads"), cu = tkp_csv_col(t, "unit"), cs = tkp_csv_col(t, "source"),
	    cv = tkp_csv_col(t, "value");
	char tb[16];
	size_t r;
	double v;

	if (threads > 0)
		tkp_fmt(tb, sizeof tb, "%d", threads);
	else
		tb[0] = '\0';
	for (r = 0; r < t->nrows; r++) {
		char **row = t->rows[r];
		if (strcmp(row[cc], name) || strcmp(row[cd], dtype) || strcmp(row[ci], isa) || strcmp(row[ct], tb) ||
		    strcmp(row[cu], unit) || strcmp(row[cs], source))
			continue;
		if (tkp_csv_num(t, r, cv, &v) == 0)
			return v;
	}
	return NAN;
}

/* One thread count's low peaks as a clause of tkp_cli_low_scaling's text;
 * how many (0: nothing written). */
static int low_at(const tkp_csv *t, int threads, char *buf, size_t len)
{
	static const char *const isas[] = {"scalar", "avx2", "avx512"};
	double lo = INFINITY, hi = 0;
	const char *lo_dt = "", *lo_isa = "";
	int n = 0;

	for (int d = 0; d < 2; d++)
		for (int i = 0; i < 3; i++) {
			const char *dt = d ? "f64" : "f32";
			double v1 = tkp_cli_ceiling(t, "peak", dt, isas[i], 1, "GFLOP/s", "measured");
			double v = tkp_cli_ceiling(t, "peak", dt, isas[i], threads, "GFLOP/s", "measured");
			if (!isfinite(v1) || v1 <= 0 || !isfinite(v) || v >= TKP_PROBE_SCALING_LOW * threads * v1)
				continue;
			n++;
			hi = fmax(hi, v / v1);
			if (v / v1 < lo) {
				lo = v / v1;
				lo_dt = dt;
				lo_isa = isas[i];
			}
		}
	if (n == 1)
		snprintf(buf, len, "%s %s on %d threads is %.2fx its 1-thread peak", lo_dt, lo_isa, threads, lo);
	else if (n > 1 && hi - lo < 0.005)
		snprintf(buf, len, "%d paths on %d threads are %.2fx their 1-thread peaks", n, threads, lo);
	else if (n > 1)
		snprintf(buf, len, "%d paths on %d threads are %.2fx-%.2fx their 1-thread peaks (lowest %s %s)",
			 n, threads, lo, hi, lo_dt, lo_isa);
	return n;
}

/* The multi-thread peaks of ceilings.csv below TKP_PROBE_SCALING_LOW of
 * linear scaling, one clause per thread count ("f32 avx2 on 2 threads is
 * 1.24x its 1-thread peak; 6 paths on 16 threads are 8.35x-9.13x ...":
 * a 16-CPU probe listed path by path outran the callers' buffers), into
 * buf; returns how many peaks.  A clause that does not fit is left out
 * whole, and "..." says so. */
int tkp_cli_low_scaling(const tkp_csv *t, const int *threads, int nthreads, char *buf, size_t len)
{
	size_t used = 0;
	int n = 0;

	buf[0] = '\0';
	for (int k = 0; k < nthreads; k++) {
		char one[160];
		int got = threads[k] >= 2 ? low_at(t, threads[k], one, sizeof one) : 0;

		if (!got)
			continue;
		if (used + strlen(one) + 8 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", n ? ";\n " : "", one);
		else if (used + 5 < len && !strstr(buf, "..."))
			used += (size_t)snprintf(buf + used, len - used, "; ...");
		n += got;
	}
	return n;
}

