/*
 * tuning.c - the tuned kernel's cache blocking, resolved once per process
 * outside the kernel (which is pure compute: it gets MC/KC/NC in tkp_gemm).
 *
 * tuning.h lists the sources and their order.  The values are resolved per
 * component, as the kernel used to do it: TKP_TUNED_KC=32 alone keeps the
 * file's (or the caches') MC and NC, and the NC derived from the caches
 * then follows the KC that was set.  The effective values, rounded as the
 * kernel rounds them, are what a sweep records in plan.prof: loaded back
 * (sweep --resume) they are keys, and resolve to themselves.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "tuning.h"

static const char *const env_names[3] = {"TKP_TUNED_MC", "TKP_TUNED_KC", "TKP_TUNED_NC"};
static const char *const key_names[3] = {"tuned_mc", "tuned_kc", "tuned_nc"};

/* The process's blocking: [dtype][MC, KC, NC]. */
static struct {
	pthread_mutex_t lock;
	int resolved;
	size_t v[2][3];
} cur = {PTHREAD_MUTEX_INITIALIZER, 0, {{0, 0, 0}, {0, 0, 0}}};

/* A TKP_TUNED_* value: a whole number from 1 to 2^24, else 0 (not set,
 * or ignored: tkp_tuned_config_check names it). */
static size_t env_size(const char *name)
{
	const char *e = getenv(name);
	char *end;
	unsigned long long v;

	if (!e || !*e)
		return 0;
	v = strtoull(e, &end, 10);
	return *end || v > (1u << 24) ? 0 : (size_t)v;
}

/* 1 when a line of the tuning file parses, into isa/dt/v; blank and '#'
 * lines are neither (-1). */
static int parse_saved_line(const char *line, char isa[16], char dt[8], unsigned long v[3])
{
	const char *p = line + strspn(line, " \t\r\n");

	if (!*p || *p == '#')
		return -1;
	return sscanf(line, "%15s %7s %lu %lu %lu", isa, dt, &v[0], &v[1], &v[2]) == 5 &&
	       (!strcmp(dt, "f32") || !strcmp(dt, "f64")) && v[0] && v[1] && v[2] &&
	       v[1] <= (1u << 20) && v[0] <= (1u << 24) && v[2] <= (1u << 24) &&
	       (!strcmp(isa, "generic") || !strcmp(isa, "avx2") || !strcmp(isa, "avx512"));
}

/*
 * The tuning file `tkprofile tune --save` writes (tkp_tuned_conf_path):
 * lines "PATH DTYPE MC KC NC", e.g. "avx512 f64 680 384 168"; '#' starts a
 * comment; lines that do not parse are ignored (it only ever changes
 * speed, never results); the last line for a path and dtype counts.
 * saved[dtype] gets path isa's values, 0 = not saved.
 */
static void read_saved(tkp_isa isa, size_t saved[2][3])
{
	static const char *const isas[3] = {"generic", "avx2", "avx512"};
	char path[4096], line[256];
	FILE *f;

	memset(saved, 0, 2 * sizeof saved[0]);
	if (tkp_tuned_conf_path(path, sizeof path) != 0 || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		char li[16], dt[8];
		unsigned long w[3];

		if (parse_saved_line(line, li, dt, w) != 1 || strcmp(li, isas[isa]))
			continue;
		for (int i = 0; i < 3; i++)
			saved[!strcmp(dt, "f64")][i] = w[i];
	}
	fclose(f);
}

/* tkp_tuning_resolve with cur.lock held. */
static void resolve_locked(const size_t keys[2][3])
{
	tkp_isa isa = tkp_isa_current();
	size_t saved[2][3], env[3];

	read_saved(isa, saved);
	for (int i = 0; i < 3; i++)
		env[i] = env_size(env_names[i]);
	for (int d = 0; d < 2; d++) {
		size_t want[3], eff[5];

		for (int i = 0; i < 3; i++) {
			want[i] = keys ? keys[d][i] : 0;
			if (!want[i])
				want[i] = env[i];
			if (!want[i])
				want[i] = saved[d][i];
		}
		tkp_tuned_blocking(d ? TKP_F64 : TKP_F32, isa, want, eff);
		memcpy(cur.v[d], eff, sizeof cur.v[d]);
	}
	cur.resolved = 1;
}

void tkp_tuning_resolve(const size_t keys[2][3], size_t out[2][3])
{
	pthread_mutex_lock(&cur.lock);
	resolve_locked(keys);
	if (out)
		memcpy(out, cur.v, sizeof cur.v);
	pthread_mutex_unlock(&cur.lock);
}

void tkp_tuning_get(tkp_dtype dt, size_t out[3])
{
	pthread_mutex_lock(&cur.lock);
	if (!cur.resolved)
		resolve_locked(NULL);
	memcpy(out, cur.v[dt == TKP_F64], sizeof cur.v[0]);
	pthread_mutex_unlock(&cur.lock);
}

void tkp_tuning_apply(tkp_gemm *g)
{
	size_t v[3];

	tkp_tuning_get(g->dtype, v);
	g->mc = v[0];
	g->kc = v[1];
	g->nc = v[2];
}

int tkp_tuning_plan(tkp_plan *p, char *why, size_t len)
{
	size_t eff[2][3];
	int tuned = 0, overridden = 0;

	if (why && len)
		why[0] = '\0';
	for (int i = 0; i < p->nkernels; i++)
		tuned |= !strcmp(p->kernels[i], "tuned");
	/* a variable the plan's key overrides: named once, the first */
	for (int d = 0; d < p->ndtypes && tuned && !overridden; d++)
		for (int i = 0; i < 3 && !overridden; i++) {
			size_t e = env_size(env_names[i]), key = p->tuned[p->dtypes[d] == TKP_F64][i];

			if (e && key && e != key) {
				if (why && len)
					snprintf(why, len, "%s=%zu is ignored: the plan sets %s = %zu",
						 env_names[i], e, key_names[i], key);
				overridden = 1;
			}
		}
	tkp_tuning_resolve((const size_t(*)[3])p->tuned, eff);
	if (tuned)
		for (int d = 0; d < p->ndtypes; d++) {
			int di = p->dtypes[d] == TKP_F64;

			memcpy(p->tuned[di], eff[di], sizeof eff[di]);
		}
	return overridden;
}

int tkp_tuning_set(tkp_dtype dt, const char *s)
{
	unsigned long long v[3];
	char *end;
	const char *q = s;

	if (!s || (dt != TKP_F32 && dt != TKP_F64))
		return TKP_EINVAL;
	for (int i = 0; i < 3; i++) {
		if (*q < '0' || *q > '9')
			return TKP_EINVAL;
		errno = 0;
		v[i] = strtoull(q, &end, 10);
		if (errno || v[i] == 0 || v[i] > (1u << 24) || *end != (i < 2 ? ',' : '\0'))
			return TKP_EINVAL;
		q = end + 1;
	}
	pthread_mutex_lock(&cur.lock);
	if (!cur.resolved)
		resolve_locked(NULL);
	for (int i = 0; i < 3; i++)
		cur.v[dt == TKP_F64][i] = (size_t)v[i];
	pthread_mutex_unlock(&cur.lock);
	return 0;
}

int tkp_tuned_config_check(char *why, size_t len)
{
	char path[4096], line[256];
	const char *e;
	FILE *f;
	int lineno = 0, bad = 0;

	for (int i = 0; i < 3; i++)
		if ((e = getenv(env_names[i])) && *e && !env_size(env_names[i])) {
			snprintf(why, len, "%s='%s': expected a whole number from 1 to %u", env_names[i],
				 e, 1u << 24);
			return 1;
		}
	if (tkp_tuned_conf_path(path, sizeof path) != 0)
		return 0;
	if (!(f = fopen(path, "r"))) {
		/* no file is the usual case; a named one must be there */
		if (getenv("TKP_TUNED_CONF")) {
			snprintf(why, len, "TKP_TUNED_CONF='%s': %s", path, strerror(errno));
			return 1;
		}
		return 0;
	}
	while (!bad && fgets(line, sizeof line, f)) {
		char isa[16], dt[8];
		unsigned long v[3];

		lineno++;
		if (!parse_saved_line(line, isa, dt, v)) {
			line[strcspn(line, "\r\n")] = '\0';
			snprintf(why, len, "%s:%d: '%.60s': expected 'PATH DTYPE MC KC NC' (PATH "
					   "generic, avx2 or avx512; DTYPE f32 or f64; positive sizes)",
				 path, lineno, line);
			bad = 1;
		}
	}
	/* a directory opens but does not read */
	if (!bad && ferror(f)) {
		snprintf(why, len, "%s: %s", path, strerror(errno ? errno : EIO));
		bad = 1;
	}
	fclose(f);
	return bad;
}

int tkp_tuned_conf_path(char *buf, size_t size)
{
	const char *e = getenv("TKP_TUNED_CONF"), *dir = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (e)
		n = snprintf(buf, size, "%s", e);
	else if (dir && *dir)
		n = snprintf(buf, size, "%s/tkprofile/tuned.conf", dir);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.config/tkprofile/tuned.conf", home);
	else
		return TKP_ENOENT;
	return n > 0 && (size_t)n < size ? 0 : TKP_ERANGE;
}
