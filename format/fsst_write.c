/*
** fsst_write.c: owns FSST encoding (the inverse of fsst.c): training a
** symbol table on a sample of a page's strings and compressing them.
**
** Writes the layout fsst.c documents: the symbol table is LF_FSST_TABLE_BYTES
** bytes, [u64 LE header: magic "FSST" << 32 | 1 << 24 (encoder switch on)
** | n_symbols][n u64 LE symbols, bytes from the low byte][n lengths, 1..8]
** [zeros]; a compressed string is a sequence of codes, c < 255 standing for
** symbol c and 255 (escape) followed by one literal byte.
**
** Training (the greedy construction of the FSST paper, Boncz, Neumann,
** Leis, VLDB 2020, kept simple): a deterministic sample of whole strings
** (every k-th string, about 16 KiB) is compressed FSST_GENERATIONS times
** with the table so far; each time every emitted code (escapes count as
** one-byte candidates) and every pair of adjacent codes (their
** concatenation cut to 8 bytes) is counted, gain = count * length, and the
** 255 best candidates form the next table.
**
** Matching (both for training and for the output): at each position the
** symbol of length >= 3 stored in a 1024-bucket hash of the next 3 bytes
** (one symbol per bucket: a candidate whose bucket is taken is dropped),
** when it matches; else the 2-byte symbol of the next two bytes, else the
** 1-byte symbol, else an escape.  Every code decodes to exactly the bytes
** it consumed, so the output is correct whatever the table.
*/
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#define FSST_GENERATIONS 5
#define FSST_SAMPLE_BYTES 16384
#define FSST_MAX_SYMBOLS 255
#define HASH_BITS 10
#define NCODES 512 /* 0..254 symbols, 256 + b the escaped byte b */

typedef struct fenc {
  uint64_t sym[FSST_MAX_SYMBOLS];
  uint8_t len[FSST_MAX_SYMBOLS];
  unsigned n;
  uint16_t byte_code[256];     /* (1 << 9) | code for one byte */
  uint16_t short_code[65536];  /* (len << 9) | code for the next two bytes */
  struct { uint64_t val; uint16_t code; uint8_t len; } hash[1 << HASH_BITS];
} fenc;

static uint64_t mask_of(unsigned len) {
  return len >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * len)) - 1;
}

static unsigned hash3(uint64_t w) {
  return (unsigned)((((w & 0xffffff) * 0x9E3779B1u) >> 15) & ((1u << HASH_BITS) - 1));
}

/* Try to add symbol (val, len); 0 when its hash bucket is taken. */
static int fenc_add(fenc *e, uint64_t val, unsigned len) {
  val &= mask_of(len);
  if (len >= 3) {
    unsigned h = hash3(val);
    if (e->hash[h].len) return 0;
    e->hash[h].val = val, e->hash[h].len = (uint8_t)len, e->hash[h].code = (uint16_t)e->n;
  }
  e->sym[e->n] = val;
  e->len[e->n++] = (uint8_t)len;
  return 1;
}

/* Index the table for matching; symbols are already in e->sym (hash set). */
static void fenc_index(fenc *e) {
  for (unsigned b = 0; b < 256; b++) e->byte_code[b] = (uint16_t)(1u << 9 | (256 + b));
  for (unsigned i = 0; i < e->n; i++)
    if (e->len[i] == 1) e->byte_code[e->sym[i] & 255] = (uint16_t)(1u << 9 | i);
  for (unsigned v = 0; v < 65536; v++) e->short_code[v] = e->byte_code[v & 255];
  for (unsigned i = 0; i < e->n; i++)
    if (e->len[i] == 2) e->short_code[e->sym[i] & 0xffff] = (uint16_t)(2u << 9 | i);
}

static void fenc_clear(fenc *e) {
  e->n = 0;
  memset(e->hash, 0, sizeof e->hash);
}

/* The code at s[0..left) (left >= 1): (len << 9) | code. */
static unsigned next_code(const fenc *e, const uint8_t *s, size_t left) {
  uint64_t w = 0;
  memcpy(&w, s, left < 8 ? left : 8);
  if (left >= 3) {
    unsigned h = hash3(w);
    unsigned len = e->hash[h].len;
    if (len && len <= left && ((w ^ e->hash[h].val) & mask_of(len)) == 0)
      return (len << 9) | e->hash[h].code;
  }
  return left >= 2 ? e->short_code[w & 0xffff] : e->byte_code[w & 255];
}

/* Compress one string into out (room for 2 * n bytes); returns bytes written. */
static size_t compress_one(const fenc *e, const uint8_t *s, size_t n, uint8_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    unsigned c = next_code(e, s + i, n - i), code = c & 511;
    if (code >= 256) out[o++] = LF_FSST_ESC, out[o++] = (uint8_t)(code - 256);
    else out[o++] = (uint8_t)code;
    i += c >> 9;
  }
  return o;
}

/* ---- training ---------------------------------------------------------------- */

typedef struct cand {
  uint64_t val, gain;
  uint8_t len;
} cand;

static int cand_cmp(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->gain != y->gain) return x->gain > y->gain ? -1 : 1;
  if (x->len != y->len) return x->len > y->len ? -1 : 1;
  return x->val < y->val ? -1 : x->val > y->val;
}

static void code_bytes(const fenc *e, unsigned code, uint64_t *val, unsigned *len) {
  if (code >= 256) *val = code - 256, *len = 1;
  else *val = e->sym[code], *len = e->len[code];
}

typedef struct sample {
  const uint8_t *data;
  const uint64_t *ends;
  size_t n, step;
} sample;

static uint64_t str_start(const sample *s, size_t i) { return i ? s->ends[i - 1] : 0; }

/* Count codes and adjacent pairs over the sample with the current table. */
static void count_sample(const fenc *e, const sample *s, uint32_t *c1, uint32_t *c2) {
  memset(c1, 0, sizeof *c1 * NCODES);
  memset(c2, 0, sizeof *c2 * NCODES * NCODES);
  for (size_t i = 0; i < s->n; i += s->step) {
    const uint8_t *p = s->data + str_start(s, i);
    size_t n = (size_t)(s->ends[i] - str_start(s, i));
    unsigned prev = NCODES;
    for (size_t k = 0; k < n;) {
      unsigned c = next_code(e, p + k, n - k), code = c & 511;
      c1[code]++;
      if (prev < NCODES) c2[prev * NCODES + code]++;
      prev = code;
      k += c >> 9;
    }
  }
}

static void cand_add(cand *tab, size_t cap, uint64_t v, unsigned l, uint64_t cnt) {
  for (size_t h = (size_t)((v * 0x9E3779B97F4A7C15u + l) >> 20) & (cap - 1);; h = (h + 1) & (cap - 1)) {
    if (!tab[h].len) tab[h].val = v, tab[h].len = (uint8_t)l;
    if (tab[h].val == v && tab[h].len == l) {
      tab[h].gain += cnt * l;
      return;
    }
  }
}

/* Candidates from the counts, merged by symbol (cap: a power of two above
** twice their number), compacted to the front of tab; returns how many. */
static size_t gather(const fenc *e, const uint32_t *c1, const uint32_t *c2, cand *tab,
                     size_t cap) {
  memset(tab, 0, sizeof *tab * cap);
  for (unsigned a = 0; a < NCODES; a++) {
    if (!c1[a]) continue;
    uint64_t va, vb;
    unsigned la, lb;
    code_bytes(e, a, &va, &la);
    cand_add(tab, cap, va, la, c1[a]);
    for (unsigned b = 0; la < 8 && b < NCODES; b++) {
      uint32_t cnt = c2[a * NCODES + b];
      if (!cnt) continue;
      code_bytes(e, b, &vb, &lb);
      unsigned l = la + lb > 8 ? 8 : la + lb;
      cand_add(tab, cap, (va | vb << (8 * la)) & mask_of(l), l, cnt);
    }
  }
  size_t m = 0;
  for (size_t h = 0; h < cap; h++)
    if (tab[h].len) tab[m++] = tab[h];
  return m;
}

/* Train e on the sample (sample_bytes of strings). */
static int train(fenc *e, const sample *s, size_t sample_bytes) {
  size_t cap = 1024;
  while (cap < 2 * (NCODES + sample_bytes)) cap <<= 1;
  uint32_t *c1 = malloc(sizeof *c1 * NCODES), *c2 = malloc(sizeof *c2 * NCODES * NCODES);
  cand *tab = malloc(sizeof *tab * cap);
  int rc = c1 && c2 && tab ? LF_OK : LF_NOMEM;
  fenc_clear(e);
  fenc_index(e);
  for (int g = 0; !rc && g < FSST_GENERATIONS; g++) {
    count_sample(e, s, c1, c2);
    size_t m = gather(e, c1, c2, tab, cap);
    qsort(tab, m, sizeof *tab, cand_cmp);
    fenc_clear(e);
    for (size_t i = 0; i < m && e->n < FSST_MAX_SYMBOLS; i++) fenc_add(e, tab[i].val, tab[i].len);
    fenc_index(e);
  }
  free(c1);
  free(c2);
  free(tab);
  return rc;
}

static void export_table(const fenc *e, uint8_t *t) {
  memset(t, 0, LF_FSST_TABLE_BYTES);
  uint64_t hdr = (uint64_t)LF_FSST_MAGIC << 32 | (uint64_t)1 << 24 | e->n;
  memcpy(t, &hdr, 8);
  for (unsigned i = 0; i < e->n; i++) {
    memcpy(t + 8 + 8 * (size_t)i, &e->sym[i], 8);
    t[8 + 8 * (size_t)e->n + i] = e->len[i];
  }
}

int lf_fsst_encode(const uint8_t *data, const uint64_t *ends, size_t n, uint8_t *table,
                   uint8_t **out, size_t *out_len, uint64_t **out_ends, lf_error *err) {
  *out = NULL;
  *out_ends = NULL;
  *out_len = 0;
  size_t total = n ? (size_t)ends[n - 1] : 0, sb = 0;
  sample s = {data, ends, n, total > FSST_SAMPLE_BYTES ? total / FSST_SAMPLE_BYTES : 1};
  for (size_t i = 0; i < n; i += s.step) sb += (size_t)(ends[i] - str_start(&s, i));
  fenc *e = malloc(sizeof *e);
  uint8_t *o = malloc(2 * total + 1);
  uint64_t *oe = malloc(sizeof *oe * (n + 1));
  int rc = e && o && oe ? train(e, &s, sb) : LF_NOMEM;
  if (!rc) {
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
      uint64_t st = str_start(&s, i);
      pos += compress_one(e, data + st, (size_t)(ends[i] - st), o + pos);
      oe[i] = pos;
    }
    export_table(e, table);
    *out = o, *out_len = pos, *out_ends = oe;
    o = NULL, oe = NULL;
  }
  free(e);
  free(o);
  free(oe);
  return rc ? lf_err(err, rc, "FSST: out of memory") : LF_OK;
}
