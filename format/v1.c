/*
** v1.c: owns reading legacy Lance files: the "v1" layout of footer versions
** 0.1 and 0.2 (LanceDB's storage version "legacy"), written by the
** lance-file "previous" writer.  All integers are little-endian.
**
**   [pages][page table][statistics][dictionary values][manifest][metadata][footer]
**
** footer, the last 16 bytes: u64 metadata position, u16 major (0), u16 minor
**   (2; 1 in the oldest files), "LANC".
** metadata: u32 length, then a lance.file.Metadata message (file.proto):
**   1 manifest_position  u64: where the file's own manifest is (0: none)
**   2 batch_offsets      repeated int32: 0, end row of batch 0, ..., rows
**   3 page_table_position u64
**   5 statistics         per-page statistics (not used here)
** manifest: u32 length, then a lance.table.Manifest message of which only
**   the schema is used (1 repeated Field, 5 schema metadata; schema.c).  A
**   Field adds 7 encoding (1 plain, 2 var-binary, 3 dictionary, 4 RLE) and
**   8 dictionary {1 offset, 2 length}.  LanceDB writes this manifest into
**   every data file of a dataset, dictionary offsets pointing into the file.
** page table: for each field id from the schema's smallest to its largest
**   (ids the file lacks included), for each batch: i64 position, i64 length.
**   (0, 0) where there is no page (a struct, an id not in the file).
** pages, one per (field, batch), by the field's type:
**   fixed width (ints, floats, dates, times, timestamps, durations, decimals,
**     fixed_size_binary): `length` values back to back.  No validity: a
**     null was written as whatever bytes its slot held, and reads back so.
**   bool: an LSB-first bitmap of `length` bits (nulls written as false).
**   fixed_size_list<T>: `length` * dim items of T laid out as above.
**   var-binary (utf8, binary, large_*): the value bytes, then, at
**     `position`, `length` + 1 i64 absolute file offsets (start of value 0,
**     end of each value).  In a nullable field an empty value reads as null.
**   dictionary: `length` keys of the field's index type; the values are the
**     field's dictionary: a var-binary page (empty = null) or an integer page
**     of dictionary.length values whose position is dictionary.offset.
**   list / large_list: `length` = rows + 1 i32 / i64 positions, counted
**     from the batch's first item, into the child field's page of the same
**     batch.  No validity: a null list reads as what its positions span.
**   struct: no page and no validity; its children have their own pages.
**   null: no bytes; `length` rows.
** Rows are read straight from the file at each call: nothing is cached but
** the page table and each dictionary, loaded on first use.
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

#define V1_FOOTER_LEN 16

typedef struct v1_state {
  uint64_t nbatch;
  uint64_t *batch_off;   /* nbatch + 1 row offsets */
  int32_t min_id;
  uint64_t nids;         /* field ids the page table covers */
  uint8_t *pt;           /* the page table: nids * nbatch (pos, len) pairs */
  lf_block *dicts;       /* per field id - min_id: dictionary values */
  uint8_t *dict_done;
} v1_state;

void lf_v1_free(lf_file *f) {
  v1_state *s = f->v1;
  if (!s) return;
  for (uint64_t i = 0; s->dicts && i < s->nids; i++) lf_block_reset(&s->dicts[i]);
  free(s->dicts);
  free(s->dict_done);
  free(s->batch_off);
  free(s->pt);
  free(s);
  f->v1 = NULL;
}

/* A u32-length-prefixed protobuf message at pos (*out malloc'd). */
static int read_message(lf_file *f, uint64_t pos, const char *what, uint8_t **out,
                        uint64_t *len, lf_error *err) {
  uint8_t *p;
  int rc = lf_file_read(f, pos, 4, &p, what, err);
  if (rc) return rc;
  *len = lf_le32(p);
  free(p);
  return lf_file_read(f, pos + 4, *len, out, what, err);
}

typedef struct v1_meta {
  uint64_t manifest_pos, page_table_pos;
  uint64_t *batch;
  size_t nbatch, cap;
} v1_meta;

static int parse_metadata(lf_file *f, const uint8_t *d, size_t n, v1_meta *m, lf_error *err) {
  lf_pb pb;
  lf_pb_field fl;
  int r, rc;
  lf_pb_init(&pb, d, n);
  while ((r = lf_pb_next(&pb, &fl, "metadata", err)) > 0) {
    if (fl.num == 1 && fl.wire == 0) m->manifest_pos = fl.u;
    else if (fl.num == 3 && fl.wire == 0) m->page_table_pos = fl.u;
    else if (fl.num == 2 && (rc = lf_pb_append_u64s(&fl, &m->batch, &m->nbatch, &m->cap, err)))
      return lf_err_prefix(err, rc, "%s: metadata", f->path);
  }
  if (r < 0) return lf_err_prefix(err, LF_CORRUPT, "%s", f->path);
  for (size_t i = 0; i < m->nbatch; i++)
    if (m->batch[i] > INT32_MAX || (i ? m->batch[i] < m->batch[i - 1] : m->batch[i] != 0))
      return lf_err(err, LF_CORRUPT, "%s: batch offset %zu (%lld) is out of order", f->path, i,
                    (long long)m->batch[i]);
  return LF_OK;
}

/* The schema from the file's own manifest. */
static int read_schema(lf_file *f, uint64_t pos, lf_error *err) {
  if (pos == 0)
    return lf_err(err, LF_UNSUPPORTED, "%s: legacy (v1) Lance file without its own schema "
                  "(no manifest in the file) is not supported", f->path);
  uint8_t *d;
  uint64_t n;
  int rc = read_message(f, pos, "manifest", &d, &n, err);
  if (rc) return rc;
  rc = lf_schema_parse_fields(&f->schema, d, n, err);
  free(d);
  return rc ? lf_err_prefix(err, rc, "%s: schema", f->path) : LF_OK;
}

/* The page table: every field id of the schema, every batch. */
static int read_page_table(lf_file *f, v1_state *s, uint64_t pos, lf_error *err) {
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (int i = 0; i < f->schema.n_all; i++) {
    int32_t id = f->schema.all[i]->id;
    if (id == -1) continue; /* synthesized fixed-size-list items */
    if (id < 0) return lf_err(err, LF_CORRUPT, "%s: field id %d", f->path, id);
    lo = id < lo ? id : lo;
    hi = id > hi ? id : hi;
  }
  if (lo > hi || s->nbatch == 0) return LF_OK; /* nothing to look up */
  s->min_id = lo;
  s->nids = (uint64_t)hi - (uint64_t)lo + 1;
  if (s->nids > f->size / 16 || s->nbatch > f->size / 16 / s->nids)
    return lf_err(err, LF_CORRUPT, "%s: page table of %llu fields x %llu batches exceeds the file",
                  f->path, (unsigned long long)s->nids, (unsigned long long)s->nbatch);
  s->dicts = calloc(s->nids, sizeof *s->dicts);
  s->dict_done = calloc(s->nids, 1);
  if (!s->dicts || !s->dict_done) return lf_err(err, LF_NOMEM, "out of memory");
  return lf_file_read(f, pos, s->nids * s->nbatch * 16, &s->pt, "page table", err);
}

int lf_v1_open(lf_file *f, const uint8_t *footer, lf_error *err) {
  v1_meta m = {0};
  uint8_t *d = NULL;
  uint64_t n = 0, meta_pos = lf_le64(footer);
  v1_state *s = calloc(1, sizeof *s);
  if (!s) return lf_err(err, LF_NOMEM, "out of memory");
  f->v1 = s;
  f->is_v1 = 1;
  int rc = meta_pos > f->size - V1_FOOTER_LEN
               ? lf_err(err, LF_CORRUPT, "%s: metadata position %llu is outside the file",
                        f->path, (unsigned long long)meta_pos)
               : read_message(f, meta_pos, "metadata", &d, &n, err);
  if (!rc) rc = parse_metadata(f, d, n, &m, err);
  free(d);
  if (!rc) rc = read_schema(f, m.manifest_pos, err);
  if (!rc && m.nbatch) {
    s->nbatch = m.nbatch - 1;
    s->batch_off = m.batch;
    m.batch = NULL;
    f->num_rows = s->batch_off[s->nbatch];
  }
  if (!rc) rc = read_page_table(f, s, m.page_table_pos, err);
  free(m.batch);
  return rc;
}

/* ---- Reading rows ---------------------------------------------------------------- */

typedef struct v1_read {
  lf_file *f;
  v1_state *s;
  uint64_t batch;
} v1_read;

/* Position and length of field fd's page in the current batch. */
static int page_of(const v1_read *r, const lf_field *fd, uint64_t *pos, uint64_t *len,
                   lf_error *err) {
  const v1_state *s = r->s;
  if (fd->id < s->min_id || (uint64_t)(fd->id - s->min_id) >= s->nids)
    return lf_err(err, LF_CORRUPT, "field '%s' (id %d) is not in the page table", fd->name,
                  fd->id);
  const uint8_t *e = s->pt + (((uint64_t)(fd->id - s->min_id)) * s->nbatch + r->batch) * 16;
  *pos = lf_le64(e);
  *len = lf_le64(e + 8);
  if (*pos > r->f->size || *len > INT64_MAX)
    return lf_err(err, LF_CORRUPT, "field '%s' batch %llu: page at %llu of %lld values is "
                  "outside the file", fd->name, (unsigned long long)r->batch,
                  (unsigned long long)*pos, (long long)*len);
  return LF_OK;
}

/* Read items [r0, r1) of `width`-byte values at pos (a page of len items)
** as a FIXED block. */
static int read_fixed(lf_file *f, uint64_t pos, uint64_t len, uint64_t width, uint64_t r0,
                      uint64_t r1, lf_block *out, lf_error *err) {
  if (r1 > len || (width && r1 > UINT64_MAX / 8 / width))
    return lf_err(err, LF_CORRUPT, "rows [%llu, %llu) outside a page of %llu values",
                  (unsigned long long)r0, (unsigned long long)r1, (unsigned long long)len);
  out->kind = LF_BLK_FIXED;
  out->bits = width * 8;
  out->n = r1 - r0;
  out->data_len = (r1 - r0) * width;
  return lf_file_read(f, pos + r0 * width, out->data_len, &out->data, "page", err);
}

/* Read bits [r0 * dim, r1 * dim) of a bitmap page as a FIXED block of
** `dim`-bit values starting at value *i0 (the read starts at a byte). */
static int read_bits(lf_file *f, uint64_t pos, uint64_t len, uint64_t dim, uint64_t r0,
                     uint64_t r1, lf_block *out, uint64_t *i0, lf_error *err) {
  if (r1 > len || r1 > UINT64_MAX / dim - 8)
    return lf_err(err, LF_CORRUPT, "rows [%llu, %llu) outside a page of %llu values",
                  (unsigned long long)r0, (unsigned long long)r1, (unsigned long long)len);
  uint64_t first = r0 & ~(uint64_t)7; /* first * dim bits is a whole number of bytes */
  *i0 = r0 - first;
  out->kind = LF_BLK_FIXED;
  out->bits = dim;
  out->n = r1 - first;
  out->data_len = ((r1 - first) * dim + 7) / 8;
  return lf_file_read(f, pos + first * dim / 8, out->data_len, &out->data, "page", err);
}

int lf_v1_positions(const uint8_t *p, uint64_t n, int width, uint64_t *out, lf_error *err) {
  for (uint64_t i = 0; i < n; i++) {
    uint64_t v = lf_le(p + i * (uint64_t)width, (unsigned)width);
    if (width == 4) v = (uint64_t)(int64_t)(int32_t)v;
    if (v > INT64_MAX || (i && v < out[i - 1]))
      return lf_err(err, LF_CORRUPT, "position %llu (%lld) is negative or goes backwards",
                    (unsigned long long)i, (long long)v);
    out[i] = v;
  }
  return LF_OK;
}

/* Positions [r0, r1] of a positions page (width 4 or 8) of len entries. */
static int read_positions(lf_file *f, uint64_t pos, uint64_t len, int width, uint64_t r0,
                          uint64_t r1, uint64_t **out, lf_error *err) {
  uint8_t *p = NULL;
  *out = NULL;
  if (r1 >= len)
    return lf_err(err, LF_CORRUPT, "rows [%llu, %llu) need %llu positions, the page has %llu",
                  (unsigned long long)r0, (unsigned long long)r1, (unsigned long long)r1 + 1,
                  (unsigned long long)len);
  if (r1 >= f->size) /* each position takes bytes of the file: r1 * width stays in range */
    return lf_err(err, LF_CORRUPT, "positions up to %llu are outside the file (%llu bytes)",
                  (unsigned long long)r1, (unsigned long long)f->size);
  int rc = lf_file_read(f, pos + r0 * (uint64_t)width, (r1 - r0 + 1) * (uint64_t)width, &p,
                        "positions", err);
  if (!rc && !(*out = malloc((r1 - r0 + 1) * sizeof **out)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = lf_v1_positions(p, r1 - r0 + 1, width, *out, err);
  free(p);
  if (rc) free(*out), *out = NULL;
  return rc;
}

/* Values [r0, r1) of a var-binary page (positions at pos, len values) as a
** VARIABLE block; with `empty_null`, empty values get valid = 0. */
static int read_varbinary(lf_file *f, uint64_t pos, uint64_t len, uint64_t r0, uint64_t r1,
                          int empty_null, lf_block *out, lf_error *err) {
  if (r1 > len || len == UINT64_MAX)
    return lf_err(err, LF_CORRUPT, "rows [%llu, %llu) outside a page of %llu values",
                  (unsigned long long)r0, (unsigned long long)r1, (unsigned long long)len);
  uint64_t n = r1 - r0, *p = NULL;
  int rc = read_positions(f, pos, len + 1, 8, r0, r1, &p, err);
  if (rc) return rc;
  out->kind = LF_BLK_VARIABLE;
  out->n = n;
  out->offsets = p;
  rc = lf_file_read(f, p[0], p[n] - p[0], &out->data, "values", err);
  for (uint64_t i = n + 1; i-- > 0;) p[i] -= p[0];
  out->data_len = p[n];
  if (!rc && empty_null) {
    if (!(out->valid = malloc(n + 1))) return lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++) out->valid[i] = p[i + 1] != p[i];
  }
  return rc;
}

/* Append items [i0, i0 + n) of b to leaf array a as its next n rows, null
** where b->valid says so. */
static int append_leaf(lf_array *a, const lf_block *b, uint64_t i0, uint64_t n, lf_error *err) {
  if (lf_array_push_valid(a, b->valid ? b->valid + i0 : NULL, n))
    return lf_err(err, LF_NOMEM, "out of memory");
  int rc = lf_append_values(a, b, i0, n, err);
  a->length += n;
  return rc;
}

/* Field fd's dictionary values, read on first use. */
static int load_dict(const v1_read *r, const lf_field *fd, const lf_block **out, lf_error *err) {
  v1_state *s = r->s;
  uint64_t k = (uint64_t)(fd->id - s->min_id); /* checked by page_of */
  lf_block *d = &s->dicts[k];
  if (!s->dict_done[k]) {
    uint64_t pos = (uint64_t)fd->dict_offset, len = (uint64_t)fd->dict_length;
    lf_field vt = {.type = fd->type};
    int rc = fd->dict_offset < 0 || fd->dict_length < 0
                 ? lf_err(err, LF_CORRUPT, "negative position %lld or length %lld",
                          (long long)fd->dict_offset, (long long)fd->dict_length)
             : lf_type_is_varwidth(fd->type) ? read_varbinary(r->f, pos, len, 0, len, 1, d, err)
             : fd->type >= LF_T_INT8 && fd->type <= LF_T_UINT64
                 ? read_fixed(r->f, pos, len, (uint64_t)lf_type_width(&vt), 0, len, d, err)
                 : lf_err(err, LF_UNSUPPORTED, "dictionary of %s values", lf_type_name(fd->type));
    if (rc) {
      lf_block_reset(d);
      return lf_err_prefix(err, rc, "dictionary");
    }
    s->dict_done[k] = 1;
  }
  *out = d;
  return LF_OK;
}

static int read_dict_leaf(const v1_read *r, const lf_field *fd, uint64_t pos, uint64_t len,
                          uint64_t r0, uint64_t r1, lf_array *a, lf_error *err) {
  const lf_block *dict = NULL;
  lf_block keys = {0};
  lf_field it = {.type = fd->index_type};
  uint64_t kw = (uint64_t)lf_type_width(&it);
  int is_signed = fd->index_type == LF_T_INT8 || fd->index_type == LF_T_INT16 ||
                  fd->index_type == LF_T_INT32 || fd->index_type == LF_T_INT64;
  int rc = load_dict(r, fd, &dict, err);
  if (!rc) rc = kw ? read_fixed(r->f, pos, len, kw, r0, r1, &keys, err)
                   : lf_err(err, LF_CORRUPT, "field '%s': no dictionary index type", fd->name);
  for (uint64_t i = 0; !rc && is_signed && i < keys.n; i++)
    if (keys.data[i * kw + kw - 1] & 0x80)
      rc = lf_err(err, LF_CORRUPT, "negative dictionary key at row %llu",
                  (unsigned long long)(r0 + i));
  if (!rc) rc = lf_dict_materialize(&keys, dict, err);
  if (!rc) rc = append_leaf(a, &keys, 0, r1 - r0, err);
  lf_block_reset(&keys);
  return rc;
}

/* A fixed-width leaf: plain values, bitmaps for bool (and lists of it). */
static int read_plain_leaf(const v1_read *r, const lf_field *fd, uint64_t pos, uint64_t len,
                           uint64_t r0, uint64_t r1, lf_array *a, lf_error *err) {
  const lf_field *item = fd->type == LF_T_FIXED_LIST && fd->n_children == 1 ? fd->children[0] : fd;
  uint64_t dim = fd == item ? 1 : (uint64_t)fd->fixed_size, w = (uint64_t)lf_type_width(item), i0 = 0;
  if (!w || item->n_children || dim == 0 || dim > (1u << 24))
    return lf_err(err, LF_UNSUPPORTED, "field '%s': %s in a legacy (v1) file is not supported",
                  fd->name, fd->logical_type);
  lf_block b = {0};
  int rc = item->type == LF_T_BOOL ? read_bits(r->f, pos, len, dim, r0, r1, &b, &i0, err)
                                   : read_fixed(r->f, pos, len, w * dim, r0, r1, &b, err);
  if (!rc) rc = append_leaf(a, &b, i0, r1 - r0, err);
  lf_block_reset(&b);
  return rc;
}

static int read_field(const v1_read *r, const lf_field *fd, uint64_t r0, uint64_t r1,
                      lf_array *a, int depth, lf_error *err);

/* A list: positions, then the items they span in the child's page. */
static int read_list(const v1_read *r, const lf_field *fd, uint64_t pos, uint64_t len,
                     uint64_t r0, uint64_t r1, lf_array *a, int depth, lf_error *err) {
  uint64_t n = r1 - r0, *p = NULL;
  int rc = read_positions(r->f, pos, len, fd->type == LF_T_LARGE_LIST ? 8 : 4, r0, r1, &p, err);
  /* Items take at least a bit of the file each, except nulls and structs of
  ** them: bound those so that positions cannot ask for any amount of memory. */
  if (!rc && p[n] - p[0] > 8 * r->f->size + (1u << 20))
    rc = lf_err(err, LF_UNSUPPORTED, "lists of %llu items in a file of %llu bytes",
                (unsigned long long)(p[n] - p[0]), (unsigned long long)r->f->size);
  if (!rc && (lf_array_push_valid(a, NULL, n) || lf_array_alloc_offsets(a, a->length + n + 1)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) {
    uint64_t base = a->children[0].length;
    for (uint64_t i = 0; i <= n; i++) a->offsets[a->length + i] = base + p[i] - p[0];
    rc = read_field(r, fd->children[0], p[0], p[n], &a->children[0], depth + 1, err);
    a->length += n;
  }
  free(p);
  return rc;
}

/* Append rows [r0, r1) of field fd's pages in batch r->batch to a. */
static int read_field(const v1_read *r, const lf_field *fd, uint64_t r0, uint64_t r1,
                      lf_array *a, int depth, lf_error *err) {
  uint64_t pos = 0, len = 0, n = r1 - r0;
  if (depth > LF_MAX_LAYERS) return lf_err(err, LF_UNSUPPORTED, "field '%s' nests too deep", fd->name);
  if (fd->is_blob)
    return lf_err(err, LF_UNSUPPORTED, "blob field '%s' in a legacy (v1) file is not supported "
                  "(LanceDB 0.39 cannot read it either)", fd->name);
  if (a->n_children != fd->n_children)
    return lf_err(err, LF_ARG, "array for field '%s' has %d children, the field %d", fd->name,
                  a->n_children, fd->n_children);
  if (fd->encoding < 0 || fd->encoding == 4)
    return lf_err(err, LF_UNSUPPORTED, "field '%s': %s encoding in a legacy (v1) file is not "
                  "supported", fd->name, fd->encoding == 4 ? "RLE" : "unknown");
  if (fd->type == LF_T_STRUCT) {
    int rc = lf_array_push_valid(a, NULL, n) ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
    for (int i = 0; !rc && i < fd->n_children; i++)
      rc = read_field(r, fd->children[i], r0, r1, &a->children[i], depth + 1, err);
    a->length += n;
    return rc;
  }
  int rc = page_of(r, fd, &pos, &len, err);
  if (rc) return rc;
  if (fd->type == LF_T_NULL) {
    if (r1 > len)
      return lf_err(err, LF_CORRUPT, "field '%s': rows [%llu, %llu) outside a page of %llu",
                    fd->name, (unsigned long long)r0, (unsigned long long)r1,
                    (unsigned long long)len);
    return lf_array_append_nulls(a, n) ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
  }
  if (fd->type == LF_T_LIST || fd->type == LF_T_LARGE_LIST)
    rc = read_list(r, fd, pos, len, r0, r1, a, depth, err);
  else if (fd->is_dict)
    rc = read_dict_leaf(r, fd, pos, len, r0, r1, a, err);
  else if (lf_type_is_varwidth(fd->type)) {
    lf_block b = {0};
    rc = read_varbinary(r->f, pos, len, r0, r1, fd->nullable, &b, err);
    if (!rc) rc = append_leaf(a, &b, 0, n, err);
    lf_block_reset(&b);
  } else {
    rc = read_plain_leaf(r, fd, pos, len, r0, r1, a, err);
  }
  return rc ? lf_err_prefix(err, rc, "field '%s'", fd->name) : LF_OK;
}

/* The batch holding row `row` (row < num_rows). */
static uint64_t batch_of(const v1_state *s, uint64_t row) {
  uint64_t lo = 0, hi = s->nbatch;
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (s->batch_off[mid] <= row) lo = mid; else hi = mid;
  }
  return lo;
}

int lf_v1_append(lf_file *f, int field_idx, uint64_t start, uint64_t end, lf_array *out,
                 lf_error *err) {
  v1_state *s = f->v1;
  const lf_field *fd = f->schema.fields[field_idx];
  for (uint64_t b = start < end ? batch_of(s, start) : s->nbatch; start < end && b < s->nbatch; b++) {
    uint64_t bs = s->batch_off[b], be = s->batch_off[b + 1];
    if (be <= start) continue;
    uint64_t r1 = (end < be ? end : be) - bs;
    v1_read r = {f, s, b};
    int rc = read_field(&r, fd, start - bs, r1, out, 1, err);
    if (rc) return lf_err_prefix(err, rc, "%s: batch %llu", f->path, (unsigned long long)b);
    start = bs + r1;
  }
  return LF_OK;
}

int lf_v1_view(lf_file *f, int field_idx, uint64_t start, uint64_t end, uint64_t width,
               const uint8_t **ptr, uint64_t *n, lf_error *err) {
  v1_state *s = f->v1;
  const lf_field *fd = f->schema.fields[field_idx];
  uint64_t b = batch_of(s, start), pos = 0, len = 0;
  uint64_t bs = s->batch_off[b], be = s->batch_off[b + 1];
  v1_read r = {f, s, b};
  const uint8_t *file = NULL;
  int rc = page_of(&r, fd, &pos, &len, err);
  if (rc) return lf_err_prefix(err, rc, "%s: batch %llu", f->path, (unsigned long long)b);
  if (len < be - bs || width > (f->size - pos) / (be - bs))
    return lf_err(err, LF_CORRUPT, "%s: batch %llu: page of field '%s' (%llu values at %llu) "
                  "does not hold the batch's %llu rows", f->path, (unsigned long long)b,
                  fd->name, (unsigned long long)len, (unsigned long long)pos,
                  (unsigned long long)(be - bs));
  if ((rc = lf_file_map(f, &file, err))) return rc;
  *ptr = file + pos + (start - bs) * width;
  *n = (end < be ? end : be) - start;
  return LF_OK;
}
