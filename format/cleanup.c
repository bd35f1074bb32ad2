/*
** cleanup.c: owns lf_cleanup, removing the versions older than a cutoff and
** the files only they use, as Lance's cleanup_old_versions does:
**   1. every version's manifest is read; a version is kept when it is the
**      latest, is tagged, or is not older than the cutoff (its timestamp);
**      a tagged one older than the cutoff is an error unless asked to keep
**      it (Lance's error_if_tagged_old_versions, on by default);
**   2. the files each version uses: data files (data/<path>), deletion files
**      (_deletions/<frag>-<rv>-<id>.*), its transaction file, its index
**      directories (_indices/<uuid>/), its row id sequence files;
**   3. the versions are listed again: a version committed meanwhile
**      restarts the whole (a new version may use any file);
**   4. the removed versions' manifests go first (a crash then leaves only
**      unreferenced files), then every file of data/, _deletions/,
**      _transactions/ and _indices/ that no kept version uses: when a removed
**      version used it, always; when no version does ("unverified": e.g. the
**      files of a transaction not committed yet, or of one that crashed)
**      only with delete_unverified (Lance also removes those older than 7
**      days; this store interface has no file times, so they stay).
** A file a kept version uses is never removed.
*/
#include "lf_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct strset {
  char **v;
  size_t n, cap;
  int sorted;
} strset;

static int set_add(strset *s, const char *a, const char *b) {
  if (s->n == s->cap) {
    size_t nc = s->cap ? 2 * s->cap : 256;
    char **nv = realloc(s->v, nc * sizeof *nv);
    if (!nv) return LF_NOMEM;
    s->v = nv;
    s->cap = nc;
  }
  size_t la = strlen(a), lb = strlen(b);
  char *z = malloc(la + lb + 1);
  if (!z) return LF_NOMEM;
  memcpy(z, a, la);
  memcpy(z + la, b, lb + 1);
  s->v[s->n++] = z;
  s->sorted = 0;
  return LF_OK;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int set_has(strset *s, const char *z) {
  if (!s->n) return 0;
  if (!s->sorted) qsort(s->v, s->n, sizeof *s->v, cmp_str), s->sorted = 1;
  return bsearch(&z, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

static void set_reset(strset *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* The files manifest m uses, into s (paths relative to the root). */
static int add_refs(const lf_manifest *m, strset *s, lf_error *err) {
  int rc = LF_OK;
  for (int i = 0; !rc && i < m->n_fragments; i++) {
    const lf_fragment *f = &m->fragments[i];
    for (int k = 0; !rc && k < f->n_files; k++) rc = set_add(s, "data/", f->files[k].path);
    if (!rc && f->deletion.present) {
      char name[128];
      lf_deletion_name(name, sizeof name, f->id, &f->deletion);
      rc = set_add(s, "", name);
    }
    const lf_seq_ref *seq[3] = {&f->row_ids, &f->last_updated, &f->created_at};
    for (int k = 0; !rc && k < 3; k++)
      if (seq[k]->path) rc = set_add(s, "", seq[k]->path);
  }
  if (!rc && m->transaction_file && m->transaction_file[0])
    rc = set_add(s, "_transactions/", m->transaction_file);
  lf_index_meta *ix = NULL;
  int n = 0;
  if (!rc && (rc = lf_manifest_indices(m, &ix, &n, err))) return rc;
  for (int i = 0; !rc && i < n; i++)
    if (ix[i].uuid[0]) rc = set_add(s, "_indices/", ix[i].uuid);
  lf_indices_free(ix, n);
  return rc == LF_NOMEM ? lf_err(err, LF_NOMEM, "out of memory") : rc;
}

typedef struct scan_state {
  strset kept, removed;
  uint64_t *gone;            /* versions removed */
  size_t ngone;
  uint64_t latest;
} scan_state;

static void state_reset(scan_state *st) {
  set_reset(&st->kept);
  set_reset(&st->removed);
  free(st->gone);
  memset(st, 0, sizeof *st);
}

static int is_tagged(const lf_tag *tags, size_t nt, uint64_t v) {
  for (size_t i = 0; i < nt; i++)
    if (tags[i].version == v) return 1;
  return 0;
}

/* The tags of versions older than the cutoff, as Lance names them in its error. */
static int tagged_error(const char *root, const lf_tag *tags, size_t nt, const uint64_t *old,
                        size_t nold, lf_error *err) {
  char list[400] = "";
  size_t n = 0, at = 0;
  for (size_t i = 0; i < nt; i++)
    for (size_t k = 0; k < nold; k++)
      if (tags[i].version == old[k]) {
        n++;
        if (at < sizeof list - 80)
          at += (size_t)snprintf(list + at, sizeof list - at, "%s%s (version %" PRIu64 ")",
                                 at ? ", " : "", tags[i].name, tags[i].version);
      }
  return lf_err(err, LF_ARG, "%s: %zu tagged version(s) are older than the cutoff: %s; delete "
                "the tags, or pass error_if_tagged_old_versions=false to keep them",
                root[0] ? root : ".", n, list);
}

/* Steps 1 and 2. */
static int classify(lf_store *s, const char *root, int64_t cutoff_ns, int error_if_tagged,
                    scan_state *st, lf_error *err) {
  uint64_t *old_tagged = NULL;
  size_t n_old_tagged = 0;
  uint64_t *vs = NULL;
  size_t nv = 0, nt = 0;
  lf_tag *tags = NULL;
  int rc = lf_dataset_versions(s, root, &vs, &nv, err);
  if (!rc) rc = lf_dataset_tags(s, root, &tags, &nt, err);
  if (!rc && (!(st->gone = malloc((nv + 1) * sizeof *st->gone)) ||
              !(old_tagged = malloc((nv + 1) * sizeof *old_tagged))))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  st->latest = nv ? vs[nv - 1] : 0;
  for (size_t i = 0; !rc && i < nv; i++) {
    lf_manifest m;
    if ((rc = lf_dataset_read_manifest(s, root, vs[i], &m, err))) break;
    int young = vs[i] == st->latest || m.timestamp_ns >= cutoff_ns;
    int keep = young || is_tagged(tags, nt, vs[i]);
    if (!young && keep) old_tagged[n_old_tagged++] = vs[i];
    if (!keep) st->gone[st->ngone++] = vs[i];
    rc = add_refs(&m, keep ? &st->kept : &st->removed, err);
    lf_manifest_reset(&m);
  }
  if (!rc && n_old_tagged && error_if_tagged)
    rc = tagged_error(root, tags, nt, old_tagged, n_old_tagged, err);
  lf_tags_free(tags, nt);
  free(old_tagged);
  free(vs);
  return rc;
}

typedef struct walk {
  lf_store *s;
  const char *root, *dir;    /* dir: "data/", "_indices/<uuid>/" ... */
  const char *owner;         /* _indices: the directory that decides, else NULL */
  scan_state *st;
  int delete_unverified;
  strset doomed;
  lf_cleanup_stats *stats;
} walk;

static int collect(void *ctx, const char *name) {
  walk *w = ctx;
  char rel[512];
  snprintf(rel, sizeof rel, "%s%s", w->dir, name);
  const char *key = w->owner ? w->owner : rel;
  if (set_has(&w->st->kept, key)) return LF_OK;
  if (!set_has(&w->st->removed, key) && !w->delete_unverified) return LF_OK;
  return set_add(&w->doomed, "", rel);
}

static int collect_indices(void *ctx, const char *name) {
  walk *w = ctx, sub = *w;
  char dir[256], owner[256];
  snprintf(dir, sizeof dir, "_indices/%s/", name);
  snprintf(owner, sizeof owner, "_indices/%s", name);
  sub.dir = dir;
  sub.owner = owner;
  char *path = lf_path_join(w->root, owner);
  if (!path) return LF_NOMEM;
  lf_error e = {0};
  int rc = w->s->list(w->s, path, collect, &sub, &e);
  free(path);
  w->doomed = sub.doomed;
  return rc == LF_NOTFOUND ? LF_OK : rc;
}

/* Step 4: remove the manifests of removed versions, then the files. */
static int remove_all(walk *w, lf_error *err) {
  static const char *const dirs[] = {"data/", "_deletions/", "_transactions/"};
  int rc = LF_OK;
  for (size_t i = 0; !rc && i < 3; i++) {
    char *path = lf_path_join(w->root, dirs[i]);
    w->dir = dirs[i];
    rc = path ? w->s->list(w->s, path, collect, w, err) : LF_NOMEM;
    free(path);
    if (rc == LF_NOTFOUND) rc = LF_OK;
  }
  char *ipath = lf_path_join(w->root, "_indices");
  if (!rc) rc = ipath ? w->s->list(w->s, ipath, collect_indices, w, err) : LF_NOMEM;
  free(ipath);
  if (rc == LF_NOTFOUND) rc = LF_OK;
  for (size_t i = 0; !rc && i < w->st->ngone; i++) {
    char *p = NULL;
    if (lf_find_manifest(w->s, w->root, w->st->gone[i], &p, err) == LF_OK) {
      rc = w->s->remove(w->s, p, err);
      if (rc == LF_NOTFOUND) rc = LF_OK;
    }
    free(p);
    w->stats->old_versions++;
  }
  for (size_t i = 0; !rc && i < w->doomed.n; i++) {
    char *p = lf_path_join(w->root, w->doomed.v[i]);
    uint64_t size = 0;
    lf_error e = {0};
    if (!p) return lf_err(err, LF_NOMEM, "out of memory");
    if (w->s->size(w->s, p, &size, &e) == LF_OK && w->s->remove(w->s, p, &e) == LF_OK) {
      w->stats->bytes_removed += size;
      w->stats->files_removed++;
    }
    free(p);
  }
  return rc == LF_NOMEM ? lf_err(err, LF_NOMEM, "out of memory") : rc;
}

int lf_cleanup(lf_store *s, const char *root, const lf_cleanup_opts *o, lf_cleanup_stats *stats,
               lf_error *err) {
  memset(stats, 0, sizeof *stats);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  int64_t cutoff = now - o->older_than_s * 1000000000;
  int rc = LF_CONFLICT;
  for (int attempt = 0; attempt < 5 && rc == LF_CONFLICT; attempt++) {
    scan_state st = {0};
    rc = classify(s, root, cutoff, o->error_if_tagged, &st, err);
    uint64_t *vs = NULL;
    size_t nv = 0;
    if (!rc) rc = lf_dataset_versions(s, root, &vs, &nv, err);
    if (!rc && (!nv || vs[nv - 1] != st.latest))
      rc = lf_err(err, LF_CONFLICT, "%s: version %" PRIu64 " was committed during the cleanup",
                  root[0] ? root : ".", nv ? vs[nv - 1] : 0);
    free(vs);
    if (!rc) {
      walk w = {s, root, NULL, NULL, &st, o->delete_unverified, {0}, stats};
      rc = remove_all(&w, err);
      set_reset(&w.doomed);
    }
    state_reset(&st);
  }
  return rc;
}
