/*
** fts_write.h: the public API for building full-text-search (INVERTED)
** indexes as LanceDB 0.39 builds them (fts_write.c writes the files,
** fts_build.c scans the dataset and commits).  Plain C11, no SQLite.
*/
#ifndef LF_FTS_WRITE_H
#define LF_FTS_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "lf_error.h"
#include "store.h"
#include "tokenize.h"

#define LF_FTS_DEFAULT_MEMORY ((size_t)256 << 20)

/* How an index is built: its tokenizer (LanceDB's parameters, custom stop
** words excepted), positions or not, the posting block size (128: format
** version 2, LanceDB's default; 256: format version 3) and the bytes of
** postings held before a partition is written (0: 256 MiB). */
typedef struct lf_fts_wparams {
  lf_tok_params tok;
  int with_position;
  uint32_t block_size;
  size_t memory_limit;
} lf_fts_wparams;

/* A file written into the index directory, for the manifest's list. */
typedef struct lf_fts_file {
  char *name;
  uint64_t size;
} lf_fts_file;

/* Asked after every batch of rows read: done of total rows (live rows of
** the fragments being indexed); a non-zero return stops the build
** (LF_INTERRUPTED, nothing committed, the files written removed). */
typedef int (*lf_fts_progress)(void *ctx, uint64_t done, uint64_t total);

typedef struct lf_fts_create {
  const char *column;        /* a top-level text column */
  const char *name;          /* NULL: "<column>_idx" */
  int replace;               /* 0: LF_EXISTS when an index of that name exists */
  lf_fts_wparams params;
  lf_fts_progress progress;  /* may be NULL */
  void *progress_ctx;
} lf_fts_create;

/* Build an FTS index over the latest version of the dataset at root and
** commit it (CreateIndex); *version is the version published.  Errors:
** LF_NOTFOUND (no such column), LF_ARG (not a text column, bad params),
** LF_EXISTS (the name is taken and replace is 0), LF_UNSUPPORTED
** (tokenizers tokenize.h lacks), LF_INTERRUPTED, LF_CONFLICT. */
int lf_fts_create_index(lf_store *s, const char *root, const lf_fts_create *req,
                        uint64_t *version, lf_error *err);
/* Bring every FTS index of the dataset up to date as LanceDB's
** optimize_indices does: the fragments an index does not cover go into new
** partitions of a new index replacing it, one commit per index.
** *n_updated counts them; *version is the latest version after. */
int lf_fts_optimize(lf_store *s, const char *root, size_t memory_limit, lf_fts_progress progress,
                    void *progress_ctx, uint64_t *version, int *n_updated, lf_error *err);
/* Remove the index `name` (any type) from the manifest (CreateIndex with it
** in removed_indices, as LanceDB's drop_index); its files stay for cleanup.
** LF_NOTFOUND when there is none. */
int lf_index_drop(lf_store *s, const char *root, const char *name, uint64_t *version,
                  lf_error *err);

#endif
