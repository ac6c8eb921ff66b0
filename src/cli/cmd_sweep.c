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
#include "userk_cli.h"
#include "profile.h"
#include "sweep.h"
#include "counters.h"
#include "tuning.h"
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
	"                           profile's sim_max_size (default 128); simulated: each\n"
	"                           kernel × size × dtype at its default block and most\n"
	"                           threads (the rows the charts use)\n"
	"      --no-sample          simulate whole problems, not slices of their rows\n"
	"  -k, --kernels LIST       e.g. naive,blocked (see `tkprofile kernels`)\n"
	"      --kernel-file FILE,...  your own kernels beside them: C files (compiled with\n"
	"                           $CC and $CFLAGS, default cc -O2 -march=native) or shared\n"
	"                           objects defining int tkp_kernel(const tkp_gemm *g);\n"
	"                           checked against naive, run in a child (a crash or hang\n"
	"                           fails only their rows)\n"
	"      --kernel-timeout SEC time limit of a user kernel's configuration (default:\n"
	"                           its FLOPs at a thousandth of the peak, at least 10 s)\n"
	"      --retry-failed       with --resume: run again the user-kernel configurations\n"
	"                           that crashed or hung (kernels/failed.csv)\n"
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
	int csv_added; /* the added columns its header has (an older file resumed: fewer) */
	tkp_config *cfg;
	size_t ncfg;
	int retry_failed;      /* --retry-failed: user-kernel configurations that failed */
	unsigned char *done;   /* per config: 1 if in sweep.csv already */
	double *predicted;     /* per config: predicted seconds (see repredict) */
	double *gflops_seen;   /* per config: measured GFLOP/s, NAN until run */
	int tty, quiet;
	/* the plan and its counters */
	tkp_plan plan;
	tkp_counters *ctr;
	tkp_counters_about about;
	tkp_measure_opts mo;
	int passes;            /* counter passes per configuration (in process) */
	/* the run */
	char outbuf[PATH_MAX];
	int made_out;          /* this run created dir */
	int exit_rc, probe_failed;
	size_t skipped, failed, ran, todo;
	unsigned char noted[TKP_PLAN_MAX_KERNELS]; /* unavailable kernel told */
	double t_start;
	/* counting apart (a simulation per configuration, after its timed runs) */
	size_t napart, counted_apart;
	double apart_s;        /* seconds spent counting apart: not charged to the budget */
	tkp_result *apartr;    /* per config: its counts, for repeats */
	unsigned char *pick;   /* per config: 1 if counted apart (sim_picks) */
} sweep_state;

/* The command line: the profile, the results directory and the options
 * that change the plan (applied in order after the profile). */
typedef struct sweep_args {
	const char *profile, *out;
	struct { const char *key, *val; } over[32];
	int nover, resume, no_plots, reprobe, retry_failed;
} sweep_args;


/* ---- rows -------------------------------------------------------------- */

/* A configuration as the counter interface sees it. */
static tkp_counters_job job_of(const tkp_config *c, const tkp_plan *p)
{
	return (tkp_counters_job){c->kernel, c->dtype, c->m, c->n, c->k, c->block, c->threads, p->seed};
}

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
	if (tkp_csv_sweep_row_n(mem, r, s->csv_added) || fclose(mem)) {
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
	/* rows appended to a file written before columns were added keep to
	 * its header: every row then has as many cells as the header */
	s->csv_added = tkp_csv_sweep_added(t);
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

/* ---- the command line --------------------------------------------------- */

/* Parses argv into *a.  Returns 0, an exit code, or -1 when --help was
 * printed. */
static int parse_args(int argc, char **argv, sweep_args *a, int *quiet)
{
	enum { O_BUDGET = 256, O_NOPLOTS, O_REPROBE, O_MINTIME, O_KFILE, O_KTIMEOUT, O_RETRY, O_NOSAMPLE };
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
		{"resume", no_argument, NULL, 'r'},        {"counters", required_argument, NULL, 'c'},
		{"kernels", required_argument, NULL, 'k'}, {"sizes", required_argument, NULL, 's'},
		{"blocks", required_argument, NULL, 'b'},  {"threads", required_argument, NULL, 't'},
		{"dtype", required_argument, NULL, 'd'},   {"budget", required_argument, NULL, O_BUDGET},
		{"min-time", required_argument, NULL, O_MINTIME},
		{"no-sample", no_argument, NULL, O_NOSAMPLE},
		{"no-plots", no_argument, NULL, O_NOPLOTS}, {"reprobe", no_argument, NULL, O_REPROBE},
		{"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
		{"kernel-file", required_argument, NULL, O_KFILE},
		{"kernel-timeout", required_argument, NULL, O_KTIMEOUT},
		{"retry-failed", no_argument, NULL, O_RETRY},
		{NULL, 0, NULL, 0}};
	int c;

	memset(a, 0, sizeof *a);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":p:o:rc:k:s:b:t:d:qh", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (c) {
		case 'p': a->profile = optarg; break;
		case 'o': a->out = optarg; break;
		case 'r': a->resume = 1; break;
		case 'c': key = "counters"; break;
		case 'k': key = "kernels"; break;
		case 's': key = "sizes"; break;
		case 'b': key = "blocks"; break;
		case 't': key = "threads"; break;
		case 'd': key = "dtype"; break;
		case O_BUDGET: key = "budget"; break;
		case O_MINTIME: key = "min_time"; break;
		case O_NOSAMPLE: key = "sim_sample"; optarg = "off"; break;
		case O_NOPLOTS: a->no_plots = 1; break;
		case O_REPROBE: a->reprobe = 1; break;
		case O_KFILE: key = "kernel_files"; break;
		case O_KTIMEOUT: key = "kernel_timeout"; break;
		case O_RETRY: a->retry_failed = 1; break;
		case 'q': tkp_cli_quiet = *quiet = 1; break;
		case 'h': tkp_cli_print_usage("sweep"); return -1;
		default: return tkp_cli_bad_option("sweep", c, argv, optind, opts);
		}
		if (key) {
			if (a->nover == 32)
				return tkp_cli_usage("sweep", "too many options");
			a->over[a->nover].key = key;
			a->over[a->nover++].val = optarg;
		}
	}
	if (optind < argc)
		return tkp_cli_usage("sweep", "unexpected argument '%s' (options start with --)",
				     argv[optind]);
	return 0;
}

/* ---- the plan --------------------------------------------------------------- */

/* The plan: defaults, then the profile and the options, or (--resume) the
 * plan saved in DIR/plan.prof.  Returns 0 or an exit code. */
static int load_plan(const sweep_args *a, tkp_plan *plan)
{
	char err[1024], path[PATH_MAX];
	int rc;

	tkp_plan_defaults(plan);
	if (a->resume) {
		if (!a->out)
			return tkp_cli_usage("sweep", "--resume needs --out DIR (the sweep to continue)");
		if (a->profile || a->nover)
			return tkp_cli_usage("sweep", "--resume continues the plan saved in %s/plan.prof; "
						      "it takes no --profile or plan options", a->out);
		if (tkp_path_join(path, sizeof path, a->out, "plan.prof") || !tkp_path_exists(path))
			return tkp_cli_usage("sweep", "--resume: '%s' holds no plan.prof: not a sweep's "
						      "results directory", a->out);
		if ((rc = tkp_plan_load(plan, path, err, sizeof err)))
			return tkp_cli_usage("sweep", "%s", err);
		return 0;
	}
	if (resolve_profile(a->profile ? a->profile : "default", path, sizeof path))
		return tkp_cli_usage("sweep", "--profile '%s': no such profile (expected quick, "
					      "default, full or a .prof file)", a->profile ? a->profile : "default");
	if ((rc = tkp_plan_load(plan, path, err, sizeof err)))
		return rc == TKP_EIO ? tkp_cli_usage("sweep", "--profile %s", err)
				     : tkp_cli_usage("sweep", "%s", err);
	for (int i = 0; i < a->nover; i++)
		if (tkp_plan_set(plan, "sweep", a->over[i].key, a->over[i].val, err, sizeof err))
			return tkp_cli_usage("sweep", "--%s: %s",
					     !strcmp(a->over[i].key, "min_time")       ? "min-time"
					     : !strcmp(a->over[i].key, "kernel_files") ? "kernel-file"
					     : !strcmp(a->over[i].key, "kernel_timeout") ? "kernel-timeout"
										       : a->over[i].key,
					     err);
	return 0;
}

/*
 * The plan, its configurations and its counters, checked before anything
 * is created: bad input ends here with exit 2 and no files.  Returns 0 or
 * an exit code.
 */
static int sweep_plan(const sweep_args *a, sweep_state *s)
{
	tkp_plan *plan = &s->plan;
	char err[1024];
	int rc, most = 1;

	if ((rc = load_plan(a, plan)))
		return rc;
	/* user kernels: loaded (compiled) before the plan expands over them */
	if ((rc = tkp_cli_userk_load("sweep", plan->kernel_files)))
		return rc;
	tkp_cli_userk_plan(plan);
	/* the tuned kernel's blocking, resolved once; plan.prof records it */
	if (tkp_tuning_plan(plan, err, sizeof err))
		tkp_cli_warn("sweep", "%s", err);
	if ((rc = tkp_plan_expand(plan, &s->cfg, &s->ncfg)))
		return tkp_cli_fail("sweep", "%s", tkp_strerror(rc));
	capped_sizes(plan, err, sizeof err);
	if (s->ncfg == 0) {
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
	for (size_t i = 0; i < s->ncfg; i++)
		if (s->cfg[i].threads > most)
			most = s->cfg[i].threads;
	tkp_cli_warn_oversubscribed("sweep", most);
	for (size_t i = 0; i < s->ncfg; i++)
		if (tkp_cli_check_fits("sweep", s->cfg[i].dtype, s->cfg[i].m, s->cfg[i].n, s->cfg[i].k, 1))
			return TKP_EXIT_USAGE;
	if ((rc = tkp_cli_open_counters("sweep", plan->counters, (volatile int *)&tkp_cli_interrupted,
					plan->sim_max_size, &s->ctr)))
		return rc;
	tkp_counters_sim_sample(s->ctr, plan->sim_sample);
	tkp_counters_about_get(s->ctr, &s->about);
	s->passes = tkp_counters_passes(s->ctr);
	return 0;
}

/* How a configuration ranks as the one of its kernel × size × dtype that
 * the charts use: the default block first, then the most threads. */
static int chart_rank(const tkp_config *c)
{
	int dflt = !(c->kernel->caps & TKP_CAP_BLOCK) ||
		   c->block == tkp_kernel_block_for(c->kernel->caps, c->dtype, 0);

	return dflt * 1000000 + c->threads;
}

/* Marks the configurations counted apart: one per kernel × size × dtype,
 * the best ranked (the first of equals).  Simulating every block and
 * thread variant would take longer than measuring them; the others keep
 * empty counter cells. */
static void sim_picks(sweep_state *s)
{
	for (size_t i = 0; i < s->ncfg; i++) {
		const tkp_config *a = &s->cfg[i];
		s->pick[i] = 1;
		for (size_t j = 0; j < s->ncfg && s->pick[i]; j++) {
			const tkp_config *b = &s->cfg[j];
			if (j == i || b->kernel != a->kernel || b->dtype != a->dtype || b->m != a->m ||
			    b->n != a->n || b->k != a->k)
				continue;
			if (chart_rank(b) > chart_rank(a) || (chart_rank(b) == chart_rank(a) && j < i))
				s->pick[i] = 0;
		}
	}
}

/* ---- the results directory ---------------------------------------------------- */

/* Opens sweep.csv for appending and writes its header when it is new.
 * Returns 0 or an exit code (the message printed). */
static int open_csv(sweep_state *s)
{
	char *hdr = NULL;
	size_t hl = 0;
	FILE *mem;

	s->csv_fd = open(s->csv_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (s->csv_fd < 0)
		return tkp_cli_fail("sweep", "%s: %s", s->csv_path, strerror(errno));
	if (lseek(s->csv_fd, 0, SEEK_END) != 0)
		return 0;
	/* a new file: every column */
	for (s->csv_added = 0; tkp_sweep_columns_added[s->csv_added]; s->csv_added++)
		;
	mem = open_memstream(&hdr, &hl);
	if (!mem || tkp_csv_sweep_header(mem) || fclose(mem) || write(s->csv_fd, hdr, hl) != (ssize_t)hl) {
		int rc = tkp_cli_fail("sweep", "%s: %s", s->csv_path, strerror(errno ? errno : EIO));

		free(hdr);
		if (ftruncate(s->csv_fd, 0)) {
		}
		return rc;
	}
	free(hdr);
	return 0;
}

/* Nothing measured yet: removes what this run created (only then), so the
 * same --out works next time instead of holding an empty, unresumable
 * directory. */
static void unmake_out(sweep_state *s)
{
	char p[PATH_MAX];

	if (!s->made_out)
		return;
	if (s->csv_fd >= 0) {
		close(s->csv_fd);
		s->csv_fd = -1;
		unlink(s->csv_path);
	}
	if (!tkp_path_join(p, sizeof p, s->dir, "plan.prof"))
		unlink(p);
	if (rmdir(s->dir) == 0)
		tkp_cli_warn("sweep", "removed %s: nothing was measured into it", s->dir);
}

/* The per-configuration bookkeeping, and the rows already done (--resume). */
static int sweep_tables(const sweep_args *a, sweep_state *s)
{
	char err[1024];

	s->done = calloc(s->ncfg, 1);
	s->predicted = malloc(s->ncfg * sizeof *s->predicted);
	s->gflops_seen = malloc(s->ncfg * sizeof *s->gflops_seen);
	if (s->about.apart) {
		s->apartr = calloc(s->ncfg, sizeof *s->apartr);
		if ((s->pick = calloc(s->ncfg, 1)))
			sim_picks(s);
	}
	if (!s->done || !s->predicted || !s->gflops_seen || (s->about.apart && (!s->apartr || !s->pick)))
		return tkp_cli_fail("sweep", "out of memory");
	for (size_t i = 0; i < s->ncfg; i++)
		s->gflops_seen[i] = NAN;
	if (a->resume && tkp_path_exists(s->csv_path) && load_done(s, err, sizeof err))
		return tkp_cli_usage("sweep", "--resume: %s", err);
	return 0;
}

/*
 * The results directory: checked (a directory holding results is never
 * written into without --resume), created, plan.prof saved and sweep.csv
 * opened.  Returns 0 or an exit code.
 */
static int sweep_outdir(const sweep_args *a, sweep_state *s)
{
	char err[1024];
	int rc;

	if (a->out) {
		s->dir = a->out;
	} else {
		char stamp[32];
		time_t now = time(NULL);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
		tkp_fmt(s->outbuf, sizeof s->outbuf, "results/%s-%s", tkp_hostname(), stamp);
		s->dir = s->outbuf;
	}
	/* --resume writes into the sweep's own directory (its plan.prof was
	 * checked with the plan) */
	if ((rc = a->resume ? tkp_cli_check_out("sweep", s->dir, NULL, NULL, 1)
			    : tkp_cli_check_out("sweep", s->dir, result_files,
						"use --resume to continue it, or another --out", 0)))
		return rc;
	if (tkp_path_join(s->csv_path, sizeof s->csv_path, s->dir, "sweep.csv"))
		return tkp_cli_usage("sweep", "--out '%s': path too long", s->dir);
	if ((rc = sweep_tables(a, s)))
		return rc;
	/* A sweep that fails before its first row (a full disk, say) takes
	 * back the directory it created. */
	s->made_out = !a->resume && !tkp_path_exists(s->dir);
	if ((rc = tkp_cli_make_out("sweep", s->dir)))
		return rc;
	if (!a->resume && write_plan(s->dir, &s->plan, err, sizeof err))
		rc = tkp_cli_fail("sweep", "%s", err);
	else if (!(rc = tkp_cli_userk_record("sweep", s->dir)))
		rc = open_csv(s);
	if (rc)
		unmake_out(s);
	return rc;
}

/* ---- before the runs: what will be done, and the machine ----------------------- */

/* The opening lines: how many configurations, and what counts them. */
static void sweep_header(const sweep_args *a, sweep_state *s)
{
	const tkp_counters_about *ab = &s->about;

	for (size_t i = 0; i < s->ncfg; i++)
		s->todo += !s->done[i];
	tkp_cli_note("tkprofile: sweep: %zu configuration%s%s into %s", s->todo, s->todo == 1 ? "" : "s",
		     a->resume ? " left to run" : "", s->dir);
	for (size_t i = 0; i < s->ncfg; i++)
		if (!s->done[i] && !strcmp(s->cfg[i].kernel->name, "blas")) {
			tkp_cli_warn_blas_core("sweep");
			break;
		}
	if (ab->apart) {
		for (size_t i = 0; i < s->ncfg; i++) {
			tkp_counters_job j = job_of(&s->cfg[i], &s->plan);
			s->napart += !s->done[i] && s->pick[i] && !tkp_kernel_why_unavailable(s->cfg[i].kernel) &&
				     tkp_counters_apart(s->ctr, &j);
		}
		if (strstr(s->plan.counters, "auto")) {
			char st[1024];
			tkp_counters_machine_status(st, sizeof st);
			tkp_cli_note("tkprofile: sweep: counters: simulated, since hardware counters cannot "
				     "count here (%s); for real counters fix that and run again, or "
				     "--counters none for none", st);
		}
		tkp_cli_note("tkprofile: sweep: counters: %s (%s: %s); %s sizes <= %zu%s (%zu configuration%s: "
			     "each kernel × size × dtype at its default block and most threads, one %s "
			     "run each after the timed runs); other rows have no counters",
			     ab->adjective, ab->tool, ab->model, ab->gerund, ab->max_size,
			     s->plan.sim_sample ? ", large ones on a slice of their rows" : "", s->napart,
			     s->napart == 1 ? "" : "s", ab->runner);
		if (ab->note[0])
			tkp_cli_note("tkprofile: sweep: %s caches: %s", ab->adjective, ab->note);
	} else if (!ab->counts) {
		char brief[1024];
		tkp_cli_note("tkprofile: sweep: counters: none (%s); timing and model FLOPs/bytes only",
			     ab->off ? "--counters none" : tkp_cli_counters_brief(s->ctr, brief, sizeof brief));
	}
}

/* Machine description and ceilings (unless the plan says none, or a
 * resumed sweep has them already). */
static void sweep_probe(const sweep_args *a, sweep_state *s)
{
	char mj[PATH_MAX];
	int mrc;

	if (!strcmp(s->plan.probe, "none") || tkp_cli_interrupted)
		return;
	if (a->resume && !tkp_path_join(mj, sizeof mj, s->dir, "machine.json") && tkp_path_exists(mj))
		return;
	mrc = tkp_cli_machine_into("sweep", s->dir, !strcmp(s->plan.probe, "quick"), a->reprobe, s->quiet,
				   NULL, 0);
	if (mrc == TKP_EXIT_INTR || tkp_cli_interrupted) {
		s->exit_rc = TKP_EXIT_INTR;
	} else if (mrc) {
		tkp_cli_warn("sweep", "machine probe failed; continuing without ceilings");
		s->probe_failed = 1;
	}
}

/* ---- the runs ------------------------------------------------------------------ */

/*
 * Counts configuration i apart when its source does (a simulation, after
 * the timed runs).  Counts that repeat (simulated counts are deterministic)
 * are taken from the first run of the same configuration (blocks =
 * 32,auto with auto = 32).  Returns 0, or TKP_EINTR when stopped (the row
 * is then not appended: --resume measures it again).
 */
static int count_apart(sweep_state *s, size_t i, const char *label, tkp_result *r)
{
	const tkp_config *cf = &s->cfg[i];
	tkp_counters_job j = job_of(cf, &s->plan);
	char why[1024];
	double t0 = tkp_timer_now();
	size_t k;
	int rc = 0;

	if (!tkp_counters_apart(s->ctr, &j) || !s->pick[i] || tkp_cli_interrupted)
		return 0;
	for (k = 0; s->about.repeatable && k < i; k++)
		if (s->apartr[k].counter_source != TKP_SRC_NONE && same_config(cf, &s->apartr[k]))
			break;
	if (s->about.repeatable && k < i) {
		memcpy(r->counters, s->apartr[k].counters, sizeof r->counters);
		r->counter_source = s->apartr[k].counter_source;
		r->ai_dram = s->apartr[k].ai_dram;
		r->ai_l2 = s->apartr[k].ai_l2;
		r->ai_l3 = s->apartr[k].ai_l3;
		r->counted_fraction = s->apartr[k].counted_fraction;
		r->counter_flags |= s->apartr[k].counter_flags & TKP_CF_CALLER_ONLY;
	} else {
		rc = tkp_counters_count(s->ctr, &j, r, why, sizeof why);
	}
	s->apart_s += tkp_timer_now() - t0;
	if (rc == TKP_EINTR)
		return rc;
	if (rc)
		tkp_cli_warn("sweep", "%s%s: %s counters: %s; row kept without counters",
			     s->tty ? "\r\033[K" : "", label, s->about.adjective, why);
	else
		s->counted_apart++;
	if (!rc)
		s->apartr[i] = *r;
	return 0;
}

/* ", DISTURBED n/m" when another program took the CPU from n of the m
 * repetitions (", DISTURBED throughout" when from every one), else "". */
static const char *disturbed_tag(const tkp_result *r, char *buf, size_t len)
{
	if (r->disturbed <= 0)
		return "";
	if (r->disturbed >= r->reps)
		tkp_fmt(buf, len, ", DISTURBED throughout (%d reps)", r->reps);
	else
		tkp_fmt(buf, len, ", disturbed %d/%d reps (left out)", r->disturbed, r->reps);
	return buf;
}

/* The warnings a finished row may carry. */
static void row_warnings(const char *label, const tkp_result *r)
{
	if (r->verified == 0)
		tkp_cli_warn("sweep", "%s: result failed verification (max rel. error %.3g)", label,
			     r->max_rel_err);
	if (r->counter_flags & TKP_CF_PASSES_DISAGREE)
		tkp_cli_warn("sweep", "%s: counter passes disagree by more than 10%% "
				      "(a noisy run): treat its counters with care", label);
	if (r->counter_flags & TKP_CF_CALLER_ONLY)
		tkp_cli_warn("sweep", "%s: counters cover the calling thread only "
				      "(the library's thread pool predates them)", label);
	if (r->disturbed > 0 && r->disturbed >= r->reps)
		tkp_cli_warn("sweep", "%s: another program took the CPU in every repetition: "
				      "its figures are too slow (the row says disturbed=%d)", label, r->disturbed);
}

/* 1 when configuration i is not run: its kernel cannot run here, or the
 * budget would be exceeded (said once per kernel, and per row). */
static int skip_config(sweep_state *s, size_t i, const char *label, double pred)
{
	const tkp_config *cf = &s->cfg[i];
	const char *why;

	if ((why = tkp_kernel_why_unavailable(cf->kernel))) {
		size_t ki = (size_t)(cf->kernel - tkp_kernel_at(0));
		if (ki < TKP_PLAN_MAX_KERNELS && !s->noted[ki]) {
			tkp_cli_note("tkprofile: sweep: skipping kernel %s: %s", cf->kernel->name, why);
			s->noted[ki] = 1;
		}
		s->skipped++;
		return 1;
	}
	/* the budget is for measuring: counting apart is not charged */
	if (s->plan.budget_s > 0 && tkp_timer_now() - s->t_start - s->apart_s + pred > s->plan.budget_s) {
		char d[32];
		fmt_duration(d, sizeof d, pred);
		tkp_cli_note("%stkprofile: sweep: skipped %s: predicted %s would exceed the %g s budget",
			     s->tty && !s->quiet ? "\r\033[K" : "", label, d, s->plan.budget_s);
		s->skipped++;
		return 1;
	}
	return 0;
}

/*
 * Measures configuration i (the k-th to run) and appends its row.  Returns
 * 0 (also when the configuration failed: counted, reported, skipped), -1
 * when stopped before its row was complete, or an exit code when sweep.csv
 * cannot be written.
 */
static int run_one(sweep_state *s, size_t i, size_t k)
{
	tkp_config *cf = &s->cfg[i];
	char label[128], res[224], dis[64];
	double eta = 0, pred = s->predicted[i];
	tkp_result r;
	int rc;

	config_label(cf, label, sizeof label);
	if (skip_config(s, i, label, pred))
		return 0;
	for (size_t j = i; j < s->ncfg; j++)
		if (!s->done[j])
			eta += s->predicted[j];
	progress(s, k - 1, s->todo, label, eta, NULL);
	if (tkp_cli_userk_is(cf->kernel)) {
		/* a user kernel: checked, then measured in a child */
		tkp_cli_userk_ctx x = {s->dir, &s->mo, s->passes, s->plan.kernel_timeout_s,
				       s->retry_failed, s->tty};
		rc = tkp_cli_userk_sweep_one(&x, cf, label, &r);
		if (rc == TKP_EINTR)
			return -1;
		if (rc == TKP_USERK_SKIPPED || rc == TKP_USERK_FAILED) {
			*(rc == TKP_USERK_SKIPPED ? &s->skipped : &s->failed) += 1;
			return 0;
		}
	} else {
		rc = tkp_measure_kernel(cf->kernel, cf->dtype, cf->m, cf->n, cf->k, cf->block,
					cf->threads, &s->mo, &r);
	}
	if (rc) {
		char hint[96];

		tkp_cli_warn("sweep", "%s%s: %s%s; recorded as failed, continuing", s->tty ? "\r\033[K" : "",
			     label, tkp_strerror(rc), rc == TKP_ENOMEM ? tkp_cli_enomem_hint(hint, sizeof hint) : "");
		s->failed++;
		return 0;
	}
	if (count_apart(s, i, label, &r) == TKP_EINTR)
		return -1;
	if (append_row(s, &r))
		return tkp_cli_fail("sweep", "%s: %s (every earlier row is intact)", s->csv_path,
				    strerror(errno));
	s->ran++;
	s->done[i] = 1;
	s->gflops_seen[i] = r.gflops;
	repredict(s, cf, &s->plan, s->passes);
	tkp_fmt(res, sizeof res, "%.3g GFLOP/s, %.3g ms%s%s%s%s", r.gflops, r.time_s * 1e3,
		s->about.apart && r.counter_source != TKP_SRC_NONE ? ", " : "",
		s->about.apart && r.counter_source != TKP_SRC_NONE ? s->about.adjective : "",
		r.verified == 0 ? ", VERIFICATION FAILED" : "", disturbed_tag(&r, dis, sizeof dis));
	progress(s, k, s->todo, label, eta - pred, res);
	if (r.disturbed && s->tty && !s->quiet) /* the bar keeps no result: this one stays */
		fprintf(stderr, "[%zu/%zu] %s: %s\n", k, s->todo, label, res);
	row_warnings(label, &r);
	return 0;
}

/* Every configuration not done yet, in plan order, until interrupted.
 * Returns 0 or an exit code (sweep.csv could not be written). */
static int sweep_runs(sweep_state *s)
{
	size_t k = 0;
	int rc = 0;

	tkp_measure_opts_init(&s->mo);
	s->mo.min_time_s = s->plan.min_time_s;
	s->mo.min_reps = s->plan.min_reps;
	s->mo.max_reps = s->plan.max_reps < s->plan.min_reps ? s->plan.min_reps : s->plan.max_reps;
	s->mo.seed = s->plan.seed;
	s->mo.counters = s->ctr;
	s->mo.stop = (volatile int *)&tkp_cli_interrupted;
	s->t_start = tkp_timer_now();
	repredict(s, NULL, &s->plan, s->passes);
	for (size_t i = 0; i < s->ncfg && !tkp_cli_interrupted && !rc; i++)
		if (!s->done[i])
			rc = run_one(s, i, ++k);
	if (rc > 0)
		return rc;
	if (tkp_cli_interrupted)
		s->exit_rc = TKP_EXIT_INTR;
	if (s->tty && !s->quiet)
		fprintf(stderr, "\r\033[K");
	if (s->about.apart)
		tkp_cli_note("tkprofile: sweep: %s %zu of %zu configurations in %.0f s (%s)", s->about.adjective,
			     s->counted_apart, s->napart, s->apart_s, s->about.runner);
	close(s->csv_fd);
	s->csv_fd = -1;
	return 0;
}

/* ---- the end: summary, charts, report ------------------------------------------ */

/* Returns the command's exit code. */
static int sweep_finish(const sweep_args *a, sweep_state *s, int argc, char **argv)
{
	char err[1024];
	int rc, intr;

	if (s->ran && s->exit_rc != TKP_EXIT_INTR)
		tkp_sweep_recheck_peaks(s->dir);
	if (tkp_sweep_write_summary(s->csv_path, s->dir, s->exit_rc == TKP_EXIT_INTR, s->skipped,
				    s->failed, err, sizeof err))
		return tkp_cli_fail("sweep", "summary: %s", err);
	if (s->failed)
		tkp_cli_warn("sweep", "%zu configurations failed (see messages above)", s->failed);
	tkp_cli_userk_finish(s->dir);
	if (!a->no_plots && s->exit_rc != TKP_EXIT_INTR) {
		int prc = tkp_present_plot("sweep", s->dir, TKP_PRESENT_FORMATS, s->quiet);
		if (prc == TKP_EXIT_INTR)
			s->exit_rc = TKP_EXIT_INTR;
		else if (prc)
			tkp_cli_warn("sweep", "charts failed; the CSV is intact (retry: tkprofile plot %s)", s->dir);
	}
	intr = s->exit_rc == TKP_EXIT_INTR;
	if (!intr && tkp_present_report("sweep", s->dir, argc, argv, 0, s->quiet))
		tkp_cli_warn("sweep", "report not written; the results are intact (retry: tkprofile "
				      "report %s)", s->dir);
	if (intr)
		tkp_cli_note("tkprofile: sweep: interrupted; %zu rows kept in %s; continue with: "
			     "tkprofile sweep --out '%s' --resume", s->ran, s->csv_path, s->dir);
	else
		tkp_cli_note("tkprofile: sweep: results in %s", s->dir);
	rc = s->failed && !s->ran ? TKP_EXIT_FAIL : s->exit_rc;
	/* the measurements are kept, but a results directory without its probe
	 * files (a write error, say) is not a success */
	if (!rc && s->probe_failed)
		rc = TKP_EXIT_FAIL;
	return rc;
}

static void sweep_free(sweep_state *s)
{
	if (s->csv_fd >= 0)
		close(s->csv_fd);
	tkp_counters_close(s->ctr);
	free(s->apartr);
	free(s->pick);
	free(s->cfg);
	free(s->done);
	free(s->predicted);
	free(s->gflops_seen);
}

/* plan -> results directory -> runs -> summary, charts and report. */
int cmd_sweep(int argc, char **argv)
{
	sweep_args a;
	sweep_state *s = calloc(1, sizeof *s);
	int rc;

	if (!s)
		return tkp_cli_fail("sweep", "out of memory");
	s->csv_fd = -1;
	if ((rc = parse_args(argc, argv, &a, &s->quiet)) != 0) {
		free(s);
		return rc < 0 ? 0 : rc;
	}
	s->retry_failed = a.retry_failed;
	if (!(rc = sweep_plan(&a, s)) && !(rc = sweep_outdir(&a, s))) {
		s->tty = isatty(STDERR_FILENO);
		tkp_cli_catch_signals();
		sweep_header(&a, s);
		sweep_probe(&a, s);
		if (!s->exit_rc && !tkp_cli_interrupted && tkp_cli_sweep_check(s->dir, s->ctr, s->quiet) == TKP_EXIT_INTR)
			s->exit_rc = TKP_EXIT_INTR;
		if (!(rc = sweep_runs(s)))
			rc = sweep_finish(&a, s, argc, argv);
	}
	sweep_free(s);
	free(s);
	return rc;
}
