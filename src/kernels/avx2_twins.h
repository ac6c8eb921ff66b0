/*
 * avx2_twins.h - includes AVX2_TWIN_HEADER (a header of AVX2 instances the
 * includer names) twice: the AVX2 path, with AVX2_FMA_PD/AVX2_FMA_PS the
 * FMA intrinsics and names suffixed avx2_f64/avx2_f32, then its
 * simulation twin (isa.c), with every FMA a blend and names suffixed
 * avx2sim_f64/avx2sim_f32 (private to src/kernels/; no include guard).
 */
#define AVX2_FMA_PD _mm256_fmadd_pd
#define AVX2_FMA_PS _mm256_fmadd_ps
#define AVX2_SFX_F64 avx2_f64
#define AVX2_SFX_F32 avx2_f32
#include AVX2_TWIN_HEADER
#undef AVX2_FMA_PD
#undef AVX2_FMA_PS
#undef AVX2_SFX_F64
#undef AVX2_SFX_F32

#define AVX2_FMA_PD _mm256_blendv_pd
#define AVX2_FMA_PS _mm256_blendv_ps
#define AVX2_SFX_F64 avx2sim_f64
#define AVX2_SFX_F32 avx2sim_f32
#include AVX2_TWIN_HEADER
#undef AVX2_FMA_PD
#undef AVX2_FMA_PS
#undef AVX2_SFX_F64
#undef AVX2_SFX_F32
