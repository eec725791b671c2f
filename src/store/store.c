/* store — what every backend shares: the names of the statuses. Opening, closing,
 * backup and checks are the backend's (src/store/sqlite/sq_store.c); no SQL and nothing of
 * SQLite lives outside src/store/sqlite/. */
#include "store/store.h"

const char *store_status_name(enum store_status st)
{
	static const char *const names[] = {"ok", "not_found", "conflict", "conflict_idem",
					    "invalid", "busy", "error", "denied"};
	return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "?";
}
