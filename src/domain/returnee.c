/* returnee — see returnee.h. Each field is read by its own small function that records
 * its defect; returnee_from_row then decides between flagged and rejected. */
#include "domain/returnee.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/datefmt.h"
#include "domain/idcard.h"
#include "domain/phone.h"
#include "domain/text.h"
#include "io/sheet.h"

static const struct {
	const char *code, *zh, *en;
} issue_text[] = {
	{"name.missing", "缺少姓名", "No name"},
	{"row.empty", "没有身份证号、电话和地址，无法核查",
	 "No ID number, phone or address: nothing to verify"},
	{"id.missing", "缺少身份证号", "No ID number"},
	{"id.length", "身份证号位数不对", "The ID number has the wrong length"},
	{"id.chars", "身份证号含有无效字符", "The ID number has invalid characters"},
	{"id.check", "身份证号校验位错误", "Wrong ID check character"},
	{"id.birth_date", "身份证号中的出生日期不存在",
	 "The birth date in the ID number does not exist"},
	{"id.future_birth", "身份证号中的出生日期在未来",
	 "The birth date in the ID number is in the future"},
	{"id.mangled", "身份证号被 Excel 存成了数字，末几位已丢失",
	 "Excel stored the ID number as a number and lost its last digits"},
	{"phone.invalid", "手机号码格式不正确", "Malformed mobile number"},
	{"phone.missing", "缺少联系电话", "No phone number"},
	{"address.unresolved", "地址无法对应到村（社区），已放入上级待分配队列",
	 "The address does not resolve to a village: queued above for manual assignment"},
	{"address.outside", "地址不在导入人的辖区内", "The address is outside the importer's area"},
	{"date.invalid", "日期无法识别", "Unreadable date"},
};

/* The message of a code in one language; the code itself when it has none. */
static const char *issue_message(const char *code, bool en)
{
	for (size_t i = 0; i < sizeof issue_text / sizeof issue_text[0]; i++)
		if (!strcmp(issue_text[i].code, code))
			return en ? issue_text[i].en : issue_text[i].zh;
	return code;
}

const char *returnee_issue_zh(const char *code)
{
	return issue_message(code, false);
}

const char *returnee_issue_en(const char *code)
{
	return issue_message(code, true);
}

static void add_issue(struct returnee *r, enum table_field f, const char *code, bool reject)
{
	size_t len;

	if (r->nissues < RETURNEE_MAX_ISSUES)
		r->issues[r->nissues++] = (struct returnee_issue){f, code, reject};
	if (reject) {
		r->rejected = true;
		return;
	}
	len = strlen(r->defects);
	if (len + strlen(code) + 2 < sizeof r->defects)
		snprintf(r->defects + len, sizeof r->defects - len, "%s%s", len ? "," : "", code);
}

/* The first cell mapped to f, normalised; "" when none. */
static const char *cell(const char *const *cells, size_t n, const enum table_field *map,
			enum table_field f, const unsigned char *flags, unsigned char *flag,
			char *buf, size_t bufsz)
{
	buf[0] = '\0';
	*flag = 0;
	for (size_t i = 0; i < n; i++) {
		if (map[i] == f && cells[i] && *cells[i]) {
			text_normalize(cells[i], buf, bufsz);
			*flag = flags ? flags[i] : 0;
			return buf;
		}
	}
	return buf;
}

static void copy(char *dst, size_t dsz, const char *src)
{
	snprintf(dst, dsz, "%s", src);
}

static const char *id_code(enum id_defect d)
{
	switch (d) {
	case ID_BAD_LENGTH: return "id.length";
	case ID_BAD_CHARS: return "id.chars";
	case ID_BAD_CHECK: return "id.check";
	case ID_BAD_BIRTH_DATE: return "id.birth_date";
	case ID_FUTURE_BIRTH: return "id.future_birth";
	case ID_NUMBER_MANGLED: return "id.mangled";
	default: return NULL;
	}
}

static void read_id(const struct returnee_ctx *ctx, const char *raw, const char *type,
		    struct returnee *r)
{
	enum id_doc hint = *type ? id_doc_parse(type) : ID_DOC_RESIDENT;
	struct id_result id;
	const char *code;

	if (hint == ID_DOC_NONE)
		hint = ID_DOC_RESIDENT;
	copy(r->doc_type, sizeof r->doc_type, id_doc_name(hint));
	if (!*raw)
		return;
	idcard_parse(raw, hint, ctx->today, &id);
	copy(r->id_number, sizeof r->id_number, id.number);
	copy(r->doc_type, sizeof r->doc_type, id_doc_name(id.doc != ID_DOC_NONE ? id.doc : hint));
	r->id_valid = idcard_ok(&id);
	if (r->id_valid && id.birth_y) {
		r->birth = id.birth_y * 10000 + id.birth_m * 100 + id.birth_d;
		copy(r->sex, sizeof r->sex, id.sex == 'M' ? "M" : id.sex == 'F' ? "F" : "");
	}
	if (!r->id_valid && (code = id_code(id.defect)))
		add_issue(r, TF_ID_NUMBER, code, false);
}

static void read_phone(const char *raw, struct returnee *r)
{
	char norm[PHONE_LEN + 1];

	if (!*raw)
		return;
	if (phone_normalize(raw, norm))
		copy(r->phone, sizeof r->phone, norm);
	else
		add_issue(r, TF_PHONE, "phone.invalid", false);
}

static void read_date(const struct returnee_ctx *ctx, const char *raw, unsigned char flag,
		      struct returnee *r)
{
	int y, m, d;
	char *end;
	double serial;

	if (!*raw)
		return;
	if ((flag & SHEET_CELL_DATE) && (serial = strtod(raw, &end)) > 0 && *end == '\0') {
		if (flag & SHEET_CELL_DATE1904)
			serial += 1462;
		if (date_from_excel_serial(serial, &y, &m, &d)) {
			r->arrival = date_to_int(y, m, d);
			return;
		}
	}
	if (date_parse(raw, ctx->today / 10000, &y, &m, &d))
		r->arrival = date_to_int(y, m, d);
	else
		add_issue(r, TF_ARRIVAL_DATE, "date.invalid", false);
}

static void read_area(const struct returnee_ctx *ctx, const char *addr, const char *town,
		      const char *village, struct returnee *r)
{
	char joined[768], code[ADDR_CODE_LEN_MAX + 1] = "";
	enum addr_match m = ADDR_NONE;
	size_t home = strlen(ctx->home_area);

	if (ctx->home_is_exact) {
		copy(r->area, sizeof r->area, ctx->home_area);
		return;
	}
	snprintf(joined, sizeof joined, "%s%s%s", town, village, addr);
	if (ctx->addr && *joined)
		m = addr_resolve(ctx->addr, joined, code);
	if ((m == ADDR_NONE || m == ADDR_AMBIGUOUS) && ctx->addr && *addr)
		m = addr_resolve(ctx->addr, addr, code);
	if (m == ADDR_VILLAGE || m == ADDR_GRID || m == ADDR_TOWNSHIP) {
		if (strncmp(code, ctx->home_area, home) != 0) {
			copy(r->area, sizeof r->area, ctx->home_area);
			add_issue(r, TF_ADDRESS, "address.outside", false);
			return;
		}
		copy(r->area, sizeof r->area, code);
		if (m == ADDR_TOWNSHIP)
			add_issue(r, TF_ADDRESS, "address.unresolved", false);
		return;
	}
	copy(r->area, sizeof r->area, ctx->home_area);
	if (*joined)
		add_issue(r, TF_ADDRESS, "address.unresolved", false);
}

/* Short forms of a division name: 湖北省 → 湖北, 武汉市 → 武汉, 恩施土家族苗族自治州 → 恩施. */
static size_t short_name(const char *name, char *out, size_t outsz)
{
	static const char *const suffixes[] = {
		"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "自治州",
		"地区",       "省",         "市",           "盟",         "县",     "区",
		"旗"};
	size_t len = strlen(name);

	copy(out, outsz, name);
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t sl = strlen(suffixes[i]);
		if (len > sl + 3 && !strcmp(name + len - sl, suffixes[i])) {
			out[len - sl] = '\0';
			break;
		}
	}
	/* 恩施土家族苗族自治州: cut at the first 族-ending ethnic part is too clever; keep */
	return strlen(out);
}

static bool names_in(const char *text, const char *name)
{
	char s[128];

	if (strstr(text, name))
		return true;
	return short_name(name, s, sizeof s) >= 6 && strstr(text, s); /* ≥ 2 CJK characters */
}

/* The first division of this code length, under prefix (when given), that the text names. */
static const char *find_division(const struct returnee_ctx *ctx, const char *text, size_t len,
				 const char *prefix)
{
	for (size_t i = 0; i < ctx->ndivisions; i++) {
		const struct returnee_division *d = &ctx->divisions[i];
		if (strlen(d->code) == len &&
		    (!*prefix || !strncmp(d->code, prefix, strlen(prefix))) &&
		    names_in(text, d->name))
			return d->code;
	}
	return NULL;
}

void returnee_origin(const struct returnee_ctx *ctx, const char *origin, char code[8])
{
	const char *found;
	size_t len = origin ? strlen(origin) : 0, h = 5381;
	struct returnee_origin_cache *cache = ctx->origin_cache;

	code[0] = '\0';
	if (!len)
		return;
	if (cache && len < sizeof cache->slot[0].text) {
		for (const char *p = origin; *p; p++)
			h = h * 33 + (unsigned char)*p;
		h %= sizeof cache->slot / sizeof cache->slot[0];
		if (!strcmp(cache->slot[h].text, origin)) {
			copy(code, 8, cache->slot[h].code);
			return;
		}
	}
	/* province, then a city within it (or anywhere), then a county within what matched */
	for (size_t lv = 2; lv <= 6; lv += 2)
		if ((found = find_division(ctx, origin, lv, code)))
			copy(code, 8, found);
	if (cache && len < sizeof cache->slot[0].text) {
		copy(cache->slot[h].text, sizeof cache->slot[h].text, origin);
		copy(cache->slot[h].code, sizeof cache->slot[h].code, code);
	}
}

static bool in_key_area(const struct returnee_ctx *ctx, const struct returnee *r)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		const struct returnee_key_area *k = &ctx->keys[i];
		if (*r->origin_code && !strncmp(r->origin_code, k->code, strlen(k->code)) &&
		    (!r->arrival || (r->arrival >= k->start_date && r->arrival <= k->end_date)))
			return true;
	}
	return false;
}

void returnee_from_row(const struct returnee_ctx *ctx, const char *const *cells,
		       const unsigned char *flags, size_t ncells, const enum table_field *map,
		       struct returnee *r)
{
	char id[256], type[64], ph[128], date[128], town[128], village[128];
	unsigned char fl;

	memset(r, 0, sizeof *r);
	copy(r->name, sizeof r->name, cell(cells, ncells, map, TF_NAME, flags, &fl, id, sizeof id));
	cell(cells, ncells, map, TF_ADDRESS, flags, &fl, r->address, sizeof r->address);
	cell(cells, ncells, map, TF_ORIGIN, flags, &fl, r->origin, sizeof r->origin);
	cell(cells, ncells, map, TF_TRANSPORT, flags, &fl, r->transport, sizeof r->transport);
	cell(cells, ncells, map, TF_TRANSPORT_NO, flags, &fl, r->transport_no,
	     sizeof r->transport_no);
	cell(cells, ncells, map, TF_ID_TYPE, flags, &fl, type, sizeof type);
	cell(cells, ncells, map, TF_ID_NUMBER, flags, &fl, id, sizeof id);
	read_id(ctx, id, type, r);
	read_phone(cell(cells, ncells, map, TF_PHONE, flags, &fl, ph, sizeof ph), r);
	cell(cells, ncells, map, TF_ARRIVAL_DATE, flags, &fl, date, sizeof date);
	read_date(ctx, date, fl, r);
	if (!*r->name)
		add_issue(r, TF_NAME, "name.missing", true);
	if (!*id && !*ph && !*r->address)
		add_issue(r, TF_NONE, "row.empty", true);
	if (r->rejected)
		return;
	if (!*id)
		add_issue(r, TF_ID_NUMBER, "id.missing", false);
	if (!*ph) /* flagged, not silently accepted: the number is asked for at the door */
		add_issue(r, TF_PHONE, "phone.missing", false);
	cell(cells, ncells, map, TF_TOWNSHIP, flags, &fl, town, sizeof town);
	cell(cells, ncells, map, TF_VILLAGE, flags, &fl, village, sizeof village);
	read_area(ctx, r->address, town, village, r);
	returnee_origin(ctx, r->origin, r->origin_code);
	r->key_area = in_key_area(ctx, r);
}

/* The field a defect code belongs to: by its prefix ("id.", "phone.", "address."); the
 * file registered beside a holder elsewhere belongs to its ID number. */
static unsigned code_field(const char *code, size_t len)
{
	static const struct {
		const char *prefix;
		unsigned field;
	} by_prefix[] = {
		{"id.", RETURNEE_FIX_ID},
		{"duplicate.", RETURNEE_FIX_ID},
		{"phone.", RETURNEE_FIX_PHONE},
		{"address.", RETURNEE_FIX_ADDRESS},
	};

	for (size_t i = 0; i < sizeof by_prefix / sizeof by_prefix[0]; i++) {
		size_t pl = strlen(by_prefix[i].prefix);
		if (len > pl && !strncmp(code, by_prefix[i].prefix, pl))
			return by_prefix[i].field;
	}
	return 0;
}

static void append_code(char *out, size_t outsz, const char *code, size_t len)
{
	size_t used = strlen(out);

	if (used + len + 2 <= outsz)
		snprintf(out + used, outsz - used, "%s%.*s", used ? "," : "", (int)len, code);
}

void returnee_fix_defects(const char *old, unsigned fields, const struct returnee *r, char *out,
			  size_t outsz)
{
	out[0] = '\0';
	for (const char *p = old ? old : ""; *p;) {
		size_t len = strcspn(p, ",");
		if (len && !(code_field(p, len) & fields))
			append_code(out, outsz, p, len);
		p += len + (p[len] == ',');
	}
	for (size_t i = 0; i < r->nissues; i++) {
		const char *code = r->issues[i].code;
		if (!r->issues[i].reject && (code_field(code, strlen(code)) & fields))
			append_code(out, outsz, code, strlen(code));
	}
}
