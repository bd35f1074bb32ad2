/*
** vec_func.c: the SQL scalar vector functions (names follow pgvector).
**
**   l2_distance(a, b)      Euclidean distance sqrt(sum (a_i - b_i)^2), as
**                          pgvector.  NOTE: knn()'s _distance for metric=l2 is
**                          the SQUARED distance, as LanceDB reports it.
**   cosine_distance(a, b)  1 - cos(a, b); NULL when either vector is all zeros
**                          (the kernel gives NaN, as Lance and pgvector do, and
**                          SQLite has no NaN value).
**   inner_product(a, b)    a . b (pgvector's inner_product; knn's "dot"
**                          distance is 1 - a . b, as LanceDB's).
**   l1_distance(a, b)      sum |a_i - b_i|
**   hamming_distance(a, b) number of differing bits of two equal-length BLOBs
**                          (INTEGER, exact for any length).
**   vec_f32(v)             v as a float32 BLOB
**   vec_to_json(v)         v as JSON text '[1.0,2.5]': the shortest decimal
**                          that reads back as the same float32; +-inf is
**                          written 9e999 / -9e999 (JSON has no infinity;
**                          SQLite's json() writes it the same way), NaN null.
**   vec_dims(v)            number of elements
**   vec_normalize(v)       v / |v| as a float32 BLOB (norm summed in double);
**                          a zero vector is returned unchanged, as pgvector's
**                          l2_normalize does.
**
** A vector argument v is either a BLOB of n little-endian float32 (4*n
** bytes, n >= 1) or TEXT holding a JSON array of n >= 1 numbers.  Numbers
** round to the nearest float32 (beyond float32 range: +-inf).  NULL in any
** argument gives NULL.  Errors are one sentence naming the function (and, for
** two-vector functions, the argument):
**   "vec_f32: invalid JSON array at offset 5"   (0-based byte offset)
**   "l2_distance: argument 2: blob length 7 is not a multiple of 4"
**   "l2_distance: dimension mismatch: 3 vs 4"
** Distances are computed by the ext/simd/ kernels of the active variant.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simd/simd.h"
#include "vec/vec.h"

typedef struct vec_fn {
  const char *zName;
  int nArg;
  void (*xFunc)(sqlite3_context *, int, sqlite3_value **);
  simd_metric metric;
  int bSqrt; /* result is sqrt of the kernel's value (l2_distance) */
} vec_fn;

/* A vector argument: a borrowed view of the blob when it is 4-byte aligned,
** else an owned copy (pFree, sqlite3_malloc'd). */
typedef struct vec_in {
  const float *a;
  int n;
  void *pFree;
} vec_in;

enum { VEC_OK = 0, VEC_NULL = 1, VEC_ERR = 2 };

static void vec_error(sqlite3_context *ctx, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  char *z = sqlite3_vmprintf(zFmt, ap);
  va_end(ap);
  if (z == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_error(ctx, z, -1);
  sqlite3_free(z);
}

static void vec_in_free(vec_in *v) {
  sqlite3_free(v->pFree);
  v->pFree = NULL;
}

/* Length of the JSON number at z (RFC 8259 grammar), or 0 if none. */
static int json_number_len(const char *z) {
  int i = 0;
  if (z[i] == '-') i++;
  if (z[i] == '0') i++;
  else if (z[i] >= '1' && z[i] <= '9')
    while (z[i] >= '0' && z[i] <= '9') i++;
  else return 0;
  if (z[i] == '.') {
    if (!(z[++i] >= '0' && z[i] <= '9')) return 0;
    while (z[i] >= '0' && z[i] <= '9') i++;
  }
  if (z[i] == 'e' || z[i] == 'E') {
    i++;
    if (z[i] == '+' || z[i] == '-') i++;
    if (!(z[i] >= '0' && z[i] <= '9')) return 0;
    while (z[i] >= '0' && z[i] <= '9') i++;
  }
  return i;
}

static int json_ws(const char *z, int i) {
  while (z[i] == ' ' || z[i] == '\t' || z[i] == '\n' || z[i] == '\r') i++;
  return i;
}

int vec_json_parse(const char *z, float *a, double *ad) {
  int i = json_ws(z, 0), n = 0;
  if (z[i] != '[') return -1 - i;
  i = json_ws(z, i + 1);
  if (z[i] != ']') {
    for (;;) {
      int len = json_number_len(z + i);
      char *zEnd;
      if (len == 0) return -1 - i;
      if (a) a[n++] = strtof(z + i, &zEnd); /* float32: rounded once, from the text */
      else ad[n++] = strtod(z + i, &zEnd);
      if (zEnd != z + i + len) return -1 - i; /* a locale with another radix */
      i = json_ws(z, i + len);
      if (z[i] == ']') break;
      if (z[i] != ',') return -1 - i;
      i = json_ws(z, i + 1);
    }
  }
  i = json_ws(z, i + 1);
  return z[i] ? -1 - i : n;
}

static int vec_from_json(sqlite3_context *ctx, const char *zPre, sqlite3_value *v,
                         vec_in *out) {
  const char *z = (const char *)sqlite3_value_text(v);
  int nz = sqlite3_value_bytes(v);
  if (z == NULL) {
    sqlite3_result_error_nomem(ctx);
    return VEC_ERR;
  }
  float *a = sqlite3_malloc64(((sqlite3_uint64)nz / 2 + 1) * sizeof(float));
  if (a == NULL) {
    sqlite3_result_error_nomem(ctx);
    return VEC_ERR;
  }
  int n = (int)strlen(z) == nz ? vec_json_parse(z, a, NULL) : -1 - (int)strlen(z);
  if (n <= 0) {
    sqlite3_free(a);
    if (n == 0) vec_error(ctx, "%sempty vector", zPre);
    else vec_error(ctx, "%sinvalid JSON array at offset %d", zPre, -1 - n);
    return VEC_ERR;
  }
  out->a = a;
  out->n = n;
  out->pFree = a;
  return VEC_OK;
}

static int vec_from_blob(sqlite3_context *ctx, const char *zPre, sqlite3_value *v,
                         vec_in *out) {
  const void *p = sqlite3_value_blob(v);
  int nb = sqlite3_value_bytes(v);
  if (nb == 0) {
    vec_error(ctx, "%sempty vector", zPre);
    return VEC_ERR;
  }
  if (nb % 4 != 0) {
    vec_error(ctx, "%sblob length %d is not a multiple of 4", zPre, nb);
    return VEC_ERR;
  }
  out->n = nb / 4;
  if ((uintptr_t)p % _Alignof(float) == 0) {
    out->a = p;
    return VEC_OK;
  }
  void *c = sqlite3_malloc(nb);
  if (c == NULL) {
    sqlite3_result_error_nomem(ctx);
    return VEC_ERR;
  }
  memcpy(c, p, (size_t)nb);
  out->a = c;
  out->pFree = c;
  return VEC_OK;
}

/* Reads argument v as a float32 vector.  iArg is 1 or 2 for functions of two
** vectors (named in errors), 0 otherwise.  On VEC_NULL the result is set to
** NULL, on VEC_ERR to the error; out needs vec_in_free only on VEC_OK. */
static int vec_in_get(sqlite3_context *ctx, sqlite3_value *v, int iArg, vec_in *out) {
  const char *zFunc = ((const vec_fn *)sqlite3_user_data(ctx))->zName;
  char zPre[64];
  if (iArg) snprintf(zPre, sizeof zPre, "%s: argument %d: ", zFunc, iArg);
  else snprintf(zPre, sizeof zPre, "%s: ", zFunc);
  out->a = NULL;
  out->n = 0;
  out->pFree = NULL;
  switch (sqlite3_value_type(v)) {
  case SQLITE_NULL: sqlite3_result_null(ctx); return VEC_NULL;
  case SQLITE_BLOB: return vec_from_blob(ctx, zPre, v, out);
  case SQLITE_TEXT: return vec_from_json(ctx, zPre, v, out);
  default:
    vec_error(ctx, "%sexpected a float32 BLOB or a JSON array, got %s", zPre,
              sqlite3_value_type(v) == SQLITE_INTEGER ? "an integer" : "a real");
    return VEC_ERR;
  }
}

/* l2_distance, cosine_distance, inner_product, l1_distance. */
static void vec_distance_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const vec_fn *f = sqlite3_user_data(ctx);
  vec_in a, b;
  (void)argc;
  if (vec_in_get(ctx, argv[0], 1, &a) != VEC_OK) return;
  if (vec_in_get(ctx, argv[1], 2, &b) != VEC_OK) {
    vec_in_free(&a);
    return;
  }
  if (a.n != b.n) {
    vec_error(ctx, "%s: dimension mismatch: %d vs %d", f->zName, a.n, b.n);
  } else {
    double d = simd_get(f->metric, SIMD_F32)->one(a.a, b.a, (size_t)a.n);
    if (f->bSqrt) d = sqrt(d);
    if (isnan(d)) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, d);
  }
  vec_in_free(&a);
  vec_in_free(&b);
}

/* hamming_distance(a, b): both BLOBs of equal length; summed in chunks of
** 2^20 bytes so each float kernel result (<= 2^23 bits) is exact. */
static void vec_hamming_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const vec_fn *f = sqlite3_user_data(ctx);
  const unsigned char *p[2];
  int n[2];
  (void)argc;
  for (int i = 0; i < 2; i++) {
    int t = sqlite3_value_type(argv[i]);
    if (t == SQLITE_NULL) return; /* result stays NULL */
    if (t != SQLITE_BLOB) {
      vec_error(ctx, "%s: argument %d: expected a BLOB", f->zName, i + 1);
      return;
    }
    p[i] = sqlite3_value_blob(argv[i]);
    n[i] = sqlite3_value_bytes(argv[i]);
  }
  if (n[0] != n[1]) {
    vec_error(ctx, "%s: length mismatch: %d vs %d bytes", f->zName, n[0], n[1]);
    return;
  }
  const simd_kernel *k = simd_get(SIMD_HAMMING, SIMD_BIN);
  sqlite3_int64 bits = 0;
  for (int off = 0; off < n[0]; off += 1 << 20) {
    int len = n[0] - off < (1 << 20) ? n[0] - off : 1 << 20;
    bits += (sqlite3_int64)k->one(p[0] + off, p[1] + off, (size_t)len);
  }
  sqlite3_result_int64(ctx, bits);
}

/* vec_f32(v) */
static void vec_f32_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  vec_in v;
  (void)argc;
  if (vec_in_get(ctx, argv[0], 0, &v) != VEC_OK) return;
  sqlite3_result_blob(ctx, v.a, v.n * 4, SQLITE_TRANSIENT);
  vec_in_free(&v);
}

/* vec_dims(v) */
static void vec_dims_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  vec_in v;
  (void)argc;
  if (vec_in_get(ctx, argv[0], 0, &v) != VEC_OK) return;
  sqlite3_result_int(ctx, v.n);
  vec_in_free(&v);
}

/* Writes x into z (room for 40 bytes) as described in the header comment:
** the fewest significant digits that read back as x, in fixed notation when
** 1e-4 <= |x| < 1e16, with ".0" added to integral values; returns the length. */
static int fmt_float(char *z, float x) {
  if (isnan(x)) return snprintf(z, 40, "null");
  if (isinf(x)) return snprintf(z, 40, x > 0 ? "9e999" : "-9e999");
  int prec = 1;
  while (prec < 9) {
    snprintf(z, 40, "%.*g", prec, (double)x);
    if (strtof(z, NULL) == x) break;
    prec++;
  }
  double ax = fabs((double)x);
  if (ax >= 1e-4 && ax < 1e16) {
    char ze[40];
    snprintf(ze, sizeof ze, "%.*e", prec - 1, (double)x); /* d.ddde+XX */
    int e10 = atoi(strchr(ze, 'e') + 1);
    if (e10 + 1 > prec) prec = e10 + 1;
  }
  int len = snprintf(z, 40, "%.*g", prec, (double)x);
  if (strpbrk(z, ".e") == NULL) len += snprintf(z + len, 40 - (size_t)len, ".0");
  return len;
}

/* vec_to_json(v) */
static void vec_to_json_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  vec_in v;
  (void)argc;
  if (vec_in_get(ctx, argv[0], 0, &v) != VEC_OK) return;
  char *z = sqlite3_malloc64((sqlite3_uint64)v.n * 41 + 3);
  if (z == NULL) {
    sqlite3_result_error_nomem(ctx);
  } else {
    int len = 0;
    z[len++] = '[';
    for (int i = 0; i < v.n; i++) {
      if (i) z[len++] = ',';
      len += fmt_float(z + len, v.a[i]);
    }
    z[len++] = ']';
    sqlite3_result_text(ctx, z, len, sqlite3_free);
  }
  vec_in_free(&v);
}

/* vec_normalize(v) */
static void vec_normalize_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  vec_in v;
  (void)argc;
  if (vec_in_get(ctx, argv[0], 0, &v) != VEC_OK) return;
  float *out = sqlite3_malloc64((sqlite3_uint64)v.n * 4);
  if (out == NULL) {
    sqlite3_result_error_nomem(ctx);
  } else {
    double ss = 0;
    for (int i = 0; i < v.n; i++) ss += (double)v.a[i] * v.a[i];
    double norm = sqrt(ss);
    for (int i = 0; i < v.n; i++) out[i] = norm > 0 ? (float)(v.a[i] / norm) : v.a[i];
    sqlite3_result_blob(ctx, out, v.n * 4, sqlite3_free);
  }
  vec_in_free(&v);
}

static const vec_fn g_fns[] = {
    {"l2_distance", 2, vec_distance_func, SIMD_L2, 1},
    {"cosine_distance", 2, vec_distance_func, SIMD_COSINE, 0},
    {"inner_product", 2, vec_distance_func, SIMD_IP, 0},
    {"l1_distance", 2, vec_distance_func, SIMD_L1, 0},
    {"hamming_distance", 2, vec_hamming_func, SIMD_HAMMING, 0},
    {"vec_f32", 1, vec_f32_func, SIMD_L2, 0},
    {"vec_to_json", 1, vec_to_json_func, SIMD_L2, 0},
    {"vec_dims", 1, vec_dims_func, SIMD_L2, 0},
    {"vec_normalize", 1, vec_normalize_func, SIMD_L2, 0},
};

int vec_register(sqlite3 *db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof g_fns / sizeof *g_fns; i++)
    rc = sqlite3_create_function(db, g_fns[i].zName, g_fns[i].nArg, flags,
                                 (void *)&g_fns[i], g_fns[i].xFunc, 0, 0);
  return rc;
}
