/* svc_person_read — reading key-person files through the one read path (service.h). A
 * file is read whole in one snapshot (the person, journeys, timeline, tasks), and every
 * read of a file, reveal or search writes its audit row here, so that no handler can
 * forget it. */
#include "service/service.h"

enum store_status svc_person_get(struct store *s, const struct principal *who, const char *id,
				 struct arena *a, struct person *out)
{
	enum store_status st = store_person_get(s, id, a, out);

	if (st == STORE_OK && !svc_sees(who, out->area))
		return svc_deny(who, "person", id, NULL);
	return st;
}

bool svc_person_sees(struct store *s, const struct principal *who, const char *id)
{
	struct arena *a = arena_new();
	struct person p;
	bool sees = store_person_get(s, id, a, &p) == STORE_OK && svc_sees(who, p.area);

	arena_free(a);
	return sees;
}

struct file_view {
	const struct principal *who;
	const char *id;
	struct arena *a;
	struct person_file *out;
};

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
	return STORE_OK;
}

enum store_status svc_person_file(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct person_file *out)
{
	struct file_view x = {who, id, a, out};
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
