/*
 * cmd_tune.c - `tkprofile tune`: find the tuned kernel's cache blocking
 * (MC, KC, NC) for this machine, and optionally save it for later runs.
 *
 * The search is coordinate-wise, starting from what tuned uses now (the
 * cache-size formulas, or an earlier saved result): KC first (it sizes the
 * A sliver in L1 and the B block together with NC), then NC (the B block
 * in L2), then MC (the A panel in L3); each candidate is timed as the best
 * of a few runs at one size, and the best value is kept before moving on.
 * That is 15-25 runs per dtype instead of a full grid.  With --blocked the
 * blocked kernel's tile edge is swept too (reported, not saved: pass it as
 * --block or in a profile's blocks list).
 *
 * --save writes tkp_tuned_conf_path() ("PATH DTYPE MC KC NC" per line,
 * other paths' lines kept), which src/lib/tuning.c reads when it resolves
 * the blocking that runs and sweeps pass to the kernel.  The candidates
 * are passed to the kernel the same way, in tkp_gemm's mc, kc, nc.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "kernels.h"
#include "profile.h"
#include "tuning.h"

const char cmd_tune_usage[] =
	"usage: tkprofile tune [--dtype f32,f64] [--size N] [--threads T] [--quick]\n"
	"                      [--blocked] [--save | --show]\n"
	"\n"
	"Sweeps the tuned kernel's cache blocking (KC, then NC, then MC, each around\n"
	"the best so far) on N x N x N problems, prints GFLOP/s for each candidate\n"
	"and the best.  Takes about a minute per dtype (--quick: ~15 s); run it on a\n"
	"quiet machine.\n"
	"\n"
	"  -d, --dtype LIST    f32, f64 or both (default both)\n"
	"  -s, --size N        problem edge, 16 to 16384 (default 2048; --quick 1024)\n"
	"  -t, --threads T     threads of the tuned kernel (default 1)\n"
	"      --quick         smaller problems and fewer candidates\n"
	"      --blocked       also sweep the blocked kernel's tile edge (printed only:\n"
	"                      pass it as --block or in a profile's blocks list)\n"
	"      --save          write the best to the tuning file that the tuned kernel\n"
	"                      reads at first use: $TKP_TUNED_CONF, else\n"
	"                      $XDG_CONFIG_HOME/tkprofile/tuned.conf, else\n"
	"                      ~/.config/tkprofile/tuned.conf\n"
	"      --show          print the blocking tuned uses now and where its tuning\n"
	"                      file is, and exit\n"
	"  -h, --help          this help\n"
	"\n"
	"TKP_TUNED_MC/KC/NC in the environment override the file.  Exit status: 0 ok,\n"
	"1 runtime failure, 2 bad input, 130 interrupted.\n";

struct bench {
	tkp_dtype dt;
	size_t n;
	int threads;
	void *a, *b, *c;
	int reps;
};

/* Best GFLOP/s of kernel k over b->reps runs (after one warm-up), with
 * tile edge block or tuned's blocking blk ({MC, KC, NC}; NULL: none); < 0
 * if it fails or is interrupted. */
static double time_kernel(const struct bench *b, const char *name, int block, const size_t *blk)
{
	const tkp_kernel *k = tkp_kernel_find(name);
	tkp_gemm g = {.dtype = b->dt, .m = b->n, .n = b->n, .k = b->n, .a = b->a, .b = b->b,
		      .c = b->c, .block = block, .threads = b->threads,
		      .mc = blk ? blk[0] : 0, .kc = blk ? blk[1] : 0, .nc = blk ? blk[2] : 0};
	double best = 0;

	if (!k || tkp_kernel_run(k, &g) != 0)
		return -1;
	for (int r = 0; r < b->reps; r++) {
		double t0 = tkp_timer_now(), t;

		if (tkp_cli_interrupted || tkp_kernel_run(k, &g) != 0)
			return -1;
		t = tkp_timer_now() - t0;
		if (t > 0 && (best == 0 || t < best))
			best = t;
	}
	return 2.0 * (double)b->n * (double)b->n * (double)b->n / best * 1e-9;
}

static const char *dt_name(tkp_dtype dt)
{
	return dt == TKP_F32 ? "f32" : "f64";
}

/* Times tuned at blocking v = {MC, KC, NC}; prints the row. */
static double try_blocking(const struct bench *b, const size_t v[3])
{
	double gf;

	gf = time_kernel(b, "tuned", 0, v);
	if (gf >= 0)
		printf("%-5s %6zu %6zu %6zu %9.1f\n", dt_name(b->dt), v[0], v[1], v[2], gf);
	fflush(stdout);
	return gf;
}

/* Sweeps coordinate i of best[] over cand (multiplied by unit, zeros
 * ending the list), keeping the best; *best_gf is updated. */
static int sweep_axis(const struct bench *b, size_t best[3], int i, const size_t *cand,
		      size_t unit, double *best_gf)
{
	size_t v[3];
	size_t keep = best[i];

	for (; *cand; cand++) {
		double gf;

		memcpy(v, best, sizeof v);
		v[i] = *cand * unit;
		if (v[i] == keep)
			continue;
		gf = try_blocking(b, v);
		if (gf < 0)
			return -1;
		if (gf > *best_gf) {
			*best_gf = gf;
			best[i] = v[i];
		}
	}
	return 0;
}

/* Tunes one dtype; best[] gets {MC, KC, NC}. */
static int tune_dtype(struct bench *b, int quick, size_t best[3])
{
	/* KC in units of 16 elements; NC in NR and MC in MR units. */
	static const size_t kc_full[] = {8, 12, 16, 20, 24, 32, 48, 0};
	static const size_t kc_quick[] = {12, 16, 24, 32, 48, 0};
	static const size_t nc_full[] = {4, 5, 6, 7, 8, 10, 12, 16, 24, 0};
	static const size_t nc_quick[] = {4, 6, 8, 12, 16, 0};
	static const size_t mc_full[] = {16, 32, 48, 64, 96, 128, 256, 0};
	static const size_t mc_quick[] = {32, 64, 128, 256, 0};
	size_t cur[5], want[3];
	double gf;

	/* where the search starts: the blocking runs and sweeps resolve */
	tkp_tuning_get(b->dt, want);
	tkp_tuned_blocking(b->dt, tkp_isa_current(), want, cur);
	best[0] = cur[0];
	best[1] = cur[1];
	best[2] = cur[2];
	gf = try_blocking(b, best);
	if (gf < 0)
		return -1;
	/* f32 packs twice the elements in the same bytes. */
	if (sweep_axis(b, best, 1, quick ? kc_quick : kc_full, b->dt == TKP_F32 ? 32 : 16,
		       &gf) != 0 ||
	    sweep_axis(b, best, 2, quick ? nc_quick : nc_full, cur[4], &gf) != 0 ||
	    sweep_axis(b, best, 0, quick ? mc_quick : mc_full, cur[3], &gf) != 0)
		return -1;
	printf("# best %s: MC=%zu KC=%zu NC=%zu at %.1f GFLOP/s\n", dt_name(b->dt), best[0],
	       best[1], best[2], gf);
	return 0;
}

static int tune_blocked(const struct bench *b)
{
	static const int blocks[] = {16, 32, 48, 64, 96, 128, 0};
	int best = 0;
	double best_gf = 0;

	for (const int *bl = blocks; *bl; bl++) {
		double gf = time_kernel(b, "blocked", *bl, NULL);

		if (gf < 0)
			return -1;
		printf("%-5s blocked block=%-4d %9.1f\n", dt_name(b->dt), *bl, gf);
		if (gf > best_gf) {
			best_gf = gf;
			best = *bl;
		}
	}
	printf("# best %s blocked: block=%d at %.1f GFLOP/s (pass --block %d)\n", dt_name(b->dt),
	       best, best_gf, best);
	return 0;
}

/* mkdir -p of the directory part of path. */
static int make_parent(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Rewrites the tuning file: this path's lines for the tuned dtypes
 * replaced, every other line kept. */
static int save(const char *path, const size_t best[2][3], const int done[2])
{
	static const char *const isas[3] = {"generic", "avx2", "avx512"};
	const char *isa = isas[tkp_isa_current()];
	char tmp[4200], line[256], *dir = strdup(path);
	FILE *in, *out;
	int rc = -1;

	if (!dir || make_parent(dir) != 0)
		goto fail;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!(out = fopen(tmp, "w")))
		goto fail;
	fprintf(out, "# tkprofile tune: cache blocking of the tuned kernel on this machine\n"
		     "# PATH DTYPE MC KC NC\n");
	if ((in = fopen(path, "r"))) {
		while (fgets(line, sizeof line, in)) {
			char li[16], ld[8];

			if (line[0] == '#')
				continue;
			if (sscanf(line, "%15s %7s", li, ld) == 2 && !strcmp(li, isa) &&
			    ((done[0] && !strcmp(ld, "f32")) || (done[1] && !strcmp(ld, "f64"))))
				continue;
			fputs(line, out);
		}
		fclose(in);
	}
	for (int d = 0; d < 2; d++)
		if (done[d])
			fprintf(out, "%s %s %zu %zu %zu\n", isa, d ? "f64" : "f32", best[d][0],
				best[d][1], best[d][2]);
	if (fclose(out) != 0 || rename(tmp, path) != 0) {
		remove(tmp);
		goto fail;
	}
	rc = 0;
fail:
	free(dir);
	return rc;
}

static void show(const char *path)
{
	for (int dt = TKP_F32; dt <= TKP_F64; dt++) {
		size_t want[3], v[5];

		tkp_tuning_get((tkp_dtype)dt, want);
		tkp_tuned_blocking((tkp_dtype)dt, tkp_isa_current(), want, v);
		printf("%s %s: MC=%zu KC=%zu NC=%zu MR=%zu NR=%zu\n", tkp_isa_name(),
		       dt_name((tkp_dtype)dt), v[0], v[1], v[2], v[3], v[4]);
	}
	printf("tuning file: %s\n", path);
}

int cmd_tune(int argc, char **argv)
{
	enum { O_SAVE = 1000, O_SHOW, O_BLOCKED, O_QUICK };
	static const struct option opts[] = {
		{"dtype", required_argument, NULL, 'd'},  {"size", required_argument, NULL, 's'},
		{"threads", required_argument, NULL, 't'}, {"quick", no_argument, NULL, O_QUICK},
		{"save", no_argument, NULL, O_SAVE},       {"show", no_argument, NULL, O_SHOW},
		{"blocked", no_argument, NULL, O_BLOCKED}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int want[2] = {1, 1}, done[2] = {0, 0}, quick = 0, do_save = 0, do_show = 0, blocked = 0;
	int threads = 1, rc = TKP_EXIT_OK, c;
	long size = 0;
	size_t best[2][3];
	char path[4096];
	const char *why = tkp_kernel_why_unavailable(tkp_kernel_find("tuned"));

	if (tkp_cli_wants_help(argc, argv)) {
		tkp_cli_print_usage("tune");
		return 0;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:s:t:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': {
			char *list = strdup(optarg), *save_ptr = NULL;

			want[0] = want[1] = 0;
			for (char *tok = list ? strtok_r(list, ",", &save_ptr) : NULL; tok;
			     tok = strtok_r(NULL, ",", &save_ptr)) {
				tkp_dtype dt;

				if (!strcmp(tok, "both"))
					want[0] = want[1] = 1;
				else if (tkp_dtype_parse(tok, &dt) == 0)
					want[dt == TKP_F64] = 1;
				else {
					/* print before freeing: tok points into list */
					int urc = tkp_cli_usage("tune", "--dtype '%s': expected f32, f64 or both",
							       tok);
					free(list);
					return urc;
				}
			}
			free(list);
			if (!want[0] && !want[1])
				return tkp_cli_usage("tune", "--dtype: empty list");
			break;
		}
		case 's': {
			int v;
			if (tkp_cli_int_opt("tune", "--size", optarg, 16, 16384, &v))
				return TKP_EXIT_USAGE;
			size = v;
			break;
		}
		case 't':
			if (tkp_cli_int_opt("tune", "--threads", optarg, 1, TKP_MAX_THREADS, &threads))
				return TKP_EXIT_USAGE;
			break;
		case O_QUICK: quick = 1; break;
		case O_SAVE: do_save = 1; break;
		case O_SHOW: do_show = 1; break;
		case O_BLOCKED: blocked = 1; break;
		default: return tkp_cli_bad_option("tune", c, argv, optind, opts);
		}
	}
	if (optind < argc)
		return tkp_cli_usage("tune", "unexpected argument '%s'", argv[optind]);
	if (do_save && do_show)
		return tkp_cli_usage("tune", "--save and --show do not go together");
	if (why)
		return tkp_cli_fail("tune", "the tuned kernel cannot run here: %s", why);
	if (tkp_tuned_conf_path(path, sizeof path) != 0) {
		if (do_save || do_show)
			return tkp_cli_fail("tune", "no place for the tuning file: set HOME, "
						    "XDG_CONFIG_HOME or TKP_TUNED_CONF");
		path[0] = '\0';
	}
	if (do_show) {
		show(path);
		return 0;
	}
	if (!size)
		size = quick ? 1024 : 2048;
	tkp_cli_catch_signals();
	printf("# tuning tuned on the %s path, %ld x %ld x %ld, %d thread(s)\n", tkp_isa_name(),
	       size, size, size, threads);
	printf("%-5s %6s %6s %6s %9s\n", "dtype", "MC", "KC", "NC", "GFLOP/s");
	for (int d = 0; d < 2 && rc == TKP_EXIT_OK; d++) {
		struct bench b = {.dt = d ? TKP_F64 : TKP_F32, .n = (size_t)size, .threads = threads,
				  .reps = quick ? 2 : 3};
		size_t es = d ? sizeof(double) : sizeof(float), cnt = (size_t)size * (size_t)size;

		if (!want[d])
			continue;
		b.a = calloc(cnt, es);
		b.b = calloc(cnt, es);
		b.c = calloc(cnt, es);
		if (!b.a || !b.b || !b.c)
			rc = tkp_cli_fail("tune", "out of memory for %ld x %ld matrices", size, size);
		else if (tune_dtype(&b, quick, best[d]) != 0 || (blocked && tune_blocked(&b) != 0))
			rc = tkp_cli_interrupted ? TKP_EXIT_INTR
						 : tkp_cli_fail("tune", "a kernel run failed");
		else
			done[d] = 1;
		free(b.a);
		free(b.b);
		free(b.c);
	}
	if (rc == TKP_EXIT_OK && do_save) {
		if (save(path, (const size_t(*)[3])best, done) != 0)
			return tkp_cli_fail("tune", "%s: cannot write: %s", path, strerror(errno));
		printf("# saved to %s\n", path);
	}
	return rc;
}
