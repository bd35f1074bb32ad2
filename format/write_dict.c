/*
** write_dict.c: owns dictionary encoding of a variable-width page (strings,
** binary) for the mini-block writer (write_page.c), as LanceDB's
** PrimitiveStructuralEncoder does it (primitive.rs should_dictionary_encode,
** dict.rs dictionary_encode).
**
** When: the page has at least 100 value slots and the estimated encoded
** size, distinct * (average value bytes + offset bytes) + slots * offset
** bytes, is below 0.8 of the raw size (value bytes + slots * offset bytes);
** the field metadata lance-encoding:dict-size-ratio (a decimal in (0, 1], as
** Lance reads it) replaces 0.8.
** Null slots are empty values and take a dictionary entry like any other.
**
** What it makes (MiniBlockLayout 4 dictionary, 5 num_dictionary_items):
**   indices: one per value slot, the entry's position in first-seen order,
**     u32 (u64 for 64-bit offsets), native order; write_page.c stores them
**     as the page's mini-block values (bitpacked when smaller);
**   dictionary buffer (page buffer 2), the Variable block layout
**     decompress.c block_variable reads:
**       [bits per offset: u32 32 | u64 64][bytes start: u32 | u64]
**       [distinct + 1 offsets, counted from the first value byte][bytes]
**     encoding Variable {1 offsets: Flat {1 32|64}};
**   in 2.2, when that buffer is larger than 32 KiB, it is compressed whole
**     with LZ4 (general.c: u32 size prefix + LZ4 block) and the encoding is
**     General {1 {1 scheme LZ4}, 3 values: the Variable above}.
*/
#include "codec.h"
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

#define DICT_MIN_VALUES 100
#define DICT_RATIO_DEFAULT 800000 /* encoded < 0.8 of raw, in millionths */
#define DICT_GENERAL_MIN ((size_t)32 << 10)

static uint64_t slot_start(const lf_wpage *p, uint64_t k) {
  return k ? lf_le64(p->offs.p + 8 * (k - 1)) : 0;
}

static uint64_t hash_bytes(const uint8_t *s, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15u ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdu;
    h ^= h >> 32;
  }
  uint64_t t = 0;
  for (size_t k = 0; i + k < n; k++) t |= (uint64_t)s[i + k] << (8 * k);
  h = (h ^ t) * 0xc4ceb9fe1a85ec53u;
  return h ^ (h >> 29);
}

typedef struct dtab {
  uint32_t *slot; /* entry + 1 per hash slot, 0 = empty */
  uint64_t mask;
  uint64_t *first; /* per entry: the value slot that introduced it */
  uint64_t n;
} dtab;

/* Entry of value slot k, adding it when new; UINT64_MAX when out of memory. */
static uint64_t dtab_find(dtab *t, const lf_wpage *p, uint64_t k) {
  uint64_t s = slot_start(p, k), len = slot_start(p, k + 1) - s;
  const uint8_t *v = p->vals.p + s;
  for (uint64_t h = hash_bytes(v, (size_t)len) & t->mask;; h = (h + 1) & t->mask) {
    uint32_t e = t->slot[h];
    if (!e) {
      t->first[t->n] = k;
      t->slot[h] = (uint32_t)++t->n;
      return t->n - 1;
    }
    uint64_t f = t->first[e - 1], fs = slot_start(p, f);
    if (slot_start(p, f + 1) - fs == len && !memcmp(p->vals.p + fs, v, (size_t)len)) return e - 1;
  }
}

/* The dictionary buffer (Variable block) of the entries in t. */
static void put_items(lf_buf *b, const lf_wpage *p, const dtab *t) {
  unsigned w = p->var64 ? 8 : 4;
  uint64_t start = 2 * w + (t->n + 1) * w, o = 0;
  if (w == 8) lf_buf_u64le(b, 64), lf_buf_u64le(b, start), lf_buf_u64le(b, 0);
  else lf_buf_u32le(b, 32), lf_buf_u32le(b, (uint32_t)start), lf_buf_u32le(b, 0);
  for (uint64_t e = 0; e < t->n; e++) {
    uint64_t f = t->first[e];
    o += slot_start(p, f + 1) - slot_start(p, f);
    if (w == 8) lf_buf_u64le(b, o);
    else lf_buf_u32le(b, (uint32_t)o);
  }
  for (uint64_t e = 0; e < t->n; e++) {
    uint64_t f = t->first[e], s = slot_start(p, f);
    lf_buf_put(b, p->vals.p + s, (size_t)(slot_start(p, f + 1) - s));
  }
}

/* The Variable {1 offsets: Flat {1 bits}} arm of a CompressiveEncoding. */
static void put_variable_arm(lf_buf *b, unsigned bits) {
  size_t v = lf_pbw_begin(b), o = lf_pbw_begin(b), f = lf_pbw_begin(b);
  lf_pbw_uint(b, 1, bits);
  lf_pbw_end(b, 1, f);
  lf_pbw_end(b, 1, o);
  lf_pbw_end(b, 2, v);
}

/* 2.2: LZ4 the dictionary buffer when large; its CompressiveEncoding (the
** message body) into d->ce. */
static void finish_items(lf_wdict *d, const lf_wpage *p, int minor) {
  unsigned bits = p->var64 ? 64 : 32;
  uint8_t *z = NULL;
  size_t zlen = 0;
  if (minor < 2 || d->items.len <= DICT_GENERAL_MIN ||
      lf_general_compress(LF_GENERAL_LZ4, 0, d->items.p, d->items.len, &z, &zlen, NULL) ||
      zlen >= d->items.len) {
    free(z);
    put_variable_arm(&d->ce, bits);
    return;
  }
  lf_buf_clear(&d->items);
  lf_buf_put(&d->items, z, zlen);
  free(z);
  lf_buf *c = &d->ce;
  size_t g = lf_pbw_begin(c), bc = lf_pbw_begin(c);
  lf_pbw_uint(c, 1, LF_GENERAL_LZ4);
  lf_pbw_end(c, 1, bc);
  size_t v = lf_pbw_begin(c);
  put_variable_arm(c, bits);
  lf_pbw_end(c, 3, v);
  lf_pbw_end(c, 10, g);
}

/* Upper bound on distinct values for the dictionary to pay (0: never). */
static uint64_t max_distinct(const lf_wpage *p) {
  uint64_t w = p->var64 ? 8 : 4, n = p->n_vals, data = p->vals.len;
  uint64_t raw = data + n * w, avg = data / n;
  uint64_t ratio = p->dict_ratio ? p->dict_ratio : DICT_RATIO_DEFAULT;
  uint64_t budget = (uint64_t)((double)raw * (double)ratio / 1e6);
  if (budget <= n * w) return 0;
  uint64_t m = (budget - n * w + avg + w - 1) / (avg + w); /* card * (avg + w) < budget - n w */
  return m > 0xfffffffeu ? 0xfffffffeu : m;
}

int lf_wdict_build(const lf_wpage *p, int minor, lf_wdict *d) {
  if (p->kind != LF_WV_VAR || p->n_vals < DICT_MIN_VALUES) return 0;
  uint64_t maxd = max_distinct(p);
  if (maxd == 0) return 0;
  dtab t = {0};
  uint64_t cap = 16;
  while (cap < 2 * (maxd < p->n_vals ? maxd : p->n_vals)) cap <<= 1;
  t.mask = cap - 1;
  t.slot = calloc(cap, sizeof *t.slot);
  t.first = malloc(sizeof *t.first * (maxd < p->n_vals ? maxd + 1 : p->n_vals + 1));
  unsigned w = p->var64 ? 8 : 4;
  lf_buf_clear(&d->idx);
  int rc = !t.slot || !t.first || lf_buf_reserve(&d->idx, (size_t)p->n_vals * w) ? -1 : 1;
  for (uint64_t k = 0; rc == 1 && k < p->n_vals; k++) {
    uint64_t e = dtab_find(&t, p, k);
    if (t.n > maxd) rc = 0;
    else if (w == 8) memcpy(d->idx.p + 8 * k, &e, 8);
    else {
      uint32_t e32 = (uint32_t)e;
      memcpy(d->idx.p + 4 * k, &e32, 4);
    }
  }
  if (rc == 1) {
    d->idx.len = (size_t)p->n_vals * w;
    d->n_items = t.n;
    lf_buf_clear(&d->items);
    lf_buf_clear(&d->ce);
    put_items(&d->items, p, &t);
    finish_items(d, p, minor);
    if (d->items.rc || d->ce.rc) rc = -1;
  }
  free(t.slot);
  free(t.first);
  return rc;
}

void lf_wdict_reset(lf_wdict *d) {
  lf_buf_reset(&d->idx);
  lf_buf_reset(&d->items);
  lf_buf_reset(&d->ce);
}
