#include "http/workers.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/arena.h"
#include "util/log.h"

struct item {
	void *p;
	struct item *next;
};

struct workers {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct item *head, *tail;
	size_t queued, max_queue;
	bool stopping;
	void (*run)(void *item);
	int n;
	pthread_t *threads;
};

static void *worker_main(void *arg)
{
	struct workers *w = arg;

	for (;;) {
		struct item *it;

		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		it = w->head;
		w->head = it->next;
		if (!w->head)
			w->tail = NULL;
		w->queued--;
		pthread_mutex_unlock(&w->mu);
		w->run(it->p);
		free(it);
	}
}

struct workers *workers_start(int nthreads, size_t max_queue, void (*run)(void *item))
{
	struct workers *w = xcalloc(1, sizeof *w);

	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->run = run;
	w->max_queue = max_queue;
	w->threads = xcalloc((size_t)nthreads, sizeof *w->threads);
	for (; w->n < nthreads; w->n++) {
		if (pthread_create(&w->threads[w->n], NULL, worker_main, w) != 0) {
			log_error("cannot start worker thread %d", w->n);
			abort();
		}
	}
	return w;
}

bool workers_submit(struct workers *w, void *p)
{
	struct item *it;

	pthread_mutex_lock(&w->mu);
	if (w->stopping || w->queued >= w->max_queue) {
		pthread_mutex_unlock(&w->mu);
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
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return true;
}

void workers_stop(struct workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->threads);
	free(w);
}
