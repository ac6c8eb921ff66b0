/*
 * cmd_plot.c - `tkprofile plot DIR`: draw a results directory's charts.
 *
 * Reads sweep.csv, ceilings.csv, hierarchy.csv and machine.json, each
 * validated in full first (a malformed or truncated file is bad input:
 * file:line and exit 2, before anything is drawn), digests them into a small
 * data file and a variables file per chart, and runs gnuplot on
 * plots/common.gp + plots/<chart>.gp once per output format.  The digest is
 * done here, in C, so that the scripts only draw: series are grouped
 * (kernel × dtype; best GFLOP/s over block sizes and thread counts), speed-ups
 * and misses per 1000 FLOP are computed, ceilings chosen and their end points
 * placed, and a chart without data gets a message saying what to run.
 *
 * Paths never reach gnuplot's parser: gnuplot runs (fork/exec, no shell) with
 * its working directory set to a private temporary directory inside
 * DIR/plots/, where every file it reads or writes has a fixed plain name; the
 * script paths travel through argv.  So results directories whose names hold
 * spaces, quotes, `;`, `$(...)`, backticks or newlines all work.  Text that
 * comes from the data (kernel names, CPU model, host) is written into gnuplot
 * single-quoted strings, where only '' is special (no backquote or macro
 * expansion happens inside them); control characters become spaces.  Images
 * are renamed into DIR/plots/ only when gnuplot succeeded and wrote a
 * non-empty file, so a failed or interrupted run leaves the previous chart.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "csv.h"
#include "fsutil.h"
#include "util.h"

const char cmd_plot_usage[] =
	"usage: tkprofile plot DIR [--format LIST] [--quiet]\n"
	"\n"
	"(Re)draws the charts of a results directory from its files (sweep.csv,\n"
	"ceilings.csv, hierarchy.csv, machine.json) into DIR/plots/; kernels are\n"
	"never re-run, so results measured elsewhere can be plotted here.\n"
	"\n"
	"charts (one file per chart and format):\n"
	"  roofline   GFLOP/s vs arithmetic intensity, compute and bandwidth ceilings\n"
	"  perf       GFLOP/s vs matrix size per kernel, with the peak\n"
	"  speedup    speed-up over the naive kernel vs size\n"
	"  blocksize  GFLOP/s vs block size, L1/L2 fits marked\n"
	"  threads    speed-up and parallel efficiency vs threads\n"
	"  hierarchy  latency and bandwidth vs working set, cache sizes marked\n"
	"  cache      cache misses per 1000 FLOP vs size (needs counters)\n"
	"A chart the data cannot fill says what to run to fill it.\n"
	"\n"
	"options:\n"
	"  --format LIST  comma-separated: png (1280x800), pdf, svg (default png,pdf)\n"
	"  -q, --quiet    no progress notes\n"
	"\n"
	"Needs gnuplot (Debian: apt-get install gnuplot-nox); without it the command\n"
	"says so and exits 0, leaving the CSV as it is.  Each gnuplot run is stopped\n"
	"after TKP_PLOT_TIMEOUT seconds (default 60).\n"
	"Exit codes: 0 ok, 1 a chart failed, 2 bad usage or malformed input files.\n";

/* ---- the digested results --------------------------------------------- */

#define MAXNAMES 32

enum { FMT_PNG = 1, FMT_PDF = 2, FMT_SVG = 4 };

typedef struct srow {
	int kern, dt, src; /* indices into the name tables; src -1: not counted */
	double size;       /* n when m = n = k, else (m·n·k)^(1/3) */
	int block, threads;
	double gflops, flops, ai_model, ai_dram; /* ai_dram NAN when not counted */
	double miss[3];                          /* l1_dcm, l2_dcm, l3_tcm or NAN */
} srow;

typedef struct crow {
	int peak;      /* 1: compute (GFLOP/s), 0: memory level (GB/s) */
	int level;     /* memory: 0 L1, 1 L2, 2 L3, 3 DRAM */
	const char *dtype, *isa;
	int threads, measured;
	double value;
} crow;

typedef struct hrow {
	const char *test;
	int latency; /* 1: ns per access, 0: GB/s */
	int threads;
	double bytes, value;
} hrow;

typedef struct pctx {
	const char *cmd;
	int quiet;
	char dir[PATH_MAX], plots[PATH_MAX], tmp[PATH_MAX];
	char scripts[PATH_MAX];
	tkp_csv *sweep, *ceil, *hier;
	srow *rows;
	size_t nrows;
	int nonsquare;
	const char *kname[MAXNAMES], *dtname[MAXNAMES], *srcname[MAXNAMES];
	int nk, ndt, nsrc;
	int kstyle[MAXNAMES]; /* colour and marker of each kernel: its ladder rank */
	crow *ceils;
	size_t nceil;
	hrow *hrows;
	size_t nh;
	/* machine.json */
	int have_json;
	char machine[512], when[128], status[512], resname[256];
	int counters_known, counters_avail, cores;
	double cache_rep[3], cache_meas[3]; /* L1d, L2, L3 bytes; NAN unknown */
	size_t unverified;
} pctx;

static const char *const chart_names[] = {"roofline", "perf",	 "speedup", "blocksize",
					  "threads",  "hierarchy", "cache"};
#define NCHARTS (sizeof chart_names / sizeof chart_names[0])

/* Kernels in ladder order get stable colours and markers on every chart. */
static const char *const ladder[] = {"naive", "simd", "blocked", "threaded", "blas", "tuned"};
static const char *const palette[] = {"#5a5a5a", "#0072b2", "#009e73", "#d55e00", "#cc79a7",
				      "#e69f00", "#56b4e9", "#8c564b", "#17becf", "#7f3c8d"};
#define NPALETTE (sizeof palette / sizeof palette[0])
static const int filled_pt[] = {7, 5, 9, 11, 13, 15};
#define NPT (sizeof filled_pt / sizeof filled_pt[0])

/* ---- small helpers ---------------------------------------------------- */

static int dt_bytes(const char *dt)
{
	if (!strcmp(dt, "f64") || !strcmp(dt, "double"))
		return 8;
	if (!strcmp(dt, "f32") || !strcmp(dt, "float"))
		return 4;
	return 0;
}

static int name_index(const char **tab, int *n, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(tab[i], s))
			return i;
	if (*n == MAXNAMES)
		return -1;
	tab[*n] = s;
	return (*n)++;
}

static int ladder_rank(const char *k)
{
	for (size_t i = 0; i < sizeof ladder / sizeof ladder[0]; i++)
		if (!strcmp(ladder[i], k))
			return (int)i;
	return 100;
}

/* Writes s as a gnuplot single-quoted string: '' for a quote, control
 * characters as spaces, at most max bytes (cut at a UTF-8 boundary). */
static void gp_str(FILE *fp, const char *s, size_t max)
{
	size_t n = 0;

	fputc('\'', fp);
	for (; s && *s && n < max; s++, n++) {
		unsigned char ch = (unsigned char)*s;
		if (n + 1 == max && (ch & 0xC0) == 0x80)
			break;
		if (ch == '\'')
			fputs("''", fp);
		else if (ch < 0x20 || ch == 0x7f)
			fputc(' ', fp);
		else
			fputc(ch, fp);
	}
	fputc('\'', fp);
}

static void gp_set_str(FILE *fp, const char *var, const char *s)
{
	fprintf(fp, "%s = ", var);
	gp_str(fp, s, 400);
	fputc('\n', fp);
}

static void gp_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.10g", v);
	else
		fputs("NaN", fp);
}

static void gp_set_num(FILE *fp, const char *var, double v)
{
	fprintf(fp, "%s = ", var);
	gp_num(fp, v);
	fputc('\n', fp);
}

/* One line of a message: "message = 'text'" or "message = message . "\n" . 'text'". */
static void gp_message_line(FILE *fp, int *line, const char *s, size_t len)
{
	char part[512];

	if (len >= sizeof part)
		len = sizeof part - 1;
	memcpy(part, s, len);
	part[len] = '\0';
	fputs((*line)++ ? "message = message . \"\\n\" . " : "message = ", fp);
	gp_str(fp, part, sizeof part);
	fputc('\n', fp);
}

/* A message chart: the script draws `message` instead of data.  Lines
 * longer than fit on the chart are wrapped at spaces (UTF-8 aware), the
 * continuation indented like the line plus two. */
static void gp_message(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gp_message(FILE *fp, const char *fmt, ...)
{
	enum { WIDTH = 84 };
	char buf[2048], cont[WIDTH + 600];
	va_list ap;
	const char *p, *nl;
	int line = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (p = buf;; p = nl + 1) {
		size_t len, indent = 0, hang;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		while (indent < len && p[indent] == ' ')
			indent++;
		hang = indent + 2 < 40 ? indent + 2 : 40;
		for (;;) {
			size_t chars = 0, cut = 0, i;
			for (i = 0; i < len; i++) {
				if (((unsigned char)p[i] & 0xC0) != 0x80)
					chars++;
				if (chars > WIDTH)
					break;
				if (p[i] == ' ' && i > indent)
					cut = i;
			}
			if (i >= len || !cut) {
				gp_message_line(fp, &line, p, len);
				break;
			}
			gp_message_line(fp, &line, p, cut);
			/* the rest, indented, in a buffer of its own (p may point into
			 * it already: the rest starts after the indent, so memmove) */
			{
				size_t rest = len - cut - 1;
				if (rest > sizeof cont - hang - 1)
					rest = sizeof cont - hang - 1;
				memmove(cont + hang, p + cut + 1, rest);
				memset(cont, ' ', hang);
				p = cont;
				len = hang + rest;
				indent = hang;
			}
		}
		if (!nl)
			break;
	}
}

/* Bytes as "32 KiB", "1 MiB", "508 MiB" (at most 3 significant digits). */
static void fmt_bytes(char *buf, size_t size, double b)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	if (b == floor(b) || b >= 100)
		tkp_fmt(buf, size, "%.0f %s", b, unit[u]);
	else
		tkp_fmt(buf, size, "%.3g %s", b, unit[u]);
}

/* 3 significant digits, no exponent for the ranges we plot. */
static void fmt_val(char *buf, size_t size, double v)
{
	if (v >= 100)
		tkp_fmt(buf, size, "%.0f", v);
	else
		tkp_fmt(buf, size, "%.3g", v);
}

/* Log-axis range ends: the nearest 1, 2 or 5 × 10^k below / above v. */
static double dec_floor(double v)
{
	double d = pow(10, floor(log10(v) + 1e-9));

	return v >= 5 * d ? 5 * d : v >= 2 * d ? 2 * d : d;
}

static double dec_ceil(double v)
{
	double d = pow(10, floor(log10(v) + 1e-9));

	return v <= d * (1 + 1e-9) ? d : v <= 2 * d ? 2 * d : v <= 5 * d ? 5 * d : 10 * d;
}

/* ---- points: best value per x ----------------------------------------- */

typedef struct pt {
	double x, y;
	size_t row;
} pt;

static int pt_cmp(const void *a, const void *b)
{
	const pt *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y > q->y ? -1 : 1;
	return 0;
}

/* Sorts by x and keeps the highest y per x; returns the new count. */
static size_t pt_best(pt *p, size_t n)
{
	size_t w = 0;

	qsort(p, n, sizeof *p, pt_cmp);
	for (size_t i = 0; i < n; i++)
		if (w == 0 || p[i].x != p[w - 1].x)
			p[w++] = p[i];
	return w;
}

/* Best GFLOP/s per size of kernel k, dtype dt (any block, any threads);
 * threads > 0 restricts to that thread count, counted to counted rows. */
static size_t best_by_size(const pctx *c, int k, int dt, int counted, pt *out)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		const srow *r = &c->rows[i];
		if (r->kern != k || r->dt != dt || (counted && r->src < 0))
			continue;
		out[n].x = r->size;
		out[n].y = r->gflops;
		out[n].row = i;
		n++;
	}
	return pt_best(out, n);
}

/* ---- series: what a chart's legend lists ------------------------------ */

typedef struct series {
	char name[200];
	const char *color;
	int pt, dt;
} series;

static void series_style(const pctx *c, series *s, int k, int dt)
{
	int f32 = dt_bytes(c->dtname[dt]) == 4, st = c->kstyle[k];

	s->color = palette[st % NPALETTE];
	s->pt = filled_pt[st % NPT] - (f32 ? 1 : 0);
	s->dt = f32 ? 2 : dt == 0 ? 1 : 1 + dt % 4;
}

static void write_series(FILE *fp, const series *s, int n)
{
	int m = n > 0 ? n : 1;

	fprintf(fp, "ns = %d\narray sname[%d]\narray scolor[%d]\narray spt[%d]\narray sdt[%d]\n", n,
		m, m, m, m);
	for (int i = 0; i < n; i++) {
		fprintf(fp, "sname[%d] = ", i + 1);
		gp_str(fp, s[i].name, 120);
		fprintf(fp, "; scolor[%d] = '%s'; spt[%d] = %d; sdt[%d] = %d\n", i + 1, s[i].color,
			i + 1, s[i].pt, i + 1, s[i].dt);
	}
}

/* An array of numbers and one of strings, both of length n (at least 1). */
static void write_num_array(FILE *fp, const char *name, const double *v, int n)
{
	fprintf(fp, "array %s[%d]\n", name, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		fprintf(fp, "%s[%d] = ", name, i + 1);
		gp_num(fp, v[i]);
		fputc('\n', fp);
	}
}

static void write_str_array(FILE *fp, const char *name, char (*v)[200], int n)
{
	fprintf(fp, "array %s[%d]\n", name, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		fprintf(fp, "%s[%d] = ", name, i + 1);
		gp_str(fp, v[i], 190);
		fputc('\n', fp);
	}
}

static void end_block(FILE *dat)
{
	fputs("\n\n", dat);
}

/* Tics on a log2 axis: the given values when there are few, else powers of
 * two (sizes) inside [lo, hi]. */
static void write_size_tics(FILE *fp, const char *name, const double *vals, int n, double lo,
			    double hi, int bytes)
{
	double tv[64];
	char tl[64][200];
	int m = 0;

	if (n > 0 && n <= 10) {
		for (int i = 0; i < n && m < 64; i++)
			tv[m++] = vals[i];
	} else {
		int step = log2(hi / lo) > 14 ? 2 : 1;
		for (double e = ceil(log2(lo)); e <= floor(log2(hi)) && m < 64; e += step)
			tv[m++] = pow(2, e);
	}
	for (int i = 0; i < m; i++) {
		if (bytes)
			fmt_bytes(tl[i], sizeof tl[i], tv[i]);
		else
			fmt_val(tl[i], sizeof tl[i], tv[i]);
	}
	fprintf(fp, "%sv_n = %d\n", name, m);
	{
		char nm[64];
		tkp_fmt(nm, sizeof nm, "%sv", name);
		write_num_array(fp, nm, tv, m);
		tkp_fmt(nm, sizeof nm, "%sl", name);
		write_str_array(fp, nm, tl, m);
	}
}

/* Distinct sizes of a set of rows, ascending. */
static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int distinct(double *v, int n)
{
	int w = 0;

	qsort(v, (size_t)n, sizeof *v, dbl_cmp);
	for (int i = 0; i < n; i++)
		if (w == 0 || v[i] != v[w - 1])
			v[w++] = v[i];
	return w;
}

static const char *size_label(const pctx *c)
{
	return c->nonsquare ? "matrix size (m·n·k)^(1/3), log scale"
			    : "matrix size n (m = n = k), log scale";
}

static int max_threads(const pctx *c)
{
	int t = 1;

	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].threads > t)
			t = c->rows[i].threads;
	return t;
}

/* The thread count of the ceilings to draw: the largest in ceilings.csv not
 * above want, else the smallest there is. */
static int ceil_threads(const pctx *c, int want)
{
	int best = 0, least = 0;

	for (size_t i = 0; i < c->nceil; i++) {
		int t = c->ceils[i].threads;
		if (t <= want && t > best)
			best = t;
		if (!least || t < least)
			least = t;
	}
	return best ? best : least;
}

/* A reported ceiling is drawn only when no measured one stands beside it. */
static int ceil_usable(const pctx *c, const crow *r)
{
	if (r->measured)
		return 1;
	for (size_t i = 0; i < c->nceil; i++) {
		const crow *q = &c->ceils[i];
		if (q->measured && q->peak == r->peak && q->level == r->level &&
		    q->threads == r->threads && !strcmp(q->dtype, r->dtype) && !strcmp(q->isa, r->isa))
			return 0;
	}
	return 1;
}

/* The highest compute ceiling of dtype at threads t, or NULL. */
static const crow *best_peak(const pctx *c, const char *dtype, int t)
{
	const crow *best = NULL;

	for (size_t i = 0; i < c->nceil; i++) {
		const crow *r = &c->ceils[i];
		if (r->peak && r->threads == t && !strcmp(r->dtype, dtype) && ceil_usable(c, r) &&
		    (!best || r->value > best->value))
			best = r;
	}
	return best;
}

static const char *level_name[] = {"L1", "L2", "L3", "DRAM"};

/* Bandwidth of memory level lv at threads t (highest of its rows), or NAN. */
static double level_bw(const pctx *c, int lv, int t)
{
	double v = NAN;

	for (size_t i = 0; i < c->nceil; i++) {
		const crow *r = &c->ceils[i];
		if (!r->peak && r->level == lv && r->threads == t && ceil_usable(c, r) &&
		    (isnan(v) || r->value > v))
			v = r->value;
	}
	return v;
}

static int dtype_in_sweep(const pctx *c, const char *dtype)
{
	for (int i = 0; i < c->ndt; i++)
		if (!strcmp(c->dtname[i], dtype))
			return 1;
	return 0;
}

/* Kernel indices in ladder order. */
static void kernel_order(const pctx *c, int *order)
{
	for (int i = 0; i < c->nk; i++)
		order[i] = i;
	for (int i = 1; i < c->nk; i++) /* insertion sort: stable, tiny */
		for (int j = i; j > 0 && ladder_rank(c->kname[order[j]]) <
					     ladder_rank(c->kname[order[j - 1]]);
		     j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

/* Threads list to suggest in messages: 1,2,4,... up to the cores. */
static void thread_list(const pctx *c, char *buf, size_t size)
{
	int cores = c->cores > 0 ? c->cores : 4;
	size_t n = 0;

	buf[0] = '\0';
	for (int t = 1; t <= cores && n + 12 < size; t *= 2)
		n += (size_t)snprintf(buf + n, size - n, "%s%d", n ? "," : "", t);
	if (cores > 1 && (cores & (cores - 1)) && n + 12 < size)
		snprintf(buf + n, size - n, ",%d", cores);
}

/* ---- the charts ------------------------------------------------------- */

/* The message of a chart that needs sweep.csv rows and has none. */
static void msg_no_rows(const pctx *c, FILE *v)
{
	if (!c->sweep)
		gp_message(v, "No sweep.csv in this results directory: nothing measured yet.\n"
			      "To fill this chart run:\n  tkprofile sweep --profile quick");
	else if (!c->sweep->nrows)
		gp_message(v, "sweep.csv has no rows yet: the sweep stopped before its first\n"
			      "configuration finished.  To continue it run:\n"
			      "  tkprofile sweep --out <this results directory> --resume");
	else
		gp_message(v, "sweep.csv has no rows to draw: %zu failed verification, the others\n"
			      "have no GFLOP/s (not run).  Check the kernels with:\n"
			      "  tkprofile run --kernel NAME --size 256",
			   c->unverified);
}

static int chart_perf(pctx *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, tmax = max_threads(c), tc = ceil_threads(c, tmax);
	series s[MAXNAMES * MAXNAMES];
	pt *p = malloc((c->nrows + 1) * sizeof *p);
	double *sizes = malloc((c->nrows + 1) * sizeof *sizes);
	double ymin = INFINITY, ymax = 0, pk[MAXNAMES];
	char pklab[MAXNAMES][200];
	int npk = 0, nsz = 0;

	if (!p || !sizes)
		goto nomem;
	if (!c->nrows) {
		msg_no_rows(c, v);
		goto done;
	}
	kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki];
			size_t n = best_by_size(c, k, dt, 0, p);
			if (!n)
				continue;
			series_style(c, &s[ns], k, dt);
			tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s", c->kname[k], c->dtname[dt]);
			ns++;
			for (size_t i = 0; i < n; i++) {
				fprintf(d, "%.10g %.10g\n", p[i].x, p[i].y);
				ymin = fmin(ymin, p[i].y);
				ymax = fmax(ymax, p[i].y);
				sizes[nsz++] = p[i].x;
			}
			end_block(d);
		}
	for (int dt = 0; dt < c->ndt; dt++) {
		const crow *r = best_peak(c, c->dtname[dt], tc);
		char val[32];
		if (!r)
			continue;
		pk[npk] = r->value;
		fmt_val(val, sizeof val, r->value);
		tkp_fmt(pklab[npk], sizeof pklab[npk], "%s peak (%s, %d thread%s): %s GFLOP/s", r->dtype,
			r->isa, r->threads, r->threads == 1 ? "" : "s", val);
		ymax = fmax(ymax, r->value);
		npk++;
	}
	write_series(v, s, ns);
	write_num_array(v, "pkval", pk, npk);
	write_str_array(v, "pklab", pklab, npk);
	fprintf(v, "npk = %d\n", npk);
	gp_set_num(v, "ymin", dec_floor(ymin / 1.3));
	gp_set_num(v, "ymax", dec_ceil(ymax * 1.8));
	nsz = distinct(sizes, nsz);
	gp_set_num(v, "xmin", sizes[0] / 1.25);
	gp_set_num(v, "xmax", sizes[nsz - 1] * 1.25);
	write_size_tics(v, "xt", sizes, nsz, sizes[0], sizes[nsz - 1], 0);
	gp_set_str(v, "xlab", size_label(c));
	gp_set_str(v, "note", npk ? "best GFLOP/s per kernel and size over block sizes and thread counts"
				  : "best GFLOP/s per kernel and size (no ceilings.csv: peak not drawn)");
done:
	free(p);
	free(sizes);
	return 0;
nomem:
	free(p);
	free(sizes);
	return TKP_ENOMEM;
}

static int chart_speedup(pctx *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, naive = -1, nsz = 0;
	series s[MAXNAMES * MAXNAMES];
	pt *p = malloc((c->nrows + 1) * sizeof *p), *q = malloc((c->nrows + 1) * sizeof *q);
	double *sizes = malloc((c->nrows + 1) * sizeof *sizes);
	double ymin = 1, ymax = 1;

	if (!p || !q || !sizes) {
		free(p);
		free(q);
		free(sizes);
		return TKP_ENOMEM;
	}
	for (int k = 0; k < c->nk; k++)
		if (!strcmp(c->kname[k], "naive"))
			naive = k;
	if (!c->nrows) {
		msg_no_rows(c, v);
		goto done;
	}
	kernel_order(c, order);
	for (int ki = 0; naive >= 0 && ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki];
			size_t n, nn, w = 0, j = 0;
			if (k == naive)
				continue;
			n = best_by_size(c, k, dt, 0, p);
			nn = best_by_size(c, naive, dt, 0, q);
			for (size_t i = 0; i < n; i++) {
				while (j < nn && q[j].x < p[i].x)
					j++;
				if (j < nn && q[j].x == p[i].x && q[j].y > 0) {
					p[w] = p[i];
					p[w++].y = p[i].y / q[j].y;
				}
			}
			if (!w)
				continue;
			series_style(c, &s[ns], k, dt);
			{
				char sz[32], x[32];
				fmt_val(sz, sizeof sz, p[w - 1].x);
				fmt_val(x, sizeof x, p[w - 1].y);
				tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s: ×%s at n=%s", c->kname[k],
					c->dtname[dt], x, sz);
			}
			ns++;
			for (size_t i = 0; i < w; i++) {
				fprintf(d, "%.10g %.10g\n", p[i].x, p[i].y);
				ymin = fmin(ymin, p[i].y);
				ymax = fmax(ymax, p[i].y);
				sizes[nsz++] = p[i].x;
			}
			end_block(d);
		}
	if (naive < 0) {
		gp_message(v, "No naive rows in sweep.csv: speed-ups are measured against the naive\n"
			      "kernel at the same size and dtype.  To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels naive,simd,blocked,threaded,blas --sizes 128,256,512");
		goto done;
	}
	if (!ns) {
		gp_message(v, "No other kernel ran at a size and dtype the naive kernel ran at.\n"
			      "To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels naive,simd,blocked,threaded,blas --sizes 128,256,512");
		goto done;
	}
	write_series(v, s, ns);
	gp_set_num(v, "ymin", dec_floor(ymin / 1.3));
	gp_set_num(v, "ymax", dec_ceil(ymax * 1.5));
	nsz = distinct(sizes, nsz);
	gp_set_num(v, "xmin", sizes[0] / 1.25);
	gp_set_num(v, "xmax", sizes[nsz - 1] * 1.25);
	write_size_tics(v, "xt", sizes, nsz, sizes[0], sizes[nsz - 1], 0);
	gp_set_str(v, "xlab", size_label(c));
done:
	free(p);
	free(q);
	free(sizes);
	return 0;
}

static int chart_blocksize(pctx *c, FILE *v, FILE *d)
{
	enum { MAXS = 48, PER = 4 };
	int order[MAXNAMES], ns = 0, nb = 0, nmk = 0, multi_t = 0, sthr[MAXS];
	series s[MAXS];
	double *blocks = malloc((c->nrows + 16) * sizeof *blocks);
	double *sz = malloc((c->nrows + 1) * sizeof *sz);
	pt *p = malloc((c->nrows + 1) * sizeof *p);
	double ymax = 0, mk[2 * MAXNAMES], mkrow[2 * MAXNAMES], sizecolor[PER * 4];
	char note[300] = "";
	int nrow = 0;
	char mklab[2 * MAXNAMES][200];
	int nsizecolor = 0;
	static const char *const size_palette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
						   "#e69f00", "#56b4e9", "#8c564b", "#5a5a5a"};

	if (!blocks || !sz || !p) {
		free(blocks);
		free(sz);
		free(p);
		return TKP_ENOMEM;
	}
	kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki], nsz = 0;
			double tl[64];
			int nt = 0;
			for (size_t i = 0; i < c->nrows; i++) {
				const srow *r = &c->rows[i];
				if (r->kern == k && r->dt == dt && r->block > 0) {
					sz[nsz++] = r->size;
					if (nt < 64)
						tl[nt++] = r->threads;
				}
			}
			nsz = distinct(sz, nsz);
			nt = distinct(tl, nt);
			for (int ti = 0; ti < nt; ti++) {
				int kept = 0;
				for (int si = nsz - 1; si >= 0 && kept < PER && ns < MAXS; si--) {
					size_t n = 0;
					for (size_t i = 0; i < c->nrows; i++) {
						const srow *r = &c->rows[i];
						if (r->kern == k && r->dt == dt && r->block > 0 &&
						    r->size == sz[si] && r->threads == (int)tl[ti]) {
							p[n].x = r->block;
							p[n].y = r->gflops;
							p[n++].row = i;
						}
					}
					n = pt_best(p, n);
					if (n < 2)
						continue;
					kept++;
					{
						int ci = 0;
						char szs[32];
						while (ci < nsizecolor && sizecolor[ci] != sz[si])
							ci++;
						if (ci == nsizecolor && nsizecolor < PER * 4)
							sizecolor[nsizecolor++] = sz[si];
						series_style(c, &s[ns], k, dt);
						s[ns].color = size_palette[ci % 8];
						fmt_val(szs, sizeof szs, sz[si]);
						tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s, n=%s",
							c->kname[k], c->dtname[dt], szs);
						sthr[ns] = (int)tl[ti];
						if (ns && sthr[ns] != sthr[0])
							multi_t = 1;
					}
					ns++;
					for (size_t i = 0; i < n; i++) {
						fprintf(d, "%.10g %.10g\n", p[i].x, p[i].y);
						blocks[nb++] = p[i].x;
						ymax = fmax(ymax, p[i].y);
					}
					end_block(d);
				}
			}
		}
	for (int i = 0; multi_t && i < ns; i++) { /* name the threads only when they differ */
		size_t n = strlen(s[i].name);
		snprintf(s[i].name + n, sizeof s[i].name - n, ", %d thread%s", sthr[i],
			 sthr[i] == 1 ? "" : "s");
	}
	if (!ns) {
		gp_message(v, "This sweep did not vary the block size: every blocked kernel ran\n"
			      "with one block size per matrix size.  To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels blocked --sizes 512,1024 "
			      "--blocks 16,24,32,48,64,96,128,192,256");
		goto done;
	}
	/* 3·b²·sizeof = L1, L2: the largest tile edge whose three tiles fit. */
	for (int dt = 0; dt < c->ndt; dt++) {
		int bytes = dt_bytes(c->dtname[dt]), used = 0;
		for (int i = 0; i < ns; i++)
			if (s[i].dt == (bytes == 4 ? 2 : 1))
				used = 1;
		if (!bytes || !used)
			continue;
		nrow++;
		for (int lv = 0; lv < 2; lv++) {
			double L = isfinite(c->cache_meas[lv]) ? c->cache_meas[lv] : c->cache_rep[lv];
			if (!isfinite(L) || L <= 0)
				continue;
			mk[nmk] = sqrt(L / (3.0 * bytes));
			mkrow[nmk] = nrow;
			tkp_fmt(mklab[nmk], sizeof mklab[nmk], "%s %s: b≈%.0f", lv ? "L2" : "L1",
				c->dtname[dt], mk[nmk]);
			blocks[nb++] = mk[nmk];
			nmk++;
		}
	}
	for (int lv = 0; lv < 2; lv++) {
		double L = isfinite(c->cache_meas[lv]) ? c->cache_meas[lv] : c->cache_rep[lv];
		char cs[32];
		size_t n = strlen(note);
		if (!isfinite(L) || L <= 0)
			continue;
		fmt_bytes(cs, sizeof cs, L);
		snprintf(note + n, sizeof note - n, "%s%s %s%s", n ? ", " : "", lv ? "L2" : "L1", cs,
			 isfinite(c->cache_meas[lv]) ? " measured" : " reported");
	}
	write_series(v, s, ns);
	write_num_array(v, "mkval", mk, nmk);
	write_num_array(v, "mkrow", mkrow, nmk);
	write_str_array(v, "mklab", mklab, nmk);
	fprintf(v, "nmk = %d\n", nmk);
	{
		double lo, hi;
		int n = distinct(blocks, nb);
		lo = blocks[0];
		hi = blocks[n - 1];
		gp_set_num(v, "xmin", lo / 1.3);
		gp_set_num(v, "xmax", hi * 1.3);
		/* tics at the block sizes measured, not at the marks */
		nb = 0;
		for (size_t i = 0; i < c->nrows; i++)
			if (c->rows[i].block > 0)
				blocks[nb++] = c->rows[i].block;
		n = distinct(blocks, nb);
		write_size_tics(v, "xt", blocks, n, lo, hi, 0);
	}
	gp_set_num(v, "ymax", ymax * 1.15);
	if (note[0]) {
		char tmp[400];
		tkp_fmt(tmp, sizeof tmp, "colour: matrix size; solid f64, dashed f32; marks: 3 b×b tiles "
					 "fill the cache (%s)", note);
		gp_set_str(v, "note", tmp);
	} else {
		gp_set_str(v, "note", "colour: matrix size; solid f64, dashed f32 (no cache sizes in "
				      "machine.json: cache fits not marked)");
	}
done:
	free(blocks);
	free(sz);
	free(p);
	return 0;
}

static int chart_threads(pctx *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, tmaxall = 1, tmin_all = 1 << 30;
	series s[MAXNAMES * MAXNAMES];
	pt *p = malloc((c->nrows + 1) * sizeof *p);
	double *sz = malloc((c->nrows + 1) * sizeof *sz), ymax = 1;
	char tl[64];

	if (!p || !sz) {
		free(p);
		free(sz);
		return TKP_ENOMEM;
	}
	kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki], nsz = 0;
			size_t n = 0;
			for (size_t i = 0; i < c->nrows; i++)
				if (c->rows[i].kern == k && c->rows[i].dt == dt)
					sz[nsz++] = c->rows[i].size;
			nsz = distinct(sz, nsz);
			/* the largest size that was run with several thread counts */
			for (int si = nsz - 1; si >= 0; si--) {
				n = 0;
				for (size_t i = 0; i < c->nrows; i++) {
					const srow *r = &c->rows[i];
					if (r->kern == k && r->dt == dt && r->size == sz[si]) {
						p[n].x = r->threads > 0 ? r->threads : 1;
						p[n].y = r->gflops;
						p[n++].row = i;
					}
				}
				n = pt_best(p, n);
				if (n >= 2) {
					char szs[32];
					series_style(c, &s[ns], k, dt);
					fmt_val(szs, sizeof szs, sz[si]);
					tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s, n=%s", c->kname[k],
						c->dtname[dt], szs);
					ns++;
					break;
				}
				n = 0;
			}
			if (!n)
				continue;
			for (size_t i = 0; i < n; i++) {
				double sp = p[i].y / p[0].y;
				fprintf(d, "%.10g %.10g %.10g\n", p[i].x, sp, 100.0 * sp * p[0].x / p[i].x);
				ymax = fmax(ymax, fmax(sp, p[i].x / p[0].x));
				if ((int)p[i].x > tmaxall)
					tmaxall = (int)p[i].x;
			}
			if ((int)p[0].x < tmin_all)
				tmin_all = (int)p[0].x;
			end_block(d);
		}
	if (!ns) {
		thread_list(c, tl, sizeof tl);
		gp_message(v, "This sweep ran every kernel with one thread count.\n"
			      "To fill this chart run for example:\n"
			      "  tkprofile sweep --kernels threaded,blas --sizes 1024 --threads %s",
			   tl);
		goto done;
	}
	write_series(v, s, ns);
	fprintf(v, "cores = %d\ntmax = %d\ntmin = %d\n", c->cores, tmaxall, tmin_all);
	gp_set_num(v, "ymax", ceil(ymax * 1.15 + 0.2));
	gp_set_str(v, "splab",
		   tmin_all == 1 ? "speed-up over 1 thread" : "speed-up over the fewest threads measured");
done:
	free(p);
	free(sz);
	return 0;
}

static int chart_hierarchy(pctx *c, FILE *v, FILE *d)
{
	enum { MAXS = 32 };
	series s[MAXS];
	int ns = 0, panel[MAXS], nmk = 0, nb = 0;
	const char *tests[MAXS];
	int thr[MAXS];
	double lo = INFINITY, hi = 0, mk[8], mkstyle[8], *b;
	char mklab[8][200], off[400] = "";
	static const char *const cache_name[] = {"L1d", "L2", "L3"};

	if (!c->nh) {
		gp_message(v, "No hierarchy.csv in this results directory: the memory-hierarchy\n"
			      "probe has not run here.  To fill this chart run:\n"
			      "  tkprofile machine --out <this results directory>\n"
			      "  tkprofile plot <this results directory>");
		return 0;
	}
	if (!(b = malloc((c->nh + 1) * sizeof *b)))
		return TKP_ENOMEM;
	memset(s, 0, sizeof s);
	/* series: latency tests first, then bandwidth; one per test × threads */
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < c->nh; i++) {
			const hrow *h = &c->hrows[i];
			int j;
			if (h->latency != pass)
				continue;
			for (j = 0; j < ns; j++)
				if (!strcmp(tests[j], h->test) && thr[j] == h->threads)
					break;
			if (j < ns || ns == MAXS)
				continue;
			tests[ns] = h->test;
			thr[ns] = h->threads;
			panel[ns] = pass ? 1 : 2;
			ns++;
		}
	for (int j = 0; j < ns; j++) {
		size_t n = 0;
		int tcount = 0, tpos = 0;
		pt *p = malloc((c->nh + 1) * sizeof *p);
		if (!p) {
			free(b);
			return TKP_ENOMEM;
		}
		for (int q = 0; q < ns; q++)
			if (!strcmp(tests[q], tests[j])) {
				if (q < j)
					tpos++;
				tcount++;
			}
		for (size_t i = 0; i < c->nh; i++) {
			const hrow *h = &c->hrows[i];
			if (!strcmp(h->test, tests[j]) && h->threads == thr[j]) {
				p[n].x = h->bytes;
				p[n].y = h->value;
				p[n++].row = i;
			}
		}
		/* one value per working set (the best: noise only slows things down,
		 * except latency, where the lowest is the best) */
		if (panel[j] == 1)
			for (size_t i = 0; i < n; i++)
				p[i].y = -p[i].y;
		n = pt_best(p, n);
		for (size_t i = 0; i < n; i++) {
			double y = panel[j] == 1 ? -p[i].y : p[i].y;
			fprintf(d, "%.10g %.10g\n", p[i].x, y);
			lo = fmin(lo, p[i].x);
			hi = fmax(hi, p[i].x);
			b[nb++] = p[i].x;
		}
		end_block(d);
		free(p);
		s[j].pt = 7;
		s[j].dt = 1 + tpos % 5;
		s[j].color = !strcmp(tests[j], "latency") ? "#d55e00"
			     : !strcmp(tests[j], "read")  ? "#0072b2"
			     : !strcmp(tests[j], "triad") ? "#009e73"
							  : palette[(5 + j) % NPALETTE];
		if (tcount > 1 || thr[j] > 1)
			tkp_fmt(s[j].name, sizeof s[j].name, "%s, %d thread%s", tests[j], thr[j],
				thr[j] == 1 ? "" : "s");
		else
			tkp_fmt(s[j].name, sizeof s[j].name, "%s", tests[j]);
	}
	free(b);
	write_series(v, s, ns);
	fprintf(v, "array spanel[%d]\n", ns);
	for (int j = 0; j < ns; j++)
		fprintf(v, "spanel[%d] = %d\n", j + 1, panel[j]);
	/* cache sizes: measured (solid) and reported (dashed) */
	for (int lv = 0; lv < 3; lv++) {
		double m = c->cache_meas[lv], r = c->cache_rep[lv];
		char ms[32], rs[32];
		int same = isfinite(m) && isfinite(r) && fabs(m - r) <= 0.03 * r;
		if (isfinite(m))
			fmt_bytes(ms, sizeof ms, m);
		if (isfinite(r))
			fmt_bytes(rs, sizeof rs, r);
		if (isfinite(m) && m >= lo && m <= hi) {
			mk[nmk] = m;
			mkstyle[nmk] = 1;
			tkp_fmt(mklab[nmk++], 200, "%s %s", cache_name[lv], ms);
		}
		if (isfinite(r) && !same) {
			if (r >= lo && r <= hi) {
				mk[nmk] = r;
				mkstyle[nmk] = 2;
				tkp_fmt(mklab[nmk++], 200, "%s %s", cache_name[lv], rs);
			} else {
				size_t n = strlen(off);
				snprintf(off + n, sizeof off - n, "%s%s %s", n ? ", " : "",
					 cache_name[lv], rs);
			}
		}
	}
	if (!c->have_json) {
		gp_set_str(v, "note", "no machine.json: cache sizes not marked");
	} else {
		char tmp[600];
		int nrep = 0;
		for (int i = 0; i < nmk; i++)
			nrep += mkstyle[i] == 2;
		tkp_fmt(tmp, sizeof tmp, "cache sizes: solid as measured (latency knees)%s%s%s%s",
			nrep ? "; dashed as reported by the system" : "", off[0] ? " (reported, off scale: " : "",
			off, off[0] ? ")" : "");
		gp_set_str(v, "note", tmp);
	}
	write_num_array(v, "mkval", mk, nmk);
	write_num_array(v, "mkdt", mkstyle, nmk);
	write_str_array(v, "mklab", mklab, nmk);
	fprintf(v, "nmk = %d\n", nmk);
	gp_set_num(v, "xmin", lo / 1.15);
	gp_set_num(v, "xmax", hi * 1.15);
	{
		/* tics at powers of 4 (of 2 for a narrow range) */
		double tv[64];
		int m = 0, step = log2(hi / lo) > 10 ? 2 : 1;
		for (double e = ceil(log2(lo)); e <= floor(log2(hi)) && m < 64; e++)
			if (((long)e % step) == 0)
				tv[m++] = pow(2, e);
		write_size_tics(v, "xt", tv, m, lo, hi, 1);
	}
	return 0;
}

static int chart_cache(pctx *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, have[3] = {0, 0, 0}, nsz = 0, multi_src = c->nsrc > 1;
	series s[MAXNAMES * MAXNAMES];
	pt *p = malloc((c->nrows + 1) * sizeof *p);
	double *sizes = malloc((c->nrows + 1) * sizeof *sizes);
	double ymin[3] = {INFINITY, INFINITY, INFINITY}, ymax[3] = {0, 0, 0};
	char srcs[200] = "";

	if (!p || !sizes) {
		free(p);
		free(sizes);
		return TKP_ENOMEM;
	}
	kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++)
			for (int sr = 0; sr < c->nsrc; sr++) {
				int k = order[ki];
				size_t n = 0;
				if (ns == (int)(sizeof s / sizeof s[0]))
					break;
				for (size_t i = 0; i < c->nrows; i++) {
					const srow *r = &c->rows[i];
					if (r->kern == k && r->dt == dt && r->src == sr && r->flops > 0 &&
					    (isfinite(r->miss[0]) || isfinite(r->miss[1]) ||
					     isfinite(r->miss[2]))) {
						p[n].x = r->size;
						p[n].y = r->gflops;
						p[n++].row = i;
					}
				}
				n = pt_best(p, n);
				if (!n)
					continue;
				series_style(c, &s[ns], k, dt);
				if (multi_src)
					tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s (%s)", c->kname[k],
						c->dtname[dt], c->srcname[sr]);
				else
					tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s", c->kname[k],
						c->dtname[dt]);
				ns++;
				for (size_t i = 0; i < n; i++) {
					const srow *r = &c->rows[p[i].row];
					fprintf(d, "%.10g", r->size);
					for (int lv = 0; lv < 3; lv++) {
						double y = r->miss[lv] / (r->flops / 1000.0);
						if (isfinite(y) && y > 0) {
							fprintf(d, " %.10g", y);
							have[lv] = 1;
							ymin[lv] = fmin(ymin[lv], y);
							ymax[lv] = fmax(ymax[lv], y);
						} else {
							fputs(" NaN", d);
						}
					}
					fputc('\n', d);
					sizes[nsz++] = r->size;
				}
				end_block(d);
			}
	for (int sr = 0; sr < c->nsrc; sr++) {
		size_t n = strlen(srcs);
		snprintf(srcs + n, sizeof srcs - n, "%s%s", n ? ", " : "",
			 !strcmp(c->srcname[sr], "papi")  ? "PAPI hardware counters"
			 : !strcmp(c->srcname[sr], "sim") ? "simulated (valgrind cache model)"
							  : c->srcname[sr]);
	}
	if (!ns) {
		char st[600];
		if (!c->nrows) {
			msg_no_rows(c, v);
			goto done;
		}
		if (c->status[0])
			tkp_fmt(st, sizeof st, "Counter status (machine.json): %s", c->status);
		else
			tkp_fmt(st, sizeof st, "(no counter status recorded in machine.json)");
		if (c->counters_known && c->counters_avail) {
			gp_message(v,
				   "No cache-miss counts: this sweep ran without counters (every row of\n"
				   "sweep.csv has counter_source=none), although this machine has them.\n"
				   "%s\n"
				   " \n"
				   "To fill this chart run:\n"
				   "  tkprofile sweep --counters papi\n"
				   "  (tkprofile counters says which metrics this machine can count)",
				   st);
			goto done;
		}
		gp_message(v,
			   "No cache-miss counts: this machine exposes no hardware counters to\n"
			   "tkprofile (every row of sweep.csv has counter_source=none).\n"
			   "%s\n"
			   " \n"
			   "To get them:\n"
			   "  tkprofile counters    says what this machine can count, and why not\n"
			   "  on bare metal or a VM with a virtual PMU: build with PAPI\n"
			   "    (apt-get install libpapi-dev; ./configure --with-papi),\n"
			   "    allow counting (sysctl kernel.perf_event_paranoid=1),\n"
			   "    then run tkprofile sweep --counters papi\n"
			   "  without a PMU: simulated counts, tkprofile sweep --counters sim (valgrind)",
			   st);
		goto done;
	}
	write_series(v, s, ns);
	fprintf(v, "array have[3] = [%d, %d, %d]\n", have[0], have[1], have[2]);
	for (int lv = 0; lv < 3; lv++) {
		if (!have[lv])
			ymin[lv] = 0.1, ymax[lv] = 10;
		ymin[lv] = dec_floor(ymin[lv] / 1.5);
		ymax[lv] = dec_ceil(ymax[lv] * 1.5);
	}
	write_num_array(v, "ylo", ymin, 3);
	write_num_array(v, "yhi", ymax, 3);
	nsz = distinct(sizes, nsz);
	gp_set_num(v, "xmin", sizes[0] / 1.25);
	gp_set_num(v, "xmax", sizes[nsz - 1] * 1.25);
	write_size_tics(v, "xt", sizes, nsz, sizes[0], sizes[nsz - 1], 0);
	gp_set_str(v, "xlab", c->nonsquare ? "matrix size (m·n·k)^(1/3)" : "matrix size n (m = n = k)");
	gp_set_str(v, "srcs", srcs);
done:
	free(p);
	free(sizes);
	return 0;
}

/* Compute ceilings merged when within 4% of each other (one line, one
 * label naming all of them). */
typedef struct roof {
	double value;
	char label[200];
	const char *dt[8], *isa[8];
	int n;
} roof;

/* "f64/f32 scalar", "f64 avx512, f32 avx2": dtypes grouped by ISA. */
static void roof_label(roof *r)
{
	size_t n = 0;
	int done[8] = {0};

	r->label[0] = '\0';
	for (int i = 0; i < r->n; i++) {
		if (done[i])
			continue;
		n += (size_t)snprintf(r->label + n, sizeof r->label - n, "%s%s", n ? ", " : "", r->dt[i]);
		for (int j = i + 1; j < r->n && n < sizeof r->label; j++)
			if (!done[j] && !strcmp(r->isa[j], r->isa[i])) {
				n += (size_t)snprintf(r->label + n, sizeof r->label - n, "/%s", r->dt[j]);
				done[j] = 1;
			}
		if (n < sizeof r->label)
			n += (size_t)snprintf(r->label + n, sizeof r->label - n, " %s", r->isa[i]);
		if (n >= sizeof r->label)
			break;
	}
}

static int roof_cmp(const void *a, const void *b)
{
	const roof *p = a, *q = b;

	return p->value < q->value ? 1 : p->value > q->value ? -1 : 0;
}

static int chart_roofline(pctx *c, FILE *v, FILE *d)
{
	int order[MAXNAMES], ns = 0, npk = 0, nbw = 0, tmax = max_threads(c);
	int tc = ceil_threads(c, c->nrows ? tmax : 1 << 30), ncounted = 0, npts = 0;
	series s[MAXNAMES * MAXNAMES];
	roof pk[64];
	double bw[4], xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0, bwtop = 0, pkmax = 0;
	double pkmin = INFINITY;
	pt *p = malloc((c->nrows + 1) * sizeof *p);

	if (!p)
		return TKP_ENOMEM;
	if (!c->nrows && !c->nceil) {
		msg_no_rows(c, v);
		free(p);
		return 0;
	}
	/* compute ceilings at tc threads, for the dtypes measured */
	for (size_t i = 0; i < c->nceil && npk < 64; i++) {
		const crow *r = &c->ceils[i];
		int j;
		if (!r->peak || r->threads != tc || !ceil_usable(c, r) ||
		    (c->nrows && !dtype_in_sweep(c, r->dtype)))
			continue;
		for (j = 0; j < npk; j++)
			if (fabs(pk[j].value - r->value) <= 0.04 * pk[j].value)
				break;
		if (j == npk) {
			pk[npk].value = r->value;
			pk[npk].n = 0;
			npk++;
		}
		if (pk[j].n < 8) {
			pk[j].dt[pk[j].n] = r->dtype;
			pk[j].isa[pk[j].n++] = r->isa;
		}
	}
	qsort(pk, (size_t)npk, sizeof *pk, roof_cmp);
	for (int j = 0; j < npk; j++) {
		char val[32], tmp[200];
		roof_label(&pk[j]);
		fmt_val(val, sizeof val, pk[j].value);
		tkp_fmt(tmp, sizeof tmp, "%s GFLOP/s  %s", val, pk[j].label);
		memcpy(pk[j].label, tmp, sizeof tmp);
		pkmax = fmax(pkmax, pk[j].value);
		pkmin = fmin(pkmin, pk[j].value);
	}
	for (int lv = 0; lv < 4; lv++) {
		bw[lv] = level_bw(c, lv, tc);
		if (isfinite(bw[lv])) {
			nbw++;
			bwtop = fmax(bwtop, bw[lv]);
		}
	}
	/* points */
	kernel_order(c, order);
	for (int ki = 0; ki < c->nk; ki++)
		for (int dt = 0; dt < c->ndt; dt++) {
			int k = order[ki];
			size_t n = best_by_size(c, k, dt, 0, p);
			if (!n)
				continue;
			series_style(c, &s[ns], k, dt);
			tkp_fmt(s[ns].name, sizeof s[ns].name, "%s %s", c->kname[k], c->dtname[dt]);
			ns++;
			for (size_t i = 0; i < n; i++) {
				const srow *r = &c->rows[p[i].row];
				int counted = isfinite(r->ai_dram) && r->ai_dram > 0;
				double x = counted ? r->ai_dram : r->ai_model;
				if (!(x > 0) || !(r->gflops > 0))
					continue;
				fprintf(d, "%.10g %.10g %d\n", x, r->gflops, counted);
				ncounted += counted;
				npts++;
				xmin = fmin(xmin, x);
				xmax = fmax(xmax, x);
				ymin = fmin(ymin, r->gflops);
				ymax = fmax(ymax, r->gflops);
			}
			end_block(d);
		}
	/* ranges: the points and the ridge points */
	for (int lv = 0; lv < 4; lv++)
		if (isfinite(bw[lv]) && npk) {
			xmin = fmin(xmin, pkmin / bw[lv]);
			xmax = fmax(xmax, pkmax / bw[lv]);
		}
	if (!npts && !(xmax > 0)) { /* ceilings without points or ridges */
		xmin = 0.1;
		xmax = 100;
	}
	if (npk) {
		ymin = fmin(ymin, pkmin);
		ymax = fmax(ymax, pkmax);
	}
	if (!npts && nbw && !npk)
		ymin = fmin(ymin, bwtop * xmin), ymax = fmax(ymax, bwtop * xmax);
	/* at least two decades each way, so that a log axis has labelled tics */
	if (xmax / xmin < 100) {
		double mid = sqrt(xmin * xmax);
		xmin = mid / 10;
		xmax = mid * 10;
	}
	if (ymax / ymin < 100) {
		double mid = sqrt(ymin * ymax);
		ymin = fmin(ymin, mid / 10);
		ymax = fmax(ymax, mid * 10);
	}
	xmin = dec_floor(xmin / 1.5);
	xmax = dec_ceil(xmax * 1.5);
	ymin = dec_floor(ymin / 1.5);
	ymax = dec_ceil(ymax * 2.5);
	/* ceiling segments: compute lines from where they meet the top memory
	 * line; memory lines up to the top compute line */
	{
		double sx1[64], sy1[64], sx2[64], sy2[64], lx[64], ly[64], sk[64], side[64];
		char lab[64][200];
		int nseg = 0;
		for (int j = 0; j < npk && nseg < 60; j++) {
			sx1[nseg] = bwtop > 0 ? fmax(xmin, pk[j].value / bwtop) : xmin;
			sy1[nseg] = sy2[nseg] = pk[j].value;
			sx2[nseg] = xmax;
			lx[nseg] = xmax / 1.1;
			ly[nseg] = pk[j].value * 1.22;
			sk[nseg] = 1;
			side[nseg] = 1;
			memcpy(lab[nseg], pk[j].label, sizeof lab[nseg]);
			nseg++;
		}
		double prev_bw = 0, shift = 1;
		int order_lv[4] = {0, 1, 2, 3};
		/* labels in order of bandwidth; one close to the previous line's
		 * slides further along its own line, so the two do not overlap */
		for (int i = 1; i < 4; i++)
			for (int j = i; j > 0; j--) {
				double a = bw[order_lv[j]], b = bw[order_lv[j - 1]];
				if (isfinite(a) && (!isfinite(b) || a > b)) {
					int t = order_lv[j];
					order_lv[j] = order_lv[j - 1];
					order_lv[j - 1] = t;
				}
			}
		for (int oi = 0; oi < 4; oi++) {
			int lv = order_lv[oi];
			double top = npk ? pkmax : ymax, x1, x2;
			char val[32];
			if (!isfinite(bw[lv]))
				continue;
			shift = prev_bw > 0 && prev_bw / bw[lv] < 1.6 ? shift * 3.5 : 1;
			prev_bw = bw[lv];
			x1 = fmax(xmin, ymin / bw[lv]);
			x2 = fmin(xmax, top / bw[lv]);
			if (x2 <= x1)
				continue;
			sx1[nseg] = x1;
			sy1[nseg] = bw[lv] * x1;
			sx2[nseg] = x2;
			sy2[nseg] = bw[lv] * x2;
			/* label a little right of the start, just above the line */
			lx[nseg] = fmin(x1 * 1.3 * shift, x2 / 3);
			ly[nseg] = bw[lv] * lx[nseg];
			side[nseg] = shift > 1 ? -1 : 1; /* close to the line above: label below */
			sk[nseg] = 2;
			fmt_val(val, sizeof val, bw[lv]);
			tkp_fmt(lab[nseg], sizeof lab[nseg], "%s %s GB/s", level_name[lv], val);
			nseg++;
		}
		fprintf(v, "nseg = %d\nnroof = %d\n", nseg, npk);
		write_num_array(v, "segx1", sx1, nseg);
		write_num_array(v, "segy1", sy1, nseg);
		write_num_array(v, "segx2", sx2, nseg);
		write_num_array(v, "segy2", sy2, nseg);
		write_num_array(v, "segkind", sk, nseg);
		write_num_array(v, "labx", lx, nseg);
		write_num_array(v, "laby", ly, nseg);
		write_num_array(v, "labside", side, nseg);
		write_str_array(v, "lab", lab, nseg);
	}
	write_series(v, s, ns);
	/* points whose intensity was counted are ringed (column 3) */
	fprintf(v, "ringed = %d\n", ncounted > 0 && ncounted < npts);
	gp_set_num(v, "xmin", xmin);
	gp_set_num(v, "xmax", xmax);
	gp_set_num(v, "ymin", ymin);
	gp_set_num(v, "ymax", ymax);
	if (!npts)
		gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale");
	else if (ncounted == npts)
		gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale: counted, "
				      "fp_ops / (L3 misses × 64 B)");
	else if (ncounted)
		gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale: ringed points counted "
				      "(fp_ops / (L3 misses × 64 B)), others model");
	else
		gp_set_str(v, "xlab", "arithmetic intensity (FLOP/byte), log scale: model, compulsory "
				      "traffic (m·k + k·n + 2·m·n)·sizeof");
	{
		char note[300];
		if (!c->nceil)
			tkp_fmt(note, sizeof note, "no ceilings.csv: run tkprofile machine --out <this "
						   "results directory> to draw the roofs");
		else if (!npk && !nbw)
			tkp_fmt(note, sizeof note, "ceilings.csv holds no usable ceilings");
		else if (!c->nrows)
			tkp_fmt(note, sizeof note, "ceilings with %d thread%s; no sweep.csv: no kernel points",
				tc, tc == 1 ? "" : "s");
		else
			tkp_fmt(note, sizeof note, "ceilings measured with %d thread%s; points: best "
						   "GFLOP/s per kernel and size",
				tc, tc == 1 ? "" : "s");
		gp_set_str(v, "note", note);
	}
	free(p);
	return 0;
}

typedef int (*chart_fn)(pctx *, FILE *, FILE *);
static const chart_fn chart_fns[NCHARTS] = {chart_roofline, chart_perf,	   chart_speedup,
					    chart_blocksize, chart_threads, chart_hierarchy,
					    chart_cache};

/* ---- reading and validating the inputs -------------------------------- */

/* Reads DIR/name; -1 when absent, 0 when read, TKP_EXIT_USAGE (printed)
 * when malformed. */
static int load_csv(pctx *c, const char *name, const char *const *cols, tkp_csv **out)
{
	char path[PATH_MAX], err[PATH_MAX + 256];
	struct stat st;

	*out = NULL;
	if (tkp_path_join(path, sizeof path, c->dir, name))
		return tkp_cli_usage(c->cmd, "%s: path too long", c->dir);
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return -1;
		return tkp_cli_usage(c->cmd, "%s: %s", path, strerror(errno));
	}
	if (tkp_csv_read(path, out, err, sizeof err))
		return tkp_cli_usage(c->cmd, "%s", err);
	if (tkp_csv_require(*out, cols, err, sizeof err))
		return tkp_cli_usage(c->cmd, "%s", err);
	return 0;
}

/* A numeric cell: 0 ok (or empty when allowed: *out NAN), else prints
 * file:line and returns TKP_EXIT_USAGE. */
static int cell(pctx *c, const tkp_csv *t, size_t r, const char *col, int empty_ok, double lo,
		double *out)
{
	int ci = tkp_csv_col(t, col), rc = tkp_csv_num(t, r, ci, out);

	if (rc == 1) {
		*out = NAN;
		if (empty_ok)
			return 0;
		return tkp_cli_usage(c->cmd, "%s:%zu: column '%s' is empty; expected a number",
				     t->path, t->lineno[r], col);
	}
	if (rc || *out < lo)
		return tkp_cli_usage(c->cmd, "%s:%zu: column '%s': '%s' is not a %snumber", t->path,
				     t->lineno[r], col, t->rows[r][ci],
				     lo > 0 ? "positive " : lo == 0 ? "non-negative " : "");
	return 0;
}

static int unverified(const char *s)
{
	return !strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "fail") ||
	       !strcmp(s, "failed") || !strcmp(s, "FAIL");
}

static int parse_sweep(pctx *c)
{
	static const char *const cols[] = {"kernel", "dtype",	"m",	  "n",	     "k",
					   "block",  "threads", "gflops", "l1_dcm", "l2_dcm",
					   "l3_tcm", "flops_model", "ai_model", "ai_dram",
					   "counter_source", "verified", NULL};
	static const char *const miss[] = {"l1_dcm", "l2_dcm", "l3_tcm"};
	const tkp_csv *t;
	int ck, cd, cs, cv, rc = load_csv(c, "sweep.csv", cols, &c->sweep);

	if (rc)
		return rc;
	t = c->sweep;
	ck = tkp_csv_col(t, "kernel");
	cd = tkp_csv_col(t, "dtype");
	cs = tkp_csv_col(t, "counter_source");
	cv = tkp_csv_col(t, "verified");
	if (!(c->rows = calloc(t->nrows + 1, sizeof *c->rows)))
		return tkp_cli_fail(c->cmd, "out of memory");
	for (size_t r = 0; r < t->nrows; r++) {
		srow *w = &c->rows[c->nrows];
		double m, n, k, blk, thr;
		const char *src = t->rows[r][cs];
		if (!t->rows[r][ck][0] || !t->rows[r][cd][0])
			return tkp_cli_usage(c->cmd, "%s:%zu: empty kernel or dtype", t->path,
					     t->lineno[r]);
		if ((rc = cell(c, t, r, "m", 0, 1, &m)) || (rc = cell(c, t, r, "n", 0, 1, &n)) ||
		    (rc = cell(c, t, r, "k", 0, 1, &k)) || (rc = cell(c, t, r, "block", 1, 0, &blk)) ||
		    (rc = cell(c, t, r, "threads", 1, 0, &thr)) ||
		    (rc = cell(c, t, r, "gflops", 1, 0, &w->gflops)) ||
		    (rc = cell(c, t, r, "flops_model", 1, 0, &w->flops)) ||
		    (rc = cell(c, t, r, "ai_model", 1, 0, &w->ai_model)) ||
		    (rc = cell(c, t, r, "ai_dram", 1, 0, &w->ai_dram)))
			return rc;
		for (int lv = 0; lv < 3; lv++)
			if ((rc = cell(c, t, r, miss[lv], 1, 0, &w->miss[lv])))
				return rc;
		if (blk > 1e9 || thr > 1e6)
			return tkp_cli_usage(c->cmd, "%s:%zu: block or threads out of range", t->path,
					     t->lineno[r]);
		if (unverified(t->rows[r][cv])) {
			c->unverified++;
			continue;
		}
		if (!isfinite(w->gflops) || w->gflops <= 0)
			continue; /* not run (skipped or failed): nothing to draw */
		if (!isfinite(w->flops))
			w->flops = 2.0 * m * n * k;
		if (!isfinite(w->ai_model)) {
			int sz = dt_bytes(t->rows[r][cd]);
			w->ai_model = sz ? 2.0 * m * n * k / ((m * k + k * n + 2 * m * n) * sz) : NAN;
		}
		w->kern = name_index(c->kname, &c->nk, t->rows[r][ck]);
		w->dt = name_index(c->dtname, &c->ndt, t->rows[r][cd]);
		w->src = !src[0] || !strcmp(src, "none") ? -1 : name_index(c->srcname, &c->nsrc, src);
		if (w->kern < 0 || w->dt < 0 || (w->src < 0 && src[0] && strcmp(src, "none")))
			return tkp_cli_usage(c->cmd, "%s:%zu: more than %d distinct kernels, dtypes "
						     "or counter sources",
					     t->path, t->lineno[r], MAXNAMES);
		if (w->src < 0)
			for (int lv = 0; lv < 3; lv++)
				w->miss[lv] = NAN;
		w->block = isfinite(blk) ? (int)blk : 0;
		w->threads = isfinite(thr) && thr >= 1 ? (int)thr : 1;
		if (m == n && n == k) {
			w->size = n;
		} else {
			w->size = cbrt(m * n * k);
			c->nonsquare = 1;
		}
		c->nrows++;
	}
	/* kernels of the ladder keep their colour whatever else was run */
	for (int k = 0, extra = 0; k < c->nk; k++) {
		int r = ladder_rank(c->kname[k]);
		c->kstyle[k] = r < 100 ? r : (int)(sizeof ladder / sizeof ladder[0]) + extra++;
	}
	/* f64 before f32 on every chart (the usual case first) */
	if (c->ndt == 2 && !strcmp(c->dtname[0], "f32") && !strcmp(c->dtname[1], "f64")) {
		const char *x = c->dtname[0];
		c->dtname[0] = c->dtname[1];
		c->dtname[1] = x;
		for (size_t i = 0; i < c->nrows; i++)
			c->rows[i].dt = 1 - c->rows[i].dt;
	}
	return 0;
}

static int parse_ceilings(pctx *c)
{
	static const char *const cols[] = {"ceiling", "dtype", "isa",	 "threads",
					   "value",   "unit",  "source", NULL};
	int rc = load_csv(c, "ceilings.csv", cols, &c->ceil);
	const tkp_csv *t;
	int cc, cd, ci, cu, cs;

	if (rc)
		return rc;
	t = c->ceil;
	cc = tkp_csv_col(t, "ceiling");
	cd = tkp_csv_col(t, "dtype");
	ci = tkp_csv_col(t, "isa");
	cu = tkp_csv_col(t, "unit");
	cs = tkp_csv_col(t, "source");
	if (!(c->ceils = calloc(t->nrows + 1, sizeof *c->ceils)))
		return tkp_cli_fail(c->cmd, "out of memory");
	for (size_t r = 0; r < t->nrows; r++) {
		crow *w = &c->ceils[c->nceil];
		const char *name = t->rows[r][cc], *unit = t->rows[r][cu];
		double thr, val;
		if ((rc = cell(c, t, r, "threads", 1, 0, &thr)) || (rc = cell(c, t, r, "value", 0, 0, &val)))
			return rc;
		if (!(val > 0))
			continue;
		w->value = val;
		w->threads = isfinite(thr) && thr >= 1 ? (int)thr : 1;
		w->dtype = t->rows[r][cd];
		w->isa = t->rows[r][ci];
		w->measured = strcmp(t->rows[r][cs], "reported") != 0;
		if (!strcmp(name, "peak") && !strcmp(unit, "GFLOP/s")) {
			w->peak = 1;
		} else if (!strcmp(unit, "GB/s") &&
			   (!strcmp(name, "L1") || !strcmp(name, "L1d") || !strcmp(name, "L2") ||
			    !strcmp(name, "L3") || !strcmp(name, "DRAM"))) {
			w->level = name[1] == '1' ? 0 : name[1] == '2' ? 1 : name[1] == '3' ? 2 : 3;
		} else {
			continue; /* sizes, latencies, ceilings we do not draw */
		}
		c->nceil++;
	}
	return 0;
}

static int parse_hierarchy(pctx *c)
{
	static const char *const cols[] = {"test", "threads", "bytes", "value", "unit", NULL};
	int rc = load_csv(c, "hierarchy.csv", cols, &c->hier);
	const tkp_csv *t;
	int ct, cu;

	if (rc)
		return rc;
	t = c->hier;
	ct = tkp_csv_col(t, "test");
	cu = tkp_csv_col(t, "unit");
	if (!(c->hrows = calloc(t->nrows + 1, sizeof *c->hrows)))
		return tkp_cli_fail(c->cmd, "out of memory");
	for (size_t r = 0; r < t->nrows; r++) {
		hrow *w = &c->hrows[c->nh];
		const char *unit = t->rows[r][cu];
		double thr;
		if ((rc = cell(c, t, r, "threads", 1, 0, &thr)) ||
		    (rc = cell(c, t, r, "bytes", 0, 1, &w->bytes)) ||
		    (rc = cell(c, t, r, "value", 1, 0, &w->value)))
			return rc;
		if (!(w->value > 0) || !t->rows[r][ct][0])
			continue;
		if (!strcmp(unit, "ns"))
			w->latency = 1;
		else if (strcmp(unit, "GB/s"))
			continue;
		w->test = t->rows[r][ct];
		w->threads = isfinite(thr) && thr >= 1 ? (int)thr : 1;
		c->nh++;
	}
	return 0;
}

static const char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double json_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int load_machine(pctx *c)
{
	char path[PATH_MAX];
	const char *host, *cpu, *date;
	json_error_t jerr;
	json_t *root, *caches, *ctr;
	struct stat st;

	for (int i = 0; i < 3; i++)
		c->cache_rep[i] = c->cache_meas[i] = NAN;
	if (tkp_path_join(path, sizeof path, c->dir, "machine.json"))
		return tkp_cli_usage(c->cmd, "%s: path too long", c->dir);
	if (stat(path, &st) != 0) {
		time_t now = time(NULL);
		char when[64];
		/* no machine.json: the date of the newest file we read */
		for (int i = 0; i < 3; i++) {
			const tkp_csv *t = i == 0 ? c->sweep : i == 1 ? c->ceil : c->hier;
			if (t && stat(t->path, &st) == 0) {
				now = st.st_mtime;
				break;
			}
		}
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&now));
		tkp_fmt(c->when, sizeof c->when, "%s", when);
		tkp_fmt(c->machine, sizeof c->machine, "unknown machine (no machine.json)");
		return 0;
	}
	if (!(root = json_load_file(path, 0, &jerr)))
		return tkp_cli_usage(c->cmd, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return tkp_cli_usage(c->cmd, "%s:1: expected a JSON object", path);
	}
	c->have_json = 1;
	host = json_str(root, "host");
	cpu = json_str(root, "cpu_model");
	date = json_str(root, "date");
	tkp_fmt(c->machine, sizeof c->machine, "%s · host %s", cpu && *cpu ? cpu : "unknown CPU",
		host && *host ? host : "unknown");
	tkp_strlcpy(c->when, date && *date ? date : "undated", sizeof c->when);
	/* ISO 8601 reads better with a space than with the T */
	if (strlen(c->when) > 10 && c->when[10] == 'T')
		c->when[10] = ' ';
	{
		double cores = json_num(root, "cores");
		json_t *o = json_object_get(root, "cores");
		if (json_is_object(o)) /* {"physical": …, "logical": …} */
			cores = isfinite(json_num(o, "logical")) ? json_num(o, "logical")
								  : json_num(o, "physical");
		c->cores = isfinite(cores) && cores >= 1 && cores < 1e6 ? (int)cores : 0;
	}
	caches = json_object_get(root, "caches");
	if (json_is_array(caches)) {
		size_t i;
		json_t *e;
		json_array_foreach(caches, i, e) {
			const char *lv = json_str(e, "level");
			int idx = !lv ? -1 : !strcmp(lv, "L1d") || !strcmp(lv, "L1") ? 0 : !strcmp(lv, "L2") ? 1 : !strcmp(lv, "L3") ? 2 : -1;
			double rep = json_num(e, "reported_bytes"), meas = json_num(e, "measured_bytes");
			if (idx < 0)
				continue;
			if (rep > 0)
				c->cache_rep[idx] = rep;
			if (meas > 0)
				c->cache_meas[idx] = meas;
		}
	}
	ctr = json_object_get(root, "counters");
	if (json_is_object(ctr)) {
		const char *s = json_str(ctr, "status");
		json_t *a = json_object_get(ctr, "available");
		if (s)
			tkp_strlcpy(c->status, s, sizeof c->status);
		if (json_is_boolean(a)) {
			c->counters_known = 1;
			c->counters_avail = json_is_true(a);
		}
	}
	json_decref(root);
	return 0;
}

/* ---- running gnuplot -------------------------------------------------- */

/* The gnuplot executable on PATH, or 0 when there is none. */
static int find_gnuplot(char *out, size_t size)
{
	const char *path = getenv("PATH"), *p, *e;
	char def[256];

	if (!path) {
		size_t n = confstr(_CS_PATH, def, sizeof def);
		path = n > 0 && n <= sizeof def ? def : "/usr/bin:/bin";
	}
	for (p = path;; p = e + 1) {
		struct stat st;
		size_t len;
		e = strchr(p, ':');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0)
			tkp_fmt(out, size, "./gnuplot");
		else if (len < size - 9)
			tkp_fmt(out, size, "%.*s/gnuplot", (int)len, p);
		else
			out[0] = '\0';
		if (out[0] && stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 1;
		if (!e)
			return 0;
	}
}

static double plot_timeout(void)
{
	const char *s = getenv("TKP_PLOT_TIMEOUT");
	double t;

	if (s && *s && tkp_parse_double(s, &t) == 0 && t > 0)
		return t;
	return 60;
}

/* Last lines of the file (at most about 1500 bytes), for messages. */
static void file_tail(const char *path, char *buf, size_t size)
{
	char *data = NULL;
	size_t len = 0, start;

	buf[0] = '\0';
	if (tkp_read_file(path, 1 << 20, &data, &len) || !len) {
		free(data);
		return;
	}
	while (len && (data[len - 1] == '\n' || data[len - 1] == ' '))
		data[--len] = '\0';
	start = len > size - 1 ? len - (size - 1) : 0;
	while (start > 0 && start < len && data[start - 1] != '\n')
		start++;
	tkp_strlcpy(buf, data + start, size);
	free(data);
}

#define TIMED_OUT (-1)

/* Runs gnuplot in c->tmp with -e setup, the chart's variables file, then
 * common.gp and the chart's script.  Returns 0, or prints why and returns
 * TKP_EXIT_FAIL, TIMED_OUT or TKP_EXIT_INTR (interrupted: nothing printed). */
static int run_gnuplot(pctx *c, const char *gnuplot, const char *chart, const char *fmt,
		       const char *outname)
{
	char setup[256], vars[64], common[PATH_MAX], script[PATH_MAX], errpath[PATH_MAX];
	char tail[1600];
	char *argv[8];
	double limit = plot_timeout(), t0;
	struct timespec now;
	pid_t pid;
	int status = 0, fd;

	tkp_fmt(setup, sizeof setup, "fmt = '%s'; outfile = '%s'", fmt, outname);
	tkp_fmt(vars, sizeof vars, "%s.vars.gp", chart);
	tkp_fmt(common, sizeof common, "%s/common.gp", c->scripts);
	tkp_fmt(script, sizeof script, "%s/%s.gp", c->scripts, chart);
	tkp_fmt(errpath, sizeof errpath, "%s/gnuplot.err", c->tmp);
	argv[0] = "gnuplot";
	argv[1] = "-e";
	argv[2] = setup;
	argv[3] = vars;
	argv[4] = common;
	argv[5] = script;
	argv[6] = NULL;
	if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return tkp_cli_fail(c->cmd, "%s: %s", errpath, strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd);
		return tkp_cli_fail(c->cmd, "cannot start gnuplot: %s", strerror(errno));
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		setpgid(0, 0); /* a timeout kills gnuplot and anything it started */
		if (in < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 ||
		    chdir(c->tmp) != 0) {
			dprintf(fd, "tkprofile: cannot set up gnuplot: %s\n", strerror(errno));
			_exit(127);
		}
		unsetenv("DISPLAY"); /* never an X11 window, whatever ~/.gnuplot says */
		execv(gnuplot, argv);
		dprintf(2, "tkprofile: cannot run %s: %s\n", gnuplot, strerror(errno));
		_exit(127);
	}
	close(fd);
	setpgid(pid, pid);
	clock_gettime(CLOCK_MONOTONIC, &now);
	t0 = (double)now.tv_sec + now.tv_nsec * 1e-9;
	for (;;) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (tkp_cli_interrupted || (double)now.tv_sec + now.tv_nsec * 1e-9 - t0 >= limit) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			if (tkp_cli_interrupted)
				return TKP_EXIT_INTR;
			tkp_cli_fail(c->cmd, "%s.%s: gnuplot did not finish in %g s and was stopped "
					     "(TKP_PLOT_TIMEOUT sets the limit)",
				     chart, fmt, limit);
			return TIMED_OUT;
		}
		nanosleep(&ts, NULL);
	}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		file_tail(errpath, tail, sizeof tail);
		if (status != -1 && WIFSIGNALED(status))
			return tkp_cli_fail(c->cmd, "%s.%s: gnuplot was killed by signal %d%s%s", chart,
					    fmt, WTERMSIG(status), tail[0] ? ":\n" : "", tail);
		return tkp_cli_fail(c->cmd, "%s.%s: gnuplot failed (exit %d)%s%s", chart, fmt,
				    status == -1 ? -1 : WEXITSTATUS(status), tail[0] ? ":\n" : "",
				    tail);
	}
	return 0;
}

/* fsyncs tmp/name and renames it to plots/final; 0 or prints and fails. */
static int install_image(pctx *c, const char *name, const char *final)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct stat st;
	int fd;

	if (tkp_path_join(from, sizeof from, c->tmp, name) ||
	    tkp_path_join(to, sizeof to, c->plots, final))
		return tkp_cli_fail(c->cmd, "%s: path too long", c->plots);
	if (stat(from, &st) != 0 || st.st_size == 0)
		return tkp_cli_fail(c->cmd, "%s: gnuplot exited cleanly but wrote no image", final);
	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fsync(fd) != 0) {
			int e = errno;
			close(fd);
			return tkp_cli_fail(c->cmd, "%s: %s", to, strerror(e));
		}
		close(fd);
	}
	if (rename(from, to) != 0)
		return tkp_cli_fail(c->cmd, "%s: %s", to, strerror(errno));
	return 0;
}

/* Removes the temporary directory and everything in it (flat). */
static void remove_tmp(pctx *c)
{
	DIR *dp;
	struct dirent *e;

	if (!c->tmp[0])
		return;
	if (getenv("TKP_PLOT_KEEP")) { /* debugging the scripts: keep their inputs */
		tkp_cli_warn(c->cmd, "TKP_PLOT_KEEP: gnuplot's inputs kept in %s", c->tmp);
		return;
	}
	if ((dp = opendir(c->tmp))) {
		while ((e = readdir(dp))) {
			char p[PATH_MAX];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (!tkp_path_join(p, sizeof p, c->tmp, e->d_name))
				unlink(p);
		}
		closedir(dp);
	}
	rmdir(c->tmp);
	c->tmp[0] = '\0';
}

/* Temporary directories left by a plot that was killed (an hour old: not
 * one that a concurrent plot of the same directory is using). */
static void remove_stale(pctx *c)
{
	DIR *dp = opendir(c->plots);
	struct dirent *e;
	time_t now = time(NULL);

	while (dp && (e = readdir(dp))) {
		struct stat st;
		char p[PATH_MAX];
		if (strncmp(e->d_name, ".tmp-plot-", 10) || tkp_path_join(p, sizeof p, c->plots, e->d_name) ||
		    lstat(p, &st) || !S_ISDIR(st.st_mode) || now - st.st_mtime < 3600)
			continue;
		tkp_strlcpy(c->tmp, p, sizeof c->tmp);
		remove_tmp(c);
	}
	if (dp)
		closedir(dp);
}

static void free_ctx(pctx *c)
{
	remove_tmp(c);
	tkp_csv_free(c->sweep);
	tkp_csv_free(c->ceil);
	tkp_csv_free(c->hier);
	free(c->rows);
	free(c->ceils);
	free(c->hrows);
}

/* Writes DIR/plots/.tmp-*\/<chart>.vars.gp and <chart>.dat. */
static int write_chart_inputs(pctx *c, size_t ci)
{
	char vpath[PATH_MAX], dpath[PATH_MAX], name[64];
	FILE *v, *d;
	int rc;

	tkp_fmt(name, sizeof name, "%s.vars.gp", chart_names[ci]);
	if (tkp_path_join(vpath, sizeof vpath, c->tmp, name))
		return tkp_cli_fail(c->cmd, "%s: path too long", c->tmp);
	tkp_fmt(name, sizeof name, "%s.dat", chart_names[ci]);
	if (tkp_path_join(dpath, sizeof dpath, c->tmp, name))
		return tkp_cli_fail(c->cmd, "%s: path too long", c->tmp);
	if (!(v = fopen(vpath, "w")))
		return tkp_cli_fail(c->cmd, "%s: %s", vpath, strerror(errno));
	if (!(d = fopen(dpath, "w"))) {
		fclose(v);
		return tkp_cli_fail(c->cmd, "%s: %s", dpath, strerror(errno));
	}
	fprintf(v, "# %s: written by tkprofile plot for plots/%s.gp\n", chart_names[ci],
		chart_names[ci]);
	gp_set_str(v, "machine", c->machine);
	gp_set_str(v, "when", c->when);
	gp_set_str(v, "results", c->resname);
	gp_set_str(v, "version", "tkprofile " PACKAGE_VERSION);
	fprintf(v, "datafile = '%s.dat'\n", chart_names[ci]);
	rc = chart_fns[ci](c, v, d);
	if (rc) {
		fclose(v);
		fclose(d);
		return tkp_cli_fail(c->cmd, "%s: %s", chart_names[ci], tkp_strerror(rc));
	}
	/* gnuplot cannot read an empty file as data; a comment is enough */
	fputs("# end\n", d);
	if (ferror(v) | ferror(d) | (fclose(v) != 0) | (fclose(d) != 0))
		return tkp_cli_fail(c->cmd, "%s: %s", c->tmp, strerror(errno));
	return 0;
}

static int parse_formats(const char *cmd, const char *s, int *fmts)
{
	char buf[128], *tok, *save = NULL;

	*fmts = 0;
	if (tkp_strlcpy(buf, s, sizeof buf) >= sizeof buf)
		return tkp_cli_usage(cmd, "--format '%s': expected a list of png, pdf, svg", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "png"))
			*fmts |= FMT_PNG;
		else if (!strcmp(tok, "pdf"))
			*fmts |= FMT_PDF;
		else if (!strcmp(tok, "svg"))
			*fmts |= FMT_SVG;
		else
			return tkp_cli_usage(cmd, "--format '%s': unknown format '%s'; expected png, pdf "
						  "or svg",
					     s, tok);
	}
	if (!*fmts)
		return tkp_cli_usage(cmd, "--format '%s': expected a list of png, pdf, svg", s);
	return 0;
}

static int plot_dir(const char *cmd, const char *dir, int quiet, int fmts)
{
	static const struct {
		int bit;
		const char *ext;
	} formats[] = {{FMT_PNG, "png"}, {FMT_PDF, "pdf"}, {FMT_SVG, "svg"}};
	pctx c;
	char gnuplot[PATH_MAX], probe[PATH_MAX], tmpl[PATH_MAX];
	struct stat st;
	int rc = 0, nfiles = 0, nfail = 0;

	memset(&c, 0, sizeof c);
	c.cmd = cmd;
	c.quiet = quiet;
	if (!dir || !*dir)
		return tkp_cli_usage(cmd, "expected a results directory");
	if (tkp_strlcpy(c.dir, dir, sizeof c.dir) >= sizeof c.dir - 64)
		return tkp_cli_usage(cmd, "%s: path too long", dir);
	if (stat(dir, &st) != 0)
		return tkp_cli_usage(cmd, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return tkp_cli_usage(cmd, "%s: not a directory; expected a results directory", dir);
	{
		const char *b = dir + strlen(dir);
		while (b > dir && b[-1] == '/')
			b--;
		const char *e = b;
		while (b > dir && b[-1] != '/')
			b--;
		tkp_fmt(c.resname, sizeof c.resname, "%.*s", (int)(e - b), b);
	}

	/* 1. everything is read and checked before anything is drawn */
	if ((rc = parse_sweep(&c)) > 0 || (rc = parse_ceilings(&c)) > 0 ||
	    (rc = parse_hierarchy(&c)) > 0)
		goto out;
	if (!c.sweep && !c.ceil && !c.hier) {
		rc = tkp_cli_usage(cmd, "%s: no sweep.csv, ceilings.csv or hierarchy.csv: not a "
					"results directory (tkprofile sweep --out DIR makes one)",
				   dir);
		goto out;
	}
	if ((rc = load_machine(&c)))
		goto out;
	if (c.unverified)
		tkp_cli_warn(cmd, "%zu row%s of sweep.csv failed verification and %s left out of the "
				  "charts",
			     c.unverified, c.unverified == 1 ? "" : "s", c.unverified == 1 ? "is" : "are");

	/* 2. gnuplot and the scripts */
	if (!find_gnuplot(gnuplot, sizeof gnuplot)) {
		tkp_cli_warn(cmd, "gnuplot not found on PATH: charts not drawn (the CSV files are "
				  "intact); install it (Debian: apt-get install gnuplot-nox) and run "
				  "`tkprofile plot DIR`");
		rc = 0;
		goto out;
	}
	tkp_fmt(probe, sizeof probe, "%s/plots", tkp_cli_datadir());
	if (!realpath(probe, c.scripts) ||
	    (tkp_fmt(probe, sizeof probe, "%s/common.gp", c.scripts), access(probe, R_OK) != 0)) {
		rc = tkp_cli_fail(cmd, "gnuplot scripts not found in %s/plots (set TKP_DATADIR to the "
				       "directory that holds plots/)",
				  tkp_cli_datadir());
		goto out;
	}

	/* 3. a private working directory inside DIR/plots */
	if (tkp_path_join(c.plots, sizeof c.plots, c.dir, "plots") || tkp_mkdirs(c.plots)) {
		rc = tkp_cli_fail(cmd, "%s/plots: %s", dir, strerror(errno));
		goto out;
	}
	remove_stale(&c);
	tkp_fmt(tmpl, sizeof tmpl, "%s/.tmp-plot-XXXXXX", c.plots);
	if (!mkdtemp(tmpl)) {
		rc = tkp_cli_fail(cmd, "%s: cannot create a temporary directory: %s", c.plots,
				  strerror(errno));
		goto out;
	}
	tkp_strlcpy(c.tmp, tmpl, sizeof c.tmp);

	/* 4. one gnuplot run per chart and format */
	for (size_t ci = 0; ci < NCHARTS; ci++) {
		if ((rc = write_chart_inputs(&c, ci))) {
			nfail++;
			continue;
		}
		for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
			char out[64];
			if (!(fmts & formats[f].bit))
				continue;
			if (tkp_cli_interrupted) {
				rc = TKP_EXIT_INTR;
				goto out;
			}
			tkp_fmt(out, sizeof out, "%s.%s", chart_names[ci], formats[f].ext);
			rc = run_gnuplot(&c, gnuplot, chart_names[ci], formats[f].ext, out);
			if (rc == TKP_EXIT_INTR)
				goto out;
			if (rc == TIMED_OUT) { /* a gnuplot that hangs once hangs every time */
				tkp_cli_warn(cmd, "the remaining charts were not drawn");
				rc = TKP_EXIT_FAIL;
				goto out;
			}
			if (!rc)
				rc = install_image(&c, out, out);
			if (rc)
				nfail++;
			else
				nfiles++;
		}
	}
	rc = nfail ? TKP_EXIT_FAIL : 0;
	if (!quiet)
		tkp_cli_note("tkprofile: %s: %d chart file%s in %s%s", cmd, nfiles,
			     nfiles == 1 ? "" : "s", c.plots, nfail ? " (some failed, see above)" : "");
out:
	free_ctx(&c);
	return rc;
}

int tkp_cli_plot_dir(const char *cmd, const char *dir, int quiet)
{
	return plot_dir(cmd, dir, quiet, FMT_PNG | FMT_PDF);
}

int cmd_plot(int argc, char **argv)
{
	const char *dir = NULL;
	int quiet = 0, fmts = FMT_PNG | FMT_PDF, rc, opts = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
			quiet = 1;
		} else if (opts && !strncmp(a, "--format=", 9)) {
			if ((rc = parse_formats("plot", a + 9, &fmts)))
				return rc;
		} else if (opts && !strcmp(a, "--format")) {
			if (i + 1 >= argc)
				return tkp_cli_usage("plot", "--format: expected a list such as png,pdf");
			if ((rc = parse_formats("plot", argv[++i], &fmts)))
				return rc;
		} else if (opts && a[0] == '-' && a[1]) {
			return tkp_cli_usage("plot", "unknown option '%s' (see `tkprofile plot --help`)",
					     a);
		} else if (dir) {
			return tkp_cli_usage("plot", "one results directory expected, got '%s' and '%s'",
					     dir, a);
		} else {
			dir = a;
		}
	}
	if (!dir)
		return tkp_cli_usage("plot", "expected a results directory: tkprofile plot DIR");
	if (quiet)
		tkp_cli_quiet = 1;
	tkp_cli_catch_signals();
	return plot_dir("plot", dir, quiet, fmts);
}
