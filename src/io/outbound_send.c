/* outbound_send — see outbound_send.h. A WeCom and a DingTalk group robot take the same
 * body, {"msgtype":"text","text":{"content":…}}; a 2xx answer is a sent message (DingTalk
 * and WeCom answer errcode 0 with 200; anything else is a failed try). */
#include "io/outbound_send.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/outbound.h"
#include "service/service.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/threads.h"
#include "util/timeutil.h"

enum { BATCH = 10, TIMEOUT_S = 10 };
/* The reminders' sweep (svc_sweep) rides on this thread, every ten minutes from the start
 * on; it reminds of each object once a day whenever it runs. The daily retention run
 * (svc_retention_daily) rides on the sweep: it runs once per local day. */
enum { SWEEP_FIRST_S = 600, SWEEP_EVERY_S = 600 };

struct outbound_sender {
	struct threads t;
	struct store *store;
	int per_minute;
	int64_t window_start; /* monotonic seconds of this minute's first send */
	int sent_in_window;
	int64_t next_sweep; /* monotonic seconds */
	const char *sms_command;
	/* the servers of one database send and sweep one at a time: the one holding this */
	struct store_lock *lock;
};

extern char **environ;

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	(void)p;
	(void)u;
	return size * n;
}

/* One POST; true on a 2xx answer, else *err says why (no URL in it: it is a credential). */
static bool post(const char *url, const char *text, char *err, size_t errsz)
{
	json_t *o = json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text", "content", text);
	char *body = json_dumps(o, JSON_COMPACT);
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	long code = 0;
	CURLcode rc = CURLE_FAILED_INIT;

	json_decref(o);
	if (c && body) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	}
	if (rc != CURLE_OK)
		snprintf(err, errsz, "%s", curl_easy_strerror(rc));
	else if (code < 200 || code > 299)
		snprintf(err, errsz, "HTTP %ld", code);
	curl_slist_free_all(h);
	if (c)
		curl_easy_cleanup(c);
	free(body);
	return rc == CURLE_OK && code >= 200 && code <= 299;
}

/* One SMS: the operator's program run as argv {command, phone, text}, no shell, its output
 * to /dev/null, killed after TIMEOUT_S; true when it exits 0. */
static bool sms(const char *command, const char *phone, const char *text, char *err, size_t errsz)
{
	char *argv[] = {(char *)command, (char *)phone, (char *)text, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	pid_t pid;
	int status = 0, rc;
	int64_t deadline = time_mono_ms() + TIMEOUT_S * 1000;

	if (!command) {
		snprintf(err, errsz, "no --sms-command on this server");
		return false;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* the server blocks its stop signals in every thread: the child starts with none */
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, command, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		snprintf(err, errsz, "the SMS command could not start (%s)", strerror(rc));
		return false;
	}
	while ((rc = waitpid(pid, &status, WNOHANG)) == 0 && time_mono_ms() < deadline) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (rc == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, errsz, "the SMS command took longer than %d s", TIMEOUT_S);
		return false;
	}
	if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errsz, "the SMS command failed (status %d)",
			 rc > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return false;
	}
	return true;
}

/* Whether this minute still has room (under t.mu is not needed: one thread). */
static bool room(struct outbound_sender *o)
{
	int64_t now = time_mono_ms() / 1000;

	if (now - o->window_start >= 60) {
		o->window_start = now;
		o->sent_in_window = 0;
	}
	return o->sent_in_window < o->per_minute;
}

static void tick(void *p)
{
	struct outbound_sender *o = p;
	struct arena *a = arena_new();
	struct outbound_msg *m;
	size_t n;
	int64_t now = time_now();

	if (svc_outbound_due(o->store, now, BATCH, a, &m, &n) == STORE_OK)
		for (size_t i = 0; i < n && room(o); i++) {
			char err[128] = "";
			bool is_sms = !strcmp(m[i].kind, "sms");
			bool ok = is_sms ? sms(o->sms_command, m[i].url, m[i].body, err, sizeof err)
					 : post(m[i].url, m[i].body, err, sizeof err);
			o->sent_in_window++;
			if (!ok)
				log_warn("outbound message %lld (%s): %s", (long long)m[i].id,
					 m[i].kind, err);
			/* without a command an SMS cannot go out later either: failed at once */
			struct outbound_msg tried = m[i];
			if (is_sms && !o->sms_command)
				tried.tries = OUTBOUND_TRIES - 1;
			if (svc_outbound_result(o->store, &tried, ok, err, time_now(), a) !=
			    STORE_OK)
				log_warn("outbound message %lld: its result was not stored",
					 (long long)m[i].id);
		}
	arena_free(a);
}

static void sweep(struct outbound_sender *o)
{
	struct arena *a;
	struct svc_sweep_result r;

	if (time_mono_ms() / 1000 < o->next_sweep)
		return;
	o->next_sweep = time_mono_ms() / 1000 + SWEEP_EVERY_S;
	a = arena_new();
	if (svc_sweep(o->store, time_now(), a, &r) != STORE_OK)
		log_warn("the reminders' sweep failed");
	else if (r.task_overdue || r.to_place || r.visit_missed || r.pruned)
		log_info("sweep: %lld overdue tasks, %lld to place, %lld missed reports, %lld "
			 "pruned",
			 (long long)r.task_overdue, (long long)r.to_place,
			 (long long)r.visit_missed, (long long)r.pruned);
	arena_free(a);
	/* the retention job (PIPL): once a local day, at or after the county's hour */
	svc_retention_daily(o->store, time_now());
}

/* One second of the thread: the messages due, then the sweep when its time has come —
 * by the one server of the database that holds the lock "outbound" (sq_lock.c). */
static void second(void *p)
{
	struct outbound_sender *o = p;

	if (o->lock && !store_lock_held(o->lock)) {
		store_lock_release(o->lock);
		o->lock = NULL;
	}
	if (!o->lock && !(o->lock = store_lock_try(o->store, "outbound")))
		return; /* another server sends */
	tick(p);
	sweep(p);
}

static void *sender_main(void *p)
{
	struct outbound_sender *o = p;

	threads_every_second(&o->t, second, o);
	return NULL;
}

struct outbound_sender *outbound_sender_start(struct store *s, int per_minute,
					      const char *sms_command)
{
	struct outbound_sender *o = xcalloc(1, sizeof *o);

	o->sms_command = sms_command;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	o->store = s;
	o->per_minute = per_minute > 0 ? per_minute : 20;
	o->window_start = time_mono_ms() / 1000;
	o->next_sweep = o->window_start + SWEEP_FIRST_S;
	threads_start(&o->t, 1, sender_main, o, "outbound sender");
	return o;
}

void outbound_sender_stop(struct outbound_sender *o)
{
	if (!o)
		return;
	threads_stop(&o->t);
	store_lock_release(o->lock);
	curl_global_cleanup();
	free(o);
}
