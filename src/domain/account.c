/*
 * account — the role table and the account-name validators.
 *
 * Design: roles[] is the single source of truth. It is ordered by rank, highest
 * first, so role_all is a copy of it; role_rank, role_can, role_may_grant and
 * the name functions all look a role up in it. Unknown enum values (a corrupt
 * database row cast to enum role) find nothing and therefore get rank 0 and no
 * permissions: failing closed is the only safe default for an authoriser.
 *
 * The validators use explicit character ranges instead of <ctype.h>, whose
 * answers depend on the locale and which is undefined for negative chars.
 */
#include "domain/account.h"

#include <string.h>

#define USERNAME_MIN 3
#define USERNAME_MAX 32
#define UUID_LEN 36

#define PERMS_ALL                                                                                  \
	(PERM_AREA_READ | PERM_AREA_WRITE | PERM_USER_READ | PERM_USER_WRITE | PERM_AUDIT_READ |   \
	 PERM_PERSON_READ | PERM_PERSON_REVEAL | PERM_TASK_WORK | PERM_TASK_MANAGE | PERM_IMPORT | \
	 PERM_OBS_WORK | PERM_OBS_MEDICAL | PERM_OBS_MANAGE | PERM_REPORT_READ |                   \
	 PERM_REPORT_WRITE | PERM_CHECKPOINT_WORK | PERM_CHECKPOINT_MANAGE | PERM_DUTY_WORK |      \
	 PERM_DUTY_MANAGE | PERM_CLOSURE_MANAGE | PERM_GATE_WORK | PERM_RETENTION)
#define PERMS_CADRE                                                                                \
	(PERM_AREA_READ | PERM_AREA_WRITE | PERM_USER_READ | PERM_USER_WRITE | PERM_PERSON_READ |  \
	 PERM_PERSON_REVEAL | PERM_TASK_WORK | PERM_TASK_MANAGE | PERM_OBS_WORK |                  \
	 PERM_OBS_MANAGE | PERM_REPORT_READ | PERM_REPORT_WRITE | PERM_CHECKPOINT_WORK |           \
	 PERM_DUTY_WORK | PERM_CLOSURE_MANAGE | PERM_GATE_WORK)
/* grid workers and doctors call people: they may reveal a phone, each time audited */
#define PERMS_DOOR (PERM_AREA_READ | PERM_PERSON_READ | PERM_PERSON_REVEAL | PERM_TASK_WORK)
#define PERMS_FIELD (PERM_AREA_READ | PERM_PERSON_READ)

static const struct role_info {
	enum role role;
	const char *name;
	int rank;
	unsigned perms;
} roles[] = {
	{ROLE_ADMIN, "admin", 5, PERMS_ALL},
	{ROLE_COMMANDER, "commander", 4, PERMS_ALL},
	{ROLE_CADRE, "cadre", 3, PERMS_CADRE},
	{ROLE_GRID_WORKER, "grid_worker", 2, PERMS_DOOR | PERM_OBS_WORK | PERM_DUTY_WORK},
	{ROLE_DOCTOR, "doctor", 2, PERMS_DOOR | PERM_OBS_WORK | PERM_OBS_MEDICAL | PERM_DUTY_WORK},
	{ROLE_SOCIAL_WORKER, "social_worker", 2, PERMS_FIELD | PERM_OBS_WORK | PERM_DUTY_WORK},
	{ROLE_CHECKPOINT_STAFF, "checkpoint_staff", 2,
	 PERM_AREA_READ | PERM_CHECKPOINT_WORK | PERM_DUTY_WORK},
	{ROLE_GATE_GUARD, "gate_guard", 2, PERM_GATE_WORK},
	{ROLE_VIEWER, "viewer", 1, PERM_AREA_READ | PERM_REPORT_READ},
};

static const struct perm_info {
	enum perm perm;
	const char *name;
} perms[] = {
	{PERM_AREA_READ, "area.read"},
	{PERM_AREA_WRITE, "area.write"},
	{PERM_USER_READ, "user.read"},
	{PERM_USER_WRITE, "user.write"},
	{PERM_AUDIT_READ, "audit.read"},
	{PERM_PERSON_READ, "person.read"},
	{PERM_PERSON_REVEAL, "person.reveal"},
	{PERM_TASK_WORK, "task.work"},
	{PERM_TASK_MANAGE, "task.manage"},
	{PERM_IMPORT, "import"},
	{PERM_OBS_WORK, "obs.work"},
	{PERM_OBS_MEDICAL, "obs.medical"},
	{PERM_OBS_MANAGE, "obs.manage"},
	{PERM_REPORT_READ, "report.read"},
	{PERM_REPORT_WRITE, "report.write"},
	{PERM_CHECKPOINT_WORK, "checkpoint.work"},
	{PERM_CHECKPOINT_MANAGE, "checkpoint.manage"},
	{PERM_DUTY_WORK, "duty.work"},
	{PERM_DUTY_MANAGE, "duty.manage"},
	{PERM_CLOSURE_MANAGE, "closure.manage"},
	{PERM_GATE_WORK, "gate.work"},
	{PERM_RETENTION, "retention.manage"},
};
enum { NPERMS = sizeof perms / sizeof perms[0] };

_Static_assert(sizeof roles / sizeof roles[0] == ROLE_COUNT, "ROLE_COUNT out of date");
_Static_assert(NPERMS == PERM_COUNT, "perms: one entry per permission, PERM_COUNT of them");

static const struct role_info *find(enum role role)
{
	for (size_t i = 0; i < ROLE_COUNT; i++)
		if (roles[i].role == role)
			return &roles[i];
	return NULL;
}

enum role role_parse(const char *name)
{
	if (name == NULL)
		return ROLE_NONE;
	for (size_t i = 0; i < ROLE_COUNT; i++)
		if (strcmp(name, roles[i].name) == 0)
			return roles[i].role;
	return ROLE_NONE;
}

const char *role_name(enum role role)
{
	const struct role_info *r = find(role);
	return r != NULL ? r->name : "none";
}

int role_rank(enum role role)
{
	const struct role_info *r = find(role);
	return r != NULL ? r->rank : 0;
}

bool role_can(enum role role, enum perm perm)
{
	const struct role_info *r = find(role);
	unsigned want = (unsigned)perm;
	return r != NULL && want != 0 && (r->perms & want) == want;
}

bool role_may_grant(enum role granter, enum role target)
{
	const struct role_info *g = find(granter);
	const struct role_info *t = find(target);
	if (g == NULL || t == NULL)
		return false;
	return (g->perms & PERM_USER_WRITE) != 0 && t->rank <= g->rank;
}

const char *perm_name(enum perm perm)
{
	for (size_t i = 0; i < NPERMS; i++)
		if (perms[i].perm == perm)
			return perms[i].name;
	return NULL;
}

size_t role_perm_names(enum role role, const char **out, size_t cap)
{
	const struct role_info *r = find(role);
	size_t n = 0;
	for (size_t i = 0; r != NULL && i < NPERMS && n < cap; i++)
		if (r->perms & (unsigned)perms[i].perm)
			out[n++] = perms[i].name;
	return n;
}

size_t role_all(enum role *out, size_t cap)
{
	size_t n = 0;
	for (; n < ROLE_COUNT && n < cap; n++)
		out[n] = roles[n].role;
	return n;
}

static bool is_lower_or_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool username_valid(const char *username)
{
	if (username == NULL || !is_lower_or_digit(username[0]))
		return false;
	size_t n = 1;
	while (n <= USERNAME_MAX && username[n] != '\0') {
		char c = username[n];
		if (!is_lower_or_digit(c) && c != '_' && c != '.' && c != '-')
			return false;
		n++;
	}
	return n >= USERNAME_MIN && n <= USERNAME_MAX;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool uuid_valid(const char *s)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < UUID_LEN; i++) {
		bool hyphen_here = i == 8 || i == 13 || i == 18 || i == 23;
		if (hyphen_here ? s[i] != '-' : !is_hex(s[i]))
			return false;
	}
	return s[UUID_LEN] == '\0';
}
