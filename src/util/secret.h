/* secret — the server's sealing key and the self-report tokens of contact cards.
 *
 * A token is 128 random bits written as 22 characters of base64url. The database keeps
 * its SHA-256 (hex) for lookup, and a copy sealed with the server key (XSalsa20-Poly1305,
 * libsodium secretbox) so that a card can be printed again; the key lives in a file beside
 * the database (mode 0600), never in it, so a copy of the database alone opens no link. */
#ifndef FK_SECRET_H
#define FK_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_KEY_LEN 32
#define TOKEN_LEN 22
#define TOKEN_HASH_LEN 64
#define TOKEN_BOX_LEN 112 /* base64url of nonce + MAC + token, generous */

/* Reads the key at path, creating it (random, 0600, fsynced) when missing. */
bool secret_key_load(const char *path, unsigned char key[SECRET_KEY_LEN]);
/* A fresh token, its hash and its sealed copy. */
void token_new(const unsigned char key[SECRET_KEY_LEN], char token[TOKEN_LEN + 1],
	       char hash[TOKEN_HASH_LEN + 1], char box[TOKEN_BOX_LEN + 1]);
/* The hash of a token as given by a client; false when it is not token-shaped. */
bool token_hash(const char *token, char hash[TOKEN_HASH_LEN + 1]);
/* Opens a sealed copy; false when the key does not fit (another server's box). */
bool token_open(const unsigned char key[SECRET_KEY_LEN], const char *box,
		char token[TOKEN_LEN + 1]);

#endif
