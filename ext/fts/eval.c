/*
** eval.c: owns fts_search (fts.h): the query tree evaluated as LanceDB 0.39
** evaluates it, over row sets of (row id, score), plus the cache of open
** indexes.  The leaves (a match or a phrase on one column) are leaf.c's.
**
** How LanceDB 0.39 combines (checked against it: test/interop/fts_query_*):
**   match        its rows, each score times the match's boost (float32)
**   multi_match  one match per column (own boost); a row of several columns
**                keeps its best score
**   boolean      must: the rows every must query holds, scores summed; then
**                should: without must, the rows any should query holds,
**                scores summed; with must, should queries only add their
**                score to the rows must kept; then must_not drops the rows
**                any must_not query holds.  Without must and should: an error.
**   boost        the rows of positive; those negative holds lose
**                negative_boost * their negative score (scores can go below 0)
** A row's final order: score descending, then row id ascending.
*/
#include "fts/fts_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- row sets --------------------------------------------------------------------- */

int fts_set_push(fts_set *s, uint64_t row_id, float score) {
  if (s->n == s->cap) {
    size_t c = s->cap ? s->cap * 2 : 64;
    lf_fts_hit *h = realloc(s->h, c * sizeof *h);
    if (!h) return -1;
    s->h = h;
    s->cap = c;
  }
  s->h[s->n++] = (lf_fts_hit){row_id, score};
  return 0;
}

void fts_set_free(fts_set *s) {
  free(s->h);
  memset(s, 0, sizeof *s);
}

static int by_row(const void *a, const void *b) {
  const lf_fts_hit *x = a, *y = b;
  return x->row_id < y->row_id ? -1 : x->row_id > y->row_id;
}

void fts_set_sort(fts_set *s) {
  if (s->n > 1) qsort(s->h, s->n, sizeof *s->h, by_row);
}

lf_fts_hit *fts_set_find(const fts_set *s, uint64_t row_id) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->h[mid].row_id < row_id) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && s->h[lo].row_id == row_id ? &s->h[lo] : NULL;
}

int fts_set_union(fts_set *a, const fts_set *b, int fn) {
  fts_set r = {NULL, 0, 0};
  size_t i = 0, j = 0;
  while (i < a->n || j < b->n) {
    int rc;
    if (j == b->n || (i < a->n && a->h[i].row_id < b->h[j].row_id)) {
      rc = fts_set_push(&r, a->h[i].row_id, a->h[i].score), i++;
    } else if (i == a->n || b->h[j].row_id < a->h[i].row_id) {
      rc = fts_set_push(&r, b->h[j].row_id, b->h[j].score), j++;
    } else {
      float x = a->h[i].score, y = b->h[j].score;
      rc = fts_set_push(&r, a->h[i].row_id, fn == FTS_MAX ? (x > y ? x : y) : x + y), i++, j++;
    }
    if (rc) {
      fts_set_free(&r);
      return -1;
    }
  }
  fts_set_free(a);
  *a = r;
  return 0;
}

int fts_set_intersect(fts_set *a, const fts_set *b) {
  size_t k = 0;
  for (size_t i = 0; i < a->n; i++) {
    const lf_fts_hit *h = fts_set_find(b, a->h[i].row_id);
    if (h) a->h[k++] = (lf_fts_hit){a->h[i].row_id, a->h[i].score + h->score};
  }
  a->n = k;
  return 0;
}

void fts_set_add_into(fts_set *a, const fts_set *b) {
  for (size_t i = 0; i < b->n; i++) {
    lf_fts_hit *h = fts_set_find(a, b->h[i].row_id);
    if (h) h->score += b->h[i].score;
  }
}

void fts_set_subtract(fts_set *a, const fts_set *b) {
  size_t k = 0;
  for (size_t i = 0; i < a->n; i++)
    if (!fts_set_find(b, a->h[i].row_id)) a->h[k++] = a->h[i];
  a->n = k;
}

void fts_set_demote(fts_set *a, const fts_set *b, float nb) {
  for (size_t i = 0; i < b->n; i++) {
    lf_fts_hit *h = fts_set_find(a, b->h[i].row_id);
    if (h) h->score -= nb * b->h[i].score;
  }
}

/* ---- the cache of open indexes ------------------------------------------------------- */

typedef struct cache_entry {
  char *root;
  char uuid[37];
  lf_fts *idx;
  lf_tok *tok;
} cache_entry;

struct fts_cache {
  cache_entry *e;
  int n, cap;
};

fts_cache *fts_cache_new(void) { return calloc(1, sizeof(fts_cache)); }

void fts_cache_free(fts_cache *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++) {
    free(c->e[i].root);
    lf_fts_free(c->e[i].idx);
    lf_tok_free(c->e[i].tok);
  }
  free(c->e);
  free(c);
}

int fts_cache_get(fts_cache *c, lf_store *store, const char *root, const char *uuid,
                  lf_fts **idx, lf_tok **tok, lf_error *err) {
  for (int i = 0; i < c->n; i++)
    if (!strcmp(c->e[i].uuid, uuid) && !strcmp(c->e[i].root, root)) {
      *idx = c->e[i].idx;
      *tok = c->e[i].tok;
      return LF_OK;
    }
  if (c->n == c->cap) {
    int cap = c->cap ? c->cap * 2 : 4;
    cache_entry *e = realloc(c->e, (size_t)cap * sizeof *e);
    if (!e) return lf_err(err, LF_NOMEM, "out of memory");
    c->e = e;
    c->cap = cap;
  }
  cache_entry ne = {strdup(root), "", NULL, NULL};
  snprintf(ne.uuid, sizeof ne.uuid, "%s", uuid);
  int rc = ne.root ? lf_fts_open(store, root, uuid, &ne.idx, err) : lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = lf_fts_tokenizer(lf_fts_get_params(ne.idx), &ne.tok, err);
  if (rc) {
    free(ne.root);
    lf_fts_free(ne.idx);
    return rc;
  }
  c->e[c->n++] = ne;
  *idx = ne.idx;
  *tok = ne.tok;
  return LF_OK;
}

/* ---- the query tree ----------------------------------------------------------------- */

static int has_leaf(const fts_query *q) {
  if (q->kind == FTSQ_MATCH || q->kind == FTSQ_PHRASE) return 1;
  if (q->kind == FTSQ_MULTI_MATCH) return q->n_should > 0;
  if (q->kind == FTSQ_BOOST) return has_leaf(q->positive) || has_leaf(q->negative);
  for (int i = 0; i < q->n_should; i++)
    if (has_leaf(q->should[i])) return 1;
  for (int i = 0; i < q->n_must; i++)
    if (has_leaf(q->must[i])) return 1;
  for (int i = 0; i < q->n_must_not; i++)
    if (has_leaf(q->must_not[i])) return 1;
  return 0;
}

static int eval(fts_ctx *c, const fts_query *q, fts_set *out, lf_error *err);

static int nomem(lf_error *err) { return lf_err(err, LF_NOMEM, "out of memory"); }

/* Evaluate each of qs[0..n) and fold them into out: op 0 union (sum or max
** by fn), 1 intersect, 2 add into, 3 subtract. */
static int fold(fts_ctx *c, fts_query *const *qs, int n, int op, int fn, fts_set *out,
                int first_is_out, lf_error *err) {
  int rc = LF_OK;
  for (int i = 0; !rc && i < n; i++) {
    fts_set s = {NULL, 0, 0};
    rc = eval(c, qs[i], first_is_out && i == 0 ? out : &s, err);
    if (rc || (first_is_out && i == 0)) continue;
    if (op == 0 && fts_set_union(out, &s, fn)) rc = nomem(err);
    else if (op == 1) fts_set_intersect(out, &s);
    else if (op == 2) fts_set_add_into(out, &s);
    else if (op == 3) fts_set_subtract(out, &s);
    fts_set_free(&s);
  }
  return rc;
}

static int eval_boolean(fts_ctx *c, const fts_query *q, fts_set *out, lf_error *err) {
  if (!q->n_should && !q->n_must)
    return lf_err(err, LF_ARG, "boolean query must have at least one should/must query");
  int rc = q->n_must ? fold(c, q->must, q->n_must, 1, FTS_SUM, out, 1, err)
                     : fold(c, q->should, q->n_should, 0, FTS_SUM, out, 1, err);
  if (!rc && q->n_must) rc = fold(c, q->should, q->n_should, 2, FTS_SUM, out, 0, err);
  if (!rc) rc = fold(c, q->must_not, q->n_must_not, 3, FTS_SUM, out, 0, err);
  return rc;
}

static int eval(fts_ctx *c, const fts_query *q, fts_set *out, lf_error *err) {
  switch (q->kind) {
    case FTSQ_MATCH:
    case FTSQ_PHRASE:
      return fts_leaf(c, q, out, err);
    case FTSQ_MULTI_MATCH:
      return fold(c, q->should, q->n_should, 0, FTS_MAX, out, 1, err);
    case FTSQ_BOOLEAN:
      return eval_boolean(c, q, out, err);
    case FTSQ_BOOST: {
      fts_set neg = {NULL, 0, 0};
      int rc = eval(c, q->positive, out, err);
      if (!rc) rc = eval(c, q->negative, &neg, err);
      if (!rc) fts_set_demote(out, &neg, (float)q->negative_boost);
      fts_set_free(&neg);
      return rc;
    }
  }
  return lf_err(err, LF_ARG, "unknown full-text query kind %d", (int)q->kind);
}

static int best_first(const void *a, const void *b) {
  const lf_fts_hit *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return x->row_id < y->row_id ? -1 : x->row_id > y->row_id;
}

int fts_cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int ctx_init(fts_ctx *c, lf_error *err) {
  int rc = lf_manifest_indices(lf_dataset_manifest(c->ds), &c->meta, &c->nmeta, err);
  int nf = lf_dataset_num_fragments(c->ds);
  if (!rc && !(c->frags = malloc(((size_t)nf + 1) * sizeof *c->frags))) rc = nomem(err);
  for (int i = 0; !rc && i < nf; i++) c->frags[c->nfrags++] = (uint32_t)lf_dataset_fragment(c->ds, i)->id;
  if (!rc) qsort(c->frags, c->nfrags, sizeof *c->frags, fts_cmp_u32);
  return rc;
}

static void ctx_free(fts_ctx *c) {
  lf_indices_free(c->meta, c->nmeta);
  free(c->frags);
  lf_tok_free(c->bare);
}

/* A query whose best k rows are its index side's best k plus its flat rows: a
** single match (boost 1: a boost could round distinct scores into ties) or
** phrase.  Other trees combine scores after the leaves and need every row. */
static int top_k_leaf(const fts_query *q) {
  return q->kind == FTSQ_PHRASE || (q->kind == FTSQ_MATCH && q->boost == 1.0);
}

int fts_search(fts_cache *cache, lf_store *store, lf_dataset *ds, const fts_query *q,
               const fts_prefilter *pf, lf_fts_hit **hits, size_t *n, lf_error *err) {
  return fts_search_top(cache, store, ds, q, pf, 0, hits, n, err);
}

int fts_search_top(fts_cache *cache, lf_store *store, lf_dataset *ds, const fts_query *q,
                   const fts_prefilter *pf, size_t k, lf_fts_hit **hits, size_t *n,
                   lf_error *err) {
  *hits = NULL;
  *n = 0;
  if (!has_leaf(q)) return lf_err(err, LF_ARG, "FTS query must contain at least one leaf query");
  fts_ctx c = {cache, store, ds, pf, NULL, 0, NULL, 0, NULL, top_k_leaf(q) ? k : 0};
  fts_set s = {NULL, 0, 0};
  int rc = ctx_init(&c, err);
  if (!rc) rc = eval(&c, q, &s, err);
  ctx_free(&c);
  if (rc) {
    fts_set_free(&s);
    return rc;
  }
  if (s.n > 1) qsort(s.h, s.n, sizeof *s.h, best_first);
  if (k && s.n > k) s.n = k;
  if (!s.n) fts_set_free(&s);
  *hits = s.h;
  *n = s.n;
  return LF_OK;
}
