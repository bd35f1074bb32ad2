/*
** pragma_list.c: the rows each pragma function lists (pragma.c resolves the
** argument and serves them as eponymous virtual tables):
**
**   lance_versions(t)   version, timestamp, row_count, operation, tags,
**                       fragments, timestamp_ns: one row per version.
**                       timestamp is 'YYYY-MM-DD HH:MM:SS.ffffff' UTC and
**                       timestamp_ns the same instant in ns since the epoch
**                       (both NULL when the manifest has none); row_count the
**                       live rows (physical minus deleted, summed over
**                       fragments); operation the transaction's operation
**                       name or NULL; tags the comma-separated names of the
**                       tags pointing at the version (sorted), or NULL.
**   lance_tags(t)       tag, version: sorted by tag.
**   lance_schema(t)     field_id, name, arrow_type, nullable, sqlite_type,
**                       parent_id: every field, parents before children.
**                       name is the dotted path ('st.b.c'); arrow_type reads
**                       like 'fixed_size_list<float32>[8]', 'struct<a: int32>',
**                       'timestamp[us, tz=UTC]'; parent_id is -1 for top-level
**                       fields (as Lance stores it); sqlite_type is the
**                       column type the lance table declares for a top-level
**                       field (vtab_sql_type), NULL for nested fields.
**   lance_fragments(t)  fragment_id, physical_rows, deleted_rows, files (JSON
**                       array of data file paths), deletion_file (or NULL);
**                       paths are relative to the dataset directory.
**   lance_indices(t)    name, columns, type, version, unindexed_rows, uuid:
**                       one row per index segment, sorted by name.  columns
**                       are the comma-separated field paths; type comes from
**                       the index details' type URL ('vector', 'btree', 'fts',
**                       'bitmap', 'label_list', ...; NULL without details);
**                       version is the dataset version the segment was built
**                       from; unindexed_rows the live rows of the fragments
**                       no segment of that name covers (NULL when one of them
**                       has no fragment bitmap).
**
** lance_schema, lance_fragments and lance_indices describe the snapshot the
** table pins (or the latest); lance_versions and lance_tags the dataset.
**
** Index metadata comes from format/indices.c (lf_manifest_indices).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "pb.h"
#include "vtab/pragma.h"
#include "vtab/vtab.h"

/* ---- helpers ------------------------------------------------------------ */

/* Deleted rows of fragment i (the manifest's count, else the file's). */
static int frag_deleted(pctx *p, lf_dataset *ds, int i, uint64_t *out) {
  const lf_fragment *f = lf_dataset_fragment(ds, i);
  *out = 0;
  if (!f->deletion.present) return SQLITE_OK;
  if (f->deletion.num_deleted_rows) {
    *out = f->deletion.num_deleted_rows;
  } else {
    const uint32_t *rows;
    size_t n;
    int rc = lf_dataset_deletions(ds, i, &rows, &n, &p->err);
    if (rc) return pragma_lf_error(p, rc);
    *out = n;
  }
  if (*out > f->physical_rows) *out = f->physical_rows;
  return SQLITE_OK;
}

static int frag_live(pctx *p, lf_dataset *ds, int i, uint64_t *out) {
  uint64_t del;
  int rc = frag_deleted(p, ds, i, &del);
  *out = rc ? 0 : lf_dataset_fragment(ds, i)->physical_rows - del;
  return rc;
}

/* The dotted path of f ('st.b.c'). */
static char *field_path(const lf_field *f) {
  char *z = sqlite3_mprintf("%s", f->name);
  for (const lf_field *q = f->parent; z && q; q = q->parent) {
    char *z2 = sqlite3_mprintf("%s.%s", q->name, z);
    sqlite3_free(z);
    z = z2;
  }
  return z;
}

static int open_snapshot(pctx *p, lf_dataset **pds) {
  /* the newest version is known from resolve(): open it without listing again */
  uint64_t v = p->version || p->zTag || !p->nVer ? p->version : p->aVer[p->nVer - 1];
  int rc = lf_dataset_open(p->store, p->zPath, v, p->zTag, pds, &p->err);
  return rc ? pragma_lf_error(p, rc) : SQLITE_OK;
}

/* ---- lance_versions, lance_tags ------------------------------------------------ */

/* Comma-separated names of the tags at version v, or NULL. */
static char *tags_at(const lf_tag *tags, size_t n, uint64_t v, int *nomem) {
  sqlite3_str *s = NULL;
  for (size_t i = 0; i < n; i++) {
    if (tags[i].version != v) continue;
    if (!s) s = sqlite3_str_new(NULL);
    else sqlite3_str_appendchar(s, 1, ',');
    sqlite3_str_appendall(s, tags[i].name);
  }
  char *z = s ? sqlite3_str_finish(s) : NULL;
  *nomem = s && !z;
  return z;
}

static int version_row(pctx *p, prows *r, uint64_t v, const lf_tag *tags, size_t nTags) {
  lf_dataset *ds;
  int rc = lf_dataset_open(p->store, p->zPath, v, NULL, &ds, &p->err);
  if (rc) return pragma_lf_error(p, rc);
  uint64_t live = 0, n;
  for (int i = 0; rc == SQLITE_OK && i < lf_dataset_num_fragments(ds); i++)
    if ((rc = frag_live(p, ds, i, &n)) == SQLITE_OK) live += n;
  if (rc == SQLITE_OK) {
    int64_t ns = lf_dataset_timestamp_ns(ds);
    int nomem = 0;
    char zTs[40], *zTags = tags_at(tags, nTags, v, &nomem);
    lf_fmt_timestamp(lf_floordiv(ns, 1000), LF_UNIT_US, ' ', "", zTs, sizeof zTs);
    pragma_int(r, (sqlite3_int64)v);
    pragma_text(r, ns ? zTs : NULL);
    pragma_int(r, (sqlite3_int64)live);
    pragma_text(r, lf_dataset_operation(ds));
    if (zTags) pragma_owned(r, zTags);
    else pragma_null(r);
    if (nomem) r->nomem = 1;
    pragma_int(r, lf_dataset_num_fragments(ds));
    if (ns) pragma_int(r, ns);
    else pragma_null(r);
  }
  lf_dataset_free(ds);
  return rc;
}

int pragma_fill_versions(pctx *p, prows *r) {
  lf_tag *tags;
  size_t nTags;
  int rc = lf_dataset_tags(p->store, p->zPath, &tags, &nTags, &p->err);
  if (rc) return pragma_lf_error(p, rc);
  for (size_t i = 0; rc == SQLITE_OK && i < p->nVer; i++)
    rc = version_row(p, r, p->aVer[i], tags, nTags);
  lf_tags_free(tags, nTags);
  return rc;
}

int pragma_fill_tags(pctx *p, prows *r) {
  lf_tag *tags;
  size_t n;
  int rc = lf_dataset_tags(p->store, p->zPath, &tags, &n, &p->err);
  if (rc) return pragma_lf_error(p, rc);
  for (size_t i = 0; i < n; i++) {
    pragma_text(r, tags[i].name);
    pragma_int(r, (sqlite3_int64)tags[i].version);
  }
  lf_tags_free(tags, n);
  return SQLITE_OK;
}

/* ---- lance_schema ------------------------------------------------------------- */

/* Appends the Arrow type of f ("fixed_size_list<float32>[8]", "struct<a:
** int32>", "timestamp[us, tz=UTC]") to s. */
static void arrow_type(sqlite3_str *s, const lf_field *f, int depth) {
  static const char *const units[] = {"s", "ms", "us", "ns"};
  const char *zName = lf_type_name(f->type), *zUnit = units[f->unit & 3];
  if (depth > 32) {
    sqlite3_str_appendall(s, "...");
  } else if (f->is_dict) { /* logical type dict:<value>:<index>:<ordered> */
    lf_field v = *f;
    const char *zI = f->logical_type ? strchr(f->logical_type, ':') : NULL;
    zI = zI ? strchr(zI + 1, ':') : NULL;
    int nI = zI ? (int)strcspn(zI + 1, ":") : 0;
    v.is_dict = 0;
    sqlite3_str_appendall(s, "dictionary<values=");
    arrow_type(s, &v, depth + 1);
    if (nI) sqlite3_str_appendf(s, ", indices=%.*s", nI, zI + 1);
    sqlite3_str_appendchar(s, 1, '>');
  } else if (f->type == LF_T_DECIMAL128 || f->type == LF_T_DECIMAL256) {
    sqlite3_str_appendf(s, "%s(%d, %d)", zName, (int)f->precision, (int)f->scale);
  } else if (f->type == LF_T_FIXED_BINARY) {
    sqlite3_str_appendf(s, "%s[%lld]", zName, (long long)f->fixed_size);
  } else if (f->type == LF_T_TIME32 || f->type == LF_T_TIME64 || f->type == LF_T_DURATION) {
    sqlite3_str_appendf(s, "%s[%s]", zName, zUnit);
  } else if (f->type == LF_T_TIMESTAMP) {
    sqlite3_str_appendf(s, f->tz ? "%s[%s, tz=%s]" : "%s[%s]", zName, zUnit, f->tz);
  } else if (f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST || f->type == LF_T_FIXED_LIST) {
    sqlite3_str_appendf(s, "%s<", zName);
    if (f->n_children) arrow_type(s, f->children[0], depth + 1);
    sqlite3_str_appendchar(s, 1, '>');
    if (f->type == LF_T_FIXED_LIST) sqlite3_str_appendf(s, "[%lld]", (long long)f->fixed_size);
  } else if (f->type == LF_T_STRUCT) {
    sqlite3_str_appendall(s, "struct<");
    for (int i = 0; i < f->n_children; i++) {
      sqlite3_str_appendf(s, "%s%s: ", i ? ", " : "", f->children[i]->name);
      arrow_type(s, f->children[i], depth + 1);
    }
    sqlite3_str_appendchar(s, 1, '>');
  } else {
    sqlite3_str_appendall(s, zName);
  }
}

int pragma_fill_schema(pctx *p, prows *r) {
  lf_dataset *ds;
  int rc = open_snapshot(p, &ds);
  if (rc) return rc;
  const lf_schema *sc = lf_dataset_schema(ds);
  for (int i = 0; i < sc->n_all; i++) {
    const lf_field *f = sc->all[i];
    if (f->id < 0) continue; /* synthesized fixed-size-list item, not a Lance field */
    sqlite3_str *s = sqlite3_str_new(NULL);
    arrow_type(s, f, 0);
    pragma_int(r, f->id);
    pragma_owned(r, field_path(f));
    pragma_owned(r, sqlite3_str_finish(s));
    pragma_int(r, f->nullable != 0);
    pragma_text(r, f->parent ? NULL : vtab_sql_type(f));
    pragma_int(r, f->parent ? f->parent->id : -1);
  }
  lf_dataset_free(ds);
  return SQLITE_OK;
}

/* ---- lance_fragments ---------------------------------------------------------- */

int pragma_fill_fragments(pctx *p, prows *r) {
  lf_dataset *ds;
  int rc = open_snapshot(p, &ds);
  for (int i = 0; rc == SQLITE_OK && i < lf_dataset_num_fragments(ds); i++) {
    const lf_fragment *f = lf_dataset_fragment(ds, i);
    uint64_t del;
    if ((rc = frag_deleted(p, ds, i, &del)) != SQLITE_OK) break;
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendchar(s, 1, '[');
    for (int k = 0; k < f->n_files && rc == SQLITE_OK; k++) {
      char *path = sqlite3_mprintf("data/%s", f->files[k].path);
      if (k) sqlite3_str_appendchar(s, 1, ',');
      if (path) vtab_json_string(s, (const uint8_t *)path, strlen(path));
      else rc = SQLITE_NOMEM;
      sqlite3_free(path);
    }
    sqlite3_str_appendchar(s, 1, ']');
    if (rc != SQLITE_OK) {
      sqlite3_free(sqlite3_str_finish(s));
      break;
    }
    pragma_int(r, (sqlite3_int64)f->id);
    pragma_int(r, (sqlite3_int64)f->physical_rows);
    pragma_int(r, (sqlite3_int64)del);
    pragma_owned(r, sqlite3_str_finish(s));
    const lf_deletion_file *d = &f->deletion;
    if (d->present)
      pragma_owned(r, sqlite3_mprintf("_deletions/%llu-%llu-%llu.%s", (unsigned long long)f->id,
                                   (unsigned long long)d->read_version,
                                   (unsigned long long)d->id,
                                   d->type == LF_DEL_BITMAP ? "bin" : "arrow"));
    else pragma_null(r);
  }
  lf_dataset_free(ds);
  return rc;
}

/* ---- lance_indices ------------------------------------------------------------ */

/* The index type a details type URL names ("/lance.table.BTreeIndexDetails"
** -> "btree"); an unknown message name loses "IndexDetails" and is lowered. */
static char *index_type(const char *d) {
  static const char *const map[][2] = {
    {"VectorIndexDetails", "vector"}, {"BTreeIndexDetails", "btree"},
    {"InvertedIndexDetails", "fts"}, {"BitmapIndexDetails", "bitmap"},
    {"LabelListIndexDetails", "label_list"}, {"NGramIndexDetails", "ngram"},
    {"ZoneMapIndexDetails", "zonemap"}, {"BloomFilterIndexDetails", "bloomfilter"},
    {"JsonIndexDetails", "json"}, {"FragmentReuseIndexDetails", "frag_reuse"},
    {"MemWalIndexDetails", "mem_wal"}};
  if (!d) return NULL;
  size_t n = strlen(d), b = n;
  while (b > 0 && d[b - 1] != '.' && d[b - 1] != '/') b--;
  const char *z = d + b;
  int len = (int)(n - b);
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if ((int)strlen(map[i][0]) == len && sqlite3_strnicmp(z, map[i][0], len) == 0)
      return sqlite3_mprintf("%s", map[i][1]);
  if (len > 12 && sqlite3_strnicmp(z + len - 12, "IndexDetails", 12) == 0) len -= 12;
  char *o = sqlite3_mprintf("%.*s", len, z);
  for (int i = 0; o && o[i]; i++) o[i] = (char)tolower((unsigned char)o[i]);
  return o;
}

static int cmp_index(const void *a, const void *b) {
  const lf_index_meta *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->dataset_version > y->dataset_version) - (x->dataset_version < y->dataset_version);
}

static int covers(const lf_index_meta *x, uint32_t frag) {
  size_t lo = 0, hi = x->n_frags;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (x->frags[mid] < frag) lo = mid + 1; else hi = mid;
  }
  return lo < x->n_frags && x->frags[lo] == frag;
}

/* Comma-separated paths of the fields an index covers. */
static char *index_columns(const lf_schema *sc, const lf_index_meta *x) {
  sqlite3_str *s = sqlite3_str_new(NULL);
  for (int k = 0; k < x->n_fields; k++) {
    int32_t id = x->fields[k];
    const lf_field *f = NULL;
    for (int i = 0; !f && i < sc->n_all; i++)
      if (sc->all[i]->id == id) f = sc->all[i];
    char *z = f ? field_path(f) : sqlite3_mprintf("%d", (int)id);
    sqlite3_str_appendf(s, "%s%s", k ? "," : "", z ? z : "");
    sqlite3_free(z);
  }
  return sqlite3_str_finish(s);
}

/* Live rows of the fragments that no segment named like a[k] covers;
** -1 when one of those segments has no fragment bitmap. */
static int unindexed_rows(pctx *p, lf_dataset *ds, const lf_index_meta *a, int n, int k,
                          sqlite3_int64 *out) {
  *out = 0;
  for (int j = 0; j < n; j++)
    if (!strcmp(a[j].name, a[k].name) && !a[j].has_frags) return *out = -1, SQLITE_OK;
  for (int i = 0; i < lf_dataset_num_fragments(ds); i++) {
    uint32_t id = (uint32_t)lf_dataset_fragment(ds, i)->id;
    int covered = 0;
    for (int j = 0; j < n && !covered; j++)
      covered = !strcmp(a[j].name, a[k].name) && covers(&a[j], id);
    uint64_t live;
    if (covered) continue;
    int rc = frag_live(p, ds, i, &live);
    if (rc) return rc;
    *out += (sqlite3_int64)live;
  }
  return SQLITE_OK;
}

int pragma_fill_indices(pctx *p, prows *r) {
  lf_dataset *ds;
  lf_index_meta *a = NULL;
  int n = 0, rc = open_snapshot(p, &ds);
  if (rc) return rc;
  int lrc = lf_manifest_indices(lf_dataset_manifest(ds), &a, &n, &p->err);
  if (!lrc && n) qsort(a, (size_t)n, sizeof *a, cmp_index);
  if (lrc == LF_CORRUPT)
    lf_err_prefix(&p->err, lrc, "%s: version %llu", p->zPath,
                  (unsigned long long)lf_dataset_version(ds));
  if (lrc) rc = pragma_lf_error(p, lrc);
  for (int k = 0; rc == SQLITE_OK && k < n; k++) {
    sqlite3_int64 nUn;
    if ((rc = unindexed_rows(p, ds, a, n, k, &nUn)) != SQLITE_OK) break;
    pragma_text(r, a[k].name);
    pragma_owned(r, index_columns(lf_dataset_schema(ds), &a[k]));
    pragma_owned(r, index_type(a[k].type_url));
    pragma_int(r, (sqlite3_int64)a[k].dataset_version);
    if (nUn >= 0) pragma_int(r, nUn);
    else pragma_null(r);
    pragma_text(r, a[k].uuid[0] ? a[k].uuid : NULL);
  }
  lf_indices_free(a, n);
  lf_dataset_free(ds);
  return rc;
}

