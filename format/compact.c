/*
** compact.c: owns lf_compact, compaction as Lance plans and commits it:
**   plan   walk the fragments in order; a fragment is a candidate when it
**          has fewer than target_rows physical rows, or (materialize
**          deletions) more than threshold of its rows deleted; runs of
**          adjacent candidates form groups, a group closed when its live rows
**          reach target_rows; a group of one fragment is kept only when it
**          has deletions to materialize (rewriting it alone gains nothing
**          else), as Lance's planner does;
**   write  each group's live rows copied into new files of at most
**          target_rows rows (rewrite.c), row ids kept with stable row ids;
**   commit one Rewrite transaction (commit.c, LF_COMMIT_REWRITE): the new
**          fragments in place of the old, indexes untouched (the old
**          fragments stay in their bitmaps, so their rows count as deleted
**          there; the new ones are searched flat until the indexes are
**          optimized).  Old files stay for cleanup (older versions use them).
*/
#include "lf_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct plan {
  uint64_t *ids;           /* old fragment ids, group after group */
  int *start;              /* group g: ids[start[g] .. start[g + 1]) */
  int ngroups, nids;
} plan;

static void plan_reset(plan *p) {
  free(p->ids);
  free(p->start);
  memset(p, 0, sizeof *p);
}

/* Close the run [run_from, nids) as a group if it is worth rewriting. */
static void close_run(plan *p, int run_from, int has_dels) {
  int n = p->nids - run_from;
  if (n > 1 || (n == 1 && has_dels)) p->start[++p->ngroups] = p->nids;
  else p->nids = run_from;
}

static int make_plan(lf_dataset *ds, const lf_compact_opts *o, plan *p, lf_error *err) {
  int nf = lf_dataset_num_fragments(ds);
  memset(p, 0, sizeof *p);
  p->ids = malloc(((size_t)nf + 1) * sizeof *p->ids);
  p->start = calloc((size_t)nf + 2, sizeof *p->start);
  if (!p->ids || !p->start) return lf_err(err, LF_NOMEM, "out of memory");
  int run_from = 0, run_dels = 0;
  uint64_t run_rows = 0;
  for (int i = 0; i < nf; i++) {
    const lf_fragment *f = lf_dataset_fragment(ds, i);
    const uint32_t *del;
    size_t ndel;
    int rc = lf_dataset_deletions(ds, i, &del, &ndel, err);
    if (rc) return rc;
    int dels = o->materialize_deletions && ndel > 0 &&
               (double)ndel > o->deletion_threshold * (double)f->physical_rows;
    if (f->physical_rows >= o->target_rows && !dels) { /* not a candidate: ends the run */
      close_run(p, run_from, run_dels);
      run_from = p->nids, run_dels = 0, run_rows = 0;
      continue;
    }
    p->ids[p->nids++] = f->id;
    run_dels |= dels;
    run_rows += f->physical_rows - ndel;
    if (run_rows >= o->target_rows) {
      close_run(p, run_from, run_dels);
      run_from = p->nids, run_dels = 0, run_rows = 0;
    }
  }
  close_run(p, run_from, run_dels);
  return LF_OK;
}

static int check_dataset(lf_dataset *ds, const char *root, lf_error *err) {
  const lf_manifest *m = lf_dataset_manifest(ds);
  lf_index_meta *ix = NULL;
  int n = 0, rc;
  if (lf_dataset_stable_row_ids(ds)) {
    if ((rc = lf_manifest_indices(m, &ix, &n, err))) return rc;
    lf_indices_free(ix, n);
    if (n)
      return lf_err(err, LF_UNSUPPORTED, "%s: compacting a dataset with stable row ids and "
                    "indexes is not supported (the index fragment bitmaps would need remapping)",
                    root[0] ? root : ".");
  }
  return LF_OK;
}

int lf_compact(lf_store *s, const char *root, const lf_compact_opts *o, lf_compact_stats *st,
               lf_error *err) {
  memset(st, 0, sizeof *st);
  lf_dataset *ds = NULL;
  plan p = {0};
  lf_rewrite *rw = NULL;
  lf_rewrite_group *groups = NULL;
  lf_new_fragment *nf = NULL;
  int major, minor, done = 0;
  int rc = o->target_rows ? lf_dataset_open(s, root, 0, NULL, &ds, err)
                          : lf_err(err, LF_ARG, "target_rows_per_fragment must be positive");
  if (!rc) rc = check_dataset(ds, root, err);
  if (!rc) rc = make_plan(ds, o, &p, err);
  if (rc || !p.ngroups) goto out;
  lf_dataset_file_version(ds, &major, &minor);
  rw = calloc((size_t)p.ngroups, sizeof *rw);
  groups = calloc((size_t)p.ngroups, sizeof *groups);
  if (!rw || !groups) rc = lf_err(err, LF_NOMEM, "out of memory");
  int total = 0;
  for (int g = 0; !rc && g < p.ngroups; g++, done++) {
    int n = p.start[g + 1] - p.start[g];
    uint32_t *ids = malloc(((size_t)n + 1) * sizeof *ids);
    if (!ids) { rc = lf_err(err, LF_NOMEM, "out of memory"); break; }
    for (int k = 0; k < n; k++) ids[k] = (uint32_t)p.ids[p.start[g] + k];
    rc = lf_rewrite_fragments(ds, s, ids, (size_t)n, o->target_rows, major, minor, &rw[g], err);
    free(ids);
    total += rw[g].n;
  }
  if (!rc && !(nf = calloc((size_t)total + 1, sizeof *nf))) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int g = 0, at = 0; !rc && g < p.ngroups; g++) {
    if (rw[g].n) memcpy(nf + at, rw[g].frags, (size_t)rw[g].n * sizeof *nf);
    groups[g] = (lf_rewrite_group){p.ids + p.start[g], p.start[g + 1] - p.start[g], nf + at, rw[g].n};
    at += rw[g].n;
    st->fragments_removed += (uint64_t)groups[g].n_old;
    for (int k = 0; k < groups[g].n_old; k++)
      for (int i = 0; i < lf_dataset_num_fragments(ds); i++)
        if (lf_dataset_fragment(ds, i)->id == groups[g].old_ids[k])
          st->files_removed += (uint64_t)lf_dataset_fragment(ds, i)->n_files;
  }
  st->fragments_added = st->files_added = (uint64_t)total;
  if (!rc) {
    lf_commit_req req = {0};
    req.kind = LF_COMMIT_REWRITE;
    req.n_new = total;
    req.new_frags = nf;
    req.n_groups = p.ngroups;
    req.groups = groups;
    rc = lf_commit(s, root, lf_dataset_manifest(ds), &req, &st->version, err);
  }
out:
  for (int g = 0; rw && g < done; g++) lf_rewrite_reset(&rw[g], s, root, rc != LF_OK);
  if (rc) memset(st, 0, sizeof *st);
  free(rw);
  free(groups);
  free(nf);
  plan_reset(&p);
  lf_dataset_free(ds);
  return rc;
}
