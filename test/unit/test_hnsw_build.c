/*
** test_hnsw_build.c: ext/vec/hnsw_build.c, the HNSW graph of one partition:
** every list holds valid, distinct nodes other than its own with their true
** distances, within its cap; levels nest (a node on level L is on every level
** below); the entry point is on the top level; almost every node's exact
** nearest neighbour is among its level-0 neighbours; and the rows handed to
** the writer list each level's nodes ascending with their lists.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vec/hnsw_build.h"
#include "vec/ivf_train.h"

#define N 600
#define D 8

static float g_x[N * D];

static double l2(const float *a, const float *b) {
  double s = 0;
  for (int i = 0; i < D; i++) s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
  return s;
}

static void fill(void) {
  ivf_rng r = {5};
  for (int i = 0; i < N * D; i++) g_x[i] = (float)((double)(ivf_rng_next(&r) >> 11) / 9007199254740992.0);
}

static void test_graph_invariants(void **state) {
  (void)state;
  fill();
  hnsw_params p = {8, 64, 7, IVF_TRAIN_L2, 1};
  hnsw_graph g;
  assert_int_equal(hnsw_build(g_x, N, D, &p, &g), 0);
  uint32_t maxtop = 0, hits = 0;
  for (uint32_t i = 0; i < N; i++) maxtop = g.top[i] > maxtop ? g.top[i] : maxtop;
  assert_true(maxtop >= 1 && maxtop < 7);
  assert_int_equal(g.top[g.entry], maxtop);
  for (uint32_t L = 0; L <= maxtop; L++) {
    uint32_t on = 0;
    for (uint32_t i = 0; i < N; i++) on += g.top[i] >= L;
    for (uint32_t i = 0; i < N; i++) {
      if (g.top[i] < L) continue;
      uint32_t cap = hnsw_cap(&g, L), n = g.cnt[L][i];
      assert_true(n <= cap);
      assert_true(n > 0 || on == 1); /* only a node alone on its level has no links */
      const uint32_t *nb = g.nbr[L] + (size_t)i * cap;
      for (uint32_t k = 0; k < n; k++) {
        assert_true(nb[k] < N && nb[k] != i && g.top[nb[k]] >= L);
        for (uint32_t j = 0; j < k; j++) assert_true(nb[j] != nb[k]);
        assert_true(fabs(g.dist[L][(size_t)i * cap + k] - l2(g_x + i * D, g_x + nb[k] * D)) < 1e-4);
      }
    }
  }
  for (uint32_t i = 0; i < N; i++) { /* the exact nearest neighbour is mostly linked */
    uint32_t best = i ? 0 : 1;
    for (uint32_t j = 0; j < N; j++)
      if (j != i && l2(g_x + i * D, g_x + j * D) < l2(g_x + i * D, g_x + best * D)) best = j;
    for (uint32_t k = 0; k < g.cnt[0][i]; k++) hits += g.nbr[0][(size_t)i * 2 * g.m + k] == best;
  }
  assert_true(hits >= N * 9 / 10);
  hnsw_rows r;
  assert_int_equal(hnsw_graph_rows(&g, &r), 0);
  assert_int_equal(r.level_rows[0], N);
  uint64_t row = 0;
  for (uint32_t L = 0; L < g.nlevels; L++)
    for (uint64_t k = 0; k < r.level_rows[L]; k++, row++) {
      if (k) assert_true(r.node[row] > r.node[row - 1]);
      assert_true(g.top[r.node[row]] >= L);
      assert_int_equal(r.nbr_off[row + 1] - r.nbr_off[row], g.cnt[L][r.node[row]]);
    }
  assert_int_equal(row, r.rows);
  hnsw_rows_reset(&r);
  hnsw_graph_reset(&g);
}

static void test_tiny_graphs(void **state) {
  (void)state;
  fill();
  hnsw_params p = {20, 300, 7, IVF_TRAIN_DOT, 3};
  hnsw_graph g;
  for (uint32_t n = 0; n <= 3; n++) {
    assert_int_equal(hnsw_build(g_x, n, D, &p, &g), 0);
    for (uint32_t i = 0; i < n; i++) assert_int_equal(g.cnt[0][i], n - 1);
    hnsw_rows r;
    assert_int_equal(hnsw_graph_rows(&g, &r), 0);
    assert_int_equal(r.level_rows[0], n);
    hnsw_rows_reset(&r);
    hnsw_graph_reset(&g);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_graph_invariants),
                                     cmocka_unit_test(test_tiny_graphs)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
