/* The import worker against a real temp store, with files made here the way people bring
 * them: a GB18030 CSV saved by Excel/WPS, a UTF-8 CSV with a BOM, an .xlsx with a merged
 * title row, date-formatted serial numbers and an ID typed into a number cell, and a
 * 1,000-row list with exactly 1% defective rows. Counters must be exact:
 * rows = imported + merged + rejected; flagged counts imported or merged rows with a defect.
 * Then: the same job run again does nothing, the same file again is refused, a list of
 * known people merges without new files or tasks, a refused batch leaves no trace, and a
 * job stopped between batches resumes with exact counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "io/import.h"
#include "service/service.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/uuid.h"

#define COUNTY "320481"
#define TOWN_A "320481116"   /* 社渚镇 */
#define VILLAGE_A "320481116200" /* 社渚村村委会 */
#define VILLAGE_HK "320481116002" /* 河口居委会 */
#define TOWN_B "320481111"   /* 竹箦镇 */
#define VILLAGE_B "320481111200" /* 竹箦村村委会 */

struct fixture {
	char dir[64], path[128];
	struct store *s;
	struct arena *a;
};

static const struct area_seed seeds[] = {
	{COUNTY, "", "溧阳市"},
	{TOWN_A, COUNTY, "社渚镇"},
	{TOWN_B, COUNTY, "竹箦镇"},
	{VILLAGE_A, TOWN_A, "社渚村村委会"},
	{VILLAGE_HK, TOWN_A, "河口居委会"},
	{VILLAGE_B, TOWN_B, "竹箦村村委会"},
};

static const struct area_seed divisions[] = {
	{"32", "", "江苏省"}, {"3201", "32", "南京市"}, {"42", "", "湖北省"}, {"4201", "42", "武汉市"},
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct store_opts o = {.readers = 2, .batch_max = 64, .create = true};
	struct principal sys = svc_system_principal(COUNTY);
	const char *err;

	snprintf(f->dir, sizeof f->dir, "/tmp/fk-import-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	f->s = store_open(f->path, &o, &err);
	f->a = arena_new();
	if (!f->s ||
	    svc_area_load(f->s, &sys, seeds, sizeof seeds / sizeof seeds[0], f->a) != STORE_OK ||
	    svc_division_load(f->s, &sys, divisions, sizeof divisions / sizeof divisions[0], f->a) !=
		    STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	store_close(f->s);
	arena_free(f->a);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* ---- helpers ---- */

static const char *make_id(char out[19], int year, int month, int day, int seq)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int s = 0;

	char buf[32];

	snprintf(buf, sizeof buf, "320481%04u%02u%02u%03u", (unsigned)year % 10000,
		 (unsigned)month % 100, (unsigned)day % 100, (unsigned)seq % 1000);
	memcpy(out, buf, 18);
	for (int i = 0; i < 17; i++)
		s += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[s % 11];
	out[18] = '\0';
	return out;
}

static void wrong_check(char id[19])
{
	id[17] = id[17] == '1' ? '2' : '1';
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* UTF-8 → GB18030 with iconv(3); the result is malloc'd, *n its length. */
static char *to_gb18030(const char *utf8, size_t *n)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t il = strlen(utf8), cap = il * 2 + 16, ol = cap;
	char *out = malloc(cap), *ip = (char *)utf8, *op = out;

	assert_true(cd != (iconv_t)-1);
	assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
	assert_int_equal(il, 0);
	iconv_close(cd);
	*n = cap - ol;
	return out;
}

/* Creates a job for the file (area COUNTY unless given) and returns its id (arena). */
static char *new_job(struct fixture *f, const char *path, const char *kind, const char *sha,
		     const char *area, enum store_status want)
{
	char *id = arena_alloc(f->a, UUID_LEN + 1), existing[UUID_LEN + 1] = "";
	struct import_job j = {0}, out;
	struct principal who = {.user_id = "00000000-0000-4000-8000-0000000000aa",
				.username = "tester",
				.role = ROLE_COMMANDER,
				.area = area ? area : COUNTY};

	uuid_v4(id);
	memcpy(j.id, id, UUID_LEN + 1);
	j.filename = strrchr(path, '/') + 1;
	j.sha256 = sha;
	j.path = path;
	j.kind = kind;
	j.deadline_hours = 24;
	assert_int_equal(svc_import_create(f->s, &who, NULL, &j, f->a, &out, existing, NULL),
			 want);
	if (want == STORE_CONFLICT)
		return arena_strdup(f->a, existing);
	return id;
}

static struct import_job job(struct fixture *f, const char *id)
{
	struct import_job j;

	assert_int_equal(store_flush(f->s), STORE_OK); /* the batches are answered before */
	assert_int_equal(store_import_get(f->s, id, f->a, &j), STORE_OK);
	return j;
}

#define expect_counts(j, r, im, me, fl, rej)                                                  \
	do {                                                                                   \
		assert_string_equal((j).status, "done");                                       \
		assert_int_equal((j).rows, (r));                                               \
		assert_int_equal((j).imported, (im));                                          \
		assert_int_equal((j).merged, (me));                                            \
		assert_int_equal((j).flagged, (fl));                                           \
		assert_int_equal((j).rejected, (rej));                                         \
		assert_int_equal((j).rows, (j).imported + (j).merged + (j).rejected);           \
	} while (0)

static struct person *find_by_id(struct fixture *f, const char *id_number, size_t *n)
{
	struct person_query q = {.scope = COUNTY, .id_number = id_number, .limit = 10};
	struct person *v;

	assert_int_equal(store_flush(f->s), STORE_OK);
	assert_int_equal(store_person_find(f->s, &q, f->a, &v, n), STORE_OK);
	return v;
}

static struct person *find_one(struct fixture *f, const char *id_number)
{
	size_t n;
	struct person *v = find_by_id(f, id_number, &n);

	if (n != 1)
		fail_msg("%zu persons with ID %s, want 1", n, id_number);
	return &v[0];
}

static int64_t task_total(struct fixture *f, const char *scope, const char *status)
{
	struct task_query q = {.scope = scope, .status = status, .now = time(NULL), .limit = 1};
	struct task *v;
	size_t n;
	int64_t total;

	assert_int_equal(store_task_list(f->s, &q, f->a, &v, &n, &total), STORE_OK);
	return total;
}

static struct import_issue *issues(struct fixture *f, const char *id, size_t *n)
{
	struct import_issue *v;

	assert_int_equal(store_import_issues(f->s, id, 0, 100000, f->a, &v, n), STORE_OK);
	return v;
}

static void file_of(struct fixture *f, const char *pid, struct travel **t, size_t *nt,
		    struct person_event **ev, size_t *ne, struct task **tasks, size_t *ntasks)
{
	assert_int_equal(store_person_file(f->s, pid, f->a, t, nt, ev, ne, tasks, ntasks),
			 STORE_OK);
}

/* ---- GB18030 ---- */

static void test_gb18030_csv(void **state)
{
	struct fixture *f = *state;
	char a[19], b[19], c[19], text[2048], path[192];
	struct import_job j;
	struct import_issue *is;
	struct person *p;
	struct travel *t;
	struct person_event *ev;
	struct task *tk;
	size_t n, nt, ne, ntk, len;
	char *gb;

	make_id(a, 1980, 1, 15, 11);
	make_id(b, 1990, 6, 30, 12);
	make_id(c, 1975, 12, 1, 13);
	wrong_check(c);
	snprintf(text, sizeof text,
		 "姓名,身份证号码,联系电话,来源地,返乡日期,现住址\r\n"
		 "张三,%s,13812345678,湖北省武汉市,2020/1/26,社渚镇社渚村5组\r\n"
		 "李四,%s,139 1234 5678,江苏省南京市,2020年1月25日,社渚镇河口居委会幸福路3号\r\n"
		 "王五,%s,,武汉,1月24日,竹箦镇东街8号\r\n",
		 a, b, c);
	gb = to_gb18030(text, &len);
	assert_true(len < strlen(text)); /* really two bytes a character, not UTF-8 */
	snprintf(path, sizeof path, "%s/gb.csv", f->dir);
	write_file(path, gb, len);
	free(gb);

	char *id = new_job(f, path, "csv", "sha-gb", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	expect_counts(j, 3, 3, 0, 1, 0);
	assert_int_equal(j.last_line, 4);
	assert_string_equal(j.header, "[\"姓名\",\"身份证号码\",\"联系电话\",\"来源地\",\"返乡日期\",\"现住址\"]");

	p = find_one(f, a);
	assert_string_equal(p->name, "张三");
	assert_string_equal(p->area, VILLAGE_A);
	assert_string_equal(p->phone, "13812345678");
	assert_true(p->categories & CAT_KEY_AREA);
	assert_string_equal(p->defects, "");
	file_of(f, p->id, &t, &nt, &ev, &ne, &tk, &ntk);
	assert_int_equal(nt, 1);
	assert_int_equal(t[0].arrival, 20200126);
	assert_string_equal(t[0].origin, "湖北省武汉市");
	assert_string_equal(t[0].origin_code, "4201");
	assert_string_equal(t[0].import_id, id);
	assert_int_equal(ntk, 1);
	assert_string_equal(tk[0].status, "open");
	assert_string_equal(tk[0].area, VILLAGE_A);
	assert_int_equal(tk[0].due_at - tk[0].created_at, 24 * 3600);
	assert_int_equal(ne, 1);
	assert_string_equal(ev[0].kind, "pushed");

	p = find_one(f, b);
	assert_string_equal(p->name, "李四");
	assert_string_equal(p->area, VILLAGE_HK);
	assert_string_equal(p->phone, "13912345678");
	assert_false(p->categories & CAT_KEY_AREA);

	p = find_one(f, c); /* wrong check character: kept, flagged, at the township */
	assert_string_equal(p->name, "王五");
	assert_false(p->id_valid);
	assert_string_equal(p->area, TOWN_B);
	assert_string_equal(p->defects, "id.check,phone.missing,address.unresolved");
	file_of(f, p->id, &t, &nt, &ev, &ne, &tk, &ntk);
	assert_int_equal(ntk, 1);
	assert_string_equal(tk[0].defects, "id.check,phone.missing,address.unresolved");
	assert_string_equal(tk[0].area, TOWN_B);

	is = issues(f, id, &n);
	assert_int_equal(n, 3);
	assert_int_equal(is[0].line, 4);
	assert_string_equal(is[0].code, "id.check");
	assert_string_equal(is[0].severity, "flagged");
	assert_string_equal(is[0].col, "身份证号码");
	assert_string_equal(is[0].value, c);
	assert_int_equal(is[1].line, 4);
	assert_string_equal(is[1].code, "phone.missing"); /* flagged, not silently accepted */
	assert_int_equal(is[2].line, 4);
	assert_string_equal(is[2].code, "address.unresolved");
	assert_string_equal(is[2].col, "现住址");
	assert_non_null(strstr(is[2].cells, "王五")); /* the original row, decoded */

	assert_int_equal(task_total(f, COUNTY, "open"), 3);
	assert_int_equal(task_total(f, TOWN_A, NULL), 2);
}

/* ---- UTF-8 with BOM ---- */

static void test_utf8_bom_csv(void **state)
{
	struct fixture *f = *state;
	char a[19], b[19], text[2048], path[192];
	struct import_job j;
	struct import_issue *is;
	struct person *p;
	size_t n;

	make_id(a, 1966, 3, 3, 21);
	make_id(b, 1999, 9, 9, 22);
	snprintf(text, sizeof text,
		 "\xEF\xBB\xBF"
		 "姓名,身份证号,手机号码,现住址,备注\r\n"
		 "赵六,%s,13700000001,\"社渚镇社渚村7组, 东头第二家\",\"说\"\"回来了\"\"\"\r\n"
		 ",%s,13700000002,社渚镇社渚村8组,没有名字\r\n"
		 "钱七,,,,只有名字\r\n"
		 "孙八,,13700000003,社渚村9组,无证件\r\n",
		 a, b);
	snprintf(path, sizeof path, "%s/bom.csv", f->dir);
	write_file(path, text, strlen(text));

	char *id = new_job(f, path, "csv", "sha-bom", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	/* 赵六 imported; the nameless row and 钱七 (nothing to verify) rejected; 孙八 flagged */
	expect_counts(j, 4, 2, 0, 1, 2);
	assert_non_null(strstr(j.header, "[\"姓名\"")); /* the BOM is not part of the first header */

	p = find_one(f, a);
	assert_string_equal(p->name, "赵六");
	assert_string_equal(p->address, "社渚镇社渚村7组, 东头第二家");
	assert_string_equal(p->area, VILLAGE_A);
	find_by_id(f, b, &n);
	assert_int_equal(n, 0); /* rejected rows create nothing */

	is = issues(f, id, &n);
	assert_int_equal(n, 3);
	assert_int_equal(is[0].line, 3);
	assert_string_equal(is[0].code, "name.missing");
	assert_string_equal(is[0].severity, "rejected");
	assert_int_equal(is[1].line, 4);
	assert_string_equal(is[1].code, "row.empty");
	assert_string_equal(is[1].severity, "rejected");
	assert_int_equal(is[2].line, 5);
	assert_string_equal(is[2].code, "id.missing");
	assert_string_equal(is[2].severity, "flagged");
}

/* ---- .xlsx: merged title, serial dates, an ID in a number cell ---- */

static void test_xlsx(void **state)
{
	struct fixture *f = *state;
	char a[19], c[19], path[192];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *title, *iso, *cn, *builtin;
	struct import_job j;
	struct import_issue *is;
	struct person *p;
	struct travel *t;
	struct person_event *ev;
	struct task *tk;
	size_t n, nt, ne, ntk;
	static const char *const hdr[] = {"序号", "姓名", "身份证号", "手机号码", "来源地", "返乡日期", "现住址"};

	make_id(a, 1985, 5, 5, 31);
	make_id(c, 1970, 7, 7, 33);
	snprintf(path, sizeof path, "%s/list.xlsx", f->dir);
	wb = workbook_new(path);
	assert_non_null(wb);
	ws = workbook_add_worksheet(wb, "名单");
	title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_align(title, LXW_ALIGN_CENTER);
	iso = workbook_add_format(wb);
	format_set_num_format(iso, "yyyy-mm-dd");
	cn = workbook_add_format(wb);
	format_set_num_format(cn, "yyyy\"年\"m\"月\"d\"日\"");
	builtin = workbook_add_format(wb);
	format_set_num_format_index(builtin, 14); /* m/d/yyyy, built in */
	worksheet_merge_range(ws, 0, 0, 0, 6, "社渚镇返乡人员排查登记表", title);
	for (lxw_col_t k = 0; k < 7; k++)
		worksheet_write_string(ws, 1, k, hdr[k], NULL);
	/* line 3 */
	worksheet_write_number(ws, 2, 0, 1, NULL);
	worksheet_write_string(ws, 2, 1, "张三", NULL);
	worksheet_write_string(ws, 2, 2, a, NULL);
	worksheet_write_string(ws, 2, 3, "13812345678", NULL);
	worksheet_write_string(ws, 2, 4, "湖北省武汉市", NULL);
	worksheet_write_number(ws, 2, 5, 43856, iso); /* 2020-01-26 */
	worksheet_write_string(ws, 2, 6, "社渚镇社渚村5组", NULL);
	/* line 4: the ID typed into a number cell, the phone too */
	worksheet_write_number(ws, 3, 0, 2, NULL);
	worksheet_write_string(ws, 3, 1, "李四", NULL);
	worksheet_write_number(ws, 3, 2, 320481199001011234.0, NULL);
	worksheet_write_number(ws, 3, 3, 13912345678.0, NULL);
	worksheet_write_string(ws, 3, 4, "武汉", NULL);
	worksheet_write_number(ws, 3, 5, 43855.5, cn); /* 2020-01-25 12:00 */
	worksheet_write_string(ws, 3, 6, "河口居委会", NULL);
	/* line 5 */
	worksheet_write_number(ws, 4, 0, 3, NULL);
	worksheet_write_string(ws, 4, 1, "王五", NULL);
	worksheet_write_string(ws, 4, 2, c, NULL);
	worksheet_write_string(ws, 4, 4, "江苏省南京市", NULL);
	worksheet_write_number(ws, 4, 5, 43850, builtin); /* 2020-01-20 */
	worksheet_write_string(ws, 4, 6, "竹箦镇竹箦村3组", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	char *id = new_job(f, path, "xlsx", "sha-xlsx", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	assert_null(j.error && *j.error ? j.error : NULL);
	expect_counts(j, 3, 3, 0, 2, 0); /* one more: a row without a phone is flagged */
	assert_int_equal(j.last_line, 5);
	assert_non_null(strstr(j.header, "\"姓名\""));
	assert_null(strstr(j.header, "登记表")); /* the title row is not the header */

	p = find_one(f, a);
	assert_string_equal(p->name, "张三");
	assert_string_equal(p->area, VILLAGE_A);
	assert_true(p->categories & CAT_KEY_AREA);
	file_of(f, p->id, &t, &nt, &ev, &ne, &tk, &ntk);
	assert_int_equal(nt, 1);
	assert_int_equal(t[0].arrival, 20200126);

	p = find_one(f, c);
	assert_string_equal(p->area, VILLAGE_B);
	assert_false(p->categories & CAT_KEY_AREA);
	file_of(f, p->id, &t, &nt, &ev, &ne, &tk, &ntk);
	assert_int_equal(nt, 1);
	assert_int_equal(t[0].arrival, 20200120);

	is = issues(f, id, &n);
	assert_int_equal(n, 2);
	assert_int_equal(is[1].line, 5); /* 王五 gave no phone: flagged */
	assert_string_equal(is[1].code, "phone.missing");
	assert_int_equal(is[0].line, 4); /* as the user sees it in Excel */
	assert_string_equal(is[0].code, "id.mangled");
	assert_string_equal(is[0].severity, "flagged");
	assert_string_equal(is[0].col, "身份证号");
	assert_non_null(strchr(is[0].value, 'E')); /* what Excel stored: 3.2048…E+17 */

	/* the mangled row is a file all the same, findable by name and phone */
	{
		struct person_query q = {.scope = COUNTY, .phone = "13912345678", .limit = 10};
		struct person *v;
		assert_int_equal(store_person_find(f->s, &q, f->a, &v, &n), STORE_OK);
		assert_int_equal(n, 1);
		assert_string_equal(v[0].name, "李四");
		assert_false(v[0].id_valid);
		assert_string_equal(v[0].defects, "id.mangled");
		assert_string_equal(v[0].area, VILLAGE_HK);
		assert_true(v[0].categories & CAT_KEY_AREA);
		file_of(f, v[0].id, &t, &nt, &ev, &ne, &tk, &ntk);
		assert_int_equal(nt, 1);
		assert_int_equal(t[0].arrival, 20200125);
		assert_int_equal(ntk, 1);
		assert_string_equal(tk[0].defects, "id.mangled");
	}
}

/* ---- 1,000 rows, exactly 1% defective ---- */

enum { BIG = 1000 };

static bool in(int i, const int *set, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (set[k] == i)
			return true;
	return false;
}

static const int bad_check_rows[] = {100, 250, 600, 999}; /* flagged: imported */
static const int no_name_rows[] = {50, 550, 777};         /* rejected */
static const int dup_rows[][2] = {{30, 20}, {700, 10}, {1000, 400}}; /* {row, copy of} */

static void row_cells(int i, char *out, size_t outsz)
{
	char id[19];

	for (size_t k = 0; k < 3; k++)
		if (dup_rows[k][0] == i)
			i = dup_rows[k][1]; /* the very same cells as the earlier row */
	make_id(id, 1950 + i % 51, 1 + i % 12, 1 + i % 28, i);
	if (in(i, bad_check_rows, 4))
		wrong_check(id);
	snprintf(out, outsz, "%s,%s,138%08d,%s,2020-01-%02d,%s%d%s\n",
		 in(i, no_name_rows, 3) ? "" : (i % 2 ? "居民甲" : "居民乙"), id, i,
		 i % 3 ? "江苏省南京市" : "湖北省武汉市", 1 + i % 28,
		 i % 2 ? "社渚镇社渚村" : "社渚镇河口居委会幸福路", i, i % 2 ? "组" : "号");
}

static char *big_file(struct fixture *f, const char *name, int nrows)
{
	char *path = arena_printf(f->a, "%s/%s", f->dir, name), line[256];
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs("姓名,身份证号,手机号码,来源地,返乡日期,现住址\n", fp);
	for (int i = 1; i <= nrows; i++) {
		if (nrows == BIG)
			row_cells(i, line, sizeof line);
		else {
			char id[19];
			/* beyond 1,000 the birth year keeps the numbers apart */
			snprintf(line, sizeof line, "人员%d,%s,,,,社渚镇社渚村%d组\n", i,
				 make_id(id, 1950 + (i / 1000) % 51, 1 + (i / 12) % 12, 1 + i % 28,
					 i % 1000),
				 i % 9 + 1);
		}
		fputs(line, fp);
	}
	assert_int_equal(fclose(fp), 0);
	return path;
}

static void test_one_percent_defective(void **state)
{
	struct fixture *f = *state;
	char *path = big_file(f, "big.csv", BIG), id20[19], id10[19], bad[19];
	struct import_job j;
	struct import_issue *is;
	struct person *p;
	struct travel *t;
	struct person_event *ev;
	struct task *tk;
	size_t n, nt, ne, ntk;
	int nflag = 0, nrej = 0;

	/* what the list holds, computed: 990 good rows + 4 + 3 + 3 defective */
	const int want_rejected = 3, want_merged = 3, want_flagged = 4;
	const int want_imported = BIG - want_rejected - want_merged;

	char *id = new_job(f, path, "csv", "sha-big", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	expect_counts(j, BIG, want_imported, want_merged, want_flagged, want_rejected);
	assert_int_equal(j.last_line, BIG + 1);
	assert_int_equal(task_total(f, COUNTY, NULL), want_imported);
	assert_int_equal(task_total(f, COUNTY, "open"), want_imported);

	is = issues(f, id, &n);
	assert_int_equal(n, 7);
	for (size_t k = 0; k < n; k++) {
		int row = (int)is[k].line - 1;
		if (!strcmp(is[k].code, "id.check")) {
			assert_true(in(row, bad_check_rows, 4));
			assert_string_equal(is[k].severity, "flagged");
			nflag++;
		} else if (!strcmp(is[k].code, "name.missing")) {
			assert_true(in(row, no_name_rows, 3));
			assert_string_equal(is[k].severity, "rejected");
			nrej++;
		} else
			fail_msg("unexpected issue %s on line %lld", is[k].code, (long long)is[k].line);
	}
	assert_int_equal(nflag, 4);
	assert_int_equal(nrej, 3);

	/* a duplicate in the same batch (line 31 of line 21) and one batch later (701 of 11):
	 * one file each, the same journey kept once, a second event, still one task */
	make_id(id20, 1950 + 20 % 51, 1 + 20 % 12, 1 + 20 % 28, 20);
	make_id(id10, 1950 + 10 % 51, 1 + 10 % 12, 1 + 10 % 28, 10);
	for (int k = 0; k < 2; k++) {
		p = find_one(f, k ? id10 : id20);
		file_of(f, p->id, &t, &nt, &ev, &ne, &tk, &ntk);
		assert_int_equal(nt, 1);
		assert_int_equal(ne, 2);
		assert_string_equal(ev[0].kind, "pushed");
		assert_string_equal(ev[1].kind, "listed");
		assert_int_equal(ntk, 1);
	}
	/* a flagged row keeps its defect on the file and the task */
	make_id(bad, 1950 + 250 % 51, 1 + 250 % 12, 1 + 250 % 28, 250);
	wrong_check(bad);
	p = find_one(f, bad);
	assert_string_equal(p->defects, "id.check");
	assert_false(p->id_valid);

	/* running the finished job again changes nothing */
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	expect_counts(j, BIG, want_imported, want_merged, want_flagged, want_rejected);
	assert_int_equal(task_total(f, COUNTY, NULL), want_imported);
	is = issues(f, id, &n);
	assert_int_equal(n, 7);

	/* the same file again in the same area: the first job, nothing new */
	assert_string_equal(new_job(f, path, "csv", "sha-big", NULL, STORE_CONFLICT), id);

	/* a finished job's upload is removed (the issues above came from the database) */
	assert_int_equal(access(path, F_OK), -1);

	/* the same people in another list (another file): all merge, no new files or tasks */
	path = big_file(f, "big.csv", BIG);
	char *id2 = new_job(f, path, "csv", "sha-big-resent", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id2, NULL), STORE_OK);
	j = job(f, id2);
	expect_counts(j, BIG, 0, BIG - want_rejected, want_flagged, want_rejected);
	assert_int_equal(task_total(f, COUNTY, NULL), want_imported);
	p = find_one(f, id20);
	file_of(f, p->id, &t, &nt, &ev, &ne, &tk, &ntk);
	assert_int_equal(nt, 1);  /* the same journey, listed four times */
	assert_int_equal(ne, 4);  /* pushed, listed, listed, listed */
	assert_string_equal(ev[3].kind, "listed");
	assert_int_equal(ntk, 1);
}

/* ---- a refused batch leaves no trace ---- */

static void test_batch_at_old_line_refused(void **state)
{
	struct fixture *f = *state;
	char a[19], b[19], text[512], path[192], fresh[19];
	struct import_job j;
	struct import_row row;
	struct import_progress d = {0};
	size_t n;

	make_id(a, 1981, 1, 1, 41);
	make_id(b, 1982, 2, 2, 42);
	snprintf(text, sizeof text, "姓名,身份证号,现住址,手机号\n甲,%s,社渚村1组,13900000001\n乙,%s,社渚村2组,13900000002\n", a, b);
	snprintf(path, sizeof path, "%s/small.csv", f->dir);
	write_file(path, text, strlen(text));
	char *id = new_job(f, path, "csv", "sha-small", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	expect_counts(j, 2, 2, 0, 0, 0);
	assert_int_equal(j.last_line, 3);

	/* a replay of a batch that ended at line 3 (or before) is refused whole */
	make_id(fresh, 1983, 3, 3, 43);
	memset(&row, 0, sizeof row);
	row.line = 3;
	uuid_v4(row.p.id);
	row.p.doc_type = "resident";
	row.p.id_number = fresh;
	row.p.id_valid = true;
	row.p.name = "丙";
	row.p.sex = "M";
	row.p.phone = "";
	row.p.address = "社渚村3组";
	memcpy(row.p.area, VILLAGE_A, sizeof VILLAGE_A);
	row.p.defects = "";
	row.t.origin = row.t.origin_code = row.t.transport = row.t.transport_no = "";
	for (int64_t last = 3; last >= 2; last--) {
		d.last_line = last;
		assert_int_equal(
			svc_import_batch(f->s, &j, &row, 1, NULL, 0, &d, time(NULL), NULL, f->a),
			STORE_CONFLICT);
	}
	find_by_id(f, fresh, &n);
	assert_int_equal(n, 0);
	j = job(f, id);
	expect_counts(j, 2, 2, 0, 0, 0);
	assert_int_equal(j.last_line, 3);
	assert_int_equal(task_total(f, COUNTY, NULL), 2);

	/* a batch after the stored line is taken */
	d.last_line = 4;
	assert_int_equal(svc_import_batch(f->s, &j, &row, 1, NULL, 0, &d, time(NULL), NULL, f->a),
			 STORE_OK);
	find_one(f, fresh);
	j = job(f, id);
	assert_int_equal(j.imported, 3);
	assert_int_equal(j.rows, 3);
	assert_int_equal(j.last_line, 4);
}

/* ---- stopped between batches, resumed ---- */

enum { RESUME_ROWS = 30000 };

/* Asks the import to stop as soon as its first batch is committed. */
static void stop_after_batch(void *p, int64_t last_line)
{
	(void)last_line;
	atomic_store((atomic_bool *)p, true);
}

static void test_resume_after_stop(void **state)
{
	struct fixture *f = *state;
	char *path = big_file(f, "resume.csv", RESUME_ROWS);
	atomic_bool stop = false;
	struct import_job j;
	char first[19], last[19];
	const char *id;
	enum store_status st;
	size_t n;

	id = new_job(f, path, "csv", "sha-resume", NULL, STORE_OK);
	/* the import stops itself after its first committed batch */
	st = import_run_observed(f->s, id, &stop, stop_after_batch, &stop);
	j = job(f, id);
	if (strcmp(j.status, "running"))
		fail_msg("the import was not interrupted (status %s, last line %lld): nothing to "
			 "resume", j.status, (long long)j.last_line);
	assert_int_equal(st, STORE_BUSY);
	assert_true(j.last_line > 1 && j.last_line < RESUME_ROWS + 1);
	/* what was committed is exact: every row up to last_line, nothing after */
	assert_int_equal(j.rows, j.last_line - 1);
	assert_int_equal(j.imported, j.last_line - 1);
	assert_int_equal(task_total(f, COUNTY, NULL), j.imported);

	/* the next start picks it up */
	{
		struct import_job *pend;
		assert_int_equal(store_import_pending(f->s, f->a, &pend, &n), STORE_OK);
		assert_int_equal(n, 1);
		assert_string_equal(pend[0].id, id);
	}
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	expect_counts(j, RESUME_ROWS, RESUME_ROWS, 0, RESUME_ROWS, 0); /* no phones */
	assert_int_equal(j.last_line, RESUME_ROWS + 1);
	assert_int_equal(task_total(f, COUNTY, NULL), RESUME_ROWS);
	make_id(first, 1950, 1, 2, 1);
	make_id(last, 1950 + (RESUME_ROWS / 1000) % 51, 1 + (RESUME_ROWS / 12) % 12,
		1 + RESUME_ROWS % 28, RESUME_ROWS % 1000);
	find_one(f, first);
	find_one(f, last);
	{
		struct import_job *pend;
		assert_int_equal(store_import_pending(f->s, f->a, &pend, &n), STORE_OK);
		assert_int_equal(n, 0);
	}
}

/* ---- a township's list: addresses elsewhere in the county ---- */

static void test_address_outside_importer_area(void **state)
{
	struct fixture *f = *state;
	char a[19], b[19], text[512], path[192];
	struct import_job j;
	struct import_issue *is;
	struct person *p;
	size_t n;

	make_id(a, 1971, 1, 1, 51);
	make_id(b, 1972, 2, 2, 52);
	snprintf(text, sizeof text,
		 "姓名,身份证号,现住址,手机号\n"
		 "甲,%s,社渚镇社渚村1组,13900000001\n"
		 "乙,%s,竹箦镇竹箦村3组,13900000002\n", /* 竹箦镇: the county's, not 社渚镇's */
		 a, b);
	snprintf(path, sizeof path, "%s/town.csv", f->dir);
	write_file(path, text, strlen(text));
	char *id = new_job(f, path, "csv", "sha-town", TOWN_A, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	expect_counts(j, 2, 2, 0, 1, 0);
	assert_string_equal(find_one(f, a)->area, VILLAGE_A);
	p = find_one(f, b);
	assert_string_equal(p->area, TOWN_A); /* stays with the importer */
	/* and says why: the address is outside the importer's area (returnee.h: the index
	 * holds the county's townships and villages), not that it names no village */
	assert_string_equal(p->defects, "address.outside");
	is = issues(f, id, &n);
	assert_int_equal(n, 1);
	assert_int_equal(is[0].line, 3);
	assert_string_equal(is[0].code, "address.outside");
	assert_int_equal(task_total(f, TOWN_B, NULL), 0);
}

/* ---- rows without an ID number never merge by themselves ---- */

static void test_no_id_never_merges(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "姓名,手机号码,现住址\n"
				   "孙八,13700000003,社渚村9组\n"
				   "孙八,13700000003,社渚村9组\n";
	char path[192];
	struct import_job j;
	struct person_query q = {.scope = COUNTY, .phone = "13700000003", .limit = 10};
	struct person *v;
	struct travel *t;
	struct person_event *ev;
	struct task *tk;
	size_t n, nt, ne, ntk;

	snprintf(path, sizeof path, "%s/noid.csv", f->dir);
	write_file(path, text, sizeof text - 1);
	char *id = new_job(f, path, "csv", "sha-noid", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	expect_counts(j, 2, 2, 0, 2, 0); /* both flagged id.missing */
	assert_int_equal(store_person_find(f->s, &q, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(task_total(f, COUNTY, NULL), 2);
	/* the second file records the first as a possible duplicate, for a person to merge */
	int pointing = 0;
	for (size_t k = 0; k < 2; k++) {
		file_of(f, v[k].id, &t, &nt, &ev, &ne, &tk, &ntk);
		assert_int_equal(ne, 1);
		assert_int_equal(ntk, 1);
		if (strstr(ev[0].detail, "possible_duplicate_of")) {
			assert_non_null(strstr(ev[0].detail, v[1 - k].id));
			pointing++;
		}
	}
	assert_int_equal(pointing, 1); /* exactly one of the two points at the other */
}

/* ---- files that cannot be imported ---- */

static void test_bad_files(void **state)
{
	struct fixture *f = *state;
	char path[192];
	struct import_job j;
	static const char no_header[] = "a,b,c\n1,2,3\n";
	static const char fake_xlsx[] = "PK\x03\x04 this is not a zip at all";

	snprintf(path, sizeof path, "%s/noheader.csv", f->dir);
	write_file(path, no_header, sizeof no_header - 1);
	char *id = new_job(f, path, "csv", "sha-nohdr", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	assert_string_equal(j.status, "failed");
	assert_string_equal(j.error, "import.header.missing");
	assert_int_equal(j.rows, 0);

	snprintf(path, sizeof path, "%s/fake.xlsx", f->dir);
	write_file(path, fake_xlsx, sizeof fake_xlsx - 1);
	id = new_job(f, path, "xlsx", "sha-fake", NULL, STORE_OK);
	assert_int_equal(import_run(f->s, id, NULL), STORE_OK);
	j = job(f, id);
	assert_string_equal(j.status, "failed");
	assert_string_equal(j.error, "import.format");
	assert_int_equal(task_total(f, COUNTY, NULL), 0);
}

/* At start, the upload folder keeps only the lists of queued or running jobs. */
static void test_sweep_keeps_pending_lists_only(void **state)
{
	struct fixture *f = *state;
	char *dir = arena_printf(f->a, "%s/uploads", f->dir);
	char *pending, *stray, *partial, *done_path;

	assert_int_equal(mkdir(dir, 0700), 0);
	pending = arena_printf(f->a, "%s/pending.csv", dir);
	stray = arena_printf(f->a, "%s/left-by-a-crash.csv", dir);
	partial = arena_printf(f->a, "%s/0123.upload", dir);
	done_path = arena_printf(f->a, "%s/done.csv", dir);
	write_file(pending, "a", 1);
	write_file(stray, "b", 1);
	write_file(partial, "c", 1);
	write_file(done_path, "d", 1);
	new_job(f, pending, "csv", "sha-pending", NULL, STORE_OK);
	char *done = new_job(f, done_path, "csv", "sha-done", NULL, STORE_OK);
	struct import_job dj = job(f, done);
	assert_int_equal(svc_import_status(f->s, &dj, "done", NULL), STORE_OK);
	assert_int_equal(import_sweep(f->s, dir), 3);
	assert_int_equal(access(pending, F_OK), 0);
	assert_int_not_equal(access(stray, F_OK), 0);
	assert_int_not_equal(access(partial, F_OK), 0);
	assert_int_not_equal(access(done_path, F_OK), 0);
	assert_int_equal(import_sweep(f->s, dir), 0);
	assert_int_equal(import_sweep(f->s, "/nonexistent/fk-uploads"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gb18030_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_bom_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_percent_defective, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_at_old_line_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_after_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_outside_importer_area, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_id_never_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_keeps_pending_lists_only, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
