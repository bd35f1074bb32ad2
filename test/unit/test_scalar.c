/* test_scalar.c: the scalar indexes LanceDB 0.39 wrote into test/unit/data/scalar.lance
** (make_scalar_fixture.mjs) read with format/index/scalar.c and rowset.c: every search
** shape on every index (BTREE on int32 / int64 / float64, BITMAP on utf8 / bool / int32,
** LABEL_LIST on list<utf8>) gives exactly the indexed rows whose value, computed here
** from the generator's formulas, passes as SQL would decide (NULL and NaN only IS NULL,
** int64 extremes, -0.0, unicode, duplicates); row-set parsing, operations and the
** failure paths (truncated and malformed row sets, wrong files). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_table.h"
#include "index/scalar.h"
#include "testdata.h"

static lf_store *g_st;
static lf_index_meta *g_ix;
static int g_nix;

#define NIDX 9000 /* rows 0..8999 indexed: fragment 0 holds 0..5999, fragment 1 the rest */

static uint64_t rowid_of(int i) { return i < 6000 ? (uint64_t)i : (uint64_t)1 << 32 | (uint64_t)(i - 6000); }

/* The fixture's values (make_scalar_fixture.mjs). */
static int k_null(int i) { return i % 9 == 0; }
static int k_of(int i) { return i % 50; }
static int64_t id_of(int i) { return i == 0 ? INT64_MIN : i == 1 ? INT64_MAX : i == 2 ? -1 : (int64_t)i * 10; }
static int f_null(int i) { return i % 11 == 0 || i % 13 == 0; } /* NaN or null: SQL NULL */
static double f_of(int i) { return i == 5 ? -0.0 : i / 4.0 - 100; }
static const char *S[] = {"", "a", "b", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xc3\x9f"};
static int s_null(int i) { return i % 7 == 0; }

static int setup(void **state) {
  (void)state;
  lf_error err;
  lf_manifest m = {0};
  if (lf_store_local_new(test_data_dir(), &g_st, &err) ||
      lf_dataset_read_manifest(g_st, "scalar.lance", 0, &m, &err) ||
      lf_manifest_indices(&m, &g_ix, &g_nix, &err))
    fail_msg("fixture: %s", err.msg);
  lf_manifest_reset(&m);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  lf_indices_free(g_ix, g_nix);
  lf_store_free(g_st);
  return 0;
}

static lf_sidx *open_named(const char *name) {
  for (int i = 0; i < g_nix; i++)
    if (!strcmp(g_ix[i].name, name)) {
      lf_sidx *x;
      lf_error err;
      int kind = lf_sidx_kind(g_ix[i].type_url);
      assert_int_not_equal(kind, LF_SIDX_NONE);
      if (lf_sidx_open(g_st, "scalar.lance", g_ix[i].uuid, kind, &x, &err)) fail_msg("%s: %s", name, err.msg);
      return x;
    }
  fail_msg("no index %s", name);
  return NULL;
}

/* Search x with q; the result must be exactly the rows i < NIDX with want(i). */
static void check(lf_sidx *x, const lf_squery *q, int (*want)(int, const lf_squery *), const char *what) {
  lf_rowset *r = lf_rowset_new();
  lf_error err;
  if (lf_sidx_search(x, q, r, NULL, &err)) fail_msg("%s: %s", what, err.msg);
  uint64_t n = 0;
  for (int i = 0; i < NIDX; i++) {
    int w = want(i, q), got = lf_rowset_contains(r, rowid_of(i));
    if (w != got) fail_msg("%s: row %d: want %d got %d", what, i, w, got);
    n += w;
  }
  assert_int_equal(lf_rowset_count(r), n); /* nothing else (no rows past NIDX) */
  lf_rowset_free(r);
}

static int num_cmp_ok(double x, const lf_squery *q) {
  double v = q->v.type == LF_SV_INT ? (double)q->v.i : q->v.d;
  switch (q->op) {
    case LF_SQ_EQ: return x == v;
    case LF_SQ_LT: return x < v;
    case LF_SQ_LE: return x <= v;
    case LF_SQ_GT: return x > v;
    case LF_SQ_GE: return x >= v;
    case LF_SQ_IN:
      for (size_t j = 0; j < q->nvals; j++)
        if (x == (q->vals[j].type == LF_SV_INT ? (double)q->vals[j].i : q->vals[j].d)) return 1;
      return 0;
    default: return 0;
  }
}
static int want_k(int i, const lf_squery *q) {
  return q->op == LF_SQ_ISNULL ? k_null(i) : !k_null(i) && num_cmp_ok(k_of(i), q);
}
static int want_f(int i, const lf_squery *q) {
  return q->op == LF_SQ_ISNULL ? f_null(i) : !f_null(i) && num_cmp_ok(f_of(i), q);
}
static int want_id(int i, const lf_squery *q) { /* int64 exactly (values beyond 2^53 too) */
  int64_t x = id_of(i), v = q->v.i;
  switch (q->op) {
    case LF_SQ_EQ: return x == v;
    case LF_SQ_LT: return x < v;
    case LF_SQ_LE: return x <= v;
    case LF_SQ_GT: return x > v;
    case LF_SQ_GE: return x >= v;
    default: return 0;
  }
}
static int want_s(int i, const lf_squery *q) {
  if (q->op == LF_SQ_ISNULL) return s_null(i);
  if (s_null(i)) return 0;
  const char *z = S[i % 6];
  if (q->op == LF_SQ_IN) {
    for (size_t j = 0; j < q->nvals; j++)
      if (strlen(z) == q->vals[j].n && !memcmp(z, q->vals[j].z, q->vals[j].n)) return 1;
    return 0;
  }
  int c = strcmp(z, (const char *)q->v.z); /* the constants are NUL-terminated */
  return q->op == LF_SQ_EQ ? c == 0 : q->op == LF_SQ_LT ? c < 0 : q->op == LF_SQ_LE ? c <= 0
       : q->op == LF_SQ_GT ? c > 0 : c >= 0;
}
static int want_b(int i, const lf_squery *q) { return num_cmp_ok(i % 3 == 0, q); }

static lf_svalue vi(int64_t i) { return (lf_svalue){.type = LF_SV_INT, .i = i}; }
static lf_svalue vf(double d) { return (lf_svalue){.type = LF_SV_FLOAT, .d = d}; }
static lf_svalue vt(const char *z) { return (lf_svalue){.type = LF_SV_TEXT, .z = (const uint8_t *)z, .n = strlen(z)}; }

static void numeric_shapes(lf_sidx *x, int (*want)(int, const lf_squery *), const lf_svalue *vals, int nv) {
  static const int ops[] = {LF_SQ_EQ, LF_SQ_LT, LF_SQ_LE, LF_SQ_GT, LF_SQ_GE};
  char what[64];
  for (int j = 0; j < nv; j++)
    for (int o = 0; o < 5; o++) {
      lf_squery q = {.op = ops[o], .v = vals[j]};
      snprintf(what, sizeof what, "value %d op %d", j, ops[o]);
      check(x, &q, want, what);
    }
  lf_squery in = {.op = LF_SQ_IN, .vals = vals, .nvals = (size_t)nv};
  check(x, &in, want, "IN");
  lf_squery isnull = {.op = LF_SQ_ISNULL};
  check(x, &isnull, want, "IS NULL");
}

static int want_k_between(int i, const lf_squery *q) {
  (void)q;
  return !k_null(i) && k_of(i) >= 10 && k_of(i) < 13;
}

static void test_btree_int32(void **state) {
  (void)state;
  lf_sidx *x = open_named("k_idx");
  assert_int_equal(lf_sidx_kind_of(x), LF_SIDX_BTREE);
  assert_int_equal(lf_sidx_value_field(x)->type, LF_T_INT32);
  assert_int_equal(lf_sidx_num_rows(x), NIDX);
  assert_true(lf_sidx_num_keys(x) >= 3); /* 9000 rows in pages of 4096 */
  lf_svalue v[] = {vi(0), vi(7), vi(49), vi(50), vi(-1), vf(2.5), vf(48.0), vf(-0.0), vi(INT64_MAX)};
  numeric_shapes(x, want_k, v, 9);
  lf_squery between = {.op = LF_SQ_GE, .v = vi(10), .has2 = 1, .op2 = LF_SQ_LT, .v2 = vf(12.5)};
  check(x, &between, want_k_between, "k >= 10 AND k < 12.5");
  lf_sidx_free(x);
}

static void test_btree_int64(void **state) {
  (void)state;
  lf_sidx *x = open_named("id_idx");
  lf_svalue v[] = {vi(INT64_MIN), vi(INT64_MAX), vi(-1), vi(0), vi(89990), vi(45000), vi(INT64_MAX - 1)};
  static const int ops[] = {LF_SQ_EQ, LF_SQ_LT, LF_SQ_LE, LF_SQ_GT, LF_SQ_GE};
  for (int j = 0; j < 7; j++)
    for (int o = 0; o < 5; o++) {
      lf_squery q = {.op = ops[o], .v = v[j]};
      check(x, &q, want_id, "id");
    }
  /* a double beyond int64: nothing is equal, everything is less */
  lf_squery big = {.op = LF_SQ_LT, .v = vf(1e19)};
  lf_rowset *r = lf_rowset_new();
  assert_int_equal(lf_sidx_search(x, &big, r, NULL, NULL), LF_OK);
  assert_int_equal(lf_rowset_count(r), NIDX);
  lf_rowset_free(r);
  lf_sidx_free(x);
}

static void test_btree_float(void **state) {
  (void)state;
  lf_sidx *x = open_named("f_idx");
  lf_svalue v[] = {vi(0), vf(-0.0), vf(-99.75), vf(2000), vf(INFINITY), vf(-INFINITY), vi(-100), vf(1124.75)};
  numeric_shapes(x, want_f, v, 8);
  lf_sidx_free(x);
}

static void test_bitmap_text(void **state) {
  (void)state;
  lf_sidx *x = open_named("s_idx");
  assert_int_equal(lf_sidx_kind_of(x), LF_SIDX_BITMAP);
  assert_int_equal(lf_sidx_num_keys(x), 7); /* six strings and null */
  lf_svalue v[] = {vt(""), vt("a"), vt(S[3]), vt(S[4]), vt(S[5]), vt("caf"), vt("zzz")};
  static const int ops[] = {LF_SQ_EQ, LF_SQ_LT, LF_SQ_LE, LF_SQ_GT, LF_SQ_GE};
  for (int j = 0; j < 7; j++)
    for (int o = 0; o < 5; o++) {
      lf_squery q = {.op = ops[o], .v = v[j]};
      check(x, &q, want_s, "s");
    }
  lf_squery in = {.op = LF_SQ_IN, .vals = v + 2, .nvals = 3}, isnull = {.op = LF_SQ_ISNULL};
  check(x, &in, want_s, "s IN");
  check(x, &isnull, want_s, "s IS NULL");
  lf_squery num = {.op = LF_SQ_EQ, .v = vi(1)}; /* a number never equals text */
  lf_rowset *r = lf_rowset_new();
  assert_int_equal(lf_sidx_search(x, &num, r, NULL, NULL), LF_OK);
  assert_int_equal(lf_rowset_count(r), 0);
  lf_squery has = {.op = LF_SQ_HAS_ANY, .vals = v, .nvals = 1};
  assert_int_equal(lf_sidx_search(x, &has, r, NULL, NULL), LF_ARG);
  lf_rowset_free(r);
  lf_sidx_free(x);
}

static void test_bitmap_bool_int(void **state) {
  (void)state;
  lf_sidx *x = open_named("b_idx");
  lf_svalue v[] = {vi(0), vi(1), vf(0.5)};
  numeric_shapes(x, want_b, v, 3);
  lf_sidx_free(x);
  x = open_named("k2_idx");
  assert_int_equal(lf_sidx_num_keys(x), 51);
  lf_svalue w[] = {vi(0), vi(7), vi(49), vf(2.5), vf(-0.0)};
  numeric_shapes(x, want_k, w, 5);
  lf_sidx_free(x);
}

static int has_tag(int i, const char *t) {
  if (i % 17 <= 1) return 0;
  char a[8], b[8];
  snprintf(a, sizeof a, "t%d", i % 5);
  snprintf(b, sizeof b, "u%d", i % 3);
  return !strcmp(t, a) || !strcmp(t, b) || (i % 10 == 0 && !strcmp(t, S[3]));
}
static int want_tags(int i, const lf_squery *q) {
  int any = 0, all = 1;
  for (size_t j = 0; j < q->nvals; j++) {
    int h = has_tag(i, (const char *)q->vals[j].z);
    any |= h;
    all &= h;
  }
  return q->op == LF_SQ_HAS_ANY ? any : all && i % 17 > 1;
}

static void test_label_list(void **state) {
  (void)state;
  lf_sidx *x = open_named("tags_idx");
  assert_int_equal(lf_sidx_kind_of(x), LF_SIDX_LABEL_LIST);
  lf_svalue v[] = {vt("t1"), vt("u2"), vt(S[3]), vt("zz")};
  for (int op = LF_SQ_HAS_ANY; op <= LF_SQ_HAS_ALL; op++) {
    for (size_t n = 1; n <= 4; n++) {
      lf_squery q = {.op = op, .vals = v, .nvals = n};
      check(x, &q, want_tags, op == LF_SQ_HAS_ANY ? "has_any" : "has_all");
    }
    lf_squery q = {.op = op, .vals = v + 1, .nvals = 2};
    check(x, &q, want_tags, "u2, cafe");
  }
  lf_squery eq = {.op = LF_SQ_EQ, .v = vt("t1")};
  lf_rowset *r = lf_rowset_new();
  assert_int_equal(lf_sidx_search(x, &eq, r, NULL, NULL), LF_ARG);
  lf_rowset_free(r);
  lf_sidx_free(x);
}

/* Row sets: the serialized layout by hand, set operations, every truncation. */
static void test_rowset(void **state) {
  (void)state;
  /* 2 entries: key 0 -> {1, 5} (portable Roaring, no runs), key 3 -> whole */
  static const uint8_t bm[] = {0x3a, 0x30, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 16, 0, 0, 0, 1, 0, 5, 0};
  uint8_t d[64];
  size_t n = 0;
  uint32_t head[] = {2, 0, sizeof bm};
  memcpy(d, head, 12), n = 12;
  memcpy(d + n, bm, sizeof bm), n += sizeof bm;
  uint32_t tail[] = {3, 0};
  memcpy(d + n, tail, 8), n += 8;
  lf_rowset *s = lf_rowset_new(), *t = lf_rowset_new();
  lf_error err;
  if (lf_rowset_add_treemap(s, d, n, &err)) fail_msg("%s", err.msg);
  assert_true(lf_rowset_contains(s, 1) && lf_rowset_contains(s, 5) && !lf_rowset_contains(s, 2));
  assert_true(lf_rowset_contains(s, (uint64_t)3 << 32 | 0xffffffffu));
  assert_int_equal(lf_rowset_count(s), 2 + ((uint64_t)1 << 32));
  uint64_t *a;
  size_t na;
  assert_int_equal(lf_rowset_array(s, &a, &na), LF_UNSUPPORTED); /* 2^32 ids: not listed */
  lf_rowset *w = lf_rowset_new();
  assert_int_equal(lf_rowset_add_treemap(w, d, n, &err), LF_OK);
  assert_int_equal(lf_rowset_limit(w, 3, 10), LF_OK); /* a fragment of 10 rows */
  assert_int_equal(lf_rowset_limit(w, 0, 5), LF_OK);  /* {1, 5} -> {1} */
  assert_int_equal(lf_rowset_array(w, &a, &na), LF_OK);
  assert_int_equal(na, 11);
  assert_true(a[0] == 1 && a[1] == (uint64_t)3 << 32 && a[10] == ((uint64_t)3 << 32 | 9));
  free(a);
  lf_rowset_free(w);
  for (size_t cut = 0; cut < n; cut++) /* every truncation is corrupt, never a crash */
    assert_int_equal(lf_rowset_add_treemap(t, d, cut, &err), LF_CORRUPT);
  d[n++] = 0; /* a trailing byte */
  assert_int_equal(lf_rowset_add_treemap(t, d, n, &err), LF_CORRUPT);
  d[12] ^= 0xff; /* a bad cookie */
  assert_int_equal(lf_rowset_add_treemap(t, d, n - 1, &err), LF_CORRUPT);
  lf_rowset_free(t);
  t = lf_rowset_new();
  assert_int_equal(lf_rowset_add(t, 5), LF_OK);
  assert_int_equal(lf_rowset_add(t, (uint64_t)9 << 32), LF_OK);
  assert_int_equal(lf_rowset_and(s, t), LF_OK);
  assert_int_equal(lf_rowset_array(s, &a, &na), LF_OK);
  assert_int_equal(na, 1);
  assert_int_equal(a[0], 5);
  free(a);
  assert_int_equal(lf_rowset_or(s, t), LF_OK);
  assert_int_equal(lf_rowset_array(s, &a, &na), LF_OK);
  assert_int_equal(na, 2);
  assert_true(a[0] == 5 && a[1] == (uint64_t)9 << 32);
  free(a);
  lf_rowset_free(s);
  lf_rowset_free(t);
}

/* lf_rowset_add_many in any order: over few fragments (added per fragment,
** unsorted) and over many (sorted first), duplicates kept once. */
static void test_rowset_add_many(void **state) {
  (void)state;
  for (uint64_t nfrag = 3; nfrag <= 40; nfrag += 37) {
    uint64_t ids[3000];
    size_t n = 0;
    for (uint64_t i = 0; i < 3000; i++) /* a permutation's order, some twice */
      ids[n++] = (i * 7919 % nfrag) << 32 | (i * 104729 % 1000);
    lf_rowset *s = lf_rowset_new();
    assert_int_equal(lf_rowset_add_many(s, ids, n), LF_OK);
    uint64_t *a;
    size_t na, want = 0;
    assert_int_equal(lf_rowset_array(s, &a, &na), LF_OK);
    for (uint64_t f = 0; f < nfrag; f++)
      for (uint64_t r = 0; r < 1000; r++) {
        int in = 0;
        for (uint64_t i = 0; i < 3000 && !in; i++) in = (i * 7919 % nfrag) == f && (i * 104729 % 1000) == r;
        if (in) assert_true(want < na && a[want++] == (f << 32 | r)); /* ascending, exactly these */
      }
    assert_int_equal(na, want);
    free(a);
    lf_rowset_free(s);
  }
}

/* Wrong files: a data file as a BTREE lookup, a missing index. */
static void test_errors(void **state) {
  (void)state;
  lf_sidx *x = NULL;
  lf_error err;
  assert_int_equal(lf_sidx_open(g_st, "scalar.lance", "no-such-uuid", LF_SIDX_BITMAP, &x, &err), LF_NOTFOUND);
  assert_null(x);
  for (int i = 0; i < g_nix; i++)
    if (!strcmp(g_ix[i].name, "s_idx")) /* a bitmap file read as a BTREE: no page_data */
      assert_int_not_equal(lf_sidx_open(g_st, "scalar.lance", g_ix[i].uuid, LF_SIDX_BTREE, &x, &err), LF_OK);
  assert_null(x);
  assert_int_equal(lf_sidx_kind("/lance.table.VectorIndexDetails"), LF_SIDX_NONE);
  assert_int_equal(lf_sidx_kind(NULL), LF_SIDX_NONE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_btree_int32),   cmocka_unit_test(test_btree_int64),
      cmocka_unit_test(test_btree_float),   cmocka_unit_test(test_bitmap_text),
      cmocka_unit_test(test_bitmap_bool_int), cmocka_unit_test(test_label_list),
      cmocka_unit_test(test_rowset),        cmocka_unit_test(test_rowset_add_many),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
