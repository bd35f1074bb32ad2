/*
** take_batch.c: owns lance_take_columns, the batch take for training loaders:
** the values of a batch of rows, one result row per requested column, each
** column's values packed into one buffer a loader wraps without per-row objects:
**
**   SELECT name, type, n, data, offsets, nulls
**     FROM lance_take_columns('frames', :row_ids, '["image","label","score"]');
**
** Arguments: the table (a table name, unqualified, resolved as in FROM: a
** `lance` table, or any table with rowids), the row ids (a BLOB of
** little-endian 64-bit integers, 8 bytes each, or a JSON array of integers;
** repeats allowed) and the columns (a JSON array of column names).
**
** The rows are read by running `SELECT rowid, <columns> FROM "table" WHERE
** rowid IN (SELECT value FROM json_each(?))` on the same connection: the same
** take as a user's `WHERE rowid IN (...)` (format/'s takes, deletions
** honoured), at the table's version= / tag= pin, inside the caller's
** transaction.  The values are then put in the order of the row ids given.
**
** Result rows, in the order of the columns argument:
**   name     the column's name as the table spells it
**   type     'int64' | 'float64' | 'binary' | 'text', from the column's SQL type
**            (INTEGER, REAL, BLOB, TEXT; vectors are BLOB)
**   n        number of row ids given
**   data     int64 / float64: n values, 8 bytes each, little-endian (a NULL
**            value is 0); binary / text: the n values' bytes back to back
**   offsets  binary / text: n + 1 little-endian int64, offsets[0] = 0, value i
**            is data[offsets[i] .. offsets[i+1]) (empty for NULL); NULL for
**            int64 / float64
**   nulls    NULL when no value is NULL, else n bytes, 1 where the value is NULL
**
** Errors (one sentence, "lance_take_columns: ..."): a missing argument, row
** ids that are neither an 8-byte-multiple BLOB nor a JSON array of integers,
** columns not a non-empty JSON array of names, no such table or column, a
** column whose declared type is not one of the four, a value of another type
** than its column's (e.g. a uint64 above 2^63-1, TEXT in an INTEGER column),
** and a row id the table does not have (deleted, or not in its version).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lance_ext.h"

enum { TB_NAME, TB_TYPE, TB_N, TB_DATA, TB_OFFSETS, TB_NULLS, TB_TABLE, TB_IDS, TB_COLS,
       TB_NARGS = 3 };
enum { K_INT64, K_FLOAT64, K_BINARY, K_TEXT };
static const char *const tb_kind_names[] = {"int64", "float64", "binary", "text"};
static const char *const tb_sql_types[] = {"INTEGER", "REAL", "BLOB", "TEXT"};

/* One requested column: while rows arrive, per returned row k cell[2k] holds
** the value's 8 bytes (fixed kinds) or its start in arena, cell[2k+1] its
** length; then data/offsets/nulls in the order asked. */
typedef struct tb_col {
  char *name;
  int kind;
  uint64_t *cell;
  uint8_t *rnull;           /* per returned row: 1 = NULL */
  sqlite3_str *arena;       /* binary / text bytes of the returned rows */
  uint8_t *data;
  uint64_t ndata;
  int64_t *off;             /* n + 1 (binary / text) */
  uint8_t *nulls;           /* n, or NULL when none */
} tb_col;

typedef struct tb_vtab {
  sqlite3_vtab base;
  sqlite3 *db;
} tb_vtab;

typedef struct tb_cursor {
  sqlite3_vtab_cursor base;
  tb_col *cols;
  int ncols, pos;
  uint64_t n;               /* row ids asked */
} tb_cursor;

static int tb_error(tb_vtab *v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *m = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  sqlite3_free(v->base.zErrMsg);
  v->base.zErrMsg = m ? sqlite3_mprintf("lance_take_columns: %s", m) : NULL;
  sqlite3_free(m);
  return m ? SQLITE_ERROR : SQLITE_NOMEM;
}

static int tb_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **err) {
  (void)aux, (void)argc, (void)argv, (void)err;
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(name TEXT, type TEXT, n INTEGER, data BLOB, "
                                    "offsets BLOB, nulls BLOB, tbl HIDDEN, row_ids HIDDEN, "
                                    "columns HIDDEN)");
  if (rc == SQLITE_OK) rc = sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  if (rc != SQLITE_OK) return rc;
  tb_vtab *v = sqlite3_malloc(sizeof *v);
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof *v);
  v->db = db;
  *out = &v->base;
  return SQLITE_OK;
}

static int tb_disconnect(sqlite3_vtab *p) {
  sqlite3_free(p);
  return SQLITE_OK;
}

/* idxNum bit (1 << i) when argument i (table, row_ids, columns) has a usable
** `= ?`, argv in that order; a plan without all three costs 1e12 (xFilter then
** names what is missing), one whose constraint is unusable here is
** SQLITE_CONSTRAINT. */
static int tb_best_index(sqlite3_vtab *p, sqlite3_index_info *info) {
  int at[TB_NARGS] = {-1, -1, -1}, unusable = 0, argv = 0;
  (void)p;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int a = c->iColumn - TB_TABLE;
    if (a < 0 || a >= TB_NARGS || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (c->usable) at[a] = i;
    else unusable = 1;
  }
  info->idxNum = 0;
  for (int a = 0; a < TB_NARGS; a++) {
    if (at[a] < 0) continue;
    info->idxNum |= 1 << a;
    info->aConstraintUsage[at[a]].argvIndex = ++argv;
    info->aConstraintUsage[at[a]].omit = 1;
  }
  if (info->idxNum != 7) {
    if (unusable) return SQLITE_CONSTRAINT;
    info->estimatedCost = 1e12;
    return SQLITE_OK;
  }
  info->estimatedCost = 1000;
  info->estimatedRows = 4;
  return SQLITE_OK;
}

static int tb_open(sqlite3_vtab *p, sqlite3_vtab_cursor **out) {
  (void)p;
  tb_cursor *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  *out = &c->base;
  return SQLITE_OK;
}

static void cursor_reset(tb_cursor *c) {
  for (int j = 0; j < c->ncols; j++) {
    tb_col *k = &c->cols[j];
    sqlite3_free(k->name);
    sqlite3_free(k->cell);
    sqlite3_free(k->rnull);
    sqlite3_free(sqlite3_str_finish(k->arena));
    sqlite3_free(k->data);
    sqlite3_free(k->off);
    sqlite3_free(k->nulls);
  }
  sqlite3_free(c->cols);
  c->cols = NULL;
  c->ncols = c->pos = 0;
  c->n = 0;
}

static int tb_close(sqlite3_vtab_cursor *cur) {
  cursor_reset((tb_cursor *)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* ---- Arguments ------------------------------------------------------------------- */

/* The items of JSON array text v: rows (type, value) of st, prepared on
** json_each(?1); *is_array = 0 when v is valid JSON but no array.  Returns
** the prepare's or json_type's rc (SQLITE_ERROR for malformed JSON). */
static int json_items(sqlite3 *db, sqlite3_value *v, int *is_array, sqlite3_stmt **st) {
  sqlite3_stmt *t = NULL;
  *is_array = 0;
  *st = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT json_type(?1) = 'array'", -1, &t, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_value(t, 1, v);
    rc = sqlite3_step(t);
    if (rc == SQLITE_ROW) *is_array = sqlite3_column_int(t, 0), rc = SQLITE_OK;
    else if (rc == SQLITE_DONE) rc = SQLITE_ERROR;
  }
  sqlite3_finalize(t);
  if (rc == SQLITE_OK && *is_array &&
      (rc = sqlite3_prepare_v2(db, "SELECT type, value FROM json_each(?1)", -1, st, NULL)) == SQLITE_OK)
    sqlite3_bind_value(*st, 1, v);
  return rc == SQLITE_NOMEM ? rc : rc ? SQLITE_ERROR : SQLITE_OK;
}

static int push_id(uint64_t **ids, uint64_t *n, uint64_t *cap, uint64_t id) {
  if (*n == *cap) {
    uint64_t nc = *cap ? *cap * 2 : 256;
    uint64_t *a = sqlite3_realloc64(*ids, nc * sizeof *a);
    if (!a) return SQLITE_NOMEM;
    *ids = a, *cap = nc;
  }
  (*ids)[(*n)++] = id;
  return SQLITE_OK;
}

/* The row ids argument as an array (sqlite3_malloc'd; may be NULL when n = 0). */
static int read_ids(tb_vtab *v, sqlite3_value *arg, uint64_t **ids, uint64_t *n) {
  static const char usage[] = "row_ids must be a BLOB of little-endian 64-bit integers "
                              "or a JSON array of integers";
  uint64_t cap = 0;
  *ids = NULL, *n = 0;
  if (sqlite3_value_type(arg) == SQLITE_BLOB) {
    int len = sqlite3_value_bytes(arg);
    const uint8_t *p = sqlite3_value_blob(arg);
    if (len % 8) return tb_error(v, "row_ids is a BLOB of %d bytes, not a multiple of 8", len);
    if (len == 0) return SQLITE_OK;
    if (!(*ids = sqlite3_malloc64((uint64_t)len))) return SQLITE_NOMEM;
    for (int i = 0; i < len / 8; i++) {
      uint64_t x = 0;
      for (int b = 7; b >= 0; b--) x = x << 8 | p[8 * i + b];
      (*ids)[i] = x;
    }
    *n = (uint64_t)len / 8;
    return SQLITE_OK;
  }
  if (sqlite3_value_type(arg) != SQLITE_TEXT) return tb_error(v, "%s", usage);
  sqlite3_stmt *st = NULL;
  int is_array = 0, rc = json_items(v->db, arg, &is_array, &st);
  if (rc == SQLITE_NOMEM) return rc;
  if (rc || !is_array) return tb_error(v, "%s", usage);
  while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    const char *type = (const char *)sqlite3_column_text(st, 0);
    if (!type || strcmp(type, "integer")) {
      rc = tb_error(v, "row_ids item %llu is %s %s, not an integer", (unsigned long long)*n,
                    type && type[0] == 'i' ? "an" : "a", type ? type : "?");
      break;
    }
    rc = push_id(ids, n, &cap, (uint64_t)sqlite3_column_int64(st, 1));
  }
  sqlite3_finalize(st);
  return rc;
}

/* The table's columns: names and upper-cased declared types (*n = 0: no such table). */
static int table_columns(tb_vtab *v, const char *table, char ***names, char ***types, int *n) {
  sqlite3_stmt *st = NULL;
  *names = *types = NULL, *n = 0;
  int rc = sqlite3_prepare_v2(v->db, "SELECT name, upper(type) FROM pragma_table_xinfo(?1)", -1,
                              &st, NULL);
  if (rc == SQLITE_OK) sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
  while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    char **a = sqlite3_realloc64(*names, (uint64_t)(*n + 1) * sizeof *a);
    if (a) *names = a;
    char **t = a ? sqlite3_realloc64(*types, (uint64_t)(*n + 1) * sizeof *t) : NULL;
    if (t) *types = t;
    if (!a || !t) { rc = SQLITE_NOMEM; break; }
    a[*n] = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
    t[*n] = sqlite3_mprintf("%s", sqlite3_column_text(st, 1));
    (*n)++;
    if (!a[*n - 1] || !t[*n - 1]) rc = SQLITE_NOMEM;
  }
  sqlite3_finalize(st);
  return rc;
}

static void free_strings(char **a, int n) {
  for (int i = 0; a && i < n; i++) sqlite3_free(a[i]);
  sqlite3_free(a);
}

/* Column `name` of the table (names/types of table_columns) appended to c->cols. */
static int add_column(tb_vtab *v, tb_cursor *c, const char *table, const char *name,
                      char **names, char **types, int ncol) {
  int at = -1;
  for (int i = 0; i < ncol && at < 0; i++)
    if (!sqlite3_stricmp(names[i], name)) at = i;
  if (at < 0) return tb_error(v, "no such column: %s in table %s", name, table);
  int kind = -1;
  for (int t = 0; t < 4; t++)
    if (!strcmp(types[at], tb_sql_types[t])) kind = t;
  if (kind < 0)
    return tb_error(v, "column %s of table %s has declared type '%s': INTEGER, REAL, BLOB or "
                    "TEXT columns only", names[at], table, types[at]);
  tb_col *a = sqlite3_realloc64(c->cols, (uint64_t)(c->ncols + 1) * sizeof *a);
  if (!a) return SQLITE_NOMEM;
  c->cols = a;
  tb_col *k = memset(&a[c->ncols++], 0, sizeof *a);
  k->kind = kind;
  return (k->name = sqlite3_mprintf("%s", names[at])) ? SQLITE_OK : SQLITE_NOMEM;
}

/* c->cols from the columns argument, checked against the table's columns. */
static int read_columns(tb_vtab *v, tb_cursor *c, const char *table, sqlite3_value *arg) {
  static const char usage[] = "columns must be a JSON array of column names, such as "
                              "'[\"image\",\"label\"]'";
  char **names = NULL, **types = NULL;
  int ncol = 0, rc = table_columns(v, table, &names, &types, &ncol);
  if (rc == SQLITE_OK && ncol == 0) rc = tb_error(v, "no such table: %s", table);
  if (rc == SQLITE_OK && sqlite3_value_type(arg) != SQLITE_TEXT) rc = tb_error(v, "%s", usage);
  sqlite3_stmt *st = NULL;
  int is_array = 0;
  if (rc == SQLITE_OK && (rc = json_items(v->db, arg, &is_array, &st)) != SQLITE_NOMEM &&
      (rc || !is_array))
    rc = tb_error(v, "%s", usage);
  while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    const char *type = (const char *)sqlite3_column_text(st, 0);
    if (!type || strcmp(type, "text"))
      rc = tb_error(v, "columns item %d is not a column name (a JSON string)", c->ncols);
    else
      rc = add_column(v, c, table, (const char *)sqlite3_column_text(st, 1), names, types, ncol);
  }
  sqlite3_finalize(st);
  free_strings(names, ncol);
  free_strings(types, ncol);
  if (rc == SQLITE_OK && c->ncols == 0) rc = tb_error(v, "columns is empty: name at least one column");
  return rc;
}

/* ---- The take -------------------------------------------------------------------- */

/* A row id asked and its position, sorted by id (as SQLite's signed rowids). */
typedef struct tb_pair {
  int64_t id;
  uint32_t pos;
} tb_pair;
static int by_id(const void *a, const void *b) {
  int64_t x = ((const tb_pair *)a)->id, y = ((const tb_pair *)b)->id;
  return x < y ? -1 : x > y;
}

/* The statement taking ids[0..n) of table's columns c->cols (rowid first). */
static int prepare_take(tb_vtab *v, tb_cursor *c, const char *table, const uint64_t *ids,
                        uint64_t n, sqlite3_stmt **st) {
  sqlite3_str *s = sqlite3_str_new(v->db);
  sqlite3_str_appendall(s, "SELECT rowid");
  for (int j = 0; j < c->ncols; j++) sqlite3_str_appendf(s, ", \"%w\"", c->cols[j].name);
  sqlite3_str_appendf(s, " FROM \"%w\" WHERE rowid IN (SELECT value FROM json_each(?1))", table);
  sqlite3_str *js = sqlite3_str_new(v->db);
  sqlite3_str_appendchar(js, 1, '[');
  for (uint64_t i = 0; i < n; i++) sqlite3_str_appendf(js, i ? ",%lld" : "%lld", (long long)ids[i]);
  sqlite3_str_appendchar(js, 1, ']');
  int rc = sqlite3_str_errcode(s) ? sqlite3_str_errcode(s) : sqlite3_str_errcode(js);
  char *sql = sqlite3_str_finish(s), *json = sqlite3_str_finish(js);
  if (rc == SQLITE_OK && (rc = sqlite3_prepare_v2(v->db, sql, -1, st, NULL)) != SQLITE_OK)
    rc = rc == SQLITE_NOMEM ? rc : tb_error(v, "%s", sqlite3_errmsg(v->db));
  if (rc == SQLITE_OK) sqlite3_bind_text(*st, 1, json, -1, sqlite3_free);
  else sqlite3_free(json);
  sqlite3_free(sql);
  return rc;
}

/* Value j+1 of the current row of st as returned row k of column col. */
static int keep_value(tb_vtab *v, tb_col *col, sqlite3_stmt *st, int j, uint64_t k,
                      int64_t rowid) {
  static const int want[] = {SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_BLOB, SQLITE_TEXT};
  static const char *const got_names[] = {"?", "INTEGER", "REAL", "TEXT", "BLOB", "NULL"};
  int t = sqlite3_column_type(st, j + 1);
  col->rnull[k] = t == SQLITE_NULL;
  col->cell[2 * k] = col->cell[2 * k + 1] = 0;
  if (t == SQLITE_NULL) return SQLITE_OK;
  if (t != want[col->kind] && !(col->kind == K_FLOAT64 && t == SQLITE_INTEGER))
    return tb_error(v, "column %s holds %s at row id %lld, not %s", col->name, got_names[t],
                    (long long)rowid, tb_sql_types[col->kind]);
  if (col->kind == K_INT64) {
    int64_t x = sqlite3_column_int64(st, j + 1);
    memcpy(&col->cell[2 * k], &x, 8);
  } else if (col->kind == K_FLOAT64) {
    double x = sqlite3_column_double(st, j + 1);
    memcpy(&col->cell[2 * k], &x, 8);
  } else {
    const void *p = t == SQLITE_BLOB ? sqlite3_column_blob(st, j + 1) : sqlite3_column_text(st, j + 1);
    int len = sqlite3_column_bytes(st, j + 1);
    col->cell[2 * k] = (uint64_t)sqlite3_str_length(col->arena);
    col->cell[2 * k + 1] = (uint64_t)len;
    if (len > 0) sqlite3_str_append(col->arena, p, len);
    if (sqlite3_str_errcode(col->arena)) return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

/* Column col in the order asked: src[p] is the returned row of row id p. */
static int assemble(tb_col *col, const uint32_t *src, uint64_t n) {
  int fixed = col->kind == K_INT64 || col->kind == K_FLOAT64;
  const uint8_t *arena = (const uint8_t *)sqlite3_str_value(col->arena);
  uint64_t total = 0;
  int any_null = 0;
  for (uint64_t p = 0; p < n; p++) {
    total += fixed ? 8 : col->cell[2 * src[p] + 1];
    any_null |= col->rnull[src[p]];
  }
  col->data = sqlite3_malloc64(total ? total : 1);
  if (!fixed) col->off = sqlite3_malloc64((n + 1) * sizeof *col->off);
  if (any_null) col->nulls = sqlite3_malloc64(n ? n : 1);
  if (!col->data || (!fixed && !col->off) || (any_null && !col->nulls)) return SQLITE_NOMEM;
  col->ndata = total;
  uint64_t at = 0;
  if (!fixed) col->off[0] = 0;
  for (uint64_t p = 0; p < n; p++) {
    const uint64_t *cell = &col->cell[2 * src[p]];
    if (any_null) col->nulls[p] = col->rnull[src[p]];
    if (fixed) {
      memcpy(col->data + 8 * p, cell, 8); /* little-endian hosts (x86-64, aarch64) */
      continue;
    }
    if (cell[1]) memcpy(col->data + at, arena + cell[0], cell[1]);
    at += cell[1];
    col->off[p + 1] = (int64_t)at;
  }
  return SQLITE_OK;
}

/* Per-column buffers for up to n returned rows. */
static int alloc_cells(tb_vtab *v, tb_cursor *c, uint64_t n) {
  for (int j = 0; j < c->ncols; j++) {
    tb_col *k = &c->cols[j];
    k->cell = sqlite3_malloc64(2 * (n ? n : 1) * sizeof *k->cell);
    k->rnull = sqlite3_malloc64(n ? n : 1);
    k->arena = sqlite3_str_new(v->db);
    if (!k->cell || !k->rnull || sqlite3_str_errcode(k->arena)) return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

/* Run the take; src[p] = the returned row holding row id ids[p]. */
static int run_take(tb_vtab *v, tb_cursor *c, const char *table, const uint64_t *ids,
                    uint64_t n, tb_pair *ord, uint32_t *src) {
  sqlite3_stmt *st = NULL;
  int rc = prepare_take(v, c, table, ids, n, &st);
  uint64_t nret = 0;
  for (uint64_t p = 0; p < n; p++) ord[p].id = (int64_t)ids[p], ord[p].pos = (uint32_t)p, src[p] = UINT32_MAX;
  if (n) qsort(ord, n, sizeof *ord, by_id);
  if (rc == SQLITE_OK) rc = alloc_cells(v, c, n);
  int step = SQLITE_ROW;
  while (rc == SQLITE_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t r = sqlite3_column_int64(st, 0);
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo) / 2;
      if (ord[mid].id < r) lo = mid + 1;
      else hi = mid;
    }
    if (lo == n || ord[lo].id != r || src[ord[lo].pos] != UINT32_MAX) continue;
    for (uint64_t q = lo; q < n && ord[q].id == r; q++) src[ord[q].pos] = (uint32_t)nret;
    for (int j = 0; rc == SQLITE_OK && j < c->ncols; j++) rc = keep_value(v, &c->cols[j], st, j, nret, r);
    nret++;
  }
  if (rc == SQLITE_OK && step != SQLITE_DONE)
    rc = step == SQLITE_NOMEM ? step : tb_error(v, "%s", sqlite3_errmsg(v->db));
  sqlite3_finalize(st);
  for (uint64_t p = 0; rc == SQLITE_OK && p < n; p++)
    if (src[p] == UINT32_MAX)
      rc = tb_error(v, "row id %lld not found in table %s (deleted, or not in the version it reads)",
                    (long long)ids[p], table);
  for (int j = 0; rc == SQLITE_OK && j < c->ncols; j++) rc = assemble(&c->cols[j], src, n);
  return rc;
}

static int tb_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
                     sqlite3_value **argv) {
  static const char *const arg_names[TB_NARGS] = {"table", "row_ids", "columns"};
  tb_cursor *c = (tb_cursor *)cur;
  tb_vtab *v = (tb_vtab *)cur->pVtab;
  sqlite3_value *arg[TB_NARGS] = {0};
  (void)idx_str;
  cursor_reset(c);
  for (int a = 0, i = 0; a < TB_NARGS && i < argc; a++)
    if (idx & (1 << a)) arg[a] = argv[i++];
  for (int a = 0; a < TB_NARGS; a++)
    if (!arg[a] || sqlite3_value_type(arg[a]) == SQLITE_NULL)
      return tb_error(v, "missing argument: the %s", arg_names[a]);
  char *table = sqlite3_mprintf("%s", sqlite3_value_text(arg[0]));
  uint64_t *ids = NULL, n = 0;
  int rc = table ? read_ids(v, arg[1], &ids, &n) : SQLITE_NOMEM;
  if (rc == SQLITE_OK && n > UINT32_MAX - 1) rc = tb_error(v, "too many row ids (%llu)", (unsigned long long)n);
  if (rc == SQLITE_OK) rc = read_columns(v, c, table, arg[2]);
  tb_pair *ord = NULL;
  uint32_t *src = NULL;
  if (rc == SQLITE_OK) {
    ord = sqlite3_malloc64((n ? n : 1) * sizeof *ord);
    src = sqlite3_malloc64((n ? n : 1) * sizeof *src);
    rc = ord && src ? run_take(v, c, table, ids, n, ord, src) : SQLITE_NOMEM;
  }
  c->n = n;
  sqlite3_free(ord);
  sqlite3_free(src);
  sqlite3_free(ids);
  sqlite3_free(table);
  if (rc) cursor_reset(c);
  return rc;
}

static int tb_next(sqlite3_vtab_cursor *cur) {
  ((tb_cursor *)cur)->pos++;
  return SQLITE_OK;
}

static int tb_eof(sqlite3_vtab_cursor *cur) {
  tb_cursor *c = (tb_cursor *)cur;
  return c->pos >= c->ncols;
}

static int tb_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i) {
  tb_cursor *c = (tb_cursor *)cur;
  const tb_col *k = &c->cols[c->pos];
  int fixed = k->kind == K_INT64 || k->kind == K_FLOAT64;
  switch (i) {
    case TB_NAME: sqlite3_result_text(ctx, k->name, -1, SQLITE_TRANSIENT); break;
    case TB_TYPE: sqlite3_result_text(ctx, tb_kind_names[k->kind], -1, SQLITE_STATIC); break;
    case TB_N: sqlite3_result_int64(ctx, (sqlite3_int64)c->n); break;
    case TB_DATA: sqlite3_result_blob64(ctx, k->data, k->ndata, SQLITE_TRANSIENT); break;
    case TB_OFFSETS:
      if (!fixed) sqlite3_result_blob64(ctx, k->off, (c->n + 1) * sizeof *k->off, SQLITE_TRANSIENT);
      break;
    case TB_NULLS:
      if (k->nulls) sqlite3_result_blob64(ctx, k->nulls, c->n, SQLITE_TRANSIENT);
      break;
    default: break;
  }
  return SQLITE_OK;
}

static int tb_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out) {
  *out = ((tb_cursor *)cur)->pos;
  return SQLITE_OK;
}

static sqlite3_module take_batch_module = {
  .iVersion = 0,
  .xConnect = tb_connect,
  .xBestIndex = tb_best_index,
  .xDisconnect = tb_disconnect,
  .xOpen = tb_open,
  .xClose = tb_close,
  .xFilter = tb_filter,
  .xNext = tb_next,
  .xEof = tb_eof,
  .xColumn = tb_column,
  .xRowid = tb_rowid,
};

int lance_take_batch_register(sqlite3 *db) {
  return sqlite3_create_module(db, "lance_take_columns", &take_batch_module, NULL);
}
