/* server — starts libmicrohttpd (epoll, internal thread pool) and turns its callbacks into
 * struct req. See server.h for a request's life, the early answers and the slow-header
 * watchdog. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "api/api.h"
#include "http/cache.h"
#include "http/events.h"
#include "http/metrics.h"
#include "io/outbound_send.h"
#include "http/ratelimit.h"
#include "io/exporter.h"
#include "io/import.h"
#include "util/log.h"
#include "util/threads.h"
#include "util/timeutil.h"
#include "util/workers.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- the client's address ----
 *
 * The TCP peer, unless the peer is a trusted proxy (--trusted-proxy): then the client is
 * the right-most address of X-Forwarded-For that is not itself a trusted proxy (each proxy
 * appends the address it heard from, so what stands left of that is the client's own say,
 * which anyone can forge), or, without that header, X-Real-IP. A header that is malformed
 * where it is read leaves the peer. At most FWD_HOPS addresses are read, from the right,
 * each at most FWD_ADDR_MAX bytes; the header as a whole is bounded by --max-header-kib.
 * From any other peer both headers are ignored. */

enum { FWD_HOPS = 16, FWD_ADDR_MAX = 64 };

static void addr_text(const struct sockaddr *sa, char *out, size_t outsz)
{
	snprintf(out, outsz, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
			  (socklen_t)outsz);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)outsz);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One address of n bytes, spaces around it allowed, into ss. */
static bool addr_parse(const char *s, size_t n, struct sockaddr_storage *ss)
{
	char txt[FWD_ADDR_MAX];

	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	memset(ss, 0, sizeof *ss);
	if (n == 0 || n >= sizeof txt)
		return false;
	memcpy(txt, s, n);
	txt[n] = '\0';
	if (inet_pton(AF_INET, txt, &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, txt, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	return ss->ss_family != 0;
}

/* The client an X-Forwarded-For value v names, into ss; false when it is malformed where
 * read or longer than FWD_HOPS trusted proxies. All trusted: the left-most is the client. */
static bool forwarded_for(const struct cidr_list *trusted, const char *v,
			  struct sockaddr_storage *ss)
{
	const char *end = v + strlen(v);

	for (int hop = 0; hop < FWD_HOPS; hop++) {
		const char *start = end;
		while (start > v && start[-1] != ',')
			start--;
		if (!addr_parse(start, (size_t)(end - start), ss))
			return false;
		if (start == v || !cidr_list_match(trusted, (const struct sockaddr *)ss))
			return true;
		end = start - 1;
	}
	return false;
}

struct last_header {
	const char *name, *value;
};

static enum MHD_Result last_value(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct last_header *h = cls;

	(void)kind;
	if (key && value && !strcasecmp(key, h->name))
		h->value = value;
	return MHD_YES;
}

/* The last of the headers called name (a proxy appends; a repeated header is a list). */
static const char *last_header(struct MHD_Connection *conn, const char *name)
{
	struct last_header h = {name, NULL};

	MHD_get_connection_values(conn, MHD_HEADER_KIND, last_value, &h);
	return h.value;
}

static void client_ip(struct server *srv, struct MHD_Connection *conn, char *out, size_t outsz)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff, *real;
	struct sockaddr_storage fwd;

	addr_text(sa, out, outsz);
	if (!srv->cfg.trusted_proxy.n || !cidr_list_match(&srv->cfg.trusted_proxy, sa))
		return;
	if ((xff = last_header(conn, "X-Forwarded-For"))) {
		if (forwarded_for(&srv->cfg.trusted_proxy, xff, &fwd))
			addr_text((const struct sockaddr *)&fwd, out, outsz);
	} else if ((real = last_header(conn, "X-Real-IP"))) {
		if (addr_parse(real, strlen(real), &fwd))
			addr_text((const struct sockaddr *)&fwd, out, outsz);
	}
}

/* ---- the slow-header watchdog ----
 *
 * Every open connection has a struct watch (its socket context) on one list. While the
 * server waits for a request header on it (from the connection's start, and again from
 * each completed request on), `since` says from when; once the header is in, the access
 * handler clears `waiting`. Once a second the watchdog thread shuts down the sockets that
 * have waited longer than --header-timeout: libmicrohttpd then reads the end of the stream
 * and closes the connection. libmicrohttpd's own timeout cannot do this, since any byte
 * that arrives restarts it. An entry leaves the list in the connection's "closed" notice,
 * which comes before libmicrohttpd closes the socket, and the watchdog holds the same
 * lock: it never shuts down a descriptor that has been closed and reused. */

struct watch {
	struct watch *prev, *next;
	int fd;
	bool waiting, shut;
	int64_t since_ms;
	struct sockaddr_storage peer;
};

struct watchdog {
	struct threads t; /* one thread; t.mu guards the list, t.cv only ends a wait early */
	int64_t limit_ms;
	struct watch head; /* circular list */
};

static bool same_peer(const struct watch *w)
{
	struct sockaddr_storage now;
	socklen_t len = sizeof now;

	memset(&now, 0, sizeof now);
	if (getpeername(w->fd, (struct sockaddr *)&now, &len) != 0)
		return false;
	if (now.ss_family == AF_INET)
		return !memcmp(&now, &w->peer, sizeof(struct sockaddr_in));
	return now.ss_family == AF_INET6 && !memcmp(&now, &w->peer, sizeof(struct sockaddr_in6));
}

static void *watchdog_run(void *p)
{
	struct watchdog *wd = p;

	pthread_mutex_lock(&wd->t.mu);
	while (!wd->t.stop) {
		struct timespec ts;
		int64_t now = time_mono_ms();

		for (struct watch *w = wd->head.next; w != &wd->head; w = w->next) {
			if (!w->waiting || w->shut || now - w->since_ms < wd->limit_ms)
				continue;
			w->shut = true;
			if (same_peer(w))
				shutdown(w->fd, SHUT_RDWR);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L; /* a quarter of a second: close enough to the limit */
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wd->t.cv, &wd->t.mu, &ts);
	}
	pthread_mutex_unlock(&wd->t.mu);
	return NULL;
}

static struct watchdog *watchdog_start(int limit_seconds)
{
	struct watchdog *wd = xcalloc(1, sizeof *wd);

	wd->limit_ms = (int64_t)limit_seconds * 1000;
	wd->head.next = wd->head.prev = &wd->head;
	threads_start(&wd->t, 1, watchdog_run, wd, "header watchdog");
	return wd;
}

/* After libmicrohttpd has stopped: every connection is closed and off the list. */
static void watchdog_stop(struct watchdog *wd)
{
	if (!wd)
		return;
	threads_stop(&wd->t);
	free(wd);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct watchdog *wd = ((struct server *)cls)->watchdog;
	struct watch *w = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ca =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (!fd)
			return;
		w = xcalloc(1, sizeof *w);
		w->fd = fd->connect_fd;
		if (ca && ca->client_addr && ca->client_addr->sa_family == AF_INET)
			memcpy(&w->peer, ca->client_addr, sizeof(struct sockaddr_in));
		else if (ca && ca->client_addr && ca->client_addr->sa_family == AF_INET6)
			memcpy(&w->peer, ca->client_addr, sizeof(struct sockaddr_in6));
		w->waiting = true;
		w->since_ms = time_mono_ms();
		pthread_mutex_lock(&wd->t.mu);
		w->next = wd->head.next;
		w->prev = &wd->head;
		w->next->prev = w;
		wd->head.next = w;
		pthread_mutex_unlock(&wd->t.mu);
		*socket_context = w;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && w) {
		pthread_mutex_lock(&wd->t.mu);
		w->prev->next = w->next;
		w->next->prev = w->prev;
		pthread_mutex_unlock(&wd->t.mu);
		free(w);
		*socket_context = NULL;
	}
}

/* The connection now waits for a request header (true) or has one (false). */
static void watch_header(struct server *srv, struct MHD_Connection *conn, bool waiting)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watch *w = ci ? ci->socket_context : NULL;

	if (!w)
		return;
	pthread_mutex_lock(&srv->watchdog->t.mu);
	w->waiting = waiting;
	w->since_ms = time_mono_ms();
	pthread_mutex_unlock(&srv->watchdog->t.mu);
}

/* ---- requests ---- */

static struct req *req_new(struct server *srv, struct MHD_Connection *conn, const char *url,
			   const char *method)
{
	struct req *r = xcalloc(1, sizeof *r);
	uint64_t seq = atomic_fetch_add(&srv->id_seq, 1);

	r->srv = srv;
	r->conn = conn;
	r->a = arena_new();
	r->start_us = time_mono_us();
	r->method = http_method_parse(method);
	http_metrics_begin(srv->metrics);
	r->path = arena_strdup(r->a, url ? url : "");
	snprintf(r->id, sizeof r->id, "%08x%08x", (unsigned)srv->id_prefix, (unsigned)seq);
	client_ip(srv, conn, r->ip, sizeof r->ip);
	buf_init(&r->body, (size_t)srv->cfg.max_body_kib * 1024);
	r->en = err_prefers_en(req_header(r, "Accept-Language"));
	api_begin(r);
	return r;
}

static void req_free(struct req *r)
{
	upload_cleanup(&r->upload);
	json_decref(r->json);
	buf_free(&r->body);
	arena_free(r->a);
	free(r);
}

/* The Content-Length header as a number; false when absent or not a plain number. */
static bool content_length(struct req *r, unsigned long long *n)
{
	const char *cl = req_header(r, "Content-Length");
	char *end;

	if (!cl || *cl < '0' || *cl > '9')
		return false;
	errno = 0;
	*n = strtoull(cl, &end, 10);
	return *end == '\0' && errno == 0;
}

static bool has_body(struct req *r)
{
	unsigned long long n;

	return req_header(r, "Transfer-Encoding") || (content_length(r, &n) && n > 0);
}

/* Uploads may carry the multipart framing and the small fields beside the file. */
static unsigned long long body_cap(struct req *r)
{
	if (r->matched && (r->match.route->flags & ROUTE_UPLOAD))
		return ((unsigned long long)r->srv->cfg.max_upload_mib << 20) + (1u << 20);
	return r->body.max;
}

static bool signed_in(struct req *r)
{
	if (!r->authed)
		r->authed = sessions_get(r->srv->sessions, req_cookie(r, "fk_session"), time_now(),
					 &r->sess, NULL);
	return r->authed;
}

enum { EARLY_BODY_MIN = 8 << 20 }; /* bytes: a declared body up to this is read */

/* At the first call: what can be answered without the body. Only a request that has a
 * body needs an answer this early; without one, the last call answers as usual. */
static enum req_early early_answer(struct req *r)
{
	unsigned long long n;

	if (r->path[0] != '/')
		return EARLY_TARGET;
	if (req_header(r, "Transfer-Encoding"))
		return EARLY_CHUNKED;
	if (!has_body(r))
		return EARLY_NONE;
	/* A small body is read (and dropped when refused), then answered: an answer before it
	 * closes a connection the client is still writing to, and the kernel's reset can
	 * destroy the answer before the client reads it. Only a large body is cut short. */
	if (content_length(r, &n) && n <= EARLY_BODY_MIN)
		return EARLY_NONE;
	if (!r->matched)
		return EARLY_UNROUTED;
	if (!(r->match.route->flags & ROUTE_PUBLIC) && !signed_in(r))
		return EARLY_ANONYMOUS;
	if (content_length(r, &n) && n > body_cap(r))
		return EARLY_TOO_LARGE;
	return EARLY_NONE;
}

static void reply_early(struct req *r)
{
	bool upload = r->matched && (r->match.route->flags & ROUTE_UPLOAD);

	switch (r->early) {
	case EARLY_TARGET: reply_error(r, ERR_TARGET_INVALID, NULL); break;
	case EARLY_CHUNKED: reply_error(r, ERR_LENGTH_REQUIRED, NULL); break;
	case EARLY_ANONYMOUS: reply_error(r, ERR_AUTH_REQUIRED, NULL); break;
	case EARLY_TOO_LARGE: reply_error(r, ERR_TOO_LARGE, upload ? "file" : NULL); break;
	default: api_dispatch(r); /* EARLY_UNROUTED: 404, 405 or a static file, without the body */
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct req *r = *con_cls;

	(void)version;
	if (!r) {
		watch_header(srv, conn, false);
		*con_cls = r = req_new(srv, conn, url, method);
		r->early = early_answer(r);
		if (r->early != EARLY_NONE && has_body(r)) {
			/* back at once: libmicrohttpd calls again before it reads the body */
			MHD_suspend_connection(conn);
			MHD_resume_connection(conn);
		}
		return MHD_YES;
	}
	if (r->early != EARLY_NONE) {
		if (*upload_data_size) /* not expected: the reply is queued before the body */
			*upload_data_size = 0;
		else if (!r->replied)
			reply_early(r);
		return MHD_YES;
	}
	/* Refused uploads are read to their end and dropped: the caller has a session (else
	 * the reply came early) but not the right to upload. */
	if (*upload_data_size && r->matched && (r->match.route->flags & ROUTE_UPLOAD)) {
		if (r->upload.pp && !upload_feed(r, upload_data, *upload_data_size))
			r->upload.io_error = true;
		*upload_data_size = 0; /* without r->upload.pp: refused, and answered at the end */
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->too_large && !buf_append(&r->body, upload_data, *upload_data_size)) {
			r->too_large = true;
			buf_free(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->deferred) { /* back from a worker, resumed: its reply waits in pending */
		if (r->pending) {
			MHD_queue_response(conn, r->status, r->pending);
			MHD_destroy_response(r->pending);
			r->pending = NULL;
		}
		return MHD_YES;
	}
	if (!r->replied)
		api_dispatch(r);
	/* deferred: the worker owns r now and may be writing r->replied; read nothing of it */
	if (!r->deferred && !r->replied)
		reply_error(r, ERR_INTERNAL, NULL); /* a handler that forgot to reply */
	return MHD_YES;
}

static void run_deferred(void *p)
{
	struct req *r = p;

	api_run(r);
	if (!r->replied)
		reply_error(r, ERR_INTERNAL, NULL);
	MHD_resume_connection(r->conn);
}

void server_defer(struct req *r)
{
	r->deferred = true;
	MHD_suspend_connection(r->conn);
	if (!workers_submit(r->srv->workers, r)) {
		reply_error(r, ERR_UNAVAILABLE, NULL); /* kept in r->pending */
		MHD_resume_connection(r->conn);
	}
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	const char *what;

	watch_header(cls, conn, true); /* kept alive: the next header is due in time */
	if (!r)
		return;
	what = r->match.route ? r->match.route->pattern
	       : r->early == EARLY_TARGET ? "(bad target)" /* its bytes are not logged */
					  : api_log_path(r);
	http_metrics_end(r->srv->metrics,
			 r->match.route ? (size_t)(r->match.route - api_routes)
			 : (r->method == HTTP_GET || r->method == HTTP_HEAD) &&
					 !strcmp(what, "(static)")
				 ? api_nroutes + HTTP_METRICS_STATIC
				 : api_nroutes + HTTP_METRICS_OTHER,
			 r->method, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? r->status : 0,
			 time_mono_us() - r->start_us);
	log_info("%s %s %u %.1fms %s%s", http_method_name(r->method), what, r->status,
		 (double)(time_mono_us() - r->start_us) / 1000.0, r->id,
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	if (r->pending)
		MHD_destroy_response(r->pending);
	req_free(r);
	*con_cls = NULL;
}

/* Decodes %XX in paths and query values, except %00: a NUL would cut the value short
 * in C, so "%00" stays as it is and makes the value invalid instead. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *in = s, *out = s;

	(void)cls;
	(void)conn;
	while (*in) {
		int hi, lo;
		if (in[0] == '%' && in[1] && in[2] && (hi = hexval(in[1])) >= 0 &&
		    (lo = hexval(in[2])) >= 0 && (hi | lo) != 0) {
			*out++ = (char)(hi << 4 | lo);
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* libmicrohttpd's messages, at most MHD_LOG_PER_SECOND a second: a client can cause one
 * per connection ("connection limit", "malformed request"), and a flood of them would fill
 * the disk the log goes to. What is left out is counted in the next line. */
enum { MHD_LOG_PER_SECOND = 20 };

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static int64_t second;
	static unsigned count, dropped;
	char line[512];
	unsigned skipped = 0;
	int64_t now = time_mono_ms() / 1000;

	(void)cls;
	pthread_mutex_lock(&mu);
	if (now != second) {
		second = now;
		count = 0;
	}
	if (++count > MHD_LOG_PER_SECOND) {
		dropped++;
		pthread_mutex_unlock(&mu);
		return;
	}
	skipped = dropped;
	dropped = 0;
	pthread_mutex_unlock(&mu);
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (skipped)
		log_warn("http: %s (and %u messages left out)", line, skipped);
	else
		log_warn("http: %s", line);
}

/* ---- the origin of contact-card links ---- */

static bool reg_name(const char *h, size_t n)
{
	if (n == 0 || n > 253 || h[0] == '-' || h[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '-' || h[i] == '.'))
			return false;
	return true;
}

bool server_host_valid(const char *host)
{
	const char *colon, *end;
	size_t n;

	if (!host || !*host || strlen(host) > 260)
		return false;
	if (host[0] == '[') {
		char a6[64];
		struct in6_addr tmp;
		if (!(end = strchr(host, ']')) || (size_t)(end - host - 1) >= sizeof a6)
			return false;
		memcpy(a6, host + 1, (size_t)(end - host - 1));
		a6[end - host - 1] = '\0';
		if (inet_pton(AF_INET6, a6, &tmp) != 1)
			return false;
		colon = end[1] ? end + 1 : NULL;
		if (colon && *colon != ':')
			return false;
	} else {
		colon = strchr(host, ':');
		n = colon ? (size_t)(colon - host) : strlen(host);
		if (!reg_name(host, n))
			return false;
	}
	if (colon) {
		unsigned long port = 0;
		size_t digits = 0;
		for (const char *p = colon + 1; *p; p++, digits++) {
			if (*p < '0' || *p > '9' || digits == 5)
				return false;
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (digits == 0 || port == 0 || port > 65535)
			return false;
	}
	return true;
}

/* "http://HOST:PORT" of the listen address, and whether it is one host people can reach
 * (not a wildcard, not loopback). */
static bool listen_origin(const struct server *srv, char *out, size_t outsz)
{
	const char *l = srv->cfg.listen, *colon = strrchr(l, ':');
	const char *scheme = srv->cfg.secure_cookies ? "https" : "http";
	int hl = colon ? (int)(colon - l) : 0;
	bool wildcard = (hl == 7 && !strncmp(l, "0.0.0.0", 7)) || (hl == 4 && !strncmp(l, "[::]", 4));
	bool loopback = !strncmp(l, "127.", 4) || (hl == 5 && !strncmp(l, "[::1]", 5)) ||
			(hl == 9 && !strncmp(l, "localhost", 9));

	snprintf(out, outsz, "%s://%.*s:%u", scheme, wildcard ? 9 : hl, wildcard ? "localhost" : l,
		 (unsigned)srv->port);
	return !wildcard && !loopback;
}

const char *server_link_base(struct req *r)
{
	struct server *srv = r->srv;
	const char *host = req_header(r, "Host");
	char base[sizeof srv->link_base];

	if (srv->cfg.public_url)
		return srv->cfg.public_url;
	if (listen_origin(srv, base, sizeof base))
		return arena_strdup(r->a, base);
	pthread_mutex_lock(&srv->base_mu);
	if (!srv->link_base[0] && r->authed && server_host_valid(host)) {
		snprintf(srv->link_base, sizeof srv->link_base, "%s://%s",
			 srv->cfg.secure_cookies ? "https" : "http", host);
		log_info("contact-card links start with %s (the first signed-in Host; "
			 "serve --public-url chooses another)", srv->link_base);
	}
	if (srv->link_base[0])
		snprintf(base, sizeof base, "%s", srv->link_base);
	pthread_mutex_unlock(&srv->base_mu);
	return arena_strdup(r->a, base);
}

/* "127.0.0.1:8080" or "[::1]:8080" into a socket address. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t hl;
	char *end;
	unsigned long port;

	memset(ss, 0, sizeof *ss);
	if (!colon || (hl = (size_t)(colon - s)) == 0 || hl >= sizeof host)
		return false;
	port = strtoul(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port > 65535)
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1;
}

/* News from the other servers of the database (store_news_listen): sessions they ended or
 * changed; NULL: news may have been missed. (Areas: the store moves its generation.) */
static void on_news(void *ctx, const char *msg)
{
	struct server *srv = ctx;

	if (!msg || !strncmp(msg, "s ", 2) || !strncmp(msg, "u ", 2))
		sessions_heard(srv->sessions, msg);
	else if (msg[0] == 'R' && msg[1] && msg[2] == ' ')
		ratelimit_heard(msg[1] == 'l'   ? srv->login_rl
				: msg[1] == 's' ? srv->self_rl
						: srv->pre_rl,
				msg + 3);
}

static void tell(void *ctx, const char *msg)
{
	struct server *srv = ctx;
	store_news_tell(srv->store, msg);
}

struct server *server_start(struct store *store, const struct server_config *cfg, const char **err)
{
	struct server *srv = xcalloc(1, sizeof *srv);
	struct sockaddr_storage addr;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *di;
	unsigned per_address = (unsigned)(cfg->max_per_address > 0 &&
						  cfg->max_per_address < cfg->max_connections
					  ? cfg->max_per_address
					  : cfg->max_connections);

	if (!parse_listen(cfg->listen, &addr)) {
		*err = "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 / 监听地址格式应为 主机:端口";
		free(srv);
		return NULL;
	}
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->store = store;
	srv->cfg = *cfg;
	if (srv->cfg.metrics_allow.n == 0) {
		const char *ignored;
		cidr_list_parse(SERVER_METRICS_ALLOW, &srv->cfg.metrics_allow, &ignored);
	}
	srv->metrics = http_metrics_new(api_routes, api_nroutes);
	srv->started = (int64_t)time(NULL);
	svc_ready_init(&srv->ready);
	if (srv->cfg.prereg_pending_max <= 0)
		srv->cfg.prereg_pending_max = 20000; /* a config made in code, not by the command line */
	srv->sessions = sessions_new(cfg->session_idle, cfg->session_absolute);
	sessions_persist(srv->sessions, store);
	srv->login_rl = ratelimit_new(cfg->login_per_minute);
	srv->self_rl = ratelimit_new(cfg->self_per_minute > 0 ? cfg->self_per_minute : 30);
	/* a highway exit: a car every few seconds, each pre-registered */
	srv->pre_rl = ratelimit_new(600);
	srv->refcache = svc_refcache_new();
	obs_policy_default(&srv->obs);
	if (cfg->obs_days > 0)
		srv->obs.days = cfg->obs_days;
	if (cfg->fever_dc > 0)
		srv->obs.fever_dc = cfg->fever_dc;
	if (!secret_key_load(cfg->key_path ? cfg->key_path : "fangkong.key", srv->key)) {
		*err = "cannot read or create the key file beside the database / 无法读取或创建密钥文件";
		sessions_free(srv->sessions);
		ratelimit_free(srv->login_rl);
		ratelimit_free(srv->self_rl);
		ratelimit_free(srv->pre_rl);
		svc_refcache_free(srv->refcache);
		http_metrics_free(srv->metrics);
		svc_ready_destroy(&srv->ready);
		free(srv);
		return NULL;
	}
	pthread_mutex_init(&srv->base_mu, NULL);
	srv->watchdog = watchdog_start(cfg->header_timeout > 0 ? cfg->header_timeout : 10);
	srv->area_cache = rcache_new(4096);
	srv->workers = workers_start(cfg->workers, 65536, run_deferred);
	srv->importer = importer_start(store);
	srv->exporter = exporter_start(cfg->upload_dir ? cfg->upload_dir : "/tmp");
	/* at most half the connections stream, 4 per account (a phone and a few tabs); the
	 * heartbeat comes well inside the connection timeout */
	srv->outbound = outbound_sender_start(store, 20, srv->cfg.sms_command);
	srv->events = events_new(store, srv->sessions,
				 cfg->max_connections / 2 > 4 ? cfg->max_connections / 2 : 4, 4,
				 cfg->connection_timeout * 2 / 3 < 25 && cfg->connection_timeout > 1
					 ? cfg->connection_timeout * 2 / 3
					 : 25);
	srv->id_prefix = randombytes_random();
	/* servers sharing a database (PostgreSQL) tell each other what they keep in memory;
	 * set before the first request is served (the limiters read it without a lock) */
	if (store_news_listen(store, on_news, srv)) {
		ratelimit_share(srv->login_rl, srv->key, sizeof srv->key, 'l', tell, srv);
		ratelimit_share(srv->self_rl, srv->key, sizeof srv->key, 's', tell, srv);
		ratelimit_share(srv->pre_rl, srv->key, sizeof srv->key, 'p', tell, srv);
	}
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)cfg->connection_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)cfg->max_header_kib * 1024, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		per_address, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, srv,
		MHD_OPTION_END);
	if (!srv->daemon) {
		*err = "cannot listen on that address (in use?) / 无法监听该地址（端口被占用？）";
		server_stop(srv);
		return NULL;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : 0;
	return srv;
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	/* Finish the suspended requests first: libmicrohttpd stops only with none left. */
	events_close(srv->events);
	workers_stop(srv->workers);
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	events_free(srv->events);
	outbound_sender_stop(srv->outbound);
	watchdog_stop(srv->watchdog);
	pthread_mutex_destroy(&srv->base_mu);
	importer_stop(srv->importer);
	exporter_stop(srv->exporter);
	store_news_listen(srv->store, NULL, NULL); /* no one hears news from here on */
	sessions_free(srv->sessions);
	ratelimit_free(srv->login_rl);
	ratelimit_free(srv->self_rl);
	ratelimit_free(srv->pre_rl);
	svc_refcache_free(srv->refcache);
	rcache_free(srv->area_cache);
	http_metrics_free(srv->metrics);
	svc_ready_destroy(&srv->ready);
	sodium_memzero(srv->key, sizeof srv->key);
	free(srv);
}

const struct sockaddr *req_peer(struct req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	return ci ? ci->client_addr : NULL;
}
