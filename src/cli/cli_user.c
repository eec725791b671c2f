/* cli_user — `fangkong user add|passwd|list`. Passwords come from standard input (one
 * line), never from the command line where `ps` would show them. */
#include <getopt.h>
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
	"roles: admin commander cadre grid_worker doctor social_worker checkpoint_staff viewer\n";

struct user_opts {
	const char *db, *username, *role, *area, *name, *phone;
	bool must_change, generate;
};

static int parse(int argc, char **argv, struct user_opts *o)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},      {"username", required_argument, 0, 'u'},
		{"role", required_argument, 0, 'r'},    {"area", required_argument, 0, 'a'},
		{"name", required_argument, 0, 'n'},    {"phone", required_argument, 0, 'p'},
		{"must-change", no_argument, 0, 'm'},   {"generate-password", no_argument, 0, 'g'},
		{"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'u': o->username = optarg; break;
		case 'r': o->role = optarg; break;
		case 'a': o->area = optarg; break;
		case 'n': o->name = optarg; break;
		case 'p': o->phone = optarg; break;
		case 'm': o->must_change = true; break;
		case 'g': o->generate = true; break;
		case 'h': fputs(user_help, stdout); return -1;
		default: fputs(user_help, stderr); return EXIT_USAGE;
		}
	}
	if (!o->db || optind != argc) {
		fputs(user_help, stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

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

static int user_add(struct user_opts *o)
{
	struct user in = {0}, out;
	char pw[512], hash[PWHASH_LEN], phone[PHONE_LEN + 1] = "";
	struct arena *a = NULL;
	struct store *s = NULL;
	bool replayed;
	int rc = EXIT_USAGE;

	if (!o->username || !o->role || !o->area) {
		fputs(user_help, stderr);
		return EXIT_USAGE;
	}
	if (!username_valid(o->username) || (in.role = role_parse(o->role)) == ROLE_NONE ||
	    area_code_level(o->area) == AREA_LEVEL_INVALID ||
	    (o->phone && !phone_normalize(o->phone, phone))) {
		cli_err("invalid --username, --role, --area or --phone / 参数无效");
		return EXIT_USAGE;
	}
	rc = EXIT_RUNTIME;
	if (!new_password(o, pw, sizeof pw) || !(s = cli_open_store(o->db, false, 1)))
		goto out;
	if (!store_area_exists(s, o->area)) {
		cli_err("no area %s in this database / 数据库中没有该区域", o->area);
		goto out;
	}
	uuid_v4(in.id);
	in.username = o->username;
	in.display_name = o->name;
	in.phone = phone;
	memcpy(in.area, o->area, strlen(o->area) + 1);
	in.must_change = o->must_change || o->generate;
	if (!pwhash_make(pw, hash))
		goto out;
	in.password_hash = hash;
	a = arena_new();
	/* the operator at the console, over the account's area */
	struct principal who = svc_system_principal(in.area);
	switch (svc_user_create(s, &who, NULL, &in, a, &out, &replayed)) {
	case STORE_OK:
		printf("created account %s (%s, %s)\n", out.username, role_name(out.role), out.area);
		if (o->generate)
			printf("initial password / 初始密码: %s\n", pw);
		rc = EXIT_OK;
		break;
	case STORE_CONFLICT:
		cli_err("the username %s is taken / 用户名已被使用", o->username);
		break;
	default:
		cli_err("creating the account failed / 创建账号失败");
	}
out:
	sodium_memzero(pw, sizeof pw);
	arena_free(a);
	store_close(s);
	return rc;
}

static int user_passwd(struct user_opts *o)
{
	char pw[512], hash[PWHASH_LEN];
	struct arena *a = arena_new();
	struct store *s = NULL;
	struct user u;
	int rc = EXIT_RUNTIME;

	if (!o->username) {
		fputs(user_help, stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!(s = cli_open_store(o->db, false, 1)))
		goto out;
	if (store_user_by_name(s, o->username, a, &u) != STORE_OK) {
		cli_err("no account %s / 账号不存在", o->username);
		goto out;
	}
	if (!new_password(o, pw, sizeof pw) || !pwhash_make(pw, hash))
		goto out;
	struct principal who = svc_system_principal(u.area);
	if (svc_auth_password(s, &who, NULL, u.id, hash, NULL, o->must_change || o->generate, a,
			      NULL) != STORE_OK) {
		cli_err("setting the password failed / 修改密码失败");
		goto out;
	}
	printf("password set for %s\n", u.username);
	if (o->generate)
		printf("initial password / 初始密码: %s\n", pw);
	rc = EXIT_OK;
out:
	sodium_memzero(pw, sizeof pw);
	arena_free(a);
	store_close(s);
	return rc;
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
	if ((rc = parse(argc - 1, argv + 1, &o)) != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (!strcmp(sub, "add"))
		return user_add(&o);
	if (!strcmp(sub, "passwd"))
		return user_passwd(&o);
	if (!strcmp(sub, "list"))
		return user_list(&o);
	cli_err("unknown user command '%s' / 未知子命令", sub);
	return EXIT_USAGE;
}
