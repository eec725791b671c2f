/* threads — see threads.h. */
#include "util/threads.h"

#include <stdlib.h>

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
