/*
** bss.c: owns byte-stream-split (pb21 ByteStreamSplit) and the 2.3
** metadata-only sequences Range and Delta.
**
** Byte-stream-split (rust/lance-encoding/src/encodings/physical/
** byte_stream_split.rs, ByteStreamSplitEncoder::compress /
** ByteStreamSplitDecompressor::decompress): a mini-block chunk of n values of
** B bytes is stored as B planes of n bytes; byte j (0 = least significant)
** of value i is at [j*n + i].  The chunk buffer is exactly n*B bytes.  The
** writer uses 1024 values per chunk for 32-bit and 512 for 64-bit values and
** only for 32/64-bit data, normally wrapped in General(zstd|lz4); 16-bit is
** accepted here too.
**
** Range and Delta (lance-format/lance protos/encodings_v2_1.proto, 2.3):
**   Range { uncompressed_bits_per_value 32|64, start, step }: value i is
**   start + step*i, no buffer.  Delta { uncompressed_bits_per_value, base,
**   deltas }: value 0 is base, value i is value i-1 + delta i-1; the deltas
**   child holds n-1 values.  Writers only produce sequences that fit the
**   width, so an overflow is corrupt.
*/
#include "codec.h"

#include <string.h>

static int bss_check(unsigned elem_bits, size_t num_values, size_t out_cap,
                     const char *what, lf_error *err) {
  if (elem_bits != 16 && elem_bits != 32 && elem_bits != 64)
    return lf_err(err, LF_CORRUPT,
                  "byte-stream-split: value width %u is not 16, 32 or 64",
                  elem_bits);
  if (num_values > SIZE_MAX / 8 || out_cap < num_values * (elem_bits / 8))
    return lf_err(err, LF_ARG, "byte-stream-split %s: output of %zu bytes < %zu",
                  what, out_cap, num_values * (elem_bits / 8));
  return LF_OK;
}

int lf_bss_decode(unsigned elem_bits, const uint8_t *in, size_t in_len,
                  size_t num_values, uint8_t *out, size_t out_cap,
                  lf_error *err) {
  int rc = bss_check(elem_bits, num_values, out_cap, "decode", err);
  if (rc) return rc;
  size_t nb = elem_bits / 8, n = num_values;
  if (in_len != n * nb)
    return lf_err(err, LF_CORRUPT,
                  "byte-stream-split: %zu bytes for %zu %u-bit values "
                  "(expected %zu)",
                  in_len, n, elem_bits, n * nb);
  if (n == 0) return LF_OK;
  /* Plane-outer loops read and write sequentially, per plane. */
  for (size_t j = 0; j < nb; j++) {
    const uint8_t *plane = in + j * n;
    uint8_t *o = out + j;
    for (size_t i = 0; i < n; i++) o[i * nb] = plane[i];
  }
  return LF_OK;
}

int lf_bss_encode(unsigned elem_bits, const uint8_t *in, size_t num_values,
                  uint8_t *out, size_t out_cap, lf_error *err) {
  int rc = bss_check(elem_bits, num_values, out_cap, "encode", err);
  if (rc) return rc;
  size_t nb = elem_bits / 8, n = num_values;
  for (size_t j = 0; j < nb; j++) {
    uint8_t *plane = out + j * n;
    const uint8_t *s = in + j;
    for (size_t i = 0; i < n; i++) plane[i] = s[i * nb];
  }
  return LF_OK;
}

int lf_range_decode(unsigned elem_bits, uint64_t start, uint64_t step, size_t n,
                    void *out, lf_error *err) {
  if (elem_bits != 32 && elem_bits != 64)
    return lf_err(err, LF_CORRUPT, "range: value width %u is not 32 or 64",
                  elem_bits);
  if (n == 0) return LF_OK;
  uint64_t maxv = elem_bits == 32 ? UINT32_MAX : UINT64_MAX;
  uint64_t last = (uint64_t)(n - 1);
  if (start > maxv ||
      (last && step > (maxv - start) / last))
    return lf_err(err, LF_CORRUPT,
                  "range: start %llu + step %llu * %llu exceeds %u bits",
                  (unsigned long long)start, (unsigned long long)step,
                  (unsigned long long)last, elem_bits);
  if (!out) return lf_err(err, LF_ARG, "range: no output buffer");
  if (elem_bits == 32) {
    uint32_t *o = out, s = (uint32_t)start, d = (uint32_t)step;
    for (size_t i = 0; i < n; i++) o[i] = s + d * (uint32_t)i;
  } else {
    uint64_t *o = out;
    for (size_t i = 0; i < n; i++) o[i] = start + step * (uint64_t)i;
  }
  return LF_OK;
}

int lf_delta_decode(unsigned elem_bits, uint64_t base, const void *deltas,
                    size_t n, void *out, lf_error *err) {
  if (elem_bits != 32 && elem_bits != 64)
    return lf_err(err, LF_CORRUPT, "delta: value width %u is not 32 or 64",
                  elem_bits);
  if (n == 0) return LF_OK;
  if (!out || (n > 1 && !deltas))
    return lf_err(err, LF_ARG, "delta: missing buffer");
  if (elem_bits == 32) {
    if (base > UINT32_MAX)
      return lf_err(err, LF_CORRUPT, "delta: base %llu exceeds 32 bits",
                    (unsigned long long)base);
    const uint32_t *d = deltas;
    uint32_t *o = out;
    uint64_t acc = base;
    o[0] = (uint32_t)acc;
    for (size_t i = 1; i < n; i++) {
      acc += d[i - 1]; /* read before o[i] is written: d may alias o + 1 */
      if (acc > UINT32_MAX)
        return lf_err(err, LF_CORRUPT, "delta: value %zu overflows 32 bits", i);
      o[i] = (uint32_t)acc;
    }
  } else {
    const uint64_t *d = deltas;
    uint64_t *o = out;
    uint64_t acc = base;
    o[0] = acc;
    for (size_t i = 1; i < n; i++) {
      uint64_t di = d[i - 1];
      if (di > UINT64_MAX - acc)
        return lf_err(err, LF_CORRUPT, "delta: value %zu overflows 64 bits", i);
      acc += di;
      o[i] = acc;
    }
  }
  return LF_OK;
}
