/* test_fts_eval.c: the pure computations of full-text query evaluation:
** phrase matching (format/index/fts_phrase.c: LanceDB's greedy walk on the
** index, the exhaustive check of its flat search) against crafted documents
** and a brute-force reference; Levenshtein distance and the fuzzy FST walk
** (fts_fuzzy.c) against brute force over every token of the LanceDB-written
** fixture test/unit/data/fts.lance; the fst crate's automaton size limit; the
** row-set combinations of boolean, boost and multi_match (ext/fts/eval.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fts/fts_int.h"
#include "index/fts_int.h"
#include "testdata.h"

/* ---- phrases ------------------------------------------------------------------------- */

/* A document as words; terms[i] = the positions of query word q[i] (query
** positions qpos[i]).  pos holds the position lists. */
static int phrase(const char *doc, const char *const *q, const uint32_t *qpos, int n,
                  uint32_t slop, int flat) {
  static uint32_t pos[8][64];
  lf_fts_phrase_term t[8];
  char buf[512];
  snprintf(buf, sizeof buf, "%s", doc);
  for (int i = 0; i < n; i++) t[i] = (lf_fts_phrase_term){pos[i], 0, qpos ? qpos[i] : (uint32_t)i};
  uint32_t p = 0;
  for (char *w = strtok(buf, " "); w; w = strtok(NULL, " "), p++)
    for (int i = 0; i < n; i++)
      if (!strcmp(w, q[i])) pos[i][t[i].n++] = p;
  int match = -1;
  lf_error err;
  assert_int_equal(lf_fts_phrase_match(t, n, slop, flat, &match, &err), LF_OK);
  return match;
}

static void test_phrase_cases(void **st) {
  (void)st;
  const char *pqr[] = {"p", "q", "r"}, *pq[] = {"p", "q"}, *qp[] = {"q", "p"}, *aa[] = {"a", "a"};
  for (int flat = 0; flat < 2; flat++) {
    assert_int_equal(phrase("x p q r y", pqr, NULL, 3, 0, flat), 1);
    assert_int_equal(phrase("x p q y r", pqr, NULL, 3, 0, flat), 0);
    assert_int_equal(phrase("p x q", pq, NULL, 2, 0, flat), 0);
    assert_int_equal(phrase("p x q", pq, NULL, 2, 1, flat), 1);   /* one position between */
    assert_int_equal(phrase("p x x q", pq, NULL, 2, 1, flat), 0);
    assert_int_equal(phrase("p x x q", pq, NULL, 2, 2, flat), 1);
    assert_int_equal(phrase("q p", pq, NULL, 2, 3, flat), 0);     /* order counts, any slop */
    assert_int_equal(phrase("q x p", qp, NULL, 2, 1, flat), 1);
    assert_int_equal(phrase("a b a", aa, NULL, 2, 0, flat), 0);   /* a repeated word */
    assert_int_equal(phrase("a b a", aa, NULL, 2, 1, flat), 1);
    assert_int_equal(phrase("a a", aa, NULL, 2, 0, flat), 1);
    assert_int_equal(phrase("a", aa, NULL, 2, 5, flat), 0);       /* one occurrence is not two */
    assert_int_equal(phrase("z p", pq, NULL, 1, 0, flat), 1);     /* one word */
    assert_int_equal(phrase("z z", pq, NULL, 1, 0, flat), 0);
    assert_int_equal(phrase("z z", pq, NULL, 0, 0, flat), 0);     /* no word */
    /* a dropped stop word leaves a gap in the query: "p the q" is p@0 q@2 */
    const uint32_t gap[] = {0, 2}, lead[] = {1, 2};
    assert_int_equal(phrase("p x q", pq, gap, 2, 0, flat), 1);
    assert_int_equal(phrase("p q", pq, gap, 2, 0, flat), 0);
    assert_int_equal(phrase("p q", pq, gap, 2, 1, flat), 0);      /* q must not come earlier */
    assert_int_equal(phrase("p x x q", pq, gap, 2, 1, flat), 1);
    /* "the p q": the phrase may start at the document's first position */
    assert_int_equal(phrase("p q", pq, lead, 2, 0, flat), 1);
  }
  /* the greedy walk LanceDB runs on the index misses p@3 q@5 r@7 (its bound
  ** moves every cursor past p@3); the flat search finds it */
  assert_int_equal(phrase("p x q p x q x r", pqr, NULL, 3, 1, 0), 0);
  assert_int_equal(phrase("p x q p x q x r", pqr, NULL, 3, 1, 1), 1);
  assert_int_equal(phrase("p x q p x q x r", pqr, NULL, 3, 2, 0), 1);
  /* its cursors start on the first positions (not relative position >= 0) */
  assert_int_equal(phrase("q x r p q x r", pqr, NULL, 3, 1, 0), 1);
}

/* Brute force: some choice of one position per term within slop of the one before. */
static int brute(const lf_fts_phrase_term *t, int n, uint32_t slop, int at, int64_t prev) {
  if (at == n) return 1;
  for (uint32_t k = 0; k < t[at].n; k++) {
    int64_t p = t[at].pos[k];
    if (at) {
      int64_t least = prev + (int64_t)t[at].qpos - t[at - 1].qpos;
      if (p < least || p > least + slop) continue;
    }
    if (brute(t, n, slop, at + 1, p)) return 1;
  }
  return 0;
}

static void test_phrase_random(void **st) {
  (void)st;
  srand(7);
  int greedy_misses = 0;
  for (int iter = 0; iter < 20000; iter++) {
    int n = 1 + rand() % 4, len = 1 + rand() % 14;
    uint32_t pos[4][16], slop = (uint32_t)(rand() % 3), q = 0;
    lf_fts_phrase_term t[4];
    for (int i = 0; i < n; i++) {
      q += (uint32_t)(i && rand() % 4 == 0 ? 2 : i ? 1 : 0); /* some stop-word gaps */
      t[i] = (lf_fts_phrase_term){pos[i], 0, q};
    }
    for (int p = 0; p < len; p++) { /* each position holds one word, maybe a query word */
      int w = rand() % (n + 2);
      if (w < n) pos[w][t[w].n++] = (uint32_t)p;
    }
    int want = brute(t, n, slop, 0, 0), flat = -1, idx = -1;
    lf_error err;
    assert_int_equal(lf_fts_phrase_match(t, n, slop, 1, &flat, &err), LF_OK);
    assert_int_equal(lf_fts_phrase_match(t, n, slop, 0, &idx, &err), LF_OK);
    assert_int_equal(flat, want);
    if (slop == 0) assert_int_equal(idx, want); /* the walk is exact without slop */
    assert_true(!idx || want);                  /* it finds nothing that is not there */
    greedy_misses += want && !idx;
  }
  assert_true(greedy_misses > 0); /* the inputs reach the walk's blind spots */
}

/* ---- Levenshtein ---------------------------------------------------------------------- */

static size_t ref_distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m) {
  size_t d[40][40];
  for (size_t i = 0; i <= n; i++) d[i][0] = i;
  for (size_t j = 0; j <= m; j++) d[0][j] = j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      d[i][j] = v;
    }
  return d[n][m];
}

static size_t utf8(const uint32_t *cp, size_t n, char *out) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cp[i];
    if (c < 0x80) out[k++] = (char)c;
    else if (c < 0x800) out[k++] = (char)(0xC0 | c >> 6), out[k++] = (char)(0x80 | (c & 63));
    else out[k++] = (char)(0xE0 | c >> 12), out[k++] = (char)(0x80 | (c >> 6 & 63)),
         out[k++] = (char)(0x80 | (c & 63));
  }
  return k;
}

static void test_levenshtein(void **st) {
  (void)st;
  static const uint32_t alpha[] = {'a', 'b', 'c', 0xE9, 0xE8, 0x20AC}; /* é è € */
  srand(11);
  for (int iter = 0; iter < 5000; iter++) {
    uint32_t a[12], b[12];
    size_t n = (size_t)(rand() % 12), m = (size_t)(rand() % 12);
    for (size_t i = 0; i < n; i++) a[i] = alpha[rand() % 6];
    for (size_t i = 0; i < m; i++) b[i] = alpha[rand() % 6];
    char sa[40], sb[40];
    size_t la = utf8(a, n, sa), lb = utf8(b, m, sb);
    assert_int_equal(lf_lev_distance(sa, la, sb, lb), ref_distance(a, n, b, m));
  }
  assert_int_equal(lf_lev_distance("kitten", 6, "sitting", 7), 3);
  assert_int_equal(lf_lev_distance("caf\xc3\xa9", 5, "cafe", 4), 1); /* code points, not bytes */
  assert_int_equal(lf_lev_distance("ab", 2, "a\xff", 2), (size_t)-1); /* keys must be UTF-8 */
}

static void test_automaton_limit(void **st) {
  (void)st;
  char w[700];
  lf_error err;
  int fits;
  /* LanceDB 0.39 builds the first and refuses the second (test/interop/fts_query_*) */
  snprintf(w, sizeof w, "kitten%s%s", "abcdefghijabcdefghijabcdefghijabcdefghij", "abcd");
  assert_int_equal(lf_lev_automaton_fits(w, strlen(w), 2, &fits, &err), LF_OK);
  assert_int_equal(fits, 1);
  strcat(w, "e");
  assert_int_equal(lf_lev_automaton_fits(w, strlen(w), 2, &fits, &err), LF_OK);
  assert_int_equal(fits, 0);
  assert_int_equal(lf_lev_automaton_fits(w, strlen(w), 1, &fits, &err), LF_OK);
  assert_int_equal(fits, 1);
  memset(w, 'a', 300), w[300] = 0;
  assert_int_equal(lf_lev_automaton_fits(w, 300, 1, &fits, &err), LF_OK);
  assert_int_equal(fits, 1);
  memset(w, 'a', 500), w[500] = 0;
  assert_int_equal(lf_lev_automaton_fits(w, 500, 1, &fits, &err), LF_OK);
  assert_int_equal(fits, 0);
  memset(w, 'a', 650), w[650] = 0;
  assert_int_equal(lf_lev_automaton_fits(w, 650, 0, &fits, &err), LF_OK); /* no automaton */
  assert_int_equal(fits, 1);
  assert_int_equal(lf_lev_automaton_fits("\xc3\xa9t\xc3\xa9", 5, 3, &fits, &err), LF_OK);
  assert_int_equal(fits, 1); /* not ASCII: never refused (as LanceDB in our probes) */
}

/* Every token of the fixture within distance k of word (prefix bytes kept),
** found by the pruned FST walk, equals brute force over all tokens. */
typedef struct list {
  char tok[64][16];
  int n;
} list;

static int collect(void *ctx, const char *tok, size_t len, uint32_t id) {
  (void)id;
  list *l = ctx;
  assert_true(l->n < 64 && len < 16);
  memcpy(l->tok[l->n], tok, len);
  l->tok[l->n++][len] = 0;
  return 0;
}

static void test_fuzzy_tokens(void **st) {
  (void)st;
  lf_error err;
  lf_store *s = NULL;
  lf_dataset *ds = NULL;
  lf_index_meta *ix = NULL;
  int nix = 0;
  lf_fts *idx = NULL;
  assert_int_equal(lf_store_local_new(test_data_dir(), &s, &err), LF_OK);
  assert_int_equal(lf_dataset_open(s, "fts.lance", 0, NULL, &ds, &err), LF_OK);
  assert_int_equal(lf_manifest_indices(lf_dataset_manifest(ds), &ix, &nix, &err), LF_OK);
  assert_int_equal(lf_fts_open(s, "fts.lance", ix[0].uuid, &idx, &err), LF_OK);
  static const char *words[] = {"xq", "alpah", "comon", "x", "beta", "tree", "omegaa", "zzz", "", "echoes"};
  for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
    for (uint32_t k = 0; k <= 2; k++)
      for (size_t pre = 0; pre <= 2; pre++) {
        list got = {.n = 0}, want = {.n = 0};
        const char *word = words[w];
        assert_int_equal(lf_fts_fuzzy_tokens(idx, 0, word, strlen(word), k, pre, 64, collect, &got, &err), LF_OK);
        lf_fts_tokens *it;
        assert_int_equal(lf_fts_tokens_open(idx, 0, NULL, 0, &it, &err), LF_OK);
        for (;;) {
          int more;
          const char *t;
          size_t len;
          uint32_t id;
          assert_int_equal(lf_fts_tokens_next(it, &more, &t, &len, &id, &err), LF_OK);
          if (!more) break;
          size_t p = pre < strlen(word) ? pre : strlen(word);
          if (len >= p && !memcmp(t, word, p) && lf_lev_distance(word, strlen(word), t, len) <= k)
            collect(&want, t, len, id);
        }
        lf_fts_tokens_free(it);
        assert_int_equal(got.n, want.n);
        for (int i = 0; i < got.n; i++) assert_string_equal(got.tok[i], want.tok[i]);
      }
  /* the limit takes the first tokens in byte order */
  list got = {.n = 0};
  assert_int_equal(lf_fts_fuzzy_tokens(idx, 0, "xq", 2, 1, 0, 3, collect, &got, &err), LF_OK);
  assert_int_equal(got.n, 3);
  assert_string_equal(got.tok[0], "x0");
  assert_string_equal(got.tok[2], "x2");
  lf_fts_free(idx);
  lf_indices_free(ix, nix);
  lf_dataset_free(ds);
  lf_store_free(s);
}

/* ---- row sets ------------------------------------------------------------------------- */

static fts_set mk(const uint64_t *rows, const float *scores, size_t n) {
  fts_set s = {NULL, 0, 0};
  for (size_t i = n; i-- > 0;) assert_int_equal(fts_set_push(&s, rows[i], scores[i]), 0);
  fts_set_sort(&s);
  return s;
}

static void expect(const fts_set *s, const uint64_t *rows, const float *scores, size_t n) {
  assert_int_equal(s->n, n);
  for (size_t i = 0; i < n; i++) {
    assert_true(s->h[i].row_id == rows[i]);
    assert_true(s->h[i].score == scores[i]);
  }
}

static void test_sets(void **st) {
  (void)st;
  const uint64_t ra[] = {1, 3, 5}, rb[] = {3, 4, 5, 9};
  const float sa[] = {1, 2, 3}, sb[] = {10, 20, 30, 40};
  fts_set a = mk(ra, sa, 3), b = mk(rb, sb, 4);
  assert_non_null(fts_set_find(&a, 3));
  assert_null(fts_set_find(&a, 4));
  assert_int_equal(fts_set_union(&a, &b, FTS_SUM), 0); /* should: union, sums */
  expect(&a, (const uint64_t[]){1, 3, 4, 5, 9}, (const float[]){1, 12, 20, 33, 40}, 5);
  fts_set_free(&a);
  a = mk(ra, sa, 3);
  assert_int_equal(fts_set_union(&a, &b, FTS_MAX), 0); /* multi_match: the best */
  expect(&a, (const uint64_t[]){1, 3, 4, 5, 9}, (const float[]){1, 10, 20, 30, 40}, 5);
  fts_set_free(&a);
  a = mk(ra, sa, 3);
  assert_int_equal(fts_set_intersect(&a, &b), 0); /* must + must: both, summed */
  expect(&a, (const uint64_t[]){3, 5}, (const float[]){12, 33}, 2);
  fts_set_free(&a);
  a = mk(ra, sa, 3);
  fts_set_add_into(&a, &b); /* should under must: adds, brings no row */
  expect(&a, ra, (const float[]){1, 12, 33}, 3);
  fts_set_free(&a);
  a = mk(ra, sa, 3);
  fts_set_subtract(&a, &b); /* must_not */
  expect(&a, (const uint64_t[]){1}, (const float[]){1}, 1);
  fts_set_free(&a);
  a = mk(ra, sa, 3);
  fts_set_demote(&a, &b, 0.5f); /* boost: positive - 0.5 * negative, below 0 allowed */
  expect(&a, ra, (const float[]){1, -3, -12}, 3);
  fts_set_free(&a);
  fts_set_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_phrase_cases),    cmocka_unit_test(test_phrase_random),
    cmocka_unit_test(test_levenshtein),     cmocka_unit_test(test_automaton_limit),
    cmocka_unit_test(test_fuzzy_tokens),    cmocka_unit_test(test_sets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
