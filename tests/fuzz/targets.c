#include "targets.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "domain/account.h"
#include "domain/area_code.h"
#include "domain/password_policy.h"
#include "domain/datefmt.h"
#include "domain/idcard.h"
#include "domain/phone.h"
#include "domain/plate.h"
#include "domain/text.h"
#include "io/sheet.h"
#include "io/table.h"
#include "util/json.h"
#include "util/timeutil.h"

static char *cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void check(int ok)
{
	if (!ok)
		abort();
}

static void text_rules(const char *s)
{
	char out[64], phone[PHONE_LEN + 1];
	int64_t t;
	enum area_level lv = area_code_level(s);

	if (lv != AREA_LEVEL_INVALID) {
		check(area_code_in_scope(s, s));
		if (area_code_parent(s, out, sizeof out))
			check(area_code_in_scope(out, s) && strlen(out) + 3 == strlen(s));
	}
	area_code_in_scope("320481", s);
	area_code_township_kind(s);
	area_code_village_kind(s);
	if (phone_normalize(s, phone))
		check(strlen(phone) == PHONE_LEN && phone[0] == '1');
	phone_mask(s, phone);
	password_check(s, "admin");
	password_check("Liyang-Test-Pass-2026", s);
	username_valid(s);
	uuid_valid(s);
	{
		struct id_result id;
		char norm[512];
		int y, m, d;
		idcard_parse(s, ID_DOC_RESIDENT, 20260101, &id);
		if (idcard_ok(&id))
			check(strlen(id.number) == 18 || id.doc != ID_DOC_RESIDENT);
		idcard_parse(s, ID_DOC_PASSPORT, 20260101, &id);
		if (date_parse(s, 2020, &y, &m, &d))
			check(date_valid(y, m, d));
		text_normalize(s, norm, sizeof norm);
		check(text_valid_utf8(norm, strlen(norm)));
	}
	role_parse(s);
	if (time_parse_iso(s, &t)) {
		char iso[ISO_TIME_LEN + 1];
		time_iso(t, iso);
	}
}

void fuzz_text(const uint8_t *data, size_t size)
{
	char *s = cstr(data, size);
	json_t *j;

	text_rules(s);
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (json_is_object(j)) {
		const char *v;
		bool b;
		static const char *const allowed[] = {"uuid", "name", NULL};
		json_get_str(j, "name", 40, true, &v);
		json_get_str(j, "uuid", 36, false, &v);
		json_get_bool(j, "disabled", false, &b);
		json_unknown_key(j, allowed);
	}
	json_decref(j);
	free(s);
}

void fuzz_route(const uint8_t *data, size_t size)
{
	char *path = cstr(data, size);
	struct arena *a = arena_new();
	struct route_match m;

	for (int meth = HTTP_OTHER; meth <= HTTP_DELETE; meth++) {
		if (router_match(api_routes, api_nroutes, (enum http_method)meth, path, a, &m)) {
			check(m.route != NULL && m.path_known);
			for (size_t i = 0; i < m.nparams; i++)
				check(m.params[i][0] != '\0' && !strchr(m.params[i], '/'));
		}
	}
	arena_free(a);
	free(path);
}

static bool sheet_row(const struct sheet_row *row, void *ctx)
{
	enum table_field map[SHEET_DEFAULT_CELLS];

	(void)ctx;
	for (size_t i = 0; i < row->ncells; i++)
		check(row->cells[i] != NULL && text_valid_utf8(row->cells[i], strlen(row->cells[i])));
	table_is_header(row, map, SHEET_DEFAULT_CELLS);
	return true;
}

void fuzz_sheet(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fangkong-fuzz-XXXXXX";
	char err[256];
	int fd = mkstemp(path);
	struct sheet_limits lim = {.max_rows = 10000, .max_part_bytes = 8u << 20,
				   .max_shared_strings_bytes = 8u << 20};

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		sheet_read_file(path, SHEET_KIND_CSV, &lim, sheet_row, NULL, err, sizeof err);
		sheet_read_file(path, SHEET_KIND_XLSX, &lim, sheet_row, NULL, err, sizeof err);
		sheet_read_file(path, SHEET_KIND_XLS, &lim, sheet_row, NULL, err, sizeof err);
	}
	close(fd);
	unlink(path);
}

void fuzz_plate(const uint8_t *data, size_t size)
{
	char *s = cstr(data, size);
	struct plate p, again;
	bool ok = plate_parse(s, &p);

	check(strlen(p.text) < PLATE_MAX && text_valid_utf8(p.text, strlen(p.text)));
	if (ok) {
		check(plate_parse(p.text, &again) && !strcmp(again.text, p.text));
		check(again.kind == p.kind && !strcmp(again.province, p.province));
		check(p.kind == PLATE_EMBASSY
			      ? p.province_code[0] == '\0'
			      : !strcmp(plate_province_code(p.province), p.province_code));
		check(plate_kind_name(p.kind)[0] != '\0');
	}
	free(s);
}
