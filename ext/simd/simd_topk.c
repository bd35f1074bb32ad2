/*
** simd_topk.c: the streaming top-k selector (simd_topk_*; contract in
** simd.h).  A bounded max-heap over the caller's buffer: the root is the
** worst item kept, a push that beats it replaces it (O(log k)); finish
** heap-sorts in place into ascending order.  No allocation.
*/
#include "simd/simd_int.h"

/* The total order: dist ascending, NaN last, ties by smaller rowid. */
static int item_less(const simd_topk_item *x, const simd_topk_item *y) {
  int xn = isnan(x->dist), yn = isnan(y->dist);
  if (xn != yn) return yn;
  if (!xn && x->dist != y->dist) return x->dist < y->dist;
  return x->rowid < y->rowid;
}

static void sift_down(simd_topk_item *a, size_t n, size_t i) {
  simd_topk_item v = a[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && item_less(&a[c], &a[c + 1])) c++;
    if (!item_less(&v, &a[c])) break;
    a[i] = a[c];
    i = c;
  }
  a[i] = v;
}

static void sift_up(simd_topk_item *a, size_t i) {
  simd_topk_item v = a[i];
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!item_less(&a[p], &v)) break;
    a[i] = a[p];
    i = p;
  }
  a[i] = v;
}

void simd_topk_init(simd_topk *t, simd_topk_item *a, size_t k) {
  t->a = a;
  t->k = k;
  t->n = 0;
}

void simd_topk_push(simd_topk *t, float dist, int64_t rowid) {
  simd_topk_item v = {dist, rowid};
  if (t->n < t->k) {
    t->a[t->n] = v;
    sift_up(t->a, t->n++);
  } else if (t->k > 0 && item_less(&v, &t->a[0])) {
    t->a[0] = v;
    sift_down(t->a, t->n, 0);
  }
}

void simd_topk_push_many(simd_topk *t, const float *dist, size_t n, int64_t first_rowid) {
  for (size_t i = 0; i < n; i++) simd_topk_push(t, dist[i], first_rowid + (int64_t)i);
}

size_t simd_topk_finish(simd_topk *t) {
  for (size_t m = t->n; m > 1; m--) { /* move the max to the end, shrink */
    simd_topk_item top = t->a[0];
    t->a[0] = t->a[m - 1];
    t->a[m - 1] = top;
    sift_down(t->a, m - 1, 0);
  }
  return t->n;
}
