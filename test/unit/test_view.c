/* test_view.c: zero-copy views of fixed-width columns (lf_file_view in
** format/decode.c, lf_page21_view in format/decode_page.c) and the store
** mappings behind them (format/store_local.c, store_mem.c): full-zip pages
** of vectors without control words are viewed in place; nullable,
** compressed and mini-block pages are LF_UNSUPPORTED (the caller decodes);
** a file truncated before or after it was mapped is an error, never a
** read past its end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf_int.h"
#include "lfbuild.h"

enum { DIM = 4, ROWS = 6 };

/* CompressiveEncoding { 1 Flat { 1 bits [, 2 compression { 1 scheme zstd }] } } */
static void ce_flat(pbw *out, uint64_t bits, int compressed) {
  pbw flat = {0}, comp = {0};
  pbw_u(&flat, 1, bits);
  if (compressed) {
    pbw_u(&comp, 1, 1);
    pbw_msg(&flat, 2, &comp);
  }
  pbw_msg(out, 1, &flat);
  pbw_free(&flat);
  pbw_free(&comp);
}

/* CompressiveEncoding { 11 FixedSizeList { 1 items, 2 values: Flat(32) [, 3 has_validity] } } */
static void ce_fsl(pbw *out, int validity, int compressed) {
  pbw fsl = {0}, child = {0};
  pbw_u(&fsl, 1, DIM);
  ce_flat(&child, 32, compressed);
  pbw_msg(&fsl, 2, &child);
  if (validity) pbw_u(&fsl, 3, 1);
  pbw_msg(out, 11, &fsl);
  pbw_free(&fsl);
  pbw_free(&child);
}

/* PageLayout { 3 FullZipLayout } of `rows` vectors of DIM float32. */
static void fz_layout(pbw *pl, uint32_t bits_def, uint64_t bits_value, int validity,
                      int compressed, uint64_t rows) {
  pbw z = {0}, e = {0};
  const uint64_t layer = bits_def ? 3 : 1; /* nullable item / all valid item */
  if (bits_def) pbw_u(&z, 2, bits_def);
  pbw_u(&z, 3, bits_value);
  pbw_u(&z, 5, rows);
  ce_fsl(&e, validity, compressed);
  pbw_msg(&z, 7, &e);
  pbw_packed(&z, 8, &layer, 1);
  pbw_msg(pl, 3, &z);
  pbw_free(&z);
  pbw_free(&e);
}

static float VALS[ROWS * DIM];

/* A file of one column "x" fixed_size_list:float:4 with ROWS rows in pages of
** split and ROWS - split rows (split == ROWS: one page); `kind` 0 as LanceDB
** writes vectors, 1 with 1-byte control words (nullable), 2 compressed
** values, 3 a wrong value width, 4 a mini-block page. */
static void build(lfb *b, int split, int kind) {
  pbw schema = {0}, col = {0};
  pbw_schema_field(&schema, "x", 0, -1, "fixed_size_list:float:4", kind == 1);
  memset(b, 0, sizeof *b);
  for (int i = 0; i < ROWS * DIM; i++) VALS[i] = (float)i * 0.5f;
  for (int p = 0, r0 = 0; r0 < ROWS; p++) {
    int rows = p == 0 ? split : ROWS - split;
    pbw data = {0}, layout = {0};
    for (int r = r0; r < r0 + rows; r++) {
      if (kind == 1) pbw_byte(&data, 0);
      pbw_raw(&data, VALS + r * DIM, DIM * 4);
    }
    if (kind == 4) { /* MiniBlockLayout: the layout alone is enough to refuse */
      pbw mb = {0};
      pbw_u(&mb, 9, (uint64_t)rows);
      pbw_msg(&layout, 1, &mb);
      pbw_free(&mb);
    } else {
      fz_layout(&layout, kind == 1 ? 1 : 0, kind == 3 ? 64 : 128, 0, kind == 2, (uint64_t)rows);
    }
    uint64_t off = lfb_put(b, data.p, data.n), len = data.n;
    lfb_page(&col, &off, &len, 1, (uint64_t)rows, &layout);
    pbw_free(&data);
    pbw_free(&layout);
    r0 += rows;
  }
  lfb_finish(b, &schema, ROWS, &col, 1, 2, 1);
  pbw_free(&schema);
  pbw_free(&col);
}

/* A built file opened through the memory store. */
typedef struct opened {
  lfb b;
  lf_store *st;
  lf_file *f;
} opened;

static lf_file *open_built(opened *o, int split, int kind) {
  lf_error err;
  build(&o->b, split, kind);
  if (lfb_open(&o->b, &o->st, &o->f, &err)) fail_msg("open %d: %s", kind, err.msg);
  return o->f;
}

static void close_built(opened *o) {
  lf_file_free(o->f);
  lf_store_free(o->st);
  lfb_free(&o->b);
}

static void test_view_fullzip(void **state) {
  (void)state;
  opened o;
  lf_file *f = open_built(&o, ROWS, 0);
  lf_error err;
  const uint8_t *p;
  uint64_t w, n;
  if (lf_file_view(f, 0, 0, ROWS, &p, &w, &n, &err)) fail_msg("view: %s", err.msg);
  assert_int_equal(w, DIM * 4);
  assert_int_equal(n, ROWS);
  assert_true(p >= o.b.f.p && p < o.b.f.p + o.b.f.n); /* in place, not a copy */
  assert_memory_equal(p, VALS, sizeof VALS);
  /* the same bytes as a decode */
  lf_array a;
  lf_array_init(&a, lf_file_schema(f)->fields[0]);
  if (lf_file_read_range(f, 0, 2, 5, &a, &err)) fail_msg("read: %s", err.msg);
  if (lf_file_view(f, 0, 2, 5, &p, &w, &n, &err)) fail_msg("view: %s", err.msg);
  assert_int_equal(n, 3);
  assert_memory_equal(p, a.children[0].values, 3 * DIM * 4);
  lf_array_reset(&a);
  /* bad ranges */
  assert_int_equal(lf_file_view(f, 0, 3, 3, &p, &w, &n, &err), LF_ARG);
  assert_int_equal(lf_file_view(f, 0, 0, ROWS + 1, &p, &w, &n, &err), LF_ARG);
  assert_int_equal(lf_file_view(f, 1, 0, 1, &p, &w, &n, &err), LF_ARG);
  close_built(&o);
}

/* A view ends at the end of its page; the next starts in the next page. */
static void test_view_pages(void **state) {
  (void)state;
  opened o;
  lf_file *f = open_built(&o, 4, 0);
  lf_error err;
  const uint8_t *p;
  uint64_t w, n;
  if (lf_file_view(f, 0, 1, ROWS, &p, &w, &n, &err)) fail_msg("view: %s", err.msg);
  assert_int_equal(n, 3);
  assert_memory_equal(p, VALS + DIM, 3 * DIM * 4);
  if (lf_file_view(f, 0, 4, ROWS, &p, &w, &n, &err)) fail_msg("view: %s", err.msg);
  assert_int_equal(n, 2);
  assert_memory_equal(p, VALS + 4 * DIM, 2 * DIM * 4);
  close_built(&o);
}

/* Pages whose values are not stored as is: LF_UNSUPPORTED, and the decode
** still works for those it can decode. */
static void test_view_fallbacks(void **state) {
  (void)state;
  for (int kind = 1; kind <= 4; kind++) {
    opened o;
    lf_file *f = open_built(&o, ROWS, kind);
    lf_error err;
    const uint8_t *p;
    uint64_t w, n;
    assert_int_equal(lf_file_view(f, 0, 0, ROWS, &p, &w, &n, &err), LF_UNSUPPORTED);
    assert_null(p);
    if (kind == 1) { /* nullable: decoded instead */
      lf_array a;
      lf_array_init(&a, lf_file_schema(f)->fields[0]);
      if (lf_file_read_range(f, 0, 0, ROWS, &a, &err)) fail_msg("read: %s", err.msg);
      assert_memory_equal(a.children[0].values, VALS, sizeof VALS);
      lf_array_reset(&a);
    }
    close_built(&o);
  }
}

/* A buffer that does not hold num_rows values is corrupt, not viewed. */
static void test_view_bad_page(void **state) {
  (void)state;
  lfb b;
  build(&b, ROWS, 0);
  lf_page pg = {0};
  uint64_t off = 0, len = ROWS * DIM * 4 - 4;
  pbw layout = {0};
  fz_layout(&layout, 0, 128, 0, 0, ROWS);
  pg.num_rows = ROWS, pg.nbuf = 1, pg.buf_off = &off, pg.buf_len = &len;
  pg.enc = layout.p, pg.enc_len = layout.n;
  const uint8_t *p;
  lf_error err;
  assert_int_equal(lf_page21_view(&pg, DIM * 4, b.f.p, b.f.n, &p, &err), LF_CORRUPT);
  len = ROWS * DIM * 4;
  off = b.f.n - len + 1; /* past the end of the mapping */
  assert_int_equal(lf_page21_view(&pg, DIM * 4, b.f.p, b.f.n, &p, &err), LF_CORRUPT);
  off = 0;
  assert_int_equal(lf_page21_view(&pg, DIM * 4, b.f.p, b.f.n, &p, &err), LF_OK);
  pbw_free(&layout);
  lfb_free(&b);
}

/* Through the local store: mapped once; a file truncated after it was
** opened (before the first map) or after it was mapped is an error. */
static void test_view_truncated(void **state) {
  (void)state;
  lfb b;
  build(&b, ROWS, 0);
  char path[64];
  snprintf(path, sizeof path, "/tmp/lf_test_view_%d.lance", (int)getpid());
  for (int after_map = 0; after_map <= 1; after_map++) {
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b.f.p, 1, b.f.n, fp), b.f.n);
    fclose(fp);
    lf_store *st;
    lf_file *f;
    lf_error err;
    if (lf_store_local_new("", &st, &err) || lf_file_open(st, path, &f, &err))
      fail_msg("open: %s", err.msg);
    const uint8_t *p, *p2;
    uint64_t w, n;
    if (after_map) {
      if (lf_file_view(f, 0, 0, ROWS, &p, &w, &n, &err)) fail_msg("view: %s", err.msg);
      assert_memory_equal(p, VALS, sizeof VALS);
      if (lf_file_view(f, 0, 0, ROWS, &p2, &w, &n, &err)) fail_msg("view: %s", err.msg);
      assert_ptr_equal(p, p2); /* the store keeps the mapping */
    }
    assert_int_equal(truncate(path, (off_t)(b.f.n / 2)), 0);
    assert_int_equal(lf_file_view(f, 0, 0, ROWS, &p, &w, &n, &err), LF_CORRUPT);
    assert_non_null(strstr(err.msg, "truncated"));
    lf_file_free(f);
    lf_store_free(st);
  }
  unlink(path);
  lfb_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_view_fullzip),
      cmocka_unit_test(test_view_pages),
      cmocka_unit_test(test_view_fallbacks),
      cmocka_unit_test(test_view_bad_page),
      cmocka_unit_test(test_view_truncated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
