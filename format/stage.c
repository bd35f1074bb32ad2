/*
** stage.c: owns the bytes a take reads ahead of decoding.  The take
** planners (decode_page.c) list the byte ranges a take of a file will read;
** lf_stage_fetch merges them into spans and reads the spans not held yet
** with one vectored read (lf_store_read_many: parallel, coalesced requests
** on a remote store), keeping them in f->stage, sorted by offset.
** lf_file_read and lf_file_read_into serve a range from the stage when one
** span holds all of it, else read the store as before: staging never
** changes what is decoded, only when the bytes arrive.
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

#define STAGE_MAX ((uint64_t)256 << 20) /* bytes one batch stages at most; more: read on demand */

typedef struct stage_span {
  uint64_t off, len;
  uint8_t *data;
} stage_span;

struct lf_stage {
  stage_span *s;
  size_t n, cap;
  uint64_t bytes;
};

int lf_rangeset_add(lf_rangeset *s, uint64_t off, uint64_t len) {
  if (s->n == s->cap) {
    size_t nc = s->cap ? 2 * s->cap : 64;
    lf_range *nr = realloc(s->r, nc * sizeof *nr);
    if (!nr) return LF_NOMEM;
    s->r = nr, s->cap = nc;
  }
  s->r[s->n++] = (lf_range){NULL, off, (size_t)len, NULL};
  return LF_OK;
}

void lf_rangeset_reset(lf_rangeset *s) {
  free(s->r);
  *s = (lf_rangeset){0};
}

/* The last span starting at or before off (spans sorted by off), or -1. */
static long span_at(const struct lf_stage *st, uint64_t off) {
  size_t lo = 0, hi = st->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (st->s[mid].off <= off) lo = mid + 1;
    else hi = mid;
  }
  return (long)lo - 1;
}

/* The span holding all of [off, off+len): spans may overlap (another round
** staged a wider range), so a few before the nearest are tried too. */
static const stage_span *span_holding(const struct lf_stage *st, uint64_t off, uint64_t len) {
  for (long i = span_at(st, off), t = 0; i >= 0 && t < 8; i--, t++)
    if (off >= st->s[i].off && off + len <= st->s[i].off + st->s[i].len) return &st->s[i];
  return NULL;
}

int lf_stage_get(const lf_file *f, uint64_t off, uint64_t len, void *dst) {
  const stage_span *sp = f->stage ? span_holding(f->stage, off, len) : NULL;
  if (!sp) return 0;
  if (len) memcpy(dst, sp->data + (off - sp->off), (size_t)len);
  return 1;
}

static int cmp_span(const void *a, const void *b) {
  const stage_span *x = a, *y = b;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* Spans of the wanted ranges of f (inside the file, not staged yet), merged
** where they touch, appended to *out (ranges of f->path, dst unset). */
static int new_spans(lf_file *f, const lf_rangeset *rs, lf_rangeset *out) {
  lf_rangeset want = {0};
  for (size_t i = 0; i < rs->n; i++) {
    const lf_range *r = &rs->r[i];
    if (!r->len || r->off > f->size || r->len > f->size - r->off) continue;
    if (f->stage && span_holding(f->stage, r->off, r->len)) continue;
    if (lf_rangeset_add(&want, r->off, r->len)) return lf_rangeset_reset(&want), LF_NOMEM;
  }
  size_t *order = NULL, ns = 0, n0 = out->n;
  lf_span *sp = NULL;
  for (size_t i = 0; i < want.n; i++) want.r[i].path = f->path;
  int rc = lf_ranges_coalesce(want.r, want.n, 0, &order, &sp, &ns);
  lf_rangeset_reset(&want);
  free(order);
  for (size_t i = 0; !rc && i < ns; i++)
    rc = lf_rangeset_add(out, sp[i].off, sp[i].end - sp[i].off);
  for (size_t i = n0; !rc && i < out->n; i++) out->r[i].path = f->path;
  free(sp);
  return rc;
}

/* Keep the read spans r[0..n) (their dst buffers taken over) in f->stage. */
static int stage_keep(lf_file *f, lf_range *r, size_t n) {
  if (!n) return LF_OK;
  if (!f->stage && !(f->stage = calloc(1, sizeof *f->stage))) return LF_NOMEM;
  struct lf_stage *st = f->stage;
  if (st->n + n > st->cap) {
    size_t nc = st->n + n + 16;
    stage_span *ns = realloc(st->s, nc * sizeof *ns);
    if (!ns) return LF_NOMEM;
    st->s = ns, st->cap = nc;
  }
  for (size_t i = 0; i < n; i++) {
    st->s[st->n++] = (stage_span){r[i].off, r[i].len, r[i].dst};
    st->bytes += r[i].len;
    r[i].dst = NULL;
  }
  qsort(st->s, st->n, sizeof *st->s, cmp_span);
  return LF_OK;
}

int lf_stage_fetch(lf_file **files, const lf_rangeset *sets, int nfiles, lf_error *err) {
  lf_rangeset all = {0};
  size_t *first = calloc((size_t)nfiles + 1, sizeof *first); /* files[i]'s spans start here */
  int rc = first ? LF_OK : LF_NOMEM;
  uint64_t bytes = 0;
  for (int i = 0; !rc && i < nfiles; i++) {
    first[i] = all.n;
    uint64_t held = files[i]->stage ? files[i]->stage->bytes : 0, mine = 0;
    rc = new_spans(files[i], &sets[i], &all);
    for (size_t k = first[i]; !rc && k < all.n; k++) mine += all.r[k].len;
    if (!rc && held + bytes + mine > STAGE_MAX) all.n = first[i]; /* too much: read on demand */
    else bytes += mine;
  }
  if (!rc) first[nfiles] = all.n;
  for (size_t k = 0; !rc && k < all.n; k++)
    if (!(all.r[k].dst = malloc(all.r[k].len))) rc = LF_NOMEM;
  if (rc == LF_NOMEM) lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && all.n) rc = lf_store_read_many(files[0]->store, all.r, all.n, err);
  for (int i = 0; !rc && all.n && i < nfiles; i++)
    if (stage_keep(files[i], all.r + first[i], first[i + 1] - first[i]))
      rc = lf_err(err, LF_NOMEM, "out of memory");
  for (size_t k = 0; k < all.n; k++) free(all.r[k].dst);
  lf_rangeset_reset(&all);
  free(first);
  return rc;
}

void lf_stage_free(lf_file *f) {
  if (!f->stage) return;
  for (size_t i = 0; i < f->stage->n; i++) free(f->stage->s[i].data);
  free(f->stage->s);
  free(f->stage);
  f->stage = NULL;
}
