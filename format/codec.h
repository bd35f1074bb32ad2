/*
** codec.h: internal header of the leaf byte-level codecs of format/.
**
** These are pure functions over byte buffers; the encoding-tree interpreter
** calls them once it has found the buffers of a page or mini-block chunk.
** One section per file: bitpack.c, fsst.c, rle.c, general.c, bss.c (which
** also holds Range and Delta).  Each file's opening comment documents the
** byte layout it owns and the Lance Rust function it was read from.
**
** Conventions for every function here:
**  - returns LF_OK or an lf_error code, filling the optional err;
**  - input bytes are little-endian as Lance writes them and need no
**    alignment; "native" typed arrays (void *out) hold host-order values and
**    must be aligned for their element type (the build asserts a
**    little-endian host);
**  - element widths (elem_bits) are 8, 16, 32 or 64 unless said otherwise;
**  - a length or width read from the file that does not fit gives
**    LF_CORRUPT naming what was wrong; a bad argument from the caller that
**    no file can cause (NULL output, capacity too small) gives LF_ARG;
**  - outputs are either caller-allocated with an explicit capacity, or
**    malloc'd and handed to the caller, who frees them with free().
*/
#ifndef LF_CODEC_H
#define LF_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "lf_error.h"

/* ====================================================================
** bitpack.c: FastLanes bit-packing (1024-value blocks), Lance's inline
** bitpacking (mini-block chunks) and out-of-line bitpacking (blocks).
** ==================================================================== */

#define LF_FL_BLOCK 1024 /* values per FastLanes block */

/* Bytes of one packed block of bit width bw: 1024*bw/8 = 128*bw, whatever
** the element width. */
#define LF_FL_PACKED_BYTES(bw) ((size_t)(bw) * 128u)

/* Unchecked kernels.  in: LF_FL_PACKED_BYTES(bw) readable bytes (any
** alignment); out: 1024 native values.  bw <= element bits (the caller has
** checked it).  Nothing is allocated. */
void lf_fl_unpack8(const uint8_t *in, unsigned bw, uint8_t *out);
void lf_fl_unpack16(const uint8_t *in, unsigned bw, uint16_t *out);
void lf_fl_unpack32(const uint8_t *in, unsigned bw, uint32_t *out);
void lf_fl_unpack64(const uint8_t *in, unsigned bw, uint64_t *out);

/* Unchecked kernels.  in: 1024 native values (bits above bw are dropped);
** out: LF_FL_PACKED_BYTES(bw) writable bytes (any alignment). */
void lf_fl_pack8(const uint8_t *in, unsigned bw, uint8_t *out);
void lf_fl_pack16(const uint16_t *in, unsigned bw, uint8_t *out);
void lf_fl_pack32(const uint32_t *in, unsigned bw, uint8_t *out);
void lf_fl_pack64(const uint64_t *in, unsigned bw, uint8_t *out);

/* Checked wrappers: unpack one block of in_len bytes (at least
** LF_FL_PACKED_BYTES(bw)) into out (1024 native elem_bits values,
** caller-allocated); pack 1024 native values into out (out_cap bytes, at
** least LF_FL_PACKED_BYTES(bw)). */
int lf_fl_unpack(unsigned elem_bits, unsigned bw, const uint8_t *in,
                 size_t in_len, void *out, lf_error *err);
int lf_fl_pack(unsigned elem_bits, unsigned bw, const void *in, uint8_t *out,
               size_t out_cap, lf_error *err);

/* Bits needed for the widest of n native values (0 when all are zero). */
unsigned lf_bitwidth(unsigned elem_bits, const void *values, size_t n);

/* Inline bitpacking, one mini-block chunk of at most 1024 values.
** chunk: chunk_len bytes = [bit width: one elem_bits LE word]
**        [LF_FL_PACKED_BYTES(bw) bytes: one FastLanes block, zero-padded].
** Decodes the first num_values (<= 1024) values into out (caller-allocated,
** num_values native values).  Bytes after the block are ignored. */
int lf_inline_bitpack_decode(unsigned elem_bits, const uint8_t *chunk,
                             size_t chunk_len, size_t num_values, void *out,
                             lf_error *err);

/* Largest chunk lf_inline_bitpack_encode writes for elem_bits. */
#define LF_INLINE_BITPACK_MAX_BYTES(elem_bits) \
  ((size_t)(elem_bits) / 8 + LF_FL_PACKED_BYTES(elem_bits))

/* Encode 1..1024 native values as one inline-bitpacked chunk at the
** smallest bit width, into out (out_cap bytes, caller-allocated; at most
** LF_INLINE_BITPACK_MAX_BYTES needed).  *out_len = bytes written. */
int lf_inline_bitpack_encode(unsigned elem_bits, const void *values,
                             size_t num_values, uint8_t *out, size_t out_cap,
                             size_t *out_len, lf_error *err);

/* Out-of-line bitpacking of a whole page buffer of num_values values at a
** constant bit width bw (from the Flat child of OutOfLineBitpacking):
**   [num_values/1024 packed blocks, 128*bw bytes each]
**   [tail of num_values%1024 values: either raw elem_bits LE values, or one
**    more zero-padded packed block; raw iff data_len is exactly the raw size]
** Decodes values [start, end) into out (caller-allocated, end-start native
** values); only the blocks covering the range are unpacked. */
int lf_ool_bitpack_decode(unsigned elem_bits, unsigned bw, const uint8_t *data,
                          size_t data_len, uint64_t num_values, uint64_t start,
                          uint64_t end, void *out, lf_error *err);

/* Encode num_values native values at bit width bw (>= lf_bitwidth of the
** values, < elem_bits) with Lance's tail rule (pad-and-pack the tail only
** when that is smaller than raw).  *out is malloc'd (caller frees; NULL
** with *out_len 0 when num_values is 0). */
int lf_ool_bitpack_encode(unsigned elem_bits, unsigned bw, const void *values,
                          size_t num_values, uint8_t **out, size_t *out_len,
                          lf_error *err);
/* Bytes lf_ool_bitpack_encode writes for num_values values at bw (elem_bits
** and bw valid). */
size_t lf_ool_bitpack_size(unsigned elem_bits, unsigned bw, size_t num_values);

/* ====================================================================
** fsst.c: FSST symbol table (Fsst.symbol_table) and string decoding.
** ==================================================================== */

#define LF_FSST_TABLE_BYTES 2312 /* 8 + 256*8 + 256, always this size */
#define LF_FSST_ESC 255           /* escape code: one literal byte follows */
#define LF_FSST_MAGIC 0x46535354u /* "FSST", bits 32..63 of the table header */

typedef struct lf_fsst_table {
  uint64_t sym[256]; /* symbol bytes, little-endian packed */
  uint8_t len[256];  /* symbol lengths 1..8; 0 = unused code */
  unsigned n_symbols;
  int enabled; /* 0: the writer stored the strings uncompressed */
} lf_fsst_table;

/* Parse a serialized symbol table (caller-allocated t, nothing else). */
int lf_fsst_table_parse(lf_fsst_table *t, const uint8_t *buf, size_t len,
                        lf_error *err);

/* Decode num_values strings.  data/data_len: compressed bytes; offsets:
** num_values+1 native u32 or u64 (offset_bits 32/64; any alignment),
** non-decreasing, within data_len; string i is data[off[i]..off[i+1]).
** On success *out_data (malloc'd, decoded bytes, never NULL) and
** *out_offsets (malloc'd, num_values+1 native values of offset_bits,
** starting at 0) belong to the caller, who frees both.  Decoding stops
** with LF_CORRUPT when the output would exceed max_out bytes (and, for
** 32-bit offsets, INT32_MAX). */
int lf_fsst_decode(const lf_fsst_table *t, const uint8_t *data, size_t data_len,
                   const void *offsets, unsigned offset_bits, size_t num_values,
                   size_t max_out, uint8_t **out_data, size_t *out_len,
                   void **out_offsets, lf_error *err);

/* fsst_write.c: train a symbol table on a sample of n strings (string i
** is data[i ? ends[i-1] : 0 .. ends[i]), ends native u64) and compress
** them all.  table: LF_FSST_TABLE_BYTES (caller's), the serialized table;
** *out (malloc'd, *out_len bytes) the compressed strings, *out_ends
** (malloc'd) their n ends.  Deterministic; LF_OK or LF_NOMEM. */
int lf_fsst_encode(const uint8_t *data, const uint64_t *ends, size_t n, uint8_t *table,
                   uint8_t **out, size_t *out_len, uint64_t **out_ends, lf_error *err);

/* ====================================================================
** rle.c: Lance's RLE (values buffer + u8, u16 or u32 run lengths).
** ==================================================================== */

/* Expand runs into num_values native elem_bits values in out
** (caller-allocated).  values: runs*elem_bytes bytes; lengths: runs
** little-endian run lengths of len_bits (8, 16 or 32: the bits_per_value of
** Rle.run_lengths' Flat), runs*len_bits/8 bytes.  Another len_bits is
** LF_CORRUPT. */
int lf_rle_decode_w(unsigned elem_bits, unsigned len_bits, const uint8_t *values,
                    size_t values_len, const uint8_t *lengths, size_t lengths_len,
                    size_t num_values, void *out, lf_error *err);
/* lf_rle_decode_w with u8 run lengths (len_bits 8). */
int lf_rle_decode(unsigned elem_bits, const uint8_t *values, size_t values_len,
                  const uint8_t *lengths, size_t lengths_len,
                  size_t num_values, void *out, lf_error *err);

/* Encode num_values native values as runs with len_bits (8/16/32) run
** lengths, splitting runs at the width's maximum (255, 65535, 2^32-1).
** *out_values and *out_lengths are malloc'd (caller frees both; NULL when
** empty). */
int lf_rle_encode_w(unsigned elem_bits, unsigned len_bits, const void *values,
                    size_t num_values, uint8_t **out_values, size_t *values_len,
                    uint8_t **out_lengths, size_t *lengths_len, lf_error *err);
/* lf_rle_encode_w with u8 run lengths. */
int lf_rle_encode(unsigned elem_bits, const void *values, size_t num_values,
                  uint8_t **out_values, size_t *values_len,
                  uint8_t **out_lengths, size_t *lengths_len, lf_error *err);

/* ====================================================================
** general.c: general-purpose buffer compression (zstd, lz4) as Lance
** frames it.  Scheme numbers are pb21 CompressionScheme values.
** ==================================================================== */

enum { LF_GENERAL_LZ4 = 1, LF_GENERAL_ZSTD = 2 };

/* Decompress one buffer.  *out is malloc'd (never NULL on success; caller
** frees), *out_len its size.  An output larger than max_out is LF_CORRUPT
** (no decompression bombs). */
int lf_general_decompress(int scheme, const uint8_t *in, size_t in_len,
                          size_t max_out, uint8_t **out, size_t *out_len,
                          lf_error *err);

/* Compress one buffer the way Lance's writer does (zstd: u64 size prefix +
** zstd frame at level; lz4: u32 size prefix + lz4 block, level ignored).
** *out malloc'd, caller frees. */
int lf_general_compress(int scheme, int level, const uint8_t *in, size_t in_len,
                        uint8_t **out, size_t *out_len, lf_error *err);

/* ====================================================================
** bss.c: byte-stream-split, and the 2.3 Range and Delta sequences.
** ==================================================================== */

/* Byte-stream-split of num_values values of elem_bits (16/32/64): byte j
** of value i is at in[j*num_values + i].  in_len must be exactly
** num_values*elem_bytes.  out: caller-allocated out_cap bytes, receives
** the values as contiguous little-endian bytes. */
int lf_bss_decode(unsigned elem_bits, const uint8_t *in, size_t in_len,
                  size_t num_values, uint8_t *out, size_t out_cap,
                  lf_error *err);
int lf_bss_encode(unsigned elem_bits, const uint8_t *in, size_t num_values,
                  uint8_t *out, size_t out_cap, lf_error *err);

/* Range (elem_bits 32/64): out[i] = start + step*i for i < n, into a
** caller-allocated native array; a value past the width is LF_CORRUPT. */
int lf_range_decode(unsigned elem_bits, uint64_t start, uint64_t step, size_t n,
                    void *out, lf_error *err);

/* Delta (elem_bits 32/64): out[0] = base, out[i] = out[i-1] + deltas[i-1]
** for i < n; deltas holds n-1 native values of elem_bits (it may alias
** out + 1 element, so a child can decode in place).  Overflow is
** LF_CORRUPT. */
int lf_delta_decode(unsigned elem_bits, uint64_t base, const void *deltas,
                    size_t n, void *out, lf_error *err);

#endif
