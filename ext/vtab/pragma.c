/*
** pragma.c: the pragma functions' SQL side: the argument they take, the
** eponymous-only virtual tables lance_versions, lance_tags, lance_schema,
** lance_fragments and lance_indices (their rows come from pragma_list.c),
** and lance_attach().
**
** The argument is a lance virtual table name or a dataset path.  A name is
** resolved as SQLite resolves table names (temp, main, then attached
** databases; 'db.name' names one database) and its CREATE VIRTUAL TABLE
** statement in sqlite_schema gives the dataset and its version=N or tag='x'
** pin, read by args.c exactly as the table read them.  Anything else is
** taken as a dataset path, read as the table's first argument (a file: URI
** allowed); when no dataset is there either the error is
** "lance_versions: no lance table or dataset named 'x'".
**
** The tables are read-only and SQLITE_VTAB_DIRECTONLY: they open files by
** path, so a schema (a view or trigger in a database file someone hands the
** user) must not be able to call them (csv.c explains the attack).  Rows are
** computed in xFilter into a small in-memory table: they are few (one per
** version, tag, field, fragment or index segment).
**
** lance_attach(dir [, schema [, storage_options]]) runs CREATE VIRTUAL TABLE
** [schema.]NAME USING lance('dir/NAME.lance' [, storage_options='...']) for
** each dataset directory NAME.lance in dir (a LanceDB database; a path, file:
** URI, s3:// or http(s):// URI, read as a table's first argument; schema may
** be NULL),
** in name order, and returns how many tables it made.
** Entries that are not NAME.lance datasets are skipped.  It stops at the
** first failing CREATE (tables made before it stay) with
** "lance_attach: dir/NAME.lance: <SQLite's error>".
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lance_ext.h"
#include "lf_table.h"
#include "vtab/args.h"
#include "vtab/pragma.h"

/* ---- result rows ------------------------------------------------------------ */

static void rows_reset(prows *r) {
  for (int i = 0; i < r->n; i++) sqlite3_free(r->a[i].z);
  sqlite3_free(r->a);
  r->a = NULL;
  r->n = r->cap = r->nomem = 0;
}

static pcell *rows_push(prows *r) {
  if (r->nomem) return NULL;
  if (r->n == r->cap) {
    int cap = r->cap ? r->cap * 2 : 64;
    pcell *a = sqlite3_realloc64(r->a, (sqlite3_uint64)cap * sizeof *a);
    if (!a) {
      r->nomem = 1;
      return NULL;
    }
    r->a = a;
    r->cap = cap;
  }
  pcell *c = &r->a[r->n++];
  memset(c, 0, sizeof *c);
  c->t = SQLITE_NULL;
  return c;
}

void pragma_int(prows *r, sqlite3_int64 v) {
  pcell *c = rows_push(r);
  if (c) c->t = SQLITE_INTEGER, c->i = v;
}

void pragma_null(prows *r) { rows_push(r); }

void pragma_owned(prows *r, char *z) {
  pcell *c = rows_push(r);
  if (!c || !z) {
    sqlite3_free(z);
    r->nomem = 1;
    return;
  }
  c->t = SQLITE_TEXT;
  c->z = z;
}

void pragma_text(prows *r, const char *z) {
  if (z) pragma_owned(r, sqlite3_mprintf("%s", z));
  else pragma_null(r);
}

/* ---- one call: the argument, its dataset, errors ---------------------------- */

int pragma_error(pctx *p, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  char *z = sqlite3_vmprintf(zFmt, ap);
  va_end(ap);
  sqlite3_free(p->zErr);
  p->zErr = z ? sqlite3_mprintf("%s: %s", p->zFunc, z) : NULL;
  sqlite3_free(z);
  return p->zErr ? SQLITE_ERROR : SQLITE_NOMEM;
}

int pragma_lf_error(pctx *p, int rc) {
  if (rc == LF_NOMEM) return SQLITE_NOMEM;
  if (p->zTable) return pragma_error(p, "table '%s': %s", p->zTable, p->err.msg);
  return pragma_error(p, "%s", p->err.msg);
}

void pragma_reset(pctx *p) {
  sqlite3_free(p->zTable);
  sqlite3_free(p->zPath);
  sqlite3_free(p->zUri);
  sqlite3_free(p->zTag);
  if (p->zOptions) memset(p->zOptions, 0, strlen(p->zOptions)); /* may hold secrets */
  sqlite3_free(p->zOptions);
  lf_store_free(p->store);
  free(p->aVer);
  sqlite3_free(p->zErr);
  memset(p, 0, sizeof *p);
}

/* ---- resolving a lance table name ------------------------------------------- */

/* Reads the arguments of a CREATE VIRTUAL TABLE ... USING lance(...)
** statement into p, as the table itself read them (args.c).  p->zPath
** stays NULL when it is not a lance table. */
static int parse_create(pctx *p, const char *zSql, const char *zName) {
  char **az, msg[512];
  int n, rc = vtab_args_split(zSql, &az, &n);
  if (rc || n < 0) return rc ? SQLITE_NOMEM : SQLITE_OK;
  vtab_args a;
  rc = vtab_args_parse(n, (const char *const *)az, &a, msg, sizeof msg);
  vtab_args_free_list(az, n);
  if (rc) return rc == VTAB_ARGS_NOMEM ? SQLITE_NOMEM
                                       : pragma_error(p, "table '%s': %s", zName, msg);
  p->zPath = sqlite3_mprintf("%s", a.path);
  p->zTag = a.tag ? sqlite3_mprintf("%s", a.tag) : NULL;
  int nomem = 0;
  if (!p->zOptions && a.options) /* storage_options given to the function win */
    nomem = !(p->zOptions = sqlite3_mprintf("%s", a.options));
  p->version = a.version;
  rc = p->zPath && (p->zTag || !a.tag) && !nomem ? SQLITE_OK : SQLITE_NOMEM;
  vtab_args_reset(&a);
  return rc;
}

/* The CREATE statement of table zName in database zDb into *pzSql (NULL
** when there is none, or no such database). */
static int table_sql(sqlite3 *db, const char *zDb, const char *zName, char **pzSql) {
  sqlite3_stmt *st = NULL;
  *pzSql = NULL;
  char *zQ = sqlite3_mprintf("SELECT sql FROM \"%w\".sqlite_schema "
                             "WHERE type = 'table' AND name = ?1 COLLATE NOCASE", zDb);
  if (!zQ) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(db, zQ, -1, &st, NULL);
  sqlite3_free(zQ);
  if (rc != SQLITE_OK) return rc == SQLITE_NOMEM ? rc : SQLITE_OK;
  sqlite3_bind_text(st, 1, zName, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    *pzSql = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
    if (!*pzSql) rc = SQLITE_NOMEM;
  }
  sqlite3_finalize(st);
  return rc;
}

/* Looks p->zArg up as a lance table: temp, main, attached databases, then
** 'db.name'.  Fills p->zTable and p->zPath (+ pin) when it is one. */
static int find_table(pctx *p) {
  sqlite3_stmt *st = NULL;
  char *zSql = NULL;
  int rc = sqlite3_prepare_v2(p->db, "SELECT name FROM pragma_database_list "
                              "ORDER BY seq <> 1, seq", -1, &st, NULL);
  while (rc == SQLITE_OK && !zSql && sqlite3_step(st) == SQLITE_ROW)
    rc = table_sql(p->db, (const char *)sqlite3_column_text(st, 0), p->zArg, &zSql);
  sqlite3_finalize(st);
  const char *zDot = strchr(p->zArg, '.');
  if (rc == SQLITE_OK && !zSql && zDot) {
    char *zDb = sqlite3_mprintf("%.*s", (int)(zDot - p->zArg), p->zArg);
    rc = zDb ? table_sql(p->db, zDb, zDot + 1, &zSql) : SQLITE_NOMEM;
    sqlite3_free(zDb);
  }
  if (rc == SQLITE_OK && zSql) rc = parse_create(p, zSql, p->zArg);
  if (rc == SQLITE_OK && p->zPath && !(p->zTable = sqlite3_mprintf("%s", p->zArg)))
    rc = SQLITE_NOMEM;
  sqlite3_free(zSql);
  return rc;
}

/* Resolves p->zArg to a dataset directory, opens the store and lists the
** versions (which also proves a dataset is there). */
int pragma_resolve(pctx *p) {
  int rc = find_table(p);
  if (rc != SQLITE_OK) return rc;
  if (!p->zPath) { /* not a lance table: a path, read as the table's first argument */
    char msg[512], *zPath = NULL;
    rc = vtab_args_path(p->zArg, &zPath, msg, sizeof msg);
    if (rc) return rc == VTAB_ARGS_NOMEM ? SQLITE_NOMEM : pragma_error(p, "%s", msg);
    p->zPath = sqlite3_mprintf("%s", zPath);
    free(zPath);
    if (!p->zPath) return SQLITE_NOMEM;
  }
  char *zRoot = NULL;
  if (!(p->zUri = sqlite3_mprintf("%s", p->zPath))) return SQLITE_NOMEM;
  int lrc = lf_store_open(p->zPath, p->zOptions, &p->store, &zRoot, &p->err);
  if (!lrc) {
    sqlite3_free(p->zPath);
    p->zPath = sqlite3_mprintf("%s", zRoot);
    free(zRoot);
    if (!p->zPath) return SQLITE_NOMEM;
  }
  if (!lrc) lrc = lf_dataset_versions(p->store, p->zPath, &p->aVer, &p->nVer, &p->err);
  if (lrc == LF_NOTFOUND && !p->zTable)
    return pragma_error(p, "no lance table or dataset named '%s'", p->zArg);
  return lrc ? pragma_lf_error(p, lrc) : SQLITE_OK;
}

/* ---- the eponymous virtual tables ------------------------------------------------ */

typedef struct pragma_def {
  const char *zName;
  const char *zSchema; /* columns, then the hidden argument column */
  int nCol;            /* visible columns (the argument is column nCol) */
  int (*xFill)(pctx *, prows *);
} pragma_def;

static const pragma_def pragma_defs[] = {
  {"lance_versions", "CREATE TABLE x(version INTEGER, timestamp TEXT, row_count INTEGER, "
   "operation TEXT, tags TEXT, fragments INTEGER, timestamp_ns INTEGER, arg HIDDEN, "
   "storage_options HIDDEN)",
   7, pragma_fill_versions},
  {"lance_tags", "CREATE TABLE x(tag TEXT, version INTEGER, arg HIDDEN, storage_options HIDDEN)",
   2, pragma_fill_tags},
  {"lance_schema", "CREATE TABLE x(field_id INTEGER, name TEXT, arrow_type TEXT, "
   "nullable INTEGER, sqlite_type TEXT, parent_id INTEGER, arg HIDDEN, storage_options HIDDEN)",
   6, pragma_fill_schema},
  {"lance_fragments", "CREATE TABLE x(fragment_id INTEGER, physical_rows INTEGER, "
   "deleted_rows INTEGER, files TEXT, deletion_file TEXT, arg HIDDEN, storage_options HIDDEN)",
   5, pragma_fill_fragments},
  {"lance_indices", "CREATE TABLE x(name TEXT, columns TEXT, type TEXT, version INTEGER, "
   "unindexed_rows INTEGER, uuid TEXT, arg HIDDEN, storage_options HIDDEN)",
   6, pragma_fill_indices},
  {"lance_progress", "CREATE TABLE x(operation TEXT, column TEXT, state TEXT, rows_done INTEGER, "
   "rows_total INTEGER, rows_per_s INTEGER, version INTEGER, pid INTEGER, updated TEXT, "
   "error TEXT, phase TEXT, arg HIDDEN, storage_options HIDDEN)", 11, pragma_fill_progress},
};

typedef struct pvtab {
  sqlite3_vtab base;
  sqlite3 *db;
  const pragma_def *def;
} pvtab;

typedef struct pcursor {
  sqlite3_vtab_cursor base;
  prows rows;
  int iRow;
  char *zArg; /* the argument, for the hidden column */
} pcursor;

static int pragma_connect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                          sqlite3_vtab **ppVtab, char **pzErr) {
  const pragma_def *def = pAux;
  (void)argc, (void)argv, (void)pzErr;
  int rc = sqlite3_declare_vtab(db, def->zSchema);
  if (rc == SQLITE_OK) rc = sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  if (rc != SQLITE_OK) return rc;
  pvtab *v = sqlite3_malloc(sizeof *v);
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof *v);
  v->db = db;
  v->def = def;
  *ppVtab = &v->base;
  return SQLITE_OK;
}

static int pragma_disconnect(sqlite3_vtab *pVtab) {
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

/*
** The plan (idxNum; nothing in idxStr):
**
**   idxNum  constraint on the hidden column arg      cost
**   ------  ---------------------------------------  ----
**     1     arg = ? usable: argv[0], omitted          10
**     3     and storage_options = ?: argv[1], omitted  10
**     0     none at all: xFilter reports the missing   1e12
**           argument
**   SQLITE_CONSTRAINT: arg = ? exists but is not usable in this order (a
**   join), so SQLite must try another order.
*/
static int pragma_best_index(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo) {
  int nCol = ((pvtab *)pVtab)->def->nCol, iArg = -1, iOpt = -1, unusable = 0;
  for (int i = 0; i < pInfo->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &pInfo->aConstraint[i];
    if ((c->iColumn != nCol && c->iColumn != nCol + 1) || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
      continue;
    if (!c->usable) unusable = 1;
    else if (c->iColumn == nCol) iArg = i;
    else iOpt = i;
  }
  if (iArg >= 0) {
    pInfo->aConstraintUsage[iArg].argvIndex = 1;
    pInfo->aConstraintUsage[iArg].omit = 1;
    if (iOpt >= 0) {
      pInfo->aConstraintUsage[iOpt].argvIndex = 2;
      pInfo->aConstraintUsage[iOpt].omit = 1;
    }
    pInfo->idxNum = iOpt >= 0 ? 3 : 1;
    pInfo->estimatedCost = 10;
    pInfo->estimatedRows = 10;
    return SQLITE_OK;
  }
  if (unusable) return SQLITE_CONSTRAINT;
  pInfo->idxNum = 0;
  pInfo->estimatedCost = 1e12;
  return SQLITE_OK;
}

static int pragma_open(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCur) {
  pcursor *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  c->rows.nCol = ((pvtab *)pVtab)->def->nCol;
  *ppCur = &c->base;
  return SQLITE_OK;
}

static int pragma_close(sqlite3_vtab_cursor *pCur) {
  pcursor *c = (pcursor *)pCur;
  rows_reset(&c->rows);
  sqlite3_free(c->zArg);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int pragma_filter(sqlite3_vtab_cursor *pCur, int idxNum, const char *idxStr, int argc,
                         sqlite3_value **argv) {
  pcursor *c = (pcursor *)pCur;
  pvtab *v = (pvtab *)pCur->pVtab;
  pctx p;
  (void)idxStr;
  rows_reset(&c->rows);
  c->iRow = 0;
  sqlite3_free(c->zArg);
  c->zArg = NULL;
  memset(&p, 0, sizeof p);
  p.db = v->db;
  p.zFunc = v->def->zName;
  int rc;
  if (idxNum == 0 || argc < 1) {
    rc = pragma_error(&p, "missing argument: a lance table name or dataset path");
  } else if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    rc = pragma_error(&p, "the argument is NULL, not a lance table name or dataset path");
  } else if (!(c->zArg = sqlite3_mprintf("%s", (const char *)sqlite3_value_text(argv[0])))) {
    rc = SQLITE_NOMEM;
  } else if (idxNum == 3 && sqlite3_value_type(argv[1]) != SQLITE_NULL &&
             !(p.zOptions = sqlite3_mprintf("%s", (const char *)sqlite3_value_text(argv[1])))) {
    rc = SQLITE_NOMEM;
  } else {
    p.zArg = c->zArg;
    rc = pragma_resolve(&p);
    if (rc == SQLITE_OK) rc = v->def->xFill(&p, &c->rows);
    if (rc == SQLITE_OK && c->rows.nomem) rc = SQLITE_NOMEM;
  }
  if (rc != SQLITE_OK) {
    rows_reset(&c->rows);
    sqlite3_free(v->base.zErrMsg);
    v->base.zErrMsg = p.zErr;
    p.zErr = NULL;
  }
  pragma_reset(&p);
  return rc;
}

static int pragma_next(sqlite3_vtab_cursor *pCur) {
  ((pcursor *)pCur)->iRow++;
  return SQLITE_OK;
}

static int pragma_eof(sqlite3_vtab_cursor *pCur) {
  pcursor *c = (pcursor *)pCur;
  return c->iRow >= c->rows.n / c->rows.nCol;
}

static int pragma_column(sqlite3_vtab_cursor *pCur, sqlite3_context *ctx, int i) {
  pcursor *c = (pcursor *)pCur;
  if (i > c->rows.nCol) return SQLITE_OK; /* storage_options: never shown (secrets) */
  if (i == c->rows.nCol) {
    sqlite3_result_text(ctx, c->zArg, -1, SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  const pcell *x = &c->rows.a[c->iRow * c->rows.nCol + i];
  if (x->t == SQLITE_INTEGER) sqlite3_result_int64(ctx, x->i);
  else if (x->t == SQLITE_TEXT) sqlite3_result_text(ctx, x->z, -1, SQLITE_TRANSIENT);
  return SQLITE_OK;
}

static int pragma_rowid(sqlite3_vtab_cursor *pCur, sqlite3_int64 *pRowid) {
  *pRowid = ((pcursor *)pCur)->iRow + 1;
  return SQLITE_OK;
}

/* Eponymous-only (no xCreate) and read-only (no xUpdate). */
static sqlite3_module pragma_module = {
  .iVersion = 0,
  .xConnect = pragma_connect,
  .xBestIndex = pragma_best_index,
  .xDisconnect = pragma_disconnect,
  .xOpen = pragma_open,
  .xClose = pragma_close,
  .xFilter = pragma_filter,
  .xNext = pragma_next,
  .xEof = pragma_eof,
  .xColumn = pragma_column,
  .xRowid = pragma_rowid,
};

/* ---- lance_attach(dir [, schema [, storage_options]]) ---------------------------- */

/* The names a lance_attach call works with: zDir the directory as given
** (dataset locations in the CREATE statements), zRoot its path in st. */
typedef struct attach_ctx {
  sqlite3_context *ctx;
  lf_store *st;
  const char *zDir, *zRoot, *zSchema, *zOpts;
  int n; /* tables created */
} attach_ctx;

/* CREATE VIRTUAL TABLE [zSchema.]zName USING lance('zDir/zName.lance'
** [, storage_options=...]) unless that directory holds no dataset. */
static int attach_one(attach_ctx *a, const char *zName) {
  sqlite3 *db = sqlite3_context_db_handle(a->ctx);
  uint64_t *aVer = NULL;
  size_t nVer;
  lf_error err;
  char *zIn = sqlite3_mprintf("%s%s%s.lance", a->zRoot, a->zRoot[0] ? "/" : "", zName);
  char *zPath = sqlite3_mprintf("%s/%s.lance", a->zDir, zName), *zSql = NULL, *zErr = NULL;
  char *zOpt = a->zOpts ? sqlite3_mprintf(", storage_options=%Q", a->zOpts) : sqlite3_mprintf("");
  int rc = SQLITE_OK;
  if (!zPath || !zIn || !zOpt) rc = SQLITE_NOMEM;
  int lrc = rc ? LF_OK : lf_dataset_versions(a->st, zIn, &aVer, &nVer, &err);
  free(aVer);
  if (lrc == LF_NOMEM) rc = SQLITE_NOMEM;
  else if (lrc && lrc != LF_NOTFOUND) rc = SQLITE_ERROR, zErr = sqlite3_mprintf("%s", err.msg);
  else if (lrc == LF_OK && !rc) {
    zSql = a->zSchema
        ? sqlite3_mprintf("CREATE VIRTUAL TABLE \"%w\".\"%w\" USING lance(%Q%s)", a->zSchema,
                          zName, zPath, zOpt)
        : sqlite3_mprintf("CREATE VIRTUAL TABLE \"%w\" USING lance(%Q%s)", zName, zPath, zOpt);
    rc = zSql ? sqlite3_exec(db, zSql, NULL, NULL, &zErr) : SQLITE_NOMEM;
    if (rc == SQLITE_OK) ++a->n;
  }
  if (rc != SQLITE_OK && rc != SQLITE_NOMEM) {
    char *zMsg = sqlite3_mprintf("lance_attach: %s: %s", zPath, zErr ? zErr : "failed");
    sqlite3_result_error(a->ctx, zMsg ? zMsg : "lance_attach: out of memory", -1);
    sqlite3_free(zMsg);
  }
  sqlite3_free(zErr);
  if (zSql) memset(zSql, 0, strlen(zSql)); /* it held the storage options */
  sqlite3_free(zSql);
  if (zOpt) memset(zOpt, 0, strlen(zOpt));
  sqlite3_free(zOpt);
  sqlite3_free(zPath);
  sqlite3_free(zIn);
  return rc;
}

static void attach_error(sqlite3_context *ctx, const char *zDir, const char *zWhy) {
  char *zMsg = zDir ? sqlite3_mprintf("lance_attach: cannot list directory '%s': %s", zDir, zWhy)
                    : sqlite3_mprintf("lance_attach: %s", zWhy);
  sqlite3_result_error(ctx, zMsg ? zMsg : "lance_attach: out of memory", -1);
  sqlite3_free(zMsg);
}

static void attach_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const char *zDir = (const char *)sqlite3_value_text(argv[0]);
  attach_ctx a = {ctx, NULL, zDir, NULL, argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL,
                  argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : NULL, 0};
  if (!zDir) {
    sqlite3_result_error(ctx, "lance_attach: the directory argument is NULL", -1);
    return;
  }
  char *zD = NULL, *zRoot = NULL, **azName = NULL, msg[512];
  size_t nName = 0;
  lf_error err;
  int rc = vtab_args_path(zDir, &zD, msg, sizeof msg); /* as a dataset argument */
  if (rc == VTAB_ARGS_BAD) {
    attach_error(ctx, NULL, msg);
    return;
  }
  rc = rc ? SQLITE_NOMEM : SQLITE_OK;
  int lrc = zD ? lf_store_open(zD, a.zOpts, &a.st, &zRoot, &err) : LF_OK;
  if (zD && lrc && lrc != LF_NOMEM) {
    attach_error(ctx, NULL, err.msg);
    rc = SQLITE_ERROR;
    lrc = LF_OK;
  }
  a.zRoot = zRoot;
  if (zD && !lrc && !rc) lrc = lf_store_list_suffix(a.st, zRoot, ".lance", 0, &azName, &nName, &err);
  if (lrc == LF_NOMEM) rc = SQLITE_NOMEM;
  else if (lrc) {
    uint64_t size;
    attach_error(ctx, zDir, lrc != LF_NOTFOUND ? err.msg
                            : a.st->size(a.st, zRoot, &size, NULL) == LF_OK ? "not a directory"
                                                                           : "no such directory");
    rc = SQLITE_ERROR;
  }
  a.zDir = zD;
  for (size_t i = 0; rc == SQLITE_OK && i < nName; i++) rc = attach_one(&a, azName[i]);
  if (rc == SQLITE_OK) sqlite3_result_int(ctx, a.n);
  else if (rc == SQLITE_NOMEM) sqlite3_result_error_nomem(ctx);
  lf_names_free(azName, nName);
  lf_store_free(a.st);
  free(zRoot);
  free(zD);
}

int lance_pragma_register(sqlite3 *db) {
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof pragma_defs / sizeof pragma_defs[0]; i++)
    rc = sqlite3_create_module(db, pragma_defs[i].zName, &pragma_module,
                               (void *)&pragma_defs[i]);
  for (int nArg = 1; rc == SQLITE_OK && nArg <= 3; nArg++)
    rc = sqlite3_create_function(db, "lance_attach", nArg, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                 NULL, attach_func, NULL, NULL);
  return rc;
}
