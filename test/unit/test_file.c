/* test_file.c: the Lance file container (format/file.c) over the in-memory
** (format/store_mem.c) and local (format/store_local.c) stores. */
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
#include "lfbuild.h"

/* A valid one-column file: int32 "x", `rows` rows in one page whose two
** buffers hold 16 and 24 bytes. */
static void build_basic(lfb *b, uint64_t rows, int major, int minor) {
  static const uint8_t b0[16] = {1, 2, 3}, b1[24] = {4, 5, 6};
  const void *bufs[2] = {b0, b1};
  const size_t lens[2] = {16, 24};
  memset(b, 0, sizeof *b);
  lfb_one_page_file(b, "int32", rows, bufs, lens, 2, NULL, major, minor);
}

/* Open b expecting failure code `code` with `needle` in the message. */
static void expect_open_error(const lfb *b, int code, const char *needle) {
  lf_store *st;
  lf_file *f = (lf_file *)1;
  lf_error err = {0};
  assert_int_equal(lfb_open(b, &st, &f, &err), code);
  assert_int_equal(err.code, code);
  assert_null(f);
  if (needle && !strstr(err.msg, needle)) fail_msg("message '%s' lacks '%s'", err.msg, needle);
  lf_store_free(st);
}

static void test_open_minimal(void **state) {
  (void)state;
  const int versions[4][2] = {{2, 1}, {2, 2}, {2, 3}, {2, 0}};
  for (int v = 0; v < 4; v++) {
    lfb b;
    build_basic(&b, 5, versions[v][0], versions[v][1]);
    lf_store *st;
    lf_file *f;
    lf_error err = {0};
    assert_int_equal(lfb_open(&b, &st, &f, &err), LF_OK);
    int ma, mi;
    lf_file_version(f, &ma, &mi);
    assert_int_equal(ma, versions[v][0]);
    assert_int_equal(mi, versions[v][1]);
    assert_true(lf_file_num_rows(f) == 5);
    assert_string_equal(lf_file_path(f), "mem.lance");
    const lf_schema *s = lf_file_schema(f);
    assert_int_equal(s->n_fields, 1);
    assert_string_equal(s->fields[0]->name, "x");
    assert_int_equal(s->fields[0]->type, LF_T_INT32);
    assert_true(f->size == b.f.n);
    assert_int_equal(f->ncols, 1);
    assert_int_equal(f->ngb, 1);
    assert_true(f->gb_off[0] == b.gb0_off);
    assert_true(f->gb_len[0] == b.gb0_len);
    lf_column *c = &f->cols[0];
    assert_int_equal(c->npages, 1);
    assert_true(c->meta_len == b.col_len[0]);
    lf_page *pg = &c->pages[0];
    assert_true(pg->num_rows == 5);
    assert_true(pg->row_start == 0);
    assert_int_equal(pg->nbuf, 2);
    assert_true(pg->buf_off[0] == 0);
    assert_true(pg->buf_len[0] == 16);
    assert_true(pg->buf_off[1] == 16);
    assert_true(pg->buf_len[1] == 24);
    assert_non_null(pg->enc);
    assert_int_equal(pg->enc_len, 0);
    assert_non_null(pg->enc_type);
    assert_non_null(memchr(pg->enc_type, 'P', pg->enc_type_len));
    /* page buffer reads */
    uint8_t *d = NULL;
    assert_int_equal(lf_page_read_buf(f, pg, 1, &d, &err), LF_OK);
    assert_int_equal(d[0], 4);
    assert_int_equal(d[2], 6);
    free(d);
    assert_int_equal(lf_page_read_buf(f, pg, 2, &d, &err), LF_CORRUPT);
    assert_non_null(strstr(err.msg, "page buffer 2 missing"));
    assert_int_equal(lf_page_read_buf(f, pg, -1, &d, &err), LF_CORRUPT);
    lf_file_free(f);
    lf_store_free(st);
    lfb_free(&b);
  }
}

/* File version 0.3 (storage "2.0") opens too (decoded by v20.c). */
static void test_open_v03(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 5, 0, 3);
  lf_store *st;
  lf_file *f;
  lf_error err = {0};
  assert_int_equal(lfb_open(&b, &st, &f, &err), LF_OK);
  int ma, mi;
  lf_file_version(f, &ma, &mi);
  assert_int_equal(ma, 0);
  assert_int_equal(mi, 3);
  lf_file_free(f);
  lf_store_free(st);
  lfb_free(&b);
}

/* Footer version 2.0 means the 2.0 encoding tree, as 0.3 does (Lance
** version.rs: (0, 3) | (2, 0) => V2_0).  A 2.0 list<int32> has two columns
** (offsets, items) for its one leaf: both footers must open it. */
static void test_footer_2_0_is_v2_0(void **state) {
  (void)state;
  const int minor[2][2] = {{0, 3}, {2, 0}};
  for (int v = 0; v < 2; v++) {
    lfb b = {0};
    pbw cols[2] = {{0}, {0}}, schema = {0};
    uint64_t o = lfb_put(&b, "12345678", 8), l = 8;
    lfb_page(&cols[0], &o, &l, 1, 1, NULL);
    lfb_page(&cols[1], &o, &l, 1, 1, NULL);
    pbw_schema_field(&schema, "l", 0, -1, "list", 1);
    pbw_schema_field(&schema, "item", 1, 0, "int32", 1);
    lfb_finish(&b, &schema, 1, cols, 2, minor[v][0], minor[v][1]);
    lf_store *st;
    lf_file *f;
    lf_error err = {0};
    int rc = lfb_open(&b, &st, &f, &err);
    lf_file_free(f);
    lf_store_free(st);
    pbw_free(&cols[0]);
    pbw_free(&cols[1]);
    pbw_free(&schema);
    lfb_free(&b);
    if (rc) fail_msg("footer %d.%d: %s", minor[v][0], minor[v][1], err.msg);
  }
}

/* Several pages: row_start accumulates; column buffers packed or not. */
static void test_pages_and_column_buffers(void **state) {
  (void)state;
  lfb b = {0};
  uint8_t z[8] = {0};
  uint64_t o = lfb_put(&b, z, 8), l = 8;
  pbw col = {0}, schema = {0};
  lfb_page(&col, &o, &l, 1, 3, NULL);
  lfb_page(&col, &o, &l, 1, 0, NULL);
  lfb_page(&col, &o, &l, 1, 7, NULL);
  pbw_u(&col, 3, o); /* column buffer offsets: one unpacked */
  const uint64_t more[1] = {o};
  pbw_packed(&col, 3, more, 1);
  const uint64_t lens[2] = {8, 4};
  pbw_packed(&col, 4, lens, 2);
  lfb_schema1(&schema, "double");
  lfb_finish(&b, &schema, 10, &col, 1, 2, 1);
  lf_store *st;
  lf_file *f;
  lf_error err = {0};
  assert_int_equal(lfb_open(&b, &st, &f, &err), LF_OK);
  lf_column *c = &f->cols[0];
  assert_int_equal(c->npages, 3);
  assert_true(c->pages[0].row_start == 0);
  assert_true(c->pages[1].row_start == 3);
  assert_true(c->pages[2].row_start == 3);
  assert_true(c->pages[2].num_rows == 7);
  assert_int_equal(c->nbuf, 2);
  assert_true(c->buf_len[1] == 4);
  lf_file_free(f);
  lf_store_free(st);
  pbw_free(&col);
  pbw_free(&schema);
  lfb_free(&b);
}

static void test_too_short(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 1, 2, 2);
  /* the last 39 bytes of a valid file, and an empty file */
  lfb t = {0};
  pbw_raw(&t.f, b.f.p + b.f.n - 39, 39);
  expect_open_error(&t, LF_CORRUPT, "too small");
  lfb_free(&t);
  lfb e = {0};
  expect_open_error(&e, LF_CORRUPT, "0 bytes");
  lfb_free(&b);
}

static void test_bad_magic(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 1, 2, 2);
  b.f.p[b.f.n - 1] = 'D';
  expect_open_error(&b, LF_CORRUPT, "magic");
  lfb_free(&b);
}

/* Footer versions 0.1 and 0.2 are legacy (v1) files (test_v1.c): a 2.x
** file relabelled so is read as one, and its last 16 bytes do not lead to v1
** metadata. */
static void test_legacy_version(void **state) {
  (void)state;
  for (int minor = 1; minor <= 2; minor++) {
    lfb b;
    build_basic(&b, 1, 0, minor);
    expect_open_error(&b, LF_CORRUPT, "metadata");
    lfb_free(&b);
  }
}

static void test_unknown_version(void **state) {
  (void)state;
  const int v[4][2] = {{9, 9}, {2, 4}, {1, 0}, {0, 4}};
  for (int i = 0; i < 4; i++) {
    lfb b;
    build_basic(&b, 1, v[i][0], v[i][1]);
    char want[32];
    snprintf(want, sizeof want, "%d.%d", v[i][0], v[i][1]);
    expect_open_error(&b, LF_UNSUPPORTED, want);
    lfb_free(&b);
  }
}

static void test_footer_offsets_past_end(void **state) {
  (void)state;
  const int fields[3] = {LFB_FT_CMS, LFB_FT_CMO, LFB_FT_GBO};
  for (int i = 0; i < 3; i++) {
    lfb b;
    build_basic(&b, 1, 2, 2);
    uint64_t body = b.f.n - LFB_FOOTER;
    lfb_poke_footer(&b, fields[i], body + 1);
    expect_open_error(&b, LF_CORRUPT, "outside the file");
    lfb_poke_footer(&b, fields[i], UINT64_MAX);
    expect_open_error(&b, LF_CORRUPT, "outside the file");
    lfb_free(&b);
  }
}

/* The offset tables themselves run into / past the footer. */
static void test_offset_table_past_end(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 1, 2, 2);
  /* 3 x 16 bytes from the footer start: 48 bytes where 40 remain */
  lfb_poke_footer(&b, LFB_FT_GBO, b.f.n - LFB_FOOTER);
  lfb_poke_footer(&b, LFB_FT_NGB, 3);
  expect_open_error(&b, LF_CORRUPT, "global buffer offsets");
  lfb_free(&b);
  build_basic(&b, 1, 2, 2);
  lfb_poke_footer(&b, LFB_FT_CMO, b.f.n - LFB_FOOTER); /* reads from the footer */
  expect_open_error(&b, LF_CORRUPT, NULL);
  lfb_free(&b);
}

/* Entries of the offset tables pointing outside the file. */
static void test_table_entries_past_end(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 1, 2, 2);
  lfb_poke(&b, b.gbo + 8, b.f.n, 8); /* global buffer 0 length */
  expect_open_error(&b, LF_CORRUPT, "global buffer offsets entry 0");
  lfb_poke(&b, b.gbo + 8, b.gb0_len, 8);
  lfb_poke(&b, b.gbo, UINT64_MAX - 1, 8); /* offset wraps with its length */
  expect_open_error(&b, LF_CORRUPT, "outside the file");
  lfb_free(&b);
  build_basic(&b, 1, 2, 2);
  lfb_poke(&b, b.cmo, b.f.n - 4, 8); /* column 0 metadata offset */
  expect_open_error(&b, LF_CORRUPT, "column metadata offsets entry 0");
  lfb_free(&b);
}

static void test_counts_too_large(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 1, 2, 2);
  lfb_poke_footer(&b, LFB_FT_NCOLS, 0xffffffffu);
  expect_open_error(&b, LF_CORRUPT, "outside the file");
  lfb_poke_footer(&b, LFB_FT_NCOLS, (b.f.n - LFB_FOOTER) / 16 + 1);
  expect_open_error(&b, LF_CORRUPT, "outside the file");
  lfb_poke_footer(&b, LFB_FT_NCOLS, 1);
  lfb_poke_footer(&b, LFB_FT_NGB, 0x80000000u);
  expect_open_error(&b, LF_CORRUPT, "outside the file");
  /* plausible but too many columns for the table: entries read past it */
  lfb_poke_footer(&b, LFB_FT_NGB, 1);
  lfb_poke_footer(&b, LFB_FT_NCOLS, 3);
  expect_open_error(&b, LF_CORRUPT, NULL);
  lfb_free(&b);
}

static void test_no_global_buffers(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 1, 2, 2);
  lfb_poke_footer(&b, LFB_FT_NGB, 0);
  expect_open_error(&b, LF_CORRUPT, "no global buffers");
  lfb_free(&b);
}

static void test_descriptor_without_schema(void **state) {
  (void)state;
  lfb b = {0};
  pbw col = {0};
  uint64_t o = lfb_put(&b, "12345678", 8), l = 8;
  lfb_page(&col, &o, &l, 1, 1, NULL);
  lfb_finish(&b, NULL, 1, &col, 1, 2, 2);
  expect_open_error(&b, LF_CORRUPT, "no schema");
  pbw_free(&col);
  lfb_free(&b);
}

static void test_descriptor_bad_schema(void **state) {
  (void)state;
  lfb b = {0};
  pbw col = {0}, schema = {0};
  uint64_t o = lfb_put(&b, "12345678", 8), l = 8;
  lfb_page(&col, &o, &l, 1, 1, NULL);
  pbw_schema_field(&schema, "bad", 0, -1, "int99", 1);
  lfb_finish(&b, &schema, 1, &col, 1, 2, 2);
  expect_open_error(&b, LF_UNSUPPORTED, "int99");
  expect_open_error(&b, LF_UNSUPPORTED, "mem.lance: schema");
  pbw_free(&col);
  pbw_free(&schema);
  lfb_free(&b);
}

static void test_page_buffer_outside(void **state) {
  (void)state;
  lfb b = {0};
  pbw col = {0}, schema = {0};
  lfb_put(&b, "12345678", 8);
  uint64_t o = 4, l = 1u << 20;
  lfb_page(&col, &o, &l, 1, 1, NULL);
  lfb_schema1(&schema, "int8");
  lfb_finish(&b, &schema, 1, &col, 1, 2, 2);
  expect_open_error(&b, LF_CORRUPT, "page buffer 0");
  expect_open_error(&b, LF_CORRUPT, "column 0");
  expect_open_error(&b, LF_CORRUPT, "page 0");
  pbw_free(&col);
  pbw_free(&schema);
  lfb_free(&b);
  /* offset alone past the end, length 0 */
  memset(&b, 0, sizeof b);
  lfb_put(&b, "12345678", 8);
  o = UINT64_MAX;
  l = 0;
  lfb_page(&col, &o, &l, 1, 1, NULL);
  lfb_schema1(&schema, "int8");
  lfb_finish(&b, &schema, 1, &col, 1, 2, 2);
  expect_open_error(&b, LF_CORRUPT, "page buffer 0");
  pbw_free(&col);
  pbw_free(&schema);
  lfb_free(&b);
}

static void test_page_offsets_sizes_mismatch(void **state) {
  (void)state;
  lfb b = {0};
  pbw col = {0}, pg = {0}, schema = {0};
  const uint64_t offs[2] = {0, 0}, lens[1] = {1};
  lfb_put(&b, "12345678", 8);
  pbw_packed(&pg, 1, offs, 2);
  pbw_packed(&pg, 2, lens, 1);
  pbw_u(&pg, 3, 1);
  pbw_msg(&col, 2, &pg);
  lfb_schema1(&schema, "int8");
  lfb_finish(&b, &schema, 1, &col, 1, 2, 2);
  expect_open_error(&b, LF_CORRUPT, "2 buffer offsets but 1 sizes");
  pbw_free(&col);
  pbw_free(&pg);
  pbw_free(&schema);
  lfb_free(&b);
}

static void test_indirect_encoding(void **state) {
  (void)state;
  lfb b = {0};
  pbw col = {0}, pg = {0}, enc = {0}, ind = {0}, schema = {0};
  uint64_t o = lfb_put(&b, "12345678", 8), l = 8;
  pbw_u(&ind, 1, 0);
  pbw_u(&ind, 2, 8);
  pbw_msg(&enc, 1, &ind);
  pbw_packed(&pg, 1, &o, 1);
  pbw_packed(&pg, 2, &l, 1);
  pbw_u(&pg, 3, 1);
  pbw_msg(&pg, 4, &enc);
  pbw_msg(&col, 2, &pg);
  lfb_schema1(&schema, "int8");
  lfb_finish(&b, &schema, 1, &col, 1, 2, 2);
  expect_open_error(&b, LF_UNSUPPORTED, "indirect");
  pbw_free(&col);
  pbw_free(&pg);
  pbw_free(&enc);
  pbw_free(&ind);
  pbw_free(&schema);
  lfb_free(&b);
}

/* Column metadata cut short: its declared length in the table shrinks so
** the last field (the page message) is truncated. */
static void test_truncated_column_metadata(void **state) {
  (void)state;
  lfb b;
  build_basic(&b, 1, 2, 2);
  for (uint64_t cut = 1; cut < b.col_len[0]; cut += 3) {
    lfb_poke(&b, b.cmo + 8, b.col_len[0] - cut, 8);
    expect_open_error(&b, LF_CORRUPT, "column 0");
  }
  lfb_free(&b);
}

/* The schema must have one leaf per column and the pages its rows. */
static void test_columns_vs_schema(void **state) {
  (void)state;
  lfb b = {0};
  pbw cols[2] = {{0}, {0}}, schema = {0};
  uint64_t o = lfb_put(&b, "12345678", 8), l = 8;
  lfb_page(&cols[0], &o, &l, 1, 2, NULL);
  lfb_page(&cols[1], &o, &l, 1, 2, NULL);
  lfb_schema1(&schema, "int8");
  lfb_finish(&b, &schema, 2, cols, 2, 2, 2);
  expect_open_error(&b, LF_CORRUPT, "1 leaf fields but the file has 2 columns");
  lfb_free(&b);
  memset(&b, 0, sizeof b);
  o = lfb_put(&b, "12345678", 8);
  lfb_finish(&b, &schema, 3, cols, 1, 2, 2);
  expect_open_error(&b, LF_CORRUPT, "pages hold 2 rows, the file 3");
  lfb_free(&b);
  pbw_free(&cols[0]);
  pbw_free(&cols[1]);
  pbw_free(&schema);
}

/* ---- stores ------------------------------------------------------------- */

static void test_store_mem(void **state) {
  (void)state;
  const uint8_t data[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  lf_store *s;
  lf_error err = {0};
  assert_int_equal(lf_store_mem_new(data, sizeof data, &s, &err), LF_OK);
  uint64_t sz;
  assert_int_equal(s->size(s, "any/path", &sz, &err), LF_OK);
  assert_true(sz == 10);
  uint8_t *out;
  assert_int_equal(lf_store_read_alloc(s, "p", 7, 3, &out, &err), LF_OK);
  assert_int_equal(out[0], 7);
  assert_int_equal(out[2], 9);
  free(out);
  assert_int_equal(lf_store_read_alloc(s, "p", 10, 0, &out, &err), LF_OK);
  free(out);
  assert_int_equal(lf_store_read_alloc(s, "p", 8, 3, &out, &err), LF_CORRUPT);
  assert_null(out);
  assert_non_null(strstr(err.msg, "truncated"));
  assert_int_equal(lf_store_read_alloc(s, "p", UINT64_MAX, 1, &out, &err), LF_CORRUPT);
  lf_store_free(s);
  lf_store_free(NULL);
}

static void test_store_local(void **state) {
  (void)state;
  char dir[] = "/tmp/lf_test_file_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/obj.bin", dir);
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  fwrite("abcdefgh", 1, 8, fp);
  fclose(fp);
  char root[300];
  snprintf(root, sizeof root, "%s///", dir); /* trailing slashes are dropped */
  lf_store *s;
  lf_error err = {0};
  assert_int_equal(lf_store_local_new(root, &s, &err), LF_OK);
  uint64_t sz = 0;
  assert_int_equal(s->size(s, "obj.bin", &sz, &err), LF_OK);
  assert_true(sz == 8);
  uint8_t *out;
  assert_int_equal(lf_store_read_alloc(s, "obj.bin", 2, 3, &out, &err), LF_OK);
  assert_memory_equal(out, "cde", 3);
  free(out);
  assert_int_equal(lf_store_read_alloc(s, "obj.bin", 6, 3, &out, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "truncated"));
  assert_int_equal(s->size(s, "missing.bin", &sz, &err), LF_NOTFOUND);
  assert_int_equal(lf_store_read_alloc(s, "missing.bin", 0, 1, &out, &err), LF_NOTFOUND);
  assert_int_equal(s->size(s, ".", &sz, &err), LF_IO); /* a directory */
  assert_non_null(strstr(err.msg, "not a regular file"));
  /* absolute paths ignore the root */
  assert_int_equal(s->size(s, path, &sz, &err), LF_OK);
  lf_store_free(s);
  /* root "/" or "": paths are taken as given */
  assert_int_equal(lf_store_local_new("/", &s, &err), LF_OK);
  assert_int_equal(s->size(s, path, &sz, &err), LF_OK);
  assert_true(sz == 8);
  lf_store_free(s);
  /* opening a file that is not Lance */
  assert_int_equal(lf_store_local_new(dir, &s, &err), LF_OK);
  lf_file *f;
  assert_int_equal(lf_file_open(s, "obj.bin", &f, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "too small"));
  assert_int_equal(lf_file_open(s, "nope.lance", &f, &err), LF_NOTFOUND);
  lf_store_free(s);
  unlink(path);
  rmdir(dir);
}

/* ---- files written by LanceDB ------------------------------------------ */

static void test_lancedb_files(void **state) {
  (void)state;
  const char *names[3] = {"lancedb_v21.lance", "lancedb_v22.lance", "lancedb_v23.lance"};
  const int minor[3] = {1, 2, 3};
  lf_store *s;
  lf_error err = {0};
  assert_int_equal(lf_store_local_new("test/fuzz/corpus/fuzz_file", &s, &err), LF_OK);
  for (int i = 0; i < 3; i++) {
    lf_file *f;
    if (lf_file_open(s, names[i], &f, &err)) fail_msg("%s: %s", names[i], err.msg);
    int ma, mi;
    lf_file_version(f, &ma, &mi);
    assert_int_equal(ma, 2);
    assert_int_equal(mi, minor[i]);
    assert_true(lf_file_num_rows(f) == 3000);
    const lf_schema *sc = lf_file_schema(f);
    assert_int_equal(sc->n_fields, 5);
    const char *fn[5] = {"id", "name", "f", "vec", "tags"};
    const lf_type ft[5] = {LF_T_FLOAT64, LF_T_UTF8, LF_T_FLOAT64, LF_T_LIST, LF_T_LIST};
    for (int k = 0; k < 5; k++) {
      assert_string_equal(sc->fields[k]->name, fn[k]);
      assert_int_equal(sc->fields[k]->type, ft[k]);
      assert_true(sc->fields[k]->nullable);
    }
    assert_int_equal(sc->fields[3]->n_children, 1);
    assert_int_equal(sc->fields[3]->children[0]->type, LF_T_FLOAT64);
    assert_int_equal(sc->fields[4]->n_children, 1);
    assert_int_equal(sc->fields[4]->children[0]->type, LF_T_UTF8);
    assert_int_equal(sc->n_all, 7);
    assert_int_equal(f->ncols, 5); /* one column per leaf */
    for (int c = 0; c < f->ncols; c++) {
      uint64_t rows = 0;
      for (int p = 0; p < f->cols[c].npages; p++) rows += f->cols[c].pages[p].num_rows;
      assert_true(rows == 3000);
    }
    /* a few values through the whole reader: id = row, name = "n" + row % 7 */
    lf_array a;
    lf_array_init(&a, sc->fields[0]);
    if (lf_file_read_range(f, 0, 2990, 3000, &a, &err)) fail_msg("%s: %s", names[i], err.msg);
    assert_true(a.length == 10);
    for (int r = 0; r < 10; r++) {
      double d;
      memcpy(&d, a.values + 8 * r, 8);
      assert_true(d == 2990.0 + r);
    }
    lf_array_reset(&a);
    lf_array_init(&a, sc->fields[1]);
    const uint64_t rows[3] = {0, 1500, 2999};
    if (lf_file_take(f, 1, rows, 3, &a, &err)) fail_msg("%s: %s", names[i], err.msg);
    for (int r = 0; r < 3; r++) {
      char want[8];
      snprintf(want, sizeof want, "n%d", (int)(rows[r] % 7));
      assert_int_equal(a.offsets[r + 1] - a.offsets[r], strlen(want));
      assert_memory_equal(a.data + a.offsets[r], want, strlen(want));
    }
    lf_array_reset(&a);
    lf_file_free(f);
  }
  lf_store_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_open_minimal),
      cmocka_unit_test(test_open_v03),
      cmocka_unit_test(test_footer_2_0_is_v2_0),
      cmocka_unit_test(test_pages_and_column_buffers),
      cmocka_unit_test(test_too_short),
      cmocka_unit_test(test_bad_magic),
      cmocka_unit_test(test_legacy_version),
      cmocka_unit_test(test_unknown_version),
      cmocka_unit_test(test_footer_offsets_past_end),
      cmocka_unit_test(test_offset_table_past_end),
      cmocka_unit_test(test_table_entries_past_end),
      cmocka_unit_test(test_counts_too_large),
      cmocka_unit_test(test_no_global_buffers),
      cmocka_unit_test(test_descriptor_without_schema),
      cmocka_unit_test(test_descriptor_bad_schema),
      cmocka_unit_test(test_page_buffer_outside),
      cmocka_unit_test(test_page_offsets_sizes_mismatch),
      cmocka_unit_test(test_indirect_encoding),
      cmocka_unit_test(test_truncated_column_metadata),
      cmocka_unit_test(test_columns_vs_schema),
      cmocka_unit_test(test_store_mem),
      cmocka_unit_test(test_store_local),
      cmocka_unit_test(test_lancedb_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
