/*
** writer.c: owns writing one Lance data file (versions 2.1 and 2.2):
** which columns a schema gets, shredding lf_array batches into per-column
** pages (write_page.c encodes them), and the file container around them.
**
** Columns: one per leaf field in pre-order (a fixed-size list is a leaf; a
** list's column is its item's; an empty struct has none), as decode.c maps
** them.  The DataFile lists each column's leaf field id and its index.
**
** File, in write order (lf_int.h section file.c has the reader's view):
**   page buffers, each at a 64-byte boundary, as pages fill up;
**   global buffers 1.. (64-byte aligned) where lf_writer_add_buffer put
**     them (between pages), e.g. an index file's IVF model;
**   global buffer 0 (64-byte aligned): FileDescriptor {1 Schema {1 Field..,
**     5 metadata}, 2 number of rows};
**   per column a ColumnMetadata: 1 encoding {2 direct {1 Any {1
**     "/lance.encodings.ColumnEncoding", 2 {1 values: {}}}}}, 2 per page
**     {1 packed buffer offsets, 2 packed buffer sizes, 3 rows, 4 encoding
**     {2 {1 Any {1 "/lance.encodings21.PageLayout", 2 layout}}}, 5 priority
**     (the page's first row)};
**   column metadata offsets (u64 position, u64 size per column);
**   global buffer offsets (position, size: buffer 0 then 1..);
**   footer: u64 column metadata start, u64 its offsets table, u64 global
**     buffer offsets table, u32 global buffers, u32 columns, u16 2, u16 minor, "LANC".
*/
#include "codec.h"
#include "lf_int.h"
#include "lf_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_ALIGN 64
#define DEFAULT_PAGE_BYTES ((size_t)8 << 20)

enum { N_LEAF = 0, N_STRUCT = 1, N_LIST = 2 };

typedef struct wcol {
  int top;                               /* top-level field index */
  int depth;                             /* nodes from the top-level field to the leaf */
  const lf_field *node[LF_MAX_LAYERS];
  uint8_t kind[LF_MAX_LAYERS];           /* N_* per node */
  uint8_t child[LF_MAX_LAYERS];          /* struct: child index taken */
  uint16_t cont_rep[LF_MAX_LAYERS];      /* list: repetition level of its continuations */
  lf_wpage pg;
  lf_buf pages;                          /* ColumnMetadata.pages so far */
  uint64_t rows_done;
} wcol;

struct lf_writer {
  lf_store *store;
  lf_wfile *wf;
  char *name;                            /* the DataFile path (relative to data/) */
  char *shown;                           /* in messages: data/<name>, or the store path */
  const lf_schema *schema;
  int minor;
  int ncols;
  wcol *cols;
  uint64_t rows;
  size_t page_bytes;
  lf_wenc enc;
  int failed;                            /* a write failed: only abort is left */
  uint64_t *gbufs;                       /* buffers 1..ngbufs: position, size */
  uint32_t ngbufs;
  lf_wqueue *q;                          /* the worker thread (write_async.c), or NULL */
};

/* ---- columns ------------------------------------------------------------- */

static int leaf_kind(lf_writer *w, wcol *c, const lf_field *f, lf_error *err) {
  lf_wpage *p = &c->pg;
  if (f->type == LF_T_FIXED_LIST) {
    const lf_field *it = f->n_children == 1 ? f->children[0] : NULL;
    int iw = it ? lf_type_width(it) : 0;
    if (!iw || it->type == LF_T_BOOL || f->fixed_size <= 0 || f->fixed_size > (1 << 20))
      return lf_err(err, LF_UNSUPPORTED, "%s: field '%s': writing %s is not supported",
                    w->shown, f->name, f->logical_type ? f->logical_type : "this fixed-size list");
    p->kind = LF_WV_FIXED;
    p->fsl_dim = (uint32_t)f->fixed_size;
    p->width = (uint32_t)(iw * f->fixed_size);
  } else if (lf_type_is_varwidth(f->type)) {
    p->kind = LF_WV_VAR;
    p->var64 = f->type == LF_T_LARGE_UTF8 || f->type == LF_T_LARGE_BINARY;
  } else if (f->type == LF_T_BOOL) {
    p->kind = LF_WV_BOOL;
    p->width = 1;
  } else if (lf_type_width(f) > 0 && !f->is_blob && !f->is_dict) {
    p->kind = LF_WV_FIXED;
    p->width = (uint32_t)lf_type_width(f);
  } else {
    return lf_err(err, LF_UNSUPPORTED, "%s: field '%s': writing %s columns is not supported",
                  w->shown, f->name, lf_type_name(f->type));
  }
  return LF_OK;
}

/* lance-encoding:dict-size-ratio, a decimal in (0, 1], in millionths; 0 when
** absent or not such a number (the default ratio then applies). */
static uint32_t dict_ratio(const lf_field *f) {
  size_t n = 0, i = 0;
  const char *v = lf_field_meta(f, "lance-encoding:dict-size-ratio", &n);
  uint64_t whole = 0, frac = 0, scale = 1000000;
  for (; v && i < n && v[i] >= '0' && v[i] <= '9' && whole < 2; i++) whole = whole * 10 + (uint64_t)(v[i] - '0');
  if (v && i < n && v[i] == '.')
    for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++)
      if (scale /= 10) frac += (uint64_t)(v[i] - '0') * scale;
  if (!v || i != n || n == 0) return 0;
  uint64_t r = whole * 1000000 + frac;
  return r > 0 && r <= 1000000 ? (uint32_t)r : 0;
}

/* The leaf's lance-encoding:compression and -level metadata. */
static void leaf_compression(lf_wpage *p, const lf_field *f) {
  size_t n = 0;
  const char *v = lf_field_meta(f, "lance-encoding:compression", &n);
  static const struct { const char *name; int comp; } names[] = {
      {"none", LF_WCOMP_NONE}, {"fsst", LF_WCOMP_FSST}, {"zstd", LF_GENERAL_ZSTD},
      {"lz4", LF_GENERAL_LZ4}};
  p->comp = LF_WCOMP_DEFAULT;
  for (size_t i = 0; v && i < sizeof names / sizeof *names; i++)
    if (n == strlen(names[i].name) && !memcmp(v, names[i].name, n)) p->comp = names[i].comp;
  v = lf_field_meta(f, "lance-encoding:compression-level", &n);
  p->comp_level = 0;
  for (size_t i = 0; v && i < n && i < 3 && v[i] >= '0' && v[i] <= '9'; i++)
    p->comp_level = p->comp_level * 10 + (v[i] - '0');
  p->dict_ratio = dict_ratio(f);
}

/* Close column c (its path node[0..depth) filled): layers and rep levels. */
static int add_column(lf_writer *w, wcol *tmpl, lf_error *err) {
  wcol *nc = realloc(w->cols, (size_t)(w->ncols + 1) * sizeof *nc);
  if (!nc) return lf_err(err, LF_NOMEM, "out of memory");
  w->cols = nc;
  wcol *c = &nc[w->ncols];
  *c = *tmpl;
  memset(&c->pg, 0, sizeof c->pg);
  memset(&c->pages, 0, sizeof c->pages);
  int rc = leaf_kind(w, c, c->node[c->depth - 1], err);
  if (rc) return rc;
  leaf_compression(&c->pg, c->node[c->depth - 1]);
  w->ncols++;
  lf_wpage *p = &c->pg;
  p->depth = c->depth;
  p->first_list = c->depth;
  for (int k = 0; k < c->depth; k++) {
    int j = c->depth - 1 - k;
    p->is_list[j] = c->kind[k] == N_LIST;
    if (p->is_list[j]) {
      p->max_rep++;
      if (j < p->first_list) p->first_list = j;
    }
  }
  for (int k = 0, q = 0; k < c->depth; k++)
    if (c->kind[k] == N_LIST) c->cont_rep[k] = (uint16_t)(p->max_rep - ++q);
  return LF_OK;
}

static int plan_field(lf_writer *w, wcol *t, const lf_field *f, int k, lf_error *err) {
  if (k >= LF_MAX_LAYERS)
    return lf_err(err, LF_UNSUPPORTED, "%s: field '%s' nests more than %d levels", w->shown,
                  f->name, LF_MAX_LAYERS);
  if (f->is_blob || f->is_packed)
    return lf_err(err, LF_UNSUPPORTED, "%s: field '%s': writing blob or packed columns is "
                  "not supported", w->shown, f->name);
  t->node[k] = f;
  t->depth = k + 1;
  if (f->type == LF_T_STRUCT) {
    t->kind[k] = N_STRUCT;
    for (int i = 0; i < f->n_children; i++) {
      t->child[k] = (uint8_t)i;
      int rc = plan_field(w, t, f->children[i], k + 1, err);
      if (rc) return rc;
    }
    return LF_OK;
  }
  if (f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST) {
    if (f->n_children != 1)
      return lf_err(err, LF_ARG, "%s: list field '%s' has %d children", w->shown, f->name,
                    f->n_children);
    t->kind[k] = N_LIST;
    return plan_field(w, t, f->children[0], k + 1, err);
  }
  t->kind[k] = N_LEAF;
  return add_column(w, t, err);
}

/* ---- open ------------------------------------------------------------------- */

static void writer_free(lf_writer *w) {
  if (!w) return;
  if (w->q) lf_wqueue_stop(w->q, 1, NULL);
  w->q = NULL;
  for (int i = 0; i < w->ncols; i++) {
    lf_wpage_reset(&w->cols[i].pg);
    lf_buf_reset(&w->cols[i].pages);
  }
  free(w->cols);
  free(w->gbufs);
  lf_wenc_reset(&w->enc);
  free(w->name);
  free(w->shown);
  free(w);
}

int lf_writer_open_path(lf_store *s, const char *path, const lf_schema *schema, int major,
                        int minor, lf_writer **out, lf_error *err) {
  *out = NULL;
  if (major != 2 || (minor != 1 && minor != 2))
    return lf_err(err, LF_UNSUPPORTED, "%s: writing Lance file version %d.%d is not "
                  "supported (2.1 and 2.2 are)", path, major, minor);
  lf_writer *w = calloc(1, sizeof *w);
  if (!w || !(w->name = lf_strndup(path, strlen(path))) ||
      !(w->shown = lf_strndup(path, strlen(path)))) {
    if (w) free(w->name);
    free(w);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  w->store = s;
  w->schema = schema;
  w->minor = minor;
  w->page_bytes = DEFAULT_PAGE_BYTES;
  int rc = LF_OK;
  for (int i = 0; !rc && i < schema->n_fields; i++) {
    wcol t;
    memset(&t, 0, sizeof t);
    t.top = i;
    rc = plan_field(w, &t, schema->fields[i], 0, err);
  }
  if (!rc) rc = s->create(s, path, &w->wf, err);
  if (rc) {
    writer_free(w);
    return rc;
  }
  *out = w;
  return LF_OK;
}

int lf_writer_open(lf_store *s, const char *root, const char *name, const lf_schema *schema,
                   int major, int minor, lf_writer **out, lf_error *err) {
  char *rel = malloc(strlen(name) + 6), *path = NULL;
  if (rel) sprintf(rel, "data/%s", name);
  if (!rel || !(path = lf_path_join(root, rel))) {
    free(rel);
    *out = NULL;
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  int rc = lf_writer_open_path(s, path, schema, major, minor, out, err);
  if (*out) { /* the DataFile path is the bare name; messages say data/<name> */
    free((*out)->name);
    free((*out)->shown);
    (*out)->shown = rel;
    rel = NULL;
    if (!((*out)->name = lf_strndup(name, strlen(name)))) {
      lf_writer_abort(*out);
      *out = NULL;
      rc = lf_err(err, LF_NOMEM, "out of memory");
    }
  }
  free(rel);
  free(path);
  return rc;
}

void lf_writer_set_page_bytes(lf_writer *w, size_t n) { w->page_bytes = n ? n : 1; }
uint64_t lf_writer_rows(const lf_writer *w) { return w->rows; }
uint64_t lf_writer_bytes(const lf_writer *w) {
  uint64_t n = w->wf ? w->wf->written : 0;
  for (int i = 0; i < w->ncols; i++) {
    const lf_wpage *p = &w->cols[i].pg;
    n += p->vals.len + p->offs.len / 2 + p->ev.len / 4;
  }
  return n;
}

/* ---- pages ------------------------------------------------------------------- */

static int put(lf_writer *w, const void *d, size_t n, lf_error *err) {
  return n ? w->wf->write(w->wf, d, n, err) : LF_OK;
}

static int pad_to(lf_writer *w, size_t align, lf_error *err) {
  static const uint8_t zeros[PAGE_ALIGN];
  size_t r = (size_t)(w->wf->written % align);
  return r ? put(w, zeros, align - r, err) : LF_OK;
}

/* An Encoding {2 direct {1 Any {1 type_url, 2 value}}} at field num. */
static void put_encoding(lf_buf *b, uint32_t num, const char *url, const lf_buf *value) {
  size_t m = lf_pbw_begin(b), d = lf_pbw_begin(b), a = lf_pbw_begin(b);
  lf_pbw_str(b, 1, url);
  lf_pbw_bytes(b, 2, value->p, value->len);
  lf_pbw_end(b, 1, a);
  lf_pbw_end(b, 2, d);
  lf_pbw_end(b, num, m);
}

static int flush_page(lf_writer *w, wcol *c, lf_error *err) {
  lf_wpage *p = &c->pg;
  if (!p->n_rows) return LF_OK;
  lf_wenc *e = &w->enc;
  int rc = lf_wpage_encode(p, w->minor, e, err);
  uint64_t off[4], len[4];
  for (int i = 0; !rc && i < e->nbuf; i++) {
    if ((rc = pad_to(w, PAGE_ALIGN, err))) break;
    off[i] = w->wf->written;
    len[i] = e->bufs[i].len;
    rc = put(w, e->bufs[i].p, e->bufs[i].len, err);
  }
  if (rc) return lf_err_prefix(err, rc, "%s: column %d", w->shown, (int)(c - w->cols));
  lf_buf *b = &c->pages;
  size_t m = lf_pbw_begin(b);
  lf_pbw_packed_u64(b, 1, off, (size_t)e->nbuf);
  lf_pbw_packed_u64(b, 2, len, (size_t)e->nbuf);
  lf_pbw_uint(b, 3, p->n_rows);
  put_encoding(b, 4, "/lance.encodings21.PageLayout", &e->layout);
  lf_pbw_uint_nz(b, 5, c->rows_done);
  lf_pbw_end(b, 2, m);
  if (b->rc) return lf_err(err, LF_NOMEM, "out of memory");
  c->rows_done += p->n_rows;
  lf_wpage_clear(p);
  return LF_OK;
}

static size_t page_size(const lf_wpage *p) {
  return p->vals.len + p->offs.len + p->rep.len + p->ev.len;
}

/* ---- checking a batch ----------------------------------------------------------- */

/* Does array a fit field f for rows [0, n)?  LF_ARG (or LF_UNSUPPORTED) naming
** the field when not; nothing has been written then. */
static int check_array(lf_writer *w, const lf_field *f, const lf_array *a, uint64_t n,
                       lf_error *err) {
  const char *fn = f->name;
  if (a->length < n)
    return lf_err(err, LF_ARG, "%s: field '%s': array has %llu rows, expected %llu", w->shown,
                  fn, (unsigned long long)a->length, (unsigned long long)n);
  if (a->valid && !f->nullable)
    for (uint64_t i = 0; i < n; i++)
      if (!a->valid[i])
        return lf_err(err, LF_ARG, "%s: field '%s' is not nullable but row %llu is null",
                      w->shown, fn, (unsigned long long)i);
  int nch = f->type == LF_T_STRUCT || f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST ||
            f->type == LF_T_FIXED_LIST ? f->n_children : 0;
  if (a->n_children < nch)
    return lf_err(err, LF_ARG, "%s: field '%s': array has %d children, the field %d",
                  w->shown, fn, a->n_children, nch);
  int rc = LF_OK;
  if (f->type == LF_T_STRUCT) {
    for (int i = 0; !rc && i < nch; i++) rc = check_array(w, f->children[i], &a->children[i], n, err);
  } else if (f->type == LF_T_FIXED_LIST) {
    uint64_t items = n * (uint64_t)f->fixed_size;
    const lf_array *ch = &a->children[0];
    if (ch->length < items || (items && !ch->values))
      return lf_err(err, LF_ARG, "%s: field '%s': %llu rows of a fixed-size list of %lld "
                    "need %llu items, the array has %llu", w->shown, fn, (unsigned long long)n,
                    (long long)f->fixed_size, (unsigned long long)items,
                    (unsigned long long)ch->length);
    for (uint64_t i = 0; ch->valid && i < items; i++) /* the items of null rows do not count */
      if (!ch->valid[i] && !lf_array_is_null(a, i / (uint64_t)f->fixed_size))
        return lf_err(err, LF_UNSUPPORTED, "%s: field '%s': null items inside a fixed-size "
                      "list are not supported", w->shown, fn);
  } else if (nch || lf_type_is_varwidth(f->type)) { /* list or var-width: offsets */
    uint64_t lim = nch ? a->children[0].length : a->data_len;
    if (!a->offsets && n) return lf_err(err, LF_ARG, "%s: field '%s' has no offsets", w->shown, fn);
    for (uint64_t i = 0; i < n; i++)
      if (a->offsets[i] > a->offsets[i + 1] || a->offsets[i + 1] > lim)
        return lf_err(err, LF_ARG, "%s: field '%s': offsets of row %llu are out of order or "
                      "past the end (%llu)", w->shown, fn, (unsigned long long)i,
                      (unsigned long long)lim);
    if (nch) rc = check_array(w, f->children[0], &a->children[0], n ? a->offsets[n] : 0, err);
  } else if (n && !a->values) {
    return lf_err(err, LF_ARG, "%s: field '%s': array has no values", w->shown, fn);
  }
  return rc;
}

/* ---- shredding rows into level entries and values ---------------------------------- */

static void push_level(lf_wpage *p, uint16_t rep, uint16_t ev) {
  if (p->max_rep) lf_buf_u16le(&p->rep, rep);
  lf_buf_u16le(&p->ev, ev);
  p->n_levels++;
}

/* A visible null: an empty value slot. */
static void push_null_value(lf_wpage *p) {
  if (p->kind == LF_WV_VAR) lf_buf_u64le(&p->offs, p->vals.len);
  else lf_buf_zeros(&p->vals, p->width);
  p->n_vals++;
}

static void push_value(lf_wpage *p, const lf_array *a, uint64_t i) {
  if (p->kind == LF_WV_VAR) {
    uint64_t len = a->offsets[i + 1] - a->offsets[i];
    lf_buf_put(&p->vals, a->data + a->offsets[i], (size_t)len);
    lf_buf_u64le(&p->offs, p->vals.len);
    if (len > p->max_len) p->max_len = len;
  } else if (p->kind == LF_WV_BOOL) {
    lf_buf_u8(&p->vals, a->values[i] != 0);
  } else if (p->fsl_dim) {
    lf_buf_put(&p->vals, a->children[0].values + i * p->width, p->width);
  } else {
    lf_buf_put(&p->vals, a->values + i * p->width, p->width);
  }
  p->n_vals++;
  p->n_valid++;
}

/* Row/item i of a (node k of column c) with repetition level r. */
static void shred(wcol *c, const lf_array *a, int k, uint64_t i, uint16_t r) {
  lf_wpage *p = &c->pg;
  int j = c->depth - 1 - k;
  if (a->valid && !a->valid[i]) {
    push_level(p, r, (uint16_t)(1 + 2 * j));
    p->seen_null |= 1u << j;
    if (j < p->first_list) push_null_value(p);
    return;
  }
  if (c->kind[k] == N_STRUCT) {
    shred(c, &a->children[c->child[k]], k + 1, i, r);
  } else if (c->kind[k] == N_LIST) {
    uint64_t s = a->offsets[i], e = a->offsets[i + 1];
    if (s == e) {
      push_level(p, r, (uint16_t)(2 + 2 * j));
      p->seen_empty |= 1u << j;
    }
    for (uint64_t t = s; t < e; t++) shred(c, &a->children[0], k + 1, t, t == s ? r : c->cont_rep[k]);
  } else {
    push_level(p, r, 0);
    push_value(p, a, i);
  }
}

/* With a worker, w->failed is the worker's (its errors stay in the queue). */
static int check_batch(lf_writer *w, const lf_array *cols, uint64_t n, lf_error *err) {
  if (!w->q && w->failed) return lf_err(err, LF_ARG, "%s: an earlier write failed", w->shown);
  int rc = LF_OK;
  for (int i = 0; !rc && i < w->schema->n_fields; i++)
    rc = check_array(w, w->schema->fields[i], &cols[i], n, err);
  return rc;
}

int lf_writer_write_rows(lf_writer *w, const lf_array *cols, uint64_t n, lf_error *err) {
  int rc = w->failed ? lf_err(err, LF_ARG, "%s: an earlier write failed", w->shown) : LF_OK;
  for (int ci = 0; !rc && ci < w->ncols; ci++) {
    wcol *c = &w->cols[ci];
    for (uint64_t r = 0; !rc && r < n; r++) {
      shred(c, &cols[c->top], 0, r, (uint16_t)c->pg.max_rep);
      c->pg.n_rows++;
      if (page_size(&c->pg) >= w->page_bytes) rc = flush_page(w, c, err);
    }
  }
  if (rc) {
    w->failed = 1;
    return rc;
  }
  w->rows += n;
  return LF_OK;
}

int lf_writer_write(lf_writer *w, const lf_array *cols, uint64_t n, lf_error *err) {
  int rc = check_batch(w, cols, n, err);
  return rc ? rc : lf_writer_write_rows(w, cols, n, err);
}

int lf_writer_start_worker(lf_writer *w, lf_error *err) {
  return w->q ? LF_OK : lf_wqueue_start(w, w->schema, &w->q, err);
}

int lf_writer_submit(lf_writer *w, lf_array *cols, uint64_t n, lf_error *err) {
  int rc = check_batch(w, cols, n, err);
  if (rc || !w->q) return rc ? rc : lf_writer_write_rows(w, cols, n, err);
  return lf_wqueue_submit(w->q, cols, n, err);
}

/* ---- finishing the file -------------------------------------------------------------- */

static int put_u64s(lf_writer *w, const uint64_t *v, size_t n, lf_error *err) {
  lf_buf b = {0};
  for (size_t i = 0; i < n; i++) lf_buf_u64le(&b, v[i]);
  int rc = b.rc ? lf_err(err, LF_NOMEM, "out of memory") : put(w, b.p, b.len, err);
  lf_buf_reset(&b);
  return rc;
}

/* Global buffer 0 (the FileDescriptor); gb = its position and size. */
static int put_descriptor(lf_writer *w, uint64_t gb[2], lf_error *err) {
  lf_buf b = {0};
  size_t m = lf_pbw_begin(&b);
  lf_schema_encode(w->schema, &b);
  lf_pbw_end(&b, 1, m);
  lf_pbw_uint_nz(&b, 2, w->rows); /* proto3: 0 rows left out, as LanceDB writes it */
  int rc = b.rc ? lf_err(err, LF_NOMEM, "out of memory") : pad_to(w, PAGE_ALIGN, err);
  gb[0] = w->wf->written;
  gb[1] = b.len;
  if (!rc) rc = put(w, b.p, b.len, err);
  lf_buf_reset(&b);
  return rc;
}

/* Column metadata, one after the other; tab = (position, size) per column. */
static int put_columns(lf_writer *w, uint64_t *tab, lf_error *err) {
  lf_buf b = {0}, none = {0}, ce = {0};
  size_t m = lf_pbw_begin(&ce);
  lf_pbw_end(&ce, 1, m); /* ColumnEncoding {1 values: {}} */
  int rc = ce.rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
  for (int i = 0; !rc && i < w->ncols; i++) {
    lf_buf_clear(&b);
    put_encoding(&b, 1, "/lance.encodings.ColumnEncoding", &ce);
    lf_buf_put(&b, w->cols[i].pages.p, w->cols[i].pages.len);
    tab[2 * i] = w->wf->written;
    tab[2 * i + 1] = b.len;
    rc = b.rc ? lf_err(err, LF_NOMEM, "out of memory") : put(w, b.p, b.len, err);
  }
  lf_buf_reset(&b);
  lf_buf_reset(&none);
  lf_buf_reset(&ce);
  return rc;
}

int lf_writer_add_buffer(lf_writer *w, const void *p, size_t n, uint32_t *index, lf_error *err) {
  uint64_t *g = realloc(w->gbufs, ((size_t)w->ngbufs + 1) * 2 * sizeof *g);
  if (!g) return lf_err(err, LF_NOMEM, "out of memory");
  w->gbufs = g;
  int rc = pad_to(w, PAGE_ALIGN, err);
  g[2 * w->ngbufs] = w->wf->written;
  g[2 * w->ngbufs + 1] = n;
  if (!rc) rc = put(w, p, n, err);
  if (rc) return w->failed = 1, rc;
  *index = ++w->ngbufs;
  return LF_OK;
}

static int put_tail(lf_writer *w, lf_error *err) {
  uint64_t gb[2], *tab = malloc(((size_t)w->ncols + 1) * 16);
  if (!tab) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = put_descriptor(w, gb, err);
  uint64_t cms = w->wf->written;
  if (!rc) rc = put_columns(w, tab, err);
  uint64_t cmo = w->wf->written;
  if (!rc) rc = put_u64s(w, tab, (size_t)w->ncols * 2, err);
  uint64_t gbo = w->wf->written;
  if (!rc) rc = put_u64s(w, gb, 2, err);
  if (!rc && w->ngbufs) rc = put_u64s(w, w->gbufs, (size_t)w->ngbufs * 2, err);
  free(tab);
  lf_buf f = {0};
  lf_buf_u64le(&f, cms);
  lf_buf_u64le(&f, cmo);
  lf_buf_u64le(&f, gbo);
  lf_buf_u32le(&f, 1 + w->ngbufs);
  lf_buf_u32le(&f, (uint32_t)w->ncols);
  lf_buf_u16le(&f, 2);
  lf_buf_u16le(&f, (uint16_t)w->minor);
  lf_buf_put(&f, "LANC", 4);
  if (!rc) rc = f.rc ? lf_err(err, LF_NOMEM, "out of memory") : put(w, f.p, f.len, err);
  lf_buf_reset(&f);
  return rc;
}

static int fill_data_file(lf_writer *w, lf_data_file *df, lf_error *err) {
  memset(df, 0, sizeof *df);
  df->path = lf_strndup(w->name, strlen(w->name));
  df->fields = malloc(((size_t)w->ncols + 1) * sizeof *df->fields);
  df->column_indices = malloc(((size_t)w->ncols + 1) * sizeof *df->column_indices);
  if (!df->path || !df->fields || !df->column_indices) {
    lf_data_file_reset(df);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  df->n_fields = df->n_columns = w->ncols;
  for (int i = 0; i < w->ncols; i++) {
    df->fields[i] = w->cols[i].node[w->cols[i].depth - 1]->id;
    df->column_indices[i] = i;
  }
  df->major = 2;
  df->minor = (uint32_t)w->minor;
  return LF_OK;
}

int lf_writer_finish(lf_writer *w, lf_data_file *df, lf_error *err) {
  int rc = w->q ? lf_wqueue_stop(w->q, 0, err) : LF_OK;
  w->q = NULL;
  if (!rc && w->failed) rc = lf_err(err, LF_ARG, "%s: an earlier write failed", w->shown);
  for (int i = 0; !rc && i < w->ncols; i++) rc = flush_page(w, &w->cols[i], err);
  if (!rc) rc = put_tail(w, err);
  uint64_t size = w->wf->written;
  if (!rc) rc = fill_data_file(w, df, err);
  if (rc) {
    lf_writer_abort(w);
    return rc;
  }
  df->size_bytes = size;
  rc = w->wf->finish(w->wf, err);
  w->wf = NULL;
  if (rc) lf_data_file_reset(df);
  writer_free(w);
  return rc;
}

void lf_writer_abort(lf_writer *w) {
  if (!w) return;
  if (w->q) lf_wqueue_stop(w->q, 1, NULL); /* before the file goes */
  w->q = NULL;
  if (w->wf) w->wf->abort(w->wf);
  w->wf = NULL;
  writer_free(w);
}

void lf_data_file_reset(lf_data_file *df) {
  if (!df) return;
  free(df->path);
  free(df->fields);
  free(df->column_indices);
  memset(df, 0, sizeof *df);
}

/* ---- names ------------------------------------------------------------------------- */

/* 24 random binary digits then 26 random hex digits, as LanceDB names its
** data files (lf_random_u64: getrandom, clock-seeded if that fails). */
void lf_data_file_name(char *buf, size_t cap) {
  uint8_t r[56];
  for (size_t i = 0; i < sizeof r; i += 8) {
    uint64_t x = lf_random_u64();
    for (int k = 0; k < 8; k++) r[i + (size_t)k] = (uint8_t)(x >> (8 * k));
  }
  char name[64];
  for (int i = 0; i < 24; i++) name[i] = (char)('0' + (r[i] & 1));
  for (int i = 0; i < 26; i++) name[24 + i] = "0123456789abcdef"[r[24 + i] & 15];
  memcpy(name + 50, ".lance", 7);
  if (cap) snprintf(buf, cap, "%s", name);
}
