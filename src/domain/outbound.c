/* outbound — see outbound.h. */
#include "domain/outbound.h"

#include <ctype.h>
#include <string.h>

static bool url_chars_ok(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || strchr("\"'<>\\`{}|^", *s))
			return false;
	return true;
}

static bool host_ok(const char *h, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-')
			return false;
	return h[0] != '.' && h[0] != '-';
}

bool outbound_url_ok(const char *url)
{
	const char *host, *end;
	size_t len;

	if (!url || (len = strlen(url)) > OUTBOUND_URL_MAX || !url_chars_ok(url))
		return false;
	if (!strncmp(url, "http://127.0.0.1:", 17))
		return isdigit((unsigned char)url[17]);
	if (strncmp(url, "https://", 8))
		return false;
	host = url + 8;
	end = host + strcspn(host, ":/?#");
	if (!host_ok(host, (size_t)(end - host)))
		return false;
	if (*end == ':') {
		const char *p = end + 1;
		size_t nd = strspn(p, "0123456789");
		long port = 0;
		for (size_t i = 0; i < nd && i < 6; i++)
			port = port * 10 + (p[i] - '0');
		if (nd < 1 || nd > 5 || port < 1 || port > 65535 ||
		    (p[nd] && p[nd] != '/' && p[nd] != '?'))
			return false;
	}
	return *end != '#';
}

bool outbound_kind_ok(const char *kind)
{
	return kind && (!strcmp(kind, "wecom") || !strcmp(kind, "dingtalk"));
}

void outbound_mask(char *text)
{
	for (char *p = text; *p;) {
		size_t n = strspn(p, "0123456789");
		if (n && (p[n] == 'X' || p[n] == 'x'))
			n++;
		if (n >= 7) {
			for (size_t i = 3; i + 4 < n; i++)
				p[i] = '*';
			p += n;
		} else {
			p += n ? n : 1;
		}
	}
}

int64_t outbound_backoff(int tries)
{
	if (tries >= OUTBOUND_TRIES)
		return -1;
	int64_t s = (int64_t)1 << (tries < 1 ? 1 : tries);
	return s > 600 ? 600 : s;
}
