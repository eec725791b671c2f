/* county_fixture — the small county the service unit tests run on: 溧阳市 with two towns,
 * two villages in 社渚镇 and one in 竹箦镇, loaded by the system through fixture_open; a
 * principal in one line; files and tasks made as the product makes them. Include after
 * cmocka.h. */
#ifndef FK_TEST_COUNTY_FIXTURE_H
#define FK_TEST_COUNTY_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "store_fixture.h"
#include "util/timeutil.h"
#include "util/uuid.h"

#define COUNTY "320481"
#define TOWN_A "320481116"
#define TOWN_B "320481111"
#define VILLAGE_A "320481116200"
#define VILLAGE_A2 "320481116201"
#define VILLAGE_B "320481111200"

/* A principal of user id 00000000-0000-4000-8000-00000000000n (n one digit, a string). */
#define FX_PRINCIPAL(n, name, role_, area_)                                                        \
	{                                                                                          \
		.user_id = "00000000-0000-4000-8000-00000000000" n, .username = name,              \
		.role = role_, .area = area_, .ip = "127.0.0.1", .request_id = "r" n               \
	}

static const struct area_seed county_seeds[] __attribute__((unused)) = {
	{COUNTY, "", "溧阳市"},
	{TOWN_A, COUNTY, "社渚镇"},
	{TOWN_B, COUNTY, "竹箦镇"},
	{VILLAGE_A, TOWN_A, "社渚村村委会"},
	{VILLAGE_A2, TOWN_A, "河口村村委会"},
	{VILLAGE_B, TOWN_B, "某村村委会"},
};
#define COUNTY_NSEEDS (sizeof county_seeds / sizeof county_seeds[0])

static inline int county_open(void **state, const char *tag)
{
	return fixture_open(state, tag, (struct store_opts){.readers = 2, .batch_max = 64},
			    county_seeds, COUNTY_NSEEDS);
}

/* How many audit rows of action there are (up to 500). */
static inline size_t fixture_audit_rows(struct fixture *f, const char *action)
{
	struct audit_filter q = {.action = action, .limit = 500};
	struct audit_row *rows;
	size_t n = 0;

	assert_int_equal(store_audit_list(f->s, &q, f->a, &rows, &n), STORE_OK);
	return n;
}

/* A file named name in area, registered by who as the form does; into *out. */
static inline void fixture_file(struct fixture *f, const struct principal *who, const char *area,
				const char *name, struct person *out)
{
	struct import_row row = {0};
	struct store_idem k = {arena_alloc(f->a, UUID_LEN + 1), "h", who->user_id};
	bool merged;

	uuid_v4((char *)k.uuid);
	uuid_v4(row.p.id);
	row.p.doc_type = "resident";
	row.p.id_number = "";
	row.p.name = name;
	row.p.phone = "";
	row.p.address = "";
	row.p.defects = "";
	row.t = (struct travel){.origin = "", .transport = "", .transport_no = ""};
	snprintf(row.p.area, sizeof row.p.area, "%s", area);
	assert_int_equal(svc_person_register(f->s, who, &k, &row, f->a, out, &merged, NULL),
			 STORE_OK);
}

struct fixture_task {
	const char *person_id, *task_id, *area;
};

static inline enum store_status fixture_task_insert(struct store_tx *tx, void *p)
{
	const struct fixture_task *t = p;
	struct task_new tn = {.id = t->task_id,
			      .person_id = t->person_id,
			      .area = t->area,
			      .defects = "",
			      .due_at = time_now() + 3600,
			      .now = time_now()};
	return store_tx_task_insert(tx, &tn);
}

/* An open task in area for the file person_id (as an import pushes one); its id. */
static inline char *fixture_task(struct fixture *f, const char *person_id, const char *area)
{
	char *id = arena_alloc(f->a, UUID_LEN + 1);
	struct fixture_task t = {person_id, id, area};

	uuid_v4(id);
	assert_int_equal(store_run(f->s, fixture_task_insert, &t), STORE_OK);
	return id;
}

#endif
