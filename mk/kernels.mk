# mk/kernels.mk - src/kernels: the kernel ladder, one file per kernel, one
# registry table.  Adding a kernel is one file here plus one row in
# registry.c.  simd_rows.c holds the vector loops simd, blocked and
# threaded share; simd_tmpl.h is the template it instantiates once per ISA
# path and dtype.  tuned.c is the BLIS-style top rung; tuned_ukr.h its
# per-path template, tuned_paths.h (+ tuned_path_undef.h) the paths both it
# and tuned_small_ukr.h are instantiated for; tuned_small.c the shapes
# where packing does not pay (small problems, few rows), tuned_dot.c (and
# its template tuned_dot_ukr.h) a C narrower than a vector.  The *_avx2.h
# files hold the AVX2 instances, included twice by avx2_twins.h: the path
# and its simulation twin (isa.c).
libtkpcore_la_SOURCES += \
	src/kernels/kernels.h \
	src/kernels/registry.c \
	src/kernels/isa.c \
	src/kernels/pin.c src/kernels/pin.h \
	src/kernels/bigpages.c src/kernels/bigpages.h \
	src/kernels/naive.c \
	src/kernels/simd_rows.c src/kernels/simd_rows.h src/kernels/simd_rows_avx2.h src/kernels/simd_tmpl.h \
	src/kernels/avx2_twins.h \
	src/kernels/simd.c \
	src/kernels/blocked.c \
	src/kernels/threaded.c \
	src/kernels/tuned.c src/kernels/tuned_ukr.h src/kernels/tuned_paths.h src/kernels/tuned_paths_avx2.h \
	src/kernels/tuned_path_undef.h \
	src/kernels/tuned_small.c src/kernels/tuned_small.h src/kernels/tuned_small_ukr.h \
	src/kernels/tuned_dot.c src/kernels/tuned_dot_ukr.h src/kernels/tuned_hsum.h \
	src/kernels/tuned_tr_avx2.h \
	src/kernels/blas.c

# User kernels (--kernel-file, src/lib/userkernel.c): the seed's ladder as a
# student writes it, installed as starting points.
userkexamplesdir = $(pkgdatadir)/examples/kernels
dist_userkexamples_DATA = examples/kernels/mm_ijk.c examples/kernels/mm_ikj.c \
	examples/kernels/mm_bt.c examples/kernels/mm_blocked.c examples/kernels/mm_pthreads.c
