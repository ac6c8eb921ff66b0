/*
 * charts.c - the chart registry (charts.h): one row per chart, in the
 * order `plot` draws them and the report shows them.  Adding a chart: its
 * chart_<name>.c (the prepare function, and the overlay when compare
 * should draw it), plots/<name>.gp (plots/compare_<name>.gp), a row here,
 * and the files' lines in mk/present.mk.
 */
#include "config.h"

#include <stddef.h>

#include "charts.h"

const tkp_chart_def tkp_charts[] = {
	{"roofline", tkp_chart_roofline, "Roofline",
	 "Attainable GFLOP/s against arithmetic intensity, one panel per dtype, under this machine's "
	 "compute peaks (horizontal; 1T: a 1-thread peak) and memory bandwidths (diagonal).  Each "
	 "kernel at its largest size is marked at its intensity across each level it has counts "
	 "for (square L2: L1 misses; triangle L3: L2 misses; disc DRAM: L3 misses; an arrow at the "
	 "right edge: no miss at that level) and at the model's compulsory intensity (ring), joined "
	 "at its GFLOP/s: the roof its leftmost mark meets is its bound.  Kernels without counts "
	 "have only the ring; each panel's title says where the counts came from.",
	 NULL, "compare_roofline", tkp_chart_roofline_cmp, 2, "Rooflines",
	 "Every machine's compute peak and L1/L2/DRAM bandwidths in its colour, one panel per dtype, "
	 "with its kernels (named) at their largest size marked per memory level as on each "
	 "machine's roofline."},
	{"perf", tkp_chart_perf, "Performance against size",
	 "GFLOP/s against matrix size for every kernel (best over block sizes and thread counts), "
	 "with the compute peak dashed; each bar spans the median run time ± its median absolute "
	 "deviation.",
	 NULL, "compare_perf", tkp_chart_perf_cmp, 3, "GFLOP/s per kernel",
	 "GFLOP/s against matrix size per kernel, one line per machine, at the sizes every machine "
	 "ran."},
	{"speedup", tkp_chart_speedup, "Speed-up over naive",
	 "How many times faster each kernel is than the naive triple loop at the same size and "
	 "dtype.",
	 NULL, "compare_speedup", tkp_chart_speedup_cmp, 4, "Speed-up over naive",
	 "Speed-up of each kernel over the naive kernel on each machine, at the largest size all "
	 "ran both at."},
	{"blocksize", tkp_chart_blocksize, "Block size",
	 "GFLOP/s against tile edge for the kernels that take a block size; marks show where three "
	 "b×b tiles fill L1 and L2.",
	 NULL, NULL, NULL, 0, NULL, NULL},
	{"threads", tkp_chart_threads, "Thread scaling",
	 "Speed-up over one thread and parallel efficiency as threads are added, at the largest "
	 "size run with several thread counts.",
	 NULL, NULL, NULL, 0, NULL, NULL},
	{"hierarchy", tkp_chart_hierarchy, "Memory hierarchy",
	 "Load latency (top) and bandwidth (bottom) against working-set size: each step is a cache "
	 "level; measured cache sizes solid, reported ones dotted; dashed series: several threads.",
	 NULL, "compare_hierarchy", tkp_chart_hierarchy_cmp, 1, "Memory hierarchies",
	 "Load latency (top) and bandwidth (bottom) against working set, one colour per machine: "
	 "where each machine's steps fall are its cache sizes (ticks: measured)."},
	{"cache", tkp_chart_cache, "Cache behaviour",
	 "Cache misses per 1000 FLOP against matrix size for L1, L2 and L3 at every size with "
	 "hardware or simulated counts; a count of zero is a marker on the panel's floor.  Arrows "
	 "at the top: the size where a kernel's working set outgrows that cache (measured size, "
	 "else reported): naive n·line in L1 (its column walk of B) and n²·sizeof in L2 and L3 "
	 "(all of B per row of C); simd n²·sizeof; blocked and threaded 3·b²·sizeof in L1 (three "
	 "tiles) and 2·n·b·sizeof in L2 and L3 (the panels of A and C); others 3·n²·sizeof.",
	 tkp_chart_cache_notice, NULL, NULL, 0, NULL, NULL},
};
const size_t tkp_ncharts = sizeof tkp_charts / sizeof tkp_charts[0];

const tkp_chart_def *tkp_chart_overlay_at(int rank)
{
	for (size_t i = 0; i < tkp_ncharts; i++)
		if (tkp_charts[i].overlay && tkp_charts[i].overlay_rank == rank)
			return &tkp_charts[i];
	return NULL;
}
