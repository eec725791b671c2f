#include "util/json.h"

#include <string.h>

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

json_t *json_str_or_null(const char *s) { return s ? json_string(s) : json_null(); }
