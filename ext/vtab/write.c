/*
** write.c: owns writes through the `lance` virtual table: xUpdate (INSERT,
** UPDATE, DELETE) and the transaction methods (txn.c owns what the
** transaction sees and its undo; txn.h its state).
**
** One SQLite transaction becomes one Lance version:
**   xBegin    takes the newest version as its base
**   xUpdate   INSERT appends the row to per-column builders, which spill to
**             a new data file every TXN_SPILL_ROWS rows (a new file and
**             fragment every TXN_FILE_ROWS rows), so memory stays bounded;
**             DELETE of a base row records (fragment, offset), of a row the
**             transaction wrote marks it dead; UPDATE is both, the new row
**             keeping the old row id when the dataset has stable row ids.
**             A call that fails is undone whole (txn_undo_to).
**   xSync     writes what is left; new fragments holding dead rows, and
**             small ones left by reads between writes, are rewritten into
**             full ones (lf_rewrite_fragments); then the commit
**             (format/commit.c: exclusive manifest create, conflicts with
**             concurrent writers rebased or refused); a failure here fails
**             the COMMIT and nothing becomes visible
**   xCommit   forgets the transaction;  xRollback deletes its data files
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vtab/txn.h"

/* ---- Begin ------------------------------------------------------------------------ */

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
  lf_dataset *ds = NULL;
  if (vtab_latest(vt, 1, &ds, &e)) { /* the newest, as Lance's writers take it */
    free(t);
    return vtab_lf_error(vt, &e);
  }
  lf_dataset_ref(ds);
  t->base = ds;
  t->schema = lf_dataset_schema(ds);
  lf_dataset_file_version(ds, &t->major, &t->minor); /* new files: the dataset's own */
  t->stable = lf_dataset_stable_row_ids(ds);
  t->first_fid = lf_manifest_next_fragment_id(lf_dataset_manifest(ds));
  t->base_next = lf_dataset_manifest(ds)->next_row_id;
  t->nbase = lf_dataset_num_fragments(ds);
  if (!(t->bdel = calloc((size_t)t->nbase + 1, sizeof *t->bdel))) {
    txn_free_state(vt->store, vt->args.path, t, 0);
    return SQLITE_NOMEM;
  }
  vt->txn = t;
  return SQLITE_OK;
}

void vtab_write_free(lvtab *vt) {
  txn_free_state(vt->store, vt->args.path, vt->txn, vt->txn && !vt->txn->published);
  vt->txn = NULL;
}

/* ---- Rows ---------------------------------------------------------------------------- */

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

/* Append the row cols[] (the table's columns) with row id `id` (stable row
** ids; NO_ID: a new one); *seq = its seq. */
static int add_row(lvtab *vt, sqlite3_value **cols, uint64_t id, uint64_t *seq) {
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
  if (t->stable) {
    uint64_t at = t->wrows + t->nrows;
    if (at >= t->cap_oids) {
      size_t nc = t->cap_oids ? 2 * t->cap_oids : TXN_SPILL_ROWS;
      uint64_t *no = realloc(t->oids, nc * sizeof *no);
      if (!no) return SQLITE_NOMEM;
      t->oids = no;
      t->cap_oids = nc;
    }
    t->oids[at] = id == LF_FRESH_ROW_ID ? t->base_next + t->nseq : id;
  }
  *seq = t->nseq++;
  t->nrows++;
  txn_stale(t);
  lf_error e = {0};
  if (t->nrows >= TXN_SPILL_ROWS && txn_spill(vt, &e)) return vtab_lf_error(vt, &e);
  return SQLITE_OK;
}

static int delete_row(lvtab *vt, uint64_t id) {
  vtab_txn *t = vt->txn;
  txn_loc loc;
  int found = txn_locate(vt, id, &loc);
  if (found < 0) return -found;
  if (!found)
    return vtab_error(vt, "lance: %s: row %lld is not in this transaction's view of version "
                      "%llu", vt->name, (long long)id,
                      (unsigned long long)lf_dataset_version(t->base));
  if (loc.in_txn) return txn_mark_dead(t, loc.seq, 1);
  return txn_del_base(t, loc.fi, loc.off, id);
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

/* Another write after a column-only UPDATE started (a statement run inside it). */
static int after_upd(lvtab *vt) {
  return vtab_error(vt, "lance: %s: the table cannot be written to during its column-only "
                    "UPDATE", vt->name);
}

static int do_update(lvtab *vt, int argc, sqlite3_value **argv) {
  int rc = check_columns(vt);
  uint64_t seq;
  if (rc) return rc;
  if (argc == 1) return vt->txn->upd ? after_upd(vt) : delete_row(vt, (uint64_t)sqlite3_value_int64(argv[0]));
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL)
      return vtab_error(vt, "lance: %s: rowid is assigned by Lance and cannot be inserted",
                        vt->name);
    return vt->txn->upd ? after_upd(vt) : add_row(vt, argv + 2, LF_FRESH_ROW_ID, &seq);
  }
  sqlite3_int64 old = sqlite3_value_int64(argv[0]);
  if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER || sqlite3_value_int64(argv[1]) != old)
    return vtab_error(vt, "lance: %s: rowid is assigned by Lance and cannot be changed",
                      vt->name);
  int cols = vtab_upd_decide(vt);
  if (cols < 0) return -cols;
  if (cols && vt->txn->upd_filters != vt->ust.filters) return after_upd(vt);
  if (cols) return vtab_upd_record(vt, argv + 2, (uint64_t)old);
  if (vt->txn->upd) return after_upd(vt);
  if ((rc = delete_row(vt, (uint64_t)old))) return rc;
  if (!vt->txn->stable) return add_row(vt, argv + 2, LF_FRESH_ROW_ID, &seq);
  if ((rc = add_row(vt, argv + 2, (uint64_t)old, &seq))) return rc;
  return txn_map_set(vt->txn, (uint64_t)old, seq); /* the id now names the new row */
}

int vtab_write_update(lvtab *vt, int argc, sqlite3_value **argv, sqlite3_int64 *rowid) {
  (void)rowid; /* a new row's id is known only at COMMIT */
  vtab_txn *t = vt->txn;
  if (!t) return vtab_error(vt, "lance: %s: write outside a transaction", vt->name);
  if (t->broken) return vtab_error(vt, "%s", t->broken);
  size_t nlog = t->nlog;
  uint64_t nseq = t->nseq;
  int rc = do_update(vt, argc, argv);
  if (rc && txn_undo_to(vt, nlog, nseq))
    t->broken = sqlite3_mprintf("lance: %s: out of memory undoing a failed statement of this "
                                "transaction; ROLLBACK", vt->name);
  return rc;
}

/* ---- Commit ------------------------------------------------------------------------------- */

/* Closed new fragments to rewrite: those with dead rows, and the small
** ones when there are two or more (reads between writes close files early). */
static int pick_rewrite(vtab_txn *t, uint8_t *pick) {
  int small = 0, n = 0;
  for (int k = 0; k < t->nfrags; k++) small += t->frags[k].rows < TXN_FILE_ROWS;
  for (int k = 0; k < t->nfrags; k++) {
    const txn_frag *f = &t->frags[k];
    int dead = 0;
    for (uint64_t o = 0; o < f->rows && !dead; o++) dead = txn_is_dead(t, f->first_seq + o);
    pick[k] = dead || (small > 1 && f->rows < TXN_FILE_ROWS);
    n += pick[k];
  }
  return n;
}

/* Rewrite the picked fragments (read through the view) into r. */
static int rewrite_frags(lvtab *vt, const uint8_t *pick, lf_rewrite *r) {
  vtab_txn *t = vt->txn;
  lf_dataset *view;
  lf_error e = {0};
  uint32_t *ids = malloc(((size_t)t->nfrags + 1) * sizeof *ids);
  size_t n = 0;
  if (!ids) return SQLITE_NOMEM;
  for (int k = 0; k < t->nfrags; k++)
    if (pick[k]) ids[n++] = (uint32_t)(t->first_fid + (uint64_t)k);
  int rc = vtab_txn_view(vt, &view, &e);
  if (!rc) rc = lf_rewrite_fragments(view, vt->store, ids, n, TXN_FILE_ROWS, t->major, t->minor, r, &e);
  free(ids);
  return rc ? vtab_lf_error(vt, &e) : SQLITE_OK;
}

/* The created_at versions of rows that kept their base ids (ids[0..n), fresh
** ones LF_FRESH_ROW_ID: 0), as Lance keeps them; cache[fi]: base fragment
** fi's versions, decoded once. */
static int kept_created(vtab_txn *t, const uint64_t *ids, uint64_t n, uint64_t **cache,
                        uint64_t **out, lf_error *e) {
  if (!(*out = calloc((size_t)n + 1, sizeof **out))) return lf_err(e, LF_NOMEM, "out of memory");
  for (uint64_t i = 0; i < n; i++) {
    if (ids[i] == LF_FRESH_ROW_ID) continue;
    int fi;
    uint64_t off;
    int rc = lf_dataset_locate(t->base, ids[i], &fi, &off, e);
    if (rc) return rc;
    if (fi < 0) continue; /* not in the base: a version of its own */
    if (!cache[fi]) {
      if (!(cache[fi] = malloc((lf_dataset_fragment(t->base, fi)->physical_rows + 1) * 8)))
        return lf_err(e, LF_NOMEM, "out of memory");
      if ((rc = lf_dataset_row_versions(t->base, fi, 0, cache[fi], e))) return rc;
    }
    (*out)[i] = cache[fi][off];
  }
  return LF_OK;
}

/* The new fragments to commit: the kept ones, then the rewritten ones;
** stable ids past base_next become fresh (ids[] holds copies to free), the
** others keep their created_at (cr[], to free). */
static int new_frag_list(lvtab *vt, const uint8_t *pick, lf_rewrite *r,
                         lf_new_fragment *nf, uint64_t **ids, uint64_t **cr, int *n) {
  vtab_txn *t = vt->txn;
  *n = 0;
  for (int k = 0; k <= t->nfrags + r->n; k++) ids[k] = cr[k] = NULL;
  uint64_t **cache = calloc((size_t)t->nbase + 1, sizeof *cache);
  if (!cache) return SQLITE_NOMEM;
  int rc = SQLITE_OK;
  lf_error e = {0};
  for (int k = 0; k < t->nfrags + r->n; k++) {
    int kept = k < t->nfrags;
    if (kept && pick[k]) continue;
    lf_new_fragment *f = &nf[*n];
    *f = kept ? (lf_new_fragment){1, &t->frags[k].df, t->frags[k].rows, NULL, NULL, NULL}
              : r->frags[k - t->nfrags];
    const uint64_t *src = kept ? t->frags[k].ids : f->row_ids;
    if (t->stable && src) {
      if (!(ids[*n] = malloc(f->physical_rows * sizeof **ids))) {
        rc = SQLITE_NOMEM;
        break;
      }
      for (uint64_t i = 0; i < f->physical_rows; i++)
        ids[*n][i] = src[i] >= t->base_next ? LF_FRESH_ROW_ID : src[i];
      if (kept_created(t, ids[*n], f->physical_rows, cache, &cr[*n], &e)) {
        rc = vtab_lf_error(vt, &e);
        break;
      }
    }
    f->row_ids = ids[*n];
    f->created_at = cr[*n];
    (*n)++;
  }
  for (int i = 0; i < t->nbase; i++) free(cache[i]);
  free(cache);
  return rc;
}

static int publish(lvtab *vt, const lf_new_fragment *nf, int n_new) {
  vtab_txn *t = vt->txn;
  lf_view_del *vd = NULL;
  uint32_t *offs = NULL;
  int nd = 0, rc = txn_sorted_dels(t, &vd, &nd, &offs);
  lf_frag_delete *fd = calloc((size_t)nd + 1, sizeof *fd);
  if (rc || !fd) rc = SQLITE_NOMEM;
  for (int i = 0; !rc && i < nd; i++)
    fd[i] = (lf_frag_delete){lf_dataset_fragment(t->base, vd[i].frag)->id, vd[i].offsets, vd[i].n};
  lf_commit_req req = {0};
  req.kind = LF_COMMIT_WRITE;
  req.n_new = n_new;
  req.new_frags = nf;
  req.n_del = nd;
  req.dels = fd;
  uint64_t version = 0;
  lf_error e = {0};
  if (!rc && (n_new || nd)) {
    if (lf_commit(vt->store, vt->args.path, lf_dataset_manifest(t->base), &req, &version, &e))
      rc = vtab_lf_error(vt, &e);
    else t->published = 1;
  }
  free(vd);
  free(offs);
  free(fd);
  return rc;
}

int vtab_write_sync(lvtab *vt) {
  vtab_txn *t = vt->txn;
  if (!t) return SQLITE_OK;
  if (t->broken) return vtab_error(vt, "%s", t->broken);
  if (t->upd) return vtab_upd_sync(vt);
  if (!t->nlog && !t->nseq) return SQLITE_OK; /* nothing changed */
  lf_error e = {0};
  if (txn_spill(vt, &e) || txn_close_file(vt, &e)) return vtab_lf_error(vt, &e);
  uint8_t *pick = calloc((size_t)t->nfrags + 1, 1);
  lf_rewrite r = {0};
  if (!pick) return SQLITE_NOMEM;
  int rc = pick_rewrite(t, pick) ? rewrite_frags(vt, pick, &r) : SQLITE_OK;
  lf_new_fragment *nf = calloc((size_t)(t->nfrags + r.n) + 1, sizeof *nf);
  uint64_t **ids = calloc((size_t)(t->nfrags + r.n) + 1, sizeof *ids);
  uint64_t **cr = calloc((size_t)(t->nfrags + r.n) + 1, sizeof *cr);
  int n_new = 0;
  if (!rc && (!nf || !ids || !cr)) rc = SQLITE_NOMEM;
  if (!rc) rc = new_frag_list(vt, pick, &r, nf, ids, cr, &n_new);
  if (!rc) rc = publish(vt, nf, n_new);
  for (int k = 0; ids && cr && k < t->nfrags + r.n; k++) free(ids[k]), free(cr[k]);
  free(ids);
  free(cr);
  free(nf);
  /* the rewritten-away files go when committed; the new ones when not */
  for (int k = 0; !rc && k < t->nfrags; k++)
    if (pick[k]) txn_drop_file(vt, &t->frags[k].df);
  lf_rewrite_reset(&r, vt->store, vt->args.path, rc != SQLITE_OK);
  free(pick);
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
  vt->latest_in_txn = 0; /* the next read looks for the newest version again */
  /* nothing published (every change undone): its files are nobody's */
  txn_free_state(vt->store, vt->args.path, vt->txn, vt->txn && !vt->txn->published);
  vt->txn = NULL;
  return SQLITE_OK;
}

int vtab_write_rollback(lvtab *vt) {
  vt->latest_in_txn = 0;
  vtab_write_free(vt);
  return SQLITE_OK;
}
