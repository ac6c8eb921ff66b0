/*
 * measure.h - private side of the measurement (measure.c): what the
 * counter sources share with it when they fill a result.
 */
#ifndef TKP_MEASURE_H
#define TKP_MEASURE_H

#include "tkprofile.h"

/* The L1 data cache's line size in bytes (sysconf), 64 when unknown. */
int tkp_line_bytes(void);

/*
 * The intensities per memory level from r's counts (DESIGN.md, sweep.csv):
 * FLOPs (fp_ops where counted, else flops_model) over l1_dcm, l2_dcm and
 * l3_tcm lines of line bytes: ai_l2, ai_l3, ai_dram.  A level whose misses
 * were not counted, or were 0, stays NAN (no traffic measured is not
 * infinite intensity).  Also sets counted_fraction to 1 when anything was
 * counted and it was not set (a sampled count sets it below 1 first).
 */
void tkp_result_intensity(tkp_result *r, int line);

#endif
