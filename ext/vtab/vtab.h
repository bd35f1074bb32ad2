/*
** vtab.h: internal interface of ext/vtab/, the `lance` virtual table.
*/
#ifndef LANCE_VTAB_H
#define LANCE_VTAB_H

#include <sqlite3ext.h>
#include <string.h>

#include "lf.h"

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
/* The SQL type a field's values take: "INTEGER", "REAL", "TEXT", "BLOB". */
const char *vtab_sql_type(const lf_field *f);

/* vtab.c */
int vtab_register(sqlite3 *db);

#endif
