/*
 * tuned_ukr.h - the tuned kernel's micro-kernel and packing routines,
 * written once and instantiated by tuned.c for each ISA path and dtype
 * (private to src/kernels/; included several times, no include guard).
 *
 * The includer defines:
 *   FN(x)      name of the instance's function x (e.g. x##_avx512_f64)
 *   ATTR       __attribute__((target(...))) of the path, or nothing
 *   T, V, VL   element type, vector type, lanes per vector
 *   MR, NV     micro-tile: MR rows × NV vectors (NR = NV·VL columns) of C
 *   VLOAD(p)   aligned vector load, VLOADU/VSTOREU unaligned load/store,
 *   VSET1(x)   broadcast, VFMA(a,b,c) a·b+c, VADD(a,b), VZERO()
 *
 * Optional: PACK_A_COLS and PACK_A_BLOCK(a, lda, out), which packs that
 * many columns of a full MR-row sliver (a vectorised transpose).
 *
 * Packed layouts (what the micro-kernel reads, both contiguous, 64-byte
 * aligned, zero-padded so the micro-kernel always computes a full tile):
 *   A sliver: kc × MR, element (r, p) at a[p·MR + r]  (broadcast operand)
 *   B sliver: kc × NR, element (p, c) at b[p·NR + c]  (vector operand)
 */

#define NR (NV * VL)

/* Elements per cache line, for the micro-kernel's and packing's prefetches. */
#define LINE_ELEMS (64 / (int)sizeof(T))

/*
 * The micro-kernel reads B's block (in L2) sliver after sliver, one
 * stream that starts again at the block's first sliver for every MR rows
 * of A; the hardware prefetchers lose the first lines of each restart.
 * Each k step prefetches the B lines it will read UKR_PF_STEPS steps on.
 * Zen 3, 1 thread, tuned/OpenBLAS in one process, builds alternating,
 * three runs each, without -> with (8 steps): f32 4096³ 0.964-0.976 ->
 * 0.986-1.002 (16 and 32 steps 0.984-1.003), f32 64×4096×4096 (the
 * stream path) 0.959-0.977 -> 0.982-0.985 (16 steps 0.90-1.00), f64
 * 2048³ 1.021-1.032 -> 1.024-1.043.  As prefetchnta (Zen 5 VM, bench/abi,
 * 1 thread, 21 rounds): f32 2048³ 0.997, f64 2048³ 0.980, f32 1024³
 * 1.007, f32 64×4096×4096 0.980; C's tile below as prefetchnta
 * 0.995-1.006.
 */
#define UKR_PF_STEPS 8
#define UKR_B_LINES (NR >= LINE_ELEMS ? NR / LINE_ELEMS : 1)

/*
 * C[0:rr][0:nr] (+)= Asliver·Bsliver over kc steps, rr a constant once
 * inlined (FN(ukr)'s cases): the rr×NV accumulators stay in registers for
 * the whole k loop; each step loads NV vectors of B and broadcasts rr
 * elements of A (the sliver is MR rows wide whatever rr is) for rr·NV
 * independent FMAs (MR·NV = 24 on AVX-512: two FMA pipes × 4-cycle
 * latency need 8).  acc: add to C instead of overwriting it (every k
 * block after the first).  A tile narrower than NR (the right edge of C)
 * is computed in full from the zero padding and only its valid part is
 * written, through a stack tile.
 *
 * One broadcast per row of A, used by its NV FMAs: FMAs that each read
 * their element of A as an embedded broadcast (vfmadd231ps m32{1to16},
 * one load per FMA) ran 14-20% slower on Zen 5 (f32 12 × 2 vectors, bare
 * calls of both interleaved in one process, A's sliver in L1 and B's
 * block in L2).  Nor does a taller tile pay there: 14 × 2 vectors (28
 * accumulators, 14% fewer bytes of B per FMA) ran within 0.7% of 12 × 2,
 * both written in assembly the same way.
 */
ATTR static inline __attribute__((always_inline)) void FN(ukr_rows)(size_t kc, const T *restrict a,
								   const T *restrict b, T *restrict c,
								   size_t ldc, int acc, const int rr,
								   size_t nr)
{
	V cr[MR][NV];

	/* C's tile is needed only after the k loop: start fetching it now
	 * (its rows are a whole row of C apart, beyond the prefetchers). */
#pragma GCC unroll 32
	for (int r = 0; r < rr; r++) {
		__builtin_prefetch(c + (size_t)r * ldc, 1, 3);
		__builtin_prefetch(c + (size_t)r * ldc + NR / 2, 1, 3);
		__builtin_prefetch(c + (size_t)r * ldc + NR - 1, 1, 3);
	}
#pragma GCC unroll 32
	for (int r = 0; r < rr; r++)
#pragma GCC unroll 8
		for (int v = 0; v < NV; v++)
			cr[r][v] = VZERO();
#pragma GCC unroll 4
	for (size_t p = 0; p < kc; p++) {
		V bx[NV];

#pragma GCC unroll 8
		for (int v = 0; v < NV; v++)
			bx[v] = VLOAD(b + v * VL);
		/* B's sliver UKR_PF_STEPS steps ahead: see UKR_PF_STEPS */
#pragma GCC unroll 8
		for (int l = 0; l < UKR_B_LINES; l++)
			__builtin_prefetch(b + UKR_PF_STEPS * NR + l * LINE_ELEMS, 0, 3);
#pragma GCC unroll 32
		for (int r = 0; r < rr; r++) {
			V ar = VSET1(a[r]);
#pragma GCC unroll 8
			for (int v = 0; v < NV; v++)
				cr[r][v] = VFMA(ar, bx[v], cr[r][v]);
		}
		a += MR;
		b += NR;
	}
	if (nr == NR) {
#pragma GCC unroll 32
		for (int r = 0; r < rr; r++)
#pragma GCC unroll 8
			for (int v = 0; v < NV; v++) {
				T *cp = c + (size_t)r * ldc + v * VL;

				VSTOREU(cp, acc ? VADD(cr[r][v], VLOADU(cp)) : cr[r][v]);
			}
	} else {
		T tile[MR * NR] __attribute__((aligned(64)));

#pragma GCC unroll 32
		for (int r = 0; r < rr; r++)
#pragma GCC unroll 8
			for (int v = 0; v < NV; v++)
				VSTOREU(tile + r * NR + v * VL, cr[r][v]);
		for (int r = 0; r < rr; r++)
			for (size_t j = 0; j < nr; j++)
				c[r * ldc + j] = acc ? c[r * ldc + j] + tile[r * NR + j]
						     : tile[r * NR + j];
	}
}

/* One case of FN(ukr) for n rows (n < MR; the cases past MR never run) */
#define UKR_ROWS_CASE(n)                                                                       \
	case n:                                                                                \
		FN(ukr_rows)(kc, av, bv, cv, ldc, acc, (n) < MR ? (n) : MR, nr);               \
		return;

/*
 * C[0:mr][0:nr] (+)= Asliver·Bsliver: the full tile, or a bottom edge of
 * mr < MR rows on that many rows' FMAs.  The edge used to be computed in
 * full from A's zero padding: 16 rows on MR = 6 cost 18 rows' work, and
 * m = 16 ran at 0.87-0.90 of OpenBLAS (16×4096×4096, Zen 3, 1 thread).
 */
_Static_assert(MR <= 12, "FN(ukr) has cases for edges of up to 11 rows");

ATTR static void FN(ukr)(size_t kc, const void *av, const void *bv, void *cv, size_t ldc,
			 int acc, size_t mr, size_t nr)
{
	switch (mr < MR ? mr : MR) {
		UKR_ROWS_CASE(1)
		UKR_ROWS_CASE(2)
		UKR_ROWS_CASE(3)
		UKR_ROWS_CASE(4)
		UKR_ROWS_CASE(5)
		UKR_ROWS_CASE(6)
		UKR_ROWS_CASE(7)
		UKR_ROWS_CASE(8)
		UKR_ROWS_CASE(9)
		UKR_ROWS_CASE(10)
		UKR_ROWS_CASE(11)
	default:
		FN(ukr_rows)(kc, av, bv, cv, ldc, acc, MR, nr);
	}
}
#undef UKR_ROWS_CASE

/*
 * A[0:mc][0:kc] (row stride lda) into ceil(mc/MR) slivers of kc × MR,
 * rows past mc zero.  Each row segment is short (kc elements) and a row
 * of A apart from the next (a new page at large k), too short for the
 * hardware prefetchers to ramp up: the next sliver's rows are prefetched,
 * one line per row every LINE_ELEMS steps, while this one is copied.
 */
ATTR static void FN(pack_a)(size_t mc, size_t kc, const void *av, size_t lda, void *outv)
{
	const T *a = av;
	T *out = outv;

	for (size_t i = 0; i < mc; i += MR) {
		size_t mr = mc - i < MR ? mc - i : MR;
		const T *ai = a + i * lda;

		if (mr == MR) {
			const T *an = ai + MR * lda;
			size_t nrows = mc - i - MR < MR ? mc - i - MR : MR;

			size_t p = 0;

#ifdef PACK_A_COLS
			/* PACK_A_COLS columns at a time, transposed in registers */
			for (; p + PACK_A_COLS <= kc; p += PACK_A_COLS) {
				if (p % LINE_ELEMS == 0)
					for (size_t r = 0; r < nrows; r++)
						__builtin_prefetch(an + r * lda + p, 0, 3);
				PACK_A_BLOCK(ai + p, lda, out + p * MR);
			}
#endif
			for (; p < kc; p++) {
				if (p % LINE_ELEMS == 0)
					for (size_t r = 0; r < nrows; r++)
						__builtin_prefetch(an + r * lda + p, 0, 3);
#pragma GCC unroll 32
				for (int r = 0; r < MR; r++)
					out[p * MR + r] = ai[r * lda + p];
			}
		} else {
			for (size_t p = 0; p < kc; p++)
				for (size_t r = 0; r < MR; r++)
					out[p * MR + r] = r < mr ? ai[r * lda + p] : (T)0;
		}
		out += kc * MR;
	}
}

/*
 * B[0:kc][0:nc] (row stride ldb) into ceil(nc/NR) slivers of kc × NR,
 * columns past nc zero.  Rows go PACK_B_ROWS at a time, sliver by sliver
 * across them: B is read as that many streams at once, each along a row,
 * which the hardware prefetchers follow and overlap.  Row by row (one
 * stream, a short segment a row of B apart, with a software prefetch six
 * rows ahead) the copy ran at the speed of one stream: a 4096² f64 B
 * packed in 384 × 336 blocks took 17-19 ms against 12-13 this way (Xeon
 * VM, 2 MB L2; a plain sequential read of it 12-14), and the skinny path
 * (m ≤ 64 rows) spends most of its time packing.  A software prefetch
 * of the rows PACK_B_ROWS on, a line for each line copied, changed
 * nothing (f32 2048³ on the Zen 5 VM: packing 1.4-1.9% of the call on 1
 * thread, 2.8-3.5% on 2, with it or without).
 */
ATTR static void FN(pack_b)(size_t kc, size_t nc, const void *bv, size_t ldb, void *outv)
{
	enum { PACK_B_ROWS = 8 };
	const T *b = bv;
	T *out = outv;
	size_t full = nc / NR * NR;

	for (size_t p0 = 0; p0 < kc; p0 += PACK_B_ROWS) {
		size_t pe = p0 + PACK_B_ROWS < kc ? p0 + PACK_B_ROWS : kc;
		T *o = out;
		size_t j = 0;

		for (; j < full; j += NR, o += kc * NR)
			for (size_t p = p0; p < pe; p++)
#pragma GCC unroll 8
				for (int v = 0; v < NV; v++)
					VSTOREU(o + p * NR + v * VL, VLOADU(b + p * ldb + j + v * VL));
		if (j < nc)
			for (size_t p = p0; p < pe; p++)
				for (size_t q = 0; q < NR; q++)
					o[p * NR + q] = j + q < nc ? b[p * ldb + j + q] : (T)0;
	}
}

#undef LINE_ELEMS
#undef UKR_B_LINES
#undef UKR_PF_STEPS
#undef NR
