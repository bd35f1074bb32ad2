/*
** highlight.c: owns lance_highlight() and lance_snippet(), FTS5's highlight()
** and snippet() for Lance full-text queries:
**
**   lance_highlight(text, query, open, close [, tokenizer])
**   lance_snippet(text, query, open, close, ellipsis, max_tokens [, tokenizer])
**
** The query (plain text or a LanceDB JSON query) and the text go through one
** tokenizer: LanceDB's default (simple, English, lower case, stemming, stop words
** removed, ASCII folding, tokens under 40 bytes) unless `tokenizer` gives index
** parameters in `key=value` form (tok_options.c), e.g. 'stem=false' to match the
** index a column was built with.  A token of the text is marked when its final
** form (after the filters) is one of the query's: the marks wrap the token's
** original bytes, so "Running" is marked for the query "runs" under stemming.
** Terms of must_not clauses and of a boost query's negative side are not marked.
** A snippet is the window of max_tokens consecutive tokens (1..256) holding the
** most marks (the first such window), with `ellipsis` where text was cut.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdlib.h>
#include <string.h>

#include "fts/fts_sql.h"

/* A token of the text: its source bytes and whether the query has it. */
typedef struct hl_tok {
  size_t from, to;
  int hit;
} hl_tok;

typedef struct hl_ctx {
  lf_tok *tok;
  char **terms;            /* the query's tokens, sorted */
  size_t nterms, cap;
  hl_tok *toks;            /* the text's tokens, in order */
  size_t ntoks, captoks;
  const char *text;        /* what the spans refer to, len bytes */
  size_t len;
  int nomem;
} hl_ctx;

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_term(void *ctx, const char *t, size_t n, uint32_t pos) {
  hl_ctx *h = ctx;
  (void)pos;
  if (h->nterms == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 16;
    char **a = realloc(h->terms, cap * sizeof *a);
    if (!a) return h->nomem = 1;
    h->terms = a, h->cap = cap;
  }
  char *z = malloc(n + 1);
  if (!z) return h->nomem = 1;
  memcpy(z, t, n);
  z[n] = 0;
  h->terms[h->nterms++] = z;
  return 0;
}

/* Tokens of the terms of every positive node of q. */
static int collect_terms(hl_ctx *h, const fts_query *q, lf_error *e) {
  if (!q) return LF_OK;
  if (q->terms) {
    int rc = lf_tok_run(h->tok, q->terms, strlen(q->terms), add_term, h, e);
    if (rc) return h->nomem ? lf_err(e, LF_NOMEM, "out of memory") : rc;
  }
  int rc = collect_terms(h, q->positive, e);
  for (int i = 0; !rc && i < q->n_should; i++) rc = collect_terms(h, q->should[i], e);
  for (int i = 0; !rc && i < q->n_must; i++) rc = collect_terms(h, q->must[i], e);
  return rc;
}

static int add_tok(void *ctx, const char *t, size_t n, uint32_t pos) {
  hl_ctx *h = ctx;
  (void)pos;
  char key[256], *z = key;
  if (n >= sizeof key && !(z = malloc(n + 1))) return h->nomem = 1;
  memcpy(z, t, n);
  z[n] = 0;
  int hit = bsearch(&z, h->terms, h->nterms, sizeof *h->terms, cmp_str) != NULL;
  if (z != key) free(z);
  size_t from, to;
  h->text = lf_tok_span(h->tok, &from, &to, &h->len);
  if (h->ntoks && h->toks[h->ntoks - 1].from == from && h->toks[h->ntoks - 1].to == to) {
    h->toks[h->ntoks - 1].hit |= hit; /* one source span, several tokens (ngrams) */
    return 0;
  }
  if (h->ntoks == h->captoks) {
    size_t cap = h->captoks ? h->captoks * 2 : 64;
    hl_tok *a = realloc(h->toks, cap * sizeof *a);
    if (!a) return h->nomem = 1;
    h->toks = a, h->captoks = cap;
  }
  h->toks[h->ntoks++] = (hl_tok){from, to, hit};
  return 0;
}

static void hl_reset(hl_ctx *h) {
  for (size_t i = 0; i < h->nterms; i++) free(h->terms[i]);
  free(h->terms);
  free(h->toks);
  lf_tok_free(h->tok);
}

/* Tokenize the query and the text: h->toks marks the hits.  On error the
** function's result is set and -1 returned. */
static int hl_prepare(sqlite3_context *ctx, hl_ctx *h, sqlite3_value *text, sqlite3_value *query,
                      sqlite3_value *opts) {
  char msg[256];
  lf_error e = {0};
  lf_tok_params p;
  fts_tok_spec spec;
  const char *zo = opts ? (const char *)sqlite3_value_text(opts) : NULL;
  if (fts_tok_options(zo, &spec, &p, msg, sizeof msg)) {
    sqlite3_result_error(ctx, msg, -1);
    return -1;
  }
  fts_query *q = NULL;
  const char *zq = (const char *)sqlite3_value_text(query);
  if (fts_query_parse(zq ? zq : "", "", &q, msg, sizeof msg)) {
    sqlite3_result_error(ctx, msg, -1);
    return -1;
  }
  int rc = lf_tok_new(&p, &h->tok, &e);
  if (!rc) rc = collect_terms(h, q, &e);
  fts_query_free(q);
  if (!rc) {
    qsort(h->terms, h->nterms, sizeof *h->terms, cmp_str);
    const char *zt = (const char *)sqlite3_value_text(text);
    rc = lf_tok_run(h->tok, zt, (size_t)sqlite3_value_bytes(text), add_tok, h, &e);
    if (rc && h->nomem) rc = lf_err(&e, LF_NOMEM, "out of memory");
    if (!h->text) h->text = zt ? zt : "", h->len = zt ? (size_t)sqlite3_value_bytes(text) : 0;
  }
  if (rc == LF_NOMEM) sqlite3_result_error_nomem(ctx);
  else if (rc) sqlite3_result_error(ctx, e.msg, -1);
  return rc ? -1 : 0;
}

/* text[from, to) with the hits among toks[t0, t1) wrapped in open/close. */
static void hl_append(sqlite3_str *s, const hl_ctx *h, size_t from, size_t to, size_t t0,
                      size_t t1, const char *open, const char *close) {
  size_t at = from;
  for (size_t i = t0; i < t1; i++) {
    const hl_tok *t = &h->toks[i];
    if (!t->hit || t->from < at) continue;
    sqlite3_str_append(s, h->text + at, (int)(t->from - at));
    sqlite3_str_appendall(s, open);
    sqlite3_str_append(s, h->text + t->from, (int)(t->to - t->from));
    sqlite3_str_appendall(s, close);
    at = t->to;
  }
  sqlite3_str_append(s, h->text + at, (int)(to - at));
}

static void str_result(sqlite3_context *ctx, sqlite3_str *s) {
  int n = sqlite3_str_length(s);
  char *z = sqlite3_str_finish(s);
  if (!z && n) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_text(ctx, z ? z : "", n, z ? sqlite3_free : SQLITE_STATIC);
}

static const char *arg_text(sqlite3_value *v) {
  const char *z = (const char *)sqlite3_value_text(v);
  return z ? z : "";
}

static void highlight_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  hl_ctx h = {0};
  if (hl_prepare(ctx, &h, argv[0], argv[1], argc > 4 ? argv[4] : NULL) == 0) {
    sqlite3_str *s = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    hl_append(s, &h, 0, h.len, 0, h.ntoks, arg_text(argv[2]), arg_text(argv[3]));
    str_result(ctx, s);
  }
  hl_reset(&h);
}

static void snippet_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  sqlite3_int64 w = sqlite3_value_int64(argv[5]);
  if (sqlite3_value_type(argv[5]) != SQLITE_INTEGER || w < 1 || w > 256) {
    sqlite3_result_error(ctx, "lance_snippet: max_tokens must be an integer from 1 to 256", -1);
    return;
  }
  hl_ctx h = {0};
  if (hl_prepare(ctx, &h, argv[0], argv[1], argc > 6 ? argv[6] : NULL) == 0) {
    size_t best = 0, hits = 0, most = 0, win = (size_t)w;
    for (size_t i = 0; i < h.ntoks; i++) { /* sliding window of win tokens */
      hits += (size_t)h.toks[i].hit;
      if (i >= win) hits -= (size_t)h.toks[i - win].hit;
      if (hits > most) most = hits, best = i + 1 > win ? i + 1 - win : 0;
    }
    size_t end = best + win < h.ntoks ? best + win : h.ntoks;
    sqlite3_str *s = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    if (h.ntoks) {
      const char *ell = arg_text(argv[4]);
      if (best > 0) sqlite3_str_appendall(s, ell);
      hl_append(s, &h, best ? h.toks[best].from : 0, end < h.ntoks ? h.toks[end - 1].to : h.len, best,
                end, arg_text(argv[2]), arg_text(argv[3]));
      if (end < h.ntoks) sqlite3_str_appendall(s, ell);
    }
    str_result(ctx, s);
  }
  hl_reset(&h);
}

int fts_highlight_register(sqlite3 *db) {
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = sqlite3_create_function(db, "lance_highlight", 4, flags, NULL, highlight_func, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "lance_highlight", 5, flags, NULL, highlight_func, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "lance_snippet", 6, flags, NULL, snippet_func, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "lance_snippet", 7, flags, NULL, snippet_func, NULL, NULL);
  return rc;
}
