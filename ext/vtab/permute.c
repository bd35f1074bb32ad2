/*
** permute.c: owns permutations on the SQL side (docs/sql.md, "Permutations"):
**
**   SELECT lance_permutation('bdd', 'perm.lance', 'filter=... split_random=0.8,0.2
**                            split_names=train,val seed=42 shuffle=true');
**   CREATE VIRTUAL TABLE train USING lance('bdd.lance', permutation='perm.lance',
**                                          split='train');
**
** lance_permutation(source, dest [, options]) reads the source's row ids (and
** what the split needs: hash columns, a calculated split id) with one SQL
** query on the same connection, `SELECT rowid, _version, ... FROM source
** WHERE (filter) [AND _version = N | _tag = 'x']`, assigns split ids as
** LanceDB's permutation builder does (random: seeded shuffle then split
** sizes in order; sequential: sizes in scan order; hash: a 64-bit hash of
** the columns' values against the weights, stable per key; calculated: the
** expression's integer or integral REAL, NULL drops the row), orders rows
** by split id (within a split: the random order, else scan order;
** shuffle=true shuffles each split with the seed), and writes the dataset
** (format/permutation.c).  It
** returns the number of rows written.  A source given as a path is read
** through a temporary lance table.
**
** A table with permutation= reads its source's rows in the order of the
** split's row ids, by takes (runs of ascending row addresses at a time), and
** is pinned to the permutation's base_version unless version= or tag= says
** otherwise (so it is read-only).  rowid is the source row id.
**
** Also the temporary lance tables over a dataset path that lance_permutation
** and the materialized views (matview.c) read sources through.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lf_perm.h"
#include "lance_ext.h"
#include "pragma.h"
#include "vtab.h"
#include "vtab/permute.h"

/* ---- Reading through a permutation --------------------------------------------- */

struct vtab_perm {
  uint64_t *ids;            /* the split's source row ids, in order */
  size_t n;
  uint64_t *sorted;         /* the same, sorted (membership of rowid constraints) */
};

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int vtab_perm_open(lvtab *vt, char **err) {
  lf_permutation p;
  lf_error e = {0};
  int lrc = lf_permutation_read(vt->store, vt->args.permutation, vt->args.split, &p, &e);
  if (lrc) {
    *err = sqlite3_mprintf("lance: %s: permutation: %s", vt->name, e.msg);
    return lrc == LF_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
  }
  struct vtab_perm *vp = sqlite3_malloc(sizeof *vp);
  uint64_t *sorted = malloc((p.n ? p.n : 1) * sizeof *sorted);
  if (!vp || !sorted) {
    sqlite3_free(vp), free(sorted);
    lf_permutation_reset(&p);
    return SQLITE_NOMEM;
  }
  memcpy(sorted, p.ids, p.n * sizeof *sorted);
  qsort(sorted, p.n, sizeof *sorted, cmp_u64);
  vp->ids = p.ids, vp->n = p.n, vp->sorted = sorted;
  p.ids = NULL;
  if (!vt->args.version && !vt->args.tag) vt->args.version = p.base_version;
  lf_permutation_reset(&p);
  vt->perm = vp;
  return SQLITE_OK;
}

void vtab_perm_free(lvtab *vt) {
  if (!vt->perm) return;
  free(vt->perm->ids);
  free(vt->perm->sorted);
  sqlite3_free(vt->perm);
  vt->perm = NULL;
}

int vtab_perm_cursor(lvtab *vt, lcursor *c) {
  const struct vtab_perm *vp = vt->perm;
  if (c->search.on)
    return vtab_error(vt, "lance: %s: search (MATCH) on a table read through a permutation is "
                      "not supported; search the source table", vt->name);
  if (c->take) { /* rowid = / IN (...): those of the permutation's rows */
    size_t k = 0;
    for (size_t i = 0; i < c->nids; i++)
      if (bsearch(&c->ids[i], vp->sorted, vp->n, sizeof *vp->sorted, cmp_u64))
        c->ids[k++] = c->ids[i];
    c->nids = k;
    return SQLITE_OK;
  }
  sqlite3_free(c->ids);
  c->ids = sqlite3_malloc64((vp->n ? vp->n : 1) * sizeof *c->ids);
  if (!c->ids) return SQLITE_NOMEM;
  memcpy(c->ids, vp->ids, vp->n * sizeof *c->ids);
  c->nids = vp->n;
  c->take = 1;
  return SQLITE_OK;
}

size_t vtab_perm_run(const lf_dataset *ds, const uint64_t *ids, size_t n) {
  /* a take returns a fragment's rows by ascending offset: hand it only runs
  ** whose order that keeps (row addresses ascending; stable row ids one by one) */
  if (n == 0 || lf_dataset_stable_row_ids(ds)) return n ? 1 : 0;
  size_t k = 1;
  while (k < n && k < 4096 && ids[k] > ids[k - 1]) k++;
  return k;
}

/* ---- Temporary lance tables over a dataset path --------------------------------- */

int vtab_temp_lance(sqlite3 *db, const char *prefix, const char *uri, uint64_t version,
                    char **name) {
  unsigned r;
  sqlite3_randomness(sizeof r, &r);
  *name = sqlite3_mprintf("%s_%08x", prefix, r);
  char *sql = NULL;
  if (*name && version)
    sql = sqlite3_mprintf("CREATE VIRTUAL TABLE temp.\"%w\" USING lance(%Q, version=%llu)", *name,
                          uri, (unsigned long long)version);
  else if (*name)
    sql = sqlite3_mprintf("CREATE VIRTUAL TABLE temp.\"%w\" USING lance(%Q)", *name, uri);
  int rc = sql ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc) {
    sqlite3_free(*name);
    *name = NULL;
  }
  return rc;
}

void vtab_temp_drop(sqlite3 *db, char *name) {
  if (!name) return;
  char *drop = sqlite3_mprintf("DROP TABLE temp.\"%w\"", name);
  if (drop) sqlite3_exec(db, drop, NULL, NULL, NULL);
  sqlite3_free(drop);
  sqlite3_free(name);
}

/* ---- lance_permutation() ----------------------------------------------------------- */

typedef struct prow {
  uint64_t split, seq, id;
} prow;

typedef struct pbuild {
  sqlite3 *db;
  pctx *p;
  perm_opts o;
  char *tmp;                /* the temporary table over a source path, or NULL */
  prow *rows;
  size_t n, cap;
  uint64_t version;         /* the source version read */
} pbuild;

static int cmp_prow(const void *a, const void *b) {
  const prow *x = a, *y = b;
  if (x->split != y->split) return x->split < y->split ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* FNV-1a over one value's type and bytes, then a splitmix finish. */
static uint64_t hash_value(uint64_t h, sqlite3_value *v) {
  int t = sqlite3_value_type(v);
  unsigned char buf[8];
  const unsigned char *z = buf;
  size_t n = 0;
  if (t == SQLITE_INTEGER) {
    uint64_t x = (uint64_t)sqlite3_value_int64(v);
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)(x >> (8 * i));
    n = 8;
  } else if (t == SQLITE_FLOAT) {
    double d = sqlite3_value_double(v);
    memcpy(buf, &d, 8);
    n = 8;
  } else if (t == SQLITE_TEXT || t == SQLITE_BLOB) {
    z = t == SQLITE_TEXT ? sqlite3_value_text(v) : sqlite3_value_blob(v);
    n = (size_t)sqlite3_value_bytes(v);
  }
  h = (h ^ (uint64_t)t) * 0x100000001B3ull;
  for (size_t i = 0; i < n; i++) h = (h ^ z[i]) * 0x100000001B3ull;
  return lf_perm_mix64(h);
}

static int pbuild_error(pbuild *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *m = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  int rc = m ? pragma_error(b->p, "%s", m) : SQLITE_NOMEM;
  sqlite3_free(m);
  return rc;
}

/* The source as an SQL table reference ("main"."bdd"), or a temporary table over a path. */
static char *source_sql(pbuild *b) {
  const char *t = b->p->zTable;
  if (t) {
    const char *dot = strchr(t, '.');
    if (!dot) return sqlite3_mprintf("\"%w\"", t);
    char *db = sqlite3_mprintf("%.*s", (int)(dot - t), t);
    char *ref = db ? sqlite3_mprintf("\"%w\".\"%w\"", db, dot + 1) : NULL;
    sqlite3_free(db);
    return ref;
  }
  if (vtab_temp_lance(b->db, "lance_permutation_src", b->p->zPath, 0, &b->tmp)) return NULL;
  return sqlite3_mprintf("temp.\"%w\"", b->tmp);
}

static char *query_sql(pbuild *b, const char *src) {
  const perm_opts *o = &b->o;
  sqlite3_str *s = sqlite3_str_new(b->db);
  sqlite3_str_appendall(s, "SELECT rowid, _version");
  if (o->strategy == PERM_SPLIT_HASH) sqlite3_str_appendf(s, ", %s", o->hash_cols);
  if (o->strategy == PERM_SPLIT_CALCULATED) sqlite3_str_appendf(s, ", (%s)", o->calc);
  sqlite3_str_appendf(s, " FROM %s WHERE 1", src);
  if (o->filter) sqlite3_str_appendf(s, " AND (%s)", o->filter);
  if (o->version) sqlite3_str_appendf(s, " AND _version = %llu", (unsigned long long)o->version);
  if (o->tag) sqlite3_str_appendf(s, " AND _tag = %Q", o->tag);
  return sqlite3_str_finish(s);
}

/* The split id of the current row of st (hash or calculated), or UINT64_MAX: dropped. */
static int row_split(pbuild *b, sqlite3_stmt *st, const uint64_t *thr, uint64_t total,
                     uint64_t *split) {
  const perm_opts *o = &b->o;
  int nc = sqlite3_column_count(st);
  *split = 0;
  if (o->strategy == PERM_SPLIT_CALCULATED) {
    sqlite3_value *v = sqlite3_column_value(st, 2);
    int t = sqlite3_value_type(v);
    double d = sqlite3_value_double(v);
    if (t == SQLITE_NULL) return *split = UINT64_MAX, SQLITE_OK;
    if ((t != SQLITE_INTEGER && (t != SQLITE_FLOAT || d != floor(d) || d >= 9.2e18)) || d < 0)
      return pbuild_error(b, "split_calculated gave '%s' for row id %lld (expected an integer "
                          ">= 0, or NULL to leave the row out)", sqlite3_value_text(v),
                          sqlite3_column_int64(st, 0));
    *split = t == SQLITE_INTEGER ? (uint64_t)sqlite3_value_int64(v) : (uint64_t)d;
  } else if (o->strategy == PERM_SPLIT_HASH) {
    uint64_t h = 0xCBF29CE484222325ull;
    for (int i = 2; i < nc; i++) h = hash_value(h, sqlite3_column_value(st, i));
    uint64_t x = h % total;
    int k = 0;
    while (k < o->nsizes && x >= thr[k]) k++;
    *split = k < o->nsizes ? (uint64_t)k : UINT64_MAX;
  }
  return SQLITE_OK;
}

/* Hash thresholds: cumulative weights (ratios as parts per million). */
static uint64_t hash_thresholds(const perm_opts *o, uint64_t *thr) {
  uint64_t sum = 0;
  for (int i = 0; i < o->nsizes; i++) {
    sum += o->is_ratio ? (uint64_t)llround(o->sizes[i] * 1e6) : (uint64_t)o->sizes[i];
    thr[i] = sum;
  }
  if (o->is_ratio) return sum > 1000000 ? sum : 1000000;
  return sum + o->discard_weight;
}

static int collect_rows(pbuild *b, const char *sql) {
  sqlite3_stmt *st = NULL;
  uint64_t thr[PERM_MAX_SPLITS], total = hash_thresholds(&b->o, thr);
  if (b->o.strategy == PERM_SPLIT_HASH && (total == 0 || thr[b->o.nsizes - 1] == 0))
    return pbuild_error(b, "split_weights must not all be 0");
  int rc = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);
  if (rc) return pbuild_error(b, "%s", sqlite3_errmsg(b->db));
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    uint64_t split;
    if ((rc = row_split(b, st, thr, total, &split))) break;
    b->version = (uint64_t)sqlite3_column_int64(st, 1);
    if (split == UINT64_MAX) continue;
    if (b->n == b->cap) {
      size_t nc = b->cap ? 2 * b->cap : 4096;
      prow *g = sqlite3_realloc64(b->rows, nc * sizeof *g);
      if (!g) { rc = SQLITE_NOMEM; break; }
      b->rows = g, b->cap = nc;
    }
    b->rows[b->n] = (prow){split, b->n, (uint64_t)sqlite3_column_int64(st, 0)};
    b->n++;
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  else if (rc != SQLITE_NOMEM && !b->p->zErr) rc = pbuild_error(b, "%s", sqlite3_errmsg(b->db));
  sqlite3_finalize(st);
  return rc;
}

/* random / sequential / no split: sizes over the rows in (shuffled) order. */
static int assign_sizes(pbuild *b, uint64_t seed) {
  const perm_opts *o = &b->o;
  uint64_t counts[PERM_MAX_SPLITS];
  int ns = o->strategy == PERM_SPLIT_NONE ? 1 : o->nsizes;
  lf_error e = {0};
  if (o->strategy == PERM_SPLIT_NONE) counts[0] = b->n;
  else if (lf_perm_counts(o->sizes, ns, o->is_ratio, b->n, counts, &e))
    return pbuild_error(b, "%s", e.msg);
  if (o->strategy == PERM_SPLIT_RANDOM) { /* shuffle the order, then cut it */
    uint64_t *ord = sqlite3_malloc64((b->n ? b->n : 1) * sizeof *ord);
    if (!ord) return SQLITE_NOMEM;
    for (size_t i = 0; i < b->n; i++) ord[i] = i;
    lf_perm_shuffle(ord, b->n, seed);
    for (size_t i = 0; i < b->n; i++) b->rows[ord[i]].seq = i;
    sqlite3_free(ord);
  }
  qsort(b->rows, b->n, sizeof *b->rows, cmp_prow); /* by seq: splits are cut in that order */
  size_t at = 0;
  for (int k = 0; k < ns; k++)
    for (uint64_t c = 0; c < counts[k]; c++) b->rows[at++].split = (uint64_t)k;
  b->n = at; /* rows past the sizes are left out */
  return SQLITE_OK;
}

/* Rows in split order, each split shuffled when asked; written to dest. */
static int write_perm(pbuild *b, const char *dest, uint64_t seed, sqlite3_int64 *written) {
  qsort(b->rows, b->n, sizeof *b->rows, cmp_prow);
  uint64_t *ids = sqlite3_malloc64((b->n ? b->n : 1) * 8), *sp = sqlite3_malloc64((b->n ? b->n : 1) * 8);
  int rc = ids && sp ? SQLITE_OK : SQLITE_NOMEM;
  for (size_t i = 0; !rc && i < b->n; i++) ids[i] = b->rows[i].id, sp[i] = b->rows[i].split;
  for (size_t i = 0, j; !rc && b->o.shuffle && i < b->n; i = j) {
    for (j = i; j < b->n && sp[j] == sp[i]; j++) {}
    lf_perm_shuffle(ids + i, j - i, seed ^ (0x5EED5EED5EED5EEDull + sp[i]));
  }
  if (!rc) {
    char msg[512], *path = NULL;
    lf_error e = {0};
    int arc = vtab_args_path(dest, &path, msg, sizeof msg);
    if (arc) rc = arc == VTAB_ARGS_NOMEM ? SQLITE_NOMEM : pbuild_error(b, "%s", msg);
    int lrc = rc ? LF_OK : lf_permutation_write(b->p->store, path, ids, sp, b->n, b->version,
                                                (const char *const *)b->o.names, b->o.nnames, &e);
    if (lrc == LF_EXISTS) rc = pbuild_error(b, "%s: a dataset exists there already", path);
    else if (lrc) rc = pbuild_error(b, "%s", e.msg);
    free(path);
  }
  *written = (sqlite3_int64)b->n;
  sqlite3_free(ids);
  sqlite3_free(sp);
  return rc;
}

static int build(pbuild *b, const char *dest, const char *options, sqlite3_int64 *written) {
  char msg[512];
  int rc = perm_opts_parse(options, &b->o, msg, sizeof msg);
  if (rc) return rc == PERM_OPTS_NOMEM ? SQLITE_NOMEM : pbuild_error(b, "%s", msg);
  uint64_t seed = b->o.seed;
  if (!b->o.has_seed) sqlite3_randomness(sizeof seed, &seed);
  /* the version read; the rows' _version replaces it (this covers a source without rows) */
  b->version = b->o.version ? b->o.version : b->p->version ? b->p->version : b->p->aVer[b->p->nVer - 1];
  char *src = source_sql(b), *sql = src ? query_sql(b, src) : NULL;
  rc = sql ? collect_rows(b, sql) : SQLITE_NOMEM;
  sqlite3_free(src);
  sqlite3_free(sql);
  if (!rc && b->o.strategy != PERM_SPLIT_HASH && b->o.strategy != PERM_SPLIT_CALCULATED)
    rc = assign_sizes(b, seed);
  if (!rc) rc = write_perm(b, dest, seed, written);
  return rc;
}

static void permutation_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  pctx p;
  memset(&p, 0, sizeof p);
  p.db = sqlite3_context_db_handle(ctx);
  p.zFunc = "lance_permutation";
  pbuild b;
  memset(&b, 0, sizeof b);
  b.db = p.db, b.p = &p;
  sqlite3_int64 written = 0;
  const char *dest = (const char *)sqlite3_value_text(argv[1]);
  const char *options = argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : "";
  int rc;
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || !dest)
    rc = pragma_error(&p, "expected a lance table or dataset path and the permutation's path");
  else if ((p.zArg = (const char *)sqlite3_value_text(argv[0])) == NULL) rc = SQLITE_NOMEM;
  else if ((rc = pragma_resolve(&p)) == SQLITE_OK) rc = build(&b, dest, options ? options : "", &written);
  vtab_temp_drop(b.db, b.tmp);
  perm_opts_reset(&b.o);
  sqlite3_free(b.rows);
  if (rc == SQLITE_OK) sqlite3_result_int64(ctx, written);
  else if (rc == SQLITE_NOMEM || !p.zErr) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_error(ctx, p.zErr, -1);
  pragma_reset(&p);
}

int lance_train_register(sqlite3 *db) {
  int rc = SQLITE_OK;
  for (int n = 2; rc == SQLITE_OK && n <= 3; n++)
    rc = sqlite3_create_function(db, "lance_permutation", n, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                 NULL, permutation_func, NULL, NULL);
  if (rc == SQLITE_OK) rc = vtab_view_register(db); /* matview.c: materialized views */
  return rc;
}
