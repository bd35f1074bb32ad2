/*
** scan.c: owns reading the live rows of a dataset snapshot: fragment by
** fragment, a projection of top-level fields in batches, with deletion
** vectors applied, fields a fragment lacks read as NULL, and each row's row
** id (stable, or the address fragment_id << 32 | offset) and address.  Also
** takes rows by row id.  Data files are matched to fields by field id.
*/
#include "lf_int.h"
#include "lf_table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct lf_scan {
  lf_dataset *ds;
  lf_store *store;
  int nf;                 /* projected fields */
  const lf_field **fields;
  lf_scan_batch batch;
  int frag;               /* current fragment, -1 before the first */
  uint64_t off;           /* next physical offset in it */
  lf_file **files;        /* open data files of the fragment */
  int nfiles;
  int *src_file, *src_field; /* per projected field: file and top-level index, -1 */
  const uint32_t *del;    /* deleted offsets of the fragment, ascending */
  size_t ndel, del_pos;
  uint64_t *live;         /* scratch: live offsets of a window */
  size_t cap_live;
  int view_k;             /* projected field read in place (lf_scan_view), or -1 */
  int parted;             /* lf_scan_part: only global physical rows [lim_lo, lim_hi) */
  uint64_t lim_lo, lim_hi, end; /* end: the current fragment's last row + 1 in the part */
  uint8_t *skip;          /* lf_scan_exclude: per fragment index, 1 = left out (or NULL) */
  struct ahead_frag *ahead; /* fragments a take opened and read ahead (take_ahead) */
  int nahead;
};

/* The data files of a fragment opened ahead of its take, their bytes staged. */
typedef struct ahead_frag {
  int frag;
  lf_file **files;
  int nfiles;
} ahead_frag;

#define AHEAD_MAX 64 /* fragments one take reads ahead at most */

static void free_files(lf_file **files, int n) {
  for (int i = 0; i < n; i++) lf_file_free(files[i]);
  free(files);
}

static void close_fragment(lf_scan *s) {
  free_files(s->files, s->nfiles);
  s->files = NULL;
  s->nfiles = 0;
}

/* Open the data files of fragment i (checked against its row count): files
** (calloc'd) and *n of them, also on error (free_files them). */
static int open_files(lf_scan *s, int i, lf_file ***files, int *n, lf_error *err) {
  const lf_fragment *fr = lf_dataset_fragment(s->ds, i);
  *n = 0;
  if (!(*files = calloc((size_t)fr->n_files + 1, sizeof **files)))
    return lf_err(err, LF_NOMEM, "out of memory");
  for (int j = 0; j < fr->n_files; j++) {
    char *path = NULL;
    int rc = lf_dataset_file_path(s->ds, &fr->files[j], &path, err);
    if (!rc) rc = lf_file_open(s->store, path, &(*files)[j], err);
    free(path);
    if (rc) return rc;
    *n = j + 1;
  }
  for (int j = 0; j < *n; j++)
    if (lf_file_num_rows((*files)[j]) != fr->physical_rows)
      return lf_err(err, LF_CORRUPT, "%s: %llu rows, fragment %llu has %llu",
                    lf_file_path((*files)[j]), (unsigned long long)lf_file_num_rows((*files)[j]),
                    (unsigned long long)fr->id, (unsigned long long)fr->physical_rows);
  return LF_OK;
}

/* Each projected field's file and top-level index among files (-1: none). */
static void map_fields(const lf_scan *s, lf_file **files, int n, int *src_file, int *src_field) {
  for (int k = 0; k < s->nf; k++) src_file[k] = src_field[k] = -1;
  for (int j = 0; j < n; j++) {
    const lf_schema *fs = lf_file_schema(files[j]);
    for (int k = 0; k < s->nf; k++)
      for (int t = 0; t < fs->n_fields; t++)
        if (fs->fields[t]->id == s->fields[k]->id) src_file[k] = j, src_field[k] = t;
  }
}

/* Open the data files of fragment i (or take those opened ahead) and map
** each projected field to one. */
static int open_fragment(lf_scan *s, int i, lf_error *err) {
  close_fragment(s);
  int rc = LF_OK, a = 0;
  while (a < s->nahead && s->ahead[a].frag != i) a++;
  if (a < s->nahead) {
    s->files = s->ahead[a].files, s->nfiles = s->ahead[a].nfiles;
    s->ahead[a] = s->ahead[--s->nahead];
  } else {
    rc = open_files(s, i, &s->files, &s->nfiles, err);
  }
  map_fields(s, s->files, s->nfiles, s->src_file, s->src_field);
  if (rc) return rc;
  s->ndel = 0;
  s->del_pos = 0;
  return lf_dataset_deletions(s->ds, i, &s->del, &s->ndel, err);
}

int lf_scan_open(lf_dataset *ds, lf_store *store, const int *fields, int nf, lf_scan **out,
                 lf_error *err) {
  *out = NULL;
  const lf_schema *sc = lf_dataset_schema(ds);
  lf_scan *s = calloc(1, sizeof *s);
  if (!s) return lf_err(err, LF_NOMEM, "out of memory");
  s->ds = ds;
  s->store = store;
  s->frag = -1;
  s->nf = nf;
  s->fields = calloc((size_t)nf + 1, sizeof *s->fields);
  s->src_file = calloc((size_t)nf + 1, sizeof *s->src_file);
  s->src_field = calloc((size_t)nf + 1, sizeof *s->src_field);
  s->batch.cols = calloc((size_t)nf + 1, sizeof *s->batch.cols);
  s->batch.views = calloc((size_t)nf + 1, sizeof *s->batch.views);
  s->view_k = -1;
  if (!s->fields || !s->src_file || !s->src_field || !s->batch.cols || !s->batch.views) {
    lf_scan_free(s);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (int k = 0; k < nf; k++) {
    if (fields[k] < 0 || fields[k] >= sc->n_fields) {
      lf_scan_free(s);
      return lf_err(err, LF_ARG, "scan: no field %d", fields[k]);
    }
    s->fields[k] = sc->fields[fields[k]];
    lf_array_init(&s->batch.cols[k], s->fields[k]);
  }
  *out = s;
  return LF_OK;
}

void lf_scan_free(lf_scan *s) {
  if (!s) return;
  close_fragment(s);
  for (int a = 0; a < s->nahead; a++) free_files(s->ahead[a].files, s->ahead[a].nfiles);
  free(s->ahead);
  for (int k = 0; s->batch.cols && k < s->nf; k++) lf_array_reset(&s->batch.cols[k]);
  free(s->batch.cols);
  free(s->batch.views);
  free(s->batch.rowids);
  free(s->batch.rowaddrs);
  free(s->fields);
  free(s->src_file);
  free(s->src_field);
  free(s->live);
  free(s->skip);
  free(s);
}

static int grow_u64(uint64_t **p, size_t *cap, size_t need) {
  if (need <= *cap && *p) return LF_OK;
  uint64_t *np = realloc(*p, (need + 1) * sizeof *np);
  if (!np) return LF_NOMEM;
  *p = np;
  *cap = need;
  return LF_OK;
}

static uint64_t u64_at(const lf_array *a, uint64_t i) {
  uint64_t v = 0;
  memcpy(&v, a->values + i * (uint64_t)lf_type_width(a->field), (size_t)lf_type_width(a->field));
  return v;
}

/* A null legacy blob is stored as the descriptor {position 1, size 0} (an
** empty one as {0, 0}; Lance's BlobFieldDecoder validity): such rows of a
** legacy blob field's descriptors become null.  2.1+ files mark them null
** already; 2.0 files have no other null. */
static int legacy_blob_nulls(lf_array *a, lf_error *err) {
  if (a->n_children != 2) return LF_OK;
  for (uint64_t i = 0; i < a->length; i++) {
    if (lf_array_is_null(a, i) || u64_at(&a->children[0], i) != 1 ||
        u64_at(&a->children[1], i) != 0)
      continue;
    if (!a->null_count) {
      if (lf_array_alloc_valid(a, a->length)) return lf_err(err, LF_NOMEM, "out of memory");
      memset(a->valid_buf, 1, a->length);
    }
    a->valid_buf[i] = 0;
    a->valid = a->valid_buf;
    a->null_count++;
  }
  return LF_OK;
}

/* Read ahead what the takes of rows[0..n) of the projected fields need,
** all the fragment's data files together (lf_files_take_prepare; released
** by release_takes). */
static int prepare_takes(lf_scan *s, const uint64_t *rows, size_t n, lf_error *err) {
  int *fl = malloc(((size_t)s->nf + 1) * sizeof *fl), nq = 0, m = 0, rc = LF_OK;
  lf_take_req *q = calloc((size_t)s->nfiles + 1, sizeof *q);
  if (!fl || !q) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int j = 0; fl && q && j < s->nfiles; j++) {
    int first = m;
    for (int k = 0; k < s->nf; k++)
      if (!s->batch.views[k] && s->src_file[k] == j) fl[m++] = s->src_field[k];
    if (m > first) q[nq++] = (lf_take_req){s->files[j], fl + first, m - first, rows, n};
  }
  if (fl && q && nq) rc = lf_files_take_prepare(q, nq, err);
  free(fl);
  free(q);
  return rc;
}

static void release_takes(lf_scan *s) {
  for (int j = 0; j < s->nfiles; j++) lf_file_take_release(s->files[j]);
}

/* Fill the batch with the given live offsets of the current fragment. */
static int fill_batch(lf_scan *s, const uint64_t *rows, size_t n, int contiguous,
                      lf_error *err) {
  lf_scan_batch *b = &s->batch;
  const lf_fragment *fr = lf_dataset_fragment(s->ds, s->frag);
  size_t cap = b->cap;
  if (grow_u64(&b->rowids, &cap, n) || grow_u64(&b->rowaddrs, &b->cap, n))
    return lf_err(err, LF_NOMEM, "out of memory");
  const lf_rowids *ids = NULL; /* stable row ids: the fragment's sequence */
  int rc = lf_dataset_row_ids(s->ds, s->frag, &ids, err);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    b->rowaddrs[i] = fr->id << 32 | rows[i];
    b->rowids[i] = ids ? lf_rowids_get(ids, rows[i]) : b->rowaddrs[i];
  }
  if (!contiguous && (rc = prepare_takes(s, rows, n, err))) return release_takes(s), rc;
  for (int k = 0; k < s->nf; k++) {
    lf_array *a = &b->cols[k];
    if (b->views[k]) {
      lf_array_clear(a); /* in place: nothing to decode */
    } else if (s->src_file[k] < 0) {
      lf_array_clear(a);
      rc = lf_array_append_nulls(a, n) ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
      lf_array_finish(a);
    } else if (contiguous) {
      rc = lf_file_read_range(s->files[s->src_file[k]], s->src_field[k], rows[0], rows[0] + n,
                              a, err);
    } else {
      rc = lf_file_take(s->files[s->src_file[k]], s->src_field[k], rows, n, a, err);
    }
    if (!rc && s->src_file[k] >= 0 && s->fields[k]->is_blob == 1) rc = legacy_blob_nulls(a, err);
    if (rc) break;
  }
  if (!contiguous) release_takes(s);
  if (rc) return rc;
  b->n = n;
  b->fragment_id = fr->id;
  return LF_OK;
}

/* Is row r of the open fragment deleted?  *pos walks the sorted deletion
** list forward; rows must be asked in ascending order from the same *pos. */
static int is_deleted(const lf_scan *s, size_t *pos, uint64_t r) {
  while (*pos < s->ndel && s->del[*pos] < r) (*pos)++;
  return *pos < s->ndel && s->del[*pos] == r;
}

void lf_scan_view(lf_scan *s, int k) { s->view_k = k >= 0 && k < s->nf ? k : -1; }

/* The physical rows [*lo, *hi) of fragment i that lie in the scan's part. */
static void part_rows(const lf_scan *s, int i, uint64_t *lo, uint64_t *hi) {
  uint64_t phys = lf_dataset_fragment(s->ds, i)->physical_rows, base = 0;
  *lo = 0;
  *hi = phys;
  if (!s->parted) return;
  for (int j = 0; j < i; j++) base += lf_dataset_fragment(s->ds, j)->physical_rows;
  *lo = s->lim_lo <= base ? 0 : s->lim_lo - base < phys ? s->lim_lo - base : phys;
  *hi = s->lim_hi <= base ? 0 : s->lim_hi - base < phys ? s->lim_hi - base : phys;
  if (*hi < *lo) *hi = *lo;
}

int lf_scan_exclude(lf_scan *s, const uint32_t *ids, size_t n, lf_error *err) {
  int nfr = lf_dataset_num_fragments(s->ds);
  if (!s->skip && !(s->skip = calloc((size_t)nfr + 1, 1))) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < nfr; i++)
    for (size_t j = 0; j < n; j++)
      if (lf_dataset_fragment(s->ds, i)->id == ids[j]) s->skip[i] = 1;
  return LF_OK;
}

int lf_scan_part(lf_scan *s, int part, int nparts, lf_error *err) {
  if (nparts < 1 || part < 0 || part >= nparts)
    return lf_err(err, LF_ARG, "scan: no part %d of %d", part, nparts);
  uint64_t total = 0;
  int nfr = lf_dataset_num_fragments(s->ds);
  for (int i = 0; i < nfr; i++) total += lf_dataset_fragment(s->ds, i)->physical_rows;
  s->parted = 1;
  uint64_t n = (uint64_t)nparts, q = total / n, r = total % n; /* total * p / n, exactly */
  s->lim_lo = q * (uint64_t)part + r * (uint64_t)part / n;
  s->lim_hi = q * (uint64_t)(part + 1) + r * (uint64_t)(part + 1) / n;
  for (int i = 0; i < nfr; i++) {
    uint64_t lo, hi;
    const uint32_t *del;
    size_t ndel;
    const lf_rowids *ids;
    part_rows(s, i, &lo, &hi);
    int rc = lo < hi ? lf_dataset_deletions(s->ds, i, &del, &ndel, err) : LF_OK;
    if (!rc && lo < hi) rc = lf_dataset_row_ids(s->ds, i, &ids, err);
    if (rc) return rc;
  }
  return LF_OK;
}

/* View mode: the run of live rows from p0 up to p1 or the next deleted row,
** the view field in place when its file allows (the run then ends with the
** view), else decoded. */
static int next_view(lf_scan *s, uint64_t p0, uint64_t p1, lf_error *err) {
  if (s->del_pos < s->ndel && s->del[s->del_pos] < p1) p1 = s->del[s->del_pos];
  int k = s->view_k, rc = LF_UNSUPPORTED;
  s->batch.views[k] = NULL;
  if (s->src_file[k] >= 0) {
    uint64_t w, n = 0;
    const uint8_t *p = NULL;
    lf_error e = {0};
    rc = lf_file_view(s->files[s->src_file[k]], s->src_field[k], p0, p1, &p, &w, &n, &e);
    if (rc == LF_OK) s->batch.views[k] = p, p1 = p0 + n;
    if (rc && rc != LF_UNSUPPORTED) return lf_err(err, rc, "%s", e.msg);
  }
  s->off = p1;
  if (grow_u64(&s->live, &s->cap_live, (size_t)(p1 - p0))) return lf_err(err, LF_NOMEM, "out of memory");
  for (uint64_t r = p0; r < p1; r++) s->live[r - p0] = r;
  return fill_batch(s, s->live, (size_t)(p1 - p0), 1, err);
}

/* Move to the next fragment with rows in the scan's part; 0 at the end. */
static int next_fragment(lf_scan *s, lf_error *err) {
  int nfr = lf_dataset_num_fragments(s->ds);
  for (;;) {
    if (s->frag + 1 >= nfr) {
      close_fragment(s);
      return 0;
    }
    uint64_t lo, hi;
    part_rows(s, ++s->frag, &lo, &hi);
    if (lo >= hi || (s->skip && s->skip[s->frag])) continue;
    s->off = lo;
    s->end = hi;
    int rc = open_fragment(s, s->frag, err);
    return rc ? -rc : 1;
  }
}

int lf_scan_next(lf_scan *s, uint64_t max_rows, const lf_scan_batch **out, lf_error *err) {
  *out = &s->batch;
  s->batch.n = 0;
  if (max_rows == 0) max_rows = 1;
  for (;;) {
    uint64_t phys = s->frag < 0 ? 0 : s->parted ? s->end : lf_dataset_fragment(s->ds, s->frag)->physical_rows;
    if (s->frag < 0 || s->off >= phys) {
      int r = next_fragment(s, err);
      if (r <= 0) return -r; /* end: n == 0 */
      continue;
    }
    uint64_t p0 = s->off, p1 = phys - p0 < max_rows ? phys : p0 + max_rows;
    if (s->view_k >= 0) {
      while (p0 < p1 && is_deleted(s, &s->del_pos, p0)) p0++;
      if (p0 < p1) return next_view(s, p0, p1, err);
      s->off = p1;
      continue;
    }
    s->off = p1;
    if (grow_u64(&s->live, &s->cap_live, (size_t)(p1 - p0))) return lf_err(err, LF_NOMEM, "out of memory");
    size_t n = 0;
    for (uint64_t r = p0; r < p1; r++) {
      if (!is_deleted(s, &s->del_pos, r)) s->live[n++] = r;
    }
    if (n == 0) continue;
    return fill_batch(s, s->live, n, n == p1 - p0, err);
  }
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The open files of fragment frag: the current ones, those opened ahead,
** or newly opened (added to s->ahead); NULL files when AHEAD_MAX are open. */
static int ahead_files(lf_scan *s, int frag, lf_file ***files, int *n, lf_error *err) {
  *files = NULL, *n = 0;
  if (frag == s->frag && s->files) return *files = s->files, *n = s->nfiles, LF_OK;
  for (int a = 0; a < s->nahead; a++)
    if (s->ahead[a].frag == frag) return *files = s->ahead[a].files, *n = s->ahead[a].nfiles, LF_OK;
  if (s->nahead >= AHEAD_MAX) return LF_OK;
  if (!s->ahead && !(s->ahead = calloc(AHEAD_MAX, sizeof *s->ahead)))
    return lf_err(err, LF_NOMEM, "out of memory");
  int rc = open_files(s, frag, files, n, err);
  if (rc) {
    free_files(*files, *n);
    *files = NULL, *n = 0;
    return rc;
  }
  s->ahead[s->nahead++] = (ahead_frag){frag, *files, *n};
  return LF_OK;
}

/* Open fragment frags[i]'s files in a thread each (remote stores: their
** footers come in parallel), at most OPEN_WAVE at a time; add them to
** s->ahead.  Fragments open already are left out. */
#define OPEN_WAVE 16

typedef struct open_job {
  lf_scan *s;
  int frag, nfiles, rc;
  lf_file **files;
  lf_error err;
} open_job;

static void *open_job_run(void *arg) {
  open_job *j = arg;
  j->rc = open_files(j->s, j->frag, &j->files, &j->nfiles, &j->err);
  return NULL;
}

static int open_ahead(lf_scan *s, const int *frags, int n, lf_error *err) {
  open_job jobs[OPEN_WAVE];
  pthread_t th[OPEN_WAVE];
  int rc = LF_OK;
  if (!s->ahead && !(s->ahead = calloc(AHEAD_MAX, sizeof *s->ahead)))
    return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; !rc && i < n;) {
    int k = 0;
    for (; i < n && k < OPEN_WAVE && s->nahead + k < AHEAD_MAX; i++) {
      int open = frags[i] == s->frag && s->files;
      for (int a = 0; a < s->nahead && !open; a++) open = s->ahead[a].frag == frags[i];
      if (!open) jobs[k++] = (open_job){.s = s, .frag = frags[i]};
    }
    int started = 0;
    for (; started < k; started++)
      if (pthread_create(&th[started], NULL, open_job_run, &jobs[started])) break;
    for (int j = started; j < k; j++) open_job_run(&jobs[j]); /* no thread: here */
    for (int j = 0; j < started; j++) pthread_join(th[j], NULL);
    for (int j = 0; j < k; j++) {
      if (jobs[j].rc && !rc) rc = jobs[j].rc, *err = jobs[j].err;
      if (jobs[j].rc) free_files(jobs[j].files, jobs[j].nfiles);
      else s->ahead[s->nahead++] = (ahead_frag){jobs[j].frag, jobs[j].files, jobs[j].nfiles};
    }
    if (s->nahead >= AHEAD_MAX) break;
  }
  return rc;
}

/* (fragment, offset) of a row id */
typedef struct frag_row {
  uint64_t frag, off;
} frag_row;

static int cmp_frag_row(const void *a, const void *b) {
  const frag_row *x = a, *y = b;
  if (x->frag != y->frag) return x->frag < y->frag ? -1 : 1;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* Take requests for the rows of fr[0..n) (sorted), a fragment's run at a
** time, each file with the projected fields it holds (fields: scratch). */
static int ahead_reqs(lf_scan *s, const frag_row *fr, const uint64_t *offs, size_t n,
                      lf_take_req *q, int *nq, int *fields, lf_error *err) {
  int *src_file = fields + s->nf, *src_field = src_file + s->nf, rc = LF_OK;
  *nq = 0;
  for (size_t i = 0; !rc && i < n;) {
    size_t j = i;
    while (j < n && fr[j].frag == fr[i].frag) j++;
    lf_file **files;
    int nfiles;
    rc = ahead_files(s, (int)fr[i].frag, &files, &nfiles, err);
    map_fields(s, files, nfiles, src_file, src_field);
    for (int f = 0; !rc && f < nfiles; f++) {
      int m = 0, *fl = fields + 3 * s->nf + *nq * s->nf;
      for (int k = 0; k < s->nf; k++)
        if (!s->batch.views[k] && src_file[k] == f) fl[m++] = src_field[k];
      if (m) q[(*nq)++] = (lf_take_req){files[f], fl, m, offs + i, j - i};
    }
    i = j;
  }
  return rc;
}

/* Before the first of the takes of rowids[0..n) that span several
** fragments: open those fragments' files and read what all the takes need
** in one vectored read per round (lf_files_take_prepare); each take
** (fill_batch) then finds its bytes staged. */
static int take_ahead(lf_scan *s, const uint64_t *rowids, size_t n, lf_error *err) {
  frag_row *fr = malloc((n + 1) * sizeof *fr);
  uint64_t *offs = malloc((n + 1) * sizeof *offs);
  size_t m = 0, nfr = 0;
  int rc = fr && offs ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; !rc && i < n; i++) {
    int f;
    uint64_t off;
    if (!(rc = lf_dataset_locate(s->ds, rowids[i], &f, &off, err)) && f >= 0)
      fr[m++] = (frag_row){(uint64_t)f, off};
  }
  if (!rc) qsort(fr, m, sizeof *fr, cmp_frag_row);
  size_t k = 0;
  for (size_t i = 0; !rc && i < m; i++) {
    if (k && fr[k - 1].frag == fr[i].frag && fr[k - 1].off == fr[i].off) continue;
    nfr += !k || fr[k - 1].frag != fr[i].frag;
    fr[k] = fr[i], offs[k++] = fr[i].off;
  }
  int files_most = 0, *frags = calloc(nfr + 1, sizeof *frags), nf = 0;
  if (!rc && !frags) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; !rc && i < k; i++) /* take requests: at most one per file of each fragment */
    if (!i || fr[i].frag != fr[i - 1].frag) {
      files_most += lf_dataset_fragment(s->ds, (int)fr[i].frag)->n_files;
      frags[nf++] = (int)fr[i].frag;
    }
  if (!rc && nfr > 1) rc = open_ahead(s, frags, nf, err);
  free(frags);
  lf_take_req *q = NULL;
  int *fields = NULL, nq = 0;
  if (!rc && nfr > 1) {
    q = calloc((size_t)files_most + 1, sizeof *q);
    fields = calloc((size_t)(3 + files_most) * (size_t)s->nf + 1, sizeof *fields);
    rc = q && fields ? ahead_reqs(s, fr, offs, k, q, &nq, fields, err)
                     : lf_err(err, LF_NOMEM, "out of memory");
    if (!rc && nq) rc = lf_files_take_prepare(q, nq, err);
  }
  free(q), free(fields), free(fr), free(offs);
  return rc;
}

int lf_scan_take_fragment(lf_scan *s, uint64_t *rowids, size_t n, size_t *used,
                          const lf_scan_batch **out, lf_error *err) {
  /* rows of the first fragment any of rowids[0..n) falls in; the caller
  ** repeats with the rest (*used = how many row ids were consumed). */
  *out = &s->batch;
  s->batch.n = 0;
  *used = n;
  int frag = -1;
  size_t k = 0;
  if (n > 1 && !s->nahead) {
    int rc = take_ahead(s, rowids, n, err);
    if (rc) return rc;
  }
  if (grow_u64(&s->live, &s->cap_live, n)) return lf_err(err, LF_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    int f;
    uint64_t off;
    int rc = lf_dataset_locate(s->ds, rowids[i], &f, &off, err);
    if (rc) return rc;
    if (f < 0) continue;
    if (frag < 0) frag = f;
    if (f != frag) { /* another fragment: leave it and the rest for the next call */
      *used = i;
      break;
    }
    s->live[k++] = off;
  }
  if (frag < 0) return LF_OK;
  if (s->frag != frag) {
    s->frag = frag;
    int rc = open_fragment(s, frag, err);
    if (rc) return rc;
  }
  qsort(s->live, k, sizeof *s->live, cmp_u64);
  size_t m = 0; /* drop duplicates and deleted rows */
  for (size_t i = 0, d = 0; i < k; i++) {
    if ((m && s->live[m - 1] == s->live[i]) || is_deleted(s, &d, s->live[i])) continue;
    s->live[m++] = s->live[i];
  }
  s->off = UINT64_MAX; /* a take ends any scan in progress */
  return m ? fill_batch(s, s->live, m, 0, err) : LF_OK;
}

/* Side file of a blob v2: <data file without .lance>/<blob_id as 32 binary
** digits, least significant first>.blob */
static char *blob_side_path(const char *data_path, uint32_t blob_id) {
  size_t n = strlen(data_path);
  if (n > 6 && !strcmp(data_path + n - 6, ".lance")) n -= 6;
  char *p = malloc(n + 1 + 32 + 5 + 1);
  if (!p) return NULL;
  memcpy(p, data_path, n);
  p[n] = '/';
  for (int b = 0; b < 32; b++) p[n + 1 + b] = (char)('0' + ((blob_id >> b) & 1));
  strcpy(p + n + 33, ".blob");
  return p;
}

int lf_scan_blob(lf_scan *s, int k, uint64_t i, uint8_t **out, uint64_t *len, lf_error *err) {
  *out = NULL;
  *len = 0;
  const lf_array *d = &s->batch.cols[k];
  if (k < 0 || k >= s->nf || s->src_file[k] < 0 || !s->fields[k]->is_blob || i >= s->batch.n)
    return lf_err(err, LF_ARG, "scan: field %d row %llu is not a blob", k, (unsigned long long)i);
  const char *path = lf_file_path(s->files[s->src_file[k]]);
  uint64_t kind = 0, pos, size, id = 0;
  if (d->n_children == 2) { /* legacy {position, size} */
    pos = u64_at(&d->children[0], i), size = u64_at(&d->children[1], i);
  } else if (d->n_children == 5) { /* v2 {kind, position, size, blob_id, blob_uri} */
    kind = u64_at(&d->children[0], i), pos = u64_at(&d->children[1], i);
    size = u64_at(&d->children[2], i), id = u64_at(&d->children[3], i);
  } else {
    return lf_err(err, LF_CORRUPT, "%s: blob descriptor with %d fields", path, d->n_children);
  }
  if (kind > 2)
    return lf_err(err, LF_UNSUPPORTED, "%s: blob kind %llu (external URI) is not supported yet",
                  path, (unsigned long long)kind);
  int rc;
  if (kind == 0) { /* in the data file, whose size the open file knows */
    rc = lf_file_read(s->files[s->src_file[k]], pos, size, out, "blob", err);
  } else { /* in a side file */
    char *side = blob_side_path(path, (uint32_t)id);
    if (!side) return lf_err(err, LF_NOMEM, "out of memory");
    uint64_t fsize = 0;
    rc = s->store->size(s->store, side, &fsize, err);
    if (!rc && (pos > fsize || size > fsize - pos))
      rc = lf_err(err, LF_CORRUPT, "%s: blob [%llu, +%llu) is outside the file (%llu bytes)", side,
                  (unsigned long long)pos, (unsigned long long)size, (unsigned long long)fsize);
    if (!rc) rc = lf_store_read_alloc(s->store, side, pos, (size_t)size, out, err);
    free(side);
  }
  if (!rc) *len = size;
  return rc;
}

int lf_scan_skip(lf_scan *s, uint64_t n, lf_error *err) {
  while (n > 0) {
    int nfr = lf_dataset_num_fragments(s->ds);
    if (s->frag < 0 || s->off >= lf_dataset_fragment(s->ds, s->frag)->physical_rows) {
      if (s->frag + 1 >= nfr) return LF_OK;
      const lf_fragment *next = lf_dataset_fragment(s->ds, s->frag + 1);
      const uint32_t *del = NULL;
      size_t ndel = 0;
      int rc = lf_dataset_deletions(s->ds, s->frag + 1, &del, &ndel, err);
      if (rc) return rc;
      uint64_t live = next->physical_rows - ndel;
      if (live <= n) { /* skip the whole fragment without opening its files */
        n -= live;
        s->frag++;
        s->off = next->physical_rows;
        continue;
      }
      s->frag++;
      s->off = 0;
      if ((rc = open_fragment(s, s->frag, err))) return rc;
    }
    /* inside a fragment: step over n live rows */
    uint64_t phys = lf_dataset_fragment(s->ds, s->frag)->physical_rows;
    while (n > 0 && s->off < phys) {
      if (!is_deleted(s, &s->del_pos, s->off)) n--;
      s->off++;
    }
  }
  return LF_OK;
}
