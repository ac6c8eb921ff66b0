/*
 * chart_hierarchy.c - the memory-hierarchy staircase (plots/hierarchy.gp):
 * load latency (top panel) and bandwidth (bottom) against working set,
 * cache sizes marked; and its compare overlay, one colour per machine
 * (plots/compare_hierarchy.gp).
 *
 * Layout: C chooses the series and their panel, colour and dash, the
 * cache-size marks and their style (measured solid, reported dotted), and
 * the working-set axis (chart.c); the scripts split the panels and draw.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "compare.h"
#include "gnuplot.h"
#include "results.h"
#include "util.h"

enum { MAXS = 32 };

static const char *const cache_name[] = {"L1d", "L2", "L3"};

/* The series of one results directory: latency tests first, then
 * bandwidth; one per test × threads.  Returns their count. */
static int hier_series(const tkp_results *c, const char **tests, int *thr, int *panel)
{
	int ns = 0;

	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < c->nh; i++) {
			const tkp_res_hrow *h = &c->hrows[i];
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
	return ns;
}

/* The data block of test at threads (test NULL: any latency test): one
 * value per working set, the best (noise only slows things down, so the
 * highest bandwidth and the lowest latency); widens [*lo, *hi].  A block
 * without points is written only when keep_empty.  Returns the count of
 * points, or TKP_ENOMEM. */
static int hier_block(const tkp_results *c, FILE *d, const char *test, int threads, int latency,
		      int keep_empty, double *lo, double *hi)
{
	size_t n = 0;
	tkp_res_pt *p = malloc((c->nh + 1) * sizeof *p);

	if (!p)
		return TKP_ENOMEM;
	for (size_t i = 0; i < c->nh; i++) {
		const tkp_res_hrow *h = &c->hrows[i];
		if ((test ? !strcmp(h->test, test) : h->latency) && h->threads == threads) {
			p[n].x = h->bytes;
			p[n].y = latency ? -h->value : h->value;
			p[n++].row = i;
		}
	}
	n = tkp_res_pt_best(p, n);
	for (size_t i = 0; i < n; i++) {
		fprintf(d, "%.10g %.10g\n", p[i].x, latency ? -p[i].y : p[i].y);
		*lo = fmin(*lo, p[i].x);
		*hi = fmax(*hi, p[i].x);
	}
	if (n || keep_empty)
		tkp_gp_end_block(d);
	free(p);
	return (int)n;
}

/* Style and name of series j: colour by test, dash by its rank among the
 * thread counts of that test; threads named when they vary or exceed 1. */
static void hier_style(tkp_series *s, const char **tests, const int *thr, int ns, int j)
{
	int tcount = 0, tpos = 0;

	for (int q = 0; q < ns; q++)
		if (!strcmp(tests[q], tests[j])) {
			if (q < j)
				tpos++;
			tcount++;
		}
	s->pt = 7;
	s->dt = 1 + tpos % 5;
	s->color = !strcmp(tests[j], "latency") ? "#d55e00"
		   : !strcmp(tests[j], "read")  ? "#0072b2"
		   : !strcmp(tests[j], "triad") ? "#009e73"
						: tkp_chart_kernel_color(5 + j);
	if (tcount > 1 || thr[j] > 1)
		tkp_fmt(s->name, sizeof s->name, "%s, %d thread%s", tests[j], thr[j],
			thr[j] == 1 ? "" : "s");
	else
		tkp_fmt(s->name, sizeof s->name, "%s", tests[j]);
}

/* Cache sizes on [lo, hi]: measured (solid) and reported (dotted, unless
 * within 3% of the measured one); reported ones off the axis are named in
 * the note. */
static void hier_marks(const tkp_results *c, FILE *v, double lo, double hi)
{
	double mk[8], mkstyle[8];
	char mklab[8][200], off[400] = "";
	int nmk = 0;

	for (int lv = 0; lv < 3; lv++) {
		double m = c->cache_meas[lv], r = c->cache_rep[lv];
		char ms[32], rs[32];
		int same = isfinite(m) && isfinite(r) && fabs(m - r) <= 0.03 * r;
		if (isfinite(m))
			tkp_gp_fmt_bytes(ms, sizeof ms, m);
		if (isfinite(r))
			tkp_gp_fmt_bytes(rs, sizeof rs, r);
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
		tkp_gp_set_str(v, "note", "no machine.json: cache sizes not marked");
	} else {
		char tmp[600];
		int nrep = 0;
		for (int i = 0; i < nmk; i++)
			nrep += mkstyle[i] == 2;
		tkp_fmt(tmp, sizeof tmp, "cache sizes: solid as measured (latency knees)%s%s%s%s",
			nrep ? "; dotted as reported by the system" : "", off[0] ? " (reported, off scale: " : "",
			off, off[0] ? ")" : "");
		tkp_gp_set_str(v, "note", tmp);
	}
	tkp_gp_num_array(v, "mkval", mk, nmk);
	tkp_gp_num_array(v, "mkdt", mkstyle, nmk);
	tkp_gp_str_array(v, "mklab", mklab, nmk);
	fprintf(v, "nmk = %d\n", nmk);
}

int tkp_chart_hierarchy(tkp_results *c, FILE *v, FILE *d)
{
	tkp_series s[MAXS];
	int ns, panel[MAXS], thr[MAXS];
	const char *tests[MAXS];
	double lo = INFINITY, hi = 0;

	if (!c->nh) {
		tkp_gp_message(v, "No hierarchy.csv in this results directory: the memory-hierarchy\n"
			      "probe has not run here.  To fill this chart run:\n"
			      "  tkprofile machine --out <this results directory>\n"
			      "  tkprofile plot <this results directory>");
		return 0;
	}
	memset(s, 0, sizeof s);
	ns = hier_series(c, tests, thr, panel);
	for (int j = 0; j < ns; j++) {
		if (hier_block(c, d, tests[j], thr[j], panel[j] == 1, 1, &lo, &hi) < 0)
			return TKP_ENOMEM;
		hier_style(&s[j], tests, thr, ns, j);
	}
	tkp_chart_write_series(v, s, ns);
	fprintf(v, "array spanel[%d]\n", ns);
	for (int j = 0; j < ns; j++)
		fprintf(v, "spanel[%d] = %d\n", j + 1, panel[j]);
	hier_marks(c, v, lo, hi);
	tkp_chart_ws_axis(v, lo, hi);
	return 0;
}

/* ---- compare ---------------------------------------------------------------- */

enum { CMAXS = TKP_CMP_MAXM * 3 };

/* The overlay being filled: a series per machine and test. */
typedef struct cmp_hier {
	int ns, sm[CMAXS], spanel[CMAXS], sdt[CMAXS];
	char sname[CMAXS][200];
	double lo, hi;
} cmp_hier;

/* The message when some machine has no hierarchy.csv. */
static void cmp_missing(const tkp_cmp *c, FILE *v)
{
	char who[512] = "";
	size_t n = 0;

	for (int i = 0; i < c->nm; i++)
		if (!c->m[i].r.nh)
			n += (size_t)snprintf(who + n, sizeof who - n, "%s%s", n ? ", " : "", c->m[i].label);
	tkp_gp_message(v, "No memory-hierarchy measurements (hierarchy.csv) for %s.\n"
			  "To fill this chart, sweep on that machine with the machine probe\n"
			  "(profile key probe = quick or full, not none) and compare again.",
		       who);
}

/* Machine i's series: latency at 1 thread; bandwidth (read, else another
 * bandwidth test) at 1 thread and at the most threads measured.  Returns 0
 * or TKP_ENOMEM. */
static int cmp_machine(const tkp_cmp *c, int i, FILE *d, cmp_hier *x)
{
	const tkp_results *r = &c->m[i].r;
	const char *bwtest = NULL;
	int tmax = 1;

	for (size_t h = 0; h < r->nh; h++)
		if (!r->hrows[h].latency) {
			if (!bwtest || (!strcmp(r->hrows[h].test, "read") && strcmp(bwtest, "read")))
				bwtest = r->hrows[h].test;
			if (r->hrows[h].threads > tmax)
				tmax = r->hrows[h].threads;
		}
	for (int s = 0; s < 3 && x->ns < CMAXS; s++) {
		const char *test = s == 0 ? "latency" : bwtest;
		int th = s == 2 ? tmax : 1, n;
		if (!test || (s == 2 && tmax == 1))
			continue;
		if ((n = hier_block(r, d, s == 0 ? NULL : test, th, s == 0, 0, &x->lo, &x->hi)) < 0)
			return n;
		if (!n)
			continue;
		x->sm[x->ns] = i;
		x->spanel[x->ns] = s == 0 ? 1 : 2;
		x->sdt[x->ns] = s == 2 ? 2 : 1;
		if (s == 0)
			tkp_fmt(x->sname[x->ns], sizeof x->sname[x->ns], "%s", c->m[i].label);
		else
			tkp_fmt(x->sname[x->ns], sizeof x->sname[x->ns], "%s, %d thread%s%s%s",
				c->m[i].label, th, th == 1 ? "" : "s", strcmp(test, "read") ? ", " : "",
				strcmp(test, "read") ? test : "");
		x->ns++;
	}
	return 0;
}

/* Every machine's measured cache sizes on the axis, named by level. */
static void cmp_marks(const tkp_cmp *c, FILE *v, double lo, double hi)
{
	char mklab[TKP_CMP_MAXM * 3][200];
	double mk[TKP_CMP_MAXM * 3], mkm[TKP_CMP_MAXM * 3];
	int nmk = 0;

	for (int i = 0; i < c->nm; i++)
		for (int lv = 0; lv < 3; lv++) {
			double b = c->m[i].r.cache_meas[lv];
			if (isfinite(b) && b >= lo && b <= hi && nmk < TKP_CMP_MAXM * 3) {
				mk[nmk] = b;
				mkm[nmk] = i + 1;
				tkp_strlcpy(mklab[nmk], cache_name[lv], sizeof mklab[nmk]);
				nmk++;
			}
		}
	fprintf(v, "nmk = %d\n", nmk);
	tkp_gp_num_array(v, "mkval", mk, nmk);
	tkp_gp_num_array(v, "mkm", mkm, nmk);
	tkp_gp_str_array(v, "mklab", mklab, nmk);
}

int tkp_chart_hierarchy_cmp(const tkp_cmp *c, FILE *v, FILE *d)
{
	static cmp_hier x;
	int ns, one;

	if (!c->all_hier) {
		cmp_missing(c, v);
		return 0;
	}
	memset(&x, 0, sizeof x);
	x.lo = INFINITY;
	for (int i = 0; i < c->nm; i++)
		if (cmp_machine(c, i, d, &x))
			return TKP_ENOMEM;
	tkp_cmp_gp_machines(c, v);
	ns = x.ns;
	one = ns ? ns : 1;
	fprintf(v, "ns = %d\narray sname[%d]\narray sm[%d]\narray spanel[%d]\narray sdt[%d]\n", ns,
		one, one, one, one);
	for (int s = 0; s < ns; s++) {
		fprintf(v, "sname[%d] = ", s + 1);
		tkp_gp_str(v, x.sname[s], 190);
		fprintf(v, "; sm[%d] = %d; spanel[%d] = %d; sdt[%d] = %d\n", s + 1, x.sm[s] + 1, s + 1,
			x.spanel[s], s + 1, x.sdt[s]);
	}
	cmp_marks(c, v, x.lo, x.hi);
	tkp_chart_ws_axis(v, x.lo, x.hi);
	tkp_gp_set_str(v, "note", "one colour per machine; read bandwidth solid at 1 thread, dashed at "
				  "the most threads; ticks: measured cache sizes");
	return 0;
}
