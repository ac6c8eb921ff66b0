/* test_profile.c - size lists and ranges, profile files (good and bad, with
 * file:line), options over profiles, plan.prof round trips, expansion, and
 * the tuned kernel's blocking keys: resolved over the environment and
 * recorded in plan.prof. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "profile.h"
#include "tap.h"
#include "tuning.h"

static char dir[] = "/tmp/tkp-prof.XXXXXX";

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Whether profile text (written as name) loads, with kernel_files want. */
static int loads_files(tkp_plan *p, const char *name, const char *text, const char *want, char *err,
		       size_t errlen)
{
	tkp_plan_defaults(p);
	return tkp_plan_load(p, write_tmp(name, text), err, errlen) == 0 &&
	       !strcmp(p->kernel_files, want);
}

/* Loading text must fail with an error containing want. */
static int load_fails(const char *name, const char *text, const char *want)
{
	tkp_plan p;
	char err[600] = "";
	int rc;

	tkp_plan_defaults(&p);
	rc = tkp_plan_load(&p, write_tmp(name, text), err, sizeof err);
	if (rc == 0 || !strstr(err, want)) {
		diag("rc %d err '%s' wanted '%s'", rc, err, want);
		return 0;
	}
	return 1;
}

static int sizes_fail(const char *s, const char *want)
{
	tkp_size_list l;
	char err[256] = "";

	if (tkp_parse_sizes(s, &l, err, sizeof err) == 0 || !strstr(err, want)) {
		diag("'%s': err '%s' wanted '%s'", s, err, want);
		return 0;
	}
	return 1;
}

/* tuned_mc/kc/nc: parsed per dtype, resolved before TKP_TUNED_*, handed
 * to the kernel's tkp_gemm, recorded in plan.prof and read back. */
static void test_tuned_keys(void)
{
	char err[256], path[256];
	size_t want[3], eff[5];
	tkp_plan p, q;
	tkp_gemm g = {.dtype = TKP_F64};
	FILE *fp;
	int rc;

	tkp_plan_defaults(&p);
	ok(tkp_plan_set(&p, "sweep", "tuned_kc", "64", err, sizeof err) == 0 &&
	   tkp_plan_set(&p, "sweep", "tuned_mc", "f32:24, f64:48", err, sizeof err) == 0 &&
	   p.tuned[0][1] == 64 && p.tuned[1][1] == 64 && p.tuned[0][0] == 24 && p.tuned[1][0] == 48 &&
	   p.tuned[0][2] == 0, "tuned_kc = 64 sets both dtypes, tuned_mc = f32:24,f64:48 each");
	ok(tkp_plan_set(&p, "sweep", "tuned_nc", "0", err, sizeof err) == TKP_EINVAL &&
	   strstr(err, "expected a whole number from 1 to 16777216"), "tuned_nc = 0 is refused (%s)", err);
	ok(tkp_plan_set(&p, "sweep", "tuned_nc", "f16:8", err, sizeof err) == TKP_EINVAL &&
	   tkp_plan_set(&p, "sweep", "tuned_nc", "8,f64:8", err, sizeof err) == TKP_EINVAL &&
	   tkp_plan_set(&p, "sweep", "tuned_nc", "16777217", err, sizeof err) == TKP_EINVAL &&
	   p.tuned[1][2] == 0, "an unknown dtype, a plain number in a list, 2^24+1 are refused");

	/* the plan's key beats the environment; the others come from it */
	setenv("TKP_TUNED_KC", "32", 1);
	setenv("TKP_TUNED_NC", "48", 1);
	unsetenv("TKP_TUNED_MC");
	setenv("TKP_TUNED_CONF", "/nonexistent/tuned.conf", 1);
	snprintf(p.kernels[0], sizeof p.kernels[0], "tuned");
	p.nkernels = 1;
	rc = tkp_tuning_plan(&p, err, sizeof err);
	ok(rc == 1 && !strcmp(err, "TKP_TUNED_KC=32 is ignored: the plan sets tuned_kc = 64"),
	   "a variable the plan overrides is named (%s)", err);
	tkp_tuning_apply(&g);
	tkp_tuned_blocking(TKP_F64, tkp_isa_current(), (const size_t[3]){48, 64, 48}, eff);
	ok(g.mc == eff[0] && g.kc == 64 && g.nc == eff[2] && g.nc == 48,
	   "the kernel gets the plan's MC 48 and KC 64 and the environment's NC 48: %zu %zu %zu",
	   g.mc, g.kc, g.nc);
	ok(p.tuned[1][0] == g.mc && p.tuned[1][1] == 64 && p.tuned[1][2] == 48,
	   "the effective f64 values are written back into the plan");

	/* recorded in plan.prof, they load back as keys and resolve to themselves */
	snprintf(path, sizeof path, "%s/tuned.prof", dir);
	fp = fopen(path, "w");
	tkp_plan_write(&p, fp);
	fclose(fp);
	tkp_plan_defaults(&q);
	ok(tkp_plan_load(&q, path, err, sizeof err) == 0 && q.tuned[1][0] == p.tuned[1][0] &&
	   q.tuned[1][1] == 64 && q.tuned[1][2] == 48, "plan.prof records tuned_mc/kc/nc (%s)", err);
	unsetenv("TKP_TUNED_KC");
	unsetenv("TKP_TUNED_NC");
	tkp_tuning_plan(&q, err, sizeof err);
	tkp_tuning_get(TKP_F64, want);
	ok(want[0] == p.tuned[1][0] && want[1] == 64 && want[2] == 48,
	   "and resolve to the same blocking without the environment");

	/* no keys: the environment, as before profiles had them */
	setenv("TKP_TUNED_KC", "96", 1);
	tkp_tuning_resolve(NULL, NULL);
	tkp_tuning_get(TKP_F32, want);
	ok(want[1] == 96, "without keys TKP_TUNED_KC applies (%zu)", want[1]);
	unsetenv("TKP_TUNED_KC");
	unsetenv("TKP_TUNED_CONF");
	tkp_tuning_resolve(NULL, NULL);
}

int main(void)
{
	tkp_size_list l;
	tkp_int_list il;
	tkp_plan p, q;
	tkp_config *cfg;
	size_t ncfg;
	char err[600];

	if (!mkdtemp(dir))
		return 1;

	ok(tkp_parse_sizes("64:1024:x2", &l, err, sizeof err) == 0 && l.n == 5 && l.v[0].m == 64 &&
	   l.v[4].m == 1024, "geometric range 64:1024:x2 gives 64..1024 (5 sizes)");
	ok(tkp_parse_sizes("64:512:+64", &l, err, sizeof err) == 0 && l.n == 8 && l.v[7].m == 512,
	   "arithmetic range 64:512:+64 gives 8 sizes");
	ok(tkp_parse_sizes("100:130:+64", &l, err, sizeof err) == 0 && l.n == 1 && l.v[0].m == 100,
	   "arithmetic range with a step past the end");
	ok(tkp_parse_sizes("67x129x31, 1", &l, err, sizeof err) == 0 && l.n == 2 && l.v[0].m == 67 &&
	   l.v[0].n == 129 && l.v[0].k == 31 && l.v[1].k == 1, "MxNxK and N in one list");
	ok(sizes_fail("0", "at least 1"), "size 0 refused");
	ok(sizes_fail("-5", "positive"), "negative size refused");
	ok(sizes_fail("abc", "expected a positive integer"), "non-numeric size refused");
	ok(sizes_fail("99999999999999999999999", "too large"), "overflowing size refused");
	ok(sizes_fail("4294967296", "too large"), "size above INT_MAX refused");
	ok(sizes_fail("64x64", "expected N or MxNxK"), "two-dimensional size refused");
	ok(sizes_fail("512:64:x2", "start is above"), "backwards range refused");
	ok(sizes_fail("64:512:x1", "factor above 1"), "factor 1 refused (would never end)");
	ok(sizes_fail("64:512", "expected a range"), "range without a step refused");
	ok(sizes_fail(",", "empty list"), "empty list refused");

	ok(tkp_parse_ints("1:8:x2", 1, 4096, 0, &il, err, sizeof err) == 0 && il.n == 4 && il.v[3] == 8,
	   "thread range 1:8:x2");
	ok(tkp_parse_ints("0", 1, 4096, 0, &il, err, sizeof err) != 0, "threads 0 refused");
	ok(tkp_parse_ints("5000", 1, 4096, 0, &il, err, sizeof err) != 0 && strstr(err, "1 to 4096"),
	   "threads above 4096 refused with the range");
	ok(tkp_parse_ints("auto,32", 1, 1 << 20, 1, &il, err, sizeof err) == 0 && il.n == 2 && il.v[0] == 0,
	   "blocks 'auto' is 0");
	ok(tkp_parse_ints("ncpu", 1, 4096, 0, &il, err, sizeof err) == 0 && il.n == 1 && il.v[0] >= 1,
	   "ncpu expands to the CPU count");

	/* a good profile, with inline comments and a continuation line */
	tkp_plan_defaults(&p);
	ok(tkp_plan_load(&p, write_tmp("good.prof",
				       "# comment\n[sweep]\nkernels = naive # the reference\n"
				       "sizes = 64,128\n    256x128x64\nthreads = 1,2\ndtype = both\n"
				       "budget = 30\nmin_time = 0.05\n\n[kernel.naive]\nmax_size = 128\n"),
			 err, sizeof err) == 0,
	   "good profile loads (%s)", err);
	ok(p.nkernels == 1 && !strcmp(p.kernels[0], "naive"), "inline # comment stripped from kernels");
	ok(p.sizes.n == 3 && p.sizes.v[2].m == 256 && p.sizes.v[2].k == 64,
	   "indented continuation appends to sizes");
	ok(p.ndtypes == 2 && p.budget_s == 30 && p.min_time_s == 0.05, "dtype both, budget, min_time");
	ok(p.nkopts == 1 && p.kopts[0].max_size == 128, "per-kernel max_size");
	ok(tkp_plan_expand(&p, &cfg, &ncfg) == 0 && ncfg == 2 * 2, "max_size caps naive: 2 sizes x 2 dtypes");
	ok(ncfg == 4 && cfg[0].m == 64 && cfg[1].m == 128 && cfg[0].threads == 1 && cfg[0].block == 0,
	   "ascending sizes; single-threaded, blockless naive gets threads 1, block 0");
	free(cfg);

	/* 'auto' resolves to the kernel's default block per dtype; listed
	 * beside that very size it is one configuration, not two */
	{
		tkp_plan ap;
		char list[64];
		int b64 = tkp_kernel_default_block(TKP_F64), b32 = tkp_kernel_default_block(TKP_F32);
		/* distinct blocks per dtype of {b64, auto, b64 + 16} */
		size_t want = 2 + 2 + (b32 != b64 && b32 != b64 + 16);
		int dups = 0;

		err[0] = '\0';
		tkp_plan_defaults(&ap);
		snprintf(list, sizeof list, "%d,auto,%d", b64, b64 + 16);
		ok(tkp_plan_set(&ap, "sweep", "kernels", "blocked", err, sizeof err) == 0 &&
		       tkp_plan_set(&ap, "sweep", "sizes", "100", err, sizeof err) == 0 &&
		       tkp_plan_set(&ap, "sweep", "dtype", "f32,f64", err, sizeof err) == 0 &&
		       tkp_plan_set(&ap, "sweep", "blocks", list, err, sizeof err) == 0 &&
		       tkp_plan_expand(&ap, &cfg, &ncfg) == 0,
		   "blocks = %s expands (%s)", list, err[0] ? err : "ok");
		for (size_t i = 0; i < ncfg; i++)
			for (size_t j = 0; j < i; j++)
				dups += cfg[j].dtype == cfg[i].dtype && cfg[j].block == cfg[i].block;
		ok(ncfg == want && dups == 0,
		   "auto (f64 %d, f32 %d) beside the same listed size is kept once: %zu configurations "
		   "(want %zu), %d duplicates",
		   b64, b32, ncfg, want, dups);
		free(cfg);
	}

	/* options override, then plan.prof reloads to the same plan */
	ok(tkp_plan_set(&p, "sweep", "sizes", "32:128:x2", err, sizeof err) == 0 && p.sizes.n == 3,
	   "an option replaces the profile's sizes");
	{
		FILE *fp = fopen(write_tmp("plan.prof", ""), "w");
		tkp_plan_write(&p, fp);
		fclose(fp);
	}
	tkp_plan_defaults(&q);
	ok(tkp_plan_load(&q, write_tmp("plan2.prof", ""), err, sizeof err) == 0, "empty profile loads");
	{
		char path[256];
		snprintf(path, sizeof path, "%s/plan.prof", dir);
		tkp_plan_defaults(&q);
		ok(tkp_plan_load(&q, path, err, sizeof err) == 0, "plan.prof loads back (%s)", err);
	}
	ok(q.sizes.n == p.sizes.n && q.nkernels == p.nkernels && q.ndtypes == p.ndtypes &&
	   q.budget_s == p.budget_s && q.min_time_s == p.min_time_s && q.nkopts == p.nkopts &&
	   q.kopts[0].max_size == 128, "plan.prof round-trips the effective plan");
	{
		/* a long size list is wrapped under inih's line limit */
		char path[256];
		FILE *fp;
		ok(tkp_plan_set(&p, "sweep", "sizes", "8:1600:+8", err, sizeof err) == 0 && p.sizes.n == 200,
		   "200 sizes");
		snprintf(path, sizeof path, "%s/long.prof", dir);
		fp = fopen(path, "w");
		tkp_plan_write(&p, fp);
		fclose(fp);
		tkp_plan_defaults(&q);
		ok(tkp_plan_load(&q, path, err, sizeof err) == 0 && q.sizes.n == 200 && q.sizes.v[199].m == 1600,
		   "a long plan.prof wraps its sizes and loads back (%s)", err);
		/* and its block and thread lists (64 numbers of up to 7 digits) */
		ok(tkp_plan_set(&p, "sweep", "blocks", "1000000:1006300:+100", err, sizeof err) == 0 &&
			   p.blocks.n == 64 &&
			   tkp_plan_set(&p, "sweep", "threads", "3000:3630:+10", err, sizeof err) == 0 &&
			   p.threads.n == 64,
		   "64 blocks, 64 thread counts (%s)", err);
		fp = fopen(path, "w");
		tkp_plan_write(&p, fp);
		fclose(fp);
		tkp_plan_defaults(&q);
		ok(tkp_plan_load(&q, path, err, sizeof err) == 0 && q.blocks.n == 64 &&
			   q.blocks.v[63] == 1006300 && q.threads.n == 64 && q.threads.v[63] == 3630,
		   "a long plan.prof wraps its block and thread lists and loads back (%s)", err);
	}

	test_tuned_keys();

	/* bad profiles: file:line and what was expected */
	ok(load_fails("k.prof", "[sweep]\nkernels = naiv\n", "k.prof:2: kernels = naiv: unknown kernel 'naiv' (did you mean 'naive'?)"),
	   "unknown kernel: file:line and a suggestion");
	ok(load_fails("s.prof", "[sweep]\n\nsizes = 64,0\n", "s.prof:3:"), "size 0: file:line");
	ok(load_fails("key.prof", "[sweep]\nsize = 64\n", "key.prof:2: size = 64: unknown key 'size'"),
	   "unknown key named");
	ok(load_fails("sec.prof", "[swep]\nsizes = 64\n", "unknown section [swep]"), "unknown section");
	ok(load_fails("ks.prof", "[kernel.nope]\nmax_size = 3\n", "ks.prof:2: max_size = 3: unknown kernel 'nope'"),
	   "unknown kernel section");
	ok(load_fails("syn.prof", "[sweep]\nthis line has no equals\n", "syn.prof:2: syntax error"),
	   "syntax error: file:line");
	/* kernel_files names plan.prof could not write back as they are (it
	 * writes one per line, "kernel_files = NAME", where a leading ';' or
	 * '#' starts a comment and spaces are trimmed) */
	ok(load_fails("kf1.prof", "[sweep]\nkernel_files:;+1\n",
		      "kf1.prof:2: kernel_files = ;+1: ';+1' in ';+1': expected FILE[,FILE...]"),
	   "kernel_files: a name starting with ';' is refused, file:line");
	ok(load_fails("kf2.prof", "[sweep]\nkernel_files = a.c, b.c\n", "' b.c' in 'a.c, b.c'"),
	   "kernel_files: a name with a space before it is refused");
	ok(load_fails("kf3.prof", "[sweep]\nkernel_files = a.c,,b.c\n", "'' in 'a.c,,b.c'"),
	   "kernel_files: an empty name in the list is refused");
	{
		tkp_plan kp;
		char kerr[600] = "";

		ok(loads_files(&kp, "kf4.prof", "[sweep]\nkernel_files = a.c\nkernel_files = dir/b;1.so\n",
			       "a.c,dir/b;1.so", kerr, sizeof kerr),
		   "kernel_files: two lines make a list, a ';' inside a name is kept ('%s' %s)",
		   kp.kernel_files, kerr);
		/* inih cuts "\t;..." on a key's line but not on a continuation
		 * line; plan.prof writes each name on a key's line, so both must
		 * cut it or the plan changes on the way back (a fuzzer's find) */
		ok(loads_files(&kp, "kf5.prof", "[sweep]\nkernel_files = a.c ; first\n\tb.c\t; second\n",
			       "a.c,b.c", kerr, sizeof kerr),
		   "kernel_files: '; comment' after a space is cut on a continuation line too ('%s' %s)",
		   kp.kernel_files, kerr);
		tkp_plan_defaults(&kp);
		ok(tkp_plan_set(&kp, "sweep", "kernel_files", "a.c,b ;c.c", kerr, sizeof kerr) != 0 &&
			   strstr(kerr, "'b ;c.c'"),
		   "kernel_files: a name with ';' after a space is refused (%s)", kerr);
		{
			char name[400];

			memset(name, 'x', sizeof name);
			strcpy(name + 182, ".c");
			tkp_plan_defaults(&kp);
			ok(tkp_plan_set(&kp, "sweep", "kernel_files", name, kerr, sizeof kerr) == 0,
			   "kernel_files: a 184-character name fits a plan.prof line (%s)", kerr);
			strcpy(name + 183, ".c");
			ok(tkp_plan_set(&kp, "sweep", "kernel_files", name, kerr, sizeof kerr) != 0 &&
				   strstr(kerr, "at most 184 characters"),
			   "kernel_files: a 185-character name, too long for a plan.prof line, is refused");
		}
	}
	ok(load_fails("nosec.prof", "sizes = 64\n", "nosec.prof:1: 'sizes' outside a section"),
	   "key before any section");
	ok(load_fails("bin.prof", "[sweep]\nsizes = 6\001\002\n", "bin.prof:2: binary data"), "binary garbage");
	{
		char longline[400];
		memset(longline, '1', sizeof longline);
		memcpy(longline, "[sweep]\nsizes = ", 16);
		longline[sizeof longline - 1] = '\0';
		ok(load_fails("long.prof", longline, "long.prof:2: line longer than"), "over-long line");
	}
	ok(load_fails("thr.prof", "[sweep]\nthreads = 0\n", "thr.prof:2: threads = 0:"), "threads 0");
	ok(load_fails("bud.prof", "[sweep]\nbudget = soon\n", "expected seconds"), "bad budget");
	ok(load_fails("cnt.prof", "[sweep]\ncounters = lots\n", "expected auto, papi, sim, auto,sim or none"),
	   "bad counters mode");
	ok(load_fails("rng.prof", "[sweep]\nsizes = 8x16x4:64x16x4:x2\n",
		      "rng.prof:2: sizes = 8x16x4:64x16x4:x2: '8x16x4:64x16x4:x2': ranges take square sizes only"),
	   "a range of non-square shapes is named as such");
	ok(load_fails("shp.prof", "[sweep]\nsizes = 64, 8x0x8\n", "'8x0x8': '0': sizes must be at least 1"),
	   "a bad dimension is reported with its whole shape");
	{
		tkp_plan pp;
		tkp_plan_defaults(&pp);
		ok(tkp_plan_load(&pp, "/nonexistent/x.prof", err, sizeof err) == TKP_EIO &&
		   strstr(err, "/nonexistent/x.prof"), "unreadable profile names the path");
	}
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd)) {
		}
	}
	return tap_done();
}
