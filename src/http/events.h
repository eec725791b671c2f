/* events — Server-Sent Events streams (GET /api/v1/events): each signed-in page holds one
 * to hear of its account's new notifications at once instead of polling.
 *
 * A stream holds no thread: its response is libmicrohttpd's callback response, and when the
 * callback has nothing to send it suspends the connection; one hub thread wakes every
 * second, reads the highest notification id (one query for all streams), reads the new
 * rows of the accounts that have some, writes them into their streams' buffers and resumes
 * those connections. It also writes a heartbeat comment every `heartbeat` seconds (so
 * proxies and the connection timeout keep a quiet stream open, and a gone client is
 * noticed) and ends a stream whose session ended (logout, expiry) and every stream when
 * the server stops. The number of streams is bounded per account and in all: an idle
 * client costs a connection slot and a few hundred bytes, never a thread.
 *
 * Thread-safe. Ownership: events_open takes nothing of the request beyond its call. */
#ifndef FK_EVENTS_H
#define FK_EVENTS_H

#include <jansson.h>
#include <stdbool.h>

#include "store/store.h"

struct events;
struct sessions;
struct req;

struct events *events_new(struct store *s, struct sessions *sessions, int max_streams,
			  int per_account, int heartbeat);
/* Ends every stream (their connections are resumed and finish) and stops the hub; call
 * before MHD_stop_daemon. No stream opens after it. */
void events_close(struct events *ev);
/* After MHD_stop_daemon. */
void events_free(struct events *ev);
/* Answers r (a signed-in request) with a stream of its account's notifications after
 * last_id (0: only new ones); 503 events.busy when the bounds are reached. */
void events_open(struct events *ev, struct req *r, int64_t last_id);
/* How many streams are open (for tests and the log). */
int events_count(struct events *ev);
/* The JSON of a notification, for the stream and the list. */
json_t *events_notification_json(const struct notification *n);

#endif
