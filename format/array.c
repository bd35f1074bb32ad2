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
