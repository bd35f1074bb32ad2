/* test_values.c: decoded blocks -> typed leaf values (format/values.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"

static void fld(lf_field *f, const char *name, lf_type t) {
  memset(f, 0, sizeof *f);
  f->name = (char *)name;
  f->logical_type = (char *)name;
  f->type = t;
  f->nullable = 1;
}

static lf_block fixed_block(const void *data, uint64_t n, uint64_t bits) {
  lf_block b;
  memset(&b, 0, sizeof b);
  b.kind = LF_BLK_FIXED;
  b.n = n;
  b.bits = bits;
  b.data = (uint8_t *)data;
  b.data_len = (n * bits + 7) / 8;
  return b;
}

/* Bits 3..11 of a bitmap, stored at row 5 of the array (odd offsets on
** both sides). */
static void test_bool_bitmap_odd_offsets(void **state) {
  (void)state;
  lf_field f;
  fld(&f, "b", LF_T_BOOL);
  const uint8_t bits[2] = {0xb5, 0x5a}; /* 1010 1101, 0101 1010 LSB first */
  lf_block b = fixed_block(bits, 16, 1);
  lf_array a;
  lf_array_init(&a, &f);
  a.length = 5;
  lf_error err = {0};
  assert_int_equal(lf_append_values(&a, &b, 3, 9, &err), LF_OK);
  for (int k = 0; k < 9; k++) {
    int i = 3 + k;
    int want = (bits[i / 8] >> (i % 8)) & 1;
    assert_int_equal(a.values[5 + k], want);
  }
  /* whole bitmap from 0 */
  a.length = 0;
  assert_int_equal(lf_append_values(&a, &b, 0, 16, &err), LF_OK);
  const uint8_t want[16] = {1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0};
  assert_memory_equal(a.values, want, 16);
  lf_array_reset(&a);
}

/* Booleans stored one byte per value (bits 8) are copied as bytes. */
static void test_bool_bytes(void **state) {
  (void)state;
  lf_field f;
  fld(&f, "b", LF_T_BOOL);
  const uint8_t v[4] = {1, 0, 0, 1};
  lf_block b = fixed_block(v, 4, 8);
  lf_array a;
  lf_array_init(&a, &f);
  assert_int_equal(lf_append_values(&a, &b, 1, 3, NULL), LF_OK);
  assert_memory_equal(a.values, v + 1, 3);
  lf_array_reset(&a);
}

static void test_fixed_width_copies(void **state) {
  (void)state;
  static const struct {
    lf_type t;
    int width;
    int64_t fixed_size;
  } cases[] = {
      {LF_T_INT8, 1, 0},     {LF_T_UINT16, 2, 0},     {LF_T_FLOAT16, 2, 0},
      {LF_T_INT32, 4, 0},    {LF_T_FLOAT32, 4, 0},    {LF_T_DATE32, 4, 0},
      {LF_T_INT64, 8, 0},    {LF_T_TIMESTAMP, 8, 0},  {LF_T_FLOAT64, 8, 0},
      {LF_T_DECIMAL128, 16, 0}, {LF_T_DECIMAL256, 32, 0}, {LF_T_FIXED_BINARY, 3, 3},
  };
  uint8_t src[10 * 32];
  for (int i = 0; i < (int)sizeof src; i++) src[i] = (uint8_t)(i * 7 + 1);
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    lf_field f;
    fld(&f, "v", cases[c].t);
    f.fixed_size = cases[c].fixed_size;
    int w = cases[c].width;
    assert_int_equal(lf_type_width(&f), w);
    lf_block b = fixed_block(src, 10, (uint64_t)w * 8);
    lf_array a;
    lf_array_init(&a, &f);
    a.length = 2;
    lf_error err = {0};
    assert_int_equal(lf_append_values(&a, &b, 3, 6, &err), LF_OK);
    assert_memory_equal(a.values + 2 * w, src + 3 * w, (size_t)(6 * w));
    /* a second append at the end of the first */
    a.length = 8;
    assert_int_equal(lf_append_values(&a, &b, 9, 1, &err), LF_OK);
    assert_memory_equal(a.values + 8 * w, src + 9 * w, (size_t)w);
    assert_memory_equal(a.values + 2 * w, src + 3 * w, (size_t)(6 * w));
    lf_array_reset(&a);
  }
}

static void test_width_mismatch(void **state) {
  (void)state;
  lf_field f;
  fld(&f, "i", LF_T_INT32);
  uint8_t src[64] = {0};
  lf_block b = fixed_block(src, 4, 64);
  lf_array a;
  lf_array_init(&a, &f);
  lf_error err = {0};
  assert_int_equal(lf_append_values(&a, &b, 0, 4, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "64-bit values for a 4-byte type"));
  assert_non_null(strstr(err.msg, "'i'"));
  /* 1-bit values are only booleans */
  b = fixed_block(src, 4, 1);
  assert_int_equal(lf_append_values(&a, &b, 0, 4, &err), LF_CORRUPT);
  lf_array_reset(&a);
}

static void test_kind_mismatch(void **state) {
  (void)state;
  lf_field fi, fs;
  fld(&fi, "i", LF_T_INT32);
  fld(&fs, "s", LF_T_UTF8);
  uint64_t offs[3] = {0, 1, 2};
  uint8_t data[8] = "ab";
  lf_block var = {0};
  var.kind = LF_BLK_VARIABLE;
  var.n = 2;
  var.offsets = offs;
  var.data = data;
  var.data_len = 2;
  lf_array a;
  lf_error err = {0};
  lf_array_init(&a, &fi);
  assert_int_equal(lf_append_values(&a, &var, 0, 2, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "variable-width data for a fixed-width type"));
  lf_array_reset(&a);
  lf_block fx = fixed_block(data, 2, 8);
  lf_array_init(&a, &fs);
  assert_int_equal(lf_append_values(&a, &fx, 0, 2, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "fixed-width data for a variable-width type"));
  lf_array_reset(&a);
}

/* Variable-width: offsets[0] != 0 in the block, rows taken from the middle,
** appended twice: offsets rebased onto the array's data. */
static void test_variable_rebase(void **state) {
  (void)state;
  const lf_type types[4] = {LF_T_UTF8, LF_T_LARGE_UTF8, LF_T_BINARY, LF_T_LARGE_BINARY};
  for (int t = 0; t < 4; t++) {
    lf_field f;
    fld(&f, "s", types[t]);
    uint64_t offs[5] = {5, 8, 8, 12, 13};
    uint8_t data[16] = "xxxxxabcdefghijk"; /* "abc", "", "defg", "h" */
    lf_block b = {0};
    b.kind = LF_BLK_VARIABLE;
    b.n = 4;
    b.offsets = offs;
    b.data = data;
    b.data_len = 13;
    lf_array a;
    lf_array_init(&a, &f);
    lf_error err = {0};
    assert_int_equal(lf_append_values(&a, &b, 1, 3, &err), LF_OK);
    a.length = 3;
    const uint64_t w1[4] = {0, 0, 4, 5};
    assert_memory_equal(a.offsets, w1, sizeof w1);
    assert_true(a.data_len == 5);
    assert_memory_equal(a.data, "defgh", 5);
    assert_int_equal(lf_append_values(&a, &b, 0, 2, &err), LF_OK);
    a.length = 5;
    const uint64_t w2[6] = {0, 0, 4, 5, 8, 8};
    assert_memory_equal(a.offsets, w2, sizeof w2);
    assert_true(a.data_len == 8);
    assert_memory_equal(a.data, "defghabc", 8);
    lf_array_reset(&a);
  }
}

/* EMPTY blocks: zeros for fixed widths, empty strings for var-width, zero
** child values for a fixed-size list. */
static void test_empty_blocks(void **state) {
  (void)state;
  lf_block e = {0};
  e.kind = LF_BLK_EMPTY;
  e.n = 3;
  lf_field fi, fs;
  fld(&fi, "i", LF_T_INT64);
  fld(&fs, "s", LF_T_UTF8);
  lf_array a;
  lf_array_init(&a, &fi);
  assert_int_equal(lf_array_alloc_values(&a, 64), LF_OK);
  memset(a.values, 0xee, 64);
  a.length = 1;
  assert_int_equal(lf_append_values(&a, &e, 0, 3, NULL), LF_OK);
  for (int i = 8; i < 32; i++) assert_int_equal(a.values[i], 0);
  assert_int_equal(a.values[0], 0xee);
  lf_array_reset(&a);

  lf_array_init(&a, &fs);
  uint64_t offs[2] = {0, 2};
  uint8_t data[2] = {'h', 'i'};
  lf_block v = {0};
  v.kind = LF_BLK_VARIABLE;
  v.n = 1;
  v.offsets = offs;
  v.data = data;
  v.data_len = 2;
  assert_int_equal(lf_append_values(&a, &v, 0, 1, NULL), LF_OK);
  a.length = 1;
  assert_int_equal(lf_append_values(&a, &e, 0, 3, NULL), LF_OK);
  const uint64_t want[5] = {0, 2, 2, 2, 2};
  assert_memory_equal(a.offsets, want, sizeof want);
  lf_array_reset(&a);

  /* EMPTY never reads the block: any i0 is fine */
  lf_array_init(&a, &fi);
  assert_int_equal(lf_append_values(&a, &e, 100, 3, NULL), LF_OK);
  lf_array_reset(&a);
}

static void test_block_too_small(void **state) {
  (void)state;
  lf_field f;
  fld(&f, "i", LF_T_INT32);
  uint8_t src[16] = {0};
  lf_block b = fixed_block(src, 4, 32);
  lf_array a;
  lf_array_init(&a, &f);
  lf_error err = {0};
  assert_int_equal(lf_append_values(&a, &b, 2, 3, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "5 values wanted from a block of 4"));
  assert_int_equal(lf_append_values(&a, &b, 2, 2, &err), LF_OK);
  lf_array_reset(&a);
}

/* fixed_size_list<float32, 2>: each block value is 64 bits; rows go to the
** child, dim items per row, with the block's item validity. */
static void test_fixed_size_list(void **state) {
  (void)state;
  lf_field item, fl, *kids[1] = {&item};
  fld(&item, "item", LF_T_FLOAT32);
  fld(&fl, "vec", LF_T_FIXED_LIST);
  fl.fixed_size = 2;
  fl.children = kids;
  fl.n_children = 1;
  float src[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  lf_block b = fixed_block(src, 4, 64);
  lf_array a;
  lf_array_init(&a, &fl);
  lf_error err = {0};
  a.length = 1; /* row 1 onward: child items 2.. */
  assert_int_equal(lf_append_values(&a, &b, 1, 2, &err), LF_OK);
  lf_array *c = &a.children[0];
  assert_true(c->length == 6);
  float got[4];
  memcpy(got, c->values + 8, 16);
  assert_true(got[0] == 2 && got[1] == 3 && got[2] == 4 && got[3] == 5);
  assert_true(c->null_count == 0);
  lf_array_finish(&a);
  for (int i = 2; i < 6; i++) assert_false(lf_array_is_null(c, i));
  /* with item validity (n * dim bytes) */
  uint8_t valid[8] = {1, 1, 1, 0, 0, 1, 1, 1};
  b.valid = valid;
  b.dim = 2;
  a.length = 0;
  c->length = 0;
  assert_int_equal(lf_append_values(&a, &b, 1, 2, &err), LF_OK);
  assert_true(c->length == 4);
  assert_memory_equal(c->valid_buf, valid + 2, 4);
  assert_true(c->null_count == 2);
  /* items without validity first, then items with nulls: the earlier items
  ** read as valid (their validity is only written once a null appears) */
  b.valid = NULL;
  a.length = 0;
  c->length = 0;
  c->null_count = 0;
  assert_int_equal(lf_append_values(&a, &b, 0, 2, &err), LF_OK);
  a.length = 2; /* callers advance the list's own length */
  b.valid = valid;
  assert_int_equal(lf_append_values(&a, &b, 1, 2, &err), LF_OK);
  assert_true(c->length == 8 && c->null_count == 2);
  lf_array_finish(&a);
  for (int i = 0; i < 4; i++) assert_false(lf_array_is_null(c, i));
  assert_memory_equal(c->valid + 4, valid + 2, 4);
  /* and then null slots (lf_array_append_nulls on the list) */
  b.valid = NULL;
  a.length = 0;
  c->length = 0;
  c->null_count = 0;
  assert_int_equal(lf_append_values(&a, &b, 0, 1, &err), LF_OK);
  a.length = 1;
  assert_int_equal(lf_array_append_nulls(&a, 1), LF_OK);
  assert_true(c->length == 4 && c->null_count == 2);
  lf_array_finish(&a);
  assert_false(lf_array_is_null(c, 0) || lf_array_is_null(c, 1));
  assert_true(lf_array_is_null(c, 2) && lf_array_is_null(c, 3));
  lf_array_reset(&a);
}

/* fixed_size_list<bool, 3>: 3-bit values, item bits unpacked in order. */
static void test_fixed_size_list_bool(void **state) {
  (void)state;
  lf_field item, fl, *kids[1] = {&item};
  fld(&item, "item", LF_T_BOOL);
  fld(&fl, "flags", LF_T_FIXED_LIST);
  fl.fixed_size = 3;
  fl.children = kids;
  fl.n_children = 1;
  const uint8_t bits[2] = {0xb5, 0x01}; /* items 1,0,1 | 0,1,1 | 0,1,1 */
  lf_block b = fixed_block(bits, 3, 3);
  lf_array a;
  lf_array_init(&a, &fl);
  assert_int_equal(lf_append_values(&a, &b, 1, 2, NULL), LF_OK);
  const uint8_t want[6] = {0, 1, 1, 0, 1, 1};
  assert_memory_equal(a.children[0].values, want, 6);
  lf_array_reset(&a);
}

static void test_fixed_size_list_errors(void **state) {
  (void)state;
  lf_field item, fl, *kids[1] = {&item};
  fld(&item, "item", LF_T_FLOAT32);
  fld(&fl, "vec", LF_T_FIXED_LIST);
  fl.fixed_size = 2;
  fl.children = kids;
  fl.n_children = 1;
  float src[8] = {0};
  lf_block b = fixed_block(src, 2, 96); /* 3 floats per value for dim 2 */
  lf_array a;
  lf_array_init(&a, &fl);
  lf_error err = {0};
  assert_int_equal(lf_append_values(&a, &b, 0, 2, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "96-bit values for fixed_size_list[2]"));
  lf_array_reset(&a);
  fld(&item, "item", LF_T_UTF8);
  lf_array_init(&a, &fl);
  b = fixed_block(src, 2, 64);
  assert_int_equal(lf_append_values(&a, &b, 0, 2, &err), LF_UNSUPPORTED);
  lf_array_reset(&a);
}

static void test_null_and_unsupported_leaves(void **state) {
  (void)state;
  lf_field fn, fst;
  fld(&fn, "n", LF_T_NULL);
  fld(&fst, "lst", LF_T_LIST); /* a list is never a leaf */
  lf_block e = {0};
  e.kind = LF_BLK_EMPTY;
  e.n = 2;
  lf_array a;
  lf_array_init(&a, &fn);
  assert_int_equal(lf_append_values(&a, &e, 0, 2, NULL), LF_OK);
  assert_null(a.values);
  lf_array_reset(&a);
  lf_array_init(&a, &fst);
  lf_error err = {0};
  assert_int_equal(lf_append_values(&a, &e, 0, 2, &err), LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "reading list leaves"));
  lf_array_reset(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bool_bitmap_odd_offsets),
      cmocka_unit_test(test_bool_bytes),
      cmocka_unit_test(test_fixed_width_copies),
      cmocka_unit_test(test_width_mismatch),
      cmocka_unit_test(test_kind_mismatch),
      cmocka_unit_test(test_variable_rebase),
      cmocka_unit_test(test_empty_blocks),
      cmocka_unit_test(test_block_too_small),
      cmocka_unit_test(test_fixed_size_list),
      cmocka_unit_test(test_fixed_size_list_bool),
      cmocka_unit_test(test_fixed_size_list_errors),
      cmocka_unit_test(test_null_and_unsupported_leaves),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
