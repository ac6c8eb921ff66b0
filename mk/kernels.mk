# mk/kernels.mk - the kernel ladder (src/kernels/): one file per kernel, one
# registry table.  Adding a kernel is one file here plus one row in registry.c.
# simd_rows.c holds the vector loops simd, blocked and threaded share;
# simd_tmpl.h is the template it instantiates once per ISA path and dtype.
# tuned.c is the BLIS-style top rung; tuned_ukr.h its per-path template.
libtkpcore_la_SOURCES += \
	src/kernels/kernels.h \
	src/kernels/registry.c \
	src/kernels/isa.c \
	src/kernels/pin.c src/kernels/pin.h \
	src/kernels/naive.c \
	src/kernels/simd_rows.c src/kernels/simd_rows.h src/kernels/simd_tmpl.h \
	src/kernels/simd.c \
	src/kernels/blocked.c \
	src/kernels/threaded.c \
	src/kernels/tuned.c src/kernels/tuned_ukr.h \
	src/kernels/blas.c

# Every registered kernel against naive on awkward shapes, every ISA path.
check_PROGRAMS += tests/test_kernels tests/test_measure
tests_test_kernels_SOURCES = tests/test_kernels.c
tests_test_kernels_LDADD = libtkpcore.la
tests_test_measure_SOURCES = tests/test_measure.c
tests_test_measure_LDADD = libtkpcore.la
TESTS += tests/test_kernels tests/test_measure

# `tkprofile tune`: sweeps the tuned kernel's MC/KC/NC and saves the best.
tkprofile_SOURCES += src/cli/cmd_tune.c
TESTS += tests/cli_tune.sh
dist_check_SCRIPTS += tests/cli_tune.sh
