/* timeutil — clocks and ISO 8601. The store keeps UTC seconds since the epoch; the API
 * shows them as "2026-11-29T07:12:00Z". */
#ifndef FK_TIMEUTIL_H
#define FK_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define ISO_TIME_LEN 20 /* "YYYY-MM-DDTHH:MM:SSZ" without NUL */

int64_t time_now(void);       /* wall clock + offset, seconds */
/* Shifts time_now() (for drills and tests of deadlines: `serve --clock-offset`). */
void time_set_offset(int64_t seconds);
/* YYYYMMDD of t in Asia/Shanghai (UTC+8, no daylight saving), the users' calendar. */
int time_local_date(int64_t t);
int64_t time_mono_ms(void);   /* monotonic, milliseconds */
int64_t time_mono_us(void);
void time_iso(int64_t t, char out[ISO_TIME_LEN + 1]);
/* Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with optional "Z" or "±HH:MM"; as
 * UTC (without an offset). Fractions of a second are dropped. */
bool time_parse_iso(const char *s, int64_t *out);

#endif
