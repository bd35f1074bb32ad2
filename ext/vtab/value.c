/*
** value.c: owns the conversion of decoded Lance values to SQLite values:
**   bool, int8..int64, uint8..uint32  INTEGER
**   uint64                            INTEGER; above 2^63-1 exact decimal TEXT
**   float16/32/64                     REAL (SQLite turns NaN into NULL)
**   utf8                              TEXT;  binary, fixed_size_binary BLOB
**   fixed_size_list of float16/32/64, int8, uint8 without null items
**                                     BLOB of packed little-endian elements
**   date32/date64                     TEXT 'YYYY-MM-DD'
**   timestamp(unit, tz)               TEXT 'YYYY-MM-DD HH:MM:SS[.f]' UTC, 0/3/6/9 digits
**   time32/64, duration               INTEGER in the type's unit
**   decimal128                        TEXT
**   list, struct, other fixed_size_list, vectors with null items
**                                     TEXT holding JSON: numbers as shortest
**                                     round-trip digits, NaN as null, +-inf as
**                                     +-9e999 (as SQLite's JSON writes them),
**                                     strings JSON-escaped, binary as lowercase
**                                     hex strings, dates/timestamps as their
**                                     TEXT forms, struct keys in schema order
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vec/knn.h"
#include "vtab.h"

const char *vtab_sql_type(const lf_field *f) {
  switch (f->type) {
    case LF_T_BOOL: case LF_T_INT8: case LF_T_UINT8: case LF_T_INT16: case LF_T_UINT16:
    case LF_T_INT32: case LF_T_UINT32: case LF_T_INT64: case LF_T_UINT64: case LF_T_TIME32:
    case LF_T_TIME64: case LF_T_DURATION:
      return "INTEGER";
    case LF_T_FLOAT16: case LF_T_BFLOAT16: case LF_T_FLOAT32: case LF_T_FLOAT64: return "REAL";
    case LF_T_BINARY: case LF_T_LARGE_BINARY: case LF_T_FIXED_BINARY: return "BLOB";
    case LF_T_FIXED_LIST: return knn_is_vector(f) ? "BLOB" : "TEXT";
    default: return f->is_blob ? "BLOB" : "TEXT";
  }
}

/* TEXT forms shared by top-level values and JSON: dates, timestamps,
** decimals.  Returns 0 when the type has none. */
static int text_form(const lf_array *a, uint64_t i, char *buf, size_t cap) {
  const lf_field *f = a->field;
  int w = lf_type_width(f);
  const uint8_t *p = a->values + i * (uint64_t)w;
  switch (f->type) {
    case LF_T_DATE32: lf_fmt_date(vtab_rd_i64(p, 4, 1), buf, cap); return 1;
    case LF_T_DATE64: lf_fmt_date(lf_floordiv(vtab_rd_i64(p, 8, 1), 86400000), buf, cap); return 1;
    case LF_T_TIMESTAMP: lf_fmt_timestamp(vtab_rd_i64(p, 8, 1), f->unit, ' ', "", buf, cap); return 1;
    case LF_T_DECIMAL128: lf_fmt_decimal128(p, f->scale, buf, cap); return 1;
    default: return 0;
  }
}

void vtab_json_string(sqlite3_str *s, const uint8_t *z, uint64_t n) {
  sqlite3_str_appendchar(s, 1, '"');
  for (uint64_t k = 0; k < n; k++) {
    uint8_t c = z[k];
    if (c == '"' || c == '\\') sqlite3_str_appendf(s, "\\%c", c);
    else if (c == '\n') sqlite3_str_appendall(s, "\\n");
    else if (c == '\b') sqlite3_str_appendall(s, "\\b");
    else if (c == '\f') sqlite3_str_appendall(s, "\\f");
    else if (c == '\t') sqlite3_str_appendall(s, "\\t");
    else if (c == '\r') sqlite3_str_appendall(s, "\\r");
    else if (c < 0x20) sqlite3_str_appendf(s, "\\u%04x", c);
    else sqlite3_str_appendchar(s, 1, (char)c);
  }
  sqlite3_str_appendchar(s, 1, '"');
}

static void json_value(sqlite3_str *s, const lf_array *a, uint64_t i);

static void json_children(sqlite3_str *s, const lf_array *a, uint64_t i) {
  const lf_field *f = a->field;
  if (f->type == LF_T_STRUCT) {
    sqlite3_str_appendchar(s, 1, '{');
    for (int c = 0; c < a->n_children; c++) {
      if (c) sqlite3_str_appendchar(s, 1, ',');
      vtab_json_string(s, (const uint8_t *)f->children[c]->name, strlen(f->children[c]->name));
      sqlite3_str_appendchar(s, 1, ':');
      json_value(s, &a->children[c], i);
    }
    sqlite3_str_appendchar(s, 1, '}');
    return;
  }
  uint64_t b = f->type == LF_T_FIXED_LIST ? i * (uint64_t)f->fixed_size : a->offsets[i];
  uint64_t e = f->type == LF_T_FIXED_LIST ? b + (uint64_t)f->fixed_size : a->offsets[i + 1];
  sqlite3_str_appendchar(s, 1, '[');
  for (uint64_t k = b; k < e; k++) {
    if (k > b) sqlite3_str_appendchar(s, 1, ',');
    json_value(s, &a->children[0], k);
  }
  sqlite3_str_appendchar(s, 1, ']');
}

static void json_value(sqlite3_str *s, const lf_array *a, uint64_t i) {
  const lf_field *f = a->field;
  char buf[64];
  if (lf_array_is_null(a, i)) {
    sqlite3_str_appendall(s, "null");
    return;
  }
  switch (f->type) {
    case LF_T_STRUCT: case LF_T_LIST: case LF_T_LARGE_LIST: case LF_T_FIXED_LIST:
      json_children(s, a, i);
      return;
    case LF_T_UTF8: case LF_T_LARGE_UTF8:
      vtab_json_string(s, a->data + a->offsets[i], a->offsets[i + 1] - a->offsets[i]);
      return;
    case LF_T_BINARY: case LF_T_LARGE_BINARY:
      sqlite3_str_appendchar(s, 1, '"');
      for (uint64_t k = a->offsets[i]; k < a->offsets[i + 1]; k++)
        sqlite3_str_appendf(s, "%02x", a->data[k]);
      sqlite3_str_appendchar(s, 1, '"');
      return;
    case LF_T_FIXED_BINARY:
      sqlite3_str_appendchar(s, 1, '"');
      for (int k = 0; k < lf_type_width(f); k++)
        sqlite3_str_appendf(s, "%02x", a->values[i * (uint64_t)lf_type_width(f) + (uint64_t)k]);
      sqlite3_str_appendchar(s, 1, '"');
      return;
    case LF_T_BOOL: sqlite3_str_appendall(s, a->values[i] ? "true" : "false"); return;
    case LF_T_FLOAT16: case LF_T_BFLOAT16: case LF_T_FLOAT32: case LF_T_FLOAT64: {
      double v = vtab_float_at(a, i);
      if (isnan(v)) sqlite3_str_appendall(s, "null");
      else if (isinf(v)) sqlite3_str_appendall(s, v > 0 ? "9e999" : "-9e999");
      else if (v == 0 && signbit(v)) sqlite3_str_appendall(s, "-0.0");
      else {
        if (f->type == LF_T_FLOAT64) lf_fmt_double(v, buf, sizeof buf);
        else lf_fmt_float((float)v, buf, sizeof buf);
        sqlite3_str_appendall(s, buf);
      }
      return;
    }
    case LF_T_NULL: sqlite3_str_appendall(s, "null"); return;
    default: break;
  }
  if (text_form(a, i, buf, sizeof buf)) {
    vtab_json_string(s, (const uint8_t *)buf, strlen(buf));
    return;
  }
  int w = lf_type_width(f);
  if (!w) {
    sqlite3_str_appendall(s, "null");
    return;
  }
  const uint8_t *p = a->values + i * (uint64_t)w;
  if (f->type == LF_T_UINT64) sqlite3_str_appendf(s, "%llu", (unsigned long long)vtab_rd_i64(p, 8, 0));
  else sqlite3_str_appendf(s, "%lld", (long long)vtab_rd_i64(p, w, vtab_is_signed(f->type)));
}

/* A fixed-size list of numbers without null items as one packed BLOB
** (bfloat16 widened to float32: exact, and the layout every vector function
** and query takes). */
static int vector_blob(sqlite3_context *ctx, const lf_array *a, uint64_t i) {
  const lf_array *c = &a->children[0];
  uint64_t dim = (uint64_t)a->field->fixed_size, w = (uint64_t)lf_type_width(c->field);
  if (c->valid)
    for (uint64_t k = 0; k < dim; k++)
      if (!c->valid[i * dim + k]) return 0; /* null items: JSON text keeps them */
  if (c->field->type != LF_T_BFLOAT16) {
    sqlite3_result_blob64(ctx, c->values + i * dim * w, dim * w, SQLITE_TRANSIENT);
    return 1;
  }
  float *f = sqlite3_malloc64(dim * 4 + 4);
  if (!f) return sqlite3_result_error_nomem(ctx), 1;
  for (uint64_t k = 0; k < dim; k++) f[k] = (float)vtab_float_at(c, i * dim + k);
  sqlite3_result_blob64(ctx, f, dim * 4, sqlite3_free);
  return 1;
}

void vtab_result(sqlite3_context *ctx, const lf_array *a, uint64_t i) {
  const lf_field *f = a->field;
  char buf[64];
  if (lf_array_is_null(a, i)) return; /* NULL is the default result */
  switch (f->type) {
    case LF_T_UTF8: case LF_T_LARGE_UTF8:
      sqlite3_result_text64(ctx, (const char *)a->data + a->offsets[i],
                            a->offsets[i + 1] - a->offsets[i], SQLITE_TRANSIENT, SQLITE_UTF8);
      return;
    case LF_T_BINARY: case LF_T_LARGE_BINARY:
      sqlite3_result_blob64(ctx, a->data + a->offsets[i], a->offsets[i + 1] - a->offsets[i],
                            SQLITE_TRANSIENT);
      return;
    case LF_T_FIXED_BINARY:
      sqlite3_result_blob64(ctx, a->values + i * (uint64_t)lf_type_width(f),
                            (uint64_t)lf_type_width(f), SQLITE_TRANSIENT);
      return;
    case LF_T_FLOAT16: case LF_T_BFLOAT16: case LF_T_FLOAT32: case LF_T_FLOAT64:
      sqlite3_result_double(ctx, vtab_float_at(a, i));
      return;
    case LF_T_FIXED_LIST:
      if (knn_is_vector(f) && vector_blob(ctx, a, i)) return;
      /* fall through */
    case LF_T_STRUCT: case LF_T_LIST: case LF_T_LARGE_LIST: {
      sqlite3_str *s = sqlite3_str_new(NULL);
      json_children(s, a, i);
      int n = sqlite3_str_length(s);
      char *z = sqlite3_str_finish(s);
      if (!z) sqlite3_result_error_nomem(ctx);
      else sqlite3_result_text64(ctx, z, (sqlite3_uint64)n, sqlite3_free, SQLITE_UTF8);
      return;
    }
    case LF_T_NULL: return;
    default: break;
  }
  if (text_form(a, i, buf, sizeof buf)) {
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
    return;
  }
  int w = lf_type_width(f);
  if (!w) return;
  const uint8_t *p = a->values + i * (uint64_t)w;
  if (f->type == LF_T_UINT64) {
    uint64_t u = (uint64_t)vtab_rd_i64(p, 8, 0);
    if (u > (uint64_t)INT64_MAX) {
      snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
      sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
    } else {
      sqlite3_result_int64(ctx, (sqlite3_int64)u);
    }
    return;
  }
  sqlite3_result_int64(ctx, vtab_rd_i64(p, w, vtab_is_signed(f->type)));
}
