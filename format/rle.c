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
**   buffer 1: run lengths, one u8 per run (Rle.run_lengths is Flat(8))
** A run longer than 255 is split into runs of 255 and a remainder (the
** remainder is omitted when 0), so lengths are 1..255 from the writer.
** The number of values comes from the mini-block chunk (log_num_values or
** the page remainder), not from the buffers.  The decoder expands runs in
** order; like Rust it stops at num_values (trailing excess is ignored), and
** having fewer values than num_values is corrupt.  A zero-length run is
** skipped.  Both buffers empty with num_values = 0 is an empty chunk.
*/
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#define RLE_EXPAND(T)                                                      \
  do {                                                                     \
    T *o = out;                                                            \
    for (size_t r = 0; r < runs && pos < num_values; r++) {                \
      T v;                                                                 \
      memcpy(&v, values + r * sizeof(T), sizeof v);                        \
      size_t n = lengths[r];                                               \
      if (n > num_values - pos) n = num_values - pos;                      \
      for (size_t k = 0; k < n; k++) o[pos + k] = v;                       \
      pos += n;                                                            \
    }                                                                      \
  } while (0)

int lf_rle_decode(unsigned elem_bits, const uint8_t *values, size_t values_len,
                  const uint8_t *lengths, size_t lengths_len,
                  size_t num_values, void *out, lf_error *err) {
  if (elem_bits != 8 && elem_bits != 16 && elem_bits != 32 && elem_bits != 64)
    return lf_err(err, LF_CORRUPT,
                  "RLE: value width %u is not 8, 16, 32 or 64", elem_bits);
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
  if (runs != lengths_len)
    return lf_err(err, LF_CORRUPT, "RLE: %zu run values but %zu run lengths",
                  runs, lengths_len);
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
  if (!out_values || !values_len || !out_lengths || !lengths_len)
    return lf_err(err, LF_ARG, "RLE: no output");
  *out_values = *out_lengths = NULL;
  *values_len = *lengths_len = 0;
  if (elem_bits != 8 && elem_bits != 16 && elem_bits != 32 && elem_bits != 64)
    return lf_err(err, LF_ARG, "RLE: value width %u", elem_bits);
  if (num_values == 0) return LF_OK;
  size_t eb = elem_bits / 8;
  const uint8_t *src = values;
  /* Count output runs first (each run of n is ceil(n/255) entries). */
  size_t nruns = 0;
  for (size_t i = 0; i < num_values;) {
    size_t j = i + 1;
    while (j < num_values && !memcmp(src + j * eb, src + i * eb, eb)) j++;
    nruns += (j - i + 254) / 255;
    i = j;
  }
  uint8_t *v = malloc(nruns * eb), *l = malloc(nruns);
  if (!v || !l) {
    free(v);
    free(l);
    return lf_err(err, LF_NOMEM, "RLE: no memory");
  }
  size_t r = 0;
  for (size_t i = 0; i < num_values;) {
    size_t j = i + 1;
    while (j < num_values && !memcmp(src + j * eb, src + i * eb, eb)) j++;
    for (size_t left = j - i; left > 0;) {
      size_t n = left > 255 ? 255 : left;
      memcpy(v + r * eb, src + i * eb, eb);
      l[r++] = (uint8_t)n;
      left -= n;
    }
    i = j;
  }
  *out_values = v;
  *values_len = nruns * eb;
  *out_lengths = l;
  *lengths_len = nruns;
  return LF_OK;
}
