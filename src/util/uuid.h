/* uuid — random (version 4) UUIDs for objects the server creates itself. */
#ifndef FK_UUID_H
#define FK_UUID_H

#define UUID_LEN 36

void uuid_v4(char out[UUID_LEN + 1]);

#endif
