/*
** fuzz_decompress.c: libFuzzer target for the CompressiveEncoding
** interpreter (format/decompress.c).
**
** Input: [mode][u16 LE encoding length][encoding][u16 LE num_values]
**        [buffers...]
**   mode % 3: 0 mini-block, 1 block, 2 full-zip.
**   mini-block: (mode >> 2) % 4 + 1 buffers; each but the last is
**     [u16 LE length][bytes], the last takes the rest.
**   block: the rest is the buffer.
**   full-zip: a variable-width encoding takes the rest as values of
**     [u8 length][bytes]; a fixed one takes it as values of
**     lf_fullzip_fixed_bits bits.
** A decoded block must be self-consistent (offsets within the data, enough
** bytes for n values); every byte is read so the sanitizers see lies.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"

static volatile uint8_t sink;

static void check_block(const lf_block *b) {
  uint8_t acc = 0;
  if (b->kind == LF_BLK_FIXED) {
    if (!b->data || (b->n * b->bits + 7) / 8 > b->data_len) __builtin_trap();
    for (uint64_t i = 0; i < b->data_len; i++) acc ^= b->data[i];
    if (b->valid)
      for (uint64_t i = 0; i < b->n * b->dim; i++) acc ^= b->valid[i];
  } else if (b->kind == LF_BLK_VARIABLE) {
    if (!b->data || !b->offsets) __builtin_trap();
    for (uint64_t i = 0; i < b->n; i++)
      if (b->offsets[i] > b->offsets[i + 1]) __builtin_trap();
    if (b->offsets[b->n] > b->data_len) __builtin_trap();
    for (uint64_t i = 0; i < b->data_len; i++) acc ^= b->data[i];
  }
  sink = acc;
}

static uint64_t rd16(const uint8_t *p) { return (uint64_t)p[0] | (uint64_t)p[1] << 8; }

static void fuzz_fullzip(const uint8_t *enc, size_t enc_len, uint64_t n, const uint8_t *d,
                         size_t len) {
  lf_block in = {0}, out = {0};
  uint64_t bits = 0;
  if (lf_fullzip_fixed_bits(enc, enc_len, &bits, NULL) == LF_OK) {
    if (bits == 0 || bits % 8) return;
    uint64_t w = bits / 8, have = len / w;
    if (n > have) n = have;
    in.kind = LF_BLK_FIXED;
    in.n = n;
    in.bits = bits;
    in.data_len = n * w;
    in.data = malloc(in.data_len + 1);
    if (!in.data) return;
    memcpy(in.data, d, in.data_len);
  } else {
    in.kind = LF_BLK_VARIABLE;
    in.data = malloc(len + 1);
    in.offsets = malloc((n + 1) * 8);
    if (!in.data || !in.offsets) {
      lf_block_reset(&in);
      return;
    }
    in.offsets[0] = 0;
    size_t pos = 0;
    uint64_t i = 0;
    for (; i < n && pos < len; i++) {
      size_t l = d[pos++];
      if (l > len - pos) l = len - pos;
      memcpy(in.data + in.data_len, d + pos, l);
      pos += l;
      in.data_len += l;
      in.offsets[i + 1] = in.data_len;
    }
    in.n = i;
  }
  if (lf_decompress_fullzip(enc, enc_len, &in, &out, NULL) == LF_OK) check_block(&out);
  lf_block_reset(&in);
  lf_block_reset(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5) return 0;
  int mode = data[0];
  size_t enc_len = (size_t)rd16(data + 1);
  if (enc_len > size - 3 || size - 3 - enc_len < 2) return 0;
  const uint8_t *enc = data + 3;
  const uint8_t *p = enc + enc_len;
  uint64_t n = rd16(p);
  p += 2;
  size_t len = size - (size_t)(p - data);
  lf_block out = {0};
  lf_error err;
  switch (mode % 3) {
    case 0: {
      lf_bufview bufs[4];
      int nbuf = (mode >> 2) % 4 + 1;
      for (int i = 0; i < nbuf; i++) {
        size_t l = len;
        if (i + 1 < nbuf) {
          if (len < 2) return 0;
          l = (size_t)rd16(p);
          p += 2, len -= 2;
          if (l > len) l = len;
        }
        bufs[i].p = p;
        bufs[i].len = l;
        p += l, len -= l;
      }
      if (lf_decompress_miniblock(enc, enc_len, bufs, nbuf, n, &out, &err) == LF_OK)
        check_block(&out);
      break;
    }
    case 1:
      if (lf_decompress_block(enc, enc_len, (lf_bufview){p, len}, n, &out, &err) == LF_OK)
        check_block(&out);
      break;
    default: fuzz_fullzip(enc, enc_len, n, p, len); break;
  }
  lf_block_reset(&out);
  return 0;
}
