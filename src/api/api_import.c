/* api_import — pushing lists down (名单下发): upload, progress, the rows to fix, and the
 * template. The upload was streamed to disk before the handler runs (http/upload.h); the
 * handler records the job and hands it to the import worker (io/import.h). The same file
 * uploaded again in the same area returns the first job instead of a second import. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sodium.h>

#include "api/api.h"
#include "domain/returnee.h"
#include "io/cell.h"
#include "io/import.h"
#include "io/sheet.h"
#include "io/table.h"
#include "io/xls_reader.h"
#include "io/xlsx_template.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { DEADLINE_MIN = 1, DEADLINE_MAX = 720, DEADLINE_DEFAULT = 24 };

static json_t *job_json(const struct import_job *j)
{
	char created[ISO_TIME_LEN + 1], finished[ISO_TIME_LEN + 1];
	double progress = !strcmp(j->status, "done") ? 1.0
			  : j->bytes_total > 0 ? (double)j->bytes_done / (double)j->bytes_total
					       : 0.0;

	time_iso(j->created_at, created);
	time_iso(j->finished_at, finished);
	/* file name, error and user are stored text: json_str_safe keeps a job whose name was
	 * stored before uploads were cleaned from vanishing (json_pack fails on bad UTF-8) */
	return json_pack("{s:s, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:i,"
			 " s:o}",
			 "id", j->id, "status",
			 !strcmp(j->status, "queued") ? "running" : j->status, "progress",
			 progress > 1.0 ? 1.0 : progress, "rows", (json_int_t)j->rows, "imported",
			 (json_int_t)j->imported, "merged", (json_int_t)j->merged, "flagged",
			 (json_int_t)j->flagged, "rejected", (json_int_t)j->rejected, "filename",
			 json_str_safe(j->filename), "area", j->area, "created_at", created,
			 "finished_at", j->finished_at ? json_string(finished) : json_null(),
			 "error", j->error && *j->error ? json_str_safe(j->error) : json_null(),
			 "deadline_hours", j->deadline_hours, "user", json_str_safe(j->username));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcasecmp(s + a - b, suffix);
}

/* "xlsx", "xls" or "csv" from the file's first bytes (and, for CSV, its name); NULL after
 * a reply: a workbook name on something that is not one, or an .xls that cannot be read
 * (damaged, password-protected: xls_reader_check opens it as the import will). */
static const char *file_kind(struct req *r)
{
	const struct upload *u = &r->upload;
	unsigned char head[8] = {0};
	FILE *f = fopen(u->path, "rb");
	size_t n = f ? fread(head, 1, sizeof head, f) : 0;
	bool encrypted = false;
	char err[160];

	if (f)
		fclose(f);
	switch (sheet_sniff(head, n, u->filename)) {
	case SHEET_KIND_XLSX: return "xlsx";
	case SHEET_KIND_XLS:
		if (xls_reader_check(u->path, &encrypted, err, sizeof err) == SHEET_OK)
			return "xls";
		log_info("import upload refused: %s", err); /* freexl's words, no cell values */
		reply_error(r, encrypted ? ERR_IMPORT_ENCRYPTED : ERR_IMPORT_BAD_FILE, "file");
		return NULL;
	case SHEET_KIND_CSV:
		if (!ends_with(u->filename, ".xlsx") && !ends_with(u->filename, ".xls"))
			return "csv";
		break;
	default: break;
	}
	reply_error(r, ERR_IMPORT_BAD_FILE, "file");
	return NULL;
}

/* mapping: {"header text or column number": "field name"}; replies on error. */
static bool mapping_field(struct req *r, const char **out)
{
	const char *txt = upload_field(&r->upload, "mapping"), *key;
	json_t *m, *v;
	bool ok = true;

	*out = NULL;
	if (!txt || !*txt)
		return true;
	m = json_loads(txt, 0, NULL);
	if (!json_is_object(m))
		ok = false;
	json_object_foreach(m, key, v)
	{
		if (!json_is_string(v) || (table_field_parse(json_string_value(v)) == TF_NONE &&
					   strcmp(json_string_value(v), "none")))
			ok = false;
	}
	json_decref(m);
	if (!ok)
		reply_error(r, ERR_IMPORT_MAPPING, "mapping");
	else
		*out = txt;
	return ok;
}

static bool deadline_field(struct req *r, int *out)
{
	const char *txt = upload_field(&r->upload, "deadline_hours");
	char *end;
	long h;

	*out = DEADLINE_DEFAULT;
	if (!txt || !*txt)
		return true;
	h = strtol(txt, &end, 10);
	if (*end || h < DEADLINE_MIN || h > DEADLINE_MAX) {
		reply_error(r, ERR_IMPORT_DEADLINE, "deadline_hours");
		return false;
	}
	*out = (int)h;
	return true;
}

/* Moves the upload to uploads/<job id>.<kind> and keeps it for the worker. The file was
 * fsynced when it was received (upload_finish); the rename is synced too, so that a job
 * the reply called queued finds its list after a power loss. */
static const char *keep_file(struct req *r, const char *id, const char *kind)
{
	char *slash = strrchr(r->upload.path, '/');
	char *dst = arena_printf(r->a, "%.*s/%s.%s", slash ? (int)(slash - r->upload.path) : 1,
				 slash ? r->upload.path : ".", id, kind);

	if (!fs_rename_durable(r->upload.path, dst)) {
		unlink(dst); /* moved but not synced: the upload is dropped as a whole */
		return NULL;
	}
	snprintf(r->upload.path, sizeof r->upload.path, "%s", dst);
	r->upload.keep = true;
	return dst;
}

/* The optional "uuid" field makes the upload idempotent: the request is the file (its
 * SHA-256) with its deadline and mapping, so a retry of the same upload answers the same
 * job and another file under the same uuid is 409. False when it replied; *idem NULL when
 * there is no uuid. */
bool api_upload_idem(struct req *r, const char *const *extra, struct store_idem *buf,
		     const struct store_idem **idem)
{
	const char *uuid = upload_field(&r->upload, "uuid");
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hash = arena_alloc(r->a, 2 * sizeof h + 1), *key;
	crypto_hash_sha256_state hs;

	*idem = NULL;
	if (!uuid || !*uuid)
		return true;
	if (!uuid_valid(uuid)) {
		reply_error(r, ERR_UUID_INVALID, "uuid");
		return false;
	}
	crypto_hash_sha256_init(&hs);
	crypto_hash_sha256_update(&hs, (const unsigned char *)r->path, strlen(r->path) + 1);
	crypto_hash_sha256_update(&hs, (const unsigned char *)r->upload.sha256,
				  strlen(r->upload.sha256) + 1);
	for (; extra && *extra; extra++)
		crypto_hash_sha256_update(&hs, (const unsigned char *)*extra, strlen(*extra) + 1);
	crypto_hash_sha256_final(&hs, h);
	sodium_bin2hex(hash, 2 * sizeof h + 1, h, sizeof h);
	key = arena_strdup(r->a, uuid);
	for (char *c = key; *c; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	*buf = (struct store_idem){key, hash, r->sess.user_id};
	*idem = buf;
	return true;
}

static bool upload_idem(struct req *r, const struct import_job *j, struct store_idem *buf,
			const struct store_idem **idem)
{
	char deadline[16];
	const char *extra[] = {deadline, j->mapping, NULL};

	snprintf(deadline, sizeof deadline, "%d", j->deadline_hours);
	return api_upload_idem(r, extra, buf, idem);
}

void api_import_create(struct req *r)
{
	struct import_job j = {0}, out;
	struct principal who = api_principal(r);
	struct store_idem kbuf;
	const struct store_idem *idem;
	char existing_id[UUID_LEN + 1] = "";
	const char *kind;
	bool replayed = false;
	enum store_status st;

	if (!r->upload.path[0] || !r->upload.size) {
		reply_error(r, ERR_IMPORT_NO_FILE, "file");
		return;
	}
	if (!(kind = file_kind(r)))
		return;
	if (!deadline_field(r, &j.deadline_hours) || !mapping_field(r, &j.mapping))
		return;
	j.sha256 = r->upload.sha256;
	if (!upload_idem(r, &j, &kbuf, &idem))
		return;
	uuid_v4(j.id);
	j.filename = r->upload.filename[0] ? r->upload.filename : "upload";
	j.kind = kind;
	if (!(j.path = keep_file(r, j.id, kind))) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	st = svc_import_create(r->srv->store, &who, idem, &j, r->a, &out, existing_id, &replayed);
	if (st != STORE_OK || replayed)
		r->upload.keep = false;   /* no new job: the file is not needed */
	if (st == STORE_OK && replayed) { /* the same upload again: the job it made */
		reply_json(r, 200, job_json(&out));
		return;
	}
	if (st == STORE_CONFLICT) { /* the same file again: nothing is imported twice */
		struct import_job first;
		if (svc_import_get(r->srv->store, &who, existing_id, r->a, &first) == STORE_OK) {
			json_t *o = job_json(&first);
			json_object_set_new(o, "duplicate", json_true());
			reply_json(r, 200, o);
			return;
		}
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_IMPORT_NOT_FOUND);
		return;
	}
	importer_submit(r->srv->importer, j.id);
	reply_json(r, 202, json_pack("{s:s, s:s}", "id", j.id, "status", "running"));
}

/* The {id} job, in scope; else replies 404. */
static bool load_job(struct req *r, struct import_job *j)
{
	const char *id = api_id_param(r, ERR_IMPORT_NOT_FOUND);
	struct principal who = api_principal(r);

	return id && api_stored(r, svc_import_get(r->srv->store, &who, id, r->a, j),
				ERR_IMPORT_NOT_FOUND);
}

void api_import_get(struct req *r)
{
	struct import_job j;

	if (load_job(r, &j))
		reply_json(r, 200, job_json(&j));
}

void api_import_list(struct req *r)
{
	struct principal who = api_principal(r);
	struct import_job *v;
	size_t n;
	int limit;
	enum store_status st;
	json_t *arr;

	if (!api_query_int(r, "limit", 1, 200, 50, &limit))
		return;
	if ((st = svc_import_list(r->srv->store, &who, limit, r->a, &v, &n)) != STORE_OK) {
		api_store_error(r, st, ERR_IMPORT_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, job_json(&v[i]));
	reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

/* One CSV field, quoted when needed, behind a ' when a spreadsheet would read it as a
 * formula (io/cell.h): cells come from uploaded files, typed by anyone. */
static void csv_field(struct buf *b, const char *s, bool last)
{
	const char *guard;
	bool quote;

	s = s ? s : "";
	guard = cell_prefix(s);
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_append(b, "\"", 1);
	buf_append(b, guard, strlen(guard));
	for (; *s; s++) {
		if (*s == '"')
			buf_append(b, "\"", 1);
		buf_append(b, s, 1);
	}
	if (quote)
		buf_append(b, "\"", 1);
	buf_append(b, last ? "\r\n" : ",", last ? 2 : 1);
}

/* The rows to fix, as a UTF-8 CSV that Excel opens: the original columns plus the line
 * number and what is wrong, one row per line of the upload. */
static void issues_csv(struct req *r, const struct import_job *j, struct import_issue *v, size_t n)
{
	struct buf b;
	json_t *hdr = json_loads(j->header, 0, NULL);

	buf_init(&b, (size_t)1 << 30);
	buf_append(&b, "\xEF\xBB\xBF", 3);
	csv_field(&b, r->en ? "line" : "行号", false);
	csv_field(&b, r->en ? "problem" : "问题", json_array_size(hdr) == 0);
	for (size_t i = 0; i < json_array_size(hdr); i++)
		csv_field(&b, json_string_value(json_array_get(hdr, i)),
			  i + 1 == json_array_size(hdr));
	for (size_t i = 0; i < n;) {
		size_t k = i;
		char line[24];
		struct buf problem;
		json_t *cells = json_loads(v[i].cells, 0, NULL);

		buf_init(&problem, 4096);
		for (; k < n && v[k].line == v[i].line; k++) {
			const char *msg =
				r->en ? returnee_issue_en(v[k].code) : returnee_issue_zh(v[k].code);
			if (problem.len)
				buf_append(&problem, "; ", 2);
			buf_append(&problem, msg, strlen(msg));
		}
		snprintf(line, sizeof line, "%lld", (long long)v[i].line);
		csv_field(&b, line, false);
		csv_field(&b, problem.data ? problem.data : "", json_array_size(cells) == 0);
		for (size_t c = 0; c < json_array_size(cells); c++)
			csv_field(&b, json_string_value(json_array_get(cells, c)),
				  c + 1 == json_array_size(cells));
		buf_free(&problem);
		json_decref(cells);
		i = k;
	}
	json_decref(hdr);
	reply_bytes(r, 200, "text/csv; charset=utf-8",
		    arena_printf(r->a, "attachment; filename=\"issues-%.8s.csv\"", j->id), b.data,
		    b.len);
}

enum { ISSUE_PAGE = 5000 };

/* Issues after `after_line`, whole lines only: a page that ends inside a line stops before
 * that line (unless the line alone fills the page). *next is the last line returned. */
static enum store_status issue_page(struct req *r, const struct import_job *j, int64_t after,
				    int limit, struct import_issue **v, size_t *n, int64_t *next)
{
	struct principal who = api_principal(r);
	enum store_status st = svc_import_issues(r->srv->store, &who, j, after, limit, r->a, v, n);

	*next = 0;
	if (st != STORE_OK || *n == 0)
		return st;
	if (*n == (size_t)limit) {
		size_t k = *n;
		while (k > 0 && (*v)[k - 1].line == (*v)[*n - 1].line)
			k--;
		if (k > 0)
			*n = k;
	}
	*next = (*v)[*n - 1].line;
	return STORE_OK;
}

void api_import_issues(struct req *r)
{
	struct import_job j;
	struct import_issue *v, *all;
	size_t n, nall = 0, cap = 0;
	int limit, after;
	int64_t next;
	const char *format = req_query(r, "format");
	bool csv = format && !strcmp(format, "csv");
	enum store_status st;
	json_t *arr;
	struct principal who;

	if (format && *format && !csv && strcmp(format, "json")) {
		reply_error(r, ERR_QUERY_INVALID, "format");
		return;
	}
	if (!load_job(r, &j) || !api_query_int(r, "limit", 1, 1000, 200, &limit) ||
	    !api_query_int(r, "after_line", 0, 100000000, 0, &after))
		return;
	who = api_principal(r);
	svc_read_audit(r->srv->store, &who, "import.issues.read", "import", j.id, j.area, NULL,
		       false);
	if (csv) { /* every issue, page by page into one array (a few per defective row) */
		all = NULL;
		for (int64_t at = 0;;) {
			if ((st = issue_page(r, &j, at, ISSUE_PAGE, &v, &n, &next)) != STORE_OK) {
				api_store_error(r, st, ERR_IMPORT_NOT_FOUND);
				return;
			}
			if (nall + n > cap) {
				struct import_issue *bigger;
				cap = (nall + n) * 2;
				bigger = arena_alloc(r->a, cap * sizeof *bigger);
				if (nall)
					memcpy(bigger, all, nall * sizeof *bigger);
				all = bigger;
			}
			if (n)
				memcpy(all + nall, v, n * sizeof *v);
			nall += n;
			if (n == 0 || !next)
				break;
			at = next;
		}
		issues_csv(r, &j, all, nall);
		return;
	}
	if ((st = issue_page(r, &j, after, limit, &v, &n, &next)) != STORE_OK) {
		api_store_error(r, st, ERR_IMPORT_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:o, s:s, s:s, s:s, s:o}", "line",
						     (json_int_t)v[i].line, "column",
						     json_str_safe(v[i].col), "code", v[i].code,
						     "severity", v[i].severity, "message",
						     r->en ? returnee_issue_en(v[i].code)
							   : returnee_issue_zh(v[i].code),
						     "value", json_str_safe(v[i].value)));
	reply_json(r, 200,
		   json_pack("{s:o, s:o}", "items", arr, "next_after_line",
			     n == (size_t)limit || (n && (size_t)limit - n < 8 && next)
				     ? json_integer(next)
				     : json_null()));
}

static const char *const template_cols[] = {"姓名",   "证件类型", "身份证号", "手机号码",
					    "来源地", "返乡日期", "交通方式", "车次/航班/车牌",
					    "现住址", "备注"};
enum { NCOLS = sizeof template_cols / sizeof template_cols[0] };

static const char *const id_types[] = {"居民身份证",
				       "护照",
				       "港澳居民来往内地通行证",
				       "台湾居民来往大陆通行证",
				       "港澳居民居住证",
				       "台湾居民居住证",
				       "其他"};
static const char *const transports[] = {"火车", "飞机", "汽车", "自驾", "轮船", "其他"};
static const char *const example_row[] = {"张三",
					  "居民身份证",
					  "11010519491231002X",
					  "13800138000",
					  "湖北省武汉市",
					  "2020-01-20",
					  "火车",
					  "G1234",
					  "社渚镇社渚村5组",
					  XLSX_EXAMPLE_MARK "行（导入时跳过，可删除）"};

static void template_csv(struct req *r)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	buf_append(&b, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; i < NCOLS; i++)
		csv_field(&b, template_cols[i], i + 1 == NCOLS);
	for (size_t i = 0; i < NCOLS; i++)
		csv_field(&b, example_row[i], i + 1 == NCOLS);
	reply_bytes(r, 200, "text/csv; charset=utf-8",
		    "attachment; filename=\"fangkong-template.csv\"", b.data, b.len);
}

/* The .xlsx template (io/xlsx_template.h): a title row above the header, text-formatted ID
 * and phone columns (so Excel keeps every digit), one example row (备注 starts 示例: the
 * import skips it), a sheet of instructions, and drop-downs for 证件类型 and 交通方式.
 *
 * It never changes while the server runs: it is built once, at the first request, and its
 * bytes are served from memory. */
static struct {
	pthread_mutex_t mu;
	char *data;
	size_t len;
} xlsx_template = {.mu = PTHREAD_MUTEX_INITIALIZER};

static const char *const template_help[] = {
	"填写说明 / Instructions",
	"1. 第 2 行为表头，请勿修改；从第 4 行起每行一人。第 3 "
	"行是示例（备注以“示例”开头），导入时自动跳过。",
	"2. "
	"必填：姓名，身份证号（或其他证件号码）；手机号码、现住址尽量填写，缺少时该行标为待核实。",
	"3. 身份证号、手机号码列为文本格式：请直接输入或粘贴为文本，Excel 才不会截掉末位。",
	"4. 证件类型、交通方式可从下拉列表选择；返乡日期写成 2020-01-20。",
	"5. 现住址写到村（社区）、组或门牌，如“社渚镇社渚村5组12号”：系统据此分到村和网格。",
	"",
	"1. Row 2 is the header; one person per row from row 4. Row 3 is an example (its note "
	"starts 示例): the import skips it.",
	"2. Required: name and ID number (or another document number); phone and address flag the "
	"row when missing.",
	"3. ID and phone columns are text: type or paste them as text so that Excel keeps every "
	"digit.",
	"4. Choose document type and transport from the drop-downs; dates as 2020-01-20.",
	"5. Write the address down to the village and group or house number: it places the person.",
};

static bool template_build(void)
{
	const struct xlsx_template_col cols[] = {
		{template_cols[0], 12, false, NULL, 0, NULL},
		{template_cols[1], 14, false, id_types, sizeof id_types / sizeof id_types[0],
		 "从列表选择"},
		{template_cols[2], 22, true, NULL, 0, "文本格式：18 位身份证号"},
		{template_cols[3], 16, true, NULL, 0, NULL},
		{template_cols[4], 16, false, NULL, 0, NULL},
		{template_cols[5], 14, false, NULL, 0, "如 2020-01-20"},
		{template_cols[6], 12, false, transports, sizeof transports / sizeof transports[0],
		 "从列表选择"},
		{template_cols[7], 16, false, NULL, 0, NULL},
		{template_cols[8], 30, false, NULL, 0, "写到村（社区）、组或门牌"},
		{template_cols[9], 24, false, NULL, 0, NULL},
	};
	const struct xlsx_template t = {
		"名单",        "返乡人员排查登记表",
		cols,          NCOLS,
		example_row,   "填写说明",
		template_help, sizeof template_help / sizeof template_help[0],
		2000};

	return xlsx_template_build(&t, &xlsx_template.data, &xlsx_template.len);
}

static void template_xlsx(struct req *r)
{
	char *copy = NULL;
	size_t len = 0;

	pthread_mutex_lock(&xlsx_template.mu);
	if (xlsx_template.data || template_build()) {
		len = xlsx_template.len;
		copy = xmalloc(len); /* the reply frees what it sends */
		memcpy(copy, xlsx_template.data, len);
	}
	pthread_mutex_unlock(&xlsx_template.mu);
	if (!copy) {
		log_error("import template: cannot build the .xlsx template");
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    "attachment; filename=\"fangkong-template.xlsx\"", copy, len);
}

void api_import_template(struct req *r)
{
	const char *format = req_query(r, "format");

	if (format && !strcmp(format, "csv"))
		template_csv(r);
	else if (!format || !*format || !strcmp(format, "xlsx"))
		template_xlsx(r);
	else
		reply_error(r, ERR_QUERY_INVALID, "format");
}

const char *api_import_kind(struct req *r)
{
	return file_kind(r);
}
