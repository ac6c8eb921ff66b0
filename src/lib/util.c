/*
 * util.c - error texts, names of dtypes, metrics and sources, number
 * parsing, and the seeded generator used for reproducible inputs.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const char *tkp_strerror(int err)
{
	switch (err) {
	case TKP_OK: return "success";
	case TKP_EINVAL: return "invalid argument";
	case TKP_ENOMEM: return "out of memory";
	case TKP_EIO: return "input/output error";
	case TKP_ENOTSUP: return "not supported on this machine or build";
	case TKP_ENOENT: return "not found";
	case TKP_EPARSE: return "malformed input";
	case TKP_ECOUNTERS: return "counters unavailable";
	case TKP_EVERIFY: return "result failed verification";
	case TKP_ERANGE: return "out of range";
	case TKP_EEXIST: return "already exists";
	case TKP_EINTR: return "interrupted";
	}
	return "unknown error";
}

const char *tkp_version(void)
{
	return PACKAGE_VERSION;
}

const char *tkp_dtype_name(tkp_dtype t)
{
	return t == TKP_F32 ? "f32" : t == TKP_F64 ? "f64" : "?";
}

size_t tkp_dtype_size(tkp_dtype t)
{
	return t == TKP_F32 ? sizeof(float) : t == TKP_F64 ? sizeof(double) : 0;
}

int tkp_dtype_parse(const char *s, tkp_dtype *out)
{
	if (!s || !out)
		return TKP_EINVAL;
	if (!strcmp(s, "f32") || !strcmp(s, "float")) {
		*out = TKP_F32;
		return 0;
	}
	if (!strcmp(s, "f64") || !strcmp(s, "double")) {
		*out = TKP_F64;
		return 0;
	}
	return TKP_EINVAL;
}

const char *tkp_metric_name(int metric)
{
	static const char *const names[TKP_M_COUNT] = {
		"cycles", "instructions", "l1_dcm", "l2_dcm", "l3_tcm", "fp_ops"};

	return metric >= 0 && metric < TKP_M_COUNT ? names[metric] : NULL;
}

const char *tkp_counter_source_name(tkp_counter_source s)
{
	switch (s) {
	case TKP_SRC_PAPI: return "papi";
	case TKP_SRC_SIM: return "sim";
	default: return "none";
	}
}

size_t tkp_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

void tkp_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

int tkp_parse_u64(const char *s, uint64_t max, int allow_suffix, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	const char *p = s;

	if (!s || !*s)
		return TKP_EINVAL;
	/* strtoull would accept "-1", leading spaces and "0x": refuse them. */
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return TKP_ERANGE;
		v = v * 10 + d;
	}
	if (p == s)
		return TKP_EINVAL;
	if (*p && allow_suffix && !p[1]) {
		switch (*p) {
		case 'k': case 'K': mul = 1ull << 10; break;
		case 'm': case 'M': mul = 1ull << 20; break;
		case 'g': case 'G': mul = 1ull << 30; break;
		default: return TKP_EINVAL;
		}
		p++;
	}
	if (*p)
		return TKP_EINVAL;
	if (v > UINT64_MAX / mul || v * mul > max)
		return TKP_ERANGE;
	*out = v * mul;
	return 0;
}

int tkp_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return TKP_EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s || errno == ERANGE || !isfinite(v))
		return TKP_EINVAL;
	*out = v;
	return 0;
}

void tkp_rng_seed(tkp_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t tkp_rng_next(tkp_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double tkp_rng_unit(tkp_rng *r)
{
	/* 53 random bits → [0,1), then to [-1,1). */
	return (double)(tkp_rng_next(r) >> 11) * 0x1.0p-52 - 1.0;
}

const char *tkp_hostname(void)
{
	static char host[256];

	if (!host[0]) {
		char *dot;
		if (gethostname(host, sizeof host - 1) != 0 || !host[0])
			tkp_strlcpy(host, "localhost", sizeof host);
		host[sizeof host - 1] = '\0';
		if ((dot = strchr(host, '.')))
			*dot = '\0';
	}
	return host;
}

char *tkp_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}
