/*
** ivf_train.c: owns the math of IVF index building (ivf_train.h): k-means
** (IVF centroids, PQ codebooks), the nearest-centroid assignment, PQ and SQ
** encoding and the thread fan-out they share.  Distances come from ext/simd
** (SIMD_L2: squared Euclidean; SIMD_DOT: 1 - x.c), one many() call per row
** against all centroids, so the AVX2 kernels do the work.
*/
#include "vec/ivf_train.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "simd/simd.h"

#define SMALL_DIM 16 /* l2 k-means below this many values: l2_transposed */

uint64_t ivf_rng_next(ivf_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static const simd_kernel *kernel(int metric) {
  return simd_get(metric == IVF_TRAIN_DOT ? SIMD_DOT : SIMD_L2, SIMD_F32);
}

void ivf_normalize(float *x, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; i++) s += (double)x[i] * x[i];
  if (s <= 0) return;
  float inv = (float)(1.0 / sqrt(s));
  for (size_t i = 0; i < dim; i++) x[i] *= inv;
}

/* ---- threads ------------------------------------------------------------------ */

typedef struct par_arg {
  void (*fn)(void *, int, int);
  void *ctx;
  int t, nt;
} par_arg;

static void *par_main(void *p) {
  par_arg *a = p;
  a->fn(a->ctx, a->t, a->nt);
  return NULL;
}

void ivf_parallel(int nt, void (*fn)(void *ctx, int t, int nt), void *ctx) {
  if (nt < 1) nt = 1;
  pthread_t tid[64];
  par_arg arg[64];
  int started[64] = {0};
  if (nt > 64) nt = 64;
  for (int t = 1; t < nt; t++) {
    arg[t] = (par_arg){fn, ctx, t, nt};
    started[t] = pthread_create(&tid[t], NULL, par_main, &arg[t]) == 0;
    if (!started[t]) fn(ctx, t, nt);
  }
  fn(ctx, 0, nt);
  for (int t = 1; t < nt; t++)
    if (started[t]) pthread_join(tid[t], NULL);
}

/* ---- small dimensions --------------------------------------------------------------- */

/* Squared l2 distances from x (dim values) to k centroids given transposed
** (ct[e * k + c]: value e of centroid c): eight centroids at a time across
** the lanes, which suits the 4- to 16-value sub-vectors of PQ far better
** than one kernel call per centroid.  GCC vector extensions: SSE2 or wider,
** whatever the target, no run-time dispatch needed. */
typedef float f8 __attribute__((vector_size(32)));

static void l2_transposed(const float *x, const float *ct, size_t dim, size_t k, float *d) {
  size_t c = 0;
  for (; c + 8 <= k; c += 8) {
    f8 acc = {0};
    for (size_t e = 0; e < dim; e++) {
      f8 v;
      memcpy(&v, ct + e * k + c, sizeof v);
      f8 t = x[e] - v;
      acc += t * t;
    }
    memcpy(d + c, &acc, sizeof acc);
  }
  for (; c < k; c++) {
    float a = 0;
    for (size_t e = 0; e < dim; e++) a += (x[e] - ct[e * k + c]) * (x[e] - ct[e * k + c]);
    d[c] = a;
  }
}

static void transpose(const float *a, size_t k, size_t dim, float *t) {
  for (size_t c = 0; c < k; c++)
    for (size_t e = 0; e < dim; e++) t[e * k + c] = a[c * dim + e];
}

/* ---- assignment ------------------------------------------------------------------- */

typedef struct assign_job {
  const float *data;
  size_t n, dim;
  const float *cent;
  const float *ct;   /* l2 on small dim: the centroids transposed, else NULL */
  uint32_t k;
  int metric;
  uint32_t *part;
  float *dist;
  double *sums;      /* per thread k x dim, or NULL (no centroid update) */
  uint64_t *cnts;    /* per thread k */
  double *loss;      /* per thread */
  int failed;
} assign_job;

static void assign_rows(void *ctx, int t, int nt) {
  assign_job *j = ctx;
  size_t lo = j->n * (size_t)t / (size_t)nt, hi = j->n * (size_t)(t + 1) / (size_t)nt;
  float *d = malloc((size_t)j->k * sizeof *d);
  if (!d) {
    j->failed = 1;
    return;
  }
  const simd_kernel *kn = kernel(j->metric);
  double loss = 0, *sums = j->sums ? j->sums + (size_t)t * j->k * j->dim : NULL;
  uint64_t *cnts = j->cnts ? j->cnts + (size_t)t * j->k : NULL;
  for (size_t i = lo; i < hi; i++) {
    const float *x = j->data + i * j->dim;
    if (j->ct) l2_transposed(x, j->ct, j->dim, j->k, d);
    else kn->many(x, j->cent, j->dim, j->k, d);
    uint32_t best = 0;
    for (uint32_t c = 1; c < j->k; c++)
      if (d[c] < d[best] || d[best] != d[best]) best = c;
    j->part[i] = best;
    if (j->dist) j->dist[i] = d[best];
    if (d[best] == d[best]) loss += d[best];
    if (sums) {
      double *s = sums + (size_t)best * j->dim;
      for (size_t e = 0; e < j->dim; e++) s[e] += x[e];
      cnts[best]++;
    }
  }
  if (j->loss) j->loss[t] = loss;
  free(d);
}

void ivf_assign(const float *data, size_t n, size_t dim, const float *centroids, uint32_t k,
                int metric, int threads, uint32_t *part, float *dist) {
  assign_job j = {data, n, dim, centroids, NULL, k, metric, part, dist, NULL, NULL, NULL, 0};
  if ((size_t)threads > n / 256 + 1) threads = (int)(n / 256 + 1);
  ivf_parallel(threads, assign_rows, &j);
}

/* ---- k-means ------------------------------------------------------------------------ */

/* k distinct rows of n, at random (a partial Fisher-Yates over indices). */
static int random_rows(size_t n, uint32_t k, ivf_rng *r, size_t *out) {
  size_t *idx = malloc(n * sizeof *idx);
  if (!idx) return -1;
  for (size_t i = 0; i < n; i++) idx[i] = i;
  for (uint32_t i = 0; i < k; i++) {
    size_t j = i + (size_t)(ivf_rng_next(r) % (n - i)), t = idx[i];
    idx[i] = idx[j], idx[j] = t;
    out[i] = idx[i];
  }
  free(idx);
  return 0;
}

/* Empty clusters take half of the largest one. */
static void split_empty(float *cent, uint64_t *cnt, uint32_t k, size_t dim) {
  const float eps = 1.0f / 1024.0f;
  for (uint32_t i = 0; i < k; i++) {
    if (cnt[i]) continue;
    uint32_t j = 0;
    for (uint32_t c = 1; c < k; c++)
      if (cnt[c] > cnt[j]) j = c;
    if (cnt[j] < 2) return;
    cnt[i] = cnt[j] / 2, cnt[j] -= cnt[i];
    float *ci = cent + (size_t)i * dim, *cj = cent + (size_t)j * dim;
    for (size_t e = 0; e < dim; e++) {
      float s = e % 2 ? -eps : eps;
      ci[e] = cj[e] * (1 + s);
      cj[e] *= 1 - s;
    }
  }
}

/* New centroids: the per-thread sums folded; an empty cluster keeps 0 until
** split_empty gives it half of another. */
static void update(float *cent, const double *sums, const uint64_t *cnts, uint32_t k, size_t dim,
                   int nt, uint64_t *cnt) {
  for (uint32_t c = 0; c < k; c++) {
    cnt[c] = 0;
    for (int t = 0; t < nt; t++) cnt[c] += cnts[(size_t)t * k + c];
    for (size_t e = 0; e < dim; e++) {
      double s = 0;
      for (int t = 0; t < nt; t++) s += sums[((size_t)t * k + c) * dim + e];
      cent[(size_t)c * dim + e] = cnt[c] ? (float)(s / (double)cnt[c]) : 0.0f;
    }
  }
  split_empty(cent, cnt, k, dim);
}

int ivf_kmeans(const float *data, size_t n, size_t dim, uint32_t k, uint32_t max_iters,
               int metric, int threads, uint64_t seed, float *centroids, double *loss) {
  ivf_rng r = {seed};
  if ((size_t)threads > n / 256 + 1) threads = (int)(n / 256 + 1);
  if (threads < 1) threads = 1;
  size_t *pick = malloc((size_t)k * sizeof *pick);
  uint32_t *part = malloc((n + 1) * sizeof *part);
  double *sums = malloc((size_t)threads * k * dim * sizeof *sums), *tl = calloc((size_t)threads, sizeof *tl);
  uint64_t *cnts = malloc((size_t)threads * k * sizeof *cnts), *cnt = malloc((size_t)k * sizeof *cnt);
  float *ct = metric == IVF_TRAIN_L2 && dim <= SMALL_DIM ? malloc((size_t)k * dim * sizeof *ct) : NULL;
  int rc = pick && part && sums && tl && cnts && cnt && (ct || metric != IVF_TRAIN_L2 || dim > SMALL_DIM) ? 0 : -1;
  if (!rc) rc = random_rows(n, k, &r, pick);
  for (uint32_t c = 0; !rc && c < k; c++)
    memcpy(centroids + (size_t)c * dim, data + pick[c] * dim, dim * sizeof *centroids);
  double last = INFINITY;
  *loss = INFINITY;
  for (uint32_t it = 0; !rc && it < max_iters; it++) {
    memset(sums, 0, (size_t)threads * k * dim * sizeof *sums);
    memset(cnts, 0, (size_t)threads * k * sizeof *cnts);
    if (ct) transpose(centroids, k, dim, ct);
    assign_job j = {data, n, dim, centroids, ct, k, metric, part, NULL, sums, cnts, tl, 0};
    ivf_parallel(threads, assign_rows, &j);
    if (j.failed) rc = -1;
    double l = 0;
    for (int t = 0; t < threads; t++) l += tl[t];
    if (!rc) update(centroids, sums, cnts, k, dim, threads, cnt);
    *loss = l;
    if (fabs(last - l) < 1e-4 * l) break;
    last = l;
  }
  free(pick);
  free(part);
  free(sums);
  free(tl);
  free(cnts);
  free(cnt);
  free(ct);
  return rc;
}

/* ---- PQ -------------------------------------------------------------------------------- */

typedef struct pq_job {
  const float *data;
  size_t n, dim;
  uint32_t m, max_iters;
  int metric;
  uint64_t seed;
  float *codebook;
  int failed;
} pq_job;

static void pq_subs(void *ctx, int t, int nt) {
  pq_job *j = ctx;
  size_t sub = j->dim / j->m;
  float *x = malloc(j->n * sub * sizeof *x);
  if (!x) {
    j->failed = 1;
    return;
  }
  for (uint32_t s = (uint32_t)t; s < j->m; s += (uint32_t)nt) {
    for (size_t i = 0; i < j->n; i++) memcpy(x + i * sub, j->data + i * j->dim + s * sub, sub * sizeof *x);
    double loss;
    if (ivf_kmeans(x, j->n, sub, 256, j->max_iters, j->metric, 1, j->seed + s,
                   j->codebook + (size_t)s * 256 * sub, &loss))
      j->failed = 1;
  }
  free(x);
}

int ivf_pq_train(const float *data, size_t n, size_t dim, uint32_t m, uint32_t max_iters,
                 int metric, int threads, uint64_t seed, float *codebook) {
  pq_job j = {data, n, dim, m, max_iters, metric, seed, codebook, 0};
  ivf_parallel(threads < (int)m ? threads : (int)m, pq_subs, &j);
  return j.failed ? -1 : 0;
}

void ivf_pq_transpose(const float *codebook, size_t dim, uint32_t m, float *out) {
  size_t sub = dim / m;
  for (uint32_t s = 0; s < m; s++)
    transpose(codebook + (size_t)s * 256 * sub, 256, sub, out + (size_t)s * 256 * sub);
}

void ivf_pq_encode(const float *x, size_t dim, uint32_t m, const float *cbt, uint8_t *code) {
  size_t sub = dim / m;
  float d[256];
  for (uint32_t s = 0; s < m; s++) {
    l2_transposed(x + s * sub, cbt + (size_t)s * 256 * sub, sub, 256, d);
    int best = 0;
    for (int c = 1; c < 256; c++)
      if (d[c] < d[best]) best = c;
    code[s] = (uint8_t)best;
  }
}

/* ---- SQ ---------------------------------------------------------------------------------- */

void ivf_sq_encode(const float *x, size_t dim, double lo, double hi, uint8_t *code) {
  for (size_t i = 0; i < dim; i++) {
    double y = hi == lo ? 0 : ((double)x[i] - lo) * 255.0 / (hi - lo);
    code[i] = y != y || y <= 0 ? 0 : y >= 255 ? 255 : (uint8_t)y;
  }
}
