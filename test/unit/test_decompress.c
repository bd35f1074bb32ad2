/*
** test_decompress.c: the CompressiveEncoding interpreter (decompress.c) in
** its three contexts, on hand-built encodings and buffers.  Compressed
** buffers are made here with libzstd / liblz4 directly (Lance's framing:
** zstd = u64 LE size + frame, lz4 = u32 LE size + raw block) and bitpacked /
** RLE / BSS buffers with the codec encoders of codec.h.
*/
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
#include "lf_int.h"

/* ---- a tiny protobuf writer ---------------------------------------------- */

typedef struct pbw {
  uint8_t b[8192];
  size_t n;
} pbw;

static void w_varint(pbw *w, uint64_t v) {
  while (v >= 0x80) {
    w->b[w->n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  w->b[w->n++] = (uint8_t)v;
}
static void w_uint(pbw *w, unsigned field, uint64_t v) {
  w_varint(w, (uint64_t)field << 3);
  w_varint(w, v);
}
static void w_bytes(pbw *w, unsigned field, const void *p, size_t len) {
  w_varint(w, (uint64_t)field << 3 | 2);
  w_varint(w, len);
  memcpy(w->b + w->n, p, len);
  w->n += len;
}
static void w_msg(pbw *w, unsigned field, const pbw *m) { w_bytes(w, field, m->b, m->n); }

/* CompressiveEncoding with oneof `kind` holding body m. */
static pbw ce(unsigned kind, const pbw *m) {
  pbw w = {.n = 0};
  w_msg(&w, kind, m);
  return w;
}
static pbw flat(uint64_t bits) {
  pbw m = {.n = 0};
  w_uint(&m, 1, bits);
  return ce(1, &m);
}
static pbw variable(uint64_t offset_bits) {
  pbw off = flat(offset_bits), m = {.n = 0};
  w_msg(&m, 1, &off);
  return ce(2, &m);
}
static pbw fsl(uint64_t k, int validity, const pbw *child) {
  pbw m = {.n = 0};
  w_uint(&m, 1, k);
  if (validity) w_uint(&m, 3, 1);
  w_msg(&m, 2, child);
  return ce(11, &m);
}
static pbw general(int scheme, const pbw *child) {
  pbw bc = {.n = 0}, m = {.n = 0};
  w_uint(&bc, 1, (uint64_t)scheme);
  w_msg(&m, 1, &bc);
  w_msg(&m, 3, child);
  return ce(10, &m);
}
static pbw one_uint(unsigned kind, uint64_t v) {
  pbw m = {.n = 0};
  w_uint(&m, 1, v);
  return ce(kind, &m);
}

static void le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Lance's zstd / lz4 framing, made with the libraries directly. */
static size_t make_zstd(const void *src, size_t n, uint8_t *out, size_t cap) {
  le64(out, n);
  size_t z = ZSTD_compress(out + 8, cap - 8, src, n, 3);
  assert_false(ZSTD_isError(z));
  return z + 8;
}
static size_t make_lz4(const void *src, size_t n, uint8_t *out, size_t cap) {
  le32(out, (uint32_t)n);
  int z = LZ4_compress_default(src, (char *)out + 4, (int)n, (int)cap - 4);
  assert_true(z > 0);
  return (size_t)z + 4;
}

static int mb(const pbw *e, const lf_bufview *bufs, int nbuf, uint64_t n, lf_block *out,
              lf_error *err) {
  return lf_decompress_miniblock(e->b, e->n, bufs, nbuf, n, out, err);
}
static int blk(const pbw *e, const void *p, uint64_t len, uint64_t n, lf_block *out,
               lf_error *err) {
  return lf_decompress_block(e->b, e->n, (lf_bufview){p, len}, n, out, err);
}

/* ---- flat ---------------------------------------------------------------- */

static void test_flat_widths(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t buf[64];
  for (int i = 0; i < 64; i++) buf[i] = (uint8_t)(i * 7 + 1);
  static const unsigned widths[] = {64, 32, 8};
  for (int k = 0; k < 3; k++) {
    pbw e = flat(widths[k]);
    uint64_t n = 48 * 8 / widths[k];
    lf_bufview v = {buf, 48};
    assert_int_equal(mb(&e, &v, 1, n, &b, &err), LF_OK);
    assert_int_equal(b.kind, LF_BLK_FIXED);
    assert_int_equal(b.bits, widths[k]);
    assert_int_equal(b.n, n);
    assert_int_equal(b.data_len, 48);
    assert_memory_equal(b.data, buf, 48);
    assert_ptr_not_equal(b.data, buf); /* owned copy */
    assert_int_equal(blk(&e, buf, 64, n, &b, &err), LF_OK);
    assert_memory_equal(b.data, buf, 48);
  }
  lf_block_reset(&b);
}

static void test_flat_booleans(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t bits[2] = {0xA5, 0x03}; /* 10 booleans, LSB first */
  pbw e = flat(1);
  lf_bufview v = {bits, 2};
  assert_int_equal(mb(&e, &v, 1, 10, &b, &err), LF_OK);
  assert_int_equal(b.bits, 1);
  assert_int_equal(b.data_len, 2);
  assert_int_equal(b.data[0], 0xA5);
  assert_int_equal(b.data[1] & 3, 3);
  /* 17 booleans need 3 bytes */
  assert_int_equal(mb(&e, &v, 1, 17, &b, &err), LF_CORRUPT);
  lf_block_reset(&b);
}

static void test_flat_truncated(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t buf[15] = {0};
  pbw e = flat(64);
  lf_bufview v = {buf, 15};
  assert_int_equal(mb(&e, &v, 1, 2, &b, &err), LF_CORRUPT);
  assert_int_equal(err.code, LF_CORRUPT);
  assert_int_equal(blk(&e, buf, 15, 2, &b, &err), LF_CORRUPT);
  /* wrong buffer count */
  lf_bufview two[2] = {{buf, 15}, {buf, 15}};
  assert_int_equal(mb(&e, two, 2, 1, &b, &err), LF_CORRUPT);
  /* zero bits per value */
  pbw z = flat(0);
  assert_int_equal(mb(&z, &v, 1, 1, &b, &err), LF_CORRUPT);
  assert_null(b.data);
}

/* ---- variable ------------------------------------------------------------ */

static void test_variable_miniblock32(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t buf[24];
  memset(buf, 72, sizeof buf); /* Lance pads with 72 */
  /* 3 values "a", "bc", "": offsets absolute within the chunk buffer */
  le32(buf, 16), le32(buf + 4, 17), le32(buf + 8, 19), le32(buf + 12, 19);
  memcpy(buf + 16, "abc", 3);
  pbw e = variable(32);
  lf_bufview v = {buf, 24};
  assert_int_equal(mb(&e, &v, 1, 3, &b, &err), LF_OK);
  assert_int_equal(b.kind, LF_BLK_VARIABLE);
  assert_int_equal(b.n, 3);
  assert_int_equal(b.offsets[0], 0);
  assert_int_equal(b.offsets[1], 1);
  assert_int_equal(b.offsets[2], 3);
  assert_int_equal(b.offsets[3], 3);
  assert_int_equal(b.data_len, 3);
  assert_memory_equal(b.data, "abc", 3);
  /* fewer values than the chunk holds: only those are returned */
  assert_int_equal(mb(&e, &v, 1, 2, &b, &err), LF_OK);
  assert_int_equal(b.offsets[2], 3);
  /* an offset past the buffer */
  le32(buf + 12, 25);
  assert_int_equal(mb(&e, &v, 1, 3, &b, &err), LF_CORRUPT);
  /* offsets going backwards */
  le32(buf + 12, 18), le32(buf + 8, 19);
  assert_int_equal(mb(&e, &v, 1, 3, &b, &err), LF_CORRUPT);
  /* more offsets than bytes */
  assert_int_equal(mb(&e, &v, 1, 6, &b, &err), LF_CORRUPT);
  lf_block_reset(&b);
}

static void test_variable_miniblock64(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t buf[32] = {0};
  le64(buf, 16), le64(buf + 8, 21);
  memcpy(buf + 16, "hello", 5);
  pbw e = variable(64);
  lf_bufview v = {buf, 24};
  assert_int_equal(mb(&e, &v, 1, 1, &b, &err), LF_OK);
  assert_int_equal(b.offsets[1], 5);
  assert_memory_equal(b.data, "hello", 5);
  pbw bad = variable(16);
  assert_int_equal(mb(&bad, &v, 1, 1, &b, &err), LF_CORRUPT);
  lf_block_reset(&b);
}

/* [u32 32][u32 bytes_start][offsets][bytes] and the old [u8 32][u32 n][u32 start] */
static void test_variable_block(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t buf[64] = {0};
  le32(buf, 32), le32(buf + 4, 8 + 3 * 4);
  le32(buf + 8, 0), le32(buf + 12, 3), le32(buf + 16, 7);
  memcpy(buf + 20, "onetwo!", 7);
  pbw e = variable(32);
  assert_int_equal(blk(&e, buf, 27, 2, &b, &err), LF_OK);
  assert_int_equal(b.kind, LF_BLK_VARIABLE);
  assert_int_equal(b.offsets[1], 3);
  assert_int_equal(b.offsets[2], 7);
  assert_memory_equal(b.data, "onetwo!", 7);
  assert_int_equal(blk(&e, buf, 26, 2, &b, &err), LF_CORRUPT); /* last byte missing */
  assert_int_equal(blk(&e, buf, 27, 3, &b, &err), LF_CORRUPT); /* 4 offsets don't fit */

  uint8_t old[64] = {0};
  old[0] = 32;
  le32(old + 1, 2), le32(old + 5, 9 + 12);
  le32(old + 9, 0), le32(old + 13, 2), le32(old + 17, 4);
  memcpy(old + 21, "abcd", 4);
  assert_int_equal(blk(&e, old, 25, 2, &b, &err), LF_OK);
  assert_int_equal(b.offsets[2], 4);
  assert_memory_equal(b.data, "abcd", 4);

  uint8_t w64[64] = {0};
  le32(w64, 64), le64(w64 + 8, 16 + 16);
  le64(w64 + 16, 0), le64(w64 + 24, 2);
  memcpy(w64 + 32, "xy", 2);
  assert_int_equal(blk(&e, w64, 34, 1, &b, &err), LF_OK);
  assert_memory_equal(b.data, "xy", 2);
  lf_block_reset(&b);
}

/* ---- fixed-size list ----------------------------------------------------- */

static void test_fsl(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  float f[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  pbw item = flat(32), e = fsl(4, 0, &item);
  lf_bufview v = {(const uint8_t *)f, sizeof f};
  assert_int_equal(mb(&e, &v, 1, 2, &b, &err), LF_OK);
  assert_int_equal(b.kind, LF_BLK_FIXED);
  assert_int_equal(b.bits, 128);
  assert_int_equal(b.n, 2);
  assert_memory_equal(b.data, f, sizeof f);
  assert_null(b.valid);
  assert_int_equal(mb(&e, &v, 1, 3, &b, &err), LF_CORRUPT);

  /* nullable items: validity bitmap buffer first, then the items */
  pbw ev = fsl(4, 1, &item);
  uint8_t bm[1] = {0xB7}; /* items 0..7: 1,1,1,0,1,1,0,1 */
  lf_bufview two[2] = {{bm, 1}, {(const uint8_t *)f, sizeof f}};
  assert_int_equal(mb(&ev, two, 2, 2, &b, &err), LF_OK);
  assert_non_null(b.valid);
  assert_int_equal(b.dim, 4);
  static const uint8_t want[8] = {1, 1, 1, 0, 1, 1, 0, 1};
  assert_memory_equal(b.valid, want, 8);
  assert_int_equal(mb(&ev, two, 1, 2, &b, &err), LF_CORRUPT);
  lf_block_reset(&b);
}

/* ---- general (zstd / lz4) ------------------------------------------------ */

static void test_general_zstd_miniblock(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint64_t vals[512];
  for (int i = 0; i < 512; i++) vals[i] = (uint64_t)(i % 13) * 1000003u;
  uint8_t z[8192];
  size_t zn = make_zstd(vals, sizeof vals, z, sizeof z);
  pbw inner = flat(64), e = general(2, &inner);
  lf_bufview v = {z, zn};
  assert_int_equal(mb(&e, &v, 1, 512, &b, &err), LF_OK);
  assert_int_equal(b.bits, 64);
  assert_int_equal(b.n, 512);
  assert_memory_equal(b.data, vals, sizeof vals);
  /* truncated frame */
  v.len = zn - 5;
  assert_int_not_equal(mb(&e, &v, 1, 512, &b, &err), LF_OK);
  /* unknown scheme */
  pbw e3 = general(3, &inner);
  v.len = zn;
  assert_int_equal(mb(&e3, &v, 1, 512, &b, &err), LF_UNSUPPORTED);
  lf_block_reset(&b);
}

/* The dictionary of a 2.2 string column: General{LZ4, Variable{Flat 32}}. */
static void test_general_lz4_block_variable(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t raw[64] = {0};
  le32(raw, 32), le32(raw + 4, 8 + 4 * 4);
  le32(raw + 8, 0), le32(raw + 12, 3), le32(raw + 16, 8), le32(raw + 20, 12);
  memcpy(raw + 24, "redgreenblue", 12);
  uint8_t z[256];
  size_t zn = make_lz4(raw, 36, z, sizeof z);
  pbw inner = variable(32), e = general(1, &inner);
  assert_int_equal(blk(&e, z, zn, 3, &b, &err), LF_OK);
  assert_int_equal(b.kind, LF_BLK_VARIABLE);
  assert_int_equal(b.n, 3);
  assert_int_equal(b.offsets[3] - b.offsets[2], 4);
  assert_memory_equal(b.data + b.offsets[1], "green", 5);
  lf_block_reset(&b);
}

/* ---- bitpacking ---------------------------------------------------------- */

static void test_inline_bitpacking(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint32_t vals[700];
  for (int i = 0; i < 700; i++) vals[i] = (uint32_t)(i * 37 % 1000);
  uint8_t chunk[LF_INLINE_BITPACK_MAX_BYTES(32)];
  size_t cn = 0;
  assert_int_equal(lf_inline_bitpack_encode(32, vals, 700, chunk, sizeof chunk, &cn, &err),
                   LF_OK);
  pbw e = one_uint(5, 32);
  lf_bufview v = {chunk, cn};
  assert_int_equal(mb(&e, &v, 1, 700, &b, &err), LF_OK);
  assert_int_equal(b.bits, 32);
  assert_int_equal(b.n, 700);
  assert_memory_equal(b.data, vals, sizeof vals);
  assert_int_equal(blk(&e, chunk, cn, 700, &b, &err), LF_OK);
  assert_memory_equal(b.data, vals, sizeof vals);
  assert_int_equal(mb(&e, &v, 1, 1025, &b, &err), LF_CORRUPT);
  v.len = 10; /* width word + a fraction of the block */
  assert_int_not_equal(mb(&e, &v, 1, 700, &b, &err), LF_OK);
  pbw odd = one_uint(5, 12);
  assert_int_equal(mb(&odd, &v, 1, 700, &b, &err), LF_CORRUPT);
  lf_block_reset(&b);
}

/* List levels: OutOfLineBitpacking{16, Flat{bw}} over a whole buffer. */
static void test_out_of_line_bitpacking(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint16_t lv[2100];
  for (int i = 0; i < 2100; i++) lv[i] = (uint16_t)(i % 3);
  uint8_t *packed = NULL;
  size_t pn = 0;
  assert_int_equal(lf_ool_bitpack_encode(16, 2, lv, 2100, &packed, &pn, &err), LF_OK);
  pbw bw = flat(2), m = {.n = 0};
  w_uint(&m, 1, 16);
  w_msg(&m, 3, &bw);
  pbw e = ce(4, &m);
  assert_int_equal(blk(&e, packed, pn, 2100, &b, &err), LF_OK);
  assert_int_equal(b.bits, 16);
  assert_int_equal(b.n, 2100);
  assert_memory_equal(b.data, lv, sizeof lv);
  assert_int_not_equal(blk(&e, packed, pn / 2, 2100, &b, &err), LF_OK);
  /* not valid in a mini-block */
  lf_bufview v = {packed, pn};
  assert_int_equal(mb(&e, &v, 1, 2100, &b, &err), LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "out_of_line_bitpacking"));
  free(packed);
  lf_block_reset(&b);
}

/* ---- rle, constant, byte-stream-split, packed struct --------------------- */

static pbw rle_enc(uint64_t bits) {
  pbw v = flat(bits), l = flat(8), m = {.n = 0};
  w_msg(&m, 1, &v);
  w_msg(&m, 2, &l);
  return ce(8, &m);
}

static void test_rle(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  int32_t vals[600];
  for (int i = 0; i < 600; i++) vals[i] = i < 300 ? 7 : (i < 301 ? -1 : 42);
  uint8_t *rv = NULL, *rl = NULL;
  size_t rvn = 0, rln = 0;
  assert_int_equal(lf_rle_encode(32, vals, 600, &rv, &rvn, &rl, &rln, &err), LF_OK);
  pbw e = rle_enc(32);
  lf_bufview two[2] = {{rv, rvn}, {rl, rln}};
  assert_int_equal(mb(&e, two, 2, 600, &b, &err), LF_OK);
  assert_int_equal(b.bits, 32);
  assert_memory_equal(b.data, vals, sizeof vals);
  assert_int_equal(mb(&e, two, 1, 600, &b, &err), LF_CORRUPT);
  assert_int_not_equal(mb(&e, two, 2, 601, &b, &err), LF_OK);
  /* block frame: [u64 values bytes][values][lengths] */
  uint8_t frame[256];
  le64(frame, rvn);
  memcpy(frame + 8, rv, rvn);
  memcpy(frame + 8 + rvn, rl, rln);
  assert_int_equal(blk(&e, frame, 8 + rvn + rln, 600, &b, &err), LF_OK);
  assert_memory_equal(b.data, vals, sizeof vals);
  le64(frame, 1000);
  assert_int_equal(blk(&e, frame, 8 + rvn + rln, 600, &b, &err), LF_CORRUPT);
  pbw l16 = rle_enc(32);
  (void)l16;
  free(rv);
  free(rl);
  lf_block_reset(&b);
}

/* Rle{values, run_lengths} with arbitrary child encodings. */
static pbw rle_of(const pbw *values, const pbw *lengths) {
  pbw m = {.n = 0};
  w_msg(&m, 1, values);
  w_msg(&m, 2, lengths);
  return ce(8, &m);
}
static pbw ool(uint64_t bits, uint64_t bw) {
  pbw f = flat(bw), m = {.n = 0};
  w_uint(&m, 1, bits);
  w_msg(&m, 3, &f);
  return ce(4, &m);
}

/* 2.3 writers compress an Rle's children: out-of-line bitpacking of the
** chunk's entries (the other child gives the run count) or a zstd/lz4 frame
** around Flat or bitpacking (rle.rs RleChildDecompressor). */
static void test_rle_children(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  int32_t vals[1500];
  for (int i = 0; i < 1500; i++) vals[i] = (i / 7) % 5 - 2 + (i >= 1400 ? 100 : 0);
  uint8_t *rv = NULL, *rl = NULL;
  size_t rvn = 0, rln = 0;
  assert_int_equal(lf_rle_encode(32, vals, 1500, &rv, &rvn, &rl, &rln, &err), LF_OK);
  size_t runs = rvn / 4;
  uint32_t rv32[256];
  memcpy(rv32, rv, rvn);
  for (size_t i = 0; i < runs; i++) rv32[i] += 2; /* non-negative: bitpackable */
  for (int i = 0; i < 1500; i++) vals[i] += 2;
  uint8_t *pv = NULL, *pl = NULL;
  size_t pvn = 0, pln = 0;
  assert_int_equal(lf_ool_bitpack_encode(32, 7, rv32, runs, &pv, &pvn, &err), LF_OK);
  assert_int_equal(lf_ool_bitpack_encode(8, 3, rl, runs, &pl, &pln, &err), LF_OK);
  uint8_t zv[4096], zl[1024];
  size_t zvn = make_zstd(rv32, rvn, zv, sizeof zv), zln = make_lz4(pl, pln, zl, sizeof zl);
  pbw f32 = flat(32), f8 = flat(8), o32 = ool(32, 7), o8 = ool(8, 3);
  pbw g32 = general(2, &f32), go8 = general(1, &o8);
  struct { pbw e; lf_bufview v, l; } ok[] = {
      {rle_of(&o32, &f8), {pv, pvn}, {rl, rln}},   /* values bitpacked */
      {rle_of(&f32, &o8), {(const uint8_t *)rv32, rvn}, {pl, pln}}, /* run lengths bitpacked */
      {rle_of(&g32, &o8), {zv, zvn}, {pl, pln}},   /* zstd(Flat) values */
      {rle_of(&g32, &go8), {zv, zvn}, {zl, zln}},  /* lz4(bitpacked) run lengths */
  };
  for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
    lf_bufview two[2] = {ok[k].v, ok[k].l};
    if (mb(&ok[k].e, two, 2, 1500, &b, &err)) fail_msg("case %zu: %s", k, err.msg);
    assert_int_equal(b.bits, 32);
    assert_int_equal(b.n, 1500);
    assert_memory_equal(b.data, vals, sizeof vals);
    /* the block frame takes the same children */
    uint8_t frame[8192];
    le64(frame, ok[k].v.len);
    memcpy(frame + 8, ok[k].v.p, ok[k].v.len);
    memcpy(frame + 8 + ok[k].v.len, ok[k].l.p, ok[k].l.len);
    if (blk(&ok[k].e, frame, 8 + ok[k].v.len + ok[k].l.len, 1500, &b, &err))
      fail_msg("block case %zu: %s", k, err.msg);
    assert_memory_equal(b.data, vals, sizeof vals);
  }
  /* both children need the run count: nothing tells it */
  pbw both = rle_of(&o32, &o8), both2 = rle_of(&o32, &go8);
  lf_bufview pp[2] = {{pv, pvn}, {pl, pln}}, pz[2] = {{pv, pvn}, {zl, zln}};
  assert_int_equal(mb(&both, pp, 2, 1500, &b, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "both need the run count"));
  assert_int_equal(mb(&both2, pz, 2, 1500, &b, &err), LF_CORRUPT);
  /* a bitpacked child shorter than the count needs */
  lf_bufview shortv[2] = {{pv, pvn / 2}, {rl, rln}};
  assert_int_equal(mb(&ok[0].e, shortv, 2, 1500, &b, &err), LF_CORRUPT);
  /* a Flat child that is no whole number of entries */
  lf_bufview odd[2] = {{(const uint8_t *)rv32, rvn - 1}, {pl, pln}};
  assert_int_equal(mb(&ok[1].e, odd, 2, 1500, &b, &err), LF_CORRUPT);
  /* a child encoding Lance never puts under an Rle */
  pbw i32 = one_uint(5, 32), bad = rle_of(&i32, &f8);
  lf_bufview iv[2] = {{(const uint8_t *)rv32, rvn}, {rl, rln}};
  assert_int_equal(mb(&bad, iv, 2, 1500, &b, &err), LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "'rle values' over 'inline_bitpacking'"));
  pbw gg = general(2, &g32), bad2 = rle_of(&gg, &f8);
  assert_int_equal(mb(&bad2, iv, 2, 1500, &b, &err), LF_UNSUPPORTED);
  free(rv);
  free(rl);
  free(pv);
  free(pl);
  lf_block_reset(&b);
}

static void test_constant(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  pbw m = {.n = 0};
  w_bytes(&m, 1, "\x02\x00", 2);
  pbw e = ce(3, &m);
  assert_int_equal(blk(&e, NULL, 0, 5, &b, &err), LF_OK);
  assert_int_equal(b.kind, LF_BLK_FIXED);
  assert_int_equal(b.bits, 16);
  assert_int_equal(b.n, 5);
  for (int i = 0; i < 5; i++) assert_int_equal(b.data[2 * i], 2);
  pbw none = {.n = 0}, en = ce(3, &none);
  assert_int_equal(blk(&en, NULL, 0, 9, &b, &err), LF_OK);
  assert_int_equal(b.kind, LF_BLK_EMPTY);
  assert_int_equal(b.n, 9);
  /* constant is not a mini-block encoding (Rust: todo!) */
  assert_int_equal(mb(&e, NULL, 0, 5, &b, &err), LF_UNSUPPORTED);
  lf_block_reset(&b);
}

static void test_byte_stream_split(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  double d[33];
  for (int i = 0; i < 33; i++) d[i] = i * 1.25 - 3;
  uint8_t split[sizeof d];
  assert_int_equal(lf_bss_encode(64, (const uint8_t *)d, 33, split, sizeof split, &err), LF_OK);
  pbw v = flat(64), m = {.n = 0};
  w_msg(&m, 1, &v);
  pbw e = ce(9, &m);
  lf_bufview bv = {split, sizeof split};
  assert_int_equal(mb(&e, &bv, 1, 33, &b, &err), LF_OK);
  assert_memory_equal(b.data, d, sizeof d);
  /* general(zstd, bss(flat)) as lance-encoding:compression=zstd writes it */
  uint8_t z[1024];
  size_t zn = make_zstd(split, sizeof split, z, sizeof z);
  pbw g = general(2, &e);
  lf_bufview zv = {z, zn};
  assert_int_equal(mb(&g, &zv, 1, 33, &b, &err), LF_OK);
  assert_memory_equal(b.data, d, sizeof d);
  bv.len -= 1;
  assert_int_not_equal(mb(&e, &bv, 1, 33, &b, &err), LF_OK);
  lf_block_reset(&b);
}

static void test_packed_struct(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t rows[24];
  for (int i = 0; i < 24; i++) rows[i] = (uint8_t)i;
  pbw v = flat(96), m = {.n = 0};
  w_uint(&m, 1, 32);
  w_uint(&m, 1, 64);
  w_msg(&m, 2, &v);
  pbw e = ce(12, &m);
  lf_bufview bv = {rows, 24};
  assert_int_equal(mb(&e, &bv, 1, 2, &b, &err), LF_OK);
  assert_int_equal(b.bits, 96);
  assert_memory_equal(b.data, rows, 24);
  pbw v2 = flat(80), m2 = {.n = 0};
  w_uint(&m2, 1, 32);
  w_uint(&m2, 1, 64);
  w_msg(&m2, 2, &v2);
  pbw e2 = ce(12, &m2);
  assert_int_equal(mb(&e2, &bv, 1, 2, &b, &err), LF_CORRUPT);
  lf_block_reset(&b);
}

/* ---- fsst ---------------------------------------------------------------- */

/* A symbol table with two symbols: 0 = "hello", 1 = " world". */
static void make_fsst_table(uint8_t *t) {
  memset(t, 0, LF_FSST_TABLE_BYTES);
  uint64_t hdr = (uint64_t)0x46535354u << 32 | (uint64_t)1 << 24 | 2;
  le64(t, hdr);
  memcpy(t + 8, "hello", 5);
  memcpy(t + 16, " world", 6);
  t[24] = 5;
  t[25] = 6;
}

static void test_fsst_miniblock(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t table[LF_FSST_TABLE_BYTES];
  make_fsst_table(table);
  pbw inner = variable(32), m = {.n = 0};
  w_bytes(&m, 1, table, sizeof table);
  w_msg(&m, 2, &inner);
  pbw e = ce(6, &m);
  /* codes: [0 1] = "hello world", [255 '!' 0] = "!hello" */
  uint8_t buf[24] = {0};
  le32(buf, 12), le32(buf + 4, 14), le32(buf + 8, 17);
  buf[12] = 0, buf[13] = 1, buf[14] = 255, buf[15] = '!', buf[16] = 0;
  lf_bufview v = {buf, 24};
  assert_int_equal(mb(&e, &v, 1, 2, &b, &err), LF_OK);
  assert_int_equal(b.kind, LF_BLK_VARIABLE);
  assert_int_equal(b.offsets[1], 11);
  assert_int_equal(b.offsets[2], 17);
  assert_memory_equal(b.data, "hello world!hello", 17);
  table[7] = 0; /* magic broken */
  pbw m2 = {.n = 0};
  w_bytes(&m2, 1, table, sizeof table);
  w_msg(&m2, 2, &inner);
  pbw e2 = ce(6, &m2);
  assert_int_equal(mb(&e2, &v, 1, 2, &b, &err), LF_CORRUPT);
  lf_block_reset(&b);
}

/* ---- full-zip ------------------------------------------------------------ */

static void test_fullzip(void **state) {
  (void)state;
  lf_block in = {0}, out = {0};
  lf_error err = {0};
  uint64_t bits = 0;
  pbw f32 = flat(32), e = fsl(64, 0, &f32);
  assert_int_equal(lf_fullzip_fixed_bits(e.b, e.n, &bits, &err), LF_OK);
  assert_int_equal(bits, 64 * 32);
  pbw f8 = flat(8), ev = fsl(3, 1, &f8);
  assert_int_equal(lf_fullzip_fixed_bits(ev.b, ev.n, &bits, &err), LF_OK);
  assert_int_equal(bits, 8 + 24);

  /* fsl<u8 nullable>[3]: each row is [validity byte][3 items] */
  in.kind = LF_BLK_FIXED;
  in.n = 2;
  in.bits = 32;
  in.data_len = 8;
  in.data = malloc(8);
  memcpy(in.data, "\x05" "abc" "\x07" "def", 8);
  assert_int_equal(lf_decompress_fullzip(ev.b, ev.n, &in, &out, &err), LF_OK);
  assert_null(in.data);
  assert_int_equal(out.bits, 24);
  assert_int_equal(out.dim, 3);
  assert_memory_equal(out.data, "abcdef", 6);
  static const uint8_t want[6] = {1, 0, 1, 1, 1, 1};
  assert_memory_equal(out.valid, want, 6);

  /* variable: moved, not copied */
  pbw var = variable(32);
  in = (lf_block){0};
  in.kind = LF_BLK_VARIABLE;
  in.n = 2;
  in.data = malloc(8);
  memcpy(in.data, "xyzw", 4);
  in.data_len = 4;
  in.offsets = malloc(3 * 8);
  in.offsets[0] = 0, in.offsets[1] = 1, in.offsets[2] = 4;
  uint8_t *moved = in.data;
  assert_int_equal(lf_decompress_fullzip(var.b, var.n, &in, &out, &err), LF_OK);
  assert_ptr_equal(out.data, moved);

  /* general(zstd): one frame per value */
  static const char *strs[2] = {"first value, somewhat repetitive repetitive", "2nd"};
  in = (lf_block){0};
  in.kind = LF_BLK_VARIABLE;
  in.n = 2;
  in.data = malloc(512);
  in.offsets = malloc(3 * 8);
  in.offsets[0] = 0;
  for (int i = 0; i < 2; i++) {
    size_t zn = make_zstd(strs[i], strlen(strs[i]), in.data + in.data_len, 256);
    in.data_len += zn;
    in.offsets[i + 1] = in.data_len;
  }
  pbw g = general(2, &var);
  assert_int_equal(lf_decompress_fullzip(g.b, g.n, &in, &out, &err), LF_OK);
  assert_int_equal(out.n, 2);
  assert_int_equal(out.offsets[1], strlen(strs[0]));
  assert_memory_equal(out.data + out.offsets[1], "2nd", 3);

  /* one value at a time */
  uint8_t z[256], *v = NULL;
  uint64_t vl = 0;
  size_t zn = make_lz4(strs[0], strlen(strs[0]), z, sizeof z);
  pbw g4 = general(1, &var);
  assert_int_equal(lf_decompress_fullzip_value(g4.b, g4.n, z, zn, &v, &vl, &err), LF_OK);
  assert_int_equal(vl, strlen(strs[0]));
  assert_memory_equal(v, strs[0], vl);
  free(v);
  assert_int_not_equal(lf_decompress_fullzip_value(g4.b, g4.n, z, 3, &v, &vl, &err), LF_OK);

  /* inline bitpacking is not a full-zip encoding */
  pbw ib = one_uint(5, 32);
  assert_int_equal(lf_fullzip_fixed_bits(ib.b, ib.n, &bits, &err), LF_UNSUPPORTED);
  in = (lf_block){0};
  assert_int_equal(lf_decompress_fullzip(ib.b, ib.n, &in, &out, &err), LF_UNSUPPORTED);
  lf_block_reset(&out);
}

/* ---- bad encodings ------------------------------------------------------- */

static void test_bad_encodings(void **state) {
  (void)state;
  lf_block b = {0};
  lf_error err = {0};
  uint8_t buf[16] = {0};
  lf_bufview v = {buf, 16};
  pbw empty = {.n = 0};
  assert_int_equal(mb(&empty, &v, 1, 1, &b, &err), LF_CORRUPT);
  /* unknown oneof member (a newer writer) */
  pbw body = {.n = 0}, unk = ce(20, &body);
  assert_int_equal(mb(&unk, &v, 1, 1, &b, &err), LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "20"));
  /* truncated protobuf */
  pbw f = flat(64);
  f.n -= 1;
  assert_int_equal(mb(&f, &v, 1, 1, &b, &err), LF_CORRUPT);
  /* a oneof member with a varint wire type */
  pbw wv = {.n = 0};
  w_uint(&wv, 1, 64);
  assert_int_equal(mb(&wv, &v, 1, 1, &b, &err), LF_CORRUPT);
  /* variable packed struct is not a mini-block encoding */
  pbw vps = ce(13, &body);
  assert_int_equal(mb(&vps, &v, 1, 1, &b, &err), LF_UNSUPPORTED);
  assert_string_equal(err.msg,
                      "compressive encoding 'variable_packed_struct' is not supported in mini-block");
  /* dictionary as a compressive encoding */
  pbw dict = ce(7, &body);
  assert_int_equal(blk(&dict, buf, 16, 1, &b, &err), LF_UNSUPPORTED);
  /* encodings nested without end */
  pbw deep = flat(8);
  for (int i = 0; i < 20; i++) deep = general(2, &deep);
  assert_int_equal(blk(&deep, buf, 16, 1, &b, &err), LF_CORRUPT);
  /* fsl with a missing child */
  pbw fm = {.n = 0};
  w_uint(&fm, 1, 4);
  pbw fe = ce(11, &fm);
  assert_int_equal(mb(&fe, &v, 1, 1, &b, &err), LF_CORRUPT);
  assert_null(b.data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flat_widths),
      cmocka_unit_test(test_flat_booleans),
      cmocka_unit_test(test_flat_truncated),
      cmocka_unit_test(test_variable_miniblock32),
      cmocka_unit_test(test_variable_miniblock64),
      cmocka_unit_test(test_variable_block),
      cmocka_unit_test(test_fsl),
      cmocka_unit_test(test_general_zstd_miniblock),
      cmocka_unit_test(test_general_lz4_block_variable),
      cmocka_unit_test(test_inline_bitpacking),
      cmocka_unit_test(test_out_of_line_bitpacking),
      cmocka_unit_test(test_rle),
      cmocka_unit_test(test_rle_children),
      cmocka_unit_test(test_constant),
      cmocka_unit_test(test_byte_stream_split),
      cmocka_unit_test(test_packed_struct),
      cmocka_unit_test(test_fsst_miniblock),
      cmocka_unit_test(test_fullzip),
      cmocka_unit_test(test_bad_encodings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
