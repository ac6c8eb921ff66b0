/*
 * blas.c - the reference point: the same product through CBLAS
 * (cblas_sgemm/cblas_dgemm), normally OpenBLAS.
 *
 * It is on the ladder as "what a tuned library gets on this machine", the
 * ceiling the hand-written rungs are compared against.  Without CBLAS at
 * configure time the kernel is still listed, and says how to get it.
 *
 * Thread count: OpenBLAS has a global thread setting, which we set to the
 * requested count on every call (so a sweep over threads means what it
 * says).  The setter is declared weak: with another CBLAS (netlib, BLIS's
 * CBLAS layer) the symbol is absent, the pointer is NULL and the library
 * runs its own way.
 */
#include "config.h"

#include <limits.h>

#include "kernels.h"

#ifdef TKP_HAVE_CBLAS
#include <cblas.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

extern void openblas_set_num_threads(int num_threads) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));

/*
 * Under an address-space limit (ulimit -v), OpenBLAS asks for its packing
 * buffer (128 MiB on x86-64 builds; one for the call, shared by its
 * threads, and kept for later calls) and, refused, retries mmap forever:
 * a sweep would hang, not fail.  So the first call is refused here, as
 * out of memory, when the limit leaves less than that buffer plus the
 * workers' stacks; without a limit, once a call got its buffer, or where
 * /proc cannot tell how much is in use, OpenBLAS is called as usual.
 * Measured here: with 188 MiB in use before the first call, OpenBLAS ran
 * 512³ on 1 or 2 threads under ulimit -v 330000 and hung under 300000;
 * this check, with its stacks and slack, lets calls through from about
 * 350000.
 */
static atomic_int blas_had_buffer;

static int blas_room(int threads)
{
	const unsigned long long buffer = 128ull << 20, stack = 8ull << 20, slack = 16ull << 20;
	struct rlimit as;
	unsigned long long pages = 0, used;
	long psz = sysconf(_SC_PAGESIZE);
	FILE *f;

	if (atomic_load(&blas_had_buffer) || getrlimit(RLIMIT_AS, &as) != 0 ||
	    as.rlim_cur == RLIM_INFINITY || psz <= 0)
		return 1;
	if (!(f = fopen("/proc/self/statm", "r")))
		return 1;
	if (fscanf(f, "%llu", &pages) != 1)
		pages = 0;
	fclose(f);
	if (!pages)
		return 1;
	used = pages * (unsigned long long)psz;
	return used < as.rlim_cur &&
	       as.rlim_cur - used >= buffer + (unsigned long long)threads * stack + slack;
}

int tkp_gemm_blas(const tkp_gemm *g)
{
	/* CBLAS takes int sizes (LP64 builds); refuse what would wrap. */
	if (g->m > INT_MAX || g->n > INT_MAX || g->k > INT_MAX)
		return TKP_ERANGE;
	if (!blas_room(g->threads > 0 ? g->threads : 1))
		return TKP_ENOMEM;
	if (openblas_set_num_threads)
		openblas_set_num_threads(g->threads > 0 ? g->threads : 1);
	if (g->dtype == TKP_F32)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)g->m, (int)g->n,
			    (int)g->k, 1.0f, g->a, (int)g->k, g->b, (int)g->n, 0.0f, g->c,
			    (int)g->n);
	else
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)g->m, (int)g->n,
			    (int)g->k, 1.0, g->a, (int)g->k, g->b, (int)g->n, 0.0, g->c,
			    (int)g->n);
	atomic_store(&blas_had_buffer, 1);
	return 0;
}

const char *tkp_blas_unavailable(void)
{
	return NULL;
}

/*
 * Under valgrind OpenBLAS sees valgrind's made-up CPU (a Haswell: no
 * AVX-512) and picks its kernels for that, whatever the timed runs use:
 * here (a Xeon that OpenBLAS 0.3.21 does not know) the timed runs take
 * the Prescott (SSE3) kernels, the simulation took Haswell's, whose FMAs
 * valgrind runs lane by lane: blas 512³ f64 on 1 thread took 42 s to
 * simulate, 8 s as Prescott, and the two kernels miss L1 differently
 * (3.4M and 8.5M times at 512³): Prescott's are the timed runs' figures.  So the child
 * is told the timed runs' core, except an AVX-512 one, which valgrind
 * 3.19 cannot run (the child would die of SIGILL): Haswell is its nearest.
 */
const char *tkp_blas_sim_core(void)
{
	static const char *const avx512[] = {"skylakex", "cooperlake", "sapphirerapids"};
	const char *core = openblas_get_corename ? openblas_get_corename() : NULL;

	if (!core || !*core || !strcasecmp(core, "unknown"))
		return NULL;
	for (size_t i = 0; i < sizeof avx512 / sizeof avx512[0]; i++)
		if (!strcasecmp(core, avx512[i]))
			return "Haswell";
	return core;
}

/*
 * OpenBLAS picks its kernels for the CPU it finds when it loads; 0.3.21
 * does not know CPUs newer than itself and falls back to its Prescott
 * (SSE3) kernels.  On a 16-core Xeon VM that it did not know (family 6,
 * AVX-512), blas f64 2048³ on 16 threads read 84 GFLOP/s, 13% of the
 * measured peak, and 535 with OPENBLAS_CORETYPE=SkylakeX, tuned 562: the
 * rung meant as the tuned-library reference measured a 2004 kernel set.
 * A core without AVX2 kernels on a CPU with AVX2 or AVX-512 is named, so
 * that the commands can say so; a core this list does not hold (a newer
 * OpenBLAS's) is taken as a good one.
 */
const char *tkp_blas_weak_core(char *buf, size_t len)
{
	static const char *const weak[] = {"prescott", "core2", "penryn", "dunnington", "nehalem",
					   "atom", "sandybridge", "barcelona", "opteron",
					   "opteron_sse3", "bobcat", "bulldozer", "piledriver",
					   "steamroller", "katmai", "coppermine", "northwood",
					   "banias", "athlon", "generic", "unknown"};
	const char *core = openblas_get_corename ? openblas_get_corename() : NULL;
	tkp_isa isa = tkp_isa_supported();
	size_t i = 0;

	if (!core || !*core || isa < TKP_ISA_AVX2 || !len)
		return NULL;
	while (i < sizeof weak / sizeof weak[0] && strcasecmp(core, weak[i]))
		i++;
	if (i == sizeof weak / sizeof weak[0])
		return NULL;
	snprintf(buf, len,
		 "OpenBLAS runs its %s kernels (%s), without the %s "
		 "this CPU has: blas reads far below a tuned library here; "
		 "OPENBLAS_CORETYPE=%s in the environment picks its %s kernels",
		 core, getenv("OPENBLAS_CORETYPE") ? "OPENBLAS_CORETYPE chose them" : "it does not know this CPU",
		 isa >= TKP_ISA_AVX512 ? "AVX-512 or AVX2" : "AVX2",
		 isa >= TKP_ISA_AVX512 ? "SkylakeX" : "Haswell", isa >= TKP_ISA_AVX512 ? "AVX-512" : "AVX2");
	return buf;
}

#else

int tkp_gemm_blas(const tkp_gemm *g)
{
	(void)g;
	return TKP_ENOTSUP;
}

const char *tkp_blas_sim_core(void)
{
	return NULL;
}

const char *tkp_blas_weak_core(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return NULL;
}

const char *tkp_blas_unavailable(void)
{
	return "built without CBLAS: install libopenblas-dev and re-run ./configure --with-blas";
}

#endif
