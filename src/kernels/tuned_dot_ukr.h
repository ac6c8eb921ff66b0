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
 * asks for it where A is past a quarter of L3).
 */
ATTR static inline __attribute__((always_inline)) void
FN(dstep)(const int ROWS, const int COLS, const int PF, size_t p, const T *restrict a, size_t lda,
	  const T *restrict bt, size_t ldbt, V s[16][DNR])
{
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

/*
 * A tile of at most half of TKP_TUNED_FMA_CHAINS elements (one or two
 * rows of the matrix-vector shapes that tuned.c's dot_pays_vec sends
 * here, or the last rows of a single column) runs U sets of
 * accumulators, one per step of VL in turn, added together at the end:
 * one set would wait on the FMA's latency at every step.
 * Zen 5 VM, 1 thread, f32, tuned/OpenBLAS one set / U sets, same process,
 * three runs: 1×1×4096 4.66-6.01 / 13.17-13.74, 1×2×4096 2.45-2.71 /
 * 2.98-3.29, 1×3×1000 2.06-2.48 / 2.46-2.70, 2×2×1024 2.56-3.04 /
 * 2.87-3.08; f64 1×2×4096 1.78-1.81 / 2.09-2.16.  With 6 elements two
 * sets lost (3×2×500 2.73-2.80 / 2.19-2.48, 2×3×1000 2.33-2.44 /
 * 2.10-2.27): loads, not latency, bound those.
 */
#define DSETS(ROWS, COLS)                                                                   \
	(2 * (ROWS) * (COLS) > TKP_TUNED_FMA_CHAINS                                         \
		 ? 1                                                                        \
		 : (TKP_TUNED_FMA_CHAINS + (ROWS) * (COLS) - 1) / ((ROWS) * (COLS)))

ATTR static inline __attribute__((always_inline)) void
FN(dbody)(const int ROWS, const int COLS, const int PF, size_t kc, const T *restrict a, size_t lda,
	  const T *restrict bt, size_t ldbt, T *restrict c, size_t ldc, int acc)
{
	const int U = DSETS(ROWS, COLS);
	V s[TKP_TUNED_FMA_CHAINS][16][DNR];
	size_t p = 0;

#pragma GCC unroll 8
	for (int u = 0; u < U; u++)
#pragma GCC unroll 16
		for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 4
			for (int j = 0; j < COLS; j++)
				s[u][r][j] = VZERO();
	if (U == 1) {
#pragma GCC unroll 2
		for (; p + VL <= kc; p += VL)
			FN(dstep)(ROWS, COLS, PF, p, a, lda, bt, ldbt, s[0]);
	} else {
		for (; p + U * VL <= kc; p += U * VL)
#pragma GCC unroll 8
			for (int u = 0; u < U; u++)
				FN(dstep)(ROWS, COLS, PF, p + u * VL, a, lda, bt, ldbt, s[u]);
		for (; p + VL <= kc; p += VL)
			FN(dstep)(ROWS, COLS, PF, p, a, lda, bt, ldbt, s[0]);
#pragma GCC unroll 8
		for (int u = 1; u < U; u++)
#pragma GCC unroll 16
			for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 4
				for (int j = 0; j < COLS; j++)
					s[0][r][j] = VADD(s[0][r][j], s[u][r][j]);
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
				s[0][r][j] = VFMA(ax, bx[j], s[0][r][j]);
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

				x[i] = s[0][q / COLS][q % COLS];
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
			T x = VHSUM(s[0][r][j]), *cp = c + (size_t)r * ldc + j;

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

/*
 * Bt[j][p] = B[p][j] for j < cols, p < kb (B's row stride ldb, Bt's
 * ldbt): tuned_dot.c's pack of B's k block.  Element by element it costs
 * about an instruction per element of B, which each of m rows' FMAs
 * repays only a VL-th of: below 8 rows per column of C the dot path lost
 * to the unpacked one (tuned.c's dot_pays).  Where B's rows are whole
 * (ldb = cols) and at most half a vector wide, AVX-512 takes VL steps of
 * k at once (AVX2 too, at 2 and 4 columns in f32, 2 in f64: PBT_CHUNK,
 * tuned_tr_avx2.h): B's VL·cols elements are cols vectors, and each column of
 * Bt is drawn from them by two-table permutes, a pair of vectors at a
 * time, merged under a mask (3 and 5-7 columns: (2·ceil(cols/2) - 1)/VL
 * permutes and blends per element of B, a third at 6 in f32), or by a
 * tree of them (2, 4 and 8 columns: pbt_tree, log2(cols)/VL, in f32 a
 * sixteenth at 2, three sixteenths at 8), besides a load and a store per
 * vector.
 */
#ifdef VPERM2
/*
 * A power of two of columns as a tree instead: each level splits every
 * vector's columns in half, the lower half of two vectors' into one
 * vector, the upper into another (log2(cols) permutes per vector of B: 24
 * per 8 vectors at cols = 8 against the merges' 56, 8 against 12 at 4).
 * At a level splitting sets of s columns, the two inputs hold VL/s rows
 * each in (row, column) order, and so do the outputs, of s/2 columns:
 * lane q takes row q / (s/2), column q mod (s/2) (plus s/2 for the upper
 * half) from the pair.  The vectors stay grouped by their columns, rows in
 * order within a group, so the last level leaves column c in vector c.
 * Zen 5 VM, 1 thread, the dot path forced, tuned/OpenBLAS merges /
 * tree, builds alternating, three runs: f32 1×8×4096 0.99-1.13 /
 * 1.62-1.72, 4×8×4096 0.78-0.89 / 1.22-1.27, 16×8×512 0.73-0.84 /
 * 0.94-0.97, 16×4×256 1.17-1.22 / 1.24-1.35.
 */
ATTR static inline __attribute__((always_inline)) void
FN(pbt_tree)(const int COLS, size_t kb, const T *restrict b, T *restrict bt, size_t ldbt)
{
	IDX_T lo[4], hi[4];

	/* (unrolled, so that the indices are constants) */
#pragma GCC unroll 4
	for (int lv = 0, s = COLS; s > 1; lv++, s /= 2) {
		IDX_E el[VL], eh[VL];

#pragma GCC unroll 16
		for (int q = 0; q < VL; q++) {
			int h = s / 2, row = q / h, col = q % h, rows = VL / s;

			el[q] = (IDX_E)(row < rows ? row * s + col : VL + (row - rows) * s + col);
			eh[q] = el[q] + (IDX_E)h;
		}
		lo[lv] = VIDX_LOAD(el);
		hi[lv] = VIDX_LOAD(eh);
	}
	for (size_t p = 0; p + VL <= kb; p += VL) {
		V v[VL / 2], w[VL / 2];

#pragma GCC unroll 8
		for (int j = 0; j < COLS; j++)
			v[j] = VLOADU(b + p * COLS + (size_t)j * VL);
#pragma GCC unroll 4
		for (int lv = 0, g_n = 1; (COLS >> lv) > 1; lv++, g_n *= 2) {
			const int gs = COLS >> lv; /* vectors in each of g_n groups */

#pragma GCC unroll 8
			for (int g = 0; g < g_n; g++)
#pragma GCC unroll 4
				for (int j = 0; j < gs / 2; j++) {
					V x = v[g * gs + 2 * j], y = v[g * gs + 2 * j + 1];

					w[2 * g * (gs / 2) + j] = VPERM2(x, lo[lv], y);
					w[(2 * g + 1) * (gs / 2) + j] = VPERM2(x, hi[lv], y);
				}
#pragma GCC unroll 8
			for (int j = 0; j < COLS; j++)
				v[j] = w[j];
		}
#pragma GCC unroll 8
		for (int c = 0; c < COLS; c++)
			VSTOREU(bt + (size_t)c * ldbt + p, v[c]);
	}
}

ATTR static inline __attribute__((always_inline)) void
FN(pbt_body)(const int COLS, size_t kb, const T *restrict b, T *restrict bt, size_t ldbt)
{
	IDX_T ix[VL / 2][VL / 4 + 1];
	MASK_T mk[VL / 2][VL / 4 + 1];

	/* column c's lane l is element l·COLS + c of the VL·COLS: vector
	 * (l·COLS + c) / VL, the pair's index that modulo 2·VL (unrolled, so
	 * that the indices and masks are constants, not a few hundred
	 * instructions per call: builds alternating, tuned/OpenBLAS, f32
	 * 1×6×192 1.12-1.25 -> 1.50-1.52, 2×5×160 0.97-1.10 -> 1.38-1.39, f64
	 * 2×3×128 1.29-1.48 -> 1.57-1.89) */
#pragma GCC unroll 8
	for (int c = 0; c < COLS; c++)
#pragma GCC unroll 4
		for (int i = 0; 2 * i < COLS; i++) {
			IDX_E e[VL];
			unsigned m = 0;

#pragma GCC unroll 16
			for (int l = 0; l < VL; l++) {
				int x = l * COLS + c;

				e[l] = (IDX_E)(x & (2 * VL - 1));
				m |= (unsigned)(x / (2 * VL) == i) << l;
			}
			ix[c][i] = VIDX_LOAD(e);
			mk[c][i] = (MASK_T)m;
		}
	for (size_t p = 0; p + VL <= kb; p += VL) {
		V v[VL / 2];

#pragma GCC unroll 8
		for (int j = 0; j < COLS; j++)
			v[j] = VLOADU(b + p * COLS + (size_t)j * VL);
#pragma GCC unroll 8
		for (int c = 0; c < COLS; c++) {
			V o = VPERM2(v[0], ix[c][0], v[COLS > 1]);

#pragma GCC unroll 4
			for (int i = 1; 2 * i < COLS; i++)
				o = VBLEND(mk[c][i], o,
					   VPERM2(v[2 * i], ix[c][i],
						  v[2 * i + 1 < COLS ? 2 * i + 1 : 2 * i]));
			VSTOREU(bt + (size_t)c * ldbt + p, o);
		}
	}
}

/* pbt_tree or pbt_body for cols columns, if either was instantiated for
 * them on this path (cols ≤ VL/2): whether one ran */
ATTR static int FN(pbt_vectors)(size_t kb, size_t cols, const T *restrict b, T *restrict bt,
			      size_t ldbt)
{
	switch (cols) {
	case 2: FN(pbt_tree)(2, kb, b, bt, ldbt); return 1;
	case 3: FN(pbt_body)(3, kb, b, bt, ldbt); return 1;
	case 4: FN(pbt_tree)(4, kb, b, bt, ldbt); return 1;
	case 5: if (VL < 10) return 0; FN(pbt_body)(5, kb, b, bt, ldbt); return 1;
	case 6: if (VL < 12) return 0; FN(pbt_body)(6, kb, b, bt, ldbt); return 1;
	case 7: if (VL < 14) return 0; FN(pbt_body)(7, kb, b, bt, ldbt); return 1;
	case 8: if (VL < 16) return 0; FN(pbt_tree)(8, kb, b, bt, ldbt); return 1;
	default: return 0;
	}
}
#endif

/* Whether tkp_tuned_pbt below transposes cols columns (B's whole rows)
 * vectors at a time on this path */
int FN(tkp_tuned_pbt_vec)(size_t cols)
{
#ifdef VPERM2
	return cols >= 2 && 2 * cols <= VL;
#elif defined(PBT_CHUNK)
	return PBT_COLS(cols);
#else
	return (void)cols, 0;
#endif
}

ATTR void FN(tkp_tuned_pbt)(size_t kb, size_t cols, const void *bv, size_t ldb, void *btv,
			 size_t ldbt)
{
	const T *b = bv;
	T *bt = btv;
	size_t p0 = 0;

#ifdef VPERM2
	if (cols == ldb && FN(tkp_tuned_pbt_vec)(cols) && FN(pbt_vectors)(kb, cols, b, bt, ldbt))
		p0 = kb - kb % VL;
#elif defined(PBT_CHUNK)
	if (cols == ldb && FN(tkp_tuned_pbt_vec)(cols)) {
		for (; p0 + VL <= kb; p0 += VL)
			PBT_CHUNK(cols, b + p0 * cols, bt + p0, ldbt);
	}
#endif
	/* (B read down each column in turn, Bt written along its rows) */
	for (size_t j = 0; j < cols; j++)
		for (size_t p = p0; p < kb; p++)
			bt[j * ldbt + p] = b[p * ldb + j];
}

#undef DSWITCH
#undef DSETS
#undef DCASE
#undef DROWS
#undef DNR
