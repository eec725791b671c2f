/* svc_report — the daily report's use cases. The counts it reads are kept by the use cases
 * that write the records (a task pushed, verified, forwarded or moved; an observation
 * begun or ended; a fever alert raised or referred; a service request made or delivered),
 * each through svc_report_add in its own transaction, by the report day of the record's
 * moment under the county's cut-offs (domain/report.h). */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/observation.h"
#include "domain/report.h"
#include "service/service.h"

struct svc_count {
	enum report_metric m;
	int day; /* set by the flush */
	char area[AREA_CODE_MAX + 1];
	int64_t at, delta;
};
struct svc_counts {
	struct svc_count *v;
	size_t n, cap;
};

enum store_status svc_report_add(struct svc_ctx *x, enum report_metric m, const char *area,
				 int64_t at, int64_t delta)
{
	struct svc_counts *c = x->counts;

	if (!delta)
		return STORE_OK;
	if (!c)
		c = x->counts = arena_alloc(x->a, sizeof *c), *c = (struct svc_counts){0};
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct svc_count *v = arena_alloc(x->a, cap * sizeof *v);
		if (c->n)
			memcpy(v, c->v, c->n * sizeof *v);
		c->v = v;
		c->cap = cap;
	}
	struct svc_count *e = &c->v[c->n++];
	e->m = m;
	e->day = 0;
	snprintf(e->area, sizeof e->area, "%s", area);
	e->at = at;
	e->delta = delta;
	return STORE_OK;
}

static int count_cmp(const void *pa, const void *pb)
{
	const struct svc_count *a = pa, *b = pb;

	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return strcmp(a->area, b->area);
}

enum store_status svc_report_flush(struct svc_ctx *x)
{
	struct svc_counts *c = x->counts;
	struct report_cutoff *cut;
	size_t ncut;
	enum store_status ss;

	if (!c || !c->n)
		return STORE_OK;
	if ((ss = store_tx_report_cutoffs(x->tx, x->a, &cut, &ncut)) != STORE_OK)
		return ss;
	for (size_t i = 0; i < c->n; i++)
		c->v[i].day = report_day(cut, ncut, c->v[i].at);
	qsort(c->v, c->n, sizeof *c->v, count_cmp);
	struct report_delta *d = arena_alloc(x->a, c->n * sizeof *d);
	size_t nd = 0;
	for (size_t i = 0; i < c->n;) {
		size_t k = i;
		int64_t sum = 0;
		while (k < c->n && !count_cmp(&c->v[i], &c->v[k]))
			sum += c->v[k++].delta;
		d[nd++] = (struct report_delta){report_metric_name(c->v[i].m), c->v[i].area,
						c->v[i].day, sum};
		i = k;
	}
	ss = store_tx_report_counts_add(x->tx, d, nd);
	c->n = 0;
	return ss;
}

/* ---- the figures of an area ---- */

/* The counts of one area (the rows of its prefix) into c. */
static void counts_of(const char *area, const struct report_sum *v, size_t nv,
		      const struct report_now *w, size_t nw, struct report_counts *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < nv; i++) {
		int m = report_metric_of(v[i].metric);
		if (m >= 0 && !strcmp(v[i].area, area)) {
			c->day[m] += v[i].day;
			c->total[m] += v[i].total;
		}
	}
	for (size_t i = 0; i < nw; i++)
		if (!strcmp(w[i].area, area)) {
			c->tasks_overdue += w[i].tasks_overdue;
			c->to_place += w[i].to_place;
			c->visits_due += w[i].visits_due;
			c->visits_done += w[i].visits_done;
		}
}

/* The figures of a snapshot's JSON object (keys it does not know are the typed ones). */
static void figures_of_json(const char *text, int64_t fig[RF__COUNT])
{
	json_t *o = json_loads(text ? text : "{}", 0, NULL);
	const char *k;
	json_t *v;

	memset(fig, 0, RF__COUNT * sizeof *fig);
	json_object_foreach(o, k, v)
	{
		int f = report_fig_of(k);
		if (f >= 0 && json_is_integer(v))
			fig[f] = json_integer_value(v);
	}
	json_decref(o);
}

/* Adds the integers of object add into sum (the typed figures of a roll-up). */
static void typed_add(json_t *sum, const char *add)
{
	json_t *o = json_loads(add ? add : "{}", 0, NULL);
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
	{
		if (!json_is_integer(v))
			continue;
		json_t *had = json_object_get(sum, k);
		json_object_set_new(
			sum, k,
			json_integer((had ? json_integer_value(had) : 0) + json_integer_value(v)));
	}
	json_decref(o);
}

static char *dump(struct arena *a, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS), *out;

	json_decref(o);
	out = arena_strdup(a, s ? s : "{}");
	free(s);
	return out;
}

static const char *sentence_subject(const struct report_setting *st, const char *county_name,
				    struct arena *a)
{
	char *out;

	if (st->subject && *st->subject)
		return st->subject;
	out = arena_alloc(a, 64);
	report_subject_default(county_name, out, 64);
	return out;
}

/* ---- reading a day's report ---- */

/* A child area's report: its latest submission when it is a reporting area, else its live
 * figures. */
static void child_report(struct report_area *r, const struct area *ar, bool reporting,
			 const struct daily_report *sub, size_t nsub, const struct report_sum *v,
			 size_t nv, const struct report_now *w, size_t nw)
{
	struct report_counts c;

	memset(r, 0, sizeof *r);
	snprintf(r->area, sizeof r->area, "%s", ar->code);
	r->name = ar->name;
	r->reporting = reporting;
	r->status = reporting ? "pending" : NULL;
	r->typed = "{}";
	for (size_t i = 0; i < nsub; i++)
		if (!strcmp(sub[i].area, ar->code)) {
			r->status = sub[i].status;
			r->version = sub[i].version;
			r->submitted_at = sub[i].submitted_at;
			r->on_time = sub[i].on_time;
			r->typed = sub[i].typed;
			figures_of_json(sub[i].figures, r->fig);
			return;
		}
	counts_of(ar->code, v, nv, w, nw, &c);
	report_figures(&c, r->fig);
}

enum store_status svc_report_daily(struct store *s, const struct principal *who, const char *area,
				   int day, int64_t now, struct arena *a, struct report_daily *out)
{
	struct area self, *kids = NULL, *path = NULL, county;
	size_t nkids = 0, npath = 0, nv, nw, ncut, nsub = 0;
	struct report_sum *v;
	struct report_now *w;
	struct report_cutoff *cut;
	struct daily_report *sub = NULL;
	struct report_counts c;
	enum store_status st;

	memset(out, 0, sizeof *out);
	if ((st = svc_area_detail(s, who, area, a, &self, &kids, &nkids, &path, &npath)) !=
		    STORE_OK ||
	    (st = store_report_setting_get(s, a, &out->setting)) != STORE_OK ||
	    (st = store_report_cutoffs(s, a, &cut, &ncut)) != STORE_OK)
		return st;
	size_t len = strlen(area), level = (size_t)out->setting.level;
	out->day = day;
	out->cutoff = report_cutoff_of(cut, ncut, day);
	out->deadline = report_deadline(cut, ncut, day);
	out->today = report_day(cut, ncut, now);
	/* the records' figures of the area (its own rows, which hold its subtree) and of each
	 * child (theirs), from kept counts; what is read as of now, per child */
	struct report_sum *own;
	size_t nown;
	if ((st = store_report_sums(s, area, len, day, a, &own, &nown)) != STORE_OK ||
	    (st = store_report_sums(s, area, len + 3, day, a, &v, &nv)) != STORE_OK ||
	    (st = store_report_now(s, area, len + 3, now, day, a, &w, &nw)) != STORE_OK)
		return st;
	memset(&c, 0, sizeof c);
	for (size_t i = 0; i < nown; i++) {
		int m = report_metric_of(own[i].metric);
		if (m >= 0) {
			c.day[m] += own[i].day;
			c.total[m] += own[i].total;
		}
	}
	for (size_t i = 0; i < nw; i++) {
		c.tasks_overdue += w[i].tasks_overdue;
		c.to_place += w[i].to_place;
		c.visits_due += w[i].visits_due;
		c.visits_done += w[i].visits_done;
	}
	report_figures(&c, out->records);
	/* the children: reporting areas show their submissions */
	bool kids_report = len + 3 == level;
	if (kids_report &&
	    (st = store_daily_report_children(s, area, level, day, a, &sub, &nsub)) != STORE_OK)
		return st;
	out->children = arena_alloc(a, (nkids ? nkids : 1) * sizeof *out->children);
	out->nchildren = nkids;
	for (size_t i = 0; i < nkids; i++)
		child_report(&out->children[i], &kids[i], kids_report, sub, nsub, v, nv, w, nw);
	/* the area itself: its own submission (a reporting area), the sum of its children's
	 * reports (above), or its records (below) */
	struct report_area *me = &out->self;
	snprintf(me->area, sizeof me->area, "%s", area);
	me->name = self.name;
	me->reporting = len == level;
	me->status = "draft";
	memcpy(me->fig, out->records, sizeof me->fig);
	json_t *typed = json_object();
	if (len < level) {
		memset(me->fig, 0, sizeof me->fig);
		for (size_t i = 0; i < nkids; i++) {
			for (int f = 0; f < RF__COUNT; f++)
				me->fig[f] += out->children[i].fig[f];
			typed_add(typed, out->children[i].typed);
		}
	}
	if (me->reporting) {
		if ((st = store_daily_report_versions(s, area, day, a, &out->versions,
						      &out->nversions)) != STORE_OK)
			return st;
		if (out->nversions) {
			const struct daily_report *d = &out->versions[0];
			me->status = d->status;
			me->version = d->version;
			me->submitted_at = d->submitted_at;
			me->on_time = out->versions[out->nversions - 1].on_time; /* the first's */
			figures_of_json(d->figures, me->fig);
			typed_add(typed, d->typed);
		}
	}
	me->typed = dump(a, typed);
	/* completeness and timeliness of the reporting areas in it, for the day */
	if (len <= level) {
		if ((st = store_report_areas(s, area, level, &out->expected)) != STORE_OK ||
		    (st = store_daily_report_rates(s, area, level, day, day, &out->submitted,
						   &out->on_time)) != STORE_OK)
			return st;
	}
	/* the sentence of the briefing, from the area's figures */
	char county_code[7];
	snprintf(county_code, sizeof county_code, "%.6s", area);
	const char *county_name = "";
	if (store_area_get(s, county_code, a, &county) == STORE_OK)
		county_name = county.name;
	struct report_sentence_in in = {report_area_word(self.name),
					sentence_subject(&out->setting, county_name, a),
					day,
					out->cutoff,
					me->fig,
					false};
	out->sentence = arena_alloc(a, REPORT_SENTENCE_MAX);
	out->sentence_en = arena_alloc(a, REPORT_SENTENCE_MAX);
	report_sentence(&in, out->sentence, REPORT_SENTENCE_MAX);
	in.en = true;
	report_sentence(&in, out->sentence_en, REPORT_SENTENCE_MAX);
	return STORE_OK;
}

/* ---- the trend of a period ---- */

enum store_status svc_report_trend(struct store *s, const struct principal *who, const char *area,
				   int ndays, int64_t now, struct arena *a,
				   struct report_trend *out)
{
	struct report_cutoff *cut;
	struct report_point *p;
	size_t ncut, np;
	int64_t before[RM__COUNT] = {0}, (*day)[RM__COUNT];
	enum store_status ss;

	memset(out, 0, sizeof *out);
	if (ndays < 1 || ndays > REPORT_TREND_DAYS_MAX)
		return STORE_INVALID;
	if ((ss = svc_scope_check(who, area, "area")) != STORE_OK)
		return ss;
	if (!store_area_exists(s, area))
		return STORE_NOT_FOUND;
	if ((ss = store_report_cutoffs(s, a, &cut, &ncut)) != STORE_OK)
		return ss;
	out->to = report_day(cut, ncut, now);
	out->from = obs_date_add(out->to, 1 - ndays);
	if ((ss = store_report_series(s, area, out->from, out->to, a, &p, &np)) != STORE_OK)
		return ss;
	out->ndays = (size_t)ndays;
	out->days = arena_alloc(a, out->ndays * sizeof *out->days);
	day = arena_alloc(a, out->ndays * sizeof *day);
	memset(day, 0, out->ndays * sizeof *day);
	for (int i = 0; i < ndays; i++)
		out->days[i] = obs_date_add(out->from, i);
	for (size_t k = 0; k < np; k++) {
		int m = report_metric_of(p[k].metric);
		if (m < 0)
			continue;
		if (!p[k].day)
			before[m] += p[k].n;
		else if (p[k].day >= out->from && p[k].day <= out->to)
			day[obs_date_diff(out->from, p[k].day)][m] += p[k].n;
	}
	out->fig = arena_alloc(a, out->ndays * sizeof *out->fig);
	report_series(before, (const int64_t(*)[RM__COUNT])day, out->ndays, out->fig);
	return STORE_OK;
}

enum store_status svc_report_rates(struct store *s, const struct principal *who, const char *area,
				   int from, int to, struct report_rates *out)
{
	struct report_setting st;
	struct arena *a = arena_new();
	int64_t areas = 0;
	enum store_status ss;

	memset(out, 0, sizeof *out);
	if ((ss = svc_scope_check(who, area, "area")) == STORE_OK &&
	    (ss = store_report_setting_get(s, a, &st)) == STORE_OK &&
	    (ss = store_report_areas(s, area, (size_t)st.level, &areas)) == STORE_OK)
		ss = store_daily_report_rates(s, area, (size_t)st.level, from, to, &out->submitted,
					      &out->on_time);
	arena_free(a);
	out->expected = areas * (obs_date_diff(from, to) + 1);
	return ss;
}

/* ---- submitting ---- */

struct submit_io {
	struct report_submit *in;
	struct report_area *out;
};

/* Whether the typed figures name only the county's fields, each a count. */
static bool typed_ok(const struct report_setting *st, json_t *typed, const char **bad)
{
	json_t *fields = json_loads(st->fields, 0, NULL);
	const char *k;
	json_t *v;
	bool ok = true;

	json_object_foreach(typed, k, v)
	{
		bool known = false;
		size_t i;
		json_t *f;
		json_array_foreach(fields, i, f)
		{
			const char *key = json_string_value(json_object_get(f, "key"));
			if (key && !strcmp(key, k))
				known = true;
		}
		if (!known || !json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > REPORT_TYPED_MAX) {
			*bad = k;
			ok = false;
			break;
		}
	}
	json_decref(fields);
	return ok;
}

static enum store_status report_refuse(struct report_submit *in, enum report_refusal why,
				       const char *field)
{
	in->why = why;
	in->field = field;
	return STORE_INVALID;
}

/* The version the write made (its object id "area:day:version"), a replay's too. */
static enum store_status answer_submit(struct svc_ctx *x)
{
	const struct submit_io *io = x->arg;
	const char *colon = strrchr(x->object_id, ':');
	long version = colon ? strtol(colon + 1, NULL, 10) : 0;
	struct daily_report d;
	enum store_status ss =
		store_tx_daily_report_get(x->tx, io->in->area, io->in->day,
					  version > 0 && version < INT_MAX ? (int)version : 0, x->a, &d);

	if (ss != STORE_OK)
		return ss;
	memset(io->out, 0, sizeof *io->out);
	snprintf(io->out->area, sizeof io->out->area, "%s", d.area);
	io->out->status = d.status;
	io->out->version = d.version;
	io->out->submitted_at = d.submitted_at;
	io->out->on_time = d.on_time;
	io->out->reporting = true;
	io->out->typed = d.typed;
	io->out->sentence = d.sentence;
	figures_of_json(d.figures, io->out->fig);
	return STORE_OK;
}

static enum store_status apply_submit(struct svc_ctx *x)
{
	struct submit_io *io = x->arg;
	struct report_submit *in = io->in;
	struct report_setting st;
	struct report_cutoff *cut;
	struct report_sum *v;
	struct report_now *w;
	struct daily_report before, d = {0};
	struct report_counts c;
	struct area ar;
	size_t ncut, nv, nw;
	int64_t fig[RF__COUNT];
	enum store_status ss;

	if (!svc_in_scope(x, in->area))
		return svc_deny(x->who, "area", in->area, "area");
	if ((ss = store_tx_area_read(x->tx, in->area, x->a, &ar)) != STORE_OK ||
	    (ss = store_tx_report_setting_get(x->tx, x->a, &st)) != STORE_OK ||
	    (ss = store_tx_report_cutoffs(x->tx, x->a, &cut, &ncut)) != STORE_OK)
		return ss;
	if (strlen(in->area) != (size_t)st.level)
		return report_refuse(in, REPORT_NOT_REPORTING, "area");
	int today = report_day(cut, ncut, in->now);
	if (in->day > today || obs_date_diff(in->day, today) > REPORT_BACK_DAYS)
		return report_refuse(in, REPORT_DAY_OUT_OF_RANGE, "date");
	const char *bad = NULL;
	if (!typed_ok(&st, in->typed, &bad))
		return report_refuse(in, REPORT_TYPED_UNKNOWN, bad);
	ss = store_tx_daily_report_get(x->tx, in->area, in->day, 0, x->a, &before);
	if (ss != STORE_OK && ss != STORE_NOT_FOUND)
		return ss;
	bool correction = ss == STORE_OK;
	if (correction && (!in->reason || !*in->reason))
		return report_refuse(in, REPORT_REASON_REQUIRED, "reason");
	/* the snapshot: the records' figures as of now, in this transaction */
	if ((ss = store_tx_report_sums(x->tx, in->area, strlen(in->area), in->day, x->a, &v,
				       &nv)) != STORE_OK ||
	    (ss = store_tx_report_now(x->tx, in->area, strlen(in->area), in->now, in->day, x->a, &w,
				      &nw)) != STORE_OK)
		return ss;
	counts_of(in->area, v, nv, w, nw, &c);
	report_figures(&c, fig);
	/* a nil report says nothing abnormal happened: not when a fever was recorded */
	if (in->nil && fig[RF_FEVER_NEW] > 0)
		return report_refuse(in, REPORT_NIL_CONTRADICTS, "nil");
	json_t *figs = json_object();
	for (int f = 0; f < RF__COUNT; f++)
		json_object_set_new(figs, report_fig_def(f)->key, json_integer(fig[f]));
	json_object_update(figs, in->typed);
	char county_code[7], *sentence = arena_alloc(x->a, REPORT_SENTENCE_MAX);
	struct area county;
	snprintf(county_code, sizeof county_code, "%.6s", in->area);
	const char *county_name = store_tx_area_read(x->tx, county_code, x->a, &county) == STORE_OK
					  ? county.name
					  : "";
	struct report_sentence_in si = {report_area_word(ar.name),
					sentence_subject(&st, county_name, x->a),
					in->day,
					report_cutoff_of(cut, ncut, in->day),
					fig,
					false};
	report_sentence(&si, sentence, REPORT_SENTENCE_MAX);
	snprintf(d.area, sizeof d.area, "%s", in->area);
	d.day = in->day;
	d.version = correction ? before.version + 1 : 1;
	d.status = in->nil ? "nil" : "submitted";
	d.figures = dump(x->a, figs);
	d.typed = dump(x->a, json_deep_copy(in->typed));
	d.sentence = sentence;
	d.reason = correction ? in->reason : "";
	d.submitted_by = x->who->username;
	d.submitted_at = in->now;
	d.on_time = report_on_time(cut, ncut, in->day, in->now);
	if ((ss = store_tx_daily_report_insert(x->tx, &d)) != STORE_OK)
		return ss;
	char *id = arena_alloc(x->a, 48);
	snprintf(id, 48, "%s:%d:%d", in->area, in->day, d.version);
	x->object_id = id;
	return svc_changed(
		x, "daily_report", id, in->area,
		correction ? svc_json(x, json_pack("{s:i, s:s}", "version", before.version,
						   "status", before.status))
			   : NULL,
		svc_json(x, json_pack("{s:i, s:s, s:b, s:s}", "version", d.version, "status",
				      d.status, "on_time", d.on_time, "reason", d.reason)));
}

enum store_status svc_report_submit(struct store *s, const struct principal *who,
				    const struct store_idem *idem, struct report_submit *in,
				    struct arena *a, struct report_area *out, bool *replayed)
{
	struct submit_io io = {in, out};
	struct svc_write w = {"report.submit", NULL, idem, apply_submit, answer_submit, &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- the county's settings ---- */

struct settings_io {
	const struct report_settings_in *in;
};

static enum store_status apply_settings(struct svc_ctx *x)
{
	const struct settings_io *io = x->arg;
	const struct report_settings_in *in = io->in;
	struct report_setting before, after;
	struct report_cutoff *cut;
	size_t ncut;
	enum store_status ss;

	/* the county's office sets what every township reports */
	if (strlen(x->who->area) != 6)
		return svc_deny(x->who, "report_setting", x->who->area, NULL);
	if ((ss = store_tx_report_setting_get(x->tx, x->a, &before)) != STORE_OK ||
	    (ss = store_tx_report_cutoffs(x->tx, x->a, &cut, &ncut)) != STORE_OK)
		return ss;
	after = before;
	if (in->level)
		after.level = in->level;
	if (in->subject)
		after.subject = in->subject;
	if (in->fields)
		after.fields = in->fields;
	after.updated_at = in->now;
	if ((ss = store_tx_report_setting_put(x->tx, &after)) != STORE_OK)
		return ss;
	/* a cut-off changes from a day whose window has not begun: never a past report's */
	if (in->cutoff) {
		int first = obs_date_add(report_day(cut, ncut, in->now), 1);
		if (in->from_day < first) {
			*in->first_day = first;
			return STORE_INVALID;
		}
		if ((ss = store_tx_report_cutoff_put(x->tx, in->from_day, in->cutoff,
						     x->who->username, in->now)) != STORE_OK)
			return ss;
	}
	x->object_id = "county";
	return svc_changed(
		x, "report_setting", x->object_id, x->who->area,
		svc_json(x, json_pack("{s:i, s:s, s:s}", "level", before.level, "subject",
				      before.subject, "fields", before.fields)),
		svc_json(x, json_pack("{s:i, s:s, s:s, s:i, s:i}", "level", after.level, "subject",
				      after.subject, "fields", after.fields, "cutoff", in->cutoff,
				      "from", in->from_day)));
}

enum store_status svc_report_settings_put(struct store *s, const struct principal *who,
					  const struct store_idem *idem,
					  const struct report_settings_in *in, struct arena *a,
					  bool *replayed)
{
	struct settings_io io = {in};
	struct svc_write w = {"report.settings", NULL, idem, apply_settings, NULL, &io};

	return svc_run(s, who, &w, a, replayed);
}

enum store_status svc_report_settings_get(struct store *s, const struct principal *who, int64_t now,
					  struct arena *a, struct report_settings_view *out)
{
	enum store_status ss;

	(void)who; /* the county's settings are the same for every reader */
	memset(out, 0, sizeof *out);
	if ((ss = store_report_setting_get(s, a, &out->setting)) != STORE_OK ||
	    (ss = store_report_cutoffs(s, a, &out->cutoffs, &out->ncutoffs)) != STORE_OK)
		return ss;
	out->today = report_day(out->cutoffs, out->ncutoffs, now);
	out->cutoff = report_cutoff_of(out->cutoffs, out->ncutoffs, out->today);
	return STORE_OK;
}
