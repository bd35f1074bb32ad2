/*
** test_commit.c: the table write side (manifest_write.c, deletion_write.c,
** commit.c, tag_write.c): encode -> parse round trips, and commits on
** copies of the LanceDB datasets in test/unit/data (hist.lance: v7 = two
** fragments, ids 0..9 and 10..14, max_fragment_id 2; stable.lance: stable
** row ids, next_row_id 12) read back with lf_dataset_open and a scan.  New
** fragments reuse copies of the datasets' own data files.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lf_int.h"
#include "lf_write.h"
#include "tmpdir.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_setup("lf_commit", (const char *const[]){"hist.lance", "stable.lance", NULL});
}

static lf_dataset *open_ds(const char *root, uint64_t version) {
  lf_dataset *ds = NULL;
  lf_error err = {0};
  int rc = lf_dataset_open(g_store, root, version, NULL, &ds, &err);
  if (rc) print_error("%s\n", err.msg);
  assert_int_equal(rc, LF_OK);
  return ds;
}

/* The live ids (column "id", int32) of a dataset version, in scan order. */
static int live_ids(lf_dataset *ds, int32_t *out, int cap) {
  lf_scan *sc;
  const lf_scan_batch *b;
  int field = 0, n = 0;
  lf_error err = {0};
  int rc = lf_scan_open(ds, g_store, &field, 1, &sc, &err);
  if (rc) print_error("%s\n", err.msg);
  assert_int_equal(rc, LF_OK);
  for (;;) {
    rc = lf_scan_next(sc, 1000, &b, &err);
    if (rc) print_error("%s\n", err.msg);
    assert_int_equal(rc, LF_OK);
    if (!b->n) break;
    for (uint64_t i = 0; i < b->n && n < cap; i++) out[n++] = ((const int32_t *)b->cols[0].values)[i];
  }
  lf_scan_free(sc);
  return n;
}

/* A new fragment made of a copy of fragment `i`'s data file of `ds`. */
static void copy_fragment(lf_dataset *ds, const char *root, int i, lf_data_file *df,
                          lf_new_fragment *nf) {
  const lf_fragment *fr = lf_dataset_fragment(ds, i);
  assert_non_null(fr);
  char name[64], cmd[2048];
  snprintf(name, sizeof name, "copy-%08llx.lance", (unsigned long long)lf_random_u64() >> 32);
  snprintf(cmd, sizeof cmd, "cp %s/%s/data/%s %s/%s/data/%s", g_tmp, root, fr->files[0].path, g_tmp,
           root, name);
  assert_int_equal(system(cmd), 0);
  *df = fr->files[0]; /* a deep copy: ds may be freed before df is used */
  df->path = strdup(name);
  df->fields = malloc((size_t)df->n_fields * sizeof *df->fields + 1);
  df->column_indices = malloc((size_t)df->n_columns * sizeof *df->column_indices + 1);
  assert_true(df->path && df->fields && df->column_indices);
  memcpy(df->fields, fr->files[0].fields, (size_t)df->n_fields * sizeof *df->fields);
  memcpy(df->column_indices, fr->files[0].column_indices,
         (size_t)df->n_columns * sizeof *df->column_indices);
  memset(nf, 0, sizeof *nf);
  nf->n_files = 1;
  nf->files = df;
  nf->physical_rows = fr->physical_rows;
}

static int count_files(const char *root, const char *dir) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s/%s", g_tmp, root, dir);
  DIR *d = opendir(p);
  int n = 0;
  if (!d) return 0;
  for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

static int commit(const char *root, lf_dataset *ds, const lf_commit_req *r, uint64_t *v,
                  lf_error *err) {
  return lf_commit(g_store, root, ds ? lf_dataset_manifest(ds) : NULL, r, v, err);
}

/* Commit r on top of ds, expect version `want`; frees ds, returns that version. */
static lf_dataset *commit_reopen(const char *root, lf_dataset *ds, const lf_commit_req *r,
                                 uint64_t want) {
  uint64_t v = 0;
  CHECK(commit(root, ds, r, &v, &err_));
  assert_int_equal(v, want);
  lf_dataset_free(ds);
  return open_ds(root, want);
}

/* ---- round trips ------------------------------------------------------------- */

static void test_manifest_roundtrip(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("hist.lance", 5); /* fragments with deletion files */
  const lf_manifest *m = lf_dataset_manifest(ds);
  lf_txn_enc t = {4, "u-1", LF_TXN_UPDATE, m->fragments, m->fragments, 1, 2,
                  (const uint64_t[]){7, 9}, 2, NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL, NULL};
  lf_buf txn = {0}, out = {0};
  assert_int_equal(lf_transaction_encode(&t, &txn), LF_OK);
  const uint8_t *msg = m->raw + lf_le64(m->raw + m->raw_len - 16) + 4;
  lf_manifest_enc e = {msg, lf_le32(msg - 4), m->fragments, m->n_fragments, 42,
                       1234567890123456789, 1, 3, 1, 9, "x.txn", 77, NULL, 0, txn.p, txn.len, 0, NULL, 0};
  assert_int_equal(lf_manifest_encode(&e, &out), LF_OK);
  lf_manifest r;
  CHECK(lf_manifest_parse(out.p, out.len, "test", &r, &err_));
  assert_int_equal(r.version, 42);
  assert_int_equal(r.timestamp_ns, 1234567890123456789);
  assert_int_equal(r.reader_flags, 1);
  assert_int_equal(r.writer_flags, 3);
  assert_int_equal(r.max_fragment_id, 9);
  assert_int_equal(r.next_row_id, 77);
  assert_string_equal(r.transaction_file, "x.txn");
  assert_string_equal(r.writer_library, LF_WRITER_LIBRARY);
  assert_string_equal(r.data_version, "2.2");
  assert_int_equal(r.schema.n_fields, m->schema.n_fields);
  assert_int_equal(r.n_fragments, m->n_fragments);
  for (int i = 0; i < m->n_fragments; i++) {
    const lf_fragment *a = &m->fragments[i], *b = &r.fragments[i];
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->physical_rows, b->physical_rows);
    assert_int_equal(a->n_files, b->n_files);
    assert_string_equal(a->files[0].path, b->files[0].path);
    assert_int_equal(a->files[0].size_bytes, b->files[0].size_bytes);
    assert_int_equal(a->deletion.present, b->deletion.present);
    assert_int_equal(a->deletion.id, b->deletion.id);
    assert_int_equal(a->deletion.num_deleted_rows, b->deletion.num_deleted_rows);
  }
  assert_string_equal(r.txn.op_name, "update");
  assert_int_equal(r.txn.read_version, 4);
  assert_int_equal(r.txn.n_frag_ids, 4); /* removed 7, 9, updated fragments 0, 1 */
  lf_manifest_reset(&r);
  lf_buf_reset(&txn);
  lf_buf_reset(&out);
  lf_dataset_free(ds);
}

static void deletion_roundtrip(size_t n, uint32_t step, int type) {
  uint32_t *rows = malloc(n * sizeof *rows), *got;
  size_t ngot;
  for (size_t i = 0; i < n; i++) rows[i] = (uint32_t)i * step;
  lf_buf b = {0};
  assert_int_equal(lf_deletion_encode(rows, n, type, &b), LF_OK);
  CHECK(lf_deletion_parse(b.p, b.len, type, (uint64_t)n * step, "t", &got, &ngot, &err_));
  assert_int_equal(ngot, n);
  assert_memory_equal(got, rows, n * sizeof *rows);
  free(got);
  free(rows);
  lf_buf_reset(&b);
}

static void test_deletion_roundtrip(void **state) {
  (void)state;
  deletion_roundtrip(1, 1, LF_DEL_ARROW);
  deletion_roundtrip(3, 7, LF_DEL_ARROW);
  deletion_roundtrip(4000, 3, LF_DEL_ARROW); /* compressed */
  deletion_roundtrip(6000, 2, LF_DEL_BITMAP);
}

/* ---- commits on hist.lance --------------------------------------------------------- */

static void test_append_delete_update(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("hist.lance", 0);
  assert_int_equal(lf_dataset_version(ds), 7);
  lf_data_file df;
  lf_new_fragment nf;
  copy_fragment(ds, "hist.lance", 1, &df, &nf); /* ids 10..14 again */
  lf_commit_req r = {.kind = LF_COMMIT_WRITE, .n_new = 1, .new_frags = &nf};
  ds = commit_reopen("hist.lance", ds, &r, 8);
  int32_t ids[64];
  assert_int_equal(live_ids(ds, ids, 64), 20);
  assert_int_equal(lf_dataset_fragment(ds, 2)->id, 3); /* past max_fragment_id 2 */
  assert_string_equal(lf_dataset_operation(ds), "append");

  /* delete ids 0 and 5 (fragment 0) and the whole new fragment */
  lf_frag_delete d[2] = {{0, (const uint32_t[]){0, 5}, 2}, {3, (const uint32_t[]){0, 1, 2, 3, 4}, 5}};
  lf_commit_req del = {.kind = LF_COMMIT_WRITE, .n_del = 2, .dels = d};
  ds = commit_reopen("hist.lance", ds, &del, 9);
  assert_int_equal(lf_dataset_num_fragments(ds), 2);
  assert_int_equal(live_ids(ds, ids, 64), 13);
  assert_int_equal(ids[0], 1);
  assert_int_equal(ids[4], 6);
  assert_true(lf_dataset_manifest(ds)->reader_flags & LF_FEATURE_DELETION_FILES);
  assert_string_equal(lf_dataset_operation(ds), "delete");

  /* update: delete id 1 (merged with {0, 5}) and add a fragment */
  lf_data_file_reset(&df);
  copy_fragment(ds, "hist.lance", 1, &df, &nf);
  lf_frag_delete d2 = {0, (const uint32_t[]){1, 5}, 2};
  lf_commit_req up = {.kind = LF_COMMIT_WRITE, .n_new = 1, .new_frags = &nf, .n_del = 1, .dels = &d2};
  ds = commit_reopen("hist.lance", ds, &up, 10);
  assert_string_equal(lf_dataset_operation(ds), "update");
  assert_int_equal(live_ids(ds, ids, 64), 17);
  assert_int_equal(ids[0], 2);
  const uint32_t *rows;
  size_t n;
  CHECK(lf_dataset_deletions(ds, 0, &rows, &n, &err_));
  assert_int_equal(n, 3);
  assert_int_equal(lf_dataset_fragment(ds, 2)->id, 4);
  lf_dataset_free(ds);
  lf_data_file_reset(&df);
  assert_int_equal(count_files("hist.lance", "_transactions"), 10);
}

static void test_conflict(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("hist.lance", 0);
  lf_frag_delete d = {0, (const uint32_t[]){3}, 1};
  lf_commit_req del = {.kind = LF_COMMIT_WRITE, .n_del = 1, .dels = &d};
  uint64_t v = 0;
  CHECK(commit("hist.lance", ds, &del, &v, &err_));
  int ndel = count_files("hist.lance", "_deletions"), ntxn = count_files("hist.lance", "_transactions");
  /* the same fragment again from the old base: a conflict, nothing left */
  lf_error err = {0};
  assert_int_equal(commit("hist.lance", ds, &del, &v, &err), LF_CONFLICT);
  assert_non_null(strstr(err.msg, "version 8"));
  assert_int_equal(count_files("hist.lance", "_deletions"), ndel);
  assert_int_equal(count_files("hist.lance", "_transactions"), ntxn);
  uint64_t *vs;
  size_t nv;
  CHECK(lf_dataset_versions(g_store, "hist.lance", &vs, &nv, &err_));
  assert_int_equal(vs[nv - 1], 8);
  free(vs);
  /* a delete in the other fragment rebases over it */
  lf_frag_delete d1 = {1, (const uint32_t[]){0}, 1};
  lf_commit_req del1 = {.kind = LF_COMMIT_WRITE, .n_del = 1, .dels = &d1};
  ds = commit_reopen("hist.lance", ds, &del1, 9);
  int32_t ids[32];
  assert_int_equal(live_ids(ds, ids, 32), 13);
  lf_dataset_free(ds);
}

static void test_create_and_restore(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("hist.lance", 0);
  lf_commit_req c = {.kind = LF_COMMIT_CREATE, .schema = lf_dataset_schema(ds), .v2_paths = 1};
  uint64_t v = 0;
  lf_error err = {0};
  assert_int_equal(lf_commit(g_store, "hist.lance", NULL, &c, &v, &err), LF_EXISTS);
  /* a new dataset (v1 names) from a copy of hist's fragment 0 */
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "mkdir -p %s/new.lance/data && cp %s/hist.lance/data/* %s/new.lance/data/",
           g_tmp, g_tmp, g_tmp);
  assert_int_equal(system(cmd), 0);
  lf_new_fragment nf = {1, lf_dataset_fragment(ds, 0)->files, 10, NULL, NULL, NULL};
  c.v2_paths = 0;
  c.n_new = 1;
  c.new_frags = &nf;
  CHECK(lf_commit(g_store, "new.lance", NULL, &c, &v, &err_));
  assert_int_equal(v, 1);
  assert_int_equal(lf_commit(g_store, "new.lance", NULL, &c, &v, &err), LF_EXISTS);
  lf_dataset *nd = open_ds("new.lance", 0);
  int32_t ids[32];
  assert_int_equal(live_ids(nd, ids, 32), 10);
  assert_string_equal(lf_dataset_operation(nd), "overwrite");
  lf_dataset_free(nd);
  snprintf(cmd, sizeof cmd, "%s/new.lance/_versions/1.manifest", g_tmp);
  assert_int_equal(access(cmd, F_OK), 0);
  /* restore hist to version 4 (ids 0..14 minus 2, 3, 11) */
  lf_commit_req rs = {.kind = LF_COMMIT_RESTORE, .restore_version = 4};
  CHECK(commit("hist.lance", ds, &rs, &v, &err_));
  assert_int_equal(v, 8);
  nd = open_ds("hist.lance", 8);
  assert_string_equal(lf_dataset_operation(nd), "restore");
  assert_int_equal(live_ids(nd, ids, 32), 12);
  assert_int_equal(lf_dataset_manifest(nd)->max_fragment_id, 2);
  lf_dataset_free(nd);
  lf_dataset_free(ds);
}

static void test_tags(void **state) {
  (void)state;
  lf_error err = {0};
  CHECK(lf_tag_create(g_store, "hist.lance", "v5-x_y.z", 5, &err_));
  assert_int_equal(lf_tag_create(g_store, "hist.lance", "v5-x_y.z", 5, &err), LF_EXISTS);
  assert_int_equal(lf_tag_create(g_store, "hist.lance", "first", 2, &err), LF_EXISTS);
  assert_int_equal(lf_tag_create(g_store, "hist.lance", "nope", 99, &err), LF_NOTFOUND);
  const char *bad[] = {"", ".x", "x.", "a..b", "a.lock", "a/b", "a b"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(lf_tag_create(g_store, "hist.lance", bad[i], 1, &err), LF_ARG);
  assert_int_equal(lf_tag_update(g_store, "hist.lance", "ghost", 1, &err), LF_NOTFOUND);
  CHECK(lf_tag_update(g_store, "hist.lance", "v5-x_y.z", 6, &err_));
  lf_dataset *ds = NULL;
  CHECK(lf_dataset_open(g_store, "hist.lance", 0, "v5-x_y.z", &ds, &err_));
  assert_int_equal(lf_dataset_version(ds), 6);
  lf_dataset_free(ds);
  CHECK(lf_tag_delete(g_store, "hist.lance", "v5-x_y.z", &err_));
  assert_int_equal(lf_tag_delete(g_store, "hist.lance", "v5-x_y.z", &err), LF_NOTFOUND);
  lf_tag *tags;
  size_t n;
  CHECK(lf_dataset_tags(g_store, "hist.lance", &tags, &n, &err_));
  assert_int_equal(n, 2);
  lf_tags_free(tags, n);
}

/* ---- stable row ids; concurrency ----------------------------------------------------- */

static void test_stable_append(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("stable.lance", 0);
  uint64_t next = lf_dataset_manifest(ds)->next_row_id, v;
  lf_data_file df;
  lf_new_fragment nf;
  copy_fragment(ds, "stable.lance", 0, &df, &nf);
  lf_commit_req r = {.kind = LF_COMMIT_WRITE, .n_new = 1, .new_frags = &nf};
  CHECK(commit("stable.lance", ds, &r, &v, &err_));
  lf_dataset_free(ds);
  ds = open_ds("stable.lance", v);
  int last = lf_dataset_num_fragments(ds) - 1;
  uint64_t id;
  CHECK(lf_dataset_row_id(ds, last, 0, &id, &err_));
  assert_int_equal(id, next);
  CHECK(lf_dataset_row_id(ds, last, nf.physical_rows - 1, &id, &err_));
  assert_int_equal(id, next + nf.physical_rows - 1);
  assert_int_equal(lf_dataset_manifest(ds)->next_row_id, next + nf.physical_rows);
  /* update every row of that fragment: the new copy keeps the row ids */
  const lf_rowids *r0;
  CHECK(lf_dataset_row_ids(ds, last, &r0, &err_));
  uint64_t kept[64];
  for (uint64_t i = 0; i < nf.physical_rows; i++) kept[i] = lf_rowids_get(r0, i);
  uint32_t all[64];
  for (uint32_t i = 0; i < nf.physical_rows; i++) all[i] = i;
  lf_frag_delete d = {lf_dataset_fragment(ds, last)->id, all, nf.physical_rows};
  lf_data_file_reset(&df);
  copy_fragment(ds, "stable.lance", last, &df, &nf);
  nf.row_ids = kept;
  lf_commit_req up = {.kind = LF_COMMIT_WRITE, .n_new = 1, .new_frags = &nf, .n_del = 1, .dels = &d};
  ds = commit_reopen("stable.lance", ds, &up, v + 1);
  assert_int_equal(lf_dataset_num_fragments(ds), last + 1); /* the old one is gone */
  CHECK(lf_dataset_row_id(ds, last, 0, &id, &err_));
  assert_int_equal(id, next);
  assert_int_equal(lf_dataset_manifest(ds)->next_row_id, next + nf.physical_rows);
  assert_int_equal(lf_dataset_manifest(ds)->txn.n_frag_ids, 1);
  lf_dataset_free(ds);
  lf_data_file_reset(&df);
}

/* Two processes append `each` times each: every append lands once. */
static void test_racing_appends(void **state) {
  (void)state;
  const int each = 15;
  lf_dataset *ds = open_ds("hist.lance", 0);
  lf_data_file df;
  lf_new_fragment nf;
  copy_fragment(ds, "hist.lance", 1, &df, &nf);
  lf_dataset_free(ds);
  pid_t kids[2];
  for (int k = 0; k < 2; k++) {
    if ((kids[k] = fork()) == 0) {
      int fails = 0;
      for (int i = 0; i < each; i++) {
        lf_dataset *d = NULL;
        lf_error err = {0};
        uint64_t v;
        lf_commit_req r = {.kind = LF_COMMIT_WRITE, .n_new = 1, .new_frags = &nf};
        if (lf_dataset_open(g_store, "hist.lance", 0, NULL, &d, &err) ||
            commit("hist.lance", d, &r, &v, &err))
          fails++, fprintf(stderr, "%s\n", err.msg);
        lf_dataset_free(d);
      }
      _exit(fails);
    }
  }
  for (int k = 0; k < 2; k++) {
    int st;
    assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  ds = open_ds("hist.lance", 0);
  assert_int_equal(lf_dataset_version(ds), 7 + 2 * each);
  int32_t ids[256];
  assert_int_equal(live_ids(ds, ids, 256), 15 + 2 * each * 5);
  for (int i = 1; i < lf_dataset_num_fragments(ds); i++)
    assert_true(lf_dataset_fragment(ds, i)->id > lf_dataset_fragment(ds, i - 1)->id);
  lf_dataset_free(ds);
  lf_data_file_reset(&df);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_manifest_roundtrip, setup, teardown),
    cmocka_unit_test(test_deletion_roundtrip),
    cmocka_unit_test_setup_teardown(test_append_delete_update, setup, teardown),
    cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
    cmocka_unit_test_setup_teardown(test_create_and_restore, setup, teardown),
    cmocka_unit_test_setup_teardown(test_tags, setup, teardown),
    cmocka_unit_test_setup_teardown(test_stable_append, setup, teardown),
    cmocka_unit_test_setup_teardown(test_racing_appends, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
