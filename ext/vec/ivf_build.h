/*
** ivf_build.h: building IVF vector indexes of a dataset (ivf_build.c): the
** `key=value` options of lance_create_index for vector types, and the build
** from the scan to the CreateIndex commit.  No SQLite here (index_cmd.c is
** the SQL side).
*/
#ifndef LANCE_IVF_BUILD_H
#define LANCE_IVF_BUILD_H

#include "index/ivf_write.h"

/* phase: "sample", "train", "code", "graph" (HNSW) or "write"; done of
** total: rows of the pass under way (sample, code), of the live rows. */
typedef int (*ivf_progress_fn)(void *ctx, const char *phase, uint64_t done, uint64_t total);

typedef struct ivf_build_req {
  const char *column;
  char name[128];            /* "": "<column>_idx" */
  int replace;               /* default 1 */
  lf_vquant quant;
  lf_vmetric metric;         /* distance_type, default l2 */
  uint32_t nparts;           /* num_partitions; 0: sqrt(rows) */
  uint32_t m;                /* num_sub_vectors; 0: dim/16, dim/8 or 1 */
  uint32_t bits;             /* num_bits: 8 */
  uint32_t max_iters;        /* max_iterations: 50 */
  uint32_t sample_rate;      /* 256 */
  int hnsw;                  /* IVF_HNSW_SQ / IVF_HNSW_FLAT */
  uint32_t hnsw_m;           /* m: 20 */
  uint32_t hnsw_ef;          /* ef_construction: 300 */
  int threads;               /* 0: the machine's cores */
  uint64_t seed;             /* seed= (default 42) */
  uint32_t memory_limit;     /* bytes of coded rows held before a temporary file; 0: 128 MiB */
  int show_progress;         /* progress=1: lines on stderr (the caller prints them) */
  ivf_progress_fn progress;  /* asked between batches and steps */
  void *progress_ctx;
} ivf_build_req;

/* Parse type ("IVF_FLAT", "IVF_PQ", "IVF_SQ", "IVF_HNSW_SQ",
** "IVF_HNSW_FLAT", any case) and the options (LanceDB's names:
** num_partitions, num_sub_vectors, num_bits, max_iterations, sample_rate,
** distance_type, m, ef_construction; name, replace, threads) into req
** (column and callbacks left to the caller).  -1 with a message in err. */
int ivf_build_options(const char *type, const char *z, ivf_build_req *req, char *err, int errcap);

/* 1 when type names a vector index type this build makes. */
int ivf_build_type_ok(const char *type);

/* Build the index over the live rows of the latest version of the dataset
** at root and commit it; *version is the version published.  Errors:
** LF_NOTFOUND (no column), LF_ARG (not a float32 vector column, parameters
** that do not fit the data), LF_EXISTS (name taken, replace=false),
** LF_INTERRUPTED (the progress callback asked to stop: nothing committed,
** no files left), LF_NOMEM, LF_CONFLICT. */
int ivf_build_create(lf_store *s, const char *root, const ivf_build_req *req, uint64_t *version,
                     lf_error *err);

/* Bring every IVF_FLAT / IVF_PQ / IVF_SQ index of the dataset up to date
** as LanceDB's optimize_indices does: rows of the fragments an index does
** not cover go into its existing partitions (its centroids and codebook
** kept), one commit per index updated (*n_updated); *version is set by
** each commit.  LF_UNSUPPORTED for HNSW and 4-bit PQ indexes. */
int ivf_optimize(lf_store *s, const char *root, ivf_progress_fn progress, void *pctx,
                 uint64_t *version, int *n_updated, lf_error *err);

#endif
