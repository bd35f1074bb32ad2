/* test_pb.c: protobuf wire-format reader (format/pb.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "pbw.h"

/* Each varint length 1..10: the smallest and largest value of that length
** decode and consume exactly that many bytes. */
static void test_varint_lengths(void **state) {
  (void)state;
  for (int len = 1; len <= 10; len++) {
    uint64_t lo = len == 1 ? 0 : (uint64_t)1 << (7 * (len - 1));
    uint64_t hi = len == 10 ? UINT64_MAX : ((uint64_t)1 << (7 * len)) - 1;
    uint64_t vals[2] = {lo, hi};
    for (int k = 0; k < 2; k++) {
      pbw w = {0};
      pbw_varint(&w, vals[k]);
      assert_int_equal(w.n, (size_t)len);
      pbw_byte(&w, 0xAA); /* trailing byte that must not be read */
      const uint8_t *p = w.p;
      uint64_t out = 12345;
      assert_int_equal(lf_pb_varint(&p, w.p + w.n, &out), 0);
      assert_true(out == vals[k]);
      assert_ptr_equal(p, w.p + len);
      pbw_free(&w);
    }
  }
}

static void test_varint_u64_max(void **state) {
  (void)state;
  const uint8_t b[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  const uint8_t *p = b;
  uint64_t v = 0;
  assert_int_equal(lf_pb_varint(&p, b + 10, &v), 0);
  assert_true(v == UINT64_MAX);
  assert_ptr_equal(p, b + 10);
}

/* A 10th byte carrying bits above bit 63 is more than 64 bits: corrupt. */
static void test_varint_65_bits_corrupt(void **state) {
  (void)state;
  const uint8_t b[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  const uint8_t *p = b;
  uint64_t v = 7;
  assert_int_equal(lf_pb_varint(&p, b + 10, &v), -1);
  assert_ptr_equal(p, b);
  assert_true(v == 7);
}

/* 11 bytes (10 continuation bytes, then a terminator): corrupt. */
static void test_varint_overlong_11_bytes(void **state) {
  (void)state;
  uint8_t b[11];
  memset(b, 0x80, 10);
  b[10] = 0x00;
  const uint8_t *p = b;
  uint64_t v = 0;
  assert_int_equal(lf_pb_varint(&p, b + 11, &v), -1);
  assert_ptr_equal(p, b);
  /* while 10 bytes of zero with padding continuation bits are a valid 0 */
  uint8_t c[10];
  memset(c, 0x80, 9);
  c[9] = 0x00;
  p = c;
  v = 9;
  assert_int_equal(lf_pb_varint(&p, c + 10, &v), 0);
  assert_true(v == 0);
  assert_ptr_equal(p, c + 10);
}

static void test_varint_truncated(void **state) {
  (void)state;
  const uint8_t b[3] = {0x80, 0x80, 0x80};
  for (size_t n = 0; n <= 3; n++) {
    const uint8_t *p = b;
    uint64_t v;
    assert_int_equal(lf_pb_varint(&p, b + n, &v), -1);
    assert_ptr_equal(p, b);
  }
}

/* One field of each wire type Lance uses, read back in order. */
static void test_each_wire_type(void **state) {
  (void)state;
  pbw w = {0};
  pbw_u(&w, 1, 300);
  pbw_fixed64(&w, 2, 0x0102030405060708ull);
  pbw_str(&w, 3, "hello");
  pbw_fixed32(&w, 4, 0xdeadbeef);
  pbw_i32(&w, 5, -1);
  pbw_bytes(&w, 536870911, "", 0); /* largest field number, empty payload */
  lf_pb pb;
  lf_pb_field f;
  lf_error err = {0};
  lf_pb_init(&pb, w.p, w.n);

  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 1);
  assert_int_equal(f.num, 1);
  assert_int_equal(f.wire, 0);
  assert_true(f.u == 300);
  assert_null(f.data);

  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 1);
  assert_int_equal(f.num, 2);
  assert_int_equal(f.wire, 1);
  assert_true(f.u == 0x0102030405060708ull);

  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 1);
  assert_int_equal(f.num, 3);
  assert_int_equal(f.wire, 2);
  assert_int_equal(f.len, 5);
  assert_memory_equal(f.data, "hello", 5);

  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 1);
  assert_int_equal(f.num, 4);
  assert_int_equal(f.wire, 5);
  assert_true(f.u == 0xdeadbeef);

  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 1);
  assert_int_equal(f.num, 5);
  assert_true(f.u == UINT64_MAX); /* int32 -1 is 10-byte sign-extended */
  assert_int_equal((int32_t)f.u, -1);

  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 1);
  assert_int_equal(f.num, 536870911);
  assert_int_equal(f.wire, 2);
  assert_int_equal(f.len, 0);

  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 0);
  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), 0);
  assert_int_equal(err.code, LF_OK);
  pbw_free(&w);
}

static void test_empty_message(void **state) {
  (void)state;
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, NULL, 0);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 0);
  const uint8_t b[1] = {0x08};
  lf_pb_init(&pb, b, 0);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 0);
}

static void test_submessage(void **state) {
  (void)state;
  pbw in = {0}, out = {0};
  pbw_u(&in, 7, 99);
  pbw_msg(&out, 1, &in);
  pbw_u(&out, 2, 5);
  lf_pb pb, sub;
  lf_pb_field f, g;
  lf_pb_init(&pb, out.p, out.n);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 1);
  lf_pb_sub(&sub, &f);
  assert_int_equal(lf_pb_next(&sub, &g, "t", NULL), 1);
  assert_int_equal(g.num, 7);
  assert_true(g.u == 99);
  assert_int_equal(lf_pb_next(&sub, &g, "t", NULL), 0);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 1);
  assert_int_equal(f.num, 2);
  pbw_free(&in);
  pbw_free(&out);
}

/* Field 1, wire 2, length 10 with only 3 payload bytes. */
static void test_length_past_end(void **state) {
  (void)state;
  const uint8_t b[5] = {0x0a, 10, 'a', 'b', 'c'};
  lf_pb pb;
  lf_pb_field f;
  lf_error err = {0};
  lf_pb_init(&pb, b, sizeof b);
  assert_int_equal(lf_pb_next(&pb, &f, "thing", &err), -1);
  assert_int_equal(err.code, LF_CORRUPT);
  assert_non_null(strstr(err.msg, "thing"));
  assert_non_null(strstr(err.msg, "length 10"));
  /* one byte short of fitting */
  const uint8_t c[4] = {0x0a, 3, 'a', 'b'};
  lf_pb_init(&pb, c, sizeof c);
  assert_int_equal(lf_pb_next(&pb, &f, "thing", NULL), -1);
  /* and exactly fitting */
  const uint8_t d[3] = {0x0a, 1, 'a'};
  lf_pb_init(&pb, d, sizeof d);
  assert_int_equal(lf_pb_next(&pb, &f, "thing", NULL), 1);
  assert_int_equal(f.len, 1);
}

/* A huge 64-bit length must not wrap the pointer arithmetic. */
static void test_length_huge(void **state) {
  (void)state;
  const uint8_t b[13] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 'x', 'y'};
  lf_pb pb;
  lf_pb_field f;
  lf_error err = {0};
  lf_pb_init(&pb, b, sizeof b);
  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), -1);
  assert_int_equal(err.code, LF_CORRUPT);
}

static void test_field_number_zero(void **state) {
  (void)state;
  const uint8_t b[2] = {0x00, 0x01}; /* key 0: field 0, wire 0 */
  lf_pb pb;
  lf_pb_field f;
  lf_error err = {0};
  lf_pb_init(&pb, b, sizeof b);
  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), -1);
  assert_int_equal(err.code, LF_CORRUPT);
  assert_non_null(strstr(err.msg, "field number 0"));
}

static void test_field_number_too_large(void **state) {
  (void)state;
  pbw w = {0};
  pbw_varint(&w, ((uint64_t)1 << 29) << 3); /* field 2^29 */
  pbw_varint(&w, 1);
  lf_pb pb;
  lf_pb_field f;
  lf_error err = {0};
  lf_pb_init(&pb, w.p, w.n);
  assert_int_equal(lf_pb_next(&pb, &f, "t", &err), -1);
  assert_int_equal(err.code, LF_CORRUPT);
  pbw_free(&w);
}

static void test_groups_rejected(void **state) {
  (void)state;
  for (int wire = 3; wire <= 7; wire++) {
    if (wire == 5) continue;
    uint8_t b[2] = {(uint8_t)(1 << 3 | wire), 0};
    lf_pb pb;
    lf_pb_field f;
    lf_error err = {0};
    lf_pb_init(&pb, b, sizeof b);
    assert_int_equal(lf_pb_next(&pb, &f, "t", &err), -1);
    assert_int_equal(err.code, LF_CORRUPT);
    assert_non_null(strstr(err.msg, "wire type"));
  }
}

static void test_truncated_fields(void **state) {
  (void)state;
  lf_pb pb;
  lf_pb_field f;
  lf_error err;
  /* key alone (varint wanted) */
  const uint8_t a[1] = {0x08};
  /* fixed64 with 7 bytes */
  const uint8_t b[8] = {0x09, 1, 2, 3, 4, 5, 6, 7};
  /* fixed32 with 3 bytes */
  const uint8_t c[4] = {0x0d, 1, 2, 3};
  /* wire 2 with a truncated length varint */
  const uint8_t d[2] = {0x0a, 0x80};
  /* truncated key */
  const uint8_t e[1] = {0x88};
  const uint8_t *msgs[5] = {a, b, c, d, e};
  const size_t lens[5] = {1, 8, 4, 2, 1};
  for (int i = 0; i < 5; i++) {
    memset(&err, 0, sizeof err);
    lf_pb_init(&pb, msgs[i], lens[i]);
    assert_int_equal(lf_pb_next(&pb, &f, "t", &err), -1);
    assert_int_equal(err.code, LF_CORRUPT);
    assert_non_null(strstr(err.msg, "truncated"));
  }
}

static void test_append_u64s_packed(void **state) {
  (void)state;
  uint64_t vals[20];
  for (int i = 0; i < 20; i++) vals[i] = (uint64_t)i * 1000003u + (i == 19 ? UINT64_MAX - 2000000 : 0);
  pbw w = {0};
  pbw_packed(&w, 1, vals, 20);
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, w.p, w.n);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 1);
  uint64_t *arr = NULL;
  size_t n = 0, cap = 0;
  assert_int_equal(lf_pb_append_u64s(&f, &arr, &n, &cap, NULL), LF_OK);
  assert_int_equal(n, 20);
  assert_true(cap >= 20);
  assert_memory_equal(arr, vals, sizeof vals);
  free(arr);
  pbw_free(&w);
}

/* Unpacked (one field per value), packed, unpacked: appended in order. */
static void test_append_u64s_unpacked_and_mixed(void **state) {
  (void)state;
  pbw w = {0};
  pbw_u(&w, 1, 5);
  const uint64_t mid[3] = {6, 0, 1ull << 40};
  pbw_packed(&w, 1, mid, 3);
  pbw_u(&w, 1, UINT64_MAX);
  pbw_packed(&w, 1, NULL, 0); /* empty packed: nothing */
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, w.p, w.n);
  uint64_t *arr = NULL;
  size_t n = 0, cap = 0;
  int r;
  while ((r = lf_pb_next(&pb, &f, "t", NULL)) > 0)
    assert_int_equal(lf_pb_append_u64s(&f, &arr, &n, &cap, NULL), LF_OK);
  assert_int_equal(r, 0);
  const uint64_t want[5] = {5, 6, 0, 1ull << 40, UINT64_MAX};
  assert_int_equal(n, 5);
  assert_memory_equal(arr, want, sizeof want);
  free(arr);
  pbw_free(&w);
}

static void test_append_u64s_errors(void **state) {
  (void)state;
  uint64_t *arr = NULL;
  size_t n = 0, cap = 0;
  lf_error err = {0};
  lf_pb_field f = {0};
  f.num = 3;
  f.wire = 1; /* fixed64: not a repeated varint */
  f.u = 1;
  assert_int_equal(lf_pb_append_u64s(&f, &arr, &n, &cap, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "wire type 1"));
  assert_int_equal(n, 0);
  /* packed payload ending mid-varint: the values before it are appended */
  const uint8_t bad[3] = {0x01, 0x02, 0x80};
  f.wire = 2;
  f.data = bad;
  f.len = sizeof bad;
  memset(&err, 0, sizeof err);
  assert_int_equal(lf_pb_append_u64s(&f, &arr, &n, &cap, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "truncated"));
  assert_int_equal(n, 2);
  free(arr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_varint_lengths),
      cmocka_unit_test(test_varint_u64_max),
      cmocka_unit_test(test_varint_65_bits_corrupt),
      cmocka_unit_test(test_varint_overlong_11_bytes),
      cmocka_unit_test(test_varint_truncated),
      cmocka_unit_test(test_each_wire_type),
      cmocka_unit_test(test_empty_message),
      cmocka_unit_test(test_submessage),
      cmocka_unit_test(test_length_past_end),
      cmocka_unit_test(test_length_huge),
      cmocka_unit_test(test_field_number_zero),
      cmocka_unit_test(test_field_number_too_large),
      cmocka_unit_test(test_groups_rejected),
      cmocka_unit_test(test_truncated_fields),
      cmocka_unit_test(test_append_u64s_packed),
      cmocka_unit_test(test_append_u64s_unpacked_and_mixed),
      cmocka_unit_test(test_append_u64s_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
