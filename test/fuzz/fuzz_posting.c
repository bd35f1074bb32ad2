/*
** fuzz_posting.c: libFuzzer target for the FTS invert file's blocks
** (format/index/posting.c).  Input byte 0 picks the decoder: 0 a posting
** block of 128 (varint tail), 1 of 256, 2 a fixed32 tail, 3 / 4 a position
** block (packed / varint codec); byte 1 the document count (posting blocks:
** 1..256) or the number of documents whose frequencies (one byte each, 0..63)
** follow (position blocks); the rest is the block.  Decoded doc ids must
** ascend, positions ascend within each document.
*/
#include <stdint.h>
#include <stdlib.h>

#include "index/fts_int.h"

static int posting(const uint8_t *d, size_t n, int mode) {
  static const lf_posting_fmt fmt[3] = {{128, 1}, {256, 1}, {128, 0}};
  uint32_t docs[256], freqs[256];
  float m;
  lf_error err;
  uint32_t cnt = (uint32_t)d[0] + 1;
  if (lf_posting_block(&fmt[mode], d + 1, n - 1, cnt, docs, freqs, &m, &err) == LF_OK)
    for (uint32_t i = 1; i < cnt; i++)
      if (docs[i] <= docs[i - 1]) abort();
  return 0;
}

static int positions(const uint8_t *d, size_t n, int codec) {
  uint32_t nd = d[0] % 32, freqs[32], total = 0;
  if (n < 1 + (size_t)nd) return 0;
  for (uint32_t i = 0; i < nd; i++) total += freqs[i] = d[1 + i] % 64;
  uint32_t *out = malloc((size_t)total * 4 + 4);
  lf_error err;
  if (out && lf_position_block(codec, d + 1 + nd, n - 1 - nd, freqs, nd, out, total, &err) == LF_OK)
    for (uint32_t i = 0, k = 0; i < nd; k += freqs[i++])
      for (uint32_t j = 1; j < freqs[i]; j++)
        if (out[k + j] < out[k + j - 1]) abort();
  free(out);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  int mode = data[0] % 5;
  return mode < 3 ? posting(data + 1, size - 1, mode)
                  : positions(data + 1, size - 1, mode == 3 ? LF_POS_PACKED : LF_POS_VARINT);
}
