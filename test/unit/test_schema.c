/* test_schema.c: lance.file.Schema parsing and logical types (format/schema.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "pbw.h"

/* Parse a schema of one top-level field "col" with logical type lt. */
static int parse_one(const char *lt, lf_schema *s, lf_error *err) {
  pbw w = {0};
  pbw_schema_field(&w, "col", 0, -1, lt, 1);
  memset(s, 0, sizeof *s);
  memset(err, 0, sizeof *err);
  int rc = lf_schema_parse_fields(s, w.p, w.n, err);
  pbw_free(&w);
  return rc;
}

static const struct {
  const char *lt;
  lf_type t;
  int width;
  int varwidth;
} simple[] = {
    {"null", LF_T_NULL, 0, 0},
    {"bool", LF_T_BOOL, 1, 0},
    {"int8", LF_T_INT8, 1, 0},
    {"uint8", LF_T_UINT8, 1, 0},
    {"int16", LF_T_INT16, 2, 0},
    {"uint16", LF_T_UINT16, 2, 0},
    {"int32", LF_T_INT32, 4, 0},
    {"uint32", LF_T_UINT32, 4, 0},
    {"int64", LF_T_INT64, 8, 0},
    {"uint64", LF_T_UINT64, 8, 0},
    {"halffloat", LF_T_FLOAT16, 2, 0},
    {"float", LF_T_FLOAT32, 4, 0},
    {"double", LF_T_FLOAT64, 8, 0},
    {"string", LF_T_UTF8, 0, 1},
    {"large_string", LF_T_LARGE_UTF8, 0, 1},
    {"binary", LF_T_BINARY, 0, 1},
    {"large_binary", LF_T_LARGE_BINARY, 0, 1},
    {"json", LF_T_LARGE_BINARY, 0, 1},
    {"date32:day", LF_T_DATE32, 4, 0},
    {"date64:ms", LF_T_DATE64, 8, 0},
    {"struct", LF_T_STRUCT, 0, 0},
};

static void test_simple_types(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
    lf_schema s;
    lf_error err;
    assert_int_equal(parse_one(simple[i].lt, &s, &err), LF_OK);
    assert_int_equal(s.n_fields, 1);
    assert_int_equal(s.n_all, 1);
    const lf_field *f = s.fields[0];
    assert_ptr_equal(s.all[0], f);
    assert_string_equal(f->name, "col");
    assert_string_equal(f->logical_type, simple[i].lt);
    assert_int_equal(f->type, simple[i].t);
    assert_int_equal(lf_type_width(f), simple[i].width);
    assert_int_equal(lf_type_is_varwidth(f->type), simple[i].varwidth);
    assert_int_equal(f->nullable, 1);
    assert_int_equal(f->id, 0);
    assert_int_equal(f->parent_id, -1);
    assert_null(f->parent);
    assert_false(f->is_dict);
    assert_false(f->is_blob);
    lf_schema_reset(&s);
  }
}

/* "list", "list.struct", "large_list", "large_list.struct" need one child. */
static void test_list_types(void **state) {
  (void)state;
  const char *lts[4] = {"list", "list.struct", "large_list", "large_list.struct"};
  const lf_type want[4] = {LF_T_LIST, LF_T_LIST, LF_T_LARGE_LIST, LF_T_LARGE_LIST};
  for (int i = 0; i < 4; i++) {
    pbw w = {0};
    pbw_schema_field(&w, "l", 0, -1, lts[i], 1);
    pbw_schema_field(&w, "item", 1, 0, i % 2 ? "struct" : "int32", 1);
    if (i % 2) pbw_schema_field(&w, "x", 2, 1, "float", 0);
    lf_schema s = {0};
    lf_error err = {0};
    assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_OK);
    assert_int_equal(s.fields[0]->type, want[i]);
    assert_int_equal(s.fields[0]->n_children, 1);
    assert_int_equal(s.fields[0]->children[0]->type, i % 2 ? LF_T_STRUCT : LF_T_INT32);
    assert_int_equal(s.n_all, 2 + i % 2);
    lf_schema_reset(&s);
    pbw_free(&w);
  }
}

static void test_timestamp(void **state) {
  (void)state;
  static const struct {
    const char *lt;
    int unit;
    const char *tz;
  } cases[] = {
      {"timestamp:s:UTC", LF_UNIT_S, "UTC"},
      {"timestamp:ms:-", LF_UNIT_MS, NULL},
      {"timestamp:us", LF_UNIT_US, NULL},
      {"timestamp:ns:America/New_York", LF_UNIT_NS, "America/New_York"},
      {"timestamp:us:+05:30", LF_UNIT_US, "+05:30"},
      {"timestamp:ms:-08:00", LF_UNIT_MS, "-08:00"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    lf_schema s;
    lf_error err;
    assert_int_equal(parse_one(cases[i].lt, &s, &err), LF_OK);
    const lf_field *f = s.fields[0];
    assert_int_equal(f->type, LF_T_TIMESTAMP);
    assert_int_equal(f->unit, cases[i].unit);
    assert_int_equal(lf_type_width(f), 8);
    if (cases[i].tz) {
      assert_non_null(f->tz);
      assert_string_equal(f->tz, cases[i].tz);
    } else {
      assert_null(f->tz);
    }
    lf_schema_reset(&s);
  }
  lf_schema s;
  lf_error err;
  assert_int_equal(parse_one("timestamp:xs:UTC", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("timestamp", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
}

static void test_time_and_duration(void **state) {
  (void)state;
  static const struct {
    const char *lt;
    lf_type t;
    int unit;
  } cases[] = {
      {"time32:s", LF_T_TIME32, LF_UNIT_S},   {"time32:ms", LF_T_TIME32, LF_UNIT_MS},
      {"time64:us", LF_T_TIME64, LF_UNIT_US}, {"time64:ns", LF_T_TIME64, LF_UNIT_NS},
      {"duration:s", LF_T_DURATION, LF_UNIT_S}, {"duration:ns", LF_T_DURATION, LF_UNIT_NS},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    lf_schema s;
    lf_error err;
    assert_int_equal(parse_one(cases[i].lt, &s, &err), LF_OK);
    assert_int_equal(s.fields[0]->type, cases[i].t);
    assert_int_equal(s.fields[0]->unit, cases[i].unit);
    assert_int_equal(lf_type_width(s.fields[0]), cases[i].t == LF_T_TIME32 ? 4 : 8);
    lf_schema_reset(&s);
  }
  const char *bad[3] = {"time32", "duration:weeks", "time64:us:x"};
  for (int i = 0; i < 3; i++) {
    lf_schema s;
    lf_error err;
    assert_int_equal(parse_one(bad[i], &s, &err), LF_UNSUPPORTED);
    lf_schema_reset(&s);
  }
}

static void test_decimal(void **state) {
  (void)state;
  lf_schema s;
  lf_error err;
  assert_int_equal(parse_one("decimal:128:38:10", &s, &err), LF_OK);
  assert_int_equal(s.fields[0]->type, LF_T_DECIMAL128);
  assert_int_equal(s.fields[0]->precision, 38);
  assert_int_equal(s.fields[0]->scale, 10);
  assert_int_equal(lf_type_width(s.fields[0]), 16);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("decimal:256:76:-3", &s, &err), LF_OK);
  assert_int_equal(s.fields[0]->type, LF_T_DECIMAL256);
  assert_int_equal(s.fields[0]->precision, 76);
  assert_int_equal(s.fields[0]->scale, -3);
  assert_int_equal(lf_type_width(s.fields[0]), 32);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("decimal:64:10:2", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("decimal:128:38", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
}

static void test_fixed_size_binary(void **state) {
  (void)state;
  lf_schema s;
  lf_error err;
  assert_int_equal(parse_one("fixed_size_binary:16", &s, &err), LF_OK);
  assert_int_equal(s.fields[0]->type, LF_T_FIXED_BINARY);
  assert_int_equal(s.fields[0]->fixed_size, 16);
  assert_int_equal(lf_type_width(s.fields[0]), 16);
  assert_int_equal(s.fields[0]->n_children, 0);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("fixed_size_binary:0", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
}

/* fixed_size_list:<inner>:<n> synthesizes a child "item" (id -1). */
static void test_fixed_size_list(void **state) {
  (void)state;
  pbw w = {0};
  pbw_schema_field(&w, "vec", 0, -1, "fixed_size_list:float:128", 0);
  pbw_schema_field(&w, "after", 1, -1, "int64", 1);
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_OK);
  assert_int_equal(s.n_fields, 2);
  assert_int_equal(s.n_all, 3);
  lf_field *v = s.fields[0];
  assert_int_equal(v->type, LF_T_FIXED_LIST);
  assert_int_equal(v->fixed_size, 128);
  assert_int_equal(lf_type_width(v), 0);
  assert_int_equal(v->n_children, 1);
  lf_field *c = v->children[0];
  assert_string_equal(c->name, "item");
  assert_string_equal(c->logical_type, "float");
  assert_int_equal(c->type, LF_T_FLOAT32);
  assert_int_equal(c->id, -1);
  assert_int_equal(c->parent_id, 0);
  assert_int_equal(c->nullable, 1);
  assert_ptr_equal(c->parent, v);
  /* pre-order: the synthesized child comes right after its parent */
  assert_ptr_equal(s.all[0], v);
  assert_ptr_equal(s.all[1], c);
  assert_ptr_equal(s.all[2], s.fields[1]);
  lf_schema_reset(&s);
  pbw_free(&w);
}

static void test_fixed_size_list_nested_and_errors(void **state) {
  (void)state;
  lf_schema s;
  lf_error err;
  assert_int_equal(parse_one("fixed_size_list:fixed_size_list:int8:2:3", &s, &err), LF_OK);
  lf_field *o = s.fields[0];
  assert_int_equal(o->type, LF_T_FIXED_LIST);
  assert_int_equal(o->fixed_size, 3);
  lf_field *m = o->children[0];
  assert_int_equal(m->type, LF_T_FIXED_LIST);
  assert_int_equal(m->fixed_size, 2);
  assert_string_equal(m->logical_type, "fixed_size_list:int8:2");
  assert_int_equal(m->n_children, 1);
  assert_int_equal(m->children[0]->type, LF_T_INT8);
  assert_int_equal(s.n_all, 3);
  assert_ptr_equal(s.all[1], m);
  assert_ptr_equal(s.all[2], m->children[0]);
  lf_schema_reset(&s);

  assert_int_equal(parse_one("fixed_size_list:float:0", &s, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "col"));
  lf_schema_reset(&s);
  /* bfloat16 vectors (LanceDB's lance.bfloat16 items): 2-byte elements */
  assert_int_equal(parse_one("fixed_size_list:lance.bfloat16:8", &s, &err), LF_OK);
  m = s.fields[0];
  assert_int_equal(m->type, LF_T_FIXED_LIST);
  assert_int_equal(m->fixed_size, 8);
  assert_int_equal(m->children[0]->type, LF_T_BFLOAT16);
  assert_int_equal(lf_type_width(m->children[0]), 2);
  assert_string_equal(lf_type_name(LF_T_BFLOAT16), "bfloat16");
  lf_schema_reset(&s);
  assert_int_equal(parse_one("fixed_size_list:int128:8", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
}

static void test_dict(void **state) {
  (void)state;
  lf_schema s;
  lf_error err;
  assert_int_equal(parse_one("dict:string:int32:false", &s, &err), LF_OK);
  assert_true(s.fields[0]->is_dict);
  assert_int_equal(s.fields[0]->type, LF_T_UTF8);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("dict:int64:uint8:true", &s, &err), LF_OK);
  assert_true(s.fields[0]->is_dict);
  assert_int_equal(s.fields[0]->type, LF_T_INT64);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("dict:widget:int32:false", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
  assert_int_equal(parse_one("dict:string", &s, &err), LF_UNSUPPORTED);
  lf_schema_reset(&s);
}

/* Fields listed parents-first but not in pre-order: the tree follows
** parent ids, fields[] the top-level order and all[] pre-order. */
static void test_nested_tree_preorder(void **state) {
  (void)state;
  pbw w = {0};
  pbw_schema_field(&w, "s", 0, -1, "struct", 1);
  pbw_schema_field(&w, "x", 4, -1, "double", 0);
  pbw_schema_field(&w, "a", 1, 0, "int32", 1);
  pbw_schema_field(&w, "b", 2, 0, "list", 1);
  pbw_schema_field(&w, "v", 5, -1, "list.struct", 1);
  pbw_schema_field(&w, "item", 3, 2, "int64", 1);
  pbw_schema_field(&w, "e", 6, 5, "struct", 1);
  pbw_schema_field(&w, "ea", 7, 6, "string", 1);
  pbw_schema_field(&w, "eb", 8, 6, "fixed_size_list:double:2", 1);
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_OK);
  assert_int_equal(s.n_fields, 3);
  assert_string_equal(s.fields[0]->name, "s");
  assert_string_equal(s.fields[1]->name, "x");
  assert_string_equal(s.fields[2]->name, "v");
  lf_field *st = s.fields[0];
  assert_int_equal(st->n_children, 2);
  assert_string_equal(st->children[0]->name, "a");
  assert_string_equal(st->children[1]->name, "b");
  assert_ptr_equal(st->children[1]->parent, st);
  assert_int_equal(st->children[1]->type, LF_T_LIST);
  assert_string_equal(st->children[1]->children[0]->name, "item");
  const char *pre[] = {"s", "a", "b", "item", "x", "v", "e", "ea", "eb", "item"};
  assert_int_equal(s.n_all, 10);
  for (int i = 0; i < 10; i++) assert_string_equal(s.all[i]->name, pre[i]);
  assert_int_equal(s.all[9]->id, -1); /* synthesized fsl child */
  assert_int_equal(s.all[9]->type, LF_T_FLOAT64);
  /* every field's parent comes before it in all[] */
  for (int i = 0; i < s.n_all; i++) {
    if (!s.all[i]->parent) continue;
    int found = 0;
    for (int j = 0; j < i; j++) found |= s.all[j] == s.all[i]->parent;
    assert_true(found);
  }
  lf_schema_reset(&s);
  pbw_free(&w);
}

static void test_metadata(void **state) {
  (void)state;
  pbw w = {0}, f = {0};
  pbw_str(&f, 2, "m");
  pbw_i32(&f, 3, 0);
  pbw_i32(&f, 4, -1);
  pbw_str(&f, 5, "int32");
  pbw_kv(&f, 10, "k1", "v1", 2);
  pbw_kv(&f, 10, "bin", "a\0b", 3);
  pbw_kv(&f, 10, "empty", "", 0);
  pbw_msg(&w, 1, &f);
  pbw_kv(&w, 5, "lance:schema", "top", 3);
  pbw_kv(&w, 5, "other", "x", 1);
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_OK);
  const lf_field *fl = s.fields[0];
  assert_int_equal(fl->n_meta, 3);
  assert_int_equal(fl->nullable, 0); /* absent nullable: false */
  size_t len = 99;
  const char *v = lf_field_meta(fl, "k1", &len);
  assert_non_null(v);
  assert_int_equal(len, 2);
  assert_string_equal(v, "v1");
  v = lf_field_meta(fl, "bin", &len);
  assert_int_equal(len, 3);
  assert_memory_equal(v, "a\0b", 3);
  v = lf_field_meta(fl, "empty", &len);
  assert_non_null(v);
  assert_int_equal(len, 0);
  assert_null(lf_field_meta(fl, "missing", &len));
  assert_non_null(lf_field_meta(fl, "k1", NULL));
  assert_int_equal(s.n_meta, 2);
  assert_string_equal(s.meta[0].key, "lance:schema");
  assert_int_equal(s.meta[0].len, 3);
  assert_memory_equal(s.meta[0].val, "top", 3);
  assert_string_equal(s.meta[1].key, "other");
  lf_schema_reset(&s);
  pbw_free(&w);
  pbw_free(&f);
}

static void test_blob_markers(void **state) {
  (void)state;
  static const struct {
    const char *key, *val;
    int want;
  } cases[] = {
      {"lance-encoding:blob", "true", 1},
      {"lance-encoding:blob", "false", 0},
      {"ARROW:extension:name", "lance.blob.v2", 2},
      {"ARROW:extension:name", "lance.blob", 0},
      {"other", "true", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    pbw w = {0}, f = {0};
    pbw_str(&f, 2, "b");
    pbw_i32(&f, 3, 0);
    pbw_i32(&f, 4, -1);
    pbw_str(&f, 5, "large_binary");
    pbw_kv(&f, 10, cases[i].key, cases[i].val, strlen(cases[i].val));
    pbw_msg(&w, 1, &f);
    lf_schema s = {0};
    lf_error err = {0};
    assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_OK);
    assert_int_equal(s.fields[0]->is_blob, cases[i].want);
    lf_schema_reset(&s);
    pbw_free(&w);
    pbw_free(&f);
  }
}

static void test_unknown_type(void **state) {
  (void)state;
  pbw w = {0};
  pbw_schema_field(&w, "ok", 0, -1, "int32", 1);
  pbw_schema_field(&w, "weird_col", 1, -1, "int128", 1);
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_UNSUPPORTED);
  assert_int_equal(err.code, LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "weird_col"));
  assert_non_null(strstr(err.msg, "int128"));
  lf_schema_reset(&s);
  assert_int_equal(s.n_all, 0);
  pbw_free(&w);
}

static void test_parent_not_found(void **state) {
  (void)state;
  pbw w = {0};
  pbw_schema_field(&w, "orphan", 1, 7, "int32", 1);
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "orphan"));
  assert_non_null(strstr(err.msg, "parent id 7"));
  lf_schema_reset(&s);
  pbw_free(&w);
  /* a parent listed after its child is not found either */
  pbw_schema_field(&w, "child", 1, 0, "int32", 1);
  pbw_schema_field(&w, "parent", 0, -1, "struct", 1);
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "child"));
  lf_schema_reset(&s);
  pbw_free(&w);
}

static void test_list_child_count(void **state) {
  (void)state;
  for (int nchild = 0; nchild <= 2; nchild += 2) {
    pbw w = {0};
    pbw_schema_field(&w, "lst", 0, -1, "list", 1);
    for (int i = 0; i < nchild; i++) pbw_schema_field(&w, "item", 1 + i, 0, "int32", 1);
    lf_schema s = {0};
    lf_error err = {0};
    assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_CORRUPT);
    assert_non_null(strstr(err.msg, "lst"));
    assert_non_null(strstr(err.msg, nchild ? "2 children" : "0 children"));
    lf_schema_reset(&s);
    pbw_free(&w);
  }
}

static void test_leaf_with_children(void **state) {
  (void)state;
  pbw w = {0};
  pbw_schema_field(&w, "n", 0, -1, "int32", 1);
  pbw_schema_field(&w, "c", 1, 0, "int32", 1);
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "has children"));
  lf_schema_reset(&s);
  pbw_free(&w);
}

static void test_missing_logical_type(void **state) {
  (void)state;
  pbw w = {0};
  pbw_schema_field(&w, "nolt", 3, -1, NULL, 1);
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, w.p, w.n, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "nolt"));
  assert_non_null(strstr(err.msg, "no logical type"));
  lf_schema_reset(&s);
  pbw_free(&w);
}

static void test_bad_protobuf(void **state) {
  (void)state;
  /* Schema field 1 claiming 50 bytes with 2 present */
  const uint8_t a[4] = {0x0a, 50, 0x12, 0x00};
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, a, sizeof a, &err), LF_CORRUPT);
  lf_schema_reset(&s);
  /* a Field whose inner bytes are a truncated varint */
  const uint8_t b[4] = {0x0a, 2, 0x18, 0x80};
  assert_int_equal(lf_schema_parse_fields(&s, b, sizeof b, &err), LF_CORRUPT);
  lf_schema_reset(&s);
  /* a metadata entry with a bad key */
  const uint8_t c[4] = {0x2a, 2, 0x00, 0x00};
  assert_int_equal(lf_schema_parse_fields(&s, c, sizeof c, &err), LF_CORRUPT);
  lf_schema_reset(&s);
}

static void test_empty_schema(void **state) {
  (void)state;
  lf_schema s = {0};
  lf_error err = {0};
  assert_int_equal(lf_schema_parse_fields(&s, NULL, 0, &err), LF_OK);
  assert_int_equal(s.n_fields, 0);
  assert_int_equal(s.n_all, 0);
  lf_schema_reset(&s);
}

static void test_type_names(void **state) {
  (void)state;
  assert_string_equal(lf_type_name(LF_T_NULL), "null");
  assert_string_equal(lf_type_name(LF_T_FLOAT64), "float64");
  assert_string_equal(lf_type_name(LF_T_UTF8), "utf8");
  assert_string_equal(lf_type_name(LF_T_FIXED_LIST), "fixed_size_list");
  assert_string_equal(lf_type_name((lf_type)999), "?");
  for (int t = LF_T_NULL; t <= LF_T_FIXED_LIST; t++)
    assert_string_not_equal(lf_type_name((lf_type)t), "?");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_simple_types),
      cmocka_unit_test(test_list_types),
      cmocka_unit_test(test_timestamp),
      cmocka_unit_test(test_time_and_duration),
      cmocka_unit_test(test_decimal),
      cmocka_unit_test(test_fixed_size_binary),
      cmocka_unit_test(test_fixed_size_list),
      cmocka_unit_test(test_fixed_size_list_nested_and_errors),
      cmocka_unit_test(test_dict),
      cmocka_unit_test(test_nested_tree_preorder),
      cmocka_unit_test(test_metadata),
      cmocka_unit_test(test_blob_markers),
      cmocka_unit_test(test_unknown_type),
      cmocka_unit_test(test_parent_not_found),
      cmocka_unit_test(test_list_child_count),
      cmocka_unit_test(test_leaf_with_children),
      cmocka_unit_test(test_missing_logical_type),
      cmocka_unit_test(test_bad_protobuf),
      cmocka_unit_test(test_empty_schema),
      cmocka_unit_test(test_type_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
