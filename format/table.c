/*
** table.c: owns the dataset directory as a whole: finding versions, opening
** a version (by number, tag or latest), and the per-fragment state loaded on
** demand (deletion vectors, row id sequences).
**
** Version files, _versions/<stem>.manifest (verified on LanceDB 0.39 output):
**   v2 naming (the default): stem = u64::MAX - N, 20 digits zero-padded
**     (version 1 is 18446744073709551614.manifest)
**   v1 naming: stem = N in decimal, no padding (1.manifest)
** A 20-digit stem is read as v2 (a v1 stem would need N >= 10^19).  Other
** entries (latest_version_hint.json = {"version":N}, temporary files) are
** ignored: the latest version is found by listing, never from the hint.
*/
#include "lf_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reader feature flags this reader understands (lf_table.h). */
#define KNOWN_READER_FLAGS 63u

char *lf_path_join(const char *root, const char *rel) {
  size_t a = strlen(root), b = strlen(rel);
  while (a > 0 && root[a - 1] == '/') a--;
  char *p = malloc(a + b + 2);
  if (!p) return NULL;
  if (a) memcpy(p, root, a), p[a++] = '/';
  memcpy(p + a, rel, b + 1);
  return p;
}

int lf_read_whole(lf_store *s, const char *path, uint64_t max, uint8_t **out, size_t *n,
                  lf_error *err) {
  uint64_t size;
  *out = NULL;
  *n = 0;
  int rc = s->size(s, path, &size, err);
  if (rc) return rc;
  if (size > max || size > SIZE_MAX / 2)
    return lf_err(err, LF_CORRUPT, "%s: %" PRIu64 " bytes is too large", path, size);
  if ((rc = lf_store_read_alloc(s, path, 0, (size_t)size, out, err))) return rc;
  *n = (size_t)size;
  return LF_OK;
}

static const char *shown(const char *root) { return root[0] ? root : "."; }

/* ---- versions ------------------------------------------------------------- */

typedef struct ventry {
  uint64_t version;
  int v2;
} ventry;

typedef struct vlist {
  ventry *v;
  size_t n, cap;
} vlist;

/* Parse "<digits>.manifest"; 0 if the name is something else. */
static int parse_manifest_name(const char *name, ventry *e) {
  size_t len = strlen(name), nd = 0;
  uint64_t x = 0;
  if (len <= 9 || strcmp(name + len - 9, ".manifest")) return 0;
  for (; nd < len - 9; nd++) {
    unsigned c = (unsigned char)name[nd] - '0';
    if (c > 9 || x > (UINT64_MAX - c) / 10) return 0;
    x = x * 10 + c;
  }
  e->v2 = nd == 20;
  e->version = e->v2 ? UINT64_MAX - x : x;
  return e->version != 0 && e->version != UINT64_MAX;
}

static int collect_version(void *ctx, const char *name) {
  vlist *l = ctx;
  ventry e;
  if (!parse_manifest_name(name, &e)) return LF_OK;
  if (l->n == l->cap) {
    size_t nc = l->cap ? 2 * l->cap : 16;
    ventry *nv = realloc(l->v, nc * sizeof *nv);
    if (!nv) return LF_NOMEM;
    l->v = nv;
    l->cap = nc;
  }
  l->v[l->n++] = e;
  return LF_OK;
}

static int cmp_ventry(const void *a, const void *b) {
  uint64_t x = ((const ventry *)a)->version, y = ((const ventry *)b)->version;
  return x < y ? -1 : x > y;
}

/* Every version of the dataset, ascending and distinct (l->n >= 1). */
static int list_versions(lf_store *s, const char *root, vlist *l, lf_error *err) {
  memset(l, 0, sizeof *l);
  char *dir = lf_path_join(root, "_versions");
  if (!dir) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = s->list(s, dir, collect_version, l, err);
  free(dir);
  if (rc == LF_NOTFOUND)
    rc = lf_err(err, LF_NOTFOUND, "%s: no dataset here (no _versions directory)", shown(root));
  else if (rc == LF_NOMEM)
    rc = lf_err(err, LF_NOMEM, "out of memory");
  else if (!rc && l->n == 0)
    rc = lf_err(err, LF_NOTFOUND, "%s: no dataset here (no manifest in _versions)", shown(root));
  if (rc) {
    free(l->v);
    memset(l, 0, sizeof *l);
    return rc;
  }
  qsort(l->v, l->n, sizeof *l->v, cmp_ventry);
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++)
    if (!k || l->v[i].version != l->v[k - 1].version) l->v[k++] = l->v[i];
  l->n = k;
  return LF_OK;
}

int lf_dataset_versions(lf_store *s, const char *root, uint64_t **out, size_t *n,
                        lf_error *err) {
  vlist l;
  *out = NULL;
  *n = 0;
  int rc = list_versions(s, root, &l, err);
  if (rc) return rc;
  uint64_t *v = malloc(l.n * sizeof *v);
  if (!v) {
    free(l.v);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < l.n; i++) v[i] = l.v[i].version;
  *out = v;
  *n = l.n;
  free(l.v);
  return LF_OK;
}

char *lf_manifest_path(const char *root, uint64_t version, int v2) {
  char rel[64];
  if (v2) snprintf(rel, sizeof rel, "_versions/%020" PRIu64 ".manifest", UINT64_MAX - version);
  else snprintf(rel, sizeof rel, "_versions/%" PRIu64 ".manifest", version);
  return lf_path_join(root, rel);
}

static char *manifest_path(const char *root, ventry e) {
  return lf_manifest_path(root, e.version, e.v2);
}

int lf_find_manifest(lf_store *s, const char *root, uint64_t version, char **path,
                         lf_error *err) {
  *path = NULL;
  for (int v2 = 1; version && v2 >= 0; v2--) { /* probe both names before listing */
    ventry e = {version, v2};
    uint64_t size;
    if (!(*path = manifest_path(root, e))) return lf_err(err, LF_NOMEM, "out of memory");
    int rc = s->size(s, *path, &size, err);
    if (rc == LF_OK) return LF_OK;
    free(*path);
    *path = NULL;
    if (rc != LF_NOTFOUND) return rc;
  }
  vlist l;
  int rc = list_versions(s, root, &l, err);
  if (rc) return rc;
  ventry last = l.v[l.n - 1];
  free(l.v);
  if (version && version != last.version)
    return lf_err(err, LF_NOTFOUND, "%s: version %" PRIu64 " not found (latest is %" PRIu64 ")",
                  shown(root), version, last.version);
  if (!(*path = manifest_path(root, last))) return lf_err(err, LF_NOMEM, "out of memory");
  return LF_OK;
}

int lf_dataset_read_manifest(lf_store *s, const char *root, uint64_t version, lf_manifest *m,
                             lf_error *err) {
  char *path;
  memset(m, 0, sizeof *m);
  int rc = lf_find_manifest(s, root, version, &path, err);
  if (rc) return rc;
  rc = lf_manifest_read(s, path, m, err);
  if (!rc && version && m->version != version) {
    rc = lf_err(err, LF_CORRUPT, "%s: holds version %" PRIu64 ", expected %" PRIu64, path,
                m->version, version);
    lf_manifest_reset(m);
  }
  free(path);
  return rc;
}

/* ---- datasets ------------------------------------------------------------- */

typedef struct frag_state {
  int del_loaded, ids_loaded;
  uint32_t *del;
  size_t ndel;
  lf_rowids ids;
} frag_state;

struct lf_dataset {
  lf_store *store;
  char *root;
  lf_manifest m;
  frag_state *st;
  int *by_id;               /* fragment indices in ascending fragment id order */
  int map_built;            /* stable row ids: map holds every live row id */
  lf_rowid_map map;
  int refs;                 /* lf_dataset_ref'erences + 1 */
  lf_dataset *parent;       /* a view (lf_dataset_view): the base whose manifest m
                            ** borrows everything but its fragment list */
  int n_own_files;          /* a view: its new fragments' files, copied */
  lf_data_file *own_files;
};

typedef struct id_idx {
  uint64_t id;
  int i;
} id_idx;

static int cmp_id_idx(const void *a, const void *b) {
  uint64_t x = ((const id_idx *)a)->id, y = ((const id_idx *)b)->id;
  return x < y ? -1 : x > y;
}

/* Known feature flags, fragment ids of 32 bits, each once (ds->by_id made). */
static int check_manifest(lf_dataset *ds, lf_error *err) {
  const lf_manifest *m = &ds->m;
  uint64_t unknown = m->reader_flags & ~(uint64_t)KNOWN_READER_FLAGS;
  if (unknown)
    return lf_err(err, LF_UNSUPPORTED, "%s: version %" PRIu64 " needs reader feature flags 0x%"
                  PRIx64 " (e.g. data overlay files), which this reader does not support",
                  shown(ds->root), m->version, unknown);
  for (int i = 0; i < m->n_fragments; i++)
    if (m->fragments[i].id > UINT32_MAX)
      return lf_err(err, LF_CORRUPT, "%s: version %" PRIu64 ": fragment id %" PRIu64
                    " exceeds 32 bits", shown(ds->root), m->version, m->fragments[i].id);
  size_t n = (size_t)m->n_fragments;
  id_idx *a = malloc((n + 1) * sizeof *a);
  if (!a || !(ds->by_id = malloc((n + 1) * sizeof *ds->by_id))) {
    free(a);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) a[i] = (id_idx){m->fragments[i].id, (int)i};
  qsort(a, n, sizeof *a, cmp_id_idx);
  int rc = LF_OK;
  for (size_t i = 0; i < n; i++) {
    ds->by_id[i] = a[i].i;
    if (i && a[i].id == a[i - 1].id && !rc)
      rc = lf_err(err, LF_CORRUPT, "%s: version %" PRIu64 ": fragment id %" PRIu64
                  " appears twice", shown(ds->root), m->version, a[i].id);
  }
  free(a);
  return rc;
}

int lf_dataset_open(lf_store *s, const char *root, uint64_t version, const char *tag,
                    lf_dataset **out, lf_error *err) {
  *out = NULL;
  if (tag) {
    lf_tag t;
    int rc = lf_tag_read(s, root, tag, &t, err);
    if (rc) return rc;
    uint64_t tv = t.version;
    lf_tag_reset(&t);
    if (version && version != tv)
      return lf_err(err, LF_ARG, "%s: tag '%s' is version %" PRIu64 ", not %" PRIu64,
                    shown(root), tag, tv, version);
    if (!tv) return lf_err(err, LF_CORRUPT, "%s: tag '%s' names version 0", shown(root), tag);
    version = tv;
  }
  lf_dataset *ds = calloc(1, sizeof *ds);
  if (!ds || !(ds->root = lf_strndup(root, strlen(root)))) {
    free(ds);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  ds->store = s;
  int rc = lf_dataset_read_manifest(s, root, version, &ds->m, err);
  if (!rc) rc = check_manifest(ds, err);
  if (!rc && !(ds->st = calloc((size_t)ds->m.n_fragments + 1, sizeof *ds->st)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (rc) {
    lf_dataset_free(ds);
    return rc;
  }
  *out = ds;
  return LF_OK;
}

void lf_dataset_ref(lf_dataset *ds) { ds->refs++; }

void lf_dataset_free(lf_dataset *ds) {
  if (!ds || ds->refs-- > 0) return;
  for (int i = 0; ds->st && i < ds->m.n_fragments; i++) {
    free(ds->st[i].del);
    lf_rowids_reset(&ds->st[i].ids);
  }
  free(ds->st);
  free(ds->by_id);
  lf_rowid_map_reset(&ds->map);
  if (ds->parent) {
    for (int i = 0; i < ds->n_own_files; i++) lf_data_file_reset(&ds->own_files[i]);
    free(ds->own_files);
    free(ds->m.fragments);
    lf_dataset_free(ds->parent);
  } else {
    lf_manifest_reset(&ds->m);
  }
  free(ds->root);
  free(ds);
}

const lf_manifest *lf_dataset_manifest(const lf_dataset *ds) { return &ds->m; }
const char *lf_dataset_root(const lf_dataset *ds) { return ds->root; }
const lf_schema *lf_dataset_schema(const lf_dataset *ds) { return &ds->m.schema; }
uint64_t lf_dataset_version(const lf_dataset *ds) { return ds->m.version; }
int64_t lf_dataset_timestamp_ns(const lf_dataset *ds) { return ds->m.timestamp_ns; }
const char *lf_dataset_operation(const lf_dataset *ds) {
  return ds->m.txn.present ? ds->m.txn.op_name : NULL;
}
int lf_dataset_stable_row_ids(const lf_dataset *ds) {
  return (ds->m.reader_flags & LF_FEATURE_STABLE_ROW_IDS) != 0;
}
void lf_dataset_file_version(const lf_dataset *ds, int *major, int *minor) {
  const lf_manifest *m = &ds->m;
  unsigned a, b;
  *major = *minor = 0;
  if (m->data_version && sscanf(m->data_version, "%u.%u", &a, &b) == 2) {
    *major = (int)a;
    *minor = (int)b;
  } else if (m->n_fragments && m->fragments[0].n_files) {
    *major = (int)m->fragments[0].files[0].major;
    *minor = (int)m->fragments[0].files[0].minor;
  }
  if (*major == 0 && *minor == 3) *major = 2, *minor = 0; /* "2.0" files say 0.3 */
}
int lf_dataset_num_fragments(const lf_dataset *ds) { return ds->m.n_fragments; }
const lf_fragment *lf_dataset_fragment(const lf_dataset *ds, int i) {
  return i >= 0 && i < ds->m.n_fragments ? &ds->m.fragments[i] : NULL;
}

int lf_dataset_file_path(const lf_dataset *ds, const lf_data_file *f, char **out,
                         lf_error *err) {
  *out = NULL;
  if (f->has_base_id)
    return lf_err(err, LF_UNSUPPORTED, "%s: data file %s lives under base path %u "
                  "(multiple base paths are not supported)", shown(ds->root), f->path, f->base_id);
  if (strstr(f->path, "..") || f->path[0] == '/')
    return lf_err(err, LF_CORRUPT, "%s: data file path '%s' leaves the dataset",
                  shown(ds->root), f->path);
  size_t n = strlen(f->path);
  char *rel = malloc(n + 6);
  if (!rel) return lf_err(err, LF_NOMEM, "out of memory");
  memcpy(rel, "data/", 5);
  memcpy(rel + 5, f->path, n + 1);
  *out = lf_path_join(ds->root, rel);
  free(rel);
  return *out ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
}

static int check_frag(const lf_dataset *ds, int i, lf_error *err) {
  if (i < 0 || i >= ds->m.n_fragments)
    return lf_err(err, LF_ARG, "%s: fragment index %d out of range (%d fragments)",
                  shown(ds->root), i, ds->m.n_fragments);
  return LF_OK;
}

int lf_dataset_deletions(lf_dataset *ds, int i, const uint32_t **rows, size_t *n,
                         lf_error *err) {
  *rows = NULL;
  *n = 0;
  int rc = check_frag(ds, i, err);
  if (rc) return rc;
  frag_state *st = &ds->st[i];
  const lf_fragment *fr = &ds->m.fragments[i];
  if (!st->del_loaded) {
    if ((rc = lf_deletion_read(ds->store, ds->root, fr->id, &fr->deletion, fr->physical_rows,
                               &st->del, &st->ndel, err)))
      return rc;
    st->del_loaded = 1;
  }
  *rows = st->del;
  *n = st->ndel;
  return LF_OK;
}

/* Bytes of a sequence: inline (borrowed, *own NULL) or read from its file. */
static int seq_bytes(lf_dataset *ds, const lf_seq_ref *r, const uint8_t **d, size_t *n,
                     uint8_t **own, lf_error *err) {
  *own = NULL;
  if (r->data) {
    *d = r->data;
    *n = r->len;
    return LF_OK;
  }
  if (r->size > ((uint64_t)1 << 32))
    return lf_err(err, LF_CORRUPT, "%s: row id sequence of %" PRIu64 " bytes", r->path, r->size);
  char *path = lf_path_join(ds->root, r->path);
  if (!path) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = lf_store_read_alloc(ds->store, path, r->offset, (size_t)r->size, own, err);
  free(path);
  *d = *own;
  *n = (size_t)r->size;
  return rc;
}

int lf_dataset_row_ids(lf_dataset *ds, int i, const lf_rowids **out, lf_error *err) {
  *out = NULL;
  int rc = check_frag(ds, i, err);
  if (rc || !lf_dataset_stable_row_ids(ds)) return rc;
  frag_state *st = &ds->st[i];
  const lf_fragment *fr = &ds->m.fragments[i];
  if (!st->ids_loaded) {
    const uint8_t *d = NULL;
    size_t n = 0;
    uint8_t *own;
    if (!fr->row_ids.data && !fr->row_ids.path)
      return lf_err(err, LF_CORRUPT, "%s: fragment %" PRIu64 " has no row id sequence",
                    shown(ds->root), fr->id);
    if ((rc = seq_bytes(ds, &fr->row_ids, &d, &n, &own, err))) return rc;
    rc = lf_rowids_parse(d, n, fr->physical_rows, &st->ids, err);
    free(own);
    if (!rc && st->ids.len != fr->physical_rows) {
      rc = lf_err(err, LF_CORRUPT, "row id sequence has %" PRIu64 " ids for %" PRIu64 " rows",
                  st->ids.len, fr->physical_rows);
      lf_rowids_reset(&st->ids);
    }
    if (rc)
      return lf_err_prefix(err, rc, "%s: fragment %" PRIu64, shown(ds->root), fr->id);
    st->ids_loaded = 1;
  }
  *out = &st->ids;
  return LF_OK;
}

int lf_dataset_row_versions(lf_dataset *ds, int i, int which, uint64_t *out, lf_error *err) {
  int rc = check_frag(ds, i, err);
  if (rc) return rc;
  const lf_fragment *fr = &ds->m.fragments[i];
  const lf_seq_ref *r = which ? &fr->last_updated : &fr->created_at;
  memset(out, 0, (size_t)fr->physical_rows * sizeof *out);
  if (!r->data && !r->path) return LF_OK;
  const uint8_t *d = NULL;
  size_t n = 0;
  uint8_t *own;
  if (!(rc = seq_bytes(ds, r, &d, &n, &own, err)))
    rc = lf_version_seq_parse(d, n, fr->physical_rows, out, err);
  free(own);
  return rc ? lf_err_prefix(err, rc, "%s: fragment %" PRIu64 " %s versions", shown(ds->root),
                            fr->id, which ? "last_updated_at" : "created_at")
            : LF_OK;
}

int lf_dataset_row_id(lf_dataset *ds, int i, uint64_t off, uint64_t *out, lf_error *err) {
  const lf_rowids *ids;
  int rc = lf_dataset_row_ids(ds, i, &ids, err);
  if (rc) return rc;
  const lf_fragment *fr = &ds->m.fragments[i];
  if (off >= fr->physical_rows)
    return lf_err(err, LF_ARG, "%s: fragment %" PRIu64 " has no row %" PRIu64 " (%" PRIu64
                  " rows)", shown(ds->root), fr->id, off, fr->physical_rows);
  *out = ids ? lf_rowids_get(ids, off) : fr->id << 32 | off;
  return LF_OK;
}

/* ---- row id -> row address ------------------------------------------------ */

/* The map of every live row id (stable row ids), built on the first lookup. */
static int build_map(lf_dataset *ds, lf_error *err) {
  int rc = LF_OK;
  for (int i = 0; !rc && i < ds->m.n_fragments; i++) {
    const lf_rowids *ids;
    const uint32_t *del;
    size_t ndel;
    if (!(rc = lf_dataset_row_ids(ds, i, &ids, err)) &&
        !(rc = lf_dataset_deletions(ds, i, &del, &ndel, err)))
      rc = lf_rowid_map_add(&ds->map, i, ids, del, ndel, err);
  }
  size_t bad = 0;
  if (!rc && (rc = lf_rowid_map_finish(&ds->map, &bad))) {
    const lf_rowid_run *a = &ds->map.runs[bad - 1], *b = &ds->map.runs[bad];
    rc = lf_err(err, LF_CORRUPT, "%s: version %" PRIu64 ": row id %" PRIu64 " is live in "
                "fragments %" PRIu64 " and %" PRIu64, shown(ds->root), ds->m.version, b->id,
                ds->m.fragments[a->frag].id, ds->m.fragments[b->frag].id);
  }
  if (rc) lf_rowid_map_reset(&ds->map);
  else ds->map_built = 1;
  return rc;
}

int lf_dataset_locate(lf_dataset *ds, uint64_t id, int *frag, uint64_t *off, lf_error *err) {
  *frag = -1;
  if (lf_dataset_stable_row_ids(ds)) {
    int rc = ds->map_built ? LF_OK : build_map(ds, err);
    if (!rc && !lf_rowid_map_find(&ds->map, id, frag, off)) *frag = -1;
    return rc;
  }
  /* row ids are addresses: the fragment by id, then its deletions */
  int lo = 0, hi = ds->m.n_fragments;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (ds->m.fragments[ds->by_id[mid]].id < id >> 32) lo = mid + 1;
    else hi = mid;
  }
  if (lo == ds->m.n_fragments) return LF_OK;
  int i = ds->by_id[lo];
  const lf_fragment *fr = &ds->m.fragments[i];
  uint64_t o = id & 0xffffffffu;
  if (fr->id != id >> 32 || o >= fr->physical_rows) return LF_OK;
  const uint32_t *del;
  size_t ndel;
  int rc = lf_dataset_deletions(ds, i, &del, &ndel, err);
  if (rc) return rc;
  size_t a = 0, b = ndel;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (del[mid] < o) a = mid + 1;
    else b = mid;
  }
  if (a < ndel && del[a] == o) return LF_OK;
  *frag = i;
  *off = o;
  return LF_OK;
}


uint64_t lf_manifest_next_fragment_id(const lf_manifest *m) {
  uint64_t next = m->has_max_fragment_id ? (uint64_t)m->max_fragment_id + 1 : 0;
  for (int i = 0; i < m->n_fragments; i++)
    if (m->fragments[i].id >= next) next = m->fragments[i].id + 1;
  return next;
}

/* ---- transaction views ------------------------------------------------------ */

static int copy_data_file(lf_data_file *d, const lf_data_file *s) {
  *d = *s;
  d->path = lf_strndup(s->path, strlen(s->path));
  d->fields = malloc(((size_t)s->n_fields + 1) * sizeof *d->fields);
  d->column_indices = malloc(((size_t)s->n_columns + 1) * sizeof *d->column_indices);
  if (!d->path || !d->fields || !d->column_indices) return LF_NOMEM;
  if (s->n_fields) memcpy(d->fields, s->fields, (size_t)s->n_fields * sizeof *d->fields);
  if (s->n_columns)
    memcpy(d->column_indices, s->column_indices, (size_t)s->n_columns * sizeof *d->column_indices);
  return LF_OK;
}

/* New fragment k of view v (index nb + k) from nf: files copied, row ids
** and deletions loaded now. */
static int view_new_frag(lf_dataset *v, int i, const lf_view_frag *nf, uint64_t id) {
  lf_fragment *f = &v->m.fragments[i];
  memset(f, 0, sizeof *f);
  f->id = id;
  f->physical_rows = nf->physical_rows;
  f->n_files = nf->n_files;
  f->files = &v->own_files[v->n_own_files];
  for (int k = 0; k < nf->n_files; k++) {
    memset(&v->own_files[v->n_own_files], 0, sizeof *v->own_files);
    int rc = copy_data_file(&v->own_files[v->n_own_files++], &nf->files[k]);
    if (rc) return rc;
  }
  frag_state *st = &v->st[i];
  st->del_loaded = 1;
  if (nf->n_deleted) {
    if (!(st->del = malloc(nf->n_deleted * sizeof *st->del))) return LF_NOMEM;
    memcpy(st->del, nf->deleted, nf->n_deleted * sizeof *st->del);
    st->ndel = nf->n_deleted;
  }
  if (!lf_dataset_stable_row_ids(v)) return LF_OK;
  lf_rowids *r = &st->ids; /* one segment: a range, or the ids given */
  r->segs = calloc(1, sizeof *r->segs);
  r->seg_off = calloc(2, sizeof *r->seg_off);
  if (!r->segs || !r->seg_off) return LF_NOMEM;
  r->n_segs = 1;
  r->len = r->seg_off[1] = r->segs[0].n = nf->physical_rows;
  r->segs[0].start = nf->first_row_id;
  if (nf->row_ids) {
    if (!(r->segs[0].vals = malloc(nf->physical_rows * sizeof *r->segs[0].vals))) return LF_NOMEM;
    memcpy(r->segs[0].vals, nf->row_ids, nf->physical_rows * sizeof *r->segs[0].vals);
  }
  st->ids_loaded = 1;
  return LF_OK;
}

/* Base fragment i's deletions merged with d's offsets (ascending, distinct). */
static int view_del(lf_dataset *v, lf_dataset *base, const lf_view_del *d, lf_error *err) {
  const uint32_t *old;
  size_t nold, k = 0, a = 0, b = 0;
  int rc = lf_dataset_deletions(base, d->frag, &old, &nold, err);
  if (rc) return rc;
  frag_state *st = &v->st[d->frag];
  if (!(st->del = malloc((nold + d->n + 1) * sizeof *st->del)))
    return lf_err(err, LF_NOMEM, "out of memory");
  while (a < nold || b < d->n) {
    uint32_t x = b >= d->n || (a < nold && old[a] <= d->offsets[b]) ? old[a] : d->offsets[b];
    if (a < nold && old[a] == x) a++;
    if (b < d->n && d->offsets[b] == x) b++;
    st->del[k++] = x;
  }
  st->ndel = k;
  st->del_loaded = 1;
  return LF_OK;
}

static int view_fill(lf_dataset *v, lf_dataset *base, const lf_view_del *dels, int n_dels,
                     const lf_view_frag *nf, int n_new, lf_error *err) {
  int nb = base->m.n_fragments, nfiles = 0;
  for (int k = 0; k < n_new; k++) nfiles += nf[k].n_files;
  v->m.fragments = malloc(((size_t)nb + (size_t)n_new + 1) * sizeof *v->m.fragments);
  v->st = calloc((size_t)nb + (size_t)n_new + 1, sizeof *v->st);
  v->own_files = calloc((size_t)nfiles + 1, sizeof *v->own_files);
  if (!v->m.fragments || !v->st || !v->own_files) return lf_err(err, LF_NOMEM, "out of memory");
  if (nb) memcpy(v->m.fragments, base->m.fragments, (size_t)nb * sizeof *v->m.fragments);
  v->m.n_fragments = nb;
  uint64_t id = lf_manifest_next_fragment_id(&base->m);
  for (int k = 0; k < n_new; k++) {
    if (view_new_frag(v, nb + k, &nf[k], id + (uint64_t)k))
      return lf_err(err, LF_NOMEM, "out of memory");
    v->m.n_fragments++;
  }
  if (n_new) v->m.has_max_fragment_id = 1, v->m.max_fragment_id = (uint32_t)(id + (uint64_t)n_new - 1);
  for (int i = 0; i < n_dels; i++) {
    if (dels[i].frag < 0 || dels[i].frag >= nb || v->st[dels[i].frag].del_loaded)
      return lf_err(err, LF_ARG, "%s: view deletions name fragment index %d badly",
                    shown(base->root), dels[i].frag);
    int rc = view_del(v, base, &dels[i], err);
    if (rc) return rc;
  }
  return check_manifest(v, err);
}

int lf_dataset_view(lf_dataset *base, const lf_view_del *dels, int n_dels, const lf_view_frag *nf,
                    int n_new, lf_dataset **out, lf_error *err) {
  *out = NULL;
  lf_dataset *v = calloc(1, sizeof *v);
  if (!v || !(v->root = lf_strndup(base->root, strlen(base->root)))) {
    free(v);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  v->store = base->store;
  v->m = base->m; /* borrowed, but for the fragment list */
  v->m.fragments = NULL;
  v->m.n_fragments = 0;
  v->parent = base;
  lf_dataset_ref(base);
  int rc = view_fill(v, base, dels, n_dels, nf, n_new, err);
  if (rc) {
    lf_dataset_free(v);
    return rc;
  }
  *out = v;
  return LF_OK;
}
