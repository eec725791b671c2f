/* cli — the subcommands of the fangkong binary. Each returns the process exit code:
 * 0 ok, 1 runtime error, 2 usage error. Messages go to stderr in Chinese and English. */
#ifndef FK_CLI_H
#define FK_CLI_H

#include "store/store.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

int cli_init(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_retention(int argc, char **argv);
int cli_schema(int argc, char **argv);
int cli_copy(int argc, char **argv);
/* backups (cli_backup.c): keygen, restore, and the backup serve takes before it migrates an
 * SQLite database that has pending migrations (into DATA_DIR/backups, or beside db; with
 * key_file encrypted, the card-link key card_key inside); EXIT_OK when none was needed or
 * it was written and verified. */
int cli_keygen(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_upgrade_backup(const char *db, const char *data_dir, const char *card_key,
		       const char *key_file);
/* Prints a line per table: its name, rows and digest (store_table_digests); the exit code. */
int cli_print_digests(struct store *s);

/* Opens a store for a command; prints the reason and returns NULL on failure. */
struct store *cli_open_store(const char *db, bool create, int readers);
/* --at TIME of a command that runs a job at a given time (sweep, retention): *now keeps
 * the clock's time without it; false after printing why (the command exits EXIT_USAGE). */
bool cli_at(const char *at, int64_t *now);
/* Prints "fangkong: " + message to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One option of a command: an option with a value stores it in *value (the last one
 * given wins), an option without one sets *flag. Exactly one of value and flag is set; a
 * table ends with {0}; at most 16 options. */
struct cli_opt {
	const char *name; /* long name without "--" */
	const char **value;
	bool *flag;
	bool required; /* with value: the command cannot run without it */
};

/* Reads argv (argv[0] is the command) against opts and --help. True when the command
 * goes on. False with *rc set when it is done: EXIT_OK after --help (help on stdout);
 * EXIT_USAGE after an unknown option, a missing value, a missing required option or an
 * argument that is not an option (help on stderr). */
bool cli_parse(int argc, char **argv, const struct cli_opt *opts, const char *help, int *rc);

#endif
