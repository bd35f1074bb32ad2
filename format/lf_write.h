/*
** lf_write.h: the public write API of liblanceformat: data files (writer.c),
** commits of new dataset versions (commit.c), tags (tag_write.c).  Plain
** C11, no SQLite.  Conventions as lf.h / lf_table.h: int status + lf_error.
*/
#ifndef LF_WRITE_H
#define LF_WRITE_H

#include "lf_table.h"

/* ---- schema_ddl.c --------------------------------------------------------- */
/* The schema= spelling ("id INT64 NOT NULL, emb FLOAT32[384], tags TEXT[]")
** as a schema with field ids in pre-order; LF_ARG with the offset on a
** syntax error or unknown type.  out is zeroed first; lf_schema_reset it after. */
int lf_schema_from_ddl(const char *ddl, lf_schema *out, lf_error *err);
void lf_schema_reset(lf_schema *s);
/* Append the schema metadata entry key = val (both copied); -1 when out of
** memory (the schema unchanged). */
int lf_schema_add_meta(lf_schema *sc, const char *key, const char *val);
/* Field metadata key = val (copied) appended to f; 0, or -1 out of memory. */
int lf_field_add_meta(lf_field *f, const char *key, const char *val);

/* ---- Data files (writer.c) ------------------------------------------------- */

/* Writes one Lance data file (2.1 or 2.2) holding the top-level fields of a
** schema, a batch of rows at a time.  Pages are encoded and written out as
** they fill, so memory stays bounded whatever the row count.  The file
** appears under its path only when lf_writer_finish succeeds. */
typedef struct lf_writer lf_writer;

/* Start the data file <root>/data/<name> (name e.g. "<uuid>.lance", as
** lf_data_file_name makes) for every top-level field of
** `schema` (borrowed; must outlive the writer; field ids set).  major.minor
** is the file version: 2.1 or 2.2; 2.0 and others are LF_UNSUPPORTED with a
** message naming the version. */
int lf_writer_open(lf_store *s, const char *root, const char *name, const lf_schema *schema,
                   int major, int minor, lf_writer **out, lf_error *err);

/* The same for a file at store path `path` (e.g. an index file under
** <root>/_indices/<uuid>/); messages name the path. */
int lf_writer_open_path(lf_store *s, const char *path, const lf_schema *schema, int major,
                        int minor, lf_writer **out, lf_error *err);

/* Append n rows: cols[i] holds top-level field i of the schema (an lf_array
** of that field with length n, in the layout lf.h documents).  The arrays
** are only read during the call.  Values that do not fit the field (a NULL
** in a non-nullable field, a fixed-size list of the wrong width) are LF_ARG
** naming the field. */
int lf_writer_write(lf_writer *w, const lf_array *cols, uint64_t n, lf_error *err);

/* Encode and write the batches lf_writer_submit hands over on a worker
** thread (write_async.c) while the caller builds the next ones; the file is
** byte for byte the one lf_writer_write makes.  After this only
** lf_writer_submit, _finish and _abort may be called (_rows and _bytes are
** the worker's); _finish waits for the worker and returns the first error
** it met, _abort drops the batches not written yet. */
int lf_writer_start_worker(lf_writer *w, lf_error *err);
/* lf_writer_write for a caller that hands its arrays over: the batch is
** checked now (LF_ARG as lf_writer_write, nothing written), then with a
** worker cols[] are swapped with empty arrays of the same fields (no copy;
** blocks while two batches wait) and the call returns an error an earlier
** batch met on the worker, if any; without one it writes them now.  Clear
** cols[] (lf_array_clear) before filling them again. */
int lf_writer_submit(lf_writer *w, lf_array *cols, uint64_t n, lf_error *err);

/* Write the n bytes at p as the file's next global buffer (at a 64-byte
** boundary where the file ends now, e.g. before the first rows, as LanceDB
** places an index file's IVF model); *index = its number in the footer's
** table (1, 2, ...: buffer 0 is the schema, written by lf_writer_finish). */
int lf_writer_add_buffer(lf_writer *w, const void *p, size_t n, uint32_t *index, lf_error *err);

uint64_t lf_writer_rows(const lf_writer *w);      /* rows appended so far */
uint64_t lf_writer_bytes(const lf_writer *w);     /* bytes written so far (estimate) */

/* Flush, write column metadata, schema and footer, and publish the file.
** Fills df (zeroed by the caller, freed with lf_data_file_reset): path =
** name, fields / column_indices as the manifest's DataFile lists them for
** this file (as LanceDB does: leaf field ids, their column indices),
** major/minor, size_bytes.  Frees w, success or not. */
int lf_writer_finish(lf_writer *w, lf_data_file *df, lf_error *err);
/* Drop the file: nothing remains under its path.  Frees w. */
void lf_writer_abort(lf_writer *w);

void lf_data_file_reset(lf_data_file *df);
/* A fresh data file name as LanceDB makes them (random, unique), ending in
** ".lance", into buf (at least 64 bytes). */
void lf_data_file_name(char *buf, size_t cap);

/* ---- Commits (commit.c) ------------------------------------------------------ */

/* A new fragment made of data files written with lf_writer. */
typedef struct lf_new_fragment {
  int n_files;
  lf_data_file *files;     /* paths relative to <root>/data/ */
  uint64_t physical_rows;
  /* Stable-row-id datasets only: the row ids of the fragment's rows, or
  ** NULL for fresh ids (next_row_id onwards).  UPDATE passes the old ids of
  ** the rows it rewrote so they keep their ids, as Lance does; entries
  ** LF_FRESH_ROW_ID (rows inserted beside them) get fresh ids. */
  const uint64_t *row_ids;
  /* Stable row ids only: per row, the version that created / last updated
  ** it (0 or NULL: the version this commit makes).  UPDATE keeps created_at
  ** and compaction both, as Lance does. */
  const uint64_t *created_at, *last_updated;
} lf_new_fragment;

#define LF_FRESH_ROW_ID UINT64_MAX

/* Rows newly deleted in an existing fragment. */
typedef struct lf_frag_delete {
  uint64_t fragment_id;
  const uint32_t *offsets; /* ascending, distinct; rows already deleted allowed */
  size_t n;
} lf_frag_delete;

enum {
  LF_COMMIT_CREATE = 1,    /* a new dataset (Overwrite at version 1) */
  LF_COMMIT_WRITE = 2,     /* new fragments and/or deletions: Append, Delete or Update */
  LF_COMMIT_RESTORE = 3,   /* republish an older version's manifest as the newest */
  LF_COMMIT_INDEX = 4,     /* add and/or remove indexes: CreateIndex */
  LF_COMMIT_REWRITE = 5,   /* fragments replaced by new ones holding their rows: Rewrite */
  LF_COMMIT_MERGE = 6,     /* evolve.c: new schema + files added to fragments: Merge */
  LF_COMMIT_PROJECT = 7,   /* evolve.c: new schema only: Project */
  LF_COMMIT_REPLACE = 8    /* evolve.c: column files replaced or added: DataReplacement */
};

/* REWRITE: the live rows of fragments old_ids[0..n_old) now live in
** new_frags[0..n_new) (in place of the first of them in the fragment list). */
typedef struct lf_rewrite_group {
  const uint64_t *old_ids;
  int n_old;
  const lf_new_fragment *new_frags;
  int n_new;
} lf_rewrite_group;

/* A data file put into an existing fragment (MERGE, REPLACE; evolve.c). */
typedef struct lf_frag_file {
  uint64_t fragment_id;
  lf_data_file file;       /* borrowed */
  const int32_t *tombstones; /* MERGE: field ids whose old copies in the fragment's
                           ** other files become -2 (tombstoned) */
  int n_tombstones;
} lf_frag_file;

/* An index segment to list in the manifest (IndexMetadata), its files
** already written under <root>/_indices/<uuid>/. */
typedef struct lf_new_index {
  char uuid[37];
  const char *name;
  const int32_t *fields;   /* the indexed field ids */
  int n_fields;
  uint64_t dataset_version; /* the version the index was built from */
  const uint32_t *frags;   /* fragment bitmap: the fragments it covers */
  size_t n_frags;
  const char *type_url;    /* index_details, e.g. "/lance.table.InvertedIndexDetails" */
  const uint8_t *details;  /* its message bytes */
  size_t details_len;
  int32_t index_version;
  uint64_t created_at_ms;
  const char *const *file_names; /* relative to the index directory */
  const uint64_t *file_sizes;
  size_t n_files;
} lf_new_index;

typedef struct lf_commit_req {
  int kind;
  /* CREATE: the schema (field ids set), the data storage version ("2.1",
  ** "2.2"), the manifest path scheme (v2 = the u64::MAX - N names LanceDB
  ** writes by default) and stable row ids on or off. */
  const lf_schema *schema;
  const char *data_version;
  int v2_paths, stable_row_ids;
  /* CREATE and WRITE */
  int n_new;
  const lf_new_fragment *new_frags;
  int n_del;
  const lf_frag_delete *dels;
  /* RESTORE */
  uint64_t restore_version;
  /* INDEX: the index to add (NULL: none) and the uuids of the indexes to
  ** remove (their entries of the base manifest go into the transaction).
  ** As Lance builds the manifest: an existing index of the new one's name
  ** is replaced whatever its uuid. */
  const lf_new_index *new_index;
  const char *const *removed_uuids;
  int n_removed;
  /* REWRITE (compaction): the groups; new fragments with stable row ids
  ** carry the rows' ids.  Indexes are left as they are: the fragments
  ** rewritten stay in their bitmaps, so their rows count as deleted there
  ** and the new fragments are searched flat, as after a delete + append. */
  int n_groups;
  const lf_rewrite_group *groups;
  /* MERGE, PROJECT: the new schema as Manifest fields 1 (Field) and 5
  ** (metadata), from lf_evolve_schema; removed_uuids: indexes on fields
  ** that left it.  MERGE, REPLACE: the files put into fragments. */
  const uint8_t *new_schema;
  size_t new_schema_len;
  int n_adds;
  const lf_frag_file *adds;
  /* Any kind but RESTORE: Manifest.config entries (Lance's table config)
  ** set in the new version, the others kept; the writer flag TABLE_CONFIG
  ** is then set, as Lance's update_config does. */
  int n_set_config;
  const lf_kv *set_config;
} lf_commit_req;

/* Publish the next version of the dataset at root.  `base` is the manifest
** the transaction read (NULL for CREATE).  The manifest is created
** exclusively: if another writer (this library in another process, or
** LanceDB) published a version first, that version's transaction is checked
** against this one: compatible ones (appends, or deletions in other
** fragments) are rebased over and the commit retried; others fail with
** LF_CONFLICT naming the version and its operation, leaving nothing behind.
** A REWRITE conflicts with a concurrent Overwrite or Restore, and with a
** Delete, Update, Rewrite or DataReplacement of a fragment it rewrites.
** An INDEX commit conflicts as Lance's CreateIndex does: with a concurrent
** Overwrite, Restore, Rewrite of a fragment it covers, DataReplacement (any:
** the replaced fields are not known here), UpdateMemWalState; it rebases
** over the rest.
** CREATE fails with LF_EXISTS when a dataset is already there.  On success
** *version is the version published. */
int lf_commit(lf_store *s, const char *root, const lf_manifest *base, const lf_commit_req *req,
              uint64_t *version, lf_error *err);

/* ---- New fragments of rows (frag_writer.c) ------------------------------------------ */

/* Rows appended a batch at a time into new fragments (one data file each,
** every top-level field of schema); a fragment is closed after the batch
** that brings it to max_rows rows or more (batches are never split). */
typedef struct lf_frag_writer {
  lf_store *store;
  const char *root;        /* borrowed */
  const lf_schema *schema; /* borrowed, field ids set */
  int major, minor;
  uint64_t max_rows;
  lf_writer *w;            /* the open file, or NULL */
  int n, cap;
  lf_data_file *files;     /* files[0..n): closed files */
  lf_new_fragment *frags;  /* frags[0..n): for lf_commit after _finish */
  uint64_t rows;           /* rows in closed files */
} lf_frag_writer;

/* max_rows 0: LanceDB's default max_rows_per_file (1,048,576). */
void lf_frag_writer_init(lf_frag_writer *fw, lf_store *s, const char *root,
                         const lf_schema *schema, int major, int minor, uint64_t max_rows);
/* Append n rows: cols[i] is top-level field i (as lf_writer_write). */
int lf_frag_writer_write(lf_frag_writer *fw, const lf_array *cols, uint64_t n, lf_error *err);
/* Close the open file: frags[0..n) are then complete. */
int lf_frag_writer_finish(lf_frag_writer *fw, lf_error *err);
/* Free fw; remove_files: also delete the files written (nothing committed). */
void lf_frag_writer_reset(lf_frag_writer *fw, int remove_files);

/* ---- Rewriting rows (rewrite.c) ---------------------------------------------------- */

/* New fragments holding the rows copied, in order. */
typedef struct lf_rewrite {
  int n;
  lf_new_fragment *frags;  /* one data file each; row_ids = the rows' ids (stable row ids) */
  lf_data_file *files;
  uint64_t **ids;
  uint64_t **vers;         /* stable row ids: per new fragment, its rows' created_at
                           ** versions, then their last_updated_at versions */
  uint64_t rows;           /* rows copied */
} lf_rewrite;

/* Copy the live rows of the fragments of ds whose ids are frag_ids[0..n)
** (in ds's fragment order) into new data files under ds's root of at most
** max_rows rows each, Lance file version major.minor, every top-level field.
** Blob columns are LF_UNSUPPORTED.  On failure the files written are
** removed and r is empty. */
int lf_rewrite_fragments(lf_dataset *ds, lf_store *st, const uint32_t *frag_ids, size_t n,
                         uint64_t max_rows, int major, int minor, lf_rewrite *r,
                         lf_error *err);
/* Free r; remove_files: also delete its data files (under root). */
void lf_rewrite_reset(lf_rewrite *r, lf_store *st, const char *root, int remove_files);

/* ---- Compaction (compact.c) ------------------------------------------------------- */

typedef struct lf_compact_opts {
  uint64_t target_rows;         /* target_rows_per_fragment (Lance: 1,048,576) */
  int materialize_deletions;    /* rewrite fragments with many deletions (Lance: on) */
  double deletion_threshold;    /* "many": more than this share deleted (Lance: 0.1) */
} lf_compact_opts;

typedef struct lf_compact_stats {  /* as Lance's CompactionMetrics */
  uint64_t fragments_removed, fragments_added, files_removed, files_added;
  uint64_t version;             /* the version committed; 0: nothing to compact */
} lf_compact_stats;

/* Compact the latest version of the dataset at root as Lance does (compact.c
** describes the plan): one Rewrite version, or none when nothing is worth
** rewriting.  Blob columns, and stable row ids with indexes, are
** LF_UNSUPPORTED; a concurrent delete or rewrite of a fragment being
** rewritten is LF_CONFLICT (nothing left behind). */
int lf_compact(lf_store *s, const char *root, const lf_compact_opts *o, lf_compact_stats *st,
               lf_error *err);

/* ---- Cleanup (cleanup.c) ---------------------------------------------------------- */

typedef struct lf_cleanup_opts {
  int64_t older_than_s;         /* versions older than this many seconds go (Lance: 7 days) */
  int delete_unverified;        /* also files no version uses (in-flight writes!) */
  int error_if_tagged;          /* a tagged version older than the cutoff is an error
                                ** (LF_ARG naming the tags; Lance's default), else kept */
} lf_cleanup_opts;

typedef struct lf_cleanup_stats {  /* as Lance's RemovalStats, plus files */
  uint64_t old_versions, bytes_removed, files_removed;
} lf_cleanup_stats;

/* Remove the versions of the dataset at root older than the cutoff (never
** the latest or a tagged one) and the files no kept version uses (cleanup.c
** tells which); a version committed meanwhile restarts it (LF_CONFLICT after
** 5 tries). */
int lf_cleanup(lf_store *s, const char *root, const lf_cleanup_opts *o, lf_cleanup_stats *stats,
               lf_error *err);
/* ---- Schema evolution (evolve.c) ------------------------------------------------- */

/* One alteration of a top-level field of the base schema. */
typedef struct lf_evolve_alter {
  const lf_field *field;   /* in the base manifest's schema */
  const char *rename;      /* new name, or NULL */
  int nullable;            /* 1 or 0 to set, -1 to keep */
  const lf_schema *cast;   /* the field's new type: one top-level field, ids
                           ** renumbered (lf_evolve_renumber), or NULL */
} lf_evolve_alter;

typedef struct lf_evolve_spec {
  const lf_field *const *drop; /* top-level fields of the base schema to drop */
  int n_drop;
  const lf_evolve_alter *alter;
  int n_alter;
  const lf_schema *add;    /* fields appended (ids renumbered), or NULL */
} lf_evolve_spec;

/* The schema of top-level field `top` of s alone (ids kept), into out
** (zeroed first; lf_schema_reset it): the schema of a column-only file. */
int lf_schema_pick(const lf_schema *s, const lf_field *top, lf_schema *out, lf_error *err);
/* Can a REPLACE commit put df into fr (a file of fr holds exactly df's
** fields in df's file version, or none holds any of them)?  Else the
** column must move by a MERGE that tombstones its old copies. */
int lf_evolve_replaceable(const lf_fragment *fr, const lf_data_file *df);
/* The highest field id of the schema and every data file (Lance's
** max_field_id), -1 when there is none. */
int32_t lf_evolve_max_field_id(const lf_manifest *m);
/* Add `first` to every field id (and parent id) of s (fresh from
** lf_schema_from_ddl, ids from 0). */
void lf_evolve_renumber(lf_schema *s, int32_t first);
/* LF_ARG when an added or renamed column's name is taken. */
int lf_evolve_check_names(const lf_manifest *base, const lf_evolve_spec *sp, lf_error *err);
/* Lance's rule for alter_columns casts: same kind of type (integers,
** floats, temporal, strings, binaries, decimals, lists of such). */
int lf_evolve_cast_ok(const lf_field *from, const lf_field *to);
/* The new schema as Manifest fields 1 and 5 (lf_commit_req.new_schema)
** in *out (malloc'd, *len bytes): the base's Field messages as sp changes
** them. */
int lf_evolve_schema(const lf_manifest *base, const lf_evolve_spec *sp, uint8_t **out,
                     size_t *len, lf_error *err);

/* ---- Tags (tag_write.c) -------------------------------------------------------- */

/* _refs/tags/<name>.json in LanceDB's layout.  create: LF_EXISTS if the tag
** exists; create/update: LF_NOTFOUND if the version does not; update/delete:
** LF_NOTFOUND if the tag does not exist.  Names: LanceDB's rules (letters,
** digits, '.', '-', '_'; no leading '.', no "..", no ".lock" suffix). */
int lf_tag_create(lf_store *s, const char *root, const char *name, uint64_t version,
                  lf_error *err);
int lf_tag_update(lf_store *s, const char *root, const char *name, uint64_t version,
                  lf_error *err);
int lf_tag_delete(lf_store *s, const char *root, const char *name, lf_error *err);

#endif
