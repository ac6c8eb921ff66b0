/*
 * abi.c - a kernel of two builds of libtkprofile against each other in one
 * process (bench/ab.sh builds the older one from a git revision).
 *
 * A change to a kernel worth a few per cent cannot be judged by running
 * the two builds one after the other on a shared host: its phases move
 * both kernels by more than that.  Here both builds are loaded at once
 * (dlopen, each with its own symbols) and called round by round on the
 * same operands, their order rotating with OpenBLAS's (the blas kernel)
 * as a third; each round gives a ratio old time / new time, and the
 * median of those is the figure.  How far it can be trusted: one build
 * against a copy of itself (Zen 5 VM, 1 thread, the tuned kernel), 21
 * rounds at 512³ and 2048³, f32 and f64, read 0.988-1.011 in two runs,
 * 41 rounds at 48³-96³ 0.990-1.007 in four: a change of 2% or more
 * shows, one of 1% needs more rounds (the spread of the median falls as
 * 1/sqrt(rounds)) and a repeat with the builds' order swapped.  Between
 * bench/gemm runs of the two builds one after the other, the same cells
 * moved by 3% and more.
 *
 * A call shorter than 2 ms is timed in a batch of calls that last 2 ms,
 * after one untimed call (so each batch starts on its own caches).  With
 * -t above 1 each batch waits 20 ms first (untimed) and OpenBLAS's
 * column is left out; the figure is much coarser there: at 2 threads
 * on the 2-vCPU VM, one build against a copy of itself read 0.973-1.029
 * at 1024³ (f32 and f64, 21 rounds, both orders), so only a change of
 * 5% or more shows.  The new build's C is checked against the old
 * one's: "differ" flags a relative difference above 1e-3 (f32) or 1e-9
 * (f64).
 *
 * -A and -B pass the old and the new side a blocking (tkp_gemm's mc, kc,
 * nc; 0 derives it, as without them): the same build twice with -B alone
 * compares a blocking against the derived one (what such comparisons
 * found: tuned.c, tuned_blocking).  Run it in both orders (-A, then -B):
 * f32 MC 512 read +1.1% at 2048³ with -B alone, -0.3% and +0.6% over the
 * two orders.
 *
 * Usage: bench/abi [-r ROUNDS] [-t THREADS] [-k KERNEL] [-A MC:KC:NC] [-B MC:KC:NC]
 *                  OLD.so NEW.so [f32:MxNxK ...]
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "tkprofile.h"

typedef const tkp_kernel *(*find_fn)(const char *);
typedef int (*run_fn)(const tkp_kernel *, const tkp_gemm *);
typedef const char *(*why_fn)(const tkp_kernel *);

/* one contender: a kernel and the run function of the build it is from */
struct side {
	const tkp_kernel *k;
	run_fn run;
};

struct opts {
	int rounds, threads;
	size_t blk[2][3]; /* -A, -B: MC, KC, NC of the old and new side (0: derive) */
	const char *kernel, *lib[2];
	char *const *shapes;
	int nshapes;
};

static const char *default_shapes[] = {"f64:64x64x64",       "f64:512x512x512",
				       "f64:2048x2048x2048", "f32:64x64x64",
				       "f32:512x512x512",    "f32:2048x2048x2048"};

/* the q-quantile of v[0:n] (sorts v) */
static double quantile(double *v, int n, double q)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_dbl);
	return v[(int)(q * (n - 1) + 0.5)];
}

static int usage(FILE *f, const char *argv0)
{
	fprintf(f, "usage: %s [-r ROUNDS] [-t THREADS] [-k KERNEL] [-A MC:KC:NC] [-B MC:KC:NC] "
		   "OLD.so NEW.so [f32:MxNxK|f64:MxNxK ...]\n", argv0);
	return 2;
}

/* a whole number in [lo, hi] from s into *v; 0, or -1 */
static int parse_int(const char *s, int lo, int hi, int *v)
{
	char *end;
	long x = strtol(s, &end, 10);

	if (end == s || *end || x < lo || x > hi)
		return -1;
	*v = (int)x;
	return 0;
}

/* "MC:KC:NC" into b[3]; 0, or -1 */
static int parse_blocking(const char *s, size_t b[3])
{
	unsigned long v[3];
	char tail;

	if (sscanf(s, "%lu:%lu:%lu%c", &v[0], &v[1], &v[2], &tail) != 3 || v[0] > 65536 ||
	    v[1] > 65536 || v[2] > 65536)
		return -1;
	for (int i = 0; i < 3; i++)
		b[i] = v[i];
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i = 1;

	*o = (struct opts){.rounds = 21, .threads = 1, .kernel = "tuned"};
	for (; i < argc && argv[i][0] == '-'; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout, argv[0]);
			return -1;
		}
		if (!strcmp(argv[i], "-r") && v && parse_int(v, 3, 999, &o->rounds) == 0)
			continue;
		if (!strcmp(argv[i], "-t") && v && parse_int(v, 1, 256, &o->threads) == 0)
			continue;
		if (!strcmp(argv[i], "-k") && v) {
			o->kernel = v;
			continue;
		}
		if ((!strcmp(argv[i], "-A") || !strcmp(argv[i], "-B")) && v &&
		    parse_blocking(v, o->blk[argv[i][1] == 'B']) == 0)
			continue;
		fprintf(stderr, "bench/abi: %s%s%s: expected -r ROUNDS (3-999), -t THREADS "
				"(1-256), -k KERNEL or -A/-B MC:KC:NC (each 0 to 65536)\n", argv[i],
			v ? " " : "", v ? v : "");
		return usage(stderr, argv[0]);
	}
	if (argc - i < 2)
		return usage(stderr, argv[0]);
	o->lib[0] = argv[i];
	o->lib[1] = argv[i + 1];
	o->shapes = argc - i > 2 ? argv + i + 2 : (char *const *)default_shapes;
	o->nshapes = argc - i > 2 ? argc - i - 2 : (int)(sizeof default_shapes / sizeof *default_shapes);
	return 0;
}

/*
 * Kernel `name` of the build at path into *s, and into *peer its blas
 * kernel where that can run (else peer->k NULL); 0, or 2 with a message.
 */
static int load(const char *path, const char *name, struct side *s, struct side *peer)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	find_fn find;
	why_fn why;

	if (!h) {
		fprintf(stderr, "bench/abi: %s: %s\n", path, dlerror());
		return 2;
	}
	find = (find_fn)(size_t)dlsym(h, "tkp_kernel_find");
	why = (why_fn)(size_t)dlsym(h, "tkp_kernel_why_unavailable");
	s->run = (run_fn)(size_t)dlsym(h, "tkp_kernel_run");
	if (!find || !why || !s->run) {
		fprintf(stderr, "bench/abi: %s: expected a build of libtkprofile\n", path);
		return 2;
	}
	s->k = find(name);
	if (!s->k || why(s->k)) {
		fprintf(stderr, "bench/abi: %s: kernel '%s': %s\n", path, name,
			s->k ? why(s->k) : "no such kernel");
		return 2;
	}
	if (peer) {
		peer->run = s->run;
		peer->k = find("blas");
		if (peer->k && why(peer->k))
			peer->k = NULL;
	}
	return 0;
}

/* "f32:MxNxK" into *g (dtype and sizes); 0, or -1 */
static int parse_shape(const char *s, tkp_gemm *g)
{
	unsigned long m, n, k;
	char dt[4], tail;

	if (sscanf(s, "%3[f0-9]:%lux%lux%lu%c", dt, &m, &n, &k, &tail) != 4 || !m || !n || !k ||
	    m > 65536 || n > 65536 || k > 65536 || (strcmp(dt, "f32") && strcmp(dt, "f64")))
		return -1;
	*g = (tkp_gemm){.dtype = strcmp(dt, "f32") ? TKP_F64 : TKP_F32, .m = m, .n = n, .k = k};
	return 0;
}

static void *alloc_fill(size_t count, size_t es, unsigned salt)
{
	void *p;

	if (posix_memalign(&p, 4096, count * es) != 0)
		return NULL;
	bench_fill(p, count, es, salt);
	return p;
}

/*
 * Seconds per call of side s on g, timed in a batch of `batch` calls.
 * With threads, the other build's workers may still spin from its last
 * call (tuned's for 200 µs, OpenBLAS's far longer) and take a CPU from
 * this one: a pause first (without it, 2 threads, 300³ f32, one build
 * against a copy of itself read 0.35-2.9 round by round), then one
 * untimed call that wakes this side's workers.
 */
static double timed(const struct side *s, const tkp_gemm *g, int batch)
{
	double t0;

	if (g->threads > 1)
		nanosleep(&(struct timespec){0, 20000000L}, NULL);
	if (batch > 1 || g->threads > 1)
		s->run(s->k, g);
	t0 = bench_now();
	for (int i = 0; i < batch; i++)
		s->run(s->k, g);
	return (bench_now() - t0) / batch;
}

/* x[r] / y[r] over the rounds (q their room): p10, median, p90 into out */
static void ratio_quantiles(const double *x, const double *y, int n, double *q, double out[3])
{
	for (int r = 0; r < n; r++)
		q[r] = x[r] / y[r];
	out[0] = quantile(q, n, 0.1);
	out[1] = quantile(q, n, 0.5);
	out[2] = quantile(q, n, 0.9);
}

/* g for side w (0 old, 1 new, 2 blas): its C and the blocking asked of
 * it with -A or -B (none for blas) */
static void for_side(const struct opts *o, tkp_gemm *g, int w, void *c)
{
	g->c = c;
	g->mc = w < 2 ? o->blk[w][0] : 0;
	g->kc = w < 2 ? o->blk[w][1] : 0;
	g->nc = w < 2 ? o->blk[w][2] : 0;
}

/*
 * One shape: rounds of old, new and blas (blas NULL: none), order
 * rotating; prints GFLOP/s (medians), new/old (median of the rounds'
 * ratios, 10th and 90th percentiles) and each against blas.
 */
static int run_shape(const struct opts *o, const char *spec, const struct side sd[3])
{
	tkp_gemm g;
	size_t es, csz;
	void *a = NULL, *b = NULL, *c[3] = {NULL, NULL, NULL};
	double *t[3] = {NULL, NULL, NULL}, *q = NULL, diff, flops, rq[3], vs_blas[2][3];
	int nside = sd[2].k ? 3 : 2, batch, rc = 2;

	if (parse_shape(spec, &g) != 0) {
		fprintf(stderr, "bench/abi: '%s': expected f32:MxNxK or f64:MxNxK, each "
				"1 to 65536\n", spec);
		return 2;
	}
	es = g.dtype == TKP_F32 ? 4 : 8;
	csz = g.m * g.n;
	a = alloc_fill(g.m * g.k, es, 0);
	b = alloc_fill(g.k * g.n, es, 7);
	for (int i = 0; i < 3; i++) {
		c[i] = alloc_fill(csz, es, 0);
		t[i] = malloc((size_t)o->rounds * sizeof *t[i]);
	}
	q = malloc((size_t)o->rounds * sizeof *q);
	if (!a || !b || !c[0] || !c[1] || !c[2] || !t[0] || !t[1] || !t[2] || !q) {
		fprintf(stderr, "bench/abi: %s: out of memory\n", spec);
		goto out;
	}
	g.a = a;
	g.b = b;
	g.threads = o->threads;
	for (int i = 0; i < nside; i++) {
		for_side(o, &g, i, c[i]);
		if (sd[i].run(sd[i].k, &g) != 0) {
			fprintf(stderr, "bench/abi: %s: kernel %d of 3 failed\n", spec, i + 1);
			goto out;
		}
	}
	diff = bench_rel_diff(c[0], c[1], csz, es);
	for_side(o, &g, 0, c[0]);
	t[0][0] = timed(&sd[0], &g, 1);
	batch = t[0][0] < 2e-3 ? (int)(2e-3 / fmax(t[0][0], 1e-8)) + 1 : 1;
	for (int r = 0; r < o->rounds; r++)
		for (int j = 0; j < nside; j++) {
			int w = (r + j) % nside;

			for_side(o, &g, w, c[w]);
			t[w][r] = timed(&sd[w], &g, batch);
		}
	/* the paired ratios first: quantile sorts what it is given */
	ratio_quantiles(t[0], t[1], o->rounds, q, rq);
	if (nside == 3) {
		ratio_quantiles(t[2], t[0], o->rounds, q, vs_blas[0]);
		ratio_quantiles(t[2], t[1], o->rounds, q, vs_blas[1]);
	}
	flops = 2.0 * g.m * g.n * g.k * 1e-9;
	printf("%-22s %8.1f %8.1f %7.3f %6.3f %6.3f", spec, flops / quantile(t[0], o->rounds, 0.5),
	       flops / quantile(t[1], o->rounds, 0.5), rq[1], rq[0], rq[2]);
	if (nside == 3)
		printf(" %8.3f %8.3f", vs_blas[0][1], vs_blas[1][1]);
	printf("%s\n", diff > (es == 4 ? 1e-3 : 1e-9) ? "  differ" : "");
	fflush(stdout);
	rc = 0;
out:
	free(a);
	free(b);
	for (int i = 0; i < 3; i++) {
		free(c[i]);
		free(t[i]);
	}
	free(q);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct side sd[3] = {{0}};
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? 0 : rc; /* -1: --help */
	/* the peer from the old build (the same OpenBLAS in both) */
	for (int i = 0; i < 2; i++)
		if ((rc = load(o.lib[i], o.kernel, &sd[i], i ? NULL : &sd[2])) != 0)
			return rc;
	/* with threads, OpenBLAS's idle workers spin after its calls and slow
	 * whichever call follows (bench/gemm pauses for them): no peer then */
	if (o.threads > 1)
		sd[2].k = NULL;
	printf("# %s of %s (new) against %s (old), %d thread(s), %d rounds in one process\n",
	       o.kernel, o.lib[1], o.lib[0], o.threads, o.rounds);
	for (int i = 0; i < 2; i++)
		if (o.blk[i][0] || o.blk[i][1] || o.blk[i][2])
			printf("# %s asked for MC:KC:NC %zu:%zu:%zu (0: derived)\n", i ? "new" : "old",
			       o.blk[i][0], o.blk[i][1], o.blk[i][2]);
	printf("# GFLOP/s: medians; new/old: the median of the rounds' time ratios (> 1: new "
	       "is faster), p10, p90%s\n", sd[2].k ? "; x/blas: OpenBLAS's time / x's" : "");
	printf("%-22s %8s %8s %7s %6s %6s%s\n", "shape", "old", "new", "new/old", "p10", "p90",
	       sd[2].k ? " old/blas new/blas" : "");
	for (int s = 0; s < o.nshapes; s++)
		if (run_shape(&o, o.shapes[s], sd) != 0)
			rc = 2;
	return rc;
}
