/* sq_lock — work that one server of the database does at a time: an import job, sending
 * the queued messages, the sweep. On PostgreSQL a lock is a session-level advisory lock
 * held by a connection of its own: it ends with that connection, so a server killed while
 * holding one lets another take the work up. On SQLite there is one process: always
 * granted. */
#include <libpq-fe.h>
#include <stdlib.h>

#include "store/sqlite/sq.h"
#include "util/log.h"

struct store_lock {
	PGconn *c; /* NULL on SQLite */
};

struct store_lock *store_lock_try(struct store *s, const char *name)
{
	const char *v[1] = {name};
	struct store_lock *l = xcalloc(1, sizeof *l);
	PGresult *r;
	bool held;

	if (!s->pg)
		return l;
	l->c = PQconnectdb(s->path);
	if (PQstatus(l->c) != CONNECTION_OK) {
		log_warn("lock %s: cannot connect: %s", name, PQerrorMessage(l->c));
		store_lock_release(l);
		return NULL;
	}
	r = PQexecParams(l->c, "SELECT pg_try_advisory_lock(" SQ_PG_JOB_LOCK ", hashtext($1))", 1,
			 NULL, v, NULL, NULL, 0);
	held = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	       *PQgetvalue(r, 0, 0) == 't';
	PQclear(r);
	if (!held) {
		store_lock_release(l);
		return NULL;
	}
	return l;
}

bool store_lock_held(struct store_lock *l)
{
	return l && (!l->c || PQstatus(l->c) == CONNECTION_OK);
}

void store_lock_release(struct store_lock *l)
{
	if (!l)
		return;
	PQfinish(l->c); /* the session ends, and its lock with it */
	free(l);
}
