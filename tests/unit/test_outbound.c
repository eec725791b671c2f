/*
 * Unit tests for domain/outbound: the webhook URLs a commander may configure (https, or a
 * local receiver), the masking of every long digit run before a message leaves, and the
 * backoff of failed tries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/outbound.h"

static void urls(void **state)
{
	(void)state;
	assert_true(
		outbound_url_ok("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"));
	assert_true(outbound_url_ok("https://oapi.dingtalk.com/robot/send?access_token=x1"));
	assert_true(outbound_url_ok("https://relay.example.cn:8443/hook"));
	assert_true(outbound_url_ok("http://127.0.0.1:40123/hook"));
	assert_false(outbound_url_ok("http://qyapi.weixin.qq.com/cgi-bin/webhook/send"));
	assert_false(outbound_url_ok("http://127.0.0.2:80/"));
	assert_false(outbound_url_ok("http://127.0.0.1.evil.cn:80/"));
	assert_false(outbound_url_ok("ftp://example.cn/"));
	assert_false(outbound_url_ok("https://"));
	assert_false(outbound_url_ok("https://-bad.cn/"));
	assert_false(outbound_url_ok("https://a.cn:99999/"));
	assert_false(outbound_url_ok("https://a.cn/x y"));
	assert_false(outbound_url_ok("https://a.cn/\"x"));
	assert_false(outbound_url_ok("https://user@a.cn/"));
	assert_false(outbound_url_ok(""));
	assert_false(outbound_url_ok(NULL));
	char longest[OUTBOUND_URL_MAX + 2];
	memset(longest, 'a', sizeof longest);
	memcpy(longest, "https://a.cn/", 13);
	longest[OUTBOUND_URL_MAX] = '\0';
	assert_true(outbound_url_ok(longest));
	longest[OUTBOUND_URL_MAX] = 'a';
	longest[OUTBOUND_URL_MAX + 1] = '\0';
	assert_false(outbound_url_ok(longest));
	assert_true(outbound_kind_ok("wecom"));
	assert_true(outbound_kind_ok("dingtalk"));
	assert_false(outbound_kind_ok("slack"));
	assert_false(outbound_kind_ok(NULL));
}

static void expect_mask(const char *in, const char *want)
{
	char buf[256];

	strcpy(buf, in);
	outbound_mask(buf);
	assert_string_equal(buf, want);
}

static void masks(void **state)
{
	(void)state;
	expect_mask("电话13812345678请回电", "电话138****5678请回电");
	expect_mask("身份证32048119800101123X", "身份证320***********123X");
	expect_mask("320481198001011234", "320***********1234");
	expect_mask("体温 38.5 °C，5组12号", "体温 38.5 °C，5组12号");
	expect_mask("0519-87654321", "0519-876*4321");
	expect_mask("1234567", "1234567");
	expect_mask("12345678", "123*5678");
	expect_mask("", "");
}

static void backoff(void **state)
{
	(void)state;
	assert_int_equal(outbound_backoff(1), 2);
	assert_int_equal(outbound_backoff(2), 4);
	assert_int_equal(outbound_backoff(3), 8);
	assert_int_equal(outbound_backoff(OUTBOUND_TRIES - 1), 128);
	assert_int_equal(outbound_backoff(OUTBOUND_TRIES), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urls),
		cmocka_unit_test(masks),
		cmocka_unit_test(backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
