/* test_fts.c: opening and reading FTS indexes (format/index/fts.c) and BM25
** (format/index/bm25.c) on test/unit/data/fts.lance, written by LanceDB 0.39
** (make_fts_fixture.mjs): params, statistics, tokens, every posting list
** with positions checked against the fixture's known text, document
** lengths, LanceDB's own scores for four queries, and the failure paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"
#include "testdata.h"

static lf_store *g_st;
static char g_uuid[2][37]; /* text_idx (positions), text2_idx */

/* The tokens of fixture row i (make_fts_fixture.mjs), n of them; 0 for row 10. */
static int row_tokens(int i, char toks[][8]) {
  static const char *W[] = {"alpha", "beta", "gamma", "delta", "omega"};
  if (i == 10) return 0;
  int n = 0;
  strcpy(toks[n++], "common");
  strcpy(toks[n++], W[i % 5]);
  if (i % 3 == 0) strcpy(toks[n++], "three");
  for (int k = 0; i == 7 && k < 130; k++) strcpy(toks[n++], "echo");
  if (i < 36) snprintf(toks[n++], 8, "x%c", "0123456789abcdefghijklmnopqrstuvwxyz"[i]);
  return n;
}

static int setup(void **state) {
  (void)state;
  lf_error err;
  lf_manifest m = {0};
  lf_index_meta *ix;
  int n;
  if (lf_store_local_new(test_data_dir(), &g_st, &err) ||
      lf_dataset_read_manifest(g_st, "fts.lance", 0, &m, &err) || lf_manifest_indices(&m, &ix, &n, &err))
    fail_msg("fixture: %s", err.msg);
  for (int i = 0; i < n; i++) memcpy(g_uuid[!strcmp(ix[i].name, "text2_idx")], ix[i].uuid, 37);
  lf_indices_free(ix, n);
  lf_manifest_reset(&m);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  lf_store_free(g_st);
  return 0;
}

static lf_fts *open_idx(int which) {
  lf_fts *idx;
  lf_error err;
  if (lf_fts_open(g_st, "fts.lance", g_uuid[which], &idx, &err)) fail_msg("open: %s", err.msg);
  return idx;
}

static void test_params_stats(void **state) {
  (void)state;
  for (int w = 0; w < 2; w++) {
    lf_fts *idx = open_idx(w);
    const lf_fts_params *p = lf_fts_get_params(idx);
    assert_string_equal(p->base_tokenizer, "simple");
    assert_string_equal(p->language, "English");
    assert_string_equal(p->lance_tokenizer, "text");
    assert_true(p->with_position == !w && p->has_max_token_length && p->max_token_length == 40);
    assert_true(p->lower_case && !p->stem && !p->remove_stop_words && p->ascii_folding);
    assert_true(!p->has_custom_stop_words && p->block_size == 128);
    assert_int_equal(lf_fts_format_version(idx), 2);
    assert_int_equal(lf_fts_block_size(idx), 128);
    assert_int_equal(lf_fts_has_positions(idx), !w);
    assert_int_equal(lf_fts_num_partitions(idx), 1);
    size_t nd;
    lf_fts_deleted_fragments(idx, &nd);
    assert_int_equal(nd, 0);
    lf_fts_stats s, s0;
    assert_int_equal(lf_fts_stats_get(idx, -1, &s), LF_OK);
    assert_int_equal(lf_fts_stats_get(idx, 0, &s0), LF_OK);
    assert_int_equal(lf_fts_stats_get(idx, 1, &s0), LF_ARG);
    uint64_t tokens = 0;
    char toks[200][8];
    for (int i = 0; i < 150; i++) tokens += (uint64_t)row_tokens(i, toks);
    assert_true(s.num_docs == 149 && s.total_tokens == tokens);
    lf_fts_free(idx);
  }
}

/* Every token's posting list equals the one the fixture's text gives. */
static void test_postings(void **state) {
  (void)state;
  lf_fts *idx = open_idx(0);
  lf_fts_posting pl = {0};
  lf_error err;
  uint32_t ntok;
  assert_int_equal(lf_fts_num_tokens(idx, 0, &ntok, &err), LF_OK);
  assert_int_equal(ntok, 43);
  lf_fts_tokens *it;
  assert_int_equal(lf_fts_tokens_open(idx, 0, "", 0, &it, &err), LF_OK);
  int got, count = 0;
  const char *tok;
  size_t len;
  uint32_t id;
  char toks[200][8], t[8];
  while (lf_fts_tokens_next(it, &got, &tok, &len, &id, &err) == LF_OK && got) {
    count++;
    memcpy(t, tok, len);
    t[len] = 0;
    if (lf_fts_posting_read(idx, 0, id, LF_FTS_ROW_IDS | LF_FTS_POSITIONS, &pl, &err))
      fail_msg("%s: %s", t, err.msg);
    uint32_t k = 0;
    for (int i = 0; i < 150; i++) {
      int n = row_tokens(i, toks), tf = 0;
      for (int j = 0; j < n; j++) tf += !strcmp(toks[j], t);
      if (!tf) continue;
      assert_true(k < pl.n);
      assert_true(pl.row_ids[k] == (uint64_t)i && pl.freqs[k] == (uint32_t)tf &&
                  pl.num_tokens[k] == (uint32_t)n);
      assert_int_equal(pl.pos_start[k + 1] - pl.pos_start[k], tf);
      for (int j = 0, at = 0; j < n; j++)
        if (!strcmp(toks[j], t)) assert_int_equal(pl.positions[pl.pos_start[k] + at++], j);
      k++;
    }
    assert_int_equal(k, pl.n);
    assert_true(pl.max_score > 0);
  }
  assert_int_equal(count, 43);
  lf_fts_tokens_free(it);
  /* lookups and prefixes */
  int found;
  assert_int_equal(lf_fts_token_lookup(idx, 0, "common", 6, &found, &id, &err), LF_OK);
  assert_true(found);
  assert_int_equal(lf_fts_posting_read(idx, 0, id, LF_FTS_ROW_IDS, &pl, &err), LF_OK);
  assert_int_equal(pl.n, 149); /* one full block of 128 and a tail of 21 */
  assert_int_equal(lf_fts_token_lookup(idx, 0, "comm", 4, &found, &id, &err), LF_OK);
  assert_false(found);
  assert_int_equal(lf_fts_tokens_open(idx, 0, "x", 1, &it, &err), LF_OK);
  for (count = 0; lf_fts_tokens_next(it, &got, &tok, &len, &id, &err) == LF_OK && got;) count++;
  assert_int_equal(count, 35);
  lf_fts_tokens_free(it);
  /* errors: a token id or partition that does not exist */
  assert_int_equal(lf_fts_posting_read(idx, 0, 43, 0, &pl, &err), LF_ARG);
  assert_int_equal(lf_fts_posting_read(idx, 1, 0, 0, &pl, &err), LF_ARG);
  assert_int_equal(lf_fts_token_lookup(idx, -1, "a", 1, &found, &id, &err), LF_ARG);
  lf_fts_posting_reset(&pl);
  lf_fts_free(idx);
}

static void test_no_positions_and_docs(void **state) {
  (void)state;
  lf_fts *idx = open_idx(1);
  lf_fts_posting pl = {0};
  lf_error err;
  int found;
  uint32_t id, n;
  assert_int_equal(lf_fts_token_lookup(idx, 0, "echo", 4, &found, &id, &err), LF_OK);
  assert_true(found);
  assert_int_equal(lf_fts_posting_read(idx, 0, id, LF_FTS_POSITIONS, &pl, &err), LF_ARG);
  assert_non_null(strstr(err.msg, "without positions"));
  assert_int_equal(lf_fts_posting_read(idx, 0, id, LF_FTS_ROW_IDS, &pl, &err), LF_OK);
  assert_true(pl.n == 1 && pl.row_ids[0] == 7 && pl.freqs[0] == 130);
  assert_int_equal(lf_fts_posting_len(idx, 0, id, &n, &err), LF_OK);
  assert_int_equal(n, 1);
  assert_int_equal(lf_fts_doc_len(idx, 7, &found, &n, &err), LF_OK);
  assert_true(found && n == 2 + 130 + 1);
  assert_int_equal(lf_fts_doc_len(idx, 10, &found, &n, &err), LF_OK); /* null: no document */
  assert_false(found);
  assert_int_equal(lf_fts_doc_len(idx, 1u << 31, &found, &n, &err), LF_OK);
  assert_false(found);
  uint64_t row;
  assert_int_equal(lf_fts_num_docs(idx, 0, &n, &err), LF_OK);
  assert_int_equal(n, 149);
  assert_int_equal(lf_fts_doc(idx, 0, 148, &row, &n, &err), LF_OK);
  assert_true(row == 149 && n == 2);
  assert_int_equal(lf_fts_doc(idx, 0, 149, &row, &n, &err), LF_ARG);
  lf_fts_posting_reset(&pl);
  lf_fts_free(idx);
}

static int drop_40(void *ctx, uint64_t row) {
  (void)ctx;
  return row != 40;
}

/* LanceDB's _score for these queries (make_fts_fixture.mjs prints them). */
static void test_bm25_lancedb(void **state) {
  (void)state;
  static const struct {
    const char *q[2];
    int nq;
    uint64_t row[3];
    float score[3];
  } want[] = {
      {{"echo"}, 1, {7}, {7.979071140289307f}},
      {{"three", "common"}, 2, {36, 39, 42}, {1.15266752243042f, 1.15266752243042f, 1.15266752243042f}},
      {{"x5", "alpha"}, 2, {5, 40, 50}, {6.5776047706604f, 1.9627634286880493f, 1.9627634286880493f}},
      {{"common", "common"}, 2, {37, 38, 40}, {0.008059768937528133f, 0.008059768937528133f, 0.008059768937528133f}},
  };
  lf_fts *idx = open_idx(0);
  lf_error err;
  for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
    lf_fts_query q = {.tokens = want[w].q, .ntokens = want[w].nq, .k = 3};
    lf_fts_hit *h;
    size_t n;
    assert_int_equal(lf_fts_bm25(idx, &q, &h, &n, &err), LF_OK);
    size_t expect_n = want[w].nq == 1 ? 1 : 3;
    assert_int_equal(n, expect_n);
    for (size_t i = 0; i < n; i++) {
      assert_true(h[i].row_id == want[w].row[i]); /* ties by row id */
      assert_true(fabsf(h[i].score - want[w].score[i]) <= 1e-6f * want[w].score[i]);
    }
    free(h);
  }
  /* k = 0 is every match; the filter drops a row; an absent token matches nothing */
  const char *all[] = {"alpha", "nothere"};
  lf_fts_query q = {.tokens = all, .ntokens = 2, .filter = drop_40};
  lf_fts_hit *h;
  size_t n;
  assert_int_equal(lf_fts_bm25(idx, &q, &h, &n, &err), LF_OK);
  assert_int_equal(n, 28); /* rows 0, 5 ... 145, without 10 and 40 */
  for (size_t i = 0; i < n; i++) assert_true(h[i].row_id % 5 == 0 && h[i].row_id != 40);
  free(h);
  q.ntokens = 1, q.tokens = all + 1;
  assert_int_equal(lf_fts_bm25(idx, &q, &h, &n, &err), LF_OK);
  assert_true(n == 0 && h == NULL);
  /* the weights LanceDB's flat search would use with extra documents */
  uint64_t df[1] = {3}, nd;
  float idf[1], avgdl;
  lf_fts_extra ex = {10, 100, df};
  q.tokens = all;
  assert_int_equal(lf_fts_bm25_weights(idx, &q, &ex, &nd, &avgdl, idf, &err), LF_OK);
  lf_fts_stats s;
  lf_fts_stats_get(idx, -1, &s);
  assert_true(nd == 159 && avgdl == lf_bm25_avgdl(s.total_tokens + 100, 159));
  assert_true(idf[0] == lf_bm25_idf(29 + 3, 159));
  lf_fts_free(idx);
}

static void test_bm25_formula(void **state) {
  (void)state;
  /* idf = ln((N - df + 0.5) / (df + 0.5) + 1), weight as in fts.h */
  assert_true(fabsf(lf_bm25_idf(1, 1) - logf(1.0f / 3.0f + 1.0f)) < 1e-7f);
  float w = lf_bm25_weight(2, 10, 5.0f);
  assert_true(fabsf(w - 2.2f * 2 / (2 + 1.2f * (0.25f + 0.75f * 2))) < 1e-6f);
  static const uint32_t q[][2] = {{0, 0}, {7, 7}, {8, 8}, {15, 15}, {16, 16}, {17, 16}, {31, 30},
                                  {1000, 960}, {0xFFFFFFFFu, 0xF0000000u}};
  for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) assert_int_equal(lf_bm25_quantize_len(q[i][0]), q[i][1]);
}

static void test_open_errors(void **state) {
  (void)state;
  lf_fts *idx;
  lf_error err;
  assert_int_equal(lf_fts_open(g_st, "fts.lance", "../x", &idx, &err), LF_ARG);
  assert_int_equal(lf_fts_open(g_st, "fts.lance", "", &idx, &err), LF_ARG);
  assert_int_equal(lf_fts_open(g_st, "fts.lance", "00000000-0000-0000-0000-000000000000", &idx, &err),
                   LF_NOTFOUND);
  assert_null(idx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_params_stats),  cmocka_unit_test(test_postings),
      cmocka_unit_test(test_no_positions_and_docs), cmocka_unit_test(test_bm25_lancedb),
      cmocka_unit_test(test_bm25_formula), cmocka_unit_test(test_open_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
