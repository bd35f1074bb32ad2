/*
** fts.h: the public API for reading the full-text-search (INVERTED) indexes
** LanceDB 0.39 builds: parameters, corpus statistics, token dictionaries,
** posting lists with frequencies and positions, document lengths, and BM25
** scoring as LanceDB computes it.  Plain C11, no SQLite.  The byte layouts
** are documented in fst.c, posting.c, fts_meta.c and fts.c, and in our own
** words in docs/fts-index.md.
**
** An index lives in <dataset>/_indices/<uuid>/:
**   metadata.lance          parameters, partition ids, deleted fragments
**   part_<P>_tokens.lance   token -> token id (an FST), per partition
**   part_<P>_docs.lance     doc id -> (row id, token count), per partition
**   part_<P>_invert.lance   token id -> posting list (+ positions)
** Doc ids and token ids are local to a partition.
**
** Cost and memory: lf_fts_open reads metadata.lance and the footers and
** schemas of the docs files (for the statistics).  A partition's token
** dictionary (the FST bytes) is read on its first token lookup, its doc
** table (12 bytes a document) on the first posting list read with row ids
** or document lengths; a posting list is read and decoded only when asked
** for (one row of the invert file), so a query touching few tokens reads
** only those lists.  Everything loaded stays until lf_fts_free.
**
** Ownership: lf_fts is a heap object (_open/_free) keeping a borrowed store;
** lf_fts_posting is caller-allocated (zeroed, then _reset; its buffers are
** reused across reads).  Strings in lf_fts_params are owned by the index.
** Not thread-safe: one lf_fts per thread.
*/
#ifndef LF_FTS_H
#define LF_FTS_H

#include <stddef.h>
#include <stdint.h>

#include "lf_error.h"
#include "store.h"
#include "tokenize.h"

/* The tokenizer parameters the index was built with (metadata "params").
** A member missing from the JSON keeps the default shown; "has_" flags say
** whether a nullable member was a value (1) or null/absent (0). */
typedef struct lf_fts_params {
  char *lance_tokenizer;      /* "text" or "json"; NULL when absent/null */
  char *base_tokenizer;       /* "simple" (default), "whitespace", "raw", "ngram",
                              ** "icu", "icu/split", "jieba/...", "lindera/...", "code" */
  char *language;             /* "English" (default) */
  int with_position;          /* 0 */
  int has_max_token_length;   /* 1: tokens longer than max_token_length are dropped */
  uint32_t max_token_length;  /* 40 */
  int lower_case;             /* 1 */
  int stem;                   /* 1 */
  int remove_stop_words;      /* 1 */
  int ascii_folding;          /* 1 */
  uint32_t min_ngram_length;  /* 3 */
  uint32_t max_ngram_length;  /* 3 */
  int prefix_only;            /* 0 */
  uint32_t block_size;        /* 128 */
  int split_identifiers;      /* 0 (code tokenizer) */
  int split_on_numerics;      /* 0 */
  int preserve_original;      /* 0 */
  int index_operators;        /* 0 */
  int has_custom_stop_words;  /* 1: custom_stop_words replaces the built-in list */
  char **custom_stop_words;   /* n_custom_stop_words UTF-8 strings */
  size_t n_custom_stop_words;
} lf_fts_params;

typedef struct lf_fts lf_fts;

/* Open the index in <dataset_root>/_indices/<uuid>/ (dataset_root relative to
** the store's root, "" for the root itself).  LF_UNSUPPORTED for index
** formats this reader does not know (token_set_format other than "fst",
** positions stored per document, unknown codecs), naming them. */
int lf_fts_open(lf_store *store, const char *dataset_root, const char *uuid, lf_fts **out,
                lf_error *err);
void lf_fts_free(lf_fts *idx);

const lf_fts_params *lf_fts_get_params(const lf_fts *idx);
/* The tokenizer an index with params p was built with (fts_tok.c): LanceDB
** tokenizes queries with it.  LF_UNSUPPORTED for JSON-document indexes and
** for tokenizers tokenize.h does not have (lf_tok_new's errors). */
int lf_fts_tokenizer(const lf_fts_params *p, lf_tok **out, lf_error *err);
/* The tokenizer parameters of p (strings borrowed from p). */
void lf_fts_tok_params(const lf_fts_params *p, lf_tok_params *out);
/* metadata format_version: 1 (fixed32 tails), 2 (varint tails, 128-document
** blocks) or 3 (256-document blocks). */
int lf_fts_format_version(const lf_fts *idx);
uint32_t lf_fts_block_size(const lf_fts *idx);      /* documents per posting block */
int lf_fts_has_positions(const lf_fts *idx);

int lf_fts_num_partitions(const lf_fts *idx);
uint64_t lf_fts_partition_id(const lf_fts *idx, int part);
/* Fragments whose rows the index still holds but the dataset no longer has
** (ascending; LanceDB skips their rows at search time). */
const uint32_t *lf_fts_deleted_fragments(const lf_fts *idx, size_t *n);

/* ---- Corpus statistics ----------------------------------------------------- */
typedef struct lf_fts_stats {
  uint64_t num_docs;        /* indexed rows with at least one token, deleted ones included */
  uint64_t total_tokens;    /* sum of their token counts */
} lf_fts_stats;
/* Statistics of partition `part`, or of the whole index for part -1. */
int lf_fts_stats_get(const lf_fts *idx, int part, lf_fts_stats *out);

/* ---- Token dictionary (per partition) --------------------------------------- */
/* Number of distinct tokens in partition `part`. */
int lf_fts_num_tokens(lf_fts *idx, int part, uint32_t *n, lf_error *err);
/* *found = 1 and *token_id when the token (exact bytes) is in the partition. */
int lf_fts_token_lookup(lf_fts *idx, int part, const char *tok, size_t len, int *found,
                        uint32_t *token_id, lf_error *err);

/* The tokens of a partition starting with `prefix` (plen 0: all), in byte
** order.  The iterator is valid while idx lives. */
typedef struct lf_fts_tokens lf_fts_tokens;
int lf_fts_tokens_open(lf_fts *idx, int part, const char *prefix, size_t plen,
                       lf_fts_tokens **out, lf_error *err);
/* Next token: *got = 0 at the end; *tok (not NUL-terminated, *len bytes)
** is valid until the next call. */
int lf_fts_tokens_next(lf_fts_tokens *it, int *got, const char **tok, size_t *len,
                       uint32_t *token_id, lf_error *err);
void lf_fts_tokens_free(lf_fts_tokens *it);

/* ---- Posting lists ---------------------------------------------------------- */
enum {
  LF_FTS_ROW_IDS = 1,   /* fill row_ids (and num_tokens) from the doc table */
  LF_FTS_POSITIONS = 2  /* fill pos_start / positions (index built with positions) */
};

typedef struct lf_fts_posting {
  uint32_t n;            /* documents holding the token */
  float max_score;       /* the list's stored bound (_max_score) */
  uint32_t *doc_ids;     /* ascending partition doc ids */
  uint32_t *freqs;       /* occurrences in each document */
  uint64_t *row_ids;     /* LF_FTS_ROW_IDS: each document's row id */
  uint32_t *num_tokens;  /* LF_FTS_ROW_IDS: each document's token count */
  uint32_t *pos_start;   /* LF_FTS_POSITIONS: n + 1 offsets into positions */
  uint32_t *positions;   /* token positions, ascending within a document */
  size_t cap_docs, cap_pos;
} lf_fts_posting;

/* The posting list of token_id in partition part, decoded into out (which
** is zeroed or holds a previous list; its buffers are reused). */
int lf_fts_posting_read(lf_fts *idx, int part, uint32_t token_id, int flags,
                        lf_fts_posting *out, lf_error *err);
void lf_fts_posting_reset(lf_fts_posting *p);

/* ---- Documents ---------------------------------------------------------------- */
int lf_fts_num_docs(lf_fts *idx, int part, uint32_t *n, lf_error *err);
/* Row id and token count of a partition's document. */
int lf_fts_doc(lf_fts *idx, int part, uint32_t doc_id, uint64_t *row_id, uint32_t *num_tokens,
               lf_error *err);
/* The token count of the document with row id row_id, in any partition
** (*found = 0 when the index has no such row). */
int lf_fts_doc_len(lf_fts *idx, uint64_t row_id, int *found, uint32_t *num_tokens,
                   lf_error *err);

/* ---- BM25 as LanceDB scores ---------------------------------------------------- */
/* For one token over N documents averaging avgdl tokens (all float32, as
** LanceDB computes them):
**   idf(df)   = ln((N - df + 0.5) / (df + 0.5) + 1)
**   weight    = (K1 + 1) * tf / (tf + K1 * (1 - B + B * dl / avgdl)),  K1 1.2, B 0.75
**   score     = sum over the query's tokens (repeats included) of idf * weight */
float lf_bm25_idf(uint64_t df, uint64_t num_docs);
float lf_bm25_avgdl(uint64_t total_tokens, uint64_t num_docs);
float lf_bm25_weight(uint32_t tf, uint32_t doc_tokens, float avgdl);
/* Format version 3 indexes (256-document blocks) score a document of len
** tokens as if it had len rounded down to its top four significant bits
** (a one-byte length code, as Lucene's SmallFloat); lf_fts_bm25 does so. */
uint32_t lf_bm25_quantize_len(uint32_t len);

typedef struct lf_fts_hit {
  uint64_t row_id;
  float score;
} lf_fts_hit;

/* A row filter: 1 keeps the row, 0 drops it (e.g. deleted rows). */
typedef int (*lf_fts_row_filter)(void *ctx, uint64_t row_id);

typedef struct lf_fts_query {
  const char *const *tokens;  /* query tokens, already tokenized, in query order; a
                              ** repeated token counts as often as it is given */
  const size_t *lens;         /* byte lengths (NULL: NUL-terminated) */
  int ntokens;
  size_t k;                   /* top k (0 = every matching row) */
  lf_fts_row_filter filter;   /* NULL keeps every row */
  void *filter_ctx;
  /* Beyond OR (all zero: a row matches when it holds any token): */
  const uint32_t *positions;  /* each token's query position, ascending (NULL:
                              ** token i at i); tokens sharing a position are
                              ** alternatives (fuzzy expansions of one word) */
  int op_and;                 /* a row must hold a token of every position */
  int phrase;                 /* op_and, and the positions must form the phrase
                              ** (lf_fts_phrase_match with slop; the index must
                              ** have positions, else LF_ARG) */
  uint32_t slop;
  int exhaustive;             /* 1: score every posting of every token (the
                              ** reference the pruned evaluation is tested
                              ** against); 0: skip what cannot matter */
} lf_fts_query;

/* Top-k rows of the index matching q, by BM25 score with the index's own
** statistics (N and avgdl of every partition, deleted rows included), best
** first (ties by row id ascending), into *hits (malloc'd, caller frees; NULL
** when *n == 0).  Among rows tied at the k-th score the ones LanceDB 0.39
** keeps (its heap: docs/fts.md, "Ties at the k-th place"); with k > 0 what
** cannot reach the top k is skipped (block-max bounds), with the same rows
** and bit-identical scores as q->exhaustive.  A row's score sums idf * weight over the tokens it holds
** (each token on its own, alternatives included).  Rows of the index's
** deleted fragments and rows the filter drops are skipped. */
int lf_fts_bm25(lf_fts *idx, const lf_fts_query *q, lf_fts_hit **hits, size_t *n,
                lf_error *err);

/* ---- Phrases and fuzzy terms ---------------------------------------------------- */
/* One phrase term in one document: its positions there (ascending, n of them)
** and its position in the query. */
typedef struct lf_fts_phrase_term {
  const uint32_t *pos;
  uint32_t n;
  uint32_t qpos;
} lf_fts_phrase_term;
/* *match = 1 when the document holds the phrase terms[0..n) (in query order)
** within slop as LanceDB 0.39 decides it (fts_phrase.c): for a document of the
** index (flat 0: a greedy walk that misses some), or one its flat search reads
** (flat 1: exhaustively).  LF_OK or LF_NOMEM. */
int lf_fts_phrase_match(const lf_fts_phrase_term *terms, int n, uint32_t slop, int flat,
                        int *match, lf_error *err);

/* The tokens of partition part within Levenshtein distance `distance` of
** tok[0..len) (edits of Unicode code points: insertions, deletions,
** substitutions) that start with tok's first prefix_len bytes, in byte
** order, at most limit of them: cb(ctx, token, token_len, token_id) for each
** (token valid during the call; a non-zero return stops and is returned). */
typedef int (*lf_fts_token_cb)(void *ctx, const char *tok, size_t len, uint32_t token_id);
int lf_fts_fuzzy_tokens(lf_fts *idx, int part, const char *tok, size_t len, uint32_t distance,
                        size_t prefix_len, size_t limit, lf_fts_token_cb cb, void *ctx,
                        lf_error *err);

/* Documents outside the index (rows of fragments it does not cover) that the
** caller scores itself, as LanceDB's flat search does: their count, their
** tokens, and per query token the documents holding it (df[ntokens]).
** Documents without any token are not counted. */
typedef struct lf_fts_extra {
  uint64_t num_docs, total_tokens;
  const uint64_t *df;
} lf_fts_extra;

/* The statistics to score q with: N, avgdl and each query token's idf
** (idf[ntokens], caller-allocated; 0 for a token no document holds), over
** the index plus `extra` (NULL: none).  LanceDB 0.39 scores the rows of the
** index with extra = NULL (what lf_fts_bm25 does) and the rows the index
** does not cover with extra = those rows' statistics, then merges both by
** score: score a flat row as sum over query tokens of
** idf[i] * lf_bm25_weight(tf, doc_tokens, avgdl).  idx NULL: no index, the
** statistics are extra's alone (a column searched without an index). */
int lf_fts_bm25_weights(lf_fts *idx, const lf_fts_query *q, const lf_fts_extra *extra,
                        uint64_t *num_docs, float *avgdl, float *idf, lf_error *err);

#endif
