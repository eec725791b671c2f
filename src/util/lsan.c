/* lsan — what LeakSanitizer (the ASan builds, whose test suites fail on any leak report)
 * is told to leave out: leaks inside two Debian libraries that no caller can free, and
 * nothing else. In a build without ASan this function is never called.
 * - libfreexl 1.0.6 loses one buffer (3,264 bytes) on some damaged .xls files, even after
 *   the freexl_close its documentation asks for on a failed open (tests/unit/test_xls.c
 *   finds it with flipped bytes): io/xls_reader.c.
 * - libxlsxwriter 1.1.4 (Debian 12, 13) loses one copy of a list's formula per drop-down
 *   (worksheet_data_validation_range copies it twice and frees one): tens of bytes per
 *   template: io/xlsx_template.c. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfreexl.so\n"
	       "leak:libxlsxwriter.so\n";
}
