/* cryptfile — secretstream files and their key files (the format: cryptfile.h). A writer
 * holds one chunk of plain bytes and seals it when the next byte comes or at the end, so
 * that the final chunk is the last one written, never an empty one after a full one. */
#include "io/cryptfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/log.h"

const unsigned char cryptfile_magic[CRYPTFILE_MAGIC_LEN] = {'F', 'K', 'B', 'A', 'K', '1', 0, 0};

enum {
	SEALED_MAX = CRYPTFILE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES,
	HEADER = crypto_secretstream_xchacha20poly1305_HEADERBYTES,
	TAG_MSG = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
	TAG_FINAL = crypto_secretstream_xchacha20poly1305_TAG_FINAL,
};

/* All of p to fd; false on an error (errno). */
static bool write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n) {
		ssize_t k = write(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		b += k;
		n -= (size_t)k;
	}
	return true;
}

/* Up to n bytes from fd, fewer only at its end; -1 on an error. */
static ssize_t read_full(int fd, void *p, size_t n)
{
	unsigned char *b = p;
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, b + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

bool cryptfile_keygen(const char *path)
{
	unsigned char key[CRYPTFILE_KEYBYTES];
	char hex[2 * CRYPTFILE_KEYBYTES + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok;

	if (fd < 0)
		return false;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	hex[2 * CRYPTFILE_KEYBYTES] = '\n';
	ok = fchmod(fd, 0600) == 0 && write_all(fd, hex, 2 * CRYPTFILE_KEYBYTES + 1) &&
	     fsync(fd) == 0;
	sodium_memzero(key, sizeof key);
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0)
		ok = false;
	if (!ok) {
		int e = errno;
		unlink(path);
		errno = e;
	}
	return ok;
}

bool cryptfile_key_load(const char *path, unsigned char key[CRYPTFILE_KEYBYTES], char *err,
			size_t errsz)
{
	unsigned char buf[2 * CRYPTFILE_KEYBYTES + 8];
	struct stat st;
	size_t n, used = 0;
	ssize_t k;
	bool ok = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errsz, "cannot read the key file %s / 无法读取密钥文件", path);
		goto out;
	}
	/* others may neither read nor write it (a readable key is a copied register, once a
	 * backup file is copied too), the group may read it (0640 root:fangkong, for the
	 * service's backup) but not write it */
	if (!S_ISREG(st.st_mode) || (st.st_mode & 027)) {
		snprintf(err, errsz,
			 "the key file %s must be a file others can neither read nor write and the "
			 "group cannot write (chmod 600, or 640 for the service's group) / "
			 "密钥文件不得允许其他用户读写，也不得允许组用户写入",
			 path);
		goto out;
	}
	if ((k = read_full(fd, buf, sizeof buf)) < 0) {
		snprintf(err, errsz, "cannot read the key file %s / 无法读取密钥文件", path);
		goto out;
	}
	n = (size_t)k;
	if (n == CRYPTFILE_KEYBYTES) {
		memcpy(key, buf, CRYPTFILE_KEYBYTES);
		ok = true;
	} else {
		while (n && strchr(" \t\r\n", buf[n - 1]))
			n--;
		ok = n == 2 * CRYPTFILE_KEYBYTES &&
		     sodium_hex2bin(key, CRYPTFILE_KEYBYTES, (const char *)buf, n, NULL, &used,
				    NULL) == 0 &&
		     used == CRYPTFILE_KEYBYTES;
	}
	if (!ok)
		snprintf(err, errsz,
			 "%s is not a backup key (64 hex digits, made by fangkong keygen) / "
			 "不是有效的备份密钥文件",
			 path);
out:
	sodium_memzero(buf, sizeof buf);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* ---- writing ---- */

struct cryptfile_writer {
	int fd;
	crypto_secretstream_xchacha20poly1305_state st;
	size_t n; /* plain bytes held */
	unsigned char plain[CRYPTFILE_CHUNK];
	unsigned char sealed[4 + SEALED_MAX];
};

static bool seal(struct cryptfile_writer *w, unsigned char tag)
{
	unsigned long long clen;
	bool ok;

	crypto_secretstream_xchacha20poly1305_push(&w->st, w->sealed + 4, &clen, w->plain, w->n,
						   cryptfile_magic, sizeof cryptfile_magic, tag);
	for (int i = 0; i < 4; i++)
		w->sealed[i] = (unsigned char)(clen >> (8 * i));
	ok = write_all(w->fd, w->sealed, 4 + (size_t)clen);
	w->n = 0;
	return ok;
}

struct cryptfile_writer *cryptfile_write_begin(int fd, const unsigned char key[CRYPTFILE_KEYBYTES])
{
	struct cryptfile_writer *w = sodium_malloc(sizeof *w);
	unsigned char header[HEADER];

	if (!w)
		fk_oom();
	w->fd = fd;
	w->n = 0;
	crypto_secretstream_xchacha20poly1305_init_push(&w->st, header, key);
	if (!write_all(fd, cryptfile_magic, sizeof cryptfile_magic) ||
	    !write_all(fd, header, sizeof header)) {
		sodium_free(w);
		return NULL;
	}
	return w;
}

bool cryptfile_write(struct cryptfile_writer *w, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n) {
		if (w->n == CRYPTFILE_CHUNK && !seal(w, TAG_MSG))
			return false;
		size_t k = CRYPTFILE_CHUNK - w->n < n ? CRYPTFILE_CHUNK - w->n : n;
		memcpy(w->plain + w->n, b, k);
		w->n += k;
		b += k;
		n -= k;
	}
	return true;
}

bool cryptfile_write_end(struct cryptfile_writer *w)
{
	bool ok = seal(w, TAG_FINAL);

	sodium_free(w); /* zeroes the state and the plain bytes */
	return ok;
}

void cryptfile_write_abort(struct cryptfile_writer *w)
{
	if (w)
		sodium_free(w);
}

/* ---- reading ---- */

struct cryptfile_reader {
	int fd;
	crypto_secretstream_xchacha20poly1305_state st;
	bool final;
	size_t n, at; /* plain bytes held, and read of them */
	unsigned char plain[CRYPTFILE_CHUNK];
	unsigned char sealed[SEALED_MAX];
};

static const char damaged[] = "the backup is damaged, cut short or not made with this key / "
			      "备份文件已损坏、不完整或密钥不符";

struct cryptfile_reader *cryptfile_read_begin(int fd, const unsigned char key[CRYPTFILE_KEYBYTES],
					      char *err, size_t errsz)
{
	unsigned char head[CRYPTFILE_MAGIC_LEN + HEADER];
	struct cryptfile_reader *r;
	ssize_t k = read_full(fd, head, sizeof head);

	if (k < 0) {
		snprintf(err, errsz, "cannot read the backup / 无法读取备份文件");
		return NULL;
	}
	if ((size_t)k < sizeof cryptfile_magic ||
	    memcmp(head, cryptfile_magic, sizeof cryptfile_magic)) {
		snprintf(
			err, errsz,
			"not an encrypted fangkong backup (FKBAK1) / 不是加密的 fangkong 备份文件");
		return NULL;
	}
	if ((size_t)k < sizeof head) {
		snprintf(err, errsz, "%s", damaged);
		return NULL;
	}
	if (!(r = sodium_malloc(sizeof *r)))
		fk_oom();
	r->fd = fd;
	r->final = false;
	r->n = r->at = 0;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&r->st, head + CRYPTFILE_MAGIC_LEN,
							    key) != 0) {
		snprintf(err, errsz, "%s", damaged);
		sodium_free(r);
		return NULL;
	}
	return r;
}

/* The next chunk into r->plain; false when there is none or it is not authentic. */
static bool next_chunk(struct cryptfile_reader *r)
{
	unsigned char len[4], tag;
	unsigned long long plen;
	size_t clen = 0;

	if (r->final || read_full(r->fd, len, 4) != 4)
		return false;
	for (int i = 0; i < 4; i++)
		clen |= (size_t)len[i] << (8 * i);
	if (clen < crypto_secretstream_xchacha20poly1305_ABYTES || clen > SEALED_MAX ||
	    read_full(r->fd, r->sealed, clen) != (ssize_t)clen ||
	    crypto_secretstream_xchacha20poly1305_pull(&r->st, r->plain, &plen, &tag, r->sealed,
						       clen, cryptfile_magic,
						       sizeof cryptfile_magic) != 0 ||
	    (tag != TAG_MSG && tag != TAG_FINAL))
		return false;
	r->n = (size_t)plen;
	r->at = 0;
	r->final = tag == TAG_FINAL;
	return true;
}

int64_t cryptfile_read(struct cryptfile_reader *r, void *p, size_t n, char *err, size_t errsz)
{
	unsigned char *b = p;
	size_t got = 0;

	while (got < n) {
		if (r->at == r->n) {
			if (r->final)
				break;
			if (!next_chunk(r)) {
				snprintf(err, errsz, "%s", damaged);
				return -1;
			}
			continue;
		}
		size_t k = r->n - r->at < n - got ? r->n - r->at : n - got;
		memcpy(b + got, r->plain + r->at, k);
		r->at += k;
		got += k;
	}
	return (int64_t)got;
}

bool cryptfile_read_end(struct cryptfile_reader *r, char *err, size_t errsz)
{
	unsigned char extra;
	bool ok;

	/* the final chunk may be still ahead when the plain stream ended at a chunk's end */
	while (r->at == r->n && !r->final && next_chunk(r))
		;
	ok = r->final && r->at == r->n && read_full(r->fd, &extra, 1) == 0;
	if (!ok)
		snprintf(err, errsz, "%s", damaged);
	sodium_free(r);
	return ok;
}
