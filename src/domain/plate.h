/* plate — Chinese motor-vehicle plates (号牌, GA 36-2018): normalised and checked.
 *
 * A checkpoint registers every car by its plate, and the plate's province decides whether it
 * is a "外地车" or a car from a key area (湖北籍车辆). What staff type with gloves in the cold
 * comes in many shapes ("苏 d·12345", full-width letters, lower case); plate_parse brings it
 * to one form and says whether GA 36 allows it. A plate that does not parse is still
 * registrable upstream as unreadable: this module only answers, it never decides to refuse a
 * car.
 *
 * Pure: no I/O, no allocation. Input is UTF-8. */
#ifndef FK_PLATE_H
#define FK_PLATE_H

#include <stdbool.h>

/* The normalised text is at most 8 plate characters, of which up to two are Chinese (3 bytes
 * each in UTF-8): 使/领/挂/学/警/港/澳 and the province abbreviation. */
enum { PLATE_MAX = 32 };

/* The longest input read, in bytes: what staff type with separators and full-width forms is
 * far shorter; anything longer is not a plate and is not read past this. */
enum { PLATE_INPUT_MAX = 128 };

enum plate_kind {
	PLATE_ORDINARY,   /* 苏D12345 (blue or yellow, 7 characters) */
	PLATE_NEW_ENERGY, /* 苏AD12345 (small) or 苏A12345D (large): 8 characters */
	PLATE_TRAILER,    /* 苏A1234挂 */
	PLATE_COACH,      /* 苏A1234学 */
	PLATE_POLICE,     /* 苏A1234警 */
	PLATE_HK,         /* 粤Z1234港 */
	PLATE_MACAO,      /* 粤Z1234澳 */
	PLATE_EMBASSY,    /* 使014578 or 224001使 */
	PLATE_CONSULATE,  /* 沪A1234领 */
};

struct plate {
	char text[PLATE_MAX];  /* normalised: upper case, no spaces or separators, "苏D12345" */
	char province[4];      /* the abbreviation ("苏", UTF-8); "" for an embassy plate */
	char province_code[3]; /* its two-digit division code ("32"); "" when none */
	enum plate_kind kind;
};

/* Reads in (spaces, "·", "-", "." and full-width forms removed, letters upper-cased) as a
 * GA 36 plate: true and *out filled when it is one; false (out->text still holds the
 * normalised text, or "" when that did not fit) otherwise. I and O are never plate letters.
 * Also false, with out->text "", for NULL and for input longer than PLATE_INPUT_MAX bytes;
 * false for input that is not well-formed UTF-8 (out->text then holds it with the bad bytes
 * dropped). On false, province and province_code are "". */
bool plate_parse(const char *in, struct plate *out);

/* The two-digit division code of a province abbreviation ("鄂" → "42"), NULL for anything
 * else. */
const char *plate_province_code(const char *abbr);

/* The province abbreviations in the order of their codes (京 津 冀 … 新), NULL-terminated: for
 * the phone page's picker. */
extern const char *const plate_provinces[];

/* "ordinary", "new_energy", "trailer", "coach", "police", "hk", "macao", "embassy",
 * "consulate"; "" for any other value. */
const char *plate_kind_name(enum plate_kind k);

#endif
