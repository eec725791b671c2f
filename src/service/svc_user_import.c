/* svc_user_import — accounts from a spreadsheet, all or none (see svc_user_import.h).
 *
 * The rules are those of one account (svc_user.c), checked for every row inside the
 * transaction that writes them, so that a username cannot be taken between the check and
 * the insert. The areas a row may name are read before the transaction (names change
 * seldom); each insert fails on an area that vanished meanwhile. */
#include "service/svc_user_import.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/phone.h"
#include "domain/pinyin.h"
#include "domain/role_label.h"
#include "util/json.h"
#include "util/timeutil.h"

enum { NAME_MAX_CHARS = 32, USERNAME_MAX = 32 };

struct run_io {
	struct user_import *im;
	const struct area_seed *areas;
	size_t nareas;
	struct user *users; /* n, filled by apply */
};

/* The id of the i-th account of the import keyed key: a replay finds the same accounts. */
static void derive_id(const char *key, size_t i, char out[USER_ID_LEN + 1])
{
	unsigned char h[16];
	char idx[24];
	crypto_generichash_state st;

	snprintf(idx, sizeof idx, "/%zu", i);
	crypto_generichash_init(&st, (const unsigned char *)"fk-user-import", 14, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)key, strlen(key));
	crypto_generichash_update(&st, (const unsigned char *)idx, strlen(idx));
	crypto_generichash_final(&st, h, sizeof h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50); /* a name-based UUID (version 5 layout) */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	snprintf(out, USER_ID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
		 h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
		 h[15]);
}

static void problem(struct user_import *im, size_t line, const char *field,
		    enum user_import_problem p)
{
	im->errors[im->nerrors++] = (struct user_import_error){line, field, p};
}

/* The code in "name (code)" or "name（code）", as the template's drop-down writes it, in
 * out; false when cell is not of that form. */
static bool code_in_brackets(const char *cell, char *out, size_t outsz)
{
	const char *open = strrchr(cell, '('), *close = ")";
	const char *wide = strstr(cell, "（");
	size_t n;

	if (wide && (!open || wide > open)) {
		open = wide + strlen("（") - 1;
		close = "）";
	}
	if (!open)
		return false;
	open++;
	n = strlen(open);
	if (n <= strlen(close) || strcmp(open + n - strlen(close), close))
		return false;
	n -= strlen(close);
	if (n == 0 || n >= outsz)
		return false;
	memcpy(out, open, n);
	out[n] = '\0';
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Official names say what people leave out ("社渚村村委会" for 社渚村). */
static bool name_fits(const char *name, const char *cell)
{
	static const char *const suffixes[] = {"村民委员会", "村委会",     "社区居民委员会",
					       "社区居委会", "居民委员会", "居委会"};
	size_t n = strlen(cell);

	if (!strcmp(name, cell))
		return true;
	if (strncmp(name, cell, n))
		return false;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
		if (!strcmp(name + n, suffixes[i]))
			return true;
	return false;
}

/* The area a cell names among io's areas, or NULL with *p set. An exact name wins over
 * one that fits only without its official suffix. */
static const char *resolve_area(const struct run_io *io, const char *cell,
				enum user_import_problem *p)
{
	char code[AREA_CODE_MAX + 1];
	const char *exact = NULL, *loose = NULL;
	size_t nexact = 0, nloose = 0;

	*p = UIP_AREA;
	if (code_in_brackets(cell, code, sizeof code) || all_digits(cell)) {
		const char *want = all_digits(cell) ? cell : code;
		for (size_t i = 0; i < io->nareas; i++)
			if (!strcmp(io->areas[i].code, want))
				return io->areas[i].code;
		return NULL;
	}
	for (size_t i = 0; i < io->nareas && *cell; i++) {
		if (!strcmp(io->areas[i].name, cell)) {
			exact = io->areas[i].code;
			nexact++;
		} else if (name_fits(io->areas[i].name, cell)) {
			loose = io->areas[i].code;
			nloose++;
		}
	}
	if (nexact == 1 || (nexact == 0 && nloose == 1))
		return nexact ? exact : loose;
	if (nexact > 1 || nloose > 1)
		*p = UIP_AREA_AMBIGUOUS;
	return NULL;
}

/* Whether a username is one of the first n accounts'. */
static bool name_used(const struct user *u, size_t n, const char *username)
{
	for (size_t i = 0; i < n; i++)
		if (u[i].username && !strcmp(u[i].username, username))
			return true;
	return false;
}

/* The pinyin initials of the name and the first number that makes a free username:
 * 张三 → zs1, zs2, …; a name without initials gives user1, … */
static enum store_status make_username(struct svc_ctx *x, struct run_io *io, size_t i)
{
	char ini[12], cand[USERNAME_MAX + 1];
	enum store_status ss;

	if (pinyin_initials(io->im->rows[i].name, ini, 9) == 0)
		snprintf(ini, sizeof ini, "user");
	for (int k = 1; k < 100000; k++) {
		snprintf(cand, sizeof cand, strlen(ini) < 2 ? "%s%02d" : "%s%d", ini, k);
		if (name_used(io->users, io->im->n, cand))
			continue;
		ss = store_tx_user_name_taken(x->tx, cand);
		if (ss == STORE_CONFLICT)
			continue;
		if (ss != STORE_OK)
			return ss;
		io->users[i].username = arena_strdup(x->a, cand);
		return STORE_OK;
	}
	return STORE_INVALID; /* not reached with fewer than 100000 accounts per name */
}

static bool phone_repeated(const struct run_io *io, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (io->users[k].phone && !strcmp(io->users[k].phone, io->users[i].phone))
			return true;
	return false;
}

/* The checks of row i (against the rows above it too), in the order of the columns; fills
 * io->users[i] as far as it can. */
static enum store_status check_row(struct svc_ctx *x, struct run_io *io, size_t i)
{
	struct user_import *im = io->im;
	const struct user_import_row *r = &im->rows[i];
	struct user *u = &io->users[i];
	char phone[PHONE_LEN + 1];
	const char *area;
	enum user_import_problem p;
	enum store_status ss;

	derive_id(im->idem->uuid, i, u->id);
	u->display_name = r->name;
	u->must_change = true;
	if (!*r->name || utf8_chars(r->name) > NAME_MAX_CHARS)
		problem(im, r->line, "name", UIP_NAME);
	if (!phone_normalize(r->phone, phone))
		problem(im, r->line, "phone", UIP_PHONE);
	else if ((u->phone = arena_strdup(x->a, phone)) && phone_repeated(io, i))
		problem(im, r->line, "phone", UIP_PHONE_REPEATED);
	if ((u->role = role_from_label(r->role)) == ROLE_NONE)
		problem(im, r->line, "role", UIP_ROLE);
	else if (!role_may_grant(x->who->role, u->role))
		problem(im, r->line, "role", UIP_ROLE_NOT_GRANTABLE);
	if ((area = resolve_area(io, r->area, &p)) && svc_in_scope(x, area))
		memcpy(u->area, area, strlen(area) + 1);
	else
		problem(im, r->line, "area", p);
	if (!*r->username)
		return STORE_OK;
	if (!username_valid(r->username)) {
		problem(im, r->line, "username", UIP_USERNAME);
		return STORE_OK;
	}
	ss = store_tx_user_name_taken(x->tx, r->username);
	if (ss == STORE_CONFLICT)
		problem(im, r->line, "username", UIP_USERNAME_TAKEN);
	else if (ss != STORE_OK)
		return ss;
	else if (name_used(io->users, i, r->username))
		problem(im, r->line, "username", UIP_USERNAME_REPEATED);
	u->username = r->username;
	return STORE_OK;
}

static enum store_status check_all(struct svc_ctx *x, struct run_io *io)
{
	struct user_import *im = io->im;
	enum store_status ss;

	im->nerrors = 0;
	im->errors = arena_alloc(x->a, (im->n * 6 + 1) * sizeof *im->errors);
	io->users = arena_alloc(x->a, (im->n + 1) * sizeof *io->users);
	for (size_t i = 0; i < im->n; i++) {
		if ((ss = check_row(x, io, i)) != STORE_OK)
			return ss;
	}
	/* made names after every given one, so that none is made twice */
	for (size_t i = 0; i < im->n; i++)
		if (!*im->rows[i].username && (ss = make_username(x, io, i)) != STORE_OK)
			return ss;
	return STORE_OK;
}

/* The audit text of one account: no hash, the phone masked. */
static const char *account_json(struct svc_ctx *x, const struct user *u)
{
	char masked[PHONE_LEN + 1];

	phone_mask(u->phone, masked);
	return svc_json(x, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "area", u->area,
				     "display_name", u->display_name, "id", u->id, "import",
				     x->object_id ? x->object_id : "", "must_change_password",
				     u->must_change, "phone", masked, "role", role_name(u->role),
				     "username", u->username));
}

static enum store_status apply(struct svc_ctx *x)
{
	struct run_io *io = x->arg;
	struct user_import *im = io->im;
	enum store_status ss;
	int64_t now = time_now();

	if ((ss = check_all(x, io)) != STORE_OK)
		return ss;
	if (im->nerrors || im->check_only)
		return STORE_INVALID; /* nothing written: the transaction is rolled back */
	x->object_id = im->idem->uuid;
	for (size_t i = 0; i < im->n; i++) {
		struct user *u = &io->users[i];
		u->password_hash = im->rows[i].password_hash;
		if (!u->password_hash)
			return STORE_INVALID;
		if ((ss = store_tx_user_insert(x->tx, u, now)) != STORE_OK ||
		    (ss = svc_audit_more(x, "user.create", "user", u->id, u->area,
					 account_json(x, u))) != STORE_OK)
			return ss;
	}
	return svc_changed(x, "user_import", im->idem->uuid, x->who->area, NULL,
			   svc_json(x, json_pack("{s:I}", "accounts", (json_int_t)im->n)));
}

/* The accounts as they are now: after apply, or the first request's on a replay. */
static enum store_status answer(struct svc_ctx *x)
{
	struct run_io *io = x->arg;
	struct user_import *im = io->im;
	enum store_status ss;
	char id[USER_ID_LEN + 1];

	im->accounts = arena_alloc(x->a, (im->n + 1) * sizeof *im->accounts);
	for (size_t i = 0; i < im->n; i++) {
		derive_id(im->idem->uuid, i, id);
		if ((ss = store_tx_user_read(x->tx, id, x->a, &im->accounts[i])) != STORE_OK)
			return ss;
	}
	im->naccounts = im->n;
	return STORE_OK;
}

enum store_status svc_user_import_areas(struct store *s, const struct principal *who,
					struct arena *a, struct area_seed **out, size_t *n)
{
	return store_area_under(s, who->area, a, out, n);
}

enum store_status svc_user_import(struct store *s, const struct principal *who,
				  struct user_import *im, struct arena *a, bool *replayed)
{
	struct area_seed *areas;
	size_t nareas;
	struct run_io io = {.im = im};
	struct svc_write w = {"user.import", NULL, im->idem, apply, answer, &io};
	enum store_status ss;

	im->nerrors = im->naccounts = 0;
	if (!im->idem || im->n == 0 || im->n > USER_IMPORT_MAX_ROWS)
		return STORE_INVALID;
	if ((ss = svc_user_import_areas(s, who, a, &areas, &nareas)) != STORE_OK)
		return ss;
	io.areas = areas;
	io.nareas = nareas;
	return svc_run(s, who, &w, a, replayed);
}
