/*
 * idcard — identity documents: the resident ID number of GB 11643-1999, the
 * residence permits for Hong Kong, Macau and Taiwan residents that share its
 * format, and the free-form numbers of passports and travel passes.
 *
 * A parse never just says "invalid": it names the defect, so the person at the
 * door (or the import report) can say what to fix — a wrong check character, an
 * impossible birth date, or a number that Excel already destroyed.
 *
 * Ownership: pure. Nothing is allocated; results go into structs and buffers
 * the caller owns. Inputs are borrowed for the call. Returned names and
 * messages are static strings. There is no clock inside: "today" is passed in.
 */
#ifndef FANGKONG_DOMAIN_IDCARD_H
#define FANGKONG_DOMAIN_IDCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum id_doc {
	ID_DOC_NONE = 0,
	ID_DOC_RESIDENT,  /* 居民身份证 */
	ID_DOC_PERMIT_HK, /* 港澳台居民居住证, prefix 81 … */
	ID_DOC_PERMIT_MO, /* … 82 … */
	ID_DOC_PERMIT_TW, /* … 83; same 18-character format as the resident ID */
	ID_DOC_PASSPORT,  /* 护照 */
	ID_DOC_HKMO_PASS, /* 港澳通行证 (either direction) */
	ID_DOC_TW_PASS,   /* 台湾通行证 / 台胞证 */
	ID_DOC_OTHER,
};

enum id_defect {
	ID_OK = 0,
	ID_EMPTY,
	ID_BAD_LENGTH,
	ID_BAD_CHARS,
	ID_BAD_CHECK,          /* 校验位错误 */
	ID_BAD_BIRTH_DATE,     /* not a calendar date, or before 1800-01-01 */
	ID_FUTURE_BIRTH,       /* after `today` */
	ID_NUMBER_MANGLED,     /* Excel stored it as a number: 3.20116E+17, or zeros at the end */
	ID_LEGACY_15_UPGRADED, /* not an error: a valid 15-digit number, upgraded to 18 */
};

#define ID_NUMBER_MAX 39 /* longest number kept in id_result.number, without NUL */
#define ID_INPUT_MAX 128 /* longer inputs (in bytes) are ID_BAD_LENGTH unread */
#define ID_OTHER_MIN 5   /* length bounds of a passport or pass number */
#define ID_OTHER_MAX 20

struct id_result {
	enum id_doc doc;
	enum id_defect defect;
	/* The normalised number (upper case, spaces removed; the 18-character form
	 * after a 15-digit upgrade), whatever the defect, so a form can show what
	 * was understood. Cut to ID_NUMBER_MAX. Empty for ID_EMPTY. */
	char number[ID_NUMBER_MAX + 1];
	/* Birth date, sex ('M', 'F') and 6-digit address code: only for the
	 * 18-character family and only when idcard_ok(); 0 and "" otherwise. */
	int birth_y, birth_m, birth_d;
	char sex;
	char region[7];
};

/* Parses input as a document of kind doc_hint into *out (always fully set).
 *
 * doc_hint NONE, RESIDENT or PERMIT_*: the 18-character format. The document
 * kind in out->doc then comes from the number (81/82/83 → PERMIT_HK/MO/TW,
 * anything else RESIDENT), not from the hint. Input is normalised (text.h), all
 * spaces and one leading apostrophe (Excel's "treat as text" mark) removed,
 * x upper-cased. Valid 15-digit numbers are upgraded (19YY, check computed) and
 * reported as ID_LEGACY_15_UPGRADED. Defects are checked in the order EMPTY,
 * MANGLED (a decimal or exponent form), CHARS, LENGTH, CHECK (MANGLED instead
 * when the number ends in "000"), BIRTH_DATE, FUTURE_BIRTH.
 *
 * Other hints: upper-cased, spaces removed; ID_OK for 5–20 of [A-Z0-9],
 * otherwise ID_BAD_CHARS or ID_BAD_LENGTH; out->doc = doc_hint.
 *
 * today is YYYYMMDD; when it is <= 0 the future-birth check is skipped. */
void idcard_parse(const char *input, enum id_doc doc_hint, int today, struct id_result *out);

/* True when r is usable: ID_OK or ID_LEGACY_15_UPGRADED. */
bool idcard_ok(const struct id_result *r);

/* Computes the check character "10X98765432"[S % 11] of the first 17
 * characters of first17, which must be ASCII digits (more may follow; they are
 * not read). False, and *out untouched, otherwise. */
bool idcard_check_char(const char *first17, char *out);

/* Masks number for display to readers without person.reveal. 15 or more
 * characters keep the first 6 only ("320481************"), the issuing county
 * a screener needs; 8–14 keep the first and last ("E*******8"); 5–7 keep the
 * first ("E****"); 1–4 become "*" per character. Only ASCII letters and
 * digits, at most ID_NUMBER_MAX; anything else (and NULL) gives "****". When
 * the mask does not fit in outsz bytes out is "" (when outsz > 0): never a
 * partial mask.
 *
 * Why so little: beside the mask a reader sees the sex and the birth year
 * (idcard_birth_year_shown), so an 18-character number keeps 365 × 500
 * candidates; with the old 4 + 4 and the full birth date, the county digits
 * were the only unknowns and the check character settled them. */
void idcard_mask(const char *number, char *out, size_t outsz);

/* The birth year that may be shown beside a masked number: the year of birth
 * (YYYYMMDD) when the whole year lies at least 30 days before today (YYYYMMDD),
 * else 0 (shown as unknown). A newborn's year would narrow its number to the
 * few days since New Year; hidden, it stays among the last 30 days or more.
 * 0 for an impossible birth or today. */
int idcard_birth_year_shown(int birth, int today);

/* What a reader without person.reveal learns of one number. */
struct idcard_view {
	/* The mask, '*' for every hidden character; a reader's guesses (the
	 * county of the address shown, say) may be written into it. */
	const char *pattern;
	int born_from, born_to; /* YYYYMMDD range the birth date is known to lie in */
	char sex;               /* 'M' or 'F' when shown, else 0 */
};

/* Counts the numbers consistent with v. An 18-character pattern counts valid
 * GB 11643 numbers (check character, birth date from 1800-01-01 and in
 * v's range, sequence parity for sex); a 15-character one the legacy numbers
 * of the 1900s; any other length 10 per hidden character (digits only, a
 * lower bound for passports). Saturates at UINT64_MAX; 0 for a NULL or
 * malformed pattern. Used by tests to prove that masks cannot be rebuilt. */
uint64_t idcard_mask_candidates(const struct idcard_view *v);

/* Stable machine code of a defect ("id.check", "id.birth_date", …), its
 * message in zh-CN and in en. Unknown values give "id.unknown" and a generic
 * message. Static strings. */
const char *id_defect_code(enum id_defect d);
const char *id_defect_zh(enum id_defect d);
const char *id_defect_en(enum id_defect d);

/* Stable English code of a document kind ("resident", "passport", …; "none"
 * for NONE and unknown values). Static string. */
const char *id_doc_name(enum id_doc d);

/* Inverse of id_doc_name (case-insensitive), also accepting the labels people
 * write in registers: 身份证, 居民身份证, 护照, 港澳通行证, 台胞证,
 * 台湾居民来往大陆通行证, 港澳居民居住证, 台湾居民居住证 and a few more (see
 * idcard.c). Input is normalised first. NONE for NULL and anything unknown. */
enum id_doc id_doc_parse(const char *s);

#endif
