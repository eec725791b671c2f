/* xlsx_report — see xlsx_report.h. The layout follows county tables of 2020 (靖江's of
 * 2020-02-06): a merged title, the unit and date lines, a header row, a row per township
 * and the total in bold, then the sentence and the signature line, printed landscape on
 * one A4 page (fit to one page wide and tall). */
#include "io/xlsx_report.h"

#include <xlsxwriter.h>

#include "io/xlsx_mem.h"

static bool write_book(const char *path, const void *arg)
{
	const struct xlsx_report *r = arg;
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws;
	lxw_format *title, *head, *cell, *num, *bold_cell, *bold_num, *wrap;
	lxw_row_t row = 0;
	lxw_col_t last = (lxw_col_t)(r->ncols + 1); /* 单位, 报送, figures */

	if (!wb)
		return false;
	ws = workbook_add_worksheet(wb, "日报");
	title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 16);
	format_set_align(title, LXW_ALIGN_CENTER);
	format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_text_wrap(head);
	format_set_align(head, LXW_ALIGN_CENTER);
	format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
	cell = workbook_add_format(wb);
	format_set_border(cell, LXW_BORDER_THIN);
	num = workbook_add_format(wb);
	format_set_border(num, LXW_BORDER_THIN);
	format_set_num_format(num, "0");
	bold_cell = workbook_add_format(wb);
	format_set_border(bold_cell, LXW_BORDER_THIN);
	format_set_bold(bold_cell);
	bold_num = workbook_add_format(wb);
	format_set_border(bold_num, LXW_BORDER_THIN);
	format_set_bold(bold_num);
	format_set_num_format(bold_num, "0");
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

	worksheet_merge_range(ws, row, 0, row, last, r->title, title);
	worksheet_set_row(ws, row++, 30, NULL);
	worksheet_write_string(ws, row, 0, r->unit_line, NULL);
	worksheet_write_string(ws, row++, (lxw_col_t)(last > 4 ? last - 3 : 2), r->date_line, NULL);
	worksheet_write_string(ws, row, 0, "单位", head);
	worksheet_write_string(ws, row, 1, "报送", head);
	for (size_t c = 0; c < r->ncols; c++)
		worksheet_write_string(ws, row, (lxw_col_t)(c + 2), r->headers[c], head);
	worksheet_set_row(ws, row++, 45, NULL);
	for (size_t i = 0; i <= r->nrows; i++) {
		const struct xlsx_report_row *x = i < r->nrows ? &r->rows[i] : r->total;
		bool total = i == r->nrows;
		if (!x)
			break;
		worksheet_write_string(ws, row, 0, x->name, total ? bold_cell : cell);
		worksheet_write_string(ws, row, 1, x->status ? x->status : "",
				       total ? bold_cell : cell);
		for (size_t c = 0; c < r->ncols; c++)
			worksheet_write_number(ws, row, (lxw_col_t)(c + 2), (double)x->vals[c],
					       total ? bold_num : num);
		row++;
	}
	row++;
	worksheet_merge_range(ws, row, 0, row, last, r->sentence, wrap);
	worksheet_set_row(ws, row++, 60, NULL);
	row++;
	worksheet_write_string(ws, row, 0, "填报人：", NULL);
	worksheet_write_string(ws, row, (lxw_col_t)(last > 4 ? last / 2 : 2), "审核人：", NULL);
	row += 2;
	worksheet_write_string(ws, row, 0, r->footer, NULL);
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 1, 7, NULL);
	worksheet_set_column(ws, 2, last, 9, NULL);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 1);
	worksheet_print_area(ws, 0, 0, row, last);
	return xlsx_close(wb) == LXW_NO_ERROR;
}

bool xlsx_report_build(const struct xlsx_report *r, char **data, size_t *len)
{
	return xlsx_mem_build("fangkong-report", write_book, r, data, len);
}
