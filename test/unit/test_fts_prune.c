/* test_fts_prune.c: the pruned top-k evaluation of lf_fts_bm25 (block-max
** MaxScore for OR, leapfrog and block skipping for AND and phrases) against
** the exhaustive one (lf_fts_query.exhaustive = 1, every posting scored) on
** indexes fts_write.c builds from random Zipf-distributed text in a temporary
** directory: 128-document blocks in several partitions with a deleted
** fragment, and 256-document blocks (lengths quantized) in one.  Many
** queries (terms, OR of 2-4 words with repeats, AND, fuzzy-style
** alternatives at one position, phrases), k 1 to 50, with and without a row
** filter; documents are duplicated so that scores tie at the k-th place.
** Every pruned answer must equal the exhaustive one: the same rows in the
** same order with bit-identical scores.  And LanceDB's rule for rows tied
** at the k-th score on a hand-made index. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

#define NDOCS 6000
#define VOCAB 400
#define FRAG_ROWS 500

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* A word of rank about 1/u (Zipf-like: w0 is the commonest). */
static int zipf(void) {
  double u = (rnd() % 1000000 + 1) / 1000000.0;
  int r = (int)(1.0 / (u * u * 0.9 + 0.0025)) - 1;
  return r < 0 ? 0 : r % VOCAB;
}

static char g_root[64];
static lf_store *g_st;

/* Row ids descend within odd fragments: a later document can win a tie at
** the k-th score by a smaller row id, so ties are not settled by doc order. */
static uint64_t row_of(int i) {
  int f = i / FRAG_ROWS, o = i % FRAG_ROWS;
  return ((uint64_t)f << 32) | (uint64_t)(f % 2 ? FRAG_ROWS - 1 - o : o);
}

/* Document i: 1 to 40 words; every 9th repeats document i - 9 (ties). */
static void doc_text(int i, char *out, size_t cap) {
  static char prev[9][400];
  char *p = out;
  if (i >= 9 && i % 9 == 0) {
    size_t n = strlen(prev[i % 9]) < cap - 1 ? strlen(prev[i % 9]) : cap - 1;
    memcpy(out, prev[i % 9], n);
    out[n] = 0;
  } else {
    int n = 1 + (int)(rnd() % 40);
    out[0] = 0;
    for (int w = 0; w < n && (size_t)(p - out) + 8 < cap; w++) p += sprintf(p, "w%d ", zipf());
  }
  size_t n = strlen(out) < sizeof prev[0] - 1 ? strlen(out) : sizeof prev[0] - 1;
  memcpy(prev[i % 9], out, n);
  prev[i % 9][n] = 0;
}

/* A writer of index uuid (default tokenizer, positions). */
static lf_fts_writer *writer(const char *uuid, uint32_t block_size, size_t memory) {
  lf_fts_wparams p;
  memset(&p, 0, sizeof p);
  lf_tok_params_init(&p.tok, "simple");
  p.with_position = 1;
  p.block_size = block_size;
  p.memory_limit = memory;
  char dir[128];
  snprintf(dir, sizeof dir, "_indices/%s", uuid);
  lf_fts_writer *w;
  lf_error err;
  if (lf_fts_writer_new(g_st, dir, &p, &w, &err)) fail_msg("writer: %s", err.msg);
  return w;
}

static void build(const char *uuid, uint32_t block_size, size_t memory, const uint32_t *del,
                  size_t ndel) {
  lf_fts_writer *w = writer(uuid, block_size, memory);
  lf_error err;
  char text[400];
  uint64_t save = rng;
  rng = 0x243F6A8885A308D3ull; /* both indexes hold the same text */
  for (int i = 0; i < NDOCS; i++) {
    doc_text(i, text, sizeof text);
    if (lf_fts_writer_doc(w, row_of(i), text, strlen(text), &err)) fail_msg("doc: %s", err.msg);
  }
  rng = save;
  if (lf_fts_writer_finish(w, del, ndel, &err)) fail_msg("finish: %s", err.msg);
  lf_fts_writer_free(w);
}

static const char *U128 = "11111111-1111-4111-8111-111111111111";
static const char *U256 = "22222222-2222-4222-8222-222222222222";

static int setup(void **state) {
  (void)state;
  snprintf(g_root, sizeof g_root, "/tmp/test_fts_prune_XXXXXX");
  lf_error err;
  if (!mkdtemp(g_root) || lf_store_local_new(g_root, &g_st, &err)) fail_msg("temporary store");
  static const uint32_t del[] = {3};
  build(U128, 128, 48 << 10, del, 1); /* several partitions, fragment 3 deleted */
  build(U256, 256, 0, NULL, 0);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  lf_store_free(g_st);
  char cmd[96];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_root);
  return system(cmd) == 0 ? 0 : -1;
}

static int drop_fifth(void *ctx, uint64_t row) {
  (void)ctx;
  return (row & 0xFFFFFFFFu) % 5 != 2;
}

/* Run q both ways; equal answers. Returns the number of hits. */
static void describe(const lf_fts_query *q, char *out, size_t cap) {
  int o = snprintf(out, cap, "k %zu and %d phrase %d slop %u filter %d:", q->k, q->op_and, q->phrase,
                   q->slop, q->filter != NULL);
  for (int i = 0; i < q->ntokens && o > 0 && (size_t)o < cap; i++)
    o += snprintf(out + o, cap - (size_t)o, " %s@%u", q->tokens[i], q->positions ? q->positions[i] : (uint32_t)i);
}

static size_t compare(lf_fts *idx, lf_fts_query q) {
  lf_fts_hit *a = NULL, *b = NULL;
  size_t na = 0, nb = 0;
  lf_error err;
  q.exhaustive = 1;
  assert_int_equal(lf_fts_bm25(idx, &q, &a, &na, &err), LF_OK);
  q.exhaustive = 0;
  assert_int_equal(lf_fts_bm25(idx, &q, &b, &nb, &err), LF_OK);
  assert_int_equal(na, nb);
  for (size_t i = 0; i < na; i++) {
    char d[256];
    if (a[i].row_id != b[i].row_id || memcmp(&a[i].score, &b[i].score, 4)) describe(&q, d, sizeof d);
    if (a[i].row_id != b[i].row_id || memcmp(&a[i].score, &b[i].score, 4))
      fail_msg("%s: hit %zu: exhaustive row %llx score %.9g, pruned row %llx score %.9g", d, i,
               (unsigned long long)a[i].row_id, a[i].score, (unsigned long long)b[i].row_id, b[i].score);
  }
  free(a);
  free(b);
  return na;
}

/* Many random queries of each kind on one index. */
static void many(const char *uuid, int *ties) {
  lf_fts *idx;
  lf_error err;
  if (lf_fts_open(g_st, "", uuid, &idx, &err)) fail_msg("open: %s", err.msg);
  static const size_t K[] = {1, 3, 10, 50, 0};
  char words[4][8];
  const char *toks[4];
  uint32_t pos[4];
  size_t total = 0;
  for (int n = 0; n < 1500; n++) {
    int kind = n % 5, nt = kind == 0 ? 1 : 2 + (int)(rnd() % 3);
    for (int i = 0; i < nt; i++) {
      int w = i && rnd() % 6 == 0 ? atoi(words[i - 1] + 1) : zipf(); /* repeats */
      snprintf(words[i], sizeof words[i], "w%d", kind >= 2 ? w % 40 : w);
      toks[i] = words[i];
      pos[i] = kind == 3 && i == 1 ? 0 : (uint32_t)(kind == 3 && i ? i - 1 : i); /* alternatives */
    }
    lf_fts_query q;
    memset(&q, 0, sizeof q);
    q.tokens = toks;
    q.ntokens = nt;
    q.k = K[(n / 5) % 5];
    q.op_and = kind >= 2;
    q.phrase = kind == 4;
    q.slop = (uint32_t)(n % 3);
    q.positions = kind == 3 ? pos : NULL;
    if (n % 7 == 3) q.filter = drop_fifth;
    lf_fts_hit *h = NULL;
    size_t nh = compare(idx, q);
    /* ties: the exhaustive answer's k-th score shared by a row past the cut */
    if (q.k && nh == q.k) {
      q.k = q.k + 1;
      q.exhaustive = 1;
      size_t n2 = 0;
      assert_int_equal(lf_fts_bm25(idx, &q, &h, &n2, &err), LF_OK);
      if (n2 == nh + 1 && h[nh].score == h[nh - 1].score) (*ties)++;
      free(h);
    }
    total += nh;
  }
  assert_true(total > 10000);
  lf_fts_free(idx);
}

static void test_pruned_equals_exhaustive_128(void **state) {
  (void)state;
  int ties = 0;
  lf_fts *idx;
  lf_error err;
  assert_int_equal(lf_fts_open(g_st, "", U128, &idx, &err), LF_OK);
  assert_true(lf_fts_num_partitions(idx) >= 3);
  lf_fts_free(idx);
  many(U128, &ties);
  assert_true(ties >= 20); /* the test does cut runs of equal scores */
}

static void test_pruned_equals_exhaustive_256(void **state) {
  (void)state;
  int ties = 0;
  many(U256, &ties);
  assert_true(ties >= 20);
}

/* A common word's top 10: the pruned path returns the exhaustive rows. */
static void test_common_term(void **state) {
  (void)state;
  lf_fts *idx;
  lf_error err;
  assert_int_equal(lf_fts_open(g_st, "", U256, &idx, &err), LF_OK);
  const char *t[] = {"w0", "w1"};
  lf_fts_query q;
  memset(&q, 0, sizeof q);
  q.tokens = t;
  q.k = 10;
  for (q.ntokens = 1; q.ntokens <= 2; q.ntokens++) assert_int_equal(compare(idx, q), 10);
  lf_fts_free(idx);
}

/* LanceDB's rule at the k-th place: rows 0-4 "zeta" tie; k = 3 keeps rows 0-2
** (3 and 4 cannot enter at an equal score), then row 5 ("zeta zeta", higher)
** evicts the minimum, row 0 (same score and length, lowest doc id): rows
** 5, 1, 2, not the lowest row ids 5, 0, 1. */
static void test_ties_lancedb_rule(void **state) {
  (void)state;
  const char *u = "33333333-3333-4333-8333-333333333333", *text[] = {"zeta", "zeta", "zeta", "zeta", "zeta", "zeta zeta", "omega"};
  lf_fts_writer *w = writer(u, 128, 0);
  lf_error err;
  for (int i = 0; i < 7; i++) assert_int_equal(lf_fts_writer_doc(w, (uint64_t)i, text[i], strlen(text[i]), &err), LF_OK);
  assert_int_equal(lf_fts_writer_finish(w, NULL, 0, &err), LF_OK);
  lf_fts_writer_free(w);
  lf_fts *idx;
  assert_int_equal(lf_fts_open(g_st, "", u, &idx, &err), LF_OK);
  const char *t[] = {"zeta"};
  lf_fts_query q;
  memset(&q, 0, sizeof q);
  q.tokens = t;
  q.ntokens = 1;
  q.k = 3;
  for (q.exhaustive = 0; q.exhaustive < 2; q.exhaustive++) {
    lf_fts_hit *h;
    size_t n;
    assert_int_equal(lf_fts_bm25(idx, &q, &h, &n, &err), LF_OK);
    assert_int_equal(n, 3);
    assert_int_equal(h[0].row_id, 5);
    assert_int_equal(h[1].row_id, 1);
    assert_int_equal(h[2].row_id, 2);
    assert_true(h[0].score > h[1].score && h[1].score == h[2].score);
    free(h);
  }
  lf_fts_free(idx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pruned_equals_exhaustive_128),
      cmocka_unit_test(test_pruned_equals_exhaustive_256),
      cmocka_unit_test(test_common_term),
      cmocka_unit_test(test_ties_lancedb_rule),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
