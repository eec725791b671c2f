#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t offset;

void time_set_offset(int64_t seconds) { offset = seconds; }

int64_t time_now(void) { return (int64_t)time(NULL) + offset; }

int time_local_date(int64_t t)
{
	time_t tt = (time_t)(t + 8 * 3600);
	struct tm tm;

	gmtime_r(&tt, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int64_t time_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t time_mono_ms(void) { return time_mono_us() / 1000; }

void time_iso(int64_t t, char out[ISO_TIME_LEN + 1])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, ISO_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int month_days(int y, int mo)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mo == 2 && leap ? 29 : days[mo - 1];
}

/* The epoch itself ("1970-01-01T00:00:00Z") is a valid time, 0: callers that treat 0 as
 * "absent" must ask whether the field came, not whether the time is 0. */
bool time_parse_iso(const char *s, int64_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, off = 0;
	size_t n = s ? strlen(s) : 0;

	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	s += 10;
	if (*s == 'T' || *s == ' ') {
		if (!digits(s + 1, 2, &h) || s[3] != ':' || !digits(s + 4, 2, &mi))
			return false;
		s += 6;
		if (*s == ':') {
			if (!digits(s + 1, 2, &sec))
				return false;
			s += 3;
			if (*s == '.') { /* fractions of a second (JavaScript's toISOString): dropped */
				int nd = 0;
				while (s[1 + nd] >= '0' && s[1 + nd] <= '9' && nd < 9)
					nd++;
				if (!nd)
					return false;
				s += 1 + nd;
			}
		}
	}
	if (*s == 'Z') {
		s++;
	} else if ((*s == '+' || *s == '-') && digits(s + 1, 2, &oh) && s[3] == ':' &&
		   digits(s + 4, 2, &om) && oh <= 14 && om <= 59) {
		off = (*s == '+' ? 1 : -1) * (oh * 3600 + om * 60);
		s += 6;
	}
	if (*s || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
	    mi > 59 || sec > 60)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm) - off;
	return true;
}
