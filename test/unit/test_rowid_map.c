/* test_rowid_map.c: the row id -> row address lookup (format/rowid_map.c)
** over row id sequences parsed by format/rowids.c (ranges, ranges with
** holes, bitmaps, sorted and unsorted arrays) minus deleted rows, and
** lf_dataset_locate (format/table.c) on the LanceDB-written fixtures, at
** every version, against the forward mapping lf_dataset_row_id. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "pbw.h"
#include "testdata.h"

/* ---- RowIdSequence messages (rowids.c's layout) ----------------------------- */

/* U64Segment { kind { 1 start, 2 end [, 3 extra bytes] } } appended as field 1. */
static void seg_range(pbw *seq, uint32_t kind, uint64_t start, uint64_t end, const pbw *extra) {
  pbw r = {0}, s = {0};
  pbw_u(&r, 1, start);
  pbw_u(&r, 2, end);
  if (extra) pbw_msg(&r, 3, extra);
  pbw_msg(&s, kind, &r);
  pbw_msg(seq, 1, &s);
  pbw_free(&r);
  pbw_free(&s);
}

/* EncodedU64Array { 1 U16Array { 1 base, 2 offsets } } or { 3 U64Array { 2 values } }. */
static void enc_array(pbw *out, int wide, uint64_t base, const uint64_t *v, size_t n) {
  pbw a = {0}, bytes = {0};
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < (wide ? 8 : 2); k++) pbw_byte(&bytes, (uint8_t)((v[i] - base) >> (8 * k)));
  if (!wide) pbw_u(&a, 1, base);
  pbw_bytes(&a, 2, bytes.p, bytes.n);
  pbw_msg(out, wide ? 3 : 1, &a);
  pbw_free(&a);
  pbw_free(&bytes);
}

/* U64Segment { kind (4 sorted_array, 5 array): EncodedU64Array } as field 1. */
static void seg_array(pbw *seq, uint32_t kind, int wide, uint64_t base, const uint64_t *v,
                      size_t n) {
  pbw e = {0}, s = {0};
  enc_array(&e, wide, base, v, n);
  pbw_msg(&s, kind, &e);
  pbw_msg(seq, 1, &s);
  pbw_free(&e);
  pbw_free(&s);
}

static void parse(const pbw *seq, uint64_t rows, lf_rowids *out) {
  lf_error err;
  if (lf_rowids_parse(seq->p, seq->n, rows, out, &err)) fail_msg("parse: %s", err.msg);
  assert_true(out->len == rows);
}

static void expect(const lf_rowid_map *m, uint64_t id, int frag, uint64_t off) {
  int f = -7;
  uint64_t o = 0;
  int found = lf_rowid_map_find(m, id, &f, &o);
  if (frag < 0) {
    if (found) fail_msg("id %llu: found at fragment %d offset %llu, expected none",
                        (unsigned long long)id, f, (unsigned long long)o);
    return;
  }
  if (!found || f != frag || o != off)
    fail_msg("id %llu: %s fragment %d offset %llu, expected %d / %llu", (unsigned long long)id,
             found ? "found at" : "not found:", f, (unsigned long long)o, frag,
             (unsigned long long)off);
}

/* Five fragments, one per segment kind, with deletions and a moved row. */
static void test_map_segments(void **state) {
  (void)state;
  lf_rowids r[5];
  pbw seq = {0}, x = {0};
  /* 0: Range [0, 10), offsets 3, 4 and 9 deleted (id 3 moved to fragment 3) */
  seg_range(&seq, 1, 0, 10, NULL);
  parse(&seq, 10, &r[0]);
  /* 1: RangeWithHoles [10, 20) without 12 and 15: 10 11 13 14 16 17 18 19;
  **    offset 2 (id 13) deleted */
  pbw_reset(&seq);
  const uint64_t holes[2] = {12, 15};
  enc_array(&x, 0, 10, holes, 2);
  seg_range(&seq, 2, 10, 20, &x);
  parse(&seq, 8, &r[1]);
  /* 2: RangeWithBitmap [100, 108) bits 0xdd: 100 102 103 104 106 107 (as
  **    LanceDB writes after compaction) */
  pbw_reset(&seq);
  pbw_reset(&x);
  pbw_byte(&x, 0xdd);
  {
    pbw r3 = {0}, s = {0};
    pbw_u(&r3, 1, 100);
    pbw_u(&r3, 2, 108);
    pbw_bytes(&r3, 3, x.p, x.n);
    pbw_msg(&s, 3, &r3);
    pbw_msg(&seq, 1, &s);
    pbw_free(&r3);
    pbw_free(&s);
  }
  parse(&seq, 6, &r[2]);
  /* 3: array (unsorted, u64) 50 3 40 41 */
  pbw_reset(&seq);
  const uint64_t arr[4] = {50, 3, 40, 41};
  seg_array(&seq, 5, 1, 0, arr, 4);
  parse(&seq, 4, &r[3]);
  /* 4: sorted_array (u16, base 200) 200 201 202, then Range [300, 302) */
  pbw_reset(&seq);
  const uint64_t sorted[3] = {200, 201, 202};
  seg_array(&seq, 4, 0, 200, sorted, 3);
  seg_range(&seq, 1, 300, 302, NULL);
  parse(&seq, 5, &r[4]);

  lf_rowid_map m = {0};
  lf_error err;
  const uint32_t del0[3] = {3, 4, 9}, del1[1] = {2};
  assert_int_equal(lf_rowid_map_add(&m, 0, &r[0], del0, 3, &err), LF_OK);
  assert_int_equal(lf_rowid_map_add(&m, 1, &r[1], del1, 1, &err), LF_OK);
  for (int f = 2; f < 5; f++) assert_int_equal(lf_rowid_map_add(&m, f, &r[f], NULL, 0, &err), LF_OK);
  size_t bad;
  assert_int_equal(lf_rowid_map_finish(&m, &bad), LF_OK);
  /* runs: deletions split ranges, consecutive ids at consecutive offsets merge:
  ** [0,3) [5,9) | 10-11, 14, 16-19 | 100, 102-104, 106-107 | 50, 3, 40-41 |
  ** 200-202 with 300-301 (not consecutive ids: two runs) */
  assert_true(m.n == 2 + 3 + 3 + 3 + 2);
  for (size_t i = 1; i < m.n; i++) assert_true(m.runs[i - 1].id < m.runs[i].id);
  expect(&m, 0, 0, 0);
  expect(&m, 2, 0, 2);
  expect(&m, 3, 3, 1); /* deleted in fragment 0, live in fragment 3 */
  expect(&m, 4, -1, 0);
  expect(&m, 5, 0, 5);
  expect(&m, 8, 0, 8);
  expect(&m, 9, -1, 0);
  expect(&m, 10, 1, 0);
  expect(&m, 12, -1, 0); /* a hole */
  expect(&m, 13, -1, 0); /* deleted */
  expect(&m, 14, 1, 3);
  expect(&m, 19, 1, 7);
  expect(&m, 20, -1, 0);
  expect(&m, 100, 2, 0);
  expect(&m, 101, -1, 0);
  expect(&m, 103, 2, 2);
  expect(&m, 107, 2, 5);
  expect(&m, 108, -1, 0);
  expect(&m, 40, 3, 2);
  expect(&m, 41, 3, 3);
  expect(&m, 50, 3, 0);
  expect(&m, 202, 4, 2);
  expect(&m, 300, 4, 3);
  expect(&m, 301, 4, 4);
  expect(&m, 302, -1, 0);
  expect(&m, UINT64_MAX, -1, 0);
  /* a sixth fragment holding ids 1..2 live again: 1 is live twice */
  pbw_reset(&seq);
  seg_range(&seq, 1, 1, 3, NULL);
  lf_rowids dup;
  parse(&seq, 2, &dup);
  assert_int_equal(lf_rowid_map_add(&m, 5, &dup, NULL, 0, &err), LF_OK);
  assert_int_equal(lf_rowid_map_finish(&m, &bad), LF_CORRUPT);
  assert_true(bad > 0 && bad < m.n);
  assert_true(m.runs[bad].id - m.runs[bad - 1].id < m.runs[bad - 1].n);
  lf_rowids_reset(&dup);
  lf_rowid_map_reset(&m);
  /* the empty map finds nothing */
  expect(&m, 0, -1, 0);
  for (int f = 0; f < 5; f++) lf_rowids_reset(&r[f]);
  pbw_free(&seq);
  pbw_free(&x);
}

/* Every row of every version of a fixture: locate(row_id(i, off)) gives
** back (i, off) for live rows, and deleted rows are not found there. */
static void check_dataset(const char *name) {
  lf_store *st;
  lf_error err;
  if (lf_store_local_new(test_data_dir(), &st, &err)) fail_msg("store: %s", err.msg);
  uint64_t *vers;
  size_t nv;
  if (lf_dataset_versions(st, name, &vers, &nv, &err)) fail_msg("%s: %s", name, err.msg);
  uint64_t checked = 0;
  for (size_t v = 0; v < nv; v++) {
    lf_dataset *ds;
    if (lf_dataset_open(st, name, vers[v], NULL, &ds, &err)) fail_msg("%s: %s", name, err.msg);
    for (int i = 0; i < lf_dataset_num_fragments(ds); i++) {
      const lf_fragment *fr = lf_dataset_fragment(ds, i);
      const uint32_t *del;
      size_t ndel, d = 0;
      if (lf_dataset_deletions(ds, i, &del, &ndel, &err)) fail_msg("%s", err.msg);
      for (uint64_t off = 0; off < fr->physical_rows; off++) {
        uint64_t id, o = 0;
        int f = -2;
        if (lf_dataset_row_id(ds, i, off, &id, &err) ||
            lf_dataset_locate(ds, id, &f, &o, &err))
          fail_msg("%s v%llu: %s", name, (unsigned long long)vers[v], err.msg);
        int deleted = d < ndel && del[d] == off;
        if (deleted) d++;
        if (deleted) assert_false(f == i && o == off);
        else if (f != i || o != off)
          fail_msg("%s v%llu: row id %llu at fragment %d offset %llu, located at %d / %llu",
                   name, (unsigned long long)vers[v], (unsigned long long)id, i,
                   (unsigned long long)off, f, (unsigned long long)o);
        checked++;
      }
    }
    int f = 0;
    uint64_t o;
    assert_int_equal(lf_dataset_locate(ds, (uint64_t)1 << 40, &f, &o, &err), LF_OK);
    assert_int_equal(f, -1); /* no fragment 256 */
    lf_dataset_free(ds);
  }
  assert_true(checked > 0);
  free(vers);
  lf_store_free(st);
}

static void test_locate_stable(void **state) {
  (void)state;
  check_dataset("stable.lance");
  check_dataset("v1stable.lance");
}

static void test_locate_addresses(void **state) {
  (void)state;
  check_dataset("hist.lance");
  check_dataset("big.lance");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_map_segments),
      cmocka_unit_test(test_locate_stable),
      cmocka_unit_test(test_locate_addresses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
