/* closure — quota, verdict and pass numbers of a closed area: see closure.h. */
#include "domain/closure.h"

#include <sodium.h>
#include <string.h>

#include "domain/observation.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool closure_rules_valid(const struct closure_rules *r)
{
	return r->out_per >= 1 && r->out_per <= CLOSURE_OUT_MAX && r->every_days >= 1 &&
	       r->every_days <= CLOSURE_EVERY_MAX;
}

void closure_quota_span(const struct closure_rules *r, int day, int *lo, int *hi)
{
	*lo = obs_date_add(day, -(r->every_days - 1));
	*hi = obs_date_add(day, r->every_days - 1);
}

/* exits on days [from, to] */
static int exits_between(const struct closure_day_count *v, size_t n, int from, int to)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].day >= from && v[i].day <= to && v[i].n > 0)
			sum += v[i].n;
	return sum;
}

bool closure_quota_allows(const struct closure_rules *r, const struct closure_day_count *v,
			  size_t n, int day)
{
	for (int k = 0; k < r->every_days; k++) {
		int start = obs_date_add(day, -k), end = obs_date_add(start, r->every_days - 1);
		if (exits_between(v, n, start, end) >= r->out_per)
			return false;
	}
	return true;
}

int closure_next_allowed(const struct closure_rules *r, const struct closure_day_count *v, size_t n,
			 int from)
{
	for (int d = 0, day = from; d < CLOSURE_NEXT_SCAN && day; d++, day = obs_date_add(day, 1))
		if (closure_quota_allows(r, v, n, day))
			return day;
	return 0;
}

int closure_exits_in_window(const struct closure_rules *r, const struct closure_day_count *v,
			    size_t n, int day)
{
	return exits_between(v, n, obs_date_add(day, -(r->every_days - 1)), day);
}

const char *closure_reason_name(enum closure_reason r)
{
	static const char *const names[] = {
		"ok",      "closure_ended", "unknown",       "not_here",
		"revoked", "expired",       "not_yet_valid", "observation",
		"blocked", "fever",         "quota",
	};
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "unknown";
}

enum closure_reason closure_verdict(const struct closure_facts *f)
{
	bool temporary = f->kind && !strcmp(f->kind, "temporary");

	if (f->closure_ended)
		return CLOSURE_ENDED;
	if (!f->found)
		return CLOSURE_UNKNOWN;
	if (!f->here)
		return CLOSURE_NOT_HERE;
	if (f->revoked_at && f->revoked_at <= f->at)
		return CLOSURE_REVOKED;
	if (f->valid_to && f->at > f->valid_to)
		return CLOSURE_EXPIRED;
	if (f->valid_from && f->at < f->valid_from)
		return CLOSURE_NOT_YET;
	if (!f->out)
		return CLOSURE_OK;
	if (!temporary && f->observation)
		return CLOSURE_OBSERVATION;
	if (!temporary && f->blocked)
		return CLOSURE_BLOCKED;
	if (f->temp_dc >= CLOSURE_FEVER_DC)
		return CLOSURE_FEVER;
	if (f->kind && !strcmp(f->kind, "resident") && !f->quota_allows)
		return CLOSURE_QUOTA;
	return CLOSURE_OK;
}

bool closure_pass_kind_valid(const char *kind)
{
	return kind &&
	       (!strcmp(kind, "resident") || !strcmp(kind, "worker") || !strcmp(kind, "temporary"));
}

bool closure_temp_window_valid(int64_t from, int64_t to)
{
	return from > 0 && to > from && to - from <= (int64_t)CLOSURE_TEMP_DAYS * 86400;
}

bool closure_record_at_ok(int64_t at, int64_t now, bool offline)
{
	enum { SKEW_S = 300, LATE_S = 600, OFFLINE_LATE_S = 86400 };

	return at <= now + SKEW_S && (offline || at >= now - LATE_S) && at >= now - OFFLINE_LATE_S;
}

void closure_pass_from_bytes(const unsigned char b[CLOSURE_PASS_LEN],
			     char out[CLOSURE_PASS_LEN + 1])
{
	for (int i = 0; i < CLOSURE_PASS_LEN; i++)
		out[i] = alphabet[b[i] % 32];
	out[CLOSURE_PASS_LEN] = '\0';
}

void closure_pass_make(char out[CLOSURE_PASS_LEN + 1])
{
	unsigned char b[CLOSURE_PASS_LEN];

	randombytes_buf(b, sizeof b);
	closure_pass_from_bytes(b, out);
	sodium_memzero(b, sizeof b);
}

static char canonical(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'I' || c == 'L')
		return '1';
	if (c == 'O')
		return '0';
	return c && strchr(alphabet, c) ? c : '\0';
}

bool closure_pass_parse(const char *in, char out[CLOSURE_PASS_LEN + 1])
{
	size_t n = 0, len;

	if (!in || (len = strlen(in)) > 64)
		return false;
	while (*in == ' ')
		in++;
	if ((in[0] == 'F' || in[0] == 'f') && (in[1] == 'K' || in[1] == 'k') &&
	    (in[2] == 'P' || in[2] == 'p') && in[3] == ':')
		in += 4;
	for (; *in; in++) {
		char c;
		if (*in == '-' || *in == ' ')
			continue;
		if (!(c = canonical(*in)) || n == CLOSURE_PASS_LEN)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == CLOSURE_PASS_LEN;
}

void closure_pass_show(const char *number, char out[CLOSURE_PASS_LEN + 2])
{
	size_t n = strnlen(number, CLOSURE_PASS_LEN);

	memcpy(out, number, n < 5 ? n : 5);
	if (n <= 5) {
		out[n] = '\0';
		return;
	}
	out[5] = '-';
	memcpy(out + 6, number + 5, n - 5);
	out[n + 1] = '\0';
}
