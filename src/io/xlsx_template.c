/* xlsx_template — see xlsx_template.h. */
#include "io/xlsx_template.h"
#include "io/xlsx_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "util/arena.h"

#define LISTS_SHEET "lists"

/* A drop-down on column c of the data rows, its values in column c of the lists sheet. */
static void drop_down(lxw_worksheet *ws, lxw_worksheet *lists, const struct xlsx_template *t,
		      lxw_row_t first, lxw_col_t c)
{
	const struct xlsx_template_col *col = &t->cols[c];
	lxw_data_validation dv = {0};
	char ref[64], colname[4];

	for (size_t i = 0; i < col->nchoices; i++)
		worksheet_write_string(lists, (lxw_row_t)i, c, col->choices[i], NULL);
	lxw_col_to_name(colname, c, false);
	snprintf(ref, sizeof ref, "='" LISTS_SHEET "'!$%s$1:$%s$%zu", colname, colname,
		 col->nchoices);
	dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
	dv.value_formula = ref;
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
	dv.error_title = "请从下拉列表选择";
	dv.error_message = "请从下拉列表中选择 / Choose from the list";
	if (col->prompt) {
		dv.input_title = (char *)col->header;
		dv.input_message = (char *)col->prompt;
	}
	worksheet_data_validation_range(ws, first, c, first + (lxw_row_t)t->rows - 1, c, &dv);
}

static bool write_book(const char *path, const struct xlsx_template *t)
{

	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws, *help, *lists = NULL;
	lxw_format *text, *bold, *title, *example;
	lxw_row_t row = 0;

	if (!wb)
		return false;
	ws = workbook_add_worksheet(wb, t->sheet);
	help = workbook_add_worksheet(wb, t->instructions_sheet);
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].nchoices && !lists) {
			lists = workbook_add_worksheet(wb, LISTS_SHEET);
			worksheet_hide(lists);
		}
	text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 14);
	format_set_align(title, LXW_ALIGN_CENTER);
	example = workbook_add_format(wb);
	format_set_font_color(example, LXW_COLOR_GRAY);
	format_set_italic(example);
	if (t->title) {
		worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)t->ncols - 1, t->title, title);
		row = 1;
	}
	for (lxw_col_t c = 0; c < t->ncols; c++) {
		const struct xlsx_template_col *col = &t->cols[c];
		worksheet_write_string(ws, row, c, col->header, bold);
		worksheet_set_column(ws, c, c, col->width > 0 ? col->width : 16,
				     col->text ? text : NULL);
		if (t->example)
			worksheet_write_string(ws, row + 1, c, t->example[c], example);
	}
	worksheet_freeze_panes(ws, row + 1, 0);
	for (lxw_col_t c = 0; c < t->ncols; c++)
		if (t->cols[c].nchoices)
			drop_down(ws, lists, t, row + 1, c);
	worksheet_set_column(help, 0, 0, 100, NULL);
	for (size_t i = 0; i < t->ninstructions; i++)
		worksheet_write_string(help, (lxw_row_t)i, 0, t->instructions[i], i ? NULL : bold);
	return xlsx_close(wb) == LXW_NO_ERROR;
}

static bool write_cb(const char *path, const void *arg)
{
	return write_book(path, arg);
}

bool xlsx_template_build(const struct xlsx_template *t, char **data, size_t *len)
{
	return xlsx_mem_build("fangkong-template", write_cb, t, data, len);
}

bool xlsx_template_is_example(const char *const *cells, size_t ncells)
{
	for (size_t i = 0; i < ncells; i++)
		if (cells[i] && !strncmp(cells[i], XLSX_EXAMPLE_MARK, strlen(XLSX_EXAMPLE_MARK)))
			return true;
	return false;
}
