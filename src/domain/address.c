/*
 * address — an index of area names and the resolver that searches it.
 *
 * Design: every area contributes a few aliases (address.h says which); all
 * aliases of the county live in one array sorted bytewise, their text in one
 * pool. To find every alias occurring in an address we stand at each character
 * and look up the aliases that start with the next two characters: in a sorted
 * array those form one contiguous run, found by binary search. Every alias has
 * at least two characters, so the run is short and a lookup costs
 * O(log aliases) — an address is resolved in time proportional to its length,
 * not to the size of the county.
 *
 * Alias rule for village names. The official name ends in a committee suffix
 * that people drop; what is left (the stem) is a place name, and people add
 * the type word back when they write it:
 *   residents' committee   X社区居民委员会 X社区居委会 X居民委员会 X居委会 X社区
 *                          → X社区, X居委会
 *   villagers' committee   X村民委员会 X村委会 (and X村村委会: one 村 is dropped)
 *                          → X村
 * The bare stem X is an alias only when it has three or more characters. A
 * two-character place name (河口, 金磁, 社渚) appears inside township names
 * (社渚镇), street names and other villages' names; 社渚镇 holds both 河口居委会
 * and 河口村村委会, so "河口" alone cannot be resolved anyway. The type word
 * keeps 河口社区 and 河口村 apart.
 *
 * Occurrences overlap (新城社区 inside 旭东新城社区; 两渡镇 inside the bare name
 * 两渡镇两渡 of 两渡镇两渡居民委员会, which also overlaps 两渡村委会). Before
 * anything is chosen, a small dynamic programme over the address keeps the
 * set of non-overlapping occurrences that covers the most characters — the
 * way a reader segments the text — and drops the rest. Then the township is
 * chosen and scopes the village, which scopes the grid: this is how the
 * township in the address decides between the two 新城社区 of 六合区.
 *
 * These rules were checked against every village in the 2023 NBS list
 * (620,000): "<township><official village name>" resolves to that village
 * for all but two (villages named exactly like their township, which read as
 * the township), and "<township><stem + 村/社区>" for all but 60, which are
 * real ambiguities (门头村社区居委会 and 门头村村委会 in one township) and
 * resolve to the township.
 *
 * The index is written only while it is built; addr_resolve works on its own
 * stack, so concurrent resolves need no locking.
 */
#include "domain/address.h"

#include "domain/grid_rule.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/text.h"

#define CODE_LEN_TOWNSHIP 9
#define CODE_LEN_VILLAGE 12
#define CODE_LEN_GRID 15
#define BARE_MIN_CHARS 3
#define PICK_MAX 16 /* candidates kept per level; more only count */

/* choose_reading keeps positions and character counts in unsigned short. */
_Static_assert(ADDR_INPUT_MAX < 65535, "ADDR_INPUT_MAX must fit in unsigned short");

enum level { LVL_TOWNSHIP, LVL_VILLAGE, LVL_GRID };

struct area {
	char code[CODE_LEN_GRID + 1];
	size_t code_len;
	enum level level;
};

struct alias {
	const char *text; /* in the pool; set once the pool has stopped growing */
	size_t off, len;  /* text while the pool may still move */
	size_t chars;     /* UTF-8 characters, for "longest" */
	size_t area;
	bool official; /* the area's official name itself, not a derived form */
};

struct addr_index {
	struct area *areas;
	size_t n_areas;
	struct alias *aliases;
	size_t n_aliases, cap_aliases;
	char *pool;
	size_t pool_len, pool_cap;
	const struct area **by_code; /* sorted by code */
	struct grid_rule *rules;     /* texts owned (copied) */
	size_t n_rules;
};

static const char *const res_suffixes[] = {"社区居民委员会", "社区居委会", "居民委员会", "居委会",
					   "社区"};
static const char *const vil_suffixes[] = {"村民委员会", "村委会"};

static void *must_realloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	void *q = realloc(p, n * size != 0 ? n * size : 1);
	if (q == NULL)
		abort();
	return q;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t count_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0u) != 0x80u;
	return n;
}

/* Byte length of the UTF-8 character starting with lead byte b (valid input). */
static size_t char_len(unsigned char b)
{
	return b < 0x80u ? 1 : b < 0xE0u ? 2 : b < 0xF0u ? 3 : 4;
}

/* Removes every space from the n bytes of buf in place; returns the new length. */
static size_t drop_spaces(char *buf, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (buf[i] != ' ')
			buf[j++] = buf[i];
	buf[j] = '\0';
	return j;
}

static bool ends_with(const char *s, size_t len, const char *suffix, size_t *stem)
{
	size_t n = strlen(suffix);
	if (len < n || memcmp(s + len - n, suffix, n) != 0)
		return false;
	*stem = len - n;
	return true;
}

/* Appends the alias a + b (b may be "") for area, unless it is shorter than
 * two characters or the area already has it. first is the index of the area's
 * first alias. */
static void add_alias(struct addr_index *ix, size_t area, size_t first, const char *a, size_t alen,
		      const char *b)
{
	size_t blen = strlen(b), len = alen + blen;
	if (count_chars(a, alen) + count_chars(b, blen) < 2)
		return;
	for (size_t i = first; i < ix->n_aliases; i++)
		if (ix->aliases[i].len == len &&
		    memcmp(ix->pool + ix->aliases[i].off, a, alen) == 0 &&
		    memcmp(ix->pool + ix->aliases[i].off + alen, b, blen) == 0)
			return;
	if (ix->pool_len + len + 1 > ix->pool_cap) {
		ix->pool_cap = (ix->pool_len + len + 1) * 2;
		ix->pool = must_realloc(ix->pool, ix->pool_cap, 1);
	}
	if (ix->n_aliases == ix->cap_aliases) {
		ix->cap_aliases = ix->cap_aliases ? ix->cap_aliases * 2 : 64;
		ix->aliases = must_realloc(ix->aliases, ix->cap_aliases, sizeof *ix->aliases);
	}
	char *dst = ix->pool + ix->pool_len;
	memcpy(dst, a, alen);
	memcpy(dst + alen, b, blen);
	dst[len] = '\0';
	bool official = ix->n_aliases == first; /* every area adds its own name first */
	ix->aliases[ix->n_aliases++] =
		(struct alias){NULL, ix->pool_len, len, count_chars(dst, len), area, official};
	ix->pool_len += len + 1;
}

/* Adds the aliases of a village named name (len bytes); see the top of file. */
static void add_village_aliases(struct addr_index *ix, size_t area, size_t first, const char *name,
				size_t len)
{
	size_t stem;
	add_alias(ix, area, first, name, len, "");
	for (size_t i = 0; i < sizeof res_suffixes / sizeof res_suffixes[0]; i++) {
		if (ends_with(name, len, res_suffixes[i], &stem) && stem > 0) {
			add_alias(ix, area, first, name, stem, "社区");
			add_alias(ix, area, first, name, stem, "居委会");
			goto bare;
		}
	}
	for (size_t i = 0; i < sizeof vil_suffixes / sizeof vil_suffixes[0]; i++) {
		if (ends_with(name, len, vil_suffixes[i], &stem) && stem > 0) {
			ends_with(name, stem, "村", &stem);
			if (stem == 0)
				return;
			add_alias(ix, area, first, name, stem, "村");
			goto bare;
		}
	}
	return;
bare:
	if (count_chars(name, stem) >= BARE_MIN_CHARS)
		add_alias(ix, area, first, name, stem, "");
}

static void add_township_aliases(struct addr_index *ix, size_t area, size_t first, const char *name,
				 size_t len)
{
	size_t stem;
	add_alias(ix, area, first, name, len, "");
	if (ends_with(name, len, "街道办事处", &stem))
		add_alias(ix, area, first, name, stem, "街道");
}

/* Level of an area code: 9, 12 or 15 ASCII digits. False otherwise. */
static bool code_level(const char *code, enum level *level, size_t *len)
{
	size_t n = 0;
	while (n <= CODE_LEN_GRID && is_digit(code[n]))
		n++;
	if (code[n] != '\0')
		return false;
	*len = n;
	if (n == CODE_LEN_TOWNSHIP)
		*level = LVL_TOWNSHIP;
	else if (n == CODE_LEN_VILLAGE)
		*level = LVL_VILLAGE;
	else if (n == CODE_LEN_GRID)
		*level = LVL_GRID;
	return n == CODE_LEN_TOWNSHIP || n == CODE_LEN_VILLAGE || n == CODE_LEN_GRID;
}

static void add_area(struct addr_index *ix, const struct addr_area *in)
{
	char name[ADDR_NAME_MAX + 1];
	struct area *a = &ix->areas[ix->n_areas];
	if (in->code == NULL || in->name == NULL || !code_level(in->code, &a->level, &a->code_len))
		return;
	size_t len = drop_spaces(name, text_normalize(in->name, name, sizeof name));
	if (len == 0)
		return;
	memcpy(a->code, in->code, a->code_len + 1);
	size_t area = ix->n_areas++, first = ix->n_aliases;
	if (a->level == LVL_TOWNSHIP)
		add_township_aliases(ix, area, first, name, len);
	else if (a->level == LVL_VILLAGE)
		add_village_aliases(ix, area, first, name, len);
	else
		add_alias(ix, area, first, name, len, "");
}

static int alias_cmp(const void *pa, const void *pb)
{
	const struct alias *a = pa, *b = pb;
	int r = strcmp(a->text, b->text);
	if (r != 0)
		return r;
	return (a->area > b->area) - (a->area < b->area);
}

static int code_cmp(const void *pa, const void *pb)
{
	const struct area *const *a = pa, *const *b = pb;
	return strcmp((*a)->code, (*b)->code);
}

static char *copy_text(const char *s)
{
	size_t len = strlen(s ? s : "");
	char *c = must_realloc(NULL, len + 1, 1);

	memcpy(c, s ? s : "", len + 1);
	return c;
}

struct addr_index *addr_index_new_ruled(const struct addr_area *areas, size_t n,
					const struct grid_rule *rules, size_t nrules)
{
	struct addr_index *ix = addr_index_new(areas, n);

	ix->rules = must_realloc(NULL, nrules ? nrules : 1, sizeof *ix->rules);
	for (size_t i = 0; rules != NULL && i < nrules; i++) {
		ix->rules[i] = rules[i];
		ix->rules[i].grid = copy_text(rules[i].grid);
		ix->rules[i].name = copy_text(rules[i].name);
	}
	ix->n_rules = rules != NULL ? nrules : 0;
	return ix;
}

struct addr_index *addr_index_new(const struct addr_area *areas, size_t n)
{
	struct addr_index *ix = must_realloc(NULL, 1, sizeof *ix);
	memset(ix, 0, sizeof *ix);
	ix->areas = must_realloc(NULL, n ? n : 1, sizeof *ix->areas);
	for (size_t i = 0; areas != NULL && i < n; i++)
		add_area(ix, &areas[i]);
	for (size_t i = 0; i < ix->n_aliases; i++)
		ix->aliases[i].text = ix->pool + ix->aliases[i].off;
	if (ix->n_aliases > 0)
		qsort(ix->aliases, ix->n_aliases, sizeof *ix->aliases, alias_cmp);
	ix->by_code = must_realloc(NULL, ix->n_areas ? ix->n_areas : 1, sizeof *ix->by_code);
	for (size_t i = 0; i < ix->n_areas; i++)
		ix->by_code[i] = &ix->areas[i];
	if (ix->n_areas > 0)
		qsort(ix->by_code, ix->n_areas, sizeof *ix->by_code, code_cmp);
	return ix;
}

void addr_index_free(struct addr_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->areas);
	free(ix->aliases);
	free(ix->pool);
	free(ix->by_code);
	for (size_t i = 0; i < ix->n_rules; i++) {
		free((char *)ix->rules[i].grid);
		free((char *)ix->rules[i].name);
	}
	free(ix->rules);
	free(ix);
}

size_t addr_index_count(const struct addr_index *ix)
{
	return ix != NULL ? ix->n_areas : 0;
}

/* Index of the area whose code is the len bytes at s, or -1. */
static long find_code(const struct addr_index *ix, const char *s, size_t len)
{
	size_t lo = 0, hi = ix->n_areas;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct area *a = ix->by_code[mid];
		int r = strncmp(a->code, s, len);
		if (r == 0 && a->code_len > len)
			r = 1;
		if (r == 0)
			return (long)(a - ix->areas);
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Rule 1 of addr_resolve: the longest digit run of a code length naming an area. */
static long code_in_text(const struct addr_index *ix, const char *s)
{
	long best = -1;
	for (size_t i = 0; s[i] != '\0';) {
		size_t n = 0;
		while (is_digit(s[i + n]))
			n++;
		if (n == CODE_LEN_TOWNSHIP || n == CODE_LEN_VILLAGE || n == CODE_LEN_GRID) {
			long a = find_code(ix, s + i, n);
			if (a >= 0 &&
			    (best < 0 || ix->areas[a].code_len > ix->areas[best].code_len))
				best = a;
		}
		i += n ? n : 1;
	}
	return best;
}

struct occurrence {
	size_t alias, start, end;
	bool dropped; /* not part of the chosen reading of the address */
};

struct scan {
	const struct addr_index *ix;
	struct occurrence occ[ADDR_MATCH_MAX];
	size_t n;
};

/* Compares the start of alias a with key (klen bytes): < 0, 0 when a begins
 * with key, > 0. Monotonic over the sorted alias array. */
static int prefix_cmp(const struct alias *a, const char *key, size_t klen)
{
	int r = memcmp(a->text, key, a->len < klen ? a->len : klen);
	if (r == 0 && a->len < klen)
		return -1;
	return r;
}

/* Records every alias occurring at s + at (rest bytes remain). */
static void occurrences_at(struct scan *sc, const char *s, size_t at, size_t rest)
{
	const struct addr_index *ix = sc->ix;
	size_t k1 = char_len((unsigned char)s[at]);
	if (k1 >= rest)
		return;
	size_t klen = k1 + char_len((unsigned char)s[at + k1]);
	size_t lo = 0, hi = ix->n_aliases;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (prefix_cmp(&ix->aliases[mid], s + at, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ix->n_aliases; i++) {
		const struct alias *a = &ix->aliases[i];
		if (prefix_cmp(a, s + at, klen) != 0)
			break;
		if (a->len > rest || memcmp(a->text, s + at, a->len) != 0)
			continue;
		if (sc->n == ADDR_MATCH_MAX)
			return;
		sc->occ[sc->n++] = (struct occurrence){i, at, at + a->len, true};
	}
}

/* Chooses the reading of s (len bytes) that covers the most characters with
 * non-overlapping occurrences (sc->occ, in order of start), preferring at
 * each position the longest occurrence, and marks the others dropped. */
static void choose_reading(struct scan *sc, const char *s, size_t len)
{
	unsigned short best[ADDR_INPUT_MAX + 1], take[ADDR_INPUT_MAX + 1];
	size_t k = sc->n;
	best[len] = 0;
	for (size_t i = len; i-- > 0;) {
		if (((unsigned char)s[i] & 0xC0u) == 0x80u)
			continue;
		best[i] = best[i + char_len((unsigned char)s[i])];
		take[i] = 0;
		for (; k > 0 && sc->occ[k - 1].start == i; k--) {
			const struct occurrence *o = &sc->occ[k - 1];
			size_t v = sc->ix->aliases[o->alias].chars + best[o->end];
			if (v > best[i] || (v == best[i] && o->end > take[i])) {
				best[i] = (unsigned short)v;
				take[i] = (unsigned short)o->end;
			}
		}
	}
	k = 0;
	for (size_t i = 0; i < len;) {
		size_t next = take[i] ? take[i] : i + char_len((unsigned char)s[i]);
		while (k < sc->n && sc->occ[k].start < i)
			k++; /* starts inside a chosen occurrence: stays dropped */
		for (; k < sc->n && sc->occ[k].start == i; k++)
			sc->occ[k].dropped = sc->occ[k].end != take[i];
		i = next;
	}
}

static enum level occ_level(const struct scan *sc, const struct occurrence *o)
{
	return sc->ix->areas[sc->ix->aliases[o->alias].area].level;
}

/* A stretch of text that names a township is read as the township, even when
 * a village's derived name is the same text (太师屯镇 of 太师屯镇居民委员会). */
static void township_first(struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		struct occurrence *o = &sc->occ[i];
		if (o->dropped || occ_level(sc, o) != LVL_TOWNSHIP)
			continue;
		for (size_t j = 0; j < sc->n; j++) {
			struct occurrence *p = &sc->occ[j];
			if (p->start == o->start && p->end == o->end &&
			    occ_level(sc, p) != LVL_TOWNSHIP)
				p->dropped = true;
		}
	}
}

static void find_occurrences(struct scan *sc, const char *s, size_t len)
{
	for (size_t at = 0; at < len; at += char_len((unsigned char)s[at]))
		occurrences_at(sc, s, at, len - at);
	choose_reading(sc, s, len);
	township_first(sc);
}

/* A set of code prefixes of one length; n == 0 means "anywhere". */
struct scope {
	const char *prefix[PICK_MAX];
	size_t n, len;
};

/* Distinct areas named by the best occurrence of one level. count may exceed
 * PICK_MAX; only the first PICK_MAX are kept in area[]. */
struct pick {
	size_t area[PICK_MAX];
	size_t count;
};

static bool in_scope(const struct area *a, const struct scope *sc)
{
	if (sc->n == 0)
		return true;
	for (size_t i = 0; i < sc->n; i++)
		if (memcmp(a->code, sc->prefix[i], sc->len) == 0)
			return true;
	return false;
}

static const struct area *occ_area(const struct scan *sc, const struct occurrence *o)
{
	return &sc->ix->areas[sc->ix->aliases[o->alias].area];
}

static bool eligible(const struct scan *sc, const struct occurrence *o, enum level level,
		     const struct scope *scope)
{
	const struct area *a = occ_area(sc, o);
	return !o->dropped && a->level == level && in_scope(a, scope);
}

static void pick_add(struct pick *p, size_t area)
{
	for (size_t i = 0; i < p->count && i < PICK_MAX; i++)
		if (p->area[i] == area)
			return;
	if (p->count < PICK_MAX)
		p->area[p->count] = area;
	p->count++;
}

/* The longest (then first) eligible occurrence of level, and every area named
 * by the same stretch of text — by its official name when some area has it
 * (大潘社区 and 大潘居委会 both derive 大潘社区; the first is called that). */
static void pick_best(const struct scan *sc, enum level level, const struct scope *scope,
		      struct pick *out)
{
	const struct occurrence *best = NULL;
	out->count = 0;
	for (size_t i = 0; i < sc->n; i++) {
		const struct occurrence *o = &sc->occ[i];
		if (!eligible(sc, o, level, scope))
			continue;
		size_t chars = sc->ix->aliases[o->alias].chars;
		if (best == NULL || chars > sc->ix->aliases[best->alias].chars ||
		    (chars == sc->ix->aliases[best->alias].chars && o->start < best->start))
			best = o;
	}
	bool official = false;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; best != NULL && i < sc->n; i++) {
			const struct occurrence *o = &sc->occ[i];
			const struct alias *a = &sc->ix->aliases[o->alias];
			if (o->start != best->start || o->end != best->end ||
			    !eligible(sc, o, level, scope))
				continue;
			if (pass == 0)
				official |= a->official;
			else if (a->official || !official)
				pick_add(out, a->area);
		}
	}
}

static void scope_of(const struct addr_index *ix, const struct pick *p, size_t len,
		     struct scope *out)
{
	out->n = 0;
	out->len = len;
	for (size_t i = 0; i < p->count && i < PICK_MAX; i++)
		out->prefix[out->n++] = ix->areas[p->area[i]].code;
}

static enum addr_match answer(const struct addr_index *ix, long area, char *code_out)
{
	if (area < 0)
		return ADDR_NONE;
	const struct area *a = &ix->areas[area];
	if (code_out != NULL)
		memcpy(code_out, a->code, a->code_len + 1);
	return a->level == LVL_TOWNSHIP  ? ADDR_TOWNSHIP
	       : a->level == LVL_VILLAGE ? ADDR_VILLAGE
					 : ADDR_GRID;
}

/* Rules 3–6 of addr_resolve over the occurrences in sc. */
static enum addr_match decide(const struct scan *sc, char *code_out)
{
	struct scope anywhere = {.n = 0}, in_township, in_villages;
	struct pick township, village, grid;
	pick_best(sc, LVL_TOWNSHIP, &anywhere, &township);
	if (township.count == 1)
		scope_of(sc->ix, &township, CODE_LEN_TOWNSHIP, &in_township);
	else
		in_township = anywhere;
	pick_best(sc, LVL_VILLAGE, &in_township, &village);
	if (village.count >= 1 && village.count <= PICK_MAX)
		scope_of(sc->ix, &village, CODE_LEN_VILLAGE, &in_villages);
	else
		in_villages = in_township;
	pick_best(sc, LVL_GRID, &in_villages, &grid);
	if (grid.count == 1)
		return answer(sc->ix, (long)grid.area[0], code_out);
	if (village.count == 1)
		return answer(sc->ix, (long)village.area[0], code_out);
	if (township.count == 1)
		return answer(sc->ix, (long)township.area[0], code_out);
	if (township.count > 1 || village.count > 1 || grid.count > 1)
		return ADDR_AMBIGUOUS;
	return ADDR_NONE;
}

/* Rule 7: a village's grid rules take it down to one of its grids of the index. */
static enum addr_match down_to_grid(const struct addr_index *ix, const char *address,
				    enum addr_match m, char *code_out)
{
	char village[ADDR_CODE_LEN_MAX + 1], grid[16];
	long area;

	if (m != ADDR_VILLAGE || ix->n_rules == 0)
		return m;
	memcpy(village, code_out, sizeof village);
	if (grid_rule_match(ix->rules, ix->n_rules, village, address, grid) != GRID_RULE_MATCH ||
	    (area = find_code(ix, grid, strlen(grid))) < 0)
		return m;
	return answer(ix, area, code_out);
}

enum addr_match addr_resolve(const struct addr_index *ix, const char *address,
			     char code_out[ADDR_CODE_LEN_MAX + 1])
{
	char buf[ADDR_INPUT_MAX + 1];
	struct scan sc;
	if (code_out != NULL)
		code_out[0] = '\0';
	if (ix == NULL || address == NULL)
		return ADDR_NONE;
	size_t len = text_normalize(address, buf, sizeof buf);
	long area = code_in_text(ix, buf); /* before spaces go: "320481116 002" is no code */
	if (area >= 0)
		return answer(ix, area, code_out);
	sc.ix = ix;
	sc.n = 0;
	find_occurrences(&sc, buf, drop_spaces(buf, len));
	char local[ADDR_CODE_LEN_MAX + 1]; /* the village's code finds its rules */
	char *out = code_out != NULL ? code_out : local;
	return down_to_grid(ix, address, decide(&sc, out), out);
}

const char *addr_match_name(enum addr_match m)
{
	switch (m) {
	case ADDR_NONE: return "none";
	case ADDR_TOWNSHIP: return "township";
	case ADDR_VILLAGE: return "village";
	case ADDR_GRID: return "grid";
	case ADDR_AMBIGUOUS: return "ambiguous";
	}
	return "none";
}
