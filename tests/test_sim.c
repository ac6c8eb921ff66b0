/* test_sim.c - simulated counters (sim.c): callgrind's output parsed from a
 * real fixture and from edge cases, cache geometries rounded to what
 * valgrind accepts, a clear refusal without valgrind, and, where valgrind
 * runs, real simulations: exactly reproducible, threaded workers counted,
 * and the textbook relations (naive thrashes L1, blocking fixes it, SIMD
 * needs fewer instructions) at n = 256.  The simulations take ~15 s. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernels.h"
#include "machine.h"
#include "measure.h"
#include "sim.h"
#include "tap.h"
#include "tuning.h"
#include "util.h"

static char tmpdir[256];

static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

static void test_parse(void)
{
	const char *src = getenv("TKP_SRCDIR");
	char fixture[1024], err[512];
	tkp_sim_counts c;
	int seen = -1, rc;

	/* naive 64x64x64 f64 under callgrind: D1 48 KiB 12-way, LL 64 KiB 8-way */
	snprintf(fixture, sizeof fixture, "%s/tests/data/callgrind.out.fixture", src ? src : TKP_SRCDIR);
	rc = tkp_sim_parse(fixture, &c, "tkp_gemm_naive", &seen, err, sizeof err);
	ok(rc == 0, "fixture parses (%s)", rc ? err : "ok");
	ok(c.ir == 1880988 && c.dr == 524365 && c.dw == 4102, "fixture: Ir Dr Dw (%.0f %.0f %.0f)",
	   c.ir, c.dr, c.dw);
	ok(c.i1mr == 0 && c.d1mr == 514 && c.d1mw == 512 && c.ilmr == 0 && c.dlmr == 30 && c.dlmw == 26,
	   "fixture: I1mr D1mr D1mw ILmr DLmr DLmw (%.0f %.0f %.0f %.0f %.0f %.0f)", c.i1mr, c.d1mr,
	   c.d1mw, c.ilmr, c.dlmr, c.dlmw);
	ok(seen == 1, "fixture: the kernel function is named in it");
	rc = tkp_sim_parse(fixture, &c, "worker_main", &seen, err, sizeof err);
	ok(rc == 0 && seen == 0, "fixture: no worker thread function in a naive run");
	/* a versioned symbol is the function (pthread_create@@GLIBC_2.34);
	 * a longer name is not (pthread_create_extra) */
	rc = tkp_sim_parse(write_tmp("ver.cg", "# callgrind format\nevents: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\n"
				     "fn=(1) tkp_gemm_tuned\n1 5\ncfn=(2) pthread_create@@GLIBC_2.34\ncalls=1 0\n1 9\n"
				     "fn=(3) pthread_create_extra\n1 1\nsummary: 15 0 0 0 0 0 0 0 0\n"),
			   &c, "pthread_create", &seen, err, sizeof err);
	ok(rc == 0 && seen == 1, "a versioned callee name (name@@GLIBC_2.34) is seen (%s)", rc ? err : "ok");
	rc = tkp_sim_parse(write_tmp("ver2.cg", "# callgrind format\nevents: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\n"
				     "fn=(3) pthread_create_extra\n1 1\nsummary: 1 0 0 0 0 0 0 0 0\n"),
			   &c, "pthread_create", &seen, err, sizeof err);
	ok(rc == 0 && seen == 0, "a longer name with the same start is not");

	/* callgrind leaves trailing zero events out; totals (after
	 * --zero-before) win over summary (the whole run) */
	rc = tkp_sim_parse(write_tmp("trail.cg", "# callgrind format\nversion: 1\n"
				     "events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\n"
				     "summary: 200 100 50 1 20 10 1 5 5\n"
				     "fn=(1) tkp_gemm_naive\n0 100 50\ncfn=(2) worker_main\n"
				     "totals: 100 50 25 1 7\n"),
			   &c, "worker_main", &seen, err, sizeof err);
	ok(rc == 0 && c.ir == 100 && c.dr == 50 && c.dw == 25 && c.i1mr == 1 && c.d1mr == 7 &&
	       c.d1mw == 0 && c.ilmr == 0 && c.dlmr == 0 && c.dlmw == 0,
	   "totals preferred; trailing events left out are 0");
	ok(seen == 1, "a function named as a callee (cfn=) counts as seen");
	rc = tkp_sim_parse(write_tmp("order.cg", "# callgrind format\n"
				     "events: DLmw DLmr ILmr D1mw D1mr I1mr Dw Dr Ir\n"
				     "summary: 1 2 3 4 5 6 7 8 9\n"),
			   &c, NULL, NULL, err, sizeof err);
	ok(rc == 0 && c.ir == 9 && c.dlmw == 1 && c.d1mr == 5 && c.dw == 7,
	   "events found by name, in any order; summary alone is enough");

	rc = tkp_sim_parse(write_tmp("nocache.cg", "# callgrind format\nevents: Ir\nsummary: 5\n"),
			   &c, NULL, NULL, err, sizeof err);
	ok(rc == TKP_EPARSE && strstr(err, "--cache-sim=yes"), "no cache events: says why (%s)", err);
	rc = tkp_sim_parse(write_tmp("cut.cg", "# callgrind format\nevents: Ir Dr Dw I1mr D1mr D1mw "
					       "ILmr DLmr DLmw\nfn=(1) x\n"),
			   &c, NULL, NULL, err, sizeof err);
	ok(rc == TKP_EPARSE && strstr(err, "totals"), "no totals (a cut file): EPARSE (%s)", err);
	rc = tkp_sim_parse(write_tmp("bad.cg", "# callgrind format\nevents: Ir Dr Dw I1mr D1mr D1mw "
					       "ILmr DLmr DLmw\ntotals: 1 2 x\n"),
			   &c, NULL, NULL, err, sizeof err);
	ok(rc == TKP_EPARSE && strstr(err, ":3:"), "a bad count: EPARSE with the line (%s)", err);
	rc = tkp_sim_parse(write_tmp("csv.cg", "kernel,dtype\nnaive,f64\n"), &c, NULL, NULL, err, sizeof err);
	ok(rc == TKP_EPARSE, "not a callgrind file: EPARSE (%s)", err);
	rc = tkp_sim_parse("/nonexistent/callgrind.out", &c, NULL, NULL, err, sizeof err);
	ok(rc == TKP_ENOENT, "missing file: ENOENT");
}

static void set_cache(tkp_machine *m, int depth, const char *name, double bytes, int line, int assoc)
{
	tkp_cache_info *c = &m->caches[m->ncaches++];

	memset(c, 0, sizeof *c);
	tkp_strlcpy(c->level, name, sizeof c->level);
	c->depth = depth;
	c->reported_bytes = bytes;
	c->measured_bytes = NAN;
	c->line_bytes = line;
	c->assoc = assoc;
}

static void test_geometry(void)
{
	tkp_machine m;
	tkp_sim_geometry g;
	char t[64];

	memset(&m, 0, sizeof m);
	set_cache(&m, 1, "L1d", 48 * 1024, 64, 12);
	set_cache(&m, 2, "L2", 1 << 20, 64, 16);
	set_cache(&m, 3, "L3", 32 << 20, 64, 16);
	tkp_sim_geometry_from_machine(&m, &g);
	ok(g.d1.size == 48 * 1024 && g.d1.assoc == 12 && g.d1.line == 64, "48 KiB 12-way L1d as is");
	ok(g.l2.size == 1 << 20 && g.l2.assoc == 16, "1 MiB 16-way L2 as is (1024 sets)");
	ok(g.l3.size == 32 << 20 && g.l3.assoc == 16, "32 MiB 16-way L3 as is");
	ok(g.note[0] == '\0', "nothing rounded, nothing noted ('%s')", g.note);
	ok(g.i1.size > 0 && g.i1.line >= 16, "an L1i is always simulated");

	/* this VM: L3 532676608 B (508 MiB), associativity unknown; a
	 * 30 MiB 20-way L3 (24576 sets); a 1.25 MiB 10-way L2 (2048 sets) */
	memset(&m, 0, sizeof m);
	set_cache(&m, 1, "L1d", 48 * 1024, 64, 12);
	set_cache(&m, 2, "L2", 1280 * 1024, 64, 10);
	set_cache(&m, 3, "L3", 532676608.0, 64, 0);
	tkp_sim_geometry_from_machine(&m, &g);
	ok(g.l2.size == 1280 * 1024 && g.l2.assoc == 10, "1.25 MiB 10-way L2: 2048 sets, as is");
	ok(g.l3.assoc == 16 && g.l3.size == 256 << 20, "508 MiB L3 of unknown ways: 16-way, 256 MiB (%lld)",
	   g.l3.size);
	ok(strstr(g.note, "L3 associativity unknown") && strstr(g.note, "power-of-two"),
	   "the note says so: %s", g.note);
	memset(&m, 0, sizeof m);
	set_cache(&m, 3, "L3", 30 << 20, 64, 20);
	set_cache(&m, 2, "L2", 1 << 20, 0, -1);
	tkp_sim_geometry_from_machine(&m, &g);
	ok(g.l3.size == 20 << 20 && g.l3.assoc == 20, "30 MiB 20-way L3 rounded down to 20 MiB (16384 sets)");
	ok(g.l2.line == 64 && g.l2.assoc == 8 && g.l2.size == 1 << 20,
	   "unknown line and fully associative L2: 64 B, 8-way");
	ok(g.d1.size == 32768 && g.d1.assoc == 8 && strstr(g.note, "L1d size unknown"),
	   "no L1d reported: 32 KiB 8-way assumed, and said");
	memset(&m, 0, sizeof m);
	set_cache(&m, 1, "L1d", 48 * 1024, 64, 12);
	tkp_sim_geometry_from_machine(&m, &g);
	ok(g.l2.size == 0 && g.l3.size == 0, "levels the machine lacks are not simulated");
	tkp_sim_cache_text(&(tkp_sim_cache){48 * 1024, 12, 64}, t, sizeof t);
	ok(!strcmp(t, "48 KiB 12-way"), "cache text: %s", t);
}

static const char *tkprofile_bin(void)
{
	const char *b = getenv("TKP_BIN");

	return b && *b ? b : TKP_BUILDDIR "/tkprofile";
}

static void test_no_valgrind(void)
{
	tkp_sim_opts o = {.exe = tkprofile_bin()};
	tkp_sim *s = NULL;
	char why[512], *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	int rc;

	setenv("PATH", tmpdir, 1); /* a PATH with no valgrind in it */
	rc = tkp_sim_open(&s, &o, NULL, why, sizeof why);
	ok(rc == TKP_ENOTSUP && !s, "valgrind not in PATH: ENOTSUP");
	ok(strstr(why, "valgrind not found") && strstr(why, "apt-get install valgrind"),
	   "the reason names the install line: %s", why);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	o.valgrind = "/nonexistent/valgrind";
	rc = tkp_sim_open(&s, &o, NULL, why, sizeof why);
	ok(rc == TKP_ENOTSUP && strstr(why, "apt-get install valgrind"), "an explicit missing valgrind: ENOTSUP");
}

static int simulate(tkp_sim *s, const char *kname, size_t n, int block, int threads, tkp_result *r,
		    char *why, size_t whylen)
{
	const tkp_kernel *k = tkp_kernel_find(kname);

	memset(r, 0, sizeof *r);
	r->dtype = TKP_F64;
	r->m = r->n = r->k = n;
	tkp_result_model(r);
	return tkp_sim_run(s, k, TKP_F64, n, n, n, block, threads, 42, r, why, whylen);
}

/* equal counts, or both not measured */
static int same_count(double x, double y)
{
	return (isnan(x) && isnan(y)) || x == y;
}

/* within 0.5% and 16, or both not measured (test_twin says why) */
static int near_count(double x, double y)
{
	return (isnan(x) && isnan(y)) || fabs(x - y) <= 0.005 * fmax(x, y) + 16;
}

/* One simulation of kname at m×n×k, 1 thread, default block. */
static int sim_shape(tkp_sim *s, const char *kname, tkp_dtype dt, size_t m, size_t n, size_t k,
		     tkp_result *r, char *why, size_t whylen)
{
	memset(r, 0, sizeof *r);
	r->dtype = dt;
	r->m = m, r->n = n, r->k = k;
	tkp_result_model(r);
	return tkp_sim_run(s, tkp_kernel_find(kname), dt, m, n, k, 0, 1, 42, r, why, whylen);
}

/*
 * The simulation twins (src/kernels/isa.c: the AVX2 kernels with every
 * FMA a blend, 13x faster under valgrind) count what the kernels count:
 * the same misses at every level within 0.5% (and 16 lines: the compiler
 * allocates registers a little differently, and a spill or two moves the
 * stack; measured 0.08% at most on 12-way L1ds, 0.34% at 260×264×270 f64
 * on a Zen 3's 8-way 32 KB L1d, where a moved line conflicts sooner;
 * before the child's stack was anchored, 0.73% there with one
 * environment and 0.07% with another: test_env_blind) and
 * instructions within 0.5%, on each
 * kernel and path that has a twin (tuned's direct, skinny, stream
 * and packed paths; 40×600×600's B, 2.9 MB, takes the stream path where
 * L2 is under 5.8 MB).  s simulates with the twins; TKP_SIM_TWIN=0 in a
 * second simulator's children runs the kernels themselves.
 */
static void test_twin(const tkp_sim_opts *o, tkp_sim *s)
{
	static const struct {
		const char *k;
		tkp_dtype dt;
		size_t m, n, kk;
	} cs[] = {{"simd", TKP_F64, 64, 136, 72}, {"blocked", TKP_F32, 128, 100, 96},
		  {"tuned", TKP_F64, 96, 96, 96},  {"tuned", TKP_F32, 40, 300, 200},
		  {"tuned", TKP_F64, 260, 264, 270}, {"tuned", TKP_F64, 40, 600, 600}};
	tkp_sim *fma = NULL;
	char why[1024];

	if (tkp_isa_current() < TKP_ISA_AVX2) {
		skip("no AVX2 here: no twins", "simulation twins");
		return;
	}
	setenv("TKP_SIM_TWIN", "0", 1);
	if (tkp_sim_open(&fma, o, NULL, why, sizeof why)) {
		unsetenv("TKP_SIM_TWIN");
		ok(0, "a simulator running the FMA kernels (%s)", why);
		return;
	}
	unsetenv("TKP_SIM_TWIN");
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
		tkp_result tw, real;
		int rc = sim_shape(s, cs[i].k, cs[i].dt, cs[i].m, cs[i].n, cs[i].kk, &tw, why, sizeof why);
		double ti, ri;

		if (!rc)
			rc = sim_shape(fma, cs[i].k, cs[i].dt, cs[i].m, cs[i].n, cs[i].kk, &real, why, sizeof why);
		ti = tw.counters[TKP_M_INSTRUCTIONS], ri = real.counters[TKP_M_INSTRUCTIONS];
		ok(rc == 0 && near_count(tw.counters[TKP_M_L1_DCM], real.counters[TKP_M_L1_DCM]) &&
		       near_count(tw.counters[TKP_M_L2_DCM], real.counters[TKP_M_L2_DCM]) &&
		       near_count(tw.counters[TKP_M_L3_TCM], real.counters[TKP_M_L3_TCM]) &&
		       fabs(ti / ri - 1) <= 0.005,
		   "%s %s %zux%zux%zu: the twin's misses are the kernel's (L1 %.0f vs %.0f, L2 %.0f vs "
		   "%.0f, L3 %.0f vs %.0f), instructions within 0.5%% (%.0f vs %.0f)%s%s",
		   cs[i].k, tkp_dtype_name(cs[i].dt), cs[i].m, cs[i].n, cs[i].kk, tw.counters[TKP_M_L1_DCM],
		   real.counters[TKP_M_L1_DCM], tw.counters[TKP_M_L2_DCM], real.counters[TKP_M_L2_DCM],
		   tw.counters[TKP_M_L3_TCM], real.counters[TKP_M_L3_TCM], ti, ri, rc ? ": " : "", rc ? why : "");
	}
	tkp_sim_close(fma);
}

/*
 * The same counts whatever the environment: valgrind starts the client's
 * stack below its environment, and before tkp_sim_child anchored its
 * stack a variable 8 or 2000 bytes long moved tuned's L1 misses at
 * 260x264x270 f64 by 0.7% on an 8-way L1d (and 96x96x96's by 0.5%).
 */
static void test_env_blind(const tkp_sim_opts *o)
{
	static const size_t lens[] = {1, 100, 300, 2000};
	tkp_sim *s = NULL;
	tkp_result r[4];
	char why[1024], pad[2001];
	int rc = 0, same = 1;

	memset(r, 0, sizeof r);
	for (size_t i = 0; i < 4 && !rc; i++) {
		memset(pad, 'x', lens[i]);
		pad[lens[i]] = '\0';
		setenv("TKP_TEST_PAD", pad, 1); /* a simulator's children take its environment */
		if (!(rc = tkp_sim_open(&s, o, NULL, why, sizeof why)))
			rc = sim_shape(s, "tuned", TKP_F64, 96, 96, 96, &r[i], why, sizeof why);
		tkp_sim_close(s);
		s = NULL;
		same = same && !rc && same_count(r[0].counters[TKP_M_L1_DCM], r[i].counters[TKP_M_L1_DCM]) &&
		       same_count(r[0].counters[TKP_M_L2_DCM], r[i].counters[TKP_M_L2_DCM]) &&
		       same_count(r[0].counters[TKP_M_INSTRUCTIONS], r[i].counters[TKP_M_INSTRUCTIONS]);
	}
	unsetenv("TKP_TEST_PAD");
	ok(rc == 0 && same,
	   "tuned f64 96³ with a variable of 1, 100, 300 and 2000 bytes in the environment: the same "
	   "counts (L1 %.0f, %.0f, %.0f, %.0f)%s%s",
	   r[0].counters[TKP_M_L1_DCM], r[1].counters[TKP_M_L1_DCM], r[2].counters[TKP_M_L1_DCM],
	   r[3].counters[TKP_M_L1_DCM], rc ? ": " : "", rc ? why : "");
}

/*
 * The lesson of the module, at n = 1024 f64 on this machine's caches with
 * the default sweep's sampling and blocks (issue 15): naive's column walk
 * misses L1 on every step of k, more than 10x as often per FLOP as the
 * blocked kernel, whose intensity across the L1/L2 boundary (ai_l2) is
 * the higher.  Naive counts 4 of its rows, blocked column panels: a few
 * seconds each with the twins.
 */
static void test_textbook(tkp_sim *s)
{
	tkp_result nv, bl;
	char why[1024];
	int rc = sim_shape(s, "naive", TKP_F64, 1024, 1024, 1024, &nv, why, sizeof why);

	if (!rc)
		rc = sim_shape(s, "blocked", TKP_F64, 1024, 1024, 1024, &bl, why, sizeof why);
	ok(rc == 0 && nv.counted_fraction < 1 && bl.counted_fraction < 1 &&
	       nv.counters[TKP_M_L1_DCM] > 10 * bl.counters[TKP_M_L1_DCM],
	   "n=1024 f64, sampled: naive's L1 misses per FLOP > 10x blocked's (%.3g vs %.3g per kFLOP%s%s)",
	   1e3 * nv.counters[TKP_M_L1_DCM] / nv.flops_model, 1e3 * bl.counters[TKP_M_L1_DCM] / bl.flops_model,
	   rc ? ": " : "", rc ? why : "");
	ok(rc == 0 && bl.ai_l2 > nv.ai_l2, "n=1024 f64: blocked's ai_l2 above naive's (%.3g vs %.3g FLOP/byte)",
	   bl.ai_l2, nv.ai_l2);
}

static void test_simulations(void)
{
	tkp_sim_opts o = {.exe = tkprofile_bin(), .timeout_s = 300, .parallel = 1};
	tkp_sim *s = NULL;
	tkp_result a, b, naive, blocked, simd, t1, t2;
	char why[1024], simtmp[512], bin[600], cmd[2600];
	int rc;

	/* simulate a private copy: a rebuild of the tree's tkprofile during
	 * the test would (rightly) stop the simulations */
	snprintf(bin, sizeof bin, "%s/tkprofile-sim", tmpdir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", tkprofile_bin(), bin);
	if (system(cmd) == 0)
		o.exe = bin;

	/* the simulations' temporary files go to a TMPDIR of their own */
	snprintf(simtmp, sizeof simtmp, "%s/tmp", tmpdir);
	mkdir(simtmp, 0700);
	setenv("TMPDIR", simtmp, 1);

	rc = tkp_sim_open(&s, &o, NULL, why, sizeof why);
	if (rc == TKP_ENOTSUP) {
		skip(why, "simulations (valgrind needed)");
		return;
	}
	ok(rc == 0, "tkp_sim_open (%s)", rc ? why : tkp_sim_version(s));
	if (rc)
		return;

	/* Single-threaded, every count is reproducible to the last one (it
	 * was not before issue 9's fixes: OpenBLAS's start-up threads and
	 * address-space randomisation moved the heap between runs). */
	rc = simulate(s, "naive", 64, 0, 1, &a, why, sizeof why);
	ok(rc == 0, "naive 64 simulated (%s)", rc ? why : "ok");
	rc = simulate(s, "naive", 64, 0, 1, &b, why, sizeof why);
	ok(rc == 0 && a.counter_source == TKP_SRC_SIM, "again, counter_source sim");
	ok(a.counters[TKP_M_INSTRUCTIONS] == b.counters[TKP_M_INSTRUCTIONS],
	   "two runs, exactly the same instructions (%.0f)", a.counters[TKP_M_INSTRUCTIONS]);
	ok(same_count(a.counters[TKP_M_L1_DCM], b.counters[TKP_M_L1_DCM]) &&
	       same_count(a.counters[TKP_M_L2_DCM], b.counters[TKP_M_L2_DCM]) &&
	       same_count(a.counters[TKP_M_L3_TCM], b.counters[TKP_M_L3_TCM]),
	   "two runs, exactly the same misses (l1_dcm %.0f vs %.0f, l2_dcm %.0f vs %.0f, l3_tcm %.0f vs %.0f)",
	   a.counters[TKP_M_L1_DCM], b.counters[TKP_M_L1_DCM], a.counters[TKP_M_L2_DCM],
	   b.counters[TKP_M_L2_DCM], a.counters[TKP_M_L3_TCM], b.counters[TKP_M_L3_TCM]);
	ok(isnan(a.counters[TKP_M_CYCLES]) && isnan(a.counters[TKP_M_FP_OPS]),
	   "cycles and fp_ops are not simulated (NAN)");
	/* naive 64: 64³ inner iterations of a few instructions each */
	ok(a.counters[TKP_M_INSTRUCTIONS] > 64.0 * 64 * 64 && a.counters[TKP_M_INSTRUCTIONS] < 64.0 * 64 * 64 * 20,
	   "instructions scale with the work of one call (%.0f for 64³)", a.counters[TKP_M_INSTRUCTIONS]);

	/* Worker threads are collected, and the warm-up's workers are not:
	 * the same work on 2 threads counts about the same instructions as
	 * on 1, plus the team's creation (the warm-up's worker costs once
	 * leaked into the count and nearly doubled it).  Again on 2 threads:
	 * instructions and misses repeat to within 0.1% and 1% (not exactly:
	 * valgrind runs one thread at a time and hands over at system calls
	 * as real time has it, which decides who takes which block). */
	rc = simulate(s, "threaded", 128, 32, 1, &t1, why, sizeof why);
	if (!rc)
		rc = simulate(s, "threaded", 128, 32, 2, &t2, why, sizeof why);
	if (!rc)
		rc = simulate(s, "threaded", 128, 32, 2, &b, why, sizeof why);
	ok(rc == 0, "threaded 128 on 1, 2 and 2 threads simulated (%s)", rc ? why : "ok");
	ok(!rc && fabs(t2.counters[TKP_M_INSTRUCTIONS] / t1.counters[TKP_M_INSTRUCTIONS] - 1) < 0.10 &&
	       !(t2.counter_flags & TKP_CF_CALLER_ONLY),
	   "2 threads: the workers' share is counted once (%.0f vs %.0f instructions)",
	   t2.counters[TKP_M_INSTRUCTIONS], t1.counters[TKP_M_INSTRUCTIONS]);
	ok(!rc && fabs(t2.counters[TKP_M_INSTRUCTIONS] - b.counters[TKP_M_INSTRUCTIONS]) <=
			  0.001 * t2.counters[TKP_M_INSTRUCTIONS] &&
	       fabs(t2.counters[TKP_M_L1_DCM] - b.counters[TKP_M_L1_DCM]) <= 0.01 * t2.counters[TKP_M_L1_DCM],
	   "2 threads twice: instructions within 0.1%% (%.0f vs %.0f), L1 misses within 1%% (%.0f vs %.0f)",
	   t2.counters[TKP_M_INSTRUCTIONS], b.counters[TKP_M_INSTRUCTIONS], t2.counters[TKP_M_L1_DCM],
	   b.counters[TKP_M_L1_DCM]);

	/* tuned's workers too (n = 200: below ~4 Mflop a thread it runs
	 * fewer threads) */
	rc = simulate(s, "tuned", 200, 0, 1, &t1, why, sizeof why);
	if (!rc)
		rc = simulate(s, "tuned", 200, 0, 2, &t2, why, sizeof why);
	ok(rc == 0 && !(t2.counter_flags & TKP_CF_CALLER_ONLY) &&
	       fabs(t2.counters[TKP_M_INSTRUCTIONS] / t1.counters[TKP_M_INSTRUCTIONS] - 1) < 0.10,
	   "tuned on 2 threads: the worker's share is counted (%.0f vs %.0f instructions%s%s)",
	   t2.counters[TKP_M_INSTRUCTIONS], t1.counters[TKP_M_INSTRUCTIONS], rc ? ": " : "", rc ? why : "");

	/* tuned below ~4 Mflop a thread runs on the calling thread alone:
	 * complete counts, not "the calling thread only" */
	rc = simulate(s, "tuned", 64, 0, 2, &t2, why, sizeof why);
	ok(rc == 0 && !(t2.counter_flags & TKP_CF_CALLER_ONLY),
	   "tuned 64 asked for 2 threads, started none: not flagged as the caller's share only%s%s",
	   rc ? ": " : "", rc ? why : "");

	/* the textbook relations at n = 256 */
	rc = simulate(s, "naive", 256, 0, 1, &naive, why, sizeof why);
	if (!rc)
		rc = simulate(s, "blocked", 256, 32, 1, &blocked, why, sizeof why);
	if (!rc)
		rc = simulate(s, "simd", 256, 0, 1, &simd, why, sizeof why);
	ok(rc == 0, "naive, blocked, simd at 256 simulated (%s)", rc ? why : "ok");
	ok(naive.counters[TKP_M_L1_DCM] > 2 * blocked.counters[TKP_M_L1_DCM],
	   "n=256: naive's L1 misses > 2x blocked's (%.0f vs %.0f)", naive.counters[TKP_M_L1_DCM],
	   blocked.counters[TKP_M_L1_DCM]);
	ok(simd.counters[TKP_M_INSTRUCTIONS] < naive.counters[TKP_M_INSTRUCTIONS],
	   "n=256: simd's instructions < naive's (%.0f vs %.0f)", simd.counters[TKP_M_INSTRUCTIONS],
	   naive.counters[TKP_M_INSTRUCTIONS]);
	ok(isnan(naive.counters[TKP_M_L2_DCM]) == (tkp_sim_geometry_of(s)->l2.size == 0) &&
	       isnan(naive.counters[TKP_M_L3_TCM]) == (tkp_sim_geometry_of(s)->l3.size == 0),
	   "l2_dcm and l3_tcm filled where the machine has the level");

	test_twin(&o, s);
	test_env_blind(&o);
	test_textbook(s);

	/* failures: a timeout kills the child; a failing child says why */
	tkp_sim_close(s);
	o.timeout_s = 0.05;
	rc = tkp_sim_open(&s, &o, NULL, why, sizeof why);
	if (!rc) {
		rc = simulate(s, "naive", 256, 0, 1, &a, why, sizeof why);
		ok(rc == TKP_ECOUNTERS && strstr(why, "timed out"), "timeout: ECOUNTERS (%s)", why);
		tkp_sim_close(s);
	}
	/* a binary rebuilt during a sweep is not simulated in its place */
	{
		char copy[600];
		snprintf(copy, sizeof copy, "%s/tkprofile-copy", tmpdir);
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'", bin, copy);
		o.exe = copy;
		o.timeout_s = 60;
		if (system(cmd) == 0 && tkp_sim_open(&s, &o, NULL, why, sizeof why) == 0) {
			snprintf(cmd, sizeof cmd, "cp '%s' '%s.new' && mv '%s.new' '%s'", copy, copy, copy, copy);
			if (system(cmd)) {
			}
			rc = simulate(s, "naive", 16, 0, 1, &a, why, sizeof why);
			ok(rc == TKP_ECOUNTERS && strstr(why, "was replaced"), "a replaced binary: refused (%s)", why);
			tkp_sim_close(s);
		} else {
			ok(0, "copy of tkprofile to simulate (%s)", why);
		}
	}
	o.exe = "/bin/false";
	rc = tkp_sim_open(&s, &o, NULL, why, sizeof why);
	if (!rc) {
		rc = simulate(s, "naive", 16, 0, 1, &a, why, sizeof why);
		ok(rc == TKP_ECOUNTERS && strstr(why, "exited with status 1"),
		   "a failing child: ECOUNTERS and its status (%s)", why);
		tkp_sim_close(s);
	}
	if (!ok(rmdir(simtmp) == 0, "nothing left behind in TMPDIR (%s)", simtmp)) {
		/* name what was left, for the log */
		char ls[sizeof simtmp + 40];
		snprintf(ls, sizeof ls, "ls -la '%s' | sed 's/^/# /'", simtmp);
		if (system(ls)) {
		}
	}
}

/* The kernel × dtype × threads configurations of the sampled-versus-whole
 * check: every one with TKP_SIM_VALIDATE=all in the environment (or those
 * of the kernels named there; bench/sim_sample.sh), else a bounded few
 * (make check: ~1 min on 2 busy cores).  TKP_SIM_VSIZE and TKP_SIM_VBLOCK
 * set another n or block. */
struct vcase {
	const char *kernel;
	tkp_dtype dt;
	int threads;
};

/* Relative error of a sampled count against the whole one; counts below
 * 1 per 10^4 FLOPs (a level the problem fits) compare as absolute. */
static double rel_err(double sampled, double whole, double flops)
{
	double floor = flops * 1e-4;

	if (isnan(sampled) || isnan(whole))
		return isnan(sampled) && isnan(whole) ? 0 : INFINITY;
	return fabs(sampled - whole) / (whole > floor ? whole : floor);
}

/* tuned's blocking for the scaled hierarchy g, by the rules tuned.c
 * derives it from the caches with (KC: an MR-row sliver of A in half of
 * L1; NC: a KC×NC block of B in half of L2; MC: an MC×KC panel of A in
 * min(1.5·L2, L3/4)) on the AVX2 path valgrind runs (MR 6, NR 16 in f32
 * and 8 in f64): the real caches' blocking would keep packed panels that
 * the scaled caches cannot hold, a relation no whole run on them has. */
static void scaled_tuning(const tkp_sim_geometry *g)
{
	for (int d = 0; d < 2; d++) {
		size_t es = d ? 8 : 4, nr = d ? 8 : 16, kc, nc, mc, l2 = (size_t)g->l2.size;
		size_t l3 = (size_t)g->l3.size;
		char t[64];

		kc = (size_t)g->d1.size / 2 / (6 * es) / 16 * 16;
		nc = l2 / 2 / (kc * es) / nr * nr;
		mc = (l2 * 3 / 2 < l3 / 4 ? l2 * 3 / 2 : l3 / 4) / (kc * es) / 6 * 6;
		snprintf(t, sizeof t, "%zu,%zu,%zu", mc, kc, nc ? nc : nr);
		tkp_tuning_set(d ? TKP_F64 : TKP_F32, t);
	}
}

/*
 * Sampled against whole simulation at n = 256 with the hierarchy scaled
 * down in proportion to the problem (16 KiB L1, 64 KiB L2, 512 KiB L3:
 * A, B and C outgrow L1 and L2 and, together, L3, as at n = 1024 on a
 * real machine), so that the operands' relations to the caches are the
 * ones sampling must keep.  The kernels' cache blocking is scaled with
 * the caches (blocked's b, tuned's MC/KC/NC), else the scaled caches would
 * hold none of the tiles the real ones hold.  Within 10% per level.
 */
static void test_sampling(const char *exe)
{
	static const struct vcase few[] = {
		{"naive", TKP_F32, 1}, {"simd", TKP_F64, 1}, {"blocked", TKP_F64, 1}, {"tuned", TKP_F64, 2}};
	static const char *const names[] = {"naive", "simd", "blocked", "threaded", "tuned", "blas"};
	struct vcase all[24];
	const struct vcase *cs = few;
	size_t nc = sizeof few / sizeof few[0];
	tkp_sim_opts o = {.exe = exe, .timeout_s = 600, .parallel = 1};
	tkp_sim *whole = NULL, *samp = NULL;
	tkp_sim_geometry g;
	tkp_machine m;
	char why[1024];
	const char *v = getenv("TKP_SIM_VALIDATE");
	const size_t n = getenv("TKP_SIM_VSIZE") ? strtoul(getenv("TKP_SIM_VSIZE"), NULL, 10) : 256;
	const int vblock = getenv("TKP_SIM_VBLOCK") ? atoi(getenv("TKP_SIM_VBLOCK")) : 0;

	if (v && *v) { /* "all", or kernel names */
		nc = 0;
		for (size_t i = 0; i < 6; i++)
			if (!strcmp(v, "all") || strstr(v, names[i]))
			for (int d = 0; d < 2; d++)
				for (int t = 1; t <= 2; t++) {
					const tkp_kernel *k = tkp_kernel_find(names[i]);
					if (!k || tkp_kernel_why_unavailable(k) || (t > 1 && !(k->caps & TKP_CAP_THREADS)))
						continue;
					all[nc++] = (struct vcase){names[i], d ? TKP_F64 : TKP_F32, t};
				}
		cs = all;
	}
	tkp_machine_describe(&m, NULL);
	tkp_sim_geometry_from_machine(&m, &g);
	g.d1 = (tkp_sim_cache){16 * 1024, 8, 64};
	g.l2 = (tkp_sim_cache){64 * 1024, 8, 64};
	g.l3 = (tkp_sim_cache){512 * 1024, 16, 64};
	scaled_tuning(&g);
	o.no_sample = 1;
	if (tkp_sim_open(&whole, &o, &g, why, sizeof why)) {
		skip(why, "sampled against whole simulation (valgrind needed)");
		return;
	}
	o.no_sample = 0;
	if (tkp_sim_open(&samp, &o, &g, why, sizeof why)) {
		tkp_sim_close(whole);
		skip(why, "sampled against whole simulation (valgrind needed)");
		return;
	}
	diag("sampled vs whole, n = %zu, L1 16 KiB / L2 64 KiB / L3 512 KiB: relative error per level", n);
	for (size_t i = 0; i < nc; i++) {
		const tkp_kernel *k = tkp_kernel_find(cs[i].kernel);
		tkp_result rw, rs;
		double e[3];
		int rc, block;

		if (!k || tkp_kernel_why_unavailable(k)) {
			skip("kernel unavailable here", cs[i].kernel);
			continue;
		}
		/* the blocked kernels' default block scaled with L1 as well
		 * (the largest multiple of 16 whose b×b tile of B fits it,
		 * tkp_kernel_default_block's rule): 32 in f64, 64 in f32 */
		if (vblock == 0 && (k->caps & TKP_CAP_BLOCK)) {
			size_t es = cs[i].dt == TKP_F32 ? 4 : 8;
			for (block = 16; (size_t)(block + 16) * (size_t)(block + 16) * es <= (size_t)g.d1.size;)
				block += 16;
		} else {
			block = vblock;
		}
		memset(&rw, 0, sizeof rw);
		rw.dtype = cs[i].dt;
		rw.m = rw.n = rw.k = n;
		tkp_result_model(&rw);
		rs = rw;
		rc = tkp_sim_run(whole, k, cs[i].dt, n, n, n, block, cs[i].threads, 42, &rw, why, sizeof why);
		if (!rc)
			rc = tkp_sim_run(samp, k, cs[i].dt, n, n, n, block, cs[i].threads, 42, &rs, why, sizeof why);
		for (int l = 0; l < 3; l++)
			e[l] = rel_err(rs.counters[TKP_M_L1_DCM + l], rw.counters[TKP_M_L1_DCM + l], rw.flops_model);
		diag("%-8s %s %dT b%-3d counted %.3f  L1 %+.1f%%  L2 %+.1f%%  L3 %+.1f%%  (whole %.0f %.0f %.0f)",
		     cs[i].kernel, tkp_dtype_name(cs[i].dt), cs[i].threads, block, rs.counted_fraction, 100 * e[0],
		     100 * e[1], 100 * e[2], rw.counters[TKP_M_L1_DCM], rw.counters[TKP_M_L2_DCM],
		     rw.counters[TKP_M_L3_TCM]);
		/* counted_fraction 1: no slice keeps the relations, simulated whole */
		ok(rc == 0 && rw.counted_fraction == 1 && e[0] <= 0.10 && e[1] <= 0.10 && e[2] <= 0.10,
		   "%s %s %d thread%s: sampled (%.0f%% of the rows) within 10%% of whole per level%s%s",
		   cs[i].kernel, tkp_dtype_name(cs[i].dt), cs[i].threads, cs[i].threads > 1 ? "s" : "",
		   100 * rs.counted_fraction, rc ? ": " : "", rc ? why : "");
	}
	tkp_sim_close(whole);
	tkp_sim_close(samp);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/tkp-simtest.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	if (!getenv("TKP_SIM_VALIDATE")) {
		test_parse();
		test_geometry();
		test_no_valgrind();
		test_simulations();
	}
	{
		/* a private copy of tkprofile, as test_simulations has */
		char bin[600], cmd[1300];
		snprintf(bin, sizeof bin, "%s/tkprofile-val", tmpdir);
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'", tkprofile_bin(), bin);
		setenv("TMPDIR", tmpdir, 1);
		test_sampling(system(cmd) == 0 ? bin : tkprofile_bin());
	}
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd)) {
		}
	}
	return tap_done();
}
