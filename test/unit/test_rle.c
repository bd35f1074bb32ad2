/* test_rle.c: Lance mini-block RLE (format/rle.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "lf_int.h"

/* rle.rs test_basic_rle_encoding: i32 [1,1,1,2,2,3,3,3,3] -> 3 values
** (12 bytes) and 3 u8 lengths. */
static void test_pinned_basic(void **state) {
  (void)state;
  const int32_t in[9] = {1, 1, 1, 2, 2, 3, 3, 3, 3};
  uint8_t *v, *l;
  size_t vl, ll;
  assert_int_equal(lf_rle_encode(32, in, 9, &v, &vl, &l, &ll, NULL), LF_OK);
  const uint8_t ev[12] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
  const uint8_t el[3] = {3, 2, 4};
  assert_int_equal(vl, 12);
  assert_int_equal(ll, 3);
  assert_memory_equal(v, ev, 12);
  assert_memory_equal(l, el, 3);
  int32_t out[9];
  assert_int_equal(lf_rle_decode(32, ev, 12, el, 3, 9, out, NULL), LF_OK);
  assert_memory_equal(out, in, sizeof in);
  free(v);
  free(l);
}

/* rle.rs test_long_run_splitting: 1000 x 42 then 300 x 100 -> lengths
** 255 255 255 235 255 45. */
static void test_pinned_long_runs(void **state) {
  (void)state;
  int32_t in[1300];
  for (int i = 0; i < 1300; i++) in[i] = i < 1000 ? 42 : 100;
  uint8_t *v, *l;
  size_t vl, ll;
  assert_int_equal(lf_rle_encode(32, in, 1300, &v, &vl, &l, &ll, NULL), LF_OK);
  const uint8_t el[6] = {255, 255, 255, 235, 255, 45};
  assert_int_equal(ll, 6);
  assert_memory_equal(l, el, 6);
  int32_t out[1300];
  assert_int_equal(lf_rle_decode(32, v, vl, l, ll, 1300, out, NULL), LF_OK);
  assert_memory_equal(out, in, sizeof in);
  free(v);
  free(l);
}

static void test_roundtrip_widths(void **state) {
  (void)state;
  const unsigned widths[4] = {8, 16, 32, 64};
  const size_t counts[] = {1, 2, 255, 256, 1023, 1024, 1025, 3000};
  uint64_t seed = 99;
  static uint64_t in[3000], out[3001];
  for (int w = 0; w < 4; w++)
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
      unsigned T = widths[w], eb = T / 8;
      size_t n = counts[c];
      uint8_t *p = (uint8_t *)in;
      for (size_t i = 0; i < n;) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t run = 1 + (seed >> 33) % 600;
        for (size_t k = 0; k < run && i < n; k++, i++)
          for (unsigned b = 0; b < eb; b++) p[i * eb + b] = (uint8_t)(seed >> (8 * b));
      }
      uint8_t *v, *l;
      size_t vl, ll;
      assert_int_equal(lf_rle_encode(T, in, n, &v, &vl, &l, &ll, NULL), LF_OK);
      assert_int_equal(vl, ll * eb);
      for (size_t r = 0; r < ll; r++) assert_true(l[r] >= 1);
      memset(out, 0xEE, sizeof out);
      assert_int_equal(lf_rle_decode(T, v, vl, l, ll, n, out, NULL), LF_OK);
      assert_memory_equal(out, in, n * eb);
      assert_int_equal(((uint8_t *)out)[n * eb], 0xEE);
      free(v);
      free(l);
    }
}

static void test_corrupt(void **state) {
  (void)state;
  lf_error e;
  uint16_t out[16];
  const uint8_t v[4] = {1, 0, 2, 0};
  const uint8_t l[2] = {3, 4};
  /* fewer values than asked */
  assert_int_equal(lf_rle_decode(16, v, 4, l, 2, 8, out, &e), LF_CORRUPT);
  assert_string_equal(e.msg, "RLE: runs hold 7 values, expected 8");
  /* more values than asked: truncated like Rust */
  assert_int_equal(lf_rle_decode(16, v, 4, l, 2, 5, out, &e), LF_OK);
  const uint16_t ex[5] = {1, 1, 1, 2, 2};
  assert_memory_equal(out, ex, sizeof ex);
  assert_int_equal(lf_rle_decode(16, v, 3, l, 2, 5, out, &e), LF_CORRUPT);
  assert_string_equal(e.msg,
                      "RLE: values buffer of 3 bytes is not a multiple of 2");
  assert_int_equal(lf_rle_decode(16, v, 4, l, 1, 3, out, &e), LF_CORRUPT);
  assert_string_equal(e.msg, "RLE: 2 run values but 1 bytes of 8-bit run lengths");
  assert_int_equal(lf_rle_decode(16, v, 0, l, 0, 3, out, &e), LF_CORRUPT);
  assert_int_equal(lf_rle_decode(16, NULL, 0, NULL, 0, 0, out, &e), LF_OK);
  assert_int_equal(lf_rle_decode(12, v, 4, l, 2, 5, out, &e), LF_CORRUPT);
  /* zero-length runs are skipped */
  const uint8_t l0[2] = {0, 2};
  assert_int_equal(lf_rle_decode(16, v, 4, l0, 2, 2, out, &e), LF_OK);
  assert_int_equal(out[0], 2);
  assert_int_equal(out[1], 2);
}


/* LanceDB 0.39 (file version 2.3) constant-layout definition levels of
** v23_const_null: an Rle block of Flat(16) values and Flat(16) run lengths,
** [u64 value bytes = 2][value 1][run length 3000]. */
static const uint8_t BLOCK_U16[12] = {2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0xb8, 0x0b};

static void test_pinned_u16_lengths(void **state) {
  (void)state;
  static uint16_t out[3001];
  out[3000] = 0xEEEE;
  assert_int_equal(lf_rle_decode_w(16, 16, BLOCK_U16 + 8, 2, BLOCK_U16 + 10, 2, 3000, out, NULL),
                   LF_OK);
  for (int i = 0; i < 3000; i++) assert_int_equal(out[i], 1);
  assert_int_equal(out[3000], 0xEEEE);
  /* the same bytes read as u8 run lengths are two runs */
  lf_error e;
  assert_int_equal(lf_rle_decode(16, BLOCK_U16 + 8, 2, BLOCK_U16 + 10, 2, 3000, out, &e),
                   LF_CORRUPT);
}

/* CompressiveEncoding { 8 Rle { 1 values: Flat(vb), 2 run_lengths: Flat(lb) } } */
static size_t rle_ce(uint8_t *p, unsigned vb, unsigned lb) {
  const uint8_t ce[] = {0x42, 12, 0x0a, 4, 0x0a, 2, 0x08, (uint8_t)vb,
                        0x12, 4, 0x0a, 2, 0x08, (uint8_t)lb};
  memcpy(p, ce, sizeof ce);
  return sizeof ce;
}

/* decompress.c takes the run-length width from the run_lengths Flat. */
static void test_block_width_from_encoding(void **state) {
  (void)state;
  uint8_t ce[16];
  size_t n = rle_ce(ce, 16, 16);
  lf_block b = {0};
  lf_error e;
  assert_int_equal(lf_decompress_block(ce, n, (lf_bufview){BLOCK_U16, 12}, 3000, &b, &e), LF_OK);
  assert_int_equal(b.kind, LF_BLK_FIXED);
  assert_true(b.bits == 16 && b.n == 3000);
  for (int i = 0; i < 3000; i++) assert_int_equal(((uint16_t *)b.data)[i], 1);
  lf_block_reset(&b);
  /* mini-block: two buffers, u32 lengths */
  const uint8_t vals[2] = {7, 9}, lens[8] = {0x70, 0x11, 1, 0, 3, 0, 0, 0}; /* 70000, 3 */
  n = rle_ce(ce, 8, 32);
  lf_bufview bufs[2] = {{vals, 2}, {lens, 8}};
  assert_int_equal(lf_decompress_miniblock(ce, n, bufs, 2, 70003, &b, &e), LF_OK);
  assert_true(b.bits == 8 && b.n == 70003);
  assert_int_equal(b.data[0], 7);
  assert_int_equal(b.data[69999], 7);
  assert_int_equal(b.data[70000], 9);
  assert_int_equal(b.data[70002], 9);
  lf_block_reset(&b);
  /* a run-length width Lance never writes */
  n = rle_ce(ce, 16, 24);
  assert_int_equal(lf_decompress_block(ce, n, (lf_bufview){BLOCK_U16, 12}, 3000, &b, &e),
                   LF_CORRUPT);
  assert_non_null(strstr(e.msg, "24-bit run lengths"));
  lf_block_reset(&b);
}

/* Splitting at the width's maximum, and round trips at every width. */
static void test_wide_lengths_roundtrip(void **state) {
  (void)state;
  static uint32_t in[200000], out[200000];
  for (int i = 0; i < 200000; i++) in[i] = i < 140000 ? 5 : i < 140001 ? 6 : 8;
  const unsigned lbits[3] = {8, 16, 32};
  const size_t nruns[3] = {550 + 1 + 236, 3 + 1 + 1, 3};
  for (int w = 0; w < 3; w++) {
    uint8_t *v, *l;
    size_t vl, ll;
    assert_int_equal(lf_rle_encode_w(32, lbits[w], in, 200000, &v, &vl, &l, &ll, NULL), LF_OK);
    assert_int_equal(vl, nruns[w] * 4);
    assert_int_equal(ll, nruns[w] * lbits[w] / 8);
    if (lbits[w] == 16) { /* 140000 = 65535 + 65535 + 8930 */
      const uint8_t el[10] = {0xff, 0xff, 0xff, 0xff, 0xe2, 0x22, 1, 0, 0x5f, 0xea};
      assert_memory_equal(l, el, 10);
    }
    memset(out, 0, sizeof out);
    assert_int_equal(lf_rle_decode_w(32, lbits[w], v, vl, l, ll, 200000, out, NULL), LF_OK);
    assert_memory_equal(out, in, sizeof in);
    free(v);
    free(l);
  }
}

static void test_wide_lengths_corrupt(void **state) {
  (void)state;
  lf_error e;
  uint16_t out[8];
  const uint8_t v[4] = {1, 0, 2, 0}, l[4] = {3, 0, 4, 0};
  assert_int_equal(lf_rle_decode_w(16, 16, v, 4, l, 4, 7, out, &e), LF_OK);
  assert_int_equal(out[2], 1);
  assert_int_equal(out[6], 2);
  assert_int_equal(lf_rle_decode_w(16, 16, v, 4, l, 3, 7, out, &e), LF_CORRUPT);
  assert_string_equal(e.msg, "RLE: 2 run values but 3 bytes of 16-bit run lengths");
  assert_int_equal(lf_rle_decode_w(16, 32, v, 4, l, 4, 7, out, &e), LF_CORRUPT);
  assert_string_equal(e.msg, "RLE: 2 run values but 4 bytes of 32-bit run lengths");
  assert_int_equal(lf_rle_decode_w(16, 24, v, 4, l, 4, 7, out, &e), LF_CORRUPT);
  assert_string_equal(e.msg, "RLE: run length width 24 is not 8, 16 or 32");
  /* a 16-bit length longer than asked for is cut, like Rust */
  const uint8_t big[2] = {0xff, 0xff};
  assert_int_equal(lf_rle_decode_w(16, 16, v, 2, big, 2, 8, out, &e), LF_OK);
  assert_int_equal(out[7], 1);
  uint8_t *pv, *pl;
  size_t vl, ll;
  assert_int_equal(lf_rle_encode_w(16, 12, v, 2, &pv, &vl, &pl, &ll, &e), LF_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pinned_basic),
      cmocka_unit_test(test_pinned_long_runs),
      cmocka_unit_test(test_roundtrip_widths),
      cmocka_unit_test(test_corrupt),
      cmocka_unit_test(test_pinned_u16_lengths),
      cmocka_unit_test(test_block_width_from_encoding),
      cmocka_unit_test(test_wide_lengths_roundtrip),
      cmocka_unit_test(test_wide_lengths_corrupt),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
