#include "http/upload.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/server.h"
#include "util/json.h"
#include "util/log.h"
#include "util/uuid.h"

enum { FIELD_MAX = 64 * 1024 };

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((struct upload *)0)->sha256_state),
	       "sha256 state buffer too small");

static crypto_hash_sha256_state *hstate(struct upload *u)
{
	return (crypto_hash_sha256_state *)(void *)u->sha256_state;
}

/* Characters a shown name never needs and that can disguise it: C0 and C1 controls, DEL,
 * zero-width characters, bidirectional overrides (U+202E turns "gpj.exe" around), BOM. */
static bool unwanted(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

void upload_filename_clean(const char *in, char *out, size_t outsz)
{
	const char *base = in ? in : "";
	size_t n = 0;
	bool bad = false; /* the last character written is U+FFFD */
	unsigned cp;
	int len;

	for (const char *p = base; *p; p++) /* a browser may send C:\dir\name.csv */
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (!outsz)
		return;
	for (const char *p = base; *p; p += len) {
		const char *put = p;
		size_t putn;
		if ((len = utf8_next(p, &cp)) == 0) {
			len = 1;
			if (bad)
				continue; /* one U+FFFD for a run of bad bytes */
			put = "\xEF\xBF\xBD";
			putn = 3;
		} else if (cp < 0x80 ? !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
					 (cp >= 'A' && cp <= 'Z') ||
					 (cp && strchr(" ._-()", (int)cp)))
				     : unwanted(cp)) {
			continue;
		} else if (cp == ' ' && n == 0) {
			continue; /* no leading space */
		} else {
			putn = (size_t)len;
		}
		if (n + putn + 1 > outsz)
			break; /* capped at a character boundary */
		memcpy(out + n, put, putn);
		n += putn;
		bad = put != p;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* A new file only the server's user can read (0600 whatever the umask): uploaded lists
 * hold full ID numbers and phones. */
static FILE *create_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

	if (fd >= 0 && !f)
		close(fd);
	return f;
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
	if (!key) /* a part whose Content-Disposition has no name (found by tests/fuzz/http_fuzz.mjs) */
		return MHD_YES;
	if (!strcmp(key, "file")) {
		if (off == 0 && u->started && u->size > 0)
			u->second = true; /* only the first file field counts */
		if (u->second)
			return MHD_YES;
		if (!u->started) {
			u->started = true;
			upload_filename_clean(filename, u->filename, sizeof u->filename);
			u->f = create_private(u->path);
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
