/*
 * Unit tests for domain/idcard: the two valid examples of DOMAIN.md, every
 * defect the parser names, the forms Excel and Chinese IMEs produce, the
 * residence permits, legacy 15-digit numbers, other documents and masking.
 *
 * Check characters of the made-up numbers below were computed independently
 * (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, "10X98765432"[S % 11]).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/datefmt.h"
#include "domain/idcard.h"

#define TODAY 20200129 /* the day of the article */

static struct id_result parse(const char *in, enum id_doc hint, int today)
{
	struct id_result r;
	memset(&r, 0x5a, sizeof r); /* dirty: parse must set every field */
	idcard_parse(in, hint, today, &r);
	return r;
}

static void expect_defect(const char *in, enum id_defect want)
{
	struct id_result r = parse(in, ID_DOC_RESIDENT, TODAY);
	if (r.defect != want)
		fail_msg("\"%s\": defect %s, want %s", in ? in : "(null)", id_defect_code(r.defect),
			 id_defect_code(want));
	if (want != ID_OK && want != ID_LEGACY_15_UPGRADED) {
		assert_false(idcard_ok(&r));
		assert_int_equal(r.sex, 0);
		assert_int_equal(r.birth_y, 0);
		assert_string_equal(r.region, "");
	}
}

static void expect_valid(const char *in, const char *number)
{
	struct id_result r = parse(in, ID_DOC_NONE, TODAY);
	if (r.defect != ID_OK)
		fail_msg("\"%s\": defect %s", in, id_defect_code(r.defect));
	assert_true(idcard_ok(&r));
	assert_string_equal(r.number, number);
}

static void domain_examples(void **state)
{
	(void)state;
	struct id_result r = parse("11010519491231002X", ID_DOC_RESIDENT, TODAY);
	assert_int_equal(r.defect, ID_OK);
	assert_int_equal(r.doc, ID_DOC_RESIDENT);
	assert_string_equal(r.number, "11010519491231002X");
	assert_int_equal(r.birth_y, 1949);
	assert_int_equal(r.birth_m, 12);
	assert_int_equal(r.birth_d, 31);
	assert_int_equal(r.sex, 'F'); /* sequence 002: even */
	assert_string_equal(r.region, "110105");

	r = parse("440524188001010014", ID_DOC_RESIDENT, TODAY);
	assert_int_equal(r.defect, ID_OK); /* born 1880: accepted (from 1800-01-01) */
	assert_int_equal(r.birth_y, 1880);
	assert_int_equal(r.birth_m, 1);
	assert_int_equal(r.birth_d, 1);
	assert_int_equal(r.sex, 'M'); /* sequence 001: odd */
	assert_string_equal(r.region, "440524");
}

static void typed_forms(void **state)
{
	(void)state;
	expect_valid("11010519491231002x", "11010519491231002X"); /* lower-case x */
	expect_valid("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X");
	expect_valid("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X");
	expect_valid(" 110105 19491231 002X ", "11010519491231002X");
	expect_valid("110105\xe3\x80\x80"
		     "19491231\xe3\x80\x80"
		     "002X",
		     "11010519491231002X");                         /* ideographic spaces */
	expect_valid("\t11010519491231002X", "11010519491231002X"); /* CSV exporters' tab */
	expect_valid("'11010519491231002X", "11010519491231002X");  /* Excel text mark */
	expect_valid("\xef\xbb\xbf"
		     "440524188001010014\xe2\x80\x8b",
		     "440524188001010014"); /* BOM, zero-width space */
	expect_valid("110105\xff"
		     "19491231002X",
		     "11010519491231002X"); /* invalid UTF-8 byte dropped by text_normalize */
}

static void wrong_check(void **state)
{
	(void)state;
	expect_defect("110105194912310021", ID_BAD_CHECK);
	expect_defect("11010519491231002Y", ID_BAD_CHARS);
	expect_defect("440524188001010015", ID_BAD_CHECK);
	expect_defect("440524188001010010", ID_BAD_CHECK); /* ends in 0 but not 000 */
	expect_defect("32011619491231001X", ID_OK);
	expect_defect("320116194912310011", ID_BAD_CHECK);
	struct id_result r = parse("110105194912310021", ID_DOC_RESIDENT, TODAY);
	assert_string_equal(r.number, "110105194912310021"); /* echoed for the form */
}

static void birth_dates(void **state)
{
	(void)state;
	expect_defect("320481190002290019", ID_BAD_BIRTH_DATE); /* 1900 not a leap year */
	expect_defect("320481200002290015", ID_OK);             /* 2000 is */
	expect_defect("320481179912310018", ID_BAD_BIRTH_DATE); /* before 1800 */
	expect_defect("320481180001010012", ID_OK);             /* 1800-01-01 */
	expect_defect("32048119901301001X", ID_BAD_BIRTH_DATE); /* month 13 */
	expect_defect("320481199004310010", ID_BAD_BIRTH_DATE); /* 31 April */
	expect_defect("320481199000010010", ID_BAD_BIRTH_DATE); /* month 0 */
}

static void future_birth(void **state)
{
	(void)state;
	const char *born2030 = "320481203001010011";
	assert_int_equal(parse(born2030, ID_DOC_RESIDENT, TODAY).defect, ID_FUTURE_BIRTH);
	assert_int_equal(parse(born2030, ID_DOC_RESIDENT, 20300101).defect, ID_OK); /* born today */
	assert_int_equal(parse(born2030, ID_DOC_RESIDENT, 20291231).defect, ID_FUTURE_BIRTH);
	assert_int_equal(parse(born2030, ID_DOC_RESIDENT, 0).defect, ID_OK); /* no today given */
}

static void legacy_15(void **state)
{
	(void)state;
	struct id_result r = parse("110105491231002", ID_DOC_RESIDENT, TODAY);
	assert_int_equal(r.defect, ID_LEGACY_15_UPGRADED);
	assert_true(idcard_ok(&r));
	assert_string_equal(r.number, "11010519491231002X"); /* the valid 18-digit example */
	assert_int_equal(r.birth_y, 1949);
	assert_int_equal(r.birth_m, 12);
	assert_int_equal(r.birth_d, 31);
	assert_int_equal(r.sex, 'F');
	assert_string_equal(r.region, "110105");

	/* Its upgrade passes the 18-digit parse as it stands. */
	assert_int_equal(parse(r.number, ID_DOC_RESIDENT, TODAY).defect, ID_OK);

	expect_defect("110105490230002", ID_BAD_BIRTH_DATE); /* 30 February 1949 */
	expect_defect("110105000229001", ID_BAD_BIRTH_DATE); /* 1900-02-29, century 19 */
	expect_defect("11010549123100X", ID_BAD_CHARS);
	expect_defect("１１０１０５４９１２３１００２", ID_LEGACY_15_UPGRADED);
}

static void residence_permits(void **state)
{
	(void)state;
	struct id_result r = parse("810000199001010019", ID_DOC_RESIDENT, TODAY);
	assert_int_equal(r.defect, ID_OK);
	assert_int_equal(r.doc, ID_DOC_PERMIT_HK);
	assert_string_equal(r.region, "810000");
	r = parse("820000199001010029", ID_DOC_NONE, TODAY);
	assert_int_equal(r.defect, ID_OK);
	assert_int_equal(r.doc, ID_DOC_PERMIT_MO);
	r = parse("830000199001010039", ID_DOC_PERMIT_HK, TODAY); /* the number decides */
	assert_int_equal(r.defect, ID_OK);
	assert_int_equal(r.doc, ID_DOC_PERMIT_TW);
	r = parse("11010519491231002X", ID_DOC_PERMIT_TW, TODAY);
	assert_int_equal(r.doc, ID_DOC_RESIDENT);
	r = parse("810000199001010010", ID_DOC_NONE, TODAY);
	assert_int_equal(r.defect, ID_BAD_CHECK);
}

static void excel_mangled(void **state)
{
	(void)state;
	expect_defect("3.20116E+17", ID_NUMBER_MANGLED);
	expect_defect("3.20116e17", ID_NUMBER_MANGLED);
	expect_defect("3.20116E17", ID_NUMBER_MANGLED);
	expect_defect("3.20116E+017", ID_NUMBER_MANGLED);
	expect_defect("3.2E+17", ID_NUMBER_MANGLED);
	expect_defect("３.２０１１６Ｅ＋１７", ID_NUMBER_MANGLED);
	expect_defect("320116194912310000", ID_NUMBER_MANGLED); /* 15 digits kept, check fails */
	expect_defect("320116194912310000.0", ID_NUMBER_MANGLED);
	expect_defect("320116194912310011.5", ID_NUMBER_MANGLED);
	/* Ends in 000 and the check passes: indistinguishable from a real number. */
	expect_defect("320481199001040000", ID_OK);
	/* Not numbers: */
	expect_defect("3.20116E+", ID_BAD_CHARS);
	expect_defect(".5", ID_BAD_CHARS);
	expect_defect("E17", ID_BAD_CHARS);
}

static void empty_and_length(void **state)
{
	(void)state;
	expect_defect(NULL, ID_EMPTY);
	expect_defect("", ID_EMPTY);
	expect_defect("   ", ID_EMPTY);
	expect_defect("\xe3\x80\x80\t", ID_EMPTY);
	expect_defect("\xff\xfe", ID_EMPTY); /* only invalid bytes */
	expect_defect("'", ID_EMPTY);
	expect_defect("1101051949123100", ID_BAD_LENGTH);    /* 16 */
	expect_defect("11010519491231002", ID_BAD_LENGTH);   /* 17: check missing */
	expect_defect("1101051949123100211", ID_BAD_LENGTH); /* 19 */
	expect_defect("12345X", ID_BAD_LENGTH);
	expect_defect("1101051949X231002X", ID_BAD_CHARS);
	expect_defect("110105-19491231-002X", ID_BAD_CHARS);
	expect_defect("身份证11010519491231002X", ID_BAD_CHARS);
	expect_defect("1101051949123100２X", ID_OK);
	struct id_result r = parse("", ID_DOC_RESIDENT, TODAY);
	assert_string_equal(r.number, "");
}

static void hostile(void **state)
{
	(void)state;
	size_t len = 10 * 1024;
	char *in = malloc(len + 1);
	assert_non_null(in);
	memset(in, '1', len);
	in[len] = '\0';
	struct id_result r = parse(in, ID_DOC_RESIDENT, TODAY);
	assert_int_equal(r.defect, ID_BAD_LENGTH);
	assert_string_equal(r.number, "");
	r = parse(in, ID_DOC_PASSPORT, TODAY);
	assert_int_equal(r.defect, ID_BAD_LENGTH);

	/* Just inside the cap: read, normalised and judged; number is cut. */
	in[ID_INPUT_MAX] = '\0';
	r = parse(in, ID_DOC_RESIDENT, TODAY);
	assert_int_equal(r.defect, ID_BAD_LENGTH);
	assert_int_equal(strlen(r.number), ID_NUMBER_MAX);
	free(in);

	char junk[64];
	for (size_t i = 0; i < sizeof junk - 1; i++)
		junk[i] = (char)(0x80 + (i * 7) % 128);
	junk[sizeof junk - 1] = '\0';
	r = parse(junk, ID_DOC_RESIDENT, TODAY);
	assert_int_not_equal(r.defect, ID_OK);
	assert_false(idcard_ok(&r));

	idcard_parse("11010519491231002X", ID_DOC_RESIDENT, TODAY, NULL); /* must not crash */
	r = parse("11010519491231002X", (enum id_doc)99, TODAY);
	assert_int_equal(r.defect, ID_OK);
	assert_int_equal(r.doc, ID_DOC_RESIDENT);
}

static void other_documents(void **state)
{
	(void)state;
	struct id_result r = parse("e1234 5678", ID_DOC_PASSPORT, TODAY);
	assert_int_equal(r.defect, ID_OK);
	assert_int_equal(r.doc, ID_DOC_PASSPORT);
	assert_string_equal(r.number, "E12345678");
	assert_int_equal(r.sex, 0);
	assert_string_equal(r.region, "");

	r = parse("Ｃ１２３４５６７８", ID_DOC_HKMO_PASS, TODAY);
	assert_int_equal(r.defect, ID_OK);
	assert_string_equal(r.number, "C12345678");
	assert_int_equal(r.doc, ID_DOC_HKMO_PASS);

	assert_int_equal(parse("12345678", ID_DOC_TW_PASS, TODAY).defect, ID_OK);
	assert_int_equal(parse("E1234", ID_DOC_PASSPORT, TODAY).defect, ID_OK); /* 5 */
	assert_int_equal(parse("E123", ID_DOC_PASSPORT, TODAY).defect, ID_BAD_LENGTH);
	assert_int_equal(parse("E1234567890123456789", ID_DOC_OTHER, TODAY).defect, ID_OK);
	assert_int_equal(parse("E12345678901234567890", ID_DOC_OTHER, TODAY).defect,
			 ID_BAD_LENGTH); /* 21 */
	assert_int_equal(parse("E1234-5678", ID_DOC_PASSPORT, TODAY).defect, ID_BAD_CHARS);
	assert_int_equal(parse("护照E12345678", ID_DOC_PASSPORT, TODAY).defect, ID_BAD_CHARS);
	assert_int_equal(parse("  ", ID_DOC_PASSPORT, TODAY).defect, ID_EMPTY);
	/* A passport is not judged as a resident ID, even when it looks like one. */
	assert_int_equal(parse("110105194912310021", ID_DOC_PASSPORT, TODAY).defect, ID_OK);
}

static void check_char(void **state)
{
	(void)state;
	char c = '?';
	assert_true(idcard_check_char("11010519491231002", &c));
	assert_int_equal(c, 'X');
	assert_true(idcard_check_char("44052418800101001", &c));
	assert_int_equal(c, '4');
	assert_true(idcard_check_char("11010519491231002X", &c)); /* 18th not read */
	assert_int_equal(c, 'X');
	assert_true(idcard_check_char("32048119000229001", &c));
	assert_int_equal(c, '9');
	c = '?';
	assert_false(idcard_check_char("1101051949123100", &c)); /* 16 */
	assert_false(idcard_check_char("1101051949123100a", &c));
	assert_false(idcard_check_char(NULL, &c));
	assert_false(idcard_check_char("11010519491231002", NULL));
	assert_int_equal(c, '?');
}

static void expect_mask(const char *number, const char *want)
{
	char out[64];
	idcard_mask(number, out, sizeof out);
	assert_string_equal(out, want);
}

static void mask(void **state)
{
	(void)state;
	expect_mask("320481199001040000", "320481************");
	expect_mask("11010519491231002X", "110105************");
	expect_mask("110105491231002", "110105*********");
	expect_mask("E12345678901234", "E12345*********"); /* 15: a long passport too */
	expect_mask("E1234567890123", "E************3");   /* 14 */
	expect_mask("E12345678", "E*******8");
	expect_mask("E1234567", "E******7"); /* 8 */
	expect_mask("E123456", "E******");   /* 7: the last goes */
	expect_mask("E1234", "E****");
	expect_mask("abcd", "****");
	expect_mask("abc", "***");
	expect_mask("AB", "**");
	expect_mask("A", "*");
	expect_mask("", "****");
	expect_mask(NULL, "****");
	expect_mask("1101-0519", "****");
	expect_mask("社渚镇社渚镇", "****");
	expect_mask("1234567890123456789012345678901234567890", "****"); /* 40 > max */

	char small[18]; /* one short for 18 + NUL */
	memset(small, 'x', sizeof small);
	idcard_mask("11010519491231002X", small, sizeof small);
	assert_string_equal(small, "");
	char tiny[4];
	idcard_mask(NULL, tiny, sizeof tiny);
	assert_string_equal(tiny, "");
	idcard_mask("11010519491231002X", NULL, 0); /* must not crash */
}

static void birth_year_shown(void **state)
{
	(void)state;
	assert_int_equal(idcard_birth_year_shown(19491231, TODAY), 1949);
	assert_int_equal(idcard_birth_year_shown(19191231, TODAY), 1919); /* before 1900 too */
	assert_int_equal(idcard_birth_year_shown(18800101, TODAY), 1880);
	/* 30 days before 2020-01-29 is 2019-12-30: 2019 is not yet over by then */
	assert_int_equal(idcard_birth_year_shown(20181231, TODAY), 2018);
	assert_int_equal(idcard_birth_year_shown(20190101, TODAY), 0);
	assert_int_equal(idcard_birth_year_shown(20191231, TODAY), 0);
	assert_int_equal(idcard_birth_year_shown(20200129, TODAY), 0);
	assert_int_equal(idcard_birth_year_shown(20190101, 20200130), 0);
	assert_int_equal(idcard_birth_year_shown(20190101, 20200131), 2019); /* 2020-01-01 */
	assert_int_equal(idcard_birth_year_shown(20200101, 20200301), 0);
	assert_int_equal(idcard_birth_year_shown(20200101, 20210130), 0);
	assert_int_equal(idcard_birth_year_shown(20200101, 20210131), 2020);
	assert_int_equal(idcard_birth_year_shown(20200229, 20210330), 2020);
	/* nonsense in, nothing out */
	assert_int_equal(idcard_birth_year_shown(0, TODAY), 0);
	assert_int_equal(idcard_birth_year_shown(20200130, TODAY), 0); /* after today */
	assert_int_equal(idcard_birth_year_shown(19490231, TODAY), 0);
	assert_int_equal(idcard_birth_year_shown(19491231, 0), 0);
	assert_int_equal(idcard_birth_year_shown(-19491231, TODAY), 0);
}

static uint64_t candidates(const char *pattern, int from, int to, char sex)
{
	struct idcard_view v = {pattern, from, to, sex};
	return idcard_mask_candidates(&v);
}

/* The counter itself, on cases small enough to count by hand. */
static void candidate_counter(void **state)
{
	(void)state;
	/* everything known: the number, once; with a wrong check, none */
	assert_int_equal(candidates("11010519491231002X", 0, TODAY, 0), 1);
	assert_int_equal(candidates("110105194912310021", 0, TODAY, 0), 0);
	assert_int_equal(candidates("11010519491231002X", 0, TODAY, 'M'), 0); /* 002 is F */
	assert_int_equal(candidates("11010519491231002X", 19500101, TODAY, 0), 0);
	/* one sequence digit hidden, check shown: weight 2 is a bijection mod 11 */
	assert_int_equal(candidates("1101051949123100*X", 0, TODAY, 0), 1);
	/* the check hidden: one number per choice of the others */
	assert_int_equal(candidates("1101051949123100**", 0, TODAY, 0), 10);
	assert_int_equal(candidates("1101051949123100**", 0, TODAY, 'F'), 5);
	assert_int_equal(candidates("110105194912310***", 0, TODAY, 0), 100);
	/* the day hidden: December has 31 days */
	assert_int_equal(candidates("110105194912**002*", 0, TODAY, 0), 31);
	assert_int_equal(candidates("110105194902**002*", 0, TODAY, 0), 28);
	assert_int_equal(candidates("110105200002**002*", 0, TODAY, 0), 29);
	assert_int_equal(candidates("110105202001**002*", 0, TODAY, 0), 29); /* up to today */
	/* year known, date hidden: a year of days times a thousand sequences */
	assert_int_equal(candidates("110105************", 19490101, 19491231, 0), 365000);
	assert_int_equal(candidates("110105************", 19480101, 19481231, 'M'), 183000);
	/* a 15-digit legacy number: 19YYMMDD, no check */
	assert_int_equal(candidates("110105491231002", 0, TODAY, 0), 1);
	assert_int_equal(candidates("110105******002", 19490101, 19491231, 0), 365);
	assert_int_equal(candidates("110105******002", 20000101, TODAY, 0), 0);
	/* other documents: ten per hidden character */
	assert_int_equal(candidates("E*******8", 0, 0, 0), 10000000);
	assert_int_equal(candidates("E****", 0, 0, 0), 10000);
	assert_true(candidates("******************************", 0, 0, 0) == UINT64_MAX);
	/* malformed */
	assert_int_equal(candidates(NULL, 0, TODAY, 0), 0);
	assert_int_equal(candidates("", 0, TODAY, 0), 0);
	assert_int_equal(candidates("1101051949123100X*", 0, TODAY, 0), 0);
	assert_int_equal(candidates("11010519491231002?", 0, TODAY, 0), 0);
	assert_int_equal(candidates("11010519491231002X", TODAY, 19000101, 0), 0);
	assert_int_equal(idcard_mask_candidates(NULL), 0);
}

/* What a reader without person.reveal learns of number on `today`: the mask with the
 * county of the address written in (the likeliest guess; the mask shows it anyway), the
 * sex and the birth year or, when that is withheld, that the birth is recent. */
static struct idcard_view reader_view(const char *number, int today, char *pattern)
{
	struct id_result r;
	struct idcard_view v = {pattern, 18000101, today, 0};
	int y;

	idcard_parse(number, ID_DOC_RESIDENT, today, &r);
	assert_true(idcard_ok(&r));
	idcard_mask(r.number, pattern, ID_NUMBER_MAX + 1);
	memcpy(pattern, r.region, 6);
	v.sex = r.sex;
	y = idcard_birth_year_shown(r.birth_y * 10000 + r.birth_m * 100 + r.birth_d, today);
	if (y) {
		v.born_from = y * 10000 + 101;
		v.born_to = y * 10000 + 1231;
	} else { /* withheld: born in the year of the day 30 days ago, or later */
		bool january = today / 100 % 100 == 1 && today % 100 <= 30;
		v.born_from = (today / 10000 - january) * 10000 + 101;
	}
	return v;
}

static char check_of(const char *first17)
{
	char c = '?';
	assert_true(idcard_check_char(first17, &c));
	return c;
}

static void expect_many(const char *number, int today)
{
	char pattern[ID_NUMBER_MAX + 1];
	struct idcard_view v = reader_view(number, today, pattern);
	uint64_t n = idcard_mask_candidates(&v);

	if (n < 10000)
		fail_msg("%s seen on %d as %s, born %d–%d, %c: only %llu candidates", number, today,
			 pattern, v.born_from, v.born_to, v.sex, (unsigned long long)n);
	v.pattern = number; /* and the real number is one of them */
	assert_int_equal(idcard_mask_candidates(&v), 1);
}

/* The finding of issue 8: the old mask (first 4, last 4) beside the full birth date left
 * the two county digits, which the check character settles. */
static void old_mask_was_rebuilt(void **state)
{
	(void)state;
	/* county unknown: 100 choices, about one in 11 passes the check */
	assert_true(candidates("1101**19491231002X", 19491231, 19491231, 'F') < 20);
	/* county guessed from the address: the number itself */
	assert_int_equal(candidates("11010519491231002X", 19491231, 19491231, 'F'), 1);
	/* the old mask fails even beside the birth year alone: 100 × 365 / 11 */
	assert_true(candidates("1101**********002X", 19490101, 19491231, 'F') < 10000);
	assert_true(candidates("110105********002X", 19490101, 19491231, 'F') < 100);
}

/* Every number a reader can meet keeps at least 10^4 candidates: many birth dates (every
 * day of 1948 and of 2019 with a newborn's edge around New Year), each sex, and days of
 * reading spread over the year. */
static void masks_leave_many(void **state)
{
	(void)state;
	static const int days[] = {20200101, 20200115, 20200129, 20200131, 20200201,
				   20200630, 20201231, 20210101, 20210130, 20210131};
	char first17[32];

	expect_many("11010519491231002X", TODAY);
	expect_many("440524188001010014", TODAY);
	expect_many("320481200002290015", TODAY);
	expect_many("810000199001010019", TODAY);
	for (size_t k = 0; k < sizeof days / sizeof days[0]; k++) {
		int today = days[k];
		for (int y = 1948; y <= today / 10000; y += y == 1948 ? 71 : 1)
			for (int m = 1; m <= 12; m++)
				for (int d = 1; d <= 31; d++) {
					int ymd = y * 10000 + m * 100 + d;
					char number[40];
					if (ymd > today || !date_valid(y, m, d))
						continue;
					snprintf(first17, sizeof first17, "320481%08d%03d", ymd,
						 (unsigned)(ymd * 7 + d) % 1000u);
					snprintf(number, sizeof number, "%s%c", first17,
						 check_of(first17));
					expect_many(number, today);
				}
	}
}

static void defect_texts(void **state)
{
	(void)state;
	assert_string_equal(id_defect_code(ID_BAD_CHECK), "id.check");
	assert_string_equal(id_defect_code(ID_BAD_BIRTH_DATE), "id.birth_date");
	assert_string_equal(id_defect_code(ID_NUMBER_MANGLED), "id.mangled");
	assert_string_equal(id_defect_zh(ID_BAD_CHECK), "身份证号校验位错误");
	assert_string_equal(id_defect_en(ID_BAD_CHECK), "wrong ID check character");
	assert_string_equal(id_defect_code((enum id_defect)99), "id.unknown");
	assert_non_null(id_defect_zh((enum id_defect) - 1));
	/* Every defect has its own code and two non-empty messages. */
	for (int a = ID_OK; a <= ID_LEGACY_15_UPGRADED; a++) {
		assert_true(strlen(id_defect_zh((enum id_defect)a)) > 0);
		assert_true(strlen(id_defect_en((enum id_defect)a)) > 0);
		assert_string_not_equal(id_defect_code((enum id_defect)a), "id.unknown");
		for (int b = a + 1; b <= ID_LEGACY_15_UPGRADED; b++)
			assert_string_not_equal(id_defect_code((enum id_defect)a),
						id_defect_code((enum id_defect)b));
	}
}

static void doc_names(void **state)
{
	(void)state;
	for (int d = ID_DOC_RESIDENT; d <= ID_DOC_OTHER; d++)
		assert_int_equal(id_doc_parse(id_doc_name((enum id_doc)d)), d);
	assert_string_equal(id_doc_name(ID_DOC_PASSPORT), "passport");
	assert_string_equal(id_doc_name((enum id_doc)42), "none");
	assert_int_equal(id_doc_parse("Passport"), ID_DOC_PASSPORT);
	assert_int_equal(id_doc_parse("ＲＥＳＩＤＥＮＴ"), ID_DOC_RESIDENT);
	assert_int_equal(id_doc_parse("身份证"), ID_DOC_RESIDENT);
	assert_int_equal(id_doc_parse(" 居民身份证 "), ID_DOC_RESIDENT);
	assert_int_equal(id_doc_parse("护照"), ID_DOC_PASSPORT);
	assert_int_equal(id_doc_parse("港澳通行证"), ID_DOC_HKMO_PASS);
	assert_int_equal(id_doc_parse("台胞证"), ID_DOC_TW_PASS);
	assert_int_equal(id_doc_parse("台湾居民来往大陆通行证"), ID_DOC_TW_PASS);
	assert_int_equal(id_doc_parse("港澳居民居住证"), ID_DOC_PERMIT_HK);
	assert_int_equal(id_doc_parse("台湾居民居住证"), ID_DOC_PERMIT_TW);
	assert_int_equal(id_doc_parse("none"), ID_DOC_NONE);
	assert_int_equal(id_doc_parse("驾驶证"), ID_DOC_NONE);
	assert_int_equal(id_doc_parse("passports"), ID_DOC_NONE);
	assert_int_equal(id_doc_parse("pass"), ID_DOC_NONE);
	assert_int_equal(id_doc_parse(""), ID_DOC_NONE);
	assert_int_equal(id_doc_parse(NULL), ID_DOC_NONE);
	char big[200];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(id_doc_parse(big), ID_DOC_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domain_examples),
		cmocka_unit_test(typed_forms),
		cmocka_unit_test(wrong_check),
		cmocka_unit_test(birth_dates),
		cmocka_unit_test(future_birth),
		cmocka_unit_test(legacy_15),
		cmocka_unit_test(residence_permits),
		cmocka_unit_test(excel_mangled),
		cmocka_unit_test(empty_and_length),
		cmocka_unit_test(hostile),
		cmocka_unit_test(other_documents),
		cmocka_unit_test(check_char),
		cmocka_unit_test(mask),
		cmocka_unit_test(birth_year_shown),
		cmocka_unit_test(candidate_counter),
		cmocka_unit_test(old_mask_was_rebuilt),
		cmocka_unit_test(masks_leave_many),
		cmocka_unit_test(defect_texts),
		cmocka_unit_test(doc_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
