/*
** evolve.c: owns the schema evolution commands (scalar functions; the first
** argument is a lance table name or a dataset path, resolved as the pragma
** functions resolve it; each returns the version it committed):
**   lance_add_columns(t, 'name TYPE [NOT NULL], ...' [, expr])
**       with expr (one column): the expression evaluated by SQLite over
**       every live row (any SQL function, application-defined ones too),
**       written as one new data file per fragment beside its files; without:
**       all-NULL columns, only the schema changes.  A Merge commit.
**   lance_alter_columns(t, 'rename=a:b nullable=c:true cast=d:FLOAT64 ...')
**       renames and nullability change only the schema (Project); a cast
**       writes the converted column into new files under a new field id
**       (Merge), as Lance's alter_columns.
**   lance_drop_columns(t, 'a, b')  schema only (Project); the data stays in
**       the files until compaction.
** Rows are read through a lance table pinned to the version the command
** started from, created as temp."lance_evolve_<random>" and dropped after.
** Indexes on dropped or cast columns are removed in the same commit.
** Afterwards every lance table of the connection on the dataset (not pinned)
** is re-declared (evo_refresh_tables: DROP TABLE only forgets a lance
** table, and the same CREATE VIRTUAL TABLE declares the new columns);
** other connections see the schema change through SQLite's schema cookie.
** They refuse to run inside BEGIN ... COMMIT: each commits its own version.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vtab.h"
#include "vtab/evolve.h"

#define EVO_BATCH 4096

/* ---- the command's snapshot and its temp table -------------------------------- */

static int open_snapshot(evo *e) {
  pctx *p = e->p;
  int lrc = lf_dataset_open(p->store, p->zPath, 0, NULL, &e->ds, &p->err);
  if (lrc) return pragma_lf_error(p, lrc);
  int major, minor;
  lf_dataset_file_version(e->ds, &major, &minor);
  if (major < 2)
    return pragma_error(p, "changing columns of a dataset with Lance file version %d.%d is not "
                           "supported (2.1 or newer)", major, minor);
  uint64_t r;
  sqlite3_randomness(sizeof r, &r);
  snprintf(e->tmp, sizeof e->tmp, "lance_evolve_%016llx", (unsigned long long)r);
  char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE temp.\"%w\" USING lance('%q', version=%llu)",
                              e->tmp, p->zPath, (unsigned long long)lf_dataset_version(e->ds));
  int rc = sql ? sqlite3_exec(p->db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc) {
    e->tmp[0] = 0;
    return rc == SQLITE_NOMEM ? rc : pragma_error(p, "%s", sqlite3_errmsg(p->db));
  }
  return SQLITE_OK;
}

int evo_open(evo *e, pctx *p) {
  memset(e, 0, sizeof *e);
  e->p = p;
  e->budget = UINT64_MAX;
  e->batch = EVO_BATCH;
  if (!sqlite3_get_autocommit(p->db))
    return pragma_error(p, "cannot run inside a transaction (BEGIN ... COMMIT): "
                           "it commits versions of its own");
  return open_snapshot(e);
}

static void drop_temp(evo *e) {
  if (!e->tmp[0]) return;
  char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS temp.\"%w\"", e->tmp);
  if (sql) sqlite3_exec(e->p->db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
  e->tmp[0] = 0;
}

int evo_reopen(evo *e) {
  drop_temp(e);
  lf_dataset_free(e->ds);
  e->ds = NULL;
  return open_snapshot(e);
}

int evo_rows_before(evo *e, int first, uint64_t *n) {
  *n = 0;
  for (int i = 0; i < first; i++) {
    const uint32_t *del;
    size_t nd = 0;
    int lrc = lf_dataset_deletions(e->ds, i, &del, &nd, &e->p->err);
    if (lrc) return pragma_lf_error(e->p, lrc);
    *n += lf_dataset_fragment(e->ds, i)->physical_rows - nd;
  }
  return SQLITE_OK;
}

static void drop_file(pctx *p, const char *name) {
  char *path = sqlite3_mprintf("%s%sdata/%s", p->zPath, *p->zPath ? "/" : "", name);
  if (path) p->store->remove(p->store, path, NULL);
  sqlite3_free(path);
}

void evo_clear_adds(evo *e) {
  for (int i = 0; i < e->nadds; i++) lf_data_file_reset(&e->adds[i].file);
  e->nadds = 0;
}

void evo_close(evo *e, int drop_files) {
  for (int i = 0; drop_files && i < e->nadds; i++) drop_file(e->p, e->adds[i].file.path);
  evo_clear_adds(e);
  free(e->adds);
  free(e->tomb);
  drop_temp(e);
  lf_dataset_free(e->ds);
  memset(e, 0, sizeof *e);
}

int evo_prepare(evo *e, char *zSel, const char *zWhere, sqlite3_stmt **st) {
  pctx *p = e->p;
  const char *alias = p->zTable ? p->zTable : NULL, *dot = alias ? strchr(alias, '.') : NULL;
  if (dot) alias = dot + 1;
  char *sql = zSel ? sqlite3_mprintf("SELECT %s FROM temp.\"%w\"%s%w%s%s%s%s", zSel, e->tmp,
                                     alias ? " AS \"" : "", alias ? alias : "", alias ? "\"" : "",
                                     zWhere ? " WHERE (" : "", zWhere ? zWhere : "",
                                     zWhere ? ")" : "")
                   : NULL;
  sqlite3_free(zSel);
  if (!sql) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(p->db, sql, -1, st, NULL);
  sqlite3_free(sql);
  if (rc == SQLITE_NOMEM) return rc;
  return rc ? pragma_error(p, "the expression is not valid: %s", sqlite3_errmsg(p->db)) : SQLITE_OK;
}

int evo_column(evo *e, const char *z, const lf_field **out) {
  const lf_schema *s = lf_dataset_schema(e->ds);
  for (int i = 0; z && i < s->n_fields; i++)
    if (!strcasecmp(s->fields[i]->name, z)) {
      *out = s->fields[i];
      return SQLITE_OK;
    }
  return pragma_error(e->p, "no column '%s'", z ? z : "");
}

/* ---- writing column files ------------------------------------------------------- */

typedef struct colw {
  evo *e;
  const lf_schema *cols;
  lf_array *arr;
  lf_writer *w;
  const char *table;
} colw;

static int append_err(colw *c, int rc, char *msg) {
  if (rc == SQLITE_NOMEM) {
    sqlite3_free(msg);
    return rc;
  }
  rc = pragma_error(c->e->p, "%s", msg ? msg : "bad value");
  sqlite3_free(msg);
  return rc;
}

/* The row st holds. */
static int append_row(colw *c, sqlite3_stmt *st) {
  for (int i = 0; i < c->cols->n_fields; i++) {
    const lf_field *f = c->cols->fields[i];
    char *msg = NULL;
    int rc = vtab_append_value(c->table, f->name, &c->arr[i], sqlite3_column_value(st, 2 + i),
                               &msg);
    if (rc) return append_err(c, rc, msg);
  }
  return SQLITE_OK;
}

/* n rows for deleted offsets: NULL, or where the field is NOT NULL the
** values of the row st holds (never read: the rows are deleted). */
static int pad(colw *c, sqlite3_stmt *st, uint64_t n) {
  for (int i = 0; i < c->cols->n_fields; i++) {
    const lf_field *f = c->cols->fields[i];
    for (uint64_t k = 0; k < n; k++) {
      char *msg = NULL;
      int rc = f->nullable || !st ? vtab_append_null(c->table, f->name, &c->arr[i], &msg)
                                  : vtab_append_value(c->table, f->name, &c->arr[i],
                                                      sqlite3_column_value(st, 2 + i), &msg);
      if (rc) return append_err(c, rc, msg);
    }
  }
  return SQLITE_OK;
}

static int flush(colw *c) {
  uint64_t n = c->arr[0].length;
  if (!n) return SQLITE_OK;
  for (int i = 0; i < c->cols->n_fields; i++) lf_array_finish(&c->arr[i]);
  int lrc = lf_writer_write(c->w, c->arr, n, &c->e->p->err);
  for (int i = 0; i < c->cols->n_fields; i++) lf_array_clear(&c->arr[i]);
  return lrc ? pragma_lf_error(c->e->p, lrc) : SQLITE_OK;
}

/* The last live offset of fragment fi (deletions ascending), or UINT64_MAX. */
static uint64_t last_live(evo *e, int fi, const lf_fragment *fr) {
  const uint32_t *del = NULL;
  size_t nd = 0;
  if (lf_dataset_deletions(e->ds, fi, &del, &nd, &e->p->err)) return UINT64_MAX;
  uint64_t off = fr->physical_rows;
  while (off > 0 && nd > 0 && del[nd - 1] == off - 1) off--, nd--;
  return off ? off - 1 : UINT64_MAX;
}

static int step_error(evo *e, int step) {
  if (step == SQLITE_INTERRUPT || step == SQLITE_NOMEM) return step;
  return pragma_error(e->p, "the expression failed: %s", sqlite3_errmsg(e->p->db));
}

static int record_file(evo *e, uint64_t frag, lf_data_file *df) {
  if (e->nadds == e->cap) {
    int cap = e->cap ? 2 * e->cap : 16;
    lf_frag_file *a = realloc(e->adds, (size_t)cap * sizeof *a);
    if (!a) return SQLITE_NOMEM;
    e->adds = a, e->cap = cap;
  }
  lf_frag_file *a = &e->adds[e->nadds++];
  memset(a, 0, sizeof *a);
  a->fragment_id = frag;
  a->file = *df;
  a->tombstones = e->tomb, a->n_tombstones = e->ntomb;
  return SQLITE_OK;
}

/* One fragment's rows from st (*step: the current row's status). */
static int write_fragment(colw *c, sqlite3_stmt *st, int fi, int *step, int keep_idle) {
  evo *e = c->e;
  const lf_fragment *fr = lf_dataset_fragment(e->ds, fi);
  char name[64];
  int major, minor, rc = SQLITE_OK;
  lf_dataset_file_version(e->ds, &major, &minor);
  lf_data_file_name(name, sizeof name);
  int lrc = lf_writer_open(e->p->store, e->p->zPath, name, c->cols, major, minor, &c->w, &e->p->err);
  if (lrc) return pragma_lf_error(e->p, lrc);
  uint64_t next = 0, computed = 0, last = last_live(e, fi, fr), cut = 0;
  while (!rc && *step == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) >> 32 == fr->id) {
    uint64_t off = (uint64_t)sqlite3_column_int64(st, 0) & 0xFFFFFFFFu;
    if (off < next || off >= fr->physical_rows) {
      rc = pragma_error(e->p, "fragment %llu: rows out of order", (unsigned long long)fr->id);
      break;
    }
    rc = pad(c, st, off - next);
    if (!rc) rc = append_row(c, st);
    next = off + 1;
    if (!rc && off == last) rc = pad(c, st, fr->physical_rows - next), next = fr->physical_rows;
    if (sqlite3_column_int(st, 1)) {
      computed++;
      if (e->budget != UINT64_MAX && !e->gate.stop && --e->budget == 0) {
        e->gate.stop = 1, e->gate.stop_frag = fr->id, e->gate.block_all = off != last;
        cut = off != last ? next : fr->physical_rows;
      }
    }
    if (!rc && c->arr[0].length >= e->batch) rc = flush(c);
    if (!rc) *step = sqlite3_step(st);
  }
  if (!rc && *step != SQLITE_ROW && *step != SQLITE_DONE) rc = step_error(e, *step);
  if (!rc && next < fr->physical_rows) rc = pad(c, NULL, fr->physical_rows - next);
  if (!rc) rc = flush(c);
  if (rc || (!computed && !keep_idle)) {
    lf_writer_abort(c->w);
    c->w = NULL;
    return rc;
  }
  lf_data_file df = {0};
  lrc = lf_writer_finish(c->w, &df, &e->p->err);
  c->w = NULL;
  if (lrc) return pragma_lf_error(e->p, lrc);
  if ((rc = record_file(e, fr->id, &df))) {
    drop_file(e->p, df.path);
    lf_data_file_reset(&df);
    return rc;
  }
  e->computed += computed;
  if (e->on_frag && (rc = e->on_frag(e, fi, computed))) return rc;
  if (!e->gate.stop) return SQLITE_OK;
  e->gate.stop = e->gate.block_all = 0;
  if (cut >= fr->physical_rows) return SQLITE_OK;
  e->gate.has_from = 1, e->gate.frag = fr->id, e->gate.from = cut;
  return EVO_RESTART;
}

int evo_write(evo *e, sqlite3_stmt *st, const lf_schema *cols, int keep_idle, int first) {
  colw c = {e, cols, NULL, NULL, e->p->zTable ? e->p->zTable : e->p->zPath};
  if (!(c.arr = calloc((size_t)cols->n_fields + 1, sizeof *c.arr))) return SQLITE_NOMEM;
  for (int i = 0; i < cols->n_fields; i++) lf_array_init(&c.arr[i], cols->fields[i]);
  int step = sqlite3_step(st), rc = SQLITE_OK, nf = lf_dataset_num_fragments(e->ds);
  for (int fi = first; !rc && fi < nf; fi++) rc = write_fragment(&c, st, fi, &step, keep_idle);
  if (!rc && step == SQLITE_ROW)
    rc = pragma_error(e->p, "a row of fragment %llu is in no fragment of version %llu",
                      (unsigned long long)((uint64_t)sqlite3_column_int64(st, 0) >> 32),
                      (unsigned long long)lf_dataset_version(e->ds));
  for (int i = 0; i < cols->n_fields; i++) lf_array_reset(&c.arr[i]);
  free(c.arr);
  return rc;
}

/* ---- re-declaring the tables on the dataset ---------------------------------------- */

/* "DROP + CREATE" statements for the lance tables of database zDb on p->zPath. */
static int refresh_sql(pctx *p, const char *zDb, sqlite3_str *out) {
  sqlite3_stmt *st = NULL;
  char *q = sqlite3_mprintf("SELECT name, sql FROM \"%w\".sqlite_schema WHERE type = 'table' "
                            "AND sql LIKE 'CREATE VIRTUAL TABLE%%'", zDb);
  int rc = q ? sqlite3_prepare_v2(p->db, q, -1, &st, NULL) : SQLITE_NOMEM;
  sqlite3_free(q);
  while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    char **az = NULL, msg[256];
    int n;
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (vtab_args_split((const char *)sqlite3_column_text(st, 1), &az, &n)) rc = SQLITE_NOMEM;
    vtab_args a;
    if (rc || n < 1 || vtab_args_parse(n, (const char *const *)az, &a, msg, sizeof msg)) {
      vtab_args_free_list(az, n);
      continue;
    }
    if (!strcmp(a.path, p->zPath) && !a.version && !a.tag) {
      sqlite3_str_appendf(out, "DROP TABLE \"%w\".\"%w\"; CREATE VIRTUAL TABLE \"%w\".\"%w\" "
                          "USING lance(", zDb, name, zDb, name);
      for (int i = 0; i < n; i++) sqlite3_str_appendf(out, "%s%s", i ? ", " : "", az[i]);
      sqlite3_str_appendall(out, ");");
    }
    vtab_args_reset(&a);
    vtab_args_free_list(az, n);
  }
  sqlite3_finalize(st);
  return rc;
}

int evo_refresh_tables(pctx *p) {
  sqlite3_stmt *st = NULL;
  sqlite3_str *s = sqlite3_str_new(p->db);
  int rc = sqlite3_prepare_v2(p->db, "SELECT name FROM pragma_database_list ORDER BY seq", -1,
                              &st, NULL);
  while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    rc = refresh_sql(p, (const char *)sqlite3_column_text(st, 0), s);
  sqlite3_finalize(st);
  char *sql = sqlite3_str_finish(s);
  if (rc || !sql || !*sql) {
    sqlite3_free(sql);
    return rc;
  }
  char *all = sqlite3_mprintf("SAVEPOINT lance_refresh; %s RELEASE lance_refresh;", sql);
  sqlite3_free(sql);
  rc = all ? sqlite3_exec(p->db, all, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(all);
  if (rc && rc != SQLITE_NOMEM) {
    char *why = sqlite3_mprintf("%s", sqlite3_errmsg(p->db));
    sqlite3_exec(p->db, "ROLLBACK TO lance_refresh; RELEASE lance_refresh;", NULL, NULL, NULL);
    rc = pragma_error(p, "the new version is committed, but the table could not be re-declared "
                         "(%s); reconnect to see its new columns", why ? why : "out of memory");
    sqlite3_free(why);
  }
  return rc;
}

/* ---- commits ------------------------------------------------------------------------ */

/* Is field `id` of schema s in a column sp drops or casts? */
static int field_gone(const lf_schema *s, const lf_evolve_spec *sp, int32_t id) {
  for (int i = 0; i < s->n_all; i++) {
    if (s->all[i]->id != id) continue;
    const lf_field *top = s->all[i];
    while (top->parent) top = top->parent;
    for (int k = 0; k < sp->n_drop; k++)
      if (sp->drop[k] == top) return 1;
    for (int k = 0; k < sp->n_alter; k++)
      if (sp->alter[k].field == top && sp->alter[k].cast) return 1;
  }
  return 0;
}

int evo_commit(evo *e, const lf_manifest *base, int kind, const lf_evolve_spec *sp,
               uint64_t *version) {
  pctx *p = e->p;
  uint8_t *schema = NULL;
  size_t len = 0;
  lf_index_meta *ix = NULL;
  int nix = 0, ngone = 0;
  const char **gone = NULL;
  int lrc = kind != LF_COMMIT_REPLACE ? lf_evolve_schema(base, sp, &schema, &len, &p->err) : 0;
  if (!lrc) lrc = lf_manifest_indices(base, &ix, &nix, &p->err);
  if (!lrc && !(gone = calloc((size_t)nix + 1, sizeof *gone))) lrc = LF_NOMEM;
  for (int i = 0; !lrc && sp && i < nix; i++)
    for (int k = 0; k < ix[i].n_fields; k++)
      if (field_gone(&base->schema, sp, ix[i].fields[k])) {
        gone[ngone++] = ix[i].uuid;
        break;
      }
  lf_commit_req req;
  memset(&req, 0, sizeof req);
  req.kind = kind;
  req.new_schema = schema, req.new_schema_len = len;
  req.n_adds = e->nadds, req.adds = e->adds;
  req.removed_uuids = gone, req.n_removed = ngone;
  if (!lrc) lrc = lf_commit(p->store, p->zPath, base, &req, version, &p->err);
  if (!lrc) evo_clear_adds(e); /* committed: the files are the dataset's now */
  free(gone);
  lf_indices_free(ix, nix);
  free(schema);
  return lrc ? pragma_lf_error(p, lrc) : SQLITE_OK;
}

/* ---- lance_add_columns --------------------------------------------------------------- */

static int add_columns(evo *e, const char *defs, const char *expr, uint64_t *version) {
  pctx *p = e->p;
  const lf_manifest *m = lf_dataset_manifest(e->ds);
  lf_schema add;
  int lrc = lf_schema_from_ddl(defs, &add, &p->err);
  if (lrc) return pragma_lf_error(p, lrc);
  lf_evolve_renumber(&add, lf_evolve_max_field_id(m) + 1);
  lf_evolve_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.add = &add;
  int rc = SQLITE_OK;
  if ((lrc = lf_evolve_check_names(m, &sp, &p->err))) rc = pragma_lf_error(p, lrc);
  if (!rc && expr && add.n_fields != 1)
    rc = pragma_error(p, "an expression computes one column; '%s' declares %d", defs, add.n_fields);
  for (int i = 0; !rc && !expr && i < add.n_fields; i++)
    if (!add.fields[i]->nullable)
      rc = pragma_error(p, "column '%s' is NOT NULL: without an expression its values would all "
                           "be NULL", add.fields[i]->name);
  if (!rc && expr) {
    sqlite3_stmt *st = NULL;
    rc = evo_prepare(e, sqlite3_mprintf("_rowaddr, 1, (%s)", expr), NULL, &st);
    if (!rc) rc = evo_write(e, st, &add, 1, 0);
    sqlite3_finalize(st);
  }
  if (!rc) rc = evo_commit(e, m, LF_COMMIT_MERGE, &sp, version);
  lf_schema_reset(&add);
  return rc;
}

/* ---- lance_alter_columns ------------------------------------------------------------- */

typedef struct alter_set {
  lf_evolve_alter a[64];
  lf_schema cast[64];
  char *cast_ddl[64];       /* "new name" TYPE [NOT NULL] */
  int n;
} alter_set;

static lf_evolve_alter *alter_for(alter_set *as, const lf_field *f) {
  for (int i = 0; i < as->n; i++)
    if (as->a[i].field == f) return &as->a[i];
  if (as->n == 64) return NULL;
  lf_evolve_alter *a = &as->a[as->n++];
  a->field = f, a->rename = NULL, a->nullable = -1, a->cast = NULL;
  return a;
}

/* The next "key=column:value" of z (values may hold spaces inside (...) or
** quotes); *z moves past it.  0 at the end. */
static int next_item(const char **z, char *buf, size_t cap) {
  const char *s = *z;
  while (isspace((unsigned char)*s)) s++;
  if (!*s) return 0;
  size_t n = 0;
  int depth = 0;
  char q = 0;
  for (; *s && (q || depth || !isspace((unsigned char)*s)); s++) {
    if (q) q = *s == q ? 0 : q;
    else if (*s == '\'' || *s == '"') q = *s;
    else depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
    if (n + 1 < cap) buf[n++] = *s;
  }
  buf[n] = 0;
  *z = s;
  return 1;
}

static int parse_alter(evo *e, const char *spec, alter_set *as, char *pool, size_t cap) {
  pctx *p = e->p;
  const char *z = spec;
  size_t used = 0;
  char item[512];
  while (next_item(&z, item, sizeof item)) {
    char *eq = strchr(item, '='), *colon = eq ? strchr(eq, ':') : NULL;
    if (!eq || !colon || colon == eq + 1 || !colon[1])
      return pragma_error(p, "expected key=column:value, got '%s'", item);
    *eq = *colon = 0;
    const lf_field *f;
    if (evo_column(e, eq + 1, &f)) return SQLITE_ERROR;
    lf_evolve_alter *a = alter_for(as, f);
    size_t len = strlen(colon + 1) + 1;
    if (!a || used + len > cap) return pragma_error(p, "too many alterations");
    char *val = memcpy(pool + used, colon + 1, len);
    used += len;
    if (!strcmp(item, "rename")) a->rename = val;
    else if (!strcmp(item, "cast")) a->cast = (const lf_schema *)val; /* the type, for now */
    else if (strcmp(item, "nullable"))
      return pragma_error(p, "unknown alteration '%s' (rename, nullable, cast)", item);
    else if (!strcasecmp(val, "true") || !strcmp(val, "1")) a->nullable = 1;
    else if (!strcasecmp(val, "false") || !strcmp(val, "0")) {
      if (f->nullable)
        return pragma_error(p, "column '%s' is nullable and cannot be made NOT NULL", f->name);
      a->nullable = -1;
    } else return pragma_error(p, "nullable=%s:%s: expected true or false", f->name, val);
  }
  if (!as->n) return pragma_error(p, "no alteration given (rename=a:b nullable=a:true cast=a:TYPE)");
  return SQLITE_OK;
}

/* Each cast's new field, ids from *next on; the combined DDL into ddl. */
static int parse_casts(evo *e, alter_set *as, int32_t next, sqlite3_str *ddl) {
  pctx *p = e->p;
  for (int i = 0; i < as->n; i++) {
    lf_evolve_alter *a = &as->a[i];
    if (!a->cast) continue;
    const char *type = (const char *)a->cast;
    int nn = a->nullable < 0 ? !a->field->nullable : !a->nullable;
    as->cast_ddl[i] = sqlite3_mprintf("\"%w\" %s%s", a->rename ? a->rename : a->field->name, type,
                                      nn ? " NOT NULL" : "");
    if (!as->cast_ddl[i]) return SQLITE_NOMEM;
    int lrc = lf_schema_from_ddl(as->cast_ddl[i], &as->cast[i], &p->err);
    if (lrc) return pragma_error(p, "cast=%s:%s: %s", a->field->name, type, p->err.msg);
    if (as->cast[i].n_fields != 1)
      return pragma_error(p, "cast=%s:%s: one type expected", a->field->name, type);
    if (!lf_evolve_cast_ok(a->field, as->cast[i].fields[0]))
      return pragma_error(p, "cannot cast column '%s' from %s to %s", a->field->name,
                          a->field->logical_type, as->cast[i].fields[0]->logical_type);
    lf_evolve_renumber(&as->cast[i], next);
    next += as->cast[i].n_all;
    a->cast = &as->cast[i];
    sqlite3_str_appendf(ddl, "%s%s", sqlite3_str_length(ddl) ? ", " : "", as->cast_ddl[i]);
  }
  return SQLITE_OK;
}

/* Write the cast columns (their old values converted) into new files. */
static int write_casts(evo *e, alter_set *as, const char *ddl, int32_t first) {
  pctx *p = e->p;
  lf_schema cols;
  int lrc = lf_schema_from_ddl(ddl, &cols, &p->err);
  if (lrc) return pragma_lf_error(p, lrc);
  lf_evolve_renumber(&cols, first);
  sqlite3_str *sel = sqlite3_str_new(p->db);
  sqlite3_str_appendall(sel, "_rowaddr, 1");
  for (int i = 0; i < as->n; i++)
    if (as->a[i].cast) sqlite3_str_appendf(sel, ", \"%w\"", as->a[i].field->name);
  sqlite3_stmt *st = NULL;
  int rc = evo_prepare(e, sqlite3_str_finish(sel), NULL, &st);
  if (!rc) rc = evo_write(e, st, &cols, 1, 0);
  sqlite3_finalize(st);
  lf_schema_reset(&cols);
  return rc;
}

static int alter_columns(evo *e, const char *spec, uint64_t *version) {
  const lf_manifest *m = lf_dataset_manifest(e->ds);
  alter_set *as = calloc(1, sizeof *as);
  char *pool = malloc(strlen(spec) + 1);
  sqlite3_str *ddl = sqlite3_str_new(e->p->db);
  if (!as || !pool) {
    free(as);
    free(pool);
    sqlite3_free(sqlite3_str_finish(ddl));
    return SQLITE_NOMEM;
  }
  int32_t first = lf_evolve_max_field_id(m) + 1;
  int rc = parse_alter(e, spec, as, pool, strlen(spec) + 1);
  if (!rc) rc = parse_casts(e, as, first, ddl);
  lf_evolve_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.alter = as->a, sp.n_alter = as->n;
  int lrc = rc ? 0 : lf_evolve_check_names(m, &sp, &e->p->err);
  if (lrc) rc = pragma_lf_error(e->p, lrc);
  char *z = sqlite3_str_finish(ddl);
  int casts = z && *z;
  if (!rc && casts) rc = write_casts(e, as, z, first);
  sqlite3_free(z);
  if (!rc) rc = evo_commit(e, m, casts ? LF_COMMIT_MERGE : LF_COMMIT_PROJECT, &sp, version);
  for (int i = 0; i < as->n; i++) {
    lf_schema_reset(&as->cast[i]);
    sqlite3_free(as->cast_ddl[i]);
  }
  free(as);
  free(pool);
  return rc;
}

/* ---- lance_drop_columns --------------------------------------------------------------- */

static int drop_columns(evo *e, const char *list, uint64_t *version) {
  const lf_schema *s = lf_dataset_schema(e->ds);
  const lf_field **drop = calloc((size_t)s->n_fields + 1, sizeof *drop);
  if (!drop) return SQLITE_NOMEM;
  int n = 0, rc = SQLITE_OK;
  for (const char *z = list; !rc && *z;) {
    while (*z == ',' || isspace((unsigned char)*z)) z++;
    const char *st = z;
    while (*z && *z != ',') z++;
    const char *end = z;
    while (end > st && isspace((unsigned char)end[-1])) end--;
    if (end == st) continue;
    char *name = sqlite3_mprintf("%.*s", (int)(end - st), st);
    const lf_field *f = NULL;
    rc = name ? evo_column(e, name, &f) : SQLITE_NOMEM;
    sqlite3_free(name);
    int dup = 0;
    for (int i = 0; !rc && i < n; i++) dup |= drop[i] == f;
    if (!rc && !dup) drop[n++] = f;
  }
  if (!rc && !n) rc = pragma_error(e->p, "no column to drop given");
  if (!rc && n == s->n_fields) rc = pragma_error(e->p, "cannot drop every column of the dataset");
  lf_evolve_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.drop = (const lf_field *const *)drop, sp.n_drop = n;
  if (!rc) rc = evo_commit(e, lf_dataset_manifest(e->ds), LF_COMMIT_PROJECT, &sp, version);
  free(drop);
  return rc;
}

static const char *text_arg(sqlite3_value *v) {
  return sqlite3_value_type(v) == SQLITE_TEXT ? (const char *)sqlite3_value_text(v) : NULL;
}

int evo_command(pctx *p, int argc, sqlite3_value **argv, uint64_t *version) {
  const char *f = p->zFunc, *a1 = text_arg(argv[1]);
  const char *expr = argc > 2 ? text_arg(argv[2]) : NULL;
  if (!strcmp(f, "lance_backfill")) return evo_backfill(p, argc, argv, version);
  if (!a1)
    return pragma_error(p, "%s", !strcmp(f, "lance_add_columns") ? "the columns must be TEXT ('name TYPE, ...')"
                        : !strcmp(f, "lance_drop_columns") ? "the columns must be TEXT ('a, b')"
                        : "the alterations must be TEXT ('rename=a:b nullable=a:true cast=a:TYPE')");
  if (argc > 2 && !expr && sqlite3_value_type(argv[2]) != SQLITE_NULL)
    return pragma_error(p, "the expression must be TEXT");
  evo e;
  int rc = evo_open(&e, p);
  if (!rc && !strcmp(f, "lance_add_columns")) rc = add_columns(&e, a1, expr, version);
  else if (!rc && !strcmp(f, "lance_alter_columns")) rc = alter_columns(&e, a1, version);
  else if (!rc) rc = drop_columns(&e, a1, version);
  evo_close(&e, 1);
  return rc ? rc : evo_refresh_tables(p);
}
