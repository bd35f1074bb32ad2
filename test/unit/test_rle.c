/* test_rle.c: Lance mini-block RLE (format/rle.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"

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
  assert_string_equal(e.msg, "RLE: 2 run values but 1 run lengths");
  assert_int_equal(lf_rle_decode(16, v, 0, l, 0, 3, out, &e), LF_CORRUPT);
  assert_int_equal(lf_rle_decode(16, NULL, 0, NULL, 0, 0, out, &e), LF_OK);
  assert_int_equal(lf_rle_decode(12, v, 4, l, 2, 5, out, &e), LF_CORRUPT);
  /* zero-length runs are skipped */
  const uint8_t l0[2] = {0, 2};
  assert_int_equal(lf_rle_decode(16, v, 4, l0, 2, 2, out, &e), LF_OK);
  assert_int_equal(out[0], 2);
  assert_int_equal(out[1], 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pinned_basic),
      cmocka_unit_test(test_pinned_long_runs),
      cmocka_unit_test(test_roundtrip_widths),
      cmocka_unit_test(test_corrupt),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
