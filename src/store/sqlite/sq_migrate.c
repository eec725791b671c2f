/* sq_migrate — numbered migrations, applied in order, each in its own transaction,
 * recorded in schema_version. A migration is never edited once released: add a new one.
 *
 * The SQL keeps to what PostgreSQL also accepts (TEXT, INTEGER, BIGINT-sized integers,
 * no SQLite-only types) except triggers and WITHOUT ROWID (tables keyed by text look up
 * by their key directly), which the PostgreSQL backend writes in its own dialect. */
#include <sqlite3.h>
#include <stdio.h>

#include "store/sqlite/sq.h"
#include "util/log.h"

static const char *const migrations[] = {
	/* 1: areas, accounts, idempotency keys, audit */
	"CREATE TABLE area ("
	"  code TEXT PRIMARY KEY,"
	"  parent TEXT REFERENCES area(code),"
	"  level INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  responsible_name TEXT NOT NULL DEFAULT '',"
	"  responsible_phone TEXT NOT NULL DEFAULT '',"
	"  duty_phone TEXT NOT NULL DEFAULT '',"
	"  official INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX area_parent ON area(parent, code);"
	"CREATE INDEX area_parent_name ON area(parent, name);"
	"CREATE TABLE app_user ("
	"  id TEXT PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL,"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  password_hash TEXT NOT NULL,"
	"  must_change INTEGER NOT NULL DEFAULT 1,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  last_login_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX app_user_area ON app_user(area_code);"
	"CREATE TABLE idempotency ("
	"  uuid TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  user_id TEXT,"
	"  body_hash TEXT NOT NULL,"
	"  object_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id TEXT, username TEXT, ip TEXT,"
	"  action TEXT NOT NULL,"
	"  object_type TEXT, object_id TEXT, area_code TEXT,"
	"  result TEXT NOT NULL,"
	"  before_json TEXT, after_json TEXT, request_id TEXT);"
	"CREATE INDEX audit_area ON audit(area_code, id);"
	"CREATE INDEX audit_user ON audit(username, id);"
	"CREATE INDEX audit_action ON audit(action, id);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;",
};

enum { NMIGRATIONS = sizeof migrations / sizeof migrations[0] };

static int current_version(struct sq_conn *c)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sq_exec(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)") !=
	    STORE_OK)
		return -1;
	if (sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version), 0) FROM schema_version", -1,
			       &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static enum store_status apply(struct sq_conn *c, int version)
{
	char mark[96];

	if (sq_exec(c, "BEGIN IMMEDIATE") != STORE_OK)
		return STORE_ERROR;
	snprintf(mark, sizeof mark, "INSERT INTO schema_version(version) VALUES (%d)", version);
	if (sq_exec(c, migrations[version - 1]) != STORE_OK || sq_exec(c, mark) != STORE_OK) {
		sq_exec(c, "ROLLBACK");
		return STORE_ERROR;
	}
	return sq_exec(c, "COMMIT");
}

enum store_status sq_migrate(struct sq_conn *c, const char **err)
{
	int v = current_version(c);

	if (v < 0) {
		*err = "cannot read the schema version / 无法读取数据库版本";
		return STORE_ERROR;
	}
	if (v > NMIGRATIONS) {
		*err = "the database is newer than this program / 数据库版本高于本程序";
		return STORE_ERROR;
	}
	for (int i = v + 1; i <= NMIGRATIONS; i++) {
		if (apply(c, i) != STORE_OK) {
			*err = "a migration failed / 数据库迁移失败";
			return STORE_ERROR;
		}
		log_info("database migrated to version %d", i);
	}
	return STORE_OK;
}

int sq_schema_latest(void) { return NMIGRATIONS; }
