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

#endif
