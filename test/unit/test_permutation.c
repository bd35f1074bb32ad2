/*
** test_permutation.c: format/permutation.c: split sizes to counts (LanceDB's
** own examples of SplitSizes::to_counts and its checks), the seeded shuffle,
** and permutation datasets written then read back (split names with JSON
** escapes, a split by name and by id, every split, base_version), plus
** datasets that are no permutation or carry corrupt metadata.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "lf_perm.h"
#include "lf_write.h"
#include "tmpdir.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_setup("lf_perm", NULL);
}

static void counts_ok(const double *sizes, int n, int ratio, uint64_t rows, const uint64_t *want) {
  uint64_t got[8];
  lf_error err = {0};
  assert_int_equal(lf_perm_counts(sizes, n, ratio, rows, got, &err), LF_OK);
  for (int i = 0; i < n; i++) assert_int_equal(got[i], want[i]);
}

static void counts_bad(const double *sizes, int n, int ratio, uint64_t rows, const char *msg) {
  uint64_t got[8];
  lf_error err = {0};
  assert_int_equal(lf_perm_counts(sizes, n, ratio, rows, got, &err), LF_ARG);
  assert_string_equal(err.msg, msg);
}

static void test_counts(void **state) {
  (void)state;
  counts_ok((double[]){0.3, 0.7}, 2, 1, 100, (uint64_t[]){30, 70});
  counts_ok((double[]){0.3, 0.41}, 2, 1, 70, (uint64_t[]){21, 29});       /* rounding */
  counts_ok((double[]){0.217, 0.168, 0.17}, 3, 1, 50, (uint64_t[]){11, 8, 9});
  counts_ok((double[]){0.5, 0.5}, 2, 1, 7, (uint64_t[]){3, 4});           /* 4+4 trimmed to 7 */
  counts_ok((double[]){1.0 / 3, 1.0 / 3, 1.0 / 3}, 3, 1, 10, (uint64_t[]){4, 3, 3}); /* topped up */
  counts_ok((double[]){5, 15, 10}, 3, 0, 50, (uint64_t[]){5, 15, 10});
  counts_bad((double[]){0.7, 0.4}, 2, 1, 100, "split ratios sum to more than 1");
  counts_bad((double[]){-0.1, 0.5}, 2, 1, 100, "split ratio -0.1 is not between 0 and 1");
  counts_bad((double[]){1.5}, 1, 1, 100, "split ratio 1.5 is not between 0 and 1");
  counts_bad((double[]){0.001}, 1, 1, 100, "split ratio 0.001 of 100 rows rounds to 0 rows");
  counts_bad((double[]){60, 50}, 2, 0, 100, "split counts ask for 110 rows but only 100 are available");
  counts_bad((double[]){0, 100}, 2, 0, 100, "split counts must be greater than 0");
}

static void test_shuffle(void **state) {
  (void)state;
  uint64_t a[1000], b[1000], seen[1000] = {0};
  for (int i = 0; i < 1000; i++) a[i] = b[i] = (uint64_t)i;
  lf_perm_shuffle(a, 1000, 42);
  lf_perm_shuffle(b, 1000, 42);
  assert_memory_equal(a, b, sizeof a);          /* seeded: the same order */
  int fixed = 0;
  for (int i = 0; i < 1000; i++) seen[a[i]]++, fixed += a[i] == (uint64_t)i;
  for (int i = 0; i < 1000; i++) assert_int_equal(seen[i], 1); /* a permutation */
  assert_true(fixed < 20);                      /* and a shuffled one */
  lf_perm_shuffle(b, 1000, 43);
  assert_memory_not_equal(a, b, sizeof a);
  lf_perm_shuffle(a, 0, 1);                     /* empty and single: nothing to do */
  lf_perm_shuffle(a, 1, 1);
}

static void test_write_read(void **state) {
  (void)state;
  uint64_t ids[] = {7, 3, 9, 1, 4, 8}, sp[] = {0, 0, 0, 1, 1, 2};
  const char *names[] = {"train", "va\"l", "t\\est\n"};
  lf_error err = {0};
  assert_int_equal(lf_permutation_write(g_store, "p.lance", ids, sp, 6, 12, names, 3, &err), LF_OK);
  lf_permutation p;
  assert_int_equal(lf_permutation_read(g_store, "p.lance", "train", &p, &err), LF_OK);
  assert_int_equal(p.n, 3);
  assert_int_equal(p.ids[0], 7), assert_int_equal(p.ids[1], 3), assert_int_equal(p.ids[2], 9);
  assert_int_equal(p.base_version, 12);
  assert_int_equal(p.n_names, 3);
  assert_string_equal(p.names[1], "va\"l");
  assert_string_equal(p.names[2], "t\\est\n");
  lf_permutation_reset(&p);
  assert_int_equal(lf_permutation_read(g_store, "p.lance", "va\"l", &p, &err), LF_OK);
  assert_int_equal(p.n, 2);
  assert_int_equal(p.ids[0], 1), assert_int_equal(p.ids[1], 4);
  lf_permutation_reset(&p);
  assert_int_equal(lf_permutation_read(g_store, "p.lance", "2", &p, &err), LF_OK);
  assert_int_equal(p.n, 1);
  assert_int_equal(p.ids[0], 8);
  lf_permutation_reset(&p);
  assert_int_equal(lf_permutation_read(g_store, "p.lance", NULL, &p, &err), LF_OK);
  assert_int_equal(p.n, 6);
  assert_memory_equal(p.ids, ids, sizeof ids);
  lf_permutation_reset(&p);
  assert_int_equal(lf_permutation_read(g_store, "p.lance", "x", &p, &err), LF_NOTFOUND);
  assert_string_equal(err.msg, "p.lance: no split 'x' (splits: 'train', 'va\"l', 't\\est\n')");
  assert_null(p.ids);
  /* a second write there: the dataset exists */
  assert_int_equal(lf_permutation_write(g_store, "p.lance", ids, sp, 6, 12, NULL, 0, &err), LF_EXISTS);
  /* no rows, no names: an empty permutation */
  assert_int_equal(lf_permutation_write(g_store, "e.lance", NULL, NULL, 0, 1, NULL, 0, &err), LF_OK);
  assert_int_equal(lf_permutation_read(g_store, "e.lance", "0", &p, &err), LF_OK);
  assert_int_equal(p.n, 0);
  assert_int_equal(p.n_names, 0);
  lf_permutation_reset(&p);
}

/* A dataset with the given columns and schema metadata. */
static void make_dataset(const char *root, const char *ddl, const char *key, const char *val) {
  lf_schema s;
  lf_error err = {0};
  assert_int_equal(lf_schema_from_ddl(ddl, &s, &err), LF_OK);
  if (key) {
    s.meta = calloc(1, sizeof *s.meta);
    s.meta[0].key = strdup(key);
    s.meta[0].val = (uint8_t *)strdup(val);
    s.meta[0].len = strlen(val);
    s.n_meta = 1;
  }
  lf_commit_req req = {0};
  req.kind = LF_COMMIT_CREATE;
  req.schema = &s;
  req.data_version = "2.2";
  req.v2_paths = 1;
  uint64_t v;
  assert_int_equal(lf_commit(g_store, root, NULL, &req, &v, &err), LF_OK);
  lf_schema_reset(&s);
}

static void read_bad(const char *root, int code, const char *msg) {
  lf_permutation p;
  lf_error err = {0};
  assert_int_equal(lf_permutation_read(g_store, root, "0", &p, &err), code);
  assert_string_equal(err.msg, msg);
  assert_null(p.ids);
  assert_null(p.names);
}

static void test_not_permutations(void **state) {
  (void)state;
  make_dataset("a.lance", "row_id INT64, split_id UINT64", NULL, NULL);
  read_bad("a.lance", LF_ARG, "a.lance: not a permutation (expected a uint64 column row_id and a numeric column split_id)");
  make_dataset("b.lance", "row_id UINT64, split_id UINT64", "split_names", "[\"a\", 3]");
  read_bad("b.lance", LF_CORRUPT, "b.lance: permutation metadata split_names is not a JSON array of strings");
  make_dataset("c.lance", "row_id UINT64, split_id UINT64", "split_names", "[\"a\"");
  read_bad("c.lance", LF_CORRUPT, "c.lance: permutation metadata split_names is not a JSON array of strings");
  make_dataset("d.lance", "row_id UINT64, split_id UINT64", "base_version", "12x");
  read_bad("d.lance", LF_CORRUPT, "d.lance: permutation metadata base_version is not a version number");
  make_dataset("f.lance", "row_id UINT64, split_id UINT64", "split_names", "[\"\\ud800\"]");
  read_bad("f.lance", LF_CORRUPT, "f.lance: permutation metadata split_names is not a JSON array of strings");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_counts),
    cmocka_unit_test(test_shuffle),
    cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
    cmocka_unit_test_setup_teardown(test_not_permutations, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
