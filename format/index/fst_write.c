/*
** fst_write.c: owns building a token dictionary in the Rust `fst` crate's
** format (version 3, the layout fst.c reads and documents) from keys given
** in strictly ascending byte order, each with a u64 output (the token id),
** node for node as the crate's streaming builder (0.4) writes them, so the
** bytes equal what LanceDB 0.39 stores for the same keys and ids:
**   - keys share their longest common prefix with the previous key; the
**     nodes past it are frozen ("compiled") children first, so a node is
**     written after every node it points to;
**   - outputs are pushed towards the root: a transition keeps the common
**     part (the minimum) of the outputs below it, the rest moves down;
**   - a frozen node equal to one written recently is not written again:
**     the registry is a hash table of 10000 buckets of 2 cells each
**     (FNV-1a over final flag, final output and every transition's input,
**     output and target; least recently used cell replaced), so the
**     automaton is minimal except where the table forgot a node;
**   - node forms: the empty final node is address 0 and never written; a
**     non-final node with one transition of output 0 to the node written
**     just before it is "one transition, next" (1-2 bytes); another
**     non-final one-transition node is "one transition" (packed output and
**     delta); every other node lists its transitions (with a 256-byte
**     index past 32 transitions);
**   - footer: u64 key count, u64 root address, u32 masked CRC-32C of every
**     byte before it (((c >> 15) | (c << 17)) + 0xa282ead8).
** Memory: the unfinished path (one node per byte of the longest key) and
** the registry's 20000 cells; the output goes to an lf_buf.
*/
#include "fts_int.h"

#include <stdlib.h>
#include <string.h>

#define REG_ROWS 10000
#define REG_COLS 2
#define NONE_ADDR 1 /* never a node: bytes 0..15 are the header */
#define INDEX_THRESHOLD 32

static const char COMMON[] =
    "te/oasripcnw.hlm-du012g=:bf3y5&_4v9678k%?xCDASFIBEjPTzRNM+LOqHG";

typedef struct fst_trans {
  uint8_t inp;
  uint64_t out, addr;
} fst_trans;

typedef struct fst_bnode {
  int final;
  uint64_t final_out;
  fst_trans *t;
  uint32_t n, cap;
} fst_bnode;

typedef struct fst_unfinished {
  fst_bnode node;
  int has_last;
  uint8_t last_inp;
  uint64_t last_out;
} fst_unfinished;

typedef struct fst_cell {
  uint64_t addr; /* NONE_ADDR: empty */
  fst_bnode node;
} fst_cell;

struct lf_fst_builder {
  lf_buf *out;
  fst_unfinished *st;
  size_t depth, cap;
  fst_cell *reg;
  uint8_t *last;
  size_t last_len, last_cap;
  int have_last;
  uint64_t last_addr, nkeys;
  int nomem;
};

static uint8_t common_idx(uint8_t b) {
  const char *p = memchr(COMMON, b, sizeof COMMON - 1);
  return p ? (uint8_t)(p - COMMON + 1) : 0;
}

static unsigned pack_size(uint64_t v) {
  unsigned n = 1;
  while (n < 8 && v >> (8 * n)) n++;
  return n;
}

static void pack_in(lf_buf *b, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; i++) lf_buf_u8(b, (uint8_t)(v >> (8 * i)));
}

/* ---- builder nodes --------------------------------------------------------- */

static int node_push(fst_bnode *nd, uint8_t inp, uint64_t out, uint64_t addr) {
  if (nd->n == nd->cap) {
    uint32_t c = nd->cap ? nd->cap * 2 : 4;
    fst_trans *t = realloc(nd->t, c * sizeof *t);
    if (!t) return -1;
    nd->t = t, nd->cap = c;
  }
  nd->t[nd->n++] = (fst_trans){inp, out, addr};
  return 0;
}

static int node_copy(fst_bnode *dst, const fst_bnode *src) {
  dst->final = src->final;
  dst->final_out = src->final_out;
  dst->n = 0;
  for (uint32_t i = 0; i < src->n; i++)
    if (node_push(dst, src->t[i].inp, src->t[i].out, src->t[i].addr)) return -1;
  return 0;
}

static int node_eq(const fst_bnode *a, const fst_bnode *b) {
  if (a->final != b->final || a->final_out != b->final_out || a->n != b->n) return 0;
  for (uint32_t i = 0; i < a->n; i++)
    if (a->t[i].inp != b->t[i].inp || a->t[i].out != b->t[i].out || a->t[i].addr != b->t[i].addr)
      return 0;
  return 1;
}

static uint64_t node_hash(const fst_bnode *nd) {
  const uint64_t prime = 1099511628211ull;
  uint64_t h = 14695981039346656037ull;
  h = (h ^ (uint64_t)nd->final) * prime;
  h = (h ^ nd->final_out) * prime;
  for (uint32_t i = 0; i < nd->n; i++) {
    h = (h ^ nd->t[i].inp) * prime;
    h = (h ^ nd->t[i].out) * prime;
    h = (h ^ nd->t[i].addr) * prime;
  }
  return h % REG_ROWS;
}

/* ---- writing one node ------------------------------------------------------- */

static uint64_t delta(uint64_t node_addr, uint64_t to) { return to ? node_addr - to : 0; }

static void write_any(lf_buf *b, uint64_t addr, const fst_bnode *nd) {
  unsigned tsize = 0, osize = pack_size(nd->final_out);
  int any_outs = nd->final_out != 0;
  for (uint32_t i = 0; i < nd->n; i++) {
    unsigned ts = pack_size(delta(addr, nd->t[i].addr)), os = pack_size(nd->t[i].out);
    if (ts > tsize) tsize = ts;
    if (os > osize) osize = os;
    any_outs |= nd->t[i].out != 0;
  }
  if (!any_outs) osize = 0;
  if (any_outs) {
    if (nd->final) pack_in(b, nd->final_out, osize);
    for (uint32_t i = nd->n; i-- > 0;) pack_in(b, nd->t[i].out, osize);
  }
  for (uint32_t i = nd->n; i-- > 0;) pack_in(b, delta(addr, nd->t[i].addr), tsize);
  for (uint32_t i = nd->n; i-- > 0;) lf_buf_u8(b, nd->t[i].inp);
  if (nd->n > INDEX_THRESHOLD) {
    uint8_t index[256];
    memset(index, 255, sizeof index);
    for (uint32_t i = 0; i < nd->n; i++) index[nd->t[i].inp] = (uint8_t)i;
    lf_buf_put(b, index, sizeof index);
  }
  lf_buf_u8(b, (uint8_t)(tsize << 4 | osize));
  uint8_t state = nd->final ? 0x40 : 0;
  if (nd->n >= 1 && nd->n <= 63) state |= (uint8_t)nd->n;
  else lf_buf_u8(b, nd->n == 256 ? 1 : (uint8_t)nd->n);
  lf_buf_u8(b, state);
}

static void write_node(lf_buf *b, uint64_t last_addr, uint64_t addr, const fst_bnode *nd) {
  if (nd->n != 1 || nd->final) {
    write_any(b, addr, nd);
    return;
  }
  const fst_trans *t = &nd->t[0];
  uint8_t ci = common_idx(t->inp);
  if (t->addr == last_addr && t->out == 0) {
    if (!ci) lf_buf_u8(b, t->inp);
    lf_buf_u8(b, (uint8_t)(0xC0 | ci));
    return;
  }
  unsigned osize = t->out ? pack_size(t->out) : 0, tsize = pack_size(delta(addr, t->addr));
  if (osize) pack_in(b, t->out, osize);
  pack_in(b, delta(addr, t->addr), tsize);
  lf_buf_u8(b, (uint8_t)(tsize << 4 | osize));
  if (!ci) lf_buf_u8(b, t->inp);
  lf_buf_u8(b, (uint8_t)(0x80 | ci));
}

/* Freeze nd: its address (0 for the empty final node, a registered twin's,
** or where it is written now). */
static uint64_t compile(lf_fst_builder *fb, const fst_bnode *nd) {
  if (nd->final && nd->n == 0 && nd->final_out == 0) return 0;
  fst_cell *row = &fb->reg[node_hash(nd) * REG_COLS];
  for (int i = 0; i < REG_COLS; i++) {
    if (row[i].addr != NONE_ADDR && node_eq(&row[i].node, nd)) {
      fst_cell hit = row[i]; /* most recently used goes first */
      memmove(&row[1], &row[0], (size_t)i * sizeof *row);
      row[0] = hit;
      return hit.addr;
    }
  }
  fst_cell lru = row[REG_COLS - 1];
  memmove(&row[1], &row[0], (REG_COLS - 1) * sizeof *row);
  row[0] = lru;
  if (node_copy(&row[0].node, nd)) fb->nomem = 1;
  uint64_t start = fb->out->len;
  write_node(fb->out, fb->last_addr, start, nd);
  fb->last_addr = fb->out->len - 1;
  row[0].addr = fb->last_addr;
  return fb->last_addr;
}

/* ---- the unfinished path --------------------------------------------------- */

static int push_empty(lf_fst_builder *fb, int final) {
  if (fb->depth == fb->cap) {
    size_t c = fb->cap ? fb->cap * 2 : 64;
    fst_unfinished *s = realloc(fb->st, c * sizeof *s);
    if (!s) return -1;
    memset(s + fb->cap, 0, (c - fb->cap) * sizeof *s);
    fb->st = s, fb->cap = c;
  }
  fst_unfinished *u = &fb->st[fb->depth++];
  u->node.final = final;
  u->node.final_out = 0;
  u->node.n = 0;
  u->has_last = 0;
  return 0;
}

/* Pop the top node, attaching its pending transition to addr. */
static fst_bnode *pop_freeze(lf_fst_builder *fb, uint64_t addr) {
  fst_unfinished *u = &fb->st[--fb->depth];
  if (u->has_last && node_push(&u->node, u->last_inp, u->last_out, addr)) fb->nomem = 1;
  u->has_last = 0;
  return &u->node;
}

static void compile_from(lf_fst_builder *fb, size_t istate) {
  uint64_t addr = NONE_ADDR;
  while (istate + 1 < fb->depth) {
    fst_bnode *nd = addr == NONE_ADDR ? &fb->st[--fb->depth].node : pop_freeze(fb, addr);
    addr = compile(fb, nd);
  }
  fst_unfinished *top = &fb->st[fb->depth - 1];
  if (top->has_last && node_push(&top->node, top->last_inp, top->last_out, addr)) fb->nomem = 1;
  top->has_last = 0;
}

static void add_prefix(fst_unfinished *u, uint64_t p) {
  if (u->node.final) u->node.final_out += p;
  for (uint32_t i = 0; i < u->node.n; i++) u->node.t[i].out += p;
  if (u->has_last) u->last_out += p;
}

/* Walk the common prefix, moving outputs: returns its length; *out is what
** is left of the key's output. */
static size_t common_prefix(lf_fst_builder *fb, const uint8_t *k, size_t n, uint64_t *out) {
  size_t i = 0;
  while (i < n && i < fb->depth && fb->st[i].has_last && fb->st[i].last_inp == k[i]) {
    fst_unfinished *u = &fb->st[i];
    uint64_t common = u->last_out < *out ? u->last_out : *out;
    uint64_t moved = u->last_out - common;
    *out -= common;
    u->last_out = common;
    i++;
    if (moved) add_prefix(&fb->st[i], moved);
  }
  return i;
}

/* ---- public ------------------------------------------------------------------ */

int lf_fst_builder_new(lf_buf *out, lf_fst_builder **fbp, lf_error *err) {
  lf_fst_builder *fb = calloc(1, sizeof *fb);
  *fbp = NULL;
  if (fb) fb->reg = calloc(REG_ROWS * REG_COLS, sizeof *fb->reg);
  if (!fb || !fb->reg || push_empty(fb, 0)) {
    lf_fst_builder_free(fb);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < REG_ROWS * REG_COLS; i++) fb->reg[i].addr = NONE_ADDR;
  fb->out = out;
  fb->last_addr = NONE_ADDR;
  lf_buf_u64le(out, 3); /* version */
  lf_buf_u64le(out, 0); /* type */
  *fbp = fb;
  return out->rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

static int check_order(lf_fst_builder *fb, const uint8_t *k, size_t n, lf_error *err) {
  if (fb->have_last) {
    size_t m = n < fb->last_len ? n : fb->last_len;
    int c = m ? memcmp(k, fb->last, m) : 0;
    if (c < 0 || (c == 0 && n <= fb->last_len))
      return lf_err(err, LF_ARG, "token FST: keys must be inserted in strictly ascending order");
  }
  if (n > fb->last_cap) {
    uint8_t *p = realloc(fb->last, n);
    if (!p) return lf_err(err, LF_NOMEM, "out of memory");
    fb->last = p, fb->last_cap = n;
  }
  if (n) memcpy(fb->last, k, n);
  fb->last_len = n;
  fb->have_last = 1;
  return LF_OK;
}

int lf_fst_builder_insert(lf_fst_builder *fb, const uint8_t *k, size_t n, uint64_t val,
                          lf_error *err) {
  int rc = check_order(fb, k, n, err);
  if (rc) return rc;
  fb->nkeys++;
  if (n == 0) { /* the first key: the root is final */
    fb->st[0].node.final = 1;
    fb->st[0].node.final_out = val;
    return LF_OK;
  }
  uint64_t out = val;
  size_t pre = common_prefix(fb, k, n, &out);
  compile_from(fb, pre);
  fst_unfinished *top = &fb->st[fb->depth - 1];
  top->has_last = 1, top->last_inp = k[pre], top->last_out = out;
  for (size_t i = pre + 1; i < n && !fb->nomem; i++) {
    if (push_empty(fb, 0)) fb->nomem = 1;
    else fb->st[fb->depth - 1].has_last = 1, fb->st[fb->depth - 1].last_inp = k[i],
         fb->st[fb->depth - 1].last_out = 0;
  }
  if (!fb->nomem && push_empty(fb, 1)) fb->nomem = 1;
  return fb->nomem || fb->out->rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

/* CRC-32C (Castagnoli), reflected, bytewise. */
static uint32_t crc32c(const uint8_t *p, size_t n) {
  static uint32_t table[256];
  static int ready;
  if (!ready) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      table[i] = c;
    }
    ready = 1;
  }
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

int lf_fst_builder_finish(lf_fst_builder *fb, lf_error *err) {
  compile_from(fb, 0);
  uint64_t root = compile(fb, &fb->st[0].node);
  lf_buf *b = fb->out;
  lf_buf_u64le(b, fb->nkeys);
  lf_buf_u64le(b, root);
  if (fb->nomem || b->rc) return lf_err(err, LF_NOMEM, "out of memory");
  uint32_t c = crc32c(b->p, b->len);
  lf_buf_u32le(b, ((c >> 15) | (c << 17)) + 0xa282ead8u);
  return b->rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

void lf_fst_builder_free(lf_fst_builder *fb) {
  if (!fb) return;
  for (size_t i = 0; i < fb->cap; i++) free(fb->st[i].node.t);
  for (size_t i = 0; fb->reg && i < REG_ROWS * REG_COLS; i++) free(fb->reg[i].node.t);
  free(fb->st);
  free(fb->reg);
  free(fb->last);
  free(fb);
}
