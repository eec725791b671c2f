/* upload — multipart/form-data bodies streamed to disk (libmicrohttpd's post processor).
 *
 * The field "file" is written to a new file in the upload folder as it arrives, hashed
 * with SHA-256 on the way, and capped; small fields are kept in memory (each capped). The
 * request never holds the file in memory. The handler finds the result in struct upload;
 * a file left behind by a request that failed is removed when the request ends. */
#ifndef FK_UPLOAD_H
#define FK_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

#define UPLOAD_FIELDS 4

struct upload {
	struct MHD_PostProcessor *pp;
	char path[512];     /* where the file went; "" when no file field came */
	char filename[256]; /* as the client named it, cleaned (upload_filename_clean) */
	FILE *f;
	uint64_t size, max;
	bool started, second, too_large, io_error, keep;
	unsigned char sha256_state[512]; /* crypto_hash_sha256_state, opaque here */
	char sha256[65];
	struct {
		char key[32];
		struct buf value;
	} field[UPLOAD_FIELDS];
	size_t nfields;
};

struct req;
/* Starts streaming the request body; false when it is not multipart/form-data. */
bool upload_begin(struct req *r, const char *dir, uint64_t max_bytes);
bool upload_feed(struct req *r, const char *data, size_t size);
/* Closes the file and computes the hash; false on a write error. */
bool upload_finish(struct req *r);
/* The value of a small field, or NULL. */
const char *upload_field(const struct upload *u, const char *key);
/* The name of an uploaded file as it is stored and shown (it is never used as a path):
 * the part after the last / or \\, valid UTF-8 (each run of bytes that are not becomes one
 * U+FFFD), without controls, zero-width or bidirectional-override characters, ASCII only
 * letters, digits and " ._-()", no leading or trailing space, cut at a character boundary
 * to fit outsz bytes with the NUL. NULL in gives "". */
void upload_filename_clean(const char *in, char *out, size_t outsz);
/* Removes the file unless u->keep was set by the handler; frees the fields. */
void upload_cleanup(struct upload *u);

#endif
