/*
 * fuzz_profile.c - libFuzzer harness for the profile parser
 * (src/lib/profile.c): loads the input as a sweep profile with
 * tkp_plan_load, as `tkprofile sweep --profile FILE` does.
 *
 * Checked beyond "no crash, no sanitizer report":
 *   - every error names the file ("FILE:LINE: what");
 *   - a plan that loads saves (tkp_plan_write) to a profile that loads back
 *     to a plan that saves to the same text: plan.prof is how --resume
 *     finds the plan again, so this round trip must hold for any plan;
 *   - the plan's lists stay within their limits, and a plan small enough
 *     to run expands (tkp_plan_expand) to configurations with positive
 *     sizes.
 */
#include "config.h"

#include "fuzz_util.h"
#include "profile.h"

static char *save(const tkp_plan *p, size_t *len)
{
	char *buf = NULL;
	FILE *mem = open_memstream(&buf, len);

	if (!mem || tkp_plan_write(p, mem) || fclose(mem))
		abort();
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static tkp_plan p, back; /* large: keep them off the stack */
	const char *path = fuzz_write("in.prof", data, size);
	char err[1024], *text1, *text2;
	size_t len1, len2;
	tkp_config *cfg = NULL;
	size_t ncfg = 0;
	double total;

	tkp_plan_defaults(&p);
	err[0] = '\0';
	if (tkp_plan_load(&p, path, err, sizeof err)) {
		fuzz_check_err(err, sizeof err, "in.prof");
		return 0;
	}
	FUZZ_CHECK(p.nkernels >= 0 && p.nkernels <= TKP_PLAN_MAX_KERNELS);
	FUZZ_CHECK(p.sizes.n <= TKP_PLAN_MAX_SIZES && p.blocks.n <= TKP_PLAN_MAX_INTS &&
		   p.threads.n <= TKP_PLAN_MAX_INTS);
	FUZZ_CHECK(p.ndtypes >= 1 && p.ndtypes <= 2 && p.nkopts <= TKP_PLAN_MAX_KERNELS);

	/* the plan.prof round trip */
	text1 = save(&p, &len1);
	path = fuzz_write("plan.prof", (const uint8_t *)text1, len1);
	tkp_plan_defaults(&back);
	err[0] = '\0';
	if (tkp_plan_load(&back, path, err, sizeof err)) {
		fprintf(stderr, "fuzz: the saved plan does not load back: %s\n--- saved:\n%s", err, text1);
		abort();
	}
	text2 = save(&back, &len2);
	if (len1 != len2 || memcmp(text1, text2, len1)) {
		fprintf(stderr, "fuzz: plan changed on the round trip\n--- first:\n%s--- second:\n%s", text1, text2);
		abort();
	}
	free(text1);
	free(text2);

	/* expansion, when the plan is small enough to expand quickly */
	total = (double)p.ndtypes * p.nkernels * p.sizes.n * p.blocks.n * p.threads.n;
	for (int i = 0; i < p.nkopts; i++)
		total += (double)p.ndtypes * p.kopts[i].sizes.n * (p.kopts[i].blocks.n + 1) *
			 (p.kopts[i].threads.n + 1);
	if (total <= 100000) {
		FUZZ_CHECK(tkp_plan_expand(&p, &cfg, &ncfg) == 0);
		for (size_t i = 0; i < ncfg; i++)
			FUZZ_CHECK(cfg[i].kernel && cfg[i].m && cfg[i].n && cfg[i].k && cfg[i].threads >= 1 &&
				   cfg[i].block >= 0);
		free(cfg);
	}
	return 0;
}
