/*
** ann_calc.c: owns the distances LanceDB's vector indexes compute inside one
** IVF partition, and the HNSW graph walk.
**
** FLAT storage   the metric on the stored float32 vectors (cosine indexes
**                store normalized vectors and get a normalized query).
** PQ             l2 / cosine: the residual r = q - centroid is split into m
**                sub-vectors; table[j][c] = |r_j - codebook[j][c]|^2 and a
**                row's distance is the sum of table[j][code_j] (cosine indexes
**                search normalized vectors with l2, so they report that l2).
**                dot: table[j][c] = 1 - q_j . codebook[j][c] on the query itself
**                (no residual), the sum minus (m - 1), i.e. 1 - q . x~.
** SQ (8 bits)    codes are floor((x - lo) * 255 / (hi - lo)) saturated to
**                0..255.  l2 / cosine: the query is coded the same way and the
**                distance is sum (code_q - code_x)^2 * step^2, step = (hi - lo)
**                / 255.  dot: 1 - (lo * sum q + step * sum code_x * q).
** HNSW           from the partition's entry_point, a greedy descent through the
**                upper levels down to level 1 (a node absent from a level has
**                no neighbours there), then a beam search of width ef on level
**                0 whose results pass the mask; of the ef best, the k' nearest
**                are kept.  A neighbour is compared with the furthest result as
**                it stands after the previous neighbour.  (Checked against
**                LanceDB 0.39's answers: starting from node 0, descending into
**                level 0, or reading that bound once per expanded node gives
**                other rows.)
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vec/ann.h"
#include "vec/ivf_train.h"

/* The PQ distance table of the query (c->q).  With a transposed codebook
** (sub-vectors shorter than 16) 8 or 16 codes are done per step; the same
** bits as the l2 / dot kernels' many() on the codebook (simd.h). */
static int pq_table(ann_calc *c, const float *cbt) {
  const lf_vindex *v = c->v;
  size_t ncode = (size_t)1 << v->pq_bits, sub = v->dim / v->pq_m;
  if (!(c->table = malloc(v->pq_m * ncode * sizeof *c->table))) return LF_NOMEM;
  int dot = v->metric == LF_VM_DOT;
  const simd_kernel *k = simd_get(dot ? SIMD_DOT : SIMD_L2, SIMD_F32);
  for (uint32_t j = 0; j < v->pq_m; j++) {
    if (cbt && sub < 16)
      simd_pq_get()->table(c->q + j * sub, cbt + j * ncode * sub, sub, ncode, dot, c->table + j * ncode);
    else
      k->many(c->q + j * sub, v->pq_codebook + j * ncode * sub, sub, ncode, c->table + j * ncode);
  }
  return LF_OK;
}

float *ann_pq_transpose(const lf_vindex *v) {
  size_t ncode = (size_t)1 << v->pq_bits, sub = v->dim / v->pq_m;
  float *t = malloc(v->pq_m * ncode * sub * sizeof *t + 1);
  for (size_t j = 0; t && j < v->pq_m; j++)
    for (size_t c = 0; c < ncode; c++)
      for (size_t d = 0; d < sub; d++)
        t[(j * sub + d) * ncode + c] = v->pq_codebook[(j * ncode + c) * sub + d];
  return t;
}

int ann_calc_init(ann_calc *c, const lf_vindex *v, const lf_vpart *p, uint32_t part,
                  const float *q, const float *cbt) {
  memset(c, 0, sizeof *c);
  c->v = v;
  c->p = p;
  if (!(c->q = malloc(v->dim * sizeof *c->q))) return LF_NOMEM;
  memcpy(c->q, q, v->dim * sizeof *c->q);
  if (v->quant == LF_VQ_PQ && v->metric != LF_VM_DOT)
    for (uint32_t i = 0; i < v->dim; i++) c->q[i] -= v->centroids[(size_t)part * v->dim + i];
  if (v->quant == LF_VQ_PQ) return pq_table(c, cbt);
  if (v->quant == LF_VQ_SQ) {
    c->step = (float)(v->sq_hi - v->sq_lo) / 255.0f;
    if (!(c->qcode = malloc(v->dim))) return LF_NOMEM;
    ivf_sq_encode(q, v->dim, v->sq_lo, v->sq_hi, c->qcode); /* Lance's scale_to_u8 */
    for (uint32_t i = 0; i < v->dim; i++) c->qsum += q[i];
  }
  return LF_OK;
}

void ann_calc_reset(ann_calc *c) {
  free(c->q);
  free(c->table);
  free(c->qcode);
  memset(c, 0, sizeof *c);
}

static float pq_dist(const ann_calc *c, uint32_t i) {
  const lf_vindex *v = c->v;
  const uint8_t *codes = c->p->codes;
  uint64_t n = c->p->n;
  float d = 0;
  if (v->pq_bits == 8) {
    for (uint32_t j = 0; j < v->pq_m; j++) d += c->table[j * 256 + codes[j * n + i]];
  } else {
    for (uint32_t j = 0; j < v->pq_m / 2; j++) {
      uint8_t b = codes[j * n + i];
      d += c->table[2 * j * 16 + (b & 15)] + c->table[(2 * j + 1) * 16 + (b >> 4)];
    }
  }
  return v->metric == LF_VM_DOT ? d - (float)(v->pq_m - 1) : d;
}

static float sq_dist(const ann_calc *c, uint32_t i) {
  const lf_vindex *v = c->v;
  const uint8_t *x = c->p->codes + (size_t)i * v->dim;
  if (v->metric == LF_VM_DOT) {
    float s = 0;
    for (uint32_t j = 0; j < v->dim; j++) s += (float)x[j] * c->q[j];
    return 1.0f - ((float)v->sq_lo * c->qsum + c->step * s);
  }
  /* the exact integer sum of squared code differences, as a float */
  return simd_get(SIMD_L2, SIMD_U8)->one(x, c->qcode, v->dim) * (c->step * c->step);
}

float ann_calc_dist(const ann_calc *c, uint32_t i) {
  const lf_vindex *v = c->v;
  switch (v->quant) {
    case LF_VQ_PQ: return pq_dist(c, i);
    case LF_VQ_SQ: return sq_dist(c, i);
    default: {
      const float *x = (const float *)(c->p->codes + (size_t)i * c->p->code_size);
      simd_metric m = v->metric == LF_VM_DOT ? SIMD_DOT : v->metric == LF_VM_COSINE ? SIMD_COSINE : SIMD_L2;
      return simd_get(m, SIMD_F32)->one(c->q, x, v->dim);
    }
  }
}

/* ---- Search --------------------------------------------------------------------- */

static void push(simd_topk *tk, const ann_calc *c, float d, uint32_t i) {
  if (d == d) simd_topk_push(tk, d, (int64_t)c->p->rowids[i]);
}

/* out[r] = ann_calc_dist(c, i0 + r) for r < n, by the block kernels (the
** same bits: PQ scans and integer SQ sums are exact re-orderings of nothing,
** float vectors use the metric's many()). */
static void calc_block(const ann_calc *c, uint64_t i0, size_t n, float *out) {
  const lf_vindex *v = c->v;
  const lf_vpart *p = c->p;
  if (v->quant == LF_VQ_PQ) {
    const simd_pq *k = simd_pq_get();
    (v->pq_bits == 8 ? k->pq8 : k->pq4)(c->table, p->codes + i0, p->n, v->pq_m, n, out);
    if (v->metric == LF_VM_DOT)
      for (size_t r = 0; r < n; r++) out[r] -= (float)(v->pq_m - 1);
  } else if (v->quant == LF_VQ_SQ && v->metric != LF_VM_DOT) {
    simd_get(SIMD_L2, SIMD_U8)->many(c->qcode, p->codes + i0 * v->dim, v->dim, n, out);
    for (size_t r = 0; r < n; r++) out[r] *= c->step * c->step;
  } else if (v->quant == LF_VQ_FLAT) {
    simd_metric m = v->metric == LF_VM_DOT ? SIMD_DOT : v->metric == LF_VM_COSINE ? SIMD_COSINE : SIMD_L2;
    simd_get(m, SIMD_F32)->many(c->q, p->codes + i0 * p->code_size, v->dim, n, out);
  } else {
    for (size_t r = 0; r < n; r++) out[r] = ann_calc_dist(c, (uint32_t)(i0 + r));
  }
}

#define ANN_BLOCK 256

static void flat_pass(const ann_calc *c, const ann_mask *m, simd_topk *tk) {
  float d[ANN_BLOCK];
  if (m && m->nok < c->p->n / 16) { /* few allowed rows: only their distances (same bits) */
    for (uint64_t i = 0; i < c->p->n; i++)
      if (m->ok[i]) push(tk, c, ann_calc_dist(c, (uint32_t)i), (uint32_t)i);
    return;
  }
  for (uint64_t i0 = 0; i0 < c->p->n; i0 += ANN_BLOCK) {
    size_t n = c->p->n - i0 < ANN_BLOCK ? (size_t)(c->p->n - i0) : ANN_BLOCK;
    calc_block(c, i0, n, d);
    for (size_t r = 0; r < n; r++)
      if (!m || m->ok[i0 + r]) push(tk, c, d[r], (uint32_t)(i0 + r));
  }
}

/* A binary heap of (dist, node) pairs ordered by dist only, that settles ties
** as Rust's std BinaryHeap does (LanceDB's HNSW search keeps its candidates and
** results in those; with quantized distances ties are common and decide which
** nodes the walk visits): sift-up stops at an equal parent, pop sifts the hole
** to the bottom and back up, into_sorted_vec sifts down within a range.
** rev = 0: a max-heap (the results); rev = 1: a min-heap (Rust's Reverse). */
typedef struct heap {
  float *d;
  uint32_t *id;
  size_t n, cap;
  int rev;
} heap;

/* a <= b in the heap's order */
static int hle(const heap *h, float a, float b) { return h->rev ? a >= b : a <= b; }

static void hmove(heap *h, size_t to, size_t from) { h->d[to] = h->d[from], h->id[to] = h->id[from]; }

static void sift_up(heap *h, size_t start, size_t pos, float d, uint32_t id) {
  while (pos > start) {
    size_t parent = (pos - 1) / 2;
    if (hle(h, d, h->d[parent])) break;
    hmove(h, pos, parent);
    pos = parent;
  }
  h->d[pos] = d, h->id[pos] = id;
}

static int heap_push(heap *h, float d, uint32_t id) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? 2 * h->cap : 64;
    float *nd = realloc(h->d, cap * sizeof *nd);
    if (!nd) return LF_NOMEM;
    h->d = nd;
    uint32_t *ni = realloc(h->id, cap * sizeof *ni);
    if (!ni) return LF_NOMEM;
    h->id = ni;
    h->cap = cap;
  }
  sift_up(h, 0, h->n++, d, id);
  return LF_OK;
}

static void heap_pop(heap *h) {
  float d = h->d[--h->n];
  uint32_t id = h->id[h->n];
  if (h->n == 0) return;
  size_t hole = 0, child = 1, end = h->n;
  while (end >= 2 && child <= end - 2) {
    child += hle(h, h->d[child], h->d[child + 1]);
    hmove(h, hole, child);
    hole = child;
    child = 2 * hole + 1;
  }
  if (child == end - 1) hmove(h, hole, child), hole = child;
  sift_up(h, 0, hole, d, id);
}

/* Sort in place ascending in the heap's order (Rust's into_sorted_vec). */
static void heap_sort(heap *h) {
  for (size_t end = h->n; end > 1;) {
    end--;
    float d = h->d[end];
    uint32_t id = h->id[end];
    hmove(h, end, 0);
    size_t hole = 0, child = 1;
    for (;;) {
      if (end >= 2 && child <= end - 2) {
        child += hle(h, h->d[child], h->d[child + 1]);
        if (hle(h, h->d[child], d)) break;
        hmove(h, hole, child);
        hole = child;
        child = 2 * hole + 1;
        continue;
      }
      if (child == end - 1 && !hle(h, h->d[child], d)) hmove(h, hole, child), hole = child;
      break;
    }
    h->d[hole] = d, h->id[hole] = id;
  }
}

static const uint32_t *neighbours(const lf_vpart *p, uint32_t level, uint32_t node, uint64_t *n) {
  uint32_t r = level < p->nlevels ? p->lvl_row[level][node] : UINT32_MAX;
  if (r == UINT32_MAX) return *n = 0, NULL;
  *n = p->nbr_off[r + 1] - p->nbr_off[r];
  return p->nbr + p->nbr_off[r];
}

static uint32_t greedy(const ann_calc *c, uint32_t level, uint32_t cur, float *cd) {
  for (;;) {
    uint64_t n;
    const uint32_t *nb = neighbours(c->p, level, cur, &n);
    uint32_t next = cur;
    for (uint64_t i = 0; i < n; i++) {
      float d = ann_calc_dist(c, nb[i]);
      if (d < *cd) *cd = d, next = nb[i];
    }
    if (next == cur) return cur;
    cur = next;
  }
}

/* Level 0 beam search from (ep, epd): the ef best allowed nodes into res. */
static int beam(const ann_calc *c, const ann_mask *m, uint32_t ep, float epd, size_t ef,
                heap *res, uint8_t *seen) {
  heap cand = {.rev = 1};
  int rc = heap_push(&cand, epd, ep);
  seen[ep] = 1;
  if (!rc && (!m || m->ok[ep])) rc = heap_push(res, epd, ep);
  while (!rc && cand.n) {
    float cd = cand.d[0];
    uint32_t cur = cand.id[0];
    heap_pop(&cand);
    if (res->n == ef && cd > res->d[0]) break;
    uint64_t n;
    const uint32_t *nb = neighbours(c->p, 0, cur, &n);
    for (uint64_t i = 0; !rc && i < n; i++) {
      if (seen[nb[i]]) continue;
      seen[nb[i]] = 1;
      float d = ann_calc_dist(c, nb[i]);
      /* the furthest result as it stands after the previous neighbour */
      if (res->n == ef && !(d <= res->d[0])) continue;
      if (!m || m->ok[nb[i]]) {
        if (res->n < ef) rc = heap_push(res, d, nb[i]);
        else if (d < res->d[0]) heap_pop(res), rc = heap_push(res, d, nb[i]);
      }
      if (!rc) rc = heap_push(&cand, d, nb[i]);
    }
  }
  free(cand.d);
  free(cand.id);
  return rc;
}

static int hnsw(const ann_calc *c, const ann_mask *m, size_t kk, size_t ef, simd_topk *tk) {
  const lf_vpart *p = c->p;
  uint32_t ep = p->entry;
  float epd = ann_calc_dist(c, ep);
  for (uint32_t l = p->nlevels; l-- > 1;) ep = greedy(c, l, ep, &epd);
  heap res = {.rev = 0};
  uint8_t *seen = calloc(p->n, 1);
  int rc = seen ? beam(c, m, ep, epd, ef, &res, seen) : LF_NOMEM;
  /* the ef results ascending, of which the kk first */
  if (!rc) heap_sort(&res);
  for (size_t i = 0; !rc && i < res.n && i < kk; i++) push(tk, c, res.d[i], res.id[i]);
  free(res.d);
  free(res.id);
  free(seen);
  return rc;
}

int ann_search_part(const ann_calc *c, const ann_mask *m, size_t kk, size_t ef, simd_topk *tk) {
  if (c->p->n == 0) return LF_OK;
  if (!c->v->hnsw || (m && m->nok < c->p->n * 10 / 100)) {
    flat_pass(c, m, tk);
    return LF_OK;
  }
  return hnsw(c, m, kk, ef < kk ? kk : ef, tk);
}
