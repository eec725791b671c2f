/* threads — the lifecycle shared by the long-lived threads of the server: one or more
 * threads that sleep on a condition under a mutex until there is work or they are told to
 * stop. The owner embeds struct threads, guards its own state with mu, wakes the threads
 * with cv and tests stop in their loop; threads_stop sets stop, wakes them all, and waits
 * for each to return. What a thread does with work still queued when stop is set is its
 * own rule (http workers finish it; the watchdog has none).
 *
 * Ownership: the struct is the caller's; threads_start initialises it, threads_stop
 * releases what threads_start made. A thread that cannot be started aborts the process:
 * the server cannot run without it. */
#ifndef FK_THREADS_H
#define FK_THREADS_H

#include <pthread.h>
#include <stdbool.h>

struct threads {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop; /* under mu */
	int n;
	pthread_t *ids;
};

/* Starts n threads running main(arg); `what` names them in the log if one cannot start. */
void threads_start(struct threads *t, int n, void *(*main)(void *), void *arg, const char *what);
/* The loop of a thread that works on a clock: calls tick(arg) without mu held once a
 * second (sooner when woken on cv), until stop is set. */
void threads_every_second(struct threads *t, void (*tick)(void *), void *arg);
/* Sets stop under mu, wakes every thread waiting on cv, joins them all, then destroys mu
 * and cv. Call it once, from a thread that is not one of them. */
void threads_stop(struct threads *t);

#endif
