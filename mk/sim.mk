# mk/sim.mk - simulated counters through valgrind's cache simulator (src/lib/sim.c).
