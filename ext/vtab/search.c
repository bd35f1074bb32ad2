/*
** search.c: owns search on the `lance` table: planning the `col MATCH ?`
** constraints with their companions (_k, _metric, _distance bounds,
** _options, ORDER BY _distance / _score / _relevance_score) in xBestIndex,
** reading their arguments in xFilter, running the search over the chosen snapshot
** with the pushed filters as prefilters, and the search's hidden columns.  The
** table (vtab.c) then reads the result rows by row id, in rank order.
**
**   vector column MATCH q   exact or indexed k nearest (ext/vec), _distance
**   text column MATCH q     BM25 full-text search (ext/fts), _score
**   both in one query       hybrid: each side's top k fused by reciprocal rank
**                           (LanceDB's RRF reranker, k = 60), _relevance_score
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fts/fts.h"
#include "vec/ann.h"
#include "vtab.h"

/* ---- Planning --------------------------------------------------------------------- */

/* A _distance bound compares in C exactly as SQLite would compare it: a real,
** or an integer that converts to double exactly (distances are floats). */
static int distance_bound_exact(sqlite3_value *v) {
  if (!v) return 0;
  if (sqlite3_value_type(v) == SQLITE_FLOAT) return 1;
  sqlite3_int64 i = sqlite3_value_int64(v);
  return sqlite3_value_type(v) == SQLITE_INTEGER && i >= -(1LL << 53) && i <= (1LL << 53);
}

/* The first usable `_distance <op> ?` with op inclusive (bit) or strict
** (bit * 2): one lower and one upper bound narrow the search before the top
** k; SQLite checks any others on the results. */
static void plan_distance_bound(const lvtab *vt, sqlite3_index_info *info, vtab_plan *pl, int incl,
                                int strict, int bit) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (!c->usable || c->iColumn != vt->ncols + H_DISTANCE || (c->op != incl && c->op != strict))
      continue;
    vtab_take_constraint(info, pl, bit, i);
    if (c->op == strict) pl->idx |= bit * 2;
    sqlite3_value *rhs = NULL;
    if (sqlite3_vtab_rhs_value(info, i, &rhs) != SQLITE_OK || !distance_bound_exact(rhs))
      info->aConstraintUsage[i].omit = 0; /* not known to compare exactly: SQLite checks */
    return;
  }
}

/* Is table column col a text column (full-text search) rather than a vector? */
static int is_text_col(const lvtab *vt, int col) {
  const lf_field *f = vtab_col_field(vt, col);
  return f && (f->type == LF_T_UTF8 || f->type == LF_T_LARGE_UTF8) && !f->is_blob;
}

/* ORDER BY <h> (desc or not) [, rowid ASC]: the order search results come in. */
static int order_is(const lvtab *vt, const sqlite3_index_info *info, int h, int desc) {
  if (info->nOrderBy < 1 || info->aOrderBy[0].iColumn != vt->ncols + h ||
      info->aOrderBy[0].desc != desc)
    return 0;
  return info->nOrderBy == 1 ||
         (info->nOrderBy == 2 && !info->aOrderBy[1].desc &&
          (info->aOrderBy[1].iColumn == -1 || info->aOrderBy[1].iColumn == vt->ncols + H_ROWID));
}

void vtab_plan_search(const lvtab *vt, sqlite3_index_info *info, vtab_plan *pl) {
  int n = 0, text = 0, vec = 0;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->op != SQLITE_INDEX_CONSTRAINT_MATCH || c->iColumn < 0 || c->iColumn >= vt->ncols)
      continue;
    if (!c->usable) { pl->unusable = 1; continue; }
    if (n == 2 || (n == 1 && c->iColumn == pl->vcol)) continue; /* SQLite reports it */
    if (n == 0) pl->vcol = c->iColumn;
    else pl->col2 = c->iColumn;
    vtab_take_constraint(info, pl, n == 0 ? 32 : 8192, i);
    if (is_text_col(vt, c->iColumn)) text = 1;
    else vec = 1;
    n++;
  }
  if (n == 0) return;
  int k = vtab_find_hidden(vt, info, H_K, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (k >= 0) vtab_take_constraint(info, pl, 64, k);
  int m = vtab_find_hidden(vt, info, H_METRIC, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (m >= 0) vtab_take_constraint(info, pl, 128, m);
  plan_distance_bound(vt, info, pl, SQLITE_INDEX_CONSTRAINT_GE, SQLITE_INDEX_CONSTRAINT_GT, 256);
  plan_distance_bound(vt, info, pl, SQLITE_INDEX_CONSTRAINT_LE, SQLITE_INDEX_CONSTRAINT_LT, 1024);
  int o = vtab_find_hidden(vt, info, H_OPTIONS, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (o >= 0) vtab_take_constraint(info, pl, 4096, o);
  /* results come by distance (vector), score (text) or relevance (both), ties
  ** by row id */
  if (text && vec ? order_is(vt, info, H_RELEVANCE, 1)
      : text      ? order_is(vt, info, H_SCORE, 1)
                  : order_is(vt, info, H_DISTANCE, 0))
    info->orderByConsumed = 1;
}

/* ---- Running ----------------------------------------------------------------------- */

/* Phase 1 of a search: scan the vector and filter columns only, keep the k
** nearest rows that pass the filters (prefilter). */
typedef struct search_ctx {
  const lcursor *c;
  const int *proj;
} search_ctx;

static void search_select(void *ctx, const lf_scan_batch *b, uint8_t *sel) {
  const search_ctx *x = ctx;
  vtab_select_rows(x->c->filters, x->c->nfilters, x->proj, b, sel);
  for (uint64_t i = 0; x->c->sf && i < b->n; i++) /* rows a scalar index rules out */
    if (sel[i] && !vtab_sfilt_allows(x->c, b->rowids[i])) sel[i] = 0;
}

/* _options: parsed strictly, its metric agreeing with _metric's (and used
** when _metric is not given). */
static int search_options(lvtab *vt, vtab_search *s, sqlite3_value *opts) {
  const char *z = opts ? (const char *)sqlite3_value_text(opts) : NULL;
  char *msg = NULL;
  if (z && !(s->options = sqlite3_mprintf("%s", z))) return SQLITE_NOMEM;
  int rc = knn_options_parse(z, &s->opts, &msg);
  if (!rc) rc = knn_options_check_metric(&s->opts, s->metric, &msg);
  if (rc) {
    if (msg) vtab_error(vt, "lance: %s: %s", vt->name, msg);
    sqlite3_free(msg);
    return rc;
  }
  if (!s->metric && s->opts.metric[0] && !(s->metric = sqlite3_mprintf("%s", s->opts.metric)))
    return SQLITE_NOMEM;
  return SQLITE_OK;
}

/* The rows a prefilter from scalar indexes allows (vtab_sfilt_prefilter). */
typedef struct vtab_allow {
  int ok;
  uint64_t *ids;
  size_t n;
} vtab_allow;

/* A vector index on the column, when one fits (ext/vec/ann.c): *used = 1 and
** *out / *nout filled; else the caller searches exactly. */
static int index_search(lvtab *vt, lcursor *c, const lf_field *f, knn_query *kq, lf_scan *vs,
                        int *proj1, int vcol, const vtab_allow *al, int *used, simd_topk_item **out,
                        size_t *nout, lf_error *e) {
  vtab_search *s = &c->search;
  lf_scan *fs = NULL;
  int *projf = NULL;
  if (!vt->ann && !(vt->ann = ann_cache_new())) return lf_err(e, LF_NOMEM, "out of memory");
  int rc = vtab_open_projection(vt, c->ds, vtab_filter_mask(c->filters, c->nfilters), &fs, &projf, e);
  search_ctx xf = {c, projf}, xv = {c, proj1};
  ann_env env = {.cache = vt->ann, .ds = c->ds, .store = vt->store, .vfield = f, .metric = s->metric,
                 .opts = &s->opts, .filter_scan = fs, .vec_scan = vs, .vcol = proj1[vcol],
                 .select = c->nfilters ? search_select : NULL, .select_ctx = &xf,
                 .select_vec = c->nfilters ? search_select : NULL, .select_vec_ctx = &xv,
                 .allow_given = al->ok, .allow = al->ids, .nallow = al->n};
  if (!rc) rc = ann_search(&env, kq, used, out, nout, e);
  lf_scan_free(fs);
  sqlite3_free(projf);
  return rc;
}

/* The exact search over the rows al allows: their vectors taken. */
static int knn_allowed(lvtab *vt, lcursor *c, int vcol, const knn_query *kq, const vtab_allow *al,
                       simd_topk_item **out, size_t *nout, lf_error *e) {
  lf_scan *scan = NULL;
  int *proj = NULL;
  int rc = vtab_open_projection(vt, c->ds, vtab_col_bit(vcol), &scan, &proj, e);
  if (!rc) rc = knn_search_ids(scan, al->ids, al->n, proj[vcol], kq, out, nout, e);
  lf_scan_free(scan);
  sqlite3_free(proj);
  return rc;
}

/* The k nearest rows to q (vector column s->vcol) that pass c's filters, into
** *out / *nout (sqlite3_malloc), nearest first. */
static int run_knn(lvtab *vt, lcursor *c, sqlite3_value *q, simd_topk_item **out, size_t *nout,
                   lf_error *e) {
  vtab_search *s = &c->search;
  int vcol = s->vcol;
  char *msg = NULL;
  knn_query kq;
  const lf_field *f = vtab_col_field(vt, vcol);
  if (!f) return lf_err(e, LF_ARG, "MATCH on a column that is not a vector column");
  if (knn_query_init(&kq, f, q, s->metric, s->k, &msg) != SQLITE_OK) {
    lf_err(e, msg ? LF_ARG : LF_NOMEM, "%s", msg ? msg : "out of memory");
    sqlite3_free(msg);
    return e->code;
  }
  /* a bound that does not compare exactly in C is left to SQLite (omit = 0) */
  if (distance_bound_exact(s->dlo)) kq.lo = sqlite3_value_double(s->dlo), kq.lo_open = s->dlo_open;
  if (distance_bound_exact(s->dhi)) kq.hi = sqlite3_value_double(s->dhi), kq.hi_open = s->dhi_open;
  knn_query_options(&kq, &s->opts);
  uint64_t used = vtab_col_bit(vcol) | vtab_filter_mask(c->filters, c->nfilters);
  uint64_t rows = 0;
  for (int i = 0; i < lf_dataset_num_fragments(c->ds); i++) rows += lf_dataset_fragment(c->ds, i)->physical_rows;
  int n = knn_threads(&s->opts, rows), *proj1 = NULL, rc = LF_OK; /* one scan per thread */
  lf_scan **s1 = sqlite3_malloc64((uint64_t)n * sizeof *s1);
  if (!s1) rc = lf_err(e, LF_NOMEM, "out of memory");
  else memset(s1, 0, (size_t)n * sizeof *s1);
  for (int t = 0; !rc && t < n; t++) {
    int *pj = NULL;
    rc = vtab_open_projection(vt, c->ds, used, &s1[t], &pj, e);
    if (t == 0) proj1 = pj;
    else sqlite3_free(pj);
  }
  vtab_allow al = {0};
  if (!rc && c->sf) rc = vtab_sfilt_prefilter(vt, c, &al.ids, &al.n, &al.ok, e);
  if (!rc && proj1[vcol] < 0) { /* the snapshot lacks the column: no rows */
    *nout = 0;
  } else if (!rc) {
    search_ctx x = {c, proj1};
    int used_index = 0;
    rc = index_search(vt, c, f, &kq, s1[0], proj1, vcol, &al, &used_index, out, nout, e);
    if (!rc && !used_index && al.ok) /* only the allowed rows' vectors, taken */
      rc = knn_allowed(vt, c, vcol, &kq, &al, out, nout, e);
    else if (!rc && !used_index)
      rc = knn_search(s1, n, proj1[vcol], &kq, c->nfilters ? search_select : NULL, &x, out, nout, e);
  }
  sqlite3_free(al.ids);
  for (int t = 0; s1 && t < n; t++) lf_scan_free(s1[t]);
  sqlite3_free(s1);
  sqlite3_free(proj1);
  knn_query_reset(&kq);
  return rc;
}

/* ---- Full-text search ------------------------------------------------------------- */

/* Row ids (ascending) of the candidates hits[0..n) that exist in the snapshot and
** pass c's filters: taken in fragment groups with the filter columns. */
static int passing_ids(lvtab *vt, lcursor *c, const lf_fts_hit *hits, size_t n, uint64_t **pass,
                       size_t *npass, lf_error *e) {
  uint64_t *ids = sqlite3_malloc64((n ? n : 1) * sizeof *ids);
  *pass = sqlite3_malloc64((n ? n : 1) * sizeof **pass);
  *npass = 0;
  lf_scan *scan = NULL;
  int *proj = NULL, rc = ids && *pass ? LF_OK : lf_err(e, LF_NOMEM, "out of memory");
  if (!rc) rc = vtab_open_projection(vt, c->ds, vtab_filter_mask(c->filters, c->nfilters), &scan,
                                     &proj, e);
  size_t m = 0; /* hits a scalar index rules out are not even taken */
  for (size_t i = 0; ids && i < n; i++)
    if (vtab_sfilt_allows(c, hits[i].row_id)) ids[m++] = hits[i].row_id;
  n = m;
  uint8_t *sel = NULL;
  for (size_t at = 0; !rc && at < n;) {
    size_t used = 0;
    const lf_scan_batch *b = NULL;
    if ((rc = lf_scan_take_fragment(scan, ids + at, n - at, &used, &b, e))) break;
    at += used ? used : n - at;
    if (!b || !b->n) continue;
    uint8_t *ns = sqlite3_realloc64(sel, b->n);
    if (!ns) { rc = lf_err(e, LF_NOMEM, "out of memory"); break; }
    sel = ns;
    memset(sel, 1, b->n);
    vtab_select_rows(c->filters, c->nfilters, proj, b, sel);
    for (uint64_t i = 0; i < b->n; i++)
      if (sel[i]) (*pass)[(*npass)++] = b->rowids[i];
  }
  lf_scan_free(scan);
  sqlite3_free(proj);
  sqlite3_free(sel);
  sqlite3_free(ids);
  return rc;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The hits in rank order that exist in the snapshot and pass the filters (the
** prefilter), at most k (k < 0: all), appended to *out as vtab_hits. */
static int keep_passing(lvtab *vt, lcursor *c, const lf_fts_hit *hits, size_t n, sqlite3_int64 k,
                        vtab_hit **out, size_t *nout, lf_error *e) {
  *out = NULL;
  *nout = 0;
  size_t want = k < 0 ? n : (size_t)k, chunk = want < 64 ? 64 : want;
  for (size_t at = 0; at < n && *nout < want; at += chunk, chunk *= 2) {
    size_t m = n - at < chunk ? n - at : chunk, np = 0;
    uint64_t *pass = NULL;
    int rc = passing_ids(vt, c, hits + at, m, &pass, &np, e);
    if (!rc) qsort(pass, np, sizeof *pass, cmp_u64);
    vtab_hit *o = rc ? NULL : sqlite3_realloc64(*out, (*nout + (np ? np : 1)) * sizeof *o);
    if (!rc && !o) rc = lf_err(e, LF_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < m && *nout < want; i++) {
      uint64_t id = hits[at + i].row_id;
      if (!bsearch(&id, pass, np, sizeof *pass, cmp_u64)) continue;
      o[(*nout)++] = (vtab_hit){(int64_t)id, NAN, hits[at + i].score, NAN};
    }
    if (o) *out = o;
    sqlite3_free(pass);
    if (rc) return rc;
  }
  return LF_OK;
}

/* BM25 search of text column s->tcol for query text q: the best k matching rows
** that pass c's filters (k < 0: every one), best first. */
static int run_text(lvtab *vt, lcursor *c, sqlite3_value *q, sqlite3_int64 k, vtab_hit **out,
                    size_t *nout, lf_error *e) {
  const lf_field *f = vtab_col_field(vt, c->search.tcol);
  const char *z = (const char *)sqlite3_value_text(q);
  *out = NULL;
  *nout = 0;
  if (!z) return LF_OK; /* MATCH NULL: no rows */
  char msg[256];
  fts_query *fq = NULL;
  if (fts_query_parse(z, f->name, &fq, msg, sizeof msg))
    return lf_err(e, strcmp(msg, "out of memory") ? LF_ARG : LF_NOMEM, "%s", msg);
  if (!vt->fts && !(vt->fts = fts_cache_new())) {
    fts_query_free(fq);
    return lf_err(e, LF_NOMEM, "out of memory");
  }
  /* the prefilter of the rows no index covers: filter columns after the text */
  int *fields = NULL, *proj = NULL, nf = 0, rc = LF_OK;
  fts_prefilter pf = {0};
  search_ctx x = {c, NULL};
  if (c->nfilters) {
    rc = vtab_projection(vt, c->ds, vtab_filter_mask(c->filters, c->nfilters), &fields, &nf, &proj, e);
    for (int i = 0; !rc && i < vt->ncols; i++)
      if (proj[i] >= 0) proj[i]++;
    pf = (fts_prefilter){fields, nf, search_select, &x};
    x.proj = proj;
  }
  lf_fts_hit *hits = NULL;
  size_t n = 0;
  /* the best kk rows; when deleted or filtered rows leave fewer than k of
  ** them and more exist, again with 4 times kk (past 2^16: every row) */
  int pass = k >= 0 || c->nfilters;
  for (size_t kk = k > 0 ? (size_t)k : 0; !rc;) {
    free(hits);
    hits = NULL;
    rc = fts_search_top(vt->fts, vt->store, c->ds, fq, c->nfilters ? &pf : NULL, kk, &hits, &n, e);
    if (rc || !pass) break;
    sqlite3_free(*out);
    rc = keep_passing(vt, c, hits, n, k, out, nout, e);
    if (rc || k < 0 || *nout >= (size_t)k || !kk || n < kk) break;
    kk = kk > 65536 ? 0 : kk * 4;
  }
  sqlite3_free(fields);
  sqlite3_free(proj);
  fts_query_free(fq);
  if (!rc && !pass && !(*out = sqlite3_malloc64((n + 1) * sizeof **out))) {
    rc = lf_err(e, LF_NOMEM, "out of memory");
  } else if (!rc && !pass) { /* every match, no filter: the cursor's takes drop deleted rows */
    for (size_t i = 0; i < n; i++) (*out)[i] = (vtab_hit){(int64_t)hits[i].row_id, NAN, hits[i].score, NAN};
    *nout = n;
  }
  free(hits);
  return rc;
}

/* ---- Hybrid search: reciprocal rank fusion ------------------------------------------- */

#define RRF_K 60.0f

static int cmp_hit_rowid(const void *a, const void *b) {
  int64_t x = ((const vtab_hit *)a)->rowid, y = ((const vtab_hit *)b)->rowid;
  return x < y ? -1 : x > y;
}
static int cmp_hit_rel(const void *a, const void *b) {
  const vtab_hit *x = a, *y = b;
  if (x->rel != y->rel) return x->rel > y->rel ? -1 : 1;
  return cmp_hit_rowid(a, b);
}

/* Fuse the vector results v[0..nv) (nearest first) and the text results
** t[0..nt) (best first) as LanceDB's RRF reranker does: a row's relevance is the
** sum over the lists holding it of 1 / (rank + 60), rank counted from 0, in
** float32; best first (ties by row id), at most k. */
static int rrf_fuse(const simd_topk_item *v, size_t nv, const vtab_hit *t, size_t nt,
                    sqlite3_int64 k, vtab_hit **out, size_t *nout) {
  vtab_hit *a = sqlite3_malloc64((nv + nt + 1) * sizeof *a);
  if (!a) return SQLITE_NOMEM;
  size_t n = 0;
  for (size_t i = 0; i < nv; i++)
    a[n++] = (vtab_hit){v[i].rowid, v[i].dist, NAN, 1.0f / ((float)i + RRF_K)};
  qsort(a, n, sizeof *a, cmp_hit_rowid);
  size_t nvec = n;
  for (size_t i = 0; i < nt; i++) {
    float r = 1.0f / ((float)i + RRF_K);
    vtab_hit key = {t[i].rowid, 0, 0, 0};
    vtab_hit *h = bsearch(&key, a, nvec, sizeof *a, cmp_hit_rowid);
    if (h) h->score = t[i].score, h->rel += r;
    else a[n++] = (vtab_hit){t[i].rowid, NAN, t[i].score, r};
  }
  qsort(a, n, sizeof *a, cmp_hit_rel);
  *out = a;
  *nout = k >= 0 && (size_t)k < n ? (size_t)k : n;
  return SQLITE_OK;
}

/* ---- Arguments, running, columns --------------------------------------------------- */

const char *vtab_search_cols(lcursor *c, const char *idx_str) {
  vtab_search *s = &c->search;
  char *end;
  for (int i = 0; i < s->ncols; i++) {
    s->col[i] = (int)strtol(idx_str, &end, 10);
    idx_str = *end == ',' || *end == ';' ? end + 1 : end;
  }
  return idx_str;
}

int vtab_search_args(lvtab *vt, lcursor *c, int idx, sqlite3_value **argv, int *a) {
  vtab_search *s = &c->search;
  s->ncols = idx & 8192 ? 2 : 1;
  s->q[0] = argv[(*a)++];
  if (idx & 8192) s->q[1] = argv[(*a)++];
  sqlite3_value *k = idx & 64 ? argv[(*a)++] : NULL;
  sqlite3_value *metric = idx & 128 ? argv[(*a)++] : NULL;
  s->dlo = idx & 256 ? argv[(*a)++] : NULL;
  s->dhi = idx & 1024 ? argv[(*a)++] : NULL;
  sqlite3_value *opts = idx & 4096 ? argv[(*a)++] : NULL;
  s->dlo_open = !!(idx & 512);
  s->dhi_open = !!(idx & 2048);
  s->on = 1;
  s->k = -1;
  if (k && sqlite3_value_type(k) != SQLITE_INTEGER)
    return vtab_error(vt, "lance: %s: _k must be an integer, the number of results", vt->name);
  if (k) s->k = sqlite3_value_int64(k) < 0 ? 0 : sqlite3_value_int64(k);
  if (metric && !(s->metric = sqlite3_mprintf("%s", sqlite3_value_text(metric))))
    return SQLITE_NOMEM;
  return search_options(vt, s, opts);
}

/* Which MATCH column is the vector and which the text one; checked. */
static int classify(lvtab *vt, vtab_search *s, lf_error *e) {
  s->vcol = s->tcol = -1;
  for (int i = 0; i < s->ncols; i++) {
    const lf_field *f = vtab_col_field(vt, s->col[i]);
    int *slot = is_text_col(vt, s->col[i]) ? &s->tcol : f && knn_is_vector(f) ? &s->vcol : NULL;
    if (!slot)
      return lf_err(e, LF_ARG, "MATCH on column '%s', which is neither a text column (full-text "
                    "search) nor a vector column (vector search)", f ? f->name : "?");
    if (*slot >= 0)
      return lf_err(e, LF_ARG, "two MATCH constraints on %s columns ('%s' and '%s'): a query "
                    "searches at most one text and one vector column", slot == &s->tcol ? "text"
                    : "vector", vtab_col_field(vt, *slot)->name, f->name);
    *slot = s->col[i];
  }
  return LF_OK;
}

/* Vector results as hits. */
static int knn_hits(simd_topk_item *v, size_t n, vtab_hit **out) {
  if (!(*out = sqlite3_malloc64((n + 1) * sizeof **out))) return SQLITE_NOMEM;
  for (size_t i = 0; i < n; i++) (*out)[i] = (vtab_hit){v[i].rowid, v[i].dist, NAN, NAN};
  return SQLITE_OK;
}

int vtab_search_run(lvtab *vt, lcursor *c, lf_error *e) {
  vtab_search *s = &c->search;
  int rc = classify(vt, s, e);
  if (rc) return rc;
  int qv = s->col[0] == s->vcol ? 0 : 1, qt = 1 - qv;
  if (s->vcol >= 0 && s->k < 0)
    return lf_err(e, LF_ARG, "%s needs _k = N, the number of %s",
                  s->tcol >= 0 ? "hybrid search" : "vector search",
                  s->tcol >= 0 ? "results" : "neighbours");
  simd_topk_item *v = NULL;
  vtab_hit *t = NULL;
  size_t nv = 0, nt = 0;
  if (s->vcol >= 0) rc = run_knn(vt, c, s->q[qv], &v, &nv, e);
  if (!rc && s->tcol >= 0) rc = run_text(vt, c, s->q[qt], s->k, &t, &nt, e);
  if (!rc) {
    int src = s->tcol < 0 ? knn_hits(v, nv, &s->res)
            : s->vcol < 0 ? (s->res = t, t = NULL, SQLITE_OK)
                          : rrf_fuse(v, nv, t, nt, s->k, &s->res, &nt);
    if (src) rc = lf_err(e, LF_NOMEM, "out of memory");
    s->nres = s->tcol < 0 ? nv : nt;
  }
  sqlite3_free(v);
  sqlite3_free(t);
  return rc;
}

static void result_float(sqlite3_context *ctx, float x) {
  if (x == x) sqlite3_result_double(ctx, x);
}

void vtab_search_column(const lcursor *c, sqlite3_context *ctx, int h) {
  const vtab_search *s = &c->search;
  const vtab_hit *r = s->on && s->rpos ? &s->res[s->rpos - 1] : NULL;
  if (!s->on) return;
  switch (h) {
    case H_DISTANCE: if (r) result_float(ctx, r->dist); break;
    case H_SCORE: if (r) result_float(ctx, r->score); break;
    case H_RELEVANCE: if (r) result_float(ctx, r->rel); break;
    case H_K: if (s->k >= 0) sqlite3_result_int64(ctx, s->k); break;
    case H_METRIC:
      if (s->vcol >= 0) sqlite3_result_text(ctx, s->metric ? s->metric : "l2", -1, SQLITE_TRANSIENT);
      break;
    case H_OPTIONS: if (s->options) sqlite3_result_text(ctx, s->options, -1, SQLITE_TRANSIENT); break;
  }
}

void vtab_search_reset(vtab_search *s) {
  sqlite3_free(s->res);
  sqlite3_free(s->metric);
  sqlite3_free(s->options);
  memset(s, 0, sizeof *s);
}
