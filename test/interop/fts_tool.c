/*
** fts_tool.c: a command-line driver of format/index (the FTS index reader)
** for the interop tests (test/interop/fts_run.sh, fts_check.mjs):
** DIR may end in @VERSION (default: the latest version).
**   fts-tool info   DIR INDEX            the index as this library reads it: params,
**                                        format, partitions and their statistics (JSON)
**   fts-tool search DIR INDEX K TOKEN... BM25 top K (0 = all) over the dataset,
**                                        one {"row_id","score"} line each
** INDEX is an index name or uuid.  search scores the indexed rows with
** lf_fts_bm25 (deleted rows filtered out) and the rows of fragments the index
** does not cover the way LanceDB does (a flat search: their documents join the
** statistics).  Its tokenizer for those rows is the test's: ASCII letters and
** digits form tokens, lower-cased; the test data is made for it.
** Exit status 1 and the error (code name first) on failure.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts.h"
#include "lf_int.h"

static int fail(int rc, const lf_error *err) {
  fprintf(stderr, "%s: %s\n", lf_code_name(rc), err->msg);
  return 1;
}

/* The manifest entry of index `which` (a name or uuid) of ds, copied. */
static int find_index(const lf_dataset *ds, const char *which, lf_index_meta **all, int *n,
                      lf_index_meta **out, lf_error *err) {
  int rc = lf_manifest_indices(lf_dataset_manifest(ds), all, n, err);
  *out = NULL;
  for (int i = 0; !rc && i < *n; i++)
    if (!strcmp((*all)[i].uuid, which) || !strcmp((*all)[i].name, which)) *out = &(*all)[i];
  if (!rc && !*out) rc = lf_err(err, LF_NOTFOUND, "no index '%s'", which);
  return rc;
}

static void print_str(const char *s) {
  putchar('"');
  for (; s && *s; s++) {
    if (*s == '"' || *s == '\\') putchar('\\');
    putchar(*s);
  }
  putchar('"');
}

static int info(lf_fts *idx) {
  const lf_fts_params *p = lf_fts_get_params(idx);
  printf("{\"params\":{\"lance_tokenizer\":");
  if (p->lance_tokenizer) print_str(p->lance_tokenizer);
  else printf("null");
  printf(",\"base_tokenizer\":");
  print_str(p->base_tokenizer);
  printf(",\"language\":");
  print_str(p->language);
  printf(",\"with_position\":%s,\"max_token_length\":", p->with_position ? "true" : "false");
  if (p->has_max_token_length) printf("%u", p->max_token_length);
  else printf("null");
#define TF(x) ((x) ? "true" : "false")
  printf(",\"lower_case\":%s,\"stem\":%s,\"remove_stop_words\":%s,\"ascii_folding\":%s,"
         "\"min_ngram_length\":%u,\"max_ngram_length\":%u,\"prefix_only\":%s,\"block_size\":%u,"
         "\"split_identifiers\":%s,\"split_on_numerics\":%s,\"preserve_original\":%s,"
         "\"index_operators\":%s,\"custom_stop_words\":",
         TF(p->lower_case), TF(p->stem), TF(p->remove_stop_words), TF(p->ascii_folding),
         p->min_ngram_length, p->max_ngram_length, TF(p->prefix_only), p->block_size,
         TF(p->split_identifiers), TF(p->split_on_numerics), TF(p->preserve_original),
         TF(p->index_operators));
  if (!p->has_custom_stop_words) printf("null");
  for (size_t i = 0; p->has_custom_stop_words && i < p->n_custom_stop_words; i++) {
    printf("%s", i == 0 ? "[" : ",");
    print_str(p->custom_stop_words[i]);
  }
  if (p->has_custom_stop_words) printf("%s", p->n_custom_stop_words ? "]" : "[]");
  printf("},\"format_version\":%d,\"block_size\":%u,\"positions\":%d,\"partitions\":[",
         lf_fts_format_version(idx), lf_fts_block_size(idx), lf_fts_has_positions(idx));
  for (int i = 0; i < lf_fts_num_partitions(idx); i++) {
    lf_fts_stats s;
    lf_fts_stats_get(idx, i, &s);
    printf("%s{\"id\":%llu,\"num_docs\":%llu,\"total_tokens\":%llu}", i ? "," : "",
           (unsigned long long)lf_fts_partition_id(idx, i), (unsigned long long)s.num_docs,
           (unsigned long long)s.total_tokens);
  }
  size_t nd;
  const uint32_t *d = lf_fts_deleted_fragments(idx, &nd);
  printf("],\"deleted_fragments\":[");
  for (size_t i = 0; i < nd; i++) printf("%s%u", i ? "," : "", d[i]);
  printf("]}\n");
  return 0;
}

/* ---- search --------------------------------------------------------------- */

typedef struct live {
  lf_dataset *ds;
} live;

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Keep a row when its fragment is still in the dataset and the offset is
** not deleted (row ids are row addresses here: no stable row ids). */
static int keep_row(void *ctx, uint64_t row) {
  live *l = ctx;
  uint32_t frag = (uint32_t)(row >> 32), off = (uint32_t)row;
  for (int i = 0; i < lf_dataset_num_fragments(l->ds); i++) {
    if (lf_dataset_fragment(l->ds, i)->id != frag) continue;
    const uint32_t *rows;
    size_t n;
    lf_error err;
    if (lf_dataset_deletions(l->ds, i, &rows, &n, &err)) return 1;
    return !(n && bsearch(&off, rows, n, sizeof *rows, cmp_u32));
  }
  return 0;
}

typedef struct flat {
  int nt;
  char **toks;
  uint64_t docs, tokens, *df;
  size_t n, cap;
  lf_fts_hit *hits;    /* matching unindexed rows (score filled later) */
  uint32_t *tf, *dl;   /* n * nt term frequencies, n lengths */
} flat;

/* Tokenize one row; count it; keep it when it holds a query token. */
static int flat_row(flat *f, uint64_t row, const uint8_t *s, uint64_t len) {
  uint32_t tf[64] = {0}, dl = 0;
  char word[64];
  for (uint64_t i = 0; i < len;) {
    if (!isalnum(s[i])) {
      i++;
      continue;
    }
    size_t w = 0;
    for (; i < len && isalnum(s[i]); i++)
      if (w < sizeof word - 1) word[w++] = (char)tolower(s[i]);
    word[w] = 0;
    dl++;
    for (int t = 0; t < f->nt; t++) tf[t] += !strcmp(word, f->toks[t]);
  }
  if (!dl) return 0; /* LanceDB counts documents with tokens only */
  f->docs++;
  f->tokens += dl;
  int any = 0;
  for (int t = 0; t < f->nt; t++) f->df[t] += tf[t] > 0, any |= tf[t] > 0;
  if (!any) return 0;
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 64;
    f->hits = realloc(f->hits, f->cap * sizeof *f->hits);
    f->tf = realloc(f->tf, f->cap * (size_t)f->nt * 4);
    f->dl = realloc(f->dl, f->cap * 4);
    if (!f->hits || !f->tf || !f->dl) return -1;
  }
  f->hits[f->n].row_id = row;
  memcpy(f->tf + f->n * (size_t)f->nt, tf, (size_t)f->nt * 4);
  f->dl[f->n++] = dl;
  return 0;
}

static int in_frags(const lf_index_meta *m, uint64_t frag) {
  for (size_t i = 0; i < m->n_frags; i++)
    if (m->frags[i] == frag) return 1;
  return 0;
}

/* Scan the text column of the fragments the index does not cover. */
static int flat_scan(lf_dataset *ds, lf_store *st, const lf_index_meta *m, flat *f,
                     lf_error *err) {
  const lf_schema *s = lf_dataset_schema(ds);
  int col = -1;
  for (int i = 0; i < s->n_fields; i++)
    if (m->n_fields && s->fields[i]->id == m->fields[0]) col = i;
  if (col < 0) return lf_err(err, LF_NOTFOUND, "the index's column is not in the dataset");
  lf_scan *sc = NULL;
  const lf_scan_batch *b;
  int rc = lf_scan_open(ds, st, &col, 1, &sc, err);
  while (!rc && !(rc = lf_scan_next(sc, 4096, &b, err)) && b->n) {
    if (in_frags(m, b->fragment_id)) continue;
    const lf_array *a = &b->cols[0];
    for (uint64_t i = 0; !rc && i < b->n; i++)
      if (!lf_array_is_null(a, i) &&
          flat_row(f, b->rowids[i], a->data + a->offsets[i], a->offsets[i + 1] - a->offsets[i]))
        rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  lf_scan_free(sc);
  return rc;
}

static int by_score(const void *a, const void *b) {
  const lf_fts_hit *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return x->row_id < y->row_id ? -1 : x->row_id > y->row_id;
}

static int search(lf_store *st, lf_dataset *ds, lf_fts *idx, const lf_index_meta *m, size_t k,
                  int nt, char **toks, lf_error *err) {
  flat f = {nt, toks, 0, 0, calloc((size_t)nt + 1, 8), 0, 0, NULL, NULL, NULL};
  live l = {ds};
  lf_fts_query q = {(const char *const *)toks, NULL, nt, k, keep_row, &l};
  lf_fts_hit *hits = NULL;
  size_t n = 0;
  float *idf = calloc((size_t)nt + 1, sizeof *idf), avgdl;
  uint64_t ndocs;
  int rc = f.df && idf ? flat_scan(ds, st, m, &f, err) : lf_err(err, LF_NOMEM, "out of memory");
  lf_fts_extra extra = {f.docs, f.tokens, f.df};
  if (!rc) rc = lf_fts_bm25(idx, &q, &hits, &n, err);
  if (!rc) rc = lf_fts_bm25_weights(idx, &q, &extra, &ndocs, &avgdl, idf, err);
  lf_fts_hit *all = rc ? NULL : realloc(hits, (n + f.n + 1) * sizeof *hits);
  if (!rc && !all) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) hits = all;
  for (size_t i = 0; !rc && i < f.n; i++) {
    float score = 0;
    for (int t = 0; t < nt; t++)
      if (f.tf[i * (size_t)nt + t]) score += idf[t] * lf_bm25_weight(f.tf[i * (size_t)nt + t], f.dl[i], avgdl);
    hits[n++] = (lf_fts_hit){f.hits[i].row_id, score};
  }
  if (!rc) qsort(hits, n, sizeof *hits, by_score);
  for (size_t i = 0; !rc && i < n && (!k || i < k); i++)
    printf("{\"row_id\":%llu,\"score\":%.9g}\n", (unsigned long long)hits[i].row_id, hits[i].score);
  free(hits);
  free(idf);
  free(f.df);
  free(f.hits);
  free(f.tf);
  free(f.dl);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 4 || (strcmp(argv[1], "info") && strcmp(argv[1], "search")) ||
      (!strcmp(argv[1], "search") && (argc < 6 || argc - 5 > 64))) {
    fprintf(stderr, "usage: fts-tool info DIR INDEX | search DIR INDEX K TOKEN...\n");
    return 2;
  }
  lf_error err = {0};
  lf_store *st = NULL;
  lf_dataset *ds = NULL;
  lf_index_meta *all = NULL, *m = NULL;
  lf_fts *idx = NULL;
  int n = 0;
  int rc = lf_store_local_new("", &st, &err);
  char *at = strrchr(argv[2], '@');
  uint64_t version = at ? strtoull(at + 1, NULL, 10) : 0;
  if (at) *at = 0;
  if (!rc) rc = lf_dataset_open(st, argv[2], version, NULL, &ds, &err);
  if (!rc) rc = find_index(ds, argv[3], &all, &n, &m, &err);
  if (!rc) rc = lf_fts_open(st, argv[2], m->uuid, &idx, &err);
  if (!rc && !strcmp(argv[1], "info")) rc = info(idx);
  else if (!rc) rc = search(st, ds, idx, m, (size_t)strtoull(argv[4], NULL, 10), argc - 5, argv + 5, &err);
  fflush(stdout);
  lf_fts_free(idx);
  lf_indices_free(all, n);
  lf_dataset_free(ds);
  lf_store_free(st);
  return rc ? fail(rc, &err) : 0;
}
