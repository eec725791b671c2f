/* cell — text that the server writes into a spreadsheet cell (CSV or XLSX), made inert.
 *
 * A spreadsheet program reads a CSV cell that begins with = + - @ (or a tab, CR or LF in
 * front of one) as a formula: =HYPERLINK(...) in a name a person typed into a form comes
 * back live in the issues download, and =cmd|... can run a program. The OWASP rule: such a
 * cell is written behind a single quote ', which Excel, WPS and LibreOffice show as text.
 *
 * What counts as live (cell_is_live), decided once for every writer:
 *  - the first character after leading spaces (ASCII space, U+3000, U+00A0) is = + - @,
 *    tab, CR or LF, or a full-width ＝ ＋ － ＠ (an IME types those, and some programs
 *    fold them);
 *  - except a number or phone number: an optional + or - followed by a digit and then only
 *    digits, spaces and hyphens (^[+-]?[0-9][0-9 -]*$). "+86 138-1234-5678" and "-5" stay
 *    as they are: digits, spaces and hyphens can name no function and no cell, so nothing
 *    can be called, and a quote would change the phone number a user copies back into an
 *    upload.
 * XLSX: cells are written with worksheet_write_string only (a string cell is never
 * evaluated), never worksheet_write_formula or worksheet_write on text from users; text from
 * users gets the same quote there, so that copying a cell into another sheet keeps it inert.
 *
 * Ownership: pure, nothing allocated. */
#ifndef FK_CELL_H
#define FK_CELL_H

#include <stdbool.h>

/* True when s, written as it is, would be read as a formula. NULL and "" are not. */
bool cell_is_live(const char *s);
/* The prefix to write before s in a cell: "'" when s is live, else "". */
const char *cell_prefix(const char *s);

#endif
