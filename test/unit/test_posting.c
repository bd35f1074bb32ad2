/* test_posting.c: the FTS block decoders (format/index/posting.c): 4- and
** 8-lane bitpacked groups against a reference packer written here from the
** layout (value k in lane k % L, each lane LSB-first), varints, posting
** blocks of 128 and 256 documents and their tails, position blocks, and
** their failures on corrupt bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

/* ---- reference encoders ------------------------------------------------------ */

static void pack(unsigned lanes, unsigned bits, const uint32_t *v, uint8_t *out) {
  memset(out, 0, (size_t)4 * lanes * bits);
  for (unsigned k = 0; k < 32 * lanes; k++) {
    unsigned lane = k % lanes, i = k / lanes;
    for (unsigned b = 0; b < bits; b++) {
      if (!((v[k] >> b) & 1)) continue;
      unsigned p = i * bits + b, word = p / 32, bit = p % 32;
      out[4 * (word * lanes + lane) + bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
  }
}

static size_t put_varint(uint8_t *p, uint32_t v) {
  size_t n = 0;
  while (v >= 0x80) p[n++] = (uint8_t)(v | 0x80), v >>= 7;
  p[n++] = (uint8_t)v;
  return n;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); } /* little-endian hosts */

static uint32_t rnd_state = 12345;
static uint32_t rnd(void) {
  rnd_state = rnd_state * 1103515245u + 12345u;
  return rnd_state >> 1;
}

static uint32_t mask_of(unsigned bits) { return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1; }

/* ---- bitpacked groups -------------------------------------------------------------- */

static void test_unpack_all_widths(void **state) {
  (void)state;
  uint32_t in[256], out[256];
  uint8_t buf[4 * 8 * 32];
  for (unsigned lanes = 4; lanes <= 8; lanes += 4)
    for (unsigned bits = 0; bits <= 32; bits++) {
      for (unsigned k = 0; k < 32 * lanes; k++) in[k] = rnd() & mask_of(bits);
      if (bits) in[3] = mask_of(bits); /* the widest value */
      pack(lanes, bits, in, buf);
      lf_bp_unpack(lanes, bits, buf, out);
      assert_memory_equal(in, out, 32 * lanes * 4);
    }
}

static void test_unpack_sorted(void **state) {
  (void)state;
  uint32_t v[128], d[128], out[128];
  uint8_t buf[16 * 32];
  v[0] = 1000;
  for (int k = 1; k < 128; k++) v[k] = v[k - 1] + 1 + (uint32_t)(rnd() % 300);
  for (int k = 0; k < 128; k++) d[k] = k ? v[k] - v[k - 1] : 0; /* the first against itself */
  pack(4, 9, d, buf);
  lf_bp_unpack_sorted(4, 9, v[0], buf, out);
  assert_memory_equal(v, out, sizeof v);
}

static void test_varint(void **state) {
  (void)state;
  const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0x0f}, over[] = {0xff, 0xff, 0xff, 0xff, 0x1f},
                six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, cut[] = {0x80, 0x80};
  uint32_t v;
  size_t off = 0;
  assert_int_equal(lf_varint_u32(max, 5, &off, &v), 0);
  assert_true(v == 0xFFFFFFFFu && off == 5);
  off = 0;
  assert_int_equal(lf_varint_u32(over, 5, &off, &v), -1); /* bits past 32 */
  off = 0;
  assert_int_equal(lf_varint_u32(six, 6, &off, &v), -1);  /* more than 5 bytes */
  off = 0;
  assert_int_equal(lf_varint_u32(cut, 2, &off, &v), -1);  /* truncated */
  uint8_t b[5];
  for (uint32_t x = 0; x < 100000; x += 37) {
    size_t n = put_varint(b, x);
    off = 0;
    assert_int_equal(lf_varint_u32(b, n, &off, &v), 0);
    assert_true(v == x && off == n);
  }
}

/* ---- posting blocks ------------------------------------------------------------------ */

static const lf_posting_fmt F128 = {128, 1}, F256 = {256, 1}, F128_FIXED = {128, 0};

/* A full 128-document block: [f32 max][u32 first][u8 B][ids][u8 B'][freqs]. */
static size_t block128(uint8_t *b, const uint32_t *docs, const uint32_t *freqs, float maxs) {
  uint32_t d[128];
  memcpy(b, &maxs, 4);
  put32(b + 4, docs[0]);
  for (int k = 0; k < 128; k++) d[k] = k ? docs[k] - docs[k - 1] : 0;
  unsigned bits = 0, fb = 0;
  for (int k = 0; k < 128; k++) {
    while (d[k] > mask_of(bits)) bits++;
    while (freqs[k] > mask_of(fb)) fb++;
  }
  size_t n = 8;
  b[n++] = (uint8_t)bits;
  pack(4, bits, d, b + n);
  n += 16 * bits;
  b[n++] = (uint8_t)fb;
  pack(4, fb, freqs, b + n);
  return n + 16 * fb;
}

static void make_docs(uint32_t *docs, uint32_t *freqs, int n, uint32_t first) {
  for (int k = 0; k < n; k++) {
    docs[k] = k ? docs[k - 1] + 1 + (uint32_t)(rnd() % 50) : first;
    freqs[k] = 1 + (uint32_t)(rnd() % 20);
  }
}

static void test_full_block_128(void **state) {
  (void)state;
  uint32_t docs[128], freqs[128], od[128], of[128];
  uint8_t b[2000];
  make_docs(docs, freqs, 128, 77);
  freqs[100] = 100000; /* a wide frequency */
  size_t n = block128(b, docs, freqs, 3.5f);
  float m;
  lf_error err;
  assert_int_equal(lf_posting_block(&F128, b, n, 128, od, of, &m, &err), LF_OK);
  assert_memory_equal(docs, od, sizeof docs);
  assert_memory_equal(freqs, of, sizeof freqs);
  assert_true(m == 3.5f);
  /* every truncation and one trailing byte are corrupt */
  for (size_t len = 0; len < n; len++)
    assert_int_equal(lf_posting_block(&F128, b, len, 128, od, of, &m, &err), LF_CORRUPT);
  assert_int_equal(lf_posting_block(&F128, b, n + 1, 128, od, of, &m, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "bytes left"));
  /* a width over 32 */
  uint8_t saved = b[8];
  b[8] = 33;
  assert_int_equal(lf_posting_block(&F128, b, n, 128, od, of, &m, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "over 32"));
  b[8] = saved;
  /* doc ids that do not ascend: a zero difference */
  memcpy(od, docs, sizeof od);
  od[60] = od[59];
  n = block128(b, od, freqs, 1);
  assert_int_equal(lf_posting_block(&F128, b, n, 128, od, of, &m, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "ascend"));
}

/* A 256-document block: [u32 first][u8 B][ids, 8 lanes][u8 W][u8 E][low W bits][E x
** (u8 index, varint high)]. */
static void test_full_block_256(void **state) {
  (void)state;
  uint32_t docs[256], freqs[256], d[256], low[256], od[256], of[256];
  uint8_t b[4000];
  make_docs(docs, freqs, 256, 5);
  for (int k = 0; k < 256; k++) freqs[k] &= 7;
  freqs[0] = 1 + 8 * 1000, freqs[200] = 3 + 8 * 70000; /* exceptions above W = 3 bits */
  for (int k = 0; k < 256; k++) d[k] = k ? docs[k] - docs[k - 1] : 0, low[k] = freqs[k] & 7;
  size_t n = 0;
  put32(b, docs[0]);
  n = 4;
  b[n++] = 6;
  pack(8, 6, d, b + n);
  n += 32 * 6;
  b[n++] = 3;
  b[n++] = 2;
  pack(8, 3, low, b + n);
  n += 32 * 3;
  b[n++] = 0;
  n += put_varint(b + n, 1000);
  b[n++] = 200;
  n += put_varint(b + n, 70000);
  float m = -1;
  lf_error err;
  assert_int_equal(lf_posting_block(&F256, b, n, 256, od, of, &m, &err), LF_OK);
  assert_memory_equal(docs, od, sizeof docs);
  assert_memory_equal(freqs, of, sizeof freqs);
  assert_true(m == 0); /* 256-document blocks store no max score */
  for (size_t len = 0; len < n; len++)
    assert_int_equal(lf_posting_block(&F256, b, len, 256, od, of, &m, &err), LF_CORRUPT);
  /* an exception pushing a frequency past 32 bits */
  n -= 3;
  n += put_varint(b + n, 0x20000000);
  assert_int_equal(lf_posting_block(&F256, b, n, 256, od, of, &m, &err), LF_CORRUPT);
}

static void test_tail_blocks(void **state) {
  (void)state;
  uint32_t docs[40], freqs[40], od[64], of[64]; /* room for the 41 of a bad count */
  uint8_t b[1000];
  make_docs(docs, freqs, 40, 1u << 30);
  float maxs = 2.25f, m;
  lf_error err;
  /* varint_delta_v1 */
  size_t n = 4;
  memcpy(b, &maxs, 4);
  for (int k = 0; k < 40; k++) n += put_varint(b + n, k ? docs[k] - docs[k - 1] : docs[0]);
  for (int k = 0; k < 40; k++) n += put_varint(b + n, freqs[k]);
  assert_int_equal(lf_posting_block(&F128, b, n, 40, od, of, &m, &err), LF_OK);
  assert_memory_equal(docs, od, sizeof docs);
  assert_memory_equal(freqs, of, sizeof freqs);
  assert_true(m == maxs);
  assert_int_equal(lf_posting_block(&F128, b, n - 1, 40, od, of, &m, &err), LF_CORRUPT);
  assert_int_equal(lf_posting_block(&F128, b, n + 1, 40, od, of, &m, &err), LF_CORRUPT);
  assert_int_equal(lf_posting_block(&F128, b, n, 41, od, of, &m, &err), LF_CORRUPT);
  /* 256-document tails have no max-score prefix */
  assert_int_equal(lf_posting_block(&F256, b + 4, n - 4, 40, od, of, &m, &err), LF_OK);
  assert_memory_equal(docs, od, sizeof docs);
  /* fixed32_v1 */
  memcpy(b + 4, docs, sizeof docs);
  memcpy(b + 4 + sizeof docs, freqs, sizeof freqs);
  assert_int_equal(lf_posting_block(&F128_FIXED, b, 4 + 2 * sizeof docs, 40, od, of, &m, &err), LF_OK);
  assert_memory_equal(freqs, of, sizeof freqs);
  assert_int_equal(lf_posting_block(&F128_FIXED, b, 3 + 2 * sizeof docs, 40, od, of, &m, &err),
                   LF_CORRUPT);
  /* counts outside (0, block size] and other block sizes */
  assert_int_equal(lf_posting_block(&F128, b, n, 0, od, of, &m, &err), LF_CORRUPT);
  assert_int_equal(lf_posting_block(&F128, b, n, 129, od, of, &m, &err), LF_CORRUPT);
  const lf_posting_fmt f64 = {64, 1};
  assert_int_equal(lf_posting_block(&f64, b, n, 10, od, of, &m, &err), LF_UNSUPPORTED);
  /* doc ids overflowing 32 bits */
  n = 4;
  n += put_varint(b + n, 0xFFFFFFF0u);
  n += put_varint(b + n, 0x20);
  n += put_varint(b + n, 1);
  n += put_varint(b + n, 1);
  assert_int_equal(lf_posting_block(&F128, b, n, 2, od, of, &m, &err), LF_CORRUPT);
}

/* ---- position blocks ------------------------------------------------------------------- */

static void test_positions_packed(void **state) {
  (void)state;
  /* three documents: 100, 60 and 3 positions: one group of 128 deltas + 35 varints */
  uint32_t freqs[3] = {100, 60, 3}, pos[163], d[163], out[163];
  uint8_t b[2000];
  for (int k = 0, at = 0; k < 3; k++)
    for (uint32_t j = 0; j < freqs[k]; j++, at++) {
      pos[at] = j ? pos[at - 1] + 1 + (uint32_t)(rnd() % 9) : (uint32_t)(rnd() % 50);
      d[at] = j ? pos[at] - pos[at - 1] : pos[at];
    }
  unsigned bits = 0;
  for (int k = 0; k < 128; k++)
    while (d[k] > mask_of(bits)) bits++;
  size_t n = 0;
  b[n++] = (uint8_t)bits;
  pack(4, bits, d, b + n);
  n += 16 * bits;
  for (int k = 128; k < 163; k++) n += put_varint(b + n, d[k]);
  lf_error err;
  assert_int_equal(lf_position_block(LF_POS_PACKED, b, n, freqs, 3, out, 163, &err), LF_OK);
  assert_memory_equal(pos, out, sizeof pos);
  for (size_t len = 0; len < n; len++)
    assert_int_equal(lf_position_block(LF_POS_PACKED, b, len, freqs, 3, out, 163, &err), LF_CORRUPT);
  assert_int_equal(lf_position_block(LF_POS_PACKED, b, n + 1, freqs, 3, out, 163, &err), LF_CORRUPT);
  assert_int_equal(lf_position_block(LF_POS_PACKED, b, n, freqs, 3, out, 162, &err), LF_CORRUPT);
  /* varint_doc_delta_v2: every delta a varint */
  n = 0;
  for (int k = 0; k < 163; k++) n += put_varint(b + n, d[k]);
  memset(out, 0, sizeof out);
  assert_int_equal(lf_position_block(LF_POS_VARINT, b, n, freqs, 3, out, 163, &err), LF_OK);
  assert_memory_equal(pos, out, sizeof pos);
  /* positions overflowing 32 bits */
  uint32_t f2[1] = {2};
  n = put_varint(b, 0xFFFFFFFFu);
  n += put_varint(b + n, 1);
  assert_int_equal(lf_position_block(LF_POS_VARINT, b, n, f2, 1, out, 2, &err), LF_CORRUPT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unpack_all_widths), cmocka_unit_test(test_unpack_sorted),
      cmocka_unit_test(test_varint),           cmocka_unit_test(test_full_block_128),
      cmocka_unit_test(test_full_block_256),   cmocka_unit_test(test_tail_blocks),
      cmocka_unit_test(test_positions_packed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
