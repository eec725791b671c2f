/* api_user_import — accounts from a spreadsheet (批量导入账号) and its template.
 *
 * POST /api/v1/users/import takes a multipart upload (the same as a list's, http/upload.h)
 * with a required uuid. The sheet (.xlsx or .csv, read through io/sheet.h, so every
 * format the sheet interface reads) has a header row — below any title rows — naming at
 * least 姓名, 手机号, 角色 and 所属区域 (用户名 optional); a row marked 示例 (the template's
 * example) is skipped. The rules are svc_user_import's: a file with any bad row creates
 * nothing and answers 422 with every row's problems; a good one answers 201 with the
 * accounts and their initial passwords, shown this once (they are never stored: a replay
 * answers the accounts without them).
 *
 * GET /api/v1/users/import/template is the caller's own template: drop-downs of the roles
 * the caller may grant and of the areas in the caller's scope. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/role_label.h"
#include "domain/text.h"
#include "io/sheet.h"
#include "io/xlsx_template.h"
#include "service/svc_user_import.h"
#include "util/log.h"
#include "util/pwhash.h"

enum { CELL_MAX = 256, TEMPLATE_ROWS = USER_IMPORT_MAX_ROWS };

enum col { C_NAME, C_PHONE, C_ROLE, C_AREA, C_USERNAME, C__N };

static const char *const col_field[C__N] = {"name", "phone", "role", "area", "username"};

/* What a header cell may say, after text_normalize, ASCII lower-cased, a bracketed note
 * and a trailing * or ： dropped ("手机号（必填）" → "手机号"). */
static const char *const headers[C__N][8] = {
	{"姓名", "名字", "name", "display_name", NULL},
	{"手机号", "手机号码", "手机", "联系电话", "电话", "phone", "mobile", NULL},
	{"角色", "role", NULL},
	{"所属区域", "区域", "所属区划", "区划", "所属网格", "area", NULL},
	{"用户名", "账号", "登录名", "username", NULL},
};

struct reading {
	struct arena *a;
	int map[SHEET_DEFAULT_CELLS]; /* column → enum col, -1 none */
	size_t ncols;
	bool header, too_many;
	struct user_import_row *rows;
	size_t n;
};

/* The normal form of a cell, cut at CELL_MAX bytes, in a. */
static char *cell(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, CELL_MAX + 1);

	text_normalize(s, out, CELL_MAX + 1);
	return out;
}

static int header_col(struct arena *a, const char *s)
{
	char *h = cell(a, s), *cut;

	for (char *p = h; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if ((cut = strstr(h, "（")) || (cut = strchr(h, '(')) || (cut = strchr(h, '*')) ||
	    (cut = strstr(h, "：")) || (cut = strchr(h, ':')))
		*cut = '\0';
	for (size_t n = strlen(h); n && h[n - 1] == ' ';)
		h[--n] = '\0';
	for (int c = 0; c < C__N; c++)
		for (size_t k = 0; headers[c][k]; k++)
			if (!strcmp(h, headers[c][k]))
				return c;
	return -1;
}

/* Whether row is the header: it names the name column and one more. */
static bool find_header(struct reading *rd, const struct sheet_row *row)
{
	bool seen[C__N] = {0};
	int named = 0;

	for (size_t i = 0; i < row->ncells && i < SHEET_DEFAULT_CELLS; i++) {
		int c = header_col(rd->a, row->cells[i]);
		rd->map[i] = c >= 0 && !seen[c] ? c : -1;
		if (c >= 0 && !seen[c]) {
			seen[c] = true;
			named++;
		}
	}
	rd->ncols = row->ncells < SHEET_DEFAULT_CELLS ? row->ncells : SHEET_DEFAULT_CELLS;
	return seen[C_NAME] && named >= 2;
}

static bool on_row(const struct sheet_row *row, void *ctx)
{
	struct reading *rd = ctx;
	const char *v[C__N] = {"", "", "", "", ""};
	struct user_import_row *out;

	if (!rd->header) {
		rd->header = find_header(rd, row);
		return true;
	}
	if (xlsx_template_is_example(row->cells, row->ncells))
		return true;
	if (rd->n == USER_IMPORT_MAX_ROWS) {
		rd->too_many = true;
		return false;
	}
	for (size_t i = 0; i < row->ncells && i < rd->ncols; i++)
		if (rd->map[i] >= 0)
			v[rd->map[i]] = cell(rd->a, row->cells[i]);
	if (!*v[C_NAME] && !*v[C_PHONE] && !*v[C_ROLE] && !*v[C_AREA] && !*v[C_USERNAME])
		return true;                           /* a row of other columns only */
	for (char *p = (char *)v[C_USERNAME]; *p; p++) /* Excel capitalises a first letter */
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	out = &rd->rows[rd->n++];
	*out = (struct user_import_row){row->line, v[C_NAME],     v[C_PHONE], v[C_ROLE],
					v[C_AREA], v[C_USERNAME], NULL};
	return true;
}

/* Whether the header names every column a row needs; else replies. */
static bool columns_present(struct req *r, const struct reading *rd)
{
	bool seen[C__N] = {0};

	for (size_t i = 0; i < rd->ncols; i++)
		if (rd->map[i] >= 0)
			seen[rd->map[i]] = true;
	for (int c = 0; c < C_USERNAME; c++)
		if (!seen[c]) {
			reply_error(r, ERR_USER_IMPORT_HEADER, col_field[c]);
			return false;
		}
	return true;
}

/* The rows of the upload; false when it replied. */
static bool read_rows(struct req *r, struct reading *rd)
{
	struct sheet_limits lim = {.max_cell_bytes = 4096, .max_rows = 100000};
	char err[160];
	enum sheet_status st;

	if (!r->upload.path[0] || !r->upload.size) {
		reply_error(r, ERR_IMPORT_NO_FILE, "file");
		return false;
	}
	if (!api_import_kind(r))
		return false;
	*rd = (struct reading){.a = r->a};
	rd->rows = arena_alloc(r->a, USER_IMPORT_MAX_ROWS * sizeof *rd->rows);
	st = sheet_read_file(r->upload.path, SHEET_KIND_UNKNOWN, &lim, on_row, rd, err, sizeof err);
	if (rd->too_many) {
		reply_error(r, ERR_USER_IMPORT_TOO_MANY, "file");
		return false;
	}
	if (st != SHEET_OK) {
		reply_error(r, ERR_IMPORT_BAD_FILE, "file");
		return false;
	}
	if (!rd->header) {
		reply_error(r, ERR_USER_IMPORT_HEADER, "file");
		return false;
	}
	if (!columns_present(r, rd))
		return false;
	if (rd->n == 0) {
		reply_error(r, ERR_USER_IMPORT_EMPTY, "file");
		return false;
	}
	return true;
}

/* The required uuid field; the request is the path and the file (api_upload_idem). */
static bool upload_key(struct req *r, struct store_idem *idem)
{
	const char *uuid = upload_field(&r->upload, "uuid");
	const struct store_idem *got;

	if (!uuid || !*uuid) {
		reply_error(r, ERR_FIELD_REQUIRED, "uuid");
		return false;
	}
	return api_upload_idem(r, NULL, idem, &got);
}

static enum err problem_err(enum user_import_problem p)
{
	switch (p) {
	case UIP_NAME: return ERR_USER_IMPORT_NAME;
	case UIP_PHONE: return ERR_USER_IMPORT_PHONE;
	case UIP_ROLE: return ERR_USER_IMPORT_ROLE;
	case UIP_ROLE_NOT_GRANTABLE: return ERR_USER_IMPORT_ROLE_NOT_GRANTABLE;
	case UIP_AREA: return ERR_USER_IMPORT_AREA;
	case UIP_AREA_AMBIGUOUS: return ERR_USER_IMPORT_AREA_AMBIGUOUS;
	case UIP_USERNAME: return ERR_USER_IMPORT_USERNAME;
	case UIP_USERNAME_TAKEN: return ERR_USER_IMPORT_USERNAME_TAKEN;
	case UIP_USERNAME_REPEATED: return ERR_USER_IMPORT_USERNAME_REPEATED;
	case UIP_PHONE_REPEATED: return ERR_USER_IMPORT_PHONE_REPEATED;
	}
	return ERR_USER_IMPORT_ROWS;
}

/* 422: nothing was created; every problem of every row, in the caller's language. */
static void reply_rows(struct req *r, const struct user_import *im)
{
	const struct err_info *top = err_info(ERR_USER_IMPORT_ROWS);
	json_t *rows = json_array();

	for (size_t i = 0; i < im->nerrors; i++) {
		const struct err_info *e = err_info(problem_err(im->errors[i].problem));
		json_array_append_new(rows, json_pack("{s:I, s:s, s:s, s:s}", "line",
						      (json_int_t)im->errors[i].line, "field",
						      im->errors[i].field, "code", e->code,
						      "message", r->en ? e->en : e->zh));
	}
	reply_json(r, top->status,
		   json_pack("{s:{s:s, s:s, s:o}}", "error", "code", top->code, "message",
			     r->en ? top->en : top->zh, "rows", rows));
}

/* The accounts; with passwords (n of them) on the request that created them. */
static void reply_accounts(struct req *r, const struct user_import *im,
			   char (*pw)[INITIAL_PASSWORD_LEN + 1], bool replayed)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < im->naccounts; i++) {
		json_t *o = api_user_json(&im->accounts[i]);
		if (pw)
			json_object_set_new(o, "initial_password", json_string(pw[i]));
		json_array_append_new(arr, o);
	}
	reply_json(r, replayed ? 200 : 201,
		   json_pack("{s:s, s:I, s:o, s:b, s:b}", "id", im->idem->uuid, "count",
			     (json_int_t)im->naccounts, "accounts", arr, "replayed", replayed,
			     "passwords_shown", pw != NULL));
}

/* A fresh initial password for every row, hashed (argon2id) before the write. */
static char (*make_passwords(struct req *r, struct user_import_row *rows,
			     size_t n))[INITIAL_PASSWORD_LEN + 1]
{
	char(*pw)[INITIAL_PASSWORD_LEN + 1] = arena_alloc(r->a, n * sizeof *pw);

	for (size_t i = 0; i < n; i++) {
		char *h = arena_alloc(r->a, PWHASH_LEN);
		pwhash_initial(pw[i]);
		if (!pwhash_make(pw[i], h))
			fk_oom();
		rows[i].password_hash = h;
	}
	return pw;
}

void api_user_import(struct req *r)
{
	struct reading rd;
	struct store_idem idem;
	struct user_import im = {0};
	struct principal who = api_principal(r);
	char(*pw)[INITIAL_PASSWORD_LEN + 1];
	bool replayed = false;
	enum store_status st;

	if (!upload_key(r, &idem) || !read_rows(r, &rd))
		return;
	im = (struct user_import){.idem = &idem, .rows = rd.rows, .n = rd.n, .check_only = true};
	st = svc_user_import(r->srv->store, &who, &im, r->a, &replayed);
	if (st == STORE_OK) { /* a replay: the accounts, their passwords shown once before */
		reply_accounts(r, &im, NULL, replayed);
		return;
	}
	if (st == STORE_INVALID && im.nerrors) {
		reply_rows(r, &im);
		return;
	}
	if (st != STORE_INVALID) {
		api_store_error(r, st, ERR_USER_NOT_FOUND);
		return;
	}
	pw = make_passwords(r, rd.rows, rd.n);
	im.check_only = false;
	st = svc_user_import(r->srv->store, &who, &im, r->a, &replayed);
	if (st == STORE_OK)
		reply_accounts(r, &im, replayed ? NULL : pw, replayed);
	else if (st == STORE_INVALID && im.nerrors) /* changed since the check */
		reply_rows(r, &im);
	else
		api_store_error(r, st, ERR_USER_NOT_FOUND);
	sodium_memzero(pw, rd.n * sizeof *pw);
}

/* ---- the template ---- */

static const char *const instructions[] = {
	"填写说明 / Instructions",
	"1. 每行一个账号。必填：姓名、手机号（11 位手机号）、角色、所属区域；用户名可不填。",
	"2. "
	"角色、所属区域请从下拉列表选择（只列出您可以授予的角色和您管辖范围内的区域）。所属区域也可"
	"填区域代码。",
	"3. 用户名不填时，按姓名拼音首字母加序号生成（如 张三 → zs1）；自填须为 3–32 "
	"位小写字母、数字或 _ . -。",
	"4. 第 2 行是示例（备注列以“示例”开头），导入时自动跳过，可删除。",
	"5. 一次最多 500 "
	"个账号。表中任何一行有错时一个账号也不创建，系统逐行列出错误，改正后重新上传即可。",
	"6. "
	"导入成功后显示一张初始密码单，只显示这一次：请立即打印并分发。每人首次登录时须修改密码。",
	"",
	"1. One account per row. Required: name, mobile phone, role, area; username optional.",
	"2. Choose role and area from the drop-downs (the roles you may grant, the areas you "
	"manage); an area code works too.",
	"3. A blank username is made from the pinyin initials of the name and a number (张三 → "
	"zs1).",
	"4. Row 2 is an example (its note starts with 示例): the import skips it.",
	"5. At most 500 accounts per file. If any row is wrong nothing is created and every error "
	"is listed by row.",
	"6. The initial passwords are shown once, on a printable sheet; each must be changed at "
	"the first login.",
};

void api_user_import_template(struct req *r)
{
	struct principal who = api_principal(r);
	struct area_seed *areas;
	size_t nareas, nroles = 0;
	enum role all[ROLE_COUNT];
	const char **roles, **area_choices;
	char *data;
	size_t len;

	if (!api_stored(r, svc_user_import_areas(r->srv->store, &who, r->a, &areas, &nareas),
			ERR_AREA_NOT_FOUND))
		return;
	roles = arena_alloc(r->a, ROLE_COUNT * sizeof *roles);
	for (size_t i = 0, n = role_all(all, ROLE_COUNT); i < n; i++)
		if (role_may_grant(r->sess.role, all[i]))
			roles[nroles++] = role_label_zh(all[i]);
	area_choices = arena_alloc(r->a, (nareas + 1) * sizeof *area_choices);
	for (size_t i = 0; i < nareas; i++) /* with the code: names repeat across townships */
		area_choices[i] = arena_printf(r->a, "%s (%s)", areas[i].name, areas[i].code);
	const struct xlsx_template_col cols[] = {
		{"姓名", 12, false, NULL, 0, NULL},
		{"手机号", 16, true, NULL, 0, "11 位手机号"},
		{"角色", 14, false, roles, nroles, "从列表选择"},
		{"所属区域", 36, false, area_choices, nareas, "从列表选择，或填区域代码"},
		{"用户名", 14, true, NULL, 0, "可不填：按姓名拼音首字母生成"},
		{"备注", 30, false, NULL, 0, NULL},
	};
	const char *example[] = {"张三",
				 "13800138000",
				 role_may_grant(r->sess.role, ROLE_GRID_WORKER) || !nroles
					 ? role_label_zh(ROLE_GRID_WORKER)
					 : roles[0],
				 nareas ? area_choices[nareas - 1] : "",
				 "",
				 XLSX_EXAMPLE_MARK "（导入时跳过，可删除）"};
	const struct xlsx_template t = {"账号",       NULL,
					cols,         sizeof cols / sizeof cols[0],
					example,      "填写说明",
					instructions, sizeof instructions / sizeof instructions[0],
					TEMPLATE_ROWS};

	if (!xlsx_template_build(&t, &data, &len)) {
		log_error("account import template: cannot build the .xlsx");
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    "attachment; filename=\"fangkong-accounts.xlsx\"", data, len);
}
