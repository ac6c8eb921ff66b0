/*
 * tuned_hsum.h - sums across a vector's lanes for the dot-product
 * micro-kernel (tuned_dot_ukr.h), on the AVX2 and AVX-512 paths
 * (private to src/kernels/; tuned_paths.h includes it for its VHSUM and
 * VHSUMV macros).
 *
 * A dot product along k ends as one vector of partial sums per element
 * of C.  Summed one by one, each costs about eight instructions (halves
 * added until one lane is left), as many as the FMAs of 128 steps of k
 * in f32 on AVX-512.  Summed VL at a time, as a transpose whose every
 * step adds what it has brought together, VL vectors take about 3·VL
 * instructions and leave one vector holding the VL sums, which is stored
 * as it is where those elements of C lie side by side.
 *
 * The transposes leave the sums in an interleaved order: x[i]'s sum in
 * lane (VL / G)·(i mod G) + i / G, G being TKP_HSUMV_G_AVX512 or
 * TKP_HSUMV_G_AVX2 (the caller feeds its vectors in the order that undoes
 * it, so no permutation is spent).
 */
#ifndef TKP_TUNED_HSUM_H
#define TKP_TUNED_HSUM_H

#ifdef TKP_HAVE_X86_SIMD
#include <immintrin.h>

#define TKP_HSUM_AVX2 __attribute__((target("avx2,fma")))
#define TKP_HSUM_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma")))

enum { TKP_HSUMV_G_AVX2 = 2, TKP_HSUMV_G_AVX512 = 4 };

/* The sum of v's lanes: halves added until one lane is left. */
TKP_HSUM_AVX2 static inline double tkp_tuned_hsum_pd(__m256d v)
{
	__m128d x = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));

	return _mm_cvtsd_f64(_mm_add_sd(x, _mm_unpackhi_pd(x, x)));
}

TKP_HSUM_AVX2 static inline float tkp_tuned_hsum_ps(__m256 v)
{
	__m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));

	x = _mm_add_ps(x, _mm_movehl_ps(x, x));
	return _mm_cvtss_f32(_mm_add_ss(x, _mm_movehdup_ps(x)));
}

/* The 128-bit halves of a and b added: a's in the low half, b's in the
 * high one (the first step of the AVX2 transposes). */
TKP_HSUM_AVX2 static inline __m256 tkp_tuned_hsum_halves_ps(__m256 a, __m256 b)
{
	return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}

TKP_HSUM_AVX2 static inline __m256d tkp_tuned_hsum_halves_pd(__m256d a, __m256d b)
{
	return _mm256_add_pd(_mm256_permute2f128_pd(a, b, 0x20), _mm256_permute2f128_pd(a, b, 0x31));
}

/* The sums of x[0..3], in lanes 0, 2, 1, 3. */
TKP_HSUM_AVX2 static inline __m256d tkp_tuned_hsumv_pd(const __m256d *x)
{
	return _mm256_hadd_pd(tkp_tuned_hsum_halves_pd(x[0], x[1]), tkp_tuned_hsum_halves_pd(x[2], x[3]));
}

/* Pairs of lanes (as doubles) of a and b interleaved and added: the
 * last step of the f32 transposes. */
TKP_HSUM_AVX2 static inline __m256 tkp_tuned_hsum_pairs_ps(__m256 a, __m256 b)
{
	__m256d ad = _mm256_castps_pd(a), bd = _mm256_castps_pd(b);

	return _mm256_add_ps(_mm256_castpd_ps(_mm256_unpacklo_pd(ad, bd)),
			     _mm256_castpd_ps(_mm256_unpackhi_pd(ad, bd)));
}

/* The sums of x[0..7], x[i]'s in lane 4·(i mod 2) + i / 2. */
TKP_HSUM_AVX2 static inline __m256 tkp_tuned_hsumv_ps(const __m256 *x)
{
	__m256 t0 = tkp_tuned_hsum_halves_ps(x[0], x[1]), t1 = tkp_tuned_hsum_halves_ps(x[2], x[3]);
	__m256 t2 = tkp_tuned_hsum_halves_ps(x[4], x[5]), t3 = tkp_tuned_hsum_halves_ps(x[6], x[7]);
	__m256 v0 = _mm256_add_ps(_mm256_unpacklo_ps(t0, t1), _mm256_unpackhi_ps(t0, t1));
	__m256 v1 = _mm256_add_ps(_mm256_unpacklo_ps(t2, t3), _mm256_unpackhi_ps(t2, t3));

	return tkp_tuned_hsum_pairs_ps(v0, v1);
}

/* AVX-512: quarters (128 bits) of a and b added, a's in the low half,
 * b's in the high one; then quarters 0+1 and 2+3 of each of a and b. */
TKP_HSUM_AVX512 static inline __m512 tkp_tuned_hsum_q_ps(__m512 a, __m512 b)
{
	return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44), _mm512_shuffle_f32x4(a, b, 0xee));
}

TKP_HSUM_AVX512 static inline __m512 tkp_tuned_hsum_q2_ps(__m512 a, __m512 b)
{
	return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x88), _mm512_shuffle_f32x4(a, b, 0xdd));
}

TKP_HSUM_AVX512 static inline __m512d tkp_tuned_hsum_q_pd(__m512d a, __m512d b)
{
	return _mm512_add_pd(_mm512_shuffle_f64x2(a, b, 0x44), _mm512_shuffle_f64x2(a, b, 0xee));
}

TKP_HSUM_AVX512 static inline __m512d tkp_tuned_hsum_q2_pd(__m512d a, __m512d b)
{
	return _mm512_add_pd(_mm512_shuffle_f64x2(a, b, 0x88), _mm512_shuffle_f64x2(a, b, 0xdd));
}

/* The sums of x[0..7], x[i]'s in lane 2·(i mod 4) + i / 4. */
TKP_HSUM_AVX512 static inline __m512d tkp_tuned_hsumv512_pd(const __m512d *x)
{
	__m512d u0 = tkp_tuned_hsum_q2_pd(tkp_tuned_hsum_q_pd(x[0], x[1]), tkp_tuned_hsum_q_pd(x[2], x[3]));
	__m512d u1 = tkp_tuned_hsum_q2_pd(tkp_tuned_hsum_q_pd(x[4], x[5]), tkp_tuned_hsum_q_pd(x[6], x[7]));

	return _mm512_add_pd(_mm512_unpacklo_pd(u0, u1), _mm512_unpackhi_pd(u0, u1));
}

/* The sums of x[0..15], x[i]'s in lane 4·(i mod 4) + i / 4. */
TKP_HSUM_AVX512 static inline __m512 tkp_tuned_hsumv512_ps(const __m512 *x)
{
	/* (no loop: one left the u's on the stack) */
	__m512 u0 = tkp_tuned_hsum_q2_ps(tkp_tuned_hsum_q_ps(x[0], x[1]), tkp_tuned_hsum_q_ps(x[2], x[3]));
	__m512 u1 = tkp_tuned_hsum_q2_ps(tkp_tuned_hsum_q_ps(x[4], x[5]), tkp_tuned_hsum_q_ps(x[6], x[7]));
	__m512 u2 = tkp_tuned_hsum_q2_ps(tkp_tuned_hsum_q_ps(x[8], x[9]), tkp_tuned_hsum_q_ps(x[10], x[11]));
	__m512 u3 = tkp_tuned_hsum_q2_ps(tkp_tuned_hsum_q_ps(x[12], x[13]), tkp_tuned_hsum_q_ps(x[14], x[15]));
	__m512 v0 = _mm512_add_ps(_mm512_unpacklo_ps(u0, u1), _mm512_unpackhi_ps(u0, u1));
	__m512 v1 = _mm512_add_ps(_mm512_unpacklo_ps(u2, u3), _mm512_unpackhi_ps(u2, u3));

	return _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(v0),
								 _mm512_castps_pd(v1))),
			     _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(v0),
								 _mm512_castps_pd(v1))));
}
#endif /* TKP_HAVE_X86_SIMD */

#endif
