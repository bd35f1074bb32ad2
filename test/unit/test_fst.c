/* test_fst.c: the token FST reader (format/index/fst.c) on the FST LanceDB
** 0.39 wrote for test/unit/data/fts.lance (make_fts_fixture.mjs): lookups,
** ordered and prefix iteration, the version 2 form (no checksum), the empty
** FST, and every single-byte corruption of the nodes read without a fault. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"
#include "testdata.h"

/* The fixture's tokens, sorted: 8 words and x0..xz without xa (row 10 is null). */
static char TOK[64][8];
static int NTOK;

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

static void expected_tokens(void) {
  const char *w[] = {"common", "alpha", "beta", "gamma", "delta", "omega", "three", "echo"};
  const char *x = "0123456789abcdefghijklmnopqrstuvwxyz";
  NTOK = 0;
  for (int i = 0; i < 8; i++) strcpy(TOK[NTOK++], w[i]);
  for (int i = 0; i < 36; i++)
    if (i != 10) snprintf(TOK[NTOK++], 8, "x%c", x[i]);
  qsort(TOK, (size_t)NTOK, sizeof TOK[0], cmp_str);
}

/* The FST bytes of text_idx's partition 0 (malloc'd). */
static uint8_t *fixture_fst(size_t *n) {
  lf_store *st;
  lf_error err;
  lf_manifest m = {0};
  lf_index_meta *ix;
  int nix;
  char path[512];
  if (lf_store_local_new(test_data_dir(), &st, &err) ||
      lf_dataset_read_manifest(st, "fts.lance", 0, &m, &err) || lf_manifest_indices(&m, &ix, &nix, &err))
    fail_msg("fixture: %s", err.msg);
  for (int i = 0; i < nix; i++)
    if (!strcmp(ix[i].name, "text_idx"))
      snprintf(path, sizeof path, "fts.lance/_indices/%s/part_0_tokens.lance", ix[i].uuid);
  lf_file *f;
  if (lf_file_open(st, path, &f, &err)) fail_msg("open: %s", err.msg);
  lf_array a;
  lf_array_init(&a, lf_file_schema(f)->fields[0]);
  if (lf_file_read_range(f, 0, 0, 1, &a, &err)) fail_msg("read: %s", err.msg);
  *n = (size_t)(a.offsets[1] - a.offsets[0]);
  uint8_t *d = malloc(*n);
  memcpy(d, a.data + a.offsets[0], *n);
  lf_array_reset(&a);
  lf_file_free(f);
  lf_indices_free(ix, nix);
  lf_manifest_reset(&m);
  lf_store_free(st);
  return d;
}

/* Every key of f with the prefix, in order, into keys; returns the count or
** -1 on an error. */
static int collect(const lf_fst *f, const char *prefix, char keys[][8], uint64_t *vals, int max) {
  lf_fst_iter *it;
  lf_error err;
  int n = 0, got;
  if (lf_fst_iter_new(f, (const uint8_t *)prefix, strlen(prefix), &it, &err)) return -1;
  const uint8_t *k;
  size_t kl;
  uint64_t v;
  int rc;
  while (!(rc = lf_fst_iter_next(it, &got, &k, &kl, &v, &err)) && got) {
    if (n < max && kl < 8) {
      memcpy(keys[n], k, kl);
      keys[n][kl] = 0;
      vals[n] = v;
    }
    n++;
  }
  lf_fst_iter_free(it);
  return rc ? -1 : n;
}

static void check_fixture(const lf_fst *f) {
  char keys[64][8];
  uint64_t vals[64], seen = 0;
  assert_int_equal(collect(f, "", keys, vals, 64), NTOK);
  for (int i = 0; i < NTOK; i++) {
    assert_string_equal(keys[i], TOK[i]);
    assert_true(vals[i] < (uint64_t)NTOK && !(seen >> vals[i] & 1)); /* ids: a permutation */
    seen |= 1ull << vals[i];
    int found = 0;
    uint64_t v = 99;
    lf_error err;
    assert_int_equal(lf_fst_get(f, (const uint8_t *)TOK[i], strlen(TOK[i]), &found, &v, &err), LF_OK);
    assert_true(found && v == vals[i]);
  }
  static const char *absent[] = {"", "x", "xa", "commons", "comm", "zzz", "echoo", "\xff"};
  for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
    int found = 1;
    uint64_t v;
    lf_error err;
    assert_int_equal(lf_fst_get(f, (const uint8_t *)absent[i], strlen(absent[i]), &found, &v, &err), LF_OK);
    assert_false(found);
  }
  assert_int_equal(collect(f, "x", keys, vals, 64), 35);
  assert_string_equal(keys[0], "x0");
  assert_string_equal(keys[34], "xz");
  assert_int_equal(collect(f, "ech", keys, vals, 64), 1);
  assert_string_equal(keys[0], "echo");
  assert_int_equal(collect(f, "echo", keys, vals, 64), 1);
  assert_int_equal(collect(f, "echoo", keys, vals, 64), 0);
  assert_int_equal(collect(f, "\xff", keys, vals, 64), 0);
}

static void test_fixture_fst(void **state) {
  (void)state;
  size_t n;
  uint8_t *d = fixture_fst(&n);
  lf_fst f;
  lf_error err;
  assert_int_equal(lf_fst_init(&f, d, n, &err), LF_OK);
  assert_true(f.version == 3 && f.nkeys == (uint64_t)NTOK);
  check_fixture(&f);
  /* the same FST in the version 2 form: no checksum after the root address */
  uint8_t *v2 = malloc(n);
  memcpy(v2, d, n - 4);
  v2[0] = 2;
  assert_int_equal(lf_fst_init(&f, v2, n - 4, &err), LF_OK);
  check_fixture(&f);
  free(v2);
  /* header and footer errors */
  d[0] = 4;
  assert_int_equal(lf_fst_init(&f, d, n, &err), LF_UNSUPPORTED);
  d[0] = 0;
  assert_int_equal(lf_fst_init(&f, d, n, &err), LF_UNSUPPORTED);
  d[0] = 3;
  for (size_t len = 0; len < n; len++) assert_int_not_equal(lf_fst_init(&f, d, len, &err), LF_OK);
  d[n - 12]++; /* the root address */
  assert_int_equal(lf_fst_init(&f, d, n, &err), LF_CORRUPT);
  free(d);
}

/* Flip every node byte in turn: lookups and iteration end, OK or LF_CORRUPT. */
static void test_corrupt_nodes(void **state) {
  (void)state;
  size_t n;
  uint8_t *d = fixture_fst(&n);
  char keys[64][8];
  uint64_t vals[64];
  for (size_t at = 16; at < n - 20; at++) {
    for (int flip = 1; flip < 256; flip <<= 2) {
      uint8_t *c = malloc(n); /* exact size: ASan sees any read past it */
      memcpy(c, d, n);
      c[at] ^= (uint8_t)flip;
      lf_fst f;
      lf_error err;
      if (lf_fst_init(&f, c, n, &err) == LF_OK) {
        for (int i = 0; i < NTOK; i++) {
          int found;
          uint64_t v;
          int rc = lf_fst_get(&f, (const uint8_t *)TOK[i], strlen(TOK[i]), &found, &v, &err);
          assert_true(rc == LF_OK || rc == LF_CORRUPT);
        }
        collect(&f, "", keys, vals, 64);
        collect(&f, "x", keys, vals, 64);
      }
      free(c);
    }
  }
  free(d);
}

/* An FST whose root is the empty final node: the empty key alone. */
static void test_empty_key(void **state) {
  (void)state;
  uint8_t d[36] = {3};
  d[16] = 1; /* one key; root address 0 */
  lf_fst f;
  lf_error err;
  assert_int_equal(lf_fst_init(&f, d, 36, &err), LF_OK);
  int found = 0;
  uint64_t v = 7;
  assert_int_equal(lf_fst_get(&f, (const uint8_t *)"", 0, &found, &v, &err), LF_OK);
  assert_true(found && v == 0);
  assert_int_equal(lf_fst_get(&f, (const uint8_t *)"a", 1, &found, &v, &err), LF_OK);
  assert_false(found);
  char keys[4][8];
  uint64_t vals[4];
  assert_int_equal(collect(&f, "", keys, vals, 4), 1);
  assert_int_equal(collect(&f, "a", keys, vals, 4), 0);
  assert_int_equal(lf_fst_init(&f, d, 35, &err), LF_CORRUPT);
}

int main(void) {
  expected_tokens();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixture_fst),
      cmocka_unit_test(test_corrupt_nodes),
      cmocka_unit_test(test_empty_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
