/* xlsx_stream — see xlsx_stream.h. */
#include "io/xlsx_stream.h"

#include <stdlib.h>
#include <xlsxwriter.h>

#include "io/xlsx_mem.h"

#include "util/arena.h"

struct xlsx_stream {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t row; /* the current row (1: the first under the titles) */
	bool failed;
};

struct xlsx_stream *xlsx_stream_open(const char *path, const char *tmpdir, const char *sheet,
				     const char *const *titles, const double *widths, int ncols,
				     const char *author, const char *title)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir};
	lxw_doc_properties props = {.title = (char *)title, .author = (char *)author};
	struct xlsx_stream *x = xcalloc(1, sizeof *x);
	lxw_format *bold;

	x->wb = workbook_new_opt(path, &opt);
	if (!x->wb || !(x->ws = workbook_add_worksheet(x->wb, sheet))) {
		if (x->wb)
			xlsx_close(x->wb);
		free(x);
		return NULL;
	}
	workbook_set_properties(x->wb, &props);
	bold = workbook_add_format(x->wb);
	format_set_bold(bold);
	for (int c = 0; c < ncols; c++)
		if (widths && widths[c] > 0)
			worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	worksheet_freeze_panes(x->ws, 1, 0);
	for (int c = 0; c < ncols; c++)
		x->failed |= worksheet_write_string(x->ws, 0, (lxw_col_t)c, titles[c], bold) !=
			     LXW_NO_ERROR;
	x->row = 1;
	return x;
}

void xlsx_stream_text(struct xlsx_stream *x, int col, const char *s)
{
	if (s && *s)
		x->failed |= worksheet_write_string(x->ws, x->row, (lxw_col_t)col, s, NULL) !=
			     LXW_NO_ERROR;
}

void xlsx_stream_number(struct xlsx_stream *x, int col, double v)
{
	x->failed |= worksheet_write_number(x->ws, x->row, (lxw_col_t)col, v, NULL) != LXW_NO_ERROR;
}

void xlsx_stream_next(struct xlsx_stream *x)
{
	x->row++;
}

size_t xlsx_stream_rows(const struct xlsx_stream *x)
{
	return x->row - 1;
}

bool xlsx_stream_close(struct xlsx_stream *x)
{
	bool ok = !x->failed && xlsx_close(x->wb) == LXW_NO_ERROR;

	free(x);
	return ok;
}
