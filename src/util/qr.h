/* qr — QR codes as SVG, made on the server (libqrencode) so that printing needs nothing
 * from the network. */
#ifndef FK_QR_H
#define FK_QR_H

#include "util/arena.h"

/* An SVG image (one path, a 4-module quiet zone, viewBox in modules, black on white) of
 * text at error correction level M; NULL when the text does not fit a QR code. */
const char *qr_svg(const char *text, struct arena *a);

#endif
