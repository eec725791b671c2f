/* cryptfile — an encrypted file (a backup) with libsodium's secretstream
 * (crypto_secretstream_xchacha20poly1305), and the key file it is made with.
 *
 * The file: "FKBAK1" and two zero bytes (the magic; the 1 is the format's version), the
 * 24-byte secretstream header, then chunks. A chunk is its length (4 bytes, little endian:
 * the ciphertext's, at most CRYPTFILE_CHUNK + 17) and the ciphertext of at most
 * CRYPTFILE_CHUNK bytes of the plain stream with its tag; the last chunk carries
 * TAG_FINAL and nothing follows it. Every chunk is authenticated with the magic as
 * additional data, and the stream authenticates their order: a changed byte, a chunk
 * left out or moved, a file cut anywhere (also at a chunk's end, before TAG_FINAL) or
 * anything after the final chunk is refused.
 *
 * A reader decrypts as it goes: what it returned is authentic, but the whole stream is
 * only known to be complete once cryptfile_read_end said so. Keep what was read aside
 * (a .part file) until then.
 *
 * The key file: 64 hex digits and a newline (what cryptfile_keygen writes) or 32 raw
 * bytes. Others may neither read nor write it; the group may read it. A key never appears in a message. */
#ifndef FK_IO_CRYPTFILE_H
#define FK_IO_CRYPTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CRYPTFILE_KEYBYTES = 32,
	CRYPTFILE_CHUNK = 64 * 1024, /* plain bytes a chunk */
	CRYPTFILE_MAGIC_LEN = 8,
};

extern const unsigned char cryptfile_magic[CRYPTFILE_MAGIC_LEN];

/* Writes a new key file at path (created 0600, never over an existing file); false with
 * errno set. */
bool cryptfile_keygen(const char *path);
/* Reads the key file at path into key; false with a message (zh + en) in err. */
bool cryptfile_key_load(const char *path, unsigned char key[CRYPTFILE_KEYBYTES], char *err,
			size_t errsz);

/* Writing: bytes given by cryptfile_write are buffered and sealed a chunk at a time to fd
 * (owned by the caller); cryptfile_write_end seals the last chunk with TAG_FINAL and frees
 * w. False on a write error (errno). */
struct cryptfile_writer;
struct cryptfile_writer *cryptfile_write_begin(int fd, const unsigned char key[CRYPTFILE_KEYBYTES]);
bool cryptfile_write(struct cryptfile_writer *w, const void *p, size_t n);
bool cryptfile_write_end(struct cryptfile_writer *w);
/* Frees a writer without ending its stream (after a failure). */
void cryptfile_write_abort(struct cryptfile_writer *w);

/* Reading: cryptfile_read_begin checks the magic and the header; NULL with err set when
 * the file is not one or cannot be read. cryptfile_read fills p with exactly n bytes, or
 * fewer at the end of the stream; -1 when the file is damaged, cut or not made with this
 * key (err says which). cryptfile_read_end: true only when the stream ended with its final
 * chunk, was read to its end and nothing follows; it frees r. */
struct cryptfile_reader;
struct cryptfile_reader *cryptfile_read_begin(int fd, const unsigned char key[CRYPTFILE_KEYBYTES],
					      char *err, size_t errsz);
int64_t cryptfile_read(struct cryptfile_reader *r, void *p, size_t n, char *err, size_t errsz);
bool cryptfile_read_end(struct cryptfile_reader *r, char *err, size_t errsz);

#endif
