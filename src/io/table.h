/* table — finds the header row of a list of returnees and maps its columns to fields.
 *
 * Headers are matched on a folded form: full-width to ASCII, spaces, punctuation and
 * bracketed notes dropped, ASCII lower-cased ("身份证号码（必填）：" → "身份证号码",
 * "ID No." → "idno"), then looked up in a fixed list of the names county staff actually
 * use, Chinese and English. The stable API names ("id_number") match too, so a file we
 * exported reads back. Pure functions; nothing allocated. */
#ifndef FK_TABLE_H
#define FK_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "io/sheet.h"

enum table_field {
	TF_NONE = 0,
	TF_NAME,
	TF_ID_NUMBER,
	TF_ID_TYPE,
	TF_PHONE,
	TF_ORIGIN,       /* 来源地 / 出发地 / 从何地来 */
	TF_ARRIVAL_DATE, /* 返乡时间 / 到达日期 / 抵达时间 */
	TF_TRANSPORT,    /* 交通方式 */
	TF_TRANSPORT_NO, /* 车次 / 航班号 / 车牌号 */
	TF_ADDRESS,      /* 现住址 / 居住地址 / 详细地址 */
	TF_TOWNSHIP,
	TF_VILLAGE,
	TF_SEX,
	TF_AGE,
	TF_NOTE, /* 备注 */
	TF__COUNT
};

/* Stable API name: "name", "id_number", …; "none" for TF_NONE and out-of-range values. */
const char *table_field_name(enum table_field f);

/* The field of an API name; TF_NONE when unknown or NULL. */
enum table_field table_field_parse(const char *api_name);

/* The field a header cell names, TF_NONE when none (NULL and "" included). */
enum table_field table_header_match(const char *header_cell);

/* Whether row is the header: at least two cells name distinct fields, one of them name or
 * id_number. A title row above (one merged cell) is not. map_out receives the field of
 * each of the first min(ncells, cap) cells and TF_NONE up to cap; a field named twice maps
 * its first column only. When the answer is false map_out is all TF_NONE. */
bool table_is_header(const struct sheet_row *row, enum table_field *map_out, size_t cap);

#endif
