/*
 * tuning.h - where the tuned kernel's cache blocking (MC, KC, NC) comes
 * from, resolved once per process outside the kernel.
 *
 * Sources, first that sets a value wins, each of MC, KC and NC on its own:
 * the plan's keys (a profile's tuned_mc/tuned_kc/tuned_nc, or plan.prof of
 * the sweep being resumed), TKP_TUNED_MC/KC/NC in the environment, the
 * file `tkprofile tune --save` writes (tkp_tuned_conf_path), else the
 * cache sizes (tkp_tuned_blocking).  The result is what tkp_measure_kernel
 * and the simulated child put into tkp_gemm's mc/kc/nc; a sweep records it
 * in plan.prof, so a tuned row can be run again from its directory alone.
 */
#ifndef TKP_TUNING_H
#define TKP_TUNING_H

#include <stddef.h>

#include "profile.h"
#include "tkprofile.h"

/*
 * Resolves both dtypes' blocking from keys ([dtype][MC, KC, NC], 0 = not
 * set; NULL: none) and the sources after them, for the SIMD path this
 * process runs, and makes it the process's: later tkp_tuning_get and
 * tkp_tuning_apply return it.  out (NULL: not wanted) gets the effective
 * values, MC and NC rounded as the kernel rounds them.
 */
void tkp_tuning_resolve(const size_t keys[2][3], size_t out[2][3]);

/* The process's blocking for dt, {MC, KC, NC}; resolved without keys at
 * the first call if nothing resolved it before. */
void tkp_tuning_get(tkp_dtype dt, size_t out[3]);

/* Sets g's mc, kc, nc to the process's blocking for g->dtype. */
void tkp_tuning_apply(tkp_gemm *g);

/*
 * The blocking of a sweep's plan: resolves with the plan's keys and, when
 * the plan runs the tuned kernel, writes the effective values of its
 * dtypes back into p->tuned, so that tkp_plan_write records them.
 * Returns 1 with why set when a setting is overridden by the plan (a
 * TKP_TUNED_* variable that differs from the plan's key), else 0.
 */
int tkp_tuning_plan(tkp_plan *p, char *why, size_t len);

/* Parses "MC,KC,NC" (each 1 to 2^24), as the parent of a simulated child
 * passes its blocking, and makes it the process's for dt.  TKP_EINVAL
 * when s does not parse. */
int tkp_tuning_set(tkp_dtype dt, const char *s);

/* Where saved tuning lives: $TKP_TUNED_CONF, else
 * $XDG_CONFIG_HOME/tkprofile/tuned.conf, else ~/.config/tkprofile/tuned.conf;
 * `tkprofile tune --save` writes it.  TKP_ENOENT without HOME,
 * TKP_ERANGE if buf is too small. */
int tkp_tuned_conf_path(char *buf, size_t size);

/* The first thing in the tuned kernel's settings that resolution would
 * ignore: a TKP_TUNED_MC/KC/NC that is not a whole number from 1 to 2^24,
 * a TKP_TUNED_CONF that names no readable file, or a line of the tuning
 * file that is not "PATH DTYPE MC KC NC".  Returns 1 and says what, and
 * what was expected, in why ("FILE:LINE: ..." for the file); 0 when all is
 * well (no settings at all included).  Resolution goes on without them:
 * they only ever change the kernel's speed, never its results. */
int tkp_tuned_config_check(char *why, size_t len);

#endif
