/*
** bitpack.c: owns FastLanes bit-packing and the two Lance bitpacking
** encodings built on it (InlineBitpacking, OutOfLineBitpacking).
**
** FastLanes block (rust/compression/bitpacking/src/lib.rs, the lance-bitpacking
** crate, a copy of spiraldb/fastlanes; macros pack!/unpack!):
**   A block is 1024 values of T bits (T = 8/16/32/64) packed at width W
**   (0..T) into 1024*W/T words of T bits, i.e. 128*W bytes, little-endian.
**   The block is LANES = 1024/T interleaved lanes; lane l owns the packed
**   words l, LANES+l, 2*LANES+l, ... (word j of lane l is word j*LANES+l).
**   Inside a lane the T "rows" r = 0..T-1 are concatenated LSB-first: row r
**   occupies bits r*W .. r*W+W-1 of the lane's bit stream, spilling from word
**   (r*W)/T into the next word when it crosses a word boundary.
**   Row r of lane l holds the value at index
**       FL_ORDER[r/8]*16 + (r%8)*128 + l,   FL_ORDER = {0,4,2,6,1,5,3,7}
**   (the FastLanes "transposed" order).  W = 0 stores nothing and means all
**   zeros; W = T is the same formula with every row in its own word.
**   The kernels below loop rows outside and lanes inside: for one row the
**   shift and word are the same in every lane, so the lane loop is a plain
**   vectorisable loop over LANES contiguous words.
**
** InlineBitpacking (rust/lance-encoding/src/encodings/physical/bitpacking.rs,
** InlineBitpacking::bitpack_chunked / unchunk): used by mini-block; every
** chunk holds one block of <= 1024 values:
**   [W as one T-bit little-endian word][128*W bytes: one FastLanes block]
**   The last chunk (fewer than 1024 values) is zero-padded to 1024 values and
**   packed whole.  Each chunk has its own W (Stat::BitWidth per 1024 values).
**   Rust's reader asserts the chunk is exactly that size; this reader ignores
**   bytes after the block.
**
** OutOfLineBitpacking (same file, bitpack_out_of_line / unpack_out_of_line):
**   used as a block compressor (full-zip / rep-def buffers), W fixed for the
**   buffer and taken from the Flat child's bits_per_value:
**   [n/1024 FastLanes blocks of 128*W bytes]
**   [tail of n%1024 values: raw T-bit LE values when that is no larger than
**    padding, else one more block packed from the zero-padded tail]
**   The writer pads iff W*(1024-tail) < (T-W)*tail; the reader (and this
**   one) decides from the length: raw iff the buffer is exactly
**   (n/1024)*128*W + tail*T/8 bytes.
**
** There is no version gate: 2.1, 2.2 and 2.3 files use the same kernels and
** layouts (compression.rs picks the encodings the same way for all three).
*/
#include "bytes.h"
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "format/bitpack.c assumes a little-endian host"
#endif

static const unsigned char FL_ORDER[8] = {0, 4, 2, 6, 1, 5, 3, 7};
#define FL_ROW_BASE(row) (FL_ORDER[(row) / 8] * 16u + ((row) % 8) * 128u)

/* One unpack and one pack kernel per element type.  T: element type, BITS:
** its width.  Loads and stores of packed words go through memcpy so the
** packed bytes need no alignment; compilers turn these into vector loads. */
#define FL_KERNELS(T, BITS)                                                    \
  void lf_fl_unpack##BITS(const uint8_t *restrict in, unsigned bw,             \
                          T *restrict out) {                                   \
    enum { LANES = 1024 / BITS };                                              \
    if (bw == 0) {                                                             \
      memset(out, 0, 1024 * sizeof(T));                                        \
      return;                                                                  \
    }                                                                          \
    for (unsigned row = 0; row < BITS; row++) {                                \
      unsigned bit = row * bw, word = bit / BITS, shift = bit % BITS;          \
      T *restrict o = out + FL_ROW_BASE(row);                                  \
      const uint8_t *p = in + (size_t)word * LANES * sizeof(T);                \
      if (shift + bw <= BITS) {                                                \
        T mask = bw == BITS ? (T)~(T)0 : (T)(((T)1 << bw) - 1);                \
        for (unsigned l = 0; l < LANES; l++) {                                 \
          T a;                                                                 \
          memcpy(&a, p + l * sizeof(T), sizeof a);                             \
          o[l] = (T)((a >> shift) & mask);                                     \
        }                                                                      \
      } else {                                                                 \
        unsigned lo = BITS - shift; /* bits taken from the first word */      \
        T mhi = (T)(((T)1 << (bw - lo)) - 1);                                  \
        const uint8_t *q = p + LANES * sizeof(T);                              \
        for (unsigned l = 0; l < LANES; l++) {                                 \
          T a, b;                                                              \
          memcpy(&a, p + l * sizeof(T), sizeof a);                             \
          memcpy(&b, q + l * sizeof(T), sizeof b);                             \
          o[l] = (T)((T)(a >> shift) | (T)((T)(b & mhi) << lo));               \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }                                                                            \
  void lf_fl_pack##BITS(const T *restrict in, unsigned bw,                     \
                        uint8_t *restrict out) {                               \
    enum { LANES = 1024 / BITS };                                              \
    T buf[1024];                                                               \
    if (bw == 0) return;                                                       \
    memset(buf, 0, (size_t)LANES * bw * sizeof(T));                            \
    T mask = bw == BITS ? (T)~(T)0 : (T)(((T)1 << bw) - 1);                    \
    for (unsigned row = 0; row < BITS; row++) {                                \
      unsigned bit = row * bw, word = bit / BITS, shift = bit % BITS;          \
      const T *restrict src = in + FL_ROW_BASE(row);                           \
      T *w0 = buf + (size_t)word * LANES;                                      \
      if (shift + bw <= BITS) {                                                \
        for (unsigned l = 0; l < LANES; l++)                                   \
          w0[l] |= (T)((T)(src[l] & mask) << shift);                           \
      } else {                                                                 \
        unsigned lo = BITS - shift;                                            \
        T *w1 = w0 + LANES;                                                    \
        for (unsigned l = 0; l < LANES; l++) {                                 \
          T v = (T)(src[l] & mask);                                            \
          w0[l] |= (T)(v << shift);                                            \
          w1[l] |= (T)(v >> lo);                                               \
        }                                                                      \
      }                                                                        \
    }                                                                          \
    memcpy(out, buf, (size_t)LANES * bw * sizeof(T));                          \
  }

FL_KERNELS(uint8_t, 8)
FL_KERNELS(uint16_t, 16)
FL_KERNELS(uint32_t, 32)
FL_KERNELS(uint64_t, 64)

static int valid_elem_bits(unsigned b) {
  return b == 8 || b == 16 || b == 32 || b == 64;
}

/* Unpack one block; elem_bits and bw already checked. */
static void fl_unpack_any(unsigned elem_bits, unsigned bw, const uint8_t *in,
                          void *out) {
  switch (elem_bits) {
    case 8: lf_fl_unpack8(in, bw, (uint8_t *)out); break;
    case 16: lf_fl_unpack16(in, bw, (uint16_t *)out); break;
    case 32: lf_fl_unpack32(in, bw, (uint32_t *)out); break;
    default: lf_fl_unpack64(in, bw, (uint64_t *)out); break;
  }
}

static void fl_pack_any(unsigned elem_bits, unsigned bw, const void *in,
                        uint8_t *out) {
  switch (elem_bits) {
    case 8: lf_fl_pack8((const uint8_t *)in, bw, out); break;
    case 16: lf_fl_pack16((const uint16_t *)in, bw, out); break;
    case 32: lf_fl_pack32((const uint32_t *)in, bw, out); break;
    default: lf_fl_pack64((const uint64_t *)in, bw, out); break;
  }
}

int lf_fl_unpack(unsigned elem_bits, unsigned bw, const uint8_t *in,
                 size_t in_len, void *out, lf_error *err) {
  if (!valid_elem_bits(elem_bits))
    return lf_err(err, LF_CORRUPT,
                  "bitpacking: element width %u is not 8, 16, 32 or 64",
                  elem_bits);
  if (bw > elem_bits)
    return lf_err(err, LF_CORRUPT, "bitpacking: bit width %u exceeds %u", bw,
                  elem_bits);
  if (in_len < LF_FL_PACKED_BYTES(bw))
    return lf_err(err, LF_CORRUPT,
                  "bitpacking: block of %zu bytes is shorter than bit width "
                  "%u needs (%zu)",
                  in_len, bw, LF_FL_PACKED_BYTES(bw));
  if (!out) return lf_err(err, LF_ARG, "bitpacking: no output buffer");
  fl_unpack_any(elem_bits, bw, in, out);
  return LF_OK;
}

int lf_fl_pack(unsigned elem_bits, unsigned bw, const void *in, uint8_t *out,
               size_t out_cap, lf_error *err) {
  if (!valid_elem_bits(elem_bits) || bw > elem_bits)
    return lf_err(err, LF_ARG, "bitpacking: cannot pack %u-bit values at %u bits",
                  elem_bits, bw);
  if (out_cap < LF_FL_PACKED_BYTES(bw))
    return lf_err(err, LF_ARG, "bitpacking: output of %zu bytes < %zu", out_cap,
                  LF_FL_PACKED_BYTES(bw));
  fl_pack_any(elem_bits, bw, in, out);
  return LF_OK;
}

unsigned lf_bitwidth(unsigned elem_bits, const void *values, size_t n) {
  uint64_t acc = 0;
  size_t i;
  switch (elem_bits) {
    case 8: {
      const uint8_t *v = values;
      uint8_t a = 0;
      for (i = 0; i < n; i++) a |= v[i];
      acc = a;
      break;
    }
    case 16: {
      const uint16_t *v = values;
      uint16_t a = 0;
      for (i = 0; i < n; i++) a |= v[i];
      acc = a;
      break;
    }
    case 32: {
      const uint32_t *v = values;
      uint32_t a = 0;
      for (i = 0; i < n; i++) a |= v[i];
      acc = a;
      break;
    }
    default: {
      const uint64_t *v = values;
      for (i = 0; i < n; i++) acc |= v[i];
      break;
    }
  }
  return acc ? 64u - (unsigned)__builtin_clzll(acc) : 0u;
}

/* Scratch for one unpacked block, aligned for any element type. */
typedef union fl_block {
  uint64_t u64[LF_FL_BLOCK];
  uint8_t bytes[LF_FL_BLOCK * 8];
} fl_block;

int lf_inline_bitpack_decode(unsigned elem_bits, const uint8_t *chunk,
                             size_t chunk_len, size_t num_values, void *out,
                             lf_error *err) {
  if (!valid_elem_bits(elem_bits))
    return lf_err(err, LF_CORRUPT,
                  "inline bitpacking: uncompressed width %u is not 8, 16, 32 "
                  "or 64",
                  elem_bits);
  if (num_values > LF_FL_BLOCK)
    return lf_err(err, LF_CORRUPT,
                  "inline bitpacking: chunk of %zu values exceeds 1024",
                  num_values);
  if (num_values == 0) return LF_OK;
  unsigned eb = elem_bits / 8;
  if (!chunk || chunk_len < eb)
    return lf_err(err, LF_CORRUPT,
                  "inline bitpacking: chunk of %zu bytes has no %u-byte bit "
                  "width header",
                  chunk_len, eb);
  uint64_t bw = lf_le(chunk, eb);
  if (bw > elem_bits)
    return lf_err(err, LF_CORRUPT,
                  "inline bitpacking: bit width %llu exceeds %u",
                  (unsigned long long)bw, elem_bits);
  size_t need = eb + LF_FL_PACKED_BYTES(bw);
  if (chunk_len < need)
    return lf_err(err, LF_CORRUPT,
                  "inline bitpacking: chunk of %zu bytes is shorter than bit "
                  "width %u needs (%zu)",
                  chunk_len, (unsigned)bw, need);
  if (!out) return lf_err(err, LF_ARG, "inline bitpacking: no output buffer");
  if (num_values == LF_FL_BLOCK) {
    fl_unpack_any(elem_bits, (unsigned)bw, chunk + eb, out);
  } else {
    fl_block tmp;
    fl_unpack_any(elem_bits, (unsigned)bw, chunk + eb, tmp.u64);
    memcpy(out, tmp.bytes, num_values * eb);
  }
  return LF_OK;
}

int lf_inline_bitpack_encode(unsigned elem_bits, const void *values,
                             size_t num_values, uint8_t *out, size_t out_cap,
                             size_t *out_len, lf_error *err) {
  if (!valid_elem_bits(elem_bits) || num_values == 0 ||
      num_values > LF_FL_BLOCK || !values || !out)
    return lf_err(err, LF_ARG,
                  "inline bitpacking: cannot encode %zu %u-bit values",
                  num_values, elem_bits);
  unsigned eb = elem_bits / 8;
  unsigned bw = lf_bitwidth(elem_bits, values, num_values);
  size_t need = eb + LF_FL_PACKED_BYTES(bw);
  if (out_cap < need)
    return lf_err(err, LF_ARG, "inline bitpacking: output of %zu bytes < %zu",
                  out_cap, need);
  memset(out, 0, eb);
  out[0] = (uint8_t)bw; /* bw <= 64 fits the low byte of the LE word */
  fl_block tmp;
  memset(&tmp, 0, sizeof tmp);
  memcpy(tmp.bytes, values, num_values * eb);
  fl_pack_any(elem_bits, bw, tmp.u64, out + eb);
  if (out_len) *out_len = need;
  return LF_OK;
}

int lf_ool_bitpack_decode(unsigned elem_bits, unsigned bw, const uint8_t *data,
                          size_t data_len, uint64_t num_values, uint64_t start,
                          uint64_t end, void *out, lf_error *err) {
  if (!valid_elem_bits(elem_bits))
    return lf_err(err, LF_CORRUPT,
                  "out-of-line bitpacking: uncompressed width %u is not 8, "
                  "16, 32 or 64",
                  elem_bits);
  if (bw > elem_bits)
    return lf_err(err, LF_CORRUPT,
                  "out-of-line bitpacking: bit width %u exceeds %u", bw,
                  elem_bits);
  if (start > end || end > num_values)
    return lf_err(err, LF_ARG,
                  "out-of-line bitpacking: range %llu..%llu outside %llu values",
                  (unsigned long long)start, (unsigned long long)end,
                  (unsigned long long)num_values);
  unsigned eb = elem_bits / 8;
  uint64_t blk = LF_FL_PACKED_BYTES(bw);
  uint64_t whole = num_values / LF_FL_BLOCK, tail = num_values % LF_FL_BLOCK;
  /* whole*blk may not fit 64 bits for absurd counts: no buffer is that big. */
  if (blk && whole > (UINT64_MAX - 2 * blk) / blk)
    return lf_err(err, LF_CORRUPT,
                  "out-of-line bitpacking: %llu values at %u bits exceed any "
                  "buffer",
                  (unsigned long long)num_values, bw);
  uint64_t full_bytes = whole * blk;
  uint64_t raw_len = full_bytes + tail * eb;
  int tail_raw = tail > 0 && (uint64_t)data_len == raw_len;
  uint64_t need = tail_raw ? raw_len : full_bytes + (tail ? blk : 0);
  if ((uint64_t)data_len < need || (need && !data))
    return lf_err(err, LF_CORRUPT,
                  "out-of-line bitpacking: %zu bytes are fewer than %llu "
                  "values at %u bits need (%llu)",
                  data_len, (unsigned long long)num_values, bw,
                  (unsigned long long)need);
  if (start == end) return LF_OK;
  if (!out)
    return lf_err(err, LF_ARG, "out-of-line bitpacking: no output buffer");
  uint8_t *o = out;
  uint64_t i = start;
  while (i < end) {
    uint64_t b = i / LF_FL_BLOCK, within = i % LF_FL_BLOCK;
    uint64_t cnt = LF_FL_BLOCK - within;
    if (cnt > end - i) cnt = end - i;
    if (b == whole && tail_raw) {
      memcpy(o, data + full_bytes + within * eb, (size_t)(cnt * eb));
    } else if (cnt == LF_FL_BLOCK) {
      fl_unpack_any(elem_bits, bw, data + b * blk, o);
    } else {
      fl_block tmp;
      fl_unpack_any(elem_bits, bw, data + b * blk, tmp.u64);
      memcpy(o, tmp.bytes + within * eb, (size_t)(cnt * eb));
    }
    i += cnt;
    o += cnt * eb;
  }
  return LF_OK;
}

/* bitpack_out_of_line: pad the tail iff padding costs fewer bits than
** packing the tail saves. */
static int ool_pads(unsigned elem_bits, unsigned bw, size_t tail) {
  return tail > 0 && (uint64_t)bw * (LF_FL_BLOCK - tail) < (uint64_t)(elem_bits - bw) * tail;
}

size_t lf_ool_bitpack_size(unsigned elem_bits, unsigned bw, size_t num_values) {
  size_t tail = num_values % LF_FL_BLOCK, blk = LF_FL_PACKED_BYTES(bw);
  size_t len = num_values / LF_FL_BLOCK * blk;
  return len + (tail ? (ool_pads(elem_bits, bw, tail) ? blk : tail * (elem_bits / 8)) : 0);
}

int lf_ool_bitpack_encode(unsigned elem_bits, unsigned bw, const void *values,
                          size_t num_values, uint8_t **out, size_t *out_len,
                          lf_error *err) {
  if (!out || !out_len)
    return lf_err(err, LF_ARG, "out-of-line bitpacking: no output");
  *out = NULL;
  *out_len = 0;
  if (!valid_elem_bits(elem_bits) || bw > elem_bits)
    return lf_err(err, LF_ARG,
                  "out-of-line bitpacking: cannot pack %u-bit values at %u "
                  "bits",
                  elem_bits, bw);
  if (num_values == 0) return LF_OK;
  if (lf_bitwidth(elem_bits, values, num_values) > bw)
    return lf_err(err, LF_ARG,
                  "out-of-line bitpacking: values need more than %u bits", bw);
  unsigned eb = elem_bits / 8;
  size_t blk = LF_FL_PACKED_BYTES(bw);
  size_t whole = num_values / LF_FL_BLOCK, tail = num_values % LF_FL_BLOCK;
  int pad = ool_pads(elem_bits, bw, tail);
  size_t len = lf_ool_bitpack_size(elem_bits, bw, num_values);
  uint8_t *buf = malloc(len ? len : 1);
  if (!buf) return lf_err(err, LF_NOMEM, "out-of-line bitpacking: no memory");
  const uint8_t *src = values;
  for (size_t b = 0; b < whole; b++)
    fl_pack_any(elem_bits, bw, src + b * LF_FL_BLOCK * eb, buf + b * blk);
  if (tail && pad) {
    fl_block tmp;
    memset(&tmp, 0, sizeof tmp);
    memcpy(tmp.bytes, src + whole * LF_FL_BLOCK * eb, tail * eb);
    fl_pack_any(elem_bits, bw, tmp.u64, buf + whole * blk);
  } else if (tail) {
    memcpy(buf + whole * blk, src + whole * LF_FL_BLOCK * eb, tail * eb);
  }
  *out = buf;
  *out_len = len;
  return LF_OK;
}
