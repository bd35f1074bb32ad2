/*
** fts_tool.c: a command-line driver of format/index (the FTS index reader) and
** of ext/fts (full-text search, fts_search) for the interop tests
** (test/interop/fts_run.sh, fts_check.mjs; fts_query_run.sh):
** DIR may end in @VERSION (default: the latest version).
**   fts-tool info   DIR INDEX           the index as this library reads it: params,
**                                       format, partitions and their statistics (JSON)
**   fts-tool search DIR INDEX K WORD... the words as one plain-text query on the
**                                       index's column: top K (0 = all)
**   fts-tool query  DIR COLUMN QUERY    every row of the full-text query QUERY
**                                       (plain text on COLUMN, or LanceDB's JSON)
**   fts-tool queries DIR                the same for each stdin line COLUMN<tab>QUERY:
**                                       one JSON line each, {"hits":[[row_id,score]...]}
**                                       or {"error":"CODE: message"}
** search and query print one {"row_id","score"} line per row, best first: the
** rows of the index and, searched flat as LanceDB does, those of fragments the
** index does not cover, rows of deleted fragments dropped (rows deleted in the
** dataset are the caller's to drop: fts_search leaves them).
** Exit status 1 and the error (code name first) on failure.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fts/fts.h"
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

/* ---- search and query --------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* A row the dataset still has: its fragment is there and the offset not
** deleted (row ids are row addresses here: no stable row ids).  The SQL side
** drops deleted rows the same way when it reads them. */
static int live_row(lf_dataset *ds, uint64_t row) {
  uint32_t frag = (uint32_t)(row >> 32), off = (uint32_t)row;
  for (int i = 0; i < lf_dataset_num_fragments(ds); i++) {
    if (lf_dataset_fragment(ds, i)->id != frag) continue;
    const uint32_t *rows;
    size_t n;
    lf_error err;
    if (lf_dataset_deletions(ds, i, &rows, &n, &err)) return 1;
    return !(n && bsearch(&off, rows, n, sizeof *rows, cmp_u32));
  }
  return 0;
}

/* The first k (0: all) live rows of hits. */
static void print_hits(lf_dataset *ds, const lf_fts_hit *hits, size_t n, size_t k) {
  for (size_t i = 0, shown = 0; i < n && (!k || shown < k); i++)
    if (live_row(ds, hits[i].row_id)) {
      printf("{\"row_id\":%llu,\"score\":%.9g}\n", (unsigned long long)hits[i].row_id, hits[i].score);
      shown++;
    }
}

/* Run query text z (plain text or LanceDB's JSON) on ds with fts_search. */
static int query(lf_store *st, lf_dataset *ds, const char *z, const char *column, size_t k,
                 lf_error *err) {
  char msg[256];
  fts_query *q = NULL;
  if (fts_query_parse(z, column, &q, msg, sizeof msg))
    return lf_err(err, LF_ARG, "%s", msg);
  fts_cache *cache = fts_cache_new();
  lf_fts_hit *hits = NULL;
  size_t n = 0;
  int rc = cache ? fts_search(cache, st, ds, q, NULL, &hits, &n, err) : lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) print_hits(ds, hits, n, k);
  free(hits);
  fts_cache_free(cache);
  fts_query_free(q);
  return rc;
}

/* queries: one "COLUMN<tab>QUERY" per stdin line, one JSON line out per query:
** {"hits":[[row_id,score],...]} (live rows, best first) or {"error":"CODE: msg"}.
** One cache serves them all, as one SQL table's does. */
static int queries(lf_store *st, lf_dataset *ds) {
  fts_cache *cache = fts_cache_new();
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  if (!cache) return 1;
  while ((len = getline(&line, &cap, stdin)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    char *tab = strchr(line, '\t'), msg[256];
    if (!tab) continue;
    *tab = 0;
    fts_query *q = NULL;
    lf_error err = {0};
    lf_fts_hit *hits = NULL;
    size_t n = 0;
    int rc = fts_query_parse(tab + 1, line, &q, msg, sizeof msg) ? lf_err(&err, LF_ARG, "%s", msg)
                                                                 : fts_search(cache, st, ds, q, NULL, &hits, &n, &err);
    if (rc) {
      char e[600];
      snprintf(e, sizeof e, "%s: %s", lf_code_name(rc), err.msg);
      printf("{\"error\":");
      print_str(e);
      printf("}\n");
    } else {
      printf("{\"hits\":[");
      for (size_t i = 0, k = 0; i < n; i++)
        if (live_row(ds, hits[i].row_id))
          printf("%s[%llu,%.9g]", k++ ? "," : "", (unsigned long long)hits[i].row_id, hits[i].score);
      printf("]}\n");
    }
    free(hits);
    fts_query_free(q);
  }
  free(line);
  fts_cache_free(cache);
  return 0;
}

/* The name of the index's column. */
static const char *index_column(const lf_dataset *ds, const lf_index_meta *m) {
  const lf_schema *s = lf_dataset_schema(ds);
  for (int i = 0; i < s->n_fields; i++)
    if (m->n_fields && s->fields[i]->id == m->fields[0]) return s->fields[i]->name;
  return NULL;
}

/* search: the tokens as a plain-text query (the test's tokens are words the
** index's tokenizer keeps as they are), top k. */
static int search(lf_store *st, lf_dataset *ds, const lf_index_meta *m, size_t k, int nt,
                  char **toks, lf_error *err) {
  const char *col = index_column(ds, m);
  size_t len = 1;
  for (int i = 0; i < nt; i++) len += strlen(toks[i]) + 1;
  char *z = col ? calloc(len, 1) : NULL;
  if (!col) return lf_err(err, LF_NOTFOUND, "the index's column is not in the dataset");
  if (!z) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < nt; i++) strcat(strcat(z, i ? " " : ""), toks[i]);
  int rc = query(st, ds, z, col, k, err);
  free(z);
  return rc;
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "";
  if (!(!strcmp(cmd, "info") && argc == 4) && !(!strcmp(cmd, "search") && argc >= 6) &&
      !(!strcmp(cmd, "query") && argc == 5) && !(!strcmp(cmd, "queries") && argc == 3)) {
    fprintf(stderr, "usage: fts-tool info DIR INDEX | search DIR INDEX K WORD... | "
                    "query DIR COLUMN QUERY | queries DIR\n");
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
  if (!rc && !strcmp(cmd, "queries")) rc = queries(st, ds) ? lf_err(&err, LF_NOMEM, "out of memory") : 0;
  else if (!rc && !strcmp(cmd, "query")) rc = query(st, ds, argv[4], argv[3], 0, &err);
  else if (!rc) rc = find_index(ds, argv[3], &all, &n, &m, &err);
  if (!rc && !strcmp(cmd, "info") && !(rc = lf_fts_open(st, argv[2], m->uuid, &idx, &err)))
    rc = info(idx);
  if (!rc && !strcmp(cmd, "search"))
    rc = search(st, ds, m, (size_t)strtoull(argv[4], NULL, 10), argc - 5, argv + 5, &err);
  fflush(stdout);
  lf_fts_free(idx);
  lf_indices_free(all, n);
  lf_dataset_free(ds);
  lf_store_free(st);
  return rc ? fail(rc, &err) : 0;
}
