/*
 * observation — the rules of home observation (居家观察): the period, the records due each
 * day, what is overdue, when a day is complete, who may be released, what is a fever.
 *
 * Pure functions: no clock, no I/O. Instants are UTC seconds since the epoch; dates are the
 * users' calendar, Asia/Shanghai (UTC+8, no daylight saving since 1991), as YYYYMMDD ints.
 * The caller passes "now" wherever time matters, so every rule is tested with a fixed clock.
 *
 * The period covers the days start_date <= d < end_date; end_date is the release date
 * (start + policy days). Each day has slots (by default a morning and an evening
 * temperature); a visit with a temperature fills the slot its local time of day falls in.
 * A slot is required when its deadline falls after the moment the person was placed
 * (began_at) and, once the observation has ended early, not after that moment (ended_at).
 * A required slot unfilled at its deadline is overdue; nothing is due after the period.
 *
 * Temperatures are integers in tenths of a degree Celsius (37.3 °C = 373) so that the
 * threshold comparison is exact.
 */
#ifndef FANGKONG_DOMAIN_OBSERVATION_H
#define FANGKONG_DOMAIN_OBSERVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OBS_SLOTS_MAX 4
#define OBS_TZ_OFFSET (8 * 3600) /* Asia/Shanghai */

struct obs_slot {
	const char *code;  /* "morning", "evening" */
	int from_min;      /* first minute of the local day this slot takes */
	int deadline_min;  /* minute of the local day by which it must be filled */
};

struct obs_policy {
	int days;            /* length of the period: 14 */
	int fever_dc;        /* fever threshold, tenths of °C: 373 */
	int temp_min_dc;     /* lowest plausible reading: 340 */
	int temp_max_dc;     /* highest plausible reading: 425 */
	int start_back_days; /* how far back a start date may be set: 14 */
	int nslots;
	struct obs_slot slots[OBS_SLOTS_MAX];
};

/* 14 days, 37.3 °C, 34.0–42.5 °C, morning (00:00–, due 12:00) and evening (12:00–, due 21:00). */
void obs_policy_default(struct obs_policy *p);

/* ---- calendar ---- */

/* YYYYMMDD plus n days (n may be negative); 0 for an invalid date. */
int obs_date_add(int date, int n);
/* Days from a to b (b - a). */
int obs_date_diff(int a, int b);
/* The local (Asia/Shanghai) date of instant t. */
int obs_local_date(int64_t t);
/* The instant of local midnight starting date. */
int64_t obs_midnight(int date);

/* ---- the period and its slots ---- */

struct obs_period {
	int start_date, end_date; /* YYYYMMDD */
	int64_t began_at;         /* when the person was placed */
	int64_t ended_at;         /* when it ended early (release, transfer); 0 while active */
};

/* The slot index the local time of t falls in. */
int obs_slot_of(const struct obs_policy *p, int64_t t);
int64_t obs_slot_deadline(const struct obs_policy *p, int date, int slot);
/* Bit k set: slot k of date is required. */
unsigned obs_required(const struct obs_policy *p, const struct obs_period *per, int date);
/* Required slots of date not in filled whose deadline has passed at now. */
unsigned obs_overdue(const struct obs_policy *p, const struct obs_period *per, int date,
		     unsigned filled, int64_t now);
/* The earliest deadline after now of a required, unfilled slot of date; 0 when none. */
int64_t obs_next_deadline(const struct obs_policy *p, const struct obs_period *per, int date,
			  unsigned filled, int64_t now);
/* Day number of date in the period (1 = start date); 0 outside [start, end). */
int obs_day_number(const struct obs_period *per, int date);

/* What one (observation, day) adds to the counts of its area and date: due 1 when any slot
 * is required, complete 1 when every required slot is filled, req[k]/fill[k] per slot
 * (fill only for required slots). Counts are maintained by adding contrib(new) −
 * contrib(old) whenever a day's required or filled slots change. */
struct obs_day_counts {
	int due, complete;
	int req[OBS_SLOTS_MAX], fill[OBS_SLOTS_MAX];
};
void obs_day_contrib(const struct obs_policy *p, unsigned required, unsigned filled,
		     struct obs_day_counts *out);

/* ---- checks ---- */

/* start_date may be today or up to start_back_days before it, and not in the future. */
bool obs_start_valid(const struct obs_policy *p, int start_date, int today);
/* The longest period of one observation, in days: a policy maximum (DOMAIN.md: 14 days,
 * extended for cause). It also bounds the per-day bookkeeping of one write. */
#define OBS_PERIOD_MAX_DAYS 60
/* A planned end after the start date, not before today, and at most OBS_PERIOD_MAX_DAYS
 * after the start. */
bool obs_end_valid(int start_date, int end_date, int today);
/* A visit may be dated from local midnight of the start date to 5 minutes after now. */
bool obs_visit_time_valid(const struct obs_period *per, int64_t at, int64_t now);
/* Due for release: active, today >= end_date and no open alert. */
bool obs_release_due(const struct obs_period *per, int today, bool alert_open);

bool obs_temp_valid(const struct obs_policy *p, int dc);
/* Degrees as written by a client (37.26) to tenths, rounded half away from zero. */
int obs_temp_from_celsius(double c);
/* A reading at or above the threshold, or any symptom. temp_dc 0 = no reading. */
bool obs_is_fever(const struct obs_policy *p, int temp_dc, unsigned symptoms);
/* Whether a visit's answer "状态正常: 是" (saw_state) contradicts its reading: a fever or any
 * symptom is not a normal state. A visit that says so is refused, not stored half true. */
bool obs_state_contradicts(const struct obs_policy *p, bool saw_state, int temp_dc,
			   unsigned symptoms);

/* ---- vocabularies ---- */

enum obs_symptom {
	SYM_FEVER = 1u << 0,
	SYM_COUGH = 1u << 1,
	SYM_FATIGUE = 1u << 2,
	SYM_SORE_THROAT = 1u << 3,
	SYM_SHORT_BREATH = 1u << 4,
	SYM_DIARRHOEA = 1u << 5,
	SYM_OTHER = 1u << 6,
};
#define OBS_NSYMPTOMS 7
/* The bit of a symptom code ("cough"); 0 for an unknown code. */
unsigned obs_symptom_parse(const char *code);
/* The code of symptom i (0 ≤ i < OBS_NSYMPTOMS), NULL beyond. */
const char *obs_symptom_code(size_t i);

/* Each list ends with NULL. */
extern const char *const obs_kinds[];       /* home_observation, home_isolation, central_isolation */
extern const char *const obs_modes[];       /* in_person, video, phone, self */
extern const char *const obs_destinations[]; /* fever_clinic, designated_hospital */
extern const char *const obs_results[];     /* excluded, suspected, confirmed, hospitalised */
extern const char *const obs_service_kinds[]; /* shopping, meals, medicine, rubbish, other */
bool obs_in(const char *const *list, const char *s);

/* Service requests: new → accepted → delivered (or new → delivered at once), or
 * new/accepted → cancelled. */
bool obs_service_move_ok(const char *from, const char *to);

/* Urgency of a person on today's list: open alert first, then more overdue slots, then the
 * nearest open deadline (0 = none, last), then name. A qsort-style comparison. */
struct obs_urgency {
	bool alert;
	int overdue;
	int64_t next_deadline;
	const char *name;
};
int obs_urgency_cmp(const struct obs_urgency *a, const struct obs_urgency *b);

#endif
