/*
 * phone — mainland China mobile numbers (1[3-9] followed by 9 digits).
 *
 * Numbers arrive typed on phones, pasted from WeChat or read from Excel, so the
 * normaliser forgives the usual decorations (spaces, hyphens, +86/0086, and the
 * full-width forms a Chinese IME produces) and stores the bare 11 digits.
 *
 * Ownership: pure functions. Nothing is allocated; the caller owns `out`, which
 * must hold PHONE_LEN + 1 bytes. Inputs are borrowed for the call.
 */
#ifndef FANGKONG_DOMAIN_PHONE_H
#define FANGKONG_DOMAIN_PHONE_H

#include <stdbool.h>

#define PHONE_LEN 11
#define PHONE_INPUT_MAX 64 /* longest input accepted, in bytes without NUL */

/* Writes the bare 11-digit number to out and returns true when `in` is a
 * mainland mobile number after folding full-width digits, plus, hyphen and
 * space (U+FF10–FF19, U+FF0B, U+FF0D, U+3000) to ASCII, removing spaces and
 * hyphens, and removing one leading "+86", "0086", or "86" (the last only when
 * 11 digits follow). On false, out is the empty string (when out is not NULL).
 * False for NULL, empty, longer than PHONE_INPUT_MAX bytes, or anything else. */
bool phone_normalize(const char *in, char out[PHONE_LEN + 1]);

/* Writes "138****5678" for an 11-digit ASCII number, otherwise "****"
 * (also for NULL). Used wherever a role does not need the full number. */
void phone_mask(const char *phone, char out[PHONE_LEN + 1]);

/* Longest stored office phone: "0519-87654321-123456". */
#define PHONE_OFFICE_MAX 20

/* The phone of an office or a duty post: a mobile (stored as phone_normalize
 * stores it) or a fixed line — an area code (010, 02x: three digits; else four,
 * starting 0), a local number of 7 or 8 digits not starting 0 or 1, and an
 * optional extension of 1–6 digits after '-', '转', '分机', '#' or "ext". Accepts
 * "0519-87654321", "0519 8765 4321", "(0519)87654321", "051987654321",
 * "0519-87654321-802", "0519-87654321转802" (and their full-width forms), all
 * stored as "0519-87654321" or "0519-87654321-802". A mobile with an extension,
 * letters, a stray parenthesis and short numbers are refused. On false, out is
 * the empty string (when out is not NULL). */
bool phone_office_normalize(const char *in, char out[PHONE_OFFICE_MAX + 1]);

#endif
