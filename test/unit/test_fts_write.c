/* test_fts_write.c: the writers of FTS index data against the readers'
** decoders: the FST builder (fst_write.c) round trip over random key sets
** and byte-exact against the FST LanceDB 0.39 wrote for the fixture; the
** posting-block, position-block and impact encoders (posting_write.c)
** against posting.c's decoders and hand-worked entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

/* n random distinct keys over alphabet al, sorted, as an FST with value =
** index * mult; every key found, the walk in order, absent keys absent. */
static void roundtrip(int n, const char *al, uint64_t mult) {
  char (*k)[12] = calloc((size_t)n, 12);
  int u = 0;
  for (int i = 0; i < n; i++) {
    int len = 1 + (int)(rnd() % 10);
    for (int j = 0; j < len; j++) k[i][j] = al[rnd() % strlen(al)];
  }
  qsort(k, (size_t)n, 12, cmp_str);
  for (int i = 0; i < n; i++)
    if (!u || strcmp(k[u - 1], k[i])) memmove(k[u++], k[i], 12);
  lf_buf out = {0};
  lf_fst_builder *fb;
  lf_error err = {0};
  assert_int_equal(lf_fst_builder_new(&out, &fb, &err), LF_OK);
  for (int i = 0; i < u; i++)
    assert_int_equal(lf_fst_builder_insert(fb, (const uint8_t *)k[i], strlen(k[i]), (uint64_t)i * mult, &err), LF_OK);
  assert_int_equal(lf_fst_builder_finish(fb, &err), LF_OK);
  lf_fst_builder_free(fb);
  lf_fst f;
  assert_int_equal(lf_fst_init(&f, out.p, out.len, &err), LF_OK);
  assert_int_equal(f.nkeys, (uint64_t)u);
  for (int i = 0; i < u; i++) {
    int found;
    uint64_t v;
    assert_int_equal(lf_fst_get(&f, (const uint8_t *)k[i], strlen(k[i]), &found, &v, &err), LF_OK);
    assert_true(found);
    assert_int_equal(v, (uint64_t)i * mult);
    char absent[14];
    snprintf(absent, sizeof absent, "%s~", k[i]); /* '~' is in no alphabet */
    assert_int_equal(lf_fst_get(&f, (const uint8_t *)absent, strlen(absent), &found, &v, &err), LF_OK);
    assert_false(found);
  }
  lf_fst_iter *it;
  assert_int_equal(lf_fst_iter_new(&f, NULL, 0, &it, &err), LF_OK);
  for (int i = 0;; i++) {
    const uint8_t *key;
    size_t kl;
    uint64_t v;
    int got;
    assert_int_equal(lf_fst_iter_next(it, &got, &key, &kl, &v, &err), LF_OK);
    if (!got) {
      assert_int_equal(i, u);
      break;
    }
    assert_int_equal(kl, strlen(k[i]));
    assert_memory_equal(key, k[i], kl);
    assert_int_equal(v, (uint64_t)i * mult);
  }
  lf_fst_iter_free(it);
  lf_buf_reset(&out);
  free(k);
}

static void test_fst_roundtrip(void **s) {
  (void)s;
  roundtrip(1, "a", 1);
  roundtrip(50, "ab", 1);
  roundtrip(3000, "abcdefghijklmnop", 7);
  roundtrip(20000, "etaoinshrdlu0123456789", 1);  /* common inputs, big nodes */
  roundtrip(5000, "\x01\x02\x03\x80\xff\xfe", 1ull << 33); /* rare bytes, 8-byte outputs */
}

/* An empty FST and one holding only the empty key. */
static void test_fst_empty(void **s) {
  (void)s;
  for (int with_empty = 0; with_empty < 2; with_empty++) {
    lf_buf out = {0};
    lf_fst_builder *fb;
    lf_error err = {0};
    assert_int_equal(lf_fst_builder_new(&out, &fb, &err), LF_OK);
    if (with_empty) assert_int_equal(lf_fst_builder_insert(fb, (const uint8_t *)"", 0, 9, &err), LF_OK);
    assert_int_equal(lf_fst_builder_finish(fb, &err), LF_OK);
    lf_fst_builder_free(fb);
    lf_fst f;
    int found;
    uint64_t v = 0;
    assert_int_equal(lf_fst_init(&f, out.p, out.len, &err), LF_OK);
    assert_int_equal(lf_fst_get(&f, (const uint8_t *)"", 0, &found, &v, &err), LF_OK);
    assert_int_equal(found, with_empty);
    if (with_empty) assert_int_equal(v, 9);
    lf_buf_reset(&out);
  }
}

static void test_fst_order_checked(void **s) {
  (void)s;
  lf_buf out = {0};
  lf_fst_builder *fb;
  lf_error err = {0};
  assert_int_equal(lf_fst_builder_new(&out, &fb, &err), LF_OK);
  assert_int_equal(lf_fst_builder_insert(fb, (const uint8_t *)"b", 1, 0, &err), LF_OK);
  assert_int_equal(lf_fst_builder_insert(fb, (const uint8_t *)"a", 1, 1, &err), LF_ARG);
  assert_int_equal(lf_fst_builder_insert(fb, (const uint8_t *)"b", 1, 1, &err), LF_ARG);
  assert_string_equal(err.msg, "token FST: keys must be inserted in strictly ascending order");
  lf_fst_builder_free(fb);
  lf_buf_reset(&out);
}

/* Posting blocks: full and tail, 128 and 256, encoded then decoded. */
static void block_case(uint32_t bs, uint32_t n, uint32_t maxgap, uint32_t maxfreq, int outliers) {
  lf_posting_fmt fmt = {bs, 1};
  uint32_t docs[256], freqs[256], d2[256], f2[256];
  uint32_t d = rnd() % 1000;
  for (uint32_t i = 0; i < n; i++) {
    d += 1 + rnd() % maxgap;
    docs[i] = d;
    freqs[i] = 1 + rnd() % maxfreq;
    if (outliers && rnd() % 16 == 0) freqs[i] = 1000 + rnd() % 100000;
  }
  lf_buf b = {0};
  lf_posting_block_encode(&fmt, docs, freqs, n, 1.5f, &b);
  assert_int_equal(b.rc, 0);
  float ms;
  lf_error err = {0};
  assert_int_equal(lf_posting_block(&fmt, b.p, b.len, n, d2, f2, &ms, &err), LF_OK);
  assert_memory_equal(docs, d2, n * 4);
  assert_memory_equal(freqs, f2, n * 4);
  assert_true(bs == 256 ? ms == 0.0f : ms == 1.5f);
  lf_buf_reset(&b);
}

static void test_posting_blocks(void **s) {
  (void)s;
  for (int r = 0; r < 200; r++) {
    uint32_t gap = r % 4 == 0 ? 1 : r % 4 == 1 ? 100 : r % 4 == 2 ? 70000 : 3;
    block_case(128, 128, gap, 1 + (uint32_t)r % 40, 0);
    block_case(256, 256, gap, 1 + (uint32_t)r % 40, r % 2);
    block_case(128, 1 + rnd() % 127, gap, 50, 1);
    block_case(256, 1 + rnd() % 255, gap, 50, 1);
  }
}

/* 256-document frequencies: 1s with a few large outliers are patched, not widened. */
static void test_pfor_exceptions(void **s) {
  (void)s;
  lf_posting_fmt fmt = {256, 1};
  uint32_t docs[256], freqs[256];
  for (int i = 0; i < 256; i++) docs[i] = (uint32_t)i, freqs[i] = 1;
  freqs[7] = 5000, freqs[200] = 70000;
  lf_buf b = {0};
  lf_posting_block_encode(&fmt, docs, freqs, 256, 0, &b);
  /* u32 first, u8 B=1, 32 bytes of doc deltas, u8 W=1, u8 E=2, 32 bytes, 2 exceptions */
  assert_int_equal(b.p[4], 1);
  assert_int_equal(b.p[4 + 1 + 32], 1);
  assert_int_equal(b.p[4 + 1 + 32 + 1], 2);
  assert_int_equal(b.p[4 + 1 + 32 + 2 + 32], 7);
  lf_buf_reset(&b);
}

static void test_position_blocks(void **s) {
  (void)s;
  for (int r = 0; r < 100; r++) {
    uint32_t n = 1 + rnd() % 128, freqs[128], pos[4096], out[4096];
    size_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
      freqs[i] = 1 + rnd() % (r % 3 == 0 ? 30 : 3);
      uint32_t p = rnd() % 50;
      for (uint32_t j = 0; j < freqs[i]; j++) pos[k++] = p, p += 1 + rnd() % 20;
    }
    lf_buf b = {0};
    lf_position_block_encode(pos, freqs, n, &b);
    lf_error err = {0};
    assert_int_equal(lf_position_block(LF_POS_PACKED, b.p, b.len, freqs, n, out, 4096, &err), LF_OK);
    assert_memory_equal(pos, out, k * 4);
    lf_buf_reset(&b);
  }
}

/* Lance's frontier example: (1, 10) (1, 8) (2, 9) (3, 20) keeps (1, 8) (2, 9)
** (3, 20), codes 8, 9, 18. */
static void test_impact_entry(void **s) {
  (void)s;
  uint32_t f[] = {1, 1, 2, 3}, l[] = {10, 8, 9, 20};
  lf_buf b = {0};
  assert_int_equal(lf_impact_entry_encode(f, l, 4, 300, &b), LF_OK);
  const uint8_t want[] = {0xAC, 0x02, 3, 0x01, 8, 0x00, 0x01, 9};
  assert_int_equal(b.len, sizeof want);
  assert_memory_equal(b.p, want, sizeof want);
  assert_int_equal(lf_fts_len_code(7), 7);
  assert_int_equal(lf_fts_len_code(16), 16);   /* bits 5: shift 1, (8 & 7) | 2 << 3 */
  assert_int_equal(lf_fts_len_code(1000), 63); /* 1111101000: shift 6, 15 & 7 | 7 << 3 */
  lf_buf_reset(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fst_roundtrip),    cmocka_unit_test(test_fst_empty),
    cmocka_unit_test(test_fst_order_checked), cmocka_unit_test(test_posting_blocks),
    cmocka_unit_test(test_pfor_exceptions),  cmocka_unit_test(test_position_blocks),
    cmocka_unit_test(test_impact_entry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
