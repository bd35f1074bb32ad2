/*
** hnsw_build.h: building the HNSW graph of one IVF partition (hnsw_build.c),
** as Lance's IVF_HNSW_* indexes hold one: m neighbours per node on the upper
** levels, 2m on level 0, ef_construction candidates per insertion, levels
** drawn with probability m^-l, at most max_level levels.  No SQLite, no I/O.
*/
#ifndef LANCE_HNSW_BUILD_H
#define LANCE_HNSW_BUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct hnsw_params {
  uint32_t m, ef_construction, max_level;
  int metric;                /* IVF_TRAIN_L2 or IVF_TRAIN_DOT */
  uint64_t seed;
} hnsw_params;

/* A built graph of n nodes.  Level L (0 <= L < nlevels) holds the nodes whose
** top level is >= L; node i's neighbours on level L are nbr[L][i * cap(L) ..
** + cnt[L][i]) with their distances dist[L][...] (cap(0) = 2m, else m). */
typedef struct hnsw_graph {
  uint32_t n, nlevels, entry, m;
  uint8_t *top;              /* n: each node's top level */
  uint32_t *nbr[16];
  float *dist[16];
  uint16_t *cnt[16];
} hnsw_graph;

/* Build the graph over n vectors of dim floats (row by row).  0, or -1 when
** out of memory.  hnsw_graph_reset frees it. */
int hnsw_build(const float *x, uint32_t n, size_t dim, const hnsw_params *p, hnsw_graph *g);
void hnsw_graph_reset(hnsw_graph *g);

/* The graph as index.idx rows (level by level, nodes ascending): the arrays
** lf_hnsw_part points to, malloc'd here (hnsw_rows_reset frees them). */
typedef struct hnsw_rows {
  uint64_t level_rows[16];
  uint64_t rows;
  uint32_t *node;
  uint64_t *nbr_off;
  uint32_t *nbr;
  float *dist;
} hnsw_rows;
int hnsw_graph_rows(const hnsw_graph *g, hnsw_rows *out);
void hnsw_rows_reset(hnsw_rows *r);

static inline uint32_t hnsw_cap(const hnsw_graph *g, uint32_t level) {
  return level ? g->m : 2 * g->m;
}

#endif
