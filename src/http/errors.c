#include "http/errors.h"

#include <string.h>
#include <strings.h>

static const struct err_info table[] = {
#define X(name, code, status, zh, en) {code, status, zh, en},
#include "http/errors.def"
#undef X
};

const struct err_info *err_info(enum err e)
{
	return &table[(unsigned)e < ERR__COUNT ? e : ERR_INTERNAL];
}

/* The first language tag decides: "en", "en-US" → English; anything else → Chinese. */
bool err_prefers_en(const char *al)
{
	if (!al)
		return false;
	while (*al == ' ')
		al++;
	return strncasecmp(al, "en", 2) == 0 && (al[2] == '\0' || al[2] == '-' || al[2] == ',' ||
						   al[2] == ';' || al[2] == ' ');
}
