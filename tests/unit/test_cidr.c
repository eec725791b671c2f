/*
 * Unit tests for util/cidr (--metrics-allow): IPv4 and IPv6 ranges, bare addresses, the
 * host bits after the prefix (refused), IPv4-mapped IPv6 peers, and hostile input: prefixes out of
 * range, empty lists and entries, spaces, signs, 17 entries, over-long text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "util/cidr.h"

static struct sockaddr_storage v4(const char *a)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *s = (struct sockaddr_in *)&ss;

	s->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, a, &s->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *a)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

	s->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, a, &s->sin6_addr), 1);
	return ss;
}

static bool in(const char *list, const char *addr)
{
	struct cidr_list l;
	const char *err = NULL;
	struct sockaddr_storage ss = strchr(addr, ':') ? v6(addr) : v4(addr);

	if (!cidr_list_parse(list, &l, &err))
		fail_msg("rejected \"%s\": %s", list, err);
	return cidr_list_match(&l, (const struct sockaddr *)&ss);
}

static void refused(const char *list)
{
	struct cidr_list l = {.n = 7};
	const char *err = NULL;

	if (cidr_list_parse(list, &l, &err))
		fail_msg("accepted \"%s\"", list);
	assert_non_null(err);
	assert_int_equal(l.n, 7); /* out untouched */
}

static void ipv4(void **state)
{
	(void)state;
	assert_true(in("127.0.0.1/32", "127.0.0.1"));
	assert_false(in("127.0.0.1/32", "127.0.0.2"));
	assert_true(in("10.0.0.0/8", "10.255.1.2"));
	assert_false(in("10.0.0.0/8", "11.0.0.1"));
	assert_true(in("192.168.0.0/23", "192.168.1.77"));
	assert_false(in("192.168.2.0/23", "192.168.1.77"));
	assert_true(in("172.16.0.0/12", "172.31.255.255"));
	assert_false(in("172.16.0.0/12", "172.32.0.0"));
	assert_true(in("0.0.0.0/0", "8.8.8.8"));
	assert_true(in("192.0.2.7", "192.0.2.7")); /* bare: /32 */
	assert_false(in("192.0.2.7", "192.0.2.8"));
	assert_true(in("1.2.3.4/031", "1.2.3.5"));
}

static void ipv6(void **state)
{
	(void)state;
	assert_true(in("::1/128", "::1"));
	assert_false(in("::1/128", "::2"));
	assert_true(in("fd00::/8", "fdab:1::9"));
	assert_false(in("fd00::/8", "fe80::1"));
	assert_true(in("2001:db8::/33", "2001:db8:7fff::1"));
	assert_false(in("2001:db8::/33", "2001:db8:8000::1"));
	assert_true(in("::/0", "2001:db8::1"));
	assert_true(in("fe80::1", "fe80::1"));
	/* families do not mix */
	assert_false(in("::/0", "127.0.0.1"));
	assert_false(in("0.0.0.0/0", "::1"));
}

static void mapped(void **state)
{
	(void)state;
	/* a dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d */
	assert_true(in("127.0.0.1/32,::1/128", "::ffff:127.0.0.1"));
	assert_true(in("10.0.0.0/8", "::ffff:10.2.3.4"));
	assert_false(in("10.0.0.0/8", "::ffff:11.2.3.4"));
	assert_true(in("::ffff:0:0/96", "::ffff:1.2.3.4"));
	/* not mapped: an IPv4-compatible or other address is not an IPv4 peer */
	assert_false(in("10.0.0.0/8", "::10.2.3.4"));
	assert_false(in("10.0.0.0/8", "64:ff9b::10.2.3.4"));
}

static void lists(void **state)
{
	struct cidr_list l;
	const char *err;
	char many[1024] = "";

	(void)state;
	assert_true(in("10.0.0.0/8,192.168.0.0/16,::1/128", "192.168.4.4"));
	assert_true(in("10.0.0.0/8,192.168.0.0/16,::1/128", "::1"));
	assert_false(in("10.0.0.0/8,192.168.0.0/16,::1/128", "127.0.0.1"));
	for (int i = 0; i < 16; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s10.0.%d.0/24",
			 i ? "," : "", i);
	assert_true(cidr_list_parse(many, &l, &err));
	assert_int_equal(l.n, 16);
	assert_true(in(many, "10.0.15.200"));
	assert_false(in(many, "10.0.16.1"));
	snprintf(many + strlen(many), sizeof many - strlen(many), ",10.0.16.0/24"); /* 17 */
	refused(many);
	assert_false(cidr_list_match(&l, NULL));
	assert_false(cidr_list_match(NULL, NULL));
}

static void hostile(void **state)
{
	char big[5000];

	(void)state;
	refused("1.2.3.4/33");
	refused("10.1.2.3/8"); /* host bits after the prefix: a mistyped host */
	refused("fd00::1/8");
	refused("::/129");
	refused("::1/1280");
	refused("1.2.3.4/");
	refused("1.2.3.4/-1");
	refused("1.2.3.4/+8");
	refused("1.2.3.4/8x");
	refused("1.2.3.4/ 8");
	refused("/8");
	refused("");
	refused(NULL);
	refused(",");
	refused("10.0.0.0/8,");
	refused(",10.0.0.0/8");
	refused("10.0.0.0/8,,::1");
	refused(" 10.0.0.0/8");
	refused("10.0.0.0/8 ");
	refused("10.0.0.0/8, ::1/128");
	refused("10.0.0.0 /8");
	refused("1.2.3");
	refused("1.2.3.4.5");
	refused("256.1.1.1");
	refused("localhost");
	refused("::1::2");
	refused("[::1]/128");
	refused("1.2.3.4/32/1");
	refused("1.2.3.4\n");
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refused(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4),  cmocka_unit_test(ipv6),    cmocka_unit_test(mapped),
		cmocka_unit_test(lists), cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
