/* csv_reader — CSV saved by Excel or WPS, streamed through libcsv.
 *
 * Encoding: a BOM decides (UTF-8, or UTF-16 from Excel's "Unicode text"). Without one the
 * text is UTF-8 when the 64 KiB that follow the first non-ASCII byte are valid UTF-8, and
 * GB18030 (a superset of GBK and GB2312) when not. Starting the window at the first
 * non-ASCII byte rather than at the top of the file keeps a long ASCII prologue (digits,
 * an English header) from deciding for UTF-8 by default. The detection pass reads ahead
 * and rewinds, holding one chunk.
 *
 * Then the file is read in fixed chunks, converted by iconv where needed (a multibyte
 * sequence cut by the end of a chunk waits for the next one) and fed to libcsv one line
 * piece at a time: between pieces libcsv's public state says whether a record is under
 * way, which is how each record learns the line it starts on even when a quoted cell spans
 * lines. The delimiter is the most frequent of , \t ; outside quotes in the first lines
 * (comma on a tie): the first line alone is often a title with no delimiter at all.
 *
 * Memory: the read and conversion buffers, libcsv's field buffer (checked against
 * max_cell_bytes after every piece, so it outgrows the cap by at most one read) and one
 * row. Nothing is trimmed: libcsv's stripping of spaces is switched off. */
#include "io/csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/rowbuf.h"
#include "util/arena.h"

enum {
	CHUNK = 64 * 1024,         /* bytes read at a time */
	OUT_CHUNK = 2 * CHUNK,     /* converted bytes handed to libcsv at a time */
	DETECT_WINDOW = 64 * 1024, /* UTF-8 bytes that must validate after the first non-ASCII */
	SAMPLE_LINES = 5,          /* lines looked at to pick the delimiter */
	ROW_NOT_BEGUN = 0,         /* libcsv's pstate between records (libcsv.c) */
};

enum encoding { ENC_UTF8, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE };

static const char *const iconv_names[] = {
	[ENC_UTF8] = "UTF-8",
	[ENC_GB18030] = "GB18030",
	[ENC_UTF16LE] = "UTF-16LE",
	[ENC_UTF16BE] = "UTF-16BE",
};

struct reader {
	struct rowbuf rb;
	struct csv_parser p;
	sheet_row_fn fn;
	void *ctx;
	enum sheet_status st;
	size_t line;     /* line of the next byte fed to libcsv */
	size_t rec_line; /* line the record being parsed started on */
	size_t col;      /* column of the next field */
	bool prev_cr;    /* the last byte fed was a CR (a LF after it ends no new line) */
	bool delim_known;
	char *in, *out; /* CHUNK + 8 and OUT_CHUNK bytes */
	char *err;
	size_t errsz;
};

static void fail(struct reader *r, enum sheet_status st, size_t line, const char *why)
{
	if (r->st != SHEET_OK)
		return;
	r->st = st;
	if (st == SHEET_STOPPED)
		return;
	if (line)
		snprintf(r->err, r->errsz, "line %zu: %s", line, why);
	else
		snprintf(r->err, r->errsz, "%s", why);
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	enum sheet_status st;

	if (r->st != SHEET_OK)
		return;
	st = rowbuf_put(&r->rb, r->col++, s, len, 0);
	if (st != SHEET_OK)
		fail(r, st, r->rec_line, r->rb.why);
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	enum sheet_status st;

	(void)c;
	if (r->st != SHEET_OK)
		return;
	r->col = 0;
	st = rowbuf_emit(&r->rb, r->rec_line, r->fn, r->ctx);
	if (st != SHEET_OK)
		fail(r, st, r->rec_line, r->rb.why);
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* The delimiter that occurs most often outside quotes in the first SAMPLE_LINES non-empty
 * lines of s; comma, then tab, on a tie. */
static unsigned char guess_delim(const char *s, size_t n)
{
	size_t comma = 0, tab = 0, semi = 0, lines = 0;
	bool quoted = false, blank = true;

	for (size_t i = 0; i < n && lines < SAMPLE_LINES; i++) {
		char c = s[i];
		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '\n' || c == '\r') {
			lines += !blank;
			blank = true;
			continue;
		} else if (c == ',')
			comma++;
		else if (c == '\t')
			tab++;
		else if (c == ';')
			semi++;
		blank = false;
	}
	if (comma >= tab && comma >= semi)
		return ',';
	return tab >= semi ? '\t' : ';';
}

/* Bytes up to and including the first line break (CR, LF or CRLF), or all of s. */
static size_t line_piece(const char *s, size_t n)
{
	const char *lf = memchr(s, '\n', n);
	size_t upto = lf ? (size_t)(lf - s) : n;
	const char *cr = memchr(s, '\r', upto);

	if (cr && cr + 1 != lf)
		return (size_t)(cr - s) + 1; /* a lone CR (old Mac line ends) */
	return lf ? upto + 1 : n;
}

/* A piece holds at most one line break, at its end; a LF alone right after a CR that
 * ended the previous piece is the rest of a CRLF cut by a chunk boundary. */
static void count_lines(struct reader *r, const char *s, size_t k)
{
	char last = s[k - 1];

	if (last == '\r' || (last == '\n' && !(k == 1 && r->prev_cr)))
		r->line++;
	r->prev_cr = last == '\r';
}

/* Hands UTF-8 text to libcsv, one line piece at a time. */
static void feed(struct reader *r, const char *s, size_t n)
{
	if (!r->delim_known) {
		csv_set_delim(&r->p, guess_delim(s, n));
		r->delim_known = true;
	}
	while (n > 0 && r->st == SHEET_OK) {
		size_t k = line_piece(s, n);

		if (r->p.pstate == ROW_NOT_BEGUN)
			r->rec_line = r->line;
		if (csv_parse(&r->p, s, k, on_field, on_row, r) != k)
			fail(r, SHEET_TOO_BIG, r->rec_line, csv_strerror(csv_error(&r->p)));
		count_lines(r, s, k);
		if (r->p.entry_pos > r->rb.lim.max_cell_bytes)
			fail(r, SHEET_TOO_BIG, r->rec_line, "cell too long");
		s += k;
		n -= k;
	}
}

/* Validates UTF-8 in the window after the first non-ASCII byte. buf holds the first chunk,
 * n bytes; reads on from f as needed. */
static enum encoding detect_utf8(FILE *f, unsigned char *buf, size_t n)
{
	size_t keep = 0, seen = 0;
	bool high = false;

	for (;;) {
		size_t start = 0, avail = keep + n, ok;
		bool partial;

		if (!high) {
			while (start < avail && buf[start] < 0x80)
				start++;
			high = start < avail;
		}
		if (high) {
			size_t lim = avail - start;
			bool window_ends = lim > DETECT_WINDOW - seen;

			if (window_ends)
				lim = DETECT_WINDOW - seen;
			ok = rowbuf_utf8_span(buf + start, lim, &partial);
			if (ok < lim && !partial)
				return ENC_GB18030;
			if (window_ends)
				return ENC_UTF8;
			seen += ok;
			keep = avail - start - ok;
			memmove(buf, buf + start + ok, keep);
		}
		n = fread(buf + keep, 1, CHUNK, f);
		if (n == 0)
			return ENC_UTF8; /* a sequence cut at the end fails later, in its cell */
	}
}

static enum encoding detect(FILE *f, unsigned char *buf, long *skip)
{
	size_t n = fread(buf, 1, CHUNK, f);

	*skip = 0;
	if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
		*skip = 3;
		return ENC_UTF8;
	}
	if (n >= 2 && buf[0] == 0xFF && buf[1] == 0xFE) {
		*skip = 2;
		return ENC_UTF16LE;
	}
	if (n >= 2 && buf[0] == 0xFE && buf[1] == 0xFF) {
		*skip = 2;
		return ENC_UTF16BE;
	}
	return n ? detect_utf8(f, buf, n) : ENC_UTF8;
}

/* Converts in[0..*avail) into r->out and feeds it; leaves an incomplete sequence at the
 * front of in and its length in *avail. */
static void convert(struct reader *r, iconv_t cd, size_t *avail)
{
	char *ip = r->in;
	size_t il = *avail;

	while (il > 0 && r->st == SHEET_OK) {
		char *op = r->out;
		size_t ol = OUT_CHUNK, rc = iconv(cd, &ip, &il, &op, &ol);

		if (op > r->out)
			feed(r, r->out, (size_t)(op - r->out));
		if (rc != (size_t)-1 || errno == EINVAL)
			break;
		if (errno != E2BIG)
			fail(r, SHEET_ENCODING, r->line,
			     "bytes that are not GB18030 or UTF-8 text");
	}
	memmove(r->in, ip, il);
	*avail = il;
}

static void pump(struct reader *r, FILE *f, iconv_t cd)
{
	size_t keep = 0;

	while (r->st == SHEET_OK) {
		size_t got = fread(r->in + keep, 1, CHUNK, f);

		if (got == 0) {
			if (ferror(f))
				fail(r, SHEET_IO, r->line, "cannot read the file");
			else if (keep)
				fail(r, SHEET_ENCODING, r->line,
				     "the file ends inside a character");
			return;
		}
		if (cd == (iconv_t)-1) {
			feed(r, r->in, got);
			continue;
		}
		keep += got;
		convert(r, cd, &keep);
	}
}

enum sheet_status csv_reader_read(const char *path, const struct sheet_limits *lim, sheet_row_fn fn,
				  void *ctx, char *err, size_t errsz)
{
	struct reader r = {
		.fn = fn, .ctx = ctx, .line = 1, .rec_line = 1, .err = err, .errsz = errsz};
	iconv_t cd = (iconv_t)-1;
	enum encoding enc;
	long skip;
	FILE *f;

	rowbuf_init(&r.rb, lim);
	r.in = xmalloc(CHUNK + 8);
	r.out = xmalloc(OUT_CHUNK);
	if (csv_init(&r.p, 0) != 0)
		fk_oom();
	csv_set_space_func(&r.p, no_space);
	csv_set_blk_size(&r.p, 1024);
	if (!(f = fopen(path, "rb"))) {
		fail(&r, SHEET_IO, 0, "cannot open the file");
		goto out;
	}
	enc = detect(f, (unsigned char *)r.in, &skip);
	if (ferror(f) || fseek(f, skip, SEEK_SET) != 0) {
		fail(&r, SHEET_IO, 0, "cannot read the file");
		goto out;
	}
	if (enc != ENC_UTF8 && (cd = iconv_open("UTF-8", iconv_names[enc])) == (iconv_t)-1) {
		fail(&r, SHEET_IO, 0, "iconv cannot convert this encoding");
		goto out;
	}
	pump(&r, f, cd);
	if (r.st == SHEET_OK)
		csv_fini(&r.p, on_field, on_row, &r);
out:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (f)
		fclose(f);
	csv_free(&r.p);
	free(r.in);
	free(r.out);
	rowbuf_free(&r.rb);
	return r.st;
}
