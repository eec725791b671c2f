/* fsutil — moving a file into place so that it is still there after a power loss.
 *
 * rename() changes a directory entry, and a directory entry is on disk only once the
 * directory itself is synced: without that, a crash after a reply that said "queued" can
 * leave the file under its old name (or under neither, on some file systems). The file's
 * own bytes must be synced by the writer before the rename (fsync on its descriptor). */
#ifndef FK_FSUTIL_H
#define FK_FSUTIL_H

#include <stdbool.h>

/* fsync of the directory at dir ("" or NULL: the working directory); false with errno
 * when it cannot be opened as a directory or synced. */
bool fs_sync_dir(const char *dir);

/* rename(from, to), then fsync of to's directory (and of from's when it differs). False
 * with errno when the rename failed (nothing moved) or when a sync failed (the file is at
 * `to`, but its entry may not be durable yet). */
bool fs_rename_durable(const char *from, const char *to);

#endif
