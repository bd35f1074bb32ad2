/*
** knn.c: owns exact k-nearest-neighbour search: turning the SQL query value
** into a vector of the column's element type, and the flat scan that feeds
** decoded batches of vectors to the SIMD kernels and the top-k selector.
** Distances are LanceDB's: l2 squared Euclidean, cosine 1 - cos, dot 1 - a.b,
** hamming differing bits (ext/simd/simd.h).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vec/knn.h"

static int elem_of(const lf_field *f, simd_elem *e) {
  if (f->type != LF_T_FIXED_LIST || f->n_children != 1) return 0;
  switch (f->children[0]->type) {
    case LF_T_FLOAT32: *e = SIMD_F32; return 1;
    case LF_T_FLOAT16: *e = SIMD_F16; return 1;
    case LF_T_FLOAT64: *e = SIMD_F64; return 1;
    case LF_T_INT8: *e = SIMD_I8; return 1;
    case LF_T_UINT8: *e = SIMD_U8; return 1;
    default: return 0;
  }
}

int knn_is_vector(const lf_field *f) {
  simd_elem e;
  return elem_of(f, &e);
}

static int parse_metric(const char *m, simd_metric *out) {
  if (!m || !strcmp(m, "l2") || !strcmp(m, "euclidean")) *out = SIMD_L2;
  else if (!strcmp(m, "cosine")) *out = SIMD_COSINE;
  else if (!strcmp(m, "dot")) *out = SIMD_DOT;
  else if (!strcmp(m, "hamming")) *out = SIMD_HAMMING;
  else return 0;
  return 1;
}

/* JSON '[1, 2.5, ...]' into doubles (sqlite3_malloc'd). */
static int parse_json(const char *z, double **out, size_t *n) {
  size_t cap = 64;
  double *a = sqlite3_malloc64(cap * sizeof *a);
  if (!a) return SQLITE_NOMEM;
  *n = 0;
  while (*z == ' ' || *z == '\t' || *z == '\n') z++;
  if (*z++ != '[') goto bad;
  for (;;) {
    while (*z == ' ' || *z == '\t' || *z == '\n') z++;
    if (*z == ']' && *n == 0) { z++; break; }
    char *end;
    double v = strtod(z, &end);
    if (end == z) goto bad;
    if (*n == cap) {
      double *b = sqlite3_realloc64(a, (cap *= 2) * sizeof *a);
      if (!b) { sqlite3_free(a); return SQLITE_NOMEM; }
      a = b;
    }
    a[(*n)++] = v;
    z = end;
    while (*z == ' ' || *z == '\t' || *z == '\n') z++;
    if (*z == ',') { z++; continue; }
    if (*z == ']') { z++; break; }
    goto bad;
  }
  while (*z == ' ' || *z == '\t' || *z == '\n') z++;
  if (*z) goto bad;
  *out = a;
  return SQLITE_OK;
bad:
  sqlite3_free(a);
  return SQLITE_ERROR;
}

/* The query as doubles, from a float32 BLOB or JSON text. */
static int query_values(sqlite3_value *q, simd_elem e, double **out, size_t *n, char **err) {
  *out = NULL;
  if (sqlite3_value_type(q) == SQLITE_BLOB) {
    const uint8_t *b = sqlite3_value_blob(q);
    size_t len = (size_t)sqlite3_value_bytes(q), w = e == SIMD_U8 || e == SIMD_I8 ? 1 : 4;
    if (len % w) {
      *err = sqlite3_mprintf("the query BLOB has %llu bytes, not a multiple of 4 (float32)",
                             (unsigned long long)len);
      return SQLITE_ERROR;
    }
    double *a = sqlite3_malloc64((len / w + 1) * sizeof *a);
    if (!a) return SQLITE_NOMEM;
    for (size_t i = 0; i < len / w; i++) {
      if (w == 1) a[i] = e == SIMD_I8 ? (double)(int8_t)b[i] : (double)b[i];
      else { float f; memcpy(&f, b + 4 * i, 4); a[i] = f; }
    }
    *out = a;
    *n = len / w;
    return SQLITE_OK;
  }
  if (sqlite3_value_type(q) == SQLITE_TEXT) {
    int rc = parse_json((const char *)sqlite3_value_text(q), out, n);
    if (rc == SQLITE_ERROR) *err = sqlite3_mprintf("the query is not a JSON array of numbers");
    return rc;
  }
  *err = sqlite3_mprintf("the query must be a float32 BLOB or JSON text, not %s",
                         sqlite3_value_type(q) == SQLITE_NULL ? "NULL" : "a number");
  return SQLITE_ERROR;
}

int knn_query_init(knn_query *kq, const lf_field *f, sqlite3_value *q, const char *metric,
                   sqlite3_int64 k, char **err) {
  memset(kq, 0, sizeof *kq);
  if (!elem_of(f, &kq->elem)) {
    *err = sqlite3_mprintf("column %s is not a vector column (fixed_size_list of float or int8/uint8)", f->name);
    return SQLITE_ERROR;
  }
  if (!parse_metric(metric, &kq->metric)) {
    *err = sqlite3_mprintf("unknown metric '%s' (expected l2, cosine, dot or hamming)", metric);
    return SQLITE_ERROR;
  }
  if (k < 1 || k > 1000000) {
    *err = sqlite3_mprintf("_k must be between 1 and 1000000, got %lld", (long long)k);
    return SQLITE_ERROR;
  }
  kq->k = (uint64_t)k;
  kq->lo = -INFINITY;
  kq->hi = INFINITY;
  kq->dim = (size_t)f->fixed_size;
  simd_elem ke = kq->metric == SIMD_HAMMING ? SIMD_BIN : kq->elem;
  if (kq->metric == SIMD_HAMMING && kq->elem != SIMD_U8 && kq->elem != SIMD_I8) {
    *err = sqlite3_mprintf("hamming distance needs a uint8 vector column, %s holds %s", f->name,
                           f->children[0]->logical_type);
    return SQLITE_ERROR;
  }
  if (!simd_get(kq->metric, ke)) {
    *err = sqlite3_mprintf("metric %s is not available for %s vectors", metric ? metric : "l2",
                           f->children[0]->logical_type);
    return SQLITE_ERROR;
  }
  double *v = NULL;
  size_t n = 0;
  int rc = query_values(q, kq->elem, &v, &n, err);
  if (rc) return rc;
  if (n != kq->dim) {
    sqlite3_free(v);
    *err = sqlite3_mprintf("dimension mismatch: the query has %llu values, column %s has %llu",
                           (unsigned long long)n, f->name, (unsigned long long)kq->dim);
    return SQLITE_ERROR;
  }
  size_t w = simd_get(kq->metric, ke)->elem_size;
  uint8_t *q8 = sqlite3_malloc64(n * w + 8);
  if (!q8) {
    sqlite3_free(v);
    return SQLITE_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    switch (kq->elem) {
      case SIMD_F32: { float x = (float)v[i]; memcpy(q8 + 4 * i, &x, 4); break; }
      case SIMD_F64: memcpy(q8 + 8 * i, &v[i], 8); break;
      case SIMD_F16: { uint16_t h = simd_f32_to_f16((float)v[i]); memcpy(q8 + 2 * i, &h, 2); break; }
      case SIMD_I8: q8[i] = (uint8_t)(int8_t)v[i]; break;
      default: q8[i] = (uint8_t)v[i]; break;
    }
  }
  sqlite3_free(v);
  kq->q = q8;
  return SQLITE_OK;
}

void knn_query_reset(knn_query *kq) {
  sqlite3_free(kq->q);
  memset(kq, 0, sizeof *kq);
}

/* The distance range (_distance > / >= / < / <= constraints): applied before
** the top k, as LanceDB's distance_range */
static int in_range(const knn_query *kq, double d) {
  return (kq->lo_open ? d > kq->lo : d >= kq->lo) && (kq->hi_open ? d < kq->hi : d <= kq->hi);
}

int knn_search(lf_scan *scan, int vcol, const knn_query *kq, knn_select_fn select, void *ctx,
               simd_topk_item **out, size_t *nout, lf_error *err) {
  const simd_kernel *kern = simd_get(kq->metric, kq->metric == SIMD_HAMMING ? SIMD_BIN : kq->elem);
  simd_topk_item *items = sqlite3_malloc64((kq->k + 1) * sizeof *items);
  float *dist = NULL;
  uint8_t *sel = NULL;
  size_t cap = 0;
  if (!items) return lf_err(err, LF_NOMEM, "out of memory");
  simd_topk tk;
  simd_topk_init(&tk, items, (size_t)kq->k);
  /* ~2 MB of vectors per batch: large enough to amortize per-batch work,
  ** small enough to stay in cache between decoding and the kernel */
  uint64_t row_bytes = (uint64_t)kq->dim * kern->elem_size, batch = (2u << 20) / (row_bytes ? row_bytes : 1);
  batch = batch < 256 ? 256 : batch > 4096 ? 4096 : batch;
  int rc = LF_OK;
  for (;;) {
    const lf_scan_batch *b;
    if ((rc = lf_scan_next(scan, batch, &b, err)) || b->n == 0) break;
    if (b->n > cap) {
      float *d = sqlite3_realloc64(dist, b->n * sizeof *d);
      uint8_t *ns = d ? sqlite3_realloc64(sel, b->n) : NULL;
      if (d) dist = d;
      if (ns) sel = ns;
      if (!d || !ns) { rc = lf_err(err, LF_NOMEM, "out of memory"); break; }
      cap = b->n;
    }
    memset(sel, 1, b->n);
    if (select) select(ctx, b, sel);
    const lf_array *a = &b->cols[vcol], *items_a = &a->children[0];
    kern->many(kq->q, items_a->values, kq->dim, b->n, dist);
    for (uint64_t i = 0; i < b->n; i++) {
      if (lf_array_is_null(a, i)) continue;
      if (items_a->valid) { /* a vector with null items has no distance */
        uint64_t j = 0;
        while (j < kq->dim && items_a->valid[i * kq->dim + j]) j++;
        if (j < kq->dim) continue;
      }
      if (dist[i] != dist[i]) continue; /* NaN (cosine of a zero vector): no distance */
      if (!sel[i] || !in_range(kq, dist[i])) continue;
      simd_topk_push(&tk, dist[i], (int64_t)b->rowids[i]);
    }
  }
  sqlite3_free(dist);
  sqlite3_free(sel);
  if (rc) {
    sqlite3_free(items);
    return rc;
  }
  *nout = simd_topk_finish(&tk);
  *out = items;
  return LF_OK;
}
