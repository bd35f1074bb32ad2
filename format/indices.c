/*
** indices.c: owns the index metadata of a manifest (its IndexSection):
**   IndexSection   1 indices (repeated IndexMetadata)
**   IndexMetadata  1 uuid (UUID: 1 bytes, 16 of them), 2 fields (repeated
**                  int32 field ids, packed or not), 3 name, 4 dataset_version,
**                  5 fragment_bitmap (portable 32-bit Roaring bitmap of
**                  fragment ids; empty = unknown), 6 index_details
**                  (google.protobuf.Any: 1 type_url, 2 value), 7
**                  index_version, 8 created_at, 9 base_id, 10 files
** Unknown fields are skipped; a malformed message or bitmap is LF_CORRUPT.
** lf_index_names lists the latest version's indexes of one details type.
*/
#include "lf_int.h"
#include "lf_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roaring/roaring.h>

void lf_indices_free(lf_index_meta *a, int n) {
  for (int i = 0; a && i < n; i++) {
    free(a[i].name);
    free(a[i].type_url);
    free(a[i].fields);
    free(a[i].frags);
  }
  free(a);
}

static int set_uuid(lf_index_meta *x, const lf_pb_field *f, lf_error *err) {
  lf_pb sub;
  lf_pb_field g;
  int r;
  lf_pb_sub(&sub, f);
  while ((r = lf_pb_next(&sub, &g, "index uuid", err)) > 0)
    if (g.num == 1 && g.wire == 2 && g.len == 16)
      for (int i = 0, k = 0; i < 16; i++)
        k += snprintf(x->uuid + k, sizeof x->uuid - (size_t)k, "%s%02x",
                      i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", g.data[i]);
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int set_frags(lf_index_meta *x, const lf_pb_field *f, lf_error *err) {
  if (f->len == 0) return LF_OK; /* proto3: empty means no bitmap */
  free(x->frags);
  x->frags = NULL;
  int rc = lf_roaring_parse(f->data, f->len, (uint64_t)UINT32_MAX + 1, "index fragment bitmap",
                            &x->frags, &x->n_frags, err);
  x->has_frags = rc == LF_OK;
  return rc;
}

static int set_type(lf_index_meta *x, const lf_pb_field *f, lf_error *err) {
  lf_pb sub;
  lf_pb_field g;
  int r;
  lf_pb_sub(&sub, f);
  while ((r = lf_pb_next(&sub, &g, "index details", err)) > 0)
    if (g.num == 1 && g.wire == 2) {
      free(x->type_url);
      if (!(x->type_url = lf_strndup((const char *)g.data, g.len)))
        return lf_err(err, LF_NOMEM, "out of memory");
    }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int index_field(lf_index_meta *x, const lf_pb_field *f, lf_error *err) {
  if (f->num == 2) {
    uint64_t *v = NULL;
    size_t n = 0, cap = 0;
    int rc = lf_pb_append_u64s(f, &v, &n, &cap, err);
    int32_t *nf = rc ? NULL : realloc(x->fields, ((size_t)x->n_fields + n + 1) * sizeof *nf);
    if (!rc && !nf) rc = lf_err(err, LF_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) nf[x->n_fields++] = (int32_t)(uint32_t)v[i];
    if (nf) x->fields = nf;
    free(v);
    return rc;
  }
  if (f->num == 4 && f->wire == 0) x->dataset_version = f->u;
  if (f->num == 7 && f->wire == 0) x->index_version = f->u;
  if (f->wire != 2) return LF_OK;
  switch (f->num) {
    case 1: return set_uuid(x, f, err);
    case 3:
      free(x->name);
      return (x->name = lf_strndup((const char *)f->data, f->len)) ? LF_OK
                                                                   : lf_err(err, LF_NOMEM, "out of memory");
    case 5: return set_frags(x, f, err);
    case 6: return set_type(x, f, err);
    default: return LF_OK;
  }
}

int lf_manifest_indices(const lf_manifest *m, lf_index_meta **out, int *nout, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  lf_index_meta *a = NULL;
  int n = 0, r = 0, rc = LF_OK;
  *out = NULL;
  *nout = 0;
  lf_pb_init(&pb, m->index_section, m->has_index_section ? m->index_section_len : 0);
  while (!rc && (r = lf_pb_next(&pb, &f, "index section", err)) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    lf_index_meta *na = realloc(a, (size_t)(n + 1) * sizeof *a);
    if (!na) {
      rc = lf_err(err, LF_NOMEM, "out of memory");
      break;
    }
    a = na;
    memset(&a[n++], 0, sizeof *a);
    lf_pb_sub(&sub, &f);
    while (!rc && (r = lf_pb_next(&sub, &g, "index metadata", err)) > 0)
      rc = index_field(&a[n - 1], &g, err);
    if (!rc && r < 0) rc = LF_CORRUPT;
    if (!rc && !a[n - 1].name && !(a[n - 1].name = lf_strndup("", 0)))
      rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  if (!rc && r < 0) rc = LF_CORRUPT;
  if (rc) {
    lf_indices_free(a, n);
    return rc;
  }
  *out = a;
  *nout = n;
  return LF_OK;
}

int lf_index_names(lf_store *s, const char *root, const char *type_url, char ***out, int *n,
                   lf_error *err) {
  lf_dataset *ds = NULL;
  lf_index_meta *ix = NULL;
  int nix = 0;
  *out = NULL, *n = 0;
  int rc = lf_dataset_open(s, root, 0, NULL, &ds, err);
  if (!rc) rc = lf_manifest_indices(lf_dataset_manifest(ds), &ix, &nix, err);
  if (!rc && !(*out = calloc((size_t)nix + 1, sizeof **out))) rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int k = 0; !rc && k < nix; k++) {
    if (!ix[k].type_url || strcmp(ix[k].type_url, type_url) || !ix[k].name) continue;
    if (!((*out)[(*n)++] = lf_strndup(ix[k].name, strlen(ix[k].name))))
      rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  lf_indices_free(ix, nix);
  lf_dataset_free(ds);
  return rc;
}
