/*
** fts_fuzzy.c: owns fuzzy token lookup: the tokens of an index partition within
** a Levenshtein distance of a query word, found as LanceDB 0.39 finds them (the
** `fst` crate's Levenshtein automaton intersected with a prefix automaton,
** streamed in key order).
**
** Distance is counted in Unicode code points (insertions, deletions,
** substitutions; a swap of two neighbours is two edits).  The token FST is
** walked depth first in byte order with one row of the edit-distance table per
** key length: a subtree is skipped as soon as every entry of its row exceeds
** the distance (no longer key can come back under it), so a lookup visits the
** keys near the word, not the whole dictionary.  Key bytes that do not form
** valid UTF-8 never match, as with the crate's automaton.
*/
#include "fts_int.h"
#include "tok_int.h"

#include <stdlib.h>
#include <string.h>

static int lev_grow(lf_lev *l, size_t klen) {
  if (klen < l->cap) return 0;
  size_t c = l->cap ? l->cap * 2 : 64;
  while (c <= klen) c *= 2;
  uint32_t *r = realloc(l->rows, c * (l->m + 1) * sizeof *r);
  if (!r) return -1;
  l->rows = r;
  size_t *s = realloc(l->start, c * sizeof *s);
  if (!s) return -1;
  l->start = s;
  l->cap = c;
  return 0;
}

int lf_lev_init(lf_lev *l, const char *word, size_t len, uint32_t k, size_t plen, lf_error *err) {
  memset(l, 0, sizeof *l);
  if (!(l->q = malloc((len + 1) * sizeof *l->q))) return lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0, used; i < len; i += used)
    l->q[l->m++] = lf_tok_decode((const uint8_t *)word + i, len - i, &used);
  l->k = k;
  l->prefix = (const uint8_t *)word;
  l->plen = plen < len ? plen : len;
  if (lev_grow(l, 0)) {
    lf_lev_reset(l);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (size_t j = 0; j <= l->m; j++) l->rows[j] = (uint32_t)j;
  l->start[0] = 0;
  return LF_OK;
}

void lf_lev_reset(lf_lev *l) {
  free(l->q);
  free(l->rows);
  free(l->start);
  memset(l, 0, sizeof *l);
}

/* Bytes of the UTF-8 sequence a lead byte starts, 0 for a byte no sequence
** starts with. */
static size_t seq_len(uint8_t b) {
  return b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3
       : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
}

/* Row `to` from row `from` by one more key code point c; its smallest entry. */
static uint32_t lev_row(lf_lev *l, size_t from, size_t to, uint32_t c) {
  const uint32_t *o = l->rows + from * (l->m + 1);
  uint32_t *r = l->rows + to * (l->m + 1), best;
  r[0] = best = o[0] + 1;
  for (size_t j = 1; j <= l->m; j++) {
    uint32_t v = o[j - 1] + (l->q[j - 1] != c);
    if (o[j] + 1 < v) v = o[j] + 1;
    if (r[j - 1] + 1 < v) v = r[j - 1] + 1;
    r[j] = v;
    if (v < best) best = v;
  }
  return best;
}

int lf_lev_step(lf_lev *l, const uint8_t *key, size_t klen) {
  if (klen == 0) return 1;
  if (lev_grow(l, klen)) {
    l->nomem = 1;
    return 0;
  }
  size_t d = klen, s = l->start[d - 1];
  if (d <= l->plen && key[d - 1] != l->prefix[d - 1]) return 0;
  size_t need = seq_len(key[s]);
  if (need == 0) return 0;
  if (d - s < need) { /* the code point is not complete yet */
    l->start[d] = s;
    return 1;
  }
  size_t used;
  uint32_t c = lf_tok_decode(key + s, need, &used);
  if (used != need) return 0;
  l->start[d] = d;
  return lev_row(l, s, d, c) <= l->k;
}

int lf_lev_accepts(const lf_lev *l, size_t klen) {
  return klen < l->cap && l->start[klen] == klen && klen >= l->plen &&
         l->rows[klen * (l->m + 1) + l->m] <= l->k;
}

size_t lf_lev_distance(const char *a, size_t alen, const char *b, size_t blen) {
  lf_lev l;
  lf_error err;
  size_t d = (size_t)-1;
  if (lf_lev_init(&l, a, alen, UINT32_MAX - 1, 0, &err)) return d;
  int ok = 1;
  for (size_t i = 1; ok && i <= blen; i++) ok = lf_lev_step(&l, (const uint8_t *)b, i);
  if (ok && !l.nomem && blen < l.cap && l.start[blen] == blen) d = l.rows[blen * (l.m + 1) + l.m];
  lf_lev_reset(&l);
  return d;
}

static int lev_keep(void *ctx, const uint8_t *key, size_t klen) {
  return lf_lev_step(ctx, key, klen);
}

int lf_fts_fuzzy_tokens(lf_fts *idx, int part, const char *tok, size_t len, uint32_t distance,
                        size_t prefix_len, size_t limit, lf_fts_token_cb cb, void *ctx,
                        lf_error *err) {
  const lf_fst *f = NULL;
  lf_fst_iter *it = NULL;
  lf_lev lev;
  memset(&lev, 0, sizeof lev);
  int rc = lf_fts_part_fst(idx, part, &f, err);
  if (!rc) rc = lf_lev_init(&lev, tok, len, distance, prefix_len, err);
  if (!rc) rc = lf_fst_iter_new(f, NULL, 0, &it, err);
  if (!rc) lf_fst_iter_filter(it, lev_keep, &lev);
  for (size_t found = 0; !rc && found < limit;) {
    int got = 0;
    const uint8_t *key;
    size_t klen;
    uint64_t v;
    if ((rc = lf_fst_iter_next(it, &got, &key, &klen, &v, err)) || !got) break;
    if (!lf_lev_accepts(&lev, klen)) continue;
    else if (v > UINT32_MAX) rc = lf_err(err, LF_CORRUPT, "token id %llu", (unsigned long long)v);
    else rc = cb(ctx, (const char *)key, klen, (uint32_t)v), found++;
  }
  if (!rc && lev.nomem) rc = lf_err(err, LF_NOMEM, "out of memory");
  lf_fst_iter_free(it);
  lf_lev_reset(&lev);
  return rc;
}
