/*
** v20.c: owns reading Lance file version 2.0 (footer 0.3), whose pages carry
** a lance.encodings.ArrayEncoding tree (encodings_v2_0.proto):
**   1 Flat{1 bits_per_value, 2 Buffer{1 buffer_index, 2 buffer_type},
**          3 Compression{1 scheme}}          values in one page buffer
**   2 Nullable{1 no_nulls{1 values}, 2 some_nulls{1 validity, 2 values},
**              3 all_nulls}                  validity: 1-bit LSB-first bitmap
**   3 FixedSizeList{1 dimension, 3 has_validity, 2 items}
**   4 List{1 offsets, 2 null_offset_adjustment, 3 num_items}: one u64 END
**     offset per row, relative to the page's first item; a null list stores
**     end + adjustment.  The items live in the child field's column.
**   5 SimpleStruct{}                         a placeholder column per struct
**   6 Binary{1 indices, 2 bytes, 3 null_adjustment}: END offsets as for lists
**   7 Dictionary{1 indices, 2 items, 3 num_dictionary_items}
**   8 Fsst{1 binary, 2 symbol_table}, 11 FixedSizeBinary{1 bytes, 2 byte_width}
** Every field, parents included, owns one column, in schema pre-order.  A
** column is decoded whole on first use and kept (2.0 is a legacy version).
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"

typedef struct v20_ctx {
  lf_file *f;
  const lf_page *pg;
  uint8_t **bufs;      /* page buffers, read lazily */
  int user_dict;       /* the field is an Arrow dictionary: indices are 0-based */
  int depth;           /* decode_arr nesting: 1 = the page's own encoding */
  uint8_t *row_valid;  /* a fixed-size list page's row validity (NULL: all valid) */
} v20_ctx;

static int get_buf(v20_ctx *c, uint32_t idx, const uint8_t **p, uint64_t *len, lf_error *err) {
  if ((int)idx >= c->pg->nbuf) return lf_err(err, LF_CORRUPT, "buffer %u missing", idx);
  if (!c->bufs[idx]) {
    int rc = lf_page_read_buf(c->f, c->pg, (int)idx, &c->bufs[idx], err);
    if (rc) return rc;
  }
  *p = c->bufs[idx];
  *len = c->pg->buf_len[idx];
  return LF_OK;
}

static int first_field(const uint8_t *d, size_t n, lf_pb_field *f, const char *what,
                       lf_error *err) {
  lf_pb pb;
  lf_pb_init(&pb, d, n);
  int r = lf_pb_next(&pb, f, what, err);
  if (r < 0) return LF_CORRUPT;
  if (r == 0) return lf_err(err, LF_CORRUPT, "empty %s", what);
  return LF_OK;
}

/* Fields 1..8 of a message as views (0 when absent); varints in u[]. */
typedef struct msg {
  const uint8_t *p[9];
  size_t n[9];
  uint64_t u[9];
  int has[9];
} msg;

static int read_msg(const uint8_t *d, size_t n, msg *m, const char *what, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  memset(m, 0, sizeof *m);
  lf_pb_init(&pb, d, n);
  int r;
  while ((r = lf_pb_next(&pb, &f, what, err)) > 0)
    if (f.num < 9) m->p[f.num] = f.data, m->n[f.num] = f.len, m->u[f.num] = f.u, m->has[f.num] = 1;
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int decode_arr(v20_ctx *c, const uint8_t *enc, size_t len, uint64_t n, lf_block *out,
                      lf_error *err);

static int decode_flat(v20_ctx *c, const msg *m, uint64_t n, lf_block *out, lf_error *err) {
  msg b;
  int rc = read_msg(m->p[2], m->n[2], &b, "buffer", err);
  if (rc) return rc;
  if (m->has[3]) return lf_err(err, LF_UNSUPPORTED, "compressed flat buffers in file version 2.0");
  uint64_t bits = m->u[1];
  if (bits == 0 || bits > 8 * 1024 * 1024) return lf_err(err, LF_CORRUPT, "flat of %llu bits",
                                                          (unsigned long long)bits);
  if (b.u[2] != 0) return lf_err(err, LF_UNSUPPORTED, "column/file-level buffers in file version 2.0");
  const uint8_t *p = NULL;
  uint64_t plen = 0;
  if ((rc = get_buf(c, (uint32_t)b.u[1], &p, &plen, err))) return rc;
  if (n > (UINT64_MAX - 7) / bits || (n * bits + 7) / 8 > plen)
    return lf_err(err, LF_CORRUPT, "flat buffer of %llu bytes holds fewer than %llu values",
                  (unsigned long long)plen, (unsigned long long)n);
  out->kind = LF_BLK_FIXED;
  out->bits = bits;
  out->n = n;
  out->data_len = (n * bits + 7) / 8;
  if (!(out->data = malloc(out->data_len + 8))) return lf_err(err, LF_NOMEM, "out of memory");
  memcpy(out->data, p, out->data_len);
  return LF_OK;
}

static int decode_nullable(v20_ctx *c, const msg *m, uint64_t n, lf_block *out, lf_error *err) {
  msg s;
  int rc;
  if (m->has[1]) {
    if ((rc = read_msg(m->p[1], m->n[1], &s, "no_nulls", err))) return rc;
    return decode_arr(c, s.p[1], s.n[1], n, out, err);
  }
  if (m->has[3]) {
    out->kind = LF_BLK_EMPTY;
    out->n = n;
    out->valid = calloc(n + 1, 1);
    return out->valid ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  }
  if (!m->has[2]) return lf_err(err, LF_CORRUPT, "nullable encoding without a case");
  if ((rc = read_msg(m->p[2], m->n[2], &s, "some_nulls", err))) return rc;
  lf_block v = {0};
  if ((rc = decode_arr(c, s.p[1], s.n[1], n, &v, err))) return rc;
  if (v.kind != LF_BLK_FIXED || v.bits != 1) {
    lf_block_reset(&v);
    return lf_err(err, LF_CORRUPT, "validity is not a bitmap");
  }
  rc = decode_arr(c, s.p[2], s.n[2], n, out, err);
  /* A fixed-size list keeps its items' validity in out->valid: the rows'
  ** validity goes beside it, for the page's own list only. */
  uint8_t **dst = out->dim ? &c->row_valid : &out->valid;
  if (!rc && out->dim && (c->depth != 1 || c->row_valid))
    rc = lf_err(err, LF_UNSUPPORTED, "nested fixed_size_list with nulls in file version 2.0");
  if (!rc && !(*dst = malloc(n + 1))) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) lf_bits_to_bytes(v.data, 0, n, *dst);
  lf_block_reset(&v);
  return rc;
}

/* END offsets (with null adjustment) -> offsets[0..n] from 0 + validity. */
static int end_offsets(const lf_block *ix, uint64_t n, uint64_t adj, uint64_t **offs,
                       uint8_t **valid, lf_error *err) {
  if (ix->kind != LF_BLK_FIXED || ix->bits != 64 || ix->n < n)
    return lf_err(err, LF_CORRUPT, "offsets are not %llu 64-bit values", (unsigned long long)n);
  *offs = malloc((n + 1) * 8);
  *valid = malloc(n + 1);
  if (!*offs || !*valid) return lf_err(err, LF_NOMEM, "out of memory");
  (*offs)[0] = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t v;
    memcpy(&v, ix->data + 8 * i, 8);
    (*valid)[i] = !(adj && v >= adj);
    if (adj && v >= adj) v -= adj;
    if (v < (*offs)[i]) return lf_err(err, LF_CORRUPT, "offset %llu goes backwards", (unsigned long long)i);
    (*offs)[i + 1] = v;
  }
  return LF_OK;
}

static int decode_binary(v20_ctx *c, const msg *m, uint64_t n, lf_block *out, lf_error *err) {
  lf_block ix = {0}, bytes = {0};
  int rc = decode_arr(c, m->p[1], m->n[1], n, &ix, err);
  if (!rc) rc = end_offsets(&ix, n, m->u[3], &out->offsets, &out->valid, err);
  if (!rc) rc = decode_arr(c, m->p[2], m->n[2], out->offsets[n], &bytes, err);
  if (!rc && (bytes.kind != LF_BLK_FIXED || bytes.bits != 8))
    rc = lf_err(err, LF_CORRUPT, "binary bytes are not 8-bit values");
  if (!rc) {
    int any_null = 0;
    for (uint64_t i = 0; i < n; i++) any_null |= !out->valid[i];
    if (!any_null) free(out->valid), out->valid = NULL;
    out->kind = LF_BLK_VARIABLE;
    out->n = n;
    out->data = bytes.data, out->data_len = bytes.data_len;
    bytes.data = NULL;
  }
  lf_block_reset(&ix);
  lf_block_reset(&bytes);
  return rc;
}

/* The items' own nullable encoding gives their validity: it stays in
** out->valid, one byte per item, with out->dim set (as 2.1+ blocks carry
** FixedSizeList item validity); dim is set without validity too, so that
** pages with and without null items append alike. */
static int decode_fsl(v20_ctx *c, const msg *m, uint64_t n, lf_block *out, lf_error *err) {
  uint64_t dim = m->u[1];
  if (dim == 0 || dim > (1u << 24) || n > UINT64_MAX / dim)
    return lf_err(err, LF_CORRUPT, "fixed_size_list dimension %llu", (unsigned long long)dim);
  if (m->u[3]) return lf_err(err, LF_UNSUPPORTED, "fixed_size_list items with validity in file version 2.0");
  int rc = decode_arr(c, m->p[2], m->n[2], n * dim, out, err);
  if (rc) return rc;
  if (out->kind != LF_BLK_FIXED) return lf_err(err, LF_UNSUPPORTED, "fixed_size_list of variable-width items");
  if (out->dim) return lf_err(err, LF_UNSUPPORTED, "nested fixed_size_list in file version 2.0");
  out->bits *= dim;
  out->n = n;
  out->dim = dim;
  return LF_OK;
}

static int decode_dictionary(v20_ctx *c, const msg *m, uint64_t n, lf_block *out,
                             lf_error *err) {
  /* A dictionary Lance chose for a plain column has 1-based indices (0 is
  ** null); an Arrow dictionary column keeps its 0-based indices and carries
  ** nulls in the items or the indices' validity. */
  uint64_t shift = c->user_dict ? 0 : 1;
  lf_block dict = {0};
  int rc = decode_arr(c, m->p[2], m->n[2], m->u[3], &dict, err);
  if (!rc) rc = decode_arr(c, m->p[1], m->n[1], n, out, err);
  if (!rc && (out->kind != LF_BLK_FIXED || out->bits % 8 || !out->bits || out->bits > 64))
    rc = lf_err(err, LF_CORRUPT, "dictionary indices are not whole-byte integers");
  uint8_t *valid = rc ? NULL : malloc(n + 1);
  if (!rc && !valid) rc = lf_err(err, LF_NOMEM, "out of memory");
  int w = (int)(out->bits / 8), nulls = 0;
  for (uint64_t i = 0; !rc && i < n; i++) {
    uint64_t k = 0;
    memcpy(&k, out->data + i * w, (size_t)w); /* little-endian host */
    valid[i] = (shift == 0 || k != 0) && (!out->valid || out->valid[i]);
    nulls += !valid[i];
    k = k >= shift ? k - shift : 0;
    memcpy(out->data + i * w, &k, (size_t)w);
  }
  if (!rc && dict.n == 0) { /* every value null: nothing to look up */
    lf_block_reset(out);
    out->kind = LF_BLK_EMPTY, out->n = n;
  } else if (!rc) {
    rc = lf_dict_materialize(out, &dict, err);
  }
  if (!rc && nulls) free(out->valid), out->valid = valid, valid = NULL;
  free(valid);
  lf_block_reset(&dict);
  return rc;
}

/* FSST-decode a variable block (64-bit offsets) into out. */
static int fsst_decode_block(const lf_fsst_table *t, const lf_block *in, lf_block *out,
                             lf_error *err) {
  size_t out_len = 0;
  void *offs = NULL;
  int rc = lf_fsst_decode(t, in->data, (size_t)in->data_len, in->offsets, 64, (size_t)in->n,
                          (size_t)1 << 40, &out->data, &out_len, &offs, err);
  if (rc) return rc;
  out->kind = LF_BLK_VARIABLE;
  out->n = in->n;
  out->offsets = offs;
  out->data_len = out_len;
  return LF_OK;
}

static int decode_fsst(v20_ctx *c, const msg *m, uint64_t n, lf_block *out, lf_error *err) {
  lf_block comp = {0};
  lf_fsst_table *t = malloc(sizeof *t);
  if (!t) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = lf_fsst_table_parse(t, m->p[2], m->n[2], err);
  if (!rc) rc = decode_arr(c, m->p[1], m->n[1], n, &comp, err);
  if (!rc && comp.kind != LF_BLK_VARIABLE) rc = lf_err(err, LF_CORRUPT, "fsst over non-binary data");
  if (!rc) rc = fsst_decode_block(t, &comp, out, err);
  if (!rc && comp.valid) out->valid = comp.valid, comp.valid = NULL;
  free(t);
  lf_block_reset(&comp);
  return rc;
}

/* Bits of a packed field: nullable{no_nulls{flat{bits}}} or flat{bits}. */
static int packed_field_bits(const uint8_t *enc, size_t len, uint64_t *bits, lf_error *err) {
  for (int depth = 0; depth < 4; depth++) {
    lf_pb_field f;
    msg m;
    int rc = first_field(enc, len, &f, "packed struct field", err);
    if (!rc) rc = read_msg(f.data, f.len, &m, "packed struct field", err);
    if (rc) return rc;
    if (f.num == 1) {
      *bits = m.u[1];
      return *bits && *bits % 8 == 0 && *bits <= 256 ? LF_OK
             : lf_err(err, LF_UNSUPPORTED, "packed struct field of %llu bits", (unsigned long long)*bits);
    }
    if (f.num != 2 || !m.has[1]) break;
    if ((rc = read_msg(m.p[1], m.n[1], &m, "no_nulls", err))) return rc;
    enc = m.p[1], len = m.n[1];
  }
  return lf_err(err, LF_UNSUPPORTED, "2.0 packed struct field that is not a plain flat value");
}

/* PackedStruct{1 repeated inner, 2 buffer}: rows of the fields' fixed-width
** values back to back in one page buffer. */
static int decode_packed(v20_ctx *c, const uint8_t *enc, size_t len, uint64_t n, lf_block *out,
                         lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  uint64_t bits[64], row = 0;
  int nf = 0, r, rc = LF_OK;
  msg b = {0};
  lf_pb_init(&pb, enc, len);
  while ((r = lf_pb_next(&pb, &f, "packed struct", err)) > 0 && !rc) {
    if (f.num == 1 && f.wire == 2) {
      if (nf == 64) return lf_err(err, LF_UNSUPPORTED, "packed struct of more than 64 fields");
      rc = packed_field_bits(f.data, f.len, &bits[nf], err);
      row += bits[nf++];
    } else if (f.num == 2 && f.wire == 2) {
      rc = read_msg(f.data, f.len, &b, "buffer", err);
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (rc) return rc;
  const uint8_t *p = NULL;
  uint64_t plen = 0;
  if ((rc = get_buf(c, (uint32_t)b.u[1], &p, &plen, err))) return rc;
  if (!nf || n > plen / (row / 8))
    return lf_err(err, LF_CORRUPT, "packed struct buffer of %llu bytes holds fewer than %llu rows",
                  (unsigned long long)plen, (unsigned long long)n);
  out->kind = LF_BLK_STRUCT, out->n = n, out->n_children = nf;
  if (!(out->children = calloc((size_t)nf, sizeof *out->children))) return lf_err(err, LF_NOMEM, "out of memory");
  for (int k = 0, at = 0; k < nf; at += (int)(bits[k++] / 8)) {
    lf_block *ch = &out->children[k];
    size_t w = (size_t)(bits[k] / 8);
    ch->kind = LF_BLK_FIXED, ch->bits = bits[k], ch->n = n, ch->data_len = n * w;
    if (!(ch->data = malloc(ch->data_len + 8))) return lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++) memcpy(ch->data + i * w, p + i * (row / 8) + at, w);
  }
  return LF_OK;
}

static int decode_enc(v20_ctx *c, const uint8_t *enc, size_t len, uint64_t n, lf_block *out,
                      lf_error *err);

static int decode_arr(v20_ctx *c, const uint8_t *enc, size_t len, uint64_t n, lf_block *out,
                      lf_error *err) {
  if (c->depth >= 32) return lf_err(err, LF_CORRUPT, "array encoding nested too deep");
  c->depth++;
  int rc = decode_enc(c, enc, len, n, out, err);
  c->depth--;
  return rc;
}

static int decode_enc(v20_ctx *c, const uint8_t *enc, size_t len, uint64_t n, lf_block *out,
                      lf_error *err) {
  lf_pb_field f;
  msg m;
  int rc = first_field(enc, len, &f, "array encoding", err);
  if (rc) return rc;
  if (f.wire != 2) return lf_err(err, LF_CORRUPT, "array encoding field %u is not a message", f.num);
  if ((rc = read_msg(f.data, f.len, &m, "array encoding", err))) return rc;
  switch (f.num) {
    case 1: return decode_flat(c, &m, n, out, err);
    case 2: return decode_nullable(c, &m, n, out, err);
    case 3: return decode_fsl(c, &m, n, out, err);
    case 6: return decode_binary(c, &m, n, out, err);
    case 7: return decode_dictionary(c, &m, n, out, err);
    case 8: return decode_fsst(c, &m, n, out, err);
    case 9: return decode_packed(c, f.data, f.len, n, out, err);
    case 11: {
      uint64_t w = m.u[2];
      rc = decode_arr(c, m.p[1], m.n[1], n * w, out, err);
      if (!rc && (out->kind != LF_BLK_FIXED || out->bits != 8 || !w))
        rc = lf_err(err, LF_CORRUPT, "fixed_size_binary bytes are not 8-bit values");
      if (!rc) out->bits = 8 * w, out->n = n;
      return rc;
    }
    default: {
      static const char *names[] = {"", "flat", "nullable", "fixed_size_list", "list", "struct",
                                    "binary", "dictionary", "fsst", "packed_struct", "bitpacked",
                                    "fixed_size_binary", "bitpacked_for_non_neg", "constant",
                                    "inline_bitpacking", "out_of_line_bitpacking", "variable",
                                    "packed_struct_fixed_width_mini_block", "block", "rle",
                                    "general_mini_block", "byte_stream_split"};
      return lf_err(err, LF_UNSUPPORTED, "2.0 array encoding '%s' is not supported",
                    f.num < sizeof names / sizeof *names ? names[f.num] : "unknown");
    }
  }
}

/* A list page: offsets rebased to the column's items, + validity. */
static int decode_list_page(v20_ctx *c, const msg *m, uint64_t n, uint64_t items_base,
                            lf_block *out, lf_error *err) {
  lf_block ix = {0};
  uint64_t *offs = NULL;
  uint8_t *valid = NULL;
  int rc = decode_arr(c, m->p[1], m->n[1], n, &ix, err);
  if (!rc) rc = end_offsets(&ix, n, m->u[2], &offs, &valid, err);
  if (!rc && offs[n] > m->u[3])
    rc = lf_err(err, LF_CORRUPT, "list offsets exceed the page's %llu items", (unsigned long long)m->u[3]);
  if (!rc) { /* store as FIXED 64-bit "start" offsets; the end is the next start */
    out->kind = LF_BLK_FIXED, out->bits = 64, out->n = n;
    out->data_len = n * 8;
    out->data = malloc(n * 8 + 8);
    if (!out->data) rc = lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; !rc && i < n; i++) {
      uint64_t v = items_base + offs[i];
      memcpy(out->data + 8 * i, &v, 8);
    }
    out->valid = valid;
    valid = NULL;
  }
  free(offs);
  free(valid);
  lf_block_reset(&ix);
  return rc;
}

typedef struct v20_col {
  int done;
  lf_block blk;          /* leaf values, or list starts (+ total items in end) */
  uint64_t items_end;    /* lists: total items */
  uint8_t *row_valid;    /* fixed-size lists (blk.dim set): the rows' validity */
} v20_col;

/* Append a page's fixed-size list row validity (NULL: all valid) to the
** column's, which has `have` rows so far. */
static int append_row_valid(v20_col *vc, uint64_t have, const uint8_t *v, uint64_t n,
                            lf_error *err) {
  if (!v && !vc->row_valid) return LF_OK;
  uint8_t *nv = realloc(vc->row_valid, have + n + 1);
  if (!nv) return lf_err(err, LF_NOMEM, "out of memory");
  if (!vc->row_valid) memset(nv, 1, have);
  vc->row_valid = nv;
  if (v) memcpy(nv + have, v, n);
  else memset(nv + have, 1, n);
  return LF_OK;
}

struct v20_state {
  int n;
  v20_col *cols;
  int *colmap;           /* schema.all index -> column */
};

static int decode_column(lf_file *f, int col, const lf_field *fd, v20_col *vc, lf_error *err) {
  int is_list = fd->type == LF_T_LIST || fd->type == LF_T_LARGE_LIST;
  lf_column *cm = &f->cols[col];
  uint64_t items = 0;
  int rc = LF_OK;
  for (int p = 0; p < cm->npages && !rc; p++) {
    const lf_page *pg = &cm->pages[p];
    v20_ctx c = {f, pg, calloc((size_t)pg->nbuf + 1, sizeof(uint8_t *)), fd->is_dict, 0, NULL};
    lf_block b = {0};
    if (!c.bufs) return lf_err(err, LF_NOMEM, "out of memory");
    lf_pb_field fl;
    msg m;
    memset(&m, 0, sizeof m);
    rc = first_field(pg->enc, pg->enc_len, &fl, "array encoding", err);
    if (!rc && is_list) {
      if (fl.num != 4) rc = lf_err(err, LF_CORRUPT, "list column page is not a list encoding");
      if (!rc) rc = read_msg(fl.data, fl.len, &m, "list", err);
      if (!rc) rc = decode_list_page(&c, &m, pg->num_rows, items, &b, err);
      items += m.u[3];
    } else if (!rc && fl.num == 5) {
      b.kind = LF_BLK_EMPTY, b.n = pg->num_rows;
    } else if (!rc) {
      rc = decode_arr(&c, pg->enc, pg->enc_len, pg->num_rows, &b, err);
    }
    if (!rc) rc = lf_block_check(&b, err);
    if (!rc) rc = append_row_valid(vc, vc->blk.n, c.row_valid, b.n, err);
    if (!rc) rc = lf_block_append(&vc->blk, &b, err);
    if (rc) rc = lf_err_prefix(err, rc, "%s: column %d page %d", f->path, col, p);
    lf_block_reset(&b);
    for (int i = 0; i < pg->nbuf; i++) free(c.bufs[i]);
    free(c.bufs);
    free(c.row_valid);
  }
  vc->items_end = items;
  vc->done = !rc;
  return rc;
}

void lf_v20_free(lf_file *f);

static int state(lf_file *f, struct v20_state **out, lf_error *err) {
  struct v20_state *s = (struct v20_state *)f->v20;
  if (!s) {
    if (!(s = calloc(1, sizeof *s))) return lf_err(err, LF_NOMEM, "out of memory");
    f->v20 = s;
    s->cols = calloc((size_t)f->ncols + 1, sizeof *s->cols);
    s->colmap = malloc(((size_t)f->schema.n_all + 1) * sizeof *s->colmap);
    if (!s->cols || !s->colmap) {
      lf_v20_free(f);
      return lf_err(err, LF_NOMEM, "out of memory");
    }
    int col = 0;
    for (int i = 0; i < f->schema.n_all; i++)
      s->colmap[i] = f->schema.all[i]->id == -1 ? -1 : col++;
    if (col != f->ncols) {
      lf_v20_free(f); /* no half-built state for the next call */
      return lf_err(err, LF_CORRUPT, "%s: schema has %d fields but the file has %d columns",
                    f->path, col, f->ncols);
    }
  }
  *out = s;
  return LF_OK;
}

void lf_v20_free(lf_file *f) {
  struct v20_state *s = (struct v20_state *)f->v20;
  if (!s) return;
  for (int i = 0; s->cols && i < f->ncols; i++) {
    lf_block_reset(&s->cols[i].blk);
    free(s->cols[i].row_valid);
  }
  free(s->cols);
  free(s->colmap);
  free(s);
  f->v20 = NULL;
}

static int append_field(lf_file *f, struct v20_state *s, const lf_field *fd, lf_array *a,
                        uint64_t r0, uint64_t r1, lf_error *err) {
  int idx = 0;
  while (idx < f->schema.n_all && f->schema.all[idx] != fd) idx++;
  int col = idx < f->schema.n_all ? s->colmap[idx] : -1;
  if (col < 0) return lf_err(err, LF_CORRUPT, "field '%s' has no column", fd->name);
  int is_list = fd->type == LF_T_LIST || fd->type == LF_T_LARGE_LIST;
  v20_col *vc = &s->cols[col];
  int rc = vc->done ? LF_OK : decode_column(f, col, fd, vc, err);
  if (rc) return rc;
  uint64_t n = r1 - r0;
  if (r1 > vc->blk.n)
    return lf_err(err, LF_CORRUPT, "%s: column %d has %llu rows, wanted %llu", f->path, col,
                  (unsigned long long)vc->blk.n, (unsigned long long)r1);
  /* rows' validity: blk.valid, except for fixed-size lists (their items') */
  const uint8_t *rv = vc->blk.dim ? vc->row_valid : vc->blk.valid;
  if (lf_array_push_valid(a, rv ? rv + r0 : NULL, n)) return lf_err(err, LF_NOMEM, "out of memory");
  if (fd->type == LF_T_STRUCT && !fd->is_packed && !fd->desc) {
    for (int i = 0; i < fd->n_children && !rc; i++)
      rc = append_field(f, s, fd->children[i], &a->children[i], r0, r1, err);
  } else if (is_list) {
    const uint8_t *st = vc->blk.data;
    uint64_t i0, i1, v;
    memcpy(&i0, st + 8 * r0, 8);
    if (r1 < vc->blk.n) memcpy(&i1, st + 8 * r1, 8);
    else i1 = vc->items_end;
    if (lf_array_alloc_offsets(a, a->length + n + 1)) return lf_err(err, LF_NOMEM, "out of memory");
    uint64_t base = a->children[0].length;
    for (uint64_t i = 0; i < n; i++) {
      memcpy(&v, st + 8 * (r0 + i), 8);
      a->offsets[a->length + i] = base + v - i0;
    }
    a->offsets[a->length + n] = base + i1 - i0;
    if (i1 < i0) return lf_err(err, LF_CORRUPT, "list offsets go backwards");
    rc = append_field(f, s, fd->children[0], &a->children[0], i0, i1, err);
  } else {
    rc = lf_append_values(a, &vc->blk, r0, n, err);
  }
  a->length += n;
  return rc;
}

int lf_v20_append(lf_file *f, int field_idx, uint64_t start, uint64_t end, lf_array *out,
                  lf_error *err) {
  struct v20_state *s = NULL;
  int rc = state(f, &s, err);
  if (rc) return rc;
  return append_field(f, s, f->schema.fields[field_idx], out, start, end, err);
}
