/*
** fuzz_codecs.c: libFuzzer target for the leaf codecs (format/codec.h).
**
** Input: [selector byte][parameter byte][payload...].  selector % 8 picks
** the decoder; the parameter byte picks widths/counts; the payload is the
** untrusted buffer.  Output sizes are bounded so a run never allocates
** more than a few MiB.  Every decoder must return a status, never crash.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

#define MAX_OUT (1u << 20)

static const unsigned WIDTHS[4] = {8, 16, 32, 64};

static uint64_t scratch[4096 + 8];

static void fuzz_inline(uint8_t p, const uint8_t *d, size_t n) {
  size_t count = (size_t)(p >> 2) * 17 % 1025;
  lf_inline_bitpack_decode(WIDTHS[p & 3], d, n, count, scratch, NULL);
}

static void fuzz_ool(uint8_t p, const uint8_t *d, size_t n) {
  unsigned T = WIDTHS[p & 3];
  if (n < 3) return;
  unsigned bw = d[0] % 72; /* includes bad widths */
  uint64_t num = ((uint64_t)d[1] << 4 | (d[2] & 15)) % 4097;
  if (d[2] & 0x80) num = UINT64_MAX - d[1]; /* huge counts must not wrap */
  uint64_t start = num ? (p >> 2) % (num < 4096 ? num : 4096) : 0;
  uint64_t end = num < 4096 ? num : 4096;
  if (end > start + 4096) end = start + 4096;
  lf_ool_bitpack_decode(T, bw, d + 3, n - 3, num, start, end, scratch, NULL);
}

static void fuzz_fsst(uint8_t p, const uint8_t *d, size_t n) {
  /* payload = [table (2312 bytes, or a shorter broken one)][offsets][data] */
  lf_fsst_table t;
  size_t tl = n < LF_FSST_TABLE_BYTES ? n : LF_FSST_TABLE_BYTES;
  if (lf_fsst_table_parse(&t, d, tl, NULL) != LF_OK) {
    /* still exercise decode with a small valid table built from the input */
    uint8_t tab[LF_FSST_TABLE_BYTES] = {0};
    uint64_t hdr = (0x46535354ull << 32) | (1u << 24) | 3;
    memcpy(tab, &hdr, 8);
    memcpy(tab + 8, "abcdefghijklmnopqrstuvwx", 24);
    tab[32] = 1;
    tab[33] = 8;
    tab[34] = (uint8_t)(1 + (p & 7));
    if (lf_fsst_table_parse(&t, tab, sizeof tab, NULL) != LF_OK) return;
  } else {
    d += tl;
    n -= tl;
  }
  unsigned ob = (p & 1) ? 64 : 32;
  size_t nv = (p >> 1) % 16;
  size_t offb = (nv + 1) * (ob / 8);
  if (n < offb) return;
  uint8_t *out;
  size_t len;
  void *oo;
  if (lf_fsst_decode(&t, d + offb, n - offb, d, ob, nv, 4096, &out, &len, &oo,
                     NULL) == LF_OK) {
    free(out);
    free(oo);
  }
}

static void fuzz_rle(uint8_t p, const uint8_t *d, size_t n) {
  unsigned T = WIDTHS[p & 3], eb = T / 8;
  size_t runs = n / (eb + 1);
  size_t count = (size_t)(p >> 2) * 61;
  lf_rle_decode(T, d, runs * eb, d + runs * eb, n - runs * eb, count, scratch,
                NULL);
}

static void fuzz_general(uint8_t p, const uint8_t *d, size_t n) {
  uint8_t *out;
  size_t len;
  if (lf_general_decompress(1 + (p & 1), d, n, MAX_OUT, &out, &len, NULL) ==
      LF_OK)
    free(out);
}

static void fuzz_bss(uint8_t p, const uint8_t *d, size_t n) {
  unsigned T = (p & 3) == 0 ? 16 : (p & 3) == 1 ? 32 : (p & 3) == 2 ? 64 : 24;
  size_t nv = n / 8;
  if (nv > 4096) nv = 4096;
  lf_bss_decode(T, d, n, nv, (uint8_t *)scratch, sizeof scratch, NULL);
  lf_bss_decode(T, d, nv * (T / 8), nv, (uint8_t *)scratch, sizeof scratch,
                NULL);
}

static void fuzz_range_delta(uint8_t p, const uint8_t *d, size_t n) {
  uint64_t a = 0, b = 0;
  memcpy(&a, d, n < 8 ? n : 8);
  if (n > 8) memcpy(&b, d + 8, n - 8 < 8 ? n - 8 : 8);
  unsigned T = (p & 1) ? 64 : 32;
  size_t cnt = (p >> 1) % 128;
  lf_range_decode(T, a, b, cnt, scratch, NULL);
  /* deltas: the payload after 16 bytes, copied to aligned scratch */
  size_t eb = T / 8, nd = n > 16 ? (n - 16) / eb : 0;
  if (nd > 2048) nd = 2048;
  static uint64_t deltas[2048];
  if (nd) memcpy(deltas, d + 16, nd * eb);
  lf_delta_decode(T, a, deltas, nd + 1, scratch, NULL);
}

static void fuzz_fl(uint8_t p, const uint8_t *d, size_t n) {
  unsigned T = WIDTHS[p & 3];
  unsigned bw = (p >> 2) % 66;
  lf_fl_unpack(T, bw, d, n, scratch, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint8_t sel = data[0], p = data[1];
  const uint8_t *d = data + 2;
  size_t n = size - 2;
  switch (sel % 8) {
    case 0: fuzz_inline(p, d, n); break;
    case 1: fuzz_ool(p, d, n); break;
    case 2: fuzz_fsst(p, d, n); break;
    case 3: fuzz_rle(p, d, n); break;
    case 4: fuzz_general(p, d, n); break;
    case 5: fuzz_bss(p, d, n); break;
    case 6: fuzz_range_delta(p, d, n); break;
    default: fuzz_fl(p, d, n); break;
  }
  return 0;
}
