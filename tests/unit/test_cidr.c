/*
 * Unit tests for util/cidr: lists as operators type them (one host, blocks, IPv6, spaces
 * around commas), matching at the edges of a block, IPv4-mapped clients, and what must be
 * refused: empty, too many, malformed, prefixes out of range, bits beyond the prefix,
 * hostile lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cidr.h"

/* Whether the textual address ip is in l. */
static bool has(const struct cidr_list *l, const char *ip)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, ip, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	else
		fail_msg("test address %s", ip);
	return cidr_list_match(l, (struct sockaddr *)&ss);
}

static struct cidr_list parsed(const char *s)
{
	struct cidr_list l;
	const char *err = NULL;

	if (!cidr_list_parse(s, &l, &err))
		fail_msg("refused \"%s\": %s", s, err);
	return l;
}

static void refused(const char *s)
{
	struct cidr_list l;
	const char *err = NULL;

	memset(&l, 'x', sizeof l);
	if (cidr_list_parse(s, &l, &err))
		fail_msg("accepted \"%s\"", s ? s : "(null)");
	assert_non_null(err);
	assert_non_null(strstr(err, " / ")); /* English / Chinese */
	assert_int_equal(l.n, 0);
}

static void one_host(void **state)
{
	(void)state;
	struct cidr_list l = parsed("127.0.0.1");

	assert_int_equal(l.n, 1);
	assert_int_equal(l.e[0].prefix, 32);
	assert_true(has(&l, "127.0.0.1"));
	assert_false(has(&l, "127.0.0.2"));
	assert_false(has(&l, "::1"));
	l = parsed("::1");
	assert_int_equal(l.e[0].prefix, 128);
	assert_true(has(&l, "::1"));
	assert_false(has(&l, "127.0.0.1"));
}

static void blocks(void **state)
{
	(void)state;
	struct cidr_list l = parsed("10.0.0.0/8,192.168.1.0/24 , 172.16.0.0/12,fd00::/8");

	assert_int_equal(l.n, 4);
	assert_true(has(&l, "10.0.0.0"));
	assert_true(has(&l, "10.255.255.255"));
	assert_false(has(&l, "11.0.0.0"));
	assert_false(has(&l, "9.255.255.255"));
	assert_true(has(&l, "192.168.1.77"));
	assert_false(has(&l, "192.168.2.1"));
	assert_true(has(&l, "172.31.255.1")); /* /12: a prefix inside a byte */
	assert_false(has(&l, "172.32.0.1"));
	assert_false(has(&l, "172.15.255.255"));
	assert_true(has(&l, "fd12:3456::1"));
	assert_false(has(&l, "fe80::1"));
}

static void odd_prefixes(void **state)
{
	(void)state;
	struct cidr_list l = parsed("0.0.0.0/0");

	assert_true(has(&l, "1.2.3.4"));
	assert_true(has(&l, "::ffff:1.2.3.4")); /* mapped: an IPv4 client */
	assert_false(has(&l, "2001:db8::1"));
	l = parsed("::/0");
	assert_true(has(&l, "2001:db8::1"));
	l = parsed("2001:db8::/33");
	assert_true(has(&l, "2001:db8:7fff::1"));
	assert_false(has(&l, "2001:db8:8000::1"));
	l = parsed("100.64.0.0/10");
	assert_true(has(&l, "100.127.255.255"));
	assert_false(has(&l, "100.128.0.0"));
}

static void mapped(void **state)
{
	(void)state;
	struct cidr_list l = parsed("127.0.0.1/32");

	assert_true(has(&l, "::ffff:127.0.0.1"));
	assert_false(has(&l, "::ffff:127.0.0.2"));
	l = parsed("::ffff:0:0/96");
	assert_true(has(&l, "::ffff:8.8.8.8"));
}

static void no_match(void **state)
{
	(void)state;
	struct cidr_list empty = {0};
	struct cidr_list l = parsed("127.0.0.1");
	struct sockaddr sa = {.sa_family = AF_UNIX};

	assert_false(has(&empty, "127.0.0.1"));
	assert_false(cidr_list_match(&l, NULL));
	assert_false(cidr_list_match(NULL, (struct sockaddr *)&sa));
	assert_false(cidr_list_match(&l, &sa));
}

static void malformed(void **state)
{
	(void)state;
	refused(NULL);
	refused("");
	refused(",");
	refused("127.0.0.1,");
	refused(",127.0.0.1");
	refused("127.0.0.1,,::1");
	refused("  ");
	refused("localhost");
	refused("127.0.0.1/");
	refused("127.0.0.1/33");
	refused("::1/129");
	refused("127.0.0.1/-1");
	refused("127.0.0.1/+8");
	refused("127.0.0.1/ 8");
	refused("127.0.0.1/0008");
	refused("127.0.0.1/8x");
	refused("127.0.0.1/8/8");
	refused("256.0.0.0/8");
	refused("1.2.3/24");
	refused("[::1]/128");
	refused("::1%lo");
	refused("127.0.0.1 ::1");
	refused("127.0.0.1;10.0.0.0/8");
}

static void bits_beyond_prefix(void **state)
{
	(void)state;
	refused("10.0.0.1/8");
	refused("192.168.1.1/24");
	refused("172.16.0.0/11");
	refused("2001:db8::1/64");
	refused("0.0.0.1/0");
	parsed("10.0.0.0/8");
	parsed("172.16.0.0/12");
	parsed("2001:db8::/64");
}

static void limits(void **state)
{
	(void)state;
	char s[1024] = "", big[4096];
	size_t n = 0;

	for (int i = 0; i < CIDR_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof s - n, "%s10.%d.0.0/16", i ? "," : "", i);
	assert_int_equal(parsed(s).n, CIDR_MAX);
	snprintf(s + n, sizeof s - n, ",10.99.0.0/16");
	refused(s);
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refused(big);
	memset(big, ' ', sizeof big - 1);
	memcpy(big + 100, "127.0.0.1", 9);
	assert_int_equal(parsed(big).n, 1); /* spaces around a block are trimmed */
}

/* A failed parse leaves an empty list even when earlier blocks were good. */
static void out_reset(void **state)
{
	(void)state;
	struct cidr_list l = parsed("127.0.0.1");
	const char *err = NULL;

	assert_false(cidr_list_parse("127.0.0.1,10.0.0.1/8", &l, &err));
	assert_int_equal(l.n, 0);
	assert_false(has(&l, "127.0.0.1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_host),           cmocka_unit_test(blocks),
		cmocka_unit_test(odd_prefixes),       cmocka_unit_test(mapped),
		cmocka_unit_test(no_match),           cmocka_unit_test(malformed),
		cmocka_unit_test(bits_beyond_prefix), cmocka_unit_test(limits),
		cmocka_unit_test(out_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
