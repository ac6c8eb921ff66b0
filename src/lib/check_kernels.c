/*
 * check_kernels.c - the known-answer micro-kernels of the counter check
 * (check.h): code whose counts follow from its text, not from the
 * compiler.
 *
 * The loops that count instructions, cycles and FLOPs are inline assembly
 * with a fixed body, so every compiler and every optimisation level gives
 * the same instruction stream: TKP_CHECK_BODY operations and a dec/jnz
 * per iteration.  The FLOP loops keep eight independent accumulators
 * (xmm/ymm/zmm 0-7) that add or fuse-multiply-add zeros into zeros: the
 * values never change, so no denormal or overflow can slow a run or make
 * a counter skip, and FP counters count retired operations whatever the
 * values.  The cycle loop is one dependent chain of integer adds
 * (latency 1 on every x86-64 core), so it takes TKP_CHECK_BODY cycles per
 * iteration.  The memory kernels are plain C: only their misses are
 * checked, and those follow from the addresses, not from the code.
 *
 * x86-64 only; elsewhere tkp_check_kernels_here() is 0 and the check says
 * so.  The AVX and AVX-512 loops must be called only where the CPU (and,
 * under valgrind, the simulated CPU) has them: tkp_check_cpu_has().
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "check.h"

#if defined(__x86_64__)

int tkp_check_kernels_here(void)
{
	return 1;
}

int tkp_check_cpu_has(int width, int fma)
{
	__builtin_cpu_init();
	if (width == 512)
		return __builtin_cpu_supports("avx512f");
	if (fma && !__builtin_cpu_supports("fma"))
		return 0;
	if (width == 256)
		return __builtin_cpu_supports("avx");
	return 1; /* scalar and 128-bit adds: SSE2, part of x86-64 */
}

/* TKP_CHECK_BODY instructions then dec and jnz: (BODY + 2) per iteration. */
__attribute__((noinline)) void tkp_check_ins_loop(long iters)
{
	__asm__ volatile("xor %%eax, %%eax\n"
			 "1:\n\t"
			 "add %%rax, %%rdx\n\tadd %%rax, %%rsi\n\tadd %%rax, %%rdi\n\tadd %%rax, %%r8\n\t"
			 "add %%rax, %%r9\n\tadd %%rax, %%r10\n\tadd %%rax, %%r11\n\tadd %%rax, %%rdx\n\t"
			 "dec %0\n\tjnz 1b\n"
			 : "+r"(iters)
			 :
			 : "rax", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "cc");
}

/* One chain of TKP_CHECK_BODY dependent adds per iteration. */
__attribute__((noinline)) void tkp_check_chain_loop(long iters)
{
	__asm__ volatile("xor %%eax, %%eax\n"
			 "1:\n\t"
			 "add $1, %%rax\n\tadd $1, %%rax\n\tadd $1, %%rax\n\tadd $1, %%rax\n\t"
			 "add $1, %%rax\n\tadd $1, %%rax\n\tadd $1, %%rax\n\tadd $1, %%rax\n\t"
			 "dec %0\n\tjnz 1b\n"
			 : "+r"(iters)
			 :
			 : "rax", "cc");
}

#define X8(OP, A, B)                                                                         \
	OP " %%" A "8, " B "0\n\t" OP " %%" A "8, " B "1\n\t" OP " %%" A "8, " B "2\n\t" OP   \
	   " %%" A "8, " B "3\n\t" OP " %%" A "8, " B "4\n\t" OP " %%" A "8, " B "5\n\t" OP \
	   " %%" A "8, " B "6\n\t" OP " %%" A "8, " B "7\n\t"
/* legacy SSE two-operand: op src, dst */
#define SSE(OP) X8(OP, "xmm", "%%xmm")
/* VEX/EVEX three-operand with the destination also a source */
#define V3(OP, R) X8(OP, R, "%%" R "9, %%" R)

/* Zeroes xmm0-9 (VEX: the whole ymm/zmm), runs BODY iters times, and
 * leaves the upper halves clean for SSE code after it. */
#define FP_LOOP(NAME, ZERO, BODY, TAIL)                                                        \
	static __attribute__((noinline)) void NAME(long iters)                                 \
	{                                                                                       \
		__asm__ volatile(ZERO "1:\n\t" BODY "dec %0\n\tjnz 1b\n\t" TAIL                \
				 : "+r"(iters)                                                  \
				 :                                                              \
				 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",  \
				   "xmm8", "xmm9", "cc");                                       \
	}
#define ZERO_SSE                                                                               \
	"xorpd %%xmm0, %%xmm0\n\txorpd %%xmm1, %%xmm1\n\txorpd %%xmm2, %%xmm2\n\t"             \
	"xorpd %%xmm3, %%xmm3\n\txorpd %%xmm4, %%xmm4\n\txorpd %%xmm5, %%xmm5\n\t"             \
	"xorpd %%xmm6, %%xmm6\n\txorpd %%xmm7, %%xmm7\n\txorpd %%xmm8, %%xmm8\n\t"             \
	"xorpd %%xmm9, %%xmm9\n\t"
#define ZERO_VEX                                                                               \
	"vxorpd %%ymm0, %%ymm0, %%ymm0\n\tvxorpd %%ymm1, %%ymm1, %%ymm1\n\t"                   \
	"vxorpd %%ymm2, %%ymm2, %%ymm2\n\tvxorpd %%ymm3, %%ymm3, %%ymm3\n\t"                   \
	"vxorpd %%ymm4, %%ymm4, %%ymm4\n\tvxorpd %%ymm5, %%ymm5, %%ymm5\n\t"                   \
	"vxorpd %%ymm6, %%ymm6, %%ymm6\n\tvxorpd %%ymm7, %%ymm7, %%ymm7\n\t"                   \
	"vxorpd %%ymm8, %%ymm8, %%ymm8\n\tvxorpd %%ymm9, %%ymm9, %%ymm9\n\t"
#define VZU "vzeroupper\n\t"

FP_LOOP(add_f64_s, ZERO_SSE, SSE("addsd"), "")
FP_LOOP(add_f32_s, ZERO_SSE, SSE("addss"), "")
FP_LOOP(add_f64_128, ZERO_SSE, SSE("addpd"), "")
FP_LOOP(add_f32_128, ZERO_SSE, SSE("addps"), "")
FP_LOOP(add_f64_256, ZERO_VEX, V3("vaddpd", "ymm"), VZU)
FP_LOOP(add_f32_256, ZERO_VEX, V3("vaddps", "ymm"), VZU)
FP_LOOP(add_f64_512, ZERO_VEX, V3("vaddpd", "zmm"), VZU)
FP_LOOP(add_f32_512, ZERO_VEX, V3("vaddps", "zmm"), VZU)
FP_LOOP(fma_f64_s, ZERO_VEX, V3("vfmadd231sd", "xmm"), VZU)
FP_LOOP(fma_f32_s, ZERO_VEX, V3("vfmadd231ss", "xmm"), VZU)
FP_LOOP(fma_f64_128, ZERO_VEX, V3("vfmadd231pd", "xmm"), VZU)
FP_LOOP(fma_f32_128, ZERO_VEX, V3("vfmadd231ps", "xmm"), VZU)
FP_LOOP(fma_f64_256, ZERO_VEX, V3("vfmadd231pd", "ymm"), VZU)
FP_LOOP(fma_f32_256, ZERO_VEX, V3("vfmadd231ps", "ymm"), VZU)
FP_LOOP(fma_f64_512, ZERO_VEX, V3("vfmadd231pd", "zmm"), VZU)
FP_LOOP(fma_f32_512, ZERO_VEX, V3("vfmadd231ps", "zmm"), VZU)

int tkp_check_fp_loop(int dbits, int width, int fma, long iters)
{
	/* [fma][f64][width: scalar, 128, 256, 512] */
	static void (*const loops[2][2][4])(long) = {
		{{add_f32_s, add_f32_128, add_f32_256, add_f32_512},
		 {add_f64_s, add_f64_128, add_f64_256, add_f64_512}},
		{{fma_f32_s, fma_f32_128, fma_f32_256, fma_f32_512},
		 {fma_f64_s, fma_f64_128, fma_f64_256, fma_f64_512}},
	};
	int w = width == 0 ? 0 : width == 128 ? 1 : width == 256 ? 2 : width == 512 ? 3 : -1;

	if (w < 0 || (dbits != 32 && dbits != 64) || iters <= 0 || !tkp_check_cpu_has(width, fma))
		return TKP_EINVAL;
	loops[fma != 0][dbits == 64][w](iters);
	return 0;
}

#else /* not x86-64 */

int tkp_check_kernels_here(void)
{
	return 0;
}

int tkp_check_cpu_has(int width, int fma)
{
	(void)width;
	(void)fma;
	return 0;
}

void tkp_check_ins_loop(long iters)
{
	(void)iters;
}

void tkp_check_chain_loop(long iters)
{
	(void)iters;
}

int tkp_check_fp_loop(int dbits, int width, int fma, long iters)
{
	(void)dbits;
	(void)width;
	(void)fma;
	(void)iters;
	return TKP_ENOTSUP;
}

#endif

/* Reads one byte of each of nlines lines, step lines apart (mod nlines,
 * step coprime with nlines: every line once), rounds times over. */
__attribute__((noinline)) unsigned tkp_check_walk(const volatile unsigned char *buf, size_t nlines,
						   size_t step, int line, long rounds)
{
	unsigned sum = 0;

	for (long r = 0; r < rounds; r++) {
		size_t idx = 0;
		for (size_t i = 0; i < nlines; i++) {
			sum += buf[idx * (size_t)line];
			idx += step;
			if (idx >= nlines)
				idx -= nlines;
		}
	}
	return sum;
}
