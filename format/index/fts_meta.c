/*
** fts_meta.c: owns the metadata of an FTS index: the schema metadata of its
** metadata.lance (whose one column, deleted_fragments: binary, holds one
** portable Roaring bitmap of fragment ids; fts.c reads it).  Keys, all
** values UTF-8 text, as LanceDB 0.39 writes them:
**   params              the tokenizer parameters as a JSON object:
**                       {"lance_tokenizer":"text","base_tokenizer":"simple",
**                        "language":"English","with_position":false,
**                        "max_token_length":40,"lower_case":true,"stem":false,
**                        "remove_stop_words":false,"custom_stop_words":null,
**                        "ascii_folding":true,"min_ngram_length":3,
**                        "max_ngram_length":3,"prefix_only":false,
**                        "block_size":128,"split_identifiers":false,
**                        "split_on_numerics":false,"preserve_original":false,
**                        "index_operators":false}
**                       (max_token_length may be null: no limit;
**                       custom_stop_words null or an array of strings;
**                       unknown members are skipped)
**   partitions          the partition ids, a JSON array: [0]
**   format_version      "1", "2" or "3" (absent: 1)
**   token_set_format    "fst" (absent: "arrow", the token/token_id table of
**                       format version 0, not read here)
**   posting_block_size  "128" or "256" (absent: 128)
**   posting_tail_codec  "varint_delta_v1" or "fixed32_v1" (absent: fixed32)
**   positions_layout    "shared_stream_v2" when built with positions (absent:
**                       positions per document, the legacy layout)
**   positions_codec     "packed_delta_v1" (or "varint_doc_delta_v2")
*/
#include "fts_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void lf_fts_params_reset(lf_fts_params *p) {
  free(p->lance_tokenizer);
  free(p->base_tokenizer);
  free(p->language);
  for (size_t i = 0; i < p->n_custom_stop_words; i++) free(p->custom_stop_words[i]);
  free(p->custom_stop_words);
  memset(p, 0, sizeof *p);
}

enum { P_STR, P_BOOL, P_U32, P_U32_OR_NULL, P_STR_LIST };

typedef struct param_key {
  const char *name;
  int type;
  size_t off;      /* the member */
  size_t has_off;  /* its has_ flag (P_U32_OR_NULL, P_STR_LIST) */
} param_key;

#define PK(n, t) {#n, t, offsetof(lf_fts_params, n), 0}
static const param_key KEYS[] = {
    PK(lance_tokenizer, P_STR), PK(base_tokenizer, P_STR), PK(language, P_STR),
    PK(with_position, P_BOOL), PK(lower_case, P_BOOL), PK(stem, P_BOOL),
    PK(remove_stop_words, P_BOOL), PK(ascii_folding, P_BOOL), PK(prefix_only, P_BOOL),
    PK(split_identifiers, P_BOOL), PK(split_on_numerics, P_BOOL),
    PK(preserve_original, P_BOOL), PK(index_operators, P_BOOL),
    PK(min_ngram_length, P_U32), PK(max_ngram_length, P_U32), PK(block_size, P_U32),
    {"max_token_length", P_U32_OR_NULL, offsetof(lf_fts_params, max_token_length),
     offsetof(lf_fts_params, has_max_token_length)},
    {"custom_stop_words", P_STR_LIST, offsetof(lf_fts_params, custom_stop_words),
     offsetof(lf_fts_params, has_custom_stop_words)},
};

/* A JSON string value into a malloc'd C string (*out); -1 bad, -2 no memory. */
static int json_string(lf_json *j, char **out) {
  const uint8_t *s;
  size_t n;
  if (lf_json_str(j, &s, &n)) return -1;
  if (memchr(s, 0, n)) return -1;
  char *v;
  int r = lf_json_unescape(s, n, &v, &n);
  if (r) return r;
  if (strlen(v) != n) { /* \u0000 */
    free(v);
    return -1;
  }
  *out = v;
  return 0;
}

static int stop_word(void *ctx, lf_json *j) {
  lf_fts_params *p = ctx;
  char **a = realloc(p->custom_stop_words, (p->n_custom_stop_words + 1) * sizeof *a);
  if (!a) return -2;
  p->custom_stop_words = a;
  int r = json_string(j, &a[p->n_custom_stop_words]);
  if (!r) p->n_custom_stop_words++;
  return r;
}

static int param_value(lf_fts_params *p, lf_json *j, const param_key *k) {
  char *base = (char *)p;
  uint64_t u;
  int is_null = lf_json_peek(j) == 'n';
  if (is_null && k->type != P_BOOL && k->type != P_U32) {
    if (k->type == P_STR) {
      free(*(char **)(base + k->off));
      *(char **)(base + k->off) = NULL;
    }
    if (k->has_off) *(int *)(base + k->has_off) = 0;
    return lf_json_lit(j, "null");
  }
  switch (k->type) {
    case P_STR: {
      char **dst = (char **)(base + k->off);
      free(*dst);
      *dst = NULL;
      return json_string(j, dst);
    }
    case P_BOOL: return lf_json_bool(j, (int *)(base + k->off));
    case P_STR_LIST:
      *(int *)(base + k->has_off) = 1;
      return lf_json_array(j, stop_word, p);
    default:
      if (lf_json_uint(j, &u) || u > UINT32_MAX) return -1;
      *(uint32_t *)(base + k->off) = (uint32_t)u;
      if (k->has_off) *(int *)(base + k->has_off) = 1;
      return 0;
  }
}

static int param_member(void *ctx, lf_json *j, const uint8_t *key, size_t kl) {
  for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
    if (strlen(KEYS[i].name) == kl && !memcmp(KEYS[i].name, key, kl))
      return param_value(ctx, j, &KEYS[i]);
  return lf_json_skip(j, 1);
}

static char *dup0(const char *s) { return lf_strndup(s, strlen(s)); }

int lf_fts_params_parse(const uint8_t *json, size_t n, lf_fts_params *p, lf_error *err) {
  memset(p, 0, sizeof *p);
  p->base_tokenizer = dup0("simple");
  p->language = dup0("English");
  p->has_max_token_length = 1;
  p->max_token_length = 40;
  p->lower_case = p->stem = p->remove_stop_words = p->ascii_folding = 1;
  p->min_ngram_length = p->max_ngram_length = 3;
  p->block_size = 128;
  lf_json j = {json, json + n};
  int r = !p->base_tokenizer || !p->language ? -2 : lf_json_object(&j, param_member, p);
  if (!r) r = lf_json_end(&j);
  if (!r && (!p->base_tokenizer || !p->language)) r = -1; /* null where text is needed */
  if (!r) return LF_OK;
  lf_fts_params_reset(p);
  if (r == -2) return lf_err(err, LF_NOMEM, "out of memory");
  return lf_err(err, LF_CORRUPT, "FTS index params: bad JSON at byte %zu",
                (size_t)(j.p - json));
}

typedef struct ids_ctx {
  uint64_t *ids;
  size_t n;
} ids_ctx;

static int one_id(void *ctx, lf_json *j) {
  ids_ctx *c = ctx;
  uint64_t v;
  if (lf_json_uint(j, &v)) return -1;
  uint64_t *a = realloc(c->ids, (c->n + 1) * sizeof *a);
  if (!a) return -2;
  c->ids = a;
  a[c->n++] = v;
  return 0;
}

int lf_fts_partitions_parse(const uint8_t *json, size_t n, uint64_t **ids, size_t *nids,
                            lf_error *err) {
  lf_json j = {json, json + n};
  ids_ctx c = {0};
  int r = lf_json_array(&j, one_id, &c);
  if (!r) r = lf_json_end(&j);
  if (r) {
    free(c.ids);
    if (r == -2) return lf_err(err, LF_NOMEM, "out of memory");
    return lf_err(err, LF_CORRUPT, "FTS index partitions: bad JSON at byte %zu",
                  (size_t)(j.p - json));
  }
  *ids = c.ids;
  *nids = c.n;
  return LF_OK;
}

static const lf_kv *meta(const lf_kv *kv, int n, const char *key) {
  for (int i = 0; i < n; i++)
    if (!strcmp(kv[i].key, key)) return &kv[i];
  return NULL;
}

static int is(const lf_kv *v, const char *s) {
  return v && v->len == strlen(s) && !memcmp(v->val, s, v->len);
}

static int unsupported(lf_error *err, const char *key, const lf_kv *v) {
  return lf_err(err, LF_UNSUPPORTED, "FTS index %s '%.*s'", key, v ? (int)(v->len > 64 ? 64 : v->len) : 6,
                v ? (const char *)v->val : "absent");
}

int lf_fts_layout_from_meta(const lf_kv *kv, int n, lf_fts_layout *out, lf_error *err) {
  memset(out, 0, sizeof *out);
  const lf_kv *ver = meta(kv, n, "format_version"), *tok = meta(kv, n, "token_set_format"),
              *blk = meta(kv, n, "posting_block_size"), *tail = meta(kv, n, "posting_tail_codec"),
              *lay = meta(kv, n, "positions_layout"), *pc = meta(kv, n, "positions_codec");
  out->version = !ver ? 1 : is(ver, "1") ? 1 : is(ver, "2") ? 2 : is(ver, "3") ? 3 : 0;
  if (!out->version) return unsupported(err, "format_version", ver);
  if (!is(tok, "fst")) return unsupported(err, "token_set_format", tok);
  out->post.block_size = !blk || is(blk, "128") ? 128 : is(blk, "256") ? 256 : 0;
  if (!out->post.block_size) return unsupported(err, "posting_block_size", blk);
  if (is(tail, "varint_delta_v1")) out->post.varint_tail = 1;
  else if (tail && !is(tail, "fixed32_v1")) return unsupported(err, "posting_tail_codec", tail);
  if (lay || pc) {
    if (!is(lay, "shared_stream_v2")) return unsupported(err, "positions_layout", lay);
    out->positions = is(pc, "packed_delta_v1") ? LF_POS_PACKED
                     : is(pc, "varint_doc_delta_v2") ? LF_POS_VARINT : LF_POS_NONE;
    if (!out->positions) return unsupported(err, "positions_codec", pc);
  }
  return LF_OK;
}
