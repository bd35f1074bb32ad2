/*
** scalar_filter.c: owns the use of scalar indexes (BTREE, BITMAP) by the
** `lance` table's pushed filters: planning (what xBestIndex is told a plan
** costs) and running (xFilter turns the filters on indexed columns into one
** row-id set, format/index/scalar.h).
**
** A cursor using indexes reads in two phases:
**   1. takes: the candidate row ids, ascending, in groups of TAKE_IDS, only
**      from fragments every used index covers (the index's fragment bitmap);
**      deleted rows are dropped by the take; an index answers its filter
**      exactly as filter.c would, so only the filters no index answered run
**      on the taken rows, and a column only answered filters read is not
**      taken (vtab_sfilt_column takes it for a batch if SQLite asks);
**   2. scan: every fragment some used index does not cover (rows appended
**      after the index was built), with every filter, as usual.
** With a vector search the set is its prefilter (vtab_sfilt_prefilter).
** Several indexed filters (AND) intersect their sets; an IN list is the
** union of its values.  SQLite answers `a OR b` on two indexed columns with
** its multi-index OR plan (one cursor per term, rowids deduplicated).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdlib.h>
#include <string.h>

#include "index/scalar.h"
#include "vtab.h"

#define TAKE_IDS 4096

/* ---- The indexes a table has opened (kept until the table is disconnected) ----- */

typedef struct sidx_ent {
  char uuid[37];
  lf_sidx *x;
} sidx_ent;

struct vtab_sidx_cache {
  int n;
  sidx_ent *a;
};

void vtab_sidx_cache_free(vtab_sidx_cache *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++) lf_sidx_free(c->a[i].x);
  sqlite3_free(c->a);
  sqlite3_free(c);
}

static int cache_open(lvtab *vt, lf_dataset *ds, const lf_index_meta *m, int kind, lf_sidx **out,
                      lf_error *e) {
  if (!vt->sidx) {
    if (!(vt->sidx = sqlite3_malloc(sizeof *vt->sidx))) return lf_err(e, LF_NOMEM, "out of memory");
    memset(vt->sidx, 0, sizeof *vt->sidx);
  }
  vtab_sidx_cache *c = vt->sidx;
  for (int i = 0; i < c->n; i++)
    if (!strcmp(c->a[i].uuid, m->uuid)) return *out = c->a[i].x, LF_OK;
  sidx_ent *na = sqlite3_realloc64(c->a, ((uint64_t)c->n + 1) * sizeof *na);
  if (!na) return lf_err(e, LF_NOMEM, "out of memory");
  c->a = na;
  int rc = lf_sidx_open(vt->store, lf_dataset_root(ds), m->uuid, kind, out, e);
  if (rc) return lf_err_prefix(e, rc, "index %s", m->name);
  memcpy(c->a[c->n].uuid, m->uuid, sizeof m->uuid);
  c->a[c->n++].x = *out;
  return LF_OK;
}

/* ---- Which filters an index can answer --------------------------------------------- */

static int index_op(int op) {
  return op == SQLITE_INDEX_CONSTRAINT_EQ || op == SQLITE_INDEX_CONSTRAINT_LT ||
         op == SQLITE_INDEX_CONSTRAINT_LE || op == SQLITE_INDEX_CONSTRAINT_GT ||
         op == SQLITE_INDEX_CONSTRAINT_GE || op == SQLITE_INDEX_CONSTRAINT_ISNULL;
}


static int list_op(int op) { return op == VTAB_OP_HAS_ANY || op == VTAB_OP_HAS_ALL; }

/* The index answering `f <op> ...` among the manifest's indexes, or -1: a
** BTREE or BITMAP for comparisons, a LABEL_LIST for array_has_any/all. */
static int find_index(const lf_index_meta *ix, int n, const lf_field *f, int op) {
  int lists = list_op(op);
  if (!f || (lists ? f->type != LF_T_LIST && f->type != LF_T_LARGE_LIST : !index_op(op) || !lf_sidx_value_type_ok(f->type)))
    return -1;
  for (int i = 0; i < n; i++) {
    int k = lf_sidx_kind(ix[i].type_url);
    if ((lists ? k == LF_SIDX_LABEL_LIST : k == LF_SIDX_BTREE || k == LF_SIDX_BITMAP) &&
        ix[i].n_fields == 1 && ix[i].fields[0] == f->id && ix[i].has_frags && ix[i].uuid[0])
      return i;
  }
  return -1;
}

/* A filter constant as an index value: 0 when the index cannot decide it as
** SQLite would (text against a number column); NULL constants match nothing. */
static int to_svalue(const vtab_fconst *k, const lf_field *f, lf_svalue *v) {
  int text = lf_type_is_varwidth(f->type);
  memset(v, 0, sizeof *v);
  switch (k->type) {
    case SQLITE_NULL: v->type = LF_SV_NULL; return 1;
    case SQLITE_INTEGER: v->type = LF_SV_INT, v->i = k->i; return !text;
    case SQLITE_FLOAT: v->type = LF_SV_FLOAT, v->d = k->d; return !text;
    case SQLITE_TEXT: v->type = LF_SV_TEXT, v->z = k->z, v->n = k->n; return text;
    default: return 0;
  }
}

/* ---- Running ------------------------------------------------------------------------ */

struct vtab_sfilt {
  uint32_t *frags;     /* fragment ids every used index covers, ascending */
  size_t nfrags;
  int rest_open;       /* phase 2 started */
  sqlite3_str *used;   /* "k_idx (BTREE) k = ?; ..." for lance_explain */
  uint64_t candidates, pages, taken, taken_frags, scan_frags;
  int prefiltered;     /* with a search: vtab_sfilt_prefilter gave its rows */
  uint64_t last_frag;
  lf_rowset *set;      /* with a search: the rows the indexes allow (row addresses) */
  uint64_t exact;      /* bit k: an index answers c->filters[k] exactly (k < 64) */
  int nrecheck;        /* filters run again on the taken rows */
  uint64_t cols;       /* the cursor's columns (the rest scan reads them all) */
  uint64_t dropped;    /* the columns the takes leave out */
  lf_scan *lazy;       /* the dropped columns, taken for a batch when SQLite asks */
  int *lazy_proj;
  const lf_scan_batch *lazy_b;
  uint64_t batch_no, lazy_no; /* the batch taken last, and the one lazy_b matches */
  uint64_t *lazy_ids;
  size_t cap_lazy;
};

void vtab_sfilt_free(vtab_sfilt *s) {
  if (!s) return;
  sqlite3_free(s->frags);
  lf_rowset_free(s->set);
  lf_scan_free(s->lazy);
  sqlite3_free(s->lazy_proj);
  sqlite3_free(s->lazy_ids);
  sqlite3_free(sqlite3_str_finish(s->used));
  sqlite3_free(s);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int frag_covered(const vtab_sfilt *s, uint64_t id) {
  if (id > UINT32_MAX) return 0;
  uint32_t k = (uint32_t)id;
  return bsearch(&k, s->frags, s->nfrags, sizeof k, cmp_u32) != NULL;
}

/* Keep in s->frags only the fragments m covers too (the first index: all). */
static int cover_and(vtab_sfilt *s, const lf_index_meta *m, int first) {
  if (first) {
    s->frags = sqlite3_malloc64((m->n_frags + 1) * sizeof *s->frags);
    if (!s->frags) return SQLITE_NOMEM;
    if (m->n_frags) memcpy(s->frags, m->frags, m->n_frags * sizeof *s->frags);
    s->nfrags = m->n_frags;
    qsort(s->frags, s->nfrags, sizeof *s->frags, cmp_u32);
    return SQLITE_OK;
  }
  size_t w = 0;
  for (size_t i = 0; i < s->nfrags; i++)
    for (size_t j = 0; j < m->n_frags; j++)
      if (m->frags[j] == s->frags[i]) { s->frags[w++] = s->frags[i]; break; }
  s->nfrags = w;
  return SQLITE_OK;
}

static const char *op_text(int op) {
  switch (op) {
    case SQLITE_INDEX_CONSTRAINT_EQ: return "=";
    case SQLITE_INDEX_CONSTRAINT_LT: return "<";
    case SQLITE_INDEX_CONSTRAINT_LE: return "<=";
    case SQLITE_INDEX_CONSTRAINT_GT: return ">";
    case SQLITE_INDEX_CONSTRAINT_GE: return ">=";
    case VTAB_OP_HAS_ANY: return "array_has_any";
    case VTAB_OP_HAS_ALL: return "array_has_all";
    default: return "IS NULL";
  }
}

/* "k_idx (BTREE) on k = ?" appended to s (lance_explain's line). */
static void describe(sqlite3_str *s, const lf_index_meta *m, const lf_sidx *x, const lf_field *f,
                     const vtab_filter *fl) {
  sqlite3_str_appendf(s, "%s%s (%s) on ", sqlite3_str_length(s) ? ", " : "", m->name,
                      lf_sidx_kind_name(lf_sidx_kind_of(x)));
  if (list_op(fl->op)) sqlite3_str_appendf(s, "%s(%s, ?)", op_text(fl->op), f->name);
  else if (fl->op == SQLITE_INDEX_CONSTRAINT_ISNULL) sqlite3_str_appendf(s, "%s IS NULL", f->name);
  else sqlite3_str_appendf(s, "%s %s ?", f->name, fl->val ? op_text(fl->op) : "IN");
}

/* array_has_any / array_has_all(col, 'json') on a LABEL_LIST index (*set
** NULL when the index cannot answer: bad JSON, which the function reports, or
** has_all of nothing, which every non-null list passes). */
static int label_set(lcursor *c, const vtab_filter *fl, lf_sidx *x, lf_rowset **set, lf_error *e) {
  lf_svalues vs;
  const uint8_t *z = fl->val ? sqlite3_value_text(fl->val) : NULL;
  if (!z || lf_svalues_from_json(z, (size_t)sqlite3_value_bytes(fl->val), &vs, NULL)) return LF_OK;
  size_t w = 0; /* nulls match nothing */
  for (size_t k = 0; k < vs.n; k++)
    if (vs.v[k].type != LF_SV_NULL) vs.v[w++] = vs.v[k];
  vs.n = w;
  lf_squery q = {.op = fl->op == VTAB_OP_HAS_ANY ? LF_SQ_HAS_ANY : LF_SQ_HAS_ALL, .vals = vs.v, .nvals = vs.n};
  int rc = LF_OK;
  if (vs.n || q.op == LF_SQ_HAS_ANY) {
    rc = (*set = lf_rowset_new()) ? LF_OK : lf_err(e, LF_NOMEM, "out of memory");
    if (!rc && vs.n) rc = lf_sidx_search(x, &q, *set, &c->sf->pages, e);
  }
  lf_svalues_reset(&vs);
  return rc;
}

/* The row set of filter fl on its index (*set NULL when the index cannot
** decide the filter's constants). */
static int sq_op(int op) {
  return op == SQLITE_INDEX_CONSTRAINT_EQ ? LF_SQ_EQ : op == SQLITE_INDEX_CONSTRAINT_LT ? LF_SQ_LT
       : op == SQLITE_INDEX_CONSTRAINT_LE ? LF_SQ_LE : op == SQLITE_INDEX_CONSTRAINT_GT ? LF_SQ_GT : LF_SQ_GE;
}

/* The filter after fl (index k) bounding the same column from the other side
** (`a >= 1 AND a < 9`, a BETWEEN), or NULL. */
static const vtab_filter *other_bound(const lcursor *c, int k) {
  const vtab_filter *fl = &c->filters[k];
  int lower = fl->op == SQLITE_INDEX_CONSTRAINT_GT || fl->op == SQLITE_INDEX_CONSTRAINT_GE;
  int upper = fl->op == SQLITE_INDEX_CONSTRAINT_LT || fl->op == SQLITE_INDEX_CONSTRAINT_LE;
  for (int j = k + 1; fl->val && (lower || upper) && j < c->nfilters; j++) {
    const vtab_filter *g = &c->filters[j];
    if (g->col != fl->col || !g->val) continue;
    if (lower ? g->op == SQLITE_INDEX_CONSTRAINT_LT || g->op == SQLITE_INDEX_CONSTRAINT_LE
              : g->op == SQLITE_INDEX_CONSTRAINT_GT || g->op == SQLITE_INDEX_CONSTRAINT_GE)
      return g;
  }
  return NULL;
}

static int filter_set(lcursor *c, const vtab_filter *fl, const vtab_filter *fl2, const lf_field *f,
                      lf_sidx *x, lf_rowset **set, lf_error *e) {
  lf_squery q = {0};
  lf_svalue *vals = NULL;
  int none = 0; /* `= NULL` and the like: no row */
  *set = NULL;
  if (list_op(fl->op)) return label_set(c, fl, x, set, e);
  if (fl->op == SQLITE_INDEX_CONSTRAINT_ISNULL) {
    q.op = LF_SQ_ISNULL;
  } else if (!fl->val) { /* IN list: its non-NULL values */
    q.op = LF_SQ_IN;
    if (!(vals = sqlite3_malloc64(((uint64_t)fl->nin + 1) * sizeof *vals))) return lf_err(e, LF_NOMEM, "out of memory");
    for (int j = 0; j < fl->nin; j++) {
      if (!to_svalue(&fl->ink[j], f, &vals[q.nvals])) {
        sqlite3_free(vals);
        return LF_OK;
      }
      if (vals[q.nvals].type != LF_SV_NULL) q.nvals++;
    }
    q.vals = vals;
  } else {
    q.op = sq_op(fl->op);
    if (!to_svalue(&fl->k, f, &q.v)) return LF_OK;
    none = q.v.type == LF_SV_NULL;
    if (fl2 && to_svalue(&fl2->k, f, &q.v2)) { /* BETWEEN: both bounds in one search */
      q.has2 = 1, q.op2 = sq_op(fl2->op);
      none |= q.v2.type == LF_SV_NULL;
    }
  }
  int rc = (*set = lf_rowset_new()) ? LF_OK : lf_err(e, LF_NOMEM, "out of memory");
  if (!rc && !none) rc = lf_sidx_search(x, &q, *set, &c->sf->pages, e);
  sqlite3_free(vals);
  return rc;
}

/* Intersect the sets of every filter an index answers into *acc (NULL: none). */
static int filters_to_set(lvtab *vt, lcursor *c, const lf_index_meta *ix, int nix, lf_rowset **acc,
                          lf_error *e) {
  int rc = LF_OK;
  uint64_t merged = 0; /* filters answered together with an earlier one (bits < 64) */
  for (int k = 0; !rc && k < c->nfilters; k++) {
    const vtab_filter *fl = &c->filters[k], *fl2 = k < 64 && !(merged >> k & 1) ? other_bound(c, k) : NULL;
    if (k < 64 && merged >> k & 1) continue;
    if (fl2 && fl2 - c->filters < 64) merged |= (uint64_t)1 << (fl2 - c->filters);
    else fl2 = NULL;
    const lf_field *f = vtab_col_field(vt, fl->col);
    int i = find_index(ix, nix, f, fl->op);
    lf_sidx *x = NULL;
    lf_rowset *s = NULL;
    if (i < 0) continue;
    if ((rc = cache_open(vt, c->ds, &ix[i], lf_sidx_kind(ix[i].type_url), &x, e))) break;
    if (!list_op(fl->op) && lf_sidx_value_field(x)->type != f->type) continue;
    if ((rc = filter_set(c, fl, fl2, f, x, &s, e)) || !s) continue;
    if (k < 64 && (!list_op(fl->op) || vtab_list_decided(f, fl->val))) { /* else SQLite decides */
      c->sf->exact |= (uint64_t)1 << k;
      if (fl2) c->sf->exact |= (uint64_t)1 << (fl2 - c->filters);
    }
    if (cover_and(c->sf, &ix[i], *acc == NULL)) rc = lf_err(e, LF_NOMEM, "out of memory");
    describe(c->sf->used, &ix[i], x, f, fl);
    if (fl2) describe(c->sf->used, &ix[i], x, f, fl2);
    if (!rc && *acc && lf_rowset_and(*acc, s)) rc = lf_err(e, LF_NOMEM, "out of memory");
    if (*acc) lf_rowset_free(s);
    else *acc = s;
  }
  return rc;
}

/* The row set of c's indexed filters in *acc (NULL: no filter has an index),
** whole-fragment entries bounded by their fragments' rows. */
static int sfilt_set(lvtab *vt, lcursor *c, lf_rowset **acc, lf_error *e) {
  lf_index_meta *ix = NULL;
  int nix = 0;
  *acc = NULL;
  int rc = lf_manifest_indices(lf_dataset_manifest(c->ds), &ix, &nix, e);
  if (!rc && nix) {
    if (!(c->sf = sqlite3_malloc(sizeof *c->sf))) rc = lf_err(e, LF_NOMEM, "out of memory");
    else memset(c->sf, 0, sizeof *c->sf), c->sf->used = sqlite3_str_new(NULL), c->sf->last_frag = UINT64_MAX;
    if (!rc) rc = filters_to_set(vt, c, ix, nix, acc, e);
  }
  lf_indices_free(ix, nix);
  if (!rc && *acc && !lf_dataset_stable_row_ids(c->ds))
    for (int f = 0; !rc && f < lf_dataset_num_fragments(c->ds); f++) {
      const lf_fragment *fr = lf_dataset_fragment(c->ds, f);
      if (fr->id <= UINT32_MAX && lf_rowset_limit(*acc, (uint32_t)fr->id, fr->physical_rows))
        rc = lf_err(e, LF_NOMEM, "out of memory");
    }
  return rc;
}

/* The set's row ids as the cursor's takes; 0 when it cannot list them
** (whole 2^32-id entries under stable row ids: the cursor scans instead). */
static int sfilt_takes(lcursor *c, const lf_rowset *acc, int *ok, lf_error *e) {
  size_t n = 0;
  uint64_t *ids = NULL;
  int arc = lf_rowset_array(acc, &ids, &n);
  *ok = arc == LF_OK;
  if (arc == LF_UNSUPPORTED) return LF_OK;
  if (arc) return lf_err(e, LF_NOMEM, "out of memory: %llu candidate rows", (unsigned long long)lf_rowset_count(acc));
  int rc = LF_OK;
  sqlite3_free(c->ids); /* the cursor frees c->ids with sqlite3_free */
  c->ids = sqlite3_malloc64((n ? n : 1) * sizeof *c->ids);
  if (!c->ids) rc = lf_err(e, LF_NOMEM, "out of memory");
  else if (n) memcpy(c->ids, ids, n * sizeof *ids);
  c->nids = c->ids ? n : 0;
  c->idpos = 0;
  c->take = 1;
  c->sf->candidates = n;
  free(ids);
  return rc;
}

/* The filters an index answers exactly move past c->nsel (the takes do not
** run them again) and the columns only they read are left out of the takes
** (SQLite reads none of them when it omits those constraints). */
static int order_filters(lcursor *c, uint64_t *keep, uint64_t *drop, lf_error *e) {
  vtab_sfilt *s = c->sf;
  vtab_filter *fs = sqlite3_malloc64(((uint64_t)c->nfilters + 1) * sizeof *fs);
  if (!fs) return lf_err(e, LF_NOMEM, "out of memory");
  int w = 0, nsel = 0;
  *keep = *drop = 0;
  for (int pass = 0; pass < 2; pass++) /* the others first, in their order */
    for (int k = 0; k < c->nfilters; k++) {
      int ex = k < 64 && (s->exact >> k & 1);
      if (ex != pass) continue;
      fs[w++] = c->filters[k];
      if (!ex) *keep |= vtab_col_bit(c->filters[k].col), nsel = w;
      if (ex && c->filters[k].checked) *keep |= vtab_col_bit(c->filters[k].col); /* SQLite reads it */
      else if (ex && c->filters[k].col < 63) *drop |= vtab_col_bit(c->filters[k].col);
    }
  memcpy(c->filters, fs, (size_t)c->nfilters * sizeof *fs);
  sqlite3_free(fs);
  c->nsel = s->nrecheck = nsel;
  return LF_OK;
}

static int take_projection(lvtab *vt, lcursor *c, uint64_t used, lf_error *e) {
  vtab_sfilt *s = c->sf;
  uint64_t keep, drop;
  int rc = order_filters(c, &keep, &drop, e);
  if (rc) return rc;
  s->cols = used;
  s->dropped = drop & ~keep & used;
  if (!s->dropped) return LF_OK;
  lf_scan *scan = NULL;
  int *proj = NULL;
  if ((rc = vtab_open_projection(vt, c->ds, used & ~s->dropped, &scan, &proj, e))) return rc;
  lf_scan_free(c->scan);
  sqlite3_free(c->proj);
  c->scan = scan;
  c->proj = proj;
  return LF_OK;
}

int vtab_sfilt_start(lvtab *vt, lcursor *c, uint64_t used, lf_error *e) {
  lf_rowset *acc = NULL;
  int ok = 0, rc = sfilt_set(vt, c, &acc, e);
  if (!rc && acc && c->search.on) { /* a prefilter of the search's hits (row addresses) */
    ok = !lf_dataset_stable_row_ids(c->ds);
    if (ok) c->sf->set = acc, c->sf->candidates = lf_rowset_count(acc), acc = NULL;
    uint64_t keep, drop;
    if (ok) rc = order_filters(c, &keep, &drop, e); /* filters[0..nsel): not exact */
  } else if (!rc && acc) {
    rc = sfilt_takes(c, acc, &ok, e);
    if (!rc && ok) rc = take_projection(vt, c, used, e);
  }
  lf_rowset_free(acc);
  if (!rc && !ok) { /* no filter used an index */
    vtab_sfilt_free(c->sf);
    c->sf = NULL;
  }
  return rc;
}

int vtab_sfilt_allows(const lcursor *c, uint64_t rowid) {
  const vtab_sfilt *s = c->sf;
  if (!s || !s->set || !frag_covered(s, rowid >> 32)) return 1;
  return lf_rowset_contains(s->set, rowid);
}

/* Phase 1: the next batch of taken rows (in fragments the indexes cover). */
static int take_next(lvtab *vt, lcursor *c, lf_error *e) {
  vtab_sfilt *s = c->sf;
  (void)vt;
  while (c->idpos < c->nids) {
    size_t used = 0, n = c->nids - c->idpos;
    int rc = lf_scan_take_fragment(c->scan, c->ids + c->idpos, n < TAKE_IDS ? n : TAKE_IDS, &used,
                                   &c->b, e);
    if (rc) return rc;
    c->idpos += used;
    if (!c->b || !c->b->n || !frag_covered(s, c->b->fragment_id)) continue;
    s->taken += c->b->n;
    s->batch_no++;
    if (c->b->fragment_id != s->last_frag) s->taken_frags++, s->last_frag = c->b->fragment_id;
    return LF_OK;
  }
  c->b = NULL;
  return LF_OK;
}

int vtab_sfilt_next(lvtab *vt, lcursor *c, lf_error *e) {
  vtab_sfilt *s = c->sf;
  if (!s->rest_open) {
    int rc = take_next(vt, c, e);
    if (rc || (c->b && c->b->n)) return rc;
    /* phase 2: a fresh scan of the fragments some index misses */
    lf_scan *rest = NULL;
    int *proj = NULL;
    rc = vtab_open_projection(vt, c->ds, s->cols, &rest, &proj, e);
    if (!rc) rc = lf_scan_exclude(rest, s->frags, s->nfrags, e);
    if (rc) {
      lf_scan_free(rest);
      sqlite3_free(proj);
      return rc;
    }
    lf_scan_free(c->scan);
    sqlite3_free(c->proj);
    c->scan = rest;
    c->proj = proj;
    c->nsel = c->nfilters; /* every filter runs on the scanned rows */
    s->dropped = 0;
    s->rest_open = 1;
    s->last_frag = UINT64_MAX;
  }
  int rc = lf_scan_next(c->scan, 2048, &c->b, e);
  if (!rc && c->b && c->b->n && c->b->fragment_id != s->last_frag)
    s->scan_frags++, s->last_frag = c->b->fragment_id;
  return rc;
}

int vtab_sfilt_column(lcursor *c, int col, lf_scan **scan, const lf_scan_batch **b, int *k,
                      lf_error *e) {
  vtab_sfilt *s = c->sf;
  *k = -1;
  if (col >= 63 || !(s->dropped & vtab_col_bit(col)) || !c->b || !c->b->n) return LF_OK;
  int rc = LF_OK;
  if (!s->lazy) rc = vtab_open_projection((lvtab *)c->base.pVtab, c->ds, s->dropped, &s->lazy, &s->lazy_proj, e);
  if (!rc && s->lazy_no != s->batch_no) { /* the current batch's rows again (one fragment) */
    size_t n = (size_t)c->b->n, used = 0;
    if (n > s->cap_lazy) {
      uint64_t *p = sqlite3_realloc64(s->lazy_ids, n * sizeof *p);
      if (!p) return lf_err(e, LF_NOMEM, "out of memory");
      s->lazy_ids = p, s->cap_lazy = n;
    }
    memcpy(s->lazy_ids, c->b->rowids, n * sizeof *s->lazy_ids);
    rc = lf_scan_take_fragment(s->lazy, s->lazy_ids, n, &used, &s->lazy_b, e);
    if (!rc && s->lazy_b->n != n)
      rc = lf_err(e, LF_CORRUPT, "fragment %llu: %llu of %zu rows taken again",
                  (unsigned long long)c->b->fragment_id, (unsigned long long)s->lazy_b->n, n);
    s->lazy_no = rc ? 0 : s->batch_no;
  }
  if (rc) return rc;
  *scan = s->lazy, *b = s->lazy_b, *k = s->lazy_proj[col];
  return LF_OK;
}

/* ---- A search's prefilter ------------------------------------------------------------ */

/* Append the rows of every batch of scan (filters[0..nf) applied) to *ids. */
static int collect_rows(lcursor *c, lf_scan *scan, const int *proj, int nf, const uint64_t *take,
                        size_t ntake, uint64_t **ids, size_t *n, size_t *cap, lf_error *e) {
  vtab_sfilt *s = c->sf;
  int rc = LF_OK;
  for (size_t at = 0;;) {
    const lf_scan_batch *b = NULL;
    size_t used = 0;
    if (take && at == ntake) break;
    rc = take ? lf_scan_take_fragment(scan, (uint64_t *)take + at, ntake - at, &used, &b, e)
              : lf_scan_next(scan, 4096, &b, e);
    if (rc || (!take && !b->n)) break;
    at += used ? used : ntake - at;
    if (!b->n) continue;
    if (!take && b->fragment_id != s->last_frag) s->scan_frags++, s->last_frag = b->fragment_id;
    if (*n + b->n > *cap || b->n > c->cap_sel) {
      size_t nc = 2 * (*n + b->n);
      uint64_t *ni = sqlite3_realloc64(*ids, nc * sizeof *ni);
      uint8_t *ns = ni ? sqlite3_realloc64(c->sel, b->n) : NULL;
      if (ni) *ids = ni, *cap = nc;
      if (ns) c->sel = ns, c->cap_sel = b->n;
      if (!ni || !ns) return lf_err(e, LF_NOMEM, "out of memory");
    }
    memset(c->sel, 1, b->n);
    vtab_select_rows(c->filters, nf, proj, b, c->sel);
    for (uint64_t i = 0; i < b->n; i++)
      if (c->sel[i]) (*ids)[(*n)++] = b->rowids[i];
  }
  return rc;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The index set's rows in the fragments it covers, ascending (sqlite3_malloc). */
static int covered_ids(const vtab_sfilt *s, uint64_t **out, size_t *n, lf_error *e) {
  uint64_t *a = NULL;
  size_t m = 0;
  *out = NULL, *n = 0;
  if (lf_rowset_array(s->set, &a, &m)) return lf_err(e, LF_NOMEM, "out of memory");
  size_t w = 0;
  for (size_t i = 0; i < m; i++)
    if (frag_covered(s, a[i] >> 32)) a[w++] = a[i];
  if (!(*out = sqlite3_malloc64((w ? w : 1) * sizeof **out))) {
    free(a);
    return lf_err(e, LF_NOMEM, "out of memory");
  }
  if (w) memcpy(*out, a, w * sizeof *a);
  *n = w;
  free(a);
  return LF_OK;
}

int vtab_sfilt_prefilter(lvtab *vt, lcursor *c, uint64_t **ids, size_t *n, int *ok, lf_error *e) {
  vtab_sfilt *s = c->sf;
  *ids = NULL, *n = 0, *ok = 0;
  if (!s || !s->set) return LF_OK;
  uint64_t all = 0, rest = 0; /* worth it: the rows read are few */
  for (int f = 0; f < lf_dataset_num_fragments(c->ds); f++) {
    const lf_fragment *fr = lf_dataset_fragment(c->ds, f);
    all += fr->physical_rows;
    if (!frag_covered(s, fr->id)) rest += fr->physical_rows;
  }
  if ((s->candidates + rest) * 8 > all) return LF_OK;
  uint64_t *cand = NULL;
  size_t ncand = 0, cap = 0;
  lf_scan *scan = NULL;
  int *proj = NULL;
  int rc = covered_ids(s, &cand, &ncand, e);
  if (!rc) rc = vtab_open_projection(vt, c->ds, vtab_filter_mask(c->filters, c->nsel), &scan, &proj, e);
  if (!rc) rc = collect_rows(c, scan, proj, c->nsel, cand, ncand, ids, n, &cap, e);
  lf_scan_free(scan);
  sqlite3_free(proj);
  scan = NULL, proj = NULL;
  if (!rc && rest) rc = vtab_open_projection(vt, c->ds, vtab_filter_mask(c->filters, c->nfilters), &scan, &proj, e);
  if (!rc && rest) rc = lf_scan_exclude(scan, s->frags, s->nfrags, e);
  if (!rc && rest) rc = collect_rows(c, scan, proj, c->nfilters, NULL, 0, ids, n, &cap, e);
  lf_scan_free(scan);
  sqlite3_free(proj);
  sqlite3_free(cand);
  if (!rc && *n) qsort(*ids, *n, sizeof **ids, cmp_u64);
  s->taken = *n;
  if (rc) sqlite3_free(*ids), *ids = NULL, *n = 0;
  *ok = s->prefiltered = !rc;
  return rc;
}

/* ---- lance_explain's line for a cursor ------------------------------------------------ */

char *vtab_sfilt_explain(const lvtab *vt, const lcursor *c) {
  const vtab_sfilt *s = c->sf;
  if (c->search.on && s && s->prefiltered)
    return sqlite3_mprintf("%s: search (%llu results); prefilter from index %s: %llu candidate rows, "
                           "%llu rows allowed (%d of %d filters checked again on them; scanned %llu "
                           "unindexed fragments), the search reads only theirs", vt->name,
                           (unsigned long long)c->search.nres, sqlite3_str_value(s->used),
                           (unsigned long long)s->candidates, (unsigned long long)s->taken,
                           s->nrecheck, c->nfilters, (unsigned long long)s->scan_frags);
  if (c->search.on)
    return sqlite3_mprintf("%s: search (%llu results)%s%s", vt->name, (unsigned long long)c->search.nres,
                           s ? "; prefilter from index " : "", s ? sqlite3_str_value(s->used) : "");
  if (c->take && !s) return sqlite3_mprintf("%s: rowid lookup (%llu ids)", vt->name,
                                                 (unsigned long long)c->nids);
  if (!s)
    return sqlite3_mprintf("%s: full scan of %d fragments%s", vt->name, lf_dataset_num_fragments(c->ds),
                           c->nfilters ? " (no index answers the pushed filters)" : "");
  return sqlite3_mprintf("%s: index %s: %llu candidate rows (%llu index pages/bitmaps read); "
                         "took %llu rows from %llu of %llu indexed fragments, %d of %d filters checked "
                         "again on them; scanned %llu unindexed fragments",
                         vt->name, sqlite3_str_value(s->used) ? sqlite3_str_value(s->used) : "",
                         (unsigned long long)s->candidates, (unsigned long long)s->pages,
                         (unsigned long long)s->taken, (unsigned long long)s->taken_frags, (unsigned long long)s->nfrags,
                         s->nrecheck, c->nfilters, (unsigned long long)s->scan_frags);
}

/* ---- Planning ---------------------------------------------------------------------------- */

/* The fraction of rows a plan reads when the filters xBestIndex pushed (argvIndex
** set) include indexed ones: the estimated selectivity of the indexed filters
** plus the share of rows no index covers; 1 when no index applies. */
double vtab_sfilt_fraction(lvtab *vt, sqlite3_index_info *info) {
  lf_dataset *ds = vt->latest ? vt->latest : vt->schema_ds;
  lf_index_meta *ix = NULL;
  int nix = 0;
  if (lf_manifest_indices(lf_dataset_manifest(ds), &ix, &nix, NULL) || !nix) {
    lf_indices_free(ix, nix);
    return 1;
  }
  double sel = 1;
  int hit = -1;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *ct = &info->aConstraint[i];
    if (info->aConstraintUsage[i].argvIndex <= 0 || ct->iColumn < 0 || ct->iColumn >= vt->ncols)
      continue;
    int j = find_index(ix, nix, vtab_col_field(vt, ct->iColumn), ct->op);
    if (j < 0) continue;
    hit = j;
    sel *= ct->op == SQLITE_INDEX_CONSTRAINT_EQ ? (sqlite3_vtab_in(info, i, -1) ? 0.01 : 0.001)
         : ct->op == SQLITE_INDEX_CONSTRAINT_ISNULL || list_op(ct->op) ? 0.01 : 0.25;
  }
  double frac = 1;
  if (hit >= 0) { /* rows outside the index's fragments are scanned */
    uint64_t all = 0, cov = 0;
    for (int f = 0; f < lf_dataset_num_fragments(ds); f++) {
      const lf_fragment *fr = lf_dataset_fragment(ds, f);
      all += fr->physical_rows;
      for (size_t k = 0; k < ix[hit].n_frags; k++)
        if (ix[hit].frags[k] == fr->id) { cov += fr->physical_rows; break; }
    }
    frac = sel + (all ? (double)(all - cov) / (double)all : 0);
    if (frac > 1) frac = 1;
  }
  lf_indices_free(ix, nix);
  return frac;
}
