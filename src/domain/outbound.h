/* outbound — the rules of messages sent out of the system to the tools county offices
 * already use (a WeCom or DingTalk group robot's webhook): which URLs a commander may
 * configure, how a text is masked before it leaves, and how long a failed send waits.
 * Pure functions, no I/O. */
#ifndef FK_OUTBOUND_H
#define FK_OUTBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { OUTBOUND_URL_MAX = 512, OUTBOUND_TRIES = 8 };

/* A webhook URL: https://host[:port][/path?query], or http://127.0.0.1:port/… (a local
 * receiver: tests and a relay on the same machine); printable ASCII without spaces, quotes
 * or angle brackets, at most OUTBOUND_URL_MAX bytes. */
bool outbound_url_ok(const char *url);
/* "wecom" (企业微信) or "dingtalk" (钉钉). */
bool outbound_kind_ok(const char *kind);
/* Masks in place every run of 7 or more digits (with a trailing X of an ID number): its
 * first 3 and last 4 characters stay, the rest become '*' ("13812345678" -> "138****5678",
 * an ID number keeps only its area prefix and its end). */
void outbound_mask(char *text);
/* Seconds to wait before try `tries` + 1 after `tries` failed ones (2, 4, 8 … at most 600);
 * -1 when no try is left. */
int64_t outbound_backoff(int tries);

#endif
