/*
 * address — resolve a free-text address to an area of one county.
 *
 * People write places the way they say them ("竹镇镇金磁社区五组",
 * "龙虎营村", "六合区龙袍街道东沟中心社区幸福路19号"), not by their official
 * names ("金磁社区居委会", "龙虎营村村委会"). An index built once per county from
 * the official township, village and grid names answers "which area is this
 * address in?" so that a screening task lands on the right grid worker.
 *
 * Names people use are derived from each official village name (address.c
 * has the rule): the official name itself; the name with its type word
 * (社渚村, 河口社区, 金磁社区, 河口居委会); and the bare name only when it has
 * at least three characters (东沟中心, 乘马圩). Two-character bare names (河口,
 * 金磁) are never used: they occur inside too many other words. Townships and
 * grids match by their names as given.
 *
 * Ownership: addr_index_new allocates the index and copies everything it
 * needs from `areas`, which may be freed afterwards; the caller frees the
 * index with addr_index_free. Out of memory aborts. Once built the index is
 * never written: any number of threads may call addr_resolve on it at once.
 * addr_resolve itself allocates nothing and uses a bounded stack.
 */
#ifndef FANGKONG_DOMAIN_ADDRESS_H
#define FANGKONG_DOMAIN_ADDRESS_H

#include <stddef.h>

#define ADDR_INPUT_MAX 512 /* bytes of the normalised address that are read */
#define ADDR_NAME_MAX 200  /* longer area names (in bytes) are cut at a character */
#define ADDR_MATCH_MAX 256 /* name occurrences considered per address */
#define ADDR_CODE_LEN_MAX 18

struct addr_area {
	const char *code; /* 9 digits township, 12 village, 15 grid; other entries are skipped */
	const char *name; /* official name, UTF-8; NULL or blank entries are skipped */
};

struct addr_index;

/* Builds an index over n areas (areas may be NULL when n is 0). Never NULL. */
struct addr_index *addr_index_new(const struct addr_area *areas, size_t n);

/* The same, with a village's grid rules (domain/grid_rule.h): an address that resolves to
 * a village and fits one of its rules resolves to the rule's grid (rule 7 of
 * addr_resolve). The rules and their texts are copied; rules naming a grid that is not
 * among areas are kept but never answer. */
struct grid_rule;
struct addr_index *addr_index_new_ruled(const struct addr_area *areas, size_t n,
					const struct grid_rule *rules, size_t nrules);

/* Frees ix; NULL is allowed. */
void addr_index_free(struct addr_index *ix);

/* Number of areas the index kept (entries with a bad code or name are skipped). */
size_t addr_index_count(const struct addr_index *ix);

enum addr_match {
	ADDR_NONE,      /* nothing in the address names a known area */
	ADDR_TOWNSHIP,  /* only the township resolved */
	ADDR_VILLAGE,   /* village (and so its township) resolved */
	ADDR_GRID,      /* grid resolved */
	ADDR_AMBIGUOUS, /* the most specific name fits several areas and nothing decides */
};

/* Resolves address against ix and writes the area code to code_out (may be
 * NULL); "" for ADDR_NONE and ADDR_AMBIGUOUS. Rules, in order:
 *  1. A run of exactly 9, 12 or 15 digits that is the code of an area in ix
 *     resolves to that area (the longest such code wins); other digit runs
 *     (house numbers, phones, ID numbers) are ignored.
 *  2. Otherwise names are found anywhere in the address (spaces ignored) and
 *     the reading that covers the most of the address with non-overlapping
 *     names is kept: 旭东新城社区 is one name, not 新城社区 with a prefix, and
 *     两渡镇两渡村委会 is 两渡镇 + 两渡村委会, not 两渡镇两渡(居委会) + junk.
 *     Text that names a township is read as the township, even when a
 *     village's derived name is the same text.
 *  3. Township: the longest township name read (the first breaks ties).
 *  4. Village: the longest village name read that lies in that township
 *     (any township when none was read; the first breaks ties). When the name
 *     fits several villages, those whose official name it is are preferred;
 *     if several remain, that is ambiguous. A village of another township than
 *     the one named is not taken: the township alone resolves.
 *  5. Grid: likewise, among grids of the candidate villages (of the township,
 *     of the county when neither was found).
 *  6. Result: a unique grid, else a unique village, else the township, else
 *     ADDR_AMBIGUOUS when a name fitted several areas, else ADDR_NONE.
 *  7. A village resolved by 6 is taken down to a grid by the village's rules
 *     (grid_rule_match: the most specific fitting rule; none or a tie keeps the
 *     village).
 * Only the first ADDR_INPUT_MAX bytes of the normalised address are read. */
enum addr_match addr_resolve(const struct addr_index *ix, const char *address,
			     char code_out[ADDR_CODE_LEN_MAX + 1]);

/* "none", "township", "village", "grid", "ambiguous"; "none" for unknown. */
const char *addr_match_name(enum addr_match m);

#endif
