/* cryptfile: what goes in comes out, of every size around a chunk's; a wrong key, a changed
 * byte anywhere, a file cut at any of several points (also at a chunk's end, before the
 * final chunk), bytes after the end, a changed header are refused; key files are read as
 * keygen writes them and refused when others may write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/cryptfile.h"

static char dir[] = "/tmp/fk-cryptfile-XXXXXX";
static unsigned char key[CRYPTFILE_KEYBYTES];

static void path_of(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

/* n pseudo-random bytes, the same for the same n */
static unsigned char *plain_of(size_t n)
{
	unsigned char *p = malloc(n ? n : 1), seed[randombytes_SEEDBYTES] = {7};

	assert_non_null(p);
	seed[1] = (unsigned char)n;
	randombytes_buf_deterministic(p, n, seed);
	return p;
}

/* p encrypted into the file name; its size */
static off_t seal(const char *name, const unsigned char *p, size_t n)
{
	char path[256];
	struct stat st;
	int fd;

	path_of(path, sizeof path, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	struct cryptfile_writer *w = cryptfile_write_begin(fd, key);
	assert_non_null(w);
	/* in uneven pieces, as a caller writes */
	for (size_t at = 0; at < n;) {
		size_t k = n - at < 1000 ? n - at : 1000 + at % 7777;
		if (k > n - at)
			k = n - at;
		assert_true(cryptfile_write(w, p + at, k));
		at += k;
	}
	assert_true(cryptfile_write_end(w));
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	return st.st_size;
}

/* The file's plain bytes into *out (malloc'd); false when refused. */
static bool open_it(const char *name, const unsigned char *k, unsigned char **out, size_t *n)
{
	char path[256], err[256];
	size_t cap = 1 << 16, len = 0;
	unsigned char *b = malloc(cap);
	int fd;
	bool ok = false;

	path_of(path, sizeof path, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct cryptfile_reader *r = cryptfile_read_begin(fd, k, err, sizeof err);
	if (!r)
		goto out;
	for (;;) {
		if (len == cap)
			assert_non_null(b = realloc(b, cap *= 2));
		int64_t got = cryptfile_read(r, b + len, cap - len, err, sizeof err);
		if (got < 0) {
			cryptfile_read_end(r, err, sizeof err);
			goto out;
		}
		len += (size_t)got;
		if (len < cap)
			break;
	}
	ok = cryptfile_read_end(r, err, sizeof err);
out:
	close(fd);
	if (ok) {
		*out = b;
		*n = len;
	} else {
		free(b);
	}
	return ok;
}

static void test_round_trip_of_every_size(void **state)
{
	(void)state;
	const size_t sizes[] = {0,
				1,
				CRYPTFILE_CHUNK - 1,
				CRYPTFILE_CHUNK,
				CRYPTFILE_CHUNK + 1,
				2 * CRYPTFILE_CHUNK,
				(size_t)5 * 1024 * 1024 + 3};

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		unsigned char *p = plain_of(sizes[i]), *q = NULL;
		size_t n = 0;
		off_t sz = seal("rt.fkbak", p, sizes[i]);
		size_t chunks = sizes[i] / CRYPTFILE_CHUNK + (sizes[i] % CRYPTFILE_CHUNK != 0) +
				(sizes[i] == 0);
		assert_int_equal(sz, CRYPTFILE_MAGIC_LEN + 24 + sizes[i] + chunks * (4 + 17));
		assert_true(open_it("rt.fkbak", key, &q, &n));
		assert_int_equal(n, sizes[i]);
		if (n)
			assert_memory_equal(p, q, n);
		free(p);
		free(q);
	}
}

static void test_a_wrong_key_is_refused(void **state)
{
	(void)state;
	unsigned char *p = plain_of(1000), other[CRYPTFILE_KEYBYTES], *q;
	size_t n;

	seal("k.fkbak", p, 1000);
	memcpy(other, key, sizeof other);
	other[0] ^= 1;
	assert_false(open_it("k.fkbak", other, &q, &n));
	assert_true(open_it("k.fkbak", key, &q, &n));
	free(q);
	free(p);
}

/* A copy of name with its byte at flipped XORed by 1, or cut to cut bytes, or with a byte
 * added at the end. */
static void altered(const char *name, const char *to, off_t flip, off_t cut, bool add)
{
	char from[256], path[256];
	FILE *f;
	unsigned char *b;
	long n;

	path_of(from, sizeof from, name);
	path_of(path, sizeof path, to);
	assert_non_null(f = fopen(from, "rb"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	assert_non_null(b = malloc((size_t)n + 1));
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	if (flip >= 0)
		b[flip] ^= 1;
	if (cut >= 0)
		n = cut;
	if (add)
		b[n++] = 0;
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(b);
}

static void test_a_changed_byte_is_refused(void **state)
{
	(void)state;
	size_t plain = 3 * CRYPTFILE_CHUNK + 100;
	unsigned char *p = plain_of(plain), *q;
	size_t n;
	off_t sz = seal("f.fkbak", p, plain);
	/* the magic, the header, a length, inside the first, a middle and the last chunk */
	const off_t at[] = {0, 5, 7, 8, 20, 31, 32, 35, 40, 1000, CRYPTFILE_CHUNK + 60, sz - 1};

	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		altered("f.fkbak", "bad.fkbak", at[i], -1, false);
		assert_false(open_it("bad.fkbak", key, &q, &n));
	}
	altered("f.fkbak", "bad.fkbak", -1, -1, true); /* a byte after the end */
	assert_false(open_it("bad.fkbak", key, &q, &n));
	altered("f.fkbak", "same.fkbak", -1, -1, false);
	assert_true(open_it("same.fkbak", key, &q, &n));
	free(q);
	free(p);
}

static void test_a_cut_file_is_refused(void **state)
{
	(void)state;
	size_t plain = 3 * CRYPTFILE_CHUNK;
	unsigned char *p = plain_of(plain), *q;
	size_t n;
	off_t sz = seal("c.fkbak", p, plain);
	const off_t chunk = 4 + CRYPTFILE_CHUNK + 17, head = CRYPTFILE_MAGIC_LEN + 24;
	/* nothing, in the magic, in the header, before a length, inside one, at the end of
	 * the first and second chunk (no TAG_FINAL yet), one byte short */
	const off_t at[] = {0,
			    3,
			    8,
			    20,
			    head,
			    head + 2,
			    head + 100,
			    head + chunk,
			    head + 2 * chunk,
			    head + 2 * chunk + 4,
			    sz - 1};

	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		altered("c.fkbak", "cut.fkbak", -1, at[i], false);
		assert_false(open_it("cut.fkbak", key, &q, &n));
	}
	free(p);
}

static void test_key_files(void **state)
{
	(void)state;
	char path[256], raw[256], err[256];
	unsigned char k[CRYPTFILE_KEYBYTES], k2[CRYPTFILE_KEYBYTES];
	struct stat st;
	FILE *f;

	path_of(path, sizeof path, "backup.key");
	assert_true(cryptfile_keygen(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_false(cryptfile_keygen(path)); /* never over a key */
	assert_true(cryptfile_key_load(path, k, err, sizeof err));
	/* 32 raw bytes work too */
	path_of(raw, sizeof raw, "raw.key");
	assert_non_null(f = fopen(raw, "wb"));
	fwrite(k, 1, sizeof k, f);
	fclose(f);
	chmod(raw, 0640);
	assert_true(cryptfile_key_load(raw, k2, err, sizeof err));
	assert_memory_equal(k, k2, sizeof k);
	/* writable by the group or others: refused */
	chmod(raw, 0660);
	assert_false(cryptfile_key_load(raw, k2, err, sizeof err));
	assert_non_null(strstr(err, "chmod"));
	chmod(raw, 0602);
	assert_false(cryptfile_key_load(raw, k2, err, sizeof err));
	/* readable by others: refused too (a copied backup and a readable key are a register) */
	chmod(raw, 0644);
	assert_false(cryptfile_key_load(raw, k2, err, sizeof err));
	assert_non_null(strstr(err, "chmod"));
	chmod(raw, 0604);
	assert_false(cryptfile_key_load(raw, k2, err, sizeof err));
	/* not a key: short, long, not hex; missing */
	assert_non_null(f = fopen(raw, "wb"));
	fputs("0123456789abcdef\n", f);
	fclose(f);
	chmod(raw, 0600);
	assert_false(cryptfile_key_load(raw, k2, err, sizeof err));
	assert_null(strstr(err, "0123")); /* a key's text never shown */
	path_of(raw, sizeof raw, "none.key");
	assert_false(cryptfile_key_load(raw, k2, err, sizeof err));
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return -1;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char rm[128];
	snprintf(rm, sizeof rm, "rm -rf %s", dir);
	return system(rm) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_of_every_size),
		cmocka_unit_test(test_a_wrong_key_is_refused),
		cmocka_unit_test(test_a_changed_byte_is_refused),
		cmocka_unit_test(test_a_cut_file_is_refused),
		cmocka_unit_test(test_key_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
