/* duty — shifts, gaps, handovers and swaps of 24-hour duty: see duty.h. The calendar is
 * observation.h's (Asia/Shanghai, no daylight saving): a shift's instants are its date's
 * local midnight plus whole hours. */
#include "domain/duty.h"
#include "domain/phone.h"

#include <stdio.h>
#include <string.h>

#include "domain/observation.h"
#include "util/json.h"

enum { HOUR = 3600, DAY = 86400 };

bool duty_starts_valid(const int *starts, size_t n)
{
	if (n < 1 || n > DUTY_SHIFTS_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (starts[i] < 0 || starts[i] > 23 || (i && starts[i] <= starts[i - 1]))
			return false;
	return true;
}

bool duty_shift_of(const int *starts, size_t n, int date, int index, struct duty_shift *out)
{
	int64_t midnight;

	if (index < 0 || (size_t)index >= n || !obs_date_add(date, 0))
		return false;
	midnight = obs_midnight(date);
	out->date = date;
	out->index = index;
	out->start = midnight + (int64_t)starts[index] * HOUR;
	/* the last shift ends at the first start of the next day */
	out->end = (size_t)index + 1 < n ? midnight + (int64_t)starts[index + 1] * HOUR
					 : midnight + DAY + (int64_t)starts[0] * HOUR;
	return true;
}

struct duty_shift duty_shift_at(const int *starts, size_t n, int64_t t)
{
	int date = obs_local_date(t);
	int hour = (int)((t - obs_midnight(date)) / HOUR);
	struct duty_shift s = {0};
	int k = -1;

	for (size_t i = 0; i < n; i++)
		if (hour >= starts[i])
			k = (int)i;
	if (k < 0) /* before the first start: the last shift, begun the day before */
		duty_shift_of(starts, n, obs_date_add(date, -1), (int)n - 1, &s);
	else
		duty_shift_of(starts, n, date, k, &s);
	return s;
}

struct duty_shift duty_shift_next(const int *starts, size_t n, const struct duty_shift *s)
{
	struct duty_shift next = {0};

	if ((size_t)s->index + 1 < n)
		duty_shift_of(starts, n, s->date, s->index + 1, &next);
	else
		duty_shift_of(starts, n, obs_date_add(s->date, 1), 0, &next);
	return next;
}

bool duty_gap(bool leader, size_t officers)
{
	return !leader && officers == 0;
}

enum duty_ho duty_handover_state(int64_t now, int64_t end, bool handed, bool confirmed)
{
	if (handed && confirmed)
		return DUTY_HO_CONFIRMED;
	if (handed)
		return DUTY_HO_PENDING;
	return now < end ? DUTY_HO_NOT_DUE : DUTY_HO_MISSING;
}

const char *duty_handover_name(enum duty_ho h)
{
	static const char *const names[] = {"not_due", "missing", "pending", "confirmed"};

	return (unsigned)h < sizeof names / sizeof names[0] ? names[h] : "not_due";
}

bool duty_handover_open(int64_t now, int64_t start, int64_t end)
{
	int64_t from = end - DUTY_HANDOVER_BEFORE;

	/* a shift shorter than the window opens it at its start, not during the one before */
	if (from < start)
		from = start;
	return now >= from && now <= end + DUTY_HANDOVER_AFTER;
}

bool duty_swap_open(int64_t now, int64_t a, int64_t b)
{
	return now < (a < b ? a : b);
}

bool duty_slot_parse(const char *s, int *officer)
{
	if (!s)
		return false;
	if (!strcmp(s, "leader")) {
		*officer = -1;
		return true;
	}
	if (strncmp(s, "officer:", 8) || s[8] < '0' || s[8] >= '0' + DUTY_OFFICERS_MAX || s[9])
		return false;
	*officer = s[8] - '0';
	return true;
}

bool duty_name_valid(const char *s)
{
	size_t chars = 0;
	bool seen = false;
	unsigned cp;
	int len;

	if (!s)
		return false;
	for (; *s; s += len, chars++) {
		if (!(len = utf8_next(s, &cp)) || cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff)
			return false;
		if (cp != ' ' && cp != 0x3000)
			seen = true;
	}
	return seen && chars <= DUTY_NAME_MAX;
}

bool duty_log_kind_valid(const char *kind)
{
	static const char *const k[] = {"call", "report", "visit", "other", NULL};

	for (const char *const *p = k; kind && *p; p++)
		if (!strcmp(kind, *p))
			return true;
	return false;
}

bool duty_range_valid(int from, int to, int max_days)
{
	int next = obs_date_add(to, 1);

	/* the day after to bounds the read: it must be a date too (not past 9999-12-31) */
	return obs_date_add(from, 0) && obs_date_add(to, 0) && next && obs_date_add(next, 0) &&
	       next / 10000 <= 9999 && from <= to && obs_date_diff(from, to) < max_days;
}

int duty_week_monday(int date)
{
	/* days since 1970-01-01, a Thursday (3 days after a Monday) */
	int64_t days = (obs_midnight(date) + OBS_TZ_OFFSET) / DAY;
	int wd = (int)(((days + 3) % 7 + 7) % 7); /* 0: Monday */

	return obs_date_add(date, -wd);
}

void duty_iso(int64_t t, char out[DUTY_ISO_LEN + 1])
{
	int date = obs_local_date(t);
	int64_t s = t - obs_midnight(date);
	char buf[64];
	size_t len;

	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", date / 10000,
		 date / 100 % 100, date % 100, (int)(s / HOUR), (int)(s % HOUR / 60),
		 (int)(s % 60));
	len = strlen(buf);
	if (len > DUTY_ISO_LEN)
		len = DUTY_ISO_LEN;
	memcpy(out, buf, len);
	out[len] = '\0';
}

void duty_contact_mask(const char *in, char *out, size_t size)
{
	char mobile[PHONE_LEN + 1];
	size_t n = 0;

	if (!size)
		return;
	if (in && phone_normalize(in, mobile) && size > PHONE_LEN) {
		phone_mask(mobile, out);
		return;
	}
	for (const char *p = in ? in : ""; *p && n + 1 < size;) {
		size_t run = strspn(p, "0123456789");
		for (size_t i = 0; i < run && n + 1 < size; i++)
			out[n++] = run >= 7 && i >= 3 && i + 2 < run ? '*' : p[i];
		p += run;
		if (*p && n + 1 < size && !run)
			out[n++] = *p++;
	}
	out[n] = '\0';
}
