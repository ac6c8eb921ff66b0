/*
 * cmd_run.c - `tkprofile run`: measure one kernel configuration and print
 * it as a table, one CSV row (with sweep.csv's header) or a JSON object.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "kernels.h"
#include "profile.h"
#include "counters.h"
#include "sim.h"
#include "tuning.h"
#include "userk_cli.h"
#include "userkernel.h"
#include "util.h"
#include "verify.h"

const char cmd_run_usage[] =
	"usage: tkprofile run --kernel NAME | --kernel-file FILE --size N|MxNxK [options]\n"
	"\n"
	"Measures one configuration: a warm-up run, then repetitions until at least\n"
	"--min-time seconds and 3 runs (at most 1000: a tiny problem stops there);\n"
	"reports the median time, GFLOP/s, counters and a verification of the\n"
	"result against A·B (Freivalds' check).\n"
	"\n"
	"options:\n"
	"  -k, --kernel NAME      kernel to run (see `tkprofile kernels`)\n"
	"      --kernel-file FILE your own kernel: a C file (compiled with $CC, default cc,\n"
	"                         and $CFLAGS, default " TKP_USERK_DEFAULT_CFLAGS ") or a shared\n"
	"                         object defining int tkp_kernel(const tkp_gemm *g)\n"
	"                         (tkprofile_kernel.h); checked against naive, run in a child\n"
	"      --kernel-timeout SEC  time limit of a --kernel-file run (default: from its\n"
	"                         FLOPs at a thousandth of the peak, at least 10 s)\n"
	"  -s, --size N|MxNxK     C is M×N, the inner dimension K; N means N×N×N\n"
	"  -b, --block B          tile edge for kernels that take one (default: from L1)\n"
	"  -t, --threads T        worker threads for kernels that take them (default 1)\n"
	"  -d, --dtype f32|f64    element type (default f64)\n"
	"  -c, --counters MODE    auto|papi|sim|auto,sim|none (default auto: PAPI where it\n"
	"                         works; sim: simulated by valgrind's cache model)\n"
	"  -f, --format FMT       table|csv|json (default table)\n"
	"      --min-time SEC     seconds of timed runs to collect (default 0.2)\n"
	"      --seed N           seed of the random inputs (default 42)\n"
	"      --no-sample        --counters sim: simulate the whole problem, not a\n"
	"                         slice of its rows scaled up (slower, for checking)\n"
	"  -h, --help             this help\n"
	"\n"
	"CSV prints sweep.csv's header and one row; JSON one object with the same keys.\n"
	"Exit status: 0 ok (even if verification fails: see 'verified'), 1 runtime\n"
	"failure, 2 bad input.\n";

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int print_json(const tkp_result *r)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "kernel", json_string(r->kernel));
	json_object_set_new(o, "dtype", json_string(tkp_dtype_name(r->dtype)));
	json_object_set_new(o, "m", json_integer((json_int_t)r->m));
	json_object_set_new(o, "n", json_integer((json_int_t)r->n));
	json_object_set_new(o, "k", json_integer((json_int_t)r->k));
	json_object_set_new(o, "block", r->block > 0 ? json_integer(r->block) : json_null());
	json_object_set_new(o, "threads", json_integer(r->threads));
	json_object_set_new(o, "reps", json_integer(r->reps));
	json_object_set_new(o, "time_s", num_or_null(r->time_s));
	json_object_set_new(o, "time_s_min", num_or_null(r->time_s_min));
	json_object_set_new(o, "time_s_mad", num_or_null(r->time_s_mad));
	json_object_set_new(o, "gflops", num_or_null(r->gflops));
	for (int i = 0; i < TKP_M_COUNT; i++)
		json_object_set_new(o, tkp_metric_name(i), num_or_null(r->counters[i]));
	json_object_set_new(o, "flops_model", num_or_null(r->flops_model));
	json_object_set_new(o, "bytes_model", num_or_null(r->bytes_model));
	json_object_set_new(o, "ai_model", num_or_null(r->ai_model));
	json_object_set_new(o, "ai_dram", num_or_null(r->ai_dram));
	json_object_set_new(o, "cpu_util", num_or_null(r->cpu_util));
	json_object_set_new(o, "rss_delta_mb", num_or_null(r->rss_delta_mb));
	json_object_set_new(o, "counter_source", json_string(tkp_counter_source_name(r->counter_source)));
	json_object_set_new(o, "verified", r->verified >= 0 ? json_integer(r->verified) : json_null());
	json_object_set_new(o, "max_rel_err", num_or_null(r->max_rel_err));
	json_object_set_new(o, "ai_l2", num_or_null(r->ai_l2));
	json_object_set_new(o, "ai_l3", num_or_null(r->ai_l3));
	json_object_set_new(o, "counted_fraction", num_or_null(r->counted_fraction));
	json_object_set_new(o, "disturbed", json_integer(r->disturbed));
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	json_decref(o);
	if (!s)
		return -1;
	puts(s);
	free(s);
	return 0;
}

static void print_cell(const char *label, double v, const char *fmt, const char *unit)
{
	printf("  %-16s ", label);
	if (isnan(v))
		printf("-\n");
	else {
		printf(fmt, v);
		printf("%s\n", unit);
	}
}

/* What another program did to the repetitions, in words ("" when nothing:
 * a clean row). */
static const char *disturbed_words(const tkp_result *r, int min_reps, char *buf, size_t len)
{
	int clean = r->reps - r->disturbed;

	if (r->disturbed <= 0)
		tkp_fmt(buf, len, "%s", "");
	else if (clean <= 0)
		tkp_fmt(buf, len, "every one of the %d repetitions: another program took the CPU "
				  "throughout, so the times are from disturbed runs (too slow)", r->reps);
	else
		tkp_fmt(buf, len, "%d of %d repetitions: another program took the CPU; left out of the "
				  "times%s", r->disturbed, r->reps,
			clean < min_reps ? ", which come from the few clean ones" : "");
	return buf;
}

static void print_table(const tkp_result *r, const tkp_counters *ctr, int min_reps)
{
	char dw[256];

	tkp_counters_about a;

	printf("%s %s %zux%zux%zu", r->kernel, tkp_dtype_name(r->dtype), r->m, r->n, r->k);
	if (r->block > 0)
		printf(" block %d", r->block);
	printf(" threads %d\n", r->threads);
	print_cell("time (median)", r->time_s * 1e3, "%.4g", " ms");
	print_cell("time (min)", r->time_s_min * 1e3, "%.4g", " ms");
	print_cell("time (MAD)", r->time_s_mad * 1e3, "%.3g", " ms");
	printf("  %-16s %d\n", "repetitions", r->reps);
	printf("  %-16s %s\n", "disturbed",
	       r->disturbed ? disturbed_words(r, min_reps, dw, sizeof dw) : "0 (no other program took the CPU)");
	print_cell("GFLOP/s", r->gflops, "%.3f", "");
	print_cell("arith. intensity", r->ai_model, "%.3g", " FLOP/byte (model)");
	print_cell("CPU utilisation", r->cpu_util * 100, "%.0f", " %");
	print_cell("RSS delta", r->rss_delta_mb, "%.2f", " MB");
	for (int i = 0; i < TKP_M_COUNT; i++)
		print_cell(tkp_metric_name(i), r->counters[i], "%.0f", "");
	if (!isnan(r->counters[TKP_M_CYCLES]) && !isnan(r->counters[TKP_M_INSTRUCTIONS]) &&
	    r->counters[TKP_M_CYCLES] > 0)
		print_cell("IPC", r->counters[TKP_M_INSTRUCTIONS] / r->counters[TKP_M_CYCLES], "%.2f", "");
	printf("  %-16s %s", "counters", tkp_counter_source_name(r->counter_source));
	tkp_counters_about_get(ctr, &a);
	if (r->counter_source == TKP_SRC_NONE && !a.off && tkp_counters_why(ctr)[0]) {
		char brief[1024];
		printf(" (%s)", tkp_cli_counters_brief(ctr, brief, sizeof brief));
	}
	/* counted apart: what counted it */
	if (r->counter_source != TKP_SRC_NONE && a.apart) {
		printf(" (%s, one run: %s)", a.tool, a.model);
		if (a.note[0])
			printf("\n  %-16s %s", "", a.note);
	}
	putchar('\n');
	printf("  %-16s %s (max rel. error %.2g, tolerance %.2g)\n", "verified",
	       r->verified == 1 ? "yes" : r->verified == 0 ? "NO" : "not checked", r->max_rel_err,
	       tkp_verify_tolerance(r->dtype, r->k));
}

/* The kernel: --kernel NAME, or --kernel-file FILE loaded (and compiled);
 * the simulated child of a user kernel loads the parent's objects first.
 * Returns 0 or an exit code (said). */
static int find_kernel(const char *kname, const char *kfile, int sim_child, const tkp_kernel **k)
{
	char err[1024];
	int rc;

	if (kname && kfile)
		return tkp_cli_usage("run", "--kernel and --kernel-file: give one of them");
	if (!kname && !kfile)
		return tkp_cli_usage("run", "--kernel or --kernel-file is required (see `tkprofile kernels`)");
	if (sim_child && tkp_userk_load_env(err, sizeof err))
		return tkp_cli_usage("run", "--sim-child: %s", err);
	if (kfile) {
		if ((rc = tkp_cli_userk_load("run", kfile)))
			return rc;
		kname = tkp_userk_at(tkp_userk_count() - 1)->name;
	}
	if (!(*k = tkp_kernel_find(kname))) {
		tkp_plan scratch;
		tkp_plan_defaults(&scratch);
		tkp_plan_set(&scratch, "sweep", "kernels", kname, err, sizeof err);
		return tkp_cli_usage("run", "--kernel: %s", err);
	}
	return 0;
}

/* A user kernel: checked against naive, then measured in a child.
 * Returns 0, a TKP_E* code, or 1 when it crashed or hung (said). */
static int run_user(const tkp_kernel *k, tkp_dtype dt, const tkp_shape *sh, int block,
		    int threads, const tkp_measure_opts *mo, double timeout, tkp_result *r)
{
	double flops = 2.0 * (double)sh->m * (double)sh->n * (double)sh->k;
	int runs = mo->warmup + mo->min_reps + tkp_counters_passes(mo->counters) + 1;
	double limit = tkp_cli_userk_limit(timeout, flops, runs, NAN, mo->min_time_s);
	char what[256];
	int rc;

	rc = tkp_cli_userk_checked("run", k, dt, timeout > 0 ? timeout : TKP_USERK_FLOOR_S, NULL);
	if (rc == -1)
		return 1; /* said */
	rc = tkp_cli_userk_measure(k, dt, sh->m, sh->n, sh->k, block, threads, mo, limit, r, what,
				   sizeof what);
	if (rc == 1)
		tkp_cli_fail("run", "%s %s %zux%zux%zu: %s", k->name, tkp_dtype_name(dt), sh->m, sh->n,
			     sh->k, what);
	return rc;
}

/* The row in the format asked for, and the warnings that go with it. */
static void print_result(const char *format, const tkp_result *r, const tkp_counters *ctr,
			 const tkp_counters_about *about, int min_reps)
{
	if (!strcmp(format, "csv")) {
		tkp_csv_sweep_header(stdout);
		tkp_csv_sweep_row(stdout, r);
	} else if (!strcmp(format, "json")) {
		print_json(r);
	} else {
		print_table(r, ctr, min_reps);
	}
	if (r->disturbed && strcmp(format, "table")) {
		char dw[256];
		tkp_cli_warn("run", "disturbed: %s", disturbed_words(r, min_reps, dw, sizeof dw));
	}
	if (about->apart && (r->counter_flags & TKP_CF_CALLER_ONLY))
		tkp_cli_warn("run", "%s counts cover the calling thread only (the workers' share is missing)",
			     about->adjective);
}

/* --sim-child: the kernel under valgrind (sim.c), on the slices given
 * by --sim-rows or --sim-cols (NULL: none); an exit code. */
static int sim_child_run(const tkp_kernel *k, tkp_dtype dt, const tkp_shape *sh, int block,
			 int threads, uint64_t seed, const char *sim_rows, const char *sim_cols)
{
	size_t rows[3] = {0, 0, 0}, cols[3] = {0, 0, 0};
	int rc;

	if (sim_rows && tkp_sim_rows_parse(sim_rows, rows))
		return tkp_cli_usage("run", "--sim-rows '%s': expected M1,M2,FLUSH", sim_rows);
	if (sim_cols && tkp_sim_cols_parse(sim_cols, cols))
		return tkp_cli_usage("run", "--sim-cols '%s': expected J0,J1,J2", sim_cols);
	rc = tkp_sim_child(k, dt, sh->m, sh->n, sh->k, block, threads, seed, rows,
			   sim_cols ? cols : NULL);
	return rc ? tkp_cli_fail("run", "--sim-child %s %zux%zux%zu: %s", k->name, sh->m, sh->n,
				 sh->k, tkp_strerror(rc))
		  : 0;
}

int cmd_run(int argc, char **argv)
{
	/* --sim-child (hidden): the child of a simulation (sim.c) runs the
	 * kernel once under valgrind, prints nothing and exits 0; with
	 * --sim-tuned MC,KC,NC (hidden) the parent's tuned blocking; with
	 * --sim-rows M1,M2,FLUSH (hidden) slices of C's rows, with --sim-cols
	 * J0,J1,J2 (hidden) of its columns */
	enum { O_SIM_CHILD = 256, O_SIM_TUNED, O_KFILE, O_KTIMEOUT, O_SIM_ROWS, O_NO_SAMPLE, O_SIM_COLS };
	static const struct option opts[] = {
		{"kernel", required_argument, NULL, 'k'}, {"size", required_argument, NULL, 's'},
		{"block", required_argument, NULL, 'b'},  {"threads", required_argument, NULL, 't'},
		{"dtype", required_argument, NULL, 'd'},  {"counters", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'}, {"min-time", required_argument, NULL, 'T'},
		{"seed", required_argument, NULL, 'S'},   {"help", no_argument, NULL, 'h'},
		{"sim-child", no_argument, NULL, O_SIM_CHILD},
		{"sim-tuned", required_argument, NULL, O_SIM_TUNED},
		{"kernel-file", required_argument, NULL, O_KFILE},
		{"kernel-timeout", required_argument, NULL, O_KTIMEOUT},
		{"sim-rows", required_argument, NULL, O_SIM_ROWS},
		{"no-sample", no_argument, NULL, O_NO_SAMPLE}, {"sim-cols", required_argument, NULL, O_SIM_COLS},
		{NULL, 0, NULL, 0}};
	const char *kname = NULL, *size = NULL, *counters = "auto", *format = "table", *sim_tuned = NULL;
	const char *kfile = NULL; /* --kernel-file, and its --kernel-timeout (0: derived) */
	const char *sim_rows = NULL, *sim_cols = NULL;
	double ktimeout = 0;
	int block = 0, threads = 0, c, rc, sim_child = 0, no_sample = 0;
	tkp_dtype dt = TKP_F64;
	tkp_measure_opts mo;
	tkp_counters *ctr = NULL;
	tkp_counters_about about;
	tkp_counters_job job;
	const tkp_kernel *k;
	tkp_shape sh;
	tkp_result r;
	char err[256], why[1024];

	tkp_measure_opts_init(&mo);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":k:s:b:t:d:c:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': kname = optarg; break;
		case 's': size = optarg; break;
		case 'b':
			if (tkp_cli_int_opt("run", "--block", optarg, 1, 1 << 20, &block))
				return TKP_EXIT_USAGE;
			break;
		case 't':
			if (tkp_cli_int_opt("run", "--threads", optarg, 1, TKP_MAX_THREADS, &threads))
				return TKP_EXIT_USAGE;
			break;
		case 'd':
			if (tkp_dtype_parse(optarg, &dt))
				return tkp_cli_usage("run", "--dtype '%s': expected f32 or f64", optarg);
			break;
		case 'c': counters = optarg; break;
		case 'f': format = optarg; break;
		case 'T': {
			double t;
			if (tkp_parse_double(optarg, &t) || t < 0 || t > 3600)
				return tkp_cli_usage("run", "--min-time '%s': expected seconds from 0 to 3600",
						     optarg);
			mo.min_time_s = t;
			break;
		}
		case 'S': {
			uint64_t s;
			if (tkp_parse_u64(optarg, UINT64_MAX, 0, &s))
				return tkp_cli_usage("run", "--seed '%s': expected a non-negative integer",
						     optarg);
			mo.seed = s;
			break;
		}
		case 'h': tkp_cli_print_usage("run"); return 0;
		case O_SIM_CHILD: sim_child = 1; break;
		case O_SIM_TUNED: sim_tuned = optarg; break;
		case O_KFILE: kfile = optarg; break;
		case O_KTIMEOUT:
			if (tkp_parse_double(optarg, &ktimeout) || !(ktimeout > 0) || ktimeout > 86400)
				return tkp_cli_usage("run", "--kernel-timeout '%s': expected seconds", optarg);
			break;
		case O_NO_SAMPLE: no_sample = 1; break;
		case O_SIM_ROWS: sim_rows = optarg; break;
		case O_SIM_COLS: sim_cols = optarg; break;
		default: return tkp_cli_bad_option("run", c, argv, optind, opts);
		}
	}
	if (optind < argc)
		return tkp_cli_usage("run", "unexpected argument '%s'", argv[optind]);
	if (!size)
		return tkp_cli_usage("run", "--size is required (N or MxNxK)");
	if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
		return tkp_cli_usage("run", "--format '%s': expected table, csv or json", format);
	if (tkp_parse_shape(size, &sh, err, sizeof err))
		return tkp_cli_usage("run", "--size %s", err);
	if ((rc = find_kernel(kname, kfile, sim_child, &k)))
		return rc;
	if (block && !(k->caps & TKP_CAP_BLOCK))
		return tkp_cli_usage("run", "--block: kernel '%s' takes no block size", k->name);
	if (threads > 1 && !(k->caps & TKP_CAP_THREADS))
		return tkp_cli_usage("run", "--threads: kernel '%s' is single-threaded", k->name);
	if (tkp_kernel_why_unavailable(k))
		return tkp_cli_fail("run", "kernel '%s' cannot run here: %s", k->name,
				    tkp_kernel_why_unavailable(k));
	if ((rc = tkp_cli_check_fits("run", dt, sh.m, sh.n, sh.k, 1)))
		return rc;
	if (!strcmp(k->name, "blas") && !sim_child)
		tkp_cli_warn_blas_core("run");
	if (sim_tuned && tkp_tuning_set(dt, sim_tuned))
		return tkp_cli_usage("run", "--sim-tuned '%s': expected MC,KC,NC", sim_tuned);
	if (sim_child)
		return sim_child_run(k, dt, &sh, block, threads, mo.seed, sim_rows, sim_cols);
	/* Allowed, since they are honest measurements, but rarely meant. */
	if (block && (size_t)block > sh.m && (size_t)block > sh.n && (size_t)block > sh.k)
		tkp_cli_warn("run", "--block %d is larger than the whole problem (%zux%zux%zu): the "
				    "kernel works on it as one tile",
			     block, sh.m, sh.n, sh.k);
	tkp_cli_warn_oversubscribed("run", threads);
	if ((rc = tkp_cli_open_counters("run", counters, NULL, 0, &ctr)))
		return rc;
	tkp_counters_sim_sample(ctr, !no_sample);
	tkp_counters_about_get(ctr, &about);
	block = tkp_kernel_block_for(k->caps, dt, block);
	/* counted in the timed runs' passes, or apart after them */
	mo.counters = ctr;
	if (tkp_cli_userk_is(k))
		rc = run_user(k, dt, &sh, block, threads, &mo, ktimeout, &r);
	else
		rc = tkp_measure_kernel(k, dt, sh.m, sh.n, sh.k, block, threads, &mo, &r);
	if (rc == 1) /* crashed, hung or a dtype it lacks: said */
		return tkp_counters_close(ctr), TKP_EXIT_FAIL;
	job = (tkp_counters_job){k, dt, sh.m, sh.n, sh.k, block, threads, mo.seed};
	if (!rc && (rc = tkp_counters_count(ctr, &job, &r, why, sizeof why))) {
		tkp_counters_close(ctr);
		return tkp_cli_fail("run", "%s %zux%zux%zu: %s counters: %s", k->name, sh.m, sh.n, sh.k,
				    about.adjective, why);
	}
	if (rc) {
		char hint[96];

		tkp_counters_close(ctr);
		return tkp_cli_fail("run", "%s %zux%zux%zu: %s%s", k->name, sh.m, sh.n, sh.k, tkp_strerror(rc),
				    rc == TKP_ENOMEM ? tkp_cli_enomem_hint(hint, sizeof hint) : "");
	}
	print_result(format, &r, ctr, &about, mo.min_reps);
	tkp_counters_close(ctr);
	return 0;
}
