/*
 * probe.c - the whole machine probe, and its two CSV files.
 *
 * Order: latency staircase first (one pinned thread), knees from it; then
 * for each thread count a pinned team measures peak FLOP/s (each dtype and
 * ISA path the CPU has) and read/triad bandwidth over the same working
 * sets.  Per memory level, the plateau bandwidth is the median of the read
 * points well inside the level (from twice the previous level's measured
 * size to half this level's; for DRAM the largest octave of working sets,
 * and beyond four times the last cache), so the rises at the knees do not
 * drag it down.  L1 and L2 are private (per core) and their ranges grow
 * with the thread count; L3 and memory are shared and do not.
 *
 * Every figure is the best of many short samples (a few ms), gathered in
 * two rounds (full probe) some seconds apart: the development machines are
 * shared VMs, where a long sample almost always contains someone else's
 * time slice, and a ceiling is what the machine does when it runs.
 *
 * Budgets (2-core development VM): full ≈ 20-30 s (≤ 60 s), quick ≈ 7 s
 * (≤ 10 s).  The quick probe is one round of the full one: the same
 * latency grid (×1.25: a knee on a half-doubling grid moved by up to 40%
 * between runs) and samples, the same peak samples, the bandwidth on
 * half-doublings.  Its figures are the full probe's to
 * within a few percent on a quiet machine; the second round of the full
 * probe is for a busy one.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fsutil.h"
#include "probe.h"
#include "util.h"

#define MIN_BYTES 4096.0
#define DEFAULT_MIN_MAX ((size_t)32 << 20)
#define DEFAULT_CAP ((size_t)256 << 20)

typedef struct plan {
	double factor;                          /* working set steps (latency) */
	double bw_factor;                       /* working set steps (bandwidth) */
	double bw_time, lat_time, peak_time;    /* seconds per sample */
	int bw_samples, lat_samples, peak_samples;
	int rounds;                             /* sweeps over everything */
	int peak_rounds;                        /* turns over the peaks per sweep */
} plan;

/* Many short samples rather than a few long ones: on a shared machine a
 * sample of a few milliseconds often runs without being preempted, while
 * one of 100 ms almost never does (time slices are ~3 ms). */
static const plan FULL = {1.25, 1.25, 0.002, 0.002, 0.002, 7, 5, 8, 2, 3};
/* Quick: one round of FULL; bandwidth plateaus are read between knees and
 * do with half-doublings (7 samples, as FULL: with 5 its 1-thread L1
 * read bandwidth came out 2-18% under the full probe's in three runs
 * here, with 7 1-5% in one).  The old quick plan (half-doubling latency, 1 ms samples,
 * 8 peak samples instead of 24) put a 48 KiB L1 at 39-54 KiB and a 2 MiB
 * L2 at 1.2-1.7 MiB in consecutive runs here, and measured peaks 12%
 * under the full probe's on a Zen 5. */
static const plan QUICK = {1.25, 1.4142135623730951, 0.002, 0.002, 0.002, 7, 5, 8, 1, 3};

static const char *round_note(const plan *pl, int round, char *buf, size_t size)
{
	if (pl->rounds > 1)
		tkp_fmt(buf, size, " (round %d of %d)", round + 1, pl->rounds);
	else
		buf[0] = '\0';
	return buf;
}

void tkp_probe_opts_init(tkp_probe_opts *o)
{
	memset(o, 0, sizeof *o);
}

void tkp_probe_free(tkp_probe *p)
{
	if (!p)
		return;
	free(p->points);
	free(p->peaks);
	free(p);
}

static int add_point(tkp_probe *p, int test, int threads, double bytes, double value)
{
	if (p->npoints == p->cappoints) {
		size_t cap = p->cappoints ? 2 * p->cappoints : 256;
		tkp_probe_point *np = realloc(p->points, cap * sizeof *np);
		if (!np)
			return TKP_ENOMEM;
		p->points = np;
		p->cappoints = cap;
	}
	p->points[p->npoints++] = (tkp_probe_point){test, threads, bytes, value};
	return 0;
}

static int add_peak(tkp_probe *p, tkp_dtype dt, tkp_isa isa, int threads, double gflops)
{
	if (p->npeaks == p->cappeaks) {
		size_t cap = p->cappeaks ? 2 * p->cappeaks : 32;
		tkp_peak_row *np = realloc(p->peaks, cap * sizeof *np);
		if (!np)
			return TKP_ENOMEM;
		p->peaks = np;
		p->cappeaks = cap;
	}
	p->peaks[p->npeaks++] = (tkp_peak_row){dt, isa, threads, gflops};
	return 0;
}

/* Round 0 appends; later rounds keep the better of the old and the new
 * figure at the same index (lower latency, higher bandwidth). */
static int put_point(tkp_probe *p, int round, size_t idx, int test, int threads, double bytes, double value)
{
	tkp_probe_point *q;

	if (round == 0)
		return add_point(p, test, threads, bytes, value);
	if (idx >= p->npoints)
		return TKP_EINVAL;
	q = &p->points[idx];
	if (!isfinite(q->value) || (test == TKP_PROBE_LATENCY ? value < q->value : value > q->value))
		q->value = value;
	return 0;
}

static int put_peak(tkp_probe *p, int again, size_t idx, tkp_dtype dt, tkp_isa isa, int threads, double gflops)
{
	if (!again)
		return add_peak(p, dt, isa, threads, gflops);
	if (idx >= p->npeaks)
		return TKP_EINVAL;
	if (!isfinite(p->peaks[idx].gflops) || gflops > p->peaks[idx].gflops)
		p->peaks[idx].gflops = gflops;
	return 0;
}

static int stopped(const tkp_probe_opts *o)
{
	return o->stop && *o->stop;
}

/* The peak of dt/isa on 1 thread, NAN when not measured. */
static double peak_1t(const tkp_probe *p, tkp_dtype dt, tkp_isa isa)
{
	for (size_t i = 0; i < p->npeaks; i++)
		if (p->peaks[i].dtype == dt && p->peaks[i].isa == isa && p->peaks[i].threads == 1)
			return p->peaks[i].gflops;
	return NAN;
}

double tkp_probe_peak_scaling(const tkp_probe *p, size_t i)
{
	const tkp_peak_row *q;
	double one;

	if (!p || i >= p->npeaks || (q = &p->peaks[i])->threads < 2)
		return NAN;
	one = peak_1t(p, q->dtype, q->isa);
	return one > 0 && isfinite(q->gflops) ? q->gflops / (q->threads * one) : NAN;
}

void tkp_probe_worst_scaling(tkp_probe *p)
{
	p->peak_scaling = 1;
	p->peak_scaling_threads = 0;
	for (size_t i = 0; i < p->npeaks; i++) {
		double f = tkp_probe_peak_scaling(p, i);

		if (f < p->peak_scaling) {
			p->peak_scaling = f;
			p->peak_scaling_threads = p->peaks[i].threads;
		}
	}
}

/*
 * FMA chains in registers scale with the cores: T threads on T free cores
 * do T times one thread's work.  A multi-thread peak under
 * TKP_PROBE_SCALING_LOW of that was measured while a core was taken (a
 * neighbour's work, the hypervisor running another guest's vCPU: seen on
 * the Zen 3 VMs here, a 2-thread peak equal to the 1-thread one in every
 * sample of a probe), so it is measured again, up to RECHECKS times,
 * keeping the best.  What is still low stays as measured, and
 * p->peak_scaling says so for the CLI to warn: the roofline's multi-thread
 * roof would otherwise sit where no kernel is limited on a quiet machine.
 */
enum { RECHECKS = 3 };

static int recheck_scaling(tkp_probe *p, const tkp_machine *m, const plan *pl, const tkp_probe_opts *o)
{
	tkp_team *team = NULL;
	int rc = 0;

	for (size_t i = 0; i < p->npeaks; i++) {
		tkp_peak_row *q = &p->peaks[i];
		double v;

		for (int r = 0; r < RECHECKS && tkp_probe_peak_scaling(p, i) < TKP_PROBE_SCALING_LOW; r++) {
			if (stopped(o)) {
				rc = TKP_EINTR;
				goto done;
			}
			if (team && tkp_team_size(team) != q->threads) {
				tkp_team_close(team);
				team = NULL;
			}
			if (!team && (rc = tkp_team_open(&team, q->threads, m->pin_cpus)) != 0)
				goto done;
			if ((rc = tkp_probe_peak(team, q->dtype, q->isa, pl->peak_time, pl->peak_samples, &v)) != 0 ||
			    (rc = put_peak(p, 1, i, q->dtype, q->isa, q->threads, v)) != 0)
				goto done;
		}
	}
	tkp_probe_worst_scaling(p);
done:
	tkp_team_close(team);
	return rc;
}

int tkp_probe_peak_again(const tkp_machine *m, tkp_dtype dt, tkp_isa isa, int threads,
			 double *gflops)
{
	tkp_team *team = NULL;
	double v;
	int rc;

	*gflops = 0;
	if (threads < 1 || threads > TKP_PROBE_MAX_THREADS)
		return TKP_EINVAL;
	if ((rc = tkp_team_open(&team, threads, m->pin_cpus)) != 0)
		return rc;
	for (int r = 0; r < FULL.rounds * FULL.peak_rounds && !rc; r++)
		if (!(rc = tkp_probe_peak(team, dt, isa, FULL.peak_time, FULL.peak_samples, &v)) &&
		    v > *gflops)
			*gflops = v;
	tkp_team_close(team);
	return rc;
}

static void progress(const tkp_probe_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(const tkp_probe_opts *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	o->progress(o->ctx, buf);
}

/* Largest working set: four times the largest reported cache, at least
 * 32 MiB (for machines that report none, or a small one) and at most
 * 256 MiB (VMs report absurd L3s: 508 MB here) or an eighth of memory. */
static size_t default_max_bytes(const tkp_machine *m)
{
	double llc = 0, want;
	int i;

	for (i = 0; i < m->ncaches; i++)
		if (isfinite(m->caches[i].reported_bytes) && m->caches[i].reported_bytes > llc)
			llc = m->caches[i].reported_bytes;
	want = 4 * llc;
	if (want < (double)DEFAULT_MIN_MAX)
		want = (double)DEFAULT_MIN_MAX;
	if (want > (double)DEFAULT_CAP)
		want = (double)DEFAULT_CAP;
	if (m->memory_bytes && want > (double)m->memory_bytes / 8)
		want = (double)m->memory_bytes / 8;
	if (want < 1 << 20)
		want = 1 << 20;
	return (size_t)want / 4096 * 4096;
}

/* Largest working set of the bandwidth sweeps with `threads` threads: the
 * base size per thread, since threads spread over chiplets bring their own
 * L3s (two vCPUs on two Zen CCDs have 64 MB of L3 between them, and a
 * 256 MiB triad still ran 25% above DRAM speed), capped at 4 GiB and a
 * quarter of memory. */
static size_t bw_max_bytes(const tkp_probe *p, const tkp_machine *m, int threads)
{
	double want = (double)p->max_bytes * threads, cap = 4.0 * (1u << 30);

	if (m->memory_bytes && cap > (double)m->memory_bytes / 4)
		cap = (double)m->memory_bytes / 4;
	if (want > cap)
		want = cap;
	if (want < (double)p->max_bytes)
		want = (double)p->max_bytes;
	return (size_t)want / 4096 * 4096;
}

/* Geometric sizes from 4 KiB to max (included), multiples of 64 bytes. */
static size_t make_sizes(double factor, size_t max, double *out, size_t cap)
{
	size_t n = 0;
	double s;

	for (s = MIN_BYTES; s <= (double)max * 1.0001 && n < cap; s *= factor) {
		double b = floor(s / 64) * 64;
		if (!n || b > out[n - 1])
			out[n++] = b;
	}
	if (n && n < cap && out[n - 1] < (double)max / (1 + (factor - 1) / 2))
		out[n++] = (double)max;
	return n;
}

static int default_threads(const tkp_machine *m, int *out)
{
	int n = 0, t, cores = m->ncores_allowed > 0 ? m->ncores_allowed : 1;

	if (cores > TKP_PROBE_MAX_THREADS)
		cores = TKP_PROBE_MAX_THREADS;
	for (t = 1; t < cores; t *= 2)
		out[n++] = t;
	out[n++] = cores;
	return n;
}

/* ---- levels from the curves ------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Private levels (L1, L2) give each thread its own: their range scales
 * with the number of threads. */
static double scale_for(int depth, int threads)
{
	return depth >= 1 && depth <= 2 ? threads : 1;
}

/* Median of the read bandwidths with `threads` threads in [lo, hi]; when
 * none is inside (a level squeezed between private caches that grow with
 * the threads and a shared one that does not), the point inside the level
 * (outer_lo, outer_hi) nearest its geometric centre; NAN if none. */
static double plateau_bw(const tkp_probe *p, int threads, double lo, double hi, double outer_lo,
			 double outer_hi)
{
	double v[4096], centre, best_d = INFINITY, nearest = NAN;
	size_t i, n = 0;

	if (lo < MIN_BYTES)
		lo = MIN_BYTES;
	centre = isfinite(outer_hi) ? sqrt((outer_lo > MIN_BYTES ? outer_lo : MIN_BYTES) * outer_hi) : INFINITY;
	for (i = 0; i < p->npoints; i++) {
		const tkp_probe_point *q = &p->points[i];
		double d;
		if (q->test != TKP_PROBE_READ || q->threads != threads || !isfinite(q->value))
			continue;
		if (q->bytes >= lo && q->bytes <= hi && n < 4096)
			v[n++] = q->value;
		if (q->bytes <= outer_lo || q->bytes >= outer_hi)
			continue;
		d = isfinite(centre) ? fabs(log(q->bytes / centre)) : -q->bytes;
		if (d < best_d) {
			best_d = d;
			nearest = q->value;
		}
	}
	if (n == 0)
		return nearest;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void build_levels(tkp_probe *p, const tkp_machine *m)
{
	double bytes[4096], lat[4096], rep[TKP_KNEE_MAX];
	int rep_depth[TKP_KNEE_MAX], assign[TKP_KNEE_MAX], nr = 0, nk, i, t, lv = 0, prev_depth = 0;
	int used_rep[TKP_KNEE_MAX] = {0};
	size_t n = 0, j;
	tkp_knees k;
	double prev_size = 0;
	int first_plateau = 0;

	p->nlevels = 0;
	for (j = 0; j < p->npoints && n < 4096; j++)
		if (p->points[j].test == TKP_PROBE_LATENCY && isfinite(p->points[j].value) && p->points[j].value > 0) {
			bytes[n] = p->points[j].bytes;
			lat[n++] = p->points[j].value;
		}
	for (i = 0; i < m->ncaches && nr < TKP_KNEE_MAX; i++)
		if (isfinite(m->caches[i].reported_bytes) && m->caches[i].reported_bytes > 0) {
			rep[nr] = m->caches[i].reported_bytes;
			rep_depth[nr++] = m->caches[i].depth;
		}
	if (n < 4 || tkp_knee_detect(bytes, lat, n, &k) != 0)
		k.nlevels = 0;
	nk = k.nlevels > 0 ? k.nlevels - 1 : 0;
	tkp_knee_match(k.size, nk, rep, nr, assign);

	for (i = 0; i < nk && lv < TKP_KNEE_MAX - 1; i++) {
		tkp_probe_level *L;
		int depth;
		if (nr > 0 && assign[i] < 0)
			continue; /* a knee no reported level explains: stays inside a level */
		depth = nr > 0 ? rep_depth[assign[i]] : prev_depth + 1;
		L = &p->levels[lv++];
		memset(L, 0, sizeof *L);
		tkp_fmt(L->name, sizeof L->name, "L%d", depth);
		L->measured_bytes = round(k.size[i]);
		L->reported_bytes = nr > 0 ? rep[assign[i]] : NAN;
		if (nr > 0)
			used_rep[assign[i]] = 1;
		/* The level's latency is its first plateau (one after a dropped
		 * knee is the same memory seen through a TLB step). */
		L->latency_ns = k.level[first_plateau];
		for (t = 0; t < p->nthreads; t++) {
			double below = prev_size * scale_for(prev_depth, p->threads[t]);
			double top = k.size[i] * scale_for(depth, p->threads[t]);
			L->read_gbs[t] = plateau_bw(p, p->threads[t], 2 * below, top / 2, below, top);
		}
		prev_size = k.size[i];
		prev_depth = depth;
		first_plateau = i + 1;
	}
	/* Memory: the last plateau (or the tail of a curve still rising). */
	if (k.nlevels > 0 && lv < TKP_KNEE_MAX) {
		tkp_probe_level *L = &p->levels[lv++];
		memset(L, 0, sizeof *L);
		tkp_strlcpy(L->name, "DRAM", sizeof L->name);
		L->measured_bytes = NAN;
		L->reported_bytes = NAN;
		L->latency_ns = k.level[k.nlevels - 1];
		/* The top octave of the sweep, and at least 4x the last cache:
		 * streaming reads fall off slowly past a victim L3 (and past the
		 * L3s of several chiplets when threads spread over them). */
		for (t = 0; t < p->nthreads; t++) {
			double below = prev_size * scale_for(prev_depth, p->threads[t]);
			double top = (double)bw_max_bytes(p, m, p->threads[t]) / 2;
			double lo = 4 * below > top ? 4 * below : top;
			L->read_gbs[t] = plateau_bw(p, p->threads[t], lo, INFINITY, below, INFINITY);
		}
	}
	p->nlevels = lv;
	/* Reported levels no knee was found for: reported, not measured. */
	for (i = 0; i < nr && p->nlevels < TKP_KNEE_MAX; i++) {
		tkp_probe_level *L;
		int pos;
		if (used_rep[i])
			continue;
		/* before DRAM and after the levels of smaller depth */
		for (pos = 0; pos < p->nlevels && strcmp(p->levels[pos].name, "DRAM") != 0 &&
			      atoi(p->levels[pos].name + 1) < rep_depth[i];
		     pos++)
			;
		memmove(&p->levels[pos + 1], &p->levels[pos], (size_t)(p->nlevels - pos) * sizeof *L);
		p->nlevels++;
		L = &p->levels[pos];
		memset(L, 0, sizeof *L);
		tkp_fmt(L->name, sizeof L->name, "L%d", rep_depth[i]);
		L->measured_bytes = NAN;
		L->reported_bytes = rep[i];
		L->latency_ns = NAN;
		for (t = 0; t < TKP_PROBE_MAX_THREADS; t++)
			L->read_gbs[t] = NAN;
	}
}

/* ---- running it ------------------------------------------------------------ */

int tkp_probe_run(const tkp_machine *m, const tkp_probe_opts *o, tkp_probe **out)
{
	const plan *pl = o->quick ? &QUICK : &FULL;
	double sizes[512], bw_sizes[512], t0 = tkp_timer_now(), v;
	size_t nsizes, nbw, i, bw_max;
	tkp_probe *p;
	tkp_chase *chase = NULL;
	tkp_team *team = NULL;
	tkp_bw *bw = NULL;
	int rc = 0, ti, isa, dt, test, pinned = 1, round;
	char note[32];

	*out = NULL;
	if (!(p = calloc(1, sizeof *p)))
		return TKP_ENOMEM;
	p->quick = o->quick;
	p->max_bytes = o->max_bytes ? o->max_bytes : default_max_bytes(m);
	p->bw_isa = tkp_isa_current();
	if (o->nthreads > 0) {
		if (o->nthreads > TKP_PROBE_MAX_THREADS) {
			rc = TKP_EINVAL;
			goto fail;
		}
		for (i = 0; i < (size_t)o->nthreads; i++) {
			if (o->threads[i] < 1 || o->threads[i] > m->ncpus_allowed ||
			    o->threads[i] > TKP_PROBE_MAX_THREADS) {
				rc = TKP_EINVAL;
				goto fail;
			}
			p->threads[i] = o->threads[i];
		}
		p->nthreads = o->nthreads;
	} else {
		p->nthreads = default_threads(m, p->threads);
	}
	if (p->max_bytes < 65536) {
		rc = TKP_EINVAL;
		goto fail;
	}
	nsizes = make_sizes(pl->factor, p->max_bytes, sizes, sizeof sizes / sizeof *sizes);

	/* Rounds: the whole sweep again, keeping each figure's best, so that a
	 * burst of other work on a shared machine spoils one round's samples
	 * of a figure but not all of them. */
	for (round = 0; round < pl->rounds; round++) {
		size_t pt = 0, pk = 0; /* cursors into points[] and peaks[] */

		/* Latency staircase, one thread on the first core. */
		progress(o, "latency: pointer chase over %zu working sets, 4 KiB to %zu MiB%s", nsizes,
			 p->max_bytes >> 20, round_note(pl, round, note, sizeof note));
		if ((rc = tkp_chase_open(&chase, p->max_bytes, m->ncpus_allowed > 0 ? m->pin_cpus[0] : -1)) != 0)
			goto fail;
		for (i = 0; i < nsizes; i++) {
			if (stopped(o)) {
				rc = TKP_EINTR;
				goto fail;
			}
			if ((rc = tkp_chase_measure(chase, (size_t)sizes[i], pl->lat_time, pl->lat_samples, &v)) != 0 ||
			    (rc = put_point(p, round, pt++, TKP_PROBE_LATENCY, 1, sizes[i], v)) != 0)
				goto fail;
		}
		tkp_chase_close(chase);
		chase = NULL;

		for (ti = 0; ti < p->nthreads; ti++) {
			int T = p->threads[ti], sub;
			if ((rc = tkp_team_open(&team, T, m->pin_cpus)) != 0)
				goto fail;
			pinned &= tkp_team_pinned(team);
			progress(o, "peak FLOP/s, %d thread%s%s", T, T > 1 ? "s" : "",
				 round_note(pl, round, note, sizeof note));
			/* each (dtype, ISA) in turn, peak_rounds times over */
			for (sub = 0; sub < pl->peak_rounds; sub++) {
				size_t k = pk;
				for (dt = 0; dt < 2; dt++)
					for (isa = TKP_ISA_GENERIC; isa <= (int)tkp_isa_supported(); isa++) {
						if (stopped(o)) {
							rc = TKP_EINTR;
							goto fail;
						}
						rc = tkp_probe_peak(team, (tkp_dtype)dt, (tkp_isa)isa, pl->peak_time,
								    pl->peak_samples, &v);
						if (rc == TKP_ENOTSUP)
							continue;
						if (rc || (rc = put_peak(p, round || sub, k++, (tkp_dtype)dt, (tkp_isa)isa, T, v)) != 0)
							goto fail;
					}
				if (sub == pl->peak_rounds - 1)
					pk = k;
			}
			progress(o, "bandwidth (read, triad), %d thread%s%s", T, T > 1 ? "s" : "",
				 round_note(pl, round, note, sizeof note));
			bw_max = bw_max_bytes(p, m, T);
			nbw = make_sizes(pl->bw_factor, bw_max, bw_sizes, sizeof bw_sizes / sizeof *bw_sizes);
			if ((rc = tkp_bw_open(&bw, team, bw_max, p->bw_isa)) != 0)
				goto fail;
			for (test = TKP_BW_READ; test <= TKP_BW_TRIAD; test++)
				for (i = 0; i < nbw; i++) {
					size_t actual;
					if (stopped(o)) {
						rc = TKP_EINTR;
						goto fail;
					}
					rc = tkp_bw_measure(bw, (tkp_bw_test)test, (size_t)bw_sizes[i], pl->bw_time,
							    pl->bw_samples, &v, &actual);
					if (rc || (rc = put_point(p, round, pt++,
								  test == TKP_BW_READ ? TKP_PROBE_READ : TKP_PROBE_TRIAD, T,
								  (double)actual, v)) != 0)
						goto fail;
				}
			tkp_bw_close(bw);
			bw = NULL;
			tkp_team_close(team);
			team = NULL;
		}
	}
	p->pinned = pinned;
	if ((rc = recheck_scaling(p, m, pl, o)) != 0)
		goto fail;
	build_levels(p, m);
	p->seconds = tkp_timer_now() - t0;
	*out = p;
	return 0;

fail:
	tkp_bw_close(bw);
	tkp_team_close(team);
	tkp_chase_close(chase);
	tkp_probe_free(p);
	return rc;
}

void tkp_probe_apply(const tkp_probe *p, tkp_machine *m)
{
	int i, c;

	for (i = 0; i < p->nlevels; i++) {
		const tkp_probe_level *L = &p->levels[i];
		int depth;
		if (L->name[0] != 'L' || (depth = atoi(L->name + 1)) < 1)
			continue;
		for (c = 0; c < m->ncaches && m->caches[c].depth != depth; c++)
			;
		if (c == m->ncaches) {
			/* measured but not reported: a new entry, kept sorted */
			if (m->ncaches >= TKP_MACHINE_MAX_CACHES)
				continue;
			for (c = m->ncaches; c > 0 && m->caches[c - 1].depth > depth; c--)
				m->caches[c] = m->caches[c - 1];
			m->ncaches++;
			memset(&m->caches[c], 0, sizeof m->caches[c]);
			m->caches[c].depth = depth;
			m->caches[c].reported_bytes = NAN;
			tkp_fmt(m->caches[c].level, sizeof m->caches[c].level, depth == 1 ? "L1d" : "L%d", depth);
		}
		m->caches[c].measured_bytes = L->measured_bytes;
	}
	m->probed = 1;
	m->probe_quick = p->quick;
	m->probe_seconds = p->seconds;
	m->probe_max_bytes = (double)p->max_bytes;
	m->probe_nthreads = p->nthreads < 64 ? p->nthreads : 64;
	for (i = 0; i < m->probe_nthreads; i++)
		m->probe_threads[i] = p->threads[i];
}

/* ---- CSV ---------------------------------------------------------------------- */

static int row(FILE *fp, const char *ceiling, const char *dtype, const char *isa, int threads,
	       double value, const char *unit, const char *source)
{
	int bad = 0;

	bad |= tkp_csv_put_str(fp, ceiling);
	bad |= tkp_csv_sep(fp);
	bad |= tkp_csv_put_str(fp, dtype);
	bad |= tkp_csv_sep(fp);
	bad |= tkp_csv_put_str(fp, isa);
	bad |= tkp_csv_sep(fp);
	if (threads > 0)
		bad |= tkp_csv_put_int(fp, threads);
	bad |= tkp_csv_sep(fp);
	bad |= tkp_csv_put_num(fp, value);
	bad |= tkp_csv_sep(fp);
	bad |= tkp_csv_put_str(fp, unit);
	bad |= tkp_csv_sep(fp);
	bad |= tkp_csv_put_str(fp, source);
	bad |= tkp_csv_eol(fp);
	return bad ? TKP_EIO : 0;
}

int tkp_probe_write_ceilings(const tkp_probe *p, const char *path)
{
	tkp_afile f;
	int rc, i, t, bad = 0;
	size_t j;

	if ((rc = tkp_afile_open(&f, path)) != 0)
		return rc;
	bad |= fputs(TKP_CEILINGS_HEADER "\n", f.fp) < 0;
	for (j = 0; j < p->npeaks; j++) {
		const tkp_peak_row *q = &p->peaks[j];
		bad |= row(f.fp, "peak", tkp_dtype_name(q->dtype), tkp_probe_isa_name(q->isa), q->threads,
			   q->gflops, "GFLOP/s", "measured") != 0;
	}
	for (i = 0; i < p->nlevels; i++) {
		const tkp_probe_level *L = &p->levels[i];
		for (t = 0; t < p->nthreads; t++)
			if (isfinite(L->read_gbs[t]))
				bad |= row(f.fp, L->name, "f64", tkp_probe_isa_name(p->bw_isa), p->threads[t],
					   L->read_gbs[t], "GB/s", "measured") != 0;
		if (isfinite(L->latency_ns))
			bad |= row(f.fp, L->name, "", "", 1, L->latency_ns, "ns", "measured") != 0;
		if (isfinite(L->measured_bytes))
			bad |= row(f.fp, L->name, "", "", 0, round(L->measured_bytes), "bytes", "measured") != 0;
		if (isfinite(L->reported_bytes))
			bad |= row(f.fp, L->name, "", "", 0, L->reported_bytes, "bytes", "reported") != 0;
	}
	if (bad) {
		tkp_afile_abort(&f);
		return TKP_EIO;
	}
	return tkp_afile_commit(&f);
}

int tkp_probe_write_hierarchy(const tkp_probe *p, const char *path)
{
	static const char *const tests[] = {"latency", "read", "triad"};
	tkp_afile f;
	int rc, bad = 0;
	size_t j;

	if ((rc = tkp_afile_open(&f, path)) != 0)
		return rc;
	bad |= fputs(TKP_HIERARCHY_HEADER "\n", f.fp) < 0;
	for (j = 0; j < p->npoints; j++) {
		const tkp_probe_point *q = &p->points[j];
		bad |= tkp_csv_put_str(f.fp, tests[q->test]) != 0;
		bad |= tkp_csv_sep(f.fp) != 0;
		bad |= tkp_csv_put_int(f.fp, q->threads) != 0;
		bad |= tkp_csv_sep(f.fp) != 0;
		bad |= tkp_csv_put_num(f.fp, q->bytes) != 0;
		bad |= tkp_csv_sep(f.fp) != 0;
		bad |= tkp_csv_put_num(f.fp, q->value) != 0;
		bad |= tkp_csv_sep(f.fp) != 0;
		bad |= tkp_csv_put_str(f.fp, q->test == TKP_PROBE_LATENCY ? "ns" : "GB/s") != 0;
		bad |= tkp_csv_eol(f.fp) != 0;
	}
	if (bad) {
		tkp_afile_abort(&f);
		return TKP_EIO;
	}
	return tkp_afile_commit(&f);
}
