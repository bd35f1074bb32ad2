/*
** general.c: owns general-purpose buffer compression (pb21 General /
** BufferCompression with CompressionScheme LZ4 = 1, ZSTD = 2) exactly as
** Lance frames it.
**
** Source: rust/lance-encoding/src/encodings/physical/block.rs
** (ZstdBufferCompressor, Lz4BufferCompressor) and general.rs
** (GeneralMiniBlockCompressor / GeneralMiniBlockDecompressor).
**
** zstd, as written:
**   [u64 LE uncompressed size][one zstd frame (streaming encoder, so the
**   frame may omit the content size)]
** zstd, as read: Rust also accepts a bare zstd stream without the size
** prefix (older writers).  It decides exactly so, and so does this file:
**   - empty input: empty output;
**   - fewer than 8 bytes: bare stream;
**   - first 4 bytes LE == 0xFD2FB528 (zstd magic) and byte 4 & 0x10 == 0:
**     bare stream (decoded frame after frame to the end);
**   - otherwise: size-prefixed; the frame(s) after the prefix must decode to
**     exactly the prefixed size (Rust leaves a short result zero-filled; a
**     mismatch is LF_CORRUPT here).
** lz4, as written and read (the lz4 crate's block API with prepend_size):
**   [u32 LE uncompressed size (negative as i32 is an error)][one raw LZ4
**   block, no frame].  The block may decode to fewer bytes than the prefix
**   says; like Rust the output is then the decoded bytes.
** Mini-block General wrapping (general.rs): only the FIRST buffer of each
** chunk is compressed, each chunk separately with the framing above; the
** chunk's other buffers are stored as they are.  The interpreter applies
** lf_general_decompress per chunk.  The writer only wraps when the first
** buffer is >= 4 KiB and compression wins overall.
** Whole-block General (GeneralBlockDecompressor) and per-value full-zip
** General (CompressedBufferEncoder: one frame per value, new offsets) use
** the same framing.
*/
#include "bytes.h"
#include "codec.h"

#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define ZSTD_MAGIC_LE 0xFD2FB528u

/* Rust's ZstdBufferCompressor::is_raw_stream_format. */
static int zstd_is_bare(const uint8_t *in, size_t len) {
  if (len < 8) return 1;
  return lf_le32(in) == ZSTD_MAGIC_LE && (in[4] & 0x10) == 0;
}

static int zstd_bare(const uint8_t *in, size_t in_len, size_t max_out,
                     uint8_t **out, size_t *out_len, lf_error *err) {
  ZSTD_DStream *ds = ZSTD_createDStream();
  if (!ds) return lf_err(err, LF_NOMEM, "zstd: no memory for a stream");
  size_t cap = in_len < (SIZE_MAX - 64) / 4 ? in_len * 4 + 64 : SIZE_MAX;
  if (cap > max_out) cap = max_out;
  if (cap == 0) cap = 1;
  uint8_t *buf = malloc(cap);
  int rc = LF_OK;
  if (!buf) {
    rc = lf_err(err, LF_NOMEM, "zstd: no memory");
    goto done;
  }
  ZSTD_inBuffer ib = {in, in_len, 0};
  size_t pos = 0;
  for (;;) {
    if (pos == cap) {
      if (cap >= max_out) {
        rc = lf_err(err, LF_CORRUPT, "zstd: output exceeds %zu bytes",
                    max_out);
        goto done;
      }
      size_t ncap = cap > max_out / 2 ? max_out : cap * 2;
      uint8_t *p = realloc(buf, ncap);
      if (!p) {
        rc = lf_err(err, LF_NOMEM, "zstd: no memory");
        goto done;
      }
      buf = p;
      cap = ncap;
    }
    ZSTD_outBuffer ob = {buf, cap, pos};
    size_t left = ZSTD_decompressStream(ds, &ob, &ib);
    if (ZSTD_isError(left)) {
      rc = lf_err(err, LF_CORRUPT, "zstd: %s", ZSTD_getErrorName(left));
      goto done;
    }
    pos = ob.pos;
    if (ib.pos == ib.size) {
      if (left == 0) break; /* every frame decoded and flushed */
      if (pos < cap) {      /* wants more input than there is */
        rc = lf_err(err, LF_CORRUPT, "zstd: truncated frame");
        goto done;
      }
    }
  }
  *out = buf;
  *out_len = pos;
  buf = NULL;
done:
  free(buf);
  ZSTD_freeDStream(ds);
  return rc;
}

static int zstd_prefixed(const uint8_t *in, size_t in_len, size_t max_out,
                         uint8_t **out, size_t *out_len, lf_error *err) {
  uint64_t n = lf_le64(in);
  if (n > max_out)
    return lf_err(err, LF_CORRUPT,
                  "zstd: uncompressed size %llu exceeds the limit of %zu",
                  (unsigned long long)n, max_out);
  uint8_t *buf = malloc(n ? (size_t)n : 1);
  if (!buf) return lf_err(err, LF_NOMEM, "zstd: no memory for %llu bytes",
                          (unsigned long long)n);
  size_t got = ZSTD_decompress(buf, (size_t)n, in + 8, in_len - 8);
  if (ZSTD_isError(got)) {
    free(buf);
    return lf_err(err, LF_CORRUPT, "zstd: %s", ZSTD_getErrorName(got));
  }
  if (got != n) {
    free(buf);
    return lf_err(err, LF_CORRUPT,
                  "zstd: decoded %zu bytes, size prefix says %llu", got,
                  (unsigned long long)n);
  }
  *out = buf;
  *out_len = (size_t)n;
  return LF_OK;
}

static int lz4_prefixed(const uint8_t *in, size_t in_len, size_t max_out,
                        uint8_t **out, size_t *out_len, lf_error *err) {
  if (in_len < 4)
    return lf_err(err, LF_CORRUPT,
                  "lz4: %zu bytes, too short for the size prefix", in_len);
  uint32_t u = lf_le32(in);
  if (u > (uint32_t)INT32_MAX)
    return lf_err(err, LF_CORRUPT, "lz4: negative size prefix %d",
                  (int)(int32_t)u);
  if (u > max_out)
    return lf_err(err, LF_CORRUPT,
                  "lz4: uncompressed size %u exceeds the limit of %zu", u,
                  max_out);
  if (in_len - 4 > (size_t)INT32_MAX)
    return lf_err(err, LF_CORRUPT, "lz4: block of %zu bytes is too large",
                  in_len - 4);
  uint8_t *buf = malloc(u ? u : 1);
  if (!buf) return lf_err(err, LF_NOMEM, "lz4: no memory for %u bytes", u);
  int got = LZ4_decompress_safe((const char *)in + 4, (char *)buf,
                                (int)(in_len - 4), (int)u);
  if (got < 0) {
    free(buf);
    return lf_err(err, LF_CORRUPT, "lz4: corrupt block (%zu bytes)",
                  in_len - 4);
  }
  *out = buf;
  *out_len = (size_t)got;
  return LF_OK;
}

int lf_general_decompress(int scheme, const uint8_t *in, size_t in_len,
                          size_t max_out, uint8_t **out, size_t *out_len,
                          lf_error *err) {
  if (!out || !out_len || (!in && in_len))
    return lf_err(err, LF_ARG, "general compression: missing argument");
  *out = NULL;
  *out_len = 0;
  switch (scheme) {
    case LF_GENERAL_ZSTD:
      if (in_len == 0) {
        *out = malloc(1);
        return *out ? LF_OK : lf_err(err, LF_NOMEM, "zstd: no memory");
      }
      if (zstd_is_bare(in, in_len))
        return zstd_bare(in, in_len, max_out, out, out_len, err);
      return zstd_prefixed(in, in_len, max_out, out, out_len, err);
    case LF_GENERAL_LZ4:
      return lz4_prefixed(in, in_len, max_out, out, out_len, err);
    default:
      return lf_err(err, LF_CORRUPT,
                    "general compression: unknown scheme %d (1 = lz4, "
                    "2 = zstd)",
                    scheme);
  }
}

int lf_general_compress(int scheme, int level, const uint8_t *in, size_t in_len,
                        uint8_t **out, size_t *out_len, lf_error *err) {
  if (!out || !out_len || (!in && in_len))
    return lf_err(err, LF_ARG, "general compression: missing argument");
  *out = NULL;
  *out_len = 0;
  if (scheme == LF_GENERAL_ZSTD) {
    size_t bound = ZSTD_compressBound(in_len);
    uint8_t *buf = malloc(8 + bound);
    if (!buf) return lf_err(err, LF_NOMEM, "zstd: no memory");
    uint64_t n = in_len;
    for (int i = 0; i < 8; i++) buf[i] = (uint8_t)(n >> (8 * i));
    size_t c = ZSTD_compress(buf + 8, bound, in, in_len, level);
    if (ZSTD_isError(c)) {
      free(buf);
      return lf_err(err, LF_ARG, "zstd: %s", ZSTD_getErrorName(c));
    }
    *out = buf;
    *out_len = 8 + c;
    return LF_OK;
  }
  if (scheme == LF_GENERAL_LZ4) {
    if (in_len > (size_t)LZ4_MAX_INPUT_SIZE)
      return lf_err(err, LF_ARG, "lz4: %zu bytes is too large", in_len);
    int bound = LZ4_compressBound((int)in_len);
    uint8_t *buf = malloc(4 + (size_t)bound);
    if (!buf) return lf_err(err, LF_NOMEM, "lz4: no memory");
    uint32_t n = (uint32_t)in_len;
    for (int i = 0; i < 4; i++) buf[i] = (uint8_t)(n >> (8 * i));
    int c = LZ4_compress_default((const char *)in, (char *)buf + 4,
                                 (int)in_len, bound);
    if (c <= 0) {
      free(buf);
      return lf_err(err, LF_ARG, "lz4: compression failed");
    }
    *out = buf;
    *out_len = 4 + (size_t)c;
    return LF_OK;
  }
  return lf_err(err, LF_ARG, "general compression: unknown scheme %d", scheme);
}
