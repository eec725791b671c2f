/* cp_raw — the ceiling for checkpoint registrations in bench/checkpoint_bench.sh: the rows
 * one registration writes, inserted into a copy of a fangkong database by plain SQLite in
 * group commits, with nothing else.
 *
 *   cc -O2 -o cp_raw bench/cp_raw.c -lsqlite3
 *   cp_raw --db COPY.db --checkpoint ID --user ID [--seconds 5] [--batch 64]
 *
 * The same settings as the server's writer connection (src/store/sqlite/sq_db.c and
 * sq_writer.c: WAL, synchronous=FULL, foreign_keys=ON, cache_size=-16000, temp_store=FILE,
 * journal_size_limit 64 MiB; SQLite's automatic checkpoint at 1000 pages), on the schema
 * and indexes `fangkong init` made (the copy is of the benchmark's own database). Per
 * registration, as the server's passage.create writes for a passage without a handover:
 * the `passage` row (a UUID v7 key), 1–4 `passage_person` rows, the two upserts of
 * `checkpoint_count` (the hour and the day), the `idempotency` row (the client's UUID v4)
 * and the `audit` row. BATCH registrations a transaction, one COMMIT (one WAL sync) each:
 * what the server's writer does when BATCH requests wait together. No HTTP, no JSON, no
 * reads, no savepoints, no plate or ID number checks, no address resolution.
 *
 * Prints one line:
 *   RAW passages=N persons=P seconds=S per_s=R commit_p50=MS commit_p99=MS batch=B */
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

static const char passage_sql[] =
	"INSERT INTO passage(id, checkpoint_id, at, day, hour, shift, plate,"
	" plate_unreadable, plate_province, plate_key_area, vehicle_kind, direction, note,"
	" prereg, version, by_user, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	" ?7, 0, '苏', 0, 'car', 'in', '', NULL, 1, ?8, ?3, ?3)";
static const char person_sql[] =
	"INSERT INTO passage_person(passage_id, seq, name, id_number, id_valid, defects,"
	" phone, temp, origin, travel, destination, area_code, purpose, outcome, proposed,"
	" key_area, person_id, task_id) VALUES (?1, ?2, ?3, ?4, 1, '', ?5, ?6, '江苏省常州市',"
	" '', '社渚镇社渚村1组', '320481116200', '返乡', ?7, ?7, 0, NULL, NULL)";
static const char count_sql[] =
	"INSERT INTO checkpoint_count(checkpoint_id, day, hour, vehicles, persons,"
	" key_area_vehicles, key_area_persons, turned_back, clinic, handed_over,"
	" handovers_closed) VALUES (?1, ?2, ?3, 1, ?4, 0, 0, 0, ?5, 0, 0)"
	" ON CONFLICT (checkpoint_id, day, hour) DO UPDATE SET"
	" vehicles = vehicles + 1, persons = persons + ?4, clinic = clinic + ?5";
static const char idem_sql[] = "INSERT INTO idempotency(uuid, kind, user_id, body_hash, object_id,"
			       " created_at) VALUES (?1, 'passage.create', ?2, ?3, ?4, ?5)";
static const char audit_sql[] =
	"INSERT INTO audit(at, user_id, username, ip, action, object_type, object_id,"
	" area_code, result, before_json, after_json, request_id) VALUES (?1, ?2, 'bench',"
	" '127.0.0.1', 'passage.create', 'passage', ?3, '320481116', 'ok', NULL, ?4, ?5)";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void uuid(char out[37], int v7)
{
	unsigned char r[16];
	sqlite3_randomness(sizeof r, r);
	if (v7) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
		for (int i = 0; i < 6; i++)
			r[i] = (unsigned char)(ms >> (40 - 8 * i));
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | (v7 ? 0x70 : 0x40));
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
}

static sqlite3 *db;

static void die(const char *what)
{
	fprintf(stderr, "cp_raw: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare");
	return st;
}

static void done(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("insert");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *cp = NULL, *user = NULL;
	double seconds = 5;
	int batch = 64, c;
	static const struct option opts[] = {{"db", 1, 0, 'd'},    {"checkpoint", 1, 0, 'c'},
					     {"user", 1, 0, 'u'},  {"seconds", 1, 0, 's'},
					     {"batch", 1, 0, 'b'}, {0, 0, 0, 0}};

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'c': cp = optarg; break;
		case 'u': user = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'b': batch = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!path || !cp || !user || batch < 1) {
		fprintf(stderr, "usage: cp_raw --db COPY.db --checkpoint ID --user ID [--seconds S]"
				" [--batch N]\n");
		return 2;
	}
	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, pragmas, 0, 0, 0) != SQLITE_OK)
		die("open");
	sqlite3_stmt *ps = prep(passage_sql), *pp = prep(person_sql), *cc = prep(count_sql),
		     *id = prep(idem_sql), *au = prep(audit_sql), *begin = prep("BEGIN IMMEDIATE"),
		     *commit = prep("COMMIT");
	size_t n = 0, persons = 0, ncommit = 0, cap = 1 << 16;
	double *lat = malloc(cap * sizeof *lat), start = now_s(), t = start;

	while (t - start < seconds) {
		time_t at = time(NULL);
		struct tm lt;
		time_t local = at + 8 * 3600; /* Asia/Shanghai, as the server's days */
		gmtime_r(&local, &lt);
		int day = (lt.tm_year + 1900) * 10000 + (lt.tm_mon + 1) * 100 + lt.tm_mday;
		int hour = lt.tm_hour, shift = hour >= 8 && hour < 20 ? 0 : 1;

		done(begin);
		for (int b = 0; b < batch; b++, n++) {
			char pid[37], key[37], plate[32], after[512];
			unsigned r;
			sqlite3_randomness(sizeof r, &r);
			int np = 1 + (int)(r % 4), clinic = 0;
			uuid(pid, 1);
			uuid(key, 0);
			snprintf(plate, sizeof plate, "苏D%05u", r % 100000);
			sqlite3_bind_text(ps, 1, pid, -1, SQLITE_STATIC);
			sqlite3_bind_text(ps, 2, cp, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ps, 3, at);
			sqlite3_bind_int(ps, 4, day);
			sqlite3_bind_int(ps, 5, hour);
			sqlite3_bind_int(ps, 6, shift);
			sqlite3_bind_text(ps, 7, plate, -1, SQLITE_STATIC);
			sqlite3_bind_text(ps, 8, user, -1, SQLITE_STATIC);
			done(ps);
			for (int k = 0; k < np; k++, persons++) {
				char name[32], idno[32], phone[16];
				unsigned q;
				sqlite3_randomness(sizeof q, &q);
				int temp = 360 + (int)(q % 13); /* 36.0–37.2, 1 in 50 a fever */
				if (q % 50 == 0)
					temp = 375;
				clinic += temp >= 373;
				snprintf(name, sizeof name, "旅客%u", q % 10000);
				snprintf(idno, sizeof idno, "32048119800101%03u%u", q % 1000,
					 q % 10);
				snprintf(phone, sizeof phone, "139%08u", q % 100000000);
				sqlite3_bind_text(pp, 1, pid, -1, SQLITE_STATIC);
				sqlite3_bind_int(pp, 2, k + 1);
				sqlite3_bind_text(pp, 3, name, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(pp, 4, idno, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(pp, 5, phone, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int(pp, 6, temp);
				sqlite3_bind_text(pp, 7, temp >= 373 ? "clinic" : "passed", -1,
						  SQLITE_STATIC);
				done(pp);
			}
			for (int k = 0; k < 2; k++) {
				sqlite3_bind_text(cc, 1, cp, -1, SQLITE_STATIC);
				sqlite3_bind_int(cc, 2, day);
				sqlite3_bind_int(cc, 3, k ? 24 : hour);
				sqlite3_bind_int(cc, 4, np);
				sqlite3_bind_int(cc, 5, clinic);
				done(cc);
			}
			sqlite3_bind_text(id, 1, key, -1, SQLITE_STATIC);
			sqlite3_bind_text(id, 2, user, -1, SQLITE_STATIC);
			sqlite3_bind_text(id, 3, key, -1, SQLITE_STATIC); /* a hash's length */
			sqlite3_bind_text(id, 4, pid, -1, SQLITE_STATIC);
			sqlite3_bind_int64(id, 5, at);
			done(id);
			snprintf(after, sizeof after,
				 "{\"id\":\"%s\",\"checkpoint_id\":\"%s\",\"plate\":\"%s\","
				 "\"vehicle_kind\":\"car\",\"direction\":\"in\",\"persons\":%d}",
				 pid, cp, plate, np);
			sqlite3_bind_int64(au, 1, at);
			sqlite3_bind_text(au, 2, user, -1, SQLITE_STATIC);
			sqlite3_bind_text(au, 3, pid, -1, SQLITE_STATIC);
			sqlite3_bind_text(au, 4, after, -1, SQLITE_STATIC);
			sqlite3_bind_text(au, 5, key, -1, SQLITE_STATIC);
			done(au);
		}
		double t0 = now_s();
		done(commit);
		t = now_s();
		if (ncommit == cap && !(lat = realloc(lat, (cap *= 2) * sizeof *lat)))
			return 1;
		lat[ncommit++] = (t - t0) * 1000;
	}
	double secs = t - start;
	qsort(lat, ncommit, sizeof *lat, cmp_double);
	printf("RAW passages=%zu persons=%zu seconds=%.2f per_s=%.0f commit_p50=%.2f "
	       "commit_p99=%.2f batch=%d\n",
	       n, persons, secs, (double)n / secs, lat[ncommit / 2], lat[ncommit * 99 / 100],
	       batch);
	sqlite3_finalize(ps);
	sqlite3_finalize(pp);
	sqlite3_finalize(cc);
	sqlite3_finalize(id);
	sqlite3_finalize(au);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	free(lat);
	return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}
