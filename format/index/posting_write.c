/*
** posting_write.c: owns encoding the blocks of an FTS invert file as
** LanceDB 0.39 writes them (their byte layouts are documented in posting.c,
** which decodes them): bitpacked groups, posting blocks, position blocks and
** the impact entries of the _impacts column.  The choices LanceDB makes and
** these encoders reproduce:
**   - a bitpacked group's width B is the bit length of its largest value
**     (sorted groups: of the largest difference, the first one being 0);
**   - 256-document blocks store frequencies as patched FOR: starting from
**     the width of the largest value, narrower widths are tried downwards
**     while at most 31 values overflow; cost = 256 * W / 8 (integer
**     division) + per overflowing value 1 + its high bits' varint length;
**     the cheapest width wins, the wider one on a tie;
**   - a position block holds per document its first position and then the
**     differences, 128 at a time as a 4-lane group, the rest as varints.
**
** Impact entry (one per posting block, then one per 32 blocks, in order):
**   varint  the last doc id the entry covers
**   varint  pair count P
**   P x     varint ((dfreq - 1) << 1 | x) [u8 dnorm, when x = 1]
** The pairs are the entry's (frequency, document length) frontier: per
** distinct frequency the shortest document holding it, kept only where no
** higher frequency has a document as short or shorter; lengths are then
** quantized to their one-byte code (lf_fts_len_code) and pairs of equal
** code merge into the one of higher frequency.  dfreq / dnorm are the
** differences to the previous pair's frequency / code (from 0, 0); x says
** dnorm is stored (it is not when it is 1).
*/
#include "fts_int.h"

#include <stdlib.h>
#include <string.h>

unsigned lf_bp_bits(uint32_t v) {
  unsigned n = 0;
  while (v) n++, v >>= 1;
  return n;
}

void lf_bp_pack(unsigned lanes, unsigned bits, const uint32_t *in, uint8_t *out) {
  memset(out, 0, (size_t)4 * lanes * bits);
  for (unsigned j = 0; bits && j < lanes; j++) {
    for (unsigned i = 0; i < 32; i++) {
      uint64_t v = bits >= 32 ? in[i * lanes + j] : in[i * lanes + j] & ((1ull << bits) - 1);
      unsigned p = i * bits, w = p / 32, s = p % 32;
      uint64_t sh = v << s;
      for (unsigned k = 0; k < 2 && (sh >> (32 * k)); k++) {
        uint8_t *o = out + 4 * ((w + k) * lanes + j);
        uint32_t word = lf_le32(o) | (uint32_t)(sh >> (32 * k));
        for (int b = 0; b < 4; b++) o[b] = (uint8_t)(word >> (8 * b));
      }
    }
  }
}

void lf_varint_put(lf_buf *b, uint64_t v) {
  while (v >= 0x80) {
    lf_buf_u8(b, (uint8_t)(v | 0x80));
    v >>= 7;
  }
  lf_buf_u8(b, (uint8_t)v);
}

/* [u8 B][group] of vals[0..lanes*32). */
static void put_group(lf_buf *b, unsigned lanes, const uint32_t *vals) {
  uint32_t all = 0;
  for (unsigned i = 0; i < 32 * lanes; i++) all |= vals[i];
  unsigned bits = lf_bp_bits(all);
  lf_buf_u8(b, (uint8_t)bits);
  if (lf_buf_reserve(b, (size_t)4 * lanes * bits)) return;
  lf_bp_pack(lanes, bits, vals, b->p + b->len);
  b->len += (size_t)4 * lanes * bits;
}

static unsigned varint_len(uint32_t v) {
  unsigned bits = lf_bp_bits(v);
  return bits ? (bits + 6) / 7 : 1;
}

/* Patched frequencies of a 256-document block. */
static void put_pfor(lf_buf *b, const uint32_t *f) {
  unsigned max_bits = 0;
  for (int i = 0; i < 256; i++)
    if (lf_bp_bits(f[i]) > max_bits) max_bits = lf_bp_bits(f[i]);
  unsigned best = max_bits;
  size_t best_cost = 256 * (size_t)max_bits / 8;
  for (unsigned w = max_bits; w-- > 0;) {
    size_t exc = 0, bytes = 0;
    for (int i = 0; i < 256; i++)
      if (lf_bp_bits(f[i]) > w) exc++, bytes += 1 + varint_len(f[i] >> w);
    if (exc > 31) break;
    size_t cost = 256 * (size_t)w / 8 + bytes;
    if (cost < best_cost) best_cost = cost, best = w;
  }
  uint32_t body[256], mask = best >= 32 ? 0xFFFFFFFFu : (1u << best) - 1;
  unsigned nexc = 0;
  for (int i = 0; i < 256; i++) {
    body[i] = f[i] & mask;
    nexc += lf_bp_bits(f[i]) > best;
  }
  lf_buf_u8(b, (uint8_t)best);
  lf_buf_u8(b, (uint8_t)nexc);
  if (lf_buf_reserve(b, (size_t)32 * best)) return;
  lf_bp_pack(8, best, body, b->p + b->len);
  b->len += (size_t)32 * best;
  for (int i = 0; i < 256; i++)
    if (lf_bp_bits(f[i]) > best) {
      lf_buf_u8(b, (uint8_t)i);
      lf_varint_put(b, f[i] >> best);
    }
}

void lf_posting_block_encode(const lf_posting_fmt *fmt, const uint32_t *docs,
                             const uint32_t *freqs, uint32_t n, float max_score, lf_buf *b) {
  if (fmt->block_size == 128) {
    uint32_t u;
    memcpy(&u, &max_score, 4);
    lf_buf_u32le(b, u);
  }
  if (n < fmt->block_size) {
    for (uint32_t i = 0; i < n; i++)
      if (fmt->varint_tail) lf_varint_put(b, i ? docs[i] - docs[i - 1] : docs[i]);
      else lf_buf_u32le(b, docs[i]);
    for (uint32_t i = 0; i < n; i++)
      if (fmt->varint_tail) lf_varint_put(b, freqs[i]);
      else lf_buf_u32le(b, freqs[i]);
    return;
  }
  unsigned lanes = fmt->block_size / 32;
  uint32_t d[256];
  for (uint32_t i = 0; i < n; i++) d[i] = i ? docs[i] - docs[i - 1] : 0;
  lf_buf_u32le(b, docs[0]);
  put_group(b, lanes, d);
  if (lanes == 8) put_pfor(b, freqs);
  else put_group(b, lanes, freqs);
}

void lf_position_block_encode(const uint32_t *pos, const uint32_t *freqs, uint32_t n, lf_buf *b) {
  uint32_t group[128];
  unsigned k = 0;
  size_t at = 0;
  for (uint32_t i = 0; i < n; i++) {
    for (uint32_t j = 0; j < freqs[i]; j++, at++) {
      group[k++] = j ? pos[at] - pos[at - 1] : pos[at];
      if (k == 128) {
        put_group(b, 4, group);
        k = 0;
      }
    }
  }
  for (unsigned i = 0; i < k; i++) lf_varint_put(b, group[i]);
}

uint8_t lf_fts_len_code(uint32_t len) {
  unsigned bits = lf_bp_bits(len);
  if (bits < 4) return (uint8_t)len;
  unsigned shift = bits - 4;
  return (uint8_t)(((len >> shift) & 7) | ((shift + 1) << 3));
}

typedef struct fl_pair {
  uint32_t freq, len;
} fl_pair;

static int by_freq(const void *a, const void *b) {
  const fl_pair *x = a, *y = b;
  return x->freq < y->freq ? -1 : x->freq > y->freq ? 1 : (x->len > y->len) - (x->len < y->len);
}

int lf_impact_entry_encode(const uint32_t *freqs, const uint32_t *lens, size_t n,
                           uint32_t doc_up_to, lf_buf *b) {
  fl_pair *p = malloc((n ? n : 1) * sizeof *p);
  if (!p) return LF_NOMEM;
  for (size_t i = 0; i < n; i++) p[i] = (fl_pair){freqs[i], lens[i]};
  qsort(p, n, sizeof *p, by_freq);
  size_t m = 0; /* per frequency its shortest length (the first after sorting) */
  for (size_t i = 0; i < n; i++)
    if (!m || p[m - 1].freq != p[i].freq) p[m++] = p[i];
  size_t k = m; /* the frontier, kept at the end of p in ascending order */
  uint32_t best = UINT32_MAX;
  for (size_t i = m; i-- > 0;)
    if (p[i].len < best) best = p[i].len, p[--k] = p[i];
  size_t q = 0; /* quantized, equal codes merged (higher frequency kept) */
  for (size_t i = k; i < m; i++) {
    uint32_t code = lf_fts_len_code(p[i].len);
    if (q && p[q - 1].len == code) p[q - 1].freq = p[i].freq;
    else p[q++] = (fl_pair){p[i].freq, code};
  }
  lf_varint_put(b, doc_up_to);
  lf_varint_put(b, q);
  uint32_t pf = 0, pn = 0;
  for (size_t i = 0; i < q; i++) {
    uint32_t dn = p[i].len - pn;
    lf_varint_put(b, ((uint64_t)(p[i].freq - pf - 1) << 1) | (dn != 1));
    if (dn != 1) lf_buf_u8(b, (uint8_t)dn);
    pf = p[i].freq, pn = p[i].len;
  }
  free(p);
  return b->rc;
}
