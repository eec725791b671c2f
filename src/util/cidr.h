/* cidr — lists of address blocks ("127.0.0.1/32,10.0.0.0/8,::1/128") given on the command
 * line, and whether a client address falls in one of them.
 *
 * A list holds at most CIDR_MAX blocks, IPv4 and IPv6 mixed. An address without "/N" is
 * one host (/32 or /128). A block whose address has bits set beyond its prefix
 * ("10.0.0.1/8") is refused: it is usually a typo, and on an access rule a typo must not
 * silently widen or narrow what is allowed. An IPv4-mapped IPv6 client (::ffff:a.b.c.d,
 * as a server listening on [::] sees IPv4 clients) matches the IPv4 blocks. Parsing
 * allocates nothing: a list is a plain value that can be copied. */
#ifndef FK_CIDR_H
#define FK_CIDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define CIDR_MAX 16

struct cidr {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* the network, in network byte order (4 bytes used for IPv4) */
	unsigned prefix;  /* 0–32 or 0–128 */
};

struct cidr_list {
	int n; /* 0: empty, matches nothing */
	struct cidr e[CIDR_MAX];
};

/* Parses s, blocks separated by commas (spaces around them are allowed) into out. False
 * with *err (a static zh + en message) when s is empty, has more than CIDR_MAX blocks or a
 * malformed one; out is then empty. */
bool cidr_list_parse(const char *s, struct cidr_list *out, const char **err);
/* Whether sa (AF_INET or AF_INET6; anything else, or NULL, never matches) is in a block of l. */
bool cidr_list_match(const struct cidr_list *l, const struct sockaddr *sa);

#endif
