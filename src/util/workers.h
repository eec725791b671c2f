/* workers — a pool of threads that run queued items in order of arrival.
 *
 * The server runs here the requests that block: writes wait for their group commit,
 * logins spend ~0.1 s in argon2id. Such requests are suspended in libmicrohttpd, run
 * here, and resumed with their reply ready, so an epoll thread never waits and one slow
 * request never holds up the other connections of its thread. With many writes in flight
 * at once, the writer gathers them into few commits. The importer (io/import.h) is a pool
 * of one thread, so that lists are imported one at a time. */
#ifndef FK_WORKERS_H
#define FK_WORKERS_H

#include <stdbool.h>
#include <stddef.h>

struct workers;

struct workers *workers_start(int nthreads, size_t max_queue, void (*run)(void *item));
/* false when the queue is full or the pool is stopping; the caller answers 503. */
bool workers_submit(struct workers *w, void *item);
/* Runs what is queued, then joins the threads. */
void workers_stop(struct workers *w);

#endif
