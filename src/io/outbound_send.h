/* outbound_send — the thread that sends the queued outbound messages (svc_outbound.c) to
 * their group-robot webhooks over HTTPS (libcurl), at most `per_minute` a minute, each try's
 * result recorded through the service (retried with backoff, failed after OUTBOUND_TRIES).
 * A slow or dead receiver costs this one thread, never a request's. */
#ifndef FK_OUTBOUND_SEND_H
#define FK_OUTBOUND_SEND_H

#include "store/store.h"

struct outbound_sender;

struct outbound_sender *outbound_sender_start(struct store *s, int per_minute);
/* Stops it (a send in flight ends within its timeout). NULL is ignored. */
void outbound_sender_stop(struct outbound_sender *o);

#endif
