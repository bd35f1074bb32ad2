/* test_writer.c: the data file writer (format/writer.c, format/write_page.c):
** random batches of every type written with lf_writer, read back with
** lf_file_open / lf_file_read_range / lf_file_take and compared value by
** value; page layouts checked by what the pages hold; error cases. */
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

/* ---- schemas ------------------------------------------------------------ */

typedef struct fdef {
  const char *name;
  int id, parent;
  const char *lt;
  int nullable;
} fdef;

/* Parse a schema from field definitions (pre-order, ids set). */
static void make_schema(lf_schema *s, const fdef *d, int n) {
  lf_buf b = {0};
  for (int i = 0; i < n; i++) {
    size_t m = lf_pbw_begin(&b);
    lf_pbw_bytes(&b, 2, d[i].name, strlen(d[i].name));
    lf_pbw_uint_nz(&b, 3, (uint64_t)d[i].id);
    lf_pbw_sint32(&b, 4, d[i].parent);
    lf_pbw_str(&b, 5, d[i].lt);
    lf_pbw_uint_nz(&b, 6, (uint64_t)d[i].nullable);
    lf_pbw_end(&b, 1, m);
  }
  memset(s, 0, sizeof *s);
  lf_error err = {0};
  assert_int_equal(b.rc, 0);
  if (lf_schema_parse_fields(s, b.p, b.len, &err)) fail_msg("schema: %s", err.msg);
  lf_buf_reset(&b);
}

/* ---- random arrays ---------------------------------------------------------- */

typedef struct gen {
  uint64_t x;
  int null_pct, empty_pct, max_len, max_items;
} gen;

static uint64_t rnd(gen *g) {
  g->x ^= g->x << 13;
  g->x ^= g->x >> 7;
  g->x ^= g->x << 17;
  return g->x;
}

static void gen_valid(gen *g, lf_array *a, uint64_t n) {
  if (!a->field->nullable || !g->null_pct) return;
  assert_int_equal(lf_array_alloc_valid(a, n), 0);
  for (uint64_t i = 0; i < n; i++) {
    a->valid[i] = (int)(rnd(g) % 100) >= g->null_pct;
    a->null_count += !a->valid[i];
  }
}

static void gen_array(gen *g, lf_array *a, uint64_t n);

static void gen_fixed(gen *g, lf_array *a, uint64_t n, int w) {
  assert_int_equal(lf_array_alloc_values(a, n * (uint64_t)w + 1), 0);
  for (uint64_t i = 0; i < n * (uint64_t)w; i++) a->values[i] = (uint8_t)rnd(g);
  if (a->field->type == LF_T_BOOL)
    for (uint64_t i = 0; i < n; i++) a->values[i] &= 1;
  if (a->field->type == LF_T_INT32 && (rnd(g) & 1)) /* small ints too */
    for (uint64_t i = 0; i < n; i++) memset(a->values + 4 * i + 1, 0, 3);
}

static void gen_offsets(gen *g, lf_array *a, uint64_t n, int maxlen, uint64_t *total) {
  assert_int_equal(lf_array_alloc_offsets(a, n + 1), 0);
  a->offsets[0] = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t len = maxlen ? rnd(g) % (uint64_t)(maxlen + 1) : 0;
    if ((int)(rnd(g) % 100) < g->empty_pct) len = 0;
    a->offsets[i + 1] = a->offsets[i] + len;
  }
  *total = a->offsets[n];
}

static void gen_array(gen *g, lf_array *a, uint64_t n) {
  const lf_field *f = a->field;
  a->length = n;
  gen_valid(g, a, n);
  uint64_t total;
  switch (f->type) {
    case LF_T_STRUCT:
      for (int i = 0; i < a->n_children; i++) gen_array(g, &a->children[i], n);
      break;
    case LF_T_LIST: case LF_T_LARGE_LIST:
      gen_offsets(g, a, n, g->max_items, &total);
      for (uint64_t i = 0; i < n; i++) /* null lists are empty */
        if (a->valid && !a->valid[i]) a->offsets[i + 1] = a->offsets[i];
      for (uint64_t i = 1; i <= n; i++)
        if (a->offsets[i] < a->offsets[i - 1]) a->offsets[i] = a->offsets[i - 1];
      gen_array(g, &a->children[0], a->offsets[n]);
      break;
    case LF_T_FIXED_LIST:
      a->children[0].length = n * (uint64_t)f->fixed_size;
      gen_fixed(g, &a->children[0], n * (uint64_t)f->fixed_size, lf_type_width(f->children[0]));
      break;
    default:
      if (lf_type_is_varwidth(f->type)) {
        gen_offsets(g, a, n, g->max_len, &total);
        assert_int_equal(lf_array_alloc_data(a, total + 1), 0);
        for (uint64_t i = 0; i < total; i++) a->data[i] = (uint8_t)('a' + rnd(g) % 26);
        a->data_len = total;
      } else {
        gen_fixed(g, a, n, lf_type_width(f));
      }
  }
}

/* ---- comparing ----------------------------------------------------------------- */

static int isnull(const lf_array *a, uint64_t i) { return a->valid && !a->valid[i]; }

/* Row ai of a equals row bi of b (field f); fails with the field's name. */
static void row_eq(const lf_field *f, const lf_array *a, uint64_t ai, const lf_array *b,
                   uint64_t bi, uint64_t row) {
  if (isnull(a, ai) != isnull(b, bi))
    fail_msg("field '%s' row %llu: null %d vs %d", f->name, (unsigned long long)row,
             isnull(a, ai), isnull(b, bi));
  if (isnull(a, ai)) return;
  if (f->type == LF_T_STRUCT) {
    for (int k = 0; k < f->n_children; k++)
      row_eq(f->children[k], &a->children[k], ai, &b->children[k], bi, row);
  } else if (f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST) {
    uint64_t na = a->offsets[ai + 1] - a->offsets[ai], nb = b->offsets[bi + 1] - b->offsets[bi];
    if (na != nb) fail_msg("field '%s' row %llu: %llu vs %llu items", f->name,
                           (unsigned long long)row, (unsigned long long)na, (unsigned long long)nb);
    for (uint64_t k = 0; k < na; k++)
      row_eq(f->children[0], &a->children[0], a->offsets[ai] + k, &b->children[0],
             b->offsets[bi] + k, row);
  } else if (f->type == LF_T_FIXED_LIST) {
    uint64_t w = (uint64_t)lf_type_width(f->children[0]) * (uint64_t)f->fixed_size;
    if (memcmp(a->children[0].values + ai * w, b->children[0].values + bi * w, w))
      fail_msg("field '%s' row %llu: vectors differ", f->name, (unsigned long long)row);
  } else if (lf_type_is_varwidth(f->type)) {
    uint64_t la = a->offsets[ai + 1] - a->offsets[ai], lb = b->offsets[bi + 1] - b->offsets[bi];
    if (la != lb || memcmp(a->data + a->offsets[ai], b->data + b->offsets[bi], la))
      fail_msg("field '%s' row %llu: bytes differ (%llu vs %llu)", f->name,
               (unsigned long long)row, (unsigned long long)la, (unsigned long long)lb);
  } else {
    int w = lf_type_width(f);
    if (memcmp(a->values + ai * (uint64_t)w, b->values + bi * (uint64_t)w, (size_t)w))
      fail_msg("field '%s' row %llu: values differ", f->name, (unsigned long long)row);
  }
}

/* ---- a file round trip ------------------------------------------------------------ */

typedef struct fixture {
  char dir[64];
  lf_store *st;
} fixture;

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  strcpy(fx->dir, "/tmp/lf_writer_XXXXXX");
  if (!mkdtemp(fx->dir)) return -1;
  lf_error err = {0};
  if (lf_store_local_new(fx->dir, &fx->st, &err)) return -1;
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
  if (system(cmd)) return -1;
  lf_store_free(fx->st);
  free(fx);
  return 0;
}

/* Fresh random arrays for every top-level field of s, n rows each. */
static void gen_batch(gen *g, const lf_schema *s, lf_array *in, uint64_t n) {
  for (int i = 0; i < s->n_fields; i++) {
    lf_array_reset(&in[i]);
    lf_array_init(&in[i], s->fields[i]);
    gen_array(g, &in[i], n);
  }
}

typedef struct rt {
  int minor;
  uint64_t rows, batch;
  size_t page_bytes;
  int worker;                /* write through lf_writer_start_worker / _submit */
  gen g;
  lf_data_file df;
  char name[64];
} rt;

/* Write `rows` random rows of schema s in batches, read them back whole and
** by take, compare.  Leaves the DataFile in t->df. */
static void round_trip(fixture *fx, const lf_schema *s, rt *t) {
  lf_error err = {0};
  lf_writer *w;
  lf_data_file_name(t->name, sizeof t->name);
  if (lf_writer_open(fx->st, "", t->name, s, 2, t->minor, &w, &err)) fail_msg("%s", err.msg);
  if (t->page_bytes) lf_writer_set_page_bytes(w, t->page_bytes);
  if (t->worker && lf_writer_start_worker(w, &err)) fail_msg("worker: %s", err.msg);
  int nf = s->n_fields;
  lf_array *in = calloc((size_t)nf * 2 + 1, sizeof *in), *out = in + nf;
  gen g0 = t->g;
  uint64_t batch = t->batch ? t->batch : t->rows ? t->rows : 1;
  for (uint64_t done = 0; done < t->rows; done += batch) {
    uint64_t n = t->rows - done < batch ? t->rows - done : batch;
    gen_batch(&t->g, s, in, n);
    if (t->worker ? lf_writer_submit(w, in, n, &err) : lf_writer_write(w, in, n, &err))
      fail_msg("write: %s", err.msg);
  }
  if (!t->worker) assert_int_equal(lf_writer_rows(w), t->rows);
  memset(&t->df, 0, sizeof t->df);
  if (lf_writer_finish(w, &t->df, &err)) fail_msg("finish: %s", err.msg);
  char path[128];
  snprintf(path, sizeof path, "data/%s", t->name);
  lf_file *f;
  if (lf_file_open(fx->st, path, &f, &err)) fail_msg("open: %s", err.msg);
  assert_int_equal(lf_file_num_rows(f), t->rows);
  int ma, mi;
  lf_file_version(f, &ma, &mi);
  assert_int_equal(ma, 2);
  assert_int_equal(mi, t->minor);
  assert_int_equal(t->df.size_bytes, f->size);
  assert_string_equal(t->df.path, t->name);
  /* regenerate the same batches and compare each with the file's rows */
  t->g = g0;
  uint64_t *rows = malloc(sizeof *rows * (batch + 1));
  for (uint64_t done = 0; done < t->rows; done += batch) {
    uint64_t n = t->rows - done < batch ? t->rows - done : batch;
    gen_batch(&t->g, s, in, n);
    for (int i = 0; i < nf; i++) {
      lf_array_reset(&out[i]);
      lf_array_init(&out[i], lf_file_schema(f)->fields[i]);
      if (lf_file_read_range(f, i, done, done + n, &out[i], &err)) fail_msg("read: %s", err.msg);
      for (uint64_t r = 0; r < n; r++) row_eq(s->fields[i], &in[i], r, &out[i], r, done + r);
      size_t k = 0; /* take every 7th row and a duplicate */
      for (uint64_t r = 0; r < n; r += 7) rows[k++] = done + r;
      if (k) rows[k] = rows[k - 1], k++;
      if (lf_file_take(f, i, rows, k, &out[i], &err)) fail_msg("take: %s", err.msg);
      for (size_t r = 0; r < k; r++) row_eq(s->fields[i], &in[i], rows[r] - done, &out[i], r, rows[r]);
    }
  }
  free(rows);
  for (int i = 0; i < 2 * nf; i++) lf_array_reset(&in[i]);
  free(in);
  lf_file_free(f);
}

/* Count the pages of each layout (PageLayout field) in column c. */
static int count_layout(fixture *fx, const char *name, int c, int layout, int *npages) {
  char path[128];
  snprintf(path, sizeof path, "data/%s", name);
  lf_file *f;
  lf_error err = {0};
  if (lf_file_open(fx->st, path, &f, &err)) fail_msg("open: %s", err.msg);
  int n = 0;
  for (int p = 0; p < f->cols[c].npages; p++)
    n += f->cols[c].pages[p].enc_len && (f->cols[c].pages[p].enc[0] >> 3) == layout;
  if (npages) *npages = f->cols[c].npages;
  lf_file_free(f);
  return n;
}

/* ---- tests ----------------------------------------------------------------------------- */

static const fdef prim_fields[] = {
    {"i8", 0, -1, "int8", 1}, {"u8", 1, -1, "uint8", 0}, {"i16", 2, -1, "int16", 1},
    {"u16", 3, -1, "uint16", 1}, {"i32", 4, -1, "int32", 1}, {"u32", 5, -1, "uint32", 0},
    {"i64", 6, -1, "int64", 1}, {"u64", 7, -1, "uint64", 1}, {"b", 8, -1, "bool", 1},
    {"bn", 9, -1, "bool", 0}, {"f16", 10, -1, "halffloat", 1}, {"f32", 11, -1, "float", 1},
    {"f64", 12, -1, "double", 0}, {"d32", 13, -1, "date32:day", 1},
    {"ts_s", 14, -1, "timestamp:s:-", 1}, {"ts_ms", 15, -1, "timestamp:ms:UTC", 1},
    {"ts_us", 16, -1, "timestamp:us:+05:30", 1}, {"ts_ns", 17, -1, "timestamp:ns:-", 0},
    {"dec", 18, -1, "decimal:128:20:3", 1}, {"s", 19, -1, "string", 1},
    {"ls", 20, -1, "large_string", 0}, {"bin", 21, -1, "binary", 1},
    {"lbin", 22, -1, "large_binary", 1},
};

static void test_primitives(void **state) {
  lf_schema s;
  make_schema(&s, prim_fields, (int)(sizeof prim_fields / sizeof *prim_fields));
  for (int minor = 1; minor <= 2; minor++) {
    rt t = {.minor = minor, .rows = 5000, .batch = 1700, .g = {88172645463325252u, 20, 5, 40, 4}};
    round_trip(*state, &s, &t);
    assert_int_equal(t.df.n_fields, 23);
    for (int i = 0; i < 23; i++) {
      assert_int_equal(t.df.fields[i], i);
      assert_int_equal(t.df.column_indices[i], i);
    }
    assert_int_equal(t.df.major, 2);
    assert_int_equal(t.df.minor, minor);
    assert_int_equal(count_layout(*state, t.name, 4, 1, NULL), 1); /* i32: mini-block */
    lf_data_file_reset(&t.df);
  }
  lf_schema_reset(&s);
}

static const fdef vec_fields[] = {
    {"v4", 0, -1, "fixed_size_list:float:4", 1}, {"v128", 1, -1, "fixed_size_list:float:128", 1},
    {"h8", 2, -1, "fixed_size_list:halffloat:8", 0}, {"d32", 3, -1, "fixed_size_list:double:32", 1},
    {"i8", 4, -1, "fixed_size_list:int8:16", 1}, {"u8", 5, -1, "fixed_size_list:uint8:300", 0},
    {"long", 6, -1, "string", 1}, {"llong", 7, -1, "large_binary", 1},
};

static void test_vectors_and_long_values(void **state) {
  lf_schema s;
  make_schema(&s, vec_fields, 8);
  for (int minor = 1; minor <= 2; minor++) {
    rt t = {.minor = minor, .rows = 700, .batch = 300, .g = {7, 10, 5, 600, 4}};
    round_trip(*state, &s, &t);
    assert_int_equal(count_layout(*state, t.name, 0, 1, NULL), 1); /* v4: mini-block */
    assert_int_equal(count_layout(*state, t.name, 1, 3, NULL), 1); /* v128: full-zip */
    assert_int_equal(count_layout(*state, t.name, 3, 3, NULL), 1); /* 256 bytes: full-zip */
    assert_int_equal(count_layout(*state, t.name, 4, 1, NULL), 1);
    assert_int_equal(count_layout(*state, t.name, 6, 3, NULL), 1); /* long strings */
    assert_int_equal(count_layout(*state, t.name, 7, 3, NULL), 1);
    lf_data_file_reset(&t.df);
  }
  lf_schema_reset(&s);
}

/* st{a, b{c, d: list<int64>}}, pt{x, y}, id, lists of strings, structs and lists. */
static const fdef nest_fields[] = {
    {"st", 0, -1, "struct", 1}, {"a", 1, 0, "int32", 1}, {"b", 2, 0, "struct", 1},
    {"c", 3, 2, "string", 1}, {"d", 4, 2, "list", 1}, {"item", 5, 4, "int64", 1},
    {"pt", 6, -1, "struct", 0}, {"x", 7, 6, "double", 0}, {"y", 8, 6, "double", 1},
    {"id", 9, -1, "int64", 0},
    {"ls", 10, -1, "list", 1}, {"item", 11, 10, "string", 1},
    {"lst", 12, -1, "large_list.struct", 1}, {"item", 13, 12, "struct", 1},
    {"p", 14, 13, "int16", 1}, {"q", 15, 13, "large_string", 0},
    {"ll", 16, -1, "list", 1}, {"item", 17, 16, "list", 1}, {"item", 18, 17, "float", 1},
    {"lv", 19, -1, "list", 0}, {"item", 20, 19, "fixed_size_list:float:64", 1},
    {"lb", 21, -1, "list", 1}, {"item", 22, 21, "bool", 0},
};

static void test_nested(void **state) {
  lf_schema s;
  make_schema(&s, nest_fields, (int)(sizeof nest_fields / sizeof *nest_fields));
  static const int32_t leaves[] = {1, 3, 5, 7, 8, 9, 11, 14, 15, 18, 20, 22};
  for (int minor = 1; minor <= 2; minor++) {
    rt t = {.minor = minor, .rows = 3000, .batch = 1000, .g = {12345, 15, 20, 12, 5}};
    round_trip(*state, &s, &t);
    assert_int_equal(t.df.n_fields, 12);
    for (int i = 0; i < 12; i++) {
      assert_int_equal(t.df.fields[i], leaves[i]);
      assert_int_equal(t.df.column_indices[i], i);
    }
    assert_int_equal(count_layout(*state, t.name, 10, 3, NULL), 1); /* lv: full-zip with rep */
    lf_data_file_reset(&t.df);
  }
  lf_schema_reset(&s);
}

/* Null and empty lists only, all-null columns: no values at all. */
static void test_all_null_and_empty(void **state) {
  static const fdef f[] = {
      {"n", 0, -1, "int32", 1}, {"l", 1, -1, "list", 1}, {"item", 2, 1, "int64", 1},
      {"st", 3, -1, "struct", 1}, {"z", 4, 3, "string", 1}};
  lf_schema s;
  make_schema(&s, f, 5);
  for (int minor = 1; minor <= 2; minor++) {
    /* null_pct 100: every row null; then empties only (lists of 0 items) */
    rt t = {.minor = minor, .rows = 1000, .batch = 400, .g = {99, 100, 0, 5, 3}};
    round_trip(*state, &s, &t);
    for (int c = 0; c < 3; c++) assert_int_equal(count_layout(*state, t.name, c, 2, NULL), 1);
    lf_data_file_reset(&t.df);
    rt e = {.minor = minor, .rows = 1000, .g = {5, 0, 100, 5, 0}};
    round_trip(*state, &s, &e);
    assert_int_equal(count_layout(*state, e.name, 1, 2, NULL), 1);
    lf_data_file_reset(&e.df);
  }
  lf_schema_reset(&s);
}

static void test_zero_rows(void **state) {
  lf_schema s;
  make_schema(&s, nest_fields, 10);
  for (int minor = 1; minor <= 2; minor++) {
    rt t = {.minor = minor, .rows = 0, .g = {1, 10, 10, 5, 3}};
    round_trip(*state, &s, &t);
    assert_int_equal(t.df.n_fields, 6);
    int np = -1;
    count_layout(*state, t.name, 0, 1, &np);
    assert_int_equal(np, 0);
    lf_data_file_reset(&t.df);
  }
  lf_schema_reset(&s);
}

/* Global buffers added before and between rows (as an index file's IVF model
** and codebook): the footer lists them after the schema's, the reader hands
** them back byte for byte, and the rows still read back. */
static void test_global_buffers(void **state) {
  fixture *fx = *state;
  lf_schema s;
  lf_error err = {0};
  assert_int_equal(lf_schema_from_ddl("a UINT64", &s, &err), 0);
  lf_writer *w;
  if (lf_writer_open(fx->st, "", "gb.lance", &s, 2, 2, &w, &err)) fail_msg("%s", err.msg);
  uint8_t b1[3] = {1, 2, 3}, b2[200];
  for (int i = 0; i < 200; i++) b2[i] = (uint8_t)(i * 7);
  uint32_t i1, i2;
  assert_int_equal(lf_writer_add_buffer(w, b1, sizeof b1, &i1, &err), 0);
  uint64_t v[5] = {9, 8, 7, 6, 5};
  lf_array a;
  memset(&a, 0, sizeof a);
  a.field = s.fields[0], a.length = 5, a.values = (uint8_t *)v;
  assert_int_equal(lf_writer_write(w, &a, 5, &err), 0);
  assert_int_equal(lf_writer_add_buffer(w, b2, sizeof b2, &i2, &err), 0);
  assert_int_equal(i1, 1);
  assert_int_equal(i2, 2);
  lf_data_file df = {0};
  if (lf_writer_finish(w, &df, &err)) fail_msg("%s", err.msg);
  lf_file *f;
  if (lf_file_open(fx->st, "data/gb.lance", &f, &err)) fail_msg("%s", err.msg);
  assert_int_equal(lf_file_num_global_buffers(f), 3);
  uint8_t *got;
  uint64_t n;
  assert_int_equal(lf_file_global_buffer(f, 1, &got, &n, &err), 0);
  assert_int_equal(n, sizeof b1);
  assert_memory_equal(got, b1, sizeof b1);
  free(got);
  assert_int_equal(lf_file_global_buffer(f, 2, &got, &n, &err), 0);
  assert_int_equal(n, sizeof b2);
  assert_memory_equal(got, b2, sizeof b2);
  free(got);
  lf_array out;
  lf_array_init(&out, lf_file_schema(f)->fields[0]);
  assert_int_equal(lf_file_read_range(f, 0, 0, 5, &out, &err), 0);
  assert_memory_equal(out.values, v, sizeof v);
  lf_array_reset(&out);
  lf_file_free(f);
  lf_data_file_reset(&df);
  lf_schema_reset(&s);
}

/* 300k rows in small pages: many pages per column, read back across them. */
static void test_many_pages(void **state) {
  static const fdef f[] = {{"i", 0, -1, "int32", 1}, {"l", 1, -1, "list", 1},
                           {"item", 2, 1, "int64", 1}, {"s", 3, -1, "string", 0},
                           {"v", 4, -1, "fixed_size_list:float:96", 1}};
  lf_schema s;
  make_schema(&s, f, 5);
  for (int minor = 1; minor <= 2; minor++) {
    rt t = {.minor = minor, .rows = 300000, .batch = 65536, .page_bytes = 256 << 10,
            .g = {4242, 5, 10, 20, 4}};
    round_trip(*state, &s, &t);
    for (int c = 0; c < 4; c++) {
      int np = 0;
      count_layout(*state, t.name, c, 1, &np);
      if (np < 3) fail_msg("column %d has %d pages", c, np);
    }
    lf_data_file_reset(&t.df);
  }
  lf_schema_reset(&s);
}

/* The whole file at data/name, *len bytes (malloc'd). */
static uint8_t *file_bytes(fixture *fx, const char *name, uint64_t *len) {
  char path[128];
  snprintf(path, sizeof path, "data/%s", name);
  lf_error err = {0};
  if (fx->st->size(fx->st, path, len, &err)) fail_msg("size: %s", err.msg);
  uint8_t *b = malloc(*len + 1);
  if (fx->st->read(fx->st, path, 0, *len, b, &err)) fail_msg("read: %s", err.msg);
  return b;
}

/* Batches handed to the worker thread (write_async.c) make the same file,
** byte for byte, as lf_writer_write: nulls, lists, strings, vectors, pages
** cut inside batches, batches of odd sizes. */
static void test_worker_same_bytes(void **state) {
  static const fdef f[] = {{"i", 0, -1, "int64", 0}, {"l", 1, -1, "list", 1},
                           {"item", 2, 1, "int32", 1}, {"s", 3, -1, "string", 1},
                           {"v", 4, -1, "fixed_size_list:float:96", 1}, {"b", 5, -1, "bool", 1}};
  lf_schema s;
  make_schema(&s, f, 6);
  for (int minor = 1; minor <= 2; minor++) {
    rt a = {.minor = minor, .rows = 60000, .batch = 7001, .page_bytes = 128 << 10,
            .g = {777, 4, 10, 30, 4}};
    rt b = a;
    b.worker = 1;
    round_trip(*state, &s, &a);
    round_trip(*state, &s, &b);
    uint64_t na, nb;
    uint8_t *pa = file_bytes(*state, a.name, &na), *pb = file_bytes(*state, b.name, &nb);
    assert_int_equal(na, nb);
    assert_int_equal(a.df.size_bytes, b.df.size_bytes);
    assert_memory_equal(pa, pb, na);
    free(pa);
    free(pb);
    lf_data_file_reset(&a.df);
    lf_data_file_reset(&b.df);
  }
  lf_schema_reset(&s);
}

/* A store whose data files fail to write past `limit` bytes (disk full). */
static lf_store *fail_real;
static uint64_t fail_limit;
typedef struct failwf {
  lf_wfile base;
  lf_wfile *in;
} failwf;

static int failwf_write(lf_wfile *w, const void *d, size_t n, lf_error *err) {
  failwf *f = (failwf *)w;
  if (f->in->written + n > fail_limit) return lf_err(err, LF_IO, "test: disk full");
  int rc = f->in->write(f->in, d, n, err);
  w->written = f->in->written;
  return rc;
}
static int failwf_finish(lf_wfile *w, lf_error *err) {
  failwf *f = (failwf *)w;
  int rc = f->in->finish(f->in, err);
  free(f);
  return rc;
}
static void failwf_abort(lf_wfile *w) {
  failwf *f = (failwf *)w;
  f->in->abort(f->in);
  free(f);
}
static int fail_create(lf_store *s, const char *path, lf_wfile **out, lf_error *err) {
  (void)s;
  failwf *f = calloc(1, sizeof *f);
  int rc = fail_real->create(fail_real, path, &f->in, err);
  if (rc) return free(f), rc;
  f->base.write = failwf_write;
  f->base.finish = failwf_finish;
  f->base.abort = failwf_abort;
  *out = &f->base;
  return LF_OK;
}

/* An I/O error on the worker comes back from a later lf_writer_submit or
** from lf_writer_finish, and no file is left; lf_writer_abort with batches
** queued leaves none either; a batch that does not fit is refused at once. */
static void test_worker_errors(void **state) {
  fixture *fx = *state;
  static const fdef f[] = {{"i", 0, -1, "int64", 0}, {"v", 1, -1, "fixed_size_list:float:256", 1}};
  lf_schema s;
  make_schema(&s, f, 2);
  lf_store fs = *fx->st;
  fs.create = fail_create;
  fail_real = fx->st;
  lf_array in[2] = {{0}};
  gen g = {99, 0, 0, 0, 0};
  for (int k = 0; k < 3; k++) {
    fail_limit = k == 2 ? (uint64_t)-1 : k == 0 ? 100000 : 3000000; /* fails mid-file; at the end */
    lf_error err = {0};
    lf_writer *w;
    char name[64], path[128];
    lf_data_file_name(name, sizeof name);
    snprintf(path, sizeof path, "data/%s", name);
    assert_int_equal(lf_writer_open(&fs, "", name, &s, 2, 2, &w, &err), LF_OK);
    lf_writer_set_page_bytes(w, 64 << 10);
    assert_int_equal(lf_writer_start_worker(w, &err), LF_OK);
    int rc = LF_OK;
    for (int b = 0; b < 8 && !rc; b++) {
      gen_batch(&g, &s, in, 500);
      if (b == 1) { /* a null in the non-nullable column: refused, nothing queued */
        assert_int_equal(lf_array_alloc_valid(&in[0], 500), 0);
        memset(in[0].valid, 1, 500);
        in[0].valid[7] = 0;
        in[0].null_count = 1;
        assert_int_equal(lf_writer_submit(w, in, 500, &err), LF_ARG);
        continue;
      }
      rc = lf_writer_submit(w, in, 500, &err);
    }
    uint64_t size;
    if (k == 2) { /* abort with batches in flight */
      assert_int_equal(rc, LF_OK);
      lf_writer_abort(w);
    } else {
      lf_data_file df = {0};
      if (!rc) rc = lf_writer_finish(w, &df, &err);
      else lf_writer_abort(w);
      assert_int_equal(rc, LF_IO);
      assert_non_null(strstr(err.msg, "disk full"));
    }
    assert_int_equal(fx->st->size(fx->st, path, &size, &err), LF_NOTFOUND);
  }
  for (int i = 0; i < 2; i++) lf_array_reset(&in[i]);
  lf_schema_reset(&s);
}

/* Lists of many empties between values: chunks hold the levels up to their
** last value; a page whose levels cannot fit a chunk goes full-zip. */
static void test_sparse_lists(void **state) {
  static const fdef f[] = {{"l", 0, -1, "list", 1}, {"item", 1, 0, "int32", 1}};
  lf_schema s;
  make_schema(&s, f, 2);
  for (int minor = 1; minor <= 2; minor++) {
    rt t = {.minor = minor, .rows = 200000, .batch = 100000, .g = {77, 30, 99, 0, 3}};
    round_trip(*state, &s, &t);
    lf_data_file_reset(&t.df);
  }
  lf_schema_reset(&s);
}

/* Runs of 20000 empty lists between values: no chunk can hold the levels
** before a value, so the page goes full-zip (booleans a byte each). */
static void test_empty_runs_fullzip(void **state) {
  fixture *fx = *state;
  static const fdef f[] = {{"l", 0, -1, "list", 0}, {"item", 1, 0, "int32", 0},
                           {"b", 2, -1, "list", 0}, {"item", 3, 2, "bool", 0}};
  lf_schema s;
  make_schema(&s, f, 4);
  lf_error err = {0};
  for (int minor = 1; minor <= 2; minor++) {
    uint64_t n = 120000; /* runs of 40000 empty lists: more levels than a chunk holds */
    lf_array in[2], out;
    for (int c = 0; c < 2; c++) {
      lf_array_init(&in[c], s.fields[c]);
      assert_int_equal(lf_array_alloc_offsets(&in[c], n + 1), 0);
      in[c].offsets[0] = 0;
      for (uint64_t i = 0; i < n; i++) in[c].offsets[i + 1] = in[c].offsets[i] + (i % 40000 == 39999);
      in[c].length = n;
      lf_array *it = &in[c].children[0];
      it->length = in[c].offsets[n];
      assert_int_equal(lf_array_alloc_values(it, it->length * 4), 0);
      for (uint64_t i = 0; i < it->length; i++) {
        int32_t v = c ? (int32_t)(i & 1) : (int32_t)(1000 + i);
        memcpy(it->values + (c ? i : 4 * i), &v, c ? 1 : 4);
      }
    }
    lf_writer *w;
    char name[64];
    lf_data_file_name(name, sizeof name);
    assert_int_equal(lf_writer_open(fx->st, "", name, &s, 2, minor, &w, &err), LF_OK);
    assert_int_equal(lf_writer_write(w, in, n, &err), LF_OK);
    lf_data_file df = {0};
    assert_int_equal(lf_writer_finish(w, &df, &err), LF_OK);
    assert_int_equal(count_layout(fx, name, 0, 3, NULL), 1);
    assert_int_equal(count_layout(fx, name, 1, 3, NULL), 1);
    char path[128];
    snprintf(path, sizeof path, "data/%s", name);
    lf_file *file;
    assert_int_equal(lf_file_open(fx->st, path, &file, &err), LF_OK);
    for (int c = 0; c < 2; c++) {
      lf_array_init(&out, lf_file_schema(file)->fields[c]);
      if (lf_file_read_range(file, c, 0, n, &out, &err)) fail_msg("%s", err.msg);
      for (uint64_t r = 0; r < n; r++) row_eq(s.fields[c], &in[c], r, &out, r, r);
      lf_array_reset(&out);
      lf_array_reset(&in[c]);
    }
    lf_file_free(file);
    lf_data_file_reset(&df);
  }
  lf_schema_reset(&s);
}

static void test_errors(void **state) {
  fixture *fx = *state;
  static const fdef f[] = {{"x", 0, -1, "int32", 0}, {"v", 1, -1, "fixed_size_list:float:4", 1}};
  lf_schema s;
  make_schema(&s, f, 2);
  lf_error err = {0};
  lf_writer *w = (lf_writer *)1;
  assert_int_equal(lf_writer_open(fx->st, "", "a.lance", &s, 2, 0, &w, &err), LF_UNSUPPORTED);
  assert_null(w);
  assert_non_null(strstr(err.msg, "2.0"));
  assert_int_equal(lf_writer_open(fx->st, "", "a.lance", &s, 3, 1, &w, &err), LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "3.1"));

  assert_int_equal(lf_writer_open(fx->st, "", "bad.lance", &s, 2, 2, &w, &err), LF_OK);
  lf_array in[2];
  lf_array_init(&in[0], s.fields[0]);
  lf_array_init(&in[1], s.fields[1]);
  gen g = {3, 30, 0, 0, 0};
  gen_array(&g, &in[0], 10);
  gen_array(&g, &in[1], 10);
  assert_int_equal(lf_array_alloc_valid(&in[0], 10), 0);
  memset(in[0].valid, 1, 10);
  in[0].valid[6] = 0;
  assert_int_equal(lf_writer_write(w, in, 10, &err), LF_ARG); /* null in non-nullable x */
  assert_non_null(strstr(err.msg, "row 6"));
  assert_non_null(strstr(err.msg, "'x'"));
  assert_non_null(strstr(err.msg, "bad.lance"));
  lf_array_reset(&in[0]);
  lf_array_init(&in[0], s.fields[0]);
  g.null_pct = 0;
  gen_array(&g, &in[0], 10);
  in[1].children[0].length = 39; /* one item short of 10 vectors of 4 */
  assert_int_equal(lf_writer_write(w, in, 10, &err), LF_ARG);
  assert_non_null(strstr(err.msg, "'v'"));
  in[1].children[0].length = 40;
  assert_int_equal(lf_writer_write(w, in, 10, &err), LF_OK); /* rejected batches left no rows */
  assert_int_equal(lf_writer_rows(w), 10);
  assert_true(lf_writer_bytes(w) > 0);
  lf_writer_abort(w);
  uint64_t sz;
  assert_int_equal(fx->st->size(fx->st, "data/bad.lance", &sz, &err), LF_NOTFOUND);

  char a[64], b[64];
  lf_data_file_name(a, sizeof a);
  lf_data_file_name(b, sizeof b);
  assert_int_equal(strlen(a), 56);
  assert_string_equal(a + 50, ".lance");
  assert_string_not_equal(a, b);
  lf_array_reset(&in[0]);
  lf_array_reset(&in[1]);
  lf_schema_reset(&s);
}

/* ---- encodings -------------------------------------------------------------------------- */

/* The CompressiveEncoding oneof number at field num of a mini-block page
** layout (3 values, 4 dictionary), 0 for another layout or none. */
static int layout_ce(const lf_page *pg, uint32_t num) {
  lf_pb pb, sub;
  lf_pb_field f;
  lf_error err = {0};
  lf_pb_init(&pb, pg->enc, pg->enc_len);
  if (lf_pb_next(&pb, &f, "layout", &err) != 1 || f.num != 1) return 0;
  lf_pb_sub(&sub, &f);
  while (lf_pb_next(&sub, &f, "mini-block", &err) == 1) {
    if (f.num != num) continue;
    lf_pb_sub(&pb, &f);
    return lf_pb_next(&pb, &f, "ce", &err) == 1 ? (int)f.num : 0;
  }
  return 0;
}

/* Write the one-column schema s with the n rows of in (file version
** 2.minor), read them back whole and by take, compare.  Returns the bytes
** of the column's page buffers; *ce = value compression of its first page, *dce its dictionary's. */
static uint64_t one_column(fixture *fx, const lf_schema *s, const lf_array *in, uint64_t n,
                           int minor, int *ce, int *dce) {
  lf_error err = {0};
  lf_writer *w;
  char name[64], path[128];
  lf_data_file_name(name, sizeof name);
  if (lf_writer_open(fx->st, "", name, s, 2, minor, &w, &err)) fail_msg("%s", err.msg);
  if (lf_writer_write(w, in, n, &err)) fail_msg("write: %s", err.msg);
  lf_data_file df = {0};
  if (lf_writer_finish(w, &df, &err)) fail_msg("finish: %s", err.msg);
  lf_data_file_reset(&df);
  snprintf(path, sizeof path, "data/%s", name);
  lf_file *f;
  if (lf_file_open(fx->st, path, &f, &err)) fail_msg("open: %s", err.msg);
  lf_array out;
  lf_array_init(&out, lf_file_schema(f)->fields[0]);
  if (lf_file_read_range(f, 0, 0, n, &out, &err)) fail_msg("read: %s", err.msg);
  for (uint64_t r = 0; r < n; r++) row_eq(s->fields[0], in, r, &out, r, r);
  uint64_t *rows = malloc(sizeof *rows * (n / 5 + 2)), k = 0;
  for (uint64_t r = 0; r < n; r += 5) rows[k++] = r;
  lf_array_reset(&out);
  lf_array_init(&out, lf_file_schema(f)->fields[0]);
  if (lf_file_take(f, 0, rows, k, &out, &err)) fail_msg("take: %s", err.msg);
  for (uint64_t r = 0; r < k; r++) row_eq(s->fields[0], in, rows[r], &out, r, rows[r]);
  free(rows);
  lf_array_reset(&out);
  uint64_t bytes = 0;
  const lf_column *c = &f->cols[0];
  for (int p = 0; p < c->npages; p++)
    for (int b = 0; b < c->pages[p].nbuf; b++) bytes += c->pages[p].buf_len[b];
  *ce = c->npages ? layout_ce(&c->pages[0], 3) : 0;
  if (dce) *dce = c->npages ? layout_ce(&c->pages[0], 4) : 0;
  lf_file_free(f);
  return bytes;
}

enum { CE_FLAT = 1, CE_VARIABLE = 2, CE_INLINE_BITPACK = 5, CE_FSST = 6, CE_DICT = 7,
       CE_GENERAL = 10 };

/* Integer columns: bitpacked when it saves space (smaller than flat), flat
** when it does not (full range, negatives), every width, nulls, lists. */
static void test_bitpacking(void **state) {
  static const char *types[] = {"int8", "uint16", "int32", "int64", "uint64", "date32:day",
                                "timestamp:us:-"};
  static const int widths[] = {1, 2, 4, 8, 8, 4, 8};
  enum { N = 5000 };
  for (int t = 0; t < 7; t++)
    for (int shape = 0; shape < 6; shape++) {
      fdef fd[] = {{"x", 0, -1, types[t], shape & 1}};
      lf_schema s;
      make_schema(&s, fd, 1);
      lf_array a;
      lf_array_init(&a, s.fields[0]);
      a.length = N;
      int w = widths[t];
      assert_int_equal(lf_array_alloc_values(&a, (uint64_t)N * w), 0);
      gen g = {0x9e3779b97f4a7c15u + (uint64_t)shape, 0, 0, 0, 0};
      for (uint64_t i = 0; i < N; i++) {
        uint64_t v = shape < 2 ? 7                                  /* all equal */
                     : shape < 4 ? rnd(&g) % 100                     /* small */
                     : shape == 4 ? rnd(&g)                          /* full range */
                                  : (uint64_t)(int64_t)(rnd(&g) % 7) - 3; /* negatives */
        if (shape == 3 && i % 1500 == 3) v = ~(uint64_t)0;          /* one wide chunk */
        memcpy(a.values + i * (uint64_t)w, &v, (size_t)w);
      }
      if (shape & 1) {
        assert_int_equal(lf_array_alloc_valid(&a, N), 0);
        for (uint64_t i = 0; i < N; i++) a.valid[i] = i % 3 != 0, a.null_count += i % 3 == 0;
      }
      for (int minor = 1; minor <= 2; minor++) {
        int ce;
        uint64_t bytes = one_column(*state, &s, &a, N, minor, &ce, NULL);
        int packs = shape < 4 && !(w == 1 && shape >= 2);
        if (packs) {
          assert_int_equal(ce, CE_INLINE_BITPACK);
          if (bytes >= (uint64_t)N * w * 3 / 4 + (shape & 1 ? 2 * N : 0)) /* + def levels */
            fail_msg("%s shape %d: %llu bytes", types[t], shape, (unsigned long long)bytes);
        } else if (shape >= 4) {
          assert_int_equal(ce, CE_FLAT);
        }
      }
      lf_array_reset(&a);
      lf_schema_reset(&s);
    }
}

/* Strings: value i is make(i) (NULL: a null row). */
static void fill_strings(lf_array *a, uint64_t n, const char *(*make)(uint64_t, char *)) {
  char tmp[64];
  uint64_t total = 0;
  assert_int_equal(lf_array_alloc_offsets(a, n + 1), 0);
  for (int pass = 0; pass < 2; pass++) {
    total = 0;
    for (uint64_t i = 0; i < n; i++) {
      const char *v = make(i, tmp);
      size_t len = v ? strlen(v) : 0;
      if (pass) memcpy(a->data + total, v ? v : "", len), a->offsets[i + 1] = total + len;
      if (pass && !v) a->valid[i] = 0, a->null_count++;
      total += len;
    }
    if (!pass) {
      assert_int_equal(lf_array_alloc_data(a, total + 1), 0);
      if (a->field->nullable) {
        assert_int_equal(lf_array_alloc_valid(a, n), 0);
        memset(a->valid, 1, n);
      }
    }
  }
  a->offsets[0] = 0;
  a->data_len = total;
  a->length = n;
}

static const char *s_one(uint64_t i, char *b) { (void)i, (void)b; return "the one value"; }
static const char *s_empty(uint64_t i, char *b) { (void)b; return i % 3 ? "" : "x"; }
static const char *s_few(uint64_t i, char *b) {
  if (i % 7 == 3) return NULL;
  snprintf(b, 64, "category number %llu", (unsigned long long)(i * 2654435761u % 37));
  return b;
}
static const char *s_64k(uint64_t i, char *b) {
  snprintf(b, 64, "item %05llu of the big set", (unsigned long long)(i * 40503u % 65536));
  return b;
}
static const char *s_unique(uint64_t i, char *b) {
  snprintf(b, 64, "unique value %llu", (unsigned long long)i * 7919);
  return b;
}

static const char *s_words(uint64_t i, char *b) {
  static const char *const w[] = {"lance ", "format ", "sqlite ", "column ", "page "};
  if (i % 11 == 5) return NULL;
  snprintf(b, 64, "%s%s%llu %s", w[i % 5], w[i / 5 % 5], (unsigned long long)i, w[i / 25 % 5]);
  return b;
}
static const char *s_random(uint64_t i, char *b) {
  uint64_t x = i * 0x9e3779b97f4a7c15u + 1;
  for (int k = 0; k < 20; k++) x ^= x << 13, x ^= x >> 7, x ^= x << 17, b[k] = (char)(1 + x % 255);
  b[20] = 0;
  return b;
}
static const char *s_short(uint64_t i, char *b) {
  snprintf(b, 64, "%llu", (unsigned long long)(i % 10000)); /* at most 4 bytes */
  return b;
}

typedef struct scase {
  const char *(*make)(uint64_t, char *);
  const char *type;
  int nullable;
  uint64_t n;
  int ce, dce; /* value and dictionary encodings; dce -1: General in 2.2, else Variable */
} scase;

/* Write each case in 2.1 and 2.2, check its encodings and that an encoded
** page is well under the raw size. */
static void string_cases(fixture *fx, const scase *cases, size_t nc) {
  for (size_t k = 0; k < nc; k++) {
    fdef fd[] = {{"s", 0, -1, cases[k].type, cases[k].nullable}};
    lf_schema s;
    make_schema(&s, fd, 1);
    lf_array a;
    lf_array_init(&a, s.fields[0]);
    fill_strings(&a, cases[k].n, cases[k].make);
    for (int minor = 1; minor <= 2; minor++) {
      int ce, dce, want = cases[k].dce < 0 ? (minor == 2 ? CE_GENERAL : CE_VARIABLE) : cases[k].dce;
      uint64_t bytes = one_column(fx, &s, &a, cases[k].n, minor, &ce, &dce);
      if (ce != cases[k].ce || dce != want)
        fail_msg("case %zu (2.%d): value encoding %d, dictionary %d", k, minor, ce, dce);
      if (ce != CE_VARIABLE && bytes * 3 > (a.data_len + 4 * cases[k].n) * 2)
        fail_msg("case %zu: %llu bytes for %llu", k, (unsigned long long)bytes,
                 (unsigned long long)a.data_len);
    }
    lf_array_reset(&a);
    lf_schema_reset(&s);
  }
}

/* Low-cardinality strings are dictionary-encoded (bitpacked indices;
** items LZ4 in 2.2 when large), others are not. */
static void test_dictionary(void **state) {
  static const scase cases[] = {
      {s_one, "string", 0, 3000, CE_INLINE_BITPACK, CE_VARIABLE},
      {s_empty, "string", 1, 3000, CE_VARIABLE, 0},
      {s_few, "string", 1, 5000, CE_INLINE_BITPACK, CE_VARIABLE},
      {s_few, "large_string", 1, 5000, CE_INLINE_BITPACK, CE_VARIABLE},
      {s_few, "binary", 1, 50, CE_VARIABLE, 0},
      {s_64k, "string", 0, 200000, CE_INLINE_BITPACK, -1},
      {s_unique, "string", 0, 5000, CE_FSST, 0}};
  string_cases(*state, cases, sizeof cases / sizeof *cases);
}

/* Strings FSST-compressed in mini-blocks (LanceDB's rule: longest >= 5,
** 32 KiB or more) when it saves space; others stay plain. */
static void test_fsst_pages(void **state) {
  static const scase cases[] = {
      {s_words, "string", 1, 20000, CE_FSST, 0},      {s_words, "large_string", 1, 20000, CE_FSST, 0},
      {s_words, "binary", 1, 20000, CE_FSST, 0},      {s_words, "string", 1, 1000, CE_VARIABLE, 0},
      {s_random, "binary", 1, 20000, CE_VARIABLE, 0}, {s_short, "string", 1, 20000, CE_VARIABLE, 0}};
  string_cases(*state, cases, sizeof cases / sizeof *cases);
}

/* Field metadata lance-encoding:compression (and -level) as LanceDB obeys
** it: none (flat, no FSST), fsst (even for a small page), zstd / lz4
** around each chunk's values (General), level kept. */
static void test_compression_metadata(void **state) {
  static const struct {
    const char *type, *comp, *level;
    int ce;
  } cases[] = {{"int64", "zstd", "9", CE_GENERAL}, {"int32", "lz4", NULL, CE_INLINE_BITPACK} /* lz4 does not shrink packed values */,
               {"string", "zstd", NULL, CE_GENERAL}, {"string", "lz4", NULL, CE_GENERAL},
               {"int64", "none", NULL, CE_FLAT},   {"string", "none", NULL, CE_VARIABLE},
               {"string", "fsst", NULL, CE_FSST}};
  enum { N = 3000 };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    fdef fd[] = {{"x", 0, -1, cases[k].type, 1}};
    lf_schema s;
    make_schema(&s, fd, 1);
    lf_field *f = s.fields[0];
    f->n_meta = cases[k].level ? 2 : 1;
    f->meta = calloc(2, sizeof *f->meta);
    const char *keys[] = {"lance-encoding:compression", "lance-encoding:compression-level"};
    const char *vals[] = {cases[k].comp, cases[k].level};
    for (int m = 0; m < f->n_meta; m++) {
      f->meta[m].key = strdup(keys[m]);
      f->meta[m].len = strlen(vals[m]);
      f->meta[m].val = (uint8_t *)strdup(vals[m]);
    }
    lf_array a;
    lf_array_init(&a, f);
    if (f->type == LF_T_UTF8) {
      fill_strings(&a, N, k == 6 ? s_short : s_words);
    } else {
      int w = lf_type_width(f);
      a.length = N;
      assert_int_equal(lf_array_alloc_values(&a, (uint64_t)N * w), 0);
      for (uint64_t i = 0; i < N; i++) {
        uint64_t v = i % 100 * 1000;
        memcpy(a.values + i * (uint64_t)w, &v, (size_t)w);
      }
    }
    for (int minor = 1; minor <= 2; minor++) {
      int ce, dce;
      one_column(*state, &s, &a, N, minor, &ce, &dce);
      if (ce != cases[k].ce) fail_msg("case %zu: value encoding %d", k, ce);
    }
    lf_array_reset(&a);
    lf_schema_reset(&s);
  }
}

/* Field metadata lance-encoding:dict-size-ratio replaces the 0.8 bound of
** the dictionary rule: a tiny ratio means no dictionary (the FTS writer's
** positions), a value that is not a decimal in (0, 1] leaves the default. */
static void test_dict_size_ratio(void **state) {
  static const struct { const char *ratio; int dict; } cases[] = {
      {"0.000001", 0}, {"0.001", 0}, {"0.8", 1}, {"1", 1}, {"1.5", 1}, {"0", 1}, {"x", 1}, {"", 1}};
  enum { N = 5000 };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    fdef fd[] = {{"s", 0, -1, "string", 1}};
    lf_schema s;
    make_schema(&s, fd, 1);
    assert_int_equal(lf_field_add_meta(s.fields[0], "lance-encoding:dict-size-ratio", cases[k].ratio), 0);
    lf_array a;
    lf_array_init(&a, s.fields[0]);
    fill_strings(&a, N, s_few);
    for (int minor = 1; minor <= 2; minor++) {
      int ce, dce;
      one_column(*state, &s, &a, N, minor, &ce, &dce);
      if ((dce != 0) != cases[k].dict)
        fail_msg("ratio '%s' (2.%d): dictionary encoding %d", cases[k].ratio, minor, dce);
    }
    lf_array_reset(&a);
    lf_schema_reset(&s);
  }
}

/* lf_array_append_range (format/array.c; here for the random arrays): random
** ranges of random arrays of every kind copied into builders, then compared
** row by row with where they came from. */
static void append_ranges(const fdef *d, int nd, uint64_t seed) {
  lf_schema s;
  make_schema(&s, d, nd);
  gen g = {seed, 20, 10, 30, 4};
  for (int i = 0; i < s.n_fields; i++) {
    lf_array src, dst;
    lf_array_init(&src, s.fields[i]);
    lf_array_init(&dst, s.fields[i]);
    gen_array(&g, &src, 1500);
    lf_array_finish(&src);
    uint64_t *from = malloc(4000 * sizeof *from), n = 0;
    assert_non_null(from);
    while (n < 3500) {
      uint64_t st = rnd(&g) % 1500, k = 1 + rnd(&g) % 200;
      if (st + k > 1500) k = 1500 - st;
      if (k > 4000 - n) k = 4000 - n;
      assert_int_equal(lf_array_append_range(&dst, &src, st, k), LF_OK);
      for (uint64_t j = 0; j < k; j++) from[n++] = st + j;
    }
    assert_int_equal(dst.length, n);
    assert_int_equal(lf_array_append_range(&dst, &src, 1400, 101), LF_NOMEM); /* past the end */
    lf_array_finish(&dst);
    for (uint64_t j = 0; j < n; j++) row_eq(s.fields[i], &dst, j, &src, from[j], j);
    free(from);
    lf_array_reset(&src);
    lf_array_reset(&dst);
  }
  lf_schema_reset(&s);
}

static void test_append_range(void **state) {
  (void)state;
  append_ranges(prim_fields, (int)(sizeof prim_fields / sizeof *prim_fields), 99);
  append_ranges(vec_fields, 8, 1234);
  append_ranges(nest_fields, (int)(sizeof nest_fields / sizeof *nest_fields), 777);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_primitives, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vectors_and_long_values, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nested, setup, teardown),
      cmocka_unit_test_setup_teardown(test_all_null_and_empty, setup, teardown),
      cmocka_unit_test_setup_teardown(test_global_buffers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zero_rows, setup, teardown),
      cmocka_unit_test_setup_teardown(test_many_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_worker_same_bytes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_worker_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sparse_lists, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_runs_fullzip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bitpacking, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dictionary, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fsst_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_compression_metadata, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dict_size_ratio, setup, teardown),
      cmocka_unit_test(test_append_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
