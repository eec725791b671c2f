/* closure — the rules of a closed residential area (封闭式管理) that need no data: the
 * household quota over windows of Asia/Shanghai calendar days, a pass's validity and the
 * verdict at the gate, and pass numbers.
 *
 * Quota: at most out_per exits per window of every_days calendar days. An exit on day D
 * lies in every window of every_days consecutive days that contains D (those starting on
 * D - every_days + 1 … D); it is allowed when each of them holds fewer than out_per exits
 * already. Days are YYYYMMDD local dates (obs_local_date), so an exit at 23:59 and one at
 * 00:01 lie on two days. Exits recorded later than D (an offline phone's queue synced out
 * of order) count too: a window is a window whatever order its exits came in.
 *
 * The verdict: which reason wins when several apply is one order (closure_verdict). Pure,
 * except closure_pass_make (libsodium's randomness). */
#ifndef FK_CLOSURE_H
#define FK_CLOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CLOSURE_OUT_MAX = 10,    /* out_per_household 1..10 */
	CLOSURE_EVERY_MAX = 14,  /* every_days 1..14 */
	CLOSURE_PASS_LEN = 10,   /* characters of a pass number */
	CLOSURE_TEMP_DAYS = 7,   /* a temporary pass is valid at most this long */
	CLOSURE_FEVER_DC = 373,  /* tenths of °C: a fever at the gate */
	CLOSURE_NEXT_SCAN = 400, /* days next_allowed looks ahead, at most */
};

struct closure_rules {
	int out_per, every_days; /* exits per household per window of days */
	bool outsiders, vehicles;
};

/* Whether out_per is 1..CLOSURE_OUT_MAX and every_days 1..CLOSURE_EVERY_MAX. */
bool closure_rules_valid(const struct closure_rules *r);

/* A household's kept count of exits on one day. */
struct closure_day_count {
	int day; /* YYYYMMDD */
	int n;
};

/* Whether one more exit on day is allowed by the quota, given the household's exits v[n]
 * (any order; days outside the windows are ignored). */
bool closure_quota_allows(const struct closure_rules *r, const struct closure_day_count *v,
			  size_t n, int day);
/* The first day on or after from whose exit the quota allows (from itself when allowed);
 * 0 when none within CLOSURE_NEXT_SCAN days. */
int closure_next_allowed(const struct closure_rules *r, const struct closure_day_count *v, size_t n,
			 int from);
/* Exits in the window of every_days days ending on day (what an offline phone compares
 * with out_per). */
int closure_exits_in_window(const struct closure_rules *r, const struct closure_day_count *v,
			    size_t n, int day);
/* The days whose counts closure_quota_allows reads for an exit on day: [*lo, *hi]. */
void closure_quota_span(const struct closure_rules *r, int day, int *lo, int *hi);

/* Why a pass is refused at the gate (or CLOSURE_OK). */
enum closure_reason {
	CLOSURE_OK = 0,
	CLOSURE_ENDED,       /* the gate's closure was reopened */
	CLOSURE_UNKNOWN,     /* no such pass */
	CLOSURE_NOT_HERE,    /* a pass of another closure */
	CLOSURE_REVOKED,     /* revoked at or before the instant */
	CLOSURE_EXPIRED,     /* a temporary pass after valid_to */
	CLOSURE_NOT_YET,     /* a temporary pass before valid_from */
	CLOSURE_OBSERVATION, /* the household is under home observation (exits) */
	CLOSURE_BLOCKED,     /* the household may not go out (exits) */
	CLOSURE_FEVER,       /* 37.3 °C or more on the way out */
	CLOSURE_QUOTA,       /* the household's exits are used up (resident passes, exits) */
};
/* "ok", "closure_ended", "unknown", "not_here", "revoked", "expired", "not_yet_valid",
 * "observation", "blocked", "fever", "quota". */
const char *closure_reason_name(enum closure_reason r);

/* What the gate knows of one passing, at instant `at`. */
struct closure_facts {
	bool closure_ended;           /* the gate's closure reopened on or before at's day */
	bool found;                   /* the pass exists */
	bool here;                    /* the pass is of the gate's closure */
	const char *kind;             /* "resident", "worker", "temporary" */
	int64_t revoked_at;           /* 0: never */
	int64_t valid_from, valid_to; /* temporary passes; 0: unbounded */
	int64_t at;
	bool out;                  /* leaving (the household's rules apply to exits only) */
	bool observation, blocked; /* of the pass's household, when it has one */
	int temp_dc;               /* 0: not taken */
	bool quota_allows;         /* closure_quota_allows for at's day */
};

/* The reason, in this order: closure_ended, unknown, not_here, revoked, expired /
 * not_yet_valid (the pass itself: either direction); then for an exit, on a pass that is
 * not temporary: observation, blocked; for any exit: fever; for a resident pass's exit:
 * quota. Entering is refused only for the pass itself. */
enum closure_reason closure_verdict(const struct closure_facts *f);

/* "resident", "worker", "temporary" */
bool closure_pass_kind_valid(const char *kind);
/* A temporary pass's window: from < to, at most CLOSURE_TEMP_DAYS long. */
bool closure_temp_window_valid(int64_t from, int64_t to);

/* The time a gate record says it happened, stored at now: at most 5 minutes ahead (clocks
 * of phones); older than 10 minutes only for a record kept by a phone offline (it says what
 * the phone showed), and then at most a day old — so that a guard cannot back-date a
 * passing to dodge a revocation or a quota. */
bool closure_record_at_ok(int64_t at, int64_t now, bool offline);

/* A pass number from 10 random bytes (each taken modulo 32: 256 is a multiple of 32, so
 * uniform): CLOSURE_PASS_LEN characters of Crockford's base32 and a NUL. */
void closure_pass_from_bytes(const unsigned char b[CLOSURE_PASS_LEN],
			     char out[CLOSURE_PASS_LEN + 1]);
/* A new random number (libsodium). */
void closure_pass_make(char out[CLOSURE_PASS_LEN + 1]);
/* A number as typed or scanned into its canonical form: an optional "FKP:" prefix (any
 * case), dashes and spaces dropped, lower case raised, I and L read as 1, O as 0. False
 * for anything else (U, other characters, not exactly 10 left, longer than 64 bytes). */
bool closure_pass_parse(const char *in, char out[CLOSURE_PASS_LEN + 1]);
/* "XXXXX-XXXXX" of a canonical number. */
void closure_pass_show(const char *number, char out[CLOSURE_PASS_LEN + 2]);

#endif
