/*
** posting.c: owns the compressed blocks of an FTS index's invert file: the
** bitpacked integer groups, the posting blocks (doc ids + frequencies) and
** the position blocks.  All integers little-endian; varints are LEB128 u32
** (7 bits a byte, low first, high bit = more; at most 5 bytes).
**
** Bitpacked group (the `bitpacking` crate's BitPacker4x / BitPacker8x
** layouts, L = 4 or 8 lanes, 32 * L values, B bits each, 0 <= B <= 32):
** value k belongs to lane k % L as that lane's value k / L; each lane packs
** its 32 values LSB-first into B 32-bit words, and word w of lane j is
** stored at byte 4 * (w * L + j).  The group is 4 * L * B bytes.  A sorted
** group stores differences: value k = value k-1 + stored k, value -1 being
** the group's initial value.
**
** Posting block, block size 128 (format versions 1 and 2), a full block of
** 128 documents:
**   f32 block max score | u32 first doc id | u8 B | 4-lane sorted group of
**   the doc ids (initial = first doc id) | u8 B' | 4-lane group of the
**   frequencies
** Block size 256 (format version 3), full block of 256 documents:
**   u32 first doc id | u8 B | 8-lane sorted group of the doc ids |
**   u8 W | u8 E | 8-lane group of the frequencies' low W bits |
**   E x (u8 index, varint high bits): frequency[index] |= high << W
** The last block of a list, when it holds fewer documents (the tail):
**   [f32 block max score, block size 128 only] then
**   varint_delta_v1: n varints of doc id differences (the first one
**     absolute), then n varint frequencies;
**   fixed32_v1: n u32 doc ids, then n u32 frequencies.
** Every block must be used to its last byte; doc ids ascend strictly.
**
** Position block, one per posting block: the positions of its documents in
** doc order, each document's first position absolute and the rest as
** differences to the previous one.  With T = the block's total frequency:
**   packed_delta_v1: floor(T / 128) groups of [u8 B | 4-lane group of 128
**     differences], then T % 128 varints;
**   varint_doc_delta_v2: T varints.
*/
#include "fts_int.h"

#include <string.h>

static int bad(lf_error *err, const char *what) {
  return lf_err(err, LF_CORRUPT, "FTS posting data: %s", what);
}

void lf_bp_unpack(unsigned lanes, unsigned bits, const uint8_t *in, uint32_t *out) {
  uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : ((uint32_t)1 << bits) - 1;
  for (unsigned j = 0; j < lanes; j++) { /* each lane: its `bits` words, streamed */
    const uint8_t *w = in + 4 * j;
    uint64_t acc = 0;
    unsigned have = 0;
    for (unsigned i = 0; i < 32; i++) {
      if (have < bits) {
        acc |= (uint64_t)lf_le32(w) << have;
        w += 4 * lanes;
        have += 32;
      }
      out[i * lanes + j] = (uint32_t)acc & mask;
      acc >>= bits;
      have -= bits;
    }
  }
}

void lf_bp_unpack_sorted(unsigned lanes, unsigned bits, uint32_t initial, const uint8_t *in,
                         uint32_t *out) {
  lf_bp_unpack(lanes, bits, in, out);
  uint32_t prev = initial;
  for (unsigned k = 0; k < 32 * lanes; k++) prev = out[k] = prev + out[k];
}

int lf_varint_u32(const uint8_t *p, size_t n, size_t *off, uint32_t *v) {
  uint64_t x = 0;
  for (unsigned shift = 0; shift < 35; shift += 7) {
    if (*off >= n) return -1;
    uint8_t b = p[(*off)++];
    x |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      if (x > 0xFFFFFFFFu) return -1;
      *v = (uint32_t)x;
      return 0;
    }
  }
  return -1;
}

/* A bitpacked group at b[*off]: [u8 B][4 * lanes * B bytes]; *bits = B,
** *data = its bytes; advances *off. */
static int group(const uint8_t *b, size_t len, size_t *off, unsigned lanes, unsigned *bits,
                 const uint8_t **data, lf_error *err) {
  if (*off >= len) return bad(err, "truncated block");
  *bits = b[(*off)++];
  if (*bits > 32) return bad(err, "bit width over 32");
  size_t sz = (size_t)4 * lanes * *bits;
  if (len - *off < sz) return bad(err, "truncated block");
  *data = b + *off;
  *off += sz;
  return LF_OK;
}

/* Patched frequencies of a 256-document block at b[*off]. */
static int pfor_group(const uint8_t *b, size_t len, size_t *off, uint32_t *freqs,
                      lf_error *err) {
  if (len - *off < 2) return bad(err, "truncated block");
  unsigned width = b[*off], nexc = b[*off + 1];
  if (width > 32) return bad(err, "bit width over 32");
  *off += 2;
  size_t sz = (size_t)32 * width;
  if (len - *off < sz) return bad(err, "truncated block");
  lf_bp_unpack(8, width, b + *off, freqs);
  *off += sz;
  for (unsigned e = 0; e < nexc; e++) {
    uint32_t high;
    if (*off >= len) return bad(err, "truncated exception list");
    unsigned at = b[(*off)++];
    if (lf_varint_u32(b, len, off, &high)) return bad(err, "bad exception varint");
    uint64_t v = (uint64_t)freqs[at] | (width < 32 ? (uint64_t)high << width : (high ? 1ull << 32 : 0));
    if (v > 0xFFFFFFFFu) return bad(err, "frequency exception over 32 bits");
    freqs[at] = (uint32_t)v;
  }
  return LF_OK;
}

static int full_block(const lf_posting_fmt *fmt, const uint8_t *b, size_t len, size_t off,
                      uint32_t *docs, uint32_t *freqs, lf_error *err) {
  unsigned lanes = fmt->block_size / 32, bits;
  const uint8_t *g;
  if (len - off < 4) return bad(err, "truncated block");
  uint32_t first = lf_le32(b + off);
  off += 4;
  int rc = group(b, len, &off, lanes, &bits, &g, err);
  if (rc) return rc;
  lf_bp_unpack_sorted(lanes, bits, first, g, docs);
  if (lanes == 8) {
    rc = pfor_group(b, len, &off, freqs, err);
  } else if (!(rc = group(b, len, &off, lanes, &bits, &g, err))) {
    lf_bp_unpack(lanes, bits, g, freqs);
  }
  if (!rc && off != len) rc = bad(err, "bytes left after a posting block");
  return rc;
}

static int tail_block(const lf_posting_fmt *fmt, const uint8_t *b, size_t len, size_t off,
                      uint32_t n, uint32_t *docs, uint32_t *freqs, lf_error *err) {
  if (!fmt->varint_tail) {
    if (len - off != (size_t)8 * n) return bad(err, "fixed32 tail block of the wrong size");
    for (uint32_t i = 0; i < n; i++) {
      docs[i] = lf_le32(b + off + 4 * i);
      freqs[i] = lf_le32(b + off + 4 * ((size_t)n + i));
    }
    return LF_OK;
  }
  uint32_t d;
  for (uint32_t i = 0; i < n; i++) {
    if (lf_varint_u32(b, len, &off, &d)) return bad(err, "bad doc id varint");
    if (i && d > UINT32_MAX - docs[i - 1]) return bad(err, "doc id over 32 bits");
    docs[i] = i ? docs[i - 1] + d : d;
  }
  for (uint32_t i = 0; i < n; i++)
    if (lf_varint_u32(b, len, &off, &freqs[i])) return bad(err, "bad frequency varint");
  return off == len ? LF_OK : bad(err, "bytes left after a tail block");
}

int lf_posting_block(const lf_posting_fmt *fmt, const uint8_t *b, size_t len, uint32_t n,
                     uint32_t *docs, uint32_t *freqs, float *max_score, lf_error *err) {
  size_t off = 0;
  *max_score = 0;
  if (fmt->block_size != 128 && fmt->block_size != 256)
    return lf_err(err, LF_UNSUPPORTED, "FTS posting blocks of %u documents", fmt->block_size);
  if (n == 0 || n > fmt->block_size) return bad(err, "block document count out of range");
  if (fmt->block_size == 128) {
    if (len < 4) return bad(err, "truncated block");
    uint32_t u = lf_le32(b);
    memcpy(max_score, &u, 4);
    off = 4;
  }
  int rc = n == fmt->block_size ? full_block(fmt, b, len, off, docs, freqs, err)
                                : tail_block(fmt, b, len, off, n, docs, freqs, err);
  for (uint32_t i = 1; !rc && i < n; i++)
    if (docs[i] <= docs[i - 1]) rc = bad(err, "doc ids do not ascend");
  return rc;
}

int lf_position_block(int codec, const uint8_t *b, size_t len, const uint32_t *freqs,
                      uint32_t n, uint32_t *out, size_t cap, lf_error *err) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) total += freqs[i];
  if (total > cap) return bad(err, "more positions than room for them");
  size_t off = 0, k = 0;
  int rc = LF_OK;
  for (; !rc && codec == LF_POS_PACKED && k + 128 <= total; k += 128) {
    unsigned bits;
    const uint8_t *g;
    if (!(rc = group(b, len, &off, 4, &bits, &g, err))) lf_bp_unpack(4, bits, g, out + k);
  }
  for (; !rc && k < total; k++)
    if (lf_varint_u32(b, len, &off, &out[k])) rc = bad(err, "bad position varint");
  if (!rc && off != len) rc = bad(err, "bytes left after a position block");
  k = 0;
  for (uint32_t i = 0; !rc && i < n; i++) {
    for (uint32_t j = 1; j < freqs[i]; j++) {
      if (out[k + j] > UINT32_MAX - out[k + j - 1]) return bad(err, "position over 32 bits");
      out[k + j] += out[k + j - 1];
    }
    k += freqs[i];
  }
  return rc;
}
