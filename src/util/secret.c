/* secret — see secret.h. */
#include "util/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKEN_BYTES 16
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static bool read_all(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

bool secret_key_load(const char *path, unsigned char key[SECRET_KEY_LEN])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd >= 0) {
		ok = read_all(fd, key, SECRET_KEY_LEN);
		close(fd);
		return ok;
	}
	if (errno != ENOENT)
		return false;
	randombytes_buf(key, SECRET_KEY_LEN);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	ok = write(fd, key, SECRET_KEY_LEN) == SECRET_KEY_LEN && fsync(fd) == 0;
	close(fd);
	if (!ok)
		unlink(path);
	return ok;
}

bool token_hash(const char *token, char hash[TOKEN_HASH_LEN + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	if (!token || strlen(token) != TOKEN_LEN)
		return false;
	for (const char *p = token; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	crypto_hash_sha256(h, (const unsigned char *)token, TOKEN_LEN);
	sodium_bin2hex(hash, TOKEN_HASH_LEN + 1, h, sizeof h);
	return true;
}

void token_new(const unsigned char key[SECRET_KEY_LEN], char token[TOKEN_LEN + 1],
	       char hash[TOKEN_HASH_LEN + 1], char box[TOKEN_BOX_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];
	unsigned char sealed[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + TOKEN_LEN];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, TOKEN_LEN + 1, raw, sizeof raw, B64);
	token_hash(token, hash);
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, (const unsigned char *)token,
			      TOKEN_LEN, sealed, key);
	sodium_bin2base64(box, TOKEN_BOX_LEN + 1, sealed, sizeof sealed, B64);
	sodium_memzero(raw, sizeof raw);
}

bool token_open(const unsigned char key[SECRET_KEY_LEN], const char *box,
		char token[TOKEN_LEN + 1])
{
	unsigned char sealed[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + TOKEN_LEN];
	size_t len = 0;

	if (!box || sodium_base642bin(sealed, sizeof sealed, box, strlen(box), NULL, &len, NULL,
				      B64) != 0 ||
	    len != sizeof sealed)
		return false;
	if (crypto_secretbox_open_easy((unsigned char *)token, sealed + crypto_secretbox_NONCEBYTES,
				       len - crypto_secretbox_NONCEBYTES, sealed, key) != 0)
		return false;
	token[TOKEN_LEN] = '\0';
	return true;
}
