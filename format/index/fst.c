/*
** fst.c: owns the token dictionary of an FTS index partition: an ordered map
** from token bytes to token id, serialized by the Rust `fst` crate (0.4,
** format version 3; versions 1 and 2 differ only as noted).  Read in place,
** never trusted: every byte position is checked before it is read.
**
** Layout (all integers little-endian):
**   u64 version (1..3)   u64 type (0)
**   nodes ...            written children first, so every transition points
**                        to a lower address; a node is addressed by its LAST
**                        byte (its state byte) and read backwards from there
**   u64 number of keys   u64 root node address   [u32 checksum, version 3]
** The root address is 21 bytes before the end (17 without a checksum), or 0
** for an FST whose root is the empty final node.  Address 0 is that empty
** final node: no transitions, final, output 0.
**
** A node's state byte (at addr), by its two high bits:
**   11 one transition to the node written just before it (addr = end - 1),
**      output 0, not final; low 6 bits: the input as a common-input index
**      (1..63 into COMMON below), 0 = the input byte is at addr - 1.
**   10 one transition, not final: [output, osize bytes][delta, tsize bytes]
**      [pack sizes][input byte if not common][state].
**   0x any number of transitions; bit 6 = final; low 6 bits = count
**      (0: the count is the byte at addr - 1, where 1 means 256).  Bytes
**      from low to high: [final output, osize bytes, if final and osize]
**      [outputs, osize each, last transition first][deltas, tsize each, last
**      first][inputs, last first][256-byte index when version >= 2 and
**      count > 32: index[b] = transition of input b, >= count = none; not
**      used here: lookups search the inputs]
**      [pack sizes][count byte if not in the state][state].
** Pack sizes: high nibble tsize, low nibble osize (bytes, 0..8; osize 0 =
** every output is 0).  A delta d is the target as (node's lowest address) -
** d; d = 0 is address 0.  Outputs add up along the path; the key's value is
** their sum plus the final output of the node where the key ends.
** Transitions are stored in strictly ascending input order (checked as they
** are walked), so a depth-first walk yields the keys in byte order.
*/
#include "fts_int.h"

#include <stdlib.h>
#include <string.h>

/* The fst crate's table of frequent input bytes, indices 1..63 of state
** bytes (entry i - 1 here). */
static const char COMMON[] =
    "te/oasripcnw.hlm-du012g=:bf3y5&_4v9678k%?xCDASFIBEjPTzRNM+LOqHG";

enum { ONE_NEXT, ONE, ANY, EMPTY_FINAL };

typedef struct fst_node {
  uint64_t addr;      /* the state byte */
  uint64_t end;       /* the node's lowest byte */
  int kind, final;
  uint32_t ntrans;
  unsigned tsize, osize, index_len, head; /* head: count + pack-size bytes below the state */
  uint8_t input;      /* single-transition nodes */
  uint64_t final_out;
} fst_node;

static int corrupt(lf_error *err, uint64_t addr, const char *what) {
  return lf_err(err, LF_CORRUPT, "token FST: node at %llu: %s", (unsigned long long)addr, what);
}

static uint64_t le_n(const uint8_t *p, unsigned n) { return n ? lf_le(p, n) : 0; }

/* Common-input byte of index idx (1..63), or -1 when idx is 0. */
static int common_input(unsigned idx) { return idx ? (uint8_t)COMMON[idx - 1] : -1; }

static int node_single(const lf_fst *f, fst_node *nd, uint8_t st, lf_error *err) {
  int64_t a = (int64_t)nd->addr;
  int c = common_input(st & 63);
  unsigned in_len = c < 0;
  if (a < (int64_t)in_len + 1) return corrupt(err, nd->addr, "truncated");
  nd->input = c < 0 ? f->d[a - 1] : (uint8_t)c;
  nd->ntrans = 1;
  if (nd->kind == ONE_NEXT) {
    nd->end = (uint64_t)(a - in_len);
    return LF_OK;
  }
  uint8_t ps = f->d[a - in_len - 1];
  nd->tsize = ps >> 4, nd->osize = ps & 15;
  nd->head = 1;
  int64_t end = a - in_len - 1 - nd->tsize - nd->osize;
  if (nd->tsize > 8 || nd->osize > 8 || end < 0) return corrupt(err, nd->addr, "bad pack sizes");
  nd->end = (uint64_t)end;
  return LF_OK;
}

static int node_any(const lf_fst *f, fst_node *nd, uint8_t st, lf_error *err) {
  int64_t a = (int64_t)nd->addr;
  unsigned cnt_len = (st & 63) == 0;
  if (a < (int64_t)cnt_len + 1) return corrupt(err, nd->addr, "truncated");
  nd->final = (st & 0x40) != 0;
  nd->ntrans = cnt_len ? f->d[a - 1] : (uint32_t)(st & 63);
  if (cnt_len && nd->ntrans == 1) nd->ntrans = 256;
  uint8_t ps = f->d[a - cnt_len - 1];
  nd->tsize = ps >> 4, nd->osize = ps & 15;
  nd->head = cnt_len + 1;
  nd->index_len = f->version >= 2 && nd->ntrans > 32 ? 256 : 0;
  if (nd->tsize > 8 || nd->osize > 8) return corrupt(err, nd->addr, "bad pack sizes");
  int64_t end = a - nd->head - nd->index_len - (int64_t)nd->ntrans * (1 + nd->tsize + nd->osize) -
                (nd->final ? nd->osize : 0);
  if (end < 0) return corrupt(err, nd->addr, "truncated");
  nd->end = (uint64_t)end;
  if (nd->final && nd->osize) nd->final_out = le_n(f->d + end, nd->osize);
  return LF_OK;
}

static int node_at(const lf_fst *f, uint64_t addr, fst_node *nd, lf_error *err) {
  memset(nd, 0, sizeof *nd);
  nd->addr = addr;
  if (addr == 0) {
    nd->kind = EMPTY_FINAL;
    nd->final = 1;
    return LF_OK;
  }
  if (addr >= f->limit) return corrupt(err, addr, "address past the nodes");
  uint8_t st = f->d[addr];
  nd->kind = st >> 6 == 3 ? ONE_NEXT : st >> 6 == 2 ? ONE : ANY;
  return nd->kind == ANY ? node_any(f, nd, st, err) : node_single(f, nd, st, err);
}

/* The target of a transition whose delta is the tsize bytes at p. */
static int target(const fst_node *nd, const uint8_t *p, uint64_t *addr, lf_error *err) {
  uint64_t d = le_n(p, nd->tsize);
  if (d > nd->end) return corrupt(err, nd->addr, "transition before the start of the FST");
  *addr = d ? nd->end - d : 0;
  return LF_OK;
}

/* Transition i (0 = smallest input) of nd. */
static int node_trans(const lf_fst *f, const fst_node *nd, uint32_t i, uint8_t *inp,
                      uint64_t *out, uint64_t *addr, lf_error *err) {
  const uint8_t *d = f->d;
  uint64_t a = nd->addr;
  switch (nd->kind) {
    case ONE_NEXT:
      *inp = nd->input, *out = 0;
      if (nd->end == 0) return corrupt(err, a, "transition before the start of the FST");
      *addr = nd->end - 1;
      return LF_OK;
    case ONE: {
      uint64_t below = a - (common_input(d[a] & 63) < 0) - 1; /* the pack-size byte */
      *inp = nd->input;
      *out = le_n(d + below - nd->tsize - nd->osize, nd->osize);
      return target(nd, d + below - nd->tsize, addr, err);
    }
    case ANY: {
      uint64_t inputs = a - nd->head - nd->index_len - nd->ntrans; /* lowest input byte */
      *inp = d[inputs + nd->ntrans - 1 - i];
      uint64_t deltas = inputs - (uint64_t)nd->ntrans * nd->tsize;
      uint64_t outs = deltas - (uint64_t)nd->ntrans * nd->osize;
      *out = le_n(d + outs + (uint64_t)(nd->ntrans - 1 - i) * nd->osize, nd->osize);
      return target(nd, d + deltas + (uint64_t)(nd->ntrans - 1 - i) * nd->tsize, addr, err);
    }
    default:
      return corrupt(err, a, "no transitions");
  }
}

/* Index of the first transition on input b, or -1.  The inputs are searched
** even where a big node has its 256-byte index: a corrupt index must not
** lead a lookup elsewhere than the ordered walk goes. */
static int node_find(const lf_fst *f, const fst_node *nd, uint8_t b) {
  if (nd->kind == EMPTY_FINAL) return -1;
  if (nd->kind != ANY) return nd->input == b ? 0 : -1;
  const uint8_t *in = f->d + nd->addr - nd->head - nd->index_len; /* one past the inputs */
  for (uint32_t k = 0; k < nd->ntrans; k++)
    if (in[-1 - (int64_t)k] == b) return (int)k;
  return -1;
}

int lf_fst_init(lf_fst *f, const uint8_t *d, size_t n, lf_error *err) {
  memset(f, 0, sizeof *f);
  if (n < 32) return lf_err(err, LF_CORRUPT, "token FST of %zu bytes is too short", n);
  f->version = lf_le64(d);
  if (f->version == 0 || f->version > 3)
    return lf_err(err, LF_UNSUPPORTED, "token FST version %llu (1 to 3 are read)",
                  (unsigned long long)f->version);
  size_t tail = f->version >= 3 ? 20 : 16;
  if (n < 16 + tail) return lf_err(err, LF_CORRUPT, "token FST of %zu bytes is too short", n);
  f->d = d;
  f->n = n;
  f->limit = n - tail;
  f->nkeys = lf_le64(d + f->limit);
  f->root = lf_le64(d + f->limit + 8);
  if (f->root == 0 ? n != 16 + tail : f->root + tail + 1 != n)
    return lf_err(err, LF_CORRUPT, "token FST root address %llu does not end the nodes (%zu bytes)",
                  (unsigned long long)f->root, n);
  return LF_OK;
}

int lf_fst_get(const lf_fst *f, const uint8_t *key, size_t klen, int *found, uint64_t *val,
               lf_error *err) {
  fst_node nd;
  uint64_t out = 0, addr;
  uint8_t inp;
  int rc = node_at(f, f->root, &nd, err);
  *found = 0;
  for (size_t i = 0; !rc && i < klen; i++) {
    uint64_t o;
    int t = node_find(f, &nd, key[i]);
    if (t < 0) return LF_OK;
    if (!(rc = node_trans(f, &nd, (uint32_t)t, &inp, &o, &addr, err))) {
      out += o;
      rc = node_at(f, addr, &nd, err);
    }
  }
  if (!rc && nd.final) {
    *found = 1;
    *val = out + nd.final_out;
  }
  return rc;
}

/* ---- ordered iteration ------------------------------------------------------ */

typedef struct fst_frame {
  fst_node node;
  uint64_t out;        /* sum of the outputs on the path to this node */
  size_t klen;         /* key bytes on that path */
  uint32_t next;       /* next transition to follow */
  int last;            /* input of the transition followed last, -1 before the first */
  int emitted;         /* the key ending here was returned (or not final) */
} fst_frame;

struct lf_fst_iter {
  const lf_fst *f;
  fst_frame *st;
  size_t depth, cap;
  uint8_t *key;
  size_t kcap;
  lf_fst_filter keep;  /* NULL: descend everywhere */
  void *keep_ctx;
};

void lf_fst_iter_filter(lf_fst_iter *it, lf_fst_filter keep, void *ctx) {
  it->keep = keep;
  it->keep_ctx = ctx;
}

static int grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap * 2 : 16;
  while (c < need) c *= 2;
  void *q = realloc(*p, c * size);
  if (!q) return -1;
  *p = q;
  *cap = c;
  return 0;
}

static int push(lf_fst_iter *it, uint64_t addr, uint64_t out, size_t klen, lf_error *err) {
  size_t cap = it->cap;
  if (grow((void **)&it->st, &cap, it->depth + 1, sizeof *it->st))
    return lf_err(err, LF_NOMEM, "out of memory");
  it->cap = cap;
  fst_frame *fr = &it->st[it->depth];
  memset(fr, 0, sizeof *fr);
  int rc = node_at(it->f, addr, &fr->node, err);
  if (rc) return rc;
  fr->out = out;
  fr->klen = klen;
  fr->emitted = !fr->node.final;
  fr->last = -1;
  it->depth++;
  return LF_OK;
}

int lf_fst_iter_new(const lf_fst *f, const uint8_t *prefix, size_t plen, lf_fst_iter **out,
                    lf_error *err) {
  *out = NULL;
  lf_fst_iter *it = calloc(1, sizeof *it);
  if (!it || grow((void **)&it->key, &it->kcap, plen + 16, 1)) {
    free(it);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  it->f = f;
  if (plen) memcpy(it->key, prefix, plen);
  fst_node nd;
  uint64_t acc = 0, addr = f->root, o;
  uint8_t inp;
  int rc = node_at(f, addr, &nd, err);
  size_t i = 0;
  for (; !rc && i < plen; i++) {
    int t = node_find(f, &nd, prefix[i]);
    if (t < 0) break;
    if (!(rc = node_trans(f, &nd, (uint32_t)t, &inp, &o, &addr, err))) {
      acc += o;
      rc = node_at(f, addr, &nd, err);
    }
  }
  if (!rc && i == plen) rc = push(it, addr, acc, plen, err);
  if (rc) {
    lf_fst_iter_free(it);
    return rc;
  }
  *out = it;
  return LF_OK;
}

int lf_fst_iter_next(lf_fst_iter *it, int *got, const uint8_t **key, size_t *klen,
                     uint64_t *val, lf_error *err) {
  *got = 0;
  while (it->depth) {
    fst_frame *fr = &it->st[it->depth - 1];
    if (!fr->emitted) {
      fr->emitted = 1;
      *got = 1;
      *key = it->key;
      *klen = fr->klen;
      *val = fr->out + fr->node.final_out;
      return LF_OK;
    }
    if (fr->next >= fr->node.ntrans || fr->node.kind == EMPTY_FINAL) {
      it->depth--;
      continue;
    }
    uint8_t inp;
    uint64_t o, addr;
    int rc = node_trans(it->f, &fr->node, fr->next++, &inp, &o, &addr, err);
    if (!rc && (int)inp <= fr->last) rc = corrupt(err, fr->node.addr, "inputs out of order");
    fr->last = inp;
    if (!rc && grow((void **)&it->key, &it->kcap, fr->klen + 1, 1))
      rc = lf_err(err, LF_NOMEM, "out of memory");
    if (rc) return rc;
    it->key[fr->klen] = inp;
    if (it->keep && !it->keep(it->keep_ctx, it->key, fr->klen + 1)) continue;
    if ((rc = push(it, addr, fr->out + o, fr->klen + 1, err))) return rc;
  }
  return LF_OK;
}

void lf_fst_iter_free(lf_fst_iter *it) {
  if (!it) return;
  free(it->st);
  free(it->key);
  free(it);
}
