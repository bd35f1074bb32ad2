/*
** scalar_build.c: owns building BTREE, BITMAP and LABEL_LIST indexes of a
** dataset in the files LanceDB 0.39 writes (layouts: scalar.c and
** docs/scalar-index.md), and committing them:
**
**   scan      the column's live rows of every fragment of the latest version
**             (row ids as the scan gives them: stable ids or row addresses);
**             LABEL_LIST takes every element of every list;
**   sort      by value in LanceDB's order: nulls first, floats in IEEE total
**             order (NaN last, -0.0 before +0.0), text by bytes;
**   BTREE     page_data.lance (values, ids) in that order, and
**             page_lookup.lance (min, max, null_count, page_idx) per 4096
**             rows, schema metadata batch_size = "4096", range_partitioned =
**             "false";
**   BITMAP, LABEL_LIST  bitmap_page_lookup.lance: one row per distinct value
**             (keys, bitmaps: the serialized row set), schema metadata
**             lance:index_stats = {"num_bitmaps":N};
**   commit    CreateIndex: uuid, field id, name, dataset_version = the version
**             scanned, the fragment bitmap of every fragment, index_details =
**             an empty BTreeIndexDetails / BitmapIndexDetails /
**             LabelListIndexDetails, index_version 0, the files and sizes;
**             an index of the same name is replaced (replace = 1) in the
**             same transaction.
** LABEL_LIST is written as index version 0 (no label_list_nulls buffer):
** LanceDB 0.39 reads both versions.
*/
#include "lf_int.h"
#include "lf_write.h"
#include "scalar.h"

#include <roaring/roaring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_ROWS 4096

/* One indexed value: its key (an integer, a double or bytes of the arena). */
typedef struct sb_ent {
  int null;
  int64_t i;
  double d;
  uint64_t off, len;
  uint64_t rowid;
} sb_ent;

typedef struct sb_run {
  lf_store *s;
  const char *root;
  lf_dataset *ds;
  const lf_field *vf;      /* the value field (list element for LABEL_LIST) */
  int kind;
  sb_ent *e;
  size_t n, cap;
  uint8_t *arena;
  uint64_t alen, acap;
  char dir[600];
  const char *files[2];
  uint64_t sizes[2];
  size_t nfiles;
} sb_run;

static const char *shown(const char *root) { return root[0] ? root : "."; }

static int is_flt(lf_type t) { return t == LF_T_FLOAT32 || t == LF_T_FLOAT64; }

/* ---- scan ---------------------------------------------------------------------------- */

static int push(sb_run *r, const lf_array *a, uint64_t i, uint64_t rowid) {
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 4096;
    sb_ent *ne = realloc(r->e, cap * sizeof *ne);
    if (!ne) return LF_NOMEM;
    r->e = ne, r->cap = cap;
  }
  sb_ent *x = &r->e[r->n++];
  memset(x, 0, sizeof *x);
  x->rowid = rowid;
  if ((x->null = lf_array_is_null(a, i))) return LF_OK;
  lf_type t = a->field->type;
  if (lf_type_is_varwidth(t)) {
    uint64_t o = a->offsets[i], n = a->offsets[i + 1] - o;
    if (r->alen + n > r->acap) {
      uint64_t cap = r->acap ? r->acap * 2 : 65536;
      while (cap < r->alen + n) cap *= 2;
      uint8_t *na = realloc(r->arena, cap);
      if (!na) return LF_NOMEM;
      r->arena = na, r->acap = cap;
    }
    if (n) memcpy(r->arena + r->alen, a->data + o, n);
    x->off = r->alen, x->len = n;
    r->alen += n;
  } else if (t == LF_T_FLOAT32) {
    float f;
    memcpy(&f, a->values + 4 * i, 4);
    x->d = f;
  } else if (t == LF_T_FLOAT64) {
    memcpy(&x->d, a->values + 8 * i, 8);
  } else {
    x->i = lf_int_at(a, i);
  }
  return LF_OK;
}

static int scan_values(sb_run *r, int field, lf_error *err) {
  lf_scan *sc;
  const lf_scan_batch *b;
  int rc = lf_scan_open(r->ds, r->s, &field, 1, &sc, err);
  while (!rc) {
    if ((rc = lf_scan_next(sc, PAGE_ROWS, &b, err)) || !b->n) break;
    const lf_array *a = &b->cols[0];
    for (uint64_t i = 0; !rc && i < b->n; i++) {
      if (r->kind != LF_SIDX_LABEL_LIST) {
        rc = push(r, a, i, b->rowids[i]);
        continue;
      }
      if (lf_array_is_null(a, i)) continue; /* a null list holds nothing */
      for (uint64_t k = a->offsets[i]; !rc && k < a->offsets[i + 1]; k++)
        rc = push(r, &a->children[0], k, b->rowids[i]);
    }
    if (rc == LF_NOMEM) rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  lf_scan_free(sc);
  return rc;
}

/* ---- sort ------------------------------------------------------------------------------ */

static const sb_run *g_sort; /* qsort has no context argument in C11 */

static uint64_t total_bits(double d) { /* IEEE total order as an unsigned key */
  uint64_t u;
  memcpy(&u, &d, 8);
  return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

static int cmp_key(const sb_run *r, const sb_ent *a, const sb_ent *b) {
  if (a->null || b->null) return b->null - a->null; /* nulls first */
  if (lf_type_is_varwidth(r->vf->type)) {
    int c = memcmp(r->arena + a->off, r->arena + b->off, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
  }
  if (is_flt(r->vf->type)) {
    uint64_t x = total_bits(a->d), y = total_bits(b->d);
    return (x > y) - (x < y);
  }
  return (a->i > b->i) - (a->i < b->i);
}

static int cmp_ent(const void *pa, const void *pb) {
  const sb_ent *a = pa, *b = pb;
  int c = cmp_key(g_sort, a, b);
  return c ? c : (a->rowid > b->rowid) - (a->rowid < b->rowid);
}

/* ---- writing values back into arrays ------------------------------------------------------ */

/* Entries e[0..n) (their keys, or only e[k] for each k in pick) as an array of r->vf. */
static int fill_values(const sb_run *r, const sb_ent *e, size_t n, size_t stride, lf_array *a) {
  const lf_field *f = r->vf;
  lf_array_clear(a);
  int rc = lf_array_alloc_valid(a, n);
  int var = lf_type_is_varwidth(f->type), w = lf_type_width(f);
  if (!rc) rc = var ? lf_array_alloc_offsets(a, n + 1) : lf_array_alloc_values(a, (uint64_t)w * n);
  uint64_t bytes = 0;
  for (size_t k = 0; var && k < n; k++) bytes += e[k * stride].null ? 0 : e[k * stride].len;
  if (!rc && var) rc = lf_array_alloc_data(a, bytes ? bytes : 1);
  if (rc) return rc;
  uint64_t at = 0;
  a->null_count = 0;
  for (size_t k = 0; k < n; k++) {
    const sb_ent *x = &e[k * stride];
    a->valid[k] = !x->null;
    a->null_count += x->null;
    if (var) {
      a->offsets[k] = at;
      if (!x->null && x->len) memcpy(a->data + at, r->arena + x->off, x->len), at += x->len;
    } else if (f->type == LF_T_FLOAT32) {
      float v = x->null ? 0 : (float)x->d;
      memcpy(a->values + 4 * k, &v, 4);
    } else if (f->type == LF_T_FLOAT64) {
      double v = x->null ? 0 : x->d;
      memcpy(a->values + 8 * k, &v, 8);
    } else {
      uint64_t v = x->null ? 0 : (uint64_t)x->i;
      memcpy(a->values + (uint64_t)w * k, &v, (size_t)w);
    }
  }
  if (var) a->offsets[n] = at, a->data_len = at;
  a->length = n;
  lf_array_finish(a);
  return LF_OK;
}


/* A file of the index directory from DDL (the value type substituted for %s). */
static int open_file(sb_run *r, const char *name, const char *ddl, lf_schema *sc, lf_writer **w,
                     lf_error *err) {
  char path[700], d[256];
  const char *tn = r->vf->type == LF_T_BOOL ? "BOOLEAN" : r->vf->type == LF_T_INT8 ? "INT8"
                 : r->vf->type == LF_T_UINT8 ? "UINT8" : r->vf->type == LF_T_INT16 ? "INT16"
                 : r->vf->type == LF_T_UINT16 ? "UINT16" : r->vf->type == LF_T_INT32 ? "INT32"
                 : r->vf->type == LF_T_UINT32 ? "UINT32" : r->vf->type == LF_T_INT64 ? "INT64"
                 : r->vf->type == LF_T_FLOAT32 ? "FLOAT32" : r->vf->type == LF_T_FLOAT64 ? "FLOAT64"
                 : r->vf->type == LF_T_LARGE_UTF8 ? "LARGE_TEXT" : "TEXT";
  snprintf(d, sizeof d, ddl, tn, tn);
  snprintf(path, sizeof path, "%s/%s", r->dir, name);
  int rc = lf_schema_from_ddl(d, sc, err);
  if (!rc) rc = lf_writer_open_path(r->s, path, sc, 2, 2, w, err);
  return rc;
}

static int finish_file(sb_run *r, const char *name, lf_writer *w, lf_error *err) {
  lf_data_file df = {0};
  int rc = lf_writer_finish(w, &df, err);
  if (!rc) r->files[r->nfiles] = name, r->sizes[r->nfiles++] = df.size_bytes;
  lf_data_file_reset(&df);
  return rc;
}

/* ---- BTREE -------------------------------------------------------------------------------- */

static int write_btree(sb_run *r, lf_error *err) {
  lf_schema sd = {0}, sl = {0};
  lf_writer *wd = NULL, *wl = NULL;
  lf_array cols[2], lk[4];
  int rc = open_file(r, "page_data.lance", "values %s, ids UINT64 NOT NULL", &sd, &wd, err);
  if (!rc) rc = open_file(r, "page_lookup.lance", "min %s, max %s, null_count UINT32 NOT NULL, "
                          "page_idx UINT32 NOT NULL", &sl, &wl, err);
  if (!rc && (lf_schema_add_meta(&sl, "batch_size", "4096") ||
              lf_schema_add_meta(&sl, "range_partitioned", "false")))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int k = 0; k < 2; k++) lf_array_init(&cols[k], sd.fields[k > 0 && sd.n_fields > 1 ? 1 : 0]);
  for (int k = 0; k < 4; k++) lf_array_init(&lk[k], sl.n_fields > k ? sl.fields[k] : sd.fields[0]);
  uint64_t npages = (r->n + PAGE_ROWS - 1) / PAGE_ROWS;
  if (!rc && (lf_array_alloc_values(&lk[2], 4 * (npages + 1)) || lf_array_alloc_values(&lk[3], 4 * (npages + 1))))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  sb_ent *ends = rc ? NULL : malloc((2 * npages + 1) * sizeof *ends);
  if (!rc && !ends) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (uint64_t p = 0; !rc && p < npages; p++) {
    size_t a = p * PAGE_ROWS, n = r->n - a < PAGE_ROWS ? r->n - a : PAGE_ROWS;
    uint32_t nulls = 0, idx = (uint32_t)p;
    for (size_t k = 0; k < n; k++) nulls += r->e[a + k].null;
    rc = fill_values(r, r->e + a, n, 1, &cols[0]) || lf_array_alloc_values(&cols[1], 8 * n)
             ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
    for (size_t k = 0; !rc && k < n; k++) memcpy(cols[1].values + 8 * k, &r->e[a + k].rowid, 8);
    cols[1].length = n;
    if (!rc) rc = lf_writer_write(wd, cols, n, err);
    ends[2 * p] = r->e[a], ends[2 * p + 1] = r->e[a + n - 1];
    memcpy(lk[2].values + 4 * p, &nulls, 4);
    memcpy(lk[3].values + 4 * p, &idx, 4);
  }
  if (!rc && (fill_values(r, ends, npages, 2, &lk[0]) || fill_values(r, ends + 1, npages, 2, &lk[1])))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  lk[2].length = lk[3].length = npages;
  if (!rc) rc = lf_writer_write(wl, lk, npages, err);
  if (!rc) rc = finish_file(r, "page_data.lance", wd, err), wd = NULL;
  if (!rc) rc = finish_file(r, "page_lookup.lance", wl, err), wl = NULL;
  if (wd) lf_writer_abort(wd);
  if (wl) lf_writer_abort(wl);
  free(ends);
  for (int k = 0; k < 2; k++) lf_array_reset(&cols[k]);
  for (int k = 0; k < 4; k++) lf_array_reset(&lk[k]);
  lf_schema_reset(&sd);
  lf_schema_reset(&sl);
  return rc;
}

/* ---- BITMAP, LABEL_LIST --------------------------------------------------------------------- */

/* The serialized row set of the row ids of e[0..n) (ascending) appended to b. */
static int put_rowset(const sb_ent *e, size_t n, lf_buf *b) {
  size_t nk = 0;
  for (size_t k = 0; k < n; k++) nk += !k || (e[k].rowid >> 32) != (e[k - 1].rowid >> 32);
  lf_buf_u32le(b, (uint32_t)nk);
  for (size_t k = 0; k < n;) {
    uint32_t hi = (uint32_t)(e[k].rowid >> 32);
    roaring_bitmap_t *bm = roaring_bitmap_create();
    if (!bm) return LF_NOMEM;
    for (; k < n && (uint32_t)(e[k].rowid >> 32) == hi; k++) roaring_bitmap_add(bm, (uint32_t)e[k].rowid);
    roaring_bitmap_run_optimize(bm);
    size_t sz = roaring_bitmap_portable_size_in_bytes(bm);
    char *tmp = malloc(sz);
    if (tmp) roaring_bitmap_portable_serialize(bm, tmp);
    roaring_bitmap_free(bm);
    if (!tmp) return LF_NOMEM;
    lf_buf_u32le(b, hi);
    lf_buf_u32le(b, (uint32_t)sz);
    lf_buf_put(b, tmp, sz);
    free(tmp);
  }
  return b->rc;
}

static int write_bitmap(sb_run *r, lf_error *err) {
  lf_schema sc = {0};
  lf_writer *w = NULL;
  lf_array cols[2];
  lf_buf bm = {0};
  int rc = open_file(r, "bitmap_page_lookup.lance", "keys %s, bitmaps BLOB", &sc, &w, err);
  size_t ng = 0, *start = malloc((r->n + 1) * sizeof *start);
  if (!rc && !start) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (size_t k = 0; !rc && k < r->n; k++)
    if (!k || cmp_key(r, &r->e[k - 1], &r->e[k])) start[ng++] = k;
  if (start) start[ng] = r->n;
  char stats[64];
  snprintf(stats, sizeof stats, "{\"num_bitmaps\":%zu}", ng);
  if (!rc && lf_schema_add_meta(&sc, "lance:index_stats", stats)) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int k = 0; k < 2; k++) lf_array_init(&cols[k], sc.n_fields > k ? sc.fields[k] : NULL);
  sb_ent *keys = rc ? NULL : malloc((ng + 1) * sizeof *keys);
  if (!rc && (!keys || lf_array_alloc_offsets(&cols[1], ng + 1))) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (size_t g = 0; !rc && g < ng; g++) {
    keys[g] = r->e[start[g]];
    cols[1].offsets[g] = bm.len;
    if (put_rowset(r->e + start[g], start[g + 1] - start[g], &bm)) rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  if (!rc) {
    cols[1].offsets[ng] = bm.len;
    if (lf_array_alloc_data(&cols[1], bm.len ? bm.len : 1) || fill_values(r, keys, ng, 1, &cols[0]))
      rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  if (!rc) {
    if (bm.len) memcpy(cols[1].data, bm.p, bm.len);
    cols[1].data_len = bm.len;
    cols[1].length = ng;
    lf_array_finish(&cols[1]);
    rc = lf_writer_write(w, cols, ng, err);
  }
  if (!rc) rc = finish_file(r, "bitmap_page_lookup.lance", w, err), w = NULL;
  if (w) lf_writer_abort(w);
  free(start);
  free(keys);
  lf_buf_reset(&bm);
  for (int k = 0; k < 2; k++) lf_array_reset(&cols[k]);
  lf_schema_reset(&sc);
  return rc;
}

/* ---- commit ------------------------------------------------------------------------------- */

static const char *details_url(int kind) {
  return kind == LF_SIDX_BTREE ? "/lance.table.BTreeIndexDetails"
       : kind == LF_SIDX_BITMAP ? "/lance.table.BitmapIndexDetails" : "/lance.table.LabelListIndexDetails";
}

/* The column's field and value field, checked against the index kind. */
static int column_field(sb_run *r, const char *column, int *field, int32_t *fid, lf_error *err) {
  const lf_schema *sc = lf_dataset_schema(r->ds);
  for (int i = 0; i < sc->n_fields; i++) {
    const lf_field *f = sc->fields[i];
    if (strcmp(f->name, column)) continue;
    int list = f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST;
    r->vf = list && f->n_children == 1 ? f->children[0] : f;
    if ((r->kind == LF_SIDX_LABEL_LIST) != list || !lf_sidx_value_type_ok(r->vf->type))
      return lf_err(err, LF_ARG, "%s: column '%s' is %s: %s indexes need %s", shown(r->root), column,
                    f->logical_type ? f->logical_type : lf_type_name(f->type), lf_sidx_kind_name(r->kind),
                    r->kind == LF_SIDX_LABEL_LIST ? "a list of integers, floats, booleans or text"
                                                  : "an integer, float, boolean or text column");
    *field = i;
    *fid = f->id;
    return LF_OK;
  }
  return lf_err(err, LF_NOTFOUND, "%s: no column '%s'", shown(r->root), column);
}

static int commit(sb_run *r, const char *name, const char *uuid, int32_t fid, const char *removed,
                  uint64_t *version, lf_error *err) {
  int nf = lf_dataset_num_fragments(r->ds);
  uint32_t *frags = malloc(((size_t)nf + 1) * sizeof *frags);
  if (!frags) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < nf; i++) frags[i] = (uint32_t)lf_dataset_fragment(r->ds, i)->id;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lf_new_index ix = {{0}, name, &fid, 1, lf_dataset_version(r->ds), frags, (size_t)nf,
                     details_url(r->kind), (const uint8_t *)"", 0, 0,
                     (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000, r->files, r->sizes, r->nfiles};
  snprintf(ix.uuid, sizeof ix.uuid, "%s", uuid);
  lf_commit_req req = {0};
  req.kind = LF_COMMIT_INDEX;
  req.new_index = &ix;
  req.removed_uuids = &removed;
  req.n_removed = removed ? 1 : 0;
  int rc = lf_commit(r->s, r->root, lf_dataset_manifest(r->ds), &req, version, err);
  free(frags);
  return rc;
}

static void remove_files(sb_run *r) {
  static const char *names[] = {"page_data.lance", "page_lookup.lance", "bitmap_page_lookup.lance"};
  char path[700];
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", r->dir, names[i]);
    r->s->remove(r->s, path, NULL);
  }
  r->s->remove(r->s, r->dir, NULL);
}

int lf_sidx_create_index(lf_store *s, const char *root, const char *column, int kind, const char *name,
                         int replace, uint64_t *version, lf_error *err) {
  sb_run r = {.s = s, .root = root, .kind = kind};
  lf_index_meta *ix = NULL;
  int nix = 0, field = -1, at = -1;
  int32_t fid = 0;
  char nm[256], uuid[37];
  snprintf(nm, sizeof nm, "%s", name && name[0] ? name : column);
  if (!(name && name[0])) snprintf(nm, sizeof nm, "%s_idx", column);
  int rc = kind == LF_SIDX_BTREE || kind == LF_SIDX_BITMAP || kind == LF_SIDX_LABEL_LIST
               ? lf_dataset_open(s, root, 0, NULL, &r.ds, err) : lf_err(err, LF_ARG, "unknown scalar index kind");
  if (!rc) rc = column_field(&r, column, &field, &fid, err);
  if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(r.ds), &ix, &nix, err);
  for (int i = 0; !rc && i < nix; i++)
    if (ix[i].name && !strcmp(ix[i].name, nm)) at = i;
  if (!rc && at >= 0 && !replace)
    rc = lf_err(err, LF_EXISTS, "%s: an index named '%s' already exists (replace=true replaces it)",
                shown(root), nm);
  lf_uuid4(uuid);
  snprintf(r.dir, sizeof r.dir, "%s%s_indices/%s", root, root[0] ? "/" : "", uuid);
  if (!rc) rc = scan_values(&r, field, err);
  if (!rc) {
    g_sort = &r;
    if (r.n) qsort(r.e, r.n, sizeof *r.e, cmp_ent);
    g_sort = NULL;
    rc = kind == LF_SIDX_BTREE ? write_btree(&r, err) : write_bitmap(&r, err);
  }
  if (!rc) rc = commit(&r, nm, uuid, fid, at >= 0 ? ix[at].uuid : NULL, version, err);
  if (rc && r.nfiles) remove_files(&r);
  free(r.e);
  free(r.arena);
  lf_indices_free(ix, nix);
  lf_dataset_free(r.ds);
  return rc;
}

int lf_sidx_optimize(lf_store *s, const char *root, int *rebuilt, uint64_t *version, lf_error *err) {
  lf_dataset *ds = NULL;
  lf_index_meta *ix = NULL;
  int nix = 0;
  *rebuilt = 0;
  int rc = lf_dataset_open(s, root, 0, NULL, &ds, err);
  if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(ds), &ix, &nix, err);
  const lf_schema *sc = rc ? NULL : lf_dataset_schema(ds);
  for (int i = 0; !rc && i < nix; i++) {
    int kind = lf_sidx_kind(ix[i].type_url), stale = 0;
    if (kind == LF_SIDX_NONE || ix[i].n_fields != 1) continue;
    for (int f = 0; f < lf_dataset_num_fragments(ds); f++) { /* a fragment it lacks */
      int has = 0;
      for (size_t k = 0; k < ix[i].n_frags; k++) has |= ix[i].frags[k] == lf_dataset_fragment(ds, f)->id;
      stale |= !has;
    }
    const char *col = NULL;
    for (int f = 0; f < sc->n_fields; f++)
      if (sc->fields[f]->id == ix[i].fields[0]) col = sc->fields[f]->name;
    if (!stale || !col) continue;
    rc = lf_sidx_create_index(s, root, col, kind, ix[i].name, 1, version, err);
    (*rebuilt)++;
  }
  lf_indices_free(ix, nix);
  lf_dataset_free(ds);
  return rc;
}
