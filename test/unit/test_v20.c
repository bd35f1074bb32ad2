/* test_v20.c: reading file version 2.0 (format/v20.c) on hand-built
** lance.encodings.ArrayEncoding trees (encodings_v2_0.proto), here the
** fixed-size lists whose items are null: LanceDB 0.39 writes them as
** Nullable(FixedSizeList{dim, items: Nullable(Flat)}) without has_validity. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "lfbuild.h"

/* ArrayEncoding builders: each appends one ArrayEncoding to *out. */
static void ae_flat(pbw *out, uint64_t bits, uint64_t buffer) {
  pbw buf = {0}, flat = {0}, ae = {0};
  pbw_u(&buf, 1, buffer);
  pbw_u(&flat, 1, bits);
  pbw_msg(&flat, 2, &buf);
  pbw_msg(&ae, 1, &flat);
  pbw_raw(out, ae.p, ae.n);
  pbw_free(&buf);
  pbw_free(&flat);
  pbw_free(&ae);
}
/* Nullable: some_nulls {validity, values} when validity is given, else
** no_nulls {values}. */
static void ae_nullable(pbw *out, const pbw *validity, const pbw *values) {
  pbw arm = {0}, nul = {0}, ae = {0};
  if (validity) pbw_msg(&arm, 1, validity);
  pbw_msg(&arm, validity ? 2 : 1, values);
  pbw_msg(&nul, validity ? 2 : 1, &arm);
  pbw_msg(&ae, 2, &nul);
  pbw_raw(out, ae.p, ae.n);
  pbw_free(&arm);
  pbw_free(&nul);
  pbw_free(&ae);
}
static void ae_fsl(pbw *out, uint64_t dim, const pbw *items) {
  pbw m = {0}, ae = {0};
  pbw_u(&m, 1, dim);
  pbw_msg(&m, 2, items);
  pbw_msg(&ae, 3, &m);
  pbw_raw(out, ae.p, ae.n);
  pbw_free(&m);
  pbw_free(&ae);
}

/* fixed_size_list<float>[4] "v" in two pages of 3 rows:
**   page 0  rows [0,1,2] [4..7] [8..11], nothing null (items no_nulls)
**   page 1  row 3 items 1 and 3 null, row 4 null, row 5 item 0 null */
static void build_fsl_file(lfb *b) {
  memset(b, 0, sizeof *b);
  float v0[12], v1[12];
  for (int i = 0; i < 12; i++) v0[i] = (float)i, v1[i] = (float)(100 + i);
  const uint8_t rows1 = 0x5 /* rows 3, 5 valid */, items1 = 0xf5 /* items 1, 3 of row 3 null */;
  const uint8_t items1b = 0x0e; /* item 8 (row 5 item 0) null, 9..11 valid */
  uint8_t iv[2] = {items1, items1b};
  uint64_t off[4], len[4];
  pbw col = {0};
  off[0] = lfb_put(b, v0, sizeof v0), len[0] = sizeof v0;
  pbw f0 = {0}, nn = {0}, l0 = {0}, p0 = {0};
  ae_flat(&f0, 32, 0);
  ae_nullable(&nn, NULL, &f0);
  ae_fsl(&l0, 4, &nn);
  ae_nullable(&p0, NULL, &l0);
  lfb_page(&col, off, len, 1, 3, &p0);
  off[0] = lfb_put(b, &rows1, 1), len[0] = 1;
  off[1] = lfb_put(b, iv, 2), len[1] = 2;
  off[2] = lfb_put(b, v1, sizeof v1), len[2] = sizeof v1;
  pbw rv = {0}, ivb = {0}, vals = {0}, items = {0}, l1 = {0}, p1 = {0};
  ae_flat(&rv, 1, 0);
  ae_flat(&ivb, 1, 1);
  ae_flat(&vals, 32, 2);
  ae_nullable(&items, &ivb, &vals);
  ae_fsl(&l1, 4, &items);
  ae_nullable(&p1, &rv, &l1);
  lfb_page(&col, off, len, 3, 3, &p1);
  pbw schema = {0};
  pbw_schema_field(&schema, "v", 0, -1, "fixed_size_list:float:4", 1);
  lfb_finish(b, &schema, 6, &col, 1, 0, 3);
  pbw *all[] = {&col, &f0, &nn, &l0, &p0, &rv, &ivb, &vals, &items, &l1, &p1, &schema};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) pbw_free(all[i]);
}

/* Row r (file row `row`) of a: null or 4 items, each null or 100+k / k. */
static void check_row(const lf_array *a, uint64_t r, uint64_t row) {
  static const int row_null[6] = {0, 0, 0, 0, 1, 0};
  static const int item_null[6][4] = {{0}, {0}, {0}, {0, 1, 0, 1}, {1, 1, 1, 1}, {1, 0, 0, 0}};
  if (row_null[row]) {
    assert_true(lf_array_is_null(a, r));
    return;
  }
  assert_false(lf_array_is_null(a, r));
  const lf_array *it = &a->children[0];
  for (uint64_t k = 0; k < 4; k++) {
    uint64_t i = r * 4 + k;
    if (item_null[row][k]) {
      if (!lf_array_is_null(it, i)) fail_msg("row %llu item %llu is not null", (unsigned long long)row, (unsigned long long)k);
      continue;
    }
    if (lf_array_is_null(it, i)) fail_msg("row %llu item %llu is null", (unsigned long long)row, (unsigned long long)k);
    float x;
    memcpy(&x, it->values + 4 * i, 4);
    float want = (float)(row < 3 ? row * 4 + k : 100 + (row - 3) * 4 + k);
    if (x != want) fail_msg("row %llu item %llu: %g, expected %g", (unsigned long long)row, (unsigned long long)k, x, want);
  }
}

/* Open b and an array for its field 0. */
static void open_field0(const lfb *b, lf_store **st, lf_file **f, lf_array *a) {
  lf_error err = {0};
  if (lfb_open(b, st, f, &err)) fail_msg("%s", err.msg);
  lf_array_init(a, lf_file_schema(*f)->fields[0]);
}

/* Null items read as null in full reads and takes, next to null rows, and
** pages without null items append to pages with them. */
static void test_fsl_null_items(void **state) {
  (void)state;
  lfb b;
  build_fsl_file(&b);
  lf_store *st;
  lf_file *f;
  lf_array a;
  lf_error err = {0};
  open_field0(&b, &st, &f, &a);
  if (lf_file_read_range(f, 0, 0, 6, &a, &err)) fail_msg("%s", err.msg);
  assert_true(a.length == 6);
  for (uint64_t r = 0; r < 6; r++) check_row(&a, r, r);
  lf_array_reset(&a);
  const uint64_t rows[] = {1, 3, 4, 5};
  lf_array_init(&a, lf_file_schema(f)->fields[0]);
  if (lf_file_take(f, 0, rows, 4, &a, &err)) fail_msg("%s", err.msg);
  assert_true(a.length == 4);
  for (uint64_t r = 0; r < 4; r++) check_row(&a, r, rows[r]);
  lf_array_reset(&a);
  lf_array_init(&a, lf_file_schema(f)->fields[0]);
  if (lf_file_read_range(f, 0, 4, 6, &a, &err)) fail_msg("%s", err.msg);
  check_row(&a, 0, 4);
  check_row(&a, 1, 5);
  lf_array_reset(&a);
  lf_file_free(f);
  lf_store_free(st);
  lfb_free(&b);
}

/* A fixed-size list of fixed-size lists with null items is not read as
** anything else. */
static void test_nested_fsl_unsupported(void **state) {
  (void)state;
  lfb b = {0};
  uint8_t vbits = 0x7, data[64] = {0};
  uint64_t off[2], len[2];
  off[0] = lfb_put(&b, &vbits, 1), len[0] = 1;
  off[1] = lfb_put(&b, data, sizeof data), len[1] = sizeof data;
  pbw iv = {0}, vals = {0}, items = {0}, inner = {0}, outer = {0}, col = {0}, schema = {0};
  ae_flat(&iv, 1, 0);
  ae_flat(&vals, 32, 1);
  ae_nullable(&items, &iv, &vals);
  ae_fsl(&inner, 2, &items);
  ae_fsl(&outer, 2, &inner);
  lfb_page(&col, off, len, 2, 1, &outer);
  pbw_schema_field(&schema, "v", 0, -1, "fixed_size_list:fixed_size_list:float:2:2", 1);
  lfb_finish(&b, &schema, 1, &col, 1, 0, 3);
  lf_store *st;
  lf_file *f;
  lf_array a;
  lf_error err = {0};
  open_field0(&b, &st, &f, &a);
  assert_int_equal(lf_file_read_range(f, 0, 0, 1, &a, &err), LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "nested fixed_size_list"));
  lf_array_reset(&a);
  lf_file_free(f);
  lf_store_free(st);
  pbw *all[] = {&iv, &vals, &items, &inner, &outer, &col, &schema};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) pbw_free(all[i]);
  lfb_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fsl_null_items),
      cmocka_unit_test(test_nested_fsl_unsupported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
