/*
** fuzz_fts_fuzzy.c: libFuzzer target for fuzzy token lookup and phrase matching
** (format/index/fts_fuzzy.c, fts_phrase.c) on untrusted token dictionaries.
** Input: [distance][prefix length][word length w][w word bytes][FST bytes].
** The FST walk pruned by the Levenshtein rows must never crash and every key
** it accepts must be within the distance (checked against lf_lev_distance);
** the automaton size count must terminate.  The same bytes, read as positions,
** go through both phrase checks: the greedy walk may only find what the
** exhaustive one finds.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

static void phrases(const uint8_t *d, size_t n) {
  uint32_t pos[4][32];
  lf_fts_phrase_term t[4];
  int nt = n ? 1 + d[0] % 4 : 0;
  for (int i = 0; i < nt; i++) t[i] = (lf_fts_phrase_term){pos[i], 0, (uint32_t)i * (1 + (d[0] >> 6))};
  for (size_t p = 1; p < n && p < 64; p++) {
    int w = d[p] % 6;
    if (w < nt && t[w].n < 32) pos[w][t[w].n++] = (uint32_t)p;
  }
  lf_error err;
  int greedy = 0, flat = 0;
  uint32_t slop = n > 1 ? d[1] % 4 : 0;
  if (lf_fts_phrase_match(t, nt, slop, 0, &greedy, &err) ||
      lf_fts_phrase_match(t, nt, slop, 1, &flat, &err))
    return;
  if (greedy && !flat) abort();
}

static int keep(void *ctx, const uint8_t *key, size_t klen) { return lf_lev_step(ctx, key, klen); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  phrases(data, size);
  if (size < 3) return 0;
  uint32_t k = data[0] % 4;
  size_t plen = data[1] % 4, wlen = data[2] % 24;
  if (size < 3 + wlen) return 0;
  const char *word = (const char *)data + 3;
  const uint8_t *fst = data + 3 + wlen;
  size_t n = size - 3 - wlen;
  lf_error err;
  int fits;
  if (lf_lev_automaton_fits(word, wlen, k, &fits, &err)) return 0;
  lf_fst f;
  lf_lev lev;
  lf_fst_iter *it = NULL;
  if (lf_fst_init(&f, fst, n, &err)) return 0;
  if (lf_lev_init(&lev, word, wlen, k, plen, &err)) return 0;
  if (!lf_fst_iter_new(&f, NULL, 0, &it, &err)) {
    lf_fst_iter_filter(it, keep, &lev);
    for (int i = 0; i < 10000; i++) {
      int got = 0;
      const uint8_t *key;
      size_t klen;
      uint64_t v;
      if (lf_fst_iter_next(it, &got, &key, &klen, &v, &err) || !got) break;
      if (!lf_lev_accepts(&lev, klen)) continue;
      size_t d = lf_lev_distance(word, wlen, (const char *)key, klen);
      if (d == (size_t)-1 || d > k) abort();
    }
    lf_fst_iter_free(it);
  }
  lf_lev_reset(&lev);
  return 0;
}
