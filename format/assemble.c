/*
** assemble.c: owns the step from rep/def levels + visible items to nested
** column vectors (lf_array trees), for file versions 2.1+.
**
** Layers come inner-most first (layer 0 is the leaf item, the last layer is
** the top-level field); layer j describes path[depth-1-j].  Definition
** levels are numbered from 1 upward in that order: a nullable layer takes one
** level (its null), an emptyable list one (its empty), a nullable and
** emptyable list two (null, then empty).  Level 0 means valid everywhere.
** A definition level v names the layer that is null or empty; every layer
** outside it is valid, every layer inside it is missing, except that a null
** struct (non-list) layer still gives its inner non-list layers a null slot
** (struct children have the struct's length) down to the next list, which
** becomes a null list.
** Repetition levels: max_rep = number of list layers; a level r starts a new
** instance of every layer inside the (r+1)-th list from the inside (all
** layers when r == max_rep, which starts a row).
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct layer_plan {
  int is_list;
  int write;
  lf_array *arr;
} layer_plan;

/* Reserve room for `extra` more rows in a node (validity, offsets). */
static int reserve_node(lf_array *a, int is_list, uint64_t extra) {
  if (lf_array_alloc_valid(a, a->length + extra)) return LF_NOMEM;
  if (is_list && lf_array_alloc_offsets(a, a->length + extra + 1)) return LF_NOMEM;
  return LF_OK;
}

static inline void push_inst(layer_plan *L, int j, int valid) {
  lf_array *a = L[j].arr;
  if (!L[j].write) return;
  a->valid_buf[a->length] = (uint8_t)valid;
  a->null_count += !valid;
  if (L[j].is_list) a->offsets[a->length] = L[j - 1].arr->length;
  a->length++;
}

/* Walk one level entry: create the instances it starts. Returns the number
** of visible leaf items it consumed (0 or 1). */
static int walk_entry(layer_plan *L, int cut, int owner, int owner_empty) {
  int masked = 0;
  for (int j = cut - 1; j >= 0; j--) {
    if (masked) { /* inside a null struct */
      push_inst(L, j, 0);
      if (L[j].is_list) return 0;
      if (j == 0) return 1;
      continue;
    }
    if (j > owner) {
      push_inst(L, j, 1);
    } else if (j == owner) {
      push_inst(L, j, owner_empty);
      if (L[j].is_list) return 0;
      masked = 1;
    } else {
      return 0;
    }
    if (j == 0) return 1;
  }
  return 0;
}

static int build_plan(const lf_pagedata *pd, lf_array **path, const int *write, int depth,
                      layer_plan *L, int8_t *owner, uint8_t *owner_empty, int *cut_of_rep,
                      int *ndef, lf_error *err) {
  if (pd->n_layers != depth)
    return lf_err(err, LF_CORRUPT, "page has %d repdef layers but the field nests %d deep",
                  pd->n_layers, depth);
  int def = 1, nlist = 0;
  owner[0] = -1;
  for (int j = 0; j < depth; j++) {
    int l = pd->layers[j];
    L[j].is_list = lf_layer_is_list(l);
    L[j].arr = path[depth - 1 - j];
    L[j].write = write[depth - 1 - j];
    const lf_field *f = L[j].arr->field;
    int field_list = f && (f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST);
    if (L[j].is_list != field_list)
      return lf_err(err, LF_CORRUPT, "repdef layer %d (%d) does not match field '%s' (%s)", j,
                    l, f ? f->name : "?", f ? lf_type_name(f->type) : "?");
    if (L[j].is_list && j == 0) return lf_err(err, LF_CORRUPT, "inner-most layer is a list");
    if (l == LF_LAYER_NULLABLE_ITEM || l == LF_LAYER_NULLABLE_LIST ||
        l == LF_LAYER_NULL_AND_EMPTY_LIST)
      owner[def] = (int8_t)j, owner_empty[def++] = 0;
    if (l == LF_LAYER_EMPTYABLE_LIST || l == LF_LAYER_NULL_AND_EMPTY_LIST)
      owner[def] = (int8_t)j, owner_empty[def++] = 1;
    if (L[j].is_list) cut_of_rep[nlist++] = j; /* rep r -> cut at list r+1 */
  }
  cut_of_rep[nlist] = depth;
  *ndef = def; /* number of def values (max def + 1) */
  return LF_OK;
}

int lf_assemble(const lf_pagedata *pd, uint64_t r0, uint64_t r1, lf_array **path,
                const int *write, int depth, lf_error *err) {
  layer_plan L[LF_MAX_LAYERS];
  int8_t owner[2 * LF_MAX_LAYERS + 1];
  uint8_t owner_empty[2 * LF_MAX_LAYERS + 1];
  int cut_of_rep[LF_MAX_LAYERS + 1];
  if (depth > LF_MAX_LAYERS) return lf_err(err, LF_UNSUPPORTED, "nesting too deep");
  int ndef = 0;
  int rc = build_plan(pd, path, write, depth, L, owner, owner_empty, cut_of_rep, &ndef, err);
  if (rc) return rc;
  uint64_t l0 = lf_row_level(pd, r0), l1 = lf_row_level(pd, r1);
  uint64_t i0 = lf_row_item(pd, r0), i1 = lf_row_item(pd, r1);
  uint64_t nent = pd->n_levels ? l1 - l0 : r1 - r0;
  for (int j = 0; j < depth; j++)
    if (L[j].write && reserve_node(L[j].arr, L[j].is_list, nent))
      return lf_err(err, LF_NOMEM, "out of memory");
  lf_array *leaf = L[0].arr;
  uint64_t leaf_start = leaf->length;
  int max_rep = lf_layers_max_rep(pd->layers, pd->n_layers);
  uint64_t consumed = 0;
  if (!pd->n_levels) { /* every layer valid, one instance per row (no lists) */
    for (int j = 0; j < depth; j++)
      if (L[j].is_list) return lf_err(err, LF_CORRUPT, "list layer without repetition levels");
    for (int j = 0; j < depth; j++) {
      if (!L[j].write) continue;
      lf_array *a = L[j].arr;
      memset(a->valid_buf + a->length, 1, nent);
      a->length += nent;
    }
    consumed = nent;
  } else {
    for (uint64_t i = l0; i < l1; i++) {
      int r = pd->rep ? pd->rep[i] : max_rep;
      int v = pd->def ? pd->def[i] : 0;
      if (v >= ndef) return lf_err(err, LF_CORRUPT, "definition level %d exceeds %d", v, ndef - 1);
      consumed += (uint64_t)walk_entry(L, cut_of_rep[r], owner[v], owner_empty[v]);
    }
  }
  if (consumed != i1 - i0)
    return lf_err(err, LF_CORRUPT, "levels consumed %llu items, expected %llu",
                  (unsigned long long)consumed, (unsigned long long)(i1 - i0));
  for (int j = 1; j < depth; j++) /* closing offset of each list */
    if (L[j].write && L[j].is_list) L[j].arr->offsets[L[j].arr->length] = L[j - 1].arr->length;
  /* The leaf's values: items [i0, i1) of the block, validity merged with
  ** the block's own (all-null pages). */
  uint64_t n = leaf->length - leaf_start;
  if (n != i1 - i0) return lf_err(err, LF_CORRUPT, "leaf item count mismatch");
  if (pd->vals.valid && !pd->vals.dim) { /* per value, not per FSL item */
    for (uint64_t k = 0; k < n; k++)
      if (!pd->vals.valid[i0 + k] && leaf->valid_buf[leaf_start + k]) {
        leaf->valid_buf[leaf_start + k] = 0;
        leaf->null_count++;
      }
  }
  leaf->length = leaf_start;
  rc = lf_append_values(leaf, &pd->vals, i0, n, err);
  leaf->length = leaf_start + n;
  return rc;
}
