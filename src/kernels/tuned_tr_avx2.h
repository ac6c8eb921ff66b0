/*
 * tuned_tr_avx2.h - B's transpose for the dot path on the AVX2 path, a
 * vector's worth of k at a time (private to src/kernels/; tuned_paths.h
 * includes it for tuned_paths_avx2.h's PBT_CHUNK).
 *
 * AVX2 has no two-table permute, so the AVX-512 path's way
 * (tuned_dot_ukr.h) does not carry over; these are the usual in-register
 * transposes for the widths where they are short: 2 or 4 columns in f32,
 * 2 in f64.  Each takes VL rows of B, contiguous (VL·cols elements, row
 * by row), and writes column c's VL elements, in row order, at bt +
 * c·ldbt.
 */
#ifndef TKP_TUNED_TR_AVX2_H
#define TKP_TUNED_TR_AVX2_H

#ifdef TKP_HAVE_X86_SIMD
#include <stddef.h>

#include <immintrin.h>

#define TKP_TR_AVX2 __attribute__((target("avx2,fma")))

/* f32, 8 rows × 2 columns: each 128-bit half of the shuffle holds two
 * rows of each of the two input vectors (rows 0 1 4 5 | 2 3 6 7), which
 * the 64-bit permute puts in order. */
TKP_TR_AVX2 static inline void tkp_tuned_tr8x2_ps(const float *b, float *bt, size_t ldbt)
{
	__m256 v0 = _mm256_loadu_ps(b), v1 = _mm256_loadu_ps(b + 8);
	__m256 c0 = _mm256_shuffle_ps(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));
	__m256 c1 = _mm256_shuffle_ps(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));

	_mm256_storeu_ps(bt, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(c0), 0xd8)));
	_mm256_storeu_ps(bt + ldbt,
			 _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(c1), 0xd8)));
}

/* f32, 8 rows × 4 columns: the four vectors hold rows 2j (low half) and
 * 2j + 1 (high half); a 4 × 4 transpose within the halves leaves each
 * column as rows 0 2 4 6 | 1 3 5 7, which one permute puts in order. */
TKP_TR_AVX2 static inline void tkp_tuned_tr8x4_ps(const float *b, float *bt, size_t ldbt)
{
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
	__m256 v0 = _mm256_loadu_ps(b), v1 = _mm256_loadu_ps(b + 8);
	__m256 v2 = _mm256_loadu_ps(b + 16), v3 = _mm256_loadu_ps(b + 24);
	__m256 t0 = _mm256_unpacklo_ps(v0, v1), t1 = _mm256_unpackhi_ps(v0, v1);
	__m256 t2 = _mm256_unpacklo_ps(v2, v3), t3 = _mm256_unpackhi_ps(v2, v3);
	__m256 c[4];

	c[0] = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
	c[1] = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
	c[2] = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
	c[3] = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
	for (int j = 0; j < 4; j++)
		_mm256_storeu_ps(bt + (size_t)j * ldbt, _mm256_permutevar8x32_ps(c[j], order));
}

/* f64, 4 rows × 2 columns: the unpacks give rows 0 2 | 1 3 of a column,
 * the permute puts them in order. */
TKP_TR_AVX2 static inline void tkp_tuned_tr4x2_pd(const double *b, double *bt, size_t ldbt)
{
	__m256d v0 = _mm256_loadu_pd(b), v1 = _mm256_loadu_pd(b + 4);

	_mm256_storeu_pd(bt, _mm256_permute4x64_pd(_mm256_unpacklo_pd(v0, v1), 0xd8));
	_mm256_storeu_pd(bt + ldbt, _mm256_permute4x64_pd(_mm256_unpackhi_pd(v0, v1), 0xd8));
}

#endif /* TKP_HAVE_X86_SIMD */
#endif
