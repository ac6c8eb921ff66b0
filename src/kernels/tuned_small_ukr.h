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
 * stores of B and C.  With it, the short-k kernel (tkp_tuned_kukr), which
 * holds B's few rows in registers for any number of rows of A and C.
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
/* Vector v of a row at p, through the mask mk[v] where SB_MASKED(v) */
#define SB_LOAD(p, v) (SB_MASKED(v) ? VLOADM((p), mk[v]) : VLOADU(p))
#define SB_STORE(p, v, x)                                                                   \
	do {                                                                                \
		if (SB_MASKED(v))                                                           \
			VSTOREM((p), mk[v], (x));                                           \
		else                                                                        \
			VSTOREU((p), (x));                                                  \
	} while (0)

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
			bx[v] = SB_LOAD(b + v * VL, v);
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

			SB_STORE(cp, v, acc ? VADD(cr[r][v], SB_LOAD(cp, v)) : cr[r][v]);
		}
}

/*
 * tiles tiles of ROWS rows, COLV vectors, EDGE as in sbody, in one call:
 * a call per tile cost its set-up and the caller's spills around it
 * (2.6% of a 64³ f32 profile in the caller alone).  Zen 5 VM, 1 thread,
 * per tile / one call per run of tiles, same process, medians of 400
 * batches against OpenBLAS's, three runs: f32 16³ 0.89-0.92 / 0.95-1.00,
 * 48³ 1.01-1.04 / 1.06-1.10, 64³ 0.91-0.92 / 0.95-0.96, 96³ 0.93 / 0.96;
 * f64 96³ 0.96 / 1.00-1.01, 32³ and 64³ within 2% either way.
 */
#define SRUN(ROWS, COLV, EDGE)                                                              \
	for (size_t t_ = 0; t_ < tiles; t_++)                                               \
		FN(sbody)((ROWS), (COLV), (EDGE), kc, a + t_ * (ROWS) * lda, lda, b, ldb,   \
			  c + t_ * (ROWS) * ldc, ldc, acc, nr)

/* SRUN with EDGE a constant in each instance: a runtime EDGE (nr below
 * the strip's vectors' width) left its test inside sbody's k loop, where
 * the unmasked case took two more jumps a step (f64 4 × 4 vectors: 58
 * instructions per two steps, 3 of them taken jumps). */
#define SRUN_E(ROWS, COLV, edge)                                                            \
	do {                                                                                \
		if (edge)                                                                   \
			SRUN((ROWS), (COLV), 1);                                            \
		else                                                                        \
			SRUN((ROWS), (COLV), 0);                                            \
	} while (0)

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
				SRUN_E((n), W2NV, nr < W2NV * VL);                          \
		} else if (nr > NR) {                                                       \
			if (NV <= 3 && (n) <= WROWS)                                        \
				SRUN_E((n), WNV, nr < WNV * VL);                            \
		} else if (nr == NR)                                                        \
			SRUN((n), NV, 0);                                                   \
		else if (NV > 3 || nr > 2 * VL)                                             \
			SRUN((n), NV, 1);                                                   \
		else if (nr > VL)                                                           \
			SRUN_E((n), NV < 2 ? NV : 2, nr < 2 * VL);                          \
		else                                                                        \
			SRUN_E((n), 1, nr < VL);                                            \
		break;

/*
 * tiles tiles, one under the other, each C[0:mr][0:nr] (+)=
 * A[0:mr][0:kc]·B[0:kc][0:nr] with 1 ≤ mr ≤ MR and 1 ≤ nr ≤ NR, or a
 * wide strip: NR < nr ≤ WNV·VL on mr ≤ WROWS, and where NV is 2 also
 * WNV·VL < nr ≤ W2NV·VL on mr ≤ W2ROWS (as many accumulators as the full
 * tile; vector paths only), which tuned.c's path table offers where it
 * measured one faster (strides and acc as in sbody).
 */
ATTR void FN(tkp_tuned_sukr)(size_t tiles, size_t mr, size_t nr, size_t kc, const void *av,
			  size_t lda, const void *bv, size_t ldb, void *cv, size_t ldc, int acc)
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
#undef SRUN_E
#undef SRUN

/*
 * The short-k kernel: C[0:rows][0:nr] (+)= A[0:rows][0:KC]·B[0:KC][0:nr]
 * for KC ≤ KMAX steps and nr ≤ KNV(KC) vectors, any number of rows.  B's
 * KC × COLV vectors are loaded into registers once, and each row of C is
 * then KC broadcasts of A, KC·COLV FMAs and COLV stores: no accumulators
 * to clear per tile, no call per tile.  With k of 1-8 sbody's tiles spend
 * more on their set-up, the call and C's stores than on their FMAs (as
 * measured with a call per tile, before SRUN).  Rows
 * are independent, so the out-of-order core overlaps them; the only chain
 * is each row's KC FMAs.  Registers: KC·KNV(KC) of B, KNV(KC)
 * accumulators a row and a broadcast, at most 6 × 4 + 4 + 1 or
 * 8 × 3 + 3 + 1 of 32 on AVX-512, 6 × 2 + 2 + 1 of 16 on AVX2 (with the
 * mask of a masked strip, all 16).  Zen 5 VM, 1 thread, tuned/OpenBLAS
 * sbody's tiles / this kernel, same process (builds alternating): f32
 * 300×600×3
 * 0.55-0.61 / 1.15-1.22, 4000×64×6 1.68-1.69 / 2.18-2.27, 300×600×8
 * 1.29 / 1.51-1.54; f64 200×1000×5 0.73-0.82 / 1.17-1.19, 300×600×7
 * 1.24-1.31 / 1.89-1.90.  Beyond that it lost: AVX-512 at k = 10-12 on
 * two vectors (f32 300×600×12 1.27-1.29 / 0.78-0.80), AVX2 at k = 7-8 on
 * one (f32 4000×64×8 0.92 / 0.51, with TKP_ISA=avx2).
 */
#define KMAX (VL == 1 ? 0 : sizeof(V) == 64 ? 8 : 6)
#define KNV_MAX (sizeof(V) == 64 ? 4 : 2)
/* (never past KNV_MAX: KBODY's clamp keeps bk, mk and cr in bounds) */
#define KNV(kc) ((kc) <= 6 || KNV_MAX < 3 ? KNV_MAX : 3)

ATTR static inline __attribute__((always_inline)) void
FN(kbody)(const int KC, const int COLV, const int EDGE, size_t rows, const T *restrict a,
	  size_t lda, const T *restrict b, size_t ldb, T *restrict c, size_t ldc, int acc,
	  size_t nr)
{
	V bk[TKP_TUNED_KREG_K][KNV_MAX];
	MASK_T mk[KNV_MAX];

#pragma GCC unroll 8
	for (int v = 0; v < COLV; v++)
		mk[v] = VMASK((long)nr - (long)(v * VL));
#pragma GCC unroll 8
	for (int p = 0; p < KC; p++)
#pragma GCC unroll 8
		for (int v = 0; v < COLV; v++)
			bk[p][v] = SB_LOAD(b + p * ldb + v * VL, v);
	for (size_t r = 0; r < rows; r++, a += lda, c += ldc) {
		V cr[KNV_MAX];

#pragma GCC unroll 8
		for (int v = 0; v < COLV; v++)
			cr[v] = acc ? SB_LOAD(c + v * VL, v) : VZERO();
#pragma GCC unroll 8
		for (int p = 0; p < KC; p++) {
			V ap = VSET1(a[p]);

#pragma GCC unroll 8
			for (int v = 0; v < COLV; v++)
				cr[v] = VFMA(ap, bk[p][v], cr[v]);
		}
#pragma GCC unroll 8
		for (int v = 0; v < COLV; v++)
			SB_STORE(c + v * VL, v, cr[v]);
	}
}

/* kbody's instances for KC steps (none past KMAX): 1..KNV(KC) vectors,
 * the last one masked where nr is short of it (cases past KNV(KC) are
 * dead code). */
#define KCASE(kcv)                                                                          \
	case kcv:                                                                           \
		if ((kcv) > KMAX)                                                           \
			break;                                                              \
		switch (cols) {                                                             \
		case 1: KBODY(kcv, 1); break;                                               \
		case 2: KBODY(kcv, 2); break;                                               \
		case 3: KBODY(kcv, 3); break;                                               \
		default: KBODY(kcv, 4);                                                     \
		}                                                                           \
		break;
/* EDGE a constant in each instance, as in SRUN_E: per call against
 * OpenBLAS, 60 interleaved rounds, builds alternating, medians before /
 * after: f64 300×600×7 1.93 / 2.03, 200×1000×5 1.20 / 1.24, 70×100×7
 * 1.13 / 1.18, f32 70×100×7 1.14 / 1.18, 4000×64×6 2.15 / 2.21,
 * 300×600×8 1.57 / 1.61 (f64 150×70×3 1.19 / 1.17). */
#define KBODY_E(kcv, colv, edge)                                                            \
	FN(kbody)((kcv), (colv) < KNV(kcv) ? (colv) : KNV(kcv), (edge), rows, a, lda, b, ldb, c, \
		  ldc, acc, nr)
#define KBODY(kcv, colv)                                                                    \
	do {                                                                                \
		if (nr < (size_t)(colv) * VL)                                               \
			KBODY_E(kcv, colv, 1);                                              \
		else                                                                        \
			KBODY_E(kcv, colv, 0);                                              \
	} while (0)

_Static_assert(TKP_TUNED_KREG_K == 8, "FN(tkp_tuned_kukr) has cases for k = 1..8");

/* The columns of the short-k kernel's strips at kc steps: 0 past KMAX
 * (and on the scalar path, which does not use it). */
ATTR size_t FN(tkp_tuned_kcols)(size_t kc)
{
	return kc < 1 || kc > KMAX ? 0 : KNV(kc) * VL;
}

/*
 * C[0:rows][0:nr] (+)= A[0:rows][0:kc]·B[0:kc][0:nr] for 1 ≤ nr ≤
 * FN(tkp_tuned_kcols)(kc) (not 0), strides and acc as in sbody.
 */
ATTR void FN(tkp_tuned_kukr)(size_t rows, size_t nr, size_t kc, const void *av, size_t lda,
			  const void *bv, size_t ldb, void *cv, size_t ldc, int acc)
{
	const T *a = av, *b = bv;
	T *c = cv;
	size_t cols = (nr + VL - 1) / VL;

	if (nr < 1 || nr > FN(tkp_tuned_kcols)(kc))
		return;
	switch (kc) {
		KCASE(1) KCASE(2) KCASE(3) KCASE(4) KCASE(5) KCASE(6) KCASE(7) KCASE(8)
	default: break;
	}
}

#undef KCASE
#undef KBODY
#undef KBODY_E
#undef KMAX
#undef KNV_MAX
#undef KNV
#undef SB_MASKED
#undef SB_LOAD
#undef SB_STORE
#undef NR
#undef WNV
#undef WROWS
#undef W2NV
#undef W2ROWS
