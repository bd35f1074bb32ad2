/*
** explain.c: owns lance_explain(sql): runs one read-only statement to its end
** and returns what each `lance` table cursor of it read, so a user can see
** why a query is fast or slow:
**
**   SELECT lance_explain('SELECT * FROM t WHERE k = 7');
**   rows: 156
**   t: index k_idx (BTREE) on k = ?: 156 candidate rows (3 index pages/bitmaps
**   read); took 156 rows from 2 of 2 indexed fragments; scanned 1 unindexed fragments
**
** One line per xFilter run of a cursor (scalar_filter.c writes it), in the
** order the runs ended.  The per-connection state (vtab_conn) is the `lance`
** module's client data; vtab.c hands it to every table.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <string.h>

#include "vtab.h"

struct vtab_conn {
  int recording;        /* a lance_explain is running */
  sqlite3_str *log;     /* its lines */
};

vtab_conn *vtab_conn_new(void) {
  vtab_conn *c = sqlite3_malloc(sizeof *c);
  if (c) memset(c, 0, sizeof *c);
  return c;
}

void vtab_conn_free(void *p) {
  vtab_conn *c = p;
  if (!c) return;
  sqlite3_free(sqlite3_str_finish(c->log));
  sqlite3_free(c);
}

void vtab_explain_note(const lvtab *vt, const lcursor *c) {
  if (!vt->conn || !vt->conn->recording || !c->ds) return;
  char *line = vtab_sfilt_explain(vt, c);
  if (line) sqlite3_str_appendf(vt->conn->log, "\n%s", line);
  sqlite3_free(line);
}

static void explain_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  vtab_conn *conn = sqlite3_user_data(ctx);
  const char *sql = (const char *)sqlite3_value_text(argv[0]);
  if (!sql) {
    sqlite3_result_error(ctx, "lance_explain: the argument is NULL, not an SQL statement", -1);
    return;
  }
  if (conn->recording) {
    sqlite3_result_error(ctx, "lance_explain: cannot run inside another lance_explain", -1);
    return;
  }
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_stmt *st = NULL;
  const char *tail = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
  if (rc == SQLITE_OK && (!st || !sqlite3_stmt_readonly(st))) {
    sqlite3_finalize(st);
    sqlite3_result_error(ctx, "lance_explain: the argument must be one read-only statement (a SELECT)", -1);
    return;
  }
  if (rc != SQLITE_OK) {
    char *m = sqlite3_mprintf("lance_explain: %s", sqlite3_errmsg(db));
    sqlite3_result_error(ctx, m ? m : "lance_explain: out of memory", -1);
    sqlite3_free(m);
    return;
  }
  conn->recording = 1;
  conn->log = sqlite3_str_new(db);
  sqlite3_int64 rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) rows++;
  sqlite3_finalize(st); /* closes the cursors: their last runs are noted */
  conn->recording = 0;
  char *log = sqlite3_str_finish(conn->log);
  conn->log = NULL;
  if (rc != SQLITE_DONE) { /* an inner lance_explain's message says so already */
    const char *msg = sqlite3_errmsg(db);
    char *m = sqlite3_mprintf("%s%s", strncmp(msg, "lance_explain: ", 15) ? "lance_explain: " : "", msg);
    sqlite3_result_error(ctx, m ? m : "lance_explain: out of memory", -1);
    sqlite3_free(m);
  } else {
    char *out = sqlite3_mprintf("rows: %lld%s", (long long)rows, log ? log : "");
    if (out) sqlite3_result_text(ctx, out, -1, sqlite3_free);
    else sqlite3_result_error_nomem(ctx);
  }
  sqlite3_free(log);
}

int vtab_explain_register(sqlite3 *db, vtab_conn *conn) {
  return sqlite3_create_function(db, "lance_explain", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, conn,
                                 explain_func, NULL, NULL);
}
