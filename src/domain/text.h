/*
 * text — normalising what people type into Excel, WPS and phone forms.
 *
 * Cells arrive with full-width letters and digits from a Chinese IME, the
 * ideographic space, non-breaking spaces pasted from web pages, tabs and line
 * breaks (Alt+Enter in Excel), zero-width characters from WeChat and a BOM at
 * the start of a CSV. text_normalize folds all of that to one canonical form so
 * that the parsers behind it (ID numbers, dates, addresses) see plain ASCII
 * where ASCII was meant.
 *
 * Ownership: pure. Nothing is allocated; the caller owns `out`. Inputs are
 * borrowed for the call.
 */
#ifndef FANGKONG_DOMAIN_TEXT_H
#define FANGKONG_DOMAIN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the normal form of the NUL-terminated UTF-8 string `in` to out
 * (outsz bytes including the NUL) and returns its length in bytes:
 *  - full-width ASCII U+FF01–FF5E becomes the ASCII character U+0021–007E;
 *  - U+3000, U+00A0, tab, CR, LF, VT and FF become a space; runs of spaces
 *    collapse to one; leading and trailing spaces are trimmed;
 *  - U+200B–200D and U+FEFF (BOM), other C0 controls and DEL are removed;
 *  - bytes that are not valid UTF-8 (stray continuation bytes, overlong forms,
 *    surrogates, code points above U+10FFFF, cut sequences) are removed.
 * Output that does not fit is cut at a character boundary, never inside a
 * UTF-8 sequence, and never ends in a space. out is always NUL-terminated when
 * outsz > 0; NULL in is treated as "". Returns 0 when out is NULL or outsz 0. */
size_t text_normalize(const char *in, char *out, size_t outsz);

/* True when the len bytes at s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). NUL bytes count as valid
 * characters. False for NULL s unless len is 0. */
bool text_valid_utf8(const char *s, size_t len);

/* True when s has at most max bytes before its NUL. Reads at most max + 1 bytes, so a
 * client's string is measured against its cap without running past it. */
bool text_fits(const char *s, size_t max);

#endif
