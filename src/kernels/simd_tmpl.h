/*
 * simd_tmpl.h - the GEMM inner loops, written once over an abstract vector.
 *
 * simd_rows.c includes this file once per (ISA, dtype) pair after defining
 * the vector vocabulary below, so the AVX-512, AVX2 and portable paths are
 * the same algorithm and cannot drift apart.  Not a header to include
 * anywhere else; it has no include guard on purpose.
 *
 * The including file defines:
 *   T        element type (float, double)      SFX   name suffix
 *   ATTR     function attributes (target(...)) for this path
 *   V, VL    vector type and its number of lanes
 *   M        lane-mask type; VMASK(r): first r lanes (1 ≤ r ≤ VL)
 *   VLOAD(p) VLOADM(p, m) VSTORE(p, v) VSTOREM(p, m, v)   unaligned
 *   VBCAST(x) VFMA(a, b, c) = a·b + c
 *   MR, NV   micro-tile: MR rows of C by NV vectors (NR = NV·VL columns)
 * Masked loads never fault on the lanes they leave out (AVX-512 and AVX2
 * masked moves both suppress faults), which is what makes the tails safe.
 */

#define TK_CAT2(a, b) a##_##b
#define TK_CAT(a, b) TK_CAT2(a, b)
#define FN(name) TK_CAT(name, SFX)

/*
 * c[0:n] += Σ_{p<k} a[p]·B[p][0:n]: one row of C in i-k-j order (broadcast
 * A[i][p], FMA along row p of B).  Four rows of B are folded into each pass
 * over the row of C, so C is loaded and stored a quarter as often as in the
 * textbook loop while the order stays i-k-j; the tail of the row is one
 * masked vector.
 */
ATTR static void FN(row_update)(size_t k, size_t n, const void *av, const void *bv, size_t ldb,
				void *cv)
{
	const T *a = av, *b = bv;
	T *c = cv;
	size_t nfull = n - n % VL, p = 0, j;
	M tail = VMASK(n % VL ? n % VL : VL);

	for (; p + 4 <= k; p += 4) {
		const T *b0 = b + p * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
		V a0 = VBCAST(a[p]), a1 = VBCAST(a[p + 1]);
		V a2 = VBCAST(a[p + 2]), a3 = VBCAST(a[p + 3]);

		for (j = 0; j < nfull; j += VL) {
			V x = VLOAD(c + j);
			x = VFMA(a0, VLOAD(b0 + j), x);
			x = VFMA(a1, VLOAD(b1 + j), x);
			x = VFMA(a2, VLOAD(b2 + j), x);
			x = VFMA(a3, VLOAD(b3 + j), x);
			VSTORE(c + j, x);
		}
		if (j < n) {
			V x = VLOADM(c + j, tail);
			x = VFMA(a0, VLOADM(b0 + j, tail), x);
			x = VFMA(a1, VLOADM(b1 + j, tail), x);
			x = VFMA(a2, VLOADM(b2 + j, tail), x);
			x = VFMA(a3, VLOADM(b3 + j, tail), x);
			VSTOREM(c + j, tail, x);
		}
	}
	for (; p < k; p++) {
		const T *b0 = b + p * ldb;
		V a0 = VBCAST(a[p]);

		for (j = 0; j < nfull; j += VL)
			VSTORE(c + j, VFMA(a0, VLOAD(b0 + j), VLOAD(c + j)));
		if (j < n)
			VSTOREM(c + j, tail, VFMA(a0, VLOADM(b0 + j, tail), VLOADM(c + j, tail)));
	}
}

/*
 * The micro-kernel: C[0:mr][0:nv vectors] += A[0:mr][0:k]·B[0:k][...], the
 * mr×nv block of C held in registers for the whole k loop.  Each step of p
 * loads nv vectors of B and broadcasts mr elements of A for mr·nv FMAs,
 * which is what lifts it above the one-row update (one load per FMA).
 * mr, nv and masked are constants at every call site, so the loops unroll
 * fully and acc[][] lives in registers; masked: the last vector is partial.
 */
ATTR static inline __attribute__((always_inline)) void
FN(ukr)(size_t k, const T *a, size_t lda, const T *b, size_t ldb, T *c, size_t ldc, const int mr,
	const int nv, const int masked, M last)
{
	V acc[MR][NV], bx[NV];

#pragma GCC unroll 16
	for (int r = 0; r < mr; r++)
#pragma GCC unroll 16
		for (int v = 0; v < nv; v++)
			acc[r][v] = masked && v == nv - 1 ? VLOADM(c + r * ldc + v * VL, last)
							  : VLOAD(c + r * ldc + v * VL);
	for (size_t p = 0; p < k; p++) {
		const T *bp = b + p * ldb;

#pragma GCC unroll 16
		for (int v = 0; v < nv; v++)
			bx[v] = masked && v == nv - 1 ? VLOADM(bp + v * VL, last) : VLOAD(bp + v * VL);
#pragma GCC unroll 16
		for (int r = 0; r < mr; r++) {
			V ar = VBCAST(a[r * lda + p]);
#pragma GCC unroll 16
			for (int v = 0; v < nv; v++)
				acc[r][v] = VFMA(ar, bx[v], acc[r][v]);
		}
	}
#pragma GCC unroll 16
	for (int r = 0; r < mr; r++)
#pragma GCC unroll 16
		for (int v = 0; v < nv; v++) {
			if (masked && v == nv - 1)
				VSTOREM(c + r * ldc + v * VL, last, acc[r][v]);
			else
				VSTORE(c + r * ldc + v * VL, acc[r][v]);
		}
}

/* One case of the width switch below: nv vectors, full or masked last. */
#define UKR_CASE(MRC, NVC)                                                            \
	case NVC:                                                                     \
		if (masked)                                                           \
			FN(ukr)(k, a, lda, b, ldb, c, ldc, MRC, NVC, 1, last);        \
		else                                                                  \
			FN(ukr)(k, a, lda, b, ldb, c, ldc, MRC, NVC, 0, last);        \
		break

/* Instantiates the micro-kernel for MRC rows and every width up to NV. */
#define UKR_ROWS(MRC)                                                                    \
	ATTR static void FN(TK_CAT(ukr_rows, MRC))(size_t k, const T *a, size_t lda,       \
						   const T *b, size_t ldb, T *c, size_t ldc, \
						   int nv, int masked, M last)               \
	{                                                                                \
		switch (nv) {                                                            \
			UKR_CASE(MRC, 1);                                                \
			UKR_WIDER(MRC);                                                  \
		}                                                                        \
	}

#if NV == 1
#define UKR_WIDER(MRC)
#elif NV == 2
#define UKR_WIDER(MRC) UKR_CASE(MRC, 2)
#elif NV == 3
#define UKR_WIDER(MRC) UKR_CASE(MRC, 2); UKR_CASE(MRC, 3)
#elif NV == 4
#define UKR_WIDER(MRC) UKR_CASE(MRC, 2); UKR_CASE(MRC, 3); UKR_CASE(MRC, 4)
#else
#error "simd_tmpl.h: NV must be 1..4"
#endif

UKR_ROWS(MR)
UKR_ROWS(1)

/*
 * C[0:m][0:n] += A[0:m][0:k]·B[0:k][0:n] for one cache tile (any sizes):
 * JR walks NR-wide column slivers of the tile, IR MR-row slivers inside
 * each, so a k×NR sliver of B is reused from L1 by every row sliver.  The
 * m % MR leftover rows go through the one-row micro-kernel.
 */
ATTR static void FN(tile_update)(size_t m, size_t n, size_t k, const void *av, size_t lda,
				 const void *bv, size_t ldb, void *cv, size_t ldc)
{
	const T *a = av, *b = bv;
	T *c = cv;

	for (size_t j = 0; j < n; j += (size_t)NV * VL) { /* JR */
		size_t w = n - j < (size_t)NV * VL ? n - j : (size_t)NV * VL;
		int nv = (int)((w + VL - 1) / VL), masked = w % VL != 0;
		M last = VMASK(masked ? (int)(w % VL) : VL);
		size_t i = 0;

		for (; i + MR <= m; i += MR) /* IR */
			FN(TK_CAT(ukr_rows, MR))(k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc,
						 nv, masked, last);
		for (; i < m; i++)
			FN(ukr_rows_1)(k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, nv,
				       masked, last);
	}
}

#undef UKR_WIDER
#undef UKR_ROWS
#undef UKR_CASE
#undef FN
#undef TK_CAT
#undef TK_CAT2
