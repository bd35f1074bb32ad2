/*
** test_manifest.c: the table layer (manifest.c, deletion.c, rowids.c,
** tags.c, table.c, store listing) on real datasets written by LanceDB 0.39
** with test/unit/data/make_table_fixtures.mjs (its comments list every step
** these tests assert), plus corrupt variants built in memory.
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
#include "testdata.h"
#include "lf_table.h"

static lf_store *g_store; /* rooted at test/unit/data */

static int setup(void **state) {
  (void)state;
  return lf_store_local_new(test_data_dir(), &g_store, NULL);
}

static int teardown(void **state) {
  (void)state;
  lf_store_free(g_store);
  return 0;
}

static lf_dataset *open_ds(const char *root, uint64_t version, const char *tag) {
  lf_dataset *ds = NULL;
  lf_error err = {0};
  int rc = lf_dataset_open(g_store, root, version, tag, &ds, &err);
  if (rc) print_error("%s\n", err.msg);
  assert_int_equal(rc, LF_OK);
  return ds;
}

/* Deleted offsets of fragment i equal want[0..n). */
static void assert_deletions(lf_dataset *ds, int i, const uint32_t *want, size_t n) {
  const uint32_t *rows;
  size_t got;
  lf_error err = {0};
  int rc = lf_dataset_deletions(ds, i, &rows, &got, &err);
  if (rc) print_error("%s\n", err.msg);
  assert_int_equal(rc, LF_OK);
  assert_int_equal(got, n);
  for (size_t k = 0; k < n; k++) assert_int_equal(rows[k], want[k]);
}

static void test_versions_v2_paths(void **state) {
  (void)state;
  uint64_t *v;
  size_t n;
  lf_error err = {0};
  assert_int_equal(lf_dataset_versions(g_store, "hist.lance", &v, &n, &err), LF_OK);
  assert_int_equal(n, 7);
  for (size_t i = 0; i < n; i++) assert_int_equal(v[i], i + 1);
  free(v);
  assert_int_equal(lf_dataset_versions(g_store, "big.lance", &v, &n, &err), LF_OK);
  assert_int_equal(n, 4);
  assert_int_equal(v[0], 1);
  assert_int_equal(v[3], 4);
  free(v);
}

static void test_operations(void **state) {
  (void)state;
  static const char *ops[] = {"overwrite", "append", "delete", "delete", "update", "merge",
                              "restore"};
  static const int nfrag[] = {1, 2, 2, 2, 3, 3, 2};
  int64_t prev = 0;
  for (int v = 1; v <= 7; v++) {
    lf_dataset *ds = open_ds("hist.lance", (uint64_t)v, NULL);
    assert_int_equal(lf_dataset_version(ds), v);
    assert_string_equal(lf_dataset_operation(ds), ops[v - 1]);
    assert_int_equal(lf_dataset_num_fragments(ds), nfrag[v - 1]);
    const lf_manifest *m = lf_dataset_manifest(ds);
    assert_int_equal(m->txn.read_version, v - 1);
    assert_int_equal(strlen(m->txn.uuid), 36);
    assert_string_equal(m->data_format, "lance");
    assert_string_equal(m->data_version, "2.2");
    assert_string_equal(m->writer_library, "lance");
    assert_false(lf_dataset_stable_row_ids(ds));
    assert_true(lf_dataset_timestamp_ns(ds) > (int64_t)1700000000 * 1000000000);
    assert_true(lf_dataset_timestamp_ns(ds) >= prev);
    prev = lf_dataset_timestamp_ns(ds);
    if (v == 7) assert_int_equal(m->txn.restore_version, 2);
    lf_dataset_free(ds);
  }
  lf_dataset *latest = open_ds("hist.lance", 0, NULL);
  assert_int_equal(lf_dataset_version(latest), 7);
  lf_dataset_free(latest);
}

static void test_fragments_and_schema(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("hist.lance", 6, NULL);
  const lf_schema *sc = lf_dataset_schema(ds);
  assert_int_equal(sc->n_fields, 3);
  assert_string_equal(sc->fields[0]->name, "id");
  assert_int_equal(sc->fields[0]->type, LF_T_INT32);
  assert_string_equal(sc->fields[1]->name, "s");
  assert_string_equal(sc->fields[2]->name, "d");
  assert_int_equal(sc->fields[2]->id, 2);
  static const uint64_t rows[] = {10, 5, 1};
  for (int i = 0; i < 3; i++) {
    const lf_fragment *fr = lf_dataset_fragment(ds, i);
    assert_int_equal(fr->id, i);
    assert_int_equal(fr->physical_rows, rows[i]);
    assert_int_equal(fr->n_files, 2); /* add column wrote a second file */
    const lf_data_file *a = &fr->files[0], *b = &fr->files[1];
    assert_int_equal(a->n_fields, 2);
    assert_int_equal(a->fields[0], 0);
    assert_int_equal(a->fields[1], 1);
    assert_int_equal(a->column_indices[1], 1);
    assert_int_equal(a->major, 2);
    assert_int_equal(a->minor, 2);
    assert_true(a->size_bytes > 0);
    assert_int_equal(b->n_fields, 1);
    assert_int_equal(b->fields[0], 2);
    assert_int_equal(b->column_indices[0], 0);
    char *path;
    lf_error err = {0};
    assert_int_equal(lf_dataset_file_path(ds, a, &path, &err), LF_OK);
    assert_memory_equal(path, "hist.lance/data/", 16);
    uint64_t size;
    assert_int_equal(g_store->size(g_store, path, &size, &err), LF_OK);
    assert_int_equal(size, a->size_bytes);
    free(path);
  }
  assert_null(lf_dataset_fragment(ds, 3));
  assert_true(lf_dataset_manifest(ds)->has_max_fragment_id);
  assert_int_equal(lf_dataset_manifest(ds)->max_fragment_id, 2);
  lf_dataset_free(ds);
}

static void test_arrow_deletions(void **state) {
  (void)state;
  static const uint32_t d23[] = {2, 3}, d1[] = {1}, d234[] = {2, 3, 4};
  lf_dataset *ds = open_ds("hist.lance", 3, NULL);
  const lf_fragment *f0 = lf_dataset_fragment(ds, 0);
  assert_true(f0->deletion.present);
  assert_int_equal(f0->deletion.type, LF_DEL_ARROW);
  assert_int_equal(f0->deletion.read_version, 2);
  assert_int_equal(f0->deletion.num_deleted_rows, 2);
  assert_deletions(ds, 0, d23, 2);
  assert_deletions(ds, 0, d23, 2); /* cached */
  assert_false(lf_dataset_fragment(ds, 1)->deletion.present);
  assert_deletions(ds, 1, NULL, 0);
  lf_dataset_free(ds);
  ds = open_ds("hist.lance", 5, NULL);
  assert_deletions(ds, 0, d234, 3);
  assert_deletions(ds, 1, d1, 1);
  assert_deletions(ds, 2, NULL, 0);
  lf_dataset_free(ds);
  ds = open_ds("hist.lance", 7, NULL); /* restored to version 2: nothing deleted */
  assert_deletions(ds, 0, NULL, 0);
  assert_deletions(ds, 1, NULL, 0);
  lf_dataset_free(ds);
}

static void test_bitmap_and_zstd_deletions(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("big.lance", 0, NULL);
  assert_int_equal(lf_dataset_version(ds), 4);
  const lf_fragment *f0 = lf_dataset_fragment(ds, 0), *f1 = lf_dataset_fragment(ds, 1);
  assert_int_equal(f0->physical_rows, 6000);
  assert_int_equal(f0->deletion.type, LF_DEL_BITMAP);
  assert_int_equal(f1->deletion.type, LF_DEL_ARROW);
  const uint32_t *rows;
  size_t n;
  lf_error err = {0};
  assert_int_equal(lf_dataset_deletions(ds, 0, &rows, &n, &err), LF_OK);
  assert_int_equal(n, 5700);
  for (size_t i = 0; i < n; i++) assert_int_equal(rows[i], 300 + i);
  assert_int_equal(lf_dataset_deletions(ds, 1, &rows, &n, &err), LF_OK);
  assert_int_equal(n, 3000);
  for (size_t i = 0; i < n; i++) assert_int_equal(rows[i], 1000 + i);
  assert_int_equal(f1->deletion.num_deleted_rows, 3000);
  lf_dataset_free(ds);
}

static void test_row_addresses(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("hist.lance", 2, NULL);
  uint64_t id;
  lf_error err = {0};
  const lf_rowids *ids;
  assert_int_equal(lf_dataset_row_ids(ds, 1, &ids, &err), LF_OK);
  assert_null(ids);
  assert_int_equal(lf_dataset_row_id(ds, 1, 3, &id, &err), LF_OK);
  assert_int_equal(id, ((uint64_t)1 << 32) | 3);
  assert_int_equal(lf_dataset_row_id(ds, 1, 5, &id, &err), LF_ARG);
  assert_int_equal(lf_dataset_row_id(ds, 2, 0, &id, &err), LF_ARG);
  lf_dataset_free(ds);
}

static void test_stable_row_ids(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("stable.lance", 0, NULL);
  assert_int_equal(lf_dataset_version(ds), 6);
  assert_string_equal(lf_dataset_operation(ds), "rewrite");
  assert_true(lf_dataset_stable_row_ids(ds));
  assert_int_equal(lf_dataset_manifest(ds)->next_row_id, 12);
  assert_int_equal(lf_dataset_num_fragments(ds), 1);
  assert_int_equal(lf_dataset_fragment(ds, 0)->id, 3);
  static const uint64_t want[] = {0, 2, 3, 4, 6, 7, 8, 10, 11, 5};
  lf_error err = {0};
  for (uint64_t off = 0; off < 10; off++) {
    uint64_t id;
    assert_int_equal(lf_dataset_row_id(ds, 0, off, &id, &err), LF_OK);
    assert_int_equal(id, want[off]);
  }
  const lf_rowids *ids;
  uint64_t off;
  int frag;
  assert_int_equal(lf_dataset_row_ids(ds, 0, &ids, &err), LF_OK);
  assert_int_equal(ids->len, 10);
  assert_int_equal(lf_dataset_locate(ds, 5, &frag, &off, &err), LF_OK);
  assert_int_equal(frag, 0);
  assert_int_equal(off, 9);
  assert_int_equal(lf_dataset_locate(ds, 10, &frag, &off, &err), LF_OK);
  assert_int_equal(frag, 0);
  assert_int_equal(off, 7);
  assert_int_equal(lf_dataset_locate(ds, 1, &frag, &off, &err), LF_OK);
  assert_int_equal(frag, -1);
  assert_int_equal(lf_dataset_locate(ds, 12, &frag, &off, &err), LF_OK);
  assert_int_equal(frag, -1);
  assert_non_null(lf_dataset_fragment(ds, 0)->created_at.data);
  lf_dataset_free(ds);

  ds = open_ds("stable.lance", 4, NULL); /* after the update moved row id 5 */
  assert_string_equal(lf_dataset_operation(ds), "update");
  assert_int_equal(lf_dataset_num_fragments(ds), 3);
  static const uint32_t d15[] = {1, 5}, d1[] = {1};
  assert_deletions(ds, 0, d15, 2);
  assert_deletions(ds, 1, d1, 1);
  uint64_t id;
  assert_int_equal(lf_dataset_row_id(ds, 1, 2, &id, &err), LF_OK);
  assert_int_equal(id, 10);
  assert_int_equal(lf_dataset_row_id(ds, 2, 0, &id, &err), LF_OK);
  assert_int_equal(id, 5);
  lf_dataset_free(ds);
  ds = open_ds("stable.lance", 5, NULL);
  assert_string_equal(lf_dataset_operation(ds), "reserve_fragments");
  lf_dataset_free(ds);
}

static void test_v1_paths_stable(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("v1stable.lance", 0, NULL);
  assert_int_equal(lf_dataset_version(ds), 3);
  assert_true(lf_dataset_stable_row_ids(ds));
  uint64_t id;
  lf_error err = {0};
  assert_int_equal(lf_dataset_row_id(ds, 1, 2, &id, &err), LF_OK);
  assert_int_equal(id, 7);
  static const uint32_t d1[] = {1};
  assert_deletions(ds, 1, d1, 1);
  lf_dataset_free(ds);
  ds = open_ds("v1stable.lance", 1, NULL);
  assert_string_equal(lf_dataset_operation(ds), "overwrite");
  lf_dataset_free(ds);
}

static void test_tags(void **state) {
  (void)state;
  lf_tag *tags;
  size_t n;
  lf_error err = {0};
  assert_int_equal(lf_dataset_tags(g_store, "hist.lance", &tags, &n, &err), LF_OK);
  assert_int_equal(n, 2);
  assert_string_equal(tags[0].name, "first");
  assert_int_equal(tags[0].version, 1);
  assert_null(tags[0].branch);
  assert_string_equal(tags[1].name, "mid");
  assert_int_equal(tags[1].version, 4); /* created at 3, updated to 4 */
  lf_tags_free(tags, n);
  assert_int_equal(lf_dataset_tags(g_store, "big.lance", &tags, &n, &err), LF_OK);
  assert_int_equal(n, 0);
  assert_null(tags);

  lf_dataset *ds = open_ds("hist.lance", 0, "mid");
  assert_int_equal(lf_dataset_version(ds), 4);
  lf_dataset_free(ds);
  ds = NULL;
  assert_int_equal(lf_dataset_open(g_store, "hist.lance", 0, "gone", &ds, &err), LF_NOTFOUND);
  assert_string_equal(err.msg, "hist.lance: tag 'gone' not found");
  assert_int_equal(lf_dataset_open(g_store, "hist.lance", 2, "mid", &ds, &err), LF_ARG);
  assert_int_equal(lf_dataset_open(g_store, "hist.lance", 0, "../x", &ds, &err), LF_ARG);
  assert_null(ds);
}

static void test_tag_json(void **state) {
  (void)state;
  lf_tag t;
  lf_error err = {0};
  const char *ok = " {\"branch\":\"dev\",\"x\":[1,{\"y\":null},\"a\\\"b\"],\"version\":42} ";
  assert_int_equal(lf_tag_parse((const uint8_t *)ok, strlen(ok), "t", &t, &err), LF_OK);
  assert_int_equal(t.version, 42);
  assert_string_equal(t.branch, "dev");
  lf_tag_reset(&t);
  static const char *bad[] = {"", "{", "{\"version\":1", "{\"version\":-1}",
                              "{\"version\":1.5}", "{\"branch\":null}", "[1]",
                              "{\"version\":1} x", "{\"version\":99999999999999999999}",
                              "{\"a\":\"\\", "{\"version\":1,}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(lf_tag_parse((const uint8_t *)bad[i], strlen(bad[i]), "t", &t, &err),
                     LF_CORRUPT);
    assert_null(t.branch);
  }
  char deep[200];
  memset(deep, '[', sizeof deep);
  memcpy(deep, "{\"a\":", 5);
  assert_int_equal(lf_tag_parse((const uint8_t *)deep, sizeof deep, "t", &t, &err), LF_CORRUPT);
}

static void test_missing(void **state) {
  (void)state;
  lf_dataset *ds = NULL;
  lf_error err = {0};
  assert_int_equal(lf_dataset_open(g_store, "hist.lance", 9, NULL, &ds, &err), LF_NOTFOUND);
  assert_string_equal(err.msg, "hist.lance: version 9 not found (latest is 7)");
  assert_int_equal(lf_dataset_open(g_store, "nope.lance", 0, NULL, &ds, &err), LF_NOTFOUND);
  assert_string_equal(err.msg, "nope.lance: no dataset here (no _versions directory)");
  assert_null(ds);
  uint64_t *v;
  size_t n;
  assert_int_equal(lf_dataset_versions(g_store, "nope.lance", &v, &n, &err), LF_NOTFOUND);
}

/* ---- corrupt inputs built from the fixtures ------------------------------- */

static uint8_t *slurp(const char *path, size_t *n) {
  uint8_t *d;
  lf_error err = {0};
  int rc = lf_read_whole(g_store, path, 1 << 24, &d, n, &err);
  if (rc) print_error("%s\n", err.msg);
  assert_int_equal(rc, LF_OK);
  return d;
}

#define HIST_V5 "hist.lance/_versions/18446744073709551610.manifest"

static int parse_bytes(const uint8_t *d, size_t n, lf_error *err) {
  lf_manifest m;
  int rc = lf_manifest_parse(d, n, "m", &m, err);
  if (!rc) lf_manifest_reset(&m);
  return rc;
}

static void test_corrupt_manifest(void **state) {
  (void)state;
  size_t n;
  uint8_t *d = slurp(HIST_V5, &n);
  lf_error err = {0};
  assert_int_equal(parse_bytes(d, n, &err), LF_OK);
  /* every truncation fails cleanly */
  for (size_t k = 0; k < n; k++) assert_int_not_equal(parse_bytes(d, k, &err), LF_OK);
  assert_int_equal(parse_bytes(d, n - 20, &err), LF_CORRUPT);
  assert_string_equal(err.msg, "m: not a Lance manifest (bad magic)");
  uint8_t *c = malloc(n);
  memcpy(c, d, n);
  c[n - 1] = 'X';
  assert_int_equal(parse_bytes(c, n, &err), LF_CORRUPT);
  /* manifest position past the footer */
  memcpy(c, d, n);
  c[n - 16] = 0xff, c[n - 15] = 0xff;
  assert_int_equal(parse_bytes(c, n, &err), LF_CORRUPT);
  /* bad protobuf: the manifest's first key becomes wire type 7 */
  memcpy(c, d, n);
  uint64_t pos = 0;
  for (int i = 7; i >= 0; i--) pos = pos << 8 | c[n - 16 + i];
  c[pos + 4] = 0x0f;
  assert_int_equal(parse_bytes(c, n, &err), LF_CORRUPT);
  /* a flipped byte anywhere never crashes (ASan checks the reads) */
  for (size_t k = 0; k < n; k++) {
    memcpy(c, d, n);
    c[k] ^= 0x5a;
    (void)parse_bytes(c, n, &err);
  }
  free(c);
  free(d);
}

static void test_corrupt_deletions(void **state) {
  (void)state;
  lf_dataset *ds = open_ds("big.lance", 0, NULL);
  const lf_fragment *f1 = lf_dataset_fragment(ds, 1);
  char rel[128], *path;
  snprintf(rel, sizeof rel, "_deletions/1-%llu-%llu.arrow",
           (unsigned long long)f1->deletion.read_version, (unsigned long long)f1->deletion.id);
  path = lf_path_join("big.lance", rel);
  lf_dataset_free(ds);
  size_t n;
  uint8_t *d = slurp(path, &n);
  uint32_t *rows;
  size_t nr;
  lf_error err = {0};
  assert_int_equal(lf_deletion_parse(d, n, LF_DEL_ARROW, 4000, path, &rows, &nr, &err), LF_OK);
  assert_int_equal(nr, 3000);
  free(rows);
  /* fewer rows in the fragment than deleted */
  assert_int_equal(lf_deletion_parse(d, n, LF_DEL_ARROW, 100, path, &rows, &nr, &err),
                   LF_CORRUPT);
  for (size_t k = 0; k < n; k += 7) {
    assert_int_not_equal(lf_deletion_parse(d, k, LF_DEL_ARROW, 4000, path, &rows, &nr, &err),
                         LF_OK);
    assert_null(rows);
  }
  /* cut the body: keep the footer, drop bytes in the middle */
  uint8_t *c = malloc(n);
  memcpy(c, d, n);
  memset(c + 0x1d0, 0, 64);
  assert_int_equal(lf_deletion_parse(c, n, LF_DEL_ARROW, 4000, path, &rows, &nr, &err),
                   LF_CORRUPT);
  for (size_t k = 0; k < n; k += 3) {
    memcpy(c, d, n);
    c[k] ^= 0xa5;
    if (lf_deletion_parse(c, n, LF_DEL_ARROW, 4000, path, &rows, &nr, &err) == LF_OK) free(rows);
  }
  free(c);
  free(d);
  free(path);

  ds = open_ds("hist.lance", 3, NULL);
  const lf_deletion_file *h0 = &lf_dataset_fragment(ds, 0)->deletion;
  snprintf(rel, sizeof rel, "hist.lance/_deletions/0-2-%llu.arrow",
           (unsigned long long)h0->id);
  lf_dataset_free(ds);
  d = slurp(rel, &n);
  assert_int_equal(lf_deletion_parse(d, n - 1, LF_DEL_ARROW, 10, "x.arrow", &rows, &nr, &err),
                   LF_CORRUPT);
  assert_string_equal(err.msg, "x.arrow: not an Arrow IPC file (bad magic)");
  free(d);
}

static void test_corrupt_bitmap(void **state) {
  (void)state;
  char name[128];
  lf_dataset *ds = open_ds("big.lance", 0, NULL);
  const lf_deletion_file *df = &lf_dataset_fragment(ds, 0)->deletion;
  snprintf(name, sizeof name, "big.lance/_deletions/0-%llu-%llu.bin",
           (unsigned long long)df->read_version, (unsigned long long)df->id);
  lf_dataset_free(ds);
  size_t n;
  uint8_t *d = slurp(name, &n);
  uint32_t *rows;
  size_t nr;
  lf_error err = {0};
  assert_int_equal(lf_deletion_parse(d, n, LF_DEL_BITMAP, 6000, "b", &rows, &nr, &err), LF_OK);
  assert_int_equal(nr, 5700);
  free(rows);
  assert_int_equal(lf_deletion_parse(d, n, LF_DEL_BITMAP, 5000, "b", &rows, &nr, &err),
                   LF_CORRUPT);
  for (size_t k = 0; k < n; k += 97)
    assert_int_equal(lf_deletion_parse(d, k, LF_DEL_BITMAP, 6000, "b", &rows, &nr, &err),
                     LF_CORRUPT);
  free(d);
}

static void test_rowids_encodings(void **state) {
  (void)state;
  lf_rowids r;
  lf_error err = {0};
  uint8_t b[64];
  size_t n = 0;
  /* segment 1: 5 array { 1 u16 { 1 base=100, 2 offsets=[5,0,1,0] } } */
  const uint8_t s1[] = {0x2a, 0x0a, 0x0a, 0x08, 0x08, 0x64, 0x12, 0x04, 5, 0, 1, 0};
  /* segment 2: 2 range_with_holes { 1 start=10, 2 end=15, 3 holes { 2 u32 { 1 base=11,
  ** 2 offsets=[0,2] } } } */
  const uint8_t s2[] = {0x12, 0x14, 0x08, 10, 0x10, 15, 0x1a, 0x0e, 0x12, 0x0c,
                        0x08, 11, 0x12, 0x08, 0, 0, 0, 0, 2, 0, 0, 0};
  /* segment 3: 4 sorted_array { 3 u64 { 2 values=[7] } } */
  const uint8_t s3[] = {0x22, 0x0c, 0x1a, 0x0a, 0x12, 0x08, 7, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t *segs[] = {s1, s2, s3};
  size_t lens[] = {sizeof s1, sizeof s2, sizeof s3};
  for (int i = 0; i < 3; i++) {
    b[n++] = 0x0a;
    b[n++] = (uint8_t)lens[i];
    memcpy(b + n, segs[i], lens[i]);
    n += lens[i];
  }
  int rc = lf_rowids_parse(b, n, 100, &r, &err);
  if (rc) print_error("%s\n", err.msg);
  assert_int_equal(rc, LF_OK);
  static const uint64_t want[] = {105, 101, 10, 12, 14, 7};
  assert_int_equal(r.len, 6);
  for (uint64_t i = 0; i < 6; i++) assert_int_equal(lf_rowids_get(&r, i), want[i]);
  lf_rowids_reset(&r);
  /* too long for the fragment, truncated, reversed range */
  assert_int_equal(lf_rowids_parse(b, n, 5, &r, &err), LF_CORRUPT);
  for (size_t k = 1; k < n; k++) {
    if (lf_rowids_parse(b, k, 100, &r, &err) == LF_OK) lf_rowids_reset(&r);
  }
  const uint8_t rev[] = {0x0a, 0x06, 0x0a, 0x04, 0x08, 5, 0x10, 3};
  assert_int_equal(lf_rowids_parse(rev, sizeof rev, 100, &r, &err), LF_CORRUPT);
  const uint8_t huge[] = {0x0a, 0x0d, 0x0a, 0x0b, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0x01};
  assert_int_equal(lf_rowids_parse(huge, sizeof huge, 1 << 20, &r, &err), LF_CORRUPT);
}

static void test_store_list_mem(void **state) {
  (void)state;
  lf_store *m;
  lf_error err = {0};
  assert_int_equal(lf_store_mem_new((const uint8_t *)"x", 1, &m, &err), LF_OK);
  lf_dataset *ds = NULL;
  assert_int_equal(lf_dataset_open(m, "t.lance", 0, NULL, &ds, &err), LF_NOTFOUND);
  assert_string_equal(err.msg, "t.lance: no dataset here (no _versions directory)");
  lf_store_free(m);
}

/* RowDatasetVersionSequence: per-row versions encoded in runs and read back;
** LanceDB 0.39's compacted layout (spans keeping their old positions); runs
** covering too few or too many rows, and truncated bytes, are refused. */
static void test_version_seqs(void **state) {
  (void)state;
  uint64_t v[9] = {3, 3, 0, 0, 1, 1, 1, 7, 0}, out[9];
  lf_buf b = {0};
  lf_error err = {0};
  lf_version_seq_encode_rows(&b, v, 9, 5);
  assert_int_equal(lf_version_seq_parse(b.p, b.len, 9, out, &err), LF_OK);
  static const uint64_t want[9] = {3, 3, 5, 5, 1, 1, 1, 7, 5};
  assert_memory_equal(out, want, sizeof want);
  assert_int_equal(lf_version_seq_parse(b.p, b.len, 8, out, &err), LF_CORRUPT);
  assert_int_equal(lf_version_seq_parse(b.p, b.len, 10, out, &err), LF_CORRUPT);
  for (size_t k = 1; k < b.len; k++) /* truncations: no crash, never success */
    assert_int_not_equal(lf_version_seq_parse(b.p, k, 9, out, &err), LF_OK);
  lf_buf_reset(&b);
  /* compacted by LanceDB: spans 3..10, 0..3, 0..1 with versions 1, 1, 2 */
  static const uint8_t lance[] = {0x0a, 0x0a, 0x0a, 0x06, 0x0a, 0x04, 0x08, 0x03, 0x10, 0x0a,
                                  0x10, 0x01, 0x0a, 0x08, 0x0a, 0x04, 0x0a, 0x02, 0x10, 0x03,
                                  0x10, 0x01, 0x0a, 0x08, 0x0a, 0x04, 0x0a, 0x02, 0x10, 0x01,
                                  0x10, 0x02};
  uint64_t o11[11];
  assert_int_equal(lf_version_seq_parse(lance, sizeof lance, 11, o11, &err), LF_OK);
  for (int i = 0; i < 11; i++) assert_int_equal(o11[i], i < 10 ? 1 : 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_versions_v2_paths),
    cmocka_unit_test(test_operations),
    cmocka_unit_test(test_fragments_and_schema),
    cmocka_unit_test(test_arrow_deletions),
    cmocka_unit_test(test_bitmap_and_zstd_deletions),
    cmocka_unit_test(test_row_addresses),
    cmocka_unit_test(test_stable_row_ids),
    cmocka_unit_test(test_v1_paths_stable),
    cmocka_unit_test(test_tags),
    cmocka_unit_test(test_tag_json),
    cmocka_unit_test(test_missing),
    cmocka_unit_test(test_corrupt_manifest),
    cmocka_unit_test(test_corrupt_deletions),
    cmocka_unit_test(test_corrupt_bitmap),
    cmocka_unit_test(test_rowids_encodings),
    cmocka_unit_test(test_version_seqs),
    cmocka_unit_test(test_store_list_mem),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
