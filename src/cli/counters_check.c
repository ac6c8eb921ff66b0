/*
 * counters_check.c - `tkprofile counters --check` (the counter check of
 * check.h, printed), the check a sweep runs before it counts with PAPI,
 * and the last check's verdicts shown by plain `tkprofile counters`.
 *
 * Where verdicts go: the results directory's machine.json, under
 * "counters": {"check": {...}} (results.c reads it back and leaves failed
 * metrics out of the charts), and a copy of the last check in the host's
 * cache directory (beside the cached probe), which `tkprofile counters`
 * shows.  The "check" object: source, quick, date, seconds, and per metric
 * its verdict ("pass", "off", "not counted") and, when not a pass, why.
 */
#include "config.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "cli.h"
#include "counters.h"
#include "fsutil.h"
#include "machine.h"
#include "sim.h"
#include "timer.h"
#include "util.h"

#define CMD "counters"
#define SAVED "counter-check.json"

/* ---- printing ------------------------------------------------------------------- */

/* Distinct notes, numbered. */
struct cnotes {
	int n;
	const char *text[TKP_CHECK_MAX_ITEMS];
};

static int cnote(struct cnotes *nt, const char *text)
{
	for (int i = 0; i < nt->n; i++)
		if (!strcmp(nt->text[i], text))
			return i + 1;
	nt->text[nt->n] = text;
	return ++nt->n;
}

static void print_items(const tkp_check *ck)
{
	struct cnotes nt = {0};

	printf("%-13s %-22s %13s %13s %6s  %-11s %-14s %s\n", "METRIC", "KERNEL", "EXPECTED", "MEASURED",
	       "RATIO", "VERDICT", "TOLERANCE", "NOTE");
	for (int i = 0; i < ck->n; i++) {
		const tkp_check_item *it = &ck->item[i];
		char exp[32], got[32] = "-", ratio[16] = "-", tol[32], note[16] = "", line[256];
		size_t n;

		tkp_fmt(exp, sizeof exp, "%.0f", it->expected);
		if (!isnan(it->measured))
			tkp_fmt(got, sizeof got, "%.0f", it->measured);
		if (!isnan(it->ratio))
			tkp_fmt(ratio, sizeof ratio, "%.2f", it->ratio);
		if (it->meaning[0])
			tkp_fmt(note, sizeof note, "[%d]", cnote(&nt, it->meaning));
		if (it->verdict == TKP_CHECK_SKIPPED)
			tkp_strlcpy(exp, "-", sizeof exp);
		tkp_fmt(line, sizeof line, "%-13s %-22s %13s %13s %6s  %-11s %-14s %s", tkp_metric_name(it->metric),
			it->name, exp, got, ratio, tkp_check_verdict_name(it->verdict),
			it->verdict == TKP_CHECK_PASS || it->verdict == TKP_CHECK_OFF
				? tkp_check_tol_text(it, tol, sizeof tol)
				: "-",
			note);
		for (n = strlen(line); n > 0 && line[n - 1] == ' '; n--)
			line[n - 1] = '\0';
		printf("%s\n", line);
		if (it->kind == TKP_CHK_CHAIN && it->tsc > 0 && !isnan(it->measured))
			printf("%-13s %-22s %13.0f TSC ticks: core clock %.2f x TSC\n", "", "", it->tsc,
			       it->measured / it->tsc);
	}
	for (int i = 0; i < nt.n; i++)
		printf("%s[%d] %s\n", i ? "" : "\n", i + 1, nt.text[i]);
}

/* One line per metric: its verdict, and why when not a pass. */
static int print_metrics(const tkp_check *ck)
{
	int off = 0, pass = 0;

	printf("\nPer metric:\n");
	for (int m = 0; m < TKP_M_COUNT; m++) {
		tkp_check_verdict v = ck->metric[m];

		off += v == TKP_CHECK_OFF;
		pass += v == TKP_CHECK_PASS;
		printf("  %-13s %s%s%s\n", tkp_metric_name(m), v == TKP_CHECK_NONE ? "skipped" : tkp_check_verdict_name(v),
		       ck->metric_why[m][0] ? ": " : "", ck->metric_why[m]);
	}
	printf("\n%d metric%s pass%s, %d off; metrics not counted are not failures.\n", pass,
	       pass == 1 ? "" : "s", pass == 1 ? "es" : "", off);
	return off;
}

/* ---- the record ------------------------------------------------------------------- */

static json_t *check_json(const tkp_check *ck, const char *source, double seconds)
{
	json_t *o = json_object(), *met = json_object(), *why = json_object();
	char date[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!o || !met || !why) {
		json_decref(o);
		json_decref(met);
		json_decref(why);
		return NULL;
	}
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	json_object_set_new(o, "source", json_string(source));
	json_object_set_new(o, "quick", json_boolean(ck->quick));
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "seconds", json_real(seconds));
	for (int m = 0; m < TKP_M_COUNT; m++) {
		if (ck->metric[m] == TKP_CHECK_NONE)
			continue;
		json_object_set_new(met, tkp_metric_name(m), json_string(tkp_check_verdict_name(ck->metric[m])));
		if (ck->metric_why[m][0])
			json_object_set_new(why, tkp_metric_name(m), json_string(ck->metric_why[m]));
	}
	json_object_set_new(o, "metrics", met);
	json_object_set_new(o, "why", why);
	return o;
}

static int json_save(json_t *root, const char *path)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int rc;

	if (!text)
		return TKP_ENOMEM;
	rc = tkp_write_file(path, text, strlen(text));
	free(text);
	return rc;
}

/* The check into dir/machine.json's "counters" object (when dir has one)
 * and into the host's cache (best effort). */
static void check_record(json_t *chk, const char *dir)
{
	char path[PATH_MAX], cdir[PATH_MAX];
	json_t *root, *ctr;

	if (dir && !tkp_path_join(path, sizeof path, dir, "machine.json") &&
	    (root = json_load_file(path, JSON_DECODE_ANY, NULL))) {
		if (!json_is_object(ctr = json_object_get(root, "counters"))) {
			ctr = json_object();
			json_object_set_new(root, "counters", ctr);
		}
		json_object_set(ctr, "check", chk);
		if (json_save(root, path))
			tkp_cli_warn("sweep", "%s: could not record the counter check", path);
		json_decref(root);
	}
	if (tkp_cli_cache_dir(cdir, sizeof cdir) == 0 && tkp_mkdirs(cdir) == 0 &&
	    !tkp_path_join(path, sizeof path, cdir, SAVED))
		json_save(chk, path);
}

void tkp_cli_check_show_saved(void)
{
	char cdir[PATH_MAX], path[PATH_MAX];
	json_t *o, *met, *why;

	if (tkp_cli_cache_dir(cdir, sizeof cdir) || tkp_path_join(path, sizeof path, cdir, SAVED) ||
	    !(o = json_load_file(path, 0, NULL)))
		return;
	met = json_object_get(o, "metrics");
	why = json_object_get(o, "why");
	printf("\nLast counter check (%s, %s%s; `tkprofile counters --check` runs it again):\n",
	       json_string_value(json_object_get(o, "source")) ? json_string_value(json_object_get(o, "source")) : "?",
	       json_string_value(json_object_get(o, "date")) ? json_string_value(json_object_get(o, "date")) : "undated",
	       json_is_true(json_object_get(o, "quick")) ? ", quick" : "");
	for (int m = 0; m < TKP_M_COUNT; m++) {
		const char *v = json_string_value(json_object_get(met, tkp_metric_name(m)));
		const char *w = json_string_value(json_object_get(why, tkp_metric_name(m)));
		printf("  %-13s %s%s%s\n", tkp_metric_name(m), v ? v : "-", w ? ": " : "", w ? w : "");
	}
	json_decref(o);
}

/* ---- running it -------------------------------------------------------------------- */

/* The cache sizes of m replaced by those the simulator models. */
static void sim_caches(tkp_machine *m)
{
	tkp_sim_geometry g;
	const tkp_sim_cache *lv[3] = {&g.d1, &g.l2, &g.l3};

	tkp_sim_geometry_from_machine(m, &g);
	for (int i = 0; i < m->ncaches; i++) {
		tkp_cache_info *c = &m->caches[i];
		if (c->depth >= 1 && c->depth <= 3) {
			c->reported_bytes = lv[c->depth - 1]->size > 0 ? (double)lv[c->depth - 1]->size : NAN;
			c->measured_bytes = NAN;
		}
	}
}

/* Plans and runs the check with c; 0 or an exit code (printed). */
static int check_do(tkp_check *ck, tkp_counters *c, int quick, double *seconds, const char *cmd)
{
	tkp_machine m;
	tkp_counters_about a;
	char why[1024];
	double t0 = tkp_timer_now();
	int rc;

	tkp_counters_about_get(c, &a);
	tkp_machine_describe(&m, NULL);
	if (a.apart) /* the simulator: its caches, as rounded for valgrind */
		sim_caches(&m);
	tkp_check_plan(ck, &m, quick, a.apart, (size_t)(tkp_cli_mem_available() / 2));
	rc = tkp_check_run(ck, c, NULL, NULL, why, sizeof why);
	*seconds = tkp_timer_now() - t0;
	if (rc == TKP_EINTR || tkp_cli_interrupted)
		return TKP_EXIT_INTR;
	if (rc)
		return tkp_cli_fail(cmd, "counter check: %s", why[0] ? why : tkp_strerror(rc));
	return 0;
}

int tkp_cli_counters_check(int argc, char **argv)
{
	const char *mode = "auto";
	tkp_counters *c = NULL;
	tkp_counters_about a;
	tkp_check *ck = NULL;
	json_t *chk;
	double secs = 0;
	int quick = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--check"))
			continue;
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strncmp(argv[i], "--counters=", 11))
			mode = argv[i] + 11;
		else if (!strcmp(argv[i], "--counters") && i + 1 < argc)
			mode = argv[++i];
		else
			return tkp_cli_usage(CMD, "'%s': --check takes only --quick and --counters SRC", argv[i]);
	}
	if ((rc = tkp_cli_open_counters(CMD, mode, (volatile int *)&tkp_cli_interrupted, 0, &c)))
		return rc;
	if (!(ck = calloc(1, sizeof *ck))) {
		rc = tkp_cli_fail(CMD, "out of memory");
		goto done;
	}
	tkp_cli_catch_signals();
	tkp_counters_about_get(c, &a);
	printf("Counter check (%s) with %s", quick ? "quick" : "full", a.source);
	if (a.tool[0])
		printf(" (%s%s%s)", a.tool, a.model[0] ? "; " : "", a.model);
	printf(": known-answer kernels, each count against what it must be\n\n");
	if ((rc = check_do(ck, c, quick, &secs, CMD)))
		goto done;
	print_items(ck);
	rc = print_metrics(ck) ? tkp_cli_fail(CMD, "counter check: a counted metric is off (see above)")
			       : TKP_EXIT_OK;
	if ((chk = check_json(ck, a.source, secs))) {
		check_record(chk, NULL);
		json_decref(chk);
	}
done:
	free(ck);
	tkp_counters_close(c);
	return rc;
}

int tkp_cli_sweep_check(const char *dir, tkp_counters *c, int quiet)
{
	tkp_counters_about a;
	tkp_check *ck;
	char line[512] = "", *p = line;
	double secs = 0;
	json_t *chk;
	int rc;

	tkp_counters_about_get(c, &a);
	/* only hardware counters need it: the simulator is exact */
	if (!c || !a.counts || a.apart || strcmp(a.source, "papi"))
		return 0;
	if (!(ck = calloc(1, sizeof *ck)))
		return tkp_cli_fail("sweep", "out of memory");
	if ((rc = check_do(ck, c, 1, &secs, "sweep")))
		goto done;
	for (int m = 0; m < TKP_M_COUNT; m++)
		if (ck->metric[m] == TKP_CHECK_PASS || ck->metric[m] == TKP_CHECK_OFF)
			p += snprintf(p, sizeof line - (size_t)(p - line), "%s%s %s", p == line ? "" : ", ",
				      tkp_metric_name(m), tkp_check_verdict_name(ck->metric[m]));
	if (!quiet)
		tkp_cli_note("tkprofile: sweep: counters checked (quick, %.1f s): %s", secs, line);
	for (int m = 0; m < TKP_M_COUNT; m++)
		if (ck->metric[m] == TKP_CHECK_OFF)
			tkp_cli_warn("sweep", "%s failed the counter check (%s): its cells are written but "
					      "left out of the charts", tkp_metric_name(m), ck->metric_why[m]);
	if ((chk = check_json(ck, a.source, secs))) {
		check_record(chk, dir);
		json_decref(chk);
	}
done:
	free(ck);
	return rc;
}
