/* pwhash — password hashing with argon2id (libsodium crypto_pwhash_str at the INTERACTIVE
 * limits: 64 MiB, 2 passes), and random initial passwords. */
#ifndef FK_PWHASH_H
#define FK_PWHASH_H

#include <stdbool.h>
#include <sodium.h>

#define PWHASH_LEN crypto_pwhash_STRBYTES
#define INITIAL_PASSWORD_LEN 14

/* false only when memory for the hash cannot be had. */
bool pwhash_make(const char *password, char out[PWHASH_LEN]);
bool pwhash_verify(const char *hash, const char *password);
/* Spends the same time as a verify, so unknown usernames answer as slowly as known ones. */
void pwhash_dummy_verify(const char *password);
/* 14 characters from an alphabet without look-alikes (no 0/O, 1/l/I), grouped for reading. */
void pwhash_initial(char out[INITIAL_PASSWORD_LEN + 1]);

#endif
