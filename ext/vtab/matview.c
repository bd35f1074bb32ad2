/*
** matview.c: owns materialized views on the SQL side (docs/sql.md,
** "Materialized views"):
**
**   SELECT lance_create_view('night_peds.lance', 'bdd',
**            'SELECT id, image, caption FROM bdd WHERE has_person AND timeofday = ''night''');
**   SELECT lance_refresh('night_peds.lance');
**
** A view is a Lance dataset (data file version 2.2) holding the rows of the
** SQL over its source, each with the hidden-by-convention column
** _source_rowid (the source row id), and in its manifest's config:
**   sqlite_lance.view.sql             the SQL as given
**   sqlite_lance.view.source          the source dataset's location
**   sqlite_lance.view.source_version  the source version the rows reflect
** The SQL is one SELECT of source columns (renaming allowed) FROM the
** source with an optional WHERE (matview_sql.c); aggregates, window functions
** and subqueries reading other tables are refused from its EXPLAIN.
**
** lance_create_view(view, source, sql) evaluates the SQL over the source's
** latest version and creates the view (one version).  lance_refresh(view)
** opens the source's latest version V, compares its fragments with those of
** the recorded version (lf_view_changed: new fragments and fragments whose
** data files changed, as after compaction or an update; every fragment
** when the recorded version was cleaned up), removes the view rows whose
** source row is no longer live or lies in a changed fragment, evaluates
** the SQL over the changed fragments' rows only (a take by row id through a
** temporary lance table pinned to V), and commits rows added, rows removed
** and the new source_version as ONE version of the view.  Both return a
** JSON report: {"added":N,"removed":M,"source_version":V,"version":W,
** "fragments_read":K}.  On any error or interrupt nothing is committed and
** the files written are removed.  Two refreshes of one view must not run
** at the same time (their appends would both commit).  A refresh runs the
** SQL stored in the view (checked again as at create) on the connection:
** refresh only views one trusts, as one would run their SQL.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_matview.h"
#include "lf_write.h"
#include "pragma.h"
#include "vtab.h"
#include "vtab/matview.h"

#define VIEW_KEY_SQL "sqlite_lance.view.sql"
#define VIEW_KEY_SOURCE "sqlite_lance.view.source"
#define VIEW_KEY_VERSION "sqlite_lance.view.source_version"
#define VIEW_BATCH 4096

typedef struct vw {
  sqlite3 *db;
  pctx *p;                 /* errors (p->zErr) and the view's store (refresh) */
  const char *sql;         /* the view's SQL */
  const char *src_uri;     /* the source dataset's location */
  view_sql q;
  char *tmp;               /* temp table over the source at version V */
  lf_store *sstore;        /* the source's store */
  char *sroot;
  lf_dataset *src;         /* the source at V */
  uint64_t old_version;    /* the version the view reflects (0: none) */
  uint8_t *changed;        /* per fragment of src: read again */
  int nchanged;
  lf_store *vstore;        /* the view's store and root */
  const char *vroot;
  const lf_schema *vs;     /* the view's schema */
  lf_frag_writer fw;
  uint64_t added, removed;
} vw;

static int vw_lf_error(vw *v, int lrc, const lf_error *e) {
  if (lrc == LF_NOMEM) return SQLITE_NOMEM;
  return pragma_error(v->p, "%s", e->msg);
}

/* ---- The source ------------------------------------------------------------------- */

/* Open the source's latest version and a temp lance table pinned to it. */
static int open_source(vw *v) {
  lf_error e = {0};
  int lrc = lf_store_open(v->src_uri, NULL, &v->sstore, &v->sroot, &e);
  if (!lrc) lrc = lf_dataset_open(v->sstore, v->sroot, 0, NULL, &v->src, &e);
  if (lrc) return vw_lf_error(v, lrc, &e);
  int rc = vtab_temp_lance(v->db, "lance_view_src", v->src_uri, lf_dataset_version(v->src), &v->tmp);
  return rc && rc != SQLITE_NOMEM ? pragma_error(v->p, "%s", sqlite3_errmsg(v->db)) : rc;
}

/* Which fragments of the source to read: those changed since old_version. */
static int find_changed(vw *v) {
  const lf_manifest *cur = lf_dataset_manifest(v->src);
  lf_manifest old = {0};
  lf_error e = {0};
  int lrc = v->old_version ? lf_dataset_read_manifest(v->sstore, v->sroot, v->old_version, &old, &e)
                           : LF_NOTFOUND;
  if (lrc && lrc != LF_NOTFOUND) return vw_lf_error(v, lrc, &e); /* gone: read everything */
  int have_old = lrc == LF_OK;
  if (!(v->changed = sqlite3_malloc64((size_t)cur->n_fragments + 1))) {
    lf_manifest_reset(&old);
    return SQLITE_NOMEM;
  }
  v->nchanged = lf_view_changed(have_old ? &old : NULL, cur, v->changed);
  lf_manifest_reset(&old);
  return SQLITE_OK;
}

/* The row ids of the changed fragments as a JSON array (sqlite3_malloc'd). */
static int changed_ids(vw *v, char **out) {
  sqlite3_str *s = sqlite3_str_new(v->db);
  lf_error e = {0};
  int lrc = LF_OK, first = 1;
  sqlite3_str_appendchar(s, 1, '[');
  for (int i = 0; !lrc && i < lf_dataset_num_fragments(v->src); i++) {
    if (!v->changed[i]) continue;
    uint64_t n = lf_dataset_fragment(v->src, i)->physical_rows, id;
    for (uint64_t off = 0; !lrc && off < n; off++) {
      if (!(lrc = lf_dataset_row_id(v->src, i, off, &id, &e)))
        sqlite3_str_appendf(s, first ? "%llu" : ",%llu", (unsigned long long)id);
      first = 0;
    }
  }
  sqlite3_str_appendchar(s, 1, ']');
  *out = sqlite3_str_finish(s);
  if (lrc) {
    sqlite3_free(*out);
    *out = NULL;
    return vw_lf_error(v, lrc, &e);
  }
  return *out ? SQLITE_OK : SQLITE_NOMEM;
}

/* ---- Checking the SQL -------------------------------------------------------------- */

/* The table reference the view's columns and condition are written against. */
static const char *alias_of(const vw *v) { return v->q.alias ? v->q.alias : v->q.table; }

/* Aggregates, window functions and other tables, from the statement's EXPLAIN. */
static int check_explain(vw *v) {
  char *sql = sqlite3_mprintf("EXPLAIN SELECT %s\n FROM temp.\"%w\" AS \"%w\"%s%s\n", v->q.cols,
                              v->tmp, alias_of(v), v->q.where ? " WHERE " : "",
                              v->q.where ? v->q.where : "");
  sqlite3_stmt *st = NULL;
  int rc = sql ? sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc) return rc == SQLITE_NOMEM ? rc : pragma_error(v->p, "%s", sqlite3_errmsg(v->db));
  int vopen = 0;
  const char *why = NULL;
  while (!why && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *op = (const char *)sqlite3_column_text(st, 1);
    if (!op) continue;
    if (!strncmp(op, "Agg", 3)) why = "aggregate and window functions are";
    else if (!strcmp(op, "OpenRead") || !strcmp(op, "OpenWrite") ||
             (!strcmp(op, "VOpen") && ++vopen > 1))
      why = "subqueries reading tables are";
  }
  sqlite3_finalize(st);
  if (why) return pragma_error(v->p, "%s not allowed in a materialized view", why);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return pragma_error(v->p, "%s", sqlite3_errmsg(v->db));
  return SQLITE_OK;
}

/* The view's schema from the source columns its SQL selects, into out. */
static int view_schema(vw *v, lf_schema *out) {
  char *sql = sqlite3_mprintf("SELECT %s\n FROM temp.\"%w\" AS \"%w\"", v->q.cols, v->tmp,
                              alias_of(v));
  sqlite3_stmt *st = NULL;
  int rc = sql ? sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc) return rc == SQLITE_NOMEM ? rc : pragma_error(v->p, "%s", sqlite3_errmsg(v->db));
  int n = sqlite3_column_count(st);
  const lf_schema *ss = lf_dataset_schema(v->src);
  const lf_field **tops = sqlite3_malloc64(((size_t)n + 1) * sizeof *tops);
  const char **names = sqlite3_malloc64(((size_t)n + 1) * sizeof *names);
  rc = tops && names ? SQLITE_OK : SQLITE_NOMEM;
  for (int i = 0; !rc && i < n; i++) {
    const char *origin = sqlite3_column_origin_name(st, i);
    names[i] = sqlite3_column_name(st, i);
    tops[i] = NULL;
    for (int k = 0; origin && k < ss->n_fields; k++)
      if (!strcmp(ss->fields[k]->name, origin)) tops[i] = ss->fields[k];
    if (!tops[i])
      rc = pragma_error(v->p, "view column %d (%s) is not a column of %s; a view selects source "
                    "columns (add computed columns to the view with lance_add_columns)",
                    i + 1, names[i], v->q.table);
    else if (!strcmp(names[i], LF_VIEW_ROWID))
      rc = pragma_error(v->p, "the column name %s is reserved for the source row id", LF_VIEW_ROWID);
  }
  lf_error e = {0};
  int lrc = rc ? LF_OK : lf_schema_project(ss, tops, names, n, out, &e);
  if (lrc) rc = vw_lf_error(v, lrc, &e);
  sqlite3_free(tops);
  sqlite3_free(names);
  sqlite3_finalize(st);
  return rc;
}

/* ---- Rows ------------------------------------------------------------------------ */

/* The rows in cols[0..nf) (*n of them) into new fragments of the view. */
static int flush(vw *v, lf_array *cols, int nf, uint64_t *n) {
  if (!*n) return SQLITE_OK;
  lf_error e = {0};
  for (int k = 0; k < nf; k++) lf_array_finish(&cols[k]);
  int lrc = lf_frag_writer_write(&v->fw, cols, *n, &e);
  for (int k = 0; k < nf; k++) lf_array_clear(&cols[k]);
  v->added += *n;
  *n = 0;
  return lrc ? vw_lf_error(v, lrc, &e) : SQLITE_OK;
}

/* Step st (the view's columns, then the source row id) into the view's files. */
static int write_rows(vw *v, sqlite3_stmt *st) {
  int nf = v->vs->n_fields, rc;
  lf_array *cols = sqlite3_malloc64((size_t)nf * sizeof *cols);
  if (!cols) return SQLITE_NOMEM;
  for (int k = 0; k < nf; k++) lf_array_init(&cols[k], v->vs->fields[k]);
  uint64_t n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char *err = NULL;
    for (int k = 0; rc == SQLITE_ROW && k < nf; k++) {
      int arc = vtab_append_value(v->p->zArg, v->vs->fields[k]->name, &cols[k],
                                  sqlite3_column_value(st, k), &err);
      if (arc) rc = err ? pragma_error(v->p, "%s", err) : arc;
    }
    sqlite3_free(err);
    if (rc == SQLITE_ROW && ++n == VIEW_BATCH) rc = flush(v, cols, nf, &n);
    if (rc != SQLITE_ROW && rc != SQLITE_OK) break;
    rc = SQLITE_ROW;
  }
  if (rc == SQLITE_DONE) rc = flush(v, cols, nf, &n);
  else if (!v->p->zErr && rc != SQLITE_NOMEM) rc = pragma_error(v->p, "%s", sqlite3_errmsg(v->db));
  lf_error e = {0};
  int lrc = rc ? LF_OK : lf_frag_writer_finish(&v->fw, &e);
  if (lrc) rc = vw_lf_error(v, lrc, &e);
  for (int k = 0; k < nf; k++) lf_array_reset(&cols[k]);
  sqlite3_free(cols);
  return rc;
}

/* The view's SQL over the source rows ids (a JSON array, or NULL: all). */
static int eval_rows(vw *v, const char *ids) {
  const char *a = alias_of(v);
  char *sql = sqlite3_mprintf("SELECT %s\n, \"%w\".rowid FROM temp.\"%w\" AS \"%w\" WHERE (%s\n)%s",
                              v->q.cols, a, v->tmp, a, v->q.where ? v->q.where : "1",
                              ids ? " AND rowid IN (SELECT value FROM json_each(?1))" : "");
  sqlite3_stmt *st = NULL;
  int rc = sql ? sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc) return rc == SQLITE_NOMEM ? rc : pragma_error(v->p, "%s", sqlite3_errmsg(v->db));
  int nc = sqlite3_column_count(st), same = nc == v->vs->n_fields;
  for (int k = 0; same && k < nc - 1; k++)
    same = !strcmp(sqlite3_column_name(st, k), v->vs->fields[k]->name);
  if (!same)
    rc = pragma_error(v->p, "the view's SQL now gives other columns than the view has (the source's "
                  "schema changed?); create the view again");
  if (ids) sqlite3_bind_text(st, 1, ids, -1, SQLITE_STATIC);
  if (!rc) rc = write_rows(v, st);
  sqlite3_finalize(st);
  return rc;
}

/* ---- Rows that leave the view --------------------------------------------------------- */

typedef struct vdels {
  lf_frag_delete *d;       /* per view fragment, offsets into off[] */
  int n, cap;
  uint32_t *off;
  size_t noff, capoff;
} vdels;

static void vdels_reset(vdels *x) {
  sqlite3_free(x->d);
  sqlite3_free(x->off);
  memset(x, 0, sizeof *x);
}

static int vdels_add(vdels *x, uint64_t fid, uint32_t off) {
  if (x->noff == x->capoff) {
    size_t nc = x->capoff ? 2 * x->capoff : 1024;
    uint32_t *g = sqlite3_realloc64(x->off, nc * sizeof *g);
    if (!g) return SQLITE_NOMEM;
    x->off = g, x->capoff = nc;
  }
  if (!x->n || x->d[x->n - 1].fragment_id != fid) {
    if (x->n == x->cap) {
      int nc = x->cap ? 2 * x->cap : 16;
      lf_frag_delete *g = sqlite3_realloc64(x->d, (size_t)nc * sizeof *g);
      if (!g) return SQLITE_NOMEM;
      x->d = g, x->cap = nc;
    }
    x->d[x->n++] = (lf_frag_delete){fid, NULL, 0};
  }
  x->d[x->n - 1].n++;
  x->off[x->noff++] = off;
  return SQLITE_OK;
}

/* View rows whose source row is gone or in a changed fragment, into x. */
static int collect_removed(vw *v, lf_dataset *view, vdels *x) {
  int col = v->vs->n_fields - 1; /* _source_rowid: the last field */
  lf_scan *sc = NULL;
  lf_error e = {0};
  int lrc = lf_scan_open(view, v->vstore, &col, 1, &sc, &e), rc = SQLITE_OK;
  const lf_scan_batch *b;
  while (!lrc && !rc && !(lrc = lf_scan_next(sc, VIEW_BATCH, &b, &e)) && b->n) {
    for (uint64_t i = 0; !rc && !lrc && i < b->n; i++) {
      uint64_t id, off;
      int frag;
      memcpy(&id, (const uint8_t *)b->cols[0].values + 8 * i, 8);
      lrc = lf_dataset_locate(v->src, id, &frag, &off, &e);
      if (!lrc && (frag < 0 || v->changed[frag]))
        rc = vdels_add(x, b->fragment_id, (uint32_t)(b->rowaddrs[i] & 0xFFFFFFFFu));
    }
  }
  lf_scan_free(sc);
  if (lrc) return vw_lf_error(v, lrc, &e);
  size_t at = 0;
  for (int k = 0; !rc && k < x->n; k++) x->d[k].offsets = x->off + at, at += x->d[k].n;
  v->removed = x->noff;
  return rc;
}

/* ---- Commits ---------------------------------------------------------------------------- */

/* The config entries a commit sets (values point into buf and v). */
static int view_config(vw *v, lf_kv kv[3], char buf[24]) {
  snprintf(buf, 24, "%llu", (unsigned long long)lf_dataset_version(v->src));
  kv[0] = (lf_kv){VIEW_KEY_SQL, (uint8_t *)v->sql, strlen(v->sql)};
  kv[1] = (lf_kv){VIEW_KEY_SOURCE, (uint8_t *)v->src_uri, strlen(v->src_uri)};
  kv[2] = (lf_kv){VIEW_KEY_VERSION, (uint8_t *)buf, strlen(buf)};
  return 3;
}

/* Commit the new fragments, x's deletions (base: the view's manifest, NULL
** to create it) and the config; the report into the result. */
static int commit_view(vw *v, sqlite3_context *ctx, const lf_manifest *base, const vdels *x,
                       const lf_schema *schema) {
  lf_kv kv[3];
  char buf[24];
  lf_commit_req req = {0};
  req.kind = base ? LF_COMMIT_WRITE : LF_COMMIT_CREATE;
  req.schema = schema;
  req.data_version = "2.2";
  req.v2_paths = 1;
  req.n_new = v->fw.n;
  req.new_frags = v->fw.frags;
  req.n_del = x ? x->n : 0;
  req.dels = x ? x->d : NULL;
  req.n_set_config = view_config(v, kv, buf);
  req.set_config = kv;
  uint64_t version = 0;
  lf_error e = {0};
  int lrc = lf_commit(v->vstore, v->vroot, base, &req, &version, &e);
  if (lrc) return vw_lf_error(v, lrc, &e);
  char *r = sqlite3_mprintf("{\"added\":%llu,\"removed\":%llu,\"source_version\":%s,"
                            "\"version\":%llu,\"fragments_read\":%d}",
                            (unsigned long long)v->added, (unsigned long long)v->removed, buf,
                            (unsigned long long)version, v->nchanged);
  if (!r) return SQLITE_NOMEM;
  sqlite3_result_text(ctx, r, -1, sqlite3_free);
  return SQLITE_OK;
}

/* ---- lance_create_view() and lance_refresh() ---------------------------------------------- */

static void vw_reset(vw *v, int failed) {
  vtab_temp_drop(v->db, v->tmp);
  lf_frag_writer_reset(&v->fw, failed);
  view_sql_reset(&v->q);
  lf_dataset_free(v->src);
  lf_store_free(v->sstore);
  free(v->sroot);
  sqlite3_free(v->changed);
}

/* Split the SQL, open the source at its latest version, find what to read. */
static int start(vw *v) {
  char msg[512];
  int rc = view_sql_parse(v->sql, &v->q, msg, sizeof msg);
  if (rc) return rc == VIEW_SQL_NOMEM ? SQLITE_NOMEM : pragma_error(v->p, "%s", msg);
  if ((rc = open_source(v))) return rc;
  return find_changed(v);
}

static int create_view(vw *v, sqlite3_context *ctx, const char *dest) {
  char msg[512], *path = NULL, *root = NULL;
  lf_error e = {0};
  int arc = vtab_args_path(dest, &path, msg, sizeof msg);
  if (arc) return arc == VTAB_ARGS_NOMEM ? SQLITE_NOMEM : pragma_error(v->p, "%s", msg);
  int lrc = lf_store_open(path, NULL, &v->vstore, &root, &e), rc = SQLITE_OK;
  uint64_t *vers = NULL;
  size_t nv = 0;
  if (!lrc && (lrc = lf_dataset_versions(v->vstore, root, &vers, &nv, &e)) == LF_OK)
    rc = pragma_error(v->p, "%s: a dataset exists there already", path);
  else if (lrc == LF_NOTFOUND) lrc = LF_OK;
  free(vers);
  free(path);
  lf_schema s = {0};
  v->vroot = root;
  if (lrc) rc = vw_lf_error(v, lrc, &e);
  if (!rc) rc = start(v);
  const char *dot = strrchr(v->p->zArg, '.'), *name = v->p->zTable && dot ? dot + 1 : v->p->zArg;
  if (!rc && v->p->zTable && sqlite3_stricmp(v->q.table, name))
    rc = pragma_error(v->p, "the view's SQL reads %s, not the source %s", v->q.table, name);
  if (!rc) rc = check_explain(v);
  if (!rc) rc = view_schema(v, &s);
  if (!rc) {
    v->vs = &s;
    lf_frag_writer_init(&v->fw, v->vstore, v->vroot, &s, 2, 2, 0);
    rc = eval_rows(v, NULL);
  }
  if (!rc) rc = commit_view(v, ctx, NULL, NULL, &s);
  vw_reset(v, rc != SQLITE_OK);
  lf_schema_reset(&s);
  lf_store_free(v->vstore);
  free(root);
  return rc;
}

/* One call of lance_create_view / lance_refresh: p and v zeroed and tied. */
static void vw_begin(sqlite3_context *ctx, const char *func, pctx *p, vw *v) {
  memset(p, 0, sizeof *p);
  memset(v, 0, sizeof *v);
  p->db = v->db = sqlite3_context_db_handle(ctx);
  p->zFunc = func;
  v->p = p;
}

/* The call's error, if any (the report is the result otherwise); frees p. */
static void vw_finish(sqlite3_context *ctx, pctx *p, int rc) {
  if (rc == SQLITE_INTERRUPT) sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
  else if (rc == SQLITE_NOMEM || (rc && !p->zErr)) sqlite3_result_error_nomem(ctx);
  else if (rc) sqlite3_result_error(ctx, p->zErr, -1);
  pragma_reset(p);
}

static void create_view_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  pctx p;
  vw v;
  vw_begin(ctx, "lance_create_view", &p, &v);
  const char *dest = (const char *)sqlite3_value_text(argv[0]);
  v.sql = (const char *)sqlite3_value_text(argv[2]);
  int rc;
  (void)argc;
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || sqlite3_value_type(argv[1]) != SQLITE_TEXT ||
      sqlite3_value_type(argv[2]) != SQLITE_TEXT || !dest || !v.sql)
    rc = pragma_error(&p, "expected the view's path, the source lance table and the view's SQL");
  else if ((p.zArg = (const char *)sqlite3_value_text(argv[1])) == NULL) rc = SQLITE_NOMEM;
  else if ((rc = pragma_resolve(&p)) == SQLITE_OK) {
    v.src_uri = p.zUri;
    rc = create_view(&v, ctx, dest);
  }
  vw_finish(ctx, &p, rc);
}

/* Config entry key of m as a string (sqlite3_malloc'd), or NULL. */
static char *config_get(const lf_manifest *m, const char *key) {
  for (int i = 0; i < m->n_config; i++)
    if (!strcmp(m->config[i].key, key))
      return sqlite3_mprintf("%.*s", (int)m->config[i].len, (const char *)m->config[i].val);
  return NULL;
}

static int refresh_view(vw *v, sqlite3_context *ctx, lf_dataset *view) {
  const lf_manifest *m = lf_dataset_manifest(view);
  char *sql = config_get(m, VIEW_KEY_SQL), *src = config_get(m, VIEW_KEY_SOURCE);
  char *ver = config_get(m, VIEW_KEY_VERSION), *ids = NULL;
  vdels x = {0};
  int rc = SQLITE_OK;
  v->vs = lf_dataset_schema(view);
  const lf_field *last = v->vs->n_fields ? v->vs->fields[v->vs->n_fields - 1] : NULL;
  if (!sql || !src || !ver || !last || strcmp(last->name, LF_VIEW_ROWID) ||
      last->type != LF_T_UINT64)
    rc = pragma_error(v->p, "%s is not a materialized view (its config has no %s)", v->p->zArg,
                      VIEW_KEY_SQL);
  if (!rc) {
    v->sql = sql, v->src_uri = src, v->old_version = strtoull(ver, NULL, 10);
    rc = start(v);
    if (!rc) rc = check_explain(v); /* the stored SQL keeps the shape create checked */
  }
  if (!rc && lf_dataset_version(v->src) == v->old_version) {
    char *r = sqlite3_mprintf("{\"added\":0,\"removed\":0,\"source_version\":%s,\"version\":%llu,"
                              "\"fragments_read\":0}", ver, (unsigned long long)m->version);
    if (r) sqlite3_result_text(ctx, r, -1, sqlite3_free);
    rc = r ? SQLITE_OK : SQLITE_NOMEM;
  } else if (!rc) {
    int major, minor;
    lf_dataset_file_version(view, &major, &minor);
    lf_frag_writer_init(&v->fw, v->vstore, v->vroot, v->vs, major, minor, 0);
    rc = collect_removed(v, view, &x);
    if (!rc && v->nchanged < lf_dataset_num_fragments(v->src)) rc = changed_ids(v, &ids);
    if (!rc && v->nchanged) rc = eval_rows(v, ids);
    if (!rc) rc = commit_view(v, ctx, m, &x, NULL);
  }
  vw_reset(v, rc != SQLITE_OK);
  vdels_reset(&x);
  sqlite3_free(ids);
  sqlite3_free(sql);
  sqlite3_free(src);
  sqlite3_free(ver);
  return rc;
}

static void refresh_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  pctx p;
  vw v;
  vw_begin(ctx, "lance_refresh", &p, &v);
  lf_dataset *view = NULL;
  int rc;
  (void)argc;
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT)
    rc = pragma_error(&p, "expected the view's path or lance table name");
  else if ((p.zArg = (const char *)sqlite3_value_text(argv[0])) == NULL) rc = SQLITE_NOMEM;
  else if ((rc = pragma_resolve(&p)) == SQLITE_OK) {
    int lrc = lf_dataset_open(p.store, p.zPath, 0, NULL, &view, &p.err);
    v.vstore = p.store, v.vroot = p.zPath;
    rc = lrc ? pragma_lf_error(&p, lrc) : refresh_view(&v, ctx, view);
  }
  lf_dataset_free(view);
  vw_finish(ctx, &p, rc);
}

int vtab_view_register(sqlite3 *db) {
  int rc = sqlite3_create_function(db, "lance_create_view", 3, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                   NULL, create_view_func, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "lance_refresh", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
                                 refresh_func, NULL, NULL);
  return rc;
}
