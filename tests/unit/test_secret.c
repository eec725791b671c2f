/* secret and qr: self-report tokens (shape, hash, sealed copy, another key refused, a
 * key file created once with mode 0600) and QR codes as SVG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/qr.h"
#include "util/secret.h"

static void tokens(void **state)
{
	unsigned char key[SECRET_KEY_LEN], other[SECRET_KEY_LEN];
	char t1[TOKEN_LEN + 1], h1[TOKEN_HASH_LEN + 1], b1[TOKEN_BOX_LEN + 1];
	char t2[TOKEN_LEN + 1], h2[TOKEN_HASH_LEN + 1], b2[TOKEN_BOX_LEN + 1];
	char opened[TOKEN_LEN + 1], h[TOKEN_HASH_LEN + 1];
	(void)state;
	assert_true(sodium_init() >= 0);
	randombytes_buf(key, sizeof key);
	randombytes_buf(other, sizeof other);
	token_new(key, t1, h1, b1);
	token_new(key, t2, h2, b2);
	assert_int_equal(strlen(t1), TOKEN_LEN);
	assert_int_equal(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	assert_int_equal(strlen(h1), 64);
	assert_true(token_hash(t1, h));
	assert_string_equal(h, h1);
	assert_true(token_open(key, b1, opened));
	assert_string_equal(opened, t1);
	assert_false(token_open(other, b1, opened));
	b1[10] = b1[10] == 'A' ? 'B' : 'A';
	assert_false(token_open(key, b1, opened));
	assert_false(token_open(key, "", opened));
	assert_false(token_open(key, NULL, opened));
	assert_false(token_hash("short", h));
	assert_false(token_hash("AAAAAAAAAAAAAAAAAAAA/A", h));
	assert_false(token_hash(NULL, h));
}

static void key_file(void **state)
{
	char dir[] = "/tmp/fk-secret-XXXXXX", path[64];
	unsigned char k1[SECRET_KEY_LEN], k2[SECRET_KEY_LEN];
	struct stat st;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/db.key", dir);
	assert_true(secret_key_load(path, k1));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, SECRET_KEY_LEN);
	assert_true(secret_key_load(path, k2));
	assert_memory_equal(k1, k2, SECRET_KEY_LEN);
	unlink(path);
	rmdir(dir);
	snprintf(path, sizeof path, "/nonexistent-dir/db.key");
	assert_false(secret_key_load(path, k1));
}

static void qr(void **state)
{
	struct arena *a = arena_new();
	const char *svg = qr_svg("http://127.0.0.1:8080/r/AbCdEfGhIjKlMnOpQrStUv", a);
	int w = 0, h = 0;
	(void)state;
	assert_non_null(svg);
	assert_int_equal(sscanf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"", &w, &h), 2);
	/* version 4 (33 modules): level M holds 42 bytes in version 3, 62 in 4; plus 4 quiet
	 * modules each side */
	assert_int_equal(w, 33 + 8);
	assert_int_equal(w, h);
	assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M4 4h7v1h-7z"));
	assert_int_equal(strcmp(svg + strlen(svg) - 9, "\"/></svg>"), 0);
	assert_null(strchr(svg, '\n'));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens),
		cmocka_unit_test(key_file),
		cmocka_unit_test(qr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
