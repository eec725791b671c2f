/* report — see report.h. The figures are a table (key, labels) and one function that
 * derives them all from the kept counts, so the API, the table and the sentence cannot
 * disagree on what a figure means. */
#include "domain/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain/observation.h"

bool report_cutoff_ok(int minute)
{
	return minute == 16 * 60 || minute == 18 * 60 || minute == 24 * 60;
}

int report_cutoff_of(const struct report_cutoff *s, size_t n, int day)
{
	int minute = REPORT_CUTOFF_DEFAULT;

	for (size_t i = 0; i < n && s[i].from_day <= day; i++)
		minute = s[i].minute;
	return minute;
}

int64_t report_deadline(const struct report_cutoff *s, size_t n, int day)
{
	return obs_midnight(day) + (int64_t)report_cutoff_of(s, n, day) * 60;
}

/* Every deadline falls in (midnight starting D, midnight ending D], so the window holding
 * t is that of t's local date or of the next one. */
int report_day(const struct report_cutoff *s, size_t n, int64_t t)
{
	int d = obs_local_date(t);

	return t < report_deadline(s, n, d) ? d : obs_date_add(d, 1);
}

/* ---- the figures ---- */

static const char *const metric_names[RM__COUNT] = {
	[RM_PUSHED] = "pushed",
	[RM_PUSHED_KEY] = "pushed_key",
	[RM_VERIFIED] = "verified",
	[RM_FORWARDED] = "forwarded",
	[RM_OBS_STARTED] = "obs_started",
	[RM_OBS_ENDED] = "obs_ended",
	[RM_OBS_RELEASED] = "obs_released",
	[RM_FEVER] = "fever",
	[RM_REFERRED] = "referred",
	[RM_SERVICE_OPENED] = "service_opened",
	[RM_SERVICE_DONE] = "service_done",
	[RM_CP_VEHICLE] = "cp_vehicle",
	[RM_CP_PERSON] = "cp_person",
	[RM_CP_TURNED_BACK] = "cp_turned_back",
	[RM_CP_CLINIC] = "cp_clinic",
	[RM_CP_HANDOVER] = "cp_handover",
	[RM_GATE_EXIT] = "gate_exit",
	[RM_GATE_REFUSED] = "gate_refused",
	[RM_DUTY_MATTER] = "duty_matter",
};

const char *report_metric_name(enum report_metric m)
{
	return (unsigned)m < RM__COUNT ? metric_names[m] : NULL;
}

int report_metric_of(const char *name)
{
	for (int m = 0; name && m < RM__COUNT; m++)
		if (strcmp(metric_names[m], name) == 0)
			return m;
	return -1;
}

static const struct report_fig_def figs[RF__COUNT] = {
	[RF_SCREENED_TOTAL] = {"screened_total", "累计排查", "screened in all"},
	[RF_SCREENED_NEW] = {"screened_new", "今日新增排查", "screened today"},
	[RF_KEY_AREA_TOTAL] = {"key_area_total", "累计来自重点地区", "from key areas in all"},
	[RF_KEY_AREA_NEW] = {"key_area_new", "今日新增来自重点地区", "from key areas today"},
	[RF_VERIFIED_TOTAL] = {"verified_total", "累计核实", "verified in all"},
	[RF_VERIFIED_NEW] = {"verified_new", "今日核实", "verified today"},
	[RF_FORWARDED_NEW] = {"forwarded_new", "今日转交外地", "forwarded today"},
	[RF_OBSERVATION_ACTIVE] = {"observation_active", "正在居家观察", "under home observation"},
	[RF_OBSERVATION_NEW] = {"observation_new", "今日新增居家观察", "placed today"},
	[RF_OBSERVATION_RELEASED] = {"observation_released", "今日解除观察", "released today"},
	[RF_OBSERVATION_TOTAL] = {"observation_total", "累计居家观察", "observed in all"},
	[RF_FEVER_NEW] = {"fever_new", "今日新增发热", "fevers today"},
	[RF_FEVER_TOTAL] = {"fever_total", "累计发热", "fevers in all"},
	[RF_REFERRED_NEW] = {"referred_new", "今日转诊", "referred today"},
	[RF_SERVICES_NEW] = {"services_new", "今日服务请求", "service requests today"},
	[RF_SERVICES_DONE] = {"services_done", "今日服务完成", "services delivered today"},
	[RF_TASKS_OVERDUE] = {"tasks_overdue", "超时未核查", "tasks overdue"},
	[RF_TO_PLACE] = {"to_place", "待落实居家观察", "to be placed"},
	[RF_VISITS_DUE] = {"visits_due", "今日应随访", "visits due today"},
	[RF_VISITS_DONE] = {"visits_done", "今日已随访", "visits done today"},
	[RF_CP_VEHICLES_TOTAL] = {"checkpoint_vehicles_total", "卡口累计检查车辆",
				  "vehicles checked at checkpoints in all"},
	[RF_CP_VEHICLES_NEW] = {"checkpoint_vehicles_new", "卡口今日检查车辆",
				"vehicles checked at checkpoints today"},
	[RF_CP_PERSONS_TOTAL] = {"checkpoint_persons_total", "卡口累计检查人员",
				 "persons checked at checkpoints in all"},
	[RF_CP_PERSONS_NEW] = {"checkpoint_persons_new", "卡口今日检查人员",
			       "persons checked at checkpoints today"},
	[RF_CP_TURNED_BACK_NEW] = {"checkpoint_turned_back_new", "卡口今日劝返",
				   "turned back at checkpoints today"},
	[RF_CP_CLINIC_NEW] = {"checkpoint_clinic_new", "卡口今日送发热门诊",
			      "sent to a fever clinic from checkpoints today"},
	[RF_CP_HANDOVER_NEW] = {"checkpoint_handover_new", "卡口今日移交属地",
				"handed over from checkpoints today"},
	[RF_GATE_EXITS_NEW] = {"gate_exits_new", "封闭区域今日外出人次",
			       "exits from closed areas today"},
	[RF_GATE_REFUSED_NEW] = {"gate_refused_new", "封闭区域今日劝阻外出",
				 "passings refused at closed areas' gates today"},
	[RF_DUTY_MATTERS_NEW] = {"duty_matters_new", "今日值班受理事项",
				 "calls and reports taken on duty today"},
};

const struct report_fig_def *report_fig_def(enum report_fig f)
{
	return (unsigned)f < RF__COUNT ? &figs[f] : NULL;
}

int report_fig_of(const char *key)
{
	for (int f = 0; key && f < RF__COUNT; f++)
		if (strcmp(figs[f].key, key) == 0)
			return f;
	return -1;
}

void report_figures(const struct report_counts *c, int64_t out[RF__COUNT])
{
	out[RF_SCREENED_TOTAL] = c->total[RM_PUSHED];
	out[RF_SCREENED_NEW] = c->day[RM_PUSHED];
	out[RF_KEY_AREA_TOTAL] = c->total[RM_PUSHED_KEY];
	out[RF_KEY_AREA_NEW] = c->day[RM_PUSHED_KEY];
	out[RF_VERIFIED_TOTAL] = c->total[RM_VERIFIED];
	out[RF_VERIFIED_NEW] = c->day[RM_VERIFIED];
	out[RF_FORWARDED_NEW] = c->day[RM_FORWARDED];
	/* under observation at the cut-off: every start up to it less every end */
	out[RF_OBSERVATION_ACTIVE] = c->total[RM_OBS_STARTED] - c->total[RM_OBS_ENDED];
	out[RF_OBSERVATION_NEW] = c->day[RM_OBS_STARTED];
	out[RF_OBSERVATION_RELEASED] = c->day[RM_OBS_RELEASED];
	out[RF_OBSERVATION_TOTAL] = c->total[RM_OBS_STARTED];
	out[RF_FEVER_NEW] = c->day[RM_FEVER];
	out[RF_FEVER_TOTAL] = c->total[RM_FEVER];
	out[RF_REFERRED_NEW] = c->day[RM_REFERRED];
	out[RF_SERVICES_NEW] = c->day[RM_SERVICE_OPENED];
	out[RF_SERVICES_DONE] = c->day[RM_SERVICE_DONE];
	out[RF_TASKS_OVERDUE] = c->tasks_overdue;
	out[RF_TO_PLACE] = c->to_place;
	out[RF_VISITS_DUE] = c->visits_due;
	out[RF_VISITS_DONE] = c->visits_done;
	out[RF_CP_VEHICLES_TOTAL] = c->total[RM_CP_VEHICLE];
	out[RF_CP_VEHICLES_NEW] = c->day[RM_CP_VEHICLE];
	out[RF_CP_PERSONS_TOTAL] = c->total[RM_CP_PERSON];
	out[RF_CP_PERSONS_NEW] = c->day[RM_CP_PERSON];
	out[RF_CP_TURNED_BACK_NEW] = c->day[RM_CP_TURNED_BACK];
	out[RF_CP_CLINIC_NEW] = c->day[RM_CP_CLINIC];
	out[RF_CP_HANDOVER_NEW] = c->day[RM_CP_HANDOVER];
	out[RF_GATE_EXITS_NEW] = c->day[RM_GATE_EXIT];
	out[RF_GATE_REFUSED_NEW] = c->day[RM_GATE_REFUSED];
	out[RF_DUTY_MATTERS_NEW] = c->day[RM_DUTY_MATTER];
}

void report_series(const int64_t before[RM__COUNT], const int64_t (*day)[RM__COUNT], size_t ndays,
		   int64_t (*fig)[RF__COUNT])
{
	struct report_counts c;

	memset(&c, 0, sizeof c);
	memcpy(c.total, before, sizeof c.total);
	for (size_t i = 0; i < ndays; i++) {
		for (int m = 0; m < RM__COUNT; m++) {
			c.day[m] = day[i][m];
			c.total[m] += day[i][m];
		}
		report_figures(&c, fig[i]);
	}
}

/* ---- completeness and timeliness ---- */

double report_rate(int64_t part, int64_t expected)
{
	if (expected <= 0)
		return 0;
	/* rounded to one decimal, so that the API, the table and the page show one number */
	return (double)((part * 1000 + expected / 2) / expected) / 10.0;
}

bool report_on_time(const struct report_cutoff *s, size_t n, int day, int64_t at)
{
	return at < report_deadline(s, n, day);
}

/* ---- the sentence ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

const char *report_area_word(const char *name)
{
	/* the longest official suffixes first: 街道办事处 before 处, 村民委员会 before 会 */
	static const struct {
		const char *suffix, *word;
	} words[] = {
		{"街道办事处", "全街道"}, {"街道", "全街道"},     {"社区居民委员会", "全社区"},
		{"社区居委会", "全社区"}, {"社区", "全社区"},     {"居民委员会", "全社区"},
		{"居委会", "全社区"},     {"村民委员会", "全村"}, {"村委会", "全村"},
		{"村", "全村"},           {"县", "全县"},         {"市", "全市"},
		{"区", "全区"},           {"镇", "全镇"},         {"乡", "全乡"},
	};

	for (size_t i = 0; name && i < sizeof words / sizeof words[0]; i++)
		if (ends_with(name, words[i].suffix))
			return words[i].word;
	return "全辖区";
}

/* Bytes of the UTF-8 character that starts with byte c (1 for a stray byte). */
static size_t char_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

void report_subject_default(const char *county_name, char *out, size_t cap)
{
	size_t k = county_name && *county_name ? char_len((unsigned char)*county_name) : 0;

	if (k > strlen(county_name ? county_name : ""))
		k = 0;
	snprintf(out, cap, "重点地区来%.*s人员", (int)k, k ? county_name : "");
	if (!k)
		snprintf(out, cap, "重点人员");
}

struct text {
	char *p;
	size_t cap, len;
	bool cut;
};

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->cut)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		/* too long: end at the last whole character */
		size_t end = t->len;
		while (end < t->cap - 1) {
			size_t k = char_len((unsigned char)t->p[end]);
			if (t->p[end] == '\0' || end + k > t->cap - 1)
				break;
			end += k;
		}
		t->p[end] = '\0';
		t->len = end;
		t->cut = true;
		return;
	}
	t->len += (size_t)n;
}

static void sentence_zh(struct text *t, const struct report_sentence_in *in)
{
	const int64_t *f = in->fig;

	put(t, "截至%d月%d日%d时，%s累计排查%s%lld人，今日新增%lld人；累计核实%lld人",
	    in->day / 100 % 100, in->day % 100, in->cutoff_minute / 60, in->area_word, in->subject,
	    (long long)f[RF_SCREENED_TOTAL], (long long)f[RF_SCREENED_NEW],
	    (long long)f[RF_VERIFIED_TOTAL]);
	if (f[RF_TASKS_OVERDUE] > 0)
		put(t, "，超时未核查%lld人", (long long)f[RF_TASKS_OVERDUE]);
	put(t, "；正在居家观察%lld人，今日新增%lld人，解除观察%lld人",
	    (long long)f[RF_OBSERVATION_ACTIVE], (long long)f[RF_OBSERVATION_NEW],
	    (long long)f[RF_OBSERVATION_RELEASED]);
	if (f[RF_TO_PLACE] > 0)
		put(t, "，待落实居家观察%lld人", (long long)f[RF_TO_PLACE]);
	/* the checkpoints' figures, once there are any ("累计检查车辆3658辆、人员4926人") */
	if (f[RF_CP_VEHICLES_TOTAL] > 0)
		put(t, "；卡口累计检查车辆%lld辆、人员%lld人，今日检查车辆%lld辆、人员%lld人，劝返%lld人",
		    (long long)f[RF_CP_VEHICLES_TOTAL], (long long)f[RF_CP_PERSONS_TOTAL],
		    (long long)f[RF_CP_VEHICLES_NEW], (long long)f[RF_CP_PERSONS_NEW],
		    (long long)f[RF_CP_TURNED_BACK_NEW]);
	if (f[RF_FEVER_TOTAL] == 0)
		put(t, "；尚未发现发热人员。");
	else if (f[RF_FEVER_NEW] == 0)
		put(t, "；今日无新增发热人员。");
	else
		put(t, "；今日新增发热人员%lld人，已转诊%lld人。", (long long)f[RF_FEVER_NEW],
		    (long long)f[RF_REFERRED_NEW]);
}

static void sentence_en(struct text *t, const struct report_sentence_in *in)
{
	static const char *const months[] = {"January",   "February", "March",    "April",
					     "May",       "June",     "July",     "August",
					     "September", "October",  "November", "December"};
	const int64_t *f = in->fig;
	int month = in->day / 100 % 100;

	put(t,
	    "As of %02d:00 on %d %s: %lld persons screened in all, %lld new today; %lld verified",
	    in->cutoff_minute / 60, in->day % 100,
	    months[(month >= 1 && month <= 12 ? month : 1) - 1], (long long)f[RF_SCREENED_TOTAL],
	    (long long)f[RF_SCREENED_NEW], (long long)f[RF_VERIFIED_TOTAL]);
	if (f[RF_TASKS_OVERDUE] > 0)
		put(t, ", %lld overdue", (long long)f[RF_TASKS_OVERDUE]);
	put(t, "; %lld under home observation, %lld placed and %lld released today",
	    (long long)f[RF_OBSERVATION_ACTIVE], (long long)f[RF_OBSERVATION_NEW],
	    (long long)f[RF_OBSERVATION_RELEASED]);
	if (f[RF_TO_PLACE] > 0)
		put(t, ", %lld to be placed", (long long)f[RF_TO_PLACE]);
	if (f[RF_CP_VEHICLES_TOTAL] > 0)
		put(t,
		    "; checkpoints checked %lld vehicles and %lld persons in all, %lld vehicles and "
		    "%lld persons today, %lld turned back",
		    (long long)f[RF_CP_VEHICLES_TOTAL], (long long)f[RF_CP_PERSONS_TOTAL],
		    (long long)f[RF_CP_VEHICLES_NEW], (long long)f[RF_CP_PERSONS_NEW],
		    (long long)f[RF_CP_TURNED_BACK_NEW]);
	if (f[RF_FEVER_TOTAL] == 0)
		put(t, "; no fever found so far.");
	else if (f[RF_FEVER_NEW] == 0)
		put(t, "; no new fever today.");
	else
		put(t, "; %lld new fevers today, %lld referred.", (long long)f[RF_FEVER_NEW],
		    (long long)f[RF_REFERRED_NEW]);
}

bool report_sentence(const struct report_sentence_in *in, char *out, size_t cap)
{
	struct text t = {out, cap, 0, false};

	if (!cap)
		return false;
	out[0] = '\0';
	if (in->en)
		sentence_en(&t, in);
	else
		sentence_zh(&t, in);
	return !t.cut;
}
