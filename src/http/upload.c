#include "http/upload.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/server.h"
#include "util/log.h"
#include "util/uuid.h"

enum { FIELD_MAX = 64 * 1024 };

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((struct upload *)0)->sha256_state),
	       "sha256 state buffer too small");

static crypto_hash_sha256_state *hstate(struct upload *u)
{
	return (crypto_hash_sha256_state *)(void *)u->sha256_state;
}

/* Keeps letters, digits, CJK and a few safe marks; the name is shown, never used as a path. */
static void sanitise(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	for (; in && *in && n + 1 < outsz; in++) {
		unsigned char ch = (unsigned char)*in;
		if (ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || strchr(" ._-()（）", ch))
			out[n++] = (char)ch;
	}
	out[n] = '\0';
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *filename, const char *content_type,
				const char *transfer_encoding, const char *data, uint64_t off,
				size_t size)
{
	struct upload *u = cls;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (!strcmp(key, "file")) {
		if (off == 0 && u->started && u->size > 0)
			u->second = true; /* only the first file field counts */
		if (u->second)
			return MHD_YES;
		if (!u->started) {
			u->started = true;
			sanitise(filename, u->filename, sizeof u->filename);
			u->f = fopen(u->path, "wbx");
			if (!u->f) {
				log_error("upload: cannot create a file in the upload folder");
				u->io_error = true;
				return MHD_YES;
			}
			crypto_hash_sha256_init(hstate(u));
		}
		if (!u->f || !size)
			return MHD_YES;
		if (u->size + size > u->max) {
			u->too_large = true;
			return MHD_YES;
		}
		if (fwrite(data, 1, size, u->f) != size)
			u->io_error = true;
		crypto_hash_sha256_update(hstate(u), (const unsigned char *)data, size);
		u->size += size;
		return MHD_YES;
	}
	for (size_t i = 0; i < u->nfields; i++)
		if (!strcmp(u->field[i].key, key))
			return buf_append(&u->field[i].value, data, size), MHD_YES;
	if (u->nfields < UPLOAD_FIELDS && strlen(key) < sizeof u->field[0].key) {
		size_t i = u->nfields++;
		memcpy(u->field[i].key, key, strlen(key) + 1);
		buf_init(&u->field[i].value, FIELD_MAX);
		buf_append(&u->field[i].value, data, size);
	}
	return MHD_YES;
}

bool upload_begin(struct req *r, const char *dir, uint64_t max_bytes)
{
	struct upload *u = &r->upload;
	char id[UUID_LEN + 1];

	uuid_v4(id);
	snprintf(u->path, sizeof u->path, "%s/%s.upload", dir, id);
	u->max = max_bytes;
	u->pp = MHD_create_post_processor(r->conn, 64 * 1024, on_field, u);
	if (!u->pp)
		u->path[0] = '\0';
	return u->pp != NULL;
}

bool upload_feed(struct req *r, const char *data, size_t size)
{
	return r->upload.pp && MHD_post_process(r->upload.pp, data, size) == MHD_YES;
}

bool upload_finish(struct req *r)
{
	struct upload *u = &r->upload;
	unsigned char h[crypto_hash_sha256_BYTES];

	if (u->pp) {
		MHD_destroy_post_processor(u->pp);
		u->pp = NULL;
	}
	if (u->f) {
		if (fflush(u->f) != 0 || fsync(fileno(u->f)) != 0)
			u->io_error = true;
		if (fclose(u->f) != 0)
			u->io_error = true;
		u->f = NULL;
		crypto_hash_sha256_final(hstate(u), h);
		sodium_bin2hex(u->sha256, sizeof u->sha256, h, sizeof h);
	} else if (!u->started) {
		u->path[0] = '\0'; /* no file came */
	}
	return !u->io_error;
}

const char *upload_field(const struct upload *u, const char *key)
{
	for (size_t i = 0; i < u->nfields; i++)
		if (!strcmp(u->field[i].key, key))
			return u->field[i].value.data ? u->field[i].value.data : "";
	return NULL;
}

void upload_cleanup(struct upload *u)
{
	if (u->pp)
		MHD_destroy_post_processor(u->pp);
	if (u->f)
		fclose(u->f);
	if (u->path[0] && !u->keep)
		unlink(u->path);
	for (size_t i = 0; i < u->nfields; i++)
		buf_free(&u->field[i].value);
	memset(u, 0, sizeof *u);
}
