/* outbound_send — see outbound_send.h. A WeCom and a DingTalk group robot take the same
 * body, {"msgtype":"text","text":{"content":…}}; a 2xx answer is a sent message (DingTalk
 * and WeCom answer errcode 0 with 200; anything else is a failed try). */
#include "io/outbound_send.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/service.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/threads.h"
#include "util/timeutil.h"

enum { BATCH = 10, TIMEOUT_S = 10 };
/* The reminders' sweep (svc_sweep) rides on this thread: first a minute after the start,
 * then every ten minutes; it reminds of each object once a day whenever it runs. */
enum { SWEEP_FIRST_S = 60, SWEEP_EVERY_S = 600 };

struct outbound_sender {
	struct threads t;
	struct store *store;
	int per_minute;
	int64_t window_start; /* monotonic seconds of this minute's first send */
	int sent_in_window;
	int64_t next_sweep; /* monotonic seconds */
};

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

static void tick(struct outbound_sender *o)
{
	struct arena *a = arena_new();
	struct outbound_msg *m;
	size_t n;
	int64_t now = time_now();

	if (svc_outbound_due(o->store, now, BATCH, a, &m, &n) == STORE_OK)
		for (size_t i = 0; i < n && room(o); i++) {
			char err[128] = "";
			bool ok = post(m[i].url, m[i].body, err, sizeof err);
			o->sent_in_window++;
			if (!ok)
				log_warn("outbound message %lld (%s): %s", (long long)m[i].id,
					 m[i].kind, err);
			if (svc_outbound_result(o->store, &m[i], ok, err, time_now(), a) !=
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
}

static void *sender_main(void *p)
{
	struct outbound_sender *o = p;

	pthread_mutex_lock(&o->t.mu);
	while (!o->t.stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&o->t.cv, &o->t.mu, &ts);
		if (o->t.stop)
			break;
		pthread_mutex_unlock(&o->t.mu);
		tick(o);
		sweep(o);
		pthread_mutex_lock(&o->t.mu);
	}
	pthread_mutex_unlock(&o->t.mu);
	return NULL;
}

struct outbound_sender *outbound_sender_start(struct store *s, int per_minute)
{
	struct outbound_sender *o = xcalloc(1, sizeof *o);

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
	curl_global_cleanup();
	free(o);
}
