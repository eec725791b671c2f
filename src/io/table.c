/* table — header matching by exact lookup of a folded key in a synonym list.
 *
 * Exact rather than "contains" matching on purpose: 姓名 is in 联系人姓名 and 户主姓名, 地址
 * is in 户籍地址, and taking the emergency contact's name or the registered address for the
 * returnee's would be worse than asking the user to map the column by hand. Folding
 * (text_normalize, then dropping spaces, punctuation and bracketed notes) absorbs what
 * people add around a name: "*姓名", "姓  名：", "联系电话（手机）", "车次/航班号/车牌号".
 * When a header is nothing but a bracketed note, the note itself is the key. */
#include "io/table.h"

#include <string.h>

#include "domain/text.h"

enum { KEY_MAX = 256 }; /* a header longer than this names nothing */

static const char *const field_names[TF__COUNT] = {
	[TF_NONE] = "none",
	[TF_NAME] = "name",
	[TF_ID_NUMBER] = "id_number",
	[TF_ID_TYPE] = "id_type",
	[TF_PHONE] = "phone",
	[TF_ORIGIN] = "origin",
	[TF_ARRIVAL_DATE] = "arrival_date",
	[TF_TRANSPORT] = "transport",
	[TF_TRANSPORT_NO] = "transport_no",
	[TF_ADDRESS] = "address",
	[TF_TOWNSHIP] = "township",
	[TF_VILLAGE] = "village",
	[TF_SEX] = "sex",
	[TF_AGE] = "age",
	[TF_NOTE] = "note",
};

/* Per field, its keys separated by spaces; keys are written folded (lower-case, no spaces
 * or punctuation). */
static const struct {
	enum table_field field;
	const char *keys;
} synonyms[] = {
	{TF_NAME, "姓名 名字 人员姓名 返乡人员姓名 返乡人姓名 name fullname"},
	{TF_ID_NUMBER, "身份证号 身份证号码 证件号码 证件号 公民身份号码 公民身份证号码 "
		       "身份证 身份证件号码 身份证件号 居民身份证号码 居民身份证号 身份号码 "
		       "idnumber idno id idcard idcardno idcardnumber identitynumber "
		       "identitycardnumber citizenid nationalid"},
	{TF_ID_TYPE, "证件类型 证件种类 证件类别 idtype documenttype"},
	{TF_PHONE, "手机 手机号 手机号码 联系电话 电话 联系方式 电话号码 联系电话号码 "
		   "联系手机 移动电话 本人电话 本人手机 本人手机号 本人手机号码 "
		   "本人联系电话 phone mobile phonenumber phoneno mobilenumber mobileno "
		   "mobilephone cellphone tel telephone contact contactnumber"},
	{TF_ORIGIN, "来源地 来源地区 来源 来源城市 出发地 出发地点 出发城市 从何地来 "
		    "从何处来 从何地返乡 从何地返回 来自何地 来自 来自地区 始发地 "
		    "返乡前所在地 返乡前居住地 返乡来源地 origin from comingfrom "
		    "departure departurecity"},
	{TF_ARRIVAL_DATE, "返乡时间 返乡日期 到达日期 到达时间 抵达时间 抵达日期 返回时间 "
			  "返回日期 回乡时间 回乡日期 到达本地时间 到达本地日期 抵达本地时间 "
			  "返回本地时间 来本地时间 到本地时间 返乡到达时间 arrival arrivaldate "
			  "arrivaltime dateofarrival returndate"},
	{TF_TRANSPORT, "交通方式 交通工具 出行方式 返乡方式 返回方式 乘坐交通工具 "
		       "返乡交通方式 返乡交通工具 出行交通工具 transport transportation "
		       "travelmode modeoftransport"},
	{TF_TRANSPORT_NO, "车次 车次号 航班 航班号 车牌 车牌号 车牌号码 班次 航班车次 "
			  "航班号车次 车次航班 车次航班号 车次航班车牌 车次航班车牌号 "
			  "车次航班号车牌号 航班号车次车牌号 航班车次车牌号 乘坐车次 "
			  "乘坐航班车次 transportno transportnumber flightno flightnumber "
			  "trainno trainnumber plate platenumber licenseplate"},
	{TF_ADDRESS, "现住址 居住地址 详细地址 现居住地址 现居住地 现居地址 现住地址 住址 "
		     "家庭住址 家庭地址 居住地 地址 本地住址 本地居住地址 在本地居住地址 "
		     "居住详细地址 现居住详细地址 现住详细地址 返乡后居住地址 address "
		     "currentaddress homeaddress residentialaddress"},
	{TF_TOWNSHIP, "乡镇 乡镇街道 镇街 镇街道 街道 镇 乡 所属乡镇 所在乡镇 乡镇名称 "
		      "所属镇街 所属街道 所属乡镇街道 township town subdistrict"},
	{TF_VILLAGE, "村 村居 村社区 社区 社区村 村名 所属村 所在村 所属村居 所属社区 "
		     "所在社区 所属村社区 村居委会 村委会 居委会 村居名称 village "
		     "community"},
	{TF_SEX, "性别 sex gender"},
	{TF_AGE, "年龄 岁数 age"},
	{TF_NOTE, "备注 说明 其他 其它 备注说明 其他情况 note notes remark remarks "
		  "comment"},
};

const char *table_field_name(enum table_field f)
{
	return f > TF_NONE && f < TF__COUNT ? field_names[f] : field_names[TF_NONE];
}

enum table_field table_field_parse(const char *api_name)
{
	for (int f = TF_NONE + 1; api_name && f < TF__COUNT; f++)
		if (!strcmp(api_name, field_names[f]))
			return (enum table_field)f;
	return TF_NONE;
}

/* Decodes the UTF-8 character at s (valid: text_normalize saw to it); returns its length. */
static size_t decode(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xE0) {
		*cp = (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu);
		return 2;
	}
	if (s[0] < 0xF0) {
		*cp = (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
		return 3;
	}
	*cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
	return 4;
}

static bool is_open(unsigned cp)
{
	return cp == '(' || cp == '[' || cp == '{' || cp == 0x3010 /* 【 */ ||
	       cp == 0x3014 /* 〔 */ || cp == 0x3016 /* 〖 */;
}

static bool is_close(unsigned cp)
{
	return cp == ')' || cp == ']' || cp == '}' || cp == 0x3011 || cp == 0x3015 || cp == 0x3017;
}

/* Punctuation and symbols: ASCII ones, Latin-1's, general punctuation through CJK symbols
 * (、。《》“” …), the compatibility and small forms, and what full-width folding left. */
static bool is_punct(unsigned cp)
{
	return (cp < 0x80 && !(cp >= '0' && cp <= '9') && !(cp >= 'a' && cp <= 'z') &&
		!(cp >= 'A' && cp <= 'Z')) ||
	       (cp >= 0x80 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x33FF) ||
	       (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* The folded key of a header; notes: drop what is in brackets. */
static void fold(const char *norm, bool notes, char *out)
{
	const unsigned char *s = (const unsigned char *)norm;
	size_t o = 0;
	int depth = 0;

	while (*s) {
		unsigned cp;
		size_t n = decode(s, &cp);

		if (notes && is_open(cp))
			depth++;
		else if (notes && is_close(cp) && depth > 0)
			depth--;
		else if (depth == 0 && !is_punct(cp)) {
			if (n == 1 && cp >= 'A' && cp <= 'Z')
				out[o++] = (char)(cp - 'A' + 'a');
			else
				memcpy(out + o, s, n), o += n;
		}
		s += n;
	}
	out[o] = '\0';
}

/* Whether key is one of the space-separated words of keys. */
static bool has_key(const char *keys, const char *key)
{
	size_t n = strlen(key);

	for (const char *k = keys; (k = strstr(k, key)); k += n)
		if ((k == keys || k[-1] == ' ') && (k[n] == ' ' || k[n] == '\0'))
			return true;
	return false;
}

enum table_field table_header_match(const char *header_cell)
{
	char norm[KEY_MAX], key[KEY_MAX];

	if (!header_cell || strlen(header_cell) >= KEY_MAX)
		return TF_NONE;
	text_normalize(header_cell, norm, sizeof norm);
	fold(norm, true, key);
	if (!key[0])
		fold(norm, false, key);
	for (size_t i = 0; key[0] && i < sizeof synonyms / sizeof synonyms[0]; i++)
		if (has_key(synonyms[i].keys, key))
			return synonyms[i].field;
	return TF_NONE;
}

bool table_is_header(const struct sheet_row *row, enum table_field *map_out, size_t cap)
{
	bool seen[TF__COUNT] = {false};
	size_t i, found = 0;

	for (i = 0; i < cap; i++) {
		enum table_field f = i < row->ncells ? table_header_match(row->cells[i]) : TF_NONE;

		if (f != TF_NONE && !seen[f]) {
			seen[f] = true;
			found++;
		} else {
			f = TF_NONE;
		}
		map_out[i] = f;
	}
	if (found >= 2 && (seen[TF_NAME] || seen[TF_ID_NUMBER]))
		return true;
	for (i = 0; i < cap; i++)
		map_out[i] = TF_NONE;
	return false;
}
