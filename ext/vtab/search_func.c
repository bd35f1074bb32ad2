/*
** search_func.c: owns the short spellings of search, the table-valued functions
**
**   fts('table', 'column', 'query' [, k [, 'options']])   -> rowid, _score
**   knn('table', 'column', query  [, k [, 'options']])   -> rowid, _distance
**
** joinable by rowid to the lance table they search:
**
**   SELECT d.*, f._score FROM fts('docs', 'body', 'rainy night', 10) f
**     JOIN docs d ON d.rowid = f.rowid;
**
** Each runs the table's own search, `SELECT rowid, <score> FROM "table" WHERE
** "column" MATCH ?1 [AND _k = ?2] [AND _options = ?3]`, on the same connection,
** so it sees what a MATCH on the table sees (the transaction's snapshot, the
** table's pinned version, its indexes) and reports the same errors.  k defaults
** to every match for fts() and to 10 for knn() (LanceDB's default limit).
** Results come best first: by _score descending, by _distance ascending.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <string.h>

#include "vtab.h"

typedef struct sfunc_def {
  const char *name;     /* fts, knn */
  const char *score;    /* the score column: _score, _distance */
  int default_k;        /* k when not given; -1: every match */
} sfunc_def;

static const sfunc_def sfunc_defs[] = {
  {"fts", "_score", -1},
  {"knn", "_distance", 10},
};

enum { SF_ROWID, SF_SCORE, SF_TABLE, SF_COLUMN, SF_QUERY, SF_K, SF_OPTIONS, SF_NARGS = 5 };

typedef struct sfvtab {
  sqlite3_vtab base;
  sqlite3 *db;
  const sfunc_def *def;
} sfvtab;

typedef struct sfcursor {
  sqlite3_vtab_cursor base;
  sqlite3_stmt *stmt;
  int eof;
} sfcursor;

static int sf_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **err) {
  const sfunc_def *def = aux;
  (void)argc, (void)argv, (void)err;
  char *schema = sqlite3_mprintf("CREATE TABLE x(rowid INTEGER, %s REAL, tbl HIDDEN, col HIDDEN, "
                                 "query HIDDEN, k HIDDEN, options HIDDEN)", def->score);
  if (!schema) return SQLITE_NOMEM;
  int rc = sqlite3_declare_vtab(db, schema);
  sqlite3_free(schema);
  if (rc == SQLITE_OK) rc = sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  if (rc != SQLITE_OK) return rc;
  sfvtab *v = sqlite3_malloc(sizeof *v);
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof *v);
  v->db = db;
  v->def = def;
  *out = &v->base;
  return SQLITE_OK;
}

static int sf_disconnect(sqlite3_vtab *p) {
  sqlite3_free(p);
  return SQLITE_OK;
}

/*
** The plan: idxNum bit (1 << i) when argument i (table, column, query, k,
** options) has a usable `= ?`, argv in that order; all are consumed.  Table,
** column and query are required: a plan without them costs 1e12 (xFilter then
** names what is missing), one whose constraint is not usable in this join order
** is SQLITE_CONSTRAINT.  The results are ordered best first (ORDER BY the score
** in its natural direction is consumed).
*/
static int sf_best_index(sqlite3_vtab *p, sqlite3_index_info *info) {
  int at[SF_NARGS], unusable = 0, argv = 0;
  for (int i = 0; i < SF_NARGS; i++) at[i] = -1;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int a = c->iColumn - SF_TABLE;
    if (a < 0 || a >= SF_NARGS || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (c->usable) at[a] = i;
    else unusable = 1;
  }
  info->idxNum = 0;
  for (int a = 0; a < SF_NARGS; a++) {
    if (at[a] < 0) continue;
    info->idxNum |= 1 << a;
    info->aConstraintUsage[at[a]].argvIndex = ++argv;
    info->aConstraintUsage[at[a]].omit = 1;
  }
  if ((info->idxNum & 7) != 7) {
    if (unusable) return SQLITE_CONSTRAINT;
    info->estimatedCost = 1e12;
    return SQLITE_OK;
  }
  const char *score = ((sfvtab *)p)->def->score;
  int desc = !strcmp(score, "_score");
  if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == SF_SCORE && info->aOrderBy[0].desc == desc)
    info->orderByConsumed = 1;
  info->estimatedCost = 1000;
  info->estimatedRows = 10;
  return SQLITE_OK;
}

static int sf_open(sqlite3_vtab *p, sqlite3_vtab_cursor **out) {
  (void)p;
  sfcursor *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  c->eof = 1;
  *out = &c->base;
  return SQLITE_OK;
}

static int sf_close(sqlite3_vtab_cursor *cur) {
  sqlite3_finalize(((sfcursor *)cur)->stmt);
  sqlite3_free(cur);
  return SQLITE_OK;
}

static int sf_error(sfvtab *v, const char *fmt, const char *arg) {
  sqlite3_free(v->base.zErrMsg);
  v->base.zErrMsg = sqlite3_mprintf(fmt, v->def->name, arg);
  return SQLITE_ERROR;
}

/* Step the statement once: a row, the end, or its error as the function's. */
static int sf_step(sfvtab *v, sfcursor *c) {
  int rc = sqlite3_step(c->stmt);
  c->eof = rc != SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return SQLITE_OK;
  return sf_error(v, "%s(): %s", sqlite3_errmsg(v->db));
}

static const char *const sf_arg_names[SF_NARGS] = {"table", "column", "query", "k", "options"};

static int sf_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
                     sqlite3_value **argv) {
  sfcursor *c = (sfcursor *)cur;
  sfvtab *v = (sfvtab *)cur->pVtab;
  sqlite3_value *arg[SF_NARGS] = {0};
  (void)idx_str;
  sqlite3_finalize(c->stmt);
  c->stmt = NULL;
  c->eof = 1;
  for (int a = 0, i = 0; a < SF_NARGS && i < argc; a++)
    if (idx & (1 << a)) arg[a] = argv[i++];
  for (int a = 0; a < 3; a++)
    if (!arg[a] || sqlite3_value_type(arg[a]) == SQLITE_NULL)
      return sf_error(v, "%s(): missing argument: the %s", sf_arg_names[a]);
  if (arg[SF_K - SF_TABLE] && sqlite3_value_type(arg[SF_K - SF_TABLE]) != SQLITE_INTEGER)
    return sf_error(v, "%s(): %s must be an integer, the number of results", "k");
  /* a double-quoted name SQLite does not know would be read as a string: check */
  sqlite3_stmt *chk = NULL;
  int rc = sqlite3_prepare_v2(v->db, "SELECT max(name = ?2 COLLATE NOCASE) FROM pragma_table_xinfo(?1)",
                              -1, &chk, NULL), found = -1;
  if (rc == SQLITE_OK) {
    sqlite3_bind_value(chk, 1, arg[0]);
    sqlite3_bind_value(chk, 2, arg[1]);
    if ((rc = sqlite3_step(chk)) == SQLITE_ROW && sqlite3_column_type(chk, 0) != SQLITE_NULL)
      found = sqlite3_column_int(chk, 0);
  }
  sqlite3_finalize(chk);
  if (rc != SQLITE_ROW) return sf_error(v, "%s(): %s", sqlite3_errmsg(v->db));
  if (found <= 0)
    return sf_error(v, found < 0 ? "%s(): no such table: %s" : "%s(): no such column: %s",
                    (const char *)sqlite3_value_text(arg[found < 0 ? 0 : 1]));
  int has_k = arg[3] || v->def->default_k >= 0;
  char *sql = sqlite3_mprintf("SELECT rowid, %s FROM \"%w\" WHERE \"%w\" MATCH ?1%s%s", v->def->score,
                              (const char *)sqlite3_value_text(arg[0]),
                              (const char *)sqlite3_value_text(arg[1]),
                              has_k ? " AND _k = ?2" : "", arg[4] ? " AND _options = ?3" : "");
  if (!sql) return SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(v->db, sql, -1, &c->stmt, NULL);
  sqlite3_free(sql);
  if (rc != SQLITE_OK) return sf_error(v, "%s(): %s", sqlite3_errmsg(v->db));
  sqlite3_bind_value(c->stmt, 1, arg[2]);
  if (arg[3]) sqlite3_bind_value(c->stmt, 2, arg[3]);
  else if (has_k) sqlite3_bind_int(c->stmt, 2, v->def->default_k);
  if (arg[4]) sqlite3_bind_value(c->stmt, 3, arg[4]);
  return sf_step(v, c);
}

static int sf_next(sqlite3_vtab_cursor *cur) {
  return sf_step((sfvtab *)cur->pVtab, (sfcursor *)cur);
}

static int sf_eof(sqlite3_vtab_cursor *cur) { return ((sfcursor *)cur)->eof; }

static int sf_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
  sfcursor *c = (sfcursor *)cur;
  if (col == SF_ROWID || col == SF_SCORE) sqlite3_result_value(ctx, sqlite3_column_value(c->stmt, col));
  return SQLITE_OK;
}

static int sf_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out) {
  *out = sqlite3_column_int64(((sfcursor *)cur)->stmt, SF_ROWID);
  return SQLITE_OK;
}

static sqlite3_module sfunc_module = {
  .iVersion = 0,
  .xConnect = sf_connect,
  .xBestIndex = sf_best_index,
  .xDisconnect = sf_disconnect,
  .xOpen = sf_open,
  .xClose = sf_close,
  .xFilter = sf_filter,
  .xNext = sf_next,
  .xEof = sf_eof,
  .xColumn = sf_column,
  .xRowid = sf_rowid,
};

int vtab_search_func_register(sqlite3 *db) {
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof sfunc_defs / sizeof sfunc_defs[0]; i++)
    rc = sqlite3_create_module(db, sfunc_defs[i].name, &sfunc_module, (void *)&sfunc_defs[i]);
  return rc;
}
