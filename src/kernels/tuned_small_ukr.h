/*
 * tuned_small_ukr.h - the tuned kernel's unpacked micro-kernel, written
 * once and instantiated by tuned_small.c for each ISA path and dtype
 * (private to src/kernels/; included several times, no include guard).
 *
 * tuned_paths.h defines the macros it uses (the vector operations and
 * tile, as for tuned_ukr.h, and the masks MASK_T, VMASK, VLOADM, VSTOREM).
 *
 * Unlike tuned_ukr.h's micro-kernel this one reads A and B where they are,
 * each with its own row stride: A element (r, p) at a[r·lda + p] (so A is
 * never packed), B element (p, c) at b[p·ldb + c] (B as the caller has it,
 * or packed by tuned.c's pack_b, ldb = NR).  Edges are handled in the
 * kernel instead of by zero padding: a tile of mr < MR rows runs an
 * instance with mr rows of accumulators (no FMAs on padding, which is most
 * of the work at m = 1..4), and one of nr < NR columns masks its loads and
 * stores of B and C.
 */

#define NR (NV * VL)
/* Wide strips (see tkp_tuned_sukr): a vector more, on fewer rows, and
 * where NV is 2, two more (4 vectors, as many as NV + 1 where NV is 3). */
#define WNV (NV + 1)
#define WROWS (MR * NV / WNV)
#define W2NV (NV + 2)
#define W2ROWS (MR * NV / W2NV)

/*
 * C[0:ROWS][0:nr] (+)= A[0:ROWS][0:kc]·B[0:kc][0:nr], with ROWS ≤ MR,
 * COLV ≤ NV vectors (or WNV on at most WROWS rows, W2NV on at most
 * W2ROWS) and EDGE (nr < COLV·VL: masked B and C) constant after
 * inlining, so each caller below is an instance with ROWS × COLV
 * accumulators held in registers for the whole k loop.  A partial tile
 * runs only the vectors it needs: at n = 32 in f64 (NR = 24) the second
 * strip is one vector; computing all three there gave 0.63 of OpenBLAS at
 * 32³, one 0.90 (f32 48³: 0.74, 1.12).  acc: add to C instead of
 * overwriting it.
 *
 * Only the last vector of an edge is partial on the vector paths (the
 * callers below take as few vectors as the columns need), so only it goes
 * through the mask: with every vector masked, an edge of 9-15 f32 columns
 * (AVX2: one full vector, one partial, on 6 rows) ran at 23-39 GFLOP/s
 * against 46-79 this way, and f64 5-6 columns at 13-16 against 27-33
 * (Zen 3, 2000×n×176, direct path, 1 thread, same minutes); the scalar
 * path (one lane per vector) masks them all.
 */
#define SB_MASKED(v) (EDGE && (VL == 1 || (v) == COLV - 1))

ATTR static inline __attribute__((always_inline)) void
FN(sbody)(const int ROWS, const int COLV, const int EDGE, size_t kc, const T *restrict a, size_t lda,
	  const T *restrict b, size_t ldb, T *restrict c, size_t ldc, int acc, size_t nr)
{
	V cr[MR][W2NV];
	MASK_T mk[W2NV];

#pragma GCC unroll 8
	for (int v = 0; v < COLV; v++)
		mk[v] = VMASK((long)nr - (long)(v * VL));
#pragma GCC unroll 32
	for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 8
		for (int v = 0; v < COLV; v++)
			cr[r][v] = VZERO();
#pragma GCC unroll 2
	for (size_t p = 0; p < kc; p++) {
		V bx[W2NV];

#pragma GCC unroll 8
		for (int v = 0; v < COLV; v++)
			bx[v] = SB_MASKED(v) ? VLOADM(b + v * VL, mk[v]) : VLOADU(b + v * VL);
#pragma GCC unroll 32
		for (int r = 0; r < ROWS; r++) {
			V ar = VSET1(a[(size_t)r * lda + p]);
#pragma GCC unroll 8
			for (int v = 0; v < COLV; v++)
				cr[r][v] = VFMA(ar, bx[v], cr[r][v]);
		}
		b += ldb;
	}
#pragma GCC unroll 32
	for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 8
		for (int v = 0; v < COLV; v++) {
			T *cp = c + (size_t)r * ldc + v * VL;

			if (SB_MASKED(v))
				VSTOREM(cp, mk[v], acc ? VADD(cr[r][v], VLOADM(cp, mk[v])) : cr[r][v]);
			else
				VSTOREU(cp, acc ? VADD(cr[r][v], VLOADU(cp)) : cr[r][v]);
		}
}

/* Instances for mr = 1..MR rows: full (NV vectors), or masked with the
 * 1..NV vectors the columns need (NV ≤ 3 on the vector paths; the
 * scalar path, NV 8, masks all eight); wide (WNV vectors) on up to WROWS
 * rows, on the vector paths, and W2NV on up to W2ROWS where NV is 2.
 * Cases past MR are dead code on paths with a smaller MR. */
#define SCASE(n)                                                                            \
	case n:                                                                             \
		if ((n) > MR)                                                               \
			break;                                                              \
		if (nr > NR + VL) {                                                         \
			if (NV == 2 && (n) <= W2ROWS)                                       \
				FN(sbody)((n), W2NV, nr < W2NV * VL, kc, a, lda, b, ldb, c,    \
					  ldc, acc, nr);                                    \
		} else if (nr > NR) {                                                       \
			if (NV <= 3 && (n) <= WROWS)                                        \
				FN(sbody)((n), WNV, nr < WNV * VL, kc, a, lda, b, ldb, c, ldc, \
					  acc, nr);                                         \
		} else if (nr == NR)                                                        \
			FN(sbody)((n), NV, 0, kc, a, lda, b, ldb, c, ldc, acc, nr);             \
		else if (NV > 3 || nr > 2 * VL)                                             \
			FN(sbody)((n), NV, 1, kc, a, lda, b, ldb, c, ldc, acc, nr);             \
		else if (nr > VL)                                                           \
			FN(sbody)((n), NV < 2 ? NV : 2, nr < 2 * VL, kc, a, lda, b, ldb, c, ldc,   \
				  acc, nr);                                                 \
		else                                                                        \
			FN(sbody)((n), 1, nr < VL, kc, a, lda, b, ldb, c, ldc, acc, nr);        \
		break;

/*
 * C[0:mr][0:nr] (+)= A[0:mr][0:kc]·B[0:kc][0:nr] with 1 ≤ mr ≤ MR and
 * 1 ≤ nr ≤ NR, or a wide strip: NR < nr ≤ WNV·VL on mr ≤ WROWS, and
 * where NV is 2 also WNV·VL < nr ≤ W2NV·VL on mr ≤ W2ROWS (as many
 * accumulators as the full tile; vector paths only), which tuned.c's
 * path table offers where it measured one faster (strides and acc as in
 * sbody).
 */
ATTR void FN(tkp_tuned_sukr)(size_t mr, size_t nr, size_t kc, const void *av, size_t lda,
			  const void *bv, size_t ldb, void *cv, size_t ldc, int acc)
{
	const T *a = av, *b = bv;
	T *c = cv;

	switch (mr) {
		SCASE(1) SCASE(2) SCASE(3) SCASE(4) SCASE(5) SCASE(6)
		SCASE(7) SCASE(8) SCASE(9) SCASE(10) SCASE(11) SCASE(12)
	default: break;
	}
}

#undef SCASE
#undef SB_MASKED
#undef NR
#undef WNV
#undef WROWS
#undef W2NV
#undef W2ROWS
