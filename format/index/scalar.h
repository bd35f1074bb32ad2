/*
** scalar.h: the public API for the scalar indexes LanceDB 0.39 builds
** (BTREE, BITMAP, LABEL_LIST) and the row-id sets their searches give.
** Plain C11, no SQLite.  Byte layouts: rowset.c (Lance's serialized row
** address tree map), scalar.c (the index files), docs/scalar-index.md.
**
** An index lives in <dataset>/_indices/<uuid>/:
**   BTREE       page_lookup.lance  one row per page of sorted values
**               page_data.lance    the values, sorted, with their row ids
**   BITMAP      bitmap_page_lookup.lance  one row per distinct value with
**               the serialized set of the rows holding it
**   LABEL_LIST  bitmap_page_lookup.lance  the same, one row per distinct list
**               element (the rows whose list contains it)
**
** Searches decide values as SQL does (NULL and NaN match only IS NULL;
** integers against doubles exactly; text by bytes, as SQLite's BINARY
** collation): the rows they give are exactly the indexed rows that pass.
**
** Ownership: lf_rowset and lf_sidx are heap objects (_new/_open, _free);
** lf_sidx keeps a borrowed store.  Not thread-safe.
*/
#ifndef LF_SCALAR_H
#define LF_SCALAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lf.h"

/* ---- Row-id sets (rowset.c) ----------------------------------------------------- */

/* A set of 64-bit row ids: one Roaring bitmap per upper 32 bits. */
typedef struct lf_rowset lf_rowset;

lf_rowset *lf_rowset_new(void); /* NULL when out of memory */
void lf_rowset_free(lf_rowset *s);
int lf_rowset_add(lf_rowset *s, uint64_t id);
/* Add ids[0..n) (any order; ids over more than 16 upper-bit values are sorted
** in place first). */
int lf_rowset_add_many(lf_rowset *s, uint64_t *ids, size_t n);
/* Add every row id of Lance's serialized RowAddrTreeMap d[0..n) (layout in
** rowset.c); LF_CORRUPT when the bytes are not one. */
int lf_rowset_add_treemap(lf_rowset *s, const uint8_t *d, size_t n, lf_error *err);
/* a = a AND b; a = a OR b.  LF_OK or LF_NOMEM. */
int lf_rowset_and(lf_rowset *a, const lf_rowset *b);
int lf_rowset_or(lf_rowset *a, const lf_rowset *b);
uint64_t lf_rowset_count(const lf_rowset *s);
int lf_rowset_contains(const lf_rowset *s, uint64_t id);
/* Keep only the row ids of upper bits hi below hi << 32 | n (a fragment of n
** rows): whole entries become [0, n).  LF_OK or LF_NOMEM. */
int lf_rowset_limit(lf_rowset *s, uint32_t hi, uint64_t n);
/* The row ids ascending in *out (malloc'd, caller frees; NULL when empty);
** LF_UNSUPPORTED while a whole entry (2^32 ids) is left, LF_NOMEM. */
int lf_rowset_array(const lf_rowset *s, uint64_t **out, size_t *n);

/* x against y exactly (no rounding of either): -1, 0, 1 (scalar.c). */
int lf_cmp_i64_f64(int64_t x, double y);

/* Integer row i of a (any integer type or bool up to 64 bits, sign-extended
** when signed). */
static inline int64_t lf_int_at(const lf_array *a, uint64_t i) {
  lf_type t = a->field->type;
  int w = lf_type_width(a->field);
  const uint8_t *p = a->values + (uint64_t)w * i;
  if (t == LF_T_INT64 || t == LF_T_UINT64) { int64_t v; memcpy(&v, p, 8); return v; } /* LE host */
  if (t == LF_T_INT32) { int32_t v; memcpy(&v, p, 4); return v; }
  if (t == LF_T_UINT32) { uint32_t v; memcpy(&v, p, 4); return v; }
  uint64_t u = 0;
  for (int b = 0; b < w; b++) u |= (uint64_t)p[b] << (8 * b);
  int sgn = t == LF_T_INT8 || t == LF_T_INT16 || t == LF_T_INT32 || t == LF_T_INT64;
  if (sgn && w < 8 && (u >> (8 * w - 1)) & 1) u |= ~(uint64_t)0 << (8 * w);
  return (int64_t)u;
}

/* ---- Scalar indexes (scalar.c) ------------------------------------------------- */

enum { LF_SIDX_NONE = 0, LF_SIDX_BTREE, LF_SIDX_BITMAP, LF_SIDX_LABEL_LIST };

/* The kind of scalar index an index_details type URL names
** ("/lance.table.BTreeIndexDetails" ...), LF_SIDX_NONE for others. */
int lf_sidx_kind(const char *type_url);
/* The value types whose indexes SQL uses and builds: bool, integers up to
** int64 and uint32, float32/64, text (uint64 above 2^63 is TEXT to SQL). */
int lf_sidx_value_type_ok(lf_type t);
const char *lf_sidx_kind_name(int kind); /* "BTREE", "BITMAP", "LABEL_LIST" */

/* A value searched for, as SQL sees it. */
enum { LF_SV_NULL = 0, LF_SV_INT, LF_SV_FLOAT, LF_SV_TEXT };
typedef struct lf_svalue {
  int type;
  int64_t i;               /* LF_SV_INT */
  double d;                /* LF_SV_FLOAT */
  const uint8_t *z;        /* LF_SV_TEXT: n bytes (borrowed) */
  size_t n;
} lf_svalue;

/* What a search asks: `value <op> v`, `value IN (vals)`, `value IS NULL`,
** and for label lists `list has any / all of vals`. */
enum { LF_SQ_EQ, LF_SQ_LT, LF_SQ_LE, LF_SQ_GT, LF_SQ_GE, LF_SQ_IN, LF_SQ_ISNULL,
       LF_SQ_HAS_ANY, LF_SQ_HAS_ALL };
typedef struct lf_squery {
  int op;
  lf_svalue v;             /* EQ .. GE */
  const lf_svalue *vals;   /* IN, HAS_ANY, HAS_ALL */
  size_t nvals;
  int has2, op2;           /* EQ .. GE: and also `value <op2> v2` (a BETWEEN: one */
  lf_svalue v2;            /* search, not two to intersect) */
} lf_squery;

/* Values parsed from a JSON array of strings, numbers and nulls (the lists
** of array_has_any / array_has_all): strings unescaped (owned), integers
** that fit int64 as LF_SV_INT, other numbers LF_SV_FLOAT, null LF_SV_NULL. */
typedef struct lf_svalues {
  lf_svalue *v;
  size_t n, cap;
} lf_svalues;
/* LF_ARG "not a JSON array of strings, numbers and nulls", or LF_NOMEM. */
int lf_svalues_from_json(const uint8_t *z, size_t n, lf_svalues *out, lf_error *err);
void lf_svalues_reset(lf_svalues *s);
/* a against b as SQL compares them: -1, 0, 1, or 2 when they do not compare
** (a NULL, text against a number). */
int lf_svalue_cmp(const lf_svalue *a, const lf_svalue *b);

typedef struct lf_sidx lf_sidx;

/* Open the index of kind `kind` in <root>/_indices/<uuid>/: BTREE reads its
** page lookup (a few values per 4096 rows), BITMAP and LABEL_LIST their
** keys; pages and bitmaps are read by searches.  LF_UNSUPPORTED names what
** this reader does not know (range-partitioned BTREE files, key types). */
int lf_sidx_open(lf_store *s, const char *root, const char *uuid, int kind, lf_sidx **out,
                 lf_error *err);
/* The same over files already open (the parsers behind lf_sidx_open, and
** the fuzz targets' entry): takes ownership of the files, also on error.
** BTREE: a = page_lookup, b = page_data; BITMAP / LABEL_LIST: a, b = NULL. */
int lf_sidx_from_files(int kind, lf_file *a, lf_file *b, lf_sidx **out, lf_error *err);
void lf_sidx_free(lf_sidx *x);
int lf_sidx_kind_of(const lf_sidx *x);
/* The type of the indexed values (list elements for LABEL_LIST). */
const lf_field *lf_sidx_value_field(const lf_sidx *x);
/* Distinct keys (BITMAP, LABEL_LIST) or pages (BTREE); rows indexed (BTREE). */
uint64_t lf_sidx_num_keys(const lf_sidx *x);
uint64_t lf_sidx_num_rows(const lf_sidx *x);

/* Add the row ids of the indexed rows that pass q to out.  *pages_read (may
** be NULL) grows by the pages (BTREE) or bitmaps read.  LF_ARG for a query
** the index cannot answer (HAS_ANY on a BTREE, < on a LABEL_LIST). */
int lf_sidx_search(lf_sidx *x, const lf_squery *q, lf_rowset *out, uint64_t *pages_read,
                   lf_error *err);

/* ---- Building (scalar_build.c) ------------------------------------------------------ */

/* Build a `kind` index of `column` over every live row of the latest version
** of the dataset at root, in LanceDB 0.39's files, and commit it (CreateIndex)
** as `name` (NULL or "": "<column>_idx"); an index of that name is LF_EXISTS
** unless replace.  *version: the version committed.  LF_ARG when the column
** does not suit the kind, LF_NOTFOUND when there is no such column. */
int lf_sidx_create_index(lf_store *s, const char *root, const char *column, int kind,
                         const char *name, int replace, uint64_t *version, lf_error *err);
/* Rebuild every scalar index whose fragment bitmap lacks a fragment of the
** latest version (rows appended since), under its name; *rebuilt counts them
** and *version is the last version committed. */
int lf_sidx_optimize(lf_store *s, const char *root, int *rebuilt, uint64_t *version, lf_error *err);

#endif
