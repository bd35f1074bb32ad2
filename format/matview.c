/*
** matview.c: owns the format side of materialized views (ext/vtab/matview.c
** owns the SQL side; docs/sql.md "Materialized views"):
**   - the view's schema: chosen top-level fields of the source schema, in
**     the order given, renamed as asked, field ids and types kept, then
**     `_source_rowid UINT64 NOT NULL` (the source row id of each view row);
**   - which fragments of a source version must be read again since an
**     older one: those whose id is new or whose data files differ
**     (appends, updates' new fragments, compaction's rewrites, column
**     rewrites), or that holds rows the older one had deleted (a restore).
**     A fragment whose only change is more deleted rows keeps its other
**     rows' values: the rows it lost are found by row id.
*/
#include "lf_int.h"
#include "lf_matview.h"
#include "lf_write.h"

#include <stdlib.h>
#include <string.h>

static const lf_field *find_id(const lf_schema *s, int32_t id) {
  for (int i = 0; i < s->n_all; i++)
    if (s->all[i]->id == id) return s->all[i];
  return NULL;
}

/* The Field messages of encoded schema enc whose top-level field is top,
** appended to out (the top one renamed to name). */
static void copy_top(lf_buf *out, const lf_schema *s, const lf_buf *enc, const lf_field *top,
                     const char *name) {
  static const uint32_t drop_name[] = {2, 0};
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, enc->p, enc->len);
  while (lf_pb_next(&pb, &f, "schema", NULL) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    lf_pb in;
    lf_pb_field g;
    int32_t id = 0;
    lf_pb_init(&in, f.data, f.len);
    while (lf_pb_next(&in, &g, "field", NULL) > 0)
      if (g.num == 3 && g.wire == 0) id = (int32_t)g.u;
    const lf_field *t = find_id(s, id);
    while (t && t->parent) t = t->parent;
    if (t != top) continue;
    int is_top = id == top->id;
    size_t m = lf_pbw_begin(out);
    lf_pbw_copy_fields(out, f.data, f.len, drop_name, is_top, 1);
    if (is_top) lf_pbw_str(out, 2, name);
    lf_pbw_end(out, 1, m);
  }
}

int lf_schema_project(const lf_schema *src, const lf_field *const *tops,
                      const char *const *names, int n, lf_schema *out, lf_error *err) {
  memset(out, 0, sizeof *out);
  int32_t max_id = -1;
  for (int i = 0; i < src->n_all; i++)
    if (src->all[i]->id > max_id) max_id = src->all[i]->id;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < i; j++)
      if (tops[i] == tops[j])
        return lf_err(err, LF_ARG, "column '%s' is selected twice", tops[i]->name);
  lf_buf enc = {0}, pick = {0};
  lf_schema_encode(src, &enc);
  for (int i = 0; i < n; i++) copy_top(&pick, src, &enc, tops[i], names[i]);
  size_t m = lf_pbw_begin(&pick); /* _source_rowid: uint64, not null, plain */
  lf_pbw_str(&pick, 2, LF_VIEW_ROWID);
  lf_pbw_uint(&pick, 3, (uint64_t)(max_id + 1));
  lf_pbw_sint32(&pick, 4, -1);
  lf_pbw_str(&pick, 5, "uint64");
  lf_pbw_uint(&pick, 7, 1);
  lf_pbw_end(&pick, 1, m);
  int rc = enc.rc || pick.rc ? lf_err(err, LF_NOMEM, "out of memory")
                             : lf_schema_parse_fields(out, pick.p, pick.len, err);
  if (rc) lf_schema_reset(out);
  lf_buf_reset(&enc);
  lf_buf_reset(&pick);
  return rc;
}

static int same_files(const lf_fragment *a, const lf_fragment *b) {
  if (a->n_files != b->n_files) return 0;
  for (int i = 0; i < a->n_files; i++)
    if (strcmp(a->files[i].path, b->files[i].path)) return 0;
  return 1;
}

/* Rows deleted in o live again in f (a restore of an older version): the
** deletion file went, or holds fewer rows (unknown counts: assume so). */
static int rows_came_back(const lf_fragment *o, const lf_fragment *f) {
  if (!o->deletion.present) return 0;
  if (!f->deletion.present) return 1;
  if (f->deletion.id == o->deletion.id && f->deletion.read_version == o->deletion.read_version)
    return 0;
  return !o->deletion.num_deleted_rows ||
         f->deletion.num_deleted_rows < o->deletion.num_deleted_rows;
}

int lf_view_changed(const lf_manifest *old, const lf_manifest *cur, uint8_t *changed) {
  int n = 0;
  for (int i = 0; i < cur->n_fragments; i++) {
    const lf_fragment *f = &cur->fragments[i], *o = NULL;
    for (int j = 0; old && !o && j < old->n_fragments; j++)
      if (old->fragments[j].id == f->id) o = &old->fragments[j];
    changed[i] = !o || !same_files(o, f) || rows_came_back(o, f);
    n += changed[i];
  }
  return n;
}
