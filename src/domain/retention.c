/* retention — see retention.h. */
#include "domain/retention.h"

#include <stdio.h>
#include <string.h>

static const char *const cat_names[RET_NCAT] = {"person", "checkpoint", "closure",
						"duty",   "outbound",   "import"};

/* Compound surnames (复姓) of the Hundred Family Surnames and those common today. */
static const char *const compound[] = {
	"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",     "宇文",
	"司徒", "司空", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里",     "呼延",
	"万俟", "闻人", "赫连", "公羊", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于",     "太叔",
	"申屠", "仲孙", "钟离", "鲜于", "闾丘", "亓官", "司寇", "子车", "颛孙", "巫马",     "公西",
	"漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁", "段干", "东郭",     "南门",
	"羊舌", "微生", "梁丘", "左丘", "东门", "第五", "达奚", "纳兰", "完颜", "爱新觉罗",
};

const char *retention_cat_name(enum retention_cat c)
{
	return (int)c >= 0 && c < RET_NCAT ? cat_names[c] : NULL;
}

int retention_cat_parse(const char *name)
{
	for (int i = 0; name && i < RET_NCAT; i++)
		if (!strcmp(name, cat_names[i]))
			return i;
	return -1;
}

void retention_policy_default(struct retention_policy *p)
{
	for (int i = 0; i < RET_NCAT; i++)
		p->days[i] = RETENTION_DAYS_DEFAULT;
	p->run_hour = RETENTION_HOUR_DEFAULT;
}

bool retention_days_valid(long long days)
{
	return days >= RETENTION_DAYS_MIN && days <= RETENTION_DAYS_MAX;
}

bool retention_hour_valid(long long hour)
{
	return hour >= 0 && hour <= 23;
}

static int64_t max3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a > b ? a : b;

	return m > c ? m : c;
}

int64_t retention_person_end(int64_t created_at, int64_t updated_at, int64_t last_task_closed,
			     int64_t last_obs_ended)
{
	int64_t m = max3(created_at, updated_at, last_task_closed);

	return m > last_obs_ended ? m : last_obs_ended;
}

bool retention_status_open(const char *status)
{
	/* the same list as sq_retention.c's P_CLOSED */
	return status && (!strcmp(status, "to_place") || !strcmp(status, "observation"));
}

int64_t retention_due(int64_t end_at, bool open, int days)
{
	if (open)
		return INT64_MAX;
	return end_at + (int64_t)days * RETENTION_DAY_S;
}

int64_t retention_cutoff(int64_t now, int days)
{
	return now - (int64_t)days * RETENTION_DAY_S;
}

enum { LOCAL_OFFSET_S = 8 * 3600 };

int64_t retention_epoch_day(int64_t t)
{
	return (t + LOCAL_OFFSET_S) / RETENTION_DAY_S;
}

int64_t retention_preview_shift(int days, int run_hour)
{
	return (int64_t)days * RETENTION_DAY_S + LOCAL_OFFSET_S - (int64_t)run_hour * 3600 +
	       RETENTION_DAY_S - 1;
}

int64_t retention_run_day(int64_t due, int run_hour)
{
	return (due + LOCAL_OFFSET_S - (int64_t)run_hour * 3600 + RETENTION_DAY_S - 1) /
	       RETENTION_DAY_S;
}

int retention_local_hour(int64_t t)
{
	int64_t s = (t + LOCAL_OFFSET_S) % RETENTION_DAY_S;

	return (int)((s < 0 ? s + RETENTION_DAY_S : s) / 3600);
}

bool retention_daily_due(int local_hour, int run_hour, int today, int last_day)
{
	return local_hour >= run_hour && last_day < today;
}

/* The byte length of the UTF-8 character at s (1 for a stray byte, 0 at the end). */
static size_t char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

	if (!c)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

static const char mou[] = "某";

void retention_name(const char *name, char *out, size_t size)
{
	size_t n = 0;

	if (!size)
		return;
	out[0] = '\0';
	if (!name)
		return;
	while (*name == ' ')
		name++;
	if (!*name)
		return;
	for (size_t i = 0; i < sizeof compound / sizeof compound[0]; i++)
		if (!strncmp(name, compound[i], strlen(compound[i]))) {
			n = strlen(compound[i]);
			break;
		}
	if (!n)
		n = char_len(name);
	if (n + sizeof mou > size)
		return;
	memcpy(out, name, n);
	memcpy(out + n, mou, sizeof mou);
}

/* Appends s to out (len bytes used) cut at a character boundary; the new length. */
static size_t append(char *out, size_t len, size_t size, const char *s)
{
	while (s && *s) {
		size_t n = char_len(s);
		if (len + n + 1 > size)
			break;
		memcpy(out + len, s, n);
		len += n;
		s += n;
	}
	out[len] = '\0';
	return len;
}

void retention_address(const char *township, const char *village, char *out, size_t size)
{
	size_t len;

	if (!size)
		return;
	out[0] = '\0';
	len = append(out, 0, size, township);
	append(out, len, size, village);
}

int retention_birth(int birth)
{
	if (birth <= 0)
		return 0;
	return birth / 10000 * 10000 + 101;
}
