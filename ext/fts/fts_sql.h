/*
** fts_sql.h: the SQL-facing pieces of ext/fts/ beside fts.h (the evaluator),
** fts_int.h (its internals) and query.h (the query parser): tokenizer options
** and the SQL functions.
*/
#ifndef LANCE_FTS_SQL_H
#define LANCE_FTS_SQL_H

#include <sqlite3ext.h>

#include "fts/query.h"
#include "index/tokenize.h"

/* tok_options.c: tokenizer parameters in LanceDB's names, `key=value` separated
** by spaces (the syntax of _options): base_tokenizer, language,
** max_token_length, lower_case, stem, remove_stop_words, ascii_folding,
** min_ngram_length, max_ngram_length, prefix_only.  Booleans are true/false or
** 1/0.  Keys not given keep LanceDB's defaults (lf_tok_params_init of the base
** tokenizer).  The strings p points to live in spec. */
typedef struct fts_tok_spec {
  char base[16];
  char language[32];
} fts_tok_spec;
/* z may be NULL (all defaults).  Returns 0, or -1 with a sentence in err. */
int fts_tok_options(const char *z, fts_tok_spec *spec, lf_tok_params *p, char *err, int errcap);

/* The same with the index-building keys of lance_create_index beside them:
** with_position (false), block_size (128 or 256; 128), name (default: none
** given, the caller's "<column>_idx"), replace (true, as LanceDB's
** createIndex), progress (0; 1: progress lines on stderr).  ix is filled
** with those defaults first. */
typedef struct fts_index_spec {
  int with_position;
  unsigned block_size;
  int replace;
  int progress;
  char name[256];            /* "" when not given */
} fts_index_spec;
int fts_index_options(const char *z, fts_tok_spec *spec, lf_tok_params *p, fts_index_spec *ix,
                      char *err, int errcap);

/* highlight.c: lance_highlight() and lance_snippet(). */
int fts_highlight_register(sqlite3 *db);

#endif
