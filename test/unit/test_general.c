/* test_general.c: zstd / lz4 framing as Lance writes it (format/general.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "codec.h"

static void fill(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)((i / 7) % 13 + (i % 3));
}

static void test_roundtrip(void **state) {
  (void)state;
  const size_t sizes[] = {0, 1, 100, 4096, 100000};
  const int schemes[2] = {LF_GENERAL_ZSTD, LF_GENERAL_LZ4};
  uint8_t *in = malloc(100000);
  fill(in, 100000);
  for (int s = 0; s < 2; s++)
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
      uint8_t *c, *d;
      size_t cl, dl;
      assert_int_equal(lf_general_compress(schemes[s], 3, in, sizes[k], &c, &cl,
                                           NULL),
                       LF_OK);
      assert_int_equal(lf_general_decompress(schemes[s], c, cl, sizes[k], &d,
                                             &dl, NULL),
                       LF_OK);
      assert_int_equal(dl, sizes[k]);
      assert_memory_equal(d, in, dl);
      free(c);
      free(d);
    }
  free(in);
}

/* Layout pinned from block.rs: zstd = u64 LE size + frame (magic 28 B5 2F
** FD); lz4 = u32 LE size + raw block (no frame magic 04 22 4D 18). */
static void test_pinned_framing(void **state) {
  (void)state;
  uint8_t in[300];
  fill(in, sizeof in);
  uint8_t *c;
  size_t cl;
  assert_int_equal(lf_general_compress(LF_GENERAL_ZSTD, 0, in, 300, &c, &cl,
                                       NULL),
                   LF_OK);
  const uint8_t zh[12] = {0x2C, 0x01, 0, 0, 0, 0, 0, 0, 0x28, 0xB5, 0x2F, 0xFD};
  assert_memory_equal(c, zh, 12);
  free(c);
  assert_int_equal(lf_general_compress(LF_GENERAL_LZ4, 0, in, 300, &c, &cl,
                                       NULL),
                   LF_OK);
  const uint8_t lh[4] = {0x2C, 0x01, 0, 0};
  assert_memory_equal(c, lh, 4);
  /* the rest is a plain LZ4 block */
  char back[300];
  assert_int_equal(LZ4_decompress_safe((char *)c + 4, back, (int)cl - 4, 300),
                   300);
  free(c);
  /* A hand-made lz4 block: token 0x30 = 3 literals, no match: "abc". */
  const uint8_t hand[8] = {3, 0, 0, 0, 0x30, 'a', 'b', 'c'};
  uint8_t *d;
  size_t dl;
  assert_int_equal(lf_general_decompress(LF_GENERAL_LZ4, hand, 8, 3, &d, &dl,
                                         NULL),
                   LF_OK);
  assert_int_equal(dl, 3);
  assert_memory_equal(d, "abc", 3);
  free(d);
}

/* Rust also reads a bare zstd stream (no size prefix), possibly several
** frames; the bare check is magic + byte 4 bit 0x10 clear. */
static void test_zstd_bare_stream(void **state) {
  (void)state;
  uint8_t in[5000];
  fill(in, sizeof in);
  size_t bound = ZSTD_compressBound(2500);
  uint8_t *c = malloc(2 * bound);
  size_t a = ZSTD_compress(c, bound, in, 2500, 1);
  size_t b = ZSTD_compress(c + a, bound, in + 2500, 2500, 1);
  assert_false(ZSTD_isError(a) || ZSTD_isError(b));
  uint8_t *d;
  size_t dl;
  lf_error e;
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, a + b, 5000, &d,
                                         &dl, NULL),
                   LF_OK);
  assert_int_equal(dl, 5000);
  assert_memory_equal(d, in, 5000);
  free(d);
  /* limit: 4999 bytes allowed -> corrupt */
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, a + b, 4999, &d,
                                         &dl, &e),
                   LF_CORRUPT);
  assert_string_equal(e.msg, "zstd: output exceeds 4999 bytes");
  /* truncated bare frame */
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, a - 3, 5000, &d,
                                         &dl, &e),
                   LF_CORRUPT);
  free(c);
  /* empty input: empty output */
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, NULL, 0, 10, &d, &dl,
                                         NULL),
                   LF_OK);
  assert_int_equal(dl, 0);
  free(d);
}

static void test_corrupt(void **state) {
  (void)state;
  uint8_t in[1000];
  fill(in, sizeof in);
  uint8_t *c, *d = (uint8_t *)1;
  size_t cl, dl;
  lf_error e;
  /* zstd: size prefix above the limit */
  assert_int_equal(lf_general_compress(LF_GENERAL_ZSTD, 1, in, 1000, &c, &cl,
                                       NULL),
                   LF_OK);
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, cl, 999, &d, &dl,
                                         &e),
                   LF_CORRUPT);
  assert_string_equal(e.msg, "zstd: uncompressed size 1000 exceeds the limit of 999");
  assert_null(d);
  /* prefix says less than the frame holds */
  c[0] = 0xE7; /* 999 = 0x3E7 */
  c[1] = 0x03;
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, cl, 5000, &d, &dl,
                                         &e),
                   LF_CORRUPT);
  /* prefix says more */
  c[0] = 0xE9;
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, cl, 5000, &d, &dl,
                                         &e),
                   LF_CORRUPT);
  c[0] = 0xE8;
  /* truncated */
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, cl - 1, 5000, &d,
                                         &dl, &e),
                   LF_CORRUPT);
  /* huge prefix, no allocation attempted */
  memset(c, 0xFF, 8);
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, c, cl, 1 << 20, &d,
                                         &dl, &e),
                   LF_CORRUPT);
  free(c);
  /* lz4 */
  assert_int_equal(lf_general_compress(LF_GENERAL_LZ4, 0, in, 1000, &c, &cl,
                                       NULL),
                   LF_OK);
  assert_int_equal(lf_general_decompress(LF_GENERAL_LZ4, c, cl, 999, &d, &dl,
                                         &e),
                   LF_CORRUPT);
  assert_int_equal(lf_general_decompress(LF_GENERAL_LZ4, c, 3, 5000, &d, &dl,
                                         &e),
                   LF_CORRUPT);
  assert_string_equal(e.msg, "lz4: 3 bytes, too short for the size prefix");
  assert_int_equal(lf_general_decompress(LF_GENERAL_LZ4, c, cl - 2, 5000, &d,
                                         &dl, &e),
                   LF_CORRUPT);
  c[3] = 0x80; /* negative as i32 */
  assert_int_equal(lf_general_decompress(LF_GENERAL_LZ4, c, cl, (size_t)-1, &d,
                                         &dl, &e),
                   LF_CORRUPT);
  free(c);
  assert_int_equal(lf_general_decompress(7, in, 10, 100, &d, &dl, &e),
                   LF_CORRUPT);
  /* garbage */
  assert_int_equal(lf_general_decompress(LF_GENERAL_ZSTD, in, 100, 5000, &d,
                                         &dl, &e),
                   LF_CORRUPT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_pinned_framing),
      cmocka_unit_test(test_zstd_bare_stream),
      cmocka_unit_test(test_corrupt),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
