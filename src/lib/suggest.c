/*
 * suggest.c - "did you mean" hints: the nearest known name to one typed,
 * by case-insensitive Levenshtein distance, offered only when it is close
 * enough (a third of the name's length, at least 2) to be a typo rather
 * than another name altogether.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "groups.h"
#include "suggest.h"
#include "util.h"

#define NAME_LEN TKP_CTR_NAME_LEN

/* Case-insensitive Levenshtein distance (bounded inputs). */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int row[NAME_LEN + 1];

	if (la > NAME_LEN || lb > NAME_LEN)
		return INT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int up = row[j], best;

			best = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

void tkp_nearest_init(tkp_nearest *n, const char *want)
{
	n->want = want;
	n->best[0] = '\0';
	n->dist = INT_MAX;
}

void tkp_nearest_try(tkp_nearest *n, const char *cand)
{
	int d;

	if (!cand || !*cand || !strcasecmp(cand, n->want))
		return;
	d = edit_distance(n->want, cand);
	if (d < n->dist) {
		n->dist = d;
		tkp_strlcpy(n->best, cand, sizeof n->best);
	}
}

/* " (did you mean 'X'?)" when X is close enough to be a typo, else "". */
const char *tkp_nearest_hint(const tkp_nearest *n, char *buf, size_t len)
{
	int limit = (int)strlen(n->want) / 3;

	if (limit < 2)
		limit = 2;
	if (n->best[0] && n->dist <= limit)
		tkp_fmt(buf, len, " (did you mean '%s'?)", n->best);
	else if (len)
		buf[0] = '\0';
	return buf;
}

void tkp_nearest_try_group_events(tkp_nearest *nr)
{
	char dirbuf[PATH_MAX], w[TKP_CTR_TEXT_LEN];
	const char *dir = tkp_groups_default_dir(dirbuf, sizeof dirbuf);
	tkp_gdef *def;
	int m, k, i, n;

	if (!dir || !(def = calloc(TKP_M_COUNT, sizeof *def)))
		return;
	if (!tkp_groups_load(dir, NULL, def, w, sizeof w))
		for (m = 0; m < TKP_M_COUNT; m++)
			for (k = 0; k < 3; k++) {
				char tmp[TKP_CTR_LIST_LEN], *tok[64];

				tkp_strlcpy(tmp, def[m].ev[k], sizeof tmp);
				n = tkp_ctr_split_list(tmp, tok, 64);
				for (i = 0; i < n; i++)
					tkp_nearest_try(nr, tok[i]);
			}
	free(def);
}
