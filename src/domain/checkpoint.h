/* checkpoint — the rules of a checkpoint (卡口) that need no data: its kinds, a vehicle's
 * kind and direction, the outcome proposed for a person, and its shifts.
 *
 * A day is divided into shifts that start at whole hours (default 08:00 and 20:00); the
 * last shift runs past midnight to the first start of the next day, so that a passage at
 * 02:00 belongs to the night shift that began the evening before. Pure. */
#ifndef FK_CHECKPOINT_H
#define FK_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>

enum { CHECKPOINT_SHIFTS = 4 }; /* at most, a day */

/* "highway", "border", "road", "village", "other" */
bool checkpoint_kind_valid(const char *kind);
/* "car", "bus", "truck", "other" */
bool checkpoint_vehicle_valid(const char *kind);
/* "in", "out" */
bool checkpoint_direction_valid(const char *dir);
/* "passed", "turned_back", "clinic", "handover" */
bool checkpoint_outcome_valid(const char *outcome);

/* What the rules propose for a person: a reading at or above fever_dc (tenths of °C) is
 * "clinic"; else an arrival (inbound) from a key area, or in a car whose plate is from one,
 * is "handover"; else "passed". */
const char *checkpoint_propose(int temp_dc, int fever_dc, bool key_area, bool plate_key_area,
			       bool inbound);

/* Reads "8,20" (1..CHECKPOINT_SHIFTS whole hours 0–23, ascending) into starts; the count,
 * 0 when malformed. */
size_t checkpoint_shifts_parse(const char *text, int starts[CHECKPOINT_SHIFTS]);
/* The shifts as text ("8,20") into buf. */
void checkpoint_shifts_text(const int *starts, size_t n, char *buf, size_t sz);
/* The shift (1..n) an hour (0–23) of a day belongs to: the last start at or before it, or
 * the last shift (begun the day before) for an hour before the first start. */
int checkpoint_shift_of(const int *starts, size_t n, int hour);
/* The hours of shift k (1..n) that began on a day: [from, to) of that day, and when it
 * runs past midnight, [0, next_to) of the next day (next_to 0: none). */
void checkpoint_shift_hours(const int *starts, size_t n, int k, int *from, int *to, int *next_to);

#endif
