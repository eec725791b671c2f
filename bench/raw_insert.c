/* raw_insert — the physical limit for bench/import_bench.sh: the rows of a returnee CSV
 * inserted into SQLite as fast as the server's durability rules allow, with nothing else.
 *
 *   cc -O2 -o raw_insert bench/raw_insert.c -lsqlite3
 *   raw_insert --db FILE.db --csv LIST.csv [--batch 500] [--key v4|v7] [--schema FILE]
 *   raw_insert --into FANGKONG.db --csv LIST.csv [--batch 50000]
 *
 * The same settings as the server's writer connection (src/store/sqlite/sq_db.c and
 * sq_writer.c: WAL, synchronous=FULL, foreign_keys=ON, cache_size=-16000, no mmap,
 * temp_store=FILE, journal_size_limit 64 MiB; SQLite's automatic checkpoint at 1000 pages,
 * where the server checkpoints between write groups from 1000 pages), the
 * same batch size as the import worker (500 rows a transaction), and a table with the
 * columns, key and indexes of `person` (migration 2 in src/store/sqlite/sq_migrate.c, or
 * the CREATE statements in --schema FILE, as `fangkong init` made them), including its
 * foreign key to a one-row `area`. One prepared INSERT per row; the key a random UUID v4,
 * or with --key v7 a time-ordered UUID v7 as the server makes since b67eae9; the cells
 * taken as they are: no normalisation,
 * no validation, no address resolution, no lookups, no travel, timeline or task rows.
 *
 * The CSV is read plainly: UTF-8 (BOM skipped), comma-separated, no quoting (what
 * bench/gen_returnees.c writes); rows up to the header row (the one naming 身份证号) are
 * skipped; columns 姓名,身份证号,手机号码,来源地,返乡日期,交通方式,车次,现住址.
 *
 * --into fills the `person` table of an existing fangkong database instead (the server
 * stopped), all in area 320481: only to reach a number of persons for the search figure.
 *
 * Prints one line: `RAW rows=N seconds=S rows_per_s=R` (seconds from the first BEGIN to the
 * last COMMIT, the reading of the file included, as the import's are). */
#define _GNU_SOURCE
#include <getopt.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char pragmas[] =
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	"PRAGMA busy_timeout=10000; PRAGMA cache_size=-16000; PRAGMA temp_store=FILE;"
	"PRAGMA journal_size_limit=67108864;";

static const char area_schema[] =
	"CREATE TABLE area (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;"
	"INSERT INTO area VALUES ('320481', '溧阳市');";

/* migration 2 as of this writing; --schema FILE takes the statements from the database the
 * server made (bench/import_bench.sh passes them), so the two cannot drift apart */
static const char person_schema[] =
	"CREATE TABLE person ("
	"  id TEXT PRIMARY KEY,"
	"  doc_type TEXT NOT NULL DEFAULT 'resident',"
	"  id_number TEXT NOT NULL DEFAULT '',"
	"  id_valid INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL,"
	"  sex TEXT NOT NULL DEFAULT '',"
	"  birth INTEGER NOT NULL DEFAULT 0,"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL DEFAULT '',"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  categories INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'pending',"
	"  defects TEXT NOT NULL DEFAULT '',"
	"  merged_into TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX person_doc ON person(doc_type, id_number) WHERE id_valid = 1;"
	"CREATE INDEX person_idnum ON person(id_number);"
	"CREATE INDEX person_phone ON person(phone);"
	"CREATE INDEX person_name ON person(name, area_code);"
	"CREATE INDEX person_area ON person(area_code);";

static const char insert_sql[] =
	"INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone,"
	" address, area_code, categories, status, defects, created_at, updated_at)"
	" VALUES (?1, 'resident', ?2, ?3, ?4, ?5, ?6, ?7, ?8, '320481', 0, 'pending', '', ?9, ?9)";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int key_v7; /* --key v7: time-ordered keys (UUID version 7) instead of random ones */

static void uuid_v4(char out[37])
{
	unsigned char r[16];
	sqlite3_randomness(sizeof r, r);
	if (key_v7) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
		for (int i = 0; i < 6; i++)
			r[i] = (unsigned char)(ms >> (40 - 8 * i));
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | (key_v7 ? 0x70 : 0x40));
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "raw_insert: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					      {"csv", required_argument, 0, 'c'},
					      {"batch", required_argument, 0, 'b'},
					      {"into", required_argument, 0, 'i'},
					      {"key", required_argument, 0, 'k'},
					      {"schema", required_argument, 0, 's'},
					      {0, 0, 0, 0}};
	const char *dbpath = NULL, *csv = NULL, *schema_file = NULL;
	char *schema = (char *)person_schema;
	long batch = 500;
	int ch, into = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbpath = optarg; break;
		case 'c': csv = optarg; break;
		case 'b': batch = strtol(optarg, NULL, 10); break;
		case 'i': dbpath = optarg; into = 1; break;
		case 'k': key_v7 = !strcmp(optarg, "v7"); break;
		case 's': schema_file = optarg; break;
		default: goto usage;
		}
	}
	if (!dbpath || !csv || batch < 1) {
	usage:
		fprintf(stderr, "usage: raw_insert --db|--into FILE --csv FILE [--batch N] [--key v4|v7]"
				" [--schema FILE]\n");
		return 2;
	}

	sqlite3 *db;
	sqlite3_stmt *st;
	if (schema_file) {
		FILE *sf = fopen(schema_file, "r");
		size_t got;
		if (!sf || !(schema = calloc(1, 1 << 20)) ||
		    (got = fread(schema, 1, (1 << 20) - 1, sf)) == 0) {
			perror(schema_file);
			return 1;
		}
		fclose(sf);
	}
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
					       (into ? 0 : SQLITE_OPEN_CREATE), NULL) != SQLITE_OK) {
		fprintf(stderr, "raw_insert: %s: %s\n", dbpath, sqlite3_errmsg(db));
		return 1;
	}
	if (exec(db, pragmas) != 0 ||
	    (!into && (exec(db, area_schema) != 0 || exec(db, schema) != 0)))
		return 1;
	if (sqlite3_prepare_v3(db, insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "raw_insert: prepare: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	FILE *fp = fopen(csv, "r");
	if (!fp) {
		perror(csv);
		return 1;
	}

	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long long rows = 0, in_tx = 0;
	int header = 0;
	int64_t created = (int64_t)time(NULL);
	double t0 = now_s();

	while ((len = getline(&line, &cap, fp)) > 0) {
		char *p = line, *f[8];
		int n = 0;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!strncmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		if (!header) {
			header = strstr(p, "身份证号") != NULL;
			continue;
		}
		for (f[n++] = p; n < 8 && (p = strchr(p, ',')); f[n++] = ++p)
			p[0] = '\0';
		if (n < 8)
			continue; /* a short line: not a row */
		const char *id = f[1];
		size_t idlen = strlen(id);
		char uuid[37], sex[2] = "", birth[9] = "";
		if (idlen == 18) { /* plain substrings, unchecked */
			memcpy(birth, id + 6, 8);
			sex[0] = (id[16] - '0') % 2 ? 'M' : 'F';
		}
		uuid_v4(uuid);
		if (in_tx == 0 && exec(db, "BEGIN IMMEDIATE") != 0)
			return 1;
		sqlite3_bind_text(st, 1, uuid, 36, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, id, (int)idlen, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, idlen > 0);
		sqlite3_bind_text(st, 4, f[0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, sex, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, atoi(birth));
		sqlite3_bind_text(st, 7, f[2], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, f[7], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 9, created);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "raw_insert: row %lld: %s\n", rows + 1, sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		rows++;
		if (++in_tx == batch) {
			if (exec(db, "COMMIT") != 0)
				return 1;
			in_tx = 0;
		}
	}
	if (in_tx && exec(db, "COMMIT") != 0)
		return 1;
	double secs = now_s() - t0;
	fclose(fp);
	free(line);
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("RAW rows=%lld seconds=%.2f rows_per_s=%.0f\n", rows, secs,
	       secs > 0 ? (double)rows / secs : 0.0);
	return rows > 0 ? 0 : 1;
}
