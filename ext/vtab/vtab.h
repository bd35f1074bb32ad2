/*
** vtab.h: internal interface of ext/vtab/, the `lance` virtual table.
*/
#ifndef LANCE_VTAB_H
#define LANCE_VTAB_H

#include <sqlite3ext.h>
#include <string.h>

#include "lf_table.h"
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
/* Row i of a float16/float32/float64 array as a double. */
static inline double vtab_float_at(const lf_array *a, uint64_t i) {
  const uint8_t *p = a->values;
  switch (a->field->type) {
    case LF_T_FLOAT16: { uint16_t h; memcpy(&h, p + 2 * i, 2); return lf_half_to_double(h); }
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
  vtab_txn *txn;            /* the write transaction in progress, or NULL */
} lvtab;

/* write.c: INSERT / UPDATE / DELETE and the transaction methods.  Changes
** of one SQLite transaction are buffered (rows spill to new data files as
** they come) and become one Lance version in xSync; statements of the
** transaction read the version it started from. */
int vtab_write_begin(lvtab *vt);
int vtab_write_update(lvtab *vt, int argc, sqlite3_value **argv, sqlite3_int64 *rowid);
int vtab_write_sync(lvtab *vt);
int vtab_write_commit(lvtab *vt);
int vtab_write_rollback(lvtab *vt);
/* The snapshot a write transaction reads (NULL when none is open). */
lf_dataset *vtab_write_snapshot(lvtab *vt);
void vtab_write_free(lvtab *vt);
/* Create the dataset vt->root with vt's CREATE options (version 1, empty);
** *err is set on failure. */
int vtab_create_dataset(lvtab *vt, char **err);
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

/* vtab.c */
int vtab_register(sqlite3 *db);

#endif
