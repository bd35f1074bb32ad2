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
#include "fts/fts.h"
#include "vec/ann.h"
#include "vtab.h"

#define BATCH_ROWS 2048


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
  return e->code == LF_NOMEM ? SQLITE_NOMEM : e->code == LF_INTERRUPTED ? SQLITE_INTERRUPT
                                                                         : SQLITE_ERROR;
}

int vtab_interrupted(sqlite3 *db, sqlite3_stmt **probe) {
  int rc = *probe ? SQLITE_OK : sqlite3_prepare_v2(db, "SELECT 1", -1, probe, NULL);
  if (rc != SQLITE_OK) return rc == SQLITE_INTERRUPT; /* the parser sees the flag too */
  rc = sqlite3_step(*probe);
  sqlite3_reset(*probe);
  return rc == SQLITE_INTERRUPT;
}

/* The interrupt probe of vt's store (remote stores stop a slow request with it). */
static int vt_interrupted(void *ctx) {
  lvtab *vt = ctx;
  return vtab_interrupted(vt->db, &vt->probe);
}

/* ---- CREATE / CONNECT ------------------------------------------------------ */

/* USING lance(...) as args.c reads it (docs/sql.md, "Arguments"). */
static int parse_args(lvtab *vt, int argc, const char *const *argv, char **err) {
  char msg[512];
  int rc = vtab_args_parse(argc - 3, argv + 3, &vt->args, msg, sizeof msg);
  if (rc == VTAB_ARGS_NOMEM) return SQLITE_NOMEM;
  if (rc) *err = sqlite3_mprintf("lance: %s: %s", vt->name, msg);
  return rc ? SQLITE_ERROR : SQLITE_OK;
}

static char *declare_sql(const lf_schema *s) {
  sqlite3_str *q = sqlite3_str_new(NULL);
  sqlite3_str_appendall(q, "CREATE TABLE x(");
  for (int i = 0; i < s->n_fields; i++)
    sqlite3_str_appendf(q, "%s\"%w\" %s", i ? ", " : "", s->fields[i]->name,
                        vtab_sql_type(s->fields[i]));
  sqlite3_str_appendf(q, "%s_version HIDDEN, _tag HIDDEN, _rowid HIDDEN, _rowaddr HIDDEN, "
                      "_distance HIDDEN, _k HIDDEN, _metric HIDDEN, _options HIDDEN, _score HIDDEN, "
                      "_relevance_score HIDDEN)", s->n_fields ? ", " : "");
  return sqlite3_str_finish(q);
}

static void vt_free(lvtab *vt) {
  if (!vt) return;
  lf_dataset_free(vt->latest);
  fts_cache_free(vt->fts);
  ann_cache_free(vt->ann);
  vtab_sidx_cache_free(vt->sidx);
  lf_dataset_free(vt->schema_ds);
  vtab_write_free(vt);
  vtab_perm_free(vt);
  vtab_upd_stat_free(vt);
  lf_store_free(vt->store);
  sqlite3_finalize(vt->probe);
  vtab_args_reset(&vt->args);
  sqlite3_free(vt->name);
  sqlite3_free(vt);
}

/* The store of vt's dataset location (s3://, http(s):// or a path, with
** storage_options); vt->args.path becomes the dataset's path in it. */
static int open_store(lvtab *vt, char **err) {
  lf_error e = {0};
  char *root;
  int lrc = lf_store_open(vt->args.path, vt->args.options, &vt->store, &root, &e);
  if (lrc) {
    *err = sqlite3_mprintf("lance: %s: %s", vt->name, e.msg);
    return lrc == LF_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
  }
  free(vt->args.path);
  vt->args.path = root;
  lf_store_set_interrupt(vt->store, vt_interrupted, vt);
  return SQLITE_OK;
}

/* Open vt's dataset; at CREATE with schema= and no dataset there, make it. */
static int open_dataset(lvtab *vt, int create, char **err) {
  lf_error e = {0};
  int lrc = lf_dataset_open(vt->store, vt->args.path, vt->args.version, vt->args.tag, &vt->schema_ds, &e);
  if (lrc == LF_NOTFOUND && create && vt->args.schema && !vt->args.version && !vt->args.tag) {
    int rc = vtab_create_dataset(vt, err);
    if (rc) return rc;
    lrc = lf_dataset_open(vt->store, vt->args.path, 0, NULL, &vt->schema_ds, &e);
  }
  if (lrc) {
    *err = sqlite3_mprintf("lance: %s: cannot open dataset: %s%s", vt->name, e.msg,
                           lrc == LF_NOTFOUND && !vt->args.schema && create
                               ? "; schema='...' creates one" : "");
    return lrc == LF_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
  }
  return SQLITE_OK;
}

static int vt_init(sqlite3 *db, vtab_conn *conn, int create, int argc, const char *const *argv,
                   sqlite3_vtab **out, char **err) {
  lvtab *vt = sqlite3_malloc(sizeof *vt);
  if (!vt) return SQLITE_NOMEM;
  memset(vt, 0, sizeof *vt);
  vt->db = db;
  vt->conn = conn;
  vt->name = sqlite3_mprintf("%s", argc > 2 ? argv[2] : "lance");
  int rc = parse_args(vt, argc, argv, err);
  if (rc == SQLITE_OK) rc = open_store(vt, err);
  if (rc == SQLITE_OK && vt->args.permutation) rc = vtab_perm_open(vt, err);
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
  return vt_init(db, aux, 1, argc, argv, out, err);
}

static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **err) {
  return vt_init(db, aux, 0, argc, argv, out, err);
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
**  32  col MATCH ?                    the query: vector search on a vector column
**                                     (exact or indexed k nearest), BM25 full-text
**                                     search on a text column (search.c)
**  64  _k = ?                         k, the number of results
** 128  _metric = ?                    'l2' (default), 'cosine', 'dot', 'hamming'
** 256  _distance >= ? (512: > ?)      with 32: the lower bound of the distance
**                                     range, applied before the top k
** 1024 _distance <= ? (2048: < ?)     with 32: the upper bound
** 4096 _options = ?                   with 32: 'key=value ...' (knn_options_parse)
** 8192 col2 MATCH ?                   a second MATCH (hybrid search: one text and
**                                     one vector column), right after bit 32's
** idxStr: "<col>;" ("<col>,<col2>;" with 8192) when bit 32 is set, then for each
**   pushed filter, in argv order after the above, "<column>:<op>[i][c];" ("i": an IN
**   list taken all at once with sqlite3_vtab_in; "c": not omitted, SQLite checks it
**   again) with op an
**   SQLITE_INDEX_CONSTRAINT_* code (EQ, NE, GT, LE, LT, GE, ISNULL, ISNOTNULL),
**   then "|<colUsed as hex>".
** Filters run in C on decoded batches.  When the right-hand side is a
** constant the C code decides exactly as SQLite would (decided_exactly), the
** filter is consumed (omit = 1); otherwise SQLite checks it again (omit = 0)
** and the C filter only ever drops rows SQLite would drop.  With a vector search
** they are prefilters, applied before the top k.  _version, _tag, rowid,
** MATCH, _k, _metric and _options constraints are consumed (omit = 1), and so are
** the _distance bounds when their value is known to compare exactly; a search
** consumes ORDER BY _distance (vector), _score DESC (text), _relevance_score DESC
** (hybrid).
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
  return op == VTAB_OP_HAS_ANY || op == VTAB_OP_HAS_ALL || op == SQLITE_INDEX_CONSTRAINT_EQ ||
         op == SQLITE_INDEX_CONSTRAINT_GT ||
         op == SQLITE_INDEX_CONSTRAINT_LE || op == SQLITE_INDEX_CONSTRAINT_LT ||
         op == SQLITE_INDEX_CONSTRAINT_GE || op == SQLITE_INDEX_CONSTRAINT_NE ||
         op == SQLITE_INDEX_CONSTRAINT_ISNULL || op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL;
}

void vtab_take_constraint(sqlite3_index_info *info, vtab_plan *pl, int bit, int i) {
  int b = 0;
  while ((1 << b) != bit) b++;
  pl->idx |= bit;
  pl->used[b] = i;
  info->aConstraintUsage[i].argvIndex = ++pl->argv;
  info->aConstraintUsage[i].omit = 1;
}

int vtab_find_hidden(const lvtab *vt, sqlite3_index_info *info, int h, int op, vtab_plan *pl) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int rowid = h == H_ROWID && c->iColumn == -1;
    if (c->op != op || (c->iColumn - vt->ncols != h && !rowid)) continue;
    if (c->usable) return i;
    if (h == H_VERSION || h == H_TAG) pl->unusable = 1;
  }
  return -1;
}

/* OFFSET only when nothing else is left to SQLite and there is no ORDER BY:
** OFFSET counts rows in the order SQLite returns them. */
static void plan_offset(sqlite3_index_info *info, vtab_plan *pl) {
  int off = -1;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->op == SQLITE_INDEX_CONSTRAINT_OFFSET) { if (c->usable) off = i; continue; }
    if (c->op == SQLITE_INDEX_CONSTRAINT_LIMIT) continue;
    if (info->aConstraintUsage[i].argvIndex == 0) return; /* another constraint */
  }
  if (off >= 0 && !(pl->idx & (12 | 32)) && info->nOrderBy == 0) vtab_take_constraint(info, pl, 16, off);
}

static int plan_filters(const lvtab *vt, sqlite3_index_info *info, vtab_plan *pl) {
  sqlite3_str *s = sqlite3_str_new(NULL);
  if (pl->idx & 8192) sqlite3_str_appendf(s, "%d,%d;", pl->vcol, pl->col2);
  else if (pl->idx & 32) sqlite3_str_appendf(s, "%d;", pl->vcol);
  for (int i = 0; i < info->nConstraint && !(pl->idx & 12); i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int list_fn = c->op == VTAB_OP_HAS_ANY || c->op == VTAB_OP_HAS_ALL; /* array_func.c */
    if (!c->usable || !is_filter_op(c->op) || (!list_fn && !filterable(vt, c->iColumn)) ||
        (list_fn && (c->iColumn < 0 || c->iColumn >= vt->ncols)))
      continue;
    const char *coll = sqlite3_vtab_collation(info, i);
    if (coll && sqlite3_stricmp(coll, "BINARY")) continue;
    info->aConstraintUsage[i].argvIndex = ++pl->argv;
    /* an IN (...) list arrives whole, not one value per xFilter: a search
    ** must see the whole set as one prefilter */
    int in = c->op == SQLITE_INDEX_CONSTRAINT_EQ && sqlite3_vtab_in(info, i, 1);
    sqlite3_value *rhs = NULL;
    const lf_field *cf = lf_dataset_schema(vt->schema_ds)->fields[c->iColumn];
    if (!in && (c->op == SQLITE_INDEX_CONSTRAINT_ISNULL || c->op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL ||
                (sqlite3_vtab_rhs_value(info, i, &rhs) == SQLITE_OK && rhs &&
                 (list_fn ? vtab_list_decided(cf, rhs) : decided_exactly(cf, rhs)))))
      info->aConstraintUsage[i].omit = 1; /* SQLite need not check it again */
    sqlite3_str_appendf(s, "%d:%d%s%s;", c->iColumn, c->op, in ? "i" : "",
                        info->aConstraintUsage[i].omit ? "" : "c");
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
  vtab_plan pl = {.vcol = -1, .col2 = -1};
  int hv = vtab_find_hidden(vt, info, H_VERSION, SQLITE_INDEX_CONSTRAINT_EQ, &pl);
  int ht = vtab_find_hidden(vt, info, H_TAG, SQLITE_INDEX_CONSTRAINT_EQ, &pl);
  if (hv >= 0) vtab_take_constraint(info, &pl, 1, hv);
  if (ht >= 0) vtab_take_constraint(info, &pl, 2, ht);
  vtab_plan_search(vt, info, &pl);
  int hr = pl.idx & 32 ? -1 : vtab_find_hidden(vt, info, H_ROWID, SQLITE_INDEX_CONSTRAINT_EQ, &pl);
  if (hr >= 0) vtab_take_constraint(info, &pl, sqlite3_vtab_in(info, hr, 1) ? 8 : 4, hr);
  if (!vt->perm) plan_offset(info, &pl); /* OFFSET skips scan rows, not takes */
  if (plan_filters(vt, info, &pl)) return SQLITE_NOMEM;
  info->idxNum = pl.idx;
  if (pl.idx & 12) {
    info->estimatedCost = 10;
    info->estimatedRows = pl.idx & 4 ? 1 : 10;
    if (pl.idx & 4) info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
  } else {
    info->estimatedCost = pl.unusable && !(pl.idx & (1 | 2 | 32)) ? 1e12 : 1e6 - 1000.0 * pl.nfilt;
    info->estimatedRows = pl.idx & 32 ? 10 : 1000000;
    double frac = pl.nfilt && !(pl.idx & (16 | 32)) ? vtab_sfilt_fraction(vt, info) : 1;
    if (frac < 1) { /* scalar indexes answer some filters: takes of a share of the rows */
      info->estimatedCost = info->estimatedCost * frac + 100;
      info->estimatedRows = (sqlite3_int64)(1e6 * frac) + 1;
    }
  }
  return SQLITE_OK;
}

/* ---- Cursors ------------------------------------------------------------------ */

static void cursor_reset(lcursor *c) {
  vtab_explain_note((const lvtab *)c->base.pVtab, c);
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
  vtab_search_reset(&c->search);
  vtab_sfilt_free(c->sf);
  c->sf = NULL;
  c->take = 0;
  c->nids = c->idpos = 0;
  for (int i = 0; i < c->nfilters; i++) vtab_filter_reset(&c->filters[i]);
  sqlite3_free(c->filters);
  c->filters = NULL;
  c->nfilters = c->nsel = 0;
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
int vtab_latest(lvtab *vt, int fresh, lf_dataset **out, lf_error *e) {
  if ((*out = vtab_write_snapshot(vt))) return LF_OK;
  int in_txn = !sqlite3_get_autocommit(vt->db);
  if (vt->latest && !fresh && in_txn && vt->latest_in_txn) {
    *out = vt->latest;
    return LF_OK;
  }
  vt->latest_in_txn = in_txn;
  uint64_t *vers = NULL;
  size_t n = 0;
  int rc = lf_dataset_versions(vt->store, vt->args.path, &vers, &n, e);
  uint64_t newest = rc == LF_OK && n ? vers[n - 1] : 0;
  free(vers);
  if (rc) return rc;
  if (!vt->latest || lf_dataset_version(vt->latest) != newest) {
    lf_dataset *ds = NULL;
    if ((rc = lf_dataset_open(vt->store, vt->args.path, newest, NULL, &ds, e))) return rc;
    lf_dataset_free(vt->latest);
    vt->latest = ds;
  }
  *out = vt->latest;
  return LF_OK;
}

/* What unpinned reads see: the write transaction's view, else the latest. */
static int current_snapshot(lvtab *vt, lf_dataset **out, lf_error *e) {
  int rc = vt->txn ? vtab_txn_view(vt, out, e) : vtab_latest(vt, 0, out, e);
  if (!rc) lf_dataset_ref(*out); /* the cursor's: a later change may replace the view */
  return rc;
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
    int rc = lf_dataset_open(vt->store, vt->args.path, has_v ? (uint64_t)sqlite3_value_int64(ver) : 0,
                             t, &c->ds, e);
    if (rc) return rc;
    c->own_ds = 1;
    if (t && !(c->tag = sqlite3_mprintf("%s", t))) return lf_err(e, LF_NOMEM, "out of memory");
    return LF_OK;
  }
  if (vt->args.version || vt->args.tag) {
    c->ds = vt->schema_ds;
    if (vt->args.tag && !(c->tag = sqlite3_mprintf("%s", vt->args.tag)))
      return lf_err(e, LF_NOMEM, "out of memory");
    return LF_OK;
  }
  int rc = current_snapshot(vt, &c->ds, e);
  c->own_ds = rc == LF_OK;
  return rc;
}

/* Columns in `used` -> fields of the snapshot (matched by field id and
** type), opened as a scan; proj[col] is the batch column, or -1. */
int vtab_projection(const lvtab *vt, lf_dataset *ds, uint64_t used, int **fields, int *n,
                    int **proj, lf_error *e) {
  const lf_schema *cols = lf_dataset_schema(vt->schema_ds), *snap = lf_dataset_schema(ds);
  *n = 0;
  *fields = sqlite3_malloc64(((uint64_t)vt->ncols + 1) * sizeof **fields);
  *proj = sqlite3_malloc64(((uint64_t)vt->ncols + 1) * sizeof **proj);
  if (!*fields || !*proj) {
    sqlite3_free(*fields);
    *fields = NULL;
    return lf_err(e, LF_NOMEM, "out of memory");
  }
  for (int k = 0; k < vt->ncols; k++) {
    (*proj)[k] = -1;
    if (!(used & vtab_col_bit(k))) continue;
    for (int j = 0; j < snap->n_fields; j++)
      if (snap->fields[j]->id == cols->fields[k]->id && snap->fields[j]->type == cols->fields[k]->type) {
        (*proj)[k] = *n;
        (*fields)[(*n)++] = j;
      }
  }
  return LF_OK;
}

int vtab_open_projection(lvtab *vt, lf_dataset *ds, uint64_t used, lf_scan **scan,
                         int **proj, lf_error *e) {
  int *fields = NULL, n = 0;
  int rc = vtab_projection(vt, ds, used, &fields, &n, proj, e);
  if (!rc) rc = lf_scan_open(ds, vt->store, fields, n, scan, e);
  sqlite3_free(fields);
  return rc;
}

/* ---- Iteration ----------------------------------------------------------------- */

static int next_batch(lvtab *vt, lcursor *c) {
  lf_error e = {0};
  int rc;
  vtab_search *s = &c->search;
  if (s->on) { /* the next result, in rank order */
    size_t used = 0;
    c->b = NULL;
    rc = LF_OK;
    while (!rc && s->rpos < s->nres && (!c->b || c->b->n == 0)) {
      uint64_t id = (uint64_t)s->res[s->rpos++].rowid;
      rc = lf_scan_take_fragment(c->scan, &id, 1, &used, &c->b, &e);
    }
  } else if (c->sf) {
    rc = vtab_sfilt_next(vt, c, &e);
  } else if (!c->take) {
    rc = lf_scan_next(c->scan, BATCH_ROWS, &c->b, &e);
  } else {
    size_t used = 0;
    c->b = NULL;
    rc = LF_OK;
    while (!rc && c->idpos < c->nids && (!c->b || c->b->n == 0)) {
      size_t n = c->nids - c->idpos;
      if (vt->perm) n = vtab_perm_run(c->ds, c->ids + c->idpos, n);
      rc = lf_scan_take_fragment(c->scan, c->ids + c->idpos, n, &used, &c->b, &e);
      c->idpos += used;
    }
  }
  if (rc) return vtab_lf_error(vt, &e);
  c->i = 0;
  c->eof = !c->b || c->b->n == 0;
  if (c->eof || s->on) return SQLITE_OK; /* search results passed the filters already */
  if (c->b->n > c->cap_sel) {
    uint8_t *ns = sqlite3_realloc64(c->sel, c->b->n);
    if (!ns) return SQLITE_NOMEM;
    c->sel = ns;
    c->cap_sel = c->b->n;
  }
  memset(c->sel, 1, c->b->n);
  vtab_select_rows(c->filters, c->nsel, c->proj, c->b, c->sel);
  return SQLITE_OK;
}

/* Move to the first row at or after c->i that passes the filters. */
static int settle(lvtab *vt, lcursor *c) {
  while (!c->eof) {
    for (; c->i < c->b->n; c->i++)
      if (c->search.on || c->sel[c->i]) return SQLITE_OK;
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

const lf_field *vtab_col_field(const lvtab *vt, int col) {
  return col >= 0 && col < vt->ncols ? lf_dataset_schema(vt->schema_ds)->fields[col] : NULL;
}

static int parse_filters(lcursor *c, const char *idx_str, int argc, sqlite3_value **argv,
                         int first, uint64_t *used) {
  const lvtab *vt = (const lvtab *)c->base.pVtab;
  int n = 0;
  if (c->search.on) idx_str = vtab_search_cols(c, idx_str); /* "<col>[,<col>];" first */
  for (const char *p = idx_str; *p && *p != '|'; p++) n += *p == ';';
  c->filters = sqlite3_malloc64(((uint64_t)n + 1) * sizeof *c->filters);
  if (!c->filters) return SQLITE_NOMEM;
  const char *p = idx_str;
  for (int k = 0; k < n && first + k < argc; k++) {
    vtab_filter *fl = &c->filters[c->nfilters];
    char *end;
    memset(fl, 0, sizeof *fl);
    fl->col = (int)strtol(p, &end, 10);
    fl->op = (int)strtol(end + 1, &end, 10);
    int in = *end == 'i';
    fl->checked = end[in] == 'c'; /* SQLite checks it again: reads the column */
    p = end + 1 + in + fl->checked;
    c->nsel = ++c->nfilters;
    if (in) {
      int rc = vtab_collect_in(fl, argv[first + k], vtab_col_field(vt, fl->col));
      if (rc) return rc;
    } else if (!(fl->val = sqlite3_value_dup(argv[first + k]))) {
      return SQLITE_NOMEM;
    } else {
      vtab_fconst_init(&fl->k, fl->val, vtab_col_field(vt, fl->col));
      if ((fl->op == VTAB_OP_HAS_ANY || fl->op == VTAB_OP_HAS_ALL) && vtab_list_prepare(fl))
        return SQLITE_NOMEM;
    }
  }
  const char *bar = strchr(idx_str, '|');
  *used = bar ? strtoull(bar + 1, NULL, 16) : ~(uint64_t)0;
  *used |= vtab_filter_mask(c->filters, c->nfilters); /* filtered columns must be read */
  return SQLITE_OK;
}

static int vt_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
                     sqlite3_value **argv) {
  lcursor *c = (lcursor *)cur;
  lvtab *vt = (lvtab *)cur->pVtab;
  lf_error e = {0};
  cursor_reset(c);
  vt->ust.filters++; /* a statement run during a column-only UPDATE shows here */
  vtab_upd_stat_reset(vt);
  int a = 0;
  sqlite3_value *ver = idx & 1 ? argv[a++] : NULL, *tag = idx & 2 ? argv[a++] : NULL;
  lf_store_set_interrupt(vt->store, vt_interrupted, vt); /* this statement's thread */
  int rc = idx & 32 ? vtab_search_args(vt, c, idx, argv, &a) : SQLITE_OK;
  if (rc) return rc;
  sqlite3_value *ids = idx & 12 ? argv[a++] : NULL;
  sqlite3_value *skip = idx & 16 ? argv[a++] : NULL;
  uint64_t used = 0;
  if ((rc = parse_filters(c, idx_str ? idx_str : "", argc, argv, a, &used))) return rc;
  if (choose_snapshot(vt, c, ver, tag, &e) ||
      vtab_open_projection(vt, c->ds, used, &c->scan, &c->proj, &e) ||
      (c->search.on && c->nfilters && vtab_sfilt_start(vt, c, used, &e)) ||
      (c->search.on && vtab_search_run(vt, c, &e)))
    return vtab_lf_error(vt, &e);
  if (ids) {
    c->take = 1;
    if ((rc = collect_rowids(c, idx, ids))) return rc;
  } else if (c->nfilters && !c->search.on && !skip && !vt->perm && vtab_sfilt_start(vt, c, used, &e)) {
    return vtab_lf_error(vt, &e);
  }
  if (vt->perm && (rc = vtab_perm_cursor(vt, c))) return rc;
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
    if (vt->txn && sqlite3_vtab_nochange(ctx)) vtab_upd_note(vt, c, col); /* still read: see there */
    int k = c->proj[col];
    lf_scan *sc = c->scan;
    const lf_scan_batch *b = c->b;
    lf_error e = {0};
    if (k < 0 && c->sf && vtab_sfilt_column(c, col, &sc, &b, &k, &e)) { /* left out by takes */
      sqlite3_result_error(ctx, e.msg, -1);
      return SQLITE_ERROR;
    }
    if (k < 0) return SQLITE_OK;
    const lf_array *a = &b->cols[k];
    if (!a->field->is_blob || lf_array_is_null(a, c->i)) {
      vtab_result(ctx, a, c->i);
      return SQLITE_OK;
    }
    uint8_t *bytes = NULL; /* blobs: the payload, read only when selected */
    uint64_t n = 0;
    if (lf_scan_blob(sc, k, c->i, &bytes, &n, &e)) {
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
    default: vtab_search_column(c, ctx, col - vt->ncols); break;
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
static int vt_savepoint(sqlite3_vtab *p, int n) { return vtab_txn_savepoint((lvtab *)p, n); }
static int vt_release(sqlite3_vtab *p, int n) { return vtab_txn_release((lvtab *)p, n); }
static int vt_rollback_to(sqlite3_vtab *p, int n) { return vtab_txn_rollback_to((lvtab *)p, n); }
static int vt_find_function(sqlite3_vtab *p, int nargs, const char *name,
                            void (**fn)(sqlite3_context *, int, sqlite3_value **), void **arg) {
  (void)p;
  return vtab_array_find_function(name, nargs, fn, arg);
}

static sqlite3_module lance_module = {
  .iVersion = 2,
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
  .xSavepoint = vt_savepoint,
  .xRelease = vt_release,
  .xRollbackTo = vt_rollback_to,
  .xFindFunction = vt_find_function,
};

int vtab_register(sqlite3 *db) {
  vtab_conn *conn = vtab_conn_new();
  if (!conn) return SQLITE_NOMEM;
  int rc = sqlite3_create_module_v2(db, "lance", &lance_module, conn, vtab_conn_free);
  if (rc == SQLITE_OK) rc = vtab_explain_register(db, conn); /* the module frees conn */
  return rc == SQLITE_OK ? vtab_array_func_register(db) : rc;
}
