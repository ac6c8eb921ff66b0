/*
 * tuned_dot_ukr.h - the tuned kernel's dot-product micro-kernel, written
 * once and instantiated by tuned_dot.c for each ISA path and dtype
 * (private to src/kernels/; included several times, no include guard).
 *
 * tuned_paths.h defines the macros it uses (vector operations, masks and
 * VHSUM, the sum of a vector's lanes).
 *
 * The other micro-kernels run their vectors along the rows of C, so a C
 * of fewer columns than a vector has lanes leaves lanes empty: one of 16
 * at n = 1 in f32.  This one runs them along k instead: each element of
 * C is the dot product of a row of A (read in place, contiguous along k)
 * and a column of B, which tuned_dot.c has packed as a row of Bt (B
 * transposed, row stride ldbt).  Every lane does useful work whatever n
 * is; the price is a sum across the lanes per element of C at the end,
 * which a long enough k pays for.
 */

/* The rows of a tile of nr columns (tuned_small.h) */
#define DROWS(nr) tkp_tuned_dot_rows(MR, NV, VL, (nr))
#define DNR TKP_TUNED_DOT_NR

/*
 * C[0:ROWS][0:COLS] (+)= A[0:ROWS][0:kc]·Bt[0:COLS][0:kc]^T with ROWS and
 * COLS constant after inlining, so that the ROWS × COLS accumulators stay
 * in registers for the whole k loop; k's last partial vector is masked
 * (lanes off read as 0).  acc: add to C instead of overwriting it.
 *
 * PF: each load of A comes with a prefetch of the same columns ROWS rows
 * further down, the next tile's, for an A read from memory: a tile of 4
 * rows (f32 n = 4, 16 accumulators) is 4 streams, too few to keep memory
 * busy.  Zen 5 VM, 1 thread, tuned GFLOP/s without / with, same minutes:
 * f32 20000×8×1000 37-38 / 72-83, 20000×4×1000 27-38 / 49-57; but from
 * L2 300×1×256 46-51 / 38-52, 1000×2×256 67-78 / 59-84 (tuned.c's dot_pf
 * asks for it where A is past L2).
 */
ATTR static inline __attribute__((always_inline)) void
FN(dbody)(const int ROWS, const int COLS, const int PF, size_t kc, const T *restrict a, size_t lda,
	  const T *restrict bt, size_t ldbt, T *restrict c, size_t ldc, int acc)
{
	V s[16][DNR];
	size_t p = 0;

#pragma GCC unroll 16
	for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 4
		for (int j = 0; j < COLS; j++)
			s[r][j] = VZERO();
#pragma GCC unroll 2
	for (; p + VL <= kc; p += VL) {
		V bx[DNR];

#pragma GCC unroll 4
		for (int j = 0; j < COLS; j++)
			bx[j] = VLOADU(bt + (size_t)j * ldbt + p);
#pragma GCC unroll 16
		for (int r = 0; r < ROWS; r++) {
			V ax = VLOADU(a + (size_t)r * lda + p);

			if (PF)
				__builtin_prefetch(a + (size_t)(ROWS + r) * lda + p);

#pragma GCC unroll 4
			for (int j = 0; j < COLS; j++)
				s[r][j] = VFMA(ax, bx[j], s[r][j]);
		}
	}
	if (VL > 1 && p < kc) {
		MASK_T mk = VMASK((long)(kc - p));
		V bx[DNR];

#pragma GCC unroll 4
		for (int j = 0; j < COLS; j++)
			bx[j] = VLOADM(bt + (size_t)j * ldbt + p, mk);
#pragma GCC unroll 16
		for (int r = 0; r < ROWS; r++) {
			V ax = VLOADM(a + (size_t)r * lda + p, mk);

#pragma GCC unroll 4
			for (int j = 0; j < COLS; j++)
				s[r][j] = VFMA(ax, bx[j], s[r][j]);
		}
	}
	/* The tile's elements of C side by side (all of C's columns, in a
	 * tile of a multiple of VL elements): their sums VL at a time, in
	 * one vector (tuned_hsum.h), x[i] the element whose sum lands in
	 * lane i.  Zen 5 VM, the micro-kernel alone on data in L1, one at
	 * a time / VL at a time, GFLOP/s: f32 4×4 k = 64 103 / 134, 8×2 k =
	 * 128 138 / 184, 4×4 k = 256 179 / 213; f64 4×4 k = 64 71 / 110,
	 * 16×1 k = 128 59 / 82. */
	if (VL > 1 && (ROWS * COLS) % VL == 0 && ldc == (size_t)COLS) {
#pragma GCC unroll 4
		for (int q0 = 0; q0 < ROWS * COLS; q0 += VL) {
			V x[VL], sum;
			T *cp = c + q0;

#pragma GCC unroll 16
			for (int i = 0; i < VL; i++) {
				int q = q0 + (VL / VHSUMV_G) * (i % VHSUMV_G) + i / VHSUMV_G;

				x[i] = s[q / COLS][q % COLS];
			}
			sum = VHSUMV(x);
			VSTOREU(cp, acc ? VADD(sum, VLOADU(cp)) : sum);
		}
		return;
	}
#pragma GCC unroll 16
	for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 4
		for (int j = 0; j < COLS; j++) {
			T x = VHSUM(s[r][j]), *cp = c + (size_t)r * ldc + j;

			*cp = acc ? *cp + x : x;
		}
}

/* Instances for mr = 1..DROWS(COLS) rows of COLS columns */
#define DCASE(n, COLS)                                                                      \
	case n:                                                                             \
		if ((n) <= DROWS(COLS) && pf)                                               \
			FN(dbody)((n), (COLS), 1, kc, a, lda, bt, ldbt, c, ldc, acc);       \
		else if ((n) <= DROWS(COLS))                                                \
			FN(dbody)((n), (COLS), 0, kc, a, lda, bt, ldbt, c, ldc, acc);       \
		break;
#define DSWITCH(COLS)                                                                       \
	switch (mr) {                                                                       \
		DCASE(1, COLS) DCASE(2, COLS) DCASE(3, COLS) DCASE(4, COLS)                 \
		DCASE(5, COLS) DCASE(6, COLS) DCASE(7, COLS) DCASE(8, COLS)                 \
		DCASE(9, COLS) DCASE(10, COLS) DCASE(11, COLS) DCASE(12, COLS)              \
		DCASE(13, COLS) DCASE(14, COLS) DCASE(15, COLS) DCASE(16, COLS)             \
	default: break;                                                                     \
	}

/*
 * C[0:mr][0:nr] (+)= A[0:mr][0:kc]·Bt[0:nr][0:kc]^T, 1 ≤ nr ≤ DNR and
 * 1 ≤ mr ≤ tkp_tuned_dot_rows(MR, NV, VL, nr); pf: prefetch the next mr
 * rows of A (PF above).
 */
ATTR void FN(tkp_tuned_dukr)(size_t mr, size_t nr, size_t kc, const void *av, size_t lda,
			  const void *btv, size_t ldbt, void *cv, size_t ldc, int acc, int pf)
{
	const T *a = av, *bt = btv;
	T *c = cv;

	switch (nr) {
	case 1:
		DSWITCH(1)
		break;
	case 2:
		DSWITCH(2)
		break;
	case 3:
		DSWITCH(3)
		break;
	case 4:
		DSWITCH(4)
		break;
	default:
		break;
	}
}

#undef DSWITCH
#undef DCASE
#undef DROWS
#undef DNR
