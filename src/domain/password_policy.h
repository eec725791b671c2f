/*
 * password_policy — is a chosen password acceptable?
 *
 * Rules (GB/T 35273, MLPS 2.0 level 3, NIST SP 800-63B in spirit): at least
 * PASSWORD_MIN_CHARS Unicode characters, at most PASSWORD_MAX_BYTES bytes of
 * valid UTF-8 without control characters, not a well-known password or an
 * obvious pattern, and not containing the account's username. No composition
 * rules ("one upper-case, one symbol"): they push people to Passw0rd!.
 *
 * Ownership: pure. Nothing is allocated, nothing is kept; both strings are
 * borrowed for the call. The password is copied only into stack buffers.
 */
#ifndef FANGKONG_DOMAIN_PASSWORD_POLICY_H
#define FANGKONG_DOMAIN_PASSWORD_POLICY_H

enum password_verdict {
	PASSWORD_OK = 0,
	PASSWORD_TOO_SHORT,     /* fewer than PASSWORD_MIN_CHARS code points (or NULL) */
	PASSWORD_TOO_LONG,      /* more than PASSWORD_MAX_BYTES bytes */
	PASSWORD_COMMON,        /* on the common list, or a repeat/sequence pattern */
	PASSWORD_LIKE_USERNAME, /* contains the username, ignoring case */
	PASSWORD_BAD_ENCODING,  /* invalid UTF-8 or a control character */
};

#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_BYTES 128
#define PASSWORD_USERNAME_MIN_CHARS 3 /* shorter usernames are not looked for */

/* Checks in the order: length in bytes, encoding, length in characters,
 * common, username; returns the first failure. username may be NULL or empty
 * (no username check); usernames shorter than 3 characters are not checked. */
enum password_verdict password_check(const char *password, const char *username);

#endif
