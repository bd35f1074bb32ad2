/*
** rowset.c: owns lf_rowset, a set of 64-bit row ids kept as one Roaring
** bitmap (CRoaring) per upper 32 bits, sorted by those bits, and the parser
** of the row sets Lance stores in its scalar indexes.
**
** Lance's serialized RowAddrTreeMap (every integer little-endian):
**   u32  num_entries
**   then num_entries times, by ascending key:
**     u32  key          the upper 32 bits of the row ids (the fragment id
**                       when row ids are row addresses)
**     u32  size         bytes of the bitmap that follows; 0 = no bitmap:
**                       every lower 32-bit value ("the whole fragment")
**     u8   bitmap[size] a Roaring bitmap in the portable format (the lower
**                       32 bits of the row ids)
** The bytes must end exactly after the last entry.  A whole entry is kept as
** a NULL bitmap (never materialized: 2^32 values), until lf_rowset_limit
** bounds it by the fragment's row count.
*/
#include <stdlib.h>
#include <string.h>

#include <roaring/roaring.h>

#include "scalar.h"

struct lf_rowset {
  size_t n, cap;
  uint32_t *hi;
  roaring_bitmap_t **lo;   /* NULL: every lower value */
};

lf_rowset *lf_rowset_new(void) { return calloc(1, sizeof(lf_rowset)); }

void lf_rowset_free(lf_rowset *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n; i++)
    if (s->lo[i]) roaring_bitmap_free(s->lo[i]);
  free(s->hi);
  free(s->lo);
  free(s);
}

/* Index of the entry for hi, or where it would go (*found = 0). */
static size_t find(const lf_rowset *s, uint32_t hi, int *found) {
  size_t a = 0, b = s->n;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (s->hi[m] < hi) a = m + 1;
    else b = m;
  }
  *found = a < s->n && s->hi[a] == hi;
  return a;
}

/* The entry of hi, created with an empty bitmap when missing; -1 when out of
** memory. */
static long slot(lf_rowset *s, uint32_t hi) {
  int found;
  size_t at = find(s, hi, &found);
  if (found) return (long)at;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    uint32_t *h = realloc(s->hi, cap * sizeof *h);
    if (!h) return -1;
    s->hi = h;
    roaring_bitmap_t **l = realloc(s->lo, cap * sizeof *l);
    if (!l) return -1;
    s->lo = l;
    s->cap = cap;
  }
  roaring_bitmap_t *r = roaring_bitmap_create();
  if (!r) return -1;
  memmove(s->hi + at + 1, s->hi + at, (s->n - at) * sizeof *s->hi);
  memmove(s->lo + at + 1, s->lo + at, (s->n - at) * sizeof *s->lo);
  s->hi[at] = hi;
  s->lo[at] = r;
  s->n++;
  return (long)at;
}

int lf_rowset_add(lf_rowset *s, uint64_t id) {
  long at = slot(s, (uint32_t)(id >> 32));
  if (at < 0) return LF_NOMEM;
  if (s->lo[at]) roaring_bitmap_add(s->lo[at], (uint32_t)id);
  return LF_OK;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* ids[0..n) in any order, over few upper-bit values: per value, its lower
** bits gathered and added at once (CRoaring finds the container of each);
** 0 when there are too many values for this (then the caller sorts). */
static int add_few_keys(lf_rowset *s, const uint64_t *ids, size_t n, int *rc) {
  uint32_t keys[16];
  int nk = 0;
  for (size_t k = 0; k < n; k++) {
    uint32_t hi = (uint32_t)(ids[k] >> 32);
    int j = 0;
    while (j < nk && keys[j] != hi) j++;
    if (j == nk && nk == 16) return 0;
    if (j == nk) keys[nk++] = hi;
  }
  uint32_t *lo = malloc((n ? n : 1) * sizeof *lo);
  if (!lo) return *rc = LF_NOMEM, 1;
  for (int j = 0; j < nk && !*rc; j++) {
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
      if ((uint32_t)(ids[k] >> 32) == keys[j]) lo[m++] = (uint32_t)ids[k];
    long at = slot(s, keys[j]);
    if (at < 0) *rc = LF_NOMEM;
    else if (s->lo[at]) roaring_bitmap_add_many(s->lo[at], m, lo);
  }
  free(lo);
  return 1;
}

int lf_rowset_add_many(lf_rowset *s, uint64_t *ids, size_t n) {
  size_t sorted = 1;
  while (sorted < n && ids[sorted - 1] <= ids[sorted]) sorted++;
  int rc = LF_OK;
  if (sorted < n && add_few_keys(s, ids, n, &rc)) return rc;
  if (sorted < n) qsort(ids, n, sizeof *ids, cmp_u64); /* sorted: each container appended to, not shifted */
  uint32_t lo[256];
  for (size_t k = 0; k < n;) {
    long at = slot(s, (uint32_t)(ids[k] >> 32));
    if (at < 0) return LF_NOMEM;
    uint32_t hi = (uint32_t)(ids[k] >> 32);
    while (k < n && (uint32_t)(ids[k] >> 32) == hi) {
      size_t m = 0;
      for (; k < n && m < 256 && (uint32_t)(ids[k] >> 32) == hi; k++) lo[m++] = (uint32_t)ids[k];
      if (s->lo[at]) roaring_bitmap_add_many(s->lo[at], m, lo);
    }
  }
  return LF_OK;
}

/* Entry at becomes whole. */
static void make_whole(lf_rowset *s, size_t at) {
  if (s->lo[at]) roaring_bitmap_free(s->lo[at]);
  s->lo[at] = NULL;
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int lf_rowset_add_treemap(lf_rowset *s, const uint8_t *d, size_t n, lf_error *err) {
  if (n < 4) return lf_err(err, LF_CORRUPT, "row set: %zu bytes, too short for its entry count", n);
  uint32_t entries = rd32(d);
  size_t at = 4;
  for (uint32_t e = 0; e < entries; e++) {
    if (n - at < 8)
      return lf_err(err, LF_CORRUPT, "row set: entry %u of %u: truncated at byte %zu", e, entries, at);
    uint32_t key = rd32(d + at), size = rd32(d + at + 4);
    at += 8;
    if (size > n - at)
      return lf_err(err, LF_CORRUPT, "row set: entry %u: bitmap of %u bytes past the end (%zu left)",
                    e, size, n - at);
    long slot_at = slot(s, key);
    if (slot_at < 0) return lf_err(err, LF_NOMEM, "out of memory");
    if (size == 0) { /* every lower value */
      make_whole(s, (size_t)slot_at);
      continue;
    }
    if (size < 8 || roaring_bitmap_portable_deserialize_size((const char *)d + at, size) != size)
      return lf_err(err, LF_CORRUPT, "row set: entry %u: bad Roaring bitmap (%u bytes)", e, size);
    roaring_bitmap_t *r = roaring_bitmap_portable_deserialize_safe((const char *)d + at, size);
    if (!r) return lf_err(err, LF_CORRUPT, "row set: entry %u: bad Roaring bitmap (%u bytes)", e, size);
    if (s->lo[slot_at]) roaring_bitmap_or_inplace(s->lo[slot_at], r);
    roaring_bitmap_free(r);
    at += size;
  }
  if (at != n) return lf_err(err, LF_CORRUPT, "row set: %zu bytes after its %u entries", n - at, entries);
  return LF_OK;
}

int lf_rowset_and(lf_rowset *a, const lf_rowset *b) {
  size_t w = 0;
  for (size_t i = 0; i < a->n; i++) {
    int found;
    size_t j = find(b, a->hi[i], &found);
    if (found && b->lo[j] && !a->lo[i]) { /* whole AND some: that some */
      if (!(a->lo[i] = roaring_bitmap_copy(b->lo[j]))) return LF_NOMEM;
    } else if (found && b->lo[j]) {
      roaring_bitmap_and_inplace(a->lo[i], b->lo[j]);
    }
    if (!found || (a->lo[i] && roaring_bitmap_is_empty(a->lo[i]))) {
      if (a->lo[i]) roaring_bitmap_free(a->lo[i]);
      continue;
    }
    a->hi[w] = a->hi[i];
    a->lo[w++] = a->lo[i];
  }
  a->n = w;
  return LF_OK;
}

int lf_rowset_or(lf_rowset *a, const lf_rowset *b) {
  for (size_t j = 0; j < b->n; j++) {
    long at = slot(a, b->hi[j]);
    if (at < 0) return LF_NOMEM;
    if (!b->lo[j]) make_whole(a, (size_t)at);
    else if (a->lo[at]) roaring_bitmap_or_inplace(a->lo[at], b->lo[j]);
  }
  return LF_OK;
}

uint64_t lf_rowset_count(const lf_rowset *s) {
  uint64_t c = 0;
  for (size_t i = 0; i < s->n; i++) c += s->lo[i] ? roaring_bitmap_get_cardinality(s->lo[i]) : (uint64_t)1 << 32;
  return c;
}

int lf_rowset_contains(const lf_rowset *s, uint64_t id) {
  int found;
  size_t i = find(s, (uint32_t)(id >> 32), &found);
  return found && (!s->lo[i] || roaring_bitmap_contains(s->lo[i], (uint32_t)id));
}

int lf_rowset_limit(lf_rowset *s, uint32_t hi, uint64_t n) {
  int found;
  size_t i = find(s, hi, &found);
  if (!found || n >= (uint64_t)1 << 32) return LF_OK;
  if (!s->lo[i]) {
    if (!(s->lo[i] = roaring_bitmap_create())) return LF_NOMEM;
    roaring_bitmap_add_range(s->lo[i], 0, n);
  } else {
    roaring_bitmap_remove_range_closed(s->lo[i], (uint32_t)n, UINT32_MAX);
  }
  return LF_OK;
}

int lf_rowset_array(const lf_rowset *s, uint64_t **out, size_t *n) {
  uint64_t total = lf_rowset_count(s);
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < s->n; i++)
    if (!s->lo[i]) return LF_UNSUPPORTED; /* a whole entry: lf_rowset_limit first */
  if (!total) return LF_OK;
  uint64_t *a = malloc(total * sizeof *a);
  uint32_t *tmp = NULL;
  size_t cap = 0, k = 0;
  for (size_t i = 0; a && i < s->n; i++) {
    uint64_t c = roaring_bitmap_get_cardinality(s->lo[i]);
    if (c > cap) {
      free(tmp);
      if (!(tmp = malloc(c * sizeof *tmp))) break;
      cap = c;
    }
    roaring_bitmap_to_uint32_array(s->lo[i], tmp);
    for (uint64_t j = 0; j < c; j++) a[k++] = (uint64_t)s->hi[i] << 32 | tmp[j];
  }
  free(tmp);
  if (!a || k != total) {
    free(a);
    return LF_NOMEM;
  }
  *out = a;
  *n = k;
  return LF_OK;
}
