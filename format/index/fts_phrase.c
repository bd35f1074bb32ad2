/*
** fts_phrase.c: owns phrase matching over token positions, as LanceDB 0.39
** (Lance 12) decides that a document holds a phrase.  Pure computation: the
** index side (bm25.c) and the flat search of unindexed rows (ext/fts) give it
** each phrase term's positions in one document.
**
** A phrase term t has a query position q(t) (the query tokenizer's position:
** a stop word dropped from the query leaves a gap) and its positions in the
** document.  Its relative positions are (document position - q(t)).
**
** slop 0: the document holds the phrase when one shift b puts every term t at
** a document position b + q(t) (any b: positions are compared relative to
** each other only).
**
** slop s > 0: Lance's greedy walk, reproduced step for step because it is not
** a complete search (it misses some documents an exhaustive check would take,
** and LanceDB returns what it finds).  One cursor per term, in query order,
** each on its term's first position.  Repeat: go through adjacent terms
** (a, b); the pair holds when rel(a) <= rel(b) <= rel(a) + s; remember for
** each pair looked at the bound m = rel(a) if rel(a) > rel(b), else
** max(rel(a) + 1, rel(b) - s); at the first pair that does not hold, move
** every cursor to its first relative position >= the largest m remembered,
** and start again; when every pair holds the document matches; when a
** cursor runs out it does not.  Each round raises the bound, so the walk
** ends.
**
** LanceDB's flat search (rows no index covers) decides differently for
** slop > 0: exhaustively.  Candidates are the first term's positions; the
** next term keeps its positions p with c + d <= p <= c + d + s for some
** candidate c (d: the difference of the two query positions), and so on;
** the document holds the phrase when the last term keeps one.  Both agree
** when slop is 0.
*/
#include "fts_int.h"

#include <stdlib.h>

/* First index >= from whose relative position (pos - q) is >= least. */
static uint32_t seek(const lf_fts_phrase_term *t, uint32_t from, int64_t least) {
  uint32_t lo = from, hi = t->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if ((int64_t)t->pos[mid] - t->qpos < least) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static int exact(const lf_fts_phrase_term *t, int n) {
  int anchor = 0; /* the term with the fewest positions */
  for (int i = 1; i < n; i++)
    if (t[i].n < t[anchor].n) anchor = i;
  for (uint32_t k = 0; k < t[anchor].n; k++) {
    int64_t base = (int64_t)t[anchor].pos[k] - t[anchor].qpos;
    int all = 1;
    for (int i = 0; i < n && all; i++) {
      if (i == anchor) continue;
      uint32_t at = seek(&t[i], 0, base);
      all = at < t[i].n && (int64_t)t[i].pos[at] - t[i].qpos == base;
    }
    if (all) return 1;
  }
  return 0;
}

static int greedy(const lf_fts_phrase_term *t, int n, int64_t slop, uint32_t *cur) {
  for (int i = 0; i < n; i++) cur[i] = 0;
  for (;;) {
    int64_t bound = INT64_MIN;
    int all = 1;
    for (int i = 0; i + 1 < n; i++) {
      if (cur[i] >= t[i].n || cur[i + 1] >= t[i + 1].n) return 0;
      int64_t a = (int64_t)t[i].pos[cur[i]] - t[i].qpos;
      int64_t b = (int64_t)t[i + 1].pos[cur[i + 1]] - t[i + 1].qpos;
      int64_t m = a > b ? a : (a + 1 > b - slop ? a + 1 : b - slop);
      if (m > bound) bound = m;
      if (!(a <= b && b <= a + slop)) {
        all = 0;
        break;
      }
    }
    if (all) return 1;
    for (int i = 0; i < n; i++) cur[i] = seek(&t[i], cur[i], bound);
  }
}

/* The flat search's check: cand and next (room for any term's positions)
** hold the surviving positions of the term before and of this one. */
static int exhaustive(const lf_fts_phrase_term *t, int n, int64_t slop, uint32_t *cand,
                      uint32_t *next) {
  uint32_t nc = t[0].n;
  for (uint32_t k = 0; k < nc; k++) cand[k] = t[0].pos[k];
  for (int i = 1; i < n && nc; i++) {
    if (t[i].qpos < t[i - 1].qpos) return 0;
    int64_t d = (int64_t)t[i].qpos - t[i - 1].qpos;
    uint32_t kept = 0, c = 0;
    for (uint32_t k = 0; k < t[i].n; k++) { /* both ascend: one pass */
      int64_t p = t[i].pos[k];
      while (c < nc && (int64_t)cand[c] + d + slop < p) c++;
      if (c < nc && (int64_t)cand[c] + d <= p) next[kept++] = (uint32_t)p;
    }
    uint32_t *x = cand;
    cand = next;
    next = x;
    nc = kept;
  }
  return nc > 0;
}

int lf_fts_phrase_match(const lf_fts_phrase_term *terms, int n, uint32_t slop, int flat,
                        int *match, lf_error *err) {
  *match = 0;
  if (n <= 0) return LF_OK;
  for (int i = 0; i < n; i++)
    if (terms[i].n == 0) return LF_OK;
  if (n == 1) {
    *match = 1;
    return LF_OK;
  }
  if (slop == 0) {
    *match = exact(terms, n);
    return LF_OK;
  }
  size_t need = (size_t)n;
  for (int i = 0; flat && i < n; i++)
    if (terms[i].n > need) need = terms[i].n;
  uint32_t small[32], *buf = need <= 16 ? small : malloc(2 * need * sizeof *buf);
  if (!buf) return lf_err(err, LF_NOMEM, "out of memory");
  *match = flat ? exhaustive(terms, n, slop, buf, buf + need) : greedy(terms, n, slop, buf);
  if (buf != small) free(buf);
  return LF_OK;
}
