/* xlsx_report — the day's report table as a city asks for it, one A4 page: a title, the
 * reporting unit, the date and cut-off, one row per area under it (with whether it
 * reported) and the total, the figures' columns, the briefing sentence, a 填报人/审核人
 * line, and who exported it when. Names are written as strings, never as formulas; the
 * figures as numbers.
 *
 * Ownership: the report is borrowed for the call; *data is the caller's (free()). */
#ifndef FK_XLSX_REPORT_H
#define FK_XLSX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xlsx_report_row {
	const char *name;    /* the area's name */
	const char *status;  /* "已报", "零报告", "未报" …, or "" */
	const int64_t *vals; /* ncols figures */
};

struct xlsx_report {
	const char *title;     /* "溧阳市疫情防控工作日报" */
	const char *unit_line; /* "填报单位：溧阳市" */
	const char *date_line; /* "日期：2026年12月1日（截至16时）" */
	const char *const *headers;
	size_t ncols;
	const struct xlsx_report_row *rows;
	size_t nrows;
	const struct xlsx_report_row *total; /* "合计" */
	const char *sentence;
	const char *footer; /* "导出：admin 2026-12-01 16:05" */
};

bool xlsx_report_build(const struct xlsx_report *r, char **data, size_t *len);

#endif
