/*
** rowid_map.c: owns the row id -> row address lookup of a snapshot with
** stable row ids: which fragment and offset hold the live row that has a
** given row id.  table.c builds one per dataset on the first lookup
** (lf_dataset_locate), from every fragment's row id sequence (rowids.c)
** minus its deleted rows, so that a transaction that deletes or updates k
** rows of f fragments costs O(k log runs), not O(k f).
**
** The map is an array of runs sorted by first id: run r maps the ids
** [id, id + n) to the offsets [off, off + n) of fragment index frag.  Ids
** that follow each other at offsets that follow each other share a run: a
** range segment (what appends write) is one run, each deleted row splits
** its run, an array segment gives one run per stretch of consecutive ids.
** An id is live in at most one fragment (an updated row's id stays in the
** fragment it left, deleted there); one found live twice is corrupt.
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

/* Append run (id, n, off, frag), merged into the last run when it continues it. */
static int push_run(lf_rowid_map *m, uint64_t id, uint64_t n, uint64_t off, int frag,
                    lf_error *err) {
  if (!n) return LF_OK;
  lf_rowid_run *last = m->n ? &m->runs[m->n - 1] : NULL;
  if (last && last->frag == frag && id > last->id && id - last->id == last->n &&
      last->off + last->n == off) {
    last->n += n;
    return LF_OK;
  }
  if (m->n == m->cap) {
    size_t nc = m->cap ? 2 * m->cap : 64;
    lf_rowid_run *r = realloc(m->runs, nc * sizeof *r);
    if (!r) return lf_err(err, LF_NOMEM, "out of memory");
    m->runs = r;
    m->cap = nc;
  }
  m->runs[m->n++] = (lf_rowid_run){id, n, off, frag};
  return LF_OK;
}

/* The ids start.. of offsets [o, end) (a range segment), minus the deleted
** offsets del[*d..] (ascending; *d advances past those below end). */
static int add_range(lf_rowid_map *m, int frag, uint64_t start, uint64_t o, uint64_t end,
                     const uint32_t *del, size_t ndel, size_t *d, lf_error *err) {
  uint64_t o0 = o;
  while (o < end) {
    while (*d < ndel && del[*d] < o) (*d)++;
    uint64_t stop = *d < ndel && del[*d] < end ? del[*d] : end;
    int rc = push_run(m, start + (o - o0), stop - o, o, frag, err);
    if (rc) return rc;
    o = stop < end ? stop + 1 : end;
  }
  return LF_OK;
}

int lf_rowid_map_add(lf_rowid_map *m, int frag, const lf_rowids *ids, const uint32_t *del,
                     size_t ndel, lf_error *err) {
  size_t d = 0;
  for (int k = 0; k < ids->n_segs; k++) {
    const lf_rowid_seg *s = &ids->segs[k];
    uint64_t o = ids->seg_off[k];
    int rc = LF_OK;
    if (!s->vals) {
      rc = add_range(m, frag, s->start, o, o + s->n, del, ndel, &d, err);
    } else {
      for (uint64_t i = 0; !rc && i < s->n; i++, o++) {
        while (d < ndel && del[d] < o) d++;
        if (d < ndel && del[d] == o) continue;
        rc = push_run(m, s->vals[i], 1, o, frag, err);
      }
    }
    if (rc) return rc;
  }
  return LF_OK;
}

static int cmp_run(const void *a, const void *b) {
  const lf_rowid_run *x = a, *y = b;
  return x->id < y->id ? -1 : x->id > y->id;
}

int lf_rowid_map_finish(lf_rowid_map *m, size_t *bad) {
  if (m->n) qsort(m->runs, m->n, sizeof *m->runs, cmp_run);
  for (size_t r = 1; r < m->n; r++)
    if (m->runs[r].id - m->runs[r - 1].id < m->runs[r - 1].n) /* r starts inside r - 1 */
      return *bad = r, LF_CORRUPT;
  return LF_OK;
}

int lf_rowid_map_find(const lf_rowid_map *m, uint64_t id, int *frag, uint64_t *off) {
  size_t lo = 0, hi = m->n; /* first run whose id is > id */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->runs[mid].id <= id) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0 || id - m->runs[lo - 1].id >= m->runs[lo - 1].n) return 0;
  const lf_rowid_run *r = &m->runs[lo - 1];
  *frag = r->frag;
  *off = r->off + (id - r->id);
  return 1;
}

void lf_rowid_map_reset(lf_rowid_map *m) {
  free(m->runs);
  memset(m, 0, sizeof *m);
}
