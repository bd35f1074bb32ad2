/* test_decode_page.c: structural page layouts of 2.1+ files
** (format/decode_page.c): mini-block chunks, constant, full-zip.  Pages are
** hand-built and wrapped in a minimal in-memory file (lfbuild.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "lfbuild.h"

/* ---- encoding messages ---------------------------------------------------- */

/* CompressiveEncoding { 1 Flat { 1 bits_per_value } } */
static void ce_flat(pbw *out, uint64_t bits) {
  pbw flat = {0};
  pbw_u(&flat, 1, bits);
  pbw_msg(out, 1, &flat);
  pbw_free(&flat);
}

/* CompressiveEncoding { 2 Variable { 1 offsets: Flat(bits) } } */
static void ce_variable(pbw *out, uint64_t offset_bits) {
  pbw off = {0}, var = {0};
  ce_flat(&off, offset_bits);
  pbw_msg(&var, 1, &off);
  pbw_msg(out, 2, &var);
  pbw_free(&off);
  pbw_free(&var);
}

/* PageLayout { 1 MiniBlockLayout } with Flat rep/def (16 bits) when present
** and Flat values of val_bits. */
static void mb_layout(pbw *pl, int has_rep, int has_def, uint64_t val_bits,
                      const uint64_t *layers, int nl, uint64_t num_items, int large,
                      int with_values) {
  pbw mb = {0}, e = {0};
  if (has_rep) {
    ce_flat(&e, 16);
    pbw_msg(&mb, 1, &e);
    pbw_reset(&e);
  }
  if (has_def) {
    ce_flat(&e, 16);
    pbw_msg(&mb, 2, &e);
    pbw_reset(&e);
  }
  if (with_values) {
    ce_flat(&e, val_bits);
    pbw_msg(&mb, 3, &e);
  }
  pbw_packed(&mb, 6, layers, (size_t)nl);
  pbw_u(&mb, 7, 1);
  pbw_u(&mb, 9, num_items);
  if (large) pbw_u(&mb, 10, 1);
  pbw_msg(pl, 1, &mb);
  pbw_free(&mb);
  pbw_free(&e);
}

static void pad8(pbw *w, size_t start) {
  while ((w->n - start) % 8) pbw_byte(w, 0);
}

/* Append one chunk; returns its size in bytes (a multiple of 8). */
static size_t mb_chunk(pbw *c, int large, int has_rep, int has_def, uint16_t nlev,
                       const uint16_t *rep, const uint16_t *def, uint16_t nrepdef,
                       const void *vals, size_t vlen, size_t claimed_vlen) {
  size_t start = c->n;
  lfb_le(c, nlev, 2);
  if (has_rep) lfb_le(c, (uint64_t)nrepdef * 2, 2);
  if (has_def) lfb_le(c, (uint64_t)nrepdef * 2, 2);
  lfb_le(c, claimed_vlen, large ? 4 : 2);
  pad8(c, start);
  if (has_rep) {
    for (int i = 0; i < nrepdef; i++) lfb_le(c, rep[i], 2);
    pad8(c, start);
  }
  if (has_def) {
    for (int i = 0; i < nrepdef; i++) lfb_le(c, def[i], 2);
    pad8(c, start);
  }
  pbw_raw(c, vals, vlen);
  pad8(c, start);
  return c->n - start;
}

static void mb_meta(pbw *m, int large, size_t bytes, int log2items) {
  lfb_le(m, ((uint64_t)(bytes / 8 - 1) << 4) | (uint64_t)log2items, large ? 4 : 2);
}

/* ---- file plumbing --------------------------------------------------------- */

typedef struct opened {
  lfb b;
  lf_store *st;
  lf_file *f;
  lf_pagedata pd;
} opened;

static void open_file(opened *o) {
  lf_error err = {0};
  if (lfb_open(&o->b, &o->st, &o->f, &err)) fail_msg("open: %s", err.msg);
  memset(&o->pd, 0, sizeof o->pd);
}

static int decode(opened *o, lf_error *err) {
  memset(err, 0, sizeof *err);
  return lf_decode_page21(o->f, &o->f->cols[0].pages[0], &o->pd, err);
}

static void close_file(opened *o) {
  lf_pagedata_reset(&o->pd);
  lf_file_free(o->f);
  lf_store_free(o->st);
  lfb_free(&o->b);
}

/* Build a one-page int32 file from two buffers (meta, chunks). */
static void mb_file(opened *o, const char *lt, uint64_t rows, const pbw *meta,
                    const pbw *chunks, const pbw *layout) {
  memset(o, 0, sizeof *o);
  const void *bufs[2] = {meta->p, chunks->p};
  const size_t lens[2] = {meta->n, chunks->n};
  lfb_one_page_file(&o->b, lt, rows, bufs, lens, 2, layout, 2, 2);
  open_file(o);
}

static int32_t i32_at(const uint8_t *p, uint64_t i) {
  int32_t v;
  memcpy(&v, p + 4 * i, 4);
  return v;
}

static const int32_t SEVEN[7] = {10, 11, 12, 13, 14, 15, 16};
static const uint64_t LAY_ITEM[1] = {LF_LAYER_ALL_VALID_ITEM};
static const uint64_t LAY_NULLITEM[1] = {LF_LAYER_NULLABLE_ITEM};
static const uint64_t LAY_LIST[2] = {LF_LAYER_NULLABLE_ITEM, LF_LAYER_NULL_AND_EMPTY_LIST};

/* Two chunks of 4 and 3 int32 values; 2- or 4-byte chunk metadata. */
static void build_flat_two_chunks(opened *o, int large) {
  pbw meta = {0}, chunks = {0}, layout = {0};
  size_t c0 = mb_chunk(&chunks, large, 0, 0, 0, NULL, NULL, 0, SEVEN, 16, 16);
  mb_meta(&meta, large, c0, 2);
  size_t c1 = mb_chunk(&chunks, large, 0, 0, 0, NULL, NULL, 0, SEVEN + 4, 12, 12);
  mb_meta(&meta, large, c1, 0);
  mb_layout(&layout, 0, 0, 32, LAY_ITEM, 1, 7, large, 1);
  mb_file(o, "int32", 7, &meta, &chunks, &layout);
  pbw_free(&meta);
  pbw_free(&chunks);
  pbw_free(&layout);
}

static void check_flat_seven(opened *o) {
  lf_error err;
  if (decode(o, &err)) fail_msg("decode: %s", err.msg);
  lf_pagedata *pd = &o->pd;
  assert_true(pd->num_rows == 7);
  assert_true(pd->n_levels == 0);
  assert_null(pd->rep);
  assert_null(pd->def);
  assert_int_equal(pd->n_layers, 1);
  assert_int_equal(pd->layers[0], LF_LAYER_ALL_VALID_ITEM);
  assert_int_equal(pd->vals.kind, LF_BLK_FIXED);
  assert_true(pd->vals.bits == 32);
  assert_true(pd->vals.n == 7);
  for (int i = 0; i < 7; i++) assert_int_equal(i32_at(pd->vals.data, (uint64_t)i), SEVEN[i]);
  for (int r = 0; r <= 7; r++) {
    assert_true(lf_row_level(pd, (uint64_t)r) == (uint64_t)r);
    assert_true(lf_row_item(pd, (uint64_t)r) == (uint64_t)r);
  }
  /* through the reader, rows spanning both chunks */
  lf_array a;
  lf_array_init(&a, o->f->schema.fields[0]);
  if (lf_file_read_range(o->f, 0, 2, 6, &a, &err)) fail_msg("read: %s", err.msg);
  assert_true(a.length == 4);
  assert_null(a.valid);
  for (int i = 0; i < 4; i++) assert_int_equal(i32_at(a.values, (uint64_t)i), SEVEN[2 + i]);
  lf_array_reset(&a);
}

static void test_miniblock_flat_small_meta(void **state) {
  (void)state;
  opened o;
  build_flat_two_chunks(&o, 0);
  assert_true(o.f->cols[0].pages[0].buf_len[0] == 4); /* 2 chunks x u16 */
  check_flat_seven(&o);
  close_file(&o);
}

static void test_miniblock_flat_large_meta(void **state) {
  (void)state;
  opened o;
  build_flat_two_chunks(&o, 1);
  assert_true(o.f->cols[0].pages[0].buf_len[0] == 8); /* 2 chunks x u32 */
  check_flat_seven(&o);
  close_file(&o);
}

/* Nullable int32 with definition levels in both chunks (the second chunk's
** header num_levels 0: def-only chunks may leave it out). */
static void test_miniblock_def_levels(void **state) {
  (void)state;
  pbw meta = {0}, chunks = {0}, layout = {0};
  const uint16_t d0[4] = {0, 1, 0, 0}, d1[3] = {1, 0, 0};
  size_t c0 = mb_chunk(&chunks, 0, 0, 1, 4, NULL, d0, 4, SEVEN, 16, 16);
  mb_meta(&meta, 0, c0, 2);
  size_t c1 = mb_chunk(&chunks, 0, 0, 1, 0, NULL, d1, 3, SEVEN + 4, 12, 12);
  mb_meta(&meta, 0, c1, 0);
  mb_layout(&layout, 0, 1, 32, LAY_NULLITEM, 1, 7, 0, 1);
  opened o;
  mb_file(&o, "int32", 7, &meta, &chunks, &layout);
  lf_error err;
  if (decode(&o, &err)) fail_msg("decode: %s", err.msg);
  assert_true(o.pd.n_levels == 7);
  assert_null(o.pd.rep);
  const uint16_t want[7] = {0, 1, 0, 0, 1, 0, 0};
  assert_memory_equal(o.pd.def, want, sizeof want);
  lf_array a;
  lf_array_init(&a, o.f->schema.fields[0]);
  if (lf_file_read_range(o.f, 0, 0, 7, &a, &err)) fail_msg("read: %s", err.msg);
  assert_non_null(a.valid);
  const uint8_t wv[7] = {1, 0, 1, 1, 0, 1, 1};
  assert_memory_equal(a.valid, wv, 7);
  assert_true(a.null_count == 2);
  assert_int_equal(i32_at(a.values, 6), 16);
  lf_array_reset(&a);
  close_file(&o);
  pbw_free(&meta);
  pbw_free(&chunks);
  pbw_free(&layout);
}

/* list<int32> rows: [1, null, 3], null, [], [4], [null] in one chunk. */
static const uint16_t L_rep[7] = {1, 0, 0, 1, 1, 1, 1};
static const uint16_t L_def[7] = {0, 1, 0, 2, 3, 0, 1};
static const int32_t L_vals[5] = {1, 0, 3, 4, 0};

static void list_schema(pbw *s) {
  pbw_schema_field(s, "l", 0, -1, "list", 1);
  pbw_schema_field(s, "item", 1, 0, "int32", 1);
}

static void check_list_rows(opened *o) {
  lf_error err;
  lf_array a;
  lf_array_init(&a, o->f->schema.fields[0]);
  if (lf_file_read_range(o->f, 0, 0, 5, &a, &err)) fail_msg("read: %s", err.msg);
  const uint8_t lv[5] = {1, 0, 1, 1, 1};
  const uint64_t off[6] = {0, 3, 3, 3, 4, 5};
  assert_true(a.length == 5);
  assert_memory_equal(a.valid, lv, 5);
  assert_memory_equal(a.offsets, off, sizeof off);
  lf_array *c = &a.children[0];
  const uint8_t cv[5] = {1, 0, 1, 1, 0};
  assert_true(c->length == 5);
  assert_memory_equal(c->valid, cv, 5);
  assert_int_equal(i32_at(c->values, 0), 1);
  assert_int_equal(i32_at(c->values, 2), 3);
  assert_int_equal(i32_at(c->values, 3), 4);
  lf_array_reset(&a);
}

static void test_miniblock_list_repdef(void **state) {
  (void)state;
  pbw meta = {0}, chunks = {0}, layout = {0}, schema = {0};
  size_t c0 = mb_chunk(&chunks, 1, 1, 1, 7, L_rep, L_def, 7, L_vals, 20, 20);
  mb_meta(&meta, 1, c0, 0);
  mb_layout(&layout, 1, 1, 32, LAY_LIST, 2, 5, 1, 1);
  list_schema(&schema);
  opened o;
  memset(&o, 0, sizeof o);
  const void *bufs[2] = {meta.p, chunks.p};
  const size_t lens[2] = {meta.n, chunks.n};
  lfb_one_page_file_schema(&o.b, &schema, 5, bufs, lens, 2, &layout, 2, 2);
  open_file(&o);
  lf_error err;
  if (decode(&o, &err)) fail_msg("decode: %s", err.msg);
  assert_true(o.pd.n_levels == 7);
  assert_memory_equal(o.pd.rep, L_rep, sizeof L_rep);
  assert_memory_equal(o.pd.def, L_def, sizeof L_def);
  assert_true(o.pd.vals.n == 5);
  const uint64_t rl[6] = {0, 3, 4, 5, 6, 7}, ri[6] = {0, 3, 3, 3, 4, 5};
  assert_memory_equal(o.pd.row_level, rl, sizeof rl);
  assert_memory_equal(o.pd.row_item, ri, sizeof ri);
  check_list_rows(&o);
  close_file(&o);
  pbw_free(&meta);
  pbw_free(&chunks);
  pbw_free(&layout);
  pbw_free(&schema);
}

/* Takes through the repetition index of a list page: list<int32> (lists and
** items all valid) in three chunks of 4, 4 and 2 items:
**   chunk 0: row 0 = [1, 2], then row 1 = [3, 4, ...]   ends 1, partial 2
**   chunk 1: ... 5], row 2 = [6], row 3 = [7, 8]          ends 3, partial 0
**   chunk 2: row 4 = [9, 10]                             ends 1, partial 0 */
static void rep_take_file(opened *o, const uint64_t *ix, size_t ix_len) {
  static const uint16_t r0[4] = {1, 0, 1, 0}, r1[4] = {0, 1, 1, 0}, r2[2] = {1, 0};
  static const int32_t v0[4] = {1, 2, 3, 4}, v1[4] = {5, 6, 7, 8}, v2[2] = {9, 10};
  static const uint64_t lay[2] = {LF_LAYER_ALL_VALID_ITEM, LF_LAYER_ALL_VALID_LIST};
  pbw meta = {0}, chunks = {0}, layout = {0}, schema = {0}, mb = {0}, e = {0};
  mb_meta(&meta, 1, mb_chunk(&chunks, 1, 1, 0, 4, r0, NULL, 4, v0, 16, 16), 2);
  mb_meta(&meta, 1, mb_chunk(&chunks, 1, 1, 0, 4, r1, NULL, 4, v1, 16, 16), 2);
  mb_meta(&meta, 1, mb_chunk(&chunks, 1, 1, 0, 2, r2, NULL, 2, v2, 8, 8), 0);
  ce_flat(&e, 16);
  pbw_msg(&mb, 1, &e);
  pbw_reset(&e);
  ce_flat(&e, 32);
  pbw_msg(&mb, 3, &e);
  pbw_packed(&mb, 6, lay, 2);
  pbw_u(&mb, 7, 1);
  pbw_u(&mb, 8, 1); /* repetition index depth */
  pbw_u(&mb, 9, 10);
  pbw_u(&mb, 10, 1);
  pbw_msg(&layout, 1, &mb);
  pbw_schema_field(&schema, "l", 0, -1, "list", 0);
  pbw_schema_field(&schema, "item", 1, 0, "int32", 0);
  const void *bufs[3] = {meta.p, chunks.p, ix};
  const size_t lens[3] = {meta.n, chunks.n, ix_len};
  memset(o, 0, sizeof *o);
  lfb_one_page_file_schema(&o->b, &schema, 5, bufs, lens, 3, &layout, 2, 2);
  open_file(o);
  pbw_free(&meta), pbw_free(&chunks), pbw_free(&layout), pbw_free(&schema), pbw_free(&mb), pbw_free(&e);
}

static void test_miniblock_list_take(void **state) {
  (void)state;
  static const uint64_t ix[6] = {1, 2, 3, 0, 1, 0};
  static const int32_t want[5][3] = {{1, 2}, {3, 4, 5}, {6}, {7, 8}, {9, 10}};
  static const int wn[5] = {2, 3, 1, 2, 2};
  static const uint64_t sets[][5] = {{0}, {1}, {2}, {3}, {4}, {1, 3}, {0, 4}, {2, 2}, {1, 2}, {0, 1, 2, 3, 4}};
  static const size_t nset[] = {1, 1, 1, 1, 1, 2, 2, 2, 2, 5};
  opened o;
  rep_take_file(&o, ix, sizeof ix);
  lf_error err;
  for (int pass = 0; pass < 2; pass++) /* the second pass uses the page's cached plan */
    for (size_t t = 0; t < sizeof nset / sizeof nset[0]; t++) {
      lf_array a;
      lf_array_init(&a, o.f->schema.fields[0]);
      if (lf_file_take(o.f, 0, sets[t], nset[t], &a, &err)) fail_msg("take %zu: %s", t, err.msg);
      assert_true(a.length == nset[t]);
      for (size_t i = 0; i < nset[t]; i++) {
        uint64_t r = sets[t][i];
        assert_int_equal(a.offsets[i + 1] - a.offsets[i], wn[r]);
        for (int j = 0; j < wn[r]; j++) assert_int_equal(i32_at(a.children[0].values, a.offsets[i] + (uint64_t)j), want[r][j]);
      }
      lf_array_reset(&a);
    }
  close_file(&o);
  /* a repetition index that miscounts rows, or of the wrong size, is corrupt */
  static const uint64_t bad_rows[6] = {1, 2, 2, 0, 1, 0}, bad_partial[6] = {1, 2, 3, 0, 1, 7};
  const uint64_t *bad[3] = {bad_rows, bad_partial, ix};
  const size_t blen[3] = {sizeof bad_rows, sizeof bad_partial, sizeof ix - 8};
  for (int b = 0; b < 3; b++) {
    rep_take_file(&o, bad[b], blen[b]);
    lf_array a;
    lf_array_init(&a, o.f->schema.fields[0]);
    uint64_t row = 3;
    assert_int_equal(lf_file_take(o.f, 0, &row, 1, &a, &err), LF_CORRUPT);
    assert_non_null(strstr(err.msg, "repetition index"));
    lf_array_reset(&a);
    close_file(&o);
  }
}

/* The chunk header says its value buffer holds 40 bytes; the chunk has 24. */
static void test_miniblock_truncated_chunk(void **state) {
  (void)state;
  pbw meta = {0}, chunks = {0}, layout = {0};
  size_t c0 = mb_chunk(&chunks, 0, 0, 0, 0, NULL, NULL, 0, SEVEN, 16, 40);
  mb_meta(&meta, 0, c0, 2);
  mb_layout(&layout, 0, 0, 32, LAY_ITEM, 1, 4, 0, 1);
  opened o;
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  lf_error err;
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "exceeds chunk"));
  assert_non_null(strstr(err.msg, "chunk 0"));
  close_file(&o);
  /* a header larger than the chunk: 8-byte chunk, 2 buffers of u32 sizes */
  pbw_reset(&meta);
  pbw_reset(&chunks);
  pbw_reset(&layout);
  uint8_t zero[8] = {0};
  pbw_raw(&chunks, zero, 8);
  mb_meta(&meta, 1, 8, 0);
  pbw mb = {0}, e = {0};
  ce_flat(&e, 32);
  pbw_msg(&mb, 3, &e);
  pbw_packed(&mb, 6, LAY_ITEM, 1);
  pbw_u(&mb, 7, 2);
  pbw_u(&mb, 9, 1);
  pbw_u(&mb, 10, 1);
  pbw_msg(&layout, 1, &mb);
  mb_file(&o, "int32", 1, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "header exceeds chunk"));
  close_file(&o);
  pbw_free(&mb);
  pbw_free(&e);
  pbw_free(&meta);
  pbw_free(&chunks);
  pbw_free(&layout);
}

/* Chunk metadata claiming more bytes or items than the page has. */
static void test_miniblock_chunk_exceeds_page(void **state) {
  (void)state;
  pbw meta = {0}, chunks = {0}, layout = {0};
  size_t c0 = mb_chunk(&chunks, 0, 0, 0, 0, NULL, NULL, 0, SEVEN, 16, 16);
  mb_meta(&meta, 0, c0 + 8, 2); /* one word more than the buffer */
  mb_layout(&layout, 0, 0, 32, LAY_ITEM, 1, 4, 0, 1);
  opened o;
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  lf_error err;
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "exceeds the page"));
  close_file(&o);
  /* first of two chunks claims 8 items (log2 3) of the page's 7 */
  pbw_reset(&meta);
  pbw_reset(&chunks);
  pbw_reset(&layout);
  c0 = mb_chunk(&chunks, 0, 0, 0, 0, NULL, NULL, 0, SEVEN, 16, 16);
  mb_meta(&meta, 0, c0, 3);
  size_t c1 = mb_chunk(&chunks, 0, 0, 0, 0, NULL, NULL, 0, SEVEN + 4, 12, 12);
  mb_meta(&meta, 0, c1, 0);
  mb_layout(&layout, 0, 0, 32, LAY_ITEM, 1, 7, 0, 1);
  mb_file(&o, "int32", 7, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "8 items"));
  close_file(&o);
  /* no chunks at all for 7 items */
  pbw_reset(&meta);
  mb_file(&o, "int32", 7, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "hold 0 items, layout says 7"));
  close_file(&o);
  pbw_free(&meta);
  pbw_free(&chunks);
  pbw_free(&layout);
}

static void test_miniblock_layout_errors(void **state) {
  (void)state;
  pbw meta = {0}, chunks = {0}, layout = {0};
  size_t c0 = mb_chunk(&chunks, 0, 0, 0, 0, NULL, NULL, 0, SEVEN, 16, 16);
  mb_meta(&meta, 0, c0, 2);
  /* no value compression */
  mb_layout(&layout, 0, 0, 32, LAY_ITEM, 1, 4, 0, 0);
  opened o;
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  lf_error err;
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "no value compression"));
  close_file(&o);
  /* no layers */
  pbw_reset(&layout);
  mb_layout(&layout, 0, 0, 32, LAY_ITEM, 0, 4, 0, 1);
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "no repdef layers"));
  close_file(&o);
  /* an unknown layer value */
  pbw_reset(&layout);
  const uint64_t bad[1] = {9};
  mb_layout(&layout, 0, 0, 32, bad, 1, 4, 0, 1);
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "unknown repdef layer 9"));
  close_file(&o);
  /* only one page buffer */
  pbw_reset(&layout);
  mb_layout(&layout, 0, 0, 32, LAY_ITEM, 1, 4, 0, 1);
  memset(&o, 0, sizeof o);
  const void *bufs[1] = {meta.p};
  const size_t lens[1] = {meta.n};
  lfb_one_page_file(&o.b, "int32", 4, bufs, lens, 1, &layout, 2, 2);
  open_file(&o);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "has 1 buffers"));
  close_file(&o);
  /* an empty sparse layout (5, file version 2.3) is corrupt */
  pbw_reset(&layout);
  pbw_bytes(&layout, 5, "", 0);
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "sparse layout has no value compression"));
  close_file(&o);
  /* blob layout (4) without its inner layout */
  pbw_reset(&layout);
  pbw_bytes(&layout, 4, "", 0);
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  close_file(&o);
  /* no layout at all */
  pbw_reset(&layout);
  mb_file(&o, "int32", 4, &meta, &chunks, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "no layout"));
  close_file(&o);
  pbw_free(&meta);
  pbw_free(&chunks);
  pbw_free(&layout);
}

/* ---- constant layout --------------------------------------------------------- */

static void test_constant_inline_value(void **state) {
  (void)state;
  pbw cl = {0}, layout = {0};
  pbw_packed(&cl, 5, LAY_ITEM, 1);
  const int32_t v = -77;
  pbw_bytes(&cl, 6, &v, 4);
  pbw_msg(&layout, 2, &cl);
  opened o;
  memset(&o, 0, sizeof o);
  lfb_one_page_file(&o.b, "int32", 5, NULL, NULL, 0, &layout, 2, 2);
  open_file(&o);
  lf_error err;
  if (decode(&o, &err)) fail_msg("decode: %s", err.msg);
  assert_int_equal(o.pd.vals.kind, LF_BLK_FIXED);
  assert_true(o.pd.vals.bits == 32);
  assert_true(o.pd.vals.n == 5);
  lf_array a;
  lf_array_init(&a, o.f->schema.fields[0]);
  if (lf_file_read_range(o.f, 0, 1, 5, &a, &err)) fail_msg("read: %s", err.msg);
  assert_true(a.length == 4);
  assert_null(a.valid);
  for (int i = 0; i < 4; i++) assert_int_equal(i32_at(a.values, (uint64_t)i), -77);
  lf_array_reset(&a);
  close_file(&o);
  pbw_free(&cl);
  pbw_free(&layout);
}

static void test_constant_all_null(void **state) {
  (void)state;
  pbw cl = {0}, layout = {0};
  pbw_packed(&cl, 5, LAY_NULLITEM, 1);
  pbw_msg(&layout, 2, &cl);
  opened o;
  memset(&o, 0, sizeof o);
  lfb_one_page_file(&o.b, "int32", 3, NULL, NULL, 0, &layout, 2, 2);
  open_file(&o);
  lf_error err;
  if (decode(&o, &err)) fail_msg("decode: %s", err.msg);
  assert_int_equal(o.pd.vals.kind, LF_BLK_EMPTY);
  assert_true(o.pd.vals.n == 3);
  assert_non_null(o.pd.vals.valid);
  lf_array a;
  lf_array_init(&a, o.f->schema.fields[0]);
  if (lf_file_read_range(o.f, 0, 0, 3, &a, &err)) fail_msg("read: %s", err.msg);
  assert_true(a.length == 3);
  assert_true(a.null_count == 3);
  for (int i = 0; i < 3; i++) assert_int_equal(a.valid[i], 0);
  lf_array_reset(&a);
  close_file(&o);
  /* a constant value of 0 or 33 bytes is corrupt */
  for (int k = 0; k < 2; k++) {
    pbw_reset(&cl);
    pbw_reset(&layout);
    uint8_t big[33] = {0};
    pbw_packed(&cl, 5, LAY_ITEM, 1);
    pbw_bytes(&cl, 6, big, k ? 33 : 0);
    pbw_msg(&layout, 2, &cl);
    memset(&o, 0, sizeof o);
    lfb_one_page_file(&o.b, "int32", 3, NULL, NULL, 0, &layout, 2, 2);
    open_file(&o);
    assert_int_equal(decode(&o, &err), LF_CORRUPT);
    assert_non_null(strstr(err.msg, "constant value"));
    close_file(&o);
  }
  pbw_free(&cl);
  pbw_free(&layout);
}

/* An all-null list page: rows null, [], null as raw u16 rep/def buffers;
** 2.2 gives the level counts (9, 10), the 2.1 all-null layout does not. */
static void test_constant_all_null_list(void **state) {
  (void)state;
  for (int minor = 1; minor <= 2; minor++) {
    pbw cl = {0}, layout = {0}, schema = {0};
    pbw_packed(&cl, 5, LAY_LIST, 2);
    if (minor == 2) {
      pbw_u(&cl, 9, 3);
      pbw_u(&cl, 10, 3);
    }
    pbw_msg(&layout, 2, &cl);
    list_schema(&schema);
    const uint16_t rep[3] = {1, 1, 1}, def[3] = {2, 3, 2};
    const void *bufs[2] = {rep, def};
    const size_t lens[2] = {6, 6};
    opened o;
    memset(&o, 0, sizeof o);
    lfb_one_page_file_schema(&o.b, &schema, 3, bufs, lens, 2, &layout, 2, minor);
    open_file(&o);
    lf_error err;
    if (decode(&o, &err)) fail_msg("decode (2.%d): %s", minor, err.msg);
    assert_true(o.pd.n_levels == 3);
    assert_true(o.pd.vals.n == 0);
    lf_array a;
    lf_array_init(&a, o.f->schema.fields[0]);
    if (lf_file_read_range(o.f, 0, 0, 3, &a, &err)) fail_msg("read: %s", err.msg);
    const uint8_t lv[3] = {0, 1, 0};
    const uint64_t off[4] = {0, 0, 0, 0};
    assert_memory_equal(a.valid, lv, 3);
    assert_memory_equal(a.offsets, off, sizeof off);
    assert_true(a.children[0].length == 0);
    lf_array_reset(&a);
    close_file(&o);
    pbw_free(&cl);
    pbw_free(&layout);
    pbw_free(&schema);
  }
}

/* LanceDB 0.39 (2.2) constant list pages without level counts: raw u16
** levels in the buffers, [rep, def] after an inline value, [value, rep,
** def] when the value is in a buffer (here list<large_binary>, one value
** of 5 bytes with 16-byte offsets, as an FTS token file's FST). */
static const uint16_t C_rep[3] = {1, 1, 1};

static void check_const_lists(opened *o, const char *want, size_t wl) {
  lf_error err;
  lf_array a;
  lf_array_init(&a, o->f->schema.fields[0]);
  if (lf_file_read_range(o->f, 0, 0, 3, &a, &err)) fail_msg("read: %s", err.msg);
  assert_null(a.valid);
  const uint64_t off[4] = {0, 1, 2, 3};
  assert_memory_equal(a.offsets, off, sizeof off);
  const lf_array *c = &a.children[0];
  assert_true(c->length == 3);
  for (uint64_t i = 0; i < 3; i++) {
    if (c->offsets) {
      assert_true(c->offsets[i + 1] - c->offsets[i] == wl);
      assert_memory_equal(c->data + c->offsets[i], want, wl);
    } else {
      assert_memory_equal(c->values + i * wl, want, wl);
    }
  }
  lf_array_reset(&a);
}

static void test_constant_list_raw_levels(void **state) {
  (void)state;
  static const uint64_t lay[2] = {LF_LAYER_ALL_VALID_ITEM, LF_LAYER_ALL_VALID_LIST};
  /* inline value: buffers [rep, def(empty)] */
  pbw cl = {0}, layout = {0}, schema = {0};
  pbw_packed(&cl, 5, lay, 2);
  const int32_t v = 9;
  pbw_bytes(&cl, 6, &v, 4);
  pbw_msg(&layout, 2, &cl);
  pbw_schema_field(&schema, "l", 0, -1, "list", 0);
  pbw_schema_field(&schema, "item", 1, 0, "int32", 0);
  const void *bufs[3] = {C_rep, "", ""};
  const size_t lens[3] = {6, 0, 0};
  opened o;
  memset(&o, 0, sizeof o);
  lfb_one_page_file_schema(&o.b, &schema, 3, bufs, lens, 2, &layout, 2, 2);
  open_file(&o);
  check_const_lists(&o, (const char *)&v, 4);
  close_file(&o);
  pbw_free(&cl);
  pbw_free(&layout);
  pbw_free(&schema);
  /* value buffer: [value, rep, def(empty)] */
  uint8_t val[4 + 8 + 16 + 5] = {2, 0, 0, 0, 16, 0, 0, 0, 5, 0, 0, 0};
  val[12 + 8] = 5;
  memcpy(val + 28, "hello", 5);
  memset(&cl, 0, sizeof cl), memset(&layout, 0, sizeof layout), memset(&schema, 0, sizeof schema);
  pbw_packed(&cl, 5, lay, 2);
  pbw_msg(&layout, 2, &cl);
  pbw_schema_field(&schema, "l", 0, -1, "list", 0);
  pbw_schema_field(&schema, "item", 1, 0, "large_binary", 0);
  const void *bufs2[3] = {val, C_rep, ""};
  const size_t lens2[3] = {sizeof val, 6, 0};
  memset(&o, 0, sizeof o);
  lfb_one_page_file_schema(&o.b, &schema, 3, bufs2, lens2, 3, &layout, 2, 2);
  open_file(&o);
  check_const_lists(&o, "hello", 5);
  close_file(&o);
  /* an offset past the data is corrupt */
  val[12 + 8] = 6;
  memset(&o, 0, sizeof o);
  lfb_one_page_file_schema(&o.b, &schema, 3, bufs2, lens2, 3, &layout, 2, 2);
  open_file(&o);
  lf_error err;
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "unknown layout"));
  close_file(&o);
  pbw_free(&cl);
  pbw_free(&layout);
  pbw_free(&schema);
}

/* ---- full-zip ------------------------------------------------------------------ */

static void fz_layout(pbw *pl, uint32_t bits_rep, uint32_t bits_def, uint32_t bits_value,
                      uint32_t bits_offset, const uint64_t *layers, int nl, uint64_t items) {
  pbw z = {0}, e = {0};
  if (bits_rep) pbw_u(&z, 1, bits_rep);
  if (bits_def) pbw_u(&z, 2, bits_def);
  if (bits_value) pbw_u(&z, 3, bits_value);
  if (bits_offset) pbw_u(&z, 4, bits_offset);
  pbw_u(&z, 5, items);
  if (bits_offset) ce_variable(&e, 32);
  else ce_flat(&e, bits_value);
  pbw_msg(&z, 7, &e);
  pbw_packed(&z, 8, layers, (size_t)nl);
  pbw_msg(pl, 3, &z);
  pbw_free(&z);
  pbw_free(&e);
}

static void fz_file(opened *o, const pbw *schema, uint64_t rows, const pbw *data,
                    const pbw *layout) {
  memset(o, 0, sizeof o[0]);
  const void *bufs[1] = {data->p};
  const size_t lens[1] = {data->n};
  lfb_one_page_file_schema(&o->b, schema, rows, bufs, lens, 1, layout, 2, 2);
  open_file(o);
}

static void test_fullzip_fixed(void **state) {
  (void)state;
  pbw data = {0}, layout = {0}, schema = {0};
  lfb_schema1(&schema, "int32");
  /* no control words: 3 values back to back */
  pbw_raw(&data, SEVEN, 12);
  fz_layout(&layout, 0, 0, 32, 0, LAY_ITEM, 1, 3);
  opened o;
  fz_file(&o, &schema, 3, &data, &layout);
  lf_error err;
  if (decode(&o, &err)) fail_msg("decode: %s", err.msg);
  assert_true(o.pd.n_levels == 0);
  assert_true(o.pd.vals.n == 3);
  assert_int_equal(i32_at(o.pd.vals.data, 2), 12);
  close_file(&o);
  /* 1-byte control words (def), values also behind null items */
  pbw_reset(&data);
  pbw_reset(&layout);
  const uint8_t defs[4] = {0, 1, 0, 0};
  for (int i = 0; i < 4; i++) {
    pbw_byte(&data, defs[i]);
    pbw_raw(&data, SEVEN + i, 4);
  }
  fz_layout(&layout, 0, 1, 32, 0, LAY_NULLITEM, 1, 4);
  fz_file(&o, &schema, 4, &data, &layout);
  if (decode(&o, &err)) fail_msg("decode: %s", err.msg);
  assert_true(o.pd.n_levels == 4);
  const uint16_t wd[4] = {0, 1, 0, 0};
  assert_memory_equal(o.pd.def, wd, sizeof wd);
  lf_array a;
  lf_array_init(&a, o.f->schema.fields[0]);
  if (lf_file_read_range(o.f, 0, 0, 4, &a, &err)) fail_msg("read: %s", err.msg);
  const uint8_t wv[4] = {1, 0, 1, 1};
  assert_memory_equal(a.valid, wv, 4);
  assert_int_equal(i32_at(a.values, 3), 13);
  lf_array_reset(&a);
  close_file(&o);
  /* the last value cut short */
  data.n -= 1;
  fz_file(&o, &schema, 4, &data, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "truncated fixed-width value"));
  close_file(&o);
  pbw_free(&data);
  pbw_free(&layout);
  pbw_free(&schema);
}

/* list<int32> in full-zip with rep and def in 1-byte (rep 1 + def 2 bits)
** and 2-byte (rep 1 + def 8 bits) control words: rep in the high bits. */
static void test_fullzip_list_control_words(void **state) {
  (void)state;
  for (int wide = 0; wide <= 1; wide++) {
    uint32_t bdef = wide ? 8 : 2;
    pbw data = {0}, layout = {0}, schema = {0};
    list_schema(&schema);
    int item = 0;
    for (int i = 0; i < 7; i++) {
      uint32_t cw = (uint32_t)L_rep[i] << bdef | L_def[i];
      lfb_le(&data, cw, wide ? 2 : 1);
      if (L_def[i] <= 1) pbw_raw(&data, &L_vals[item++], 4);
    }
    fz_layout(&layout, 1, bdef, 32, 0, LAY_LIST, 2, 7);
    opened o;
    fz_file(&o, &schema, 5, &data, &layout);
    lf_error err;
    if (decode(&o, &err)) fail_msg("decode (%d-byte control words): %s", wide + 1, err.msg);
    assert_true(o.pd.n_levels == 7);
    assert_memory_equal(o.pd.rep, L_rep, sizeof L_rep);
    assert_memory_equal(o.pd.def, L_def, sizeof L_def);
    assert_true(o.pd.vals.n == 5);
    check_list_rows(&o);
    close_file(&o);
    /* a control word cut in half (2-byte words only) */
    if (wide) {
      pbw_byte(&data, 0x01);
      fz_file(&o, &schema, 5, &data, &layout);
      assert_int_equal(decode(&o, &err), LF_CORRUPT);
      close_file(&o);
    }
    pbw_free(&data);
    pbw_free(&layout);
    pbw_free(&schema);
  }
}

/* Variable width: [cw][u32 length][bytes] for valid items, [cw] for nulls. */
static void test_fullzip_variable(void **state) {
  (void)state;
  pbw data = {0}, layout = {0}, schema = {0};
  lfb_schema1(&schema, "string");
  pbw_byte(&data, 0);
  lfb_le(&data, 3, 4);
  pbw_raw(&data, "abc", 3);
  pbw_byte(&data, 1); /* null */
  pbw_byte(&data, 0);
  lfb_le(&data, 0, 4); /* "" */
  pbw_byte(&data, 0);
  lfb_le(&data, 2, 4);
  pbw_raw(&data, "hi", 2);
  fz_layout(&layout, 0, 1, 0, 32, LAY_NULLITEM, 1, 4);
  opened o;
  fz_file(&o, &schema, 4, &data, &layout);
  lf_error err;
  if (decode(&o, &err)) fail_msg("decode: %s", err.msg);
  assert_int_equal(o.pd.vals.kind, LF_BLK_VARIABLE);
  assert_true(o.pd.vals.n == 4);
  lf_array a;
  lf_array_init(&a, o.f->schema.fields[0]);
  if (lf_file_read_range(o.f, 0, 0, 4, &a, &err)) fail_msg("read: %s", err.msg);
  const uint8_t wv[4] = {1, 0, 1, 1};
  const uint64_t wo[5] = {0, 3, 3, 3, 5};
  assert_memory_equal(a.valid, wv, 4);
  assert_memory_equal(a.offsets, wo, sizeof wo);
  assert_memory_equal(a.data, "abchi", 5);
  lf_array_reset(&a);
  close_file(&o);
  /* a length running past the page */
  pbw_reset(&data);
  pbw_byte(&data, 0);
  lfb_le(&data, 100, 4);
  pbw_raw(&data, "abc", 3);
  fz_file(&o, &schema, 1, &data, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "exceeds page"));
  close_file(&o);
  /* a length itself cut short */
  pbw_reset(&data);
  pbw_byte(&data, 0);
  lfb_le(&data, 1, 2);
  fz_file(&o, &schema, 1, &data, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "truncated value length"));
  close_file(&o);
  pbw_free(&data);
  pbw_free(&layout);
  pbw_free(&schema);
}

/* A packed struct<a: int32, b: int16> in a full-zip page without control
** words (LanceDB 0.39 writes it in 2.3): fixed-width rows of 6 bytes, but not
** raw values, so the full decode and a take must split each row into the
** struct's fields, never hand the rows on as the value array. */
static void test_fullzip_packed_struct(void **state) {
  (void)state;
  pbw schema = {0}, f = {0}, data = {0}, layout = {0}, z = {0}, e = {0}, ps = {0}, rows = {0};
  pbw_u(&f, 1, 1);
  pbw_str(&f, 2, "s");
  pbw_i32(&f, 3, 0);
  pbw_i32(&f, 4, -1);
  pbw_str(&f, 5, "struct");
  pbw_u(&f, 6, 0);
  pbw_kv(&f, 10, "lance-encoding:packed", "true", 4);
  pbw_msg(&schema, 1, &f);
  pbw_schema_field(&schema, "a", 1, 0, "int32", 0);
  pbw_schema_field(&schema, "b", 2, 0, "int16", 0);
  const int16_t B[3] = {-7, 300, 9};
  for (int i = 0; i < 3; i++) {
    pbw_raw(&data, SEVEN + i, 4);
    pbw_raw(&data, B + i, 2);
  }
  const uint64_t widths[2] = {32, 16};
  pbw_packed(&ps, 1, widths, 2);
  ce_flat(&rows, 48);
  pbw_msg(&ps, 2, &rows);
  pbw_msg(&e, 12, &ps); /* CompressiveEncoding { 12 PackedStruct } */
  pbw_u(&z, 3, 48);
  pbw_u(&z, 5, 3);
  pbw_msg(&z, 7, &e);
  pbw_packed(&z, 8, LAY_ITEM, 1);
  pbw_msg(&layout, 3, &z);
  opened o;
  fz_file(&o, &schema, 3, &data, &layout);
  lf_error err;
  for (int take = 0; take <= 1; take++) {
    lf_array a;
    lf_array_init(&a, o.f->schema.fields[0]);
    const uint64_t want[2] = {0, 2};
    int rc = take ? lf_file_take(o.f, 0, want, 2, &a, &err)
                  : lf_file_read_range(o.f, 0, 0, 3, &a, &err);
    if (rc) fail_msg("%s: %s", take ? "take" : "read", err.msg);
    assert_int_equal(a.n_children, 2);
    for (int i = 0; i < (take ? 2 : 3); i++) {
      int r = take ? (int)want[i] : i;
      int16_t b;
      memcpy(&b, (const uint8_t *)a.children[1].values + 2 * i, 2);
      assert_int_equal(i32_at(a.children[0].values, (uint64_t)i), SEVEN[r]);
      assert_int_equal(b, B[r]);
    }
    lf_array_reset(&a);
  }
  close_file(&o);
  pbw_free(&schema);
  pbw_free(&f);
  pbw_free(&data);
  pbw_free(&layout);
  pbw_free(&z);
  pbw_free(&e);
  pbw_free(&ps);
  pbw_free(&rows);
}

static void test_fullzip_bad_layout(void **state) {
  (void)state;
  pbw data = {0}, layout = {0}, schema = {0};
  lfb_schema1(&schema, "int32");
  pbw_raw(&data, SEVEN, 12);
  fz_layout(&layout, 0, 0, 12, 0, LAY_ITEM, 1, 3); /* 12 bits: not whole bytes */
  opened o;
  fz_file(&o, &schema, 3, &data, &layout);
  lf_error err;
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "bad full-zip layout"));
  close_file(&o);
  pbw_reset(&layout);
  fz_layout(&layout, 0, 0, 32, 0, LAY_ITEM, 1, 4); /* 3 values for 4 rows */
  fz_file(&o, &schema, 4, &data, &layout);
  assert_int_equal(decode(&o, &err), LF_CORRUPT);
  close_file(&o);
  pbw_free(&data);
  pbw_free(&layout);
  pbw_free(&schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_miniblock_flat_small_meta),
      cmocka_unit_test(test_miniblock_flat_large_meta),
      cmocka_unit_test(test_miniblock_def_levels),
      cmocka_unit_test(test_miniblock_list_repdef),
      cmocka_unit_test(test_miniblock_list_take),
      cmocka_unit_test(test_miniblock_truncated_chunk),
      cmocka_unit_test(test_miniblock_chunk_exceeds_page),
      cmocka_unit_test(test_miniblock_layout_errors),
      cmocka_unit_test(test_constant_inline_value),
      cmocka_unit_test(test_constant_all_null),
      cmocka_unit_test(test_constant_all_null_list),
      cmocka_unit_test(test_constant_list_raw_levels),
      cmocka_unit_test(test_fullzip_fixed),
      cmocka_unit_test(test_fullzip_list_control_words),
      cmocka_unit_test(test_fullzip_variable),
      cmocka_unit_test(test_fullzip_packed_struct),
      cmocka_unit_test(test_fullzip_bad_layout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
