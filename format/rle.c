/*
** rle.c: owns Lance's run-length encoding of fixed-width values (pb21 Rle),
** as written in 2.1/2.2/2.3 mini-block chunks (values, rep/def levels, and
** 2.1 constant pages).
**
** Source: rust/lance-encoding/src/encodings/physical/rle.rs
** (RleMiniBlockEncoder::add_run / encode_chunk_rolling,
** RleMiniBlockDecompressor::decode_generic).
**
** A chunk has two buffers, in this order:
**   buffer 0: run values, one elem_bits little-endian value per run
**             (Rle.values is Flat(elem_bits), elem_bits 8/16/32/64)
**   buffer 1: run lengths, one little-endian unsigned integer per run of
**             len_bits bits; Rle.run_lengths is Flat(len_bits) and that
**             Flat's bits_per_value is the only place the width is given
**             (2.3 writers may compress either buffer: decompress.c undoes
**             that first, and the width is then the child's decoded one):
**               8   compatibility mode (2.1/2.2 writers, and 2.3 when it
**                   is the cheapest),
**               16  "RLE v2" (LanceDB 0.39 writes it for long runs),
**               32  "RLE v2" for runs up to 2^32-1.
**             (rle.rs RunLengthWidth::from_bits / read_length; the writer
**             picks the width with the fewest bytes,
**             select_run_length_width_from_entries.)
** A run longer than the width's maximum (255, 65535, 2^32-1) is split into
** runs of that maximum and a remainder (omitted when 0).
** The number of values comes from the mini-block chunk (log_num_values or
** the page remainder), not from the buffers.  The decoder expands runs in
** order; like Rust it stops at num_values (trailing excess is ignored), and
** having fewer values than num_values is corrupt.  A zero-length run is
** skipped.  Both buffers empty with num_values = 0 is an empty chunk.
*/
#include "bytes.h"
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#define RLE_EXPAND(T)                                                      \
  do {                                                                     \
    T *o = out;                                                            \
    for (size_t r = 0; r < runs && pos < num_values; r++) {                \
      T v;                                                                 \
      memcpy(&v, values + r * sizeof(T), sizeof v);                        \
      uint64_t n = lb == 1 ? lengths[r] : lf_le(lengths + r * lb, lb);       \
      if (n > num_values - pos) n = num_values - pos;                      \
      for (size_t k = 0; k < (size_t)n; k++) o[pos + k] = v;               \
      pos += n;                                                            \
    }                                                                      \
  } while (0)

int lf_rle_decode(unsigned elem_bits, const uint8_t *values, size_t values_len,
                  const uint8_t *lengths, size_t lengths_len,
                  size_t num_values, void *out, lf_error *err) {
  return lf_rle_decode_w(elem_bits, 8, values, values_len, lengths, lengths_len, num_values,
                         out, err);
}

int lf_rle_decode_w(unsigned elem_bits, unsigned len_bits, const uint8_t *values,
                    size_t values_len, const uint8_t *lengths, size_t lengths_len,
                    size_t num_values, void *out, lf_error *err) {
  if (elem_bits != 8 && elem_bits != 16 && elem_bits != 32 && elem_bits != 64)
    return lf_err(err, LF_CORRUPT,
                  "RLE: value width %u is not 8, 16, 32 or 64", elem_bits);
  if (len_bits != 8 && len_bits != 16 && len_bits != 32)
    return lf_err(err, LF_CORRUPT, "RLE: run length width %u is not 8, 16 or 32", len_bits);
  size_t lb = len_bits / 8;
  if (num_values == 0) return LF_OK;
  size_t eb = elem_bits / 8;
  if (!values || !lengths || values_len == 0 || lengths_len == 0)
    return lf_err(err, LF_CORRUPT, "RLE: empty buffers but %zu values expected",
                  num_values);
  if (values_len % eb != 0)
    return lf_err(err, LF_CORRUPT,
                  "RLE: values buffer of %zu bytes is not a multiple of %zu",
                  values_len, eb);
  size_t runs = values_len / eb;
  if (lengths_len % lb != 0 || runs != lengths_len / lb)
    return lf_err(err, LF_CORRUPT,
                  "RLE: %zu run values but %zu bytes of %u-bit run lengths", runs,
                  lengths_len, len_bits);
  if (!out) return lf_err(err, LF_ARG, "RLE: no output buffer");
  size_t pos = 0;
  switch (elem_bits) {
    case 8: RLE_EXPAND(uint8_t); break;
    case 16: RLE_EXPAND(uint16_t); break;
    case 32: RLE_EXPAND(uint32_t); break;
    default: RLE_EXPAND(uint64_t); break;
  }
  if (pos != num_values)
    return lf_err(err, LF_CORRUPT, "RLE: runs hold %zu values, expected %zu",
                  pos, num_values);
  return LF_OK;
}

int lf_rle_encode(unsigned elem_bits, const void *values, size_t num_values,
                  uint8_t **out_values, size_t *values_len,
                  uint8_t **out_lengths, size_t *lengths_len, lf_error *err) {
  return lf_rle_encode_w(elem_bits, 8, values, num_values, out_values, values_len, out_lengths,
                         lengths_len, err);
}

int lf_rle_encode_w(unsigned elem_bits, unsigned len_bits, const void *values,
                    size_t num_values, uint8_t **out_values, size_t *values_len,
                    uint8_t **out_lengths, size_t *lengths_len, lf_error *err) {
  if (!out_values || !values_len || !out_lengths || !lengths_len)
    return lf_err(err, LF_ARG, "RLE: no output");
  *out_values = *out_lengths = NULL;
  *values_len = *lengths_len = 0;
  if (elem_bits != 8 && elem_bits != 16 && elem_bits != 32 && elem_bits != 64)
    return lf_err(err, LF_ARG, "RLE: value width %u", elem_bits);
  if (len_bits != 8 && len_bits != 16 && len_bits != 32)
    return lf_err(err, LF_ARG, "RLE: run length width %u", len_bits);
  if (num_values == 0) return LF_OK;
  size_t eb = elem_bits / 8, lb = len_bits / 8;
  uint64_t maxrun = len_bits == 32 ? UINT32_MAX : (1u << len_bits) - 1;
  const uint8_t *src = values;
  /* Count output runs first (each run of n is ceil(n/255) entries). */
  size_t nruns = 0;
  for (size_t i = 0; i < num_values;) {
    size_t j = i + 1;
    while (j < num_values && !memcmp(src + j * eb, src + i * eb, eb)) j++;
    nruns += (size_t)(((uint64_t)(j - i) + maxrun - 1) / maxrun);
    i = j;
  }
  uint8_t *v = malloc(nruns * eb), *l = malloc(nruns * lb);
  if (!v || !l) {
    free(v);
    free(l);
    return lf_err(err, LF_NOMEM, "RLE: no memory");
  }
  size_t r = 0;
  for (size_t i = 0; i < num_values;) {
    size_t j = i + 1;
    while (j < num_values && !memcmp(src + j * eb, src + i * eb, eb)) j++;
    for (uint64_t left = j - i; left > 0;) {
      uint64_t n = left > maxrun ? maxrun : left;
      memcpy(v + r * eb, src + i * eb, eb);
      for (size_t b = 0; b < lb; b++) l[r * lb + b] = (uint8_t)(n >> (8 * b));
      r++;
      left -= n;
    }
    i = j;
  }
  *out_values = v;
  *values_len = nruns * eb;
  *out_lengths = l;
  *lengths_len = nruns * lb;
  return LF_OK;
}
