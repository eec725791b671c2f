/* duty — the rules of 24-hour duty (值班值守) that need no data: shifts and the instants
 * they hold, gaps, the state of a shift's handover and its window, when a swap may still
 * be asked or approved, and the limits of names, slots and ranges.
 *
 * A post's day is divided into 1–4 shifts starting at whole hours (default 08:00 and
 * 20:00). A shift is named by (date, index): the local date it STARTS on and its index
 * (0-based) in the starts; the last shift runs past midnight to the first start of the
 * next day, so that 02:00 on D+1 belongs to shift (D, last). All dates and hours are
 * Asia/Shanghai (UTC+8, no daylight saving: the calendar of domain/observation.h). Pure. */
#ifndef FK_DUTY_H
#define FK_DUTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	DUTY_SHIFTS_MAX = 4,         /* shifts a day */
	DUTY_OFFICERS_MAX = 6,       /* officers of one shift, besides its leader */
	DUTY_NAME_MAX = 32,          /* characters of a person's name on the roster */
	DUTY_ROSTER_DAYS_MAX = 62,   /* days of a roster read */
	DUTY_LOG_DAYS_MAX = 92,      /* days of a log read */
	DUTY_COPY_DAYS_MAX = 31,     /* days copied at once */
	DUTY_HANDOVER_BEFORE = 7200, /* a handover may be made 2 h before its shift ends … */
	DUTY_HANDOVER_AFTER = 43200, /* … to 12 h after */
	DUTY_ISO_LEN = 25,           /* "2026-12-07T08:00:00+08:00" */
};

/* One shift: the date it starts on (YYYYMMDD), its index, its instants [start, end). */
struct duty_shift {
	int date, index;
	int64_t start, end;
};

/* Whether starts (n of them) are 1–DUTY_SHIFTS_MAX whole hours 0–23, ascending. */
bool duty_starts_valid(const int *starts, size_t n);
/* Shift (date, index) of a post with these starts; false for an index out of range or an
 * invalid date. */
bool duty_shift_of(const int *starts, size_t n, int date, int index, struct duty_shift *out);
/* The shift that holds instant t (start <= t < end). */
struct duty_shift duty_shift_at(const int *starts, size_t n, int64_t t);
/* The shift after s. */
struct duty_shift duty_shift_next(const int *starts, size_t n, const struct duty_shift *s);

/* A gap: nobody on the shift (no leader and no officer). */
bool duty_gap(bool leader, size_t officers);

enum duty_ho {
	DUTY_HO_NOT_DUE = 0, /* the shift has not ended */
	DUTY_HO_MISSING,     /* ended, no handover */
	DUTY_HO_PENDING,     /* handed over, not yet confirmed by the next shift */
	DUTY_HO_CONFIRMED,
};
/* The state of the handover of a shift ending at end, at now. */
enum duty_ho duty_handover_state(int64_t now, int64_t end, bool handed, bool confirmed);
/* "not_due", "missing", "pending", "confirmed". */
const char *duty_handover_name(enum duty_ho h);
/* Whether a handover of a shift [start, end) may be made at now: from 2 h before its end
 * (but not before its start) to 12 h after its end. */
bool duty_handover_open(int64_t now, int64_t start, int64_t end);

/* Whether a swap of two shifts starting at a and b may be asked or approved at now: before
 * the earlier of them starts. */
bool duty_swap_open(int64_t now, int64_t a, int64_t b);
/* "leader" (*officer -1) or "officer:K" with K 0..DUTY_OFFICERS_MAX-1 (*officer K). */
bool duty_slot_parse(const char *s, int *officer);

/* A name on the roster: 1–DUTY_NAME_MAX characters, not only spaces, no control
 * characters. s is valid UTF-8. */
bool duty_name_valid(const char *s);
/* "call", "report", "visit", "other" */
bool duty_log_kind_valid(const char *kind);
/* Whether [from, to] (dates) is in order and spans at most max_days days. */
bool duty_range_valid(int from, int to, int max_days);
/* The Monday of date's week. */
int duty_week_monday(int date);
/* A caller's contact as shown to someone who may not see it in full: a mobile as
 * phone_mask shows it ("138****5678"), any other text with every run of 7 or more digits
 * masked but its first 3 and last 2. out holds strlen(in) + 1 bytes (at least
 * PHONE_LEN + 1). */
void duty_contact_mask(const char *in, char *out, size_t size);
/* t as local ISO 8601 with its offset: "2026-12-07T08:00:00+08:00". */
void duty_iso(int64_t t, char out[DUTY_ISO_LEN + 1]);

#endif
