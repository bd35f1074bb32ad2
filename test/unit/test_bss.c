/* test_bss.c: byte-stream-split, Range and Delta (format/bss.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* Two u32 values 0x04030201, 0x08070605 (LE bytes 01 02 03 04, 05 06 07 08)
** split into 4 planes of 2 bytes: byte j of value i at [j*2 + i]. */
static void test_pinned(void **state) {
  (void)state;
  const uint8_t vals[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const uint8_t split[8] = {1, 5, 2, 6, 3, 7, 4, 8};
  uint8_t out[8];
  assert_int_equal(lf_bss_encode(32, vals, 2, out, sizeof out, NULL), LF_OK);
  assert_memory_equal(out, split, 8);
  assert_int_equal(lf_bss_decode(32, split, 8, 2, out, sizeof out, NULL), LF_OK);
  assert_memory_equal(out, vals, 8);
}

static void test_roundtrip(void **state) {
  (void)state;
  const unsigned widths[3] = {16, 32, 64};
  const size_t counts[] = {0, 1, 3, 15, 17, 512, 1023, 1024};
  static uint8_t in[1024 * 8], enc[1024 * 8], dec[1024 * 8 + 1];
  for (size_t i = 0; i < sizeof in; i++) in[i] = (uint8_t)(i * 131 + 7);
  for (int w = 0; w < 3; w++)
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
      unsigned eb = widths[w] / 8;
      size_t n = counts[c];
      assert_int_equal(lf_bss_encode(widths[w], in, n, enc, sizeof enc, NULL),
                       LF_OK);
      dec[n * eb] = 0xEE;
      assert_int_equal(lf_bss_decode(widths[w], enc, n * eb, n, dec, n * eb,
                                     NULL),
                       LF_OK);
      assert_memory_equal(dec, in, n * eb);
      assert_int_equal(dec[n * eb], 0xEE);
    }
}

static void test_corrupt(void **state) {
  (void)state;
  lf_error e;
  uint8_t b[16] = {0}, out[16];
  assert_int_equal(lf_bss_decode(32, b, 7, 2, out, sizeof out, &e), LF_CORRUPT);
  assert_string_equal(e.msg,
                      "byte-stream-split: 7 bytes for 2 32-bit values "
                      "(expected 8)");
  assert_int_equal(lf_bss_decode(32, b, 9, 2, out, sizeof out, &e), LF_CORRUPT);
  assert_int_equal(lf_bss_decode(8, b, 2, 2, out, sizeof out, &e), LF_CORRUPT);
  assert_int_equal(lf_bss_decode(64, b, 16, 2, out, 15, &e), LF_ARG);
}

static void test_range(void **state) {
  (void)state;
  uint32_t o32[5];
  uint64_t o64[3];
  lf_error e;
  assert_int_equal(lf_range_decode(32, 10, 3, 5, o32, NULL), LF_OK);
  const uint32_t ex[5] = {10, 13, 16, 19, 22};
  assert_memory_equal(o32, ex, sizeof ex);
  assert_int_equal(lf_range_decode(64, UINT64_MAX - 4, 2, 3, o64, NULL), LF_OK);
  assert_true(o64[2] == UINT64_MAX);
  assert_int_equal(lf_range_decode(64, UINT64_MAX - 4, 2, 4, o64, &e),
                   LF_CORRUPT);
  assert_int_equal(lf_range_decode(32, UINT32_MAX, 1, 2, o32, &e), LF_CORRUPT);
  assert_int_equal(lf_range_decode(32, (uint64_t)UINT32_MAX + 1, 0, 1, o32, &e),
                   LF_CORRUPT);
  assert_int_equal(lf_range_decode(32, 7, 0, 0, NULL, &e), LF_OK);
  assert_int_equal(lf_range_decode(16, 7, 1, 2, o32, &e), LF_CORRUPT);
}

static void test_delta(void **state) {
  (void)state;
  lf_error e;
  const uint32_t d32[3] = {1, 0, 5};
  uint32_t o32[4];
  assert_int_equal(lf_delta_decode(32, 100, d32, 4, o32, NULL), LF_OK);
  const uint32_t ex[4] = {100, 101, 101, 106};
  assert_memory_equal(o32, ex, sizeof ex);
  /* in place: deltas decoded into out + 1 */
  uint64_t o64[4] = {0, 2, 3, 4};
  assert_int_equal(lf_delta_decode(64, 1, o64 + 1, 4, o64, NULL), LF_OK);
  const uint64_t ex64[4] = {1, 3, 6, 10};
  assert_memory_equal(o64, ex64, sizeof ex64);
  const uint32_t big[1] = {UINT32_MAX};
  assert_int_equal(lf_delta_decode(32, 1, big, 2, o32, &e), LF_CORRUPT);
  const uint64_t big64[1] = {UINT64_MAX};
  assert_int_equal(lf_delta_decode(64, 1, big64, 2, o64, &e), LF_CORRUPT);
  assert_int_equal(lf_delta_decode(32, (uint64_t)1 << 32, NULL, 1, o32, &e),
                   LF_CORRUPT);
  assert_int_equal(lf_delta_decode(32, 5, NULL, 1, o32, &e), LF_OK);
  assert_int_equal(o32[0], 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pinned),    cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_corrupt),   cmocka_unit_test(test_range),
      cmocka_unit_test(test_delta),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
