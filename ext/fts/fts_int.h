/*
** fts_int.h: the evaluator's internal pieces (ext/fts/), shared by eval.c (the
** query tree), leaf.c (one match or phrase on one column) and flat.c (the rows
** no index covers), and by their unit tests.  No SQLite here.
*/
#ifndef LANCE_FTS_INT_H
#define LANCE_FTS_INT_H

#include "fts/fts.h"
#include "index/tokenize.h"

/* ---- Row sets: (row id, score), kept by row id ascending ------------------------ */
typedef struct fts_set {
  lf_fts_hit *h;
  size_t n, cap;
} fts_set;
int fts_set_push(fts_set *s, uint64_t row_id, float score);
void fts_set_free(fts_set *s);
/* Sort by row id (a set made of pushes in any order). */
void fts_set_sort(fts_set *s);
/* The entry of row_id in s (sorted), or NULL. */
lf_fts_hit *fts_set_find(const fts_set *s, uint64_t row_id);

/* How sets combine (eval.c), each as LanceDB 0.39 does it:
**   union: rows of either; a row of both scores fn(a, b)
**   FTS_SUM a + b, FTS_MAX max(a, b) */
enum { FTS_SUM, FTS_MAX };
int fts_set_union(fts_set *a, const fts_set *b, int fn);
/* Keep the rows of a that b holds, scores summed (must + must). */
int fts_set_intersect(fts_set *a, const fts_set *b);
/* Add b's score to the rows of a that b holds (should under must). */
void fts_set_add_into(fts_set *a, const fts_set *b);
/* Drop the rows of a that b holds (must_not). */
void fts_set_subtract(fts_set *a, const fts_set *b);
/* a's rows lose nb * b's score where b holds them (boost). */
void fts_set_demote(fts_set *a, const fts_set *b, float nb);

/* ---- Query tokens of one leaf ----------------------------------------------------- */
typedef struct fts_tokens {
  int n, cap;
  char **s;          /* NUL-terminated copies */
  size_t *len;
  uint32_t *pos;     /* query positions, ascending */
} fts_tokens;
int fts_tokens_add(fts_tokens *t, const char *s, size_t len, uint32_t pos);
void fts_tokens_free(fts_tokens *t);
/* text's tokens under tok, with their positions. */
int fts_tokenize(lf_tok *tok, const char *text, fts_tokens *out, lf_error *err);
/* The lf_fts_query over t (borrowing t). */
lf_fts_query fts_tokens_query(const fts_tokens *t);

/* ---- Flat search (flat.c) --------------------------------------------------------- */
/* Search column `col` (schema index) of the rows of ds outside the index's
** fragments (index NULL: every row) for q's tokens, tokenized by tok, scored
** with the statistics of idx (may be NULL) plus those rows; matching rows into
** out (pushed in scan order).  Rows deleted in ds are not read, nor rows the
** prefilter pf drops (they are not documents of the statistics either). */
typedef struct fts_flat {
  lf_dataset *ds;
  lf_store *store;
  int col;
  const lf_index_meta *index;
  lf_fts *idx;
  lf_tok *tok;
  const lf_fts_query *q;
  const fts_prefilter *pf; /* NULL: every live row */
} fts_flat;
int fts_flat_search(const fts_flat *f, fts_set *out, lf_error *err);

/* ---- Leaves (leaf.c) -------------------------------------------------------------- */
typedef struct fts_ctx fts_ctx;
/* Every row of the leaf q (a match or a phrase), by row id. */
int fts_leaf(fts_ctx *c, const fts_query *q, fts_set *out, lf_error *err);

struct fts_ctx {
  fts_cache *cache;
  lf_store *store;
  lf_dataset *ds;
  const fts_prefilter *pf; /* the flat search's prefilter, or NULL */
  lf_index_meta *meta;  /* the manifest's indices */
  int nmeta;
  uint32_t *frags;      /* ds's fragment ids, ascending */
  size_t nfrags;
  lf_tok *bare;         /* the simple tokenizer without filters (made on first use) */
  size_t k;             /* the query is one leaf and only its best k rows are
                        ** wanted (0: every row): its index side keeps k */
};

/* qsort/bsearch order of uint32_t. */
int fts_cmp_u32(const void *a, const void *b);

/* The cached index uuid of the dataset at root, opened on first use, with its
** tokenizer (cache.c, eval.c). */
int fts_cache_get(fts_cache *c, lf_store *store, const char *root, const char *uuid,
                  lf_fts **idx, lf_tok **tok, lf_error *err);

#endif
