/*
** manifest.c: owns the manifest file of one dataset version
** (_versions/<N>.manifest) and the lance.table messages inside it.
**
** File layout (verified on files written by LanceDB 0.39 / Lance 12):
**   [u32 len][IndexSection]   optional, at Manifest.index_section
**   [u32 len][Transaction]    optional, at Manifest.transaction_section
**   [u32 len][Manifest]       at the footer's position
**   footer (16 bytes): u64 manifest position (of its u32 length prefix),
**                      u16 major (0), u16 minor (2), "LANC"
** All integers little-endian.  Each section must end before the footer.
**
** Manifest (table.proto): 1 fields (lance.file.Field, repeated) and 5 schema
** metadata (map<string,bytes>) -- the same numbers as lance.file.Schema, so
** the whole message goes to lf_schema_parse_fields; 2 fragments; 3 version;
** 6 index_section; 7 timestamp (google.protobuf.Timestamp: 1 seconds,
** 2 nanos); 8 tag; 9/10 reader/writer feature flags; 11 max_fragment_id;
** 12 transaction_file; 13 writer_version (1 library, 2 version); 14
** next_row_id; 15 data_format (1 file_format, 2 version); 16 config
** map<string,string>; 18 base_paths (BasePath: 1 id, 2 name, 3
** is_dataset_root, 4 path); 19 table_metadata; 20 branch; 21
** transaction_section.
** DataFragment: 1 id, 2 files, 3 deletion_file, 4 physical_rows,
**   5 inline_row_ids (bytes) | 6 external_row_ids (ExternalFile: 1 path,
**   2 offset, 3 size), 7|8 last_updated_at versions, 9|10 created_at versions.
** DataFile: 1 path, 2 fields (packed int32), 3 column_indices (packed
**   int32), 4 file_major_version, 5 file_minor_version, 6 file_size_bytes,
**   7 base_id.
** DeletionFile: 1 file_type (0 ARROW_ARRAY, 1 BITMAP), 2 read_version, 3 id,
**   4 num_deleted_rows, 7 base_id.
** Transaction (transaction.proto): 1 read_version, 2 uuid, 3 tag, operation
**   oneof at 100..114 (names in op_names below); Restore: 1 version.
**   The fragments an operation changed (kept for conflict checks): Delete
**   (101): 1 updated_fragments, 2 deleted_fragment_ids; Rewrite (104):
**   1 old_fragments, 3 groups (RewriteGroup: 1 old_fragments); Update (108):
**   1 removed_fragment_ids, 2 updated_fragments; DataReplacement (111):
**   1 replacements (DataReplacementGroup: 1 fragment_id).
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

#define MANIFEST_FOOTER 16

/* Replace *dst by a copy of a string field. */
static int set_str(char **dst, const lf_pb_field *f, lf_error *err) {
  free(*dst);
  *dst = lf_strndup((const char *)(f->data ? f->data : (const uint8_t *)""), f->len);
  return *dst ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
}

static int grow(void **arr, int n, size_t elem, lf_error *err) {
  void *na = realloc(*arr, ((size_t)n + 1) * elem);
  if (!na) return lf_err(err, LF_NOMEM, "out of memory");
  *arr = na;
  memset((char *)na + (size_t)n * elem, 0, elem);
  return LF_OK;
}

/* Packed (or unpacked) repeated int32 into an int32 array. */
static int append_i32s(const lf_pb_field *f, int32_t **arr, int *n, lf_error *err) {
  uint64_t *tmp = NULL;
  size_t nt = 0, cap = 0;
  int rc = lf_pb_append_u64s(f, &tmp, &nt, &cap, err);
  if (!rc && nt > (size_t)(1 << 30)) rc = lf_err(err, LF_CORRUPT, "too many field ids");
  if (!rc) {
    int32_t *na = realloc(*arr, ((size_t)*n + nt + 1) * sizeof *na);
    if (!na) rc = lf_err(err, LF_NOMEM, "out of memory");
    else {
      for (size_t i = 0; i < nt; i++) na[*n + (int)i] = (int32_t)(uint32_t)tmp[i];
      *arr = na;
      *n += (int)nt;
    }
  }
  free(tmp);
  return rc;
}

static int parse_data_file(const lf_pb_field *fl, lf_data_file *df, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK;
  lf_pb_sub(&pb, fl);
  while (!rc && (r = lf_pb_next(&pb, &f, "data file", err)) > 0) {
    if (f.num == 1 && f.wire == 2) rc = set_str(&df->path, &f, err);
    else if (f.num == 2) rc = append_i32s(&f, &df->fields, &df->n_fields, err);
    else if (f.num == 3) rc = append_i32s(&f, &df->column_indices, &df->n_columns, err);
    else if (f.num == 4 && f.wire == 0) df->major = (uint32_t)f.u;
    else if (f.num == 5 && f.wire == 0) df->minor = (uint32_t)f.u;
    else if (f.num == 6 && f.wire == 0) df->size_bytes = f.u;
    else if (f.num == 7 && f.wire == 0) df->has_base_id = 1, df->base_id = (uint32_t)f.u;
  }
  if (rc) return rc;
  if (r < 0) return LF_CORRUPT;
  if (!df->path || !df->path[0]) return lf_err(err, LF_CORRUPT, "data file has no path");
  if (df->n_columns && df->n_columns != df->n_fields)
    return lf_err(err, LF_CORRUPT, "data file %s: %d fields but %d column indices", df->path,
                  df->n_fields, df->n_columns);
  return LF_OK;
}

static int parse_deletion(const lf_pb_field *fl, lf_deletion_file *d, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r;
  lf_pb_sub(&pb, fl);
  d->present = 1;
  while ((r = lf_pb_next(&pb, &f, "deletion file", err)) > 0) {
    if (f.wire != 0) continue;
    if (f.num == 1) {
      if (f.u > 1) return lf_err(err, LF_UNSUPPORTED, "deletion file type %llu",
                                 (unsigned long long)f.u);
      d->type = (int)f.u;
    } else if (f.num == 2) d->read_version = f.u;
    else if (f.num == 3) d->id = f.u;
    else if (f.num == 4) d->num_deleted_rows = f.u;
    else if (f.num == 7) d->has_base_id = 1, d->base_id = (uint32_t)f.u;
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

/* Field `inline_num` (bytes) or `inline_num + 1` (ExternalFile) of a fragment. */
static int parse_seq_ref(const lf_pb_field *fl, int external, lf_seq_ref *s, lf_error *err) {
  free(s->data);
  free(s->path);
  memset(s, 0, sizeof *s);
  if (!external) {
    if (!(s->data = malloc(fl->len ? fl->len : 1))) return lf_err(err, LF_NOMEM, "out of memory");
    if (fl->len) memcpy(s->data, fl->data, fl->len);
    s->len = fl->len;
    return LF_OK;
  }
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK;
  lf_pb_sub(&pb, fl);
  while (!rc && (r = lf_pb_next(&pb, &f, "external file", err)) > 0) {
    if (f.num == 1 && f.wire == 2) rc = set_str(&s->path, &f, err);
    else if (f.num == 2 && f.wire == 0) s->offset = f.u;
    else if (f.num == 3 && f.wire == 0) s->size = f.u;
  }
  if (rc) return rc;
  if (r < 0) return LF_CORRUPT;
  if (!s->path) return lf_err(err, LF_CORRUPT, "external sequence file has no path");
  return LF_OK;
}

static int parse_fragment(const lf_pb_field *fl, lf_fragment *fr, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK;
  lf_pb_sub(&pb, fl);
  while (!rc && (r = lf_pb_next(&pb, &f, "fragment", err)) > 0) {
    if (f.num == 1 && f.wire == 0) fr->id = f.u;
    else if (f.num == 4 && f.wire == 0) fr->physical_rows = f.u;
    else if (f.wire != 2) continue;
    else if (f.num == 2) {
      if (!(rc = grow((void **)&fr->files, fr->n_files, sizeof *fr->files, err)))
        rc = parse_data_file(&f, &fr->files[fr->n_files++], err);
    } else if (f.num == 3) rc = parse_deletion(&f, &fr->deletion, err);
    else if (f.num == 5 || f.num == 6) rc = parse_seq_ref(&f, f.num == 6, &fr->row_ids, err);
    else if (f.num == 7 || f.num == 8) rc = parse_seq_ref(&f, f.num == 8, &fr->last_updated, err);
    else if (f.num == 9 || f.num == 10) rc = parse_seq_ref(&f, f.num == 10, &fr->created_at, err);
  }
  if (rc) return lf_err_prefix(err, rc, "fragment %llu", (unsigned long long)fr->id);
  if (r < 0) return lf_err_prefix(err, LF_CORRUPT, "fragment %llu", (unsigned long long)fr->id);
  if (fr->physical_rows > UINT32_MAX + (uint64_t)1)
    return lf_err(err, LF_CORRUPT, "fragment %llu: %llu rows exceed 2^32",
                  (unsigned long long)fr->id, (unsigned long long)fr->physical_rows);
  return LF_OK;
}

static void seq_ref_reset(lf_seq_ref *s) {
  free(s->data);
  free(s->path);
}

static void fragment_reset(lf_fragment *fr) {
  for (int i = 0; i < fr->n_files; i++) {
    free(fr->files[i].path);
    free(fr->files[i].fields);
    free(fr->files[i].column_indices);
  }
  free(fr->files);
  seq_ref_reset(&fr->row_ids);
  seq_ref_reset(&fr->last_updated);
  seq_ref_reset(&fr->created_at);
}

static const char *const op_names[] = {
  "append", "delete", "overwrite", "create_index", "rewrite", "merge", "restore",
  "reserve_fragments", "update", "project", "update_config", "data_replacement",
  "update_mem_wal_state", "clone", "update_bases"};
#define OP_FIRST 100
#define OP_COUNT (int)(sizeof op_names / sizeof op_names[0])

typedef struct idlist {
  uint64_t *v;
  size_t n, cap;
} idlist;

/* Field 1 (the id) of each DataFragment in f, or of a DataReplacementGroup. */
static int touched_message(const lf_pb_field *fl, idlist *ids, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r;
  uint64_t id = 0;
  lf_pb_sub(&pb, fl);
  while ((r = lf_pb_next(&pb, &f, "transaction fragment", err)) > 0)
    if (f.num == 1 && f.wire == 0) id = f.u;
  if (r < 0) return LF_CORRUPT;
  return lf_pb_append_u64s(&(lf_pb_field){1, 0, id, NULL, 0}, &ids->v, &ids->n, &ids->cap, err);
}

/* The ids of the existing fragments operation `op` (its message in fl) changed. */
static int touched_fragments(int op, const lf_pb_field *fl, idlist *ids, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  int r, rc = LF_OK;
  lf_pb_sub(&pb, fl);
  while (!rc && (r = lf_pb_next(&pb, &f, "transaction operation", err)) > 0) {
    int msg = f.wire == 2 && ((op == 101 && f.num == 1) || (op == 104 && f.num == 1) ||
                              (op == 108 && f.num == 2) || (op == 111 && f.num == 1));
    int list = (op == 101 && f.num == 2) || (op == 108 && f.num == 1);
    if (msg) rc = touched_message(&f, ids, err);
    else if (list) rc = lf_pb_append_u64s(&f, &ids->v, &ids->n, &ids->cap, err);
    else if (op == 104 && f.num == 3 && f.wire == 2) {
      lf_pb_sub(&sub, &f);
      while (!rc && (r = lf_pb_next(&sub, &g, "rewrite group", err)) > 0)
        if (g.num == 1 && g.wire == 2) rc = touched_message(&g, ids, err);
      if (!rc && r < 0) rc = LF_CORRUPT;
    }
  }
  if (rc) return rc;
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_transaction(const uint8_t *d, size_t n, lf_transaction *t, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  idlist ids = {NULL, 0, 0};
  int r, rc = LF_OK;
  lf_pb_init(&pb, d, n);
  t->present = 1;
  while (!rc && (r = lf_pb_next(&pb, &f, "transaction", err)) > 0) {
    if (f.num == 1 && f.wire == 0) t->read_version = f.u;
    else if (f.num == 2 && f.wire == 2) rc = set_str(&t->uuid, &f, err);
    else if (f.num == 3 && f.wire == 2) rc = set_str(&t->tag, &f, err);
    else if (f.num >= OP_FIRST && f.wire == 2) {
      t->op = (int)f.num;
      t->op_name = f.num < OP_FIRST + OP_COUNT ? op_names[f.num - OP_FIRST] : "unknown";
      if (f.num != 106) {
        rc = touched_fragments((int)f.num, &f, &ids, err);
        continue;
      }
      lf_pb_sub(&sub, &f);
      while ((r = lf_pb_next(&sub, &g, "restore", err)) > 0)
        if (g.num == 1 && g.wire == 0) t->restore_version = g.u;
      if (r < 0) rc = LF_CORRUPT;
    }
  }
  t->frag_ids = ids.v;
  t->n_frag_ids = ids.n;
  if (rc) return rc;
  return r < 0 ? LF_CORRUPT : LF_OK;
}

/* A nested message with string fields 1 and 2 (WriterVersion, DataStorageFormat). */
static int parse_pair(const lf_pb_field *fl, char **a, char **b, const char *what,
                      lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK;
  lf_pb_sub(&pb, fl);
  while (!rc && (r = lf_pb_next(&pb, &f, what, err)) > 0) {
    if (f.wire != 2) continue;
    if (f.num == 1) rc = set_str(a, &f, err);
    if (f.num == 2) rc = set_str(b, &f, err);
  }
  if (rc) return rc;
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_base(const lf_pb_field *fl, lf_base_path *b, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK;
  lf_pb_sub(&pb, fl);
  while (!rc && (r = lf_pb_next(&pb, &f, "base path", err)) > 0) {
    if (f.num == 1 && f.wire == 0) b->id = (uint32_t)f.u;
    else if (f.num == 2 && f.wire == 2) rc = set_str(&b->name, &f, err);
    else if (f.num == 3 && f.wire == 0) b->is_dataset_root = f.u != 0;
    else if (f.num == 4 && f.wire == 2) rc = set_str(&b->path, &f, err);
  }
  if (rc) return rc;
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_timestamp(const lf_pb_field *fl, int64_t *ns, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r;
  int64_t s = 0, nanos = 0;
  lf_pb_sub(&pb, fl);
  while ((r = lf_pb_next(&pb, &f, "timestamp", err)) > 0) {
    if (f.num == 1 && f.wire == 0) s = (int64_t)f.u;
    if (f.num == 2 && f.wire == 0) nanos = (int64_t)(int32_t)(uint32_t)f.u;
  }
  if (r < 0) return LF_CORRUPT;
  if (s > INT64_MAX / 1000000000 - 1 || s < INT64_MIN / 1000000000 + 1 || nanos < 0 ||
      nanos >= 1000000000)
    return lf_err(err, LF_CORRUPT, "timestamp %lld.%09lld out of range", (long long)s,
                  (long long)nanos);
  *ns = s * 1000000000 + nanos;
  return LF_OK;
}

/* One field of the Manifest message (schema fields are parsed separately). */
static int manifest_field(lf_manifest *m, const lf_pb_field *f, uint64_t *txn_pos, int *has_txn,
                          uint64_t *idx_pos, lf_error *err) {
  if (f->wire == 0) {
    switch (f->num) {
      case 3: m->version = f->u; break;
      case 6: *idx_pos = f->u, m->has_index_section = 1; break;
      case 9: m->reader_flags = f->u; break;
      case 10: m->writer_flags = f->u; break;
      case 11: m->max_fragment_id = (uint32_t)f->u, m->has_max_fragment_id = 1; break;
      case 14: m->next_row_id = f->u; break;
      case 21: *txn_pos = f->u, *has_txn = 1; break;
    }
    return LF_OK;
  }
  if (f->wire != 2) return LF_OK;
  int rc;
  switch (f->num) {
    case 2:
      if ((rc = grow((void **)&m->fragments, m->n_fragments, sizeof *m->fragments, err)))
        return rc;
      return parse_fragment(f, &m->fragments[m->n_fragments++], err);
    case 7: return parse_timestamp(f, &m->timestamp_ns, err);
    case 8: return set_str(&m->tag, f, err);
    case 12: return set_str(&m->transaction_file, f, err);
    case 13: return parse_pair(f, &m->writer_library, &m->writer_version, "writer version", err);
    case 15: return parse_pair(f, &m->data_format, &m->data_version, "data format", err);
    case 16: return lf_parse_kv(f->data, f->len, &m->config, &m->n_config, err);
    case 19: return lf_parse_kv(f->data, f->len, &m->table_meta, &m->n_table_meta, err);
    case 18:
      if ((rc = grow((void **)&m->bases, m->n_bases, sizeof *m->bases, err))) return rc;
      return parse_base(f, &m->bases[m->n_bases++], err);
    case 20: return set_str(&m->branch, f, err);
  }
  return LF_OK;
}

/* The section [u32 len][message] at pos, which must end before `end`. */
static int section(const uint8_t *d, size_t end, uint64_t pos, const char *name,
                   const char *what, const uint8_t **msg, size_t *len, lf_error *err) {
  if (pos > end || end - pos < 4)
    return lf_err(err, LF_CORRUPT, "%s: %s position %llu is outside the file (%zu bytes)", what,
                  name, (unsigned long long)pos, end + MANIFEST_FOOTER);
  uint32_t n = lf_le32(d + pos);
  if (n > end - pos - 4)
    return lf_err(err, LF_CORRUPT, "%s: %s at %llu: length %u runs past the footer", what, name,
                  (unsigned long long)pos, n);
  *msg = d + pos + 4;
  *len = n;
  return LF_OK;
}

static int fill_defaults(lf_manifest *m, lf_error *err) {
  char **strs[] = {&m->tag, &m->transaction_file, &m->data_format, &m->data_version,
                   &m->writer_library, &m->writer_version};
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    if (!*strs[i] && !(*strs[i] = lf_strndup("", 0)))
      return lf_err(err, LF_NOMEM, "out of memory");
  return LF_OK;
}

static int parse_body(lf_manifest *m, const char *what, lf_error *err) {
  const uint8_t *d = m->raw, *msg;
  size_t n = m->raw_len, len, end;
  if (n < MANIFEST_FOOTER)
    return lf_err(err, LF_CORRUPT, "%s: %zu bytes, too small for a manifest", what, n);
  if (memcmp(d + n - 4, "LANC", 4))
    return lf_err(err, LF_CORRUPT, "%s: not a Lance manifest (bad magic)", what);
  end = n - MANIFEST_FOOTER;
  int rc = section(d, end, lf_le64(d + end), "manifest", what, &msg, &len, err);
  if (rc) return rc;
  if ((rc = lf_schema_parse_fields(&m->schema, msg, len, err)))
    return lf_err_prefix(err, rc, "%s: schema", what);
  lf_pb pb;
  lf_pb_field f;
  uint64_t txn_pos = 0, idx_pos = 0;
  int r, has_txn = 0;
  lf_pb_init(&pb, msg, len);
  while (!rc && (r = lf_pb_next(&pb, &f, "manifest", err)) > 0)
    rc = manifest_field(m, &f, &txn_pos, &has_txn, &idx_pos, err);
  if (!rc && r < 0) rc = LF_CORRUPT;
  if (!rc) rc = fill_defaults(m, err);
  if (rc) return lf_err_prefix(err, rc, "%s", what);
  if (has_txn) {
    if ((rc = section(d, end, txn_pos, "transaction", what, &msg, &len, err))) return rc;
    if ((rc = parse_transaction(msg, len, &m->txn, err)))
      return lf_err_prefix(err, rc, "%s: transaction", what);
  }
  if (m->has_index_section &&
      (rc = section(d, end, idx_pos, "index section", what, &m->index_section,
                    &m->index_section_len, err)))
    return rc;
  return LF_OK;
}

/* Parse the manifest bytes d[0, n), malloc'd, which m then owns (also on error:
** freed by the reset). */
static int parse_owned(uint8_t *d, size_t n, const char *what, lf_manifest *m, lf_error *err) {
  memset(m, 0, sizeof *m);
  m->raw = d;
  m->raw_len = n;
  int rc = parse_body(m, what, err);
  if (rc) lf_manifest_reset(m);
  return rc;
}

int lf_manifest_parse(const uint8_t *d, size_t n, const char *what, lf_manifest *m,
                      lf_error *err) {
  memset(m, 0, sizeof *m);
  uint8_t *copy = malloc(n ? n : 1);
  if (!copy) return lf_err(err, LF_NOMEM, "out of memory");
  if (n) memcpy(copy, d, n);
  return parse_owned(copy, n, what, m, err);
}

int lf_manifest_read(lf_store *s, const char *path, lf_manifest *m, lf_error *err) {
  uint8_t *d;
  size_t n;
  memset(m, 0, sizeof *m);
  int rc = lf_read_whole(s, path, (uint64_t)1 << 31, &d, &n, err);
  return rc ? rc : parse_owned(d, n, path, m, err); /* the read buffer becomes m->raw */
}

void lf_manifest_reset(lf_manifest *m) {
  lf_schema_reset(&m->schema);
  free(m->tag);
  free(m->transaction_file);
  free(m->data_format);
  free(m->data_version);
  free(m->writer_library);
  free(m->writer_version);
  lf_kv_free(m->config, m->n_config);
  lf_kv_free(m->table_meta, m->n_table_meta);
  for (int i = 0; i < m->n_bases; i++) {
    free(m->bases[i].name);
    free(m->bases[i].path);
  }
  free(m->bases);
  free(m->branch);
  for (int i = 0; i < m->n_fragments; i++) fragment_reset(&m->fragments[i]);
  free(m->fragments);
  free(m->txn.uuid);
  free(m->txn.tag);
  free(m->txn.frag_ids);
  free(m->raw);
  memset(m, 0, sizeof *m);
}
