/* xlsx_reader — the first visible worksheet of an .xlsx, streamed with libzip + expat.
 *
 * The package is walked the way Excel does, not by guessing names: _rels/.rels names the
 * workbook, the workbook lists its sheets in tab order, and the workbook's relationships
 * map the chosen sheet's r:id to its part (which need not be sheet1.xml) and name the
 * shared strings and styles. Each part is decompressed in 64 KiB pieces straight into
 * expat's buffer; no part is ever held whole.
 *
 * What stays in memory: the shared-string table (one text buffer plus an offset per string,
 * both counted against max_shared_strings_bytes), one byte per cell style saying "date
 * format", one row (rowbuf.c) and expat's own state. Expat allocates through a suite that
 * charges a per-thread budget (XML_MEM_MAX), so a single giant tag or attribute inflated by
 * a zip bomb fails as SHEET_TOO_BIG instead of taking the machine's memory; max_part_bytes
 * bounds the time spent on a bomb of harmless XML. A DTD is refused outright (OOXML never
 * has one), which takes entity expansion attacks off the table. Before libzip builds its
 * table of every file in the zip, the end records are checked for a directory of sane
 * size, since a zip of nothing but directory entries would cost libzip several times its
 * own size in memory.
 *
 * Names are compared by local name, the part after any prefix, so prefixed parts (<x:c>)
 * and Strict OOXML read like the usual ones. Expat runs without namespace processing, which
 * would cost a copy of the namespace URI into every element name for nothing. */
#include "io/xlsx_reader.h"

#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "io/rowbuf.h"
#include "util/arena.h"
#include "util/buf.h"

enum {
	ZCHUNK = 64 * 1024,      /* bytes decompressed and parsed at a time */
	XML_MEM_MAX = 32 << 20,  /* expat's own memory, per thread */
	PART_NAME = 512,         /* longest part name or relationship id we accept */
	MAX_XFS = 65536,         /* cell styles looked at (Excel allows 64,000) */
	MAX_NUMFMTS = 1024,      /* custom number formats looked at (Excel allows ~250) */
	MAX_COLUMN = 16384,      /* XFD */
	MAX_ENTRIES = 10000,     /* files in the zip (a workbook has tens) */
	MAX_DIRECTORY = 4 << 20, /* bytes of the zip's central directory */
	EOCD_SCAN = 22 + 65535,  /* the end record and the longest zip comment */
};

/* Expat's memory: a size header in front of each block lets free and realloc give the
 * bytes back to the budget. The budget is per thread because the suite has no context
 * pointer; a thread reads one file at a time. */
static _Thread_local size_t xml_mem_used;

struct mem_head {
	_Alignas(max_align_t) size_t size;
};

static void *xml_malloc(size_t n)
{
	struct mem_head *h;

	if (n > XML_MEM_MAX - xml_mem_used)
		return NULL;
	if (!(h = malloc(sizeof *h + n)))
		fk_oom();
	h->size = n;
	xml_mem_used += n;
	return h + 1;
}

static void xml_free(void *p)
{
	struct mem_head *h = p;

	if (!p)
		return;
	h--;
	xml_mem_used -= h->size;
	free(h);
}

static void *xml_realloc(void *p, size_t n)
{
	struct mem_head *h = p;
	size_t old;

	if (!p)
		return xml_malloc(n);
	old = (--h)->size;
	if (n > old && n - old > XML_MEM_MAX - xml_mem_used)
		return NULL;
	if (!(h = realloc(h, sizeof *h + n)))
		fk_oom();
	xml_mem_used = xml_mem_used - old + n;
	h->size = n;
	return h + 1;
}

static const XML_Memory_Handling_Suite xml_mem = {xml_malloc, xml_realloc, xml_free};

/* The shared-string table: string i is text[off[i]] .. NUL. */
struct sst {
	struct buf text;
	size_t *off;
	size_t n, slots;
	bool in_si, capture;
	int rph; /* depth inside phonetic runs, whose text is not part of the string */
	size_t start;
};

/* The cell being read. */
struct cell {
	size_t col;
	char type; /* n s b e d, or t for str / inlineStr */
	bool date, has_value, in_is, capture;
	int rph;
};

struct xlsx {
	zip_t *za;
	XML_Parser parser; /* of the part being read */
	const char *part;
	struct rowbuf rb;
	sheet_row_fn fn;
	void *ctx;
	enum sheet_status st;
	char *err;
	size_t errsz;

	/* the package */
	char workbook[PART_NAME], sheet[PART_NAME], shared[PART_NAME], styles[PART_NAME];
	char first_id[PART_NAME], visible_id[PART_NAME], sheet_type[PART_NAME];
	bool date1904;

	/* styles: numFmtId of each cell style, then a date flag for each */
	uint32_t *xf_fmt;
	unsigned char *xf_date;
	size_t nxf;
	uint32_t fmt_id[MAX_NUMFMTS];
	bool fmt_date[MAX_NUMFMTS];
	size_t nfmt;
	bool in_numfmts, in_cellxfs;

	struct sst sst;

	/* the worksheet */
	bool in_data, in_row, in_cell;
	size_t line, last_line, next_col;
	struct cell c;
	struct buf val;
};

static void fail(struct xlsx *x, enum sheet_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct xlsx *x, enum sheet_status st, const char *fmt, ...)
{
	va_list ap;

	if (x->st != SHEET_OK)
		return;
	x->st = st;
	if (x->parser)
		XML_StopParser(x->parser, XML_FALSE);
	if (st == SHEET_STOPPED)
		return;
	va_start(ap, fmt);
	vsnprintf(x->err, x->errsz, fmt, ap);
	va_end(ap);
}

/* ---- small parsers ---- */

static const char *local(const XML_Char *name)
{
	const char *sep = strrchr(name, ':');
	return sep ? sep + 1 : name;
}

static bool is(const XML_Char *name, const char *want)
{
	return strcmp(local(name), want) == 0;
}

/* The attribute with this local name; prefixed: only a prefixed one (r:id), else only an
 * unprefixed one. */
static const char *attr(const XML_Char **atts, const char *want, bool prefixed)
{
	for (; atts[0]; atts += 2)
		if ((strchr(atts[0], ':') != NULL) == prefixed && strcmp(local(atts[0]), want) == 0)
			return atts[1];
	return NULL;
}

/* Decimal digits only, at most max. */
static bool parse_size(const char *s, size_t max, size_t *out)
{
	size_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (size_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* Column of a cell reference such as "AB12" (0-based). */
static bool parse_column(const char *ref, size_t *col)
{
	size_t c = 0, letters = 0;

	for (; *ref >= 'A' && *ref <= 'Z'; ref++, letters++)
		c = c * 26 + (size_t)(*ref - 'A' + 1);
	if (letters == 0 || letters > 3 || c > MAX_COLUMN)
		return false;
	for (; *ref; ref++)
		if (*ref < '0' || *ref > '9')
			return false;
	*col = c - 1;
	return true;
}

static bool copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n >= PART_NAME)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Joins a relationship target to the folder of its source part ("xl/"), resolving "." and
 * ".."; a target starting with '/' is from the package root. */
static bool resolve(const char *dir, const char *target, char *out)
{
	char joined[2 * PART_NAME];
	const char *seg;
	size_t o = 0;

	if (snprintf(joined, sizeof joined, "%s%s", target[0] == '/' ? "" : dir, target) >=
	    (int)sizeof joined)
		return false;
	for (seg = joined; *seg;) {
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);

		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			char *up = memrchr(out, '/', o);
			if (o == 0)
				return false;
			o = up ? (size_t)(up - out) : 0;
		} else if (len > 0 && !(len == 1 && seg[0] == '.')) {
			if (o + len + 2 > PART_NAME)
				return false;
			if (o)
				out[o++] = '/';
			memcpy(out + o, seg, len);
			o += len;
		}
		seg += len + (slash != NULL);
	}
	out[o] = '\0';
	return o > 0;
}

/* The folder of a part, with its slash: "xl/workbook.xml" → "xl/". */
static void part_dir(const char *part, char *out)
{
	const char *slash = strrchr(part, '/');
	size_t n = slash ? (size_t)(slash - part + 1) : 0;

	memcpy(out, part, n);
	out[n] = '\0';
}

/* Decodes OOXML's _xHHHH_ escapes (how Excel stores CR and other control characters) in
 * place; returns the new length. Escapes that would give NUL or a surrogate stay as they
 * are. */
static size_t unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;

	if (!memchr(s, '_', n))
		return n;
	while (i < n) {
		unsigned cp = 0;
		bool esc = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';

		for (size_t k = 2; esc && k < 6; k++) {
			char h = s[i + k];
			int d = h >= '0' && h <= '9'   ? h - '0'
				: h >= 'a' && h <= 'f' ? h - 'a' + 10
				: h >= 'A' && h <= 'F' ? h - 'A' + 10
						       : -1;
			esc = d >= 0;
			cp = cp * 16 + (unsigned)d;
		}
		if (!esc || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
			s[o++] = s[i++];
			continue;
		}
		if (cp < 0x80) {
			s[o++] = (char)cp;
		} else if (cp < 0x800) {
			s[o++] = (char)(0xC0 | cp >> 6);
			s[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[o++] = (char)(0xE0 | cp >> 12);
			s[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		}
		i += 7;
	}
	return o;
}

/* ---- reading one part ---- */

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	struct xlsx *x = ud;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	fail(x, SHEET_BAD_FORMAT, "%s: a DTD is not allowed", x->part);
}

static void xml_failed(struct xlsx *x, XML_Parser p)
{
	enum XML_Error code = XML_GetErrorCode(p);

	if (code == XML_ERROR_NO_MEMORY)
		fail(x, SHEET_TOO_BIG, "%s: an XML element is too large", x->part);
	else
		fail(x, SHEET_BAD_FORMAT, "%s line %lu: %s", x->part,
		     (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(code));
}

/* Streams the part through expat with these handlers. A missing part is an error only when
 * required. */
static void parse_part(struct xlsx *x, const char *name, bool required,
		       XML_StartElementHandler start, XML_EndElementHandler end,
		       XML_CharacterDataHandler text)
{
	zip_int64_t idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
	zip_file_t *zf;
	XML_Parser p;
	size_t total = 0;

	x->part = name;
	if (idx < 0) {
		if (required)
			fail(x, SHEET_BAD_FORMAT, "%s is missing", name);
		return;
	}
	if (!(zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0))) {
		fail(x, SHEET_BAD_FORMAT, "%s: %s", name, zip_strerror(x->za));
		return;
	}
	if (!(p = XML_ParserCreate_MM(NULL, &xml_mem, NULL)))
		fk_oom();
	x->parser = p;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	while (x->st == SHEET_OK) {
		void *b = XML_GetBuffer(p, ZCHUNK);
		zip_int64_t n;

		if (!b) {
			fail(x, SHEET_TOO_BIG, "%s: an XML element is too large", name);
			break;
		}
		if ((n = zip_fread(zf, b, ZCHUNK)) < 0) {
			fail(x, SHEET_BAD_FORMAT, "%s: %s", name, zip_file_strerror(zf));
			break;
		}
		if ((total += (size_t)n) > x->rb.lim.max_part_bytes) {
			fail(x, SHEET_TOO_BIG, "%s: more than %zu bytes uncompressed", name,
			     x->rb.lim.max_part_bytes);
			break;
		}
		if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK)
			xml_failed(x, p);
		if (n == 0)
			break;
	}
	x->parser = NULL;
	XML_ParserFree(p);
	zip_fclose(zf);
}

/* ---- relationships and workbook ---- */

static void XMLCALL root_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *type = attr(atts, "Type", false), *target = attr(atts, "Target", false);

	if (x->st || !is(name, "Relationship") || !type || !target || x->workbook[0])
		return;
	if (ends_with(type, "/officeDocument") && !resolve("", target, x->workbook))
		fail(x, SHEET_BAD_FORMAT, "%s: bad workbook target", x->part);
}

static void XMLCALL workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *id, *state, *d1904;

	if (x->st)
		return;
	if (is(name, "workbookPr")) {
		d1904 = attr(atts, "date1904", false);
		x->date1904 = d1904 && (!strcmp(d1904, "1") || !strcmp(d1904, "true"));
		return;
	}
	if (!is(name, "sheet") || !(id = attr(atts, "id", true)))
		return;
	state = attr(atts, "state", false);
	if ((!x->first_id[0] && !copy_name(x->first_id, id)) ||
	    (!x->visible_id[0] && (!state || !strcmp(state, "visible")) &&
	     !copy_name(x->visible_id, id)))
		fail(x, SHEET_BAD_FORMAT, "%s: sheet id too long", x->part);
}

static void XMLCALL workbook_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *id = attr(atts, "Id", false), *type = attr(atts, "Type", false);
	const char *target = attr(atts, "Target", false), *mode = attr(atts, "TargetMode", false);
	const char *want = x->visible_id[0] ? x->visible_id : x->first_id;
	char dir[PART_NAME];
	char *dst = NULL;

	if (x->st || !is(name, "Relationship") || !id || !type || !target ||
	    (mode && !strcmp(mode, "External")))
		return;
	if (!strcmp(id, want) && !x->sheet[0]) {
		dst = x->sheet;
		if (!copy_name(x->sheet_type, type))
			dst = NULL;
	} else if (ends_with(type, "/sharedStrings") && !x->shared[0]) {
		dst = x->shared;
	} else if (ends_with(type, "/styles") && !x->styles[0]) {
		dst = x->styles;
	}
	part_dir(x->workbook, dir);
	if (dst && !resolve(dir, target, dst))
		fail(x, SHEET_BAD_FORMAT, "%s: bad target %s", x->part, id);
}

/* Finds the parts: workbook, first visible sheet, shared strings, styles. */
static void read_package(struct xlsx *x)
{
	char rels[2 * PART_NAME + 16], dir[PART_NAME];

	parse_part(x, "_rels/.rels", false, root_rels_start, NULL, NULL);
	if (x->st == SHEET_OK && !x->workbook[0])
		copy_name(x->workbook, "xl/workbook.xml");
	if (x->st == SHEET_OK)
		parse_part(x, x->workbook, true, workbook_start, NULL, NULL);
	if (x->st == SHEET_OK && !x->first_id[0])
		fail(x, SHEET_BAD_FORMAT, "%s lists no sheet", x->workbook);
	if (x->st != SHEET_OK)
		return;
	part_dir(x->workbook, dir);
	snprintf(rels, sizeof rels, "%s_rels/%s.rels", dir, x->workbook + strlen(dir));
	parse_part(x, rels, true, workbook_rels_start, NULL, NULL);
	if (x->st == SHEET_OK && !x->sheet[0])
		fail(x, SHEET_BAD_FORMAT, "%s: the first sheet has no part", rels);
	if (x->st == SHEET_OK && !ends_with(x->sheet_type, "/worksheet"))
		fail(x, SHEET_BAD_FORMAT, "the first sheet is not a worksheet (a chart?)");
	if (!x->shared[0])
		copy_name(x->shared, "xl/sharedStrings.xml");
	if (!x->styles[0])
		copy_name(x->styles, "xl/styles.xml");
}

/* ---- styles: which cell styles show dates ---- */

/* Built-in date and time formats, including the CJK ones Chinese Excel uses (27–36, 50–58,
 * as xlrd lists them). */
static bool builtin_date(size_t id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}

/* A format code shows a date or time when y, m, d or h occurs outside "literals",
 * [brackets] (colours, locales, elapsed time) and escaped or padding characters. */
static bool code_is_date(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '"':
			while (s[1] && s[1] != '"')
				s++;
			if (s[1])
				s++;
			break;
		case '[':
			while (s[1] && s[1] != ']')
				s++;
			break;
		case '\\':
		case '_':
		case '*':
			if (s[1])
				s++;
			break;
		default:
			if (strchr("yYmMdDhH", *s))
				return true;
		}
	}
	return false;
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local(name);
	size_t id;

	if (x->st)
		return;
	if (!strcmp(n, "numFmts")) {
		x->in_numfmts = true;
	} else if (!strcmp(n, "cellXfs")) {
		x->in_cellxfs = true;
	} else if (!strcmp(n, "numFmt") && x->in_numfmts && x->nfmt < MAX_NUMFMTS) {
		const char *code = attr(atts, "formatCode", false);
		if (parse_size(attr(atts, "numFmtId", false), UINT32_MAX, &id) && code) {
			x->fmt_id[x->nfmt] = (uint32_t)id;
			x->fmt_date[x->nfmt++] = code_is_date(code);
		}
	} else if (!strcmp(n, "xf") && x->in_cellxfs && x->nxf < MAX_XFS) {
		if (!parse_size(attr(atts, "numFmtId", false), UINT32_MAX, &id))
			id = 0;
		x->xf_fmt[x->nxf++] = (uint32_t)id;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;

	if (is(name, "numFmts"))
		x->in_numfmts = false;
	else if (is(name, "cellXfs"))
		x->in_cellxfs = false;
}

static bool format_is_date(const struct xlsx *x, uint32_t id)
{
	for (size_t i = 0; i < x->nfmt; i++)
		if (x->fmt_id[i] == id)
			return x->fmt_date[i];
	return builtin_date(id);
}

static void read_styles(struct xlsx *x)
{
	x->xf_fmt = xcalloc(MAX_XFS, sizeof *x->xf_fmt);
	parse_part(x, x->styles, false, styles_start, styles_end, NULL);
	x->xf_date = xcalloc(x->nxf, 1);
	for (size_t i = 0; i < x->nxf; i++)
		x->xf_date[i] = format_is_date(x, x->xf_fmt[i]);
	free(x->xf_fmt);
	x->xf_fmt = NULL;
}

/* ---- shared strings ---- */

/* Text plus one offset per string, against max_shared_strings_bytes. */
static bool sst_fits(const struct xlsx *x, size_t more)
{
	const struct sst *t = &x->sst;
	size_t max = x->rb.lim.max_shared_strings_bytes, index = (t->n + 1) * sizeof *t->off;

	return index <= max && more <= max - index && t->text.len + more <= max - index;
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	struct sst *t = &x->sst;
	const char *n = local(name);

	(void)atts;
	if (x->st)
		return;
	if (!strcmp(n, "si")) {
		t->in_si = true;
		t->rph = 0;
		t->start = t->text.len;
	} else if (!strcmp(n, "rPh")) {
		t->rph++;
	} else if (!strcmp(n, "t") && t->in_si && !t->rph) {
		t->capture = true;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;
	struct sst *t = &x->sst;

	if (x->st || !t->capture)
		return;
	if (!sst_fits(x, (size_t)len) || !buf_append(&t->text, s, (size_t)len))
		fail(x, SHEET_TOO_BIG, "%s: shared strings larger than %zu bytes", x->part,
		     x->rb.lim.max_shared_strings_bytes);
}

static void sst_finish(struct xlsx *x)
{
	struct sst *t = &x->sst;
	size_t n;

	if (!sst_fits(x, 1) || !buf_append(&t->text, "", 1)) {
		fail(x, SHEET_TOO_BIG, "%s: shared strings larger than %zu bytes", x->part,
		     x->rb.lim.max_shared_strings_bytes);
		return;
	}
	n = unescape(t->text.data + t->start, t->text.len - 1 - t->start);
	t->text.len = t->start + n + 1;
	t->text.data[t->text.len - 1] = '\0';
	if (t->n == t->slots) {
		t->slots = t->slots ? t->slots * 2 : 256;
		if (!(t->off = realloc(t->off, t->slots * sizeof *t->off)))
			fk_oom();
	}
	t->off[t->n++] = t->start;
	t->in_si = false;
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	struct sst *t = &x->sst;
	const char *n = local(name);

	if (x->st)
		return;
	if (!strcmp(n, "t"))
		t->capture = false;
	else if (!strcmp(n, "rPh"))
		t->rph--;
	else if (!strcmp(n, "si") && t->in_si)
		sst_finish(x);
}

/* ---- the worksheet ---- */

static void row_start(struct xlsx *x, const XML_Char **atts)
{
	const char *r = attr(atts, "r", false);
	size_t line = x->last_line + 1;

	if (r && !parse_size(r, SIZE_MAX, &line)) {
		fail(x, SHEET_BAD_FORMAT, "row after %zu: bad row number", x->last_line);
		return;
	}
	if (line > x->rb.lim.max_rows) {
		fail(x, SHEET_TOO_BIG, "row %zu: more than %zu rows", line, x->rb.lim.max_rows);
		return;
	}
	if (line <= x->last_line) {
		fail(x, SHEET_BAD_FORMAT, "row %zu: rows out of order", line);
		return;
	}
	x->line = line;
	x->in_row = true;
	x->next_col = 0;
	rowbuf_clear(&x->rb);
}

static void row_end(struct xlsx *x)
{
	enum sheet_status st = rowbuf_emit(&x->rb, x->line, x->fn, x->ctx);

	x->in_row = false;
	x->last_line = x->line;
	if (st != SHEET_OK)
		fail(x, st, "row %zu: %s", x->line, x->rb.why);
}

static char cell_type(const char *t)
{
	if (!t || !strcmp(t, "n"))
		return 'n';
	if (!t[1] && (t[0] == 's' || t[0] == 'b' || t[0] == 'e' || t[0] == 'd'))
		return t[0];
	return 't'; /* str, inlineStr */
}

static void cell_start(struct xlsx *x, const XML_Char **atts)
{
	const char *r = NULL, *t = NULL, *s = NULL;
	size_t style = 0, col = x->next_col;

	for (; atts[0]; atts += 2) { /* one pass: this runs for every cell */
		if (!strcmp(atts[0], "r"))
			r = atts[1];
		else if (!strcmp(atts[0], "t"))
			t = atts[1];
		else if (!strcmp(atts[0], "s"))
			s = atts[1];
	}
	if (r && !parse_column(r, &col)) {
		fail(x, SHEET_BAD_FORMAT, "row %zu: bad cell reference", x->line);
		return;
	}
	if (col < x->next_col) {
		fail(x, SHEET_BAD_FORMAT, "row %zu: cells out of column order", x->line);
		return;
	}
	if (!parse_size(s, SIZE_MAX, &style))
		style = 0;
	memset(&x->c, 0, sizeof x->c);
	x->c.col = col;
	x->c.type = cell_type(t);
	x->c.date = style < x->nxf && x->xf_date[style];
	x->in_cell = true;
	x->val.len = 0;
}

static void put(struct xlsx *x, const char *s, size_t n, unsigned char flags)
{
	enum sheet_status st = rowbuf_put(&x->rb, x->c.col, s, n, flags);

	if (st != SHEET_OK)
		fail(x, st, "row %zu: %s", x->line, x->rb.why);
}

static void cell_end(struct xlsx *x)
{
	char *v = x->val.len ? x->val.data : "";
	size_t n = x->val.len, i;
	unsigned char date = x->date1904 ? SHEET_CELL_DATE | SHEET_CELL_DATE1904 : SHEET_CELL_DATE;

	x->in_cell = false;
	x->next_col = x->c.col + 1;
	if (!x->c.has_value)
		return;
	switch (x->c.type) {
	case 's':
		if (!parse_size(v, SIZE_MAX, &i) || i >= x->sst.n) {
			fail(x, SHEET_BAD_FORMAT, "row %zu: no shared string %s", x->line, v);
			return;
		}
		v = x->sst.text.data + x->sst.off[i];
		put(x, v, strlen(v), 0);
		break;
	case 'n': put(x, v, n, SHEET_CELL_NUMBER | (x->c.date ? date : 0)); break;
	case 'd': put(x, v, n, SHEET_CELL_DATE); break;
	case 'b':
		if (n == 1 && (v[0] == '0' || v[0] == '1'))
			put(x, v[0] == '1' ? "TRUE" : "FALSE", v[0] == '1' ? 4 : 5, 0);
		else
			put(x, v, n, 0);
		break;
	default: put(x, v, unescape(v, n), 0);
	}
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	if (x->st)
		return;
	if (!x->in_data) {
		x->in_data = !strcmp(n, "sheetData");
	} else if (!x->in_row) {
		if (!strcmp(n, "row"))
			row_start(x, atts);
	} else if (!x->in_cell) {
		if (!strcmp(n, "c"))
			cell_start(x, atts);
	} else if (!strcmp(n, "rPh")) {
		x->c.rph++;
	} else if (x->c.rph) {
		return;
	} else if (!strcmp(n, "v") || !strcmp(n, "is")) {
		x->c.has_value = true;
		x->c.in_is = n[0] == 'i';
		x->c.capture = !x->c.in_is;
		x->val.len = 0;
	} else if (!strcmp(n, "t") && x->c.in_is) {
		x->c.capture = true;
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	if (x->st || !x->in_data)
		return;
	if (x->in_cell) {
		if (!strcmp(n, "c"))
			cell_end(x);
		else if (!strcmp(n, "rPh"))
			x->c.rph--;
		else if (!strcmp(n, "v") || !strcmp(n, "t"))
			x->c.capture = false;
		else if (!strcmp(n, "is"))
			x->c.in_is = false;
	} else if (x->in_row) {
		if (!strcmp(n, "row"))
			row_end(x);
	} else if (!strcmp(n, "sheetData")) {
		x->in_data = false;
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;

	if (x->st || !x->in_cell || !x->c.capture || x->c.rph)
		return;
	if (!buf_append(&x->val, s, (size_t)len))
		fail(x, SHEET_TOO_BIG, "row %zu: cell too long", x->line);
}

/* ---- entry ---- */

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The entry count and directory size of the end record at e, from its ZIP64 twin when it
 * defers to one. */
static void directory_size(FILE *f, long size, const unsigned char *e, bool has_locator,
			   uint64_t *entries, uint64_t *bytes)
{
	unsigned char z64[56];
	uint64_t off;

	*entries = le(e + 8, 2) > le(e + 10, 2) ? le(e + 8, 2) : le(e + 10, 2);
	*bytes = le(e + 12, 4);
	if ((*entries != 0xFFFF && *bytes != 0xFFFFFFFF) || !has_locator)
		return;
	off = le(e - 20 + 8, 8);
	if (off + sizeof z64 <= (uint64_t)size && fseeko(f, (off_t)off, SEEK_SET) == 0 &&
	    fread(z64, 1, sizeof z64, f) == sizeof z64 && !memcmp(z64, "PK\6\6", 4)) {
		*entries = le(z64 + 24, 8) > le(z64 + 32, 8) ? le(z64 + 24, 8) : le(z64 + 32, 8);
		*bytes = le(z64 + 40, 8);
	}
}

/* Checks every end-of-directory record in the tail, since libzip may settle on any. */
static void check_directory(struct xlsx *x, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *tail = NULL;
	long size, n;

	if (!f)
		return; /* zip_open says why */
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0)
		goto out;
	n = size < EOCD_SCAN ? size : EOCD_SCAN;
	tail = xmalloc((size_t)n);
	if (fseek(f, size - n, SEEK_SET) != 0 || fread(tail, 1, (size_t)n, f) != (size_t)n)
		goto out;
	for (long i = n - 22; i >= 0 && x->st == SHEET_OK; i--) {
		uint64_t entries, bytes;

		if (memcmp(tail + i, "PK\5\6", 4))
			continue;
		directory_size(f, size, tail + i, i >= 20 && !memcmp(tail + i - 20, "PK\6\7", 4),
			       &entries, &bytes);
		if (entries > MAX_ENTRIES || bytes > MAX_DIRECTORY)
			fail(x, SHEET_TOO_BIG, "the zip lists too many files (%llu)",
			     (unsigned long long)entries);
	}
out:
	free(tail);
	fclose(f);
}

static void open_zip(struct xlsx *x, const char *path)
{
	int code;

	if ((x->za = zip_open(path, ZIP_RDONLY, &code)))
		return;
	switch (code) {
	case ZIP_ER_NOENT:
	case ZIP_ER_OPEN:
	case ZIP_ER_READ:
	case ZIP_ER_SEEK: fail(x, SHEET_IO, "cannot read the file"); break;
	case ZIP_ER_MEMORY: fk_oom();
	default: fail(x, SHEET_BAD_FORMAT, "not a valid .xlsx file (broken zip)");
	}
}

enum sheet_status xlsx_reader_read(const char *path, const struct sheet_limits *lim,
				   sheet_row_fn fn, void *ctx, char *err, size_t errsz)
{
	struct xlsx *x = xcalloc(1, sizeof *x);
	enum sheet_status st;

	x->fn = fn;
	x->ctx = ctx;
	x->err = err;
	x->errsz = errsz;
	rowbuf_init(&x->rb, lim);
	buf_init(&x->val, x->rb.lim.max_cell_bytes);
	buf_init(&x->sst.text, x->rb.lim.max_shared_strings_bytes);
	check_directory(x, path);
	if (x->st == SHEET_OK)
		open_zip(x, path);
	if (x->st == SHEET_OK)
		read_package(x);
	if (x->st == SHEET_OK)
		read_styles(x);
	if (x->st == SHEET_OK)
		parse_part(x, x->shared, false, sst_start, sst_end, sst_text);
	if (x->st == SHEET_OK)
		parse_part(x, x->sheet, true, sheet_start, sheet_end, sheet_text);
	if (x->za)
		zip_discard(x->za);
	st = x->st;
	free(x->xf_fmt);
	free(x->xf_date);
	free(x->sst.off);
	buf_free(&x->sst.text);
	buf_free(&x->val);
	rowbuf_free(&x->rb);
	free(x);
	return st;
}
