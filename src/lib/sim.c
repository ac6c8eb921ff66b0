/*
 * sim.c - simulated cache counters through valgrind's callgrind (see
 * sim.h for what is simulated and its limits).
 *
 * valgrind is run as a program: fork and execve, no shell; stdin and stdout
 * of the child are /dev/null and its stderr goes to a file in a private
 * temporary directory, whose last lines become the error text when a
 * simulation fails.  Each simulation has a timeout and can be stopped
 * (the sweep's Ctrl-C): the child is killed and reaped, never left behind.
 *
 * Sampling.  valgrind runs a kernel 50-100× slower than the CPU, so a
 * large configuration is simulated on a slice of it, computed at the
 * addresses it has in the whole problem after a warm-up, and the counts
 * are scaled to the whole.  What holds, and why:
 *
 *   - Rows of C are independent, and an operand the slice shares whole
 *     with the problem (B, and the packed tiles of B) keeps its relation
 *     to every cache: naive and simd, which stream B once per row panel,
 *     give the same misses per FLOP for 8 rows as for 1024, and do no
 *     work once per call, so one row slice is scaled by m/m1.
 *   - A kernel whose outer loop runs over columns (blocked, threaded:
 *     JC, PC, IC) re-reads all of A once per column panel, so a row slice
 *     of A can fit a cache the whole A outgrows (issue 15: blocked 1024
 *     f64, 64 rows fit a 1 MiB L2, the whole does not).  These kernels are
 *     sampled by column panels instead (col_slices): every panel reads all
 *     of A, so A's relation to each cache is the whole problem's, and the
 *     panel's B and C are its own.  The child runs the kernel's own loops
 *     on the whole matrices through a column range entry (kernels.h's
 *     tkp_gemm_blocked_cols, tkp_gemm_threaded_cols: same strides, so the
 *     4 KiB aliasing of B's rows is kept; threaded's grid of blocks as for
 *     the whole, every worker counted).  Other kernels declaring a block
 *     (run-time ones) keep row slices large enough that A and C's panel
 *     outgrow every level the whole ones fill more than half of.
 *   - Work done once per call whatever m is (packing B: the tuned kernel
 *     packs a KC×n panel per k block and reuses it for every row panel;
 *     a BLAS does the same) does not scale with the rows: one slice
 *     charges it to too few rows (issue 15: tuned L2 3.30 / 1.89 / 1.37
 *     misses per kFLOP at 64 / 128 / 256 rows).  So tuned and blas count
 *     two row slices, m1 and m2 = 2·m1 rows, and each count is
 *     extrapolated along the line through them:
 *     count(m) = c2 + (c2 - c1)·(m - m2)/(m2 - m1), which separates the
 *     per-call part from the per-row part.  Their slices are whole
 *     register tiles, fewer rows than MC: the packed A block and B panel
 *     are sized to the caches whatever m is.  Where the second slice
 *     would cost nearly what the whole does (n <= 1024 for both), they are
 *     simulated whole, after a warm-up cheaper than a call (warm_up); one
 *     slice scaled by m/m1 charges the per-call part to too few rows
 *     (blas 1024 f32: 23.7% over in L3).  A BLAS is simulated on one
 *     thread (tkp_sim_run says why).
 *   - Small configurations (below 2^23 FLOP) are simulated whole.
 *   - The two valgrind runs (LL = L2, LL = L3) choose their row slices
 *     apart, each keeping the relations of the levels it simulates.
 *
 * counted_fraction records the share of C counted (m2/m or m1/m, the
 * smaller of the two runs'; or the columns counted over n); 1 for a whole
 * simulation.  Sampling is turned off by tkp_sim_opts's
 * no_sample (`--no-sample`, a profile's `sim_sample = off`).  Threads: the
 * kernel splits the slice between its workers as it splits the whole, and
 * every worker is counted (the worker entry is toggled on by name).
 */
#include "config.h"

#include <alloca.h>
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
#include <sys/wait.h>
#ifdef __linux__
#include <sys/personality.h>
#endif
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
/* Client requests (no-ops outside valgrind): with them the child's start
 * (the dynamic loader, the libraries' constructors) runs uninstrumented,
 * which saves a fifth of each short simulation.  Without the header the
 * child is instrumented from the start; counts are the same either way. */
#include <valgrind/callgrind.h>
#define TKP_SIM_CLIENT_REQUESTS 1
#endif
#endif

#include "kernels.h"
#include "sim.h"
#include "measure.h"
#include "timer.h"
#include "tuning.h"
#include "util.h"

/* The thread entry of our threaded kernels (static functions of that name
 * in src/kernels/threaded.c and tuned.c).  Collection is per thread and
 * starts off in a new thread, so worker threads are toggled on by this
 * name; if one is renamed, tkp_sim_run sees no costs under it and flags
 * the row as covering the calling thread only, rather than counting less
 * silently. */
#define TKP_SIM_WORKER_FN "worker_main"

struct tkp_sim {
	char valgrind[PATH_MAX];
	char version[64];
	char exe[PATH_MAX];
	dev_t exe_dev;         /* the binary when opened: a rebuild during a */
	ino_t exe_ino;         /* sweep must not mix two programs' counts */
	char tmpdir[PATH_MAX];
	tkp_sim_geometry geo;
	double timeout_s;
	int parallel;
	volatile int *stop;
	int sample;  /* sample large configurations (see the top) */
	char **envp; /* the children's environment (child_env) */
};

/* ---- geometry ------------------------------------------------------------- */

static int is_pow2(long long x)
{
	return x > 0 && (x & (x - 1)) == 0;
}

static void note_add(tkp_sim_geometry *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_add(tkp_sim_geometry *g, const char *fmt, ...)
{
	size_t used = strlen(g->note);
	va_list ap;

	if (used && used + 2 < sizeof g->note) {
		memcpy(g->note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(g->note + used, sizeof g->note - used, fmt, ap);
	va_end(ap);
}

void tkp_sim_cache_text(const tkp_sim_cache *c, char *buf, size_t len)
{
	double s = (double)c->size;

	if (c->size <= 0)
		tkp_fmt(buf, len, "none");
	else if (c->size >= 1 << 20 && c->size % (1 << 20) == 0)
		tkp_fmt(buf, len, "%.0f MiB %d-way", s / (1 << 20), c->assoc);
	else if (c->size >= 1 << 20)
		tkp_fmt(buf, len, "%.1f MiB %d-way", s / (1 << 20), c->assoc);
	else
		tkp_fmt(buf, len, "%.0f KiB %d-way", s / 1024, c->assoc);
}

/* Rounds one level to what valgrind's simulator accepts (cg_arch.c's
 * check_cache: line a power of two ≥ 16, associativity ≤ lines, number of
 * sets a power of two), noting what changed. */
static void fit(tkp_sim_geometry *g, tkp_sim_cache *c, const char *name, double bytes, int line,
		int assoc, int default_assoc)
{
	long long size, sets, lines;
	char was[64], now[64];

	memset(c, 0, sizeof *c);
	if (!(bytes > 0) || !isfinite(bytes))
		return;
	size = (long long)bytes;
	if (line < 16 || !is_pow2(line)) {
		note_add(g, "%s line %d B unknown or unusable: 64 B assumed", name, line);
		line = 64;
	}
	if (assoc == -1) {
		note_add(g, "%s fully associative: simulated %d-way", name, default_assoc);
		assoc = default_assoc;
	} else if (assoc <= 0) {
		note_add(g, "%s associativity unknown: %d-way assumed", name, default_assoc);
		assoc = default_assoc;
	}
	lines = size / line;
	if (lines < 1)
		lines = 1;
	if (assoc > lines)
		assoc = (int)lines;
	c->line = line;
	c->assoc = assoc;
	c->size = size;
	sets = lines / assoc;
	if (sets < 1)
		sets = 1;
	if (!is_pow2(sets) || sets * assoc * line != size) {
		long long p = 1;
		while (p * 2 <= sets)
			p *= 2;
		c->size = p * assoc * line;
		tkp_sim_cache_text(&(tkp_sim_cache){size, assoc, line}, was, sizeof was);
		tkp_sim_cache_text(c, now, sizeof now);
		note_add(g, "%s %s simulated as %s (valgrind needs a power-of-two number of sets)",
			 name, was, now);
	}
}

static const tkp_cache_info *level(const tkp_machine *m, int depth)
{
	for (int i = 0; i < m->ncaches; i++)
		if (m->caches[i].depth == depth)
			return &m->caches[i];
	return NULL;
}

static double bytes_of(const tkp_cache_info *c)
{
	if (!c)
		return NAN;
	return isfinite(c->reported_bytes) && c->reported_bytes > 0 ? c->reported_bytes
								    : c->measured_bytes;
}

void tkp_sim_geometry_from_machine(const tkp_machine *m, tkp_sim_geometry *g)
{
	const tkp_cache_info *l1 = level(m, 1), *l2 = level(m, 2), *l3 = level(m, 3);
	long isz = -1, iassoc = -1, iline = -1;

	memset(g, 0, sizeof *g);
	if (l1 && isfinite(bytes_of(l1)) && bytes_of(l1) > 0) {
		fit(g, &g->d1, "L1d", bytes_of(l1), l1->line_bytes, l1->assoc, 8);
	} else {
		note_add(g, "L1d size unknown: 32 KiB 8-way assumed");
		fit(g, &g->d1, "L1d", 32768, 64, 8, 8);
	}
	if (l2)
		fit(g, &g->l2, "L2", bytes_of(l2), l2->line_bytes, l2->assoc, 8);
	if (l3)
		fit(g, &g->l3, "L3", bytes_of(l3), l3->line_bytes, l3->assoc, 16);
	/* The machine description holds data caches only; the instruction
	 * cache barely matters for these loops (a few misses in all). */
#ifdef _SC_LEVEL1_ICACHE_SIZE
	isz = sysconf(_SC_LEVEL1_ICACHE_SIZE);
	iassoc = sysconf(_SC_LEVEL1_ICACHE_ASSOC);
	iline = sysconf(_SC_LEVEL1_ICACHE_LINESIZE);
#endif
	{
		tkp_sim_geometry scratch;
		memset(&scratch, 0, sizeof scratch);
		fit(&scratch, &g->i1, "L1i", isz > 0 ? (double)isz : 32768.0, iline > 0 ? (int)iline : 64,
		    iassoc > 0 ? (int)iassoc : 8, 8);
	}
}

/* ---- callgrind output --------------------------------------------------------- */

int tkp_sim_parse(const char *path, tkp_sim_counts *out, const char *fn, int *fn_seen,
		  char *err, size_t errlen)
{
	static const char *const names[] = {"Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"};
	enum { NEV = 9, MAXCOL = 64 };
	FILE *fp = fopen(path, "r");
	char *line = NULL, *save;
	size_t cap = 0;
	int col_of[NEV], have_events = 0, have_totals = 0, have_summary = 0, rc = 0, lineno = 0;
	double totals[MAXCOL], summary[MAXCOL];
	size_t fnlen = fn ? strlen(fn) : 0;

	memset(out, 0, sizeof *out);
	if (fn_seen)
		*fn_seen = 0;
	if (!fp) {
		tkp_fmt(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? TKP_ENOENT : TKP_EIO;
	}
	for (int i = 0; i < NEV; i++)
		col_of[i] = -1;
	for (int i = 0; i < MAXCOL; i++)
		totals[i] = summary[i] = 0;
	while (getline(&line, &cap, fp) > 0) {
		char *p, *t;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (lineno == 1 && strncmp(line, "# callgrind format", 18) && strncmp(line, "version:", 8)) {
			tkp_fmt(err, errlen, "%s: not a callgrind output file (line 1: '%.40s')", path, line);
			rc = TKP_EPARSE;
			goto done;
		}
		if (!strncmp(line, "events:", 7)) {
			int col = 0;
			for (t = strtok_r(line + 7, " \t", &save); t; t = strtok_r(NULL, " \t", &save), col++)
				for (int i = 0; i < NEV; i++)
					if (!strcmp(t, names[i]))
						col_of[i] = col;
			have_events = 1;
		} else if (!strncmp(line, "totals:", 7) || !strncmp(line, "summary:", 8)) {
			int is_totals = line[0] == 't', col = 0;
			double *v = is_totals ? totals : summary;
			p = line + (is_totals ? 7 : 8);
			for (t = strtok_r(p, " \t", &save); t && col < MAXCOL; t = strtok_r(NULL, " \t", &save)) {
				char *end;
				errno = 0;
				v[col] = strtod(t, &end);
				if (*end || errno || v[col] < 0) {
					tkp_fmt(err, errlen, "%s:%d: '%s' is not a count", path, lineno, t);
					rc = TKP_EPARSE;
					goto done;
				}
				col++;
			}
			if (is_totals)
				have_totals = 1;
			else
				have_summary = 1;
		} else if (fn && fn_seen && (!strncmp(line, "fn=", 3) || !strncmp(line, "cfn=", 4))) {
			/* "fn=(12) name" or "cfn=(12) name" (a name is defined once,
			 * as caller or callee, then used by its id) or "fn=name":
			 * a function named in the file has collected costs */
			p = line + (line[0] == 'c' ? 4 : 3);
			if (*p == '(' && (p = strchr(p, ')')))
				p += 1 + (p[1] == ' ');
			/* name'2: a recursion level; name@@GLIBC_2.34: a version */
			if (p && !strncmp(p, fn, fnlen) &&
			    (p[fnlen] == '\0' || p[fnlen] == '\'' || p[fnlen] == '@'))
				*fn_seen = 1;
		}
	}
	if (ferror(fp)) {
		tkp_fmt(err, errlen, "%s: %s", path, strerror(errno));
		rc = TKP_EIO;
		goto done;
	}
	if (!have_events || (!have_totals && !have_summary)) {
		tkp_fmt(err, errlen, "%s: no %s line: not a complete callgrind output file", path,
			have_events ? "totals:/summary:" : "events:");
		rc = TKP_EPARSE;
		goto done;
	}
	for (int i = 0; i < NEV; i++)
		if (col_of[i] < 0 || col_of[i] >= MAXCOL) {
			tkp_fmt(err, errlen, "%s: event %s missing (callgrind ran without --cache-sim=yes?)",
				path, names[i]);
			rc = TKP_EPARSE;
			goto done;
		}
	{
		const double *v = have_totals ? totals : summary;
		double *dst[NEV] = {&out->ir,   &out->dr,   &out->dw,   &out->i1mr, &out->d1mr,
				    &out->d1mw, &out->ilmr, &out->dlmr, &out->dlmw};
		for (int i = 0; i < NEV; i++)
			*dst[i] = v[col_of[i]];
	}
done:
	free(line);
	fclose(fp);
	return rc;
}

/* ---- running valgrind ------------------------------------------------------ */

/* Finds an executable by name along PATH (or takes a path as is). */
static int find_program(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH"), *p;
	struct stat st;

	if (strchr(name, '/')) {
		tkp_strlcpy(buf, name, len);
		return stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0 ? 0 : -1;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t dl = end ? (size_t)(end - p) : strlen(p);
		if (dl == 0)
			tkp_fmt(buf, len, "./%s", name);
		else
			tkp_fmt(buf, len, "%.*s/%s", (int)dl, p, name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		if (!end)
			break;
		p = end;
	}
	return -1;
}

extern char **environ;

/*
 * The simulated children's environment: ours, with OpenBLAS held to the
 * timed runs' kernels (tkp_blas_sim_core) and to one thread at start-up.
 * Its constructor otherwise starts a thread pool whose allocations
 * interleave with the main thread's as the CPUs happen to be shared, so
 * the heap, and with it which cache sets the matrices
 * fall in, moved between identical runs (naive 64³: 39017 or 38945 L1 read
 * misses, more often on a loaded machine).  The blas kernel still gets its
 * threads: it sets the count on every call.  NULL when out of memory.
 */
static char **child_env(void)
{
	static char core[64];
	const char *set[3] = {"OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1", NULL};
	const char *bc = tkp_blas_sim_core();
	size_t n = 0, o = 0, nset = 2;
	char **env;

	/* OpenBLAS in the child runs the timed runs' kernels (blas.c) */
	if (bc && (size_t)snprintf(core, sizeof core, "OPENBLAS_CORETYPE=%s", bc) < sizeof core)
		set[nset++] = core;
	while (environ && environ[n])
		n++;
	if (!(env = calloc(n + nset + 1, sizeof *env)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int ours = 0;
		for (size_t j = 0; j < nset; j++)
			if (!strncmp(environ[i], set[j], strcspn(set[j], "=") + 1))
				ours = 1;
		if (!ours)
			env[o++] = environ[i];
	}
	for (size_t j = 0; j < nset; j++)
		env[o++] = (char *)set[j];
	env[o] = NULL;
	return env;
}

/* Starts argv[0] = prog with stdin, stdout from /dev/null and stderr (and
 * stdout too if out_fd >= 0, stdout alone then) redirected, in envp (NULL:
 * ours); -1 on failure. */
static pid_t spawn(const char *prog, char *const argv[], char *const envp[], const char *errpath,
		   int out_fd)
{
	static const char msg[] = "tkprofile: cannot execute valgrind\n";
	pid_t pid;

	pid = fork();
	if (pid != 0)
		return pid;
	/* child: async-signal-safe calls only until execve */
#ifdef __linux__
	/* Without address-space randomisation: valgrind lays the guest out
	 * from where the kernel put valgrind, so under ASLR the heap moves
	 * between runs, the matrices land in other cache sets and L1 misses
	 * of the same naive 64³ run varied by 1-2%.  Where personality() is
	 * refused (seccomp), runs stay correct, only less repeatable. */
	personality(ADDR_NO_RANDOMIZE);
#endif
	{
		int in = open("/dev/null", O_RDONLY), out = out_fd >= 0 ? out_fd : open("/dev/null", O_WRONLY);
		int e = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600) : open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0 || e < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execve(prog, argv, envp ? envp : environ);
		if (write(2, msg, sizeof msg - 1) < 0) {
		}
		_exit(127);
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Waits for n children, killing them all when the timeout passes or *stop
 * is raised.  status[i] gets each wait status.  Returns 0, or TKP_ERANGE
 * (timed out) or TKP_EINTR (stopped) after killing and reaping. */
static int wait_children(pid_t *pid, int *status, int n, double timeout_s, volatile int *stop)
{
	double t0 = tkp_timer_now();
	int left = n, rc = 0;
	int done[4] = {0, 0, 0, 0};

	while (left > 0) {
		for (int i = 0; i < n; i++) {
			pid_t w;
			if (done[i])
				continue;
			w = waitpid(pid[i], &status[i], WNOHANG);
			if (w == pid[i] || (w < 0 && errno == ECHILD)) {
				done[i] = 1;
				left--;
			}
		}
		if (left == 0)
			break;
		if (stop && *stop)
			rc = TKP_EINTR;
		else if (timeout_s > 0 && tkp_timer_now() - t0 > timeout_s)
			rc = TKP_ERANGE;
		if (rc) {
			for (int i = 0; i < n; i++)
				if (!done[i]) {
					kill(pid[i], SIGKILL);
					while (waitpid(pid[i], &status[i], 0) < 0 && errno == EINTR)
						;
					done[i] = 1;
				}
			return rc;
		}
		sleep_ms(5);
	}
	return 0;
}

/* The last few lines valgrind or the child wrote, without valgrind's
 * "==pid== " prefixes, joined by "; ". */
static void err_tail(const char *path, char *buf, size_t len)
{
	char text[4096], *lines[4];
	int fd = open(path, O_RDONLY), nl = 0;
	off_t size;
	ssize_t got;

	buf[0] = '\0';
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof text - 1)
		lseek(fd, size - (off_t)sizeof text + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	got = read(fd, text, sizeof text - 1);
	close(fd);
	if (got <= 0)
		return;
	text[got] = '\0';
	/* walk backwards over the lines, keeping the last non-empty ones */
	for (char *p = text + got; p > text && nl < 4;) {
		char *end = p, *start;
		while (end > text && (end[-1] == '\n' || end[-1] == ' '))
			*--end = '\0';
		start = end;
		while (start > text && start[-1] != '\n')
			start--;
		p = start;
		if (start[0] == '=' && start[1] == '=') {
			char *q = strstr(start + 2, "== ");
			start = q ? q + 3 : start;
			while (*start == ' ')
				start++;
		}
		/* "--pid-- warning: L3 cache found, ..." is valgrind's own
		 * cache detection, which our --LL overrides: not the error */
		if (*start && !(start[0] == '-' && start[1] == '-'))
			lines[nl++] = start;
		if (p > text)
			*--p = '\0';
	}
	for (int i = nl - 1; i >= 0; i--) {
		size_t used = strlen(buf);
		tkp_fmt(buf + used, len - used, "%s%s", used ? "; " : "", lines[i]);
	}
}

/* Runs `valgrind --version`: 0 and the version, or -1. */
static int valgrind_version(const char *prog, char *buf, size_t len)
{
	char *argv[] = {(char *)prog, "--version", NULL};
	int fds[2], status = 0;
	ssize_t got = 0, r;
	pid_t pid;

	buf[0] = '\0';
	if (pipe(fds) != 0)
		return -1;
	pid = spawn(prog, argv, NULL, NULL, fds[1]);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	while ((size_t)got < len - 1 && (r = read(fds[0], buf + got, len - 1 - (size_t)got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += r;
	}
	buf[got > 0 ? got : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && !strncmp(buf, "valgrind", 8) ? 0 : -1;
}

int tkp_sim_open(tkp_sim **out, const tkp_sim_opts *o, const tkp_sim_geometry *geo,
		 char *why, size_t whylen)
{
	tkp_sim *s = NULL;
	const char *tmp = getenv("TMPDIR");
	int rc;

	*out = NULL;
	if (why && whylen)
		why[0] = '\0';
	if (!o || !o->exe || !*o->exe) {
		tkp_fmt(why, whylen, "no tkprofile binary to simulate");
		return TKP_EINVAL;
	}
	if (!(s = calloc(1, sizeof *s)) || !(s->envp = child_env())) {
		free(s);
		tkp_fmt(why, whylen, "out of memory");
		return TKP_ENOMEM;
	}
	if (find_program(o->valgrind ? o->valgrind : "valgrind", s->valgrind, sizeof s->valgrind)) {
		tkp_fmt(why, whylen, "valgrind not found%s; simulated counters need it "
				     "(install: apt-get install valgrind)",
			o->valgrind ? "" : " in PATH");
		rc = TKP_ENOTSUP;
		goto fail;
	}
	if (valgrind_version(s->valgrind, s->version, sizeof s->version)) {
		tkp_fmt(why, whylen, "%s does not run (`valgrind --version` failed); simulated counters "
				     "need a working valgrind (install: apt-get install valgrind)",
			s->valgrind);
		rc = TKP_ENOTSUP;
		goto fail;
	}
	{
		struct stat st;
		if (access(o->exe, X_OK) != 0 || stat(o->exe, &st) != 0) {
			tkp_fmt(why, whylen, "%s: %s", o->exe, strerror(errno));
			rc = TKP_EINVAL;
			goto fail;
		}
		s->exe_dev = st.st_dev;
		s->exe_ino = st.st_ino;
	}
	tkp_strlcpy(s->exe, o->exe, sizeof s->exe);
	if (geo) {
		s->geo = *geo;
	} else {
		tkp_machine m;
		tkp_machine_describe(&m, NULL);
		tkp_sim_geometry_from_machine(&m, &s->geo);
	}
	s->timeout_s = o->timeout_s;
	s->parallel = o->parallel;
	s->stop = o->stop;
	s->sample = !o->no_sample;
	tkp_fmt(s->tmpdir, sizeof s->tmpdir, "%s/tkp-sim.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->tmpdir)) {
		tkp_fmt(why, whylen, "temporary directory %s: %s", s->tmpdir, strerror(errno));
		rc = TKP_EIO;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	free(s->envp);
	free(s);
	return rc;
}

static void remove_runs(const tkp_sim *s)
{
	/* x.cg.1: the warm-up's part, dumped at the marker (--dump-before);
	 * x.cg.2: the first of two slices */
	static const char *const names[] = {"l2.cg",   "l3.cg",   "l2.cg.1", "l3.cg.1",
					    "l2.cg.2", "l3.cg.2", "l2.err",  "l3.err"};
	char p[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		tkp_fmt(p, sizeof p, "%s/%s", s->tmpdir, names[i]);
		unlink(p);
	}
}

void tkp_sim_close(tkp_sim *s)
{
	if (!s)
		return;
	remove_runs(s);
	rmdir(s->tmpdir);
	free(s->envp);
	free(s);
}

const char *tkp_sim_version(const tkp_sim *s)
{
	return s ? s->version : "";
}

const tkp_sim_geometry *tkp_sim_geometry_of(const tkp_sim *s)
{
	return s ? &s->geo : NULL;
}

void tkp_sim_set_sample(tkp_sim *s, int on)
{
	if (s)
		s->sample = on != 0;
}

/* ---- slices ------------------------------------------------------------------ */

/* Below this many FLOPs a configuration is simulated whole (a few seconds). */
#define TKP_SIM_WHOLE_FLOPS (1u << 23)
/* The smallest slice counted: enough work that start-up costs vanish. */
#define TKP_SIM_SLICE_FLOPS (1u << 21)

/*
 * The tuned kernel's blocking for its simulation child: MC, KC, NC as the
 * timed runs have them (learned by `tkprofile tune`, else from this
 * machine's caches, for the path the timed runs take), into t[0..2].
 * Left to itself the child would derive them from the caches valgrind's
 * made-up cpuid reports, and for the AVX2 path it runs; MR and NR still
 * differ.
 */
static void sim_tuned_blocking(tkp_dtype dt, size_t t[5])
{
	size_t want[3];

	tkp_tuning_get(dt, want);
	tkp_tuned_blocking(dt, tkp_isa_current(), want, t);
}

/*
 * Rows of C the kernel blocks together: a slice is made of whole panels.
 * tuned: whole IC blocks as the whole call cuts m (MC balanced over
 * ceil(m/MC) blocks, in MR = 6 multiples as on the AVX2 path valgrind
 * runs).  Slices of fewer rows keep neither relation that matters: each
 * IC block streams the packed B panel from L3 once, so B's traffic grows
 * with the blocks, not the rows, and a smaller packed A block fits an L2
 * the whole one outgrows (checked at n = 256 on scaled caches: 24- and
 * 48-row slices were 20-40% over in L2 and L3).
 */
static size_t panel_rows(const tkp_kernel *k, tkp_dtype dt, size_t m, int block, int threads)
{
	size_t p = 4, t[5]; /* naive, simd: rows are independent (issue 15:
			     * naive 1024 f64, 501.2 L1 misses per kFLOP
			     * on 8 rows, 501.6 on 32) */

	if (k->caps & TKP_CAP_BLOCK)
		p = (size_t)tkp_kernel_block_for(k->caps, dt, block);
	else if (k->fn == tkp_gemm_tuned) {
		sim_tuned_blocking(dt, t);
		p = t[0] ? t[0] : 256;
		p = (m + p - 1) / p;          /* IC blocks of the whole */
		p = ((m + p - 1) / p + 5) / 6 * 6; /* their balanced size */
		return p; /* the team splits each block's rows */
	} else if (k->caps & TKP_CAP_EXTERNAL)
		p = 256; /* a BLAS's own MC is not known: a typical one (24-row
			  * slices were 10-40% over in L2 and L3 at n = 256) */
	if ((k->caps & TKP_CAP_THREADS) && threads > 1)
		p *= (size_t)threads;
	return p ? p : 1;
}

/* Rows an operand of `per_row` bytes a row needs so that, for every
 * simulated level the whole (m rows) fills more than half of, the slice
 * outgrows it by a quarter (or is the whole); `fixed` bytes come whatever the rows. */
static size_t rows_to_outgrow(const tkp_sim_geometry *g, const tkp_sim_cache *ll, size_t m,
			      double fixed, double per_row)
{
	const tkp_sim_cache *lv[3] = {&g->d1, ll ? ll : &g->l2, ll ? ll : &g->l3};
	size_t need = 1;

	for (int i = 0; i < 3; i++) {
		double size = (double)lv[i]->size, r;
		/* half a cache already competes with the rest for it (blocked
		 * 512 f64: A is the 2 MiB L2's size; a slice that fit gave
		 * half the L2 misses) */
		if (size <= 0 || fixed + per_row * (double)m <= size / 2)
			continue;
		r = ceil((1.25 * size - fixed) / per_row);
		if (r < 1) /* the fixed part alone outgrows it */
			r = 1;
		if (r > (double)m)
			r = (double)m;
		if ((size_t)r > need)
			need = (size_t)r;
	}
	return need;
}

/* The slices for one valgrind run, which simulates L1 and `ll` (NULL:
 * every level of g). */
static void slices_for(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		       int threads, const tkp_sim_geometry *g, const tkp_sim_cache *ll, size_t *m1,
		       size_t *m2)
{
	double row_flops = 2.0 * (double)n * (double)kk, es = (double)tkp_dtype_size(dt);
	size_t p = panel_rows(k, dt, m, block, threads), r;

	*m1 = *m2 = 0;
	if (row_flops * (double)m <= TKP_SIM_WHOLE_FLOPS)
		return;
	r = (size_t)ceil(TKP_SIM_SLICE_FLOPS / row_flops);
	/* column-panel-outer kernels re-read their rows of A and C's panel */
	if ((k->caps & TKP_CAP_BLOCK)) {
		size_t b = (size_t)tkp_kernel_block_for(k->caps, dt, block), x;
		if ((x = rows_to_outgrow(g, ll, m, 0, (double)kk * es)) > r)
			r = x;
		if ((x = rows_to_outgrow(g, ll, m, 0, (double)b * es)) > r)
			r = x;
		/* B is read once a call, so its lines come back across calls
		 * from the level the whole footprint (A, B, C) fits: the
		 * slice's footprint must outgrow the same levels */
		if ((x = rows_to_outgrow(g, ll, m, (double)kk * (double)n * es,
					 (double)(kk + n) * es)) > r)
			r = x;
	}
	r = (r + p - 1) / p * p;
	/* the cost in simulated rows: warm-up + slices, against 2·m whole;
	 * naive and simd do no work once per call (they pack nothing), so
	 * one slice scaled by m/m1 holds for them and costs 2·m1 rows of
	 * the 5·m1 two would */
	if (5 * r <= m && k->fn != tkp_gemm_naive && k->fn != tkp_gemm_simd)
		*m1 = r, *m2 = 2 * r;
	else if (2 * r <= m && k->fn != tkp_gemm_tuned && !(k->caps & TKP_CAP_EXTERNAL))
		*m1 = r; /* tuned and a BLAS pack B per call: one slice of 256
			  * rows of 1024 put blas f32 23.7% over in L3 */
}

/* The flush between warm-up and count: the part of the whole problem's
 * footprint the slice lacks (A's and C's other rows), so that the slice's
 * rows of A and C come back from where a whole call leaves them (issue
 * 15's check: naive f32 256 against a 512 KiB L3 missed 8194 lines
 * whole, none sampled without it).  Beyond twice the run's last level it
 * changes nothing. */
static size_t flush_bytes(tkp_dtype dt, size_t m, size_t n, size_t kk, size_t rows,
			  const tkp_sim_cache *ll)
{
	double f = (double)(m - rows) * (double)(kk + n) * (double)tkp_dtype_size(dt);
	double cap = 2.0 * (double)ll->size;

	return rows >= m ? 0 : (size_t)(f < cap ? f : cap);
}

/* A kernel's column range entry (blocked, threaded; see kernels.h). */
typedef int (*cols_fn)(const tkp_gemm *g, size_t j0, size_t j1);

/* The column range entry of k, or NULL (row slices, or whole). */
static cols_fn cols_entry(const tkp_kernel *k)
{
	if (k->fn == tkp_gemm_blocked)
		return tkp_gemm_blocked_cols;
	if (k->fn == tkp_gemm_threaded)
		return tkp_gemm_threaded_cols;
	return NULL;
}

/*
 * Column slices for the column-panel-outer kernels (blocked, threaded):
 * cols = {J0, J1, J2}, a warm-up over columns [J0, J1) and [J1, J2)
 * counted; zeros to simulate whole.  Units are whole column panels (the
 * block b, or threaded's round of blocks, one per thread).  Every column
 * panel reads all of A and its own panels of B and C, so a panel keeps
 * each operand's relation to every cache as in the whole, and the counts
 * scale by n/(J2 - J1): no per-call part is left over.  The count ends at
 * n, so that a narrower last panel (n not a multiple of the unit) is in
 * it; two units are counted where that costs at most three quarters of
 * a call: a cache the whole problem fills only just (768 KiB of operands
 * against a 512 KiB L3) made single panels differ by up to 13%, the mean
 * of two by 3%.
 */
static void col_slices(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
		       int block, int threads, size_t cols[3])
{
	tkp_gemm g = {.dtype = dt, .m = m, .n = n, .k = kk, .block = block, .threads = threads};
	double col_flops = 2.0 * (double)m * (double)kk;
	size_t u, w, e;

	cols[0] = cols[1] = cols[2] = 0;
	if (!cols_entry(k) || col_flops * (double)n <= TKP_SIM_WHOLE_FLOPS)
		return;
	u = k->fn == tkp_gemm_threaded ? tkp_threaded_col_unit(&g)
				       : (size_t)tkp_kernel_block_for(k->caps, dt, block);
	if (u == 0)
		return;
	e = n % u;
	w = (size_t)ceil(TKP_SIM_SLICE_FLOPS / col_flops);
	w = (w + u - 1) / u * u;
	if (w < 2 * u && 4 * (3 * u + e) <= 3 * n)
		w = 2 * u;
	if (u + w + e > n)
		return;
	cols[2] = n;
	cols[1] = n - e - w;
	cols[0] = cols[1] - u;
}

/* "A,B,C": three counts, comma-separated, nothing else; -1 if not. */
static int parse3(const char *s, size_t v[3])
{
	char *end;

	for (int i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		v[i] = strtoull(s, &end, 10);
		if (*end != (i < 2 ? ',' : '\0'))
			return -1;
		s = end + 1;
	}
	return 0;
}

int tkp_sim_cols_parse(const char *s, size_t cols[3])
{
	return parse3(s, cols) == 0 && cols[0] < cols[1] && cols[1] < cols[2] ? 0 : -1;
}

int tkp_sim_rows_parse(const char *s, size_t rows[3])
{
	return parse3(s, rows) == 0 && rows[0] ? 0 : -1;
}

void tkp_sim_slices(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		    int threads, const tkp_sim_geometry *g, size_t *m1, size_t *m2)
{
	*m1 = *m2 = 0;
	if (!cols_entry(k)) /* blocked, threaded: column panels (col_slices) */
		slices_for(k, dt, m, n, kk, block, threads, g, NULL, m1, m2);
}

/* argv of one simulation, strings owned by the builder. */
typedef struct arglist {
	char *v[40];
	int n;
	int oom;
} arglist;

static void arg(arglist *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(arglist *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (a->n >= (int)(sizeof a->v / sizeof a->v[0]) - 1) {
		a->oom = 1;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		a->oom = 1;
	}
	va_end(ap);
	if (s)
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void args_free(arglist *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

/* valgrind's argv up to the toggles: callgrind with its cache simulation,
 * collecting nothing until a toggle says so. */
static void valgrind_head(const tkp_sim *s, arglist *a)
{
	memset(a, 0, sizeof *a);
	arg(a, "%s", s->valgrind);
	arg(a, "--tool=callgrind");
	arg(a, "-q");
	/* no gdbserver: its FIFOs in TMPDIR outlive a child killed on timeout */
	arg(a, "--vgdb=no");
	arg(a, "--cache-sim=yes");
	arg(a, "--collect-atstart=no");
}

/* The simulated caches (LL = ll) and the output file. */
static void valgrind_caches(const tkp_sim *s, arglist *a, const tkp_sim_cache *ll, const char *outfile)
{
	const tkp_sim_geometry *g = &s->geo;

	arg(a, "--I1=%lld,%d,%d", g->i1.size, g->i1.assoc, g->i1.line);
	arg(a, "--D1=%lld,%d,%d", g->d1.size, g->d1.assoc, g->d1.line);
	arg(a, "--LL=%lld,%d,%d", ll->size, ll->assoc, ll->line);
	arg(a, "--callgrind-out-file=%s", outfile);
}

static void build_args(const tkp_sim *s, arglist *a, const tkp_sim_cache *ll, const char *outfile,
		       const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		       int threads, uint64_t seed, int toggle_workers, const size_t rows[3],
		       const size_t cols[3])
{
	valgrind_head(s, a);
#ifdef TKP_SIM_CLIENT_REQUESTS
	arg(a, "--instr-atstart=no");
#endif
	/* No --fair-sched=yes: it made single-threaded miss counts vary
	 * between identical runs (naive 64³: 39009 or 39311 L1 misses), and
	 * threaded ones vary by a few in 10^4 with or without it. */
	/* column slices run the kernel's column range entry */
	arg(a, "--toggle-collect=tkp_gemm_%s%s", k->name, cols[2] ? "_cols" : "");
	/* The warm-up's costs go to a dump of their own (x.cg.1), and the
	 * file read is the counted call alone.  --zero-before was not enough:
	 * the costs of the warm-up's worker threads, gone by then, survived
	 * it and were added to the counted call's (threaded 100³ on 2
	 * threads: 1.74M instructions instead of 0.875M, or not, depending
	 * on which thread did the warm-up's blocks). */
	arg(a, "--dump-before=tkp_sim_child_mark");
	if (toggle_workers)
		arg(a, "--toggle-collect=%s", TKP_SIM_WORKER_FN);
	arg(a, "--separate-threads=no");
	valgrind_caches(s, a, ll, outfile);
	arg(a, "%s", s->exe);
	arg(a, "run");
	arg(a, "--sim-child");
	arg(a, "--kernel");
	arg(a, "%s", k->name);
	arg(a, "--size");
	arg(a, "%zux%zux%zu", m, n, kk);
	arg(a, "--dtype");
	arg(a, "%s", tkp_dtype_name(dt));
	if ((k->caps & TKP_CAP_BLOCK) && block > 0) {
		arg(a, "--block");
		arg(a, "%d", block);
	}
	if ((k->caps & TKP_CAP_THREADS) && threads > 0) {
		arg(a, "--threads");
		arg(a, "%d", threads);
	}
	arg(a, "--seed");
	arg(a, "%llu", (unsigned long long)seed);
	if (rows[0] > 0) {
		arg(a, "--sim-rows");
		arg(a, "%zu,%zu,%zu", rows[0], rows[1], rows[2]);
	}
	if (cols[2] > 0) {
		arg(a, "--sim-cols");
		arg(a, "%zu,%zu,%zu", cols[0], cols[1], cols[2]);
	}
	/* the parent's blocking: the child's own would come from valgrind's
	 * made-up caches, and the child has no plan */
	if (k->fn == tkp_gemm_tuned) {
		size_t t[5];
		sim_tuned_blocking(dt, t);
		arg(a, "--sim-tuned");
		arg(a, "%zu,%zu,%zu", t[0], t[1], t[2]);
	}
}

static void scale(tkp_sim_counts *c, double f)
{
	double *v[] = {&c->ir, &c->dr, &c->dw, &c->i1mr, &c->d1mr, &c->d1mw, &c->ilmr, &c->dlmr, &c->dlmw};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		*v[i] *= f;
}

/* c2 holds the counts of the m2-row slice (path); path.2 has the m1-row
 * slice's.  c2 becomes the line through both at m rows (never below 0). */
static int extrapolate(const char *path, tkp_sim_counts *c2, size_t m, size_t m1, size_t m2,
		       char *err, size_t errlen)
{
	char p1[PATH_MAX + 16];
	tkp_sim_counts c1;
	double *v2[] = {&c2->ir, &c2->dr, &c2->dw, &c2->i1mr, &c2->d1mr, &c2->d1mw, &c2->ilmr, &c2->dlmr, &c2->dlmw};
	double *v1[] = {&c1.ir, &c1.dr, &c1.dw, &c1.i1mr, &c1.d1mr, &c1.d1mw, &c1.ilmr, &c1.dlmr, &c1.dlmw};
	double t = ((double)m - (double)m2) / ((double)m2 - (double)m1);
	int rc;

	tkp_fmt(p1, sizeof p1, "%s.2", path);
	if ((rc = tkp_sim_parse(p1, &c1, NULL, NULL, err, errlen)))
		return rc;
	for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++) {
		double x = *v2[i] + (*v2[i] - *v1[i]) * t;
		*v2[i] = x > 0 ? x : 0;
	}
	return 0;
}

/* The slices of one run into rows ({M1, M2, FLUSH}). */
static void run_slices(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		       int threads, const tkp_sim_geometry *g, const tkp_sim_cache *ll, size_t rows[3])
{
	size_t most;

	slices_for(k, dt, m, n, kk, block, threads, g, ll, &rows[0], &rows[1]);
	most = rows[1] ? rows[1] : rows[0];
	rows[2] = most ? flush_bytes(dt, m, n, kk, most, ll) : 0;
}

/* The share of C counted: the smallest of the runs' (1: all whole). */
static double share(size_t rows[][3], int nrun, size_t m, const size_t cols[3], size_t n)
{
	double f = 1;

	if (cols[2])
		return (double)(cols[2] - cols[1]) / (double)n;
	for (int i = 0; i < nrun; i++) {
		size_t most = rows[i][1] ? rows[i][1] : rows[i][0];
		if (most && (double)most / (double)m < f)
			f = (double)most / (double)m;
	}
	return f;
}

/* A run's counts (of the slices in rows or cols, if any) scaled to all
 * of C (m rows, n columns). */
static int to_whole(const char *path, tkp_sim_counts *c, size_t m, const size_t rows[3],
		    size_t n, const size_t cols[3], char *err, size_t errlen)
{
	if (cols[2] > 0) {
		scale(c, (double)n / (double)(cols[2] - cols[1]));
		return 0;
	}
	if (rows[1] > 0)
		return extrapolate(path, c, m, rows[0], rows[1], err, errlen);
	if (rows[0] > 0)
		scale(c, (double)m / (double)rows[0]);
	return 0;
}

/* r's counters from the runs' counts (the L1 and instructions from the
 * first run's; each run's last level as its level's misses). */
static void fill_counters(tkp_result *r, const tkp_sim_counts *cnt, const char *const llname[],
			  int nrun)
{
	for (int i = 0; i < TKP_M_COUNT; i++)
		r->counters[i] = NAN;
	r->counters[TKP_M_INSTRUCTIONS] = cnt[0].ir;
	r->counters[TKP_M_L1_DCM] = cnt[0].d1mr + cnt[0].d1mw;
	for (int i = 0; i < nrun; i++) {
		if (!strcmp(llname[i], "L2"))
			r->counters[TKP_M_L2_DCM] = cnt[i].dlmr + cnt[i].dlmw;
		else if (!strcmp(llname[i], "L3"))
			r->counters[TKP_M_L3_TCM] = cnt[i].ilmr + cnt[i].dlmr + cnt[i].dlmw;
	}
	r->counter_source = TKP_SRC_SIM;
}

/* 1 (why says so) if the binary simulated is no longer the one opened. */
static int exe_replaced(const tkp_sim *s, char *why, size_t whylen)
{
	struct stat st;

	if (stat(s->exe, &st) == 0 && st.st_dev == s->exe_dev && st.st_ino == s->exe_ino)
		return 0;
	tkp_fmt(why, whylen, "%s was replaced (rebuilt?) since the simulations began; "
			     "not simulating another program", s->exe);
	return 1;
}

int tkp_sim_run(tkp_sim *s, const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk,
		int block, int threads, uint64_t seed, tkp_result *r, char *why, size_t whylen)
{
	const tkp_sim_cache *lls[2];
	const char *llname[2];
	char out[2][PATH_MAX + 16], errp[2][PATH_MAX + 16];
	arglist args[2];
	pid_t pid[2] = {-1, -1};
	int status[2] = {0, 0}, nrun = 0, rc = 0;
	int toggle_workers = (k->caps & TKP_CAP_THREADS) && !(k->caps & TKP_CAP_EXTERNAL) && threads > 1;
	int worker_seen = 1;
	size_t rows[2][3] = {{0, 0, 0}, {0, 0, 0}}; /* each run's slices (run_slices) */
	size_t cols[3] = {0, 0, 0};                   /* or column slices (col_slices) */
	tkp_sim_counts cnt[2];

	if (why && whylen)
		why[0] = '\0';
	if (!s || !k || !r || m == 0 || n == 0 || kk == 0 || block < 0 || threads < 0)
		return TKP_EINVAL;
	/* the child must use the parent's block: its own default would come
	 * from valgrind's made-up cpuid caches */
	block = tkp_kernel_block_for(k->caps, dt, block);
	/* A library's pool threads run a function valgrind has no name for
	 * (static, stripped), so only the calling thread's share was counted:
	 * blas 256³ f32 on 2 threads had half the L1 misses of 1 thread.  On
	 * one thread all the work is counted, in the one hierarchy that
	 * every simulation shares between its threads anyway. */
	if (k->caps & TKP_CAP_EXTERNAL)
		threads = 1;
	if (s->geo.l2.size > 0) {
		lls[nrun] = &s->geo.l2;
		llname[nrun++] = "L2";
	}
	if (s->geo.l3.size > 0) {
		lls[nrun] = &s->geo.l3;
		llname[nrun++] = "L3";
	}
	if (nrun == 0) {
		/* no L2 or L3 known: one run with LL = L1d gives the L1 and
		 * instruction counts; the LL columns stay empty */
		lls[nrun] = &s->geo.d1;
		llname[nrun++] = "L1d";
	}
	memset(args, 0, sizeof args);
	if (s->sample)
		col_slices(k, dt, m, n, kk, block, threads, cols);
	for (int i = 0; i < nrun; i++) {
		tkp_fmt(out[i], sizeof out[i], "%s/%s.cg", s->tmpdir, i ? "l3" : "l2");
		tkp_fmt(errp[i], sizeof errp[i], "%s/%s.err", s->tmpdir, i ? "l3" : "l2");
		if (s->sample && !cols[2])
			run_slices(k, dt, m, n, kk, block, threads, &s->geo, lls[i], rows[i]);
		build_args(s, &args[i], lls[i], out[i], k, dt, m, n, kk, block, threads, seed, toggle_workers,
			   rows[i], cols);
		if (args[i].oom) {
			tkp_fmt(why, whylen, "out of memory");
			rc = TKP_ENOMEM;
			goto done;
		}
	}
	if (exe_replaced(s, why, whylen)) {
		rc = TKP_ECOUNTERS;
		goto done;
	}
	remove_runs(s);
	/* both at once when there are CPUs for it, else one after the other */
	for (int first = 0; first < nrun; first += s->parallel ? nrun : 1) {
		int count = s->parallel ? nrun : 1;
		for (int j = first; j < first + count; j++) {
			pid[j] = spawn(s->valgrind, args[j].v, s->envp, errp[j], -1);
			if (pid[j] < 0) {
				tkp_fmt(why, whylen, "cannot start valgrind: %s", strerror(errno));
				if (j > first)
					wait_children(&pid[first], &status[first], j - first, 1e-9, NULL);
				rc = TKP_ECOUNTERS;
				goto done;
			}
		}
		rc = wait_children(&pid[first], &status[first], count, s->timeout_s, s->stop);
		/* Ctrl-C reaches the children too: they die of it, and that
		 * is an interruption, not a failed simulation */
		if (s->stop && *s->stop)
			rc = TKP_EINTR;
		if (rc == TKP_EINTR) {
			tkp_fmt(why, whylen, "simulation interrupted");
			goto done;
		}
		if (rc == TKP_ERANGE) {
			tkp_fmt(why, whylen, "simulation (valgrind) timed out after %.3g s", s->timeout_s);
			rc = TKP_ECOUNTERS;
			goto done;
		}
	}
	for (int i = 0; i < nrun; i++) {
		char tail[512], perr[512];
		if (!WIFEXITED(status[i]) || WEXITSTATUS(status[i]) != 0) {
			err_tail(errp[i], tail, sizeof tail);
			if (WIFSIGNALED(status[i]))
				tkp_fmt(why, whylen, "valgrind (LL = %s) killed by signal %d%s%s", llname[i],
					WTERMSIG(status[i]), tail[0] ? ": " : "", tail);
			else
				tkp_fmt(why, whylen, "valgrind (LL = %s) exited with status %d%s%s", llname[i],
					WEXITSTATUS(status[i]), tail[0] ? ": " : "", tail);
			rc = TKP_ECOUNTERS;
			goto done;
		}
		{
			int seen = 1;
			if ((rc = tkp_sim_parse(out[i], &cnt[i], toggle_workers ? TKP_SIM_WORKER_FN : NULL,
						toggle_workers ? &seen : NULL, perr, sizeof perr))) {
				tkp_fmt(why, whylen, "valgrind (LL = %s): %s", llname[i], perr);
				rc = TKP_ECOUNTERS;
				goto done;
			}
			/* No worker's costs: flagged only if the kernel did start
			 * threads.  tuned runs small products on the calling
			 * thread alone (below ~4 Mflop a thread), complete. */
			if (!seen && tkp_sim_parse(out[i], &cnt[i], "pthread_create", &seen, perr,
						   sizeof perr) == 0 && seen)
				worker_seen = 0;
		}
		if ((rc = to_whole(out[i], &cnt[i], m, rows[i], n, cols, perr, sizeof perr))) {
			tkp_fmt(why, whylen, "valgrind (LL = %s): %s", llname[i], perr);
			rc = TKP_ECOUNTERS;
			goto done;
		}
		if (cnt[i].ir <= 0) {
			/* the toggle never matched: no symbol of that name */
			tkp_fmt(why, whylen, "valgrind (LL = %s) collected nothing in tkp_gemm_%s (is %s "
					     "stripped of its symbols?)", llname[i], k->name, s->exe);
			rc = TKP_ECOUNTERS;
			goto done;
		}
	}
	fill_counters(r, cnt, llname, nrun);
	r->counted_fraction = share(rows, nrun, m, cols, n);
	tkp_result_intensity(r, s->geo.d1.line);
	if (!worker_seen)
		r->counter_flags |= TKP_CF_CALLER_ONLY;
	rc = 0;
done:
	for (int i = 0; i < 2; i++)
		args_free(&args[i]);
	remove_runs(s);
	return rc;
}

/* ---- the child ----------------------------------------------------------------- */

/* Entered between the warm-up and the counted call; callgrind dumps the
 * warm-up's costs here (--dump-before=tkp_sim_child_mark).  Never inlined, and not
 * empty, so the entry is seen. */
__attribute__((noinline)) void tkp_sim_child_mark(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Reads `bytes` of scratch memory a line at a time, then B: the caches
 * as the rest of a whole call leaves them (not collected: outside the
 * kernel, but simulated). */
static __attribute__((noinline)) void flush_then_b(const void *b, size_t bbytes, size_t bytes)
{
	volatile const unsigned char *p;
	unsigned char *scratch;
	unsigned sum = 0;

	if (bytes && (scratch = calloc(1, bytes))) {
		p = scratch;
		for (size_t i = 0; i < bytes; i += 64)
			sum += p[i];
		free(scratch);
	}
	p = b;
	for (size_t i = 0; i < bbytes; i += 64)
		sum += p[i];
	__asm__ volatile("" : : "r"(sum));
}

/* The child's matrices, as tkp_measure_kernel has them: 64-byte aligned,
 * A then B from one generator, C zeroed. */
static int child_matrices(tkp_dtype dt, size_t m, size_t n, size_t kk, uint64_t seed, void **a,
			  void **b, void **c)
{
	size_t es = tkp_dtype_size(dt), na = m * kk, nb = kk * n, nc = m * n;
	tkp_rng rng;

	*a = *b = *c = NULL;
	if (tkp_measure_bytes(dt, m, n, kk) == 0)
		return TKP_ENOMEM;
	if (posix_memalign(a, 64, (na * es + 63) & ~(size_t)63) ||
	    posix_memalign(b, 64, (nb * es + 63) & ~(size_t)63) ||
	    posix_memalign(c, 64, (nc * es + 63) & ~(size_t)63))
		return TKP_ENOMEM;
	tkp_rng_seed(&rng, seed);
	for (size_t i = 0; i < na; i++)
		if (dt == TKP_F32)
			((float *)*a)[i] = (float)tkp_rng_unit(&rng);
		else
			((double *)*a)[i] = tkp_rng_unit(&rng);
	for (size_t i = 0; i < nb; i++)
		if (dt == TKP_F32)
			((float *)*b)[i] = (float)tkp_rng_unit(&rng);
		else
			((double *)*b)[i] = tkp_rng_unit(&rng);
	memset(*c, 0, nc * es);
	return 0;
}

/*
 * Column slices (cols = {J0, J1, J2}): A, B and C read once, as the calls
 * before leave them (each in the level the whole footprint fits), then
 * the warm-up over columns [J0, J1), which reads all of A as every column
 * panel does and leaves C's and B's previous panel where the whole call
 * has them, the mark, and the counted columns [J1, J2).
 */
static int child_cols(const tkp_kernel *k, tkp_gemm *g, const size_t cols[3])
{
	cols_fn fn = cols_entry(k);
	size_t es = tkp_dtype_size(g->dtype);
	int rc;

	if (!fn || cols[0] >= cols[1] || cols[1] >= cols[2] || cols[2] > g->n)
		return TKP_EINVAL;
	flush_then_b(g->a, g->m * g->k * es, 0);
	flush_then_b(g->b, g->k * g->n * es, 0);
	flush_then_b(g->c, g->m * g->n * es, 0);
	if ((rc = fn(g, cols[0], cols[1])) != 0)
		return rc;
	tkp_sim_child_mark();
	return fn(g, cols[1], cols[2]);
}

#define TKP_SIM_WARM_THIN 64
/* the child's stack offset repeats at this period (tkp_sim_child) */
#define TKP_SIM_STACK_PERIOD ((uintptr_t)128 << 10)

/*
 * The warm-up call.  Where cheap (a configuration large enough to be
 * sampled, simulated whole), a tuned call is warmed up by one k block alone
 * (tkp_gemm_tuned_kblock), after A, B and C are read once (as the calls
 * before leave them): a pass over C with the packed panels, which is what
 * each k block of a whole call leaves in the caches, at a fraction of the
 * cost (1024³ f64, three k blocks: 42 s of simulation went to 26 s, the
 * misses within 0.01%).  The first block, since the last may be shorter:
 * warmed up by a last block of 336 of 344 steps, the buffers' unwarmed
 * ends gave 2056 last-level misses where a whole warm-up gave 25.  A
 * library kernel (blas), simulated whole at sizes where two row slices
 * cost too much, is warmed up by two thin calls, TKP_SIM_WARM_THIN wide.
 */
static int warm_up(const tkp_kernel *k, tkp_gemm *g, int cheap)
{
	size_t es = tkp_dtype_size(g->dtype), m = g->m, n = g->n;
	int rc;

	if (!cheap || (k->fn != tkp_gemm_tuned && !(k->caps & TKP_CAP_EXTERNAL)))
		return tkp_kernel_run(k, g);
	flush_then_b(g->a, g->m * g->k * es, 0);
	flush_then_b(g->b, g->k * g->n * es, 0);
	flush_then_b(g->c, g->m * g->n * es, 0);
	if (k->fn == tkp_gemm_tuned)
		return tkp_gemm_tuned_kblock(g);
	/* A library: its packing buffers are warmed up by two thin calls,
	 * all rows by a few columns (A's packed blocks) and a few rows by
	 * all columns (B's packed panels).  One call on 64 or 256 rows left
	 * 15360 or 12288 lines of the packed A block cold (blas 1024 f64:
	 * 0 last-level misses after a whole warm-up and after these two,
	 * L1 to the line, L2 0.5% under). */
	g->n = n < TKP_SIM_WARM_THIN ? n : TKP_SIM_WARM_THIN;
	rc = tkp_kernel_run(k, g);
	g->n = n;
	g->m = m < TKP_SIM_WARM_THIN ? m : TKP_SIM_WARM_THIN;
	if (!rc)
		rc = tkp_kernel_run(k, g);
	g->m = m;
	return rc;
}

static int __attribute__((noinline)) child_body(const tkp_kernel *k, tkp_dtype dt, size_t m,
						size_t n, size_t kk, int block, int threads,
						uint64_t seed, const size_t rows[3],
						const size_t cols[3]);

/*
 * The child's stack at the same place whatever the environment.  Under
 * valgrind the client's stack starts below its environment and argv, so
 * a longer PATH or build directory moved every spill of the kernel to
 * other cache sets, and on an 8-way 32 KB L1d that moved tuned's L1
 * misses at 260x264x270 f64 by 0.7% (497567 to 501262, with nothing but
 * an environment variable 8 to 2000 bytes long).  Dropping the stack
 * pointer to a fixed offset modulo TKP_SIM_STACK_PERIOD (a way of the
 * largest L2 simulated here, 128 KB: 2 MB 16-way) gives the kernel's
 * frames the same sets on every run: the same counts from any directory.
 */
int tkp_sim_child(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		  int threads, uint64_t seed, const size_t rows[3], const size_t cols[3])
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	volatile char *pad = alloca(sp % TKP_SIM_STACK_PERIOD + 1);

	pad[0] = 0; /* the pad is used, so it stays */
	return child_body(k, dt, m, n, kk, block, threads, seed, rows, cols);
}

static int child_body(const tkp_kernel *k, tkp_dtype dt, size_t m, size_t n, size_t kk, int block,
		      int threads, uint64_t seed, const size_t rows[3], const size_t cols[3])
{
	size_t m1 = rows ? rows[0] : 0, m2 = rows ? rows[1] : 0, flush = rows ? rows[2] : 0;
	size_t es = tkp_dtype_size(dt), nb = kk * n;
	void *a = NULL, *b = NULL, *c = NULL;
	tkp_gemm g;
	int rc;

	if (!k || m == 0 || n == 0 || kk == 0 || block < 0 || threads < 0 || m1 > m || m2 > m ||
	    (m2 && m2 <= m1) || (cols && m1))
		return TKP_EINVAL;
	if ((rc = child_matrices(dt, m, n, kk, seed, &a, &b, &c)))
		goto fail;
	/* the AVX2 kernels' twins: same addresses, 13x faster under valgrind,
	 * results never read (isa.c); TKP_SIM_TWIN=0 runs the kernels
	 * themselves, to check that the counts agree (tests/test_sim.c) */
	tkp_isa_set_sim_twin(!(getenv("TKP_SIM_TWIN") && !strcmp(getenv("TKP_SIM_TWIN"), "0")));
#ifdef TKP_SIM_CLIENT_REQUESTS
	/* Simulated from here: the fill is not (at n = 1024 it cost as much
	 * as a slice of the kernel), and the warm-up call below leaves the
	 * caches as the counted call finds them whatever the fill did. */
	CALLGRIND_START_INSTRUMENTATION;
#endif
	g = (tkp_gemm){.dtype = dt, .m = m, .n = n, .k = kk, .a = a, .b = b, .c = c,
		       .block = block, .threads = threads};
	tkp_tuning_apply(&g);
	if (cols && cols[2]) {
		rc = child_cols(k, &g, cols);
		goto fail;
	}
	/* A warm-up call first, as measured runs have one: it faults in C and
	 * the kernel's own buffers and leaves the simulated caches as a
	 * repeated run finds them.  Its costs are discarded when the marker
	 * is entered (--dump-before); the second call is the one counted.
	 * Sampled: the first rows of C only (the same addresses as in the
	 * whole: rows are contiguous), the warm-up over the larger slice. */
	if (m1)
		g.m = m2 ? m2 : m1;
	/* small ones (cheap whole) keep the whole warm-up */
	if ((rc = warm_up(k, &g, !m1 && 2.0 * (double)m * (double)n * (double)kk > TKP_SIM_WHOLE_FLOPS)) != 0)
		goto fail;
	if (m1)
		flush_then_b(b, nb * es, flush);
	tkp_sim_child_mark();
	if (m1)
		g.m = m1;
	if ((rc = tkp_kernel_run(k, &g)) != 0 || !m2)
		goto fail;
	flush_then_b(b, nb * es, flush);
	tkp_sim_child_mark();
	g.m = m2;
	rc = tkp_kernel_run(k, &g);
fail:
	free(a);
	free(b);
	free(c);
	return rc;
}

/* ---- another program of this binary (the counter check) ------------------------ */

/* valgrind's argv for `exe args...` with LL = ll, collecting toggle. */
static void cmd_args(const tkp_sim *s, arglist *a, const tkp_sim_cache *ll, const char *outfile,
		     const char *toggle, char *const args[])
{
	valgrind_head(s, a);
	arg(a, "--toggle-collect=%s", toggle);
	valgrind_caches(s, a, ll, outfile);
	arg(a, "%s", s->exe);
	for (int i = 0; args[i]; i++)
		arg(a, "%s", args[i]);
}

/* Waits for the n runs and parses their outputs into cnt. */
static int cmd_collect(tkp_sim *s, pid_t *pid, int n, char out[][PATH_MAX + 16],
		       char errp[][PATH_MAX + 16], tkp_sim_counts *cnt, char *why, size_t whylen)
{
	int status[2] = {0, 0}, rc;
	char tail[512], perr[512];

	rc = wait_children(pid, status, n, s->timeout_s, s->stop);
	if (rc) {
		tkp_fmt(why, whylen, rc == TKP_EINTR ? "simulation interrupted"
						     : "simulation (valgrind) timed out");
		return rc == TKP_EINTR ? rc : TKP_ECOUNTERS;
	}
	for (int i = 0; i < n; i++) {
		if (!WIFEXITED(status[i]) || WEXITSTATUS(status[i]) != 0) {
			err_tail(errp[i], tail, sizeof tail);
			tkp_fmt(why, whylen, "valgrind failed (status %d)%s%s", status[i], tail[0] ? ": " : "",
				tail);
			return TKP_ECOUNTERS;
		}
		if (tkp_sim_parse(out[i], &cnt[i], NULL, NULL, perr, sizeof perr)) {
			tkp_fmt(why, whylen, "valgrind: %s", perr);
			return TKP_ECOUNTERS;
		}
	}
	return 0;
}

int tkp_sim_run_cmd(tkp_sim *s, const char *toggle, char *const args[], double vals[TKP_M_COUNT],
		    char *why, size_t whylen)
{
	char out[2][PATH_MAX + 16], errp[2][PATH_MAX + 16];
	arglist a[2];
	pid_t pid[2] = {-1, -1};
	tkp_sim_counts cnt[2];
	int lvl[2], n = 0, rc = TKP_ECOUNTERS;

	if (!s || !toggle || !args)
		return TKP_EINVAL;
	memset(a, 0, sizeof a);
	for (int i = 0; i < 2; i++) {
		const tkp_sim_cache *ll = i ? &s->geo.l3 : &s->geo.l2;
		if (ll->size <= 0)
			continue;
		lvl[n] = i;
		tkp_fmt(out[n], sizeof out[n], "%s/%s.cg", s->tmpdir, i ? "l3" : "l2");
		tkp_fmt(errp[n], sizeof errp[n], "%s/%s.err", s->tmpdir, i ? "l3" : "l2");
		cmd_args(s, &a[n], ll, out[n], toggle, args);
		if (a[n].oom || (pid[n] = spawn(s->valgrind, a[n].v, s->envp, errp[n], -1)) < 0) {
			tkp_fmt(why, whylen, "cannot start valgrind");
			if (s->parallel && n)
				cmd_collect(s, pid, n, out, errp, cnt, NULL, 0);
			goto done;
		}
		n++;
		/* one after the other on one CPU */
		if (!s->parallel && (rc = cmd_collect(s, &pid[n - 1], 1, &out[n - 1], &errp[n - 1],
						      &cnt[n - 1], why, whylen)))
			goto done;
	}
	if (s->parallel && (rc = cmd_collect(s, pid, n, out, errp, cnt, why, whylen)))
		goto done;
	for (int m = 0; m < TKP_M_COUNT; m++)
		vals[m] = NAN;
	for (int j = 0; j < n; j++) {
		vals[TKP_M_INSTRUCTIONS] = cnt[j].ir;
		vals[TKP_M_L1_DCM] = cnt[j].d1mr + cnt[j].d1mw;
		if (lvl[j] == 0)
			vals[TKP_M_L2_DCM] = cnt[j].dlmr + cnt[j].dlmw;
		else
			vals[TKP_M_L3_TCM] = cnt[j].ilmr + cnt[j].dlmr + cnt[j].dlmw;
	}
	rc = 0;
done:
	for (int i = 0; i < 2; i++)
		args_free(&a[i]);
	remove_runs(s);
	return rc;
}
