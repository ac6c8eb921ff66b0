/*
 * cmd_sweep.c - `tkprofile sweep`: the main job.
 *
 * Plan (profile + options) → results directory → machine probe → one
 * measured row per configuration, appended to sweep.csv as it finishes →
 * summary → charts.  What a user keeps when things go wrong:
 *   - bad input is found before anything is created (exit 2, no files);
 *   - a results directory that holds results is never written into
 *     without --resume;
 *   - each row reaches the file whole or not at all, so an interrupted or
 *     failed sweep leaves valid CSV with every finished row;
 *   - `--resume` finishes the plan saved in plan.prof, skipping rows done.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "cli.h"
#include "present.h"
#include "csv.h"
#include "fsutil.h"
#include "kernels.h"
#include "profile.h"
#include "sim.h"
#include "util.h"

const char cmd_sweep_usage[] =
	"usage: tkprofile sweep [options]\n"
	"\n"
	"Measures every configuration of a profile (kernels × sizes × block sizes ×\n"
	"thread counts × dtypes), probes the machine, and writes a results directory:\n"
	"sweep.csv, machine.json, ceilings.csv, hierarchy.csv, plan.prof, summary.txt\n"
	"and plots/.  Rows are appended as they finish; Ctrl-C stops after the\n"
	"current run and keeps every finished row.\n"
	"\n"
	"options:\n"
	"  -p, --profile NAME|FILE  quick (~30 s), default (~5 min), full, or a .prof file\n"
	"  -o, --out DIR            results directory (default results/<host>-<date>)\n"
	"  -r, --resume             continue the interrupted sweep in --out DIR\n"
	"  -c, --counters MODE      auto|papi|sim|auto,sim|none (default from the profile:\n"
	"                           auto); sim: valgrind's cache model, sizes up to the\n"
	"                           profile's sim_max_size (default 128)\n"
	"  -k, --kernels LIST       e.g. naive,blocked (see `tkprofile kernels`)\n"
	"  -s, --sizes LIST         N, MxNxK, ranges 64:1024:x2 or 64:512:+64\n"
	"  -b, --blocks LIST        tile edges for kernels that take them, or auto\n"
	"  -t, --threads LIST       thread counts for kernels that take them (ncpu = all)\n"
	"  -d, --dtype LIST         f32, f64 or both\n"
	"      --budget SECONDS     limit on the whole sweep's measuring: skip\n"
	"                           configurations predicted to overrun it (0: no limit)\n"
	"      --min-time SECONDS   timed seconds per configuration (default 0.2)\n"
	"      --reprobe            probe the machine again even if a recent probe exists\n"
	"      --no-plots           do not draw charts (draw later: tkprofile plot DIR)\n"
	"  -q, --quiet              no progress, only errors and the summary\n"
	"  -h, --help               this help\n"
	"\n"
	"Options override the profile's keys; the effective plan is saved as\n"
	"DIR/plan.prof.  Exit status: 0 ok, 1 runtime failure, 2 bad input,\n"
	"130 interrupted (resume with --out DIR --resume).\n";

/* Files whose presence marks a directory as holding results. */
static const char *const result_files[] = {"sweep.csv", "plan.prof", "summary.txt", "machine.json",
					    "ceilings.csv", "hierarchy.csv", NULL};

typedef struct sweep_state {
	const char *dir;
	char csv_path[PATH_MAX];
	int csv_fd;
	tkp_config *cfg;
	size_t ncfg;
	unsigned char *done;   /* per config: 1 if in sweep.csv already */
	double *predicted;     /* per config: predicted seconds (see repredict) */
	double *gflops_seen;   /* per config: measured GFLOP/s, NAN until run */
	int tty, quiet;
} sweep_state;


/* ---- rows -------------------------------------------------------------- */

/* Largest dimension of a configuration (what sim_max_size caps). */
#define SHAPE_MAX(c) ((c).m > (c).n ? ((c).m > (c).k ? (c).m : (c).k) : ((c).n > (c).k ? (c).n : (c).k))

/* ---- the plan ---------------------------------------------------------- */

/* What the kernels' max_size leaves out of the plan, as "naive above 1024:
 * 2048, 4096; simd above 1024: 2048" into buf ("" when nothing): sizes
 * given on the command line must not vanish without a word. */
static void capped_sizes(const tkp_plan *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int ki = 0; ki < p->nkernels; ki++)
		for (int i = 0; i < p->nkopts; i++) {
			const tkp_plan_kernel *ko = &p->kopts[i];
			const tkp_size_list *sizes = ko->has_sizes ? &ko->sizes : &p->sizes;
			int first = 1;

			if (strcmp(ko->name, p->kernels[ki]))
				continue;
			for (int s = 0; s < sizes->n && used < len; s++) {
				const tkp_shape *sh = &sizes->v[s];
				char shape[80];

				if (!tkp_plan_capped(ko, sh))
					continue;
				if (sh->m == sh->n && sh->n == sh->k)
					tkp_fmt(shape, sizeof shape, "%zu", sh->m);
				else
					tkp_fmt(shape, sizeof shape, "%zux%zux%zu", sh->m, sh->n, sh->k);
				if (first)
					used += (size_t)snprintf(buf + used, len - used, "%s%s above %zu: %s",
								 used ? "; " : "", ko->name, ko->max_size,
								 shape);
				else
					used += (size_t)snprintf(buf + used, len - used, ", %s", shape);
				first = 0;
			}
		}
	if (used >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}


/* Appends one row with a single write(); on a short write the file is cut
 * back to where it was, so no torn row is ever left behind. */
static int append_row(sweep_state *s, const tkp_result *r)
{
	char *buf = NULL;
	size_t len = 0, done;
	FILE *mem = open_memstream(&buf, &len);
	off_t end;
	ssize_t w;
	int e;

	if (!mem)
		return -1;
	if (tkp_csv_sweep_row(mem, r) || fclose(mem)) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	end = lseek(s->csv_fd, 0, SEEK_END);
	/* After a short write the next write says why (ENOSPC, EFBIG, EIO). */
	for (done = 0, e = 0; done < len; done += (size_t)w)
		if ((w = write(s->csv_fd, buf + done, len - done)) <= 0) {
			e = w < 0 ? errno : EIO;
			break;
		}
	free(buf);
	if (done == len && fdatasync(s->csv_fd) == 0)
		return 0;
	if (!e)
		e = errno;
	if (end >= 0 && ftruncate(s->csv_fd, end) != 0) {
		/* nothing more we can do: report the original error */
	}
	errno = e ? e : EIO;
	return -1;
}

static int same_config(const tkp_config *c, const tkp_result *r)
{
	return !strcmp(c->kernel->name, r->kernel) && c->dtype == r->dtype && c->m == r->m &&
	       c->n == r->n && c->k == r->k && c->threads == r->threads &&
	       ((c->block == 0 && r->block == 0) || c->block == r->block);
}

/* Marks configurations already in an existing sweep.csv. */
static int load_done(sweep_state *s, char *err, size_t errlen)
{
	tkp_csv *t;
	tkp_result r;
	struct stat st;
	int rc;

	/* empty: the header's write failed (a full disk): nothing done yet */
	if (stat(s->csv_path, &st) == 0 && st.st_size == 0)
		return 0;
	if ((rc = tkp_csv_read(s->csv_path, &t, err, errlen)))
		return rc;
	if ((rc = tkp_csv_require(t, tkp_sweep_columns, err, errlen))) {
		tkp_csv_free(t);
		return rc;
	}
	for (size_t i = 0; i < t->nrows; i++) {
		if ((rc = tkp_csv_sweep_parse(t, i, &r, err, errlen))) {
			tkp_csv_free(t);
			return rc;
		}
		for (size_t c = 0; c < s->ncfg; c++)
			if (!s->done[c] && same_config(&s->cfg[c], &r)) {
				s->done[c] = 1;
				s->gflops_seen[c] = r.gflops;
			}
	}
	tkp_csv_free(t);
	return 0;
}

/* ---- predictions ------------------------------------------------------- */

static double flops_of(const tkp_config *c)
{
	return 2.0 * (double)c->m * (double)c->n * (double)c->k;
}

/*
 * Predicted seconds for configuration i: its FLOPs at the speed the same
 * kernel, dtype and thread count reached at the nearest smaller size (or,
 * before any, a conservative 0.5 GFLOP/s), times the runs it will take: a
 * warm-up, max(min_reps, min_time/t) timed runs and one per counter pass.
 */
static double predict(const sweep_state *s, size_t i, const tkp_plan *p, int passes)
{
	const tkp_config *c = &s->cfg[i];
	double best_flops = -1, gf = 0.5, t1, runs;

	for (size_t j = 0; j < s->ncfg; j++) {
		const tkp_config *o = &s->cfg[j];
		if (isnan(s->gflops_seen[j]) || o->kernel != c->kernel || o->dtype != c->dtype ||
		    o->threads != c->threads || flops_of(o) > flops_of(c))
			continue;
		if (flops_of(o) > best_flops) {
			best_flops = flops_of(o);
			gf = s->gflops_seen[j];
		}
	}
	if (!(gf > 0))
		gf = 0.5;
	t1 = flops_of(c) / (gf * 1e9);
	runs = 1 + passes + fmax((double)p->min_reps, t1 > 0 ? p->min_time_s / t1 : 1);
	if (runs > p->max_reps + 1 + passes)
		runs = p->max_reps + 1 + passes;
	return t1 * runs;
}

/* Refreshes s->predicted for the configurations a new measurement of
 * `like` can change (same kernel, dtype and threads; all when like is
 * NULL).  Keeping the predictions makes the ETA a sum, not a re-prediction
 * of the whole plan after every row (cubic in the plan's size). */
static void repredict(sweep_state *s, const tkp_config *like, const tkp_plan *p, int passes)
{
	for (size_t j = 0; j < s->ncfg; j++) {
		const tkp_config *c = &s->cfg[j];
		if (s->done[j] || (like && (c->kernel != like->kernel || c->dtype != like->dtype ||
					    c->threads != like->threads)))
			continue;
		s->predicted[j] = predict(s, j, p, passes);
	}
}

static void fmt_duration(char *buf, size_t len, double s)
{
	if (!isfinite(s) || s < 0)
		tkp_fmt(buf, len, "?");
	else if (s < 60)
		tkp_fmt(buf, len, "%.0fs", s);
	else if (s < 3600)
		tkp_fmt(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		tkp_fmt(buf, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void config_label(const tkp_config *c, char *buf, size_t len)
{
	char b[32] = "", t[32] = "";

	if (c->block > 0)
		tkp_fmt(b, sizeof b, " b%d", c->block);
	if (c->kernel->caps & TKP_CAP_THREADS)
		tkp_fmt(t, sizeof t, " t%d", c->threads);
	if (c->m == c->n && c->n == c->k)
		tkp_fmt(buf, len, "%s %s %zu%s%s", c->kernel->name, tkp_dtype_name(c->dtype), c->m, b, t);
	else
		tkp_fmt(buf, len, "%s %s %zux%zux%zu%s%s", c->kernel->name, tkp_dtype_name(c->dtype), c->m,
			c->n, c->k, b, t);
}

static void progress(const sweep_state *s, size_t done, size_t total, const char *label,
		     double eta, const char *result)
{
	char e[32];

	if (s->quiet)
		return;
	fmt_duration(e, sizeof e, eta);
	if (s->tty) {
		int width = 24, fill = total ? (int)((double)done * width / (double)total) : width;
		fprintf(stderr, "\r\033[K[");
		for (int i = 0; i < width; i++)
			fputc(i < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %zu/%zu %s  ETA %s", done, total, label, e);
		if (result)
			fprintf(stderr, "\r\033[K");
	} else if (result) {
		fprintf(stderr, "[%zu/%zu] %s: %s\n", done, total, label, result);
	}
	fflush(stderr);
}

/* ---- summary ----------------------------------------------------------- */

typedef struct best_row {
	char kernel[32];
	tkp_dtype dtype;
	double best;
	tkp_result at;
} best_row;

/* Builds the summary from sweep.csv (so resumed rows count) into a memory
 * buffer; prints it and writes summary.txt. */
static int write_summary(const sweep_state *s, int partial, size_t skipped, size_t failed, char *err,
			 size_t errlen)
{
	tkp_csv *t = NULL;
	char *buf = NULL, path[PATH_MAX];
	size_t len = 0;
	FILE *mem;
	int rc;

	if ((rc = tkp_csv_read(s->csv_path, &t, err, errlen)))
		return rc;
	if (!(mem = open_memstream(&buf, &len))) {
		tkp_csv_free(t);
		return TKP_ENOMEM;
	}
	fprintf(mem, "tkprofile %s sweep summary: %s\n", PACKAGE_VERSION, s->dir);
	if (partial)
		fprintf(mem, "PARTIAL: the sweep was interrupted; resume with "
			     "`tkprofile sweep --out DIR --resume`\n");
	for (int d = 0; d < 2; d++) {
		tkp_dtype dt = d ? TKP_F64 : TKP_F32;
		best_row rows[TKP_PLAN_MAX_KERNELS];
		int nrows = 0;
		size_t common = 0; /* largest max-dim size that naive and others share */
		tkp_result r;

		for (size_t i = 0; i < t->nrows; i++) {
			int j;
			if (tkp_csv_sweep_parse(t, i, &r, err, errlen) || r.dtype != dt)
				continue;
			for (j = 0; j < nrows && strcmp(rows[j].kernel, r.kernel); j++)
				;
			if (j == nrows) {
				if (nrows == TKP_PLAN_MAX_KERNELS)
					continue;
				memset(&rows[j], 0, sizeof rows[j]);
				tkp_strlcpy(rows[j].kernel, r.kernel, sizeof rows[j].kernel);
				rows[j].best = -1;
				nrows++;
			}
			if (r.gflops > rows[j].best) {
				rows[j].best = r.gflops;
				rows[j].at = r;
			}
		}
		if (!nrows)
			continue;
		/* the largest size naive ran at (square or not, by FLOPs) */
		{
			double bestf = -1;
			for (size_t i = 0; i < t->nrows; i++) {
				if (tkp_csv_sweep_parse(t, i, &r, err, errlen) || r.dtype != dt ||
				    strcmp(r.kernel, "naive"))
					continue;
				if (r.flops_model > bestf) {
					bestf = r.flops_model;
					common = i + 1;
				}
			}
		}
		fprintf(mem, "\n%s: best GFLOP/s per kernel", tkp_dtype_name(dt));
		if (common) {
			tkp_result nr;
			tkp_csv_sweep_parse(t, common - 1, &nr, err, errlen);
			fprintf(mem, "; speed-up over naive at %zux%zux%zu\n", nr.m, nr.n, nr.k);
		} else {
			fprintf(mem, " (naive not run: no speed-ups)\n");
		}
		fprintf(mem, "  %-10s %10s  %-24s %10s\n", "kernel", "GFLOP/s", "at (size block threads)",
			"speed-up");
		for (int j = 0; j < nrows; j++) {
			char at[64], sp[32] = "-";
			const tkp_result *a = &rows[j].at;
			tkp_fmt(at, sizeof at, "%zux%zux%zu %s t%d", a->m, a->n, a->k,
				a->block > 0 ? "" : "-", a->threads);
			if (a->block > 0)
				tkp_fmt(at, sizeof at, "%zux%zux%zu b%d t%d", a->m, a->n, a->k, a->block,
					a->threads);
			if (common) {
				tkp_result nr, kr;
				double tk = INFINITY;
				tkp_csv_sweep_parse(t, common - 1, &nr, err, errlen);
				for (size_t i = 0; i < t->nrows; i++)
					if (!tkp_csv_sweep_parse(t, i, &kr, err, errlen) && kr.dtype == dt &&
					    !strcmp(kr.kernel, rows[j].kernel) && kr.m == nr.m &&
					    kr.n == nr.n && kr.k == nr.k && kr.time_s < tk)
						tk = kr.time_s;
				if (isfinite(tk) && tk > 0)
					tkp_fmt(sp, sizeof sp, "%.1fx", nr.time_s / tk);
			}
			fprintf(mem, "  %-10s %10.2f  %-24s %10s\n", rows[j].kernel, rows[j].best, at, sp);
		}
	}
	{
		size_t bad = 0;
		tkp_result r;
		for (size_t i = 0; i < t->nrows; i++)
			if (!tkp_csv_sweep_parse(t, i, &r, err, errlen) && r.verified == 0)
				bad++;
		fprintf(mem, "\n%zu row%s in sweep.csv", t->nrows, t->nrows == 1 ? "" : "s");
		if (bad)
			fprintf(mem, ", %zu FAILED verification", bad);
		if (skipped)
			fprintf(mem, ", %zu configurations skipped (see above)", skipped);
		if (failed)
			fprintf(mem, ", %zu configurations FAILED to run (not in sweep.csv; "
				     "`--resume` tries them again)", failed);
		fprintf(mem, ".\n");
	}
	tkp_csv_free(t);
	if (fclose(mem)) {
		free(buf);
		return TKP_ENOMEM;
	}
	fputs(buf, stdout);
	rc = tkp_path_join(path, sizeof path, s->dir, "summary.txt");
	if (!rc && tkp_write_file(path, buf, len)) {
		tkp_fmt(err, errlen, "%s: %s", path, strerror(errno));
		rc = TKP_EIO;
	}
	free(buf);
	return rc;
}

/* ---- the command ------------------------------------------------------- */

/* Finds a profile by name (profiles/NAME.prof) or path. */
/* --profile: a path (it has a '/' or ends in .prof), a file of that name
 * here, or a built-in profile's name.  A directory that happens to share a
 * built-in's name (a results folder called "quick") does not hide it. */
static int resolve_profile(const char *arg, char *path, size_t len)
{
	struct stat st;
	int is_file = stat(arg, &st) == 0 && !S_ISDIR(st.st_mode);

	if (strchr(arg, '/') || (strlen(arg) > 5 && !strcmp(arg + strlen(arg) - 5, ".prof")) || is_file) {
		tkp_strlcpy(path, arg, len);
		return 0;
	}
	tkp_fmt(path, len, "%s/profiles/%s.prof", tkp_cli_datadir(), arg);
	if (tkp_path_exists(path))
		return 0;
	if (tkp_path_exists(arg)) { /* a directory, and no built-in: say so when loading */
		tkp_strlcpy(path, arg, len);
		return 0;
	}
	return -1;
}

static int write_plan(const char *dir, const tkp_plan *p, char *err, size_t errlen)
{
	char path[PATH_MAX];
	tkp_afile f;

	if (tkp_path_join(path, sizeof path, dir, "plan.prof") || tkp_afile_open(&f, path)) {
		tkp_fmt(err, errlen, "%s: %s", path, strerror(errno));
		return TKP_EIO;
	}
	if (tkp_plan_write(p, f.fp)) {
		tkp_afile_abort(&f);
		tkp_fmt(err, errlen, "%s: %s", path, strerror(errno));
		return TKP_EIO;
	}
	if (tkp_afile_commit(&f)) {
		tkp_fmt(err, errlen, "%s: %s", path, strerror(errno));
		return TKP_EIO;
	}
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	enum { O_BUDGET = 256, O_NOPLOTS, O_REPROBE, O_MINTIME };
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
		{"resume", no_argument, NULL, 'r'},        {"counters", required_argument, NULL, 'c'},
		{"kernels", required_argument, NULL, 'k'}, {"sizes", required_argument, NULL, 's'},
		{"blocks", required_argument, NULL, 'b'},  {"threads", required_argument, NULL, 't'},
		{"dtype", required_argument, NULL, 'd'},   {"budget", required_argument, NULL, O_BUDGET},
		{"min-time", required_argument, NULL, O_MINTIME},
		{"no-plots", no_argument, NULL, O_NOPLOTS}, {"reprobe", no_argument, NULL, O_REPROBE},
		{"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	/* options that change the plan, applied in order after the profile */
	struct { const char *key, *val; } over[32];
	int nover = 0, resume = 0, no_plots = 0, reprobe = 0, c, rc = 0, exit_rc = 0, probe_failed = 0;
	int made_out = 0; /* this run created DIR */
	const char *profile = NULL, *out = NULL;
	char err[1024], path[PATH_MAX], outbuf[PATH_MAX];
	tkp_plan plan;
	tkp_counters *ctr = NULL;
	tkp_sim *sim = NULL;
	sweep_state s;
	size_t skipped = 0, failed = 0, ran = 0, todo = 0;
	unsigned char noted[TKP_PLAN_MAX_KERNELS] = {0}; /* unavailable kernel told */
	tkp_measure_opts mo;
	double t_start, sim_s = 0;
	size_t nsim = 0, simulated = 0;
	tkp_result *simr = NULL; /* per config: its simulated counts, for repeats */

	memset(&s, 0, sizeof s);
	s.csv_fd = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":p:o:rc:k:s:b:t:d:qh", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (c) {
		case 'p': profile = optarg; break;
		case 'o': out = optarg; break;
		case 'r': resume = 1; break;
		case 'c': key = "counters"; break;
		case 'k': key = "kernels"; break;
		case 's': key = "sizes"; break;
		case 'b': key = "blocks"; break;
		case 't': key = "threads"; break;
		case 'd': key = "dtype"; break;
		case O_BUDGET: key = "budget"; break;
		case O_MINTIME: key = "min_time"; break;
		case O_NOPLOTS: no_plots = 1; break;
		case O_REPROBE: reprobe = 1; break;
		case 'q': tkp_cli_quiet = s.quiet = 1; break;
		case 'h': tkp_cli_print_usage("sweep"); return 0;
		default: return tkp_cli_bad_option("sweep", c, argv, optind, opts);
		}
		if (key) {
			if (nover == 32)
				return tkp_cli_usage("sweep", "too many options");
			over[nover].key = key;
			over[nover++].val = optarg;
		}
	}
	if (optind < argc)
		return tkp_cli_usage("sweep", "unexpected argument '%s' (options start with --)",
				     argv[optind]);

	/* ---- the plan: defaults, profile or saved plan, then options */
	tkp_plan_defaults(&plan);
	if (resume) {
		if (!out)
			return tkp_cli_usage("sweep", "--resume needs --out DIR (the sweep to continue)");
		if (profile || nover)
			return tkp_cli_usage("sweep", "--resume continues the plan saved in %s/plan.prof; "
						      "it takes no --profile or plan options", out);
		if (tkp_path_join(path, sizeof path, out, "plan.prof") || !tkp_path_exists(path))
			return tkp_cli_usage("sweep", "--resume: '%s' holds no plan.prof: not a sweep's "
						      "results directory", out);
		if ((rc = tkp_plan_load(&plan, path, err, sizeof err)))
			return tkp_cli_usage("sweep", "%s", err);
	} else {
		if (!profile)
			profile = "default";
		if (resolve_profile(profile, path, sizeof path))
			return tkp_cli_usage("sweep", "--profile '%s': no such profile (expected quick, "
						      "default, full or a .prof file)", profile);
		if ((rc = tkp_plan_load(&plan, path, err, sizeof err)))
			return rc == TKP_EIO ? tkp_cli_usage("sweep", "--profile %s", err)
					     : tkp_cli_usage("sweep", "%s", err);
		for (int i = 0; i < nover; i++)
			if (tkp_plan_set(&plan, "sweep", over[i].key, over[i].val, err, sizeof err))
				return tkp_cli_usage("sweep", "--%s: %s",
						     strcmp(over[i].key, "min_time") ? over[i].key : "min-time",
						     err);
	}
	if ((rc = tkp_plan_expand(&plan, &s.cfg, &s.ncfg)))
		return tkp_cli_fail("sweep", "%s", tkp_strerror(rc));
	capped_sizes(&plan, err, sizeof err);
	if (s.ncfg == 0) {
		free(s.cfg);
		if (err[0])
			return tkp_cli_usage("sweep", "the plan has no configurations: every size is above "
						      "its kernel's max_size (%s); raise max_size in a "
						      "profile's [kernel.NAME] section",
					     err);
		return tkp_cli_usage("sweep", "the plan has no configurations (check kernels, sizes "
					      "and dtypes)");
	}
	if (err[0])
		tkp_cli_note("tkprofile: sweep: left out by the kernels' max_size: %s", err);
	{
		int most = 1;
		for (size_t i = 0; i < s.ncfg; i++)
			if (s.cfg[i].threads > most)
				most = s.cfg[i].threads;
		tkp_cli_warn_oversubscribed("sweep", most);
	}
	for (size_t i = 0; i < s.ncfg; i++)
		if (tkp_cli_check_fits("sweep", s.cfg[i].dtype, s.cfg[i].m, s.cfg[i].n, s.cfg[i].k, 1)) {
			free(s.cfg);
			return TKP_EXIT_USAGE;
		}
	/* counters: validated before anything is created */
	if ((rc = tkp_cli_open_counters("sweep", plan.counters, &ctr))) {
		free(s.cfg);
		return rc;
	}
	if ((rc = tkp_cli_open_sim("sweep", plan.counters, ctr, (volatile int *)&tkp_cli_interrupted,
				   &sim))) {
		tkp_counters_close(ctr);
		free(s.cfg);
		return rc;
	}

	/* ---- the results directory */
	if (!out) {
		char stamp[32];
		time_t now = time(NULL);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
		tkp_fmt(outbuf, sizeof outbuf, "results/%s-%s", tkp_hostname(), stamp);
		out = outbuf;
	}
	s.dir = out;
	/* --resume writes into the sweep's own directory (its plan.prof was
	 * checked above) */
	if ((rc = resume ? tkp_cli_check_out("sweep", out, NULL, NULL, 1)
			 : tkp_cli_check_out("sweep", out, result_files,
					     "use --resume to continue it, or another --out", 0)))
		goto done;
	if (tkp_path_join(s.csv_path, sizeof s.csv_path, out, "sweep.csv")) {
		rc = tkp_cli_usage("sweep", "--out '%s': path too long", out);
		goto done;
	}
	s.done = calloc(s.ncfg, 1);
	s.predicted = malloc(s.ncfg * sizeof *s.predicted);
	s.gflops_seen = malloc(s.ncfg * sizeof *s.gflops_seen);
	if (sim)
		simr = calloc(s.ncfg, sizeof *simr);
	if (!s.done || !s.predicted || !s.gflops_seen || (sim && !simr)) {
		rc = tkp_cli_fail("sweep", "out of memory");
		goto done;
	}
	for (size_t i = 0; i < s.ncfg; i++)
		s.gflops_seen[i] = NAN;
	if (resume && tkp_path_exists(s.csv_path) && (rc = load_done(&s, err, sizeof err))) {
		rc = tkp_cli_usage("sweep", "--resume: %s", err);
		goto done;
	}
	/* A sweep that fails before its first row (a full disk, say) takes
	 * back the directory it created, so the same --out works next time
	 * instead of holding an empty, unresumable directory. */
	made_out = !resume && !tkp_path_exists(out);
	if ((rc = tkp_cli_make_out("sweep", out)))
		goto done;
	if (!resume && write_plan(out, &plan, err, sizeof err)) {
		rc = tkp_cli_fail("sweep", "%s", err);
		goto unmake;
	}
	s.csv_fd = open(s.csv_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (s.csv_fd < 0) {
		rc = tkp_cli_fail("sweep", "%s: %s", s.csv_path, strerror(errno));
		goto unmake;
	}
	if (lseek(s.csv_fd, 0, SEEK_END) == 0) {
		char *hdr = NULL;
		size_t hl = 0;
		FILE *mem = open_memstream(&hdr, &hl);
		if (!mem || tkp_csv_sweep_header(mem) || fclose(mem) ||
		    write(s.csv_fd, hdr, hl) != (ssize_t)hl) {
			rc = tkp_cli_fail("sweep", "%s: %s", s.csv_path, strerror(errno ? errno : EIO));
			free(hdr);
			if (ftruncate(s.csv_fd, 0)) {
			}
			goto unmake;
		}
		free(hdr);
	}
	s.tty = isatty(STDERR_FILENO);
	tkp_cli_catch_signals();

	for (size_t i = 0; i < s.ncfg; i++)
		todo += !s.done[i];
	tkp_cli_note("tkprofile: sweep: %zu configuration%s%s into %s", todo, todo == 1 ? "" : "s",
		     resume ? " left to run" : "", out);
	if (sim) {
		const tkp_sim_geometry *g = tkp_sim_geometry_of(sim);
		char c1[64], c2[64], c3[64];
		for (size_t i = 0; i < s.ncfg; i++)
			nsim += !s.done[i] && !tkp_kernel_why_unavailable(s.cfg[i].kernel) &&
				SHAPE_MAX(s.cfg[i]) <= plan.sim_max_size;
		tkp_sim_cache_text(&g->d1, c1, sizeof c1);
		tkp_sim_cache_text(&g->l2, c2, sizeof c2);
		tkp_sim_cache_text(&g->l3, c3, sizeof c3);
		tkp_cli_note("tkprofile: sweep: counters: simulated (%s callgrind: L1d %s, L2 %s, L3 %s); "
			     "simulating sizes <= %zu (%zu configuration%s, one valgrind run each after "
			     "the timed runs); larger rows have no counters",
			     tkp_sim_version(sim), c1, c2, c3, plan.sim_max_size, nsim, nsim == 1 ? "" : "s");
		if (g->note[0])
			tkp_cli_note("tkprofile: sweep: simulated caches: %s", g->note);
	} else if (!ctr || tkp_counters_passes(ctr) == 0) {
		char brief[1024];
		tkp_cli_note("tkprofile: sweep: counters: none (%s); timing and model FLOPs/bytes only",
			     ctr ? tkp_cli_counters_brief(ctr, brief, sizeof brief) : "--counters none");
	}

	/* ---- machine description and ceilings (unless the plan says none) */
	if (strcmp(plan.probe, "none") && !tkp_cli_interrupted) {
		char mj[PATH_MAX];
		if (!(resume && !tkp_path_join(mj, sizeof mj, out, "machine.json") && tkp_path_exists(mj))) {
			int mrc = tkp_cli_machine_into("sweep", out, !strcmp(plan.probe, "quick"), reprobe,
						       s.quiet);
			if (mrc == TKP_EXIT_INTR || tkp_cli_interrupted)
				exit_rc = TKP_EXIT_INTR;
			else if (mrc) {
				tkp_cli_warn("sweep", "machine probe failed; continuing without ceilings");
				probe_failed = 1;
			}
		}
	}

	/* ---- the runs */
	tkp_measure_opts_init(&mo);
	mo.min_time_s = plan.min_time_s;
	mo.min_reps = plan.min_reps;
	mo.max_reps = plan.max_reps < plan.min_reps ? plan.min_reps : plan.max_reps;
	mo.seed = plan.seed;
	mo.counters = !sim && ctr && tkp_counters_passes(ctr) > 0 ? ctr : NULL;
	mo.stop = (volatile int *)&tkp_cli_interrupted;
	t_start = tkp_timer_now();
	{
		size_t k = 0;
		int passes = mo.counters ? tkp_counters_passes(ctr) : 0;
		repredict(&s, NULL, &plan, passes);
		for (size_t i = 0; i < s.ncfg && !tkp_cli_interrupted; i++) {
			tkp_config *cf = &s.cfg[i];
			char label[128], res[160];
			double eta = 0, pred;
			const char *why;
			tkp_result r;

			if (s.done[i])
				continue;
			k++;
			config_label(cf, label, sizeof label);
			if ((why = tkp_kernel_why_unavailable(cf->kernel))) {
				size_t ki = (size_t)(cf->kernel - tkp_kernel_at(0));
				if (ki < TKP_PLAN_MAX_KERNELS && !noted[ki]) {
					tkp_cli_note("tkprofile: sweep: skipping kernel %s: %s",
						     cf->kernel->name, why);
					noted[ki] = 1;
				}
				skipped++;
				continue;
			}
			pred = s.predicted[i];
			for (size_t j = i; j < s.ncfg; j++)
				if (!s.done[j])
					eta += s.predicted[j];
			/* the budget is for measuring: simulation time is not charged */
			if (plan.budget_s > 0 && tkp_timer_now() - t_start - sim_s + pred > plan.budget_s) {
				char d[32];
				fmt_duration(d, sizeof d, pred);
				tkp_cli_note("%stkprofile: sweep: skipped %s: predicted %s would exceed "
					     "the %g s budget",
					     s.tty && !s.quiet ? "\r\033[K" : "", label, d, plan.budget_s);
				skipped++;
				continue;
			}
			progress(&s, k - 1, todo, label, eta, NULL);
			rc = tkp_measure_kernel(cf->kernel, cf->dtype, cf->m, cf->n, cf->k, cf->block,
						cf->threads, &mo, &r);
			if (rc) {
				char hint[96];

				tkp_cli_warn("sweep", "%s%s: %s%s; recorded as failed, continuing",
					     s.tty ? "\r\033[K" : "", label, tkp_strerror(rc),
					     rc == TKP_ENOMEM ? tkp_cli_enomem_hint(hint, sizeof hint) : "");
				failed++;
				rc = 0;
				continue;
			}
			if (sim && SHAPE_MAX(*cf) <= plan.sim_max_size && !tkp_cli_interrupted) {
				char swhy[1024];
				double t0 = tkp_timer_now();
				size_t j;
				/* simulated counts are deterministic: a configuration
				 * the plan repeats (blocks = 32,auto with auto = 32)
				 * takes the counts of its first run */
				for (j = 0; j < i; j++)
					if (simr && simr[j].counter_source == TKP_SRC_SIM &&
					    same_config(cf, &simr[j]))
						break;
				if (j < i) {
					memcpy(r.counters, simr[j].counters, sizeof r.counters);
					r.counter_source = TKP_SRC_SIM;
					r.ai_dram = simr[j].ai_dram;
					r.counter_flags |= simr[j].counter_flags & TKP_CF_CALLER_ONLY;
					rc = 0;
				} else {
					rc = tkp_sim_run(sim, cf->kernel, cf->dtype, cf->m, cf->n, cf->k,
							 cf->block, cf->threads, plan.seed, &r, swhy, sizeof swhy);
				}
				sim_s += tkp_timer_now() - t0;
				if (rc == TKP_EINTR)
					break; /* not appended: --resume measures it again */
				if (rc)
					tkp_cli_warn("sweep", "%s%s: simulated counters: %s; row kept without "
							      "counters", s.tty ? "\r\033[K" : "", label, swhy);
				else
					simulated++;
				if (!rc && simr)
					simr[i] = r;
				rc = 0;
			}
			if (append_row(&s, &r)) {
				rc = tkp_cli_fail("sweep", "%s: %s (every earlier row is intact)", s.csv_path,
						  strerror(errno));
				goto done;
			}
			ran++;
			s.done[i] = 1;
			s.gflops_seen[i] = r.gflops;
			repredict(&s, cf, &plan, passes);
			tkp_fmt(res, sizeof res, "%.3g GFLOP/s, %.3g ms%s%s", r.gflops, r.time_s * 1e3,
				r.counter_source == TKP_SRC_SIM ? ", simulated" : "",
				r.verified == 0 ? ", VERIFICATION FAILED" : "");
			progress(&s, k, todo, label, eta - pred, res);
			if (r.verified == 0)
				tkp_cli_warn("sweep", "%s: result failed verification (max rel. error %.3g)",
					     label, r.max_rel_err);
			if (r.counter_flags & TKP_CF_PASSES_DISAGREE)
				tkp_cli_warn("sweep", "%s: counter passes disagree by more than 10%% "
						      "(a noisy run): treat its counters with care", label);
			if (r.counter_flags & TKP_CF_CALLER_ONLY)
				tkp_cli_warn("sweep", "%s: counters cover the calling thread only "
						      "(the library's thread pool predates them)", label);
		}
	}
	if (tkp_cli_interrupted)
		exit_rc = TKP_EXIT_INTR;
	if (s.tty && !s.quiet)
		fprintf(stderr, "\r\033[K");
	if (sim)
		tkp_cli_note("tkprofile: sweep: simulated %zu of %zu configurations in %.0f s (valgrind)",
			     simulated, nsim, sim_s);
	close(s.csv_fd);
	s.csv_fd = -1;

	/* ---- summary and charts */
	if ((rc = write_summary(&s, exit_rc == TKP_EXIT_INTR, skipped, failed, err, sizeof err))) {
		rc = tkp_cli_fail("sweep", "summary: %s", err);
		goto done;
	}
	if (failed)
		tkp_cli_warn("sweep", "%zu configurations failed (see messages above)", failed);
	if (!no_plots && exit_rc != TKP_EXIT_INTR) {
		int prc = tkp_present_plot("sweep", out, TKP_PRESENT_FORMATS, s.quiet);
		if (prc == TKP_EXIT_INTR)
			exit_rc = TKP_EXIT_INTR;
		else if (prc)
			tkp_cli_warn("sweep", "charts failed; the CSV is intact (retry: tkprofile plot %s)", out);
	}
	if (exit_rc != TKP_EXIT_INTR && tkp_present_report("sweep", out, argc, argv, 0, s.quiet))
		tkp_cli_warn("sweep", "report not written; the results are intact (retry: tkprofile "
				      "report %s)", out);
	if (exit_rc == TKP_EXIT_INTR)
		tkp_cli_note("tkprofile: sweep: interrupted; %zu rows kept in %s; continue with: "
			     "tkprofile sweep --out '%s' --resume", ran, s.csv_path, out);
	else
		tkp_cli_note("tkprofile: sweep: results in %s", out);
	rc = failed && !ran ? TKP_EXIT_FAIL : exit_rc;
	/* the measurements are kept, but a results directory without its probe
	 * files (a write error, say) is not a success */
	if (!rc && probe_failed)
		rc = TKP_EXIT_FAIL;
	goto done;
unmake:
	/* nothing measured yet: remove what this run created (only then) */
	if (made_out) {
		char p[PATH_MAX];

		if (s.csv_fd >= 0) {
			close(s.csv_fd);
			s.csv_fd = -1;
			unlink(s.csv_path);
		}
		if (!tkp_path_join(p, sizeof p, out, "plan.prof"))
			unlink(p);
		if (rmdir(out) == 0)
			tkp_cli_warn("sweep", "removed %s: nothing was measured into it", out);
	}
done:
	if (s.csv_fd >= 0)
		close(s.csv_fd);
	tkp_counters_close(ctr);
	tkp_sim_close(sim);
	free(simr);
	free(s.cfg);
	free(s.done);
	free(s.predicted);
	free(s.gflops_seen);
	return rc;
}
