/*
** test_ann_calc.c: ext/vec/ann_calc.c, the distances inside one IVF partition
** (PQ tables on residuals and for dot, SQ codes for l2 and dot, raw vectors)
** against a naive double reference built from the same models, and the
** partition search: flat passes, masks, an HNSW walk that must find the
** exact neighbours when the beam covers the graph, and the beam's bound;
** the flat pass's block kernels against the per-row distances, bit for bit.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vec/ann.h"

#define DIM 16
#define M 4
#define N 37

static uint64_t g_rng = 0x2545f4914f6cdd1dull;
static double rnd_unit(void) {
  g_rng ^= g_rng << 13, g_rng ^= g_rng >> 7, g_rng ^= g_rng << 17;
  return (double)(g_rng >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static float g_cent[2 * DIM], g_cb[M * 256 * (DIM / M)], g_q[DIM];
static uint8_t g_codes[N * DIM];
static float g_vecs[N * DIM];
static uint64_t g_ids[N];

static void fill(lf_vindex *v, lf_vpart *p, lf_vquant quant, lf_vmetric metric) {
  memset(v, 0, sizeof *v);
  memset(p, 0, sizeof *p);
  for (size_t i = 0; i < 2 * DIM; i++) g_cent[i] = (float)rnd_unit();
  for (size_t i = 0; i < sizeof g_cb / sizeof g_cb[0]; i++) g_cb[i] = (float)rnd_unit();
  for (size_t i = 0; i < DIM; i++) g_q[i] = (float)(1.5 * rnd_unit()); /* some outside SQ bounds */
  for (size_t i = 0; i < N * DIM; i++) g_codes[i] = (uint8_t)(rnd_unit() * 127.5 + 127.5);
  for (size_t i = 0; i < N * DIM; i++) g_vecs[i] = (float)rnd_unit();
  for (size_t i = 0; i < N; i++) g_ids[i] = 1000 + i;
  v->quant = quant, v->metric = metric, v->dim = DIM, v->nparts = 2, v->centroids = g_cent;
  v->pq_m = M, v->pq_bits = 8, v->pq_codebook = g_cb, v->sq_bits = 8, v->sq_lo = -1.0, v->sq_hi = 1.0;
  p->n = N, p->rowids = g_ids;
  p->codes = quant == LF_VQ_FLAT ? (uint8_t *)g_vecs : g_codes;
  p->code_size = quant == LF_VQ_FLAT ? DIM * 4 : quant == LF_VQ_SQ ? DIM : M;
}

static double pq_ref(const lf_vindex *v, uint32_t i) {
  size_t sub = DIM / M;
  double d = 0;
  for (size_t j = 0; j < M; j++) {
    const float *c = g_cb + (j * 256 + g_codes[j * N + i]) * sub;
    for (size_t t = 0; t < sub; t++) {
      double q = g_q[j * sub + t] - (v->metric == LF_VM_DOT ? 0 : g_cent[DIM + j * sub + t]);
      d += v->metric == LF_VM_DOT ? -q * c[t] : (q - c[t]) * (q - c[t]);
    }
  }
  return v->metric == LF_VM_DOT ? 1 + d : d;
}

static int sq_code_ref(double x) {
  double y = (x + 1.0) * 255.0 / 2.0;
  return y <= 0 ? 0 : y >= 255 ? 255 : (int)floor(y);
}

static double sq_ref(const lf_vindex *v, uint32_t i) {
  double step = 2.0 / 255.0, d = 0;
  for (size_t j = 0; j < DIM; j++) {
    int x = g_codes[i * DIM + j];
    if (v->metric == LF_VM_DOT) d -= g_q[j] * (-1.0 + step * x);
    else d += (double)(x - sq_code_ref(g_q[j])) * (x - sq_code_ref(g_q[j])) * step * step;
  }
  return v->metric == LF_VM_DOT ? 1 + d : d;
}

static double flat_ref(const lf_vindex *v, uint32_t i) {
  double dot = 0, nq = 0, nx = 0, l2 = 0;
  for (size_t j = 0; j < DIM; j++) {
    double a = g_q[j], b = g_vecs[i * DIM + j];
    dot += a * b, nq += a * a, nx += b * b, l2 += (a - b) * (a - b);
  }
  return v->metric == LF_VM_DOT ? 1 - dot : v->metric == LF_VM_COSINE ? 1 - dot / sqrt(nq * nx) : l2;
}

static void check_all(lf_vquant quant, lf_vmetric metric, double (*ref)(const lf_vindex *, uint32_t)) {
  lf_vindex v;
  lf_vpart p;
  ann_calc c;
  fill(&v, &p, quant, metric);
  assert_int_equal(ann_calc_init(&c, &v, &p, 1, g_q, NULL), LF_OK);
  for (uint32_t i = 0; i < N; i++) {
    double want = ref(&v, i), got = ann_calc_dist(&c, i);
    assert_true(fabs(got - want) <= 1e-4 * fmax(1.0, fabs(want)));
  }
  ann_calc_reset(&c);
}

static void test_pq_l2(void **s) { (void)s; check_all(LF_VQ_PQ, LF_VM_L2, pq_ref); }
static void test_pq_cosine_is_l2_on_residuals(void **s) { (void)s; check_all(LF_VQ_PQ, LF_VM_COSINE, pq_ref); }
static void test_pq_dot(void **s) { (void)s; check_all(LF_VQ_PQ, LF_VM_DOT, pq_ref); }
static void test_sq_l2(void **s) { (void)s; check_all(LF_VQ_SQ, LF_VM_L2, sq_ref); }
static void test_sq_dot(void **s) { (void)s; check_all(LF_VQ_SQ, LF_VM_DOT, sq_ref); }
static void test_flat(void **s) {
  (void)s;
  check_all(LF_VQ_FLAT, LF_VM_L2, flat_ref);
  check_all(LF_VQ_FLAT, LF_VM_COSINE, flat_ref);
  check_all(LF_VQ_FLAT, LF_VM_DOT, flat_ref);
}

/* k nearest by the reference, as row ids ascending by distance */
static void ref_topk(const lf_vindex *v, const uint8_t *ok, size_t k, int64_t *out) {
  simd_topk_item items[N];
  simd_topk tk;
  simd_topk_init(&tk, items, k);
  for (uint32_t i = 0; i < N; i++)
    if (!ok || ok[i]) simd_topk_push(&tk, (float)flat_ref(v, i), (int64_t)g_ids[i]);
  size_t n = simd_topk_finish(&tk);
  for (size_t i = 0; i < n; i++) out[i] = items[i].rowid;
}

static void run_search(lf_vpart *p, const lf_vindex *v, const ann_mask *m, size_t k, size_t ef,
                       int64_t *out, size_t *n) {
  ann_calc c;
  simd_topk_item items[N];
  simd_topk tk;
  simd_topk_init(&tk, items, k);
  assert_int_equal(ann_calc_init(&c, v, p, 0, g_q, NULL), LF_OK);
  assert_int_equal(ann_search_part(&c, m, k, ef, &tk), LF_OK);
  *n = simd_topk_finish(&tk);
  for (size_t i = 0; i < *n; i++) out[i] = items[i].rowid;
  ann_calc_reset(&c);
}

/* A one-level HNSW graph where every node links to every other: with a beam
** as wide as the graph, the walk returns the exact top k; a mask is obeyed. */
static void test_hnsw_full_graph(void **s) {
  (void)s;
  lf_vindex v;
  lf_vpart p;
  fill(&v, &p, LF_VQ_FLAT, LF_VM_L2);
  v.hnsw = 1;
  uint32_t rows[N], *lvl[1] = {rows}, nbr[N * (N - 1)];
  uint64_t off[N + 1], k = 0;
  for (uint32_t i = 0; i < N; i++) {
    rows[i] = i;
    off[i] = k;
    for (uint32_t j = 0; j < N; j++)
      if (j != i) nbr[k++] = j;
  }
  off[N] = k;
  p.nlevels = 1, p.entry = 5, p.lvl_row = lvl, p.nbr_off = off, p.nbr = nbr;
  int64_t want[10], got[10];
  size_t n;
  ref_topk(&v, NULL, 10, want);
  run_search(&p, &v, NULL, 10, N, got, &n);
  assert_int_equal(n, 10);
  assert_memory_equal(want, got, sizeof want);
  uint8_t ok[N];
  for (int i = 0; i < N; i++) ok[i] = i % 3 != 0;
  ann_mask m = {ok, 0};
  for (int i = 0; i < N; i++) m.nok += ok[i];
  ref_topk(&v, ok, 10, want);
  run_search(&p, &v, &m, 10, N, got, &n);
  assert_int_equal(n, 10);
  assert_memory_equal(want, got, sizeof want);
  /* fewer than 10% allowed: a flat pass over them */
  memset(ok, 0, sizeof ok);
  ok[7] = ok[20] = 1;
  m.nok = 2;
  run_search(&p, &v, &m, 10, 15, got, &n);
  assert_int_equal(n, 2);
}

/* The beam re-reads its furthest result after every neighbour, as LanceDB
** does.  ef = 2, query at 0, one coordinate per node: the entry (x = 1)
** links to A (x = 3) and then B (x = 2); only B links to C (x = 0.5).  A fills
** the results, so B (4 <= 9) must displace A and be expanded; a bound read
** once per expansion (1) would drop B and never reach C. */
static void test_hnsw_bound_refreshed(void **s) {
  (void)s;
  lf_vindex v;
  lf_vpart p;
  fill(&v, &p, LF_VQ_FLAT, LF_VM_L2);
  v.hnsw = 1;
  memset(g_vecs, 0, sizeof g_vecs);
  memset(g_q, 0, sizeof g_q);
  g_vecs[0 * DIM] = 1.0f, g_vecs[1 * DIM] = 3.0f, g_vecs[2 * DIM] = 2.0f, g_vecs[3 * DIM] = 0.5f;
  uint32_t rows[4] = {0, 1, 2, 3}, *lvl[1] = {rows}, nbr[] = {1, 2, 0, 2, 0, 3, 2};
  uint64_t off[5] = {0, 2, 4, 6, 7};
  p.n = 4, p.nlevels = 1, p.entry = 0, p.lvl_row = lvl, p.nbr_off = off, p.nbr = nbr;
  int64_t got[1];
  size_t n;
  run_search(&p, &v, NULL, 1, 2, got, &n);
  assert_int_equal(n, 1);
  assert_int_equal(got[0], (int64_t)g_ids[3]);
}

/* The flat pass's block kernels (PQ scans with the transposed-codebook
** tables, SQ integer sums, many()) give every row exactly the bits of
** ann_calc_dist on a plain calc, in every SIMD variant that runs here. */
static void check_flat_bits(lf_vquant quant, lf_vmetric metric, uint32_t bits) {
  lf_vindex v;
  lf_vpart p;
  ann_calc plain, fast;
  fill(&v, &p, quant, metric);
  v.pq_bits = bits;
  float *cbt = ann_pq_transpose(&v);
  assert_non_null(cbt);
  assert_int_equal(ann_calc_init(&plain, &v, &p, 1, g_q, NULL), LF_OK);
  assert_int_equal(ann_calc_init(&fast, &v, &p, 1, g_q, cbt), LF_OK);
  simd_topk_item items[N];
  simd_topk tk;
  simd_topk_init(&tk, items, N);
  assert_int_equal(ann_search_part(&fast, NULL, N, N, &tk), LF_OK);
  assert_int_equal(simd_topk_finish(&tk), N);
  for (size_t i = 0; i < N; i++) {
    float want = ann_calc_dist(&plain, (uint32_t)(items[i].rowid - 1000));
    if (memcmp(&want, &items[i].dist, sizeof want))
      fail_msg("quant %d metric %d bits %u row %lld: %.9g vs %.9g", quant, metric, bits,
               (long long)items[i].rowid, items[i].dist, want);
  }
  ann_calc_reset(&plain);
  ann_calc_reset(&fast);
  free(cbt);
}

static void test_flat_pass_bits(void **s) {
  (void)s;
  check_flat_bits(LF_VQ_PQ, LF_VM_L2, 8);
  check_flat_bits(LF_VQ_PQ, LF_VM_DOT, 8);
  check_flat_bits(LF_VQ_PQ, LF_VM_L2, 4);
  check_flat_bits(LF_VQ_PQ, LF_VM_DOT, 4);
  check_flat_bits(LF_VQ_SQ, LF_VM_L2, 8);
  check_flat_bits(LF_VQ_SQ, LF_VM_DOT, 8);
  check_flat_bits(LF_VQ_FLAT, LF_VM_L2, 8);
  check_flat_bits(LF_VQ_FLAT, LF_VM_COSINE, 8);
  check_flat_bits(LF_VQ_FLAT, LF_VM_DOT, 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pq_l2),  cmocka_unit_test(test_pq_cosine_is_l2_on_residuals),
      cmocka_unit_test(test_pq_dot), cmocka_unit_test(test_sq_l2),
      cmocka_unit_test(test_sq_dot), cmocka_unit_test(test_flat),
      cmocka_unit_test(test_hnsw_full_graph), cmocka_unit_test(test_hnsw_bound_refreshed),
      cmocka_unit_test(test_flat_pass_bits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
