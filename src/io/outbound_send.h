/* outbound_send — the thread that sends the queued outbound messages (svc_outbound.c) to
 * their group-robot webhooks over HTTPS (libcurl) or as SMS through the operator's command, at most `per_minute` a minute, each try's
 * result recorded through the service (retried with backoff, failed after OUTBOUND_TRIES).
 * A slow or dead receiver costs this one thread, never a request's. */
#ifndef FK_OUTBOUND_SEND_H
#define FK_OUTBOUND_SEND_H

#include "store/store.h"

struct outbound_sender;

/* sms_command: the operator's program that sends one SMS (`serve --sms-command`), run
 * without a shell as sms_command PHONE TEXT, exit status 0 = sent, killed after 10 s; NULL:
 * SMS messages fail at once. The string must outlive the sender. */
struct outbound_sender *outbound_sender_start(struct store *s, int per_minute,
					      const char *sms_command);
/* Stops it (a send in flight ends within its timeout). NULL is ignored. */
void outbound_sender_stop(struct outbound_sender *o);

#endif
