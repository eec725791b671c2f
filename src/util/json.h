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
/* json_string(s) or json_null() when s is NULL. */
json_t *json_str_or_null(const char *s);

#endif
