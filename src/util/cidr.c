/* cidr — see cidr.h. */
#include "util/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

enum { BLOCK_MAX = 64 }; /* "ffff:…:ffff/128" is 43 characters: longer is never a block */

/* One block "ADDR[/N]" of length n into c. */
static bool parse_block(const char *s, size_t n, struct cidr *c, const char **err)
{
	char txt[BLOCK_MAX];
	const char *slash;
	unsigned max, bits = 0;
	size_t al;

	if (n == 0 || n >= sizeof txt) {
		*err = "an address block is empty or too long / 地址段为空或过长";
		return false;
	}
	slash = memchr(s, '/', n);
	al = slash ? (size_t)(slash - s) : n;
	memcpy(txt, s, al);
	txt[al] = '\0';
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, txt, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, txt, c->addr) == 1)
		c->family = AF_INET6;
	else {
		*err = "not an IPv4 or IPv6 address block, e.g. 127.0.0.1/32 or ::1/128 / "
		       "不是有效的 IPv4 或 IPv6 地址段（例如 127.0.0.1/32、::1/128）";
		return false;
	}
	max = c->family == AF_INET ? 32 : 128;
	if (slash) {
		const char *p = slash + 1, *end = s + n;
		if (p == end || end - p > 3) {
			*err = "the prefix after / must be a number / 斜杠后的前缀长度须为数字";
			return false;
		}
		for (; p < end; p++) {
			if (*p < '0' || *p > '9') {
				*err = "the prefix after / must be a number / "
				       "斜杠后的前缀长度须为数字";
				return false;
			}
			bits = bits * 10 + (unsigned)(*p - '0');
		}
		if (bits > max) {
			*err = "the prefix is longer than the address (32 for IPv4, 128 for IPv6) "
			       "/ "
			       "前缀长度超出范围（IPv4 最大 32，IPv6 最大 128）";
			return false;
		}
	} else {
		bits = max;
	}
	c->prefix = bits;
	for (unsigned i = bits; i < max; i++)
		if (c->addr[i / 8] & (0x80u >> (i % 8))) {
			*err = "the address has bits set beyond its prefix (e.g. 10.0.0.0/8, not "
			       "10.0.0.1/8) / 地址在前缀之外有非零位（应写 10.0.0.0/8 而非 "
			       "10.0.0.1/8）";
			return false;
		}
	return true;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

bool cidr_list_parse(const char *s, struct cidr_list *out, const char **err)
{
	const char *p = s;

	memset(out, 0, sizeof *out);
	if (!s || !*s) {
		*err = "the address list is empty / 地址列表为空";
		return false;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		const char *b = p, *e = end ? end : p + strlen(p);

		while (b < e && is_space(*b))
			b++;
		while (e > b && is_space(e[-1]))
			e--;
		if (out->n == CIDR_MAX) {
			*err = "more than 16 address blocks / 地址段超过 16 个";
			goto fail;
		}
		if (!parse_block(b, (size_t)(e - b), &out->e[out->n], err))
			goto fail;
		out->n++;
		if (!end)
			return true;
		p = end + 1;
	}
fail:
	memset(out, 0, sizeof *out);
	return false;
}

static bool in_block(const struct cidr *c, const uint8_t *a)
{
	unsigned whole = c->prefix / 8, rest = c->prefix % 8;

	if (memcmp(c->addr, a, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (a[whole] & mask) == c->addr[whole];
}

bool cidr_list_match(const struct cidr_list *l, const struct sockaddr *sa)
{
	const uint8_t *a4 = NULL, *a6 = NULL;

	if (!l || !sa)
		return false;
	if (sa->sa_family == AF_INET) {
		a4 = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *in6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		a6 = in6->s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(in6))
			a4 = a6 + 12;
	} else {
		return false;
	}
	for (int i = 0; i < l->n; i++) {
		const struct cidr *c = &l->e[i];
		if ((c->family == AF_INET && a4 && in_block(c, a4)) ||
		    (c->family == AF_INET6 && a6 && in_block(c, a6)))
			return true;
	}
	return false;
}
