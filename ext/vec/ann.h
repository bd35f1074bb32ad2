/*
** ann.h: approximate nearest-neighbour search with the vector indexes
** LanceDB builds (IVF with a FLAT or HNSW sub-index over FLAT, PQ or SQ
** storage; the files are read by format/index/vindex.h).
**   ann_calc.c  the distances of one partition's storage to a query (PQ
**               tables, SQ codes, raw vectors) and the HNSW graph walk
**   ann.c       choosing the index and the partitions, prefilter, merge,
**               refine, and the exact search of rows the index does not cover
*/
#ifndef LANCE_ANN_H
#define LANCE_ANN_H

#include "index/vindex.h"
#include "lf_table.h"
#include "simd/simd.h"
#include "vec/knn.h"

/* ---- ann_calc.c ---------------------------------------------------------------- */

/* The query as partition p's storage sees it. */
typedef struct ann_calc {
  const lf_vindex *v;
  const lf_vpart *p;
  float *q;          /* dim floats: the query (normalized for cosine indexes), minus
                     ** the partition's centroid for PQ with l2 / cosine */
  float *table;      /* PQ: pq_m * 2^pq_bits distances of each sub-query to each code */
  uint8_t *qcode;    /* SQ l2/cosine: the query's codes */
  float qsum;        /* SQ dot: sum of the query's values */
  float step;        /* SQ: (hi - lo) / 255 */
} ann_calc;

/* q: v->dim floats (already normalized when v->metric is cosine).  cbt:
** the PQ codebook transposed by ann_pq_transpose (faster tables, same
** values), or NULL. */
int ann_calc_init(ann_calc *c, const lf_vindex *v, const lf_vpart *p, uint32_t part,
                  const float *q, const float *cbt);
/* v's PQ codebook as cbt[(sub-vector j * sub + element d) * 2^bits + code]
** (malloc'd; NULL: out of memory). */
float *ann_pq_transpose(const lf_vindex *v);
void ann_calc_reset(ann_calc *c);
/* Distance of row i of the partition, as LanceDB reports it without refine. */
float ann_calc_dist(const ann_calc *c, uint32_t i);

/* Which rows of the partition may be returned (NULL: all). */
typedef struct ann_mask {
  const uint8_t *ok; /* one byte per row of the partition, 1 = allowed */
  uint64_t nok;      /* allowed rows */
} ann_mask;

/* The k' nearest rows of the partition into tk (pushed as (dist, row id)):
** a flat pass, or for HNSW the graph walk with beam width ef (ef >= k'),
** falling back to a flat pass over the allowed rows when fewer than 10% of
** the rows are allowed, as LanceDB does.  Returns LF_OK or LF_NOMEM. */
int ann_search_part(const ann_calc *c, const ann_mask *m, size_t kk, size_t ef, simd_topk *tk);

/* ---- ann.c ----------------------------------------------------------------------- */

/* Opened indexes and their loaded partitions, kept between searches (one per
** lance table; ann.c).  Not thread-safe: one search at a time. */
typedef struct ann_cache ann_cache;
ann_cache *ann_cache_new(void); /* NULL: out of memory */
void ann_cache_free(ann_cache *c);

/* What the lance table hands the search (all borrowed). */
typedef struct ann_env {
  ann_cache *cache;         /* NULL: a cache for this search only */
  lf_dataset *ds;
  lf_store *store;
  const lf_field *vfield;   /* the vector column (top-level field) */
  const char *metric;       /* _metric / _options metric as given, NULL if none */
  const knn_options *opts;
  /* rows of the snapshot to leave out (prefilter), or NULL: a scan over the
  ** filter columns (filter_scan) whose batches select() marks */
  lf_scan *filter_scan;
  knn_select_fn select;
  void *select_ctx;
  /* or, when allow_given: the only rows that may be returned, allow[0..nallow)
  ** sorted (a prefilter already applied: scalar indexes' row sets) */
  int allow_given;
  const uint64_t *allow;
  size_t nallow;
  /* a scan projecting the vector column (as column vcol) and the filter
  ** columns for select_vec: the exact search of unindexed fragments and the
  ** refine takes use it */
  lf_scan *vec_scan;
  int vcol;
  knn_select_fn select_vec;
  void *select_vec_ctx;
} ann_env;

/* Search with an index on env->vfield when the snapshot has one that fits
** the query (same metric; a float32 column; not _options exact=1): *used = 1
** and the k nearest (ties by row id) in *out (sqlite3_malloc'd), *n <= k.
** *used = 0 when no index applies (the caller searches exactly); kq->metric
** is then unchanged.  With no metric given, an index's metric is the
** query's, as in LanceDB. */
int ann_search(const ann_env *env, knn_query *kq, int *used, simd_topk_item **out, size_t *n,
               lf_error *err);

#endif
