/*
** update_cols.c: owns the column-only path of UPDATE on a `lance` table.
**
** `UPDATE t SET c = expr ...` that leaves other columns alone and touches
** many rows does not rewrite the rows (delete + append, write.c) but, as
** lance_backfill does, writes for each fragment it touches one new file per
** changed column holding the whole column (the rows it leaves keep their
** values) and commits them as Lance's DataReplacement (or a Merge that
** tombstones the old copy when the column shares a data file with others).
** Row ids, row addresses and the rows' created_at versions stay as they are.
**
** The rule, per statement:
**   - SQLite tells xColumn which columns the UPDATE leaves unchanged
**     (sqlite3_vtab_nochange); the cursor counts the rows it hands out for
**     the UPDATE and the physical rows of the fragments they lie in.  Values
**     are still read: the statement may yet take the row path.
**   - At the statement's first xUpdate (SQLite has read the rows by then),
**     the column path is taken when: the connection is in autocommit (the
**     statement is the whole transaction: within BEGIN ... COMMIT, UPDATE
**     always takes the row path, so read-your-writes and savepoints work as
**     before), nothing else was written yet, the UPDATE changes some columns
**     and leaves at least one unchanged, no changed column is indexed or a
**     blob, and the rows updated are at least UPD_MIN_ROWS and at least
**     1/UPD_FRACTION of the physical rows of the fragments they lie in.
**     Otherwise (a few scattered rows) the row path.
** Changed values are buffered per column (spilled to a scratch data file
** every TXN_SPILL_ROWS rows, so memory stays bounded) with each row's
** (fragment, offset); xSync writes the column files fragment by fragment
** (old values from a scan of the fragment, new ones taken from the scratch
** files) and commits.  Rows deleted in a fragment get NULL (or, NOT NULL
** columns, a neighbour's value: never read).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdlib.h>
#include <string.h>

#include "vtab/txn.h"

#define UPD_FRACTION 8
#define UPD_MIN_ROWS 64
#define UPD_BATCH 8192

typedef struct upd_col {            /* one changed column */
  int field;                        /* index among the top-level fields */
  lf_schema sc;                     /* the field alone (lf_schema_pick) */
  lf_array vals;                    /* values not yet in the scratch file */
  lf_writer *w;                     /* the scratch file */
  char wname[64];
  lf_data_file df;                  /* the scratch file once finished */
  lf_file *rd;
  int32_t *tomb;                    /* its field ids (MERGE tombstones them elsewhere) */
  int ntomb;
} upd_col;

typedef struct upd_ent {            /* one updated row */
  uint32_t fi, off;                 /* base fragment index, offset */
  uint64_t idx;                     /* its values' row in the scratch files */
} upd_ent;

typedef struct vtab_upd vtab_upd;
struct vtab_upd {
  upd_col *cols;
  int ncols;
  upd_ent *ents;
  uint64_t n, cap;
  lf_frag_file *adds;               /* the column files written */
  int nadds;
  int merge;                        /* a column shares a data file: MERGE */
};

/* ---- the statistics xColumn gathers ------------------------------------------ */

void vtab_upd_note(lvtab *vt, const lcursor *c, int col) {
  vtab_updstat *s = &vt->ust;
  if (!s->nochg && !(s->nochg = calloc((size_t)vt->ncols + 1, 1))) return;
  s->nochg[col] = 1;
  uint64_t addr = c->b->rowaddrs[c->i];
  if (s->rows && addr == s->last) return;
  s->rows++;
  s->last = addr;
  if (s->rows > 1 && addr >> 32 == s->frag) return;
  s->frag = addr >> 32;
  for (int i = 0; i < lf_dataset_num_fragments(c->ds); i++)
    if (lf_dataset_fragment(c->ds, i)->id == s->frag)
      s->phys += lf_dataset_fragment(c->ds, i)->physical_rows;
}

void vtab_upd_stat_reset(lvtab *vt) {
  vtab_updstat *s = &vt->ust;
  if (s->nochg) memset(s->nochg, 0, (size_t)vt->ncols);
  s->rows = s->phys = s->last = s->frag = 0;
}

void vtab_upd_stat_free(lvtab *vt) {
  free(vt->ust.nochg);
  memset(&vt->ust, 0, sizeof vt->ust);
}

/* ---- choosing the path ---------------------------------------------------------- */

/* Is the top-level field f a blob, or is it or a field inside it indexed? */
static int indexed_or_blob(vtab_txn *t, const lf_field *f) {
  if (f->is_blob) return 1;
  lf_index_meta *ix = NULL;
  int n = 0, hit = 0;
  if (lf_manifest_indices(lf_dataset_manifest(t->base), &ix, &n, NULL)) return 1;
  for (int j = 0; j < t->schema->n_all && !hit; j++) {
    const lf_field *p = t->schema->all[j], *top = p;
    while (top->parent) top = top->parent;
    for (int i = 0; top == f && i < n && !hit; i++)
      for (int k = 0; k < ix[i].n_fields && !hit; k++) hit = ix[i].fields[k] == p->id;
  }
  lf_indices_free(ix, n);
  return hit;
}

static void upd_free(lf_store *st, const char *root, vtab_upd *u, int drop_adds);

static int upd_start(lvtab *vt, const uint8_t *nochg) {
  vtab_txn *t = vt->txn;
  vtab_upd *u = calloc(1, sizeof *u);
  if (!u || !(u->cols = calloc((size_t)t->schema->n_fields, sizeof *u->cols))) {
    free(u);
    return SQLITE_NOMEM;
  }
  lf_error e = {0};
  int rc = SQLITE_OK;
  for (int i = 0; !rc && i < t->schema->n_fields; i++) {
    if (nochg[i]) continue;
    upd_col *c = &u->cols[u->ncols++];
    c->field = i;
    if (lf_schema_pick(t->schema, t->schema->fields[i], &c->sc, &e)) rc = vtab_lf_error(vt, &e);
    else lf_array_init(&c->vals, c->sc.fields[0]);
    if (!rc && !(c->tomb = calloc((size_t)c->sc.n_all + 1, sizeof *c->tomb))) rc = SQLITE_NOMEM;
    for (int k = 0; !rc && k < c->sc.n_all; k++)
      if (c->sc.all[k]->id >= 0) c->tomb[c->ntomb++] = c->sc.all[k]->id;
  }
  if (rc) upd_free(vt->store, vt->args.path, u, 1);
  else t->upd = u, t->upd_filters = vt->ust.filters;
  return rc;
}

/* At the statement's first xUpdate: take the column path?  1 yes, 0 no, < 0 error. */
int vtab_upd_decide(lvtab *vt) {
  vtab_txn *t = vt->txn;
  vtab_updstat *s = &vt->ust;
  if (!s->rows) return t->upd != NULL;
  int ok = sqlite3_get_autocommit(vt->db) && !t->upd && !t->nlog && !t->nseq &&
           s->rows >= UPD_MIN_ROWS && s->rows * UPD_FRACTION >= s->phys && (t->major == 2 && (t->minor == 1 || t->minor == 2));
  int nchg = 0, nsame = 0;
  for (int i = 0; ok && i < t->schema->n_fields; i++) {
    if (s->nochg[i]) nsame++;
    else nchg++, ok = !indexed_or_blob(t, t->schema->fields[i]);
  }
  ok = ok && nchg && nsame;
  int rc = ok ? upd_start(vt, s->nochg) : SQLITE_OK;
  vtab_upd_stat_reset(vt);
  return rc ? -rc : ok;
}

/* ---- recording rows ---------------------------------------------------------------- */

static int spill(lvtab *vt, upd_col *c, lf_error *e) {
  if (!c->vals.length) return LF_OK;
  vtab_txn *t = vt->txn;
  int rc = LF_OK;
  if (!c->w) {
    lf_data_file_name(c->wname, sizeof c->wname);
    rc = lf_writer_open(vt->store, vt->args.path, c->wname, &c->sc, t->major, t->minor, &c->w, e);
  }
  lf_array_finish(&c->vals);
  if (!rc) rc = lf_writer_write(c->w, &c->vals, c->vals.length, e);
  lf_array_clear(&c->vals);
  return rc;
}

int vtab_upd_record(lvtab *vt, sqlite3_value **cols, uint64_t id) {
  vtab_txn *t = vt->txn;
  vtab_upd *u = t->upd;
  txn_loc loc;
  int found = txn_locate(vt, id, &loc);
  if (found < 0) return -found;
  if (!found || loc.in_txn)
    return vtab_error(vt, "lance: %s: row %lld is not in this transaction's view of version "
                      "%llu", vt->name, (long long)id,
                      (unsigned long long)lf_dataset_version(t->base));
  if (u->n == u->cap) {
    uint64_t nc = u->cap ? 2 * u->cap : 4096;
    upd_ent *ne = realloc(u->ents, nc * sizeof *ne);
    if (!ne) return SQLITE_NOMEM;
    u->ents = ne, u->cap = nc;
  }
  for (int i = 0; i < u->ncols; i++) {
    upd_col *c = &u->cols[i];
    char *err = NULL;
    int rc = vtab_append_value(vt->name, c->sc.fields[0]->name, &c->vals, cols[c->field], &err);
    if (rc) {
      for (int k = 0; k <= i; k++) lf_array_truncate(&u->cols[k].vals, u->n % TXN_SPILL_ROWS);
      sqlite3_free(vt->base.zErrMsg);
      vt->base.zErrMsg = err;
      return rc;
    }
  }
  u->ents[u->n] = (upd_ent){(uint32_t)loc.fi, (uint32_t)loc.off, u->n};
  u->n++;
  lf_error e = {0};
  for (int i = 0; u->n % TXN_SPILL_ROWS == 0 && i < u->ncols; i++)
    if (spill(vt, &u->cols[i], &e)) return vtab_lf_error(vt, &e);
  return SQLITE_OK;
}

/* ---- writing the column files ------------------------------------------------------ */

typedef struct upd_pair {
  uint64_t idx;
  uint64_t j;
} upd_pair;

/* One column of one fragment being written. */
typedef struct upd_frag {
  lvtab *vt;
  upd_col *c;
  const lf_fragment *fr;
  const upd_ent *ent;               /* the fragment's rows, by offset */
  uint64_t nent, at;                /* next entry */
  uint64_t c0, c1;                  /* entries [c0, c1) have their values in pv */
  lf_array pv;
  uint64_t *pos;                    /* entry c0 + k's row in pv */
  upd_pair *pairs;
  lf_array out, hold;               /* rows to write; a written row (NOT NULL padding) */
  uint64_t next;                    /* the next offset to write */
  lf_writer *w;
  lf_error *e;
} upd_frag;

static int cmp_pair(const void *a, const void *b) {
  uint64_t x = ((const upd_pair *)a)->idx, y = ((const upd_pair *)b)->idx;
  return x < y ? -1 : x > y;
}

/* Values of entries [at, at + UPD_BATCH) into pv (the scratch file's rows
** must be taken in ascending order). */
static int load_chunk(upd_frag *f) {
  uint64_t m = f->nent - f->at < UPD_BATCH ? f->nent - f->at : UPD_BATCH;
  uint64_t *rows = malloc((size_t)m * sizeof *rows);
  if (!rows) return lf_err(f->e, LF_NOMEM, "out of memory");
  for (uint64_t k = 0; k < m; k++) f->pairs[k] = (upd_pair){f->ent[f->at + k].idx, k};
  qsort(f->pairs, (size_t)m, sizeof *f->pairs, cmp_pair);
  for (uint64_t k = 0; k < m; k++) rows[k] = f->pairs[k].idx, f->pos[f->pairs[k].j] = k;
  int rc = lf_file_take(f->c->rd, 0, rows, (size_t)m, &f->pv, f->e);
  free(rows);
  f->c0 = f->at, f->c1 = f->at + m;
  return rc;
}

/* The value of live row i of batch column col (at offset off): its new one
** when the UPDATE changed it.  *src, *row: where it is. */
static int value_of(upd_frag *f, const lf_array *col, uint64_t i, uint64_t off,
                    const lf_array **src, uint64_t *row, int *patched) {
  *patched = f->at < f->nent && f->ent[f->at].off == off;
  if (!*patched) {
    *src = col, *row = i;
    return LF_OK;
  }
  if (f->at >= f->c1) {
    int rc = load_chunk(f);
    if (rc) return rc;
  }
  *src = &f->pv, *row = f->pos[f->at - f->c0];
  return LF_OK;
}

/* n rows for deleted offsets: NULL, or copies of src's row (NOT NULL). */
static int pad(upd_frag *f, const lf_array *src, uint64_t row, uint64_t n) {
  if (f->c->sc.fields[0]->nullable || !src) return lf_array_append_nulls(&f->out, n);
  for (uint64_t k = 0; k < n; k++)
    if (lf_array_append_range(&f->out, src, row, 1)) return LF_NOMEM;
  return LF_OK;
}

static int flush_out(upd_frag *f) {
  if (!f->out.length) return LF_OK;
  lf_array_clear(&f->hold);
  int rc = lf_array_append_range(&f->hold, &f->out, f->out.length - 1, 1);
  lf_array_finish(&f->out);
  if (!rc) rc = lf_writer_write(f->w, &f->out, f->out.length, f->e);
  lf_array_clear(&f->out);
  return rc;
}

/* The live rows of one scan batch. */
static int write_batch(upd_frag *f, const lf_scan_batch *b) {
  const lf_array *col = &b->cols[0];
  int rc = LF_OK;
  for (uint64_t i = 0; !rc && i < b->n;) {
    uint64_t off = b->rowaddrs[i] & 0xFFFFFFFFu, row;
    const lf_array *src;
    int patched;
    if ((rc = value_of(f, col, i, off, &src, &row, &patched))) break;
    if (off < f->next || off >= f->fr->physical_rows)
      return lf_err(f->e, LF_CORRUPT, "fragment %llu: rows out of order",
                    (unsigned long long)f->fr->id);
    if (off > f->next) rc = pad(f, src, row, off - f->next);
    uint64_t j = i + 1; /* a run of unchanged consecutive rows */
    while (!patched && j < b->n && (b->rowaddrs[j] & 0xFFFFFFFFu) == off + (j - i) &&
           !(f->at < f->nent && f->ent[f->at].off == off + (j - i)))
      j++;
    if (!rc) rc = lf_array_append_range(&f->out, src, row, patched ? 1 : j - i);
    f->at += patched;
    f->next = off + (j - i);
    i = j;
    if (!rc && f->out.length >= UPD_BATCH) rc = flush_out(f);
  }
  return rc;
}

static int scan_fragment(upd_frag *f, lf_dataset *ds) {
  lf_scan *s = NULL;
  int nf = lf_dataset_num_fragments(ds), rc;
  uint32_t *other = malloc(((size_t)nf + 1) * sizeof *other);
  size_t no = 0;
  if (!other) return lf_err(f->e, LF_NOMEM, "out of memory");
  for (int i = 0; i < nf; i++)
    if (lf_dataset_fragment(ds, i)->id != f->fr->id) other[no++] = (uint32_t)lf_dataset_fragment(ds, i)->id;
  rc = lf_scan_open(ds, f->vt->store, &f->c->field, 1, &s, f->e);
  if (!rc) rc = lf_scan_exclude(s, other, no, f->e);
  free(other);
  const lf_scan_batch *b = NULL;
  while (!rc && !(rc = lf_scan_next(s, UPD_BATCH, &b, f->e)) && b->n) rc = write_batch(f, b);
  if (!rc) rc = flush_out(f);
  if (!rc && f->at != f->nent)
    rc = lf_err(f->e, LF_CORRUPT, "fragment %llu: an updated row is not in the fragment",
                (unsigned long long)f->fr->id);
  if (!rc && f->next < f->fr->physical_rows)
    rc = pad(f, f->hold.length ? &f->hold : NULL, 0, f->fr->physical_rows - f->next);
  if (!rc) rc = flush_out(f);
  lf_scan_free(s);
  return rc;
}

static int record_add(vtab_upd *u, const upd_col *c, uint64_t frag, const lf_data_file *df) {
  lf_frag_file *a = realloc(u->adds, (size_t)(u->nadds + 1) * sizeof *a);
  if (!a) return LF_NOMEM;
  u->adds = a;
  memset(&a[u->nadds], 0, sizeof *a);
  a[u->nadds].fragment_id = frag;
  a[u->nadds].file = *df;
  a[u->nadds].tombstones = c->tomb, a[u->nadds].n_tombstones = c->ntomb;
  u->nadds++;
  return LF_OK;
}

/* Column c of fragment fi: entries ent[0..n) (by offset) get their new values. */
static int write_column(lvtab *vt, upd_col *c, int fi, const upd_ent *ent, uint64_t n,
                        lf_error *e) {
  vtab_txn *t = vt->txn;
  upd_frag f;
  memset(&f, 0, sizeof f);
  f.vt = vt, f.c = c, f.fr = lf_dataset_fragment(t->base, fi), f.ent = ent, f.nent = n, f.e = e;
  lf_array_init(&f.pv, lf_file_schema(c->rd)->fields[0]);
  lf_array_init(&f.out, c->sc.fields[0]);
  lf_array_init(&f.hold, c->sc.fields[0]);
  f.pos = malloc(UPD_BATCH * sizeof *f.pos);
  f.pairs = malloc(UPD_BATCH * sizeof *f.pairs);
  char name[64];
  lf_data_file_name(name, sizeof name);
  int rc = !f.pos || !f.pairs ? lf_err(e, LF_NOMEM, "out of memory")
           : lf_writer_open(vt->store, vt->args.path, name, &c->sc, t->major, t->minor, &f.w, e);
  if (!rc) rc = scan_fragment(&f, t->base);
  lf_data_file df = {0};
  if (f.w && rc) lf_writer_abort(f.w);
  else if (f.w) rc = lf_writer_finish(f.w, &df, e);
  if (!rc && (rc = record_add(t->upd, c, f.fr->id, &df))) {
    lf_err(e, rc, "out of memory");
    txn_drop_file(vt, &df);
    lf_data_file_reset(&df);
  }
  if (!rc && !lf_evolve_replaceable(f.fr, &df)) t->upd->merge = 1;
  lf_array_reset(&f.pv);
  lf_array_reset(&f.out);
  lf_array_reset(&f.hold);
  free(f.pos);
  free(f.pairs);
  return rc;
}

static int cmp_ent(const void *a, const void *b) {
  const upd_ent *x = a, *y = b;
  if (x->fi != y->fi) return x->fi < y->fi ? -1 : 1;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* Finish the scratch files and open them for takes. */
static int open_scratch(lvtab *vt, vtab_upd *u, lf_error *e) {
  for (int i = 0; i < u->ncols; i++) {
    upd_col *c = &u->cols[i];
    int rc = spill(vt, c, e);
    if (!rc) {
      lf_writer *w = c->w;
      c->w = NULL;
      rc = lf_writer_finish(w, &c->df, e);
    }
    char *p = rc ? NULL : sqlite3_mprintf("%s%sdata/%s", vt->args.path, *vt->args.path ? "/" : "",
                                         c->df.path);
    if (!rc && !p) rc = lf_err(e, LF_NOMEM, "out of memory");
    if (!rc) rc = lf_file_open(vt->store, p, &c->rd, e);
    sqlite3_free(p);
    if (rc) return rc;
  }
  return LF_OK;
}

static int write_all(lvtab *vt, vtab_upd *u, lf_error *e) {
  int rc = open_scratch(vt, u, e);
  if (rc) return rc;
  qsort(u->ents, (size_t)u->n, sizeof *u->ents, cmp_ent);
  for (uint64_t a = 0, b; a < u->n; a = b) {
    for (b = a + 1; b < u->n && u->ents[b].fi == u->ents[a].fi; b++)
      if (u->ents[b].off == u->ents[b - 1].off)
        return lf_err(e, LF_ARG, "row %u of fragment %llu was updated twice", u->ents[b].off,
                      (unsigned long long)lf_dataset_fragment(vt->txn->base, (int)u->ents[b].fi)->id);
    for (int i = 0; i < u->ncols; i++)
      if ((rc = write_column(vt, &u->cols[i], (int)u->ents[a].fi, u->ents + a, b - a, e)))
        return rc;
  }
  return LF_OK;
}

int vtab_upd_sync(lvtab *vt) {
  vtab_txn *t = vt->txn;
  vtab_upd *u = t->upd;
  lf_error e = {0};
  int rc = write_all(vt, u, &e);
  uint8_t *schema = NULL;
  size_t len = 0;
  lf_evolve_spec none;
  memset(&none, 0, sizeof none);
  if (!rc && u->merge) rc = lf_evolve_schema(lf_dataset_manifest(t->base), &none, &schema, &len, &e);
  for (int k = 0; !u->merge && k < u->nadds; k++) u->adds[k].n_tombstones = 0;
  lf_commit_req req;
  memset(&req, 0, sizeof req);
  req.kind = u->merge ? LF_COMMIT_MERGE : LF_COMMIT_REPLACE;
  req.new_schema = schema, req.new_schema_len = len;
  req.n_adds = u->nadds, req.adds = u->adds;
  uint64_t version = 0;
  if (!rc && u->nadds) rc = lf_commit(vt->store, vt->args.path, lf_dataset_manifest(t->base), &req,
                                      &version, &e);
  free(schema);
  if (rc) return vtab_lf_error(vt, &e);
  t->published = 1;
  return SQLITE_OK;
}

/* ---- freeing -------------------------------------------------------------------------- */

static void remove_file(lf_store *st, const char *root, const char *name) {
  char *p = name ? sqlite3_mprintf("%s%sdata/%s", root, *root ? "/" : "", name) : NULL;
  lf_error e = {0};
  if (p) st->remove(st, p, &e);
  sqlite3_free(p);
}

static void upd_free(lf_store *st, const char *root, vtab_upd *u, int drop_adds) {
  if (!u) return;
  for (int i = 0; u->cols && i < u->ncols; i++) {
    upd_col *c = &u->cols[i];
    if (c->w) lf_writer_abort(c->w);
    lf_file_free(c->rd);
    remove_file(st, root, c->df.path); /* the scratch file never stays */
    lf_data_file_reset(&c->df);
    lf_array_reset(&c->vals);
    lf_schema_reset(&c->sc);
    free(c->tomb);
  }
  for (int k = 0; k < u->nadds; k++) {
    if (drop_adds) remove_file(st, root, u->adds[k].file.path);
    lf_data_file_reset(&u->adds[k].file);
  }
  free(u->adds);
  free(u->cols);
  free(u->ents);
  free(u);
}

void vtab_upd_free(lf_store *st, const char *root, vtab_txn *t, int drop_files) {
  upd_free(st, root, t->upd, drop_files);
  t->upd = NULL;
}
