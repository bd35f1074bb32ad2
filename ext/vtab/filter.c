/*
** filter.c: owns the pushed filters of the `lance` table: `column <op> value`
** and IN lists that xBestIndex hands to xFilter, run in C on decoded batches.
** A filter decides a row exactly as SQLite would (the column's affinity applied
** to the constant, NaN as NULL, exact int/double comparison) or, where it
** cannot, keeps the row and leaves the decision to SQLite (omit = 0).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <string.h>

#include "index/scalar.h"
#include "vtab.h"

/* The constant as SQLite compares it with column f: the column's affinity
** applied first (datatype3 "affinity of comparison operands": numeric
** affinity for INTEGER/REAL columns, text affinity for TEXT columns). */
void vtab_fconst_init(vtab_fconst *k, sqlite3_value *v, const lf_field *f) {
  const char *aff = f ? vtab_sql_type(f) : "";
  k->type = sqlite3_value_type(v);
  if ((!strcmp(aff, "INTEGER") || !strcmp(aff, "REAL")) && k->type == SQLITE_TEXT)
    k->type = sqlite3_value_numeric_type(v);
  k->i = sqlite3_value_int64(v);
  k->d = sqlite3_value_double(v);
  if (!strcmp(aff, "TEXT") && (k->type == SQLITE_INTEGER || k->type == SQLITE_FLOAT))
    k->type = SQLITE_TEXT; /* its text form, as SQLite renders it */
  k->z = k->type == SQLITE_TEXT ? sqlite3_value_text(v) : NULL;
  k->n = k->z ? (uint64_t)sqlite3_value_bytes(v) : 0;
}


/* Compare row i of a to v: <0, 0, >0, or 2 when this code cannot decide
** (then the row is kept and SQLite decides). */
static int compare_value(const lf_array *a, uint64_t i, const vtab_fconst *k, int eq_only) {
  const lf_field *f = a->field;
  int vt = k->type;
  if (lf_type_is_varwidth(f->type)) {
    if (vt != SQLITE_TEXT) return 2;
    const uint8_t *z = a->data + a->offsets[i];
    uint64_t n = a->offsets[i + 1] - a->offsets[i], m = k->n;
    if (eq_only && n != m) return 1; /* only equality matters: lengths decide */
    int r = memcmp(z, k->z, n < m ? n : m);
    return r ? (r < 0 ? -1 : 1) : n < m ? -1 : n > m; /* never 2: that means "undecided" */
  }
  if (vt != SQLITE_INTEGER && vt != SQLITE_FLOAT) return 2;
  if (f->type == LF_T_FLOAT16 || f->type == LF_T_FLOAT32 || f->type == LF_T_FLOAT64) {
    double x = vtab_float_at(a, i);
    if (x != x) return 2; /* NaN is NULL to SQL: callers test that first */
    if (vt == SQLITE_INTEGER) return -lf_cmp_i64_f64(k->i, x);
    return x < k->d ? -1 : x > k->d;
  }
  int w = lf_type_width(f);
  int64_t x = vtab_rd_i64(a->values + (uint64_t)w * i, w, vtab_is_signed(f->type));
  if (f->type == LF_T_UINT64 && x < 0) return 2; /* above 2^63-1: SQL sees TEXT */
  if (vt == SQLITE_INTEGER) return x < k->i ? -1 : x > k->i;
  return lf_cmp_i64_f64(x, k->d);
}

/* NULL as SQL sees it: a Lance null, or a NaN (SQLite stores NaN as NULL). */
static int sql_null(const lf_array *a, uint64_t i) {
  if (!a || lf_array_is_null(a, i)) return 1;
  switch (a->field->type) {
    case LF_T_FLOAT64: case LF_T_FLOAT32: case LF_T_FLOAT16: {
      double x = vtab_float_at(a, i);
      return x != x;
    }
    default: return 0;
  }
}

/* List element types whose values C compares as array_has_* does on their JSON. */
static int list_elem_ok(const lf_field *f) {
  if (!f || (f->type != LF_T_LIST && f->type != LF_T_LARGE_LIST) || f->n_children != 1) return 0;
  switch (f->children[0]->type) {
    case LF_T_INT8: case LF_T_UINT8: case LF_T_INT16: case LF_T_UINT16: case LF_T_INT32:
    case LF_T_UINT32: case LF_T_INT64: case LF_T_UTF8: case LF_T_LARGE_UTF8:
      return 1;
    default: return 0;
  }
}

int vtab_list_decided(const lf_field *f, sqlite3_value *rhs) {
  lf_svalues v;
  if (!list_elem_ok(f) || sqlite3_value_type(rhs) != SQLITE_TEXT ||
      lf_svalues_from_json(sqlite3_value_text(rhs), (size_t)sqlite3_value_bytes(rhs), &v, NULL))
    return 0;
  lf_svalues_reset(&v);
  return 1;
}

int vtab_list_prepare(vtab_filter *fl) {
  const uint8_t *z = fl->val ? sqlite3_value_text(fl->val) : NULL;
  if (!z) return SQLITE_OK;
  if (!(fl->want = sqlite3_malloc(sizeof *fl->want))) return SQLITE_NOMEM;
  int rc = lf_svalues_from_json(z, (size_t)sqlite3_value_bytes(fl->val), fl->want, NULL);
  if (rc) {
    sqlite3_free(fl->want);
    fl->want = NULL;
  }
  return rc == LF_NOMEM ? SQLITE_NOMEM : SQLITE_OK;
}

/* Element j of list child c as a value. */
static lf_svalue list_elem(const lf_array *c, uint64_t j) {
  lf_svalue v = {0};
  if (lf_array_is_null(c, j)) return v;
  if (lf_type_is_varwidth(c->field->type)) {
    v.type = LF_SV_TEXT, v.z = c->data + c->offsets[j], v.n = c->offsets[j + 1] - c->offsets[j];
  } else {
    int w = lf_type_width(c->field);
    v.type = LF_SV_INT, v.i = vtab_rd_i64(c->values + (uint64_t)w * j, w, vtab_is_signed(c->field->type));
  }
  return v;
}

/* array_has_any / array_has_all on row i of list column a, as array_func.c decides. */
static int list_row(const vtab_filter *fl, const lf_array *a, uint64_t i) {
  if (!fl->want || !list_elem_ok(a ? a->field : NULL)) return 1; /* SQLite decides */
  if (lf_array_is_null(a, i)) return 0;                         /* NULL: not true */
  int all = fl->op == VTAB_OP_HAS_ALL;
  for (size_t k = 0; k < fl->want->n; k++) {
    const lf_svalue *w = &fl->want->v[k];
    if (w->type == LF_SV_NULL) continue;
    int held = 0;
    for (uint64_t j = a->offsets[i]; !held && j < a->offsets[i + 1]; j++) {
      lf_svalue e = list_elem(&a->children[0], j);
      held = lf_svalue_cmp(&e, w) == 0;
    }
    if (held != all) return held;
  }
  return all;
}

/* Does row i (column a, NULL when the snapshot lacks it) pass filter fl? */
static int filter_row(const vtab_filter *fl, const lf_array *a, uint64_t i) {
  if (fl->op == VTAB_OP_HAS_ANY || fl->op == VTAB_OP_HAS_ALL) return a ? list_row(fl, a, i) : 0;
  int isnull = sql_null(a, i);
  if (fl->op == SQLITE_INDEX_CONSTRAINT_ISNULL) return isnull;
  if (fl->op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL) return !isnull;
  if (isnull) return 0;
  if (!fl->val) { /* IN list: some value equal (or undecided: SQLite decides) */
    for (int j = 0; j < fl->nin; j++)
      if (fl->ink[j].type != SQLITE_NULL) {
        int r = compare_value(a, i, &fl->ink[j], 1);
        if (r == 0 || r == 2) return 1;
      }
    return 0;
  }
  if (fl->k.type == SQLITE_NULL) return 0;
  int r = compare_value(a, i, &fl->k, fl->op == SQLITE_INDEX_CONSTRAINT_EQ ||
                                          fl->op == SQLITE_INDEX_CONSTRAINT_NE);
  switch (r == 2 ? -1 : fl->op) {
    case SQLITE_INDEX_CONSTRAINT_EQ: return r == 0;
    case SQLITE_INDEX_CONSTRAINT_NE: return r != 0;
    case SQLITE_INDEX_CONSTRAINT_GT: return r > 0;
    case SQLITE_INDEX_CONSTRAINT_GE: return r >= 0;
    case SQLITE_INDEX_CONSTRAINT_LT: return r < 0;
    case SQLITE_INDEX_CONSTRAINT_LE: return r <= 0;
    default: return 1; /* undecided: keep, SQLite decides */
  }
}

/* text = 'constant': lengths first, bytes only when they agree. */
static int select_text_eq(const vtab_filter *fl, const lf_array *a, uint64_t n, uint8_t *sel) {
  if (!a || fl->op != SQLITE_INDEX_CONSTRAINT_EQ || !fl->val || fl->k.type != SQLITE_TEXT ||
      !lf_type_is_varwidth(a->field->type))
    return 0;
  const uint64_t *o = a->offsets;
  for (uint64_t i = 0; i < n; i++)
    if (sel[i] && ((a->valid && !a->valid[i]) || o[i + 1] - o[i] != fl->k.n ||
                   memcmp(a->data + o[i], fl->k.z, fl->k.n)))
      sel[i] = 0;
  return 1;
}

/* float64 <op> number (exactly representable): one comparison per row. */
static int select_f64(const vtab_filter *fl, const lf_array *a, uint64_t n, uint8_t *sel) {
  const double big = 9007199254740992.0;
  if (!a || a->field->type != LF_T_FLOAT64 || !fl->val ||
      (fl->k.type != SQLITE_FLOAT && (fl->k.type != SQLITE_INTEGER || fl->k.d > big || fl->k.d < -big)))
    return 0;
  double y = fl->k.d;
  int op = fl->op;
  if (op != SQLITE_INDEX_CONSTRAINT_GT && op != SQLITE_INDEX_CONSTRAINT_GE &&
      op != SQLITE_INDEX_CONSTRAINT_LT && op != SQLITE_INDEX_CONSTRAINT_LE &&
      op != SQLITE_INDEX_CONSTRAINT_EQ)
    return 0;
  for (uint64_t i = 0; i < n; i++) {
    if (!sel[i]) continue;
    double x;
    memcpy(&x, a->values + 8 * i, 8);
    int keep = (!a->valid || a->valid[i]) && x == x && /* NULL and NaN: SQL NULL */
               (op == SQLITE_INDEX_CONSTRAINT_GT ? x > y : op == SQLITE_INDEX_CONSTRAINT_GE ? x >= y
                : op == SQLITE_INDEX_CONSTRAINT_LT ? x < y : op == SQLITE_INDEX_CONSTRAINT_LE ? x <= y
                : x == y);
    if (!keep) sel[i] = 0;
  }
  return 1;
}

/* Clear sel[i] for the rows of b that fail a filter; proj maps columns to
** batch columns.  Column-at-a-time, with tight loops for common cases. */
void vtab_select_rows(const vtab_filter *fs, int nf, const int *proj, const lf_scan_batch *b,
                        uint8_t *sel) {
  for (int k = 0; k < nf; k++) {
    const vtab_filter *fl = &fs[k];
    int p = proj[fl->col];
    const lf_array *a = p < 0 ? NULL : &b->cols[p];
    if (select_text_eq(fl, a, b->n, sel) || select_f64(fl, a, b->n, sel)) continue;
    for (uint64_t i = 0; i < b->n; i++)
      if (sel[i] && !filter_row(fl, a, i)) sel[i] = 0;
  }
}

/* The values of an IN (...) list, copied. */
int vtab_collect_in(vtab_filter *fl, sqlite3_value *list, const lf_field *f) {
  int cap = 0;
  sqlite3_value *v = NULL;
  for (int rc = sqlite3_vtab_in_first(list, &v); rc == SQLITE_OK && v;
       rc = sqlite3_vtab_in_next(list, &v)) {
    if (fl->nin == cap) {
      sqlite3_value **a = sqlite3_realloc64(fl->in, (uint64_t)(cap = cap ? cap * 2 : 8) * sizeof *a);
      if (!a) return SQLITE_NOMEM;
      fl->in = a;
    }
    if (!(fl->in[fl->nin] = sqlite3_value_dup(v))) return SQLITE_NOMEM;
    fl->nin++;
  }
  if (!(fl->ink = sqlite3_malloc64(((uint64_t)fl->nin + 1) * sizeof *fl->ink))) return SQLITE_NOMEM;
  for (int j = 0; j < fl->nin; j++) vtab_fconst_init(&fl->ink[j], fl->in[j], f);
  return SQLITE_OK;
}

void vtab_filter_reset(vtab_filter *fl) {
  sqlite3_value_free(fl->val);
  for (int j = 0; j < fl->nin; j++) sqlite3_value_free(fl->in[j]);
  sqlite3_free(fl->in);
  sqlite3_free(fl->ink);
  if (fl->want) lf_svalues_reset(fl->want);
  sqlite3_free(fl->want);
  memset(fl, 0, sizeof *fl);
}

uint64_t vtab_filter_mask(const vtab_filter *fs, int nf) {
  uint64_t m = 0;
  for (int k = 0; k < nf; k++) m |= vtab_col_bit(fs[k].col);
  return m;
}
