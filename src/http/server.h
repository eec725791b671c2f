/* server — the HTTP front: libmicrohttpd with an epoll thread pool, one struct req per
 * request, and the reply functions every handler uses.
 *
 * A request's life: the first call of the access handler creates struct req and matches
 * the route; later calls append the body (capped); the last call runs the common checks
 * (api/api.c) and the handler, which queues exactly one reply. Requests that block
 * (writes, logins) are suspended and run on a worker thread (util/workers.h); their reply
 * is queued when libmicrohttpd calls back after the resume. Everything a handler allocates
 * lives in r->a until the request completes.
 *
 * Some requests are answered before their body is read (struct req.early): a target that
 * is not a path (400), a body without a Content-Length (411: libmicrohttpd 0.9.75 answers a
 * chunk line longer than its buffer with a 500 of its own), an unknown route (404/405), no
 * session on a route that needs one (401), a declared Content-Length over the cap (413). Replies are never queued on the
 * first call, and libmicrohttpd 0.9.75 refuses one while a body streams in; so such a
 * request with a body is suspended and resumed at its first call, which makes
 * libmicrohttpd call again before it reads the body, and the reply (with "Connection:
 * close") is queued then. The body is never read: the connection closes after the reply.
 *
 * Slow clients: at most --max-per-address connections per client address, and a request
 * header must be complete within --header-timeout seconds of the connection's start or of
 * the previous reply (a watchdog thread shuts the socket down), whatever --timeout says. */
#ifndef FK_SERVER_H
#define FK_SERVER_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/errors.h"
#include "http/router.h"
#include "http/session.h"
#include "http/upload.h"
#include "service/service.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/cidr.h"
#include "util/secret.h"

struct server_config {
	const char *listen;      /* "127.0.0.1:8080"; port 0 = any free port */
	int threads;             /* threads in the epoll pool */
	int max_connections;
	int max_per_address;     /* open connections from one client address */
	int connection_timeout;  /* seconds a connection may stay idle */
	int header_timeout;      /* seconds a client has to send a whole request header */
	int max_body_kib;        /* request body cap */
	int max_header_kib;      /* per-connection memory, which bounds the headers */
	int session_idle;        /* seconds */
	int session_absolute;    /* seconds */
	int login_per_minute;    /* login attempts per client address */
	int lock_failures;       /* failed logins in a row that lock an account */
	int lock_seconds;
	int workers;             /* threads for blocking requests (writes, logins) */
	bool secure_cookies;     /* behind TLS */
	int max_upload_mib;      /* imported files */
	const char *upload_dir;  /* where uploads are kept (beside the database) */
	const char *key_path;    /* the sealing key of self-report links (beside the database) */
	const char *public_url;  /* base of the links printed on contact cards, or NULL */
	int obs_days;            /* length of home observation, days */
	int fever_dc;            /* fever threshold, tenths of °C */
	int self_per_minute;     /* self-report requests per address and per link */
	int prereg_pending_max;  /* pre-registrations waiting at one checkpoint */
	const char *sms_command; /* program that sends one SMS (argv: phone, text), or NULL */
	int export_max_rows;     /* rows one export may hold (0: api_export.c's default) */
	/* peers whose X-Forwarded-For / X-Real-IP name the client (--trusted-proxy); empty:
	 * those headers are ignored */
	struct cidr_list trusted_proxy;
	struct cidr_list metrics_allow; /* TCP peers /metrics answers (none: the loopback) */
};

struct server {
	struct MHD_Daemon *daemon;
	struct store *store;
	struct server_config cfg;
	struct sessions *sessions;
	struct ratelimit *login_rl;
	struct workers *workers;
	struct importer *importer;
	struct exporter *exporter; /* list exports in the background (io/exporter.h) */
	struct rcache *area_cache; /* GET /areas/{code} bodies by scope and code */
	struct obs_policy obs;     /* home observation rules in force */
	unsigned char key[SECRET_KEY_LEN];
	struct ratelimit *self_rl; /* self-report pages: per address and per link */
	struct ratelimit *pre_rl;  /* pre-registrations (QR poster): per checkpoint */
	struct svc_refcache *refcache; /* counties' reading contexts (service/svc_refcache.c) */
	_Atomic uint16_t port; /* set once the daemon listens; workers read it (card links) */
	uint32_t id_prefix;
	atomic_uint_fast64_t id_seq;
	struct watchdog *watchdog;   /* closes connections whose request header is late */
	pthread_mutex_t base_mu;     /* guards link_base */
	char link_base[320];         /* pinned origin of contact-card links, "" until known */
	struct events *events;       /* the notification streams (events.h) */
	struct outbound_sender *outbound; /* sends queued webhook messages (io/outbound_send.h) */
	struct http_metrics *metrics;     /* requests by route (http/metrics.h) */
	int64_t started;              /* wall clock, seconds: fangkong_process_start_time_seconds */
	struct svc_ready_cache ready; /* /readyz's last probe (service/svc_ops.c) */
};

/* Why a request is answered before its body is read (see the top of this file). */
enum req_early {
	EARLY_NONE = 0,
	EARLY_TARGET,
	EARLY_CHUNKED,
	EARLY_UNROUTED,
	EARLY_ANONYMOUS,
	EARLY_TOO_LARGE,
};

struct req {
	struct server *srv;
	struct MHD_Connection *conn;
	struct arena *a;
	enum http_method method;
	const char *path;
	struct route_match match;
	bool matched;               /* match is valid (route found at the first call) */
	struct upload upload;       /* ROUTE_UPLOAD requests */
	struct buf body;
	bool too_large;
	enum req_early early;       /* answered before the body: the reply closes the connection */
	json_t *json;               /* parsed body, owned by req */
	char id[17];                /* request id, in the X-Request-Id header and the log */
	char ip[48];                /* the client: the peer, or whom a trusted proxy names */
	int64_t start_us;
	unsigned status;
	bool en;
	/* A deferred request (server_defer) belongs to its worker from the handoff until the
	 * worker resumes the connection: the HTTP thread reads nothing of it in between, and
	 * libmicrohttpd's resume orders the worker's writes (replied, status, pending) before
	 * the HTTP thread's next call. replied is atomic all the same, so a read that slips in
	 * is no data race (ThreadSanitizer, make tsan). */
	atomic_bool replied;
	bool deferred;                /* set on the HTTP thread before the handoff */
	struct MHD_Response *pending; /* a deferred request's reply, queued after the resume */
	bool authed;
	bool session_unavailable; /* the session could not be looked up: 503 */
	struct session_info sess;
	const char *token;          /* session cookie value */
	const char *set_cookie;     /* Set-Cookie header for the reply */
	struct svc_denial *denial;  /* what the service refused as out of scope (api.c) */
};

/* --metrics-allow's default: the loopback, IPv4 and IPv6. */
#define SERVER_METRICS_ALLOW "127.0.0.1/32,::1/128"

struct server *server_start(struct store *store, const struct server_config *cfg, const char **err);
void server_stop(struct server *srv);
/* Suspends the request and runs api_run(r) on a worker thread. */
void server_defer(struct req *r);
/* The origin ("https://host[:port][/path]", no trailing slash) of the links printed on
 * contact cards: --public-url; else the listen address when it is one host other than
 * loopback; else the first valid Host header of a signed-in request, pinned for the life
 * of the process; else the listen address. Lives in r->a. */
const char *server_link_base(struct req *r);
/* A Host header value that is a syntactically valid host[:port] (RFC 3986 reg-name of
 * letters, digits, '-' and '.', or an IPv4 or bracketed IPv6 literal; ASCII only). */
bool server_host_valid(const char *host);

/* ---- replies (reply.c): exactly one per request ---- */

/* Takes ownership of body (may be NULL for an empty reply). */
void reply_json(struct req *r, unsigned status, json_t *body);
/* Takes ownership of txt (malloc'd JSON text, may be NULL). */
void reply_json_text(struct req *r, unsigned status, char *txt, size_t len);
void reply_error(struct req *r, enum err e, const char *field);
void reply_empty(struct req *r, unsigned status);
/* A download: takes ownership of data (malloc'd). */
void reply_bytes(struct req *r, unsigned status, const char *type, const char *disposition,
		 char *data, size_t len);
/* A response made by the caller (an event stream, http/events.c): takes it, adds the common
 * headers and queues it. */
struct MHD_Response;
void reply_stream(struct req *r, unsigned status, struct MHD_Response *resp);
/* size bytes of the open file fd (taken: closed once sent), as an attachment. */
void reply_fd(struct req *r, unsigned status, const char *type, const char *disposition, int fd,
	      uint64_t size);
/* Bytes that outlive the request (embedded assets); headers NULL-terminated name/value pairs. */
void reply_static(struct req *r, unsigned status, const void *data, size_t len,
		  const char *const *headers);
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
/* The TCP peer of the connection (never a forwarded address), or NULL. */
const struct sockaddr *req_peer(struct req *r);

#endif
