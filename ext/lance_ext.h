/*
** lance_ext.h: the registration functions each ext/ module exposes to
** lance.c.  Each returns an SQLite result code.
*/
#ifndef LANCE_EXT_H
#define LANCE_EXT_H

#include <sqlite3ext.h>

#define LANCE_EXT_VERSION "0.1.0"

int lance_info_register(sqlite3 *db); /* ext/info.c: lance_version() */
/* ext/vtab/pragma.c: lance_versions, lance_tags, lance_schema, lance_fragments,
** lance_indices (eponymous virtual tables) and lance_attach(). */
int lance_pragma_register(sqlite3 *db);
int lance_commands_register(sqlite3 *db); /* vtab/commands.c */
int lance_merge_register(sqlite3 *db);    /* vtab/merge.c: lance_merge_insert */
int lance_maint_register(sqlite3 *db);    /* vtab/maint.c: lance_compact, lance_cleanup */
int lance_train_register(sqlite3 *db);    /* vtab/permute.c: lance_permutation() */
/* vtab/take_batch.c: lance_take_columns (batch takes as column buffers) */
int lance_take_batch_register(sqlite3 *db);

#endif
