/* Fuzz targets for the parsers of untrusted bytes. Each takes any bytes and must neither
 * crash nor read out of bounds; properties that must hold are checked with abort(). Used
 * by libFuzzer (fuzz_*.c, `make fuzz`) and replayed over the kept corpus by the unit test
 * test_fuzz_corpus (every past crash input is kept in corpus/ as a regression). */
#ifndef FK_FUZZ_TARGETS_H
#define FK_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* Area codes, phones, passwords, usernames, UUIDs, ISO times, JSON field readers. */
void fuzz_text(const uint8_t *data, size_t size);
/* The router over the real route table. */
void fuzz_route(const uint8_t *data, size_t size);
/* An uploaded list: the bytes as a CSV and as an .xlsx file, through the streaming
 * readers and header detection. */
void fuzz_sheet(const uint8_t *data, size_t size);
/* A typed plate: whatever plate_parse accepts is short, well-formed and parses again to
 * itself, with its province's code. */
void fuzz_plate(const uint8_t *data, size_t size);

#endif
