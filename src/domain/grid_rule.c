/* grid_rule — a village's rules from addresses to its grids (grid_rule.h has the rules of
 * reading). The address is normalised once (text_normalize, spaces dropped); each rule of
 * the village is then tried on it and the fitting rules are ranked by a key (kind, name
 * length, narrowness of the range), so the answer does not depend on the rules' order. */
#include "domain/grid_rule.h"

#include <string.h>

#include "domain/text.h"

#define BUF_MAX 600

struct rank {
	int kind;    /* 4 numbered, 3 compound, 2 road, 1 group, 0 none */
	size_t name; /* bytes of the name */
	long width;  /* to - from of a numbered rule (smaller is more specific) */
};

static size_t squeeze(const char *in, char *out, size_t outsz)
{
	size_t len = text_normalize(in, out, outsz), j = 0;

	for (size_t i = 0; i < len; i++)
		if (out[i] != ' ')
			out[j++] = out[i];
	out[j] = '\0';
	return j;
}

static int cn_digit(const char *s, size_t *clen)
{
	static const char *const d[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

	*clen = 3;
	for (int i = 0; i < 10; i++)
		if (!strncmp(s, d[i], 3))
			return i;
	if (!strncmp(s, "〇", 3))
		return 0;
	if (!strncmp(s, "两", 3))
		return 2;
	if (!strncmp(s, "十", 3))
		return 10;
	if (!strncmp(s, "百", 3))
		return 100;
	return -1;
}

/* A numeral at s (Arabic digits or Chinese numerals): its value (capped) and its length in
 * bytes; 0 bytes when there is none. */
static size_t numeral(const char *s, long *value)
{
	size_t i = 0, cl;
	long total = 0, cur = 0;
	int d;

	*value = 0;
	if (s[0] >= '0' && s[0] <= '9') {
		while (s[i] >= '0' && s[i] <= '9') {
			if (total <= GRID_RULE_NUMBER_MAX)
				total = total * 10 + (s[i] - '0');
			i++;
		}
		*value = total;
		return i;
	}
	while ((d = cn_digit(s + i, &cl)) >= 0) {
		if (d == 10 || d == 100) {
			total += (cur ? cur : 1) * d;
			cur = 0;
		} else {
			cur = cur * 10 + d; /* 一零五 reads 105, 一百零五 105 too */
		}
		if (cur > GRID_RULE_NUMBER_MAX)
			cur = GRID_RULE_NUMBER_MAX + 1;
		i += cl;
	}
	*value = total + cur;
	return i;
}

static bool numeral_char_before(const char *s, size_t at)
{
	size_t cl;

	if (at == 0)
		return false;
	if (s[at - 1] >= '0' && s[at - 1] <= '9')
		return true;
	return at >= 3 && cn_digit(s + at - 3, &cl) >= 0;
}

static size_t group_suffix(const char *s)
{
	static const char *const suffix[] = {"村民小组", "小组", "生产队", "组", "队"};

	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
		if (!strncmp(s, suffix[i], strlen(suffix[i])))
			return strlen(suffix[i]);
	return 0;
}

/* Whether the address names group g: a whole numeral followed by a group word. */
static bool names_group(const char *s, size_t len, long g)
{
	long v;

	for (size_t i = 0; i < len;) {
		size_t n = numeral_char_before(s, i) ? 0 : numeral(s + i, &v);
		if (n > 0 && group_suffix(s + i + n) && v == g)
			return true;
		i += n > 0 ? n : 1;
	}
	return false;
}

static bool number_ends(const char *s)
{
	static const char *const ends[] = {"号", "栋", "幢", "弄", "-", "#", "之"};

	if (*s == '\0')
		return true;
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (!strncmp(s, ends[i], strlen(ends[i])))
			return true;
	return false;
}

static bool parity_fits(enum grid_rule_parity p, long v)
{
	return p == GRID_RULE_ALL || (p == GRID_RULE_ODD) == (v % 2 == 1);
}

/* Whether the address names the road or compound of r, with a house number in its range
 * when it has one. */
static bool names_place(const char *s, const struct grid_rule *r)
{
	char name[GRID_RULE_NAME_MAX * 2 + 1];
	size_t nlen = squeeze(r->name, name, sizeof name);
	const char *at = s;
	long v;

	if (nlen == 0)
		return false;
	while ((at = strstr(at, name)) != NULL) {
		const char *after = at + nlen;
		size_t n;
		if (r->from == 0 && r->to == 0)
			return true;
		if (!strncmp(after, "第", 3))
			after += 3;
		n = numeral(after, &v);
		if (n > 0 && number_ends(after + n) && v >= r->from && v <= r->to &&
		    parity_fits(r->parity, v))
			return true;
		at += 1;
	}
	return false;
}

static struct rank rank_of(const struct grid_rule *r, const char *s, size_t len)
{
	struct rank k = {0, 0, 0};

	if (r->kind == GRID_RULE_GROUP) {
		if (names_group(s, len, r->from))
			k.kind = 1;
		return k;
	}
	if (!names_place(s, r))
		return k;
	k.name = strlen(r->name);
	if (r->from != 0 || r->to != 0) {
		k.kind = 4;
		k.width = (long)r->to - r->from;
	} else {
		k.kind = r->kind == GRID_RULE_COMPOUND ? 3 : 2;
	}
	return k;
}

/* <0, 0, >0 as a is less, as, more specific than b */
static int rank_cmp(struct rank a, struct rank b)
{
	if (a.kind != b.kind)
		return a.kind < b.kind ? -1 : 1;
	if (a.name != b.name)
		return a.name < b.name ? -1 : 1;
	if (a.width != b.width)
		return a.width > b.width ? -1 : 1;
	return 0;
}

enum grid_rule_result grid_rule_match(const struct grid_rule *rules, size_t n, const char *village,
				      const char *address, char grid_out[16])
{
	char buf[BUF_MAX];
	struct rank best = {0, 0, 0};
	const char *grid = NULL;
	bool tie = false;
	size_t len;

	grid_out[0] = '\0';
	if (rules == NULL || village == NULL || strlen(village) != 12 || address == NULL)
		return GRID_RULE_NONE;
	len = squeeze(address, buf, sizeof buf);
	for (size_t i = 0; i < n; i++) {
		const struct grid_rule *r = &rules[i];
		if (r->grid == NULL || strncmp(r->grid, village, 12) || strlen(r->grid) != 15)
			continue;
		struct rank k = rank_of(r, buf, len);
		int c;
		if (k.kind == 0)
			continue;
		c = rank_cmp(k, best);
		if (c > 0 || grid == NULL) {
			best = k;
			grid = r->grid;
			tie = false;
		} else if (c == 0 && strcmp(grid, r->grid)) {
			tie = true;
		}
	}
	if (grid == NULL)
		return GRID_RULE_NONE;
	if (tie)
		return GRID_RULE_AMBIGUOUS;
	memcpy(grid_out, grid, 16);
	return GRID_RULE_MATCH;
}

int grid_rule_group_number(const char *text)
{
	char buf[BUF_MAX];
	size_t len = squeeze(text ? text : "", buf, sizeof buf), i = 0, n;
	long v;

	if (!strncmp(buf, "第", 3))
		i = 3;
	n = numeral(buf + i, &v);
	if (n == 0 || v < 1 || v > 999)
		return 0;
	i += n;
	i += group_suffix(buf + i);
	return i == len ? (int)v : 0;
}

bool grid_rule_valid(const struct grid_rule *r)
{
	if (r->grid == NULL || strlen(r->grid) != 15 || strspn(r->grid, "0123456789") != 15)
		return false;
	if (r->parity != GRID_RULE_ALL && r->parity != GRID_RULE_ODD && r->parity != GRID_RULE_EVEN)
		return false;
	switch (r->kind) {
	case GRID_RULE_GROUP: return r->from >= 1 && r->from <= 999 && r->to == r->from;
	case GRID_RULE_ROAD:
	case GRID_RULE_COMPOUND:
		if (r->name == NULL || !*r->name || !text_fits(r->name, GRID_RULE_NAME_MAX))
			return false;
		return (r->from == 0 && r->to == 0) ||
		       (r->from >= 1 && r->from <= r->to && r->to <= GRID_RULE_NUMBER_MAX);
	}
	return false;
}

const char *grid_rule_kind_name(enum grid_rule_kind k)
{
	return k == GRID_RULE_GROUP ? "group" : k == GRID_RULE_ROAD ? "road" : "compound";
}

const char *grid_rule_parity_name(enum grid_rule_parity p)
{
	return p == GRID_RULE_ODD ? "odd" : p == GRID_RULE_EVEN ? "even" : "all";
}

bool grid_rule_kind_parse(const char *s, enum grid_rule_kind *out)
{
	for (int k = GRID_RULE_GROUP; k <= GRID_RULE_COMPOUND; k++)
		if (s && !strcmp(s, grid_rule_kind_name((enum grid_rule_kind)k))) {
			*out = (enum grid_rule_kind)k;
			return true;
		}
	return false;
}

bool grid_rule_parity_parse(const char *s, enum grid_rule_parity *out)
{
	for (int p = GRID_RULE_ALL; p <= GRID_RULE_EVEN; p++)
		if (s && !strcmp(s, grid_rule_parity_name((enum grid_rule_parity)p))) {
			*out = (enum grid_rule_parity)p;
			return true;
		}
	return false;
}
