/* test_bitpack.c: FastLanes kernels, inline and out-of-line bitpacking
** (format/bitpack.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static const unsigned WIDTHS[4] = {8, 16, 32, 64};

/* Independent reference of the FastLanes layout, written from the rule in
** the Rust macros rather than from the kernels: the value at index
** FL_ORDER[r/8]*16 + (r%8)*128 + l sits at bit r*W of lane l's bit stream,
** and bit b of lane l's stream is bit b%T of packed word (b/T)*LANES + l. */
static const unsigned ORDER[8] = {0, 4, 2, 6, 1, 5, 3, 7};
static unsigned ref_index(unsigned T, unsigned row, unsigned lane) {
  (void)T;
  return ORDER[row / 8] * 16 + (row % 8) * 128 + lane;
}
static int ref_bit(const uint8_t *packed, unsigned T, unsigned lane,
                   unsigned b) {
  unsigned lanes = 1024 / T;
  size_t word = (size_t)(b / T) * lanes + lane;
  size_t bit = word * T + b % T; /* little-endian words */
  return (packed[bit / 8] >> (bit % 8)) & 1;
}
static void ref_set_bit(uint8_t *packed, unsigned T, unsigned lane, unsigned b) {
  unsigned lanes = 1024 / T;
  size_t word = (size_t)(b / T) * lanes + lane;
  size_t bit = word * T + b % T;
  packed[bit / 8] |= (uint8_t)(1u << (bit % 8));
}
static uint64_t get_val(const void *a, unsigned T, size_t i) {
  switch (T) {
    case 8: return ((const uint8_t *)a)[i];
    case 16: return ((const uint16_t *)a)[i];
    case 32: return ((const uint32_t *)a)[i];
    default: return ((const uint64_t *)a)[i];
  }
}
static void set_val(void *a, unsigned T, size_t i, uint64_t v) {
  switch (T) {
    case 8: ((uint8_t *)a)[i] = (uint8_t)v; break;
    case 16: ((uint16_t *)a)[i] = (uint16_t)v; break;
    case 32: ((uint32_t *)a)[i] = (uint32_t)v; break;
    default: ((uint64_t *)a)[i] = v; break;
  }
}
static void ref_pack(unsigned T, unsigned W, const void *vals, uint8_t *out) {
  memset(out, 0, 128 * W);
  for (unsigned lane = 0; lane < 1024 / T; lane++)
    for (unsigned row = 0; row < T; row++) {
      uint64_t v = get_val(vals, T, ref_index(T, row, lane));
      for (unsigned k = 0; k < W; k++)
        if ((v >> k) & 1) ref_set_bit(out, T, lane, row * W + k);
    }
}
static uint64_t mask_of(unsigned W) {
  return W == 64 ? ~0ull : (1ull << W) - 1;
}
static void fill_random(unsigned T, unsigned W, void *vals, size_t n) {
  for (size_t i = 0; i < n; i++) set_val(vals, T, i, rnd() & mask_of(W));
  if (W && n) set_val(vals, T, n / 2, mask_of(W)); /* make W exact */
}

/* Every element width, every bit width 0..T: our pack equals the reference
** packing bit for bit, and unpack inverts it. */
static void test_kernels_all_widths(void **state) {
  (void)state;
  static uint64_t vals[1024], back[1024];
  static uint8_t packed[8192 + 16], refp[8192];
  for (int t = 0; t < 4; t++) {
    unsigned T = WIDTHS[t];
    for (unsigned W = 0; W <= T; W++) {
      fill_random(T, W, vals, 1024);
      memset(packed, 0xAB, sizeof packed);
      assert_int_equal(lf_fl_pack(T, W, vals, packed, 128 * W, NULL), LF_OK);
      ref_pack(T, W, vals, refp);
      if (W) assert_memory_equal(packed, refp, 128 * W);
      /* the byte after the block is untouched */
      assert_int_equal(packed[128 * W], 0xAB);
      /* reference unpack of one value per lane/row, spot check */
      for (unsigned lane = 0; lane < 1024 / T; lane += 3)
        for (unsigned row = 0; row < T; row++) {
          uint64_t v = 0;
          for (unsigned k = 0; k < W; k++)
            v |= (uint64_t)ref_bit(packed, T, lane, row * W + k) << k;
          assert_true(v == get_val(vals, T, ref_index(T, row, lane)));
        }
      memset(back, 0x5A, sizeof back);
      /* unaligned input pointer */
      memmove(packed + 1, packed, 128 * W);
      assert_int_equal(lf_fl_unpack(T, W, packed + 1, 128 * W, back, NULL),
                       LF_OK);
      assert_memory_equal(back, vals, 1024 * (T / 8));
    }
  }
}

/* Values wider than W are truncated to W bits by pack (like Rust's mask). */
static void test_pack_masks_high_bits(void **state) {
  (void)state;
  uint32_t vals[1024], back[1024];
  uint8_t packed[128 * 5];
  for (int i = 0; i < 1024; i++) vals[i] = 0xFFFFFFE0u | (uint32_t)(i & 31);
  lf_fl_pack32(vals, 5, packed);
  lf_fl_unpack32(packed, 5, back);
  for (int i = 0; i < 1024; i++) assert_int_equal(back[i], (uint32_t)(i & 31));
}

/* Pinned bytes, derived by hand from the Rust macros:
** u32, W = 1: LANES = 32.  index 0 = row 0 lane 0 -> bit 0 of word 0
** (byte 0 bit 0); index 128 = row 1 lane 0 (s = 1) -> bit 1 of word 0;
** index 64 = row 8 lane 0 (FL_ORDER[1] = 4, 4*16 = 64) -> bit 8 of word 0
** (byte 1 bit 0); index 1 = row 0 lane 1 -> word 1 bit 0 (byte 4).
** So bytes = 03 01 00 00 01 00 ... */
static void test_pinned_u32_w1(void **state) {
  (void)state;
  uint32_t vals[1024] = {0}, back[1024];
  uint8_t packed[128], expect[128] = {0};
  vals[0] = vals[128] = vals[64] = vals[1] = 1;
  expect[0] = 0x03;
  expect[1] = 0x01;
  expect[4] = 0x01;
  lf_fl_pack32(vals, 1, packed);
  assert_memory_equal(packed, expect, 128);
  lf_fl_unpack32(expect, 1, back);
  assert_memory_equal(back, vals, sizeof vals);
}

/* u8, W = 3: LANES = 128, FL_ORDER index is s*128 + lane (o = 0 always).
** index 0 = 5 -> lane 0 bits 0..2; index 128 = 7 -> row 1, bits 3..5;
** index 256 = 7 -> row 2, bits 6..8: bits 6,7 of byte 0 and bit 0 of lane
** 0's next word, which is byte 128 (word 1*LANES + 0).
** byte 0 = 0x05 | 0x38 | 0xC0 = 0xFD, byte 128 = 0x01. */
static void test_pinned_u8_w3(void **state) {
  (void)state;
  uint8_t vals[1024] = {0}, back[1024];
  uint8_t packed[384], expect[384] = {0};
  vals[0] = 5;
  vals[128] = 7;
  vals[256] = 7;
  expect[0] = 0xFD;
  expect[128] = 0x01;
  lf_fl_pack8(vals, 3, packed);
  assert_memory_equal(packed, expect, sizeof expect);
  lf_fl_unpack8(expect, 3, back);
  assert_memory_equal(back, vals, sizeof vals);
}

/* u64, W = 64 is not a plain copy: word LANES*row + lane holds the value at
** FL_ORDER[row/8]*16 + (row%8)*128 + lane.  Row 8 lane 0 is index 64, so
** value 64 lands in word 16*8 = 128 (bytes 1024..1031). */
static void test_pinned_u64_w64(void **state) {
  (void)state;
  static uint64_t vals[1024], back[1024];
  static uint8_t packed[8192];
  memset(vals, 0, sizeof vals);
  vals[64] = 0x1122334455667788ull;
  lf_fl_pack64(vals, 64, packed);
  const uint8_t le[8] = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  assert_memory_equal(packed + 1024, le, 8);
  for (size_t i = 0; i < 8192; i++)
    if (i < 1024 || i >= 1032) assert_int_equal(packed[i], 0);
  lf_fl_unpack64(packed, 64, back);
  assert_memory_equal(back, vals, sizeof vals);
}

static void test_fl_checked_errors(void **state) {
  (void)state;
  lf_error e;
  uint8_t buf[128 * 4];
  uint32_t out[1024];
  memset(buf, 0, sizeof buf);
  assert_int_equal(lf_fl_unpack(32, 33, buf, sizeof buf, out, &e), LF_CORRUPT);
  assert_string_equal(e.msg, "bitpacking: bit width 33 exceeds 32");
  assert_int_equal(lf_fl_unpack(32, 5, buf, sizeof buf, out, &e), LF_CORRUPT);
  assert_int_equal(lf_fl_unpack(12, 5, buf, sizeof buf, out, &e), LF_CORRUPT);
  assert_int_equal(lf_fl_unpack(32, 4, buf, sizeof buf, out, &e), LF_OK);
}

/* Inline bitpacking: header word + one packed block, every width, several
** counts. */
static void test_inline_roundtrip(void **state) {
  (void)state;
  static uint64_t vals[1024], back[1025];
  static uint8_t chunk[8 + 8192 + 8];
  const size_t counts[] = {1, 2, 17, 1023, 1024};
  for (int t = 0; t < 4; t++) {
    unsigned T = WIDTHS[t], eb = T / 8;
    for (unsigned W = 0; W <= T; W++)
      for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        size_t n = counts[c], len = 0;
        fill_random(T, W, vals, n);
        if (n == 1 && W) set_val(vals, T, 0, mask_of(W));
        assert_int_equal(lf_inline_bitpack_encode(T, vals, n, chunk,
                                                  sizeof chunk, &len, NULL),
                         LF_OK);
        assert_int_equal(len, eb + 128 * W);
        assert_int_equal(chunk[0], W); /* header = W, little-endian */
        for (unsigned k = 1; k < eb; k++) assert_int_equal(chunk[k], 0);
        memset(back, 0xEE, sizeof back);
        assert_int_equal(lf_inline_bitpack_decode(T, chunk, len, n, back, NULL),
                         LF_OK);
        assert_memory_equal(back, vals, n * eb);
        /* nothing written past num_values */
        assert_int_equal(((uint8_t *)back)[n * eb], 0xEE);
      }
  }
}

/* A hand-built chunk: u16 values 0..9 need 4 bits; the chunk is
** [04 00] + 512 bytes.  Values 0..9 are indexes 0..9 = row 0 of lanes 0..9
** (u16: LANES = 64), i.e. bits 0..3 of words 0..9: byte 2*i = i. */
static void test_inline_pinned_u16(void **state) {
  (void)state;
  uint8_t chunk[2 + 512] = {0x04, 0x00};
  for (int i = 0; i < 10; i++) chunk[2 + 2 * i] = (uint8_t)i;
  uint16_t out[10];
  assert_int_equal(lf_inline_bitpack_decode(16, chunk, sizeof chunk, 10, out,
                                            NULL),
                   LF_OK);
  for (int i = 0; i < 10; i++) assert_int_equal(out[i], i);
  uint16_t vals[10];
  uint8_t enc[2 + 512];
  size_t len;
  for (int i = 0; i < 10; i++) vals[i] = (uint16_t)i;
  assert_int_equal(lf_inline_bitpack_encode(16, vals, 10, enc, sizeof enc, &len,
                                            NULL),
                   LF_OK);
  assert_int_equal(len, sizeof chunk);
  assert_memory_equal(enc, chunk, sizeof chunk);
}

static void test_inline_corrupt(void **state) {
  (void)state;
  lf_error e;
  static uint8_t chunk[8 + 8192];
  static uint64_t out[1024];
  memset(chunk, 0, sizeof chunk);
  chunk[0] = 70; /* u64 header: 70 bits */
  assert_int_equal(lf_inline_bitpack_decode(64, chunk, sizeof chunk, 10, out,
                                            &e),
                   LF_CORRUPT);
  assert_string_equal(e.msg, "inline bitpacking: bit width 70 exceeds 64");
  chunk[0] = 0;
  chunk[7] = 1; /* header high byte: width 2^56 */
  assert_int_equal(lf_inline_bitpack_decode(64, chunk, sizeof chunk, 10, out,
                                            &e),
                   LF_CORRUPT);
  chunk[7] = 0;
  chunk[0] = 17; /* u16 header 17 */
  assert_int_equal(lf_inline_bitpack_decode(16, chunk, sizeof chunk, 10, out,
                                            &e),
                   LF_CORRUPT);
  chunk[0] = 5; /* u32, W = 5 needs 4 + 640 bytes */
  assert_int_equal(lf_inline_bitpack_decode(32, chunk, 4 + 639, 10, out, &e),
                   LF_CORRUPT);
  assert_string_equal(e.msg,
                      "inline bitpacking: chunk of 643 bytes is shorter than "
                      "bit width 5 needs (644)");
  assert_int_equal(lf_inline_bitpack_decode(32, chunk, 4 + 640, 10, out, &e),
                   LF_OK);
  assert_int_equal(lf_inline_bitpack_decode(32, chunk, 3, 10, out, &e),
                   LF_CORRUPT);
  assert_int_equal(lf_inline_bitpack_decode(32, chunk, 0, 1, out, &e),
                   LF_CORRUPT);
  assert_int_equal(lf_inline_bitpack_decode(32, chunk, 4 + 640, 1025, out, &e),
                   LF_CORRUPT);
  assert_int_equal(lf_inline_bitpack_decode(24, chunk, 4 + 640, 10, out, &e),
                   LF_CORRUPT);
  /* zero values: nothing read */
  assert_int_equal(lf_inline_bitpack_decode(32, NULL, 0, 0, out, &e), LF_OK);
}

/* Out-of-line: every width, bit widths 0..T, counts with and without a tail. */
static void test_ool_roundtrip(void **state) {
  (void)state;
  const size_t counts[] = {0, 1, 1023, 1024, 1025, 3000};
  uint64_t *vals = malloc(3000 * 8), *back = malloc(3001 * 8);
  assert_non_null(vals);
  assert_non_null(back);
  for (int t = 0; t < 4; t++) {
    unsigned T = WIDTHS[t], eb = T / 8;
    for (unsigned W = 0; W <= T; W++)
      for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        size_t n = counts[c], len;
        uint8_t *buf;
        fill_random(T, W, vals, n);
        assert_int_equal(lf_ool_bitpack_encode(T, W, vals, n, &buf, &len, NULL),
                         LF_OK);
        size_t whole = n / 1024, tail = n % 1024;
        int pad = tail && (uint64_t)W * (1024 - tail) < (uint64_t)(T - W) * tail;
        size_t expect = whole * 128 * W + (tail ? (pad ? 128 * W : tail * eb) : 0);
        assert_int_equal(len, expect);
        memset(back, 0xEE, 3001 * 8);
        assert_int_equal(lf_ool_bitpack_decode(T, W, buf, len, n, 0, n, back,
                                               NULL),
                         LF_OK);
        assert_memory_equal(back, vals, n * eb);
        assert_int_equal(((uint8_t *)back)[n * eb], 0xEE);
        /* random sub-ranges */
        for (int k = 0; k < 4 && n; k++) {
          size_t a = rnd() % n, b = a + rnd() % (n - a + 1);
          assert_int_equal(lf_ool_bitpack_decode(T, W, buf, len, n, a, b, back,
                                                 NULL),
                           LF_OK);
          assert_memory_equal(back, (uint8_t *)vals + a * eb, (b - a) * eb);
        }
        if (len) {
          lf_error e;
          assert_int_equal(lf_ool_bitpack_decode(T, W, buf, len - 1, n, 0, n,
                                                 back, &e),
                           LF_CORRUPT);
        }
        free(buf);
      }
  }
  free(vals);
  free(back);
}

/* The Rust test test_out_of_line_bitpack_raw_tail_roundtrip: 1025 u32 values
** (i % 200) at 8 bits -> one block (256 words = 1024 bytes) + 1 raw u32
** (8*1023 bits of padding cost more than the 24 bits the tail would save). */
static void test_ool_pinned_raw_tail(void **state) {
  (void)state;
  uint32_t vals[1025], back[1025];
  for (int i = 0; i < 1025; i++) vals[i] = (uint32_t)(i % 200);
  uint8_t *buf;
  size_t len;
  assert_int_equal(lf_ool_bitpack_encode(32, 8, vals, 1025, &buf, &len, NULL),
                   LF_OK);
  assert_int_equal(len, 1024 + 4);
  /* raw tail: value 1024 % 200 = 24, little-endian */
  const uint8_t tail[4] = {24, 0, 0, 0};
  assert_memory_equal(buf + 1024, tail, 4);
  /* index 1 is lane 1 row 0: low byte of word 1 */
  assert_int_equal(buf[4], 1);
  assert_int_equal(lf_ool_bitpack_decode(32, 8, buf, len, 1025, 0, 1025, back,
                                         NULL),
                   LF_OK);
  assert_memory_equal(back, vals, sizeof vals);
  free(buf);
  /* 2000 values at 1 bit: tail of 976 is padded (1*48 < 31*976) */
  static uint32_t v2[2000], b2[2000];
  for (int i = 0; i < 2000; i++) v2[i] = (uint32_t)(i & 1);
  assert_int_equal(lf_ool_bitpack_encode(32, 1, v2, 2000, &buf, &len, NULL),
                   LF_OK);
  assert_int_equal(len, 256);
  assert_int_equal(lf_ool_bitpack_decode(32, 1, buf, len, 2000, 1000, 2000, b2,
                                         NULL),
                   LF_OK);
  assert_memory_equal(b2, v2 + 1000, 1000 * 4);
  free(buf);
}

static void test_ool_corrupt(void **state) {
  (void)state;
  lf_error e;
  uint8_t buf[640] = {0};
  uint32_t out[2048];
  assert_int_equal(lf_ool_bitpack_decode(32, 33, buf, sizeof buf, 10, 0, 10,
                                         out, &e),
                   LF_CORRUPT);
  assert_string_equal(e.msg, "out-of-line bitpacking: bit width 33 exceeds 32");
  /* 2048 values at 5 bits need 1280 bytes */
  assert_int_equal(lf_ool_bitpack_decode(32, 5, buf, sizeof buf, 2048, 0, 1,
                                         out, &e),
                   LF_CORRUPT);
  assert_int_equal(lf_ool_bitpack_decode(32, 5, NULL, 0, 2048, 0, 0, out, &e),
                   LF_CORRUPT);
  /* range past the values is a caller error */
  assert_int_equal(lf_ool_bitpack_decode(32, 5, buf, sizeof buf, 10, 5, 11,
                                         out, &e),
                   LF_ARG);
  assert_int_equal(lf_ool_bitpack_decode(48, 5, buf, sizeof buf, 10, 0, 10,
                                         out, &e),
                   LF_CORRUPT);
  /* huge num_values: sizes must not wrap */
  assert_int_equal(lf_ool_bitpack_decode(64, 64, buf, sizeof buf, UINT64_MAX,
                                         0, 1, out, &e),
                   LF_CORRUPT);
}

static void test_bitwidth(void **state) {
  (void)state;
  uint64_t v[3] = {0, 0, 0};
  assert_int_equal(lf_bitwidth(64, v, 3), 0);
  v[1] = 1ull << 63;
  assert_int_equal(lf_bitwidth(64, v, 3), 64);
  uint8_t b[2] = {3, 4};
  assert_int_equal(lf_bitwidth(8, b, 2), 3);
  assert_int_equal(lf_bitwidth(8, b, 0), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kernels_all_widths),
      cmocka_unit_test(test_pack_masks_high_bits),
      cmocka_unit_test(test_pinned_u32_w1),
      cmocka_unit_test(test_pinned_u8_w3),
      cmocka_unit_test(test_pinned_u64_w64),
      cmocka_unit_test(test_fl_checked_errors),
      cmocka_unit_test(test_inline_roundtrip),
      cmocka_unit_test(test_inline_pinned_u16),
      cmocka_unit_test(test_inline_corrupt),
      cmocka_unit_test(test_ool_roundtrip),
      cmocka_unit_test(test_ool_pinned_raw_tail),
      cmocka_unit_test(test_ool_corrupt),
      cmocka_unit_test(test_bitwidth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
