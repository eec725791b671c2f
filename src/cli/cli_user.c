/* cli_user — `fangkong user add|passwd|list`. Passwords come from standard input (one
 * line), never from the command line where `ps` would show them. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "cli/cli.h"
#include "domain/password_policy.h"
#include "domain/phone.h"
#include "util/pwhash.h"
#include "util/uuid.h"

static const char user_help[] =
	"usage: fangkong user add    --db FILE --username NAME --role ROLE --area CODE\n"
	"                            [--name DISPLAY] [--phone MOBILE] [--must-change]\n"
	"                            [--generate-password]\n"
	"       fangkong user passwd --db FILE --username NAME [--must-change]\n"
	"       fangkong user list   --db FILE [--area CODE]\n"
	"\n"
	"add and passwd read the password from standard input (first line), unless\n"
	"--generate-password makes a random one, prints it once and forces a change at first\n"
	"login. An operator-chosen password needs no change unless --must-change.\n"
	"密码从标准输入读取；--generate-password 生成随机初始密码并要求首次登录修改。\n"
	"\n"
	"roles: admin commander cadre grid_worker doctor social_worker checkpoint_staff gate_guard viewer\n";

struct user_opts {
	const char *db, *username, *role, *area, *name, *phone;
	bool must_change, generate;
	char phone_norm[PHONE_LEN + 1]; /* --phone normalised, "" when none */
};

/* Reads one line from stdin into pw; false on EOF. */
static bool read_password(char *pw, size_t sz)
{
	if (!fgets(pw, (int)sz, stdin))
		return false;
	pw[strcspn(pw, "\r\n")] = '\0';
	return true;
}

/* Gets the new password (stdin or generated) and checks the policy. */
static bool new_password(const struct user_opts *o, char *pw, size_t sz)
{
	enum err e;

	if (o->generate) {
		pwhash_initial(pw);
		return true;
	}
	if (!read_password(pw, sz)) {
		cli_err("no password on standard input / 标准输入中没有密码");
		return false;
	}
	if ((e = api_password_verdict(password_check(pw, o->username))) != ERR__COUNT) {
		cli_err("%s / %s", err_info(e)->en, err_info(e)->zh);
		return false;
	}
	return true;
}

/* What add and passwd share: gets the new password (stdin or generated), opens the store,
 * lets `store_hash` store its hash (and say what it did), shows a generated password once
 * it is stored, and wipes the password whatever happened. */
static int with_password(const struct user_opts *o,
			 int (*store_hash)(const struct user_opts *o, struct store *s,
					   struct arena *a, const char *hash))
{
	char pw[512], hash[PWHASH_LEN];
	struct arena *a = arena_new();
	struct store *s = NULL;
	int rc = EXIT_RUNTIME;

	if (!new_password(o, pw, sizeof pw) || !(s = cli_open_store(o->db, false, 1)) ||
	    !pwhash_make(pw, hash))
		goto out;
	rc = store_hash(o, s, a, hash);
	if (rc == EXIT_OK && o->generate)
		printf("initial password / 初始密码: %s\n", pw);
out:
	sodium_memzero(pw, sizeof pw);
	arena_free(a);
	store_close(s);
	return rc;
}

static int create_account(const struct user_opts *o, struct store *s, struct arena *a,
			  const char *hash)
{
	struct user in = {0}, out;
	bool replayed;

	if (!store_area_exists(s, o->area)) {
		cli_err("no area %s in this database / 数据库中没有该区域", o->area);
		return EXIT_RUNTIME;
	}
	uuid_v4(in.id);
	in.username = o->username;
	in.display_name = o->name;
	in.phone = o->phone_norm;
	in.role = role_parse(o->role);
	memcpy(in.area, o->area, strlen(o->area) + 1);
	in.must_change = o->must_change || o->generate;
	in.password_hash = hash;
	/* the operator at the console, over the account's area */
	struct principal who = svc_system_principal(in.area);
	switch (svc_user_create(s, &who, NULL, &in, a, &out, &replayed)) {
	case STORE_OK:
		printf("created account %s (%s, %s)\n", out.username, role_name(out.role),
		       out.area);
		return EXIT_OK;
	case STORE_CONFLICT:
		cli_err("the username %s is taken / 用户名已被使用", o->username);
		return EXIT_RUNTIME;
	default: cli_err("creating the account failed / 创建账号失败"); return EXIT_RUNTIME;
	}
}

static int user_add(struct user_opts *o)
{
	if (!o->username || !o->role || !o->area) {
		fputs(user_help, stderr);
		return EXIT_USAGE;
	}
	if (!username_valid(o->username) || role_parse(o->role) == ROLE_NONE ||
	    area_code_level(o->area) == AREA_LEVEL_INVALID ||
	    (o->phone && !phone_normalize(o->phone, o->phone_norm))) {
		cli_err("invalid --username, --role, --area or --phone / 参数无效");
		return EXIT_USAGE;
	}
	return with_password(o, create_account);
}

static int set_password(const struct user_opts *o, struct store *s, struct arena *a,
			const char *hash)
{
	struct user u;

	if (store_user_by_name(s, o->username, a, &u) != STORE_OK) {
		cli_err("no account %s / 账号不存在", o->username);
		return EXIT_RUNTIME;
	}
	struct principal who = svc_system_principal(u.area);
	if (svc_auth_password(s, &who, NULL, u.id, hash, NULL, o->must_change || o->generate, a,
			      NULL) != STORE_OK) {
		cli_err("setting the password failed / 修改密码失败");
		return EXIT_RUNTIME;
	}
	printf("password set for %s\n", u.username);
	return EXIT_OK;
}

static int user_passwd(struct user_opts *o)
{
	if (!o->username) {
		fputs(user_help, stderr);
		return EXIT_USAGE;
	}
	return with_password(o, set_password);
}

static int user_list(struct user_opts *o)
{
	struct user_filter f = {.scope = "", .area = o->area, .limit = 100000};
	struct arena *a = arena_new();
	struct store *s;
	struct user *v;
	size_t n;
	int64_t total;
	int rc = EXIT_RUNTIME;

	if ((s = cli_open_store(o->db, false, 1)) &&
	    store_user_list(s, &f, a, &v, &n, &total) == STORE_OK) {
		printf("%-24s %-16s %-18s %-8s %s\n", "username", "role", "area", "status", "name");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %-16s %-18s %-8s %s\n", v[i].username, role_name(v[i].role),
			       v[i].area, v[i].disabled ? "disabled" : "active", v[i].display_name);
		rc = EXIT_OK;
	}
	store_close(s);
	arena_free(a);
	return rc;
}

int cli_user(int argc, char **argv)
{
	struct user_opts o = {0};
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(user_help, sub ? stdout : stderr);
		return sub ? EXIT_OK : EXIT_USAGE;
	}
	const struct cli_opt opts[] = {{.name = "db", .value = &o.db, .required = true},
				       {.name = "username", .value = &o.username},
				       {.name = "role", .value = &o.role},
				       {.name = "area", .value = &o.area},
				       {.name = "name", .value = &o.name},
				       {.name = "phone", .value = &o.phone},
				       {.name = "must-change", .flag = &o.must_change},
				       {.name = "generate-password", .flag = &o.generate},
				       {0}};
	if (!cli_parse(argc - 1, argv + 1, opts, user_help, &rc))
		return rc;
	if (!strcmp(sub, "add"))
		return user_add(&o);
	if (!strcmp(sub, "passwd"))
		return user_passwd(&o);
	if (!strcmp(sub, "list"))
		return user_list(&o);
	cli_err("unknown user command '%s' / 未知子命令", sub);
	return EXIT_USAGE;
}
