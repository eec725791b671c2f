/* svc_read — the one path of every read (service.h, "reads: one path"): the common part
 * (denials, scope checks, the audit row of a read), reference data, and the reads of areas,
 * accounts and the audit trail. A read takes the principal and scopes itself, so that a
 * handler cannot forget to; what no scope can apply to is named so (svc_ref_*,
 * svc_self_open). */
#include <stdio.h>

#include "service/service.h"

static void note(struct svc_denial *d, const char *object_type, const char *object_id,
		 const char *field, enum svc_refusal why)
{
	*d = (struct svc_denial){.object_type = object_type, .field = field, .why = why};
	snprintf(d->object_id, sizeof d->object_id, "%s", object_id ? object_id : "");
}

enum store_status svc_deny(const struct principal *who, const char *object_type,
			   const char *object_id, const char *field)
{
	if (who->denial)
		note(who->denial, object_type, object_id, field, SVC_OUT_OF_SCOPE);
	return STORE_DENIED;
}

enum store_status svc_refuse(const struct principal *who, enum svc_refusal why,
			     const char *object_type, const char *object_id)
{
	if (who->denial)
		note(who->denial, object_type, object_id, NULL, why);
	return STORE_DENIED;
}

bool svc_sees(const struct principal *who, const char *area)
{
	return area && *area && area_code_in_scope(who->area, area);
}

enum store_status svc_seen(const struct principal *who, enum store_status st, const char *area,
			   const char *object_type, const char *object_id)
{
	if (st == STORE_OK && !svc_sees(who, area))
		return svc_deny(who, object_type, object_id, NULL);
	return st;
}

enum store_status svc_scope_check(const struct principal *who, const char *area, const char *field)
{
	return svc_sees(who, area) ? STORE_OK : svc_deny(who, "area", area, field);
}

enum store_status svc_read_audit(struct store *s, const struct principal *who, const char *action,
				 const char *object_type, const char *object_id, const char *area,
				 const char *after, bool wait)
{
	struct audit_entry e = {
		.user_id = who->user_id,
		.username = who->username,
		.ip = who->ip,
		.request_id = who->request_id,
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.area = area ? area : who->area,
		.result = "ok",
		.after = after,
	};
	return store_audit_append(s, &e, wait);
}

/* ---- reference data: unscoped ---- */

enum store_status svc_ref_outcomes(struct store *s, struct arena *a, struct outcome **out,
				   size_t *n)
{
	return store_outcomes(s, a, out, n); /* unscoped: reference data */
}

enum store_status svc_ref_divisions(struct store *s, struct arena *a, struct area_seed **out,
				    size_t *n)
{
	return store_divisions(s, a, out, n); /* unscoped: reference data */
}

enum store_status svc_ref_county_areas(struct store *s, const char *area, struct arena *a,
				       struct area_seed **out, size_t *n)
{
	char county[7];

	snprintf(county, sizeof county, "%.6s", area);
	return store_area_under(s, county, a, out, n); /* unscoped: the names of areas */
}

enum store_status svc_ref_key_areas(struct store *s, struct arena *a, struct key_area **out,
				    size_t *n)
{
	return store_key_areas(s, a, out, n); /* unscoped: reference data */
}

uint64_t svc_ref_area_generation(struct store *s)
{
	return store_area_generation(s); /* unscoped: a counter, no data */
}

bool svc_ref_area_exists(struct store *s, const char *code)
{
	return store_area_exists(s, code); /* unscoped: whether a code is taken, nothing of it */
}

enum store_status svc_ref_duty_phone(struct store *s, const char *area, struct arena *a,
				     const char **phone, const char **name)
{
	struct area ar;
	enum store_status st = store_area_get(s, area, a, &ar); /* unscoped: printed on cards */

	*phone = *name = "";
	if (st == STORE_OK) {
		*phone = ar.duty_phone;
		*name = ar.name;
	}
	return st;
}

enum store_status svc_self_open(struct store *s, const char *token_hash, int date, struct arena *a,
				struct observation *out)
{
	return store_obs_by_token(s, token_hash, date, a, out); /* unscoped: the token is */
}

/* ---- areas ---- */

enum store_status svc_area_root(struct store *s, const struct principal *who, struct arena *a,
				struct area *out)
{
	return store_area_get(s, who->area, a, out);
}

enum store_status svc_area_detail(struct store *s, const struct principal *who, const char *code,
				  struct arena *a, struct area *out, struct area **children,
				  size_t *nchildren, struct area **path, size_t *npath)
{
	if (!svc_sees(who, code))
		return svc_deny(who, "area", code, NULL);
	return store_area_detail(s, code, who->area, a, out, children, nchildren, path, npath);
}

enum store_status svc_area_search(struct store *s, const struct principal *who, const char *q,
				  int limit, struct arena *a, struct area **out, size_t *n)
{
	return store_area_search(s, who->area, q, limit, a, out, n);
}

/* ---- accounts ---- */

enum store_status svc_user_list(struct store *s, const struct principal *who, struct user_filter *f,
				struct arena *a, struct user **out, size_t *n, int64_t *total)
{
	enum store_status st;

	f->scope = who->area;
	if (f->area && (st = svc_scope_check(who, f->area, "area")) != STORE_OK)
		return st;
	return store_user_list(s, f, a, out, n, total);
}

enum store_status svc_user_get(struct store *s, const struct principal *who, const char *id,
			       struct arena *a, struct user *out)
{
	return svc_seen(who, store_user_get(s, id, a, out), out->area, "user", id);
}

/* ---- the audit trail ---- */

enum store_status svc_audit_list(struct store *s, const struct principal *who,
				 struct audit_filter *f, struct arena *a, struct audit_row **rows,
				 size_t *n)
{
	enum store_status st;

	f->scope = who->area;
	f->scope_global = who->role == ROLE_ADMIN;
	if (f->area && (st = svc_scope_check(who, f->area, NULL)) != STORE_OK)
		return st;
	return store_audit_list(s, f, a, rows, n);
}
