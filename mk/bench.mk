# mk/bench.mk - benchmarks against peers (make bench); not part of make check.

# bench/gemm: the tuned kernel against OpenBLAS, same process, interleaved
# runs.  OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are unset for this command only,
# so OpenBLAS picks its best kernels for the CPU (never in tests or CI).
# BENCH_GEMM_ARGS passes options, e.g. make bench BENCH_GEMM_ARGS=-q.
EXTRA_PROGRAMS += bench/gemm
bench_gemm_SOURCES = bench/gemm.c
bench_gemm_LDADD = libtkpcore.la

.PHONY: bench-gemm
bench: bench-gemm
bench-gemm: bench/gemm$(EXEEXT)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./bench/gemm$(EXEEXT) $(BENCH_GEMM_ARGS)

# bench/clock: the busy core's clock (a dependent-add chain), which
# bench/ceilings.sh turns into the hardware limits it prints beside the
# measured ceilings.
EXTRA_PROGRAMS += bench/clock
bench_clock_SOURCES = bench/clock.c
bench: bench/clock$(EXEEXT)
