/* reply — builds every response, so the security headers are set in one place. */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "http/server.h"
#include "util/log.h"

/* seconds: about the bound on a wait for a reader (store_opts.reader_wait_ms) */
#define REPLY_RETRY_AFTER "2"

static const char csp[] = "default-src 'self'; img-src 'self' data:; style-src 'self' "
			  "'unsafe-inline'; script-src 'self'; connect-src 'self'; "
			  "object-src 'none'; base-uri 'none'; form-action 'self'; "
			  "frame-ancestors 'none'";

static void common_headers(struct req *r, unsigned status, struct MHD_Response *resp)
{
	if (status == 503) /* busy (no reader, no disk): worth trying again shortly */
		MHD_add_response_header(resp, "Retry-After", REPLY_RETRY_AFTER);
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->early != EARLY_NONE) /* the body, if any, was never read: nothing may follow */
		MHD_add_response_header(resp, "Connection", "close");
}

static void queue(struct req *r, unsigned status, struct MHD_Response *resp)
{
	if (r->replied) {
		log_error("second reply for request %s", r->id);
		MHD_destroy_response(resp);
		return;
	}
	common_headers(r, status, resp);
	r->status = status;
	r->replied = true;
	if (r->deferred) { /* on a worker: queued by the access handler after the resume */
		r->pending = resp;
		return;
	}
	if (MHD_queue_response(r->conn, status, resp) != MHD_YES) {
		log_error("libmicrohttpd refused the reply for request %s", r->id);
		r->replied = false;
	}
	MHD_destroy_response(resp);
}

void reply_json(struct req *r, unsigned status, json_t *body)
{
	char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	if (body && !txt)
		fk_oom();
	reply_json_text(r, status, txt, txt ? strlen(txt) : 0);
}

void reply_json_text(struct req *r, unsigned status, char *txt, size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(
		len, txt ? txt : (char *)"", txt ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp)
		fk_oom();
	if (txt)
		MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	queue(r, status, resp);
}

void reply_empty(struct req *r, unsigned status)
{
	reply_json(r, status, NULL);
}

void reply_stream(struct req *r, unsigned status, struct MHD_Response *resp)
{
	queue(r, status, resp);
}

/* A download's response: its type and disposition, never cached. */
static void download(struct req *r, unsigned status, const char *type, const char *disposition,
		     struct MHD_Response *resp)
{
	if (!resp)
		fk_oom();
	MHD_add_response_header(resp, "Content-Type", type);
	if (disposition)
		MHD_add_response_header(resp, "Content-Disposition", disposition);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	queue(r, status, resp);
}

void reply_bytes(struct req *r, unsigned status, const char *type, const char *disposition,
		 char *data, size_t len)
{
	download(r, status, type, disposition,
		 MHD_create_response_from_buffer(len, data ? data : (char *)"",
						 data ? MHD_RESPMEM_MUST_FREE
						      : MHD_RESPMEM_PERSISTENT));
}

void reply_fd(struct req *r, unsigned status, const char *type, const char *disposition, int fd,
	      uint64_t size)
{
	download(r, status, type, disposition, MHD_create_response_from_fd64(size, fd));
}

void reply_error(struct req *r, enum err e, const char *field)
{
	const struct err_info *ei = err_info(e);
	json_t *err = json_pack("{s:s, s:s}", "code", ei->code, "message", r->en ? ei->en : ei->zh);

	if (field)
		json_object_set_new(err, "field", json_string(field));
	reply_json(r, ei->status, json_pack("{s:o}", "error", err));
}

void reply_static(struct req *r, unsigned status, const void *data, size_t len,
		  const char *const *headers)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);

	if (!resp)
		fk_oom();
	for (; headers && headers[0]; headers += 2)
		MHD_add_response_header(resp, headers[0], headers[1]);
	queue(r, status, resp);
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}
