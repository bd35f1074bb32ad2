/*
** evolve.c: owns schema evolution commits, the three Lance operations that
** change columns without rewriting the others (lf_commit calls in here for
** them; the SQL side is ext/vtab/evolve.c):
**
**   MERGE (Transaction.merge = 105): a new schema plus data files added to
**     existing fragments (add_columns, alter_columns with a cast, a column
**     moved out of a shared file).  Transaction: 1 every fragment of the new
**     version (full DataFragment, ids kept), 2 the schema's Field messages,
**     3 the schema metadata.  Conflicts with every concurrent operation but
**     create_index, reserve_fragments and update_config (the fragments list
**     is final).
**   PROJECT (109): a new schema only (rename, nullable, drop).  Transaction:
**     1 the Field messages.  Data files left holding no field of the new
**     schema leave their fragments, as Lance does.  Compatible with appends,
**     deletes, updates, rewrites, data replacements, index and config changes.
**   REPLACE (DataReplacement, 111): per fragment one new data file holding
**     exactly the fields of one of its files (which it replaces: path and
**     size), or fields none of its files holds (then it is added: an all-NULL
**     column getting values).  Transaction: 1 groups {1 fragment_id,
**     2 DataFile}.  Compatible with appends, deletes and index/config
**     changes (not with an index built meanwhile on a replaced column);
**     conflicts with updates, rewrites and data replacements of the same
**     fragments, and with merges, projects, overwrites, restores.
**
** The new schema is built from the base manifest's own Field messages
** (copied verbatim, so fields this library does not model survive), with
** renames (Field.name = 2) and nullability (6) rewritten in place, dropped
** fields and their descendants left out, a cast field replaced in place by
** its new type under a new id, and added fields appended with ids past the
** dataset's highest field id (schema and data files both count, as Lance's
** max_field_id).  Indexes on fields that leave the schema are removed
** (the caller lists their uuids in removed_uuids).
*/
#include "lf_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *shown(const char *root) { return root[0] ? root : "."; }

int32_t lf_evolve_max_field_id(const lf_manifest *m) {
  int32_t mx = -1;
  for (int i = 0; i < m->schema.n_all; i++)
    if (m->schema.all[i]->id > mx) mx = m->schema.all[i]->id;
  for (int i = 0; i < m->n_fragments; i++)
    for (int j = 0; j < m->fragments[i].n_files; j++)
      for (int k = 0; k < m->fragments[i].files[j].n_fields; k++)
        if (m->fragments[i].files[j].fields[k] > mx) mx = m->fragments[i].files[j].fields[k];
  return mx;
}

/* ---- schemas ---------------------------------------------------------------- */

/* Field id (3) and parent id (4) of one Field message. */
static void field_ids(const uint8_t *d, size_t n, int32_t *id, int32_t *parent) {
  lf_pb pb;
  lf_pb_field f;
  *id = 0, *parent = 0;
  lf_pb_init(&pb, d, n);
  while (lf_pb_next(&pb, &f, "field", NULL) > 0) {
    if (f.num == 3 && f.wire == 0) *id = (int32_t)f.u;
    if (f.num == 4 && f.wire == 0) *parent = (int32_t)f.u;
  }
}

static const lf_field *top_named(const lf_schema *s, const char *name) {
  for (int i = 0; i < s->n_fields; i++)
    if (!strcasecmp(s->fields[i]->name, name)) return s->fields[i];
  return NULL;
}

/* The top-level field holding field id `id` in s, or NULL. */
static const lf_field *top_of(const lf_schema *s, int32_t id) {
  for (int i = 0; i < s->n_all; i++)
    if (s->all[i]->id == id) {
      const lf_field *f = s->all[i];
      while (f->parent) f = f->parent;
      return f;
    }
  return NULL;
}

/* Lance's casts: within one kind (integers, floats, temporal types,
** strings, binaries, decimals, lists of castable items), never across. */
static int cast_kind(const lf_field *f) {
  switch (f->type) {
    case LF_T_INT8: case LF_T_INT16: case LF_T_INT32: case LF_T_INT64: case LF_T_UINT8:
    case LF_T_UINT16: case LF_T_UINT32: case LF_T_UINT64: return 1;
    case LF_T_FLOAT16: case LF_T_FLOAT32: case LF_T_FLOAT64: return 2;
    case LF_T_DATE32: case LF_T_DATE64: case LF_T_TIMESTAMP: case LF_T_TIME32:
    case LF_T_TIME64: case LF_T_DURATION: return 3;
    case LF_T_BOOL: return 4;
    case LF_T_UTF8: case LF_T_LARGE_UTF8: return 5;
    case LF_T_BINARY: case LF_T_LARGE_BINARY: return 6;
    case LF_T_DECIMAL128: case LF_T_DECIMAL256: return 7;
    case LF_T_LIST: case LF_T_LARGE_LIST: case LF_T_FIXED_LIST:
      return f->n_children == 1 ? 100 + cast_kind(f->children[0]) : 0;
    default: return 0;
  }
}

int lf_evolve_cast_ok(const lf_field *from, const lf_field *to) {
  int k = cast_kind(from);
  return k && k == cast_kind(to);
}

/* One alteration of a top-level field. */
static const lf_evolve_alter *alter_of(const lf_evolve_spec *sp, const lf_field *f) {
  for (int i = 0; i < sp->n_alter; i++)
    if (sp->alter[i].field == f) return &sp->alter[i];
  return NULL;
}

static int dropped(const lf_evolve_spec *sp, const lf_field *top) {
  for (int i = 0; i < sp->n_drop; i++)
    if (sp->drop[i] == top) return 1;
  return 0;
}

/* Field message f (of top-level field top) into out, altered as a says. */
static void copy_field(lf_buf *out, const lf_pb_field *f, const lf_field *top, int32_t id,
                       const lf_evolve_alter *a) {
  static const uint32_t no_name[] = {2, 0}, no_null[] = {6, 0}, neither[] = {2, 0, 6, 0};
  int top_field = a && id == top->id;
  int rn = top_field && a->rename, nl = top_field && a->nullable >= 0;
  if (!rn && !nl) {
    lf_pbw_bytes(out, 1, f->data, f->len);
    return;
  }
  size_t m = lf_pbw_begin(out);
  lf_pbw_copy_fields(out, f->data, f->len, rn && nl ? neither : rn ? no_name : no_null,
                     rn && nl ? 2 : 1, 1);
  if (rn) lf_pbw_str(out, 2, a->rename);
  if (nl) lf_pbw_uint_nz(out, 6, (uint64_t)a->nullable);
  lf_pbw_end(out, 1, m);
}

static int build_schema(const lf_manifest *base, const lf_evolve_spec *sp, lf_buf *out,
                        lf_error *err) {
  const uint8_t *msg;
  size_t len;
  lf_manifest_message(base, &msg, &len);
  lf_pb pb;
  lf_pb_field f;
  int r;
  lf_pb_init(&pb, msg, len);
  while ((r = lf_pb_next(&pb, &f, "manifest", err)) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    int32_t id, parent;
    field_ids(f.data, f.len, &id, &parent);
    const lf_field *top = top_of(&base->schema, id);
    if (!top || dropped(sp, top)) continue;
    const lf_evolve_alter *a = alter_of(sp, top);
    if (a && a->cast) { /* the whole field is replaced by its cast, at its place */
      if (id == top->id) lf_schema_encode(a->cast, out);
      continue;
    }
    copy_field(out, &f, top, id, a);
  }
  if (r < 0) return LF_CORRUPT;
  if (sp->add) {
    lf_buf tmp = {0};
    lf_schema_encode(sp->add, &tmp); /* fields 1 then metadata 5: keep the fields only */
    lf_pbw_copy_fields(out, tmp.p, tmp.len, (const uint32_t[]){5, 0}, 1, 1);
    if (tmp.rc) out->rc = tmp.rc;
    lf_buf_reset(&tmp);
  }
  /* schema metadata (5) as it was */
  lf_pb_init(&pb, msg, len);
  while ((r = lf_pb_next(&pb, &f, "manifest", err)) > 0)
    if (f.num == 5 && f.wire == 2) lf_pbw_bytes(out, 5, f.data, f.len);
  return out->rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

int lf_evolve_schema(const lf_manifest *base, const lf_evolve_spec *sp, uint8_t **out,
                     size_t *len, lf_error *err) {
  lf_buf b = {0};
  int rc = build_schema(base, sp, &b, err);
  if (rc) lf_buf_reset(&b);
  *out = b.p, *len = b.len;
  return rc;
}

void lf_evolve_renumber(lf_schema *s, int32_t first) {
  for (int i = 0; i < s->n_all; i++) {
    if (s->all[i]->id < 0) continue;
    s->all[i]->id += first;
    if (s->all[i]->parent_id >= 0) s->all[i]->parent_id += first;
  }
}

int lf_schema_pick(const lf_schema *s, const lf_field *top, lf_schema *out, lf_error *err) {
  lf_buf all = {0}, pick = {0};
  lf_pb pb;
  lf_pb_field f;
  memset(out, 0, sizeof *out);
  lf_schema_encode(s, &all);
  lf_pb_init(&pb, all.p, all.len);
  while (lf_pb_next(&pb, &f, "schema", NULL) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    int32_t id, parent;
    field_ids(f.data, f.len, &id, &parent);
    if (top_of(s, id) == top) lf_pbw_bytes(&pick, 1, f.data, f.len);
  }
  int rc = all.rc || pick.rc ? lf_err(err, LF_NOMEM, "out of memory")
                             : lf_schema_parse_fields(out, pick.p, pick.len, err);
  if (rc) lf_schema_reset(out);
  lf_buf_reset(&all);
  lf_buf_reset(&pick);
  return rc;
}

int lf_evolve_check_names(const lf_manifest *base, const lf_evolve_spec *sp, lf_error *err) {
  const lf_schema *s = &base->schema;
  for (int i = 0; sp->add && i < sp->add->n_fields; i++) {
    const lf_field *old = top_named(s, sp->add->fields[i]->name);
    if (old && !dropped(sp, old))
      return lf_err(err, LF_ARG, "column '%s' already exists", sp->add->fields[i]->name);
  }
  for (int i = 0; i < sp->n_alter; i++) {
    const char *rn = sp->alter[i].rename;
    const lf_field *old = rn ? top_named(s, rn) : NULL;
    if (old && old != sp->alter[i].field && !dropped(sp, old))
      return lf_err(err, LF_ARG, "cannot rename '%s' to '%s': that column exists",
                    sp->alter[i].field->name, rn);
  }
  return LF_OK;
}

/* ---- commits: fragments ------------------------------------------------------ */

/* Is field id `id` in the Field messages of new_schema? */
static int in_schema(const lf_commit_req *r, int32_t id) {
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, r->new_schema, r->new_schema_len);
  while (lf_pb_next(&pb, &f, "schema", NULL) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    int32_t fid, parent;
    field_ids(f.data, f.len, &fid, &parent);
    if (fid == id) return 1;
  }
  return 0;
}

static int same_fields(const lf_data_file *a, const lf_data_file *b) {
  if (a->n_fields != b->n_fields || a->major != b->major || a->minor != b->minor) return 0;
  for (int i = 0; i < a->n_fields; i++)
    if (a->fields[i] != b->fields[i]) return 0;
  return 1;
}

static int shares_field(const lf_data_file *a, const lf_data_file *b) {
  for (int i = 0; i < a->n_fields; i++)
    for (int k = 0; k < b->n_fields; k++)
      if (a->fields[i] == b->fields[k] && a->fields[i] >= 0) return 1;
  return 0;
}

/* Memory the rewritten fragments point into, freed by lf_evolve_mem_reset. */
static void *mem_add(lf_evolve_mem *m, size_t n) {
  if (m->n == m->cap) {
    int cap = m->cap ? 2 * m->cap : 16;
    void **p = realloc(m->p, (size_t)cap * sizeof *p);
    if (!p) return NULL;
    m->p = p, m->cap = cap;
  }
  void *q = calloc(1, n ? n : 1);
  if (q) m->p[m->n++] = q;
  return q;
}

void lf_evolve_mem_reset(lf_evolve_mem *m) {
  for (int i = 0; i < m->n; i++) free(m->p[i]);
  free(m->p);
  memset(m, 0, sizeof *m);
}

/* fr->files with file `add` put in (REPLACE / MERGE rules above). */
static int frag_add(const lf_commit_req *r, lf_fragment *fr, const lf_frag_file *add,
                    lf_evolve_mem *mem, const char *root, lf_error *err) {
  lf_data_file *files = mem_add(mem, ((size_t)fr->n_files + 1) * sizeof *files);
  if (!files) return lf_err(err, LF_NOMEM, "out of memory");
  int n = 0, replaced = 0;
  for (int j = 0; j < fr->n_files; j++) {
    lf_data_file df = fr->files[j];
    if (r->kind == LF_COMMIT_REPLACE && same_fields(&df, &add->file)) {
      df.path = add->file.path, df.size_bytes = add->file.size_bytes, replaced = 1;
    } else if (r->kind == LF_COMMIT_REPLACE && shares_field(&df, &add->file)) {
      return lf_err(err, LF_ARG, "%s: fragment %" PRIu64 ": the new file's fields do not match "
                    "a data file of the fragment", shown(root), fr->id);
    } else if (add->n_tombstones) {
      int32_t *fl = mem_add(mem, (size_t)df.n_fields * sizeof *fl);
      if (!fl) return lf_err(err, LF_NOMEM, "out of memory");
      int live = 0;
      for (int k = 0; k < df.n_fields; k++) {
        fl[k] = df.fields[k];
        for (int t = 0; t < add->n_tombstones; t++)
          if (fl[k] == add->tombstones[t]) fl[k] = -2;
        live += fl[k] != -2;
      }
      df.fields = fl;
      if (!live) continue;
    }
    files[n++] = df;
  }
  if (!replaced) files[n++] = add->file;
  fr->files = files;
  fr->n_files = n;
  return LF_OK;
}

int lf_evolve_frags(const lf_commit_req *r, lf_fragment *frags, int n, lf_evolve_mem *mem,
                    const char *root, lf_error *err) {
  for (int k = 0; k < r->n_adds; k++) {
    int hit = 0;
    for (int i = 0; i < n && !hit; i++) {
      if (frags[i].id != r->adds[k].fragment_id) continue;
      hit = 1;
      int rc = frag_add(r, &frags[i], &r->adds[k], mem, root, err);
      if (rc) return rc;
    }
    if (!hit)
      return lf_err(err, LF_CONFLICT, "%s: fragment %" PRIu64 " is gone", shown(root),
                    r->adds[k].fragment_id);
  }
  if (r->kind != LF_COMMIT_PROJECT && r->kind != LF_COMMIT_MERGE) return LF_OK;
  for (int i = 0; i < n; i++) { /* files left without a field of the schema leave */
    lf_data_file *files = mem_add(mem, ((size_t)frags[i].n_files + 1) * sizeof *files);
    if (!files) return lf_err(err, LF_NOMEM, "out of memory");
    int m = 0;
    for (int j = 0; j < frags[i].n_files; j++) {
      int keep = 0;
      for (int k = 0; k < frags[i].files[j].n_fields && !keep; k++)
        keep = frags[i].files[j].fields[k] >= 0 && in_schema(r, frags[i].files[j].fields[k]);
      if (keep) files[m++] = frags[i].files[j];
    }
    frags[i].files = files;
    frags[i].n_files = m;
  }
  return LF_OK;
}

/* ---- commits: the transaction, conflicts, the manifest's schema ------------------- */

int lf_evolve_txn_body(const lf_commit_req *r, const lf_manifest *base, const char *root,
                       lf_buf *out, lf_error *err) {
  static const uint32_t merge_map[] = {1, 2, 5, 3}, project_map[] = {1, 1};
  if (r->kind == LF_COMMIT_REPLACE) {
    for (int k = 0; k < r->n_adds; k++) {
      size_t m = lf_pbw_begin(out);
      lf_pbw_uint(out, 1, r->adds[k].fragment_id);
      lf_data_file_encode(out, 2, &r->adds[k].file);
      lf_pbw_end(out, 1, m);
    }
    return out->rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
  }
  if (r->kind == LF_COMMIT_MERGE) {
    lf_evolve_mem mem = {0};
    lf_fragment *fr = calloc((size_t)base->n_fragments + 1, sizeof *fr);
    if (!fr) return lf_err(err, LF_NOMEM, "out of memory");
    memcpy(fr, base->fragments, (size_t)base->n_fragments * sizeof *fr);
    int rc = lf_evolve_frags(r, fr, base->n_fragments, &mem, root, err);
    for (int i = 0; !rc && i < base->n_fragments; i++) lf_fragment_encode(out, 1, &fr[i]);
    lf_evolve_mem_reset(&mem);
    free(fr);
    if (rc) return rc;
    lf_pbw_copy_fields(out, r->new_schema, r->new_schema_len, merge_map, 2, 0);
  } else {
    lf_pbw_copy_fields(out, r->new_schema, r->new_schema_len, project_map, 1, 0);
  }
  return out->rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

int lf_evolve_carry(const lf_commit_req *r, const uint8_t *msg, size_t len, lf_buf *out) {
  static const uint32_t drop[] = {1, 0, 5, 0};
  lf_pbw_copy_fields(out, msg, len, drop, 2, 1);
  lf_buf_put(out, r->new_schema, r->new_schema_len);
  return out->rc;
}

static int op_in(const char *op, const char *const *list, size_t n) {
  for (size_t i = 0; op && i < n; i++)
    if (!strcmp(op, list[i])) return 1;
  return 0;
}

/* Does an index of m cover a field of the files r puts in? */
static int indexes_added_fields(const lf_commit_req *r, const lf_manifest *m) {
  lf_index_meta *ix = NULL;
  int n = 0, hit = 0;
  if (lf_manifest_indices(m, &ix, &n, NULL)) return 1; /* unreadable: assume the worst */
  for (int i = 0; i < n && !hit; i++)
    for (int f = 0; f < ix[i].n_fields && !hit; f++)
      for (int k = 0; k < r->n_adds && !hit; k++)
        for (int j = 0; j < r->adds[k].file.n_fields && !hit; j++)
          hit = r->adds[k].file.fields[j] == ix[i].fields[f];
  lf_indices_free(ix, n);
  return hit;
}

int lf_evolve_conflicts(const lf_commit_req *r, const lf_manifest *m) {
  static const char *const any[] = {"create_index", "reserve_fragments", "update_config"};
  const lf_transaction *t = &m->txn;
  /* new column files under an index built meanwhile would leave it stale */
  if (r->kind == LF_COMMIT_REPLACE && t->present && t->op_name &&
      !strcmp(t->op_name, "create_index") && indexes_added_fields(r, m))
    return 1;
  static const char *const project_ok[] = {"append", "delete", "update", "rewrite",
                                           "data_replacement"};
  static const char *const touching[] = {"update", "rewrite", "data_replacement"};
  const char *op = t->present ? t->op_name : NULL;
  if (op_in(op, any, 3)) return 0;
  if (r->kind == LF_COMMIT_MERGE) return 1;
  if (r->kind == LF_COMMIT_PROJECT) return !op_in(op, project_ok, 5);
  if (op && (!strcmp(op, "append") || !strcmp(op, "delete"))) return 0;
  if (!op_in(op, touching, 3)) return 1;
  for (size_t i = 0; i < t->n_frag_ids; i++)
    for (int k = 0; k < r->n_adds; k++)
      if (r->adds[k].fragment_id == t->frag_ids[i]) return 1;
  return 0;
}

int lf_evolve_replaceable(const lf_fragment *fr, const lf_data_file *df) {
  for (int j = 0; j < fr->n_files; j++)
    if (!same_fields(&fr->files[j], df) && shares_field(&fr->files[j], df)) return 0;
  return 1;
}
