/* cidr — see cidr.h. */
#include "util/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static const char err_syntax[] =
	"not a list of CIDR ranges (e.g. 127.0.0.1/32,::1/128) / 地址段格式不正确（如 "
	"127.0.0.1/32,::1/128）";
static const char err_prefix[] =
	"prefix length out of range (IPv4 0–32, IPv6 0–128) / 前缀长度超出范围";
static const char err_many[] = "at most 16 ranges / 最多 16 个地址段";
static const char err_empty[] = "an empty range in the list / 列表中有空项";
static const char err_host[] =
	"address bits set after the prefix (e.g. 10.0.0.1/8: write 10.0.0.0/8, "
	"or 10.0.0.1/32 for one host) / 地址在前缀之后还有非零位";

/* One entry (s, n bytes). */
static bool parse_one(const char *s, size_t n, struct cidr *c, const char **err)
{
	char host[64];
	const char *slash = memchr(s, '/', n);
	size_t hl = slash ? (size_t)(slash - s) : n;
	int max;

	memset(c, 0, sizeof *c);
	if (n == 0) {
		*err = err_empty;
		return false;
	}
	if (hl == 0 || hl >= sizeof host) {
		*err = err_syntax;
		return false;
	}
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else {
		*err = err_syntax;
		return false;
	}
	c->prefix = max;
	if (slash) {
		const char *p = slash + 1, *end = s + n;
		int v = 0;
		if (p == end || end - p > 3) {
			*err = p == end ? err_syntax : err_prefix;
			return false;
		}
		for (; p < end; p++) {
			if (*p < '0' || *p > '9') {
				*err = err_syntax;
				return false;
			}
			v = v * 10 + (*p - '0');
		}
		if (v > max) {
			*err = err_prefix;
			return false;
		}
		c->prefix = v;
	}
	/* 10.0.0.1/8 is refused, not read as 10.0.0.0/8: it is most likely a mistyped host,
	 * and a wider range than meant would trust or open too much */
	for (int bit = c->prefix; bit < max; bit++)
		if (c->addr[bit / 8] & (0x80u >> (bit % 8))) {
			*err = err_host;
			return false;
		}
	return true;
}

bool cidr_list_parse(const char *s, struct cidr_list *out, const char **err)
{
	const char *p = s;
	struct cidr_list l = {0};

	if (!s || !*s) {
		*err = err_empty;
		return false;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (l.n == CIDR_MAX) {
			*err = err_many;
			return false;
		}
		if (!parse_one(p, n, &l.e[l.n], err))
			return false;
		l.n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = l;
	return true;
}

static bool in_range(const struct cidr *c, const uint8_t *a)
{
	int full = c->prefix / 8, rest = c->prefix % 8;

	if (memcmp(c->addr, a, (size_t)full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rest));
		if ((c->addr[full] & mask) != (a[full] & mask))
			return false;
	}
	return true;
}

bool cidr_list_match(const struct cidr_list *l, const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const uint8_t *v4 = NULL, *v6 = NULL;

	if (!l || !sa)
		return false;
	if (sa->sa_family == AF_INET) {
		v4 = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		v6 = (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (!memcmp(v6, mapped, sizeof mapped))
			v4 = v6 + 12;
	} else {
		return false;
	}
	for (int i = 0; i < l->n; i++) {
		const struct cidr *c = &l->e[i];
		if ((c->family == AF_INET && v4 && in_range(c, v4)) ||
		    (c->family == AF_INET6 && v6 && in_range(c, v6)))
			return true;
	}
	return false;
}
