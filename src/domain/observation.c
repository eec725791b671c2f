/*
 * observation — see observation.h. Calendar arithmetic goes through a day count from
 * 1970-01-01 (Howard Hinnant's days_from_civil), so month ends, leap years and the Spring
 * Festival of 2020 (2020-01-25) need no special cases.
 */
#include "domain/observation.h"

#include <math.h>
#include <string.h>

#define DAY_SECONDS 86400
#define VISIT_FUTURE_SLACK 300

void obs_policy_default(struct obs_policy *p)
{
	memset(p, 0, sizeof *p);
	p->days = 14;
	p->fever_dc = 373;
	p->temp_min_dc = 340;
	p->temp_max_dc = 425;
	p->start_back_days = 14;
	p->nslots = 2;
	p->slots[0] = (struct obs_slot){"morning", 0, 12 * 60};
	p->slots[1] = (struct obs_slot){"evening", 12 * 60, 21 * 60};
}

/* ---- calendar ---- */

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int civil_from_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

static bool split(int date, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	*y = date / 10000;
	*m = date / 100 % 100;
	*d = date % 100;
	if (*y < 1900 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return false;
	bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *m != 2 || *d <= 28 || leap;
}

static int64_t day_index(int date)
{
	int y, m, d;
	if (!split(date, &y, &m, &d))
		return INT32_MIN;
	return days_from_civil(y, m, d);
}

int obs_date_add(int date, int n)
{
	int64_t z = day_index(date);
	return z == INT32_MIN ? 0 : civil_from_days(z + n);
}

int obs_date_diff(int a, int b) { return (int)(day_index(b) - day_index(a)); }

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

int obs_local_date(int64_t t) { return civil_from_days(floor_div(t + OBS_TZ_OFFSET, DAY_SECONDS)); }

int64_t obs_midnight(int date) { return day_index(date) * DAY_SECONDS - OBS_TZ_OFFSET; }

/* ---- the period and its slots ---- */

int obs_slot_of(const struct obs_policy *p, int64_t t)
{
	int64_t local = t + OBS_TZ_OFFSET;
	int minute = (int)((local - floor_div(local, DAY_SECONDS) * DAY_SECONDS) / 60);
	int k = 0;

	for (int i = 0; i < p->nslots; i++)
		if (p->slots[i].from_min <= minute)
			k = i;
	return k;
}

int64_t obs_slot_deadline(const struct obs_policy *p, int date, int slot)
{
	return obs_midnight(date) + (int64_t)p->slots[slot].deadline_min * 60;
}

unsigned obs_required(const struct obs_policy *p, const struct obs_period *per, int date)
{
	unsigned mask = 0;

	if (date < per->start_date || date >= per->end_date)
		return 0;
	for (int k = 0; k < p->nslots; k++) {
		int64_t dl = obs_slot_deadline(p, date, k);
		if (dl > per->began_at && (!per->ended_at || dl <= per->ended_at))
			mask |= 1u << k;
	}
	return mask;
}

unsigned obs_overdue(const struct obs_policy *p, const struct obs_period *per, int date,
		     unsigned filled, int64_t now)
{
	unsigned open = obs_required(p, per, date) & ~filled, mask = 0;

	for (int k = 0; k < p->nslots; k++)
		if ((open & (1u << k)) && obs_slot_deadline(p, date, k) <= now)
			mask |= 1u << k;
	return mask;
}

int64_t obs_next_deadline(const struct obs_policy *p, const struct obs_period *per, int date,
			  unsigned filled, int64_t now)
{
	unsigned open = obs_required(p, per, date) & ~filled;

	for (int k = 0; k < p->nslots; k++) {
		int64_t dl = obs_slot_deadline(p, date, k);
		if ((open & (1u << k)) && dl > now)
			return dl;
	}
	return 0;
}

int obs_day_number(const struct obs_period *per, int date)
{
	if (date < per->start_date || date >= per->end_date)
		return 0;
	return obs_date_diff(per->start_date, date) + 1;
}

void obs_day_contrib(const struct obs_policy *p, unsigned required, unsigned filled,
		     struct obs_day_counts *out)
{
	memset(out, 0, sizeof *out);
	if (!required)
		return;
	out->due = 1;
	out->complete = (required & ~filled) == 0;
	for (int k = 0; k < p->nslots; k++) {
		out->req[k] = (required >> k) & 1u;
		out->fill[k] = (required & filled) >> k & 1u;
	}
}

/* ---- checks ---- */

bool obs_start_valid(const struct obs_policy *p, int start_date, int today)
{
	int back = obs_date_diff(start_date, today);
	return day_index(start_date) != INT32_MIN && back >= 0 && back <= p->start_back_days;
}

bool obs_end_valid(int start_date, int end_date, int today)
{
	return day_index(end_date) != INT32_MIN && day_index(start_date) != INT32_MIN &&
	       end_date > start_date && end_date >= today &&
	       day_index(end_date) - day_index(start_date) <= OBS_PERIOD_MAX_DAYS;
}

bool obs_visit_time_valid(const struct obs_period *per, int64_t at, int64_t now)
{
	return at >= obs_midnight(per->start_date) && at <= now + VISIT_FUTURE_SLACK;
}

bool obs_release_due(const struct obs_period *per, int today, bool alert_open)
{
	return !per->ended_at && today >= per->end_date && !alert_open;
}

bool obs_temp_valid(const struct obs_policy *p, int dc)
{
	return dc >= p->temp_min_dc && dc <= p->temp_max_dc;
}

int obs_temp_from_celsius(double c)
{
	if (!isfinite(c) || c < 0 || c > 1000)
		return 0;
	return (int)lround(c * 10.0);
}

bool obs_is_fever(const struct obs_policy *p, int temp_dc, unsigned symptoms)
{
	return (temp_dc && temp_dc >= p->fever_dc) || symptoms != 0;
}

bool obs_state_contradicts(const struct obs_policy *p, bool saw_state, int temp_dc,
			   unsigned symptoms)
{
	return saw_state && obs_is_fever(p, temp_dc, symptoms);
}

/* ---- vocabularies ---- */

static const char *const symptoms[OBS_NSYMPTOMS] = {
	"fever", "cough", "fatigue", "sore_throat", "short_breath", "diarrhoea", "other",
};

unsigned obs_symptom_parse(const char *code)
{
	for (size_t i = 0; code && i < OBS_NSYMPTOMS; i++)
		if (!strcmp(code, symptoms[i]))
			return 1u << i;
	return 0;
}

const char *obs_symptom_code(size_t i) { return i < OBS_NSYMPTOMS ? symptoms[i] : NULL; }

const char *const obs_kinds[] = {"home_observation", "home_isolation", "central_isolation", NULL};
const char *const obs_modes[] = {"in_person", "video", "phone", "self", NULL};
const char *const obs_destinations[] = {"fever_clinic", "designated_hospital", NULL};
const char *const obs_results[] = {"excluded", "suspected", "confirmed", "hospitalised", NULL};
const char *const obs_service_kinds[] = {"shopping", "meals", "medicine", "rubbish", "other", NULL};

bool obs_in(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

bool obs_service_move_ok(const char *from, const char *to)
{
	bool open = !strcmp(from, "new") || !strcmp(from, "accepted");

	if (!strcmp(to, "accepted"))
		return !strcmp(from, "new");
	if (!strcmp(to, "delivered") || !strcmp(to, "cancelled"))
		return open;
	return false;
}

int obs_urgency_cmp(const struct obs_urgency *a, const struct obs_urgency *b)
{
	if (a->alert != b->alert)
		return a->alert ? -1 : 1;
	if (a->overdue != b->overdue)
		return a->overdue > b->overdue ? -1 : 1;
	if (a->next_deadline != b->next_deadline) {
		if (!a->next_deadline || !b->next_deadline)
			return a->next_deadline ? -1 : 1;
		return a->next_deadline < b->next_deadline ? -1 : 1;
	}
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}
