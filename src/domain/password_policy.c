/*
 * password_policy — length, encoding, common passwords, patterns, username.
 *
 * Design: the password is decoded once into an array of code points (at most
 * PASSWORD_MAX_BYTES of them, on the stack), and every later rule works on
 * that array, so length is counted in characters and no rule can be fooled by
 * multi-byte input. Before the weakness rules we fold full-width ASCII
 * (U+FF01–FF5E, what a Chinese IME types in full-width mode) and the
 * ideographic space to ASCII, and ASCII letters to lower case: "１２３４５６７８９０"
 * and "QWERTYUIOP" are the same weak password as their plain forms.
 *
 * The common list is embedded, sorted by byte value and searched with
 * bsearch(); it holds only entries of PASSWORD_MIN_CHARS or more characters,
 * since shorter ones are already refused. Sources: entries of 10+ characters
 * from SecLists' Chinese top-10000 and 10k-most-common lists (obscene ones
 * left out), keyboard walks, vendor/admin defaults, pinyin love phrases, and
 * this system's own name. Regenerate with `LC_ALL=C sort -u` after editing.
 *
 * Patterns catch what no list can enumerate: a short unit repeated
 * ("aaaaaaaaaa", "1212121212", "abcabcabca") and a run along a sequence in
 * one direction ("2345678901", "poiuytrewq", "abcdefghijk").
 */
#include "domain/password_policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/text.h"

#define REPEAT_UNIT_MAX 4 /* "abcdabcdab" is still a pattern; 5 is a judgement call */

struct text {
	uint32_t cp[PASSWORD_MAX_BYTES];
	size_t len;
};

static const char *const common_passwords[] = {
	"!@#$%^&*()",
	"!qaz2wsx3edc",
	"!qaz@wsx#edc",
	"0000000000",
	"0123456789",
	"0147258369",
	"0147896325",
	"0987654321",
	"1029384756",
	"1111111111",
	"111111111111",
	"1111111111111111",
	"1111122222",
	"1122334455",
	"112233445566",
	"1123581321",
	"1212121212",
	"1213141516",
	"1231231230",
	"123123123123",
	"123123123a",
	"1231512315",
	"123321123321",
	"1233211234567",
	"1234512345",
	"1234554321",
	"1234560123",
	"123456123456",
	"123456654321",
	"123456789*",
	"123456789+",
	"123456789.",
	"1234567890",
	"1234567890-=",
	"1234567890.",
	"12345678900",
	"123456789000",
	"1234567890123",
	"1234567890a",
	"1234567890q",
	"1234567891",
	"12345678910",
	"123456789123",
	"1234567899",
	"123456789987",
	"123456789a",
	"123456789aa",
	"123456789aaa",
	"123456789abc",
	"123456789asd",
	"123456789q",
	"123456789qaz",
	"123456789qq",
	"123456789qwe",
	"123456789w",
	"123456789z",
	"123456789zxc",
	"123456abcd",
	"12345abcde",
	"12345qwert",
	"1234qwerasdf",
	"1234qwerasdfzxcv",
	"1236987450",
	"123qweasdzxc",
	"1314520123",
	"13145201314520",
	"1314520520",
	"1314woaini",
	"1346798520",
	"1357913579",
	"1357924680",
	"13579246810",
	"13800138000",
	"1415926535",
	"1472583690",
	"147258369a",
	"18n28n24a5",
	"1928374655",
	"1a2b3c4d5e",
	"1q2w3e4r5t",
	"1q2w3e4r5t6y",
	"1q2w3e4r5t6y7u",
	"1q2w3e4r5t6y7u8i",
	"1q2w3e4r5t6y7u8i9o0p",
	"1qaz2wsx3edc",
	"1qaz2wsx3edc4rfv",
	"1qaz@wsx#edc",
	"1qaz@wsx3edc",
	"1qazxsw23edc",
	"2008520085",
	"2222222222",
	"2582587758",
	"3141592653",
	"31415926535",
	"3141592654",
	"5201314123",
	"52013141314",
	"52013143344",
	"5201314520",
	"52013145201314",
	"5201314789",
	"5205201314",
	"5211314521",
	"5555555555",
	"5841314520",
	"5841314521",
	"5845131421",
	"5845201314",
	"5845203344",
	"5845211314",
	"5845213344",
	"7410852963",
	"7418529630",
	"7708801314520",
	"77582581314258",
	"7758258258",
	"7758258520",
	"7758521123",
	"77585211314",
	"7758521521",
	"77585217758521",
	"7894561230",
	"8008208820",
	"8888888888",
	"9638527410",
	"9876543210",
	"9999999999",
	"a123123123",
	"a123456789",
	"a1234567890",
	"a147258369",
	"a1b2c3d4e5",
	"aa123456789",
	"aaaaaaaaaa",
	"abc1234567",
	"abc12345678",
	"abc123456789",
	"abc@123456",
	"abcd123456",
	"abcd1234567",
	"abcd12345678",
	"abcd@123456",
	"abcde12345",
	"abcdefg123",
	"abcdefghij",
	"absolutely",
	"admin12345",
	"admin123456",
	"admin1234567",
	"admin123456789",
	"admin@1234",
	"admin@12345",
	"admin@123456",
	"administrator",
	"administrator1",
	"administrator123",
	"aidejiushini",
	"aini1314520",
	"aini5201314",
	"ainibubian",
	"ainiyiwannian",
	"anycall123",
	"as123456789",
	"asd123456789",
	"asdf123456",
	"asdf@12345",
	"asdfg12345",
	"asdfghjkl1",
	"asdfghjkl123",
	"baishikele",
	"baseball123",
	"basketball",
	"beijing2008",
	"butterfly1",
	"california",
	"changeme123",
	"charlie123",
	"cheerleader",
	"chengcheng",
	"chocolate1",
	"christopher",
	"correcthorsebatterystaple",
	"daohaosiquanjia",
	"dragonball",
	"enterprise",
	"experience",
	"fangkong123",
	"fangkong1234",
	"fangkong2020",
	"fangkong@123",
	"football123",
	"guest12345",
	"haohaoxuexi",
	"hellokitty",
	"highlander",
	"huawei12345",
	"huawei@123",
	"huawei@1234",
	"iloveyou12",
	"iloveyou123",
	"iloveyou1234",
	"iloveyou1314",
	"iloveyou520",
	"jesuschrist",
	"jiangjiang",
	"jiushiaini",
	"kobebryant",
	"laopowoaini",
	"letmein123",
	"letmein1234",
	"liangliang",
	"liverpool1",
	"love5201314",
	"loveyou1314",
	"manchester",
	"manchesterunited",
	"meiyoumima",
	"menghuanxiyou",
	"mima123456",
	"mmgg168168",
	"monkey12345",
	"mychemicalromance",
	"nobodywillknowthispwd",
	"nuttertools",
	"p@ssw0rd123",
	"p@ssw0rd1234",
	"p@ssword123",
	"passw0rd123",
	"passw0rd1234",
	"password12",
	"password123",
	"password1234",
	"password12345",
	"password123456",
	"password2019",
	"password2020",
	"passwordpassword",
	"playstation",
	"primetime21",
	"princess123",
	"q123456789",
	"q1w2e3r4t5",
	"q1w2e3r4t5y6",
	"qaz123456789",
	"qaz@123456",
	"qazwsx123456",
	"qazwsxedc123",
	"qazwsxedcrfv",
	"qazxswedc123",
	"qiangqiang",
	"qq123456789",
	"qqqqqqqqqq",
	"qwe1234567",
	"qwe123456789",
	"qweasdzxc123",
	"qwer123456",
	"qwer1234567",
	"qwer@12345",
	"qwert12345",
	"qwerty1234",
	"qwerty12345",
	"qwerty123456",
	"qwertyuiop",
	"qwertyuiop1",
	"qwertyuiop123",
	"realmadrid",
	"root123456",
	"root1234567",
	"root@12345",
	"s123456789",
	"scandinavian",
	"shuaishuai",
	"snooker123",
	"spongebob1",
	"starwars123",
	"strawberry",
	"sunshine123",
	"superman123",
	"supervisor",
	"sweetheart",
	"tequieromucho",
	"test123456",
	"test1234567",
	"test@12345",
	"tinkerbell",
	"unbelievable",
	"undertaker",
	"university",
	"user123456",
	"w123456789",
	"washington",
	"welcome123",
	"welcome1234",
	"welcome@123",
	"woaini123456",
	"woaini1314",
	"woaini1314520",
	"woaini5201314",
	"woainilaopo",
	"woainimama",
	"woainiwoaini",
	"woaiwojia123",
	"woaiwolaopo",
	"woaiwoziji",
	"woaizhongguo",
	"wobuzhidao",
	"wojiushiwo",
	"woshitiancai",
	"x123456789",
	"xiangxiang",
	"y123456789",
	"yongyuanaini",
	"z123456789",
	"zaq12wsxcde3",
	"zaq1xsw2cde3",
	"zhangcheng",
	"zhangliang",
	"zhangqiang",
	"zhangshuai",
	"zhangxiang",
	"zhangzhang",
	"zhendeaini",
	"zhimakaimen",
	"zhongguo123",
	"zhongguoren",
	"zhoujielun",
	"zxc123456789",
	"zxcv@12345",
	"zxcvbnm,./",
	"zxcvbnm123",
	"zxcvbnm1234",
};

/* Sequences people walk along; digits wrap ("7890123456"), the others do not. */
static const struct {
	const char *chars;
	bool wraps;
} sequences[] = {
	{"0123456789", true},  {"abcdefghijklmnopqrstuvwxyz", false},
	{"qwertyuiop", false}, {"asdfghjkl", false},
	{"zxcvbnm", false},
};

static bool is_continuation(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

/* Decodes one UTF-8 sequence at s into *cp; returns its length, or 0 when it
 * is malformed, overlong, a surrogate or beyond U+10FFFF. A NUL byte is never
 * a continuation, so this never reads past the string's end. */
static size_t decode_one(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF && is_continuation(s[1])) {
		*cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] >= 0xE0 && s[0] <= 0xEF && is_continuation(s[1]) && is_continuation(s[2])) {
		*cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		bool surrogate = *cp >= 0xD800 && *cp <= 0xDFFF;
		return *cp >= 0x800 && !surrogate ? 3 : 0;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4 && is_continuation(s[1]) && is_continuation(s[2]) &&
	    is_continuation(s[3])) {
		*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
		      (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		return *cp >= 0x10000 && *cp <= 0x10FFFF ? 4 : 0;
	}
	return 0;
}

/* C0 controls, DEL and C1 controls: nobody types them on purpose, and a
 * pasted one (tab, newline) would make the password impossible to type again. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Decodes s (already known to be at most PASSWORD_MAX_BYTES bytes) into t. */
static bool decode(const char *s, struct text *t)
{
	const unsigned char *p = (const unsigned char *)s;
	t->len = 0;
	while (*p != '\0') {
		uint32_t cp;
		size_t used = decode_one(p, &cp);
		if (used == 0 || is_control(cp))
			return false;
		t->cp[t->len++] = cp;
		p += used;
	}
	return true;
}

/* Full-width ASCII and the ideographic space to ASCII, then A–Z to a–z. */
static uint32_t fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFF01 - 0x21;
	else if (cp == 0x3000)
		cp = ' ';
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	return cp;
}

static int compare_entry(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

/* Looks t up in the common list; only all-ASCII text can be on it. */
static bool on_common_list(const struct text *t)
{
	char ascii[PASSWORD_MAX_BYTES + 1];
	for (size_t i = 0; i < t->len; i++) {
		if (t->cp[i] >= 0x80)
			return false;
		ascii[i] = (char)t->cp[i];
	}
	ascii[t->len] = '\0';
	return bsearch(ascii, common_passwords,
		       sizeof common_passwords / sizeof common_passwords[0],
		       sizeof common_passwords[0], compare_entry) != NULL;
}

/* True when t is a unit of at most REPEAT_UNIT_MAX characters repeated. */
static bool is_repeat(const struct text *t)
{
	for (size_t unit = 1; unit <= REPEAT_UNIT_MAX && unit < t->len; unit++) {
		size_t i = unit;
		while (i < t->len && t->cp[i] == t->cp[i - unit])
			i++;
		if (i == t->len)
			return true;
	}
	return false;
}

/* Position of cp in seq, or -1. */
static int index_in(const char *seq, uint32_t cp)
{
	const char *hit = cp < 0x80 && cp != 0 ? strchr(seq, (int)cp) : NULL;
	return hit == NULL ? -1 : (int)(hit - seq);
}

/* True when every character of t is one step (of the same sign) further along
 * the sequence than the one before. */
static bool walks(const struct text *t, const char *seq, bool wraps)
{
	int n = (int)strlen(seq);
	int prev = index_in(seq, t->cp[0]);
	int step = t->len > 1 ? index_in(seq, t->cp[1]) - prev : 0;
	if (prev < 0)
		return false;
	if (wraps && (step == n - 1 || step == 1 - n))
		step = step > 0 ? -1 : 1;
	if (step != 1 && step != -1)
		return false;
	for (size_t i = 1; i < t->len; i++) {
		int next = wraps ? ((prev + step) % n + n) % n : prev + step;
		if (next < 0 || next >= n || index_in(seq, t->cp[i]) != next)
			return false;
		prev = next;
	}
	return true;
}

static bool is_sequence(const struct text *t)
{
	for (size_t i = 0; i < sizeof sequences / sizeof sequences[0]; i++)
		if (walks(t, sequences[i].chars, sequences[i].wraps))
			return true;
	return false;
}

/* Case-insensitive (ASCII) search for username in folded text t. */
static bool contains_username(const struct text *t, const char *username)
{
	struct text name;
	if (username == NULL || !text_fits(username, PASSWORD_MAX_BYTES) ||
	    !decode(username, &name))
		return false;
	if (name.len < PASSWORD_USERNAME_MIN_CHARS || name.len > t->len)
		return false;
	for (size_t i = 0; i < name.len; i++)
		name.cp[i] = fold(name.cp[i]);
	for (size_t at = 0; at + name.len <= t->len; at++)
		if (memcmp(&t->cp[at], name.cp, name.len * sizeof name.cp[0]) == 0)
			return true;
	return false;
}

enum password_verdict password_check(const char *password, const char *username)
{
	struct text t;
	if (password == NULL)
		return PASSWORD_TOO_SHORT;
	if (!text_fits(password, PASSWORD_MAX_BYTES))
		return PASSWORD_TOO_LONG;
	if (!decode(password, &t))
		return PASSWORD_BAD_ENCODING;
	if (t.len < PASSWORD_MIN_CHARS)
		return PASSWORD_TOO_SHORT;
	for (size_t i = 0; i < t.len; i++)
		t.cp[i] = fold(t.cp[i]);
	if (on_common_list(&t) || is_repeat(&t) || is_sequence(&t))
		return PASSWORD_COMMON;
	if (contains_username(&t, username))
		return PASSWORD_LIKE_USERNAME;
	return PASSWORD_OK;
}
