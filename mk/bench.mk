# mk/bench.mk - benchmarks against peers (make bench); not part of make check.
