/* events — the Server-Sent Events hub (see events.h for the design). One mutex guards the
 * list of streams and every stream's buffer and flags; libmicrohttpd's threads take it in
 * the stream's callback, the hub thread once a second. A stream's connection is resumed
 * only by whoever clears its `suspended` flag under the mutex, so a connection is never
 * resumed twice or resumed when it was not suspended. */
#include "http/events.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/server.h"
#include "http/session.h"
#include "service/service.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/threads.h"
#include "util/timeutil.h"

enum { BATCH = 50 /* notifications read for a stream per look */ };

struct stream {
	struct events *ev;
	struct MHD_Connection *conn;
	struct principal who; /* its strings point into the stream */
	char user_id[USER_ID_LEN + 1], username[40], area[AREA_CODE_MAX + 1];
	char token[SESSION_TOKEN_LEN + 1];
	int64_t last_id, next_beat;
	char *out;
	size_t len, off, cap;
	bool suspended, ended;
	struct stream *next;
};

struct events {
	struct threads t; /* t.mu guards everything below */
	struct store *store;
	struct sessions *sessions;
	int max_streams, per_account, heartbeat;
	int n;
	bool closed;
	struct stream *head;
};

json_t *events_notification_json(const struct notification *n)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)n->id,
			      "kind", n->kind, "area", n->area, "area_name",
			      n->area_name ? n->area_name : "", "object_type", n->object_type,
			      "object_id", n->object_id, "created_at", (json_int_t)n->created_at,
			      "read", n->read_at != 0);
	json_t *d = n->detail && *n->detail ? json_loads(n->detail, 0, NULL) : NULL;

	json_object_set_new(o, "detail", d ? d : json_object());
	return o;
}

/* Appends to a stream's buffer (under the mutex); a stream whose client does not read is
 * ended rather than grown without bound. */
static void put(struct stream *st, const char *txt, size_t n)
{
	if (st->off && st->off == st->len)
		st->off = st->len = 0;
	if (st->len + n > 256 * 1024) {
		st->ended = true;
		return;
	}
	if (st->len + n > st->cap) {
		st->cap = (st->len + n) * 2;
		st->out = realloc(st->out, st->cap);
		if (!st->out)
			fk_oom();
	}
	memcpy(st->out + st->len, txt, n);
	st->len += n;
}

static void put_event(struct stream *st, const char *event, int64_t id, json_t *data)
{
	char *txt = json_dumps(data, JSON_COMPACT);
	char head[96];
	int hn;

	json_decref(data);
	if (!txt)
		fk_oom();
	hn = id ? snprintf(head, sizeof head, "id: %lld\nevent: %s\ndata: ", (long long)id, event)
		: snprintf(head, sizeof head, "event: %s\ndata: ", event);
	put(st, head, (size_t)hn);
	put(st, txt, strlen(txt));
	put(st, "\n\n", 2);
	free(txt);
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	struct events *ev = st->ev;
	ssize_t n = 0;

	(void)pos;
	pthread_mutex_lock(&ev->t.mu);
	if (st->len > st->off) {
		size_t k = st->len - st->off < max ? st->len - st->off : max;
		memcpy(buf, st->out + st->off, k);
		st->off += k;
		n = (ssize_t)k;
	} else if (st->ended) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else { /* nothing to send: no thread waits, the hub resumes it */
		st->suspended = true;
		MHD_suspend_connection(st->conn);
	}
	pthread_mutex_unlock(&ev->t.mu);
	return n;
}

static void stream_free(void *cls)
{
	struct stream *st = cls;
	struct events *ev = st->ev;

	pthread_mutex_lock(&ev->t.mu);
	for (struct stream **pp = &ev->head; *pp; pp = &(*pp)->next)
		if (*pp == st) {
			*pp = st->next;
			ev->n--;
			break;
		}
	pthread_mutex_unlock(&ev->t.mu);
	sodium_memzero(st->token, sizeof st->token);
	free(st->out);
	free(st);
}

static void wake(struct stream *st)
{
	if (st->suspended) {
		st->suspended = false;
		MHD_resume_connection(st->conn);
	}
}

/* New rows of st's account (under the mutex: the hub's reads are short, and only the
 * streams' callbacks wait for them). */
static void look(struct events *ev, struct stream *st, int64_t latest)
{
	struct arena *a = arena_new();
	struct notification *rows;
	size_t n;
	int64_t unread;

	if (svc_notification_list(ev->store, &st->who, st->last_id, false, BATCH, a, &rows, &n,
				  &unread) == STORE_OK) {
		for (size_t i = n; i-- > 0;) { /* oldest first */
			put_event(st, "notification", rows[i].id,
				  events_notification_json(&rows[i]));
			if (rows[i].id > st->last_id)
				st->last_id = rows[i].id;
		}
		if (n)
			put_event(st, "unread", 0,
				  json_pack("{s:I}", "unread", (json_int_t)unread));
		if (latest > st->last_id && n < BATCH)
			st->last_id = latest;
	}
	arena_free(a);
}

static void tick(void *p)
{
	struct events *ev = p;
	int64_t latest = 0, now = time_now(), mono = time_mono_ms() / 1000;

	if (svc_ref_notification_latest(ev->store, &latest) != STORE_OK)
		latest = 0;
	pthread_mutex_lock(&ev->t.mu);
	for (struct stream *st = ev->head; st; st = st->next) {
		if (st->ended)
			continue;
		size_t had = st->len - st->off;
		if (!sessions_alive(ev->sessions, st->token, now)) {
			put(st, "event: end\ndata: {}\n\n", 21);
			st->ended = true;
		} else {
			if (latest > st->last_id)
				look(ev, st, latest);
			if (mono >= st->next_beat) {
				put(st, ": ping\n\n", 8);
				st->next_beat = mono + ev->heartbeat;
			}
		}
		if (st->ended || st->len - st->off != had)
			wake(st);
	}
	pthread_mutex_unlock(&ev->t.mu);
}

static void *hub_main(void *p)
{
	struct events *ev = p;

	threads_every_second(&ev->t, tick, ev);
	return NULL;
}

struct events *events_new(struct store *s, struct sessions *sessions, int max_streams,
			  int per_account, int heartbeat)
{
	struct events *ev = xcalloc(1, sizeof *ev);

	ev->store = s;
	ev->sessions = sessions;
	ev->max_streams = max_streams;
	ev->per_account = per_account;
	ev->heartbeat = heartbeat > 0 ? heartbeat : 25;
	threads_start(&ev->t, 1, hub_main, ev, "event stream hub");
	return ev;
}

void events_close(struct events *ev)
{
	if (!ev)
		return;
	pthread_mutex_lock(&ev->t.mu);
	ev->closed = true;
	for (struct stream *st = ev->head; st; st = st->next) {
		if (!st->ended)
			put(st, "event: end\ndata: {}\n\n", 21);
		st->ended = true;
		wake(st);
	}
	pthread_mutex_unlock(&ev->t.mu);
}

void events_free(struct events *ev)
{
	if (!ev)
		return;
	threads_stop(&ev->t);
	if (ev->n)
		log_warn("%d event streams still open at exit", ev->n);
	free(ev);
}

int events_count(struct events *ev)
{
	int n;

	pthread_mutex_lock(&ev->t.mu);
	n = ev->n;
	pthread_mutex_unlock(&ev->t.mu);
	return n;
}

/* Under the mutex: whether another stream may open for user. */
static bool room_for(struct events *ev, const char *user)
{
	int mine = 0;

	if (ev->closed || ev->n >= ev->max_streams)
		return false;
	for (struct stream *st = ev->head; st; st = st->next)
		mine += !st->ended && !strcmp(st->user_id, user);
	return mine < ev->per_account;
}

static struct stream *stream_new(struct events *ev, struct req *r, int64_t last_id)
{
	struct stream *st = xcalloc(1, sizeof *st);

	st->ev = ev;
	st->conn = r->conn;
	snprintf(st->user_id, sizeof st->user_id, "%s", r->sess.user_id);
	snprintf(st->username, sizeof st->username, "%s", r->sess.username);
	snprintf(st->area, sizeof st->area, "%s", r->sess.area);
	snprintf(st->token, sizeof st->token, "%s", r->token ? r->token : "");
	st->who = (struct principal){.user_id = st->user_id,
				     .username = st->username,
				     .role = r->sess.role,
				     .area = st->area,
				     .ip = "",
				     .request_id = ""};
	st->last_id = last_id;
	st->next_beat = time_mono_ms() / 1000 + ev->heartbeat;
	return st;
}

void events_open(struct events *ev, struct req *r, int64_t last_id)
{
	struct stream *st = stream_new(ev, r, last_id);
	struct MHD_Response *resp;
	struct arena *a = arena_new();
	struct notification *rows;
	size_t n;
	int64_t unread = 0, latest = 0;

	/* what the bell shows now, and where the stream starts */
	if (svc_notification_list(ev->store, &st->who, 0, true, 1, a, &rows, &n, &unread) !=
		    STORE_OK ||
	    (!last_id && svc_ref_notification_latest(ev->store, &latest) != STORE_OK)) {
		arena_free(a);
		free(st->out);
		free(st);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	arena_free(a);
	if (!last_id)
		st->last_id = latest;
	put(st, "retry: 5000\n\n", 13);
	put_event(st, "unread", 0, json_pack("{s:I}", "unread", (json_int_t)unread));
	pthread_mutex_lock(&ev->t.mu);
	if (!room_for(ev, st->user_id)) {
		pthread_mutex_unlock(&ev->t.mu);
		free(st->out);
		free(st);
		reply_error(r, ERR_EVENTS_BUSY, NULL);
		return;
	}
	st->next = ev->head;
	ev->head = st;
	ev->n++;
	pthread_mutex_unlock(&ev->t.mu);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, st, stream_free);
	if (!resp)
		fk_oom();
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	reply_stream(r, 200, resp);
}
