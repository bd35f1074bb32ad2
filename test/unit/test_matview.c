/*
** test_matview.c: the format side of materialized views: format/matview.c
** (the view schema: projected, renamed top-level fields with their ids,
** types and children, then _source_rowid; which source fragments a refresh
** reads), format/frag_writer.c (rows into fragments closed at max_rows;
** files removed on reset) and config entries set by a commit
** (format/commit.c: merged over the base's, writer flag TABLE_CONFIG, a
** config-only commit).
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

#include "lf_int.h"
#include "lf_matview.h"
#include "lf_write.h"
#include "tmpdir.h"

static int setup(void **state) {
  (void)state;
  return tmpdir_setup("lf_matview", NULL);
}

static void test_schema_project(void **state) {
  (void)state;
  lf_schema src, out;
  lf_error err = {0};
  assert_int_equal(lf_schema_from_ddl("id INT64 NOT NULL, s STRUCT(a INT32, b TEXT), v FLOAT32[4], "
                                      "tags TEXT[]", &src, &err), LF_OK);
  const lf_field *tops[] = {src.fields[2], src.fields[1], src.fields[0]};
  const char *names[] = {"vec", "s", "key"};
  assert_int_equal(lf_schema_project(&src, tops, names, 3, &out, &err), LF_OK);
  assert_int_equal(out.n_fields, 4);
  assert_string_equal(out.fields[0]->name, "vec");
  assert_int_equal(out.fields[0]->id, src.fields[2]->id);
  assert_int_equal(out.fields[0]->type, LF_T_FIXED_LIST);
  assert_int_equal(out.fields[0]->fixed_size, 4);
  assert_string_equal(out.fields[1]->name, "s");
  assert_int_equal(out.fields[1]->n_children, 2);
  assert_string_equal(out.fields[1]->children[1]->name, "b");
  assert_int_equal(out.fields[1]->children[1]->id, src.fields[1]->children[1]->id);
  assert_string_equal(out.fields[2]->name, "key");
  assert_int_equal(out.fields[2]->nullable, 0);
  const lf_field *r = out.fields[3];
  assert_string_equal(r->name, LF_VIEW_ROWID);
  assert_int_equal(r->type, LF_T_UINT64);
  assert_int_equal(r->nullable, 0);
  int32_t max_id = 0;
  for (int i = 0; i < src.n_all; i++)
    if (src.all[i]->id > max_id) max_id = src.all[i]->id;
  assert_int_equal(r->id, max_id + 1);
  lf_schema_reset(&out);
  const lf_field *twice[] = {src.fields[0], src.fields[0]};
  const char *names2[] = {"a", "b"};
  assert_int_equal(lf_schema_project(&src, twice, names2, 2, &out, &err), LF_ARG);
  assert_string_equal(err.msg, "column 'id' is selected twice");
  lf_schema_reset(&src);
}

static lf_fragment frag(uint64_t id, lf_data_file *files, int n, int deleted) {
  lf_fragment f;
  memset(&f, 0, sizeof f);
  f.id = id, f.files = files, f.n_files = n, f.physical_rows = 10;
  f.deletion.present = deleted;
  f.deletion.id = (uint64_t)deleted;
  return f;
}

static void test_changed(void **state) {
  (void)state;
  lf_data_file a = {.path = "a.lance"}, b = {.path = "b.lance"}, c = {.path = "c.lance"};
  lf_data_file ab[] = {a, b}, ac[] = {a, c};
  lf_fragment of[] = {frag(0, &a, 1, 0), frag(1, ab, 2, 0), frag(2, &b, 1, 0)};
  /* 0: deletions only; 1: a column file replaced; 2: gone (compacted); 3, 4: new */
  lf_fragment nf[] = {frag(0, &a, 1, 1), frag(1, ac, 2, 0), frag(3, &c, 1, 0), frag(4, &a, 1, 0)};
  lf_manifest old, cur;
  memset(&old, 0, sizeof old), memset(&cur, 0, sizeof cur);
  old.fragments = of, old.n_fragments = 3;
  cur.fragments = nf, cur.n_fragments = 4;
  uint8_t ch[4];
  assert_int_equal(lf_view_changed(&old, &cur, ch), 3);
  assert_int_equal(ch[0], 0), assert_int_equal(ch[1], 1), assert_int_equal(ch[2], 1), assert_int_equal(ch[3], 1);
  assert_int_equal(lf_view_changed(&old, &old, ch), 0);
  assert_int_equal(lf_view_changed(NULL, &cur, ch), 4);
  cur.n_fragments = 1;
  nf[0].files = &b;  /* same id, another file */
  assert_int_equal(lf_view_changed(&old, &cur, ch), 1);
  /* deletions: more rows deleted is no change; fewer (a restore) or none is */
  lf_fragment d2[] = {frag(0, &a, 1, 2)}, d3[] = {frag(0, &a, 1, 3)}, d0[] = {frag(0, &a, 1, 0)};
  d2[0].deletion.num_deleted_rows = 2, d3[0].deletion.num_deleted_rows = 3;
  old.fragments = d2, old.n_fragments = 1;
  cur.fragments = d3;
  assert_int_equal(lf_view_changed(&old, &cur, ch), 0);
  assert_int_equal(lf_view_changed(&cur, &old, ch), 1);
  cur.fragments = d0;
  assert_int_equal(lf_view_changed(&old, &cur, ch), 1);
}

static int ndata_files(void) {
  char p[512];
  snprintf(p, sizeof p, "%s/v.lance/data", g_tmp);
  DIR *d = opendir(p);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
  if (d) closedir(d);
  return n;
}

static void write_ids(lf_frag_writer *fw, const lf_schema *s, uint64_t from, uint64_t n) {
  lf_array col;
  lf_error err = {0};
  lf_array_init(&col, s->fields[0]);
  assert_int_equal(lf_array_alloc_values(&col, 8 * n), LF_OK);
  for (uint64_t i = 0; i < n; i++) ((uint64_t *)col.values)[i] = from + i;
  col.length = n;
  lf_array_finish(&col);
  assert_int_equal(lf_frag_writer_write(fw, &col, n, &err), LF_OK);
  lf_array_reset(&col);
}

static const char *cfg(const lf_manifest *m, const char *key) {
  static char buf[64];
  for (int i = 0; i < m->n_config; i++)
    if (!strcmp(m->config[i].key, key)) {
      snprintf(buf, sizeof buf, "%.*s", (int)m->config[i].len, (const char *)m->config[i].val);
      return buf;
    }
  return NULL;
}

static void test_writer_config(void **state) {
  (void)state;
  lf_schema s;
  lf_error err = {0};
  assert_int_equal(lf_schema_from_ddl("x UINT64 NOT NULL", &s, &err), LF_OK);
  lf_frag_writer fw;
  lf_frag_writer_init(&fw, g_store, "v.lance", &s, 2, 2, 4);
  write_ids(&fw, &s, 0, 3);
  write_ids(&fw, &s, 3, 3);  /* the first file closes after this batch (6 >= 4)... */
  write_ids(&fw, &s, 6, 4);  /* ...the next after this one (4) */
  assert_int_equal(lf_frag_writer_finish(&fw, &err), LF_OK);
  assert_int_equal(fw.n, 2);
  assert_int_equal(fw.frags[0].physical_rows, 6), assert_int_equal(fw.frags[1].physical_rows, 4);
  lf_kv kv[] = {{"a", (uint8_t *)"1", 1}, {"b", (uint8_t *)"2", 1}};
  lf_commit_req req = {0};
  req.kind = LF_COMMIT_CREATE, req.schema = &s, req.data_version = "2.2", req.v2_paths = 1;
  req.n_new = fw.n, req.new_frags = fw.frags, req.n_set_config = 2, req.set_config = kv;
  uint64_t v;
  assert_int_equal(lf_commit(g_store, "v.lance", NULL, &req, &v, &err), LF_OK);
  lf_frag_writer_reset(&fw, 0);
  assert_int_equal(ndata_files(), 2);
  lf_manifest m = {0};
  assert_int_equal(lf_dataset_read_manifest(g_store, "v.lance", 0, &m, &err), LF_OK);
  assert_int_equal(m.n_fragments, 2);
  assert_string_equal(cfg(&m, "a"), "1"), assert_string_equal(cfg(&m, "b"), "2");
  assert_true(m.writer_flags & LF_FEATURE_TABLE_CONFIG);
  assert_false(m.reader_flags & LF_FEATURE_TABLE_CONFIG);
  /* a config-only commit: b replaced, c added, a kept, the fragments kept */
  lf_kv kv2[] = {{"b", (uint8_t *)"3", 1}, {"c", (uint8_t *)"4", 1}};
  memset(&req, 0, sizeof req);
  req.kind = LF_COMMIT_WRITE, req.n_set_config = 2, req.set_config = kv2;
  assert_int_equal(lf_commit(g_store, "v.lance", &m, &req, &v, &err), LF_OK);
  assert_int_equal(v, 2);
  lf_manifest_reset(&m);
  assert_int_equal(lf_dataset_read_manifest(g_store, "v.lance", 0, &m, &err), LF_OK);
  assert_int_equal(m.n_config, 3);
  assert_string_equal(cfg(&m, "a"), "1"), assert_string_equal(cfg(&m, "b"), "3");
  assert_string_equal(cfg(&m, "c"), "4");
  assert_int_equal(m.n_fragments, 2);
  /* without config a commit needs changes */
  memset(&req, 0, sizeof req);
  req.kind = LF_COMMIT_WRITE;
  assert_int_equal(lf_commit(g_store, "v.lance", &m, &req, &v, &err), LF_ARG);
  lf_manifest_reset(&m);
  /* files written and not committed are removed on reset */
  lf_frag_writer_init(&fw, g_store, "v.lance", &s, 2, 2, 4);
  write_ids(&fw, &s, 0, 9);
  assert_int_equal(ndata_files(), 3);  /* one closed, one open (being written) */
  lf_frag_writer_reset(&fw, 1);
  assert_int_equal(ndata_files(), 2);
  lf_schema_reset(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schema_project),
      cmocka_unit_test(test_changed),
      cmocka_unit_test_setup_teardown(test_writer_config, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
