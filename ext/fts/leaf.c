/*
** leaf.c: owns one leaf of a full-text query (a match or a phrase on one
** column) as LanceDB 0.39 runs it:
**
**   - the column is a top-level text field; its FTS index is the first
**     INVERTED index on it in the manifest (LanceDB takes the first); without
**     one LanceDB searches every row flat, and so does this (an index in
**     several segments and lists of strings are refused: LF_UNSUPPORTED);
**   - the text is tokenized with the index's tokenizer (or, without an
**     index, the simple tokenizer with no filters: no lower-casing,
**     stemming or stop words);
**   - fuzzy match (fuzziness > 0): the index side tokenizes the text with
**     that bare simple tokenizer instead, and each word stands for the index
**     tokens within the edit distance (and starting with its first
**     prefix_length bytes), taken in byte order, at most max_expansions for
**     the whole query, earlier words first; each expansion scores as a token
**     of its own (AND: every word needs one of its expansions).  A missing
**     or null fuzziness (Lance's "automatic") searches exactly, as LanceDB
**     0.39 does;
**   - the index scores its rows with its own statistics (lf_fts_bm25);
**     rows of fragments it does not cover are searched flat (flat.c) with
**     the exact tokens, scored with the index's plus their statistics;
**     rows of fragments gone from the dataset are dropped;
**   - a phrase needs an index built with positions (LanceDB's error
**     otherwise); its unindexed rows are matched flat with positions.
*/
#include "fts/fts_int.h"

#include <stdlib.h>
#include <string.h>

static int nomem(lf_error *err) { return lf_err(err, LF_NOMEM, "out of memory"); }

/* ---- query tokens ------------------------------------------------------------------ */

int fts_tokens_add(fts_tokens *t, const char *s, size_t len, uint32_t pos) {
  if (t->n == t->cap) {
    int c = t->cap ? t->cap * 2 : 8;
    char **ns = realloc(t->s, (size_t)c * sizeof *ns);
    if (ns) t->s = ns;
    size_t *nl = ns ? realloc(t->len, (size_t)c * sizeof *nl) : NULL;
    if (nl) t->len = nl;
    uint32_t *np = nl ? realloc(t->pos, (size_t)c * sizeof *np) : NULL;
    if (!np) return -1;
    t->pos = np;
    t->cap = c;
  }
  char *copy = malloc(len + 1);
  if (!copy) return -1;
  memcpy(copy, s, len);
  copy[len] = 0;
  t->s[t->n] = copy;
  t->len[t->n] = len;
  t->pos[t->n++] = pos;
  return 0;
}

void fts_tokens_free(fts_tokens *t) {
  for (int i = 0; i < t->n; i++) free(t->s[i]);
  free(t->s);
  free(t->len);
  free(t->pos);
  memset(t, 0, sizeof *t);
}

static int add_token(void *ctx, const char *tok, size_t len, uint32_t position) {
  return fts_tokens_add(ctx, tok, len, position) ? LF_NOMEM : 0;
}

int fts_tokenize(lf_tok *tok, const char *text, fts_tokens *out, lf_error *err) {
  int rc = lf_tok_run(tok, text, strlen(text), add_token, out, err);
  if (rc == LF_NOMEM) return nomem(err);
  return rc;
}

lf_fts_query fts_tokens_query(const fts_tokens *t) {
  lf_fts_query q;
  memset(&q, 0, sizeof q);
  q.tokens = (const char *const *)t->s;
  q.lens = t->len;
  q.ntokens = t->n;
  q.positions = t->pos;
  return q;
}

/* ---- the column and its index ------------------------------------------------------- */

typedef struct leaf_src {
  int col;                     /* schema field index */
  const lf_index_meta *meta;   /* its FTS index, or NULL */
  lf_fts *idx;
  lf_tok *tok;                 /* the index's tokenizer, or the bare one */
} leaf_src;

static int is_fts_index(const lf_index_meta *m, int32_t field_id) {
  size_t n = m->type_url ? strlen(m->type_url) : 0, k = strlen("InvertedIndexDetails");
  return m->n_fields == 1 && m->fields[0] == field_id && m->uuid[0] && n >= k &&
         !strcmp(m->type_url + n - k, "InvertedIndexDetails");
}

static int bare_tokenizer(fts_ctx *c, lf_tok **out, lf_error *err) {
  if (!c->bare) {
    lf_tok_params p;
    lf_tok_params_init(&p, "simple");
    p.max_token_length = LF_TOK_NO_LIMIT;
    p.lower_case = p.stem = p.remove_stop_words = p.ascii_folding = 0;
    int rc = lf_tok_new(&p, &c->bare, err);
    if (rc) return rc;
  }
  *out = c->bare;
  return LF_OK;
}

/* Arrow's name of a column type, as LanceDB's error spells it. */
static const char *arrow_name(lf_type t) {
  static const struct { lf_type t; const char *name; } names[] = {
    {LF_T_BOOL, "Boolean"}, {LF_T_INT8, "Int8"}, {LF_T_UINT8, "UInt8"}, {LF_T_INT16, "Int16"},
    {LF_T_UINT16, "UInt16"}, {LF_T_INT32, "Int32"}, {LF_T_UINT32, "UInt32"}, {LF_T_INT64, "Int64"},
    {LF_T_UINT64, "UInt64"}, {LF_T_FLOAT16, "Float16"}, {LF_T_FLOAT32, "Float32"},
    {LF_T_FLOAT64, "Float64"}, {LF_T_BINARY, "Binary"}, {LF_T_LARGE_BINARY, "LargeBinary"},
    {LF_T_DATE32, "Date32"}, {LF_T_DATE64, "Date64"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].t == t) return names[i].name;
  return lf_type_name(t);
}

static int leaf_source(fts_ctx *c, const char *column, leaf_src *s, lf_error *err) {
  const lf_schema *sc = lf_dataset_schema(c->ds);
  memset(s, 0, sizeof *s);
  s->col = -1;
  for (int i = 0; i < sc->n_fields && s->col < 0; i++)
    if (!strcmp(sc->fields[i]->name, column)) s->col = i;
  if (s->col < 0)
    return lf_err(err, LF_ARG, "FTS field path '%s' does not exist in the dataset schema", column);
  const lf_field *f = sc->fields[s->col];
  if ((f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST) && f->n_children == 1 &&
      (f->children[0]->type == LF_T_UTF8 || f->children[0]->type == LF_T_LARGE_UTF8))
    return lf_err(err, LF_UNSUPPORTED, "full-text search on a list of strings (column '%s')", column);
  if (f->type != LF_T_UTF8 && f->type != LF_T_LARGE_UTF8)
    return lf_err(err, LF_ARG, "FTS field '%s' must resolve to Utf8, LargeUtf8, Utf8View, or JSON, got %s",
                  column, arrow_name(f->type));
  for (int i = 0; i < c->nmeta && !s->meta; i++)
    if (is_fts_index(&c->meta[i], f->id)) s->meta = &c->meta[i];
  if (!s->meta) return bare_tokenizer(c, &s->tok, err);
  for (const lf_index_meta *m = s->meta + 1; m < c->meta + c->nmeta; m++)
    if (is_fts_index(m, f->id) && !strcmp(m->name, s->meta->name)) /* distributed builds */
      return lf_err(err, LF_UNSUPPORTED, "FTS index '%s' in several segments", m->name);
  return fts_cache_get(c->cache, c->store, lf_dataset_root(c->ds), s->meta->uuid, &s->idx, &s->tok, err);
}

/* ---- fuzzy expansion ----------------------------------------------------------------- */

typedef struct cands {
  fts_tokens t;     /* candidates of one word (positions unused) */
} cands;

static int add_cand(void *ctx, const char *tok, size_t len, uint32_t token_id) {
  (void)token_id;
  return fts_tokens_add(&((cands *)ctx)->t, tok, len, 0) ? LF_NOMEM : 0;
}

static int by_bytes(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  return strcmp(x, y); /* tokens hold no NUL: byte order */
}

/* words (the bare tokens) -> their expansions in idx, in LanceDB's order;
** *every = 1 when each word has at least one (AND needs that). */
static int expand(lf_fts *idx, const fts_query *q, const fts_tokens *words, fts_tokens *out,
                  int *every, lf_error *err) {
  int rc = LF_OK;
  size_t budget = (size_t)(q->max_expansions > 0 ? q->max_expansions : 0);
  *every = 1;
  for (int w = 0; !rc && w < words->n; w++) {
    int before = out->n;
    if ((size_t)out->n >= budget) {
      *every = 0;
      break;
    }
    cands c;
    memset(&c, 0, sizeof c);
    size_t remaining = budget - (size_t)out->n;
    for (int p = 0; !rc && p < lf_fts_num_partitions(idx); p++)
      rc = lf_fts_fuzzy_tokens(idx, p, words->s[w], words->len[w], (uint32_t)q->fuzziness,
                               (size_t)q->prefix_length, remaining, add_cand, &c, err);
    if (rc == LF_NOMEM) rc = nomem(err);
    if (!rc && c.t.n > 1) qsort(c.t.s, (size_t)c.t.n, sizeof *c.t.s, by_bytes);
    for (int i = 0; !rc && i < c.t.n && (size_t)out->n < budget; i++) {
      if (i && !strcmp(c.t.s[i], c.t.s[i - 1])) continue; /* in several partitions */
      if (fts_tokens_add(out, c.t.s[i], strlen(c.t.s[i]), words->pos[w])) rc = nomem(err);
    }
    if (out->n == before) *every = 0;
    fts_tokens_free(&c.t);
  }
  return rc;
}

/* ---- the leaf ------------------------------------------------------------------------- */

/* Index rows whose fragment the dataset no longer has (row ids are row
** addresses unless the dataset has stable row ids: then the caller drops
** what does not exist). */
static int keep_row(void *ctx, uint64_t row_id) {
  const fts_ctx *c = ctx;
  uint32_t frag = (uint32_t)(row_id >> 32);
  return lf_dataset_stable_row_ids(c->ds) || bsearch(&frag, c->frags, c->nfrags, sizeof frag, fts_cmp_u32);
}

static int index_side(fts_ctx *c, const fts_query *q, const leaf_src *s, const fts_tokens *exact,
                      fts_set *out, lf_error *err) {
  fts_tokens words, fuzzy;
  memset(&words, 0, sizeof words);
  memset(&fuzzy, 0, sizeof fuzzy);
  const fts_tokens *use = exact;
  int rc = LF_OK, every = 1;
  if (q->kind == FTSQ_MATCH && q->fuzziness > 0) {
    lf_tok *bare = NULL;
    rc = bare_tokenizer(c, &bare, err);
    if (!rc) rc = fts_tokenize(bare, q->terms, &words, err);
    if (!rc) rc = expand(s->idx, q, &words, &fuzzy, &every, err);
    use = &fuzzy;
  }
  lf_fts_query fq = fts_tokens_query(use);
  fq.filter = keep_row;
  fq.filter_ctx = c;
  fq.op_and = q->kind == FTSQ_PHRASE || q->op_and;
  fq.phrase = q->kind == FTSQ_PHRASE;
  fq.slop = (uint32_t)q->slop;
  fq.k = c->k;
  lf_fts_hit *h = NULL;
  size_t n = 0;
  if (!rc && fq.ntokens && (every || !fq.op_and)) rc = lf_fts_bm25(s->idx, &fq, &h, &n, err);
  for (size_t i = 0; !rc && i < n; i++)
    if (fts_set_push(out, h[i].row_id, h[i].score)) rc = nomem(err);
  free(h);
  fts_tokens_free(&words);
  fts_tokens_free(&fuzzy);
  return rc;
}

int fts_leaf(fts_ctx *c, const fts_query *q, fts_set *out, lf_error *err) {
  leaf_src s;
  fts_tokens exact;
  memset(&exact, 0, sizeof exact);
  int rc = leaf_source(c, q->column, &s, err);
  if (!rc && q->kind == FTSQ_PHRASE && s.idx && !lf_fts_has_positions(s.idx))
    return lf_err(err, LF_ARG, "position is not found but required for phrase queries, try "
                               "recreating the index with position");
  if (!rc) rc = fts_tokenize(s.tok, q->terms, &exact, err);
  if (!rc && s.idx) rc = index_side(c, q, &s, &exact, out, err);
  lf_fts_query fq = fts_tokens_query(&exact);
  fq.op_and = q->kind == FTSQ_PHRASE || q->op_and;
  fq.phrase = q->kind == FTSQ_PHRASE;
  fq.slop = (uint32_t)q->slop;
  fts_flat f = {c->ds, c->store, s.col, s.meta, s.idx, s.tok, &fq, c->pf};
  if (!rc && fq.ntokens) rc = fts_flat_search(&f, out, err);
  fts_tokens_free(&exact);
  if (rc) return rc;
  fts_set_sort(out);
  float boost = q->kind == FTSQ_MATCH ? (float)q->boost : 1.0f;
  for (size_t i = 0; boost != 1.0f && i < out->n; i++) out->h[i].score *= boost;
  return LF_OK;
}
