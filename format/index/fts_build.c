/*
** fts_build.c: owns building, updating and dropping full-text-search
** indexes of a dataset as LanceDB 0.39 does, from the scan to the commit:
**
**   create    scan the column's live rows of every fragment of the latest
**             version (row ids: stable ids or row addresses, as the scan
**             gives them), tokenize and write the files (fts_write.c) into
**             _indices/<new uuid>/, then commit a CreateIndex transaction
**             whose IndexMetadata holds: the uuid, the field id, the name,
**             dataset_version = the version scanned, the fragment bitmap of
**             every fragment scanned, index_details = InvertedIndexDetails,
**             index_version (2, or 3 for 256-document blocks), created_at
**             (ms) and the files with their sizes.  replace: an index of the
**             same name is removed in the same transaction.
**   optimize  per FTS index, as LanceDB's optimize_indices: the fragments its
**             bitmap lacks are tokenized into new partitions (numbered after
**             the old ones) of a new index directory that also gets copies of
**             the old partitions; fragments it covers that the dataset no
**             longer has join its deleted_fragments; the new entry replaces
**             the old one (same name and dataset_version, bitmap = old one +
**             the new fragments).
**   drop      CreateIndex with no new index and the dropped one removed.
**
** InvertedIndexDetails (index_details.value), as LanceDB writes it: 1
** base_tokenizer, 2 language as a JSON string ("\"English\""), 3
** with_position, 4 max_token_length (absent: no limit), 5 lower_case, 6
** stem, 7 remove_stop_words, 8 ascii_folding, 9 / 10 ngram lengths, 11
** prefix_only, 12 block_size, 15 posting format version; false and 0 are
** left out except in 4, 12 and 15.
**
** The caller's progress callback is asked after every batch of rows; a
** non-zero answer stops the build with LF_INTERRUPTED, and the files
** written so far are removed: nothing is committed.
*/
#include "fts_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DETAILS_URL "/lance.table.InvertedIndexDetails"

static const char *shown(const char *root) { return root[0] ? root : "."; }

static void details_encode(const lf_fts_wparams *p, lf_buf *b) {
  const lf_tok_params *t = &p->tok;
  char lang[48];
  lf_pbw_str(b, 1, t->base_tokenizer);
  snprintf(lang, sizeof lang, "\"%s\"", t->language);
  lf_pbw_str(b, 2, lang);
  lf_pbw_uint_nz(b, 3, (uint64_t)p->with_position);
  if (t->max_token_length != LF_TOK_NO_LIMIT) lf_pbw_uint(b, 4, (uint64_t)t->max_token_length);
  lf_pbw_uint_nz(b, 5, (uint64_t)t->lower_case);
  lf_pbw_uint_nz(b, 6, (uint64_t)t->stem);
  lf_pbw_uint_nz(b, 7, (uint64_t)t->remove_stop_words);
  lf_pbw_uint_nz(b, 8, (uint64_t)t->ascii_folding);
  lf_pbw_uint_nz(b, 9, t->min_ngram_length);
  lf_pbw_uint_nz(b, 10, t->max_ngram_length);
  lf_pbw_uint_nz(b, 11, (uint64_t)t->prefix_only);
  lf_pbw_uint(b, 12, p->block_size);
  lf_pbw_uint(b, 15, p->block_size == 256 ? 3 : 2);
}

static int has_u32(const uint32_t *v, size_t n, uint32_t x) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == x) return 1;
  return 0;
}

/* ---- the scan ------------------------------------------------------------------- */

typedef struct build_run {
  lf_store *s;
  const char *root;
  lf_dataset *ds;
  int field;                   /* top-level field index */
  lf_fts_writer *w;
  lf_fts_progress progress;
  void *progress_ctx;
} build_run;

static uint64_t live_rows(const lf_dataset *ds, const uint32_t *skip, size_t nskip) {
  uint64_t n = 0;
  for (int i = 0; i < lf_dataset_num_fragments(ds); i++) {
    const lf_fragment *f = lf_dataset_fragment(ds, i);
    if (has_u32(skip, nskip, (uint32_t)f->id)) continue;
    n += f->physical_rows - (f->deletion.present ? f->deletion.num_deleted_rows : 0);
  }
  return n;
}

/* Tokenize the field's live rows of the fragments not in skip[0..nskip). */
static int scan_docs(build_run *r, const lf_fts_wparams *p, const uint32_t *skip, size_t nskip,
                     lf_error *err) {
  lf_fts_scan_req q = {r->ds, r->s, r->field, skip, nskip, &p->tok, live_rows(r->ds, skip, nskip),
                       r->progress, r->progress_ctx, shown(r->root)};
  return lf_fts_scan_docs(&q, r->w, err);
}

/* The text column `column` of ds: its top-level index. */
static int text_field(const char *root, lf_dataset *ds, const char *column, int *out,
                      lf_error *err) {
  const lf_schema *sc = lf_dataset_schema(ds);
  for (int i = 0; i < sc->n_fields; i++) {
    const lf_field *f = sc->fields[i];
    if (strcmp(f->name, column)) continue;
    if (f->type != LF_T_UTF8 && f->type != LF_T_LARGE_UTF8)
      return lf_err(err, LF_ARG, "%s: column '%s' is %s, not text: FTS indexes need a text column",
                    shown(root), column, f->logical_type ? f->logical_type : lf_type_name(f->type));
    *out = i;
    return LF_OK;
  }
  return lf_err(err, LF_NOTFOUND, "%s: no column '%s'", shown(root), column);
}

/* ---- the commit ------------------------------------------------------------------- */

typedef struct new_entry {
  const char *name;
  const char *uuid;
  int32_t field_id;
  uint64_t dataset_version;
  uint32_t *frags;
  size_t nfrags;
  const lf_fts_wparams *p;
  const char *removed;         /* uuid of the index it replaces, or NULL */
} new_entry;

static int commit_entry(build_run *r, const new_entry *e, uint64_t *version, lf_error *err) {
  size_t nf;
  const lf_fts_file *files = lf_fts_writer_files(r->w, &nf);
  const char **names = malloc((nf + 1) * sizeof *names);
  uint64_t *sizes = malloc((nf + 1) * sizeof *sizes);
  lf_buf det = {0};
  int rc = LF_OK;
  if (!names || !sizes) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; !rc && i < nf; i++) names[i] = files[i].name, sizes[i] = files[i].size;
  details_encode(e->p, &det);
  if (!rc && det.rc) rc = lf_err(err, LF_NOMEM, "out of memory");
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lf_new_index ix = {{0}, e->name, &e->field_id, 1, e->dataset_version, e->frags, e->nfrags,
                     DETAILS_URL, det.p, det.len, e->p->block_size == 256 ? 3 : 2,
                     (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000, names, sizes, nf};
  snprintf(ix.uuid, sizeof ix.uuid, "%s", e->uuid);
  lf_commit_req req = {0};
  req.kind = LF_COMMIT_INDEX;
  req.new_index = &ix;
  req.removed_uuids = &e->removed;
  req.n_removed = e->removed ? 1 : 0;
  if (!rc) rc = lf_commit(r->s, r->root, lf_dataset_manifest(r->ds), &req, version, err);
  lf_buf_reset(&det);
  free(names);
  free(sizes);
  return rc;
}

static char *index_dir(const char *root, const char *uuid) {
  char rel[64];
  snprintf(rel, sizeof rel, "_indices/%s", uuid);
  return lf_path_join(root, rel);
}

/* ---- create ------------------------------------------------------------------------- */

static int find_index(const lf_index_meta *ix, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (ix[i].name && !strcmp(ix[i].name, name)) return i;
  return -1;
}

static int fragment_ids(lf_dataset *ds, uint32_t **out, size_t *n, lf_error *err) {
  int nf = lf_dataset_num_fragments(ds);
  *out = malloc(((size_t)nf + 1) * sizeof **out);
  if (!*out) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < nf; i++) (*out)[i] = (uint32_t)lf_dataset_fragment(ds, i)->id;
  *n = (size_t)nf;
  return LF_OK;
}

/* Build into a new directory and commit; the files go when anything fails. */
static int build_and_commit(build_run *r, const lf_fts_wparams *p, new_entry *e,
                            const lf_index_meta *old, uint64_t *version, lf_error *err) {
  char uuid[37];
  lf_uuid4(uuid);
  char *dir = index_dir(r->root, uuid), *old_dir = old ? index_dir(r->root, old->uuid) : NULL;
  uint32_t *deleted = NULL;
  size_t ndel = 0;
  int rc = !dir || (old && !old_dir) ? lf_err(err, LF_NOMEM, "out of memory")
                                     : lf_fts_writer_new(r->s, dir, p, &r->w, err);
  lf_fts *oi = NULL;
  if (!rc && old) rc = lf_fts_open(r->s, r->root, old->uuid, &oi, err);
  for (int i = 0; !rc && oi && i < lf_fts_num_partitions(oi); i++)
    rc = lf_fts_writer_copy_part(r->w, old_dir, lf_fts_partition_id(oi, i), err);
  if (!rc && oi) { /* old deleted fragments, and the covered ones now gone */
    size_t nd;
    const uint32_t *d = lf_fts_deleted_fragments(oi, &nd);
    if (!(deleted = malloc((nd + old->n_frags + 1) * sizeof *deleted))) rc = LF_NOMEM;
    for (size_t i = 0; !rc && i < nd; i++) deleted[ndel++] = d[i];
    for (size_t i = 0; !rc && i < old->n_frags; i++) {
      int gone = 1;
      for (int k = 0; k < lf_dataset_num_fragments(r->ds); k++)
        gone &= lf_dataset_fragment(r->ds, k)->id != old->frags[i];
      if (gone && !has_u32(deleted, ndel, old->frags[i])) deleted[ndel++] = old->frags[i];
    }
    if (rc) rc = lf_err(err, rc, "out of memory");
  }
  if (!rc) rc = scan_docs(r, p, old ? old->frags : NULL, old ? old->n_frags : 0, err);
  if (!rc) rc = lf_fts_writer_finish(r->w, deleted, ndel, err);
  e->uuid = uuid;
  if (!rc) rc = commit_entry(r, e, version, err);
  if (rc && r->w) lf_fts_writer_abort(r->w);
  lf_fts_writer_free(r->w);
  r->w = NULL;
  lf_fts_free(oi);
  free(deleted);
  free(dir);
  free(old_dir);
  return rc;
}

int lf_fts_create_index(lf_store *s, const char *root, const lf_fts_create *req,
                        uint64_t *version, lf_error *err) {
  build_run r = {s, root, NULL, -1, NULL, req->progress, req->progress_ctx};
  lf_index_meta *ix = NULL;
  int nix = 0;
  new_entry e = {0};
  char name[256];
  int rc = lf_dataset_open(s, root, 0, NULL, &r.ds, err);
  if (!rc) rc = text_field(root, r.ds, req->column, &r.field, err);
  if (req->name) snprintf(name, sizeof name, "%s", req->name);
  else snprintf(name, sizeof name, "%s_idx", req->column);
  if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(r.ds), &ix, &nix, err);
  int at = rc ? -1 : find_index(ix, nix, name);
  if (!rc && at >= 0 && !req->replace)
    rc = lf_err(err, LF_EXISTS, "%s: an index named '%s' already exists (replace=true replaces it)",
                shown(root), name);
  if (!rc) {
    e.name = name;
    e.field_id = lf_dataset_schema(r.ds)->fields[r.field]->id;
    e.dataset_version = lf_dataset_version(r.ds);
    e.p = &req->params;
    e.removed = at >= 0 ? ix[at].uuid : NULL;
    rc = fragment_ids(r.ds, &e.frags, &e.nfrags, err);
  }
  if (!rc) rc = build_and_commit(&r, &req->params, &e, NULL, version, err);
  free(e.frags);
  lf_indices_free(ix, nix);
  lf_dataset_free(r.ds);
  return rc;
}

/* ---- optimize --------------------------------------------------------------------- */

/* The writer parameters of an existing index (LF_UNSUPPORTED for what this
** writer cannot extend). */
static int old_params(lf_store *s, const char *root, const lf_index_meta *m, lf_fts_wparams *p,
                      lf_fts **keep, lf_error *err) {
  int rc = lf_fts_open(s, root, m->uuid, keep, err);
  if (rc) return rc;
  const lf_fts_params *fp = lf_fts_get_params(*keep);
  int v = lf_fts_format_version(*keep);
  if (v != 2 && v != 3)
    return lf_err(err, LF_UNSUPPORTED, "index '%s': updating FTS format version %d (2 and 3 are)",
                  m->name, v);
  if (fp->has_custom_stop_words || (fp->lance_tokenizer && strcmp(fp->lance_tokenizer, "text")))
    return lf_err(err, LF_UNSUPPORTED, "index '%s': updating FTS indexes with custom stop words "
                  "or JSON documents", m->name);
  memset(p, 0, sizeof *p);
  lf_fts_tok_params(fp, &p->tok);
  p->with_position = lf_fts_has_positions(*keep);
  p->block_size = lf_fts_block_size(*keep);
  return LF_OK;
}

static int optimize_one(build_run *r, const lf_index_meta *m, size_t memory_limit,
                        uint64_t *version, int *done, lf_error *err) {
  size_t nnew = 0;
  for (int i = 0; i < lf_dataset_num_fragments(r->ds); i++)
    nnew += !has_u32(m->frags, m->n_frags, (uint32_t)lf_dataset_fragment(r->ds, i)->id);
  if (!nnew) return LF_OK; /* nothing unindexed */
  lf_fts *oi = NULL;
  lf_fts_wparams p;
  new_entry e = {0};
  int rc = old_params(r->s, r->root, m, &p, &oi, err);
  p.memory_limit = memory_limit;
  r->field = -1;
  const lf_schema *sc = lf_dataset_schema(r->ds);
  for (int i = 0; !rc && i < sc->n_fields; i++)
    if (m->n_fields && sc->fields[i]->id == m->fields[0]) r->field = i;
  if (!rc && r->field < 0)
    rc = lf_err(err, LF_UNSUPPORTED, "index '%s': its field is not a top-level column", m->name);
  if (!rc && !(e.frags = malloc((m->n_frags + nnew + 1) * sizeof *e.frags)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) {
    memcpy(e.frags, m->frags, m->n_frags * sizeof *e.frags);
    e.nfrags = m->n_frags;
    for (int i = 0; i < lf_dataset_num_fragments(r->ds); i++) {
      uint32_t id = (uint32_t)lf_dataset_fragment(r->ds, i)->id;
      if (!has_u32(m->frags, m->n_frags, id)) e.frags[e.nfrags++] = id;
    }
    e.name = m->name, e.field_id = m->fields[0], e.dataset_version = m->dataset_version;
    e.p = &p, e.removed = m->uuid;
    rc = build_and_commit(r, &p, &e, m, version, err);
    if (!rc) ++*done;
  }
  free(e.frags);
  lf_fts_free(oi);
  return rc;
}

int lf_fts_optimize(lf_store *s, const char *root, size_t memory_limit, lf_fts_progress progress,
                    void *progress_ctx, uint64_t *version, int *n_updated, lf_error *err) {
  char **names = NULL;
  int nn = 0;
  *n_updated = 0;
  int rc = lf_index_names(s, root, DETAILS_URL, &names, &nn, err);
  for (int i = 0; !rc && i < nn; i++) { /* each on the newest version, committed in turn */
    build_run r = {s, root, NULL, -1, NULL, progress, progress_ctx};
    lf_index_meta *ix = NULL;
    int nix = 0;
    rc = lf_dataset_open(s, root, 0, NULL, &r.ds, err);
    if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(r.ds), &ix, &nix, err);
    int at = rc ? -1 : find_index(ix, nix, names[i]);
    if (at >= 0) rc = optimize_one(&r, &ix[at], memory_limit, version, n_updated, err);
    lf_indices_free(ix, nix);
    lf_dataset_free(r.ds);
  }
  for (int i = 0; i < nn; i++) free(names[i]);
  free(names);
  if (!rc && !*n_updated) { /* nothing to do: the latest version stays */
    uint64_t *vs = NULL;
    size_t n = 0;
    rc = lf_dataset_versions(s, root, &vs, &n, err);
    if (!rc) *version = n ? vs[n - 1] : 0;
    free(vs);
  }
  return rc;
}

/* ---- drop ------------------------------------------------------------------------ */

int lf_index_drop(lf_store *s, const char *root, const char *name, uint64_t *version,
                  lf_error *err) {
  lf_dataset *ds = NULL;
  lf_index_meta *ix = NULL;
  int nix = 0;
  int rc = lf_dataset_open(s, root, 0, NULL, &ds, err);
  if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(ds), &ix, &nix, err);
  int at = rc ? -1 : find_index(ix, nix, name);
  if (!rc && at < 0) rc = lf_err(err, LF_NOTFOUND, "%s: no index named '%s'", shown(root), name);
  if (!rc) {
    const char *u = ix[at].uuid;
    lf_commit_req req = {0};
    req.kind = LF_COMMIT_INDEX;
    req.removed_uuids = &u;
    req.n_removed = 1;
    rc = lf_commit(s, root, lf_dataset_manifest(ds), &req, version, err);
  }
  lf_indices_free(ix, nix);
  lf_dataset_free(ds);
  return rc;
}
