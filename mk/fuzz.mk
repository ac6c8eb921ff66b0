# mk/fuzz.mk - fuzz/: harnesses (libFuzzer with clang) for the parsers;
# built by `make fuzz`, not by make check, which replays their corpora.
#
# fuzz/fuzz_csv.c      the CSV reader (tkp_csv_read + tkp_csv_sweep_parse)
# fuzz/fuzz_profile.c  the profile parser (tkp_plan_load, plan.prof round trip)
# fuzz/fuzz_groups.c   the counter group-file parser (tkp_counters_open_opts)
#
# `make fuzz` compiles each harness with clang straight from the sources it
# needs (the libtool objects are built by $(CC), usually gcc, without
# coverage instrumentation), with libFuzzer, ASan and UBSan.
# `make fuzz-run FUZZ_SECONDS=60` (or fuzz/run.sh) runs each for a bounded
# time over its seed corpus, fuzz/corpus/NAME.  Every input that ever
# crashed a harness is kept in fuzz/regress/NAME; make check replays the
# seeds and the regressions through the same harnesses built with the
# project's compiler (tests/fuzz_replay_NAME), so a fixed crash stays fixed
# in every build, the sanitizer builds included.  tests/README.md has more.

FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -std=gnu11
FUZZ_CPPFLAGS = -I$(top_builddir) $(AM_CPPFLAGS) -I$(top_srcdir)/fuzz $(INIH_CFLAGS)
FUZZ_LIBS = $(INIH_LIBS) -lm -lpthread
FUZZ_PROGS = fuzz/fuzz_csv$(EXEEXT) fuzz/fuzz_profile$(EXEEXT) fuzz/fuzz_groups$(EXEEXT)

fuzz_csv_src = $(top_srcdir)/fuzz/fuzz_csv.c $(top_srcdir)/src/lib/csv.c \
	$(top_srcdir)/src/lib/fsutil.c $(top_srcdir)/src/lib/util.c
# the profile parser checks kernel names against the registry, which brings
# every kernel (never run by the harness): all of src/kernels/*.c, globbed
# by the shell so that a new kernel needs no change here (FUZZ_KERNELS)
fuzz_profile_src = $(top_srcdir)/fuzz/fuzz_profile.c $(top_srcdir)/src/lib/profile.c \
	$(top_srcdir)/src/lib/fsutil.c $(top_srcdir)/src/lib/util.c
# the group files come through the counter interface, whose registry of
# sources brings the sim source and what it needs (never run by the
# harness); the papi source is compiled out (see fuzz/nopapi/config.h)
fuzz_groups_src = $(top_srcdir)/fuzz/fuzz_groups.c $(top_srcdir)/src/lib/counters.c \
	$(top_srcdir)/src/lib/groups.c $(top_srcdir)/src/lib/suggest.c $(top_srcdir)/src/lib/pmu.c \
	$(top_srcdir)/src/lib/source_none.c $(top_srcdir)/src/lib/source_sim.c \
	$(top_srcdir)/src/lib/sim.c $(top_srcdir)/src/lib/machine.c $(top_srcdir)/src/lib/measure.c \
	$(top_srcdir)/src/lib/tuning.c $(top_srcdir)/src/lib/profile.c \
	$(top_srcdir)/src/lib/timer.c $(top_srcdir)/src/lib/stats.c $(top_srcdir)/src/lib/verify.c \
	$(top_srcdir)/src/lib/fsutil.c $(top_srcdir)/src/lib/util.c
# rebuilt when any library source changes
fuzz_deps = $(libtkpcore_la_SOURCES) $(top_srcdir)/fuzz/fuzz_util.h config.h

.PHONY: fuzz fuzz-run
fuzz: $(FUZZ_PROGS)

fuzz/fuzz_csv$(EXEEXT): $(fuzz_csv_src) $(fuzz_deps)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_CPPFLAGS) -o $@ $(fuzz_csv_src) $(FUZZ_LIBS)
# The kernels the harnesses link but never run, compiled once, without the
# sanitizers: clang with ASan and UBSan took over 9 minutes (and 2.5 GB) on
# the tuned kernel's micro-kernel instances, 11 s without them.
FUZZ_KERNELS = fuzz/kernels.a
$(FUZZ_KERNELS): $(fuzz_deps)
	@rm -rf fuzz/kobj && $(MKDIR_P) fuzz/kobj
	$(AM_V_CC)for f in $(top_srcdir)/src/kernels/*.c; do \
		$(FUZZ_CC) -g -O1 -std=gnu11 $(FUZZ_CPPFLAGS) $(BLAS_CFLAGS) -c "$$f" \
			-o "fuzz/kobj/$$(basename "$$f" .c).o" || exit 1; \
	done
	$(AM_V_AR)rm -f $@ && $(AR) rcs $@ fuzz/kobj/*.o
fuzz/fuzz_profile$(EXEEXT): $(fuzz_profile_src) $(fuzz_deps) $(FUZZ_KERNELS)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_CPPFLAGS) $(BLAS_CFLAGS) -o $@ $(fuzz_profile_src) \
		$(FUZZ_KERNELS) $(BLAS_LIBS) $(FUZZ_LIBS)
# without PAPI: fuzz/nopapi/config.h comes first (fuzz_groups.c says why)
fuzz/fuzz_groups$(EXEEXT): $(fuzz_groups_src) $(fuzz_deps) $(top_srcdir)/fuzz/nopapi/config.h $(FUZZ_KERNELS)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) -I$(top_srcdir)/fuzz/nopapi $(FUZZ_CPPFLAGS) $(BLAS_CFLAGS) \
		-o $@ $(fuzz_groups_src) $(FUZZ_KERNELS) $(BLAS_LIBS) $(HWLOC_LIBS) \
		$(JANSSON_LIBS) $(PFM_LIBS) $(FUZZ_LIBS)

fuzz-run: fuzz
	$(SHELL) $(top_srcdir)/fuzz/run.sh $(FUZZ_SECONDS)

CLEANFILES = $(FUZZ_PROGS) $(FUZZ_KERNELS)
clean-local: clean-fuzz
.PHONY: clean-fuzz
clean-fuzz:
	-rm -rf fuzz/out fuzz/kobj

# ---- replaying the corpora in make check ------------------------------------
check_PROGRAMS += tests/fuzz_replay_csv tests/fuzz_replay_profile tests/fuzz_replay_groups
tests_fuzz_replay_csv_SOURCES = fuzz/replay.c fuzz/fuzz_csv.c fuzz/fuzz_util.h
tests_fuzz_replay_csv_CPPFLAGS = $(AM_CPPFLAGS) -DTKP_FUZZ_NAME='"csv"'
tests_fuzz_replay_csv_LDADD = libtkpcore.la
tests_fuzz_replay_profile_SOURCES = fuzz/replay.c fuzz/fuzz_profile.c fuzz/fuzz_util.h
tests_fuzz_replay_profile_CPPFLAGS = $(AM_CPPFLAGS) -DTKP_FUZZ_NAME='"profile"'
tests_fuzz_replay_profile_LDADD = libtkpcore.la
tests_fuzz_replay_groups_SOURCES = fuzz/replay.c fuzz/fuzz_groups.c fuzz/fuzz_util.h
tests_fuzz_replay_groups_CPPFLAGS = $(AM_CPPFLAGS) -DTKP_FUZZ_NAME='"groups"'
tests_fuzz_replay_groups_LDADD = libtkpcore.la
TESTS += tests/fuzz_replay_csv tests/fuzz_replay_profile tests/fuzz_replay_groups

EXTRA_DIST += fuzz/run.sh fuzz/nopapi/config.h fuzz/corpus fuzz/regress
