/*
** test_schema_write.c: schema_write.c (lf_schema_encode against the Field
** bytes LanceDB 0.39 wrote), schema_ddl.c (the schema= spelling) and the
** protobuf writer (pb_write.c) they use.
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
#include "lf_write.h"

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

/* The Field (1) and schema metadata (5) fields of a Manifest, in order. */
static void schema_fields(const uint8_t *d, size_t n, lf_buf *out) {
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, d, n);
  while (lf_pb_next(&pb, &f, "manifest", NULL) > 0)
    if ((f.num == 1 || f.num == 5) && f.wire == 2) lf_pbw_bytes(out, f.num, f.data, f.len);
}

/* Encoding the schema LanceDB wrote gives LanceDB's bytes back. */
static void test_encode_matches_lancedb(void **state) {
  (void)state;
  const char *roots[] = {"hist.lance", "stable.lance", "big.lance"};
  for (size_t r = 0; r < sizeof roots / sizeof roots[0]; r++) {
    lf_manifest m = {0};
    lf_error err = {0};
    assert_int_equal(lf_dataset_read_manifest(g_store, roots[r], 0, &m, &err), LF_OK);
    uint64_t pos = lf_le64(m.raw + m.raw_len - 16);
    uint32_t len = lf_le32(m.raw + pos);
    lf_buf want = {0}, got = {0};
    schema_fields(m.raw + pos + 4, len, &want);
    assert_int_equal(lf_schema_encode(&m.schema, &got), LF_OK);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.p, want.p, want.len);
    lf_buf_reset(&want);
    lf_buf_reset(&got);
    lf_manifest_reset(&m);
  }
}

static void test_pbw_nested(void **state) {
  (void)state;
  lf_buf b = {0};
  size_t outer = lf_pbw_begin(&b);
  size_t inner = lf_pbw_begin(&b);
  char big[300];
  memset(big, 'x', sizeof big);
  lf_pbw_bytes(&b, 1, big, sizeof big); /* 2-byte length inside */
  lf_pbw_end(&b, 2, inner);
  lf_pbw_sint32(&b, 3, -1);
  lf_pbw_end(&b, 7, outer);
  lf_pbw_packed_u32(&b, 8, (const uint32_t[]){1, 300}, 2);
  assert_int_equal(b.rc, 0);
  lf_pb pb, sub, sub2;
  lf_pb_field f;
  lf_pb_init(&pb, b.p, b.len);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 1);
  assert_int_equal(f.num, 7);
  lf_pb_sub(&sub, &f);
  assert_int_equal(lf_pb_next(&sub, &f, "t", NULL), 1);
  assert_int_equal(f.num, 2);
  lf_pb_sub(&sub2, &f);
  assert_int_equal(lf_pb_next(&sub2, &f, "t", NULL), 1);
  assert_int_equal(f.len, 300);
  assert_int_equal(lf_pb_next(&sub, &f, "t", NULL), 1);
  assert_int_equal(f.num, 3);
  assert_int_equal((int32_t)f.u, -1);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 1);
  uint64_t *v = NULL;
  size_t n = 0, cap = 0;
  assert_int_equal(lf_pb_append_u64s(&f, &v, &n, &cap, NULL), LF_OK);
  assert_int_equal(n, 2);
  assert_int_equal(v[1], 300);
  free(v);
  assert_int_equal(lf_pb_next(&pb, &f, "t", NULL), 0);
  lf_buf_reset(&b);
}

static const lf_field *field(const lf_schema *s, const char *name) {
  for (int i = 0; i < s->n_all; i++)
    if (!strcmp(s->all[i]->name, name) && s->all[i]->id >= 0) return s->all[i];
  fail_msg("no field %s", name);
  return NULL;
}

static void test_ddl_types(void **state) {
  (void)state;
  lf_schema s;
  lf_error err = {0};
  int rc = lf_schema_from_ddl(
      "id INTEGER NOT NULL, text TEXT, emb FLOAT32[4], tags TEXT[], "
      "\"odd \"\"name\"\"\" uint8, st STRUCT(a INT32, b STRUCT(c TEXT[], d DATE)), "
      "ts TIMESTAMP(ms), tz timestamptz, dec DECIMAL(10, 2), m INT64[][], "
      "ny TIMESTAMP(ns, 'America/New_York'), fb FIXED_BLOB(16)",
      &s, &err);
  if (rc) print_error("%s\n", err.msg);
  assert_int_equal(rc, LF_OK);
  assert_int_equal(s.n_fields, 12);
  assert_string_equal(field(&s, "ny")->tz, "America/New_York");
  assert_int_equal(field(&s, "ny")->unit, LF_UNIT_NS);
  assert_int_equal(field(&s, "fb")->type, LF_T_FIXED_BINARY);
  assert_int_equal(field(&s, "fb")->fixed_size, 16);
  const lf_field *id = field(&s, "id");
  assert_int_equal(id->id, 0);
  assert_int_equal(id->type, LF_T_INT64);
  assert_false(id->nullable);
  assert_true(field(&s, "text")->nullable);
  const lf_field *emb = field(&s, "emb");
  assert_int_equal(emb->type, LF_T_FIXED_LIST);
  assert_int_equal(emb->fixed_size, 4);
  assert_string_equal(emb->logical_type, "fixed_size_list:float:4");
  const lf_field *tags = field(&s, "tags");
  assert_int_equal(tags->type, LF_T_LIST);
  assert_int_equal(tags->children[0]->type, LF_T_UTF8);
  assert_int_equal(tags->children[0]->id, 4);
  assert_int_equal(field(&s, "odd \"name\"")->type, LF_T_UINT8);
  const lf_field *st = field(&s, "st");
  assert_int_equal(st->n_children, 2);
  assert_int_equal(st->children[1]->children[0]->type, LF_T_LIST);
  assert_int_equal(st->children[1]->children[1]->type, LF_T_DATE32);
  assert_int_equal(field(&s, "ts")->unit, LF_UNIT_MS);
  assert_string_equal(field(&s, "tz")->tz, "UTC");
  assert_int_equal(field(&s, "dec")->scale, 2);
  const lf_field *m = field(&s, "m");
  assert_int_equal(m->children[0]->type, LF_T_LIST);
  assert_int_equal(m->children[0]->children[0]->type, LF_T_INT64);
  for (int i = 0; i < s.n_all; i++)  /* ids in pre-order */
    if (i && s.all[i]->id >= 0 && s.all[i - 1]->id >= 0)
      assert_int_equal(s.all[i]->id, s.all[i - 1]->id + 1);
  lf_schema_reset(&s);
}

static void ddl_error(const char *ddl, const char *want) {
  lf_schema s;
  lf_error err = {0};
  assert_int_equal(lf_schema_from_ddl(ddl, &s, &err), LF_ARG);
  if (!strstr(err.msg, want)) fail_msg("'%s': got '%s', want '%s'", ddl, err.msg, want);
  assert_int_equal(s.n_all, 0);
}

static void test_ddl_errors(void **state) {
  (void)state;
  ddl_error("id VARCHAR", "unknown type 'VARCHAR'");
  ddl_error("", "expected a column name");
  ddl_error("id INT64,", "expected a column name");
  ddl_error("id INT64 NOT", "expected NOT NULL");
  ddl_error("v FLOAT32[0]", "expected a positive number");
  ddl_error("v FLOAT32[][3]", "fixed size [n] goes right after");
  ddl_error("s STRUCT(a INT64", "unbalanced");
  ddl_error("a INT64, A TEXT", "duplicate column name 'A'");
  ddl_error("d DECIMAL(50, 2)", "p <= 38");
  ddl_error("t TIMESTAMP(h)", "TIMESTAMP(s|ms|us|ns");
  ddl_error("t TIMESTAMP(us, UTC)", "quoted time zone");
  ddl_error("id INT64 x", "expected ','");
  char deep[40 * 12 + 16] = "";
  for (int i = 0; i < 40; i++) strcat(deep, "a STRUCT(");
  strcat(deep, "b INT64");
  for (int i = 0; i < 40; i++) strcat(deep, ")");
  ddl_error(deep, "STRUCT nested deeper than 32");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_encode_matches_lancedb),
    cmocka_unit_test(test_pbw_nested),
    cmocka_unit_test(test_ddl_types),
    cmocka_unit_test(test_ddl_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
