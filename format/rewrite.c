/*
** rewrite.c: owns copying the live rows of some fragments of a dataset into
** new data files: the data side of compaction, and of a transaction whose
** new fragments hold rows it deleted again.  A scan of the chosen fragments
** (deletions applied, every top-level field) feeds lf_writer; a new file is
** started every max_rows rows; with stable row ids each row keeps its id and
** the versions that created and last updated it (as LanceDB's compaction).
*/
#include "lf_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_ROWS 8192

void lf_rewrite_reset(lf_rewrite *r, lf_store *st, const char *root, int remove_files) {
  for (int i = 0; i < r->n; i++) {
    if (remove_files && r->files[i].path) {
      char rel[128], *p;
      snprintf(rel, sizeof rel, "data/%s", r->files[i].path);
      if ((p = lf_path_join(root, rel))) {
        lf_error e = {0};
        st->remove(st, p, &e);
        free(p);
      }
    }
    lf_data_file_reset(&r->files[i]);
    free(r->ids[i]);
    free(r->vers[i]);
  }
  free(r->vers);
  free(r->frags);
  free(r->files);
  free(r->ids);
  memset(r, 0, sizeof *r);
}

/* Room for one more new fragment in r. */
static int grow(lf_rewrite *r, lf_error *err) {
  lf_new_fragment *f = realloc(r->frags, (size_t)(r->n + 1) * sizeof *f);
  if (f) r->frags = f;
  lf_data_file *d = realloc(r->files, (size_t)(r->n + 1) * sizeof *d);
  if (d) r->files = d;
  uint64_t **ids = realloc(r->ids, (size_t)(r->n + 1) * sizeof *ids);
  if (ids) r->ids = ids;
  uint64_t **vers = realloc(r->vers, (size_t)(r->n + 1) * sizeof *vers);
  if (vers) r->vers = vers;
  if (!f || !d || !ids || !vers) return lf_err(err, LF_NOMEM, "out of memory");
  memset(&r->frags[r->n], 0, sizeof *f);
  memset(&r->files[r->n], 0, sizeof *d);
  r->ids[r->n] = r->vers[r->n] = NULL;
  return LF_OK;
}

typedef struct rw_out {
  lf_store *st;
  const char *root;
  const lf_schema *schema;
  int major, minor, stable;
  lf_writer *w;
  uint64_t rows, cap_ids;
  lf_dataset *ds;
  int64_t vfrag;           /* the fragment index whose versions ver[] holds, or -1 */
  uint64_t *ver;           /* its created_at, then its last_updated_at versions */
} rw_out;

static int finish_file(rw_out *o, lf_rewrite *r, lf_error *err) {
  lf_writer *w = o->w;
  o->w = NULL;
  int rc = lf_writer_finish(w, &r->files[r->n], err);
  if (rc) {
    lf_data_file_reset(&r->files[r->n]);
    free(r->ids[r->n]);
    free(r->vers[r->n]);
    return rc;
  }
  lf_new_fragment *f = &r->frags[r->n];
  f->n_files = 1;
  f->physical_rows = o->rows;
  if (r->vers[r->n]) /* last_updated_at right behind created_at */
    memmove(r->vers[r->n] + o->rows, r->vers[r->n] + o->cap_ids, o->rows * sizeof **r->vers);
  r->n++;
  o->rows = o->cap_ids = 0;
  return LF_OK;
}

/* The created_at and last_updated_at versions of batch b's rows. */
static int batch_versions(rw_out *o, const lf_scan_batch *b, uint64_t *cr, uint64_t *up,
                          lf_error *err) {
  int fi = -1, rc;
  for (int i = 0; i < lf_dataset_num_fragments(o->ds) && fi < 0; i++)
    if (lf_dataset_fragment(o->ds, i)->id == b->fragment_id) fi = i;
  if (fi < 0) return lf_err(err, LF_CORRUPT, "fragment %" PRIu64 " is gone", b->fragment_id);
  uint64_t rows = lf_dataset_fragment(o->ds, fi)->physical_rows;
  if (o->vfrag != fi) {
    free(o->ver);
    o->vfrag = -1;
    if (!(o->ver = malloc((2 * rows + 1) * sizeof *o->ver))) return lf_err(err, LF_NOMEM, "out of memory");
    if ((rc = lf_dataset_row_versions(o->ds, fi, 0, o->ver, err)) ||
        (rc = lf_dataset_row_versions(o->ds, fi, 1, o->ver + rows, err)))
      return rc;
    o->vfrag = fi;
  }
  for (uint64_t i = 0; i < b->n; i++) {
    uint64_t off = b->rowaddrs[i] & 0xFFFFFFFFu;
    if (off >= rows) return lf_err(err, LF_CORRUPT, "row %" PRIu64 " past its fragment", off);
    cr[i] = o->ver[off], up[i] = o->ver[rows + off];
  }
  return LF_OK;
}

static int write_batch(rw_out *o, lf_rewrite *r, const lf_scan_batch *b, lf_error *err) {
  int rc;
  if (!o->w) {
    char name[64];
    if ((rc = grow(r, err))) return rc;
    lf_data_file_name(name, sizeof name);
    if ((rc = lf_writer_open(o->st, o->root, name, o->schema, o->major, o->minor, &o->w, err)))
      return rc;
  }
  if ((rc = lf_writer_write(o->w, b->cols, b->n, err))) return rc;
  if (o->stable) {
    uint64_t **ids = &r->ids[r->n], **vers = &r->vers[r->n];
    if (o->rows + b->n > o->cap_ids) {
      uint64_t nc = 2 * (o->rows + b->n);
      uint64_t *n = realloc(*ids, nc * sizeof *n);
      if (n) *ids = n;
      uint64_t *v = realloc(*vers, 2 * nc * sizeof *v); /* created_at, then last_updated */
      if (v) *vers = v;
      if (!n || !v) return lf_err(err, LF_NOMEM, "out of memory");
      if (o->rows) memmove(*vers + nc, *vers + o->cap_ids, o->rows * sizeof *v);
      o->cap_ids = nc;
    }
    memcpy(*ids + o->rows, b->rowids, b->n * sizeof **ids);
    if ((rc = batch_versions(o, b, *vers + o->rows, *vers + o->cap_ids + o->rows, err))) return rc;
  }
  o->rows += b->n;
  r->rows += b->n;
  return LF_OK;
}

/* The fragment ids of ds not in ids[0..n) into *out (malloc'd). */
static int others(lf_dataset *ds, const uint32_t *ids, size_t n, uint32_t **out, size_t *nout,
                  lf_error *err) {
  int nf = lf_dataset_num_fragments(ds);
  *nout = 0;
  if (!(*out = malloc(((size_t)nf + 1) * sizeof **out))) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < nf; i++) {
    uint64_t id = lf_dataset_fragment(ds, i)->id;
    int in = 0;
    for (size_t k = 0; k < n && !in; k++) in = ids[k] == id;
    if (!in) (*out)[(*nout)++] = (uint32_t)id;
  }
  return LF_OK;
}

static int check_fields(const lf_dataset *ds, lf_error *err) {
  const lf_schema *s = lf_dataset_schema(ds);
  for (int i = 0; i < s->n_all; i++)
    if (s->all[i]->is_blob || lf_field_meta(s->all[i], "lance-encoding:blob", NULL))
      return lf_err(err, LF_UNSUPPORTED, "%s: rewriting rows with a blob column ('%s') is not "
                    "supported", lf_dataset_root(ds)[0] ? lf_dataset_root(ds) : ".",
                    s->all[i]->name);
  return LF_OK;
}

int lf_rewrite_fragments(lf_dataset *ds, lf_store *st, const uint32_t *frag_ids, size_t n,
                         uint64_t max_rows, int major, int minor, lf_rewrite *r,
                         lf_error *err) {
  memset(r, 0, sizeof *r);
  const lf_schema *s = lf_dataset_schema(ds);
  rw_out o = {st, lf_dataset_root(ds), s, major, minor, lf_dataset_stable_row_ids(ds), NULL, 0, 0,
              ds, -1, NULL};
  int *fields = malloc(((size_t)s->n_fields + 1) * sizeof *fields);
  uint32_t *skip = NULL;
  size_t nskip = 0;
  lf_scan *sc = NULL;
  int rc = fields ? check_fields(ds, err) : lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; !rc && i < s->n_fields; i++) fields[i] = i;
  if (!rc) rc = others(ds, frag_ids, n, &skip, &nskip, err);
  if (!rc) rc = lf_scan_open(ds, st, fields, s->n_fields, &sc, err);
  if (!rc) rc = lf_scan_exclude(sc, skip, nskip, err);
  while (!rc) {
    const lf_scan_batch *b;
    uint64_t want = max_rows - o.rows < BATCH_ROWS ? max_rows - o.rows : BATCH_ROWS;
    if ((rc = lf_scan_next(sc, want, &b, err)) || !b->n) break;
    if (!(rc = write_batch(&o, r, b, err)) && o.rows >= max_rows) rc = finish_file(&o, r, err);
  }
  if (!rc && o.w) rc = finish_file(&o, r, err);
  if (o.w) {
    lf_writer_abort(o.w);
    free(r->ids[r->n]);
    free(r->vers[r->n]);
  }
  free(o.ver);
  for (int i = 0; !rc && o.stable && i < r->n; i++) {
    lf_new_fragment *f = &r->frags[i];
    f->row_ids = r->ids[i];
    f->created_at = r->vers[i], f->last_updated = r->vers[i] + f->physical_rows;
  }
  for (int i = 0; !rc && i < r->n; i++) r->frags[i].files = &r->files[i];
  if (rc) lf_rewrite_reset(r, st, lf_dataset_root(ds), 1);
  lf_scan_free(sc);
  free(skip);
  free(fields);
  return rc;
}
