/* cli_backup — `fangkong keygen`, `backup`, `restore`, and the backup `serve` writes before
 * it migrates a database (docs/operations.md sections 5 and 6).
 *
 * A backup is written beside its final name and only then renamed to it, so that a file
 * with a backup's name is always whole: the snapshot (VACUUM INTO, one consistent read of
 * the live database) goes to NAME.snap, is checked (integrity, every table's rows and
 * digest: store_table_digests), then either becomes NAME (plain) or is encrypted to
 * NAME.part, which becomes NAME (cryptfile). An encrypted backup is verified after it is
 * written: decrypted to NAME.check, checked, and its tables' rows and digests compared with
 * the snapshot's; a backup that fails this is removed.
 *
 * The plain stream of an encrypted backup holds two sections, each its length (8 bytes,
 * little endian) and its bytes: the SQLite file, then the card-link key (FILE.key beside
 * the database; empty when there is none), so that a restored county keeps its printed
 * cards' links. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/cryptfile.h"
#include "util/log.h"

enum {
	PATH_MAX_FK = 4096,
	CARD_KEY_MAX = 4096, /* the card-link key file is 64 bytes */
	PRUNE_MAX = 4096,    /* backups a folder's retention looks at */
};

/* ---- files ---- */

static bool fsync_dir_of(const char *path)
{
	char tmp[PATH_MAX_FK];
	int fd;
	bool ok;

	snprintf(tmp, sizeof tmp, "%s", path);
	if ((fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return false;
	ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

/* Makes an empty file 0600 (a backup holds what the database holds); false when it exists
 * or cannot be made, with the reason in err. */
static bool make_private(const char *path, char *err, size_t errsz)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errsz,
			 errno == EEXIST ? "%s exists already (remove it if it was left by an "
					   "interrupted run) / 文件已存在"
					 : "%s cannot be created / 无法创建文件",
			 path);
		return false;
	}
	close(fd);
	return true;
}

/* name + suffix into out */
static void with_suffix(char *out, size_t outsz, const char *name, const char *suffix)
{
	if ((size_t)snprintf(out, outsz, "%s%s", name, suffix) >= outsz)
		out[0] = '\0'; /* no such path: what uses it fails */
}

/* Renames from to to, never over an existing file, then makes it durable. */
static bool put_in_place(const char *from, const char *to, char *err, size_t errsz)
{
	if (link(from, to) != 0) {
		snprintf(err, errsz,
			 errno == EEXIST ? "%s exists already / 文件已存在"
					 : "%s cannot be created / 无法创建文件",
			 to);
		return false;
	}
	unlink(from);
	if (!fsync_dir_of(to)) {
		snprintf(err, errsz, "%s cannot be made durable (fsync) / 无法写入磁盘", to);
		return false;
	}
	return true;
}

static bool fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && fsync(fd) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static int64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* The card-link key file's bytes (at most CARD_KEY_MAX); *n = 0 when there is none. */
static bool card_key_read(const char *path, unsigned char *buf, size_t *n)
{
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t k;

	*n = 0;
	if (fd < 0)
		return !path || errno == ENOENT;
	k = read(fd, buf, CARD_KEY_MAX);
	close(fd);
	if (k < 0)
		return false;
	*n = (size_t)k;
	return true;
}

static bool card_key_write(const char *path, const unsigned char *buf, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, buf, n) == (ssize_t)n && fsync(fd) == 0;
	close(fd);
	return ok;
}

/* ---- what a database file holds ---- */

struct snap {
	int version;
	size_t ntables;
	int64_t rows;
	struct store_table_digest *d;
};

/* Opens an SQLite file as it is (never migrated). */
static struct store *open_as_is(const char *db, char *err, size_t errsz)
{
	struct store_opts o = {.readers = 1, .batch_max = 16, .no_migrate = true};
	const char *e = "?";
	struct store *s;

	if (access(db, F_OK) != 0) {
		snprintf(err, errsz, "no database at %s / 数据库不存在", db);
		return NULL;
	}
	if (!(s = store_open(db, &o, &e)))
		snprintf(err, errsz, "%s: %s", db, e);
	return s;
}

static bool snap_of_store(struct store *s, struct arena *a, struct snap *out, char *err,
			  size_t errsz)
{
	char msg[256];

	*out = (struct snap){.version = store_schema_version(s)};
	if (store_integrity_check(s, msg, sizeof msg) != STORE_OK) {
		snprintf(err, errsz, "integrity check: %s / 完整性检查未通过", msg);
		return false;
	}
	if (store_table_digests(s, a, &out->d, &out->ntables) != STORE_OK) {
		snprintf(err, errsz, "the tables cannot be read / 无法读取数据表");
		return false;
	}
	for (size_t i = 0; i < out->ntables; i++)
		out->rows += out->d[i].rows;
	return true;
}

/* Integrity, schema version, tables' rows and digests of the SQLite file at path. */
static bool snap_of(const char *path, struct arena *a, struct snap *out, char *err, size_t errsz)
{
	struct store *s = open_as_is(path, err, errsz);
	bool ok = s && snap_of_store(s, a, out, err, errsz);

	store_close(s);
	/* opening left the sidecars of WAL mode, gone at the close; be sure */
	char side[PATH_MAX_FK];
	with_suffix(side, sizeof side, path, "-wal");
	unlink(side);
	with_suffix(side, sizeof side, path, "-shm");
	unlink(side);
	return ok;
}

static bool same(const struct snap *x, const struct snap *y, char *err, size_t errsz)
{
	if (x->ntables != y->ntables || x->version != y->version) {
		snprintf(err, errsz, "the copy has other tables / 副本的数据表不一致");
		return false;
	}
	for (size_t i = 0; i < x->ntables; i++)
		if (strcmp(x->d[i].table, y->d[i].table) || x->d[i].rows != y->d[i].rows ||
		    strcmp(x->d[i].sha256, y->d[i].sha256)) {
			snprintf(err, errsz,
				 "table %s: %lld rows in the copy, %lld in the database / 表 %s "
				 "的行数或内容不一致",
				 x->d[i].table, (long long)y->d[i].rows, (long long)x->d[i].rows,
				 x->d[i].table);
			return false;
		}
	return true;
}

/* ---- encryption of a backup ---- */

static void le64(unsigned char b[8], uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t from_le64(const unsigned char b[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

/* The SQLite file plain and the card-link key (may be none) into out (made 0600). */
static bool encrypt_to(const char *plain, const char *card_key, const char *out,
		       const unsigned char *key, char *err, size_t errsz)
{
	unsigned char ck[CARD_KEY_MAX], len[8], *buf = malloc(CRYPTFILE_CHUNK);
	size_t ckn;
	struct stat st;
	struct cryptfile_writer *w = NULL;
	int in = open(plain, O_RDONLY | O_CLOEXEC), fd = -1;
	bool ok = false;

	if (!buf)
		fk_oom();
	if (!card_key_read(card_key, ck, &ckn)) {
		snprintf(err, errsz, "cannot read the card-link key %s / 无法读取联心卡密钥",
			 card_key);
		goto out;
	}
	if (in < 0 || fstat(in, &st) != 0 || !make_private(out, err, errsz) ||
	    (fd = open(out, O_WRONLY | O_CLOEXEC)) < 0 || !(w = cryptfile_write_begin(fd, key)))
		goto failed;
	le64(len, (uint64_t)st.st_size);
	if (!cryptfile_write(w, len, 8))
		goto failed;
	for (off_t done = 0; done < st.st_size;) {
		ssize_t k = read(in, buf, CRYPTFILE_CHUNK);
		if (k <= 0 || !cryptfile_write(w, buf, (size_t)k))
			goto failed;
		done += k;
	}
	le64(len, ckn);
	ok = cryptfile_write(w, len, 8) && cryptfile_write(w, ck, ckn);
	ok = cryptfile_write_end(w) && ok;
	w = NULL;
	if (ok && fsync(fd) == 0)
		goto out;
failed:
	ok = false;
	if (!*err)
		snprintf(err, errsz, "cannot write %.300s: %s / 无法写入备份文件", out,
			 strerror(errno));
out:
	cryptfile_write_abort(w);
	sodium_memzero(ck, sizeof ck);
	free(buf);
	if (in >= 0)
		close(in);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The backup from decrypted: its SQLite file into db_out (made 0600, fsync'd), its card
 * key into ck (*ckn bytes). False when it is damaged, cut or made with another key. */
static bool decrypt_to(const char *from, const unsigned char *key, const char *db_out,
		       unsigned char *ck, size_t *ckn, char *err, size_t errsz)
{
	unsigned char len[8], *buf = malloc(CRYPTFILE_CHUNK);
	struct cryptfile_reader *r = NULL;
	int in = open(from, O_RDONLY | O_CLOEXEC), fd = -1;
	uint64_t n;
	bool ok = false;

	if (!buf)
		fk_oom();
	if (in < 0) {
		snprintf(err, errsz, "cannot read %s / 无法读取备份文件", from);
		goto out;
	}
	if (!(r = cryptfile_read_begin(in, key, err, errsz)))
		goto out;
	if (!make_private(db_out, err, errsz) || (fd = open(db_out, O_WRONLY | O_CLOEXEC)) < 0)
		goto out;
	if (cryptfile_read(r, len, 8, err, errsz) != 8)
		goto damaged;
	for (n = from_le64(len); n;) {
		size_t want = n < CRYPTFILE_CHUNK ? (size_t)n : CRYPTFILE_CHUNK;
		int64_t k = cryptfile_read(r, buf, want, err, errsz);
		if (k != (int64_t)want)
			goto damaged;
		if (write(fd, buf, want) != (ssize_t)want) {
			snprintf(err, errsz, "cannot write %s: %s / 无法写入", db_out,
				 strerror(errno));
			goto out;
		}
		n -= want;
	}
	if (cryptfile_read(r, len, 8, err, errsz) != 8 || (n = from_le64(len)) > CARD_KEY_MAX ||
	    cryptfile_read(r, ck, (size_t)n, err, errsz) != (int64_t)n)
		goto damaged;
	*ckn = (size_t)n;
	ok = cryptfile_read_end(r, err, errsz);
	r = NULL;
	if (ok && fsync(fd) != 0) {
		snprintf(err, errsz, "cannot write %s: %s / 无法写入", db_out, strerror(errno));
		ok = false;
	}
	goto out;
damaged:
	if (!*err)
		snprintf(err, errsz, "the backup is damaged or cut short / 备份文件已损坏或不完整");
out:
	if (r)
		cryptfile_read_end(r, err, errsz);
	free(buf);
	if (in >= 0)
		close(in);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* ---- one backup ---- */

struct backup_job {
	const char *out;           /* its final name */
	const char *card_key;      /* the card-link key file, or NULL */
	const unsigned char *key;  /* NULL: a plain SQLite file */
	const struct snap *expect; /* what the snapshot must hold (nobody writes), or NULL */
	struct snap got;           /* what it holds */
	int64_t bytes;
};

/* Checks an encrypted backup: it decrypts, and holds what the snapshot held. */
static bool verify(struct backup_job *j, struct arena *a, char *err, size_t errsz)
{
	char check[PATH_MAX_FK];
	unsigned char ck[CARD_KEY_MAX], ck0[CARD_KEY_MAX];
	size_t ckn = 0, ck0n = 0;
	struct snap back;
	bool ok;

	with_suffix(check, sizeof check, j->out, ".check");
	ok = decrypt_to(j->out, j->key, check, ck, &ckn, err, errsz) &&
	     snap_of(check, a, &back, err, errsz) && same(&j->got, &back, err, errsz) &&
	     card_key_read(j->card_key, ck0, &ck0n);
	if (ok && (ckn != ck0n || sodium_memcmp(ck, ck0, ckn) != 0)) {
		snprintf(err, errsz, "the card-link key in the backup differs / 联心卡密钥不一致");
		ok = false;
	}
	sodium_memzero(ck, sizeof ck);
	sodium_memzero(ck0, sizeof ck0);
	unlink(check);
	return ok;
}

/* Writes and checks the backup j of s (see the top of the file). */
static bool backup_write(struct store *s, struct backup_job *j, struct arena *a, char *err,
			 size_t errsz)
{
	char snapf[PATH_MAX_FK], part[PATH_MAX_FK];
	bool ok = false, placed = false;

	*err = '\0';
	with_suffix(snapf, sizeof snapf, j->out, ".snap");
	with_suffix(part, sizeof part, j->out, ".part");
	if (access(j->out, F_OK) == 0) {
		snprintf(err, errsz, "%s exists already / 输出文件已存在", j->out);
		return false;
	}
	if (!make_private(snapf, err, errsz))
		return false;
	if (store_backup(s, snapf) != STORE_OK) {
		snprintf(err, errsz, "the snapshot (VACUUM INTO %.300s) failed / 数据库快照失败",
			 snapf);
		goto out;
	}
	if (!snap_of(snapf, a, &j->got, err, errsz) ||
	    (j->expect && !same(j->expect, &j->got, err, errsz)))
		goto out;
	if (!j->key) {
		if (!fsync_path(snapf) || !put_in_place(snapf, j->out, err, errsz))
			goto out;
		placed = true;
	} else {
		if (!encrypt_to(snapf, j->card_key, part, j->key, err, errsz) ||
		    !put_in_place(part, j->out, err, errsz))
			goto out;
		placed = true;
		if (!verify(j, a, err, errsz))
			goto out;
	}
	j->bytes = file_size(j->out);
	ok = true;
out:
	unlink(snapf);
	unlink(part);
	if (!ok && placed)
		unlink(j->out); /* never a backup that was not verified */
	return ok;
}

/* ---- retention ---- */

/* The time in a scheduled backup's name fangkong-YYYYMMDDTHHMMSSZ.fkbak; false when the
 * name is not one (such files are never touched). */
static bool name_time(const char *name, time_t *t)
{
	static const char pre[] = "fangkong-", suf[] = ".fkbak";
	const char *p = name + sizeof pre - 1;
	struct tm tm = {0};
	char again[32];

	if (strlen(name) != sizeof pre - 1 + 16 + sizeof suf - 1 || strncmp(name, pre, 9) ||
	    strcmp(p + 16, suf) || p[8] != 'T' || p[15] != 'Z')
		return false;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (p[i] < '0' || p[i] > '9'))
			return false;
	tm.tm_year =
		(p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + p[3] - '0' - 1900;
	tm.tm_mon = (p[4] - '0') * 10 + p[5] - '0' - 1;
	tm.tm_mday = (p[6] - '0') * 10 + p[7] - '0';
	tm.tm_hour = (p[9] - '0') * 10 + p[10] - '0';
	tm.tm_min = (p[11] - '0') * 10 + p[12] - '0';
	tm.tm_sec = (p[13] - '0') * 10 + p[14] - '0';
	*t = timegm(&tm);
	/* a date that does not exist (20260231) is normalised by timegm: not a name we wrote */
	struct tm back;
	gmtime_r(t, &back);
	strftime(again, sizeof again, "%Y%m%dT%H%M%SZ", &back);
	return !strncmp(again, p, 16);
}

struct dated {
	char name[40];
	time_t t;
};

static int newest_first(const void *x, const void *y)
{
	const struct dated *a = x, *b = y;

	return a->t < b->t ? 1 : a->t > b->t ? -1 : strcmp(b->name, a->name);
}

/* Removes name from dir when it is what a run interrupted by a crash left (NAME.snap, a
 * plain copy of the database; NAME.part; NAME.check) more than 12 hours before now, so that
 * no plain copy stays in the folder; whether it did. */
static bool leftover(const char *dir, const char *name, time_t now)
{
	static const char *const ends[] = {".snap", ".part", ".check"};
	char base[32], path[PATH_MAX_FK];
	size_t n = strlen(name);
	time_t t;

	if (n <= 31)
		return false;
	memcpy(base, name, 31);
	base[31] = '\0';
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (!strcmp(name + 31, ends[i]) && name_time(base, &t) && t < now - 12 * 3600) {
			snprintf(path, sizeof path, "%s/%s", dir, name);
			return unlink(path) == 0;
		}
	return false;
}

/* Removes name from dir when it is a backup taken before an upgrade (serve, at a new
 * version: pre-upgrade-…) older than the retention keeps any scheduled backup (the longer of
 * daily days and weekly weeks): it holds the personal data of its day, which the retention
 * of personal data (docs/privacy.md) must not find again in a forgotten copy; whether it
 * did. */
static bool old_pre_upgrade(const char *dir, const char *name, time_t now, int daily, int weekly)
{
	static const char pre[] = "pre-upgrade-";
	char path[PATH_MAX_FK];
	struct stat st;
	int64_t keep_days = daily > weekly * 7 ? daily : (int64_t)weekly * 7;
	size_t n = strlen(name);

	if (strncmp(name, pre, sizeof pre - 1) || !((n > 3 && !strcmp(name + n - 3, ".db")) ||
						    (n > 6 && !strcmp(name + n - 6, ".fkbak"))))
		return false;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_mtime >= now - (time_t)(keep_days * 86400))
		return false;
	return unlink(path) == 0;
}

/* Removes the scheduled backups in dir that the retention does not keep: the newest of each
 * of the last daily days and of each of the last weekly ISO weeks (Monday to Sunday, UTC),
 * counted back from now; never just (the one just written), never one dated after now; and
 * the leftovers of interrupted runs, and the backups taken before upgrades once older than
 * the longest of those. Appends the removed names to pruned; their number. */
static int prune(const char *dir, const char *just, time_t now, int daily, int weekly, char *pruned,
		 size_t prunedsz)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct dated *f = calloc(PRUNE_MAX, sizeof *f);
	size_t n = 0, used = strlen(pruned);
	int64_t today = now / 86400, thisweek = (today + 3) / 7, lastday = -1, lastweek = -1;
	int removed = 0;

	if (!f)
		fk_oom();
	while (d && (e = readdir(d)) && n < PRUNE_MAX) {
		if (name_time(e->d_name, &f[n].t)) {
			memcpy(f[n].name, e->d_name, 32); /* name_time: 31 characters */
			n++;
		} else if (leftover(dir, e->d_name, now) ||
			   old_pre_upgrade(dir, e->d_name, now, daily, weekly)) {
			used += (size_t)snprintf(pruned + used,
						 used < prunedsz ? prunedsz - used : 0, "%s%s",
						 removed++ ? "," : "", e->d_name);
			if (used >= prunedsz)
				used = prunedsz - 1;
		}
	}
	if (d)
		closedir(d);
	qsort(f, n, sizeof *f, newest_first);
	for (size_t i = 0; i < n; i++) {
		int64_t day = f[i].t / 86400, week = (day + 3) / 7;
		bool keep = !strcmp(f[i].name, just) || f[i].t > now;
		if (day != lastday && today - day < daily)
			keep = true;
		if (week != lastweek && thisweek - week < weekly)
			keep = true;
		lastday = day;
		lastweek = week;
		if (keep)
			continue;
		char path[PATH_MAX_FK];
		snprintf(path, sizeof path, "%s/%s", dir, f[i].name);
		if (unlink(path) != 0) {
			log_warn("cannot remove the old backup %s: %s", path, strerror(errno));
			continue;
		}
		removed++;
		used += (size_t)snprintf(pruned + used, used < prunedsz ? prunedsz - used : 0,
					 "%s%s", removed > 1 ? "," : "", f[i].name);
		if (used >= prunedsz)
			used = prunedsz - 1;
	}
	free(f);
	return removed;
}

/* ---- the commands ---- */

static const char keygen_help[] =
	"usage: fangkong keygen --out FILE\n"
	"\n"
	"Makes a new backup key: 32 random bytes written as 64 hex digits and a newline, in a\n"
	"new file made 0600 (never over an existing one). Keep a copy away from this machine:\n"
	"without the key, its backups cannot be read by anyone.\n"
	"生成新的备份密钥（64 位十六进制），文件权限 0600，不会覆盖已有文件。\n"
	"请在本机以外另存一份：没有密钥，备份无法恢复。\n";

int cli_keygen(int argc, char **argv)
{
	const char *out = NULL;
	const struct cli_opt opts[] = {{.name = "out", .value = &out, .required = true}, {0}};
	int rc;

	if (!cli_parse(argc, argv, opts, keygen_help, &rc))
		return rc;
	if (!cryptfile_keygen(out)) {
		cli_err(errno == EEXIST ? "%s exists already: a key is never overwritten / "
					  "密钥文件已存在，不会覆盖"
					: "%s cannot be created / 无法创建密钥文件",
			out);
		return EXIT_RUNTIME;
	}
	printf("backup key written to %s (0600); keep a copy off this machine / "
	       "备份密钥已写入，请另行保存一份\n",
	       out);
	return EXIT_OK;
}

static const char backup_help[] =
	"usage: fangkong backup --db FILE --out FILE [--key KEYFILE]\n"
	"       fangkong backup --db FILE --dir DIR --key KEYFILE [--keep-daily N]\n"
	"                       [--keep-weekly M]\n"
	"\n"
	"Writes a consistent copy of the database (VACUUM INTO), also while the server runs,\n"
	"and checks it (integrity, every table's rows). Files are created 0600.\n"
	"在线生成一致的数据库备份并校验（完整性、各表行数），文件权限 0600。\n"
	"\n"
	"  --db FILE         the SQLite database (PostgreSQL: use pg_dump, see\n"
	"                    docs/operations.md)\n"
	"  --out FILE        one backup to FILE, which must not exist. Without --key a plain\n"
	"                    SQLite file, with the card-link key (FILE.key beside the\n"
	"                    database) copied to OUT.key; with --key encrypted, the card-link\n"
	"                    key inside, and verified by decrypting it.\n"
	"  --dir DIR         the scheduled form: DIR/fangkong-YYYYMMDDTHHMMSSZ.fkbak, encrypted,\n"
	"                    verified, then the older backups in DIR pruned; one summary line\n"
	"  --key KEYFILE     the backup key (fangkong keygen; mode 600, or 640 for a group)\n"
	"  --keep-daily N    keep the newest backup of each of the last N days (default 7)\n"
	"  --keep-weekly M   and of each of the last M ISO weeks (default 4); files in DIR\n"
	"                    that are not named like a backup are never touched\n"
	"  --card-key FILE   the card-link key, when it is not FILE.key beside the database\n"
	"                    (serve --data-dir DIR keeps it in DIR/fangkong.key)\n"
	"  --now TIME        YYYYMMDDTHHMMSSZ: the time to name the backup and count the\n"
	"                    retention from (tests and drills; default: now)\n"
	"Exit 0 only when the backup was written and verified.\n"
	"定时备份：写入 DIR/fangkong-时间.fkbak（加密），校验后按保留策略清理旧备份。\n";

/* A count option's value, from 0 to max; false when it is not one. */
static bool count_arg(const char *name, const char *v, int max, int *out)
{
	char *end;
	long n;

	if (!v)
		return true;
	n = strtol(v, &end, 10);
	if (*end || end == v || n < 0 || n > max) {
		cli_err("--%s must be a number from 0 to %d / 参数超出范围", name, max);
		return false;
	}
	*out = (int)n;
	return true;
}

static bool load_key(const char *path, unsigned char key[CRYPTFILE_KEYBYTES])
{
	char err[512];

	if (cryptfile_key_load(path, key, err, sizeof err))
		return true;
	cli_err("%s", err);
	return false;
}

static void print_snap(const struct snap *s)
{
	for (size_t i = 0; i < s->ntables; i++)
		printf("  %-24s %lld\n", s->d[i].table, (long long)s->d[i].rows);
}

/* The scheduled or the single backup of an open store; the exit code. */
static int backup_run(struct store *s, const char *db, const char *out, const char *dir,
		      const unsigned char *key, const char *card_key, time_t now, int daily,
		      int weekly)
{
	char name[PATH_MAX_FK], stamp[32], card[PATH_MAX_FK], err[1024], pruned[2048] = "";
	struct arena *a = arena_new();
	struct tm tm;
	int npruned = 0, rc = EXIT_RUNTIME;

	if (card_key)
		snprintf(card, sizeof card, "%s", card_key);
	else
		with_suffix(card, sizeof card, db, ".key");
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	if (dir)
		snprintf(name, sizeof name, "%s/fangkong-%s.fkbak", dir, stamp);
	else
		snprintf(name, sizeof name, "%s", out);
	struct backup_job j = {.out = name, .card_key = key ? card : NULL, .key = key};
	/* the scheduled form makes its folder on the first run, the owner's only */
	if (dir && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		cli_err("%s cannot be created / 无法创建备份目录", dir);
		goto out;
	}
	if (!backup_write(s, &j, a, err, sizeof err)) {
		cli_err("backup failed: %s / 备份失败", err);
		goto out;
	}
	if (!key) {
		/* a plain backup: the card-link key beside it, as the database has it */
		unsigned char ck[CARD_KEY_MAX];
		size_t ckn;
		char to[PATH_MAX_FK];
		bool ok;
		with_suffix(to, sizeof to, name, ".key");
		ok = card_key_read(card, ck, &ckn) && (!ckn || card_key_write(to, ck, ckn));
		sodium_memzero(ck, sizeof ck);
		if (!ok) {
			cli_err("the key file could not be copied to %s / 密钥文件复制失败", to);
			goto out;
		}
	}
	if (dir) {
		npruned = prune(dir, strrchr(name, '/') + 1, now, daily, weekly, pruned,
				sizeof pruned);
		printf("backup %s: %lld bytes, %zu tables, %lld rows, schema version %d, verified;"
		       " pruned %d%s%s / 备份已写入并校验，清理旧备份 %d 个\n",
		       name, (long long)j.bytes, j.got.ntables, (long long)j.got.rows,
		       j.got.version, npruned, npruned ? ": " : "", pruned, npruned);
	} else {
		printf("backup written to %s: %lld bytes, %zu tables, %lld rows%s / 备份已写入\n",
		       name, (long long)j.bytes, j.got.ntables, (long long)j.got.rows,
		       key ? ", encrypted, verified" : ", checked");
	}
	rc = EXIT_OK;
out:
	arena_free(a);
	return rc;
}

/* --now's value; false when it is not YYYYMMDDTHHMMSSZ. */
static bool now_arg(const char *v, time_t *now)
{
	char name[64];

	if (!v) {
		*now = time(NULL);
		return true;
	}
	snprintf(name, sizeof name, "fangkong-%s.fkbak", v);
	if (!name_time(name, now)) {
		cli_err("--now must be a UTC time YYYYMMDDTHHMMSSZ / --now 格式应为 "
			"YYYYMMDDTHHMMSSZ");
		return false;
	}
	return true;
}

int cli_backup(int argc, char **argv)
{
	const char *db = NULL, *out = NULL, *dir = NULL, *keyf = NULL, *kd = NULL, *kw = NULL,
		   *card = NULL, *nowv = NULL;
	const struct cli_opt opts[] = {{.name = "db", .value = &db, .required = true},
				       {.name = "out", .value = &out},
				       {.name = "dir", .value = &dir},
				       {.name = "key", .value = &keyf},
				       {.name = "keep-daily", .value = &kd},
				       {.name = "keep-weekly", .value = &kw},
				       {.name = "card-key", .value = &card},
				       {.name = "now", .value = &nowv},
				       {0}};
	unsigned char key[CRYPTFILE_KEYBYTES];
	char err[1024];
	int daily = 7, weekly = 4, rc;
	time_t now;
	struct store *s;

	if (!cli_parse(argc, argv, opts, backup_help, &rc))
		return rc;
	if (store_is_url(db)) {
		cli_err("a PostgreSQL database is backed up with pg_dump (or pg_basebackup), not by"
			" fangkong backup: see docs/operations.md / PostgreSQL 数据库请用 pg_dump "
			"或 "
			"pg_basebackup 备份");
		return EXIT_USAGE;
	}
	if (!out == !dir || (dir && !keyf)) {
		cli_err("give --out FILE, or --dir DIR with --key KEYFILE / 请指定 "
			"--out，或同时指定 "
			"--dir 和 --key");
		fputs(backup_help, stderr);
		return EXIT_USAGE;
	}
	if (!count_arg("keep-daily", kd, 3660, &daily) ||
	    !count_arg("keep-weekly", kw, 520, &weekly) || !now_arg(nowv, &now))
		return EXIT_USAGE;
	if (keyf && !load_key(keyf, key))
		return EXIT_RUNTIME;
	if (!(s = open_as_is(db, err, sizeof err))) {
		cli_err("%s", err);
		sodium_memzero(key, sizeof key);
		return EXIT_RUNTIME;
	}
	rc = backup_run(s, db, out, dir, keyf ? key : NULL, card, now, daily, weekly);
	store_close(s);
	sodium_memzero(key, sizeof key);
	return rc;
}

static const char restore_help[] =
	"usage: fangkong restore --from FILE --key KEYFILE --db NEWDB [--card-key FILE]\n"
	"\n"
	"Decrypts an encrypted backup (fangkong backup --key/--dir) into the new database NEWDB,\n"
	"checks it (integrity, every table's rows) and puts the card-link key beside it as\n"
	"NEWDB.key (or at --card-key FILE, for serve --data-dir DIR: DIR/fangkong.key).\n"
	"NEWDB must not exist: a restore never overwrites a database. Prints the schema version\n"
	"and the rows of each table. Serve NEWDB with fangkong serve --db NEWDB.\n"
	"将加密备份解密为新的数据库 NEWDB（不能已存在）并校验，同时恢复联心卡密钥。\n";

/* Refuses what exists among the files a restore makes. */
static bool fresh(const char *path)
{
	if (access(path, F_OK) == 0 || errno != ENOENT) {
		cli_err("%s exists already: a restore never overwrites it / %s 已存在，恢复不会覆盖"
			"已有文件",
			path, path);
		return false;
	}
	return true;
}

int cli_restore(int argc, char **argv)
{
	const char *from = NULL, *keyf = NULL, *db = NULL, *card = NULL;
	const struct cli_opt opts[] = {{.name = "from", .value = &from, .required = true},
				       {.name = "key", .value = &keyf, .required = true},
				       {.name = "db", .value = &db, .required = true},
				       {.name = "card-key", .value = &card},
				       {0}};
	unsigned char key[CRYPTFILE_KEYBYTES], ck[CARD_KEY_MAX];
	char part[PATH_MAX_FK], cardp[PATH_MAX_FK], err[1024] = "";
	size_t ckn = 0;
	struct arena *a = NULL;
	struct snap got;
	int rc;

	if (!cli_parse(argc, argv, opts, restore_help, &rc))
		return rc;
	if (store_is_url(db)) {
		cli_err("restore makes an SQLite file; a PostgreSQL database is restored with "
			"pg_restore / 恢复仅生成 SQLite 文件，PostgreSQL 请用 pg_restore");
		return EXIT_USAGE;
	}
	with_suffix(part, sizeof part, db, ".part");
	if (card)
		snprintf(cardp, sizeof cardp, "%s", card);
	else
		with_suffix(cardp, sizeof cardp, db, ".key");
	if (!fresh(db) || !fresh(cardp) || !load_key(keyf, key))
		return EXIT_RUNTIME;
	rc = EXIT_RUNTIME;
	a = arena_new();
	if (!decrypt_to(from, key, part, ck, &ckn, err, sizeof err) ||
	    !snap_of(part, a, &got, err, sizeof err)) {
		cli_err("restore failed: %s / 恢复失败", err);
		goto out;
	}
	if (got.version < 1 || got.version > store_schema_latest()) {
		cli_err("the backup's schema version %d is not one this program runs (1–%d) / "
			"备份的数据库版本不受本程序支持",
			got.version, store_schema_latest());
		goto out;
	}
	if (!fsync_path(part) || !put_in_place(part, db, err, sizeof err)) {
		cli_err("restore failed: %s / 恢复失败", err);
		goto out;
	}
	if (ckn && (!card_key_write(cardp, ck, ckn) || !fsync_dir_of(cardp))) {
		cli_err("the card-link key could not be written to %s / 联心卡密钥无法写入", cardp);
		goto out;
	}
	printf("restored %s: schema version %d, %zu tables, %lld rows%s / 已恢复\n", db,
	       got.version, got.ntables, (long long)got.rows,
	       ckn ? ", card-link key restored" : "");
	print_snap(&got);
	rc = EXIT_OK;
out:
	unlink(part);
	sodium_memzero(key, sizeof key);
	sodium_memzero(ck, sizeof ck);
	arena_free(a);
	return rc;
}

/* ---- before an upgrade ---- */

int cli_upgrade_backup(const char *db, const char *data_dir, const char *card_key,
		       const char *key_file)
{
	char dir[PATH_MAX_FK], name[PATH_MAX_FK], stamp[32], err[1024] = "", tmp[PATH_MAX_FK];
	unsigned char key[CRYPTFILE_KEYBYTES];
	struct store *s = NULL;
	struct arena *a = NULL;
	struct snap now_;
	int v, latest = store_schema_latest(), rc = EXIT_RUNTIME;
	time_t now = time(NULL);
	struct tm tm;

	if (key_file && !load_key(key_file, key))
		return EXIT_RUNTIME;
	if (store_is_url(db)) {
		struct store_opts o = {.readers = 1, .batch_max = 16, .no_migrate = true};
		const char *e;
		if ((s = store_open(db, &o, &e)) && (v = store_schema_version(s)) > 0 && v < latest)
			log_warn("PostgreSQL database at version %d, this program needs %d: no "
				 "automatic backup is taken (back it up with pg_dump first)",
				 v, latest);
		rc = EXIT_OK; /* store_open says what is wrong, if anything */
		goto out;
	}
	if (access(db, F_OK) != 0)
		return EXIT_OK; /* store_open says it */
	if (!(s = open_as_is(db, err, sizeof err))) {
		cli_err("%s", err);
		goto out;
	}
	if ((v = store_schema_version(s)) <= 0 || v >= latest) {
		rc = EXIT_OK;
		goto out;
	}
	if (data_dir)
		snprintf(dir, sizeof dir, "%s/backups", data_dir);
	else {
		snprintf(tmp, sizeof tmp, "%s", db);
		snprintf(dir, sizeof dir, "%s/backups", dirname(tmp));
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	/* a start again within the same second (a failed migration retried) gets -2, -3… */
	for (int i = 1; i < 100; i++) {
		char nth[16] = "";
		if (i > 1)
			snprintf(nth, sizeof nth, "-%d", i);
		if ((size_t)snprintf(name, sizeof name, "%s/pre-upgrade-v%d-to-v%d-%s%s.%s", dir, v,
				     latest, stamp, nth, key_file ? "fkbak" : "db") >= sizeof name)
			name[0] = '\0';
		if (access(name, F_OK) != 0)
			break;
	}
	a = arena_new();
	if ((mkdir(dir, 0700) != 0 && errno != EEXIST) ||
	    !snap_of_store(s, a, &now_, err, sizeof err)) {
		if (!*err)
			snprintf(err, sizeof err, "cannot create %.300s / 无法创建目录", dir);
	} else {
		struct backup_job j = {.out = name,
				       .card_key = key_file ? card_key : NULL,
				       .key = key_file ? key : NULL,
				       .expect = &now_};
		if (backup_write(s, &j, a, err, sizeof err)) {
			log_info("database at version %d, this program needs %d: backup before the "
				 "upgrade written to %s (%lld bytes, %lld rows, verified)",
				 v, latest, name, (long long)j.bytes, (long long)j.got.rows);
			rc = EXIT_OK;
		}
	}
	if (rc != EXIT_OK)
		cli_err("the database needs an upgrade from version %d to %d, but the backup before"
			" it failed: %s. Nothing was changed; the previous version of fangkong "
			"still"
			" runs it. / 数据库需从版本 %d 升级到 "
			"%d，但升级前备份失败，数据库未作任何更改",
			v, latest, err, v, latest);
out:
	store_close(s);
	arena_free(a);
	sodium_memzero(key, sizeof key);
	return rc;
}
