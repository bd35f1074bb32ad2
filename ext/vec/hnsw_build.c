/*
** hnsw_build.c: owns building the HNSW graph of one IVF partition (the
** construction of Malkov and Yashunin, as Lance's HNSW builder follows it):
** nodes are inserted in row order, each at a level l drawn as
** floor(-ln(U) / ln(m)) (below max_level); from the entry point a greedy walk
** descends to level l + 1, then on each level from min(l, top) down to 0 a
** beam search of width ef_construction gathers candidates, of which the
** heuristic keeps up to m (2m on level 0) that are closer to the new node
** than to any neighbour already kept (all of them when they fit); links go
** both ways: a neighbour with room takes the new node, a full one only when
** the new node is nearer than its furthest, its list then cut back with the
** same heuristic.  The first node of the highest level is the entry point.
*/
#include "vec/hnsw_build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simd/simd.h"
#include "vec/ivf_train.h"

typedef struct cand {
  float d;
  uint32_t id;
} cand;

typedef struct ctx {
  const float *x;
  size_t dim;
  const simd_kernel *kn;
  hnsw_graph *g;
  uint32_t *seen;            /* visit stamps */
  uint32_t stamp;
  cand *res, *todo, *tmp;    /* ef-sized work arrays */
  uint32_t ef;
} ctx;

static float dist(const ctx *c, uint32_t a, uint32_t b) {
  return c->kn->one(c->x + (size_t)a * c->dim, c->x + (size_t)b * c->dim, c->dim);
}

static int cand_cmp(const void *a, const void *b) {
  const cand *x = a, *y = b;
  return x->d < y->d ? -1 : x->d > y->d ? 1 : (x->id > y->id) - (x->id < y->id);
}

/* Insert (d, id) into the sorted array a of *n (at most cap) entries. */
static void sorted_put(cand *a, uint32_t *n, uint32_t cap, float d, uint32_t id) {
  if (*n == cap && d >= a[cap - 1].d) return;
  uint32_t i = *n < cap ? (*n)++ : cap - 1;
  while (i > 0 && a[i - 1].d > d) a[i] = a[i - 1], i--;
  a[i] = (cand){d, id};
}

/* Beam search of width ef on level L from the entry points res[0..*nres):
** res ends up the ef nearest found, ascending. */
static void search_level(ctx *c, uint32_t q, uint32_t L, uint32_t ef, uint32_t *nres) {
  hnsw_graph *g = c->g;
  uint32_t ntodo = 0, cap = hnsw_cap(g, L);
  c->stamp++;
  for (uint32_t i = 0; i < *nres; i++) {
    c->seen[c->res[i].id] = c->stamp;
    c->todo[ntodo++] = c->res[i];
  }
  while (ntodo) {
    cand cur = c->todo[0]; /* todo is sorted: its nearest first */
    memmove(c->todo, c->todo + 1, --ntodo * sizeof *c->todo);
    if (*nres == ef && cur.d > c->res[*nres - 1].d) break;
    const uint32_t *nb = g->nbr[L] + (size_t)cur.id * cap;
    for (uint32_t k = 0; k < g->cnt[L][cur.id]; k++) {
      uint32_t e = nb[k];
      if (c->seen[e] == c->stamp) continue;
      c->seen[e] = c->stamp;
      float d = dist(c, q, e);
      if (*nres < ef || d < c->res[*nres - 1].d) {
        sorted_put(c->res, nres, ef, d, e);
        sorted_put(c->todo, &ntodo, ef, d, e);
      }
    }
  }
}

/* The heuristic: of the sorted candidates a[0..n), keep (in place) at most
** cap that are nearer to the base than to every one kept before. */
static uint32_t select_heuristic(const ctx *c, cand *a, uint32_t n, uint32_t cap) {
  uint32_t kept = 0;
  for (uint32_t i = 0; i < n && kept < cap; i++) {
    int good = 1;
    for (uint32_t j = 0; j < kept && good; j++) good = dist(c, a[i].id, a[j].id) > a[i].d;
    if (good) a[kept++] = a[i];
  }
  return kept;
}

/* Link e -> q (distance d) on level L, pruning e's list when full. */
static void link(ctx *c, uint32_t e, uint32_t q, float d, uint32_t L) {
  hnsw_graph *g = c->g;
  uint32_t cap = hnsw_cap(g, L), n = g->cnt[L][e];
  uint32_t *nb = g->nbr[L] + (size_t)e * cap;
  float *nd = g->dist[L] + (size_t)e * cap;
  if (n < cap) {
    nb[n] = q, nd[n] = d, g->cnt[L][e]++;
    return;
  }
  float far = nd[0];
  for (uint32_t k = 1; k < n; k++) far = nd[k] > far ? nd[k] : far;
  if (!(d < far)) return; /* no nearer than e's furthest: e keeps its list */
  for (uint32_t k = 0; k < n; k++) c->tmp[k] = (cand){nd[k], nb[k]};
  c->tmp[n] = (cand){d, q};
  qsort(c->tmp, n + 1, sizeof *c->tmp, cand_cmp);
  uint32_t kept = select_heuristic(c, c->tmp, n + 1, cap);
  for (uint32_t k = 0; k < kept; k++) nb[k] = c->tmp[k].id, nd[k] = c->tmp[k].d;
  g->cnt[L][e] = (uint16_t)kept;
}

static void insert(ctx *c, uint32_t q, uint32_t *top) {
  hnsw_graph *g = c->g;
  uint32_t lq = g->top[q], ep = g->entry, nres;
  float dep = dist(c, q, ep);
  for (uint32_t L = *top; L > lq; L--) { /* greedy descent */
    for (int moved = 1; moved;) {
      moved = 0;
      uint32_t cur = ep;
      const uint32_t *nb = g->nbr[L] + (size_t)cur * hnsw_cap(g, L);
      for (uint32_t k = 0; k < g->cnt[L][cur]; k++) {
        float d = dist(c, q, nb[k]);
        if (d < dep) dep = d, ep = nb[k], moved = 1;
      }
    }
  }
  c->res[0] = (cand){dep, ep};
  nres = 1;
  for (uint32_t L = lq < *top ? lq : *top;; L--) {
    search_level(c, q, L, c->ef, &nres);
    uint32_t cap = hnsw_cap(g, L);
    memcpy(c->tmp, c->res, nres * sizeof *c->tmp);
    uint32_t kept = nres <= cap ? nres : select_heuristic(c, c->tmp, nres, cap);
    uint32_t *nb = g->nbr[L] + (size_t)q * cap;
    float *nd = g->dist[L] + (size_t)q * cap;
    for (uint32_t k = 0; k < kept; k++) nb[k] = c->tmp[k].id, nd[k] = c->tmp[k].d;
    g->cnt[L][q] = (uint16_t)kept;
    for (uint32_t k = 0; k < kept; k++) link(c, nb[k], q, nd[k], L);
    if (L == 0) break;
  }
  if (lq > *top) *top = lq, g->entry = q;
}

void hnsw_graph_reset(hnsw_graph *g) {
  free(g->top);
  for (int L = 0; L < 16; L++) free(g->nbr[L]), free(g->dist[L]), free(g->cnt[L]);
  memset(g, 0, sizeof *g);
}

int hnsw_build(const float *x, uint32_t n, size_t dim, const hnsw_params *p, hnsw_graph *g) {
  memset(g, 0, sizeof *g);
  g->n = n, g->m = p->m < 2 ? 2 : p->m;
  g->nlevels = p->max_level < 1 ? 1 : p->max_level > 16 ? 16 : p->max_level;
  ivf_rng r = {p->seed};
  ctx c = {x, dim, simd_get(p->metric == IVF_TRAIN_DOT ? SIMD_DOT : SIMD_L2, SIMD_F32), g,
           calloc((size_t)n + 1, sizeof *c.seen), 0, NULL, NULL, NULL, p->ef_construction};
  if (c.ef < g->m * 2) c.ef = g->m * 2;
  c.res = malloc((c.ef + 1) * sizeof *c.res);
  c.todo = malloc((c.ef + 1) * sizeof *c.todo);
  c.tmp = malloc((c.ef + 2 * g->m + 2) * sizeof *c.tmp);
  g->top = malloc((size_t)n + 1);
  int rc = c.seen && c.res && c.todo && c.tmp && g->top ? 0 : -1;
  uint32_t levels = 1;
  for (uint32_t i = 0; !rc && i < n; i++) {
    double u = ((double)(ivf_rng_next(&r) >> 11) + 1.0) / 9007199254740993.0;
    uint32_t l = (uint32_t)floor(-log(u) / log((double)g->m));
    g->top[i] = (uint8_t)(l >= g->nlevels ? g->nlevels - 1 : l);
    if (g->top[i] + 1u > levels) levels = g->top[i] + 1u;
  }
  for (uint32_t L = 0; !rc && L < levels; L++) {
    size_t slots = (size_t)n * hnsw_cap(g, L);
    g->nbr[L] = malloc(slots * sizeof **g->nbr + 1);
    g->dist[L] = malloc(slots * sizeof **g->dist + 1);
    g->cnt[L] = calloc((size_t)n + 1, sizeof **g->cnt);
    if (!g->nbr[L] || !g->dist[L] || !g->cnt[L]) rc = -1;
  }
  uint32_t top = n ? g->top[0] : 0;
  for (uint32_t i = 1; !rc && i < n; i++) insert(&c, i, &top);
  free(c.seen), free(c.res), free(c.todo), free(c.tmp);
  if (rc) hnsw_graph_reset(g);
  return rc;
}

void hnsw_rows_reset(hnsw_rows *r) {
  free(r->node), free(r->nbr_off), free(r->nbr), free(r->dist);
  memset(r, 0, sizeof *r);
}

int hnsw_graph_rows(const hnsw_graph *g, hnsw_rows *out) {
  memset(out, 0, sizeof *out);
  uint64_t links = 0;
  for (uint32_t L = 0; L < g->nlevels; L++)
    for (uint32_t i = 0; i < g->n; i++)
      if (g->top[i] >= L) out->level_rows[L]++, links += g->cnt[L][i];
  for (uint32_t L = 0; L < g->nlevels; L++) out->rows += out->level_rows[L];
  out->node = malloc((out->rows + 1) * sizeof *out->node);
  out->nbr_off = malloc((out->rows + 1) * sizeof *out->nbr_off);
  out->nbr = malloc((links + 1) * sizeof *out->nbr);
  out->dist = malloc((links + 1) * sizeof *out->dist);
  if (!out->node || !out->nbr_off || !out->nbr || !out->dist) return hnsw_rows_reset(out), -1;
  uint64_t r = 0, k = 0;
  out->nbr_off[0] = 0;
  for (uint32_t L = 0; L < g->nlevels; L++)
    for (uint32_t i = 0; i < g->n; i++) {
      if (g->top[i] < L) continue;
      size_t base = (size_t)i * hnsw_cap(g, L);
      memcpy(out->nbr + k, g->nbr[L] + base, g->cnt[L][i] * sizeof *out->nbr);
      memcpy(out->dist + k, g->dist[L] + base, g->cnt[L][i] * sizeof *out->dist);
      k += g->cnt[L][i];
      out->node[r] = i;
      out->nbr_off[++r] = k;
    }
  return 0;
}
