/*
** knn.h: exact k-nearest-neighbour search over a dataset scan (ext/vec/knn.c),
** used by the lance table's `vec MATCH :q AND _k = N` plans.
*/
#ifndef LANCE_KNN_H
#define LANCE_KNN_H

#include <sqlite3ext.h>

#include "lf_table.h"
#include "simd/simd.h"

typedef struct knn_query {
  simd_metric metric;
  simd_elem elem;        /* the vector column's element type */
  size_t dim;            /* elements per vector (bytes for hamming) */
  void *q;               /* the query in the column's element type (sqlite3_malloc) */
  uint64_t k;
  double lo, hi;         /* keep only distances between lo and hi (default: all) */
  int lo_open, hi_open;  /* 1: the bound itself is left out (> or <) */
} knn_query;

/* Build the query for vector field f from an SQL value (float32 BLOB, JSON
** text '[...]', or for uint8/int8 vectors their raw bytes as a BLOB), a
** metric name ("l2", "cosine", "dot", "hamming"; NULL = l2) and k.  On error
** returns SQLITE_ERROR with *err (sqlite3_malloc'd) saying what is wrong. */
int knn_query_init(knn_query *kq, const lf_field *f, sqlite3_value *q, const char *metric,
                   sqlite3_int64 k, char **err);
void knn_query_reset(knn_query *kq);
/* 1 if f can be searched: a fixed-size list of float32/float16/float64/int8/uint8
** (also what the lance table returns as a packed vector BLOB). */
int knn_is_vector(const lf_field *f);

/* Clear sel[i] for the rows of batch b to leave out (sel starts all 1). */
typedef void (*knn_select_fn)(void *ctx, const lf_scan_batch *b, uint8_t *sel);

/* Scan every live row (scan must project the vector column as batch column
** vcol), compute distances with the SIMD kernels, keep rows with a non-null
** vector that select() keeps, and return the k nearest as items sorted by distance,
** ties by row id (*out sqlite3_malloc'd, *n <= k). */
int knn_search(lf_scan *scan, int vcol, const knn_query *kq, knn_select_fn select, void *ctx,
               simd_topk_item **out, size_t *n, lf_error *err);

#endif
