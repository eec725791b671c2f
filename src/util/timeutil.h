/* timeutil — clocks and ISO 8601. The store keeps UTC seconds since the epoch; the API
 * shows them as "2026-11-29T07:12:00Z". */
#ifndef FK_TIMEUTIL_H
#define FK_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define ISO_TIME_LEN 20 /* "YYYY-MM-DDTHH:MM:SSZ" without NUL */

int64_t time_now(void);       /* wall clock, seconds */
int64_t time_mono_ms(void);   /* monotonic, milliseconds */
int64_t time_mono_us(void);
void time_iso(int64_t t, char out[ISO_TIME_LEN + 1]);
/* Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" with optional "Z"; as UTC. */
bool time_parse_iso(const char *s, int64_t *out);

#endif
