/*
 * test_groups.c - the group files' candidates: weighted sums (NAME*WEIGHT
 * terms joined by '+', over continuation lines) and raw encodings tied to
 * a CPU, parsed with FILE:LINE errors for bad ones; and the order in which
 * a slot's candidates are offered, checked with a fake resolver that
 * accepts only the names it is told: raw entries come only after every
 * named candidate failed, and never on a CPU they do not name.  The
 * shipped group files are loaded too, and their Zen 5 raw entries are
 * checked to be offered on a Zen 5 only.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "groups.h"
#include "machine.h"
#include "pmu.h"
#include "tap.h"
#include "tkprofile.h"

static char dir[] = "/tmp/tkp_groups_XXXXXX";

/* Writes dir/NAME.ini with text. */
static void put(const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s.ini", dir, name);
	if (tap_write_file(path, text))
		tap_diag("cannot write %s", path);
}

static void drop(const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s.ini", dir, name);
	unlink(path);
}

/* Loads group `name` alone; returns the rc, why in why. */
static int load(const char *name, tkp_gdef *def, char *why, size_t wl)
{
	why[0] = '\0';
	return tkp_groups_load(dir, name, def, why, wl);
}

/* A bad file must fail with "FILE:LINE: " and the words expected. */
static void bad(const char *text, int line, const char *words, const char *what)
{
	tkp_gdef def[TKP_M_COUNT];
	char why[1024], at[600];
	int rc;

	put("bad", text);
	rc = load("bad", def, why, sizeof why);
	snprintf(at, sizeof at, "%s/bad.ini:%d: ", dir, line);
	tap_ok(rc == TKP_EPARSE && strstr(why, at) && strstr(why, words), "%s: \"%s\"", what, why);
	drop("bad");
}

/* Bad lines: the text, the line of the error, words it must say, and what
 * is wrong. */
static const struct {
	const char *text;
	int line;
	const char *words, *what;
} bads[] = {
	{"[fp_ops]\nevents = skx::A:X*1 + skx::A:Y*two\n", 2,
	 "weight 'two' of skx::A:Y: expected a positive number", "a weight that is no number"},
	{"[fp_ops]\nevents = skx::A:X*1 + skx::A:Y*-2\n", 2,
	 "weight '-2'", "a negative weight"},
	{"[fp_ops]\nevents = skx::A:X*0\n", 2,
	 "weight '0'", "a zero weight"},
	{"[fp_ops]\nevents = skx::A:X*\n", 2,
	 "weight ''", "a missing weight after '*'"},
	{"[fp_ops]\nevents = skx::A:X*1 + skx::A:Y\n", 2,
	 "term 'skx::A:Y' has no weight", "a term without a weight"},
	{"[fp_ops]\nevents = PAPI_FP_OPS,\n\tskx::A:X*1 +\n\tskx::A:Y\n", 4,
	 "term 'skx::A:Y' has no weight", "an unweighted term on a continuation line: its own line"},
	{"[fp_ops]\nevents = skx::A:X*1 + + skx::A:Y*2\n", 2,
	 "empty term", "an empty term"},
	{"[fp_ops]\nevents = PAPI_FP_OPS,\n\tskx::A:X*1 +\n[cycles]\nevents = PAPI_TOT_CYC\n", 3,
	 "[fp_ops] events: the sum ends in '+' with no term after it", "a sum left open at the end of its list"},
	{"[cycles]\nraw = 1Ah 00-4F: r76\n", 2,
	 "expected the CPU first", "a raw entry without a vendor"},
	{"[cycles]\nraw = AMD 1Ah 00-4F r76\n", 2,
	 "expected 'CPU: TERMS'", "a raw entry without ':'"},
	{"[cycles]\nraw = AMD zen5: r76\n", 2,
	 "family 'zen5': expected hex", "a raw entry with a bad family"},
	{"[cycles]\nraw = AMD 1Ah 4F-00: r76\n", 2,
	 "model range '4F-00'", "a raw entry with a reversed range"},
	{"[cycles]\nraw = AMD 1Ah: 0x76\n", 2,
	 "raw term '0x76': expected r and the perf_event config in hex", "a raw term that is not rHEX"},
	{"[cycles]\nraw = AMD 1Ah: rzz\n", 2,
	 "raw term 'rzz'", "a raw term with no hex digits"},
	{"[cycles]\nrow = AMD 1Ah: r76\n", 2,
	 "did you mean 'raw'", "a misspelt raw key is suggested"},
};

static void test_parse(void)
{
	tkp_gdef def[TKP_M_COUNT];
	tkp_gcand c;
	char why[1024];
	size_t i;
	int rc;

	put("good", "[fp_ops]\n"
		    "events = PAPI_FP_OPS,\n"
		    "\tskx::A:X*1 + skx::A:Y*2 +\n"
		    "\t\tskx::A:Z*4 + skx::A:W*8,\n"
		    "\tPAPI_DP_OPS\n"
		    "events_f32 = icl::A:S*1 + icl::A:P*0.5\n"
		    "raw = AMD 1Ah 00-4F 60-7F: r0f03\n"
		    "raw_f64 = AMD 1Ah: r8f03*1 + raf03*1\n");
	rc = load("good", def, why, sizeof why);
	tap_ok(rc == 0, "a file with sums and raw entries loads (%s)", why);
	tap_ok(!strcmp(def[TKP_M_FP_OPS].ev[0],
		       "PAPI_FP_OPS, skx::A:X*1 + skx::A:Y*2 + skx::A:Z*4 + skx::A:W*8, PAPI_DP_OPS"),
	       "a sum over two lines is one candidate: %s", def[TKP_M_FP_OPS].ev[0]);
	tap_ok(!strcmp(def[TKP_M_FP_OPS].ev[TKP_GROUPS_RAW], "AMD 1Ah 00-4F 60-7F: r0f03"), "raw list kept: %s",
	       def[TKP_M_FP_OPS].ev[TKP_GROUPS_RAW]);
	drop("good");

	rc = tkp_groups_parse_cand("skx::A:X*1 + skx::A:Y*2 + skx::A:Z*4", 0, &c, why, sizeof why);
	tap_ok(rc == 0 && c.nterm == 3 && !c.raw && !strcmp(c.term[1].name, "skx::A:Y") && c.term[1].weight == 2 &&
		       c.term[2].weight == 4,
	       "a sum parses into its terms and weights");
	rc = tkp_groups_parse_cand("PAPI_TOT_CYC", 0, &c, why, sizeof why);
	tap_ok(rc == 0 && c.nterm == 1 && c.term[0].weight == 1, "a lone event is a sum of one, weight 1");
	rc = tkp_groups_parse_cand("AMD 1Ah 00-4F 60-7F: r8f03*1 + raf03*1", 1, &c, why, sizeof why);
	tap_ok(rc == 0 && c.raw && c.nterm == 2 && c.term[0].config == 0x8f03 && c.term[1].config == 0xaf03 &&
		       !strcmp(c.term[1].name, "perf_raw::raf03") && c.family == 0x1a && c.nrange == 2 &&
		       c.lo[1] == 0x60 && c.hi[1] == 0x7f && !strcmp(c.vendor, "AMD"),
	       "a raw entry: CPU, model ranges, configs and PAPI names (%s)", c.term[1].name);

	for (i = 0; i < sizeof bads / sizeof bads[0]; i++)
		bad(bads[i].text, bads[i].line, bads[i].words, bads[i].what);
}

/* ---- the selection, with a fake resolver ------------------------------ */

struct fake {
	const char *countable[4]; /* names that "can be counted" */
	char offered[1024];       /* candidates offered, in order */
};

static int fake_try(const tkp_gcand *c, void *arg)
{
	struct fake *f = arg;
	int i, j, ok = 1;

	snprintf(f->offered + strlen(f->offered), sizeof f->offered - strlen(f->offered), "%s%s",
		 f->offered[0] ? "|" : "", c->text);
	for (i = 0; i < c->nterm; i++) {
		int found = 0;

		for (j = 0; j < 4 && f->countable[j]; j++)
			found |= !strcmp(c->term[i].name, f->countable[j]);
		ok &= found;
	}
	return ok ? 0 : 1;
}

static void test_choose(void)
{
	static char cand[TKP_GROUPS_NKEYS][TKP_CTR_LIST_LEN];
	tkp_cpu_id zen5, zen4, intel, zen6;
	struct fake f;
	int chosen, skipped;

	tkp_cpu_id_set(&zen5, "AuthenticAMD", 0x1a, 0x44);
	tkp_cpu_id_set(&zen6, "AuthenticAMD", 0x1a, 0x50);
	tkp_cpu_id_set(&zen4, "AuthenticAMD", 0x19, 0x61);
	tkp_cpu_id_set(&intel, "GenuineIntel", 6, 0xcf);
	memset(cand, 0, sizeof cand);
	snprintf(cand[0], sizeof cand[0], "PAPI_FP_OPS, zen::FLOPS:ANY");
	snprintf(cand[2], sizeof cand[2], "PAPI_DP_OPS");
	snprintf(cand[TKP_GROUPS_RAW], sizeof cand[0], "AMD 1Ah 00-4F 60-7F: r0f03");
	snprintf(cand[TKP_GROUPS_RAW + 2], sizeof cand[0], "AMD 1Ah 00-4F 60-7F: r8f03*1 + raf03*1");

	memset(&f, 0, sizeof f);
	chosen = tkp_groups_choose(cand, -1, &zen5, fake_try, &f, &skipped);
	tap_ok(!chosen && !strcmp(f.offered, "PAPI_FP_OPS|zen::FLOPS:ANY|AMD 1Ah 00-4F 60-7F: r0f03"),
	       "nothing resolves: named first, then the raw entry (%s)", f.offered);

	memset(&f, 0, sizeof f);
	f.countable[0] = "zen::FLOPS:ANY";
	f.countable[1] = "perf_raw::rf03";
	chosen = tkp_groups_choose(cand, -1, &zen5, fake_try, &f, &skipped);
	tap_ok(chosen && !strcmp(f.offered, "PAPI_FP_OPS|zen::FLOPS:ANY"),
	       "a named event resolves: the raw entry is never offered (%s)", f.offered);

	memset(&f, 0, sizeof f);
	f.countable[0] = "perf_raw::rf03";
	chosen = tkp_groups_choose(cand, -1, &zen5, fake_try, &f, &skipped);
	tap_ok(chosen && strstr(f.offered, "r0f03"), "nothing named resolves: the raw entry is chosen on Zen 5");

	memset(&f, 0, sizeof f);
	f.countable[0] = "perf_raw::r8f03";
	f.countable[1] = "perf_raw::raf03";
	chosen = tkp_groups_choose(cand, TKP_F64, &zen5, fake_try, &f, &skipped);
	tap_ok(chosen && !strcmp(f.offered, "PAPI_DP_OPS|PAPI_FP_OPS|zen::FLOPS:ANY|AMD 1Ah 00-4F 60-7F: r8f03*1 + raf03*1"),
	       "f64: the dtype's lists first, named before raw (%s)", f.offered);

	memset(&f, 0, sizeof f);
	f.countable[0] = "perf_raw::rf03";
	chosen = tkp_groups_choose(cand, -1, &zen4, fake_try, &f, &skipped);
	tap_ok(!chosen && !strstr(f.offered, "AMD") && skipped == 1,
	       "Zen 4 (family 19h): the Zen 5 raw entry is never offered, 1 skipped (%s)", f.offered);
	memset(&f, 0, sizeof f);
	chosen = tkp_groups_choose(cand, -1, &zen6, fake_try, &f, &skipped);
	tap_ok(!chosen && !strstr(f.offered, "AMD") && skipped == 1,
	       "family 1Ah model 50h (outside the ranges): not offered");
	memset(&f, 0, sizeof f);
	chosen = tkp_groups_choose(cand, -1, &intel, fake_try, &f, &skipped);
	tap_ok(!chosen && !strstr(f.offered, "AMD"), "an Intel CPU: not offered");
	memset(&f, 0, sizeof f);
	chosen = tkp_groups_choose(cand, -1, NULL, fake_try, &f, &skipped);
	tap_ok(!chosen && !strstr(f.offered, "AMD"), "an unknown CPU: not offered");
}

/* The shipped files: every metric has a Zen 5 raw entry, offered on Zen 5
 * only, and Intel fp_ops per dtype are weighted sums with the widths. */
static void test_shipped(void)
{
	tkp_gdef def[TKP_M_COUNT];
	tkp_cpu_id zen5, zen4;
	char why[1024], src[1024];
	const char *s = getenv("TKP_SRCDIR");
	int m, rc;

	snprintf(src, sizeof src, "%s/profiles/groups", s ? s : TKP_SRCDIR);
	rc = tkp_groups_load(src, NULL, def, why, sizeof why);
	if (!tap_ok(rc == 0, "the shipped group files load (%s)", why))
		return;
	tkp_cpu_id_set(&zen5, "AuthenticAMD", 0x1a, 0x24);
	tkp_cpu_id_set(&zen4, "AuthenticAMD", 0x19, 0x61);
	for (m = 0; m < TKP_M_COUNT; m++) {
		struct fake f5, f4;
		int skipped;

		memset(&f5, 0, sizeof f5);
		memset(&f4, 0, sizeof f4);
		tkp_groups_choose(def[m].ev, -1, &zen5, fake_try, &f5, &skipped);
		tkp_groups_choose(def[m].ev, -1, &zen4, fake_try, &f4, &skipped);
		tap_ok(strstr(f5.offered, "AMD 1Ah 00-4F 60-7F: r") && !strstr(f4.offered, "AMD 1Ah"),
		       "[%s]: a Zen 5 raw entry, last on Zen 5, absent on Zen 4", tkp_metric_name(m));
	}
	tap_ok(strstr(def[TKP_M_FP_OPS].ev[TKP_F64 + 1],
		      "skx::FP_ARITH_INST_RETIRED:SCALAR_DOUBLE*1 + skx::FP_ARITH_INST_RETIRED:128B_PACKED_DOUBLE*2 + "
		      "skx::FP_ARITH_INST_RETIRED:256B_PACKED_DOUBLE*4 + skx::FP_ARITH_INST_RETIRED:512B_PACKED_DOUBLE*8") &&
		       strstr(def[TKP_M_FP_OPS].ev[TKP_F32 + 1], "spr::FP_ARITH_INST_RETIRED:512B_PACKED_SINGLE*16"),
	       "Intel FLOPs: FP_ARITH weighted 1, 2, 4, 8 (f64) and up to 16 (f32)");
}

/* The encoding shown per metric, with Skylake-SP forced (no such CPU
 * needed): FP_ARITH_INST_RETIRED is event 0xc7, SCALAR_DOUBLE umask 1. */
static void test_encode(void)
{
#ifdef TKP_HAVE_PFM
	char buf[512];
	int rc;

	rc = tkp_pmu_encode("skx::FP_ARITH_INST_RETIRED:SCALAR_DOUBLE", buf, sizeof buf);
	tap_ok(rc == 0 && strstr(buf, "config=0x1c7"), "skx FP_ARITH:SCALAR_DOUBLE encodes to config 0x1c7 (%s)", buf);
	rc = tkp_pmu_encode("skx::FP_ARITH_INST_RETIRED:SCALAR_DOUBLEQ", buf, sizeof buf);
	tap_ok(rc != 0 && strstr(buf, "SCALAR_DOUBLEQ"), "a misspelt event has no encoding, and says so (%s)", buf);
#else
	tap_skip("built without libpfm4-dev", "event encodings");
#endif
}

/* machine.json: the event chosen per metric and its encoding, written
 * and read back; a file without them (older tkprofile) still reads. */
static void test_machine_json(void)
{
	tkp_machine *m = calloc(1, sizeof *m), *back = calloc(1, sizeof *back);
	char path[600], err[512], text[65536] = "";
	FILE *f;
	size_t n;
	int rc;

	if (!m || !back) {
		tap_ok(0, "calloc");
		goto out;
	}
	snprintf(path, sizeof path, "%s/machine.json", dir);
	strcpy(m->counter_event[TKP_M_FP_OPS], "skx::FP_ARITH_INST_RETIRED:SCALAR_DOUBLE*1 + skx::X*2");
	strcpy(m->counter_encoding[TKP_M_FP_OPS], "type=4 config=0x1c7 *1 + type=4 config=0x4c7 *2");
	strcpy(m->counter_event[TKP_M_CYCLES], "perf_raw::r76");
	strcpy(m->counter_encoding[TKP_M_CYCLES], "raw config=0x76");
	m->counter_raw[TKP_M_CYCLES] = 1;
	rc = tkp_machine_write_json(m, path);
	if (!tap_ok(rc == 0, "machine.json written (%d)", rc))
		goto out;
	if ((f = fopen(path, "r"))) {
		n = fread(text, 1, sizeof text - 1, f);
		text[n] = '\0';
		fclose(f);
	}
	tap_ok(strstr(text, "\"metrics\"") && strstr(text, "\"fp_ops\"") && strstr(text, "\"encoding\"") &&
		       strstr(text, "config=0x1c7") && strstr(text, "\"raw\": true") && strstr(text, "\"event\": null"),
	       "counters.metrics: per metric event, encoding and raw (null when not counted)");
	rc = tkp_machine_read_json(path, back, err, sizeof err);
	tap_ok(rc == 0 && !strcmp(back->counter_event[TKP_M_FP_OPS], m->counter_event[TKP_M_FP_OPS]) &&
		       !strcmp(back->counter_encoding[TKP_M_CYCLES], "raw config=0x76") &&
		       back->counter_raw[TKP_M_CYCLES] && !back->counter_raw[TKP_M_FP_OPS] &&
		       !back->counter_event[TKP_M_L1_DCM][0],
	       "read back the same (%s)", err);
out:
	unlink(path);
	free(m);
	free(back);
}

int main(void)
{
	/* before anything initialises libpfm4 (it reads the variable once) */
	setenv("LIBPFM_FORCE_PMU", "skx", 1);
	test_encode();
	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	test_parse();
	test_choose();
	test_shipped();
	test_machine_json();
	rmdir(dir);
	return tap_done();
}
