/*
** schema_write.c: owns encoding a schema as lance.file.Schema fields (the
** body of a Schema message, also the first fields of a Manifest): the
** inverse of lf_schema_parse_fields.
**
** Written as LanceDB 0.39 writes them (checked on its manifests): one Field
** (1) per field in pre-order; proto3 zero values omitted (type is never
** written, id 0 is omitted); parent_id -1 for top-level fields; 7 encoding
** = 1 (PLAIN) for fixed-width leaves and lists, 2 (VAR_BINARY) for strings
** and binaries, 3 (DICTIONARY) plus an empty 8 dictionary message for
** dictionary fields, absent for structs; 10 metadata entries (1 key, 2 value).
** Schema metadata is field 5.  Synthesized fields (id -1: fixed-size-list
** items, blob descriptors) are not written.
*/
#include "lf_int.h"
#include "lf_write.h"

#include <stdlib.h>
#include <string.h>

void lf_pbw_kv(lf_buf *b, uint32_t num, const lf_kv *kv) {
  size_t m = lf_pbw_begin(b);
  lf_pbw_bytes(b, 1, kv->key, strlen(kv->key));
  lf_pbw_bytes(b, 2, kv->val, kv->len);
  lf_pbw_end(b, num, m);
}

static int field_encoding(const lf_field *f) {
  if (f->type == LF_T_STRUCT) return 0;
  if (f->is_dict) return 3;
  return lf_type_is_varwidth(f->type) ? 2 : 1;
}

int lf_schema_encode(const lf_schema *s, lf_buf *b) {
  for (int i = 0; i < s->n_all; i++) {
    const lf_field *f = s->all[i];
    if (f->id < 0) continue;
    size_t m = lf_pbw_begin(b);
    lf_pbw_bytes(b, 2, f->name, strlen(f->name));
    lf_pbw_uint_nz(b, 3, (uint64_t)f->id);
    if (f->parent_id) lf_pbw_sint32(b, 4, f->parent_id);
    lf_pbw_str(b, 5, f->logical_type);
    lf_pbw_uint_nz(b, 6, (uint64_t)(f->nullable != 0));
    lf_pbw_uint_nz(b, 7, (uint64_t)field_encoding(f));
    if (f->is_dict) lf_pbw_bytes(b, 8, "", 0); /* an empty Dictionary, as LanceDB */
    for (int k = 0; k < f->n_meta; k++) lf_pbw_kv(b, 10, &f->meta[k]);
    lf_pbw_end(b, 1, m);
  }
  for (int k = 0; k < s->n_meta; k++) lf_pbw_kv(b, 5, &s->meta[k]);
  return b->rc;
}
