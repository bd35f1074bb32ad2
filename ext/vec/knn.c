/*
** knn.c: owns exact k-nearest-neighbour search: turning the SQL query value
** into a vector of the column's element type, the search options
** (`_options`), and the flat scan that feeds batches of vectors (in place
** where the files allow, else decoded) to the SIMD kernels and the top-k
** selector, in one thread or split across several.
** Distances are LanceDB's: l2 squared Euclidean, cosine 1 - cos, dot 1 - a.b,
** hamming differing bits (ext/simd/simd.h).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vec/knn.h"
#include "vec/vec.h"
#include "vtab/opts.h"

static int elem_of(const lf_field *f, simd_elem *e) {
  if (f->type != LF_T_FIXED_LIST || f->n_children != 1) return 0;
  switch (f->children[0]->type) {
    case LF_T_FLOAT32: *e = SIMD_F32; return 1;
    case LF_T_FLOAT16: *e = SIMD_F16; return 1;
    case LF_T_BFLOAT16: *e = SIMD_BF16; return 1;
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

/* JSON '[1, 2.5, ...]' into doubles (sqlite3_malloc'd), with vec_f32's parser. */
static int parse_json(const char *z, double **out, size_t *n) {
  double *a = sqlite3_malloc64((strlen(z) / 2 + 1) * sizeof *a);
  if (!a) return SQLITE_NOMEM;
  int k = vec_json_parse(z, NULL, a);
  if (k < 0) {
    sqlite3_free(a);
    return SQLITE_ERROR;
  }
  *out = a;
  *n = (size_t)k;
  return SQLITE_OK;
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
      case SIMD_BF16: { uint16_t h = simd_f32_to_bf16((float)v[i]); memcpy(q8 + 2 * i, &h, 2); break; }
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

/* ---- _options ---------------------------------------------------------------- */

static const char *const opt_names[] = {"metric", "threads", "exact", "nprobes",
                                        "refine_factor", "ef", "distance_range"};
enum { O_METRIC, O_THREADS, O_EXACT, O_NPROBES, O_REFINE, O_EF, O_RANGE, N_OPTS };

/* A positive decimal integer up to max. */
static int parse_count(const char *v, long max, long *out) {
  char *end;
  if (!isdigit((unsigned char)v[0])) return 0;
  long x = strtol(v, &end, 10);
  if (*end || x < 1 || x > max) return 0;
  *out = x;
  return 1;
}

/* One bound of distance_range: empty (keep *out) or a finite number. */
static int parse_bound(const char *v, size_t n, double *out) {
  if (n == 0) return 1;
  char buf[64], *end;
  if (n >= sizeof buf) return 0;
  memcpy(buf, v, n);
  buf[n] = 0;
  double x = strtod(buf, &end);
  if (*end || end == buf || !isfinite(x)) return 0;
  *out = x;
  return 1;
}

static int parse_option(knn_options *o, int i, const char *v, char **err) {
  long x = 0, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  const char *comma = strchr(v, ',');
  simd_metric m;
  switch (i) {
    case O_METRIC:
      if (strlen(v) >= sizeof o->metric || !parse_metric(v, &m)) break;
      strcpy(o->metric, v);
      return SQLITE_OK;
    case O_THREADS:
      if (!parse_count(v, 1L << 30, &x)) break;
      if (x > (ncpu < 1 ? 1 : ncpu)) {
        *err = sqlite3_mprintf("_options: threads=%ld is more than the %ld CPUs", x, ncpu < 1 ? 1 : ncpu);
        return SQLITE_ERROR;
      }
      o->threads = (int)x;
      return SQLITE_OK;
    case O_EXACT:
      if (strcmp(v, "0") && strcmp(v, "1")) break;
      o->exact = v[0] == '1';
      return SQLITE_OK;
    case O_RANGE:
      if (!comma || !parse_bound(v, (size_t)(comma - v), &o->lo) ||
          !parse_bound(comma + 1, strlen(comma + 1), &o->hi))
        break;
      return SQLITE_OK;
    default: /* nprobes, refine_factor, ef: checked, kept for vector indexes */
      if (!parse_count(v, 2147483647L, &x)) break;
      *(i == O_NPROBES ? &o->nprobes : i == O_REFINE ? &o->refine_factor : &o->ef) = x;
      return SQLITE_OK;
  }
  static const char *const want[] = {
      "l2, cosine, dot or hamming", "a positive integer", "0 or 1", "a positive integer",
      "a positive integer", "a positive integer", "lo,hi (numbers; either may be empty)"};
  *err = sqlite3_mprintf("_options: bad value '%s' for %s (expected %s)", v, opt_names[i], want[i]);
  return SQLITE_ERROR;
}

int knn_options_parse(const char *z, knn_options *o, char **err) {
  memset(o, 0, sizeof *o);
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  o->threads = ncpu < 1 ? 1 : ncpu > 1024 ? 1024 : (int)ncpu;
  o->lo = -INFINITY;
  o->hi = INFINITY;
  vtab_opt t;
  while (vtab_opt_next(&z, NULL, 0, 0, &t)) {
    int i = 0, rc = SQLITE_ERROR;
    while (i < N_OPTS && !vtab_opt_is(&t, opt_names[i])) i++;
    if (!t.has_eq || t.kn == 0)
      *err = sqlite3_mprintf("_options: '%.*s' is not key=value",
                             (int)(t.has_eq ? t.kn + 1 + t.vn : t.kn), t.k);
    else if (i == N_OPTS)
      *err = sqlite3_mprintf("_options: unknown option '%.*s' (expected metric, threads, exact, "
                             "nprobes, refine_factor, ef or distance_range)", (int)t.kn, t.k);
    else if (o->seen & (1u << i))
      *err = sqlite3_mprintf("_options: %s given twice", opt_names[i]);
    else {
      char *v = sqlite3_mprintf("%.*s", (int)t.vn, t.v);
      rc = v ? parse_option(o, i, v, err) : SQLITE_NOMEM;
      sqlite3_free(v);
    }
    if (rc) return rc;
    o->seen |= 1u << i;
  }
  return SQLITE_OK;
}

int knn_options_check_metric(const knn_options *o, const char *metric, char **err) {
  simd_metric a, b;
  if (!o->metric[0] || !metric || !parse_metric(metric, &a) || !parse_metric(o->metric, &b) || a == b)
    return SQLITE_OK;
  *err = sqlite3_mprintf("_metric = '%s' and _options metric=%s disagree", metric, o->metric);
  return SQLITE_ERROR;
}

int knn_threads(const knn_options *o, uint64_t rows) {
  if (o->seen & (1u << O_THREADS)) return o->threads;
  return rows < KNN_MIN_ROWS_THREADED ? 1 : o->threads;
}

void knn_query_options(knn_query *kq, const knn_options *o) {
  if (o->lo > kq->lo) kq->lo = o->lo, kq->lo_open = 0;
  if (o->hi <= kq->hi) kq->hi = o->hi, kq->hi_open = 1; /* LanceDB: the upper bound is left out */
}

/* ---- The scan ------------------------------------------------------------------ */

/* The distance range (_distance > / >= / < / <= constraints): applied before
** the top k, as LanceDB's distance_range */
int knn_in_range(const knn_query *kq, double d) {
  return (kq->lo_open ? d > kq->lo : d >= kq->lo) && (kq->hi_open ? d < kq->hi : d <= kq->hi);
}

/* One part of a search: a scan, its own top k.  Runs in a worker thread
** when the search is split, so it allocates with malloc, not sqlite3_malloc. */
typedef struct knn_part {
  lf_scan *scan;
  const uint64_t *ids;   /* knn_search_ids: the rows to take, or NULL: scan */
  size_t nids;
  int vcol;
  const knn_query *kq;
  knn_select_fn select;
  void *ctx;
  simd_topk_item *items; /* k + 1 (malloc) */
  size_t n;
  int rc;
  lf_error err;
} knn_part;

/* Push the rows of batch b that have a distance, pass select and lie in the range. */
static void push_batch(knn_part *p, const lf_scan_batch *b, const float *dist, const uint8_t *sel,
                       simd_topk *tk) {
  const knn_query *kq = p->kq;
  const lf_array *a = &b->cols[p->vcol], *items_a = &a->children[0];
  int in_place = b->views[p->vcol] != NULL; /* viewed pages have no nulls */
  for (uint64_t i = 0; i < b->n; i++) {
    if (!in_place && lf_array_is_null(a, i)) continue;
    if (!in_place && items_a->valid) { /* a vector with null items has no distance */
      uint64_t j = 0;
      while (j < kq->dim && items_a->valid[i * kq->dim + j]) j++;
      if (j < kq->dim) continue;
    }
    if (dist[i] != dist[i]) continue; /* NaN (cosine of a zero vector): no distance */
    if (!sel[i] || !knn_in_range(kq, dist[i])) continue;
    simd_topk_push(tk, dist[i], (int64_t)b->rowids[i]);
  }
}

static int run_part(knn_part *p) {
  const knn_query *kq = p->kq;
  const simd_kernel *kern = simd_get(kq->metric, kq->metric == SIMD_HAMMING ? SIMD_BIN : kq->elem);
  float *dist = NULL;
  uint8_t *sel = NULL;
  size_t cap = 0;
  if (!(p->items = malloc((kq->k + 1) * sizeof *p->items))) return lf_err(&p->err, LF_NOMEM, "out of memory");
  simd_topk tk;
  simd_topk_init(&tk, p->items, (size_t)kq->k);
  /* ~2 MB of vectors per batch: large enough to amortize per-batch work,
  ** small enough to stay in cache between decoding and the kernel */
  uint64_t row_bytes = (uint64_t)kq->dim * kern->elem_size, batch = (2u << 20) / (row_bytes ? row_bytes : 1);
  batch = batch < 256 ? 256 : batch > 4096 ? 4096 : batch;
  int rc = LF_OK;
  for (size_t at = 0;;) {
    const lf_scan_batch *b = NULL;
    if (p->ids) { /* takes: the next rows of one fragment */
      size_t used = 0, m = p->nids - at < batch ? p->nids - at : (size_t)batch;
      if (at == p->nids) break;
      if ((rc = lf_scan_take_fragment(p->scan, (uint64_t *)p->ids + at, m, &used, &b, &p->err))) break;
      at += used ? used : m;
      if (!b->n) continue;
    } else if ((rc = lf_scan_next(p->scan, batch, &b, &p->err)) || b->n == 0) {
      break;
    }
    if (b->n > cap) {
      float *d = realloc(dist, b->n * sizeof *d);
      uint8_t *ns = d ? realloc(sel, b->n) : NULL;
      if (d) dist = d;
      if (ns) sel = ns;
      if (!d || !ns) { rc = lf_err(&p->err, LF_NOMEM, "out of memory"); break; }
      cap = b->n;
    }
    memset(sel, 1, b->n);
    if (p->select) p->select(p->ctx, b, sel);
    const uint8_t *v = b->views[p->vcol] ? b->views[p->vcol] : b->cols[p->vcol].children[0].values;
    kern->many(kq->q, v, kq->dim, b->n, dist);
    push_batch(p, b, dist, sel, &tk);
  }
  free(dist);
  free(sel);
  p->n = rc ? 0 : simd_topk_finish(&tk);
  return rc;
}

static void *part_main(void *arg) {
  knn_part *p = arg;
  p->rc = run_part(p);
  return NULL;
}

/* Run the parts: 1.. in threads (inline when a thread cannot start), 0 here. */
static void run_parts(knn_part *parts, int n) {
  pthread_t *tid = n > 1 ? malloc((size_t)n * sizeof *tid) : NULL;
  char *started = n > 1 ? calloc((size_t)n, 1) : NULL;
  for (int t = 1; t < n; t++)
    started[t] = tid && started && pthread_create(&tid[t], NULL, part_main, &parts[t]) == 0;
  part_main(&parts[0]);
  for (int t = 1; t < n; t++) {
    if (started && started[t]) pthread_join(tid[t], NULL);
    else part_main(&parts[t]);
  }
  free(tid);
  free(started);
}

int knn_search_ids(lf_scan *scan, const uint64_t *ids, size_t n, int vcol, const knn_query *kq,
                   simd_topk_item **out, size_t *nout, lf_error *err) {
  knn_part p = {.scan = scan, .ids = ids, .nids = n, .vcol = vcol, .kq = kq};
  int rc = run_part(&p);
  simd_topk_item *items = rc ? NULL : sqlite3_malloc64((p.n + 1) * sizeof *items);
  if (rc) rc = lf_err(err, rc, "%s", p.err.msg);
  else if (!items) rc = lf_err(err, LF_NOMEM, "out of memory");
  else if (p.n) memcpy(items, p.items, p.n * sizeof *items);
  free(p.items);
  *out = items;
  *nout = rc ? 0 : p.n;
  return rc;
}

int knn_search(lf_scan **scans, int nscans, int vcol, const knn_query *kq, knn_select_fn select,
               void *ctx, simd_topk_item **out, size_t *nout, lf_error *err) {
  knn_part *parts = calloc((size_t)nscans + 1, sizeof *parts);
  simd_topk_item *items = sqlite3_malloc64((kq->k + 1) * sizeof *items);
  int rc = parts && items ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  for (int t = 0; !rc && t < nscans; t++) {
    parts[t] = (knn_part){.scan = scans[t], .vcol = vcol, .kq = kq, .select = select, .ctx = ctx};
    lf_scan_view(scans[t], vcol);
    if (nscans > 1) rc = lf_scan_part(scans[t], t, nscans, err); /* loads shared state first */
  }
  if (!rc) run_parts(parts, nscans);
  simd_topk tk; /* merge: the k best of the parts' k best are the k best */
  simd_topk_init(&tk, items, (size_t)kq->k);
  for (int t = 0; !rc && t < nscans; t++) {
    if (parts[t].rc) rc = lf_err(err, parts[t].rc, "%s", parts[t].err.msg);
    for (size_t i = 0; !rc && i < parts[t].n; i++)
      simd_topk_push(&tk, parts[t].items[i].dist, parts[t].items[i].rowid);
  }
  for (int t = 0; parts && t < nscans; t++) free(parts[t].items);
  free(parts);
  if (rc) {
    sqlite3_free(items);
    return rc;
  }
  *nout = simd_topk_finish(&tk);
  *out = items;
  return LF_OK;
}
