/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (src/lib/csv.c): reads
 * the input as a file with tkp_csv_read and, when it parses, reads every
 * cell as a number and every row as a sweep.csv row (tkp_csv_sweep_parse),
 * as `tkprofile plot` and `sweep --resume` do.
 *
 * Checked beyond "no crash, no sanitizer report": every error names the
 * file; a table has as many cells per row as header names; line numbers
 * increase; a row that parses has the invariants resume relies on
 * (positive sizes, threads ≥ 1, block ≥ 0).
 */
#include "config.h"

#include <math.h>

#include "csv.h"
#include "fuzz_util.h"
#include "tkprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("in.csv", data, size);
	char err[512];
	tkp_csv *t = NULL;
	tkp_result r;
	double v;
	int rc;

	err[0] = '\0';
	rc = tkp_csv_read(path, &t, err, sizeof err);
	if (rc) {
		FUZZ_CHECK(!t); /* no table on failure */
		fuzz_check_err(err, sizeof err, "in.csv");
		return 0;
	}
	FUZZ_CHECK(t && t->ncols);
	for (size_t i = 0; i < t->nrows; i++) {
		FUZZ_CHECK(!i || t->lineno[i] > t->lineno[i - 1]);
		for (size_t c = 0; c < t->ncols; c++) {
			FUZZ_CHECK(t->rows[i][c]);
			rc = tkp_csv_num(t, i, (int)c, &v);
			FUZZ_CHECK(rc != 0 || isfinite(v)); /* a number cell is always finite */
		}
		err[0] = '\0';
		rc = tkp_csv_sweep_parse(t, i, &r, err, sizeof err);
		if (rc) {
			fuzz_check_err(err, sizeof err, "in.csv");
			continue;
		}
		FUZZ_CHECK(r.m >= 1 && r.n >= 1 && r.k >= 1 && r.threads >= 1 && r.kernel[0]);
		FUZZ_CHECK(r.block >= 0 && r.reps >= 0);
		FUZZ_CHECK(r.verified >= -1 && r.verified <= 1);
	}
	tkp_csv_free(t);
	return 0;
}
