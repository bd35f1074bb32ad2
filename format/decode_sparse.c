/*
** decode_sparse.c: owns the sparse structural page layout of Lance file
** version 2.3 (lance.encodings21.SparseLayout, PageLayout field 5) and its
** conversion into the rep/def levels + visible items that every other 2.1+
** layout produces (lf_pagedata), so that lf_assemble reads it unchanged.
**
** Source: lance-format/lance protos/encodings_v2_1.proto (SparseLayout and
** the Sparse* messages) and rust/lance-encoding/src/encodings/logical/
** primitive/sparse.rs (SparseStructuralScheduler::try_new,
** validate_domain_chain, position_cardinality, count_buffer_count) with
** sparse/writer.rs (serialize_value_chunks, positions_to_deltas,
** encode_structural_plan).
**
** SparseLayout {1 value_compression: CompressiveEncoding, 2 num_buffers,
**   3 num_items, 4 num_visible_items, 5 has_large_chunk,
**   6 repeated SparseStructuralLayer structural_layers (outer-most first)}
** SparseStructuralLayer oneof:
**   1 validity {1 num_slots, 2 SparseValiditySet validity}
**   2 list {1 num_slots, 2 num_child_slots, 3 SparsePositionSet
**          non_empty_positions, 4 SparseCountSet counts, 5 validity}
**   3 fixed_size_list {1 num_slots, 2 dimension, 3 validity}
** SparseValiditySet {1 meaning (1 stored positions are null, 2 stored
**   positions are valid), 2 SparsePositionSet positions}
** SparsePositionSet {oneof 1 explicit: CompressiveEncoding, 2 range {1
**   start, 2 length}, 3 all {}, 4 empty {}; 5 num_positions}
** SparseCountSet {oneof 1 explicit: CompressiveEncoding, 2 constant {1
**   value}, 3 empty {}}
**
** Domains: layer 0's slots are the page's rows; a validity layer's child
** domain is its own slots, a list's is num_child_slots (the sum of its
** counts), a fixed-size list's num_slots * dimension; the last child
** domain holds num_visible_items leaf value slots (null leaf slots
** included).  A list slot is null (validity), empty (valid but not among
** non_empty_positions) or has counts[k] > 0 children, where k is its rank
** in non_empty_positions; a null list has no children.  num_items =
** num_visible_items + one per null or empty list slot.  Set cardinalities:
** empty 0, all = domain (> 0), range length (> 0, inside the domain),
** explicit num_positions (> 0); counts: empty iff no non-empty slots,
** constant value > 0, explicit one count per non-empty slot.
**
** Page buffers:
**   0 chunk metadata: per value chunk u32 (8-byte words in chunk) - 1,
**     u32 number of values in the chunk
**   1 value chunks, each: u16 (0), num_buffers sizes (u16, or u32 when
**     has_large_chunk), pad to 8; each value buffer, pad to 8.  The chunk's
**     buffers decode with value_compression like a mini-block chunk.
**   2.. one buffer per explicit set, in layer order (outer-most first) and
**     within a list layer: non-empty positions, counts, validity.  Each is
**     a block (as rep/def levels are) of u64 values: counts as they are,
**     positions as deltas (first = position 0's value, then differences,
**     all > 0 after the first).
**
** Conversion (the layer convention of assemble.c): a sparse layer becomes
** a RepDefLayer by what its slots hold: validity -> all-valid or nullable
** item, list -> all-valid / nullable / emptyable / null-and-empty list.
** When the inner-most sparse layer is a list (or there is none), an
** all-valid leaf item layer is added.  The levels are produced by walking
** each row depth-first: a leaf slot gives one visible entry, a null or
** empty list slot one invisible entry; the definition level is the
** outer-most null or empty layer on the way, the repetition level that of
** the list whose new element the entry starts.  A non-empty list below a
** null struct slot has no rep/def encoding (its children would have to
** vanish with their values) and is LF_UNSUPPORTED; the Rust writer
** normalizes such slots away.  Fixed-size-list layers are LF_UNSUPPORTED.
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

/* The most items (levels) one sparse page may hold: every item costs four
** bytes of levels and several of slot state. */
#define SP_MAX_ITEMS ((uint64_t)1 << 28)
#define SP_MAX_BUFFERS 64

enum { SP_NONE = 0, SP_EXPLICIT = 1, SP_RANGE = 2, SP_ALL = 3, SP_EMPTY = 4 };
enum { SP_CNT_EXPLICIT = 1, SP_CNT_CONSTANT = 2, SP_CNT_EMPTY = 3 };
enum { SP_VALIDITY = 1, SP_LIST = 2, SP_FSL = 3 };
enum { SP_NULL_POSITIONS = 1, SP_VALID_POSITIONS = 2 };

typedef struct sp_view {
  const uint8_t *p;
  size_t n;
} sp_view;

typedef struct sp_pos { /* SparsePositionSet */
  int kind;
  uint32_t unknown;      /* an unknown oneof field seen (its number) */
  uint64_t start, length, n;
  sp_view enc;           /* explicit */
  int buf;               /* explicit: page buffer */
} sp_pos;

typedef struct sp_counts { /* SparseCountSet */
  int kind;
  uint32_t unknown;
  uint64_t value;
  sp_view enc;
  int buf;
} sp_counts;

typedef struct sp_valid { /* SparseValiditySet */
  int present;
  uint64_t meaning;
  sp_pos pos;
} sp_valid;

typedef struct sp_layer {
  int kind;
  uint32_t unknown;
  uint64_t num_slots, num_child, dim;
  sp_pos nonempty;
  sp_counts counts;
  int has_nonempty, has_counts;
  sp_valid valid;
  /* materialized */
  uint8_t *ok;           /* per slot 1 = valid; NULL = all valid */
  uint64_t *child;       /* lists: num_slots + 1 child offsets */
  int has_empty;
  uint16_t def_null, def_empty, rep_new; /* levels (0 = none) */
} sp_layer;

typedef struct sp_page {
  sp_view val_enc;
  uint64_t num_buffers, num_items, num_visible;
  int large;
  uint32_t unknown_layout;
  int n;
  sp_layer L[LF_MAX_LAYERS];
} sp_page;

/* ---- parsing -------------------------------------------------------------- */

static int parse_pos(const lf_pb_field *fl, sp_pos *s, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  int r;
  memset(s, 0, sizeof *s);
  lf_pb_sub(&pb, fl);
  while ((r = lf_pb_next(&pb, &f, "sparse position set", err)) > 0) {
    if (f.num == 5 && f.wire == 0) { s->n = f.u; continue; }
    if (f.wire != 2) continue;
    switch (f.num) {
      case 1: s->kind = SP_EXPLICIT, s->enc.p = f.data, s->enc.n = f.len; break;
      case 2:
        s->kind = SP_RANGE;
        s->start = s->length = 0;
        lf_pb_sub(&sub, &f);
        while ((r = lf_pb_next(&sub, &g, "sparse position range", err)) > 0) {
          if (g.num == 1) s->start = g.u;
          if (g.num == 2) s->length = g.u;
        }
        if (r < 0) return LF_CORRUPT;
        break;
      case 3: s->kind = SP_ALL; break;
      case 4: s->kind = SP_EMPTY; break;
      default: s->unknown = f.num; break;
    }
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_counts(const lf_pb_field *fl, sp_counts *c, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  int r;
  memset(c, 0, sizeof *c);
  lf_pb_sub(&pb, fl);
  while ((r = lf_pb_next(&pb, &f, "sparse count set", err)) > 0) {
    if (f.wire != 2) continue;
    switch (f.num) {
      case 1: c->kind = SP_CNT_EXPLICIT, c->enc.p = f.data, c->enc.n = f.len; break;
      case 2:
        c->kind = SP_CNT_CONSTANT;
        c->value = 0;
        lf_pb_sub(&sub, &f);
        while ((r = lf_pb_next(&sub, &g, "sparse constant count", err)) > 0)
          if (g.num == 1) c->value = g.u;
        if (r < 0) return LF_CORRUPT;
        break;
      case 3: c->kind = SP_CNT_EMPTY; break;
      default: c->unknown = f.num; break;
    }
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_valid(const lf_pb_field *fl, sp_valid *v, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc, have_pos = 0;
  memset(v, 0, sizeof *v);
  v->present = 1;
  lf_pb_sub(&pb, fl);
  while ((r = lf_pb_next(&pb, &f, "sparse validity set", err)) > 0) {
    if (f.num == 1 && f.wire == 0) v->meaning = f.u;
    if (f.num == 2 && f.wire == 2) {
      if ((rc = parse_pos(&f, &v->pos, err))) return rc;
      have_pos = 1;
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (!have_pos) return lf_err(err, LF_CORRUPT, "sparse validity set has no positions");
  return LF_OK;
}

static int parse_layer(const lf_pb_field *fl, sp_layer *l, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  int r, rc;
  lf_pb_sub(&pb, fl);
  while ((r = lf_pb_next(&pb, &f, "sparse structural layer", err)) > 0) {
    if (f.wire != 2) continue;
    if (f.num < 1 || f.num > 3) {
      l->unknown = f.num;
      continue;
    }
    l->kind = (int)f.num;
    lf_pb_sub(&sub, &f);
    while ((r = lf_pb_next(&sub, &g, "sparse layer", err)) > 0) {
      if (g.num == 1 && g.wire == 0) l->num_slots = g.u;
      else if (l->kind == SP_LIST && g.num == 2 && g.wire == 0) l->num_child = g.u;
      else if (l->kind == SP_FSL && g.num == 2 && g.wire == 0) l->dim = g.u;
      else if (g.wire != 2) continue;
      else if (l->kind == SP_LIST && g.num == 3) {
        if ((rc = parse_pos(&g, &l->nonempty, err))) return rc;
        l->has_nonempty = 1;
      } else if (l->kind == SP_LIST && g.num == 4) {
        if ((rc = parse_counts(&g, &l->counts, err))) return rc;
        l->has_counts = 1;
      } else if ((l->kind == SP_VALIDITY && g.num == 2) || (l->kind == SP_LIST && g.num == 5) ||
                 (l->kind == SP_FSL && g.num == 3)) {
        if ((rc = parse_valid(&g, &l->valid, err))) return rc;
      }
    }
    if (r < 0) return LF_CORRUPT;
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_layout(const uint8_t *enc, size_t len, sp_page *s, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc;
  memset(s, 0, sizeof *s);
  lf_pb_init(&pb, enc, len);
  while ((r = lf_pb_next(&pb, &f, "sparse layout", err)) > 0) {
    switch (f.num) {
      case 1: if (f.wire == 2) s->val_enc.p = f.data, s->val_enc.n = f.len; break;
      case 2: s->num_buffers = f.u; break;
      case 3: s->num_items = f.u; break;
      case 4: s->num_visible = f.u; break;
      case 5: s->large = f.u != 0; break;
      case 6:
        if (f.wire != 2) return lf_err(err, LF_CORRUPT, "sparse structural layer is not a message");
        if (s->n >= LF_MAX_LAYERS)
          return lf_err(err, LF_UNSUPPORTED, "sparse page with more than %d structural layers",
                        LF_MAX_LAYERS);
        if ((rc = parse_layer(&f, &s->L[s->n++], err))) return rc;
        break;
      default: break;
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (!s->val_enc.p) return lf_err(err, LF_CORRUPT, "sparse layout has no value compression");
  if (s->num_buffers > SP_MAX_BUFFERS)
    return lf_err(err, LF_CORRUPT, "sparse layout has %llu value buffers",
                  (unsigned long long)s->num_buffers);
  return LF_OK;
}

/* ---- validation (sparse.rs validate_domain_chain & co) --------------------- */

/* Check a position set's cardinality against its domain; give an explicit
** set the next structural buffer. */
static int check_pos(sp_pos *s, uint64_t domain, int *next_buf, const char *what, int layer,
                     lf_error *err) {
  if (s->kind == SP_NONE)
    return s->unknown ? lf_err(err, LF_UNSUPPORTED, "layer %d: %s: sparse position set variant %u "
                               "(file version 2.3)", layer, what, s->unknown)
                      : lf_err(err, LF_CORRUPT, "layer %d: %s: position set has no variant",
                               layer, what);
  if (s->n > domain)
    return lf_err(err, LF_CORRUPT, "layer %d: %s: %llu positions in a domain of %llu", layer,
                  what, (unsigned long long)s->n, (unsigned long long)domain);
  switch (s->kind) {
    case SP_EMPTY:
      if (s->n) return lf_err(err, LF_CORRUPT, "layer %d: %s: empty set of %llu positions", layer,
                              what, (unsigned long long)s->n);
      break;
    case SP_ALL:
      if (domain == 0 || s->n != domain)
        return lf_err(err, LF_CORRUPT, "layer %d: %s: 'all' set of %llu positions in a domain of %llu",
                      layer, what, (unsigned long long)s->n, (unsigned long long)domain);
      break;
    case SP_RANGE:
      if (s->length == 0 || s->length != s->n || s->start > domain || s->length > domain - s->start)
        return lf_err(err, LF_CORRUPT, "layer %d: %s: range %llu+%llu (%llu positions) outside a "
                      "domain of %llu", layer, what, (unsigned long long)s->start,
                      (unsigned long long)s->length, (unsigned long long)s->n,
                      (unsigned long long)domain);
      break;
    default: /* explicit */
      if (s->n == 0) return lf_err(err, LF_CORRUPT, "layer %d: %s: explicit set of 0 positions",
                                   layer, what);
      s->buf = (*next_buf)++;
  }
  return LF_OK;
}

static int check_valid(sp_valid *v, uint64_t domain, int *next_buf, int layer, lf_error *err) {
  if (!v->present) return lf_err(err, LF_CORRUPT, "layer %d has no validity set", layer);
  if (v->meaning == 0)
    return lf_err(err, LF_CORRUPT, "layer %d: validity meaning is unspecified", layer);
  if (v->meaning > 2)
    return lf_err(err, LF_UNSUPPORTED, "layer %d: sparse validity meaning %llu (file version 2.3)",
                  layer, (unsigned long long)v->meaning);
  return check_pos(&v->pos, domain, next_buf, "validity", layer, err);
}

static int check_layers(sp_page *s, uint64_t num_rows, int nbuf, lf_error *err) {
  int next_buf = 2, rc;
  uint64_t domain = s->n ? s->L[0].num_slots : num_rows, items = s->num_visible;
  if (s->num_items > SP_MAX_ITEMS)
    return lf_err(err, LF_UNSUPPORTED, "sparse page of %llu items (at most %llu)",
                  (unsigned long long)s->num_items, (unsigned long long)SP_MAX_ITEMS);
  if (domain != num_rows)
    return lf_err(err, LF_CORRUPT, "sparse page has %llu rows but its outer layer %llu slots",
                  (unsigned long long)num_rows, (unsigned long long)domain);
  for (int i = 0; i < s->n; i++) {
    sp_layer *l = &s->L[i];
    if (l->kind == 0)
      return l->unknown ? lf_err(err, LF_UNSUPPORTED, "sparse structural layer variant %u "
                                 "(file version 2.3)", l->unknown)
                        : lf_err(err, LF_CORRUPT, "sparse structural layer %d has no variant", i);
    if (l->kind == SP_FSL)
      return lf_err(err, LF_UNSUPPORTED, "sparse fixed-size-list structural layers (file version 2.3)");
    if (l->num_slots != domain)
      return lf_err(err, LF_CORRUPT, "sparse layer %d has %llu slots, expected %llu", i,
                    (unsigned long long)l->num_slots, (unsigned long long)domain);
    if (l->num_slots > s->num_items) /* every slot yields at least one item */
      return lf_err(err, LF_CORRUPT, "sparse layer %d has %llu slots but the page %llu items", i,
                    (unsigned long long)l->num_slots, (unsigned long long)s->num_items);
    if (l->kind == SP_LIST) {
      if (!l->has_nonempty || !l->has_counts)
        return lf_err(err, LF_CORRUPT, "sparse list layer %d lacks its %s", i,
                      l->has_nonempty ? "counts" : "non-empty positions");
      if ((rc = check_pos(&l->nonempty, l->num_slots, &next_buf, "non-empty positions", i, err)))
        return rc;
      sp_counts *c = &l->counts;
      uint64_t k = l->nonempty.n;
      if (c->kind == 0)
        return c->unknown ? lf_err(err, LF_UNSUPPORTED, "layer %d: sparse count set variant %u "
                                   "(file version 2.3)", i, c->unknown)
                          : lf_err(err, LF_CORRUPT, "layer %d: count set has no variant", i);
      if ((c->kind == SP_CNT_EMPTY) != (k == 0))
        return lf_err(err, LF_CORRUPT, "layer %d: %s count set for %llu non-empty lists", i,
                      c->kind == SP_CNT_EMPTY ? "empty" : "non-empty", (unsigned long long)k);
      if (c->kind == SP_CNT_CONSTANT &&
          (c->value == 0 || c->value > UINT64_MAX / k || c->value * k != l->num_child))
        return lf_err(err, LF_CORRUPT, "layer %d: constant count %llu x %llu lists is not %llu "
                      "children", i, (unsigned long long)c->value, (unsigned long long)k,
                      (unsigned long long)l->num_child);
      if (c->kind == SP_CNT_EMPTY && l->num_child != 0)
        return lf_err(err, LF_CORRUPT, "layer %d: no non-empty lists but %llu children", i,
                      (unsigned long long)l->num_child);
      if (c->kind == SP_CNT_EXPLICIT) c->buf = next_buf++;
      items += l->num_slots - k; /* k <= num_slots: check_pos */
    } else {
      l->num_child = l->num_slots;
    }
    if ((rc = check_valid(&l->valid, l->num_slots, &next_buf, i, err))) return rc;
    if (l->num_child > s->num_items)
      return lf_err(err, LF_CORRUPT, "sparse layer %d has %llu children but the page %llu items",
                    i, (unsigned long long)l->num_child, (unsigned long long)s->num_items);
    domain = l->num_child;
  }
  if (domain != s->num_visible)
    return lf_err(err, LF_CORRUPT, "sparse layers end in %llu slots but the page has %llu "
                  "visible items", (unsigned long long)domain, (unsigned long long)s->num_visible);
  if (items != s->num_items)
    return lf_err(err, LF_CORRUPT, "sparse page has %llu items but its layers imply %llu",
                  (unsigned long long)s->num_items, (unsigned long long)items);
  if (nbuf != next_buf)
    return lf_err(err, LF_CORRUPT, "sparse page has %d buffers, its layout needs %d", nbuf,
                  next_buf);
  return LF_OK;
}

/* ---- materializing the sets ------------------------------------------------ */

/* n unsigned values of an explicit set's block (page buffer `buf`). */
static int read_u64s(lf_file *f, const lf_page *pg, sp_view enc, int buf, uint64_t n,
                     uint64_t *out, const char *what, lf_error *err) {
  uint8_t *d = NULL;
  lf_block b = {0};
  int rc = lf_page_read_buf(f, pg, buf, &d, err);
  if (!rc) rc = lf_decompress_block(enc.p, enc.n, (lf_bufview){d, pg->buf_len[buf]}, n, &b, err);
  if (!rc && (b.kind != LF_BLK_FIXED || (b.bits != 8 && b.bits != 16 && b.bits != 32 &&
                                         b.bits != 64) || b.n < n || b.data_len < n * (b.bits / 8)))
    rc = lf_err(err, LF_CORRUPT, "%s did not decode to %llu integers", what,
                (unsigned long long)n);
  if (!rc) {
    size_t w = (size_t)(b.bits / 8);
    for (uint64_t i = 0; i < n; i++) out[i] = lf_le(b.data + i * w, (unsigned)w);
  }
  lf_block_reset(&b);
  free(d);
  return rc ? lf_err_prefix(err, rc, "%s", what) : LF_OK;
}

/* The positions of a checked set, ascending (*out malloc'd, s->n entries). */
static int positions(lf_file *f, const lf_page *pg, const sp_pos *s, uint64_t domain,
                     uint64_t **out, const char *what, lf_error *err) {
  uint64_t *p = malloc((size_t)(s->n ? s->n : 1) * sizeof *p);
  *out = p;
  if (!p) return lf_err(err, LF_NOMEM, "out of memory");
  if (s->kind == SP_ALL || s->kind == SP_RANGE) {
    uint64_t start = s->kind == SP_ALL ? 0 : s->start;
    for (uint64_t i = 0; i < s->n; i++) p[i] = start + i;
    return LF_OK;
  }
  if (s->kind != SP_EXPLICIT) return LF_OK;
  int rc = read_u64s(f, pg, s->enc, s->buf, s->n, p, what, err);
  if (rc) return rc;
  for (uint64_t i = 1; i < s->n; i++) { /* deltas -> positions */
    if (p[i] == 0 || p[i] > UINT64_MAX - p[i - 1])
      return lf_err(err, LF_CORRUPT, "%s: delta %llu at %llu does not increase", what,
                    (unsigned long long)p[i], (unsigned long long)i);
    p[i] += p[i - 1];
  }
  if (p[s->n - 1] >= domain)
    return lf_err(err, LF_CORRUPT, "%s: position %llu outside a domain of %llu", what,
                  (unsigned long long)p[s->n - 1], (unsigned long long)domain);
  return LF_OK;
}

/* l->ok from the validity set (NULL when every slot is valid). */
static int materialize_validity(lf_file *f, const lf_page *pg, sp_layer *l, int i,
                                lf_error *err) {
  const sp_valid *v = &l->valid;
  int null_pos = v->meaning == SP_NULL_POSITIONS;
  uint64_t nnull = null_pos ? v->pos.n : l->num_slots - v->pos.n;
  if (nnull == 0) return LF_OK;
  uint64_t *p = NULL;
  int rc = positions(f, pg, &v->pos, l->num_slots, &p, "validity positions", err);
  if (!rc && !(l->ok = malloc((size_t)l->num_slots + 1))) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) {
    memset(l->ok, null_pos, (size_t)l->num_slots);
    for (uint64_t k = 0; k < v->pos.n; k++) l->ok[p[k]] = (uint8_t)!null_pos;
  }
  free(p);
  return rc ? lf_err_prefix(err, rc, "sparse layer %d", i) : LF_OK;
}

/* l->child offsets from the non-empty positions and their counts. */
static int materialize_list(lf_file *f, const lf_page *pg, sp_layer *l, int i, lf_error *err) {
  uint64_t k = l->nonempty.n, *p = NULL, *c = NULL;
  int rc = LF_OK;
  l->child = calloc((size_t)l->num_slots + 1, sizeof *l->child);
  if (!l->child || !(c = malloc((size_t)(k ? k : 1) * sizeof *c))) {
    rc = lf_err(err, LF_NOMEM, "out of memory");
    goto done;
  }
  if ((rc = positions(f, pg, &l->nonempty, l->num_slots, &p, "non-empty list positions", err)))
    goto done;
  if (l->counts.kind == SP_CNT_EXPLICIT) {
    if ((rc = read_u64s(f, pg, l->counts.enc, l->counts.buf, k, c, "list counts", err)))
      goto done;
  } else {
    for (uint64_t j = 0; j < k; j++) c[j] = l->counts.value;
  }
  for (uint64_t j = 0; j < k; j++) {
    if (c[j] == 0) {
      rc = lf_err(err, LF_CORRUPT, "non-empty list %llu has a count of 0", (unsigned long long)p[j]);
      goto done;
    }
    if (l->ok && !l->ok[p[j]]) {
      rc = lf_err(err, LF_CORRUPT, "null list %llu has %llu children", (unsigned long long)p[j],
                  (unsigned long long)c[j]);
      goto done;
    }
    l->child[p[j] + 1] = c[j];
  }
  for (uint64_t s = 0; s < l->num_slots; s++) {
    if (l->child[s + 1] > l->num_child - l->child[s]) {
      rc = lf_err(err, LF_CORRUPT, "list counts exceed %llu children",
                  (unsigned long long)l->num_child);
      goto done;
    }
    if (!l->child[s + 1] && (!l->ok || l->ok[s])) l->has_empty = 1;
    l->child[s + 1] += l->child[s];
  }
  if (l->child[l->num_slots] != l->num_child)
    rc = lf_err(err, LF_CORRUPT, "list counts sum to %llu, layer says %llu children",
                (unsigned long long)l->child[l->num_slots], (unsigned long long)l->num_child);
done:
  free(p);
  free(c);
  return rc ? lf_err_prefix(err, rc, "sparse layer %d", i) : LF_OK;
}

/* RepDefLayer of each sparse layer, inner-most first into out->layers, and
** the levels each layer's null / empty / new element takes (assemble.c). */
static void assign_layers(sp_page *s, lf_pagedata *out) {
  int implicit_leaf = s->n == 0 || s->L[s->n - 1].kind == SP_LIST;
  uint16_t def = 1, rep = 1;
  out->n_layers = 0;
  if (implicit_leaf) out->layers[out->n_layers++] = LF_LAYER_ALL_VALID_ITEM;
  for (int i = s->n - 1; i >= 0; i--) {
    sp_layer *l = &s->L[i];
    int nullable = l->ok != NULL;
    if (l->kind == SP_LIST) {
      out->layers[out->n_layers++] = (uint8_t)(
          nullable && l->has_empty ? LF_LAYER_NULL_AND_EMPTY_LIST
          : nullable               ? LF_LAYER_NULLABLE_LIST
          : l->has_empty           ? LF_LAYER_EMPTYABLE_LIST
                                   : LF_LAYER_ALL_VALID_LIST);
      if (nullable) l->def_null = def++;
      if (l->has_empty) l->def_empty = def++;
      l->rep_new = (uint16_t)(rep++ - 1); /* a new element of the rep-th list */
    } else {
      out->layers[out->n_layers++] = nullable ? LF_LAYER_NULLABLE_ITEM : LF_LAYER_ALL_VALID_ITEM;
      if (nullable) l->def_null = def++;
    }
  }
}

/* ---- levels ----------------------------------------------------------------- */

typedef struct sp_walk {
  const sp_page *s;
  uint16_t *rep, *def;
  uint64_t n, visible;
  int max_rep;
  lf_error *err;
} sp_walk;

static int emit(sp_walk *w, uint16_t rep, uint16_t def) {
  if (w->n >= w->s->num_items)
    return lf_err(w->err, LF_CORRUPT, "sparse layers yield more than %llu items",
                  (unsigned long long)w->s->num_items);
  if (w->rep) w->rep[w->n] = rep;
  if (w->def) w->def[w->n] = def;
  w->n++;
  return LF_OK;
}

/* Entries of slot `slot` of layer i: rep for the first, def the outer-most
** null / empty level so far (0 = none). */
static int walk(sp_walk *w, int i, uint64_t slot, uint16_t rep, uint16_t def) {
  if (i == w->s->n) {
    if (slot != w->visible++) return lf_err(w->err, LF_CORRUPT, "sparse leaf slots out of order");
    return emit(w, rep, def);
  }
  const sp_layer *l = &w->s->L[i];
  int valid = !l->ok || l->ok[slot];
  if (l->kind != SP_LIST) return walk(w, i + 1, slot, rep, def ? def : valid ? 0 : l->def_null);
  uint64_t a = l->child[slot], b = l->child[slot + 1];
  if (!valid || a == b) return emit(w, rep, def ? def : valid ? l->def_empty : l->def_null);
  if (def)
    return lf_err(w->err, LF_UNSUPPORTED, "non-empty list below a null struct slot (sparse layer %d "
                  "slot %llu) has no repetition/definition form", i, (unsigned long long)slot);
  for (uint64_t c = a; c < b; c++) {
    int rc = walk(w, i + 1, c, c == a ? rep : l->rep_new, 0);
    if (rc) return rc;
  }
  return LF_OK;
}

static int build_levels(const sp_page *s, lf_pagedata *out, lf_error *err) {
  int max_rep = lf_layers_max_rep(out->layers, out->n_layers), has_def = 0;
  for (int i = 0; i < s->n; i++) has_def |= s->L[i].def_null || s->L[i].def_empty;
  if (!max_rep && !has_def) return LF_OK; /* no levels: one visible item per row */
  sp_walk w = {s, NULL, NULL, 0, 0, max_rep, err};
  size_t bytes = (size_t)(s->num_items ? s->num_items : 1) * 2;
  if ((max_rep && !(w.rep = malloc(bytes))) || (has_def && !(w.def = malloc(bytes)))) {
    free(w.rep);
    free(w.def);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  out->rep = w.rep;
  out->def = w.def;
  for (uint64_t r = 0; r < out->num_rows; r++) {
    int rc = walk(&w, 0, r, (uint16_t)max_rep, 0);
    if (rc) return rc;
  }
  if (w.n != s->num_items || w.visible != s->num_visible)
    return lf_err(err, LF_CORRUPT, "sparse layers yield %llu items (%llu visible), page says %llu "
                  "(%llu)", (unsigned long long)w.n, (unsigned long long)w.visible,
                  (unsigned long long)s->num_items, (unsigned long long)s->num_visible);
  out->n_levels = w.n;
  return LF_OK;
}

/* ---- values ----------------------------------------------------------------- */

static int decode_value_chunk(const sp_page *s, const uint8_t *c, size_t clen, uint64_t nvals,
                              lf_block *vals, lf_error *err) {
  size_t szw = s->large ? 4 : 2, off = 2 + szw * (size_t)s->num_buffers;
  lf_bufview bufs[SP_MAX_BUFFERS];
  if (off > clen) return lf_err(err, LF_CORRUPT, "chunk header exceeds the chunk (%zu bytes)", clen);
  off = (off + 7) & ~(size_t)7;
  for (uint64_t i = 0; i < s->num_buffers; i++) {
    uint64_t len = lf_le(c + 2 + szw * i, (unsigned)szw);
    if (off > clen || len > clen - off)
      return lf_err(err, LF_CORRUPT, "chunk buffer %llu (%llu bytes) exceeds the chunk (%zu bytes)",
                    (unsigned long long)i, (unsigned long long)len, clen);
    bufs[i].p = c + off;
    bufs[i].len = len;
    off = (off + (size_t)len + 7) & ~(size_t)7;
  }
  return lf_miniblock_values(s->val_enc.p, s->val_enc.n, bufs, (int)s->num_buffers, nvals, vals,
                             err);
}

static int decode_values(lf_file *f, const lf_page *pg, const sp_page *s, lf_block *vals,
                         lf_error *err) {
  uint8_t *meta = NULL, *data = NULL;
  int rc;
  if ((rc = lf_page_read_buf(f, pg, 0, &meta, err)) || (rc = lf_page_read_buf(f, pg, 1, &data, err)))
    goto done;
  uint64_t mlen = pg->buf_len[0], dlen = pg->buf_len[1], pos = 0, seen = 0;
  if (mlen % 8) {
    rc = lf_err(err, LF_CORRUPT, "sparse chunk metadata of %llu bytes", (unsigned long long)mlen);
    goto done;
  }
  for (uint64_t i = 0; i < mlen / 8; i++) {
    uint64_t bytes = ((uint64_t)lf_le32(meta + 8 * i) + 1) * 8, n = lf_le32(meta + 8 * i + 4);
    if (bytes > dlen - pos || n > s->num_visible - seen) {
      rc = lf_err(err, LF_CORRUPT, "sparse value chunk %llu (%llu values, %llu bytes) exceeds the page",
                  (unsigned long long)i, (unsigned long long)n, (unsigned long long)bytes);
      goto done;
    }
    if ((rc = decode_value_chunk(s, data + pos, (size_t)bytes, n, vals, err))) {
      rc = lf_err_prefix(err, rc, "sparse value chunk %llu", (unsigned long long)i);
      goto done;
    }
    pos += bytes;
    seen += n;
  }
  if (seen != s->num_visible || pos != dlen)
    rc = lf_err(err, LF_CORRUPT, "sparse value chunks hold %llu values in %llu bytes, page says "
                "%llu values in %llu bytes", (unsigned long long)seen, (unsigned long long)pos,
                (unsigned long long)s->num_visible, (unsigned long long)dlen);
  else if (lf_packed_kind(s->val_enc.p, s->val_enc.n))
    rc = lf_unpack_struct_rows(s->val_enc.p, s->val_enc.n, vals, err);
done:
  free(meta);
  free(data);
  return rc;
}

/* ---- entry point ---------------------------------------------------------------- */

int lf_decode_sparse(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t enc_len,
                     lf_pagedata *out, lf_error *err) {
  sp_page *s = calloc(1, sizeof *s);
  if (!s) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = parse_layout(enc, enc_len, s, err);
  if (!rc) rc = check_layers(s, pg->num_rows, pg->nbuf, err);
  for (int i = 0; i < s->n && !rc; i++) {
    rc = materialize_validity(f, pg, &s->L[i], i, err);
    if (!rc && s->L[i].kind == SP_LIST) rc = materialize_list(f, pg, &s->L[i], i, err);
  }
  if (!rc) {
    assign_layers(s, out);
    rc = build_levels(s, out, err);
  }
  if (!rc) rc = decode_values(f, pg, s, &out->vals, err);
  for (int i = 0; i < s->n; i++) {
    free(s->L[i].ok);
    free(s->L[i].child);
  }
  free(s);
  return rc;
}
