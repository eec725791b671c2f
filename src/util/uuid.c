#include "util/uuid.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

void uuid_v4(char out[UUID_LEN + 1])
{
	unsigned char r[16];

	struct timespec ts;
	uint64_t ms;

	randombytes_buf(r, sizeof r);
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 0; i < 6; i++)
		r[i] = (unsigned char)(ms >> (40 - 8 * i));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x70);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
		 r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
		 r[15]);
}
