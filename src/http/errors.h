/* errors — the registry of errors a client can cause (errors.def) and their replies. */
#ifndef FK_ERRORS_H
#define FK_ERRORS_H

#include <stdbool.h>

enum err {
#define X(name, code, status, zh, en) ERR_##name,
#include "http/errors.def"
#undef X
	ERR__COUNT
};

struct err_info {
	const char *code;
	unsigned status;
	const char *zh, *en;
};

const struct err_info *err_info(enum err e);
/* true when an Accept-Language header prefers English over Chinese. */
bool err_prefers_en(const char *accept_language);

#endif
