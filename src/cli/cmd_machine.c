/*
 * cmd_machine.c - `tkprofile machine`: describe and probe this machine.
 *
 * Writes machine.json, ceilings.csv and hierarchy.csv into a results
 * directory and prints a summary read back from those files (so a summary
 * of a reused probe is the same as of a fresh one).  The probing and its
 * cache are machine_into.c's, which the sweep calls too.
 *
 * A probe takes 5-30 s, so a recent one of the same host is reused: it is
 * cached in $XDG_CACHE_HOME/tkprofile/<host>/ (default ~/.cache/...) and
 * used again when it is less than 24 hours old and was made by the same
 * tkprofile build (version, compiler, flags) on the same CPU model with the
 * same vector path and thread counts, and is not a quick probe standing in
 * for a full one.  --reprobe measures again.  machine.json is always
 * written fresh (date, counter status); its "probe" object says whether the
 * measurements were reused and when they were made.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "profile.h"
#include "csv.h"
#include "fsutil.h"
#include "machine.h"
#include "probe.h"
#include "util.h"

const char cmd_machine_usage[] =
	"usage: tkprofile machine [--out DIR] [--quick] [--reprobe] [--threads LIST] [--quiet]\n"
	"\n"
	"Describes this machine (CPU, ISA, cores, caches as reported by hwloc/sysfs/\n"
	"cpuid, OS, compiler, counters) and measures it: peak GFLOP/s per dtype, ISA\n"
	"path and thread count; read and triad bandwidth and pointer-chase latency for\n"
	"working sets from 4 KiB to beyond the last cache; cache sizes from the knees\n"
	"of the latency curve.  Writes DIR/machine.json, DIR/ceilings.csv and\n"
	"DIR/hierarchy.csv and prints a summary.\n"
	"\n"
	"  -o, --out DIR         results directory (default results/<host>-machine-<date>):\n"
	"                        new or empty, or a sweep's results directory that has\n"
	"                        no probe yet (its roofline and staircase then draw)\n"
	"      --quick           the short probe (about 7 s instead of about 30 s)\n"
	"      --reprobe         measure again even if this host was probed recently\n"
	"  -t, --threads LIST    thread counts, e.g. 1,2 or 1:ncpu:x2, as for sweep\n"
	"                        (default 1, 2, 4, ... and all cores); threads are\n"
	"                        pinned one per core\n"
	"  -q, --quiet           no progress notes\n"
	"  -h, --help            this help\n"
	"\n"
	"ceilings.csv rows: peak (GFLOP/s per dtype, ISA path, threads); per memory\n"
	"level L1, L2, L3, DRAM its read bandwidth (GB/s per thread count), latency\n"
	"(ns) and size (bytes; source measured, or reported by the system).\n"
	"hierarchy.csv: latency, read and triad for each working set.\n"
	"\n"
	"A probe of this host less than 24 hours old, by the same tkprofile build, is\n"
	"reused from $XDG_CACHE_HOME/tkprofile/<host>/ (default ~/.cache/tkprofile/...);\n"
	"a note says so.  Exit status: 0 ok, 1 runtime failure, 2 bad input,\n"
	"130 interrupted.\n";

static const char *const result_files[] = {"sweep.csv", "plan.prof", "summary.txt", "machine.json",
					    "ceilings.csv", "hierarchy.csv", NULL};

/* ---- the summary ------------------------------------------------------------------------ */

static int print_summary(const char *cmd, const char *dir)
{
	static const char *const cols[] = {"ceiling", "dtype", "isa", "threads", "value", "unit", "source", NULL};
	static const char *const levels[] = {"L1", "L2", "L3", "L4", "DRAM"};
	static const char *const isas[] = {"scalar", "avx2", "avx512"};
	char path[PATH_MAX], err[512], a[32], b[32];
	tkp_machine m;
	tkp_csv *t = NULL, *h = NULL;
	int i, k, d, rc, differ = 0;
	char low[400];
	size_t r;

	tkp_path_join(path, sizeof path, dir, "machine.json");
	if ((rc = tkp_machine_read_json(path, &m, err, sizeof err)) != 0)
		return tkp_cli_fail(cmd, "%s", err);
	tkp_path_join(path, sizeof path, dir, "ceilings.csv");
	if (tkp_csv_read(path, &t, err, sizeof err) != 0 || tkp_csv_require(t, cols, err, sizeof err) != 0) {
		tkp_csv_free(t);
		return tkp_cli_fail(cmd, "%s", err);
	}

	printf("%s: %s (%s), %d core%s x %d thread%s, ", m.host, m.cpu_model[0] ? m.cpu_model : "unknown CPU",
	       m.vendor[0] ? m.vendor : "unknown vendor", m.cores, m.cores == 1 ? "" : "s", m.threads_per_core,
	       m.threads_per_core == 1 ? "" : "s");
	tkp_cli_human_bytes(a, sizeof a, (double)m.memory_bytes);
	printf("%s memory, SIMD path %s\n", a, m.isa_path);
	printf("  os        %s\n", m.os);
	printf("  compiler  %s %s\n", m.compiler, m.cflags);
	printf("  counters  %s%s%s%s\n", m.counters_available ? "available" : "unavailable: ", m.counters_available ? "" : m.counters_status,
	       m.papi_version[0] ? "; PAPI " : "", m.papi_version);
	printf("  probe     %s, %.1f s, %s %s\n", m.probe_quick ? "quick" : "full", m.probe_seconds,
	       m.probe_reused ? "reused from" : "measured", m.probe_date[0] ? m.probe_date : m.date);
	printf("\n");

	/* memory levels */
	printf("%-6s %11s %11s %10s", "level", "measured", "reported", "latency");
	for (k = 0; k < m.probe_nthreads; k++) {
		char hdr[32];
		tkp_fmt(hdr, sizeof hdr, "read %dT", m.probe_threads[k]);
		printf(" %10s", hdr);
	}
	printf("\n");
	for (i = 0; i < (int)(sizeof levels / sizeof *levels); i++) {
		double meas = tkp_cli_ceiling(t, levels[i], "", "", 0, "bytes", "measured");
		double rep = tkp_cli_ceiling(t, levels[i], "", "", 0, "bytes", "reported");
		double lat = tkp_cli_ceiling(t, levels[i], "", "", 1, "ns", "measured");
		double bw[TKP_PROBE_MAX_THREADS];
		int any = isfinite(meas) || isfinite(rep) || isfinite(lat);
		for (k = 0; k < m.probe_nthreads; k++) {
			bw[k] = NAN;
			for (d = 2; d >= 0 && !isfinite(bw[k]); d--)
				bw[k] = tkp_cli_ceiling(t, levels[i], "f64", isas[d], m.probe_threads[k], "GB/s", "measured");
			any |= isfinite(bw[k]);
		}
		if (!any)
			continue;
		tkp_cli_human_bytes(a, sizeof a, meas);
		tkp_cli_human_bytes(b, sizeof b, rep);
		printf("%-6s %11s %11s", levels[i], a, b);
		if (isfinite(lat))
			printf(" %7.1f ns", lat);
		else
			printf(" %10s", "-");
		for (k = 0; k < m.probe_nthreads; k++) {
			if (isfinite(bw[k]))
				printf(" %5.0f GB/s", bw[k]);
			else
				printf(" %10s", "-");
		}
		if (isfinite(meas) && isfinite(rep) && (rep / meas > 2 || meas / rep > 2)) {
			printf("  (measured and reported differ %.0fx)", rep > meas ? rep / meas : meas / rep);
			differ = 1;
		}
		printf("\n");
	}

	/* triad at the largest working set */
	tkp_path_join(path, sizeof path, dir, "hierarchy.csv");
	if (tkp_csv_read(path, &h, err, sizeof err) == 0) {
		int ct = tkp_csv_col(h, "test"), cth = tkp_csv_col(h, "threads"), cb = tkp_csv_col(h, "bytes"),
		    cv = tkp_csv_col(h, "value");
		if (ct >= 0 && cth >= 0 && cb >= 0 && cv >= 0) {
			printf("%-6s %11s %11s %10s", "triad", "", "", "");
			for (k = 0; k < m.probe_nthreads; k++) {
				double best_b = -1, val = NAN, bb, vv;
				for (r = 0; r < h->nrows; r++) {
					if (strcmp(h->rows[r][ct], "triad") || atoi(h->rows[r][cth]) != m.probe_threads[k])
						continue;
					if (tkp_csv_num(h, r, cb, &bb) == 0 && tkp_csv_num(h, r, cv, &vv) == 0 && bb > best_b) {
						best_b = bb;
						val = vv;
					}
				}
				if (isfinite(val))
					printf(" %5.0f GB/s", val);
				else
					printf(" %10s", "-");
			}
			printf("  (largest working set)\n");
		}
		tkp_csv_free(h);
	}
	if (differ)
		printf("(a measured size is where load latency rises; it can sit far from the reported\n"
		       " size on a VM that reports a made-up cache, where other tenants share the L3,\n"
		       " or where the TLB's reach ends first)\n");

	/* peaks */
	printf("\n%-14s", "peak GFLOP/s");
	for (k = 0; k < m.probe_nthreads; k++) {
		char hdr[32];
		tkp_fmt(hdr, sizeof hdr, "%d thread%s", m.probe_threads[k], m.probe_threads[k] == 1 ? "" : "s");
		printf(" %10s", hdr);
	}
	printf("\n");
	for (d = 0; d < 2; d++)
		for (i = 0; i < 3; i++) {
			char label[32];
			int any = 0;
			for (k = 0; k < m.probe_nthreads; k++)
				any |= isfinite(tkp_cli_ceiling(t, "peak", d ? "f64" : "f32", isas[i], m.probe_threads[k], "GFLOP/s", "measured"));
			if (!any)
				continue;
			tkp_fmt(label, sizeof label, "%s %s", d ? "f64" : "f32", isas[i]);
			printf("%-14s", label);
			for (k = 0; k < m.probe_nthreads; k++) {
				double v = tkp_cli_ceiling(t, "peak", d ? "f64" : "f32", isas[i], m.probe_threads[k], "GFLOP/s", "measured");
				if (isfinite(v))
					printf(" %10.1f", v);
				else
					printf(" %10s", "-");
			}
			printf("\n");
		}
	/* a probe reused from the cache was warned about only when it ran:
	 * say it again wherever it is shown */
	if (tkp_cli_low_scaling(t, m.probe_threads, m.probe_nthreads, low, sizeof low))
		printf("(low scaling: %s:\n other work held a CPU while the probe ran; `tkprofile machine "
		       "--reprobe`\n on a quiet machine measures again)\n",
		       low);
	tkp_csv_free(t);
	printf("\nwrote %s/machine.json, ceilings.csv, hierarchy.csv\n", dir);
	return TKP_EXIT_OK;
}

/* ---- the command ------------------------------------------------------------------------ */

int cmd_machine(int argc, char **argv)
{
	static const struct option opts[] = {
		{"out", required_argument, NULL, 'o'},
		{"quick", no_argument, NULL, 'Q'},
		{"reprobe", no_argument, NULL, 'R'},
		{"threads", required_argument, NULL, 't'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *threads_arg = NULL;
	char outbuf[PATH_MAX], outbuf2[PATH_MAX];
	int quick = 0, reprobe = 0, quiet = 0, c, rc, existed, into_sweep = 0;
	int threads[TKP_PROBE_MAX_THREADS], nthreads = 0;

	if (tkp_cli_wants_help(argc, argv)) {
		tkp_cli_print_usage("machine");
		return TKP_EXIT_OK;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:t:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'Q': quick = 1; break;
		case 'R': reprobe = 1; break;
		case 't': threads_arg = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': tkp_cli_print_usage("machine"); return TKP_EXIT_OK;
		default: return tkp_cli_bad_option("machine", c, argv, optind, opts);
		}
	}
	if (optind < argc)
		return tkp_cli_usage("machine", "unexpected argument '%s'", argv[optind]);
	if (threads_arg) {
		/* Validated against the CPUs this process may use, before
		 * anything is measured or created. */
		tkp_machine m;
		tkp_machine_describe(&m, NULL);
		char err[256];
		if (tkp_cli_parse_threads(threads_arg, m.ncpus_allowed, threads, &nthreads, err, sizeof err))
			return tkp_cli_usage("machine", "--threads '%s': %s (this process may use %d "
							"CPUs)",
					     threads_arg, err, m.ncpus_allowed);
	}
	if (!out) {
		char stamp[32];
		time_t now = time(NULL);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
		tkp_fmt(outbuf, sizeof outbuf, "results/%s-machine-%s", tkp_hostname(), stamp);
		out = outbuf;
	}
	/* A sweep's results directory without a probe (a profile with probe =
	 * none, or a probe that failed) takes one: that is how its roofline
	 * and staircase get drawn later.  Anywhere else, a new or empty
	 * directory. */
	into_sweep = !tkp_path_join(outbuf2, sizeof outbuf2, out, "sweep.csv") && tkp_path_exists(outbuf2);
	if ((rc = tkp_cli_check_out("machine", out, into_sweep ? tkp_cli_probe_files : result_files, NULL,
				    into_sweep)))
		return rc;
	existed = tkp_path_exists(out);
	tkp_cli_catch_signals();
	if ((rc = tkp_cli_machine_into("machine", out, quick, reprobe, quiet, threads, nthreads)) != TKP_EXIT_OK) {
		if (!existed)
			rmdir(out); /* only if still empty: leave no trace of a failed probe */
		return rc;
	}
	if (into_sweep && !quiet)
		tkp_cli_note("tkprofile: machine: added to the sweep in %s; `tkprofile plot %s` and "
			     "`tkprofile report %s` draw its roofline and staircase",
			     out, out, out);
	return print_summary("machine", out);
}
