/*
** bm25.c: owns BM25 scoring as LanceDB 0.39 computes it for an FTS index:
** a query of already tokenized query tokens, its top k kept as LanceDB
** keeps them (the heap below), either exhaustively (every posting of every
** query token scored) or skipping by block-max bounds what cannot reach the
** top k ("pruned evaluation" below), both with the same answer.  A row matches
** when it holds any token (OR); with AND when it holds a token of every
** query position (several tokens at one position are the fuzzy expansions
** of one word: any of them will do); a phrase is AND plus the positions
** (fts_phrase.c).  Which rows match changes, how a row scores does not.
**
** Statistics, all float32 like LanceDB's scorer:
**   N      documents in every partition (rows with at least one token;
**          deleted rows included: the index keeps them)
**   avgdl  (total tokens of those documents) / N
**   df(t)  documents holding t, summed over the partitions
**   idf(t) = ln((N - df + 0.5) / (df + 0.5) + 1)
**   score(d) = sum over the query's tokens t in d, a repeated token as
**              often as it is repeated, of
**              idf(t) * (K1 + 1) * tf / (tf + K1 * (1 - B + B * dl / avgdl))
** with K1 = 1.2, B = 0.75, tf the token's frequency in d, dl d's token count
** (format version 3, 256-document blocks: dl rounded down to its top four
** significant bits, LanceDB's one-byte length code).
** Rows outside the index are scored by the caller (LanceDB's flat search)
** with N, avgdl and df over the index plus those rows (lf_fts_bm25_weights).
*/
#include "fts_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define K1 1.2f
#define B 0.75f

float lf_bm25_idf(uint64_t df, uint64_t num_docs) {
  float n = (float)num_docs, d = (float)df;
  return logf((n - d + 0.5f) / (d + 0.5f) + 1.0f);
}

float lf_bm25_avgdl(uint64_t total_tokens, uint64_t num_docs) {
  return (float)total_tokens / (float)num_docs;
}

uint32_t lf_bm25_quantize_len(uint32_t len) {
  unsigned bits = 0;
  while (bits < 32 && len >> bits) bits++;
  if (bits < 4) return len;
  unsigned shift = bits - 4;
  return (len >> shift) << shift; /* the top four significant bits */
}

float lf_bm25_weight(uint32_t tf, uint32_t doc_tokens, float avgdl) {
  float norm = K1 * (1.0f - B + B * (float)doc_tokens / avgdl), f = (float)tf;
  return (K1 + 1.0f) * f / (f + norm);
}

/* ---- the query's tokens per partition ----------------------------------------- */

typedef struct qtok {
  const char *s;
  size_t len;
  int first;          /* the first token equal to this one (itself if none) */
  uint32_t pos;       /* query position */
  int group;          /* index of its position among the distinct ones */
  uint64_t df;
  float idf;
  int64_t *ids;       /* per partition: token id, or -1 */
} qtok;

typedef struct bm25_run {
  lf_fts *idx;
  const lf_fts_query *q;
  int nparts, nt, ngroups;
  qtok *t;
  uint64_t num_docs;
  float avgdl;
  int quantize;       /* format version 3: lengths as their 4-bit-mantissa code */
  int need_all;       /* AND or phrase: every group must be held */
  const uint32_t *del; /* the index's deleted fragments (ascending) */
  size_t ndel;
  int part;           /* the partition being scored */
} bm25_run;

static void run_free(bm25_run *r) {
  for (int i = 0; r->t && i < r->nt; i++) free(r->t[i].ids);
  free(r->t);
}

/* Query positions (ascending) and their groups. */
static int run_groups(bm25_run *r, lf_error *err) {
  const lf_fts_query *q = r->q;
  for (int i = 0; i < r->nt; i++) {
    qtok *t = &r->t[i];
    t->pos = q->positions ? q->positions[i] : (uint32_t)i;
    if (i && t->pos < r->t[i - 1].pos) return lf_err(err, LF_ARG, "query positions do not ascend");
    if (!i || t->pos != r->t[i - 1].pos) r->ngroups++;
    t->group = r->ngroups - 1;
  }
  r->need_all = q->op_and || q->phrase;
  return LF_OK;
}

/* Look every query token up in every partition (a repeated token once);
** sum the df; then N, avgdl and the idf over the index plus extra. */
static int run_tokens(bm25_run *r, const lf_fts_extra *extra, lf_error *err) {
  const lf_fts_query *q = r->q;
  r->nt = q->ntokens;
  r->nparts = r->idx ? lf_fts_num_partitions(r->idx) : 0;
  if (!(r->t = calloc((size_t)r->nt + 1, sizeof *r->t))) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = run_groups(r, err);
  for (int i = 0; !rc && i < r->nt; i++) {
    qtok *t = &r->t[i];
    t->s = q->tokens[i];
    t->len = q->lens ? q->lens[i] : strlen(t->s);
    t->first = i;
    for (int j = 0; j < i && t->first == i; j++)
      if (r->t[j].len == t->len && !memcmp(r->t[j].s, t->s, t->len)) t->first = j;
    if (!(t->ids = malloc(((size_t)r->nparts + 1) * sizeof *t->ids)))
      return lf_err(err, LF_NOMEM, "out of memory");
    for (int p = 0; p < r->nparts; p++) {
      int found = 0, rc;
      uint32_t id, n;
      t->ids[p] = t->first < i ? r->t[t->first].ids[p] : -1;
      if (t->first < i) continue;
      if ((rc = lf_fts_token_lookup(r->idx, p, t->s, t->len, &found, &id, err))) return rc;
      if (!found) continue;
      if ((rc = lf_fts_posting_len(r->idx, p, id, &n, err))) return rc;
      t->ids[p] = id;
      t->df += n;
    }
    if (t->first < i) t->df = r->t[t->first].df;
  }
  if (rc) return rc;
  lf_fts_stats s = {0, 0};
  if (r->idx) lf_fts_stats_get(r->idx, -1, &s);
  r->num_docs = s.num_docs + (extra ? extra->num_docs : 0);
  uint64_t tokens = s.total_tokens + (extra ? extra->total_tokens : 0);
  r->avgdl = r->num_docs ? lf_bm25_avgdl(tokens, r->num_docs) : 0;
  for (int i = 0; i < r->nt; i++) {
    uint64_t df = r->t[i].df + (extra && extra->df ? extra->df[i] : 0);
    r->t[i].idf = df ? lf_bm25_idf(df, r->num_docs) : 0;
  }
  return LF_OK;
}

int lf_fts_bm25_weights(lf_fts *idx, const lf_fts_query *q, const lf_fts_extra *extra,
                        uint64_t *num_docs, float *avgdl, float *idf, lf_error *err) {
  bm25_run r = {idx, q, 0, 0, 0, NULL, 0, 0, 0, 0, NULL, 0, 0};
  int rc = q->ntokens < 0 ? lf_err(err, LF_ARG, "negative token count") : run_tokens(&r, extra, err);
  if (!rc) {
    *num_docs = r.num_docs;
    *avgdl = r.avgdl;
    for (int i = 0; i < r.nt; i++) idf[i] = r.t[i].idf;
  }
  run_free(&r);
  return rc;
}

/* ---- top k -------------------------------------------------------------------------- */

/* The top k as LanceDB 0.39 keeps it (lance-index's TopKCollector): a heap
** of candidates whose minimum is the lowest score, among equal scores the
** shortest document, then the lowest doc id; once k are held a document
** enters only with a score strictly above that minimum, which it evicts.
** Documents come in doc id order (partition by partition), so among rows
** tied at the k-th score the ones that came while the k-th score was still
** lower are kept, the shortest and earliest evicted first: a deterministic
** rule, not "lowest row id" (docs/fts.md, "Ties at the k-th place"). */
typedef struct cand {
  lf_fts_hit hit;
  uint32_t len;       /* the document's token count */
  uint64_t doc;       /* partition << 32 | doc id: the order documents come in */
} cand;

typedef struct topk {
  cand *h;
  size_t n, cap, k;    /* k == 0: keep all */
} topk;

/* a leaves the heap before b */
static int below(const cand *a, const cand *b) {
  if (a->hit.score != b->hit.score) return a->hit.score < b->hit.score;
  return a->len != b->len ? a->len < b->len : a->doc < b->doc;
}

static void sift_down(topk *t, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < t->n && below(&t->h[l], &t->h[m])) m = l;
    if (l + 1 < t->n && below(&t->h[l + 1], &t->h[m])) m = l + 1;
    if (m == i) return;
    cand x = t->h[i];
    t->h[i] = t->h[m];
    t->h[m] = x;
    i = m;
  }
}

static int heap_full(const topk *t) { return t->k && t->n == t->k; }

/* A document with this score would not enter. */
static int rejected(const topk *t, float score) { return heap_full(t) && !(score > t->h[0].hit.score); }

static int topk_push(topk *t, cand c) {
  if (heap_full(t)) { /* replace the minimum */
    if (rejected(t, c.hit.score)) return 0;
    t->h[0] = c;
    sift_down(t, 0);
    return 0;
  }
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    cand *h = realloc(t->h, cap * sizeof *h);
    if (!h) return -1;
    t->h = h;
    t->cap = cap;
  }
  size_t i = t->n++;
  t->h[i] = c;
  while (t->k && i && below(&t->h[i], &t->h[(i - 1) / 2])) {
    cand x = t->h[i];
    t->h[i] = t->h[(i - 1) / 2];
    t->h[(i - 1) / 2] = x;
    i = (i - 1) / 2;
  }
  return 0;
}

/* The answer's order: score descending, then row id ascending. */
static int best_first(const void *a, const void *b) {
  const lf_fts_hit *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return x->row_id < y->row_id ? -1 : x->row_id > y->row_id;
}

static int in_sorted(const uint32_t *a, size_t n, uint32_t v) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && a[lo] == v;
}

/* Read partition p's lists of the query tokens (a repeated token's once).
** *live = 0 when no row of p can match (AND or phrase: a position none of
** whose tokens p holds). */
static int part_read(bm25_run *r, int p, lf_fts_posting *pl, int *live, lf_error *err) {
  int flags = LF_FTS_ROW_IDS | (r->q->phrase ? LF_FTS_POSITIONS : 0), rc = LF_OK;
  *live = 1;
  for (int g = 0, i = 0; r->need_all && g < r->ngroups; g++) {
    int held = 0;
    for (; i < r->nt && r->t[i].group == g; i++) held |= r->t[i].ids[p] >= 0;
    if (!held) *live = 0;
  }
  for (int i = 0; !rc && i < r->nt; i++) {
    pl[i].n = 0;
    if (*live && r->t[i].first == i && r->t[i].ids[p] >= 0)
      rc = lf_fts_posting_read(r->idx, p, (uint32_t)r->t[i].ids[p], flags, &pl[i], err);
  }
  return rc;
}

/* The list of token i (its first copy's) holds doc at its cursor. */
static int holds(const bm25_run *r, const lf_fts_posting *pl, const size_t *cur, int i,
                 uint32_t doc) {
  int l = r->t[i].first;
  return cur[l] < pl[l].n && pl[l].doc_ids[cur[l]] == doc;
}

/* AND and phrase: doc holds a token of every position, and the phrase. */
static int doc_matches(bm25_run *r, const lf_fts_posting *pl, const size_t *cur, uint32_t doc,
                       lf_fts_phrase_term *pt, int *match, lf_error *err) {
  *match = 1;
  for (int g = 0, i = 0; g < r->ngroups && *match; g++) {
    int held = 0;
    for (; i < r->nt && r->t[i].group == g; i++) held |= holds(r, pl, cur, i, doc);
    *match = held;
  }
  if (!*match || !r->q->phrase) return LF_OK;
  for (int i = 0; i < r->nt; i++) { /* a phrase has one token per position */
    const lf_fts_posting *l = &pl[r->t[i].first];
    size_t c = cur[r->t[i].first];
    pt[i] = (lf_fts_phrase_term){l->positions + l->pos_start[c],
                                 l->pos_start[c + 1] - l->pos_start[c], r->t[i].pos};
  }
  return lf_fts_phrase_match(pt, r->nt, r->q->slop, 0, match, err);
}

/* doc's score: every token whose list's cursor is on doc, in query order
** (the one summation every path uses, so that scores are bit-identical). */
static float doc_score(const bm25_run *r, const lf_fts_posting *pl, const size_t *cur,
                       uint32_t doc) {
  float score = 0;
  for (int i = 0; i < r->nt; i++) { /* lists of repeated tokens are empty */
    int l = r->t[i].first;
    if (!holds(r, pl, cur, i, doc)) continue;
    uint32_t dl = pl[l].num_tokens[cur[l]];
    if (r->quantize) dl = lf_bm25_quantize_len(dl);
    score += r->t[i].idf * lf_bm25_weight(pl[l].freqs[cur[l]], dl, r->avgdl);
  }
  return score;
}

/* A scored document into the top k unless it would not enter, its fragment
** is deleted or the filter drops it (doc: its doc id in partition
** r->part, l: a list holding it at its cursor). */
static int emit(const bm25_run *r, topk *top, const lf_fts_posting *pl, const size_t *cur, int l,
                uint32_t doc, float score, lf_error *err) {
  if (rejected(top, score)) return LF_OK;
  uint64_t row = pl[l].row_ids[cur[l]];
  if (r->ndel && in_sorted(r->del, r->ndel, (uint32_t)(row >> 32))) return LF_OK;
  if (r->q->filter && !r->q->filter(r->q->filter_ctx, row)) return LF_OK;
  cand c = {{row, score}, pl[l].num_tokens[cur[l]], (uint64_t)r->part << 32 | doc};
  return topk_push(top, c) ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

/* Score partition p exhaustively: merge the query tokens' posting lists by
** doc id, every document of every list (the reference the pruned paths below
** are tested against). */
static int score_part(bm25_run *r, lf_fts_posting *pl, size_t *cur, lf_fts_phrase_term *pt,
                      topk *top, lf_error *err) {
  int rc = LF_OK;
  for (;;) {
    uint32_t doc = UINT32_MAX;
    int any = 0, at = -1, match = 1;
    for (int i = 0; i < r->nt; i++)
      if (cur[i] < pl[i].n && (!any || pl[i].doc_ids[cur[i]] < doc))
        doc = pl[i].doc_ids[cur[i]], any = 1, at = i;
    if (!any) break;
    if (r->need_all && (rc = doc_matches(r, pl, cur, doc, pt, &match, err))) break;
    if (match && (rc = emit(r, top, pl, cur, at, doc, doc_score(r, pl, cur, doc), err))) break;
    for (int i = 0; i < r->nt; i++)
      if (cur[i] < pl[i].n && pl[i].doc_ids[cur[i]] == doc) cur[i]++;
  }
  return rc;
}

/* ---- pruned evaluation ----------------------------------------------------------------
** With k > 0, OR is block-max MaxScore: each list's documents are cut into
** blocks of BOUND_BLOCK postings, each block bounded by idf times the
** largest weight of its documents (times the number of query tokens sharing
** the list; block_bounds); lists whose bounds together stay below the k-th score
** cannot bring a row in alone (non-essential: only looked up), and a window
** of documents is skipped when the current blocks of the essential lists
** plus the non-essential bounds stay below it.  AND and phrases leapfrog:
** every position's lists are advanced to the largest of the positions' next
** documents (a galloping search), so only documents holding a token of every
** position are looked at, and with k > 0 windows and documents whose block
** bounds stay below the k-th score are skipped too.  A document that may
** still rank is scored by doc_score, the exhaustive path's own summation,
** and offered to the same heap in the same doc order, so the top k are the
** exhaustive ones: a skipped document scores strictly below the k-th, and
** the heap would have refused it. */

#define BOUND_BLOCK 128u
/* Bounds are float32 sums rounded differently from the scores: a document
** is skipped only when its bound times BOUND_SLACK is below the k-th. */
#define BOUND_SLACK 1.001f

typedef struct plist {
  int l;          /* the list's token (the first query token with it) */
  float *bb;      /* per block: an upper bound of the list's part of a score */
  float ub;       /* the largest of them */
} plist;

/* The k best are kept and bound (times the slack) ranks strictly below the
** k-th. */
static int below_kth(const topk *t, float bound) {
  return heap_full(t) && bound * BOUND_SLACK < t->h[0].hit.score;
}

/* The first index >= at of d[0..n) holding a doc id >= target (galloping). */
static size_t seek(const uint32_t *d, size_t n, size_t at, uint64_t target) {
  if (at >= n || d[at] >= target) return at;
  size_t lo = at, step = 1; /* d[lo] < target */
  while (lo + step < n && d[lo + step] < target) lo += step, step *= 2;
  size_t hi = lo + step < n ? lo + step : n;
  for (lo++; lo < hi;) {
    size_t mid = lo + (hi - lo) / 2;
    if (d[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* The weight of a document of len tokens holding a token tf times. */
static float weight(const bm25_run *r, uint32_t tf, uint32_t len) {
  return lf_bm25_weight(tf, r->quantize ? lf_bm25_quantize_len(len) : len, r->avgdl);
}

/* Block bounds of list l (mult query tokens share it): per block the
** largest weight of its documents, found without a division per document
** for frequencies 1 to 3 (the weight of the shortest document of each: the
** weight falls with the length); the others are weighed one by one. */
static int block_bounds(const bm25_run *r, const lf_fts_posting *p, int l, int mult, plist *x) {
  uint32_t nb = (p->n + BOUND_BLOCK - 1) / BOUND_BLOCK;
  x->l = l;
  x->ub = 0;
  if (!(x->bb = malloc(((size_t)nb + 1) * sizeof *x->bb))) return -1;
  float w = (float)mult * r->t[l].idf;
  for (uint32_t b = 0; b < nb; b++) {
    uint32_t lo = b * BOUND_BLOCK, hi = p->n - lo < BOUND_BLOCK ? p->n : lo + BOUND_BLOCK;
    uint32_t dl[4] = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
    float best = 0;
    for (uint32_t i = lo; i < hi; i++) {
      uint32_t f = p->freqs[i];
      if (f < 4 && p->num_tokens[i] < dl[f]) dl[f] = p->num_tokens[i];
      float v = f < 4 ? 0 : weight(r, f, p->num_tokens[i]);
      if (v > best) best = v;
    }
    for (uint32_t f = 1; f < 4; f++) {
      float v = dl[f] == UINT32_MAX ? 0 : weight(r, f, dl[f]);
      if (v > best) best = v;
    }
    x->bb[b] = w * best;
    if (x->bb[b] > x->ub) x->ub = x->bb[b];
  }
  return 0;
}

/* The partition's non-empty distinct lists with their bounds. */
static int plists_new(const bm25_run *r, const lf_fts_posting *pl, plist **out, int *m) {
  *m = 0;
  if (!(*out = calloc((size_t)r->nt + 1, sizeof **out))) return -1;
  for (int l = 0; l < r->nt; l++) {
    if (r->t[l].first != l || !pl[l].n) continue;
    int mult = 0;
    for (int i = l; i < r->nt; i++) mult += r->t[i].first == l;
    if (block_bounds(r, &pl[l], l, mult, &(*out)[(*m)++])) return -1;
  }
  return 0;
}

static void plists_free(plist *ls, int m) {
  for (int j = 0; ls && j < m; j++) free(ls[j].bb);
  free(ls);
}

static int by_bound(const void *a, const void *b) {
  float x = ((const plist *)a)->ub, y = ((const plist *)b)->ub;
  return x < y ? -1 : x > y;
}

/* The current block of list x (cursor c): its bound and its last doc id. */
static float cur_block(const lf_fts_posting *p, const plist *x, size_t c, uint32_t *last) {
  size_t b = c / BOUND_BLOCK, end = (b + 1) * BOUND_BLOCK;
  *last = p->doc_ids[(end < p->n ? end : p->n) - 1];
  return x->bb[b];
}

/* Score doc (every list's cursor at or past it) and move the lists on it
** past it; at is a list on doc (its row id). */
static int take_doc(bm25_run *r, lf_fts_posting *pl, size_t *cur, uint32_t doc, int at, topk *top,
                    lf_error *err) {
  int rc = emit(r, top, pl, cur, at, doc, doc_score(r, pl, cur, doc), err);
  for (int l = 0; l < r->nt; l++)
    if (cur[l] < pl[l].n && pl[l].doc_ids[cur[l]] == doc) cur[l]++;
  return rc;
}

/* OR, top k: block-max MaxScore over ls (sorted by bound, ascending). */
static int prune_or(bm25_run *r, lf_fts_posting *pl, size_t *cur, const plist *ls, int m, topk *top,
                    lf_error *err) {
  int e = 0, rc = LF_OK;
  float pre = 0; /* bound of the non-essential lists ls[0..e) */
  while (!rc) {
    while (e < m && below_kth(top, pre + ls[e].ub)) pre += ls[e++].ub;
    uint32_t d = UINT32_MAX, end = UINT32_MAX, last;
    float wb = pre, db = pre;
    int at = -1;
    for (int j = e; j < m; j++) {
      const lf_fts_posting *p = &pl[ls[j].l];
      size_t c = cur[ls[j].l];
      if (c >= p->n) continue;
      wb += cur_block(p, &ls[j], c, &last);
      if (last < end) end = last;
      if (p->doc_ids[c] < d) d = p->doc_ids[c], at = ls[j].l;
    }
    if (at < 0) break; /* essential lists exhausted (or none left) */
    for (int j = e; j < m; j++) {
      size_t *c = &cur[ls[j].l];
      const lf_fts_posting *p = &pl[ls[j].l];
      if (below_kth(top, wb)) *c = seek(p->doc_ids, p->n, *c, (uint64_t)end + 1);
      else if (*c < p->n && p->doc_ids[*c] == d) db += cur_block(p, &ls[j], *c, &last);
    }
    if (below_kth(top, wb)) continue;
    if (below_kth(top, db)) { /* d cannot rank: past it */
      for (int j = e; j < m; j++)
        if (cur[ls[j].l] < pl[ls[j].l].n && pl[ls[j].l].doc_ids[cur[ls[j].l]] == d) cur[ls[j].l]++;
      continue;
    }
    for (int j = 0; j < e; j++) cur[ls[j].l] = seek(pl[ls[j].l].doc_ids, pl[ls[j].l].n, cur[ls[j].l], d);
    rc = take_doc(r, pl, cur, d, at, top, err);
  }
  return rc;
}

/* AND / phrase: the next document holding a token of every position, at or
** after the lists' cursors (*doc, *at a list on it; 0 when there is none),
** windows whose block bounds cannot rank skipped. */
static int next_all(bm25_run *r, lf_fts_posting *pl, size_t *cur, const plist *ls,
                    const int *of, const topk *top, uint32_t *doc, int *at) {
  for (uint64_t target = 0;;) {
    uint64_t end = UINT64_MAX;
    float wb = 0;
    for (int g = 0, i = 0; g < r->ngroups; g++) {
      uint64_t gn = UINT64_MAX;
      float gb = 0;
      for (; i < r->nt && r->t[i].group == g; i++) {
        int l = r->t[i].first;
        lf_fts_posting *p = &pl[l];
        if (of[l] < 0 || (cur[l] = seek(p->doc_ids, p->n, cur[l], target)) >= p->n) continue;
        uint32_t last;
        gb += cur_block(p, &ls[of[l]], cur[l], &last); /* a row scores every alternative it holds */
        if (last < end) end = last;
        if (p->doc_ids[cur[l]] < gn) gn = p->doc_ids[cur[l]], *at = l;
      }
      if (gn == UINT64_MAX) return 0;
      if (gn > target) target = gn;
      wb += gb;
    }
    if (below_kth(top, wb)) {
      if (end + 1 > target) target = end + 1;
      continue;
    }
    int all = 1;
    for (int g = 0, i = 0; g < r->ngroups && all; g++) {
      int held = 0;
      for (; i < r->nt && r->t[i].group == g; i++) held |= holds(r, pl, cur, i, (uint32_t)target);
      all = held;
    }
    if (all) { /* every list at or past it (an alternative may lag behind) */
      *doc = (uint32_t)target;
      for (int l = 0; l < r->nt; l++)
        if ((cur[l] = seek(pl[l].doc_ids, pl[l].n, cur[l], target)) < pl[l].n && pl[l].doc_ids[cur[l]] == *doc)
          *at = l;
      return 1;
    }
  }
}

/* AND / phrase: leapfrog over the positions' lists. */
static int prune_and(bm25_run *r, lf_fts_posting *pl, size_t *cur, lf_fts_phrase_term *pt,
                     const plist *ls, const int *of, topk *top, lf_error *err) {
  uint32_t doc;
  int at = -1, rc = LF_OK, match;
  while (!rc && next_all(r, pl, cur, ls, of, top, &doc, &at)) {
    float db = 0;
    uint32_t last;
    for (int i = 0; i < r->nt; i++) {
      int l = r->t[i].first;
      if (l == i && holds(r, pl, cur, i, doc)) db += cur_block(&pl[l], &ls[of[l]], cur[l], &last);
    }
    if (!below_kth(top, db) && !(rc = doc_matches(r, pl, cur, doc, pt, &match, err)) && match) {
      rc = take_doc(r, pl, cur, doc, at, top, err);
      continue;
    }
    for (int l = 0; l < r->nt; l++)
      if (cur[l] < pl[l].n && pl[l].doc_ids[cur[l]] == doc) cur[l]++;
  }
  return rc;
}

static int pruned(bm25_run *r, lf_fts_posting *pl, size_t *cur, lf_fts_phrase_term *pt, topk *top,
                  lf_error *err) {
  plist *ls = NULL;
  int m = 0, rc = LF_OK, *of = malloc(((size_t)r->nt + 1) * sizeof *of);
  if (!of || plists_new(r, pl, &ls, &m)) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && !r->need_all) {
    qsort(ls, (size_t)m, sizeof *ls, by_bound);
    rc = prune_or(r, pl, cur, ls, m, top, err);
  } else if (!rc) {
    for (int l = 0; l < r->nt; l++) of[l] = -1;
    for (int j = 0; j < m; j++) of[ls[j].l] = j;
    rc = prune_and(r, pl, cur, pt, ls, of, top, err);
  }
  plists_free(ls, m);
  free(of);
  return rc;
}

/* Partition p: its lists read, then scored exhaustively or pruned. */
static int run_part(bm25_run *r, int p, lf_fts_posting *pl, lf_fts_phrase_term *pt, topk *top,
                    lf_error *err) {
  size_t *cur = calloc((size_t)r->nt + 1, sizeof *cur);
  r->part = p;
  int live = 0, rc = cur ? part_read(r, p, pl, &live, err) : lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && live && (r->q->exhaustive || (!r->need_all && !top->k)))
    rc = score_part(r, pl, cur, pt, top, err);
  else if (!rc && live)
    rc = pruned(r, pl, cur, pt, top, err);
  free(cur);
  return rc;
}

int lf_fts_bm25(lf_fts *idx, const lf_fts_query *q, lf_fts_hit **hits, size_t *n,
                lf_error *err) {
  *hits = NULL;
  *n = 0;
  if (q->ntokens < 0) return lf_err(err, LF_ARG, "negative token count");
  if (q->phrase && !lf_fts_has_positions(idx))
    return lf_err(err, LF_ARG, "a phrase needs an index with positions");
  bm25_run r = {idx, q, 0, 0, 0, NULL, 0, 0, lf_fts_format_version(idx) >= 3, 0, NULL, 0, 0};
  r.del = lf_fts_deleted_fragments(idx, &r.ndel);
  topk top = {NULL, 0, 0, q->k};
  lf_fts_posting *pl = NULL;
  lf_fts_phrase_term *pt = NULL;
  int rc = run_tokens(&r, NULL, err);
  if (!rc && (!(pl = calloc((size_t)r.nt + 1, sizeof *pl)) || !(pt = calloc((size_t)r.nt + 1, sizeof *pt))))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int p = 0; !rc && r.num_docs && p < r.nparts; p++) rc = run_part(&r, p, pl, pt, &top, err);
  for (int i = 0; pl && i < r.nt; i++) lf_fts_posting_reset(&pl[i]);
  free(pl);
  free(pt);
  run_free(&r);
  if (rc) {
    free(top.h);
    return rc;
  }
  lf_fts_hit *h = top.n ? malloc(top.n * sizeof *h) : NULL;
  if (top.n && !h) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; h && i < top.n; i++) h[i] = top.h[i].hit;
  if (h) qsort(h, top.n, sizeof *h, best_first);
  free(top.h);
  *hits = h;
  *n = h ? top.n : 0;
  return rc;
}
