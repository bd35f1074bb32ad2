/*
** fts.c: owns an opened FTS index: its partitions and their three files,
** loaded lazily, and the decoding of one token's posting list.  Each file
** is a Lance file (lf_file_open); the layouts of their values are in fst.c,
** posting.c and fts_meta.c.
**
** part_<P>_tokens.lance, one row:
**   _token_fst_bytes: large_binary   the FST: token -> token id
**   _token_next_id: uint32           the token count
**   _token_total_length: uint64      the tokens' total bytes
** Token ids are dense, 0 .. count - 1, and are row numbers of the invert
** file.
**
** part_<P>_docs.lance, one row per document (doc id = row number):
**   _rowid: uint64                   the row id (the row address unless the
**                                    dataset has stable row ids)
**   _num_tokens: uint32              the document's token count
** Schema metadata total_tokens: the sum of _num_tokens (decimal).
**
** part_<P>_invert.lance, one row per token id:
**   _posting: list<large_binary>     the posting blocks, ceil(n / block
**                                    size) of them (posting.c)
**   _max_score: float                the list's max BM25 score at build time
**   _length: uint32                  n, the documents holding the token
**   _impacts: list<large_binary>     block-max skip data (not read here)
**   with positions (shared_stream_v2):
**   _compressed_position: large_binary   the position blocks, one per
**                                    posting block, back to back
**   _position_block_offset: list<uint32> where each position block starts
**                                    (it ends where the next starts, the
**                                    last at the end of the bytes)
*/
#include "fts_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_POSTING, C_MAX, C_LEN, C_POS, C_POS_OFF, NCOLS };
static const char *const COLS[NCOLS] = {"_posting", "_max_score", "_length",
                                        "_compressed_position", "_position_block_offset"};

typedef struct fts_part {
  uint64_t id;
  char *tokens_path, *docs_path, *invert_path;
  lf_fts_stats stats;
  lf_file *docs_file;
  /* token dictionary (first lookup) */
  uint8_t *fst_bytes;
  lf_fst fst;
  int fst_loaded;
  /* doc table (first use) */
  int docs_loaded, docs_sorted;
  uint64_t *rowids;
  uint32_t *ntok;
  struct row_doc *by_row;  /* (row id, doc id) by row id, when the row ids do not ascend */
  /* invert file (first posting list) */
  lf_file *inv;
  int col[NCOLS];          /* top-level field index, -1 if absent */
  lf_array arr[NCOLS];
} fts_part;

struct lf_fts {
  lf_store *store;
  char *dir;
  lf_fts_params params;
  lf_fts_layout layout;
  int nparts;
  fts_part *parts;
  uint32_t *deleted;
  size_t ndeleted;
  lf_fts_stats total;
};

static int nomem(lf_error *err) { return lf_err(err, LF_NOMEM, "out of memory"); }

static char *part_path(const char *dir, uint64_t id, const char *what) {
  char name[64];
  snprintf(name, sizeof name, "part_%llu_%s.lance", (unsigned long long)id, what);
  return lf_path_join(dir, name);
}

static int field_index(const lf_file *f, const char *name) {
  const lf_schema *s = lf_file_schema(f);
  for (int i = 0; i < s->n_fields; i++)
    if (!strcmp(s->fields[i]->name, name)) return i;
  return -1;
}

/* Field `name` of f, which must have type t. */
static int need_field(const lf_file *f, const char *name, lf_type t, int *idx, lf_error *err) {
  *idx = field_index(f, name);
  if (*idx < 0) return lf_err(err, LF_CORRUPT, "%s: no column %s", lf_file_path(f), name);
  if (lf_file_schema(f)->fields[*idx]->type != t)
    return lf_err(err, LF_CORRUPT, "%s: column %s is not %s", lf_file_path(f), name,
                  lf_type_name(t));
  return LF_OK;
}

static void part_free(fts_part *p) {
  free(p->tokens_path);
  free(p->docs_path);
  free(p->invert_path);
  lf_file_free(p->docs_file);
  free(p->fst_bytes);
  free(p->rowids);
  free(p->ntok);
  free(p->by_row);
  lf_file_free(p->inv);
  for (int c = 0; c < NCOLS; c++) lf_array_reset(&p->arr[c]);
}

void lf_fts_free(lf_fts *idx) {
  if (!idx) return;
  for (int i = 0; i < idx->nparts; i++) part_free(&idx->parts[i]);
  free(idx->parts);
  free(idx->deleted);
  free(idx->dir);
  lf_fts_params_reset(&idx->params);
  free(idx);
}

static const lf_kv *schema_meta(const lf_file *f, const char *key) {
  const lf_schema *s = lf_file_schema(f);
  for (int i = 0; i < s->n_meta; i++)
    if (!strcmp(s->meta[i].key, key)) return &s->meta[i];
  return NULL;
}

/* A decimal u64 schema metadata value. */
static int meta_u64(const lf_kv *v, uint64_t *out) {
  lf_json j = {v->val, v->val + v->len};
  return lf_json_uint(&j, out) || lf_json_end(&j) ? -1 : 0;
}

/* The one binary value (row 0, column 0) of metadata.lance: the deleted
** fragments bitmap. */
static int read_deleted(lf_fts *idx, lf_file *f, lf_error *err) {
  const lf_schema *s = lf_file_schema(f);
  if (lf_file_num_rows(f) == 0 || s->n_fields < 1 || s->fields[0]->type != LF_T_BINARY)
    return LF_OK;
  lf_array a;
  lf_array_init(&a, s->fields[0]);
  int rc = lf_file_read_range(f, 0, 0, 1, &a, err);
  if (!rc && !lf_array_is_null(&a, 0) && a.offsets[1] > a.offsets[0])
    rc = lf_roaring_parse(a.data + a.offsets[0], (size_t)(a.offsets[1] - a.offsets[0]),
                          (uint64_t)UINT32_MAX + 1, "FTS index deleted fragments", &idx->deleted,
                          &idx->ndeleted, err);
  lf_array_reset(&a);
  return rc;
}

static int read_metadata(lf_fts *idx, uint64_t **ids, size_t *nids, lf_error *err) {
  lf_file *f = NULL;
  char *path = lf_path_join(idx->dir, "metadata.lance");
  if (!path) return nomem(err);
  int rc = lf_file_open(idx->store, path, &f, err);
  free(path);
  if (rc) return rc;
  const lf_schema *s = lf_file_schema(f);
  rc = lf_fts_layout_from_meta(s->meta, s->n_meta, &idx->layout, err);
  const lf_kv *params = schema_meta(f, "params"), *parts = schema_meta(f, "partitions");
  if (!rc && (!params || !parts))
    rc = lf_err(err, LF_CORRUPT, "%s: no %s in the metadata", lf_file_path(f),
                params ? "partitions" : "params");
  if (!rc) rc = lf_fts_params_parse(params->val, params->len, &idx->params, err);
  if (!rc) rc = lf_fts_partitions_parse(parts->val, parts->len, ids, nids, err);
  if (!rc) rc = read_deleted(idx, f, err);
  if (rc) lf_err_prefix(err, rc, "%s", lf_file_path(f));
  lf_file_free(f);
  return rc;
}

static int load_docs(fts_part *p, lf_error *err);

/* Open partition p's docs file for its statistics. */
static int open_part(lf_fts *idx, fts_part *p, lf_error *err) {
  if (!(p->tokens_path = part_path(idx->dir, p->id, "tokens")) ||
      !(p->docs_path = part_path(idx->dir, p->id, "docs")) ||
      !(p->invert_path = part_path(idx->dir, p->id, "invert")))
    return nomem(err);
  int rc = lf_file_open(idx->store, p->docs_path, &p->docs_file, err);
  if (rc) return rc;
  p->stats.num_docs = lf_file_num_rows(p->docs_file);
  if (p->stats.num_docs > UINT32_MAX)
    return lf_err(err, LF_CORRUPT, "%s: more than 2^32 documents", p->docs_path);
  const lf_kv *tt = schema_meta(p->docs_file, "total_tokens");
  if (tt && meta_u64(tt, &p->stats.total_tokens))
    return lf_err(err, LF_CORRUPT, "%s: total_tokens '%.*s' is not a number", p->docs_path,
                  (int)(tt->len > 32 ? 32 : tt->len), (const char *)tt->val);
  if (!tt) { /* older indexes: sum the column */
    if ((rc = load_docs(p, err))) return rc;
    for (uint64_t i = 0; i < p->stats.num_docs; i++) p->stats.total_tokens += p->ntok[i];
  }
  return LF_OK;
}

int lf_fts_open(lf_store *store, const char *dataset_root, const char *uuid, lf_fts **out,
                lf_error *err) {
  *out = NULL;
  char rel[128];
  if (!uuid[0] || strlen(uuid) > 64 || strchr(uuid, '/') || uuid[0] == '.')
    return lf_err(err, LF_ARG, "'%s' is not an index uuid", uuid);
  snprintf(rel, sizeof rel, "_indices/%s", uuid);
  lf_fts *idx = calloc(1, sizeof *idx);
  if (!idx) return nomem(err);
  idx->store = store;
  uint64_t *ids = NULL;
  size_t nids = 0;
  int rc = (idx->dir = lf_path_join(dataset_root, rel)) ? LF_OK : nomem(err);
  if (!rc) rc = read_metadata(idx, &ids, &nids, err);
  if (!rc && nids > 1u << 20) rc = lf_err(err, LF_CORRUPT, "%s: %zu partitions", idx->dir, nids);
  if (!rc && !(idx->parts = calloc(nids + 1, sizeof *idx->parts))) rc = nomem(err);
  for (size_t i = 0; !rc && i < nids; i++) {
    fts_part *p = &idx->parts[idx->nparts++];
    p->id = ids[i];
    rc = open_part(idx, p, err);
    idx->total.num_docs += p->stats.num_docs;
    idx->total.total_tokens += p->stats.total_tokens;
  }
  free(ids);
  if (rc) {
    lf_fts_free(idx);
    return rc;
  }
  *out = idx;
  return LF_OK;
}

const lf_fts_params *lf_fts_get_params(const lf_fts *idx) { return &idx->params; }
int lf_fts_format_version(const lf_fts *idx) { return idx->layout.version; }
uint32_t lf_fts_block_size(const lf_fts *idx) { return idx->layout.post.block_size; }
int lf_fts_has_positions(const lf_fts *idx) { return idx->layout.positions != LF_POS_NONE; }
int lf_fts_num_partitions(const lf_fts *idx) { return idx->nparts; }
uint64_t lf_fts_partition_id(const lf_fts *idx, int part) { return idx->parts[part].id; }

const uint32_t *lf_fts_deleted_fragments(const lf_fts *idx, size_t *n) {
  *n = idx->ndeleted;
  return idx->deleted;
}

int lf_fts_stats_get(const lf_fts *idx, int part, lf_fts_stats *out) {
  if (part < -1 || part >= idx->nparts) return LF_ARG;
  *out = part < 0 ? idx->total : idx->parts[part].stats;
  return LF_OK;
}

static int check_part(const lf_fts *idx, int part, lf_error *err) {
  if (part < 0 || part >= idx->nparts)
    return lf_err(err, LF_ARG, "FTS index has no partition %d", part);
  return LF_OK;
}

/* ---- token dictionary ------------------------------------------------------- */

static int load_fst(lf_fts *idx, fts_part *p, lf_error *err) {
  if (p->fst_loaded) return LF_OK;
  lf_file *f = NULL;
  int rc = lf_file_open(idx->store, p->tokens_path, &f, err), col = -1;
  if (!rc) rc = need_field(f, "_token_fst_bytes", LF_T_LARGE_BINARY, &col, err);
  if (!rc && lf_file_num_rows(f) != 1)
    rc = lf_err(err, LF_CORRUPT, "%s: %llu rows, expected 1", p->tokens_path,
                (unsigned long long)lf_file_num_rows(f));
  lf_array a;
  lf_array_init(&a, rc ? NULL : lf_file_schema(f)->fields[col]);
  if (!rc) rc = lf_file_read_range(f, col, 0, 1, &a, err);
  if (!rc && lf_array_is_null(&a, 0)) rc = lf_err(err, LF_CORRUPT, "%s: null FST", p->tokens_path);
  size_t n = rc ? 0 : (size_t)(a.offsets[1] - a.offsets[0]);
  if (!rc && !(p->fst_bytes = malloc(n + 1))) rc = nomem(err);
  if (!rc) {
    if (n) memcpy(p->fst_bytes, a.data + a.offsets[0], n);
    if ((rc = lf_fst_init(&p->fst, p->fst_bytes, n, err))) lf_err_prefix(err, rc, "%s", p->tokens_path);
  }
  lf_array_reset(&a);
  lf_file_free(f);
  if (!rc) p->fst_loaded = 1;
  else free(p->fst_bytes), p->fst_bytes = NULL; /* a later call tries again */
  return rc;
}

int lf_fts_num_tokens(lf_fts *idx, int part, uint32_t *n, lf_error *err) {
  int rc = check_part(idx, part, err);
  if (!rc) rc = load_fst(idx, &idx->parts[part], err);
  if (!rc) {
    uint64_t k = idx->parts[part].fst.nkeys;
    if (k > UINT32_MAX) return lf_err(err, LF_CORRUPT, "token FST claims %llu keys", (unsigned long long)k);
    *n = (uint32_t)k;
  }
  return rc;
}

int lf_fts_token_lookup(lf_fts *idx, int part, const char *tok, size_t len, int *found,
                        uint32_t *token_id, lf_error *err) {
  uint64_t v = 0;
  *found = 0;
  int rc = check_part(idx, part, err);
  if (!rc) rc = load_fst(idx, &idx->parts[part], err);
  if (!rc) rc = lf_fst_get(&idx->parts[part].fst, (const uint8_t *)tok, len, found, &v, err);
  if (!rc && *found && v > UINT32_MAX) rc = lf_err(err, LF_CORRUPT, "token id %llu", (unsigned long long)v);
  if (!rc && *found) *token_id = (uint32_t)v;
  return rc;
}

int lf_fts_part_fst(lf_fts *idx, int part, const lf_fst **out, lf_error *err) {
  int rc = check_part(idx, part, err);
  if (!rc) rc = load_fst(idx, &idx->parts[part], err);
  *out = rc ? NULL : &idx->parts[part].fst;
  return rc;
}

struct lf_fts_tokens {
  lf_fst_iter *it;
};

int lf_fts_tokens_open(lf_fts *idx, int part, const char *prefix, size_t plen,
                       lf_fts_tokens **out, lf_error *err) {
  *out = NULL;
  int rc = check_part(idx, part, err);
  if (!rc) rc = load_fst(idx, &idx->parts[part], err);
  lf_fts_tokens *t = rc ? NULL : calloc(1, sizeof *t);
  if (!rc && !t) rc = nomem(err);
  if (!rc) rc = lf_fst_iter_new(&idx->parts[part].fst, (const uint8_t *)prefix, plen, &t->it, err);
  if (rc) {
    free(t);
    return rc;
  }
  *out = t;
  return LF_OK;
}

int lf_fts_tokens_next(lf_fts_tokens *t, int *got, const char **tok, size_t *len,
                       uint32_t *token_id, lf_error *err) {
  const uint8_t *k;
  uint64_t v = 0;
  int rc = lf_fst_iter_next(t->it, got, &k, len, &v, err);
  if (!rc && *got && v > UINT32_MAX) rc = lf_err(err, LF_CORRUPT, "token id %llu", (unsigned long long)v);
  if (!rc && *got) {
    *tok = (const char *)k;
    *token_id = (uint32_t)v;
  }
  return rc;
}

void lf_fts_tokens_free(lf_fts_tokens *t) {
  if (!t) return;
  lf_fst_iter_free(t->it);
  free(t);
}

/* ---- documents ----------------------------------------------------------------- */

static int load_docs(fts_part *p, lf_error *err) {
  if (p->docs_loaded) return LF_OK;
  lf_file *f = p->docs_file;
  uint64_t n = p->stats.num_docs;
  int crow = -1, ctok = -1, rc = need_field(f, "_rowid", LF_T_UINT64, &crow, err);
  if (!rc) rc = need_field(f, "_num_tokens", LF_T_UINT32, &ctok, err);
  if (!rc && (!(p->rowids = malloc(n * 8 + 8)) || !(p->ntok = malloc(n * 4 + 4)))) rc = nomem(err);
  lf_array a;
  lf_array_init(&a, NULL);
  for (int k = 0; !rc && k < 2; k++) {
    int c = k ? ctok : crow;
    lf_array_reset(&a);
    lf_array_init(&a, lf_file_schema(f)->fields[c]);
    if (n) rc = lf_file_read_range(f, c, 0, n, &a, err);
    if (!rc && a.null_count) rc = lf_err(err, LF_CORRUPT, "%s: null %s", p->docs_path, k ? "_num_tokens" : "_rowid");
    if (!rc && n) memcpy(k ? (void *)p->ntok : (void *)p->rowids, a.values, (size_t)n * (k ? 4 : 8));
  }
  lf_array_reset(&a);
  if (rc) { /* a later call tries again from scratch */
    free(p->rowids), free(p->ntok);
    p->rowids = NULL, p->ntok = NULL;
    return rc;
  }
  p->docs_sorted = 1;
  for (uint64_t i = 1; i < n; i++)
    if (p->rowids[i] <= p->rowids[i - 1]) p->docs_sorted = 0;
  p->docs_loaded = 1;
  return LF_OK;
}

int lf_fts_num_docs(lf_fts *idx, int part, uint32_t *n, lf_error *err) {
  int rc = check_part(idx, part, err);
  if (!rc) *n = (uint32_t)idx->parts[part].stats.num_docs;
  return rc;
}

int lf_fts_doc(lf_fts *idx, int part, uint32_t doc_id, uint64_t *row_id, uint32_t *num_tokens,
               lf_error *err) {
  int rc = check_part(idx, part, err);
  fts_part *p = rc ? NULL : &idx->parts[part];
  if (!rc) rc = load_docs(p, err);
  if (!rc && doc_id >= p->stats.num_docs)
    rc = lf_err(err, LF_ARG, "%s: no document %u", p->docs_path, doc_id);
  if (!rc) {
    *row_id = p->rowids[doc_id];
    *num_tokens = p->ntok[doc_id];
  }
  return rc;
}

typedef struct row_doc {
  uint64_t row;
  uint32_t doc;
} row_doc;

static int by_row(const void *a, const void *b) {
  uint64_t x = ((const row_doc *)a)->row, y = ((const row_doc *)b)->row;
  return x < y ? -1 : x > y;
}

/* Doc id of row_id in p: a binary search over the row ids, or over the
** by_row order built on first use when they are not ascending. */
static int find_row(fts_part *p, uint64_t row_id, int *found, uint32_t *doc, lf_error *err) {
  uint64_t n = p->stats.num_docs, lo = 0, hi = n;
  if (!p->docs_sorted && !p->by_row) {
    if (!(p->by_row = malloc(n * sizeof *p->by_row + 1))) return nomem(err);
    for (uint64_t i = 0; i < n; i++) p->by_row[i] = (row_doc){p->rowids[i], (uint32_t)i};
    qsort(p->by_row, (size_t)n, sizeof *p->by_row, by_row);
  }
  while (lo < hi) {
    uint64_t mid = (lo + hi) / 2;
    if ((p->docs_sorted ? p->rowids[mid] : p->by_row[mid].row) < row_id) lo = mid + 1;
    else hi = mid;
  }
  *found = lo < n && (p->docs_sorted ? p->rowids[lo] : p->by_row[lo].row) == row_id;
  if (*found) *doc = p->docs_sorted ? (uint32_t)lo : p->by_row[lo].doc;
  return LF_OK;
}

int lf_fts_doc_len(lf_fts *idx, uint64_t row_id, int *found, uint32_t *num_tokens,
                   lf_error *err) {
  *found = 0;
  for (int i = 0; i < idx->nparts && !*found; i++) {
    fts_part *p = &idx->parts[i];
    uint32_t d = 0;
    int rc = load_docs(p, err);
    if (!rc) rc = find_row(p, row_id, found, &d, err);
    if (rc) return rc;
    if (*found) *num_tokens = p->ntok[d];
  }
  return LF_OK;
}

/* ---- posting lists ---------------------------------------------------------------- */

static int open_invert(lf_fts *idx, fts_part *p, lf_error *err) {
  if (p->inv) return LF_OK;
  static const lf_type T[NCOLS] = {LF_T_LIST, LF_T_FLOAT32, LF_T_UINT32, LF_T_LARGE_BINARY,
                                   LF_T_LIST};
  int rc = lf_file_open(idx->store, p->invert_path, &p->inv, err);
  for (int c = 0; !rc && c < NCOLS; c++) {
    if (c >= C_POS && !idx->layout.positions) {
      p->col[c] = -1;
      continue;
    }
    if (!(rc = need_field(p->inv, COLS[c], T[c], &p->col[c], err)))
      lf_array_init(&p->arr[c], lf_file_schema(p->inv)->fields[p->col[c]]);
  }
  if (!rc && lf_file_num_rows(p->inv) != p->fst.nkeys)
    rc = lf_err(err, LF_CORRUPT, "%s: %llu rows for %llu tokens", p->invert_path,
                (unsigned long long)lf_file_num_rows(p->inv), (unsigned long long)p->fst.nkeys);
  if (rc) {
    lf_file_free(p->inv);
    p->inv = NULL;
    for (int c = 0; c < NCOLS; c++) lf_array_reset(&p->arr[c]);
  }
  return rc;
}

/* The binary values of list row 0 of arr (list<large_binary>): its item
** range [*first, *end) in the child. */
static int list_items(const lf_array *a, uint64_t *first, uint64_t *end) {
  if (lf_array_is_null(a, 0)) return -1;
  *first = a->offsets[0];
  *end = a->offsets[1];
  return 0;
}

static int grow_docs(lf_fts_posting *o, size_t n) {
  if (n <= o->cap_docs) return 0;
  size_t c = n + 64;
  uint32_t *d = realloc(o->doc_ids, c * 4), *f = d ? realloc(o->freqs, c * 4) : NULL;
  if (d) o->doc_ids = d;
  if (f) o->freqs = f;
  uint64_t *r = f ? realloc(o->row_ids, c * 8) : NULL;
  if (r) o->row_ids = r;
  uint32_t *t = r ? realloc(o->num_tokens, c * 4) : NULL;
  if (t) o->num_tokens = t;
  uint32_t *s = t ? realloc(o->pos_start, (c + 1) * 4) : NULL;
  if (s) o->pos_start = s;
  if (!s) return -1;
  o->cap_docs = c;
  return 0;
}

static int decode_blocks(const lf_fts *idx, fts_part *p, lf_fts_posting *o, lf_error *err) {
  const lf_array *a = &p->arr[C_POSTING], *b = &a->children[0];
  uint64_t first = 0, end = 0, bs = idx->layout.post.block_size;
  if (list_items(a, &first, &end) || end - first != (o->n + bs - 1) / bs)
    return lf_err(err, LF_CORRUPT, "%s: %llu posting blocks for %u documents", p->invert_path,
                  (unsigned long long)(end - first), o->n);
  for (uint64_t i = first; i < end; i++) {
    uint32_t at = (uint32_t)((i - first) * bs), cnt = o->n - at < bs ? o->n - at : (uint32_t)bs;
    float m;
    if (lf_array_is_null(b, i))
      return lf_err(err, LF_CORRUPT, "%s: null posting block", p->invert_path);
    size_t blen = (size_t)(b->offsets[i + 1] - b->offsets[i]);
    int rc = lf_posting_block(&idx->layout.post, blen ? b->data + b->offsets[i] : (const uint8_t *)"",
                              blen, cnt, o->doc_ids + at,
                              o->freqs + at, &m, err);
    if (!rc && at && o->doc_ids[at] <= o->doc_ids[at - 1])
      rc = lf_err(err, LF_CORRUPT, "FTS posting data: doc ids do not ascend across blocks");
    if (rc) return rc;
  }
  if (o->n && o->doc_ids[o->n - 1] >= p->stats.num_docs)
    return lf_err(err, LF_CORRUPT, "%s: doc id %u of %llu documents", p->invert_path,
                  o->doc_ids[o->n - 1], (unsigned long long)p->stats.num_docs);
  return LF_OK;
}

static int decode_positions(const lf_fts *idx, fts_part *p, lf_fts_posting *o, lf_error *err) {
  const lf_array *s = &p->arr[C_POS], *l = &p->arr[C_POS_OFF];
  uint64_t first = 0, end = 0, bs = idx->layout.post.block_size, total = 0;
  if (lf_array_is_null(s, 0) || list_items(l, &first, &end) || end - first != (o->n + bs - 1) / bs)
    return lf_err(err, LF_CORRUPT, "%s: position blocks do not match the posting blocks", p->invert_path);
  for (uint32_t i = 0; i < o->n; i++) total += o->freqs[i];
  if (total > UINT32_MAX) return lf_err(err, LF_CORRUPT, "%s: over 2^32 positions", p->invert_path);
  if (total > o->cap_pos || !o->positions) {
    uint32_t *np = realloc(o->positions, (size_t)total * 4 + 4);
    if (!np) return nomem(err);
    o->positions = np;
    o->cap_pos = (size_t)total;
  }
  static const uint8_t none[1];
  uint64_t blen = s->offsets[1] - s->offsets[0], at = 0;
  const uint8_t *bytes = blen ? s->data + s->offsets[0] : none;
  const uint8_t *off = l->children[0].values; /* u32 each */
  for (uint64_t i = first; i < end; i++) {
    uint64_t lo = lf_le32(off + 4 * i), hi = i + 1 < end ? lf_le32(off + 4 * (i + 1)) : blen;
    uint32_t d0 = (uint32_t)((i - first) * bs), cnt = o->n - d0 < bs ? o->n - d0 : (uint32_t)bs;
    if (lf_array_is_null(&l->children[0], i) || lo > hi || hi > blen)
      return lf_err(err, LF_CORRUPT, "%s: position block %llu out of range", p->invert_path,
                    (unsigned long long)(i - first));
    uint64_t bt = 0;
    for (uint32_t k = 0; k < cnt; k++) o->pos_start[d0 + k] = (uint32_t)(at + bt), bt += o->freqs[d0 + k];
    int rc = lf_position_block(idx->layout.positions, bytes + lo, (size_t)(hi - lo), o->freqs + d0,
                               cnt, o->positions + at, (size_t)(total - at), err);
    if (rc) return rc;
    at += bt;
  }
  o->pos_start[o->n] = (uint32_t)at;
  return LF_OK;
}

/* Row token_id of the invert file's column c.  A row of a small page (at
** most 1 MiB) is read as a one-row range: the file keeps the last decoded
** page of each column, so the next tokens on that page cost no reading or
** decoding (a walk over every token decodes each page once).  A row of a
** bigger page is taken: only the chunks or bytes of that row are read. */
#define SMALL_PAGE (1u << 20)
static int read_row(fts_part *p, int c, uint32_t token_id, lf_error *err) {
  uint64_t row = token_id;
  if (lf_file_page_bytes(p->inv, p->col[c], row) <= SMALL_PAGE)
    return lf_file_read_range(p->inv, p->col[c], row, row + 1, &p->arr[c], err);
  return lf_file_take(p->inv, p->col[c], &row, 1, &p->arr[c], err);
}

static int take_cols(fts_part *p, uint32_t token_id, int flags, lf_error *err) {
  int rc = LF_OK;
  for (int c = 0; !rc && c < NCOLS; c++)
    if (c < C_POS || (flags & LF_FTS_POSITIONS)) rc = read_row(p, c, token_id, err);
  if (!rc && (lf_array_is_null(&p->arr[C_LEN], 0) || lf_array_is_null(&p->arr[C_MAX], 0)))
    rc = lf_err(err, LF_CORRUPT, "%s: null _length or _max_score", p->invert_path);
  return rc;
}

int lf_fts_posting_read(lf_fts *idx, int part, uint32_t token_id, int flags,
                        lf_fts_posting *o, lf_error *err) {
  int rc = check_part(idx, part, err);
  fts_part *p = rc ? NULL : &idx->parts[part];
  if (!rc && (flags & LF_FTS_POSITIONS) && !idx->layout.positions)
    rc = lf_err(err, LF_ARG, "%s: the index was built without positions", idx->dir);
  if (!rc) rc = load_fst(idx, p, err);
  if (!rc) rc = open_invert(idx, p, err);
  if (!rc && token_id >= p->fst.nkeys)
    rc = lf_err(err, LF_ARG, "%s: no token id %u", p->invert_path, token_id);
  if (!rc) rc = take_cols(p, token_id, flags, err);
  if (rc) return rc;
  o->n = lf_le32(p->arr[C_LEN].values);
  memcpy(&o->max_score, p->arr[C_MAX].values, 4);
  if (o->n > p->stats.num_docs)
    return lf_err(err, LF_CORRUPT, "%s: token %u in %u of %llu documents", p->invert_path,
                  token_id, o->n, (unsigned long long)p->stats.num_docs);
  if (grow_docs(o, o->n)) return nomem(err);
  if ((rc = decode_blocks(idx, p, o, err))) return rc;
  if ((flags & LF_FTS_POSITIONS) && (rc = decode_positions(idx, p, o, err))) return rc;
  if (flags & LF_FTS_ROW_IDS) {
    if ((rc = load_docs(p, err))) return rc;
    for (uint32_t i = 0; i < o->n; i++) {
      o->row_ids[i] = p->rowids[o->doc_ids[i]];
      o->num_tokens[i] = p->ntok[o->doc_ids[i]];
    }
  }
  return LF_OK;
}

int lf_fts_posting_len(lf_fts *idx, int part, uint32_t token_id, uint32_t *n, lf_error *err) {
  int rc = check_part(idx, part, err);
  fts_part *p = rc ? NULL : &idx->parts[part];
  if (!rc) rc = load_fst(idx, p, err);
  if (!rc) rc = open_invert(idx, p, err);
  if (!rc && token_id >= p->fst.nkeys)
    rc = lf_err(err, LF_ARG, "%s: no token id %u", p->invert_path, token_id);
  if (!rc) rc = read_row(p, C_LEN, token_id, err);
  if (!rc && lf_array_is_null(&p->arr[C_LEN], 0))
    rc = lf_err(err, LF_CORRUPT, "%s: null _length", p->invert_path);
  if (!rc) *n = lf_le32(p->arr[C_LEN].values);
  return rc;
}

void lf_fts_posting_reset(lf_fts_posting *o) {
  free(o->doc_ids);
  free(o->freqs);
  free(o->row_ids);
  free(o->num_tokens);
  free(o->pos_start);
  free(o->positions);
  memset(o, 0, sizeof *o);
}
