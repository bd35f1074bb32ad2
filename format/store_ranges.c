/*
** store_ranges.c: owns vectored reads over any store (store.h):
** lf_ranges_coalesce, which merges the ranges of one read_many into spans
** (sorted by offset, joined where less than a gap apart), and
** lf_store_read_many, which calls the store's read_many or, for stores
** without one, reads the ranges one by one.
*/
#include "store.h"

#include <stdlib.h>
#include <string.h>

/* Sort context: qsort has none, so the indices sort by a copy of the offsets. */
typedef struct ord {
  const char *path;
  uint64_t off;
  size_t i;
} ord;

static int cmp_ord(const void *a, const void *b) {
  const ord *x = a, *y = b;
  int c = x->path == y->path ? 0 : strcmp(x->path, y->path);
  if (c) return c;
  if (x->off != y->off) return x->off < y->off ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

int lf_ranges_coalesce(const lf_range *r, size_t n, uint64_t gap, size_t **order,
                       lf_span **spans, size_t *nspans) {
  *order = NULL;
  *spans = NULL;
  *nspans = 0;
  ord *o = malloc((n ? n : 1) * sizeof *o);
  size_t *ix = malloc((n ? n : 1) * sizeof *ix);
  lf_span *sp = malloc((n ? n : 1) * sizeof *sp);
  if (!o || !ix || !sp) {
    free(o), free(ix), free(sp);
    return LF_NOMEM;
  }
  for (size_t i = 0; i < n; i++) o[i] = (ord){r[i].path, r[i].off, i};
  qsort(o, n, sizeof *o, cmp_ord);
  size_t ns = 0;
  for (size_t k = 0; k < n; k++) {
    const lf_range *x = &r[o[k].i];
    uint64_t end = x->off + x->len;
    ix[k] = o[k].i;
    /* joins the open span when it starts within gap of the span's end */
    if (ns && (sp[ns - 1].path == x->path || !strcmp(sp[ns - 1].path, x->path)) &&
        (x->off <= sp[ns - 1].end || x->off - sp[ns - 1].end < gap)) {
      if (end > sp[ns - 1].end) sp[ns - 1].end = end;
      sp[ns - 1].count++;
    } else {
      sp[ns++] = (lf_span){x->path, x->off, end, k, 1};
    }
  }
  free(o);
  *order = ix;
  *spans = sp;
  *nspans = ns;
  return LF_OK;
}

int lf_store_read_many(lf_store *s, const lf_range *r, size_t n, lf_error *err) {
  if (s->read_many) return s->read_many(s, r, n, err);
  for (size_t i = 0; i < n; i++) {
    int rc = s->read(s, r[i].path, r[i].off, r[i].len, r[i].dst, err);
    if (rc) return rc;
  }
  return LF_OK;
}
