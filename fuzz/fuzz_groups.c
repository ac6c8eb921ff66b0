/*
 * fuzz_groups.c - libFuzzer harness for the counter group-file parser
 * (src/lib/groups.c, through the counter interface
 * of src/lib/counters.c): the input is the one group file (fuzz.ini) of a
 * groups directory opened with tkp_counters_open_opts in mode AUTO, as
 * `tkprofile counters --groups DIR` does; then the same bytes as an
 * explicit event list (tkp_counters_open_events, `counters --events`).
 *
 * `make fuzz` builds this harness without PAPI (see fuzz/nopapi/config.h):
 * the parser is the same code either way, and without PAPI each input costs
 * microseconds instead of PAPI's event lookups.  The regression replay in
 * `make check` (tests/fuzz_replay_groups) links the real library, PAPI
 * included, so the corpus runs through the PAPI path too.
 *
 * Checked beyond "no crash, no sanitizer report": a malformed file is
 * TKP_EPARSE with "DIR/fuzz.ini:LINE: what"; a counter set that opens has
 * six metric slots with terminated texts.
 */
#include "config.h"

#include "counters.h"
#include "fuzz_util.h"
#include "tkprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("fuzz.ini", data, size);
	char dir[128], why[4096], *events;
	tkp_counters_opts o;
	tkp_counters *c = NULL;
	tkp_counter_slot s;
	int rc;

	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	tkp_counters_opts_init(&o);
	o.mode = TKP_COUNTERS_AUTO;
	o.groups_dir = dir;
	why[0] = '\0';
	rc = tkp_counters_open_opts(&c, &o, why, sizeof why);
	if (rc == TKP_EPARSE) {
		FUZZ_CHECK(!c);
		fuzz_check_err(why, sizeof why, "fuzz.ini:");
	} else if (rc == 0) {
		FUZZ_CHECK(c && tkp_counters_nslots(c) == TKP_M_COUNT);
		for (int i = 0; i < tkp_counters_nslots(c); i++) {
			FUZZ_CHECK(tkp_counters_slot(c, i, &s) == 0);
			FUZZ_CHECK(s.name && s.why && s.event && s.tried);
		}
		tkp_counters_close(c);
	} else {
		FUZZ_CHECK(!c);
	}

	/* the same bytes as a --events list */
	if (!(events = malloc(size + 1)))
		return 0;
	memcpy(events, data, size);
	events[size] = '\0';
	c = NULL;
	rc = tkp_counters_open_events(&c, TKP_COUNTERS_AUTO, events, (int)(size % 4), why, sizeof why);
	FUZZ_CHECK(rc == 0 ? c != NULL : c == NULL);
	tkp_counters_close(c);
	free(events);
	return 0;
}
