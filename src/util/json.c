#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

enum json_field json_get_str(const json_t *obj, const char *key, size_t max_chars, bool required,
			     const char **out)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	*out = NULL;
	if (!v || json_is_null(v))
		return required ? JSON_FIELD_MISSING : JSON_FIELD_ABSENT;
	if (!json_is_string(v))
		return JSON_FIELD_TYPE;
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return JSON_FIELD_TYPE; /* embedded NUL */
	if (required && !*s)
		return JSON_FIELD_MISSING;
	if (utf8_chars(s) > max_chars)
		return JSON_FIELD_TOO_LONG;
	*out = s;
	return JSON_FIELD_OK;
}

enum json_field json_get_bool(const json_t *obj, const char *key, bool required, bool *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return required ? JSON_FIELD_MISSING : JSON_FIELD_ABSENT;
	if (!json_is_boolean(v))
		return JSON_FIELD_TYPE;
	*out = json_is_true(v);
	return JSON_FIELD_OK;
}

const char *json_unknown_key(const json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				break;
		if (!allowed[i])
			return key;
	}
	return NULL;
}

json_t *json_str_or_null(const char *s) { return json_str_safe(s); }

int utf8_next(const char *s, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned min;
	int len;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2, min = 0x80, *cp = p[0] & 0x1Fu;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		len = 3, min = 0x800, *cp = p[0] & 0x0Fu;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		len = 4, min = 0x10000, *cp = p[0] & 0x07u;
	else
		return 0;
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3Fu);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

json_t *json_str_safe(const char *s)
{
	json_t *v;
	char *fixed, *o;
	unsigned cp;
	int n;

	if (!s)
		return json_null();
	if ((v = json_string(s)))
		return v;
	o = fixed = xmalloc(3 * strlen(s) + 1); /* at worst every byte becomes U+FFFD */
	for (; *s; s += n) {
		if ((n = utf8_next(s, &cp)) > 0) {
			memcpy(o, s, (size_t)n);
			o += n;
		} else {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			n = 1;
		}
	}
	*o = '\0';
	v = json_string(fixed);
	free(fixed);
	if (!v)
		abort(); /* valid UTF-8 by construction: only out of memory gets here */
	return v;
}
