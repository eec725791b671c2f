/* retention — how long personal data is kept after its purpose ends (PIPL art. 19, 47; the
 * CAC notice of 2020-02-04), and what anonymising a record leaves of it. Pure.
 *
 * Each category of personal data has an end of purpose and a number of days kept after
 * it (1–3650, default 30), set per county:
 *   person      a key person's file: the latest of its creation, its last change, its
 *               last task closed, its last observation ended; no open work (status
 *               to_place or observation: to be placed under observation, reminded daily
 *               — retention_status_open) and no open link (an open task, an active
 *               observation, an open fever alert, an open service request, an open duty
 *               matter naming it, a household of an active closure) — a file with
 *               anything open never expires. "pending" is no open work by itself: its
 *               work is its open task, and a file met at the door has none;
 *   checkpoint  a passage (persons, phones, ID numbers at the gate): its time or its last
 *               correction, once the handover tasks it opened are closed; a
 *               pre-registration: its expiry;
 *   closure     a closed area's households, passes and gate records: its reopening;
 *   duty        a duty-log matter (caller, contact, content): its close or its last note;
 *   outbound    a group-robot or SMS message sent or given up: its creation;
 *   import      an uploaded sheet and the cells of its rejected rows: the import's end.
 * A file, a passage or a duty matter anonymised and then written to again (a corrected
 * phone, a new task closed, a note) ends again then, and is anonymised again as above.
 * The daily run starts at or after a county-set local hour (default 03:00). */
#ifndef FK_RETENTION_H
#define FK_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum retention_cat {
	RET_PERSON,
	RET_CHECKPOINT,
	RET_CLOSURE,
	RET_DUTY,
	RET_OUTBOUND,
	RET_IMPORT,
	RET_NCAT
};

enum {
	RETENTION_DAYS_MIN = 1,
	RETENTION_DAYS_MAX = 3650,
	RETENTION_DAYS_DEFAULT = 30,
	RETENTION_HOUR_DEFAULT = 3,
	RETENTION_DAY_S = 86400,
	RETENTION_NAME_MAX = 16, /* bytes of an anonymised name with its NUL: 2 hanzi + 某 */
	/* a run whose last batch is older is taken for stopped (killed): no batch takes
	 * near as long */
	RETENTION_STALE_S = 600,
};

struct retention_policy {
	int days[RET_NCAT];
	int run_hour; /* 0–23, Asia/Shanghai */
};

/* "person", "checkpoint", "closure", "duty", "outbound", "import"; NULL out of range. */
const char *retention_cat_name(enum retention_cat c);
/* The category named, or -1. */
int retention_cat_parse(const char *name);
void retention_policy_default(struct retention_policy *p);
bool retention_days_valid(long long days);
bool retention_hour_valid(long long hour);

/* The end of a file's purpose: the latest of its creation, its last change, its tasks'
 * closing and its observations' ending (UTC seconds; 0 for none). */
int64_t retention_person_end(int64_t created_at, int64_t updated_at, int64_t last_task_closed,
			     int64_t last_obs_ended);
/* Whether a file's status is open work that keeps it: "to_place", "observation". */
bool retention_status_open(const char *status);
/* When a record whose purpose ended at end_at is due for anonymising, kept `days` days:
 * end_at + days × 86400; INT64_MAX when open (never). */
int64_t retention_due(int64_t end_at, bool open, int days);
/* The latest end of purpose a record may have to be due at now: now − days × 86400. */
int64_t retention_cutoff(int64_t now, int days);

/* The local day (epoch days of Asia/Shanghai) of the daily run at run_hour that takes an
 * object due at `due`: the first whose run_hour:00 is at or after it. */
int64_t retention_run_day(int64_t due, int run_hour);
/* The shift s with retention_run_day(end + days × 86400, run_hour) = (end + s) / 86400
 * for end ≥ 0, for a query to group by. */
int64_t retention_preview_shift(int days, int run_hour);
/* The epoch day (Asia/Shanghai) of t. */
int64_t retention_epoch_day(int64_t t);

/* The local hour (0–23, Asia/Shanghai) of t. */
int retention_local_hour(int64_t t);
/* Whether the daily run is due: the local hour has reached run_hour and no daily run was
 * made today (last_day, today: YYYYMMDD; 0: never). */
bool retention_daily_due(int local_hour, int run_hour, int today, int last_day);

/* The name that stays: the surname and 某 ("张三" → "张某", "欧阳娜娜" → "欧阳某", a
 * compound surname keeps both characters); a Latin-script name keeps its first letter
 * ("John Smith" → "J某"); "" stays "". An anonymised name is its own anonymised name.
 * out holds at least RETENTION_NAME_MAX bytes. */
void retention_name(const char *name, char *out, size_t size);
/* The address that stays: the township's and the village's names of the file's area
 * ("社渚镇" + "社渚村村委会" → "社渚镇社渚村村委会"); either may be "" or NULL. Cut at a
 * character boundary to fit size. */
void retention_address(const char *township, const char *village, char *out, size_t size);
/* The birth date that stays: its year (19800412 → 19800101); 0 stays 0. */
int retention_birth(int birth);

#endif
