/* threads — see threads.h. */
#include "util/threads.h"

#include <stdlib.h>
#include <time.h>

#include "util/arena.h"
#include "util/log.h"

void threads_start(struct threads *t, int n, void *(*main)(void *), void *arg, const char *what)
{
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	t->stop = false;
	t->ids = xcalloc((size_t)n, sizeof *t->ids);
	for (t->n = 0; t->n < n; t->n++)
		if (pthread_create(&t->ids[t->n], NULL, main, arg) != 0) {
			log_error("cannot start %s thread %d", what, t->n);
			abort();
		}
}

void threads_every_second(struct threads *t, void (*tick)(void *), void *arg)
{
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&t->cv, &t->mu, &ts);
		if (t->stop)
			break;
		pthread_mutex_unlock(&t->mu);
		tick(arg);
		pthread_mutex_lock(&t->mu);
	}
	pthread_mutex_unlock(&t->mu);
}

void threads_stop(struct threads *t)
{
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	for (int i = 0; i < t->n; i++)
		pthread_join(t->ids[i], NULL);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t->ids);
	t->ids = NULL;
	t->n = 0;
}
