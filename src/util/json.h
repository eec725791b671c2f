/* json — small helpers over jansson for reading request bodies field by field.
 *
 * Each getter reports one of enum json_field so the caller can answer with a precise
 * error code naming the field. Strings returned point into the json_t and live as long
 * as it does. */
#ifndef FK_JSON_H
#define FK_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum json_field {
	JSON_FIELD_OK = 0,
	JSON_FIELD_ABSENT,   /* optional field not present (or null) */
	JSON_FIELD_MISSING,  /* required field not present, null, or empty */
	JSON_FIELD_TYPE,     /* present with the wrong type */
	JSON_FIELD_TOO_LONG, /* string longer than allowed (in characters) */
};

/* String field; *out is NULL unless JSON_FIELD_OK. Leading/trailing ASCII spaces count. */
enum json_field json_get_str(const json_t *obj, const char *key, size_t max_chars, bool required,
			     const char **out);
/* Boolean field; *out untouched unless JSON_FIELD_OK. */
enum json_field json_get_bool(const json_t *obj, const char *key, bool required, bool *out);
/* The first key of obj that is not in the NULL-terminated list, or NULL. */
const char *json_unknown_key(const json_t *obj, const char *const *allowed);
/* Number of UTF-8 code points in s (s assumed valid UTF-8, as jansson guarantees). */
size_t utf8_chars(const char *s);
/* json_str_safe(s): the JSON string of s (invalid UTF-8 repaired), json_null() when s is
 * NULL. */
json_t *json_str_or_null(const char *s);

/* Length (1-4) of the well-formed UTF-8 character at s, its code point in *cp; 0 when the
 * bytes at s do not start one (RFC 3629: no overlong forms, surrogates or code points above
 * U+10FFFF). s is NUL-terminated; the NUL never passes for a continuation byte, so nothing
 * past it is read. */
int utf8_next(const char *s, unsigned *cp);
/* The JSON string of stored text that may not be valid UTF-8 (a file name from an old
 * upload, a cell of a foreign file): every byte that does not start a well-formed character
 * becomes U+FFFD. jansson's json_string answers NULL for such text, and a NULL inside
 * json_pack or json_array_append_new silently drops the whole object or item. Never NULL
 * (aborts on out of memory); json_null() when s is NULL. */
json_t *json_str_safe(const char *s);

#endif
