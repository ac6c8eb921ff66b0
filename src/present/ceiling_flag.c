/*
 * ceiling_flag.c - a kernel above its measured compute ceiling.
 *
 * No kernel runs faster than the machine's peak: a row above its ceiling
 * means the ceiling was measured too low (the probe was disturbed, or the
 * quick probe under-measured), so "101% of peak" would mislead.  The sweep
 * measures such a ceiling again once (sweep_recheck.c); what is still above
 * it afterwards is flagged here, for the report's "of peak" column and
 * the roofline's subtitle alike.
 */
#include "config.h"

#include <string.h>

#include "ceiling_flag.h"
#include "util.h"

int tkp_res_above_peak(const tkp_results *r, int dt, tkp_res_above *out)
{
	int found = 0;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < r->nrows; i++) {
		const tkp_res_row *w = &r->rows[i];
		const tkp_res_ceil *pk;

		if (dt >= 0 && w->dt != dt)
			continue;
		pk = tkp_res_best_peak(r, r->dtname[w->dt], tkp_res_ceil_threads(r, w->threads));
		if (!pk || !(pk->value > 0) || !(w->gflops > pk->value))
			continue;
		if (!found || w->gflops / pk->value > out->ratio) {
			out->row = w;
			out->peak = pk;
			out->ratio = w->gflops / pk->value;
			found = 1;
		}
	}
	return found;
}

void tkp_res_peak_note(const tkp_results *r, char *note, size_t len)
{
	tkp_res_above a;

	if (!len || !tkp_res_above_peak(r, -1, &a))
		return;
	/* instead of the usual note: a subtitle longer than the chart is cut
	 * at both ends, and this is the one thing to read */
	tkp_fmt(note, len, "CEILING TOO LOW: %s %s at %.0f%% of the %s %s %d-thread peak, "
			   "which was measured low (see the report)",
		r->kname[a.row->kern], r->dtname[a.row->dt], 100 * a.ratio, a.peak->dtype, a.peak->isa,
		a.peak->threads);
}
