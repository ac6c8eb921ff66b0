/*
 * fuzz/nopapi/config.h - the build's config.h without PAPI, for the group
 * file fuzzer built by `make fuzz` (fuzz/fuzz_groups.c says why).  Found
 * before the build's config.h by -I order; #include_next gets the real one.
 */
#include_next "config.h"
#undef TKP_HAVE_PAPI
