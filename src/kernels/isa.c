/*
 * isa.c - which SIMD path the kernels take on this CPU.
 *
 * One binary runs on any x86-64: SIMD functions are compiled with
 * __attribute__((target(...))) and chosen here at run time from cpuid
 * (__builtin_cpu_supports).  TKP_ISA=avx512|avx2|generic lowers the choice,
 * e.g. to compare paths on one machine; it never raises it above what the CPU
 * can run, because that would crash with SIGILL.
 *
 * The default tile edge of the blocked kernels is here too, beside the
 * other facts about the CPU the kernels depend on; kernels.h's
 * tkp_kernel_block_for is the one resolver every layer asks for the block
 * a kernel runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernels.h"

tkp_isa tkp_isa_supported(void)
{
#ifdef TKP_HAVE_X86_SIMD
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
		return TKP_ISA_AVX512;
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		return TKP_ISA_AVX2;
#endif
	return TKP_ISA_GENERIC;
}

static tkp_isa isa_from_env(tkp_isa best)
{
	const char *e = getenv("TKP_ISA");
	tkp_isa want = best;

	if (!e || !*e)
		return best;
	if (!strcmp(e, "generic") || !strcmp(e, "scalar"))
		want = TKP_ISA_GENERIC;
	else if (!strcmp(e, "avx2"))
		want = TKP_ISA_AVX2;
	else if (!strcmp(e, "avx512"))
		want = TKP_ISA_AVX512;
	return want < best ? want : best;
}

tkp_isa tkp_isa_current(void)
{
	/* Racy first call is harmless: every thread computes the same value. */
	static int cached = -1;

	if (cached < 0)
		cached = (int)isa_from_env(tkp_isa_supported());
	return (tkp_isa)cached;
}

/*
 * The simulation twin.  valgrind 3.19 runs each 256-bit FMA lane by lane
 * through a helper: the tuned kernel at 512³ f64 took 42 s under callgrind,
 * 30 s of it with no tool at all.  The twin of each AVX2 kernel is the
 * same template with VFMA as vblendv (a, b and c in, one instruction out,
 * run natively): 3.0 s, with the same data references and misses at every
 * level and 0.02% more instructions (the compiler allocates registers
 * alike, but not always identically: tests/test_sim.c holds the misses
 * to 0.2% on every path with a twin; 0.08% at most seen).  The blend's
 * results are garbage, which the simulation child never reads: it
 * counts, the timed run verifies.
 */
static int sim_twin;

void tkp_isa_set_sim_twin(int on)
{
	sim_twin = on != 0;
}

int tkp_isa_sim_twin(void)
{
	return sim_twin;
}

const char *tkp_isa_name(void)
{
	static const char *const names[] = {"generic", "avx2", "avx512"};

	return names[tkp_isa_current()];
}

int tkp_kernel_default_block(tkp_dtype dt)
{
	long l1 = -1;
	size_t es = dt == TKP_F32 ? 4 : 8;
	int b = 16;

#ifdef _SC_LEVEL1_DCACHE_SIZE
	l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE);
#endif
	if (l1 <= 0)
		return 64;
	/* Largest multiple of 16 with b²·size ≤ L1: the packed tile of B,
	 * which every row of the A tile streams through, stays in L1; A's
	 * rows and C's are read once per tile and stream from L2.  The
	 * textbook rule, all three tiles in half of L1, gave b = 16 (f64) and
	 * 32 (f32) on 32 KiB L1s, where the per-tile overhead and A's rows,
	 * n elements apart in the same few L1 sets, held the blocked kernel
	 * to 4-10 GFLOP/s at n = 1024-2048 on Zen 3 against 22-31 at b = 64
	 * to 128 (same sweep); this rule gives 64 and 80 there, 64 and 96
	 * on Zen 5's 48 KiB. */
	while ((size_t)(b + 16) * (b + 16) * es <= (size_t)l1)
		b += 16;
	return b;
}
