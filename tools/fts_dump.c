/*
** fts_dump.c: `lance-dump --fts-index DATASET INDEX`: every (token, row)
** posting of an FTS index as one JSON object a line (docs/lance-dump.md),
** tokens in byte order across all partitions, rows by row id.
*/
#include "fts_dump.h"

#include <stdlib.h>
#include <string.h>

#include "index/fts.h"
#include "json_out.h"
#include "lf_table.h"

/* The uuid of the index of dataset `root` named or identified by `which`. */
static int resolve(lf_store *store, const char *root, const char *which, char uuid[37],
                   lf_error *err) {
  lf_manifest m = {0};
  lf_index_meta *ix = NULL;
  int n = 0, hits = 0;
  int rc = lf_dataset_read_manifest(store, root, 0, &m, err);
  if (!rc) rc = lf_manifest_indices(&m, &ix, &n, err);
  for (int i = 0; !rc && i < n; i++)
    if (!strcmp(ix[i].uuid, which) || !strcmp(ix[i].name, which)) {
      hits++;
      memcpy(uuid, ix[i].uuid, 37);
    }
  if (!rc && hits == 0) rc = lf_err(err, LF_NOTFOUND, "%s: no index named '%s'", root, which);
  if (!rc && hits > 1)
    rc = lf_err(err, LF_ARG, "%s: %d index segments are named '%s': give a uuid", root, hits, which);
  lf_indices_free(ix, n);
  lf_manifest_reset(&m);
  return rc;
}

typedef struct cursor {
  lf_fts_tokens *it;
  int got;
  const char *tok;
  size_t len;
  uint32_t id;
  lf_fts_posting pl;
} cursor;

typedef struct entry {
  uint64_t row;
  int part;
  uint32_t i;
} entry;

static int by_row(const void *a, const void *b) {
  const entry *x = a, *y = b;
  return x->row < y->row ? -1 : x->row > y->row;
}

static void print(const char *tok, size_t len, const cursor *c, const entry *e, int pos) {
  const lf_fts_posting *p = &c[e->part].pl;
  fputs("{\"token\":", stdout);
  json_string(stdout, (const uint8_t *)tok, len);
  fputs(",\"row_id\":", stdout);
  json_uint(stdout, e->row);
  printf(",\"freq\":%u", p->freqs[e->i]);
  if (pos) {
    fputs(",\"positions\":[", stdout);
    for (uint32_t k = p->pos_start[e->i]; k < p->pos_start[e->i + 1]; k++)
      printf("%s%u", k > p->pos_start[e->i] ? "," : "", p->positions[k]);
    putchar(']');
  }
  puts("}");
}

/* Print the postings of the smallest current token (held by cursors
** c[i] with same[i]) and advance those cursors. */
static int dump_token(lf_fts *idx, cursor *c, int np, const int *same, entry **es, size_t *cap,
                      lf_error *err) {
  int pos = lf_fts_has_positions(idx), rc = LF_OK, first = -1;
  size_t n = 0;
  for (int p = 0; !rc && p < np; p++) {
    if (!same[p]) continue;
    if (first < 0) first = p;
    rc = lf_fts_posting_read(idx, p, c[p].id, LF_FTS_ROW_IDS | (pos ? LF_FTS_POSITIONS : 0),
                             &c[p].pl, err);
    if (!rc && n + c[p].pl.n > *cap) {
      size_t nc = (n + c[p].pl.n) * 2;
      entry *ne = realloc(*es, nc * sizeof *ne);
      if (!ne) return lf_err(err, LF_NOMEM, "out of memory");
      *es = ne, *cap = nc;
    }
    for (uint32_t i = 0; !rc && i < c[p].pl.n; i++) (*es)[n++] = (entry){c[p].pl.row_ids[i], p, i};
  }
  if (rc) return rc;
  qsort(*es, n, sizeof **es, by_row);
  for (size_t i = 0; i < n; i++) print(c[first].tok, c[first].len, c, &(*es)[i], pos);
  for (int p = 0; !rc && p < np; p++)
    if (same[p]) rc = lf_fts_tokens_next(c[p].it, &c[p].got, &c[p].tok, &c[p].len, &c[p].id, err);
  return rc;
}

static int cmp_tok(const cursor *a, const cursor *b) {
  size_t m = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->tok, b->tok, m);
  return r ? r : (a->len > b->len) - (a->len < b->len);
}

static int dump_all(lf_fts *idx, cursor *c, int np, lf_error *err) {
  int rc = LF_OK, *same = calloc((size_t)np + 1, sizeof *same);
  entry *es = NULL;
  size_t cap = 0;
  if (!same) return lf_err(err, LF_NOMEM, "out of memory");
  for (int p = 0; !rc && p < np; p++) {
    rc = lf_fts_tokens_open(idx, p, "", 0, &c[p].it, err);
    if (!rc) rc = lf_fts_tokens_next(c[p].it, &c[p].got, &c[p].tok, &c[p].len, &c[p].id, err);
  }
  while (!rc) {
    int min = -1;
    for (int p = 0; p < np; p++)
      if (c[p].got && (min < 0 || cmp_tok(&c[p], &c[min]) < 0)) min = p;
    if (min < 0) break;
    for (int p = 0; p < np; p++) same[p] = c[p].got && !cmp_tok(&c[p], &c[min]);
    rc = dump_token(idx, c, np, same, &es, &cap, err);
  }
  free(es);
  free(same);
  return rc;
}

int fts_dump(lf_store *store, const char *root, const char *which, lf_error *err) {
  char uuid[37];
  lf_fts *idx = NULL;
  int rc = resolve(store, root, which, uuid, err);
  if (!rc) rc = lf_fts_open(store, root, uuid, &idx, err);
  if (rc) return rc;
  int np = lf_fts_num_partitions(idx);
  cursor *c = calloc((size_t)np + 1, sizeof *c);
  rc = c ? dump_all(idx, c, np, err) : lf_err(err, LF_NOMEM, "out of memory");
  for (int p = 0; c && p < np; p++) {
    lf_fts_tokens_free(c[p].it);
    lf_fts_posting_reset(&c[p].pl);
  }
  free(c);
  lf_fts_free(idx);
  return rc;
}
