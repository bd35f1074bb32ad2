/*
** test_evolve.c: schema evolution commits (format/evolve.c through lf_commit) on a
** copy of the LanceDB dataset test/unit/data/hist.lance (v7: fields 0 id int32 NOT
** NULL and 1 s (dictionary utf8); fragments 0 (10 rows) and 1 (5 rows), one data
** file each): new schemas (rename, nullability, drop, cast in place, added fields
** with ids past the highest), column files put in by REPLACE (added where the
** fragment has none, replacing a file of the same fields, refused when they
** overlap a shared file) and by MERGE with tombstones, read back with a scan;
** rebased over a concurrent append (REPLACE) or refused (MERGE); Lance's cast
** rule; the conflict rules against concurrent operations.
*/
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
#include "lf_write.h"
#include "tmpdir.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_setup("lf_evolve", (const char *const[]){"hist.lance", NULL});
}

static lf_dataset *open_ds(uint64_t version) {
  lf_dataset *ds = NULL;
  CHECK(lf_dataset_open(g_store, "hist.lance", version, NULL, &ds, &err_));
  return ds;
}

/* The int64 (or int32) values of top-level field `name` of ds in scan order (NULL: -1). */
static int values(lf_dataset *ds, const char *name, int64_t *out, int cap) {
  const lf_schema *s = lf_dataset_schema(ds);
  int field = -1, n = 0;
  for (int i = 0; i < s->n_fields; i++)
    if (!strcmp(s->fields[i]->name, name)) field = i;
  assert_true(field >= 0);
  lf_scan *sc;
  const lf_scan_batch *b;
  CHECK(lf_scan_open(ds, g_store, &field, 1, &sc, &err_));
  for (;;) {
    CHECK(lf_scan_next(sc, 1000, &b, &err_));
    if (!b->n) break;
    const lf_array *a = &b->cols[0];
    for (uint64_t i = 0; i < b->n && n < cap; i++, n++)
      out[n] = lf_array_is_null(a, i) ? -1
               : a->field->type == LF_T_INT32 ? ((const int32_t *)a->values)[i]
                                              : ((const int64_t *)a->values)[i];
  }
  lf_scan_free(sc);
  return n;
}

/* A column file of fragment fr holding `cols` (one int32 or int64 field) = base + offset. */
static void column_file(lf_dataset *ds, const lf_schema *cols, const lf_fragment *fr, int64_t base,
                        lf_data_file *df) {
  int major, minor;
  lf_dataset_file_version(ds, &major, &minor);
  char name[64];
  lf_data_file_name(name, sizeof name);
  lf_writer *w;
  CHECK(lf_writer_open(g_store, "hist.lance", name, cols, major, minor, &w, &err_));
  lf_array a;
  lf_array_init(&a, cols->fields[0]);
  int w4 = cols->fields[0]->type == LF_T_INT32;
  assert_int_equal(lf_array_alloc_values(&a, fr->physical_rows * (w4 ? 4 : 8)), LF_OK);
  for (uint64_t i = 0; i < fr->physical_rows; i++) {
    if (w4) ((int32_t *)a.values)[i] = (int32_t)(base + (int64_t)i);
    else ((int64_t *)a.values)[i] = base + (int64_t)i;
  }
  a.length = fr->physical_rows;
  CHECK(lf_writer_write(w, &a, fr->physical_rows, &err_));
  lf_array_reset(&a);
  memset(df, 0, sizeof *df);
  CHECK(lf_writer_finish(w, df, &err_));
}

static uint64_t commit(lf_dataset *ds, int kind, const lf_evolve_spec *sp, const lf_frag_file *adds,
                       int nadds, lf_error *err, int *rc) {
  const lf_manifest *m = lf_dataset_manifest(ds);
  uint8_t *schema = NULL;
  size_t len = 0;
  if (sp) CHECK(lf_evolve_schema(m, sp, &schema, &len, &err_));
  lf_commit_req r = {.kind = kind, .new_schema = schema, .new_schema_len = len, .n_adds = nadds,
                     .adds = adds};
  uint64_t v = 0;
  *rc = lf_commit(g_store, "hist.lance", m, &r, &v, err);
  free(schema);
  return v;
}

/* Version 8: hist.lance with an all-NULL column x INT64 (field 2, in *add);
** returns it open. */
static lf_dataset *with_x(lf_schema *add) {
  lf_dataset *ds = open_ds(0);
  CHECK(lf_schema_from_ddl("x INT64", add, &err_));
  lf_evolve_renumber(add, 2);
  lf_evolve_spec sp = {.add = add};
  lf_error err = {0};
  int rc;
  assert_int_equal(commit(ds, LF_COMMIT_MERGE, &sp, NULL, 0, &err, &rc), 8);
  assert_int_equal(rc, LF_OK);
  lf_dataset_free(ds);
  return open_ds(0);
}

static void test_schema_changes(void **state) {
  (void)state;
  lf_dataset *ds = open_ds(0);
  const lf_manifest *m = lf_dataset_manifest(ds);
  assert_int_equal(lf_evolve_max_field_id(m), 1);
  /* add x INT64 (all NULL), rename s -> label, make id nullable */
  lf_schema add;
  CHECK(lf_schema_from_ddl("x INT64, y FLOAT32[2]", &add, &err_));
  lf_evolve_renumber(&add, lf_evolve_max_field_id(m) + 1);
  lf_evolve_alter al[2] = {{m->schema.fields[1], "label", -1, NULL}, {m->schema.fields[0], NULL, 1, NULL}};
  lf_evolve_spec sp = {.alter = al, .n_alter = 2, .add = &add};
  CHECK(lf_evolve_check_names(m, &sp, &err_));
  lf_error err = {0};
  int rc;
  assert_int_equal(commit(ds, LF_COMMIT_MERGE, &sp, NULL, 0, &err, &rc), 8);
  assert_int_equal(rc, LF_OK);
  lf_schema_reset(&add);
  lf_dataset_free(ds);
  ds = open_ds(0);
  const lf_schema *s = lf_dataset_schema(ds);
  assert_string_equal(lf_dataset_operation(ds), "merge");
  assert_int_equal(s->n_fields, 4);
  assert_string_equal(s->fields[0]->name, "id");
  assert_int_equal(s->fields[0]->nullable, 1);
  assert_string_equal(s->fields[1]->name, "label");
  assert_int_equal(s->fields[1]->id, 1);
  assert_int_equal(s->fields[1]->is_dict, 1); /* the rest of its Field message kept */
  assert_string_equal(s->fields[2]->name, "x");
  assert_int_equal(s->fields[2]->id, 2);
  assert_int_equal(s->fields[3]->id, 3);
  assert_int_equal(lf_dataset_fragment(ds, 0)->n_files, 1); /* nothing written */
  int64_t v[32];
  assert_int_equal(values(ds, "x", v, 32), 15);
  assert_int_equal(v[0], -1);
  assert_int_equal(values(ds, "id", v, 32), 15);
  assert_int_equal(v[14], 14);
  /* name clashes */
  lf_evolve_alter clash = {s->fields[2], "LABEL", -1, NULL};
  lf_evolve_spec sc = {.alter = &clash, .n_alter = 1};
  assert_int_equal(lf_evolve_check_names(lf_dataset_manifest(ds), &sc, &err), LF_ARG);
  assert_string_equal(err.msg, "cannot rename 'x' to 'LABEL': that column exists");
  /* drop label and y: a Project; the data file still holds id */
  const lf_field *drop[2] = {s->fields[1], s->fields[3]};
  lf_evolve_spec sd = {.drop = drop, .n_drop = 2};
  assert_int_equal(commit(ds, LF_COMMIT_PROJECT, &sd, NULL, 0, &err, &rc), 9);
  assert_int_equal(rc, LF_OK);
  lf_dataset_free(ds);
  ds = open_ds(0);
  assert_string_equal(lf_dataset_operation(ds), "project");
  s = lf_dataset_schema(ds);
  assert_int_equal(s->n_fields, 2);
  assert_string_equal(s->fields[1]->name, "x");
  /* s (1) stays in the data file; y (3) was in no file, so its id is free again */
  assert_int_equal(lf_evolve_max_field_id(lf_dataset_manifest(ds)), 2);
  assert_int_equal(values(ds, "id", v, 32), 15);
  lf_dataset_free(ds);
}

static void test_replace_and_merge(void **state) {
  (void)state;
  lf_schema add;
  lf_error err = {0};
  int rc;
  lf_dataset *ds = with_x(&add); /* v8: x all NULL */
  /* REPLACE: x gets values in fragment 1 only (a file added) */
  lf_data_file df1, df2, df3;
  column_file(ds, &add, lf_dataset_fragment(ds, 1), 100, &df1);
  lf_frag_file a1 = {1, df1, NULL, 0};
  assert_true(lf_evolve_replaceable(lf_dataset_fragment(ds, 1), &df1));
  assert_int_equal(commit(ds, LF_COMMIT_REPLACE, NULL, &a1, 1, &err, &rc), 9);
  assert_int_equal(rc, LF_OK);
  lf_dataset_free(ds);
  ds = open_ds(0);
  assert_string_equal(lf_dataset_operation(ds), "data_replacement");
  assert_int_equal(lf_dataset_manifest(ds)->txn.n_frag_ids, 1);
  int64_t v[32];
  assert_int_equal(values(ds, "x", v, 32), 15);
  assert_int_equal(v[9], -1);
  assert_int_equal(v[10], 100);
  assert_int_equal(v[14], 104);
  /* again: the file of x in fragment 1 is replaced, not added */
  column_file(ds, &add, lf_dataset_fragment(ds, 1), 200, &df2);
  lf_frag_file a2 = {1, df2, NULL, 0};
  commit(ds, LF_COMMIT_REPLACE, NULL, &a2, 1, &err, &rc);
  assert_int_equal(rc, LF_OK);
  lf_dataset_free(ds);
  ds = open_ds(0);
  assert_int_equal(lf_dataset_fragment(ds, 1)->n_files, 2);
  assert_string_equal(lf_dataset_fragment(ds, 1)->files[1].path, df2.path);
  assert_int_equal(values(ds, "x", v, 32), 15);
  assert_int_equal(v[10], 200);
  /* id lives in a file with s: REPLACE refuses, MERGE tombstones the old copy */
  lf_schema idcol;
  CHECK(lf_schema_from_ddl("id INT32 NOT NULL", &idcol, &err_)); /* id 0, as the dataset's */
  column_file(ds, &idcol, lf_dataset_fragment(ds, 0), 1000, &df3);
  assert_false(lf_evolve_replaceable(lf_dataset_fragment(ds, 0), &df3));
  lf_frag_file a3 = {0, df3, (const int32_t[]){0}, 1};
  lf_frag_file a3r = {0, df3, NULL, 0};
  commit(ds, LF_COMMIT_REPLACE, NULL, &a3r, 1, &err, &rc);
  assert_int_equal(rc, LF_ARG);
  assert_non_null(strstr(err.msg, "fragment 0: the new file's fields do not match a data file"));
  lf_evolve_spec none = {0};
  commit(ds, LF_COMMIT_MERGE, &none, &a3, 1, &err, &rc);
  assert_int_equal(rc, LF_OK);
  lf_dataset_free(ds);
  ds = open_ds(0);
  assert_string_equal(lf_dataset_operation(ds), "merge");
  const lf_fragment *f0 = lf_dataset_fragment(ds, 0);
  assert_int_equal(f0->n_files, 2);
  assert_int_equal(f0->files[0].fields[0], -2); /* id tombstoned in the old file */
  assert_int_equal(f0->files[0].fields[1], 1);  /* s still there */
  assert_int_equal(values(ds, "id", v, 32), 15);
  assert_int_equal(v[0], 1000);
  assert_int_equal(v[9], 1009);
  assert_int_equal(v[10], 10); /* fragment 1 untouched */
  lf_dataset_free(ds);
  lf_data_file_reset(&df1);
  lf_data_file_reset(&df2);
  lf_data_file_reset(&df3);
  lf_schema_reset(&add);
  lf_schema_reset(&idcol);
}

static void test_cast_rule(void **state) {
  (void)state;
  static const struct { const char *from, *to; int ok; } cases[] = {
    {"INT32", "INT64", 1}, {"INT64", "INT8", 1}, {"UINT8", "INT16", 1}, {"FLOAT32", "FLOAT64", 1},
    {"FLOAT16", "FLOAT32", 1}, {"INT64", "FLOAT64", 0}, {"FLOAT64", "INT64", 0},
    {"TEXT", "LARGE_TEXT", 1}, {"TEXT", "BLOB", 0}, {"BLOB", "LARGE_BLOB", 1},
    {"BOOLEAN", "INT8", 0}, {"DATE", "TIMESTAMP", 1}, {"FLOAT32[4]", "FLOAT64[4]", 1},
    {"INT32[]", "INT64[]", 1}, {"INT32[]", "TEXT[]", 0}, {"TEXT", "INT64", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char a[64], b[64];
    snprintf(a, sizeof a, "c %s", cases[i].from);
    snprintf(b, sizeof b, "c %s", cases[i].to);
    lf_schema sa, sb;
    CHECK(lf_schema_from_ddl(a, &sa, &err_));
    CHECK(lf_schema_from_ddl(b, &sb, &err_));
    if (lf_evolve_cast_ok(sa.fields[0], sb.fields[0]) != cases[i].ok)
      fail_msg("cast %s -> %s: expected %d", cases[i].from, cases[i].to, cases[i].ok);
    lf_schema_reset(&sa);
    lf_schema_reset(&sb);
  }
}

static void test_conflict_rules(void **state) {
  (void)state;
  lf_frag_file add = {3, {0}, NULL, 0};
  lf_commit_req merge = {.kind = LF_COMMIT_MERGE}, project = {.kind = LF_COMMIT_PROJECT},
                repl = {.kind = LF_COMMIT_REPLACE, .n_adds = 1, .adds = &add};
  static const char *const ops[] = {"append", "delete", "update", "rewrite", "data_replacement",
                                    "merge", "project", "overwrite", "restore", "create_index",
                                    "update_config", "reserve_fragments"};
  /* expected conflicts: merge, project, replace (replace: the op touched fragment 3 / fragment 4) */
  static const int want[][4] = {
    {1, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 1, 0}, {1, 0, 1, 0}, {1, 0, 1, 0}, {1, 1, 1, 1},
    {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    uint64_t hit = 3, miss = 4;
    lf_manifest m = {.txn = {.present = 1, .op_name = ops[i], .frag_ids = &hit, .n_frag_ids = 1}};
    assert_int_equal(lf_evolve_conflicts(&merge, &m), want[i][0]);
    assert_int_equal(lf_evolve_conflicts(&project, &m), want[i][1]);
    assert_int_equal(lf_evolve_conflicts(&repl, &m), want[i][2]);
    m.txn.frag_ids = &miss;
    if (lf_evolve_conflicts(&repl, &m) != want[i][3]) fail_msg("replace vs %s elsewhere", ops[i]);
  }
  lf_manifest none = {0};
  assert_int_equal(lf_evolve_conflicts(&repl, &none), 1);
}

/* Concurrent commits: a REPLACE built on version 8 rebases over an append
** (version 9) and lands as 10; a MERGE from the same base is refused. */
static void test_rebase(void **state) {
  (void)state;
  lf_schema add;
  lf_evolve_spec sp = {.add = &add};
  lf_error err = {0};
  int rc;
  lf_dataset *base = with_x(&add);
  /* someone appends a copy of fragment 1's data file: version 9 */
  const lf_fragment *f1 = lf_dataset_fragment(base, 1);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "cp %s/hist.lance/data/%s %s/hist.lance/data/appended.lance", g_tmp,
           f1->files[0].path, g_tmp);
  assert_int_equal(system(cmd), 0);
  lf_data_file app = f1->files[0];
  app.path = "appended.lance";
  lf_new_fragment nf = {1, &app, f1->physical_rows, NULL, NULL, NULL};
  lf_commit_req ap = {.kind = LF_COMMIT_WRITE, .n_new = 1, .new_frags = &nf};
  uint64_t v = 0;
  CHECK(lf_commit(g_store, "hist.lance", lf_dataset_manifest(base), &ap, &v, &err_));
  assert_int_equal(v, 9);
  lf_data_file df;
  column_file(base, &add, lf_dataset_fragment(base, 0), 500, &df);
  lf_frag_file a = {0, df, NULL, 0};
  assert_int_equal(commit(base, LF_COMMIT_MERGE, &sp, &a, 1, &err, &rc), 0);
  assert_int_equal(rc, LF_CONFLICT);
  assert_non_null(strstr(err.msg, "version 9 (append) was committed concurrently"));
  assert_int_equal(commit(base, LF_COMMIT_REPLACE, NULL, &a, 1, &err, &rc), 10);
  assert_int_equal(rc, LF_OK);
  lf_dataset_free(base);
  lf_dataset *ds = open_ds(0);
  assert_int_equal(lf_dataset_num_fragments(ds), 3);
  int64_t vals[32];
  assert_int_equal(values(ds, "x", vals, 32), 20);
  assert_int_equal(vals[0], 500);
  assert_int_equal(vals[9], 509);
  assert_int_equal(vals[10], -1);
  assert_int_equal(vals[19], -1); /* the appended rows: x NULL */
  assert_int_equal(values(ds, "id", vals, 32), 20);
  assert_int_equal(vals[15], 10);
  lf_dataset_free(ds);
  lf_data_file_reset(&df);
  lf_schema_reset(&add);
}

/* An index listed in a new version (no files needed for the manifest). */
static void add_index(lf_dataset *base, const char *name, int32_t field, uint64_t want) {
  lf_new_index ix = {.name = name, .fields = &field, .n_fields = 1,
                     .dataset_version = lf_dataset_version(base),
                     .frags = (const uint32_t[]){0, 1}, .n_frags = 2,
                     .type_url = "/lance.table.BTreeIndexDetails", .details = NULL,
                     .index_version = 0, .created_at_ms = 1};
  lf_uuid4(ix.uuid);
  lf_commit_req r = {.kind = LF_COMMIT_INDEX, .new_index = &ix};
  uint64_t v = 0;
  CHECK(lf_commit(g_store, "hist.lance", lf_dataset_manifest(base), &r, &v, &err_));
  assert_int_equal(v, want);
}

/* A REPLACE rebases over an index built meanwhile on another column, not
** over one on the column it replaces (the index would no longer match). */
static void test_index_race(void **state) {
  (void)state;
  lf_schema add;
  lf_error err = {0};
  int rc;
  lf_dataset *base = with_x(&add);
  lf_data_file df;
  column_file(base, &add, lf_dataset_fragment(base, 0), 7, &df);
  lf_frag_file a = {0, df, NULL, 0};
  add_index(base, "id_idx", 0, 9);
  assert_int_equal(commit(base, LF_COMMIT_REPLACE, NULL, &a, 1, &err, &rc), 10);
  assert_int_equal(rc, LF_OK);
  lf_dataset_free(base);
  base = open_ds(0);
  lf_data_file df2;
  column_file(base, &add, lf_dataset_fragment(base, 0), 70, &df2);
  lf_frag_file a2 = {0, df2, NULL, 0};
  add_index(base, "x_idx", 2, 11);
  commit(base, LF_COMMIT_REPLACE, NULL, &a2, 1, &err, &rc);
  assert_int_equal(rc, LF_CONFLICT);
  assert_non_null(strstr(err.msg, "version 11 (create_index)"));
  lf_dataset_free(base);
  lf_data_file_reset(&df);
  lf_data_file_reset(&df2);
  lf_schema_reset(&add);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_schema_changes, setup, teardown),
    cmocka_unit_test_setup_teardown(test_replace_and_merge, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rebase, setup, teardown),
    cmocka_unit_test_setup_teardown(test_index_race, setup, teardown),
    cmocka_unit_test(test_cast_rule),
    cmocka_unit_test(test_conflict_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
