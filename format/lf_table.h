/*
** lf_table.h: the public API of the table layer: a Lance dataset directory
** (versions, manifests, fragments, deletion files, row ids, tags).  Plain
** C11, no SQLite.  Byte layouts are documented in manifest.c, deletion.c,
** rowids.c, tags.c and table.c.
**
** A dataset directory `<root>` (a path relative to the store's root, "" for
** the store root itself) holds:
**   _versions/<N>.manifest            one manifest per version (two naming schemes)
**   _transactions/<rv>-<uuid>.txn     the transaction that made a version
**   _deletions/<frag>-<rv>-<id>.arrow|.bin   deletion vectors
**   _refs/tags/<name>.json            tags
**   data/<file>.lance                 data files (lf_file_open)
**
** Ownership: lf_dataset is a heap object (_open/_free).  Everything reached
** through it (manifest, fragments, deletion arrays, row id sequences) is
** borrowed and lives until lf_dataset_free.  lf_manifest and lf_tag are
** caller-allocated (_reset frees their contents).
*/
#ifndef LF_TABLE_H
#define LF_TABLE_H

#include "lf.h"

/* Manifest feature flags (reader_flags / writer_flags). */
enum {
  LF_FEATURE_DELETION_FILES = 1,
  LF_FEATURE_STABLE_ROW_IDS = 2,
  LF_FEATURE_USE_V2_FORMAT = 4,   /* deprecated */
  LF_FEATURE_TABLE_CONFIG = 8,
  LF_FEATURE_BASE_PATHS = 16,
  LF_FEATURE_NO_TXN_FILES = 32
};

/* One data file of a fragment: fields[i] (a schema field id) is stored in
** top-level column column_indices[i] of the file (-1: no column of its
** own); field -2 is tombstoned.  path is relative to <root>/data/. */
typedef struct lf_data_file {
  char *path;
  int n_fields;
  int32_t *fields;
  int n_columns;
  int32_t *column_indices;
  uint32_t major, minor;   /* file version (0.3 = "2.0", 2.1, 2.2 ...) */
  uint64_t size_bytes;     /* 0 = unknown */
  int has_base_id;
  uint32_t base_id;
} lf_data_file;

enum { LF_DEL_ARROW = 0, LF_DEL_BITMAP = 1 };

typedef struct lf_deletion_file {
  int present;
  int type;                /* LF_DEL_ARROW (.arrow) or LF_DEL_BITMAP (.bin) */
  uint64_t read_version, id, num_deleted_rows;
  int has_base_id;
  uint32_t base_id;
} lf_deletion_file;

/* Where a serialized sequence (rowids.proto) lives: inline bytes (owned
** copy) or a range of an external file (path relative to <root>). */
typedef struct lf_seq_ref {
  uint8_t *data;           /* inline bytes, or NULL */
  size_t len;
  char *path;              /* external file, or NULL */
  uint64_t offset, size;
} lf_seq_ref;

typedef struct lf_fragment {
  uint64_t id;
  uint64_t physical_rows;  /* including deleted rows */
  int n_files;
  lf_data_file *files;
  lf_deletion_file deletion;
  lf_seq_ref row_ids;      /* stable row ids only */
  lf_seq_ref last_updated; /* RowDatasetVersionSequence, stable row ids only */
  lf_seq_ref created_at;
} lf_fragment;

typedef struct lf_base_path {
  uint32_t id;
  char *name;              /* or NULL */
  int is_dataset_root;
  char *path;
} lf_base_path;

/* The Transaction message that made a version (embedded in the manifest). */
typedef struct lf_transaction {
  int present;
  uint64_t read_version;
  char *uuid, *tag;
  int op;                  /* protobuf field number of the operation, 0 if none */
  const char *op_name;     /* static: "append", "delete", "overwrite", "create_index",
                           ** "rewrite", "merge", "restore", "reserve_fragments",
                           ** "update", "project", "update_config", "data_replacement",
                           ** "update_mem_wal_state", "clone", "update_bases", "unknown" */
  uint64_t restore_version; /* op "restore": the version restored */
  /* Ops delete, update, rewrite, data_replacement: the ids of existing
  ** fragments the transaction changed or removed (malloc'd, unsorted). */
  uint64_t *frag_ids;
  size_t n_frag_ids;
} lf_transaction;

typedef struct lf_manifest {
  lf_schema schema;
  uint64_t version;
  int64_t timestamp_ns;    /* since the Unix epoch, UTC; 0 if absent */
  char *tag;               /* "" if none */
  uint64_t reader_flags, writer_flags;
  int has_max_fragment_id;
  uint32_t max_fragment_id;
  char *transaction_file;  /* relative to <root>/_transactions, "" if none */
  uint64_t next_row_id;
  char *data_format, *data_version;     /* e.g. "lance", "2.2" ("" if absent) */
  char *writer_library, *writer_version;
  int n_config;
  lf_kv *config;
  int n_table_meta;
  lf_kv *table_meta;
  int n_bases;
  lf_base_path *bases;
  char *branch;            /* NULL = main */
  int n_fragments;
  lf_fragment *fragments;
  lf_transaction txn;      /* txn.present = 0 if the manifest embeds none */
  int has_index_section;
  const uint8_t *index_section; /* IndexSection message (view into raw) */
  size_t index_section_len;
  uint8_t *raw;            /* the whole manifest file (owned) */
  size_t raw_len;
} lf_manifest;

/* Read the manifest file at `path` into m (zeroed or reset first).  On
** error m is reset.  lf_manifest_reset frees everything m owns. */
int lf_manifest_read(lf_store *s, const char *path, lf_manifest *m, lf_error *err);
void lf_manifest_reset(lf_manifest *m);

/* ---- Versions -------------------------------------------------------------- */

/* The versions of the dataset at `root`, ascending, in *out (malloc'd,
** caller frees; never NULL on success).  LF_NOTFOUND "<root>: no dataset
** here (no _versions directory)" when there is none. */
int lf_dataset_versions(lf_store *s, const char *root, uint64_t **out, size_t *n,
                        lf_error *err);

/* Read the manifest of `version` (0 = latest) of the dataset at root. */
int lf_dataset_read_manifest(lf_store *s, const char *root, uint64_t version, lf_manifest *m,
                             lf_error *err);

/* ---- Tags ------------------------------------------------------------------- */

typedef struct lf_tag {
  char *name;
  uint64_t version;
  char *branch;            /* NULL = main */
} lf_tag;

void lf_tag_reset(lf_tag *t);
/* Read tag `name` of the dataset at root into t (zeroed first). */
int lf_tag_read(lf_store *s, const char *root, const char *name, lf_tag *t, lf_error *err);
/* Every tag of the dataset at root, sorted by name, in *out (malloc'd; free
** with lf_tags_free).  No _refs/tags directory means no tags. */
int lf_dataset_tags(lf_store *s, const char *root, lf_tag **out, size_t *n, lf_error *err);
void lf_tags_free(lf_tag *tags, size_t n);

/* ---- Row id sequences ------------------------------------------------------------ */

/* A fragment's row ids in row order: segments that are either a range
** (start, start+1, ...) or an explicit array. */
typedef struct lf_rowid_seg {
  uint64_t n;              /* row ids in the segment */
  uint64_t start;          /* range: first row id (vals == NULL) */
  uint64_t *vals;          /* array: n row ids (owned) */
} lf_rowid_seg;

typedef struct lf_rowids {
  int n_segs;
  lf_rowid_seg *segs;
  uint64_t *seg_off;       /* n_segs + 1 entries: first offset of each segment */
  uint64_t len;            /* total row ids */
} lf_rowids;

/* Row id at fragment offset off (off < len). */
uint64_t lf_rowids_get(const lf_rowids *r, uint64_t off);
void lf_rowids_reset(lf_rowids *r);

/* ---- Datasets ------------------------------------------------------------------- */

typedef struct lf_dataset lf_dataset;

/* Open the dataset at `root` at `version`, or at the version of tag `tag`
** (tag != NULL; then version must be 0 or that version), or the latest
** (version 0, tag NULL).  The store is borrowed and must outlive *out. */
int lf_dataset_open(lf_store *s, const char *root, uint64_t version, const char *tag,
                    lf_dataset **out, lf_error *err);
void lf_dataset_free(lf_dataset *ds);

const lf_manifest *lf_dataset_manifest(const lf_dataset *ds);
/* The root the dataset was opened at (relative to its store's root). */
const char *lf_dataset_root(const lf_dataset *ds);
const lf_schema *lf_dataset_schema(const lf_dataset *ds);
uint64_t lf_dataset_version(const lf_dataset *ds);
int64_t lf_dataset_timestamp_ns(const lf_dataset *ds);
/* Name of the operation that made this version, or NULL if unrecorded. */
const char *lf_dataset_operation(const lf_dataset *ds);
int lf_dataset_stable_row_ids(const lf_dataset *ds);
/* The Lance file version of the dataset's data files (its data_format
** version, else its first data file's), "2.0" for files that say 0.3;
** 0.0 when the dataset tells neither. */
void lf_dataset_file_version(const lf_dataset *ds, int *major, int *minor);
int lf_dataset_num_fragments(const lf_dataset *ds);
const lf_fragment *lf_dataset_fragment(const lf_dataset *ds, int i);
/* Store path of a data file ("<root>/data/<path>"), malloc'd (caller
** frees).  LF_UNSUPPORTED for files under another base path. */
int lf_dataset_file_path(const lf_dataset *ds, const lf_data_file *f, char **out,
                         lf_error *err);

/* Deleted row offsets of fragment i, ascending and distinct (*rows is NULL
** when *n == 0).  Loaded on first call, kept until lf_dataset_free. */
int lf_dataset_deletions(lf_dataset *ds, int i, const uint32_t **rows, size_t *n,
                         lf_error *err);
/* Row id of offset `off` of fragment i: from the fragment's row id
** sequence when row ids are stable, else the row address id << 32 | off. */
int lf_dataset_row_id(lf_dataset *ds, int i, uint64_t off, uint64_t *out, lf_error *err);
/* Fragment i's row id sequence (loaded on first call); *out is NULL when
** the dataset has no stable row ids. */
int lf_dataset_row_ids(lf_dataset *ds, int i, const lf_rowids **out, lf_error *err);
/* The version that created (which = 0) or last updated (which = 1) each row
** of fragment i, into out[0..physical_rows); zeros when the fragment records
** none (no stable row ids, or an older writer). */
int lf_dataset_row_versions(lf_dataset *ds, int i, int which, uint64_t *out, lf_error *err);
/* Fragment index *frag and offset *off of the live (not deleted) row whose
** row id is `id`, or *frag = -1 when no live row has it.  With stable row
** ids the first call loads every fragment's row ids and deletions into a
** map kept until lf_dataset_free (rowid_map.c); lookups then cost
** O(log runs).  Without, the id is the row address (fragment id << 32 |
** offset): a binary search over the fragment ids and that fragment's
** deletions.  Like the other lazy loaders here, not to be called from two
** threads at once on one dataset. */
int lf_dataset_locate(lf_dataset *ds, uint64_t id, int *frag, uint64_t *off, lf_error *err);

/* One past the highest fragment id m has used (its max_fragment_id, or its
** fragments' ids): the id the next new fragment gets. */
uint64_t lf_manifest_next_fragment_id(const lf_manifest *m);

/* A reference more to ds: lf_dataset_free then frees it only at the last. */
void lf_dataset_ref(lf_dataset *ds);

/* ---- Transaction views (table.c) ------------------------------------------------ */
/* What a write transaction sees before it commits: its base version with the
** rows it deleted gone and the data files it wrote as new fragments. */

/* Rows newly deleted in base fragment `frag` (an index into its fragments). */
typedef struct lf_view_del {
  int frag;
  const uint32_t *offsets;  /* ascending, distinct; already deleted ones allowed */
  size_t n;
} lf_view_del;

/* A fragment of data files written and not committed yet. */
typedef struct lf_view_frag {
  const lf_data_file *files;
  int n_files;
  uint64_t physical_rows;
  /* stable row ids: the rows' ids, or NULL for first_row_id, first_row_id + 1, ... */
  const uint64_t *row_ids;
  uint64_t first_row_id;
  const uint32_t *deleted;  /* offsets deleted, ascending, distinct */
  size_t n_deleted;
} lf_view_frag;

/* A dataset reading as base with dels[0..n_dels) applied (each base fragment
** at most once) and the new fragments nf[0..n_new) after base's fragments,
** with ids from lf_manifest_next_fragment_id(base's manifest) on (so row
** addresses of rows not committed yet do not collide with committed ones).
** Everything given is copied; the view holds a reference to base (its
** manifest, indexes, schema) until lf_dataset_free(view). */
int lf_dataset_view(lf_dataset *base, const lf_view_del *dels, int n_dels,
                    const lf_view_frag *nf, int n_new, lf_dataset **out, lf_error *err);

/* ---- Index metadata (indices.c) ------------------------------------------------ */
typedef struct lf_index_meta {
  char *name;
  char uuid[37];           /* "" when absent */
  char *type_url;          /* index_details type URL, or NULL */
  int32_t *fields;         /* field ids the index covers */
  int n_fields;
  uint64_t dataset_version, index_version;
  int has_frags;           /* 0: no fragment bitmap recorded */
  uint32_t *frags;         /* fragment ids covered, ascending */
  size_t n_frags;
} lf_index_meta;
/* The manifest's IndexSection as an array (malloc'd, manifest order). */
int lf_manifest_indices(const lf_manifest *m, lf_index_meta **out, int *n, lf_error *err);
void lf_indices_free(lf_index_meta *a, int n);
/* The names of the latest version's indexes whose details type URL is
** type_url (malloc'd array of *n malloc'd strings; free each, then it). */
int lf_index_names(lf_store *s, const char *root, const char *type_url, char ***out, int *n,
                   lf_error *err);

/* ---- Scans (scan.c) ------------------------------------------------------------ */
/* A batch of live rows of one fragment: cols[k] holds projected field k
** (arrays owned by the scan, valid until the next call), rowids[i] the row
** id, rowaddrs[i] fragment_id << 32 | offset.  views[k] is NULL, or for
** the field given to lf_scan_view its n values in place (lf_file_view:
** contiguous, no nulls), and then cols[k] holds no rows. */
typedef struct lf_scan_batch {
  uint64_t n;
  uint64_t fragment_id;
  lf_array *cols;
  const uint8_t **views;
  uint64_t *rowids, *rowaddrs;
  size_t cap;
} lf_scan_batch;

typedef struct lf_scan lf_scan;
/* Scan dataset ds (borrowed, as is store, which holds its data files) over
** the top-level fields fields[0..nf) (indices into its schema). */
int lf_scan_open(lf_dataset *ds, lf_store *store, const int *fields, int nf, lf_scan **out,
                 lf_error *err);
void lf_scan_free(lf_scan *s);
/* Read projected field k in place where the files allow (lf_file_view;
** batches then hold runs of consecutive live rows within one page), else
** decode it as usual.  For scans, not takes. */
void lf_scan_view(lf_scan *s, int k);
/* Restrict the scan to part `part` of `nparts` (0 <= part < nparts) equal
** shares of the physical rows of all fragments in order, and load the
** deletion vectors and row ids of those fragments now: scans of different
** parts of one dataset can then run in different threads (the dataset's
** store must be thread-safe).  For lf_scan_next only (not skip or takes). */
int lf_scan_part(lf_scan *s, int part, int nparts, lf_error *err);
/* Leave out the fragments whose ids are in ids[0..n) (any order), e.g. the
** ones a vector index covers.  Before the first lf_scan_next. */
int lf_scan_exclude(lf_scan *s, const uint32_t *ids, size_t n, lf_error *err);
/* Next batch of at most max_rows live rows (*out)->n == 0 at the end. */
int lf_scan_next(lf_scan *s, uint64_t max_rows, const lf_scan_batch **out, lf_error *err);
/* The rows among rowids[0..n) (any order) that lie in the first fragment
** holding any of them, ascending by offset, duplicates, deleted and unknown
** ids dropped; *used = how many of rowids were consumed (call again with the
** rest).  Ends a scan in progress. */
/* Skip the next n live rows without decoding them (whole fragments by
** their live counts). */
int lf_scan_skip(lf_scan *s, uint64_t n, lf_error *err);
/* The payload bytes of row i of projected blob field k of the current
** batch (legacy blobs: a byte range of the data file; blob v2: inline, or a
** packed or dedicated side file).  *out is malloc'd (caller frees). */
int lf_scan_blob(lf_scan *s, int k, uint64_t i, uint8_t **out, uint64_t *len, lf_error *err);
int lf_scan_take_fragment(lf_scan *s, uint64_t *rowids, size_t n, size_t *used,
                          const lf_scan_batch **out, lf_error *err);

#endif
