/*
** write_value.c: owns the conversion of SQLite values to Lance values for
** writes (the inverse of value.c), appended row by row to lf_array
** builders in the layout lf.h documents:
**   INTEGER columns        INTEGER (REAL when integral), range-checked per type;
**                          uint64 also takes its exact decimal TEXT form
**   bool                   0 or 1
**   REAL columns           INTEGER or REAL (float16 rounds to nearest even)
**   TEXT (utf8)            TEXT
**   BLOB (binary)          BLOB or TEXT (its bytes)
**   vectors                BLOB of n packed little-endian elements, or JSON
**   date / timestamp       TEXT as value.c writes it ('YYYY-MM-DD',
**                          'YYYY-MM-DD HH:MM:SS[.f]', 'T' and 'Z' accepted), or
**                          INTEGER days / units since the epoch
**   decimal                TEXT or INTEGER
**   lists, structs, other fixed-size lists   JSON TEXT (as value.c writes it:
**                          objects by field name, missing keys are null)
** Anything else is an error naming the column and the type expected.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vec/knn.h"
#include "vtab.h"

/* ---- Appending one value -------------------------------------------------------- */

/* Mark row a->length valid and count it. */
static int push_valid(lf_array *a) {
  if (a->null_count && lf_array_alloc_valid(a, a->length + 1)) return LF_NOMEM;
  if (a->null_count) a->valid_buf[a->length] = 1;
  a->length++;
  return LF_OK;
}

static int push_fixed(lf_array *a, const void *v, int w) {
  if (lf_array_alloc_values(a, (a->length + 1) * (uint64_t)w)) return LF_NOMEM;
  memcpy(a->values + a->length * (uint64_t)w, v, (size_t)w);
  return push_valid(a);
}

static int push_bytes(lf_array *a, const void *p, uint64_t n) {
  uint64_t at = a->length, end = at ? a->offsets[at] : 0;
  if (lf_array_alloc_offsets(a, at + 1) || lf_array_alloc_data(a, end + n)) return LF_NOMEM;
  if (at == 0) a->offsets[0] = 0;
  if (n) memcpy(a->data + end, p, n);
  a->offsets[at + 1] = end + n;
  a->data_len = end + n;
  return push_valid(a);
}

/* ---- Errors --------------------------------------------------------------------- */

typedef struct wctx {
  const char *table, *column;   /* for messages */
  char *err;                    /* sqlite3_malloc'd message */
} wctx;

static int type_error(wctx *w, const lf_array *a, const char *got) {
  const lf_field *f = a->field;
  sqlite3_free(w->err);
  w->err = sqlite3_mprintf("lance: %s: column %s%s%s: expected %s (%s), got %s", w->table,
                           w->column, strcmp(f->name, w->column) ? "." : "",
                           strcmp(f->name, w->column) ? f->name : "", vtab_sql_type(f),
                           f->logical_type, got);
  return w->err ? SQLITE_MISMATCH : SQLITE_NOMEM;
}

static int nomem(void) { return SQLITE_NOMEM; }

/* ---- Scalars -------------------------------------------------------------------- */

static int int_range(lf_type t, int64_t *lo, uint64_t *hi) {
  switch (t) {
    case LF_T_BOOL: *lo = 0; *hi = 1; return 1;
    case LF_T_INT8: *lo = INT8_MIN; *hi = INT8_MAX; return 1;
    case LF_T_UINT8: *lo = 0; *hi = UINT8_MAX; return 1;
    case LF_T_INT16: *lo = INT16_MIN; *hi = INT16_MAX; return 2;
    case LF_T_UINT16: *lo = 0; *hi = UINT16_MAX; return 2;
    case LF_T_INT32: case LF_T_DATE32: case LF_T_TIME32: *lo = INT32_MIN; *hi = INT32_MAX; return 4;
    case LF_T_UINT32: *lo = 0; *hi = UINT32_MAX; return 4;
    case LF_T_UINT64: *lo = 0; *hi = UINT64_MAX; return 8;
    case LF_T_INT64: case LF_T_DATE64: case LF_T_TIME64: case LF_T_TIMESTAMP:
    case LF_T_DURATION: *lo = INT64_MIN; *hi = INT64_MAX; return 8;
    default: return 0;
  }
}

static int push_int(wctx *w, lf_array *a, int64_t v, int neg_ok_u64) {
  int64_t lo;
  uint64_t hi;
  int width = int_range(a->field->type, &lo, &hi);
  if ((v < lo || (v >= 0 && (uint64_t)v > hi)) && !neg_ok_u64) {
    char got[64];
    sqlite3_snprintf(sizeof got, got, "%lld (out of range)", (long long)v);
    return type_error(w, a, got);
  }
  return push_fixed(a, &v, width) ? nomem() : SQLITE_OK; /* little-endian host */
}

/* uint64 above 2^63-1 from its decimal text. */
static int push_u64_text(wctx *w, lf_array *a, const char *z) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(z, &end, 10);
  if (!*z || *z == '-' || *end || errno) return type_error(w, a, "TEXT");
  uint64_t u = v;
  return push_fixed(a, &u, 8) ? nomem() : SQLITE_OK;
}

static int push_float(lf_array *a, double d) {
  switch (a->field->type) {
    case LF_T_FLOAT16: { uint16_t h = lf_double_to_half(d); return push_fixed(a, &h, 2); }
    case LF_T_BFLOAT16: { uint16_t h = lf_double_to_bf16(d); return push_fixed(a, &h, 2); }
    case LF_T_FLOAT32: { float f = (float)d; return push_fixed(a, &f, 4); }
    default: return push_fixed(a, &d, 8);
  }
}

static int is_int_type(lf_type t) {
  int64_t lo;
  uint64_t hi;
  return int_range(t, &lo, &hi) && t != LF_T_DATE32 && t != LF_T_DATE64 && t != LF_T_TIMESTAMP;
}

static int is_float_type(lf_type t) {
  return t == LF_T_FLOAT16 || t == LF_T_BFLOAT16 || t == LF_T_FLOAT32 || t == LF_T_FLOAT64;
}

/* A date/timestamp/decimal from text. */
static int push_text_typed(wctx *w, lf_array *a, const char *z) {
  const lf_field *f = a->field;
  int64_t v;
  uint8_t dec[16];
  switch (f->type) {
    case LF_T_DATE32:
      if (lf_parse_date(z, &v)) return type_error(w, a, "TEXT that is not a date 'YYYY-MM-DD'");
      return push_int(w, a, v, 0);
    case LF_T_DATE64:
      if (lf_parse_date(z, &v)) return type_error(w, a, "TEXT that is not a date 'YYYY-MM-DD'");
      return push_int(w, a, v * 86400000, 0);
    case LF_T_TIMESTAMP:
      if (lf_parse_timestamp(z, f->unit, &v))
        return type_error(w, a, "TEXT that is not a timestamp 'YYYY-MM-DD HH:MM:SS[.f]' "
                                "within the column's unit");
      return push_int(w, a, v, 0);
    case LF_T_DECIMAL128:
      if (lf_parse_decimal128(z, f->precision, f->scale, dec))
        return type_error(w, a, "TEXT that is not a decimal within its precision and scale");
      return push_fixed(a, dec, 16) ? nomem() : SQLITE_OK;
    default: return type_error(w, a, "TEXT");
  }
}

/* ---- JSON (lists, structs, vectors as text) ---------------------------------------- */

typedef struct jcur {
  const char *p;
  int depth;
} jcur;

static void jws(jcur *j) {
  while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') j->p++;
}

static int json_value(wctx *w, lf_array *a, jcur *j);

static int json_error(wctx *w, lf_array *a, jcur *j, const char *what) {
  char got[96];
  sqlite3_snprintf(sizeof got, got, "JSON with %s near '%.12s'", what, j->p);
  return type_error(w, a, got);
}

/* A JSON string (escapes decoded) into a sqlite3_str. */
static int json_string(jcur *j, sqlite3_str *s) {
  if (*j->p != '"') return -1;
  for (j->p++; *j->p != '"'; j->p++) {
    unsigned char c = (unsigned char)*j->p;
    if (c < 0x20) return -1;
    if (c != '\\') {
      sqlite3_str_appendchar(s, 1, (char)c);
      continue;
    }
    c = (unsigned char)*++j->p;
    const char *esc = strchr("\"\"\\\\//b\bf\fn\nr\rt\t", c);
    if (c && esc && (esc - "\"\"\\\\//b\bf\fn\nr\rt\t") % 2 == 0) {
      sqlite3_str_appendchar(s, 1, esc[1]);
      continue;
    }
    if (c != 'u') return -1;
    unsigned cp = 0;
    for (int i = 0; i < 4; i++) {
      char h = *++j->p;
      int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
              : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (d < 0) return -1;
      cp = cp << 4 | (unsigned)d;
    }
    if (cp >= 0xd800 && cp < 0xdc00 && j->p[1] == '\\' && j->p[2] == 'u') {
      unsigned lo = (unsigned)strtoul((char[5]){j->p[3], j->p[4], j->p[5], j->p[6], 0}, NULL, 16);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        j->p += 6;
      }
    }
    char u[4];
    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n == 1) u[0] = (char)cp;
    else {
      for (int i = n - 1; i > 0; i--, cp >>= 6) u[i] = (char)(0x80 | (cp & 0x3f));
      u[0] = (char)((n == 2 ? 0xc0 : n == 3 ? 0xe0 : 0xf0) | cp);
    }
    sqlite3_str_append(s, u, n);
  }
  j->p++;
  return 0;
}

static int json_list(wctx *w, lf_array *a, jcur *j) {
  const lf_field *f = a->field;
  lf_array *c = &a->children[0];
  uint64_t before = c->length, n = 0;
  j->p++;
  jws(j);
  if (*j->p != ']')
    for (;;) {
      int rc = json_value(w, c, j);
      if (rc) return rc;
      n++;
      jws(j);
      if (*j->p == ']') break;
      if (*j->p++ != ',') return json_error(w, a, j, "a missing ','");
    }
  j->p++;
  if (f->type == LF_T_FIXED_LIST) {
    if (n != (uint64_t)f->fixed_size) {
      char got[64];
      sqlite3_snprintf(sizeof got, got, "a JSON array of %llu items, not %lld",
                       (unsigned long long)n, (long long)f->fixed_size);
      return type_error(w, a, got);
    }
    return push_valid(a) ? nomem() : SQLITE_OK;
  }
  uint64_t at = a->length;
  if (lf_array_alloc_offsets(a, at + 1)) return nomem();
  if (at == 0) a->offsets[0] = before;
  a->offsets[at + 1] = before + n;
  return push_valid(a) ? nomem() : SQLITE_OK;
}

static int json_struct(wctx *w, lf_array *a, jcur *j) {
  const lf_field *f = a->field;
  uint64_t row = a->length;
  j->p++;
  jws(j);
  while (*j->p != '}') {
    sqlite3_str *k = sqlite3_str_new(NULL);
    int bad = json_string(j, k);
    char *key = sqlite3_str_finish(k);
    if (bad || !key) {
      sqlite3_free(key);
      return key || bad ? json_error(w, a, j, "a bad object key") : nomem();
    }
    jws(j);
    int ci = -1;
    for (int i = 0; i < f->n_children; i++)
      if (!strcmp(f->children[i]->name, key)) ci = i;
    if (*j->p++ != ':' || ci < 0) {
      char what[128];
      sqlite3_snprintf(sizeof what, what, ci < 0 ? "an unknown field '%s'" : "a missing ':'", key);
      sqlite3_free(key);
      return json_error(w, a, j, what);
    }
    sqlite3_free(key);
    if (a->children[ci].length != row) return json_error(w, a, j, "a repeated field");
    int rc = json_value(w, &a->children[ci], j);
    if (rc) return rc;
    jws(j);
    if (*j->p == ',') {
      j->p++;
      jws(j);
    } else if (*j->p != '}') {
      return json_error(w, a, j, "a missing ','");
    }
  }
  j->p++;
  for (int i = 0; i < a->n_children; i++)
    if (a->children[i].length == row) {
      int rc = vtab_append_null(w->table, w->column, &a->children[i], &w->err);
      if (rc) return rc;
    }
  return push_valid(a) ? nomem() : SQLITE_OK;
}

static int json_scalar(wctx *w, lf_array *a, jcur *j) {
  lf_type t = a->field->type;
  if (*j->p == '"') {
    sqlite3_str *s = sqlite3_str_new(NULL);
    int bad = json_string(j, s);
    int n = sqlite3_str_length(s);
    char *z = sqlite3_str_finish(s);
    if (bad) {
      sqlite3_free(z);
      return json_error(w, a, j, "a bad string");
    }
    int rc = lf_type_is_varwidth(t) ? (push_bytes(a, z ? z : "", (uint64_t)n) ? nomem() : 0)
             : t == LF_T_UINT64     ? push_u64_text(w, a, z ? z : "")
                                    : push_text_typed(w, a, z ? z : "");
    sqlite3_free(z);
    return rc;
  }
  if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
    int v = j->p[0] == 't';
    j->p += v ? 4 : 5;
    return t == LF_T_BOOL ? push_int(w, a, v, 0) : type_error(w, a, "a JSON boolean");
  }
  char *end;
  double d = strtod(j->p, &end);
  if (end == j->p || !(*j->p == '-' || (*j->p >= '0' && *j->p <= '9')))
    return json_error(w, a, j, "an unexpected value");
  int integral = !memchr(j->p, '.', (size_t)(end - j->p)) && !memchr(j->p, 'e', (size_t)(end - j->p)) &&
                 !memchr(j->p, 'E', (size_t)(end - j->p));
  const char *start = j->p;
  j->p = end;
  if (is_float_type(t)) return push_float(a, d) ? nomem() : SQLITE_OK;
  if (is_int_type(t) && integral) {
    if (t == LF_T_UINT64 && *start != '-') {
      char tmp[32];
      sqlite3_snprintf(sizeof tmp, tmp, "%.*s", (int)(end - start), start);
      return push_u64_text(w, a, tmp);
    }
    return push_int(w, a, strtoll(start, NULL, 10), 0);
  }
  return type_error(w, a, "a JSON number");
}

static int json_value(wctx *w, lf_array *a, jcur *j) {
  jws(j);
  if (++j->depth > 64) return json_error(w, a, j, "nesting deeper than 64");
  lf_type t = a->field->type;
  int rc;
  if (!strncmp(j->p, "null", 4)) {
    j->p += 4;
    rc = vtab_append_null(w->table, w->column, a, &w->err);
  } else if (*j->p == '[') {
    rc = t == LF_T_LIST || t == LF_T_LARGE_LIST || t == LF_T_FIXED_LIST
             ? json_list(w, a, j) : type_error(w, a, "a JSON array");
  } else if (*j->p == '{') {
    rc = t == LF_T_STRUCT ? json_struct(w, a, j) : type_error(w, a, "a JSON object");
  } else {
    rc = t == LF_T_STRUCT || t == LF_T_LIST || t == LF_T_LARGE_LIST || t == LF_T_FIXED_LIST
             ? json_error(w, a, j, "a scalar where a list or object belongs")
             : json_scalar(w, a, j);
  }
  j->depth--;
  return rc;
}

/* ---- Entry points ------------------------------------------------------------------- */

int vtab_append_null(const char *table, const char *column, lf_array *a, char **err) {
  if (!a->field->nullable) {
    *err = sqlite3_mprintf("lance: %s: NOT NULL constraint failed: column %s%s%s", table,
                           column, strcmp(a->field->name, column) ? "." : "",
                           strcmp(a->field->name, column) ? a->field->name : "");
    return *err ? SQLITE_CONSTRAINT : SQLITE_NOMEM;
  }
  return lf_array_append_nulls(a, 1) ? SQLITE_NOMEM : SQLITE_OK;
}

/* A vector BLOB whose length is not n * elem bytes. */
static int blob_size_error(wctx *w, lf_array *a, int n, int elem) {
  char got[64];
  sqlite3_snprintf(sizeof got, got, "a BLOB of %d bytes, not %lld", n,
                   (long long)(a->field->fixed_size * elem));
  return type_error(w, a, got);
}

/* A vector BLOB: n packed elements of the item type (bfloat16 columns take
** float32 elements, as they read, rounded to nearest even). */
static int push_vector_blob(wctx *w, lf_array *a, const void *p, int n) {
  const lf_field *f = a->field;
  int iw = lf_type_width(f->children[0]), bf = f->children[0]->type == LF_T_BFLOAT16;
  if ((int64_t)n != f->fixed_size * (bf ? 4 : iw)) return blob_size_error(w, a, n, bf ? 4 : iw);
  lf_array *c = &a->children[0];
  uint64_t at = c->length * (uint64_t)iw, len = (uint64_t)f->fixed_size * (uint64_t)iw;
  if (lf_array_alloc_values(c, at + len)) return nomem();
  if (!bf) memcpy(c->values + at, p, len);
  for (int64_t k = 0; bf && k < f->fixed_size; k++) {
    float x;
    memcpy(&x, (const uint8_t *)p + 4 * k, 4);
    uint16_t h = lf_double_to_bf16(x);
    memcpy(c->values + at + 2 * (uint64_t)k, &h, 2);
  }
  if (c->null_count && lf_array_alloc_valid(c, c->length + (uint64_t)f->fixed_size)) return nomem();
  if (c->null_count) memset(c->valid_buf + c->length, 1, (size_t)f->fixed_size);
  c->length += (uint64_t)f->fixed_size;
  return push_valid(a) ? nomem() : SQLITE_OK;
}

static int append_json_text(wctx *w, lf_array *a, const char *z) {
  jcur j = {z, 0};
  int rc = json_value(w, a, &j);
  if (rc) return rc;
  jws(&j);
  return *j.p ? json_error(w, a, &j, "trailing characters") : SQLITE_OK;
}

int vtab_append_value(const char *table, const char *column, lf_array *a, sqlite3_value *v,
                      char **err) {
  wctx w = {table, column, NULL};
  const lf_field *f = a->field;
  lf_type t = f->type;
  int vt = sqlite3_value_type(v), rc;
  if (f->is_blob)
    rc = (w.err = sqlite3_mprintf("lance: %s: column %s: writing blob columns is not supported yet",
                                  table, column)) ? SQLITE_ERROR : SQLITE_NOMEM;
  else if (vt == SQLITE_NULL)
    return vtab_append_null(table, column, a, err);
  else if (t == LF_T_STRUCT || t == LF_T_LIST || t == LF_T_LARGE_LIST ||
           (t == LF_T_FIXED_LIST && !(vt == SQLITE_BLOB && knn_is_vector(f))))
    rc = vt == SQLITE_TEXT ? append_json_text(&w, a, (const char *)sqlite3_value_text(v))
                           : type_error(&w, a, vt == SQLITE_BLOB ? "BLOB" : "a number");
  else if (t == LF_T_FIXED_LIST)
    rc = push_vector_blob(&w, a, sqlite3_value_blob(v), sqlite3_value_bytes(v));
  else if (lf_type_is_varwidth(t) && (vt == SQLITE_TEXT || (vt == SQLITE_BLOB && (t == LF_T_BINARY || t == LF_T_LARGE_BINARY))))
    rc = push_bytes(a, vt == SQLITE_TEXT ? (const void *)sqlite3_value_text(v) : sqlite3_value_blob(v),
                    (uint64_t)sqlite3_value_bytes(v)) ? nomem() : SQLITE_OK;
  else if (t == LF_T_FIXED_BINARY && vt == SQLITE_BLOB && sqlite3_value_bytes(v) == f->fixed_size)
    rc = push_fixed(a, sqlite3_value_blob(v), (int)f->fixed_size) ? nomem() : SQLITE_OK;
  else if (is_float_type(t) && (vt == SQLITE_INTEGER || vt == SQLITE_FLOAT))
    rc = push_float(a, sqlite3_value_double(v)) ? nomem() : SQLITE_OK;
  else if (t == LF_T_UINT64 && vt == SQLITE_TEXT)
    rc = push_u64_text(&w, a, (const char *)sqlite3_value_text(v));
  else if ((is_int_type(t) || t == LF_T_DATE32 || t == LF_T_TIMESTAMP) && vt == SQLITE_INTEGER)
    rc = push_int(&w, a, sqlite3_value_int64(v), 0);
  else if (is_int_type(t) && vt == SQLITE_FLOAT) {
    double d = sqlite3_value_double(v);
    rc = d == floor(d) && fabs(d) < 9.2e18 ? push_int(&w, a, (int64_t)d, 0)
                                           : type_error(&w, a, "a REAL that is not an integer");
  } else if (vt == SQLITE_TEXT && (t == LF_T_DATE32 || t == LF_T_DATE64 || t == LF_T_TIMESTAMP ||
                                   t == LF_T_DECIMAL128))
    rc = push_text_typed(&w, a, (const char *)sqlite3_value_text(v));
  else if (t == LF_T_DECIMAL128 && vt == SQLITE_INTEGER) {
    char z[32];
    sqlite3_snprintf(sizeof z, z, "%lld", sqlite3_value_int64(v));
    rc = push_text_typed(&w, a, z);
  } else
    rc = type_error(&w, a, vt == SQLITE_TEXT ? "TEXT" : vt == SQLITE_BLOB ? "BLOB"
                           : vt == SQLITE_FLOAT ? "REAL" : "INTEGER");
  if (rc == SQLITE_NOMEM && !w.err) w.err = sqlite3_mprintf("lance: %s: out of memory", table);
  *err = w.err;
  return rc;
}
