/*
 * util.h - small helpers shared by the library modules: strings, numbers,
 * the seeded random generator, and bounded formatting.
 */
#ifndef TKP_UTIL_H
#define TKP_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "tkprofile.h"

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t tkp_strlcpy(char *dst, const char *src, size_t size);
/* s without its leading and trailing white space: skips the leading,
 * cuts the trailing in place. */
char *tkp_trim(char *s);
/* snprintf into buf that never overflows and tolerates size 0. */
void tkp_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses a whole string as a non-negative integer (decimal, with optional
 * k/M/G binary suffix when allow_suffix); TKP_EINVAL if not a number,
 * TKP_ERANGE if above max. */
int tkp_parse_u64(const char *s, uint64_t max, int allow_suffix, uint64_t *out);
/* Parses a whole string as a finite double; TKP_EINVAL otherwise. */
int tkp_parse_double(const char *s, double *out);

/* splitmix64: a tiny seeded generator for reproducible inputs. */
typedef struct tkp_rng { uint64_t s; } tkp_rng;
void tkp_rng_seed(tkp_rng *r, uint64_t seed);
uint64_t tkp_rng_next(tkp_rng *r);
/* Uniform in [-1, 1). */
double tkp_rng_unit(tkp_rng *r);

/* Host name (short), never NULL. */
const char *tkp_hostname(void);

#endif
