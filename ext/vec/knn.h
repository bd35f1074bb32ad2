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

/* The search options of `_options = '...'` (knn_options_parse). */
typedef struct knn_options {
  char metric[16];       /* metric=: "" when not given */
  int threads;           /* threads=N: scan in N threads (1 <= N <= CPUs; default: the
                         ** CPUs online, sysconf; see knn_threads) */
  int exact;             /* exact=1: never use a vector index (default 0) */
  long nprobes, refine_factor, ef; /* vector index search (ext/vec/ann.c); 0 when
                         ** not given: LanceDB's defaults */
  double lo, hi;         /* distance_range=lo,hi: lo <= distance < hi, as LanceDB
                         ** (default -inf, inf; either may be left empty) */
  unsigned seen;         /* one bit per option given */
} knn_options;

/* Parse space-separated key=value options (z may be NULL: none) into o,
** strictly: an unknown key, a bad value or a key given twice is
** SQLITE_ERROR with *err (sqlite3_malloc'd) naming the option. */
int knn_options_parse(const char *z, knn_options *o, char **err);
/* SQLITE_ERROR with *err when the options' metric and `metric` (_metric,
** may be NULL) are both given and name different metrics. */
int knn_options_check_metric(const knn_options *o, const char *metric, char **err);
/* The threads to scan rows physical rows with: threads=N when given, else
** the CPUs online, but 1 below KNN_MIN_ROWS_THREADED rows (starting a thread
** costs more than scanning that few). */
#define KNN_MIN_ROWS_THREADED 16384
int knn_threads(const knn_options *o, uint64_t rows);
/* Narrow kq's distance range by the options' distance_range. */
void knn_query_options(knn_query *kq, const knn_options *o);

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

/* 1 if distance d lies in kq's range (lo, hi and their open flags). */
int knn_in_range(const knn_query *kq, double d);

/* Clear sel[i] for the rows of batch b to leave out (sel starts all 1). */
typedef void (*knn_select_fn)(void *ctx, const lf_scan_batch *b, uint8_t *sel);

/* Scan every live row (each scan must project the vector column as batch
** column vcol), compute distances with the SIMD kernels, keep rows with a
** non-null vector that select() keeps, and return the k nearest as items
** sorted by distance, ties by row id (*out sqlite3_malloc'd, *n <= k).
** The vector column is read in place where the files allow (lf_scan_view).
** nscans > 1: scans[0..nscans) are fresh scans of the same snapshot and
** projection; each scans one part of the rows (lf_scan_part) in its own
** thread (select must be thread-safe), with its own top k, merged at the
** end: the result is the same as with one scan. */
int knn_search(lf_scan **scans, int nscans, int vcol, const knn_query *kq, knn_select_fn select,
               void *ctx, simd_topk_item **out, size_t *n, lf_error *err);
/* The same over the rows ids[0..n) (sorted; unknown and deleted ones left out)
** taken from scan instead of every row: a prefiltered search reads only the
** vectors of the rows its prefilter allows. */
int knn_search_ids(lf_scan *scan, const uint64_t *ids, size_t n, int vcol, const knn_query *kq,
                   simd_topk_item **out, size_t *nout, lf_error *err);

#endif
