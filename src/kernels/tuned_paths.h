/*
 * tuned_paths.h - instantiates the template TUNED_TEMPLATE (a header
 * name the includer defines) once per ISA path and dtype, with that
 * path's vector macros and register tile (private to src/kernels/;
 * included once per template, no include guard).  tuned.c instantiates
 * tuned_ukr.h (the packed micro-kernel and packing), tuned_small.c
 * tuned_small_ukr.h (the unpacked micro-kernel): one set of tiles, so
 * that B packed by the one is read by the other as it is; tuned_dot.c
 * tuned_dot_ukr.h (dot products along k).
 *
 * A template may use: FN(x) (the instance's name for x), ATTR, T, V, VL,
 * MR, NV, VLOAD (aligned), VLOADU, VSTOREU, VSET1, VFMA, VADD, VZERO; the
 * masks MASK_T, VMASK(rem) (the first rem lanes: none if rem ≤ 0, all if
 * rem ≥ VL), VLOADM(p, m) (lanes off read as 0 and never fault),
 * VSTOREM(p, m, v); VHSUM(v) (the sum of v's lanes), VHSUMV(x) and
 * VHSUMV_G (the sums of VL vectors as one: tuned_hsum.h); on AVX-512
 * PACK_A_COLS and PACK_A_BLOCK, whose transposes (tr4x4_pd, tr8x8_ps,
 * tr4x8_ps) the includer declares if the template uses them.
 * On AVX-512 also VPERM2(a, ix, b) (two-table permute: lane l of a:b
 * at index ix[l] modulo 2·VL), VBLEND(m, a, b) (b's lanes where m is
 * set, else a's), with index vectors IDX_T of IDX_E elements
 * (VIDX_LOAD); tuned_dot_ukr.h transposes B with them where defined.
 * On AVX2 PBT_COLS(cols) (whether PBT_CHUNK has a transpose for cols)
 * and PBT_CHUNK(cols, b, bt, ldbt) (VL rows of B, contiguous, into Bt:
 * tuned_tr_avx2.h).
 * tuned_path_undef.h undefines an instance's per-dtype macros; ATTR, MR,
 * NV and MASK_T last a path.
 */


#define FN2(x, s) x##_##s
#define FN1(x, s) FN2(x, s)

/* portable: scalars, MR×NR = 4×8 (the compiler may vectorise); a "mask"
 * is whether the element is in */
#define ATTR
#define VL 1
#define MR 4
#define NV 8
#define VLOAD(p) (*(p))
#define VLOADU(p) (*(p))
#define VSTOREU(p, v) (*(p) = (v))
#define VSET1(x) (x)
#define VFMA(a, b, c) ((a) * (b) + (c))
#define VADD(a, b) ((a) + (b))
#define VZERO() 0
#define MASK_T int
#define VMASK(rem) ((rem) > 0)
#define VLOADM(p, m) ((m) ? *(p) : 0)
#define VSTOREM(p, m, v) ((m) ? (void)(*(p) = (v)) : (void)0)
#define VHSUM(v) (v)
#define VHSUMV(x) ((x)[0])
#define VHSUMV_G 1
#define T float
#define V float
#define FN(x) FN1(x, generic_f32)
#include TUNED_TEMPLATE
#undef T
#undef V
#undef FN
#define T double
#define V double
#define FN(x) FN1(x, generic_f64)
#include TUNED_TEMPLATE
#include "tuned_path_undef.h"
#undef ATTR
#undef MR
#undef NV
#undef MASK_T

#ifdef TKP_HAVE_X86_SIMD
#include "tuned_hsum.h"
#include "tuned_tr_avx2.h"

/* The AVX2 path, then its simulation twin (isa.c): the same code with
 * every FMA a blend. */
#define AVX2_TWIN_HEADER "tuned_paths_avx2.h"
#include "avx2_twins.h"
#undef AVX2_TWIN_HEADER

/* AVX-512: 32 zmm; f64 MR×NV = 8×3 (NR 24), f32 12×2 (NR 32): 24
 * accumulators + NV of B + 1 broadcast either way. */
#define ATTR __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma")))
#define MR 8
#define NV 3
#define MASK_T __mmask8
#define T double
#define V __m512d
#define VL 8
#define VLOAD(p) _mm512_load_pd(p)
#define VLOADU(p) _mm512_loadu_pd(p)
#define VSTOREU(p, v) _mm512_storeu_pd((p), (v))
#define VSET1(x) _mm512_set1_pd(x)
#define VFMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define VADD(a, b) _mm512_add_pd((a), (b))
#define VZERO() _mm512_setzero_pd()
#define VMASK(rem) ((rem) >= 8 ? (__mmask8)0xff : (rem) <= 0 ? (__mmask8)0 : (__mmask8)((1u << (rem)) - 1))
#define VLOADM(p, m) _mm512_maskz_loadu_pd((m), (p))
#define VSTOREM(p, m, v) _mm512_mask_storeu_pd((p), (m), (v))
#define VHSUM(v) _mm512_reduce_add_pd(v)
#define VHSUMV(x) tkp_tuned_hsumv512_pd(x)
#define VHSUMV_G TKP_HSUMV_G_AVX512
#define FN(x) FN1(x, avx512_f64)
#define IDX_T __m512i
#define IDX_E long long
#define VIDX_LOAD(e) _mm512_loadu_si512(e)
#define VPERM2(a, ix, b) _mm512_permutex2var_pd((a), (ix), (b))
#define VBLEND(m, a, b) _mm512_mask_blend_pd((m), (a), (b))
#define PACK_A_COLS 4
#define PACK_A_BLOCK(a, lda, out)                                                   \
	(tr4x4_pd((a), (lda), (out), MR), tr4x4_pd((a) + 4 * (lda), (lda), (out) + 4, MR))
#include TUNED_TEMPLATE
#include "tuned_path_undef.h"
#undef MR
#undef NV
#undef MASK_T
#define MR 12
#define NV 2
#define MASK_T __mmask16
#define T float
#define V __m512
#define VL 16
#define VLOAD(p) _mm512_load_ps(p)
#define VLOADU(p) _mm512_loadu_ps(p)
#define VSTOREU(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VADD(a, b) _mm512_add_ps((a), (b))
#define VZERO() _mm512_setzero_ps()
#define VMASK(rem)                                                                          \
	((rem) >= 16 ? (__mmask16)0xffff : (rem) <= 0 ? (__mmask16)0 : (__mmask16)((1u << (rem)) - 1))
#define VLOADM(p, m) _mm512_maskz_loadu_ps((m), (p))
#define VSTOREM(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define VHSUM(v) _mm512_reduce_add_ps(v)
#define VHSUMV(x) tkp_tuned_hsumv512_ps(x)
#define VHSUMV_G TKP_HSUMV_G_AVX512
#define FN(x) FN1(x, avx512_f32)
#define IDX_T __m512i
#define IDX_E int
#define VIDX_LOAD(e) _mm512_loadu_si512(e)
#define VPERM2(a, ix, b) _mm512_permutex2var_ps((a), (ix), (b))
#define VBLEND(m, a, b) _mm512_mask_blend_ps((m), (a), (b))
#define PACK_A_COLS 8
#define PACK_A_BLOCK(a, lda, out)                                                   \
	(tr8x8_ps((a), (lda), (out), MR), tr4x8_ps((a) + 8 * (lda), (lda), (out) + 8, MR))
#include TUNED_TEMPLATE
#include "tuned_path_undef.h"
#undef ATTR
#undef MR
#undef NV
#undef MASK_T
#endif /* TKP_HAVE_X86_SIMD */
#undef FN1
#undef FN2
