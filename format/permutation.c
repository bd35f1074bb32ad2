/*
** permutation.c: owns permutation datasets (lf_perm.h has the layout: row_id
** uint64, split_id uint64 not null, schema metadata base_version and
** split_names, rows ordered by split id): reading one split's row ids in
** order, writing one, and the split arithmetic (sizes to counts, the seeded
** shuffle) the SQL builder uses.
**
** split_id may also be another integer or a float column (LanceDB's
** calculated splits keep their expression's type): rows whose split id is
** null, negative or fractional belong to no split.
** split_names is untrusted text: a JSON array of strings read with
** lf_json (never past its end); anything else is LF_CORRUPT naming the key.
*/
#include "lf_int.h"
#include "lf_perm.h"
#include "lf_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERM_BATCH 65536

void lf_permutation_reset(lf_permutation *p) {
  free(p->ids);
  for (int i = 0; i < p->n_names; i++) free(p->names[i]);
  free(p->names);
  memset(p, 0, sizeof *p);
}

static const lf_kv *schema_meta(const lf_schema *s, const char *key) {
  for (int i = 0; i < s->n_meta; i++)
    if (!strcmp(s->meta[i].key, key)) return &s->meta[i];
  return NULL;
}

static int name_item(void *ctx, lf_json *j) {
  lf_permutation *p = ctx;
  const uint8_t *s;
  size_t n, len;
  char *name, **grown;
  if (lf_json_str(j, &s, &n)) return -1;
  if (lf_json_unescape(s, n, &name, &len)) return -1;
  if (!(grown = realloc(p->names, ((size_t)p->n_names + 1) * sizeof *grown))) {
    free(name);
    return -2;
  }
  p->names = grown;
  p->names[p->n_names++] = name;
  return 0;
}

/* The metadata entries base_version and split_names of schema s into p. */
static int read_meta(const lf_schema *s, const char *root, lf_permutation *p, lf_error *err) {
  const lf_kv *bv = schema_meta(s, "base_version"), *sn = schema_meta(s, "split_names");
  if (bv) {
    uint64_t v = 0;
    size_t i = 0;
    for (; i < bv->len && i < 20 && bv->val[i] >= '0' && bv->val[i] <= '9'; i++)
      v = v * 10 + (uint64_t)(bv->val[i] - '0');
    if (i == 0 || i != bv->len)
      return lf_err(err, LF_CORRUPT, "%s: permutation metadata base_version is not a version number",
                    root);
    p->base_version = v;
  }
  return sn ? lf_perm_names_parse(sn->val, sn->len, root, p, err) : LF_OK;
}

int lf_perm_names_parse(const uint8_t *z, size_t n, const char *root, lf_permutation *p,
                        lf_error *err) {
  lf_json j = {z, z + n};
  int r = lf_json_array(&j, name_item, p);
  if (r == -2) return lf_err(err, LF_NOMEM, "out of memory");
  if (r || lf_json_end(&j))
    return lf_err(err, LF_CORRUPT, "%s: permutation metadata split_names is not a JSON array of "
                  "strings", root);
  return LF_OK;
}

/* The split id `split` names: one of p->names, or a decimal id. */
static int resolve_split(lf_permutation *p, const char *root, const char *split, lf_error *err) {
  for (int i = 0; i < p->n_names; i++)
    if (!strcmp(p->names[i], split)) return p->split = (uint64_t)i, LF_OK;
  char *end;
  unsigned long long v = strtoull(split, &end, 10);
  if (split[0] >= '0' && split[0] <= '9' && !*end) return p->split = v, LF_OK;
  char known[256] = "";
  size_t k = 0;
  for (int i = 0; i < p->n_names && k < sizeof known; i++)
    k += (size_t)snprintf(known + k, sizeof known - k, "%s'%s'", i ? ", " : "", p->names[i]);
  return lf_err(err, LF_NOTFOUND, "%s: no split '%s' (%s%s)", root, split,
                p->n_names ? "splits: " : "the permutation names no splits; give a split id",
                known);
}

/* The top-level field `name`: row_id must be uint64; split_id may be any
** integer or float type (LanceDB's calculated splits keep the expression's
** type, e.g. float64 for `id % 3` over float ids). */
static int find_field(const lf_schema *s, const char *name, int any_number) {
  for (int i = 0; i < s->n_fields; i++) {
    lf_type t = s->fields[i]->type;
    if (strcmp(s->fields[i]->name, name)) continue;
    if (t == LF_T_UINT64) return i;
    if (any_number && ((t >= LF_T_INT8 && t <= LF_T_UINT64) || t == LF_T_FLOAT32 ||
                       t == LF_T_FLOAT64))
      return i;
  }
  return -1;
}

/* Split id of row i of a (null, negative or fractional: none, -1). */
static int split_at(const lf_array *a, uint64_t i, uint64_t *out) {
  if (lf_array_is_null(a, i)) return -1;
  lf_type t = a->field->type;
  double d;
  if (t == LF_T_FLOAT32 || t == LF_T_FLOAT64) {
    if (t == LF_T_FLOAT32) { float f; memcpy(&f, a->values + 4 * i, 4); d = f; }
    else memcpy(&d, a->values + 8 * i, 8);
    if (!(d >= 0 && d < 18446744073709551616.0) || d != floor(d)) return -1;
    *out = (uint64_t)d;
    return 0;
  }
  int w = lf_type_width(a->field);
  uint64_t v = 0;
  memcpy(&v, a->values + (uint64_t)w * i, (size_t)w);
  int is_signed = t == LF_T_INT8 || t == LF_T_INT16 || t == LF_T_INT32 || t == LF_T_INT64;
  if (is_signed && w < 8 && (v >> (8 * w - 1)) & 1) return -1;
  if (is_signed && (int64_t)v < 0) return -1;
  *out = v;
  return 0;
}

static int keep_rows(lf_permutation *p, const lf_scan_batch *b, size_t *cap) {
  const lf_array *ids = &b->cols[0], *sp = &b->cols[1];
  for (uint64_t i = 0; i < b->n; i++) {
    uint64_t id, s;
    if (split_at(sp, i, &s) || (p->split != UINT64_MAX && s != p->split) ||
        lf_array_is_null(ids, i))
      continue;
    memcpy(&id, ids->values + 8 * i, 8);
    if (p->n == *cap) {
      size_t nc = *cap ? 2 * *cap : 1024;
      uint64_t *g = realloc(p->ids, nc * sizeof *g);
      if (!g) return LF_NOMEM;
      p->ids = g, *cap = nc;
    }
    p->ids[p->n++] = id;
  }
  return LF_OK;
}

int lf_permutation_read(lf_store *s, const char *root, const char *split, lf_permutation *p,
                        lf_error *err) {
  memset(p, 0, sizeof *p);
  p->split = UINT64_MAX;
  lf_dataset *ds = NULL;
  lf_scan *scan = NULL;
  int rc = lf_dataset_open(s, root, 0, NULL, &ds, err);
  if (rc) return rc;
  const lf_schema *sc = lf_dataset_schema(ds);
  int fields[2] = {find_field(sc, "row_id", 0), find_field(sc, "split_id", 1)};
  if (fields[0] < 0 || fields[1] < 0)
    rc = lf_err(err, LF_ARG, "%s: not a permutation (expected a uint64 column row_id and a "
                "numeric column split_id)", root);
  if (!rc) rc = read_meta(sc, root, p, err);
  if (!rc && split) rc = resolve_split(p, root, split, err);
  if (!rc) rc = lf_scan_open(ds, s, fields, 2, &scan, err);
  size_t cap = 0;
  while (!rc) {
    const lf_scan_batch *b;
    if ((rc = lf_scan_next(scan, PERM_BATCH, &b, err)) || b->n == 0) break;
    if (keep_rows(p, b, &cap)) rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  lf_scan_free(scan);
  lf_dataset_free(ds);
  if (rc) {
    lf_permutation_reset(p);
    p->split = UINT64_MAX;
  }
  return rc;
}

/* ---- Writing ------------------------------------------------------------------ */

/* names as a JSON array of strings (malloc'd), escaping '"', '\\' and controls. */
static char *names_json(const char *const *names, int n) {
  size_t cap = 3;
  for (int i = 0; i < n; i++) cap += 6 * strlen(names[i]) + 3;
  char *o = malloc(cap), *q = o;
  if (!o) return NULL;
  *q++ = '[';
  for (int i = 0; i < n; i++) {
    if (i) *q++ = ',';
    *q++ = '"';
    for (const unsigned char *c = (const unsigned char *)names[i]; *c; c++) {
      if (*c == '"' || *c == '\\') *q++ = '\\', *q++ = (char)*c;
      else if (*c < 0x20) q += sprintf(q, "\\u%04x", *c);
      else *q++ = (char)*c;
    }
    *q++ = '"';
  }
  *q++ = ']';
  *q = 0;
  return o;
}

static int perm_schema(lf_schema *s, uint64_t base_version, const char *const *names,
                       int n_names, lf_error *err) {
  int rc = lf_schema_from_ddl("row_id UINT64, split_id UINT64 NOT NULL", s, err);
  if (rc) return rc;
  char v[24];
  snprintf(v, sizeof v, "%llu", (unsigned long long)base_version);
  rc = lf_schema_add_meta(s, "base_version", v) ? LF_NOMEM : LF_OK;
  if (!rc && n_names > 0) {
    char *j = names_json(names, n_names);
    rc = j && !lf_schema_add_meta(s, "split_names", j) ? LF_OK : LF_NOMEM;
    free(j);
  }
  return rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

/* The rows into new fragments of fw. */
static int write_rows(lf_frag_writer *fw, const lf_schema *s, const uint64_t *ids,
                      const uint64_t *splits, size_t n, lf_error *err) {
  int rc = LF_OK;
  lf_array cols[2];
  lf_array_init(&cols[0], s->fields[0]);
  lf_array_init(&cols[1], s->fields[1]);
  for (size_t at = 0; !rc && at < n; at += PERM_BATCH) {
    size_t k = n - at < PERM_BATCH ? n - at : PERM_BATCH;
    lf_array_clear(&cols[0]);
    lf_array_clear(&cols[1]);
    if (lf_array_alloc_values(&cols[0], 8 * (uint64_t)k) ||
        lf_array_alloc_values(&cols[1], 8 * (uint64_t)k)) {
      rc = lf_err(err, LF_NOMEM, "out of memory");
      break;
    }
    memcpy(cols[0].values, ids + at, 8 * k);
    memcpy(cols[1].values, splits + at, 8 * k);
    cols[0].length = cols[1].length = k;
    lf_array_finish(&cols[0]);
    lf_array_finish(&cols[1]);
    rc = lf_frag_writer_write(fw, cols, k, err);
  }
  lf_array_reset(&cols[0]);
  lf_array_reset(&cols[1]);
  return rc ? rc : lf_frag_writer_finish(fw, err);
}

int lf_permutation_write(lf_store *st, const char *root, const uint64_t *ids,
                         const uint64_t *splits, size_t n, uint64_t base_version,
                         const char *const *names, int n_names, lf_error *err) {
  lf_schema s;
  int rc = perm_schema(&s, base_version, names, n_names, err);
  lf_frag_writer fw;
  lf_frag_writer_init(&fw, st, root, &s, 2, 2, 0);
  if (!rc) rc = write_rows(&fw, &s, ids, splits, n, err);
  if (!rc) {
    lf_commit_req req = {0};
    req.kind = LF_COMMIT_CREATE;
    req.schema = &s;
    req.data_version = "2.2";
    req.v2_paths = 1;
    req.n_new = fw.n;
    req.new_frags = fw.frags;
    uint64_t version;
    rc = lf_commit(st, root, NULL, &req, &version, err);
  }
  lf_frag_writer_reset(&fw, rc != LF_OK);
  lf_schema_reset(&s);
  return rc;
}

/* ---- Split arithmetic ----------------------------------------------------------- */

static int check_sizes(const double *sizes, int ns, int is_ratio, uint64_t n, lf_error *err) {
  double sum = 0;
  for (int i = 0; i < ns; i++) {
    double v = sizes[i];
    sum += v;
    if (is_ratio && (!(v >= 0.0) || v > 1.0))
      return lf_err(err, LF_ARG, "split ratio %g is not between 0 and 1", v);
    if (is_ratio && v * (double)n < 1.0)
      return lf_err(err, LF_ARG, "split ratio %g of %llu rows rounds to 0 rows", v,
                    (unsigned long long)n);
    if (!is_ratio && !(v >= 1.0))
      return lf_err(err, LF_ARG, "split counts must be greater than 0");
  }
  if (is_ratio && sum > 1.0 + 1e-9) return lf_err(err, LF_ARG, "split ratios sum to more than 1");
  if (!is_ratio && sum > (double)n)
    return lf_err(err, LF_ARG, "split counts ask for %.0f rows but only %llu are available", sum,
                  (unsigned long long)n);
  return LF_OK;
}

int lf_perm_counts(const double *sizes, int ns, int is_ratio, uint64_t n, uint64_t *counts,
                   lf_error *err) {
  if (ns < 1) return lf_err(err, LF_ARG, "no split sizes");
  int rc = check_sizes(sizes, ns, is_ratio, n, err);
  if (rc) return rc;
  if (!is_ratio) {
    for (int i = 0; i < ns; i++) counts[i] = (uint64_t)sizes[i];
    return LF_OK;
  }
  double psum = 0;
  int64_t excess = -(int64_t)n;
  for (int i = 0; i < ns; i++) {
    counts[i] = (uint64_t)llround(sizes[i] * (double)n);
    psum += sizes[i];
    excess += (int64_t)counts[i];
  }
  int whole = fabs((double)n - psum * (double)n) < 0.5;
  for (int i = 0; excess > 0; i = (i + 1) % ns)
    if (counts[i] > 0) counts[i]--, excess--;
  for (int i = 0; whole && excess < 0; i = (i + 1) % ns) counts[i]++, excess++;
  return LF_OK;
}

uint64_t lf_perm_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t splitmix64(uint64_t *x) { return lf_perm_mix64(*x += 0x9E3779B97F4A7C15ull); }

void lf_perm_shuffle(uint64_t *a, size_t n, uint64_t seed) {
  uint64_t st = seed;
  for (size_t i = n; i > 1; i--) {
    /* an unbiased index in [0, i): reject the top partial range */
    uint64_t lim = UINT64_MAX - UINT64_MAX % i, r;
    do r = splitmix64(&st); while (r >= lim);
    size_t j = (size_t)(r % i);
    uint64_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
  }
}
