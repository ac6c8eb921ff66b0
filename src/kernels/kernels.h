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

/* The AVX2 path's simulation twin (isa.c): on, the AVX2 kernels run a copy
 * whose every FMA is one blend, so valgrind runs them 13x faster with the
 * same addresses and instruction count; their results are wrong.  Only the
 * simulation child (sim.c) turns it on. */
void tkp_isa_set_sim_twin(int on);
int tkp_isa_sim_twin(void);

/* Default tile edge for blocked kernels when tkp_gemm.block is 0: the
 * largest multiple of 16 whose b×b tile of the dtype fits the L1 data
 * cache (sysconf); 64 when the size is unknown (isa.c says why). */
int tkp_kernel_default_block(tkp_dtype dt);
/* The one default-block resolver: the tile edge a kernel with capability
 * bits caps runs with when asked for block.  Kernels that take a block
 * (TKP_CAP_BLOCK) run block when it is above 0, else the default for dt
 * (tkp_kernel_default_block); for the others block is returned as it is.
 * The library, the CLI, the plan and the kernels all ask this, so a row
 * records the block that ran and the simulated child runs the parent's.
 * Inline: inside the blocked kernels it is what the kernel's own test was,
 * and adds no call to the instructions a simulation counts there. */
static inline int tkp_kernel_block_for(unsigned caps, tkp_dtype dt, int block)
{
	return (caps & TKP_CAP_BLOCK) && block <= 0 ? tkp_kernel_default_block(dt) : block;
}

/* Runtime rows (registry.c): kernels loaded while running, after the
 * built-in table.  tkp_kernel_register keeps the pointer (the caller keeps
 * the row alive for the process): 0, TKP_EEXIST for a name already taken
 * (a built-in's or another runtime row's), TKP_ENOMEM when
 * TKP_KERNEL_MAX_RUNTIME rows are registered, TKP_EINVAL without name or
 * function.  tkp_kernel_is_builtin: 1 for a row of the static table. */
#define TKP_KERNEL_MAX_RUNTIME 16
int tkp_kernel_register(const tkp_kernel *k);
int tkp_kernel_is_builtin(const tkp_kernel *k);

int tkp_gemm_naive(const tkp_gemm *g);
int tkp_gemm_simd(const tkp_gemm *g);
int tkp_gemm_blocked(const tkp_gemm *g);
int tkp_gemm_threaded(const tkp_gemm *g);
int tkp_gemm_blas(const tkp_gemm *g);
int tkp_gemm_tuned(const tkp_gemm *g);
/* NULL when the blas kernel can run, else why not. */
const char *tkp_blas_unavailable(void);
/* Where OpenBLAS runs kernels older than this CPU's SIMD path (a CPU it
 * does not know: its Prescott ones), a sentence saying so and how to pick
 * better ones, in buf; else NULL. */
const char *tkp_blas_weak_core(char *buf, size_t len);
/* The OpenBLAS core (kernel set) a simulation child should force with
 * OPENBLAS_CORETYPE so that it runs what the timed runs run, or NULL (not
 * OpenBLAS, or its core unknown).  AVX-512 cores give "Haswell", the
 * nearest that valgrind can run (blas.c says why). */
const char *tkp_blas_sim_core(void);

/* The SIMD kernels on an explicit path instead of tkp_isa_current(), so the
 * tests can check every path this CPU runs in one process (the current
 * path is decided once).  TKP_ENOTSUP for a path the CPU or build lacks.
 * Arguments are assumed checked (tkp_kernel_run). */
int tkp_gemm_simd_isa(const tkp_gemm *g, tkp_isa isa);
int tkp_gemm_blocked_isa(const tkp_gemm *g, tkp_isa isa);
int tkp_gemm_threaded_isa(const tkp_gemm *g, tkp_isa isa);
int tkp_gemm_tuned_isa(const tkp_gemm *g, tkp_isa isa);

/* The tuned kernel's loops: chosen by shape (AUTO, what tkp_gemm_tuned_isa
 * runs), or one forced, so that the tests check each on every shape:
 * PACKED the five BLIS loops, DIRECT nothing packed, SKINNY only B packed
 * (tuned_small.c), STREAM A packed once and B block by block (few rows
 * against a large B), DOT each element of C a dot product along k (a C
 * narrower than a vector: tuned_dot.c). */
typedef enum tkp_tuned_mode {
	TKP_TUNED_AUTO = 0,
	TKP_TUNED_PACKED,
	TKP_TUNED_DIRECT,
	TKP_TUNED_SKINNY,
	TKP_TUNED_STREAM,
	TKP_TUNED_DOT
} tkp_tuned_mode;
int tkp_gemm_tuned_mode(const tkp_gemm *g, tkp_isa isa, tkp_tuned_mode mode);

/* The tuned kernel's cache blocking on path isa for the blocking asked
 * for, want = {MC, KC, NC} (tkp_gemm's mc, kc, nc; NULL or a 0 = derive
 * that one from the cache sizes): out = {MC, KC, NC, MR, NR} as the
 * kernel runs them, MC and NC rounded down to multiples of MR and NR.
 * Zeros for a dtype or path this build lacks.  A pure function of its
 * arguments and the cache sizes: where the blocking comes from (a
 * profile, the tuning file, the environment) is src/lib/tuning.c's. */
void tkp_tuned_blocking(tkp_dtype dt, tkp_isa isa, const size_t want[3], size_t out[5]);
/* Calls below 4 Mflop per thread that the tuned kernel ran on more than
 * one thread (awake_team in tuned.c), so far in this process. */
unsigned long tkp_tuned_small_teams(void);
/* Forgets the tuned kernel's plans for small problems (tuned.c), so that
 * each shape makes its plan again when it next comes; returns how many
 * it held.  For tests: no other thread may be in the tuned kernel. */
int tkp_tuned_plans_forget(void);

/* C[i0:i1][j0:j1] = A[i0:i1][:]·B[:][j0:j1] by the blocked kernel's loops
 * with tile edge b ≥ 1: the unit of work threaded hands to its threads.
 * pack is scratch of tkp_blocked_pack_bytes(g, b) bytes, one per thread. */
void tkp_blocked_part(const tkp_gemm *g, tkp_isa isa, size_t b, size_t i0, size_t i1,
		      size_t j0, size_t j1, void *pack);
size_t tkp_blocked_pack_bytes(const tkp_gemm *g, size_t b);

/* For simulated counters only (src/lib/sim.c samples column panels): the
 * blocked and threaded kernels on columns [j0, j1) of C, all rows, with
 * the whole problem's strides, loops and (threaded) grid of blocks; j0 a
 * multiple of tkp_threaded_col_unit for threaded.  Collection is toggled
 * on by these names, so they are never inlined into another entry. */
int tkp_gemm_blocked_cols(const tkp_gemm *g, size_t j0, size_t j1);
int tkp_gemm_threaded_cols(const tkp_gemm *g, size_t j0, size_t j1);
/* The columns of one round of threaded's grid for g: whole column blocks
 * holding at least one block per thread. */
size_t tkp_threaded_col_unit(const tkp_gemm *g);

/* For the simulation's warm-up only (src/lib/sim.c): the tuned kernel's
 * first k block, a whole pass over C with its packed panels at full size
 * (the last block may be shorter), so the caches are left as a whole call
 * leaves them for a fraction of its cost; the whole call where the shape
 * takes any other path (direct, skinny, stream).  C is left wrong. */
int tkp_gemm_tuned_kblock(const tkp_gemm *g);

#endif
