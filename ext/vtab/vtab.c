/*
** vtab.c: owns the `lance` virtual table module: a Lance dataset as an SQL
** table, at any version or tag, read through format/'s scans and takes.
**
**   CREATE VIRTUAL TABLE t USING lance('path/t.lance' [, version=N] [, tag='x']);
**
** Columns: the dataset's top-level fields (schema of the latest version, or
** of the pinned one), then the hidden columns _version, _tag (in this order,
** so that t(7) and t(NULL, 'x') read version 7 and tag 'x'), _rowid and
** _rowaddr.  rowid is the Lance row id.  Older versions are read through
** these columns by field id; fields a version lacks read as NULL.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lf_table.h"
#include "vec/ann.h"
#include "vec/knn.h"
#include "vtab.h"

enum { H_VERSION, H_TAG, H_ROWID, H_ROWADDR, H_DISTANCE, H_K, H_METRIC, H_OPTIONS, N_HIDDEN };
#define BATCH_ROWS 2048


/* A filter's right-hand value, read once per xFilter (not once per row). */
typedef struct fconst {
  int type;                 /* SQLITE_INTEGER, _FLOAT, _TEXT, ... */
  int64_t i;
  double d;
  const uint8_t *z;         /* TEXT bytes (owned by the filter's value copy) */
  uint64_t n;
} fconst;

typedef struct filter {
  int col, op;
  sqlite3_value *val;       /* the right-hand value; for IN (...) lists, NULL */
  fconst k;
  sqlite3_value **in;       /* IN (...) values, all at once (sqlite3_vtab_in) */
  fconst *ink;
  int nin;
} filter;

/* The constant as SQLite compares it with column f: the column's affinity
** applied first (datatype3 "affinity of comparison operands": numeric
** affinity for INTEGER/REAL columns, text affinity for TEXT columns). */
static void fconst_init(fconst *k, sqlite3_value *v, const lf_field *f) {
  const char *aff = f ? vtab_sql_type(f) : "";
  k->type = sqlite3_value_type(v);
  if ((!strcmp(aff, "INTEGER") || !strcmp(aff, "REAL")) && k->type == SQLITE_TEXT)
    k->type = sqlite3_value_numeric_type(v);
  k->i = sqlite3_value_int64(v);
  k->d = sqlite3_value_double(v);
  if (!strcmp(aff, "TEXT") && (k->type == SQLITE_INTEGER || k->type == SQLITE_FLOAT))
    k->type = SQLITE_TEXT; /* its text form, as SQLite renders it */
  k->z = k->type == SQLITE_TEXT ? sqlite3_value_text(v) : NULL;
  k->n = k->z ? (uint64_t)sqlite3_value_bytes(v) : 0;
}

/* int64 x against double y, exactly (no rounding of either). */
static int cmp_i64_f64(int64_t x, double y) {
  if (y < -9223372036854775808.0) return 1;
  if (y >= 9223372036854775808.0) return -1;
  int64_t yi = (int64_t)y; /* truncated: exact, |y| < 2^63 */
  if (x != yi) return x < yi ? -1 : 1;
  double yf = (double)yi;  /* exact: yi came from a double */
  return y > yf ? -1 : y < yf;
}

typedef struct lcursor {
  sqlite3_vtab_cursor base;
  lf_dataset *ds;           /* snapshot read; owned when own_ds */
  int own_ds;
  char *tag;                /* the tag read, for _tag */
  lf_scan *scan;
  int *proj;                /* per column: index in the scan batch, or -1 */
  const lf_scan_batch *b;
  uint64_t i;
  int eof;
  int take;                 /* rows by row id */
  uint64_t *ids;
  size_t nids, idpos;
  filter *filters;
  int nfilters;
  uint8_t *sel;             /* rows of the batch that pass the filters */
  uint64_t cap_sel;
  int knn;                  /* vector search: results in distance order */
  simd_topk_item *res;
  size_t nres, rpos;
  sqlite3_int64 k;
  char *metric;
  sqlite3_value *dlo, *dhi; /* _distance bounds (xFilter's argv) */
  int dlo_open, dhi_open;
  char *options;            /* _options text, or NULL */
  knn_options opts;
} lcursor;

int vtab_error(lvtab *vt, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sqlite3_free(vt->base.zErrMsg);
  vt->base.zErrMsg = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  return SQLITE_ERROR;
}

int vtab_lf_error(lvtab *vt, const lf_error *e) {
  vtab_error(vt, "lance: %s: %s", vt->name, e->msg);
  return e->code == LF_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
}

/* ---- CREATE / CONNECT ------------------------------------------------------ */

/* An argument: 'quoted' (with '' escapes) or bare, whitespace trimmed. */
static char *arg_value(const char *z) {
  while (*z == ' ' || *z == '\t' || *z == '\n') z++;
  size_t n = strlen(z);
  while (n && (z[n - 1] == ' ' || z[n - 1] == '\t' || z[n - 1] == '\n')) n--;
  if (n >= 2 && (z[0] == '\'' || z[0] == '"') && z[n - 1] == z[0]) {
    char q = z[0], *out = sqlite3_malloc64(n), *o = out;
    if (!out) return NULL;
    for (size_t i = 1; i + 1 < n; i++) {
      *o++ = z[i];
      if (z[i] == q && z[i + 1] == q) i++;
    }
    *o = 0;
    return out;
  }
  return sqlite3_mprintf("%.*s", (int)n, z);
}

static int parse_args(lvtab *vt, int argc, const char *const *argv, char **err) {
  if (argc < 4) {
    *err = sqlite3_mprintf("lance: usage: CREATE VIRTUAL TABLE t USING lance('path/to/dataset.lance')");
    return SQLITE_ERROR;
  }
  for (int i = 3; i < argc; i++) {
    const char *eq = strchr(argv[i], '=');
    char *v = arg_value(eq && i > 3 ? eq + 1 : argv[i]);
    if (!v) return SQLITE_NOMEM;
    if (i == 3) {
      vt->root = sqlite3_mprintf("%s", strncmp(v, "file://", 7) ? v : v + 7);
      sqlite3_free(v);
      continue;
    }
    char *raw = sqlite3_mprintf("%.*s", eq ? (int)(eq - argv[i]) : 0, argv[i]);
    char *key = raw ? arg_value(raw) : NULL;
    sqlite3_free(raw);
    int ok = 1;
    if (key && !strcmp(key, "version")) {
      char *end;
      vt->pin_version = strtoull(v, &end, 10);
      ok = *v && !*end && vt->pin_version > 0;
    } else if (key && !strcmp(key, "tag")) {
      vt->pin_tag = sqlite3_mprintf("%s", v);
    } else if (key && !strcmp(key, "schema")) {
      vt->new_schema = sqlite3_mprintf("%s", v);
    } else if (key && !strcmp(key, "data_storage_version")) {
      ok = !strcmp(v, "2.1") || !strcmp(v, "2.2") || !strcmp(v, "stable");
      vt->new_version = sqlite3_mprintf("%s", strcmp(v, "stable") ? v : "2.2");
    } else if (key && (!strcmp(key, "enable_stable_row_ids") ||
                       !strcmp(key, "enable_v2_manifest_paths"))) {
      ok = !strcmp(v, "0") || !strcmp(v, "1");
      if (!strcmp(key, "enable_stable_row_ids")) vt->new_stable_ids = v[0] == '1';
      else vt->new_v1_paths = v[0] == '0';
    } else {
      ok = 0;
    }
    if (!ok)
      *err = sqlite3_mprintf("lance: %s: bad option '%s' (expected version=N, tag='name', "
                             "schema='...', data_storage_version='2.1'|'2.2', "
                             "enable_stable_row_ids=0|1 or enable_v2_manifest_paths=0|1)",
                             vt->name, argv[i]);
    sqlite3_free(key);
    sqlite3_free(v);
    if (!ok) return SQLITE_ERROR;
  }
  return vt->root ? SQLITE_OK : SQLITE_NOMEM;
}

static char *declare_sql(const lf_schema *s) {
  sqlite3_str *q = sqlite3_str_new(NULL);
  sqlite3_str_appendall(q, "CREATE TABLE x(");
  for (int i = 0; i < s->n_fields; i++)
    sqlite3_str_appendf(q, "%s\"%w\" %s", i ? ", " : "", s->fields[i]->name,
                        vtab_sql_type(s->fields[i]));
  sqlite3_str_appendf(q, "%s_version HIDDEN, _tag HIDDEN, _rowid HIDDEN, _rowaddr HIDDEN, "
                      "_distance HIDDEN, _k HIDDEN, _metric HIDDEN, _options HIDDEN)", s->n_fields ? ", " : "");
  return sqlite3_str_finish(q);
}

static void vt_free(lvtab *vt) {
  if (!vt) return;
  lf_dataset_free(vt->latest);
  lf_dataset_free(vt->schema_ds);
  vtab_write_free(vt);
  lf_store_free(vt->store);
  sqlite3_free(vt->new_schema);
  sqlite3_free(vt->new_version);
  sqlite3_free(vt->name);
  sqlite3_free(vt->root);
  sqlite3_free(vt->pin_tag);
  sqlite3_free(vt);
}

/* Open vt's dataset; at CREATE with schema= and no dataset there, make it. */
static int open_dataset(lvtab *vt, int create, char **err) {
  lf_error e = {0};
  int lrc = lf_dataset_open(vt->store, vt->root, vt->pin_version, vt->pin_tag, &vt->schema_ds, &e);
  if (lrc == LF_NOTFOUND && create && vt->new_schema && !vt->pin_version && !vt->pin_tag) {
    int rc = vtab_create_dataset(vt, err);
    if (rc) return rc;
    lrc = lf_dataset_open(vt->store, vt->root, 0, NULL, &vt->schema_ds, &e);
  }
  if (lrc) {
    *err = sqlite3_mprintf("lance: %s: cannot open dataset: %s%s", vt->name, e.msg,
                           lrc == LF_NOTFOUND && !vt->new_schema && create
                               ? "; schema='...' creates one" : "");
    return lrc == LF_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
  }
  return SQLITE_OK;
}

static int vt_init(sqlite3 *db, int create, int argc, const char *const *argv,
                   sqlite3_vtab **out, char **err) {
  lvtab *vt = sqlite3_malloc(sizeof *vt);
  if (!vt) return SQLITE_NOMEM;
  memset(vt, 0, sizeof *vt);
  vt->db = db;
  vt->name = sqlite3_mprintf("%s", argc > 2 ? argv[2] : "lance");
  int rc = parse_args(vt, argc, argv, err);
  lf_error e = {0};
  if (rc == SQLITE_OK && lf_store_local_new("", &vt->store, &e)) rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK) rc = open_dataset(vt, create, err);
  if (rc == SQLITE_OK) {
    const lf_schema *s = lf_dataset_schema(vt->schema_ds);
    vt->ncols = s->n_fields;
    char *sql = declare_sql(s);
    rc = sql ? sqlite3_declare_vtab(db, sql) : SQLITE_NOMEM;
    sqlite3_free(sql);
  }
  if (rc == SQLITE_OK) sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  if (rc != SQLITE_OK) {
    vt_free(vt);
    return rc;
  }
  *out = &vt->base;
  return SQLITE_OK;
}

static int vt_create(sqlite3 *db, void *aux, int argc, const char *const *argv,
                     sqlite3_vtab **out, char **err) {
  (void)aux;
  return vt_init(db, 1, argc, argv, out, err);
}

static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **err) {
  (void)aux;
  return vt_init(db, 0, argc, argv, out, err);
}

static int vt_disconnect(sqlite3_vtab *p) {
  vt_free((lvtab *)p);
  return SQLITE_OK;
}

/* ---- xBestIndex -------------------------------------------------------------
**
** idxNum bits                         argv (in this order)
**   1  _version = ?                   the version (NULL: not constrained)
**   2  _tag = ?                       the tag name (NULL: not constrained)
**   4  rowid / _rowid = ?             the row id
**   8  rowid / _rowid IN (...)        the IN list (sqlite3_vtab_in)
**  16  OFFSET n                       n (taken only when no other constraint
**                                     is left to SQLite and there is no ORDER
**                                     BY: rows are skipped undecoded, whole
**                                     fragments at a time)
**  32  vec MATCH ?                    the query vector: exact k-nearest-
**                                     neighbour search on column vec
**  64  _k = ?                         k (needed with 32)
** 128  _metric = ?                    'l2' (default), 'cosine', 'dot', 'hamming'
** 256  _distance >= ? (512: > ?)      with 32: the lower bound of the distance
**                                     range, applied before the top k
** 1024 _distance <= ? (2048: < ?)     with 32: the upper bound
** 4096 _options = ?                   with 32: 'key=value ...' (knn_options_parse)
** idxStr: "<vector column>;" when bit 32 is set, then for each pushed filter,
**   in argv order after the above, "<column>:<op>[i];" ("i": an IN list taken
**   all at once with sqlite3_vtab_in) with op an
**   SQLITE_INDEX_CONSTRAINT_* code (EQ, NE, GT, LE, LT, GE, ISNULL, ISNOTNULL),
**   then "|<colUsed as hex>".
** Filters run in C on decoded batches.  When the right-hand side is a
** constant the C code decides exactly as SQLite would (decided_exactly), the
** filter is consumed (omit = 1); otherwise SQLite checks it again (omit = 0)
** and the C filter only ever drops rows SQLite would drop.  With a vector search
** they are prefilters, applied before the top k.  _version, _tag, rowid,
** MATCH, _k, _metric and _options constraints are consumed (omit = 1), and so are
** the _distance bounds when their value is known to compare exactly; a
** search consumes ORDER BY _distance.
** Cost tiers: rowid take 10; a search or scan 1e6, minus a little per pushed
** filter; a plan leaving an unusable _version/_tag/MATCH constraint
** unhandled costs 1e12, so SQLite picks the plan that uses it.
*/
static int filterable(const lvtab *vt, int col) {
  if (col < 0 || col >= vt->ncols) return 0;
  const lf_field *f = lf_dataset_schema(vt->schema_ds)->fields[col];
  switch (f->type) {
    case LF_T_BOOL: case LF_T_INT8: case LF_T_UINT8: case LF_T_INT16: case LF_T_UINT16:
    case LF_T_INT32: case LF_T_UINT32: case LF_T_INT64: case LF_T_UINT64: case LF_T_FLOAT16:
    case LF_T_FLOAT32: case LF_T_FLOAT64: case LF_T_UTF8: case LF_T_LARGE_UTF8:
      return !f->is_blob;
    default: return 0;
  }
}

/* Is `column <op> rhs` decided by this code exactly as SQLite would decide
** it (so SQLite can skip its own check)?  Text against text (BINARY
** collation, checked by the caller), and numbers against numbers where no
** double rounding or uint64-as-TEXT can enter; never for undecided cases. */
static int decided_exactly(const lf_field *f, sqlite3_value *rhs) {
  int t = sqlite3_value_type(rhs);
  switch (f->type) {
    case LF_T_UTF8: case LF_T_LARGE_UTF8: return t == SQLITE_TEXT;
    case LF_T_FLOAT32: case LF_T_FLOAT64: case LF_T_FLOAT16: case LF_T_BOOL: case LF_T_INT8:
    case LF_T_UINT8: case LF_T_INT16: case LF_T_UINT16: case LF_T_INT32: case LF_T_UINT32:
    case LF_T_INT64:
      return t == SQLITE_INTEGER || t == SQLITE_FLOAT;
    default: return 0;
  }
}

static int is_filter_op(int op) {
  return op == SQLITE_INDEX_CONSTRAINT_EQ || op == SQLITE_INDEX_CONSTRAINT_GT ||
         op == SQLITE_INDEX_CONSTRAINT_LE || op == SQLITE_INDEX_CONSTRAINT_LT ||
         op == SQLITE_INDEX_CONSTRAINT_GE || op == SQLITE_INDEX_CONSTRAINT_NE ||
         op == SQLITE_INDEX_CONSTRAINT_ISNULL || op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL;
}

typedef struct plan {
  int idx, argv, nfilt, unusable, vcol;
  int used[13]; /* constraint index per idxNum bit position, -1 = none */
} plan;

static void take_constraint(sqlite3_index_info *info, plan *pl, int bit, int i) {
  int b = 0;
  while ((1 << b) != bit) b++;
  pl->idx |= bit;
  pl->used[b] = i;
  info->aConstraintUsage[i].argvIndex = ++pl->argv;
  info->aConstraintUsage[i].omit = 1;
}

/* The constraint on hidden column h with operator op, or -1. */
static int find_hidden(const lvtab *vt, sqlite3_index_info *info, int h, int op, plan *pl) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int rowid = h == H_ROWID && c->iColumn == -1;
    if (c->op != op || (c->iColumn - vt->ncols != h && !rowid)) continue;
    if (c->usable) return i;
    if (h == H_VERSION || h == H_TAG) pl->unusable = 1;
  }
  return -1;
}

/* A _distance bound compares in C exactly as SQLite would compare it: a real,
** or an integer that converts to double exactly (distances are floats). */
static int distance_bound_exact(sqlite3_value *v) {
  if (!v) return 0;
  if (sqlite3_value_type(v) == SQLITE_FLOAT) return 1;
  sqlite3_int64 i = sqlite3_value_int64(v);
  return sqlite3_value_type(v) == SQLITE_INTEGER && i >= -(1LL << 53) && i <= (1LL << 53);
}

/* The first usable `_distance <op> ?` with op inclusive (bit) or strict
** (bit * 2): one lower and one upper bound narrow the search before the top
** k; SQLite checks any others on the results. */
static void plan_distance_bound(const lvtab *vt, sqlite3_index_info *info, plan *pl, int incl,
                                int strict, int bit) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (!c->usable || c->iColumn != vt->ncols + H_DISTANCE || (c->op != incl && c->op != strict))
      continue;
    take_constraint(info, pl, bit, i);
    if (c->op == strict) pl->idx |= bit * 2;
    sqlite3_value *rhs = NULL;
    if (sqlite3_vtab_rhs_value(info, i, &rhs) != SQLITE_OK || !distance_bound_exact(rhs))
      info->aConstraintUsage[i].omit = 0; /* not known to compare exactly: SQLite checks */
    return;
  }
}

static void plan_search(const lvtab *vt, sqlite3_index_info *info, plan *pl) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->op != SQLITE_INDEX_CONSTRAINT_MATCH || c->iColumn < 0 || c->iColumn >= vt->ncols)
      continue;
    if (!c->usable) { pl->unusable = 1; continue; }
    if (pl->vcol >= 0) continue;
    pl->vcol = c->iColumn;
    take_constraint(info, pl, 32, i);
  }
  if (pl->vcol < 0) return;
  int k = find_hidden(vt, info, H_K, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (k >= 0) take_constraint(info, pl, 64, k);
  int m = find_hidden(vt, info, H_METRIC, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (m >= 0) take_constraint(info, pl, 128, m);
  plan_distance_bound(vt, info, pl, SQLITE_INDEX_CONSTRAINT_GE, SQLITE_INDEX_CONSTRAINT_GT, 256);
  plan_distance_bound(vt, info, pl, SQLITE_INDEX_CONSTRAINT_LE, SQLITE_INDEX_CONSTRAINT_LT, 1024);
  int o = find_hidden(vt, info, H_OPTIONS, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (o >= 0) take_constraint(info, pl, 4096, o);
  if (info->nOrderBy >= 1 && info->aOrderBy[0].iColumn == vt->ncols + H_DISTANCE &&
      !info->aOrderBy[0].desc &&
      (info->nOrderBy == 1 || (info->nOrderBy == 2 && !info->aOrderBy[1].desc &&
                               (info->aOrderBy[1].iColumn == -1 ||
                                info->aOrderBy[1].iColumn == vt->ncols + H_ROWID))))
    info->orderByConsumed = 1; /* results come by distance, ties by row id */
}

/* OFFSET only when nothing else is left to SQLite and there is no ORDER BY:
** OFFSET counts rows in the order SQLite returns them. */
static void plan_offset(sqlite3_index_info *info, plan *pl) {
  int off = -1;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->op == SQLITE_INDEX_CONSTRAINT_OFFSET) { if (c->usable) off = i; continue; }
    if (c->op == SQLITE_INDEX_CONSTRAINT_LIMIT) continue;
    if (info->aConstraintUsage[i].argvIndex == 0) return; /* another constraint */
  }
  if (off >= 0 && !(pl->idx & (12 | 32)) && info->nOrderBy == 0) take_constraint(info, pl, 16, off);
}

static int plan_filters(const lvtab *vt, sqlite3_index_info *info, plan *pl) {
  sqlite3_str *s = sqlite3_str_new(NULL);
  if (pl->idx & 32) sqlite3_str_appendf(s, "%d;", pl->vcol);
  for (int i = 0; i < info->nConstraint && !(pl->idx & 12); i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (!c->usable || !is_filter_op(c->op) || !filterable(vt, c->iColumn)) continue;
    const char *coll = sqlite3_vtab_collation(info, i);
    if (coll && sqlite3_stricmp(coll, "BINARY")) continue;
    info->aConstraintUsage[i].argvIndex = ++pl->argv;
    /* an IN (...) list arrives whole, not one value per xFilter: a search
    ** must see the whole set as one prefilter */
    int in = c->op == SQLITE_INDEX_CONSTRAINT_EQ && sqlite3_vtab_in(info, i, 1);
    sqlite3_value *rhs = NULL;
    if (!in && (c->op == SQLITE_INDEX_CONSTRAINT_ISNULL || c->op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL ||
                (sqlite3_vtab_rhs_value(info, i, &rhs) == SQLITE_OK && rhs &&
                 decided_exactly(lf_dataset_schema(vt->schema_ds)->fields[c->iColumn], rhs))))
      info->aConstraintUsage[i].omit = 1; /* SQLite need not check it again */
    sqlite3_str_appendf(s, "%d:%d%s;", c->iColumn, c->op, in ? "i" : "");
    pl->nfilt++;
  }
  sqlite3_str_appendf(s, "|%llx", (unsigned long long)info->colUsed);
  info->idxStr = sqlite3_str_finish(s);
  if (!info->idxStr) return SQLITE_NOMEM;
  info->needToFreeIdxStr = 1;
  return SQLITE_OK;
}

static int vt_best_index(sqlite3_vtab *p, sqlite3_index_info *info) {
  lvtab *vt = (lvtab *)p;
  plan pl = {.vcol = -1};
  int hv = find_hidden(vt, info, H_VERSION, SQLITE_INDEX_CONSTRAINT_EQ, &pl);
  int ht = find_hidden(vt, info, H_TAG, SQLITE_INDEX_CONSTRAINT_EQ, &pl);
  if (hv >= 0) take_constraint(info, &pl, 1, hv);
  if (ht >= 0) take_constraint(info, &pl, 2, ht);
  plan_search(vt, info, &pl);
  int hr = pl.idx & 32 ? -1 : find_hidden(vt, info, H_ROWID, SQLITE_INDEX_CONSTRAINT_EQ, &pl);
  if (hr >= 0) take_constraint(info, &pl, sqlite3_vtab_in(info, hr, 1) ? 8 : 4, hr);
  plan_offset(info, &pl);
  if (plan_filters(vt, info, &pl)) return SQLITE_NOMEM;
  info->idxNum = pl.idx;
  if (pl.idx & 12) {
    info->estimatedCost = 10;
    info->estimatedRows = pl.idx & 4 ? 1 : 10;
    if (pl.idx & 4) info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
  } else {
    info->estimatedCost = pl.unusable && !(pl.idx & (1 | 2 | 32)) ? 1e12 : 1e6 - 1000.0 * pl.nfilt;
    info->estimatedRows = pl.idx & 32 ? 10 : 1000000;
  }
  return SQLITE_OK;
}

/* ---- Cursors ------------------------------------------------------------------ */

static void cursor_reset(lcursor *c) {
  lf_scan_free(c->scan);
  c->scan = NULL;
  if (c->own_ds) lf_dataset_free(c->ds);
  c->ds = NULL;
  c->own_ds = 0;
  sqlite3_free(c->tag);
  c->tag = NULL;
  sqlite3_free(c->proj);
  c->proj = NULL;
  sqlite3_free(c->ids);
  c->ids = NULL;
  sqlite3_free(c->res);
  c->res = NULL;
  c->nres = c->rpos = 0;
  c->knn = 0;
  sqlite3_free(c->metric);
  c->metric = NULL;
  sqlite3_free(c->options);
  c->options = NULL;
  c->nids = c->idpos = 0;
  for (int i = 0; i < c->nfilters; i++) {
    sqlite3_value_free(c->filters[i].val);
    for (int j = 0; j < c->filters[i].nin; j++) sqlite3_value_free(c->filters[i].in[j]);
    sqlite3_free(c->filters[i].in);
    sqlite3_free(c->filters[i].ink);
  }
  sqlite3_free(c->filters);
  c->filters = NULL;
  c->nfilters = 0;
  c->b = NULL;
  c->eof = 1;
}

static int vt_open(sqlite3_vtab *p, sqlite3_vtab_cursor **out) {
  (void)p;
  lcursor *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  c->eof = 1;
  *out = &c->base;
  return SQLITE_OK;
}

static int vt_close(sqlite3_vtab_cursor *cur) {
  cursor_reset((lcursor *)cur);
  sqlite3_free(((lcursor *)cur)->sel);
  sqlite3_free(cur);
  return SQLITE_OK;
}


/* The latest snapshot; within one transaction the one first seen (a later
** transaction sees newer commits, also those made by other processes). */
static int latest_snapshot(lvtab *vt, lf_dataset **out, lf_error *e) {
  if ((*out = vtab_write_snapshot(vt))) return LF_OK;
  if (vt->latest && !sqlite3_get_autocommit(vt->db)) {
    *out = vt->latest;
    return LF_OK;
  }
  uint64_t *vers = NULL;
  size_t n = 0;
  int rc = lf_dataset_versions(vt->store, vt->root, &vers, &n, e);
  uint64_t newest = rc == LF_OK && n ? vers[n - 1] : 0;
  free(vers);
  if (rc) return rc;
  if (!vt->latest || lf_dataset_version(vt->latest) != newest) {
    lf_dataset *ds = NULL;
    if ((rc = lf_dataset_open(vt->store, vt->root, newest, NULL, &ds, e))) return rc;
    lf_dataset_free(vt->latest);
    vt->latest = ds;
  }
  *out = vt->latest;
  return LF_OK;
}

static int choose_snapshot(lvtab *vt, lcursor *c, sqlite3_value *ver, sqlite3_value *tag,
                           lf_error *e) {
  int has_v = ver && sqlite3_value_type(ver) != SQLITE_NULL;
  int has_t = tag && sqlite3_value_type(tag) != SQLITE_NULL;
  if (has_v && sqlite3_value_int64(ver) <= 0)
    return lf_err(e, LF_ARG, "_version must be a positive integer, got '%s'",
                  (const char *)sqlite3_value_text(ver));
  if (has_v || has_t) {
    const char *t = has_t ? (const char *)sqlite3_value_text(tag) : NULL;
    int rc = lf_dataset_open(vt->store, vt->root, has_v ? (uint64_t)sqlite3_value_int64(ver) : 0,
                             t, &c->ds, e);
    if (rc) return rc;
    c->own_ds = 1;
    if (t && !(c->tag = sqlite3_mprintf("%s", t))) return lf_err(e, LF_NOMEM, "out of memory");
    return LF_OK;
  }
  if (vt->pin_version || vt->pin_tag) {
    c->ds = vt->schema_ds;
    if (vt->pin_tag && !(c->tag = sqlite3_mprintf("%s", vt->pin_tag)))
      return lf_err(e, LF_NOMEM, "out of memory");
    return LF_OK;
  }
  return latest_snapshot(vt, &c->ds, e);
}

/* colUsed's bit for table column col (bit 63 stands for every column >= 63). */
static uint64_t col_bit(int col) {
  return (uint64_t)1 << (col < 63 ? col : 63);
}

/* Columns in `used` -> fields of the snapshot (matched by field id and
** type), opened as a scan; proj[col] is the batch column, or -1. */
static int open_projection(lvtab *vt, lf_dataset *ds, uint64_t used, lf_scan **scan,
                           int **proj, lf_error *e) {
  const lf_schema *cols = lf_dataset_schema(vt->schema_ds), *snap = lf_dataset_schema(ds);
  int *fields = sqlite3_malloc64(((uint64_t)vt->ncols + 1) * sizeof *fields), n = 0;
  *proj = sqlite3_malloc64(((uint64_t)vt->ncols + 1) * sizeof **proj);
  if (!fields || !*proj) {
    sqlite3_free(fields);
    return lf_err(e, LF_NOMEM, "out of memory");
  }
  for (int k = 0; k < vt->ncols; k++) {
    (*proj)[k] = -1;
    if (!(used & col_bit(k))) continue;
    for (int j = 0; j < snap->n_fields; j++)
      if (snap->fields[j]->id == cols->fields[k]->id && snap->fields[j]->type == cols->fields[k]->type) {
        (*proj)[k] = n;
        fields[n++] = j;
      }
  }
  int rc = lf_scan_open(ds, vt->store, fields, n, scan, e);
  sqlite3_free(fields);
  return rc;
}

/* ---- Pushed filters ------------------------------------------------------------ */

/* Compare row i of a to v: <0, 0, >0, or 2 when this code cannot decide
** (then the row is kept and SQLite decides). */
static int compare_value(const lf_array *a, uint64_t i, const fconst *k, int eq_only) {
  const lf_field *f = a->field;
  int vt = k->type;
  if (lf_type_is_varwidth(f->type)) {
    if (vt != SQLITE_TEXT) return 2;
    const uint8_t *z = a->data + a->offsets[i];
    uint64_t n = a->offsets[i + 1] - a->offsets[i], m = k->n;
    if (eq_only && n != m) return 1; /* only equality matters: lengths decide */
    int r = memcmp(z, k->z, n < m ? n : m);
    return r ? (r < 0 ? -1 : 1) : n < m ? -1 : n > m; /* never 2: that means "undecided" */
  }
  if (vt != SQLITE_INTEGER && vt != SQLITE_FLOAT) return 2;
  if (f->type == LF_T_FLOAT16 || f->type == LF_T_FLOAT32 || f->type == LF_T_FLOAT64) {
    double x = vtab_float_at(a, i);
    if (x != x) return 2; /* NaN is NULL to SQL: callers test that first */
    if (vt == SQLITE_INTEGER) return -cmp_i64_f64(k->i, x);
    return x < k->d ? -1 : x > k->d;
  }
  int w = lf_type_width(f);
  int64_t x = vtab_rd_i64(a->values + (uint64_t)w * i, w, vtab_is_signed(f->type));
  if (f->type == LF_T_UINT64 && x < 0) return 2; /* above 2^63-1: SQL sees TEXT */
  if (vt == SQLITE_INTEGER) return x < k->i ? -1 : x > k->i;
  return cmp_i64_f64(x, k->d);
}

/* NULL as SQL sees it: a Lance null, or a NaN (SQLite stores NaN as NULL). */
static int sql_null(const lf_array *a, uint64_t i) {
  if (!a || lf_array_is_null(a, i)) return 1;
  switch (a->field->type) {
    case LF_T_FLOAT64: case LF_T_FLOAT32: case LF_T_FLOAT16: {
      double x = vtab_float_at(a, i);
      return x != x;
    }
    default: return 0;
  }
}

/* Does row i (column a, NULL when the snapshot lacks it) pass filter fl? */
static int filter_row(const filter *fl, const lf_array *a, uint64_t i) {
  int isnull = sql_null(a, i);
  if (fl->op == SQLITE_INDEX_CONSTRAINT_ISNULL) return isnull;
  if (fl->op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL) return !isnull;
  if (isnull) return 0;
  if (!fl->val) { /* IN list: some value equal (or undecided: SQLite decides) */
    for (int j = 0; j < fl->nin; j++)
      if (fl->ink[j].type != SQLITE_NULL) {
        int r = compare_value(a, i, &fl->ink[j], 1);
        if (r == 0 || r == 2) return 1;
      }
    return 0;
  }
  if (fl->k.type == SQLITE_NULL) return 0;
  int r = compare_value(a, i, &fl->k, fl->op == SQLITE_INDEX_CONSTRAINT_EQ ||
                                          fl->op == SQLITE_INDEX_CONSTRAINT_NE);
  switch (r == 2 ? -1 : fl->op) {
    case SQLITE_INDEX_CONSTRAINT_EQ: return r == 0;
    case SQLITE_INDEX_CONSTRAINT_NE: return r != 0;
    case SQLITE_INDEX_CONSTRAINT_GT: return r > 0;
    case SQLITE_INDEX_CONSTRAINT_GE: return r >= 0;
    case SQLITE_INDEX_CONSTRAINT_LT: return r < 0;
    case SQLITE_INDEX_CONSTRAINT_LE: return r <= 0;
    default: return 1; /* undecided: keep, SQLite decides */
  }
}

/* text = 'constant': lengths first, bytes only when they agree. */
static int select_text_eq(const filter *fl, const lf_array *a, uint64_t n, uint8_t *sel) {
  if (!a || fl->op != SQLITE_INDEX_CONSTRAINT_EQ || !fl->val || fl->k.type != SQLITE_TEXT ||
      !lf_type_is_varwidth(a->field->type))
    return 0;
  const uint64_t *o = a->offsets;
  for (uint64_t i = 0; i < n; i++)
    if (sel[i] && ((a->valid && !a->valid[i]) || o[i + 1] - o[i] != fl->k.n ||
                   memcmp(a->data + o[i], fl->k.z, fl->k.n)))
      sel[i] = 0;
  return 1;
}

/* float64 <op> number (exactly representable): one comparison per row. */
static int select_f64(const filter *fl, const lf_array *a, uint64_t n, uint8_t *sel) {
  const double big = 9007199254740992.0;
  if (!a || a->field->type != LF_T_FLOAT64 || !fl->val ||
      (fl->k.type != SQLITE_FLOAT && (fl->k.type != SQLITE_INTEGER || fl->k.d > big || fl->k.d < -big)))
    return 0;
  double y = fl->k.d;
  int op = fl->op;
  if (op != SQLITE_INDEX_CONSTRAINT_GT && op != SQLITE_INDEX_CONSTRAINT_GE &&
      op != SQLITE_INDEX_CONSTRAINT_LT && op != SQLITE_INDEX_CONSTRAINT_LE &&
      op != SQLITE_INDEX_CONSTRAINT_EQ)
    return 0;
  for (uint64_t i = 0; i < n; i++) {
    if (!sel[i]) continue;
    double x;
    memcpy(&x, a->values + 8 * i, 8);
    int keep = (!a->valid || a->valid[i]) && x == x && /* NULL and NaN: SQL NULL */
               (op == SQLITE_INDEX_CONSTRAINT_GT ? x > y : op == SQLITE_INDEX_CONSTRAINT_GE ? x >= y
                : op == SQLITE_INDEX_CONSTRAINT_LT ? x < y : op == SQLITE_INDEX_CONSTRAINT_LE ? x <= y
                : x == y);
    if (!keep) sel[i] = 0;
  }
  return 1;
}

/* Clear sel[i] for the rows of b that fail a filter; proj maps columns to
** batch columns.  Column-at-a-time, with tight loops for common cases. */
static void select_rows(const filter *fs, int nf, const int *proj, const lf_scan_batch *b,
                        uint8_t *sel) {
  for (int k = 0; k < nf; k++) {
    const filter *fl = &fs[k];
    int p = proj[fl->col];
    const lf_array *a = p < 0 ? NULL : &b->cols[p];
    if (select_text_eq(fl, a, b->n, sel) || select_f64(fl, a, b->n, sel)) continue;
    for (uint64_t i = 0; i < b->n; i++)
      if (sel[i] && !filter_row(fl, a, i)) sel[i] = 0;
  }
}

/* ---- Iteration ----------------------------------------------------------------- */

static int next_batch(lvtab *vt, lcursor *c) {
  lf_error e = {0};
  int rc;
  if (c->knn) { /* the next result, in distance order */
    size_t used = 0;
    c->b = NULL;
    rc = LF_OK;
    while (!rc && c->rpos < c->nres && (!c->b || c->b->n == 0)) {
      uint64_t id = (uint64_t)c->res[c->rpos++].rowid;
      rc = lf_scan_take_fragment(c->scan, &id, 1, &used, &c->b, &e);
    }
  } else if (!c->take) {
    rc = lf_scan_next(c->scan, BATCH_ROWS, &c->b, &e);
  } else {
    size_t used = 0;
    c->b = NULL;
    rc = LF_OK;
    while (!rc && c->idpos < c->nids && (!c->b || c->b->n == 0)) {
      rc = lf_scan_take_fragment(c->scan, c->ids + c->idpos, c->nids - c->idpos, &used, &c->b, &e);
      c->idpos += used;
    }
  }
  if (rc) return vtab_lf_error(vt, &e);
  c->i = 0;
  c->eof = !c->b || c->b->n == 0;
  if (c->eof || c->knn) return SQLITE_OK; /* search results passed the filters already */
  if (c->b->n > c->cap_sel) {
    uint8_t *ns = sqlite3_realloc64(c->sel, c->b->n);
    if (!ns) return SQLITE_NOMEM;
    c->sel = ns;
    c->cap_sel = c->b->n;
  }
  memset(c->sel, 1, c->b->n);
  select_rows(c->filters, c->nfilters, c->proj, c->b, c->sel);
  return SQLITE_OK;
}

/* Move to the first row at or after c->i that passes the filters. */
static int settle(lvtab *vt, lcursor *c) {
  while (!c->eof) {
    for (; c->i < c->b->n; c->i++)
      if (c->knn || c->sel[c->i]) return SQLITE_OK;
    int rc = next_batch(vt, c);
    if (rc) return rc;
  }
  return SQLITE_OK;
}

static int collect_rowids(lcursor *c, int idx, sqlite3_value *arg) {
  size_t cap = 16;
  c->ids = sqlite3_malloc64(cap * sizeof *c->ids);
  if (!c->ids) return SQLITE_NOMEM;
  if (idx & 4) {
    if (sqlite3_value_type(arg) == SQLITE_INTEGER) c->ids[c->nids++] = (uint64_t)sqlite3_value_int64(arg);
    return SQLITE_OK;
  }
  sqlite3_value *v = NULL;
  for (int rc = sqlite3_vtab_in_first(arg, &v); rc == SQLITE_OK && v;
       rc = sqlite3_vtab_in_next(arg, &v)) {
    if (sqlite3_value_type(v) != SQLITE_INTEGER) continue;
    if (c->nids == cap) {
      uint64_t *n = sqlite3_realloc64(c->ids, (cap *= 2) * sizeof *n);
      if (!n) return SQLITE_NOMEM;
      c->ids = n;
    }
    c->ids[c->nids++] = (uint64_t)sqlite3_value_int64(v);
  }
  return SQLITE_OK;
}

/* The table column a filter is on. */
static const lf_field *col_field(const lcursor *c, int col) {
  const lvtab *vt = (const lvtab *)c->base.pVtab;
  return col >= 0 && col < vt->ncols ? lf_dataset_schema(vt->schema_ds)->fields[col] : NULL;
}

/* The columns the pushed filters read, as colUsed bits (col_bit). */
static uint64_t filter_mask(const lcursor *c) {
  uint64_t m = 0;
  for (int k = 0; k < c->nfilters; k++) m |= col_bit(c->filters[k].col);
  return m;
}

/* The values of an IN (...) list, copied. */
static int collect_in(filter *fl, sqlite3_value *list, const lf_field *f) {
  int cap = 0;
  sqlite3_value *v = NULL;
  for (int rc = sqlite3_vtab_in_first(list, &v); rc == SQLITE_OK && v;
       rc = sqlite3_vtab_in_next(list, &v)) {
    if (fl->nin == cap) {
      sqlite3_value **a = sqlite3_realloc64(fl->in, (uint64_t)(cap = cap ? cap * 2 : 8) * sizeof *a);
      if (!a) return SQLITE_NOMEM;
      fl->in = a;
    }
    if (!(fl->in[fl->nin] = sqlite3_value_dup(v))) return SQLITE_NOMEM;
    fl->nin++;
  }
  if (!(fl->ink = sqlite3_malloc64(((uint64_t)fl->nin + 1) * sizeof *fl->ink))) return SQLITE_NOMEM;
  for (int j = 0; j < fl->nin; j++) fconst_init(&fl->ink[j], fl->in[j], f);
  return SQLITE_OK;
}

static int parse_filters(lcursor *c, const char *idx_str, int argc, sqlite3_value **argv,
                         int first, uint64_t *used, int *vcol) {
  int n = 0;
  *vcol = -1;
  if (c->knn) { /* "<vector column>;" first */
    char *end;
    *vcol = (int)strtol(idx_str, &end, 10);
    idx_str = *end == ';' ? end + 1 : end;
  }
  for (const char *p = idx_str; *p && *p != '|'; p++) n += *p == ';';
  c->filters = sqlite3_malloc64(((uint64_t)n + 1) * sizeof *c->filters);
  if (!c->filters) return SQLITE_NOMEM;
  const char *p = idx_str;
  for (int k = 0; k < n && first + k < argc; k++) {
    filter *fl = &c->filters[c->nfilters];
    char *end;
    fl->col = (int)strtol(p, &end, 10);
    fl->op = (int)strtol(end + 1, &end, 10);
    fl->in = NULL;
    fl->ink = NULL;
    fl->nin = 0;
    fl->val = NULL;
    int in = *end == 'i';
    p = end + 1 + in;
    c->nfilters++;
    if (in) {
      int rc = collect_in(fl, argv[first + k], col_field(c, fl->col));
      if (rc) return rc;
    } else if (!(fl->val = sqlite3_value_dup(argv[first + k]))) {
      return SQLITE_NOMEM;
    } else {
      fconst_init(&fl->k, fl->val, col_field(c, fl->col));
    }
  }
  const char *bar = strchr(idx_str, '|');
  *used = bar ? strtoull(bar + 1, NULL, 16) : ~(uint64_t)0;
  *used |= filter_mask(c); /* filtered columns must be read */
  return SQLITE_OK;
}

/* Phase 1 of a search: scan the vector and filter columns only, keep the k
** nearest rows that pass the filters (prefilter). */
typedef struct search_ctx {
  const lcursor *c;
  const int *proj;
} search_ctx;

static void search_select(void *ctx, const lf_scan_batch *b, uint8_t *sel) {
  const search_ctx *x = ctx;
  select_rows(x->c->filters, x->c->nfilters, x->proj, b, sel);
}

/* _options: parsed strictly, its metric agreeing with _metric's (and used
** when _metric is not given). */
static int search_options(lvtab *vt, lcursor *c, sqlite3_value *opts) {
  const char *z = opts ? (const char *)sqlite3_value_text(opts) : NULL;
  char *msg = NULL;
  if (z && !(c->options = sqlite3_mprintf("%s", z))) return SQLITE_NOMEM;
  int rc = knn_options_parse(z, &c->opts, &msg);
  if (!rc) rc = knn_options_check_metric(&c->opts, c->metric, &msg);
  if (rc) {
    if (msg) vtab_error(vt, "lance: %s: %s", vt->name, msg);
    sqlite3_free(msg);
    return rc;
  }
  if (!c->metric && c->opts.metric[0] && !(c->metric = sqlite3_mprintf("%s", c->opts.metric)))
    return SQLITE_NOMEM;
  return SQLITE_OK;
}

/* A vector index on the column, when one fits (ext/vec/ann.c): *used = 1
** and c->res filled; else the caller searches exactly. */
static int index_search(lvtab *vt, lcursor *c, const lf_field *f, knn_query *kq, lf_scan *vs,
                        int *proj1, int vcol, int *used, lf_error *e) {
  lf_scan *fs = NULL;
  int *projf = NULL;
  int rc = open_projection(vt, c->ds, filter_mask(c), &fs, &projf, e);
  search_ctx xf = {c, projf}, xv = {c, proj1};
  ann_env env = {.ds = c->ds, .store = vt->store, .vfield = f, .metric = c->metric,
                 .opts = &c->opts, .filter_scan = fs, .vec_scan = vs, .vcol = proj1[vcol],
                 .select = c->nfilters ? search_select : NULL, .select_ctx = &xf,
                 .select_vec = c->nfilters ? search_select : NULL, .select_vec_ctx = &xv};
  if (!rc) rc = ann_search(&env, kq, used, &c->res, &c->nres, e);
  lf_scan_free(fs);
  sqlite3_free(projf);
  return rc;
}

static int run_search(lvtab *vt, lcursor *c, int vcol, sqlite3_value *q, lf_error *e) {
  char *msg = NULL;
  knn_query kq;
  const lf_field *f = col_field(c, vcol);
  if (!f) return lf_err(e, LF_ARG, "MATCH on a column that is not a vector column");
  if (knn_query_init(&kq, f, q, c->metric, c->k, &msg) != SQLITE_OK) {
    lf_err(e, msg ? LF_ARG : LF_NOMEM, "%s", msg ? msg : "out of memory");
    sqlite3_free(msg);
    return e->code;
  }
  /* a bound that does not compare exactly in C is left to SQLite (omit = 0) */
  if (distance_bound_exact(c->dlo)) kq.lo = sqlite3_value_double(c->dlo), kq.lo_open = c->dlo_open;
  if (distance_bound_exact(c->dhi)) kq.hi = sqlite3_value_double(c->dhi), kq.hi_open = c->dhi_open;
  knn_query_options(&kq, &c->opts);
  uint64_t used = col_bit(vcol) | filter_mask(c);
  int n = c->opts.threads, *proj1 = NULL, rc = LF_OK; /* one scan per thread */
  lf_scan **s1 = sqlite3_malloc64((uint64_t)n * sizeof *s1);
  if (!s1) rc = lf_err(e, LF_NOMEM, "out of memory");
  else memset(s1, 0, (size_t)n * sizeof *s1);
  for (int t = 0; !rc && t < n; t++) {
    int *pj = NULL;
    rc = open_projection(vt, c->ds, used, &s1[t], &pj, e);
    if (t == 0) proj1 = pj;
    else sqlite3_free(pj);
  }
  if (!rc && proj1[vcol] < 0) { /* the snapshot lacks the column: no rows */
    c->nres = 0;
  } else if (!rc) {
    search_ctx x = {c, proj1};
    int used = 0;
    rc = index_search(vt, c, f, &kq, s1[0], proj1, vcol, &used, e);
    if (!rc && !used)
      rc = knn_search(s1, n, proj1[vcol], &kq, c->nfilters ? search_select : NULL, &x, &c->res,
                      &c->nres, e);
  }
  for (int t = 0; s1 && t < n; t++) lf_scan_free(s1[t]);
  sqlite3_free(s1);
  sqlite3_free(proj1);
  knn_query_reset(&kq);
  return rc;
}

static int vt_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
                     sqlite3_value **argv) {
  lcursor *c = (lcursor *)cur;
  lvtab *vt = (lvtab *)cur->pVtab;
  lf_error e = {0};
  cursor_reset(c);
  int a = 0, vcol = -1;
  sqlite3_value *ver = idx & 1 ? argv[a++] : NULL, *tag = idx & 2 ? argv[a++] : NULL;
  sqlite3_value *q = idx & 32 ? argv[a++] : NULL, *k = idx & 64 ? argv[a++] : NULL;
  sqlite3_value *metric = idx & 128 ? argv[a++] : NULL;
  c->dlo = idx & 256 ? argv[a++] : NULL;
  c->dhi = idx & 1024 ? argv[a++] : NULL;
  sqlite3_value *opts = idx & 4096 ? argv[a++] : NULL;
  c->dlo_open = !!(idx & 512);
  c->dhi_open = !!(idx & 2048);
  sqlite3_value *ids = idx & 12 ? argv[a++] : NULL;
  sqlite3_value *skip = idx & 16 ? argv[a++] : NULL;
  uint64_t used = 0;
  c->knn = q != NULL;
  int rc = parse_filters(c, idx_str ? idx_str : "", argc, argv, a, &used, &vcol);
  if (rc) return rc;
  if (c->knn) {
    if (!k || sqlite3_value_type(k) != SQLITE_INTEGER)
      return vtab_error(vt, "lance: %s: vector search needs _k = N, the number of neighbours",
                        vt->name);
    c->k = sqlite3_value_int64(k);
    if (metric && !(c->metric = sqlite3_mprintf("%s", sqlite3_value_text(metric))))
      return SQLITE_NOMEM;
    if ((rc = search_options(vt, c, opts))) return rc;
  }
  if (choose_snapshot(vt, c, ver, tag, &e) || open_projection(vt, c->ds, used, &c->scan, &c->proj, &e) ||
      (c->knn && run_search(vt, c, vcol, q, &e)))
    return vtab_lf_error(vt, &e);
  if (ids) {
    c->take = 1;
    if ((rc = collect_rowids(c, idx, ids))) return rc;
  }
  c->eof = 0;
  if (skip && sqlite3_value_int64(skip) > 0 &&
      lf_scan_skip(c->scan, (uint64_t)sqlite3_value_int64(skip), &e))
    return vtab_lf_error(vt, &e);
  if ((rc = next_batch(vt, c))) return rc;
  return settle(vt, c);
}

static int vt_next(sqlite3_vtab_cursor *cur) {
  lcursor *c = (lcursor *)cur;
  c->i++;
  return settle((lvtab *)cur->pVtab, c);
}

static int vt_eof(sqlite3_vtab_cursor *cur) { return ((lcursor *)cur)->eof; }

static int vt_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
  lcursor *c = (lcursor *)cur;
  lvtab *vt = (lvtab *)cur->pVtab;
  if (col < vt->ncols) {
    int k = c->proj[col];
    if (k < 0) return SQLITE_OK;
    const lf_array *a = &c->b->cols[k];
    if (!a->field->is_blob || lf_array_is_null(a, c->i)) {
      vtab_result(ctx, a, c->i);
      return SQLITE_OK;
    }
    uint8_t *bytes = NULL; /* blobs: the payload, read only when selected */
    uint64_t n = 0;
    lf_error e = {0};
    if (lf_scan_blob(c->scan, k, c->i, &bytes, &n, &e)) {
      sqlite3_result_error(ctx, e.msg, -1);
      return SQLITE_ERROR;
    }
    sqlite3_result_blob64(ctx, bytes, n, free);
    return SQLITE_OK;
  }
  switch (col - vt->ncols) {
    case H_VERSION: sqlite3_result_int64(ctx, (sqlite3_int64)lf_dataset_version(c->ds)); break;
    case H_TAG: if (c->tag) sqlite3_result_text(ctx, c->tag, -1, SQLITE_TRANSIENT); break;
    case H_ROWID: sqlite3_result_int64(ctx, (sqlite3_int64)c->b->rowids[c->i]); break;
    case H_ROWADDR: sqlite3_result_int64(ctx, (sqlite3_int64)c->b->rowaddrs[c->i]); break;
    case H_DISTANCE: if (c->knn && c->rpos) sqlite3_result_double(ctx, c->res[c->rpos - 1].dist); break;
    case H_K: if (c->knn) sqlite3_result_int64(ctx, c->k); break;
    case H_METRIC:
      if (c->knn) sqlite3_result_text(ctx, c->metric ? c->metric : "l2", -1, SQLITE_TRANSIENT);
      break;
    case H_OPTIONS: if (c->knn && c->options) sqlite3_result_text(ctx, c->options, -1, SQLITE_TRANSIENT); break;
  }
  return SQLITE_OK;
}

static int vt_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out) {
  lcursor *c = (lcursor *)cur;
  *out = (sqlite3_int64)c->b->rowids[c->i];
  return SQLITE_OK;
}

static int vt_update(sqlite3_vtab *p, int argc, sqlite3_value **argv, sqlite3_int64 *rowid) {
  return vtab_write_update((lvtab *)p, argc, argv, rowid);
}
static int vt_begin(sqlite3_vtab *p) { return vtab_write_begin((lvtab *)p); }
static int vt_sync(sqlite3_vtab *p) { return vtab_write_sync((lvtab *)p); }
static int vt_commit(sqlite3_vtab *p) { return vtab_write_commit((lvtab *)p); }
static int vt_rollback(sqlite3_vtab *p) { return vtab_write_rollback((lvtab *)p); }

static sqlite3_module lance_module = {
  .iVersion = 0,
  .xCreate = vt_create,
  .xConnect = vt_connect,
  .xBestIndex = vt_best_index,
  .xDisconnect = vt_disconnect,
  .xDestroy = vt_disconnect,
  .xOpen = vt_open,
  .xClose = vt_close,
  .xFilter = vt_filter,
  .xNext = vt_next,
  .xEof = vt_eof,
  .xColumn = vt_column,
  .xRowid = vt_rowid,
  .xUpdate = vt_update,
  .xBegin = vt_begin,
  .xSync = vt_sync,
  .xCommit = vt_commit,
  .xRollback = vt_rollback,
};

int vtab_register(sqlite3 *db) {
  return sqlite3_create_module(db, "lance", &lance_module, NULL);
}
