/*
** fts_write.c: owns writing the files of a full-text-search (INVERTED) index
** as LanceDB 0.39 writes them (layouts in fts_meta.c, fst.c, posting.c and
** docs/fts-index.md), from documents handed over one at a time:
**
**   part_<P>_tokens.lance  1 row: _token_fst_bytes large_binary (fst_write.c:
**                          token -> token id), _token_next_id uint32 (the
**                          token count), _token_total_length uint64 (their
**                          bytes)
**   part_<P>_docs.lance    one row per document: _rowid uint64, _num_tokens
**                          uint32; schema metadata total_tokens (decimal)
**   part_<P>_invert.lance  one row per token id: _posting list<large_binary>
**                          (posting blocks), _max_score float, _length uint32,
**                          _impacts list<large_binary> (one entry per block,
**                          then one per 32 blocks), with positions also
**                          _compressed_position large_binary (one position
**                          block per posting block, back to back) and
**                          _position_block_offset list<uint32> (where each
**                          starts); schema metadata: the format keys
**   metadata.lance         1 row: deleted_fragments binary (a Roaring bitmap);
**                          schema metadata: params (JSON), partitions (JSON),
**                          the format keys, token_set_format fst
** Every column is non-nullable, list items nullable, field ids in pre-order;
** files are Lance 2.2.  As LanceDB: token ids follow the order tokens first
** appear in; doc ids the order documents arrive in; a document without any
** token (null, empty, only stop words) is skipped; scores use the
** partition's own statistics in float32: idf(n) * (K1 + 1) times the
** block's best tf / (tf + K1 * (1 - B + B * len / avgdl)), exact lengths.
**
** Memory: the postings of the partition being built (doc id, frequency and
** positions of each (token, document), the token bytes, 12 bytes a
** document).  When they pass the caller's budget after a document, the
** partition is written out and the next one starts (LanceDB's own rule for
** its build workers, with its 2 GiB default budget): the index then has
** several partitions, each self-contained, which LanceDB and fts.c read.
*/
#include "fts_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K1 1.2f
#define B 0.75f
#define INVERT_BATCH 256

typedef struct plist {
  uint32_t *doc, *freq;
  uint32_t n, cap;
  uint32_t *pos;
  size_t npos, cappos;
} plist;

struct lf_fts_writer {
  lf_store *s;
  char *dir;                 /* <root>/_indices/<uuid> */
  lf_fts_wparams p;
  char base[32], lang[32];   /* p.tok's strings */
  lf_tok *tok;
  lf_posting_fmt fmt;
  /* the partition being built */
  uint32_t *slots;           /* hash of token ids + 1 (0 = empty) */
  size_t nslots;
  lf_buf tokbytes;
  uint64_t *tokoff;          /* ntok + 1 offsets into tokbytes */
  plist *lists;
  uint32_t ntok, captok;
  uint64_t *rowids;
  uint32_t *ntokens;
  uint32_t ndocs, capdocs;
  uint64_t total_tokens;
  size_t mem;
  /* the document being tokenized */
  uint32_t cur_tokens;
  int failed;                /* out of memory in the callback */
  /* the index */
  uint64_t next_part;
  uint64_t *parts;
  size_t nparts;
  lf_fts_file *files;        /* written, in order */
  size_t nfiles;
};

/* ---- growth ------------------------------------------------------------------ */

static int grow(lf_fts_writer *w, void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap * 2 : 4;
  while (c < need) c *= 2;
  void *q = realloc(*p, c * size);
  if (!q) return -1;
  w->mem += (c - *cap) * size;
  *p = q;
  *cap = c;
  return 0;
}

/* Room for one more entry in l's doc and freq arrays (one capacity). */
static int plist_grow(lf_fts_writer *w, plist *l) {
  if (l->n < l->cap) return 0;
  uint32_t c = l->cap ? l->cap * 2 : 2;
  uint32_t *d = realloc(l->doc, (size_t)c * 4);
  if (!d) return -1;
  l->doc = d;
  uint32_t *f = realloc(l->freq, (size_t)c * 4);
  if (!f) return -1;
  l->freq = f;
  w->mem += (size_t)(c - l->cap) * 8;
  l->cap = c;
  return 0;
}

static int docs_grow(lf_fts_writer *w) {
  if (w->ndocs < w->capdocs) return 0;
  uint32_t c = w->capdocs ? w->capdocs * 2 : 1024;
  uint64_t *r = realloc(w->rowids, (size_t)c * 8);
  if (!r) return -1;
  w->rowids = r;
  uint32_t *t = realloc(w->ntokens, (size_t)c * 4);
  if (!t) return -1;
  w->ntokens = t;
  w->mem += (size_t)(c - w->capdocs) * 12;
  w->capdocs = c;
  return 0;
}

/* ---- tokens ------------------------------------------------------------------ */

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
  return h;
}

static int rehash(lf_fts_writer *w) {
  size_t n = w->nslots ? w->nslots * 2 : 1024;
  uint32_t *sl = calloc(n, sizeof *sl);
  if (!sl) return -1;
  for (uint32_t id = 0; id < w->ntok; id++) {
    const char *t = (const char *)w->tokbytes.p + w->tokoff[id];
    size_t i = hash_bytes(t, w->tokoff[id + 1] - w->tokoff[id]) & (n - 1);
    while (sl[i]) i = (i + 1) & (n - 1);
    sl[i] = id + 1;
  }
  w->mem += (n - w->nslots) * sizeof *sl;
  free(w->slots);
  w->slots = sl;
  w->nslots = n;
  return 0;
}

/* The id of token t (added when new), or -1 when out of memory. */
static int64_t token_id(lf_fts_writer *w, const char *t, size_t len) {
  if ((w->ntok + 1) * 2 > w->nslots && rehash(w)) return -1;
  size_t i = hash_bytes(t, len) & (w->nslots - 1);
  for (; w->slots[i]; i = (i + 1) & (w->nslots - 1)) {
    uint32_t id = w->slots[i] - 1;
    if (w->tokoff[id + 1] - w->tokoff[id] == len &&
        !memcmp(w->tokbytes.p + w->tokoff[id], t, len))
      return id;
  }
  if (w->ntok == UINT32_MAX - 1) return -1;
  size_t cap = w->captok;
  if (grow(w, (void **)&w->lists, &cap, (size_t)w->ntok + 1, sizeof *w->lists)) return -1;
  if (cap != w->captok) {
    memset(w->lists + w->captok, 0, (cap - w->captok) * sizeof *w->lists);
    uint64_t *o = realloc(w->tokoff, (cap + 1) * sizeof *o);
    if (!o) return -1;
    w->mem += (cap - w->captok) * sizeof *o;
    w->tokoff = o;
    w->captok = (uint32_t)cap;
  }
  size_t before = w->tokbytes.len;
  lf_buf_put(&w->tokbytes, t, len);
  if (w->tokbytes.rc) return -1;
  w->mem += len;
  w->tokoff[w->ntok] = before;
  w->tokoff[w->ntok + 1] = w->tokbytes.len;
  w->slots[i] = w->ntok + 1;
  return w->ntok++;
}

/* ---- documents ------------------------------------------------------------------ */

static int on_token(void *ctx, const char *t, size_t len, uint32_t position) {
  lf_fts_writer *w = ctx;
  int64_t id = token_id(w, t, len);
  if (id < 0) return w->failed = LF_NOMEM;
  plist *l = &w->lists[id];
  uint32_t doc = w->ndocs;
  if (l->n && l->doc[l->n - 1] == doc) {
    l->freq[l->n - 1]++;
  } else {
    if (plist_grow(w, l)) return w->failed = LF_NOMEM;
    l->doc[l->n] = doc;
    l->freq[l->n++] = 1;
  }
  if (w->p.with_position) {
    if (grow(w, (void **)&l->pos, &l->cappos, l->npos + 1, 4)) return w->failed = LF_NOMEM;
    l->pos[l->npos++] = position;
  }
  w->cur_tokens++;
  return 0;
}

static int write_partition(lf_fts_writer *w, lf_error *err);

/* Start a document: a new partition first when doc ids would run out. */
static int doc_begin(lf_fts_writer *w, lf_error *err) {
  w->cur_tokens = 0;
  w->failed = 0;
  return w->ndocs == UINT32_MAX - 1 ? write_partition(w, err) : LF_OK;
}

/* End the document of row_id after its tokens (none: not a document). */
static int doc_end(lf_fts_writer *w, uint64_t row_id, lf_error *err) {
  if (w->failed) return lf_err(err, LF_NOMEM, "out of memory");
  if (!w->cur_tokens) return LF_OK;
  if (docs_grow(w)) return lf_err(err, LF_NOMEM, "out of memory");
  w->rowids[w->ndocs] = row_id;
  w->ntokens[w->ndocs++] = w->cur_tokens;
  w->total_tokens += w->cur_tokens;
  if (w->mem >= w->p.memory_limit) return write_partition(w, err);
  return LF_OK;
}

int lf_fts_writer_doc(lf_fts_writer *w, uint64_t row_id, const char *text, size_t len,
                      lf_error *err) {
  if (!text) return LF_OK; /* null: not a document */
  int rc = doc_begin(w, err);
  if (!rc) rc = lf_tok_run(w->tok, text, len, on_token, w, err);
  if (w->failed || !rc) return doc_end(w, row_id, err);
  return rc;
}

/* ---- token streams ---------------------------------------------------------------
** A document tokenized apart from the writer (fts_build.c does it in a worker
** thread): [u64 row id][u32 tokens] then per token [u32 length][u32 position]
** [bytes], little-endian; documents follow each other. */

typedef struct tok_sink {
  lf_buf *out;
  uint32_t n;
} tok_sink;

static int stream_token(void *ctx, const char *t, size_t len, uint32_t position) {
  tok_sink *k = ctx;
  lf_buf_u32le(k->out, (uint32_t)len);
  lf_buf_u32le(k->out, position);
  lf_buf_put(k->out, t, len);
  k->n++;
  return k->out->rc ? -1 : 0;
}

int lf_fts_stream_doc(lf_tok *tok, uint64_t row_id, const char *text, size_t len, lf_buf *out,
                      lf_error *err) {
  size_t at = out->len;
  lf_buf_u64le(out, row_id);
  lf_buf_u32le(out, 0);
  tok_sink k = {out, 0};
  int rc = out->rc ? LF_OK : lf_tok_run(tok, text, len, stream_token, &k, err);
  if (out->rc) return lf_err(err, LF_NOMEM, "out of memory");
  if (rc) return rc;
  for (int i = 0; i < 4; i++) out->p[at + 8 + i] = (uint8_t)(k.n >> (8 * i));
  return LF_OK;
}

int lf_fts_writer_stream(lf_fts_writer *w, const uint8_t *p, size_t n, lf_error *err) {
  const uint8_t *end = p + n;
  while (p < end) {
    if (end - p < 12) return lf_err(err, LF_CORRUPT, "FTS token stream: truncated document");
    uint64_t row = lf_le64(p);
    uint32_t nt = lf_le32(p + 8);
    p += 12;
    int rc = doc_begin(w, err);
    for (uint32_t i = 0; !rc && i < nt; i++) {
      if (end - p < 8 || lf_le32(p) > (size_t)(end - p) - 8)
        return lf_err(err, LF_CORRUPT, "FTS token stream: truncated token");
      uint32_t len = lf_le32(p);
      if (on_token(w, (const char *)p + 8, len, lf_le32(p + 4))) break;
      p += 8 + (size_t)len;
    }
    if (!rc) rc = doc_end(w, row, err);
    if (rc) return rc;
  }
  return LF_OK;
}

/* ---- files ----------------------------------------------------------------------- */

/* The format keys of metadata.lance and the invert files. */
static int format_meta(const lf_fts_writer *w, lf_schema *sc) {
  char v[16];
  snprintf(v, sizeof v, "%u", w->p.block_size == 256 ? 3u : 2u);
  int r = lf_schema_add_meta(sc, "format_version", v);
  snprintf(v, sizeof v, "%u", w->p.block_size);
  r |= lf_schema_add_meta(sc, "posting_block_size", v);
  r |= lf_schema_add_meta(sc, "posting_tail_codec", "varint_delta_v1");
  if (w->p.with_position) {
    r |= lf_schema_add_meta(sc, "positions_layout", "shared_stream_v2");
    r |= lf_schema_add_meta(sc, "positions_codec", "packed_delta_v1");
  }
  return r;
}

static int schema_new(const char *ddl, lf_schema *sc, lf_error *err) {
  int rc = lf_schema_from_ddl(ddl, sc, err);
  return rc ? lf_err_prefix(err, rc, "FTS index schema") : LF_OK;
}

/* Open <dir>/<name> for writing with schema sc. */
static int file_open(lf_fts_writer *w, const char *name, const lf_schema *sc, lf_writer **out,
                     lf_error *err) {
  char rel[64];
  snprintf(rel, sizeof rel, "%s", name);
  char *path = lf_path_join(w->dir, rel);
  if (!path) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = lf_writer_open_path(w->s, path, sc, 2, 2, out, err);
  free(path);
  return rc;
}

/* Finish a file and record it (name and size) for the index metadata. */
static int file_done(lf_fts_writer *w, lf_writer *fw, const char *name, lf_error *err) {
  lf_data_file df = {0};
  int rc = lf_writer_finish(fw, &df, err);
  uint64_t size = df.size_bytes;
  lf_data_file_reset(&df);
  if (rc) return rc;
  lf_fts_file *f = realloc(w->files, (w->nfiles + 1) * sizeof *f);
  if (!f) return lf_err(err, LF_NOMEM, "out of memory");
  w->files = f;
  if (!(f[w->nfiles].name = lf_strndup(name, strlen(name))))
    return lf_err(err, LF_NOMEM, "out of memory");
  f[w->nfiles++].size = size;
  return LF_OK;
}

/* Append one binary item to a (large) binary array. */
static int bin_push(lf_array *a, const uint8_t *d, size_t n) {
  if (lf_array_alloc_offsets(a, a->length + 1) || lf_array_alloc_data(a, a->data_len + n))
    return LF_NOMEM;
  if (!a->length) a->offsets[0] = 0;
  if (n) memcpy(a->data + a->data_len, d, n);
  a->data_len += n;
  a->offsets[++a->length] = a->data_len;
  return LF_OK;
}

/* Close list row i of a list array (its items pushed to children[0]). */
static int list_end(lf_array *a) {
  if (lf_array_alloc_offsets(a, a->length + 1)) return LF_NOMEM;
  if (!a->length) a->offsets[0] = 0;
  a->offsets[++a->length] = a->children[0].length;
  return LF_OK;
}

static int fixed_push(lf_array *a, const void *v, size_t width) {
  if (lf_array_alloc_values(a, (a->length + 1) * width)) return LF_NOMEM;
  memcpy(a->values + a->length * width, v, width);
  a->length++;
  return LF_OK;
}

/* ---- part_<P>_tokens.lance ------------------------------------------------------- */

static const lf_fts_writer *sort_w;
static int by_token(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  const uint64_t *o = sort_w->tokoff;
  size_t lx = o[x + 1] - o[x], ly = o[y + 1] - o[y];
  int c = memcmp(sort_w->tokbytes.p + o[x], sort_w->tokbytes.p + o[y], lx < ly ? lx : ly);
  return c ? c : (lx > ly) - (lx < ly);
}

static int build_fst(const lf_fts_writer *w, lf_buf *out, lf_error *err) {
  uint32_t *ids = malloc(((size_t)w->ntok + 1) * sizeof *ids);
  if (!ids) return lf_err(err, LF_NOMEM, "out of memory");
  for (uint32_t i = 0; i < w->ntok; i++) ids[i] = i;
  sort_w = w; /* qsort has no context argument in C11 */
  qsort(ids, w->ntok, sizeof *ids, by_token);
  lf_fst_builder *fb;
  int rc = lf_fst_builder_new(out, &fb, err);
  for (uint32_t i = 0; !rc && i < w->ntok; i++) {
    const uint64_t *o = w->tokoff;
    rc = lf_fst_builder_insert(fb, w->tokbytes.p + o[ids[i]], o[ids[i] + 1] - o[ids[i]], ids[i],
                               err);
  }
  if (!rc) rc = lf_fst_builder_finish(fb, err);
  lf_fst_builder_free(fb);
  free(ids);
  return rc;
}

static int write_tokens(lf_fts_writer *w, const char *name, lf_error *err) {
  lf_schema sc = {0};
  lf_array cols[3];
  lf_buf fst = {0};
  lf_writer *fw = NULL;
  int rc = schema_new("_token_fst_bytes LARGE_BLOB NOT NULL, _token_next_id UINT32 NOT NULL, "
                      "_token_total_length UINT64 NOT NULL", &sc, err);
  if (rc) return rc;
  for (int i = 0; i < 3; i++) lf_array_init(&cols[i], sc.fields[i]);
  uint32_t next = w->ntok;
  uint64_t total = w->tokbytes.len;
  if (!(rc = build_fst(w, &fst, err)) &&
      (bin_push(&cols[0], fst.p, fst.len) || fixed_push(&cols[1], &next, 4) ||
       fixed_push(&cols[2], &total, 8)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = file_open(w, name, &sc, &fw, err);
  if (!rc && (rc = lf_writer_write(fw, cols, 1, err))) lf_writer_abort(fw);
  if (!rc) rc = file_done(w, fw, name, err);
  for (int i = 0; i < 3; i++) lf_array_reset(&cols[i]);
  lf_buf_reset(&fst);
  lf_schema_reset(&sc);
  return rc;
}

/* ---- part_<P>_docs.lance --------------------------------------------------------- */

static int write_docs(lf_fts_writer *w, const char *name, lf_error *err) {
  lf_schema sc = {0};
  lf_array cols[2];
  lf_writer *fw = NULL;
  char total[24];
  int rc = schema_new("_rowid UINT64 NOT NULL, _num_tokens UINT32 NOT NULL", &sc, err);
  if (rc) return rc;
  snprintf(total, sizeof total, "%" PRIu64, w->total_tokens);
  if (lf_schema_add_meta(&sc, "total_tokens", total)) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < 2; i++) lf_array_init(&cols[i], sc.fields[i]);
  if (!rc) rc = file_open(w, name, &sc, &fw, err);
  /* the arrays borrow the partition's arrays, a batch at a time */
  for (uint32_t at = 0; !rc && at < w->ndocs; at += 65536) {
    uint32_t n = w->ndocs - at < 65536 ? w->ndocs - at : 65536;
    cols[0].values = (uint8_t *)(w->rowids + at);
    cols[1].values = (uint8_t *)(w->ntokens + at);
    cols[0].length = cols[1].length = n;
    rc = lf_writer_write(fw, cols, n, err);
  }
  cols[0].values = cols[1].values = NULL;
  if (fw && rc) lf_writer_abort(fw);
  else if (!rc) rc = file_done(w, fw, name, err);
  for (int i = 0; i < 2; i++) lf_array_reset(&cols[i]);
  lf_schema_reset(&sc);
  return rc;
}

/* ---- part_<P>_invert.lance -------------------------------------------------------- */

typedef struct inv_ctx {
  lf_fts_writer *w;
  lf_array *cols;
  float avgdl;
  lf_buf blk;                /* one encoded block or entry */
  lf_buf pos;                /* the token's position blocks */
  lf_buf lvl1;               /* the token's level-1 impact entries, back to back */
  uint64_t *lvl1_end;        /* where each ends in lvl1 */
  size_t nlvl1, caplvl1;
  uint32_t *lens;            /* document lengths of the current group of blocks */
  size_t caplens;
} inv_ctx;

/* Block score: idf_scale times the best tf / (tf + K1 * (1 - B + B * len / avgdl)). */
static float block_score(const inv_ctx *c, const uint32_t *docs, const uint32_t *freqs,
                         uint32_t n, float idf_scale) {
  float best = -3.40282347e+38f;
  for (uint32_t i = 0; i < n; i++) {
    float dn = K1 * (1.0f - B + B * (float)c->w->ntokens[docs[i]] / c->avgdl);
    float f = (float)freqs[i], x = f / (f + dn);
    if (x > best) best = x;
  }
  return best * idf_scale;
}

static int flush_lvl1(inv_ctx *c, const uint32_t *freqs, size_t n, uint32_t doc_up_to) {
  if (c->nlvl1 == c->caplvl1) {
    size_t cap = c->caplvl1 ? c->caplvl1 * 2 : 8;
    uint64_t *e = realloc(c->lvl1_end, cap * sizeof *e);
    if (!e) return LF_NOMEM;
    c->lvl1_end = e, c->caplvl1 = cap;
  }
  int rc = lf_impact_entry_encode(freqs, c->lens, n, doc_up_to, &c->lvl1);
  c->lvl1_end[c->nlvl1++] = c->lvl1.len;
  return rc;
}

/* The row of token id t. */
static int invert_row(inv_ctx *c, uint32_t t) {
  lf_fts_writer *w = c->w;
  const plist *l = &w->lists[t];
  lf_array *cols = c->cols;
  uint32_t bs = w->p.block_size, grp = 32 * bs;
  float idf_scale = lf_bm25_idf(l->n, w->ndocs) * (K1 + 1.0f), max_score = -3.40282347e+38f;
  size_t pos_at = 0;
  int rc = LF_OK;
  lf_buf_clear(&c->pos);
  lf_buf_clear(&c->lvl1);
  c->nlvl1 = 0;
  if (c->caplens < (size_t)grp) {
    uint32_t *p = realloc(c->lens, (size_t)grp * sizeof *p);
    if (!p) return LF_NOMEM;
    c->lens = p, c->caplens = grp;
  }
  for (uint32_t at = 0; !rc && at < l->n; at += bs) {
    uint32_t n = l->n - at < bs ? l->n - at : bs;
    const uint32_t *d = l->doc + at, *f = l->freq + at;
    float sc = block_score(c, d, f, n, idf_scale);
    if (sc > max_score) max_score = sc;
    lf_buf_clear(&c->blk);
    lf_posting_block_encode(&w->fmt, d, f, n, sc, &c->blk);
    rc = c->blk.rc ? LF_NOMEM : bin_push(&cols[0].children[0], c->blk.p, c->blk.len);
    uint32_t in_grp = at % grp;
    for (uint32_t i = 0; i < n; i++) c->lens[in_grp + i] = w->ntokens[d[i]];
    lf_buf_clear(&c->blk);
    if (!rc) rc = lf_impact_entry_encode(f, c->lens + in_grp, n, d[n - 1], &c->blk);
    if (!rc) rc = bin_push(&cols[3].children[0], c->blk.p, c->blk.len);
    if (!rc && (in_grp + n == grp || at + n == l->n))
      rc = flush_lvl1(c, l->freq + (at - in_grp), in_grp + n, d[n - 1]);
    if (!rc && w->p.with_position) {
      uint32_t off = (uint32_t)c->pos.len;
      rc = fixed_push(&cols[5].children[0], &off, 4);
      size_t before = c->pos.len;
      lf_position_block_encode(l->pos + pos_at, f, n, &c->pos);
      for (uint32_t i = 0; i < n; i++) pos_at += f[i];
      if (c->pos.rc || c->pos.len - before > UINT32_MAX) rc = LF_NOMEM;
    }
  }
  for (size_t i = 0; !rc && i < c->nlvl1; i++) {
    size_t from = i ? c->lvl1_end[i - 1] : 0;
    rc = bin_push(&cols[3].children[0], c->lvl1.p + from, c->lvl1_end[i] - from);
  }
  if (!rc) rc = list_end(&cols[0]) || list_end(&cols[3]) ? LF_NOMEM : LF_OK;
  if (!rc) rc = fixed_push(&cols[1], &max_score, 4) || fixed_push(&cols[2], &l->n, 4) ? LF_NOMEM : LF_OK;
  if (!rc && w->p.with_position)
    rc = bin_push(&cols[4], c->pos.p, c->pos.len) || list_end(&cols[5]) ? LF_NOMEM : LF_OK;
  return rc;
}

/* A phrase query takes single rows of _compressed_position; a dictionary-
** encoded page would make each take decode the page's whole dictionary (LanceDB
** writes the column plain), so the column asks the writer for no dictionary:
** one only if it made the page a million times smaller. */
static int no_dictionary(lf_field *f) {
  return lf_field_add_meta(f, "lance-encoding:dict-size-ratio", "0.000001");
}

static int write_invert(lf_fts_writer *w, const char *name, lf_error *err) {
  lf_schema sc = {0};
  lf_array cols[6];
  lf_writer *fw = NULL;
  inv_ctx c = {w, cols, lf_bm25_avgdl(w->total_tokens, w->ndocs), {0}, {0}, {0}, NULL, 0, 0,
               NULL, 0};
  int nc = w->p.with_position ? 6 : 4;
  int rc = schema_new(w->p.with_position
                          ? "_posting LARGE_BLOB[] NOT NULL, _max_score FLOAT32 NOT NULL, "
                            "_length UINT32 NOT NULL, _impacts LARGE_BLOB[] NOT NULL, "
                            "_compressed_position LARGE_BLOB NOT NULL, "
                            "_position_block_offset UINT32[] NOT NULL"
                          : "_posting LARGE_BLOB[] NOT NULL, _max_score FLOAT32 NOT NULL, "
                            "_length UINT32 NOT NULL, _impacts LARGE_BLOB[] NOT NULL",
                      &sc, err);
  if (rc) return rc;
  if (format_meta(w, &sc) || (w->p.with_position && no_dictionary(sc.fields[4])))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < nc; i++) lf_array_init(&cols[i], sc.fields[i]);
  if (!rc) rc = file_open(w, name, &sc, &fw, err);
  for (uint32_t t = 0; !rc && t < w->ntok; t++) {
    if ((rc = invert_row(&c, t))) rc = lf_err(err, rc, "out of memory");
    if (!rc && (cols[0].length == INVERT_BATCH || t + 1 == w->ntok)) {
      for (int i = 0; i < nc; i++) lf_array_finish(&cols[i]);
      rc = lf_writer_write(fw, cols, cols[0].length, err);
      for (int i = 0; i < nc; i++) lf_array_clear(&cols[i]);
    }
  }
  if (fw && rc) lf_writer_abort(fw);
  else if (!rc) rc = file_done(w, fw, name, err);
  for (int i = 0; i < nc; i++) lf_array_reset(&cols[i]);
  lf_buf_reset(&c.blk);
  lf_buf_reset(&c.pos);
  lf_buf_reset(&c.lvl1);
  free(c.lvl1_end);
  free(c.lens);
  lf_schema_reset(&sc);
  return rc;
}

/* ---- partitions -------------------------------------------------------------------- */

static void part_reset(lf_fts_writer *w) {
  for (uint32_t i = 0; i < w->ntok; i++) {
    free(w->lists[i].doc);
    free(w->lists[i].freq);
    free(w->lists[i].pos);
  }
  free(w->lists);
  free(w->tokoff);
  free(w->slots);
  free(w->rowids);
  free(w->ntokens);
  lf_buf_reset(&w->tokbytes);
  w->lists = NULL, w->tokoff = NULL, w->slots = NULL, w->rowids = NULL, w->ntokens = NULL;
  w->ntok = w->captok = w->ndocs = w->capdocs = 0;
  w->nslots = 0;
  w->total_tokens = 0;
  w->mem = 0;
}

static int add_part(lf_fts_writer *w, uint64_t id, lf_error *err) {
  uint64_t *p = realloc(w->parts, (w->nparts + 1) * sizeof *p);
  if (!p) return lf_err(err, LF_NOMEM, "out of memory");
  w->parts = p;
  p[w->nparts++] = id;
  if (id >= w->next_part) w->next_part = id + 1;
  return LF_OK;
}

static int write_partition(lf_fts_writer *w, lf_error *err) {
  if (!w->ndocs) return LF_OK;
  char names[3][64];
  uint64_t id = w->next_part;
  snprintf(names[0], sizeof names[0], "part_%" PRIu64 "_invert.lance", id);
  snprintf(names[1], sizeof names[1], "part_%" PRIu64 "_tokens.lance", id);
  snprintf(names[2], sizeof names[2], "part_%" PRIu64 "_docs.lance", id);
  int rc = write_invert(w, names[0], err);
  if (!rc) rc = write_tokens(w, names[1], err);
  if (!rc) rc = write_docs(w, names[2], err);
  if (!rc) rc = add_part(w, id, err);
  if (!rc) part_reset(w);
  return rc;
}

int lf_fts_writer_copy_part(lf_fts_writer *w, const char *src_dir, uint64_t id, lf_error *err) {
  static const char *const kinds[] = {"invert", "tokens", "docs"};
  int rc = LF_OK;
  for (int k = 0; !rc && k < 3; k++) {
    char name[64];
    snprintf(name, sizeof name, "part_%" PRIu64 "_%s.lance", id, kinds[k]);
    char *from = lf_path_join(src_dir, name), *to = lf_path_join(w->dir, name);
    uint8_t *d = NULL;
    size_t n = 0;
    if (!from || !to) rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc) rc = lf_read_whole(w->s, from, UINT64_MAX, &d, &n, err);
    if (!rc) rc = w->s->put(w->s, to, d, n, 1, err);
    if (!rc) {
      lf_fts_file *f = realloc(w->files, (w->nfiles + 1) * sizeof *f);
      if (!f || !(f[w->nfiles].name = lf_strndup(name, strlen(name))))
        rc = lf_err(err, LF_NOMEM, "out of memory");
      if (f) w->files = f;
      if (!rc) f[w->nfiles++].size = n;
    }
    free(d);
    free(from);
    free(to);
  }
  return rc ? rc : add_part(w, id, err);
}

/* ---- metadata.lance ------------------------------------------------------------------ */

static int params_json(const lf_fts_writer *w, lf_buf *b) {
  const lf_tok_params *t = &w->p.tok;
  char mtl[24];
  if (t->max_token_length == LF_TOK_NO_LIMIT) snprintf(mtl, sizeof mtl, "null");
  else snprintf(mtl, sizeof mtl, "%lld", t->max_token_length);
#define TF(x) ((x) ? "true" : "false")
  char tmp[1024];
  int n = snprintf(tmp, sizeof tmp,
                   "{\"lance_tokenizer\":\"text\",\"base_tokenizer\":\"%s\",\"language\":\"%s\","
                   "\"with_position\":%s,\"max_token_length\":%s,\"lower_case\":%s,\"stem\":%s,"
                   "\"remove_stop_words\":%s,\"custom_stop_words\":null,\"ascii_folding\":%s,"
                   "\"min_ngram_length\":%u,\"max_ngram_length\":%u,\"prefix_only\":%s,"
                   "\"block_size\":%u,\"split_identifiers\":false,\"split_on_numerics\":false,"
                   "\"preserve_original\":false,\"index_operators\":false}",
                   t->base_tokenizer, t->language, TF(w->p.with_position), mtl, TF(t->lower_case),
                   TF(t->stem), TF(t->remove_stop_words), TF(t->ascii_folding),
                   t->min_ngram_length, t->max_ngram_length, TF(t->prefix_only), w->p.block_size);
#undef TF
  if (n < 0 || (size_t)n >= sizeof tmp) return LF_ARG;
  lf_buf_put(b, tmp, (size_t)n);
  lf_buf_u8(b, 0);
  return b->rc;
}

static int write_metadata(lf_fts_writer *w, const uint32_t *deleted, size_t ndel, lf_error *err) {
  lf_schema sc = {0};
  lf_array col;
  lf_writer *fw = NULL;
  lf_buf params = {0}, parts = {0}, bm = {0};
  int rc = schema_new("deleted_fragments BLOB NOT NULL", &sc, err);
  if (rc) return rc;
  for (size_t i = 1; i < w->nparts; i++) /* ascending, as LanceDB lists them */
    for (size_t j = i; j > 0 && w->parts[j - 1] > w->parts[j]; j--) {
      uint64_t t = w->parts[j];
      w->parts[j] = w->parts[j - 1];
      w->parts[j - 1] = t;
    }
  lf_buf_u8(&parts, '[');
  for (size_t i = 0; i < w->nparts; i++) {
    char v[24];
    int k = snprintf(v, sizeof v, "%s%" PRIu64, i ? "," : "", w->parts[i]);
    lf_buf_put(&parts, v, (size_t)k);
  }
  lf_buf_put(&parts, "]", 2);
  if (params_json(w, &params) || parts.rc || lf_roaring_encode(deleted, ndel, &bm) ||
      lf_schema_add_meta(&sc, "partitions", (const char *)parts.p) ||
      lf_schema_add_meta(&sc, "params", (const char *)params.p) ||
      lf_schema_add_meta(&sc, "token_set_format", "fst") || format_meta(w, &sc))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  lf_array_init(&col, sc.fields[0]);
  if (!rc && bin_push(&col, bm.p, bm.len)) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = file_open(w, "metadata.lance", &sc, &fw, err);
  if (!rc && (rc = lf_writer_write(fw, &col, 1, err))) lf_writer_abort(fw);
  if (!rc) rc = file_done(w, fw, "metadata.lance", err);
  lf_array_reset(&col);
  lf_buf_reset(&params);
  lf_buf_reset(&parts);
  lf_buf_reset(&bm);
  lf_schema_reset(&sc);
  return rc;
}

/* ---- the writer ------------------------------------------------------------------------ */

int lf_fts_writer_new(lf_store *s, const char *dir, const lf_fts_wparams *p, lf_fts_writer **out,
                      lf_error *err) {
  *out = NULL;
  if (p->block_size != 128 && p->block_size != 256)
    return lf_err(err, LF_ARG, "FTS index block size %u (128 or 256)", p->block_size);
  lf_fts_writer *w = calloc(1, sizeof *w);
  if (!w || !(w->dir = lf_strndup(dir, strlen(dir)))) {
    free(w);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  w->s = s;
  w->p = *p;
  snprintf(w->base, sizeof w->base, "%s", p->tok.base_tokenizer ? p->tok.base_tokenizer : "simple");
  snprintf(w->lang, sizeof w->lang, "%s", p->tok.language ? p->tok.language : "English");
  w->p.tok.base_tokenizer = w->base;
  w->p.tok.language = w->lang;
  w->p.tok.custom_stop_words = NULL; /* not written by this writer */
  w->p.tok.n_custom_stop_words = 0;
  if (!w->p.memory_limit) w->p.memory_limit = LF_FTS_DEFAULT_MEMORY;
  w->fmt.block_size = p->block_size;
  w->fmt.varint_tail = 1;
  int rc = lf_tok_new(&w->p.tok, &w->tok, err);
  if (rc) {
    lf_fts_writer_free(w);
    return rc;
  }
  *out = w;
  return LF_OK;
}

int lf_fts_writer_finish(lf_fts_writer *w, const uint32_t *deleted, size_t ndel, lf_error *err) {
  int rc = write_partition(w, err);
  return rc ? rc : write_metadata(w, deleted, ndel, err);
}

const lf_fts_file *lf_fts_writer_files(const lf_fts_writer *w, size_t *n) {
  *n = w->nfiles;
  return w->files;
}

void lf_fts_writer_abort(lf_fts_writer *w) {
  lf_error e2 = {0};
  for (size_t i = 0; i < w->nfiles; i++) {
    char *p = lf_path_join(w->dir, w->files[i].name);
    if (p) w->s->remove(w->s, p, &e2);
    free(p);
  }
  w->s->remove(w->s, w->dir, &e2); /* the directory, when the store has one */
}

void lf_fts_writer_free(lf_fts_writer *w) {
  if (!w) return;
  part_reset(w);
  lf_tok_free(w->tok);
  for (size_t i = 0; i < w->nfiles; i++) free(w->files[i].name);
  free(w->files);
  free(w->parts);
  free(w->dir);
  free(w);
}
