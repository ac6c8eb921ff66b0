/*
 * userkernel_run.c - running a user kernel where its faults cannot reach
 * the caller: each measurement or check happens in a forked child, which
 * writes its answer into a pipe and exits.  The parent waits for the
 * answer with a time limit; a child killed by a signal (SIGSEGV, SIGBUS,
 * SIGFPE, abort's SIGABRT), one that exits without an answer, or one
 * still running at the limit (then killed with SIGKILL) ends as an
 * outcome saying which, and the caller fails only that configuration.
 *
 * The child is a copy of the caller: the kernel is loaded already, and the
 * measurement is tkp_measure_kernel itself, counters included (PAPI's
 * event sets are created with inherit, so a child of the measuring thread
 * is counted; counting apart, a simulation, is the caller's, after the
 * child has shown the configuration runs).  The caller's stdio buffers are
 * flushed before the fork and the child's before its _exit, so nothing is
 * written twice and what the kernel prints is not lost.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernels.h"
#include "timer.h"
#include "userkernel.h"
#include "util.h"
#include "verify.h"

double tkp_userk_time_limit(double flops, int runs, double peak_gflops, double min_time_s,
			    double floor_s)
{
	double peak = peak_gflops > 0 && isfinite(peak_gflops) ? peak_gflops : 10;

	if (!(flops > 0))
		flops = 0;
	return floor_s + (runs > 0 ? runs : 1) * flops / (peak * 1e-3 * 1e9) + min_time_s;
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGABRT: return "SIGABRT";
	case SIGILL: return "SIGILL";
	case SIGKILL: return "SIGKILL";
	case SIGTERM: return "SIGTERM";
	case SIGINT: return "SIGINT";
	default: return "signal";
	}
}

/* Reads len bytes from fd until the deadline; 0 done, 1 EOF first,
 * 2 timed out, 3 stopped. */
static int read_until(int fd, void *buf, size_t len, double deadline, volatile int *stop)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = {fd, POLLIN, 0};
		double left = deadline - tkp_timer_now();
		ssize_t n;
		int pr;

		if (stop && *stop)
			return 3;
		if (left <= 0)
			return 2;
		pr = poll(&p, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1);
		if (pr < 0 && errno != EINTR)
			return 1;
		if (pr <= 0)
			continue;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		got += (size_t)n;
	}
	return 0;
}

/* Writes all of buf (the child). */
static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Runs job(arg, out) in a child; the child sends back its return value and
 * out[0..outlen).  Returns the job's value, 1 when the child crashed, timed
 * out (oc says which) or TKP_EINTR when stopped; TKP_EIO when no child
 * could be made.
 */
static int in_child(int (*job)(void *arg, void *out), void *arg, void *out, size_t outlen,
		    double limit_s, volatile int *stop, tkp_userk_outcome *oc)
{
	int fds[2], st = 0, rc = 0, how;
	pid_t pid;

	memset(oc, 0, sizeof *oc);
	oc->limit_s = limit_s;
	if (pipe(fds))
		return TKP_EIO;
	/* what the caller has buffered is written once, by the caller; what
	 * the kernel prints (a student's debugging printf) is flushed by the
	 * child before it leaves */
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return TKP_EIO;
	}
	if (pid == 0) {
		close(fds[0]);
		rc = job(arg, out);
		write_all(fds[1], &rc, sizeof rc);
		write_all(fds[1], out, outlen);
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	how = read_until(fds[0], &rc, sizeof rc, tkp_timer_now() + limit_s, stop);
	if (!how)
		how = read_until(fds[0], out, outlen, tkp_timer_now() + limit_s, stop);
	close(fds[0]);
	if (how >= 2)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (how == 3)
		return TKP_EINTR;
	if (how == 2) {
		oc->timed_out = 1;
		tkp_fmt(oc->what, sizeof oc->what, "ran past its %.3g s time limit (killed; set another "
						   "with --kernel-timeout)", limit_s);
		return 1;
	}
	if (how == 1) {
		oc->crashed = 1;
		if (WIFSIGNALED(st)) {
			oc->sig = WTERMSIG(st);
			tkp_fmt(oc->what, sizeof oc->what, "crashed: killed by %s (%s)", sig_name(oc->sig),
				strsignal(oc->sig));
		} else {
			tkp_fmt(oc->what, sizeof oc->what, "exited with status %d before answering (does "
							   "it call exit?)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		}
		return 1;
	}
	return rc;
}

/* ---- measuring ------------------------------------------------------------- */

struct measure_job {
	const tkp_kernel *k;
	tkp_dtype dt;
	size_t m, n, kk;
	int block, threads;
	const tkp_measure_opts *o;
};

static int measure_job(void *arg, void *out)
{
	struct measure_job *j = arg;

	return tkp_measure_kernel(j->k, j->dt, j->m, j->n, j->kk, j->block, j->threads, j->o,
				  (tkp_result *)out);
}

int tkp_userk_measure(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
		      int block, int threads, const tkp_measure_opts *o, double limit_s,
		      tkp_result *r, tkp_userk_outcome *oc)
{
	struct measure_job j = {k, dt, m, n, kk, block, threads, o};

	if (!k || !r || !oc || !(limit_s > 0))
		return TKP_EINVAL;
	memset(r, 0, sizeof *r);
	return in_child(measure_job, &j, r, sizeof *r, limit_s, o ? o->stop : NULL, oc);
}

/* ---- checking against naive ------------------------------------------------ */

/* Awkward shapes: one element, primes, thin, flat, and k = 1. */
static const size_t shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {17, 31, 13}, {1, 37, 19},
				   {33, 1, 29}, {23, 19, 1}, {67, 61, 71}};

struct check_job {
	const tkp_kernel *k;
	tkp_dtype dt;
};

static double at(const void *p, tkp_dtype dt, size_t i)
{
	return dt == TKP_F32 ? ((const float *)p)[i] : ((const double *)p)[i];
}

/* One shape: 0, TKP_EVERIFY with *w, or the kernel's or naive's error. */
static int check_shape(const tkp_kernel *k, tkp_dtype dt, const size_t s[3], tkp_rng *rng,
		       tkp_userk_wrong *w)
{
	size_t m = s[0], n = s[1], kk = s[2], es = tkp_dtype_size(dt);
	void *a = malloc(m * kk * es), *b = malloc(kk * n * es), *c = malloc(m * n * es),
	     *ref = malloc(m * n * es);
	double tol = tkp_verify_tolerance(dt, kk);
	tkp_gemm g;
	int rc = TKP_ENOMEM;

	if (!a || !b || !c || !ref)
		goto fail;
	for (size_t i = 0; i < m * kk + kk * n; i++) {
		double v = tkp_rng_unit(rng) - 0.5;
		void *p = i < m * kk ? a : b;
		size_t o = i < m * kk ? i : i - m * kk;
		if (dt == TKP_F32)
			((float *)p)[o] = (float)v;
		else
			((double *)p)[o] = v;
	}
	for (size_t i = 0; i < m * n; i++)
		if (dt == TKP_F32)
			((float *)c)[i] = NAN;
		else
			((double *)c)[i] = NAN;
	g = (tkp_gemm){.dtype = dt, .m = m, .n = n, .k = kk, .a = a, .b = b, .c = ref};
	if ((rc = tkp_gemm_naive(&g)))
		goto fail;
	g.c = c;
	/* a small tile, so that edge tiles are exercised; threads beyond rows */
	g.block = (k->caps & TKP_CAP_BLOCK) ? 4 : 0;
	g.threads = (k->caps & TKP_CAP_THREADS) ? 3 : 0;
	if ((rc = tkp_kernel_run(k, &g)))
		goto fail;
	for (size_t i = 0; i < m * n; i++) {
		double got = at(c, dt, i), want = at(ref, dt, i);
		double scale = 0;
		for (size_t p = 0; p < kk; p++)
			scale += fabs(at(a, dt, i / n * kk + p) * at(b, dt, p * n + i % n));
		if (!(fabs(got - want) <= tol * (scale > 0 ? scale : 1) + 1e-30)) {
			*w = (tkp_userk_wrong){m, n, kk, i / n, i % n, got, want};
			rc = TKP_EVERIFY;
			goto fail;
		}
	}
	rc = 0;
fail:
	free(a);
	free(b);
	free(c);
	free(ref);
	return rc;
}

static int check_job(void *arg, void *out)
{
	struct check_job *j = arg;
	tkp_rng rng;
	int rc = 0;

	tkp_rng_seed(&rng, 7);
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0] && !rc; s++)
		rc = check_shape(j->k, j->dt, shapes[s], &rng, out);
	return rc;
}

int tkp_userk_check(const tkp_kernel *k, tkp_dtype dt, double limit_s, volatile int *stop,
		    tkp_userk_wrong *w, tkp_userk_outcome *oc)
{
	struct check_job j = {k, dt};

	if (!k || !w || !oc || !(limit_s > 0))
		return TKP_EINVAL;
	memset(w, 0, sizeof *w);
	return in_child(check_job, &j, w, sizeof *w, limit_s, stop, oc);
}
