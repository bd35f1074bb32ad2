/*
** commit.c: owns lf_commit, publishing the next version of a dataset:
**   1. deletion files for the rows newly deleted (deletion_write.c), merged
**      with each fragment's existing deletions; a fragment left with no live
**      row is dropped from the manifest (Lance does the same);
**   2. the transaction file _transactions/<read_version>-<uuid>.txn (the raw
**      Transaction message, also embedded in the manifest);
**   3. the manifest (manifest_write.c) of version cur+1, published with an
**      exclusive put in the dataset's naming scheme (v2: u64::MAX - N,
**      20 digits; v1: N): of racing writers exactly one gets each version;
**   4. on losing the race, the newer versions' transactions are checked
**      against ours as Lance does (conflict_with) and the manifest is rebuilt
**      on top of the newest one: new fragments get ids past its
**      max_fragment_id and, with stable row ids, fresh row ids from its
**      next_row_id; at most MAX_ATTEMPTS tries;
**   5. _versions/latest_version_hint.json = {"version":N}, as LanceDB writes
**      it (best effort, never lowered by us).
** On failure the deletion and transaction files written are removed.
** Operations: CREATE = Overwrite at version 1; WRITE = Append (new
** fragments), Delete (deletions) or Update (both); RESTORE = Restore (the
** old version's schema, fragments and indices republished); INDEX =
** CreateIndex (an index added and/or removed: the manifest's IndexSection
** is the newest version's without the removed and same-named entries, plus
** the new one; no section when none is left, as Lance writes it); MERGE,
** PROJECT, REPLACE = schema evolution (evolve.c builds their transaction,
** fragments, schema and conflict rules).
*/
#include "lf_int.h"
#include "lf_write.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define MAX_ATTEMPTS 100

uint64_t lf_random_u64(void) {
  uint64_t v = 0;
  if (getrandom(&v, sizeof v, 0) == (ssize_t)sizeof v) return v;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts); /* no entropy source: still unique enough per process */
  static uint64_t ctr;
  return ((uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)getpid() << 32) ^ ++ctr;
}

void lf_uuid4(char buf[37]) {
  uint8_t u[16];
  uint64_t a = lf_random_u64(), b = lf_random_u64();
  for (int i = 0; i < 8; i++) u[i] = (uint8_t)(a >> (8 * i)), u[8 + i] = (uint8_t)(b >> (8 * i));
  u[6] = (uint8_t)((u[6] & 0x0F) | 0x40);
  u[8] = (uint8_t)((u[8] & 0x3F) | 0x80);
  int k = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) buf[k++] = '-';
    k += snprintf(buf + k, 3, "%02x", u[i]);
  }
  buf[36] = 0;
}

static const char *shown(const char *root) { return root[0] ? root : "."; }

typedef struct commit_ctx {
  lf_store *s;
  const char *root;
  const lf_commit_req *req;
  uint64_t read_version;
  int stable;              /* stable row ids */
  int v2;                  /* naming scheme of the manifests */
  char uuid[37];
  char txn_name[96];       /* <read_version>-<uuid>.txn */
  char *txn_path;          /* written; removed on failure */
  lf_buf txn;              /* the Transaction message */
  lf_fragment *upd;        /* base fragments with their new deletion file */
  int n_upd;
  uint64_t *removed;       /* fragments whose rows are now all deleted */
  size_t n_removed;
  char **del_paths;        /* deletion files written */
  int n_del_paths;
  lf_buf schema;           /* CREATE: Schema fields 1 and 5 */
  const lf_manifest *restore; /* RESTORE: the version restored */
  lf_buf newidx;           /* INDEX: the new IndexMetadata as field 1 */
  lf_buf idx_txn;          /* INDEX: CreateIndex fields 1 and 2 */
  lf_buf evolve_op;        /* MERGE, PROJECT, REPLACE: the operation's body */
} commit_ctx;

static int is_evolve(const lf_commit_req *r) {
  return r->kind == LF_COMMIT_MERGE || r->kind == LF_COMMIT_PROJECT ||
         r->kind == LF_COMMIT_REPLACE;
}

/* The Manifest message inside a manifest file's raw bytes (parsed before,
** so the footer and length are known to be valid). */
void lf_manifest_message(const lf_manifest *m, const uint8_t **msg, size_t *len) {
  uint64_t pos = lf_le64(m->raw + m->raw_len - 16);
  *len = lf_le32(m->raw + pos);
  *msg = m->raw + pos + 4;
}

static const lf_fragment *find_frag(const lf_manifest *m, uint64_t id) {
  for (int i = 0; i < m->n_fragments; i++)
    if (m->fragments[i].id == id) return &m->fragments[i];
  return NULL;
}

static int has_id(const uint64_t *v, size_t n, uint64_t id) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == id) return 1;
  return 0;
}

/* ---- step 1: deletion files ------------------------------------------------ */

/* Union of two ascending distinct arrays into *out (malloc'd). */
static int merge_rows(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t **out,
                      size_t *n) {
  uint32_t *r = malloc((na + nb + 1) * sizeof *r);
  if (!r) return LF_NOMEM;
  size_t i = 0, j = 0, k = 0;
  while (i < na || j < nb) {
    uint32_t x = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
    if (i < na && a[i] == x) i++;
    if (j < nb && b[j] == x) j++;
    r[k++] = x;
  }
  *out = r;
  *n = k;
  return LF_OK;
}

static int check_delete(const commit_ctx *c, const lf_frag_delete *d, const lf_fragment *fr,
                        lf_error *err) {
  if (!fr)
    return lf_err(err, LF_ARG, "%s: version %" PRIu64 " has no fragment %" PRIu64 " to delete from",
                  shown(c->root), c->read_version, d->fragment_id);
  for (size_t i = 0; i < d->n; i++)
    if (d->offsets[i] >= fr->physical_rows || (i && d->offsets[i] <= d->offsets[i - 1]))
      return lf_err(err, LF_ARG, "%s: fragment %" PRIu64 ": deleted offsets must be ascending, "
                    "distinct and below %" PRIu64, shown(c->root), fr->id, fr->physical_rows);
  for (size_t i = 0; i < c->n_removed; i++)
    if (c->removed[i] == fr->id) goto dup;
  for (int i = 0; i < c->n_upd; i++)
    if (c->upd[i].id == fr->id) goto dup;
  return LF_OK;
dup:
  return lf_err(err, LF_ARG, "%s: fragment %" PRIu64 " is listed twice in the deletions",
                shown(c->root), fr->id);
}

/* One lf_frag_delete: merge, then a new deletion file or the fragment's removal. */
static int prepare_delete(commit_ctx *c, const lf_manifest *base, const lf_frag_delete *d,
                          lf_error *err) {
  const lf_fragment *fr = find_frag(base, d->fragment_id);
  int rc = check_delete(c, d, fr, err);
  if (rc) return rc;
  uint32_t *old = NULL, *all = NULL;
  size_t nold = 0, nall = 0;
  if ((rc = lf_deletion_read(c->s, c->root, fr->id, &fr->deletion, fr->physical_rows, &old,
                             &nold, err)))
    return rc;
  rc = merge_rows(old, nold, d->offsets, d->n, &all, &nall);
  free(old);
  if (rc) return lf_err(err, LF_NOMEM, "out of memory");
  if (nall == nold) { /* nothing new deleted here */
    free(all);
    return LF_OK;
  }
  if (nall == fr->physical_rows) {
    c->removed[c->n_removed++] = fr->id;
    free(all);
    return LF_OK;
  }
  lf_fragment *u = &c->upd[c->n_upd];
  *u = *fr; /* shallow: borrows the base's files and sequences */
  char **path = &c->del_paths[c->n_del_paths];
  rc = lf_deletion_write(c->s, c->root, fr->id, c->read_version, all, nall, &u->deletion, path,
                         err);
  free(all);
  if (rc) return lf_err_prefix(err, rc, "%s: fragment %" PRIu64 ": deletion file",
                               shown(c->root), fr->id);
  c->n_del_paths++;
  c->n_upd++;
  return LF_OK;
}

static int prepare_deletes(commit_ctx *c, const lf_manifest *base, lf_error *err) {
  int n = c->req->n_del;
  if (n <= 0) return LF_OK;
  c->upd = calloc((size_t)n, sizeof *c->upd);
  c->removed = calloc((size_t)n, sizeof *c->removed);
  c->del_paths = calloc((size_t)n, sizeof *c->del_paths);
  if (!c->upd || !c->removed || !c->del_paths) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    int rc = prepare_delete(c, base, &c->req->dels[i], err);
    if (rc) return rc;
  }
  return LF_OK;
}

/* ---- step 2: the transaction ------------------------------------------------ */

/* Some of nf's given row ids are LF_FRESH_ROW_ID (to be assigned at commit). */
static int has_fresh_ids(const lf_new_fragment *nf) {
  for (uint64_t k = 0; nf->row_ids && k < nf->physical_rows; k++)
    if (nf->row_ids[k] == LF_FRESH_ROW_ID) return 1;
  return 0;
}

/* The new fragments as the transaction records them: ids 0 (assigned at
** commit; CREATE: 0..n-1), the caller's row ids if any, no version sequences. */
static int txn_new_frags(const commit_ctx *c, lf_fragment **out, lf_buf **seqs, lf_error *err) {
  int n = c->req->n_new;
  *out = calloc((size_t)n + 1, sizeof **out);
  *seqs = calloc((size_t)n + 1, sizeof **seqs);
  if (!*out || !*seqs) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    const lf_new_fragment *nf = &c->req->new_frags[i];
    lf_fragment *f = &(*out)[i];
    f->id = c->req->kind == LF_COMMIT_CREATE ? (uint64_t)i : 0;
    f->n_files = nf->n_files;
    f->files = nf->files;
    f->physical_rows = nf->physical_rows;
    /* ids to be assigned at commit are not known to the transaction */
    if (nf->row_ids && c->stable && !has_fresh_ids(nf)) {
      lf_rowid_seq_encode(&(*seqs)[i], 0, nf->row_ids, nf->physical_rows);
      f->row_ids.data = (*seqs)[i].p;
      f->row_ids.len = (*seqs)[i].len;
    }
  }
  return LF_OK;
}

/* INDEX: the new entry and CreateIndex's fields (the removed entries
** copied from the base manifest). */
static int prepare_index(commit_ctx *c, const lf_manifest *base, lf_error *err) {
  const lf_commit_req *r = c->req;
  lf_buf keep = {0};
  int nd = 0;
  if (r->new_index) lf_index_meta_encode(&c->newidx, 1, r->new_index);
  lf_buf_put(&c->idx_txn, c->newidx.p, c->newidx.len);
  int rc = lf_index_section_filter(base->has_index_section ? base->index_section : NULL,
                                   base->index_section_len, NULL, r->removed_uuids, r->n_removed,
                                   &keep, &c->idx_txn, &nd, err);
  lf_buf_reset(&keep);
  if (rc == LF_CORRUPT) return lf_err_prefix(err, rc, "%s: version %" PRIu64, shown(c->root),
                                             base->version);
  if (!rc && (c->newidx.rc || c->idx_txn.rc)) rc = LF_NOMEM;
  if (rc) return lf_err(err, rc, "out of memory");
  if (nd != r->n_removed)
    return lf_err(err, LF_NOTFOUND, "%s: version %" PRIu64 " lacks an index to remove",
                  shown(c->root), base->version);
  return LF_OK;
}

/* REWRITE: the Rewrite groups of t: each group's old fragments as base
** lists them, and its slice of the new fragments (arrays malloc'd in *ga). */
typedef struct rw_groups {
  const lf_fragment **old;
  lf_fragment *olds;
  int *n_old, *first_new, *n_new_in;
} rw_groups;

static void rw_groups_reset(rw_groups *g) {
  free(g->old);
  free(g->olds);
  free(g->n_old);
  free(g->first_new);
  free(g->n_new_in);
}

static int rewrite_groups(const commit_ctx *c, const lf_manifest *base, lf_txn_enc *t,
                          rw_groups *g, lf_error *err) {
  const lf_commit_req *r = c->req;
  int total = 0;
  for (int i = 0; i < r->n_groups; i++) total += r->groups[i].n_old;
  g->old = calloc((size_t)r->n_groups + 1, sizeof *g->old);
  g->olds = calloc((size_t)total + 1, sizeof *g->olds);
  g->n_old = calloc((size_t)r->n_groups + 1, sizeof *g->n_old);
  g->first_new = calloc((size_t)r->n_groups + 1, sizeof *g->first_new);
  g->n_new_in = calloc((size_t)r->n_groups + 1, sizeof *g->n_new_in);
  if (!g->old || !g->olds || !g->n_old || !g->first_new || !g->n_new_in)
    return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0, k = 0; i < r->n_groups; i++) {
    const lf_rewrite_group *gr = &r->groups[i];
    g->old[i] = &g->olds[k];
    g->n_old[i] = gr->n_old;
    g->first_new[i] = (int)(gr->new_frags - r->new_frags);
    g->n_new_in[i] = gr->n_new;
    for (int j = 0; j < gr->n_old; j++) {
      const lf_fragment *f = find_frag(base, gr->old_ids[j]);
      if (!f) return lf_err(err, LF_ARG, "%s: version %" PRIu64 " has no fragment %" PRIu64
                            " to rewrite", shown(c->root), base->version, gr->old_ids[j]);
      g->olds[k++] = *f;
    }
  }
  t->n_groups = r->n_groups;
  t->old = g->old;
  t->n_old = g->n_old;
  t->first_new = g->first_new;
  t->n_new_in = g->n_new_in;
  return LF_OK;
}

static int build_txn(commit_ctx *c, const lf_manifest *base, lf_error *err) {
  const lf_commit_req *r = c->req;
  rw_groups g = {0};
  lf_txn_enc t = {c->read_version, c->uuid, 0, NULL, c->upd, 0, c->n_upd, c->removed,
                  c->n_removed, c->schema.p, c->schema.len, r->restore_version,
                  c->idx_txn.p, c->idx_txn.len, 0, NULL, NULL, NULL, NULL};
  lf_fragment *nf = NULL;
  lf_buf *seqs = NULL;
  int rc = LF_OK;
  if (r->kind == LF_COMMIT_RESTORE) t.op = LF_TXN_RESTORE;
  else if (r->kind == LF_COMMIT_INDEX) t.op = LF_TXN_CREATE_INDEX;
  else if (r->kind == LF_COMMIT_CREATE) t.op = LF_TXN_OVERWRITE;
  else if (r->kind == LF_COMMIT_REWRITE) t.op = LF_TXN_REWRITE;
  else if (r->kind == LF_COMMIT_MERGE) t.op = LF_TXN_MERGE;
  else if (r->kind == LF_COMMIT_PROJECT) t.op = LF_TXN_PROJECT;
  else if (r->kind == LF_COMMIT_REPLACE) t.op = LF_TXN_DATA_REPLACEMENT;
  else t.op = !r->n_del ? LF_TXN_APPEND : !r->n_new ? LF_TXN_DELETE : LF_TXN_UPDATE;
  int frags = r->kind != LF_COMMIT_RESTORE && r->kind != LF_COMMIT_INDEX && !is_evolve(r);
  if (is_evolve(r)) t.idx_fields = c->evolve_op.p, t.idx_len = c->evolve_op.len;
  if (frags && (rc = txn_new_frags(c, &nf, &seqs, err))) goto done;
  t.new_frags = nf;
  t.n_new = frags ? r->n_new : 0;
  if (r->kind == LF_COMMIT_REWRITE && (rc = rewrite_groups(c, base, &t, &g, err))) goto done;
  if (lf_transaction_encode(&t, &c->txn)) rc = lf_err(err, LF_NOMEM, "out of memory");
done:
  rw_groups_reset(&g);
  for (int i = 0; seqs && i < r->n_new; i++) lf_buf_reset(&seqs[i]);
  free(seqs);
  free(nf);
  return rc;
}

static int write_txn_file(commit_ctx *c, lf_error *err) {
  char rel[160];
  snprintf(c->txn_name, sizeof c->txn_name, "%" PRIu64 "-%s.txn", c->read_version, c->uuid);
  snprintf(rel, sizeof rel, "_transactions/%s", c->txn_name);
  if (!(c->txn_path = lf_path_join(c->root, rel))) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = c->s->put(c->s, c->txn_path, c->txn.p, c->txn.len, 1, err);
  if (rc) {
    free(c->txn_path);
    c->txn_path = NULL;
  }
  return rc;
}

/* ---- step 3: the manifest ----------------------------------------------------- */

typedef struct build {
  lf_fragment *frags;
  int n;
  lf_buf *seqs;            /* 3 per new fragment */
  int n_seqs;
  lf_evolve_mem mem;       /* MERGE, PROJECT, REPLACE: the fragments' new file lists */
  lf_buf carry;            /* MERGE, PROJECT: the Manifest carried with the new schema */
} build;

static void build_reset(build *b) {
  for (int i = 0; b->seqs && i < b->n_seqs; i++) lf_buf_reset(&b->seqs[i]);
  free(b->seqs);
  free(b->frags);
  lf_evolve_mem_reset(&b->mem);
  lf_buf_reset(&b->carry);
  memset(b, 0, sizeof *b);
}

static void set_seq(lf_seq_ref *r, const lf_buf *b) {
  r->data = b->p;
  r->len = b->len;
}

/* Append new fragments [from, to) to bd (ids from *next_id; stable row ids
** from *next_row_id when `stable`), at version v. */
static int add_new_frags(const commit_ctx *c, build *bd, int from, int to, uint64_t *next_id,
                         int stable, uint64_t *next_row_id, uint64_t v, lf_error *err) {
  int n = c->req->n_new;
  if (stable && n && !bd->seqs && !(bd->seqs = calloc(3 * (size_t)n, sizeof *bd->seqs)))
    return lf_err(err, LF_NOMEM, "out of memory");
  bd->n_seqs = stable ? 3 * n : 0;
  for (int i = from; i < to; i++) {
    const lf_new_fragment *nf = &c->req->new_frags[i];
    lf_fragment *f = &bd->frags[bd->n++];
    memset(f, 0, sizeof *f);
    f->id = (*next_id)++;
    f->n_files = nf->n_files;
    f->files = nf->files;
    f->physical_rows = nf->physical_rows;
    if (!stable) continue;
    lf_buf *sq = &bd->seqs[3 * i];
    uint64_t *fresh = NULL; /* the caller's ids with LF_FRESH_ROW_ID entries filled in */
    const uint64_t *ids = nf->row_ids;
    if (has_fresh_ids(nf)) {
      if (!(fresh = malloc(nf->physical_rows * sizeof *fresh)))
        return lf_err(err, LF_NOMEM, "out of memory");
      for (uint64_t j = 0; j < nf->physical_rows; j++)
        fresh[j] = ids[j] == LF_FRESH_ROW_ID ? (*next_row_id)++ : ids[j];
    }
    lf_rowid_seq_encode(&sq[0], *next_row_id, fresh ? fresh : ids, nf->physical_rows);
    free(fresh);
    if (!ids) *next_row_id += nf->physical_rows;
    if (nf->last_updated) lf_version_seq_encode_rows(&sq[1], nf->last_updated, nf->physical_rows, v);
    else lf_version_seq_encode(&sq[1], nf->physical_rows, v);
    if (nf->created_at) lf_version_seq_encode_rows(&sq[2], nf->created_at, nf->physical_rows, v);
    else lf_version_seq_encode(&sq[2], nf->physical_rows, v);
    if (sq[0].rc || sq[1].rc || sq[2].rc) return lf_err(err, LF_NOMEM, "out of memory");
    set_seq(&f->row_ids, &sq[0]);
    set_seq(&f->last_updated, &sq[1]);
    set_seq(&f->created_at, &sq[2]);
  }
  return LF_OK;
}

/* The fragments of `from` (cur, or the restored version) with our deletion
** changes applied. */
static int keep_frags(const commit_ctx *c, const lf_manifest *from, build *bd, lf_error *err) {
  for (int i = 0; from && i < from->n_fragments; i++) {
    const lf_fragment *fr = &from->fragments[i];
    if (has_id(c->removed, c->n_removed, fr->id)) continue;
    lf_fragment *f = &bd->frags[bd->n++];
    *f = *fr;
    for (int k = 0; k < c->n_upd; k++)
      if (c->upd[k].id == fr->id) f->deletion = c->upd[k].deletion;
  }
  for (int k = 0; k < c->n_upd; k++)
    if (!find_frag(from, c->upd[k].id))
      return lf_err(err, LF_CONFLICT, "%s: fragment %" PRIu64 " is gone", shown(c->root),
                    c->upd[k].id);
  return LF_OK;
}

/* REWRITE: cur's fragments with each group's new fragments in place of its
** old ones (at the first of them); LF_CONFLICT when one is gone. */
static int rewrite_frags(const commit_ctx *c, const lf_manifest *cur, build *bd,
                         uint64_t *next_id, uint64_t *next_row, uint64_t v, lf_error *err) {
  const lf_commit_req *r = c->req;
  int *done = calloc((size_t)r->n_groups + 1, sizeof *done), rc = LF_OK, seen = 0;
  if (!done) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; !rc && i < cur->n_fragments; i++) {
    const lf_fragment *fr = &cur->fragments[i];
    int g = -1;
    for (int k = 0; k < r->n_groups && g < 0; k++)
      if (has_id(r->groups[k].old_ids, (size_t)r->groups[k].n_old, fr->id)) g = k;
    if (g < 0) {
      bd->frags[bd->n++] = *fr;
      continue;
    }
    seen++;
    if (done[g]++) continue;
    int from = (int)(r->groups[g].new_frags - r->new_frags);
    rc = add_new_frags(c, bd, from, from + r->groups[g].n_new, next_id, c->stable, next_row, v, err);
  }
  int want = 0;
  for (int k = 0; k < r->n_groups; k++) want += r->groups[k].n_old;
  free(done);
  if (!rc && seen != want)
    rc = lf_err(err, LF_CONFLICT, "%s: a fragment being rewritten is gone in version %" PRIu64
                "; retry", shown(c->root), cur->version);
  return rc;
}

static uint64_t flags_for(uint64_t flags, const build *bd) {
  flags &= ~(uint64_t)LF_FEATURE_DELETION_FILES;
  for (int i = 0; i < bd->n; i++)
    if (bd->frags[i].deletion.present) flags |= LF_FEATURE_DELETION_FILES;
  return flags;
}

/* req's config entries over src's (NULL: none): into e (*out malloc'd, caller frees). */
static int merged_config(const lf_commit_req *req, const lf_manifest *src, lf_manifest_enc *e,
                         const lf_kv ***out) {
  int nsrc = src ? src->n_config : 0, k = 0;
  const lf_kv **a = malloc(((size_t)nsrc + (size_t)req->n_set_config + 1) * sizeof *a);
  if (!(*out = a)) return LF_NOMEM;
  for (int i = 0; i < nsrc; i++) {
    int replaced = 0;
    for (int j = 0; j < req->n_set_config; j++)
      if (!strcmp(src->config[i].key, req->set_config[j].key)) replaced = 1;
    if (!replaced) a[k++] = &src->config[i];
  }
  for (int j = 0; j < req->n_set_config; j++) a[k++] = &req->set_config[j];
  e->set_config = 1, e->config = a, e->n_config = k;
  e->writer_flags |= LF_FEATURE_TABLE_CONFIG;
  return LF_OK;
}

/* The manifest file of version v on top of cur (NULL for CREATE) into out. */
static int build_manifest(const commit_ctx *c, const lf_manifest *cur, uint64_t v, lf_buf *out,
                          lf_error *err) {
  const lf_manifest *src = c->restore ? c->restore : cur;
  build bd = {0};
  lf_buf sec = {0};  /* INDEX: the new IndexSection */
  lf_manifest_enc e = {0};
  const lf_kv **cfg = NULL;
  int stable = c->stable;
  uint64_t next_id = cur ? lf_manifest_next_fragment_id(cur) : 0, next_row = cur ? cur->next_row_id : 0;
  int n_new = c->req->kind == LF_COMMIT_RESTORE ? 0 : c->req->n_new;
  if (!(bd.frags = calloc((size_t)(src ? src->n_fragments : 0) + (size_t)n_new + 1, sizeof *bd.frags)))
    return lf_err(err, LF_NOMEM, "out of memory");
  int rc = c->req->kind == LF_COMMIT_REWRITE
               ? rewrite_frags(c, cur, &bd, &next_id, &next_row, v, err)
               : keep_frags(c, src, &bd, err);
  if (!rc && is_evolve(c->req)) rc = lf_evolve_frags(c->req, bd.frags, bd.n, &bd.mem, c->root, err);
  if (!rc && n_new && c->req->kind != LF_COMMIT_REWRITE)
    rc = add_new_frags(c, &bd, 0, n_new, &next_id, stable, &next_row, v, err);
  if (rc) goto done;
  if (src) {
    lf_manifest_message(src, &e.carry, &e.carry_len);
    e.reader_flags = flags_for(src->reader_flags, &bd);
    e.writer_flags = flags_for(src->writer_flags, &bd);
    if (src->has_index_section) e.index_section = src->index_section, e.index_len = src->index_section_len;
    if (c->req->new_schema && lf_evolve_carry(c->req, e.carry, e.carry_len, &bd.carry)) {
      rc = lf_err(err, LF_NOMEM, "out of memory");
      goto done;
    }
    if (c->req->new_schema) e.carry = bd.carry.p, e.carry_len = bd.carry.len;
    if (c->req->kind == LF_COMMIT_INDEX || (is_evolve(c->req) && c->req->n_removed)) {
      int nd;
      rc = lf_index_section_filter(src->has_index_section ? src->index_section : NULL,
                                   src->index_section_len,
                                   c->req->new_index ? c->req->new_index->name : NULL,
                                   c->req->removed_uuids, c->req->n_removed, &sec, NULL, &nd, err);
      lf_buf_put(&sec, c->newidx.p, c->newidx.len);
      if (rc == LF_CORRUPT) rc = lf_err_prefix(err, rc, "%s: version %" PRIu64, shown(c->root), v - 1);
      else if (rc || sec.rc) rc = lf_err(err, LF_NOMEM, "out of memory");
      if (rc) goto done;
      e.index_section = sec.len ? sec.p : NULL, e.index_len = sec.len;
    }
  } else {
    e.carry = c->schema.p, e.carry_len = c->schema.len;
    e.reader_flags = e.writer_flags = stable ? LF_FEATURE_STABLE_ROW_IDS : 0;
  }
  if (c->restore && c->restore->next_row_id > next_row) next_row = c->restore->next_row_id;
  e.frags = bd.frags, e.n_frags = bd.n, e.version = v;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  e.timestamp_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  e.has_max_fragment_id = next_id > 0 || (src && src->has_max_fragment_id);
  e.max_fragment_id = next_id > 0 ? (uint32_t)(next_id - 1) : 0;
  if (c->restore && c->restore->has_max_fragment_id && c->restore->max_fragment_id > e.max_fragment_id)
    e.max_fragment_id = c->restore->max_fragment_id;
  e.txn_file = c->txn_name, e.next_row_id = next_row;
  e.txn = c->txn.p, e.txn_len = c->txn.len;
  if (c->req->n_set_config && c->req->kind != LF_COMMIT_RESTORE && merged_config(c->req, src, &e, &cfg))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  else if (next_id > (uint64_t)UINT32_MAX + 1)
    rc = lf_err(err, LF_ARG, "%s: fragment ids exceed 32 bits", shown(c->root));
  else if (lf_manifest_encode(&e, out))
    rc = lf_err(err, LF_NOMEM, "out of memory");
done:
  free(cfg);
  build_reset(&bd);
  lf_buf_reset(&sec);
  return rc;
}

/* ---- step 4: conflicts ---------------------------------------------------------- */

static int conflict(const commit_ctx *c, const lf_manifest *m, const char *op, lf_error *err) {
  return lf_err(err, LF_CONFLICT, "%s: version %" PRIu64 " (%s) was committed concurrently and "
                "conflicts with this write; retry the statement", shown(c->root), m->version,
                op ? op : "no transaction recorded");
}

/* An index commit against the transaction that made m (Lance's CreateIndex
** rules): rewrites of covered fragments, data replacements, overwrites and
** restores conflict. */
static int index_conflict(const commit_ctx *c, const lf_manifest *m, lf_error *err) {
  const lf_transaction *t = &m->txn;
  const char *op = t->present ? t->op_name : NULL;
  static const char *const ok[] = {"append", "clone", "update_bases", "create_index", "delete",
                                   "update", "merge", "reserve_fragments", "project",
                                   "update_config"};
  for (size_t i = 0; op && i < sizeof ok / sizeof ok[0]; i++)
    if (!strcmp(op, ok[i])) return LF_OK;
  const lf_new_index *ix = c->req->new_index;
  if (op && !strcmp(op, "rewrite")) {
    int hit = 0;
    for (size_t i = 0; ix && i < t->n_frag_ids; i++)
      for (size_t k = 0; k < ix->n_frags; k++) hit |= t->frag_ids[i] == ix->frags[k];
    if (!hit) return LF_OK;
  }
  return conflict(c, m, op, err);
}

/* Does our request change existing fragment id (deletions, rewrites)? */
static int touches(const lf_commit_req *r, uint64_t id) {
  for (int k = 0; k < r->n_del; k++)
    if (r->dels[k].fragment_id == id) return 1;
  for (int g = 0; g < r->n_groups; g++)
    if (has_id(r->groups[g].old_ids, (size_t)r->groups[g].n_old, id)) return 1;
  return 0;
}

/* Is the transaction that made `m` compatible with ours (as Lance decides)? */
static int conflict_with(const commit_ctx *c, const lf_manifest *m, lf_error *err) {
  const lf_transaction *t = &m->txn;
  const lf_commit_req *r = c->req;
  if (r->kind == LF_COMMIT_RESTORE) return LF_OK; /* a restore replaces everything */
  if (r->kind == LF_COMMIT_INDEX) return index_conflict(c, m, err);
  if (is_evolve(r))
    return lf_evolve_conflicts(r, m) ? conflict(c, m, t->present ? t->op_name : NULL, err) : LF_OK;
  const char *op = t->present ? t->op_name : NULL;
  static const char *const harmless[] = {"append", "create_index", "reserve_fragments",
                                         "update_config", "update_mem_wal_state", "update_bases",
                                         "delete", "update", "rewrite", "data_replacement"};
  int ok = 0;
  for (size_t i = 0; op && i < sizeof harmless / sizeof harmless[0]; i++)
    if (!strcmp(op, harmless[i])) ok = 1;
  for (size_t i = 0; ok && i < t->n_frag_ids; i++)
    if (touches(r, t->frag_ids[i]))
          return lf_err(err, LF_CONFLICT, "%s: version %" PRIu64 " (%s) also changed fragment %"
                        PRIu64 "; retry the statement", shown(c->root), m->version, op,
                        t->frag_ids[i]);
  return ok ? LF_OK : conflict(c, m, op, err);
}

/* After losing version cur->version + 1: read every newer version, check
** its transaction, and leave the newest in *own. */
static int catch_up(const commit_ctx *c, const lf_manifest *cur, lf_manifest *own,
                    lf_error *err) {
  uint64_t v = cur->version + 1;
  int have = 0;
  for (;; v++) {
    lf_manifest m;
    int rc = lf_dataset_read_manifest(c->s, c->root, v, &m, err);
    if (rc == LF_NOTFOUND && have) break;
    if (rc) return rc;
    if ((rc = conflict_with(c, &m, err))) {
      lf_manifest_reset(&m);
      return rc;
    }
    if (have) lf_manifest_reset(own);
    *own = m;
    have = 1;
  }
  return LF_OK;
}

/* ---- step 5: the hint; the attempt loop ------------------------------------------- */

static void write_hint(const commit_ctx *c, uint64_t v) {
  lf_error e2 = {0};
  char *path = lf_path_join(c->root, "_versions/latest_version_hint.json"), json[48];
  uint8_t *d = NULL;
  size_t n = 0;
  unsigned long long old = 0;
  if (!path) return;
  if (!lf_read_whole(c->s, path, 64, &d, &n, &e2)) {
    snprintf(json, sizeof json, "%.*s", (int)n, (const char *)d);
    if (sscanf(json, " { \"version\" : %llu", &old) != 1) old = 0;
    free(d);
  }
  if (old < v) {
    int k = snprintf(json, sizeof json, "{\"version\":%" PRIu64 "}", v);
    c->s->put(c->s, path, json, (size_t)k, 0, &e2);
  }
  free(path);
}

/* Publish on top of *base (and newer versions), bounded retries. */
static int publish(commit_ctx *c, const lf_manifest *base, uint64_t *version, lf_error *err) {
  lf_manifest own = {0};
  const lf_manifest *cur = base;
  int rc = LF_EXISTS;
  for (int attempt = 0; attempt < MAX_ATTEMPTS && rc == LF_EXISTS; attempt++) {
    uint64_t v = cur ? cur->version + 1 : 1;
    lf_buf out = {0};
    char *path = lf_manifest_path(c->root, v, c->v2);
    rc = path ? build_manifest(c, cur, v, &out, err) : lf_err(err, LF_NOMEM, "out of memory");
    if (!rc) rc = c->s->put(c->s, path, out.p, out.len, 1, err);
    lf_buf_reset(&out);
    free(path);
    if (!rc) *version = v;
    if (rc != LF_EXISTS) continue;
    if (!cur) break;
    lf_manifest next = {0};
    int rc2 = catch_up(c, cur, &next, err);
    if (rc2) rc = rc2;
    lf_manifest_reset(&own);
    own = next;
    cur = &own;
  }
  lf_manifest_reset(&own);
  if (rc == LF_EXISTS && cur)
    rc = lf_err(err, LF_CONFLICT, "%s: gave up after %d attempts to commit against concurrent "
                "writers", shown(c->root), MAX_ATTEMPTS);
  else if (rc == LF_EXISTS)
    rc = lf_err(err, LF_EXISTS, "%s: a dataset already exists here", shown(c->root));
  return rc;
}

/* ---- lf_commit --------------------------------------------------------------------- */

static int check_req(lf_store *s, const char *root, const lf_manifest *base,
                     const lf_commit_req *r, lf_error *err) {
  if (!s || !root || !r) return lf_err(err, LF_ARG, "lf_commit: no store, root or request");
  if (r->kind < LF_COMMIT_CREATE || r->kind > LF_COMMIT_REPLACE)
    return lf_err(err, LF_ARG, "%s: unknown commit kind %d", shown(root), r->kind);
  if (r->kind == LF_COMMIT_INDEX && ((!r->new_index && r->n_removed <= 0) || r->n_removed < 0 ||
                                     (r->n_removed && !r->removed_uuids) || r->n_new || r->n_del))
    return lf_err(err, LF_ARG, "%s: an index commit adds and/or removes indexes, nothing else",
                  shown(root));
  if (r->kind == LF_COMMIT_CREATE ? (!r->schema || base != NULL) : !base)
    return lf_err(err, LF_ARG, "%s: CREATE needs a schema and no base; WRITE and RESTORE a base",
                  shown(root));
  if (r->n_new < 0 || r->n_del < 0 || (r->n_new && !r->new_frags) || (r->n_del && !r->dels))
    return lf_err(err, LF_ARG, "%s: bad fragment lists in the commit request", shown(root));
  if (r->kind == LF_COMMIT_WRITE && !r->n_new && !r->n_del && !r->n_set_config)
    return lf_err(err, LF_ARG, "%s: nothing to commit", shown(root));
  if (r->kind == LF_COMMIT_REWRITE) {
    int at = 0, ok = r->n_groups > 0 && r->groups && !r->n_del;
    for (int g = 0; ok && g < r->n_groups; g++) {
      ok = r->groups[g].n_old > 0 && r->groups[g].old_ids && r->groups[g].n_new >= 0 &&
           (!r->groups[g].n_new || r->groups[g].new_frags == r->new_frags + at);
      at += r->groups[g].n_new;
    }
    if (!ok || at != r->n_new)
      return lf_err(err, LF_ARG, "%s: a rewrite needs groups of old fragment ids and their new "
                    "fragments, in the order of new_frags", shown(root));
  }
  if (is_evolve(r) && (r->n_new || r->n_del || (r->kind != LF_COMMIT_REPLACE) != !!r->new_schema ||
                       (r->kind == LF_COMMIT_REPLACE && !r->n_adds) || (r->n_adds && !r->adds)))
    return lf_err(err, LF_ARG, "%s: a schema evolution commit needs its schema or files, "
                  "nothing else", shown(root));
  for (int i = 0; r->kind == LF_COMMIT_CREATE || r->kind == LF_COMMIT_WRITE ||
                  r->kind == LF_COMMIT_REWRITE ? i < r->n_new : 0; i++) {
    const lf_new_fragment *f = &r->new_frags[i];
    if (f->n_files <= 0 || !f->files || !f->physical_rows || f->physical_rows > UINT32_MAX)
      return lf_err(err, LF_ARG, "%s: new fragment %d needs data files and 1..2^32-1 rows",
                    shown(root), i);
    for (int k = 0; k < f->n_files; k++)
      if (!f->files[k].path || !f->files[k].path[0] || strchr(f->files[k].path, '/'))
        return lf_err(err, LF_ARG, "%s: new fragment %d: data file %d has no plain file name",
                      shown(root), i, k);
  }
  return LF_OK;
}

/* Legacy datasets keep each dictionary field's values in the manifest file
** itself (Field.dictionary points into it); a new manifest carrying the
** schema would have to carry those bytes too, which this writer does not. */
static int check_dictionaries(const lf_manifest *m, const char *root, lf_error *err) {
  for (int i = 0; i < m->schema.n_all; i++) {
    const lf_field *f = m->schema.all[i];
    if (f->dict_offset || f->dict_length)
      return lf_err(err, LF_UNSUPPORTED, "%s: writing to a legacy dataset with a dictionary "
                    "field ('%s', its values kept in the manifest file) is not supported",
                    shown(root), f->name);
  }
  return LF_OK;
}

/* Does version v of the dataset use v2 manifest names? */
static int uses_v2_names(lf_store *s, const char *root, uint64_t v) {
  char *p = lf_manifest_path(root, v, 1);
  uint64_t size;
  lf_error e2 = {0};
  int v2 = p && s->size(s, p, &size, &e2) == LF_OK;
  free(p);
  return v2;
}

static int start_create(commit_ctx *c, lf_error *err) {
  uint64_t *vs = NULL;
  size_t n = 0;
  lf_error e2 = {0};
  int rc = lf_dataset_versions(c->s, c->root, &vs, &n, &e2);
  free(vs);
  if (rc == LF_OK) return lf_err(err, LF_EXISTS, "%s: a dataset already exists here", shown(c->root));
  if (rc != LF_NOTFOUND) return lf_err(err, rc, "%s", e2.msg);
  c->v2 = c->req->v2_paths;
  const char *dv = c->req->data_version ? c->req->data_version : "2.2";
  if (lf_schema_encode(c->req->schema, &c->schema)) return lf_err(err, LF_NOMEM, "out of memory");
  size_t m = lf_pbw_begin(&c->schema);
  lf_pbw_str(&c->schema, 1, "lance");
  lf_pbw_str(&c->schema, 2, dv);
  lf_pbw_end(&c->schema, 15, m);
  return c->schema.rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

static void cleanup(commit_ctx *c, int failed) {
  lf_error e2 = {0};
  for (int i = 0; i < c->n_del_paths; i++) {
    if (failed) c->s->remove(c->s, c->del_paths[i], &e2);
    free(c->del_paths[i]);
  }
  if (failed && c->txn_path) c->s->remove(c->s, c->txn_path, &e2);
  free(c->txn_path);
  free(c->del_paths);
  free(c->upd);
  free(c->removed);
  lf_buf_reset(&c->txn);
  lf_buf_reset(&c->schema);
  lf_buf_reset(&c->newidx);
  lf_buf_reset(&c->idx_txn);
  lf_buf_reset(&c->evolve_op);
}

int lf_commit(lf_store *s, const char *root, const lf_manifest *base, const lf_commit_req *req,
              uint64_t *version, lf_error *err) {
  int rc = check_req(s, root, base, req, err);
  if (rc) return rc;
  commit_ctx c = {0};
  lf_manifest restore = {0}, latest = {0};
  c.s = s, c.root = root, c.req = req;
  lf_uuid4(c.uuid);
  if (req->kind == LF_COMMIT_CREATE) {
    rc = start_create(&c, err);
  } else if (req->kind == LF_COMMIT_RESTORE) {
    /* a restore is built on the latest version, whatever base was read */
    if (!(rc = lf_dataset_read_manifest(s, root, 0, &latest, err)))
      rc = lf_dataset_read_manifest(s, root, req->restore_version, &restore, err);
    if (!rc) base = &latest, c.restore = &restore;
  }
  c.stable = base ? (base->reader_flags & LF_FEATURE_STABLE_ROW_IDS) != 0 : req->stable_row_ids;
  if (!rc && base) rc = check_dictionaries(c.restore ? c.restore : base, root, err);
  if (!rc && base) {
    c.read_version = base->version;
    c.v2 = uses_v2_names(s, root, base->version);
    rc = prepare_deletes(&c, base, err);
  }
  if (!rc && req->kind == LF_COMMIT_INDEX) rc = prepare_index(&c, base, err);
  if (!rc && is_evolve(req)) rc = lf_evolve_txn_body(req, base, root, &c.evolve_op, err);
  if (!rc) rc = build_txn(&c, base, err);
  if (!rc) rc = write_txn_file(&c, err);
  if (!rc) rc = publish(&c, base, version, err);
  if (!rc) write_hint(&c, *version);
  cleanup(&c, rc != LF_OK);
  lf_manifest_reset(&restore);
  lf_manifest_reset(&latest);
  return rc;
}
