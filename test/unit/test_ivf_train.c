/*
** test_ivf_train.c: ext/vec/ivf_train.c, the math of IVF index building:
** k-means finds well separated clusters (l2 and dot, one thread and several
** giving the same partition of the rows), empty clusters are split, the
** assignment is the brute-force nearest centroid, PQ codebooks reconstruct
** their training vectors better than any single codeword, PQ codes are the
** nearest codewords, SQ codes follow Lance's scale_to_u8 at the bounds and
** beyond them, and normalization.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vec/ivf_train.h"

#define DIM 8
#define K 5
#define PER 200

static float g_data[K * PER * DIM], g_centres[K * DIM];

static double gauss(ivf_rng *r) {
  double u = ((double)(ivf_rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
  double v = (double)(ivf_rng_next(r) >> 11) / 9007199254740992.0;
  return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* K clusters of PER rows each, centres 10 apart on the axes, spread 0.3. */
static void clusters(void) {
  ivf_rng r = {7};
  memset(g_centres, 0, sizeof g_centres);
  for (int c = 0; c < K; c++) g_centres[c * DIM + c] = 10.0f;
  for (int i = 0; i < K * PER; i++)
    for (int e = 0; e < DIM; e++)
      g_data[i * DIM + e] = g_centres[(i % K) * DIM + e] + (float)(0.3 * gauss(&r));
}

static double l2(const float *a, const float *b, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
  return s;
}

static void test_kmeans_finds_clusters(void **state) {
  (void)state;
  clusters();
  float cent[K * DIM], cent2[K * DIM];
  double loss, loss2;
  assert_int_equal(ivf_kmeans(g_data, K * PER, DIM, K, 50, IVF_TRAIN_L2, 1, 3, cent, &loss), 0);
  /* every true centre has a trained centroid within 0.1 */
  for (int c = 0; c < K; c++) {
    double best = 1e30;
    for (int k = 0; k < K; k++) best = fmin(best, l2(g_centres + c * DIM, cent + k * DIM, DIM));
    assert_true(best < 0.01);
  }
  assert_true(loss > 0 && loss < K * PER * DIM * 0.3 * 0.3 * 1.5);
  /* three threads: the same clusters (the rows' partitions agree) */
  assert_int_equal(ivf_kmeans(g_data, K * PER, DIM, K, 50, IVF_TRAIN_L2, 3, 3, cent2, &loss2), 0);
  uint32_t p1[K * PER], p2[K * PER];
  ivf_assign(g_data, K * PER, DIM, cent, K, IVF_TRAIN_L2, 1, p1, NULL);
  ivf_assign(g_data, K * PER, DIM, cent2, K, IVF_TRAIN_L2, 2, p2, NULL);
  for (int i = 0; i < K * PER; i++)
    for (int j = 0; j < K * PER; j += 97) assert_int_equal(p1[i] == p1[j], p2[i] == p2[j]);
  assert_true(fabs(loss - loss2) < 1e-3 * loss);
}

static void test_assign_is_nearest(void **state) {
  (void)state;
  clusters();
  float cent[K * DIM], dist[K * PER];
  uint32_t part[K * PER];
  memcpy(cent, g_data, sizeof cent); /* the first K rows as centroids */
  ivf_assign(g_data, K * PER, DIM, cent, K, IVF_TRAIN_L2, 2, part, dist);
  for (int i = 0; i < K * PER; i++) {
    int best = 0;
    for (int k = 1; k < K; k++)
      if (l2(g_data + i * DIM, cent + k * DIM, DIM) < l2(g_data + i * DIM, cent + best * DIM, DIM)) best = k;
    assert_int_equal(part[i], best);
    assert_true(fabs(dist[i] - l2(g_data + i * DIM, cent + best * DIM, DIM)) < 1e-3);
  }
  /* dot: the largest inner product wins */
  ivf_assign(g_data, K * PER, DIM, cent, K, IVF_TRAIN_DOT, 1, part, dist);
  for (int i = 0; i < K * PER; i += 7) {
    double d[K];
    int best = 0;
    for (int k = 0; k < K; k++) {
      d[k] = 0;
      for (int e = 0; e < DIM; e++) d[k] += (double)g_data[i * DIM + e] * cent[k * DIM + e];
      if (d[k] > d[best]) best = k;
    }
    assert_int_equal(part[i], best);
    assert_true(fabs(dist[i] - (1 - d[best])) < 1e-3);
  }
}

static void test_kmeans_dot_and_empty_clusters(void **state) {
  (void)state;
  clusters();
  float cent[K * DIM];
  double loss;
  assert_int_equal(ivf_kmeans(g_data, K * PER, DIM, K, 20, IVF_TRAIN_DOT, 2, 5, cent, &loss), 0);
  for (int i = 0; i < K * DIM; i++) assert_true(isfinite(cent[i]));
  /* 6 rows, 3 of them equal, k = 4: a cluster would stay empty; it is split
  ** off a populated one, so no centroid is left at zero */
  float few[6 * 2] = {1, 1, 1, 1, 1, 1, 5, 5, -5, 5, 5, -5};
  float c4[4 * 2];
  assert_int_equal(ivf_kmeans(few, 6, 2, 4, 10, IVF_TRAIN_L2, 1, 1, c4, &loss), 0);
  for (int k = 0; k < 4; k++) assert_true(c4[2 * k] != 0 || c4[2 * k + 1] != 0);
}

static void test_pq_train_encode(void **state) {
  (void)state;
  enum { N = 600, D = 8, M = 2 };
  static float x[N * D], cb[M * 256 * (D / M)], cbt[M * 256 * (D / M)];
  ivf_rng r = {11};
  for (int i = 0; i < N * D; i++) x[i] = (float)gauss(&r);
  assert_int_equal(ivf_pq_train(x, N, D, M, 25, IVF_TRAIN_L2, 2, 9, cb), 0);
  ivf_pq_transpose(cb, D, M, cbt);
  double err = 0, err0 = 0;
  for (int i = 0; i < N; i++) {
    uint8_t code[M];
    ivf_pq_encode(x + i * D, D, M, cbt, code);
    for (int s = 0; s < M; s++) {
      const float *sub = x + i * D + s * (D / M), *w = cb + ((size_t)s * 256 + code[s]) * (D / M);
      double dw = l2(sub, w, D / M);
      for (int c = 0; c < 256; c++) /* the code is the nearest codeword */
        assert_true(dw <= l2(sub, cb + ((size_t)s * 256 + c) * (D / M), D / M) + 1e-6);
      err += dw;
      err0 += l2(sub, cb + (size_t)s * 256 * (D / M), D / M);
    }
  }
  assert_true(err < 0.25 * err0); /* 256 codes per 4-d sub-vector: far better than one */
}

static void test_sq_encode(void **state) {
  (void)state;
  float x[6] = {-1.0f, 3.0f, 1.0f, -2.0f, 5.0f, NAN};
  uint8_t c[6];
  ivf_sq_encode(x, 6, -1.0, 3.0, c);
  assert_int_equal(c[0], 0);
  assert_int_equal(c[1], 255);
  assert_int_equal(c[2], 127); /* 2 * 255 / 4 = 127.5, truncated */
  assert_int_equal(c[3], 0);   /* below the bounds: saturated */
  assert_int_equal(c[4], 255); /* above */
  assert_int_equal(c[5], 0);   /* NaN */
  ivf_sq_encode(x, 2, 1.0, 1.0, c); /* empty range */
  assert_int_equal(c[0], 0);
  assert_int_equal(c[1], 0);
}

static void test_normalize(void **state) {
  (void)state;
  float a[3] = {3, 0, 4}, z[2] = {0, 0};
  ivf_normalize(a, 3);
  assert_true(fabs(a[0] - 0.6) < 1e-6 && fabs(a[2] - 0.8) < 1e-6);
  ivf_normalize(z, 2);
  assert_true(z[0] == 0 && z[1] == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kmeans_finds_clusters), cmocka_unit_test(test_assign_is_nearest),
      cmocka_unit_test(test_kmeans_dot_and_empty_clusters), cmocka_unit_test(test_pq_train_encode),
      cmocka_unit_test(test_sq_encode), cmocka_unit_test(test_normalize),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
