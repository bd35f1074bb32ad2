/*
** search.c: owns search on the `lance` table: planning the `col MATCH ?`
** constraints with their companions (_k, _metric, _distance bounds, _options,
** ORDER BY _distance) in xBestIndex, reading their arguments in xFilter, running
** the search over the chosen snapshot with the pushed filters as prefilters, and
** the search's hidden columns.  The table (vtab.c) then reads the result rows by
** row id, in rank order.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <string.h>

#include "vtab.h"

/* ---- Planning --------------------------------------------------------------------- */

/* A _distance bound compares in C exactly as SQLite would compare it: a real,
** or an integer that converts to double exactly (distances are floats). */
static int distance_bound_exact(sqlite3_value *v) {
  if (!v) return 0;
  if (sqlite3_value_type(v) == SQLITE_FLOAT) return 1;
  sqlite3_int64 i = sqlite3_value_int64(v);
  return sqlite3_value_type(v) == SQLITE_INTEGER && i >= -(1LL << 53) && i <= (1LL << 53);
}

/* The first usable `_distance <op> ?` with op inclusive (bit) or strict
** (bit * 2): one lower and one upper bound narrow the search before the top
** k; SQLite checks any others on the results. */
static void plan_distance_bound(const lvtab *vt, sqlite3_index_info *info, vtab_plan *pl, int incl,
                                int strict, int bit) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (!c->usable || c->iColumn != vt->ncols + H_DISTANCE || (c->op != incl && c->op != strict))
      continue;
    vtab_take_constraint(info, pl, bit, i);
    if (c->op == strict) pl->idx |= bit * 2;
    sqlite3_value *rhs = NULL;
    if (sqlite3_vtab_rhs_value(info, i, &rhs) != SQLITE_OK || !distance_bound_exact(rhs))
      info->aConstraintUsage[i].omit = 0; /* not known to compare exactly: SQLite checks */
    return;
  }
}

void vtab_plan_search(const lvtab *vt, sqlite3_index_info *info, vtab_plan *pl) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->op != SQLITE_INDEX_CONSTRAINT_MATCH || c->iColumn < 0 || c->iColumn >= vt->ncols)
      continue;
    if (!c->usable) { pl->unusable = 1; continue; }
    if (pl->vcol >= 0) continue;
    pl->vcol = c->iColumn;
    vtab_take_constraint(info, pl, 32, i);
  }
  if (pl->vcol < 0) return;
  int k = vtab_find_hidden(vt, info, H_K, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (k >= 0) vtab_take_constraint(info, pl, 64, k);
  int m = vtab_find_hidden(vt, info, H_METRIC, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (m >= 0) vtab_take_constraint(info, pl, 128, m);
  plan_distance_bound(vt, info, pl, SQLITE_INDEX_CONSTRAINT_GE, SQLITE_INDEX_CONSTRAINT_GT, 256);
  plan_distance_bound(vt, info, pl, SQLITE_INDEX_CONSTRAINT_LE, SQLITE_INDEX_CONSTRAINT_LT, 1024);
  int o = vtab_find_hidden(vt, info, H_OPTIONS, SQLITE_INDEX_CONSTRAINT_EQ, pl);
  if (o >= 0) vtab_take_constraint(info, pl, 4096, o);
  if (info->nOrderBy >= 1 && info->aOrderBy[0].iColumn == vt->ncols + H_DISTANCE &&
      !info->aOrderBy[0].desc &&
      (info->nOrderBy == 1 || (info->nOrderBy == 2 && !info->aOrderBy[1].desc &&
                               (info->aOrderBy[1].iColumn == -1 ||
                                info->aOrderBy[1].iColumn == vt->ncols + H_ROWID))))
    info->orderByConsumed = 1; /* results come by distance, ties by row id */
}

/* ---- Running ----------------------------------------------------------------------- */

/* Phase 1 of a search: scan the vector and filter columns only, keep the k
** nearest rows that pass the filters (prefilter). */
typedef struct search_ctx {
  const lcursor *c;
  const int *proj;
} search_ctx;

static void search_select(void *ctx, const lf_scan_batch *b, uint8_t *sel) {
  const search_ctx *x = ctx;
  vtab_select_rows(x->c->filters, x->c->nfilters, x->proj, b, sel);
}

/* _options: parsed strictly, its metric agreeing with _metric's (and used
** when _metric is not given). */
static int search_options(lvtab *vt, vtab_search *s, sqlite3_value *opts) {
  const char *z = opts ? (const char *)sqlite3_value_text(opts) : NULL;
  char *msg = NULL;
  if (z && !(s->options = sqlite3_mprintf("%s", z))) return SQLITE_NOMEM;
  int rc = knn_options_parse(z, &s->opts, &msg);
  if (!rc) rc = knn_options_check_metric(&s->opts, s->metric, &msg);
  if (rc) {
    if (msg) vtab_error(vt, "lance: %s: %s", vt->name, msg);
    sqlite3_free(msg);
    return rc;
  }
  if (!s->metric && s->opts.metric[0] && !(s->metric = sqlite3_mprintf("%s", s->opts.metric)))
    return SQLITE_NOMEM;
  return SQLITE_OK;
}

/* The k nearest rows to q (vector column s->vcol) that pass c's filters. */
static int run_knn(lvtab *vt, lcursor *c, sqlite3_value *q, lf_error *e) {
  vtab_search *s = &c->search;
  int vcol = s->vcol;
  char *msg = NULL;
  knn_query kq;
  const lf_field *f = vtab_col_field(vt, vcol);
  if (!f) return lf_err(e, LF_ARG, "MATCH on a column that is not a vector column");
  if (knn_query_init(&kq, f, q, s->metric, s->k, &msg) != SQLITE_OK) {
    lf_err(e, msg ? LF_ARG : LF_NOMEM, "%s", msg ? msg : "out of memory");
    sqlite3_free(msg);
    return e->code;
  }
  /* a bound that does not compare exactly in C is left to SQLite (omit = 0) */
  if (distance_bound_exact(s->dlo)) kq.lo = sqlite3_value_double(s->dlo), kq.lo_open = s->dlo_open;
  if (distance_bound_exact(s->dhi)) kq.hi = sqlite3_value_double(s->dhi), kq.hi_open = s->dhi_open;
  knn_query_options(&kq, &s->opts);
  uint64_t used = vtab_col_bit(vcol) | vtab_filter_mask(c->filters, c->nfilters);
  int n = s->opts.threads, *proj1 = NULL, rc = LF_OK; /* one scan per thread */
  lf_scan **s1 = sqlite3_malloc64((uint64_t)n * sizeof *s1);
  if (!s1) rc = lf_err(e, LF_NOMEM, "out of memory");
  else memset(s1, 0, (size_t)n * sizeof *s1);
  for (int t = 0; !rc && t < n; t++) {
    int *pj = NULL;
    rc = vtab_open_projection(vt, c->ds, used, &s1[t], &pj, e);
    if (t == 0) proj1 = pj;
    else sqlite3_free(pj);
  }
  if (!rc && proj1[vcol] < 0) { /* the snapshot lacks the column: no rows */
    s->nres = 0;
  } else if (!rc) {
    search_ctx x = {c, proj1};
    rc = knn_search(s1, n, proj1[vcol], &kq, c->nfilters ? search_select : NULL, &x, &s->res,
                    &s->nres, e);
  }
  for (int t = 0; s1 && t < n; t++) lf_scan_free(s1[t]);
  sqlite3_free(s1);
  sqlite3_free(proj1);
  knn_query_reset(&kq);
  return rc;
}

int vtab_search_args(lvtab *vt, lcursor *c, int idx, sqlite3_value **argv, int *a) {
  vtab_search *s = &c->search;
  s->q = argv[(*a)++]; /* bit 32: the query */
  sqlite3_value *k = idx & 64 ? argv[(*a)++] : NULL;
  sqlite3_value *metric = idx & 128 ? argv[(*a)++] : NULL;
  s->dlo = idx & 256 ? argv[(*a)++] : NULL;
  s->dhi = idx & 1024 ? argv[(*a)++] : NULL;
  sqlite3_value *opts = idx & 4096 ? argv[(*a)++] : NULL;
  s->dlo_open = !!(idx & 512);
  s->dhi_open = !!(idx & 2048);
  s->on = 1;
  if (!k || sqlite3_value_type(k) != SQLITE_INTEGER)
    return vtab_error(vt, "lance: %s: vector search needs _k = N, the number of neighbours",
                      vt->name);
  s->k = sqlite3_value_int64(k);
  if (metric && !(s->metric = sqlite3_mprintf("%s", sqlite3_value_text(metric))))
    return SQLITE_NOMEM;
  return search_options(vt, s, opts);
}

int vtab_search_run(lvtab *vt, lcursor *c, lf_error *e) {
  return run_knn(vt, c, c->search.q, e);
}

void vtab_search_column(const lcursor *c, sqlite3_context *ctx, int h) {
  const vtab_search *s = &c->search;
  if (!s->on) return;
  switch (h) {
    case H_DISTANCE: if (s->rpos) sqlite3_result_double(ctx, s->res[s->rpos - 1].dist); break;
    case H_K: sqlite3_result_int64(ctx, s->k); break;
    case H_METRIC: sqlite3_result_text(ctx, s->metric ? s->metric : "l2", -1, SQLITE_TRANSIENT); break;
    case H_OPTIONS: if (s->options) sqlite3_result_text(ctx, s->options, -1, SQLITE_TRANSIENT); break;
  }
}

void vtab_search_reset(vtab_search *s) {
  sqlite3_free(s->res);
  sqlite3_free(s->metric);
  sqlite3_free(s->options);
  memset(s, 0, sizeof *s);
}
