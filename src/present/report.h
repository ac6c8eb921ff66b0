/*
 * report.h - the report's sections (report_sections.c), shared by a
 * results directory's report (report.c: the sweep's and `tkprofile
 * report`'s) and the comparison's (compare_report.c).  Each writes into
 * a tkp_doc (doc.h), so Markdown and HTML come from one description.
 */
#ifndef TKP_PRESENT_REPORT_H
#define TKP_PRESENT_REPORT_H

#include "doc.h"
#include "results.h"

/* The machine: CPU, cores, memory, caches reported and measured, ISA, OS,
 * compiler, counters, from machine.json. */
void tkp_report_machine(tkp_doc *d, const tkp_results *r);
/* The ceilings of ceilings.csv and the latency of each memory level. */
void tkp_report_ceilings(tkp_doc *d, const tkp_results *r);
/* Best GFLOP/s per kernel and dtype, where, % of peak, and speed-up over
 * the naive kernel at the largest size naive ran; one table per dtype under
 * a heading of the given level. */
void tkp_report_summary(tkp_doc *d, const tkp_results *r, int level);
/* What bounds each kernel at its largest size (bound.h): a table of the
 * binding roof, its height and the share reached, and the sentences a
 * report can quote. */
void tkp_report_bounds(tkp_doc *d, const tkp_results *r);
/* Per dtype, GFLOP/s of every kernel at every shape it ran, under
 * headings of the given level. */
void tkp_report_by_size(tkp_doc *d, const tkp_results *r, int level);
/* How to reproduce a sweep: the command (when known), plan.prof, versions. */
void tkp_report_reproduce(tkp_doc *d, const tkp_results *r, const char *command, int heading_level);

#endif
