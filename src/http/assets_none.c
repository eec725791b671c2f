/* Stands in for the generated assets file when the build was set up without one
 * (plain `meson setup`); `make` always generates build/gen/assets.c. */
#include "http/static.h"

const struct asset fk_assets[1];
const size_t fk_nassets = 0;
