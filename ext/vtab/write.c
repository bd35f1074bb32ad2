/*
** write.c: owns writes through the `lance` virtual table: xUpdate (INSERT,
** UPDATE, DELETE) and the transaction methods.
**
** One SQLite transaction becomes one Lance version:
**   xBegin    opens the newest version as the transaction's base; every
**             statement of the transaction reads it (the transaction's own
**             changes become visible at COMMIT)
**   xUpdate   INSERT appends the row to per-column builders, which spill to
**             a new data file every SPILL_ROWS rows (a new file and fragment
**             every FILE_ROWS rows), so memory stays bounded; DELETE records
**             (fragment, offset) of the row; UPDATE is both, the new row
**             keeping the old row id when the dataset has stable row ids
**   xSync     writes what is left, closes the data files and commits
**             (format/commit.c: exclusive manifest create, conflicts with
**             concurrent writers rebased or refused); a failure here fails
**             the COMMIT and nothing becomes visible
**   xCommit   forgets the transaction;  xRollback deletes its data files
** A statement that fails inside BEGIN ... COMMIT may have left part of its
** rows behind, and these tables cannot undo one statement: the transaction
** is then marked failed and its COMMIT refused (ROLLBACK works).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lf_write.h"
#include "vtab.h"

#define SPILL_ROWS 8192
#define FILE_ROWS (1024 * 1024)   /* LanceDB's default max_rows_per_file */
#define NO_ID LF_FRESH_ROW_ID

typedef struct frag_del {
  uint64_t frag;
  uint32_t *off;
  size_t n, cap;
} frag_del;

typedef struct new_frag {
  lf_data_file df;
  uint64_t rows;
  uint64_t *ids;            /* stable row ids kept by UPDATE (NO_ID = fresh), or NULL */
} new_frag;

struct vtab_txn {
  lf_dataset *base;
  const lf_schema *schema;
  int major, minor;         /* file version of new data files (0: not writable) */
  char *failed;             /* why COMMIT is refused, or NULL */
  lf_array *cols;           /* pending rows, one builder per top-level field */
  uint64_t nrows;
  uint64_t *ids;            /* stable row ids: per pending row the kept id or NO_ID */
  int published;            /* the version is out: its data files must stay */
  lf_writer *w;             /* the data file being written */
  char wname[64];
  uint64_t wrows;
  uint64_t *wids;           /* row ids of the rows in w (stable row ids) */
  size_t nwids, cap_wids;
  new_frag *frags;
  int nfrags;
  frag_del *dels;
  int ndels;
  uint64_t *touched;        /* open-addressing set of row ids changed (+1; 0 empty) */
  size_t cap_touched, ntouched;
};


/* ---- Transaction state ------------------------------------------------------------ */

static void txn_free(lf_store *st, const char *root, vtab_txn *t, int drop_files) {
  if (!t) return;
  if (t->w) lf_writer_abort(t->w);
  for (int i = 0; i < t->nfrags; i++) {
    if (drop_files && t->frags[i].df.path) {
      char *p = sqlite3_mprintf("%s%sdata/%s", root, *root ? "/" : "", t->frags[i].df.path);
      if (p) st->remove(st, p, NULL);
      sqlite3_free(p);
    }
    lf_data_file_reset(&t->frags[i].df);
    free(t->frags[i].ids);
  }
  free(t->frags);
  for (int i = 0; t->cols && i < t->schema->n_fields; i++) lf_array_reset(&t->cols[i]);
  free(t->cols);
  for (int i = 0; i < t->ndels; i++) free(t->dels[i].off);
  free(t->dels);
  free(t->ids);
  free(t->wids);
  free(t->touched);
  sqlite3_free(t->failed);
  lf_dataset_free(t->base);
  free(t);
}

int vtab_write_begin(lvtab *vt) {
  if (vt->args.tag)
    return vtab_error(vt, "lance: %s: the table is pinned to tag '%s' and is read-only",
                      vt->name, vt->args.tag);
  if (vt->args.version)
    return vtab_error(vt, "lance: %s: the table is pinned to version %llu and is read-only",
                      vt->name, (unsigned long long)vt->args.version);
  vtab_txn *t = calloc(1, sizeof *t);
  if (!t) return SQLITE_NOMEM;
  lf_error e = {0};
  if (lf_dataset_open(vt->store, vt->args.path, 0, NULL, &t->base, &e)) {
    free(t);
    return vtab_lf_error(vt, &e);
  }
  t->schema = lf_dataset_schema(t->base);
  lf_dataset_file_version(t->base, &t->major, &t->minor); /* new files: the dataset's own */
  vt->txn = t;
  return SQLITE_OK;
}

lf_dataset *vtab_write_snapshot(lvtab *vt) { return vt->txn ? vt->txn->base : NULL; }

void vtab_write_free(lvtab *vt) {
  txn_free(vt->store, vt->args.path, vt->txn, vt->txn && !vt->txn->published);
  vt->txn = NULL;
}

/* ---- Row ids ---------------------------------------------------------------------- */

/* The slot of key (not 0) in an open-addressing table of cap (a power of two)
** entries: where it is, or the empty slot where it goes. */
static size_t slot_of(const uint64_t *tab, size_t cap, uint64_t key) {
  size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
  while (tab[h] && tab[h] != key) h = (h + 1) & (cap - 1);
  return h;
}

/* Add id to the set of changed rows; 0 if it was there already. */
static int touch(vtab_txn *t, uint64_t id, int *nomem) {
  if (t->ntouched * 2 >= t->cap_touched) {
    size_t nc = t->cap_touched ? 2 * t->cap_touched : 1024;
    uint64_t *ns = calloc(nc, sizeof *ns);
    if (!ns) return *nomem = 1, 0;
    for (size_t i = 0; i < t->cap_touched; i++)
      if (t->touched[i]) ns[slot_of(ns, nc, t->touched[i])] = t->touched[i];
    free(t->touched);
    t->touched = ns;
    t->cap_touched = nc;
  }
  size_t h = slot_of(t->touched, t->cap_touched, id + 1);
  if (t->touched[h]) return 0;
  t->touched[h] = id + 1;
  t->ntouched++;
  return 1;
}

/* Fragment index and offset of the live row with row id `id` in the base version. */
static int locate(lvtab *vt, uint64_t id, int *fi, uint64_t *off) {
  lf_dataset *ds = vt->txn->base;
  lf_error e = {0};
  if (lf_dataset_locate(ds, id, fi, off, &e)) return vtab_lf_error(vt, &e);
  if (*fi >= 0) return SQLITE_OK;
  return vtab_error(vt, "lance: %s: row %lld is not in version %llu, the version this "
                    "transaction writes to", vt->name, (long long)id,
                    (unsigned long long)lf_dataset_version(ds));
}

static int record_delete(lvtab *vt, uint64_t id, int is_update) {
  vtab_txn *t = vt->txn;
  int nomem = 0;
  if (!touch(t, id, &nomem)) {
    if (nomem) return SQLITE_NOMEM;
    if (!is_update) return SQLITE_OK; /* deleted twice: once is enough */
    return vtab_error(vt, "lance: %s: row %lld was already changed in this transaction (its "
                      "statements read the version it started from; COMMIT first)", vt->name,
                      (long long)id);
  }
  int fi;
  uint64_t off;
  int rc = locate(vt, id, &fi, &off);
  if (rc) return rc;
  uint64_t frag = lf_dataset_fragment(t->base, fi)->id;
  frag_del *d = NULL;
  for (int i = t->ndels - 1; i >= 0 && !d; i--)
    if (t->dels[i].frag == frag) d = &t->dels[i];
  if (!d) {
    frag_del *nd = realloc(t->dels, (size_t)(t->ndels + 1) * sizeof *nd);
    if (!nd) return SQLITE_NOMEM;
    t->dels = nd;
    d = &t->dels[t->ndels++];
    memset(d, 0, sizeof *d);
    d->frag = frag;
  }
  if (d->n == d->cap) {
    size_t nc = d->cap ? 2 * d->cap : 64;
    uint32_t *no = realloc(d->off, nc * sizeof *no);
    if (!no) return SQLITE_NOMEM;
    d->off = no;
    d->cap = nc;
  }
  d->off[d->n++] = (uint32_t)off;
  return SQLITE_OK;
}

/* ---- Pending rows and data files ---------------------------------------------------- */

static int ensure_builders(lvtab *vt) {
  vtab_txn *t = vt->txn;
  if (t->cols) return SQLITE_OK;
  if (t->major == 0 && t->minor < 3) /* data_version "0.1", or files with footer 0.1 / 0.2 */
    return vtab_error(vt, "lance: %s: writing rows to a dataset of legacy (v1) Lance files "
                      "is not supported (2.1 and 2.2 are)", vt->name);
  if (t->major != 2 || (t->minor != 1 && t->minor != 2))
    return vtab_error(vt, "lance: %s: writing rows to a dataset of Lance file version %d.%d "
                      "is not supported (2.1 and 2.2 are)", vt->name, t->major, t->minor);
  t->cols = calloc((size_t)t->schema->n_fields + 1, sizeof *t->cols);
  if (!t->cols) return SQLITE_NOMEM;
  for (int i = 0; i < t->schema->n_fields; i++) lf_array_init(&t->cols[i], t->schema->fields[i]);
  return SQLITE_OK;
}

/* Close the data file being written: it becomes a new fragment. */
static int close_file(lvtab *vt) {
  vtab_txn *t = vt->txn;
  if (!t->w) return SQLITE_OK;
  new_frag *nf = realloc(t->frags, (size_t)(t->nfrags + 1) * sizeof *nf);
  if (!nf) return SQLITE_NOMEM;
  t->frags = nf;
  new_frag *f = &t->frags[t->nfrags];
  memset(f, 0, sizeof *f);
  f->rows = t->wrows;
  lf_error e = {0};
  lf_writer *w = t->w;
  t->w = NULL;
  if (lf_writer_finish(w, &f->df, &e)) {
    lf_data_file_reset(&f->df);
    return vtab_lf_error(vt, &e);
  }
  t->nfrags++;
  int kept = 0; /* NULL ids: every row gets a fresh id */
  for (size_t i = 0; i < t->nwids && !kept; i++) kept = t->wids[i] != NO_ID;
  if (kept) f->ids = t->wids;
  else free(t->wids);
  t->wids = NULL;
  t->nwids = t->cap_wids = 0;
  t->wrows = 0;
  return SQLITE_OK;
}

/* Move the pending rows into the data file (opened on first use). */
static int spill(lvtab *vt) {
  vtab_txn *t = vt->txn;
  lf_error e = {0};
  if (!t->nrows) return SQLITE_OK;
  if (!t->w) {
    lf_data_file_name(t->wname, sizeof t->wname);
    if (lf_writer_open(vt->store, vt->args.path, t->wname, t->schema, t->major, t->minor, &t->w, &e))
      return vtab_lf_error(vt, &e);
  }
  for (int i = 0; i < t->schema->n_fields; i++) lf_array_finish(&t->cols[i]);
  if (lf_writer_write(t->w, t->cols, t->nrows, &e)) return vtab_lf_error(vt, &e);
  if (t->ids) { /* stable row ids: carried into the fragment */
    if (t->nwids + t->nrows > t->cap_wids) {
      size_t nc = (t->nwids + t->nrows) * 2;
      uint64_t *nw = realloc(t->wids, nc * sizeof *nw);
      if (!nw) return SQLITE_NOMEM;
      t->wids = nw;
      t->cap_wids = nc;
    }
    memcpy(t->wids + t->nwids, t->ids, t->nrows * sizeof *t->ids);
    t->nwids += t->nrows;
  }
  t->wrows += t->nrows;
  t->nrows = 0;
  for (int i = 0; i < t->schema->n_fields; i++) lf_array_clear(&t->cols[i]);
  return t->wrows >= FILE_ROWS ? close_file(vt) : SQLITE_OK;
}

/* Append the row argv[2..] (the table's columns); keep = its stable row id or NO_ID. */
static int add_row(lvtab *vt, sqlite3_value **cols, uint64_t keep) {
  vtab_txn *t = vt->txn;
  int rc = ensure_builders(vt);
  for (int i = 0; !rc && i < t->schema->n_fields; i++) {
    char *err = NULL;
    rc = vtab_append_value(vt->name, t->schema->fields[i]->name, &t->cols[i], cols[i], &err);
    if (rc) {
      sqlite3_free(vt->base.zErrMsg);
      vt->base.zErrMsg = err;
    }
  }
  if (rc) return rc;
  if (lf_dataset_stable_row_ids(t->base)) {
    if (!t->ids && !(t->ids = malloc((SPILL_ROWS + 1) * sizeof *t->ids))) return SQLITE_NOMEM;
    t->ids[t->nrows] = keep;
  }
  t->nrows++;
  return t->nrows >= SPILL_ROWS ? spill(vt) : SQLITE_OK;
}

/* ---- xUpdate -------------------------------------------------------------------------- */

/* The top-level columns must be the base version's fields, in order. */
static int check_columns(lvtab *vt) {
  const lf_schema *cols = lf_dataset_schema(vt->schema_ds), *s = vt->txn->schema;
  int ok = cols->n_fields == s->n_fields;
  for (int i = 0; ok && i < s->n_fields; i++)
    ok = cols->fields[i]->id == s->fields[i]->id && !strcmp(cols->fields[i]->name, s->fields[i]->name);
  return ok ? SQLITE_OK
            : vtab_error(vt, "lance: %s: the dataset's schema changed since the table was "
                         "opened (version %llu); drop and re-create the table to write to it",
                         vt->name, (unsigned long long)lf_dataset_version(vt->txn->base));
}

static int do_update(lvtab *vt, int argc, sqlite3_value **argv) {
  int rc = check_columns(vt);
  if (rc) return rc;
  if (argc == 1) return record_delete(vt, (uint64_t)sqlite3_value_int64(argv[0]), 0);
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL)
      return vtab_error(vt, "lance: %s: rowid is assigned by Lance and cannot be inserted",
                        vt->name);
    return add_row(vt, argv + 2, NO_ID);
  }
  sqlite3_int64 old = sqlite3_value_int64(argv[0]);
  if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER || sqlite3_value_int64(argv[1]) != old)
    return vtab_error(vt, "lance: %s: rowid is assigned by Lance and cannot be changed",
                      vt->name);
  if ((rc = record_delete(vt, (uint64_t)old, 1))) return rc;
  return add_row(vt, argv + 2, lf_dataset_stable_row_ids(vt->txn->base) ? (uint64_t)old : NO_ID);
}

int vtab_write_update(lvtab *vt, int argc, sqlite3_value **argv, sqlite3_int64 *rowid) {
  (void)rowid; /* a new row's id is known only at COMMIT */
  if (!vt->txn) return vtab_error(vt, "lance: %s: write outside a transaction", vt->name);
  if (vt->txn->failed) return vtab_error(vt, "%s", vt->txn->failed);
  int rc = do_update(vt, argc, argv);
  if (rc && rc != SQLITE_NOMEM && !sqlite3_get_autocommit(vt->db)) {
    vt->txn->failed = sqlite3_mprintf("lance: %s: an earlier statement of this transaction "
                                      "failed (%s); ROLLBACK", vt->name,
                                      vt->base.zErrMsg ? vt->base.zErrMsg : "error");
  } else if (rc == SQLITE_NOMEM && !sqlite3_get_autocommit(vt->db)) {
    vt->txn->failed = sqlite3_mprintf("lance: %s: out of memory in an earlier statement of "
                                      "this transaction; ROLLBACK", vt->name);
  }
  return rc;
}

/* ---- Commit ------------------------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int publish(lvtab *vt) {
  vtab_txn *t = vt->txn;
  lf_new_fragment *nf = calloc((size_t)t->nfrags + 1, sizeof *nf);
  lf_frag_delete *fd = calloc((size_t)t->ndels + 1, sizeof *fd);
  if (!nf || !fd) {
    free(nf);
    free(fd);
    return SQLITE_NOMEM;
  }
  for (int i = 0; i < t->nfrags; i++) {
    nf[i].n_files = 1;
    nf[i].files = &t->frags[i].df;
    nf[i].physical_rows = t->frags[i].rows;
    nf[i].row_ids = t->frags[i].ids;
  }
  for (int i = 0; i < t->ndels; i++) {
    qsort(t->dels[i].off, t->dels[i].n, sizeof *t->dels[i].off, cmp_u32);
    fd[i].fragment_id = t->dels[i].frag;
    fd[i].offsets = t->dels[i].off;
    fd[i].n = t->dels[i].n;
  }
  lf_commit_req req = {0};
  req.kind = LF_COMMIT_WRITE;
  req.n_new = t->nfrags;
  req.new_frags = nf;
  req.n_del = t->ndels;
  req.dels = fd;
  uint64_t version = 0;
  lf_error e = {0};
  int rc = lf_commit(vt->store, vt->args.path, lf_dataset_manifest(t->base), &req, &version, &e);
  free(nf);
  free(fd);
  if (rc) return vtab_lf_error(vt, &e);
  t->published = 1;
  return SQLITE_OK;
}

int vtab_write_sync(lvtab *vt) {
  vtab_txn *t = vt->txn;
  if (!t) return SQLITE_OK;
  if (t->failed) return vtab_error(vt, "%s", t->failed);
  if (!t->nrows && !t->w && !t->nfrags && !t->ndels) return SQLITE_OK; /* nothing changed */
  int rc = spill(vt);
  if (!rc) rc = close_file(vt);
  if (!rc) rc = publish(vt);
  return rc;
}

/* ---- CREATE ------------------------------------------------------------------------------ */

int vtab_create_dataset(lvtab *vt, char **err) {
  lf_schema s;
  lf_error e = {0};
  int lrc = lf_schema_from_ddl(vt->args.schema, &s, &e);
  if (!lrc) {
    lf_commit_req req = {0};
    req.kind = LF_COMMIT_CREATE;
    req.schema = &s;
    req.data_version = vt->args.storage ? vt->args.storage : "2.2";
    req.v2_paths = vt->args.v2_paths != 0;
    req.stable_row_ids = vt->args.stable_row_ids == 1;
    uint64_t version;
    lrc = lf_commit(vt->store, vt->args.path, NULL, &req, &version, &e);
    lf_schema_reset(&s);
  }
  if (!lrc) return SQLITE_OK;
  *err = sqlite3_mprintf("lance: %s: cannot create dataset %s: %s", vt->name, vt->args.path, e.msg);
  return lrc == LF_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
}

int vtab_write_commit(lvtab *vt) {
  txn_free(vt->store, vt->args.path, vt->txn, 0);
  vt->txn = NULL;
  return SQLITE_OK;
}

int vtab_write_rollback(lvtab *vt) {
  vtab_write_free(vt);
  return SQLITE_OK;
}
