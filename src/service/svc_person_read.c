/* svc_person_read — reading key-person files through the one read path (service.h). A
 * file is read whole in one snapshot (the person, journeys, timeline, tasks, observations,
 * and whether a file its timeline names lies in scope), and every read of a file, reveal
 * or search writes its audit row here, so that no handler can forget it. */
#include <jansson.h>
#include <stdlib.h>

#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum store_status svc_person_get(struct store *s, const struct principal *who, const char *id,
				 struct arena *a, struct person *out)
{
	return svc_seen(who, store_person_get(s, id, a, out), out->area, "person", id);
}

struct file_view {
	const struct principal *who;
	const char *id;
	const struct obs_policy *pol;
	struct arena *a;
	struct person_file *out;
};

/* An import's "possible_duplicate_of" may name a file outside the reader's area: then the
 * reader must not learn of it, and the key goes from the event's detail. */
static enum store_status hide_foreign_file(struct store_tx *tx, struct file_view *x,
					   struct person_event *e)
{
	json_t *d = json_loads(e->detail ? e->detail : "", 0, NULL);
	const char *other = json_string_value(json_object_get(d, "possible_duplicate_of"));
	struct person p;
	enum store_status st = STORE_OK;
	char *txt;

	if (!other)
		goto out;
	if (uuid_valid(other) &&
	    (st = store_tx_person_read(tx, other, x->a, &p)) != STORE_NOT_FOUND) {
		if (st != STORE_OK || svc_sees(x->who, p.area))
			goto out;
	}
	st = STORE_OK;
	json_object_del(d, "possible_duplicate_of");
	if (!(txt = json_dumps(d, JSON_COMPACT)))
		fk_oom();
	e->detail = arena_strdup(x->a, txt);
	free(txt);
out:
	json_decref(d);
	return st;
}

/* The person's observations in scope, newest first. */
static enum store_status observations_in(struct store_tx *tx, struct file_view *x)
{
	struct person_file *f = x->out;
	struct obs_query q = {.scope = x->who->area, .person_id = x->id, .limit = 50};
	struct observation *v;
	int64_t total;
	enum store_status st;

	q.now = time_now();
	q.today = obs_local_date(q.now);
	if ((st = store_tx_obs_list(tx, &q, x->pol, x->a, &v, &f->nobservations, &total)) !=
	    STORE_OK)
		return st;
	f->observations = v;
	for (size_t i = 0, k = f->nobservations; i < k / 2; i++) {
		struct observation t = v[i];
		v[i] = v[k - 1 - i];
		v[k - 1 - i] = t;
	}
	return STORE_OK;
}

static enum store_status file_in(struct store_tx *tx, void *p)
{
	struct file_view *x = p;
	struct person_file *f = x->out;
	enum store_status st;
	size_t k = 0;

	if ((st = store_tx_person_read(tx, x->id, x->a, &f->p)) != STORE_OK)
		return st;
	if (!svc_sees(x->who, f->p.area))
		return svc_deny(x->who, "person", x->id, NULL);
	if ((st = store_tx_person_file(tx, x->id, x->a, &f->travel, &f->ntravel, &f->events,
				       &f->nevents, &f->tasks, &f->ntasks)) != STORE_OK)
		return st;
	for (size_t i = 0; i < f->ntasks; i++) /* a task forwarded out of scope is not ours */
		if (svc_sees(x->who, f->tasks[i].area))
			f->tasks[k++] = f->tasks[i];
	f->ntasks = k;
	for (size_t i = 0; i < f->nevents && st == STORE_OK; i++)
		st = hide_foreign_file(tx, x, &f->events[i]);
	return st == STORE_OK ? observations_in(tx, x) : st;
}

enum store_status svc_person_file(struct store *s, const struct principal *who, const char *id,
				  const struct obs_policy *pol, struct arena *a,
				  struct person_file *out)
{
	struct file_view x = {who, id, pol, a, out};
	enum store_status st = store_view(s, file_in, &x);

	if (st == STORE_OK)
		svc_read_audit(s, who, "person.read", "person", out->p.id, out->p.area, NULL,
			       false);
	return st;
}

enum store_status svc_person_reveal(struct store *s, const struct principal *who, const char *id,
				    struct arena *a, struct person *out)
{
	enum store_status st = svc_person_get(s, who, id, a, out);

	if (st != STORE_OK)
		return st;
	/* the full number leaves only once its reading is on record */
	return svc_read_audit(s, who, "person.reveal", "person", out->id, out->area, NULL, true);
}

enum store_status svc_person_search(struct store *s, const struct principal *who,
				    struct person_query *q, const char *kind, struct arena *a,
				    struct person **out, size_t *n)
{
	enum store_status st;

	q->scope = who->area;
	if ((st = store_person_find(s, q, a, out, n)) != STORE_OK)
		return st;
	svc_read_audit(s, who, "person.search", "person", NULL, NULL,
		       arena_printf(a, "{\"kind\":\"%s\",\"found\":%zu}", kind, *n), false);
	return STORE_OK;
}
