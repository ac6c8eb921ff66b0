/*
 * simd_rows.c - the vector building blocks that simd, blocked and threaded
 * share: the one-row i-k-j update and the register-blocked tile update, for
 * every ISA path and dtype.
 *
 * The loops are written once in simd_tmpl.h; this file instantiates them
 * with each path's vector vocabulary.  AVX2 and AVX-512 code is compiled
 * with __attribute__((target(...))) rather than -m flags, so one binary runs
 * on any x86-64 and the choice is made at run time (tkp_isa_current).  The
 * portable path is the same algorithm on scalars ("vectors" of one lane): it
 * is what aarch64 and other hosts run, and the TKP_ISA=generic rung.
 *
 * Register blocking per path (MR rows × NR = NV·VL columns of C; registers
 * used: MR·NV accumulators + NV vectors of B + 1 broadcast of A):
 *
 *   path      regs     f64 MR×NR   f32 MR×NR   registers
 *   avx512    32 zmm   4×32        8×32        21 / 19
 *   avx2      16 ymm   4×8         4×16        11
 *   generic   scalar   4×2         4×2         11
 *
 * On AVX-512 NR is 32 for both dtypes so that the default 32-wide tile is
 * one full sliver, and each micro-tile has 16 accumulators: two FMA pipes
 * with 4-cycle latency need at least 8 independent ones.  (f32 at 4×64
 * left a 32-wide tile with 8 accumulators and ran about 20% slower.)
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "simd_rows.h"

#ifdef TKP_HAVE_X86_SIMD
#include <immintrin.h>
#endif

/* ---- portable path ----------------------------------------------------- */

#define ATTR
#define VL 1
#define M int
#define VMASK(r) 0
#define VLOAD(p) (*(p))
#define VLOADM(p, m) ((void)(m), *(p))
#define VSTORE(p, v) (*(p) = (v))
#define VSTOREM(p, m, v) ((void)(m), *(p) = (v))
#define VBCAST(x) (x)
#define VFMA(a, b, c) ((a) * (b) + (c))
#define MR 4
#define NV 2

#define T float
#define V float
#define SFX generic_f32
#include "simd_tmpl.h"
#undef T
#undef V
#undef SFX

#define T double
#define V double
#define SFX generic_f64
#include "simd_tmpl.h"
#undef T
#undef V
#undef SFX

#undef ATTR
#undef VL
#undef M
#undef VMASK
#undef VLOAD
#undef VLOADM
#undef VSTORE
#undef VSTOREM
#undef VBCAST
#undef VFMA
#undef MR
#undef NV

#ifdef TKP_HAVE_X86_SIMD

/* ---- AVX2 + FMA: 256-bit, tails through vmaskmov ----------------------- */

/* Lane masks for vmaskmov: the r-lane mask starts r entries before the
 * zeros, so one table serves every tail length. */
static const int64_t mask64_tbl[8] = {-1, -1, -1, -1, 0, 0, 0, 0};
static const int32_t mask32_tbl[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

/* The AVX2 path, then its simulation twin (isa.c): the same loops with
 * every FMA a blend. */
#define AVX2_TWIN_HEADER "simd_rows_avx2.h"
#include "avx2_twins.h"
#undef AVX2_TWIN_HEADER

/* ---- AVX-512: 512-bit, tails through opmask registers ------------------ */

#define ATTR __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma")))

#define MR 4
#define NV 4
#define T double
#define V __m512d
#define VL 8
#define M __mmask8
#define VMASK(r) ((__mmask8)((1u << (r)) - 1u))
#define VLOAD(p) _mm512_loadu_pd(p)
#define VLOADM(p, m) _mm512_maskz_loadu_pd((m), (p))
#define VSTORE(p, v) _mm512_storeu_pd((p), (v))
#define VSTOREM(p, m, v) _mm512_mask_storeu_pd((p), (m), (v))
#define VBCAST(x) _mm512_set1_pd(x)
#define VFMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define SFX avx512_f64
#include "simd_tmpl.h"
#undef MR
#undef NV
#undef T
#undef V
#undef VL
#undef M
#undef VMASK
#undef VLOAD
#undef VLOADM
#undef VSTORE
#undef VSTOREM
#undef VBCAST
#undef VFMA
#undef SFX

#define MR 8
#define NV 2
#define T float
#define V __m512
#define VL 16
#define M __mmask16
#define VMASK(r) ((__mmask16)((1u << (r)) - 1u))
#define VLOAD(p) _mm512_loadu_ps(p)
#define VLOADM(p, m) _mm512_maskz_loadu_ps((m), (p))
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSTOREM(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define VBCAST(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define SFX avx512_f32
#include "simd_tmpl.h"
#undef T
#undef V
#undef VL
#undef M
#undef VMASK
#undef VLOAD
#undef VLOADM
#undef VSTORE
#undef VSTOREM
#undef VBCAST
#undef VFMA
#undef SFX

#undef MR
#undef NV
#undef ATTR

#endif /* TKP_HAVE_X86_SIMD */

/* ---- selection ----------------------------------------------------------- */

/* Paths the build does not have fall back to the portable one; callers
 * have already refused paths the CPU cannot run. */
tkp_row_fn tkp_simd_row_fn(tkp_dtype dt, tkp_isa isa)
{
#ifdef TKP_HAVE_X86_SIMD
	if (isa == TKP_ISA_AVX512)
		return dt == TKP_F32 ? row_update_avx512_f32 : row_update_avx512_f64;
	if (isa == TKP_ISA_AVX2 && tkp_isa_sim_twin())
		return dt == TKP_F32 ? row_update_avx2sim_f32 : row_update_avx2sim_f64;
	if (isa == TKP_ISA_AVX2)
		return dt == TKP_F32 ? row_update_avx2_f32 : row_update_avx2_f64;
#endif
	(void)isa;
	return dt == TKP_F32 ? row_update_generic_f32 : row_update_generic_f64;
}

tkp_tile_fn tkp_simd_tile_fn(tkp_dtype dt, tkp_isa isa)
{
#ifdef TKP_HAVE_X86_SIMD
	if (isa == TKP_ISA_AVX512)
		return dt == TKP_F32 ? tile_update_avx512_f32 : tile_update_avx512_f64;
	if (isa == TKP_ISA_AVX2 && tkp_isa_sim_twin())
		return dt == TKP_F32 ? tile_update_avx2sim_f32 : tile_update_avx2sim_f64;
	if (isa == TKP_ISA_AVX2)
		return dt == TKP_F32 ? tile_update_avx2_f32 : tile_update_avx2_f64;
#endif
	(void)isa;
	return dt == TKP_F32 ? tile_update_generic_f32 : tile_update_generic_f64;
}

int tkp_simd_isa_ok(tkp_isa isa)
{
	return isa >= TKP_ISA_GENERIC && isa <= tkp_isa_supported();
}
