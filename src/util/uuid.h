/* uuid — UUIDs for objects the server creates itself: version 7 (48-bit Unix milliseconds,
 * then 74 random bits), so rows created together sit together in the B-trees keyed by them
 * instead of touching a random page each (bench/IMPORT.md, finding 2). Clients' UUIDs are
 * taken as they come. */
#ifndef FK_UUID_H
#define FK_UUID_H

#define UUID_LEN 36

void uuid_v4(char out[UUID_LEN + 1]); /* the name stays: callers only need a fresh UUID */

#endif
