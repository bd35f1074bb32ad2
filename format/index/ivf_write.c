/*
** ivf_write.c: owns writing an IVF vector index (IVF_FLAT, IVF_PQ, IVF_SQ) as
** LanceDB 0.39 writes it, and its manifest entry.  The layouts read back by
** vindex.c (which documents them field by field); what this writer puts
** where, as LanceDB does:
**
** index.idx      Lance 2.2 file, no rows, one column `__flat_marker` uint64
**                not null; global buffer 1 = IVF {2 offsets (packed zeros),
**                3 lengths (packed zeros), 4 centroids_tensor {1 FLOAT32 (2),
**                2 shape [nparts, dim], 3 data}, 5 loss (double)}; schema
**                metadata "lance:index" {"type":"IVF_PQ","distance_type":"l2"},
**                "lance:ivf" "1", "lance:flat" [""] x nparts.
** auxiliary.idx  Lance 2.2 file: global buffer 1 = IVF {2 offsets, 3 lengths}
**                (first row and row count of each partition in this file);
**                PQ: global buffer 2 = the codebook Tensor {1 FLOAT32, 2 shape
**                [2^bits, dim], 3 data [m][2^bits][dim/m]}; rows in partition
**                order: `_rowid` uint64 (nullable) then FLAT `flat`
**                fsl<f32>[dim] not null, PQ `__pq_code` fsl<u8>[m] (nullable,
**                each partition's n x m bytes stored transposed: byte j of
**                row i at j * n + i), SQ `__sq_code` fsl<u8>[dim] (nullable);
**                schema metadata "distance_type", "lance:ivf" "1",
**                "storage_metadata" [JSON object as a string]: FLAT {"dim"},
**                PQ {"codebook_position":2,"nbits","num_sub_vectors",
**                "dimension","codebook_tensor":[],"transposed":true}, SQ
**                {"dim","num_bits":8,"bounds":{"start","end"}}.
** VectorIndexDetails (the manifest's index_details): 1 metric_type (l2 0,
**                cosine 1, dot 2; 0 left out), 4 pq {1 num_bits, 2
**                num_sub_vectors} | 5 sq {1 num_bits} | 8 flat {}, 9
**                runtime_hints (map entries {1 key, 2 value}) as LanceDB
**                records them: lance.ivf.max_iters, lance.ivf.sample_rate,
**                lance.ivf.shuffle_partition_batches (10240),
**                lance.ivf.shuffle_partition_concurrency (2),
**                lance.skip_transpose (false), and for PQ lance.pq.max_iters,
**                lance.pq.sample_rate, lance.pq.kmeans_redos (1), for SQ
**                lance.sq.sample_rate.
*/
#include "index/ivf_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lf_int.h"

#define WRITE_BATCH 8192

size_t lf_ivf_code_size(const lf_ivf_model *m) {
  switch (m->quant) {
    case LF_VQ_PQ: return m->pq_m;
    case LF_VQ_SQ: return m->dim;
    default: return (size_t)m->dim * 4;
  }
}

static const char *type_name(const lf_ivf_model *m) {
  if (m->hnsw) return m->quant == LF_VQ_PQ ? "IVF_HNSW_PQ" : m->quant == LF_VQ_SQ ? "IVF_HNSW_SQ" : "IVF_HNSW_FLAT";
  return m->quant == LF_VQ_PQ ? "IVF_PQ" : m->quant == LF_VQ_SQ ? "IVF_SQ" : "IVF_FLAT";
}

static const char *metric_name(lf_vmetric m) {
  return m == LF_VM_COSINE ? "cosine" : m == LF_VM_DOT ? "dot" : "l2";
}

/* The fields of a float32 Tensor message. */
static void tensor(lf_buf *b, uint32_t rows, uint32_t cols, const float *data) {
  uint32_t shape[2] = {rows, cols};
  lf_pbw_uint(b, 1, 2);
  lf_pbw_packed_u32(b, 2, shape, 2);
  lf_pbw_bytes(b, 3, data, (size_t)rows * cols * sizeof *data);
}

/* The shortest decimal that reads back as x (as Rust prints an f64). */
static void shortest(char *buf, size_t cap, double x) {
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, cap, "%.*g", prec, x);
    if (strtod(buf, NULL) == x) break;
  }
  if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n') && !strchr(buf, 'i'))
    strncat(buf, ".0", cap - strlen(buf) - 1);
}

static int storage_meta(const lf_ivf_model *m, char *out, size_t cap) {
  char lo[40], hi[40];
  switch (m->quant) {
    case LF_VQ_PQ:
      return snprintf(out, cap, "[\"{\\\"codebook_position\\\":2,\\\"nbits\\\":%u,"
                      "\\\"num_sub_vectors\\\":%u,\\\"dimension\\\":%u,\\\"codebook_tensor\\\":[],"
                      "\\\"transposed\\\":true}\"]", m->pq_bits, m->pq_m, m->dim);
    case LF_VQ_SQ:
      shortest(lo, sizeof lo, m->sq_lo);
      shortest(hi, sizeof hi, m->sq_hi);
      return snprintf(out, cap, "[\"{\\\"dim\\\":%u,\\\"num_bits\\\":8,\\\"bounds\\\":"
                      "{\\\"start\\\":%s,\\\"end\\\":%s}}\"]", m->dim, lo, hi);
    default: return snprintf(out, cap, "[\"{\\\"dim\\\":%u}\"]", m->dim);
  }
}

/* ---- files ------------------------------------------------------------------------ */

typedef struct ivf_file {
  lf_store *s;
  const char *dir;
  lf_schema sc;
  lf_writer *w;
} ivf_file;

static int file_begin(ivf_file *f, const char *name, const char *ddl, lf_error *err) {
  int rc = lf_schema_from_ddl(ddl, &f->sc, err);
  if (rc) return lf_err_prefix(err, rc, "vector index schema");
  char *path = lf_path_join(f->dir, name);
  if (!path) return lf_err(err, LF_NOMEM, "out of memory");
  rc = lf_writer_open_path(f->s, path, &f->sc, 2, 2, &f->w, err);
  free(path);
  return rc;
}

static int file_end(ivf_file *f, int rc, uint64_t *size, lf_error *err) {
  lf_data_file df = {0};
  if (f->w) {
    if (rc) lf_writer_abort(f->w);
    else rc = lf_writer_finish(f->w, &df, err);
  }
  f->w = NULL;
  *size = df.size_bytes;
  lf_data_file_reset(&df);
  lf_schema_reset(&f->sc);
  return rc;
}

static int add_metas(lf_schema *sc, const char *const *kv, int n, lf_error *err) {
  for (int i = 0; i < n; i++)
    if (lf_schema_add_meta(sc, kv[2 * i], kv[2 * i + 1])) return lf_err(err, LF_NOMEM, "out of memory");
  return LF_OK;
}

/* lance:hnsw: one JSON string per partition (as a JSON array of strings). */
static int hnsw_meta(const lf_ivf_model *m, lf_buf *b) {
  char t[256];
  lf_buf_put(b, "[", 1);
  for (uint32_t p = 0; p < m->nparts; p++) {
    const lf_hnsw_part *h = &m->hnsw[p];
    int n = snprintf(t, sizeof t, "%s\"{\\\"entry_point\\\":%u,\\\"params\\\":{\\\"max_level\\\":%u,"
                     "\\\"m\\\":%u,\\\"ef_construction\\\":%u,\\\"prefetch_distance\\\":2},"
                     "\\\"level_offsets\\\":[0", p ? "," : "", h->entry, h->nlevels, m->hnsw_m,
                     m->hnsw_ef);
    lf_buf_put(b, t, (size_t)n);
    uint64_t at = 0;
    for (uint32_t L = 0; L < h->nlevels; L++) {
      at += h->level_rows[L];
      n = snprintf(t, sizeof t, ",%llu", (unsigned long long)at);
      lf_buf_put(b, t, (size_t)n);
    }
    lf_buf_put(b, "]}\"", 3);
  }
  lf_buf_put(b, "]", 2); /* with the NUL */
  return b->rc;
}

/* The rows of partition p's graph: __vector_id, __neighbors, _distance. */
static int write_graph(lf_writer *w, const lf_schema *sc, const lf_hnsw_part *h, uint64_t rows,
                       lf_error *err) {
  lf_array cols[3], items[2];
  memset(cols, 0, sizeof cols);
  memset(items, 0, sizeof items);
  uint64_t *offs = malloc((rows + 1) * sizeof *offs);
  if (!offs) return lf_err(err, LF_NOMEM, "out of memory");
  for (uint64_t r = 0; r <= rows; r++) offs[r] = h->nbr_off[r] - h->nbr_off[0];
  cols[0].field = sc->fields[0], cols[0].length = rows, cols[0].values = (uint8_t *)h->node;
  for (int k = 0; k < 2; k++) {
    items[k].field = sc->fields[k + 1]->children[0], items[k].length = offs[rows];
    items[k].values = k ? (uint8_t *)h->dist : (uint8_t *)h->nbr;
    cols[k + 1].field = sc->fields[k + 1], cols[k + 1].length = rows, cols[k + 1].offsets = offs;
    cols[k + 1].n_children = 1, cols[k + 1].children = &items[k];
  }
  int rc = rows ? lf_writer_write(w, cols, rows, err) : LF_OK;
  free(offs);
  return rc;
}

static int write_index_file(lf_store *s, const char *dir, const lf_ivf_model *m, uint64_t *size,
                            lf_error *err) {
  ivf_file f = {s, dir, {0}, NULL};
  lf_buf b = {0};
  uint64_t *zeros = calloc((size_t)m->nparts + 1, sizeof *zeros);
  uint32_t *zeros32 = calloc((size_t)m->nparts + 1, sizeof *zeros32);
  size_t cap = 3 * (size_t)m->nparts + 8;
  char *flat = malloc(cap), idx[96];
  int rc = zeros && zeros32 && flat ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  uint64_t at = 0;
  for (uint32_t p = 0; !rc && m->hnsw && p < m->nparts; p++) { /* each graph's rows */
    uint64_t n = 0;
    for (uint32_t L = 0; L < m->hnsw[p].nlevels; L++) n += m->hnsw[p].level_rows[L];
    zeros[p] = at, zeros32[p] = (uint32_t)n, at += n;
  }
  if (!rc) {
    lf_pbw_packed_u64(&b, 2, zeros, m->nparts);
    lf_pbw_packed_u32(&b, 3, zeros32, m->nparts);
    size_t mk = lf_pbw_begin(&b);
    tensor(&b, m->nparts, m->dim, m->centroids);
    lf_pbw_end(&b, 4, mk);
    uint64_t bits;
    memcpy(&bits, &m->loss, 8);
    lf_pbw_fixed64(&b, 5, bits);
    if (b.rc) rc = lf_err(err, LF_NOMEM, "out of memory");
    size_t k = 0;
    flat[k++] = '[';
    for (uint32_t p = 0; p < m->nparts; p++) k += (size_t)snprintf(flat + k, cap - k, "%s\"\"", p ? "," : "");
    snprintf(flat + k, cap - k, "]");
    snprintf(idx, sizeof idx, "{\"type\":\"%s\",\"distance_type\":\"%s\"}", type_name(m),
             metric_name(m->metric));
  }
  lf_buf hm = {0};
  if (!rc && m->hnsw && hnsw_meta(m, &hm)) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = file_begin(&f, "index.idx", m->hnsw ? "__vector_id UINT32, __neighbors UINT32[], "
                           "_distance FLOAT32[]" : "__flat_marker UINT64 NOT NULL", err);
  const char *kv[] = {m->hnsw ? "lance:hnsw" : "lance:flat", m->hnsw ? (const char *)hm.p : flat,
                      "lance:ivf", "1", "lance:index", idx};
  if (!rc) rc = add_metas(&f.sc, kv, 3, err);
  uint32_t gb;
  if (!rc) rc = lf_writer_add_buffer(f.w, b.p, b.len, &gb, err);
  for (uint32_t p = 0; !rc && m->hnsw && p < m->nparts; p++)
    rc = write_graph(f.w, &f.sc, &m->hnsw[p], zeros32[p], err);
  lf_buf_reset(&hm);
  rc = file_end(&f, rc, size, err);
  lf_buf_reset(&b);
  free(zeros);
  free(zeros32);
  free(flat);
  return rc;
}

/* The rows of partition p (n rows at rowids/codes) through the writer, in
** batches; PQ codes transposed through tmp. */
static int write_part(lf_writer *w, const lf_schema *sc, const lf_ivf_model *m, uint64_t n,
                      const uint64_t *rowids, const uint8_t *codes, uint8_t *tmp, lf_error *err) {
  size_t cs = lf_ivf_code_size(m);
  if (m->quant == LF_VQ_PQ) { /* byte j of row i goes to j * n + i */
    for (uint64_t i = 0; i < n; i++)
      for (size_t j = 0; j < cs; j++) tmp[j * n + i] = codes[i * cs + j];
    codes = tmp;
  }
  int rc = LF_OK;
  for (uint64_t at = 0; !rc && at < n; at += WRITE_BATCH) {
    uint64_t k = n - at < WRITE_BATCH ? n - at : WRITE_BATCH;
    lf_array cols[2], item;
    memset(cols, 0, sizeof cols);
    memset(&item, 0, sizeof item);
    cols[0].field = sc->fields[0], cols[0].length = k, cols[0].values = (uint8_t *)(rowids + at);
    item.field = sc->fields[1]->children[0], item.length = k * (cs / lf_type_width(item.field));
    item.values = (uint8_t *)codes + at * cs;
    cols[1].field = sc->fields[1], cols[1].length = k, cols[1].n_children = 1;
    cols[1].children = &item;
    rc = lf_writer_write(w, cols, k, err);
  }
  return rc;
}

static int write_aux_file(lf_store *s, const char *dir, const lf_ivf_model *m,
                          const uint64_t *part_len, lf_ivf_part_fn part, void *ctx,
                          uint64_t *size, lf_error *err) {
  ivf_file f = {s, dir, {0}, NULL};
  lf_buf b = {0}, cb = {0};
  size_t cs = lf_ivf_code_size(m);
  uint64_t *offs = malloc(((size_t)m->nparts + 1) * sizeof *offs), maxn = 0, total = 0;
  uint32_t *lens = malloc(((size_t)m->nparts + 1) * sizeof *lens);
  char ddl[128], *smeta = malloc(512);
  int rc = offs && lens && smeta ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  for (uint32_t p = 0; !rc && p < m->nparts; p++) {
    if (part_len[p] > UINT32_MAX) rc = lf_err(err, LF_ARG, "partition %u has too many rows", p);
    offs[p] = total, lens[p] = (uint32_t)part_len[p], total += part_len[p];
    if (part_len[p] > maxn) maxn = part_len[p];
  }
  uint8_t *tmp = !rc && m->quant == LF_VQ_PQ ? malloc(maxn * cs + 1) : NULL;
  if (!rc && m->quant == LF_VQ_PQ && !tmp) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) {
    lf_pbw_packed_u64(&b, 2, offs, m->nparts);
    lf_pbw_packed_u32(&b, 3, lens, m->nparts);
    if (m->quant == LF_VQ_PQ) tensor(&cb, 1u << m->pq_bits, m->dim, m->pq_codebook);
    if (b.rc || cb.rc) rc = lf_err(err, LF_NOMEM, "out of memory");
    storage_meta(m, smeta, 512);
    if (m->quant == LF_VQ_FLAT) snprintf(ddl, sizeof ddl, "_rowid UINT64, flat FLOAT32[%u] NOT NULL", m->dim);
    else snprintf(ddl, sizeof ddl, "_rowid UINT64, %s UINT8[%zu]",
                  m->quant == LF_VQ_PQ ? "__pq_code" : "__sq_code", cs);
  }
  if (!rc) rc = file_begin(&f, "auxiliary.idx", ddl, err);
  const char *kv[] = {"distance_type", metric_name(m->metric), "lance:ivf", "1",
                      "storage_metadata", smeta};
  if (!rc) rc = add_metas(&f.sc, kv, 3, err);
  uint32_t at;
  if (!rc) rc = lf_writer_add_buffer(f.w, b.p, b.len, &at, err);
  if (!rc && cb.len) rc = lf_writer_add_buffer(f.w, cb.p, cb.len, &at, err); /* buffer 2 */
  for (uint32_t p = 0; !rc && p < m->nparts; p++) {
    const uint64_t *rowids = NULL;
    const uint8_t *codes = NULL;
    rc = part_len[p] ? part(ctx, p, &rowids, &codes, err) : LF_OK;
    if (!rc && part_len[p]) rc = write_part(f.w, &f.sc, m, part_len[p], rowids, codes, tmp, err);
  }
  rc = file_end(&f, rc, size, err);
  lf_buf_reset(&b);
  lf_buf_reset(&cb);
  free(offs);
  free(lens);
  free(smeta);
  free(tmp);
  return rc;
}

static void remove_files(lf_store *s, const char *dir) {
  lf_error e2 = {0};
  const char *names[] = {"index.idx", "auxiliary.idx"};
  for (int i = 0; i < 2; i++) {
    char *p = lf_path_join(dir, names[i]);
    if (p) s->remove(s, p, &e2);
    free(p);
  }
  s->remove(s, dir, &e2);
}

/* ---- the manifest entry --------------------------------------------------------------- */

static void hint(lf_buf *b, const char *key, const char *val) {
  size_t mk = lf_pbw_begin(b);
  lf_pbw_str(b, 1, key);
  lf_pbw_str(b, 2, val);
  lf_pbw_end(b, 9, mk);
}

/* VectorIndexDetails as LanceDB 0.39 writes it (details.value). */
static void details_encode(const lf_ivf_model *m, const lf_ivf_hints *h, lf_buf *b) {
  char it[16], sr[16];
  snprintf(it, sizeof it, "%u", h->max_iters);
  snprintf(sr, sizeof sr, "%u", h->sample_rate);
  lf_pbw_uint_nz(b, 1, m->metric == LF_VM_COSINE ? 1 : m->metric == LF_VM_DOT ? 2 : 0);
  size_t mk;
  if (m->hnsw) {
    mk = lf_pbw_begin(b);
    lf_pbw_uint(b, 1, m->hnsw_m);
    lf_pbw_uint(b, 2, m->hnsw_ef);
    lf_pbw_uint(b, 3, m->hnsw[0].nlevels);
    lf_pbw_end(b, 3, mk);
  }
  mk = lf_pbw_begin(b);
  if (m->quant == LF_VQ_PQ) {
    lf_pbw_uint(b, 1, m->pq_bits);
    lf_pbw_uint(b, 2, m->pq_m);
  } else if (m->quant == LF_VQ_SQ) {
    lf_pbw_uint(b, 1, 8);
  }
  lf_pbw_end(b, m->quant == LF_VQ_PQ ? 4 : m->quant == LF_VQ_SQ ? 5 : 8, mk);
  hint(b, "lance.ivf.max_iters", it);
  hint(b, "lance.ivf.sample_rate", sr);
  hint(b, "lance.ivf.shuffle_partition_batches", "10240");
  hint(b, "lance.ivf.shuffle_partition_concurrency", "2");
  hint(b, "lance.skip_transpose", "false");
  if (m->quant == LF_VQ_PQ) {
    hint(b, "lance.pq.max_iters", it);
    hint(b, "lance.pq.sample_rate", sr);
    hint(b, "lance.pq.kmeans_redos", "1");
  } else if (m->quant == LF_VQ_SQ) {
    hint(b, "lance.sq.sample_rate", sr);
  }
  if (m->hnsw) hint(b, "lance.hnsw.prefetch_distance", "2");
}

typedef struct ivf_file_size {
  const char *name;
  uint64_t size;
} ivf_file_size;

static int commit(lf_store *s, const char *root, const lf_manifest *base, const char *uuid,
                  const lf_ivf_entry *e, const lf_ivf_model *m, const lf_ivf_hints *h,
                  const ivf_file_size files[2], uint64_t *version, lf_error *err) {
  lf_buf det = {0};
  details_encode(m, h, &det);
  if (det.rc) return lf_err(err, LF_NOMEM, "out of memory");
  const char *names[2] = {files[0].name, files[1].name};
  uint64_t sizes[2] = {files[0].size, files[1].size};
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lf_new_index ix = {{0}, e->name, &e->field_id, 1, e->dataset_version, e->frags, e->nfrags,
                     LF_IVF_DETAILS_URL, det.p, det.len, 1,
                     (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000, names, sizes, 2};
  snprintf(ix.uuid, sizeof ix.uuid, "%s", uuid);
  lf_commit_req req = {0};
  req.kind = LF_COMMIT_INDEX;
  req.new_index = &ix;
  req.removed_uuids = &e->removed;
  req.n_removed = e->removed ? 1 : 0;
  int rc = lf_commit(s, root, base, &req, version, err);
  lf_buf_reset(&det);
  return rc;
}

int lf_ivf_write(lf_store *s, const char *root, const lf_manifest *base, const lf_ivf_model *m,
                 const uint64_t *part_len, lf_ivf_part_fn part, void *part_ctx,
                 const lf_ivf_entry *e, const lf_ivf_hints *h, uint64_t *version, lf_error *err) {
  char uuid[37], rel[64];
  lf_uuid4(uuid);
  snprintf(rel, sizeof rel, "_indices/%s", uuid);
  char *dir = lf_path_join(root, rel);
  if (!dir) return lf_err(err, LF_NOMEM, "out of memory");
  ivf_file_size files[2] = {{"auxiliary.idx", 0}, {"index.idx", 0}};
  int rc = write_aux_file(s, dir, m, part_len, part, part_ctx, &files[0].size, err);
  if (!rc) rc = write_index_file(s, dir, m, &files[1].size, err);
  if (!rc) rc = commit(s, root, base, uuid, e, m, h, files, version, err);
  if (rc) remove_files(s, dir);
  free(dir);
  return rc;
}
