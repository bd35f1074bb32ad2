/*
** backfill.c: owns lance_backfill and lance_progress (and the progress
** files, which index builds write too: index_cmd.c).
**
**   lance_backfill(t, column, expr [, 'where=<filter> batch_rows=N commit_every=N progress=0|1'])
**
** Computes `expr` (evaluated by SQLite: any SQL or application-defined
** function) for the live rows where the filter holds (every row without
** one) and writes the column alone: per fragment one new file holding the
** whole column (the rows the filter leaves keep their values), never the
** other columns.  The files go in as Lance's DataReplacement commits (the
** fragment's file of exactly that column is replaced, or the file is added
** when the column had no data in the fragment, as after an all-NULL
** lance_add_columns); when the column shares a data file with other
** columns (rows inserted through SQL or LanceDB's add()), that fragment
** goes in by a Merge commit that tombstones the old copy (field id -2), as
** Lance's column rewrites do.  A version is committed every commit_every
** computed rows (default 65536) and at the end.  A DataReplacement replaces
** a fragment's whole column file, so when the count runs out inside a
** fragment, lance_backfill_gate() stops computing, the rest of the fragment
** is written with its old values, the file is committed, and a new pass over
** the version just made (earlier fragments skipped with OFFSET, undecoded)
** computes only the rows after the cut; each cut rewrites that fragment's
** column file once more (the cost of a checkpoint: fragment rows /
** commit_every rewrites of one column).  A crash, an error or
** sqlite3_interrupt() therefore loses at most the rows computed since the
** last commit, and nothing of them stays visible; a second call with a
** filter such as `column IS NULL` resumes where the first stopped.
** batch_rows (default 4096) is how many rows are encoded at a time.
** `where=` takes the rest of the options text up to the next
** `batch_rows=`, `commit_every=` or `progress=`.
**
** Progress goes to <dataset>/_progress/backfill-<field id>.json (replaced
** atomically after each commit: operation, column, state running | done |
** failed | interrupted, rows_done, rows_total, rows_per_s, version, pid,
** updated, error), which lance_progress(t) lists from any connection or
** process, and with progress=1 a line on stderr per commit.
** Returns the last version committed (the starting one when no row matched).
** Indexed columns are refused: their index would no longer match.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vtab.h"
#include "vtab/evolve.h"
#include "vtab/opts.h"

typedef struct bf {
  const char *column, *expr;
  char *where;              /* sqlite3_malloc'd, or NULL */
  sqlite3_int64 batch_rows, commit_every;
  int progress;
  const lf_field *field;    /* the column: cols.fields[0] once known */
  lf_schema cols;           /* the column alone, its field ids */
  lf_manifest cur;          /* the last version committed here (cur.raw == NULL: none) */
  uint64_t version, total, pending, done;
  int merge;                /* a pending fragment needs a MERGE */
  double t0;
  char *progress_path;
} bf;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- options -------------------------------------------------------------------- */

static const char *const bf_keys[] = {"where", "batch_rows", "commit_every", "progress"};

static int int_opt(pctx *p, const char *key, const char *v, int n, sqlite3_int64 *out) {
  char *end;
  char buf[32];
  snprintf(buf, sizeof buf, "%.*s", n < 31 ? n : 31, v);
  long long x = strtoll(buf, &end, 10);
  if (!n || *end || x <= 0)
    return pragma_error(p, "%s must be a positive integer, not '%.*s'", key, n, v);
  *out = x;
  return SQLITE_OK;
}

static int parse_opts(pctx *p, const char *z, bf *b) {
  b->batch_rows = 4096, b->commit_every = 65536;
  vtab_opt a;
  while (vtab_opt_next(&z, bf_keys, 4, 1, &a)) {
    int k = a.key, n = (int)a.vn, rc = SQLITE_OK;
    const char *v = a.v;
    if (k < 0) return pragma_error(p, "unknown option '%.*s' (where=, batch_rows=, commit_every=, "
                                      "progress=)", (int)strcspn(a.k, " \t\n"), a.k);
    if (k == 0) {
      sqlite3_free(b->where);
      if (!n) return pragma_error(p, "where= needs a filter");
      if (!(b->where = sqlite3_mprintf("%.*s", n, v))) return SQLITE_NOMEM;
    } else if (k == 1) rc = int_opt(p, "batch_rows", v, n, &b->batch_rows);
    else if (k == 2) rc = int_opt(p, "commit_every", v, n, &b->commit_every);
    else if (n == 1 && (*v == '0' || *v == '1')) b->progress = *v == '1';
    else rc = pragma_error(p, "progress must be 0 or 1, not '%.*s'", n, v);
    if (rc) return rc;
  }
  return SQLITE_OK;
}

/* ---- progress ------------------------------------------------------------------- */

static void json_str(sqlite3_str *s, const char *key, const char *v) {
  sqlite3_str_appendf(s, ", \"%s\": ", key);
  if (v) vtab_json_string(s, (const uint8_t *)v, strlen(v));
  else sqlite3_str_appendall(s, "null");
}

double vtab_progress_clock(void) { return now_s(); }

void vtab_progress_save(pctx *p, const char *path, const vtab_progress_rec *r) {
  time_t t = time(NULL);
  struct tm tm;
  char when[32];
  strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", gmtime_r(&t, &tm));
  sqlite3_str *s = sqlite3_str_new(NULL);
  sqlite3_str_appendf(s, "{\"operation\": \"%s\"", r->operation);
  json_str(s, "table", p->zTable ? p->zTable : p->zPath);
  json_str(s, "column", r->column);
  for (int i = 0; i < 4; i += 2)
    if (r->extra[i]) json_str(s, r->extra[i], r->extra[i + 1]);
  json_str(s, "state", r->state);
  json_str(s, "phase", r->phase);
  sqlite3_str_appendf(s, ", \"rows_done\": %llu, \"rows_total\": %llu, \"rows_per_s\": %lld, "
                      "\"version\": %llu, \"pid\": %d", (unsigned long long)r->done,
                      (unsigned long long)r->total, r->rate, (unsigned long long)r->version,
                      (int)getpid());
  json_str(s, "updated", when);
  json_str(s, "error", r->error);
  sqlite3_str_appendall(s, "}\n");
  int n = sqlite3_str_length(s);
  char *z = sqlite3_str_finish(s);
  lf_error e2 = {0};
  if (z && path) p->store->put(p->store, path, z, (size_t)n, 0, &e2);
  sqlite3_free(z);
}

/* The progress file (written without SQL: the connection may be interrupted)
** and, with progress=1, the stderr line. */
static void report(evo *e, bf *b, const char *state, const char *error) {
  double dt = now_s() - b->t0;
  long long rate = dt > 0 ? (long long)(b->done / dt) : 0;
  vtab_progress_rec r = {"backfill", b->field->name, state, NULL, error, b->done, b->total,
                         b->version, rate, {"expression", b->expr, "where", b->where}};
  vtab_progress_save(e->p, b->progress_path, &r);
  if (b->progress)
    fprintf(stderr, "lance_backfill: %s: %llu/%llu rows (%.1f%%), %lld rows/s, version %llu, %s\n",
            b->field->name, (unsigned long long)b->done, (unsigned long long)b->total,
            b->total ? 100.0 * (double)b->done / (double)b->total : 100.0, rate,
            (unsigned long long)b->version, state);
}

/* ---- commits -------------------------------------------------------------------- */

static int commit_pending(evo *e, bf *b) {
  if (!e->nadds) return SQLITE_OK;
  const lf_manifest *base = b->cur.raw ? &b->cur : lf_dataset_manifest(e->ds);
  lf_evolve_spec sp;
  memset(&sp, 0, sizeof sp);
  if (!b->merge)
    for (int i = 0; i < e->nadds; i++) e->adds[i].n_tombstones = 0;
  uint64_t v = 0;
  int rc = evo_commit(e, base, b->merge ? LF_COMMIT_MERGE : LF_COMMIT_REPLACE, &sp, &v);
  if (rc) return rc;
  lf_manifest_reset(&b->cur);
  int lrc = lf_dataset_read_manifest(e->p->store, e->p->zPath, v, &b->cur, &e->p->err);
  if (lrc) return pragma_lf_error(e->p, lrc);
  b->version = v, b->done += b->pending, b->pending = 0, b->merge = 0;
  report(e, b, "running", NULL);
  return SQLITE_OK;
}

/* After each fragment's file: note how it must go in; commit when the
** budget of commit_every rows ran out (the gate stopped). */
static int on_frag(evo *e, int fi, uint64_t computed) {
  bf *b = e->ctx;
  if (e->nadds && computed) {
    const lf_fragment *fr = lf_dataset_fragment(e->ds, fi);
    if (!lf_evolve_replaceable(fr, &e->adds[e->nadds - 1].file)) b->merge = 1;
  }
  b->pending += computed;
  if (!e->gate.stop) return SQLITE_OK;
  e->budget = (uint64_t)b->commit_every;
  return commit_pending(e, b);
}

/* lance_backfill_gate(gate, _rowaddr): compute this row? (evo_gate) */
static void gate_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const evo_gate *g = sqlite3_value_pointer(argv[0], "lance_evo_gate");
  (void)argc;
  if (!g) {
    sqlite3_result_error(ctx, "lance_backfill_gate is internal to lance_backfill", -1);
    return;
  }
  uint64_t a = (uint64_t)sqlite3_value_int64(argv[1]);
  int stopped = g->stop && (g->block_all || a >> 32 == g->stop_frag);
  sqlite3_result_int(ctx, !stopped && !(g->has_from && a >> 32 == g->frag &&
                                        (a & 0xFFFFFFFFu) < g->from));
}

int evo_register(sqlite3 *db) {
  return sqlite3_create_function(db, "lance_backfill_gate", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                 NULL, gate_func, NULL, NULL);
}

/* Index of fragment id `id` in e->ds, or -1 when it is gone. */
static int frag_index(evo *e, uint64_t id) {
  for (int i = 0; i < lf_dataset_num_fragments(e->ds); i++)
    if (lf_dataset_fragment(e->ds, i)->id == id) return i;
  return -1;
}

/* One pass over the latest version, from the fragment the gate names. */
static int pass(evo *e, bf *b) {
  int first = e->gate.has_from ? frag_index(e, e->gate.frag) : 0;
  if (first < 0) /* every row of it deleted meanwhile: where to go on is unknown */
    return pragma_error(e->p, "fragment %llu was removed by a concurrent write; run the "
                              "backfill again", (unsigned long long)e->gate.frag);
  uint64_t skip = 0;
  int rc = evo_rows_before(e, first, &skip);
  if (rc) return rc;
  const char *w = b->where ? b->where : "1";
  sqlite3_stmt *st = NULL;
  rc = evo_prepare(e, sqlite3_mprintf("_rowaddr, CASE WHEN lance_backfill_gate(?1, _rowaddr) AND (%s) "
                                      "THEN 1 ELSE 0 END, CASE WHEN lance_backfill_gate(?1, _rowaddr) "
                                      "AND (%s) THEN (%s) ELSE \"%w\" END", w, w, b->expr,
                                      b->field->name), NULL, &st);
  if (rc) return rc;
  char *sql = sqlite3_mprintf("%s LIMIT -1 OFFSET %llu", sqlite3_sql(st), (unsigned long long)skip);
  sqlite3_finalize(st);
  st = NULL;
  rc = sql ? sqlite3_prepare_v2(e->p->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (!rc) rc = sqlite3_bind_pointer(st, 1, &e->gate, "lance_evo_gate", NULL);
  if (!rc) rc = evo_write(e, st, &b->cols, 0, first);
  sqlite3_finalize(st);
  return rc;
}

/* ---- the command ------------------------------------------------------------------- */

static int check_indexes(evo *e, bf *b) {
  lf_index_meta *ix = NULL;
  int n = 0, rc = SQLITE_OK;
  int lrc = lf_manifest_indices(lf_dataset_manifest(e->ds), &ix, &n, &e->p->err);
  if (lrc) return pragma_lf_error(e->p, lrc);
  for (int i = 0; !rc && i < n; i++)
    for (int k = 0; !rc && k < ix[i].n_fields; k++)
      for (int j = 0; !rc && j < b->cols.n_all; j++)
        if (b->cols.all[j]->id >= 0 && b->cols.all[j]->id == ix[i].fields[k])
          rc = pragma_error(e->p, "column '%s' has the index '%s'; drop it (lance_drop_index) "
                                  "and build it again after the backfill", b->field->name,
                            ix[i].name);
  lf_indices_free(ix, n);
  return rc;
}

static int count_rows(evo *e, bf *b) {
  sqlite3_stmt *st = NULL;
  int rc = evo_prepare(e, sqlite3_mprintf("count(*)"), b->where, &st);
  if (rc) return rc;
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) b->total = (uint64_t)sqlite3_column_int64(st, 0);
  else rc = step == SQLITE_INTERRUPT ? step
            : pragma_error(e->p, "the filter failed: %s", sqlite3_errmsg(e->p->db));
  sqlite3_finalize(st);
  return rc;
}

static int run(evo *e, bf *b) {
  pctx *p = e->p;
  int rc = evo_column(e, b->column, &b->field);
  int lrc = rc ? 0 : lf_schema_pick(lf_dataset_schema(e->ds), b->field, &b->cols, &p->err);
  if (lrc) return pragma_lf_error(p, lrc);
  if (!rc) b->field = b->cols.fields[0]; /* e->ds changes between passes: keep our copy */
  if (!rc) rc = check_indexes(e, b);
  if (rc) return rc;
  if (!(e->tomb = calloc((size_t)b->cols.n_all + 1, sizeof *e->tomb))) return SQLITE_NOMEM;
  for (int i = 0; i < b->cols.n_all; i++)
    if (b->cols.all[i]->id >= 0) e->tomb[e->ntomb++] = b->cols.all[i]->id;
  b->progress_path = sqlite3_mprintf("%s%s_progress/backfill-%d.json", p->zPath,
                                     *p->zPath ? "/" : "", (int)b->field->id);
  if (!b->progress_path) return SQLITE_NOMEM;
  if ((rc = count_rows(e, b))) return rc;
  report(e, b, "running", NULL);
  e->on_frag = on_frag, e->ctx = b;
  e->budget = (uint64_t)b->commit_every;
  e->batch = (uint64_t)b->batch_rows;
  while ((rc = pass(e, b)) == EVO_RESTART)
    if ((rc = evo_reopen(e))) return rc;
  if (!rc) rc = commit_pending(e, b);
  return rc;
}

int evo_backfill(pctx *p, int argc, sqlite3_value **argv, uint64_t *version) {
  bf b;
  memset(&b, 0, sizeof b);
  b.t0 = now_s();
  if (sqlite3_value_type(argv[1]) != SQLITE_TEXT) return pragma_error(p, "the column name must be TEXT");
  if (sqlite3_value_type(argv[2]) != SQLITE_TEXT) return pragma_error(p, "the expression must be TEXT");
  b.column = (const char *)sqlite3_value_text(argv[1]);
  b.expr = (const char *)sqlite3_value_text(argv[2]);
  if (argc > 3 && sqlite3_value_type(argv[3]) != SQLITE_NULL &&
      sqlite3_value_type(argv[3]) != SQLITE_TEXT)
    return pragma_error(p, "the options must be TEXT ('where=... commit_every=N ...')");
  int rc = parse_opts(p, argc > 3 ? (const char *)sqlite3_value_text(argv[3]) : NULL, &b);
  evo e;
  if (!rc) rc = evo_open(&e, p);
  else memset(&e, 0, sizeof e);
  if (!rc) {
    b.version = lf_dataset_version(e.ds);
    rc = run(&e, &b);
    if (b.field && b.progress_path) {
      char *why = rc && rc != SQLITE_INTERRUPT && p->zErr ? p->zErr : NULL;
      report(&e, &b, !rc ? "done" : rc == SQLITE_INTERRUPT ? "interrupted" : "failed", why);
    }
    *version = b.version;
  }
  if (e.p) evo_close(&e, 1);
  lf_manifest_reset(&b.cur);
  lf_schema_reset(&b.cols);
  sqlite3_free(b.where);
  sqlite3_free(b.progress_path);
  return rc;
}

/* ---- lance_progress ------------------------------------------------------------------ */

static int progress_row(pctx *p, prows *r, const char *json) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(p->db, "SELECT j->>'operation', j->>'column', j->>'state', "
                              "j->>'rows_done', j->>'rows_total', j->>'rows_per_s', "
                              "j->>'version', j->>'pid', j->>'updated', j->>'error', j->>'phase' "
                              "FROM (SELECT ?1 AS j) WHERE json_valid(j)", -1, &st, NULL);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW)
    for (int i = 0; i < 11; i++) {
      if (sqlite3_column_type(st, i) == SQLITE_INTEGER) pragma_int(r, sqlite3_column_int64(st, i));
      else pragma_text(r, (const char *)sqlite3_column_text(st, i));
    }
  return sqlite3_finalize(st);
}

int pragma_fill_progress(pctx *p, prows *r) {
  char **names = NULL;
  size_t n = 0;
  char *dir = sqlite3_mprintf("%s%s_progress", p->zPath, *p->zPath ? "/" : "");
  if (!dir) return SQLITE_NOMEM;
  int lrc = lf_store_list_suffix(p->store, dir, ".json", 1, &names, &n, &p->err), rc = SQLITE_OK;
  if (lrc == LF_NOTFOUND) lrc = LF_OK, n = 0;
  for (size_t i = 0; !lrc && !rc && i < n; i++) {
    char *path = sqlite3_mprintf("%s/%s.json", dir, names[i]);
    uint64_t size = 0;
    uint8_t *d = NULL;
    if (!path) rc = SQLITE_NOMEM;
    else if (!p->store->size(p->store, path, &size, &p->err) && size < (1u << 20) &&
             !lf_store_read_alloc(p->store, path, 0, (size_t)size, &d, &p->err)) {
      char *json = sqlite3_mprintf("%.*s", (int)size, (const char *)d);
      rc = json ? progress_row(p, r, json) : SQLITE_NOMEM;
      sqlite3_free(json);
    }
    free(d);
    sqlite3_free(path);
  }
  lf_names_free(names, n);
  sqlite3_free(dir);
  return lrc ? pragma_lf_error(p, lrc) : rc;
}
