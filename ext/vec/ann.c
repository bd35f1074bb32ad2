/*
** ann.c: owns searching a snapshot with a vector index, as LanceDB 0.39 does:
**   1. the index: the snapshot manifest's first index on the vector column
**      whose files open as a vector index of a kind read here, used when its
**      metric is the query's (no metric given: the index's); else exact search
**   2. partitions: the nprobes (default 20, LanceDB's minimum = maximum) whose
**      centroids are nearest the query (l2 for l2 and cosine indexes, whose
**      query is normalized first; dot for dot)
**   3. prefilter: deleted rows, rows of fragments no longer in the snapshot
**      and rows the pushed filters reject are masked before each partition's
**      top k' (k' = k * refine_factor), so k rows come back when k allowed rows
**      lie in the probed partitions
**   4. without refine_factor and with every fragment indexed: the k best of
**      the candidates with the index's distances.  With refine_factor, or when
**      fragments were added after the index (the index's fragment bitmap
**      lacks them): the candidates' vectors are read from the dataset, their
**      exact distances taken, and merged with an exact search of the
**      unindexed fragments; the k best of both
** Ties order by row id; distance_range and _distance bounds apply to the
** reported distances.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vec/ann.h"

#define ANN_DEFAULT_NPROBES 20

/* ---- The index cache ------------------------------------------------------------- */

/* Index files are immutable under their uuid, so an opened index and its
** partitions are kept for the table's life (LanceDB keeps its index cache
** the same way).  The first search loads every partition at once
** (lf_vindex_load_all: each column page decoded once; loading partitions one
** by one decodes a whole page per partition, ~1 ms each on 1M rows), so the
** memory held is the index's decoded size. */
typedef struct ann_entry {
  char *root;
  char uuid[37];
  lf_vindex *v;     /* NULL: the index is of a kind not read here (searched exactly) */
  lf_vpart *parts;  /* v->nparts partitions, NULL until the first search */
  float *cbt;       /* PQ: the codebook transposed (ann_pq_transpose), with parts */
} ann_entry;

struct ann_cache {
  ann_entry *e;
  int n, cap;
};

ann_cache *ann_cache_new(void) { return calloc(1, sizeof(ann_cache)); }

void ann_cache_free(ann_cache *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++) {
    ann_entry *e = &c->e[i];
    for (uint32_t p = 0; e->parts && p < e->v->nparts; p++) lf_vpart_reset(&e->parts[p]);
    free(e->parts);
    free(e->cbt);
    lf_vindex_free(e->v);
    free(e->root);
  }
  free(c->e);
  free(c);
}

/* The entry of index uuid under root, opened on first use. */
static int cache_index(ann_cache *c, lf_store *store, const char *root, const char *uuid,
                       ann_entry **out, lf_error *err) {
  for (int i = 0; i < c->n; i++)
    if (!strcmp(c->e[i].uuid, uuid) && !strcmp(c->e[i].root, root)) return *out = &c->e[i], LF_OK;
  if (c->n == c->cap) {
    int cap = c->cap ? 2 * c->cap : 4;
    ann_entry *ne = realloc(c->e, (size_t)cap * sizeof *ne);
    if (!ne) return lf_err(err, LF_NOMEM, "out of memory");
    c->e = ne;
    c->cap = cap;
  }
  ann_entry e = {strdup(root), "", NULL, NULL, NULL};
  snprintf(e.uuid, sizeof e.uuid, "%s", uuid);
  char *dir = sqlite3_mprintf("%s%s_indices/%s", root, root[0] ? "/" : "", uuid);
  int rc = e.root && dir ? lf_vindex_open(store, dir, &e.v, err) : lf_err(err, LF_NOMEM, "out of memory");
  sqlite3_free(dir);
  if (rc == LF_UNSUPPORTED) rc = LF_OK, e.v = NULL; /* e.g. IVF_RQ: searched exactly */
  if (rc) {
    free(e.root);
    lf_vindex_free(e.v);
    return rc;
  }
  c->e[c->n] = e;
  *out = &c->e[c->n++];
  return LF_OK;
}

/* The entry's partitions, loaded on first use. */
static int cache_parts(ann_entry *e, lf_error *err) {
  if (e->parts) return LF_OK;
  if (e->v->quant == LF_VQ_PQ && !e->cbt && !(e->cbt = ann_pq_transpose(e->v)))
    return lf_err(err, LF_NOMEM, "out of memory");
  lf_vpart *parts = calloc(e->v->nparts + 1, sizeof *parts);
  if (!parts) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = lf_vindex_load_all(e->v, parts, err);
  if (rc) free(parts);
  else e->parts = parts;
  return rc;
}

/* ---- The index ------------------------------------------------------------------ */

/* The snapshot's index on the vector field; *ent NULL when none fits. */
static int find_index(const ann_env *env, ann_cache *cache, ann_entry **ent, lf_index_meta **meta,
                      int *nmeta, int *which, lf_error *err) {
  int rc = lf_manifest_indices(lf_dataset_manifest(env->ds), meta, nmeta, err);
  *ent = NULL;
  for (int i = 0; !rc && !*ent && i < *nmeta; i++) {
    const lf_index_meta *m = &(*meta)[i];
    if (m->n_fields != 1 || m->fields[0] != env->vfield->id || !m->uuid[0]) continue;
    lf_error e = {0};
    rc = cache_index(cache, env->store, lf_dataset_root(env->ds), m->uuid, ent, &e);
    if (rc) rc = lf_err(err, rc, "index %s: %s", m->name, e.msg);
    else if (!(*ent)->v) *ent = NULL;
    *which = i;
  }
  return rc;
}

static simd_metric simd_of(lf_vmetric m) {
  return m == LF_VM_COSINE ? SIMD_COSINE : m == LF_VM_DOT ? SIMD_DOT : m == LF_VM_HAMMING ? SIMD_HAMMING : SIMD_L2;
}

/* ---- Allowed rows (prefilter) -------------------------------------------------------- */

typedef struct allow {
  const ann_env *env;
  const uint64_t *ids; /* sorted allowed row ids (scan mode), or NULL: address mode */
  size_t n;
  int scanned;
  uint64_t *own;       /* ids when allow_scan made them */
} allow;

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Every live row the filters keep, from env->filter_scan. */
static int allow_scan(allow *a, lf_error *err) {
  const ann_env *env = a->env;
  size_t cap = 0;
  uint8_t *sel = NULL;
  const lf_scan_batch *b;
  int rc;
  while (!(rc = lf_scan_next(env->filter_scan, 4096, &b, err)) && b->n) {
    uint8_t *ns = realloc(sel, b->n);
    if (!ns) { rc = lf_err(err, LF_NOMEM, "out of memory"); break; }
    sel = ns;
    memset(sel, 1, b->n);
    if (env->select) env->select(env->select_ctx, b, sel);
    if (a->n + b->n > cap) {
      uint64_t *ni = realloc(a->own, (cap = 2 * (a->n + b->n)) * sizeof *ni);
      if (!ni) { rc = lf_err(err, LF_NOMEM, "out of memory"); break; }
      a->ids = a->own = ni;
    }
    for (uint64_t i = 0; i < b->n; i++)
      if (sel[i]) a->own[a->n++] = b->rowids[i];
  }
  free(sel);
  if (!rc && a->own) qsort(a->own, a->n, sizeof *a->own, cmp_u64);
  a->scanned = 1;
  return rc;
}

/* Address mode: fragment id << 32 | offset, the fragment in the snapshot and
** the offset not deleted. */
static int allowed_addr(const allow *a, uint64_t id, int *ok, lf_error *err) {
  lf_dataset *ds = a->env->ds;
  uint64_t frag = id >> 32, off = id & 0xffffffffu;
  *ok = 0;
  for (int i = 0; i < lf_dataset_num_fragments(ds); i++) {
    const lf_fragment *f = lf_dataset_fragment(ds, i);
    if (f->id != frag) continue;
    const uint32_t *del;
    size_t nd, lo = 0, hi;
    int rc = lf_dataset_deletions(ds, i, &del, &nd, err);
    if (rc) return rc;
    if (off >= f->physical_rows) return LF_OK;
    for (hi = nd; lo < hi;) {
      size_t mid = (lo + hi) / 2;
      if (del[mid] < off) lo = mid + 1;
      else hi = mid;
    }
    *ok = !(lo < nd && del[lo] == off);
    return LF_OK;
  }
  return LF_OK;
}

/* 1 when every row the index covers is live: each fragment of its bitmap is
** in the snapshot without deletions (then no partition needs a mask). */
static int all_live(const lf_dataset *ds, const lf_index_meta *m) {
  if (!m->has_frags) return 0;
  for (size_t j = 0, i; j < m->n_frags; j++) {
    for (i = 0; i < (size_t)lf_dataset_num_fragments(ds); i++)
      if (lf_dataset_fragment(ds, (int)i)->id == m->frags[j]) break;
    if (i == (size_t)lf_dataset_num_fragments(ds) || lf_dataset_fragment(ds, (int)i)->deletion.present)
      return 0;
  }
  return 1;
}

/* The mask of partition p's rows; *mp NULL when every row is allowed. */
static int part_mask(const allow *a, const lf_vpart *p, uint8_t **buf, ann_mask *m,
                     ann_mask **mp, lf_error *err) {
  uint8_t *ok = realloc(*buf, p->n + 1);
  if (!ok) return lf_err(err, LF_NOMEM, "out of memory");
  *buf = ok;
  m->ok = ok;
  m->nok = 0;
  for (uint64_t i = 0; i < p->n; i++) {
    int y = 0;
    if (a->ids) y = bsearch(&p->rowids[i], a->ids, a->n, sizeof *a->ids, cmp_u64) != NULL;
    else if (a->scanned) y = 0;
    else {
      int rc = allowed_addr(a, p->rowids[i], &y, err);
      if (rc) return rc;
    }
    ok[i] = (uint8_t)y;
    m->nok += (uint64_t)y;
  }
  *mp = m->nok == p->n ? NULL : m;
  return LF_OK;
}

/* ---- Partitions ----------------------------------------------------------------------- */

/* The np partitions whose centroids lie nearest q, nearest first (ties by
** partition number; a NaN distance counts as +inf), into out[np]. */
static int probe_order(const lf_vindex *v, const float *q, uint32_t np, uint32_t *out) {
  float *d = malloc((v->nparts + 1) * sizeof *d);
  simd_topk_item *it = malloc((np + 1) * sizeof *it);
  if (!d || !it) {
    free(d);
    free(it);
    return LF_NOMEM;
  }
  simd_get(v->metric == LF_VM_DOT ? SIMD_DOT : SIMD_L2, SIMD_F32)->many(q, v->centroids, v->dim, v->nparts, d);
  simd_topk tk;
  simd_topk_init(&tk, it, np);
  for (uint32_t p = 0; p < v->nparts; p++) simd_topk_push(&tk, d[p] == d[p] ? d[p] : INFINITY, p);
  size_t n = simd_topk_finish(&tk);
  for (size_t i = 0; i < n; i++) out[i] = (uint32_t)it[i].rowid;
  free(d);
  free(it);
  return LF_OK;
}

/* The k' index candidates of the probed partitions into tk. */
static int search_parts(const ann_env *env, ann_entry *ent, int live, const float *q,
                        const allow *a, size_t kk, simd_topk *tk, lf_error *err) {
  const lf_vindex *v = ent->v;
  const knn_options *o = env->opts;
  uint32_t np = o->nprobes > 0 ? (uint32_t)(o->nprobes < (long)v->nparts ? o->nprobes : v->nparts)
                               : (v->nparts < ANN_DEFAULT_NPROBES ? v->nparts : ANN_DEFAULT_NPROBES);
  size_t ef = o->ef > 0 ? (size_t)o->ef : kk + kk / 2;
  uint32_t *pd = malloc((np + 1) * sizeof *pd);
  uint8_t *buf = NULL;
  int rc = pd && !probe_order(v, q, np, pd) ? cache_parts(ent, err) : lf_err(err, LF_NOMEM, "out of memory");
  for (uint32_t i = 0; !rc && i < np; i++) {
    const lf_vpart *part;
    ann_calc c;
    ann_mask m, *mp = NULL;
    part = &ent->parts[pd[i]];
    rc = a->ids || a->scanned || !live ? part_mask(a, part, &buf, &m, &mp, err) : LF_OK;
    if (!rc && ann_calc_init(&c, v, part, pd[i], q, ent->cbt)) rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc && ann_search_part(&c, mp, kk, ef, tk)) rc = lf_err(err, LF_NOMEM, "out of memory");
    ann_calc_reset(&c);
  }
  free(buf);
  free(pd);
  return rc;
}

/* ---- Refine and unindexed rows ------------------------------------------------------- */

/* Exact distances of the candidates (their vectors taken from the dataset). */
static int refine(const ann_env *env, const knn_query *kq, const simd_topk_item *cand, size_t nc,
                  simd_topk *tk, lf_error *err) {
  const simd_kernel *kern = simd_get(kq->metric, kq->elem);
  uint64_t *ids = malloc((nc + 1) * sizeof *ids);
  if (!ids) return lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; i < nc; i++) ids[i] = (uint64_t)cand[i].rowid;
  int rc = LF_OK;
  for (size_t done = 0, used = 0; !rc && done < nc; done += used) {
    const lf_scan_batch *b;
    if ((rc = lf_scan_take_fragment(env->vec_scan, ids + done, nc - done, &used, &b, err))) break;
    if (used == 0) break;
    const lf_array *a = &b->cols[env->vcol], *it = &a->children[0];
    for (uint64_t i = 0; i < b->n; i++) {
      if (lf_array_is_null(a, i) || it->valid) continue; /* no distance: left out */
      float d = kern->one(kq->q, it->values + i * kq->dim * kern->elem_size, kq->dim);
      if (d == d && knn_in_range(kq, d)) simd_topk_push(tk, d, (int64_t)b->rowids[i]);
    }
  }
  free(ids);
  return rc;
}

/* Exact search of the fragments the index does not cover, merged into tk. */
static int search_unindexed(const ann_env *env, const knn_query *kq, const lf_index_meta *m,
                            simd_topk *tk, lf_error *err) {
  simd_topk_item *items = NULL;
  size_t n = 0;
  lf_scan *vs = env->vec_scan;
  int rc = lf_scan_exclude(env->vec_scan, m->frags, m->n_frags, err);
  if (!rc) rc = knn_search(&vs, 1, env->vcol, kq, env->select_vec, env->select_vec_ctx,
                           &items, &n, err);
  for (size_t i = 0; !rc && i < n; i++) simd_topk_push(tk, items[i].dist, items[i].rowid);
  sqlite3_free(items);
  return rc;
}

static int has_unindexed(const lf_dataset *ds, const lf_index_meta *m) {
  if (!m->has_frags) return 0;
  for (int i = 0; i < lf_dataset_num_fragments(ds); i++) {
    uint64_t id = lf_dataset_fragment(ds, i)->id;
    size_t j = 0;
    while (j < m->n_frags && m->frags[j] != id) j++;
    if (j == m->n_frags) return 1;
  }
  return 0;
}

/* ---- Search ----------------------------------------------------------------------------- */

/* The query as the index sees it: float32, normalized for cosine (NULL
** result with *zero = 1 for a zero query, which has no cosine distances). */
static float *index_query(const lf_vindex *v, const knn_query *kq, int *zero) {
  float *q = malloc(v->dim * sizeof *q);
  *zero = 0;
  if (!q) return NULL;
  memcpy(q, kq->q, v->dim * sizeof *q);
  if (v->metric != LF_VM_COSINE) return q;
  float s = 0;
  for (uint32_t i = 0; i < v->dim; i++) s += q[i] * q[i];
  s = sqrtf(s);
  if (!(s > 0)) { free(q); *zero = 1; return NULL; }
  for (uint32_t i = 0; i < v->dim; i++) q[i] /= s;
  return q;
}

static int run(const ann_env *env, ann_entry *ent, const lf_index_meta *m, knn_query *kq,
               simd_topk_item *items, size_t *n, lf_error *err) {
  const lf_vindex *v = ent->v;
  long rf = env->opts->refine_factor;
  size_t kk = (size_t)kq->k * (size_t)(rf > 0 ? rf : 1);
  int exact_rerank = rf > 0 || has_unindexed(env->ds, m), zero, rc = LF_OK;
  simd_topk_item *cand = malloc((kk + 1) * sizeof *cand);
  float *q = index_query(v, kq, &zero);
  allow a = {env, NULL, 0, 0, NULL};
  simd_topk tk, fin;
  if (!cand || (!q && !zero)) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && env->allow_given) a.ids = env->allow, a.n = env->nallow, a.scanned = 1;
  else if (!rc && (env->select || lf_dataset_stable_row_ids(env->ds))) rc = allow_scan(&a, err);
  simd_topk_init(&tk, cand, kk);
  if (!rc && q) rc = search_parts(env, ent, all_live(env->ds, m), q, &a, kk, &tk, err);
  size_t nc = rc ? 0 : simd_topk_finish(&tk);
  simd_topk_init(&fin, items, (size_t)kq->k);
  if (!rc && exact_rerank) rc = refine(env, kq, cand, nc, &fin, err);
  if (!rc && exact_rerank && has_unindexed(env->ds, m)) rc = search_unindexed(env, kq, m, &fin, err);
  for (size_t i = 0; !rc && !exact_rerank && i < nc; i++)
    if (knn_in_range(kq, cand[i].dist)) simd_topk_push(&fin, cand[i].dist, cand[i].rowid);
  *n = rc ? 0 : simd_topk_finish(&fin);
  free(a.own);
  free(cand);
  free(q);
  return rc;
}

int ann_search(const ann_env *env, knn_query *kq, int *used, simd_topk_item **out, size_t *n,
               lf_error *err) {
  ann_entry *ent = NULL;
  lf_index_meta *meta = NULL;
  int nmeta = 0, which = -1, rc = LF_OK;
  *used = 0;
  if (env->opts->exact || kq->elem != SIMD_F32) return LF_OK;
  ann_cache *cache = env->cache ? env->cache : ann_cache_new();
  if (!cache) return lf_err(err, LF_NOMEM, "out of memory");
  if ((rc = find_index(env, cache, &ent, &meta, &nmeta, &which, err)) || !ent) goto done;
  const lf_vindex *v = ent->v;
  if (env->metric && simd_of(v->metric) != kq->metric) goto done; /* LanceDB: a flat search */
  if (v->dim != kq->dim) {
    rc = lf_err(err, LF_CORRUPT, "index %s has dimension %u, column %s %zu", meta[which].name,
                v->dim, env->vfield->name, kq->dim);
    goto done;
  }
  kq->metric = simd_of(v->metric);
  simd_topk_item *items = sqlite3_malloc64((kq->k + 1) * sizeof *items);
  if (!items) rc = lf_err(err, LF_NOMEM, "out of memory");
  else if ((rc = run(env, ent, &meta[which], kq, items, n, err))) sqlite3_free(items);
  else *out = items, *used = 1;
done:
  if (cache != env->cache) ann_cache_free(cache);
  lf_indices_free(meta, nmeta);
  return rc;
}
