/* returnee — one row of a pushed list (返乡人员名单) turned into a key-person record.
 *
 * The rule of the closed loop: a returnee must not vanish because of a typo. A defect a
 * person at the door can resolve (wrong ID check character, impossible birth date, an ID
 * that Excel stored as a number, a malformed or missing phone, an address that does not resolve, an
 * unreadable date) keeps the row, flagged, so that its verification task carries the
 * defect. Only rows with nothing to act on are rejected: no name, or no ID number, no
 * phone and no address at all.
 *
 * Pure: the clock, the address index and the reference lists come in through
 * struct returnee_ctx. Nothing is allocated; struct returnee holds its own copies. */
#ifndef FK_RETURNEE_H
#define FK_RETURNEE_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/address.h"
#include "io/table.h"

struct returnee_division {
	const char *code, *name; /* national list: 2-digit provinces, 4 cities, 6 counties */
};

struct returnee_key_area {
	const char *code;         /* a division code prefix: "42" is all of 湖北省 */
	int start_date, end_date; /* YYYYMMDD, inclusive */
};

/* Remembers resolved origins: a list names the same few places again and again. Owned by
 * the caller, used by one thread; zero it to start. */
struct returnee_origin_cache {
	struct {
		char text[64];
		char code[8];
	} slot[1024];
};

struct returnee_ctx {
	int today;                     /* YYYYMMDD in Asia/Shanghai */
	const struct addr_index *addr; /* the county's townships, villages and grids */
	const char *home_area;         /* the importer's area: where unresolved rows go */
	bool home_is_exact;            /* a form named the area: no address resolution */
	const struct returnee_division *divisions; /* sorted by code; may be empty */
	size_t ndivisions;
	const struct returnee_key_area *keys;
	size_t nkeys;
	struct returnee_origin_cache *origin_cache; /* optional */
};

enum { RETURNEE_MAX_ISSUES = 8 };

struct returnee_issue {
	enum table_field field;
	const char *code; /* "id.check", "phone.invalid", "address.unresolved", … */
	bool reject;
};

struct returnee {
	char name[128], doc_type[24], id_number[48], sex[4], phone[16];
	char address[512], area[19], origin[128], origin_code[8];
	char transport[64], transport_no[64];
	bool id_valid;
	int birth, arrival; /* YYYYMMDD or 0 */
	bool key_area;      /* came from a key epidemic area (within its dates) */
	bool rejected;
	char defects[160]; /* comma-separated codes of the flagged defects */
	struct returnee_issue issues[RETURNEE_MAX_ISSUES];
	size_t nissues;
};

/* cells[i] is mapped to map[i]; flags[i] are SHEET_CELL_* (may be NULL). */
void returnee_from_row(const struct returnee_ctx *ctx, const char *const *cells,
		       const unsigned char *flags, size_t ncells, const enum table_field *map,
		       struct returnee *out);

/* A file's defects after a correction at the door (POST /persons/{id}/fix): the codes of
 * old that belong to no field in fields are kept, those of the corrected fields are
 * replaced by r's issues of those fields (r: the corrected values read by
 * returnee_from_row). out always ends with NUL. */
enum {
	RETURNEE_FIX_ID = 1u << 0,
	RETURNEE_FIX_PHONE = 1u << 1,
	RETURNEE_FIX_ADDRESS = 1u << 2,
};
void returnee_fix_defects(const char *old, unsigned fields, const struct returnee *r, char *out,
			  size_t outsz);

/* zh-CN and English text of an issue code (for the issues file and the UI). */
const char *returnee_issue_zh(const char *code);
const char *returnee_issue_en(const char *code);

/* Resolves a free-text place of origin ("湖北省武汉市", "武汉") to the most specific
 * division code it names; "" when none. */
void returnee_origin(const struct returnee_ctx *ctx, const char *origin, char code[8]);

#endif
