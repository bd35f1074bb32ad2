/*
** merge.c: owns lance_merge_insert(table, key, query [, options]), LanceDB's
** merge_insert (upsert) over a lance table:
**
**   SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging',
**     'when_matched=update_all when_not_matched=insert when_not_matched_by_source=keep');
**
**   when_matched               update_all | update_if=<expr> | do_nothing
**   when_not_matched           insert | do_nothing
**   when_not_matched_by_source keep | delete | delete_if=<expr>
** (defaults as LanceDB's builder: do_nothing, do_nothing, keep; a merge that
** can change nothing is refused, as LanceDB refuses it).  A value runs to
** the next option name, so expressions may hold spaces; they are SQL over
** `target.<col>` and `source.<col>` (delete_if: target only), as LanceDB's.
**
** It runs as SQL statements on the table, inside a savepoint, so it is one
** part of the caller's transaction (one Lance version of its own in
** autocommit) and leaves nothing when it fails: the source query is
** materialized once (temp.lance_merge_src), the target's keys and row ids
** read once (temp.lance_merge_keys, one scan of the key column), both indexed
** on the key; then DELETE of rows not matched by the source, UPDATE ... FROM
** of matched rows (by row id), INSERT of unmatched source rows, all against
** the target as it was.  A target row matched by two source rows is refused,
** as LanceDB refuses it.  NULL keys never match.  Returns
** {"version":N,"num_inserted_rows":N,"num_updated_rows":N,"num_deleted_rows":N}
** (version null inside a transaction, whose COMMIT makes the version).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lance_ext.h"
#include "lf_table.h"
#include "opts.h"
#include "pragma.h"

enum { MATCH_NOTHING, MATCH_UPDATE };
typedef struct merge_opts {
  int matched, insert, by_source_delete;
  char *update_if, *delete_if;        /* sqlite3_malloc'd, or NULL */
} merge_opts;

typedef struct merge_ctx {
  sqlite3 *db;
  pctx p;                             /* the table resolved as the pragma functions do */
  const char *table, *key;
  char **cols;                        /* the table's columns */
  int ncols;
  char *err;                          /* sqlite3_malloc'd message */
  sqlite3_int64 inserted, updated, deleted;
} merge_ctx;

static int merr(merge_ctx *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *z = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  sqlite3_free(m->err);
  m->err = sqlite3_mprintf("lance_merge_insert: %s", z ? z : "out of memory");
  sqlite3_free(z);
  return SQLITE_ERROR;
}

/* ---- Options ------------------------------------------------------------------------ */

static const char *const OPT_NAMES[] = {"when_not_matched_by_source", "when_not_matched",
                                        "when_matched"};

/* One option's value v (trimmed) into o. */
static int set_opt(merge_ctx *m, merge_opts *o, int k, const char *v) {
  if (k == 2 && !strcmp(v, "update_all")) o->matched = MATCH_UPDATE;
  else if (k == 2 && !strcmp(v, "do_nothing")) o->matched = MATCH_NOTHING;
  else if (k == 2 && !strncmp(v, "update_if=", 10) && v[10]) {
    o->matched = MATCH_UPDATE;
    o->update_if = sqlite3_mprintf("%s", v + 10);
  } else if (k == 1 && !strcmp(v, "insert")) o->insert = 1;
  else if (k == 1 && !strcmp(v, "do_nothing")) o->insert = 0;
  else if (k == 0 && !strcmp(v, "keep")) o->by_source_delete = 0;
  else if (k == 0 && !strcmp(v, "delete")) o->by_source_delete = 1;
  else if (k == 0 && !strncmp(v, "delete_if=", 10) && v[10]) {
    o->by_source_delete = 1;
    o->delete_if = sqlite3_mprintf("%s", v + 10);
  } else {
    static const char *const expect[] = {"keep, delete or delete_if=<expr>", "insert or do_nothing",
                                          "update_all, update_if=<expr> or do_nothing"};
    return merr(m, "bad value '%s' for %s (expected %s)", v, OPT_NAMES[k], expect[k]);
  }
  return SQLITE_OK;
}

static int parse_opts(merge_ctx *m, const char *z, merge_opts *o) {
  memset(o, 0, sizeof *o);
  int seen[3] = {0, 0, 0};
  vtab_opt a;
  while (vtab_opt_next(&z, OPT_NAMES, 3, 1, &a)) {
    if (a.key < 0)
      return merr(m, "unknown option '%.*s' (expected when_matched, when_not_matched or "
                  "when_not_matched_by_source)", (int)a.kn, a.k);
    if (seen[a.key]++) return merr(m, "option %s is given twice", OPT_NAMES[a.key]);
    char *v = sqlite3_mprintf("%.*s", (int)a.vn, a.v);
    int rc = v ? set_opt(m, o, a.key, v) : SQLITE_NOMEM;
    sqlite3_free(v);
    if (rc) return rc;
  }
  if (!o->matched && !o->insert && !o->by_source_delete)
    return merr(m, "the merge changes nothing: give when_matched=update_all|update_if=<expr>, "
                "when_not_matched=insert or when_not_matched_by_source=delete|delete_if=<expr>");
  return SQLITE_OK;
}

/* ---- Statements ------------------------------------------------------------------------ */

/* Run one statement (sqlite3_malloc'd sql, freed); *changes = its changes. */
static int exec(merge_ctx *m, char *sql, const char *what, sqlite3_int64 *changes) {
  if (!sql) return SQLITE_NOMEM;
  char *e = NULL;
  int rc = sqlite3_exec(m->db, sql, NULL, NULL, &e);
  sqlite3_free(sql);
  if (rc == SQLITE_OK && changes) *changes = sqlite3_changes64(m->db);
  if (rc && rc != SQLITE_NOMEM) merr(m, "%s: %s", what, e ? e : sqlite3_errstr(rc));
  sqlite3_free(e);
  return rc;
}

/* The names of table `t` in schema `db` (visible columns), in m->cols or *out. */
static int columns(merge_ctx *m, const char *db, const char *t, char ***out, int *n) {
  sqlite3_stmt *st;
  *out = NULL;
  *n = 0;
  int rc = sqlite3_prepare_v2(m->db, "SELECT name FROM pragma_table_xinfo(?1, ?2) WHERE hidden = 0 "
                              "ORDER BY cid", -1, &st, NULL);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, db, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char **nc = sqlite3_realloc64(*out, (uint64_t)(*n + 1) * sizeof *nc);
    if (!nc || !(nc[*n] = sqlite3_mprintf("%s", sqlite3_column_text(st, 0)))) {
      if (nc) *out = nc;
      rc = SQLITE_NOMEM;
      break;
    }
    *out = nc;
    (*n)++;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void free_names(char **a, int n) {
  for (int i = 0; i < n; i++) sqlite3_free(a[i]);
  sqlite3_free(a);
}

static int has_name(char **a, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!sqlite3_stricmp(a[i], name)) return 1;
  return 0;
}

/* The source's columns cover the key and (when rows are written) every column. */
static int check_source(merge_ctx *m, const merge_opts *o) {
  char **sc;
  int ns, rc = columns(m, "temp", "lance_merge_src", &sc, &ns);
  if (rc) return rc;
  if (!has_name(sc, ns, m->key)) rc = merr(m, "the source has no key column '%s'", m->key);
  for (int i = 0; !rc && (o->insert || o->matched) && i < m->ncols; i++)
    if (!has_name(sc, ns, m->cols[i]))
      rc = merr(m, "the source has no column '%s' (inserted and updated rows need every column "
                "of '%s')", m->cols[i], m->table);
  free_names(sc, ns);
  return rc;
}

/* A target row matched by two source rows. */
static int check_ambiguous(merge_ctx *m) {
  sqlite3_stmt *st;
  char *sql = sqlite3_mprintf("SELECT k.k FROM temp.lance_merge_keys k JOIN temp.lance_merge_src s "
                              "ON s.\"%w\" = k.k GROUP BY k.rid HAVING count(*) > 1 LIMIT 1", m->key);
  if (!sql) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(m->db, sql, -1, &st, NULL);
  sqlite3_free(sql);
  if (rc) return merr(m, "%s", sqlite3_errmsg(m->db));
  if ((rc = sqlite3_step(st)) == SQLITE_ROW)
    rc = merr(m, "ambiguous merge: several source rows have key %s = %s, which matches a row "
              "of '%s'", m->key, sqlite3_column_text(st, 0), m->table);
  else rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
  sqlite3_finalize(st);
  return rc;
}

static int stage(merge_ctx *m, const char *query, const merge_opts *o) {
  int rc = exec(m, sqlite3_mprintf("CREATE TEMP TABLE lance_merge_src AS %s", query),
                "the source query failed", NULL);
  if (!rc) rc = check_source(m, o);
  if (!rc) rc = exec(m, sqlite3_mprintf("CREATE TEMP TABLE lance_merge_keys AS SELECT \"%w\" AS k, "
                                        "rowid AS rid FROM main.\"%w\" WHERE \"%w\" IS NOT NULL; "
                                        "CREATE INDEX temp.lance_merge_keys_k ON lance_merge_keys(k); "
                                        "CREATE INDEX temp.lance_merge_src_k ON lance_merge_src(\"%w\")",
                                        m->key, m->table, m->key, m->key),
                     "reading the target's keys", NULL);
  if (!rc && o->matched) rc = check_ambiguous(m);
  return rc;
}

static int run_merge(merge_ctx *m, const merge_opts *o) {
  int rc = SQLITE_OK;
  if (o->by_source_delete)
    rc = exec(m, sqlite3_mprintf("DELETE FROM main.\"%w\" AS target WHERE rowid IN (SELECT rid FROM "
                                 "temp.lance_merge_keys k WHERE NOT EXISTS (SELECT 1 FROM "
                                 "temp.lance_merge_src s WHERE s.\"%w\" = k.k))%s%s%s", m->table,
                                 m->key, o->delete_if ? " AND (" : "",
                                 o->delete_if ? o->delete_if : "", o->delete_if ? ")" : ""),
              "when_not_matched_by_source", &m->deleted);
  if (!rc && o->matched) {
    /* the matched source rows with their target row ids, materialized: the
    ** target is then read by row id for those rows only (left to itself the
    ** planner may look the target up once per target key) */
    sqlite3_str *s = sqlite3_str_new(m->db);
    sqlite3_str_appendf(s, "WITH source AS MATERIALIZED (SELECT s.*, k.rid AS lance_merge_rid FROM "
                        "temp.lance_merge_src s JOIN temp.lance_merge_keys k ON k.k = s.\"%w\") "
                        "UPDATE main.\"%w\" AS target SET ", m->key, m->table);
    for (int i = 0; i < m->ncols; i++)
      sqlite3_str_appendf(s, "%s\"%w\" = source.\"%w\"", i ? ", " : "", m->cols[i], m->cols[i]);
    sqlite3_str_appendf(s, " FROM source WHERE target.rowid = source.lance_merge_rid");
    if (o->update_if) sqlite3_str_appendf(s, " AND (%s)", o->update_if);
    rc = exec(m, sqlite3_str_finish(s), "when_matched", &m->updated);
  }
  if (!rc && o->insert) {
    sqlite3_str *s = sqlite3_str_new(m->db), *c = sqlite3_str_new(m->db);
    for (int i = 0; i < m->ncols; i++) sqlite3_str_appendf(c, "%s\"%w\"", i ? ", " : "", m->cols[i]);
    char *cl = sqlite3_str_finish(c);
    sqlite3_str_appendf(s, "INSERT INTO main.\"%w\"(%s) SELECT %s FROM temp.lance_merge_src AS source "
                        "WHERE NOT EXISTS (SELECT 1 FROM temp.lance_merge_keys k WHERE k.k = "
                        "source.\"%w\")", m->table, cl, cl, m->key);
    sqlite3_free(cl);
    rc = exec(m, sqlite3_str_finish(s), "when_not_matched", &m->inserted);
  }
  return rc;
}

/* ---- The function ------------------------------------------------------------------------ */

static int resolve(merge_ctx *m) {
  m->p.db = m->db;
  m->p.zFunc = "lance_merge_insert";
  m->p.zArg = m->table;
  int rc = pragma_resolve(&m->p);
  if (rc) return m->p.zErr ? merr(m, "%s", m->p.zErr + strlen("lance_merge_insert: ")) : rc;
  if (!m->p.zTable) return merr(m, "'%s' is a dataset path, not a lance table (create one over it "
                                "to merge into it)", m->table);
  if (m->p.version || m->p.zTag)
    return merr(m, "table '%s' is pinned to a version or tag and is read-only", m->table);
  if (!(rc = columns(m, "main", m->table, &m->cols, &m->ncols)) && !has_name(m->cols, m->ncols, m->key))
    rc = merr(m, "table '%s' has no column '%s'", m->table, m->key);
  return rc;
}

/* Run the merge inside a savepoint; nothing is left when it fails. */
static int merge(merge_ctx *m, const char *query, const merge_opts *o) {
  int rc = exec(m, sqlite3_mprintf("SAVEPOINT lance_merge_insert"), "savepoint", NULL);
  if (rc) return rc;
  rc = stage(m, query, o);
  if (!rc) rc = run_merge(m, o);
  if (!rc) rc = exec(m, sqlite3_mprintf("DROP TABLE temp.lance_merge_src; DROP TABLE "
                                        "temp.lance_merge_keys"), "dropping the staging tables", NULL);
  if (rc) sqlite3_exec(m->db, "ROLLBACK TO lance_merge_insert", NULL, NULL, NULL);
  int rc2 = exec(m, sqlite3_mprintf("RELEASE lance_merge_insert"), "commit", NULL);
  return rc ? rc : rc2;
}

static char *result_json(merge_ctx *m, int in_txn) {
  sqlite3_str *s = sqlite3_str_new(m->db);
  uint64_t *v = NULL;
  size_t n = 0;
  lf_error e = {0};
  if (in_txn || lf_dataset_versions(m->p.store, m->p.zPath, &v, &n, &e) || !n)
    sqlite3_str_appendall(s, "{\"version\":null");
  else
    sqlite3_str_appendf(s, "{\"version\":%llu", (unsigned long long)v[n - 1]);
  free(v);
  sqlite3_str_appendf(s, ",\"num_inserted_rows\":%lld,\"num_updated_rows\":%lld,"
                      "\"num_deleted_rows\":%lld}", m->inserted, m->updated, m->deleted);
  return sqlite3_str_finish(s);
}

static void merge_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  merge_ctx m;
  merge_opts o = {0};
  memset(&m, 0, sizeof m);
  m.db = sqlite3_context_db_handle(ctx);
  const char *query = (const char *)sqlite3_value_text(argv[2]);
  m.table = (const char *)sqlite3_value_text(argv[0]);
  m.key = (const char *)sqlite3_value_text(argv[1]);
  int rc, in_txn = !sqlite3_get_autocommit(m.db);
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || sqlite3_value_type(argv[1]) != SQLITE_TEXT ||
      sqlite3_value_type(argv[2]) != SQLITE_TEXT)
    rc = merr(&m, "the table, the key column and the source query must be TEXT");
  else if (argc > 3 && sqlite3_value_type(argv[3]) != SQLITE_TEXT &&
           sqlite3_value_type(argv[3]) != SQLITE_NULL)
    rc = merr(&m, "the options must be TEXT ('when_matched=... when_not_matched=... "
              "when_not_matched_by_source=...')");
  else if (!(rc = resolve(&m)) &&
           !(rc = parse_opts(&m, argc > 3 ? (const char *)sqlite3_value_text(argv[3]) : NULL, &o)))
    rc = merge(&m, query, &o);
  char *json = rc ? NULL : result_json(&m, in_txn);
  if (json) sqlite3_result_text(ctx, json, -1, sqlite3_free);
  else if (rc == SQLITE_NOMEM || !m.err) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_error(ctx, m.err, -1);
  free_names(m.cols, m.ncols);
  pragma_reset(&m.p);
  sqlite3_free(m.err);
  sqlite3_free(o.update_if);
  sqlite3_free(o.delete_if);
}

int lance_merge_register(sqlite3 *db) {
  int rc = SQLITE_OK;
  for (int n = 3; rc == SQLITE_OK && n <= 4; n++)
    rc = sqlite3_create_function(db, "lance_merge_insert", n, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                 NULL, merge_func, NULL, NULL);
  return rc;
}
