/* xlsx_template — the .xlsx templates people fill in for an import: the list sheet first
 * (an optional title row, the header, one example row marked 示例 in its last column), a
 * sheet of instructions, and drop-downs (Excel data validation) on the columns that take
 * one of a list, whose values live on a hidden sheet so that a list of any length works.
 *
 * Cells are written as strings only, never as formulas (io/cell.h). libxlsxwriter writes
 * only to a named file, so the workbook is an anonymous file in memory (memfd) reached by
 * its /proc/self/fd name: nothing is written to /tmp or left behind.
 *
 * Ownership: the template is borrowed for the call; *data is the caller's (free()). */
#ifndef FK_XLSX_TEMPLATE_H
#define FK_XLSX_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

/* The text an example row carries in its marker column; an import skips a row whose
 * cells start with XLSX_EXAMPLE_MARK (xlsx_template_is_example). */
#define XLSX_EXAMPLE_MARK "示例"

struct xlsx_template_col {
	const char *header;
	double width;               /* characters; 0: 16 */
	bool text;                  /* formatted as text (IDs, phones: Excel keeps every digit) */
	const char *const *choices; /* a drop-down of these values, or NULL */
	size_t nchoices;
	const char *prompt; /* shown when a cell of the column is selected, or NULL */
};

struct xlsx_template {
	const char *sheet; /* the list sheet's name */
	const char *title; /* a title row above the header, or NULL */
	const struct xlsx_template_col *cols;
	size_t ncols;
	const char *const *example; /* ncols cells of the example row, or NULL */
	const char *instructions_sheet;
	const char *const *instructions; /* lines of the instructions sheet */
	size_t ninstructions;
	size_t rows; /* data rows the drop-downs cover */
};

/* Builds the workbook into *data (*len bytes); false when it cannot. */
bool xlsx_template_build(const struct xlsx_template *t, char **data, size_t *len);

/* Whether a row of ncells cells is a template's example row: one of its cells starts with
 * XLSX_EXAMPLE_MARK. */
bool xlsx_template_is_example(const char *const *cells, size_t ncells);

#endif
