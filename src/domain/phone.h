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

#endif
