/*
** manifest_write.c: owns encoding what a commit publishes: the Manifest
** message, DataFragment messages, the Transaction message and the manifest
** file container.  The inverse of manifest.c (field numbers in its header
** comment); written as LanceDB 0.39 writes them (checked on its files):
**
**   file:  [u32 len][IndexSection]   when present (Manifest.index_section = 0)
**          [u32 len][Transaction]    (Manifest.transaction_section = its position)
**          [u32 len][Manifest]
**          u64 position of the Manifest's length prefix, u16 0, u16 2, "LANC"
**   Manifest: fields the commit does not set (schema 1/5, data_format 15,
**          config 16, base_paths 18, table_metadata 19, branch 20, unknown
**          ones) are copied verbatim from the base manifest; then 2 fragments,
**          3 version, 6 index_section, 7 timestamp {1 s, 2 ns}, 9/10 feature
**          flags (omitted when 0), 11 max_fragment_id (when any fragment ever
**          existed), 12 transaction file name, 13 writer version {1 library,
**          2 version}, 14 next_row_id (when non-zero), 21 transaction_section;
**          16 config entries {1 key, 2 value} when the commit sets config
**          (lf_commit_req.set_config: the carry's entries, updated).
**   DataFragment: 1 id (omitted when 0), 2 files, 3 deletion file,
**          4 physical_rows, 5|6 row ids, 7|8 last_updated_at, 9|10 created_at.
**   DataFile: 1 path, 2 fields and 3 column_indices (packed int32: -1 and -2
**          as 10-byte varints), 4/5 file version, 6 size, 7 base_id.
**   DeletionFile: 1 type (0 omitted), 2 read_version, 3 id, 4 rows, 7 base_id.
**   Row id sequence (rowids.proto): one segment, Range {1 start, 2 end} for
**          consecutive ids, else sorted_array (4) or array (5) of U64Array
**          {2 values: little-endian u64s}.
**   Version sequence: runs {1 span: U64Segment Range {2 end = rows}, 2 version}.
**   IndexMetadata: 1 uuid {1 16 bytes}, 2 fields (packed int32), 3 name,
**          4 dataset_version, 5 fragment bitmap (portable Roaring), 6 details
**          Any {1 type URL, 2 value}, 7 index_version, 8 created_at (ms),
**          10 files {1 path, 2 size}.
**   Transaction.create_index (103): 1 new IndexMetadata, 2 removed ones;
**          merge (105), project (109), data_replacement (111): evolve.c.
*/
#include "lf_int.h"
#include "lf_write.h"

#include <stdio.h>
#include <string.h>

void lf_pbw_copy_fields(lf_buf *b, const uint8_t *msg, size_t n, const uint32_t *map, int nmap,
                        int keep_others) {
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, msg, n);
  while (lf_pb_next(&pb, &f, "message", NULL) > 0) {
    uint32_t to = keep_others ? f.num : 0;
    for (int i = 0; i < nmap; i++)
      if (map[2 * i] == f.num) to = map[2 * i + 1];
    if (!to) continue;
    if (f.wire == 0) lf_pbw_uint(b, to, f.u);
    else if (f.wire == 1) lf_pbw_fixed64(b, to, f.u);
    else if (f.wire == 5) lf_pbw_fixed32(b, to, (uint32_t)f.u);
    else lf_pbw_bytes(b, to, f.data, f.len);
  }
}

static void packed_i32(lf_buf *b, uint32_t num, const int32_t *v, int n) {
  if (n <= 0) return;
  size_t m = lf_pbw_begin(b);
  for (int i = 0; i < n; i++) lf_pbw_varint(b, (uint64_t)(int64_t)v[i]);
  lf_pbw_end(b, num, m);
}

void lf_data_file_encode(lf_buf *b, uint32_t num, const lf_data_file *df) {
  size_t m = lf_pbw_begin(b);
  lf_pbw_str(b, 1, df->path);
  packed_i32(b, 2, df->fields, df->n_fields);
  packed_i32(b, 3, df->column_indices, df->n_columns);
  lf_pbw_uint_nz(b, 4, df->major);
  lf_pbw_uint_nz(b, 5, df->minor);
  lf_pbw_uint_nz(b, 6, df->size_bytes);
  if (df->has_base_id) lf_pbw_uint(b, 7, df->base_id);
  lf_pbw_end(b, num, m);
}

static void seq_ref(lf_buf *b, uint32_t num, const lf_seq_ref *s) {
  if (s->data) {
    lf_pbw_bytes(b, num, s->data, s->len);
  } else if (s->path) {
    size_t m = lf_pbw_begin(b);
    lf_pbw_str(b, 1, s->path);
    lf_pbw_uint_nz(b, 2, s->offset);
    lf_pbw_uint_nz(b, 3, s->size);
    lf_pbw_end(b, num + 1, m);
  }
}

void lf_fragment_encode(lf_buf *b, uint32_t num, const lf_fragment *fr) {
  size_t m = lf_pbw_begin(b);
  lf_pbw_uint_nz(b, 1, fr->id);
  for (int i = 0; i < fr->n_files; i++) lf_data_file_encode(b, 2, &fr->files[i]);
  const lf_deletion_file *d = &fr->deletion;
  if (d->present) {
    size_t dm = lf_pbw_begin(b);
    lf_pbw_uint_nz(b, 1, (uint64_t)d->type);
    lf_pbw_uint_nz(b, 2, d->read_version);
    lf_pbw_uint_nz(b, 3, d->id);
    lf_pbw_uint_nz(b, 4, d->num_deleted_rows);
    if (d->has_base_id) lf_pbw_uint(b, 7, d->base_id);
    lf_pbw_end(b, 3, dm);
  }
  lf_pbw_uint_nz(b, 4, fr->physical_rows);
  seq_ref(b, 5, &fr->row_ids);
  seq_ref(b, 7, &fr->last_updated);
  seq_ref(b, 9, &fr->created_at);
  lf_pbw_end(b, num, m);
}

/* A U64Segment holding ids[0..n) (or start..start+n when ids is NULL). */
static void u64_segment(lf_buf *b, uint32_t num, uint64_t start, const uint64_t *ids, uint64_t n) {
  int range = 1, sorted = 1;
  for (uint64_t i = 1; ids && i < n; i++) {
    if (ids[i] != ids[i - 1] + 1) range = 0;
    if (ids[i] <= ids[i - 1]) sorted = 0;
  }
  size_t m = lf_pbw_begin(b), r = lf_pbw_begin(b);
  if (range) {
    uint64_t s = ids && n ? ids[0] : start;
    lf_pbw_uint_nz(b, 1, s);
    lf_pbw_uint_nz(b, 2, s + n);
    lf_pbw_end(b, 1, r);
  } else {
    size_t a = lf_pbw_begin(b), v = lf_pbw_begin(b);
    lf_pbw_key(b, 2, 2);
    lf_pbw_varint(b, 8 * n);
    for (uint64_t i = 0; i < n; i++) lf_buf_u64le(b, ids[i]);
    lf_pbw_end(b, 3, v);
    lf_pbw_end(b, sorted ? 4 : 5, a);
  }
  lf_pbw_end(b, num, m);
}

void lf_rowid_seq_encode(lf_buf *b, uint64_t start, const uint64_t *ids, uint64_t n) {
  u64_segment(b, 1, start, ids, n);
}

void lf_version_seq_encode(lf_buf *b, uint64_t rows, uint64_t version) {
  size_t m = lf_pbw_begin(b);
  u64_segment(b, 1, 0, NULL, rows);
  lf_pbw_uint_nz(b, 2, version);
  lf_pbw_end(b, 1, m);
}

void lf_version_seq_encode_rows(lf_buf *b, const uint64_t *v, uint64_t rows, uint64_t version) {
  for (uint64_t i = 0, j; i < rows; i = j) {
    uint64_t x = v[i] ? v[i] : version;
    for (j = i + 1; j < rows && (v[j] ? v[j] : version) == x; j++) {}
    size_t m = lf_pbw_begin(b);
    u64_segment(b, 1, i, NULL, j - i);
    lf_pbw_uint_nz(b, 2, x);
    lf_pbw_end(b, 1, m);
  }
}

/* The Manifest message body. */
static void manifest_msg(lf_buf *b, const lf_manifest_enc *e, uint64_t txn_pos) {
  /* 16 (config) last: dropped only when the commit sets config */
  static const uint32_t drop[] = {2, 0, 3, 0, 6, 0, 7, 0, 8, 0, 9, 0, 10, 0, 11, 0,
                                  12, 0, 13, 0, 14, 0, 21, 0, 16, 0};
  int ndrop = (int)(sizeof drop / sizeof drop[0] / 2) - !e->set_config;
  lf_pbw_copy_fields(b, e->carry, e->carry_len, drop, ndrop, 1);
  for (int i = 0; e->set_config && i < e->n_config; i++) lf_pbw_kv(b, 16, e->config[i]);
  for (int i = 0; i < e->n_frags; i++) lf_fragment_encode(b, 2, &e->frags[i]);
  lf_pbw_uint(b, 3, e->version);
  if (e->index_section) lf_pbw_uint(b, 6, 0);
  size_t m = lf_pbw_begin(b);
  lf_pbw_uint_nz(b, 1, (uint64_t)(e->timestamp_ns / 1000000000));
  lf_pbw_uint_nz(b, 2, (uint64_t)(e->timestamp_ns % 1000000000));
  lf_pbw_end(b, 7, m);
  lf_pbw_uint_nz(b, 9, e->reader_flags);
  lf_pbw_uint_nz(b, 10, e->writer_flags);
  if (e->has_max_fragment_id) lf_pbw_uint(b, 11, e->max_fragment_id);
  lf_pbw_str(b, 12, e->txn_file);
  m = lf_pbw_begin(b);
  lf_pbw_str(b, 1, LF_WRITER_LIBRARY);
  lf_pbw_str(b, 2, LF_WRITER_VERSION);
  lf_pbw_end(b, 13, m);
  lf_pbw_uint_nz(b, 14, e->next_row_id);
  lf_pbw_uint(b, 21, txn_pos);
}

int lf_manifest_encode(const lf_manifest_enc *e, lf_buf *out) {
  if (e->index_section) {
    lf_buf_u32le(out, (uint32_t)e->index_len);
    lf_buf_put(out, e->index_section, e->index_len);
  }
  uint64_t txn_pos = out->len;
  lf_buf_u32le(out, (uint32_t)e->txn_len);
  lf_buf_put(out, e->txn, e->txn_len);
  uint64_t pos = out->len;
  lf_buf_u32le(out, 0); /* the Manifest's length, set below */
  manifest_msg(out, e, txn_pos);
  if (out->rc) return out->rc;
  size_t len = out->len - (size_t)pos - 4;
  if (len > UINT32_MAX) return LF_ARG;
  for (int i = 0; i < 4; i++) out->p[pos + (size_t)i] = (uint8_t)(len >> (8 * i));
  lf_buf_u64le(out, pos);
  lf_buf_u16le(out, 0);
  lf_buf_u16le(out, 2);
  lf_buf_put(out, "LANC", 4);
  return out->rc;
}

static void fragments(lf_buf *b, uint32_t num, const lf_fragment *f, int n) {
  for (int i = 0; i < n; i++) lf_fragment_encode(b, num, &f[i]);
}

int lf_transaction_encode(const lf_txn_enc *t, lf_buf *b) {
  static const uint32_t schema_map[] = {1, 2, 5, 3};
  lf_pbw_uint_nz(b, 1, t->read_version);
  lf_pbw_str(b, 2, t->uuid);
  size_t m = lf_pbw_begin(b);
  switch (t->op) {
    case LF_TXN_OVERWRITE:
      fragments(b, 1, t->new_frags, t->n_new);
      lf_pbw_copy_fields(b, t->schema, t->schema_len, schema_map, 2, 0);
      break;
    case LF_TXN_APPEND: fragments(b, 1, t->new_frags, t->n_new); break;
    case LF_TXN_DELETE:
      fragments(b, 1, t->upd_frags, t->n_upd);
      lf_pbw_packed_u64(b, 2, t->removed, t->n_removed);
      break;
    case LF_TXN_UPDATE:
      lf_pbw_packed_u64(b, 1, t->removed, t->n_removed);
      fragments(b, 2, t->upd_frags, t->n_upd);
      fragments(b, 3, t->new_frags, t->n_new);
      break;
    case LF_TXN_RESTORE: lf_pbw_uint_nz(b, 1, t->restore_version); break;
    case LF_TXN_CREATE_INDEX: lf_buf_put(b, t->idx_fields, t->idx_len); break;
    case LF_TXN_REWRITE:
      for (int g = 0; g < t->n_groups; g++) {
        size_t k = lf_pbw_begin(b);
        fragments(b, 1, t->old[g], t->n_old[g]);
        fragments(b, 2, t->new_frags + t->first_new[g], t->n_new_in[g]);
        lf_pbw_end(b, 3, k);
      }
      break;
    case LF_TXN_MERGE: case LF_TXN_PROJECT: case LF_TXN_DATA_REPLACEMENT:
      lf_buf_put(b, t->idx_fields, t->idx_len);
      break;
    default: return LF_ARG;
  }
  lf_pbw_end(b, (uint32_t)t->op, m);
  return b->rc;
}

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "8-4-4-4-12" hex text into 16 bytes; -1 when it is not one. */
static int uuid_bytes(const char *t, uint8_t out[16]) {
  int k = 0;
  for (const char *p = t; *p && k < 32; p++) {
    if (*p == '-') continue;
    int v = hexval(*p);
    if (v < 0) return -1;
    if (k % 2 == 0) out[k / 2] = (uint8_t)(v << 4);
    else out[k / 2] |= (uint8_t)v;
    k++;
  }
  return k == 32 ? 0 : -1;
}

void lf_index_meta_encode(lf_buf *b, uint32_t num, const lf_new_index *ix) {
  uint8_t u[16] = {0};
  size_t m = lf_pbw_begin(b), k;
  uuid_bytes(ix->uuid, u);
  k = lf_pbw_begin(b);
  lf_pbw_bytes(b, 1, u, 16);
  lf_pbw_end(b, 1, k);
  packed_i32(b, 2, ix->fields, ix->n_fields);
  lf_pbw_str(b, 3, ix->name);
  lf_pbw_uint(b, 4, ix->dataset_version);
  k = lf_pbw_begin(b);
  if (lf_roaring_encode(ix->frags, ix->n_frags, b)) b->rc = LF_NOMEM;
  lf_pbw_end(b, 5, k);
  k = lf_pbw_begin(b);
  lf_pbw_str(b, 1, ix->type_url);
  lf_pbw_bytes(b, 2, ix->details, ix->details_len);
  lf_pbw_end(b, 6, k);
  lf_pbw_uint(b, 7, (uint64_t)ix->index_version);
  lf_pbw_uint(b, 8, ix->created_at_ms);
  for (size_t i = 0; i < ix->n_files; i++) {
    k = lf_pbw_begin(b);
    lf_pbw_str(b, 1, ix->file_names[i]);
    lf_pbw_uint(b, 2, ix->file_sizes[i]);
    lf_pbw_end(b, 10, k);
  }
  lf_pbw_end(b, num, m);
}

/* The uuid (text) and name of one IndexMetadata message. */
static int entry_id(const uint8_t *d, size_t n, char uuid[37], const uint8_t **name, size_t *nlen,
                    lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  int r;
  uuid[0] = 0;
  *name = NULL, *nlen = 0;
  lf_pb_init(&pb, d, n);
  while ((r = lf_pb_next(&pb, &f, "index metadata", err)) > 0) {
    if (f.num == 3 && f.wire == 2) *name = f.data, *nlen = f.len;
    if (f.num != 1 || f.wire != 2) continue;
    lf_pb_init(&sub, f.data, f.len);
    while ((r = lf_pb_next(&sub, &g, "index uuid", err)) > 0)
      if (g.num == 1 && g.wire == 2 && g.len == 16)
        for (int i = 0, k = 0; i < 16; i++)
          k += snprintf(uuid + k, 37 - (size_t)k, "%s%02x",
                        i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", g.data[i]);
    if (r < 0) return LF_CORRUPT;
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

int lf_index_section_filter(const uint8_t *sec, size_t n, const char *name,
                            const char *const *uuids, int nu, lf_buf *keep, lf_buf *dropped,
                            int *ndropped, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r;
  *ndropped = 0;
  if (!sec) return LF_OK;
  lf_pb_init(&pb, sec, n);
  while ((r = lf_pb_next(&pb, &f, "index section", err)) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    char uuid[37];
    const uint8_t *nm;
    size_t nl;
    if (entry_id(f.data, f.len, uuid, &nm, &nl, err)) return LF_CORRUPT;
    int by_uuid = 0;
    for (int i = 0; i < nu; i++) by_uuid |= !strcmp(uuids[i], uuid);
    int by_name = name && nl == strlen(name) && !memcmp(nm, name, nl);
    if (by_uuid && dropped) lf_pbw_bytes(dropped, 2, f.data, f.len);
    *ndropped += by_uuid;
    if (!by_uuid && !by_name) lf_pbw_bytes(keep, 1, f.data, f.len);
  }
  if (r < 0) return LF_CORRUPT;
  return keep->rc || (dropped && dropped->rc) ? LF_NOMEM : LF_OK;
}
