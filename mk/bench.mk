# mk/bench.mk - bench/: benchmarks against peers (make bench); not part of
# make check.  Each prints ours, theirs and the ratio.

.PHONY: bench bench-gemm bench-overhead

# bench/gemm: the tuned kernel against OpenBLAS, same process, interleaved
# runs.  OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are unset for this command only,
# so OpenBLAS picks its best kernels for the CPU (never in tests or CI).
# BENCH_GEMM_ARGS passes options, e.g. make bench BENCH_GEMM_ARGS=-q.
EXTRA_PROGRAMS += bench/gemm
bench_gemm_SOURCES = bench/gemm.c bench/bench_util.h
bench_gemm_LDADD = libtkpcore.la
bench: bench-gemm
bench-gemm: bench/gemm$(EXEEXT)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./bench/gemm$(EXEEXT) $(BENCH_GEMM_ARGS)

# bench/abi: a kernel of two builds of libtkprofile in one process, round
# by round (bench/ab.sh builds a git revision's and runs it against this
# tree's): the A/B of a kernel change, free of the host's phases.
EXTRA_PROGRAMS += bench/abi
bench_abi_SOURCES = bench/abi.c bench/bench_util.h
bench_abi_LDADD = -ldl -lm
EXTRA_DIST += bench/ab.sh

# bench/clock: the busy core's clock (a dependent-add chain), which
# bench/ceilings.sh turns into the hardware limits it prints beside the
# measured ceilings (ours against likwid-bench, side by side).
EXTRA_PROGRAMS += bench/clock
bench_clock_SOURCES = bench/clock.c
bench: bench/clock$(EXEEXT)
EXTRA_DIST += bench/ceilings.sh

# bench/disturb.sh: a run quiet, beside CPU hogs with the disturbance
# detection off, and with it on, side by side (run it by hand).
EXTRA_DIST += bench/disturb.sh

# bench/probe_agree.sh: the quick probe's ceilings against the full one's,
# measured back to back (run it by hand, on a quiet machine).
EXTRA_DIST += bench/probe_agree.sh

# bench/sim_sample.sh: sampled simulation against whole for every kernel,
# dtype and thread count, and the textbook relations at n = 1024 (by hand).
EXTRA_DIST += bench/sim_sample.sh

# bench/overhead: the cost of one region begin/end pair next to PAPI's own
# start/stop.
EXTRA_PROGRAMS += bench/overhead
bench_overhead_SOURCES = bench/overhead.c
if HAVE_SDE
bench_sde_cppflags = -DTKP_BENCH_SDE=1
bench_sde_libs = $(SDE_LIBS)
else
bench_sde_cppflags =
bench_sde_libs =
endif
bench_overhead_CPPFLAGS = $(AM_CPPFLAGS) $(bench_sde_cppflags)
bench_overhead_LDADD = libtkpcore.la $(bench_sde_libs)
bench: bench-overhead
bench-overhead: bench/overhead$(EXEEXT)
	./bench/overhead$(EXEEXT)
