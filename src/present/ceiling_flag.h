/*
 * ceiling_flag.h - kernels measured above their compute ceiling: found
 * once, said the same way by the report and the roofline chart.
 */
#ifndef TKP_PRESENT_CEILING_FLAG_H
#define TKP_PRESENT_CEILING_FLAG_H

#include <stddef.h>

#include "results.h"

/* A row above its ceiling: the row, the ceiling and GFLOP/s over it. */
typedef struct tkp_res_above {
	const tkp_res_row *row;
	const tkp_res_ceil *peak;
	double ratio; /* row->gflops / peak->value, > 1 */
} tkp_res_above;

/*
 * The sweep row furthest above its compute ceiling (the best peak of its
 * dtype at the thread count the report compares it with:
 * tkp_res_ceil_threads of its threads), of dtype index dt (-1: any).
 * Returns 1 and fills *out when a row is above, else 0.
 */
int tkp_res_above_peak(const tkp_results *r, int dt, tkp_res_above *out);

/* Replaces note (len bytes) with "CEILING TOO LOW: KERNEL DTYPE at N% of
 * the DTYPE ISA T-thread peak, ..." when a row is above its ceiling; else
 * leaves it alone.  The roofline's subtitle. */
void tkp_res_peak_note(const tkp_results *r, char *note, size_t len);

#endif
