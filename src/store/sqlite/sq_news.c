/* sq_news — what one server tells the others serving the same PostgreSQL database
 * (LISTEN/NOTIFY on the channel "fangkong"): a session ended, areas changed, a login
 * failed. Each process keeps such things in memory for speed; the news keeps those copies
 * true across processes. Two connections of their own: one listens (a thread), one tells.
 * A process does not act on its own news (the telling connection's backend is skipped).
 *
 * News is not stored: a listener that lost its connection may have missed some, so after
 * it reconnects it says so (msg NULL) and every cache is forgotten. On SQLite there is one
 * process: telling and listening do nothing. */
#include <libpq-fe.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite/sq.h"
#include "util/log.h"

enum { POLL_MS = 500, RETRY_MS = 1000 };

struct sq_news {
	char *conninfo;
	store_news_fn fn;
	void *ctx;
	struct store *s;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t fmu; /* fn and ctx, held while fn runs */
	pthread_mutex_t mu;  /* the telling connection */
	PGconn *tell;
	atomic_int tell_pid;
};

static void heard(struct sq_news *n, const char *msg)
{
	if (!msg || !strcmp(msg, "area"))
		n->s->area_gen++; /* the area caches of this process miss from now on */
	pthread_mutex_lock(&n->fmu);
	if (n->fn)
		n->fn(n->ctx, msg);
	pthread_mutex_unlock(&n->fmu);
}

static PGconn *listener(struct sq_news *n)
{
	PGconn *c = PQconnectdb(n->conninfo);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return NULL;
	}
	r = PQexec(c, "LISTEN fangkong");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		PQfinish(c);
		return NULL;
	}
	PQclear(r);
	return c;
}

static void *listen_main(void *arg)
{
	struct sq_news *n = arg;
	PGconn *c = NULL;
	bool missed = false;

	while (!atomic_load(&n->stop)) {
		PGnotify *msg;
		struct pollfd pfd;

		if (!c) {
			if (!(c = listener(n))) {
				missed = true;
				poll(NULL, 0, RETRY_MS);
				continue;
			}
			if (missed) { /* what came while we were away is lost */
				log_info("news: listening again; caches forgotten");
				heard(n, NULL);
				missed = false;
			}
		}
		pfd = (struct pollfd){.fd = PQsocket(c), .events = POLLIN};
		if (poll(&pfd, 1, POLL_MS) < 0)
			continue;
		if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) {
			log_warn("news: the listening connection was lost: %s", PQerrorMessage(c));
			PQfinish(c);
			c = NULL;
			missed = true;
			continue;
		}
		while ((msg = PQnotifies(c))) {
			if (msg->be_pid != atomic_load(&n->tell_pid))
				heard(n, msg->extra);
			PQfreemem(msg);
		}
	}
	PQfinish(c);
	return NULL;
}

bool store_news_listen(struct store *s, store_news_fn fn, void *ctx)
{
	struct sq_news *n;

	if (!s->pg)
		return false;
	if ((n = s->news)) { /* another listener (NULL: none), once the running call is done */
		pthread_mutex_lock(&n->fmu);
		n->fn = fn;
		n->ctx = ctx;
		pthread_mutex_unlock(&n->fmu);
		return true;
	}
	n = xcalloc(1, sizeof *n);
	n->conninfo = xstrdup(s->path);
	n->fn = fn;
	n->ctx = ctx;
	n->s = s;
	pthread_mutex_init(&n->mu, NULL);
	pthread_mutex_init(&n->fmu, NULL);
	s->news = n;
	if (pthread_create(&n->thread, NULL, listen_main, n) != 0) {
		log_error("cannot start the news listener");
		abort();
	}
	return true;
}

void store_news_tell(struct store *s, const char *msg)
{
	struct sq_news *n = s->news;
	const char *v[1] = {msg};
	PGresult *r;

	if (!n)
		return;
	pthread_mutex_lock(&n->mu);
	for (int tries = 0; tries < 2; tries++) {
		if (!n->tell || PQstatus(n->tell) != CONNECTION_OK) {
			PQfinish(n->tell);
			n->tell = PQconnectdb(n->conninfo);
			atomic_store(&n->tell_pid, PQbackendPID(n->tell));
		}
		r = PQexecParams(n->tell, "SELECT pg_notify('fangkong', $1)", 1, NULL, v, NULL,
				 NULL, 0);
		bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
		PQclear(r);
		if (ok)
			break;
		log_warn("news: could not tell the other servers (%s)", PQerrorMessage(n->tell));
	}
	pthread_mutex_unlock(&n->mu);
}

void sq_news_stop(struct store *s)
{
	struct sq_news *n = s->news;

	if (!n)
		return;
	atomic_store(&n->stop, true);
	pthread_join(n->thread, NULL);
	PQfinish(n->tell);
	pthread_mutex_destroy(&n->mu);
	pthread_mutex_destroy(&n->fmu);
	free(n->conninfo);
	free(n);
	s->news = NULL;
}
