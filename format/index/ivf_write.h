/*
** ivf_write.h: writing IVF vector indexes as LanceDB 0.39 writes them
** (ivf_write.c): the two files of `_indices/<uuid>/` from a trained model and
** rows grouped by partition, the manifest's VectorIndexDetails, and the
** CreateIndex commit.  The training itself (k-means, PQ, SQ) is ext/vec's;
** this layer only lays out bytes.  Plain C11, no SQLite.
*/
#ifndef LF_IVF_WRITE_H
#define LF_IVF_WRITE_H

#include "index/vindex.h"
#include "lf_write.h"

/* The HNSW graph of one partition, rows as index.idx holds them: level by
** level from 0, each level's nodes ascending; node[r] is row r's node
** (its row in the partition's storage), its neighbours nbr[nbr_off[r] ..
** nbr_off[r + 1]) with their distances dist[...]. */
typedef struct lf_hnsw_part {
  uint32_t entry, nlevels;
  const uint64_t *level_rows;   /* nlevels: rows of each level */
  const uint32_t *node;
  const uint64_t *nbr_off;
  const uint32_t *nbr;
  const float *dist;
} lf_hnsw_part;

/* A trained IVF model and its quantizer (all borrowed). */
typedef struct lf_ivf_model {
  lf_vmetric metric;          /* l2, cosine or dot */
  lf_vquant quant;            /* FLAT, PQ or SQ */
  uint32_t dim, nparts;
  const float *centroids;     /* nparts * dim */
  double loss;                /* the IVF k-means loss */
  uint32_t pq_m, pq_bits;     /* PQ: sub-vectors, bits per code (8) */
  const float *pq_codebook;   /* PQ: [m][2^bits][dim / m] */
  double sq_lo, sq_hi;        /* SQ (8 bits): bounds */
  const lf_hnsw_part *hnsw;   /* nparts graphs (IVF_HNSW_*), or NULL (IVF_*) */
  uint32_t hnsw_m, hnsw_ef;   /* HNSW build parameters (max_level = nlevels) */
} lf_ivf_model;

/* Bytes of one row's code in the rows handed to lf_ivf_write: FLAT 4 *
** dim (float32 vectors), PQ m, SQ dim. */
size_t lf_ivf_code_size(const lf_ivf_model *m);

/* The build settings LanceDB records as runtime hints. */
typedef struct lf_ivf_hints {
  uint32_t max_iters, sample_rate;
} lf_ivf_hints;

#define LF_HNSW_MAX_LEVEL 7       /* LanceDB's default max_level */

/* The manifest entry of the new index. */
typedef struct lf_ivf_entry {
  const char *name;
  int32_t field_id;
  uint64_t dataset_version;   /* the version scanned */
  const uint32_t *frags;      /* fragments covered */
  size_t nfrags;
  const char *removed;        /* uuid of an index it replaces, or NULL */
} lf_ivf_entry;

/* The rows of partition p for lf_ivf_write: part_len[p] row ids and codes
** (codes[i * lf_ivf_code_size ..], row-major), valid until the next call. */
typedef int (*lf_ivf_part_fn)(void *ctx, uint32_t p, const uint64_t **rowids,
                              const uint8_t **codes, lf_error *err);

/* Write index.idx and auxiliary.idx into <root>/_indices/<new uuid>/ and
** commit a CreateIndex adding the index over base (IndexMetadata:
** index_details = VectorIndexDetails, index_version 1, the two files with
** their sizes).  The rows are asked partition by partition, in partition
** order (part(part_ctx, p, ..) for each partition with rows; PQ codes are
** transposed per partition here, as LanceDB stores them), so the caller
** need not hold them all.  On any error nothing stays behind (the files
** written are removed). */
int lf_ivf_write(lf_store *s, const char *root, const lf_manifest *base, const lf_ivf_model *m,
                 const uint64_t *part_len, lf_ivf_part_fn part, void *part_ctx,
                 const lf_ivf_entry *e, const lf_ivf_hints *h, uint64_t *version, lf_error *err);

#define LF_IVF_DETAILS_URL "/lance.index.pb.VectorIndexDetails"

#endif
