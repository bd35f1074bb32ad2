/*
** fts.h: full-text search over a Lance snapshot (ext/fts/): the query tree of
** query.h evaluated as LanceDB 0.39 evaluates it, over the FTS (INVERTED) index
** of the searched column (format/index/fts.h) plus a flat search of the rows the
** index does not cover, with BM25 scores equal to LanceDB's.
**
** The SQL side (ext/vtab/search.c, the fts() function) asks for every matching
** row, best first, and applies its prefilters and row deletions itself while it
** reads the rows in that order: the first k rows that pass are LanceDB's
** prefiltered top k.  No sqlite3 calls here beyond memory: the evaluator works
** on format/ objects only.
*/
#ifndef LANCE_FTS_H
#define LANCE_FTS_H

#include <stddef.h>
#include <stdint.h>

#include "fts/query.h"
#include "index/fts.h"
#include "lf_table.h"

/* Open FTS indexes, kept across queries (one per lance table). */
typedef struct fts_cache fts_cache;
fts_cache *fts_cache_new(void);
void fts_cache_free(fts_cache *c);

/* A prefilter (the SQL side's pushed filters) for the rows the index does not
** cover: LanceDB 0.39 counts the flat-searched rows' statistics (documents,
** tokens, document frequencies) over the rows that pass its prefilter only, so
** their scores depend on it.  The flat scan also reads schema fields
** fields[0..nfields) of ds (batch columns 1..nfields; column 0 is the searched
** text) and select() clears sel[i] for the rows of the batch to leave out.
** Indexed rows are scored with the index's own statistics, filter or not: the
** caller filters them itself. */
typedef struct fts_prefilter {
  const int *fields;
  int nfields;
  void (*select)(void *ctx, const lf_scan_batch *b, uint8_t *sel);
  void *ctx;
} fts_prefilter;

/* Search snapshot ds (its data files in store) for query q, whose match and
** phrase nodes name their columns (top-level text fields of ds).  Every row
** the query matches (pf: NULL, or the prefilter of the unindexed rows), best
** first (score descending, ties by row id ascending),
** into *hits (malloc'd; NULL when *n == 0), with LanceDB's _score.  Rows
** deleted in ds may appear: the caller drops them when it reads the rows.  A
** column without an FTS index is searched flat, as LanceDB does (docs/fts.md).
** Errors, in LanceDB's words: LF_ARG for an unknown column, a column that is
** not text, a phrase query on an index built without positions, a boolean
** query without should or must, a query without a match or phrase; the
** index tokenizer's LF_UNSUPPORTED; I/O and corrupt-index errors from format/.
** The cache must serve one store (the one every search on it passes). */
int fts_search(fts_cache *cache, lf_store *store, lf_dataset *ds, const fts_query *q,
               const fts_prefilter *pf, lf_fts_hit **hits, size_t *n, lf_error *err);
/* fts_search's best k rows (k 0: all), best first: the first k scores of
** fts_search's order.  A single match (boost 1) or phrase keeps only k rows
** of its index side (lf_fts_bm25's top k, block-max pruned, with LanceDB's
** rows among those tied at the k-th score); other queries are evaluated
** whole and cut.  Rows deleted in ds may be among the k: a caller that drops
** them and is left with fewer than it needs asks again with a larger k. */
int fts_search_top(fts_cache *cache, lf_store *store, lf_dataset *ds, const fts_query *q,
                   const fts_prefilter *pf, size_t k, lf_fts_hit **hits, size_t *n,
                   lf_error *err);

#endif
