/* fangkong — grassroots epidemic prevention and control (群防群治).
 * The command line: serve, init, user, backup. See `fangkong --help`. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"fangkong — 基层疫情防控信息系统 / grassroots epidemic prevention and control\n"
	"\n"
	"usage: fangkong COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  init     create a database and load a county's areas   创建数据库并导入县（市、区）区划\n"
	"  user     add, list accounts or set a password           管理账号\n"
	"  serve    run the web server                              启动服务\n"
	"  backup   consistent copy of a live database             在线备份数据库\n"
	"  check    integrity check of a database                  检查数据库完整性\n"
	"  copy     copy a database to PostgreSQL (or back)         复制数据库\n"
	"  sweep    send the due reminders once (overdue, missed)   发送到期提醒\n"
	"  schema   print the SQL schema (SQLite or PostgreSQL)      打印数据库结构 SQL\n"
	"  keygen   make a backup key                               生成备份密钥\n"
	"  restore  restore an encrypted backup into a new database  从加密备份恢复数据库\n"
	"  retention  anonymise personal data past its retention  匿名化超期个人信息\n"
	"  version  print the version\n"
	"\n"
	"`fangkong COMMAND --help` explains each command's options.\n"
	"Exit codes: 0 ok, 1 runtime error, 2 usage error.\n";

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, cmd ? stdout : stderr);
		return cmd ? EXIT_OK : EXIT_USAGE;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		puts("fangkong " FK_VERSION);
		return EXIT_OK;
	}
	if (sodium_init() < 0) {
		cli_err("libsodium failed to start / 加密库初始化失败");
		return EXIT_RUNTIME;
	}
	if (!strcmp(cmd, "init"))
		return cli_init(argc - 1, argv + 1);
	if (!strcmp(cmd, "user"))
		return cli_user(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return cli_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "backup"))
		return cli_backup(argc - 1, argv + 1);
	if (!strcmp(cmd, "sweep"))
		return cli_sweep(argc - 1, argv + 1);
	if (!strcmp(cmd, "schema"))
		return cli_schema(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cli_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "copy"))
		return cli_copy(argc - 1, argv + 1);
	if (!strcmp(cmd, "keygen"))
		return cli_keygen(argc - 1, argv + 1);
	if (!strcmp(cmd, "restore"))
		return cli_restore(argc - 1, argv + 1);
	if (!strcmp(cmd, "retention"))
		return cli_retention(argc - 1, argv + 1);
	cli_err("unknown command '%s' (see fangkong --help) / 未知命令", cmd);
	return EXIT_USAGE;
}
