/*
** deletion.c: owns deletion files, _deletions/<fragment>-<read_version>-<id>.<ext>,
** each the set of deleted row offsets of one fragment.
**
** .bin (BITMAP): a 32-bit Roaring bitmap, portable serialization (read with
**   libroaring; the values are then checked to be ascending).
**
** .arrow (ARROW_ARRAY): an Arrow IPC *file* (verified on LanceDB 0.39 files):
**   "ARROW1" + padding to 8 (arrow-rs pads to 64), encapsulated messages,
**   footer flatbuffer, i32 footer length, "ARROW1".
**   Encapsulated message: [0xFFFFFFFF][i32 metadata length][Message
**   flatbuffer + padding][body]; old writers omit the 0xFFFFFFFF.
**   Footer table:  0 version, 1 schema (Schema), 2 dictionaries [Block],
**                  3 recordBatches [Block]
**   Block struct (24 bytes): i64 offset (of the message), i32 metadata
**                  length (prefix included), 4 pad, i64 body length
**   Schema table:  1 fields [Field]; Field table: 2 type_type (u8),
**                  3 type; Int table: 0 bitWidth (i32), 1 is_signed
**   Message table: 0 version, 1 header_type (u8, 3 = RecordBatch), 2 header,
**                  3 bodyLength (i64)
**   RecordBatch:   0 length (i64), 1 nodes [FieldNode 16 bytes],
**                  2 buffers [Buffer: i64 offset, i64 length, relative to
**                  the body], 3 compression (BodyCompression: 0 codec u8,
**                  0 = LZ4_FRAME, 1 = ZSTD; 1 method, 0 = BUFFER)
**   Lance writes one column `row_id: uint32` (buffers: validity, values) and
**   ZSTD body compression: every buffer then starts with an i64
**   uncompressed length, -1 meaning the bytes follow uncompressed.
** Flatbuffers: a table starts with an i32 offset back to its vtable (u16
** vtable size, u16 table size, u16 field offsets); a field holding a
** table/vector/string stores a u32 offset from the field itself; vectors
** start with a u32 count.  Everything is bounds-checked against the buffer.
*/
#include "lf_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roaring/roaring.h>
#include <zstd.h>


/* ---- a minimal flatbuffer reader ----------------------------------------- */

typedef struct fb {
  const uint8_t *d;
  size_t n;
} fb;

/* Table at absolute position t: position of field i, 0 if absent/invalid. */
static size_t fb_field(fb b, size_t t, int i, size_t width) {
  if (t > b.n || b.n - t < 4) return 0;
  int64_t vt = (int64_t)t - (int32_t)lf_le32(b.d + t);
  if (vt < 0 || (uint64_t)vt > b.n - 4) return 0;
  size_t vsz = lf_le16(b.d + vt);
  if (vsz > b.n - (size_t)vt || (size_t)(4 + 2 * i + 2) > vsz) return 0;
  size_t off = lf_le16(b.d + vt + 4 + 2 * i);
  if (!off || off > b.n - t || width > b.n - t - off) return 0;
  return t + off;
}

static int fb_u8(fb b, size_t t, int i, uint8_t *out) {
  size_t p = fb_field(b, t, i, 1);
  *out = p ? b.d[p] : 0;
  return p != 0;
}
static int64_t fb_i64(fb b, size_t t, int i) {
  size_t p = fb_field(b, t, i, 8);
  return p ? (int64_t)lf_le64(b.d + p) : 0;
}
static int32_t fb_i32(fb b, size_t t, int i) {
  size_t p = fb_field(b, t, i, 4);
  return p ? (int32_t)lf_le32(b.d + p) : 0;
}

/* Follow the u32 offset stored in field i: the referenced table/vector, or 0. */
static size_t fb_ref(fb b, size_t t, int i) {
  size_t p = fb_field(b, t, i, 4);
  if (!p) return 0;
  uint32_t o = lf_le32(b.d + p);
  if (!o || o > b.n - p || b.n - p - o < 4) return 0;
  return p + o;
}

/* Vector of `elem`-byte elements in field i: *count and the first element. */
static size_t fb_vec(fb b, size_t t, int i, size_t elem, uint32_t *count) {
  size_t v = fb_ref(b, t, i);
  *count = 0;
  if (!v) return 0;
  uint32_t n = lf_le32(b.d + v);
  if (n > (b.n - v - 4) / elem) return 0;
  *count = n;
  return v + 4;
}

/* Element k of a vector of tables. */
static size_t fb_vec_table(fb b, size_t v, uint32_t k) {
  size_t p = v + 4 * (size_t)k;
  uint32_t o = lf_le32(b.d + p);
  if (!o || o > b.n - p || b.n - p - o < 4) return 0;
  return p + o;
}

static size_t fb_root(fb b) {
  if (b.n < 8) return 0;
  uint32_t o = lf_le32(b.d);
  return o && o <= b.n - 4 ? o : 0;
}

/* ---- Arrow IPC file ------------------------------------------------------- */

typedef struct arrow_ctx {
  const uint8_t *d;
  size_t n;
  const char *what;
  int codec;            /* -1 none, 0 LZ4_FRAME, 1 ZSTD */
  uint64_t max_rows;    /* no more values than this (the fragment's rows) */
  uint64_t max_raw;     /* cap on one decompressed buffer */
  uint32_t *vals;
  size_t nvals, cap;
} arrow_ctx;

/* The schema must be one 32-bit integer column. */
static int check_schema(fb b, size_t schema, const char *what, lf_error *err) {
  uint32_t nf;
  size_t fields = fb_vec(b, schema, 1, 4, &nf);
  if (!fields || nf != 1)
    return lf_err(err, LF_CORRUPT, "%s: schema has %u fields, expected 1", what, nf);
  size_t f = fb_vec_table(b, fields, 0);
  uint8_t tt = 0;
  fb_u8(b, f, 2, &tt);
  size_t ty = f ? fb_ref(b, f, 3) : 0;
  if (tt != 2 || !ty || fb_i32(b, ty, 0) != 32)
    return lf_err(err, LF_UNSUPPORTED, "%s: deletion column is not a 32-bit integer", what);
  return LF_OK;
}

/* Buffer [off, off+len) of a body: its bytes, decompressed if needed
** (*tmp owns them then).  *out_len is the decoded length. */
static int body_buffer(arrow_ctx *a, const uint8_t *body, uint64_t body_len, uint64_t off,
                       uint64_t len, const uint8_t **out, uint64_t *out_len, uint8_t **tmp,
                       lf_error *err) {
  *tmp = NULL;
  if (off > body_len || len > body_len - off)
    return lf_err(err, LF_CORRUPT, "%s: buffer [%" PRIu64 ", +%" PRIu64 ") outside the body",
                  a->what, off, len);
  *out = body + off;
  *out_len = len;
  if (a->codec < 0 || len == 0) return LF_OK;
  if (len < 8) return lf_err(err, LF_CORRUPT, "%s: compressed buffer of %" PRIu64 " bytes",
                             a->what, len);
  int64_t raw = (int64_t)lf_le64(body + off);
  *out = body + off + 8;
  *out_len = len - 8;
  if (raw == -1) return LF_OK;
  if (a->codec != 1)
    return lf_err(err, LF_UNSUPPORTED, "%s: Arrow LZ4_FRAME body compression", a->what);
  if (raw < 0 || (uint64_t)raw > a->max_raw)
    return lf_err(err, LF_CORRUPT, "%s: bad uncompressed length %" PRId64, a->what, raw);
  if (!(*tmp = malloc((size_t)raw + 1))) return lf_err(err, LF_NOMEM, "out of memory");
  size_t got = ZSTD_decompress(*tmp, (size_t)raw, body + off + 8, (size_t)(len - 8));
  if (ZSTD_isError(got) || got != (size_t)raw) {
    free(*tmp);
    *tmp = NULL;
    return lf_err(err, LF_CORRUPT, "%s: zstd buffer does not decode to %" PRId64 " bytes",
                  a->what, raw);
  }
  *out = *tmp;
  *out_len = (uint64_t)raw;
  return LF_OK;
}

/* Append the values of one RecordBatch message (flatbuffer m) with `body`. */
static int read_batch(arrow_ctx *a, fb m, size_t batch, const uint8_t *body, uint64_t body_len,
                      lf_error *err) {
  int64_t rows = fb_i64(m, batch, 0);
  uint32_t nbuf;
  size_t bufs = fb_vec(m, batch, 2, 16, &nbuf);
  size_t comp = fb_ref(m, batch, 3);
  uint8_t codec = 0;
  a->codec = comp ? (fb_u8(m, comp, 0, &codec), codec) : -1;
  if (rows < 0 || (uint64_t)rows > a->max_rows - a->nvals)
    return lf_err(err, LF_CORRUPT, "%s: record batch of %" PRId64 " rows, more than the "
                  "fragment's %" PRIu64, a->what, rows, a->max_rows);
  if (rows == 0) return LF_OK;
  a->max_raw = 4 * (uint64_t)rows + 64;
  if (!bufs || nbuf < 2)
    return lf_err(err, LF_CORRUPT, "%s: record batch has %u buffers", a->what, nbuf);
  const uint8_t *vals = NULL;
  uint64_t vlen = 0;
  uint8_t *tmp;
  int rc = body_buffer(a, body, body_len, lf_le64(m.d + bufs + 16), lf_le64(m.d + bufs + 24), &vals,
                       &vlen, &tmp, err);
  if (rc) return rc;
  if (vlen / 4 < (uint64_t)rows) {
    free(tmp);
    return lf_err(err, LF_CORRUPT, "%s: %" PRId64 " rows but %" PRIu64 " value bytes", a->what,
                  rows, vlen);
  }
  if (a->nvals + (size_t)rows > a->cap) {
    size_t nc = a->nvals + (size_t)rows;
    uint32_t *nv = realloc(a->vals, nc * sizeof *nv);
    if (!nv) {
      free(tmp);
      return lf_err(err, LF_NOMEM, "out of memory");
    }
    a->vals = nv;
    a->cap = nc;
  }
  for (int64_t i = 0; i < rows; i++) a->vals[a->nvals++] = lf_le32(vals + 4 * i);
  free(tmp);
  return LF_OK;
}

/* One Block of the footer: locate the message and its body. */
static int read_block(arrow_ctx *a, const uint8_t *blk, lf_error *err) {
  uint64_t off = lf_le64(blk), body_len = lf_le64(blk + 16);
  uint32_t meta = lf_le32(blk + 8);
  size_t n = a->n - 10; /* footer length + magic excluded */
  if (off > n || meta > n - off || body_len > n - off - meta || meta < 8)
    return lf_err(err, LF_CORRUPT, "%s: truncated record batch", a->what);
  const uint8_t *p = a->d + off;
  size_t hdr = lf_le32(p) == 0xFFFFFFFFu ? 8 : 4;
  uint32_t len = lf_le32(p + hdr - 4);
  if (len > meta - hdr)
    return lf_err(err, LF_CORRUPT, "%s: record batch metadata length %u exceeds block (%u)",
                  a->what, len, meta);
  fb m = {p + hdr, len};
  size_t msg = fb_root(m);
  uint8_t type = 0;
  if (!msg || !fb_u8(m, msg, 1, &type) || type != 3)
    return lf_err(err, LF_CORRUPT, "%s: block at %" PRIu64 " is not a record batch", a->what,
                  off);
  size_t batch = fb_ref(m, msg, 2);
  if (!batch) return lf_err(err, LF_CORRUPT, "%s: record batch message has no header", a->what);
  return read_batch(a, m, batch, p + meta, body_len, err);
}

static int cmp_u32(const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return a < b ? -1 : a > b;
}

static int parse_arrow(arrow_ctx *a, lf_error *err) {
  const uint8_t *d = a->d;
  size_t n = a->n;
  if (n < 16 || memcmp(d, "ARROW1", 6) || memcmp(d + n - 6, "ARROW1", 6))
    return lf_err(err, LF_CORRUPT, "%s: not an Arrow IPC file (bad magic)", a->what);
  uint32_t flen = lf_le32(d + n - 10);
  if (flen > n - 16)
    return lf_err(err, LF_CORRUPT, "%s: Arrow footer length %u exceeds the file", a->what, flen);
  fb f = {d + n - 10 - flen, flen};
  size_t root = fb_root(f), schema = root ? fb_ref(f, root, 1) : 0;
  if (!schema) return lf_err(err, LF_CORRUPT, "%s: Arrow footer has no schema", a->what);
  int rc = check_schema(f, schema, a->what, err);
  if (rc) return rc;
  uint32_t nb;
  size_t blocks = fb_vec(f, root, 3, 24, &nb);
  for (uint32_t i = 0; !rc && blocks && i < nb; i++) rc = read_block(a, f.d + blocks + 24 * i, err);
  if (rc) return rc;
  if (a->nvals) qsort(a->vals, a->nvals, sizeof *a->vals, cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < a->nvals; i++)
    if (!k || a->vals[i] != a->vals[k - 1]) a->vals[k++] = a->vals[i];
  a->nvals = k;
  return LF_OK;
}

/* ---- Roaring bitmap ------------------------------------------------------- */

int lf_roaring_parse(const uint8_t *d, size_t n, uint64_t max_rows, const char *what,
                     uint32_t **out, size_t *nout, lf_error *err) {
  if (n < 8 || roaring_bitmap_portable_deserialize_size((const char *)d, n) != n)
    return lf_err(err, LF_CORRUPT, "%s: not a Roaring bitmap of %zu bytes", what, n);
  roaring_bitmap_t *r = roaring_bitmap_portable_deserialize_safe((const char *)d, n);
  if (!r) return lf_err(err, LF_CORRUPT, "%s: bad Roaring bitmap", what);
  uint64_t card = roaring_bitmap_get_cardinality(r);
  int rc = LF_OK;
  size_t k = 0;
  uint32_t *v = NULL;
  if (card > max_rows)
    rc = lf_err(err, LF_CORRUPT, "%s: %" PRIu64 " deleted rows, more than the fragment's %" PRIu64,
                what, card, max_rows);
  else if (card && !(v = malloc((size_t)card * sizeof *v))) rc = lf_err(err, LF_NOMEM, "out of memory");
  roaring_uint32_iterator_t *it = rc ? NULL : roaring_create_iterator(r);
  if (!rc && !it) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (; !rc && it->has_value; roaring_advance_uint32_iterator(it)) {
    if (k == card || (k && it->current_value <= v[k - 1]))
      rc = lf_err(err, LF_CORRUPT, "%s: Roaring containers out of order or miscounted", what);
    else
      v[k++] = it->current_value;
  }
  if (it) roaring_free_uint32_iterator(it);
  roaring_bitmap_free(r);
  if (rc) {
    free(v);
    return rc;
  }
  *out = k ? v : (free(v), NULL);
  *nout = k;
  return LF_OK;
}

int lf_deletion_parse(const uint8_t *d, size_t n, int type, uint64_t max_rows,
                      const char *what, uint32_t **out, size_t *nout, lf_error *err) {
  *out = NULL;
  *nout = 0;
  int rc;
  if (type == LF_DEL_BITMAP) {
    rc = lf_roaring_parse(d, n, max_rows, what, out, nout, err);
  } else {
    arrow_ctx a = {d, n, what, -1, max_rows > UINT32_MAX ? (uint64_t)UINT32_MAX + 1 : max_rows,
                   0, NULL, 0, 0};
    rc = parse_arrow(&a, err);
    *out = a.vals;
    *nout = a.nvals;
  }
  if (!rc && *nout && (*out)[*nout - 1] >= max_rows)
    rc = lf_err(err, LF_CORRUPT, "%s: deleted row %u is past the fragment's %" PRIu64 " rows",
                what, (*out)[*nout - 1], max_rows);
  if (rc || !*nout) {
    free(*out);
    *out = NULL;
    *nout = 0;
  }
  return rc;
}

void lf_deletion_name(char *buf, size_t cap, uint64_t frag_id, const lf_deletion_file *df) {
  snprintf(buf, cap, "_deletions/%" PRIu64 "-%" PRIu64 "-%" PRIu64 ".%s", frag_id,
           df->read_version, df->id, df->type == LF_DEL_BITMAP ? "bin" : "arrow");
}

int lf_deletion_read(lf_store *s, const char *root, uint64_t frag_id,
                     const lf_deletion_file *df, uint64_t physical_rows, uint32_t **out,
                     size_t *nout, lf_error *err) {
  char name[128];
  *out = NULL;
  *nout = 0;
  if (!df->present) return LF_OK;
  if (df->has_base_id)
    return lf_err(err, LF_UNSUPPORTED, "fragment %" PRIu64 ": deletion file under base path %u",
                  frag_id, df->base_id);
  lf_deletion_name(name, sizeof name, frag_id, df);
  char *path = lf_path_join(root, name);
  if (!path) return lf_err(err, LF_NOMEM, "out of memory");
  uint8_t *d;
  size_t n;
  int rc = lf_read_whole(s, path, (uint64_t)1 << 32, &d, &n, err);
  if (!rc) {
    rc = lf_deletion_parse(d, n, df->type, physical_rows, path, out, nout, err);
    free(d);
  }
  free(path);
  return rc;
}
