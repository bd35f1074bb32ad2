/*
** packed.c: owns splitting packed struct rows into one block per field.
**   PackedStruct{1 repeated bits_per_value, 2 values}: each row is the
**     fields' fixed-width values back to back (row-major), whole bytes.
**   VariablePackedStruct{1 repeated FieldEncoding{1 value, 2 bits_per_value |
**     3 bits_per_length}}: each row is, field by field, either a fixed value
**     of bits_per_value bits or a little-endian length of bits_per_length
**     bits followed by that many bytes.  A field's own value encoding is
**     plain (Flat / Variable, or a FixedSizeList of Flat without item
**     validity), or Fsst over Variable (each value compressed by itself with
**     the field's symbol table); others are unsupported.
*/
#include "codec.h"
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64

typedef struct pfield {
  uint64_t bits;      /* fixed width in bits, or 0 */
  uint64_t len_bits;  /* variable: length prefix width in bits */
  lf_fsst_table *fsst; /* variable values FSST-compressed one by one (owned) */
  uint64_t plain_bits; /* a fixed-size list field: its width as stored, or 0 */
} pfield;

static void free_fields(pfield *pf, int nf) {
  for (int i = 0; i < nf; i++) free(pf[i].fsst);
}

int lf_packed_kind(const uint8_t *enc, size_t enc_len) {
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, enc, enc_len);
  if (lf_pb_next(&pb, &f, "encoding", NULL) <= 0) return 0;
  return f.num == 12 || f.num == 13 ? (int)f.num : 0;
}

/* A field's CompressiveEncoding: Flat (1) or Variable (2) without buffer
** compression, Fsst (6) whose symbol table is parsed into p->fsst, or a
** FixedSizeList (11) of Flat stored as is (no item validity, nothing
** compressed: lf_fullzip_plain_bits), whose width goes to p->plain_bits. */
static int field_encoding(const uint8_t *d, size_t n, pfield *p, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  lf_pb_init(&pb, d, n);
  int r = lf_pb_next(&pb, &f, "packed field encoding", err);
  if (r < 0) return LF_CORRUPT;
  if (r > 0 && f.num == 11) return lf_fullzip_plain_bits(d, n, &p->plain_bits, err);
  if (r == 0 || (f.num != 1 && f.num != 2 && f.num != 6))
    return lf_err(err, LF_UNSUPPORTED, "variable packed struct field with compression %u",
                  r ? f.num : 0);
  lf_pb_sub(&sub, &f);
  while ((r = lf_pb_next(&sub, &g, "packed field encoding", err)) > 0) {
    if (f.num == 6 && g.num == 1 && g.wire == 2) {
      if (!(p->fsst = malloc(sizeof *p->fsst))) return lf_err(err, LF_NOMEM, "out of memory");
      int rc = lf_fsst_table_parse(p->fsst, g.data, g.len, err);
      if (rc) return rc;
    } else if (f.num != 6 && g.num == 2) {
      return lf_err(err, LF_UNSUPPORTED, "compressed variable packed struct field");
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (f.num == 6 && !p->fsst) return lf_err(err, LF_CORRUPT, "fsst field without symbol table");
  return LF_OK;
}

static int parse_fields(const uint8_t *enc, size_t enc_len, int *kind, pfield *pf, int *nf,
                        lf_error *err) {
  lf_pb pb, sub, fe;
  lf_pb_field f, g, h;
  lf_pb_init(&pb, enc, enc_len);
  int r = lf_pb_next(&pb, &f, "packed struct", err);
  if (r <= 0 || f.wire != 2) return lf_err(err, LF_CORRUPT, "packed struct encoding missing");
  *kind = (int)f.num;
  *nf = 0;
  lf_pb_sub(&sub, &f);
  while ((r = lf_pb_next(&sub, &g, "packed struct", err)) > 0) {
    if (g.num != 1) continue;
    if (*kind == 12) { /* repeated bits_per_value, packed or not */
      uint64_t *v = NULL;
      size_t nv = 0, cap = 0;
      int rc = lf_pb_append_u64s(&g, &v, &nv, &cap, err);
      for (size_t i = 0; !rc && i < nv; i++) {
        if (*nf >= MAX_FIELDS) rc = lf_err(err, LF_UNSUPPORTED, "packed struct of > %d fields", MAX_FIELDS);
        else pf[(*nf)++] = (pfield){v[i], 0, NULL, 0};
      }
      free(v);
      if (rc) return rc;
      continue;
    }
    if (*nf >= MAX_FIELDS) return lf_err(err, LF_UNSUPPORTED, "packed struct of > %d fields", MAX_FIELDS);
    pfield *p = &pf[(*nf)++];
    memset(p, 0, sizeof *p);
    lf_pb_sub(&fe, &g);
    while ((r = lf_pb_next(&fe, &h, "packed struct field", err)) > 0) {
      if (h.num == 1 && h.wire == 2 && !p->fsst) {
        int rc = field_encoding(h.data, h.len, p, err);
        if (rc) return rc;
      }
      if (h.num == 2) p->bits = h.u;
      if (h.num == 3) p->len_bits = h.u;
    }
    if (r < 0) return LF_CORRUPT;
  }
  if (r < 0) return LF_CORRUPT;
  for (int i = 0; i < *nf; i++) {
    uint64_t b = pf[i].bits ? pf[i].bits : pf[i].len_bits;
    if (!b || b % 8 || b > 64 * 8 || (pf[i].len_bits && b > 64))
      return lf_err(err, LF_UNSUPPORTED, "packed struct field %d of %llu bits", i,
                    (unsigned long long)b);
    if (pf[i].plain_bits && pf[i].plain_bits != pf[i].bits)
      return lf_err(err, LF_CORRUPT, "packed struct field %d: %llu bits, its encoding %llu", i,
                    (unsigned long long)pf[i].bits, (unsigned long long)pf[i].plain_bits);
  }
  return *nf ? LF_OK : lf_err(err, LF_CORRUPT, "packed struct without fields");
}

static int alloc_children(lf_block *o, const pfield *pf, int nf, uint64_t n, lf_error *err) {
  o->kind = LF_BLK_STRUCT;
  o->n = n;
  o->n_children = nf;
  if (!(o->children = calloc((size_t)nf, sizeof *o->children))) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < nf; i++) {
    lf_block *c = &o->children[i];
    c->n = n;
    if (pf[i].bits) {
      c->kind = LF_BLK_FIXED, c->bits = pf[i].bits, c->data_len = n * (pf[i].bits / 8);
      if (!(c->data = calloc(c->data_len + 8, 1))) return lf_err(err, LF_NOMEM, "out of memory");
    } else {
      c->kind = LF_BLK_VARIABLE;
      if (!(c->offsets = calloc(n + 1, 8))) return lf_err(err, LF_NOMEM, "out of memory");
    }
  }
  return LF_OK;
}

/* Split one row [p, p+len) field by field into child row i. */
static int split_row(lf_block *o, const pfield *pf, int nf, uint64_t i, const uint8_t *p,
                     uint64_t len, lf_error *err) {
  uint64_t pos = 0;
  for (int k = 0; k < nf; k++) {
    lf_block *c = &o->children[k];
    if (pf[k].bits) {
      uint64_t w = pf[k].bits / 8;
      if (len - pos < w) return lf_err(err, LF_CORRUPT, "packed row %llu is truncated", (unsigned long long)i);
      memcpy(c->data + i * w, p + pos, (size_t)w);
      pos += w;
      continue;
    }
    int lw = (int)(pf[k].len_bits / 8);
    if (len - pos < (uint64_t)lw) return lf_err(err, LF_CORRUPT, "packed row %llu is truncated", (unsigned long long)i);
    uint64_t l = lf_le(p + pos, (unsigned)lw);
    pos += lw;
    if (l > len - pos) return lf_err(err, LF_CORRUPT, "packed row %llu field %d overruns", (unsigned long long)i, k);
    const uint8_t *src = p + pos;
    uint8_t *dec = NULL;
    size_t dlen = (size_t)l;
    if (pf[k].fsst) { /* one compressed value */
      uint64_t offs[2] = {0, l};
      void *doffs = NULL;
      int rc = lf_fsst_decode(pf[k].fsst, src, (size_t)l, offs, 64, 1, (size_t)l * 8 + 64, &dec,
                              &dlen, &doffs, err);
      free(doffs);
      if (rc) return rc;
      src = dec;
    }
    uint8_t *nd = realloc(c->data, c->data_len + dlen + 8);
    if (!nd) {
      free(dec);
      return lf_err(err, LF_NOMEM, "out of memory");
    }
    c->data = nd;
    memcpy(nd + c->data_len, src, dlen);
    free(dec);
    c->data_len += dlen;
    pos += l;
    c->offsets[i + 1] = c->data_len;
  }
  return LF_OK;
}

int lf_unpack_struct_rows(const uint8_t *enc, size_t enc_len, lf_block *rows, lf_error *err) {
  pfield pf[MAX_FIELDS];
  int kind = 0, nf = 0;
  int rc = parse_fields(enc, enc_len, &kind, pf, &nf, err);
  if (rc) {
    free_fields(pf, nf);
    return rc;
  }
  uint64_t rowbits = 0;
  for (int k = 0; k < nf; k++) rowbits += pf[k].bits;
  lf_block o = {0};
  if (kind == 12 && (rows->kind != LF_BLK_FIXED || rows->bits != rowbits))
    rc = lf_err(err, LF_CORRUPT, "packed struct rows of %llu bits, fields sum to %llu",
                (unsigned long long)rows->bits, (unsigned long long)rowbits);
  else if (kind == 13 && rows->kind != LF_BLK_VARIABLE)
    rc = lf_err(err, LF_CORRUPT, "variable packed struct rows are not variable-width");
  else
    rc = alloc_children(&o, pf, nf, rows->n, err);
  for (uint64_t i = 0; !rc && i < rows->n; i++) {
    const uint8_t *p;
    uint64_t len;
    if (kind == 12) p = rows->data + i * (rowbits / 8), len = rowbits / 8;
    else p = rows->data + rows->offsets[i], len = rows->offsets[i + 1] - rows->offsets[i];
    if (kind == 13 && len == 0) { /* null row: empty fields */
      for (int k = 0; k < nf; k++)
        if (!pf[k].bits) o.children[k].offsets[i + 1] = o.children[k].data_len;
      continue;
    }
    rc = split_row(&o, pf, nf, i, p, len, err);
  }
  free_fields(pf, nf);
  if (rc) {
    lf_block_reset(&o);
    return rc;
  }
  o.valid = rows->valid;
  rows->valid = NULL;
  lf_block_reset(rows);
  *rows = o;
  return LF_OK;
}
