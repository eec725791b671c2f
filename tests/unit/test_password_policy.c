/*
 * Unit tests for domain/password_policy: lengths in bytes and characters,
 * UTF-8 validity, the common list (case and full-width folded), repeat and
 * sequence patterns, the username rule, and the order in which rules apply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/password_policy.h"

#define GOOD "k7#Rm2vQx9" /* 10 characters, no pattern */

static void expect(const char *password, const char *username, enum password_verdict want)
{
	enum password_verdict got = password_check(password, username);
	if (got != want)
		fail_msg("password \"%s\" user \"%s\": got %d, want %d",
			 password ? password : "(null)", username ? username : "(null)", (int)got,
			 (int)want);
}

static void too_short(void **state)
{
	(void)state;
	expect(NULL, NULL, PASSWORD_TOO_SHORT);
	expect("", NULL, PASSWORD_TOO_SHORT);
	expect("k7#Rm2vQx", NULL, PASSWORD_TOO_SHORT); /* 9 */
	expect(GOOD, NULL, PASSWORD_OK);               /* 10 */
	/* 9 Chinese characters are 27 bytes but still only 9 characters */
	expect("我的密码很安全吗你", NULL, PASSWORD_TOO_SHORT);
	expect("我的密码很安全吗你说", NULL, PASSWORD_OK);
	/* an emoji is one character of four bytes */
	expect("k7#Rm2vQx\xf0\x9f\x98\x80", NULL, PASSWORD_OK);
	expect("k7#Rm2vQ\xf0\x9f\x98\x80", NULL, PASSWORD_TOO_SHORT);
}

/* Fills buf with n bytes of varied ASCII that match no rule, then NUL. */
static void fill_varied(char *buf, size_t n)
{
	static const char alphabet[] = "k7#Rm2vQx9Lp!Wz4Tb%Nc8";
	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[(i * 7 + i / 22) % (sizeof alphabet - 1)];
	buf[n] = '\0';
}

static void too_long(void **state)
{
	(void)state;
	char buf[PASSWORD_MAX_BYTES + 2];
	fill_varied(buf, PASSWORD_MAX_BYTES);
	expect(buf, NULL, PASSWORD_OK);
	fill_varied(buf, PASSWORD_MAX_BYTES + 1);
	expect(buf, NULL, PASSWORD_TOO_LONG);
}

static void too_long_counts_bytes_not_characters(void **state)
{
	(void)state;
	/* 42 distinct CJK characters = 126 bytes: fine; 43 = 129 bytes: too long */
	char buf[43 * 3 + 1];
	for (int i = 0; i < 43; i++) {
		unsigned cp = 0x4E00 + (unsigned)i * 37;
		buf[i * 3] = (char)(0xE0 | cp >> 12);
		buf[i * 3 + 1] = (char)(0x80 | (cp >> 6 & 0x3F));
		buf[i * 3 + 2] = (char)(0x80 | (cp & 0x3F));
	}
	buf[43 * 3] = '\0';
	char lead = buf[42 * 3];
	buf[42 * 3] = '\0';
	expect(buf, NULL, PASSWORD_OK);
	buf[42 * 3] = lead;
	assert_int_equal(strlen(buf), 129);
	expect(buf, NULL, PASSWORD_TOO_LONG);
}

static void hostile_long(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	expect(big, "xxx", PASSWORD_TOO_LONG);
	big[5] = (char)0xFF; /* length is judged before encoding */
	expect(big, NULL, PASSWORD_TOO_LONG);
	free(big);
}

static void bad_encoding(void **state)
{
	(void)state;
	expect("k7#Rm2vQx9\xff", NULL, PASSWORD_BAD_ENCODING);
	expect("k7#Rm2vQx9\xc0\xaf", NULL, PASSWORD_BAD_ENCODING);         /* overlong '/' */
	expect("k7#Rm2vQx9\xe0\x80\xaf", NULL, PASSWORD_BAD_ENCODING);     /* overlong, 3 bytes */
	expect("k7#Rm2vQx9\xed\xa0\x80", NULL, PASSWORD_BAD_ENCODING);     /* surrogate */
	expect("k7#Rm2vQx9\xf4\x90\x80\x80", NULL, PASSWORD_BAD_ENCODING); /* > U+10FFFF */
	expect("k7#Rm2vQx9\xe4\xb8", NULL, PASSWORD_BAD_ENCODING);         /* truncated */
	expect("\x80k7#Rm2vQx9", NULL, PASSWORD_BAD_ENCODING);             /* lone continuation */
	expect("k7#Rm2vQx9\t", NULL, PASSWORD_BAD_ENCODING);
	expect("k7#Rm2vQx9\n", NULL, PASSWORD_BAD_ENCODING);
	expect("k7#Rm2vQx9\x1b", NULL, PASSWORD_BAD_ENCODING);
	expect("k7#Rm2vQx9\x7f", NULL, PASSWORD_BAD_ENCODING);
	expect("k7#Rm2vQx9\xc2\x85", NULL, PASSWORD_BAD_ENCODING); /* U+0085 NEL */
	/* encoding is judged before length in characters */
	expect("\xff", NULL, PASSWORD_BAD_ENCODING);
	/* a space and non-ASCII letters are fine */
	expect("k7 Rm2 vQx9", NULL, PASSWORD_OK);
	expect("Grüße aus Köln", NULL, PASSWORD_OK);
}

static void common_list(void **state)
{
	(void)state;
	static const char *const common[] = {
		"1qaz2wsx3edc", "qwertyuiop",   "woaini1314520", "a123456789",  "1234567890",
		"abc123456789", "password123",  "zxcvbnm123",    "p@ssw0rd123", "admin12345",
		"!@#$%^&*()",   "zxcvbnm1234",  "5201314520",    "beijing2008", "administrator",
		"huawei@123",   "fangkong2020", "iloveyou1314",  "basketball",  "manchesterunited",
		"1q2w3e4r5t",   "qazwsxedcrfv", "zxcvbnm,./",    "13800138000", "meiyoumima",
	};
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		expect(common[i], NULL, PASSWORD_COMMON);
}

static void common_list_folds_case_and_width(void **state)
{
	(void)state;
	expect("Password123", NULL, PASSWORD_COMMON);
	expect("PASSWORD123", NULL, PASSWORD_COMMON);
	expect("P@SSW0RD123", NULL, PASSWORD_COMMON);
	expect("1QAZ2WSX3EDC", NULL, PASSWORD_COMMON);
	expect("WoAiNi1314520", NULL, PASSWORD_COMMON);
	expect("ｐａｓｓｗｏｒｄ１２３", NULL, PASSWORD_COMMON);
	expect("Ｐａｓｓｗｏｒｄ123", NULL, PASSWORD_COMMON);
}

static void common_list_is_exact(void **state)
{
	(void)state;
	expect("password123x", NULL, PASSWORD_OK);
	expect(" password123", NULL, PASSWORD_OK);
	expect("a123456789b", NULL, PASSWORD_OK);
	expect("0246813579", NULL, PASSWORD_OK); /* step 2: not a walk */
}

static void repeats(void **state)
{
	(void)state;
	expect("aaaaaaaaaa", NULL, PASSWORD_COMMON);
	expect("AAAAAAAAAAAAAAAAAAAA", NULL, PASSWORD_COMMON);
	expect("..........", NULL, PASSWORD_COMMON);
	expect("ａａａａａａａａａａ", NULL, PASSWORD_COMMON);
	expect("一一一一一一一一一一", NULL, PASSWORD_COMMON);
	expect("1212121212", NULL, PASSWORD_COMMON);
	expect("abcabcabca", NULL, PASSWORD_COMMON);
	expect("abcdabcdab", NULL, PASSWORD_COMMON);
	expect("abcdeabcde", NULL, PASSWORD_OK); /* unit of 5 is past the rule */
	expect("aaaaaaaaab", NULL, PASSWORD_OK);
	expect("baaaaaaaaa", NULL, PASSWORD_OK);
}

static void sequences(void **state)
{
	(void)state;
	expect("2345678901", NULL, PASSWORD_COMMON); /* wraps 9 → 0 */
	expect("8765432109", NULL, PASSWORD_COMMON); /* wraps 0 → 9 */
	expect("01234567890123456", NULL, PASSWORD_COMMON);
	expect("poiuytrewq", NULL, PASSWORD_COMMON);
	expect("abcdefghijk", NULL, PASSWORD_COMMON);
	expect("ZYXWVUTSRQ", NULL, PASSWORD_COMMON);
	expect("ｍｎｏｐｑｒｓｔｕｖ", NULL, PASSWORD_COMMON);
	expect("2345678909", NULL, PASSWORD_OK);  /* turns back */
	expect("xyzabcdefg", NULL, PASSWORD_OK);  /* letters do not wrap */
	expect("qwertyuiopa", NULL, PASSWORD_OK); /* row ends at p */
}

static void username(void **state)
{
	(void)state;
	expect("zhangwei2020!", "zhangwei", PASSWORD_LIKE_USERNAME);
	expect("ZhangWei#2020", "zhangwei", PASSWORD_LIKE_USERNAME);
	expect("2020#zhangWEI", "ZhangWei", PASSWORD_LIKE_USERNAME);
	expect("my-zhangwei-pw", "zhangwei", PASSWORD_LIKE_USERNAME);
	expect("ｚｈａｎｇｗｅｉ＃２０２０", "zhangwei", PASSWORD_LIKE_USERNAME);
	expect("k7#Rm2vQx9lw", "lw", PASSWORD_OK); /* usernames under 3 chars ignored */
	expect("k7#Rm2vQx9lwz", "lwz", PASSWORD_LIKE_USERNAME);
	expect(GOOD, "", PASSWORD_OK);
	expect(GOOD, NULL, PASSWORD_OK);
	expect(GOOD, "k7#Rm2vQx9andmore", PASSWORD_OK); /* longer than the password */
	expect(GOOD, "k7#Rm2vQx9", PASSWORD_LIKE_USERNAME);
	expect("zhangwe1-2020", "zhangwei", PASSWORD_OK);
}

static void rule_order(void **state)
{
	(void)state;
	/* common beats username */
	expect("admin12345", "admin", PASSWORD_COMMON);
	/* short beats username */
	expect("admin1", "admin", PASSWORD_TOO_SHORT);
	/* short beats common pattern */
	expect("aaaaaaaaa", NULL, PASSWORD_TOO_SHORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(too_short),
		cmocka_unit_test(too_long),
		cmocka_unit_test(too_long_counts_bytes_not_characters),
		cmocka_unit_test(hostile_long),
		cmocka_unit_test(bad_encoding),
		cmocka_unit_test(common_list),
		cmocka_unit_test(common_list_folds_case_and_width),
		cmocka_unit_test(common_list_is_exact),
		cmocka_unit_test(repeats),
		cmocka_unit_test(sequences),
		cmocka_unit_test(username),
		cmocka_unit_test(rule_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
