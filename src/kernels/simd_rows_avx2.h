/*
 * simd_rows_avx2.h - simd_rows.c's AVX2 instances of simd_tmpl.h, for both
 * dtypes (private to src/kernels/; included once per twin, no include
 * guard).  The includer defines AVX2_FMA_PD, AVX2_FMA_PS (a·b + c, or the
 * simulation twin's blend: isa.c) and the name suffixes AVX2_SFX_F64,
 * AVX2_SFX_F32, and has mask64_tbl and mask32_tbl.
 */
#define ATTR __attribute__((target("avx2,fma")))
#define M __m256i
#define MR 4
#define NV 2

#define T double
#define V __m256d
#define VL 4
#define VMASK(r) _mm256_loadu_si256((const __m256i *)(mask64_tbl + 4 - (r)))
#define VLOAD(p) _mm256_loadu_pd(p)
#define VLOADM(p, m) _mm256_maskload_pd((p), (m))
#define VSTORE(p, v) _mm256_storeu_pd((p), (v))
#define VSTOREM(p, m, v) _mm256_maskstore_pd((p), (m), (v))
#define VBCAST(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) AVX2_FMA_PD((a), (b), (c))
#define SFX AVX2_SFX_F64
#include "simd_tmpl.h"
#undef T
#undef V
#undef VL
#undef VMASK
#undef VLOAD
#undef VLOADM
#undef VSTORE
#undef VSTOREM
#undef VBCAST
#undef VFMA
#undef SFX

#define T float
#define V __m256
#define VL 8
#define VMASK(r) _mm256_loadu_si256((const __m256i *)(mask32_tbl + 8 - (r)))
#define VLOAD(p) _mm256_loadu_ps(p)
#define VLOADM(p, m) _mm256_maskload_ps((p), (m))
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSTOREM(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define VBCAST(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) AVX2_FMA_PS((a), (b), (c))
#define SFX AVX2_SFX_F32
#include "simd_tmpl.h"
#undef T
#undef V
#undef VL
#undef VMASK
#undef VLOAD
#undef VLOADM
#undef VSTORE
#undef VSTOREM
#undef VBCAST
#undef VFMA
#undef SFX

#undef ATTR
#undef M
#undef MR
#undef NV
