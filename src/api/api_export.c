/* api_export — every list of the console as a workbook (.xlsx), one exporter for all:
 *
 *   POST /exports?list=NAME&<the list's own filters> {"uuid", "reveal"?} → 202 the job
 *   GET  /exports/{id}       → its progress {status, rows_done, rows_total, …}
 *   GET  /exports/{id}/file  → the workbook, once done
 *
 * A list is a row of the table below: the function its GET route parses its query with
 * (so the export holds exactly what the filters show, every page of it), its scoped
 * service read streamed (store.h, struct store_each: one statement, one snapshot, memory of
 * a thousand rows), and its columns. The workbook is written in constant memory
 * (io/xlsx_stream.h) on the exporter's threads (io/exporter.h). Every text is a string cell;
 * ID numbers and phones are masked as the list masks them unless the caller holds
 * person.reveal and asks for them ("reveal": true), and then the export is audited as a
 * reveal (person.reveal_export with the row count). Every export is audited once it is
 * written (export.create: list, filters, rows) — never a name searched for, never a value.
 * A job is the caller's alone: another account's id answers 404. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "api/api_obs.h"
#include "domain/idcard.h"
#include "domain/phone.h"
#include "io/exporter.h"
#include "io/xlsx_stream.h"
#include "util/timeutil.h"

enum { EXPORT_MAX_ROWS = 1000000, EXPORT_COLS_MAX = 24 };

struct ctx;

struct col {
	const char *title;
	double width;
};

/* each NULL: the count (-1 when the list has none); else the rows, streamed */
typedef enum store_status read_fn(struct ctx *c, const struct store_each *each, int64_t *total);

struct list {
	const char *name, *sheet;
	unsigned perm;
	bool sensitive; /* has ID numbers or phones: a reveal applies */
	const struct col *cols;
	int ncols;
	/* the list's query, its texts copied into c->a; false after a reply */
	bool (*parse)(struct req *r, struct ctx *c);
	read_fn *read;
	void (*row)(struct ctx *c, const void *row);
};

struct ctx {
	struct arena *a; /* the job's: everything below lives in it */
	struct store *store;
	const struct list *l;
	struct principal who;
	struct obs_policy pol;
	union {
		struct task_query task;
		struct obs_query obs;
		struct alert_query alert;
		struct service_query service;
		struct audit_filter audit;
		struct person_query person;
		struct {
			const char *checkpoint, *outcome;
			int from, to;
		} passage;
	} q;
	struct outcome *outcomes;
	size_t noutcomes;
	void *rows; /* a list read whole (persons, imports: 200 at most) */
	size_t nrows;
	bool reveal, over, stopped;
	int limit; /* of a list read whole */
	int64_t max_rows, now;
	const char *filter; /* JSON of the query, for the audit row */
	struct xlsx_stream *xs;
	struct export_run *run;
};

static const char *cp(struct ctx *c, const char *s)
{
	return arena_strdup(c->a, s);
}

/* ---- cells ---- */

static void text(struct ctx *c, int col, const char *s)
{
	xlsx_stream_text(c->xs, col, s);
}

/* An instant as the users read it: Asia/Shanghai, "YYYY-MM-DD HH:MM". */
static void when(struct ctx *c, int col, int64_t t)
{
	char s[32];
	struct tm tm;
	time_t lt = (time_t)(t + 8 * 3600);

	if (!t || !gmtime_r(&lt, &tm))
		return;
	strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm);
	text(c, col, s);
}

static void date(struct ctx *c, int col, int d)
{
	char s[16];

	if (!d)
		return;
	snprintf(s, sizeof s, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
	text(c, col, s);
}

static void temp(struct ctx *c, int col, int tenths)
{
	if (tenths)
		xlsx_stream_number(c->xs, col, tenths / 10.0);
}

static void phone(struct ctx *c, int col, const char *p)
{
	char m[PHONE_LEN + 1];

	if (!p || !*p)
		return;
	if (c->reveal) {
		text(c, col, p);
		return;
	}
	phone_mask(p, m);
	text(c, col, m);
}

/* code's label in a NULL-terminated {code, label} list; the code itself when unlisted */
static const char *label(const char *const (*tab)[2], const char *code)
{
	for (; code && (*tab)[0]; tab++)
		if (!strcmp((*tab)[0], code))
			return (*tab)[1];
	return code;
}

/* ---- tasks ---- */

static const struct col task_cols[] = {
	{"姓名", 10},     {"区域", 16},   {"区划代码", 14}, {"状态", 8},
	{"核查结果", 14}, {"承办人", 10}, {"截止时间", 17}, {"下发时间", 17},
	{"办结时间", 17}, {"说明", 24},   {"转交至", 16},
};

static bool task_parse(struct req *r, struct ctx *c)
{
	struct task_query *q = &c->q.task;

	if (!api_task_query(r, q))
		return false;
	q->area = cp(c, q->area);
	q->status = cp(c, q->status);
	return true;
}

static enum store_status task_read(struct ctx *c, const struct store_each *each, int64_t *total)
{
	struct task_query q = c->q.task;
	struct task *v;
	size_t n;

	q.now = c->now;
	q.offset = 0;
	q.limit = each ? (int)c->max_rows + 1 : 1;
	q.each = each;
	if (each && svc_ref_outcomes(c->store, c->a, &c->outcomes, &c->noutcomes) != STORE_OK)
		c->noutcomes = 0;
	return svc_task_list(c->store, &c->who, &q, c->a, &v, &n, total);
}

static void task_row(struct ctx *c, const void *row)
{
	const struct task *t = row;
	bool open = !strcmp(t->status, "open");
	const char *outcome = t->outcome;

	for (size_t i = 0; outcome && i < c->noutcomes; i++)
		if (!strcmp(c->outcomes[i].code, outcome))
			outcome = c->outcomes[i].zh;
	text(c, 0, t->person_name);
	text(c, 1, t->area_name);
	text(c, 2, t->area);
	text(c, 3, !open ? "已完成" : t->due_at < c->now ? "已超期" : "待核查");
	text(c, 4, outcome);
	text(c, 5, t->assignee);
	when(c, 6, t->due_at);
	when(c, 7, t->created_at);
	when(c, 8, t->closed_at);
	text(c, 9, t->note);
	text(c, 10,
	     t->forward_target_name && *t->forward_target_name ? t->forward_target_name
							       : t->forward_target);
}

/* ---- observations ---- */

static const char *const obs_status_zh[][2] = {{"active", "观察中"},
					       {"released", "已解除"},
					       {"transferred", "已转出"},
					       {"ended", "已结束"},
					       {NULL, NULL}};
static const char *const obs_kind_zh[][2] = {{"home_observation", "居家观察"},
					     {"home_isolation", "居家隔离"},
					     {"central_isolation", "集中隔离"},
					     {NULL, NULL}};

static const struct col obs_cols[] = {
	{"姓名", 10},     {"区域", 16},     {"区划代码", 14}, {"类型", 10},    {"状态", 8},
	{"开始日期", 11}, {"结束日期", 11}, {"地点", 24},     {"最近体温", 9}, {"最近随访", 17},
	{"网格员", 10},   {"医生", 10},     {"结束原因", 12},
};

static bool obs_parse(struct req *r, struct ctx *c)
{
	struct obs_query *q = &c->q.obs;

	if (!api_obs_query(r, q))
		return false;
	q->area = cp(c, q->area);
	q->status = cp(c, q->status);
	q->filter = cp(c, q->filter);
	q->name_prefix = cp(c, q->name_prefix);
	c->pol = *api_obs_policy_of(r);
	return true;
}

static enum store_status obs_read(struct ctx *c, const struct store_each *each, int64_t *total)
{
	struct obs_query q = c->q.obs;
	struct observation *v;
	size_t n;

	q.offset = 0;
	q.limit = each ? (int)c->max_rows + 1 : 1;
	q.each = each;
	return svc_obs_list(c->store, &c->who, &q, &c->pol, c->a, &v, &n, total);
}

static void obs_row(struct ctx *c, const void *row)
{
	const struct observation *o = row;

	text(c, 0, o->person_name);
	text(c, 1, o->area_name);
	text(c, 2, o->area);
	text(c, 3, label(obs_kind_zh, o->kind));
	text(c, 4, label(obs_status_zh, o->status));
	date(c, 5, o->start_date);
	date(c, 6, o->end_date);
	text(c, 7, o->place);
	temp(c, 8, o->last_temp);
	when(c, 9, o->last_visit_at);
	text(c, 10, o->grid_worker.name);
	text(c, 11, o->doctor.name);
	text(c, 12, o->end_reason);
}

/* ---- fever alerts ---- */

static const char *const alert_status_zh[][2] = {
	{"open", "待处置"}, {"referred", "已转诊"}, {"closed", "已结案"}, {NULL, NULL}};

static const struct col alert_cols[] = {
	{"姓名", 10},     {"电话", 14}, {"住址", 24},     {"区域", 16}, {"区划代码", 14},
	{"发现时间", 17}, {"体温", 7},  {"状态", 8},      {"去向", 12}, {"医疗机构", 16},
	{"转诊时间", 17}, {"结果", 12}, {"结果时间", 17}, {"备注", 24},
};

static bool alert_parse(struct req *r, struct ctx *c)
{
	struct alert_query *q = &c->q.alert;

	if (!api_alert_query(r, q))
		return false;
	q->area = cp(c, q->area);
	q->status = cp(c, q->status);
	return true;
}

static enum store_status alert_read(struct ctx *c, const struct store_each *each, int64_t *total)
{
	struct alert_query q = c->q.alert;
	struct alert *v;
	size_t n;

	q.limit = each ? (int)c->max_rows + 1 : 1;
	q.each = each;
	return svc_alert_list(c->store, &c->who, &q, c->a, &v, &n, total);
}

static void alert_row(struct ctx *c, const void *row)
{
	const struct alert *al = row;

	text(c, 0, al->person_name);
	phone(c, 1, al->person_phone);
	text(c, 2, al->person_address);
	text(c, 3, al->area_name);
	text(c, 4, al->area);
	when(c, 5, al->raised_at);
	temp(c, 6, al->temp);
	text(c, 7, label(alert_status_zh, al->status));
	text(c, 8, al->destination);
	text(c, 9, al->facility);
	when(c, 10, al->referred_at);
	text(c, 11, al->result);
	when(c, 12, al->result_at);
	text(c, 13, al->note);
}

/* ---- service requests ---- */

static const char *const service_status_zh[][2] = {{"new", "待受理"},
						   {"accepted", "已受理"},
						   {"delivered", "已送达"},
						   {"cancelled", "已取消"},
						   {NULL, NULL}};

static const struct col service_cols[] = {
	{"姓名", 10}, {"区域", 16},     {"区划代码", 14}, {"类型", 10},
	{"物品", 24}, {"申请人", 10},   {"承办人", 10},   {"状态", 8},
	{"期限", 17}, {"申请时间", 17}, {"送达时间", 17}, {"备注", 24},
};

static bool service_parse(struct req *r, struct ctx *c)
{
	struct service_query *q = &c->q.service;

	if (!api_service_query(r, q))
		return false;
	q->area = cp(c, q->area);
	q->status = cp(c, q->status);
	return true;
}

static enum store_status service_read(struct ctx *c, const struct store_each *each, int64_t *total)
{
	struct service_query q = c->q.service;
	struct service *v;
	size_t n;

	q.now = c->now;
	q.limit = each ? (int)c->max_rows + 1 : 1;
	q.each = each;
	return svc_service_list(c->store, &c->who, &q, c->a, &v, &n, total);
}

static void service_row(struct ctx *c, const void *row)
{
	const struct service *s = row;

	text(c, 0, s->person_name);
	text(c, 1, s->area_name);
	text(c, 2, s->area);
	text(c, 3, s->kind);
	text(c, 4, s->items);
	text(c, 5, s->requester);
	text(c, 6, s->assignee);
	text(c, 7, label(service_status_zh, s->status));
	when(c, 8, s->due_at);
	when(c, 9, s->created_at);
	when(c, 10, s->delivered_at);
	text(c, 11, s->note);
}

/* ---- the audit trail ---- */

static const struct col audit_cols[] = {
	{"时间", 17}, {"账号", 12},     {"地址", 15}, {"操作", 20},     {"对象类型", 12},
	{"对象", 38}, {"区划代码", 14}, {"结果", 12}, {"请求编号", 18},
};

static bool audit_parse(struct req *r, struct ctx *c)
{
	struct audit_filter *f = &c->q.audit;

	if (!api_audit_query(r, f))
		return false;
	f->username = cp(c, f->username);
	f->action = cp(c, f->action);
	f->area = cp(c, f->area);
	f->before_id = 0; /* every page */
	return true;
}

static enum store_status audit_read(struct ctx *c, const struct store_each *each, int64_t *total)
{
	struct audit_filter f = c->q.audit;
	struct audit_row *v;
	size_t n;

	*total = -1; /* the trail keeps no count: the progress has no end to show */
	if (!each)
		return STORE_OK;
	f.limit = (int)c->max_rows + 1;
	f.each = each;
	return svc_audit_list(c->store, &c->who, &f, c->a, &v, &n);
}

static void audit_row(struct ctx *c, const void *row)
{
	const struct audit_row *a = row;

	when(c, 0, a->at);
	text(c, 1, a->username);
	text(c, 2, a->ip);
	text(c, 3, a->action);
	text(c, 4, a->object_type);
	text(c, 5, a->object_id);
	text(c, 6, a->area);
	text(c, 7, a->result);
	text(c, 8, a->request_id);
}

/* ---- lists read whole (a search's 200 files at most, the last 200 imports) ---- */

static enum store_status each_of(struct ctx *c, const struct store_each *each, size_t size,
				 int64_t *total)
{
	*total = (int64_t)c->nrows;
	for (size_t i = 0; each && i < c->nrows; i++)
		if (!each->row(each->ctx, (char *)c->rows + i * size))
			break;
	return STORE_OK;
}

static const char *const person_status_zh[][2] = {
	{"pending", "待核查"}, {"observation", "居家观察"}, {"hospital", "已送医"},
	{"moved", "已离开"},   {"not_found", "查无此人"},   {"wrong_info", "信息有误"},
	{"cleared", "已排除"}, {"to_place", "待落实观察"},  {NULL, NULL}};

static const struct col person_cols[] = {
	{"姓名", 10}, {"证件类型", 10}, {"证件号码", 22}, {"电话", 14}, {"性别", 6},
	{"住址", 28}, {"区域", 16},     {"区划代码", 14}, {"状态", 10},
};

static bool person_parse(struct req *r, struct ctx *c)
{
	struct person_query *q = &c->q.person;

	if (!api_person_query(r, q))
		return false;
	q->name_prefix = cp(c, q->name_prefix);
	return true;
}

static enum store_status person_read(struct ctx *c, const struct store_each *each, int64_t *total)
{
	struct person *v;
	enum store_status st = STORE_OK;

	if (!c->rows) { /* one search, audited as the list's (person.search, by its kind) */
		st = svc_person_search(c->store, &c->who, &c->q.person, "name", c->a, &v,
				       &c->nrows);
		c->rows = v;
	}
	return st != STORE_OK ? st : each_of(c, each, sizeof(struct person), total);
}

static void person_row(struct ctx *c, const void *row)
{
	const struct person *p = row;
	char idm[ID_NUMBER_MAX + 1] = "";

	text(c, 0, p->name);
	text(c, 1, p->doc_type);
	if (*p->id_number && !c->reveal)
		idcard_mask(p->id_number, idm, sizeof idm);
	text(c, 2, c->reveal ? p->id_number : idm);
	phone(c, 3, p->phone);
	text(c, 4, p->sex);
	text(c, 5, p->address);
	text(c, 6, p->area_name);
	text(c, 7, p->area);
	text(c, 8, label(person_status_zh, p->status));
}

static const struct col import_cols[] = {
	{"文件", 28}, {"上传人", 12}, {"上传时间", 17}, {"状态", 10}, {"行数", 8},
	{"导入", 8},  {"合并", 8},    {"待核", 8},      {"拒收", 8},  {"完成时间", 17},
};

static bool import_parse(struct req *r, struct ctx *c)
{
	int limit;

	if (!api_query_int(r, "limit", 1, 200, 50, &limit))
		return false;
	c->limit = limit;
	return true;
}

static enum store_status import_read(struct ctx *c, const struct store_each *each, int64_t *total)
{
	struct import_job *v;
	enum store_status st = STORE_OK;

	if (!c->rows) {
		st = svc_import_list(c->store, &c->who, c->limit, c->a, &v, &c->nrows);
		c->rows = v;
	}
	return st != STORE_OK ? st : each_of(c, each, sizeof(struct import_job), total);
}

static void import_row(struct ctx *c, const void *row)
{
	const struct import_job *j = row;

	text(c, 0, j->filename);
	text(c, 1, j->username);
	when(c, 2, j->created_at);
	text(c, 3, j->status);
	xlsx_stream_number(c->xs, 4, (double)j->rows);
	xlsx_stream_number(c->xs, 5, (double)j->imported);
	xlsx_stream_number(c->xs, 6, (double)j->merged);
	xlsx_stream_number(c->xs, 7, (double)j->flagged);
	xlsx_stream_number(c->xs, 8, (double)j->rejected);
	when(c, 9, j->finished_at);
}

/* ---- a checkpoint's registrations (登记台账): one row per person with its vehicle ---- */

static const struct col passage_cols[] = {
	{"登记时间", 17}, {"班次", 6},	   {"车牌号", 12},	 {"车辆类型", 9},
	{"方向", 6},	  {"姓名", 10},	   {"身份证号", 21},	 {"联系电话", 14},
	{"体温", 7},	  {"来源地", 16},  {"14天行程", 18},	 {"目的地", 24},
	{"属地", 14},	  {"事由", 12},	   {"处置", 12},	 {"移交核查", 10},
	{"核查结果", 12}, {"登记人", 10},  {"备注", 20},
};

static bool passage_parse(struct req *r, struct ctx *c)
{
	const char *cpid, *outcome;
	int from, to;

	struct principal who = api_principal(r);
	struct checkpoint k;

	if (!api_passage_lines_query(r, &cpid, &from, &to, &outcome))
		return false;
	/* a checkpoint out of reach is answered now, as the list's GET answers it */
	if (!api_stored(r, svc_checkpoint_get(r->srv->store, &who, cpid, r->a, &k),
			ERR_CHECKPOINT_NOT_FOUND))
		return false;
	c->q.passage.checkpoint = cp(c, cpid);
	c->q.passage.outcome = outcome ? cp(c, outcome) : NULL;
	c->q.passage.from = from;
	c->q.passage.to = to;
	return true;
}

static enum store_status passage_read(struct ctx *c, const struct store_each *each,
				      int64_t *total)
{
	if (each && svc_ref_outcomes(c->store, c->a, &c->outcomes, &c->noutcomes) != STORE_OK)
		c->noutcomes = 0;
	return svc_passage_lines(c->store, &c->who, c->q.passage.checkpoint, c->q.passage.from,
				 c->q.passage.to, c->q.passage.outcome, each, total);
}

static void passage_row(struct ctx *c, const void *row)
{
	static const char *const vehicle_zh[][2] = {
		{"car", "小客车"}, {"bus", "客车"}, {"truck", "货车"}, {"other", "其他"}, {NULL, NULL}};
	static const char *const outcome_zh[][2] = {{"passed", "放行"},
						    {"turned_back", "劝返"},
						    {"clinic", "送发热门诊"},
						    {"handover", "移交属地"},
						    {NULL, NULL}};
	static const char *const task_zh[][2] = {
		{"open", "待核查"}, {"closed", "已核查"}, {NULL, NULL}};
	const struct passage_line *l = row;
	const char *result = l->q.task_outcome;
	char idm[ID_NUMBER_MAX + 1] = "", shift[8];

	for (size_t i = 0; result && i < c->noutcomes; i++)
		if (!strcmp(c->outcomes[i].code, result))
			result = c->outcomes[i].zh;
	when(c, 0, l->p.at);
	snprintf(shift, sizeof shift, "%d", l->p.shift);
	text(c, 1, shift);
	text(c, 2, l->p.plate_unreadable ? (*l->p.plate ? l->p.plate : "无牌/看不清") : l->p.plate);
	text(c, 3, label(vehicle_zh, l->p.vehicle_kind));
	text(c, 4, !strcmp(l->p.direction, "in") ? "进" : "出");
	text(c, 5, l->q.name);
	if (*l->q.id_number && !c->reveal)
		idcard_mask(l->q.id_number, idm, sizeof idm);
	text(c, 6, c->reveal ? l->q.id_number : idm);
	phone(c, 7, l->q.phone);
	temp(c, 8, l->q.temp);
	text(c, 9, l->q.origin);
	text(c, 10, l->q.travel);
	text(c, 11, l->q.destination);
	text(c, 12, l->q.area_name);
	text(c, 13, l->q.purpose);
	text(c, 14, label(outcome_zh, l->q.outcome));
	text(c, 15, *l->q.task_status ? label(task_zh, l->q.task_status) : "");
	text(c, 16, result);
	text(c, 17, l->p.by);
	text(c, 18, l->p.note);
}

#define COLS(v) (v), (int)(sizeof(v) / sizeof((v)[0]))
static const struct list lists[] = {
	{"persons", "重点人员", PERM_PERSON_READ, true, COLS(person_cols), person_parse,
	 person_read, person_row},
	{"tasks", "核查任务", PERM_PERSON_READ, false, COLS(task_cols), task_parse, task_read,
	 task_row},
	{"observations", "居家观察", PERM_OBS_WORK, false, COLS(obs_cols), obs_parse, obs_read,
	 obs_row},
	{"alerts", "发热预警", PERM_OBS_WORK, true, COLS(alert_cols), alert_parse, alert_read,
	 alert_row},
	{"services", "服务需求", PERM_OBS_WORK, false, COLS(service_cols), service_parse,
	 service_read, service_row},
	{"imports", "导入记录", PERM_IMPORT, false, COLS(import_cols), import_parse, import_read,
	 import_row},
	{"audit", "审计日志", PERM_AUDIT_READ, false, COLS(audit_cols), audit_parse, audit_read,
	 audit_row},
	{"passages", "卡口登记", PERM_CHECKPOINT_WORK, true, COLS(passage_cols), passage_parse,
	 passage_read, passage_row},
};
#undef COLS

/* ---- the job ---- */

static bool on_row(void *p, const void *row)
{
	struct ctx *c = p;

	if (c->run->rows_done >= c->max_rows) {
		c->over = true;
		return false;
	}
	if (atomic_load(c->run->stop)) { /* the server stops: the job fails, nothing is kept */
		c->stopped = true;
		return false;
	}
	c->l->row(c, row);
	xlsx_stream_next(c->xs);
	c->run->rows_done++;
	return true;
}

static void audit_export(struct ctx *c, int64_t rows)
{
	json_t *after = json_pack("{s:s, s:o, s:I, s:b}", "list", c->l->name, "filter",
				  json_loads(c->filter, 0, NULL), "rows", (json_int_t)rows,
				  "revealed", c->reveal);
	char *txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);

	svc_read_audit(c->store, &c->who, "export.create", "export", c->run->id, c->who.area, txt,
		       true);
	free(txt);
	json_decref(after);
	if (!c->reveal)
		return;
	after = json_pack("{s:s, s:I}", "list", c->l->name, "rows", (json_int_t)rows);
	txt = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	svc_read_audit(c->store, &c->who, "person.reveal_export", "export", c->run->id, c->who.area,
		       txt, true);
	free(txt);
	json_decref(after);
}

static bool run(struct export_run *run, void *arg)
{
	struct ctx *c = arg;
	struct store_each each = {on_row, c};
	int64_t total = 0;
	const char *titles[EXPORT_COLS_MAX];
	double widths[EXPORT_COLS_MAX];
	bool ok;

	c->run = run;
	assert(c->l->ncols <= EXPORT_COLS_MAX);
	if (c->l->read(c, NULL, &total) != STORE_OK)
		return false;
	if (total > c->max_rows) {
		snprintf(run->error, sizeof run->error, "%s", err_info(ERR_EXPORT_TOO_LARGE)->code);
		return false;
	}
	run->rows_total = total > 0 ? total : 0;
	for (int i = 0; i < c->l->ncols; i++) {
		titles[i] = c->l->cols[i].title;
		widths[i] = c->l->cols[i].width;
	}
	c->xs = xlsx_stream_open(run->path, run->tmpdir, c->l->sheet, titles, widths, c->l->ncols,
				 c->who.username, c->l->sheet);
	if (!c->xs)
		return false;
	ok = c->l->read(c, &each, &total) == STORE_OK && !c->stopped;
	ok = xlsx_stream_close(c->xs) && ok;
	if (c->over) {
		snprintf(run->error, sizeof run->error, "%s", err_info(ERR_EXPORT_TOO_LARGE)->code);
		ok = false;
	}
	if (ok)
		audit_export(c, run->rows_done);
	return ok;
}

static void ctx_free(void *arg)
{
	struct ctx *c = arg;

	arena_free(c->a);
	free(c);
}

/* ---- handlers ---- */

struct args {
	json_t *o;
	bool masked;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct args *x = cls;

	(void)kind;
	/* a name searched for is the person's: the audit row says a name was given, not which */
	json_object_set_new(x->o, key,
			    json_string(x->masked && !strcmp(key, "q") && value && *value ? "…"
					: value                                           ? value
											  : ""));
	return MHD_YES;
}

/* The query's arguments as sorted JSON: masked, for the audit row (q shown as given, not
 * as what); else as sent, for the request's hash. */
static const char *query_json(struct req *r, struct arena *a, bool masked)
{
	struct args x = {json_object(), masked};
	char *txt;
	const char *out;

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &x);
	txt = json_dumps(x.o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(x.o);
	out = arena_strdup(a, txt ? txt : "{}");
	free(txt);
	return out;
}

static const struct list *list_named(const char *name)
{
	for (size_t i = 0; name && i < sizeof lists / sizeof lists[0]; i++)
		if (!strcmp(lists[i].name, name))
			return &lists[i];
	return NULL;
}

static json_t *state_json(const char *id, const struct export_state *s)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "id", id, "list", s->list, "status",
			      s->status, "rows_done", (json_int_t)s->rows_done, "rows_total",
			      (json_int_t)s->rows_total, "size", (json_int_t)s->size);

	json_object_set_new(j, "error", json_str_or_null(*s->error ? s->error : NULL));
	return j;
}

static struct principal principal_copy(struct req *r, struct arena *a)
{
	struct principal p = api_principal(r);

	p.user_id = arena_strdup(a, p.user_id);
	p.username = arena_strdup(a, p.username);
	p.area = arena_strdup(a, p.area);
	p.ip = arena_strdup(a, p.ip);
	p.request_id = arena_strdup(a, p.request_id);
	p.denial = arena_alloc(a, sizeof *p.denial);
	return p;
}

/* The job's hash: api_idem's (path and body) with every argument of the query. */
static bool export_idem(struct req *r, struct store_idem *idem, char hash[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *args = query_json(r, r->a, false);
	crypto_hash_sha256_state hs;

	if (!api_idem(r, idem, hash))
		return false;
	crypto_hash_sha256_init(&hs);
	crypto_hash_sha256_update(&hs, (const unsigned char *)hash, 64);
	crypto_hash_sha256_update(&hs, (const unsigned char *)args, strlen(args));
	crypto_hash_sha256_final(&hs, h);
	sodium_bin2hex(hash, 65, h, sizeof h);
	return true;
}

static void submit(struct req *r, struct ctx *c, const struct store_idem *idem, const char *hash)
{
	struct export_task t = {c->l->name, run, ctx_free, c};
	struct export_state s = {0};
	char id[37];
	enum exporter_status st =
		exporter_submit(r->srv->exporter, r->sess.user_id, idem->uuid, hash, &t, id);

	switch (st) {
	case EXPORTER_OK:
	case EXPORTER_REPLAY:
		exporter_state(r->srv->exporter, id, r->sess.user_id, &s);
		reply_json(r, st == EXPORTER_OK ? 202 : 200, state_json(id, &s));
		break;
	case EXPORTER_CONFLICT: reply_error(r, ERR_IDEMPOTENCY_CONFLICT, "uuid"); break;
	case EXPORTER_USER_BUSY: reply_error(r, ERR_EXPORT_RUNNING, NULL); break;
	default: reply_error(r, ERR_EXPORT_BUSY, NULL);
	}
}

void api_export_create(struct req *r)
{
	static const char *const allowed[] = {"uuid", "reveal", NULL};
	const struct list *l = list_named(req_query(r, "list"));
	struct store_idem idem;
	struct ctx *c;
	const char *area = req_query(r, "area");
	char hash[65];
	bool reveal = false;
	enum store_status st;

	if (!l) {
		reply_error(r, ERR_QUERY_INVALID, "list");
		return;
	}
	if (!role_can(r->sess.role, (enum perm)l->perm)) {
		api_deny(r, ERR_FORBIDDEN, "export", NULL);
		return;
	}
	if (api_unknown_fields(r, allowed) || !export_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_bool(r->json, "reveal", false, &reveal), "reveal"))
		return;
	if (reveal && !role_can(r->sess.role, PERM_PERSON_REVEAL)) {
		api_deny_field(r, ERR_FORBIDDEN, "reveal", "export", NULL);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->a = arena_new();
	c->store = r->srv->store;
	c->l = l;
	c->who = principal_copy(r, c->a);
	c->reveal = reveal && l->sensitive; /* nothing to reveal elsewhere: no reveal row */
	c->now = time_now();
	c->max_rows =
		r->srv->cfg.export_max_rows > 0 ? r->srv->cfg.export_max_rows : EXPORT_MAX_ROWS;
	c->filter = query_json(r, c->a, true);
	/* the list's own parse, then its area's scope now, as the list answers it */
	if (!l->parse(r, c))
		goto refused;
	if (area && *area && (st = svc_scope_check(&c->who, area, "area")) != STORE_OK) {
		*r->denial = *c->who.denial;
		api_list_error(r, st, ERR_AREA_NOT_FOUND);
		goto refused;
	}
	submit(r, c, &idem, hash);
	return;
refused:
	ctx_free(c);
}

static const char *job_id(struct req *r)
{
	return api_id_param(r, ERR_EXPORT_NOT_FOUND);
}

void api_export_get(struct req *r)
{
	const char *id = job_id(r);
	struct export_state s;

	if (!id)
		return;
	if (!exporter_state(r->srv->exporter, id, r->sess.user_id, &s))
		reply_error(r, ERR_EXPORT_NOT_FOUND, NULL);
	else
		reply_json(r, 200, state_json(id, &s));
}

void api_export_file(struct req *r)
{
	const char *id = job_id(r);
	struct export_state s;
	char disp[160];
	off_t size = 0;
	int fd;

	if (!id)
		return;
	if (!exporter_state(r->srv->exporter, id, r->sess.user_id, &s) ||
	    (fd = exporter_file(r->srv->exporter, id, r->sess.user_id, &size)) < 0) {
		reply_error(r, ERR_EXPORT_NOT_FOUND, NULL);
		return;
	}
	snprintf(disp, sizeof disp, "attachment; filename=\"%s.xlsx\"", s.list);
	reply_fd(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", disp,
		 fd, (uint64_t)size);
}
