/*
** ivf_build.c: owns building an IVF vector index of a dataset as LanceDB
** 0.39 does (IVF_FLAT, IVF_PQ, IVF_SQ; l2, cosine, dot), from the options to
** the commit:
**
**   options   LanceDB's names and defaults: num_partitions (sqrt of the
**             rows), num_sub_vectors (dim/16, else dim/8, else 1), num_bits
**             (8), max_iterations (50), sample_rate (256), distance_type
**             (l2); name ('<column>_idx'), replace (true); threads (the
**             machine's cores); seed (42: the sample and k-means starts);
**             memory_limit (bytes of coded rows held, 128 MiB); progress
**             (0; 1: the caller prints a line per phase and every 2 s).
**   sample    one pass over the column's non-null vectors keeps a uniform
**             random sample (reservoir) of max(num_partitions, 256) x
**             sample_rate rows: memory is bounded by the sample.  Cosine
**             indexes work on normalized vectors throughout (and store them).
**   train     IVF: k-means (l2; dot for dot) on num_partitions x sample_rate
**             rows of the sample.  PQ: the first 256 x sample_rate rows'
**             residuals to their centroids (l2, cosine; dot: the vectors
**             themselves), one k-means (l2, whatever the metric, as Lance
**             trains PQ) of 256 codewords per sub-vector.  SQ:
**             bounds = min and max over those rows.
**   encode    a second pass assigns every vector to its nearest centroid and
**             codes it (FLAT: the vector; PQ: its residual's code; SQ: 8-bit
**             codes) into ivf_spill.c (memory_limit, then a temporary
**             file); the rows come back a group of partitions at a time
**             (HNSW graphs built per group), written by
**             format/index/ivf_write.c into _indices/<new uuid>/ and
**             committed (CreateIndex, replacing an index of the same name).
**
**   optimize  per vector index, as LanceDB's optimize_indices: the rows of
**             the fragments its bitmap lacks are coded with its model (no
**             training) and added to its partitions (HNSW: each partition's
**             graph built again over its old and new rows); a new directory
**             with them replaces it (same name and dataset_version, every
**             fragment of the latest version).
**
** The caller's progress callback is told the phase (sample, train, code,
** graph for HNSW, write) and the rows done of the live rows, before every
** batch of both passes and between the steps; a non-zero answer stops the
** build with LF_INTERRUPTED and nothing is committed (no files stay).
*/
#include "vec/ivf_build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "index/vindex.h"
#include "lf_table.h"
#include "vec/hnsw_build.h"
#include "vtab/opts.h"
#include "vec/ivf_spill.h"
#include "vec/ivf_train.h"

#define SCAN_BATCH 8192

/* ---- options ------------------------------------------------------------------------- */

enum { O_PARTS, O_SUBS, O_BITS, O_ITERS, O_RATE, O_METRIC, O_NAME, O_REPLACE, O_THREADS, O_M,
       O_EF, O_SEED, O_PROGRESS, O_MEM, O_N };
static const char *const opt_keys[O_N] = {"num_partitions", "num_sub_vectors", "num_bits",
                                          "max_iterations", "sample_rate", "distance_type",
                                          "name", "replace", "threads", "m", "ef_construction",
                                          "seed", "progress", "memory_limit"};
static const char *const types[] = {"IVF_FLAT", "IVF_PQ", "IVF_SQ", "IVF_HNSW_SQ", "IVF_HNSW_FLAT"};

int ivf_build_type_ok(const char *type) {
  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    if (type && !strcasecmp(type, types[i])) return 1;
  return 0;
}

static int opt_number(const char *k, const char *v, size_t n, long lo, long hi, uint32_t *out,
                      char *err, int cap) {
  char buf[24], *end;
  long x = 0;
  if (n && n < sizeof buf) {
    memcpy(buf, v, n);
    buf[n] = 0;
    x = strtol(buf, &end, 10);
  }
  if (!n || n >= sizeof buf || *end || x < lo || x > hi) {
    snprintf(err, (size_t)cap, "index options: %s must be a whole number from %ld to %ld", k, lo, hi);
    return -1;
  }
  *out = (uint32_t)x;
  return 0;
}

static int opt_apply(ivf_build_req *r, int key, const char *v, size_t n, char *err, int cap) {
  const char *k = opt_keys[key];
  uint32_t x;
  switch (key) {
    case O_PARTS: return opt_number(k, v, n, 1, 1L << 20, &r->nparts, err, cap);
    case O_SUBS: return opt_number(k, v, n, 1, 1L << 16, &r->m, err, cap);
    case O_ITERS: return opt_number(k, v, n, 1, 100000, &r->max_iters, err, cap);
    case O_M: return opt_number(k, v, n, 2, 256, &r->hnsw_m, err, cap);
    case O_EF: return opt_number(k, v, n, 1, 100000, &r->hnsw_ef, err, cap);
    case O_RATE: return opt_number(k, v, n, 1, 1L << 20, &r->sample_rate, err, cap);
    case O_THREADS:
      if (opt_number(k, v, n, 1, 64, &x, err, cap)) return -1;
      return r->threads = (int)x, 0;
    case O_MEM:
      if (opt_number(k, v, n, 4096, 2147483647L, &x, err, cap)) return -1;
      return r->memory_limit = x, 0;
    case O_SEED:
      if (opt_number(k, v, n, 0, 2147483647L, &x, err, cap)) return -1;
      return r->seed = x, 0;
    case O_PROGRESS:
      if (n != 1 || (v[0] != '0' && v[0] != '1')) {
        snprintf(err, (size_t)cap, "index options: progress must be 0 or 1");
        return -1;
      }
      return r->show_progress = v[0] == '1', 0;
    case O_BITS:
      if (n != 1 || v[0] != '8') {
        snprintf(err, (size_t)cap, "index options: num_bits must be 8 (4-bit PQ is not built yet)");
        return -1;
      }
      return r->bits = 8, 0;
    case O_METRIC:
      if (lf_vmetric_parse(v, n, &r->metric) || r->metric == LF_VM_HAMMING) {
        snprintf(err, (size_t)cap, "index options: distance_type must be l2, cosine or dot");
        return -1;
      }
      return 0;
    case O_REPLACE:
      if ((n == 4 && !strncasecmp(v, "true", 4)) || (n == 1 && v[0] == '1')) return r->replace = 1, 0;
      if ((n == 5 && !strncasecmp(v, "false", 5)) || (n == 1 && v[0] == '0')) return r->replace = 0, 0;
      snprintf(err, (size_t)cap, "index options: replace must be true or false");
      return -1;
    default:
      if (n == 0 || n >= sizeof r->name) {
        snprintf(err, (size_t)cap, "index options: name must be 1 to %d bytes", (int)sizeof r->name - 1);
        return -1;
      }
      memcpy(r->name, v, n);
      r->name[n] = 0;
      return 0;
  }
}

int ivf_build_options(const char *type, const char *z, ivf_build_req *r, char *err, int cap) {
  memset(r, 0, sizeof *r);
  r->replace = 1, r->bits = 8, r->max_iters = 50, r->sample_rate = 256, r->seed = 42;
  r->hnsw_m = 20, r->hnsw_ef = 300;
  r->hnsw = !strncasecmp(type, "IVF_HNSW_", 9);
  const char *q = type + (r->hnsw ? 9 : 4);
  r->quant = !strcasecmp(q, "PQ") ? LF_VQ_PQ : !strcasecmp(q, "SQ") ? LF_VQ_SQ : LF_VQ_FLAT;
  unsigned seen = 0;
  vtab_opt o;
  while (vtab_opt_next(&z, NULL, 0, 0, &o)) {
    const char *k = o.k;
    int kn = (int)o.kn, key = -1;
    if (!o.has_eq || !kn)
      return snprintf(err, (size_t)cap, "index options: '%.*s' is not key=value",
                      (int)(o.has_eq ? o.kn + 1 + o.vn : o.kn), k), -1;
    for (int i = 0; i < O_N; i++)
      if (vtab_opt_is(&o, opt_keys[i])) key = i;
    if (key < 0) return snprintf(err, (size_t)cap, "index options: unknown key '%.*s' for %s", kn, k, type), -1;
    if ((key == O_SUBS || key == O_BITS) && r->quant != LF_VQ_PQ)
      return snprintf(err, (size_t)cap, "index options: %s is for IVF_PQ, not %s", opt_keys[key], type), -1;
    if ((key == O_M || key == O_EF) && !r->hnsw)
      return snprintf(err, (size_t)cap, "index options: %s is for IVF_HNSW_* indexes, not %s", opt_keys[key], type), -1;
    if (seen & (1u << key)) return snprintf(err, (size_t)cap, "index options: '%.*s' given twice", kn, k), -1;
    seen |= 1u << key;
    if (opt_apply(r, key, o.v, o.vn, err, cap)) return -1;
  }
  return 0;
}

/* ---- the build ---------------------------------------------------------------------------- */

typedef struct build {
  lf_store *s;
  const char *root;
  const ivf_build_req *req;
  lf_dataset *ds;
  int field;
  uint32_t dim, nparts, m;
  int metric, threads;     /* IVF_TRAIN_L2 / _DOT for k-means and codes */
  uint64_t live, done;     /* progress: rows of the pass under way, of live */
  const uint32_t *skip;    /* fragments left out of the scans (optimize) */
  size_t nskip;
  uint64_t dataset_version;
  float *sample;           /* ns x dim, reservoir of cap rows */
  size_t ns, cap;
  uint64_t seen;
  ivf_rng rng;
  float *cent, *codebook, *cbt; /* cbt: the codebook transposed (ivf_pq_transpose) */
  lf_ivf_model model;
  ivf_spill rows;           /* the coded rows (memory_limit bytes, then a file) */
  uint32_t *bpart;         /* SCAN_BATCH: a batch's partitions and codes */
  uint8_t *bcodes;
  size_t cs;
} build;

static const char *shown(const char *root) { return root[0] ? root : "."; }

/* Report the phase to the caller's callback, which may ask to stop. */
static int stop(build *b, const char *phase, lf_error *err) {
  if (b->req->progress && b->req->progress(b->req->progress_ctx, phase, b->done, b->live))
    return lf_err(err, LF_INTERRUPTED, "%s: index build interrupted", shown(b->root));
  return LF_OK;
}

/* The float32 vector column `column`: its field index and dimension. */
static int vector_field(build *b, lf_error *err) {
  const lf_schema *sc = lf_dataset_schema(b->ds);
  for (int i = 0; i < sc->n_fields; i++) {
    const lf_field *f = sc->fields[i];
    if (strcmp(f->name, b->req->column)) continue;
    if (f->type != LF_T_FIXED_LIST || f->n_children != 1 || f->children[0]->type != LF_T_FLOAT32 ||
        f->fixed_size < 1)
      return lf_err(err, LF_ARG, "%s: column '%s' is %s, not a float32 vector: vector indexes need "
                    "a fixed_size_list<float32> column", shown(b->root), b->req->column,
                    f->logical_type ? f->logical_type : lf_type_name(f->type));
    b->field = i;
    b->dim = (uint32_t)f->fixed_size;
    return LF_OK;
  }
  return lf_err(err, LF_NOTFOUND, "%s: no column '%s'", shown(b->root), b->req->column);
}

/* Row i of the batch's vector column, or NULL when it is null or has null
** items. */
static const float *row_vec(const lf_scan_batch *sb, uint64_t i, uint32_t dim) {
  if (sb->views[0]) return (const float *)sb->views[0] + i * dim;
  const lf_array *a = &sb->cols[0], *it = &a->children[0];
  if (lf_array_is_null(a, i)) return NULL;
  for (uint32_t j = 0; it->valid && j < dim; j++)
    if (!it->valid[i * dim + j]) return NULL;
  return (const float *)it->values + i * dim;
}

/* Walk the column's live rows: fn(b, batch) per batch (phase: "sample" or
** "code", reported with the rows done before every batch). */
static int scan(build *b, const char *phase, int (*fn)(build *, const lf_scan_batch *, lf_error *),
                lf_error *err) {
  lf_scan *sc = NULL;
  const lf_scan_batch *sb;
  int rc = lf_scan_open(b->ds, b->s, &b->field, 1, &sc, err);
  if (!rc && b->nskip) rc = lf_scan_exclude(sc, b->skip, b->nskip, err);
  if (!rc) lf_scan_view(sc, 0);
  b->done = 0;
  while (!rc && !(rc = stop(b, phase, err))) {
    if ((rc = lf_scan_next(sc, SCAN_BATCH, &sb, err)) || !sb->n) break;
    rc = fn(b, sb, err);
    b->done += sb->n;
  }
  lf_scan_free(sc);
  return rc;
}

static int sample_batch(build *b, const lf_scan_batch *sb, lf_error *err) {
  (void)err;
  for (uint64_t i = 0; i < sb->n; i++) {
    const float *x = row_vec(sb, i, b->dim);
    if (!x) continue;
    uint64_t slot = b->seen < b->cap ? b->seen : ivf_rng_next(&b->rng) % (b->seen + 1);
    b->seen++;
    if (slot >= b->cap) continue;
    float *dst = b->sample + slot * b->dim;
    memcpy(dst, x, b->dim * sizeof *dst);
    if (b->req->metric == LF_VM_COSINE) ivf_normalize(dst, b->dim);
    if (slot == b->ns) b->ns++;
  }
  return LF_OK;
}

/* ---- training ------------------------------------------------------------------------------ */

static int too_few(build *b, lf_error *err) {
  if (b->seen == 0)
    return lf_err(err, LF_ARG, "%s: column '%s' has no vectors to index", shown(b->root), b->req->column);
  if (b->seen < b->nparts || b->ns < b->nparts) /* ns: the sample, a subset */
    return lf_err(err, LF_ARG, "%s: %llu vectors cannot train %u partitions (num_partitions must "
                  "not exceed the number of vectors)", shown(b->root), (unsigned long long)b->seen,
                  b->nparts);
  if (b->req->quant == LF_VQ_PQ && (b->seen < 256 || b->ns < 256))
    return lf_err(err, LF_ARG, "%s: %llu vectors cannot train a PQ codebook of 256 codes (IVF_PQ "
                  "needs at least 256 vectors)", shown(b->root), (unsigned long long)b->seen);
  return LF_OK;
}

/* The reservoir in random order: its first rows are then a random sample of
** any size (when the table fits the reservoir, it holds the rows in scan
** order). */
static void shuffle(build *b) {
  float *t = malloc(b->dim * sizeof *t);
  for (size_t i = b->ns; t && i > 1; i--) {
    size_t j = (size_t)(ivf_rng_next(&b->rng) % i);
    memcpy(t, b->sample + (i - 1) * b->dim, b->dim * sizeof *t);
    memcpy(b->sample + (i - 1) * b->dim, b->sample + j * b->dim, b->dim * sizeof *t);
    memcpy(b->sample + j * b->dim, t, b->dim * sizeof *t);
  }
  free(t);
}

static int train(build *b, lf_error *err) {
  b->done = 0;
  int rc = stop(b, "train", err);
  if (!rc) rc = too_few(b, err);
  shuffle(b);
  size_t nivf = (size_t)b->nparts * b->req->sample_rate, nq = (size_t)256 * b->req->sample_rate;
  if (nivf > b->ns) nivf = b->ns;
  if (nq > b->ns) nq = b->ns;
  if (!rc && !(b->cent = malloc((size_t)b->nparts * b->dim * sizeof *b->cent)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && ivf_kmeans(b->sample, nivf, b->dim, b->nparts, b->req->max_iters, b->metric,
                        b->threads, b->req->seed, b->cent, &b->model.loss))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = stop(b, "train", err);
  if (!rc && b->req->quant == LF_VQ_SQ) {
    b->model.sq_lo = INFINITY, b->model.sq_hi = -INFINITY;
    for (size_t i = 0; i < nq * b->dim; i++) {
      if (b->sample[i] < b->model.sq_lo) b->model.sq_lo = b->sample[i];
      if (b->sample[i] > b->model.sq_hi) b->model.sq_hi = b->sample[i];
    }
  }
  if (!rc && b->req->quant == LF_VQ_PQ) {
    uint32_t *part = malloc(nq * sizeof *part);
    b->codebook = malloc((size_t)256 * b->dim * sizeof *b->codebook);
    if (!part || !b->codebook) rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc && b->metric == IVF_TRAIN_L2) { /* residuals, in place: the sample is done with */
      ivf_assign(b->sample, nq, b->dim, b->cent, b->nparts, b->metric, b->threads, part, NULL);
      for (size_t i = 0; i < nq; i++)
        for (uint32_t j = 0; j < b->dim; j++)
          b->sample[i * b->dim + j] -= b->cent[(size_t)part[i] * b->dim + j];
    }
    if (!rc && ivf_pq_train(b->sample, nq, b->dim, b->m, b->req->max_iters, IVF_TRAIN_L2, b->threads,
                            b->req->seed + 1, b->codebook))
      rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc && !(b->cbt = malloc((size_t)256 * b->dim * sizeof *b->cbt)))
      rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc) ivf_pq_transpose(b->codebook, b->dim, b->m, b->cbt);
    free(part);
  }
  free(b->sample);
  b->sample = NULL;
  return rc ? rc : stop(b, "train", err);
}

/* ---- encoding -------------------------------------------------------------------------------- */

typedef struct enc_job {
  build *b;
  const float *x;        /* n vectors */
  const uint32_t *part;
  uint8_t *codes;        /* n x cs */
  size_t n;
  int failed;
} enc_job;

static void encode_rows(void *ctx, int t, int nt) {
  enc_job *j = ctx;
  build *b = j->b;
  size_t lo = j->n * (size_t)t / (size_t)nt, hi = j->n * (size_t)(t + 1) / (size_t)nt;
  float *r = b->req->quant == LF_VQ_PQ ? malloc(b->dim * sizeof *r) : NULL;
  if (b->req->quant == LF_VQ_PQ && !r) {
    j->failed = 1;
    return;
  }
  for (size_t i = lo; i < hi; i++) {
    const float *x = j->x + i * b->dim;
    uint8_t *c = j->codes + i * b->cs;
    if (b->req->quant == LF_VQ_FLAT) {
      memcpy(c, x, b->cs);
    } else if (b->req->quant == LF_VQ_SQ) {
      ivf_sq_encode(x, b->dim, b->model.sq_lo, b->model.sq_hi, c);
    } else if (b->metric == IVF_TRAIN_DOT) { /* codes: the nearest codeword (l2) */
      ivf_pq_encode(x, b->dim, b->m, b->cbt, c);
    } else {
      const float *cen = b->cent + (size_t)j->part[i] * b->dim;
      for (uint32_t e = 0; e < b->dim; e++) r[e] = x[e] - cen[e];
      ivf_pq_encode(r, b->dim, b->m, b->cbt, c);
    }
  }
  free(r);
}

static int encode_batch(build *b, const lf_scan_batch *sb, lf_error *err) {
  float *x = malloc(sb->n * b->dim * sizeof *x + 1);
  uint64_t *ids = malloc(sb->n * sizeof *ids + 1);
  if (!b->bpart) b->bpart = malloc(SCAN_BATCH * sizeof *b->bpart);
  if (!b->bcodes) b->bcodes = malloc(SCAN_BATCH * b->cs);
  int rc = x && ids && b->bpart && b->bcodes && sb->n <= SCAN_BATCH
               ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  size_t k = 0;
  for (uint64_t i = 0; !rc && i < sb->n; i++) {
    const float *v = row_vec(sb, i, b->dim);
    if (!v) continue;
    memcpy(x + k * b->dim, v, b->dim * sizeof *x);
    if (b->req->metric == LF_VM_COSINE) ivf_normalize(x + k * b->dim, b->dim);
    ids[k++] = sb->rowids[i];
  }
  if (!rc && k) {
    ivf_assign(x, k, b->dim, b->cent, b->nparts, b->metric, b->threads, b->bpart, NULL);
    enc_job j = {b, x, b->bpart, b->bcodes, k, 0};
    ivf_parallel(k < 256 ? 1 : b->threads, encode_rows, &j);
    if (j.failed) rc = lf_err(err, LF_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < k; i++)
      rc = ivf_spill_put(&b->rows, ids[i], b->bpart[i], b->bcodes + i * b->cs, err);
  }
  free(x), free(ids);
  return rc;
}

/* ---- create ------------------------------------------------------------------------------------ */

static int setup(build *b, lf_error *err) {
  const ivf_build_req *r = b->req;
  int rc = vector_field(b, err);
  if (rc) return rc;
  for (int i = 0; i < lf_dataset_num_fragments(b->ds); i++) {
    const lf_fragment *f = lf_dataset_fragment(b->ds, i);
    b->live += f->physical_rows - (f->deletion.present ? f->deletion.num_deleted_rows : 0);
  }
  b->nparts = r->nparts ? r->nparts /* LanceDB's suggestions: */
             : r->hnsw ? (uint32_t)(b->live * b->dim / (256ull * 5000000)) : (uint32_t)sqrt((double)b->live);
  if (b->nparts < 1) b->nparts = 1;
  b->m = r->m ? r->m : b->dim % 16 == 0 ? b->dim / 16 : b->dim % 8 == 0 ? b->dim / 8 : 1;
  if (r->quant == LF_VQ_PQ && b->dim % b->m)
    return lf_err(err, LF_ARG, "%s: num_sub_vectors=%u does not divide the dimension %u of column '%s'",
                  shown(b->root), b->m, b->dim, r->column);
  b->metric = r->metric == LF_VM_DOT ? IVF_TRAIN_DOT : IVF_TRAIN_L2;
  long nc = sysconf(_SC_NPROCESSORS_ONLN);
  b->threads = r->threads ? r->threads : nc < 1 ? 1 : nc > 64 ? 64 : (int)nc;
  b->cap = (size_t)(b->nparts > 256 ? b->nparts : 256) * r->sample_rate;
  if (b->cap > b->live) b->cap = (size_t)b->live;
  b->rng.s = r->seed;
  if (!(b->sample = malloc((b->cap + 1) * b->dim * sizeof *b->sample)))
    return lf_err(err, LF_NOMEM, "out of memory");
  b->model = (lf_ivf_model){r->metric, r->quant, b->dim, b->nparts, NULL, 0, b->m, 8, NULL, 0, 0, NULL, 0, 0};
  b->cs = lf_ivf_code_size(&b->model);
  return ivf_spill_init(&b->rows, b->nparts, b->cs, r->memory_limit, err);
}

static int find_index(const lf_index_meta *ix, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (ix[i].name && !strcmp(ix[i].name, name)) return i;
  return -1;
}

/* ---- HNSW ----------------------------------------------------------------------------------- */

typedef struct graph_job {
  build *b;
  uint32_t g0, g1;           /* the partitions of the group loaded */
  hnsw_rows *rows;           /* nparts */
  lf_hnsw_part *parts;
  int failed;
} graph_job;

/* Partition p's vectors as the graph measures them: FLAT the stored ones,
** SQ the codes' values (lo + code * step). */
static void part_vectors(const build *b, const uint8_t *codes, uint64_t n, float *x) {
  if (b->req->quant == LF_VQ_FLAT) {
    memcpy(x, codes, n * b->cs);
    return;
  }
  double step = (b->model.sq_hi - b->model.sq_lo) / 255.0;
  for (uint64_t i = 0; i < n * b->dim; i++) x[i] = (float)(b->model.sq_lo + codes[i] * step);
}

static void graph_parts(void *ctx, int t, int nt) {
  graph_job *j = ctx;
  build *b = j->b;
  for (uint32_t p = j->g0; p < j->g1; p++) {
    if ((p - j->g0) % (uint32_t)nt != (uint32_t)t) continue;
    uint64_t n = b->rows.plen[p];
    const uint64_t *ids;
    const uint8_t *codes;
    float *x = malloc(n * b->dim * sizeof *x + 1);
    hnsw_params hp = {b->req->hnsw_m, b->req->hnsw_ef, LF_HNSW_MAX_LEVEL, b->metric, b->req->seed + p};
    hnsw_graph g;
    lf_error e = {0};
    if (!x || (n && ivf_spill_part(&b->rows, p, &ids, &codes, &e))) { /* in the group: no I/O */
      j->failed = 1;
      free(x);
      continue;
    }
    if (n) part_vectors(b, codes, n, x);
    if (hnsw_build(x, (uint32_t)n, b->dim, &hp, &g) || hnsw_graph_rows(&g, &j->rows[p])) j->failed = 1;
    hnsw_rows *r = &j->rows[p];
    j->parts[p] = (lf_hnsw_part){g.entry, LF_HNSW_MAX_LEVEL, r->level_rows, r->node, r->nbr_off, r->nbr, r->dist};
    hnsw_graph_reset(&g);
    free(x);
  }
}

/* The graphs of every partition, a group of partitions in memory at a time. */
static int build_graphs(build *b, graph_job *gj, lf_error *err) {
  int rc = LF_OK;
  for (uint32_t p = 0; !rc && p < b->nparts; p = gj->g1) {
    const uint64_t *ids;
    const uint8_t *codes;
    gj->g0 = p, gj->g1 = p + 1;
    if (b->rows.plen[p]) {
      rc = ivf_spill_part(&b->rows, p, &ids, &codes, err);
      gj->g1 = b->rows.g1;
    }
    if (!rc) ivf_parallel(b->threads, graph_parts, gj);
    if (!rc && gj->failed) rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc) rc = stop(b, "graph", err);
  }
  return rc;
}

static int rows_of(void *ctx, uint32_t p, const uint64_t **rowids, const uint8_t **codes,
                   lf_error *err) {
  return ivf_spill_part(ctx, p, rowids, codes, err);
}

/* Write the files and commit them as index `name` (replacing old). */
static int write_commit(build *b, const char *name, const char *old, uint64_t *version,
                        lf_error *err) {
  int nf = lf_dataset_num_fragments(b->ds);
  uint32_t *frags = malloc(((size_t)nf + 1) * sizeof *frags);
  int rc = frags ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; !rc && i < nf; i++) frags[i] = (uint32_t)lf_dataset_fragment(b->ds, i)->id;
  b->model.centroids = b->cent, b->model.pq_codebook = b->codebook;
  graph_job gj = {b, 0, 0, NULL, NULL, 0};
  b->done = b->live;
  if (!rc && b->req->hnsw) {
    gj.rows = calloc((size_t)b->nparts + 1, sizeof *gj.rows);
    gj.parts = calloc((size_t)b->nparts + 1, sizeof *gj.parts);
    rc = gj.rows && gj.parts ? build_graphs(b, &gj, err) : lf_err(err, LF_NOMEM, "out of memory");
    b->model.hnsw = gj.parts, b->model.hnsw_m = b->req->hnsw_m, b->model.hnsw_ef = b->req->hnsw_ef;
  }
  if (!rc) rc = stop(b, "write", err);
  lf_ivf_entry e = {name, lf_dataset_schema(b->ds)->fields[b->field]->id, b->dataset_version,
                    frags, (size_t)nf, old};
  lf_ivf_hints h = {b->req->max_iters, b->req->sample_rate};
  if (!rc) rc = lf_ivf_write(b->s, b->root, lf_dataset_manifest(b->ds), &b->model, b->rows.plen,
                             rows_of, &b->rows, &e, &h, version, err);
  for (uint32_t p = 0; gj.rows && p < b->nparts; p++) hnsw_rows_reset(&gj.rows[p]);
  free(gj.rows), free(gj.parts);
  free(frags);
  return rc;
}

/* Everything the build holds. */
static void build_free(build *b) {
  free(b->sample), free(b->cent), free(b->codebook), free(b->cbt);
  free(b->bpart), free(b->bcodes);
  ivf_spill_free(&b->rows);
}

int ivf_build_create(lf_store *s, const char *root, const ivf_build_req *req, uint64_t *version,
                     lf_error *err) {
  build b;
  memset(&b, 0, sizeof b);
  b.s = s, b.root = root, b.req = req, b.field = -1;
  lf_index_meta *ix = NULL;
  int nix = 0;
  char name[160];
  snprintf(name, sizeof name, "%s", req->name[0] ? req->name : "");
  if (!req->name[0]) snprintf(name, sizeof name, "%.150s_idx", req->column);
  int rc = lf_dataset_open(s, root, 0, NULL, &b.ds, err);
  if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(b.ds), &ix, &nix, err);
  int at = rc ? -1 : find_index(ix, nix, name);
  if (!rc && at >= 0 && !req->replace)
    rc = lf_err(err, LF_EXISTS, "%s: an index named '%s' already exists (replace=true replaces it)",
                shown(root), name);
  if (!rc) rc = setup(&b, err);
  b.dataset_version = rc ? 0 : lf_dataset_version(b.ds);
  if (!rc) rc = scan(&b, "sample", sample_batch, err);
  if (!rc) rc = train(&b, err);
  if (!rc) rc = scan(&b, "code", encode_batch, err);
  if (!rc) rc = write_commit(&b, name, at >= 0 ? ix[at].uuid : NULL, version, err);
  build_free(&b);
  lf_indices_free(ix, nix);
  lf_dataset_free(b.ds);
  return rc;
}

/* ---- optimize ------------------------------------------------------------------------------ */

static int has_u32(const uint32_t *v, size_t n, uint32_t x) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == x) return 1;
  return 0;
}

/* The old index's rows, partition by partition, into b's coded rows (PQ
** codes back from their transposed layout). */
static int load_old(build *b, lf_vindex *v, lf_error *err) {
  int rc = LF_OK;
  for (uint32_t p = 0; !rc && p < v->nparts; p++) {
    lf_vpart part;
    memset(&part, 0, sizeof part);
    rc = lf_vindex_load_part(v, p, &part, err);
    if (!rc && part.code_size != b->cs)
      rc = lf_err(err, LF_CORRUPT, "partition %u: codes of %zu bytes, expected %zu", p,
                  part.code_size, b->cs);
    uint8_t *c = rc ? NULL : malloc(b->cs + 1);
    if (!rc && !c) rc = lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; !rc && i < part.n; i++) {
      if (b->req->quant == LF_VQ_PQ)
        for (size_t j = 0; j < b->cs; j++) c[j] = part.codes[j * part.n + i];
      else memcpy(c, part.codes + i * b->cs, b->cs);
      rc = ivf_spill_put(&b->rows, part.rowids[i], p, c, err);
    }
    free(c);
    lf_vpart_reset(&part);
  }
  return rc;
}

/* The model of the old index as the build's (no training). */
static int adopt(build *b, lf_vindex *v, ivf_build_req *r, const lf_index_meta *m, lf_error *err) {
  if ((v->hnsw && v->quant == LF_VQ_PQ) || v->metric == LF_VM_HAMMING ||
      (v->quant == LF_VQ_PQ && v->pq_bits != 8))
    return lf_err(err, LF_UNSUPPORTED, "index '%s': updating %s indexes is not supported yet "
                  "(IVF_FLAT, IVF_PQ with 8 bits, IVF_SQ, IVF_HNSW_SQ and IVF_HNSW_FLAT are)",
                  m->name, v->type);
  /* HNSW: the graphs of the new partitions are built again, with LanceDB's defaults */
  r->hnsw = v->hnsw, r->hnsw_m = 20, r->hnsw_ef = 300, r->seed = 42;
  const lf_schema *sc = lf_dataset_schema(b->ds);
  for (int i = 0; i < sc->n_fields; i++)
    if (m->n_fields == 1 && sc->fields[i]->id == m->fields[0]) r->column = sc->fields[i]->name;
  if (!r->column) return lf_err(err, LF_UNSUPPORTED, "index '%s': its field is not a top-level column", m->name);
  r->quant = v->quant, r->metric = v->metric;
  int rc = vector_field(b, err);
  if (!rc && b->dim != v->dim)
    rc = lf_err(err, LF_CORRUPT, "index '%s': dimension %u, the column's %u", m->name, v->dim, b->dim);
  if (rc) return rc;
  b->nparts = v->nparts, b->m = v->pq_m;
  b->metric = v->metric == LF_VM_DOT ? IVF_TRAIN_DOT : IVF_TRAIN_L2;
  long nc = sysconf(_SC_NPROCESSORS_ONLN);
  b->threads = nc < 1 ? 1 : nc > 64 ? 64 : (int)nc;
  b->model = (lf_ivf_model){v->metric, v->quant, v->dim, v->nparts, NULL, 0, v->pq_m, 8, NULL,
                            v->sq_lo, v->sq_hi, NULL, 0, 0};
  b->cs = lf_ivf_code_size(&b->model);
  rc = ivf_spill_init(&b->rows, b->nparts, b->cs, 0, err);
  if (rc) return rc;
  size_t nc2 = (size_t)v->nparts * v->dim, nb = (size_t)256 * v->dim;
  if (!(b->cent = malloc(nc2 * sizeof *b->cent))) return lf_err(err, LF_NOMEM, "out of memory");
  memcpy(b->cent, v->centroids, nc2 * sizeof *b->cent);
  if (v->quant == LF_VQ_PQ) {
    if (!(b->codebook = malloc(nb * sizeof *b->codebook)) || !(b->cbt = malloc(nb * sizeof *b->cbt)))
      return lf_err(err, LF_NOMEM, "out of memory");
    memcpy(b->codebook, v->pq_codebook, nb * sizeof *b->codebook);
    ivf_pq_transpose(b->codebook, b->dim, b->m, b->cbt);
  }
  return LF_OK;
}

/* Bring index m up to date: the rows of the fragments it lacks coded with
** its model into its partitions, in a new directory replacing it. */
static int optimize_one(lf_store *s, const char *root, lf_dataset *ds, const lf_index_meta *m,
                        ivf_progress_fn progress, void *pctx, uint64_t *version, int *done,
                        lf_error *err) {
  uint64_t fresh = 0;
  for (int i = 0; i < lf_dataset_num_fragments(ds); i++) {
    const lf_fragment *f = lf_dataset_fragment(ds, i);
    if (!has_u32(m->frags, m->n_frags, (uint32_t)f->id))
      fresh += f->physical_rows - (f->deletion.present ? f->deletion.num_deleted_rows : 0) + 1;
  }
  if (!fresh) return LF_OK; /* every fragment indexed */
  ivf_build_req r;
  memset(&r, 0, sizeof r);
  r.progress = progress, r.progress_ctx = pctx;
  build b;
  memset(&b, 0, sizeof b);
  b.s = s, b.root = root, b.req = &r, b.ds = ds, b.field = -1;
  b.skip = m->frags, b.nskip = m->n_frags, b.live = fresh, b.dataset_version = m->dataset_version;
  size_t dn = strlen(root) + 64;
  char *dir = malloc(dn);
  if (dir) snprintf(dir, dn, "%s%s_indices/%s", root, root[0] ? "/" : "", m->uuid); /* as ann.c */
  lf_vindex *v = NULL;
  int rc = dir ? lf_vindex_open(s, dir, &v, err) : lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = adopt(&b, v, &r, m, err);
  if (!rc) rc = load_old(&b, v, err);
  if (!rc) rc = scan(&b, "code", encode_batch, err);
  if (!rc) rc = write_commit(&b, m->name, m->uuid, version, err);
  if (!rc) ++*done;
  lf_vindex_free(v);
  free(dir);
  build_free(&b);
  return rc;
}

int ivf_optimize(lf_store *s, const char *root, ivf_progress_fn progress, void *pctx,
                 uint64_t *version, int *n_updated, lf_error *err) {
  char **names = NULL;
  int nn = 0;
  *n_updated = 0;
  int rc = lf_index_names(s, root, LF_IVF_DETAILS_URL, &names, &nn, err);
  for (int k = 0; !rc && k < nn; k++) { /* each on the newest version, committed in turn */
    lf_dataset *ds = NULL;
    lf_index_meta *ix = NULL;
    int nix = 0;
    rc = lf_dataset_open(s, root, 0, NULL, &ds, err);
    if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(ds), &ix, &nix, err);
    int at = rc ? -1 : find_index(ix, nix, names[k]);
    if (at >= 0) rc = optimize_one(s, root, ds, &ix[at], progress, pctx, version, n_updated, err);
    lf_indices_free(ix, nix);
    lf_dataset_free(ds);
  }
  for (int k = 0; k < nn; k++) free(names[k]);
  free(names);
  return rc;
}
