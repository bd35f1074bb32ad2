/*
** scalar.c: owns the reading and searching of the scalar indexes LanceDB
** 0.39 builds in <root>/_indices/<uuid>/, each file a Lance file read with
** lf_file (docs/scalar-index.md has the same in prose):
**
** BTREE (type URL /lance.table.BTreeIndexDetails)
**   page_data.lance    every indexed row, sorted by value (nulls first,
**                      floats in IEEE total order: NaN last), in pages of
**                      batch_size rows:
**     values  <the column's type>, nullable   the value
**     ids     uint64                          its row id
**   page_lookup.lance  one row per page:
**     min         <type>, nullable   first value of the page (null when the
**                                    page holds nulls)
**     max         <type>, nullable   last value (null: only nulls; NaN: a NaN)
**     null_count  uint32             nulls in the page
**     page_idx    uint32             the page: rows [page_idx * batch_size,
**                                    (page_idx + 1) * batch_size) of page_data
**   page_lookup schema metadata: "batch_size" (decimal text, default 4096),
**   "range_partitioned" ("true": pages spread over part_<i>_page_data
**   files; refused here as LF_UNSUPPORTED).
**
** BITMAP (/lance.table.BitmapIndexDetails) and LABEL_LIST
** (/lance.table.LabelListIndexDetails): bitmap_page_lookup.lance, one row
** per distinct value (a list element for LABEL_LIST), in no set order:
**     keys     <the value type>, nullable   the value (null: the null rows,
**                                           or lists holding a null)
**     bitmaps  binary                       the rows holding it: a
**                                           serialized RowAddrTreeMap
**                                           (rowset.c)
**   schema metadata "lance:index_stats" ({"num_bitmaps":N}); LABEL_LIST
**   adds "lance:label_list_nulls": the number of the global buffer holding
**   the RowAddrTreeMap of the rows whose list is null (not needed here: a
**   null list matches no label search).
**
** A search decides every value itself (SQL semantics, scalar.h), so only the
** page bounds of the lookup are trusted for skipping pages, and those only
** as far as IEEE order agrees with the writer's order.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "scalar.h"

struct lf_sidx {
  int kind;
  lf_file *a, *b;          /* BTREE: lookup, data; else: the bitmap file, NULL */
  const lf_field *vfield;  /* values / keys field */
  lf_array keys;           /* BITMAP, LABEL_LIST: every key */
  lf_array lmin, lmax;     /* BTREE lookup columns */
  uint32_t *null_count, *page_idx;
  uint64_t npages, batch_size, nrows;
  lf_array pv, pid, bm;    /* BTREE page buffers; bitmap take buffer */
  uint64_t *rows, cap_rows; /* BTREE: the row numbers of a page */
  uint64_t *hits;          /* BTREE: the row ids a search found */
  size_t nhits, cap_hits;
};

int lf_sidx_kind(const char *url) {
  if (!url) return LF_SIDX_NONE;
  const char *t = strrchr(url, '.');
  t = t ? t + 1 : url;
  if (!strcmp(t, "BTreeIndexDetails")) return LF_SIDX_BTREE;
  if (!strcmp(t, "BitmapIndexDetails")) return LF_SIDX_BITMAP;
  if (!strcmp(t, "LabelListIndexDetails")) return LF_SIDX_LABEL_LIST;
  return LF_SIDX_NONE;
}

const char *lf_sidx_kind_name(int kind) {
  return kind == LF_SIDX_BTREE ? "BTREE" : kind == LF_SIDX_BITMAP ? "BITMAP"
         : kind == LF_SIDX_LABEL_LIST ? "LABEL_LIST" : "?";
}

int lf_sidx_value_type_ok(lf_type t) {
  switch (t) {
    case LF_T_BOOL: case LF_T_INT8: case LF_T_UINT8: case LF_T_INT16: case LF_T_UINT16:
    case LF_T_INT32: case LF_T_UINT32: case LF_T_INT64: case LF_T_FLOAT32: case LF_T_FLOAT64:
    case LF_T_UTF8: case LF_T_LARGE_UTF8:
      return 1;
    default: return 0;
  }
}

int lf_sidx_kind_of(const lf_sidx *x) { return x->kind; }
const lf_field *lf_sidx_value_field(const lf_sidx *x) { return x->vfield; }
uint64_t lf_sidx_num_keys(const lf_sidx *x) { return x->kind == LF_SIDX_BTREE ? x->npages : x->keys.length; }
uint64_t lf_sidx_num_rows(const lf_sidx *x) { return x->nrows; }

void lf_sidx_free(lf_sidx *x) {
  if (!x) return;
  lf_array_reset(&x->keys);
  lf_array_reset(&x->lmin);
  lf_array_reset(&x->lmax);
  lf_array_reset(&x->pv);
  lf_array_reset(&x->pid);
  lf_array_reset(&x->bm);
  free(x->rows);
  free(x->hits);
  free(x->null_count);
  free(x->page_idx);
  lf_file_free(x->a);
  lf_file_free(x->b);
  free(x);
}

/* ---- Values ------------------------------------------------------------------- */

int lf_cmp_i64_f64(int64_t x, double y) {
  if (y < -9223372036854775808.0) return 1;
  if (y >= 9223372036854775808.0) return -1;
  int64_t yi = (int64_t)y; /* truncated: exact, |y| < 2^63 */
  if (x != yi) return x < yi ? -1 : 1;
  double yf = (double)yi;
  return y > yf ? -1 : y < yf;
}

/* Key types the reader decides (SQL uses a subset: lf_sidx_value_type_ok). */
static int key_type_ok(lf_type t) {
  return lf_sidx_value_type_ok(t) || t == LF_T_UINT64 || t == LF_T_FLOAT16;
}

static int is_float(lf_type t) { return t == LF_T_FLOAT16 || t == LF_T_FLOAT32 || t == LF_T_FLOAT64; }

static double float_at(const lf_array *a, uint64_t i) {
  switch (a->field->type) {
    case LF_T_FLOAT16: { uint16_t h; memcpy(&h, a->values + 2 * i, 2); return lf_half_to_double(h); }
    case LF_T_FLOAT32: { float v; memcpy(&v, a->values + 4 * i, 4); return v; }
    default: { double v; memcpy(&v, a->values + 8 * i, 8); return v; }
  }
}

/* NULL to SQL: a null, or a NaN. */
static int sql_null(const lf_array *a, uint64_t i) {
  if (lf_array_is_null(a, i)) return 1;
  if (is_float(a->field->type)) { double d = float_at(a, i); return d != d; }
  return 0;
}

/* Row i (not SQL NULL) against v: -1, 0, 1, or 2 when they do not compare
** (text against a number: never used to select rows). */
static int cmp_row(const lf_array *a, uint64_t i, const lf_svalue *v) {
  lf_type t = a->field->type;
  lf_svalue x = {0};
  if (lf_type_is_varwidth(t)) {
    x.type = LF_SV_TEXT;
    x.z = a->data + a->offsets[i];
    x.n = a->offsets[i + 1] - a->offsets[i];
  } else if (is_float(t)) {
    x.type = LF_SV_FLOAT;
    x.d = float_at(a, i);
  } else {
    x.type = LF_SV_INT;
    x.i = lf_int_at(a, i);
    if (t == LF_T_UINT64 && x.i < 0) { /* above every int64 */
      if (v->type == LF_SV_TEXT || v->type == LF_SV_NULL) return 2;
      return v->type == LF_SV_INT ? 1 : (v->d >= 18446744073709551616.0 ? -1 : 1);
    }
    if (v->type == LF_SV_INT) return x.i < v->i ? -1 : x.i > v->i; /* lf_svalue_cmp's answer */
  }
  return lf_svalue_cmp(&x, v);
}

/* Does non-NULL row i pass `op v` (EQ .. GE)? */
static int cmp_passes(const lf_array *a, uint64_t i, int op, const lf_svalue *v) {
  int r = cmp_row(a, i, v);
  if (r == 2) return 0;
  switch (op) {
    case LF_SQ_EQ: return r == 0;
    case LF_SQ_LT: return r < 0;
    case LF_SQ_LE: return r <= 0;
    case LF_SQ_GT: return r > 0;
    default: return r >= 0; /* LF_SQ_GE */
  }
}

/* Does row i pass q (EQ .. GE and the second bound, IN, ISNULL)? */
static int row_passes(const lf_array *a, uint64_t i, const lf_squery *q) {
  int isnull = sql_null(a, i);
  if (q->op == LF_SQ_ISNULL) return isnull;
  if (isnull) return 0;
  if (q->op == LF_SQ_IN || q->op == LF_SQ_HAS_ANY || q->op == LF_SQ_HAS_ALL) {
    for (size_t k = 0; k < q->nvals; k++)
      if (cmp_row(a, i, &q->vals[k]) == 0) return 1;
    return 0;
  }
  return cmp_passes(a, i, q->op, &q->v) && (!q->has2 || cmp_passes(a, i, q->op2, &q->v2));
}

/* ---- Opening -------------------------------------------------------------------- */

static const char *schema_meta(const lf_schema *s, const char *key) {
  for (int i = 0; i < s->n_meta; i++)
    if (!strcmp(s->meta[i].key, key)) return (const char *)s->meta[i].val;
  return NULL;
}

/* The top-level field `name` of f with a type accepted by ok(), or -1. */
static int field_named(lf_file *f, const char *name, lf_type want) {
  const lf_schema *s = lf_file_schema(f);
  for (int i = 0; i < s->n_fields; i++)
    if (!strcmp(s->fields[i]->name, name))
      return (want == LF_T_NULL ? key_type_ok(s->fields[i]->type) : s->fields[i]->type == want) ? i : -1;
  return -1;
}

/* A u32 column read whole into a malloc'd array. */
static int read_u32_col(lf_file *f, int col, uint64_t n, uint32_t **out, lf_error *err) {
  lf_array a;
  lf_array_init(&a, lf_file_schema(f)->fields[col]);
  int rc = lf_file_read_range(f, col, 0, n, &a, err);
  if (!rc && a.null_count) rc = lf_err(err, LF_CORRUPT, "%s: column %s has nulls", lf_file_path(f),
                                       a.field->name);
  if (!rc && !(*out = malloc((n ? n : 1) * 4))) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && n) memcpy(*out, a.values, n * 4);
  lf_array_reset(&a);
  return rc;
}

static int open_btree(lf_sidx *x, lf_error *err) {
  const char *lp = lf_file_path(x->a), *dp = lf_file_path(x->b);
  int cmin = field_named(x->a, "min", LF_T_NULL), cmax = field_named(x->a, "max", LF_T_NULL);
  int cnull = field_named(x->a, "null_count", LF_T_UINT32), cpage = field_named(x->a, "page_idx", LF_T_UINT32);
  int cval = field_named(x->b, "values", LF_T_NULL), cid = field_named(x->b, "ids", LF_T_UINT64);
  if (cmin != 0 || cmax != 1 || cnull < 0 || cpage < 0)
    return lf_err(err, LF_UNSUPPORTED, "%s: not a BTREE page lookup of a supported type "
                  "(want min, max, null_count: uint32, page_idx: uint32)", lp);
  if (cval != 0 || cid != 1)
    return lf_err(err, LF_UNSUPPORTED, "%s: not BTREE page data of a supported type (want values, ids: uint64)", dp);
  const lf_schema *ls = lf_file_schema(x->a);
  x->vfield = lf_file_schema(x->b)->fields[0];
  if (ls->fields[0]->type != x->vfield->type || ls->fields[1]->type != x->vfield->type)
    return lf_err(err, LF_CORRUPT, "%s: min/max type differs from the page data's", lp);
  const char *rp = schema_meta(ls, "range_partitioned");
  if (rp && !strcmp(rp, "true"))
    return lf_err(err, LF_UNSUPPORTED, "%s: range-partitioned BTREE indexes are not supported", lp);
  const char *bs = schema_meta(ls, "batch_size");
  x->batch_size = bs ? strtoull(bs, NULL, 10) : 4096;
  if (x->batch_size == 0 || x->batch_size > ((uint64_t)1 << 32))
    return lf_err(err, LF_CORRUPT, "%s: batch_size '%s' out of range", lp, bs);
  x->npages = lf_file_num_rows(x->a);
  x->nrows = lf_file_num_rows(x->b);
  lf_array_init(&x->lmin, ls->fields[0]);
  lf_array_init(&x->lmax, ls->fields[1]);
  lf_array_init(&x->pv, x->vfield);
  lf_array_init(&x->pid, lf_file_schema(x->b)->fields[1]);
  int rc = lf_file_read_range(x->a, 0, 0, x->npages, &x->lmin, err);
  if (!rc) rc = lf_file_read_range(x->a, 1, 0, x->npages, &x->lmax, err);
  if (!rc) rc = read_u32_col(x->a, cnull, x->npages, &x->null_count, err);
  if (!rc) rc = read_u32_col(x->a, cpage, x->npages, &x->page_idx, err);
  for (uint64_t p = 0; !rc && p < x->npages; p++)
    if ((uint64_t)x->page_idx[p] * x->batch_size >= x->nrows)
      rc = lf_err(err, LF_CORRUPT, "%s: page %u past the %llu rows of %s", lp, x->page_idx[p],
                  (unsigned long long)x->nrows, dp);
  return rc;
}

static int open_bitmap(lf_sidx *x, lf_error *err) {
  const char *p = lf_file_path(x->a);
  int ck = field_named(x->a, "keys", LF_T_NULL), cb = field_named(x->a, "bitmaps", LF_T_BINARY);
  if (ck != 0 || cb != 1)
    return lf_err(err, LF_UNSUPPORTED, "%s: not a %s index of a supported type (want keys, bitmaps: binary)",
                  p, lf_sidx_kind_name(x->kind));
  x->vfield = lf_file_schema(x->a)->fields[0];
  lf_array_init(&x->keys, x->vfield);
  lf_array_init(&x->bm, lf_file_schema(x->a)->fields[1]);
  return lf_file_read_range(x->a, 0, 0, lf_file_num_rows(x->a), &x->keys, err);
}

int lf_sidx_from_files(int kind, lf_file *a, lf_file *b, lf_sidx **out, lf_error *err) {
  *out = NULL;
  lf_sidx *x = calloc(1, sizeof *x);
  if (!x) {
    lf_file_free(a);
    lf_file_free(b);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  x->kind = kind;
  x->a = a;
  x->b = b;
  int rc = kind == LF_SIDX_BTREE ? (b ? open_btree(x, err) : lf_err(err, LF_ARG, "BTREE: no page data"))
         : kind == LF_SIDX_BITMAP || kind == LF_SIDX_LABEL_LIST ? open_bitmap(x, err)
         : lf_err(err, LF_ARG, "unknown scalar index kind %d", kind);
  if (rc) {
    lf_sidx_free(x);
    return rc;
  }
  *out = x;
  return LF_OK;
}

int lf_sidx_open(lf_store *s, const char *root, const char *uuid, int kind, lf_sidx **out,
                 lf_error *err) {
  char pa[1024], pb[1024];
  const char *sep = root[0] ? "/" : "";
  const char *na = kind == LF_SIDX_BTREE ? "page_lookup.lance" : "bitmap_page_lookup.lance";
  snprintf(pa, sizeof pa, "%s%s_indices/%s/%s", root, sep, uuid, na);
  snprintf(pb, sizeof pb, "%s%s_indices/%s/page_data.lance", root, sep, uuid);
  lf_file *a = NULL, *b = NULL;
  *out = NULL;
  int rc = lf_file_open(s, pa, &a, err);
  if (!rc && kind == LF_SIDX_BTREE) rc = lf_file_open(s, pb, &b, err);
  if (rc) {
    lf_file_free(a);
    return rc;
  }
  return lf_sidx_from_files(kind, a, b, out, err);
}

/* ---- Searching -------------------------------------------------------------------- */

/* Can BTREE page p hold a row passing q?  Only min <= v <= max is trusted
** (IEEE order; a null min is no bound, a NaN bound is none either). */
static int page_may_pass1(const lf_sidx *x, uint64_t p, const lf_squery *q);
static int page_may_pass(const lf_sidx *x, uint64_t p, const lf_squery *q) {
  lf_squery second = {.op = q->op2, .v = q->v2};
  return page_may_pass1(x, p, q) && (!q->has2 || page_may_pass1(x, p, &second));
}

static int page_may_pass1(const lf_sidx *x, uint64_t p, const lf_squery *q) {
  const lf_array *mn = &x->lmin, *mx = &x->lmax;
  int flt = is_float(x->vfield->type);
  if (q->op == LF_SQ_ISNULL)
    return x->null_count[p] > 0 || (flt && (sql_null(mn, p) || sql_null(mx, p)));
  if (lf_array_is_null(mx, p)) return 0; /* only nulls */
  int has_lo = !sql_null(mn, p), has_hi = !sql_null(mx, p);
  const lf_svalue *vs = q->op == LF_SQ_IN ? q->vals : &q->v;
  size_t nv = q->op == LF_SQ_IN ? q->nvals : 1;
  for (size_t k = 0; k < nv; k++) {
    int lo = has_lo ? cmp_row(mn, p, &vs[k]) : -1; /* min vs v */
    int hi = has_hi ? cmp_row(mx, p, &vs[k]) : 1;  /* max vs v */
    if (lo == 2 || hi == 2) continue;              /* v never passes */
    int op = q->op == LF_SQ_IN ? LF_SQ_EQ : q->op;
    if ((op == LF_SQ_EQ && lo <= 0 && hi >= 0) || (op == LF_SQ_LT && lo < 0) ||
        (op == LF_SQ_LE && lo <= 0) || (op == LF_SQ_GT && hi > 0) || (op == LF_SQ_GE && hi >= 0))
      return 1;
  }
  return 0;
}

/* Rows [start, end) of page_data: taken (only the mini-block chunks holding
** them are read; LanceDB writes page_data in Lance pages of ~200k rows, which a
** range read would decode whole). */
static int read_page(lf_sidx *x, uint64_t start, uint64_t end, lf_error *err) {
  uint64_t n = end - start;
  if (n > x->cap_rows) {
    uint64_t *r = realloc(x->rows, n * sizeof *r);
    if (!r) return lf_err(err, LF_NOMEM, "out of memory");
    x->rows = r;
    x->cap_rows = n;
  }
  for (uint64_t i = 0; i < n; i++) x->rows[i] = start + i;
  int rc = lf_file_take(x->b, 0, x->rows, n, &x->pv, err);
  if (!rc) rc = lf_file_take(x->b, 1, x->rows, n, &x->pid, err);
  return rc;
}

static int search_btree(lf_sidx *x, const lf_squery *q, lf_rowset *out, uint64_t *pages,
                        lf_error *err) {
  x->nhits = 0;
  if (q->op > LF_SQ_ISNULL)
    return lf_err(err, LF_ARG, "a BTREE index answers =, <, <=, >, >=, IN and IS NULL");
  for (uint64_t p = 0; p < x->npages; p++) {
    if (!page_may_pass(x, p, q)) continue;
    uint64_t start = (uint64_t)x->page_idx[p] * x->batch_size;
    uint64_t end = start + x->batch_size < x->nrows ? start + x->batch_size : x->nrows;
    int rc = read_page(x, start, end, err);
    if (rc) return rc;
    if (pages) (*pages)++;
    for (uint64_t i = 0; i < end - start; i++)
      if (row_passes(&x->pv, i, q) && !lf_array_is_null(&x->pid, i)) {
        if (x->nhits == x->cap_hits) {
          size_t cap = x->cap_hits ? 2 * x->cap_hits : 4096;
          uint64_t *h = realloc(x->hits, cap * sizeof *h);
          if (!h) return lf_err(err, LF_NOMEM, "out of memory");
          x->hits = h, x->cap_hits = cap;
        }
        memcpy(&x->hits[x->nhits++], x->pid.values + 8 * i, 8);
      }
  }
  int rc = lf_rowset_add_many(out, x->hits, x->nhits) ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
  x->nhits = 0;
  return rc;
}

/* The bitmaps of key rows rows[0..n) (ascending) added to out. */
static int add_bitmaps(lf_sidx *x, const uint64_t *rows, size_t n, lf_rowset *out,
                       uint64_t *pages, lf_error *err) {
  if (!n) return LF_OK;
  int rc = lf_file_take(x->a, 1, rows, n, &x->bm, err);
  for (size_t k = 0; !rc && k < n; k++) {
    if (lf_array_is_null(&x->bm, k)) continue;
    uint64_t o = x->bm.offsets[k], e = x->bm.offsets[k + 1];
    rc = lf_rowset_add_treemap(out, x->bm.data + o, e - o, err);
    if (rc) lf_err_prefix(err, rc, "%s: key row %llu", lf_file_path(x->a), (unsigned long long)rows[k]);
  }
  if (!rc && pages) *pages += n;
  return rc;
}

/* Rows of the keys passing q, ascending, in *rows (malloc'd). */
static int matching_keys(const lf_sidx *x, const lf_squery *q, uint64_t **rows, size_t *n) {
  *n = 0;
  *rows = malloc((x->keys.length ? x->keys.length : 1) * sizeof **rows);
  if (!*rows) return LF_NOMEM;
  for (uint64_t i = 0; i < x->keys.length; i++)
    if (row_passes(&x->keys, i, q)) (*rows)[(*n)++] = i;
  return LF_OK;
}

/* The rows of every key passing q (EQ .. ISNULL, HAS_ANY) added to out. */
static int keys_to_rows(lf_sidx *x, const lf_squery *q, lf_rowset *out, uint64_t *pages,
                        lf_error *err) {
  uint64_t *rows;
  size_t n;
  if (matching_keys(x, q, &rows, &n)) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = add_bitmaps(x, rows, n, out, pages, err);
  free(rows);
  return rc;
}

static int search_bitmap(lf_sidx *x, const lf_squery *q, lf_rowset *out, uint64_t *pages,
                         lf_error *err) {
  int labels = x->kind == LF_SIDX_LABEL_LIST;
  if (labels ? q->op != LF_SQ_HAS_ANY && q->op != LF_SQ_HAS_ALL : q->op > LF_SQ_ISNULL)
    return lf_err(err, LF_ARG, labels ? "a LABEL_LIST index answers array_has_any and array_has_all"
                                      : "a BITMAP index answers =, <, <=, >, >=, IN and IS NULL");
  if (q->op != LF_SQ_HAS_ALL) return keys_to_rows(x, q, out, pages, err);
  lf_rowset *acc = NULL; /* HAS_ALL: the rows holding each value, intersected */
  int rc = LF_OK;
  for (size_t k = 0; !rc && k < q->nvals; k++) {
    lf_squery one = {.op = LF_SQ_EQ, .v = q->vals[k]};
    lf_rowset *s = lf_rowset_new();
    if (!s) { rc = lf_err(err, LF_NOMEM, "out of memory"); break; }
    rc = keys_to_rows(x, &one, s, pages, err);
    if (!rc && acc) rc = lf_rowset_and(acc, s) ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
    if (acc) lf_rowset_free(s);
    else acc = s;
  }
  if (!rc && acc && lf_rowset_or(out, acc)) rc = lf_err(err, LF_NOMEM, "out of memory");
  lf_rowset_free(acc);
  return rc;
}

int lf_sidx_search(lf_sidx *x, const lf_squery *q, lf_rowset *out, uint64_t *pages_read,
                   lf_error *err) {
  return x->kind == LF_SIDX_BTREE ? search_btree(x, q, out, pages_read, err)
                                  : search_bitmap(x, q, out, pages_read, err);
}

/* ---- Values from JSON ---------------------------------------------------------------- */

void lf_svalues_reset(lf_svalues *s) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i].type == LF_SV_TEXT) free((void *)s->v[i].z);
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* A JSON number's text as an integer (when it is one and fits) or a double. */
static int json_number(lf_json *j, lf_svalue *v) {
  const uint8_t *b = j->p;
  if (lf_json_skip(j, 0)) return -1;
  size_t n = (size_t)(j->p - b);
  char buf[64];
  if (n >= sizeof buf) return -1;
  memcpy(buf, b, n);
  buf[n] = 0;
  char *end;
  errno = 0;
  long long i = strtoll(buf, &end, 10);
  if (!*end && !errno) {
    v->type = LF_SV_INT, v->i = i;
    return 0;
  }
  double d = strtod(buf, &end);
  if (*end || d != d) return -1;
  v->type = LF_SV_FLOAT, v->d = d;
  return 0;
}

static int json_item(void *ctx, lf_json *j) {
  lf_svalues *s = ctx;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    lf_svalue *nv = realloc(s->v, cap * sizeof *nv);
    if (!nv) return -2;
    s->v = nv, s->cap = cap;
  }
  lf_svalue *v = &s->v[s->n];
  memset(v, 0, sizeof *v);
  int c = lf_json_peek(j);
  if (c == 'n') {
    if (lf_json_lit(j, "null")) return -1;
  } else if (c == '"') {
    const uint8_t *z;
    size_t n;
    char *u;
    if (lf_json_str(j, &z, &n)) return -1;
    int r = lf_json_unescape(z, n, &u, &n);
    if (r) return r;
    v->type = LF_SV_TEXT, v->z = (const uint8_t *)u, v->n = n;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    if (json_number(j, v)) return -1;
  } else {
    return -1; /* objects, arrays, booleans */
  }
  s->n++;
  return 0;
}

int lf_svalues_from_json(const uint8_t *z, size_t n, lf_svalues *out, lf_error *err) {
  memset(out, 0, sizeof *out);
  lf_json j = {z, z + n};
  int r = lf_json_peek(&j) == '[' ? lf_json_array(&j, json_item, out) : -1;
  if (!r) r = lf_json_end(&j);
  if (r) {
    lf_svalues_reset(out);
    return r == -2 ? lf_err(err, LF_NOMEM, "out of memory")
                   : lf_err(err, LF_ARG, "not a JSON array of strings, numbers and nulls");
  }
  return LF_OK;
}

int lf_svalue_cmp(const lf_svalue *a, const lf_svalue *b) {
  if (a->type == LF_SV_NULL || b->type == LF_SV_NULL) return 2;
  if ((a->type == LF_SV_TEXT) != (b->type == LF_SV_TEXT)) return 2;
  if (a->type == LF_SV_TEXT) {
    int r = memcmp(a->z, b->z, a->n < b->n ? a->n : b->n);
    return r ? (r < 0 ? -1 : 1) : a->n < b->n ? -1 : a->n > b->n;
  }
  if (a->type == LF_SV_INT && b->type == LF_SV_INT) return a->i < b->i ? -1 : a->i > b->i;
  if (a->type == LF_SV_INT) return lf_cmp_i64_f64(a->i, b->d);
  if (b->type == LF_SV_INT) return -lf_cmp_i64_f64(b->i, a->d);
  return a->d < b->d ? -1 : a->d > b->d;
}
