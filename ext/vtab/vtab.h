/*
** vtab.h: internal interface of ext/vtab/, the `lance` virtual table.
*/
#ifndef LANCE_VTAB_H
#define LANCE_VTAB_H

#include <sqlite3ext.h>
#include <string.h>

#include "lf_table.h"
#include "vec/knn.h"
#include "vtab/args.h"

/* Reading values of an lf_array (value.c's results, vtab.c's filters). */
/* Integer i of width w bytes at p (little-endian host), sign-extended when signed. */
static inline int64_t vtab_rd_i64(const uint8_t *p, int w, int is_signed) {
  uint64_t v = 0;
  memcpy(&v, p, (size_t)w);
  if (is_signed && w < 8 && (v >> (8 * w - 1)) & 1) v |= ~(uint64_t)0 << (8 * w);
  return (int64_t)v;
}
static inline int vtab_is_signed(lf_type t) {
  return t == LF_T_INT8 || t == LF_T_INT16 || t == LF_T_INT32 || t == LF_T_INT64 ||
         t == LF_T_TIME32 || t == LF_T_TIME64 || t == LF_T_DURATION || t == LF_T_DATE32 ||
         t == LF_T_DATE64 || t == LF_T_TIMESTAMP;
}
/* Row i of a float16/bfloat16/float32/float64 array as a double. */
static inline double vtab_float_at(const lf_array *a, uint64_t i) {
  const uint8_t *p = a->values;
  switch (a->field->type) {
    case LF_T_FLOAT16: { uint16_t h; memcpy(&h, p + 2 * i, 2); return lf_half_to_double(h); }
    case LF_T_BFLOAT16: { uint16_t h; memcpy(&h, p + 2 * i, 2); return lf_bf16_to_double(h); }
    case LF_T_FLOAT32: { float v; memcpy(&v, p + 4 * i, 4); return v; }
    default: { double v; memcpy(&v, p + 8 * i, 8); return v; }
  }
}

/* value.c: an lf_array row as an SQLite value, per docs/sql.md's types
** table (integers, REAL, TEXT dates/timestamps, BLOB vectors, JSON TEXT for
** lists and structs). */
void vtab_result(sqlite3_context *ctx, const lf_array *a, uint64_t i);
/* n bytes of z as one JSON string (quotes, escapes) appended to s. */
void vtab_json_string(sqlite3_str *s, const uint8_t *z, uint64_t n);
/* The SQL type a field's values take: "INTEGER", "REAL", "TEXT", "BLOB". */
const char *vtab_sql_type(const lf_field *f);

/* One `lance` virtual table (vtab.c; write.c owns txn). */
typedef struct vtab_txn vtab_txn;
typedef struct vtab_sidx_cache vtab_sidx_cache; /* scalar_filter.c */
typedef struct vtab_sfilt vtab_sfilt;           /* scalar_filter.c */
typedef struct vtab_conn vtab_conn;             /* explain.c */
/* update_cols.c: what xColumn learnt of the UPDATE in progress. */
typedef struct vtab_updstat {
  uint8_t *nochg;           /* per column: 1 = the UPDATE leaves it unchanged */
  uint64_t rows, phys;      /* rows read for it; physical rows of their fragments */
  uint64_t last, frag;      /* the last row address counted, its fragment id */
  uint64_t filters;         /* xFilter calls on the table so far */
} vtab_updstat;

typedef struct lvtab {
  sqlite3_vtab base;
  sqlite3 *db;
  char *name;
  vtab_args args;           /* USING lance(...): args.path the dataset; args.version
                            ** or args.tag pin it (0 / NULL: follow the latest);
                            ** schema=, data_storage_version=, ... create one */
  lf_store *store;
  lf_dataset *schema_ds;    /* the dataset whose schema gave the columns */
  int ncols;
  lf_dataset *latest;       /* latest snapshot, kept for the current transaction */
  int latest_in_txn;        /* latest was read inside BEGIN ... (not in autocommit) */
  vtab_txn *txn;            /* the write transaction in progress, or NULL */
  struct fts_cache *fts;    /* FTS indexes opened by searches (ext/fts), or NULL */
  struct ann_cache *ann;    /* vector indexes opened by searches (ext/vec/ann.c), or NULL */
  vtab_sidx_cache *sidx;    /* scalar indexes opened by filters (scalar_filter.c), or NULL */
  vtab_conn *conn;          /* the connection's state (explain.c; the module's client data) */
  sqlite3_stmt *probe;      /* "SELECT 1": is the connection interrupted? (remote stores) */
  struct vtab_perm *perm;   /* permutation=: the split's row ids (permute.c), or NULL */
  vtab_updstat ust;         /* update_cols.c */
} lvtab;

/* write.c: INSERT / UPDATE / DELETE and the transaction methods.  Changes
** of one SQLite transaction are buffered (rows spill to new data files as
** they come) and become one Lance version in xSync; each statement of the
** transaction sees the changes made before it (txn.c). */
int vtab_write_begin(lvtab *vt);
int vtab_write_update(lvtab *vt, int argc, sqlite3_value **argv, sqlite3_int64 *rowid);
int vtab_write_sync(lvtab *vt);
int vtab_write_commit(lvtab *vt);
int vtab_write_rollback(lvtab *vt);
/* The version a write transaction writes to (NULL when none is open). */
lf_dataset *vtab_write_snapshot(lvtab *vt);
void vtab_write_free(lvtab *vt);
/* txn.c: what the write transaction's statements read: its base version
** with its changes so far (*out NULL when no transaction is open; borrowed:
** take a reference to keep it); an lf status. */
int vtab_txn_view(lvtab *vt, lf_dataset **out, lf_error *e);
int vtab_txn_savepoint(lvtab *vt, int level);
int vtab_txn_release(lvtab *vt, int level);
int vtab_txn_rollback_to(lvtab *vt, int level);
/* Create the dataset vt->root with vt's CREATE options (version 1, empty);
** *err is set on failure. */
int vtab_create_dataset(lvtab *vt, char **err);
/* vtab.c: the latest version (within a transaction, unless fresh: the one
** its first read saw); borrowed. */
int vtab_latest(lvtab *vt, int fresh, lf_dataset **out, lf_error *e);
/* vtab.c: sets vt's error message; returns SQLITE_ERROR. */
int vtab_error(lvtab *vt, const char *fmt, ...);
/* vtab.c: "lance: <table>: <message>" of a format/ error; returns its SQLite rc. */
int vtab_lf_error(lvtab *vt, const lf_error *e);

/* write_value.c: SQLite values appended to lf_array builders for writes
** (the inverse of vtab_result).  On error *err is an sqlite3_malloc'd
** sentence naming table and column and the rc is SQLITE_MISMATCH (wrong
** type), SQLITE_CONSTRAINT (NULL in a NOT NULL column), SQLITE_ERROR or
** SQLITE_NOMEM; the array may then hold a partial row. */
int vtab_append_value(const char *table, const char *column, lf_array *a, sqlite3_value *v,
                      char **err);
int vtab_append_null(const char *table, const char *column, lf_array *a, char **err);

/* ---- The table's cursor, shared by vtab.c, filter.c and search.c -------------- */

/* Hidden columns, after the dataset's columns, in this order. */
enum {
  H_VERSION, H_TAG, H_ROWID, H_ROWADDR, H_DISTANCE, H_K, H_METRIC, H_OPTIONS, H_SCORE,
  H_RELEVANCE, N_HIDDEN
};

/* filter.c: a filter's right-hand value, read once per xFilter (not per row). */
typedef struct vtab_fconst {
  int type;                 /* SQLITE_INTEGER, _FLOAT, _TEXT, ... */
  int64_t i;
  double d;
  const uint8_t *z;         /* TEXT bytes (owned by the filter's value copy) */
  uint64_t n;
} vtab_fconst;

/* filter.c: one pushed filter `column <op> value` (or IN list). */
typedef struct vtab_filter {
  int col, op;
  sqlite3_value *val;       /* the right-hand value; for IN (...) lists, NULL */
  vtab_fconst k;
  sqlite3_value **in;       /* IN (...) values, all at once (sqlite3_vtab_in) */
  vtab_fconst *ink;
  int nin;
  struct lf_svalues *want;  /* array_has_any / _all: the JSON values, parsed (or NULL) */
  int checked;              /* not omitted by xBestIndex: SQLite checks it (reads the column) */
} vtab_filter;

/* search.c: one result row; a NaN score is NULL (the row was not found by
** that side of a hybrid search). */
typedef struct vtab_hit {
  int64_t rowid;
  float dist, score, rel;   /* _distance, _score, _relevance_score */
} vtab_hit;

/* search.c: the search a cursor runs (`col MATCH ...`), results in rank order. */
typedef struct vtab_search {
  int on;                   /* 1: rows come from the results, in their order */
  int ncols;                /* MATCH constraints: 1, or 2 for hybrid search */
  int col[2];               /* their columns */
  sqlite3_value *q[2];      /* their queries (xFilter's argv) */
  int vcol, tcol;           /* the vector and the text column, or -1 */
  vtab_hit *res;            /* results (sqlite3_malloc) */
  size_t nres, rpos;        /* rpos: results handed out so far */
  sqlite3_int64 k;          /* _k; -1: not given */
  char *metric;             /* _metric text, or NULL */
  char *options;            /* _options text, or NULL */
  sqlite3_value *dlo, *dhi; /* _distance bounds (xFilter's argv) */
  int dlo_open, dhi_open;
  knn_options opts;
} vtab_search;

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
  vtab_filter *filters;
  int nfilters;
  int nsel;                 /* batches are filtered by filters[0..nsel): all of them,
                            ** but while scalar_filter.c takes rows an index chose
                            ** exactly, those filters are moved past nsel */
  uint8_t *sel;             /* rows of the batch that pass the filters */
  uint64_t cap_sel;
  vtab_search search;
  vtab_sfilt *sf;           /* filters answered by scalar indexes, or NULL */
} lcursor;

/* update_cols.c: xColumn was asked for column col of c's row with
** sqlite3_vtab_nochange (the UPDATE leaves it unchanged); freeing that. */
void vtab_upd_note(lvtab *vt, const lcursor *c, int col);
void vtab_upd_stat_reset(lvtab *vt); /* xFilter: a new scan (of a new statement?) */
void vtab_upd_stat_free(lvtab *vt);

/* xBestIndex's plan (vtab.c's table of idxNum bits). */
typedef struct vtab_plan {
  int idx, argv, nfilt, unusable;
  int vcol, col2;  /* the first and second MATCH column, or -1 */
  int used[16];    /* constraint index per idxNum bit position, -1 = none */
} vtab_plan;

/* vtab.c: take constraint i for idxNum bit `bit` (next argv, omitted by SQLite). */
void vtab_take_constraint(sqlite3_index_info *info, vtab_plan *pl, int bit, int i);
/* vtab.c: the usable constraint `hidden column h <op> ?`, or -1 (an unusable
** _version/_tag constraint marks the plan unusable). */
int vtab_find_hidden(const lvtab *vt, sqlite3_index_info *info, int h, int op, vtab_plan *pl);
/* vtab.c: the schema fields of snapshot ds that columns in `used` (colUsed bits)
** read, (*fields)[0..*n); (*proj)[col] is the index in fields, or -1 (both
** sqlite3_malloc). */
int vtab_projection(const lvtab *vt, lf_dataset *ds, uint64_t used, int **fields, int *n,
                    int **proj, lf_error *e);
/* vtab.c: columns in `used` (colUsed bits) of snapshot ds opened as a scan;
** (*proj)[col] is the batch column, or -1 (sqlite3_malloc). */
int vtab_open_projection(lvtab *vt, lf_dataset *ds, uint64_t used, lf_scan **scan, int **proj,
                         lf_error *e);
/* vtab.c: the table column col's field, or NULL. */
const lf_field *vtab_col_field(const lvtab *vt, int col);
/* colUsed's bit for table column col (bit 63 stands for every column >= 63). */
static inline uint64_t vtab_col_bit(int col) { return (uint64_t)1 << (col < 63 ? col : 63); }

/* filter.c: pushed filters, run in C on decoded batches exactly as SQLite would
** decide them (or left undecided for SQLite to check). */
/* The constant as SQLite compares it with column f (f's affinity applied). */
void vtab_fconst_init(vtab_fconst *k, sqlite3_value *v, const lf_field *f);
/* The values of an IN (...) list (sqlite3_vtab_in), copied into fl. */
int vtab_collect_in(vtab_filter *fl, sqlite3_value *list, const lf_field *f);
/* Frees what fl holds. */
void vtab_filter_reset(vtab_filter *fl);
/* array_has_any / array_has_all(col, 'json'): parse the values once (fl->want
** stays NULL when they are not a JSON array: SQLite's call reports it). */
int vtab_list_prepare(vtab_filter *fl);
/* Does C decide `array_has_*(column of field f, rhs)` as the SQL function
** would (lists of text or integers up to int64, rhs a JSON array)? */
int vtab_list_decided(const lf_field *f, sqlite3_value *rhs);
/* Clear sel[i] for the rows of b failing a filter; proj maps columns to batch columns. */
void vtab_select_rows(const vtab_filter *fs, int nf, const int *proj, const lf_scan_batch *b,
                      uint8_t *sel);
/* The columns the filters read, as colUsed bits. */
uint64_t vtab_filter_mask(const vtab_filter *fs, int nf);

/* search.c: `col MATCH ?` planned (idxNum bits 32..8192) and run. */
void vtab_plan_search(const lvtab *vt, sqlite3_index_info *info, vtab_plan *pl);
/* xFilter (idxNum bit 32 set): the search's arguments from argv[*a...] in idxNum
** order, checked. */
int vtab_search_args(lvtab *vt, lcursor *c, int idx, sqlite3_value **argv, int *a);
/* xFilter: the searched columns at the head of idxStr ("<col>[,<col>];"); returns
** the rest of idxStr. */
const char *vtab_search_cols(lcursor *c, const char *idx_str);
/* Run the search of c (after its snapshot is chosen): results in c->search. */
int vtab_search_run(lvtab *vt, lcursor *c, lf_error *e);
/* The value of search hidden column h (H_DISTANCE, H_K, H_METRIC, H_OPTIONS,
** H_SCORE, H_RELEVANCE). */
void vtab_search_column(const lcursor *c, sqlite3_context *ctx, int h);
void vtab_search_reset(vtab_search *s);

/* scalar_filter.c: pushed filters on columns with a BTREE or BITMAP index
** answered from the index (row-id sets), then takes, then a scan of the
** fragments no index covers. */
void vtab_sidx_cache_free(vtab_sidx_cache *c);
void vtab_sfilt_free(vtab_sfilt *s);
/* xFilter, after the snapshot and scan are open: c->sf (and c->ids, c->take)
** set when some filter has an index; c->sf stays NULL otherwise.  With a
** search (c->search.on) only the allowed set is kept (vtab_sfilt_allows).
** used: the columns the cursor reads (colUsed and the filter columns).  The
** takes leave out the columns only filters an index answers exactly read
** (vtab_sfilt_column takes them when SQLite asks after all). */
int vtab_sfilt_start(lvtab *vt, lcursor *c, uint64_t used, lf_error *e);
/* xColumn of a column the takes left out (c->proj[col] < 0): *scan, *b and
** *k the batch holding it (the current batch's rows, taken now), or *k = -1
** when the cursor does not read column col. */
int vtab_sfilt_column(lcursor *c, int col, lf_scan **scan, const lf_scan_batch **b, int *k,
                      lf_error *e);
/* With a search: the rows its prefilter allows, ascending in *ids (sqlite3_malloc),
** when c->sf holds an index set and it and the fragments no index covers are few
** (at most 1/8 of the rows; *ok = 1): the set's rows taken with the columns of the
** filters no index answers exactly (those applied), then the unindexed fragments
** scanned with every filter.  *ok = 0: the search filters its scan as usual. */
int vtab_sfilt_prefilter(lvtab *vt, lcursor *c, uint64_t **ids, size_t *n, int *ok, lf_error *e);
/* With a search: may the hit with row id rowid pass (1 unless an index
** covering its fragment excludes it)?  Row addresses only (no stable ids). */
int vtab_sfilt_allows(const lcursor *c, uint64_t rowid);
/* The next batch of a cursor with c->sf (takes, then the rest scan). */
int vtab_sfilt_next(lvtab *vt, lcursor *c, lf_error *e);
/* xBestIndex: the share of rows a plan reads given its pushed filters (1: no index). */
double vtab_sfilt_fraction(lvtab *vt, sqlite3_index_info *info);
/* One line saying how cursor c read its rows (sqlite3_malloc'd). */
char *vtab_sfilt_explain(const lvtab *vt, const lcursor *c);

/* array_func.c: array_has_any / array_has_all, overloaded on list columns
** (xFindFunction) as the constraint ops below. */
enum { VTAB_OP_HAS_ANY = SQLITE_INDEX_CONSTRAINT_FUNCTION, VTAB_OP_HAS_ALL };
int vtab_array_func_register(sqlite3 *db);
/* xFindFunction: the op for `name(col, ?)` (and the function), or 0. */
int vtab_array_find_function(const char *name, int nargs,
                             void (**fn)(sqlite3_context *, int, sqlite3_value **), void **arg);

/* explain.c: lance_explain(sql) and the per-connection state it records into. */
vtab_conn *vtab_conn_new(void);
void vtab_conn_free(void *conn);
int vtab_explain_register(sqlite3 *db, vtab_conn *conn);
/* Called when a cursor's run ends: its line, if a lance_explain is running. */
void vtab_explain_note(const lvtab *vt, const lcursor *c);
/* permute.c: tables read through a permutation (USING lance(..., permutation=)). */
/* Load vt->args.permutation's split; pins vt to its base version unless
** version= / tag= did.  Before the dataset is opened; *err set on failure. */
int vtab_perm_open(lvtab *vt, char **err);
void vtab_perm_free(lvtab *vt);
/* xFilter: c reads the permutation's rows (those among c's rowid take, if any). */
int vtab_perm_cursor(lvtab *vt, lcursor *c);
/* How many of ids[0..n) one take may read and keep their order. */
size_t vtab_perm_run(const lf_dataset *ds, const uint64_t *ids, size_t n);
/* A temporary lance table temp."<prefix>_<random>" over the dataset at uri
** (pinned to version unless 0); *name (sqlite3_malloc'd) is its name.  An
** SQLite rc (the connection's error message set); *name NULL on failure. */
int vtab_temp_lance(sqlite3 *db, const char *prefix, const char *uri, uint64_t version,
                    char **name);
/* Drop it and free name (NULL: nothing). */
void vtab_temp_drop(sqlite3 *db, char *name);

/* vtab.c */
int vtab_register(sqlite3 *db);
/* Is the connection interrupted (sqlite3_interrupt(), or a progress handler
** asking to stop)?  *probe, a tiny statement prepared on first use (the
** caller finalizes it), fails with SQLITE_INTERRUPT then; sqlite3_is_interrupted
** needs SQLite 3.41. */
int vtab_interrupted(sqlite3 *db, sqlite3_stmt **probe);
/* matview.c: lance_create_view() and lance_refresh() (materialized views). */
int vtab_view_register(sqlite3 *db);
/* search_func.c: the fts() and knn() table-valued functions. */
int vtab_search_func_register(sqlite3 *db);

#endif
