/*
 * kernels.h - private interface between the kernel files and the registry.
 *
 * Kernels are pure compute: parameters in (a tkp_gemm), C out.  They include
 * nothing from src/lib, src/probe or src/cli, never print and never time
 * themselves.  Each kernel file defines one tkp_gemm_<name>() and, if it can
 * be unavailable, tkp_<name>_unavailable(); registry.c lists them.
 */
#ifndef TKP_KERNELS_H
#define TKP_KERNELS_H

#include "tkprofile.h"

/* Instruction-set paths, best last. */
typedef enum tkp_isa { TKP_ISA_GENERIC = 0, TKP_ISA_AVX2 = 1, TKP_ISA_AVX512 = 2 } tkp_isa;

/* The path SIMD kernels take: the best the CPU supports, lowered by the
 * TKP_ISA environment variable.  Decided once per process. */
tkp_isa tkp_isa_current(void);
/* Best path the CPU supports, ignoring TKP_ISA. */
tkp_isa tkp_isa_supported(void);

/* Default tile edge for blocked kernels when tkp_gemm.block is 0: the
 * largest multiple of 16 whose b×b tile of the dtype fits the L1 data
 * cache (sysconf); 64 when the size is unknown (isa.c says why). */
int tkp_kernel_default_block(tkp_dtype dt);

int tkp_gemm_naive(const tkp_gemm *g);
int tkp_gemm_simd(const tkp_gemm *g);
int tkp_gemm_blocked(const tkp_gemm *g);
int tkp_gemm_threaded(const tkp_gemm *g);
int tkp_gemm_blas(const tkp_gemm *g);
int tkp_gemm_tuned(const tkp_gemm *g);
/* NULL when the blas kernel can run, else why not. */
const char *tkp_blas_unavailable(void);

/* The SIMD kernels on an explicit path instead of tkp_isa_current(), so the
 * tests can check every path this CPU runs in one process (the current
 * path is decided once).  TKP_ENOTSUP for a path the CPU or build lacks.
 * Arguments are assumed checked (tkp_kernel_run). */
int tkp_gemm_simd_isa(const tkp_gemm *g, tkp_isa isa);
int tkp_gemm_blocked_isa(const tkp_gemm *g, tkp_isa isa);
int tkp_gemm_threaded_isa(const tkp_gemm *g, tkp_isa isa);
int tkp_gemm_tuned_isa(const tkp_gemm *g, tkp_isa isa);

/* The tuned kernel's cache blocking for a dtype (all paths): MC, KC, NC
 * element counts, 0 = derive from the cache sizes (the default).  Later
 * calls use them; TKP_TUNED_MC/KC/NC in the environment apply to those
 * left 0.  MC and NC are rounded down to multiples of MR and NR.
 * TKP_EINVAL for a bad dtype. */
int tkp_tuned_set_blocking(tkp_dtype dt, size_t mc, size_t kc, size_t nc);
/* What tuned would use now on path isa: {MC, KC, NC, MR, NR}; zeros for a
 * path this build lacks. */
void tkp_tuned_blocking(tkp_dtype dt, tkp_isa isa, size_t out[5]);
/* Where saved tuning lives: $TKP_TUNED_CONF, else
 * $XDG_CONFIG_HOME/tkprofile/tuned.conf, else ~/.config/tkprofile/tuned.conf.
 * tuned reads it once, at its first call (below the two settings above);
 * `tkprofile tune --save` writes it.  TKP_ENOENT without HOME,
 * TKP_ERANGE if buf is too small. */
int tkp_tuned_conf_path(char *buf, size_t size);
/* The first thing in the tuned kernel's settings that it would ignore:
 * a TKP_TUNED_MC/KC/NC that is not a whole number from 1 to 2^24, a
 * TKP_TUNED_CONF that names no readable file, or a line of the tuning
 * file that is not "PATH DTYPE MC KC NC".  Returns 1 and says what, and
 * what was expected, in why ("FILE:LINE: ..." for the file); 0 when all is
 * well (no settings at all included).  tuned itself goes on without them:
 * they only ever change its speed, never its results. */
int tkp_tuned_config_check(char *why, size_t len);

/* C[i0:i1][j0:j1] = A[i0:i1][:]·B[:][j0:j1] by the blocked kernel's loops
 * with tile edge b ≥ 1: the unit of work threaded hands to its threads.
 * pack is scratch of tkp_blocked_pack_bytes(g, b) bytes, one per thread. */
void tkp_blocked_part(const tkp_gemm *g, tkp_isa isa, size_t b, size_t i0, size_t i1,
		      size_t j0, size_t j1, void *pack);
size_t tkp_blocked_pack_bytes(const tkp_gemm *g, size_t b);

#endif
