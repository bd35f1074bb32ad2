/* test_v1.c: legacy (v1) Lance files (format/v1.c), built in memory byte by
** byte as the layout in v1.c says, read through the lf_file API: every page
** kind, batches, takes, views, and corrupt or unsupported input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "pbw.h"

/* ---- A v1 file builder ------------------------------------------------------- */

#define V1B_IDS 16
#define V1B_BATCHES 4

typedef struct v1b {
  pbw f;                                   /* the file */
  pbw fields;                              /* the manifest's Field messages */
  uint64_t pt[V1B_IDS][V1B_BATCHES][2];    /* page table by field id, batch */
  int nids, nbatch;
  uint64_t batch[V1B_BATCHES + 1];         /* batch offsets */
  uint64_t pt_pos, manifest_pos, meta_pos; /* where v1b_finish put them */
  int no_manifest;                         /* write manifest_position 0 */
  uint64_t bad_pt_pos;                     /* when not 0: page_table_position written */
} v1b;

static void le(pbw *w, uint64_t v, int n) {
  for (int i = 0; i < n; i++) pbw_byte(w, (uint8_t)(v >> (8 * i)));
}
static void poke(v1b *b, uint64_t pos, uint64_t v, int n) {
  for (int i = 0; i < n; i++) b->f.p[pos + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

/* Batches of the given row counts. */
static void v1b_init(v1b *b, int nbatch, const uint64_t *rows) {
  memset(b, 0, sizeof *b);
  b->nbatch = nbatch;
  for (int i = 0; i < nbatch; i++) b->batch[i + 1] = b->batch[i] + rows[i];
}

/* A Field: 1 type, 2 name, 3 id, 4 parent_id, 5 logical_type, 6 nullable,
** 7 encoding, 8 dictionary {1 offset, 2 length} (when dict_len >= 0). */
static void v1b_field(v1b *b, const char *name, int id, int parent, const char *lt,
                      int nullable, int encoding, int64_t dict_off, int64_t dict_len) {
  pbw f = {0}, d = {0};
  pbw_u(&f, 1, 2);
  pbw_str(&f, 2, name);
  pbw_i32(&f, 3, id);
  pbw_i32(&f, 4, parent);
  pbw_str(&f, 5, lt);
  pbw_u(&f, 6, (uint64_t)nullable);
  if (encoding) pbw_u(&f, 7, (uint64_t)encoding);
  if (dict_len >= 0) {
    pbw_u(&d, 1, (uint64_t)dict_off);
    pbw_u(&d, 2, (uint64_t)dict_len);
    pbw_msg(&f, 8, &d);
  }
  pbw_msg(&b->fields, 1, &f);
  pbw_free(&f);
  pbw_free(&d);
  if (id + 1 > b->nids) b->nids = id + 1;
}

/* Raw bytes; returns their offset. */
static uint64_t v1b_put(v1b *b, const void *d, size_t n) {
  uint64_t off = b->f.n;
  pbw_raw(&b->f, d, n);
  return off;
}

/* A plain page of n values of w bytes for (id, batch). */
static void v1b_plain(v1b *b, int id, int batch, const void *vals, uint64_t n, int w) {
  b->pt[id][batch][0] = v1b_put(b, vals, (size_t)(n * (uint64_t)w));
  b->pt[id][batch][1] = n;
}

/* A var-binary page: the strings' bytes, then n + 1 i64 file offsets. */
static uint64_t v1b_strings(v1b *b, int id, int batch, const char *const *s, int n) {
  uint64_t at = b->f.n;
  for (int i = 0; i < n; i++) pbw_raw(&b->f, s[i], strlen(s[i]));
  uint64_t pos = b->f.n;
  le(&b->f, at, 8);
  for (int i = 0; i < n; i++) le(&b->f, at += strlen(s[i]), 8);
  if (id >= 0) {
    b->pt[id][batch][0] = pos;
    b->pt[id][batch][1] = (uint64_t)n;
  }
  return pos;
}

/* List positions (n + 1 of `w` bytes) for (id, batch). */
static void v1b_positions(v1b *b, int id, int batch, const int64_t *p, int n, int w) {
  b->pt[id][batch][0] = b->f.n;
  b->pt[id][batch][1] = (uint64_t)n + 1;
  for (int i = 0; i <= n; i++) le(&b->f, (uint64_t)p[i], w);
}

/* Page table, manifest, metadata, footer. */
static void v1b_finish(v1b *b) {
  b->pt_pos = b->f.n;
  for (int id = 0; id < b->nids; id++)
    for (int k = 0; k < b->nbatch; k++) le(&b->f, b->pt[id][k][0], 8), le(&b->f, b->pt[id][k][1], 8);
  pbw meta = {0};
  b->manifest_pos = b->no_manifest ? 0 : b->f.n;
  if (!b->no_manifest) { /* the fields, then Manifest.version (ignored) */
    le(&b->f, b->fields.n + 2, 4);
    for (size_t i = 0; i < b->fields.n; i++) pbw_byte(&b->f, b->fields.p[i]);
    pbw_u(&b->f, 3, 1);
  }
  pbw_u(&meta, 1, b->manifest_pos);
  pbw_packed(&meta, 2, b->batch, (size_t)b->nbatch + 1);
  pbw_u(&meta, 3, b->bad_pt_pos ? b->bad_pt_pos : b->pt_pos);
  b->meta_pos = b->f.n;
  le(&b->f, meta.n, 4);
  pbw_raw(&b->f, meta.p, meta.n);
  le(&b->f, b->meta_pos, 8);
  le(&b->f, 0, 2);
  le(&b->f, 2, 2);
  pbw_raw(&b->f, "LANC", 4);
  pbw_free(&meta);
}

/* Rewrite everything after the pages (after changing b's tables). */
static void v1b_refinish(v1b *b) {
  b->f.n = b->pt_pos;
  v1b_finish(b);
}

static void v1b_free(v1b *b) {
  pbw_free(&b->f);
  pbw_free(&b->fields);
}

typedef struct opened {
  lf_store *st;
  lf_file *f;
  lf_array a;
  lf_error err;
} opened;

static int v1b_open(const v1b *b, opened *o) {
  memset(o, 0, sizeof *o);
  int rc = lf_store_mem_new(b->f.p, b->f.n, &o->st, &o->err);
  return rc ? rc : lf_file_open(o->st, "v1.lance", &o->f, &o->err);
}

static void closed(opened *o) {
  lf_array_reset(&o->a);
  lf_file_free(o->f);
  lf_store_free(o->st);
}

/* Open b, expecting success. */
static void open_ok(const v1b *b, opened *o) {
  if (v1b_open(b, o)) fail_msg("open: %s", o->err.msg);
}

/* Read rows [s, e) of field i into o->a (set up for that field). */
static int read_rows(opened *o, int i, uint64_t s, uint64_t e) {
  lf_array_reset(&o->a);
  lf_array_init(&o->a, lf_file_schema(o->f)->fields[i]);
  return lf_file_read_range(o->f, i, s, e, &o->a, &o->err);
}

static int take_rows(opened *o, int i, const uint64_t *rows, size_t n) {
  lf_array_reset(&o->a);
  lf_array_init(&o->a, lf_file_schema(o->f)->fields[i]);
  return lf_file_take(o->f, i, rows, n, &o->a, &o->err);
}

static void expect_err(int rc, const opened *o, int code, const char *needle) {
  if (rc != code) fail_msg("status %d, expected %d ('%s'): %s", rc, code, needle, o->err.msg);
  if (!strstr(o->err.msg, needle)) fail_msg("message '%s' lacks '%s'", o->err.msg, needle);
}

static int32_t i32_at(const lf_array *a, uint64_t i) {
  int32_t v;
  memcpy(&v, a->values + 4 * i, 4);
  return v;
}

static void assert_str(const lf_array *a, uint64_t i, const char *want) {
  if (!want) {
    assert_true(lf_array_is_null(a, i));
    return;
  }
  assert_false(lf_array_is_null(a, i));
  assert_int_equal(a->offsets[i + 1] - a->offsets[i], strlen(want));
  assert_memory_equal(a->data + a->offsets[i], want, strlen(want));
}

/* ---- Plain pages ------------------------------------------------------------- */

/* x: int32 in two batches (3 + 2 rows); b: bool; v: fixed_size_list<float>[2];
** d: decimal128; h: fixed_size_list<bool>[3]. */
static void build_plain(v1b *b) {
  static const uint64_t rows[2] = {3, 2};
  static const int32_t x0[3] = {10, -20, 30}, x1[2] = {40, 50};
  static const uint8_t bits0[1] = {0x5}, bits1[1] = {0x2};      /* 1 0 1 | 0 1 */
  static const float v0[6] = {1, 2, 3, 4, 5, 6}, v1[4] = {7, 8, -0.0f, 9};
  static const uint8_t h0[2] = {0xb5, 0x01}, h1[1] = {0x2e};     /* 9 bits | 6 bits */
  uint8_t d0[48] = {0}, d1[32] = {0};
  d0[0] = 5, d1[0] = 7; /* 5, -1, 0 | 7, 0 as int128 */
  memset(d0 + 16, 0xff, 16);
  v1b_init(b, 2, rows);
  v1b_field(b, "x", 0, -1, "int32", 1, 1, 0, -1);
  v1b_field(b, "b", 1, -1, "bool", 1, 1, 0, -1);
  v1b_field(b, "v", 2, -1, "fixed_size_list:float:2", 1, 1, 0, -1);
  v1b_field(b, "d", 3, -1, "decimal:128:10:2", 1, 1, 0, -1);
  v1b_field(b, "h", 4, -1, "fixed_size_list:bool:3", 1, 1, 0, -1);
  v1b_plain(b, 0, 0, x0, 3, 4), v1b_plain(b, 0, 1, x1, 2, 4);
  b->pt[1][0][0] = v1b_put(b, bits0, 1), b->pt[1][0][1] = 3;
  b->pt[1][1][0] = v1b_put(b, bits1, 1), b->pt[1][1][1] = 2;
  while (b->f.n % 4) pbw_byte(&b->f, 0);
  v1b_plain(b, 2, 0, v0, 3, 8); /* aligned to its floats; batch 1 not: */
  pbw_byte(&b->f, 0);
  v1b_plain(b, 2, 1, v1, 2, 8);
  v1b_plain(b, 3, 0, d0, 3, 16), v1b_plain(b, 3, 1, d1, 2, 16);
  b->pt[4][0][0] = v1b_put(b, h0, 2), b->pt[4][0][1] = 3;
  b->pt[4][1][0] = v1b_put(b, h1, 1), b->pt[4][1][1] = 2;
  v1b_finish(b);
}

static void test_plain_pages(void **state) {
  (void)state;
  v1b b;
  build_plain(&b);
  opened o;
  open_ok(&b, &o);
  int ma, mi;
  lf_file_version(o.f, &ma, &mi);
  assert_int_equal(ma * 10 + mi, 2);
  assert_int_equal(lf_file_num_rows(o.f), 5);
  assert_int_equal(lf_file_schema(o.f)->fields[0]->encoding, 1);
  assert_int_equal(read_rows(&o, 0, 0, 5), LF_OK);
  assert_int_equal(o.a.length, 5);
  assert_null(o.a.valid); /* v1 stores no validity for numbers */
  const int32_t want[5] = {10, -20, 30, 40, 50};
  for (int i = 0; i < 5; i++) assert_int_equal(i32_at(&o.a, (uint64_t)i), want[i]);
  assert_int_equal(read_rows(&o, 0, 2, 4), LF_OK); /* across the batch boundary */
  assert_int_equal(i32_at(&o.a, 0), 30);
  assert_int_equal(i32_at(&o.a, 1), 40);
  assert_int_equal(read_rows(&o, 1, 0, 5), LF_OK);
  const uint8_t wb[5] = {1, 0, 1, 0, 1};
  assert_memory_equal(o.a.values, wb, 5);
  assert_int_equal(read_rows(&o, 1, 4, 5), LF_OK);
  assert_int_equal(o.a.values[0], 1);
  assert_int_equal(read_rows(&o, 2, 1, 5), LF_OK);
  const lf_array *it = &o.a.children[0];
  assert_int_equal(it->length, 8);
  const float wf[8] = {3, 4, 5, 6, 7, 8, -0.0f, 9};
  assert_memory_equal(it->values, wf, sizeof wf);
  assert_int_equal(read_rows(&o, 3, 0, 5), LF_OK);
  assert_int_equal(o.a.values[0], 5);
  assert_int_equal(o.a.values[16], 0xff);
  assert_int_equal(o.a.values[3 * 16], 7);
  assert_int_equal(read_rows(&o, 4, 1, 5), LF_OK); /* bits of rows 1..4, 3 per row */
  const uint8_t wh[12] = {0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1};
  assert_int_equal(o.a.children[0].length, 12);
  assert_memory_equal(o.a.children[0].values, wh, 12);
  closed(&o);
  v1b_free(&b);
}

static void test_take_and_view(void **state) {
  (void)state;
  v1b b;
  build_plain(&b);
  opened o;
  open_ok(&b, &o);
  const uint64_t rows[5] = {0, 2, 3, 3, 4};
  assert_int_equal(take_rows(&o, 0, rows, 5), LF_OK);
  const int32_t want[5] = {10, 30, 40, 40, 50};
  for (int i = 0; i < 5; i++) assert_int_equal(i32_at(&o.a, (uint64_t)i), want[i]);
  assert_int_equal(take_rows(&o, 4, rows + 3, 2), LF_OK);
  const uint8_t wh[6] = {0, 1, 1, 1, 0, 1};
  assert_memory_equal(o.a.children[0].values, wh, 6);
  /* a view stops at the batch's end; bool lists and a page at an offset not
  ** aligned to its floats are not viewable (the rows are decoded instead) */
  const uint8_t *p = NULL;
  uint64_t w = 0, n = 0;
  assert_int_equal(lf_file_view(o.f, 2, 1, 5, &p, &w, &n, &o.err), LF_OK);
  assert_int_equal(w, 8);
  assert_int_equal(n, 2);
  const float v[4] = {3, 4, 5, 6};
  assert_memory_equal(p, v, sizeof v);
  expect_err(lf_file_view(o.f, 2, 3, 5, &p, &w, &n, &o.err), &o, LF_UNSUPPORTED,
             "not aligned to its values");
  assert_null(p);
  assert_int_equal(n, 0);
  assert_int_equal(lf_file_view(o.f, 4, 0, 5, &p, &w, &n, &o.err), LF_UNSUPPORTED);
  closed(&o);
  v1b_free(&b);
}

/* ---- Var-binary, dictionary, null pages -------------------------------------- */

static void test_varbinary(void **state) {
  (void)state;
  static const uint64_t rows[2] = {3, 2};
  static const char *s0[3] = {"ab", "", "cde"}, *s1[2] = {"", "f"};
  v1b b;
  v1b_init(&b, 2, rows);
  v1b_field(&b, "s", 0, -1, "string", 1, 2, 0, -1);
  v1b_field(&b, "t", 1, -1, "large_binary", 0, 2, 0, -1);
  for (int id = 0; id < 2; id++) v1b_strings(&b, id, 0, s0, 3), v1b_strings(&b, id, 1, s1, 2);
  v1b_finish(&b);
  opened o;
  open_ok(&b, &o);
  assert_int_equal(read_rows(&o, 0, 0, 5), LF_OK); /* nullable: empty reads as null */
  const char *want[5] = {"ab", NULL, "cde", NULL, "f"};
  for (int i = 0; i < 5; i++) assert_str(&o.a, (uint64_t)i, want[i]);
  assert_int_equal(o.a.null_count, 2);
  assert_int_equal(read_rows(&o, 1, 1, 5), LF_OK); /* not nullable: empty stays empty */
  assert_null(o.a.valid);
  assert_str(&o.a, 0, "");
  assert_str(&o.a, 1, "cde");
  assert_str(&o.a, 3, "f");
  const uint64_t tr[3] = {0, 2, 4};
  assert_int_equal(take_rows(&o, 0, tr, 3), LF_OK);
  assert_str(&o.a, 0, "ab");
  assert_str(&o.a, 1, "cde");
  assert_str(&o.a, 2, "f");
  closed(&o);
  v1b_free(&b);
}

/* d: dict:string:int8 over {"red", "", "blue"}; e: dict:int64:uint16. */
static void build_dict(v1b *b, const int8_t *keys, int64_t dict_len) {
  static const uint64_t rows[1] = {4};
  static const char *words[3] = {"red", "", "blue"};
  static const int64_t ints[2] = {-5, 9007199254740993};
  static const uint16_t ekeys[4] = {1, 0, 1, 1};
  v1b_init(b, 1, rows);
  uint64_t sp = v1b_strings(b, -1, 0, words, 3);
  uint64_t ip = v1b_put(b, ints, sizeof ints);
  v1b_field(b, "d", 0, -1, "dict:string:int8:false", 1, 3, (int64_t)sp, dict_len);
  v1b_field(b, "e", 1, -1, "dict:int64:uint16:false", 1, 3, (int64_t)ip, 2);
  v1b_plain(b, 0, 0, keys, 4, 1);
  v1b_plain(b, 1, 0, ekeys, 4, 2);
  v1b_finish(b);
}

static void test_dictionary(void **state) {
  (void)state;
  static const int8_t keys[4] = {2, 0, 1, 2};
  v1b b;
  build_dict(&b, keys, 3);
  opened o;
  open_ok(&b, &o);
  assert_int_equal(lf_file_schema(o.f)->fields[0]->index_type, LF_T_INT8);
  assert_int_equal(read_rows(&o, 0, 0, 4), LF_OK);
  const char *want[4] = {"blue", "red", NULL, "blue"}; /* an empty dictionary value is null */
  for (int i = 0; i < 4; i++) assert_str(&o.a, (uint64_t)i, want[i]);
  const uint64_t tr[2] = {1, 3};
  assert_int_equal(take_rows(&o, 0, tr, 2), LF_OK);
  assert_str(&o.a, 0, "red");
  assert_str(&o.a, 1, "blue");
  assert_int_equal(read_rows(&o, 1, 0, 4), LF_OK);
  int64_t e[4];
  memcpy(e, o.a.values, sizeof e);
  assert_true(e[0] == 9007199254740993 && e[1] == -5 && e[3] == 9007199254740993);
  closed(&o);
  v1b_free(&b);
}

static void test_dictionary_bad_keys(void **state) {
  (void)state;
  static const int8_t high[4] = {0, 3, 0, 0}, negative[4] = {0, 0, -1, 0};
  v1b b;
  opened o;
  build_dict(&b, high, 3);
  open_ok(&b, &o);
  expect_err(read_rows(&o, 0, 0, 4), &o, LF_CORRUPT, "dictionary index 3 out of range");
  closed(&o);
  v1b_free(&b);
  build_dict(&b, negative, 3);
  open_ok(&b, &o);
  expect_err(read_rows(&o, 0, 0, 4), &o, LF_CORRUPT, "negative dictionary key at row 2");
  assert_int_equal(read_rows(&o, 0, 0, 2), LF_OK); /* rows before it are fine */
  closed(&o);
  v1b_free(&b);
  build_dict(&b, high, 1000000); /* the dictionary's positions run past the file */
  open_ok(&b, &o);
  expect_err(read_rows(&o, 0, 0, 1), &o, LF_CORRUPT, "outside the file");
  closed(&o);
  v1b_free(&b);
}

static void test_null_column(void **state) {
  (void)state;
  static const uint64_t rows[2] = {2, 3};
  v1b b;
  v1b_init(&b, 2, rows);
  v1b_field(&b, "n", 0, -1, "null", 1, 1, 0, -1);
  b.pt[0][0][1] = 2, b.pt[0][1][1] = 3;
  v1b_finish(&b);
  opened o;
  open_ok(&b, &o);
  assert_int_equal(read_rows(&o, 0, 1, 5), LF_OK);
  assert_int_equal(o.a.length, 4);
  assert_int_equal(o.a.null_count, 4);
  b.f.p[b.pt_pos + 24] = 2; /* batch 1 holds 2 rows of the 3 */
  closed(&o);
  open_ok(&b, &o);
  expect_err(read_rows(&o, 0, 0, 5), &o, LF_CORRUPT, "outside a page of 2");
  closed(&o);
  v1b_free(&b);
}

/* ---- Lists and structs ----------------------------------------------------------- */

/* st: struct{a: int32, l: list<int64>}, ll: large_list<list<int32>>; two
** batches of 2 rows, positions restart at 0 in each. */
static void build_nested(v1b *b, int64_t bad_position) {
  static const uint64_t rows[2] = {2, 2};
  static const int32_t a0[2] = {1, 2}, a1[2] = {3, 4};
  static const int64_t l0[3] = {10, 11, 12}, l1[1] = {13};
  static const int32_t in0[4] = {1, 2, 3, 4}, in1[1] = {5};
  const int64_t p0[3] = {0, 3, 3}, p1[3] = {0, 0, bad_position ? bad_position : 1};
  const int64_t lp0[3] = {0, 1, 3}, lp1[3] = {0, 0, 1};    /* outer: rows -> inner lists */
  const int64_t ip0[4] = {0, 2, 2, 4}, ip1[2] = {0, 1};    /* inner: lists -> ints */
  v1b_init(b, 2, rows);
  v1b_field(b, "st", 0, -1, "struct", 1, 0, 0, -1);
  v1b_field(b, "a", 1, 0, "int32", 1, 1, 0, -1);
  v1b_field(b, "l", 2, 0, "list", 1, 1, 0, -1);
  v1b_field(b, "item", 3, 2, "int64", 1, 1, 0, -1);
  v1b_field(b, "ll", 4, -1, "large_list", 1, 1, 0, -1);
  v1b_field(b, "item", 5, 4, "list", 1, 1, 0, -1);
  v1b_field(b, "item", 6, 5, "int32", 1, 1, 0, -1);
  v1b_plain(b, 1, 0, a0, 2, 4), v1b_plain(b, 1, 1, a1, 2, 4);
  v1b_positions(b, 2, 0, p0, 2, 4), v1b_positions(b, 2, 1, p1, 2, 4);
  v1b_plain(b, 3, 0, l0, 3, 8), v1b_plain(b, 3, 1, l1, 1, 8);
  v1b_positions(b, 4, 0, lp0, 2, 8), v1b_positions(b, 4, 1, lp1, 2, 8);
  v1b_positions(b, 5, 0, ip0, 3, 4), v1b_positions(b, 5, 1, ip1, 1, 4);
  v1b_plain(b, 6, 0, in0, 4, 4), v1b_plain(b, 6, 1, in1, 1, 4);
  v1b_finish(b);
}

static void test_lists_structs(void **state) {
  (void)state;
  v1b b;
  build_nested(&b, 0);
  opened o;
  open_ok(&b, &o);
  assert_int_equal(read_rows(&o, 0, 0, 4), LF_OK);
  assert_int_equal(o.a.length, 4);
  assert_null(o.a.valid);
  const lf_array *a = &o.a.children[0], *l = &o.a.children[1];
  for (int i = 0; i < 4; i++) assert_int_equal(i32_at(a, (uint64_t)i), i + 1);
  const uint64_t wo[5] = {0, 3, 3, 3, 4};
  assert_memory_equal(l->offsets, wo, sizeof wo);
  const int64_t wl[4] = {10, 11, 12, 13};
  assert_memory_equal(l->children[0].values, wl, sizeof wl);
  assert_int_equal(read_rows(&o, 1, 0, 4), LF_OK); /* [[1,2],[]], [[3,4]] | [], [[5]] */
  const uint64_t w1[5] = {0, 1, 3, 3, 4}, w2[5] = {0, 2, 2, 4, 5};
  assert_memory_equal(o.a.offsets, w1, sizeof w1);
  assert_memory_equal(o.a.children[0].offsets, w2, sizeof w2);
  assert_int_equal(o.a.children[0].children[0].length, 5);
  assert_int_equal(i32_at(&o.a.children[0].children[0], 4), 5);
  const uint64_t tr[2] = {1, 3};
  assert_int_equal(take_rows(&o, 1, tr, 2), LF_OK);
  const uint64_t t1[3] = {0, 2, 3}, t2[4] = {0, 0, 2, 3};
  assert_memory_equal(o.a.offsets, t1, sizeof t1);
  assert_memory_equal(o.a.children[0].offsets, t2, sizeof t2);
  assert_int_equal(i32_at(&o.a.children[0].children[0], 0), 3);
  assert_int_equal(i32_at(&o.a.children[0].children[0], 2), 5);
  closed(&o);
  v1b_free(&b);
}

static void test_list_positions_corrupt(void **state) {
  (void)state;
  v1b b;
  opened o;
  build_nested(&b, 2); /* batch 1's last list ends past its page of 1 item */
  open_ok(&b, &o);
  assert_int_equal(read_rows(&o, 0, 0, 2), LF_OK);
  expect_err(read_rows(&o, 0, 0, 4), &o, LF_CORRUPT, "outside a page of 1 values");
  closed(&o);
  v1b_free(&b);
  build_nested(&b, -1); /* goes backwards */
  open_ok(&b, &o);
  expect_err(read_rows(&o, 0, 2, 4), &o, LF_CORRUPT, "negative or goes backwards");
  closed(&o);
  v1b_free(&b);
  build_nested(&b, (int64_t)1 << 30); /* more items than the file could hold */
  open_ok(&b, &o);
  expect_err(read_rows(&o, 0, 2, 4), &o, LF_UNSUPPORTED, "lists of 1073741824 items");
  closed(&o);
  v1b_free(&b);
  uint8_t p[16];
  uint64_t out[2];
  lf_error err = {0};
  memcpy(p, (const int64_t[2]){5, 4}, 16);
  assert_int_equal(lf_v1_positions(p, 2, 8, out, &err), LF_CORRUPT);
  memcpy(p, (const int32_t[2]){3, 7}, 8);
  assert_int_equal(lf_v1_positions(p, 2, 4, out, &err), LF_OK);
  assert_true(out[0] == 3 && out[1] == 7);
}

/* ---- Unsupported fields -------------------------------------------------------- */

static void test_unsupported_fields(void **state) {
  (void)state;
  static const uint64_t rows[1] = {1};
  static const char *one[1] = {"x"};
  v1b b;
  v1b_init(&b, 1, rows);
  pbw f = {0};
  pbw_u(&f, 1, 2);
  pbw_str(&f, 2, "blob");
  pbw_i32(&f, 4, -1);
  pbw_str(&f, 5, "large_binary");
  pbw_kv(&f, 10, "lance-encoding:blob", "true", 4);
  pbw_u(&f, 7, 2);
  pbw_msg(&b.fields, 1, &f);
  b.nids = 1;
  v1b_field(&b, "r", 1, -1, "int32", 1, 4, 0, -1);
  v1b_strings(&b, 0, 0, one, 1);
  v1b_plain(&b, 1, 0, "\1\0\0\0", 1, 4);
  v1b_finish(&b);
  opened o;
  open_ok(&b, &o);
  expect_err(read_rows(&o, 0, 0, 1), &o, LF_UNSUPPORTED, "blob field 'blob' in a legacy (v1) file");
  expect_err(read_rows(&o, 1, 0, 1), &o, LF_UNSUPPORTED, "RLE encoding");
  closed(&o);
  v1b_free(&b);
  pbw_free(&f);
}

/* ---- Corrupt containers ------------------------------------------------------- */

static void expect_open(const v1b *b, int code, const char *needle) {
  opened o;
  int rc = v1b_open(b, &o);
  if (rc == LF_OK) fail_msg("opened, expected '%s'", needle);
  assert_null(o.f);
  expect_err(rc, &o, code, needle);
  closed(&o);
}

static void test_corrupt_container(void **state) {
  (void)state;
  v1b b;
  build_plain(&b);
  uint64_t n = b.f.n;
  poke(&b, n - 16, n - 15, 8); /* metadata inside the footer */
  expect_open(&b, LF_CORRUPT, "metadata position");
  poke(&b, n - 16, b.meta_pos, 8);
  poke(&b, b.meta_pos, 1000, 4); /* metadata longer than the file */
  expect_open(&b, LF_CORRUPT, "outside the file");
  poke(&b, b.meta_pos, 4, 4); /* cut inside field 2 */
  expect_open(&b, LF_CORRUPT, "metadata");
  v1b_free(&b);

  const uint8_t small[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 'L', 'A', 'N', 'C'};
  v1b t = {0};
  pbw_raw(&t.f, small, 16); /* metadata at 0: the footer's zero bytes, an empty message */
  expect_open(&t, LF_UNSUPPORTED, "without its own schema");
  t.f.p[0] = 1;
  expect_open(&t, LF_CORRUPT, "metadata position 1 is outside");
  t.f.n = 15;
  memmove(t.f.p, t.f.p + 1, 15);
  expect_open(&t, LF_CORRUPT, "too small for a Lance footer");
  pbw_free(&t.f);

  build_plain(&b);
  b.batch[1] = 6; /* batch offsets 0, 6, 5 */
  v1b_refinish(&b);
  expect_open(&b, LF_CORRUPT, "batch offset 2 (5) is out of order");
  b.batch[1] = 3;
  b.batch[0] = 1;
  v1b_refinish(&b);
  expect_open(&b, LF_CORRUPT, "batch offset 0 (1) is out of order");
  v1b_free(&b);

  build_plain(&b);
  b.no_manifest = 1;
  v1b_refinish(&b);
  expect_open(&b, LF_UNSUPPORTED, "without its own schema");
  b.no_manifest = 0;
  b.bad_pt_pos = 1u << 20;
  v1b_refinish(&b);
  expect_open(&b, LF_CORRUPT, "page table");
  v1b_free(&b);

  build_plain(&b); /* a schema that does not parse */
  b.f.n = b.pt_pos;
  pbw_free(&b.fields);
  v1b_field(&b, "x", 0, 7, "int32", 1, 1, 0, -1);
  v1b_finish(&b);
  expect_open(&b, LF_CORRUPT, "parent id 7 not found");
  v1b_free(&b);
}

static void test_page_outside_file(void **state) {
  (void)state;
  v1b b;
  build_plain(&b);
  opened o;
  b.pt[0][1][0] = 1u << 30; /* x, batch 1 */
  v1b_refinish(&b);
  open_ok(&b, &o);
  assert_int_equal(read_rows(&o, 0, 0, 3), LF_OK);
  expect_err(read_rows(&o, 0, 0, 5), &o, LF_CORRUPT, "outside the file");
  expect_err(read_rows(&o, 0, 0, 5), &o, LF_CORRUPT, "batch 1");
  closed(&o);
  v1b_free(&b);
  build_plain(&b);
  b.pt[2][0][1] = 2; /* v, batch 0: a page of 2 values for 3 rows */
  v1b_refinish(&b);
  open_ok(&b, &o);
  expect_err(read_rows(&o, 2, 0, 3), &o, LF_CORRUPT, "outside a page of 2 values");
  const uint8_t *p;
  uint64_t w, n;
  expect_err(lf_file_view(o.f, 2, 0, 3, &p, &w, &n, &o.err), &o, LF_CORRUPT,
             "does not hold the batch's 3 rows");
  closed(&o);
  v1b_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_pages),
      cmocka_unit_test(test_take_and_view),
      cmocka_unit_test(test_varbinary),
      cmocka_unit_test(test_dictionary),
      cmocka_unit_test(test_dictionary_bad_keys),
      cmocka_unit_test(test_null_column),
      cmocka_unit_test(test_lists_structs),
      cmocka_unit_test(test_list_positions_corrupt),
      cmocka_unit_test(test_unsupported_fields),
      cmocka_unit_test(test_corrupt_container),
      cmocka_unit_test(test_page_outside_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
