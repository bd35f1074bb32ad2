/* info.c: lance_version(): the extension version and the Lance formats it reads. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "lance_ext.h"

static void lance_version_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_result_text(ctx,
                      "sqlite-lance " LANCE_EXT_VERSION
                      " (reads Lance file versions legacy (0.2), 2.0, 2.1, 2.2, 2.3)",
                      -1, SQLITE_STATIC);
}

int lance_info_register(sqlite3 *db) {
  return sqlite3_create_function(db, "lance_version", 0,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, 0,
                                 lance_version_func, 0, 0);
}
