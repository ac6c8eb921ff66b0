/*
 * test_probe.c - the probe's check that multi-thread peaks scale
 * (src/probe/probe.c): each multi-thread peak is set against threads × the
 * 1-thread peak of the same dtype and path, and the worst share found is
 * what `tkprofile machine` warns about below TKP_PROBE_SCALING_LOW.  On
 * made-up rows: measuring needs a quiet machine, the verdict does not.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "probe.h"
#include "tap.h"

int main(void)
{
	tkp_peak_row rows[] = {
		{TKP_F64, TKP_ISA_AVX2, 1, 48.0}, {TKP_F64, TKP_ISA_AVX2, 2, 95.0},
		{TKP_F32, TKP_ISA_AVX2, 1, 96.0}, {TKP_F32, TKP_ISA_AVX2, 2, 96.5},
		{TKP_F64, TKP_ISA_GENERIC, 2, 20.0}, /* no 1-thread partner */
		{TKP_F64, TKP_ISA_AVX2, 4, 150.0},
	};
	tkp_probe p;

	memset(&p, 0, sizeof p);
	p.peaks = rows;
	p.npeaks = sizeof rows / sizeof rows[0];

	ok(isnan(tkp_probe_peak_scaling(&p, 0)), "a 1-thread row has no scaling");
	ok(fabs(tkp_probe_peak_scaling(&p, 1) - 95.0 / 96.0) < 1e-12,
	   "f64 on 2 threads: 95 of 2 x 48 (%.4f)", tkp_probe_peak_scaling(&p, 1));
	ok(fabs(tkp_probe_peak_scaling(&p, 3) - 96.5 / 192.0) < 1e-12,
	   "f32 on 2 threads against f32's own 1-thread peak (%.4f)", tkp_probe_peak_scaling(&p, 3));
	ok(isnan(tkp_probe_peak_scaling(&p, 4)), "a path without a 1-thread peak has no scaling");
	ok(isnan(tkp_probe_peak_scaling(&p, 99)) && isnan(tkp_probe_peak_scaling(NULL, 0)),
	   "out of range, or no probe: NAN");

	tkp_probe_worst_scaling(&p);
	ok(p.peak_scaling_threads == 2 && fabs(p.peak_scaling - 96.5 / 192.0) < 1e-12 &&
	       p.peak_scaling < TKP_PROBE_SCALING_LOW,
	   "the worst is f32 on 2 threads at %.3f, below the warning line", p.peak_scaling);

	rows[3].gflops = 190.0; /* measured again on a quiet moment */
	tkp_probe_worst_scaling(&p);
	ok(p.peak_scaling_threads == 4 && fabs(p.peak_scaling - 150.0 / 192.0) < 1e-12 &&
	       p.peak_scaling >= TKP_PROBE_SCALING_LOW,
	   "then the worst is 4 threads at %.3f, no warning", p.peak_scaling);

	p.npeaks = 1;
	tkp_probe_worst_scaling(&p);
	ok(p.peak_scaling == 1 && p.peak_scaling_threads == 0, "1-thread peaks only: scaling 1, nothing to warn");
	return tap_done();
}
