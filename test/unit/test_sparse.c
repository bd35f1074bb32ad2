/* test_sparse.c: the 2.3 sparse structural layout (format/decode_sparse.c),
** through lf_decode_page21 on hand-built one-page files: the conversion to
** rep/def levels in assemble.c's layer convention, the values, and corrupt
** or unsupported layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "lfbuild.h"

/* ---- protobuf pieces (encodings_v2_1.proto Sparse* messages) ---------------- */

/* CompressiveEncoding { 1 Flat { 1 bits } } */
static pbw ce_flat(uint64_t bits) {
  pbw ce = {0}, flat = {0};
  pbw_u(&flat, 1, bits);
  pbw_msg(&ce, 1, &flat);
  pbw_free(&flat);
  return ce;
}

static pbw pos_empty(void) {
  pbw s = {0}, e = {0};
  pbw_msg(&s, 4, &e);
  return s;
}
static pbw pos_all(uint64_t n) {
  pbw s = {0}, e = {0};
  pbw_msg(&s, 3, &e);
  pbw_u(&s, 5, n);
  return s;
}
static pbw pos_range(uint64_t start, uint64_t len) {
  pbw s = {0}, r = {0};
  pbw_u(&r, 1, start);
  pbw_u(&r, 2, len);
  pbw_msg(&s, 2, &r);
  pbw_u(&s, 5, len);
  pbw_free(&r);
  return s;
}
/* Explicit: the deltas are a Flat(64) block in the next structural buffer. */
static pbw pos_explicit(uint64_t n) {
  pbw s = {0}, ce = ce_flat(64);
  pbw_msg(&s, 1, &ce);
  pbw_u(&s, 5, n);
  pbw_free(&ce);
  return s;
}
static pbw cnt_const(uint64_t v) {
  pbw s = {0}, c = {0};
  pbw_u(&c, 1, v);
  pbw_msg(&s, 2, &c);
  pbw_free(&c);
  return s;
}
static pbw cnt_explicit(void) {
  pbw s = {0}, ce = ce_flat(64);
  pbw_msg(&s, 1, &ce);
  pbw_free(&ce);
  return s;
}
static pbw cnt_empty(void) {
  pbw s = {0}, e = {0};
  pbw_msg(&s, 3, &e);
  return s;
}
/* SparseValiditySet { 1 meaning, 2 positions } (positions freed). */
static pbw validity(uint64_t meaning, pbw pos) {
  pbw s = {0};
  pbw_u(&s, 1, meaning);
  pbw_msg(&s, 2, &pos);
  pbw_free(&pos);
  return s;
}
#define NULLS 1
#define VALIDS 2
static pbw all_valid(void) { return validity(NULLS, pos_empty()); }

/* SparseStructuralLayer { 1 validity { 1 num_slots, 2 validity } } */
static pbw layer_validity(uint64_t slots, pbw v) {
  pbw l = {0}, m = {0};
  pbw_u(&m, 1, slots);
  pbw_msg(&m, 2, &v);
  pbw_msg(&l, 1, &m);
  pbw_free(&m);
  pbw_free(&v);
  return l;
}
/* SparseStructuralLayer { 2 list { 1 slots, 2 children, 3 non-empty, 4 counts,
** 5 validity } } */
static pbw layer_list(uint64_t slots, uint64_t children, pbw nonempty, pbw counts, pbw v) {
  pbw l = {0}, m = {0};
  pbw_u(&m, 1, slots);
  pbw_u(&m, 2, children);
  pbw_msg(&m, 3, &nonempty);
  pbw_msg(&m, 4, &counts);
  pbw_msg(&m, 5, &v);
  pbw_msg(&l, 2, &m);
  pbw_free(&m);
  pbw_free(&nonempty);
  pbw_free(&counts);
  pbw_free(&v);
  return l;
}

/* ---- one-page files ------------------------------------------------------------ */

typedef struct sp_case {
  uint64_t rows, items, visible;
  pbw layers[6];
  int nlayers;
  const int32_t *vals;        /* `visible` int32 values, Flat(32), one chunk */
  const uint64_t *xbuf[4];    /* explicit sets' u64 buffers, in layout order */
  size_t xn[4];
  int nx;
  int drop_bufs;              /* write this many fewer buffers */
  uint64_t meta_extra_words;  /* added to the chunk's word count */
} sp_case;

typedef struct sp_out {
  lfb b;
  lf_store *st;
  lf_file *f;
  lf_pagedata pd;
  lf_error err;
} sp_out;

static void put_le(uint8_t *p, uint64_t v, int w) {
  for (int i = 0; i < w; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Build and decode; returns lf_decode_page21's code (layers freed). */
static int run(sp_case *c, sp_out *o) {
  memset(o, 0, sizeof *o);
  pbw sparse = {0}, page = {0}, ce = ce_flat(32);
  pbw_msg(&sparse, 1, &ce);
  pbw_u(&sparse, 2, 1);
  pbw_u(&sparse, 3, c->items);
  pbw_u(&sparse, 4, c->visible);
  for (int i = 0; i < c->nlayers; i++) {
    pbw_msg(&sparse, 6, &c->layers[i]);
    pbw_free(&c->layers[i]);
  }
  pbw_msg(&page, 5, &sparse);
  /* value chunk: u16 0, u16 size, pad 8, values, pad 8 */
  static uint8_t meta[8], chunk[8 + 4096];
  size_t vbytes = (size_t)c->visible * 4, clen = c->visible ? 8 + ((vbytes + 7) & ~(size_t)7) : 0;
  memset(chunk, 0, sizeof chunk);
  put_le(chunk + 2, vbytes, 2);
  if (c->visible) memcpy(chunk + 8, c->vals, vbytes);
  put_le(meta, clen / 8 - 1 + c->meta_extra_words, 4);
  put_le(meta + 4, c->visible, 4);
  const void *bufs[8] = {meta, chunk};
  size_t lens[8] = {c->visible ? 8 : 0, clen};
  int nbuf = 2;
  for (int i = 0; i < c->nx; i++) {
    bufs[nbuf] = c->xbuf[i];
    lens[nbuf++] = c->xn[i] * 8;
  }
  lfb_one_page_file(&o->b, "int32", c->rows, bufs, lens, nbuf - c->drop_bufs, &page, 2, 3);
  pbw_free(&ce);
  pbw_free(&sparse);
  pbw_free(&page);
  int rc = lfb_open(&o->b, &o->st, &o->f, &o->err);
  assert_int_equal(rc, LF_OK);
  return lf_decode_page21(o->f, &o->f->cols[0].pages[0], &o->pd, &o->err);
}

static void done(sp_out *o) {
  lf_pagedata_reset(&o->pd);
  lf_file_free(o->f);
  lf_store_free(o->st);
  lfb_free(&o->b);
}

static void expect_ok(sp_case *c, sp_out *o) {
  int rc = run(c, o);
  if (rc) fail_msg("decode failed: %s", o->err.msg);
}

static void expect_levels(const sp_out *o, const uint16_t *rep, const uint16_t *def, uint64_t n) {
  assert_true(o->pd.n_levels == n);
  if (rep) {
    assert_non_null(o->pd.rep);
    assert_memory_equal(o->pd.rep, rep, n * 2);
  } else {
    assert_null(o->pd.rep);
  }
  if (def) {
    assert_non_null(o->pd.def);
    assert_memory_equal(o->pd.def, def, n * 2);
  } else {
    assert_null(o->pd.def);
  }
}

static void expect_vals(const sp_out *o, const int32_t *v, uint64_t n) {
  assert_int_equal(o->pd.vals.kind, LF_BLK_FIXED);
  assert_true(o->pd.vals.bits == 32 && o->pd.vals.n == n);
  assert_memory_equal(o->pd.vals.data, v, n * 4);
}

static void expect_error(sp_case *c, int code, const char *needle) {
  sp_out o;
  assert_int_equal(run(c, &o), code);
  if (!strstr(o.err.msg, needle)) fail_msg("message '%s' lacks '%s'", o.err.msg, needle);
  assert_int_equal(o.pd.n_levels, 0); /* reset on error */
  done(&o);
}

/* ---- conversions -------------------------------------------------------------- */

/* List<int32>: [1,2], null, [], [3], [4,5,6].  Non-empty positions
** {0,3,4} stored as deltas 0,3,1; counts 2,1,3 explicit; the null list as a
** range of null positions; leaf all valid. */
static const int32_t V6[6] = {1, 2, 3, 4, 5, 6};
static const uint64_t DELTAS_034[3] = {0, 3, 1}, COUNTS_213[3] = {2, 1, 3};

static void list_case(sp_case *c) {
  memset(c, 0, sizeof *c);
  c->rows = 5, c->items = 8, c->visible = 6, c->vals = V6;
  c->layers[0] = layer_list(5, 6, pos_explicit(3), cnt_explicit(), validity(NULLS, pos_range(1, 1)));
  c->layers[1] = layer_validity(6, all_valid());
  c->nlayers = 2;
  c->xbuf[0] = DELTAS_034, c->xn[0] = 3;
  c->xbuf[1] = COUNTS_213, c->xn[1] = 3;
  c->nx = 2;
}

static void test_list_null_and_empty(void **state) {
  (void)state;
  sp_case c;
  sp_out o;
  list_case(&c);
  expect_ok(&c, &o);
  assert_int_equal(o.pd.n_layers, 2);
  assert_int_equal(o.pd.layers[0], LF_LAYER_ALL_VALID_ITEM);
  assert_int_equal(o.pd.layers[1], LF_LAYER_NULL_AND_EMPTY_LIST);
  /* def 1 = null list, 2 = empty list; rep 1 starts a row */
  const uint16_t rep[8] = {1, 0, 1, 1, 1, 1, 0, 0}, def[8] = {0, 0, 1, 2, 0, 0, 0, 0};
  expect_levels(&o, rep, def, 8);
  expect_vals(&o, V6, 6);
  const uint64_t rl[6] = {0, 2, 3, 4, 5, 8}, ri[6] = {0, 2, 2, 2, 3, 6};
  assert_memory_equal(o.pd.row_level, rl, sizeof rl);
  assert_memory_equal(o.pd.row_item, ri, sizeof ri);
  done(&o);
}

/* Nullable int32 (one validity layer, no lists): valid positions {0,2,3,5}
** as deltas 0,2,1,2 -> nulls at 1 and 4, one visible item per row. */
static void test_leaf_valid_positions(void **state) {
  (void)state;
  static const uint64_t deltas[4] = {0, 2, 1, 2};
  sp_case c;
  sp_out o;
  memset(&c, 0, sizeof c);
  c.rows = 6, c.items = 6, c.visible = 6, c.vals = V6;
  c.layers[0] = layer_validity(6, validity(VALIDS, pos_explicit(4)));
  c.nlayers = 1;
  c.xbuf[0] = deltas, c.xn[0] = 4, c.nx = 1;
  expect_ok(&c, &o);
  assert_int_equal(o.pd.n_layers, 1);
  assert_int_equal(o.pd.layers[0], LF_LAYER_NULLABLE_ITEM);
  const uint16_t def[6] = {0, 1, 0, 0, 1, 0};
  expect_levels(&o, NULL, def, 6);
  expect_vals(&o, V6, 6);
  done(&o);
}

/* The same nulls given as null positions {1,4} (deltas 1,3). */
static void test_leaf_null_positions(void **state) {
  (void)state;
  static const uint64_t deltas[2] = {1, 3};
  sp_case c;
  sp_out o;
  memset(&c, 0, sizeof c);
  c.rows = 6, c.items = 6, c.visible = 6, c.vals = V6;
  c.layers[0] = layer_validity(6, validity(NULLS, pos_explicit(2)));
  c.nlayers = 1;
  c.xbuf[0] = deltas, c.xn[0] = 2, c.nx = 1;
  expect_ok(&c, &o);
  const uint16_t def[6] = {0, 1, 0, 0, 1, 0};
  expect_levels(&o, NULL, def, 6);
  done(&o);
}

/* A valid-positions set covering everything ("all") and a null-positions
** set that is empty both mean all valid: no levels at all. */
static void test_all_valid_no_levels(void **state) {
  (void)state;
  for (int k = 0; k < 2; k++) {
    sp_case c;
    sp_out o;
    memset(&c, 0, sizeof c);
    c.rows = 6, c.items = 6, c.visible = 6, c.vals = V6;
    c.layers[0] = layer_validity(6, k ? validity(VALIDS, pos_all(6)) : all_valid());
    c.nlayers = 1;
    expect_ok(&c, &o);
    assert_int_equal(o.pd.layers[0], LF_LAYER_ALL_VALID_ITEM);
    expect_levels(&o, NULL, NULL, 0);
    expect_vals(&o, V6, 6);
    done(&o);
  }
}

/* Every list non-empty ("all" positions) with a constant count of 2 and no
** leaf layer: an all-valid list over an implicit all-valid item. */
static void test_constant_counts_all(void **state) {
  (void)state;
  sp_case c;
  sp_out o;
  memset(&c, 0, sizeof c);
  c.rows = 3, c.items = 6, c.visible = 6, c.vals = V6;
  c.layers[0] = layer_list(3, 6, pos_all(3), cnt_const(2), validity(VALIDS, pos_all(3)));
  c.nlayers = 1;
  expect_ok(&c, &o);
  assert_int_equal(o.pd.n_layers, 2);
  assert_int_equal(o.pd.layers[0], LF_LAYER_ALL_VALID_ITEM);
  assert_int_equal(o.pd.layers[1], LF_LAYER_ALL_VALID_LIST);
  const uint16_t rep[6] = {1, 0, 1, 0, 1, 0};
  expect_levels(&o, rep, NULL, 6);
  expect_vals(&o, V6, 6);
  done(&o);
}

/* Non-empty range {1,2} of 4 lists, constant count 1: empties at 0 and 3. */
static void test_range_positions_emptyable(void **state) {
  (void)state;
  sp_case c;
  sp_out o;
  memset(&c, 0, sizeof c);
  c.rows = 4, c.items = 4, c.visible = 2, c.vals = V6;
  c.layers[0] = layer_list(4, 2, pos_range(1, 2), cnt_const(1), all_valid());
  c.layers[1] = layer_validity(2, all_valid());
  c.nlayers = 2;
  expect_ok(&c, &o);
  assert_int_equal(o.pd.layers[1], LF_LAYER_EMPTYABLE_LIST);
  const uint16_t rep[4] = {1, 1, 1, 1}, def[4] = {1, 0, 0, 1};
  expect_levels(&o, rep, def, 4);
  expect_vals(&o, V6, 2);
  done(&o);
}

/* Only empty and null lists: no values, empty count set. */
static void test_no_visible_items(void **state) {
  (void)state;
  sp_case c;
  sp_out o;
  memset(&c, 0, sizeof c);
  c.rows = 3, c.items = 3, c.visible = 0;
  c.layers[0] = layer_list(3, 0, pos_empty(), cnt_empty(), validity(VALIDS, pos_range(0, 2)));
  c.nlayers = 1;
  expect_ok(&c, &o);
  assert_int_equal(o.pd.layers[1], LF_LAYER_NULL_AND_EMPTY_LIST);
  const uint16_t rep[3] = {1, 1, 1}, def[3] = {2, 2, 1};
  expect_levels(&o, rep, def, 3);
  assert_true(o.pd.vals.n == 0);
  done(&o);
}

/* struct<l: list<int32>> with struct slot 1 null (its list slot empty):
** one entry at the struct's level; layers item, emptyable list, nullable
** struct (levels 1 = empty list, 2 = null struct). */
static void test_null_struct_over_list(void **state) {
  (void)state;
  static const uint64_t deltas[2] = {0, 2};
  sp_case c;
  sp_out o;
  memset(&c, 0, sizeof c);
  c.rows = 3, c.items = 3, c.visible = 2, c.vals = V6;
  c.layers[0] = layer_validity(3, validity(NULLS, pos_range(1, 1)));
  c.layers[1] = layer_list(3, 2, pos_explicit(2), cnt_const(1), all_valid());
  c.layers[2] = layer_validity(2, all_valid());
  c.nlayers = 3;
  c.xbuf[0] = deltas, c.xn[0] = 2, c.nx = 1;
  expect_ok(&c, &o);
  assert_int_equal(o.pd.n_layers, 3);
  assert_int_equal(o.pd.layers[0], LF_LAYER_ALL_VALID_ITEM);
  assert_int_equal(o.pd.layers[1], LF_LAYER_EMPTYABLE_LIST);
  assert_int_equal(o.pd.layers[2], LF_LAYER_NULLABLE_ITEM);
  const uint16_t rep[3] = {1, 1, 1}, def[3] = {0, 2, 0};
  expect_levels(&o, rep, def, 3);
  done(&o);
}

/* Nested list<list<int32>>: [[1],[2,3]], [[]], [null]. */
static void test_nested_lists(void **state) {
  (void)state;
  static const uint64_t outer_counts[3] = {2, 1, 1}, inner_deltas[2] = {0, 1};
  static const uint64_t inner_counts[2] = {1, 2};
  sp_case c;
  sp_out o;
  memset(&c, 0, sizeof c);
  c.rows = 3, c.items = 5, c.visible = 3, c.vals = V6;
  c.layers[0] = layer_list(3, 4, pos_all(3), cnt_explicit(), all_valid());
  c.layers[1] = layer_list(4, 3, pos_explicit(2), cnt_explicit(), validity(NULLS, pos_range(3, 1)));
  c.layers[2] = layer_validity(3, all_valid());
  c.nlayers = 3;
  c.xbuf[0] = outer_counts, c.xn[0] = 3;
  c.xbuf[1] = inner_deltas, c.xn[1] = 2;
  c.xbuf[2] = inner_counts, c.xn[2] = 2;
  c.nx = 3;
  expect_ok(&c, &o);
  assert_int_equal(o.pd.layers[1], LF_LAYER_NULL_AND_EMPTY_LIST);
  assert_int_equal(o.pd.layers[2], LF_LAYER_ALL_VALID_LIST);
  /* rep 2 = new row, 1 = new inner list, 0 = next item; def 1 null, 2 empty */
  const uint16_t rep[5] = {2, 1, 0, 2, 2}, def[5] = {0, 0, 0, 2, 1};
  expect_levels(&o, rep, def, 5);
  expect_vals(&o, V6, 3);
  done(&o);
}

/* ---- corrupt and unsupported ------------------------------------------------------ */

static void test_corrupt_counts(void **state) {
  (void)state;
  sp_case c;
  list_case(&c);
  c.items = 9;
  expect_error(&c, LF_CORRUPT, "items but its layers imply");
  static const uint64_t bad_counts[3] = {2, 1, 4};
  list_case(&c);
  c.xbuf[1] = bad_counts;
  expect_error(&c, LF_CORRUPT, "exceed 6 children");
  static const uint64_t zero_counts[3] = {2, 0, 4};
  list_case(&c);
  c.xbuf[1] = zero_counts;
  expect_error(&c, LF_CORRUPT, "count of 0");
}

static void test_corrupt_positions(void **state) {
  (void)state;
  sp_case c;
  static const uint64_t repeat[3] = {0, 3, 0}, beyond[3] = {0, 3, 2}, null_slot[3] = {0, 1, 3};
  list_case(&c);
  c.xbuf[0] = repeat;
  expect_error(&c, LF_CORRUPT, "does not increase");
  list_case(&c);
  c.xbuf[0] = beyond;
  expect_error(&c, LF_CORRUPT, "position 5 outside a domain of 5");
  list_case(&c); /* position 1 is the null list */
  c.xbuf[0] = null_slot;
  expect_error(&c, LF_CORRUPT, "null list 1 has 1 children");
  list_case(&c);
  pbw_free(&c.layers[0]);
  c.layers[0] = layer_list(5, 6, pos_explicit(3), cnt_explicit(), validity(NULLS, pos_range(4, 2)));
  expect_error(&c, LF_CORRUPT, "range 4+2");
  list_case(&c);
  pbw_free(&c.layers[0]);
  c.layers[0] = layer_list(5, 6, pos_explicit(3), cnt_explicit(), validity(NULLS, pos_all(4)));
  expect_error(&c, LF_CORRUPT, "'all' set of 4 positions");
}

static void test_corrupt_page(void **state) {
  (void)state;
  sp_case c;
  list_case(&c);
  c.drop_bufs = 1;
  expect_error(&c, LF_CORRUPT, "sparse page has 3 buffers, its layout needs 4");
  list_case(&c);
  c.meta_extra_words = 1;
  expect_error(&c, LF_CORRUPT, "exceeds the page");
  list_case(&c);
  c.rows = 4;
  expect_error(&c, LF_CORRUPT, "4 rows but its outer layer 5 slots");
  list_case(&c);
  pbw_free(&c.layers[1]);
  c.layers[1] = layer_validity(7, all_valid());
  expect_error(&c, LF_CORRUPT, "layer 1 has 7 slots, expected 6");
}

static void test_unsupported(void **state) {
  (void)state;
  sp_case c;
  /* an unknown layer variant (field 4) */
  list_case(&c);
  pbw_free(&c.layers[1]);
  pbw m = {0};
  pbw_u(&m, 1, 6);
  pbw_msg(&c.layers[1], 4, &m);
  pbw_free(&m);
  expect_error(&c, LF_UNSUPPORTED, "sparse structural layer variant 4");
  /* a fixed-size-list layer */
  list_case(&c);
  pbw_free(&c.layers[1]);
  pbw_u(&m, 1, 6);
  pbw_u(&m, 2, 1);
  pbw v = all_valid();
  pbw_msg(&m, 3, &v);
  pbw_msg(&c.layers[1], 3, &m);
  pbw_free(&m);
  pbw_free(&v);
  expect_error(&c, LF_UNSUPPORTED, "fixed-size-list");
  /* validity meaning 3 */
  list_case(&c);
  pbw_free(&c.layers[1]);
  c.layers[1] = layer_validity(6, validity(3, pos_empty()));
  expect_error(&c, LF_UNSUPPORTED, "validity meaning 3");
  /* a non-empty list below a null struct slot */
  static const uint64_t deltas[3] = {0, 1, 1};
  memset(&c, 0, sizeof c);
  c.rows = 3, c.items = 3, c.visible = 3, c.vals = V6;
  c.layers[0] = layer_validity(3, validity(NULLS, pos_range(1, 1)));
  c.layers[1] = layer_list(3, 3, pos_explicit(3), cnt_const(1), all_valid());
  c.nlayers = 2;
  c.xbuf[0] = deltas, c.xn[0] = 3, c.nx = 1;
  expect_error(&c, LF_UNSUPPORTED, "below a null struct slot");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_list_null_and_empty),
      cmocka_unit_test(test_leaf_valid_positions),
      cmocka_unit_test(test_leaf_null_positions),
      cmocka_unit_test(test_all_valid_no_levels),
      cmocka_unit_test(test_constant_counts_all),
      cmocka_unit_test(test_range_positions_emptyable),
      cmocka_unit_test(test_no_visible_items),
      cmocka_unit_test(test_null_struct_over_list),
      cmocka_unit_test(test_nested_lists),
      cmocka_unit_test(test_corrupt_counts),
      cmocka_unit_test(test_corrupt_positions),
      cmocka_unit_test(test_corrupt_page),
      cmocka_unit_test(test_unsupported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
