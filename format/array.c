/* array.c: owns lf_array (decoded column vectors): init, growth, reset. */
#include "lf.h"

#include <stdlib.h>
#include <string.h>

void lf_array_init(lf_array *a, const lf_field *f) {
  memset(a, 0, sizeof *a);
  if (f && f->desc) f = f->desc;
  a->field = f;
  if (!f || !f->n_children) return;
  a->children = calloc((size_t)f->n_children, sizeof *a->children);
  if (!a->children) return; /* n_children stays 0: decoders report LF_NOMEM */
  a->n_children = f->n_children;
  for (int i = 0; i < f->n_children; i++) lf_array_init(&a->children[i], f->children[i]);
}

void lf_array_reset(lf_array *a) {
  if (!a) return;
  for (int i = 0; i < a->n_children; i++) lf_array_reset(&a->children[i]);
  free(a->children);
  free(a->valid_buf);
  free(a->values);
  free(a->offsets);
  free(a->data);
  memset(a, 0, sizeof *a);
}

static int grow(void **p, size_t *cap, size_t need) {
  if (need <= *cap && *p) return LF_OK;
  size_t nc = *cap ? *cap : 64;
  while (nc < need) nc = nc > SIZE_MAX / 2 ? need : nc * 2;
  void *np = realloc(*p, nc);
  if (!np) return LF_NOMEM;
  *p = np;
  *cap = nc;
  return LF_OK;
}

int lf_array_alloc_valid(lf_array *a, uint64_t n) {
  if (grow((void **)&a->valid_buf, &a->cap_valid, (size_t)n + 1)) return LF_NOMEM;
  a->valid = a->valid_buf;
  return LF_OK;
}
int lf_array_alloc_values(lf_array *a, uint64_t nbytes) {
  return grow((void **)&a->values, &a->cap_values, (size_t)nbytes + 8);
}
int lf_array_alloc_offsets(lf_array *a, uint64_t n) {
  if (n > SIZE_MAX / 8 - 1) return LF_NOMEM;
  return grow((void **)&a->offsets, &a->cap_offsets, ((size_t)n + 1) * 8);
}
int lf_array_alloc_data(lf_array *a, uint64_t nbytes) {
  return grow((void **)&a->data, &a->cap_data, (size_t)nbytes + 8);
}

void lf_array_clear(lf_array *a) {
  a->length = 0;
  a->null_count = 0;
  a->data_len = 0;
  a->valid = NULL;
  for (int i = 0; i < a->n_children; i++) lf_array_clear(&a->children[i]);
}

void lf_array_finish(lf_array *a) {
  a->valid = a->null_count ? a->valid_buf : NULL;
  lf_type t = a->field ? a->field->type : LF_T_NULL;
  if (!a->offsets && (lf_type_is_varwidth(t) || t == LF_T_LIST || t == LF_T_LARGE_LIST) &&
      !lf_array_alloc_offsets(a, 0))
    a->offsets[0] = 0;
  for (int i = 0; i < a->n_children; i++) lf_array_finish(&a->children[i]);
}

void lf_array_truncate(lf_array *a, uint64_t n) {
  if (n >= a->length) return;
  lf_type t = a->field ? a->field->type : LF_T_NULL;
  if (a->null_count) {
    a->null_count = 0;
    for (uint64_t i = 0; i < n; i++) a->null_count += !a->valid_buf[i];
  }
  uint64_t end = n && a->offsets ? a->offsets[n] : 0; /* data bytes or child rows kept */
  if (lf_type_is_varwidth(t)) a->data_len = end;
  for (int i = 0; i < a->n_children; i++) {
    uint64_t cn = t == LF_T_LIST || t == LF_T_LARGE_LIST ? end
                : t == LF_T_FIXED_LIST ? n * (uint64_t)a->field->fixed_size : n;
    lf_array_truncate(&a->children[i], cn);
  }
  a->length = n;
}

int lf_array_push_valid(lf_array *a, const uint8_t *valid, uint64_t n) {
  if (lf_array_alloc_valid(a, a->length + n)) return LF_NOMEM;
  for (uint64_t i = 0; i < n; i++) {
    uint8_t v = valid ? valid[i] : 1;
    a->valid_buf[a->length + i] = v;
    a->null_count += !v;
  }
  return LF_OK;
}

int lf_array_append_nulls(lf_array *a, uint64_t n) {
  const lf_field *f = a->field;
  uint64_t at = a->length;
  if (lf_array_alloc_valid(a, at + n)) return LF_NOMEM;
  if (a->null_count == 0) memset(a->valid_buf, 1, at); /* may not be written yet (values.c) */
  memset(a->valid_buf + at, 0, n);
  a->null_count += n;
  int w = f ? lf_type_width(f) : 0;
  if (f && (lf_type_is_varwidth(f->type) || f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST)) {
    if (lf_array_alloc_offsets(a, at + n + 1)) return LF_NOMEM;
    uint64_t end = at ? a->offsets[at] : 0; /* data bytes or child rows so far */
    for (uint64_t i = at; i <= at + n; i++) a->offsets[i] = end;
  } else if (w) {
    if (lf_array_alloc_values(a, (at + n) * (uint64_t)w)) return LF_NOMEM;
    memset(a->values + at * (uint64_t)w, 0, n * (uint64_t)w);
  }
  uint64_t per = f && f->type == LF_T_FIXED_LIST ? (uint64_t)f->fixed_size : 1;
  if (f && f->type != LF_T_LIST && f->type != LF_T_LARGE_LIST)
    for (int i = 0; i < a->n_children; i++)
      if (lf_array_append_nulls(&a->children[i], n * per)) return LF_NOMEM;
  a->length = at + n;
  return LF_OK;
}

/* Validity of src rows [start, start + n) onto dst at dst->length. */
static int copy_valid(lf_array *dst, const lf_array *src, uint64_t start, uint64_t n) {
  uint64_t at = dst->length, nulls = 0;
  const uint8_t *sv = src->null_count && src->valid ? src->valid + start : NULL;
  for (uint64_t i = 0; sv && i < n; i++) nulls += !sv[i];
  if (lf_array_alloc_valid(dst, at + n)) return LF_NOMEM;
  if (nulls && !dst->null_count) memset(dst->valid_buf, 1, at); /* may not be written yet */
  if (sv) memcpy(dst->valid_buf + at, sv, n);
  else memset(dst->valid_buf + at, 1, n);
  dst->null_count += nulls;
  return LF_OK;
}

int lf_array_append_range(lf_array *dst, const lf_array *src, uint64_t start, uint64_t n) {
  const lf_field *f = dst->field;
  uint64_t at = dst->length;
  if (!n) return LF_OK;
  if (!f || start + n > src->length || copy_valid(dst, src, start, n)) return LF_NOMEM;
  int w = lf_type_width(f), offs = lf_type_is_varwidth(f->type) || f->type == LF_T_LIST ||
                                   f->type == LF_T_LARGE_LIST;
  uint64_t cstart = start, cn = n; /* the children's rows */
  if (offs) {
    uint64_t s0 = src->offsets[start], s1 = src->offsets[start + n];
    uint64_t end = at ? dst->offsets[at] : 0;
    if (lf_array_alloc_offsets(dst, at + n + 1)) return LF_NOMEM;
    if (!at) dst->offsets[0] = 0;
    for (uint64_t i = 1; i <= n; i++) dst->offsets[at + i] = end + src->offsets[start + i] - s0;
    if (lf_type_is_varwidth(f->type)) {
      if (lf_array_alloc_data(dst, end + (s1 - s0))) return LF_NOMEM;
      memcpy(dst->data + end, src->data + s0, s1 - s0);
      dst->data_len = end + (s1 - s0);
    }
    cstart = s0, cn = s1 - s0;
  } else if (w) {
    if (lf_array_alloc_values(dst, (at + n) * (uint64_t)w)) return LF_NOMEM;
    memcpy(dst->values + at * (uint64_t)w, src->values + start * (uint64_t)w, n * (uint64_t)w);
  } else if (f->type == LF_T_FIXED_LIST) {
    cstart = start * (uint64_t)f->fixed_size, cn = n * (uint64_t)f->fixed_size;
  }
  for (int i = 0; i < dst->n_children && i < src->n_children; i++)
    if (lf_array_append_range(&dst->children[i], &src->children[i], cstart, cn)) return LF_NOMEM;
  dst->length = at + n;
  return LF_OK;
}
