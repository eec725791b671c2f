/* server — starts libmicrohttpd (epoll, internal thread pool) and turns its callbacks into
 * struct req. See server.h for a request's life. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/cache.h"
#include "http/ratelimit.h"
#include "http/workers.h"
#include "io/import.h"
#include "util/log.h"
#include "util/timeutil.h"

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

static void client_ip(struct MHD_Connection *conn, char *out, size_t outsz)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, outsz, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)outsz);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)outsz);
}

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
	r->path = arena_strdup(r->a, url);
	snprintf(r->id, sizeof r->id, "%08x%08x", (unsigned)srv->id_prefix, (unsigned)seq);
	client_ip(conn, r->ip, sizeof r->ip);
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

static bool declared_too_large(struct req *r)
{
	const char *cl = req_header(r, "Content-Length");
	char *end;
	unsigned long long n;

	if (!cl)
		return false;
	n = strtoull(cl, &end, 10);
	return *end == '\0' && n > r->body.max;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct req *r = *con_cls;

	(void)version;
	if (!r) {
		*con_cls = req_new(srv, conn, url, method);
		return MHD_YES;
	}
	/* Bodies are read to their end even when refused: libmicrohttpd 0.9.75 takes a
	 * reply only once the body is in. Refused bytes are dropped, not kept. */
	if (*upload_data_size && r->matched && (r->match.route->flags & ROUTE_UPLOAD)) {
		if (r->upload.pp && !upload_feed(r, upload_data, *upload_data_size))
			r->upload.io_error = true;
		*upload_data_size = 0; /* without r->upload.pp: refused, and answered at the end */
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->too_large && (declared_too_large(r) ||
				      !buf_append(&r->body, upload_data, *upload_data_size))) {
			r->too_large = true;
			buf_free(&r->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->pending) { /* back from a worker */
		MHD_queue_response(conn, r->status, r->pending);
		MHD_destroy_response(r->pending);
		r->pending = NULL;
		return MHD_YES;
	}
	if (!r->replied && !r->deferred)
		api_dispatch(r);
	if (!r->replied && !r->deferred)
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

	(void)cls;
	(void)conn;
	if (!r)
		return;
	log_info("%s %s %u %.1fms %s%s", http_method_name(r->method),
		 r->match.route ? r->match.route->pattern : api_log_path(r), r->status,
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

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
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

struct server *server_start(struct store *store, const struct server_config *cfg, const char **err)
{
	struct server *srv = xcalloc(1, sizeof *srv);
	struct sockaddr_storage addr;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *di;

	if (!parse_listen(cfg->listen, &addr)) {
		*err = "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 / 监听地址格式应为 主机:端口";
		free(srv);
		return NULL;
	}
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->store = store;
	srv->cfg = *cfg;
	srv->sessions = sessions_new(cfg->session_idle, cfg->session_absolute);
	srv->login_rl = ratelimit_new(cfg->login_per_minute);
	srv->self_rl = ratelimit_new(cfg->self_per_minute > 0 ? cfg->self_per_minute : 30);
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
		free(srv);
		return NULL;
	}
	srv->area_cache = rcache_new(4096);
	srv->workers = workers_start(cfg->workers, 65536, run_deferred);
	srv->importer = importer_start(store);
	srv->id_prefix = randombytes_random();
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)cfg->connection_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)cfg->max_header_kib * 1024, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)cfg->max_connections, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
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
	workers_stop(srv->workers);
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	importer_stop(srv->importer);
	sessions_free(srv->sessions);
	ratelimit_free(srv->login_rl);
	ratelimit_free(srv->self_rl);
	rcache_free(srv->area_cache);
	sodium_memzero(srv->key, sizeof srv->key);
	free(srv);
}
