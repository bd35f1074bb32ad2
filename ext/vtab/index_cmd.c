/*
** index_cmd.c: owns the SQL commands that build and drop indexes (scalar
** functions; the first argument is a lance table name or a dataset path,
** resolved as the pragma functions resolve it; each returns the dataset
** version it leaves as the latest):
**   lance_create_index(t, column, type [, options])
**       type 'FTS' or 'INVERTED' (any case): a full-text index built and
**       committed by format/index/fts_build.c; options: `key=value` pairs
**       (tok_options.c), LanceDB's tokenizer parameters plus with_position,
**       block_size, name (default '<column>_idx') and replace (default true).
**       type 'IVF_FLAT', 'IVF_PQ', 'IVF_SQ', 'IVF_HNSW_SQ' or
**       'IVF_HNSW_FLAT' (any case): a vector index built and committed by
**       ext/vec/ivf_build.c; options: LanceDB's num_partitions,
**       num_sub_vectors, num_bits, max_iterations, sample_rate,
**       distance_type, m, ef_construction, plus name, replace and threads.
**       type 'BTREE', 'BITMAP' or 'LABEL_LIST': a scalar index built and
**       committed by format/index/scalar_build.c; options: name (default
**       '<column>_idx') and replace (default true).
**       Other vector and scalar types are refused, naming the type.
**   lance_drop_index(t, name)
**   lance_optimize_indices(t)       every FTS index brought up to date, then
**                                   every IVF vector index (ivf_build.c), and
**                                   every scalar index lacking appended
**                                   fragments rebuilt
** commands.c registers them beside the other commands (SQLITE_DIRECTONLY)
** and resolves the first argument.  A build checks for
** sqlite3_interrupt() (and a progress handler asking to stop) after every
** batch of rows: the build stops, nothing is committed, and the statement
** fails with SQLITE_INTERRUPT.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fts/fts_sql.h"
#include "index/fts_write.h"
#include "index/scalar.h"
#include "opts.h"
#include "pragma.h"
#include "vtab.h"
#include "vec/ivf_build.h"

/* The builds' progress callback: stop when the connection is interrupted
** (vtab_interrupted; the probe statement finalized by the caller), and,
** when `path` is set, report: the progress file
** <dataset>/_progress/index-<name>.json (lance_progress) at every phase
** change and every 2 s, with show a line on stderr as often. */
typedef struct index_probe {
  sqlite3 *db;
  sqlite3_stmt *st;
  pctx *p;
  char *path;                /* sqlite3_malloc'd, or NULL: no report */
  const char *name, *column, *phase;
  int show;
  double t0, tphase, last;
  uint64_t done, total, version;
  long long rate;            /* rows/s of the last pass over rows (sample, code) */
} index_probe;

static void index_report(index_probe *pr, const char *state, const char *error) {
  double now = vtab_progress_clock(), dt = now - pr->tphase;
  const char *ph = pr->phase;
  if (dt > 0 && (!strcmp(ph, "sample") || !strcmp(ph, "code") || !strcmp(ph, "index")))
    pr->rate = (long long)(pr->done / dt);
  long long rate = pr->rate;
  vtab_progress_rec r = {"create_index", pr->column, state, ph, error, pr->done, pr->total,
                         pr->version, rate, {"index", pr->name, NULL, NULL}};
  pr->last = now;
  vtab_progress_save(pr->p, pr->path, &r);
  if (pr->show)
    fprintf(stderr, "lance_create_index: %s: %s %llu/%llu rows (%.1f%%), %lld rows/s, %.1f s, %s\n",
            pr->name, pr->phase, (unsigned long long)pr->done, (unsigned long long)pr->total,
            pr->total ? 100.0 * (double)pr->done / (double)pr->total : 100.0, rate, now - pr->t0,
            state);
}

static int index_phase(void *ctx, const char *phase, uint64_t done, uint64_t total) {
  index_probe *pr = ctx;
  if (pr->path) {
    double now = vtab_progress_clock();
    int changed = !pr->phase || strcmp(pr->phase, phase);
    if (changed) pr->tphase = now;
    pr->phase = phase, pr->done = done, pr->total = total;
    if (changed || now - pr->last >= 2.0) index_report(pr, "running", NULL);
  }
  return vtab_interrupted(pr->db, &pr->st);
}

static int index_progress(void *ctx, uint64_t done, uint64_t total) {
  return index_phase(ctx, "index", done, total);
}

/* Start reporting a build of index `name` (NULL: '<column>_idx'). */
static int index_watch(index_probe *pr, pctx *p, const char *column, const char *name, int show) {
  char *fn = sqlite3_mprintf("%s", name && *name ? name : column);
  if (!fn) return SQLITE_NOMEM;
  for (char *c = fn; *c; c++) /* a file name whatever the index name */
    if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') && !(*c >= '0' && *c <= '9') &&
        *c != '_' && *c != '-')
      *c = '_';
  int dflt = !(name && *name);
  pr->path = sqlite3_mprintf("%s%s_progress/index-%s%s.json", p->zPath, *p->zPath ? "/" : "", fn,
                             dflt ? "_idx" : "");
  pr->name = dflt ? sqlite3_mprintf("%s_idx", column) : sqlite3_mprintf("%s", name);
  sqlite3_free(fn);
  pr->p = p, pr->column = column, pr->show = show;
  pr->t0 = pr->tphase = vtab_progress_clock();
  return pr->path && pr->name ? SQLITE_OK : SQLITE_NOMEM;
}

/* The final record (state done with the version committed, interrupted or
** failed) and the probe freed. */
static void index_unwatch(index_probe *pr, int rc, uint64_t version) {
  if (pr->path && pr->phase) {
    if (!rc) pr->done = pr->total, pr->version = version;
    index_report(pr, !rc ? "done" : rc == SQLITE_INTERRUPT ? "interrupted" : "failed",
                 rc && rc != SQLITE_INTERRUPT && pr->p->zErr ? pr->p->zErr : NULL);
  }
  sqlite3_finalize(pr->st);
  sqlite3_free(pr->path);
  sqlite3_free((char *)pr->name);
}

static const char *const vector_types[] = {"IVF_FLAT", "IVF_PQ", "IVF_SQ", "IVF_RQ",
                                           "IVF_HNSW_FLAT", "IVF_HNSW_SQ", "IVF_HNSW_PQ", "HNSW"};
static const char *const scalar_types[] = {"NGRAM", "ZONEMAP", "BLOOMFILTER"};
static const char *const built_scalar[] = {"BTREE", "BITMAP", "LABEL_LIST"}; /* LF_SIDX_ 1.. */

static int type_arg(pctx *p, const char *type) {
  if (!type) return pragma_error(p, "the index type must be TEXT ('FTS')");
  if (!strcasecmp(type, "FTS") || !strcasecmp(type, "INVERTED") || ivf_build_type_ok(type))
    return SQLITE_OK;
  for (size_t i = 0; i < sizeof built_scalar / sizeof *built_scalar; i++)
    if (!strcasecmp(type, built_scalar[i])) return SQLITE_OK;
  for (size_t i = 0; i < sizeof vector_types / sizeof *vector_types; i++)
    if (!strcasecmp(type, vector_types[i]))
      return pragma_error(p, "building %s (vector) indexes is not supported yet; IVF_FLAT, IVF_PQ, "
                          "IVF_SQ, IVF_HNSW_SQ and IVF_HNSW_FLAT are", type);
  for (size_t i = 0; i < sizeof scalar_types / sizeof *scalar_types; i++)
    if (!strcasecmp(type, scalar_types[i]))
      return pragma_error(p, "building %s (scalar) indexes is not supported yet; BTREE, BITMAP "
                          "and LABEL_LIST are", type);
  return pragma_error(p, "unknown index type '%s' (FTS, INVERTED, IVF_FLAT, IVF_PQ, IVF_SQ, "
                      "IVF_HNSW_SQ, IVF_HNSW_FLAT, BTREE, BITMAP or LABEL_LIST)", type);
}

static const char *text_arg(sqlite3_value *v) {
  return sqlite3_value_type(v) == SQLITE_TEXT ? (const char *)sqlite3_value_text(v) : NULL;
}

static int create_vector_index(pctx *p, const char *col, const char *type, const char *opts,
                               uint64_t *version) {
  ivf_build_req req;
  char msg[256];
  if (ivf_build_options(type, opts, &req, msg, sizeof msg)) return pragma_error(p, "%s", msg);
  req.column = col;
  index_probe pr = {.db = p->db};
  int rc = index_watch(&pr, p, col, req.name, req.show_progress);
  req.progress = index_phase;
  req.progress_ctx = &pr;
  int lrc = rc ? LF_OK : ivf_build_create(p->store, p->zPath, &req, version, &p->err);
  if (!rc) rc = lrc == LF_INTERRUPTED ? SQLITE_INTERRUPT : lrc ? pragma_lf_error(p, lrc) : SQLITE_OK;
  index_unwatch(&pr, rc, *version);
  return rc;
}

/* A scalar index (kind: LF_SIDX_BTREE ..): options name=... replace=true|false. */
static int create_scalar(pctx *p, const char *col, int kind, const char *opts, uint64_t *version) {
  char name[256] = "";
  int replace = 1;
  vtab_opt o;
  while (vtab_opt_next(&opts, NULL, 0, 0, &o)) {
    int is_true = o.vn == 4 && !memcmp(o.v, "true", 4), is_false = o.vn == 5 && !memcmp(o.v, "false", 5);
    if (o.has_eq && vtab_opt_is(&o, "name") && o.vn && o.vn < sizeof name) {
      memcpy(name, o.v, o.vn);
      name[o.vn] = 0;
    } else if (o.has_eq && vtab_opt_is(&o, "replace") && (is_true || is_false)) {
      replace = is_true;
    } else {
      return pragma_error(p, "bad option '%.*s' for a %s index (name=..., replace=true|false)",
                          (int)(o.has_eq ? o.kn + 1 + o.vn : o.kn), o.k, built_scalar[kind - 1]);
    }
  }
  int lrc = lf_sidx_create_index(p->store, p->zPath, col, kind, name, replace, version, &p->err);
  return lrc ? pragma_lf_error(p, lrc) : SQLITE_OK;
}

static int create_index(pctx *p, int argc, sqlite3_value **argv, uint64_t *version) {
  const char *col = text_arg(argv[1]), *opts = argc > 3 ? text_arg(argv[3]) : NULL;
  if (!col) return pragma_error(p, "the column name must be TEXT");
  int rc = type_arg(p, text_arg(argv[2]));
  if (rc) return rc;
  if (argc > 3 && !opts && sqlite3_value_type(argv[3]) != SQLITE_NULL)
    return pragma_error(p, "the options must be TEXT ('key=value ...')");
  if (ivf_build_type_ok(text_arg(argv[2])))
    return create_vector_index(p, col, text_arg(argv[2]), opts, version);
  for (size_t i = 0; i < sizeof built_scalar / sizeof *built_scalar; i++)
    if (!strcasecmp(text_arg(argv[2]), built_scalar[i])) return create_scalar(p, col, (int)i + 1, opts, version);
  fts_tok_spec spec;
  fts_index_spec ix;
  lf_fts_create req;
  char msg[256];
  memset(&req, 0, sizeof req);
  if (fts_index_options(opts, &spec, &req.params.tok, &ix, msg, sizeof msg))
    return pragma_error(p, "%s", msg);
  req.column = col;
  req.name = ix.name[0] ? ix.name : NULL;
  req.replace = ix.replace;
  req.params.with_position = ix.with_position;
  req.params.block_size = ix.block_size;
  index_probe pr = {.db = p->db};
  rc = index_watch(&pr, p, col, req.name, ix.progress);
  req.progress = index_progress;
  req.progress_ctx = &pr;
  int lrc = rc ? LF_OK : lf_fts_create_index(p->store, p->zPath, &req, version, &p->err);
  if (!rc) rc = lrc == LF_INTERRUPTED ? SQLITE_INTERRUPT : lrc ? pragma_lf_error(p, lrc) : SQLITE_OK;
  index_unwatch(&pr, rc, *version);
  return rc;
}

int pragma_index_command(pctx *p, int argc, sqlite3_value **argv, uint64_t *version) {
  const char *f = p->zFunc;
  int lrc;
  if (!strcmp(f, "lance_create_index")) return create_index(p, argc, argv, version);
  if (!strcmp(f, "lance_drop_index")) {
    const char *name = text_arg(argv[1]);
    if (!name) return pragma_error(p, "the index name must be TEXT");
    lrc = lf_index_drop(p->store, p->zPath, name, version, &p->err);
  } else {
    index_probe pr = {.db = p->db};
    int n = 0;
    lrc = lf_fts_optimize(p->store, p->zPath, 0, index_progress, &pr, version, &n, &p->err);
    if (!lrc) lrc = ivf_optimize(p->store, p->zPath, index_phase, &pr, version, &n, &p->err);
    sqlite3_finalize(pr.st);
    if (!lrc) lrc = lf_sidx_optimize(p->store, p->zPath, &n, version, &p->err);
    if (lrc == LF_INTERRUPTED) return SQLITE_INTERRUPT;
  }
  return lrc ? pragma_lf_error(p, lrc) : SQLITE_OK;
}
