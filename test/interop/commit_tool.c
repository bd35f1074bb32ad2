/*
** commit_tool.c: a command-line driver of lf_commit and the tag functions,
** for the interop tests (test/interop/commit_run.sh, commit_check.mjs): it
** commits to datasets LanceDB wrote, reusing copies of their data files as
** new fragments, and prints what this library reads back.
**   commit-tool append  DIR FRAG_INDEX            copy fragment #i's files, append
**   commit-tool delete  DIR FRAG_ID LO-HI[,...]   delete offsets (ranges inclusive)
**   commit-tool update  DIR FRAG_ID LO-HI[,...] FRAG_INDEX   delete + append
**   commit-tool restore DIR VERSION
**   commit-tool create  NEWDIR SRCDIR             a new dataset: SRCDIR's schema and
**                                                  a copy of its fragment #0
**   commit-tool tag-create|tag-update DIR NAME VERSION;  tag-delete DIR NAME
**   commit-tool ids     DIR [VERSION]             "version N", then "id rowid" lines
**   commit-tool race    DIR SECONDS FRAG_INDEX    append until SECONDS pass; prints
**                                                  "acked ROWS" (rows of successful commits)
** Prints "version N" after a commit; exit status 1 and the error on failure
** (the error code name first, e.g. "CONFLICT: ...").
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lf_int.h"
#include "lf_write.h"

static lf_store *g_store;

static int fail(int rc, const lf_error *err) {
  fprintf(stderr, "%s: %s\n", lf_code_name(rc), err->msg);
  return 1;
}

/* Copy fragment #idx's data files of ds under fresh names into nf / files. */
static int copy_fragment(lf_dataset *ds, const char *dir, int idx, lf_new_fragment *nf,
                         lf_data_file *files, lf_error *err) {
  const lf_fragment *fr = lf_dataset_fragment(ds, idx);
  if (!fr || fr->n_files > 8) return lf_err(err, LF_ARG, "no fragment #%d (or too many files)", idx);
  memset(nf, 0, sizeof *nf);
  for (int k = 0; k < fr->n_files; k++) {
    char *src, name[80], rel[128];
    uint64_t size;
    uint8_t *d;
    int rc = lf_dataset_file_path(ds, &fr->files[k], &src, err);
    if (!rc) rc = g_store->size(g_store, src, &size, err);
    if (!rc) rc = lf_store_read_alloc(g_store, src, 0, (size_t)size, &d, err);
    free(src);
    if (rc) return rc;
    snprintf(name, sizeof name, "%016llx%016llx.lance", (unsigned long long)lf_random_u64(),
             (unsigned long long)lf_random_u64());
    snprintf(rel, sizeof rel, "%s/data/%s", dir, name);
    rc = g_store->put(g_store, rel, d, (size_t)size, 1, err);
    free(d);
    if (rc) return rc;
    files[k] = fr->files[k];
    files[k].path = strdup(name);
  }
  nf->n_files = fr->n_files;
  nf->files = files;
  nf->physical_rows = fr->physical_rows;
  return LF_OK;
}

/* "LO-HI,..." into ascending offsets. */
static uint32_t *parse_offsets(const char *s, size_t *n) {
  size_t cap = 16;
  uint32_t *v = malloc(cap * sizeof *v);
  *n = 0;
  while (v && *s) {
    char *e;
    unsigned long lo = strtoul(s, &e, 10), hi = lo;
    if (*e == '-') hi = strtoul(e + 1, &e, 10);
    for (unsigned long x = lo; x <= hi; x++) {
      if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
      if (!v) return NULL;
      v[(*n)++] = (uint32_t)x;
    }
    s = *e == ',' ? e + 1 : e;
    if (e == s && *s) break;
  }
  return v;
}

static int do_write(const char *dir, int argc, char **argv, int kind, uint64_t *v, lf_error *err) {
  lf_dataset *ds;
  int rc = lf_dataset_open(g_store, dir, 0, NULL, &ds, err);
  if (rc) return rc;
  lf_commit_req r = {.kind = LF_COMMIT_WRITE};
  lf_new_fragment nf;
  lf_data_file files[8];
  lf_frag_delete d = {0};
  uint32_t *offs = NULL;
  int copy_arg = kind == 'a' ? 0 : kind == 'u' ? 2 : -1, copied = 0;
  if (kind == 'd' || kind == 'u') {
    if (argc < 2) rc = lf_err(err, LF_ARG, "usage: FRAG_ID OFFSETS");
    else if (!(offs = parse_offsets(argv[1], &d.n))) rc = lf_err(err, LF_NOMEM, "out of memory");
    d.fragment_id = strtoull(argv[0], NULL, 10);
    d.offsets = offs;
    r.n_del = 1, r.dels = &d;
  }
  if (!rc && copy_arg >= 0) {
    if (argc <= copy_arg) rc = lf_err(err, LF_ARG, "usage: ... FRAG_INDEX");
    else if (!(rc = copy_fragment(ds, dir, atoi(argv[copy_arg]), &nf, files, err))) copied = 1;
    r.n_new = 1, r.new_frags = &nf;
  }
  if (kind == 'r') {
    r.kind = LF_COMMIT_RESTORE;
    r.restore_version = argc ? strtoull(argv[0], NULL, 10) : 0;
  }
  if (!rc) rc = lf_commit(g_store, dir, lf_dataset_manifest(ds), &r, v, err);
  for (int k = 0; copied && k < nf.n_files; k++) free(files[k].path);
  free(offs);
  lf_dataset_free(ds);
  return rc;
}

static int do_create(const char *dir, const char *src, uint64_t *v, lf_error *err) {
  lf_dataset *ds;
  int rc = lf_dataset_open(g_store, src, 0, NULL, &ds, err);
  if (rc) return rc;
  lf_new_fragment nf;
  lf_data_file files[8];
  char rel[512];
  snprintf(rel, sizeof rel, "%s", dir);
  rc = copy_fragment(ds, rel, 0, &nf, files, err);
  lf_commit_req r = {.kind = LF_COMMIT_CREATE, .schema = lf_dataset_schema(ds), .data_version = "2.2",
                     .v2_paths = 1, .stable_row_ids = lf_dataset_stable_row_ids(ds), .n_new = 1,
                     .new_frags = &nf};
  if (!rc) {
    rc = lf_commit(g_store, dir, NULL, &r, v, err);
    for (int k = 0; k < nf.n_files; k++) free(files[k].path);
  }
  lf_dataset_free(ds);
  return rc;
}

static int do_ids(const char *dir, uint64_t version, lf_error *err) {
  lf_dataset *ds;
  lf_scan *sc;
  const lf_scan_batch *b;
  int field = 0;
  int rc = lf_dataset_open(g_store, dir, version, NULL, &ds, err);
  if (rc) return rc;
  if (!(rc = lf_scan_open(ds, g_store, &field, 1, &sc, err))) {
    printf("version %llu\n", (unsigned long long)lf_dataset_version(ds));
    while (!(rc = lf_scan_next(sc, 4096, &b, err)) && b->n)
      for (uint64_t i = 0; i < b->n; i++)
        printf("%d %llu\n", ((const int32_t *)b->cols[0].values)[i], (unsigned long long)b->rowids[i]);
    lf_scan_free(sc);
  }
  lf_dataset_free(ds);
  return rc;
}

static int do_race(const char *dir, double seconds, int idx) {
  struct timespec t0, t;
  unsigned long long acked = 0, conflicts = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do {
    lf_error err = {0};
    uint64_t v;
    char arg[16], *argv[1] = {arg};
    snprintf(arg, sizeof arg, "%d", idx);
    lf_dataset *ds;
    int rc = do_write(dir, 1, argv, 'a', &v, &err);
    if (!rc && !lf_dataset_open(g_store, dir, v, NULL, &ds, &err)) {
      acked += lf_dataset_fragment(ds, lf_dataset_num_fragments(ds) - 1)->physical_rows;
      lf_dataset_free(ds);
    } else if (rc) {
      conflicts++;
      fprintf(stderr, "race: %s\n", err.msg);
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
  } while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
  printf("acked %llu failed %llu\n", acked, conflicts);
  return 0;
}

int main(int argc, char **argv) {
  lf_error err = {0};
  uint64_t v = 0;
  int rc;
  if (argc < 3) {
    fprintf(stderr, "usage: commit-tool append|delete|update|restore|create|tag-create|"
                    "tag-update|tag-delete|ids|race DIR ...\n");
    return 2;
  }
  const char *cmd = argv[1], *dir = argv[2];
  if ((rc = lf_store_local_new("", &g_store, &err))) return fail(rc, &err);
  int n = argc - 3;
  char **a = argv + 3;
  if (!strcmp(cmd, "append")) rc = do_write(dir, n, a, 'a', &v, &err);
  else if (!strcmp(cmd, "delete")) rc = do_write(dir, n, a, 'd', &v, &err);
  else if (!strcmp(cmd, "update")) rc = do_write(dir, n, a, 'u', &v, &err);
  else if (!strcmp(cmd, "restore")) rc = do_write(dir, n, a, 'r', &v, &err);
  else if (!strcmp(cmd, "create") && n == 1) rc = do_create(dir, a[0], &v, &err);
  else if (!strcmp(cmd, "tag-create") && n == 2) rc = lf_tag_create(g_store, dir, a[0], strtoull(a[1], NULL, 10), &err);
  else if (!strcmp(cmd, "tag-update") && n == 2) rc = lf_tag_update(g_store, dir, a[0], strtoull(a[1], NULL, 10), &err);
  else if (!strcmp(cmd, "tag-delete") && n == 1) rc = lf_tag_delete(g_store, dir, a[0], &err);
  else if (!strcmp(cmd, "ids")) rc = do_ids(dir, n ? strtoull(a[0], NULL, 10) : 0, &err);
  else if (!strcmp(cmd, "race") && n == 2) rc = do_race(dir, atof(a[0]), atoi(a[1]));
  else rc = lf_err(&err, LF_ARG, "unknown command or wrong arguments: %s", cmd);
  if (!rc && v) printf("version %llu\n", (unsigned long long)v);
  lf_store_free(g_store);
  return rc ? fail(rc, &err) : 0;
}
