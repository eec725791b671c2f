/* cidr — a short list of address ranges (CIDR), IPv4 and IPv6, and whether a socket
 * address is in one of them.
 *
 * The text is "CIDR[,CIDR...]": at most CIDR_MAX entries, each ADDRESS/PREFIX or a bare
 * ADDRESS (a /32 or /128), no spaces, nothing empty. An address with bits set after its
 * prefix ("10.1.2.3/8") is refused. An IPv4-mapped IPv6 peer (::ffff:a.b.c.d, as a dual
 * stack socket reports an IPv4 client) matches the IPv4 entries. Used by --metrics-allow and
 * --trusted-proxy. */
#ifndef FK_CIDR_H
#define FK_CIDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define CIDR_MAX 16

struct cidr {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	int prefix;       /* 0–32 or 0–128 */
};

struct cidr_list {
	int n;
	struct cidr e[CIDR_MAX];
};

/* Parses s into out; false with *err (a static message, zh + en) when s is not valid. */
bool cidr_list_parse(const char *s, struct cidr_list *out, const char **err);
/* Whether sa (AF_INET or AF_INET6; NULL: no) is in one of l's ranges. */
bool cidr_list_match(const struct cidr_list *l, const struct sockaddr *sa);

#endif
