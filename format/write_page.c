/*
** write_page.c: owns encoding one page of a leaf column (file versions 2.1
** and 2.2) from the rows the writer gathered (lf_wpage, lf_int.h): layer
** kinds and definition levels, then one of three structural layouts, each
** the inverse of what decode_page.c reads.
**
** Layers (PageLayout *.layers, inner-most first): a list layer is
** ALL_VALID_LIST, NULLABLE_LIST, EMPTYABLE_LIST or NULL_AND_EMPTY_LIST and
** an item (struct or leaf) layer ALL_VALID_ITEM or NULLABLE_ITEM, after
** what the page holds.  Definition levels count from 1 over the layers,
** inner-most first: one level per nullable layer (its null), one per
** emptyable list (its empty; after the null when both).  Repetition levels:
** max_rep starts a row, max_rep - q continues the q-th list from the top.
**
** All-null page (no valid value), PageLayout 2 (constant layout without a
** value): 5 layers, 9/10 number of rep/def levels; buffers none (one
** nullable layer, no levels) or 0 rep, 1 def as raw u16 (empty when absent).
**
** Mini-block page, PageLayout 1: 1 rep / 2 def compression (when the page
** has them: OutOfLineBitpacking of u16 levels at the width of the largest
** level, bitpack.c, each chunk's levels packed on their own), 3 value compression, 4/5 dictionary encoding and items
** (strings/binary when a dictionary pays, write_dict.c; the values are then
** its indices), 6 layers, 7 num_buffers (1),
** 8 repetition index depth (1 with lists), 9 num_items (value slots),
** 10 has_large_chunk (2.2).  Buffers:
**   0 chunk metadata, per chunk u16 (u32 in 2.2): bits 0-3 log2(values)
**     (0 for the last chunk), bits 4.. (8-byte words) - 1;
**   1 chunks, each: u16 levels, u16 rep bytes, u16 def bytes (packed; when the page
**     has them), value buffer size (u16; u32 in 2.2), pad to 8; rep levels,
**     pad; def levels, pad; values, pad.  A chunk holds 2^k values (the last
**     one the rest), at most 4096 values and 8186 value bytes, and the levels
**     up to its last value (the last chunk: all the rest);
**   2 (dictionary pages) the dictionary, write_dict.c;
**   2, or 3 after a dictionary (lists only) repetition index: per chunk u64 rows finished in it,
**     u64 levels left over after the last finished row.
**   Values: InlineBitpacking (8/16/32/64-bit values when smaller than flat:
**   chunks of 1024 values, each [bit width as one value-width LE word]
**   [FastLanes block of 128 * width bytes], bitpack.c), Flat (raw
**   little-endian; bool 1-bit LSB-first), FixedSizeList
**   of Flat (vectors), Fsst {1 symbol table, 2 Variable} (strings of 5 bytes
**   or more, 32 KiB or more, when smaller: the Variable below over the
**   compressed strings, fsst_write.c), General {1 {1 scheme, 2 level}, 3
**   one of these} (field metadata lance-encoding:compression zstd|lz4, when
**   the values are 4 KiB or more and it shrinks them: each chunk's value
**   buffer compressed on its own, general.c framing; "none" keeps values
**   flat and strings plain, "fsst" forces FSST), Variable (n+1 u32/u64 offsets counted from the start
**   of the buffer, then the bytes, zero-padded to a multiple of the offset
**   width: LanceDB refuses other sizes).
**
** Full-zip page (values of 256 bytes or more), PageLayout 3: 1 bits_rep,
** 2 bits_def, 3 bits_per_value (fixed) or 4 bits_per_offset (variable),
** 5 num_items (levels, or values without lists), 6 num_visible_items,
** 7 value compression, 8 layers.  Buffer 0 is, per level: a control word
** (rep << bits_def | def in 1, 2 or 4 bytes, absent when both widths are
** 0), then a visible item's value (variable: a valid item's length then
** its bytes).  Buffer 1, the repetition index (with lists, and always for
** variable values): byte offset of each row in buffer 0 and one past the
** end, all in the narrowest of 1/2/4/8 bytes that holds the largest.
*/
#include "codec.h"
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

#define MB_MAX_VALUES 4096
#define MB_MAX_VALUE_BYTES 8186
#define MB_MAX_CHUNK 32768
#define FULLZIP_MIN_WIDTH 256
#define FSST_MIN_MAX_LEN 5
#define FSST_MIN_BYTES ((size_t)32 << 10)
#define GENERAL_MIN_BYTES 4096

void lf_wpage_clear(lf_wpage *p) {
  p->n_rows = p->n_levels = p->n_vals = p->n_valid = p->max_len = 0;
  p->seen_null = p->seen_empty = 0;
  lf_buf_clear(&p->rep);
  lf_buf_clear(&p->ev);
  lf_buf_clear(&p->vals);
  lf_buf_clear(&p->offs);
}

void lf_wpage_reset(lf_wpage *p) {
  lf_buf_reset(&p->rep);
  lf_buf_reset(&p->ev);
  lf_buf_reset(&p->vals);
  lf_buf_reset(&p->offs);
}

void lf_wenc_reset(lf_wenc *e) {
  lf_wdict_reset(&e->dict);
  lf_buf_reset(&e->tmp);
  for (int i = 0; i < 4; i++) lf_buf_reset(&e->bufs[i]);
  lf_buf_reset(&e->layout);
  e->nbuf = 0;
}

static void wenc_clear(lf_wenc *out) {
  for (int i = 0; i < 4; i++) lf_buf_clear(&out->bufs[i]);
  lf_buf_clear(&out->layout);
  out->nbuf = 0;
}

/* ---- layers and definition levels ---------------------------------------- */

enum { VC_FLAT, VC_BITPACK };

typedef struct plan {
  uint8_t layers[LF_MAX_LAYERS];
  int has_rep, has_def;
  uint16_t max_def, max_vis;
  int vc;        /* mini-block value compression, VC_* */
  unsigned bw_rep, bw_def; /* mini-block levels: out-of-line bitpacking widths */
  const uint8_t *fsst;     /* FSST symbol table of the (compressed) values, or NULL */
  int general;             /* LF_GENERAL_* around each chunk's values, 0 = none */
  uint64_t graw, gz;       /* general: value bytes before / after */
  int gover;               /* general: a chunk outgrew MB_MAX_CHUNK */
} plan;

static uint16_t lvl(const lf_buf *b, uint64_t i) { return lf_le16(b->p + 2 * i); }

static uint32_t bits_for(uint32_t v) {
  uint32_t b = 0;
  while (v >> b) b++;
  return b;
}

/* Layer kinds from what the page holds; rewrite the event codes in p->ev
** as definition levels. */
static void make_plan(lf_wpage *p, plan *pl) {
  uint16_t dnull[LF_MAX_LAYERS], dempty[LF_MAX_LAYERS], d = 1;
  memset(pl, 0, sizeof *pl);
  for (int j = 0; j < p->depth; j++) {
    int n = (p->seen_null >> j) & 1, e = (p->seen_empty >> j) & 1;
    dnull[j] = n ? d++ : 0;
    dempty[j] = e ? d++ : 0;
    if (j < p->first_list && n) pl->max_vis = dnull[j];
    if (!p->is_list[j]) pl->layers[j] = n ? LF_LAYER_NULLABLE_ITEM : LF_LAYER_ALL_VALID_ITEM;
    else pl->layers[j] = n && e ? LF_LAYER_NULL_AND_EMPTY_LIST : n ? LF_LAYER_NULLABLE_LIST
                         : e ? LF_LAYER_EMPTYABLE_LIST : LF_LAYER_ALL_VALID_LIST;
  }
  pl->max_def = (uint16_t)(d - 1);
  pl->has_def = d > 1;
  pl->has_rep = p->max_rep > 0;
  for (uint64_t i = 0; pl->has_def && i < p->n_levels; i++) {
    uint16_t ev = lvl(&p->ev, i), v = 0;
    if (ev) v = (ev - 1) % 2 ? dempty[(ev - 1) / 2] : dnull[(ev - 1) / 2];
    p->ev.p[2 * i] = (uint8_t)v;
    p->ev.p[2 * i + 1] = (uint8_t)(v >> 8);
  }
}

static int visible(const lf_wpage *p, const plan *pl, uint64_t i) {
  return !pl->has_def || lvl(&p->ev, i) <= pl->max_vis;
}

/* ---- CompressiveEncoding messages ------------------------------------------ */

static void ce_flat(lf_buf *b, uint32_t num, uint64_t bits) {
  size_t m = lf_pbw_begin(b), f = lf_pbw_begin(b);
  lf_pbw_uint(b, 1, bits);
  lf_pbw_end(b, 1, f);
  lf_pbw_end(b, num, m);
}

/* OutOfLineBitpacking {1 uncompressed 16, 3 values: Flat {1 bw}} at num. */
static void ce_levels(lf_buf *b, uint32_t num, unsigned bw) {
  size_t m = lf_pbw_begin(b), o = lf_pbw_begin(b);
  lf_pbw_uint(b, 1, 16);
  ce_flat(b, 3, bw);
  lf_pbw_end(b, 4, o);
  lf_pbw_end(b, num, m);
}

/* The value compression of the page's values at field num (full-zip
** stores a boolean in a byte). */
static void ce_values(lf_buf *b, uint32_t num, const lf_wpage *p, const plan *pl, int zipped) {
  size_t m = lf_pbw_begin(b), f = lf_pbw_begin(b);
  if (!zipped && pl->vc == VC_BITPACK) {
    lf_pbw_uint(b, 1, (uint64_t)p->width * 8);
    lf_pbw_end(b, 5, f);
  } else if (p->kind == LF_WV_VAR && pl->fsst && !zipped) {
    lf_pbw_bytes(b, 1, pl->fsst, LF_FSST_TABLE_BYTES);
    size_t c = lf_pbw_begin(b), v = lf_pbw_begin(b);
    ce_flat(b, 1, p->var64 ? 64 : 32);
    lf_pbw_end(b, 2, v);
    lf_pbw_end(b, 2, c);
    lf_pbw_end(b, 6, f);
  } else if (p->kind == LF_WV_VAR) {
    ce_flat(b, 1, p->var64 ? 64 : 32);
    lf_pbw_end(b, 2, f);
  } else if (p->fsl_dim) {
    lf_pbw_uint(b, 1, p->fsl_dim);
    ce_flat(b, 2, (uint64_t)p->width * 8 / p->fsl_dim);
    lf_pbw_end(b, 11, f);
  } else {
    lf_pbw_uint(b, 1, p->kind == LF_WV_BOOL && !zipped ? 1 : (uint64_t)p->width * 8);
    lf_pbw_end(b, 1, f);
  }
  lf_pbw_end(b, num, m);
}

static void put_layers(lf_buf *b, uint32_t num, const plan *pl, int depth) {
  lf_pbw_bytes(b, num, pl->layers, (size_t)depth);
}

static void layout_end(lf_wenc *out, uint32_t num, size_t mark) {
  lf_pbw_end(&out->layout, num, mark);
}

/* ---- all-null pages --------------------------------------------------------- */

static int encode_allnull(lf_wpage *p, const plan *pl, lf_wenc *out) {
  lf_buf *L = &out->layout;
  size_t m = lf_pbw_begin(L);
  put_layers(L, 5, pl, p->depth);
  if (pl->has_rep || p->depth > 1) {
    uint64_t n = p->n_levels;
    if (pl->has_rep) lf_pbw_uint(L, 9, n);
    if (pl->has_def) lf_pbw_uint(L, 10, n);
    if (pl->has_rep) lf_buf_put(&out->bufs[0], p->rep.p, (size_t)n * 2);
    if (pl->has_def) lf_buf_put(&out->bufs[1], p->ev.p, (size_t)n * 2);
    out->nbuf = 2;
  }
  layout_end(out, 2, m);
  return LF_OK;
}

/* ---- mini-block pages -------------------------------------------------------- */

static uint64_t var_start(const lf_wpage *p, uint64_t k) {
  return k ? lf_le64(p->offs.p + 8 * (k - 1)) : 0;
}

static uint64_t value_bytes(const lf_wpage *p, uint64_t v, uint64_t n) {
  if (p->kind == LF_WV_BOOL) return (n + 7) / 8;
  if (p->kind == LF_WV_FIXED) return n * p->width;
  uint64_t w = p->var64 ? 8 : 4; /* LanceDB wants whole offset widths: bytes padded */
  return ((n + 1) * w + var_start(p, v + n) - var_start(p, v) + w - 1) / w * w;
}

static void put_values(lf_buf *b, const lf_wpage *p, uint64_t v, uint64_t n) {
  if (p->kind == LF_WV_FIXED) {
    lf_buf_put(b, p->vals.p + v * p->width, (size_t)(n * p->width));
  } else if (p->kind == LF_WV_BOOL) {
    for (uint64_t i = 0; i < n; i += 8) {
      uint8_t byte = 0;
      for (uint64_t k = i; k < n && k < i + 8; k++) byte |= (uint8_t)((p->vals.p[v + k] & 1) << (k - i));
      lf_buf_u8(b, byte);
    }
  } else {
    unsigned w = p->var64 ? 8 : 4;
    uint64_t s0 = var_start(p, v), base = (n + 1) * w;
    for (uint64_t k = 0; k <= n; k++) {
      uint64_t o = base + var_start(p, v + k) - s0;
      if (w == 8) lf_buf_u64le(b, o);
      else lf_buf_u32le(b, (uint32_t)o);
    }
    lf_buf_put(b, p->vals.p + s0, (size_t)(var_start(p, v + n) - s0));
    lf_buf_pad(b, w); /* values start 8-aligned in b: this pads the value buffer */
  }
}

/* Level index just past the n-th visible item from level l. */
static uint64_t levels_for(const lf_wpage *p, const plan *pl, uint64_t l, uint64_t n) {
  if (!pl->has_def) return l + n;
  while (n) n -= (uint64_t)visible(p, pl, l++);
  return l;
}

static void poke64(lf_buf *b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; i++) b->p[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* Repetition index entry of the chunk with levels [l0, l1). */
static void rep_index_add(lf_buf *ri, const lf_wpage *p, uint64_t l0, uint64_t l1, int first,
                          int last) {
  uint16_t mr = (uint16_t)p->max_rep;
  uint64_t rows = 0, left = 0;
  for (uint64_t i = l0 + 1; i < l1; i++) rows += lvl(&p->rep, i) == mr;
  if (!last) {
    uint64_t i = l1;
    while (i > l0 && lvl(&p->rep, i - 1) != mr) i--;
    left = i > l0 ? l1 - i + 1 : l1 - l0;
  }
  if (!first && lvl(&p->rep, l0) == mr && ri->rc == 0 && lf_le64(ri->p + ri->len - 8)) {
    poke64(ri, ri->len - 16, lf_le64(ri->p + ri->len - 16) + 1);
    poke64(ri, ri->len - 8, 0);
  }
  lf_buf_u64le(ri, rows + (last ? 1 : 0));
  lf_buf_u64le(ri, left);
}

typedef struct chunk {
  uint64_t v, n, l0, l1, vb, rb, db; /* vb, rb, db: value, rep, def bytes */
  int lg, last;
} chunk;

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Bytes of the chunk's value buffer; VC_BITPACK: one inline-bitpacked
** block at the chunk's bit width. */
static uint64_t chunk_value_bytes(const lf_wpage *p, const plan *pl, const chunk *c) {
  if (pl->vc != VC_BITPACK) return value_bytes(p, c->v, c->n);
  unsigned bw = lf_bitwidth(p->width * 8, p->vals.p + c->v * p->width, (size_t)c->n);
  return p->width + LF_FL_PACKED_BYTES(bw);
}

/* Size a chunk starting at value v / level l; 0 if even one value does not fit. */
static size_t size_chunk(const lf_wpage *p, const plan *pl, int large, chunk *c) {
  size_t hdr = 2 + (pl->has_rep ? 2 : 0) + (pl->has_def ? 2 : 0) + (large ? 4 : 2);
  int nlev = pl->has_rep + pl->has_def, packed = pl->vc == VC_BITPACK;
  for (c->lg = packed ? 10 : 12; c->lg >= 0; c->lg--) {
    uint64_t left = p->n_vals - c->v;
    c->n = (uint64_t)1 << c->lg;
    c->last = c->n >= left;
    if (c->last) c->n = left;
    c->l1 = nlev == 0 ? c->l0 : c->last ? p->n_levels : levels_for(p, pl, c->l0, c->n);
    uint64_t lb = (c->l1 - c->l0) * 2;
    c->vb = chunk_value_bytes(p, pl, c);
    c->rb = pl->has_rep ? lf_ool_bitpack_size(16, pl->bw_rep, (size_t)(c->l1 - c->l0)) : 0;
    c->db = pl->has_def ? lf_ool_bitpack_size(16, pl->bw_def, (size_t)(c->l1 - c->l0)) : 0;
    size_t size = pad8(hdr) + pad8((size_t)c->rb) + pad8((size_t)c->db) + pad8((size_t)c->vb);
    if ((packed || c->vb <= MB_MAX_VALUE_BYTES) && lb <= 65535 && size <= MB_MAX_CHUNK)
      return size;
  }
  return 0;
}

static void put_bitpacked(lf_buf *b, const lf_wpage *p, const chunk *c) {
  unsigned bits = p->width * 8;
  size_t len = 0;
  if (lf_buf_reserve(b, LF_INLINE_BITPACK_MAX_BYTES(bits))) return;
  if (lf_inline_bitpack_encode(bits, p->vals.p + c->v * p->width, (size_t)c->n, b->p + b->len,
                               LF_INLINE_BITPACK_MAX_BYTES(bits), &len, NULL) == LF_OK)
    b->len += len;
  else
    b->rc = LF_NOMEM; /* cannot happen: widths are checked by choose_values */
}

/* Levels [l0, l0 + n) out-of-line bitpacked at bw (len bytes), padded to 8. */
static void put_levels(lf_buf *b, const lf_buf *lv, uint64_t l0, uint64_t n, unsigned bw,
                       uint64_t len) {
  uint8_t *z = NULL;
  size_t zlen = 0;
  if (lf_ool_bitpack_encode(16, bw, lv->p + l0 * 2, (size_t)n, &z, &zlen, NULL) || zlen != len)
    b->rc = LF_NOMEM; /* only allocation can fail: bw covers every level */
  else
    lf_buf_put(b, z, zlen);
  free(z);
  lf_buf_pad(b, 8);
}

static void put_chunk_values(lf_buf *b, const lf_wpage *p, const plan *pl, const chunk *c) {
  if (pl->vc == VC_BITPACK) put_bitpacked(b, p, c);
  else put_values(b, p, c->v, c->n);
}

/* General compression of the chunk's values into *z (malloc'd); their size. */
static uint64_t general_values(lf_wenc *out, const lf_wpage *p, plan *pl, const chunk *c,
                               uint8_t **z) {
  size_t zlen = 0;
  lf_buf_clear(&out->tmp);
  put_chunk_values(&out->tmp, p, pl, c);
  if (out->tmp.rc || lf_general_compress(pl->general, p->comp_level, out->tmp.p, out->tmp.len,
                                         z, &zlen, NULL))
    out->bufs[1].rc = LF_NOMEM;
  pl->graw += out->tmp.len;
  pl->gz += zlen;
  return zlen;
}

static void put_chunk(lf_wenc *out, const lf_wpage *p, plan *pl, int large, const chunk *c) {
  lf_buf *b = &out->bufs[1];
  size_t start = b->len;
  uint64_t nl = c->l1 - c->l0, vb = c->vb;
  uint8_t *z = NULL;
  if (pl->general) vb = general_values(out, p, pl, c, &z);
  lf_buf_u16le(b, (uint16_t)nl);
  if (pl->has_rep) lf_buf_u16le(b, (uint16_t)c->rb);
  if (pl->has_def) lf_buf_u16le(b, (uint16_t)c->db);
  if (large) lf_buf_u32le(b, (uint32_t)vb);
  else lf_buf_u16le(b, (uint16_t)vb);
  lf_buf_pad(b, 8);
  if (pl->has_rep) put_levels(b, &p->rep, c->l0, nl, pl->bw_rep, c->rb);
  if (pl->has_def) put_levels(b, &p->ev, c->l0, nl, pl->bw_def, c->db);
  if (pl->general) lf_buf_put(b, z, (size_t)vb);
  else put_chunk_values(b, p, pl, c);
  free(z);
  lf_buf_pad(b, 8);
  size_t size = b->len - start;
  if (size > MB_MAX_CHUNK || (!large && vb > 65535)) pl->gover = 1;
  uint64_t meta = ((uint64_t)(size / 8 - 1) << 4) | (uint64_t)(c->last ? 0 : c->lg);
  if (large) lf_buf_u32le(&out->bufs[0], (uint32_t)meta);
  else lf_buf_u16le(&out->bufs[0], (uint16_t)meta);
}

/* The mini-block value compression: inline bitpacking for 8/16/32/64-bit
** values when the 1024-value blocks at their own bit widths (plus the
** width word each) are smaller than the flat values, else flat. */
static int choose_values(const lf_wpage *p) {
  unsigned w = p->width;
  if (p->comp == LF_WCOMP_NONE || p->kind != LF_WV_FIXED || p->fsl_dim || (w != 1 && w != 2 && w != 4 && w != 8))
    return VC_FLAT;
  uint64_t packed = 0;
  for (uint64_t v = 0; v < p->n_vals; v += LF_FL_BLOCK) {
    uint64_t n = p->n_vals - v < LF_FL_BLOCK ? p->n_vals - v : LF_FL_BLOCK;
    packed += w + LF_FL_PACKED_BYTES(lf_bitwidth(w * 8, p->vals.p + v * w, (size_t)n));
  }
  return packed < p->n_vals * w ? VC_BITPACK : VC_FLAT;
}

/* 1 when the page cannot be cut into chunks (too many levels per value). */
static int encode_miniblock(lf_wpage *p, plan *pl, int large, const lf_wdict *d, lf_wenc *out) {
  chunk c = {0};
  int ri = d ? 3 : 2; /* the repetition index follows the dictionary */
  pl->vc = choose_values(p);
  pl->bw_rep = bits_for((uint32_t)p->max_rep);
  pl->bw_def = bits_for(pl->max_def);
  for (int first = 1; c.v < p->n_vals; first = 0) {
    size_t size = size_chunk(p, pl, large, &c);
    if (!size) return 1;
    put_chunk(out, p, pl, large, &c);
    if (pl->has_rep) rep_index_add(&out->bufs[ri], p, c.l0, c.l1, first, c.last);
    c.v += c.n;
    c.l0 = c.l1;
  }
  if (d) lf_buf_put(&out->bufs[2], d->items.p, d->items.len);
  out->nbuf = pl->has_rep ? ri + 1 : ri;
  lf_buf *L = &out->layout;
  size_t m = lf_pbw_begin(L);
  if (pl->has_rep) ce_levels(L, 1, pl->bw_rep);
  if (pl->has_def) ce_levels(L, 2, pl->bw_def);
  if (pl->general) {
    size_t m3 = lf_pbw_begin(L), g = lf_pbw_begin(L), bc = lf_pbw_begin(L);
    lf_pbw_uint(L, 1, (uint64_t)pl->general);
    lf_pbw_uint_nz(L, 2, (uint64_t)p->comp_level);
    lf_pbw_end(L, 1, bc);
    ce_values(L, 3, p, pl, 0);
    lf_pbw_end(L, 10, g);
    lf_pbw_end(L, 3, m3);
  } else {
    ce_values(L, 3, p, pl, 0);
  }
  if (d) lf_pbw_bytes(L, 4, d->ce.p, d->ce.len), lf_pbw_uint(L, 5, d->n_items);
  put_layers(L, 6, pl, p->depth);
  lf_pbw_uint(L, 7, 1);
  if (pl->has_rep) lf_pbw_uint(L, 8, 1);
  lf_pbw_uint(L, 9, p->n_vals);
  if (large) lf_pbw_uint(L, 10, 1);
  layout_end(out, 1, m);
  return 0;
}

/* encode_miniblock, with the general compression the field's metadata asks
** for around each chunk's values (LanceDB's GeneralMiniBlockCompressor)
** when the values are 4 KiB or more and it makes them smaller. */
static int encode_mb(lf_wpage *p, plan *pl, int large, const lf_wdict *d, lf_wenc *out) {
  pl->general = p->comp > 0 ? p->comp : 0;
  pl->graw = pl->gz = 0;
  pl->gover = 0;
  int r = encode_miniblock(p, pl, large, d, out);
  if (r || !pl->general || (pl->graw >= GENERAL_MIN_BYTES && pl->gz < pl->graw && !pl->gover))
    return r;
  wenc_clear(out);
  pl->general = 0;
  return encode_miniblock(p, pl, large, d, out);
}

/* ---- full-zip pages ------------------------------------------------------------ */

/* Row offsets (u64 LE in idx) -> the repetition index, bytepacked. */
static void put_rep_index(lf_buf *dst, const lf_buf *idx) {
  size_t n = idx->len / 8;
  uint64_t max = n ? lf_le64(idx->p + idx->len - 8) : 0;
  unsigned w = max <= 0xff ? 1 : max <= 0xffff ? 2 : max <= 0xffffffffu ? 4 : 8;
  if (lf_buf_reserve(dst, n * w)) return;
  for (size_t i = 0; i < n; i++) {
    uint64_t v = lf_le64(idx->p + 8 * i);
    for (unsigned k = 0; k < w; k++) dst->p[dst->len++] = (uint8_t)(v >> (8 * k));
  }
}

/* Buffer 0 and the row offsets: control word + value per level. */
static void zip_values(const lf_wpage *p, const plan *pl, uint32_t bdef, int cw, lf_buf *d,
                       lf_buf *rows) {
  int levels = pl->has_rep || pl->has_def;
  uint64_t n = levels ? p->n_levels : p->n_vals, k = 0;
  unsigned ow = p->var64 ? 8 : 4;
  for (uint64_t i = 0; i < n; i++) {
    uint32_t rep = pl->has_rep ? lvl(&p->rep, i) : 0, def = pl->has_def ? lvl(&p->ev, i) : 0;
    if (!pl->has_rep || rep == (uint32_t)p->max_rep) lf_buf_u64le(rows, d->len);
    uint32_t word = rep << bdef | def;
    for (int b = 0; b < cw; b++) lf_buf_u8(d, (uint8_t)(word >> (8 * b)));
    if (def > pl->max_vis) continue;
    if (p->kind != LF_WV_VAR) {
      lf_buf_put(d, p->vals.p + k * p->width, p->width);
    } else if (def == 0) {
      uint64_t s = var_start(p, k), len = var_start(p, k + 1) - s;
      if (ow == 8) lf_buf_u64le(d, len);
      else lf_buf_u32le(d, (uint32_t)len);
      lf_buf_put(d, p->vals.p + s, (size_t)len);
    }
    k++;
  }
  lf_buf_u64le(rows, d->len);
}

static int encode_fullzip(lf_wpage *p, const plan *pl, lf_wenc *out) {
  uint32_t brep = pl->has_rep ? bits_for((uint32_t)p->max_rep) : 0;
  uint32_t bdef = pl->has_def ? bits_for(pl->max_def) : 0;
  int cw = brep + bdef == 0 ? 0 : brep + bdef <= 8 ? 1 : brep + bdef <= 16 ? 2 : 4;
  lf_buf rows = {0};
  if (!cw && p->kind != LF_WV_VAR) { /* no levels, fixed width: buffer 0 is vals as they are */
    lf_buf t = out->bufs[0];
    out->bufs[0] = p->vals;
    p->vals = t;
  } else {
    zip_values(p, pl, bdef, cw, &out->bufs[0], &rows);
  }
  out->nbuf = 1;
  if (pl->has_rep || p->kind == LF_WV_VAR) {
    put_rep_index(&out->bufs[1], &rows);
    out->nbuf = 2;
  }
  int rc = rows.rc;
  lf_buf_reset(&rows);
  lf_buf *L = &out->layout;
  size_t m = lf_pbw_begin(L);
  lf_pbw_uint_nz(L, 1, brep);
  lf_pbw_uint_nz(L, 2, bdef);
  if (p->kind == LF_WV_VAR) lf_pbw_uint(L, 4, p->var64 ? 64 : 32);
  else lf_pbw_uint(L, 3, (uint64_t)p->width * 8);
  lf_pbw_uint(L, 5, pl->has_rep ? p->n_levels : p->n_vals);
  lf_pbw_uint(L, 6, p->n_vals);
  ce_values(L, 7, p, pl, 1);
  put_layers(L, 8, pl, p->depth);
  layout_end(out, 3, m);
  return rc;
}

/* ---- the page ------------------------------------------------------------------- */

/* A dictionary-encoded mini-block page (write_dict.c): its indices are the
** values.  1 written, 0 not (no dictionary pays, or no chunking), -1 out
** of memory. */
static int encode_dict(lf_wpage *p, plan *pl, int minor, lf_wenc *out) {
  lf_wdict *d = &out->dict;
  int rc = lf_wdict_build(p, minor, d);
  if (rc <= 0) return rc;
  lf_wpage q = *p; /* a view: indices as fixed-width values */
  q.kind = LF_WV_FIXED;
  q.width = p->var64 ? 8 : 4;
  q.fsl_dim = 0;
  q.vals = d->idx;
  if (encode_mb(&q, pl, minor >= 2, d, out)) {
    wenc_clear(out);
    return 0;
  }
  return 1;
}

/* An FSST-compressed mini-block page (fsst_write.c) for strings of 5 bytes
** or more (the longest) and 32 KiB or more in all, as LanceDB picks it,
** when the compressed strings are smaller.  1 written, 0 not, -1 out of
** memory. */
static int encode_fsst(lf_wpage *p, plan *pl, int minor, lf_wenc *out) {
  int forced = p->comp == LF_WCOMP_FSST;
  if (p->kind != LF_WV_VAR || p->comp == LF_WCOMP_NONE ||
      (!forced && (p->max_len < FSST_MIN_MAX_LEN || p->vals.len < FSST_MIN_BYTES)))
    return 0;
  uint8_t table[LF_FSST_TABLE_BYTES], *z;
  uint64_t *ends;
  size_t zlen;
  if (lf_fsst_encode(p->vals.p, (const uint64_t *)(const void *)p->offs.p, (size_t)p->n_vals,
                     table, &z, &zlen, &ends, NULL))
    return -1;
  int rc = 0;
  if (forced || zlen < p->vals.len) {
    lf_wpage q = *p; /* a view: the compressed strings as the values */
    q.vals = (lf_buf){.p = z, .len = zlen, .cap = zlen};
    q.offs = (lf_buf){.p = (uint8_t *)ends, .len = (size_t)p->n_vals * 8, .cap = (size_t)p->n_vals * 8};
    pl->fsst = table;
    rc = !encode_mb(&q, pl, minor >= 2, NULL, out);
    pl->fsst = NULL;
    if (!rc) wenc_clear(out);
  }
  free(z);
  free(ends);
  return rc;
}

static int wenc_rc(const lf_wenc *e) {
  int rc = e->layout.rc;
  for (int i = 0; i < 4; i++) rc = rc ? rc : e->bufs[i].rc;
  return rc;
}

int lf_wpage_encode(lf_wpage *p, int minor, lf_wenc *out, lf_error *err) {
  wenc_clear(out);
  if (p->rep.rc || p->ev.rc || p->vals.rc || p->offs.rc)
    return lf_err(err, LF_NOMEM, "out of memory");
  plan pl;
  make_plan(p, &pl);
  int rc = LF_OK, wide = p->kind == LF_WV_VAR ? p->max_len >= FULLZIP_MIN_WIDTH
                                             : p->width >= FULLZIP_MIN_WIDTH;
  int done = 0;
  if (p->n_valid == 0) rc = encode_allnull(p, &pl, out);
  else if ((done = encode_dict(p, &pl, minor, out)) < 0) rc = LF_NOMEM;
  else if (!done && !wide && (done = encode_fsst(p, &pl, minor, out)) < 0) rc = LF_NOMEM;
  else if (!done && (wide || encode_mb(p, &pl, minor >= 2, NULL, out))) {
    wenc_clear(out);
    rc = encode_fullzip(p, &pl, out);
  }
  if (!rc) rc = wenc_rc(out);
  return rc ? lf_err(err, rc, "out of memory") : LF_OK;
}
