/*
 * tuned_paths_avx2.h - tuned_paths.h's AVX2 instances of TUNED_TEMPLATE,
 * for both dtypes (private to src/kernels/; included once per twin, no
 * include guard).  The includer defines AVX2_FMA_PD, AVX2_FMA_PS (a·b + c,
 * or the simulation twin's blend: isa.c) and the name suffixes
 * AVX2_SFX_F64, AVX2_SFX_F32.
 */
/* AVX2+FMA: 16 ymm; MR×NV = 6×2: 12 accumulators + 2 of B + 1 broadcast */
#define ATTR __attribute__((target("avx2,fma")))
#define MR 6
#define NV 2
#define MASK_T __m256i
#define T double
#define V __m256d
#define VL 4
#define VLOAD(p) _mm256_load_pd(p)
#define VLOADU(p) _mm256_loadu_pd(p)
#define VSTOREU(p, v) _mm256_storeu_pd((p), (v))
#define VSET1(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) AVX2_FMA_PD((a), (b), (c))
#define VADD(a, b) _mm256_add_pd((a), (b))
#define VZERO() _mm256_setzero_pd()
#define VMASK(rem) _mm256_cmpgt_epi64(_mm256_set1_epi64x(rem), _mm256_setr_epi64x(0, 1, 2, 3))
#define VLOADM(p, m) _mm256_maskload_pd((p), (m))
#define VSTOREM(p, m, v) _mm256_maskstore_pd((p), (m), (v))
#define VHSUM(v) tkp_tuned_hsum_pd(v)
#define VHSUMV(x) tkp_tuned_hsumv_pd(x)
#define VHSUMV_G TKP_HSUMV_G_AVX2
#define PBT_COLS(cols) ((cols) == 2)
#define PBT_CHUNK(cols, b, bt, ldbt) tkp_tuned_tr4x2_pd((b), (bt), (ldbt))
#define FN(x) FN1(x, AVX2_SFX_F64)
#include TUNED_TEMPLATE
#include "tuned_path_undef.h"
#define T float
#define V __m256
#define VL 8
#define VLOAD(p) _mm256_load_ps(p)
#define VLOADU(p) _mm256_loadu_ps(p)
#define VSTOREU(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) AVX2_FMA_PS((a), (b), (c))
#define VADD(a, b) _mm256_add_ps((a), (b))
#define VZERO() _mm256_setzero_ps()
#define VMASK(rem)                                                                          \
	_mm256_cmpgt_epi32(_mm256_set1_epi32((int)(rem)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define VLOADM(p, m) _mm256_maskload_ps((p), (m))
#define VSTOREM(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define VHSUM(v) tkp_tuned_hsum_ps(v)
#define VHSUMV(x) tkp_tuned_hsumv_ps(x)
#define VHSUMV_G TKP_HSUMV_G_AVX2
#define PBT_COLS(cols) ((cols) == 2 || (cols) == 4)
#define PBT_CHUNK(cols, b, bt, ldbt)                                                        \
	((cols) == 2 ? tkp_tuned_tr8x2_ps((b), (bt), (ldbt))                                \
		     : tkp_tuned_tr8x4_ps((b), (bt), (ldbt)))
#define FN(x) FN1(x, AVX2_SFX_F32)
#include TUNED_TEMPLATE
#include "tuned_path_undef.h"
#undef ATTR
#undef MR
#undef NV
#undef MASK_T
