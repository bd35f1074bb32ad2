/*
** vindex.c: owns the models of a vector index directory (index_version 3),
** read from two Lance files:
**
** index.idx  schema metadata
**   "lance:index"  JSON {"type": "IVF_PQ" | "IVF_FLAT" | "IVF_SQ" | "IVF_HNSW_PQ" |
**                  "IVF_HNSW_SQ" | "IVF_HNSW_FLAT" | ..., "distance_type": "l2" |
**                  "cosine" | "dot" | "hamming"}
**   "lance:ivf"    decimal number of the global buffer holding the IVF message
**   "lance:flat"   FLAT sub-index: JSON array of one (empty) string per partition
**   "lance:hnsw"   HNSW sub-index: JSON array of one string per partition, each a
**                  JSON object {"entry_point": u32 (where searches start),
**                  "params": {build parameters}, "level_offsets": [u64...]}:
**                  the partition's graph rows, level by level (level L is rows
**                  [level_offsets[L], level_offsets[L+1]) from its first row)
**   rows           FLAT: one column __flat_marker, no rows.  HNSW: __vector_id
**                  u32 (node), __neighbors list<u32>, _distance list<f32>; the
**                  partitions' rows follow each other in partition order
** auxiliary.idx  schema metadata
**   "distance_type"     as above
**   "lance:ivf"         global buffer of an IVF message whose offsets/lengths
**                       place each partition's rows in this file
**   "storage_metadata"  JSON array of one string, a JSON object:
**                       FLAT {"dim"}; SQ {"dim", "num_bits": 8, "bounds":
**                       {"start": f64, "end": f64}}; PQ {"codebook_position":
**                       global buffer, "nbits": 4 | 8, "num_sub_vectors",
**                       "dimension", "transposed": true}
**   rows           _rowid u64, then FLAT `flat` fsl<f32>[dim], SQ `__sq_code`
**                  fsl<u8>[dim], PQ `__pq_code` fsl<u8>[m] (m/2 with 4 bits)
** IVF message (index.proto): 1 centroids (repeated float, old), 2 offsets
**   (repeated u64), 3 lengths (repeated u32), 4 centroids_tensor (Tensor), 5 loss
** Tensor: 1 data_type (0 bf16, 1 f16, 2 f32, 3 f64, 4.. ints), 2 shape
**   (repeated u32), 3 data (little-endian values, row-major)
** The PQ codebook tensor holds 2^nbits x dim floats laid out sub-vector by
** sub-vector: codebook[sub][code][dim / m].
*/
#include "index/vindex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"

#define MAX_PARTS (1u << 24)
#define MAX_DIM (1u << 16)

int lf_vmetric_parse(const char *s, size_t n, lf_vmetric *m) {
  static const struct { const char *name; lf_vmetric m; } t[] = {
      {"l2", LF_VM_L2}, {"euclidean", LF_VM_L2}, {"cosine", LF_VM_COSINE},
      {"dot", LF_VM_DOT}, {"hamming", LF_VM_HAMMING}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strlen(t[i].name) == n && !memcmp(t[i].name, s, n)) return *m = t[i].m, 0;
  return -1;
}

static const lf_kv *meta_get(const lf_schema *sc, const char *key) {
  for (int i = 0; i < sc->n_meta; i++)
    if (!strcmp(sc->meta[i].key, key)) return &sc->meta[i];
  return NULL;
}

static int field_index(const lf_schema *sc, const char *name) {
  for (int i = 0; i < sc->n_fields; i++)
    if (!strcmp(sc->fields[i]->name, name)) return i;
  return -1;
}

/* ---- JSON helpers ------------------------------------------------------------- */

static int json_double(lf_json *j, double *out) {
  char buf[64], *end;
  lf_json_ws(j);
  size_t n = 0;
  while (j->p + n < j->end && n < sizeof buf - 1 && strchr("+-.0123456789eE", j->p[n])) n++;
  memcpy(buf, j->p, n);
  buf[n] = 0;
  double x = strtod(buf, &end);
  if (n == 0 || end != buf + n || !isfinite(x)) return -1;
  j->p += n;
  *out = x;
  return 0;
}

static int key_is(const uint8_t *k, size_t kn, const char *s) {
  return strlen(s) == kn && !memcmp(k, s, kn);
}

/* A metadata value that is a JSON array of strings: each string unescaped
** and handed to cb(ctx, i, text, len). */
typedef int (*str_item_fn)(void *ctx, uint32_t i, const char *s, size_t n);
typedef struct str_items {
  str_item_fn fn;
  void *ctx;
  uint32_t i;
} str_items;

static int str_item(void *ctx, lf_json *j) {
  str_items *x = ctx;
  const uint8_t *s;
  size_t n, on;
  char *u = NULL;
  if (lf_json_str(j, &s, &n) || lf_json_unescape(s, n, &u, &on)) return -1;
  int r = x->fn(x->ctx, x->i++, u, on);
  free(u);
  return r;
}

static int json_str_array(const lf_kv *kv, str_item_fn fn, void *ctx, uint32_t *count) {
  str_items x = {fn, ctx, 0};
  lf_json j = {kv->val, kv->val + kv->len};
  if (lf_json_array(&j, str_item, &x) || lf_json_end(&j)) return -1;
  if (count) *count = x.i;
  return 0;
}

/* ---- lance:index ----------------------------------------------------------------- */

typedef struct index_info {
  lf_vindex *v;
  int have_metric;
} index_info;

static int index_member(void *ctx, lf_json *j, const uint8_t *k, size_t kn) {
  index_info *x = ctx;
  const uint8_t *s;
  size_t n;
  if (key_is(k, kn, "type")) {
    if (lf_json_str(j, &s, &n) || n >= sizeof x->v->type) return -1;
    memcpy(x->v->type, s, n);
    x->v->type[n] = 0;
    return 0;
  }
  if (key_is(k, kn, "distance_type")) {
    if (lf_json_str(j, &s, &n) || lf_vmetric_parse((const char *)s, n, &x->v->metric)) return -1;
    x->have_metric = 1;
    return 0;
  }
  return lf_json_skip(j, 1);
}

/* ---- Protobuf: Tensor and IVF ------------------------------------------------------ */

/* A float tensor (f16/f32/f64) into *out (malloc'd floats); shape checked by
** the caller through *rows x *cols (a 1-D tensor has rows 1). */
static int parse_tensor(const uint8_t *d, size_t len, float **out, uint64_t *rows, uint64_t *cols,
                        const char *what, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  uint64_t type = 0, *shape = NULL;
  size_t ns = 0, cap = 0;
  const uint8_t *data = NULL;
  size_t dlen = 0;
  int r, rc = LF_OK;
  lf_pb_init(&pb, d, len);
  while (!rc && (r = lf_pb_next(&pb, &f, what, err)) > 0) {
    if (f.num == 1 && f.wire == 0) type = f.u;
    else if (f.num == 2) rc = lf_pb_append_u64s(&f, &shape, &ns, &cap, err);
    else if (f.num == 3 && f.wire == 2) data = f.data, dlen = f.len;
  }
  if (!rc && r < 0) rc = LF_CORRUPT;
  uint64_t w = type == 1 ? 2 : type == 2 ? 4 : type == 3 ? 8 : 0, n = 1;
  for (size_t i = 0; !rc && i < ns; i++) {
    if (shape[i] > (1u << 30) || (n *= shape[i]) > (1ull << 32))
      rc = lf_err(err, LF_CORRUPT, "%s: tensor shape too large", what);
  }
  if (!rc && !w) rc = lf_err(err, LF_UNSUPPORTED, "%s: tensor data type %llu (not a float type)",
                             what, (unsigned long long)type);
  if (!rc && (ns < 1 || ns > 3 || n * w != dlen))
    rc = lf_err(err, LF_CORRUPT, "%s: tensor of %zu dimensions holds %zu bytes, not %llu", what,
                ns, dlen, (unsigned long long)(n * w));
  float *v = rc ? NULL : malloc((size_t)n * sizeof *v + 1);
  if (!rc && !v) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (uint64_t i = 0; !rc && i < n; i++) {
    if (w == 4) memcpy(&v[i], data + 4 * i, 4);
    else if (w == 8) { double x; memcpy(&x, data + 8 * i, 8); v[i] = (float)x; }
    else v[i] = (float)lf_half_to_double((uint16_t)(data[2 * i] | data[2 * i + 1] << 8));
  }
  if (!rc) {
    *rows = ns == 1 ? 1 : shape[0];
    *cols = ns == 1 ? shape[0] : n / shape[0];
    *out = v;
  }
  free(shape);
  return rc;
}

typedef struct ivf_msg {
  uint64_t *off, *len;
  size_t noff, nlen, capo, capl;
  float *centroids;
  uint64_t crows, ccols;
} ivf_msg;

static void ivf_msg_reset(ivf_msg *m) {
  free(m->off);
  free(m->len);
  free(m->centroids);
  memset(m, 0, sizeof *m);
}

static int parse_ivf(const uint8_t *d, size_t len, ivf_msg *m, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK;
  memset(m, 0, sizeof *m);
  lf_pb_init(&pb, d, len);
  while (!rc && (r = lf_pb_next(&pb, &f, "IVF message", err)) > 0) {
    if (f.num == 2) rc = lf_pb_append_u64s(&f, &m->off, &m->noff, &m->capo, err);
    else if (f.num == 3) rc = lf_pb_append_u64s(&f, &m->len, &m->nlen, &m->capl, err);
    else if (f.num == 4 && f.wire == 2 && !m->centroids)
      rc = parse_tensor(f.data, f.len, &m->centroids, &m->crows, &m->ccols, "IVF centroids", err);
    else if (f.num == 1)
      rc = lf_err(err, LF_UNSUPPORTED, "IVF centroids as repeated floats (index format before v3)");
  }
  if (!rc && r < 0) rc = LF_CORRUPT;
  if (!rc && m->noff != m->nlen)
    rc = lf_err(err, LF_CORRUPT, "IVF message: %zu offsets but %zu lengths", m->noff, m->nlen);
  if (rc) ivf_msg_reset(m);
  return rc;
}

/* The IVF message named by metadata "lance:ivf" of file f. */
static int read_ivf(lf_file *f, ivf_msg *m, lf_error *err) {
  const lf_kv *kv = meta_get(lf_file_schema(f), "lance:ivf");
  if (!kv) return lf_err(err, LF_CORRUPT, "%s: no lance:ivf metadata", lf_file_path(f));
  uint64_t gb = 0;
  lf_json j = {kv->val, kv->val + kv->len};
  if (lf_json_uint(&j, &gb) || lf_json_end(&j) || gb > 1000)
    return lf_err(err, LF_CORRUPT, "%s: lance:ivf is not a buffer number", lf_file_path(f));
  uint8_t *d;
  uint64_t len;
  int rc = lf_file_global_buffer(f, (int)gb, &d, &len, err);
  if (!rc) rc = parse_ivf(d, (size_t)len, m, err);
  free(d);
  return rc ? lf_err_prefix(err, rc, "%s", lf_file_path(f)) : LF_OK;
}

/* ---- storage_metadata ------------------------------------------------------------- */

typedef struct store_meta {
  lf_vindex *v;
  uint64_t dim, bits, m, cb_pos;
  int transposed, have_bounds;
  int nobj;
} store_meta;

static int bounds_member(void *ctx, lf_json *j, const uint8_t *k, size_t kn) {
  store_meta *x = ctx;
  if (key_is(k, kn, "start")) return json_double(j, &x->v->sq_lo);
  if (key_is(k, kn, "end")) return x->have_bounds = 1, json_double(j, &x->v->sq_hi);
  return lf_json_skip(j, 2);
}

static int store_member(void *ctx, lf_json *j, const uint8_t *k, size_t kn) {
  store_meta *x = ctx;
  if (key_is(k, kn, "dim") || key_is(k, kn, "dimension")) return lf_json_uint(j, &x->dim);
  if (key_is(k, kn, "num_bits") || key_is(k, kn, "nbits")) return lf_json_uint(j, &x->bits);
  if (key_is(k, kn, "num_sub_vectors")) return lf_json_uint(j, &x->m);
  if (key_is(k, kn, "codebook_position")) return lf_json_uint(j, &x->cb_pos);
  if (key_is(k, kn, "transposed")) return lf_json_bool(j, &x->transposed);
  if (key_is(k, kn, "bounds")) return lf_json_object(j, bounds_member, x);
  return lf_json_skip(j, 1);
}

static int store_item(void *ctx, uint32_t i, const char *s, size_t n) {
  store_meta *x = ctx;
  lf_json j = {(const uint8_t *)s, (const uint8_t *)s + n};
  x->nobj++;
  return i > 0 || lf_json_object(&j, store_member, x) || lf_json_end(&j) ? -1 : 0;
}

static int pq_codebook(lf_vindex *v, const store_meta *sm, lf_error *err) {
  if (sm->bits != 8 && sm->bits != 4)
    return lf_err(err, LF_UNSUPPORTED, "PQ with %llu bits per code", (unsigned long long)sm->bits);
  if (!sm->m || sm->dim != v->dim || v->dim % sm->m || (sm->bits == 4 && sm->m % 2) || !sm->transposed)
    return lf_err(err, LF_CORRUPT, "PQ: %llu sub-vectors of dimension %u (transposed %d)",
                  (unsigned long long)sm->m, v->dim, sm->transposed);
  v->pq_m = (uint32_t)sm->m;
  v->pq_bits = (uint32_t)sm->bits;
  uint8_t *d;
  uint64_t len, rows, cols;
  int rc = sm->cb_pos < 1 || sm->cb_pos > 1000
               ? lf_err(err, LF_CORRUPT, "PQ codebook_position %llu", (unsigned long long)sm->cb_pos)
               : lf_file_global_buffer(v->aux_file, (int)sm->cb_pos, &d, &len, err);
  if (rc) return rc;
  rc = parse_tensor(d, (size_t)len, &v->pq_codebook, &rows, &cols, "PQ codebook", err);
  free(d);
  if (!rc && rows * cols != ((uint64_t)1 << v->pq_bits) * v->dim)
    rc = lf_err(err, LF_CORRUPT, "PQ codebook has %llu values, not %llu",
                (unsigned long long)(rows * cols),
                (unsigned long long)(((uint64_t)1 << v->pq_bits) * v->dim));
  return rc;
}

/* The quantizer: from auxiliary.idx's columns and storage_metadata. */
static int read_quantizer(lf_vindex *v, lf_error *err) {
  const lf_schema *sc = lf_file_schema(v->aux_file);
  const lf_kv *kv = meta_get(sc, "storage_metadata");
  store_meta sm = {.v = v};
  int rc = LF_OK, code = -1;
  uint64_t want = 0;
  if (!kv || json_str_array(kv, store_item, &sm, NULL) || sm.nobj != 1)
    return lf_err(err, LF_CORRUPT, "storage_metadata is not an array of one JSON object");
  if ((code = field_index(sc, "__pq_code")) >= 0) {
    v->quant = LF_VQ_PQ;
    rc = pq_codebook(v, &sm, err);
    want = v->pq_bits == 4 ? v->pq_m / 2 : v->pq_m;
  } else if ((code = field_index(sc, "__sq_code")) >= 0) {
    v->quant = LF_VQ_SQ;
    v->sq_bits = (uint32_t)sm.bits;
    want = v->dim;
    if (sm.bits != 8) rc = lf_err(err, LF_UNSUPPORTED, "SQ with %llu bits", (unsigned long long)sm.bits);
    else if (!sm.have_bounds || sm.dim != v->dim || !(v->sq_hi >= v->sq_lo))
      rc = lf_err(err, LF_CORRUPT, "SQ metadata: dimension %llu, bounds missing or reversed",
                  (unsigned long long)sm.dim);
  } else if ((code = field_index(sc, "flat")) >= 0) {
    v->quant = LF_VQ_FLAT;
    want = v->dim;
  } else {
    return lf_err(err, LF_UNSUPPORTED, "index type %s (quantizer columns not FLAT, PQ or SQ)", v->type);
  }
  const lf_field *f = code >= 0 ? sc->fields[code] : NULL;
  lf_type item = v->quant == LF_VQ_FLAT ? LF_T_FLOAT32 : LF_T_UINT8;
  if (!rc && (f->type != LF_T_FIXED_LIST || f->n_children != 1 || f->children[0]->type != item ||
              (uint64_t)f->fixed_size != want))
    rc = lf_err(err, v->quant == LF_VQ_FLAT && f->type == LF_T_FIXED_LIST ? LF_UNSUPPORTED : LF_CORRUPT,
                "column %s is %s, not a fixed_size_list of %llu %s", f->name, f->logical_type,
                (unsigned long long)want, lf_type_name(item));
  v->aux_code_col = code;
  v->aux_rowid_col = field_index(sc, "_rowid");
  if (!rc && (v->aux_rowid_col < 0 || sc->fields[v->aux_rowid_col]->type != LF_T_UINT64))
    rc = lf_err(err, LF_CORRUPT, "no _rowid uint64 column");
  return rc;
}

/* ---- lance:hnsw ------------------------------------------------------------------- */

typedef struct hnsw_meta {
  lf_vindex *v;
  uint32_t p;
  uint64_t *lv;
  size_t nlv, cap;
  uint64_t entry;
} hnsw_meta;

static int level_item(void *ctx, lf_json *j) {
  hnsw_meta *x = ctx;
  uint64_t o;
  if (lf_json_uint(j, &o) || x->nlv >= 64) return -1;
  if (x->nlv == x->cap) {
    uint64_t *n = realloc(x->lv, (x->cap = x->cap ? 2 * x->cap : 16) * sizeof *n);
    if (!n) return -2;
    x->lv = n;
  }
  x->lv[x->nlv++] = o;
  return 0;
}

static int hnsw_member(void *ctx, lf_json *j, const uint8_t *k, size_t kn) {
  if (key_is(k, kn, "level_offsets")) return lf_json_array(j, level_item, ctx);
  if (key_is(k, kn, "entry_point")) return lf_json_uint(j, &((hnsw_meta *)ctx)->entry);
  return lf_json_skip(j, 1);
}

static int hnsw_item(void *ctx, uint32_t p, const char *s, size_t n) {
  hnsw_meta *x = ctx;
  lf_vindex *v = x->v;
  lf_json j = {(const uint8_t *)s, (const uint8_t *)s + n};
  x->nlv = 0;
  x->entry = 0;
  /* LanceDB 0.39 writes "" for a partition without rows: no levels */
  if (p >= v->nparts || (n && (lf_json_object(&j, hnsw_member, x) || lf_json_end(&j)))) return -1;
  /* an empty partition may have no levels; otherwise offsets start at 0 and rise */
  for (size_t i = 0; i < x->nlv; i++)
    if ((i == 0 && x->lv[0]) || (i && x->lv[i] < x->lv[i - 1])) return -1;
  uint64_t *lv = malloc((x->nlv + 1) * sizeof *lv);
  if (!lv) return -2;
  if (x->nlv) memcpy(lv, x->lv, x->nlv * sizeof *lv);
  if (!x->nlv) lv[0] = 0;
  v->hnsw_levels[p] = lv;
  v->hnsw_nlevels[p] = x->nlv ? (uint32_t)x->nlv - 1 : 0;
  v->hnsw_entry[p] = x->entry > UINT32_MAX ? UINT32_MAX : (uint32_t)x->entry;
  return 0;
}

static int read_hnsw(lf_vindex *v, lf_error *err) {
  const lf_schema *sc = lf_file_schema(v->index_file);
  const lf_kv *kv = meta_get(sc, "lance:hnsw");
  if (!kv) return lf_err(err, LF_CORRUPT, "an HNSW index without lance:hnsw metadata");
  v->hnsw_row = calloc(v->nparts + 1, sizeof *v->hnsw_row);
  v->hnsw_nlevels = calloc(v->nparts + 1, sizeof *v->hnsw_nlevels);
  v->hnsw_levels = calloc(v->nparts + 1, sizeof *v->hnsw_levels);
  v->hnsw_entry = calloc(v->nparts + 1, sizeof *v->hnsw_entry);
  if (!v->hnsw_entry || !v->hnsw_row || !v->hnsw_nlevels || !v->hnsw_levels)
    return lf_err(err, LF_NOMEM, "out of memory");
  hnsw_meta x = {.v = v};
  uint32_t n = 0;
  int r = json_str_array(kv, hnsw_item, &x, &n);
  free(x.lv);
  if (r || n != v->nparts)
    return lf_err(err, LF_CORRUPT, "lance:hnsw: not %u partitions of HNSW metadata", v->nparts);
  uint64_t row = 0, nrows = lf_file_num_rows(v->index_file);
  for (uint32_t p = 0; p < v->nparts; p++) {
    uint64_t rows = v->hnsw_levels[p][v->hnsw_nlevels[p]];
    v->hnsw_row[p] = row;
    if (rows > nrows - row) return lf_err(err, LF_CORRUPT, "lance:hnsw: partition %u's rows pass the end", p);
    row += rows;
  }
  return LF_OK;
}

/* ---- Open -------------------------------------------------------------------------- */

void lf_vindex_free(lf_vindex *v) {
  if (!v) return;
  free(v->centroids);
  free(v->part_off);
  free(v->part_len);
  free(v->pq_codebook);
  for (uint32_t p = 0; v->hnsw_levels && p < v->nparts; p++) free(v->hnsw_levels[p]);
  free(v->hnsw_levels);
  free(v->hnsw_row);
  free(v->hnsw_nlevels);
  free(v->hnsw_entry);
  lf_file_free(v->index_file);
  lf_file_free(v->aux_file);
  free(v);
}

static int read_type(lf_vindex *v, lf_error *err) {
  const lf_schema *sc = lf_file_schema(v->index_file);
  const lf_kv *kv = meta_get(sc, "lance:index");
  index_info x = {v, 0};
  lf_json j = {kv ? kv->val : NULL, kv ? kv->val + kv->len : NULL};
  if (!kv || lf_json_object(&j, index_member, &x) || lf_json_end(&j) || !x.have_metric || !v->type[0])
    return lf_err(err, LF_CORRUPT, "lance:index is not {\"type\", \"distance_type\"}");
  static const char *const known[] = {"IVF_FLAT", "IVF_PQ", "IVF_SQ", "IVF_HNSW_FLAT",
                                      "IVF_HNSW_PQ", "IVF_HNSW_SQ"};
  size_t i = 0;
  while (i < sizeof known / sizeof known[0] && strcmp(known[i], v->type)) i++;
  if (i == sizeof known / sizeof known[0])
    return lf_err(err, LF_UNSUPPORTED, "vector index type %s", v->type);
  if (v->metric == LF_VM_HAMMING) return lf_err(err, LF_UNSUPPORTED, "%s with hamming distance", v->type);
  v->hnsw = strstr(v->type, "HNSW") != NULL;
  return LF_OK;
}

/* The IVF model: centroids from index.idx, row ranges from auxiliary.idx. */
static int read_ivf_model(lf_vindex *v, lf_error *err) {
  ivf_msg a = {0}, b = {0};
  int rc = read_ivf(v->index_file, &a, err);
  if (rc) return rc;
  if (!(rc = read_ivf(v->aux_file, &b, err))) {
    v->nrows = lf_file_num_rows(v->aux_file);
    if (!a.centroids || a.crows != b.noff || !a.crows || a.crows > MAX_PARTS || !a.ccols || a.ccols > MAX_DIM)
      rc = lf_err(err, LF_CORRUPT, "IVF: %llu centroids for %zu partitions",
                  (unsigned long long)a.crows, b.noff);
    for (size_t p = 0; !rc && p < b.noff; p++)
      if (b.off[p] > v->nrows || b.len[p] > v->nrows - b.off[p])
        rc = lf_err(err, LF_CORRUPT, "IVF partition %zu rows [%llu, +%llu) pass auxiliary.idx's %llu",
                    p, (unsigned long long)b.off[p], (unsigned long long)b.len[p],
                    (unsigned long long)v->nrows);
  }
  if (!rc) {
    v->nparts = (uint32_t)a.crows;
    v->dim = (uint32_t)a.ccols;
    v->centroids = a.centroids, a.centroids = NULL;
    v->part_off = b.off, b.off = NULL;
    v->part_len = b.len, b.len = NULL;
  }
  ivf_msg_reset(&b);
  ivf_msg_reset(&a);
  return rc;
}

int lf_vindex_from_files(lf_file *index_file, lf_file *aux_file, lf_vindex **out, lf_error *err) {
  lf_vindex *v = calloc(1, sizeof *v);
  *out = NULL;
  if (!v) {
    lf_file_free(index_file);
    lf_file_free(aux_file);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  v->index_file = index_file;
  v->aux_file = aux_file;
  int rc = read_type(v, err);
  if (!rc) rc = read_ivf_model(v, err);
  if (!rc) rc = read_quantizer(v, err);
  if (!rc && v->hnsw) rc = read_hnsw(v, err);
  if (rc) {
    lf_vindex_free(v);
    return rc;
  }
  *out = v;
  return LF_OK;
}

int lf_vindex_open(lf_store *s, const char *dir, lf_vindex **out, lf_error *err) {
  char *pi = malloc(strlen(dir) + 16), *pa = malloc(strlen(dir) + 16);
  lf_file *fi = NULL, *fa = NULL;
  int rc = pi && pa ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  *out = NULL;
  if (!rc) {
    sprintf(pi, "%s/index.idx", dir);
    sprintf(pa, "%s/auxiliary.idx", dir);
    rc = lf_file_open(s, pi, &fi, err);
  }
  if (!rc) rc = lf_file_open(s, pa, &fa, err);
  if (!rc) {
    rc = lf_vindex_from_files(fi, fa, out, err);
    if (rc) lf_err_prefix(err, rc, "%s", dir);
  } else {
    lf_file_free(fi);
  }
  free(pi);
  free(pa);
  return rc;
}
