/*
** decompress.c: owns the interpretation of the lance.encodings21
** CompressiveEncoding tree (encodings_v2_1.proto) in its three contexts:
** a mini-block chunk's value buffers, a whole buffer ("block": rep/def
** levels, dictionaries, constant-layout levels) and full-zip values.  The
** leaf byte codecs live in codec.h; this file decides which one runs on
** which bytes, checks every size against the buffers, and builds lf_blocks.
**
** CompressiveEncoding oneof (field: message {fields}):
**   1 Flat {1 bits_per_value, 2 BufferCompression data}
**   2 Variable {1 offsets: CE, 2 BufferCompression values}
**   3 Constant {1 bytes value}
**   4 OutOfLineBitpacking {1 uncompressed_bits_per_value, 3 values: CE}
**   5 InlineBitpacking {1 uncompressed_bits_per_value, 2 BufferCompression}
**   6 Fsst {1 bytes symbol_table, 2 values: CE}
**   7 Dictionary {1 indices, 2 items, 3 num_dictionary_items}
**   8 Rle {1 values: CE, 2 run_lengths: CE}
**   9 ByteStreamSplit {1 values: CE}
**  10 General {1 BufferCompression compression, 3 values: CE}
**  11 FixedSizeList {1 items_per_value, 3 has_validity, 2 values: CE}
**  12 PackedStruct {1 repeated bits_per_value, 2 values: CE}
**  13 VariablePackedStruct {1 repeated FieldEncoding}
**  14 Range {1 uncompressed_bits_per_value, 2 start, 3 step}
**  15 Delta {1 uncompressed_bits_per_value, 2 base, 3 deltas: CE}
**   BufferCompression {1 scheme (1 LZ4, 2 ZSTD), 2 level}
**
** What each encoding means per context, as Lance's Rust reader does it
** (rust/lance-encoding/src/compression.rs, DefaultDecompressionStrategy):
**
** Mini-block (create_miniblock_decompressor; buffers of one chunk):
**   Flat             1 buffer, n * bits bits (bits 1: LSB-first bitmap)
**                    (value.rs ValueDecompressor::from_flat)
**   FixedSizeList    one buffer per layer with has_validity (outer layer
**                    first; a bitmap of that layer's items), then the flat
**                    items (value.rs from_fsl + MiniBlockDecompressor)
**   InlineBitpacking 1 buffer: one chunk of <= 1024 values, bit width word
**                    first (bitpacking.rs InlineBitpacking::unchunk)
**   Variable         offsets Flat 32/64: 1 buffer = [n+1 offsets][bytes]
**                    [pad], offsets absolute in the buffer (binary.rs
**                    BinaryMiniBlockDecompressor).  Newer writers may use
**                    any block encoding for the offsets ("generic"): then
**                    2 buffers [offsets payload][bytes] (1 when the offsets
**                    encoding has no payload), offsets from 0.
**   Fsst             the values child (a Variable) then FSST per string
**                    (fsst.rs FsstMiniBlockDecompressor)
**   Rle              2 buffers: values, run lengths (u8/u16/u32: the
**                    run lengths child's bits_per_value; rle.rs).  Each
**                    child is Flat, or (2.3 writers) OutOfLineBitpacking
**                    of this chunk's entries or General(Flat | OOL
**                    bitpacking), one frame per chunk: see rle_child
**   ByteStreamSplit  1 buffer of n values, streams per chunk
**                    (byte_stream_split.rs)
**   General          buffer 0 decompressed (one frame per chunk), then the
**                    child on the buffers (general.rs)
**   PackedStruct     the Flat child: rows of sum(bits_per_value) bits,
**                    returned as one FIXED value per row (packed.rs); the
**                    caller splits the fields by bits_per_value
**   others           LF_UNSUPPORTED
** Block (create_block_decompressor; one buffer of n values):
**   Flat, FixedSizeList (no validity): as above, one buffer
**   InlineBitpacking one chunk of <= 1024 values
**   OutOfLineBitpacking  values Flat{bw}: FastLanes blocks + tail
**                    (bitpacking.rs OutOfLineBitpacking)
**   Constant         value replicated n times (no value: EMPTY, all null)
**   Variable         [u32 bits_per_offset (32/64)][u32 or u64 bytes_start]
**                    [n+1 offsets][bytes]; the pre-2.1 scheme [u8 bits]
**                    [u32/u64 n][u32/u64 bytes_start] is told apart by
**                    bytes 1..3 != 0 (binary.rs BinaryBlockDecompressor)
**   General          whole buffer decompressed, then the child (block.rs
**                    GeneralBlockDecompressor)
**   Rle              [u64 values bytes][values][run lengths] (newest
**                    lance-format/lance rle.rs parse_rle_block_frame),
**                    children as in a mini-block
**   Range, Delta     the 2.3 offset codecs (newest lance-format/lance)
** Full-zip (create_fixed/variable_per_value_decompressor):
**   fixed:    Flat, FixedSizeList (validity zipped in front of each row's
**             items: ceil(items/8) bytes per layer with validity), Constant
**   variable: Variable (as stored), Fsst, General (one frame per value)
**
** Internally a decoded block may borrow its bytes from the input (a Flat
** buffer is then copied exactly once, when the result is handed out) or
** hold a decompressed scratch buffer that it can adopt without copying.
*/
#include "codec.h"
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

/* Largest buffer a general (zstd/lz4) frame may expand to. */
#define DEC_MAX_OUT ((size_t)256 << 20)
/* Deepest CompressiveEncoding nesting accepted (real trees have <= 4). */
#define DEC_MAX_DEPTH 12
/* Most value buffers one mini-block chunk may hold. */
#define DEC_MAX_BUFS 32

enum {
  CE_FLAT = 1, CE_VARIABLE, CE_CONSTANT, CE_OOL_BITPACK, CE_INLINE_BITPACK, CE_FSST,
  CE_DICTIONARY, CE_RLE, CE_BSS, CE_GENERAL, CE_FSL, CE_PACKED_STRUCT,
  CE_VAR_PACKED_STRUCT, CE_RANGE, CE_DELTA, CE_LAST = CE_DELTA
};

static const char *const ce_names[] = {
    "none", "flat", "variable", "constant", "out_of_line_bitpacking", "inline_bitpacking",
    "fsst", "dictionary", "rle", "byte_stream_split", "general", "fixed_size_list",
    "packed_struct", "variable_packed_struct", "range", "delta"};

/* One parsed CompressiveEncoding: which oneof arm, and its message body. */
typedef struct ce {
  int kind;
  const uint8_t *p;
  size_t n;
} ce;

/* ---- a decoded block under construction ---------------------------------- */

typedef struct xblk {
  lf_block b;           /* b.data NULL while the bytes are borrowed */
  const uint8_t *view;  /* borrowed bytes (b.data_len of them) */
  uint8_t *keep;        /* owned scratch the view may point into */
} xblk;

void lf_block_reset(lf_block *b) {
  if (!b) return;
  for (int i = 0; i < b->n_children; i++) lf_block_reset(&b->children[i]);
  free(b->children);
  free(b->data);
  free(b->offsets);
  free(b->valid);
  memset(b, 0, sizeof *b);
}

static void xblk_reset(xblk *x) {
  lf_block_reset(&x->b);
  free(x->keep);
  memset(x, 0, sizeof *x);
}

static const uint8_t *xdata(const xblk *x) { return x->b.data ? x->b.data : x->view; }

/* x becomes n fixed-width values of `bits` bits in o (owned, len bytes). */
static int xblk_fixed(xblk *x, uint8_t *o, uint64_t n, uint64_t bits, uint64_t len) {
  x->b.kind = LF_BLK_FIXED;
  x->b.n = n;
  x->b.bits = bits;
  x->b.data = o;
  x->b.data_len = len;
  return LF_OK;
}

/* malloc with 8 bytes of slack, never NULL for size 0. */
static uint8_t *dalloc(uint64_t n) {
  if (n > SIZE_MAX - 8) return NULL;
  return malloc((size_t)n + 8);
}

/* Make x own its bytes: adopt the scratch when the view is all of it,
** otherwise copy once.  Always leaves b.data non-NULL for FIXED/VARIABLE. */
static int xblk_own(xblk *x, lf_error *err) {
  if (!x->b.data && x->b.kind != LF_BLK_EMPTY) {
    if (x->keep && x->view == x->keep) {
      x->b.data = x->keep;
      x->keep = NULL;
    } else {
      uint8_t *p = dalloc(x->b.data_len);
      if (!p) return lf_err(err, LF_NOMEM, "out of memory (%llu bytes)",
                            (unsigned long long)x->b.data_len);
      if (x->b.data_len) memcpy(p, x->view, (size_t)x->b.data_len);
      x->b.data = p;
    }
  }
  x->view = NULL;
  free(x->keep);
  x->keep = NULL;
  return LF_OK;
}

/* Hand x out as a plain lf_block. */
static int xblk_finish(xblk *x, lf_block *out, lf_error *err) {
  int rc = xblk_own(x, err);
  if (rc) {
    xblk_reset(x);
    return rc;
  }
  *out = x->b;
  memset(x, 0, sizeof *x);
  return LF_OK;
}

/* ceil(n * bits / 8) without overflow; UINT64_MAX when it does not fit. */
static uint64_t bits_to_bytes(uint64_t n, uint64_t bits) {
  if (bits && n > (UINT64_MAX - 7) / bits) return UINT64_MAX;
  return (n * bits + 7) / 8;
}

/* ---- protobuf ------------------------------------------------------------ */

static int ce_parse(const uint8_t *p, size_t n, ce *c, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r;
  c->kind = 0;
  lf_pb_init(&pb, p, n);
  while ((r = lf_pb_next(&pb, &f, "compressive encoding", err)) > 0) {
    if (f.num < CE_FLAT || f.num > CE_LAST)
      return lf_err(err, LF_UNSUPPORTED, "compressive encoding field %u is not supported",
                    (unsigned)f.num);
    if (f.wire != 2)
      return lf_err(err, LF_CORRUPT, "compressive encoding '%s' has wire type %d",
                    ce_names[f.num], f.wire);
    c->kind = (int)f.num; /* a later oneof member wins, as in protobuf */
    c->p = f.data;
    c->n = f.len;
  }
  if (r < 0) return LF_CORRUPT;
  if (!c->kind) return lf_err(err, LF_CORRUPT, "compressive encoding is empty");
  return LF_OK;
}

/* The fields of one encoding message, by number (1..15).  Scalars in u[],
** sub-messages / bytes in d[]/dn[], presence in has[]. */
typedef struct fields {
  uint64_t u[16];
  const uint8_t *d[16];
  size_t dn[16];
  unsigned char has[16];
} fields;

static int fields_parse(const ce *c, fields *fs, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r;
  memset(fs, 0, sizeof *fs);
  lf_pb_init(&pb, c->p, c->n);
  while ((r = lf_pb_next(&pb, &f, ce_names[c->kind], err)) > 0) {
    if (f.num >= 16) continue; /* unknown field: ignored, as protobuf does */
    if (f.wire == 2) {
      fs->d[f.num] = f.data;
      fs->dn[f.num] = f.len;
    } else {
      fs->u[f.num] = f.u;
    }
    fs->has[f.num] = 1;
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

/* Sub-message field `num` of fs parsed as a CompressiveEncoding. */
static int fields_child(const fields *fs, int num, const char *owner, ce *child,
                        lf_error *err) {
  if (!fs->has[num] || !fs->d[num])
    return lf_err(err, LF_CORRUPT, "compressive encoding '%s' has no child encoding", owner);
  return ce_parse(fs->d[num], fs->dn[num], child, err);
}

/* BufferCompression message -> codec scheme. */
static int scheme_parse(const fields *fs, int num, int *scheme, lf_error *err) {
  if (!fs->has[num] || !fs->d[num])
    return lf_err(err, LF_CORRUPT, "general compression has no scheme");
  lf_pb pb;
  lf_pb_field f;
  int r;
  uint64_t s = 0;
  lf_pb_init(&pb, fs->d[num], fs->dn[num]);
  while ((r = lf_pb_next(&pb, &f, "buffer compression", err)) > 0)
    if (f.num == 1 && f.wire == 0) s = f.u;
  if (r < 0) return LF_CORRUPT;
  if (s == 1) *scheme = LF_GENERAL_LZ4;
  else if (s == 2) *scheme = LF_GENERAL_ZSTD;
  else return lf_err(err, LF_UNSUPPORTED, "general compression scheme %llu is not supported",
                     (unsigned long long)s);
  return LF_OK;
}

/* Flat child's bits_per_value (Rle, ByteStreamSplit, OutOfLineBitpacking,
** PackedStruct, Variable offsets all require a Flat child), at least `min`. */
static int flat_bits_min(const ce *c, const char *owner, uint64_t min, uint64_t *bits,
                         lf_error *err) {
  fields fs;
  int rc;
  if (c->kind != CE_FLAT)
    return lf_err(err, LF_UNSUPPORTED, "'%s' over '%s' is not supported", owner,
                  ce_names[c->kind]);
  if ((rc = fields_parse(c, &fs, err))) return rc;
  if (fs.has[2])
    return lf_err(err, LF_UNSUPPORTED, "flat encoding with buffer compression is not supported");
  *bits = fs.u[1];
  if (*bits < min || *bits > (1u << 20))
    return lf_err(err, LF_CORRUPT, "flat encoding has %llu bits per value",
                  (unsigned long long)*bits);
  return LF_OK;
}

static int flat_bits(const ce *c, const char *owner, uint64_t *bits, lf_error *err) {
  return flat_bits_min(c, owner, 1, bits, err);
}

static int fixed_width_ok(uint64_t bits) {
  return bits == 8 || bits == 16 || bits == 32 || bits == 64;
}

/* ---- leaves shared by the contexts --------------------------------------- */

/* n values of `bits` borrowed from (p, len). */
static int dec_flat_view(uint64_t bits, const uint8_t *p, uint64_t len, uint64_t n, xblk *x,
                         lf_error *err) {
  uint64_t need = bits_to_bytes(n, bits);
  if (need > len)
    return lf_err(err, LF_CORRUPT, "flat buffer holds %llu bytes, %llu values of %llu bits need %llu",
                  (unsigned long long)len, (unsigned long long)n, (unsigned long long)bits,
                  (unsigned long long)need);
  x->b.kind = LF_BLK_FIXED;
  x->b.n = n;
  x->b.bits = bits;
  x->b.data_len = need;
  x->view = p;
  return LF_OK;
}

static int dec_inline_bitpack(const ce *c, const uint8_t *p, uint64_t len, uint64_t n, xblk *x,
                              lf_error *err) {
  fields fs;
  int rc;
  if ((rc = fields_parse(c, &fs, err))) return rc;
  uint64_t bits = fs.u[1];
  if (!fixed_width_ok(bits))
    return lf_err(err, LF_CORRUPT, "inline bitpacking of %llu-bit values",
                  (unsigned long long)bits);
  if (fs.has[2])
    return lf_err(err, LF_UNSUPPORTED, "inline bitpacking with buffer compression is not supported");
  if (n > LF_FL_BLOCK)
    return lf_err(err, LF_CORRUPT, "inline-bitpacked chunk of %llu values (at most 1024)",
                  (unsigned long long)n);
  uint8_t *o = dalloc(n * bits / 8);
  if (!o) return lf_err(err, LF_NOMEM, "out of memory");
  if (n && (rc = lf_inline_bitpack_decode((unsigned)bits, p, (size_t)len, (size_t)n, o, err))) {
    free(o);
    return rc;
  }
  return xblk_fixed(x, o, n, bits, n * bits / 8);
}

/* Rle over two byte ranges (values, run lengths); defined with the block
** codecs its children may use. */
static int dec_rle(const ce *c, const uint8_t *vp, uint64_t vlen, const uint8_t *lp,
                   uint64_t llen, uint64_t n, int depth, xblk *x, lf_error *err);

/* FixedSizeList layers: total items per value, item bits, and the (single
** supported) validity layer. */
typedef struct fsl_desc {
  uint64_t dim;       /* items per value (product of the layers) */
  uint64_t item_bits;
  int nvalid;         /* layers with validity */
  uint64_t valid_dim; /* items per value at the validity layer */
} fsl_desc;

static int fsl_describe(const ce *c, fsl_desc *d, lf_error *err) {
  ce cur = *c;
  memset(d, 0, sizeof *d);
  d->dim = 1;
  for (int depth = 0; cur.kind == CE_FSL; depth++) {
    fields fs;
    int rc;
    if (depth > DEC_MAX_DEPTH) return lf_err(err, LF_CORRUPT, "fixed-size list nested too deep");
    if ((rc = fields_parse(&cur, &fs, err))) return rc;
    uint64_t k = fs.u[1];
    if (k == 0 || k > (1u << 24) || d->dim > (UINT64_C(1) << 32) / k)
      return lf_err(err, LF_CORRUPT, "fixed-size list of %llu items", (unsigned long long)k);
    d->dim *= k;
    if (fs.u[3]) {
      d->nvalid++;
      d->valid_dim = d->dim;
    }
    if ((rc = fields_child(&fs, 2, "fixed_size_list", &cur, err))) return rc;
  }
  if (cur.kind != CE_FLAT)
    return lf_err(err, LF_UNSUPPORTED, "fixed_size_list over '%s' is not supported",
                  ce_names[cur.kind]);
  int rc = flat_bits(&cur, "fixed_size_list", &d->item_bits, err);
  if (rc) return rc;
  if (d->item_bits > (UINT64_C(1) << 31) / d->dim)
    return lf_err(err, LF_CORRUPT, "fixed-size list value too wide");
  if (d->nvalid > 1 || (d->nvalid == 1 && d->valid_dim != d->dim))
    return lf_err(err, LF_UNSUPPORTED,
                  "fixed_size_list with validity on an outer nested layer is not supported");
  return LF_OK;
}

/* ---- mini-block ---------------------------------------------------------- */

static int mb_dec(const ce *c, const lf_bufview *bufs, int nbuf, uint64_t n, int depth, xblk *x,
                  lf_error *err);

static int need_bufs(const char *what, int nbuf, int want, lf_error *err) {
  if (nbuf != want)
    return lf_err(err, LF_CORRUPT, "mini-block '%s' has %d buffers, expected %d", what, nbuf,
                  want);
  return LF_OK;
}

static int mb_fsl(const ce *c, const lf_bufview *bufs, int nbuf, uint64_t n, xblk *x,
                  lf_error *err) {
  fsl_desc d;
  int rc;
  if ((rc = fsl_describe(c, &d, err)) || (rc = need_bufs("fixed_size_list", nbuf, 1 + d.nvalid,
                                                         err)))
    return rc;
  if (n > UINT64_MAX / d.dim) return lf_err(err, LF_CORRUPT, "too many list items");
  const lf_bufview *data = &bufs[d.nvalid];
  if ((rc = dec_flat_view(d.item_bits * d.dim, data->p, data->len, n, x, err))) return rc;
  if (d.nvalid) {
    uint64_t m = n * d.dim;
    if (bits_to_bytes(m, 1) > bufs[0].len)
      return lf_err(err, LF_CORRUPT, "fixed-size list validity holds %llu bytes, %llu items",
                    (unsigned long long)bufs[0].len, (unsigned long long)m);
    if (!(x->b.valid = dalloc(m))) return lf_err(err, LF_NOMEM, "out of memory");
    lf_bits_to_bytes(bufs[0].p, 0, m, x->b.valid);
    x->b.dim = d.dim;
  }
  return LF_OK;
}

/* Offsets of n values (n+1 entries of w bytes at p) rebased to the first,
** checked non-decreasing and within `limit`.  *first gets offsets[0]. */
static int offsets_read(const uint8_t *p, unsigned w, uint64_t n, uint64_t limit,
                        uint64_t *first, uint64_t **out, lf_error *err) {
  uint64_t *o = malloc((size_t)(n + 1) * 8);
  if (!o) return lf_err(err, LF_NOMEM, "out of memory");
  uint64_t base = lf_le(p, w), prev = base;
  if (base > limit) goto bad;
  for (uint64_t i = 0; i <= n; i++) {
    uint64_t v = lf_le(p + i * w, w);
    if (v < prev || v > limit) goto bad;
    o[i] = v - base;
    prev = v;
  }
  *first = base;
  *out = o;
  return LF_OK;
bad:
  free(o);
  return lf_err(err, LF_CORRUPT, "variable-width offsets out of order or past %llu bytes",
                (unsigned long long)limit);
}

/* Decoded offsets (a FIXED block of n+1 values of `bits`) -> rebased u64. */
static int offsets_from_block(const xblk *ob, uint64_t n, uint64_t limit, uint64_t *first,
                              uint64_t **out, lf_error *err) {
  if (ob->b.kind != LF_BLK_FIXED || (ob->b.bits != 32 && ob->b.bits != 64) ||
      ob->b.n != n + 1 || ob->b.data_len < (n + 1) * (ob->b.bits / 8))
    return lf_err(err, LF_CORRUPT, "variable-width offsets did not decode to %llu integers",
                  (unsigned long long)(n + 1));
  return offsets_read(xdata(ob), (unsigned)(ob->b.bits / 8), n, limit, first, out, err);
}

static int block_dec(const ce *c, const uint8_t *p, uint64_t len, uint64_t n, int depth,
                     xblk *x, lf_error *err);

static int mb_variable(const ce *c, const lf_bufview *bufs, int nbuf, uint64_t n, int depth,
                       xblk *x, lf_error *err) {
  fields fs;
  ce co;
  int rc;
  if ((rc = fields_parse(c, &fs, err)) || (rc = fields_child(&fs, 1, "variable", &co, err)))
    return rc;
  if (fs.has[2])
    return lf_err(err, LF_UNSUPPORTED, "variable encoding with values compression is not supported");
  if (n > (UINT64_C(1) << 40)) return lf_err(err, LF_CORRUPT, "variable chunk of %llu values",
                                             (unsigned long long)n);
  if (co.kind == CE_FLAT) { /* the layout every 2.1/2.2 writer uses */
    uint64_t bits;
    if ((rc = flat_bits(&co, "variable offsets", &bits, err)) ||
        (rc = need_bufs("variable", nbuf, 1, err)))
      return rc;
    if (bits != 32 && bits != 64)
      return lf_err(err, LF_CORRUPT, "variable encoding with %llu-bit offsets",
                    (unsigned long long)bits);
    unsigned w = (unsigned)(bits / 8);
    if ((n + 1) * w > bufs[0].len)
      return lf_err(err, LF_CORRUPT, "variable chunk of %llu bytes cannot hold %llu offsets",
                    (unsigned long long)bufs[0].len, (unsigned long long)(n + 1));
    uint64_t first;
    if ((rc = offsets_read(bufs[0].p, w, n, bufs[0].len, &first, &x->b.offsets, err))) return rc;
    x->b.kind = LF_BLK_VARIABLE;
    x->b.n = n;
    x->b.data_len = x->b.offsets[n];
    x->view = bufs[0].p + first;
    return LF_OK;
  }
  /* Generic offsets (newer writers): [offsets payload] [bytes]. */
  int payload = co.kind != CE_CONSTANT && co.kind != CE_RANGE;
  if ((rc = need_bufs("variable", nbuf, 1 + payload, err))) return rc;
  xblk ob = {0};
  uint64_t first = 0;
  const lf_bufview *vals = &bufs[payload];
  rc = block_dec(&co, payload ? bufs[0].p : NULL, payload ? bufs[0].len : 0, n + 1, depth + 1,
                 &ob, err);
  if (!rc) rc = offsets_from_block(&ob, n, vals->len, &first, &x->b.offsets, err);
  xblk_reset(&ob);
  if (rc) return rc;
  x->b.kind = LF_BLK_VARIABLE;
  x->b.n = n;
  x->b.data_len = x->b.offsets[n];
  x->view = vals->p + first;
  return LF_OK;
}

/* FSST over a decoded variable block `in` (consumed). */
static int fsst_apply(const ce *c, xblk *in, xblk *x, lf_error *err) {
  fields fs;
  int rc;
  if ((rc = fields_parse(c, &fs, err))) return rc;
  if (in->b.kind != LF_BLK_VARIABLE)
    return lf_err(err, LF_CORRUPT, "fsst values did not decode to variable-width data");
  lf_fsst_table *t = malloc(sizeof *t);
  if (!t) return lf_err(err, LF_NOMEM, "out of memory");
  rc = lf_fsst_table_parse(t, fs.d[1], fs.dn[1], err);
  if (!rc) {
    const uint8_t *d = xdata(in);
    uint64_t len = in->b.data_len;
    size_t max_out = len > DEC_MAX_OUT / 8 ? DEC_MAX_OUT : (size_t)len * 8;
    uint8_t *od = NULL;
    size_t olen = 0;
    void *oo = NULL;
    rc = lf_fsst_decode(t, d ? d : (const uint8_t *)"", (size_t)len, in->b.offsets, 64,
                        (size_t)in->b.n, max_out, &od, &olen, &oo, err);
    if (!rc) {
      x->b.kind = LF_BLK_VARIABLE;
      x->b.n = in->b.n;
      x->b.data = od;
      x->b.data_len = olen;
      x->b.offsets = oo;
    }
  }
  free(t);
  return rc;
}

/* General (zstd/lz4) around a child: decompress one buffer, decode the child
** over it, and let the result adopt the scratch buffer when it can. */
static int general_unwrap(const ce *c, ce *child, const uint8_t *p, uint64_t len,
                          uint8_t **dec, size_t *dlen, lf_error *err) {
  fields fs;
  int scheme, rc;
  if ((rc = fields_parse(c, &fs, err)) || (rc = fields_child(&fs, 3, "general", child, err)) ||
      (rc = scheme_parse(&fs, 1, &scheme, err)))
    return rc;
  return lf_general_decompress(scheme, p, (size_t)len, DEC_MAX_OUT, dec, dlen, err);
}

static int general_adopt(xblk *x, uint8_t *dec, size_t dlen, lf_error *err) {
  const uint8_t *v = x->view;
  if (!x->b.data && v && !x->keep && v >= dec && v <= dec + dlen) {
    x->keep = dec; /* the view stays valid: x owns the scratch now */
    return LF_OK;
  }
  int rc = xblk_own(x, err);
  free(dec);
  return rc;
}

static int mb_general(const ce *c, const lf_bufview *bufs, int nbuf, uint64_t n, int depth,
                      xblk *x, lf_error *err) {
  ce child;
  uint8_t *dec = NULL;
  size_t dlen = 0;
  int rc;
  if (nbuf < 1 || nbuf > DEC_MAX_BUFS)
    return lf_err(err, LF_CORRUPT, "mini-block 'general' has %d buffers", nbuf);
  if ((rc = general_unwrap(c, &child, bufs[0].p, bufs[0].len, &dec, &dlen, err))) return rc;
  lf_bufview nb[DEC_MAX_BUFS];
  memcpy(nb, bufs, (size_t)nbuf * sizeof *bufs);
  nb[0].p = dec;
  nb[0].len = dlen;
  rc = mb_dec(&child, nb, nbuf, n, depth + 1, x, err);
  if (rc) {
    free(dec);
    return rc;
  }
  return general_adopt(x, dec, dlen, err);
}

static int mb_dec(const ce *c, const lf_bufview *bufs, int nbuf, uint64_t n, int depth, xblk *x,
                  lf_error *err) {
  int rc;
  if (depth > DEC_MAX_DEPTH) return lf_err(err, LF_CORRUPT, "compressive encoding nested too deep");
  switch (c->kind) {
    case CE_FLAT: {
      uint64_t bits;
      if ((rc = flat_bits(c, "flat", &bits, err)) || (rc = need_bufs("flat", nbuf, 1, err)))
        return rc;
      return dec_flat_view(bits, bufs[0].p, bufs[0].len, n, x, err);
    }
    case CE_FSL: return mb_fsl(c, bufs, nbuf, n, x, err);
    case CE_INLINE_BITPACK:
      if ((rc = need_bufs("inline_bitpacking", nbuf, 1, err))) return rc;
      return dec_inline_bitpack(c, bufs[0].p, bufs[0].len, n, x, err);
    case CE_VARIABLE: return mb_variable(c, bufs, nbuf, n, depth, x, err);
    case CE_FSST: {
      fields fs;
      ce child;
      xblk in = {0};
      if ((rc = fields_parse(c, &fs, err)) || (rc = fields_child(&fs, 2, "fsst", &child, err)))
        return rc;
      rc = mb_dec(&child, bufs, nbuf, n, depth + 1, &in, err);
      if (!rc) rc = fsst_apply(c, &in, x, err);
      xblk_reset(&in);
      return rc;
    }
    case CE_RLE:
      if ((rc = need_bufs("rle", nbuf, 2, err))) return rc;
      return dec_rle(c, bufs[0].p, bufs[0].len, bufs[1].p, bufs[1].len, n, depth + 1, x, err);
    case CE_BSS: {
      fields fs;
      ce child;
      uint64_t bits;
      if ((rc = fields_parse(c, &fs, err)) ||
          (rc = fields_child(&fs, 1, "byte_stream_split", &child, err)) ||
          (rc = flat_bits(&child, "byte_stream_split", &bits, err)) ||
          (rc = need_bufs("byte_stream_split", nbuf, 1, err)))
        return rc;
      if (bits != 16 && bits != 32 && bits != 64)
        return lf_err(err, LF_CORRUPT, "byte_stream_split of %llu-bit values",
                      (unsigned long long)bits);
      if (n > (UINT64_MAX - 8) / 8) return lf_err(err, LF_CORRUPT, "too many values");
      uint64_t nb = n * (bits / 8);
      uint8_t *o = dalloc(nb);
      if (!o) return lf_err(err, LF_NOMEM, "out of memory");
      if (n && (rc = lf_bss_decode((unsigned)bits, bufs[0].p, (size_t)bufs[0].len, (size_t)n, o,
                                   (size_t)nb, err))) {
        free(o);
        return rc;
      }
      return xblk_fixed(x, o, n, bits, nb);
    }
    case CE_GENERAL: return mb_general(c, bufs, nbuf, n, depth, x, err);
    case CE_PACKED_STRUCT: {
      lf_pb pb;
      lf_pb_field f;
      fields fs;
      ce child;
      uint64_t sum = 0, bits;
      size_t cnt = 0, cap = 0;
      uint64_t *widths = NULL;
      if ((rc = fields_parse(c, &fs, err)) ||
          (rc = fields_child(&fs, 2, "packed_struct", &child, err)) ||
          (rc = flat_bits(&child, "packed_struct", &bits, err)) ||
          (rc = need_bufs("packed_struct", nbuf, 1, err)))
        return rc;
      lf_pb_init(&pb, c->p, c->n);
      int r;
      while ((r = lf_pb_next(&pb, &f, "packed struct", err)) > 0)
        if (f.num == 1 && (rc = lf_pb_append_u64s(&f, &widths, &cnt, &cap, err))) break;
      for (size_t i = 0; !rc && r >= 0 && i < cnt; i++) {
        if (widths[i] % 8 || widths[i] > (1u << 20)) {
          rc = lf_err(err, LF_UNSUPPORTED, "packed_struct field of %llu bits is not supported",
                      (unsigned long long)widths[i]);
        }
        sum += widths[i];
      }
      free(widths);
      if (rc) return rc;
      if (r < 0) return LF_CORRUPT;
      if (!cnt || sum != bits)
        return lf_err(err, LF_CORRUPT, "packed_struct fields sum to %llu bits, rows hold %llu",
                      (unsigned long long)sum, (unsigned long long)bits);
      return dec_flat_view(bits, bufs[0].p, bufs[0].len, n, x, err);
    }
    default:
      return lf_err(err, LF_UNSUPPORTED,
                    "compressive encoding '%s' is not supported in mini-block",
                    ce_names[c->kind]);
  }
}

/* ---- block --------------------------------------------------------------- */

/* binary.rs BinaryBlockDecompressor. */
static int block_variable(const uint8_t *p, uint64_t len, uint64_t n, xblk *x, lf_error *err) {
  uint64_t bits, start, off0;
  if (len < 4) return lf_err(err, LF_CORRUPT, "variable block of %llu bytes",
                             (unsigned long long)len);
  if (p[1] || p[2] || p[3]) { /* the pre-2.1 scheme: u8 bits, count, start */
    bits = p[0];
    if (bits != 32 && bits != 64)
      return lf_err(err, LF_CORRUPT, "variable block with %llu-bit offsets",
                    (unsigned long long)bits);
    unsigned w = (unsigned)(bits / 8);
    off0 = 1 + 2 * (uint64_t)w;
    if (len < off0) return lf_err(err, LF_CORRUPT, "variable block header truncated");
    start = lf_le(p + 1 + w, w);
  } else {
    bits = lf_le(p, 4);
    if (bits != 32 && bits != 64)
      return lf_err(err, LF_CORRUPT, "variable block with %llu-bit offsets",
                    (unsigned long long)bits);
    off0 = bits == 32 ? 8 : 16;
    if (len < off0) return lf_err(err, LF_CORRUPT, "variable block header truncated");
    start = lf_le(p + off0 / 2, (unsigned)(off0 / 2));
  }
  unsigned w = (unsigned)(bits / 8);
  if (n > (UINT64_C(1) << 40) || start > len || start < off0 || (start - off0) / w < n + 1)
    return lf_err(err, LF_CORRUPT,
                  "variable block: %llu offsets do not fit before byte %llu of %llu",
                  (unsigned long long)(n + 1), (unsigned long long)start,
                  (unsigned long long)len);
  uint64_t first;
  int rc = offsets_read(p + off0, w, n, len - start, &first, &x->b.offsets, err);
  if (rc) return rc;
  x->b.kind = LF_BLK_VARIABLE;
  x->b.n = n;
  x->b.data_len = x->b.offsets[n];
  x->view = p + start + first;
  return LF_OK;
}

static int block_constant(const ce *c, uint64_t n, xblk *x, lf_error *err) {
  fields fs;
  int rc = fields_parse(c, &fs, err);
  if (rc) return rc;
  x->b.n = n;
  if (!fs.has[1] || fs.dn[1] == 0) {
    x->b.kind = LF_BLK_EMPTY;
    return LF_OK;
  }
  uint64_t w = fs.dn[1];
  if (n > DEC_MAX_OUT / w)
    return lf_err(err, LF_CORRUPT, "constant of %llu values of %llu bytes",
                  (unsigned long long)n, (unsigned long long)w);
  uint8_t *o = dalloc(n * w);
  if (!o) return lf_err(err, LF_NOMEM, "out of memory");
  for (uint64_t i = 0; i < n; i++) memcpy(o + i * w, fs.d[1], (size_t)w);
  x->b.kind = LF_BLK_FIXED;
  x->b.bits = w * 8;
  x->b.data = o;
  x->b.data_len = n * w;
  return LF_OK;
}

static int block_ool(const ce *c, const uint8_t *p, uint64_t len, uint64_t n, xblk *x,
                     lf_error *err) {
  fields fs;
  ce child;
  uint64_t bw;
  int rc;
  if ((rc = fields_parse(c, &fs, err)) ||
      (rc = fields_child(&fs, 3, "out_of_line_bitpacking", &child, err)) ||
      (rc = flat_bits_min(&child, "out_of_line_bitpacking", 0, &bw, err)))
    return rc; /* 0 bits: every value is 0 (LanceDB 0.39's all-zero levels) */
  uint64_t bits = fs.u[1];
  if (!fixed_width_ok(bits) || bw > bits)
    return lf_err(err, LF_CORRUPT, "out-of-line bitpacking of %llu-bit values at %llu bits",
                  (unsigned long long)bits, (unsigned long long)bw);
  if (n > DEC_MAX_OUT / 8) return lf_err(err, LF_CORRUPT, "bitpacked block of %llu values",
                                          (unsigned long long)n);
  uint8_t *o = dalloc(n * bits / 8);
  if (!o) return lf_err(err, LF_NOMEM, "out of memory");
  if (bw == 0) memset(o, 0, n * bits / 8);
  else if (n && (rc = lf_ool_bitpack_decode((unsigned)bits, (unsigned)bw, p, (size_t)len, n, 0, n, o,
                                       err))) {
    free(o);
    return rc;
  }
  return xblk_fixed(x, o, n, bits, n * bits / 8);
}

/* One child of an Rle, its run values or its run lengths (compression.rs
** create_rle_child_decompressor, rle.rs RleChildDecompressor):
**   Flat(bits)                   the entries as stored (len / (bits/8) of them)
**   OutOfLineBitpacking(Flat)    packed; needs the entry count (2.3 writers)
**   General(Flat | OOL bitpack)  one zstd/lz4 frame, then as its inner child
** The entry count is the number of runs; a child that needs it takes it from
** the other child, so at most one of the two may need it. */
typedef struct rle_child {
  ce c;
  uint64_t bits;   /* bits per entry once decoded */
  int needs_count; /* out-of-line bitpacked, at the top or under General */
} rle_child;

static int rle_child_describe(const ce *c, const char *role, int depth, rle_child *ch,
                              lf_error *err) {
  fields fs;
  ce inner;
  int rc;
  ch->c = *c;
  ch->needs_count = 0;
  switch (c->kind) {
    case CE_FLAT: return flat_bits(c, role, &ch->bits, err);
    case CE_OOL_BITPACK: {
      uint64_t bw;
      if ((rc = fields_parse(c, &fs, err)) ||
          (rc = fields_child(&fs, 3, "out_of_line_bitpacking", &inner, err)) ||
          (rc = flat_bits(&inner, "out_of_line_bitpacking", &bw, err)))
        return rc;
      ch->bits = fs.u[1];
      ch->needs_count = 1;
      return LF_OK;
    }
    case CE_GENERAL:
      if (depth > 0) break; /* General(General(...)) is no child Lance writes */
      if ((rc = fields_parse(c, &fs, err)) || (rc = fields_child(&fs, 3, "general", &inner, err)) ||
          (rc = rle_child_describe(&inner, role, depth + 1, ch, err)))
        return rc;
      ch->c = *c;
      return LF_OK;
    default: break;
  }
  return lf_err(err, LF_UNSUPPORTED, "'%s' over '%s' is not supported", role,
                ce_names[c->kind]);
}

/* Decode child c (described by ch) from (p, len) into x; count is the entry
** count when the child needs it. */
static int rle_child_decode(const rle_child *ch, const ce *c, const uint8_t *p, uint64_t len,
                            uint64_t count, xblk *x, lf_error *err) {
  if (c->kind == CE_OOL_BITPACK) return block_ool(c, p, len, count, x, err);
  if (c->kind == CE_GENERAL) {
    ce inner;
    uint8_t *dec = NULL;
    size_t dlen = 0;
    int rc = general_unwrap(c, &inner, p, len, &dec, &dlen, err);
    if (!rc) rc = rle_child_decode(ch, &inner, dec, dlen, count, x, err);
    if (rc) {
      free(dec);
      return rc;
    }
    return general_adopt(x, dec, dlen, err);
  }
  uint64_t eb = ch->bits / 8; /* Flat */
  if (len % eb)
    return lf_err(err, LF_CORRUPT, "rle child of %llu bytes holds no whole number of %llu-bit entries",
                  (unsigned long long)len, (unsigned long long)ch->bits);
  return dec_flat_view(ch->bits, p, len, len / eb, x, err);
}

/* Decode the two children, the one that needs the run count second. */
static int rle_children(const rle_child *v, const rle_child *l, const uint8_t *vp, uint64_t vlen,
                        const uint8_t *lp, uint64_t llen, xblk *xv, xblk *xl, lf_error *err) {
  if (v->needs_count && l->needs_count)
    return lf_err(err, LF_CORRUPT, "rle values and run lengths both need the run count");
  int rc;
  if (v->needs_count) {
    if (!(rc = rle_child_decode(l, &l->c, lp, llen, 0, xl, err)))
      rc = rle_child_decode(v, &v->c, vp, vlen, xl->b.n, xv, err);
  } else {
    if (!(rc = rle_child_decode(v, &v->c, vp, vlen, 0, xv, err)))
      rc = rle_child_decode(l, &l->c, lp, llen, xv->b.n, xl, err);
  }
  if (!rc && (xv->b.bits != v->bits || xl->b.bits != l->bits || xv->b.n != xl->b.n))
    rc = lf_err(err, LF_CORRUPT, "rle: %llu run values but %llu run lengths",
                (unsigned long long)xv->b.n, (unsigned long long)xl->b.n);
  return rc;
}

static int dec_rle(const ce *c, const uint8_t *vp, uint64_t vlen, const uint8_t *lp,
                   uint64_t llen, uint64_t n, int depth, xblk *x, lf_error *err) {
  fields fs;
  ce cv, cl;
  rle_child v, l;
  int rc;
  if (depth > DEC_MAX_DEPTH) return lf_err(err, LF_CORRUPT, "compressive encoding nested too deep");
  if ((rc = fields_parse(c, &fs, err)) || (rc = fields_child(&fs, 1, "rle", &cv, err)) ||
      (rc = fields_child(&fs, 2, "rle", &cl, err)) ||
      (rc = rle_child_describe(&cv, "rle values", 0, &v, err)) ||
      (rc = rle_child_describe(&cl, "rle run lengths", 0, &l, err)))
    return rc;
  if (!fixed_width_ok(v.bits))
    return lf_err(err, LF_CORRUPT, "rle of %llu-bit values", (unsigned long long)v.bits);
  if (l.bits != 8 && l.bits != 16 && l.bits != 32) /* rle.rs RunLengthWidth::from_bits */
    return lf_err(err, LF_CORRUPT, "rle with %llu-bit run lengths (8, 16 or 32)",
                  (unsigned long long)l.bits);
  if (n > (UINT64_MAX - 8) / 8) return lf_err(err, LF_CORRUPT, "rle of %llu values",
                                              (unsigned long long)n);
  xblk xv = {0}, xl = {0};
  uint8_t *o = dalloc(n * v.bits / 8);
  if (!o) return lf_err(err, LF_NOMEM, "out of memory");
  rc = n ? rle_children(&v, &l, vp, vlen, lp, llen, &xv, &xl, err) : LF_OK;
  if (!rc && n)
    rc = lf_rle_decode_w((unsigned)v.bits, (unsigned)l.bits, xdata(&xv), (size_t)xv.b.data_len,
                         xdata(&xl), (size_t)xl.b.data_len, (size_t)n, o, err);
  xblk_reset(&xv);
  xblk_reset(&xl);
  if (rc) {
    free(o);
    return rc;
  }
  return xblk_fixed(x, o, n, v.bits, n * v.bits / 8);
}

static int block_range_delta(const ce *c, const uint8_t *p, uint64_t len, uint64_t n, int depth,
                             xblk *x, lf_error *err) {
  fields fs;
  int rc = fields_parse(c, &fs, err);
  if (rc) return rc;
  uint64_t bits = fs.u[1];
  if (bits != 32 && bits != 64)
    return lf_err(err, LF_CORRUPT, "'%s' of %llu-bit values", ce_names[c->kind],
                  (unsigned long long)bits);
  if (n > DEC_MAX_OUT / 8) return lf_err(err, LF_CORRUPT, "too many values");
  uint8_t *o = dalloc(n * bits / 8);
  if (!o) return lf_err(err, LF_NOMEM, "out of memory");
  if (c->kind == CE_RANGE) {
    rc = lf_range_decode((unsigned)bits, fs.u[2], fs.u[3], (size_t)n, o, err);
  } else if (n) {
    ce child;
    xblk d = {0};
    if (!(rc = fields_child(&fs, 3, "delta", &child, err)))
      rc = block_dec(&child, p, len, n - 1, depth + 1, &d, err);
    if (!rc && (d.b.kind != LF_BLK_FIXED || d.b.bits != bits || d.b.n != n - 1))
      rc = lf_err(err, LF_CORRUPT, "delta: deltas did not decode to %llu %llu-bit values",
                  (unsigned long long)(n - 1), (unsigned long long)bits);
    if (!rc) {
      /* deltas are little-endian bytes; copy to the aligned output tail */
      if (n > 1) memmove(o + bits / 8, xdata(&d), (size_t)((n - 1) * bits / 8));
      rc = lf_delta_decode((unsigned)bits, fs.u[2], o + bits / 8, (size_t)n, o, err);
    }
    xblk_reset(&d);
  }
  if (rc) {
    free(o);
    return rc;
  }
  return xblk_fixed(x, o, n, bits, n * bits / 8);
}

static int block_dec(const ce *c, const uint8_t *p, uint64_t len, uint64_t n, int depth,
                     xblk *x, lf_error *err) {
  int rc;
  if (depth > DEC_MAX_DEPTH) return lf_err(err, LF_CORRUPT, "compressive encoding nested too deep");
  switch (c->kind) {
    case CE_FLAT: {
      uint64_t bits;
      if ((rc = flat_bits(c, "flat", &bits, err))) return rc;
      return dec_flat_view(bits, p, len, n, x, err);
    }
    case CE_FSL: {
      fsl_desc d;
      if ((rc = fsl_describe(c, &d, err))) return rc;
      if (d.nvalid)
        return lf_err(err, LF_UNSUPPORTED, "fixed_size_list with validity in a block is not supported");
      return dec_flat_view(d.item_bits * d.dim, p, len, n, x, err);
    }
    case CE_INLINE_BITPACK: return dec_inline_bitpack(c, p, len, n, x, err);
    case CE_OOL_BITPACK: return block_ool(c, p, len, n, x, err);
    case CE_CONSTANT: return block_constant(c, n, x, err);
    case CE_VARIABLE: return block_variable(p, len, n, x, err);
    case CE_GENERAL: {
      ce child;
      uint8_t *dec = NULL;
      size_t dlen = 0;
      if ((rc = general_unwrap(c, &child, p, len, &dec, &dlen, err))) return rc;
      if ((rc = block_dec(&child, dec, dlen, n, depth + 1, x, err))) {
        free(dec);
        return rc;
      }
      return general_adopt(x, dec, dlen, err);
    }
    case CE_RLE: {
      if (len < 8) return lf_err(err, LF_CORRUPT, "rle block of %llu bytes",
                                 (unsigned long long)len);
      uint64_t vlen = lf_le(p, 8);
      if (vlen > len - 8)
        return lf_err(err, LF_CORRUPT, "rle block: %llu value bytes exceed %llu",
                      (unsigned long long)vlen, (unsigned long long)(len - 8));
      return dec_rle(c, p + 8, vlen, p + 8 + vlen, len - 8 - vlen, n, depth + 1, x, err);
    }
    case CE_RANGE:
    case CE_DELTA: return block_range_delta(c, p, len, n, depth, x, err);
    default:
      return lf_err(err, LF_UNSUPPORTED, "compressive encoding '%s' is not supported in a block",
                    ce_names[c->kind]);
  }
}

/* ---- public entry points ------------------------------------------------- */

int lf_decompress_miniblock(const uint8_t *enc, size_t enc_len, const lf_bufview *bufs,
                            int nbuf, uint64_t num_values, lf_block *out, lf_error *err) {
  ce c;
  xblk x = {0};
  lf_block_reset(out);
  if (nbuf < 0 || (nbuf && !bufs)) return lf_err(err, LF_ARG, "bad mini-block buffer list");
  int rc = ce_parse(enc, enc_len, &c, err);
  if (!rc) rc = mb_dec(&c, bufs, nbuf, num_values, 0, &x, err);
  if (rc) {
    xblk_reset(&x);
    return rc;
  }
  return xblk_finish(&x, out, err);
}

int lf_decompress_block(const uint8_t *enc, size_t enc_len, lf_bufview buf,
                        uint64_t num_values, lf_block *out, lf_error *err) {
  ce c;
  xblk x = {0};
  lf_block_reset(out);
  int rc = ce_parse(enc, enc_len, &c, err);
  if (!rc) rc = block_dec(&c, buf.p, buf.p ? buf.len : 0, num_values, 0, &x, err);
  if (rc) {
    xblk_reset(&x);
    return rc;
  }
  return xblk_finish(&x, out, err);
}

/* ---- full-zip ------------------------------------------------------------ */

int lf_fullzip_plain_bits(const uint8_t *enc, size_t enc_len, uint64_t *bits, lf_error *err) {
  ce c;
  fsl_desc d;
  int rc = ce_parse(enc, enc_len, &c, err);
  if (rc) return rc;
  if (c.kind == CE_FLAT) return flat_bits(&c, "flat", bits, err);
  if (c.kind != CE_FSL)
    return lf_err(err, LF_UNSUPPORTED, "full-zip values encoded as '%s' are not stored as is",
                  ce_names[c.kind]);
  if ((rc = fsl_describe(&c, &d, err))) return rc;
  if (d.nvalid) return lf_err(err, LF_UNSUPPORTED, "fixed-size list values with item validity");
  *bits = d.item_bits * d.dim;
  return LF_OK;
}

int lf_fullzip_fixed_bits(const uint8_t *enc, size_t enc_len, uint64_t *bits_per_value,
                          lf_error *err) {
  ce c;
  int rc = ce_parse(enc, enc_len, &c, err);
  if (rc) return rc;
  switch (c.kind) {
    case CE_FLAT: return flat_bits(&c, "flat", bits_per_value, err);
    case CE_FSL: {
      fsl_desc d;
      if ((rc = fsl_describe(&c, &d, err))) return rc;
      *bits_per_value = d.item_bits * d.dim + (d.nvalid ? (d.dim + 7) / 8 * 8 : 0);
      return LF_OK;
    }
    case CE_CONSTANT: {
      fields fs;
      if ((rc = fields_parse(&c, &fs, err))) return rc;
      *bits_per_value = (uint64_t)fs.dn[1] * 8;
      return LF_OK;
    }
    default:
      return lf_err(err, LF_UNSUPPORTED,
                    "compressive encoding '%s' is not supported for fixed-width full-zip values",
                    ce_names[c.kind]);
  }
}

/* value.rs unzip_decompress: per row [ceil(dim/8) validity][dim items]. */
static int fz_fsl(const ce *c, lf_block *in, lf_block *out, lf_error *err) {
  fsl_desc d;
  int rc = fsl_describe(c, &d, err);
  if (rc) return rc;
  uint64_t vbytes = d.nvalid ? (d.dim + 7) / 8 : 0, dbits = d.item_bits * d.dim;
  if (in->kind != LF_BLK_FIXED || in->bits != dbits + vbytes * 8 ||
      bits_to_bytes(in->n, in->bits) > in->data_len)
    return lf_err(err, LF_CORRUPT, "full-zip fixed-size list values are not %llu bits wide",
                  (unsigned long long)(dbits + vbytes * 8));
  if (!vbytes) { /* transparent: the items are the value */
    *out = *in;
    memset(in, 0, sizeof *in);
    return LF_OK;
  }
  if (dbits % 8) return lf_err(err, LF_UNSUPPORTED, "bit-packed full-zip fixed-size list");
  uint64_t n = in->n, row = dbits / 8;
  lf_block o = {0};
  o.kind = LF_BLK_FIXED;
  o.n = n;
  o.bits = dbits;
  o.dim = d.dim;
  o.data_len = n * row;
  o.data = dalloc(o.data_len);
  o.valid = dalloc(n * d.dim);
  if (!o.data || !o.valid) {
    lf_block_reset(&o);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (uint64_t i = 0; i < n; i++) {
    const uint8_t *src = in->data + i * (vbytes + row);
    lf_bits_to_bytes(src, 0, d.dim, o.valid + i * d.dim);
    memcpy(o.data + i * row, src + vbytes, (size_t)row);
  }
  *out = o;
  return LF_OK;
}

/* block.rs CompressedBufferEncoder::per_value_decompress: a frame per value. */
static int fz_general(const ce *c, const lf_block *in, lf_block *out, lf_error *err) {
  fields fs;
  int scheme, rc;
  if ((rc = fields_parse(c, &fs, err)) || (rc = scheme_parse(&fs, 1, &scheme, err))) return rc;
  lf_block o = {0};
  uint64_t cap = in->data_len * 2 + 64;
  o.kind = LF_BLK_VARIABLE;
  o.n = in->n;
  o.offsets = malloc((size_t)(in->n + 1) * 8);
  o.data = dalloc(cap);
  if (!o.offsets || !o.data) {
    lf_block_reset(&o);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  o.offsets[0] = 0;
  for (uint64_t i = 0; i < in->n; i++) {
    uint64_t a = in->offsets[i], b = in->offsets[i + 1];
    uint8_t *v = NULL;
    size_t vl = 0;
    if (b > a) {
      rc = lf_general_decompress(scheme, in->data + a, (size_t)(b - a), DEC_MAX_OUT, &v, &vl,
                                 err);
      if (rc) break;
    }
    if (o.data_len + vl > DEC_MAX_OUT * 4) {
      free(v);
      rc = lf_err(err, LF_CORRUPT, "full-zip page decompresses past %zu bytes", DEC_MAX_OUT * 4);
      break;
    }
    if (o.data_len + vl > cap) {
      while (cap < o.data_len + vl) cap *= 2;
      uint8_t *p = realloc(o.data, (size_t)cap + 8);
      if (!p) {
        free(v);
        rc = lf_err(err, LF_NOMEM, "out of memory");
        break;
      }
      o.data = p;
    }
    if (vl) memcpy(o.data + o.data_len, v, vl);
    free(v);
    o.data_len += vl;
    o.offsets[i + 1] = o.data_len;
  }
  if (rc) {
    lf_block_reset(&o);
    return rc;
  }
  *out = o;
  return LF_OK;
}

static int check_variable_in(const lf_block *in, lf_error *err) {
  if (in->kind != LF_BLK_VARIABLE || !in->offsets)
    return lf_err(err, LF_CORRUPT, "full-zip variable values are not variable-width");
  for (uint64_t i = 0; i < in->n; i++)
    if (in->offsets[i] > in->offsets[i + 1])
      return lf_err(err, LF_CORRUPT, "full-zip offsets go backwards at %llu",
                    (unsigned long long)i);
  if (in->offsets[in->n] > in->data_len || (in->data_len && !in->data))
    return lf_err(err, LF_CORRUPT, "full-zip offsets point past the data");
  return LF_OK;
}

int lf_decompress_fullzip(const uint8_t *enc, size_t enc_len, lf_block *in, lf_block *out,
                          lf_error *err) {
  ce c;
  lf_block_reset(out);
  int rc = ce_parse(enc, enc_len, &c, err);
  if (rc) goto done;
  switch (c.kind) {
    case CE_FLAT: {
      uint64_t bits;
      if ((rc = flat_bits(&c, "flat", &bits, err))) break;
      if (in->kind != LF_BLK_FIXED || in->bits != bits ||
          bits_to_bytes(in->n, bits) > in->data_len) {
        rc = lf_err(err, LF_CORRUPT, "full-zip values are not %llu bits wide",
                    (unsigned long long)bits);
        break;
      }
      *out = *in;
      memset(in, 0, sizeof *in);
      break;
    }
    case CE_FSL: rc = fz_fsl(&c, in, out, err); break;
    case CE_CONSTANT: {
      xblk x = {0};
      if (!(rc = block_constant(&c, in->n, &x, err))) rc = xblk_finish(&x, out, err);
      else xblk_reset(&x);
      break;
    }
    case CE_VARIABLE:
      if ((rc = check_variable_in(in, err))) break;
      *out = *in;
      memset(in, 0, sizeof *in);
      break;
    case CE_FSST: {
      fields fs;
      ce child;
      if ((rc = check_variable_in(in, err)) || (rc = fields_parse(&c, &fs, err)) ||
          (rc = fields_child(&fs, 2, "fsst", &child, err)))
        break;
      if (child.kind != CE_VARIABLE) {
        rc = lf_err(err, LF_UNSUPPORTED, "full-zip fsst over '%s' is not supported",
                    ce_names[child.kind]);
        break;
      }
      xblk xin = {0}, x = {0};
      xin.b = *in;
      memset(in, 0, sizeof *in);
      rc = fsst_apply(&c, &xin, &x, err);
      xblk_reset(&xin);
      if (!rc) rc = xblk_finish(&x, out, err);
      else xblk_reset(&x);
      break;
    }
    case CE_GENERAL:
      if (!(rc = check_variable_in(in, err))) rc = fz_general(&c, in, out, err);
      break;
    default:
      rc = lf_err(err, LF_UNSUPPORTED, "compressive encoding '%s' is not supported in full-zip",
                  ce_names[c.kind]);
  }
done:
  lf_block_reset(in);
  return rc;
}

int lf_decompress_fullzip_value(const uint8_t *enc, size_t enc_len, const uint8_t *src,
                                uint64_t len, uint8_t **out, uint64_t *out_len,
                                lf_error *err) {
  lf_block in = {0}, o = {0};
  uint64_t offs[2] = {0, len};
  *out = NULL;
  *out_len = 0;
  in.kind = LF_BLK_VARIABLE;
  in.n = 1;
  in.data_len = len;
  in.data = dalloc(len);
  in.offsets = malloc(sizeof offs);
  if (!in.data || !in.offsets) {
    lf_block_reset(&in);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  if (len) memcpy(in.data, src, (size_t)len);
  memcpy(in.offsets, offs, sizeof offs);
  int rc = lf_decompress_fullzip(enc, enc_len, &in, &o, err);
  if (rc) return rc;
  if (o.kind != LF_BLK_VARIABLE || o.n != 1 || o.offsets[1] < o.offsets[0] ||
      o.offsets[1] > o.data_len) {
    lf_block_reset(&o);
    return lf_err(err, LF_CORRUPT, "full-zip value did not decode to one variable-width value");
  }
  *out_len = o.offsets[1] - o.offsets[0];
  if (o.offsets[0]) memmove(o.data, o.data + o.offsets[0], (size_t)*out_len);
  *out = o.data;
  o.data = NULL;
  lf_block_reset(&o);
  return LF_OK;
}
