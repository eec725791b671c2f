/* sq_recount — the map a recount fills from the records (metric, date, area → n) and its
 * comparison with the kept counts, for `fangkong check` and the crash tests: the board's
 * counts (sq_obs_board.c) and the daily report's (sq_report.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"

static uint64_t rc_hash(const struct rc_key *k)
{
	uint64_t h = 1469598103934665603ull;
	const unsigned char *p = (const unsigned char *)k;

	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

struct rc_slot *rc_find(struct rc_map *m, const char *metric, int date, const char *area)
{
	struct rc_key k;

	memset(&k, 0, sizeof k);
	snprintf(k.metric, sizeof k.metric, "%s", metric);
	k.date = date;
	snprintf(k.area, sizeof k.area, "%s", area);
	if (2 * (m->len + 1) > m->cap) {
		struct rc_map bigger = {calloc(m->cap ? 2 * m->cap : 1024, sizeof *m->v),
					m->cap ? 2 * m->cap : 1024, 0};
		if (!bigger.v)
			abort();
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->v[i].used)
				continue;
			size_t j = rc_hash(&m->v[i].k) & (bigger.cap - 1);
			while (bigger.v[j].used)
				j = (j + 1) & (bigger.cap - 1);
			bigger.v[j] = m->v[i];
			bigger.len++;
		}
		free(m->v);
		*m = bigger;
	}
	size_t j = rc_hash(&k) & (m->cap - 1);
	while (m->v[j].used && memcmp(&m->v[j].k, &k, sizeof k))
		j = (j + 1) & (m->cap - 1);
	if (!m->v[j].used) {
		m->v[j].used = true;
		m->v[j].k = k;
		m->len++;
	}
	return &m->v[j];
}

void rc_add(struct rc_map *m, const char *metric, int date, const char *area, int64_t n)
{
	if (n)
		rc_find(m, metric, date, area)->n += n;
}

enum store_status sq_recount_compare(struct sq_conn *c, const char *sql_kept, struct rc_map *m,
				     int64_t *checked, int64_t *mismatched, char *first,
				     size_t firstsz)
{
	struct sq_cur k;
	enum store_status ss;

	*checked = *mismatched = 0;
	if (first && firstsz)
		*first = '\0';
	if (sq_open_stream(&k, c, sql_kept, NULL, 0))
		while (sq_next(&k)) {
			char metric[16], area[AREA_CODE_MAX + 1];
			int date = (int)sq_int(&k, 1);
			int64_t n = sq_int(&k, 3);
			sq_text_to(&k, 0, metric, sizeof metric);
			sq_text_to(&k, 2, area, sizeof area);
			struct rc_slot *e = rc_find(m, metric, date, area);
			e->seen = true;
			(*checked)++;
			if (e->n != n) {
				if (!*mismatched && first)
					snprintf(first, firstsz,
						 "%s %d %s: kept %lld, recounted %lld", metric,
						 date, area, (long long)n, (long long)e->n);
				(*mismatched)++;
			}
		}
	ss = sq_close(&k);
	for (size_t i = 0; ss == STORE_OK && i < m->cap; i++) {
		const struct rc_slot *e = &m->v[i];
		if (!e->used || e->seen || !e->n)
			continue;
		if (!*mismatched && first)
			snprintf(first, firstsz, "%s %d %s: kept 0, recounted %lld", e->k.metric,
				 e->k.date, e->k.area, (long long)e->n);
		(*mismatched)++;
	}
	return ss;
}
