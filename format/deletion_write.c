/*
** deletion_write.c: owns writing deletion files,
** _deletions/<fragment>-<read_version>-<random u64>.arrow|.bin (the layouts
** deletion.c reads).  As Lance does: more than 5000 deleted rows become a
** Roaring bitmap in portable serialization (.bin), fewer an Arrow IPC file
** (.arrow) laid out as arrow-rs writes it for LanceDB 0.39:
**   "ARROW1" + 2 zero bytes
**   Schema message:      FFFFFFFF, i32 metadata length, Message flatbuffer
**                        (padded to 8) -- no body
**   RecordBatch message: FFFFFFFF, i32 metadata length, Message flatbuffer,
**                        body: buffer 0 validity (all set), buffer 1 the
**                        uint32 values; each buffer = i64 uncompressed length
**                        (-1: stored raw) + ZSTD frame or raw bytes, padded
**                        to 64 bytes
**   FFFFFFFF 00000000 (end of stream)
**   Footer flatbuffer, i32 footer length, "ARROW1"
** Flatbuffers are built front to back: each table's vtable comes right
** before it (soffset = table - vtable > 0) and what a table refers to
** (strings, vectors, sub-tables) follows it (uoffsets point forward).
** Message: 0 version (V5 = 4), 1 header_type (1 Schema, 3 RecordBatch),
** 2 header, 3 bodyLength.  Schema: 0 endianness, 1 fields.  Field: 0 name,
** 1 nullable, 2 type_type (2 = Int), 3 type (Int: 0 bitWidth, 1 is_signed),
** 5 children.  RecordBatch: 0 length, 1 nodes [{i64 length, i64 nulls}],
** 2 buffers [{i64 offset, i64 length}], 3 compression (0 codec: 1 ZSTD).
** Footer: 0 version, 1 schema, 3 recordBatches [{i64 offset, i32 metadata
** length, pad, i64 body length}].
*/
#include "lf_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roaring/roaring.h>
#include <zstd.h>

#define BITMAP_THRESHOLD 5000

/* ---- a front-to-back flatbuffer writer ------------------------------------ */

typedef struct fbw {
  lf_buf *b;
  size_t base;    /* where the flatbuffer starts (8-aligned in b) */
} fbw;

static void pad_to(fbw *w, size_t align) {
  while ((w->b->len - w->base) % align) lf_buf_u8(w->b, 0);
}

static void put_at(lf_buf *b, size_t pos, uint64_t v, int n) {
  if (b->rc) return;
  for (int i = 0; i < n; i++) b->p[pos + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* Point the uoffset at `field` to the current (aligned) position. */
static void link_here(fbw *w, size_t field, size_t align) {
  pad_to(w, align);
  put_at(w->b, field, w->b->len - field, 4);
}

/* A table of n fields of sizes sz[i] (0 = absent; 1, 2, 4 or 8 bytes)
** referenced by the uoffset at `ref`: writes the vtable and a zeroed table,
** field positions into pos[]. */
static void table(fbw *w, size_t ref, int n, const int *sz, size_t *pos) {
  size_t off[16] = {0}, t = 4;
  for (int s = 8; s >= 1; s /= 2) /* largest first: every field aligned */
    for (int i = 0; i < n; i++)
      if (sz[i] == s) {
        if (s == 8 && t % 8) t += 4;
        off[i] = t, t += (size_t)s;
      }
  t = (t + 3) & ~(size_t)3;
  pad_to(w, 2);
  size_t vt = w->b->len;
  lf_buf_u16le(w->b, (uint16_t)(4 + 2 * n));
  lf_buf_u16le(w->b, (uint16_t)t);
  for (int i = 0; i < n; i++) lf_buf_u16le(w->b, (uint16_t)off[i]);
  pad_to(w, 8);
  size_t tb = w->b->len;
  put_at(w->b, ref, tb - ref, 4);
  lf_buf_u32le(w->b, (uint32_t)(tb - vt));
  lf_buf_zeros(w->b, t - 4);
  for (int i = 0; i < n; i++) pos[i] = sz[i] ? tb + off[i] : 0;
}

static void string_at(fbw *w, size_t field, const char *s) {
  link_here(w, field, 4);
  size_t n = strlen(s);
  lf_buf_u32le(w->b, (uint32_t)n);
  lf_buf_put(w->b, s, n + 1);
}

/* A vector of n elements of `elem` bytes referenced by field; returns the
** position of element 0 (8-aligned when elem is 8 or more). */
static size_t vector_at(fbw *w, size_t field, uint32_t n, size_t elem) {
  pad_to(w, 4);
  if (elem >= 8 && (w->b->len - w->base + 4) % 8) lf_buf_u32le(w->b, 0);
  put_at(w->b, field, w->b->len - field, 4);
  lf_buf_u32le(w->b, n);
  size_t first = w->b->len;
  lf_buf_zeros(w->b, (size_t)n * elem);
  return first;
}

/* Schema { fields: [ Field { name "row_id", type Int { 32, unsigned } } ] }
** as the table referenced by `field`. */
static void schema_table(fbw *w, size_t field) {
  size_t s[2], f[6], in[2];
  table(w, field, 2, (const int[]){2, 4}, s);
  size_t fields = vector_at(w, s[1], 1, 4);
  table(w, fields, 6, (const int[]){4, 1, 1, 4, 0, 4}, f);
  put_at(w->b, f[2], 2, 1); /* Type.Int */
  string_at(w, f[0], "row_id");
  table(w, f[3], 2, (const int[]){4, 1}, in);
  put_at(w->b, in[0], 32, 4);
  vector_at(w, f[5], 0, 4);
}

/* An encapsulated message: FFFFFFFF, length, Message flatbuffer padded to 8.
** header_type 1 writes the schema; 3 a record batch of `rows` values whose
** two body buffers have the given (offset, length) pairs. */
static void message(lf_buf *b, int header_type, uint64_t rows, const uint64_t *bufs,
                    uint64_t body_len) {
  lf_buf_u32le(b, 0xFFFFFFFFu);
  size_t len_pos = b->len;
  lf_buf_u32le(b, 0);
  fbw w = {b, b->len};
  size_t m[4], r[4], c[1];
  lf_buf_u32le(b, 0); /* root offset */
  table(&w, w.base, 4, (const int[]){2, 1, 4, 8}, m);
  put_at(b, m[0], 4, 2);
  put_at(b, m[1], (uint64_t)header_type, 1);
  put_at(b, m[3], body_len, 8);
  if (header_type == 1) {
    schema_table(&w, m[2]);
  } else {
    table(&w, m[2], 4, (const int[]){8, 4, 4, 4}, r);
    put_at(b, r[0], rows, 8);
    size_t nodes = vector_at(&w, r[1], 1, 16);
    put_at(b, nodes, rows, 8);
    size_t bv = vector_at(&w, r[2], 2, 16);
    for (int i = 0; i < 4; i++) put_at(b, bv + 8 * (size_t)i, bufs[i], 8);
    table(&w, r[3], 1, (const int[]){1}, c);
    put_at(b, c[0], 1, 1); /* ZSTD */
  }
  pad_to(&w, 8);
  put_at(b, len_pos, b->len - w.base, 4);
}

/* One body buffer: i64 uncompressed length (-1 = raw) then the bytes. */
static int body_buffer(lf_buf *b, const void *raw, size_t n, uint64_t *off, uint64_t *len,
                       size_t body_start) {
  *off = b->len - body_start;
  size_t cap = ZSTD_compressBound(n);
  if (lf_buf_reserve(b, 8 + cap)) return b->rc;
  size_t z = ZSTD_compress(b->p + b->len + 8, cap, raw, n, 1);
  if (!ZSTD_isError(z) && z < n) {
    lf_buf_u64le(b, n);
    b->len += z;
  } else {
    lf_buf_u64le(b, UINT64_MAX);
    lf_buf_put(b, raw, n);
  }
  *len = b->len - body_start - *off;
  while ((b->len - body_start) % 64) lf_buf_u8(b, 0);
  return b->rc;
}

static int arrow_encode(const uint32_t *rows, size_t n, lf_buf *b) {
  lf_buf_put(b, "ARROW1\0\0", 8);
  message(b, 1, 0, NULL, 0);
  size_t nvalid = (n + 7) / 8;
  lf_buf valid = {0}, vals = {0}, body = {0};
  lf_buf_zeros(&valid, nvalid);
  for (size_t i = 0; !valid.rc && i < n; i++) valid.p[i / 8] |= (uint8_t)(1u << (i % 8));
  for (size_t i = 0; i < n; i++) lf_buf_u32le(&vals, rows[i]);
  /* the body follows the record batch metadata, which holds its buffer
  ** offsets: build the body first */
  uint64_t bufs[4];
  body_buffer(&body, valid.p, nvalid, &bufs[0], &bufs[1], 0);
  body_buffer(&body, vals.p, 4 * n, &bufs[2], &bufs[3], 0);
  int rc = valid.rc ? valid.rc : vals.rc;
  lf_buf_reset(&valid);
  lf_buf_reset(&vals);
  uint64_t batch_off = b->len;
  message(b, 3, n, bufs, body.len);
  uint64_t meta_len = b->len - batch_off;
  lf_buf_put(b, body.p, body.len);
  uint64_t body_len = body.len;
  if (!rc) rc = body.rc;
  lf_buf_reset(&body);
  lf_buf_u32le(b, 0xFFFFFFFFu);
  lf_buf_u32le(b, 0);
  fbw w = {b, b->len};
  size_t f[4];
  lf_buf_u32le(b, 0);
  table(&w, w.base, 4, (const int[]){2, 4, 0, 4}, f);
  put_at(b, f[0], 4, 2);
  schema_table(&w, f[1]);
  size_t blk = vector_at(&w, f[3], 1, 24);
  put_at(b, blk, batch_off, 8);
  put_at(b, blk + 8, meta_len, 4);
  put_at(b, blk + 16, body_len, 8);
  pad_to(&w, 8);
  lf_buf_u32le(b, (uint32_t)(b->len - w.base));
  lf_buf_put(b, "ARROW1", 6);
  return rc ? rc : b->rc;
}

int lf_roaring_encode(const uint32_t *rows, size_t n, lf_buf *b) {
  roaring_bitmap_t *r = roaring_bitmap_of_ptr(n, rows);
  if (!r) return LF_NOMEM;
  size_t sz = roaring_bitmap_portable_size_in_bytes(r);
  if (!lf_buf_reserve(b, sz)) b->len += roaring_bitmap_portable_serialize(r, (char *)b->p + b->len);
  roaring_bitmap_free(r);
  return b->rc;
}

int lf_deletion_encode(const uint32_t *rows, size_t n, int type, lf_buf *out) {
  return type == LF_DEL_BITMAP ? lf_roaring_encode(rows, n, out) : arrow_encode(rows, n, out);
}

int lf_deletion_write(lf_store *s, const char *root, uint64_t frag_id, uint64_t read_version,
                      const uint32_t *rows, size_t n, lf_deletion_file *df, char **path,
                      lf_error *err) {
  memset(df, 0, sizeof *df);
  *path = NULL;
  df->present = 1;
  df->type = n > BITMAP_THRESHOLD ? LF_DEL_BITMAP : LF_DEL_ARROW;
  df->read_version = read_version;
  df->id = lf_random_u64();
  df->num_deleted_rows = n;
  char rel[96];
  lf_deletion_name(rel, sizeof rel, frag_id, df);
  lf_buf b = {0};
  int rc = lf_deletion_encode(rows, n, df->type, &b);
  if (rc) {
    lf_buf_reset(&b);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  if (!(*path = lf_path_join(root, rel))) rc = lf_err(err, LF_NOMEM, "out of memory");
  else rc = s->put(s, *path, b.p, b.len, 1, err);
  lf_buf_reset(&b);
  if (rc) {
    free(*path);
    *path = NULL;
  }
  return rc;
}
