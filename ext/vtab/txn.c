/*
** txn.c: owns what a write transaction on a `lance` table sees and how its
** changes are undone (txn.h describes the state):
**   - the view: the base version with the transaction's deletions applied
**     and its data files as new fragments (format/'s lf_dataset_view), made
**     when a statement reads after a change (rows still in the builders are
**     first written out, closing the data file into a fragment);
**   - locating a rowid in that view (txn_locate);
**   - the undo log, savepoints (xSavepoint / xRelease / xRollbackTo) and the
**     undoing of a failed statement.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vtab/txn.h"

void txn_stale(vtab_txn *t) {
  lf_dataset_free(t->view);
  t->view = NULL;
}

/* ---- Dead rows ------------------------------------------------------------------- */

int txn_is_dead(const vtab_txn *t, uint64_t seq) {
  return seq / 8 < t->cap_dead && (t->dead[seq / 8] >> (seq % 8) & 1);
}

static int log_push(vtab_txn *t, int kind, uint64_t a, uint64_t b) {
  if (t->nlog == t->cap_log) {
    size_t nc = t->cap_log ? 2 * t->cap_log : 256;
    txn_undo *nl = realloc(t->log, nc * sizeof *nl);
    if (!nl) return SQLITE_NOMEM;
    t->log = nl;
    t->cap_log = nc;
  }
  t->log[t->nlog++] = (txn_undo){kind, a, b};
  return SQLITE_OK;
}

int txn_mark_dead(vtab_txn *t, uint64_t seq, int logged) {
  if (seq / 8 >= t->cap_dead) {
    size_t nc = t->cap_dead ? t->cap_dead : 1024;
    while (nc <= seq / 8) nc *= 2;
    uint8_t *nd = realloc(t->dead, nc);
    if (!nd) return SQLITE_NOMEM;
    memset(nd + t->cap_dead, 0, nc - t->cap_dead);
    t->dead = nd;
    t->cap_dead = nc;
  }
  if (logged && log_push(t, TXN_U_DEAD, seq, 0)) return SQLITE_NOMEM;
  t->dead[seq / 8] |= (uint8_t)(1u << (seq % 8));
  txn_stale(t);
  return SQLITE_OK;
}

/* ---- The row id map ------------------------------------------------------------------ */

/* Slot of key id + 1: where it is, or the empty slot where it goes. */
static size_t map_slot(const vtab_txn *t, uint64_t id) {
  uint64_t key = id + 1;
  size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (t->mcap - 1);
  while (t->mkeys[h] && t->mkeys[h] != key) h = (h + 1) & (t->mcap - 1);
  return h;
}

static uint64_t map_get(const vtab_txn *t, uint64_t id) {
  if (!t->mcap) return TXN_ABSENT;
  size_t h = map_slot(t, id);
  return t->mkeys[h] ? t->mvals[h] : TXN_ABSENT;
}

/* Set without logging (undo uses it too). */
static int map_put(vtab_txn *t, uint64_t id, uint64_t val) {
  if (t->mn * 2 >= t->mcap) {
    size_t nc = t->mcap ? 2 * t->mcap : 1024, oc = t->mcap;
    uint64_t *ok = t->mkeys, *ov = t->mvals;
    t->mkeys = calloc(nc, sizeof *t->mkeys);
    t->mvals = calloc(nc, sizeof *t->mvals);
    if (!t->mkeys || !t->mvals) {
      free(t->mkeys);
      free(t->mvals);
      t->mkeys = ok, t->mvals = ov;
      return SQLITE_NOMEM;
    }
    t->mcap = nc;
    for (size_t i = 0; i < oc; i++)
      if (ok[i]) {
        size_t h = map_slot(t, ok[i] - 1);
        t->mkeys[h] = ok[i];
        t->mvals[h] = ov[i];
      }
    free(ok);
    free(ov);
  }
  size_t h = map_slot(t, id);
  if (!t->mkeys[h]) t->mkeys[h] = id + 1, t->mn++;
  t->mvals[h] = val;
  txn_stale(t);
  return SQLITE_OK;
}

int txn_map_set(vtab_txn *t, uint64_t id, uint64_t val) {
  if (log_push(t, TXN_U_MAP, id, map_get(t, id))) return SQLITE_NOMEM;
  int rc = map_put(t, id, val);
  if (rc) t->nlog--;
  return rc;
}

int txn_del_base(vtab_txn *t, int fi, uint64_t off, uint64_t id) {
  txn_dels *d = &t->bdel[fi];
  if (d->n == d->cap) {
    size_t nc = d->cap ? 2 * d->cap : 64;
    uint32_t *no = realloc(d->off, nc * sizeof *no);
    if (!no) return SQLITE_NOMEM;
    d->off = no;
    d->cap = nc;
  }
  if (log_push(t, TXN_U_BASE_DEL, (uint64_t)fi, 0)) return SQLITE_NOMEM;
  d->off[d->n++] = (uint32_t)off;
  int rc = txn_map_set(t, id, TXN_GONE);
  if (rc) t->nlog--, d->n--;
  txn_stale(t);
  return rc;
}

/* ---- Locating rows ------------------------------------------------------------------- */

/* Row id of written row seq. */
static uint64_t seq_id(const vtab_txn *t, uint64_t seq) {
  if (seq >= t->open_seq) return t->oids ? t->oids[seq - t->open_seq] : t->base_next + seq;
  int lo = 0, hi = t->nfrags - 1;
  while (lo < hi) {
    int mid = lo + (hi - lo + 1) / 2;
    if (t->frags[mid].first_seq <= seq) lo = mid;
    else hi = mid - 1;
  }
  const txn_frag *f = &t->frags[lo];
  return f->ids ? f->ids[seq - f->first_seq] : t->base_next + seq;
}

/* The seq of the written row whose address id is, or UINT64_MAX. */
static uint64_t addr_seq(const vtab_txn *t, uint64_t id) {
  uint64_t k = (id >> 32) - t->first_fid, o = id & 0xffffffffu;
  if (k < (uint64_t)t->nfrags) return o < t->frags[k].rows ? t->frags[k].first_seq + o : UINT64_MAX;
  if (k == (uint64_t)t->nfrags && o < t->wrows + t->nrows) return t->open_seq + o;
  return UINT64_MAX;
}

int txn_locate(lvtab *vt, uint64_t id, txn_loc *loc) {
  vtab_txn *t = vt->txn;
  memset(loc, 0, sizeof *loc);
  uint64_t v = map_get(t, id), seq = UINT64_MAX;
  if (v == TXN_GONE) return 0;
  if (v != TXN_ABSENT) seq = v;
  else if (!t->stable && (id >> 32) >= t->first_fid) seq = addr_seq(t, id);
  else if (t->stable && id >= t->base_next && id - t->base_next < t->nseq &&
           seq_id(t, id - t->base_next) == id) seq = id - t->base_next;
  else if (t->stable && id >= t->base_next) return 0;
  if (seq != UINT64_MAX || (!t->stable && (id >> 32) >= t->first_fid)) {
    if (seq == UINT64_MAX || txn_is_dead(t, seq)) return 0;
    loc->in_txn = 1;
    loc->seq = seq;
    return 1;
  }
  lf_error e = {0};
  if (lf_dataset_locate(t->base, id, &loc->fi, &loc->off, &e)) return -vtab_lf_error(vt, &e);
  return loc->fi >= 0;
}

/* ---- Data files -------------------------------------------------------------------------- */

int txn_close_file(lvtab *vt, lf_error *e) {
  vtab_txn *t = vt->txn;
  if (!t->w) return LF_OK;
  txn_frag *nf = realloc(t->frags, (size_t)(t->nfrags + 1) * sizeof *nf);
  if (!nf) return lf_err(e, LF_NOMEM, "out of memory");
  t->frags = nf;
  txn_frag *f = &t->frags[t->nfrags];
  memset(f, 0, sizeof *f);
  f->rows = t->wrows;
  f->first_seq = t->open_seq;
  lf_writer *w = t->w;
  t->w = NULL;
  int rc = lf_writer_finish(w, &f->df, e);
  if (rc) {
    lf_data_file_reset(&f->df);
    return rc;
  }
  t->nfrags++;
  int kept = 0; /* NULL ids: every row has id base_next + seq */
  for (uint64_t i = 0; t->oids && i < t->wrows && !kept; i++)
    kept = t->oids[i] != t->base_next + t->open_seq + i;
  if (kept) {
    f->ids = t->oids;
    t->oids = NULL;
    t->cap_oids = 0;
  }
  t->open_seq += t->wrows;
  t->wrows = 0;
  return LF_OK;
}

int txn_spill(lvtab *vt, lf_error *e) {
  vtab_txn *t = vt->txn;
  if (!t->nrows) return LF_OK;
  int rc;
  if (!t->w) {
    lf_data_file_name(t->wname, sizeof t->wname);
    if ((rc = lf_writer_open(vt->store, vt->args.path, t->wname, t->schema, t->major, t->minor,
                             &t->w, e)))
      return rc;
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1 && (rc = lf_writer_start_worker(t->w, e))) return rc;
  }
  for (int i = 0; i < t->schema->n_fields; i++) lf_array_finish(&t->cols[i]);
  if ((rc = lf_writer_submit(t->w, t->cols, t->nrows, e))) return rc;
  t->wrows += t->nrows;
  t->nrows = 0;
  for (int i = 0; i < t->schema->n_fields; i++) lf_array_clear(&t->cols[i]);
  return t->wrows >= TXN_FILE_ROWS ? txn_close_file(vt, e) : LF_OK;
}

static void drop_file(lf_store *st, const char *root, const lf_data_file *df) {
  if (!df->path) return;
  char *p = sqlite3_mprintf("%s%sdata/%s", root, *root ? "/" : "", df->path);
  lf_error e = {0};
  if (p) st->remove(st, p, &e);
  sqlite3_free(p);
}

void txn_drop_file(lvtab *vt, const lf_data_file *df) { drop_file(vt->store, vt->args.path, df); }

void txn_free_state(lf_store *st, const char *root, vtab_txn *t, int drop_files) {
  if (!t) return;
  vtab_upd_free(st, root, t, drop_files);
  if (t->w) lf_writer_abort(t->w);
  for (int i = 0; i < t->nfrags; i++) {
    if (drop_files) drop_file(st, root, &t->frags[i].df);
    lf_data_file_reset(&t->frags[i].df);
    free(t->frags[i].ids);
  }
  free(t->frags);
  for (int i = 0; t->cols && i < t->schema->n_fields; i++) lf_array_reset(&t->cols[i]);
  free(t->cols);
  for (int i = 0; i < t->nbase; i++) free(t->bdel[i].off);
  free(t->bdel);
  free(t->oids);
  free(t->dead);
  free(t->mkeys);
  free(t->mvals);
  free(t->log);
  free(t->sp);
  sqlite3_free(t->broken);
  lf_dataset_free(t->view);
  lf_dataset_free(t->base);
  free(t);
}

/* ---- Undo ------------------------------------------------------------------------------ */

int txn_undo_to(lvtab *vt, size_t nlog, uint64_t nseq) {
  vtab_txn *t = vt->txn;
  while (t->nlog > nlog) {
    txn_undo u = t->log[--t->nlog];
    if (u.kind == TXN_U_BASE_DEL) t->bdel[u.a].n--;
    else if (u.kind == TXN_U_DEAD) t->dead[u.a / 8] &= (uint8_t)~(1u << (u.a % 8));
    else map_put(t, u.a, u.b); /* the slot exists: no allocation */
  }
  txn_stale(t);
  uint64_t wbase = t->open_seq + t->wrows; /* seq of the first row in the builders */
  uint64_t keep = nseq > wbase ? nseq : wbase; /* rows from keep on are still in builders */
  for (int i = 0; t->cols && i < t->schema->n_fields; i++)
    lf_array_truncate(&t->cols[i], keep - wbase); /* also a row appended in part */
  t->nrows = keep - wbase;
  t->nseq = keep;
  for (uint64_t s = nseq; s < keep; s++) /* rows in files: dead */
    if (txn_mark_dead(t, s, 0)) return SQLITE_NOMEM;
  return SQLITE_OK;
}

/* ---- Savepoints ------------------------------------------------------------------------ */

int vtab_txn_savepoint(lvtab *vt, int level) {
  vtab_txn *t = vt->txn;
  if (!t) return SQLITE_OK;
  while (t->nsp && t->sp[t->nsp - 1].level >= level) t->nsp--;
  if (t->nsp == t->cap_sp) {
    int nc = t->cap_sp ? 2 * t->cap_sp : 8;
    txn_savepoint *ns = realloc(t->sp, (size_t)nc * sizeof *ns);
    if (!ns) return SQLITE_NOMEM;
    t->sp = ns;
    t->cap_sp = nc;
  }
  t->sp[t->nsp++] = (txn_savepoint){level, t->nlog, t->nseq};
  return SQLITE_OK;
}

int vtab_txn_release(lvtab *vt, int level) {
  vtab_txn *t = vt->txn;
  while (t && t->nsp && t->sp[t->nsp - 1].level >= level) t->nsp--;
  return SQLITE_OK;
}

/* Back to the state of savepoint `level`, which stays open; a savepoint
** older than the transaction's first write is its empty state. */
int vtab_txn_rollback_to(lvtab *vt, int level) {
  vtab_txn *t = vt->txn;
  if (!t) return SQLITE_OK;
  if (t->upd && !t->broken) /* its values are not in the undo log */
    t->broken = sqlite3_mprintf("lance: %s: a column-only UPDATE was rolled back to a "
                                "savepoint; ROLLBACK", vt->name);
  while (t->nsp && t->sp[t->nsp - 1].level > level) t->nsp--;
  if (!t->nsp) return txn_undo_to(vt, 0, 0);
  return txn_undo_to(vt, t->sp[t->nsp - 1].nlog, t->sp[t->nsp - 1].nseq);
}

/* ---- The view ---------------------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Base fragment deletions, sorted, as view entries (*dels, *offs malloc'd). */
int txn_sorted_dels(vtab_txn *t, lf_view_del **dels, int *n, uint32_t **offs) {
  size_t total = 0;
  *n = 0;
  for (int i = 0; i < t->nbase; i++) total += t->bdel[i].n;
  *dels = calloc((size_t)t->nbase + 1, sizeof **dels);
  *offs = malloc((total + 1) * sizeof **offs);
  if (!*dels || !*offs) return SQLITE_NOMEM;
  uint32_t *p = *offs;
  for (int i = 0; i < t->nbase; i++) {
    if (!t->bdel[i].n) continue;
    memcpy(p, t->bdel[i].off, t->bdel[i].n * sizeof *p);
    qsort(p, t->bdel[i].n, sizeof *p, cmp_u32);
    (*dels)[(*n)++] = (lf_view_del){i, p, t->bdel[i].n};
    p += t->bdel[i].n;
  }
  return SQLITE_OK;
}

/* Dead offsets of closed fragment k into out (room for its rows); count. */
size_t txn_frag_dead(const vtab_txn *t, int k, uint32_t *out) {
  const txn_frag *f = &t->frags[k];
  size_t n = 0;
  for (uint64_t o = 0; o < f->rows; o++)
    if (txn_is_dead(t, f->first_seq + o)) out[n++] = (uint32_t)o;
  return n;
}

static int make_view(vtab_txn *t, lf_error *e) {
  lf_view_del *dels = NULL;
  uint32_t *offs = NULL, *dead = NULL;
  int nd = 0, rc = txn_sorted_dels(t, &dels, &nd, &offs) ? LF_NOMEM : LF_OK;
  uint64_t total = 0;
  for (int k = 0; k < t->nfrags; k++) total += t->frags[k].rows;
  lf_view_frag *nf = calloc((size_t)t->nfrags + 1, sizeof *nf);
  if (!rc && (!nf || !(dead = malloc((total + 1) * sizeof *dead)))) rc = LF_NOMEM;
  for (int k = 0, at = 0; !rc && k < t->nfrags; k++) {
    const txn_frag *f = &t->frags[k];
    nf[k] = (lf_view_frag){&f->df, 1, f->rows, f->ids, t->base_next + f->first_seq,
                           dead + at, txn_frag_dead(t, k, dead + at)};
    at += (int)nf[k].n_deleted;
  }
  if (rc) lf_err(e, rc, "out of memory");
  else rc = lf_dataset_view(t->base, dels, nd, nf, t->nfrags, &t->view, e);
  free(dels);
  free(offs);
  free(dead);
  free(nf);
  return rc;
}

lf_dataset *vtab_write_snapshot(lvtab *vt) { return vt->txn ? vt->txn->base : NULL; }

int vtab_txn_view(lvtab *vt, lf_dataset **out, lf_error *e) {
  vtab_txn *t = vt->txn;
  *out = NULL;
  if (!t) return LF_OK;
  if (t->upd) /* the statement is the transaction and read its rows before writing */
    return lf_err(e, LF_UNSUPPORTED, "reading the table during its column-only UPDATE");
  if (!t->nlog && !t->nseq) {
    *out = t->base;
    return LF_OK;
  }
  if (!t->view) {
    int rc = txn_spill(vt, e);
    if (!rc) rc = txn_close_file(vt, e);
    if (!rc) rc = make_view(t, e);
    if (rc) return rc;
  }
  *out = t->view;
  return LF_OK;
}
