/*
** tokenize.h: the text tokenizers of LanceDB's full-text search (FTS) index,
** token for token as LanceDB 0.39 (Lance 12, lance-tokenizer 12) produces them,
** for both the query side and an index builder.  docs/fts.md describes the
** options.
**
** A tokenizer is one base tokenizer followed by filters, always in this order
** (Lance's InvertedIndexParams::build):
**
**   base ("simple" | "whitespace" | "raw" | "ngram")
**     -> max_token_length   drop tokens of >= max_token_length UTF-8 bytes
**     -> lower_case         Unicode lower-case, one code point at a time
**     -> stem               Snowball stemmer of `language`
**     -> remove_stop_words  drop the stop words of `language` (or custom ones)
**     -> ascii_folding      Lucene's ASCII folding (é -> e, ß -> ss, ...)
**
** Positions are the base tokenizer's: simple/whitespace number their tokens
** 0, 1, 2, ...; raw and ngram give every token position 0.  Dropped tokens
** leave gaps (a phrase query sees them).  Text that is not valid UTF-8 is read
** as Rust's String::from_utf8_lossy reads it: each maximal invalid sequence is
** one U+FFFD; tokens handed to the callback are always valid UTF-8.
**
** Ownership: lf_tok_new copies everything it needs from the params (strings
** included); lf_tok_free(NULL) is a no-op.  A tokenizer is not thread-safe:
** give each thread its own.
*/
#ifndef LF_TOKENIZE_H
#define LF_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "lf_error.h"

#define LF_TOK_NO_LIMIT (-1) /* max_token_length: keep tokens of any length */

typedef struct lf_tok_params {
  const char *base_tokenizer; /* "simple", "whitespace", "raw", "ngram" */
  const char *language;       /* Lance's Language name: "English", "French", ... */
  long long max_token_length; /* bytes; LF_TOK_NO_LIMIT for none */
  int lower_case;
  int stem;
  int remove_stop_words;
  int ascii_folding;
  /* remove_stop_words with these words instead of the language's list when
  ** custom_stop_words is not NULL (n_custom_stop_words may be 0) */
  const char *const *custom_stop_words;
  size_t n_custom_stop_words;
  unsigned min_ngram_length, max_ngram_length; /* ngram only: 1 <= min <= max */
  int prefix_only;                             /* ngram only: grams at offset 0 */
} lf_tok_params;

/* Fill p with LanceDB's defaults for base_tokenizer (NULL: "simple"):
** English, max_token_length 40, lower_case, stem, remove_stop_words and
** ascii_folding on, ngram lengths 3..3, not prefix_only; "ngram" has stem and
** remove_stop_words off, as LanceDB sets them for it. */
void lf_tok_params_init(lf_tok_params *p, const char *base_tokenizer);

typedef struct lf_tok lf_tok;

/* Build a tokenizer.  LF_UNSUPPORTED names what LanceDB has and this library
** does not: the tokenizers icu, icu/split, code, jieba/..., lindera/..., and
** stemming Dutch (LanceDB's is Snowball 3's new algorithm); LF_ARG an unknown
** tokenizer or language or bad ngram lengths; LF_NOMEM. */
int lf_tok_new(const lf_tok_params *p, lf_tok **out, lf_error *err);
void lf_tok_free(lf_tok *tok);

/* Called once per token, in order.  tok is valid UTF-8, len bytes, not
** NUL-terminated, valid only during the call.  A non-zero return stops
** lf_tok_run, which then returns that value. */
typedef int (*lf_tok_cb)(void *ctx, const char *tok, size_t len, uint32_t position);

/* Tokenize text[0..len).  Returns LF_OK, LF_NOMEM (err filled) or the
** callback's non-zero value. */
int lf_tok_run(lf_tok *tok, const char *text, size_t len, lf_tok_cb cb, void *ctx,
               lf_error *err);

/* From inside the callback: the bytes [*from, *to) of the returned text (*len
** bytes) that the current token came from (before the filters changed it).
** The text is the one given to lf_tok_run, or, when that was not valid UTF-8,
** its repaired copy (each invalid sequence one U+FFFD); valid until lf_tok_run
** returns. */
const char *lf_tok_span(const lf_tok *tok, size_t *from, size_t *to, size_t *len);

#endif
