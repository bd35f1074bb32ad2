/*
** vindex.h: vector index files as LanceDB writes them (index_version 3 of
** `<root>/_indices/<uuid>/`): the IVF model, the quantizer (FLAT, PQ, SQ)
** and the per-partition storage and HNSW graphs, decoded into plain arrays
** for ext/vec/ann.c to search.  Byte layouts: vindex.c (index.idx,
** auxiliary.idx metadata and global buffers), vpart.c (partition rows),
** docs/vector-index.md.  No SQLite here.
**
** Ownership: lf_vindex is a heap object (lf_vindex_open / lf_vindex_free);
** lf_vpart is caller-allocated (lf_vindex_load_part fills it,
** lf_vpart_reset frees what it holds).
*/
#ifndef LF_VINDEX_H
#define LF_VINDEX_H

#include "lf.h"

typedef enum lf_vmetric { LF_VM_L2 = 0, LF_VM_COSINE, LF_VM_DOT, LF_VM_HAMMING } lf_vmetric;
typedef enum lf_vquant { LF_VQ_FLAT = 0, LF_VQ_PQ, LF_VQ_SQ } lf_vquant;

typedef struct lf_vindex {
  char type[24];           /* "IVF_PQ", "IVF_HNSW_SQ", ... (lance:index "type") */
  lf_vmetric metric;       /* the index's distance_type */
  lf_vquant quant;
  int hnsw;                /* 1: an HNSW graph per partition, 0: FLAT sub-index */
  uint32_t dim;            /* vector dimension (centroid width) */
  uint32_t nparts;         /* IVF partitions */
  float *centroids;        /* nparts * dim */
  uint64_t *part_off;      /* nparts: first row of each partition in auxiliary.idx */
  uint64_t *part_len;      /* nparts: its row count */
  uint64_t nrows;          /* rows of auxiliary.idx */
  /* PQ: codebook[sub][code][dim / pq_m], 2^pq_bits codes per sub-vector */
  uint32_t pq_m, pq_bits;
  float *pq_codebook;
  /* SQ: codes are round-down((v - lo) * 255 / (hi - lo)), saturated */
  uint32_t sq_bits;
  double sq_lo, sq_hi;
  /* HNSW, per partition: first row in index.idx, level offsets (rows from
  ** that first row, hnsw_nlevels[p] + 1 of them), entry point */
  uint64_t *hnsw_row;
  uint32_t *hnsw_nlevels;
  uint64_t **hnsw_levels;
  uint32_t *hnsw_entry;     /* entry_point */
  lf_file *index_file, *aux_file;  /* owned */
  int aux_rowid_col, aux_code_col; /* top-level field indices in auxiliary.idx */
} lf_vindex;

/* Open the index directory `dir` (a store path "<root>/_indices/<uuid>"):
** both files' footers and schemas, the IVF model, the quantizer model and
** the HNSW metadata.  LF_UNSUPPORTED (naming the type) for index types other
** than IVF_FLAT, IVF_PQ, IVF_SQ, IVF_HNSW_FLAT, IVF_HNSW_PQ, IVF_HNSW_SQ;
** LF_CORRUPT for malformed files.  The store must outlive *out. */
int lf_vindex_open(lf_store *s, const char *dir, lf_vindex **out, lf_error *err);
void lf_vindex_free(lf_vindex *v);

/* The same from two files already open (the parser behind lf_vindex_open,
** and the fuzz target's entry): takes ownership of both, also on error. */
int lf_vindex_from_files(lf_file *index_file, lf_file *aux_file, lf_vindex **out,
                         lf_error *err);

/* One partition's rows.  codes holds n rows of code_size bytes as stored:
** FLAT float32 vectors row by row (code_size = 4 * dim), SQ one byte per
** dimension row by row, PQ transposed (byte j of row i at codes[j * n + i]).
** HNSW (v->hnsw): for each level L < nlevels, lvl_row[L][node] is the row of
** node in that level's neighbour lists or UINT32_MAX; neighbours of that
** row are nbr[nbr_off[r] .. nbr_off[r + 1]) (node numbers < n). */
typedef struct lf_vpart {
  uint64_t n;
  uint64_t *rowids;
  uint8_t *codes;
  size_t code_size;
  uint32_t nlevels, entry;   /* HNSW levels, entry point node */
  uint32_t **lvl_row;
  uint64_t *nbr_off;
  uint32_t *nbr;
} lf_vpart;

int lf_vindex_load_part(lf_vindex *v, uint32_t p, lf_vpart *out, lf_error *err);
/* Every partition into parts[v->nparts] from one read of each column (a
** partition read alone decodes the pages it lies in; reading them all this
** way decodes each page once).  On error nothing is left allocated. */
int lf_vindex_load_all(lf_vindex *v, lf_vpart *parts, lf_error *err);
void lf_vpart_reset(lf_vpart *p);

/* "l2" / "euclidean", "cosine", "dot", "hamming": 0 and *m, -1 otherwise. */
int lf_vmetric_parse(const char *s, size_t n, lf_vmetric *m);

#endif
