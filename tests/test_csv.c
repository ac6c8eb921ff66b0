/* test_csv.c - the RFC 4180 writer and reader: quoting, round trips,
 * empty cells for "not measured", and file:line errors on bad input. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "tap.h"
#include "util.h"

static char dir[] = "/tmp/tkp-csv.XXXXXX";

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

static int read_err(const char *name, const char *text, const char *want)
{
	tkp_csv *t = NULL;
	char err[512] = "";
	int rc = tkp_csv_read(write_tmp(name, text), &t, err, sizeof err);

	tkp_csv_free(t);
	if (rc == 0 || !strstr(err, want)) {
		diag("rc %d, err '%s', wanted '%s'", rc, err, want);
		return 0;
	}
	return 1;
}

int main(void)
{
	char path[256], err[512];
	tkp_result r, back;
	tkp_csv *t;
	FILE *fp;
	double v;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/quote.csv", dir);
	fp = fopen(path, "w");
	tkp_csv_put_str(fp, "name");
	tkp_csv_sep(fp);
	tkp_csv_put_str(fp, "value");
	tkp_csv_eol(fp);
	tkp_csv_put_str(fp, "a,b \"quoted\"\nline2");
	tkp_csv_sep(fp);
	tkp_csv_put_num(fp, NAN);
	tkp_csv_eol(fp);
	tkp_csv_put_str(fp, "plain");
	tkp_csv_sep(fp);
	tkp_csv_put_num(fp, 0.1);
	tkp_csv_eol(fp);
	fclose(fp);
	ok(tkp_csv_read(path, &t, err, sizeof err) == 0, "reads what it wrote (%s)", err);
	ok(t && t->nrows == 2 && t->ncols == 2, "two rows, two columns");
	ok(t && !strcmp(t->rows[0][0], "a,b \"quoted\"\nline2"), "commas, quotes and newlines round-trip");
	ok(t && !strcmp(t->rows[0][1], "") && tkp_csv_num(t, 0, 1, &v) == 1, "NAN is an empty cell");
	ok(t && tkp_csv_num(t, 1, 1, &v) == 0 && v == 0.1, "0.1 round-trips exactly (%%.17g)");
	ok(t && t->lineno[1] == 4, "row line numbers count the embedded newline (%zu)",
	   t ? t->lineno[1] : 0);
	tkp_csv_free(t);

	/* a full sweep row round-trips */
	memset(&r, 0, sizeof r);
	strcpy(r.kernel, "blocked");
	r.dtype = TKP_F32;
	r.m = 67, r.n = 129, r.k = 31, r.block = 32, r.threads = 2, r.reps = 9;
	r.time_s = 1.25e-4, r.time_s_min = 1.2e-4, r.time_s_mad = 3e-7, r.gflops = 4.321;
	for (int i = 0; i < TKP_M_COUNT; i++)
		r.counters[i] = NAN;
	r.counters[TKP_M_CYCLES] = 123456789;
	tkp_result_model(&r);
	r.ai_dram = NAN, r.cpu_util = 0.97, r.rss_delta_mb = 0.5, r.verified = 1, r.max_rel_err = 1e-8;
	r.ai_l2 = 3.25, r.ai_l3 = NAN, r.counted_fraction = 0.125, r.disturbed = 7;
	snprintf(path, sizeof path, "%s/sweep.csv", dir);
	fp = fopen(path, "w");
	tkp_csv_sweep_header(fp);
	tkp_csv_sweep_row(fp, &r);
	fclose(fp);
	ok(tkp_csv_read(path, &t, err, sizeof err) == 0, "sweep.csv reads back");
	ok(t && t->ncols == 31, "sweep.csv has DESIGN.md's 27 columns and the 4 added since (%zu)",
	   t ? t->ncols : 0);
	ok(t && tkp_csv_col(t, "ai_l2") == 27 && tkp_csv_col(t, "ai_l3") == 28 &&
		   tkp_csv_col(t, "counted_fraction") == 29 && tkp_csv_col(t, "disturbed") == 30 &&
		   tkp_csv_sweep_added(t) == 4,
	   "the added columns come last, in order");
	ok(t && tkp_csv_sweep_parse(t, 0, &back, err, sizeof err) == 0, "sweep row parses (%s)", err);
	ok(back.m == 67 && back.k == 31 && back.block == 32 && back.threads == 2 && back.dtype == TKP_F32,
	   "shape, block, threads and dtype survive");
	ok(back.gflops == r.gflops && back.time_s == r.time_s, "times and GFLOP/s round-trip exactly");
	ok(back.counters[TKP_M_CYCLES] == 123456789 && isnan(back.counters[TKP_M_L1_DCM]),
	   "measured counter kept, unmeasured stays NAN (not 0)");
	ok(t && !strcmp(t->rows[0][tkp_csv_col(t, "l1_dcm")], ""), "unmeasured counter cell is empty");
	ok(back.ai_l2 == 3.25 && isnan(back.ai_l3) && back.counted_fraction == 0.125 &&
	   back.disturbed == 7,
	   "ai_l2, ai_l3 (empty), counted_fraction and disturbed round-trip");
	ok(back.flops_model == 2.0 * 67 * 129 * 31, "flops_model = 2mnk");
	ok(back.bytes_model == (67.0 * 31 + 31.0 * 129 + 2.0 * 67 * 129) * 4, "bytes_model is compulsory traffic");
	tkp_csv_free(t);

	{
		/* a file from before the added columns: parses, they are NAN; a
		 * row appended under its header has as many cells as it */
		FILE *f = fopen(path, "w");
		tkp_csv *tt = NULL;

		for (int i = 0; tkp_sweep_columns[i]; i++)
			fprintf(f, "%s%s", i ? "," : "", tkp_sweep_columns[i]);
		fputc('\n', f);
		tkp_csv_sweep_row_n(f, &r, 0);
		fclose(f);
		ok(tkp_csv_read(path, &tt, err, sizeof err) == 0 && tt->ncols == 27 &&
			   tkp_csv_sweep_added(tt) == 0,
		   "a row written under an older header has its 27 cells (%s)", err);
		ok(tt && tkp_csv_sweep_parse(tt, 0, &back, err, sizeof err) == 0 && isnan(back.ai_l2) &&
			   isnan(back.counted_fraction) && back.disturbed == 0 && back.gflops == r.gflops,
		   "an older sweep.csv parses; the added columns read as not measured (%s)", err);
		tkp_csv_free(tt);
	}

	/* bad input: file:line errors */
	ok(read_err("trunc.csv", "a,b\n1,2\n3,\"unterminated\n", "trunc.csv:3: unterminated"),
	   "unterminated quote: file:line");
	ok(read_err("short.csv", "a,b,c\n1,2,3\n4,5\n", "short.csv:3: 2 fields, header has 3"),
	   "short row: file:line and counts");
	ok(read_err("empty.csv", "", "empty file"), "empty file");
	ok(read_err("dup.csv", "a,a\n1,2\n", "duplicate column"), "duplicate header");
	ok(read_err("q.csv", "a,b\n1,x\"y\n", "q.csv:2: quote inside"), "stray quote");
	{
		const char *p = write_tmp("nul.csv", "a,b\n1,2\n");
		FILE *f = fopen(p, "a");
		fputc('\0', f);
		fputs(",3\n", f);
		fclose(f);
		t = NULL;
		ok(tkp_csv_read(p, &t, err, sizeof err) == TKP_EPARSE && strstr(err, "nul.csv:3: NUL"),
		   "NUL byte refused with its line (%s)", err);
	}
	{
		size_t big = (1u << 20) + 10;
		char *s = malloc(big + 16);
		memset(s, 'x', big);
		memcpy(s, "a\n", 2);
		s[big] = '\n';
		s[big + 1] = '\0';
		ok(read_err("huge.csv", s, "longer than 1 MiB"), "a huge field is refused");
		free(s);
	}
	{
		tkp_csv *tt = NULL;
		const char *p = write_tmp("nan.csv", "kernel,dtype,m,n,k\nnaive,f64,nan,1,1\n");
		ok(tkp_csv_read(p, &tt, err, sizeof err) == 0 && tkp_csv_sweep_parse(tt, 0, &back, err, sizeof err) ==
		   TKP_EPARSE && strstr(err, "missing column"), "sweep parse names a missing column (%s)", err);
		tkp_csv_free(tt);
	}
	ok(tkp_csv_read("/nonexistent/x.csv", &t, err, sizeof err) == TKP_EIO && strstr(err, "/nonexistent/x.csv"),
	   "missing file names the path");
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd)) {
		}
	}
	return tap_done();
}
