/* cli_serve — `fangkong serve`. Its options are one table (name, bounds, default, field,
 * help), from which parsing, checking and --help are all made. */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/server.h"
#include "io/import.h"
#include "util/cidr.h"
#include "util/log.h"
#include "util/timeutil.h"

struct serve_config {
	struct server_config http;
	const char *db, *data_dir;
	const char *backup_key; /* encrypts the backup taken before an upgrade */
	int readers, batch_max, clock_offset;
	int verbose;
};

struct int_opt {
	const char *name;
	size_t offset; /* of an int in struct serve_config */
	int min, max, def;
	const char *help;
};

#define HTTP(f) offsetof(struct serve_config, http.f)
#define TOP(f) offsetof(struct serve_config, f)
static const struct int_opt int_opts[] = {
	{"threads", HTTP(threads), 1, 256, 2, "HTTP threads (epoll pool)"},
	{"workers", HTTP(workers), 1, 1024, 64, "threads for writes and logins, which wait"},
	{"readers", TOP(readers), 1, 64, 4, "read-only database connections"},
	{"batch-max", TOP(batch_max), 1, 10000, 512, "most writes in one group commit"},
	{"max-connections", HTTP(max_connections), 4, 100000, 1024, "open connections"},
	{"max-per-address", HTTP(max_per_address), 1, 100000, 64,
	 "open connections from one client address (at most --max-connections)"},
	{"timeout", HTTP(connection_timeout), 1, 3600, 30, "seconds an idle connection is kept"},
	{"header-timeout", HTTP(header_timeout), 1, 3600, 10,
	 "seconds a client has to send a request header (also the keep-alive wait)"},
	{"max-body-kib", HTTP(max_body_kib), 1, 1048576, 1024, "request body cap, KiB"},
	{"max-header-kib", HTTP(max_header_kib), 8, 1024, 32, "request header memory cap, KiB"},
	{"session-idle", HTTP(session_idle), 60, 86400, 1800,
	 "seconds of inactivity that end a session"},
	{"session-absolute", HTTP(session_absolute), 300, 604800, 43200,
	 "seconds after login that end a session"},
	{"login-per-minute", HTTP(login_per_minute), 1, 100000, 30,
	 "login attempts per client address per minute"},
	{"lock-failures", HTTP(lock_failures), 1, 100, 5,
	 "failed logins in a row that lock an account"},
	{"lock-seconds", HTTP(lock_seconds), 1, 86400, 600,
	 "how long a locked account stays locked"},
	{"max-upload-mib", HTTP(max_upload_mib), 1, 4096, 200, "imported file cap, MiB"},
	{"observation-days", HTTP(obs_days), 1, 60, 14, "days of home observation by default"},
	{"fever-threshold", HTTP(fever_dc), 350, 420, 373,
	 "fever threshold in tenths of a degree (373 = 37.3 °C)"},
	{"self-per-minute", HTTP(self_per_minute), 1, 100000, 30,
	 "self-report and pre-registration requests per address, and self-reports per contact-card link, per minute"},
	{"prereg-pending-max", HTTP(prereg_pending_max), 1, 1000000, 20000,
	 "pre-registrations (QR poster) waiting at one checkpoint; more are refused for now"},
	{"export-max-rows", HTTP(export_max_rows), 1, 5000000, 1000000,
	 "rows one export of a list may hold"},
	{"clock-offset", TOP(clock_offset), -100000000, 100000000, 0,
	 "seconds added to the clock (drills and deadline tests)"},
};
#undef HTTP
#undef TOP
enum { NINT = sizeof int_opts / sizeof int_opts[0] };

static void help(FILE *f)
{
	fputs("usage: fangkong serve --db FILE [--listen HOST:PORT] [OPTIONS]\n"
	      "\n"
	      "Runs the web server and console. Prints `listening on http://HOST:PORT` once "
	      "ready;\n"
	      "stops cleanly on SIGINT or SIGTERM. 启动服务；收到 SIGINT/SIGTERM 时安全退出。\n"
	      "\n"
	      "  --db FILE|URL           SQLite database file, or a PostgreSQL database\n"
	      "                          postgresql://user@host/db (created by fangkong init)\n"
	      "  --data-dir DIR          where uploads and the card-link key are kept (default:\n"
	      "                          beside an SQLite file; ./fangkong-data for PostgreSQL;\n"
	      "                          servers sharing one database share this folder)\n"
	      "  --listen HOST:PORT      address to listen on (default 127.0.0.1:8080; port 0 = "
	      "any)\n"
	      "  --secure-cookies        mark the session cookie Secure (when served behind TLS)\n"
	      "  --public-url URL        how people reach the server, for the links printed on\n"
	      "                          contact cards (e.g. https://fk.example.cn; default: the\n"
	      "                          --listen address unless it is loopback or 0.0.0.0, else\n"
	      "                          the first valid Host a signed-in console request names)\n"
	      "  --verbose               debug logging\n"
	      "  --sms-command PATH      program that sends one SMS, run as PATH PHONE TEXT (no\n"
	      "                          shell; exit 0 = sent; killed after 10 s); enables the\n"
	      "                          duty mobiles of an area. 短信网关程序\n"
	      "  --backup-key FILE       encrypt the backup taken before a database upgrade\n"
	      "                          (DATA_DIR/backups/pre-upgrade-…; plain 0600 without it)\n"
	      "                          with this key (fangkong keygen). 升级前备份的加密密钥\n"
	      "  --trusted-proxy CIDR[,CIDR...]\n"
	      "                          reverse proxies (e.g. 127.0.0.1/32 for nginx on this\n"
	      "                          machine) whose X-Forwarded-For / X-Real-IP name the\n"
	      "                          client: rate limits, lockout and the audit then see the\n"
	      "                          real address; from any other peer the headers are\n"
	      "                          ignored (up to 16 blocks). 受信任的反向代理地址段\n"
	      "  --metrics-allow CIDR[,CIDR...]\n"
	      "                          clients GET /metrics answers, up to 16 ranges (default\n"
	      "                          127.0.0.1/32,::1/128; others get 404; behind a trusted\n"
	      "                          proxy, the address it names). 允许抓取监控指标的地址\n",
	      f);
	for (int i = 0; i < NINT; i++)
		fprintf(f, "  --%-21s %s (%d–%d, default %d)\n", int_opts[i].name, int_opts[i].help,
			int_opts[i].min, int_opts[i].max, int_opts[i].def);
}

/* http:// or https://, a host, no spaces, quotes or angle brackets, no trailing slash. */
static bool public_url_valid(const char *u)
{
	size_t n = strlen(u);
	const char *host = !strncmp(u, "https://", 8)  ? u + 8
			   : !strncmp(u, "http://", 7) ? u + 7
						       : NULL;

	if (!host || !*host || *host == '/' || n > 200 || u[n - 1] == '/')
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"'<>\\", *p))
			return false;
	return true;
}

/* Parses argv into c; returns EXIT_OK, EXIT_USAGE, or -1 after --help. */
static int parse(int argc, char **argv, struct serve_config *c)
{
	struct option opts[NINT + 12];
	int i, ch, idx;

	for (i = 0; i < NINT; i++) {
		opts[i] = (struct option){int_opts[i].name, required_argument, 0, 1000 + i};
		*(int *)((char *)c + int_opts[i].offset) = int_opts[i].def;
	}
	opts[i++] = (struct option){"db", required_argument, 0, 'd'};
	opts[i++] = (struct option){"listen", required_argument, 0, 'l'};
	opts[i++] = (struct option){"data-dir", required_argument, 0, 'D'};
	opts[i++] = (struct option){"secure-cookies", no_argument, 0, 's'};
	opts[i++] = (struct option){"public-url", required_argument, 0, 'u'};
	opts[i++] = (struct option){"verbose", no_argument, 0, 'v'};
	opts[i++] = (struct option){"sms-command", required_argument, 0, 'm'};
	opts[i++] = (struct option){"backup-key", required_argument, 0, 'B'};
	opts[i++] = (struct option){"trusted-proxy", required_argument, 0, 'P'};
	opts[i++] = (struct option){"help", no_argument, 0, 'h'};
	opts[i++] = (struct option){"metrics-allow", required_argument, 0, 'M'};
	opts[i] = (struct option){0, 0, 0, 0};
	c->http.listen = "127.0.0.1:8080";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		if (ch >= 1000 && ch < 1000 + NINT) {
			const struct int_opt *o = &int_opts[ch - 1000];
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < o->min || v > o->max) {
				cli_err("--%s must be a number from %d to %d / 参数超出范围",
					o->name, o->min, o->max);
				return EXIT_USAGE;
			}
			*(int *)((char *)c + o->offset) = (int)v;
			continue;
		}
		switch (ch) {
		case 'd': c->db = optarg; break;
		case 'l': c->http.listen = optarg; break;
		case 'D': c->data_dir = optarg; break;
		case 's': c->http.secure_cookies = true; break;
		case 'u':
			if (!public_url_valid(optarg)) {
				cli_err("--public-url must be http(s)://host[:port][/path] without "
					"a trailing"
					" slash / --public-url 格式应为 "
					"http(s)://主机[:端口][/路径]");
				return EXIT_USAGE;
			}
			c->http.public_url = optarg;
			break;
		case 'v': c->verbose = 1; break;
		case 'm':
			/* the operator's program, run without a shell: never set over the web */
			if (optarg[0] != '/' || access(optarg, X_OK) != 0) {
				cli_err("--sms-command must be the absolute path of an executable "
					"/ "
					"--sms-command 须为可执行程序的绝对路径");
				return EXIT_USAGE;
			}
			c->http.sms_command = optarg;
			break;
		case 'B': c->backup_key = optarg; break;
		case 'P': {
			const char *why = "?";
			if (!cidr_list_parse(optarg, &c->http.trusted_proxy, &why)) {
				cli_err("--trusted-proxy: %s", why);
				return EXIT_USAGE;
			}
			break;
		}
		case 'M': {
			const char *why;
			if (!cidr_list_parse(optarg, &c->http.metrics_allow, &why)) {
				cli_err("--metrics-allow: %s", why);
				return EXIT_USAGE;
			}
			break;
		}
		case 'h': help(stdout); return -1;
		default: help(stderr); return EXIT_USAGE;
		}
	}
	if (!c->db || optind != argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Uploads are kept in uploads/ beside an SQLite database, on the same disk, or in the
 * --data-dir; the card-link key is FILE.key beside an SQLite file, else fangkong.key in
 * the data folder (made 0700: full ID numbers and phones, the owner's only). */
static bool data_paths(const struct serve_config *c, char *up, size_t upsz, char *key, size_t keysz)
{
	const char *dir = c->data_dir, *slash = strrchr(c->db, '/');

	if (!dir && store_is_url(c->db))
		dir = "fangkong-data";
	if (dir) {
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return false;
		snprintf(up, upsz, "%s/uploads", dir);
		snprintf(key, keysz, "%s/fangkong.key", dir);
	} else {
		if (slash)
			snprintf(up, upsz, "%.*s/uploads", (int)(slash - c->db), c->db);
		else
			snprintf(up, upsz, "uploads");
		snprintf(key, keysz, "%s.key", c->db);
	}
	if (mkdir(up, 0700) != 0 && errno != EEXIST)
		return false;
	return chmod(up, 0700) == 0;
}

int cli_serve(int argc, char **argv)
{
	struct serve_config c = {0};
	struct store *s = NULL;
	struct server *srv = NULL;
	const char *err = "?";
	char updir[4096], keypath[4096];
	sigset_t set;
	int sig, rc;

	if ((rc = parse(argc, argv, &c)) != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (c.verbose)
		log_set_level(LOG_DEBUG);
	time_set_offset(c.clock_offset);
	/* Block the stop signals before any thread starts, so only sigwait sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = EXIT_RUNTIME;
	if (!data_paths(&c, updir, sizeof updir, keypath, sizeof keypath)) {
		cli_err("cannot create the upload folder %s / 无法创建上传目录", updir);
		goto out;
	}
	c.http.upload_dir = updir;
	c.http.key_path = keypath;
	/* an SQLite database with pending migrations is backed up first, else not migrated */
	if (cli_upgrade_backup(c.db, c.data_dir, keypath, c.backup_key) != EXIT_OK)
		goto out;
	struct store_opts so = {.readers = c.readers, .batch_max = c.batch_max, .create = false};
	if (!(s = store_open(c.db, &so, &err))) {
		cli_err("%s: %s", c.db, err);
		goto out;
	}
	if ((rc = import_sweep(s, updir)) > 0)
		log_info("removed %d file(s) no import needs from %s", rc, updir);
	rc = EXIT_RUNTIME;
	if (!(srv = server_start(s, &c.http, &err))) {
		cli_err("%s: %s", c.http.listen, err);
		goto out;
	}
	{
		char host[64];
		size_t hl = (size_t)(strrchr(c.http.listen, ':') - c.http.listen);
		snprintf(host, sizeof host, "%.*s", (int)hl, c.http.listen);
		printf("fangkong: listening on http://%s:%u\n", host, (unsigned)srv->port);
		fflush(stdout);
	}
	log_info("serving %s with %d threads, %d readers", c.db, c.http.threads, c.readers);
	if (c.http.trusted_proxy.n)
		log_info("client addresses of requests from %d trusted proxy block(s) are taken "
			 "from X-Forwarded-For / X-Real-IP",
			 c.http.trusted_proxy.n);
	sigwait(&set, &sig);
	log_info("stopping on signal %d", sig);
	rc = EXIT_OK;
out:
	server_stop(srv);
	store_close(s);
	return rc;
}
