/* test_assemble.c: rep/def levels + items -> lf_array trees (format/assemble.c).
**
** Expected outputs follow Lance's RepDefUnraveler (rust/lance-encoding/src/
** repdef.rs): definition levels numbered from 1 inner-most first (a nullable
** and emptyable list takes null, then empty), repetition r > 0 starts a new
** list at depth r counted from the inside, a null struct masks its inner
** items (null slot) and lists (null list) down to the next list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"

static void fld(lf_field *f, const char *name, lf_type t, lf_field **kids, int nk) {
  memset(f, 0, sizeof *f);
  f->name = (char *)name;
  f->logical_type = (char *)name;
  f->type = t;
  f->nullable = 1;
  f->id = -1;
  f->parent_id = -1;
  f->children = kids;
  f->n_children = nk;
  for (int i = 0; i < nk; i++) kids[i]->parent = f;
}

/* Page data over caller-owned arrays (never lf_pagedata_reset). */
static lf_pagedata mkpd(uint64_t rows, const uint8_t *layers, int nl, uint16_t *rep,
                        uint16_t *def, uint64_t nlev, uint64_t *row_level, uint64_t *row_item,
                        int32_t *vals, uint64_t nvals) {
  lf_pagedata pd;
  memset(&pd, 0, sizeof pd);
  pd.num_rows = rows;
  pd.n_layers = nl;
  memcpy(pd.layers, layers, (size_t)nl);
  pd.rep = rep;
  pd.def = def;
  pd.n_levels = nlev;
  pd.row_level = row_level;
  pd.row_item = row_item;
  pd.vals.kind = LF_BLK_FIXED;
  pd.vals.bits = 32;
  pd.vals.n = nvals;
  pd.vals.data = (uint8_t *)vals;
  pd.vals.data_len = nvals * 4;
  return pd;
}

/* validity as a string of '1'/'0' */
static void check_valid(const lf_array *a, const char *want) {
  size_t n = strlen(want);
  assert_true(a->length == n);
  uint64_t nulls = 0;
  for (size_t i = 0; i < n; i++) {
    int v = a->valid_buf ? a->valid_buf[i] : 1;
    if (v != want[i] - '0')
      fail_msg("'%s' row %zu: valid %d, want %c (want %s)", a->field->name, i, v, want[i], want);
    nulls += want[i] == '0';
  }
  assert_true(a->null_count == nulls);
}

static void check_offsets(const lf_array *a, const uint64_t *want, size_t n) {
  assert_true(a->length + 1 == n);
  for (size_t i = 0; i < n; i++)
    if (a->offsets[i] != want[i])
      fail_msg("'%s' offset %zu: %llu, want %llu", a->field->name, i,
               (unsigned long long)a->offsets[i], (unsigned long long)want[i]);
}

static int32_t i32_at(const lf_array *a, uint64_t i) {
  int32_t v;
  memcpy(&v, a->values + 4 * i, 4);
  return v;
}

static const int W1[LF_MAX_LAYERS] = {1, 1, 1, 1, 1, 1, 1, 1};

/* ---- flat ---------------------------------------------------------------- */

static void test_flat_nullable_ints(void **state) {
  (void)state;
  lf_field f;
  fld(&f, "x", LF_T_INT32, NULL, 0);
  const uint8_t layers[1] = {LF_LAYER_NULLABLE_ITEM};
  uint16_t def[5] = {0, 1, 0, 0, 1};
  uint64_t rl[6] = {0, 1, 2, 3, 4, 5};
  int32_t vals[5] = {10, -1, 30, 40, -1}; /* nulls keep their value slot */
  lf_pagedata pd = mkpd(5, layers, 1, NULL, def, 5, rl, rl, vals, 5);
  lf_array a;
  lf_array_init(&a, &f);
  lf_array *path[1] = {&a};
  lf_error err = {0};
  assert_int_equal(lf_assemble(&pd, 0, 5, path, W1, 1, &err), LF_OK);
  check_valid(&a, "10110");
  assert_int_equal(i32_at(&a, 0), 10);
  assert_int_equal(i32_at(&a, 2), 30);
  assert_int_equal(i32_at(&a, 3), 40);
  /* rows [2, 5) appended after: 30, 40, null */
  assert_int_equal(lf_assemble(&pd, 2, 5, path, W1, 1, &err), LF_OK);
  check_valid(&a, "10110110");
  assert_int_equal(i32_at(&a, 5), 30);
  assert_int_equal(i32_at(&a, 6), 40);
  lf_array_reset(&a);
}

/* No levels at all (all valid): every row valid, values copied. */
static void test_flat_no_levels(void **state) {
  (void)state;
  lf_field f;
  fld(&f, "x", LF_T_INT32, NULL, 0);
  const uint8_t layers[1] = {LF_LAYER_ALL_VALID_ITEM};
  uint64_t rl[4] = {0, 1, 2, 3};
  int32_t vals[3] = {7, 8, 9};
  lf_pagedata pd = mkpd(3, layers, 1, NULL, NULL, 0, rl, rl, vals, 3);
  lf_array a;
  lf_array_init(&a, &f);
  lf_array *path[1] = {&a};
  assert_int_equal(lf_assemble(&pd, 1, 3, path, W1, 1, NULL), LF_OK);
  check_valid(&a, "11");
  assert_int_equal(i32_at(&a, 0), 8);
  assert_int_equal(i32_at(&a, 1), 9);
  lf_array_reset(&a);
}

/* An all-null page (constant layout without value): EMPTY values with a
** block validity of zeros; no levels. */
static void test_flat_all_null_block(void **state) {
  (void)state;
  lf_field f;
  fld(&f, "x", LF_T_INT32, NULL, 0);
  const uint8_t layers[1] = {LF_LAYER_NULLABLE_ITEM};
  uint64_t rl[4] = {0, 1, 2, 3};
  uint8_t valid[3] = {0, 0, 0};
  lf_pagedata pd = mkpd(3, layers, 1, NULL, NULL, 0, rl, rl, NULL, 0);
  pd.vals.kind = LF_BLK_EMPTY;
  pd.vals.n = 3;
  pd.vals.valid = valid;
  lf_array a;
  lf_array_init(&a, &f);
  lf_array *path[1] = {&a};
  assert_int_equal(lf_assemble(&pd, 0, 3, path, W1, 1, NULL), LF_OK);
  check_valid(&a, "000");
  assert_int_equal(i32_at(&a, 0), 0);
  assert_int_equal(i32_at(&a, 2), 0);
  lf_array_reset(&a);
}

/* ---- list<int32> -----------------------------------------------------------
** rows: [1, null, 3], null, [], [4], [null]
** layers: item NULLABLE_ITEM (def 1), list NULL_AND_EMPTY_LIST (null 2, empty 3) */
static uint16_t L_rep[7] = {1, 0, 0, 1, 1, 1, 1};
static uint16_t L_def[7] = {0, 1, 0, 2, 3, 0, 1};
static uint64_t L_rl[6] = {0, 3, 4, 5, 6, 7};
static uint64_t L_ri[6] = {0, 3, 3, 3, 4, 5};
static int32_t L_vals[5] = {1, -1, 3, 4, -1};
static const uint8_t L_layers[2] = {LF_LAYER_NULLABLE_ITEM, LF_LAYER_NULL_AND_EMPTY_LIST};

static void test_list_null_empty(void **state) {
  (void)state;
  lf_field item, lst, *kids[1] = {&item};
  fld(&item, "item", LF_T_INT32, NULL, 0);
  fld(&lst, "l", LF_T_LIST, kids, 1);
  lf_pagedata pd = mkpd(5, L_layers, 2, L_rep, L_def, 7, L_rl, L_ri, L_vals, 5);
  lf_array a;
  lf_array_init(&a, &lst);
  lf_array *path[2] = {&a, &a.children[0]};
  lf_error err = {0};
  assert_int_equal(lf_assemble(&pd, 0, 5, path, W1, 2, &err), LF_OK);
  check_valid(&a, "10111");
  const uint64_t off[6] = {0, 3, 3, 3, 4, 5};
  check_offsets(&a, off, 6);
  check_valid(&a.children[0], "10110");
  assert_int_equal(i32_at(&a.children[0], 0), 1);
  assert_int_equal(i32_at(&a.children[0], 2), 3);
  assert_int_equal(i32_at(&a.children[0], 3), 4);
  lf_array_reset(&a);
}

/* Rows [1, 4) only (r0 > 0): null, [], [4]. */
static void test_list_row_range_middle(void **state) {
  (void)state;
  lf_field item, lst, *kids[1] = {&item};
  fld(&item, "item", LF_T_INT32, NULL, 0);
  fld(&lst, "l", LF_T_LIST, kids, 1);
  lf_pagedata pd = mkpd(5, L_layers, 2, L_rep, L_def, 7, L_rl, L_ri, L_vals, 5);
  lf_array a;
  lf_array_init(&a, &lst);
  lf_array *path[2] = {&a, &a.children[0]};
  assert_int_equal(lf_assemble(&pd, 1, 4, path, W1, 2, NULL), LF_OK);
  check_valid(&a, "011");
  const uint64_t off[4] = {0, 0, 0, 1};
  check_offsets(&a, off, 4);
  check_valid(&a.children[0], "1");
  assert_int_equal(i32_at(&a.children[0], 0), 4);
  lf_array_reset(&a);
}

/* Two consecutive ranges appended give the same arrays as one. */
static void test_list_two_ranges_append(void **state) {
  (void)state;
  lf_field item, lst, *kids[1] = {&item};
  fld(&item, "item", LF_T_INT32, NULL, 0);
  fld(&lst, "l", LF_T_LIST, kids, 1);
  lf_pagedata pd = mkpd(5, L_layers, 2, L_rep, L_def, 7, L_rl, L_ri, L_vals, 5);
  lf_array a;
  lf_array_init(&a, &lst);
  lf_array *path[2] = {&a, &a.children[0]};
  assert_int_equal(lf_assemble(&pd, 0, 2, path, W1, 2, NULL), LF_OK);
  assert_int_equal(lf_assemble(&pd, 2, 5, path, W1, 2, NULL), LF_OK);
  check_valid(&a, "10111");
  const uint64_t off[6] = {0, 3, 3, 3, 4, 5};
  check_offsets(&a, off, 6);
  check_valid(&a.children[0], "10110");
  assert_int_equal(i32_at(&a.children[0], 3), 4);
  lf_array_reset(&a);
}

/* ---- the Repetition Levels example (encoding.md, repdef.rs) ---------------
** [{<0,1>, <>, <2>}, {<3>}, {}], [], [{<4>}]: three emptyable list layers
** (def 1 inner empty, 2 middle empty, 3 outer empty), all items valid. */
static void test_repetition_example(void **state) {
  (void)state;
  lf_field item, inner, middle, outer;
  lf_field *k0[1] = {&item}, *k1[1] = {&inner}, *k2[1] = {&middle};
  fld(&item, "item", LF_T_INT32, NULL, 0);
  fld(&inner, "inner", LF_T_LIST, k0, 1);
  fld(&middle, "middle", LF_T_LIST, k1, 1);
  fld(&outer, "outer", LF_T_LIST, k2, 1);
  const uint8_t layers[4] = {LF_LAYER_ALL_VALID_ITEM, LF_LAYER_EMPTYABLE_LIST,
                             LF_LAYER_EMPTYABLE_LIST, LF_LAYER_EMPTYABLE_LIST};
  uint16_t rep[8] = {3, 0, 1, 1, 2, 2, 3, 3};
  uint16_t def[8] = {0, 0, 1, 0, 0, 2, 3, 0};
  uint64_t rl[4] = {0, 6, 7, 8}, ri[4] = {0, 4, 4, 5};
  int32_t vals[5] = {0, 1, 2, 3, 4};
  lf_pagedata pd = mkpd(3, layers, 4, rep, def, 8, rl, ri, vals, 5);
  lf_array a;
  lf_array_init(&a, &outer);
  lf_array *m = &a.children[0], *in = &m->children[0], *it = &in->children[0];
  lf_array *path[4] = {&a, m, in, it};
  lf_error err = {0};
  if (lf_assemble(&pd, 0, 3, path, W1, 4, &err)) fail_msg("%s", err.msg);
  const uint64_t oo[4] = {0, 3, 3, 4}, mo[5] = {0, 3, 4, 4, 5}, io[6] = {0, 2, 2, 3, 4, 5};
  check_offsets(&a, oo, 4);
  check_offsets(m, mo, 5);
  check_offsets(in, io, 6);
  check_valid(&a, "111");
  check_valid(m, "1111");
  check_valid(in, "11111");
  check_valid(it, "11111");
  for (int i = 0; i < 5; i++) assert_int_equal(i32_at(it, (uint64_t)i), i);
  /* the last row alone */
  lf_array_reset(&a);
  lf_array_init(&a, &outer);
  m = &a.children[0], in = &m->children[0], it = &in->children[0];
  lf_array *path2[4] = {&a, m, in, it};
  assert_int_equal(lf_assemble(&pd, 2, 3, path2, W1, 4, NULL), LF_OK);
  const uint64_t oo2[2] = {0, 1}, mo2[2] = {0, 1}, io2[2] = {0, 1};
  check_offsets(&a, oo2, 2);
  check_offsets(m, mo2, 2);
  check_offsets(in, io2, 2);
  assert_int_equal(i32_at(it, 0), 4);
  lf_array_reset(&a);
}

/* list<list<int32>> with null and empty lists at both levels and null items.
** rows: [[1, null], null, []], null, [], [[2]]
** def: 1 item null, 2 inner null, 3 inner empty, 4 outer null, 5 outer empty */
static void test_list_list_nulls(void **state) {
  (void)state;
  lf_field item, inner, outer, *k0[1] = {&item}, *k1[1] = {&inner};
  fld(&item, "item", LF_T_INT32, NULL, 0);
  fld(&inner, "inner", LF_T_LIST, k0, 1);
  fld(&outer, "outer", LF_T_LIST, k1, 1);
  const uint8_t layers[3] = {LF_LAYER_NULLABLE_ITEM, LF_LAYER_NULL_AND_EMPTY_LIST,
                             LF_LAYER_NULL_AND_EMPTY_LIST};
  uint16_t rep[7] = {2, 0, 1, 1, 2, 2, 2};
  uint16_t def[7] = {0, 1, 2, 3, 4, 5, 0};
  uint64_t rl[5] = {0, 4, 5, 6, 7}, ri[5] = {0, 2, 2, 2, 3};
  int32_t vals[3] = {1, -1, 2};
  lf_pagedata pd = mkpd(4, layers, 3, rep, def, 7, rl, ri, vals, 3);
  lf_array a;
  lf_array_init(&a, &outer);
  lf_array *in = &a.children[0], *it = &in->children[0];
  lf_array *path[3] = {&a, in, it};
  lf_error err = {0};
  if (lf_assemble(&pd, 0, 4, path, W1, 3, &err)) fail_msg("%s", err.msg);
  const uint64_t oo[5] = {0, 3, 3, 3, 4}, io[5] = {0, 2, 2, 2, 3};
  check_valid(&a, "1011");
  check_offsets(&a, oo, 5);
  check_valid(in, "1011");
  check_offsets(in, io, 5);
  check_valid(it, "101");
  assert_int_equal(i32_at(it, 0), 1);
  assert_int_equal(i32_at(it, 2), 2);
  lf_array_reset(&a);
}

/* ---- structs ----------------------------------------------------------------
** struct s {a: int32, b: list<int32>}, rows:
**   {a:1, b:[10, 11]}, null, {a:null, b:null}, {a:4, b:[]}, {a:5, b:[null]}
** leaf a: layers a NULLABLE_ITEM (1), s NULLABLE_ITEM (2); no rep
** leaf b: item NULLABLE_ITEM (1), b NULL_AND_EMPTY_LIST (2 null, 3 empty),
**         s NULLABLE_ITEM (4) */
typedef struct sfix {
  lf_field s, a, b, item;
  lf_field *sk[2], *bk[1];
  lf_array arr;
} sfix;

static void sfix_init(sfix *x) {
  x->sk[0] = &x->a, x->sk[1] = &x->b, x->bk[0] = &x->item;
  fld(&x->a, "a", LF_T_INT32, NULL, 0);
  fld(&x->item, "item", LF_T_INT32, NULL, 0);
  fld(&x->b, "b", LF_T_LIST, x->bk, 1);
  fld(&x->s, "s", LF_T_STRUCT, x->sk, 2);
  lf_array_init(&x->arr, &x->s);
}

static const uint8_t SA_layers[2] = {LF_LAYER_NULLABLE_ITEM, LF_LAYER_NULLABLE_ITEM};
static uint16_t SA_def[5] = {0, 2, 1, 0, 0};
static uint64_t SA_rl[6] = {0, 1, 2, 3, 4, 5};
static int32_t SA_vals[5] = {1, -1, -1, 4, 5};
static const uint8_t SB_layers[3] = {LF_LAYER_NULLABLE_ITEM, LF_LAYER_NULL_AND_EMPTY_LIST,
                                     LF_LAYER_NULLABLE_ITEM};
static uint16_t SB_rep[6] = {1, 0, 1, 1, 1, 1};
static uint16_t SB_def[6] = {0, 0, 4, 2, 3, 1};
static uint64_t SB_rl[6] = {0, 2, 3, 4, 5, 6}, SB_ri[6] = {0, 2, 2, 2, 2, 3};
static int32_t SB_vals[3] = {10, 11, -1};

static void test_struct_null_masks_children(void **state) {
  (void)state;
  sfix x;
  sfix_init(&x);
  lf_array *s = &x.arr, *a = &s->children[0], *b = &s->children[1], *it = &b->children[0];
  lf_pagedata pa = mkpd(5, SA_layers, 2, NULL, SA_def, 5, SA_rl, SA_rl, SA_vals, 5);
  lf_pagedata pb = mkpd(5, SB_layers, 3, SB_rep, SB_def, 6, SB_rl, SB_ri, SB_vals, 3);
  lf_error err = {0};
  lf_array *path_a[2] = {s, a};
  const int wa[2] = {1, 1};
  if (lf_assemble(&pa, 0, 5, path_a, wa, 2, &err)) fail_msg("a: %s", err.msg);
  lf_array *path_b[3] = {s, b, it};
  const int wb[3] = {0, 1, 1}; /* s already filled by leaf a */
  if (lf_assemble(&pb, 0, 5, path_b, wb, 3, &err)) fail_msg("b: %s", err.msg);
  check_valid(s, "10111");
  check_valid(a, "10011"); /* a null struct gives a a null slot */
  assert_int_equal(i32_at(a, 0), 1);
  assert_int_equal(i32_at(a, 3), 4);
  assert_int_equal(i32_at(a, 4), 5);
  check_valid(b, "10011"); /* ... and b a null list */
  const uint64_t bo[6] = {0, 2, 2, 2, 2, 3};
  check_offsets(b, bo, 6);
  check_valid(it, "110");
  assert_int_equal(i32_at(it, 0), 10);
  assert_int_equal(i32_at(it, 1), 11);
  lf_array_reset(&x.arr);
}

/* write[0] = 0: the second leaf leaves the shared struct alone (its length,
** validity and null count stay what the first leaf made them). */
static void test_struct_second_leaf_write_flags(void **state) {
  (void)state;
  sfix x;
  sfix_init(&x);
  lf_array *s = &x.arr, *a = &s->children[0], *b = &s->children[1], *it = &b->children[0];
  lf_pagedata pa = mkpd(5, SA_layers, 2, NULL, SA_def, 5, SA_rl, SA_rl, SA_vals, 5);
  lf_pagedata pb = mkpd(5, SB_layers, 3, SB_rep, SB_def, 6, SB_rl, SB_ri, SB_vals, 3);
  lf_array *path_a[2] = {s, a}, *path_b[3] = {s, b, it};
  const int wa[2] = {1, 1}, wb[3] = {0, 1, 1};
  /* rows [1, 4) only, leaf a then leaf b */
  assert_int_equal(lf_assemble(&pa, 1, 4, path_a, wa, 2, NULL), LF_OK);
  assert_true(s->length == 3);
  assert_int_equal(lf_assemble(&pb, 1, 4, path_b, wb, 3, NULL), LF_OK);
  check_valid(s, "011");
  check_valid(a, "001");
  check_valid(b, "001");
  const uint64_t bo[4] = {0, 0, 0, 0};
  check_offsets(b, bo, 4);
  assert_true(it->length == 0);
  /* the same leaf b with write[0] = 1 would append to s as well */
  const int wb1[3] = {1, 1, 1};
  assert_int_equal(lf_assemble(&pb, 4, 5, path_b, wb1, 3, NULL), LF_OK);
  assert_true(s->length == 4);
  assert_true(b->length == 4);
  lf_array_reset(&x.arr);
}

/* struct<struct<int32>>, both nullable: def 1 x null, 2 inner null,
** 3 outer null; every entry has a value slot. */
static void test_nested_struct_nulls(void **state) {
  (void)state;
  lf_field x, in, out, *k0[1] = {&x}, *k1[1] = {&in};
  fld(&x, "x", LF_T_INT32, NULL, 0);
  fld(&in, "in", LF_T_STRUCT, k0, 1);
  fld(&out, "out", LF_T_STRUCT, k1, 1);
  const uint8_t layers[3] = {LF_LAYER_NULLABLE_ITEM, LF_LAYER_NULLABLE_ITEM,
                             LF_LAYER_NULLABLE_ITEM};
  uint16_t def[4] = {0, 3, 2, 1};
  uint64_t rl[5] = {0, 1, 2, 3, 4};
  int32_t vals[4] = {5, 0, 0, 0};
  lf_pagedata pd = mkpd(4, layers, 3, NULL, def, 4, rl, rl, vals, 4);
  lf_array a;
  lf_array_init(&a, &out);
  lf_array *path[3] = {&a, &a.children[0], &a.children[0].children[0]};
  assert_int_equal(lf_assemble(&pd, 0, 4, path, W1, 3, NULL), LF_OK);
  check_valid(&a, "1011");
  check_valid(&a.children[0], "1001");
  check_valid(&a.children[0].children[0], "1000");
  assert_int_equal(i32_at(&a.children[0].children[0], 0), 5);
  lf_array_reset(&a);
}

/* list<struct<a: int32>>: a null struct item inside a list keeps its slot.
** rows: [{a:1}, null, {a:null}], null, []
** def: 1 a null, 2 struct null, 3 list null, 4 list empty */
static void test_list_of_struct_nulls(void **state) {
  (void)state;
  lf_field a, st, l, *k0[1] = {&a}, *k1[1] = {&st};
  fld(&a, "a", LF_T_INT32, NULL, 0);
  fld(&st, "st", LF_T_STRUCT, k0, 1);
  fld(&l, "l", LF_T_LIST, k1, 1);
  const uint8_t layers[3] = {LF_LAYER_NULLABLE_ITEM, LF_LAYER_NULLABLE_ITEM,
                             LF_LAYER_NULL_AND_EMPTY_LIST};
  uint16_t rep[5] = {1, 0, 0, 1, 1};
  uint16_t def[5] = {0, 2, 1, 3, 4};
  uint64_t rl[4] = {0, 3, 4, 5}, ri[4] = {0, 3, 3, 3};
  int32_t vals[3] = {1, 0, 0};
  lf_pagedata pd = mkpd(3, layers, 3, rep, def, 5, rl, ri, vals, 3);
  lf_array arr;
  lf_array_init(&arr, &l);
  lf_array *s = &arr.children[0], *x = &s->children[0];
  lf_array *path[3] = {&arr, s, x};
  lf_error err = {0};
  if (lf_assemble(&pd, 0, 3, path, W1, 3, &err)) fail_msg("%s", err.msg);
  check_valid(&arr, "101");
  const uint64_t off[4] = {0, 3, 3, 3};
  check_offsets(&arr, off, 4);
  check_valid(s, "101");
  check_valid(x, "100");
  assert_int_equal(i32_at(x, 0), 1);
  lf_array_reset(&arr);
}

/* ---- errors ------------------------------------------------------------------ */

static void test_errors(void **state) {
  (void)state;
  lf_field item, lst, *kids[1] = {&item}, flat;
  fld(&item, "item", LF_T_INT32, NULL, 0);
  fld(&lst, "l", LF_T_LIST, kids, 1);
  fld(&flat, "x", LF_T_INT32, NULL, 0);
  lf_error err;
  lf_array a;
  /* layer count differs from the path depth */
  lf_pagedata pd = mkpd(5, L_layers, 2, L_rep, L_def, 7, L_rl, L_ri, L_vals, 5);
  lf_array_init(&a, &flat);
  lf_array *p1[1] = {&a};
  memset(&err, 0, sizeof err);
  assert_int_equal(lf_assemble(&pd, 0, 5, p1, W1, 1, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "2 repdef layers"));
  lf_array_reset(&a);
  /* a list layer where the field is a struct */
  lf_field st, *sk[1] = {&item};
  fld(&st, "st", LF_T_STRUCT, sk, 1);
  lf_array_init(&a, &st);
  lf_array *p2[2] = {&a, &a.children[0]};
  memset(&err, 0, sizeof err);
  assert_int_equal(lf_assemble(&pd, 0, 5, p2, W1, 2, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "does not match"));
  lf_array_reset(&a);
  /* a definition level above the highest */
  uint16_t bad_def[7] = {0, 1, 0, 2, 4, 0, 1};
  lf_pagedata pd2 = mkpd(5, L_layers, 2, L_rep, bad_def, 7, L_rl, L_ri, L_vals, 5);
  lf_array_init(&a, &lst);
  lf_array *p3[2] = {&a, &a.children[0]};
  memset(&err, 0, sizeof err);
  assert_int_equal(lf_assemble(&pd2, 0, 5, p3, W1, 2, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "definition level 4"));
  lf_array_reset(&a);
  /* row_item disagreeing with the levels */
  uint64_t bad_ri[6] = {0, 2, 3, 3, 4, 5};
  lf_pagedata pd3 = mkpd(5, L_layers, 2, L_rep, L_def, 7, L_rl, bad_ri, L_vals, 5);
  lf_array_init(&a, &lst);
  lf_array *p4[2] = {&a, &a.children[0]};
  memset(&err, 0, sizeof err);
  assert_int_equal(lf_assemble(&pd3, 0, 1, p4, W1, 2, &err), LF_CORRUPT);
  lf_array_reset(&a);
  /* more items than the block holds */
  lf_pagedata pd4 = mkpd(5, L_layers, 2, L_rep, L_def, 7, L_rl, L_ri, L_vals, 4);
  lf_array_init(&a, &lst);
  lf_array *p5[2] = {&a, &a.children[0]};
  memset(&err, 0, sizeof err);
  assert_int_equal(lf_assemble(&pd4, 0, 5, p5, W1, 2, &err), LF_CORRUPT);
  lf_array_reset(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flat_nullable_ints),
      cmocka_unit_test(test_flat_no_levels),
      cmocka_unit_test(test_flat_all_null_block),
      cmocka_unit_test(test_list_null_empty),
      cmocka_unit_test(test_list_row_range_middle),
      cmocka_unit_test(test_list_two_ranges_append),
      cmocka_unit_test(test_repetition_example),
      cmocka_unit_test(test_list_list_nulls),
      cmocka_unit_test(test_struct_null_masks_children),
      cmocka_unit_test(test_struct_second_leaf_write_flags),
      cmocka_unit_test(test_nested_struct_nulls),
      cmocka_unit_test(test_list_of_struct_nulls),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
