/*
** flat.c: owns the flat search of the rows an FTS index does not cover (rows
** appended after the index was built, or every row of a column without an
** index), as LanceDB 0.39's flat search does it:
**
**   - the column of those fragments is scanned (live rows that pass the
**     caller's prefilter only) and each
**     non-null text tokenized with the query's tokenizer; a row with at least
**     one token is a document: it joins the statistics (documents, tokens,
**     and per query token the documents holding it);
**   - a row matches as on the index side: any token (OR), a token of every
**     query position (AND), or the phrase (lf_fts_phrase_match over the
**     row's positions);
**   - matching rows are scored once the scan is done, with N, avgdl and idf
**     over the index plus these rows (lf_fts_bm25_weights), and the row's own
**     length (never quantized).
** Memory: the matching rows (their length and per distinct query token a
** frequency) and one row's positions, not the column.
*/
#include "fts/fts_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct flat_run {
  const fts_flat *f;
  const lf_fts_query *q;
  int nt, nd;              /* query tokens, distinct ones */
  int *dist;               /* nt: the distinct token of each query token */
  int *rep;                /* nd: a query token of each distinct one */
  uint64_t docs, total, *df;   /* statistics; df per distinct token */
  /* the row being tokenized */
  uint32_t dl, *tf;        /* nd */
  uint32_t **pos;          /* nd position lists (phrase) */
  uint32_t *npos, *cpos;
  lf_fts_phrase_term *pt;  /* nt */
  /* matching rows */
  uint64_t *rows;
  uint32_t *lens, *tfs;    /* per row: length, nd frequencies */
  size_t n, cap;
} flat_run;

static int nomem(lf_error *err) { return lf_err(err, LF_NOMEM, "out of memory"); }

static void run_free(flat_run *r) {
  for (int d = 0; r->pos && d < r->nd; d++) free(r->pos[d]);
  free(r->dist);
  free(r->rep);
  free(r->df);
  free(r->tf);
  free(r->pos);
  free(r->npos);
  free(r->cpos);
  free(r->pt);
  free(r->rows);
  free(r->lens);
  free(r->tfs);
}

static size_t qlen(const lf_fts_query *q, int i) {
  return q->lens ? q->lens[i] : strlen(q->tokens[i]);
}

static int run_init(flat_run *r, lf_error *err) {
  const lf_fts_query *q = r->q;
  size_t n = (size_t)r->nt + 1;
  r->dist = calloc(n, sizeof *r->dist);
  r->rep = calloc(n, sizeof *r->rep);
  r->df = calloc(n, sizeof *r->df);
  r->tf = calloc(n, sizeof *r->tf);
  r->pos = calloc(n, sizeof *r->pos);
  r->npos = calloc(n, sizeof *r->npos);
  r->cpos = calloc(n, sizeof *r->cpos);
  r->pt = calloc(n, sizeof *r->pt);
  if (!r->dist || !r->rep || !r->df || !r->tf || !r->pos || !r->npos || !r->cpos || !r->pt)
    return nomem(err);
  for (int i = 0; i < r->nt; i++) {
    int d = 0;
    while (d < r->nd && !(qlen(q, r->rep[d]) == qlen(q, i) &&
                          !memcmp(q->tokens[r->rep[d]], q->tokens[i], qlen(q, i))))
      d++;
    if (d == r->nd) r->rep[r->nd++] = i;
    r->dist[i] = d;
  }
  return LF_OK;
}

/* One token of the row being read. */
static int on_token(void *ctx, const char *tok, size_t len, uint32_t position) {
  flat_run *r = ctx;
  r->dl++;
  for (int d = 0; d < r->nd; d++) {
    int i = r->rep[d];
    if (qlen(r->q, i) != len || memcmp(r->q->tokens[i], tok, len)) continue;
    r->tf[d]++;
    if (!r->q->phrase) return 0;
    if (r->npos[d] == r->cpos[d]) {
      uint32_t c = r->cpos[d] ? r->cpos[d] * 2 : 16, *p = realloc(r->pos[d], c * sizeof *p);
      if (!p) return LF_NOMEM;
      r->pos[d] = p;
      r->cpos[d] = c;
    }
    r->pos[d][r->npos[d]++] = position;
    return 0;
  }
  return 0;
}

/* Does the row just read match? */
static int row_matches(flat_run *r, int *match, lf_error *err) {
  const lf_fts_query *q = r->q;
  *match = 0;
  for (int i = 0; i < r->nt && !*match; i++) *match = r->tf[r->dist[i]] > 0;
  if (!*match || !(q->op_and || q->phrase)) return LF_OK;
  for (int i = 0; i < r->nt && *match;) { /* every position: one of its tokens */
    uint32_t p = q->positions ? q->positions[i] : (uint32_t)i;
    int held = 0;
    for (; i < r->nt && (q->positions ? q->positions[i] : (uint32_t)i) == p; i++)
      held |= r->tf[r->dist[i]] > 0;
    *match = held;
  }
  if (!*match || !q->phrase) return LF_OK;
  for (int i = 0; i < r->nt; i++) {
    int d = r->dist[i];
    r->pt[i] = (lf_fts_phrase_term){r->pos[d], r->npos[d], q->positions ? q->positions[i] : (uint32_t)i};
  }
  return lf_fts_phrase_match(r->pt, r->nt, q->slop, 1, match, err);
}

static int keep_row(flat_run *r, uint64_t row_id, lf_error *err) {
  if (r->n == r->cap) {
    size_t c = r->cap ? r->cap * 2 : 64;
    uint64_t *rows = realloc(r->rows, c * sizeof *rows);
    if (rows) r->rows = rows;
    uint32_t *lens = rows ? realloc(r->lens, c * sizeof *lens) : NULL;
    if (lens) r->lens = lens;
    uint32_t *tfs = lens ? realloc(r->tfs, c * (size_t)r->nd * sizeof *tfs) : NULL;
    if (!tfs) return nomem(err);
    r->tfs = tfs;
    r->cap = c;
  }
  r->rows[r->n] = row_id;
  r->lens[r->n] = r->dl;
  memcpy(r->tfs + r->n * (size_t)r->nd, r->tf, (size_t)r->nd * sizeof *r->tf);
  r->n++;
  return LF_OK;
}

static int read_row(flat_run *r, uint64_t row_id, const uint8_t *s, uint64_t len, lf_error *err) {
  r->dl = 0;
  for (int d = 0; d < r->nd; d++) r->tf[d] = r->npos[d] = 0;
  int rc = lf_tok_run(r->f->tok, (const char *)s, (size_t)len, on_token, r, err);
  if (rc == LF_NOMEM) return nomem(err);
  if (rc || !r->dl) return rc; /* no token: not a document */
  r->docs++;
  r->total += r->dl;
  for (int d = 0; d < r->nd; d++) r->df[d] += r->tf[d] > 0;
  int match = 0;
  if ((rc = row_matches(r, &match, err)) || !match) return rc;
  return keep_row(r, row_id, err);
}

static int covered(const lf_index_meta *m, uint64_t frag) {
  if (!m) return 0;
  if (!m->has_frags) return 1; /* no bitmap recorded: the index covers the dataset */
  for (size_t i = 0; i < m->n_frags; i++)
    if (m->frags[i] == frag) return 1;
  return 0;
}

static int read_batch(flat_run *r, const lf_scan_batch *b, uint8_t **sel, lf_error *err) {
  const lf_array *a = &b->cols[0];
  const fts_prefilter *pf = r->f->pf;
  int rc = LF_OK;
  if (pf) {
    uint8_t *ns = realloc(*sel, b->n ? b->n : 1);
    if (!ns) return nomem(err);
    *sel = ns;
    memset(ns, 1, b->n);
    pf->select(pf->ctx, b, ns);
  }
  for (uint64_t i = 0; !rc && i < b->n; i++)
    if (!lf_array_is_null(a, i) && (!pf || (*sel)[i]))
      rc = read_row(r, b->rowids[i], a->data + a->offsets[i], a->offsets[i + 1] - a->offsets[i], err);
  return rc;
}

/* Scan the fragments the index does not cover. */
static int scan(flat_run *r, lf_error *err) {
  const fts_flat *f = r->f;
  lf_scan *sc = NULL;
  uint8_t *sel = NULL;
  int nf = 1 + (f->pf ? f->pf->nfields : 0);
  int *fields = malloc((size_t)nf * sizeof *fields);
  if (!fields) return nomem(err);
  fields[0] = f->col;
  for (int k = 1; k < nf; k++) fields[k] = f->pf->fields[k - 1];
  int rc = lf_scan_open(f->ds, f->store, fields, nf, &sc, err);
  free(fields);
  for (int i = 0; !rc && i < lf_dataset_num_fragments(f->ds); i++) {
    const lf_fragment *fr = lf_dataset_fragment(f->ds, i);
    const uint32_t *del;
    size_t ndel;
    if ((rc = lf_dataset_deletions(f->ds, i, &del, &ndel, err))) break;
    uint64_t live = fr->physical_rows - ndel;
    if (covered(f->index, fr->id)) {
      rc = lf_scan_skip(sc, live, err);
      continue;
    }
    while (!rc && live) {
      const lf_scan_batch *b;
      if ((rc = lf_scan_next(sc, live < 4096 ? live : 4096, &b, err))) break;
      if (!b->n || b->fragment_id != fr->id)
        rc = lf_err(err, LF_CORRUPT, "flat search: fragment %llu ended early", (unsigned long long)fr->id);
      else rc = read_batch(r, b, &sel, err), live -= b->n;
    }
  }
  free(sel);
  lf_scan_free(sc);
  return rc;
}

int fts_flat_search(const fts_flat *f, fts_set *out, lf_error *err) {
  flat_run r;
  memset(&r, 0, sizeof r);
  r.f = f;
  r.q = f->q;
  r.nt = f->q->ntokens;
  float *idf = calloc((size_t)r.nt + 1, sizeof *idf), avgdl = 0;
  uint64_t *df_tok = calloc((size_t)r.nt + 1, sizeof *df_tok), ndocs = 0;
  int rc = idf && df_tok ? run_init(&r, err) : nomem(err);
  if (!rc) rc = scan(&r, err);
  for (int i = 0; !rc && i < r.nt; i++) df_tok[i] = r.df[r.dist[i]];
  lf_fts_extra extra = {r.docs, r.total, df_tok};
  if (!rc && r.n) rc = lf_fts_bm25_weights(f->idx, f->q, &extra, &ndocs, &avgdl, idf, err);
  for (size_t k = 0; !rc && k < r.n; k++) {
    const uint32_t *tf = r.tfs + k * (size_t)r.nd;
    float score = 0;
    for (int i = 0; i < r.nt; i++)
      if (tf[r.dist[i]]) score += idf[i] * lf_bm25_weight(tf[r.dist[i]], r.lens[k], avgdl);
    if (fts_set_push(out, r.rows[k], score)) rc = nomem(err);
  }
  free(idf);
  free(df_tok);
  run_free(&r);
  return rc;
}
