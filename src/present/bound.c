/*
 * bound.c - what bounds each kernel (bound.h), computed once for the
 * report, the sweep summary and (through the same chart.c digest) the
 * roofline's marks.
 *
 * The judgement is the hierarchical roofline's: at its largest size a
 * kernel moves FLOPs/ai_lv bytes across each boundary, so memory level lv
 * allows at most bw_lv × ai_lv GFLOP/s; the compute peak allows its own
 * figure; the lowest of these roofs is the bound.  L2, L3 and DRAM are
 * judged where the row has counts (PAPI or simulated); the L1 roof is not,
 * since no counter source counts the loads L1 serves.  Without counts the
 * classic roofline is all there is: the model's compulsory traffic against
 * DRAM, and the sentence says so.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bound.h"
#include "chart.h"
#include "gnuplot.h"
#include "pmsg.h"
#include "results.h"
#include "util.h"

const char *tkp_bound_name(int roof)
{
	static const char *const name[] = {"compute", "L1", "L2", "L3", "DRAM", "none"};

	return roof >= 0 && roof <= TKP_BOUND_NONE ? name[roof] : "none";
}

/* Bandwidth of level lv at the row's thread count tc, else the highest
 * at any; *at gets the thread count it was measured with. */
static double level_bw(const tkp_results *c, int lv, int tc, int *at)
{
	double bw = tkp_res_level_bw(c, lv, tc, NULL);

	*at = tc;
	return isfinite(bw) ? bw : tkp_res_level_bw(c, lv, 0, at);
}

/* The memory roofs at the row's intensities: the lowest into b. */
static void judge_memory(const tkp_results *c, const tkp_res_row *r, int tc, tkp_bound *b)
{
	b->model = !tkp_chart_row_counted(r);
	for (int lv = 1; lv <= 3; lv++) {
		double ai = b->model ? (lv == 3 ? r->ai_model : NAN) : tkp_chart_level_ai(c, r, lv);
		int at = tc;
		double bw = level_bw(c, lv, tc, &at);
		if (ai == INFINITY) {
			b->zero[lv] = 1; /* no traffic there: that roof is out of reach */
			continue;
		}
		if (!(ai > 0) || !(bw > 0) || !(bw * ai < b->roof_gflops))
			continue;
		b->roof = TKP_BOUND_L1 + lv;
		b->roof_gflops = bw * ai;
		b->ai = ai;
		b->bw = bw;
		b->bw_threads = at;
	}
}

int tkp_bound_judge(const tkp_results *c, int k, int dt, tkp_bound *b)
{
	const tkp_res_row *r, *cr;
	const tkp_res_ceil *pk;
	int tc;

	memset(b, 0, sizeof *b);
	b->roof = TKP_BOUND_NONE;
	b->roof_gflops = INFINITY;
	b->ai = b->bw = NAN;
	if ((b->row = tkp_chart_largest_row(c, k, dt)) < 0)
		return -1;
	r = &c->rows[b->row];
	/* a largest size beyond the simulated ones is judged by the largest
	 * counted size's intensities, as the roofline draws it (per-FLOP
	 * traffic changes little once the operands outgrow a level) */
	b->counts_row = tkp_chart_row_counted(r) ? b->row : tkp_chart_largest_counted_row(c, k, dt);
	cr = b->counts_row >= 0 ? &c->rows[b->counts_row] : r;
	tkp_chart_source(c, cr, b->source, sizeof b->source);
	if (!(tc = tkp_res_ceil_threads(c, r->threads)))
		return -1;
	if ((pk = tkp_res_best_peak(c, c->dtname[dt], tc)) && pk->value > 0) {
		char v[32];
		tkp_gp_fmt_val(v, sizeof v, pk->value);
		tkp_fmt(b->peak, sizeof b->peak, "%s GFLOP/s %s peak (%d thread%s)", v, pk->isa,
			pk->threads, pk->threads == 1 ? "" : "s");
		b->roof = TKP_BOUND_COMPUTE;
		b->roof_gflops = pk->value;
	}
	judge_memory(c, cr, tc, b);
	if (b->roof == TKP_BOUND_NONE)
		return -1;
	b->pct = 100 * r->gflops / b->roof_gflops;
	return 0;
}

/* "n = 1024", or "512x256x1024" for a non-square shape. */
static void shape(const tkp_res_row *r, char *buf, size_t size)
{
	if (r->m == r->n && r->n == r->k)
		tkp_fmt(buf, size, "n = %zu", r->n);
	else
		tkp_fmt(buf, size, "%zux%zux%zu", r->m, r->n, r->k);
}

/*
 * What a figure above its roof means: nothing runs faster than a roof, so
 * one of the two figures is off.  Seen here: simd f32 1024 at 101% of an
 * L3 roof of 28 GB/s that a disturbed quick probe measured (a quiet one:
 * 37 GB/s, 67%).  Within 5% it is the noise of a probe on a shared host.
 */
static const char *above_roof(const tkp_bound *b)
{
	if (!(b->pct > 105))
		return "";
	if (b->roof == TKP_BOUND_COMPUTE)
		return " Above its roof: the peak was measured low (probe again on a quiet machine, "
		       "--reprobe) or the timing is off.";
	return " Above its roof: the probe's bandwidth reads low (probe again on a quiet machine, "
	       "--reprobe) or the counted traffic high.";
}

void tkp_bound_sentence(const tkp_results *c, int k, int dt, const tkp_bound *b, char *buf,
			size_t size)
{
	const tkp_res_row *r = &c->rows[b->row];
	char at[96], roof[200], pct[32], zero[64] = "", from[160] = "counts ";
	int nz = 0;

	shape(r, at, sizeof at);
	tkp_fmt(pct, sizeof pct, b->pct >= 10 ? "%.0f%%" : "%.2g%%", b->pct);
	if (b->roof == TKP_BOUND_COMPUTE)
		tkp_fmt(roof, sizeof roof, "compute: the %s", b->peak);
	else
		tkp_fmt(roof, sizeof roof,
			"%s bandwidth: %.3g GB/s (%d thread%s) × %.3g FLOP/byte = %.3g GFLOP/s",
			tkp_bound_name(b->roof), b->bw, b->bw_threads, b->bw_threads == 1 ? "" : "s",
			b->ai, b->roof_gflops);
	for (int lv = 1; lv <= 3; lv++)
		if (b->zero[lv])
			tkp_fmt(zero + strlen(zero), sizeof zero - strlen(zero), "%s%s", nz++ ? ", " : "",
				tkp_res_level_name[lv]);
	if (b->counts_row >= 0 && b->counts_row != b->row) {
		char cat[96];
		shape(&c->rows[b->counts_row], cat, sizeof cat);
		tkp_fmt(from, sizeof from, "counts at %s: ", cat);
	}
	tkp_fmt(buf, size, "%s %s at %s is bound by %s; it reaches %s of it (%.3g GFLOP/s; %s%s%s%s).%s",
		c->kname[k], c->dtname[dt], at, roof, pct, r->gflops,
		b->model ? "no counts: the model's compulsory traffic against DRAM" : from,
		b->model ? "" : b->source, nz ? "; no traffic at " : "", zero, above_roof(b));
}

int tkp_bound_write(const char *cmd, const char *dir, FILE *out)
{
	tkp_results r;
	int order[TKP_RES_MAXNAMES], rc, n = 0;

	if ((rc = tkp_results_load(cmd, dir, &r)))
		goto out;
	tkp_res_kernel_order(&r, order);
	for (int ki = 0; ki < r.nk; ki++)
		for (int dt = 0; dt < r.ndt; dt++) {
			tkp_bound b;
			char s[600];
			if (tkp_bound_judge(&r, order[ki], dt, &b))
				continue;
			if (!n++)
				fprintf(out, "\nWhat bounds each kernel at its largest size:\n");
			tkp_bound_sentence(&r, order[ki], dt, &b, s, sizeof s);
			fprintf(out, "  %s\n", s);
		}
out:
	tkp_results_free(&r);
	return rc;
}
