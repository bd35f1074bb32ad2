/*
** fuzz_fst_write.c: libFuzzer target for the FST builder (format/index/
** fst_write.c): the input is split at '\n' into keys (sorted, duplicates
** dropped, at most 4096), each key's value derived from its bytes (outputs of
** 0 to 2^40 exercise output pushing); the built FST must open with our
** reader, walk back exactly the keys in order with their values, find every
** key, and not find the keys extended by one byte that are not keys.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

typedef struct key {
  const uint8_t *p;
  size_t n;
} key;

static int cmp_key(const void *a, const void *b) {
  const key *x = a, *y = b;
  size_t m = x->n < y->n ? x->n : y->n;
  int c = m ? memcmp(x->p, y->p, m) : 0;
  return c ? c : (x->n > y->n) - (x->n < y->n);
}

static uint64_t value_of(const key *k, size_t i) {
  uint64_t h = 1469598103934665603ull ^ i;
  for (size_t j = 0; j < k->n; j++) h = (h ^ k->p[j]) * 1099511628211ull;
  return (h >> (h & 31)) & ((1ull << 40) - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  key *ks = malloc((size + 1) * sizeof *ks);
  size_t nk = 0, start = 0;
  if (!ks) return 0;
  for (size_t i = 0; i <= size && nk < 4096; i++)
    if (i == size || data[i] == '\n') ks[nk++] = (key){data + start, i - start}, start = i + 1;
  qsort(ks, nk, sizeof *ks, cmp_key);
  size_t u = 0;
  for (size_t i = 0; i < nk; i++)
    if (!u || cmp_key(&ks[u - 1], &ks[i])) ks[u++] = ks[i];
  lf_buf out = {0};
  lf_fst_builder *fb;
  lf_error err = {0};
  if (lf_fst_builder_new(&out, &fb, &err)) abort();
  for (size_t i = 0; i < u; i++)
    if (lf_fst_builder_insert(fb, ks[i].p, ks[i].n, value_of(&ks[i], i), &err)) abort();
  if (lf_fst_builder_finish(fb, &err)) abort();
  lf_fst_builder_free(fb);
  lf_fst f;
  if (lf_fst_init(&f, out.p, out.len, &err) || f.nkeys != u) abort();
  lf_fst_iter *it;
  if (lf_fst_iter_new(&f, NULL, 0, &it, &err)) abort();
  size_t i = 0;
  for (;; i++) { /* the walk gives the keys back, in order, with their values */
    const uint8_t *k;
    size_t kl;
    uint64_t v;
    int got;
    if (lf_fst_iter_next(it, &got, &k, &kl, &v, &err)) abort();
    if (!got) break;
    if (i >= u || kl != ks[i].n || (kl && memcmp(k, ks[i].p, kl)) || v != value_of(&ks[i], i))
      abort();
  }
  lf_fst_iter_free(it);
  if (i != u) abort();
  uint8_t probe[300];
  for (i = 0; i < u; i++) { /* lookups; a key plus one byte is found only if it is a key */
    int found;
    uint64_t v;
    if (lf_fst_get(&f, ks[i].p, ks[i].n, &found, &v, &err) || !found || v != value_of(&ks[i], i))
      abort();
    if (ks[i].n >= sizeof probe) continue;
    memcpy(probe, ks[i].p, ks[i].n);
    probe[ks[i].n] = 0x7f;
    key pk = {probe, ks[i].n + 1};
    int is_key = bsearch(&pk, ks, u, sizeof *ks, cmp_key) != NULL;
    if (lf_fst_get(&f, probe, pk.n, &found, &v, &err) || found != is_key) abort();
  }
  lf_buf_reset(&out);
  free(ks);
  return 0;
}
