/*
 * report — the rules of the daily report (日报): which report day a moment belongs to under
 * a county's cut-off, the figures the records give and how they follow from kept counts,
 * completeness and timeliness as DHIS2 defines them, and the sentence of the briefing.
 *
 * Pure functions: no clock, no I/O. Instants are UTC seconds; days are Asia/Shanghai
 * calendar dates as YYYYMMDD ints (observation.h's calendar).
 *
 * A county reports "as of" a cut-off (16:00, 18:00 or 24:00). The report of day D covers
 * the window [deadline(D-1), deadline(D)), deadline(D) being D's cut-off (24:00 is the
 * midnight that ends D). A cut-off changes only from a day on (a schedule of entries
 * {from_day, minute}), so that every moment belongs to exactly one report day whatever the
 * changes: the windows stay back to back (a day whose cut-off moves later is longer, one
 * whose cut-off moves earlier shorter). Counts are kept per report day when a record is
 * written (report_day of its moment), so a figure of any day is read, never scanned.
 */
#ifndef FK_REPORT_H
#define FK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { REPORT_CUTOFF_DEFAULT = 24 * 60, REPORT_SCHEDULE_MAX = 64 };

struct report_cutoff {
	int from_day; /* YYYYMMDD: the first report day this cut-off ends */
	int minute;   /* minute of the local day: 960 (16:00), 1080 (18:00), 1440 (24:00) */
};

/* A cut-off a county may choose: 16:00, 18:00 or 24:00. */
bool report_cutoff_ok(int minute);
/* The cut-off minute of day under the schedule (entries in increasing from_day; the last
 * one from on or before day counts; 24:00 before the first). */
int report_cutoff_of(const struct report_cutoff *s, size_t n, int day);
/* The instant that ends day's window. */
int64_t report_deadline(const struct report_cutoff *s, size_t n, int day);
/* The report day whose window holds instant t. */
int report_day(const struct report_cutoff *s, size_t n, int64_t t);

/* ---- the figures ---- */

/* The kept counts (report_count rows, by metric name), each per report day. */
enum report_metric {
	RM_PUSHED,         /* a verification task made in the area (list, form, handover) */
	RM_PUSHED_KEY,     /* … of a person from a key epidemic area */
	RM_VERIFIED,       /* a task closed with a result at the door (not a forward) */
	RM_FORWARDED,      /* a task forwarded out of the area */
	RM_OBS_STARTED,    /* a person placed under home observation */
	RM_OBS_ENDED,      /* an observation that ended: released or transferred */
	RM_OBS_RELEASED,   /* … released */
	RM_FEVER,          /* a fever alert raised */
	RM_REFERRED,       /* a fever alert referred to a clinic */
	RM_SERVICE_OPENED, /* a service request made */
	RM_SERVICE_DONE,   /* … delivered */
	RM_CP_VEHICLE,     /* a vehicle registered at a checkpoint of the area */
	RM_CP_PERSON,      /* a person registered there */
	RM_CP_TURNED_BACK, /* … turned back (劝返) */
	RM_CP_CLINIC,      /* … sent to a fever clinic */
	RM_CP_HANDOVER,    /* … handed over to the destination */
	RM_GATE_EXIT,      /* an exit let out at a gate of a closed area of the area */
	RM_GATE_REFUSED,   /* … a passing refused there */
	RM_DUTY_MATTER,    /* a call or report taken into a duty log of the area */
	RM__COUNT
};
/* "pushed", "pushed_key", … as stored; NULL past the end. */
const char *report_metric_name(enum report_metric m);
/* The metric of a stored name; -1 when unknown. */
int report_metric_of(const char *name);

/* What the figures of an area and day follow from: each metric's count in the day's window
 * (day) and up to its end (total), and the values read as of now for the current day
 * (frozen in a submitted report). */
struct report_counts {
	int64_t day[RM__COUNT], total[RM__COUNT];
	int64_t tasks_overdue;           /* open tasks past their deadline */
	int64_t to_place;                /* verified for observation, not placed */
	int64_t visits_due, visits_done; /* the day's required visit slots, and filled */
};

enum report_fig {
	RF_SCREENED_TOTAL,
	RF_SCREENED_NEW,
	RF_KEY_AREA_TOTAL,
	RF_KEY_AREA_NEW,
	RF_VERIFIED_TOTAL,
	RF_VERIFIED_NEW,
	RF_FORWARDED_NEW,
	RF_OBSERVATION_ACTIVE,
	RF_OBSERVATION_NEW,
	RF_OBSERVATION_RELEASED,
	RF_OBSERVATION_TOTAL,
	RF_FEVER_NEW,
	RF_FEVER_TOTAL,
	RF_REFERRED_NEW,
	RF_SERVICES_NEW,
	RF_SERVICES_DONE,
	RF_TASKS_OVERDUE,
	RF_TO_PLACE,
	RF_VISITS_DUE,
	RF_VISITS_DONE,
	RF_CP_VEHICLES_TOTAL,
	RF_CP_VEHICLES_NEW,
	RF_CP_PERSONS_TOTAL,
	RF_CP_PERSONS_NEW,
	RF_CP_TURNED_BACK_NEW,
	RF_CP_CLINIC_NEW,
	RF_CP_HANDOVER_NEW,
	RF_GATE_EXITS_NEW,
	RF_GATE_REFUSED_NEW,
	RF_DUTY_MATTERS_NEW,
	RF__COUNT
};

struct report_fig_def {
	const char *key; /* the API's and the table's key: "screened_total" */
	const char *zh, *en;
};
/* The figure's definition; NULL past the end. */
const struct report_fig_def *report_fig_def(enum report_fig f);
/* The figure of a key; -1 when unknown. */
int report_fig_of(const char *key);
/* Every figure from the counts. */
void report_figures(const struct report_counts *c, int64_t out[RF__COUNT]);

/* The records' figures of ndays consecutive report days (a trend) from their counts:
 * before[m] every count up to the first day's window, day[i][m] day i's. Cumulative figures
 * (the totals, under observation) run on from before; the values read as of now
 * (tasks_overdue, to_place, visits) are 0. */
void report_series(const int64_t before[RM__COUNT], const int64_t (*day)[RM__COUNT], size_t ndays,
		   int64_t (*fig)[RF__COUNT]);

/* ---- completeness and timeliness (DHIS2) ---- */

/* Percent of expected, one decimal (0 when nothing was expected): submitted ÷ expected is
 * completeness, submitted by the deadline ÷ expected timeliness. */
double report_rate(int64_t part, int64_t expected);
/* A report submitted at `at` for day is on time when at < report_deadline(day). */
bool report_on_time(const struct report_cutoff *s, size_t n, int day, int64_t at);

/* ---- the sentence of the briefing ---- */

/* "全县", "全市", "全区", "全镇", "全乡", "全街道", "全村", "全社区" from an area's official
 * name ("溧阳市" → "全市", "社渚镇" → "全镇", "社渚村村委会" → "全村"); "全辖区" otherwise. */
const char *report_area_word(const char *official_name);
/* The default subject of a county's sentence: "重点地区来" + the first character of its
 * name + "人员" ("溧阳市" → "重点地区来溧人员"), into out (at most cap bytes). */
void report_subject_default(const char *county_name, char *out, size_t cap);

struct report_sentence_in {
	const char *area_word; /* report_area_word */
	const char *subject;   /* "重点地区来溧人员" */
	int day, cutoff_minute;
	const int64_t *fig; /* RF__COUNT figures */
	bool en;
};
/* The briefing sentence in the register county offices use:
 * "截至2月5日16时，全市累计排查重点地区来溧人员1234人，今日新增12人；……尚未发现发热人员。"
 * "尚未发现发热人员" only when the day's fevers are really zero. Into out (cap bytes, cut at
 * a character); returns false when out was too small. */
bool report_sentence(const struct report_sentence_in *in, char *out, size_t cap);

#endif
