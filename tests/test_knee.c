/*
 * test_knee.c - knee detection (src/probe/knee.c) on synthetic latency
 * curves: sharp steps with noise, smeared steps, outliers, a VM-like curve
 * whose reported L3 is wrong, a curve still rising at its end; and the
 * matching of measured knees to reported cache levels.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "tap.h"
#include "util.h"

#define KiB 1024.0
#define MiB (1024.0 * 1024.0)

typedef struct curve {
	double bytes[512], ns[512];
	size_t n;
} curve;

/* Working sets 4 KiB .. max, ×factor. */
static void grid(curve *c, double factor, double max)
{
	double s;

	c->n = 0;
	for (s = 4 * KiB; s <= max * 1.0001 && c->n < 512; s *= factor)
		c->bytes[c->n++] = floor(s / 64) * 64;
}

/* Sharp steps: level i until caps[i] (inclusive), then the next. */
static void sharp(curve *c, const double *caps, const double *levels, int nlev)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		int l = 0;
		while (l < nlev - 1 && c->bytes[i] > caps[l])
			l++;
		c->ns[i] = levels[l];
	}
}

/* Smeared steps: random replacement, a working set W > C hits with
 * probability C/W: lat = in + (1 - C/W)(out - in), level by level. */
static void smeared(curve *c, const double *caps, const double *levels, int nlev)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		double w = c->bytes[i], lat = levels[0];
		int l;
		for (l = 0; l < nlev - 1; l++)
			if (w > caps[l])
				lat += (1 - caps[l] / w) * (levels[l + 1] - levels[l]);
		c->ns[i] = lat;
	}
}

/* Multiplicative noise, sd about `rel`. */
static void noise(curve *c, double rel, uint64_t seed)
{
	tkp_rng r;
	size_t i;

	tkp_rng_seed(&r, seed);
	for (i = 0; i < c->n; i++)
		c->ns[i] *= exp(rel * 1.7320508 * tkp_rng_unit(&r));
}

static int within(double got, double want, double factor)
{
	return isfinite(got) && got >= want / factor && got <= want * factor;
}

static void test_sharp_steps(void)
{
	static const double caps[] = {32 * KiB, 512 * KiB, 8 * MiB};
	static const double levels[] = {1.0, 4.0, 15.0, 90.0};
	curve c;
	tkp_knees k;
	int seed, i;

	for (seed = 1; seed <= 5; seed++) {
		int good = 1;
		grid(&c, 1.25, 256 * MiB);
		sharp(&c, caps, levels, 4);
		noise(&c, 0.04, (uint64_t)seed);
		int rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
		if (rc != 0 || k.nlevels != 4) {
			ok(0, "sharp steps + 4%% noise (seed %d): 4 levels (got %d)", seed, k.nlevels);
			continue;
		}
		for (i = 0; i < 3; i++)
			good &= within(k.size[i], caps[i], 1.25); /* within one grid step */
		ok(good, "sharp steps + 4%% noise (seed %d): knees %.0f %.0f %.0f near 32K 512K 8M", seed,
		   k.size[0], k.size[1], k.size[2]);
		good = 1;
		for (i = 0; i < 4; i++)
			good &= within(k.level[i], levels[i], 1.1);
		ok(good, "sharp steps (seed %d): plateau levels %.2f %.2f %.2f %.2f within 10%%", seed, k.level[0],
		   k.level[1], k.level[2], k.level[3]);
		ok(!k.tail && isnan(k.size[3]), "sharp steps (seed %d): memory is a plateau, no size", seed);
	}
}

static void test_smeared_steps(void)
{
	static const double caps[] = {48 * KiB, 1 * MiB, 32 * MiB};
	static const double levels[] = {1.2, 4.3, 15.0, 95.0};
	static const double grids[] = {1.25, 1.4142135623730951};
	curve c;
	tkp_knees k;
	int i, g, seed, rc;

	for (g = 0; g < 2; g++)
		for (seed = 1; seed <= 5; seed++) {
			int good = 1;
			grid(&c, grids[g], 256 * MiB);
			smeared(&c, caps, levels, 4);
			noise(&c, 0.03, (uint64_t)(100 * g + seed));
			rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
			/* the geometric midpoint of a random-replacement rise is
			 * 1.3-1.6 × C */
			for (i = 0; i < 3 && k.nlevels == 4; i++)
				good &= k.size[i] >= caps[i] * 0.95 && k.size[i] <= caps[i] * 1.7;
			ok(rc == 0 && k.nlevels == 4 && good,
			   "smeared steps, grid x%.2f, 3%% noise (seed %d): 4 levels (%d), knees %.0f %.0f %.0f in "
			   "[C, 1.7 C] of 48K 1M 32M",
			   grids[g], seed, k.nlevels, k.size[0], k.size[1], k.size[2]);
		}
}

static void test_outliers(void)
{
	static const double caps[] = {32 * KiB, 1 * MiB};
	static const double levels[] = {1.0, 5.0, 100.0};
	curve c;
	tkp_knees k;
	int rc;

	grid(&c, 1.25, 64 * MiB);
	sharp(&c, caps, levels, 3);
	noise(&c, 0.02, 7);
	/* preempted samples: single points far too slow, in every plateau */
	c.ns[3] *= 2.5;
	c.ns[c.n / 2] *= 3;
	c.ns[c.n - 4] *= 1.8;
	rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
	ok(rc == 0 && k.nlevels == 3, "isolated outliers do not make levels (got %d levels)", k.nlevels);
	ok(k.nlevels == 3 && within(k.size[0], 32 * KiB, 1.25) && within(k.size[1], 1 * MiB, 1.25),
	   "outliers: knees %.0f %.0f near 32K and 1M", k.size[0], k.size[1]);
}

/* The development VM: L1 48K, L2 1M (a bit smeared by set conflicts), an
 * L3 of about 12 MB, memory latency creeping up with TLB misses; sampled on
 * the quick probe's half-doubling grid with noise; hwloc reports a 508 MB
 * L3. */
static void test_vm_curve(void)
{
	static const double caps[] = {48 * KiB, 1 * MiB, 12 * MiB};
	static const double levels[] = {1.2, 4.3, 15.0, 90.0};
	const double reported[] = {48 * KiB, 1 * MiB, 508 * MiB};
	curve c;
	tkp_knees k;
	int assign[TKP_KNEE_MAX], rc;
	size_t i;

	grid(&c, 1.4142135623730951, 256 * MiB);
	sharp(&c, caps, levels, 4);
	for (i = 0; i < c.n; i++) {
		if (c.bytes[i] > 700 * KiB && c.bytes[i] <= 1 * MiB)
			c.ns[i] = 6.5; /* early conflict misses */
		if (c.bytes[i] > 12 * MiB)
			c.ns[i] *= pow(c.bytes[i] / (12 * MiB), 0.07); /* TLB creep */
	}
	noise(&c, 0.05, 2024);
	c.ns[5] *= 2.1; /* one preempted sample in L1 */
	rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
	ok(rc == 0 && k.nlevels == 4, "VM curve (quick grid, noise, creep): 4 levels (got %d)", k.nlevels);
	if (k.nlevels != 4) {
		skip("no 4 levels", "VM curve: knees");
		skip("no 4 levels", "VM curve: matching");
		return;
	}
	ok(within(k.size[0], 48 * KiB, 1.2) && within(k.size[1], 1 * MiB, 1.25) && within(k.size[2], 12 * MiB, 1.25),
	   "VM curve: knees %.0f %.0f %.0f near 48K 1M 12M", k.size[0], k.size[1], k.size[2]);
	tkp_knee_match(k.size, 3, reported, 3, assign);
	ok(assign[0] == 0 && assign[1] == 1 && assign[2] == 2,
	   "VM curve: the 12 MB knee is the L3 although 508 MB is reported (%d %d %d)", assign[0], assign[1],
	   assign[2]);
}

/* A small L3 shared with busy neighbours: its latency climbs by 50% per
 * doubling, so no point is flat, but the rise from L2 to memory has a
 * shelf.  Quick grid, noise. */
/* The knee is where a plateau is left, whatever comes after it.  A quick
 * probe's curve of a Zen 5 VM: a 1 MiB L2, then a rise through an L3 too
 * short and contended to show a plateau on a half-doubling grid, to DRAM.
 * The midpoint between the L2 and the next plateau found (DRAM) put this
 * L2 at 2.9 MiB; where the L2 plateau is left is its size. */
static void test_missed_level(void)
{
	curve c;
	tkp_knees k;
	size_t i;
	int rc;

	grid(&c, 1.4142135623730951, 256 * MiB);
	for (i = 0; i < c.n; i++) {
		double b = c.bytes[i];
		c.ns[i] = b <= 40 * KiB ? 1.0 : b <= 1 * MiB ? 4.0 : b <= 1.5 * MiB ? 9.0 : b <= 2 * MiB ? 14.0
			: b <= 3 * MiB ? 17.0 : b <= 4.1 * MiB ? 30.0 : b <= 6 * MiB ? 60.0 : b <= 8.5 * MiB ? 90.0 : 100.0;
	}
	noise(&c, 0.02, 77);
	rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
	ok(rc == 0 && k.nlevels >= 3 && within(k.size[0], 40 * KiB, 1.25) && within(k.size[1], 1 * MiB, 1.25),
	   "a level missed on the way to DRAM does not move the L2's knee: %.0f %.0f near 40K 1M (%d levels)",
	   k.size[0], k.size[1], k.nlevels);
}

static void test_shelf(void)
{
	curve c;
	tkp_knees k;
	size_t i;
	int seed, rc;

	for (seed = 1; seed <= 5; seed++) {
		grid(&c, 1.4142135623730951, 256 * MiB);
		for (i = 0; i < c.n; i++) {
			double b = c.bytes[i];
			c.ns[i] = b <= 48 * KiB ? 1.2 : b <= 800 * KiB ? 4.5 : b <= 3.5 * MiB ? 12 * pow(b / MiB, 0.6) : 80;
		}
		noise(&c, 0.04, (uint64_t)(500 + seed));
		rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
		ok(rc == 0 && k.nlevels == 4 && within(k.size[2], 3.5 * MiB, 1.3),
		   "a steep, short L3 (seed %d): 4 levels (%d), its knee %.0f near 3.5M", seed, k.nlevels, k.size[2]);
	}
}

static void test_tail_and_flat(void)
{
	curve c;
	tkp_knees k;
	size_t i;
	int rc;

	/* L1, L2, then a rise that never levels off before the sweep ends */
	grid(&c, 1.25, 64 * MiB);
	for (i = 0; i < c.n; i++)
		c.ns[i] = c.bytes[i] <= 32 * KiB ? 1.0 : c.bytes[i] <= 1 * MiB ? 4.0 : 4.0 * pow(c.bytes[i] / MiB, 0.6);
	rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
	ok(rc == 0 && k.nlevels == 3 && k.tail == 1, "a curve still rising at its end has a tail level (levels %d, tail %d)",
	   k.nlevels, k.tail);
	ok(k.nlevels == 3 && within(k.level[2], c.ns[c.n - 1], 1.01), "the tail level is the largest point's value");

	for (i = 0; i < c.n; i++)
		c.ns[i] = 2.0;
	rc = tkp_knee_detect(c.bytes, c.ns, c.n, &k);
	ok(rc == 0 && k.nlevels == 1 && isnan(k.size[0]), "a flat curve: one level, no knee");
}

static void test_invalid(void)
{
	double b[] = {4096, 8192, 16384, 32768, 65536}, v[] = {1, 1, 1, 4, 4}, bad[] = {1, 1, 0, 4, 4};
	double nonincr[] = {4096, 8192, 8192, 32768, 65536};
	tkp_knees k;

	ok(tkp_knee_detect(b, v, 3, &k) == TKP_EINVAL, "fewer than 4 points: EINVAL");
	ok(tkp_knee_detect(b, bad, 5, &k) == TKP_EINVAL, "a latency of 0: EINVAL");
	ok(tkp_knee_detect(nonincr, v, 5, &k) == TKP_EINVAL, "sizes not increasing: EINVAL");
	{
		int rc = tkp_knee_detect(b, v, 5, &k);
		ok(rc == 0 && k.nlevels == 2, "five points, one step: 2 levels (got %d)", k.nlevels);
	}
}

static void test_match(void)
{
	int a[TKP_KNEE_MAX];
	const double rep3[] = {48 * KiB, 1 * MiB, 32 * MiB};
	const double bogus[] = {48 * KiB, 1 * MiB, 508 * MiB};

	{
		const double m[] = {50 * KiB, 1.1 * MiB};
		tkp_knee_match(m, 2, rep3, 3, a);
		ok(a[0] == 0 && a[1] == 1, "fewer knees than levels: L1, L2 matched, L3 unmeasured (%d %d)", a[0], a[1]);
	}
	{
		const double m[] = {1.1 * MiB, 30 * MiB};
		tkp_knee_match(m, 2, rep3, 3, a);
		ok(a[0] == 1 && a[1] == 2, "no L1 knee: the knees are L2 and L3 (%d %d)", a[0], a[1]);
	}
	{
		/* an extra step (TLB reach at 4 MB) between L2 and L3 */
		const double m[] = {50 * KiB, 1 * MiB, 4 * MiB, 30 * MiB};
		tkp_knee_match(m, 4, rep3, 3, a);
		ok(a[0] == 0 && a[1] == 1 && a[2] == -1 && a[3] == 2, "a spurious knee is left out (%d %d %d %d)", a[0],
		   a[1], a[2], a[3]);
	}
	{
		const double m[] = {50 * KiB, 1 * MiB, 12 * MiB};
		tkp_knee_match(m, 3, bogus, 3, a);
		ok(a[0] == 0 && a[1] == 1 && a[2] == 2, "a wrong reported L3 still gets its knee (%d %d %d)", a[0], a[1],
		   a[2]);
	}
	{
		const double m[] = {50 * KiB, 1 * MiB};
		tkp_knee_match(m, 2, bogus, 0, a);
		ok(a[0] == -1 && a[1] == -1, "nothing reported: no matches");
	}
}

int main(void)
{
	test_sharp_steps();
	test_smeared_steps();
	test_outliers();
	test_vm_curve();
	test_missed_level();
	test_shelf();
	test_tail_and_flat();
	test_invalid();
	test_match();
	return tap_done();
}
