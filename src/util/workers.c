/* workers — see workers.h. */
#include "util/workers.h"

#include <stdlib.h>

#include "util/arena.h"
#include "util/threads.h"

struct item {
	void *p;
	struct item *next;
};

struct workers {
	struct threads t; /* t.mu guards the queue; t.cv says it has items or t.stop is set */
	struct item *head, *tail;
	size_t queued, max_queue;
	void (*run)(void *item);
};

/* Runs items until the pool stops and the queue is empty: what was queued is run. */
static void *worker_main(void *arg)
{
	struct workers *w = arg;

	for (;;) {
		struct item *it;

		pthread_mutex_lock(&w->t.mu);
		while (!w->head && !w->t.stop)
			pthread_cond_wait(&w->t.cv, &w->t.mu);
		if (!w->head) {
			pthread_mutex_unlock(&w->t.mu);
			return NULL;
		}
		it = w->head;
		w->head = it->next;
		if (!w->head)
			w->tail = NULL;
		w->queued--;
		pthread_mutex_unlock(&w->t.mu);
		w->run(it->p);
		free(it);
	}
}

struct workers *workers_start(int nthreads, size_t max_queue, void (*run)(void *item))
{
	struct workers *w = xcalloc(1, sizeof *w);

	w->run = run;
	w->max_queue = max_queue;
	threads_start(&w->t, nthreads, worker_main, w, "worker");
	return w;
}

bool workers_submit(struct workers *w, void *p)
{
	struct item *it;

	pthread_mutex_lock(&w->t.mu);
	if (w->t.stop || w->queued >= w->max_queue) {
		pthread_mutex_unlock(&w->t.mu);
		return false;
	}
	it = xcalloc(1, sizeof *it);
	it->p = p;
	if (w->tail)
		w->tail->next = it;
	else
		w->head = it;
	w->tail = it;
	w->queued++;
	pthread_cond_signal(&w->t.cv);
	pthread_mutex_unlock(&w->t.mu);
	return true;
}

void workers_stop(struct workers *w)
{
	if (!w)
		return;
	threads_stop(&w->t);
	free(w);
}
