/* checkpoint — kinds, outcomes and shifts of a checkpoint: see checkpoint.h. */
#include "domain/checkpoint.h"

#include <stdio.h>
#include <string.h>

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

bool checkpoint_kind_valid(const char *kind)
{
	static const char *const k[] = {"highway", "border", "road", "village", "other", NULL};
	return one_of(kind, k);
}

bool checkpoint_vehicle_valid(const char *kind)
{
	static const char *const k[] = {"car", "bus", "truck", "other", NULL};
	return one_of(kind, k);
}

bool checkpoint_direction_valid(const char *dir)
{
	static const char *const k[] = {"in", "out", NULL};
	return one_of(dir, k);
}

bool checkpoint_outcome_valid(const char *outcome)
{
	static const char *const k[] = {"passed", "turned_back", "clinic", "handover", NULL};
	return one_of(outcome, k);
}

const char *checkpoint_propose(int temp_dc, int fever_dc, bool key_area, bool plate_key_area,
			       bool inbound)
{
	if (temp_dc > 0 && temp_dc >= fever_dc)
		return "clinic";
	if (inbound && (key_area || plate_key_area))
		return "handover";
	return "passed";
}

size_t checkpoint_shifts_parse(const char *text, int starts[CHECKPOINT_SHIFTS])
{
	size_t n = 0;
	const char *p = text;

	if (!p || !*p)
		return 0;
	for (;;) {
		int h = 0, digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 3) {
			h = h * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits || h > 23 || n == CHECKPOINT_SHIFTS || (n && h <= starts[n - 1]))
			return 0;
		starts[n++] = h;
		if (!*p)
			return n;
		if (*p++ != ',')
			return 0;
	}
}

void checkpoint_shifts_text(const int *starts, size_t n, char *buf, size_t sz)
{
	size_t len = 0;

	if (sz)
		*buf = '\0';
	for (size_t i = 0; i < n && len < sz; i++) {
		int w = snprintf(buf + len, sz - len, "%s%d", i ? "," : "", starts[i]);
		if (w < 0)
			return;
		len += (size_t)w;
	}
}

int checkpoint_shift_of(const int *starts, size_t n, int hour)
{
	int k = (int)n; /* before the first start: the last shift, begun the day before */

	for (size_t i = 0; i < n; i++)
		if (hour >= starts[i])
			k = (int)i + 1;
	return k;
}

void checkpoint_shift_hours(const int *starts, size_t n, int k, int *from, int *to, int *next_to)
{
	*from = starts[k - 1];
	*next_to = 0;
	if ((size_t)k < n) {
		*to = starts[k];
		return;
	}
	*to = 24;
	*next_to = starts[0];
}
