/*
** values.c: owns the conversion of a decoded physical block (lf_block) into
** the values of a typed leaf array: fixed-width copies, bit-packed booleans
** to bytes, fixed-size lists into their child, variable-width offsets/data.
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

static int fixed_copy(lf_array *a, uint64_t at, int w, const lf_block *b, uint64_t i0,
                      uint64_t n, lf_error *err) {
  if (lf_array_alloc_values(a, (at + n) * (uint64_t)w)) return lf_err(err, LF_NOMEM, "out of memory");
  uint8_t *dst = a->values + at * (uint64_t)w;
  if (b->kind == LF_BLK_EMPTY) {
    memset(dst, 0, n * (uint64_t)w);
    return LF_OK;
  }
  if (b->kind != LF_BLK_FIXED)
    return lf_err(err, LF_CORRUPT, "column '%s': variable-width data for a fixed-width type",
                  a->field->name);
  if (b->bits == 1 && w == 1 && a->field->type == LF_T_BOOL) {
    lf_bits_to_bytes(b->data, i0, n, dst);
    return LF_OK;
  }
  if (b->bits != (uint64_t)w * 8)
    return lf_err(err, LF_CORRUPT, "column '%s': %llu-bit values for a %d-byte type",
                  a->field->name, (unsigned long long)b->bits, w);
  memcpy(dst, b->data + i0 * (uint64_t)w, n * (uint64_t)w);
  return LF_OK;
}

static int var_copy(lf_array *a, uint64_t at, const lf_block *b, uint64_t i0, uint64_t n,
                    lf_error *err) {
  if (lf_array_alloc_offsets(a, at + n + 1)) return lf_err(err, LF_NOMEM, "out of memory");
  if (at == 0) a->offsets[0] = 0;
  uint64_t start = a->offsets[at];
  if (b->kind == LF_BLK_EMPTY) {
    for (uint64_t k = 1; k <= n; k++) a->offsets[at + k] = start;
    if (lf_array_alloc_data(a, start)) return lf_err(err, LF_NOMEM, "out of memory");
    return LF_OK;
  }
  if (b->kind != LF_BLK_VARIABLE)
    return lf_err(err, LF_CORRUPT, "column '%s': fixed-width data for a variable-width type",
                  a->field->name);
  uint64_t base = b->offsets[i0], nbytes = b->offsets[i0 + n] - base;
  if (lf_array_alloc_data(a, start + nbytes)) return lf_err(err, LF_NOMEM, "out of memory");
  memcpy(a->data + start, b->data + base, nbytes);
  for (uint64_t k = 1; k <= n; k++) a->offsets[at + k] = start + b->offsets[i0 + k] - base;
  a->data_len = start + nbytes;
  return LF_OK;
}

static int fsl_copy(lf_array *a, uint64_t at, const lf_block *b, uint64_t i0, uint64_t n,
                    lf_error *err) {
  if (a->n_children != 1) return lf_err(err, LF_NOMEM, "out of memory");
  lf_array *c = &a->children[0];
  const lf_field *cf = c->field;
  uint64_t dim = (uint64_t)a->field->fixed_size;
  int w = lf_type_width(cf);
  if (!w || cf->type == LF_T_FIXED_LIST)
    return lf_err(err, LF_UNSUPPORTED, "column '%s': fixed_size_list of %s is not supported yet",
                  a->field->name, cf->logical_type);
  lf_block inner = *b;
  if (b->kind == LF_BLK_FIXED) {
    if (b->bits != dim * (uint64_t)w * 8 && !(cf->type == LF_T_BOOL && b->bits == dim))
      return lf_err(err, LF_CORRUPT, "column '%s': %llu-bit values for fixed_size_list[%llu] of %s",
                    a->field->name, (unsigned long long)b->bits, (unsigned long long)dim,
                    cf->logical_type);
    inner.bits = b->bits / dim;
    inner.n = b->n * dim;
  }
  uint64_t cat = at * dim;
  int rc = fixed_copy(c, cat, w, &inner, i0 * dim, n * dim, err);
  if (rc) return rc;
  /* Item validity is only written once an item is null (vectors rarely have
  ** null items): while null_count is 0 the earlier bytes are not read, and
  ** they are filled with 1 when the first null arrives. */
  if (b->valid && b->dim == dim) { /* FixedSizeList has_validity: one byte per item */
    if (lf_array_alloc_valid(c, cat + n * dim)) return lf_err(err, LF_NOMEM, "out of memory");
    if (c->null_count == 0) memset(c->valid_buf, 1, cat);
    for (uint64_t k = 0; k < n * dim; k++) {
      uint8_t v = b->valid[i0 * dim + k];
      c->valid_buf[cat + k] = v;
      c->null_count += !v;
    }
  } else if (c->null_count) {
    if (lf_array_alloc_valid(c, cat + n * dim)) return lf_err(err, LF_NOMEM, "out of memory");
    memset(c->valid_buf + cat, 1, n * dim);
  }
  c->length = cat + n * dim;
  return LF_OK;
}

/* A packed struct (or blob descriptor) stored in one column: each child
** takes its field's block; child rows are valid, the struct's own validity
** comes from the levels. */
static int struct_copy(lf_array *a, uint64_t at, const lf_block *b, uint64_t i0, uint64_t n,
                       lf_error *err) {
  if (b->kind != LF_BLK_STRUCT && b->kind != LF_BLK_EMPTY)
    return lf_err(err, LF_CORRUPT, "column '%s': struct stored as non-struct data", a->field->name);
  if (b->kind == LF_BLK_STRUCT && b->n_children != a->n_children)
    return lf_err(err, LF_CORRUPT, "column '%s': %d packed fields for a struct of %d",
                  a->field->name, b->n_children, a->n_children);
  lf_block empty = {0};
  for (int k = 0; k < a->n_children; k++) {
    lf_array *c = &a->children[k];
    const lf_block *cb = b->kind == LF_BLK_STRUCT ? &b->children[k] : &empty;
    if (c->length != at)
      return lf_err(err, LF_CORRUPT, "column '%s': packed field '%s' out of step", a->field->name,
                    c->field->name);
    int rc = lf_append_values(c, cb, b->kind == LF_BLK_STRUCT ? i0 : 0, n, err);
    if (rc) return rc;
    if (lf_array_alloc_valid(c, at + n)) return lf_err(err, LF_NOMEM, "out of memory");
    memset(c->valid_buf + at, 1, n);
    c->length = at + n;
  }
  return LF_OK;
}

int lf_append_values(lf_array *a, const lf_block *b, uint64_t i0, uint64_t n, lf_error *err) {
  const lf_field *f = a->field;
  uint64_t at = a->length;
  if (b->kind != LF_BLK_EMPTY && i0 + n > b->n)
    return lf_err(err, LF_CORRUPT, "column '%s': %llu values wanted from a block of %llu",
                  f->name, (unsigned long long)(i0 + n), (unsigned long long)b->n);
  if (f->type == LF_T_FIXED_LIST) return fsl_copy(a, at, b, i0, n, err);
  if (f->type == LF_T_STRUCT) return struct_copy(a, at, b, i0, n, err);
  if (lf_type_is_varwidth(f->type)) return var_copy(a, at, b, i0, n, err);
  if (f->type == LF_T_NULL) return LF_OK;
  int w = lf_type_width(f);
  if (!w)
    return lf_err(err, LF_UNSUPPORTED, "column '%s': reading %s leaves is not supported",
                  f->name, lf_type_name(f->type));
  return fixed_copy(a, at, w, b, i0, n, err);
}
