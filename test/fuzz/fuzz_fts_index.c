/*
** fuzz_fts_index.c: libFuzzer target for a whole FTS index through the
** public API (format/index/fts.c, bm25.c): the input is four Lance files
** separated by the 8 bytes "\xff\xffFTS\xff\xff\xff": metadata.lance, then
** partition 0's tokens, docs and invert files (every partition id reads the
** same three).  Opened indexes are walked: every token, its posting list
** with row ids (and positions when built with them), a lookup of each
** token, document lengths, and a BM25 query of the first two tokens.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

static const uint8_t SEP[8] = {0xff, 0xff, 'F', 'T', 'S', 0xff, 0xff, 0xff};

typedef struct split_store {
  lf_store base;
  lf_store *part[4];
} split_store;

static lf_store *pick(lf_store *s, const char *path) {
  split_store *m = (split_store *)s;
  size_t n = strlen(path);
  const char *suffix[4] = {"metadata.lance", "_tokens.lance", "_docs.lance", "_invert.lance"};
  for (int i = 0; i < 4; i++) {
    size_t k = strlen(suffix[i]);
    if (n >= k && !strcmp(path + n - k, suffix[i])) return m->part[i];
  }
  return m->part[0];
}

static int s_size(lf_store *s, const char *path, uint64_t *out, lf_error *err) {
  lf_store *p = pick(s, path);
  return p->size(p, path, out, err);
}

static int s_read(lf_store *s, const char *path, uint64_t off, size_t len, void *dst,
                  lf_error *err) {
  lf_store *p = pick(s, path);
  return p->read(p, path, off, len, dst, err);
}

static int s_map(lf_store *s, const char *path, const uint8_t **ptr, uint64_t *len,
                 lf_error *err) {
  lf_store *p = pick(s, path);
  return p->map(p, path, ptr, len, err);
}

static void walk(lf_fts *idx) {
  lf_error err;
  lf_fts_tokens *it;
  lf_fts_posting pl = {0};
  char first[2][64];
  size_t flen[2] = {0, 0};
  int nfirst = 0, flags = LF_FTS_ROW_IDS | (lf_fts_has_positions(idx) ? LF_FTS_POSITIONS : 0);
  if (lf_fts_tokens_open(idx, 0, "", 0, &it, &err) != LF_OK) return;
  const char *tok;
  size_t len;
  uint32_t id, id2;
  int got, found;
  for (int n = 0; n < 1000 && lf_fts_tokens_next(it, &got, &tok, &len, &id, &err) == LF_OK && got; n++) {
    if (nfirst < 2 && len < 64) memcpy(first[nfirst], tok, len), flen[nfirst++] = len;
    if (lf_fts_token_lookup(idx, 0, tok, len, &found, &id2, &err) == LF_OK && (!found || id2 != id))
      abort(); /* what the walk yields, a lookup finds */
    if (lf_fts_posting_read(idx, 0, id, flags, &pl, &err) == LF_OK && pl.n) {
      uint32_t dl;
      lf_fts_doc_len(idx, pl.row_ids[0], &found, &dl, &err);
    }
  }
  lf_fts_tokens_free(it);
  lf_fts_posting_reset(&pl);
  const char *q[2] = {first[0], first[1]};
  lf_fts_query query = {.tokens = q, .lens = flen, .ntokens = nfirst, .k = 10};
  lf_fts_hit *hits = NULL;
  size_t nh;
  if (lf_fts_bm25(idx, &query, &hits, &nh, &err) == LF_OK) free(hits);
  query.op_and = 1; /* AND, then the phrase (positions read) */
  if (lf_fts_bm25(idx, &query, &hits, &nh, &err) == LF_OK) free(hits);
  query.phrase = lf_fts_has_positions(idx);
  query.slop = (uint32_t)(nfirst & 1);
  if (lf_fts_bm25(idx, &query, &hits, &nh, &err) == LF_OK) free(hits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *seg[4];
  size_t len[4];
  size_t at = 0;
  for (int i = 0; i < 4; i++) {
    const uint8_t *e = NULL;
    for (size_t k = at; k + 8 <= size && !e; k++)
      if (!memcmp(data + k, SEP, 8)) e = data + k;
    seg[i] = data + at;
    len[i] = (i == 3 || !e ? size : (size_t)(e - data)) - at;
    at = e && i < 3 ? (size_t)(e - data) + 8 : size;
  }
  split_store s = {0};
  lf_error err;
  int ok = 1;
  for (int i = 0; i < 4; i++) ok &= lf_store_mem_new(seg[i], len[i], &s.part[i], &err) == LF_OK;
  s.base.size = s_size;
  s.base.read = s_read;
  s.base.map = s_map;
  lf_fts *idx = NULL;
  if (ok && lf_fts_open(&s.base, "", "u", &idx, &err) == LF_OK) {
    walk(idx);
    lf_fts_free(idx);
  }
  for (int i = 0; i < 4; i++) lf_store_free(s.part[i]);
  return 0;
}
