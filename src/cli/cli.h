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

/* Opens a store for a command; prints the reason and returns NULL on failure. */
struct store *cli_open_store(const char *db, bool create, int readers);
/* Prints "fangkong: " + message to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
