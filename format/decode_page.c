/*
** decode_page.c: owns the structural page layouts of Lance file versions
** 2.1 and later (lance.encodings21.PageLayout): it turns one page into
** rep/def levels plus a block of visible items (lf_pagedata).
**
** PageLayout oneof: 1 mini_block_layout, 2 constant_layout (2.2; all-null in
** 2.1 used the same field number), 3 full_zip_layout, 4 blob_layout.
**
** Mini-block page buffers: 0 chunk metadata, 1 chunks, 2 dictionary (when
** MiniBlockLayout.dictionary is set), then the repetition index.
**   chunk metadata: one u16 per chunk (u32 when has_large_chunk): bits 0-3
**   log2(items in chunk) (the last chunk's items are what remains of
**   num_items), bits 4.. (8-byte words in the chunk) - 1.
**   chunk: u16 num_levels, [u16 rep bytes], [u16 def bytes] (present when
**   rep/def compression is set), num_buffers sizes (u16, or u32 when
**   has_large_chunk), pad to 8; rep, pad to 8; def, pad to 8; each value
**   buffer, pad to 8.
** Full-zip page buffers: 0 data, 1 repetition index (optional).  Data is, per
**   item: a control word (bits_rep + bits_def bits in 1, 2 or 4 bytes: rep in
**   the high bits, def in the low bits_def bits; absent when both are 0),
**   then for visible items a fixed-width value, or for valid variable-width
**   items a bits_per_offset length followed by that many bytes.
** Constant layout: 5 layers, 6 inline_value (absent = all null), 7/8 rep/def
**   compression (absent: raw u16), 9/10 number of rep/def values; buffers
**   0 rep, 1 def when present.
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

void lf_pagedata_reset(lf_pagedata *pd) {
  free(pd->rep);
  free(pd->def);
  free(pd->row_level);
  free(pd->row_item);
  lf_block_reset(&pd->vals);
  memset(pd, 0, sizeof *pd);
}

typedef struct view {
  const uint8_t *p;
  size_t n;
} view;

typedef struct miniblock_layout {
  view rep_enc, def_enc, val_enc, dict_enc;
  int has_rep, has_def, has_dict;
  uint64_t num_dict_items, num_buffers, num_items;
  uint32_t rep_index_depth;
  int large;
} miniblock_layout;

static int push_layer(uint64_t v, lf_pagedata *out, lf_error *err);

/* Repeated RepDefLayer: packed (wire 2) or one varint per field (wire 0). */
static int parse_layers(const lf_pb_field *f, lf_pagedata *out, lf_error *err) {
  if (f->wire == 0) return push_layer(f->u, out, err);
  if (f->wire != 2) return lf_err(err, LF_CORRUPT, "bad repdef layer list");
  const uint8_t *p = f->data, *end = f->data + f->len;
  while (p < end) {
    uint64_t v;
    if (lf_pb_varint(&p, end, &v)) return lf_err(err, LF_CORRUPT, "bad repdef layer list");
    int rc = push_layer(v, out, err);
    if (rc) return rc;
  }
  return LF_OK;
}

static int push_layer(uint64_t v, lf_pagedata *out, lf_error *err) {
  if (out->n_layers >= LF_MAX_LAYERS)
    return lf_err(err, LF_UNSUPPORTED, "more than %d nesting layers", LF_MAX_LAYERS);
  if (v < 1 || v > 6)
    return lf_err(err, LF_CORRUPT, "unknown repdef layer %llu", (unsigned long long)v);
  out->layers[out->n_layers++] = (uint8_t)v;
  return LF_OK;
}

static int parse_miniblock(const uint8_t *d, size_t n, miniblock_layout *m, lf_pagedata *out,
                           lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc;
  memset(m, 0, sizeof *m);
  lf_pb_init(&pb, d, n);
  while ((r = lf_pb_next(&pb, &f, "mini-block layout", err)) > 0) {
    view v = {f.data, f.len};
    switch (f.num) {
      case 1: m->rep_enc = v; m->has_rep = 1; break;
      case 2: m->def_enc = v; m->has_def = 1; break;
      case 3: m->val_enc = v; break;
      case 4: m->dict_enc = v; m->has_dict = 1; break;
      case 5: m->num_dict_items = f.u; break;
      case 6: if ((rc = parse_layers(&f, out, err))) return rc; break;
      case 7: m->num_buffers = f.u; break;
      case 8: m->rep_index_depth = (uint32_t)f.u; break;
      case 9: m->num_items = f.u; break;
      case 10: m->large = f.u != 0; break;
      default: break;
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (!m->val_enc.p) return lf_err(err, LF_CORRUPT, "mini-block layout has no value compression");
  if (m->num_buffers > 64) return lf_err(err, LF_CORRUPT, "mini-block has %llu buffers",
                                         (unsigned long long)m->num_buffers);
  return LF_OK;
}

/* Append n levels of a decoded 16-bit block to *dst (growing). */
static int append_levels(uint16_t **dst, uint64_t *len, uint64_t *cap, const lf_block *b,
                         uint64_t n, lf_error *err) {
  if (b->kind != LF_BLK_FIXED || b->bits != 16 || b->n < n || b->data_len < n * 2)
    return lf_err(err, LF_CORRUPT, "rep/def levels did not decode to %llu 16-bit values",
                  (unsigned long long)n);
  if (n == 0) return LF_OK; /* *dst may still be NULL */
  if (*len + n > *cap) {
    uint64_t nc = (*cap ? *cap * 2 : 1024);
    while (nc < *len + n) nc *= 2;
    uint16_t *p = realloc(*dst, nc * 2);
    if (!p) return lf_err(err, LF_NOMEM, "out of memory");
    *dst = p;
    *cap = nc;
  }
  if (n) memcpy(*dst + *len, b->data, n * 2); /* *dst may still be NULL when n is 0 */
  *len += n;
  return LF_OK;
}

/* Grow *p (holding `used` bytes, capacity *cap, 0 = unknown) to >= need
** bytes, doubling so that appending chunk after chunk stays linear. */
static int grow_bytes(uint8_t **p, uint64_t *cap, uint64_t used, uint64_t need) {
  if (*p && need <= *cap) return LF_OK;
  uint64_t nc = (*cap > used ? *cap : used) * 2;
  if (nc < need) nc = need;
  uint8_t *np = realloc(*p, nc);
  if (!np) return LF_NOMEM;
  *p = np;
  *cap = nc;
  return LF_OK;
}

/* Append items of src (same kind) to dst. */
int lf_block_append(lf_block *dst, const lf_block *src, lf_error *err) {
  if (dst->n == 0 && dst->kind == LF_BLK_EMPTY && !dst->data && !dst->offsets) {
    dst->kind = src->kind;
    dst->bits = src->bits;
  }
  if (src->kind != dst->kind || (src->kind == LF_BLK_FIXED && src->bits != dst->bits))
    return lf_err(err, LF_CORRUPT, "chunks of one page decoded to different value layouts");
  if (dst->n == 0 && !dst->valid) dst->dim = src->dim;
  if (src->dim != dst->dim)
    return lf_err(err, LF_CORRUPT, "chunks of one page have different item validity");
  if (src->valid || dst->valid) { /* one byte per value, or per item (dim) */
    uint64_t per = src->dim ? src->dim : 1, have = dst->n * per, add = src->n * per;
    uint8_t *v = realloc(dst->valid, have + add + 1);
    if (!v) return lf_err(err, LF_NOMEM, "out of memory");
    if (!dst->valid) memset(v, 1, have);
    dst->valid = v;
    if (src->valid) memcpy(v + have, src->valid, add);
    else memset(v + have, 1, add);
  }
  if (src->kind == LF_BLK_STRUCT) {
    if (dst->n_children == 0 && dst->n == 0) {
      if (!(dst->children = calloc((size_t)src->n_children + 1, sizeof *dst->children)))
        return lf_err(err, LF_NOMEM, "out of memory");
      dst->n_children = src->n_children;
    }
    if (dst->n_children != src->n_children)
      return lf_err(err, LF_CORRUPT, "chunks of one page have different struct fields");
    for (int i = 0; i < src->n_children; i++) {
      int rc = lf_block_append(&dst->children[i], &src->children[i], err);
      if (rc) return rc;
    }
  } else if (src->kind == LF_BLK_FIXED) {
    uint64_t bits0 = dst->n * dst->bits, add = src->n * src->bits;
    uint64_t need = (bits0 + add + 7) / 8;
    if (grow_bytes(&dst->data, &dst->cap_data, dst->data_len, need + 8))
      return lf_err(err, LF_NOMEM, "out of memory");
    uint8_t *p = dst->data;
    if (bits0 % 8 == 0) {
      memcpy(p + bits0 / 8, src->data, (add + 7) / 8);
    } else { /* bit-packed (booleans): append bit by bit */
      for (uint64_t i = 0; i < add; i++) {
        uint64_t o = bits0 + i;
        int bit = (src->data[i / 8] >> (i % 8)) & 1;
        if (bit) p[o / 8] |= (uint8_t)(1u << (o % 8));
        else p[o / 8] &= (uint8_t)~(1u << (o % 8));
      }
    }
    dst->data_len = need;
  } else if (src->kind == LF_BLK_VARIABLE) {
    uint64_t base = src->offsets[0];
    uint64_t nbytes = src->offsets[src->n] - base;
    if (grow_bytes((uint8_t **)&dst->offsets, &dst->cap_off, dst->n ? (dst->n + 1) * 8 : 0,
                   (dst->n + src->n + 1) * 8))
      return lf_err(err, LF_NOMEM, "out of memory");
    uint64_t *o = dst->offsets;
    if (dst->n == 0) o[0] = 0;
    uint64_t start = o[dst->n];
    if (grow_bytes(&dst->data, &dst->cap_data, start, start + nbytes + 8))
      return lf_err(err, LF_NOMEM, "out of memory");
    uint8_t *p = dst->data;
    memcpy(p + start, src->data + base, nbytes);
    for (uint64_t i = 1; i <= src->n; i++) o[dst->n + i] = start + src->offsets[i] - base;
    dst->data_len = start + nbytes;
  }
  dst->n += src->n;
  return LF_OK;
}

/* Validate a decoded block's shape against its buffers. */
int lf_block_check(const lf_block *b, lf_error *err) {
  for (int i = 0; i < b->n_children; i++) {
    if (b->children[i].n != b->n) return lf_err(err, LF_CORRUPT, "struct field of another length");
    int rc = lf_block_check(&b->children[i], err);
    if (rc) return rc;
  }
  if (b->kind == LF_BLK_FIXED && (b->n * b->bits + 7) / 8 > b->data_len)
    return lf_err(err, LF_CORRUPT, "decoded values are shorter than their count");
  if (b->kind == LF_BLK_VARIABLE) {
    for (uint64_t i = 0; i < b->n; i++)
      if (b->offsets[i] > b->offsets[i + 1])
        return lf_err(err, LF_CORRUPT, "decoded offsets go backwards at %llu",
                      (unsigned long long)i);
    if (b->offsets[b->n] > b->data_len)
      return lf_err(err, LF_CORRUPT, "decoded offsets point past the data");
  }
  return LF_OK;
}

int lf_miniblock_values(const uint8_t *enc, size_t enc_len, const lf_bufview *bufs, int nbuf,
                        uint64_t items, lf_block *dst, lf_error *err) {
  lf_block b = {0};
  int rc = lf_decompress_miniblock(enc, enc_len, bufs, nbuf, items, &b, err);
  if (!rc) rc = lf_block_check(&b, err);
  if (!rc && b.n != items)
    rc = lf_err(err, LF_CORRUPT, "chunk decoded %llu values, expected %llu",
                (unsigned long long)b.n, (unsigned long long)items);
  if (!rc) rc = lf_block_append(dst, &b, err);
  lf_block_reset(&b);
  return rc;
}

typedef struct levels_acc {
  uint64_t nrep, crep, ndef, cdef;
} levels_acc;

static int decode_chunk(const miniblock_layout *m, const uint8_t *c, size_t clen,
                        uint64_t items, lf_pagedata *out, levels_acc *acc, lf_error *err) {
  size_t off = 0, szw = m->large ? 4 : 2;
  size_t hdr = 2 + (m->has_rep ? 2 : 0) + (m->has_def ? 2 : 0) + szw * m->num_buffers;
  if (hdr > clen) return lf_err(err, LF_CORRUPT, "chunk header exceeds chunk (%zu bytes)", clen);
  uint64_t nlev = lf_le(c, 2), rep_sz = 0, def_sz = 0, sizes[64];
  off = 2;
  if (m->has_rep) rep_sz = lf_le(c + off, 2), off += 2;
  if (m->has_def) def_sz = lf_le(c + off, 2), off += 2;
  for (uint64_t i = 0; i < m->num_buffers; i++, off += szw) sizes[i] = lf_le(c + off, (unsigned)szw);
  off = (off + 7) & ~(size_t)7;
  view rep = {0}, def = {0};
  lf_bufview bufs[64];
  uint64_t lens[66];
  int nparts = 0;
  if (m->has_rep) lens[nparts++] = rep_sz;
  if (m->has_def) lens[nparts++] = def_sz;
  for (uint64_t i = 0; i < m->num_buffers; i++) lens[nparts++] = sizes[i];
  for (int i = 0, bi = 0; i < nparts; i++) {
    if (off > clen || lens[i] > clen - off)
      return lf_err(err, LF_CORRUPT, "chunk buffer %d (%llu bytes) exceeds chunk (%zu bytes)", i,
                    (unsigned long long)lens[i], clen);
    view v = {c + off, (size_t)lens[i]};
    if (m->has_rep && i == 0) rep = v;
    else if (m->has_def && i == (m->has_rep ? 1 : 0)) def = v;
    else bufs[bi].p = v.p, bufs[bi++].len = v.n;
    off = (off + (size_t)lens[i] + 7) & ~(size_t)7;
  }
  int rc = lf_miniblock_values(m->val_enc.p, m->val_enc.n, bufs, (int)m->num_buffers, items,
                               &out->vals, err);
  if (rc) return rc;
  lf_block b = {0};
  if (m->has_def && !m->has_rep && nlev == 0 && items > 0) nlev = items;
  if (m->has_rep) {
    if ((rc = lf_decompress_block(m->rep_enc.p, m->rep_enc.n, (lf_bufview){rep.p, rep.n}, nlev,
                                  &b, err)) == 0)
      rc = append_levels(&out->rep, &acc->nrep, &acc->crep, &b, nlev, err);
    lf_block_reset(&b);
    if (rc) return lf_err_prefix(err, rc, "repetition levels");
  }
  if (m->has_def) {
    if ((rc = lf_decompress_block(m->def_enc.p, m->def_enc.n, (lf_bufview){def.p, def.n}, nlev,
                                  &b, err)) == 0)
      rc = append_levels(&out->def, &acc->ndef, &acc->cdef, &b, nlev, err);
    lf_block_reset(&b);
    if (rc) return lf_err_prefix(err, rc, "definition levels");
  }
  return LF_OK;
}

/* A page's decoded dictionary, kept by takes (lf_take_plan) from the first on. */
typedef struct dict_keep {
  lf_block b;
  int ok;
} dict_keep;

/* Decode the page's dictionary (buffer 2) into *dict. */
static int miniblock_dict(lf_file *f, const lf_page *pg, const miniblock_layout *m, lf_block *dict,
                          lf_error *err) {
  uint8_t *dictbuf = NULL;
  int rc = lf_page_read_buf(f, pg, 2, &dictbuf, err);
  if (!rc) rc = lf_decompress_block(m->dict_enc.p, m->dict_enc.n,
                                    (lf_bufview){dictbuf, pg->buf_len[2]}, m->num_dict_items, dict,
                                    err);
  if (!rc) rc = lf_block_check(dict, err);
  free(dictbuf);
  return rc;
}

/* After the chunks: level counts, packed struct fields, dictionary values
** (keep: NULL, or where a take keeps the decoded dictionary). */
static int miniblock_finish(lf_file *f, const lf_page *pg, const miniblock_layout *m,
                            const levels_acc *acc, lf_pagedata *out, dict_keep *keep,
                            lf_error *err) {
  out->n_levels = m->has_rep ? acc->nrep : m->has_def ? acc->ndef : 0;
  if (m->has_rep && m->has_def && acc->nrep != acc->ndef)
    return lf_err(err, LF_CORRUPT, "page has %llu repetition but %llu definition levels",
                  (unsigned long long)acc->nrep, (unsigned long long)acc->ndef);
  int rc = LF_OK;
  if (lf_packed_kind(m->val_enc.p, m->val_enc.n) &&
      (rc = lf_unpack_struct_rows(m->val_enc.p, m->val_enc.n, &out->vals, err)))
    return rc;
  if (!m->has_dict) return LF_OK;
  lf_block dict = {0};
  if (keep && keep->ok) {
    rc = lf_dict_materialize(&out->vals, &keep->b, err);
  } else {
    rc = miniblock_dict(f, pg, m, &dict, err);
    if (!rc) rc = lf_dict_materialize(&out->vals, &dict, err);
    if (!rc && keep) keep->b = dict, keep->ok = 1, dict = (lf_block){0};
  }
  if (rc) rc = lf_err_prefix(err, rc, "dictionary");
  lf_block_reset(&dict);
  return rc;
}

/* Chunk i of a mini-block page: byte offset and length in buffer 1, items. */
typedef struct chunk_info {
  uint64_t pos, bytes, items;
} chunk_info;

/* Parse the chunk metadata (buffer 0) into n chunks (malloc'd *out). */
static int chunk_table(const miniblock_layout *m, const lf_page *pg, const uint8_t *meta,
                       chunk_info **out, size_t *n, lf_error *err) {
  size_t w = m->large ? 4 : 2, nchunks = pg->buf_len[0] / w;
  chunk_info *c = malloc((nchunks + 1) * sizeof *c);
  if (!c) return lf_err(err, LF_NOMEM, "out of memory");
  uint64_t pos = 0, seen = 0;
  for (size_t i = 0; i < nchunks; i++) {
    uint64_t v = lf_le(meta + i * w, (unsigned)w);
    c[i].pos = pos;
    c[i].bytes = ((v >> 4) + 1) * 8;
    c[i].items = i + 1 == nchunks ? m->num_items - seen : (uint64_t)1 << (v & 15);
    if (seen + c[i].items > m->num_items || c[i].bytes > pg->buf_len[1] - pos) {
      lf_err(err, LF_CORRUPT, "mini-block chunk %zu (%llu items, %llu bytes) exceeds the page", i,
             (unsigned long long)c[i].items, (unsigned long long)c[i].bytes);
      free(c);
      return LF_CORRUPT;
    }
    pos += c[i].bytes;
    seen += c[i].items;
  }
  if (seen != m->num_items) {
    free(c);
    return lf_err(err, LF_CORRUPT, "mini-block chunks hold %llu items, layout says %llu",
                  (unsigned long long)seen, (unsigned long long)m->num_items);
  }
  *out = c;
  *n = nchunks;
  return LF_OK;
}

static int decode_miniblock(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t enc_len,
                            lf_pagedata *out, lf_error *err) {
  miniblock_layout m;
  int rc = parse_miniblock(enc, enc_len, &m, out, err);
  if (rc) return rc;
  if (pg->nbuf < 2 + m.has_dict)
    return lf_err(err, LF_CORRUPT, "mini-block page has %d buffers", pg->nbuf);
  uint8_t *meta = NULL, *chunks = NULL;
  levels_acc acc = {0};
  if ((rc = lf_page_read_buf(f, pg, 0, &meta, err)) ||
      (rc = lf_page_read_buf(f, pg, 1, &chunks, err)))
    goto done;
  chunk_info *ct = NULL;
  size_t nchunks = 0;
  if ((rc = chunk_table(&m, pg, meta, &ct, &nchunks, err))) goto done;
  for (size_t i = 0; i < nchunks && !rc; i++)
    if ((rc = decode_chunk(&m, chunks + ct[i].pos, (size_t)ct[i].bytes, ct[i].items, out, &acc,
                           err)))
      rc = lf_err_prefix(err, rc, "mini-block chunk %zu", i);
  free(ct);
  if (rc) goto done;
  rc = miniblock_finish(f, pg, &m, &acc, out, NULL, err);
done:
  free(meta);
  free(chunks);
  return rc;
}

/* Dictionary indices (fixed 8..64 bits) -> the dictionary's values. */
/* Whole-byte dictionary indices as uint32 (malloc'd), each checked < ndict. */
static int dict_indices(const lf_block *vals, uint64_t ndict, uint32_t **out, lf_error *err) {
  uint64_t n = vals->n, bad = 0;
  uint32_t *ix = malloc((n + 1) * sizeof *ix);
  if (!ix) return lf_err(err, LF_NOMEM, "out of memory");
  const uint8_t *p = vals->data;
  switch (vals->bits) { /* one specialized loop per index width */
    case 8: for (uint64_t i = 0; i < n; i++) ix[i] = p[i]; break;
    case 16: for (uint64_t i = 0; i < n; i++) { uint16_t v; memcpy(&v, p + 2 * i, 2); ix[i] = v; } break;
    case 32: memcpy(ix, p, n * 4); break;
    default:
      for (uint64_t i = 0; i < n; i++) {
        uint64_t v = lf_le(p + i * (vals->bits / 8), (unsigned)(vals->bits / 8));
        if (v > UINT32_MAX) bad = 1;
        ix[i] = (uint32_t)v;
      }
  }
  uint32_t max = 0;
  for (uint64_t i = 0; i < n; i++) max = ix[i] > max ? ix[i] : max;
  if (bad || (n && max >= ndict)) {
    free(ix);
    return lf_err(err, LF_CORRUPT, "dictionary index %llu out of range (%llu items)",
                  (unsigned long long)max, (unsigned long long)ndict);
  }
  *out = ix;
  return LF_OK;
}

/* Indices -> the dictionary's values (fixed or variable width). */
static int dict_gather(const uint32_t *ix, uint64_t n, const lf_block *dict, lf_block *out,
                       lf_error *err) {
  if (dict->kind == LF_BLK_FIXED) {
    if (dict->bits % 8) return lf_err(err, LF_UNSUPPORTED, "bit-packed dictionary items");
    size_t bw = (size_t)(dict->bits / 8);
    out->data_len = n * bw;
    if (!(out->data = malloc(out->data_len + 8))) return lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++) memcpy(out->data + i * bw, dict->data + ix[i] * bw, bw);
    return LF_OK;
  }
  if (dict->kind != LF_BLK_VARIABLE) return lf_err(err, LF_CORRUPT, "empty dictionary");
  const uint64_t *o = dict->offsets;
  uint64_t total = 0;
  for (uint64_t i = 0; i < n; i++) total += o[ix[i] + 1] - o[ix[i]];
  out->offsets = malloc((n + 1) * 8);
  out->data = malloc(total + 8);
  if (!out->offsets || !out->data) return lf_err(err, LF_NOMEM, "out of memory");
  uint64_t pos = 0;
  out->offsets[0] = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t len = o[ix[i] + 1] - o[ix[i]];
    memcpy(out->data + pos, dict->data + o[ix[i]], len);
    pos += len;
    out->offsets[i + 1] = pos;
  }
  out->data_len = pos;
  return LF_OK;
}

int lf_dict_materialize(lf_block *vals, const lf_block *dict, lf_error *err) {
  if (vals->kind != LF_BLK_FIXED || vals->bits % 8 || vals->bits == 0 || vals->bits > 64)
    return lf_err(err, LF_CORRUPT, "dictionary indices are not whole-byte integers");
  uint32_t *ix = NULL;
  int rc = dict_indices(vals, dict->n, &ix, err);
  if (rc) return rc;
  lf_block out = {0};
  out.kind = dict->kind;
  out.bits = dict->bits;
  out.n = vals->n;
  rc = dict_gather(ix, vals->n, dict, &out, err);
  if (!rc && (vals->valid || dict->valid)) { /* null indices, or null dictionary items */
    out.valid = vals->valid;
    vals->valid = NULL;
    if (!out.valid && (out.valid = malloc(vals->n + 1))) memset(out.valid, 1, vals->n);
    if (!out.valid) rc = lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; !rc && dict->valid && i < vals->n; i++)
      if (!dict->valid[ix[i]]) out.valid[i] = 0;
  }
  free(ix);
  if (rc) {
    lf_block_reset(&out);
    return rc;
  }
  lf_block_reset(vals);
  *vals = out;
  return LF_OK;
}

int lf_layers_max_rep(const uint8_t *layers, int n) {
  int r = 0;
  for (int i = 0; i < n; i++)
    r += lf_layer_is_list(layers[i]);
  return r;
}

/* Highest def level whose item still occupies a value slot: the levels of
** the layers inside the inner-most list. */
int lf_layers_max_visible(const uint8_t *layers, int n) {
  int d = 0;
  for (int i = 0; i < n; i++) {
    if (layers[i] == LF_LAYER_NULLABLE_ITEM) d++;
    else if (layers[i] != LF_LAYER_ALL_VALID_ITEM) break;
  }
  return d;
}

/* Fill row_level / row_item from the levels. */
static int index_rows(lf_pagedata *pd, lf_error *err) {
  uint64_t n = pd->num_rows;
  int max_rep = lf_layers_max_rep(pd->layers, pd->n_layers);
  int max_vis = lf_layers_max_visible(pd->layers, pd->n_layers);
  if (!pd->rep) { /* row r is level r and item r: no table needed */
    if (pd->def && pd->n_levels != n)
      return lf_err(err, LF_CORRUPT, "page has %llu rows but %llu definition levels",
                    (unsigned long long)n, (unsigned long long)pd->n_levels);
    if (pd->vals.n < n && pd->vals.kind != LF_BLK_EMPTY)
      return lf_err(err, LF_CORRUPT, "page has %llu rows but %llu values",
                    (unsigned long long)n, (unsigned long long)pd->vals.n);
    return LF_OK;
  }
  pd->row_level = malloc((n + 1) * 8);
  pd->row_item = malloc((n + 1) * 8);
  if (!pd->row_level || !pd->row_item) return lf_err(err, LF_NOMEM, "out of memory");
  uint64_t r = 0, items = 0;
  for (uint64_t i = 0; i < pd->n_levels; i++) {
    if (pd->rep[i] > max_rep)
      return lf_err(err, LF_CORRUPT, "repetition level %u exceeds %d", pd->rep[i], max_rep);
    if (pd->rep[i] == max_rep) {
      if (r == n) return lf_err(err, LF_CORRUPT, "page has more rows than its %llu",
                                (unsigned long long)n);
      pd->row_level[r] = i;
      pd->row_item[r++] = items;
    } else if (i == 0) {
      return lf_err(err, LF_CORRUPT, "page does not start at a row boundary");
    }
    if (!pd->def || pd->def[i] <= max_vis) items++;
  }
  if (r != n)
    return lf_err(err, LF_CORRUPT, "page levels hold %llu rows, page says %llu",
                  (unsigned long long)r, (unsigned long long)n);
  pd->row_level[n] = pd->n_levels;
  pd->row_item[n] = items;
  if (pd->vals.kind != LF_BLK_EMPTY && items > pd->vals.n)
    return lf_err(err, LF_CORRUPT, "page has %llu visible items but %llu values",
                  (unsigned long long)items, (unsigned long long)pd->vals.n);
  return LF_OK;
}

typedef struct fullzip_layout {
  uint32_t bits_rep, bits_def, bits_value, bits_offset;
  uint64_t num_items, num_visible;
  view val_enc;
} fullzip_layout;

static int push_level(uint16_t **a, uint64_t n, uint64_t *cap, uint16_t v, lf_error *err) {
  if (n == *cap) {
    uint64_t nc = *cap ? *cap * 2 : 1024;
    uint16_t *p = realloc(*a, nc * 2);
    if (!p) return lf_err(err, LF_NOMEM, "out of memory");
    *a = p;
    *cap = nc;
  }
  (*a)[n] = v;
  return LF_OK;
}

static int fullzip_walk(const fullzip_layout *z, const uint8_t *d, size_t len,
                        lf_pagedata *out, lf_error *err) {
  int cw = z->bits_rep + z->bits_def == 0 ? 0 : z->bits_rep + z->bits_def <= 8 ? 1
           : z->bits_rep + z->bits_def <= 16 ? 2 : 4;
  int max_vis = lf_layers_max_visible(out->layers, out->n_layers);
  size_t vw = z->bits_value / 8, lw = z->bits_offset / 8;
  lf_block *b = &out->vals;
  uint64_t cap_r = 0, cap_d = 0, n = 0, capv = 0, datalen = 0;
  b->kind = z->bits_offset ? LF_BLK_VARIABLE : LF_BLK_FIXED;
  b->bits = z->bits_value;
  int rc = LF_OK;
  for (size_t pos = 0; pos < len;) {
    uint32_t rep = 0, def = 0;
    if (cw) {
      if (len - pos < (size_t)cw) return lf_err(err, LF_CORRUPT, "truncated control word");
      uint32_t word = (uint32_t)lf_le(d + pos, cw);
      pos += cw;
      def = z->bits_def ? word & ((1u << z->bits_def) - 1) : 0;
      rep = word >> z->bits_def;
      if (z->bits_rep && (rc = push_level(&out->rep, n, &cap_r, (uint16_t)rep, err))) return rc;
      if (z->bits_def && (rc = push_level(&out->def, n, &cap_d, (uint16_t)def, err))) return rc;
    }
    n++;
    if (def > (uint32_t)max_vis) continue; /* invisible: control word only */
    if (b->n + 1 >= capv) {
      capv = capv ? capv * 2 : 1024;
      if (z->bits_offset) {
        uint64_t *o = realloc(b->offsets, (capv + 1) * 8);
        if (!o) return lf_err(err, LF_NOMEM, "out of memory");
        b->offsets = o;
      }
    }
    size_t take = vw;
    if (z->bits_offset) {
      b->offsets[b->n] = datalen;
      take = 0;
      if (def == 0) {
        if (len - pos < lw) return lf_err(err, LF_CORRUPT, "truncated value length");
        uint64_t l = lf_le(d + pos, (unsigned)lw);
        pos += lw;
        if (l > len - pos) return lf_err(err, LF_CORRUPT, "value length %llu exceeds page",
                                         (unsigned long long)l);
        take = (size_t)l;
      }
    } else if (len - pos < vw) {
      return lf_err(err, LF_CORRUPT, "truncated fixed-width value");
    }
    if (!b->data && !(b->data = malloc(len + 8))) /* values never exceed the page */
      return lf_err(err, LF_NOMEM, "out of memory");
    memcpy(b->data + datalen, d + pos, take);
    datalen += take;
    pos += take;
    b->n++;
  }
  if (z->bits_offset) {
    if (!b->offsets && !(b->offsets = malloc(8))) return lf_err(err, LF_NOMEM, "out of memory");
    b->offsets[b->n] = datalen;
  }
  if (!b->data && !(b->data = malloc(8))) return lf_err(err, LF_NOMEM, "out of memory");
  b->data_len = datalen;
  out->n_levels = cw ? n : 0;
  if (!cw && n != out->num_rows && !z->bits_offset)
    return lf_err(err, LF_CORRUPT, "full-zip page holds %llu values for %llu rows",
                  (unsigned long long)n, (unsigned long long)out->num_rows);
  return LF_OK;
}

/* Variable full-zip values may be compressed one by one. */
static int fullzip_decompress_values(const fullzip_layout *z, lf_block *b, lf_error *err);

static int parse_fullzip(const uint8_t *enc, size_t enc_len, fullzip_layout *zp,
                         lf_pagedata *out, lf_error *err) {
  fullzip_layout z;
  memset(&z, 0, sizeof z);
  lf_pb pb;
  lf_pb_field fl;
  int r, rc;
  lf_pb_init(&pb, enc, enc_len);
  while ((r = lf_pb_next(&pb, &fl, "full-zip layout", err)) > 0) {
    switch (fl.num) {
      case 1: z.bits_rep = (uint32_t)fl.u; break;
      case 2: z.bits_def = (uint32_t)fl.u; break;
      case 3: z.bits_value = (uint32_t)fl.u; break;
      case 4: z.bits_offset = (uint32_t)fl.u; break;
      case 5: z.num_items = fl.u; break;
      case 6: z.num_visible = fl.u; break;
      case 7: z.val_enc.p = fl.data, z.val_enc.n = fl.len; break;
      case 8: if ((rc = parse_layers(&fl, out, err))) return rc; break;
      default: break;
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (z.bits_rep > 16 || z.bits_def > 16 || z.bits_value % 8 ||
      (z.bits_offset != 0 && z.bits_offset != 8 && z.bits_offset != 16 && z.bits_offset != 32 &&
       z.bits_offset != 64) || (!z.bits_offset && !z.bits_value))
    return lf_err(err, LF_CORRUPT, "bad full-zip layout (rep %u, def %u, value %u, offset %u bits)",
                  z.bits_rep, z.bits_def, z.bits_value, z.bits_offset);
  *zp = z;
  return LF_OK;
}

/* Whether a full-zip page's values are raw fixed-width: no control words
** (no rep/def levels), no length prefixes, and a value encoding that keeps
** each value as is (lf_fullzip_plain_bits: flat, or a fixed-size list of flat
** without item validity; not a packed struct, nothing compressed).  Buffer 0
** is then the values back to back (fullzip_raw_size checks its length): the
** full decode takes it as the value array, a take reads single values where
** they lie, lf_page21_view points into the mapped file. */
static int fullzip_raw_fixed(const fullzip_layout *z) {
  uint64_t bits = 0;
  return !z->bits_rep && !z->bits_def && !z->bits_offset &&
         lf_fullzip_plain_bits(z->val_enc.p, z->val_enc.n, &bits, NULL) == LF_OK &&
         bits == z->bits_value;
}

/* LF_CORRUPT unless buffer 0 of a raw fixed-width full-zip page holds
** exactly num_rows values of vw bytes. */
static int fullzip_raw_size(const lf_page *pg, uint64_t vw, lf_error *err) {
  if (pg->nbuf < 1 || !vw || pg->buf_len[0] % vw || pg->buf_len[0] / vw != pg->num_rows)
    return lf_err(err, LF_CORRUPT, "full-zip page of %llu bytes for %llu values of %llu bytes",
                  (unsigned long long)(pg->nbuf ? pg->buf_len[0] : 0),
                  (unsigned long long)pg->num_rows, (unsigned long long)vw);
  return LF_OK;
}

/* Items zipped in d (a page, or rows cut from one): walk them, then split
** packed structs or decompress values stored one by one. */
static int fullzip_items(const fullzip_layout *z, const uint8_t *d, size_t len, lf_pagedata *out,
                         lf_error *err) {
  int rc = fullzip_walk(z, d, len, out, err);
  if (!rc && lf_packed_kind(z->val_enc.p, z->val_enc.n))
    rc = lf_unpack_struct_rows(z->val_enc.p, z->val_enc.n, &out->vals, err);
  else if (!rc && z->bits_offset)
    rc = fullzip_decompress_values(z, &out->vals, err);
  return rc;
}

static int decode_fullzip(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t enc_len,
                          lf_pagedata *out, lf_error *err) {
  fullzip_layout z;
  int rc = parse_fullzip(enc, enc_len, &z, out, err);
  if (rc) return rc;
  uint8_t *d = NULL;
  if (fullzip_raw_fixed(&z)) { /* the page buffer is the value array */
    if ((rc = fullzip_raw_size(pg, z.bits_value / 8, err)) ||
        (rc = lf_page_read_buf(f, pg, 0, &d, err)))
      return rc;
    out->vals = (lf_block){.kind = LF_BLK_FIXED, .n = pg->num_rows, .bits = z.bits_value,
                           .data = d, .data_len = pg->buf_len[0]}; /* the block owns d now */
    return LF_OK;
  }
  if ((rc = lf_page_read_buf(f, pg, 0, &d, err))) return rc;
  rc = fullzip_items(&z, d, (size_t)pg->buf_len[0], out, err);
  free(d);
  return rc;
}

static int fullzip_decompress_values(const fullzip_layout *z, lf_block *b, lf_error *err) {
  /* Plain Variable needs nothing; anything else goes value by value. */
  lf_pb pb;
  lf_pb_field fl;
  lf_pb_init(&pb, z->val_enc.p, z->val_enc.n);
  int r = lf_pb_next(&pb, &fl, "full-zip value compression", err);
  if (r < 0) return LF_CORRUPT;
  if (r == 0 || fl.num == 2) {
    lf_pb sub;
    lf_pb_field g;
    int plain = 1;
    if (r) {
      lf_pb_sub(&sub, &fl);
      while ((r = lf_pb_next(&sub, &g, "variable", err)) > 0)
        if (g.num == 2) plain = 0;
      if (r < 0) return LF_CORRUPT;
    }
    if (plain) return LF_OK;
  }
  lf_block o = {0};
  o.kind = LF_BLK_VARIABLE;
  o.n = b->n;
  o.offsets = malloc((b->n + 1) * 8);
  if (!o.offsets) return lf_err(err, LF_NOMEM, "out of memory");
  o.offsets[0] = 0;
  int rc = LF_OK;
  for (uint64_t i = 0; i < b->n && !rc; i++) {
    uint8_t *v = NULL;
    uint64_t vl = 0, len = b->offsets[i + 1] - b->offsets[i];
    if (len) rc = lf_decompress_fullzip_value(z->val_enc.p, z->val_enc.n,
                                              b->data + b->offsets[i], len, &v, &vl, err);
    if (!rc && vl) {
      uint8_t *p = realloc(o.data, o.data_len + vl + 8);
      if (!p) rc = lf_err(err, LF_NOMEM, "out of memory");
      else {
        o.data = p;
        memcpy(p + o.data_len, v, vl);
        o.data_len += vl;
      }
    }
    free(v);
    o.offsets[i + 1] = o.data_len;
  }
  if (rc) {
    lf_block_reset(&o);
    return rc;
  }
  if (!o.data && !(o.data = malloc(8))) {
    lf_block_reset(&o);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  lf_block_reset(b);
  *b = o;
  return LF_OK;
}

/* Constant / all-null page levels from page buffer `which`; raw u16
** unless a compression is given. */
static int constant_levels(lf_file *f, const lf_page *pg, int which, view enc,
                           uint64_t nvals, uint16_t **dst, uint64_t *n, lf_error *err) {
  if (which >= pg->nbuf) return lf_err(err, LF_CORRUPT, "constant page lacks buffer %d", which);
  uint8_t *d = NULL;
  int rc = lf_page_read_buf(f, pg, which, &d, err);
  if (rc) return rc;
  uint64_t len = pg->buf_len[which];
  lf_block b = {0};
  if (enc.p) {
    rc = lf_decompress_block(enc.p, enc.n, (lf_bufview){d, len}, nvals, &b, err);
  } else {
    if (len != nvals * 2) rc = lf_err(err, LF_CORRUPT, "%llu raw levels in %llu bytes",
                                      (unsigned long long)nvals, (unsigned long long)len);
    b.kind = LF_BLK_FIXED, b.bits = 16, b.n = nvals, b.data = d, b.data_len = len;
    d = NULL;
  }
  uint64_t cap = 0;
  if (!rc) rc = append_levels(dst, n, &cap, &b, nvals, err);
  lf_block_reset(&b);
  free(d);
  return rc;
}

/* A constant value too wide to inline is kept in a page buffer holding
** the Arrow buffers of a one-value array:
**   u32 number of buffers n, n x u32 buffer length, then the n buffers.
** One buffer: a fixed-width value (its bytes).  Two buffers: the offsets
** of a variable-width value (8 bytes: i32 {start, end}; 16 bytes: i64)
** and its data.  *val / *vlen is the value's bytes (malloc'd), *fixed is
** 1 for a fixed-width value.  (LanceDB 0.39: constant strings, the one
** large_binary value of an FTS token file.) */
static int constant_buffer_value(lf_file *f, const lf_page *pg, int which, uint8_t **val,
                                 uint64_t *vlen, int *fixed, lf_error *err) {
  uint8_t *d = NULL;
  int rc = lf_page_read_buf(f, pg, which, &d, err);
  if (rc) return rc;
  uint64_t len = pg->buf_len[which], nb = len >= 4 ? lf_le32(d) : 0, b0 = 0, b1 = 0;
  if (nb >= 1 && len >= 8) b0 = lf_le32(d + 4);
  if (nb == 2 && len >= 12) b1 = lf_le32(d + 8);
  uint64_t hdr = 4 + 4 * nb, start = 0, end = 0;
  int ok = (nb == 1 || nb == 2) && len >= hdr && len - hdr == b0 + b1;
  if (ok && nb == 1) start = hdr, end = hdr + b0;
  if (ok && nb == 2) {
    unsigned w = b0 == 8 ? 4 : b0 == 16 ? 8 : 0;
    ok = w != 0;
    if (ok) {
      uint64_t s = lf_le(d + hdr, w), e = lf_le(d + hdr + w, w);
      ok = s <= e && e <= b1;
      start = hdr + b0 + s, end = hdr + b0 + e;
    }
  }
  if (!ok || (nb == 1 && b0 == 0)) {
    free(d);
    return lf_err(err, LF_CORRUPT, "constant value buffer of %llu bytes in an unknown layout",
                  (unsigned long long)len);
  }
  *vlen = end - start;
  memmove(d, d + start, (size_t)*vlen);
  *val = d;
  *fixed = nb == 1;
  return LF_OK;
}

/* Fill the page's values: `items` copies of the constant (fixed-width or
** variable-width), or all null. */
static int constant_values(lf_block *b, uint64_t items, const uint8_t *val, uint64_t vlen,
                           int fixed, lf_error *err) {
  b->n = items;
  if (!val) { /* all null */
    b->kind = LF_BLK_EMPTY;
    if (!(b->valid = calloc(items + 1, 1))) return lf_err(err, LF_NOMEM, "out of memory");
    return LF_OK;
  }
  b->kind = fixed ? LF_BLK_FIXED : LF_BLK_VARIABLE;
  b->bits = fixed ? vlen * 8 : 0;
  b->data_len = items * vlen;
  if (!(b->data = malloc(b->data_len + 8))) return lf_err(err, LF_NOMEM, "out of memory");
  for (uint64_t i = 0; i < items; i++) memcpy(b->data + i * vlen, val, vlen);
  if (!fixed) {
    if (!(b->offsets = malloc((items + 1) * 8))) return lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; i <= items; i++) b->offsets[i] = i * vlen;
  }
  return LF_OK;
}

/* Raw u16 levels in page buffer `which` (none when the buffer is empty). */
static int constant_raw_levels(lf_file *f, const lf_page *pg, int which, uint16_t **dst,
                               uint64_t *n, lf_error *err) {
  if (pg->buf_len[which] == 0) return LF_OK;
  view none = {0};
  return constant_levels(f, pg, which, none, pg->buf_len[which] / 2, dst, n, err);
}

/* Constant page buffers, by how the page was written:
**   level counts given (9, 10): 0 = rep, 1 = def (either may be empty or
**     compressed per 7, 8), then the value buffer (2) if any;
**   2.1 all-null layout (no counts): 0 = rep, 1 = def, raw u16;
**   otherwise (LanceDB 0.39 2.2+): [value] or [value, rep, def] when the
**     value is in a buffer, [] or [rep, def] when it is inline or the page
**     is all null; levels raw u16, an empty buffer meaning none.
** Fills out's levels; *vbuf is the value buffer's index or -1. */
static int constant_buffers(lf_file *f, const lf_page *pg, view rep_enc, view def_enc,
                            uint64_t nrep, uint64_t ndef, int no_buffer_value,
                            lf_pagedata *out, int *vbuf, lf_error *err) {
  uint64_t n1 = 0, n2 = 0;
  int rc = LF_OK, raw = !nrep && !ndef, first = 0;
  *vbuf = -1;
  if (raw && (f->major == 2 && f->minor == 1)) {
    if (pg->nbuf > 0 && pg->buf_len[0]) nrep = pg->buf_len[0] / 2;
    if (pg->nbuf > 1 && pg->buf_len[1]) ndef = pg->buf_len[1] / 2;
  } else if (raw) {
    if (!no_buffer_value) *vbuf = 0, first = 1;
    if (pg->nbuf != first && pg->nbuf != first + 2)
      return lf_err(err, LF_CORRUPT, "constant page has %d buffers", pg->nbuf);
    if (pg->nbuf == first + 2 &&
        ((rc = constant_raw_levels(f, pg, first, &out->rep, &n1, err)) ||
         (rc = constant_raw_levels(f, pg, first + 1, &out->def, &n2, err))))
      return rc;
  } else if (pg->nbuf > 2 && !no_buffer_value) {
    *vbuf = 2;
  }
  if (nrep && (rc = constant_levels(f, pg, 0, rep_enc, nrep, &out->rep, &n1, err))) return rc;
  if (ndef && (rc = constant_levels(f, pg, 1, def_enc, ndef, &out->def, &n2, err))) return rc;
  if (out->rep && out->def && n1 != n2)
    return lf_err(err, LF_CORRUPT, "constant page has %llu rep but %llu def levels",
                  (unsigned long long)n1, (unsigned long long)n2);
  out->n_levels = out->rep ? n1 : n2;
  return LF_OK;
}

static int decode_constant(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t enc_len,
                           lf_pagedata *out, lf_error *err) {
  lf_pb pb;
  lf_pb_field fl;
  view val = {0}, rep_enc = {0}, def_enc = {0};
  uint64_t nrep = 0, ndef = 0;
  int r, rc, has_val = 0, vbuf = -1;
  lf_pb_init(&pb, enc, enc_len);
  while ((r = lf_pb_next(&pb, &fl, "constant layout", err)) > 0) {
    switch (fl.num) {
      case 5: if ((rc = parse_layers(&fl, out, err))) return rc; break;
      case 6: val.p = fl.data, val.n = fl.len, has_val = 1; break;
      case 7: rep_enc.p = fl.data, rep_enc.n = fl.len; break;
      case 8: def_enc.p = fl.data, def_enc.n = fl.len; break;
      case 9: nrep = fl.u; break;
      case 10: ndef = fl.u; break;
      default: break;
    }
  }
  if (r < 0) return LF_CORRUPT;
  /* All null: no inline value and no more buffers than levels need. */
  int all_null = !has_val && (pg->nbuf == 0 || (pg->nbuf == 2 && !(nrep || ndef)) ||
                              ((nrep || ndef) && pg->nbuf <= 2));
  if ((rc = constant_buffers(f, pg, rep_enc, def_enc, nrep, ndef, has_val || all_null, out,
                             &vbuf, err)))
    return rc;
  uint64_t items = out->num_rows;
  if (out->n_levels) {
    int max_vis = lf_layers_max_visible(out->layers, out->n_layers);
    items = 0;
    for (uint64_t i = 0; i < out->n_levels; i++) items += !out->def || out->def[i] <= max_vis;
  }
  if (has_val && (val.n == 0 || val.n > 32))
    return lf_err(err, LF_CORRUPT, "inline constant value of %llu bytes", (unsigned long long)val.n);
  uint8_t *bufval = NULL;
  uint64_t blen = 0;
  int fixed = 1;
  if (vbuf >= 0 && (rc = constant_buffer_value(f, pg, vbuf, &bufval, &blen, &fixed, err)))
    return rc;
  rc = constant_values(&out->vals, items, has_val ? val.p : bufval, has_val ? val.n : blen,
                       has_val || fixed, err);
  free(bufval);
  return rc;
}

static int decode_layout(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t len,
                         lf_pagedata *out, lf_error *err);

/* Legacy blob pages (2.1): BlobLayout{1 inner_layout, 2 layers}.  The inner
** layout holds one {position u64, size u64} descriptor per row, all valid;
** the outer layers give the column's nullability.  A descriptor with size 0
** and a non-zero position is a null (its position is the def level). */
static int decode_blob(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t len,
                       lf_pagedata *out, lf_error *err) {
  lf_pb pb;
  lf_pb_field fl;
  view inner = {0};
  lf_pagedata outer = {0};
  int r, rc;
  lf_pb_init(&pb, enc, len);
  while ((r = lf_pb_next(&pb, &fl, "blob layout", err)) > 0) {
    if (fl.num == 1 && fl.wire == 2) inner.p = fl.data, inner.n = fl.len;
    if (fl.num == 2 && (rc = parse_layers(&fl, &outer, err))) return rc;
  }
  if (r < 0) return LF_CORRUPT;
  if (!inner.p) return lf_err(err, LF_CORRUPT, "blob layout without inner layout");
  if ((rc = decode_layout(f, pg, inner.p, inner.n, out, err))) return rc;
  if (out->rep || out->def)
    return lf_err(err, LF_UNSUPPORTED, "blob descriptors with repetition/definition levels");
  if (outer.n_layers != 1 || lf_layers_max_rep(outer.layers, 1))
    return lf_err(err, LF_UNSUPPORTED, "blob columns inside lists or structs");
  lf_block *v = &out->vals;
  if (v->kind != LF_BLK_STRUCT || v->n_children != 2 || v->children[0].bits != 64 ||
      v->children[1].bits != 64)
    return lf_err(err, LF_CORRUPT, "blob descriptors are not {position u64, size u64}");
  out->n_layers = 1;
  out->layers[0] = outer.layers[0];
  if (outer.layers[0] == LF_LAYER_NULLABLE_ITEM) {
    if (!(v->valid = malloc(v->n + 1))) return lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; i < v->n; i++) {
      uint64_t pos = lf_le(v->children[0].data + 8 * i, 8), sz = lf_le(v->children[1].data + 8 * i, 8);
      v->valid[i] = !(sz == 0 && pos != 0);
    }
  }
  return LF_OK;
}

static int decode_layout(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t len,
                         lf_pagedata *out, lf_error *err) {
  lf_pb pb;
  lf_pb_field fl;
  lf_pb_init(&pb, enc, len);
  int r = lf_pb_next(&pb, &fl, "page layout", err);
  if (r < 0) return LF_CORRUPT;
  if (r == 0 || fl.wire != 2) return lf_err(err, LF_CORRUPT, "page has no layout");
  switch (fl.num) {
    case 1: return decode_miniblock(f, pg, fl.data, fl.len, out, err);
    case 2: return decode_constant(f, pg, fl.data, fl.len, out, err);
    case 3: return decode_fullzip(f, pg, fl.data, fl.len, out, err);
    case 4: return decode_blob(f, pg, fl.data, fl.len, out, err);
    case 5: return lf_decode_sparse(f, pg, fl.data, fl.len, out, err);
    default: return lf_err(err, LF_UNSUPPORTED, "unknown page layout %u", fl.num);
  }
}

int lf_decode_page21(lf_file *f, const lf_page *pg, lf_pagedata *out, lf_error *err) {
  lf_pagedata_reset(out);
  out->num_rows = pg->num_rows;
  int rc = decode_layout(f, pg, pg->enc, pg->enc_len, out, err);
  if (!rc && out->n_layers == 0) rc = lf_err(err, LF_CORRUPT, "page layout has no repdef layers");
  if (!rc) rc = index_rows(out, err);
  if (rc) lf_pagedata_reset(out);
  return rc;
}

/* What takes need of a mini-block page, kept in the page (pg->plan) from
** the first take on: its chunk table and, for pages with lists, its
** repetition index (buffer 2, or 3 after a dictionary; MiniBlockLayout
** repetition_index_depth = D - 1 > 0): per chunk D u64s, the first the
** number of rows that end in the chunk, the last the number of items left
** after its last row end (a row that continues into the next chunk).
** rows_before: the rows ended in earlier chunks. */
typedef struct rep_chunk {
  uint64_t ends, partial, rows_before;
} rep_chunk;

struct lf_take_plan {
  chunk_info *ct;
  size_t n;
  rep_chunk *rc;    /* NULL without lists */
  dict_keep dict;   /* the decoded dictionary, once a take needed it */
};

void lf_take_plan_free(struct lf_take_plan *p) {
  if (!p) return;
  lf_block_reset(&p->dict.b);
  free(p->ct);
  free(p->rc);
  free(p);
}

static int rep_index(lf_file *f, const lf_page *pg, const miniblock_layout *m, size_t nchunks,
                     rep_chunk **out, lf_error *err) {
  int b = 2 + m->has_dict;
  uint64_t d = (uint64_t)m->rep_index_depth + 1, rows = 0;
  if (pg->nbuf <= b || pg->buf_len[b] / 8 / d != nchunks || pg->buf_len[b] != nchunks * d * 8)
    return lf_err(err, LF_CORRUPT, "repetition index does not match the page's %zu chunks", nchunks);
  uint8_t *ix = NULL;
  rep_chunk *rc = malloc((nchunks + 1) * sizeof *rc);
  int st = rc ? lf_page_read_buf(f, pg, b, &ix, err) : lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; !st && i < nchunks; i++) {
    rc[i].ends = lf_le64(ix + 8 * i * d);
    rc[i].partial = lf_le64(ix + 8 * (i * d + d - 1));
    rc[i].rows_before = rows;
    if (rc[i].ends > pg->num_rows - rows) st = lf_err(err, LF_CORRUPT, "repetition index counts too many rows");
    rows += rc[i].ends;
  }
  if (!st && (rows != pg->num_rows || (nchunks && rc[nchunks - 1].partial)))
    st = lf_err(err, LF_CORRUPT, "repetition index holds %llu rows, the page %llu",
                (unsigned long long)rows, (unsigned long long)pg->num_rows);
  free(ix);
  if (st) free(rc);
  else *out = rc;
  return st;
}

static int take_plan(lf_file *f, lf_page *pg, const miniblock_layout *m,
                     const struct lf_take_plan **out, lf_error *err) {
  *out = NULL;
  if (pg->plan) return *out = pg->plan, LF_OK;
  if (pg->nbuf < 2 + m->has_dict)
    return lf_err(err, LF_CORRUPT, "mini-block page has %d buffers", pg->nbuf);
  struct lf_take_plan *p = calloc(1, sizeof *p);
  uint8_t *meta = NULL;
  int st = p ? lf_page_read_buf(f, pg, 0, &meta, err) : lf_err(err, LF_NOMEM, "out of memory");
  if (!st) st = chunk_table(m, pg, meta, &p->ct, &p->n, err);
  if (!st && m->has_rep) st = rep_index(f, pg, m, p->n, &p->rc, err);
  free(meta);
  if (st) {
    lf_take_plan_free(p);
    return st;
  }
  *out = pg->plan = p;
  return LF_OK;
}

/* Take from a mini-block page without repetition: read and decode only the
** chunks that hold the wanted rows (row = item when there is no rep).  m is
** the page's layout, already parsed into out (its layers). */
static int take_miniblock(lf_file *f, lf_page *pg, const miniblock_layout *m,
                          const uint64_t *rows, size_t k, lf_pagedata *out, uint64_t *row_map,
                          lf_error *err) {
  const struct lf_take_plan *pl;
  int rc = take_plan(f, pg, m, &pl, err);
  if (rc) return rc;
  const chunk_info *ct = pl->ct;
  size_t r = 0;
  levels_acc acc = {0};
  uint64_t first_row = 0, have = 0; /* first row of chunk i; items decoded so far */
  for (size_t i = 0; i < pl->n && r < k && !rc; first_row += ct[i++].items) {
    if (rows[r] >= first_row + ct[i].items) continue;
    uint8_t *c = NULL;
    rc = lf_file_read(f, pg->buf_off[1] + ct[i].pos, ct[i].bytes, &c, "mini-block chunk", err);
    if (!rc) rc = decode_chunk(m, c, (size_t)ct[i].bytes, ct[i].items, out, &acc, err);
    free(c);
    for (; !rc && r < k && rows[r] < first_row + ct[i].items; r++)
      row_map[r] = have + rows[r] - first_row;
    have += ct[i].items;
  }
  if (!rc && r < k) rc = lf_err(err, LF_CORRUPT, "row %llu is past the page's chunks",
                                (unsigned long long)rows[r]);
  if (!rc) {
    out->num_rows = have;
    rc = miniblock_finish(f, pg, m, &acc, out, &pg->plan->dict, err);
  }
  return rc;
}

/* The chunk where page row r ends / starts. */
static size_t chunk_of_end(const rep_chunk *c, size_t n, uint64_t r) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c[mid].rows_before + c[mid].ends > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

static size_t chunk_of_start(const rep_chunk *c, size_t n, uint64_t r) {
  if (r == 0) return 0;
  size_t e = chunk_of_end(c, n, r - 1);
  return e < n && c[e].rows_before + c[e].ends == r && !c[e].partial ? e + 1 : e;
}

/* Decode chunks [a, b] (appending to out / acc); a chunk a that starts
** inside a row gets a stand-in row start there (never assembled). */
static int decode_chunk_run(lf_file *f, const lf_page *pg, const miniblock_layout *m,
                            const chunk_info *ct, const rep_chunk *rc, size_t a, size_t b,
                            int max_rep, lf_pagedata *out, levels_acc *acc, lf_error *err) {
  uint64_t lev0 = acc->nrep;
  int st = LF_OK;
  for (size_t i = a; i <= b && !st; i++) {
    uint8_t *c = NULL;
    st = lf_file_read(f, pg->buf_off[1] + ct[i].pos, ct[i].bytes, &c, "mini-block chunk", err);
    if (!st) st = decode_chunk(m, c, (size_t)ct[i].bytes, ct[i].items, out, acc, err);
    free(c);
  }
  if (!st && a > 0 && rc[a - 1].partial && acc->nrep > lev0) out->rep[lev0] = (uint16_t)max_rep;
  return st;
}

/* Take from a mini-block page with lists through its repetition index: decode
** just the chunks holding the wanted rows.  Rows that share or touch chunks
** are decoded together; each run contributes its row starts (the stand-in
** one included) to the decoded page, and row_map maps each wanted row there. */
static int take_miniblock_rep(lf_file *f, lf_page *pg, const miniblock_layout *m,
                              const uint64_t *rows, size_t k, lf_pagedata *out, uint64_t *row_map,
                              lf_error *err) {
  const struct lf_take_plan *pl = NULL;
  levels_acc acc = {0};
  int max_rep = lf_layers_max_rep(out->layers, out->n_layers);
  int st = take_plan(f, pg, m, &pl, err);
  const chunk_info *ct = st ? NULL : pl->ct;
  const rep_chunk *rc = st ? NULL : pl->rc;
  size_t nchunks = st ? 0 : pl->n;
  uint64_t local = 0; /* row starts decoded so far */
  for (size_t i = 0; !st && i < k;) {
    size_t a = chunk_of_start(rc, nchunks, rows[i]), b = chunk_of_end(rc, nchunks, rows[i]), j = i + 1;
    for (; j < k && chunk_of_start(rc, nchunks, rows[j]) <= b + 1; j++) {
      size_t e = chunk_of_end(rc, nchunks, rows[j]);
      b = e > b ? e : b;
    }
    if (a > b || b >= nchunks) {
      st = lf_err(err, LF_CORRUPT, "repetition index places row %llu outside the chunks",
                  (unsigned long long)rows[i]);
      break;
    }
    st = decode_chunk_run(f, pg, m, ct, rc, a, b, max_rep, out, &acc, err);
    for (; i < j; i++) row_map[i] = local + rows[i] - rc[a].rows_before;
    local += rc[b].rows_before + rc[b].ends - rc[a].rows_before + (rc[b].partial > 0);
  }
  if (!st) {
    out->num_rows = local;
    st = miniblock_finish(f, pg, m, &acc, out, &pg->plan->dict, err);
  }
  return st;
}

/* Take from a full-zip page of fixed-width values without control words:
** read each wanted value's bytes where it lies. */
static int take_fullzip_fixed(lf_file *f, const lf_page *pg, uint64_t vw, const uint64_t *rows,
                              size_t k, lf_pagedata *out, uint64_t *row_map, lf_error *err) {
  int rc = fullzip_raw_size(pg, vw, err);
  if (rc) return rc;
  lf_block *b = &out->vals;
  *b = (lf_block){.kind = LF_BLK_FIXED, .bits = vw * 8, .n = k, .data_len = k * vw};
  if (!(b->data = malloc(k * vw + 8))) return lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; i < k;) {
    size_t j = i + 1; /* one read per run of consecutive rows */
    while (j < k && rows[j] == rows[j - 1] + 1) j++;
    int rc = lf_file_read_into(f, pg->buf_off[0] + rows[i] * vw, (j - i) * vw, b->data + i * vw,
                               "full-zip values", err);
    if (rc) return rc;
    for (size_t t = i; t < j; t++) row_map[t] = t;
    i = j;
  }
  out->num_rows = k;
  return LF_OK;
}

/* Take from a full-zip page with a repetition index (buffer 1: for each row
** and one past the last, the byte offset of its first item in buffer 0, in
** 1, 2, 4 or 8 bytes): read just the wanted rows' bytes and walk them as a
** page of those rows. */
static int take_fullzip_indexed(lf_file *f, const lf_page *pg, const fullzip_layout *z,
                                const uint64_t *rows, size_t k, lf_pagedata *out,
                                uint64_t *row_map, lf_error *err) {
  uint64_t w = pg->buf_len[1] / (pg->num_rows + 1);
  if ((w != 1 && w != 2 && w != 4 && w != 8) || pg->buf_len[1] != w * (pg->num_rows + 1))
    return lf_err(err, LF_CORRUPT, "full-zip repetition index of %llu bytes for %llu rows",
                  (unsigned long long)pg->buf_len[1], (unsigned long long)pg->num_rows);
  uint8_t *cat = NULL, *idx = NULL;
  uint64_t cat_len = 0, cap = 0, nrows = 0;
  int rc = LF_OK;
  for (size_t i = 0; i < k && !rc;) {
    if (i && rows[i] == rows[i - 1]) { /* duplicate: same row again */
      row_map[i] = row_map[i - 1];
      i++;
      continue;
    }
    size_t j = i + 1; /* a run of consecutive rows: one index read, one data read */
    while (j < k && rows[j] == rows[j - 1] + 1) j++;
    uint64_t r0 = rows[i], r1 = rows[j - 1] + 1;
    free(idx);
    idx = NULL;
    rc = lf_file_read(f, pg->buf_off[1] + r0 * w, (r1 - r0 + 1) * w, &idx, "repetition index", err);
    if (rc) break;
    uint64_t b0 = lf_le(idx, (unsigned)w), b1 = lf_le(idx + (r1 - r0) * w, (unsigned)w);
    if (b0 > b1 || b1 > pg->buf_len[0]) {
      rc = lf_err(err, LF_CORRUPT, "full-zip rows %llu..%llu span bytes [%llu, %llu) of %llu",
                  (unsigned long long)r0, (unsigned long long)r1, (unsigned long long)b0,
                  (unsigned long long)b1, (unsigned long long)pg->buf_len[0]);
      break;
    }
    if (grow_bytes(&cat, &cap, cat_len, cat_len + (b1 - b0) + 8)) {
      rc = lf_err(err, LF_NOMEM, "out of memory");
      break;
    }
    rc = lf_file_read_into(f, pg->buf_off[0] + b0, b1 - b0, cat + cat_len, "full-zip rows", err);
    cat_len += b1 - b0;
    for (size_t t = i; t < j; t++) row_map[t] = nrows + (rows[t] - r0);
    nrows += r1 - r0;
    i = j;
  }
  free(idx);
  if (!rc) {
    out->num_rows = nrows;
    rc = fullzip_items(z, cat ? cat : (const uint8_t *)"", (size_t)cat_len, out, err);
  }
  free(cat);
  return rc;
}

int lf_page21_view(const lf_page *pg, uint64_t width, const uint8_t *file, uint64_t len,
                   const uint8_t **out, lf_error *err) {
  lf_pb pb;
  lf_pb_field fl;
  lf_pagedata layers = {0};
  fullzip_layout z;
  *out = NULL;
  lf_pb_init(&pb, pg->enc, pg->enc_len);
  int r = lf_pb_next(&pb, &fl, "page layout", err);
  if (r < 0) return LF_CORRUPT;
  if (r == 0 || fl.num != 3 || fl.wire != 2)
    return lf_err(err, LF_UNSUPPORTED, "not a full-zip page");
  int rc = parse_fullzip(fl.data, fl.len, &z, &layers, err);
  if (rc) return rc;
  if (!fullzip_raw_fixed(&z) || lf_layers_max_rep(layers.layers, layers.n_layers))
    return lf_err(err, LF_UNSUPPORTED, "full-zip values not stored as is");
  if (z.bits_value != width * 8) return lf_err(err, LF_UNSUPPORTED, "full-zip values of another width");
  if ((rc = fullzip_raw_size(pg, width, err))) return rc;
  if (pg->buf_off[0] > len || pg->buf_len[0] > len - pg->buf_off[0])
    return lf_err(err, LF_CORRUPT, "page buffer [%llu, +%llu) is outside the file (%llu bytes)",
                  (unsigned long long)pg->buf_off[0], (unsigned long long)pg->buf_len[0],
                  (unsigned long long)len);
  *out = file + pg->buf_off[0];
  return LF_OK;
}

int lf_decode_page21_rows(lf_file *f, lf_page *pg, const uint64_t *rows, size_t k,
                          lf_pagedata *out, uint64_t *row_map, lf_error *err) {
  lf_pagedata_reset(out);
  for (size_t i = 0; i < k; i++)
    if (rows[i] >= pg->num_rows || (i && rows[i] < rows[i - 1]))
      return lf_err(err, LF_ARG, "take rows must be ascending and inside the page");
  lf_pb pb;
  lf_pb_field fl;
  lf_pb_init(&pb, pg->enc, pg->enc_len);
  int r = lf_pb_next(&pb, &fl, "page layout", err), rc = -1;
  if (r < 0) return LF_CORRUPT;
  /* layouts parse straight into out; the whole-page fallback resets it */
  if (r > 0 && fl.num == 1 && fl.wire == 2) {
    miniblock_layout m;
    if (parse_miniblock(fl.data, fl.len, &m, out, NULL) == LF_OK)
      rc = !m.has_rep ? take_miniblock(f, pg, &m, rows, k, out, row_map, err)
           : m.rep_index_depth ? take_miniblock_rep(f, pg, &m, rows, k, out, row_map, err) : -1;
  } else if (r > 0 && fl.num == 3 && fl.wire == 2) {
    fullzip_layout z;
    if (parse_fullzip(fl.data, fl.len, &z, out, NULL) == LF_OK) {
      int fixed = fullzip_raw_fixed(&z);
      if (fixed || pg->nbuf >= 2)
        rc = fixed ? take_fullzip_fixed(f, pg, z.bits_value / 8, rows, k, out, row_map, err)
                   : take_fullzip_indexed(f, pg, &z, rows, k, out, row_map, err);
    }
  }
  if (rc == -1) { /* other layouts: decode the whole page */
    rc = lf_decode_page21(f, pg, out, err);
    for (size_t i = 0; !rc && i < k; i++) row_map[i] = rows[i];
    return rc;
  }
  if (!rc && out->n_layers == 0) rc = lf_err(err, LF_CORRUPT, "page layout has no repdef layers");
  if (!rc) rc = index_rows(out, err);
  if (rc) lf_pagedata_reset(out);
  return rc;
}

/* ---- take planning (lf_page21_take_ranges) ---------------------------------- */

/* The chunks take_miniblock / take_miniblock_rep decode for rows[0..k). */
static int plan_chunks(const lf_page *pg, const struct lf_take_plan *pl, const uint64_t *rows,
                       size_t k, lf_rangeset *rs) {
  const chunk_info *ct = pl->ct;
  int st = LF_OK;
  size_t next = 0; /* chunks before it are listed already */
  uint64_t first = 0;
  for (size_t i = 0, r = 0; !pl->rc && i < pl->n && r < k && !st; first += ct[i++].items) {
    if (rows[r] >= first + ct[i].items) continue;
    st = lf_rangeset_add(rs, pg->buf_off[1] + ct[i].pos, ct[i].bytes);
    while (r < k && rows[r] < first + ct[i].items) r++;
  }
  for (size_t i = 0; pl->rc && i < k && !st; i++) {
    size_t a = chunk_of_start(pl->rc, pl->n, rows[i]), b = chunk_of_end(pl->rc, pl->n, rows[i]);
    for (a = a > next ? a : next; a <= b && b < pl->n && !st; a++)
      st = lf_rangeset_add(rs, pg->buf_off[1] + ct[a].pos, ct[a].bytes);
    if (b < pl->n && b + 1 > next) next = b + 1;
  }
  return st;
}

static int plan_miniblock(lf_file *f, lf_page *pg, const miniblock_layout *m, const uint64_t *rows,
                          size_t k, int pass, lf_rangeset *rs) {
  int st = LF_OK, rix = 2 + m->has_dict;
  if (m->has_rep && !m->rep_index_depth) { /* decoded whole */
    for (int b = 0; !pass && b < pg->nbuf && !st; b++)
      st = lf_rangeset_add(rs, pg->buf_off[b], pg->buf_len[b]);
    return st;
  }
  if (pass == 0) {
    if (pg->plan) return LF_OK;
    st = lf_rangeset_add(rs, pg->buf_off[0], pg->buf_len[0]);
    if (!st && m->has_rep && pg->nbuf > rix)
      st = lf_rangeset_add(rs, pg->buf_off[rix], pg->buf_len[rix]);
    return st;
  }
  const struct lf_take_plan *pl = NULL;
  if (take_plan(f, pg, m, &pl, NULL)) return LF_OK; /* the take reports it */
  st = plan_chunks(pg, pl, rows, k, rs);
  if (!st && m->has_dict && !pl->dict.ok) st = lf_rangeset_add(rs, pg->buf_off[2], pg->buf_len[2]);
  return st;
}

/* Full-zip pages: runs of consecutive rows as take_fullzip_fixed and
** take_fullzip_indexed read them (the index entries in pass 0, the rows'
** bytes, located through the staged entries, in pass 1). */
static int plan_fullzip(lf_file *f, const lf_page *pg, const fullzip_layout *z,
                        const uint64_t *rows, size_t k, int pass, lf_rangeset *rs) {
  int fixed = fullzip_raw_fixed(z), st = LF_OK;
  uint64_t vw = z->bits_value / 8, w = pg->nbuf >= 2 ? pg->buf_len[1] / (pg->num_rows + 1) : 0;
  if (!fixed && (w != 1 && w != 2 && w != 4 && w != 8)) return LF_OK;
  for (size_t i = 0; i < k && !st;) {
    size_t j = i + 1;
    while (j < k && rows[j] == rows[j - 1] + 1) j++;
    uint64_t r0 = rows[i], r1 = rows[j - 1] + 1;
    uint8_t e0[8], e1[8];
    if (fixed && !pass) st = lf_rangeset_add(rs, pg->buf_off[0] + r0 * vw, (r1 - r0) * vw);
    else if (!fixed && !pass) st = lf_rangeset_add(rs, pg->buf_off[1] + r0 * w, (r1 - r0 + 1) * w);
    else if (!fixed && lf_stage_get(f, pg->buf_off[1] + r0 * w, w, e0) &&
             lf_stage_get(f, pg->buf_off[1] + r1 * w, w, e1)) {
      uint64_t b0 = lf_le(e0, (unsigned)w), b1 = lf_le(e1, (unsigned)w);
      if (b0 < b1 && b1 <= pg->buf_len[0]) st = lf_rangeset_add(rs, pg->buf_off[0] + b0, b1 - b0);
    }
    i = j;
  }
  return st;
}

int lf_page21_take_ranges(lf_file *f, lf_page *pg, const uint64_t *rows, size_t k, int pass,
                          lf_rangeset *rs) {
  lf_pb pb;
  lf_pb_field fl;
  lf_pagedata layers = {0};
  int st = LF_OK;
  lf_pb_init(&pb, pg->enc, pg->enc_len);
  if (lf_pb_next(&pb, &fl, "page layout", NULL) <= 0 || fl.wire != 2) return LF_OK;
  if (fl.num == 1) {
    miniblock_layout m;
    if (parse_miniblock(fl.data, fl.len, &m, &layers, NULL) == LF_OK && pg->nbuf >= 2 + m.has_dict)
      st = plan_miniblock(f, pg, &m, rows, k, pass, rs);
  } else if (fl.num == 3) {
    fullzip_layout z;
    if (parse_fullzip(fl.data, fl.len, &z, &layers, NULL) == LF_OK && pg->nbuf >= 1)
      st = plan_fullzip(f, pg, &z, rows, k, pass, rs);
  }
  lf_pagedata_reset(&layers);
  return st;
}
